//! 24.1 Map objects.

use super::{arg, requires_new};
use crate::abstract_ops::{iterators, objects};
use crate::collections::{self, MapData};
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
    let map = vm.make_constructor("Map", 0, requires_new, Some(construct), proto);
    vm.define_method(map, "groupBy", 2, group_by);
    for (name, len, f) in [
        ("clear", 0, clear as crate::object::NativeFn),
        ("delete", 1, delete),
        ("forEach", 1, for_each),
        ("get", 1, get),
        ("has", 1, has),
        ("set", 2, set),
        ("getOrInsert", 2, get_or_insert),
        ("getOrInsertComputed", 2, get_or_insert_computed),
        ("keys", 0, keys),
        ("values", 0, values),
    ] {
        vm.define_method(proto, name, len, f);
    }
    let entries = vm.define_method_now(proto, "entries", 0, entries);
    vm.define_data(
        proto,
        PropertyKey::Symbol(it),
        entries.value(),
        attrs::HIDDEN,
    );
    vm.define_getter(proto, "size", size);
    let t = vm.string("Map");
    vm.define_data(proto, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    vm.define_species_getter(map);
    let iterator_proto = vm.new_plain_object(ip);
    vm.define_method(iterator_proto, "next", 0, iterator_next);
    let t = vm.string("Map Iterator");
    vm.define_data(
        iterator_proto,
        PropertyKey::Symbol(tag),
        t,
        attrs::CONFIGURABLE,
    );

    let realm = vm.stack.realm as usize;
    vm.realms[realm].map_prototype = proto;
    vm.realms[realm].map_iterator_prototype = iterator_proto;
}

fn this_map(vm: &mut Vm, this: Value, method: &str) -> JsResult<ObjRef> {
    if let Some(o) = this.as_object()
        && let ObjectKind::Map(_) = vm.obj(o).kind
    {
        return Ok(o);
    }
    Err(vm.type_error(&format!(
        "Method Map.prototype.{method} called on incompatible receiver"
    )))
}

/// 24.1.1.1 Map ( [ iterable ] )
fn construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.map_prototype)?;
    let m = vm.alloc(Object::new(Some(proto), ObjectKind::Map(Box::default())));
    let iterable = arg(args, 0);
    if iterable.is_nullish() {
        return Ok(m.value());
    }
    vm.root(m.value());
    let sk = vm.key("set");
    let adder = vm.get(m, sk, m.value())?;
    if !vm.is_callable(adder) {
        return Err(vm.type_error("Map.prototype.set is not a function"));
    }
    add_entries_from_iterable(vm, m.value(), iterable, adder)?;
    Ok(m.value())
}

/// 24.1.1.2 AddEntriesFromIterable
pub(super) fn add_entries_from_iterable(
    vm: &mut Vm,
    target: Value,
    iterable: Value,
    adder: Value,
) -> JsResult<()> {
    let record = iterators::get_iterator(vm, iterable)?;
    let (it, next) = iterators::rooted(vm, record);
    while let Some(entry) = iterators::iterator_step_value(vm, it, next)? {
        // The entry and its key may be held by nothing else while the getters run.
        let r = vm.with_roots(&[entry], |vm| {
            let Some(e) = entry.as_object() else {
                let d = vm.describe(entry);
                return Err(vm.type_error(&format!("Iterator value {d} is not an entry object")));
            };
            let k = vm.get(e, PropertyKey::Index(0), entry)?;
            vm.root(k);
            let v = vm.get(e, PropertyKey::Index(1), entry)?;
            vm.call(adder, target, &[k, v])
        });
        if let Err(e) = r {
            let _ = iterators::iterator_close(vm, it);
            return Err(e);
        }
    }
    Ok(())
}

/// 24.1.2.1 Map.groupBy ( items, callbackfn )
fn group_by(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let groups = objects::group_by(vm, arg(args, 0), arg(args, 1), false)?;
    let proto = vm.intrinsics().map_prototype;
    let m = vm.alloc(Object::new(
        Some(proto),
        ObjectKind::Map(Box::<MapData>::default()),
    ));
    vm.root(m.value());
    for (k, values) in groups {
        let a = vm.new_array(values);
        collections::insert(vm, m, k, a.value())?;
    }
    Ok(m.value())
}

/// 24.1.3.1 Map.prototype.clear ( )
fn clear(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let m = this_map(vm, this, "clear")?;
    collections::clear(vm, m);
    Ok(Value::UNDEFINED)
}

/// 24.1.3.3 Map.prototype.delete ( key )
fn delete(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let m = this_map(vm, this, "delete")?;
    Ok(Value::boolean(collections::remove(vm, m, arg(args, 0))?))
}

