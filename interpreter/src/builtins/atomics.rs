//! 25.4 The Atomics object. On a SharedArrayBuffer the operations run inside the critical
//! section of its Shared Data Block, which other agents (threads with runtimes of their own)
//! may be using at the same moment; `wait` blocks the thread, `waitAsync` settles its promise
//! from the job loop (`settle_async_waits`). See `shared_memory.rs` for why this is sound.

use super::array_buffer::shared_block;
use super::{arg, promise};
use crate::abstract_ops::type_conversion;
use crate::object::{PropertyKey, attrs};
use crate::shared_memory::{SharedBlock, WaitInbox, WaiterList};
use crate::slots::{ElementType, TypedArrayData};
use crate::typed_array_object::{Element, buffer_data, buffer_data_mut};
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use std::sync::{Arc, MutexGuard};
use std::time::{Duration, Instant};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let atomics = vm.new_plain_object(op);
    for (name, len, f) in [
        ("add", 3, add as crate::object::NativeFn),
        ("and", 3, and),
        ("compareExchange", 4, compare_exchange),
        ("exchange", 3, exchange),
        ("isLockFree", 1, is_lock_free),
        ("load", 2, load),
        ("or", 3, or),
        ("store", 3, store),
        ("sub", 3, sub),
        ("wait", 4, wait),
        ("waitAsync", 4, wait_async),
        ("notify", 3, notify),
        ("xor", 3, xor),
        ("pause", 0, pause),
    ] {
        vm.define_method(atomics, name, len, f);
    }
    let tag = vm.agent.symbols.to_string_tag;
    let t = vm.string("Atomics");
    vm.define_data(atomics, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    vm.define_global("Atomics", atomics.value());
}

/// 25.4.3.1 ValidateIntegerTypedArray
fn validate_integer_array(vm: &mut Vm, v: Value, waitable: bool) -> JsResult<TypedArrayData> {
    let Some(ta) = v
        .as_object()
        .and_then(|o| crate::typed_array_object::typed_array(vm, o))
    else {
        return Err(vm.type_error("Atomics operations need an integer typed array"));
    };
    if crate::typed_array_object::length_of(vm, &ta).is_none() {
        return Err(vm.type_error("The typed array is detached or out of bounds"));
    }
    let ok = if waitable {
        matches!(ta.element, ElementType::Int32 | ElementType::BigInt64)
    } else {
        ta.element.is_integer()
    };
    if !ok {
        let wanted = if waitable {
            "an Int32Array or BigInt64Array"
        } else {
            "an integer typed array"
        };
        return Err(vm.type_error(&format!("Atomics: {} is not {wanted}", ta.element.name())));
    }
    Ok(ta)
}

/// ValidateIntegerTypedArray with access mode ~write~ (the immutable ArrayBuffer proposal): a
/// view of an immutable buffer is a TypeError before any argument is read.
fn validate_integer_array_for_write(vm: &mut Vm, v: Value) -> JsResult<TypedArrayData> {
    if let Some(o) = v.as_object()
        && crate::typed_array_object::is_immutable_view(vm, o)
    {
        return Err(super::array_buffer::immutable_write_error(
            vm,
            "write with Atomics",
        ));
    }
    validate_integer_array(vm, v, false)
}

/// 25.4.3.2 ValidateAtomicAccess: the byte index of element `index`.
fn validate_access(vm: &mut Vm, ta: &TypedArrayData, index: Value) -> JsResult<usize> {
    let len = crate::typed_array_object::length_of(vm, ta).unwrap_or(0);
    let i = vm.to_index(index)?;
    if i >= len as u64 {
        return Err(vm.range_error("Atomics: the index is out of range"));
    }
    Ok(ta.byte_offset + i as usize * ta.element.size())
}

/// 25.4.3.5 RevalidateAtomicAccess (user code may have shrunk or detached the buffer).
fn revalidate(vm: &mut Vm, ta: &TypedArrayData, byte_index: usize) -> JsResult<()> {
    let Some(len) = crate::typed_array_object::length_of(vm, ta) else {
        return Err(vm.type_error("The typed array is detached or out of bounds"));
    };
    if byte_index >= ta.byte_offset + len * ta.element.size() {
        return Err(vm.range_error("Atomics: the index is out of range"));
    }
    Ok(())
}

/// The operand: ToBigInt or ToIntegerOrInfinity.
fn operand(vm: &mut Vm, ty: ElementType, v: Value) -> JsResult<(Element, Value)> {
    if ty.is_bigint() {
        let b = type_conversion::to_bigint(vm, v)?;
        let bits = crate::typed_array_object::low_64_bits(&b);
        let value = vm.new_bigint(b);
        Ok((Element::BigInt(bits), value))
    } else {
        let n = vm.to_integer_or_infinity(v)?;
        Ok((Element::Number(n), Value::number(n)))
    }
}

