//! 24.1 Map and 24.2 Set objects (insertion-ordered, SameValueZero keys), and the grouping
//! helper shared with `Object.groupBy`.

use super::arg;
use crate::heap::{ObjRef, Traced};
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

/// Entries in insertion order; deleted entries become `None` so live iterators keep their place.
#[derive(Default)]
pub struct MapData {
    pub entries: Vec<Option<(Value, Value)>>,
}

impl MapData {
    pub fn trace(&self, out: &mut Vec<Traced>) {
        for (k, v) in self.entries.iter().flatten() {
            out.push(Traced::Value(*k));
            out.push(Traced::Value(*v));
        }
    }
}

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let ip = vm.intrinsics().iterator_prototype;
    let tag = vm.symbols.to_string_tag;
    let it = vm.symbols.iterator;

    let map_proto = vm.new_plain_object(op);
    let map = vm.make_constructor("Map", 0, requires_new, Some(map_construct), map_proto);
    vm.define_method(map, "groupBy", 2, map_group_by);
    for (name, len, f) in [
        ("clear", 0, map_clear as crate::object::NativeFn),
        ("delete", 1, map_delete),
        ("forEach", 1, map_for_each),
        ("get", 1, map_get),
        ("has", 1, map_has),
        ("set", 2, map_set),
        ("keys", 0, map_keys),
        ("values", 0, map_values),
    ] {
        vm.define_method(map_proto, name, len, f);
    }
    let entries = vm.define_method(map_proto, "entries", 0, map_entries);
    vm.define_data(
        map_proto,
        PropertyKey::Symbol(it),
        entries.value(),
        attrs::HIDDEN,
    );
    vm.define_getter(map_proto, "size", map_size);
    let t = vm.string("Map");
    vm.define_data(map_proto, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    vm.define_species_getter(map);
    let map_it = vm.new_plain_object(ip);
    vm.define_method(map_it, "next", 0, map_iterator_next);
    let t = vm.string("Map Iterator");
    vm.define_data(map_it, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);

    let set_proto = vm.new_plain_object(op);
    let set = vm.make_constructor("Set", 0, requires_new, Some(set_construct), set_proto);
    for (name, len, f) in [
        ("add", 1, set_add as crate::object::NativeFn),
        ("clear", 0, set_clear),
        ("delete", 1, set_delete),
        ("forEach", 1, set_for_each),
        ("has", 1, set_has),
        ("entries", 0, set_entries),
    ] {
        vm.define_method(set_proto, name, len, f);
    }
    let values = vm.define_method(set_proto, "values", 0, set_values);
    let vk = vm.key("keys");
    vm.define_data(set_proto, vk, values.value(), attrs::HIDDEN);
    vm.define_data(
        set_proto,
        PropertyKey::Symbol(it),
        values.value(),
        attrs::HIDDEN,
    );
    vm.define_getter(set_proto, "size", set_size);
    let t = vm.string("Set");
    vm.define_data(set_proto, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    vm.define_species_getter(set);
    let set_it = vm.new_plain_object(ip);
    vm.define_method(set_it, "next", 0, set_iterator_next);
    let t = vm.string("Set Iterator");
    vm.define_data(set_it, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);

    let realm = vm.realm as usize;
    let r = &mut vm.realms[realm];
    r.map_prototype = map_proto;
    r.set_prototype = set_proto;
    r.map_iterator_prototype = map_it;
    r.set_iterator_prototype = set_it;
}

fn requires_new(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Err(vm.type_error("Constructor requires 'new'"))
}

/// Normalises -0 to +0 (keys compare with SameValueZero).
fn normalize(v: Value) -> Value {
    match v.as_number() {
        Some(0.0) => Value::int32(0),
        _ => v,
    }
}

fn find(vm: &mut Vm, data: &[Option<(Value, Value)>], key: Value) -> Option<usize> {
    let key = normalize(key);
    // Identity first (cheap), then SameValueZero for strings, doubles and BigInts.
    if let Some(i) = data.iter().position(|e| e.is_some_and(|(k, _)| k == key)) {
        return Some(i);
    }
    if key.is_object()
        || key.as_symbol().is_some()
        || key.as_int32().is_some()
        || key.as_bool().is_some()
        || key.is_nullish()
    {
        return None;
    }
    let keys: Vec<(usize, Value)> = data
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.map(|(k, _)| (i, k)))
        .collect();
    keys.into_iter()
        .find(|&(_, k)| vm.same_value_zero(k, key))
        .map(|(i, _)| i)
}