/// 24.1.3.5 Map.prototype.forEach ( callbackfn [ , thisArg ] )
fn for_each(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let m = this_map(vm, this, "forEach")?;
    let f = arg(args, 0);
    if !vm.is_callable(f) {
        return Err(vm.type_error("Map.prototype.forEach: callback is not a function"));
    }
    let mut i = 0;
    while let Some((at, (k, v))) = collections::next_entry(vm, m, i) {
        vm.call(f, arg(args, 1), &[v, k, this])?;
        i = at + 1;
    }
    Ok(Value::UNDEFINED)
}

/// 24.1.3.6 Map.prototype.get ( key )
fn get(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let m = this_map(vm, this, "get")?;
    Ok(collections::get(vm, m, arg(args, 0))?.unwrap_or(Value::UNDEFINED))
}

/// 24.1.3.7 Map.prototype.has ( key )
fn has(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let m = this_map(vm, this, "has")?;
    Ok(Value::boolean(collections::has(vm, m, arg(args, 0))?))
}

/// 24.1.3.9 Map.prototype.set ( key, value )
fn set(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let m = this_map(vm, this, "set")?;
    collections::insert(vm, m, arg(args, 0), arg(args, 1))?;
    Ok(this)
}

/// Map.prototype.getOrInsert ( key, value ) (the upsert proposal)
fn get_or_insert(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let m = this_map(vm, this, "getOrInsert")?;
    let key = arg(args, 0);
    if let Some(v) = collections::get(vm, m, key)? {
        return Ok(v);
    }
    collections::insert(vm, m, key, arg(args, 1))?;
    Ok(arg(args, 1))
}

/// Map.prototype.getOrInsertComputed ( key, callbackfn ) (the upsert proposal)
fn get_or_insert_computed(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let m = this_map(vm, this, "getOrInsertComputed")?;
    let callback = arg(args, 1);
    if !vm.is_callable(callback) {
        return Err(vm.type_error("Map.prototype.getOrInsertComputed: callback is not a function"));
    }
    let key = collections::normalize(arg(args, 0));
    if let Some(v) = collections::get(vm, m, key)? {
        return Ok(v);
    }
    let value = vm.call(callback, Value::UNDEFINED, &[key])?;
    collections::insert(vm, m, key, value)?;
    Ok(value)
}

/// 24.1.3.10 get Map.prototype.size
fn size(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let m = this_map(vm, this, "size")?;
    Ok(Value::number(collections::size(vm, m) as f64))
}

fn iterator(vm: &mut Vm, this: Value, kind: u8, method: &str) -> JsResult<Value> {
    let m = this_map(vm, this, method)?;
    let proto = vm.intrinsics().map_iterator_prototype;
    Ok(vm
        .alloc(Object::new(
            Some(proto),
            ObjectKind::MapIterator {
                map: m.value(),
                index: 0,
                kind,
            },
        ))
        .value())
}

fn keys(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    iterator(vm, this, 0, "keys")
}
fn values(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    iterator(vm, this, 1, "values")
}
fn entries(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    iterator(vm, this, 2, "entries")
}

/// 24.1.5.2.1 %MapIteratorPrototype%.next ( ), and the same for sets.
pub(super) fn collection_iterator_next(
    vm: &mut Vm,
    this: Value,
    want_set: bool,
) -> JsResult<Value> {
    let Some(it) = this.as_object() else {
        return Err(vm.type_error("next called on incompatible receiver"));
    };
    let (target, index, kind) = match vm.obj(it).kind {
        ObjectKind::MapIterator { map, index, kind } if !want_set => (map, index, kind),
        ObjectKind::SetIterator { set, index, kind } if want_set => (set, index, kind),
        _ => return Err(vm.type_error("next called on incompatible receiver")),
    };
    let Some(t) = target.as_object() else {
        return Ok(iterators::create_iter_result_object(
            vm,
            Value::UNDEFINED,
            true,
        ));
    };
    let found = collections::next_entry(vm, t, index);
    let (next_index, done) = match found {
        Some((at, _)) => (at + 1, false),
        None => (collections::end(vm, t), true),
    };
    match &mut vm.obj_mut(it).kind {
        ObjectKind::MapIterator { map: c, index, .. }
        | ObjectKind::SetIterator { set: c, index, .. } => {
            *index = next_index;
            if done {
                *c = Value::UNDEFINED;
            }
        }
        _ => {}
    }
    let Some((_, (k, v))) = found else {
        return Ok(iterators::create_iter_result_object(
            vm,
            Value::UNDEFINED,
            true,
        ));
    };
    let result = match kind {
        0 => k,
        1 => v,
        _ => vm.new_array(vec![k, v]).value(),
    };
    Ok(iterators::create_iter_result_object(vm, result, false))
}

fn iterator_next(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    collection_iterator_next(vm, this, false)
}
