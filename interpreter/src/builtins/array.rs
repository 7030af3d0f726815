//! 23.1 Array objects. Methods work on any array-like through \[\[Get\]\]/\[\[Set\]\], as the spec says.

use super::arg;
use crate::abstract_ops::iterators;
use crate::abstract_ops::objects::length_of_array_like;
use crate::abstract_ops::testing_comparison::is_array;
use crate::abstract_ops::type_conversion::index_key;
use crate::heap::ObjRef;
use crate::limits::StringBuilder;
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
use crate::property::Descriptor;
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let mut proto_object = Object::new(Some(op), ObjectKind::Array);
    proto_object.length = 0;
    let proto = vm.alloc(proto_object);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].array_prototype = proto;
    let ctor = vm.make_constructor("Array", 1, array_call, Some(array_construct), proto);
    vm.realms[realm].array_constructor = ctor;
    vm.define_method(ctor, "isArray", 1, is_array_fn);
    vm.define_method(ctor, "of", 0, of);
    vm.define_method(ctor, "from", 1, from);
    vm.define_method(ctor, "fromAsync", 1, super::array_from_async::from_async);
    vm.define_species_getter(ctor);
    let methods: &[(&str, u32, crate::object::NativeFn)] = &[
        ("at", 1, at),
        ("concat", 1, concat),
        ("copyWithin", 2, copy_within),
        ("entries", 0, entries),
        ("every", 1, every),
        ("fill", 1, fill),
        ("filter", 1, filter),
        ("find", 1, find),
        ("findIndex", 1, find_index),
        ("findLast", 1, find_last),
        ("findLastIndex", 1, find_last_index),
        ("flat", 0, flat),
        ("flatMap", 1, flat_map),
        ("forEach", 1, for_each),
        ("includes", 1, includes),
        ("indexOf", 1, index_of),
        ("join", 1, join),
        ("keys", 0, keys),
        ("lastIndexOf", 1, last_index_of),
        ("map", 1, map),
        ("pop", 0, pop),
        ("push", 1, push),
        ("reduce", 1, reduce),
        ("reduceRight", 1, reduce_right),
        ("reverse", 0, reverse),
        ("shift", 0, shift),
        ("slice", 2, slice),
        ("some", 1, some),
        ("sort", 1, sort),
        ("splice", 2, splice),
        ("toLocaleString", 0, to_locale_string),
        ("toReversed", 0, to_reversed),
        ("toSorted", 1, to_sorted),
        ("toSpliced", 2, to_spliced),
        ("toString", 0, to_string),
        ("unshift", 1, unshift),
        ("with", 2, with),
    ];
    for (name, length, f) in methods {
        vm.define_method(proto, name, *length, *f);
    }
    let values_fn = vm.define_method_now(proto, "values", 0, values);
    vm.realms[realm].array_values = values_fn;
    let it = vm.agent.symbols.iterator;
    vm.define_data(
        proto,
        PropertyKey::Symbol(it),
        values_fn.value(),
        attrs::HIDDEN,
    );
    // 23.1.3.41 Array.prototype [ @@unscopables ]
    let unscopables = vm.new_object_with_proto(None);
    for name in [
        "at",
        "copyWithin",
        "entries",
        "fill",
        "find",
        "findIndex",
        "findLast",
        "findLastIndex",
        "flat",
        "flatMap",
        "includes",
        "keys",
        "toReversed",
        "toSorted",
        "toSpliced",
        "values",
    ] {
        let k = vm.key(name);
        vm.define_data(unscopables, k, Value::TRUE, attrs::DEFAULT);
    }
    let u = vm.agent.symbols.unscopables;
    vm.define_data(
        proto,
        PropertyKey::Symbol(u),
        unscopables.value(),
        attrs::CONFIGURABLE,
    );
}

fn is_array_fn(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::boolean(is_array(vm, arg(args, 0))?))
}

/// 10.4.2.2 ArrayCreate
pub fn array_create(vm: &mut Vm, length: f64, proto: Option<ObjRef>) -> JsResult<ObjRef> {
    if length > 4294967295.0 {
        return Err(vm.range_error("Invalid array length"));
    }
    let proto = proto.unwrap_or(vm.intrinsics().array_prototype);
    let mut o = Object::new(Some(proto), ObjectKind::Array);
    o.length = length as u32;
    Ok(vm.alloc(o))
}

fn array_call(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    construct_array(vm, args, None)
}

fn array_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.array_prototype)?;
    construct_array(vm, args, Some(proto))
}

/// 23.1.1.1 Array ( ...values )
fn construct_array(vm: &mut Vm, args: &[Value], proto: Option<ObjRef>) -> JsResult<Value> {
    if args.len() == 1 {
        let len = args[0];
        if let Some(n) = len.as_number() {
            let int = vm.to_uint32(len)?;
            if f64::from(int) != n {
                return Err(vm.range_error("Invalid array length"));
            }
            return Ok(array_create(vm, n, proto)?.value());
        }
        let a = array_create(vm, 0.0, proto)?;
        vm.create_data_property_or_throw(a, PropertyKey::Index(0), len)?;
        return Ok(a.value());
    }
    let a = array_create(vm, 0.0, proto)?;
    let object = vm.obj_mut(a);
    object.elements = crate::object::Elements::Dense(args.to_vec());
    object.length = args.len() as u32;
    Ok(a.value())
}

