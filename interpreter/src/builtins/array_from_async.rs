//! 23.1.2.2 Array.fromAsync ( asyncItems [ , mapper [ , thisArg ] ] ): the spec's async
//! abstract closure written as a state machine. Each `Await` hands the state to a promise
//! reaction (a native closure carrying the state object and what it was waiting for); every
//! error becomes the rejection of the returned promise.

use super::arg;
use super::array::array_create;
use super::promise::{new_promise, perform_then, promise_resolve_intrinsic, reject_promise};
use crate::abstract_ops::iterators;
use crate::abstract_ops::objects::length_of_array_like;
use crate::abstract_ops::type_conversion::index_key;
use crate::heap::Traced;
use crate::object::{HostObject, Object, ObjectKind, PropertyKey};
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};
use std::cell::Cell;
use std::rc::Rc;

/// The closure's captured variables and locals.
#[derive(Default)]
struct FromAsync {
    promise: Cell<Value>,
    mapper: Cell<Value>,
    this_arg: Cell<Value>,
    /// A, the array being filled.
    target: Cell<Value>,
    /// The iterator record (iterator mode) ...
    iterator: Cell<Value>,
    next: Cell<Value>,
    /// ... or the array-like and its length.
    array_like: Cell<Value>,
    len: Cell<f64>,
    k: Cell<f64>,
    /// The error to reject with once the iterator is closed.
    error: Cell<Value>,
}

impl HostObject for FromAsync {
    fn trace(&self, out: &mut Vec<Traced>) {
        for v in [
            &self.promise,
            &self.mapper,
            &self.this_arg,
            &self.target,
            &self.iterator,
            &self.next,
            &self.array_like,
            &self.error,
        ] {
            out.push(Traced::Value(v.get()));
        }
    }
}

/// What an `Await` was waiting for.
#[derive(Clone, Copy)]
enum Awaiting {
    /// The result of the iterator's `next()`.
    NextResult = 0,
    /// The mapper's result for an iterator value.
    IteratorMapped = 1,
    /// An element of the array-like.
    Element = 2,
    /// The mapper's result for an element.
    ElementMapped = 3,
    /// The iterator's `return()` result, before rejecting with `error`.
    Closed = 4,
}

impl Awaiting {
    fn from(n: i32) -> Awaiting {
        match n {
            0 => Awaiting::NextResult,
            1 => Awaiting::IteratorMapped,
            2 => Awaiting::Element,
            3 => Awaiting::ElementMapped,
            _ => Awaiting::Closed,
        }
    }
}

fn state_of(vm: &Vm, state: Value) -> Rc<dyn HostObject> {
    match state.as_object().map(|o| &vm.obj(o).kind) {
        Some(ObjectKind::HostData(d)) => d.clone(),
        _ => Rc::new(FromAsync::default()),
    }
}

/// Runs `f` with the state behind `state` (kept rooted meanwhile).
fn with_state<R>(vm: &mut Vm, state: Value, f: impl FnOnce(&mut Vm, &FromAsync) -> R) -> R {
    let data = state_of(vm, state);
    let fallback = FromAsync::default();
    let st = data.downcast::<FromAsync>().unwrap_or(&fallback);
    vm.with_roots(&[state], |vm| f(vm, st))
}

pub fn from_async(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let promise = new_promise(vm);
    let st = FromAsync::default();
    st.promise.set(promise.value());
    let state = vm
        .alloc(Object::new(None, ObjectKind::HostData(Rc::new(st))))
        .value();
    with_state(vm, state, |vm, st| {
        let r = start(vm, st, state, this, args);
        settle(vm, st, r)
    })?;
    Ok(promise.value())
}

/// What a step ends with: still waiting, finished with A, or failed.
enum Step {
    Waiting,
    Done(Value),
}

