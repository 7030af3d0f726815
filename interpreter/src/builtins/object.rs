//! 20.1 Object objects.

use super::arg;
use crate::abstract_ops::objects::{
    enumerable_own_properties, set_integrity_level, test_integrity_level,
};
use crate::abstract_ops::property_descriptors::{from_property_descriptor, to_property_descriptor};
use crate::abstract_ops::{iterators, objects};
use crate::heap::ObjRef;
use crate::object::{ObjectKind, PropertyKey, attrs};
use crate::property::Descriptor;
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let ctor = vm.make_constructor("Object", 1, object_call, Some(object_construct), op);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].object_constructor = ctor;
    let statics: &[(&str, u32, crate::object::NativeFn)] = &[
        ("assign", 2, assign),
        ("create", 2, create),
        ("defineProperties", 2, define_properties),
        ("defineProperty", 3, define_property),
        ("entries", 1, entries),
        ("freeze", 1, freeze),
        ("fromEntries", 1, from_entries),
        ("getOwnPropertyDescriptor", 2, get_own_property_descriptor),
        ("getOwnPropertyDescriptors", 1, get_own_property_descriptors),
        ("getOwnPropertyNames", 1, get_own_property_names),
        ("getOwnPropertySymbols", 1, get_own_property_symbols),
        ("getPrototypeOf", 1, get_prototype_of),
        ("groupBy", 2, group_by),
        ("hasOwn", 2, has_own),
        ("is", 2, is),
        ("isExtensible", 1, is_extensible),
        ("isFrozen", 1, is_frozen),
        ("isSealed", 1, is_sealed),
        ("keys", 1, keys),
        ("preventExtensions", 1, prevent_extensions),
        ("seal", 1, seal),
        ("setPrototypeOf", 2, set_prototype_of),
        ("values", 1, values),
    ];
    for (name, length, f) in statics {
        vm.define_method(ctor, name, *length, *f);
    }
    let methods: &[(&str, u32, crate::object::NativeFn)] = &[
        ("hasOwnProperty", 1, has_own_property),
        ("isPrototypeOf", 1, is_prototype_of),
        ("propertyIsEnumerable", 1, property_is_enumerable),
        ("toLocaleString", 0, to_locale_string),
        ("toString", 0, to_string),
        ("valueOf", 0, value_of),
        ("__defineGetter__", 2, define_getter_legacy),
        ("__defineSetter__", 2, define_setter_legacy),
        ("__lookupGetter__", 1, lookup_getter_legacy),
        ("__lookupSetter__", 1, lookup_setter_legacy),
    ];
    for (name, length, f) in methods {
        vm.define_method(op, name, *length, *f);
    }
    let getter = vm.native_function("get __proto__", 0, proto_get, None);
    let setter = vm.native_function("set __proto__", 1, proto_set, None);
    let key = vm.key("__proto__");
    vm.define_own_property_raw(
        op,
        key,
        crate::object::Property {
            slot: crate::object::Slot::Accessor {
                get: getter.value(),
                set: setter.value(),
            },
            attrs: attrs::CONFIGURABLE | attrs::ACCESSOR,
        },
    );
}

fn object_call(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let v = arg(args, 0);
    if v.is_nullish() {
        return Ok(vm.new_object().value());
    }
    Ok(vm.to_object(v)?.value())
}

/// 20.1.1.1 Object ( [ value ] )
fn object_construct(vm: &mut Vm, args: &[Value], new_target: ObjRef) -> JsResult<Value> {
    let own = vm.stack.current_native.map(|f| f.value());
    if Some(new_target.value()) != own {
        let proto = vm.prototype_from_constructor(new_target.value(), |r| r.object_prototype)?;
        return Ok(vm.new_object_with_proto(Some(proto)).value());
    }
    object_call(vm, Value::UNDEFINED, args)
}

fn to_obj(vm: &mut Vm, v: Value) -> JsResult<ObjRef> {
    vm.to_object(v)
}

/// 20.1.2.1 Object.assign
fn assign(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let to = to_obj(vm, arg(args, 0))?;
    for &source in args.iter().skip(1) {
        if source.is_nullish() {
            continue;
        }
        let from = vm.to_object(source)?;
        vm.root(from.value());
        // Getters and traps run between the keys' uses.
        let keys = vm.own_property_keys(from)?;
        vm.root_keys(&keys);
        for key in keys {
            if let Some(p) = vm.get_own_property(from, key)?
                && p.attrs & attrs::ENUMERABLE != 0
            {
                let v = vm.get(from, key, from.value())?;
                vm.set_or_throw(to, key, v, true)?;
            }
        }
    }
    Ok(to.value())
}

