//! 27.1.3 The Iterator constructor, `Iterator.from` and `Iterator.concat`, the helper methods of
//! %Iterator.prototype% (map, filter, take, drop, flatMap, reduce, toArray, forEach, some,
//! every, find, and the proposals' chunks, windows, includes, join),
//! %IteratorHelperPrototype% and %WrapForValidIteratorPrototype%. `Iterator.zip` and
//! `Iterator.zipKeyed` are in `iterator_zip.rs`.
//!
//! A helper is a generator in the spec; here it is a state machine (`Helper`) whose `step`
//! runs the closure from one yield to the next.

use super::arg;
use super::iterator_zip;
use crate::abstract_ops::iterators::{
    create_iter_result_object, iterator_close, iterator_close_all, iterator_step_value,
};
use crate::heap::{ObjRef, Traced};
use crate::limits::StringBuilder;
use crate::object::{Object, ObjectKind, Property, PropertyKey, Slot, attrs};
use crate::slots::Zip;
use crate::slots::{Buffered, Helper, HelperKind, HelperState};
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};

impl Buffered {
    fn new(size: u32) -> Buffered {
        Buffered {
            size,
            buffer: Vec::new(),
            exhausted: false,
        }
    }

    fn is_full(&self) -> bool {
        self.buffer.len() as u64 == u64::from(self.size)
    }
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
            HelperKind::Concat {
                ref iterables,
                inner,
                ..
            } => {
                for &(method, iterable) in iterables {
                    out.push(Traced::Value(method));
                    out.push(Traced::Value(iterable));
                }
                if let Some((i, n)) = inner {
                    out.push(Traced::Value(i));
                    out.push(Traced::Value(n));
                }
            }
            HelperKind::Chunks(ref b) | HelperKind::Windows(ref b, _) => {
                out.extend(b.buffer.iter().map(|&v| Traced::Value(v)));
            }
            HelperKind::Zip(ref z) => z.trace(out),
            HelperKind::Take(_) | HelperKind::Drop(_) => {}
        }
    }

    /// The bytes held outside the helper's own box.
    pub fn payload_bytes(&self) -> usize {
        use crate::heap::buffer_bytes;
        match &self.kind {
            HelperKind::Concat { iterables, .. } => {
                buffer_bytes(iterables.capacity() * size_of::<(Value, Value)>())
            }
            HelperKind::Chunks(b) | HelperKind::Windows(b, _) => {
                buffer_bytes(b.buffer.capacity() * size_of::<Value>())
            }
            HelperKind::Zip(z) => size_of::<Zip>() + z.payload_bytes(),
            _ => 0,
        }
    }
}

pub fn init(vm: &mut Vm) {
    let proto = vm.intrinsics().iterator_prototype;
    let tag = vm.agent.symbols.to_string_tag;
    let iterator = vm.make_constructor("Iterator", 0, requires_new, Some(construct), proto);
    vm.define_method(iterator, "from", 1, from);
    vm.define_method(iterator, "concat", 0, concat);
    vm.define_method(iterator, "zip", 1, iterator_zip::zip);
    vm.define_method(iterator, "zipKeyed", 1, iterator_zip::zip_keyed);
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
        ("chunks", 1, chunks),
        ("windows", 1, windows),
        ("includes", 1, includes),
        ("join", 1, join),
    ] {
        vm.define_method(proto, name, len, f);
    }
    // 27.1.4.1 and 27.1.4.14: accessors whose setters ignore the prototype itself.
    let ck = PropertyKey::String(vm.agent.names.constructor);
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

    let realm = vm.stack.realm as usize;
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
    let key = PropertyKey::String(vm.agent.names.constructor);
    let home = vm.intrinsics().iterator_prototype;
    setter_that_ignores_prototype_properties(vm, this, home, key, arg(args, 0))?;
    Ok(Value::UNDEFINED)
}

fn get_to_string_tag(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Ok(vm.string("Iterator"))
}

fn set_to_string_tag(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let key = PropertyKey::Symbol(vm.agent.symbols.to_string_tag);
    let home = vm.intrinsics().iterator_prototype;
    setter_that_ignores_prototype_properties(vm, this, home, key, arg(args, 0))?;
    Ok(Value::UNDEFINED)
}

