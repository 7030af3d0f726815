//! Hostile recursion: programs that drive the engine's native recursion 10^5–10^6 levels deep
//! (chains of proxies and bound functions, nested arrays and objects, deep JSON, eval nesting,
//! regular expressions, module graphs, ...). Each must end in a RangeError (or the right result)
//! that the program catches and goes on from, never in a native stack overflow, which would abort
//! the whole test binary.
//!
//! The programs are data: `tests/hostile/NAME.js`, each opening with the lines it must print as
//! `// expect: LINE` comments (`A | B` accepts either), run after `tests/hostile/_prelude.js` and
//! followed by `console.log('end')`. The last test is a property test that builds random nestings.

use kiln::{Runtime, Script, ScriptOptions, SourceType};
use kiln_interpreter::Host;
use proptest::prelude::*;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

struct Capture(Rc<RefCell<Vec<String>>>);

impl Host for Capture {
    fn print(&mut self, line: &str) {
        self.0.borrow_mut().push(line.to_string());
    }
    fn print_error(&mut self, line: &str) {
        self.0.borrow_mut().push(line.to_string());
    }
}

const PRELUDE: &str = include_str!("hostile/_prelude.js");

/// Runs `source` (after the prelude) as a script and returns what it printed.
fn run(source: &str) -> Vec<String> {
    let lines = Rc::new(RefCell::new(Vec::new()));
    let mut runtime = Runtime::with_host(Box::new(Capture(lines.clone())));
    let text = format!("{PRELUDE}\n{source}\nconsole.log('end');\n");
    let script = Script::new(
        &text,
        ScriptOptions {
            filename: "hostile.js".into(),
            source_type: SourceType::Script,
            ..Default::default()
        },
    );
    match script {
        Ok(script) => {
            if let Err(e) = script.run_in_this_context(&mut runtime) {
                lines.borrow_mut().push(format!("UNCAUGHT {e}"));
            }
        }
        Err(e) => lines.borrow_mut().push(format!("COMPILE {e}")),
    }
    lines.take()
}

/// The `// expect:` lines of a program.
fn expected(source: &str) -> Vec<&str> {
    source
        .lines()
        .filter_map(|l| l.strip_prefix("// expect: "))
        .collect()
}

fn matches(expected: &[&str], got: &[String]) -> bool {
    expected.len() == got.len()
        && expected
            .iter()
            .zip(got)
            .all(|(e, g)| e.split(" | ").any(|alt| alt.trim() == g))
}

fn programs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/hostile")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "js")
                && !p.file_name().unwrap().to_string_lossy().starts_with('_')
        })
        .collect();
    files.sort();
    files
}

/// Runs every program of `files` on `threads` threads with `stack` bytes of stack each; returns
/// a description of each program whose output was wrong.
fn run_all(files: &[PathBuf], threads: usize, stack: usize) -> Vec<String> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            std::thread::Builder::new()
                .stack_size(stack)
                .spawn_scoped(s, || {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = files.get(i) else { break };
                        let source = std::fs::read_to_string(path).expect("a program");
                        let got = run(&source);
                        let want = expected(&source);
                        if !matches(&want, &got) {
                            failures.lock().unwrap().push(format!(
                                "{}:\n  expected {want:?}\n  got      {got:?}",
                                path.display()
                            ));
                        }
                    }
                })
                .expect("a thread");
        }
    });
    failures.into_inner().unwrap()
}

