//! What one agent owns (ECMA-262 9.7): the heap, shapes and atoms, the well-known symbols and
//! the engine's own property names, the job queue, and the loaded scripts.

use crate::heap::{Heap, ObjRef, SymRef, Traced};
use crate::loaded_script::LoadedScript;
use crate::object::{PropertyKey, Shapes};
use crate::string::{Atom, Atoms};
use crate::value::Value;
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::rc::Rc;

/// What one agent owns: the heap and the tables describing what is in it (shapes, atoms,
/// symbols), the job queue, and the roots native code holds. Every realm shares it.
pub struct Agent {
    pub heap: Heap,
    pub shapes: Shapes,
    pub atoms: Atoms,
    /// Atoms the engine looks up often.
    pub names: Names,
    pub symbols: WellKnownSymbols,
    pub symbol_registry: FxHashMap<Vec<u16>, SymRef>,
    pub jobs: VecDeque<Job>,
    pub scripts: Vec<Rc<LoadedScript>>,
    /// Values native code keeps alive across calls into JavaScript: only through
    /// [`Vm::handle_scope`] and [`Vm::root`] (`handles.rs`).
    pub(crate) handles: crate::handles::Handles,
    /// Targets of WeakRefs created or dereferenced in the current job (AddToKeptObjects): kept
    /// alive until the job ends.
    pub kept_alive: Vec<Value>,
    /// Pending `Atomics.waitAsync` promises, settled when the job queue runs dry.
    pub async_waits: crate::builtins::atomics::AsyncWaits,
    /// The agent's \[\[CanBlock\]\]: whether `Atomics.wait` may suspend this thread (true unless
    /// the host says otherwise, as a browser's main thread would).
    pub can_block: bool,
    /// Whether any object was made \[\[IsHTMLDDA\]\] (`Vm::make_html_dda`): until one is, `==`
    /// against `null`/`undefined` needs no look at an object operand.
    pub html_dda_made: bool,
    /// `$262.IsHTMLDDA`, when the test262 hooks made it.
    pub html_dda: Option<ObjRef>,
    /// Indices of mapped arguments objects that no longer alias their parameter.
    pub unmapped_arguments: rustc_hash::FxHashSet<(u32, u32)>,
    /// `Math.random` state.
    pub random_state: u64,
    /// The one-byte one-unit strings, made on first use (a GC root).
    pub single_chars: Vec<Value>,
    /// The built-in methods every realm makes on first use (their names are GC roots).
    pub lazy_methods: crate::object::LazyMethods,
}

pub struct WellKnownSymbols {
    pub async_dispose: SymRef,
    pub async_iterator: SymRef,
    pub dispose: SymRef,
    pub has_instance: SymRef,
    pub is_concat_spreadable: SymRef,
    pub iterator: SymRef,
    pub match_: SymRef,
    pub match_all: SymRef,
    /// `Symbol.metadata` (the decorator metadata proposal).
    pub metadata: SymRef,
    pub replace: SymRef,
    pub search: SymRef,
    pub species: SymRef,
    pub split: SymRef,
    pub to_primitive: SymRef,
    pub to_string_tag: SymRef,
    pub unscopables: SymRef,
    /// Not a well-known symbol: the private name under which an error object keeps its stack
    /// text (an \[\[ErrorData\]\] of Kiln's), which `get Error.prototype.stack` returns.
    pub error_stack: SymRef,
}

/// Atoms for property names the engine itself uses.
pub struct Names {
    pub length: Atom,
    pub prototype: Atom,
    pub constructor: Atom,
    pub name: Atom,
    pub message: Atom,
    pub next: Atom,
    pub done: Atom,
    pub value: Atom,
    pub then: Atom,
    pub get: Atom,
    pub set: Atom,
    pub writable: Atom,
    pub enumerable: Atom,
    pub configurable: Atom,
    pub callee: Atom,
    pub caller: Atom,
    pub arguments: Atom,
    pub to_string: Atom,
    pub value_of: Atom,
    pub return_: Atom,
    pub throw: Atom,
    pub cause: Atom,
    pub raw: Atom,
    pub stack: Atom,
    pub stack_trace_limit: Atom,
    pub last_index: Atom,
}

impl Names {
    pub(crate) fn new(atoms: &mut Atoms) -> Names {
        let mut a = |s: &str| atoms.intern_str(s);
        Names {
            length: a("length"),
            prototype: a("prototype"),
            constructor: a("constructor"),
            name: a("name"),
            message: a("message"),
            next: a("next"),
            done: a("done"),
            value: a("value"),
            then: a("then"),
            get: a("get"),
            set: a("set"),
            writable: a("writable"),
            enumerable: a("enumerable"),
            configurable: a("configurable"),
            callee: a("callee"),
            caller: a("caller"),
            arguments: a("arguments"),
            to_string: a("toString"),
            value_of: a("valueOf"),
            return_: a("return"),
            throw: a("throw"),
            cause: a("cause"),
            raw: a("raw"),
            stack: a("stack"),
            stack_trace_limit: a("stackTraceLimit"),
            last_index: a("lastIndex"),
        }
    }
}

pub fn atom_key(atom: Atom) -> PropertyKey {
    PropertyKey::String(atom)
}

pub enum Job {
    /// Run a promise reaction with its argument (ECMA-262 27.2.2.1 NewPromiseReactionJob).
    Reaction(crate::object::Reaction, Value),
    /// 27.2.2.2 NewPromiseResolveThenableJob.
    ResolveThenable {
        promise: Value,
        thenable: Value,
        then: Value,
    },
    /// A host callback (e.g. async module evaluation steps).
    Callback(Value, Vec<Value>),
}

impl Job {
    pub fn trace(&self, out: &mut Vec<Traced>) {
        match self {
            Job::Reaction(r, v) => {
                crate::object::trace_reaction(r, out);
                out.push(Traced::Value(*v));
            }
            Job::ResolveThenable {
                promise,
                thenable,
                then,
            } => out.extend([*promise, *thenable, *then].map(Traced::Value)),
            Job::Callback(f, args) => {
                out.push(Traced::Value(*f));
                out.extend(args.iter().map(|&v| Traced::Value(v)));
            }
        }
    }
}
