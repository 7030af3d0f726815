//! 10.5 Proxy object internal methods: each looks up its trap on the handler, calls it, and
//! checks the result against the target's invariants. The `Proxy` constructor and
//! `Proxy.revocable` are in `builtins/proxy.rs`.

use crate::abstract_ops::{objects, property_descriptors, type_conversion};
use crate::heap::ObjRef;
use crate::object::{Property, PropertyKey, attrs};
use crate::property::Descriptor;
use crate::value::Value;
use crate::vm::{JsResult, Vm};

/// The target, the handler and the trap `name` (undefined when the handler has none).
///
/// Every internal method of a proxy starts here, and each one forwards to its target's, so a
/// chain of proxies recurses once per link: the native-stack guard sits here, once for all.
fn trap(vm: &mut Vm, proxy: ObjRef, name: &str) -> JsResult<(ObjRef, ObjRef, Value)> {
    vm.check_native_stack()?;
    let (target, handler) = vm.proxy_parts(proxy).unwrap_or((None, None));
    let (Some(t), Some(h)) = (target, handler) else {
        return Err(vm.type_error(&format!(
            "Cannot perform '{name}' on a proxy that has been revoked"
        )));
    };
    // A trap may revoke the proxy, leaving the target and handler only here.
    vm.root(t.value());
    vm.root(h.value());
    let key = vm.key(name);
    let f = vm.get_method(h.value(), key)?;
    Ok((t, h, f))
}

// Each internal method runs in a handle scope of its own, where `trap` roots the target and
// the handler and the method roots its key: a trap runs JavaScript, which may revoke the proxy
// or drop the last other reference to the key's atom, before the method checks the target.

pub fn get_prototype_of(vm: &mut Vm, p: ObjRef) -> JsResult<Option<ObjRef>> {
    vm.handle_scope(|vm| get_prototype_of_trapped(vm, p))
}

fn get_prototype_of_trapped(vm: &mut Vm, p: ObjRef) -> JsResult<Option<ObjRef>> {
    let (t, h, f) = trap(vm, p, "getPrototypeOf")?;
    if f.is_undefined() {
        return vm.get_prototype_of(t);
    }
    let r = vm.call(f, h.value(), &[t.value()])?;
    if !(r.is_object() || r.is_null()) {
        return Err(
            vm.type_error("'getPrototypeOf' on proxy: trap returned neither object nor null")
        );
    }
    if !vm.is_extensible(t)? {
        let tp = vm.get_prototype_of(t)?;
        if tp != r.as_object() {
            return Err(vm.type_error("'getPrototypeOf' on proxy: proxy target is non-extensible but the trap did not return its actual prototype"));
        }
    }
    Ok(r.as_object())
}

pub fn set_prototype_of(vm: &mut Vm, p: ObjRef, proto: Option<ObjRef>) -> JsResult<bool> {
    vm.handle_scope(|vm| set_prototype_of_trapped(vm, p, proto))
}

fn set_prototype_of_trapped(vm: &mut Vm, p: ObjRef, proto: Option<ObjRef>) -> JsResult<bool> {
    let (t, h, f) = trap(vm, p, "setPrototypeOf")?;
    if f.is_undefined() {
        return vm.set_prototype_of(t, proto);
    }
    let pv = proto.map_or(Value::NULL, |o| o.value());
    let r = vm.call(f, h.value(), &[t.value(), pv])?;
    if !vm.to_boolean(r) {
        return Ok(false);
    }
    if !vm.is_extensible(t)? && vm.get_prototype_of(t)? != proto {
        return Err(vm.type_error("'setPrototypeOf' on proxy: trap returned truish for setting a new prototype on the non-extensible proxy target"));
    }
    Ok(true)
}

pub fn is_extensible(vm: &mut Vm, p: ObjRef) -> JsResult<bool> {
    vm.handle_scope(|vm| is_extensible_trapped(vm, p))
}

fn is_extensible_trapped(vm: &mut Vm, p: ObjRef) -> JsResult<bool> {
    let (t, h, f) = trap(vm, p, "isExtensible")?;
    if f.is_undefined() {
        return vm.is_extensible(t);
    }
    let r = vm.call(f, h.value(), &[t.value()])?;
    let r = vm.to_boolean(r);
    if r != vm.is_extensible(t)? {
        return Err(vm.type_error(
            "'isExtensible' on proxy: trap result does not reflect extensibility of proxy target",
        ));
    }
    Ok(r)
}

