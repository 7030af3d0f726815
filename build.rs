//! Links the `kiln` binary with the functions a short run executes placed together at the start
//! of its code (`src/startup.order`, written by `benches/startup_order.py`): an empty script then
//! touches a few hundred contiguous pages of code instead of pages scattered over nearly every
//! 64-KB block the kernel maps around a fault. Only with LLD, the default linker of rustc for
//! x86_64 Linux with glibc; a name the binary no longer has is skipped.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/startup.order");
    let target = |name: &str| std::env::var(format!("CARGO_CFG_TARGET_{name}")).unwrap_or_default();
    if target("OS") == "linux" && target("ENV") == "gnu" && target("ARCH") == "x86_64" {
        let order = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/startup.order");
        println!(
            "cargo:rustc-link-arg-bin=kiln=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo:rustc-link-arg-bin=kiln=-Wl,--no-warn-symbol-ordering");
    }
}
