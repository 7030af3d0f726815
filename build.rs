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
        // Segments aligned to 64 KB, so the kernel loads the binary at a 64-KB boundary and the
        // blocks it maps around a fault fall on the same bytes of the file every run (with
        // 4-KB alignment they shift by a random multiple of 4 KB: an empty script's resident
        // set varied by 150 KB from run to run, and was 100 KB larger on average).
        println!("cargo:rustc-link-arg-bin=kiln=-Wl,-z,max-page-size=0x10000");
    }
}
