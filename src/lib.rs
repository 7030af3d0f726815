//! Kiln: a JavaScript engine with a zero-copy bytecode cache.
//!
//! The embedding API, named after `node:vm`: a [`Runtime`] owns the heap and the realms;
//! a [`Script`] is compiled code that runs in a runtime's main realm or in a [`Context`] and can
//! be saved as a cache ([`Script::create_cached_data`]) that later loads without parsing or
//! compiling. The `kiln` command line is built on the same API.

pub mod commonjs;
pub mod event_loop;
mod modules;
pub mod node_vm;
pub mod process;
mod script;
pub mod web;

pub use kiln_cache::{CacheError, CacheKind};
pub use kiln_interpreter::Value;
pub use modules::{Module, ModuleStatus, SourceTextModule, SyntheticModule};
pub use script::{RunOptions, Script, ScriptOptions, ScriptStats, SourceType};

use kiln_interpreter::{JsError, Vm};

/// The realm a runtime starts with.
const MAIN_REALM: u32 = 0;

/// One JavaScript heap with its realms, job queue and host.
pub struct Runtime {
    /// The virtual machine, for what this API does not cover yet.
    pub vm: Vm,
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::new()
    }
}

impl Runtime {
    /// A runtime whose `print` and `console` write to stdout and which loads modules from files.
    pub fn new() -> Runtime {
        Runtime::with_host(Box::new(kiln_interpreter::StdHost))
    }

    /// A runtime whose output and module loading go through `host` (tests capture output this
    /// way).
    pub fn with_host(host: Box<dyn kiln_interpreter::Host>) -> Runtime {
        let mut vm = Vm::new(host);
        node_vm::register(&mut vm);
        Runtime { vm }
    }

    /// A new realm with its own global object and intrinsics. It lives as long as the runtime.
    ///
    /// ```
    /// use kiln::{Runtime, Script, ScriptOptions};
    ///
    /// let mut runtime = Runtime::new();
    /// let context = runtime.create_context();
    /// let script = Script::new("globalThis.x = 1; typeof Array", ScriptOptions::default()).unwrap();
    /// let t = script.run_in_context(&mut runtime, &context).unwrap();
    /// assert_eq!(runtime.display(t), "'function'");
    /// let main = Script::new("typeof x", ScriptOptions::default()).unwrap();
    /// let t = main.run_in_this_context(&mut runtime).unwrap();
    /// assert_eq!(runtime.display(t), "'undefined'");
    /// ```
    pub fn create_context(&mut self) -> Context {
        let realm = self.vm.create_realm();
        // The host holds the index: the collector must keep the realm.
        self.vm.realms[realm as usize].pinned = true;
        Context { realm }
    }

    /// A context with options: a sandbox object whose properties back its global (as
    /// `vm.createContext(sandbox)`), and whether `eval` and `Function` may compile strings.
    ///
    /// ```
    /// use kiln::{ContextOptions, Runtime, Script, ScriptOptions};
    ///
    /// let mut runtime = Runtime::new();
    /// let sandbox = runtime.new_object();
    /// let context = runtime
    ///     .create_context_with(ContextOptions { sandbox: Some(sandbox), code_generation_strings: false })
    ///     .unwrap();
    /// let script = Script::new("var answer = 42; try { eval('1') } catch (e) { e.name }", ScriptOptions::default()).unwrap();
    /// let name = script.run_in_context(&mut runtime, &context).unwrap();
    /// assert_eq!(runtime.display(name), "'EvalError'");
    /// let answer = runtime.get(sandbox, "answer").unwrap();
    /// assert_eq!(runtime.display(answer), "42");
    /// ```
    pub fn create_context_with(&mut self, options: ContextOptions) -> Result<Context, Error> {
        let realm = match options.sandbox {
            Some(v) => {
                let Some(sandbox) = v.as_object() else {
                    return Err(Error::Internal("a sandbox must be an object".into()));
                };
                match self.vm.context_realm(sandbox) {
                    Some(realm) => realm,
                    None => self.vm.create_sandboxed_realm(sandbox),
                }
            }
            None => self.vm.create_realm(),
        };
        let r = &mut self.vm.realms[realm as usize];
        r.pinned = true;
        r.code_generation_strings = options.code_generation_strings;
        Ok(Context { realm })
    }

    /// The runtime's first realm, where [`Script::run_in_this_context`] runs.
    pub fn main_context(&self) -> Context {
        Context { realm: MAIN_REALM }
    }

    /// A context's object: its sandbox, or its global object.
    pub fn global(&self, context: &Context) -> Value {
        let r = &self.vm.realms[context.realm as usize];
        r.sandbox.unwrap_or(r.global_object).value()
    }

