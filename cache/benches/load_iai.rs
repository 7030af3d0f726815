//! Instruction counts (iai-callgrind) of compiling each ../shared/corpus file from source
//! (parse + compile + archive) against loading its cache (read the file + header and source hash
//! + checksum + bytecheck + verifier). `cargo bench -p kiln-cache --bench load_iai`.

// iai-callgrind's attribute macros expand to fully qualified paths.
#![allow(unused_qualifications)]

use iai_callgrind::{library_benchmark, library_benchmark_group, main};
use kiln_cache::{CacheKind, VerifiedCode};
use kiln_compiler::CodeKind;
use std::hint::black_box;
use std::path::PathBuf;

fn source(file: &str) -> String {
    let path = format!("{}/../../shared/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn is_module(file: &str) -> bool {
    file.ends_with(".mjs")
}

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
    assert!(parsed.errors.is_empty());
    let code_kind = if module {
        CodeKind::Module
    } else {
        CodeKind::Script
    };
    let code = kiln_compiler::compile(&parsed.program, code_kind).expect("compiles");
    VerifiedCode::from_compiled(&code, source).expect("archives")
}

fn kind(file: &str) -> CacheKind {
    if is_module(file) {
        CacheKind::Module
    } else {
        CacheKind::Script
    }
}

/// The source and a cache file of it, written before the measured part.
fn cached(file: &str) -> (String, PathBuf, CacheKind) {
    let text = source(file);
    let bytes = kiln_cache::encode(&compile(&text, is_module(file)), &text, kind(file));
    let path = std::env::temp_dir().join(format!("kiln-iai-{}-{file}.cache", std::process::id()));
    std::fs::write(&path, &bytes).expect("write cache");
    (text, path, kind(file))
}

fn with_kind(file: &str) -> (String, bool) {
    (source(file), is_module(file))
}

#[library_benchmark]
#[bench::acorn(with_kind("acorn.js"))]
#[bench::d3(with_kind("d3.js"))]
#[bench::jquery(with_kind("jquery.js"))]
#[bench::lodash(with_kind("lodash.js"))]
#[bench::moment(with_kind("moment.js"))]
#[bench::react_dom(with_kind("react-dom.development.js"))]
#[bench::three(with_kind("three.module.mjs"))]
#[bench::typescript(with_kind("typescript.js"))]
fn compile_from_source((text, module): (String, bool)) -> VerifiedCode {
    black_box(compile(black_box(&text), module))
}

#[library_benchmark]
#[bench::acorn(cached("acorn.js"))]
#[bench::d3(cached("d3.js"))]
#[bench::jquery(cached("jquery.js"))]
#[bench::lodash(cached("lodash.js"))]
#[bench::moment(cached("moment.js"))]
#[bench::react_dom(cached("react-dom.development.js"))]
#[bench::three(cached("three.module.mjs"))]
#[bench::typescript(cached("typescript.js"))]
fn load_from_cache((text, path, kind): (String, PathBuf, CacheKind)) -> VerifiedCode {
    let bytes = kiln_cache::read_file(black_box(&path)).expect("read");
    black_box(kiln_cache::load(bytes, &text, kind).expect("loads"))
}

library_benchmark_group!(name = cache; benchmarks = compile_from_source, load_from_cache);
main!(library_benchmark_groups = cache);
