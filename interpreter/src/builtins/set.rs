//! 24.2 Set objects, with the ES2025 set methods (union, intersection, ...).

use super::arg;
use super::map::collection_iterator_next;
use super::requires_new;
use crate::abstract_ops::iterators;
use crate::collections;
use crate::heap::ObjRef;
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let ip = vm.intrinsics().iterator_prototype;
    let tag = vm.agent.symbols.to_string_tag;
    let it = vm.agent.symbols.iterator;

    let proto = vm.new_plain_object(op);
    let set = vm.make_constructor("Set", 0, requires_new, Some(construct), proto);
    for (name, len, f) in [
        ("add", 1, add as crate::object::NativeFn),
        ("clear", 0, clear),
        ("delete", 1, delete),
        ("difference", 1, difference),
        ("entries", 0, entries),
        ("forEach", 1, for_each),
        ("has", 1, has),
        ("intersection", 1, intersection),
        ("isDisjointFrom", 1, is_disjoint_from),
        ("isSubsetOf", 1, is_subset_of),
        ("isSupersetOf", 1, is_superset_of),
        ("symmetricDifference", 1, symmetric_difference),
        ("union", 1, union),
    ] {
        vm.define_method(proto, name, len, f);
    }
    vm.define_getter(proto, "size", size);
    let values = vm.define_method_now(proto, "values", 0, values);
    let keys = vm.key("keys");
    vm.define_data(proto, keys, values.value(), attrs::HIDDEN);
    vm.define_data(
        proto,
        PropertyKey::Symbol(it),
        values.value(),
        attrs::HIDDEN,
    );
    let t = vm.string("Set");
    vm.define_data(proto, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    vm.define_species_getter(set);
    let iterator_proto = vm.new_plain_object(ip);
    vm.define_method(iterator_proto, "next", 0, iterator_next);
    let t = vm.string("Set Iterator");
    vm.define_data(
        iterator_proto,
        PropertyKey::Symbol(tag),
        t,
        attrs::CONFIGURABLE,
    );

    let realm = vm.stack.realm as usize;
    vm.realms[realm].set_prototype = proto;
    vm.realms[realm].set_iterator_prototype = iterator_proto;
}

fn this_set(vm: &mut Vm, this: Value, method: &str) -> JsResult<ObjRef> {
    if let Some(o) = this.as_object()
        && let ObjectKind::Set(_) = vm.obj(o).kind
    {
        return Ok(o);
    }
    Err(vm.type_error(&format!(
        "Method Set.prototype.{method} called on incompatible receiver"
    )))
}

fn new_set(vm: &mut Vm) -> ObjRef {
    let proto = vm.intrinsics().set_prototype;
    vm.alloc(Object::new(Some(proto), ObjectKind::Set(Box::default())))
}

/// 24.2.2.1 Set ( [ iterable ] )
fn construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.set_prototype)?;
    let s = vm.alloc(Object::new(Some(proto), ObjectKind::Set(Box::default())));
    let iterable = arg(args, 0);
    if iterable.is_nullish() {
        return Ok(s.value());
    }
    vm.root(s.value());
    let ak = vm.key("add");
    let adder = vm.get(s, ak, s.value())?;
    if !vm.is_callable(adder) {
        return Err(vm.type_error("Set.prototype.add is not a function"));
    }
    add_values_from_iterable(vm, s.value(), iterable, adder)?;
    Ok(s.value())
}

/// Calls `adder` on `target` with each value of `iterable` (the loop of the Set and WeakSet
/// constructors), closing the iterator if a call throws.
pub(super) fn add_values_from_iterable(
    vm: &mut Vm,
    target: Value,
    iterable: Value,
    adder: Value,
) -> JsResult<()> {
    let record = iterators::get_iterator(vm, iterable)?;
    let (it, next) = iterators::rooted(vm, record);
    while let Some(v) = iterators::iterator_step_value(vm, it, next)? {
        if let Err(e) = vm.call(adder, target, &[v]) {
            let _ = iterators::iterator_close(vm, it);
            return Err(e);
        }
    }
    Ok(())
}

/// 24.2.4.1 Set.prototype.add ( value )
fn add(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_set(vm, this, "add")?;
    collections::add(vm, s, arg(args, 0))?;
    Ok(this)
}

/// 24.2.4.2 Set.prototype.clear ( )
fn clear(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let s = this_set(vm, this, "clear")?;
    collections::clear(vm, s);
    Ok(Value::UNDEFINED)
}

/// 24.2.4.4 Set.prototype.delete ( value )
fn delete(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_set(vm, this, "delete")?;
    Ok(Value::boolean(collections::remove(vm, s, arg(args, 0))?))
}