    /// Limits the live heap (estimated bytes) of this runtime: code that allocates past it is
    /// stopped with [`Error::Terminated`] and the runtime can go on running other code.
    ///
    /// ```
    /// use kiln::{Error, Runtime, Script, ScriptOptions};
    ///
    /// let mut runtime = Runtime::new();
    /// runtime.set_heap_limit(Some(32 << 20));
    /// let context = runtime.create_context();
    /// let hog = Script::new("const a = []; for (;;) a.push({ a })", ScriptOptions::default()).unwrap();
    /// assert!(matches!(hog.run_in_context(&mut runtime, &context), Err(Error::Terminated(_))));
    /// let fine = Script::new("[1, 2, 3].length", ScriptOptions::default()).unwrap();
    /// let three = fine.run_in_this_context(&mut runtime).unwrap();
    /// assert_eq!(runtime.display(three), "3");
    /// ```
    pub fn set_heap_limit(&mut self, bytes: Option<usize>) {
        self.vm.agent.heap.limit = bytes;
    }

    /// `vm.compileFunction`: a function with `params` and `body` in `context`. A body that
    /// would close the function early is a syntax error.
    ///
    /// ```
    /// use kiln::{Runtime, Value};
    ///
    /// let mut runtime = Runtime::new();
    /// let context = runtime.main_context();
    /// let add = runtime.compile_function(&context, &["a", "b"], "return a + b").unwrap();
    /// let sum = runtime.call(add, Value::UNDEFINED, &[Value::number(2.0), Value::number(3.0)]).unwrap();
    /// assert_eq!(runtime.display(sum), "5");
    /// assert!(runtime.compile_function(&context, &[], "}); (function () {").is_err());
    /// ```
    pub fn compile_function(
        &mut self,
        context: &Context,
        params: &[&str],
        body: &str,
    ) -> Result<Value, Error> {
        let params = params.join(", ");
        let vm = &mut self.vm;
        let result = vm.in_realm(context.realm, |vm| {
            kiln_interpreter::builtins::function::check_dynamic_function(
                vm, "function", &params, body,
            )
            .and_then(|_| {
                let source = format!("(function ({params}) {{\n{body}\n}})");
                kiln_interpreter::eval::run_source(vm, &source, "anonymous", false)
            })
        });
        result.map_err(|e| self.error(e))
    }

    /// Calls `f` with `this` and `args`, then runs the promise jobs.
    pub fn call(&mut self, f: Value, this: Value, args: &[Value]) -> Result<Value, Error> {
        let result = self.vm.call(f, this, args).and_then(|v| {
            self.vm.with_roots(&[v], Vm::run_jobs)?;
            Ok(v)
        });
        result.map_err(|e| self.error(e))
    }

    /// `object[key]`.
    pub fn get(&mut self, object: Value, key: &str) -> Result<Value, Error> {
        let Some(o) = object.as_object() else {
            return Err(Error::Internal("not an object".into()));
        };
        let k = self.vm.key(key);
        self.vm.get(o, k, object).map_err(|e| self.error(e))
    }

    /// A new ordinary object of the main realm.
    pub fn new_object(&mut self) -> Value {
        let o = self.vm.new_object().value();
        self.keep(o);
        o
    }

    /// A JavaScript string.
    pub fn string(&mut self, s: &str) -> Value {
        let v = self.vm.string(s);
        self.keep(v);
        v
    }

    /// Keeps `value` alive for the life of the runtime (values the host holds are not roots
    /// otherwise; the collector runs while code runs).
    pub fn keep(&mut self, value: Value) {
        self.vm.root_for_life(value);
    }

    /// `value` as `console.log` shows it.
    pub fn display(&mut self, value: Value) -> String {
        kiln_interpreter::builtins::console::inspect(&mut self.vm, value)
    }

    /// A [`JsError`] of this runtime as an [`Error`].
    pub fn error(&mut self, error: JsError) -> Error {
        match error {
            JsError::Throw(value) => Error::Thrown {
                message: self.display(value),
                value,
            },
            JsError::Terminate(reason) => Error::Terminated(reason),
        }
    }
}

/// A realm of a [`Runtime`]: its own global object and built-ins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Context {
    realm: u32,
}

/// Options for [`Runtime::create_context_with`].
#[derive(Clone, Copy, Debug)]
pub struct ContextOptions {
    /// An object whose properties back the context's global, both ways.
    pub sandbox: Option<Value>,
    /// Whether `eval` and the Function constructors may compile strings.
    pub code_generation_strings: bool,
}

impl Default for ContextOptions {
    fn default() -> Self {
        ContextOptions {
            sandbox: None,
            code_generation_strings: true,
        }
    }
}

/// Why compiling or running failed.
#[derive(Clone, Debug)]
pub enum Error {
    /// The source is not valid JavaScript; `rendered` has `file:line:col`, the line and a caret.
    Syntax { message: String, rendered: String },
    /// The script threw `value` (shown as `message`).
    Thrown { message: String, value: Value },
    /// Stopped by a timeout, an interrupt or a limit.
    Terminated(String),
    /// A bug in the engine, reported instead of a panic.
    Internal(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Syntax { rendered, .. } => f.write_str(rendered.trim_end()),
            Error::Thrown { message, .. } => write!(f, "Uncaught {message}"),
            Error::Terminated(reason) => write!(f, "terminated: {reason}"),
            Error::Internal(e) => write!(f, "internal error: {e}"),
        }
    }
}

impl std::error::Error for Error {}