fn this_map(vm: &mut Vm, this: Value, want_set: bool, method: &str) -> JsResult<ObjRef> {
    if let Some(o) = this.as_object() {
        match vm.obj(o).kind {
            ObjectKind::Map(_) if !want_set => return Ok(o),
            ObjectKind::Set(_) if want_set => return Ok(o),
            _ => {}
        }
    }
    Err(vm.type_error(&format!("Method {method} called on incompatible receiver")))
}

fn entries_mut(vm: &mut Vm, o: ObjRef) -> &mut Vec<Option<(Value, Value)>> {
    match &mut vm.obj_mut(o).kind {
        ObjectKind::Map(m) | ObjectKind::Set(m) => &mut m.entries,
        _ => unreachable!("a collection"),
    }
}

fn entries_of(vm: &Vm, o: ObjRef) -> Vec<Option<(Value, Value)>> {
    match &vm.obj(o).kind {
        ObjectKind::Map(m) | ObjectKind::Set(m) => m.entries.clone(),
        _ => Vec::new(),
    }
}

fn map_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.map_prototype)?;
    let m = vm.alloc(Object::new(Some(proto), ObjectKind::Map(Box::default())));
    let iterable = arg(args, 0);
    if iterable.is_nullish() {
        return Ok(m.value());
    }
    vm.handles.push(m.value());
    let sk = vm.key("set");
    let adder = vm.get(m, sk, m.value())?;
    if !vm.is_callable(adder) {
        return Err(vm.type_error("Map.prototype.set is not a function"));
    }
    let (it, next) = super::iterator::get_iterator(vm, iterable)?;
    vm.handles.push(it);
    while let Some(entry) = super::iterator::step(vm, it, next)? {
        let r = (|| {
            let Some(e) = entry.as_object() else {
                let d = vm.describe(entry);
                return Err(vm.type_error(&format!("Iterator value {d} is not an entry object")));
            };
            let k = vm.get(e, PropertyKey::Index(0), entry)?;
            let v = vm.get(e, PropertyKey::Index(1), entry)?;
            vm.call(adder, m.value(), &[k, v])
        })();
        if let Err(e) = r {
            let _ = super::iterator::close(vm, it);
            return Err(e);
        }
    }
    Ok(m.value())
}

fn set_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.set_prototype)?;
    let s = vm.alloc(Object::new(Some(proto), ObjectKind::Set(Box::default())));
    let iterable = arg(args, 0);
    if iterable.is_nullish() {
        return Ok(s.value());
    }
    vm.handles.push(s.value());
    let ak = vm.key("add");
    let adder = vm.get(s, ak, s.value())?;
    if !vm.is_callable(adder) {
        return Err(vm.type_error("Set.prototype.add is not a function"));
    }
    let (it, next) = super::iterator::get_iterator(vm, iterable)?;
    vm.handles.push(it);
    while let Some(v) = super::iterator::step(vm, it, next)? {
        if let Err(e) = vm.call(adder, s.value(), &[v]) {
            let _ = super::iterator::close(vm, it);
            return Err(e);
        }
    }
    Ok(s.value())
}

fn map_get(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_map(vm, this, false, "Map.prototype.get")?;
    let data = entries_of(vm, o);
    Ok(find(vm, &data, arg(args, 0))
        .and_then(|i| data[i])
        .map_or(Value::UNDEFINED, |(_, v)| v))
}

fn map_has(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_map(vm, this, false, "Map.prototype.has")?;
    let data = entries_of(vm, o);
    Ok(Value::boolean(find(vm, &data, arg(args, 0)).is_some()))
}

