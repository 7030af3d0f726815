//! Kiln's parser against `oxc_parser`, side by side in one process:
//! `cargo run --release --manifest-path benches/parse-vs-oxc/Cargo.toml -- [runs] [file-name...]`.
//!
//! For every `../shared/corpus` file (or only those named), the two parsers run alternately, `runs`
//! times each (default 20, after warm-ups), in two ways, each with its table: medians, MB/s and
//! Kiln's median time as a ratio of oxc's (below 1: Kiln is faster), then the geometric mean of
//! the ratios.
//!
//! - **Fresh arenas**: every run allocates a new arena and frees it, as a compile from source
//!   does. Whether an arena's pages come fresh from the kernel (a page fault per 4 KiB on first
//!   touch) or reused from the allocator's heap depends on the allocator's state, which the other
//!   parser's runs change: oxc's 54 MB arena for typescript.js is faulted in on every run in some
//!   processes and not in others (the number of runs alone moved the ratio from 0.97x to 1.24x),
//!   while Kiln's 38 MB mostly came from the heap. Read this table with that in mind.
//! - **Reused arenas**: each parser keeps one arena, reset between runs, so neither pays page
//!   faults: the parsers' own work.
//!
//! The work is not quite the same: Kiln's parse includes its early errors (redeclarations, scope
//! facts, regexp validation), which oxc leaves to `oxc_semantic`; oxc's builds a module record.

use std::time::{Duration, Instant};

fn median(times: &mut [Duration]) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64()
}

/// How each run gets its arena.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Arenas {
    Fresh,
    Reused,
}

fn parse_kiln(arena: &bumpalo::Bump, source: &str, module: bool) -> usize {
    let kind = if module {
        kiln_parser::ast::SourceKind::Module
    } else {
        kiln_parser::ast::SourceKind::Script
    };
    let result = kiln_parser::parse(
        arena,
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

fn parse_oxc(allocator: &oxc_allocator::Allocator, source: &str, module: bool) -> usize {
    let source_type = if module {
        oxc_span::SourceType::mjs()
    } else {
        oxc_span::SourceType::script()
    };
    let result = oxc_parser::Parser::new(allocator, source, source_type).parse();
    assert!(
        !result.panicked && result.diagnostics.is_empty(),
        "oxc: {:?}",
        result.diagnostics.first()
    );
    std::hint::black_box(result.program.body.len())
}

/// The arenas kept between runs when they are reused.
struct Kept {
    kiln: bumpalo::Bump,
    oxc: oxc_allocator::Allocator,
}

impl Kept {
    fn kiln(&mut self, arenas: Arenas, source: &str, module: bool) {
        match arenas {
            Arenas::Fresh => parse_kiln(&bumpalo::Bump::new(), source, module),
            Arenas::Reused => {
                self.kiln.reset();
                parse_kiln(&self.kiln, source, module)
            }
        };
    }

    fn oxc(&mut self, arenas: Arenas, source: &str, module: bool) {
        match arenas {
            Arenas::Fresh => parse_oxc(&oxc_allocator::Allocator::default(), source, module),
            Arenas::Reused => {
                self.oxc.reset();
                parse_oxc(&self.oxc, source, module)
            }
        };
    }
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
    let sources: Vec<_> = files
        .iter()
        .map(|path| {
            let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            let module = path.extension().is_some_and(|e| e == "mjs");
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
            (name.to_string(), source, module)
        })
        .collect();
    for (arenas, title) in [
        (Arenas::Fresh, "fresh arenas (a new arena every run)"),
        (
            Arenas::Reused,
            "reused arenas (one arena per parser, reset every run)",
        ),
    ] {
        println!("{runs} runs each, alternating, medians; {title}");
        println!();
        println!(
            "| file | size (KB) | Kiln ms | oxc ms | Kiln MB/s | oxc MB/s | Kiln time / oxc time |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|");
        let mut log_ratio_sum = 0.0;
        for (name, source, module) in &sources {
            let (source, module) = (source.as_str(), *module);
            let mut kept = Kept {
                kiln: bumpalo::Bump::new(),
                oxc: oxc_allocator::Allocator::default(),
            };
            // Warm-ups: twice, so that reused arenas have grown to their final size.
            for _ in 0..2 {
                kept.kiln(arenas, source, module);
                kept.oxc(arenas, source, module);
            }
            let mut kiln = Vec::with_capacity(runs);
            let mut oxc = Vec::with_capacity(runs);
            for _ in 0..runs {
                let start = Instant::now();
                kept.kiln(arenas, source, module);
                kiln.push(start.elapsed());
                let start = Instant::now();
                kept.oxc(arenas, source, module);
                oxc.push(start.elapsed());
            }
            let (kiln, oxc) = (median(&mut kiln), median(&mut oxc));
            let mb = source.len() as f64 / 1e6;
            log_ratio_sum += (kiln / oxc).ln();
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
        if sources.len() > 1 {
            println!();
            println!(
                "geometric mean of Kiln time / oxc time: {:.2}×",
                (log_ratio_sum / sources.len() as f64).exp()
            );
        }
        println!();
    }
}
