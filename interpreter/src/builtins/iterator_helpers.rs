//! 27.1.3 The Iterator constructor and `Iterator.from`, the helper methods of
//! %Iterator.prototype% (map, filter, take, drop, flatMap, reduce, toArray, forEach, some,
//! every, find), %IteratorHelperPrototype% and %WrapForValidIteratorPrototype%.
//!
//! A helper is a generator in the spec; here it is a state machine (`Helper`) whose `step`
//! runs the closure from one yield to the next.

use super::arg;
use crate::abstract_ops::iterators::{
    create_iter_result_object, iterator_close, iterator_step_value,
};
use crate::heap::{ObjRef, Traced};
use crate::object::{Object, ObjectKind, Property, PropertyKey, Slot, attrs};
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};

/// The closure of one helper and where it stands.
pub struct Helper {
    pub kind: HelperKind,
    /// The underlying iterator record.
    pub iterator: Value,
    pub next: Value,
    pub counter: f64,
    pub state: HelperState,
}

pub enum HelperKind {
    Map(Value),
    Filter(Value),
    Take(f64),
    /// Items still to skip (`None` once skipped).
    Drop(Option<f64>),
    /// The mapper and the inner iterator being flattened.
    FlatMap(Value, Option<(Value, Value)>),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum HelperState {
    SuspendedStart,
    SuspendedYield,
    Executing,
    Completed,
}

impl Helper {
    pub fn trace(&self, out: &mut Vec<Traced>) {
        out.push(Traced::Value(self.iterator));
        out.push(Traced::Value(self.next));
        match self.kind {
            HelperKind::Map(f) | HelperKind::Filter(f) => out.push(Traced::Value(f)),
            HelperKind::FlatMap(f, inner) => {
                out.push(Traced::Value(f));
                if let Some((i, n)) = inner {
                    out.push(Traced::Value(i));
                    out.push(Traced::Value(n));
                }
            }
            HelperKind::Take(_) | HelperKind::Drop(_) => {}
        }
    }
}

pub fn init(vm: &mut Vm) {
    let proto = vm.intrinsics().iterator_prototype;
    let tag = vm.symbols.to_string_tag;
    let iterator = vm.make_constructor("Iterator", 0, requires_new, Some(construct), proto);
    vm.define_method(iterator, "from", 1, from);
    for (name, len, f) in [
        ("map", 1, map as crate::object::NativeFn),
        ("filter", 1, filter),
        ("take", 1, take),
        ("drop", 1, drop),
        ("flatMap", 1, flat_map),
        ("reduce", 1, reduce),
        ("toArray", 0, to_array),
        ("forEach", 1, for_each),
        ("some", 1, some),
        ("every", 1, every),
        ("find", 1, find),
    ] {
        vm.define_method(proto, name, len, f);
    }
    // 27.1.4.1 and 27.1.4.14: accessors whose setters ignore the prototype itself.
    let ck = PropertyKey::String(vm.names.constructor);
    define_weird_accessor(
        vm,
        proto,
        ck,
        "constructor",
        get_constructor,
        set_constructor,
    );
    define_weird_accessor(
        vm,
        proto,
        PropertyKey::Symbol(tag),
        "[Symbol.toStringTag]",
        get_to_string_tag,
        set_to_string_tag,
    );

    let helper_proto = vm.new_plain_object(proto);
    vm.define_method(helper_proto, "next", 0, helper_next);
    vm.define_method(helper_proto, "return", 0, helper_return);
    let t = vm.string("Iterator Helper");
    vm.define_data(
        helper_proto,
        PropertyKey::Symbol(tag),
        t,
        attrs::CONFIGURABLE,
    );
    let wrap_proto = vm.new_plain_object(proto);
    vm.define_method(wrap_proto, "next", 0, wrapped_next);
    vm.define_method(wrap_proto, "return", 0, wrapped_return);

    let realm = vm.realm as usize;
    vm.realms[realm].iterator_helper_prototype = helper_proto;
    vm.realms[realm].wrap_for_valid_iterator_prototype = wrap_proto;
}

fn define_weird_accessor(
    vm: &mut Vm,
    o: ObjRef,
    key: PropertyKey,
    name: &str,
    get: crate::object::NativeFn,
    set: crate::object::NativeFn,
) {
    let getter = vm.native_function(&format!("get {name}"), 0, get, None);
    let setter = vm.native_function(&format!("set {name}"), 1, set, None);
    vm.define_own_property_raw(
        o,
        key,
        Property {
            slot: Slot::Accessor {
                get: getter.value(),
                set: setter.value(),
            },
            attrs: attrs::CONFIGURABLE | attrs::ACCESSOR,
        },
    );
}

fn requires_new(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Err(vm.type_error("Constructor Iterator requires 'new'"))
}

fn iterator_constructor(vm: &Vm) -> Option<ObjRef> {
    vm.intrinsics().constructors.get("Iterator").copied()
}

/// 27.1.3.1 Iterator ( ): abstract; only subclasses construct.
fn construct(vm: &mut Vm, _: &[Value], nt: ObjRef) -> JsResult<Value> {
    if Some(nt) == iterator_constructor(vm) {
        return Err(vm.type_error("Abstract class Iterator not directly constructable"));
    }
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.iterator_prototype)?;
    Ok(vm.new_plain_object(proto).value())
}

