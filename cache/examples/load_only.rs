//! Loads one cache file many times, for profiling the load path:
//! `cargo run --release -p kiln-cache --example load_only -- SOURCE CACHE [TIMES]`.

/// The allocator of the `kiln` binary, so that these figures are the ones `kiln run CACHE` sees.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(source), Some(cache)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: load_only SOURCE CACHE [TIMES]");
        std::process::exit(2);
    };
    let times: usize = args.get(3).and_then(|t| t.parse().ok()).unwrap_or(20);
    let source = std::fs::read_to_string(source).expect("source");
    let kind = if source.contains("export ") && cache.ends_with(".mjs.cache") {
        kiln_cache::CacheKind::Module
    } else {
        kiln_cache::CacheKind::Script
    };
    let mut stats = kiln_cache::LoadStats::default();
    let started = std::time::Instant::now();
    for _ in 0..times {
        let bytes = kiln_cache::read_file(std::path::Path::new(cache)).expect("read");
        let loaded = kiln_cache::load_with(bytes, &source, kind, Default::default(), &mut stats);
        if let Err(e) = loaded {
            eprintln!("rejected: {e}");
            std::process::exit(1);
        }
    }
    println!(
        "{:.2} ms per load; last: {stats:?}",
        started.elapsed().as_secs_f64() * 1e3 / times as f64
    );
}
