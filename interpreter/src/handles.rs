//! Handle scopes: how native code keeps values alive across calls that may collect.
//!
//! A value native code holds in a Rust local is invisible to the collector. Across anything
//! that can reach a safepoint (calling JavaScript, a getter, a proxy trap, running jobs) it
//! must be rooted: [`Vm::root`] puts it on a stack the collector walks, inside a scope that
//! [`Vm::handle_scope`] opened. The scope cuts the stack back to where it found it however the
//! closure ends, `?` included, so a root can neither leak past its scope nor be released early.
//! A native function runs inside the scope `Vm::call_native` opens for its `this` and arguments:
//! what it roots stays rooted until it returns. `docs/GC.md` has the rules and examples.
//!
//! The stack is private to this module: there is no push or truncate to forget. (A guard that
//! truncates on drop cannot do this: it would hold the `&mut Vm` the body needs.)

use crate::value::Value;
use crate::vm::Vm;

/// The values native code roots, scope by scope, and the few the host keeps for good.
#[derive(Default)]
pub struct Handles {
    scoped: Vec<Value>,
    /// How many scopes are open: rooting outside every scope is a bug (it would never be
    /// released).
    depth: usize,
    /// Values kept for the life of the VM ([`Vm::root_for_life`]).
    permanent: Vec<Value>,
}

impl Handles {
    /// Every rooted value, for the collector's root walk.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Value> + '_ {
        self.scoped.iter().chain(&self.permanent).copied()
    }
}

impl Vm {
    /// Runs `f` in a new handle scope: what `f` roots with [`Vm::root`] stays rooted until `f`
    /// returns, whatever it returns.
    #[inline]
    pub fn handle_scope<R>(&mut self, f: impl FnOnce(&mut Vm) -> R) -> R {
        let mark = self.handles.scoped.len();
        self.handles.depth += 1;
        let result = f(self);
        self.handles.depth -= 1;
        self.handles.scoped.truncate(mark);
        result
    }

    /// Keeps `v` alive until the innermost open handle scope ends.
    #[inline]
    pub fn root(&mut self, v: Value) {
        debug_assert!(self.handles.depth > 0, "Vm::root outside a handle scope");
        self.handles.scoped.push(v);
    }

    /// Runs `f` in a new handle scope with `roots` rooted.
    #[inline]
    pub fn with_roots<R>(&mut self, roots: &[Value], f: impl FnOnce(&mut Vm) -> R) -> R {
        self.handle_scope(|vm| {
            vm.handles.scoped.extend_from_slice(roots);
            f(vm)
        })
    }

    /// Keeps `v` alive for as long as the VM lives: for values a host holds outside any call
    /// (`Runtime::keep`). Nothing releases it.
    pub fn root_for_life(&mut self, v: Value) {
        self.handles.permanent.push(v);
    }
}
