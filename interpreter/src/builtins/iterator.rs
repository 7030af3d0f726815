//! 27.1 Iteration: %IteratorPrototype%, array and string iterators, and async-from-sync
//! iterators. The iterator protocol operations (GetIterator, IteratorStepValue, IteratorClose...)
//! are in `abstract_ops/iterators.rs`.

use super::arg;
use crate::abstract_ops::iterators::{create_iter_result_object, iterator_close};
use crate::heap::ObjRef;
use crate::object::{Elements, Object, ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let iterator_proto = vm.new_plain_object(op);
    let it = vm.agent.symbols.iterator;
    vm.define_symbol_method(iterator_proto, it, "[Symbol.iterator]", 0, return_this);
    let dispose = vm.agent.symbols.dispose;
    vm.define_symbol_method(
        iterator_proto,
        dispose,
        "[Symbol.dispose]",
        0,
        iterator_dispose,
    );
    let async_proto = vm.new_plain_object(op);
    let ait = vm.agent.symbols.async_iterator;
    vm.define_symbol_method(async_proto, ait, "[Symbol.asyncIterator]", 0, return_this);
    let async_dispose = vm.agent.symbols.async_dispose;
    vm.define_symbol_method(
        async_proto,
        async_dispose,
        "[Symbol.asyncDispose]",
        0,
        async_iterator_async_dispose,
    );
    let array_it = vm.new_plain_object(iterator_proto);
    let array_next = vm.define_method_now(array_it, "next", 0, array_iterator_next);
    let tag = vm.agent.symbols.to_string_tag;
    let t = vm.string("Array Iterator");
    vm.define_data(array_it, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    let string_it = vm.new_plain_object(iterator_proto);
    vm.define_method(string_it, "next", 0, string_iterator_next);
    let t = vm.string("String Iterator");
    vm.define_data(string_it, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    let from_sync = vm.new_plain_object(async_proto);
    vm.define_method(from_sync, "next", 1, async_from_sync_next);
    vm.define_method(from_sync, "return", 1, async_from_sync_return);
    vm.define_method(from_sync, "throw", 1, async_from_sync_throw);
    let realm = vm.stack.realm as usize;
    let r = &mut vm.realms[realm];
    r.iterator_prototype = iterator_proto;
    r.async_iterator_prototype = async_proto;
    r.array_iterator_prototype = array_it;
    r.array_iterator_next = array_next;
    r.string_iterator_prototype = string_it;
    r.async_from_sync_iterator_prototype = from_sync;
}

fn return_this(_: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    Ok(this)
}

/// 27.1.4.15 %Iterator.prototype% [ %Symbol.dispose% ] ( ) (explicit resource management)
fn iterator_dispose(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    // 1-2. Let return be ? GetMethod(O, "return").
    let ret = vm.get_method(this, PropertyKey::String(vm.agent.names.return_))?;
    // 3. If return is not undefined, perform ? Call(return, O, « »).
    if !ret.is_undefined() {
        vm.call(ret, this, &[])?;
    }
    // 4. Return undefined.
    Ok(Value::UNDEFINED)
}

/// 27.1.3.1 %AsyncIteratorPrototype% [ %Symbol.asyncDispose% ] ( ) (explicit resource
/// management): a promise that settles when `return` has.
fn async_iterator_async_dispose(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    use crate::builtins::promise;
    // 2. Let promiseCapability be ! NewPromiseCapability(%Promise%).
    let capability = promise::new_promise(vm).value();
    vm.root(capability);
    let settled = (|| {
        // 3-4. Let return be Completion(GetMethod(O, "return")); IfAbruptRejectPromise.
        let ret = vm.get_method(this, PropertyKey::String(vm.agent.names.return_))?;
        // 5. If return is undefined, resolve with undefined.
        if ret.is_undefined() {
            return promise::resolve_promise(vm, capability, Value::UNDEFINED);
        }
        // 6.a-b. Let result be Completion(Call(return, O)): the tests ask for no argument.
        let result = vm.call(ret, this, &[])?;
        // PromiseResolve may read its "constructor" through a getter.
        vm.root(result);
        // 6.c-d. Let resultWrapper be Completion(PromiseResolve(%Promise%, result)).
        let wrapper = promise::promise_resolve_intrinsic(vm, result)?;
        // 6.e-g. Fulfil with undefined once resultWrapper fulfils; reject as it rejects.
        vm.root(wrapper);
        let on_fulfilled = vm.native_closure("", 1, return_undefined, vec![]);
        promise::perform_then(
            vm,
            wrapper,
            on_fulfilled.value(),
            Value::UNDEFINED,
            Some(capability),
        )?;
        Ok(())
    })();
    // IfAbruptRejectPromise: a thrown value rejects; a termination stays one.
    match settled {
        Ok(()) => {}
        Err(JsError::Throw(e)) => promise::reject_promise(vm, capability, e),
        Err(e) => return Err(e),
    }
    // 7. Return promiseCapability.[[Promise]].
    Ok(capability)
}

fn return_undefined(_: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Ok(Value::UNDEFINED)
}

/// 27.1.6.1 CreateAsyncFromSyncIterator: the wrapper and its `next` method.
pub fn create_async_from_sync(vm: &mut Vm, sync: Value, next: Value) -> JsResult<(Value, Value)> {
    let proto = vm.intrinsics().async_from_sync_iterator_prototype;
    let wrapper = vm.new_plain_object(proto);
    let k1 = vm.key("%sync");
    let k2 = vm.key("%next");
    vm.define_data(wrapper, k1, sync, 0);
    vm.define_data(wrapper, k2, next, 0);
    let n = vm.get(
        wrapper,
        PropertyKey::String(vm.agent.names.next),
        wrapper.value(),
    )?;
    Ok((wrapper.value(), n))
}

/// CreateArrayIterator
pub fn create_array_iterator(vm: &mut Vm, object: Value, kind: u8) -> Value {
    let proto = vm.intrinsics().array_iterator_prototype;
    vm.alloc(Object::new(
        Some(proto),
        ObjectKind::ArrayIterator {
            object,
            index: 0,
            kind,
        },
    ))
    .value()
}

/// One step of array iterator `o`: IteratorStepValue takes it directly when `next` is unmodified.
pub(crate) fn array_iterator_step(vm: &mut Vm, o: ObjRef) -> JsResult<Option<Value>> {
    let ObjectKind::ArrayIterator {
        object,
        index,
        kind,
    } = vm.obj(o).kind
    else {
        return Ok(None);
    };
    if object.is_undefined() {
        return Ok(None);
    }
    let target = object.as_object().expect("an object");
    let len = if let ObjectKind::Array = vm.obj(target).kind {
        u64::from(vm.obj(target).length)
    } else if let Some(ta) = crate::typed_array_object::typed_array(vm, target) {
        match crate::typed_array_object::length_of(vm, &ta) {
            Some(len) => len as u64,
            None => {
                return Err(
                    vm.type_error("Cannot iterate over a detached or out-of-bounds typed array")
                );
            }
        }
    } else {
        let l = vm.get(target, PropertyKey::String(vm.agent.names.length), object)?;
        vm.to_length(l)? as u64
    };
    if u64::from(index) >= len {
        if let ObjectKind::ArrayIterator { object, .. } = &mut vm.obj_mut(o).kind {
            *object = Value::UNDEFINED;
        }
        return Ok(None);
    }
    if let ObjectKind::ArrayIterator { index, .. } = &mut vm.obj_mut(o).kind {
        *index += 1;
    }
    let k = Value::number(f64::from(index));
    Ok(Some(match kind {
        0 => k,
        1 => {
            if let Elements::Dense(v) = &vm.obj(target).elements
                && let Some(&x) = v.get(index as usize)
                && !x.is_hole()
                && vm.obj(target).is_array()
            {
                x
            } else {
                vm.get(target, PropertyKey::Index(index), object)?
            }
        }
        _ => {
            let v = vm.get(target, PropertyKey::Index(index), object)?;
            vm.new_array(vec![k, v]).value()
        }
    }))
}

/// 23.1.5.2.1 %ArrayIteratorPrototype%.next
fn array_iterator_next(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let Some(o) = this
        .as_object()
        .filter(|&o| matches!(vm.obj(o).kind, ObjectKind::ArrayIterator { .. }))
    else {
        return Err(vm.type_error("next method called on incompatible receiver"));
    };
    match array_iterator_step(vm, o)? {
        Some(v) => Ok(create_iter_result_object(vm, v, false)),
        None => Ok(create_iter_result_object(vm, Value::UNDEFINED, true)),
    }
}

/// 22.1.5.1 %StringIteratorPrototype%.next: by code points.
fn string_iterator_next(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let Some(o) = this.as_object() else {
        return Err(vm.type_error("next method called on incompatible receiver"));
    };
    let ObjectKind::StringIterator { string, position } = vm.obj(o).kind else {
        return Err(vm.type_error("next method called on incompatible receiver"));
    };
    let Some(s) = string.as_string() else {
        return Ok(create_iter_result_object(vm, Value::UNDEFINED, true));
    };
    // Unit by unit: the whole string's units would be a copy per step for one-byte strings.
    let p = position as usize;
    let Some(first) = vm.unit_at_checked(s, p)? else {
        if let ObjectKind::StringIterator { string, .. } = &mut vm.obj_mut(o).kind {
            *string = Value::UNDEFINED;
        }
        return Ok(create_iter_result_object(vm, Value::UNDEFINED, true));
    };
    let (piece, len) = match vm.unit_at_checked(s, p + 1)? {
        Some(second) if (0xD800..0xDC00).contains(&first) && (0xDC00..0xE000).contains(&second) => {
            (vm.string_from_units(&[first, second]), 2)
        }
        _ => (vm.single_unit_string(first), 1),
    };
    if let ObjectKind::StringIterator { position, .. } = &mut vm.obj_mut(o).kind {
        *position += len as u32;
    }
    Ok(create_iter_result_object(vm, piece, false))
}

fn sync_parts(vm: &mut Vm, this: Value) -> JsResult<(Value, Value)> {
    let o = this.as_object().expect("an async-from-sync iterator");
    let k1 = vm.key("%sync");
    let k2 = vm.key("%next");
    let s = vm.get(o, k1, this)?;
    let n = vm.get(o, k2, this)?;
    Ok((s, n))
}

/// 27.1.6.4 AsyncFromSyncIteratorContinuation: a promise of the result with its value awaited.
fn continuation(
    vm: &mut Vm,
    result: Value,
    sync: Value,
    close_on_rejection: bool,
) -> JsResult<Value> {
    let Some(r) = result.as_object() else {
        return Err(vm.type_error("Iterator result is not an object"));
    };
    let done = vm.get(r, PropertyKey::String(vm.agent.names.done), result)?;
    let done = vm.to_boolean(done);
    let value = vm.get(r, PropertyKey::String(vm.agent.names.value), result)?;
    let promise = crate::builtins::promise::new_promise(vm);
    vm.root(promise.value());
    let value_wrapper = match crate::builtins::promise::promise_resolve_intrinsic(vm, value) {
        Ok(p) => p,
        Err(JsError::Throw(e)) => {
            if !done && close_on_rejection {
                let _ = iterator_close(vm, sync);
            }
            crate::builtins::promise::reject_promise(vm, promise.value(), e);
            return Ok(promise.value());
        }
        Err(e) => return Err(e),
    };
    let on_fulfilled = vm.native_closure("", 1, unwrap_fulfilled, vec![Value::boolean(done)]);
    let on_rejected = if !done && close_on_rejection {
        vm.native_closure("", 1, close_and_rethrow, vec![sync])
    } else {
        vm.native_closure("", 1, rethrow, vec![])
    };
    crate::builtins::promise::perform_then(
        vm,
        value_wrapper,
        on_fulfilled.value(),
        on_rejected.value(),
        Some(promise.value()),
    )?;
    Ok(promise.value())
}

fn unwrap_fulfilled(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let done = vm.native_data().first().copied().unwrap_or(Value::FALSE);
    let d = vm.to_boolean(done);
    Ok(create_iter_result_object(vm, arg(args, 0), d))
}

fn rethrow(_: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    Err(JsError::Throw(arg(args, 0)))
}

fn close_and_rethrow(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let sync = vm.native_data().first().copied().unwrap_or_default();
    let _ = iterator_close(vm, sync);
    Err(JsError::Throw(arg(args, 0)))
}

fn async_from_sync_next(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (sync, next) = sync_parts(vm, this)?;
    let call_args: Vec<Value> = args.first().copied().into_iter().collect();
    match vm.call(next, sync, &call_args) {
        Ok(r) => continuation(vm, r, sync, true),
        Err(JsError::Throw(e)) => Ok(crate::builtins::promise::rejected(vm, e)),
        Err(e) => Err(e),
    }
}

fn async_from_sync_return(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (sync, _) = sync_parts(vm, this)?;
    let key = PropertyKey::String(vm.agent.names.return_);
    let method = match vm.get_method(sync, key) {
        Ok(m) => m,
        Err(JsError::Throw(e)) => return Ok(crate::builtins::promise::rejected(vm, e)),
        Err(e) => return Err(e),
    };
    if method.is_undefined() {
        let r = create_iter_result_object(vm, arg(args, 0), true);
        return Ok(crate::builtins::promise::resolved(vm, r));
    }
    let call_args: Vec<Value> = args.first().copied().into_iter().collect();
    match vm.call(method, sync, &call_args) {
        Ok(r) if !r.is_object() => {
            let e = vm.make_error("TypeError", "iterator result is not an object");
            Ok(crate::builtins::promise::rejected(vm, e))
        }
        Ok(r) => continuation(vm, r, sync, false),
        Err(JsError::Throw(e)) => Ok(crate::builtins::promise::rejected(vm, e)),
        Err(e) => Err(e),
    }
}

fn async_from_sync_throw(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (sync, _) = sync_parts(vm, this)?;
    let key = PropertyKey::String(vm.agent.names.throw);
    let method = match vm.get_method(sync, key) {
        Ok(m) => m,
        Err(JsError::Throw(e)) => return Ok(crate::builtins::promise::rejected(vm, e)),
        Err(e) => return Err(e),
    };
    if method.is_undefined() {
        // Closing first; an error while closing is the rejection.
        match iterator_close(vm, sync) {
            Ok(()) => {}
            Err(JsError::Throw(e)) => return Ok(crate::builtins::promise::rejected(vm, e)),
            Err(e) => return Err(e),
        }
        let e = vm.make_error(
            "TypeError",
            "The iterator does not provide a 'throw' method",
        );
        return Ok(crate::builtins::promise::rejected(vm, e));
    }
    let call_args: Vec<Value> = args.first().copied().into_iter().collect();
    match vm.call(method, sync, &call_args) {
        Ok(r) if !r.is_object() => {
            let e = vm.make_error("TypeError", "iterator result is not an object");
            Ok(crate::builtins::promise::rejected(vm, e))
        }
        Ok(r) => continuation(vm, r, sync, true),
        Err(JsError::Throw(e)) => Ok(crate::builtins::promise::rejected(vm, e)),
        Err(e) => Err(e),
    }
}
