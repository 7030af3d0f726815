//! Kiln: a JavaScript engine with a zero-copy bytecode cache.
//!
//! The embedding API, named after `node:vm`: a [`Runtime`] owns the heap and the realms;
//! a [`Script`] is compiled code that runs in a runtime's main realm or in a [`Context`] and can
//! be saved as a cache ([`Script::create_cached_data`]) that later loads without parsing or
//! compiling. The `kiln` command line is built on the same API.
//!
//! Values held from Rust are rooted by handles: a [`Persistent`] keeps a value alive until it is
//! dropped, [`Runtime::handle_scope`] roots values for the duration of a closure, and a
//! [`Context`] keeps its realm alive until its last clone is dropped. Rust closures become
//! JavaScript functions and classes ([`Runtime::define_function`], [`Runtime::define_class`])
//! with arguments and results converted by [`FromJs`] and [`IntoJs`].
//!
//! ```
//! use kiln::{Error, Runtime, Script, ScriptOptions};
//!
//! let mut runtime = Runtime::new();
//! let context = runtime.create_context();
//! runtime
//!     .define_function(&context, "greet", |name: String| -> Result<String, Error> {
//!         if name.is_empty() {
//!             return Err(Error::Host("no name".into()));
//!         }
//!         Ok(format!("hello, {name}"))
//!     })
//!     .unwrap();
//! let script = Script::new("greet('kiln')", ScriptOptions::default()).unwrap();
//! let greeting = script.run_in_context(&mut runtime, &context).unwrap();
//! assert_eq!(runtime.from_js::<String>(greeting).unwrap(), "hello, kiln");
//! ```

pub mod commonjs;
mod convert;
pub mod event_loop;
mod handles;
mod host_functions;
mod modules;
pub mod node_vm;
pub mod process;
mod script;
pub mod web;

pub use convert::{FromJs, IntoJs};
pub use handles::Persistent;
pub use host_functions::{ClassBuilder, HostConstructor, HostFunction, HostMethod, Raw};
pub use kiln_cache::{CacheError, CacheKind};
pub use kiln_interpreter::heap::HeapStats;
pub use kiln_interpreter::{JsError, Value};
pub use modules::{Module, ModuleStatus, SourceTextModule, SyntheticModule};
pub use script::{CacheFile, RunOptions, Script, ScriptOptions, ScriptStats, SourceType};

use kiln_interpreter::Vm;
use kiln_interpreter::handles::{HostHandle, HostRoot};

/// The realm a runtime starts with.
const MAIN_REALM: u32 = 0;

