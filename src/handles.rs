//! Handles: how Rust code keeps JavaScript values alive.
//!
//! A [`Value`] in a Rust variable is invisible to the collector, which runs whenever code runs.
//! Two ways to keep one, as V8's `Local`/`Global` and rquickjs's `Ctx`/`Persistent`:
//!
//! - for the duration of a call, [`Runtime::handle_scope`] and [`Runtime::root`]: everything
//!   rooted inside the closure is released when it returns;
//! - for as long as the host likes, a [`Persistent`]: a slot in the runtime's table of host
//!   roots, freed when the handle is dropped.
//!
//! [`crate::Context`] is the same kind of handle for a realm.

use crate::{Error, IntoJs, Runtime};
use kiln_interpreter::Value;
use kiln_interpreter::handles::{HostHandle, HostRoot};

/// A value kept alive until this handle (and every clone of it) is dropped: the way to hold a
/// JavaScript value between calls. Each clone is a root of its own. Dropping a handle after
/// its runtime is harmless.
///
/// ```
/// use kiln::{Persistent, Runtime, Script, ScriptOptions};
///
/// let mut runtime = Runtime::new();
/// let make = Script::new("({ answer: 42 })", ScriptOptions::default()).unwrap();
/// let object = make.run_in_this_context(&mut runtime).unwrap();
/// let held = Persistent::new(&runtime, object);
/// runtime.collect_garbage(); // `held` keeps the object
/// let answer = runtime.get(held.get(), "answer").unwrap();
/// assert_eq!(runtime.display(answer), "42");
/// drop(held); // now the next collection frees it
/// ```
#[derive(Clone, Debug)]
pub struct Persistent {
    value: Value,
    handle: HostHandle,
}

impl Persistent {
    /// Roots `value` in `runtime` until the handle is dropped.
    pub fn new(runtime: &Runtime, value: Value) -> Persistent {
        Persistent {
            value,
            handle: runtime.vm.host_handle(HostRoot::Value(value)),
        }
    }

    /// The value (valid in the runtime that made the handle).
    ///
    /// ```
    /// use kiln::{Persistent, Runtime, Value};
    ///
    /// let runtime = Runtime::new();
    /// let held = Persistent::new(&runtime, Value::number(2.0));
    /// assert_eq!(held.get().as_number(), Some(2.0));
    /// ```
    pub fn get(&self) -> Value {
        self.value
    }

    /// Whether `runtime` made this handle.
    ///
    /// ```
    /// use kiln::{Persistent, Runtime, Value};
    ///
    /// let (one, other) = (Runtime::new(), Runtime::new());
    /// let held = Persistent::new(&one, Value::number(1.0));
    /// assert!(held.belongs_to(&one) && !held.belongs_to(&other));
    /// ```
    pub fn belongs_to(&self, runtime: &Runtime) -> bool {
        self.handle.belongs_to(&runtime.vm)
    }
}

impl IntoJs for Persistent {
    fn into_js(self, runtime: &mut Runtime) -> Result<Value, Error> {
        (&self).into_js(runtime)
    }
}

impl IntoJs for &Persistent {
    fn into_js(self, runtime: &mut Runtime) -> Result<Value, Error> {
        if self.belongs_to(runtime) {
            Ok(self.value)
        } else {
            Err(Error::Internal(
                "the persistent handle belongs to another runtime".into(),
            ))
        }
    }
}

impl Runtime {
    /// Runs `f` in a handle scope: the values it passes to [`Runtime::root`] stay alive until
    /// it returns, whatever it returns. Scopes nest.
    ///
    /// ```
    /// use kiln::{Runtime, Script, ScriptOptions};
    ///
    /// let mut runtime = Runtime::new();
    /// let make = Script::new("[1, 2, 3]", ScriptOptions::default()).unwrap();
    /// let text = runtime.handle_scope(|runtime| {
    ///     let list = make.run_in_this_context(runtime).unwrap();
    ///     runtime.root(list);
    ///     runtime.collect_garbage(); // `list` is rooted: it survives
    ///     runtime.display(list)
    /// });
    /// assert_eq!(text, "[ 1, 2, 3 ]");
    /// ```
    pub fn handle_scope<R>(&mut self, f: impl FnOnce(&mut Runtime) -> R) -> R {
        self.vm.handle_scope(|vm| f(Runtime::from_vm(vm)))
    }

    /// Keeps `value` alive until the innermost [`Runtime::handle_scope`] ends. Outside every
    /// scope it is kept for the runtime's life, as [`Runtime::keep`].
    ///
    /// ```
    /// use kiln::{Runtime, Value};
    ///
    /// let mut runtime = Runtime::new();
    /// let joined = runtime.handle_scope(|runtime| {
    ///     let parts = runtime.to_js(vec!["a", "b"]).unwrap();
    ///     runtime.root(parts); // the call below may collect
    ///     let join = runtime.get(parts, "join").unwrap();
    ///     let joined = runtime.call(join, parts, &[]).unwrap();
    ///     runtime.from_js::<String>(joined).unwrap()
    /// });
    /// assert_eq!(joined, "a,b");
    /// ```
    pub fn root(&mut self, value: Value) {
        if self.vm.in_handle_scope() {
            self.vm.root(value);
        } else {
            self.vm.root_for_life(value);
        }
    }

    /// How many [`Persistent`] and [`crate::Context`] handles of this runtime are alive.
    ///
    /// ```
    /// use kiln::{Persistent, Runtime, Value};
    ///
    /// let runtime = Runtime::new();
    /// let before = runtime.handle_count();
    /// let held = Persistent::new(&runtime, Value::number(1.0));
    /// assert_eq!(runtime.handle_count(), before + 1);
    /// drop(held);
    /// assert_eq!(runtime.handle_count(), before);
    /// ```
    pub fn handle_count(&self) -> usize {
        self.vm.host_handle_count()
    }
}
