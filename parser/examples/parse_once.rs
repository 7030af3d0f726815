//! Parses one file once, as `benches/parse-vs-oxc` does, for a profiler to watch:
//! `valgrind --tool=callgrind target/release/examples/parse_once ../shared/corpus/typescript.js`.

use kiln_parser::ast::SourceKind;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_once FILE");
        std::process::exit(2);
    };
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let kind = if path.ends_with(".mjs") {
        SourceKind::Module
    } else {
        SourceKind::Script
    };
    let arena = bumpalo::Bump::new();
    let result = kiln_parser::parse(
        &arena,
        &source,
        kiln_parser::ParseOptions { kind, eval: None },
    );
    assert!(
        result.errors.is_empty(),
        "{path}: {:?}",
        result.errors.first()
    );
    std::hint::black_box(result.program.body.len());
}
