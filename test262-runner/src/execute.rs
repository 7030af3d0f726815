//! Execution mode: each test runs in a fresh VM with the harness files, `$262` and `print`, as
//! test262's INTERPRETING.md describes.

use crate::{Executor, Mode, Outcome, TestCase};
use kiln_compiler::CodeKind;
use kiln_interpreter::{Host, JsError, JsResult, Value, Vm};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// How long one test may run before the engine's interrupt stops it.
const TIME_BUDGET: Duration = Duration::from_secs(10);

pub struct Execute {
    harness: HashMap<String, String>,
    test_root: std::path::PathBuf,
    pub gc_stress: bool,
    /// Every test's code goes compile → cache file on disk → load (header, bytecheck, verifier)
    /// → run, instead of running the fresh compile.
    pub via_cache: bool,
}

impl Execute {
    /// Loads every harness file once.
    pub fn new(suite: &Path, gc_stress: bool, via_cache: bool) -> Execute {
        let mut harness = HashMap::new();
        if let Ok(entries) = std::fs::read_dir(suite.join("harness")) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    harness.insert(name, text);
                }
            }
        }
        let test_root =
            std::fs::canonicalize(suite.join("test")).unwrap_or_else(|_| suite.join("test"));
        Execute {
            harness,
            test_root,
            gc_stress,
            via_cache,
        }
    }
}

/// Collects `print` output.
struct CaptureHost(Rc<RefCell<Vec<String>>>);

impl Host for CaptureHost {
    fn print(&mut self, line: &str) {
        self.0.borrow_mut().push(line.to_string());
    }
    fn load_module(&mut self, specifier: &str, referrer: &str) -> Result<(String, String), String> {
        kiln_interpreter::vm::load_module_file(specifier, referrer)
    }
    fn load_module_bytes(
        &mut self,
        specifier: &str,
        referrer: &str,
    ) -> Result<(String, Vec<u8>), String> {
        kiln_interpreter::vm::load_module_file_bytes(specifier, referrer)
    }
}

impl Executor for Execute {
    fn name(&self) -> &'static str {
        match (self.gc_stress, self.via_cache) {
            (true, _) => "gc-stress",
            (_, true) => "via-cache",
            _ => "run",
        }
    }

    fn run(&self, test: &TestCase, mode: Mode) -> Outcome {
        let output = Rc::new(RefCell::new(Vec::new()));
        let mut vm = Vm::new(Box::new(CaptureHost(output.clone())));
        vm.set_gc_stress(self.gc_stress);
        // A collection at every safepoint makes big tests many times slower: the slowest,
        // decodeURI's and decodeURIComponent's 65,536-iteration loops (S15.1.3.*_A2.5_T1), run a
        // full collection per iteration and take 100-170 s on the 2-core machine alone, about
        // 250 s with another process on the second core.
        let budget = if self.gc_stress {
            TIME_BUDGET * 60
        } else {
            TIME_BUDGET
        };
        vm.termination.deadline = Some(Instant::now() + budget);
        // The test's agents end with it, however it ends.
        let _agents = crate::agents::Session::begin(vm.termination.deadline, self.gc_stress);
        install_262(&mut vm);
        let fm = &test.frontmatter;
        // The main agent can block, except in the tests written for one that cannot.
        vm.agent.can_block = !fm.has_flag("CanBlockIsFalse");
        let is_async = fm.has_flag("async");
        let mut includes: Vec<&str> = Vec::new();
        if !fm.has_flag("raw") {
            includes.extend(["assert.js", "sta.js"]);
            if is_async {
                includes.push("doneprintHandle.js");
            }
        }
        includes.extend(fm.includes.iter().map(String::as_str));
        for name in includes {
            let Some(text) = self.harness.get(name) else {
                return Outcome::Fail(format!("missing harness file {name}"));
            };
            if let Err(e) = run_global(&mut vm, text, name, CodeKind::Script) {
                let m = describe(&mut vm, e);
                return Outcome::Fail(format!("{mode:?}: harness {name} failed: {m}"));
            }
        }
        let source = match mode {
            Mode::Strict => format!("\"use strict\";\n{}", test.source),
            _ => test.source.clone(),
        };
        let kind = if mode == Mode::Module {
            CodeKind::Module
        } else {
            CodeKind::Script
        };
        let negative = fm.negative.as_ref();
        // The full path names the code: module and import() specifiers resolve against it.
        let path = self.test_root.join(&test.name).display().to_string();
        if mode == Mode::Module && !self.via_cache {
            let result = vm.run_module(&source, &path).and_then(|_| vm.run_jobs());
            return self.finish(&mut vm, result, negative, mode, is_async, &output);
        }
        let mut compiled = kiln_interpreter::eval::compile(&mut vm, &source, &path, kind);
        if self.via_cache
            && let Ok(fresh) = &compiled
        {
            match through_cache_file(&mut vm, fresh, &source, &path, mode) {
                Ok(cached) => compiled = Ok(cached),
                Err(e) => return Outcome::Fail(format!("{mode:?}: cache rejected: {e}")),
            }
        }
        if mode == Mode::Module {
            let result = compiled
                .and_then(|script| vm.run_loaded_module(script, &path))
                .and_then(|_| vm.run_jobs());
            return self.finish(&mut vm, result, negative, mode, is_async, &output);
        }
        let script = match compiled {
            Ok(s) => s,
            Err(e) => {
                return match negative {
                    Some(n) if n.phase == "parse" || n.phase == "early" => {
                        check_error(&mut vm, e, &n.error_type, mode)
                    }
                    _ => {
                        let m = describe(&mut vm, e);
                        Outcome::Fail(format!("{mode:?}: does not compile: {m}"))
                    }
                };
            }
        };
        if let Some(n) = negative
            && (n.phase == "parse" || n.phase == "early")
        {
            return Outcome::Fail(format!(
                "{mode:?}: expected {} at parse time, but it compiled",
                n.error_type
            ));
        }
        let result = vm.run_top_level(script).and_then(|_| vm.run_jobs());
        self.finish(&mut vm, result, negative, mode, is_async, &output)
    }
}

