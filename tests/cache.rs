//! The bytecode cache end to end: round trips, rejections, and corrupted caches that must be
//! rejected or run without a panic.

use kiln::{Runtime, Script, ScriptOptions, SourceType};
use kiln_cache::{CacheError, CacheKind, LoadOptions, LoadStats};
use kiln_interpreter::{Host, JsError, Vm};
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

struct Capture(Rc<RefCell<Vec<String>>>);

impl Host for Capture {
    fn print(&mut self, line: &str) {
        self.0.borrow_mut().push(line.to_string());
    }
}

/// Programs that touch most of the instruction set: closures, classes, generators, async,
/// destructuring, exceptions, templates, regexps, getters, spread, labelled loops, `with`.
const PROGRAMS: &[&str] = &[
    r#"
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
let total = 0;
for (let i = 0; i < 10; i++) total += fib(i);
print(`total ${total}`);
"#,
    r#"
"use strict";
class Point {
  #x; static count = 0;
  constructor(x, y) { this.#x = x; this.y = y; Point.count++; }
  get x() { return this.#x; }
  *[Symbol.iterator]() { yield this.#x; yield this.y; }
}
class Point3 extends Point { constructor(x, y, z) { super(x, y); this.z = z; } }
const p = new Point3(1, 2, 3);
const [a, b] = p;
const { y, ...rest } = p;
try { null.f(); } catch ({ message }) { print(message.length > 0); }
print(a, b, y, JSON.stringify(rest), Point.count, /(\d+)-(\d+)/.exec("10-20")[2]);
async function f() { await null; return [...'hi'].map((c, i) => c + i).join(); }
f().then(v => print(v));
"#,
    r#"
var o = { a: 1, get b() { return this.a + 1; } };
with (o) { print(a + b); }
outer: for (var i in { p: 1, q: 2 }) { for (;;) { if (i === 'q') break outer; continue outer; } }
function args() { return arguments.length + [].slice.call(arguments).reduce((s, v) => s + v, 0); }
print(args(1, 2, 3), typeof eval, eval("1 + 1"), new Function("a", "return a * 2")(21));
label: { print(`x${1}y${2}z`); break label; }
print(String.raw`a\n${1}`, 2n ** 64n, (function () { return this; }).call(7) instanceof Number);
"#,
    // Tail calls, names resolved before the right-hand side, decorators.
    r#"
function count(n, acc) { "use strict"; return n === 0 ? acc : count(n - 1, acc + 1); }
var s = { x: 1 };
with (s) { x += (delete s.x, 2); }
function tag(value, context) { return context.kind === "method" ? function () { return value.call(this) * 2; } : value; }
class C { @tag m() { return 21; } }
print(count(50, 0), s.x, new C().m());
"#,
];

#[derive(Debug, PartialEq)]
enum Outcome {
    Printed(Vec<String>),
    Threw(String),
    Terminated,
}

/// Runs verified code with an instruction budget, collecting what it prints.
fn run_code(code: kiln_cache::VerifiedCode, source: &str) -> Outcome {
    let out = Rc::new(RefCell::new(Vec::new()));
    let mut vm = Vm::new(Box::new(Capture(out.clone())));
    vm.set_tick_budget(Some(2_000_000));
    let loaded = kiln_interpreter::eval::load_verified(&mut vm, code, source, "test.js");
    match vm.run_top_level(loaded).and_then(|_| vm.run_jobs()) {
        Ok(()) => Outcome::Printed(out.borrow().clone()),
        Err(JsError::Throw(v)) => {
            Outcome::Threw(kiln_interpreter::builtins::console::inspect(&mut vm, v))
        }
        Err(JsError::Terminate(_)) => Outcome::Terminated,
    }
}

fn cache_of(source: &str) -> Vec<u8> {
    Script::new(source, ScriptOptions::default())
        .expect("compiles")
        .create_cached_data()
}

fn load(
    bytes: &[u8],
    source: &str,
    checksum: bool,
) -> Result<kiln_cache::VerifiedCode, CacheError> {
    let mut aligned = rkyv::util::AlignedVec::<16>::new();
    aligned.extend_from_slice(bytes);
    kiln_cache::load_with(
        aligned,
        source,
        CacheKind::Script,
        LoadOptions { checksum },
        &mut LoadStats::default(),
    )
}

#[test]
fn a_cache_runs_like_the_source() {
    for source in PROGRAMS {
        let bytes = cache_of(source);
        let fresh = run_code(
            Script::new(source, ScriptOptions::default())
                .unwrap()
                .code()
                .clone(),
            source,
        );
        assert!(matches!(fresh, Outcome::Printed(_)), "{fresh:?}");
        let cached = run_code(load(&bytes, source, true).expect("loads"), source);
        assert_eq!(fresh, cached);
    }
}

#[test]
fn script_api_reports_rejections_and_compiles_anyway() {
    let source = PROGRAMS[0];
    let cache = cache_of(source);
    let edited = format!("{source}\n// edited");
    let script = Script::new(
        &edited,
        ScriptOptions {
            cached_data: Some(&cache),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(script.cached_data_rejected(), Some(true));
    assert_eq!(script.cache_rejection(), Some(&CacheError::OtherSource));
    let mut runtime = Runtime::new();
    assert!(script.run_in_this_context(&mut runtime).is_ok());

    let as_module = Script::new(
        source,
        ScriptOptions {
            cached_data: Some(&cache),
            source_type: SourceType::Module,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(matches!(
        as_module.cache_rejection(),
        Some(CacheError::OtherKind { .. })
    ));

    let none = Script::new(source, ScriptOptions::default()).unwrap();
    assert_eq!(none.cached_data_rejected(), None);
    let produced = Script::new(
        source,
        ScriptOptions {
            produce_cached_data: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(produced.cached_data(), Some(cache.as_slice()));
}

#[test]
fn a_cache_file_loads_in_place_and_is_checked_like_cached_data() {
    let source = "globalThis.seen = [1, 2, 3].map((n) => n * 2).join();";
    let dir = std::env::temp_dir().join(format!("kiln-cache-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("s.cache");
    let cache = cache_of(source);
    std::fs::write(&path, &cache).unwrap();
    let file = kiln::CacheFile::read(&path).unwrap();
    assert_eq!(file.bytes(), cache.as_slice());
    let script = Script::new(
        source,
        ScriptOptions {
            cache_file: Some(file.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(script.cached_data_rejected(), Some(false));
    assert_eq!(run_and_show_seen(&script), "'2,4,6'");
    // The same checks as for `cached_data`: another source is rejected and compiled instead.
    let other = Script::new(
        "globalThis.seen = 'other';",
        ScriptOptions {
            cache_file: Some(file),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(other.cache_rejection(), Some(&CacheError::OtherSource));
    assert!(kiln::CacheFile::read(&dir.join("missing.cache")).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_module_cache_round_trips() {
    let source = "export const x = 40 + 2; globalThis.seen = x;";
    let script = Script::new(
        source,
        ScriptOptions {
            source_type: SourceType::Module,
            filename: "/virtual/m.mjs".into(),
            produce_cached_data: true,
            ..Default::default()
        },
    )
    .unwrap();
    let cached = Script::new(
        source,
        ScriptOptions {
            source_type: SourceType::Module,
            filename: "/virtual/m.mjs".into(),
            cached_data: script.cached_data(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(cached.cached_data_rejected(), Some(false));
    assert_eq!(run_and_show_seen(&cached), "42");
}

/// Runs `script` in a new runtime and shows the global `seen` it sets.
fn run_and_show_seen(script: &Script) -> String {
    let mut runtime = Runtime::new();
    script.run_in_this_context(&mut runtime).unwrap();
    let seen = Script::new("seen", ScriptOptions::default()).unwrap();
    let v = seen.run_in_this_context(&mut runtime).unwrap();
    runtime.display(v)
}

#[test]
fn contexts_have_their_own_globals() {
    let mut runtime = Runtime::new();
    let context = runtime.create_context();
    let set = Script::new("var answer = 42; typeof Array", ScriptOptions::default()).unwrap();
    set.run_in_context(&mut runtime, &context).unwrap();
    let get = Script::new("typeof answer", ScriptOptions::default()).unwrap();
    let here = get.run_in_this_context(&mut runtime).unwrap();
    assert_eq!(runtime.display(here), "'undefined'");
    let there = get.run_in_context(&mut runtime, &context).unwrap();
    assert_eq!(runtime.display(there), "'number'");
}

/// Every truncation is rejected; every single-byte flip is rejected or behaves identically.
#[test]
fn every_truncation_and_byte_flip_of_small_caches_is_rejected_or_harmless() {
    for source in PROGRAMS {
        let bytes = cache_of(source);
        let expected = run_code(load(&bytes, source, true).unwrap(), source);
        for len in 0..bytes.len() {
            assert!(
                load(&bytes[..len], source, true).is_err(),
                "truncated at {len}"
            );
        }
        for at in 0..bytes.len() {
            for mask in [0xFF, 0x01] {
                let mut copy = bytes.clone();
                copy[at] ^= mask;
                if let Ok(code) = load(&copy, source, true) {
                    assert_eq!(run_code(code, source), expected, "flip at {at}");
                }
            }
        }
    }
}

/// A hostile file carries a matching checksum, so with the checksum off the validator, the
/// verifier and the interpreter must hold on their own: every flip loads and runs without a
/// panic (it may be rejected, throw, or behave differently).
#[test]
fn byte_flips_past_the_checksum_never_panic() {
    let mut panics = Vec::new();
    let mut counts = [0usize; 3];
    for (p, source) in PROGRAMS.iter().enumerate() {
        let bytes = cache_of(source);
        // Three masks per byte in release builds; one in debug builds (CI's `cargo test`).
        let masks: &[u8] = if cfg!(debug_assertions) {
            &[0xFF]
        } else {
            &[0xFF, 0x01, 0x80]
        };
        for at in kiln_cache::HEADER_LEN..bytes.len() {
            for &mask in masks {
                let mut copy = bytes.clone();
                copy[at] ^= mask;
                let result = catch_unwind(AssertUnwindSafe(|| match load(&copy, source, false) {
                    Ok(code) => {
                        run_code(code.clone(), source);
                        // And the functions the run did not reach.
                        let _ = code.verify_all(source);
                        1
                    }
                    Err(_) => 0,
                }));
                match result {
                    Ok(i) => counts[i] += 1,
                    Err(_) => {
                        counts[2] += 1;
                        panics.push(format!("program {p}, byte {at} ^ {mask:#x}"));
                    }
                }
            }
        }
    }
    eprintln!(
        "flips past the checksum: {} rejected, {} loaded and ran, {} panicked",
        counts[0], counts[1], counts[2]
    );
    assert!(
        panics.is_empty(),
        "{} panics: {:?}",
        panics.len(),
        &panics[..panics.len().min(20)]
    );
}

/// `bytes` (a script's cache) with the first instruction of the function whose source starts
/// with `prefix` (`None`: the last function) replaced by a byte that is no opcode: a forger's
/// file, checksum aside.
fn with_corrupt_function(bytes: &[u8], source: &str, prefix: Option<&str>) -> (Vec<u8>, u32) {
    let code = load(bytes, source, true).expect("the original loads");
    let (archive, _) = code.code_bytes();
    let top = code.code().top_level.to_native() as usize;
    let functions = code.code().functions.len();
    // The top-level function starts where the source does: the others first.
    let (index, function) = code
        .code()
        .functions
        .iter()
        .enumerate()
        .filter(|(i, f)| match prefix {
            Some(prefix) => source[f.source_start.to_native() as usize..].starts_with(prefix),
            None => *i == functions - 1,
        })
        .min_by_key(|&(i, _)| i == top)
        .unwrap_or_else(|| panic!("a function starting with {prefix:?}"));
    let at = code.view().bytecode_of(function).as_ptr() as usize - archive.as_ptr() as usize;
    let invalid = (0..=255u8)
        .rev()
        .find(|&b| kiln_compiler::Opcode::from_byte(b).is_none())
        .expect("a byte that is no opcode");
    let mut copy = bytes.to_vec();
    copy[kiln_cache::HEADER_LEN + at] = invalid;
    (copy, index as u32)
}

/// A function's bytecode is verified when it is first made into a closure, not at load: a
/// corrupt function that never runs costs nothing, one that is about to run is a thrown
/// TypeError at its closure's creation, and `verify_all` finds it at once.
#[test]
fn a_corrupt_function_is_rejected_when_first_made_into_a_closure() {
    let source = r#"
print('before');
function never() { return 1; }
let calls = 0;
function make() { return function corrupt() { return 2; }; }
try { make(); print('made'); } catch (e) { print(e.name, e.message.includes('invalid bytecode')); }
try { make(); print('made'); } catch (e) { print('again', e.name); }
print('after', calls);
"#;
    let bytes = cache_of(source);
    let (copy, index) = with_corrupt_function(&bytes, source, Some("function corrupt"));
    assert_eq!(
        load(&copy, source, true).err(),
        Some(CacheError::Checksum),
        "the checksum sees the change"
    );
    let code = load(&copy, source, false).expect("the load checks tables, not bodies");
    assert!(!code.is_function_verified(index));
    assert_eq!(
        run_code(code.clone(), source),
        Outcome::Printed(vec![
            "before".into(),
            "TypeError true".into(),
            "again TypeError".into(),
            "after 0".into()
        ])
    );
    assert!(
        !code.is_function_verified(index),
        "a rejected function stays unverified"
    );
    let never = code
        .code()
        .functions
        .iter()
        .position(|f| source[f.source_start.to_native() as usize..].starts_with("function never"))
        .unwrap() as u32;
    assert!(
        code.is_function_verified(never),
        "a declaration is made into a closure at once"
    );
    match code.verify_all(source) {
        Err(CacheError::Bytecode { function, .. }) => assert_eq!(function, index),
        other => panic!("verify_all: {other:?}"),
    }

    // Never made into a closure: the corrupt function does not matter.
    let source = "print(1); function f() { return () => 5; } print(2);";
    let (copy, index) = with_corrupt_function(&cache_of(source), source, Some("() => 5"));
    let code = load(&copy, source, false).expect("loads");
    assert_eq!(
        run_code(code.clone(), source),
        Outcome::Printed(vec!["1".into(), "2".into()])
    );
    assert!(!code.is_function_verified(index));
    assert!(code.verify_all(source).is_err());
}

/// A corrupt top-level function is still a rejection at load; corrupt class constructors,
/// methods, generators and a module's hoisted functions throw where they would be made.
#[test]
fn every_way_to_a_corrupt_function_throws_before_it_runs() {
    let top = "print(1);";
    let (copy, _) = with_corrupt_function(&cache_of(top), top, Some("print(1)"));
    assert!(matches!(
        load(&copy, top, false),
        Err(CacheError::Bytecode { .. })
    ));
    for (source, prefix) in [
        ("class A { constructor() { this.x = 1; } }", Some("class A")),
        ("class A { m() { return 1; } }", Some("m() {")),
        ("class A { static s() { return 1; } }", Some("static s()")),
        ("class A { x = 1; }", None),
        ("function* g() { yield 1; }", Some("function* g")),
        ("async function f() { await 1; }", Some("async function f")),
        ("let o = { get x() { return 1; } };", Some("get x()")),
    ] {
        let (copy, index) = with_corrupt_function(&cache_of(source), source, prefix);
        let code = load(&copy, source, false).expect("loads");
        match run_code(code.clone(), source) {
            Outcome::Threw(e) => assert!(e.contains("invalid bytecode"), "{source}: {e}"),
            other => panic!("{source}: {other:?}"),
        }
        assert!(!code.is_function_verified(index), "{source}");
    }

    // A module's function declarations are made when it links.
    let source = "export function f() { return 1; }\nprint(f());\n";
    let script = Script::new(
        source,
        ScriptOptions {
            source_type: SourceType::Module,
            ..ScriptOptions::default()
        },
    )
    .expect("compiles");
    let bytes = script.create_cached_data();
    let mut aligned = rkyv::util::AlignedVec::<16>::new();
    aligned.extend_from_slice(&bytes);
    let code = kiln_cache::load(aligned, source, CacheKind::Module).expect("loads");
    let (index, function) = code
        .code()
        .functions
        .iter()
        .enumerate()
        .find(|(_, f)| source[f.source_start.to_native() as usize..].starts_with("function f"))
        .expect("f");
    let at =
        code.view().bytecode_of(function).as_ptr() as usize - code.code_bytes().0.as_ptr() as usize;
    let mut copy = bytes.clone();
    copy[kiln_cache::HEADER_LEN + at] = 0xFF;
    assert!(kiln_compiler::Opcode::from_byte(0xFF).is_none());
    let mut aligned = rkyv::util::AlignedVec::<16>::new();
    aligned.extend_from_slice(&copy);
    let corrupt = kiln_cache::load_with(
        aligned,
        source,
        CacheKind::Module,
        LoadOptions { checksum: false },
        &mut LoadStats::default(),
    )
    .expect("loads");
    let mut vm = Vm::new(Box::new(Capture(Rc::new(RefCell::new(Vec::new())))));
    let loaded = kiln_interpreter::eval::load_verified(&mut vm, corrupt.clone(), source, "m.mjs");
    match vm.run_loaded_module(loaded, "m.mjs") {
        Err(JsError::Throw(v)) => {
            let shown = kiln_interpreter::builtins::console::inspect(&mut vm, v);
            assert!(shown.contains("invalid bytecode"), "{shown}");
        }
        Err(JsError::Terminate(t)) => panic!("terminated: {t}"),
        Ok(()) => panic!("a module with a corrupt function ran"),
    }
    assert!(!corrupt.is_function_verified(index as u32));
}

/// Verification is shared by every clone of the code, so a script run many times (in many
/// realms, runtimes or threads) verifies each function once.
#[test]
fn verification_is_shared_between_runs_and_threads() {
    let source = "function f(x) { return x + 1; } print(f(1));";
    let script = Script::new(source, ScriptOptions::default()).unwrap();
    let code = load(&script.create_cached_data(), source, true).unwrap();
    let (before, _) = code.lazy_verification();
    assert_eq!(before, 0, "only the top level is verified at load");
    run_code(code.clone(), source);
    let (after, _) = code.lazy_verification();
    assert_eq!(after, 1);
    run_code(code.clone(), source);
    assert_eq!(
        code.lazy_verification().0,
        1,
        "a second run verifies nothing"
    );
    let elsewhere = code.clone();
    let on_thread = std::thread::spawn(move || {
        elsewhere.verify_all("function f(x) { return x + 1; } print(f(1));")
    })
    .join()
    .unwrap();
    assert_eq!(on_thread, Ok(()));
    assert!((0..code.code().functions.len() as u32).all(|i| code.is_function_verified(i)));
}

mod generated {
    //! Generated programs run the same from a cache file's bytes as from a fresh compile.

    use super::*;
    use proptest::prelude::*;

    /// Expressions over the integers, strings, the variables `a`, `b`, `c`, arrays, objects,
    /// closures and calls — enough to reach most instruction kinds, including throwing ones.
    fn expression() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            (-20i32..20).prop_map(|n| n.to_string()),
            prop::sample::select(vec!["a", "b", "c", "'x'", "null", "undefined", "1.5", "2n"])
                .prop_map(str::to_string),
        ];
        leaf.prop_recursive(4, 48, 3, |inner| {
            prop_oneof![
                (
                    inner.clone(),
                    prop::sample::select(vec![
                        "+", "-", "*", "%", "<", "===", "==", "&&", "||", "??", "&", "<<", "**",
                    ]),
                    inner.clone()
                )
                    .prop_map(|(l, op, r)| format!("({l} {op} {r})")),
                (inner.clone(), inner.clone(), inner.clone())
                    .prop_map(|(c, t, e)| format!("({c} ? {t} : {e})")),
                prop::collection::vec(inner.clone(), 0..3)
                    .prop_map(|items| format!("[{}]", items.join(", "))),
                (inner.clone(), inner.clone()).prop_map(|(k, v)| format!("({{ k: {k}, v: {v} }})")),
                inner.clone().prop_map(|e| format!("((x) => x + {e})(1)")),
                inner.clone().prop_map(|e| format!("String({e})")),
                inner.clone().prop_map(|e| format!("({e}).length")),
                inner.clone().prop_map(|e| format!("typeof {e}")),
                inner.prop_map(|e| format!("[1, 2, 3].map((v) => v * {e})")),
            ]
        })
    }

    fn program() -> impl Strategy<Value = String> {
        (expression(), expression(), expression(), expression()).prop_map(|(a, b, c, out)| {
            format!(
                "let a = {a};\nlet b = {b};\nfunction f(c) {{ return {c}; }}\nlet c = f(a);\n\
                 try {{ print(JSON.stringify({out})); }} catch (e) {{ print('caught ' + e.name); }}\n\
                 print(String(a), String(b), String(c));\n"
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn a_generated_program_runs_the_same_from_its_cache(source in program()) {
            let Ok(script) = Script::new(&source, ScriptOptions::default()) else {
                return Ok(()); // a syntax error has nothing to cache
            };
            let fresh = run_code(script.code().clone(), &source);
            let bytes = script.create_cached_data();
            let cached = run_code(load(&bytes, &source, true).expect("a fresh cache loads"), &source);
            prop_assert_eq!(fresh, cached);
        }
    }
}

/// A cache of 4 MiB or more is read from its file on two threads, its archive validated and
/// verified while the bytes after it are still being read (`kiln_cache::load_file`). Whatever
/// the file holds, the verdict must be the one a load of the same bytes from memory gives: the
/// same error, or code that runs the same.
#[test]
fn large_cache_files_load_as_the_same_bytes_from_memory() {
    // Four long strings make most of the archive; the functions make bytecode and positions.
    let text = "0123456789abcdef".repeat(70_000);
    let mut source: String = (0..4)
        .map(|i| format!("var s{i} = '{i}{text}';\n"))
        .collect();
    for i in 0..3_000 {
        source.push_str(&format!("function f{i}(a) {{ return a + {i}; }}\n"));
    }
    source.push_str("print(s0.length + s3.length, f2999(1));\n");
    let script = Script::new(&source, ScriptOptions::default()).expect("compiles");
    let bytes = script.create_cached_data();
    assert!(
        bytes.len() >= 4 << 20,
        "{} bytes: read on one thread",
        bytes.len()
    );
    let header = kiln_cache::Header::parse(&bytes).expect("a header");
    let archive_end = kiln_cache::HEADER_LEN + header.archive_len as usize;
    let dir = std::env::temp_dir().join(format!("kiln-large-cache-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("large.cache");

    let mut stats = LoadStats::default();
    std::fs::write(&path, &bytes).unwrap();
    let loaded = kiln_cache::load_file(
        &path,
        &source,
        CacheKind::Script,
        LoadOptions::default(),
        &mut stats,
    )
    .expect("the original loads");
    assert!(stats.two_threads && stats.read > std::time::Duration::ZERO);
    let fresh = run_code(script.code().clone(), &source);
    assert_eq!(fresh, Outcome::Printed(vec!["2240002 3000".into()]));
    assert_eq!(run_code(loaded, &source), fresh);

    // Flips in the header's lengths and checksum, across the archive (its root is at its end),
    // across the bytes after it; and files a byte short or long.
    let mut files: Vec<Vec<u8>> = [
        48,
        57,
        64,
        73,
        archive_end - 1,
        archive_end,
        bytes.len() - 1,
    ]
    .into_iter()
    .chain((1..24).map(|i| kiln_cache::HEADER_LEN + i * (bytes.len() / 24) + i))
    .map(|at| {
        let mut copy = bytes.clone();
        copy[at] ^= 0x5A;
        copy
    })
    .collect();
    files.push(bytes[..bytes.len() - 1].to_vec());
    files.push([&bytes[..], &[0]].concat());
    for (i, file) in files.iter().enumerate() {
        std::fs::write(&path, file).unwrap();
        for checksum in [true, false] {
            let options = LoadOptions { checksum };
            let from_file = kiln_cache::load_file(
                &path,
                &source,
                CacheKind::Script,
                options,
                &mut LoadStats::default(),
            );
            match (from_file, load(file, &source, checksum)) {
                (Err(a), Err(b)) => assert_eq!(a, b, "file {i}, checksum {checksum}"),
                (Ok(a), Ok(b)) => {
                    assert!(
                        !checksum || file == &bytes,
                        "file {i} loads past the checksum"
                    );
                    let (a, b) = (run_code(a, &source), run_code(b, &source));
                    assert_eq!(a, b, "file {i}, checksum {checksum}");
                }
                (a, b) => panic!(
                    "file {i}, checksum {checksum}: {:?} from the file, {:?} from memory",
                    a.err(),
                    b.err()
                ),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