/// 24.2.4.8 Set.prototype.forEach ( callbackfn [ , thisArg ] )
fn for_each(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_set(vm, this, "forEach")?;
    let f = arg(args, 0);
    if !vm.is_callable(f) {
        return Err(vm.type_error("Set.prototype.forEach: callback is not a function"));
    }
    let mut i = 0;
    while let Some((at, (k, _))) = collections::next_entry(vm, s, i) {
        vm.call(f, arg(args, 1), &[k, k, this])?;
        i = at + 1;
    }
    Ok(Value::UNDEFINED)
}

/// 24.2.4.9 Set.prototype.has ( value )
fn has(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_set(vm, this, "has")?;
    Ok(Value::boolean(collections::has(vm, s, arg(args, 0))?))
}

/// 24.2.4.14 get Set.prototype.size
fn size(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let s = this_set(vm, this, "size")?;
    Ok(Value::number(collections::size(vm, s) as f64))
}

fn iterator(vm: &mut Vm, this: Value, kind: u8, method: &str) -> JsResult<Value> {
    let s = this_set(vm, this, method)?;
    let proto = vm.intrinsics().set_iterator_prototype;
    Ok(vm
        .alloc(Object::new(
            Some(proto),
            ObjectKind::SetIterator {
                set: s.value(),
                index: 0,
                kind,
            },
        ))
        .value())
}

fn values(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    iterator(vm, this, 1, "values")
}
fn entries(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    iterator(vm, this, 2, "entries")
}

fn iterator_next(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    collection_iterator_next(vm, this, true)
}

// ---------------------------------------------------------------------------------------------
// 24.2.1 Abstract operations for Set objects

/// 24.2.1.2 Set Records
struct SetRecord {
    set: Value,
    size: f64,
    has: Value,
    keys: Value,
}

/// 24.2.1.3 GetSetRecord ( obj )
fn get_set_record(vm: &mut Vm, obj: Value) -> JsResult<SetRecord> {
    let Some(o) = obj.as_object() else {
        return Err(vm.type_error("The argument must be a set-like object"));
    };
    vm.root(obj);
    let size_key = vm.key("size");
    let raw_size = vm.get(o, size_key, obj)?;
    let num_size = vm.to_number(raw_size)?;
    if num_size.is_nan() {
        return Err(vm.type_error("The set-like object's size is not a number"));
    }
    let int_size = if num_size.is_infinite() {
        num_size
    } else {
        num_size.trunc() + 0.0
    };
    if int_size < 0.0 {
        return Err(vm.range_error("The set-like object's size is negative"));
    }
    let has_key = vm.key("has");
    let has = vm.get(o, has_key, obj)?;
    vm.root(has);
    if !vm.is_callable(has) {
        return Err(vm.type_error("The set-like object's 'has' is not a function"));
    }
    let keys_key = vm.key("keys");
    let keys = vm.get(o, keys_key, obj)?;
    vm.root(keys);
    if !vm.is_callable(keys) {
        return Err(vm.type_error("The set-like object's 'keys' is not a function"));
    }
    Ok(SetRecord {
        set: obj,
        size: int_size,
        has,
        keys,
    })
}

/// 24.2.1.5 GetKeysIterator ( setRec ): the iterator and its `next`.
fn keys_iterator(vm: &mut Vm, record: &SetRecord) -> JsResult<(Value, Value)> {
    let iterator = vm.call(record.keys, record.set, &[])?;
    let Some(o) = iterator.as_object() else {
        return Err(vm.type_error("keys() did not return an object"));
    };
    let next_key = vm.key("next");
    let next = vm.get(o, next_key, iterator)?;
    if !vm.is_callable(next) {
        return Err(vm.type_error("The keys iterator's 'next' is not a function"));
    }
    Ok((iterator, next))
}

/// Calls `record.has(e)` and converts the answer to a boolean.
fn other_has(vm: &mut Vm, record: &SetRecord, e: Value) -> JsResult<bool> {
    let answer = vm.call(record.has, record.set, &[e])?;
    Ok(vm.to_boolean(answer))
}

/// A new set holding the elements of `s`.
fn copy_of(vm: &mut Vm, s: ObjRef) -> JsResult<ObjRef> {
    let result = new_set(vm);
    let mut i = 0;
    while let Some((at, (k, _))) = collections::next_entry(vm, s, i) {
        collections::add(vm, result, k)?;
        i = at + 1;
    }
    Ok(result)
}

/// GetSetRecord(`other`), then `body` with it, in one handle scope: what either roots is
/// released afterwards.
fn with_set_record<T>(
    vm: &mut Vm,
    other: Value,
    body: impl FnOnce(&mut Vm, SetRecord) -> JsResult<T>,
) -> JsResult<T> {
    vm.handle_scope(|vm| {
        let record = get_set_record(vm, other)?;
        body(vm, record)
    })
}

/// 24.2.4.19 Set.prototype.union ( other )
fn union(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_set(vm, this, "union")?;
    with_set_record(vm, arg(args, 0), |vm, other| {
        let (it, next) = keys_iterator(vm, &other)?;
        vm.root(it);
        vm.root(next);
        let result = copy_of(vm, s)?;
        vm.root(result.value());
        while let Some(v) = iterators::iterator_step_value(vm, it, next)? {
            collections::add(vm, result, v)?;
        }
        Ok(result.value())
    })
}