/// Resolves or rejects the promise with a step's outcome; only termination propagates.
fn settle(vm: &mut Vm, st: &FromAsync, r: JsResult<Step>) -> JsResult<()> {
    match r {
        Ok(Step::Waiting) => Ok(()),
        Ok(Step::Done(a)) => super::promise::resolve_promise(vm, st.promise.get(), a),
        Err(JsError::Throw(e)) => {
            reject_promise(vm, st.promise.get(), e);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Steps 3.a-i up to the first `Await`.
fn start(vm: &mut Vm, st: &FromAsync, state: Value, c: Value, args: &[Value]) -> JsResult<Step> {
    let (items, mapper, this_arg) = (arg(args, 0), arg(args, 1), arg(args, 2));
    if !mapper.is_undefined() && !vm.is_callable(mapper) {
        return Err(vm.type_error("Array.fromAsync: the mapper is not a function"));
    }
    st.mapper.set(mapper);
    st.this_arg.set(this_arg);
    let key = PropertyKey::Symbol(vm.agent.symbols.async_iterator);
    let using_async = vm.get_method(items, key)?;
    let using_sync = if using_async.is_undefined() {
        let key = PropertyKey::Symbol(vm.agent.symbols.iterator);
        vm.get_method(items, key)?
    } else {
        Value::UNDEFINED
    };
    if !using_async.is_undefined() || !using_sync.is_undefined() {
        let (iterator, next) = if !using_async.is_undefined() {
            iterators::get_iterator_from_method(vm, items, using_async)?
        } else {
            let (sync, next) = iterators::get_iterator_from_method(vm, items, using_sync)?;
            super::iterator::create_async_from_sync(vm, sync, next)?
        };
        st.iterator.set(iterator);
        st.next.set(next);
        let a = if vm.is_constructor(c) {
            vm.construct(c, &[], c)?
        } else {
            array_create(vm, 0.0, None)?.value()
        };
        st.target.set(a);
        return next_step(vm, st, state);
    }
    let array_like = vm.to_object(items)?;
    st.array_like.set(array_like.value());
    let len = length_of_array_like(vm, array_like)?;
    st.len.set(len);
    let a = if vm.is_constructor(c) {
        vm.construct(c, &[Value::number(len)], c)?
    } else {
        array_create(vm, len, None)?.value()
    };
    st.target.set(a);
    element_step(vm, st, state)
}

/// Await(v): continues in [`resume`] with `awaiting` when `v` settles.
fn await_value(vm: &mut Vm, state: Value, v: Value, awaiting: Awaiting) -> JsResult<()> {
    let p = promise_resolve_intrinsic(vm, v)?;
    vm.with_roots(&[p], |vm| {
        let tag = Value::int32(awaiting as i32);
        let on_fulfilled = vm.native_closure("", 1, fulfilled, vec![state, tag]);
        vm.root(on_fulfilled.value());
        let on_rejected = vm.native_closure("", 1, rejected, vec![state, tag]);
        perform_then(vm, p, on_fulfilled.value(), on_rejected.value(), None)
    })
}

fn fulfilled(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let (state, tag) = (data[0], data[1].as_int32().unwrap_or(4));
    with_state(vm, state, |vm, st| {
        let r = resume(vm, st, state, Awaiting::from(tag), Ok(arg(args, 0)));
        settle(vm, st, r)
    })?;
    Ok(Value::UNDEFINED)
}

fn rejected(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let (state, tag) = (data[0], data[1].as_int32().unwrap_or(4));
    with_state(vm, state, |vm, st| {
        let r = resume(vm, st, state, Awaiting::from(tag), Err(arg(args, 0)));
        settle(vm, st, r)
    })?;
    Ok(Value::UNDEFINED)
}

/// Await(v), where a failure of the Await itself goes the way a rejection would.
fn await_or_resume(
    vm: &mut Vm,
    st: &FromAsync,
    state: Value,
    v: Value,
    awaiting: Awaiting,
) -> JsResult<Step> {
    match await_value(vm, state, v, awaiting) {
        Ok(()) => Ok(Step::Waiting),
        Err(JsError::Throw(e)) => resume(vm, st, state, awaiting, Err(e)),
        Err(e) => Err(e),
    }
}

/// Continues after an `Await` settled with `outcome` (Err: rejected with that reason).
fn resume(
    vm: &mut Vm,
    st: &FromAsync,
    state: Value,
    awaiting: Awaiting,
    outcome: Result<Value, Value>,
) -> JsResult<Step> {
    match (awaiting, outcome) {
        (Awaiting::NextResult, Ok(result)) => next_result(vm, st, state, result),
        (Awaiting::IteratorMapped, Ok(v)) => define_from_iterator(vm, st, state, v),
        (Awaiting::IteratorMapped, Err(e)) => close_then_reject(vm, st, state, e),
        (Awaiting::Element, Ok(v)) => map_element(vm, st, state, v),
        (Awaiting::ElementMapped, Ok(v)) => define_element(vm, st, state, v),
        (Awaiting::Closed, _) => Err(JsError::Throw(st.error.get())),
        (_, Err(e)) => Err(JsError::Throw(e)),
    }
}

/// 3.h.iv.3-4: call `next()` and await its result.
fn next_step(vm: &mut Vm, st: &FromAsync, state: Value) -> JsResult<Step> {
    let result = vm.call(st.next.get(), st.iterator.get(), &[])?;
    await_or_resume(vm, st, state, result, Awaiting::NextResult)
}

/// 3.h.iv.5-10: the awaited `next()` result.
fn next_result(vm: &mut Vm, st: &FromAsync, state: Value, result: Value) -> JsResult<Step> {
    let Some(r) = result.as_object() else {
        return Err(vm.type_error("Array.fromAsync: the iterator result is not an object"));
    };
    let done = vm.get(r, PropertyKey::String(vm.agent.names.done), result)?;
    if vm.to_boolean(done) {
        let a = st.target.get();
        let key = PropertyKey::String(vm.agent.names.length);
        let o = vm.to_object(a)?;
        vm.set_or_throw(o, key, Value::number(st.k.get()), true)?;
        return Ok(Step::Done(a));
    }
    let value = vm.get(r, PropertyKey::String(vm.agent.names.value), result)?;
    let mapper = st.mapper.get();
    if mapper.is_undefined() {
        return define_from_iterator(vm, st, state, value);
    }
    let k = Value::number(st.k.get());
    match vm.call(mapper, st.this_arg.get(), &[value, k]) {
        Ok(mapped) => await_or_resume(vm, st, state, mapped, Awaiting::IteratorMapped),
        Err(JsError::Throw(e)) => close_then_reject(vm, st, state, e),
        Err(e) => Err(e),
    }
}

/// 3.h.iv.11-13: A[k] = value, then the next `next()`.
fn define_from_iterator(vm: &mut Vm, st: &FromAsync, state: Value, v: Value) -> JsResult<Step> {
    let k = st.k.get();
    let a = vm.to_object(st.target.get())?;
    let key = index_key(vm, k);
    match vm.create_data_property_or_throw(a, key, v) {
        Ok(_) => {}
        Err(JsError::Throw(e)) => return close_then_reject(vm, st, state, e),
        Err(e) => return Err(e),
    }
    st.k.set(k + 1.0);
    next_step(vm, st, state)
}

/// AsyncIteratorClose with a throw completion: call `return()`, await its result whatever it
/// is, then reject with `error`.
fn close_then_reject(vm: &mut Vm, st: &FromAsync, state: Value, error: Value) -> JsResult<Step> {
    st.error.set(error);
    let iterator = st.iterator.get();
    let key = PropertyKey::String(vm.agent.names.return_);
    let inner = match vm.get_method(iterator, key) {
        Ok(ret) if ret.is_undefined() => return Err(JsError::Throw(error)),
        Ok(ret) => vm.call(ret, iterator, &[]),
        Err(e) => Err(e),
    };
    match inner {
        Ok(result) => match await_value(vm, state, result, Awaiting::Closed) {
            Ok(()) => Ok(Step::Waiting),
            Err(JsError::Throw(_)) => Err(JsError::Throw(error)),
            Err(e) => Err(e),
        },
        Err(JsError::Throw(_)) => Err(JsError::Throw(error)),
        Err(e) => Err(e),
    }
}

/// 3.i.vii.1-3: Get(arrayLike, k) and await it; after the last, set the length.
fn element_step(vm: &mut Vm, st: &FromAsync, state: Value) -> JsResult<Step> {
    let k = st.k.get();
    if k >= st.len.get() {
        let a = st.target.get();
        let o = vm.to_object(a)?;
        let key = PropertyKey::String(vm.agent.names.length);
        vm.set_or_throw(o, key, Value::number(st.len.get()), true)?;
        return Ok(Step::Done(a));
    }
    let array_like = vm.to_object(st.array_like.get())?;
    let key = index_key(vm, k);
    let v = vm.get(array_like, key, array_like.value())?;
    await_or_resume(vm, st, state, v, Awaiting::Element)
}

/// 3.i.vii.4: the mapper, awaited.
fn map_element(vm: &mut Vm, st: &FromAsync, state: Value, v: Value) -> JsResult<Step> {
    let mapper = st.mapper.get();
    if mapper.is_undefined() {
        return define_element(vm, st, state, v);
    }
    let k = Value::number(st.k.get());
    let mapped = vm.call(mapper, st.this_arg.get(), &[v, k])?;
    await_or_resume(vm, st, state, mapped, Awaiting::ElementMapped)
}

/// 3.i.vii.6-7: A[k] = value, then the next element.
fn define_element(vm: &mut Vm, st: &FromAsync, state: Value, v: Value) -> JsResult<Step> {
    let k = st.k.get();
    let a = vm.to_object(st.target.get())?;
    let key = index_key(vm, k);
    vm.create_data_property_or_throw(a, key, v)?;
    st.k.set(k + 1.0);
    element_step(vm, st, state)
}