/// 27.1.4.14.1 SetterThatIgnoresPrototypeProperties ( thisValue, home, p, v ): `home` is
/// %Iterator.prototype% or %Error.prototype%.
pub(super) fn setter_that_ignores_prototype_properties(
    vm: &mut Vm,
    this: Value,
    home: ObjRef,
    key: PropertyKey,
    v: Value,
) -> JsResult<()> {
    let Some(o) = this.as_object() else {
        return Err(vm.type_error("A prototype's setter was called on a non-object"));
    };
    if o == home {
        return Err(vm.type_error("Cannot assign to a read-only property of the prototype"));
    }
    if vm.get_own_property(o, key)?.is_none() {
        vm.create_data_property_or_throw(o, key, v)
    } else {
        vm.set_or_throw(o, key, v, true)
    }
}

/// 7.4.2 GetIteratorDirect ( obj )
fn get_iterator_direct(vm: &mut Vm, o: ObjRef) -> JsResult<(Value, Value)> {
    let next_key = PropertyKey::String(vm.agent.names.next);
    let next = vm.get(o, next_key, o.value())?;
    Ok((o.value(), next))
}

/// 7.4.4 GetIteratorFlattenable ( obj, primitiveHandling )
pub(super) fn get_iterator_flattenable(
    vm: &mut Vm,
    obj: Value,
    iterate_strings: bool,
) -> JsResult<(Value, Value)> {
    let iterable = obj.is_object() || (iterate_strings && obj.is_string());
    if !iterable {
        let d = vm.describe(obj);
        return Err(vm.type_error(&format!("{d} is not an iterator or iterable")));
    }
    // `obj` is often fresh (a mapper's result, a value just read): kept across the getter.
    let iterator = vm.with_roots(&[obj], |vm| {
        let method = vm.get_method(obj, PropertyKey::Symbol(vm.agent.symbols.iterator))?;
        if method.is_undefined() {
            Ok(obj)
        } else {
            vm.call(method, obj, &[])
        }
    })?;
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

/// Closes `iterator` for an abrupt completion: the original error wins. The thrown value stays
/// rooted while `return` runs (it is often a fresh error object nothing else holds).
fn close_with(vm: &mut Vm, iterator: Value, error: JsError) -> JsError {
    if let JsError::Throw(e) = error {
        let _ = vm.with_roots(&[e], |vm| iterator_close(vm, iterator));
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
    Ok(alloc_helper(vm, kind, iterator, next))
}

/// CreateIteratorFromClosure(closure, "Iterator Helper", %IteratorHelperPrototype%) over the
/// iterator record (`undefined` for closures with no single underlying iterator).
pub(super) fn alloc_helper(vm: &mut Vm, kind: HelperKind, iterator: Value, next: Value) -> Value {
    let proto = vm.intrinsics().iterator_helper_prototype;
    let helper = Helper {
        kind,
        iterator,
        next,
        counter: 0.0,
        state: HelperState::SuspendedStart,
    };
    vm.alloc(Object::new(
        Some(proto),
        ObjectKind::IteratorHelper(Box::new(helper)),
    ))
    .value()
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

/// Iterator.concat ( ...items ) (iterator sequencing)
fn concat(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    // 1. Let iterables be a new empty List.
    let mut iterables = Vec::new();
    // 2. For each element item of items, do
    for (i, &item) in args.iter().enumerate() {
        // a. If item is not an Object, throw a TypeError exception.
        if !item.is_object() {
            let d = vm.describe(item);
            return Err(vm.type_error(&format!(
                "Iterator.concat: argument {i} ({d}) is not an iterable object"
            )));
        }
        // b. Let method be ? GetMethod(item, %Symbol.iterator%).
        let method = vm.get_method(item, PropertyKey::Symbol(vm.agent.symbols.iterator))?;
        // c. If method is undefined, throw a TypeError exception.
        if method.is_undefined() {
            let d = vm.describe(item);
            return Err(vm.type_error(&format!(
                "Iterator.concat: argument {i} ({d}) has no Symbol.iterator method"
            )));
        }
        // d. Append the Record { [[OpenMethod]]: method, [[Iterable]]: item } to iterables.
        vm.root(method);
        iterables.push((method, item));
    }
    // 3-6. The closure (`concat_step`) as an Iterator Helper with no [[UnderlyingIterators]].
    let kind = HelperKind::Concat {
        iterables,
        done: 0,
        inner: None,
    };
    Ok(alloc_helper(vm, kind, Value::UNDEFINED, Value::UNDEFINED))
}

/// chunkSize or windowSize: an integral Number (else a TypeError) from 1 to 2^32 - 1 (else a
/// RangeError), the error closing `o`.
fn buffer_size_or_close(vm: &mut Vm, o: ObjRef, size: Value, method: &str) -> JsResult<u32> {
    let d = vm.describe(size);
    let error = match size.as_number() {
        Some(n) if n.is_finite() && n.fract() == 0.0 => {
            if (1.0..=f64::from(u32::MAX)).contains(&n) {
                return Ok(n as u32);
            }
            vm.range_error(&format!(
                "Iterator.prototype.{method}: the size must be from 1 to 2^32 - 1, not {d}"
            ))
        }
        _ => vm.type_error(&format!(
            "Iterator.prototype.{method}: the size must be an integer, not {d}"
        )),
    };
    Err(close_with(vm, o.value(), error))
}

/// Iterator.prototype.chunks ( chunkSize ) (iterator chunking)
fn chunks(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    // 1-2. If O is not an Object, throw a TypeError exception.
    let o = this_object(vm, this, "chunks")?;
    // 3-4. A chunkSize that is not an integer in range closes O with a TypeError or RangeError.
    let size = buffer_size_or_close(vm, o, arg(args, 0), "chunks")?;
    // 5-9. Set iterated to ? GetIteratorDirect(O); the closure is `chunks_step`.
    new_helper(vm, o, HelperKind::Chunks(Buffered::new(size)))
}

/// Iterator.prototype.windows ( windowSize [ , undersized ] ) (iterator chunking)
fn windows(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    // 1-2. If O is not an Object, throw a TypeError exception.
    let o = this_object(vm, this, "windows")?;
    // 3-4. A windowSize that is not an integer in range closes O with a TypeError or
    // RangeError.
    let size = buffer_size_or_close(vm, o, arg(args, 0), "windows")?;
    // 5. If undersized is undefined, set undersized to "only-full".
    // 6. If undersized is neither "only-full" nor "allow-partial", close O with a TypeError.
    let undersized = arg(args, 1);
    let allow_partial = if undersized.is_undefined() || string_is(vm, undersized, "only-full") {
        false
    } else if string_is(vm, undersized, "allow-partial") {
        true
    } else {
        let d = vm.describe(undersized);
        let error = vm.type_error(&format!(
            "Iterator.prototype.windows: undersized must be \"only-full\" or \"allow-partial\", \
             not {d}"
        ));
        return Err(close_with(vm, o.value(), error));
    };
    // 7-11. Set iterated to ? GetIteratorDirect(O); the closure is `windows_step`.
    new_helper(
        vm,
        o,
        HelperKind::Windows(Buffered::new(size), allow_partial),
    )
}

/// Whether `v` is the string `s` (no conversion: option values are compared as they are).
pub(super) fn string_is(vm: &Vm, v: Value, s: &str) -> bool {
    match v.as_string() {
        Some(r) => vm.string_len(r) as usize == s.len() && vm.rust_string(r) == s,
        None => false,
    }
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

pub(super) fn helper(vm: &mut Vm, o: ObjRef) -> &mut Helper {
    match &mut vm.obj_mut(o).kind {
        ObjectKind::IteratorHelper(h) => h,
        _ => unreachable!("checked by helper_of"),
    }
}

/// 7.4.6 IteratorStep: whether the iterator is done, without reading `value`.
pub(super) fn step_done(vm: &mut Vm, it: Value, next: Value) -> JsResult<bool> {
    let result = vm.call(next, it, &[])?;
    let Some(r) = result.as_object() else {
        let d = vm.describe(result);
        return Err(vm.type_error(&format!("Iterator result {d} is not an object")));
    };
    let done = vm.get(r, PropertyKey::String(vm.agent.names.done), result)?;
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
            HelperKind::Concat { .. } => return concat_step(vm, h),
            HelperKind::Chunks(_) => return chunks_step(vm, h, it, next),
            HelperKind::Windows(..) => return windows_step(vm, h, it, next),
            HelperKind::Zip(_) => return iterator_zip::zip_step(vm, h),
        }
    }
}

/// The closure of `Iterator.concat` (step 3), from one yield to the next.
fn concat_step(vm: &mut Vm, h: ObjRef) -> JsResult<Option<Value>> {
    loop {
        let HelperKind::Concat { done, inner, .. } = helper(vm, h).kind else {
            unreachable!("a concat helper");
        };
        // a.v. Repeat, while innerAlive is true,
        if let Some((iterator, next)) = inner {
            // 1. Let innerValue be ? IteratorStepValue(iteratorRecord).
            match iterator_step_value(vm, iterator, next)? {
                // 3.a. Yield(innerValue); a return while suspended closes iteratorRecord
                // (`helper_return`).
                Some(value) => return Ok(Some(value)),
                // 2.a. Set innerAlive to false.
                None => {
                    if let HelperKind::Concat { done, inner, .. } = &mut helper(vm, h).kind {
                        *done += 1;
                        *inner = None;
                    }
                    continue;
                }
            }
        }
        // a. For each Record iterable of iterables, do
        let item = match &helper(vm, h).kind {
            HelperKind::Concat { iterables, .. } => iterables.get(done).copied(),
            _ => None,
        };
        let Some((method, iterable)) = item else {
            // b. Return ReturnCompletion(undefined).
            return Ok(None);
        };
        // i. Let iter be ? Call(iterable.[[OpenMethod]], iterable.[[Iterable]]).
        let iter = vm.call(method, iterable, &[])?;
        // ii. If iter is not an Object, throw a TypeError exception.
        let Some(o) = iter.as_object() else {
            let d = vm.describe(iter);
            return Err(vm.type_error(&format!(
                "Iterator.concat: the Symbol.iterator method of argument {done} returned {d}, \
                 not an iterator object"
            )));
        };
        // iii. Let iteratorRecord be ? GetIteratorDirect(iter).
        let record = vm.with_roots(&[iter], |vm| get_iterator_direct(vm, o))?;
        if let HelperKind::Concat { inner, .. } = &mut helper(vm, h).kind {
            *inner = Some(record);
        }
    }
}

/// The buffer of a chunks or windows helper.
fn buffered(vm: &mut Vm, h: ObjRef) -> &mut Buffered {
    match &mut helper(vm, h).kind {
        HelperKind::Chunks(b) | HelperKind::Windows(b, _) => b,
        _ => unreachable!("a chunks or windows helper"),
    }
}

/// Appends `value` to the buffer of helper `h`, telling the heap about the growth.
fn buffer_push(vm: &mut Vm, h: ObjRef, value: Value) -> JsResult<()> {
    let buffer = &mut buffered(vm, h).buffer;
    let before = buffer.capacity();
    if buffer.try_reserve(1).is_err() {
        return Err(vm.range_error("Out of memory while buffering iterator values"));
    }
    buffer.push(value);
    let grown = (buffer.capacity() - before) * size_of::<Value>();
    vm.agent.heap.note_growth(grown);
    Ok(())
}

/// CreateArrayFromList(buffer), with the buffer emptied when `take` (chunks) or kept (windows).
fn buffer_array(vm: &mut Vm, h: ObjRef, take: bool) -> Value {
    let buffer = &mut buffered(vm, h).buffer;
    let items = if take {
        std::mem::take(buffer)
    } else {
        buffer.clone()
    };
    vm.new_array(items).value()
}

/// The closure of `Iterator.prototype.chunks` (step 6), from one yield to the next.
fn chunks_step(vm: &mut Vm, h: ObjRef, it: Value, next: Value) -> JsResult<Option<Value>> {
    // The last chunk was undersized: after its yield the closure returns.
    if buffered(vm, h).exhausted {
        return Ok(None);
    }
    // b. Repeat,
    loop {
        // i. Let value be ? IteratorStepValue(iterated).
        let Some(value) = iterator_step_value(vm, it, next)? else {
            // ii. If value is done, then
            //   1. If buffer is not empty, perform ? Yield(CreateArrayFromList(buffer)).
            //   2. Return ReturnCompletion(undefined).
            if buffered(vm, h).buffer.is_empty() {
                return Ok(None);
            }
            buffered(vm, h).exhausted = true;
            return Ok(Some(buffer_array(vm, h, true)));
        };
        // iii. Append value to buffer.
        buffer_push(vm, h, value)?;
        // iv. If the number of elements in buffer is chunkSize, then
        if buffered(vm, h).is_full() {
            // 1-2. Yield(CreateArrayFromList(buffer)); a return closes iterated.
            // 3. Set buffer to a new empty List.
            return Ok(Some(buffer_array(vm, h, true)));
        }
    }
}

/// The closure of `Iterator.prototype.windows` (step 8), from one yield to the next.
fn windows_step(vm: &mut Vm, h: ObjRef, it: Value, next: Value) -> JsResult<Option<Value>> {
    if buffered(vm, h).exhausted {
        return Ok(None);
    }
    let HelperKind::Windows(_, allow_partial) = helper(vm, h).kind else {
        unreachable!("a windows helper");
    };
    // b. Repeat,
    loop {
        // i. Let value be ? IteratorStepValue(iterated).
        let Some(value) = iterator_step_value(vm, it, next)? else {
            // ii. If value is done, then
            //   1. If undersized is "allow-partial", buffer is not empty, and the number of
            //      elements in buffer < windowSize, perform ? Yield(CreateArrayFromList(buffer)).
            //   2. Return ReturnCompletion(undefined).
            let b = buffered(vm, h);
            if !allow_partial || b.buffer.is_empty() || b.is_full() {
                return Ok(None);
            }
            b.exhausted = true;
            return Ok(Some(buffer_array(vm, h, false)));
        };
        // iii. If the number of elements in buffer is windowSize, remove the first element.
        let b = buffered(vm, h);
        if b.is_full() {
            b.buffer.remove(0);
        }
        // iv. Append value to buffer.
        buffer_push(vm, h, value)?;
        // v. If the number of elements in buffer is windowSize, then
        if buffered(vm, h).is_full() {
            // 1-2. Yield(CreateArrayFromList(buffer)); a return closes iterated.
            return Ok(Some(buffer_array(vm, h, false)));
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
    // 4.a. Suspended at its start, the helper is completed before its iterators close (their
    // `return` may call `next`, which then finds it done); at a yield it is executing while
    // the closure runs to its end (GeneratorResumeAbrupt).
    helper(vm, h).state = if state == HelperState::SuspendedStart {
        HelperState::Completed
    } else {
        HelperState::Executing
    };
    // Suspended at its start, a helper closes its [[UnderlyingIterators]] (step 4.c); suspended
    // at a yield, the return completion resumes the closure, which closes what it has open (as
    // IteratorClose or IteratorCloseAll). Both come to closing these, last opened first.
    let iterators = underlying_iterators(helper(vm, h), state == HelperState::SuspendedStart);
    let result = vm.handle_scope(|vm| {
        for &it in &iterators {
            vm.root(it);
        }
        iterator_close_all(vm, &iterators, Ok(()))
    });
    helper(vm, h).state = HelperState::Completed;
    result?;
    Ok(create_iter_result_object(vm, Value::UNDEFINED, true))
}

/// The iterators a return closes, in the order they were opened.
fn underlying_iterators(h: &Helper, at_start: bool) -> Vec<Value> {
    match &h.kind {
        HelperKind::FlatMap(_, Some((inner, _))) if !at_start => vec![h.iterator, *inner],
        // concat's [[UnderlyingIterators]] is empty; at a yield the inner iterator is open.
        HelperKind::Concat { inner, .. } => match inner {
            Some((inner, _)) if !at_start => vec![*inner],
            _ => vec![],
        },
        // After the last, undersized array the underlying iterator is already done.
        HelperKind::Chunks(b) | HelperKind::Windows(b, _) if b.exhausted => vec![],
        HelperKind::Zip(z) => z.open_iterators(),
        _ => vec![h.iterator],
    }
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
    let method = vm.get_method(iterator, PropertyKey::String(vm.agent.names.return_))?;
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

/// Iterator.prototype.includes ( searchElement [ , skippedElements ] ) (iterator includes)
fn includes(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    // 1-2. If O is not an Object, throw a TypeError exception.
    let o = this_object(vm, this, "includes")?;
    let search = arg(args, 0);
    let skipped_elements = arg(args, 1);
    // 4. If skippedElements is undefined, let toSkip be 0.
    let to_skip = if skipped_elements.is_undefined() {
        0.0
    } else {
        // 5.a. Not ±∞ nor an integral Number: close O with a TypeError.
        let n = skipped_elements
            .as_number()
            .filter(|n| n.is_infinite() || (n.is_finite() && n.fract() == 0.0));
        let Some(n) = n else {
            let d = vm.describe(skipped_elements);
            let error = vm.type_error(&format!(
                "Iterator.prototype.includes: skippedElements must be an integer or \
                 Infinity, not {d}"
            ));
            return Err(close_with(vm, o.value(), error));
        };
        n
    };
    // 6. A negative toSkip, or a finite one past 2^53 - 1, closes O with a RangeError.
    if to_skip < 0.0 || (to_skip.is_finite() && to_skip > 9_007_199_254_740_991.0) {
        let d = vm.describe(skipped_elements);
        let error = vm.range_error(&format!(
            "Iterator.prototype.includes: skippedElements must be from 0 to 2^53 - 1 or \
             Infinity, not {d}"
        ));
        return Err(close_with(vm, o.value(), error));
    }
    // 7. Let skipped be 0.
    let mut skipped = 0.0;
    // 8. Set iterated to ? GetIteratorDirect(O).
    let (it, next) = get_iterator_direct(vm, o)?;
    vm.with_roots(&[it, next], |vm| {
        // 9. Repeat,
        loop {
            // a-b. Let value be ? IteratorStepValue(iterated); if done, return false.
            let Some(value) = iterator_step_value(vm, it, next)? else {
                return Ok(Value::FALSE);
            };
            // c. If skipped < toSkip, set skipped to skipped + 1.
            if skipped < to_skip {
                skipped += 1.0;
            // d. Else if SameValueZero(value, searchElement) is true, then
            } else if vm
                .same_value_zero(value, search)
                .map_err(|e| close_with(vm, it, e))?
            {
                // i. Return ? IteratorClose(iterated, NormalCompletion(true)).
                iterator_close(vm, it)?;
                return Ok(Value::TRUE);
            }
        }
    })
}

/// Iterator.prototype.join ( separator ) (iterator join)
fn join(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    // 1-2. If O is not an Object, throw a TypeError exception.
    let o = this_object(vm, this, "join")?;
    // 4. If separator is undefined, let sep be ",".
    // 5. Else, let sep be Completion(ToString(separator)); IfAbruptCloseIterator(sep, iterated).
    let separator = arg(args, 0);
    let sep: std::rc::Rc<[u16]> = if separator.is_undefined() {
        std::rc::Rc::from([u16::from(b',')].as_slice())
    } else {
        let s = vm
            .to_string(separator)
            .map_err(|e| close_with(vm, o.value(), e))?;
        vm.units_checked(s)?
    };
    // 6. Set iterated to ? GetIteratorDirect(O).
    let (it, next) = get_iterator_direct(vm, o)?;
    vm.with_roots(&[it, next], |vm| {
        // 7-8. Let R be the empty String; let k be 0.
        let mut r = StringBuilder::new();
        let mut k = 0u64;
        // 9. Repeat,
        loop {
            // a-b. Let value be ? IteratorStepValue(iterated); if done, return R.
            let Some(value) = iterator_step_value(vm, it, next)? else {
                return r.finish(vm);
            };
            // c-f. Append sep (after the first) and the value, "" for undefined and null;
            // an abrupt ToString closes iterated, and so does a string past the length limit.
            let appended = (|| {
                if k > 0 {
                    r.push_units(vm, &sep)?;
                }
                if !value.is_nullish() {
                    let s = vm.to_string(value)?;
                    let units = vm.units_checked(s)?;
                    r.push_units(vm, &units)?;
                }
                Ok(())
            })();
            appended.map_err(|e| close_with(vm, it, e))?;
            // g. Set k to k + 1.
            k += 1;
        }
    })
}
