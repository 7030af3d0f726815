//! Compile from source against load from cache, for every file of ../shared/corpus: wall-clock
//! medians taken side by side in one run (the two are interleaved, so machine noise hits both).
//!
//! `cargo bench -p kiln-cache --bench load [-- RUNS]` prints a Markdown table.
//! Compile = parse + compile + archive; load = `kiln_cache::load_file`: read the file + header
//! and source hash + checksum + bytecheck validation + bytecode verification.

use kiln_cache::{CacheKind, VerifiedCode};
use kiln_compiler::CodeKind;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The allocator of the `kiln` binary, so that these figures are the ones `kiln compile` and
/// `kiln run CACHE` see.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn compile(source: &str, module: bool) -> VerifiedCode {
    let arena = bumpalo::Bump::new();
    let kind = if module {
        kiln_parser::ast::SourceKind::Module
    } else {
        kiln_parser::ast::SourceKind::Script
    };
    let parsed = kiln_parser::parse(
        &arena,
        source,
        kiln_parser::ParseOptions { kind, eval: None },
    );
    assert!(parsed.errors.is_empty(), "corpus files parse");
    let code_kind = if module {
        CodeKind::Module
    } else {
        CodeKind::Script
    };
    let code = kiln_compiler::compile(&parsed.program, code_kind).expect("compiles");
    VerifiedCode::from_compiled(&code, source).expect("archives")
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "js" || e == "mjs"))
        .collect();
    files.sort();
    files
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(7);
    let dir = std::env::temp_dir().join(format!("kiln-cache-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    println!(
        "| file | source | cache | cache/source | compile (median) | load (median) | speed-up |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut ratios = Vec::new();
    for path in corpus() {
        let source = std::fs::read_to_string(&path).expect("corpus file is UTF-8");
        let module = path.extension().is_some_and(|e| e == "mjs");
        let kind = if module {
            CacheKind::Module
        } else {
            CacheKind::Script
        };
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let cache_path = dir.join(format!("{name}.cache"));
        let bytes = kiln_cache::encode(&compile(&source, module), &source, kind);
        std::fs::write(&cache_path, &bytes).expect("write cache");
        let (mut compiles, mut loads) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let started = Instant::now();
            std::hint::black_box(compile(&source, module));
            compiles.push(started.elapsed());
            let started = Instant::now();
            let loaded = kiln_cache::load_file(
                &cache_path,
                &source,
                kind,
                Default::default(),
                &mut Default::default(),
            );
            std::hint::black_box(loaded.expect("loads"));
            loads.push(started.elapsed());
        }
        let (c, l) = (median(compiles), median(loads));
        let ratio = c.as_secs_f64() / l.as_secs_f64();
        ratios.push(ratio);
        println!(
            "| {name} | {:.2} MB | {:.2} MB | {:.2} | {:.1} ms | {:.2} ms | {ratio:.0}x |",
            source.len() as f64 / 1e6,
            bytes.len() as f64 / 1e6,
            bytes.len() as f64 / source.len() as f64,
            c.as_secs_f64() * 1e3,
            l.as_secs_f64() * 1e3,
        );
    }
    let geomean = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
    println!("\ngeometric mean speed-up: {geomean:.0}x ({runs} runs per file)");
    let _ = std::fs::remove_dir_all(&dir);
}
