//! 10.4.5 TypedArray exotic objects: the integer-indexed internal methods (for numeric keys) that
//! `crate::property` calls into; the element encoding they share with DataView and Atomics;
//! and the ArrayBuffer slots they read through.
//!
//! Element bytes are stored little-endian (the spec leaves typed arrays' byte order to the
//! implementation; DataView chooses per call).

use crate::abstract_ops::type_conversion;
use crate::abstract_ops::type_conversion::canonical_numeric_index_string;
use crate::heap::ObjRef;
use crate::object::{ObjectKind, PropertyKey};
use crate::slots::{BufferData, ElementType, TypedArrayData};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn buffer_data(vm: &Vm, o: ObjRef) -> Option<&BufferData> {
    match &vm.obj(o).kind {
        ObjectKind::ArrayBuffer(b) => Some(b),
        _ => None,
    }
}

pub fn buffer_data_mut(vm: &mut Vm, o: ObjRef) -> Option<&mut BufferData> {
    match &mut vm.obj_mut(o).kind {
        ObjectKind::ArrayBuffer(b) => Some(b),
        _ => None,
    }
}

/// IsImmutableBuffer (false for a non-buffer).
pub fn is_immutable(vm: &Vm, buffer: ObjRef) -> bool {
    buffer_data(vm, buffer).is_some_and(|b| b.immutable)
}

impl ElementType {
    pub const ALL: [ElementType; 12] = [
        ElementType::Int8,
        ElementType::Uint8,
        ElementType::Uint8Clamped,
        ElementType::Int16,
        ElementType::Uint16,
        ElementType::Int32,
        ElementType::Uint32,
        ElementType::Float16,
        ElementType::Float32,
        ElementType::Float64,
        ElementType::BigInt64,
        ElementType::BigUint64,
    ];

    /// The element size in bytes.
    pub fn size(self) -> usize {
        match self {
            ElementType::Int8 | ElementType::Uint8 | ElementType::Uint8Clamped => 1,
            ElementType::Int16 | ElementType::Uint16 | ElementType::Float16 => 2,
            ElementType::Int32 | ElementType::Uint32 | ElementType::Float32 => 4,
            ElementType::Float64 | ElementType::BigInt64 | ElementType::BigUint64 => 8,
        }
    }

    /// The constructor's name.
    pub fn name(self) -> &'static str {
        match self {
            ElementType::Int8 => "Int8Array",
            ElementType::Uint8 => "Uint8Array",
            ElementType::Uint8Clamped => "Uint8ClampedArray",
            ElementType::Int16 => "Int16Array",
            ElementType::Uint16 => "Uint16Array",
            ElementType::Int32 => "Int32Array",
            ElementType::Uint32 => "Uint32Array",
            ElementType::Float16 => "Float16Array",
            ElementType::Float32 => "Float32Array",
            ElementType::Float64 => "Float64Array",
            ElementType::BigInt64 => "BigInt64Array",
            ElementType::BigUint64 => "BigUint64Array",
        }
    }

    /// IsBigIntElementType
    pub fn is_bigint(self) -> bool {
        matches!(self, ElementType::BigInt64 | ElementType::BigUint64)
    }

    /// Integer types other than Uint8Clamped: the ones Atomics accepts.
    pub fn is_integer(self) -> bool {
        !matches!(
            self,
            ElementType::Uint8Clamped
                | ElementType::Float16
                | ElementType::Float32
                | ElementType::Float64
        )
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// An element's numeric value: a Number, or the low 64 bits of a BigInt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Element {
    Number(f64),
    BigInt(u64),
}

/// ToNumber or ToBigInt, as the element type asks.
pub fn to_element(vm: &mut Vm, ty: ElementType, v: Value) -> JsResult<Element> {
    if ty.is_bigint() {
        let b = type_conversion::to_bigint(vm, v)?;
        Ok(Element::BigInt(low_64_bits(&b)))
    } else {
        Ok(Element::Number(vm.to_number(v)?))
    }
}

/// The BigInt modulo 2^64, as bits (ToBigInt64 and ToBigUint64 both start here).
pub fn low_64_bits(b: &num_bigint::BigInt) -> u64 {
    let bytes = b.to_signed_bytes_le();
    let fill = if b.sign() == num_bigint::Sign::Minus {
        0xFF
    } else {
        0
    };
    let mut out = [fill; 8];
    for (o, &x) in out.iter_mut().zip(bytes.iter()) {
        *o = x;
    }
    u64::from_le_bytes(out)
}

/// The element as a JavaScript value.
pub fn element_value(vm: &mut Vm, ty: ElementType, e: Element) -> Value {
    match (e, ty) {
        (Element::BigInt(bits), ElementType::BigInt64) => {
            vm.new_bigint(num_bigint::BigInt::from(bits as i64))
        }
        (Element::BigInt(bits), _) => vm.new_bigint(num_bigint::BigInt::from(bits)),
        (Element::Number(n), _) => Value::number(n),
    }
}