fn get_constructor(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Ok(iterator_constructor(vm).map_or(Value::UNDEFINED, |c| c.value()))
}

fn set_constructor(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let key = PropertyKey::String(vm.names.constructor);
    setter_that_ignores_prototype_properties(vm, this, key, arg(args, 0))?;
    Ok(Value::UNDEFINED)
}

fn get_to_string_tag(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Ok(vm.string("Iterator"))
}

fn set_to_string_tag(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let key = PropertyKey::Symbol(vm.symbols.to_string_tag);
    setter_that_ignores_prototype_properties(vm, this, key, arg(args, 0))?;
    Ok(Value::UNDEFINED)
}

/// 27.1.4.14.1 SetterThatIgnoresPrototypeProperties ( thisValue, home, p, v )
fn setter_that_ignores_prototype_properties(
    vm: &mut Vm,
    this: Value,
    key: PropertyKey,
    v: Value,
) -> JsResult<()> {
    let Some(o) = this.as_object() else {
        return Err(vm.type_error("Iterator.prototype setter called on a non-object"));
    };
    if o == vm.intrinsics().iterator_prototype {
        return Err(vm.type_error("Cannot assign to a read-only property of Iterator.prototype"));
    }
    if vm.get_own_property(o, key)?.is_none() {
        vm.create_data_property_or_throw(o, key, v)
    } else {
        vm.set_or_throw(o, key, v, true)
    }
}

/// 7.4.2 GetIteratorDirect ( obj )
fn get_iterator_direct(vm: &mut Vm, o: ObjRef) -> JsResult<(Value, Value)> {
    let next_key = PropertyKey::String(vm.names.next);
    let next = vm.get(o, next_key, o.value())?;
    Ok((o.value(), next))
}

/// 7.4.4 GetIteratorFlattenable ( obj, primitiveHandling )
fn get_iterator_flattenable(
    vm: &mut Vm,
    obj: Value,
    iterate_strings: bool,
) -> JsResult<(Value, Value)> {
    let iterable = obj.is_object() || (iterate_strings && obj.is_string());
    if !iterable {
        let d = vm.describe(obj);
        return Err(vm.type_error(&format!("{d} is not an iterator or iterable")));
    }
    let method = vm.get_method(obj, PropertyKey::Symbol(vm.symbols.iterator))?;
    let iterator = if method.is_undefined() {
        obj
    } else {
        vm.call(method, obj, &[])?
    };
    let Some(o) = iterator.as_object() else {
        return Err(vm.type_error("The iterator is not an object"));
    };
    get_iterator_direct(vm, o)
}

/// `this` as an object for a helper method; the error otherwise.
fn this_object(vm: &mut Vm, this: Value, method: &str) -> JsResult<ObjRef> {
    this.as_object().ok_or_else(|| {
        vm.type_error(&format!(
            "Iterator.prototype.{method} called on a non-object"
        ))
    })
}