/// The element's bits as stored (the low `size` bytes).
fn load_bits(vm: &Vm, ta: &TypedArrayData, at: usize) -> u64 {
    let size = ta.element.size();
    let mut raw = [0u8; 8];
    if let Some(d) = buffer_data(vm, ta.buffer) {
        d.bytes.read(at, &mut raw[..size]);
    }
    u64::from_le_bytes(raw)
}

fn store_bits(vm: &mut Vm, ta: &TypedArrayData, at: usize, bits: u64) {
    let size = ta.element.size();
    if let Some(d) = buffer_data_mut(vm, ta.buffer) {
        d.bytes.write(at, &bits.to_le_bytes()[..size]);
    }
}

/// Runs `f` inside the critical section of the typed array's Shared Data Block, so that the
/// `Atomics` operations of all agents on one block are indivisible and happen in one total
/// order (`shared_memory.rs`). An ArrayBuffer's bytes are only this agent's: no section.
fn atomically<R>(vm: &mut Vm, ta: &TypedArrayData, f: impl FnOnce(&mut Vm) -> R) -> R {
    match shared_block(vm, ta.buffer) {
        Some(block) => {
            let _section = block.lock();
            f(vm)
        }
        None => f(vm),
    }
}

fn element_bits(ty: ElementType, e: Element) -> u64 {
    let mut raw = [0u8; 8];
    crate::typed_array_object::encode(ty, e, true, &mut raw);
    u64::from_le_bytes(raw)
}

fn bits_value(vm: &mut Vm, ty: ElementType, bits: u64) -> Value {
    let e = crate::typed_array_object::decode(ty, &bits.to_le_bytes(), true);
    crate::typed_array_object::element_value(vm, ty, e)
}

/// 25.4.3.17 AtomicReadModifyWrite: stores `op(old, operand)` and returns the old value.
fn read_modify_write(vm: &mut Vm, args: &[Value], op: fn(u64, u64) -> u64) -> JsResult<Value> {
    let ta = validate_integer_array_for_write(vm, arg(args, 0))?;
    let at = validate_access(vm, &ta, arg(args, 1))?;
    let (v, _) = operand(vm, ta.element, arg(args, 2))?;
    revalidate(vm, &ta, at)?;
    let old = atomically(vm, &ta, |vm| {
        let old = load_bits(vm, &ta, at);
        store_bits(vm, &ta, at, op(old, element_bits(ta.element, v)));
        old
    });
    Ok(bits_value(vm, ta.element, old))
}

/// 25.4.4 Atomics.add
fn add(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    read_modify_write(vm, args, u64::wrapping_add)
}

/// 25.4.5 Atomics.and
fn and(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    read_modify_write(vm, args, |a, b| a & b)
}

/// 25.4.8 Atomics.exchange
fn exchange(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    read_modify_write(vm, args, |_, b| b)
}

/// 25.4.11 Atomics.or
fn or(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    read_modify_write(vm, args, |a, b| a | b)
}

/// 25.4.13 Atomics.sub
fn sub(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    read_modify_write(vm, args, u64::wrapping_sub)
}

/// 25.4.16 Atomics.xor
fn xor(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    read_modify_write(vm, args, |a, b| a ^ b)
}

/// 25.4.6 Atomics.compareExchange ( typedArray, index, expectedValue, replacementValue )
fn compare_exchange(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let ta = validate_integer_array_for_write(vm, arg(args, 0))?;
    let at = validate_access(vm, &ta, arg(args, 1))?;
    let (expected, _) = operand(vm, ta.element, arg(args, 2))?;
    let (replacement, _) = operand(vm, ta.element, arg(args, 3))?;
    revalidate(vm, &ta, at)?;
    let mask = if ta.element.size() == 8 {
        u64::MAX
    } else {
        (1u64 << (8 * ta.element.size())) - 1
    };
    let old = atomically(vm, &ta, |vm| {
        let old = load_bits(vm, &ta, at);
        if old == element_bits(ta.element, expected) & mask {
            store_bits(vm, &ta, at, element_bits(ta.element, replacement));
        }
        old
    });
    Ok(bits_value(vm, ta.element, old))
}

/// 25.4.9 Atomics.isLockFree ( size )
fn is_lock_free(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let n = vm.to_integer_or_infinity(arg(args, 0))?;
    Ok(Value::boolean([1.0, 2.0, 4.0, 8.0].contains(&n)))
}

