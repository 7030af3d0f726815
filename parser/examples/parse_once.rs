//! Parses one file once, as `benches/parse-vs-oxc` does, for a profiler to watch:
//! `valgrind --tool=callgrind target/release/examples/parse_once ../shared/corpus/typescript.js`.
//!
//! `parse_once FILE RUNS` then parses it `RUNS` more times into the same arena, reset between
//! runs (so no run pays page faults for fresh memory), and prints the median and fastest time.

use kiln_parser::ast::SourceKind;
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: parse_once FILE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let kind = if path.ends_with(".mjs") {
        SourceKind::Module
    } else {
        SourceKind::Script
    };
    let mut arena = bumpalo::Bump::new();
    let parse = |arena: &bumpalo::Bump| {
        let result = kiln_parser::parse(
            arena,
            &source,
            kiln_parser::ParseOptions { kind, eval: None },
        );
        assert!(
            result.errors.is_empty(),
            "{path}: {:?}",
            result.errors.first()
        );
        std::hint::black_box(result.program.body.len());
    };
    parse(&arena);
    if runs == 0 {
        return;
    }
    // Once more, so that the arena, which keeps only its largest chunk when reset, has grown to
    // hold the whole tree in one.
    arena.reset();
    parse(&arena);
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        arena.reset();
        let start = Instant::now();
        parse(&arena);
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "{path}: {runs} runs into a reused arena, median {:.1} ms, fastest {:.1} ms",
        times[runs / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3
    );
}
