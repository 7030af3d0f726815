//! Instruction counts for running each ../shared/bench program (iai-callgrind), at a reduced
//! `BENCH_SCALE` so that callgrind finishes in seconds. Each run parses, compiles, archives and
//! runs the program in a fresh VM, and checks its `NAME: ok` result line.

// iai-callgrind's attribute macros expand to fully qualified paths.
#![allow(unused_qualifications)]

use iai_callgrind::{library_benchmark, library_benchmark_group, main};
use kiln_interpreter::{Host, Vm};
use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;

const SCALE: f64 = 0.01;

fn program(name: &str) -> (String, String) {
    let path = format!(
        "{}/../../shared/bench/{name}.js",
        env!("CARGO_MANIFEST_DIR")
    );
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    (
        name.to_string(),
        format!("globalThis.BENCH_SCALE = {SCALE};\n{source}"),
    )
}

struct Lines(Rc<RefCell<Vec<String>>>);

impl Host for Lines {
    fn print(&mut self, line: &str) {
        self.0.borrow_mut().push(line.to_string());
    }
}

#[library_benchmark]
#[bench::richards(program("richards"))]
#[bench::deltablue(program("deltablue"))]
#[bench::navier_stokes(program("navier-stokes"))]
#[bench::splay(program("splay"))]
#[bench::cube_3d(program("3d-cube"))]
#[bench::access_nbody(program("access-nbody"))]
#[bench::crypto_md5(program("crypto-md5"))]
#[bench::string_base64(program("string-base64"))]
fn run((name, source): (String, String)) -> usize {
    let lines = Rc::new(RefCell::new(Vec::new()));
    let mut vm = Vm::new(Box::new(Lines(lines.clone())));
    if let Err(e) = vm.run_script(black_box(&source), &name) {
        panic!("{name} failed: {e:?}");
    }
    let out = lines.borrow();
    assert!(
        out.iter().any(|l| l.contains(": ok")),
        "{name} printed no result line: {out:?}"
    );
    black_box(out.len())
}

library_benchmark_group!(name = programs; benchmarks = run);
main!(library_benchmark_groups = programs);
