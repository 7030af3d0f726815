//! 24.3 WeakMap, 24.4 WeakSet, 26.1 WeakRef and 26.2 FinalizationRegistry objects.
//!
//! The objects hold their keys and targets weakly; the collector (`Heap::collect`) drops dead
//! entries, clears dead WeakRefs and moves dead registry cells to their registry's `pending`
//! list, for which the VM queues cleanup jobs.

use super::arg;
use crate::heap::ObjRef;
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
use crate::slots::{Registry, RegistryCell, WeakData};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let tag = vm.agent.symbols.to_string_tag;
    let requires_new = super::requires_new;

    let weak_map_proto = vm.new_plain_object(op);
    vm.make_constructor(
        "WeakMap",
        0,
        requires_new,
        Some(weak_map_construct),
        weak_map_proto,
    );
    for (name, len, f) in [
        ("delete", 1, weak_map_delete as crate::object::NativeFn),
        ("get", 1, weak_map_get),
        ("has", 1, weak_map_has),
        ("set", 2, weak_map_set),
        ("getOrInsert", 2, weak_map_get_or_insert),
        ("getOrInsertComputed", 2, weak_map_get_or_insert_computed),
    ] {
        vm.define_method(weak_map_proto, name, len, f);
    }
    let t = vm.string("WeakMap");
    vm.define_data(
        weak_map_proto,
        PropertyKey::Symbol(tag),
        t,
        attrs::CONFIGURABLE,
    );

    let weak_set_proto = vm.new_plain_object(op);
    vm.make_constructor(
        "WeakSet",
        0,
        requires_new,
        Some(weak_set_construct),
        weak_set_proto,
    );
    for (name, len, f) in [
        ("add", 1, weak_set_add as crate::object::NativeFn),
        ("delete", 1, weak_set_delete),
        ("has", 1, weak_set_has),
    ] {
        vm.define_method(weak_set_proto, name, len, f);
    }
    let t = vm.string("WeakSet");
    vm.define_data(
        weak_set_proto,
        PropertyKey::Symbol(tag),
        t,
        attrs::CONFIGURABLE,
    );

    let weak_ref_proto = vm.new_plain_object(op);
    vm.make_constructor(
        "WeakRef",
        1,
        requires_new,
        Some(weak_ref_construct),
        weak_ref_proto,
    );
    vm.define_method(weak_ref_proto, "deref", 0, weak_ref_deref);
    let t = vm.string("WeakRef");
    vm.define_data(
        weak_ref_proto,
        PropertyKey::Symbol(tag),
        t,
        attrs::CONFIGURABLE,
    );

    let registry_proto = vm.new_plain_object(op);
    vm.make_constructor(
        "FinalizationRegistry",
        1,
        requires_new,
        Some(registry_construct),
        registry_proto,
    );
    vm.define_method(registry_proto, "register", 2, registry_register);
    vm.define_method(registry_proto, "unregister", 1, registry_unregister);
    let t = vm.string("FinalizationRegistry");
    vm.define_data(
        registry_proto,
        PropertyKey::Symbol(tag),
        t,
        attrs::CONFIGURABLE,
    );

    let realm = vm.stack.realm as usize;
    let r = &mut vm.realms[realm];
    r.weak_map_prototype = weak_map_proto;
    r.weak_set_prototype = weak_set_proto;
    r.weak_ref_prototype = weak_ref_proto;
    r.finalization_registry_prototype = registry_proto;
}

/// 9.13 CanBeHeldWeakly ( v ): objects and symbols not in the global symbol registry.
pub fn can_be_held_weakly(vm: &Vm, v: Value) -> bool {
    if v.is_object() {
        return true;
    }
    match v.as_symbol() {
        Some(s) => !vm.agent.symbol_registry.values().any(|&r| r == s),
        None => false,
    }
}

fn weak_data(vm: &mut Vm, o: ObjRef) -> &mut WeakData {
    match &mut vm.obj_mut(o).kind {
        ObjectKind::WeakMap(d) | ObjectKind::WeakSet(d) => d,
        _ => unreachable!("checked by this_weak"),
    }
}

fn this_weak(vm: &mut Vm, this: Value, set: bool, method: &str) -> JsResult<ObjRef> {
    if let Some(o) = this.as_object() {
        match vm.obj(o).kind {
            ObjectKind::WeakMap(_) if !set => return Ok(o),
            ObjectKind::WeakSet(_) if set => return Ok(o),
            _ => {}
        }
    }
    let class = if set { "WeakSet" } else { "WeakMap" };
    Err(vm.type_error(&format!(
        "Method {class}.prototype.{method} called on incompatible receiver"
    )))
}