pub fn prevent_extensions(vm: &mut Vm, p: ObjRef) -> JsResult<bool> {
    vm.handle_scope(|vm| prevent_extensions_trapped(vm, p))
}

fn prevent_extensions_trapped(vm: &mut Vm, p: ObjRef) -> JsResult<bool> {
    let (t, h, f) = trap(vm, p, "preventExtensions")?;
    if f.is_undefined() {
        return vm.prevent_extensions(t);
    }
    let r = vm.call(f, h.value(), &[t.value()])?;
    let r = vm.to_boolean(r);
    if r && vm.is_extensible(t)? {
        return Err(vm.type_error(
            "'preventExtensions' on proxy: trap returned truish but the proxy target is extensible",
        ));
    }
    Ok(r)
}

/// 10.5.5 \[\[GetOwnProperty\]\]
pub fn get_own_property(vm: &mut Vm, p: ObjRef, key: PropertyKey) -> JsResult<Option<Property>> {
    vm.handle_scope(|vm| {
        vm.root_key(key);
        get_own_property_trapped(vm, p, key)
    })
}

fn get_own_property_trapped(
    vm: &mut Vm,
    p: ObjRef,
    key: PropertyKey,
) -> JsResult<Option<Property>> {
    let (t, h, f) = trap(vm, p, "getOwnPropertyDescriptor")?;
    if f.is_undefined() {
        return vm.get_own_property(t, key);
    }
    let k = vm.key_value(key);
    let r = vm.call(f, h.value(), &[t.value(), k])?;
    if !(r.is_object() || r.is_undefined()) {
        return Err(vm.type_error(
            "'getOwnPropertyDescriptor' on proxy: trap returned neither object nor undefined",
        ));
    }
    let target_desc = vm.get_own_property(t, key)?;
    if r.is_undefined() {
        let Some(td) = target_desc else {
            return Ok(None);
        };
        if td.attrs & attrs::CONFIGURABLE == 0 {
            return Err(vm.type_error("'getOwnPropertyDescriptor' on proxy: trap returned undefined for a non-configurable property"));
        }
        if !vm.is_extensible(t)? {
            return Err(vm.type_error("'getOwnPropertyDescriptor' on proxy: trap returned undefined for a property of a non-extensible target"));
        }
        return Ok(None);
    }
    let extensible = vm.is_extensible(t)?;
    let mut d = property_descriptors::to_property_descriptor(vm, r)?;
    // CompletePropertyDescriptor
    if !d.is_accessor() {
        d.value.get_or_insert(Value::UNDEFINED);
        d.writable.get_or_insert(false);
    } else {
        d.get.get_or_insert(Value::UNDEFINED);
        d.set.get_or_insert(Value::UNDEFINED);
    }
    d.enumerable.get_or_insert(false);
    d.configurable.get_or_insert(false);
    if !vm.validate_and_apply(None, key, extensible, d, target_desc)? {
        return Err(vm.type_error(
            "'getOwnPropertyDescriptor' on proxy: trap returned an incompatible descriptor",
        ));
    }
    if d.configurable == Some(false) {
        match target_desc {
            None => return Err(vm.type_error("'getOwnPropertyDescriptor' on proxy: trap reported non-configurability for a missing property")),
            Some(td) if td.attrs & attrs::CONFIGURABLE != 0 => {
                return Err(vm.type_error("'getOwnPropertyDescriptor' on proxy: trap reported non-configurability for a configurable property"));
            }
            Some(td) => {
                if d.writable == Some(false) && !td.is_accessor() && td.attrs & attrs::WRITABLE != 0 {
                    return Err(vm.type_error("'getOwnPropertyDescriptor' on proxy: trap reported non-writable for a writable property"));
                }
            }
        }
    }
    Ok(Some(descriptor_to_property(&d)))
}

