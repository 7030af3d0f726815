//! Kiln's parser against `oxc_parser`, side by side in one process:
//! `cargo run --release --manifest-path benches/parse-vs-oxc/Cargo.toml -- [runs] [file-name...]`.
//!
//! For every `../shared/corpus` file (or only those named), the two parsers run alternately, `runs`
//! times each (default 20, after one warm-up each), every run with a fresh arena. Prints the median
//! time and MB/s of each and Kiln's median time as a ratio of oxc's (below 1: Kiln is faster), then
//! the geometric mean of the ratios.
//!
//! The work is not quite the same: Kiln's parse includes its early errors (redeclarations, scope
//! facts, regexp validation), which oxc leaves to `oxc_semantic`; oxc's builds a module record.

use std::time::{Duration, Instant};

fn median(times: &mut [Duration]) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64()
}

fn parse_kiln(source: &str, module: bool) -> usize {
    let arena = bumpalo::Bump::new();
    let kind = if module {
        kiln_parser::ast::SourceKind::Module
    } else {
        kiln_parser::ast::SourceKind::Script
    };
    let result = kiln_parser::parse(
        &arena,
        source,
        kiln_parser::ParseOptions { kind, eval: None },
    );
    assert!(
        result.errors.is_empty(),
        "kiln: {:?}",
        result.errors.first()
    );
    std::hint::black_box(result.program.body.len())
}

fn parse_oxc(source: &str, module: bool) -> usize {
    let allocator = oxc_allocator::Allocator::default();
    let source_type = if module {
        oxc_span::SourceType::mjs()
    } else {
        oxc_span::SourceType::script()
    };
    let result = oxc_parser::Parser::new(&allocator, source, source_type).parse();
    assert!(
        !result.panicked && result.diagnostics.is_empty(),
        "oxc: {:?}",
        result.diagnostics.first()
    );
    std::hint::black_box(result.program.body.len())
}

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let runs: usize = match args.peek().and_then(|a| a.parse().ok()) {
        Some(n) => {
            args.next();
            n
        }
        None => 20,
    }
    .max(1);
    let only: Vec<String> = args.collect();
    let dir = format!("{}/../../../shared/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "js" || e == "mjs"))
        .filter(|p| {
            only.is_empty()
                || p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| only.iter().any(|o| o == n))
        })
        .collect();
    files.sort();
    println!("{runs} runs each, alternating, medians");
    println!();
    println!(
        "| file | size (KB) | Kiln ms | oxc ms | Kiln MB/s | oxc MB/s | Kiln time / oxc time |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut log_ratio_sum = 0.0;
    for path in &files {
        let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let module = path.extension().is_some_and(|e| e == "mjs");
        parse_kiln(&source, module);
        parse_oxc(&source, module);
        let mut kiln = Vec::with_capacity(runs);
        let mut oxc = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            parse_kiln(&source, module);
            kiln.push(start.elapsed());
            let start = Instant::now();
            parse_oxc(&source, module);
            oxc.push(start.elapsed());
        }
        let (kiln, oxc) = (median(&mut kiln), median(&mut oxc));
        let mb = source.len() as f64 / 1e6;
        log_ratio_sum += (kiln / oxc).ln();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        println!(
            "| {name} | {:.0} | {:.1} | {:.1} | {:.0} | {:.0} | {:.2}× |",
            source.len() as f64 / 1024.0,
            kiln * 1e3,
            oxc * 1e3,
            mb / kiln,
            mb / oxc,
            kiln / oxc
        );
    }
    if files.len() > 1 {
        println!();
        println!(
            "geometric mean of Kiln time / oxc time: {:.2}×",
            (log_ratio_sum / files.len() as f64).exp()
        );
    }
}