fn of(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let a = if vm.is_constructor(this) {
        vm.construct(this, &[Value::int32(args.len() as i32)], this)?
    } else {
        array_create(vm, args.len() as f64, None)?.value()
    };
    let o = a.as_object().expect("an object");
    for (i, &v) in args.iter().enumerate() {
        vm.create_data_property_or_throw(o, PropertyKey::Index(i as u32), v)?;
    }
    set_length(vm, o, args.len() as f64)?;
    Ok(a)
}

/// 23.1.2.1 Array.from
fn from(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let items = arg(args, 0);
    let mapfn = arg(args, 1);
    let this_arg = arg(args, 2);
    let mapping = !mapfn.is_undefined();
    if mapping && !vm.is_callable(mapfn) {
        return Err(vm.type_error("Array.from: mapper is not a function"));
    }
    let key = PropertyKey::Symbol(vm.agent.symbols.iterator);
    let using = vm.get_method(items, key)?;
    if !using.is_undefined() {
        let a = if vm.is_constructor(this) {
            vm.construct(this, &[], this)?
        } else {
            vm.new_array(Vec::new()).value()
        };
        let o = a.as_object().expect("an object");
        vm.root(a);
        let record = iterators::get_iterator_from_method(vm, items, using)?;
        let (it, next) = iterators::rooted(vm, record);
        let mut k = 0u32;
        loop {
            let Some(v) = iterators::iterator_step_value(vm, it, next)? else {
                set_length(vm, o, f64::from(k))?;
                return Ok(a);
            };
            let result = (|| {
                let v = if mapping {
                    vm.call(mapfn, this_arg, &[v, Value::number(f64::from(k))])?
                } else {
                    v
                };
                vm.create_data_property_or_throw(o, PropertyKey::Index(k), v)
            })();
            if let Err(e) = result {
                if let crate::vm::JsError::Throw(v) = &e {
                    vm.root(*v);
                }
                let _ = iterators::iterator_close(vm, it);
                return Err(e);
            }
            k += 1;
        }
    }
    let array_like = vm.to_object(items)?;
    let len = length_of_array_like(vm, array_like)?;
    let a = if vm.is_constructor(this) {
        vm.construct(this, &[Value::number(len)], this)?
    } else {
        array_create(vm, len, None)?.value()
    };
    vm.root(a);
    let o = a.as_object().expect("an object");
    let mut k = 0.0;
    while k < len {
        vm.check_interrupt_native()?;
        let key = index_key(vm, k);
        let v = vm.get(array_like, key, array_like.value())?;
        let v = if mapping {
            vm.call(mapfn, this_arg, &[v, Value::number(k)])?
        } else {
            v
        };
        vm.create_data_property_or_throw(o, key, v)?;
        k += 1.0;
    }
    set_length(vm, o, len)?;
    Ok(a)
}

/// HasProperty(o, k), then Get(o, k) when present. A key past the array indices is an atom
/// only this call holds: it is rooted across the first trap (which may collect).
fn get_present(vm: &mut Vm, o: ObjRef, k: f64) -> JsResult<Option<Value>> {
    vm.handle_scope(|vm| {
        let key = index_key(vm, k);
        vm.root_key(key);
        if !vm.has_property(o, key)? {
            return Ok(None);
        }
        vm.get(o, key, o.value()).map(Some)
    })
}

/// The element at `k`: `None` for a hole when `skip_holes`, else Get(o, k) whatever is there.
fn get_element(vm: &mut Vm, o: ObjRef, k: f64, skip_holes: bool) -> JsResult<Option<Value>> {
    if skip_holes {
        return get_present(vm, o, k);
    }
    let key = index_key(vm, k);
    vm.get(o, key, o.value()).map(Some)
}

/// One step of the moves `shift`, `unshift`, `splice` and `copyWithin` make: the element at
/// `from` goes to `to`, or `to` is deleted when `from` is absent.
fn move_element(vm: &mut Vm, o: ObjRef, from: f64, to: f64) -> JsResult<()> {
    let value = get_present(vm, o, from)?;
    let to = index_key(vm, to);
    match value {
        Some(v) => vm.set_or_throw(o, to, v, true).map(|_| ()),
        None => vm.delete_or_throw(o, to).map(|_| ()),
    }
}

fn set_length(vm: &mut Vm, o: ObjRef, len: f64) -> JsResult<()> {
    let key = PropertyKey::String(vm.agent.names.length);
    vm.set_or_throw(o, key, Value::number(len), true)
}

