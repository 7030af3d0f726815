//! 25.4 The Atomics object, for one agent: every operation is trivially atomic because one
//! thread runs JavaScript. `wait` can only time out (no other agent can notify it), and
//! `notify` finds no waiters. `waitAsync` and `$262.agent` are not implemented.

use super::arg;
use super::array_buffer::{buffer_data, buffer_data_mut};
use super::typed_array::{self, Element, ElementType, TypedArrayData};
use crate::abstract_ops::type_conversion;
use crate::object::{PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

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
        ("notify", 3, notify),
        ("xor", 3, xor),
        ("pause", 0, pause),
    ] {
        vm.define_method(atomics, name, len, f);
    }
    let tag = vm.symbols.to_string_tag;
    let t = vm.string("Atomics");
    vm.define_data(atomics, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    vm.define_global("Atomics", atomics.value());
}

/// 25.4.3.1 ValidateIntegerTypedArray
fn validate_integer_array(vm: &mut Vm, v: Value, waitable: bool) -> JsResult<TypedArrayData> {
    let Some(ta) = v.as_object().and_then(|o| typed_array::typed_array(vm, o)) else {
        return Err(vm.type_error("Atomics operations need an integer typed array"));
    };
    if typed_array::length_of(vm, &ta).is_none() {
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

/// 25.4.3.2 ValidateAtomicAccess: the byte index of element `index`.
fn validate_access(vm: &mut Vm, ta: &TypedArrayData, index: Value) -> JsResult<usize> {
    let len = typed_array::length_of(vm, ta).unwrap_or(0);
    let i = vm.to_index(index)?;
    if i >= len as u64 {
        return Err(vm.range_error("Atomics: the index is out of range"));
    }
    Ok(ta.byte_offset + i as usize * ta.element.size())
}

/// 25.4.3.5 RevalidateAtomicAccess (user code may have shrunk or detached the buffer).
fn revalidate(vm: &mut Vm, ta: &TypedArrayData, byte_index: usize) -> JsResult<()> {
    let Some(len) = typed_array::length_of(vm, ta) else {
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
        let bits = typed_array::low_64_bits(&b);
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
        raw[..size].copy_from_slice(&d.bytes[at..at + size]);
    }
    u64::from_le_bytes(raw)
}

fn store_bits(vm: &mut Vm, ta: &TypedArrayData, at: usize, bits: u64) {
    let size = ta.element.size();
    if let Some(d) = buffer_data_mut(vm, ta.buffer) {
        d.bytes[at..at + size].copy_from_slice(&bits.to_le_bytes()[..size]);
    }
}

fn element_bits(ty: ElementType, e: Element) -> u64 {
    let mut raw = [0u8; 8];
    typed_array::encode(ty, e, true, &mut raw);
    u64::from_le_bytes(raw)
}

fn bits_value(vm: &mut Vm, ty: ElementType, bits: u64) -> Value {
    let e = typed_array::decode(ty, &bits.to_le_bytes(), true);
    typed_array::element_value(vm, ty, e)
}

/// 25.4.3.17 AtomicReadModifyWrite: stores `op(old, operand)` and returns the old value.
fn read_modify_write(vm: &mut Vm, args: &[Value], op: fn(u64, u64) -> u64) -> JsResult<Value> {
    let ta = validate_integer_array(vm, arg(args, 0), false)?;
    let at = validate_access(vm, &ta, arg(args, 1))?;
    let (v, _) = operand(vm, ta.element, arg(args, 2))?;
    revalidate(vm, &ta, at)?;
    let old = load_bits(vm, &ta, at);
    store_bits(vm, &ta, at, op(old, element_bits(ta.element, v)));
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
    let ta = validate_integer_array(vm, arg(args, 0), false)?;
    let at = validate_access(vm, &ta, arg(args, 1))?;
    let (expected, _) = operand(vm, ta.element, arg(args, 2))?;
    let (replacement, _) = operand(vm, ta.element, arg(args, 3))?;
    revalidate(vm, &ta, at)?;
    let mask = if ta.element.size() == 8 {
        u64::MAX
    } else {
        (1u64 << (8 * ta.element.size())) - 1
    };
    let old = load_bits(vm, &ta, at);
    if old == element_bits(ta.element, expected) & mask {
        store_bits(vm, &ta, at, element_bits(ta.element, replacement));
    }
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
    let bits = load_bits(vm, &ta, at);
    Ok(bits_value(vm, ta.element, bits))
}

/// 25.4.12 Atomics.store ( typedArray, index, value )
fn store(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let ta = validate_integer_array(vm, arg(args, 0), false)?;
    let at = validate_access(vm, &ta, arg(args, 1))?;
    let (v, result) = operand(vm, ta.element, arg(args, 2))?;
    revalidate(vm, &ta, at)?;
    store_bits(vm, &ta, at, element_bits(ta.element, v));
    Ok(result)
}

/// 25.4.14 Atomics.wait ( typedArray, index, value, timeout ): with one agent nothing can
/// notify the waiter, so it either finds another value or sleeps out its timeout.
fn wait(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let ta = validate_integer_array(vm, arg(args, 0), true)?;
    if !buffer_data(vm, ta.buffer).is_some_and(|d| d.shared) {
        return Err(vm.type_error("Atomics.wait needs a typed array on a SharedArrayBuffer"));
    }
    let at = validate_access(vm, &ta, arg(args, 1))?;
    let expected = if ta.element.is_bigint() {
        let b = type_conversion::to_bigint(vm, arg(args, 2))?;
        typed_array::low_64_bits(&b)
    } else {
        u64::from(vm.to_int32(arg(args, 2))? as u32)
    };
    let q = vm.to_number(arg(args, 3))?;
    let timeout = if q.is_nan() {
        f64::INFINITY
    } else {
        q.max(0.0)
    };
    let current = load_bits(vm, &ta, at);
    let mask = if ta.element.size() == 8 {
        u64::MAX
    } else {
        u64::from(u32::MAX)
    };
    if current != expected & mask {
        return Ok(vm.string("not-equal"));
    }
    if timeout.is_infinite() {
        return Err(
            vm.type_error("Atomics.wait would block forever: no other agent exists to notify it")
        );
    }
    std::thread::sleep(std::time::Duration::from_secs_f64(timeout / 1000.0));
    Ok(vm.string("timed-out"))
}

/// 25.4.15 Atomics.notify ( typedArray, index, count ): there are never waiters.
fn notify(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let ta = validate_integer_array(vm, arg(args, 0), true)?;
    let at = validate_access(vm, &ta, arg(args, 1))?;
    if !arg(args, 2).is_undefined() {
        vm.to_integer_or_infinity(arg(args, 2))?;
    }
    let _ = at;
    Ok(Value::int32(0))
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