/// 20.1.2.2 Object.create
fn create(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let proto = arg(args, 0);
    if !(proto.is_object() || proto.is_null()) {
        return Err(vm.type_error("Object prototype may only be an Object or null"));
    }
    let o = vm.new_object_with_proto(proto.as_object());
    let props = arg(args, 1);
    if !props.is_undefined() {
        object_define_properties(vm, o, props)?;
    }
    Ok(o.value())
}

fn object_define_properties(vm: &mut Vm, o: ObjRef, props: Value) -> JsResult<()> {
    // Getters and traps run JavaScript while the target, the properties object, the keys and
    // the descriptors read so far are only here: root them all.
    vm.with_roots(&[o.value(), props], |vm| {
        let p = vm.to_object(props)?;
        vm.root(p.value());
        let keys = vm.own_property_keys(p)?;
        vm.root_keys(&keys);
        let mut descriptors = Vec::new();
        for key in keys {
            if let Some(prop) = vm.get_own_property(p, key)?
                && prop.attrs & attrs::ENUMERABLE != 0
            {
                let dv = vm.get(p, key, p.value())?;
                vm.root(dv);
                let d = to_property_descriptor(vm, dv)?;
                // Getters on the descriptor object may have made these values afresh.
                for v in [d.value, d.get, d.set].into_iter().flatten() {
                    vm.root(v);
                }
                descriptors.push((key, d));
            }
        }
        for (key, d) in descriptors {
            vm.define_property_or_throw(o, key, d)?;
        }
        Ok(())
    })
}

fn require_object(vm: &mut Vm, v: Value, what: &str) -> JsResult<ObjRef> {
    match v.as_object() {
        Some(o) => Ok(o),
        None => Err(vm.type_error(&format!("{what} called on non-object"))),
    }
}

fn define_properties(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = require_object(vm, arg(args, 0), "Object.defineProperties")?;
    object_define_properties(vm, o, arg(args, 1))?;
    Ok(o.value())
}

/// 20.1.2.4 Object.defineProperty
fn define_property(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = require_object(vm, arg(args, 0), "Object.defineProperty")?;
    let key = vm.to_property_key(arg(args, 1))?;
    // The descriptor's getters run before the key is used (a key made from a number has
    // nothing else keeping its atom).
    vm.root_key(key);
    let d = to_property_descriptor(vm, arg(args, 2))?;
    vm.define_property_or_throw(o, key, d)?;
    Ok(o.value())
}

fn keys(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(arg(args, 0))?;
    let v = enumerable_own_properties(vm, o, 0)?;
    Ok(vm.new_array(v).value())
}

fn values(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(arg(args, 0))?;
    let v = enumerable_own_properties(vm, o, 1)?;
    Ok(vm.new_array(v).value())
}

fn entries(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(arg(args, 0))?;
    let v = enumerable_own_properties(vm, o, 2)?;
    Ok(vm.new_array(v).value())
}

fn freeze(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let v = arg(args, 0);
    if let Some(o) = v.as_object()
        && !set_integrity_level(vm, o, true)?
    {
        return Err(vm.type_error("Cannot freeze"));
    }
    Ok(v)
}

fn seal(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let v = arg(args, 0);
    if let Some(o) = v.as_object()
        && !set_integrity_level(vm, o, false)?
    {
        return Err(vm.type_error("Cannot seal"));
    }
    Ok(v)
}

fn is_frozen(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    match arg(args, 0).as_object() {
        Some(o) => Ok(Value::boolean(test_integrity_level(vm, o, true)?)),
        None => Ok(Value::TRUE),
    }
}

fn is_sealed(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    match arg(args, 0).as_object() {
        Some(o) => Ok(Value::boolean(test_integrity_level(vm, o, false)?)),
        None => Ok(Value::TRUE),
    }
}

fn is_extensible(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    match arg(args, 0).as_object() {
        Some(o) => Ok(Value::boolean(vm.is_extensible(o)?)),
        None => Ok(Value::FALSE),
    }
}

fn prevent_extensions(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let v = arg(args, 0);
    if let Some(o) = v.as_object()
        && !vm.prevent_extensions(o)?
    {
        return Err(vm.type_error("Cannot prevent extensions"));
    }
    Ok(v)
}

