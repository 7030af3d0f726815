//! Instruction counts for parsing each file of ../shared/corpus (iai-callgrind).

// iai-callgrind's attribute macros expand to fully qualified paths.
#![allow(unused_qualifications)]

use iai_callgrind::{library_benchmark, library_benchmark_group, main};
use kiln_parser::ast::SourceKind;
use std::hint::black_box;

fn corpus(name: &str) -> (String, SourceKind) {
    let path = format!("{}/../../shared/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let kind = if name.ends_with(".mjs") {
        SourceKind::Module
    } else {
        SourceKind::Script
    };
    (source, kind)
}

#[library_benchmark]
#[bench::acorn(corpus("acorn.js"))]
#[bench::d3(corpus("d3.js"))]
#[bench::jquery(corpus("jquery.js"))]
#[bench::lodash(corpus("lodash.js"))]
#[bench::moment(corpus("moment.js"))]
#[bench::react_dom(corpus("react-dom.development.js"))]
#[bench::three(corpus("three.module.mjs"))]
#[bench::typescript(corpus("typescript.js"))]
fn parse((source, kind): (String, SourceKind)) -> usize {
    let arena = bumpalo::Bump::new();
    let result = kiln_parser::parse(
        &arena,
        black_box(&source),
        kiln_parser::ParseOptions { kind, eval: None },
    );
    black_box(result.program.body.len() + result.errors.len())
}

library_benchmark_group!(name = parsing; benchmarks = parse);
main!(library_benchmark_groups = parsing);