/// 25.4.10 Atomics.load ( typedArray, index )
fn load(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let ta = validate_integer_array(vm, arg(args, 0), false)?;
    let at = validate_access(vm, &ta, arg(args, 1))?;
    revalidate(vm, &ta, at)?;
    let bits = atomically(vm, &ta, |vm| load_bits(vm, &ta, at));
    Ok(bits_value(vm, ta.element, bits))
}

/// 25.4.12 Atomics.store ( typedArray, index, value )
fn store(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let ta = validate_integer_array_for_write(vm, arg(args, 0))?;
    let at = validate_access(vm, &ta, arg(args, 1))?;
    let (v, result) = operand(vm, ta.element, arg(args, 2))?;
    revalidate(vm, &ta, at)?;
    atomically(vm, &ta, |vm| {
        store_bits(vm, &ta, at, element_bits(ta.element, v))
    });
    Ok(result)
}

/// 25.4.14 Atomics.wait ( typedArray, index, value, timeout )
fn wait(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    do_wait(vm, args, false)
}

/// 25.4.15 Atomics.waitAsync ( typedArray, index, value, timeout )
fn wait_async(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    do_wait(vm, args, true)
}

/// 25.4.3.14 DoWait ( mode, typedArray, index, value, timeout )
fn do_wait(vm: &mut Vm, args: &[Value], is_async: bool) -> JsResult<Value> {
    // 1-4. The typed array, its shared buffer and the index.
    let ta = validate_integer_array(vm, arg(args, 0), true)?;
    let Some(block) = shared_block(vm, ta.buffer) else {
        let name = if is_async { "waitAsync" } else { "wait" };
        return Err(vm.type_error(&format!(
            "Atomics.{name} needs a typed array on a SharedArrayBuffer"
        )));
    };
    let at = validate_access(vm, &ta, arg(args, 1))?;
    // 5-7. The expected value and the timeout in milliseconds (NaN waits forever).
    let expected = if ta.element.is_bigint() {
        let b = type_conversion::to_bigint(vm, arg(args, 2))?;
        crate::typed_array_object::low_64_bits(&b)
    } else {
        u64::from(vm.to_int32(arg(args, 2))? as u32)
    };
    let q = vm.to_number(arg(args, 3))?;
    let timeout = if q.is_nan() {
        f64::INFINITY
    } else {
        q.max(0.0)
    };
    // 8. AgentCanSuspend()
    if !is_async && !vm.agent.can_block {
        return Err(vm.type_error(
            "Atomics.wait cannot suspend this agent: its host does not allow blocking",
        ));
    }
    // 11-12. The promise and the result object of waitAsync.
    let promise = is_async.then(|| promise::new_promise(vm));
    // 13-15. Inside the critical section: compare, then join the WaiterList.
    let mut section = block.lock();
    let mask = if ta.element.size() == 8 {
        u64::MAX
    } else {
        u64::from(u32::MAX)
    };
    let outcome = if load_bits(vm, &ta, at) != expected & mask {
        Some("not-equal")
    } else if is_async && timeout == 0.0 {
        // 16.
        Some("timed-out")
    } else {
        None
    };
    let Some(promise) = promise else {
        if let Some(outcome) = outcome {
            return Ok(vm.string(outcome));
        }
        // 19-21, 24. SuspendThisAgent until notified or timed out.
        let id = section.add(at, None);
        let outcome = suspend(vm, &block, section, id, deadline_after(timeout))?;
        return Ok(vm.string(outcome));
    };
    let result = {
        let op = vm.intrinsics().object_prototype;
        vm.new_plain_object(op)
    };
    let (is_async_value, value) = match outcome {
        Some(outcome) => (false, vm.string(outcome)),
        None => {
            // 19-22. The promise settles when the agent's job queue next runs dry after a
            // notification or the timeout (`settle_async_waits`).
            let inbox = vm.agent.async_waits.inbox.clone();
            let id = section.add(at, Some(inbox));
            drop(section);
            vm.agent.async_waits.pending.push(AsyncWait {
                id,
                block,
                end: deadline_after(timeout),
                promise: promise.value(),
            });
            (true, promise.value())
        }
    };
    // 25-26.
    let ak = vm.key("async");
    vm.create_data_property(result, ak, Value::boolean(is_async_value))?;
    let vk = vm.key("value");
    vm.create_data_property(result, vk, value)?;
    Ok(result.value())
}

/// How long a blocked agent sleeps between two looks at its host's interrupt and deadline.
const POLL: Duration = Duration::from_millis(10);

/// The moment `timeout` milliseconds from now; `None` for never (an infinite timeout, or one
/// past what the clock can represent).
fn deadline_after(timeout: f64) -> Option<Instant> {
    let d = Duration::try_from_secs_f64(timeout / 1000.0).ok()?;
    Instant::now().checked_add(d)
}