/// 7.1.11 ToUint8Clamp
pub(crate) fn to_uint8_clamp(n: f64) -> u8 {
    if n.is_nan() || n <= 0.0 {
        return 0;
    }
    if n >= 255.0 {
        return 255;
    }
    let f = n.floor();
    if f + 0.5 < n {
        return f as u8 + 1;
    }
    if n < f + 0.5 {
        return f as u8;
    }
    let f = f as u8;
    if f % 2 == 1 { f + 1 } else { f }
}

/// 25.1.3.17 NumericToRawBytes: the element's bits (the low `size` bytes count).
pub(crate) fn raw_bits(ty: ElementType, e: Element) -> u64 {
    match e {
        Element::BigInt(bits) => bits,
        Element::Number(n) => {
            let int = || crate::ops::f64_to_int32(n) as u32 as u64;
            match ty {
                ElementType::Uint8Clamped => u64::from(to_uint8_clamp(n)),
                ElementType::Float16 => u64::from(crate::number_conversion::f64_to_f16_bits(n)),
                ElementType::Float32 => u64::from((n as f32).to_bits()),
                ElementType::Float64 => n.to_bits(),
                ElementType::BigInt64 | ElementType::BigUint64 => 0,
                _ => int(),
            }
        }
    }
}

/// Writes `e` as `ty` into `out` (at least `ty.size()` bytes).
pub fn encode(ty: ElementType, e: Element, little_endian: bool, out: &mut [u8]) {
    let size = ty.size();
    let bits = raw_bits(ty, e);
    if little_endian {
        out[..size].copy_from_slice(&bits.to_le_bytes()[..size]);
    } else {
        out[..size].copy_from_slice(&bits.to_be_bytes()[8 - size..]);
    }
}

/// 25.1.3.15 RawBytesToNumeric
pub fn decode(ty: ElementType, bytes: &[u8], little_endian: bool) -> Element {
    let size = ty.size();
    let mut raw = [0u8; 8];
    let bits = if little_endian {
        raw[..size].copy_from_slice(&bytes[..size]);
        u64::from_le_bytes(raw)
    } else {
        raw[8 - size..].copy_from_slice(&bytes[..size]);
        u64::from_be_bytes(raw)
    };
    let n = match ty {
        ElementType::Int8 => f64::from(bits as u8 as i8),
        ElementType::Uint8 | ElementType::Uint8Clamped => f64::from(bits as u8),
        ElementType::Int16 => f64::from(bits as u16 as i16),
        ElementType::Uint16 => f64::from(bits as u16),
        ElementType::Int32 => f64::from(bits as u32 as i32),
        ElementType::Uint32 => f64::from(bits as u32),
        ElementType::Float16 => crate::number_conversion::f16_bits_to_f64(bits as u16),
        ElementType::Float32 => f64::from(f32::from_bits(bits as u32)),
        ElementType::Float64 => f64::from_bits(bits),
        ElementType::BigInt64 | ElementType::BigUint64 => return Element::BigInt(bits),
    };
    Element::Number(n)
}

/// The typed array slots of `o`.
pub fn typed_array(vm: &Vm, o: ObjRef) -> Option<TypedArrayData> {
    match &vm.obj(o).kind {
        ObjectKind::TypedArray(t) => Some(**t),
        _ => None,
    }
}

/// TypedArrayLength of a fresh witness record, or `None` when IsTypedArrayOutOfBounds (which
/// includes a detached buffer).
pub fn length_of(vm: &Vm, ta: &TypedArrayData) -> Option<usize> {
    let data = buffer_data(vm, ta.buffer)?;
    if data.detached {
        return None;
    }
    let buffer_len = data.bytes.len();
    let size = ta.element.size();
    match ta.array_length {
        Some(n) => (ta.byte_offset + n * size <= buffer_len).then_some(n),
        None => (ta.byte_offset <= buffer_len).then(|| (buffer_len - ta.byte_offset) / size),
    }
}

/// The element at `index`, when the index is valid.
pub fn read(vm: &Vm, ta: &TypedArrayData, index: usize) -> Option<Element> {
    if index >= length_of(vm, ta)? {
        return None;
    }
    let data = buffer_data(vm, ta.buffer)?;
    let at = ta.byte_offset + index * ta.element.size();
    let mut raw = [0u8; 8];
    let raw = &mut raw[..ta.element.size()];
    data.bytes.read(at, raw);
    Some(decode(ta.element, raw, true))
}

/// Whether the typed array `o` views an immutable buffer (IsImmutableBuffer of its
/// \[\[ViewedArrayBuffer\]\]).
pub fn is_immutable_view(vm: &Vm, o: ObjRef) -> bool {
    typed_array(vm, o).is_some_and(|ta| is_immutable(vm, ta.buffer))
}