fn from_entries(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let iterable = arg(args, 0);
    if iterable.is_nullish() {
        return Err(vm.type_error("Object.fromEntries requires an iterable"));
    }
    let o = vm.new_object();
    vm.root(o.value());
    let record = iterators::get_iterator(vm, iterable)?;
    let (it, next) = iterators::rooted(vm, record);
    while let Some(entry) = iterators::iterator_step_value(vm, it, next)? {
        let result = vm.with_roots(&[entry], |vm| {
            let Some(e) = entry.as_object() else {
                return Err(vm.type_error("Iterator value is not an entry object"));
            };
            let k = vm.get(e, PropertyKey::Index(0), entry)?;
            vm.root(k);
            let v = vm.get(e, PropertyKey::Index(1), entry)?;
            vm.root(v);
            let key = vm.to_property_key(k)?;
            vm.create_data_property_or_throw(o, key, v)
        });
        if let Err(e) = result {
            let _ = iterators::iterator_close(vm, it);
            return Err(e);
        }
    }
    Ok(o.value())
}

fn get_own_property_descriptor(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(arg(args, 0))?;
    let key = vm.to_property_key(arg(args, 1))?;
    let p = vm.get_own_property(o, key)?;
    let d = p.map(|p| Descriptor::from_property(&p));
    Ok(from_property_descriptor(vm, d))
}

fn get_own_property_descriptors(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(arg(args, 0))?;
    let result = vm.new_object();
    // Proxy traps run JavaScript: the object, the result and the keys (symbols a trap made)
    // stay rooted.
    vm.with_roots(&[o.value(), result.value()], |vm| {
        let keys = vm.own_property_keys(o)?;
        vm.root_keys(&keys);
        for key in keys {
            let p = vm.get_own_property(o, key)?;
            let d = p.map(|p| Descriptor::from_property(&p));
            if d.is_some() {
                let dv = from_property_descriptor(vm, d);
                vm.create_data_property_or_throw(result, key, dv)?;
            }
        }
        Ok(result.value())
    })
}

fn get_own_property_names(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(arg(args, 0))?;
    let mut out = Vec::new();
    for key in vm.own_property_keys(o)? {
        if !matches!(key, PropertyKey::Symbol(_)) {
            out.push(vm.key_value(key));
        }
    }
    Ok(vm.new_array(out).value())
}

fn get_own_property_symbols(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(arg(args, 0))?;
    let mut out = Vec::new();
    for key in vm.own_property_keys(o)? {
        if let PropertyKey::Symbol(s) = key {
            out.push(s.value());
        }
    }
    Ok(vm.new_array(out).value())
}

fn get_prototype_of(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(arg(args, 0))?;
    Ok(vm.get_prototype_of(o)?.map_or(Value::NULL, |p| p.value()))
}

fn set_prototype_of(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = arg(args, 0);
    if o.is_nullish() {
        return Err(vm.type_error("Object.setPrototypeOf called on null or undefined"));
    }
    let proto = arg(args, 1);
    if !(proto.is_object() || proto.is_null()) {
        return Err(vm.type_error("Object prototype may only be an Object or null"));
    }
    if let Some(obj) = o.as_object()
        && !vm.set_prototype_of(obj, proto.as_object())?
    {
        return Err(vm.type_error("Cannot set prototype"));
    }
    Ok(o)
}

fn group_by(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let groups = objects::group_by(vm, arg(args, 0), arg(args, 1), true)?;
    let o = vm.new_object_with_proto(None);
    for (k, values) in groups {
        let arr = vm.new_array(values);
        let key = vm.to_property_key(k)?;
        vm.create_data_property_or_throw(o, key, arr.value())?;
    }
    Ok(o.value())
}

fn has_own(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(arg(args, 0))?;
    let key = vm.to_property_key(arg(args, 1))?;
    Ok(Value::boolean(vm.get_own_property(o, key)?.is_some()))
}

fn is(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::boolean(vm.same_value(arg(args, 0), arg(args, 1))?))
}

/// 20.1.3.2 Object.prototype.hasOwnProperty
fn has_own_property(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let key = vm.to_property_key(arg(args, 0))?;
    let o = vm.to_object(this)?;
    Ok(Value::boolean(vm.get_own_property(o, key)?.is_some()))
}

fn is_prototype_of(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let Some(mut v) = arg(args, 0).as_object() else {
        return Ok(Value::FALSE);
    };
    let o = vm.to_object(this)?;
    loop {
        match vm.get_prototype_of(v)? {
            Some(p) if p == o => return Ok(Value::TRUE),
            Some(p) => v = p,
            None => return Ok(Value::FALSE),
        }
    }
}

