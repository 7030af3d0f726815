//! Cache files from anywhere must be rejected or run, never panic.
//!
//! The input is a list of edits to the cache of one of a few small programs: its first byte picks
//! the program, then every 5 bytes are (little-endian u32 offset, xor mask). The edited cache is
//! loaded twice: with the checksum (it must then be rejected or behave as the original), and
//! without it, as a forger with a matching checksum would present it, to reach the validator, the
//! verifier and the interpreter, which runs it under an instruction budget.
//!
//! A load verifies the tables and the top-level function, the rest as closures are made; so the
//! run covers the functions the program reaches, and `verify_all` afterwards the others (with a
//! first byte of 128 or more, every function is verified before the run instead). Either way
//! the lazy verdict must be the eager verifier's.
//!
//! `cargo fuzz run cache_load -s none -- -max_total_time=600`

#![no_main]

use kiln_cache::{CacheKind, LoadOptions, LoadStats};
use kiln_interpreter::{Host, Vm};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const PROGRAMS: &[&str] = &[
    "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } let t = 0; for (let i = 0; i < 8; i++) t += fib(i); print(t);",
    "'use strict'; class A { #x = 1; static n = 0; get x() { return this.#x; } *[Symbol.iterator]() { yield this.#x; } } class B extends A { constructor() { super(); this.y = 2; } } const b = new B(); const [v] = b; const { y, ...r } = b; try { null.f } catch ({ message }) { print(message) } print(v, y, JSON.stringify(r)); (async () => { await 1; print([...'ab'].join()); })();",
    "var o = { a: 1, get b() { return this.a + 1; } }; with (o) { print(a + b); } for (var k in { p: 1 }) print(k); function f() { return arguments.length; } print(f(1, 2), eval('1+1'), `x${1}`, 2n ** 3n, /a(b)/.exec('ab')[1]); function* g() { try { yield 1; } finally { print('done'); } } for (const x of g()) break;",
];

struct Quiet;
impl Host for Quiet {
    fn print(&mut self, _: &str) {}
}

fn caches() -> &'static Vec<Vec<u8>> {
    static CACHES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    CACHES.get_or_init(|| {
        PROGRAMS
            .iter()
            .map(|p| {
                kiln::Script::new(p, kiln::ScriptOptions::default())
                    .expect("compiles")
                    .create_cached_data()
            })
            .collect()
    })
}

fn load(bytes: &[u8], source: &str, checksum: bool) -> Option<kiln_cache::VerifiedCode> {
    let mut aligned = rkyv::util::AlignedVec::<16>::new();
    aligned.extend_from_slice(bytes);
    kiln_cache::load_with(
        aligned,
        source,
        CacheKind::Script,
        LoadOptions { checksum },
        &mut LoadStats::default(),
    )
    .ok()
}

fn run(code: kiln_cache::VerifiedCode, source: &str, eager: bool) {
    if eager {
        let _ = code.verify_all(source);
    }
    let all = code.clone();
    let mut vm = Vm::new(Box::new(Quiet));
    vm.termination.tick_budget = Some(50_000);
    let loaded = kiln_interpreter::eval::load_verified(&mut vm, code, source, "fuzz.js");
    let _ = vm.run_top_level(loaded).and_then(|_| vm.run_jobs());
    assert_eq!(
        all.verify_all(source).is_ok(),
        kiln_cache::verify(all.view(), source).is_ok(),
        "lazy and eager verification disagree"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, edits)) = data.split_first() else {
        return;
    };
    let index = pick as usize % PROGRAMS.len();
    let eager = pick >= 128;
    let (source, original) = (PROGRAMS[index], &caches()[index]);
    let mut bytes = original.clone();
    for edit in edits.chunks_exact(5) {
        let at = u32::from_le_bytes([edit[0], edit[1], edit[2], edit[3]]) as usize;
        if bytes.is_empty() {
            break;
        }
        let at = at % bytes.len();
        bytes[at] ^= edit[4];
    }
    if edits.len() % 5 == 1 {
        // An odd tail truncates, at the position its byte picks.
        let keep = bytes.len() * usize::from(edits[edits.len() - 1]) / 256;
        bytes.truncate(keep);
    }
    if bytes != *original {
        assert!(
            load(&bytes, source, true).is_none(),
            "a changed cache passed the checksum"
        );
    }
    if let Some(code) = load(&bytes, source, false) {
        run(code, source, eager);
    }
});
