//! 7.3 Operations on Objects that the built-ins share: SetIntegrityLevel and
//! TestIntegrityLevel, LengthOfArrayLike, CreateListFromArrayLike, SpeciesConstructor,
//! EnumerableOwnProperties and GroupBy. GetMethod, CopyDataProperties and PutValue, which the
//! loop calls, are `Vm` methods in `object_operations.rs`; the internal methods and the
//! operations over them (Get, Set, DefinePropertyOrThrow...) are `Vm` methods in `property.rs`.

use super::iterators;
use crate::collections::normalize;
use crate::heap::ObjRef;
use crate::object::{PropertyKey, attrs};
use crate::property::Descriptor;
use crate::value::Value;
use crate::vm::{JsResult, Vm};

/// 7.3.15 SetIntegrityLevel (`frozen`: true for freeze, false for seal)
pub fn set_integrity_level(vm: &mut Vm, o: ObjRef, frozen: bool) -> JsResult<bool> {
    if !vm.prevent_extensions(o)? {
        return Ok(false);
    }
    // Traps run between the keys' uses; the scope is this call's (the interpreter freezes
    // template objects outside any native call).
    vm.handle_scope(|vm| {
        let keys = vm.own_property_keys(o)?;
        vm.root_keys(&keys);
        freeze_or_seal_keys(vm, o, &keys, frozen)
    })?;
    Ok(true)
}

fn freeze_or_seal_keys(vm: &mut Vm, o: ObjRef, keys: &[PropertyKey], frozen: bool) -> JsResult<()> {
    for &key in keys {
        let d = if frozen {
            match vm.get_own_property(o, key)? {
                Some(p) if p.is_accessor() => Descriptor {
                    configurable: Some(false),
                    ..Default::default()
                },
                Some(_) => Descriptor {
                    configurable: Some(false),
                    writable: Some(false),
                    ..Default::default()
                },
                None => continue,
            }
        } else {
            Descriptor {
                configurable: Some(false),
                ..Default::default()
            }
        };
        vm.define_property_or_throw(o, key, d)?;
    }
    Ok(())
}