fn descriptor_to_property(d: &Descriptor) -> Property {
    let mut a = 0;
    if d.enumerable == Some(true) {
        a |= attrs::ENUMERABLE;
    }
    if d.configurable == Some(true) {
        a |= attrs::CONFIGURABLE;
    }
    if d.is_accessor() {
        Property {
            slot: crate::object::Slot::Accessor {
                get: d.get.unwrap_or(Value::UNDEFINED),
                set: d.set.unwrap_or(Value::UNDEFINED),
            },
            attrs: a | attrs::ACCESSOR,
        }
    } else {
        if d.writable == Some(true) {
            a |= attrs::WRITABLE;
        }
        Property::data(d.value.unwrap_or(Value::UNDEFINED), a)
    }
}

/// 10.5.6 \[\[DefineOwnProperty\]\]
pub fn define_own_property(
    vm: &mut Vm,
    p: ObjRef,
    key: PropertyKey,
    desc: Descriptor,
) -> JsResult<bool> {
    vm.handle_scope(|vm| {
        vm.root_key(key);
        define_own_property_trapped(vm, p, key, desc)
    })
}

fn define_own_property_trapped(
    vm: &mut Vm,
    p: ObjRef,
    key: PropertyKey,
    desc: Descriptor,
) -> JsResult<bool> {
    let (t, h, f) = trap(vm, p, "defineProperty")?;
    if f.is_undefined() {
        return vm.define_own_property(t, key, desc);
    }
    let dv = property_descriptors::from_property_descriptor(vm, Some(desc));
    let k = vm.key_value(key);
    let r = vm.call(f, h.value(), &[t.value(), k, dv])?;
    if !vm.to_boolean(r) {
        return Ok(false);
    }
    let target_desc = vm.get_own_property(t, key)?;
    let extensible = vm.is_extensible(t)?;
    let setting_non_configurable = desc.configurable == Some(false);
    match target_desc {
        None => {
            if !extensible {
                return Err(vm.type_error("'defineProperty' on proxy: trap returned truish for adding a property to a non-extensible target"));
            }
            if setting_non_configurable {
                return Err(vm.type_error("'defineProperty' on proxy: trap returned truish for defining a non-configurable property which does not exist on the target"));
            }
        }
        Some(td) => {
            if !vm.validate_and_apply(None, key, extensible, desc, Some(td))? {
                return Err(vm.type_error(
                    "'defineProperty' on proxy: trap returned truish for an incompatible property",
                ));
            }
            if setting_non_configurable && td.attrs & attrs::CONFIGURABLE != 0 {
                return Err(vm.type_error("'defineProperty' on proxy: trap returned truish for defining a non-configurable property which is configurable on the target"));
            }
            if !td.is_accessor()
                && td.attrs & attrs::CONFIGURABLE == 0
                && td.attrs & attrs::WRITABLE != 0
                && desc.writable == Some(false)
            {
                return Err(vm.type_error("'defineProperty' on proxy: trap returned truish for defining a non-writable property which is writable on the target"));
            }
        }
    }
    Ok(true)
}

pub fn has(vm: &mut Vm, p: ObjRef, key: PropertyKey) -> JsResult<bool> {
    vm.handle_scope(|vm| {
        vm.root_key(key);
        has_trapped(vm, p, key)
    })
}

fn has_trapped(vm: &mut Vm, p: ObjRef, key: PropertyKey) -> JsResult<bool> {
    let (t, h, f) = trap(vm, p, "has")?;
    if f.is_undefined() {
        return vm.has_property(t, key);
    }
    let k = vm.key_value(key);
    let r = vm.call(f, h.value(), &[t.value(), k])?;
    let r = vm.to_boolean(r);
    if !r && let Some(td) = vm.get_own_property(t, key)? {
        if td.attrs & attrs::CONFIGURABLE == 0 {
            return Err(vm.type_error(
                "'has' on proxy: trap returned falsish for a non-configurable property",
            ));
        }
        if !vm.is_extensible(t)? {
            return Err(vm.type_error(
                "'has' on proxy: trap returned falsish for a property of a non-extensible target",
            ));
        }
    }
    Ok(r)
}

pub fn get(vm: &mut Vm, p: ObjRef, key: PropertyKey, receiver: Value) -> JsResult<Value> {
    vm.handle_scope(|vm| {
        vm.root_key(key);
        get_trapped(vm, p, key, receiver)
    })
}