/// 25.4.3.11 SuspendThisAgent: blocks in the critical section until waiter `id` is notified
/// ("ok") or `end` passes ("timed-out"). The host's interrupt and deadline stop the wait too:
/// the waiter leaves the list and the run terminates.
fn suspend(
    vm: &mut Vm,
    block: &SharedBlock,
    mut section: MutexGuard<'_, WaiterList>,
    id: u64,
    end: Option<Instant>,
) -> JsResult<&'static str> {
    loop {
        if !section.contains(id) {
            return Ok("ok");
        }
        let now = Instant::now();
        if end.is_some_and(|end| now >= end) {
            section.remove(id);
            return Ok("timed-out");
        }
        if let Err(e) = vm.check_interrupt_now() {
            section.remove(id);
            return Err(e);
        }
        let slice = end.map_or(POLL, |end| (end - now).min(POLL));
        section = block.wait_slice(section, slice);
    }
}

/// A pending `Atomics.waitAsync`: its waiter record's id, the block it waits in, when it
/// times out, and the promise to settle.
pub struct AsyncWait {
    id: u64,
    block: Arc<SharedBlock>,
    end: Option<Instant>,
    promise: Value,
}

/// An agent's pending `Atomics.waitAsync` calls, and the inbox other agents' notifications
/// reach it through.
#[derive(Default)]
pub struct AsyncWaits {
    pub inbox: Arc<WaitInbox>,
    pending: Vec<AsyncWait>,
}

impl AsyncWaits {
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// The promises waiting to be settled (GC roots).
    pub fn promises(&self) -> impl Iterator<Item = Value> + '_ {
        self.pending.iter().map(|w| w.promise)
    }
}

/// Settles the `Atomics.waitAsync` promises whose waiters were notified ("ok") or timed out
/// ("timed-out") — the jobs of 25.4.3.12 EnqueueAtomicsWaitAsyncTimeoutJob and of NotifyWaiter
/// on another agent. With `block`, first waits (a short while, within the host's interrupt and
/// deadline) for a notification or the nearest timeout. Returns whether any settled.
pub fn settle_async_waits(vm: &mut Vm, block: bool) -> JsResult<bool> {
    if vm.agent.async_waits.pending.is_empty() {
        return Ok(false);
    }
    let until = if block {
        vm.check_interrupt_now()?;
        let poll = Instant::now() + POLL;
        let nearest = vm
            .agent
            .async_waits
            .pending
            .iter()
            .filter_map(|w| w.end)
            .min();
        Some(nearest.map_or(poll, |end| end.min(poll)))
    } else {
        None
    };
    let notified = vm.agent.async_waits.inbox.take(until);
    let now = Instant::now();
    let mut settled = Vec::new();
    vm.agent.async_waits.pending.retain(|w| {
        let outcome = if notified.contains(&w.id) {
            "ok"
        } else if w.end.is_some_and(|end| now >= end) {
            // Notified meanwhile if the record is already gone.
            if w.block.lock().remove(w.id) {
                "timed-out"
            } else {
                "ok"
            }
        } else {
            return true;
        };
        settled.push((w.promise, outcome));
        false
    });
    let any = !settled.is_empty();
    for (p, outcome) in settled {
        let v = vm.string(outcome);
        promise::resolve_promise(vm, p, v)?;
    }
    Ok(any)
}

/// 25.4.16 Atomics.notify ( typedArray, index, count )
fn notify(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    // 1-4.
    let ta = validate_integer_array(vm, arg(args, 0), true)?;
    let at = validate_access(vm, &ta, arg(args, 1))?;
    let count = if arg(args, 2).is_undefined() {
        f64::INFINITY
    } else {
        vm.to_integer_or_infinity(arg(args, 2))?.max(0.0)
    };
    // 7. An ArrayBuffer has no waiters.
    let Some(block) = shared_block(vm, ta.buffer) else {
        return Ok(Value::int32(0));
    };
    // 9-13. RemoveWaiters and NotifyWaiter inside the critical section.
    let mut section = block.lock();
    let woken = section.remove_first(at, count);
    let n = woken.len();
    block.wake(woken);
    drop(section);
    Ok(Value::number(n as f64))
}

/// Atomics.pause ( [ N ] )
fn pause(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let n = arg(args, 0);
    if !n.is_undefined()
        && !n
            .as_number()
            .is_some_and(|x| x.is_finite() && x.fract() == 0.0)
    {
        return Err(vm.type_error("Atomics.pause: the argument must be an integral Number"));
    }
    std::hint::spin_loop();
    Ok(Value::UNDEFINED)
}
