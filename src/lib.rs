//! Kiln: a JavaScript engine with a zero-copy bytecode cache.
//!
//! The embedding API, named after `node:vm`: a [`Runtime`] owns the heap and the realms;
//! a [`Script`] is compiled code that runs in a runtime's main realm or in a [`Context`] and can
//! be saved as a cache ([`Script::create_cached_data`]) that later loads without parsing or
//! compiling. The `kiln` command line is built on the same API.

mod script;

pub use kiln_cache::{CacheError, CacheKind};
pub use kiln_interpreter::Value;
pub use script::{Script, ScriptOptions, ScriptStats, SourceType};

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

    pub fn with_host(host: Box<dyn kiln_interpreter::Host>) -> Runtime {
        Runtime { vm: Vm::new(host) }
    }

    /// A new realm with its own global object and intrinsics.
    pub fn create_context(&mut self) -> Context {
        Context {
            realm: self.vm.create_realm(),
        }
    }

    /// `value` as `console.log` shows it.
    pub fn display(&mut self, value: Value) -> String {
        kiln_interpreter::builtins::console::inspect(&mut self.vm, value)
    }

    fn error(&mut self, error: JsError) -> Error {
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
