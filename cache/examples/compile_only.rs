//! Compiles one source file many times (parse + compile + archive, as the `load` bench's
//! compile side does), for profiling the compile path:
//! `cargo run --release -p kiln-cache --example compile_only -- SOURCE [TIMES]`.

use std::time::{Duration, Instant};

/// The allocator of the `kiln` binary, so that these figures are the ones `kiln compile` and
/// `kiln run CACHE` see.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: compile_only SOURCE [TIMES]");
        std::process::exit(2);
    };
    let times: usize = args.get(2).and_then(|t| t.parse().ok()).unwrap_or(10);
    let source = std::fs::read_to_string(path).expect("source");
    let module = path.ends_with(".mjs");
    let (mut parse, mut compile, mut archive, mut total) = (vec![], vec![], vec![], vec![]);
    for _ in 0..times {
        let started = Instant::now();
        {
            let arena = bumpalo::Bump::new();
            let kind = if module {
                kiln_parser::ast::SourceKind::Module
            } else {
                kiln_parser::ast::SourceKind::Script
            };
            let parsed = kiln_parser::parse(
                &arena,
                &source,
                kiln_parser::ParseOptions { kind, eval: None },
            );
            if let Some(e) = parsed.errors.first() {
                eprintln!("{path}: {e:?}");
                std::process::exit(1);
            }
            parse.push(started.elapsed());
            let at = Instant::now();
            let code_kind = if module {
                kiln_compiler::CodeKind::Module
            } else {
                kiln_compiler::CodeKind::Script
            };
            let code = kiln_compiler::compile(&parsed.program, code_kind).expect("compiles");
            compile.push(at.elapsed());
            let at = Instant::now();
            let verified =
                kiln_cache::VerifiedCode::from_compiled(&code, &source).expect("archives");
            archive.push(at.elapsed());
            std::hint::black_box(verified);
        }
        total.push(started.elapsed());
    }
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1e3
    };
    println!(
        "medians of {times}: parse {:.1} ms, compile {:.1} ms, archive {:.1} ms, all with drops {:.1} ms",
        median(parse),
        median(compile),
        median(archive),
        median(total)
    );
}