/// 24.2.4.10 Set.prototype.intersection ( other )
fn intersection(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_set(vm, this, "intersection")?;
    with_set_record(vm, arg(args, 0), |vm, other| {
        let result = new_set(vm);
        vm.root(result.value());
        if collections::size(vm, s) as f64 <= other.size {
            let mut i = 0;
            while let Some((at, (e, _))) = collections::next_entry(vm, s, i) {
                i = at + 1;
                if other_has(vm, &other, e)? {
                    collections::add(vm, result, e)?;
                }
            }
        } else {
            let (it, next) = keys_iterator(vm, &other)?;
            vm.root(it);
            vm.root(next);
            while let Some(v) = iterators::iterator_step_value(vm, it, next)? {
                if collections::has(vm, s, v)? {
                    collections::add(vm, result, v)?;
                }
            }
        }
        Ok(result.value())
    })
}

/// 24.2.4.5 Set.prototype.difference ( other )
fn difference(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_set(vm, this, "difference")?;
    with_set_record(vm, arg(args, 0), |vm, other| {
        let result = copy_of(vm, s)?;
        vm.root(result.value());
        if collections::size(vm, s) as f64 <= other.size {
            // The result is not visible to the calls of `has`: none can add to it.
            let mut i = 0;
            while let Some((at, (e, _))) = collections::next_entry(vm, result, i) {
                i = at + 1;
                if other_has(vm, &other, e)? {
                    collections::remove(vm, result, e)?;
                }
            }
        } else {
            let (it, next) = keys_iterator(vm, &other)?;
            vm.root(it);
            vm.root(next);
            while let Some(v) = iterators::iterator_step_value(vm, it, next)? {
                collections::remove(vm, result, v)?;
            }
        }
        Ok(result.value())
    })
}

/// 24.2.4.15 Set.prototype.symmetricDifference ( other )
fn symmetric_difference(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_set(vm, this, "symmetricDifference")?;
    with_set_record(vm, arg(args, 0), |vm, other| {
        let (it, next) = keys_iterator(vm, &other)?;
        vm.root(it);
        vm.root(next);
        let result = copy_of(vm, s)?;
        vm.root(result.value());
        while let Some(v) = iterators::iterator_step_value(vm, it, next)? {
            let v = collections::normalize(v);
            let already = collections::has(vm, result, v)?;
            if collections::has(vm, s, v)? {
                if already {
                    collections::remove(vm, result, v)?;
                }
            } else if !already {
                collections::add(vm, result, v)?;
            }
        }
        Ok(result.value())
    })
}

/// 24.2.4.12 Set.prototype.isSubsetOf ( other )
fn is_subset_of(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_set(vm, this, "isSubsetOf")?;
    with_set_record(vm, arg(args, 0), |vm, other| {
        if collections::size(vm, s) as f64 > other.size {
            return Ok(Value::FALSE);
        }
        let mut i = 0;
        while let Some((at, (e, _))) = collections::next_entry(vm, s, i) {
            i = at + 1;
            if !other_has(vm, &other, e)? {
                return Ok(Value::FALSE);
            }
        }
        Ok(Value::TRUE)
    })
}

/// 24.2.4.13 Set.prototype.isSupersetOf ( other )
fn is_superset_of(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_set(vm, this, "isSupersetOf")?;
    with_set_record(vm, arg(args, 0), |vm, other| {
        if (collections::size(vm, s) as f64) < other.size {
            return Ok(Value::FALSE);
        }
        let (it, next) = keys_iterator(vm, &other)?;
        vm.root(it);
        vm.root(next);
        while let Some(v) = iterators::iterator_step_value(vm, it, next)? {
            if !collections::has(vm, s, v)? {
                iterators::iterator_close(vm, it)?;
                return Ok(Value::FALSE);
            }
        }
        Ok(Value::TRUE)
    })
}

/// 24.2.4.11 Set.prototype.isDisjointFrom ( other )
fn is_disjoint_from(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_set(vm, this, "isDisjointFrom")?;
    with_set_record(vm, arg(args, 0), |vm, other| {
        if collections::size(vm, s) as f64 <= other.size {
            let mut i = 0;
            while let Some((at, (e, _))) = collections::next_entry(vm, s, i) {
                i = at + 1;
                if other_has(vm, &other, e)? {
                    return Ok(Value::FALSE);
                }
            }
        } else {
            let (it, next) = keys_iterator(vm, &other)?;
            vm.root(it);
            vm.root(next);
            while let Some(v) = iterators::iterator_step_value(vm, it, next)? {
                if collections::has(vm, s, v)? {
                    iterators::iterator_close(vm, it)?;
                    return Ok(Value::FALSE);
                }
            }
        }
        Ok(Value::TRUE)
    })
}