/// Closes `iterator` for an abrupt completion: the original error wins.
fn close_with(vm: &mut Vm, iterator: Value, error: JsError) -> JsError {
    if matches!(error, JsError::Throw(_)) {
        let _ = iterator_close(vm, iterator);
    }
    error
}

/// A callable argument, or the TypeError after closing `o` (the ES2025 argument checks).
fn callable_or_close(vm: &mut Vm, o: ObjRef, f: Value, method: &str) -> JsResult<Value> {
    if vm.is_callable(f) {
        return Ok(f);
    }
    let d = vm.describe(f);
    let error = vm.type_error(&format!(
        "Iterator.prototype.{method}: {d} is not a function"
    ));
    Err(close_with(vm, o.value(), error))
}

/// The limit of take/drop: a non-negative integer or +Infinity, or the error after closing.
fn limit_or_close(vm: &mut Vm, o: ObjRef, limit: Value, method: &str) -> JsResult<f64> {
    let n = match vm.to_number(limit) {
        Ok(n) => n,
        Err(e) => return Err(close_with(vm, o.value(), e)),
    };
    if n.is_nan() {
        let error = vm.range_error(&format!("Iterator.prototype.{method}: the limit is NaN"));
        return Err(close_with(vm, o.value(), error));
    }
    if n.is_finite() && n > 9_007_199_254_740_991.0 {
        let error = vm.range_error(&format!(
            "Iterator.prototype.{method}: the limit is too large"
        ));
        return Err(close_with(vm, o.value(), error));
    }
    let n = if n.is_infinite() { n } else { n.trunc() };
    if n < 0.0 {
        let error = vm.range_error(&format!(
            "Iterator.prototype.{method}: the limit is negative"
        ));
        return Err(close_with(vm, o.value(), error));
    }
    Ok(n)
}

fn new_helper(vm: &mut Vm, o: ObjRef, kind: HelperKind) -> JsResult<Value> {
    let (iterator, next) = get_iterator_direct(vm, o)?;
    let proto = vm.intrinsics().iterator_helper_prototype;
    let helper = Helper {
        kind,
        iterator,
        next,
        counter: 0.0,
        state: HelperState::SuspendedStart,
    };
    Ok(vm
        .alloc(Object::new(
            Some(proto),
            ObjectKind::IteratorHelper(Box::new(helper)),
        ))
        .value())
}

/// 27.1.4.8 Iterator.prototype.map ( mapper )
fn map(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_object(vm, this, "map")?;
    let f = callable_or_close(vm, o, arg(args, 0), "map")?;
    new_helper(vm, o, HelperKind::Map(f))
}

/// 27.1.4.5 Iterator.prototype.filter ( predicate )
fn filter(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_object(vm, this, "filter")?;
    let f = callable_or_close(vm, o, arg(args, 0), "filter")?;
    new_helper(vm, o, HelperKind::Filter(f))
}

/// 27.1.4.11 Iterator.prototype.take ( limit )
fn take(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_object(vm, this, "take")?;
    let limit = limit_or_close(vm, o, arg(args, 0), "take")?;
    new_helper(vm, o, HelperKind::Take(limit))
}

/// 27.1.4.3 Iterator.prototype.drop ( limit )
fn drop(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_object(vm, this, "drop")?;
    let limit = limit_or_close(vm, o, arg(args, 0), "drop")?;
    new_helper(vm, o, HelperKind::Drop(Some(limit)))
}

/// 27.1.4.7 Iterator.prototype.flatMap ( mapper )
fn flat_map(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_object(vm, this, "flatMap")?;
    let f = callable_or_close(vm, o, arg(args, 0), "flatMap")?;
    new_helper(vm, o, HelperKind::FlatMap(f, None))
}

fn helper_of(vm: &mut Vm, this: Value, method: &str) -> JsResult<ObjRef> {
    if let Some(o) = this.as_object()
        && let ObjectKind::IteratorHelper(_) = vm.obj(o).kind
    {
        return Ok(o);
    }
    Err(vm.type_error(&format!(
        "Method Iterator Helper.prototype.{method} called on incompatible receiver"
    )))
}