fn callback(vm: &mut Vm, f: Value, name: &str) -> JsResult<()> {
    if !vm.is_callable(f) {
        let d = vm.describe(f);
        return Err(vm.type_error(&format!("Array.prototype.{name}: {d} is not a function")));
    }
    Ok(())
}

/// 10.4.2.3 ArraySpeciesCreate
fn species_create(vm: &mut Vm, original: ObjRef, length: f64) -> JsResult<ObjRef> {
    if !is_array(vm, original.value())? {
        return array_create(vm, length, None);
    }
    let ck = PropertyKey::String(vm.agent.names.constructor);
    let mut c = vm.get(original, ck, original.value())?;
    if vm.is_constructor(c) {
        let co = c.as_object().expect("a constructor");
        let realm = vm.function_realm(co)?;
        if realm != vm.stack.realm
            && Some(co) == vm.realms[realm as usize].constructors.get("Array").copied()
        {
            c = Value::UNDEFINED;
        }
    }
    if let Some(co) = c.as_object() {
        let sk = PropertyKey::Symbol(vm.agent.symbols.species);
        c = vm.get(co, sk, c)?;
        if c.is_null() {
            c = Value::UNDEFINED;
        }
    }
    if c.is_undefined() {
        return array_create(vm, length, None);
    }
    if !vm.is_constructor(c) {
        return Err(vm.type_error("Array species is not a constructor"));
    }
    let a = vm.construct(c, &[Value::number(length)], c)?;
    match a.as_object() {
        Some(o) => Ok(o),
        None => Err(vm.type_error("Array species constructor returned a non-object")),
    }
}

fn relative_index(vm: &mut Vm, v: Value, len: f64, default: f64) -> JsResult<f64> {
    if v.is_undefined() {
        return Ok(default);
    }
    let r = vm.to_integer_or_infinity(v)?;
    Ok(if r < 0.0 {
        (len + r).max(0.0)
    } else {
        r.min(len)
    })
}

fn at(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let r = vm.to_integer_or_infinity(arg(args, 0))?;
    let k = if r >= 0.0 { r } else { len + r };
    if k < 0.0 || k >= len {
        return Ok(Value::UNDEFINED);
    }
    let key = index_key(vm, k);
    vm.get(o, key, o.value())
}

fn is_concat_spreadable(vm: &mut Vm, v: Value) -> JsResult<bool> {
    let Some(o) = v.as_object() else {
        return Ok(false);
    };
    let key = PropertyKey::Symbol(vm.agent.symbols.is_concat_spreadable);
    let s = vm.get(o, key, v)?;
    if !s.is_undefined() {
        return Ok(vm.to_boolean(s));
    }
    is_array(vm, v)
}

/// 23.1.3.2 Array.prototype.concat
fn concat(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let a = species_create(vm, o, 0.0)?;
    vm.root(a.value());
    let mut n = 0.0;
    let mut items = vec![o.value()];
    items.extend_from_slice(args);
    for e in items {
        if is_concat_spreadable(vm, e)? {
            let eo = e.as_object().expect("an object");
            let len = length_of_array_like(vm, eo)?;
            if n + len > 9007199254740991.0 {
                return Err(vm.type_error("Array length exceeds the maximum"));
            }
            let mut k = 0.0;
            while k < len {
                vm.check_interrupt_native()?;
                let key = index_key(vm, k);
                if vm.has_property(eo, key)? {
                    let v = vm.get(eo, key, e)?;
                    let nk = index_key(vm, n);
                    vm.create_data_property_or_throw(a, nk, v)?;
                }
                n += 1.0;
                k += 1.0;
            }
        } else {
            let nk = index_key(vm, n);
            vm.create_data_property_or_throw(a, nk, e)?;
            n += 1.0;
        }
    }
    set_length(vm, a, n)?;
    Ok(a.value())
}

fn copy_within(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let mut to = relative_index(vm, arg(args, 0), len, 0.0)?;
    let mut from = relative_index(vm, arg(args, 1), len, 0.0)?;
    let fin = relative_index(vm, arg(args, 2), len, len)?;
    let mut count = (fin - from).min(len - to);
    let dir = if from < to && to < from + count {
        from += count - 1.0;
        to += count - 1.0;
        -1.0
    } else {
        1.0
    };
    while count > 0.0 {
        vm.check_interrupt_native()?;
        move_element(vm, o, from, to)?;
        from += dir;
        to += dir;
        count -= 1.0;
    }
    Ok(o.value())
}

fn entries(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    Ok(super::iterator::create_array_iterator(vm, o.value(), 2))
}

fn keys(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    Ok(super::iterator::create_array_iterator(vm, o.value(), 0))
}

fn values(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    Ok(super::iterator::create_array_iterator(vm, o.value(), 1))
}

