//! Contexts: realms made for a host (`node:vm`'s `vm.createContext`). A context may be backed by
//! a sandbox object — a contextified object — whose properties the context's global object
//! forwards to, both ways: a global lookup finds the sandbox's property first, an assignment or a
//! `var`/function declaration lands on the sandbox, `delete` removes it there, and the global's
//! keys are the sandbox's keys followed by its own (the built-ins).
//!
//! Unlike Node, a lookup does not reach the built-in prototypes behind the sandbox: the outer
//! realm's `constructor`, `hasOwnProperty`, `push`, `getTime` and friends would hand the context
//! the outer `Function` (the classic `this.constructor.constructor('return process')()` escape,
//! which Node allows for every sandbox but a null-prototype one). The walk stops at the first
//! built-in prototype — a realm's %Object.prototype%, or any prototype whose own `constructor`
//! is a built-in function (%Array.prototype%, %Map.prototype%, %Date.prototype%,
//! %Error.prototype%, …) — and takes `constructor` only from the sandbox itself, never from a
//! prototype (a class instance's `constructor` is the outer class, whose own `constructor` is the
//! outer `Function`). A proxy sandbox is walked the same way, through its
//! `getOwnPropertyDescriptor` and `getPrototypeOf` traps. Properties on other prototypes of the
//! sandbox (a class instance's methods) are found: functions the host hands in, as own
//! properties or methods, carry the host's realm, as in Node.

use crate::heap::ObjRef;
use crate::object::{ObjectKind, Property, PropertyKey, Slot, attrs};
use crate::property::Descriptor;
use crate::value::Value;
use crate::vm::{JsResult, Vm};

impl Vm {
    /// A new realm whose global object forwards to `sandbox`; returns the realm. It is built
    /// when code first runs in it (`realm::materialise`): until then it holds no object.
    pub fn create_sandboxed_realm(&mut self, sandbox: ObjRef) -> u32 {
        let realm = crate::realm::create_pending(self);
        self.realms[realm as usize].sandbox = Some(sandbox);
        self.realms.contexts.insert(sandbox.0, realm);
        realm
    }

    /// A new realm whose ordinary global object is its context object (`DONT_CONTEXTIFY`).
    pub fn create_plain_context(&mut self) -> u32 {
        let realm = self.create_realm();
        let global = self.realms[realm as usize].global_object;
        self.realms.contexts.insert(global.0, realm);
        realm
    }

    /// The realm `o` is the context object of (a sandbox, or a `DONT_CONTEXTIFY` global).
    pub fn context_realm(&self, o: ObjRef) -> Option<u32> {
        self.realms.contexts.get(&o.0).copied()
    }

    /// HostEnsureCanCompileStrings: an EvalError when the current realm forbids compiling
    /// strings (`codeGeneration: { strings: false }`).
    pub fn ensure_can_compile_strings(&mut self) -> JsResult<()> {
        if self.intrinsics().code_generation_strings {
            return Ok(());
        }
        Err(self.throw_error(
            "EvalError",
            "Code generation from strings disallowed for this context",
        ))
    }
}

/// The sandbox behind `o`, when `o` is a sandboxed global object.
pub fn sandbox_of(vm: &Vm, o: ObjRef) -> Option<ObjRef> {
    match vm.obj(o).kind {
        ObjectKind::SandboxGlobal(sandbox) => Some(sandbox),
        _ => None,
    }
}

/// A value read through the sandboxed `global` from its `sandbox`: the sandbox itself reads as
/// the global, so `ctx.window = ctx` makes `window === this` inside the context (Node's named
/// property interceptor maps the sandbox to the global proxy). Only reads do: a property
/// descriptor shows the sandbox as it is, as in Node.
pub fn sandbox_to_global(sandbox: ObjRef, global: ObjRef, v: Value) -> Value {
    if v == sandbox.value() {
        global.value()
    } else {
        v
    }
}

