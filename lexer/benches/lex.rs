//! Instruction counts for lexing each file of ../shared/corpus (iai-callgrind).

// iai-callgrind's attribute macros expand to fully qualified paths.
#![allow(unused_qualifications)]

use iai_callgrind::{library_benchmark, library_benchmark_group, main};
use std::hint::black_box;

fn corpus(name: &str) -> String {
    let path = format!("{}/../../shared/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
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
fn lex(source: String) -> usize {
    black_box(kiln_lexer::count_tokens(black_box(&source)).unwrap_or(0))
}

library_benchmark_group!(name = lexing; benchmarks = lex);
main!(library_benchmark_groups = lexing);