/// The shared loop of every/some/forEach/map/filter/find*: calls `f(value, index, o)` for each
/// present index (or every index for the find family) and lets `visit` decide.
fn each(
    vm: &mut Vm,
    this: Value,
    args: &[Value],
    name: &str,
    skip_holes: bool,
    reverse: bool,
    mut visit: impl FnMut(&mut Vm, f64, Value, Value) -> JsResult<bool>,
) -> JsResult<ObjRef> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let f = arg(args, 0);
    callback(vm, f, name)?;
    let this_arg = arg(args, 1);
    let mut k = if reverse { len - 1.0 } else { 0.0 };
    while if reverse { k >= 0.0 } else { k < len } {
        vm.check_interrupt_native()?;
        let value = get_element(vm, o, k, skip_holes)?;
        if let Some(v) = value {
            let r = vm.call(f, this_arg, &[v, Value::number(k), o.value()])?;
            if !visit(vm, k, v, r)? {
                break;
            }
        }
        k += if reverse { -1.0 } else { 1.0 };
    }
    Ok(o)
}

fn every(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let mut result = true;
    each(vm, this, args, "every", true, false, |vm, _, _, r| {
        if !vm.to_boolean(r) {
            result = false;
            return Ok(false);
        }
        Ok(true)
    })?;
    Ok(Value::boolean(result))
}

fn some(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let mut result = false;
    each(vm, this, args, "some", true, false, |vm, _, _, r| {
        if vm.to_boolean(r) {
            result = true;
            return Ok(false);
        }
        Ok(true)
    })?;
    Ok(Value::boolean(result))
}

fn for_each(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    each(vm, this, args, "forEach", true, false, |_, _, _, _| {
        Ok(true)
    })?;
    Ok(Value::UNDEFINED)
}

fn find_impl(
    vm: &mut Vm,
    this: Value,
    args: &[Value],
    reverse: bool,
    want_index: bool,
) -> JsResult<Value> {
    let mut found = (Value::UNDEFINED, -1.0);
    each(vm, this, args, "find", false, reverse, |vm, k, v, r| {
        if vm.to_boolean(r) {
            found = (v, k);
            return Ok(false);
        }
        Ok(true)
    })?;
    Ok(if want_index {
        Value::number(found.1)
    } else {
        found.0
    })
}

fn find(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    find_impl(vm, this, args, false, false)
}
fn find_index(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    find_impl(vm, this, args, false, true)
}
fn find_last(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    find_impl(vm, this, args, true, false)
}
fn find_last_index(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    find_impl(vm, this, args, true, true)
}

/// 23.1.3.21 Array.prototype.map
fn map(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    callback(vm, arg(args, 0), "map")?;
    let a = species_create(vm, o, len)?;
    vm.root(a.value());
    each(vm, o.value(), args, "map", true, false, |vm, k, _, r| {
        let key = index_key(vm, k);
        vm.create_data_property_or_throw(a, key, r)?;
        Ok(true)
    })?;
    Ok(a.value())
}

fn filter(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    callback(vm, arg(args, 0), "filter")?;
    let a = species_create(vm, o, 0.0)?;
    vm.root(a.value());
    let mut to = 0.0;
    each(vm, o.value(), args, "filter", true, false, |vm, _, v, r| {
        if vm.to_boolean(r) {
            let key = index_key(vm, to);
            vm.create_data_property_or_throw(a, key, v)?;
            to += 1.0;
        }
        Ok(true)
    })?;
    Ok(a.value())
}

fn fill(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let mut k = relative_index(vm, arg(args, 1), len, 0.0)?;
    let fin = relative_index(vm, arg(args, 2), len, len)?;
    while k < fin {
        vm.check_interrupt_native()?;
        let key = index_key(vm, k);
        vm.set_or_throw(o, key, arg(args, 0), true)?;
        k += 1.0;
    }
    Ok(o.value())
}

fn flatten_into(
    vm: &mut Vm,
    target: ObjRef,
    source: ObjRef,
    len: f64,
    start: f64,
    depth: f64,
    mapper: Option<(Value, Value)>,
) -> JsResult<f64> {
    vm.check_native_stack()?;
    let mut target_index = start;
    let mut k = 0.0;
    while k < len {
        vm.check_interrupt_native()?;
        let key = index_key(vm, k);
        if vm.has_property(source, key)? {
            let mut element = vm.get(source, key, source.value())?;
            if let Some((f, t)) = mapper {
                element = vm.call(f, t, &[element, Value::number(k), source.value()])?;
            }
            if depth > 0.0 && is_array(vm, element)? {
                let eo = element.as_object().expect("an array");
                let elen = length_of_array_like(vm, eo)?;
                target_index = flatten_into(vm, target, eo, elen, target_index, depth - 1.0, None)?;
            } else {
                let tk = index_key(vm, target_index);
                vm.create_data_property_or_throw(target, tk, element)?;
                target_index += 1.0;
            }
        }
        k += 1.0;
    }
    Ok(target_index)
}