fn map_set(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_map(vm, this, false, "Map.prototype.set")?;
    let data = entries_of(vm, o);
    let key = normalize(arg(args, 0));
    match find(vm, &data, key) {
        Some(i) => entries_mut(vm, o)[i] = Some((key, arg(args, 1))),
        None => entries_mut(vm, o).push(Some((key, arg(args, 1)))),
    }
    Ok(this)
}

fn map_delete(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_map(vm, this, false, "Map.prototype.delete")?;
    let data = entries_of(vm, o);
    match find(vm, &data, arg(args, 0)) {
        Some(i) => {
            entries_mut(vm, o)[i] = None;
            Ok(Value::TRUE)
        }
        None => Ok(Value::FALSE),
    }
}

fn map_clear(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = this_map(vm, this, false, "Map.prototype.clear")?;
    for e in entries_mut(vm, o).iter_mut() {
        *e = None;
    }
    Ok(Value::UNDEFINED)
}

fn map_size(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = this_map(vm, this, false, "get Map.prototype.size")?;
    Ok(Value::number(
        entries_of(vm, o).iter().flatten().count() as f64
    ))
}

fn map_for_each(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_map(vm, this, false, "Map.prototype.forEach")?;
    let f = arg(args, 0);
    if !vm.is_callable(f) {
        return Err(vm.type_error("Map.prototype.forEach: callback is not a function"));
    }
    let mut i = 0;
    loop {
        let data = entries_of(vm, o);
        if i >= data.len() {
            break;
        }
        if let Some((k, v)) = data[i] {
            vm.call(f, arg(args, 1), &[v, k, this])?;
        }
        i += 1;
    }
    Ok(Value::UNDEFINED)
}

fn map_iterator(vm: &mut Vm, this: Value, kind: u8, method: &str) -> JsResult<Value> {
    let o = this_map(vm, this, false, method)?;
    let proto = vm.intrinsics().map_iterator_prototype;
    Ok(vm
        .alloc(Object::new(
            Some(proto),
            ObjectKind::MapIterator {
                map: o.value(),
                index: 0,
                kind,
            },
        ))
        .value())
}

fn map_keys(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    map_iterator(vm, this, 0, "Map.prototype.keys")
}
fn map_values(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    map_iterator(vm, this, 1, "Map.prototype.values")
}
fn map_entries(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    map_iterator(vm, this, 2, "Map.prototype.entries")
}

fn collection_iterator_next(vm: &mut Vm, this: Value, want_set: bool) -> JsResult<Value> {
    let Some(it) = this.as_object() else {
        return Err(vm.type_error("next called on incompatible receiver"));
    };
    let (target, index, kind) = match vm.obj(it).kind {
        ObjectKind::MapIterator { map, index, kind } if !want_set => (map, index, kind),
        ObjectKind::SetIterator { set, index, kind } if want_set => (set, index, kind),
        _ => return Err(vm.type_error("next called on incompatible receiver")),
    };
    let Some(t) = target.as_object() else {
        return Ok(super::iterator::iter_result(vm, Value::UNDEFINED, true));
    };
    let data = entries_of(vm, t);
    let mut i = index;
    while i < data.len() && data[i].is_none() {
        i += 1;
    }
    let next_state = |vm: &mut Vm, index: usize, done: bool| match &mut vm.obj_mut(it).kind {
        ObjectKind::MapIterator { map, index: ix, .. }
        | ObjectKind::SetIterator {
            set: map,
            index: ix,
            ..
        } => {
            *ix = index;
            if done {
                *map = Value::UNDEFINED;
            }
        }
        _ => {}
    };
    if i >= data.len() {
        next_state(vm, i, true);
        return Ok(super::iterator::iter_result(vm, Value::UNDEFINED, true));
    }
    next_state(vm, i + 1, false);
    let (k, v) = data[i].expect("present");
    let result = match kind {
        0 => k,
        1 => v,
        _ => vm.new_array(vec![k, v]).value(),
    };
    Ok(super::iterator::iter_result(vm, result, false))
}