fn get_trapped(vm: &mut Vm, p: ObjRef, key: PropertyKey, receiver: Value) -> JsResult<Value> {
    let (t, h, f) = trap(vm, p, "get")?;
    if f.is_undefined() {
        return vm.get(t, key, receiver);
    }
    let k = vm.key_value(key);
    let v = vm.call(f, h.value(), &[t.value(), k, receiver])?;
    if let Some(td) = vm.get_own_property(t, key)?
        && td.attrs & attrs::CONFIGURABLE == 0
    {
        match td.slot {
            crate::object::Slot::Data(tv)
                if td.attrs & attrs::WRITABLE == 0 && !vm.same_value(v, tv)? =>
            {
                return Err(vm.type_error("'get' on proxy: the value of a non-writable, non-configurable property must be reported as is"));
            }
            crate::object::Slot::Accessor { get, .. }
                if get.is_undefined() && !v.is_undefined() =>
            {
                return Err(vm.type_error("'get' on proxy: a non-configurable accessor without a getter must report undefined"));
            }
            _ => {}
        }
    }
    Ok(v)
}

pub fn set(
    vm: &mut Vm,
    p: ObjRef,
    key: PropertyKey,
    value: Value,
    receiver: Value,
) -> JsResult<bool> {
    vm.handle_scope(|vm| {
        vm.root_key(key);
        set_trapped(vm, p, key, value, receiver)
    })
}

fn set_trapped(
    vm: &mut Vm,
    p: ObjRef,
    key: PropertyKey,
    value: Value,
    receiver: Value,
) -> JsResult<bool> {
    let (t, h, f) = trap(vm, p, "set")?;
    if f.is_undefined() {
        return vm.set(t, key, value, receiver);
    }
    let k = vm.key_value(key);
    let r = vm.call(f, h.value(), &[t.value(), k, value, receiver])?;
    if !vm.to_boolean(r) {
        return Ok(false);
    }
    if let Some(td) = vm.get_own_property(t, key)?
        && td.attrs & attrs::CONFIGURABLE == 0
    {
        match td.slot {
            crate::object::Slot::Data(tv)
                if td.attrs & attrs::WRITABLE == 0 && !vm.same_value(value, tv)? =>
            {
                return Err(vm.type_error("'set' on proxy: trap returned truish for a non-writable, non-configurable property with a different value"));
            }
            crate::object::Slot::Accessor { set, .. } if set.is_undefined() => {
                return Err(vm.type_error("'set' on proxy: trap returned truish for a non-configurable accessor without a setter"));
            }
            _ => {}
        }
    }
    Ok(true)
}

pub fn delete(vm: &mut Vm, p: ObjRef, key: PropertyKey) -> JsResult<bool> {
    vm.handle_scope(|vm| {
        vm.root_key(key);
        delete_trapped(vm, p, key)
    })
}

fn delete_trapped(vm: &mut Vm, p: ObjRef, key: PropertyKey) -> JsResult<bool> {
    let (t, h, f) = trap(vm, p, "deleteProperty")?;
    if f.is_undefined() {
        return vm.delete(t, key);
    }
    let k = vm.key_value(key);
    let r = vm.call(f, h.value(), &[t.value(), k])?;
    if !vm.to_boolean(r) {
        return Ok(false);
    }
    if let Some(td) = vm.get_own_property(t, key)? {
        if td.attrs & attrs::CONFIGURABLE == 0 {
            return Err(vm.type_error(
                "'deleteProperty' on proxy: trap returned truish for a non-configurable property",
            ));
        }
        if !vm.is_extensible(t)? {
            return Err(vm.type_error("'deleteProperty' on proxy: trap returned truish for a property of a non-extensible target"));
        }
    }
    Ok(true)
}

/// 10.5.11 \[\[OwnPropertyKeys\]\]
pub fn own_keys(vm: &mut Vm, p: ObjRef) -> JsResult<Vec<PropertyKey>> {
    vm.handle_scope(|vm| own_keys_trapped(vm, p))
}