fn flat(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let depth = if arg(args, 0).is_undefined() {
        1.0
    } else {
        vm.to_integer_or_infinity(arg(args, 0))?.max(0.0)
    };
    let a = species_create(vm, o, 0.0)?;
    vm.root(a.value());
    flatten_into(vm, a, o, len, 0.0, depth, None)?;
    Ok(a.value())
}

fn flat_map(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    callback(vm, arg(args, 0), "flatMap")?;
    let a = species_create(vm, o, 0.0)?;
    vm.root(a.value());
    flatten_into(vm, a, o, len, 0.0, 1.0, Some((arg(args, 0), arg(args, 1))))?;
    Ok(a.value())
}

fn includes(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    if len == 0.0 {
        return Ok(Value::FALSE);
    }
    let mut k = relative_index(vm, arg(args, 1), len, 0.0)?;
    while k < len {
        vm.check_interrupt_native()?;
        let key = index_key(vm, k);
        let v = vm.get(o, key, o.value())?;
        if vm.same_value_zero(v, arg(args, 0))? {
            return Ok(Value::TRUE);
        }
        k += 1.0;
    }
    Ok(Value::FALSE)
}

fn index_of(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    if len == 0.0 {
        return Ok(Value::int32(-1));
    }
    let mut k = relative_index(vm, arg(args, 1), len, 0.0)?;
    while k < len {
        vm.check_interrupt_native()?;
        if let Some(v) = get_present(vm, o, k)?
            && vm.strict_equals(v, arg(args, 0))?
        {
            return Ok(Value::number(k));
        }
        k += 1.0;
    }
    Ok(Value::int32(-1))
}

fn last_index_of(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    if len == 0.0 {
        return Ok(Value::int32(-1));
    }
    let mut k = if args.len() > 1 {
        let n = vm.to_integer_or_infinity(args[1])?;
        if n == f64::NEG_INFINITY {
            return Ok(Value::int32(-1));
        }
        if n >= 0.0 { n.min(len - 1.0) } else { len + n }
    } else {
        len - 1.0
    };
    while k >= 0.0 {
        vm.check_interrupt_native()?;
        if let Some(v) = get_present(vm, o, k)?
            && vm.strict_equals(v, arg(args, 0))?
        {
            return Ok(Value::number(k));
        }
        k -= 1.0;
    }
    Ok(Value::int32(-1))
}

/// 23.1.3.18 Array.prototype.join
fn join(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    if vm.stack.join_stack.contains(&o) {
        return Ok(vm.string(""));
    }
    let len = length_of_array_like(vm, o)?;
    let sep: Vec<u16> = if arg(args, 0).is_undefined() {
        vec![u16::from(b',')]
    } else {
        let s = vm.to_string(arg(args, 0))?;
        vm.units_checked(s)?.to_vec()
    };
    // The separators alone may be too long, as in V8: no element is read then.
    vm.check_string_length((len - 1.0).max(0.0) * sep.len() as f64)?;
    vm.stack.join_stack.push(o);
    let result = (|| {
        let mut out = StringBuilder::new();
        let mut k = 0.0;
        while k < len {
            vm.check_interrupt_native()?;
            if k > 0.0 {
                out.push_units(vm, &sep)?;
            }
            let key = index_key(vm, k);
            let v = vm.get(o, key, o.value())?;
            if !v.is_nullish() {
                let s = vm.to_string(v)?;
                let units = vm.units_checked(s)?;
                out.push_units(vm, &units)?;
            }
            k += 1.0;
        }
        out.finish(vm)
    })();
    vm.stack.join_stack.pop();
    result
}

fn to_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let jk = vm.key("join");
    let f = vm.get(o, jk, o.value())?;
    if vm.is_callable(f) {
        return vm.call(f, o.value(), &[]);
    }
    super::object::to_string(vm, o.value(), &[])
}

fn to_locale_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    vm.check_string_length((len - 1.0).max(0.0))?;
    let mut out = StringBuilder::new();
    let mut k = 0.0;
    while k < len {
        vm.check_interrupt_native()?;
        if k > 0.0 {
            out.push(vm, u16::from(b','))?;
        }
        let key = index_key(vm, k);
        let v = vm.get(o, key, o.value())?;
        if !v.is_nullish() {
            let lk = vm.key("toLocaleString");
            let f = vm.get_v(v, lk)?;
            let s = vm.call(f, v, &[])?;
            let s = vm.to_string(s)?;
            let units = vm.units_checked(s)?;
            out.push_units(vm, &units)?;
        }
        k += 1.0;
    }
    out.finish(vm)
}

fn pop(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    if len == 0.0 {
        set_length(vm, o, 0.0)?;
        return Ok(Value::UNDEFINED);
    }
    let key = index_key(vm, len - 1.0);
    let v = vm.get(o, key, o.value())?;
    vm.delete_or_throw(o, key)?;
    set_length(vm, o, len - 1.0)?;
    Ok(v)
}