fn invalid_key(vm: &mut Vm, what: &str, v: Value) -> crate::vm::JsError {
    let d = vm.describe(v);
    vm.type_error(&format!("Invalid value used {what}: {d}"))
}

/// 24.3.1.1 WeakMap ( [ iterable ] )
fn weak_map_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.weak_map_prototype)?;
    let m = vm.alloc(Object::new(
        Some(proto),
        ObjectKind::WeakMap(Box::default()),
    ));
    let iterable = arg(args, 0);
    if iterable.is_nullish() {
        return Ok(m.value());
    }
    vm.root(m.value());
    let sk = vm.key("set");
    let adder = vm.get(m, sk, m.value())?;
    if !vm.is_callable(adder) {
        return Err(vm.type_error("WeakMap.prototype.set is not a function"));
    }
    super::map::add_entries_from_iterable(vm, m.value(), iterable, adder)?;
    Ok(m.value())
}

/// 24.3.3.2 WeakMap.prototype.delete ( key )
fn weak_map_delete(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let m = this_weak(vm, this, false, "delete")?;
    let key = arg(args, 0);
    let removed = weak_data(vm, m).entries.remove(&key.to_bits()).is_some();
    Ok(Value::boolean(removed))
}

/// 24.3.3.3 WeakMap.prototype.get ( key )
fn weak_map_get(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let m = this_weak(vm, this, false, "get")?;
    let key = arg(args, 0);
    Ok(weak_data(vm, m)
        .entries
        .get(&key.to_bits())
        .map_or(Value::UNDEFINED, |&(_, v)| v))
}

/// 24.3.3.4 WeakMap.prototype.has ( key )
fn weak_map_has(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let m = this_weak(vm, this, false, "has")?;
    let key = arg(args, 0);
    Ok(Value::boolean(
        weak_data(vm, m).entries.contains_key(&key.to_bits()),
    ))
}

/// 24.3.3.5 WeakMap.prototype.set ( key, value )
fn weak_map_set(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let m = this_weak(vm, this, false, "set")?;
    let key = arg(args, 0);
    if !can_be_held_weakly(vm, key) {
        return Err(invalid_key(vm, "as weak map key", key));
    }
    weak_data(vm, m)
        .entries
        .insert(key.to_bits(), (key, arg(args, 1)));
    Ok(this)
}

/// WeakMap.prototype.getOrInsert ( key, value ) (the upsert proposal)
fn weak_map_get_or_insert(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let m = this_weak(vm, this, false, "getOrInsert")?;
    let key = arg(args, 0);
    if !can_be_held_weakly(vm, key) {
        return Err(invalid_key(vm, "as weak map key", key));
    }
    let entry = weak_data(vm, m)
        .entries
        .entry(key.to_bits())
        .or_insert((key, arg(args, 1)));
    Ok(entry.1)
}

/// WeakMap.prototype.getOrInsertComputed ( key, callbackfn ) (the upsert proposal)
fn weak_map_get_or_insert_computed(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let m = this_weak(vm, this, false, "getOrInsertComputed")?;
    let key = arg(args, 0);
    if !can_be_held_weakly(vm, key) {
        return Err(invalid_key(vm, "as weak map key", key));
    }
    let callback = arg(args, 1);
    if !vm.is_callable(callback) {
        return Err(
            vm.type_error("WeakMap.prototype.getOrInsertComputed: callback is not a function")
        );
    }
    if let Some(&(_, v)) = weak_data(vm, m).entries.get(&key.to_bits()) {
        return Ok(v);
    }
    let value = vm.call(callback, Value::UNDEFINED, &[key])?;
    weak_data(vm, m).entries.insert(key.to_bits(), (key, value));
    Ok(value)
}

/// 24.4.1.1 WeakSet ( [ iterable ] )
fn weak_set_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.weak_set_prototype)?;
    let s = vm.alloc(Object::new(
        Some(proto),
        ObjectKind::WeakSet(Box::default()),
    ));
    let iterable = arg(args, 0);
    if iterable.is_nullish() {
        return Ok(s.value());
    }
    vm.root(s.value());
    let ak = vm.key("add");
    let adder = vm.get(s, ak, s.value())?;
    if !vm.is_callable(adder) {
        return Err(vm.type_error("WeakSet.prototype.add is not a function"));
    }
    super::set::add_values_from_iterable(vm, s.value(), iterable, adder)?;
    Ok(s.value())
}

/// 24.4.3.1 WeakSet.prototype.add ( value )
fn weak_set_add(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_weak(vm, this, true, "add")?;
    let v = arg(args, 0);
    if !can_be_held_weakly(vm, v) {
        return Err(invalid_key(vm, "in weak set", v));
    }
    weak_data(vm, s).entries.insert(v.to_bits(), (v, v));
    Ok(this)
}

