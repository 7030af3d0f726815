//! Wall-clock lexing and parsing throughput over ../shared/corpus: `cargo parse-throughput [runs]`.
//! Prints, per file, the median MB/s of `runs` runs (default 20) of each phase.

use kiln_parser::ast::SourceKind;
use std::time::Instant;

fn median_seconds(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20)
        .max(1);
    let dir = format!("{}/../../shared/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "js" || e == "mjs"))
        .collect();
    files.sort();
    println!("| file | size (KB) | lex MB/s | parse MB/s |");
    println!("|---|---:|---:|---:|");
    for path in files {
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        let kind = if path.extension().is_some_and(|e| e == "mjs") {
            SourceKind::Module
        } else {
            SourceKind::Script
        };
        let mb = source.len() as f64 / 1e6;
        let lex = median_seconds(runs, || {
            std::hint::black_box(kiln_lexer::count_tokens(&source).ok());
        });
        let parse = median_seconds(runs, || {
            let arena = bumpalo::Bump::new();
            let result = kiln_parser::parse(
                &arena,
                &source,
                kiln_parser::ParseOptions { kind, eval: None },
            );
            assert!(
                result.errors.is_empty(),
                "{}: {:?}",
                path.display(),
                result.errors.first()
            );
            std::hint::black_box(result.program.body.len());
        });
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        println!(
            "| {name} | {:.0} | {:.0} | {:.0} |",
            source.len() as f64 / 1024.0,
            mb / lex,
            mb / parse
        );
    }
}