fn is_object_prototype(vm: &Vm, o: ObjRef) -> bool {
    vm.realms.list.iter().any(|r| r.object_prototype == o)
}

/// Whether a sandbox lookup stops at the prototype `o`: a realm's %Object.prototype%, or another
/// built-in prototype, known by its own `constructor` being a built-in function.
fn is_builtin_prototype(vm: &mut Vm, o: ObjRef) -> bool {
    if is_object_prototype(vm, o) {
        return true;
    }
    if vm.proxy_parts(o).is_some() {
        return false;
    }
    let constructor = PropertyKey::String(vm.agent.names.constructor);
    matches!(
        vm.own_property_raw(o, constructor),
        Some(Property { slot: Slot::Data(c), .. })
            if c.as_object().is_some_and(|c| matches!(vm.obj(c).kind, ObjectKind::Native(_)))
    )
}

/// Whether a lookup of `key` finds it on the sandbox: its own properties, then its prototypes
/// short of the first built-in one, `constructor` only as the sandbox's own (see the module
/// comment).
pub fn sandbox_has(vm: &mut Vm, sandbox: ObjRef, key: PropertyKey) -> JsResult<bool> {
    // A sandbox can itself be a sandboxed global: each forwarding is a level of recursion.
    vm.check_native_stack()?;
    let constructor = PropertyKey::String(vm.agent.names.constructor);
    let mut cur = Some(sandbox);
    let mut steps = 0;
    while let Some(o) = cur {
        let stop = if steps == 0 {
            is_object_prototype(vm, o)
        } else {
            key == constructor || is_builtin_prototype(vm, o)
        };
        if stop || steps > 10_000 {
            return Ok(false);
        }
        if vm.get_own_property(o, key)?.is_some() {
            return Ok(true);
        }
        cur = vm.get_prototype_of(o)?;
        steps += 1;
    }
    Ok(false)
}

/// \[\[Set\]\] on a sandboxed global: refused when the global's own property is read-only,
/// otherwise an assignment to the sandbox.
pub fn set(
    vm: &mut Vm,
    sandbox: ObjRef,
    global: ObjRef,
    key: PropertyKey,
    value: Value,
) -> JsResult<bool> {
    // A sandbox can itself be a sandboxed global: each forwarding is a level of recursion.
    vm.check_native_stack()?;
    if vm.get_own_property(sandbox, key)?.is_none()
        && let Some(Property {
            slot: Slot::Data(_),
            attrs: a,
        }) = vm.own_property_raw(global, key)
        && a & attrs::WRITABLE == 0
    {
        return Ok(false);
    }
    vm.set(sandbox, key, value, sandbox.value())
}

/// \[\[DefineOwnProperty\]\] on a sandboxed global: declarations and `defineProperty` land on the
/// sandbox, except where the global already has a non-configurable property of its own (the
/// built-in `undefined`, `NaN`, `Infinity`).
pub fn define(
    vm: &mut Vm,
    sandbox: ObjRef,
    global: ObjRef,
    key: PropertyKey,
    desc: Descriptor,
) -> JsResult<Option<bool>> {
    // A sandbox can itself be a sandboxed global: each forwarding is a level of recursion.
    vm.check_native_stack()?;
    if let Some(p) = vm.own_property_raw(global, key)
        && p.attrs & attrs::CONFIGURABLE == 0
    {
        return Ok(None);
    }
    vm.define_own_property(sandbox, key, desc).map(Some)
}

/// \[\[OwnPropertyKeys\]\] of a sandboxed global: the sandbox's keys, then the global's others.
pub fn own_keys(vm: &mut Vm, sandbox: ObjRef, own: Vec<PropertyKey>) -> JsResult<Vec<PropertyKey>> {
    // A sandbox can itself be a sandboxed global: each forwarding is a level of recursion.
    vm.check_native_stack()?;
    let mut keys = vm.own_property_keys(sandbox)?;
    for k in own {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    Ok(keys)
}