fn property_is_enumerable(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let key = vm.to_property_key(arg(args, 0))?;
    let o = vm.to_object(this)?;
    Ok(Value::boolean(
        vm.get_own_property(o, key)?
            .is_some_and(|p| p.attrs & attrs::ENUMERABLE != 0),
    ))
}

fn to_locale_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let key = PropertyKey::String(vm.agent.names.to_string);
    let f = vm.get_v(this, key)?;
    vm.call(f, this, &[])
}

/// 20.1.3.6 Object.prototype.toString
pub fn to_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    if this.is_undefined() {
        return Ok(vm.string("[object Undefined]"));
    }
    if this.is_null() {
        return Ok(vm.string("[object Null]"));
    }
    let o = vm.to_object(this)?;
    let builtin = if crate::abstract_ops::testing_comparison::is_array(vm, o.value())? {
        "Array"
    } else {
        match &vm.obj(o).kind {
            ObjectKind::Arguments { .. } => "Arguments",
            ObjectKind::Function(_) | ObjectKind::Native(_) | ObjectKind::Bound(_) => "Function",
            ObjectKind::Proxy { callable: true, .. } => "Function",
            ObjectKind::Error => "Error",
            ObjectKind::Boolean(_) => "Boolean",
            ObjectKind::Number(_) => "Number",
            ObjectKind::String(_) => "String",
            ObjectKind::Date(_) => "Date",
            ObjectKind::RegExp(_) => "RegExp",
            _ => "Object",
        }
    };
    let tag_key = PropertyKey::Symbol(vm.agent.symbols.to_string_tag);
    let tag = vm.get(o, tag_key, o.value())?;
    let tag = match tag.as_string() {
        Some(s) => vm.rust_string(s),
        None => builtin.to_string(),
    };
    Ok(vm.string(&format!("[object {tag}]")))
}

fn value_of(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    Ok(vm.to_object(this)?.value())
}

fn proto_get(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    Ok(vm.get_prototype_of(o)?.map_or(Value::NULL, |p| p.value()))
}

fn proto_set(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    if this.is_nullish() {
        return Err(vm.type_error("Object.prototype.__proto__ called on null or undefined"));
    }
    let proto = arg(args, 0);
    if !(proto.is_object() || proto.is_null()) {
        return Ok(Value::UNDEFINED);
    }
    let Some(o) = this.as_object() else {
        return Ok(Value::UNDEFINED);
    };
    if !vm.set_prototype_of(o, proto.as_object())? {
        return Err(vm.type_error("Object.prototype.__proto__ setter failed"));
    }
    Ok(Value::UNDEFINED)
}

fn define_getter_legacy(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let g = arg(args, 1);
    if !vm.is_callable(g) {
        return Err(vm.type_error("Object.prototype.__defineGetter__: Expecting function"));
    }
    let key = vm.to_property_key(arg(args, 0))?;
    vm.define_property_or_throw(
        o,
        key,
        Descriptor {
            get: Some(g),
            enumerable: Some(true),
            configurable: Some(true),
            ..Default::default()
        },
    )?;
    Ok(Value::UNDEFINED)
}

fn define_setter_legacy(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let s = arg(args, 1);
    if !vm.is_callable(s) {
        return Err(vm.type_error("Object.prototype.__defineSetter__: Expecting function"));
    }
    let key = vm.to_property_key(arg(args, 0))?;
    vm.define_property_or_throw(
        o,
        key,
        Descriptor {
            set: Some(s),
            enumerable: Some(true),
            configurable: Some(true),
            ..Default::default()
        },
    )?;
    Ok(Value::UNDEFINED)
}

fn lookup_accessor(vm: &mut Vm, this: Value, args: &[Value], getter: bool) -> JsResult<Value> {
    let mut o = vm.to_object(this)?;
    let key = vm.to_property_key(arg(args, 0))?;
    loop {
        if let Some(p) = vm.get_own_property(o, key)? {
            return Ok(match p.slot {
                crate::object::Slot::Accessor { get, set } => {
                    if getter {
                        get
                    } else {
                        set
                    }
                }
                _ => Value::UNDEFINED,
            });
        }
        match vm.get_prototype_of(o)? {
            Some(p) => o = p,
            None => return Ok(Value::UNDEFINED),
        }
    }
}

fn lookup_getter_legacy(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    lookup_accessor(vm, this, args, true)
}

fn lookup_setter_legacy(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    lookup_accessor(vm, this, args, false)
}
