//! 28.1 The Reflect object.

use super::arg;
use crate::abstract_ops::{objects, property_descriptors};
use crate::object::{PropertyKey, attrs};
use crate::property::Descriptor;
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let reflect = vm.new_plain_object(op);
    vm.define_global("Reflect", reflect.value());
    let tag = vm.agent.symbols.to_string_tag;
    let t = vm.string("Reflect");
    vm.define_data(reflect, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    let methods: &[(&str, u32, crate::object::NativeFn)] = &[
        ("apply", 3, apply),
        ("construct", 2, construct),
        ("defineProperty", 3, define_property),
        ("deleteProperty", 2, delete_property),
        ("get", 2, get),
        ("getOwnPropertyDescriptor", 2, get_own_property_descriptor),
        ("getPrototypeOf", 1, get_prototype_of),
        ("has", 2, has),
        ("isExtensible", 1, is_extensible),
        ("ownKeys", 1, own_keys),
        ("preventExtensions", 1, prevent_extensions),
        ("set", 3, set),
        ("setPrototypeOf", 2, set_prototype_of),
    ];
    for (name, length, f) in methods {
        vm.define_method(reflect, name, *length, *f);
    }
}

fn target(vm: &mut Vm, v: Value, method: &str) -> JsResult<crate::heap::ObjRef> {
    match v.as_object() {
        Some(o) => Ok(o),
        None => Err(vm.type_error(&format!("Reflect.{method} called on non-object"))),
    }
}

fn apply(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let f = arg(args, 0);
    if !vm.is_callable(f) {
        return Err(vm.type_error("Reflect.apply target is not callable"));
    }
    let list = objects::create_list_from_array_like(vm, arg(args, 2))?;
    vm.call(f, arg(args, 1), &list)
}

fn construct(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let f = arg(args, 0);
    if !vm.is_constructor(f) {
        return Err(vm.type_error("Reflect.construct target is not a constructor"));
    }
    let nt = if args.len() > 2 { args[2] } else { f };
    if !vm.is_constructor(nt) {
        return Err(vm.type_error("Reflect.construct newTarget is not a constructor"));
    }
    let list = objects::create_list_from_array_like(vm, arg(args, 1))?;
    vm.construct(f, &list, nt)
}

fn define_property(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = target(vm, arg(args, 0), "defineProperty")?;
    let key = vm.to_property_key(arg(args, 1))?;
    // The descriptor's getters run before the key is used.
    vm.root_key(key);
    let d: Descriptor = property_descriptors::to_property_descriptor(vm, arg(args, 2))?;
    Ok(Value::boolean(vm.define_own_property(o, key, d)?))
}

fn delete_property(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = target(vm, arg(args, 0), "deleteProperty")?;
    let key = vm.to_property_key(arg(args, 1))?;
    Ok(Value::boolean(vm.delete(o, key)?))
}

fn get(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = target(vm, arg(args, 0), "get")?;
    let key = vm.to_property_key(arg(args, 1))?;
    let receiver = if args.len() > 2 { args[2] } else { o.value() };
    vm.get(o, key, receiver)
}

fn get_own_property_descriptor(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = target(vm, arg(args, 0), "getOwnPropertyDescriptor")?;
    let key = vm.to_property_key(arg(args, 1))?;
    let p = vm.get_own_property(o, key)?;
    let d = p.map(|p| Descriptor::from_property(&p));
    Ok(property_descriptors::from_property_descriptor(vm, d))
}

fn get_prototype_of(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = target(vm, arg(args, 0), "getPrototypeOf")?;
    Ok(vm.get_prototype_of(o)?.map_or(Value::NULL, |p| p.value()))
}

fn has(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = target(vm, arg(args, 0), "has")?;
    let key = vm.to_property_key(arg(args, 1))?;
    Ok(Value::boolean(vm.has_property(o, key)?))
}

fn is_extensible(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = target(vm, arg(args, 0), "isExtensible")?;
    Ok(Value::boolean(vm.is_extensible(o)?))
}

fn own_keys(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = target(vm, arg(args, 0), "ownKeys")?;
    let keys = vm.own_property_keys(o)?;
    let values: Vec<Value> = keys.into_iter().map(|k| vm.key_value(k)).collect();
    Ok(vm.new_array(values).value())
}

fn prevent_extensions(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = target(vm, arg(args, 0), "preventExtensions")?;
    Ok(Value::boolean(vm.prevent_extensions(o)?))
}

fn set(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = target(vm, arg(args, 0), "set")?;
    let key = vm.to_property_key(arg(args, 1))?;
    let receiver = if args.len() > 3 { args[3] } else { o.value() };
    Ok(Value::boolean(vm.set(o, key, arg(args, 2), receiver)?))
}

fn set_prototype_of(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = target(vm, arg(args, 0), "setPrototypeOf")?;
    let proto = arg(args, 1);
    if !(proto.is_object() || proto.is_null()) {
        return Err(vm.type_error("Object prototype may only be an Object or null"));
    }
    Ok(Value::boolean(vm.set_prototype_of(o, proto.as_object())?))
}