/// Stores `e` at `index` when the index is valid and the buffer mutable; returns whether it
/// did.
pub fn write(vm: &mut Vm, ta: &TypedArrayData, index: usize, e: Element) -> bool {
    if length_of(vm, ta).is_none_or(|len| index >= len) || is_immutable(vm, ta.buffer) {
        return false;
    }
    let at = ta.byte_offset + index * ta.element.size();
    match buffer_data_mut(vm, ta.buffer) {
        Some(data) => {
            let mut raw = [0u8; 8];
            let raw = &mut raw[..ta.element.size()];
            encode(ta.element, e, true, raw);
            data.bytes.write(at, raw);
            true
        }
        None => false,
    }
}

/// 10.4.5.14 IsValidIntegerIndex, for a numeric index already known to be one.
pub(crate) fn valid_index(vm: &Vm, ta: &TypedArrayData, index: f64) -> Option<usize> {
    if index.fract() != 0.0 || (index == 0.0 && index.is_sign_negative()) || index < 0.0 {
        return None;
    }
    let len = length_of(vm, ta)?;
    (index < len as f64).then_some(index as usize)
}

/// 10.4.5.15 TypedArrayGetElement
pub fn get_element(vm: &mut Vm, ta: &TypedArrayData, index: f64) -> Value {
    match valid_index(vm, ta, index).and_then(|i| read(vm, ta, i)) {
        Some(e) => element_value(vm, ta.element, e),
        None => Value::UNDEFINED,
    }
}

/// 10.4.5.16 TypedArraySetElement: converts `v` first, then stores it if the index is valid.
pub fn set_element(vm: &mut Vm, o: ObjRef, index: f64, v: Value) -> JsResult<()> {
    let Some(ta) = typed_array(vm, o) else {
        return Ok(());
    };
    let e = to_element(vm, ta.element, v)?;
    if let Some(i) = valid_index(vm, &ta, index) {
        write(vm, &ta, i, e);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 10.4.5 Integer-indexed exotic objects: the parts of the essential methods for numeric keys.
// Each returns `None` when the key is not numeric (the ordinary method applies).

/// \[\[GetOwnProperty\]\] for a numeric key.
pub fn exotic_get_own(vm: &mut Vm, o: ObjRef, key: PropertyKey) -> Option<Option<Value>> {
    let ta = typed_array(vm, o)?;
    let index = canonical_numeric_index_string(vm, key)?;
    let v = get_element(vm, &ta, index);
    Some((!v.is_undefined()).then_some(v))
}

/// \[\[HasProperty\]\] for a numeric key.
pub fn exotic_has(vm: &Vm, o: ObjRef, key: PropertyKey) -> Option<bool> {
    let ta = typed_array(vm, o)?;
    let index = canonical_numeric_index_string(vm, key)?;
    Some(valid_index(vm, &ta, index).is_some())
}

/// \[\[DefineOwnProperty\]\] for a numeric key (10.4.5.3 step 1.b).
pub fn exotic_define(
    vm: &mut Vm,
    o: ObjRef,
    key: PropertyKey,
    desc: &crate::property::Descriptor,
) -> Option<JsResult<bool>> {
    let ta = typed_array(vm, o)?;
    let index = canonical_numeric_index_string(vm, key)?;
    // The elements of a view of an immutable buffer are non-writable and non-configurable:
    // only a definition that changes nothing succeeds.
    let mutable = !is_immutable(vm, ta.buffer);
    if valid_index(vm, &ta, index).is_none()
        || desc.configurable.is_some_and(|c| c != mutable)
        || desc.enumerable == Some(false)
        || desc.is_accessor()
        || desc.writable.is_some_and(|w| w != mutable)
    {
        return Some(Ok(false));
    }
    if let Some(v) = desc.value {
        if !mutable {
            let current = get_element(vm, &ta, index);
            return Some(vm.same_value(v, current));
        }
        if let Err(e) = set_element(vm, o, index, v) {
            return Some(Err(e));
        }
    }
    Some(Ok(true))
}

/// \[\[Delete\]\] for a numeric key.
pub fn exotic_delete(vm: &Vm, o: ObjRef, key: PropertyKey) -> Option<bool> {
    let ta = typed_array(vm, o)?;
    let index = canonical_numeric_index_string(vm, key)?;
    Some(valid_index(vm, &ta, index).is_none())
}

/// The index keys of \[\[OwnPropertyKeys\]\].
pub fn exotic_index_keys(vm: &Vm, o: ObjRef) -> Vec<PropertyKey> {
    let Some(ta) = typed_array(vm, o) else {
        return Vec::new();
    };
    let len = length_of(vm, &ta).unwrap_or(0);
    (0..len.min(u32::MAX as usize) as u32)
        .map(PropertyKey::Index)
        .collect()
}