fn helper(vm: &mut Vm, o: ObjRef) -> &mut Helper {
    match &mut vm.obj_mut(o).kind {
        ObjectKind::IteratorHelper(h) => h,
        _ => unreachable!("checked by helper_of"),
    }
}

/// 7.4.6 IteratorStep: whether the iterator is done, without reading `value`.
fn step_done(vm: &mut Vm, it: Value, next: Value) -> JsResult<bool> {
    let result = vm.call(next, it, &[])?;
    let Some(r) = result.as_object() else {
        let d = vm.describe(result);
        return Err(vm.type_error(&format!("Iterator result {d} is not an object")));
    };
    let done = vm.get(r, PropertyKey::String(vm.names.done), result)?;
    Ok(vm.to_boolean(done))
}

/// Runs the helper's closure to its next yield (`Some`) or its end (`None`).
fn helper_step(vm: &mut Vm, h: ObjRef) -> JsResult<Option<Value>> {
    let (it, next) = {
        let hp = helper(vm, h);
        (hp.iterator, hp.next)
    };
    loop {
        let counter = helper(vm, h).counter;
        match helper(vm, h).kind {
            HelperKind::Map(f) => {
                let Some(value) = iterator_step_value(vm, it, next)? else {
                    return Ok(None);
                };
                let mapped = vm
                    .call(f, Value::UNDEFINED, &[value, Value::number(counter)])
                    .map_err(|e| close_with(vm, it, e))?;
                helper(vm, h).counter += 1.0;
                return Ok(Some(mapped));
            }
            HelperKind::Filter(f) => {
                let Some(value) = iterator_step_value(vm, it, next)? else {
                    return Ok(None);
                };
                let selected = vm.with_roots(&[value], |vm| {
                    vm.call(f, Value::UNDEFINED, &[value, Value::number(counter)])
                });
                let selected = selected.map_err(|e| close_with(vm, it, e))?;
                helper(vm, h).counter += 1.0;
                if vm.to_boolean(selected) {
                    return Ok(Some(value));
                }
            }
            HelperKind::Take(remaining) => {
                if remaining == 0.0 {
                    iterator_close(vm, it)?;
                    return Ok(None);
                }
                if remaining != f64::INFINITY {
                    helper(vm, h).kind = HelperKind::Take(remaining - 1.0);
                }
                return iterator_step_value(vm, it, next);
            }
            HelperKind::Drop(Some(mut remaining)) => {
                while remaining > 0.0 {
                    if remaining != f64::INFINITY {
                        remaining -= 1.0;
                        helper(vm, h).kind = HelperKind::Drop(Some(remaining));
                    }
                    if step_done(vm, it, next)? {
                        return Ok(None);
                    }
                }
                helper(vm, h).kind = HelperKind::Drop(None);
            }
            HelperKind::Drop(None) => return iterator_step_value(vm, it, next),
            HelperKind::FlatMap(f, Some((inner, inner_next))) => {
                match iterator_step_value(vm, inner, inner_next) {
                    Ok(Some(v)) => return Ok(Some(v)),
                    Ok(None) => {
                        helper(vm, h).kind = HelperKind::FlatMap(f, None);
                        helper(vm, h).counter += 1.0;
                    }
                    Err(e) => return Err(close_with(vm, it, e)),
                }
            }
            HelperKind::FlatMap(f, None) => {
                let Some(value) = iterator_step_value(vm, it, next)? else {
                    return Ok(None);
                };
                let mapped = vm
                    .call(f, Value::UNDEFINED, &[value, Value::number(counter)])
                    .map_err(|e| close_with(vm, it, e))?;
                let inner = get_iterator_flattenable(vm, mapped, false)
                    .map_err(|e| close_with(vm, it, e))?;
                helper(vm, h).kind = HelperKind::FlatMap(f, Some(inner));
            }
        }
    }
}