#[test]
fn every_hostile_program_ends_in_a_range_error_or_its_result_and_goes_on() {
    let files = programs();
    assert!(files.len() >= 40, "{} programs", files.len());
    // The default stack of a spawned thread (and of a test's own thread): 2 MiB.
    let failures = run_all(&files, 2, 2 << 20);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_guard_holds_on_threads_of_any_stack_size() {
    let files: Vec<PathBuf> = programs()
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            [
                "proxy_get",
                "bound_call",
                "array_flat_infinity",
                "json_parse_deep",
            ]
            .iter()
            .any(|n| name == format!("{n}.js"))
        })
        .collect();
    assert_eq!(files.len(), 4);
    for stack in [1 << 20, 4 << 20, 16 << 20, 64 << 20] {
        let failures = run_all(&files, 1, stack);
        assert!(
            failures.is_empty(),
            "stack {stack}: {}",
            failures.join("\n")
        );
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

fn kiln(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(args)
        .output()
        .expect("kiln runs")
}

#[test]
fn the_cli_checks_and_runs_hostile_sources_without_aborting() {
    let dir = temp_dir("cli");
    // A regular expression literal with 10^5 alternatives, and one nested 10^5 deep.
    for (name, source) in [
        ("alternatives.js", format!("/{}b/;", "a|".repeat(100_000))),
        (
            "groups.js",
            format!("/{}a{}/;", "(".repeat(100_000), ")".repeat(100_000)),
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, source).unwrap();
        let out = kiln(&["check", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains("SyntaxError: Invalid regular expression"),
            "{name}: {stderr}"
        );
    }
    // A program on the main thread's stack.
    let path = dir.join("proxy.js");
    let source = format!(
        "{PRELUDE}\ncheck(() => proxyChain({{}}, 1e5).x);\ncheck(() => nestedArray(1e5).flat(Infinity));\nconsole.log('end');\n"
    );
    std::fs::write(&path, source).unwrap();
    let out = kiln(&["run", path.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "RangeError\nRangeError\nend\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes a chain of `n` modules: `m0.mjs` imports `m1.mjs`, ..., each line given by `link(i)`.
fn module_chain(dir: &Path, n: usize, link: impl Fn(usize) -> String, last: &str) {
    for i in 0..n {
        let text = if i + 1 == n {
            last.to_string()
        } else {
            link(i + 1)
        };
        std::fs::write(dir.join(format!("m{i}.mjs")), text).unwrap();
    }
}

#[test]
fn deep_module_graphs_end_in_a_range_error_or_run() {
    // 40,000 aborted a release build before the guard (both graphs); linking is quadratic in the
    // number of modules, so debug builds, whose frames are larger, use fewer.
    let n = if cfg!(debug_assertions) {
        10_000
    } else {
        40_000
    };
    let dir = temp_dir("imports");
    module_chain(
        &dir,
        n,
        |i| format!("import './m{i}.mjs';\n"),
        "globalThis.reached = true;\n",
    );
    let main = dir.join("main.mjs");
    std::fs::write(
        &main,
        "try { await import('./m0.mjs'); console.log('ok', globalThis.reached); } \
         catch (e) { console.log(e instanceof RangeError ? 'RangeError' : 'threw ' + e); }\n\
         console.log('end');\n",
    )
    .unwrap();
    let out = kiln(&["run", main.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout == "RangeError\nend\n" || stdout == "ok true\nend\n",
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = temp_dir("reexports");
    module_chain(
        &dir,
        n,
        |i| format!("export * from './m{i}.mjs';\n"),
        "export const x = 1;\n",
    );
    let main = dir.join("main.mjs");
    std::fs::write(
        &main,
        "try { const ns = await import('./m0.mjs'); console.log('ok', ns.x); } \
         catch (e) { console.log(e instanceof RangeError ? 'RangeError' : 'threw ' + e); }\n\
         console.log('end');\n",
    )
    .unwrap();
    let out = kiln(&["run", main.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout == "RangeError\nend\n" || stdout == "ok 1\nend\n",
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One link of a random nesting.
#[derive(Clone, Debug)]
enum Link {
    Proxy,
    Bound,
    Array,
    Getter,
    ToStringHook,
    Prototype,
}

/// One operation on the finished nesting.
#[derive(Clone, Debug)]
enum Operation {
    Get,
    Set,
    Has,
    Keys,
    Call,
    Construct,
    InstanceOf,
    ToStr,
    Json,
    Flat,
    Join,
    Freeze,
    Inspect,
}

fn link_code(l: &Link) -> &'static str {
    match l {
        Link::Proxy => "v = new Proxy(v, {});",
        Link::Bound => {
            "v = typeof v === 'function' ? Function.prototype.bind.call(v, null) : [v];\
             if (typeof v === 'function') Object.defineProperty(v, 'name', { value: 'b' });"
        }
        Link::Array => "v = [v];",
        Link::Getter => "{ const inner = v; v = { get x() { return inner.x; } }; }",
        Link::ToStringHook => "{ const inner = v; v = { toString() { return String(inner); } }; }",
        Link::Prototype => "v = Object.create(v);",
    }
}

fn operation_code(o: &Operation) -> &'static str {
    match o {
        Operation::Get => "v.x",
        Operation::Set => "(v.x = 1)",
        Operation::Has => "'x' in v",
        Operation::Keys => "Reflect.ownKeys(v).length",
        Operation::Call => "v()",
        Operation::Construct => "new v()",
        Operation::InstanceOf => "({}) instanceof v",
        Operation::ToStr => "String(v)",
        Operation::Json => "JSON.stringify(v)",
        Operation::Flat => "[v].flat(Infinity).length",
        Operation::Join => "[v].join()",
        Operation::Freeze => "Object.isFrozen(Object.freeze(v))",
        Operation::Inspect => "console.log(v)",
    }
}

fn link() -> impl Strategy<Value = Link> {
    prop_oneof![
        Just(Link::Proxy),
        Just(Link::Bound),
        Just(Link::Array),
        Just(Link::Getter),
        Just(Link::ToStringHook),
        Just(Link::Prototype),
    ]
}

fn operation() -> impl Strategy<Value = Operation> {
    prop_oneof![
        Just(Operation::Get),
        Just(Operation::Set),
        Just(Operation::Has),
        Just(Operation::Keys),
        Just(Operation::Call),
        Just(Operation::Construct),
        Just(Operation::InstanceOf),
        Just(Operation::ToStr),
        Just(Operation::Json),
        Just(Operation::Flat),
        Just(Operation::Join),
        Just(Operation::Freeze),
        Just(Operation::Inspect),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Runs of random links (each repeated up to 10^5 times) over a function or an object, then
    /// random operations: each ends in a result or a caught error, and the program goes on.
    #[test]
    fn random_nestings_never_abort(
        base_is_function in any::<bool>(),
        runs in prop::collection::vec((link(), 1u32..100_000), 1..4),
        operations in prop::collection::vec(operation(), 1..5),
    ) {
        let mut source = String::from(if base_is_function {
            "let v = function () { return 1; };\n"
        } else {
            "let v = { x: 1 };\n"
        });
        // Building a chain can itself pass the stack's end (`bind` reads `name` and `length`
        // through it): a RangeError there ends the building, and the operations run on what
        // was built.
        source.push_str("try {\n");
        for (l, count) in &runs {
            source.push_str(&format!("for (let i = 0; i < {count}; i++) {{ {} }}\n", link_code(l)));
        }
        source.push_str("} catch (e) { if (!(e instanceof RangeError)) throw e; }\n");
        for o in &operations {
            source.push_str(&format!(
                "try {{ {}; console.log('done'); }} catch (e) {{ \
                 console.log(e instanceof RangeError || e instanceof TypeError ? 'done' : 'other ' + e); }}\n",
                operation_code(o)
            ));
        }
        let got = run(&source);
        let mut want = vec!["done"; operations.len()];
        want.push("end");
        // `console.log(v)` prints the value before its own `done`.
        let got: Vec<&str> = got
            .iter()
            .map(String::as_str)
            .filter(|l| *l == "done" || *l == "end" || l.starts_with("other") || l.starts_with("UNCAUGHT"))
            .collect();
        prop_assert_eq!(got, want, "{}", source);
    }
}

#[test]
fn deep_module_graphs_waiting_on_an_await_end_in_a_range_error_or_run() {
    // The leaf awaits: every importer is finished by jobs (AsyncModuleExecutionFulfilled), and
    // on a failure every one is rejected (AsyncModuleExecutionRejected), without recursing.
    let n = if cfg!(debug_assertions) {
        10_000
    } else {
        40_000
    };
    for (name, last, expected) in [
        (
            "await-ok",
            "await 0;\nglobalThis.reached = true;\n",
            "ok true\nend\n",
        ),
        (
            "await-throw",
            "await 0;\nthrow new TypeError('leaf');\n",
            "threw TypeError: leaf\nend\n",
        ),
    ] {
        let dir = temp_dir(name);
        module_chain(&dir, n, |i| format!("import './m{i}.mjs';\n"), last);
        let main = dir.join("main.mjs");
        std::fs::write(
            &main,
            "try { await import('./m0.mjs'); console.log('ok', globalThis.reached); } \
             catch (e) { console.log(e instanceof RangeError ? 'RangeError' : 'threw ' + e); }\n\
             console.log('end');\n",
        )
        .unwrap();
        let out = kiln(&["run", main.to_str().unwrap()]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout == "RangeError\nend\n" || stdout == expected,
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