/// One JavaScript heap with its realms, job queue and host.
// `repr(transparent)`: host functions get the `&mut Runtime` back from the `&mut Vm` a native
// receives (`Runtime::from_vm`). The VM must stay the only field.
#[repr(transparent)]
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

    /// The runtime around `vm`: a native function receives the `&mut Vm`, a host function
    /// wants the `&mut Runtime`.
    pub(crate) fn from_vm(vm: &mut Vm) -> &mut Runtime {
        // SAFETY: `Runtime` is `repr(transparent)` over its only field, a `Vm`, so the two have
        // the same layout; the new reference reborrows `vm` for its lifetime, uniquely.
        unsafe { &mut *std::ptr::from_mut(vm).cast::<Runtime>() }
    }

    /// The realm of `context`, if it belongs to this runtime.
    pub(crate) fn realm_of(&self, context: &Context) -> Result<u32, Error> {
        if context.handle.belongs_to(&self.vm) {
            Ok(context.realm)
        } else {
            Err(Error::Internal(
                "the context belongs to another runtime".into(),
            ))
        }
    }

    fn context(&self, realm: u32) -> Context {
        Context {
            realm,
            handle: self.vm.host_handle(HostRoot::Realm(realm)),
        }
    }

    /// A new realm with its own global object and intrinsics. It lives while the returned
    /// [`Context`] (or a clone of it) does, or while something of it is reachable from
    /// JavaScript; then the collector frees it.
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
        self.context(realm)
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
        self.vm.realms[realm as usize].code_generation_strings = options.code_generation_strings;
        Ok(self.context(realm))
    }

    /// The runtime's first realm, where [`Script::run_in_this_context`] runs. It lives as long
    /// as the runtime.
    pub fn main_context(&self) -> Context {
        self.context(MAIN_REALM)
    }

    /// A context's object: its sandbox, or its global object.
    ///
    /// # Panics
    ///
    /// If `context` belongs to another runtime.
    pub fn global(&self, context: &Context) -> Value {
        let realm = match self.realm_of(context) {
            Ok(realm) => realm,
            Err(e) => panic!("Runtime::global: {e}"),
        };
        let r = &self.vm.realms[realm as usize];
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
        let realm = self.realm_of(context)?;
        let vm = &mut self.vm;
        let result = vm.in_realm(realm, |vm| {
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

    /// [`Runtime::call`] with a timeout or an instruction budget (see [`RunOptions`]).
    ///
    /// ```
    /// use kiln::{Error, RunOptions, Runtime, Value};
    /// use std::time::Duration;
    ///
    /// let mut runtime = Runtime::new();
    /// let context = runtime.create_context();
    /// let spin = runtime.compile_function(&context, &[], "for (;;) {}").unwrap();
    /// let limits = RunOptions { timeout: Some(Duration::from_millis(20)), budget: None };
    /// let result = runtime.call_with(spin, Value::UNDEFINED, &[], limits);
    /// assert!(matches!(result, Err(Error::Terminated(_))));
    /// ```
    pub fn call_with(
        &mut self,
        f: Value,
        this: Value,
        args: &[Value],
        options: RunOptions,
    ) -> Result<Value, Error> {
        script::with_limits(self, options, |runtime| runtime.call(f, this, args))
    }

    /// `object[key]`.
    pub fn get(&mut self, object: Value, key: &str) -> Result<Value, Error> {
        let Some(o) = object.as_object() else {
            return Err(Error::Internal("not an object".into()));
        };
        let k = self.vm.key(key);
        self.vm.get(o, k, object).map_err(|e| self.error(e))
    }

    /// `object[key] = value` (a failed assignment in strict mode is an error).
    ///
    /// ```
    /// use kiln::{Runtime, Value};
    ///
    /// let mut runtime = Runtime::new();
    /// let o = runtime.new_object();
    /// runtime.set(o, "x", Value::number(1.0)).unwrap();
    /// let x = runtime.get(o, "x").unwrap();
    /// assert_eq!(runtime.display(x), "1");
    /// ```
    pub fn set(&mut self, object: Value, key: &str, value: Value) -> Result<(), Error> {
        let Some(o) = object.as_object() else {
            return Err(Error::Internal("not an object".into()));
        };
        let k = self.vm.key(key);
        match self.vm.set(o, k, value, object) {
            Ok(true) => Ok(()),
            Ok(false) => Err(Error::Host(format!("cannot assign to property '{key}'"))),
            Err(e) => Err(self.error(e)),
        }
    }

    /// A new ordinary object of the main realm. It is kept for the runtime's life (as
    /// [`Runtime::keep`]); hold a [`Persistent`] of a `vm.new_object()` to let it go.
    pub fn new_object(&mut self) -> Value {
        let o = self.vm.new_object().value();
        self.keep(o);
        o
    }

    /// A JavaScript string, kept for the runtime's life (as [`Runtime::keep`]).
    pub fn string(&mut self, s: &str) -> Value {
        let v = self.vm.string(s);
        self.keep(v);
        v
    }

    /// Keeps `value` alive for the life of the runtime (values the host holds are not roots
    /// otherwise; the collector runs while code runs). [`Persistent`] is the same with an end.
    ///
    /// ```
    /// use kiln::{Runtime, Script, ScriptOptions};
    ///
    /// let mut runtime = Runtime::new();
    /// let list = Script::new("[1, 2, 3]", ScriptOptions::default()).unwrap();
    /// let list = list.run_in_this_context(&mut runtime).unwrap();
    /// runtime.keep(list);
    /// runtime.collect_garbage();
    /// assert_eq!(runtime.display(list), "[ 1, 2, 3 ]");
    /// ```
    pub fn keep(&mut self, value: Value) {
        self.vm.root_for_life(value);
    }

    /// `value` as `console.log` shows it.
    pub fn display(&mut self, value: Value) -> String {
        kiln_interpreter::builtins::console::inspect(&mut self.vm, value)
    }

    /// Collects garbage now (collections otherwise happen as code allocates).
    ///
    /// ```
    /// use kiln::{Runtime, Script, ScriptOptions};
    ///
    /// let mut runtime = Runtime::new();
    /// let garbage = Script::new("new Array(1 << 16).fill(0); 1", ScriptOptions::default()).unwrap();
    /// garbage.run_in_this_context(&mut runtime).unwrap();
    /// runtime.collect_garbage();
    /// let stats = runtime.heap_stats();
    /// assert!(stats.total_bytes < 4 << 20, "{}", stats.summary());
    /// ```
    pub fn collect_garbage(&mut self) {
        self.vm.collect_garbage();
    }

    /// The heap's cells and bytes, by kind.
    ///
    /// ```
    /// use kiln::Runtime;
    ///
    /// let mut runtime = Runtime::new();
    /// runtime.collect_garbage();
    /// let stats = runtime.heap_stats();
    /// assert!(stats.objects.cells > 0 && stats.collections >= 1);
    /// ```
    pub fn heap_stats(&mut self) -> HeapStats {
        self.vm.heap_stats()
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

    /// An [`Error`] as what JavaScript sees: a thrown value is thrown again, a termination
    /// stays one, the other kinds become `Error` (or `SyntaxError`) objects. Host functions'
    /// errors go through it.
    ///
    /// ```
    /// use kiln::{Error, JsError, Runtime};
    ///
    /// let mut runtime = Runtime::new();
    /// let JsError::Throw(e) = runtime.throw(Error::Host("no".into())) else { unreachable!() };
    /// let message = runtime.get(e, "message").unwrap();
    /// assert_eq!(runtime.display(message), "'no'");
    /// ```
    pub fn throw(&mut self, error: Error) -> JsError {
        match error {
            Error::Thrown { value, .. } if value != Value::UNDEFINED => JsError::Throw(value),
            Error::Thrown { message, .. } => self.vm.throw_error("Error", &message),
            Error::Terminated(reason) => JsError::Terminate(reason),
            Error::Syntax { message, .. } => self.vm.throw_error("SyntaxError", &message),
            Error::Host(message) | Error::Internal(message) => {
                self.vm.throw_error("Error", &message)
            }
        }
    }
}

/// A realm of a [`Runtime`]: its own global object and built-ins. It is a handle: the realm
/// stays alive while a clone of it does, and once the last one is dropped (and JavaScript holds
/// nothing of the realm) the collector frees it. Dropping it after its runtime is harmless.
///
/// ```
/// use kiln::{Runtime, Script, ScriptOptions};
///
/// let mut runtime = Runtime::new();
/// let context = runtime.create_context();
/// let same = context.clone();
/// Script::new("var x = 1", ScriptOptions::default())
///     .unwrap()
///     .run_in_context(&mut runtime, &context)
///     .unwrap();
/// drop(context);
/// runtime.collect_garbage();
/// let x = Script::new("x", ScriptOptions::default()).unwrap();
/// let x = x.run_in_context(&mut runtime, &same).unwrap(); // `same` kept the realm
/// assert_eq!(runtime.display(x), "1");
/// ```
#[derive(Clone)]
pub struct Context {
    realm: u32,
    handle: HostHandle,
}

impl PartialEq for Context {
    fn eq(&self, other: &Context) -> bool {
        self.realm == other.realm && self.handle.same_vm(&other.handle)
    }
}

impl Eq for Context {}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Context(realm {})", self.realm)
    }
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

/// Why compiling or running failed. It implements [`std::error::Error`], so `?` carries it into
/// `Box<dyn std::error::Error>` and error-handling crates.
///
/// ```
/// use kiln::{Error, Runtime, Script, ScriptOptions};
///
/// fn run(source: &str) -> Result<String, Box<dyn std::error::Error>> {
///     let mut runtime = Runtime::new();
///     let value = Script::new(source, ScriptOptions::default())?.run_in_this_context(&mut runtime)?;
///     Ok(runtime.display(value))
/// }
/// assert_eq!(run("1 + 1").unwrap(), "2");
/// let message = run("throw new TypeError('no')").unwrap_err().to_string();
/// assert!(message.starts_with("Uncaught TypeError: no"));
/// assert!(matches!(Script::new("let let", ScriptOptions::default()), Err(Error::Syntax { .. })));
/// ```
#[derive(Clone, Debug)]
pub enum Error {
    /// The source is not valid JavaScript; `rendered` has `file:line:col`, the line and a caret.
    Syntax {
        /// The message alone.
        message: String,
        /// `file:line:col`, the message, the source line and a caret.
        rendered: String,
    },
    /// The script threw `value` (shown as `message`).
    Thrown {
        /// The value as `console.log` shows it.
        message: String,
        /// What was thrown (undefined for an error the host made, such as a failed link).
        value: Value,
    },
    /// Stopped by a timeout, an interrupt or a limit.
    Terminated(String),
    /// A host function's failure: JavaScript sees an `Error` with this message.
    Host(String),
    /// A bug in the engine, reported instead of a panic.
    Internal(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Syntax { rendered, .. } => f.write_str(rendered.trim_end()),
            Error::Thrown { message, .. } => write!(f, "Uncaught {message}"),
            Error::Terminated(reason) => write!(f, "terminated: {reason}"),
            Error::Host(message) => f.write_str(message),
            Error::Internal(e) => write!(f, "internal error: {e}"),
        }
    }
}

impl std::error::Error for Error {}