/// 27.1.2.1.1 %IteratorHelperPrototype%.next ( )
fn helper_next(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let h = helper_of(vm, this, "next")?;
    match helper(vm, h).state {
        HelperState::Executing => return Err(vm.type_error("Generator is already running")),
        HelperState::Completed => return Ok(create_iter_result_object(vm, Value::UNDEFINED, true)),
        _ => {}
    }
    helper(vm, h).state = HelperState::Executing;
    let result = helper_step(vm, h);
    let (state, out) = match result {
        Ok(Some(v)) => (
            HelperState::SuspendedYield,
            Ok(create_iter_result_object(vm, v, false)),
        ),
        Ok(None) => (
            HelperState::Completed,
            Ok(create_iter_result_object(vm, Value::UNDEFINED, true)),
        ),
        Err(e) => (HelperState::Completed, Err(e)),
    };
    helper(vm, h).state = state;
    out
}

/// 27.1.2.1.2 %IteratorHelperPrototype%.return ( )
fn helper_return(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let h = helper_of(vm, this, "return")?;
    let state = helper(vm, h).state;
    match state {
        HelperState::Executing => return Err(vm.type_error("Generator is already running")),
        HelperState::Completed => return Ok(create_iter_result_object(vm, Value::UNDEFINED, true)),
        _ => {}
    }
    helper(vm, h).state = HelperState::Executing;
    let it = helper(vm, h).iterator;
    let inner = match helper(vm, h).kind {
        HelperKind::FlatMap(_, inner) if state == HelperState::SuspendedYield => inner,
        _ => None,
    };
    let result = (|| {
        if let Some((inner, _)) = inner
            && let Err(e) = iterator_close(vm, inner)
        {
            return Err(close_with(vm, it, e));
        }
        iterator_close(vm, it)
    })();
    helper(vm, h).state = HelperState::Completed;
    result?;
    Ok(create_iter_result_object(vm, Value::UNDEFINED, true))
}

/// 27.1.3.2.1 Iterator.from ( O )
fn from(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let (iterator, next) = get_iterator_flattenable(vm, arg(args, 0), true)?;
    if let Some(c) = iterator_constructor(vm)
        && vm.ordinary_has_instance(c.value(), iterator)?
    {
        return Ok(iterator);
    }
    let proto = vm.intrinsics().wrap_for_valid_iterator_prototype;
    Ok(vm
        .alloc(Object::new(
            Some(proto),
            ObjectKind::WrappedIterator { iterator, next },
        ))
        .value())
}

fn wrapped(vm: &mut Vm, this: Value) -> JsResult<(Value, Value)> {
    if let Some(o) = this.as_object()
        && let ObjectKind::WrappedIterator { iterator, next } = vm.obj(o).kind
    {
        return Ok((iterator, next));
    }
    Err(vm.type_error("Method called on an object that is not a wrapped iterator"))
}

/// 27.1.3.2.1.1.1 %WrapForValidIteratorPrototype%.next ( )
fn wrapped_next(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (iterator, next) = wrapped(vm, this)?;
    vm.call(next, iterator, &[])
}

/// 27.1.3.2.1.1.2 %WrapForValidIteratorPrototype%.return ( )
fn wrapped_return(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (iterator, _) = wrapped(vm, this)?;
    let method = vm.get_method(iterator, PropertyKey::String(vm.names.return_))?;
    if method.is_undefined() {
        return Ok(create_iter_result_object(vm, Value::UNDEFINED, true));
    }
    vm.call(method, iterator, &[])
}

/// Runs an eager method's `body(iterator, next, callback)` after the callback check, with the
/// iterator record rooted (`next` may be a fresh function from a getter).
fn eager<T>(
    vm: &mut Vm,
    this: Value,
    f: Value,
    method: &str,
    body: impl FnOnce(&mut Vm, Value, Value, Value) -> JsResult<T>,
) -> JsResult<T> {
    let o = this_object(vm, this, method)?;
    let f = callable_or_close(vm, o, f, method)?;
    let (it, next) = get_iterator_direct(vm, o)?;
    vm.with_roots(&[it, next, f], |vm| body(vm, it, next, f))
}