/// 24.4.3.3 WeakSet.prototype.delete ( value )
fn weak_set_delete(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_weak(vm, this, true, "delete")?;
    let v = arg(args, 0);
    Ok(Value::boolean(
        weak_data(vm, s).entries.remove(&v.to_bits()).is_some(),
    ))
}

/// 24.4.3.4 WeakSet.prototype.has ( value )
fn weak_set_has(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_weak(vm, this, true, "has")?;
    let v = arg(args, 0);
    Ok(Value::boolean(
        weak_data(vm, s).entries.contains_key(&v.to_bits()),
    ))
}

/// 26.1.1.1 WeakRef ( target )
fn weak_ref_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let target = arg(args, 0);
    if !can_be_held_weakly(vm, target) {
        return Err(invalid_key(vm, "as WeakRef target", target));
    }
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.weak_ref_prototype)?;
    vm.agent.kept_alive.push(target);
    Ok(vm
        .alloc(Object::new(Some(proto), ObjectKind::WeakRef(target)))
        .value())
}

/// 26.1.3.2 WeakRef.prototype.deref ( )
fn weak_ref_deref(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    if let Some(o) = this.as_object()
        && let ObjectKind::WeakRef(target) = vm.obj(o).kind
    {
        if !target.is_undefined() {
            vm.agent.kept_alive.push(target);
        }
        return Ok(target);
    }
    Err(vm.type_error("Method WeakRef.prototype.deref called on incompatible receiver"))
}

fn this_registry(vm: &mut Vm, this: Value, method: &str) -> JsResult<ObjRef> {
    if let Some(o) = this.as_object()
        && let ObjectKind::FinalizationRegistry(_) = vm.obj(o).kind
    {
        return Ok(o);
    }
    Err(vm.type_error(&format!(
        "Method FinalizationRegistry.prototype.{method} called on incompatible receiver"
    )))
}

fn registry(vm: &mut Vm, o: ObjRef) -> &mut Registry {
    match &mut vm.obj_mut(o).kind {
        ObjectKind::FinalizationRegistry(r) => r,
        _ => unreachable!("checked by this_registry"),
    }
}

/// 26.2.1.1 FinalizationRegistry ( cleanupCallback )
fn registry_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let cleanup = arg(args, 0);
    if !vm.is_callable(cleanup) {
        return Err(vm.type_error("FinalizationRegistry: cleanup must be callable"));
    }
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.finalization_registry_prototype)?;
    Ok(vm
        .alloc(Object::new(
            Some(proto),
            ObjectKind::FinalizationRegistry(Box::new(Registry {
                cleanup,
                cells: Vec::new(),
                pending: Vec::new(),
            })),
        ))
        .value())
}

/// 26.2.3.2 FinalizationRegistry.prototype.register ( target, heldValue [ , unregisterToken ] )
fn registry_register(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let r = this_registry(vm, this, "register")?;
    let (target, held, token) = (arg(args, 0), arg(args, 1), arg(args, 2));
    if !can_be_held_weakly(vm, target) {
        return Err(invalid_key(vm, "as a FinalizationRegistry target", target));
    }
    if target == held {
        return Err(vm.type_error("The target and the held value must not be the same"));
    }
    let token = if token.is_undefined() {
        None
    } else if can_be_held_weakly(vm, token) {
        Some(token)
    } else {
        return Err(invalid_key(vm, "as an unregister token", token));
    };
    registry(vm, r).cells.push(RegistryCell {
        target,
        held,
        token,
    });
    Ok(Value::UNDEFINED)
}

/// 26.2.3.3 FinalizationRegistry.prototype.unregister ( unregisterToken )
fn registry_unregister(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let r = this_registry(vm, this, "unregister")?;
    let token = arg(args, 0);
    if !can_be_held_weakly(vm, token) {
        return Err(invalid_key(vm, "as an unregister token", token));
    }
    let cells = &mut registry(vm, r).cells;
    let before = cells.len();
    cells.retain(|c| c.token != Some(token));
    Ok(Value::boolean(cells.len() != before))
}

impl Vm {
    /// Queues a cleanup job per dead cell of the registries the last collection found
    /// (HostEnqueueFinalizationRegistryCleanupJob).
    pub(crate) fn queue_finalization_cleanups(&mut self) {
        for r in std::mem::take(&mut self.agent.heap.finalization_pending) {
            let (cleanup, held) = match &mut self.obj_mut(r).kind {
                ObjectKind::FinalizationRegistry(registry) => {
                    (registry.cleanup, std::mem::take(&mut registry.pending))
                }
                _ => continue,
            };
            for value in held {
                self.agent
                    .jobs
                    .push_back(crate::agent::Job::Callback(cleanup, vec![value]));
            }
        }
    }
}