fn own_keys_trapped(vm: &mut Vm, p: ObjRef) -> JsResult<Vec<PropertyKey>> {
    let (t, h, f) = trap(vm, p, "ownKeys")?;
    if f.is_undefined() {
        return vm.own_property_keys(t);
    }
    // The trap's result is read through getters and the target's keys through traps: the
    // target (a revoking trap may drop it), the result and the keys gathered are rooted.
    vm.with_roots(&[t.value()], |vm| own_keys_from_trap(vm, t, h, f))
}

fn own_keys_from_trap(vm: &mut Vm, t: ObjRef, h: ObjRef, f: Value) -> JsResult<Vec<PropertyKey>> {
    let r = vm.call(f, h.value(), &[t.value()])?;
    vm.root(r);
    let Some(ro) = r.as_object() else {
        return Err(vm.type_error("'ownKeys' on proxy: trap returned a non-object"));
    };
    let len = objects::length_of_array_like(vm, ro)?;
    let mut keys = Vec::new();
    let mut i = 0.0;
    while i < len {
        let k = type_conversion::index_key(vm, i);
        let v = vm.get(ro, k, r)?;
        if !(v.is_string() || v.as_symbol().is_some()) {
            return Err(vm.type_error(
                "'ownKeys' on proxy: trap result elements must be strings or symbols",
            ));
        }
        let key = vm.to_property_key(v)?;
        if keys.contains(&key) {
            return Err(vm.type_error("'ownKeys' on proxy: trap returned duplicate entries"));
        }
        vm.root_key(key);
        keys.push(key);
        i += 1.0;
    }
    let extensible = vm.is_extensible(t)?;
    let target_keys = vm.own_property_keys(t)?;
    vm.root_keys(&target_keys);
    let mut configurable = Vec::new();
    let mut non_configurable = Vec::new();
    for k in target_keys {
        match vm.get_own_property(t, k)? {
            Some(d) if d.attrs & attrs::CONFIGURABLE == 0 => non_configurable.push(k),
            _ => configurable.push(k),
        }
    }
    if extensible && non_configurable.is_empty() {
        return Ok(keys);
    }
    let mut unchecked = keys.clone();
    for k in non_configurable {
        match unchecked.iter().position(|x| *x == k) {
            Some(i) => {
                unchecked.remove(i);
            }
            None => {
                return Err(vm.type_error(
                    "'ownKeys' on proxy: trap result did not include a non-configurable key",
                ));
            }
        }
    }
    if extensible {
        return Ok(keys);
    }
    for k in configurable {
        match unchecked.iter().position(|x| *x == k) {
            Some(i) => {
                unchecked.remove(i);
            }
            None => return Err(vm.type_error("'ownKeys' on proxy: trap result did not include every key of a non-extensible target")),
        }
    }
    if !unchecked.is_empty() {
        return Err(vm.type_error(
            "'ownKeys' on proxy: trap returned extra keys for a non-extensible target",
        ));
    }
    Ok(keys)
}

pub fn call(vm: &mut Vm, p: ObjRef, this: Value, args: &[Value]) -> JsResult<Value> {
    vm.handle_scope(|vm| call_trapped(vm, p, this, args))
}

fn call_trapped(vm: &mut Vm, p: ObjRef, this: Value, args: &[Value]) -> JsResult<Value> {
    let (t, h, f) = trap(vm, p, "apply")?;
    if f.is_undefined() {
        return vm.call(t.value(), this, args);
    }
    let list = vm.new_array(args.to_vec());
    vm.call(f, h.value(), &[t.value(), this, list.value()])
}

pub fn construct(vm: &mut Vm, p: ObjRef, args: &[Value], new_target: Value) -> JsResult<Value> {
    vm.handle_scope(|vm| construct_trapped(vm, p, args, new_target))
}

fn construct_trapped(vm: &mut Vm, p: ObjRef, args: &[Value], new_target: Value) -> JsResult<Value> {
    let (t, h, f) = trap(vm, p, "construct")?;
    if f.is_undefined() {
        return vm.construct(t.value(), args, new_target);
    }
    let list = vm.new_array(args.to_vec());
    let r = vm.call(f, h.value(), &[t.value(), list.value(), new_target])?;
    if !r.is_object() {
        return Err(vm.type_error("'construct' on proxy: trap returned non-object"));
    }
    Ok(r)
}
