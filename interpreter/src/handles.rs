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
//!
//! What a host holds between calls lives in [`HostSlots`], a slot table the collector walks:
//! a [`HostHandle`] owns one slot (a value, or a realm it keeps alive) and frees it when
//! dropped. A drop cannot reach the `&mut Vm`, so the table is shared (`Rc<RefCell<_>>`)
//! between the VM and its handles; a handle dropped after its VM frees a slot of a table
//! nobody reads any more.

use crate::heap::Traced;
use crate::object::{PropertyKey, trace_key};
use crate::value::Value;
use crate::vm::Vm;
use std::cell::RefCell;
use std::rc::Rc;

/// The values native code roots, scope by scope, and the few the host keeps for good.
#[derive(Default)]
pub struct Handles {
    scoped: Vec<Value>,
    /// Property keys native code holds across calls (their atoms are collected too).
    keys: Vec<PropertyKey>,
    /// How many scopes are open: rooting outside every scope is a bug (it would never be
    /// released).
    depth: usize,
    /// Values kept for the life of the VM ([`Vm::root_for_life`]).
    permanent: Vec<Value>,
    /// Values and realms the host holds through [`HostHandle`]s.
    host: Rc<RefCell<HostSlots>>,
}

impl Handles {
    /// Every rooted value and key, for the collector's root walk.
    pub(crate) fn trace(&self, out: &mut Vec<Traced>) {
        out.extend(
            self.scoped
                .iter()
                .chain(&self.permanent)
                .map(|&v| Traced::Value(v)),
        );
        for &key in &self.keys {
            trace_key(key, out);
        }
        // Borrowed only here and inside `HostHandle`'s methods, none of which collects.
        if let Ok(host) = self.host.try_borrow() {
            for slot in &host.slots {
                match *slot {
                    HostRoot::Free => {}
                    HostRoot::Value(v) => out.push(Traced::Value(v)),
                    HostRoot::Realm(r) => out.push(Traced::Realm(r)),
                }
            }
        }
    }
}

/// What one host slot keeps alive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostRoot {
    Free,
    Value(Value),
    /// A realm, by index: its global object, intrinsics and everything they reach.
    Realm(u32),
}

/// The slots behind [`HostHandle`]s: the collector's roots for what the host holds.
#[derive(Default)]
pub struct HostSlots {
    slots: Vec<HostRoot>,
    free: Vec<u32>,
}

impl HostSlots {
    fn take(&mut self, root: HostRoot) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = root;
                i
            }
            None => {
                self.slots.push(root);
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// Slots in use.
    pub fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One slot of a VM's [`HostSlots`]: what it holds stays alive until the handle is dropped.
/// Cloning takes another slot for the same root.
pub struct HostHandle {
    table: Rc<RefCell<HostSlots>>,
    index: u32,
}

impl HostHandle {
    /// What the slot keeps alive.
    pub fn root(&self) -> HostRoot {
        self.table
            .try_borrow()
            .map_or(HostRoot::Free, |t| t.slots[self.index as usize])
    }

    /// Whether two handles belong to the same VM.
    pub fn same_vm(&self, other: &HostHandle) -> bool {
        Rc::ptr_eq(&self.table, &other.table)
    }

    /// Whether the handle was made by `vm`.
    pub fn belongs_to(&self, vm: &Vm) -> bool {
        Rc::ptr_eq(&self.table, &vm.agent.handles.host)
    }
}

impl Clone for HostHandle {
    fn clone(&self) -> HostHandle {
        let root = self.root();
        let index = self.table.borrow_mut().take(root);
        HostHandle {
            table: self.table.clone(),
            index,
        }
    }
}

impl Drop for HostHandle {
    fn drop(&mut self) {
        // The table is never borrowed while host code runs; if it were, keeping the slot
        // (a leak) is the safe way out.
        if let Ok(mut t) = self.table.try_borrow_mut() {
            t.slots[self.index as usize] = HostRoot::Free;
            t.free.push(self.index);
        }
    }
}

impl std::fmt::Debug for HostHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HostHandle({}: {:?})", self.index, self.root())
    }
}

impl Vm {
    /// Runs `f` in a new handle scope: what `f` roots with [`Vm::root`] stays rooted until `f`
    /// returns, whatever it returns.
    #[inline]
    pub fn handle_scope<R>(&mut self, f: impl FnOnce(&mut Vm) -> R) -> R {
        let mark = self.agent.handles.scoped.len();
        let keys_mark = self.agent.handles.keys.len();
        self.agent.handles.depth += 1;
        let result = f(self);
        self.agent.handles.depth -= 1;
        self.agent.handles.scoped.truncate(mark);
        self.agent.handles.keys.truncate(keys_mark);
        result
    }

    /// Keeps `v` alive until the innermost open handle scope ends.
    #[inline]
    pub fn root(&mut self, v: Value) {
        debug_assert!(
            self.agent.handles.depth > 0,
            "Vm::root outside a handle scope"
        );
        self.agent.handles.scoped.push(v);
    }

    /// [`Vm::root`] for each of `values`.
    #[inline]
    pub fn root_all(&mut self, values: &[Value]) {
        debug_assert!(
            self.agent.handles.depth > 0,
            "Vm::root_all outside a handle scope"
        );
        self.agent.handles.scoped.extend_from_slice(values);
    }

    /// Keeps `key`'s atom (or symbol) alive until the innermost open handle scope ends: for a
    /// key held across a call that may collect, when nothing else may keep it (a key made from
    /// a string or number, or one an object may lose meanwhile).
    #[inline]
    pub fn root_key(&mut self, key: PropertyKey) {
        debug_assert!(
            self.agent.handles.depth > 0,
            "Vm::root_key outside a handle scope"
        );
        if !matches!(key, PropertyKey::Index(_)) {
            self.agent.handles.keys.push(key);
        }
    }

    /// [`Vm::root_key`] for each of `keys`.
    pub fn root_keys(&mut self, keys: &[PropertyKey]) {
        debug_assert!(
            self.agent.handles.depth > 0,
            "Vm::root_keys outside a handle scope"
        );
        self.agent.handles.keys.extend_from_slice(keys);
    }

    /// Runs `f` in a new handle scope with `roots` rooted.
    #[inline]
    pub fn with_roots<R>(&mut self, roots: &[Value], f: impl FnOnce(&mut Vm) -> R) -> R {
        self.handle_scope(|vm| {
            vm.agent.handles.scoped.extend_from_slice(roots);
            f(vm)
        })
    }

    /// Keeps `v` alive for as long as the VM lives: for values a host holds outside any call
    /// (`Runtime::keep`). Nothing releases it.
    pub fn root_for_life(&mut self, v: Value) {
        self.agent.handles.permanent.push(v);
    }

    /// A handle keeping `root` alive until it is dropped (`kiln::Persistent`,
    /// `kiln::Context`).
    pub fn host_handle(&self, root: HostRoot) -> HostHandle {
        let table = self.agent.handles.host.clone();
        let index = table.borrow_mut().take(root);
        HostHandle { table, index }
    }

    /// How many host handles are alive.
    pub fn host_handle_count(&self) -> usize {
        self.agent.handles.host.try_borrow().map_or(0, |t| t.len())
    }

    /// Whether a handle scope is open (where [`Vm::root`] may be called).
    pub fn in_handle_scope(&self) -> bool {
        self.agent.handles.depth > 0
    }
}