/// 7.3.16 TestIntegrityLevel
pub fn test_integrity_level(vm: &mut Vm, o: ObjRef, frozen: bool) -> JsResult<bool> {
    if vm.is_extensible(o)? {
        return Ok(false);
    }
    vm.handle_scope(|vm| {
        let keys = vm.own_property_keys(o)?;
        vm.root_keys(&keys);
        for key in keys {
            if let Some(p) = vm.get_own_property(o, key)? {
                if p.attrs & attrs::CONFIGURABLE != 0 {
                    return Ok(false);
                }
                if frozen && !p.is_accessor() && p.attrs & attrs::WRITABLE != 0 {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    })
}

/// LengthOfArrayLike
pub fn length_of_array_like(vm: &mut Vm, o: ObjRef) -> JsResult<f64> {
    if vm.obj(o).is_array() {
        return Ok(f64::from(vm.obj(o).length));
    }
    let key = PropertyKey::String(vm.agent.names.length);
    let l = vm.get(o, key, o.value())?;
    vm.to_length(l)
}

/// 7.3.18 CreateListFromArrayLike
pub fn create_list_from_array_like(vm: &mut Vm, v: Value) -> JsResult<Vec<Value>> {
    let Some(o) = v.as_object() else {
        return Err(vm.type_error("CreateListFromArrayLike called on non-object"));
    };
    let length_key = PropertyKey::String(vm.agent.names.length);
    let len = vm.get(o, length_key, v)?;
    let len = vm.to_length(len)? as u64;
    if len > 10_000_000 {
        return Err(vm.range_error("Too many arguments in function call"));
    }
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len {
        let key = if i < u64::from(u32::MAX) {
            PropertyKey::Index(i as u32)
        } else {
            vm.key(&i.to_string())
        };
        out.push(vm.get(o, key, v)?);
    }
    Ok(out)
}

/// 7.3.22 SpeciesConstructor
pub fn species_constructor(vm: &mut Vm, o: ObjRef, default: Value) -> JsResult<Value> {
    let ck = PropertyKey::String(vm.agent.names.constructor);
    let c = vm.get(o, ck, o.value())?;
    if c.is_undefined() {
        return Ok(default);
    }
    let Some(co) = c.as_object() else {
        return Err(vm.type_error("object.constructor is not an object"));
    };
    let sk = PropertyKey::Symbol(vm.agent.symbols.species);
    let s = vm.get(co, sk, c)?;
    if s.is_nullish() {
        return Ok(default);
    }
    if vm.is_constructor(s) {
        return Ok(s);
    }
    Err(vm.type_error("object.constructor[Symbol.species] is not a constructor"))
}

/// EnumerableOwnProperties(O, kind): 0 keys, 1 values, 2 entries.
pub fn enumerable_own_properties(vm: &mut Vm, o: ObjRef, kind: u8) -> JsResult<Vec<Value>> {
    // Getters and proxy traps run JavaScript: the object and every value gathered so far stay
    // rooted until the caller has them.
    vm.with_roots(&[o.value()], |vm| enumerable_own_rooted(vm, o, kind))
}

fn enumerable_own_rooted(vm: &mut Vm, o: ObjRef, kind: u8) -> JsResult<Vec<Value>> {
    let mut out = Vec::new();
    let keys = vm.own_property_keys(o)?;
    vm.root_keys(&keys);
    for key in keys {
        if let PropertyKey::Symbol(_) = key {
            continue;
        }
        if let Some(p) = vm.get_own_property(o, key)?
            && p.attrs & attrs::ENUMERABLE != 0
        {
            let k = vm.key_value(key);
            vm.root(k);
            let item = match kind {
                0 => k,
                1 => vm.get(o, key, o.value())?,
                _ => {
                    let v = vm.get(o, key, o.value())?;
                    vm.new_array(vec![k, v]).value()
                }
            };
            vm.root(item);
            out.push(item);
        }
    }
    Ok(out)
}

/// 7.3.35 GroupBy: property keys (`Object.groupBy`) or SameValueZero keys (`Map.groupBy`).
pub fn group_by(
    vm: &mut Vm,
    items: Value,
    callback: Value,
    property_keys: bool,
) -> JsResult<Vec<(Value, Vec<Value>)>> {
    if items.is_nullish() {
        return Err(vm.type_error("groupBy called on null or undefined"));
    }
    if !vm.is_callable(callback) {
        return Err(vm.type_error("groupBy: callback is not a function"));
    }
    let record = iterators::get_iterator(vm, items)?;
    let (it, next) = iterators::rooted(vm, record);
    let mut groups: Vec<(Value, Vec<Value>)> = Vec::new();
    let mut k = 0.0;
    while let Some(v) = iterators::iterator_step_value(vm, it, next)? {
        vm.root(v);
        let key = match vm.call(callback, Value::UNDEFINED, &[v, Value::number(k)]) {
            Ok(key) => key,
            Err(e) => {
                let _ = iterators::iterator_close(vm, it);
                return Err(e);
            }
        };
        let key = if property_keys {
            match vm.to_property_key(key) {
                Ok(pk) => vm.key_value(pk),
                Err(e) => {
                    let _ = iterators::iterator_close(vm, it);
                    return Err(e);
                }
            }
        } else {
            normalize(key)
        };
        vm.root(key);
        let mut found = None;
        for (i, (g, _)) in groups.iter().enumerate() {
            if vm.same_value_zero(*g, key)? {
                found = Some(i);
                break;
            }
        }
        match found {
            Some(i) => groups[i].1.push(v),
            None => groups.push((key, vec![v])),
        }
        k += 1.0;
    }
    Ok(groups)
}