fn map_iterator_next(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    collection_iterator_next(vm, this, false)
}

fn set_iterator_next(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    collection_iterator_next(vm, this, true)
}

fn set_add(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_map(vm, this, true, "Set.prototype.add")?;
    let data = entries_of(vm, o);
    let key = normalize(arg(args, 0));
    if find(vm, &data, key).is_none() {
        entries_mut(vm, o).push(Some((key, key)));
    }
    Ok(this)
}

fn set_has(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_map(vm, this, true, "Set.prototype.has")?;
    let data = entries_of(vm, o);
    Ok(Value::boolean(find(vm, &data, arg(args, 0)).is_some()))
}

fn set_delete(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_map(vm, this, true, "Set.prototype.delete")?;
    let data = entries_of(vm, o);
    match find(vm, &data, arg(args, 0)) {
        Some(i) => {
            entries_mut(vm, o)[i] = None;
            Ok(Value::TRUE)
        }
        None => Ok(Value::FALSE),
    }
}

fn set_clear(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = this_map(vm, this, true, "Set.prototype.clear")?;
    for e in entries_mut(vm, o).iter_mut() {
        *e = None;
    }
    Ok(Value::UNDEFINED)
}

fn set_size(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = this_map(vm, this, true, "get Set.prototype.size")?;
    Ok(Value::number(
        entries_of(vm, o).iter().flatten().count() as f64
    ))
}

fn set_for_each(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_map(vm, this, true, "Set.prototype.forEach")?;
    let f = arg(args, 0);
    if !vm.is_callable(f) {
        return Err(vm.type_error("Set.prototype.forEach: callback is not a function"));
    }
    let mut i = 0;
    loop {
        let data = entries_of(vm, o);
        if i >= data.len() {
            break;
        }
        if let Some((k, _)) = data[i] {
            vm.call(f, arg(args, 1), &[k, k, this])?;
        }
        i += 1;
    }
    Ok(Value::UNDEFINED)
}

fn set_iterator(vm: &mut Vm, this: Value, kind: u8, method: &str) -> JsResult<Value> {
    let o = this_map(vm, this, true, method)?;
    let proto = vm.intrinsics().set_iterator_prototype;
    Ok(vm
        .alloc(Object::new(
            Some(proto),
            ObjectKind::SetIterator {
                set: o.value(),
                index: 0,
                kind,
            },
        ))
        .value())
}

fn set_values(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    set_iterator(vm, this, 1, "Set.prototype.values")
}
fn set_entries(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    set_iterator(vm, this, 2, "Set.prototype.entries")
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
    let (it, next) = super::iterator::get_iterator(vm, items)?;
    vm.handles.push(it);
    let mut groups: Vec<(Value, Vec<Value>)> = Vec::new();
    let mut k = 0.0;
    while let Some(v) = super::iterator::step(vm, it, next)? {
        vm.handles.push(v);
        let key = match vm.call(callback, Value::UNDEFINED, &[v, Value::number(k)]) {
            Ok(key) => key,
            Err(e) => {
                let _ = super::iterator::close(vm, it);
                return Err(e);
            }
        };
        let key = if property_keys {
            match vm.to_property_key(key) {
                Ok(pk) => vm.key_value(pk),
                Err(e) => {
                    let _ = super::iterator::close(vm, it);
                    return Err(e);
                }
            }
        } else {
            normalize(key)
        };
        vm.handles.push(key);
        let mut found = None;
        for (i, (g, _)) in groups.iter().enumerate() {
            if vm.same_value_zero(*g, key) {
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

fn map_group_by(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let groups = group_by(vm, arg(args, 0), arg(args, 1), false)?;
    let proto = vm.intrinsics().map_prototype;
    let mut data = MapData::default();
    for (k, values) in groups {
        let a = vm.new_array(values);
        data.entries.push(Some((k, a.value())));
    }
    Ok(vm
        .alloc(Object::new(Some(proto), ObjectKind::Map(Box::new(data))))
        .value())
}