impl Execute {
    /// Judges a run: its completion against the negative expectation, and `$DONE` for async
    /// tests.
    fn finish(
        &self,
        vm: &mut Vm,
        result: JsResult<()>,
        negative: Option<&crate::frontmatter::Negative>,
        mode: Mode,
        is_async: bool,
        output: &Rc<RefCell<Vec<String>>>,
    ) -> Outcome {
        match (result, negative) {
            (Err(e), Some(n)) => check_error(vm, e, &n.error_type, mode),
            (Ok(()), Some(n)) => Outcome::Fail(format!(
                "{mode:?}: expected {} at {}, but it ran to completion",
                n.error_type, n.phase
            )),
            (Err(e), None) => {
                let m = describe(vm, e);
                Outcome::Fail(format!("{mode:?}: {m}"))
            }
            (Ok(()), None) => {
                if !is_async {
                    return Outcome::Pass;
                }
                let lines = output.borrow();
                if let Some(f) = lines
                    .iter()
                    .find(|l| l.starts_with("Test262:AsyncTestFailure"))
                {
                    return Outcome::Fail(format!("{mode:?}: {f}"));
                }
                if lines.iter().any(|l| l == "Test262:AsyncTestComplete") {
                    Outcome::Pass
                } else {
                    Outcome::Fail(format!("{mode:?}: async test did not call $DONE"))
                }
            }
        }
    }
}