/// Runs `body(value, counter)` over the iterator until it returns `Some`; closes the iterator
/// on an error of `body` and when `body` stops early.
fn each(
    vm: &mut Vm,
    it: Value,
    next: Value,
    start: f64,
    mut body: impl FnMut(&mut Vm, Value, f64) -> JsResult<Option<Value>>,
) -> JsResult<Option<Value>> {
    let mut counter = start;
    while let Some(value) = iterator_step_value(vm, it, next)? {
        match vm.with_roots(&[value], |vm| body(vm, value, counter)) {
            Ok(None) => {}
            Ok(Some(result)) => {
                vm.with_roots(&[result], |vm| iterator_close(vm, it))?;
                return Ok(Some(result));
            }
            Err(e) => return Err(close_with(vm, it, e)),
        }
        counter += 1.0;
    }
    Ok(None)
}

/// 27.1.4.9 Iterator.prototype.reduce ( reducer [ , initialValue ] )
fn reduce(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    eager(vm, this, arg(args, 0), "reduce", |vm, it, next, f| {
        reduce_body(vm, it, next, f, args)
    })
}

fn reduce_body(vm: &mut Vm, it: Value, next: Value, f: Value, args: &[Value]) -> JsResult<Value> {
    let (mut accumulator, start) = if args.len() < 2 {
        match iterator_step_value(vm, it, next)? {
            Some(v) => (v, 1.0),
            None => {
                return Err(vm.type_error("Reduce of empty iterator with no initial value"));
            }
        }
    } else {
        (args[1], 0.0)
    };
    // Not `each`: the accumulator must stay rooted across the step that fetches the next value.
    let mut counter = start;
    loop {
        let Some(value) = vm.with_roots(&[accumulator], |vm| iterator_step_value(vm, it, next))?
        else {
            return Ok(accumulator);
        };
        accumulator = vm
            .call(
                f,
                Value::UNDEFINED,
                &[accumulator, value, Value::number(counter)],
            )
            .map_err(|e| close_with(vm, it, e))?;
        counter += 1.0;
    }
}

/// 27.1.4.12 Iterator.prototype.toArray ( )
fn to_array(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = this_object(vm, this, "toArray")?;
    let (it, next) = get_iterator_direct(vm, o)?;
    vm.with_roots(&[it, next], |vm| {
        let mut items = Vec::new();
        while let Some(v) = iterator_step_value(vm, it, next)? {
            vm.root(v);
            items.push(v);
        }
        Ok(vm.new_array(items).value())
    })
}

/// 27.1.4.6 Iterator.prototype.forEach ( procedure )
fn for_each(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    eager(vm, this, arg(args, 0), "forEach", |vm, it, next, f| {
        each(vm, it, next, 0.0, |vm, value, counter| {
            vm.call(f, Value::UNDEFINED, &[value, Value::number(counter)])?;
            Ok(None)
        })?;
        Ok(Value::UNDEFINED)
    })
}

/// 27.1.4.10 Iterator.prototype.some ( predicate )
fn some(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    eager(vm, this, arg(args, 0), "some", |vm, it, next, f| {
        let found = each(vm, it, next, 0.0, |vm, value, counter| {
            let r = vm.call(f, Value::UNDEFINED, &[value, Value::number(counter)])?;
            Ok(vm.to_boolean(r).then_some(Value::TRUE))
        })?;
        Ok(found.unwrap_or(Value::FALSE))
    })
}

/// 27.1.4.4 Iterator.prototype.every ( predicate )
fn every(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    eager(vm, this, arg(args, 0), "every", |vm, it, next, f| {
        let failed = each(vm, it, next, 0.0, |vm, value, counter| {
            let r = vm.call(f, Value::UNDEFINED, &[value, Value::number(counter)])?;
            Ok((!vm.to_boolean(r)).then_some(Value::FALSE))
        })?;
        Ok(failed.unwrap_or(Value::TRUE))
    })
}

/// 27.1.4.6 Iterator.prototype.find ( predicate )
fn find(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    eager(vm, this, arg(args, 0), "find", |vm, it, next, f| {
        let found = each(vm, it, next, 0.0, |vm, value, counter| {
            let r = vm.call(f, Value::UNDEFINED, &[value, Value::number(counter)])?;
            Ok(vm.to_boolean(r).then_some(value))
        })?;
        Ok(found.unwrap_or(Value::UNDEFINED))
    })
}