/// 23.1.3.23 Array.prototype.push
fn push(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    // Fast path: a plain dense array with a writable length.
    let object = vm.obj_mut(o);
    if object.is_array()
        && object.length_writable
        && object.extensible
        && let crate::object::Elements::Dense(v) = &mut object.elements
        && v.len() == object.length as usize
        && (object.length as usize + args.len()) < u32::MAX as usize
    {
        let before = v.capacity();
        v.extend_from_slice(args);
        let grown = (v.capacity() - before) * size_of::<Value>();
        object.length = v.len() as u32;
        let length = object.length;
        vm.agent.heap.note_growth(grown);
        return Ok(Value::number(f64::from(length)));
    }
    let len = length_of_array_like(vm, o)?;
    if len + args.len() as f64 > 9007199254740991.0 {
        return Err(vm.type_error("Pushing would exceed the maximum array length"));
    }
    let mut n = len;
    for &v in args {
        let key = index_key(vm, n);
        vm.set_or_throw(o, key, v, true)?;
        n += 1.0;
    }
    set_length(vm, o, n)?;
    Ok(Value::number(n))
}

fn reduce_impl(vm: &mut Vm, this: Value, args: &[Value], right: bool) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let f = arg(args, 0);
    callback(vm, f, "reduce")?;
    let mut k = if right { len - 1.0 } else { 0.0 };
    let in_range = |k: f64| if right { k >= 0.0 } else { k < len };
    let step = if right { -1.0 } else { 1.0 };
    let mut acc = if args.len() >= 2 {
        args[1]
    } else {
        let mut found = None;
        while in_range(k) {
            vm.check_interrupt_native()?;
            found = get_present(vm, o, k)?;
            k += step;
            if found.is_some() {
                break;
            }
        }
        match found {
            Some(v) => v,
            None => return Err(vm.type_error("Reduce of empty array with no initial value")),
        }
    };
    while in_range(k) {
        vm.check_interrupt_native()?;
        // `has_property` and `get` can run JavaScript while the accumulator is only here.
        acc = vm.with_roots(&[acc], |vm| match get_present(vm, o, k)? {
            Some(v) => vm.call(f, Value::UNDEFINED, &[acc, v, Value::number(k), o.value()]),
            None => Ok(acc),
        })?;
        k += step;
    }
    Ok(acc)
}

fn reduce(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    reduce_impl(vm, this, args, false)
}
fn reduce_right(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    reduce_impl(vm, this, args, true)
}

fn reverse(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let middle = (len / 2.0).floor();
    let mut lower = 0.0;
    while lower != middle {
        vm.check_interrupt_native()?;
        let upper = len - lower - 1.0;
        // Traps and getters run between the uses of the keys and the values: all rooted.
        vm.handle_scope(|vm| {
            let lk = index_key(vm, lower);
            let uk = index_key(vm, upper);
            vm.root_keys(&[lk, uk]);
            let lv = get_present(vm, o, lower)?;
            if let Some(v) = lv {
                vm.root(v);
            }
            let uv = get_present(vm, o, upper)?;
            if let Some(v) = uv {
                vm.root(v);
            }
            match (lv, uv) {
                (Some(lv), Some(uv)) => {
                    vm.set_or_throw(o, lk, uv, true)?;
                    vm.set_or_throw(o, uk, lv, true)?;
                }
                (None, Some(uv)) => {
                    vm.set_or_throw(o, lk, uv, true)?;
                    vm.delete_or_throw(o, uk)?;
                }
                (Some(lv), None) => {
                    vm.delete_or_throw(o, lk)?;
                    vm.set_or_throw(o, uk, lv, true)?;
                }
                (None, None) => {}
            }
            Ok(())
        })?;
        lower += 1.0;
    }
    Ok(o.value())
}

fn shift(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    if len == 0.0 {
        set_length(vm, o, 0.0)?;
        return Ok(Value::UNDEFINED);
    }
    let first = vm.get(o, PropertyKey::Index(0), o.value())?;
    let mut k = 1.0;
    while k < len {
        vm.check_interrupt_native()?;
        move_element(vm, o, k, k - 1.0)?;
        k += 1.0;
    }
    let last = index_key(vm, len - 1.0);
    vm.delete_or_throw(o, last)?;
    set_length(vm, o, len - 1.0)?;
    Ok(first)
}

fn unshift(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let n = args.len() as f64;
    if n > 0.0 {
        if len + n > 9007199254740991.0 {
            return Err(vm.type_error("Unshift would exceed the maximum array length"));
        }
        let mut k = len;
        while k > 0.0 {
            vm.check_interrupt_native()?;
            move_element(vm, o, k - 1.0, k + n - 1.0)?;
            k -= 1.0;
        }
        for (j, &v) in args.iter().enumerate() {
            vm.set_or_throw(o, PropertyKey::Index(j as u32), v, true)?;
        }
    }
    set_length(vm, o, len + n)?;
    Ok(Value::number(len + n))
}

