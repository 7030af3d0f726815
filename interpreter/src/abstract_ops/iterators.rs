//! 7.4 Operations on Iterator Objects: GetIterator, IteratorStepValue, IteratorClose,
//! CreateIteratorResultObject, and the list of every value an iterable yields. The loop (spread,
//! `for`-`of`, `yield*`, destructuring) and every built-in that takes an iterable share them.
//! The operations only iterator helpers use (GetIteratorDirect, GetIteratorFlattenable) stay in
//! `builtins/iterator_helpers.rs`.

use crate::builtins::iterator::{array_iterator_step, create_async_from_sync};
use crate::object::{ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};

/// 7.4.14 CreateIteratorResultObject
pub fn create_iter_result_object(vm: &mut Vm, value: Value, done: bool) -> Value {
    let o = vm.new_object();
    vm.define_data(
        o,
        PropertyKey::String(vm.agent.names.value),
        value,
        attrs::DEFAULT,
    );
    vm.define_data(
        o,
        PropertyKey::String(vm.agent.names.done),
        Value::boolean(done),
        attrs::DEFAULT,
    );
    o.value()
}

/// An iterator record kept alive for the rest of the running native call: the iterator and
/// its `next` method both (a getter can return a fresh `next` that nothing else holds).
pub fn rooted(vm: &mut Vm, record: (Value, Value)) -> (Value, Value) {
    vm.root(record.0);
    vm.root(record.1);
    record
}

/// 7.4.3 GetIterator(obj, sync): the iterator and its `next` method.
pub fn get_iterator(vm: &mut Vm, v: Value) -> JsResult<(Value, Value)> {
    let key = PropertyKey::Symbol(vm.agent.symbols.iterator);
    let method = vm.get_method(v, key)?;
    if method.is_undefined() {
        let d = vm.describe(v);
        return Err(vm.type_error(&format!("{d} is not iterable")));
    }
    get_iterator_from_method(vm, v, method)
}

pub fn get_iterator_from_method(vm: &mut Vm, v: Value, method: Value) -> JsResult<(Value, Value)> {
    let it = vm.call(method, v, &[])?;
    let Some(o) = it.as_object() else {
        return Err(vm.type_error("Result of the Symbol.iterator method is not an object"));
    };
    let next = vm.get(o, PropertyKey::String(vm.agent.names.next), it)?;
    Ok((it, next))
}

/// GetIterator(obj, async), with CreateAsyncFromSyncIterator as the fallback.
pub fn get_async_iterator(vm: &mut Vm, v: Value) -> JsResult<(Value, Value)> {
    let key = PropertyKey::Symbol(vm.agent.symbols.async_iterator);
    let method = vm.get_method(v, key)?;
    if method.is_undefined() {
        let (sync, next) = get_iterator(vm, v)?;
        return create_async_from_sync(vm, sync, next);
    }
    get_iterator_from_method(vm, v, method)
}

/// IteratorStepValue: the next value, or `None` when done.
pub fn iterator_step_value(vm: &mut Vm, it: Value, next: Value) -> JsResult<Option<Value>> {
    // Native loops over an iterator (spread, `Array.from`, `new Set(iterable)`...) reach no
    // safepoint when its `next` is native too.
    vm.check_interrupt_native()?;
    // Fast path: an unmodified array iterator.
    if let Some(o) = it.as_object()
        && let ObjectKind::ArrayIterator { .. } = vm.obj(o).kind
        && next.as_object() == Some(vm.intrinsics().array_iterator_next)
    {
        let r = array_iterator_step(vm, o)?;
        return Ok(r);
    }
    let result = vm.call(next, it, &[])?;
    let Some(r) = result.as_object() else {
        let d = vm.describe(result);
        return Err(vm.type_error(&format!("Iterator result {d} is not an object")));
    };
    let done = vm.get(r, PropertyKey::String(vm.agent.names.done), result)?;
    if vm.to_boolean(done) {
        return Ok(None);
    }
    Ok(Some(vm.get(
        r,
        PropertyKey::String(vm.agent.names.value),
        result,
    )?))
}

/// 7.4.11 IteratorClose for a normal completion.
pub fn iterator_close(vm: &mut Vm, it: Value) -> JsResult<()> {
    let key = PropertyKey::String(vm.agent.names.return_);
    let ret = vm.get_method(it, key)?;
    if ret.is_undefined() {
        return Ok(());
    }
    let result = vm.call(ret, it, &[])?;
    if !result.is_object() {
        return Err(vm.type_error("Iterator result is not an object"));
    }
    Ok(())
}

/// 7.4.12 IteratorClose ( iteratorRecord, completion ) for any completion: a thrown value in
/// `completion` wins over whatever closing does; otherwise an error of `return` (or a result
/// that is not an object) is the outcome. A termination is not a completion: it runs no
/// JavaScript and passes through.
pub fn iterator_close_with(vm: &mut Vm, it: Value, completion: JsResult<()>) -> JsResult<()> {
    match completion {
        Ok(()) => iterator_close(vm, it),
        Err(JsError::Throw(e)) => {
            // 4-5. An error of GetMethod or Call is dropped: the original throw wins.
            let _ = vm.with_roots(&[e], |vm| iterator_close(vm, it));
            Err(JsError::Throw(e))
        }
        Err(e) => Err(e),
    }
}

/// IteratorCloseAll ( iters, completion ) (joint iteration): closes `iters` in reverse order,
/// each with the completion the previous closes left.
pub fn iterator_close_all(
    vm: &mut Vm,
    iters: &[Value],
    mut completion: JsResult<()>,
) -> JsResult<()> {
    // 1. For each element iter of iters, in reverse List order, do
    for &it in iters.iter().rev() {
        // a. Set completion to Completion(IteratorClose(iter, completion)).
        completion = iterator_close_with(vm, it, completion);
    }
    // 2. Return ? completion.
    completion
}

/// Every value an iterable yields (spread, `Array.from`, `new Set(iterable)`...).
pub fn iterate_to_vec(vm: &mut Vm, v: Value) -> JsResult<Vec<Value>> {
    let (it, next) = get_iterator(vm, v)?;
    vm.with_roots(&[it, next], |vm| {
        let mut out = Vec::new();
        while let Some(x) = iterator_step_value(vm, it, next)? {
            vm.root(x);
            out.push(x);
        }
        Ok(out)
    })
}