/// Writes `script` to a cache file, reads it back and loads it as a cache hit would.
fn through_cache_file(
    vm: &mut Vm,
    script: &kiln_interpreter::loaded_script::LoadedScript,
    source: &str,
    path: &str,
    mode: Mode,
) -> Result<Rc<kiln_interpreter::loaded_script::LoadedScript>, String> {
    let kind = if mode == Mode::Module {
        kiln_cache::CacheKind::Module
    } else {
        kiln_cache::CacheKind::Script
    };
    let bytes = kiln_cache::encode(script.verified(), source, kind);
    let file = std::env::temp_dir().join(format!(
        "kiln-test262-{}-{:?}.cache",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&file, &bytes).map_err(|e| e.to_string())?;
    let read = kiln_cache::read_file(&file);
    let _ = std::fs::remove_file(&file);
    let loaded = kiln_cache::load(read.map_err(|e| e.to_string())?, source, kind)
        .map_err(|e| e.to_string())?;
    Ok(kiln_interpreter::eval::load_verified(
        vm, loaded, source, path,
    ))
}

fn run_global(vm: &mut Vm, text: &str, name: &str, kind: CodeKind) -> JsResult<Value> {
    let script = kiln_interpreter::eval::compile(vm, text, name, kind)?;
    vm.run_top_level(script)
}

/// Whether the thrown value is an error of `expected` (by its constructor's name).
fn check_error(vm: &mut Vm, e: JsError, expected: &str, mode: Mode) -> Outcome {
    let JsError::Throw(v) = e else {
        let m = describe(vm, e);
        return Outcome::Fail(format!("{mode:?}: expected {expected}, got {m}"));
    };
    let name = error_name(vm, v);
    if name.as_deref() == Some(expected) {
        Outcome::Pass
    } else {
        let m = describe(vm, JsError::Throw(v));
        Outcome::Fail(format!("{mode:?}: expected {expected}, got {m}"))
    }
}

fn error_name(vm: &mut Vm, v: Value) -> Option<String> {
    let o = v.as_object()?;
    let ck = vm.key("constructor");
    let c = vm.get(o, ck, v).ok()?;
    let co = c.as_object()?;
    let nk = vm.key("name");
    let n = vm.get(co, nk, c).ok()?;
    let s = n.as_string()?;
    Some(vm.rust_string(s))
}

fn describe(vm: &mut Vm, e: JsError) -> String {
    match e {
        JsError::Terminate(reason) => format!("terminated: {reason}"),
        JsError::Throw(v) => {
            let name = error_name(vm, v).unwrap_or_else(|| "value".into());
            let message = v.as_object().and_then(|o| {
                let mk = vm.key("message");
                vm.get(o, mk, v)
                    .ok()
                    .and_then(|m| m.as_string())
                    .map(|s| vm.rust_string(s))
            });
            match message {
                Some(m) => format!("{name}: {m}"),
                None => {
                    let text = kiln_interpreter::builtins::console::inspect(vm, v);
                    format!("threw {text}")
                }
            }
        }
    }
}

/// Defines `$262` in the current realm.
fn install_262(vm: &mut Vm) {
    let realm = vm.current_realm();
    let o = vm.new_object();
    let g = vm.intrinsics().global_object;
    let gk = vm.key("global");
    vm.define_data(o, gk, g.value(), kiln_interpreter::object::attrs::HIDDEN);
    let data = vec![Value::int32(realm as i32)];
    for (name, len, f) in [
        (
            "createRealm",
            0,
            create_realm as kiln_interpreter::object::NativeFn,
        ),
        ("evalScript", 1, eval_script),
        ("gc", 0, gc),
        ("detachArrayBuffer", 1, detach_array_buffer),
    ] {
        let func = vm.native_closure(name, len, f, data.clone());
        let k = vm.key(name);
        vm.define_data(o, k, func.value(), kiln_interpreter::object::attrs::HIDDEN);
    }
    // %AbstractModuleSource%, which is no global.
    if let Some(&ams) = vm.realms[realm as usize]
        .constructors
        .get("AbstractModuleSource")
    {
        let k = vm.key("AbstractModuleSource");
        vm.define_data(o, k, ams.value(), kiln_interpreter::object::attrs::HIDDEN);
    }
    let dda = vm.native_function("IsHTMLDDA", 0, |_, _, _| Ok(Value::NULL), None);
    vm.make_html_dda(dda);
    let dk = vm.key("IsHTMLDDA");
    vm.define_data(o, dk, dda.value(), kiln_interpreter::object::attrs::HIDDEN);
    crate::agents::install_main(vm, o);
    vm.define_global("$262", o.value());
}

fn data_realm(vm: &Vm) -> u32 {
    vm.native_data()
        .first()
        .and_then(|v| v.as_int32())
        .unwrap_or(0) as u32
}

fn create_realm(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let index = vm.create_realm();
    vm.in_realm(index, |vm| {
        install_262(vm);
        let g = vm.intrinsics().global_object;
        let key = vm.key("$262");
        vm.get(g, key, g.value())
    })
}

fn eval_script(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let realm = data_realm(vm);
    let source = args.first().copied().unwrap_or(Value::UNDEFINED);
    let text = vm.to_rust_string(source)?;
    vm.in_realm(realm, |vm| {
        run_global(vm, &text, "evalScript", CodeKind::Script)
    })
}

fn gc(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    // Collection happens at the next safepoint, where every live value is rooted.
    vm.agent.heap.request_collection();
    Ok(Value::UNDEFINED)
}

fn detach_array_buffer(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let buffer = args.first().and_then(|v| v.as_object());
    let Some(buffer) = buffer else {
        return Err(vm.type_error("detachArrayBuffer needs an ArrayBuffer"));
    };
    kiln_interpreter::builtins::array_buffer::detach(vm, buffer, Value::UNDEFINED)?;
    Ok(Value::NULL)
}