fn slice(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let mut k = relative_index(vm, arg(args, 0), len, 0.0)?;
    let fin = relative_index(vm, arg(args, 1), len, len)?;
    let count = (fin - k).max(0.0);
    let a = species_create(vm, o, count)?;
    vm.root(a.value());
    let mut n = 0.0;
    while k < fin {
        vm.check_interrupt_native()?;
        if let Some(v) = get_present(vm, o, k)? {
            let nk = index_key(vm, n);
            vm.create_data_property_or_throw(a, nk, v)?;
        }
        k += 1.0;
        n += 1.0;
    }
    set_length(vm, a, n)?;
    Ok(a.value())
}

/// 23.1.3.31 Array.prototype.splice
fn splice(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let start = relative_index(vm, arg(args, 0), len, 0.0)?;
    let (insert, delete_count) = match args.len() {
        0 => (0.0, 0.0),
        1 => (0.0, len - start),
        _ => {
            let dc = vm.to_integer_or_infinity(args[1])?;
            ((args.len() - 2) as f64, dc.clamp(0.0, len - start))
        }
    };
    if len + insert - delete_count > 9007199254740991.0 {
        return Err(vm.type_error("Splice would exceed the maximum array length"));
    }
    let a = species_create(vm, o, delete_count)?;
    vm.root(a.value());
    let mut k = 0.0;
    while k < delete_count {
        vm.check_interrupt_native()?;
        if let Some(v) = get_present(vm, o, start + k)? {
            let to = index_key(vm, k);
            vm.create_data_property_or_throw(a, to, v)?;
        }
        k += 1.0;
    }
    set_length(vm, a, delete_count)?;
    let items = args.get(2..).unwrap_or(&[]);
    if insert < delete_count {
        let mut k = start;
        while k < len - delete_count {
            vm.check_interrupt_native()?;
            move_element(vm, o, k + delete_count, k + insert)?;
            k += 1.0;
        }
        let mut k = len;
        while k > len - delete_count + insert {
            vm.check_interrupt_native()?;
            let key = index_key(vm, k - 1.0);
            vm.delete_or_throw(o, key)?;
            k -= 1.0;
        }
    } else if insert > delete_count {
        let mut k = len - delete_count;
        while k > start {
            vm.check_interrupt_native()?;
            move_element(vm, o, k + delete_count - 1.0, k + insert - 1.0)?;
            k -= 1.0;
        }
    }
    for (j, &v) in items.iter().enumerate() {
        let key = index_key(vm, start + j as f64);
        vm.set_or_throw(o, key, v, true)?;
    }
    set_length(vm, o, len - delete_count + insert)?;
    Ok(a.value())
}

/// SortCompare with an optional comparator; undefined sorts last (handled by the caller).
fn sort_values(vm: &mut Vm, items: Vec<Value>, comparator: Value) -> JsResult<Vec<Value>> {
    merge_sort(vm, items, &mut |vm, a, b| {
        if comparator.is_undefined() {
            let sa = vm.to_string(a)?;
            let sb = vm.to_string(b)?;
            vm.compare_strings(sa, sb)
        } else {
            compare_with(vm, comparator, a, b)
        }
    })
}

/// The result of a user comparator as an ordering (NaN counts as equal).
pub(super) fn compare_with(
    vm: &mut Vm,
    comparator: Value,
    a: Value,
    b: Value,
) -> JsResult<std::cmp::Ordering> {
    let v = vm.call(comparator, Value::UNDEFINED, &[a, b])?;
    let n = vm.to_number(v)?;
    Ok(n.partial_cmp(&0.0).unwrap_or(std::cmp::Ordering::Equal))
}

/// A stable merge sort whose comparison may throw; the first error ends the sort.
pub(super) fn merge_sort(
    vm: &mut Vm,
    mut items: Vec<Value>,
    compare: &mut dyn FnMut(&mut Vm, Value, Value) -> JsResult<std::cmp::Ordering>,
) -> JsResult<Vec<Value>> {
    let n = items.len();
    let mut buffer = items.clone();
    let mut width = 1;
    while width < n {
        let mut i = 0;
        while i < n {
            let mid = (i + width).min(n);
            let end = (i + 2 * width).min(n);
            let (mut l, mut r, mut k) = (i, mid, i);
            while l < mid && r < end {
                vm.check_interrupt_native()?;
                if compare(vm, items[r], items[l])? == std::cmp::Ordering::Less {
                    buffer[k] = items[r];
                    r += 1;
                } else {
                    buffer[k] = items[l];
                    l += 1;
                }
                k += 1;
            }
            buffer[k..k + (mid - l)].copy_from_slice(&items[l..mid]);
            k += mid - l;
            buffer[k..k + (end - r)].copy_from_slice(&items[r..end]);
            i += 2 * width;
        }
        std::mem::swap(&mut items, &mut buffer);
        width *= 2;
    }
    Ok(items)
}

fn collect_for_sort(
    vm: &mut Vm,
    o: ObjRef,
    len: f64,
    skip_holes: bool,
) -> JsResult<(Vec<Value>, usize)> {
    let mut values = Vec::new();
    let mut undefined = 0;
    let mut k = 0.0;
    while k < len {
        vm.check_interrupt_native()?;
        let value = get_element(vm, o, k, skip_holes)?;
        if let Some(v) = value {
            if v.is_undefined() {
                undefined += 1;
            } else {
                vm.root(v);
                values.push(v);
            }
        }
        k += 1.0;
    }
    Ok((values, undefined))
}

/// 23.1.3.30 Array.prototype.sort
fn sort(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let comparator = arg(args, 0);
    if !comparator.is_undefined() && !vm.is_callable(comparator) {
        return Err(vm.type_error("The comparison function must be either a function or undefined"));
    }
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let (values, undefined) = collect_for_sort(vm, o, len, true)?;
    let sorted = sort_values(vm, values, comparator)?;
    let count = sorted.len();
    for (i, v) in sorted.into_iter().enumerate() {
        vm.set_or_throw(o, PropertyKey::Index(i as u32), v, true)?;
    }
    let mut k = count as f64;
    for _ in 0..undefined {
        let key = index_key(vm, k);
        vm.set_or_throw(o, key, Value::UNDEFINED, true)?;
        k += 1.0;
    }
    while k < len {
        vm.check_interrupt_native()?;
        let key = index_key(vm, k);
        vm.delete_or_throw(o, key)?;
        k += 1.0;
    }
    Ok(o.value())
}

fn to_sorted(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let comparator = arg(args, 0);
    if !comparator.is_undefined() && !vm.is_callable(comparator) {
        return Err(vm.type_error("The comparison function must be either a function or undefined"));
    }
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let a = array_create(vm, len, None)?;
    vm.root(a.value());
    let (values, undefined) = collect_for_sort(vm, o, len, false)?;
    let mut sorted = sort_values(vm, values, comparator)?;
    sorted.extend(std::iter::repeat_n(Value::UNDEFINED, undefined));
    let object = vm.obj_mut(a);
    object.elements = crate::object::Elements::Dense(sorted);
    Ok(a.value())
}

fn to_reversed(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let a = array_create(vm, len, None)?;
    vm.root(a.value());
    let mut k = 0.0;
    while k < len {
        vm.check_interrupt_native()?;
        let from = index_key(vm, len - k - 1.0);
        let v = vm.get(o, from, o.value())?;
        let to = index_key(vm, k);
        vm.create_data_property_or_throw(a, to, v)?;
        k += 1.0;
    }
    Ok(a.value())
}

fn to_spliced(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let start = relative_index(vm, arg(args, 0), len, 0.0)?;
    let (insert, skip) = match args.len() {
        0 => (0.0, 0.0),
        1 => (0.0, len - start),
        _ => {
            let dc = vm.to_integer_or_infinity(args[1])?;
            ((args.len() - 2) as f64, dc.clamp(0.0, len - start))
        }
    };
    let new_len = len + insert - skip;
    if new_len > 9007199254740991.0 {
        return Err(vm.type_error("Invalid array length"));
    }
    let a = array_create(vm, new_len, None)?;
    vm.root(a.value());
    let mut i = 0.0;
    let mut r = start + skip;
    while i < start {
        vm.check_interrupt_native()?;
        let k = index_key(vm, i);
        let v = vm.get(o, k, o.value())?;
        vm.create_data_property_or_throw(a, k, v)?;
        i += 1.0;
    }
    for &e in args.get(2..).unwrap_or(&[]) {
        let k = index_key(vm, i);
        vm.create_data_property_or_throw(a, k, e)?;
        i += 1.0;
    }
    while i < new_len {
        vm.check_interrupt_native()?;
        let from = index_key(vm, r);
        let v = vm.get(o, from, o.value())?;
        let k = index_key(vm, i);
        vm.create_data_property_or_throw(a, k, v)?;
        i += 1.0;
        r += 1.0;
    }
    Ok(a.value())
}

fn with(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let len = length_of_array_like(vm, o)?;
    let rel = vm.to_integer_or_infinity(arg(args, 0))?;
    let actual = if rel >= 0.0 { rel } else { len + rel };
    if actual >= len || actual < 0.0 {
        return Err(vm.range_error("Invalid index"));
    }
    let a = array_create(vm, len, None)?;
    vm.root(a.value());
    let mut k = 0.0;
    while k < len {
        vm.check_interrupt_native()?;
        let key = index_key(vm, k);
        let v = if k == actual {
            arg(args, 1)
        } else {
            vm.get(o, key, o.value())?
        };
        vm.create_data_property_or_throw(a, key, v)?;
        k += 1.0;
    }
    Ok(a.value())
}

/// Defines `length` on a fresh array-like without checks.
pub fn define_length(vm: &mut Vm, o: ObjRef, len: u32) {
    let _ = vm.define_own_property(
        o,
        PropertyKey::String(vm.agent.names.length),
        Descriptor {
            value: Some(Value::number(f64::from(len))),
            ..Default::default()
        },
    );
}
