//! 23.2 TypedArray objects: %TypedArray%, its prototype and the twelve concrete constructors.
//! The integer-indexed exotic behaviour (10.4.5) and the element encoding are in
//! `typed_array_object.rs`.

use super::arg;
use super::array_buffer;
use crate::abstract_ops::{iterators, objects, type_conversion};
use crate::heap::ObjRef;
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
use crate::slots::{ElementType, TypedArrayData};
use crate::typed_array_object::{
    buffer_data, buffer_data_mut, decode, encode, get_element, is_immutable_view, length_of, read,
    set_element, to_element, typed_array, valid_index, write,
};
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use std::cmp::Ordering;

// ---------------------------------------------------------------------------------------------
// Construction

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let it = vm.agent.symbols.iterator;
    let tag = vm.agent.symbols.to_string_tag;

    // 23.2.1 %TypedArray% and 23.2.3 %TypedArray.prototype%
    let proto = vm.new_plain_object(op);
    let ctor = vm.native_function("TypedArray", 0, abstract_call, Some(abstract_construct));
    let pk = PropertyKey::String(vm.agent.names.prototype);
    vm.define_data(ctor, pk, proto.value(), 0);
    let ck = PropertyKey::String(vm.agent.names.constructor);
    vm.define_data(proto, ck, ctor.value(), attrs::HIDDEN);
    vm.define_method(ctor, "from", 1, from);
    vm.define_method(ctor, "of", 0, of);
    vm.define_species_getter(ctor);

    vm.define_getter(proto, "buffer", buffer);
    vm.define_getter(proto, "byteLength", byte_length);
    vm.define_getter(proto, "byteOffset", byte_offset);
    vm.define_getter(proto, "length", length);
    let tag_getter = vm.native_function("get [Symbol.toStringTag]", 0, to_string_tag, None);
    vm.define_own_property_raw(
        proto,
        PropertyKey::Symbol(tag),
        crate::object::Property {
            slot: crate::object::Slot::Accessor {
                get: tag_getter.value(),
                set: Value::UNDEFINED,
            },
            attrs: attrs::CONFIGURABLE | attrs::ACCESSOR,
        },
    );
    for (name, len, f) in [
        ("at", 1, at as crate::object::NativeFn),
        ("copyWithin", 2, copy_within),
        ("entries", 0, entries),
        ("every", 1, every),
        ("fill", 1, fill),
        ("filter", 1, filter),
        ("find", 1, find),
        ("findIndex", 1, find_index),
        ("findLast", 1, find_last),
        ("findLastIndex", 1, find_last_index),
        ("forEach", 1, for_each),
        ("includes", 1, includes),
        ("indexOf", 1, index_of),
        ("join", 1, join),
        ("keys", 0, keys),
        ("lastIndexOf", 1, last_index_of),
        ("map", 1, map),
        ("reduce", 1, reduce),
        ("reduceRight", 1, reduce_right),
        ("reverse", 0, reverse),
        ("set", 1, set),
        ("slice", 2, slice),
        ("some", 1, some),
        ("sort", 1, sort),
        ("subarray", 2, subarray),
        ("toLocaleString", 0, to_locale_string),
        ("toReversed", 0, to_reversed),
        ("toSorted", 1, to_sorted),
        ("with", 2, with),
    ] {
        vm.define_method(proto, name, len, f);
    }
    let values = vm.define_method_now(proto, "values", 0, values);
    vm.define_data(
        proto,
        PropertyKey::Symbol(it),
        values.value(),
        attrs::HIDDEN,
    );
    // 23.2.3.32: the same function object as Array.prototype.toString.
    let ap = vm.intrinsics().array_prototype;
    let tk = vm.key("toString");
    if let Some(p) = vm.own_property_raw(ap, tk)
        && let crate::object::Slot::Data(f) = p.slot
    {
        vm.define_data(proto, tk, f, attrs::HIDDEN);
    }

    // 23.2.6 the concrete constructors
    let mut prototypes = [proto; 12];
    let mut constructors = [ctor; 12];
    for ty in ElementType::ALL {
        let p = vm.new_plain_object(proto);
        let construct: crate::object::NativeCtor = match ty {
            ElementType::Int8 => construct_typed::<0>,
            ElementType::Uint8 => construct_typed::<1>,
            ElementType::Uint8Clamped => construct_typed::<2>,
            ElementType::Int16 => construct_typed::<3>,
            ElementType::Uint16 => construct_typed::<4>,
            ElementType::Int32 => construct_typed::<5>,
            ElementType::Uint32 => construct_typed::<6>,
            ElementType::Float16 => construct_typed::<7>,
            ElementType::Float32 => construct_typed::<8>,
            ElementType::Float64 => construct_typed::<9>,
            ElementType::BigInt64 => construct_typed::<10>,
            ElementType::BigUint64 => construct_typed::<11>,
        };
        let c = vm.make_constructor(ty.name(), 3, super::requires_new, Some(construct), p);
        vm.obj_mut(c).proto = Some(ctor);
        let bk = vm.key("BYTES_PER_ELEMENT");
        let size = Value::int32(ty.size() as i32);
        vm.define_data(c, bk, size, 0);
        vm.define_data(p, bk, size, 0);
        prototypes[ty.index()] = p;
        constructors[ty.index()] = c;
    }
    super::uint8_base64::init(vm, prototypes[ElementType::Uint8.index()]);
    super::uint8_base64::init_constructor(vm, constructors[ElementType::Uint8.index()]);

    let realm = vm.stack.realm as usize;
    let r = &mut vm.realms[realm];
    r.typed_array_prototype = proto;
    r.typed_array_constructor = ctor;
    r.typed_array_prototypes = prototypes;
    r.typed_array_constructors = constructors;
}

fn abstract_call(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Err(vm.type_error("Constructor TypedArray requires 'new'"))
}

fn abstract_construct(vm: &mut Vm, _: &[Value], _: ObjRef) -> JsResult<Value> {
    Err(vm.type_error("Abstract class TypedArray not directly constructable"))
}

/// 23.2.5.1 TypedArray ( ...args ) for the element type numbered `T`.
fn construct_typed<const T: usize>(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let ty = ElementType::ALL[T];
    let first = arg(args, 0);
    let Some(source) = first.as_object() else {
        // 23.2.5.1 step 6: a length.
        let length = vm.to_index(first)?;
        let proto = prototype_for(vm, nt.value(), ty)?;
        return Ok(allocate(vm, proto, ty, length)?.value());
    };
    let proto = prototype_for(vm, nt.value(), ty)?;
    if let Some(src) = typed_array(vm, source) {
        return Ok(from_typed_array(vm, proto, ty, &src)?.value());
    }
    if buffer_data(vm, source).is_some() {
        return Ok(from_array_buffer(vm, proto, ty, source, arg(args, 1), arg(args, 2))?.value());
    }
    let key = PropertyKey::Symbol(vm.agent.symbols.iterator);
    let using_iterator = vm.get_method(first, key)?;
    let values = if !using_iterator.is_undefined() {
        iterable_to_list(vm, first, using_iterator)?
    } else {
        // 23.2.5.1.5 InitializeTypedArrayFromArrayLike
        let len = objects::length_of_array_like(vm, source)?;
        let o = allocate(vm, proto, ty, len as u64)?;
        vm.root(o.value());
        for k in 0..len as usize {
            vm.check_interrupt_native()?;
            let v = vm.get(source, PropertyKey::Index(k as u32), first)?;
            set_element(vm, o, k as f64, v)?;
        }
        return Ok(o.value());
    };
    // 23.2.5.1.4 InitializeTypedArrayFromList
    let o = allocate(vm, proto, ty, values.len() as u64)?;
    vm.root(o.value());
    for (k, v) in values.into_iter().enumerate() {
        set_element(vm, o, k as f64, v)?;
    }
    Ok(o.value())
}

/// The values an iterable produces, each rooted in the caller's handle scope (IteratorToList).
fn iterable_to_list(vm: &mut Vm, v: Value, method: Value) -> JsResult<Vec<Value>> {
    let record = iterators::get_iterator_from_method(vm, v, method)?;
    let (it, next) = iterators::rooted(vm, record);
    let mut values = Vec::new();
    while let Some(x) = iterators::iterator_step_value(vm, it, next)? {
        vm.root(x);
        values.push(x);
    }
    Ok(values)
}

/// GetPrototypeFromConstructor with the element type's prototype as the default.
fn prototype_for(vm: &mut Vm, new_target: Value, ty: ElementType) -> JsResult<ObjRef> {
    vm.prototype_from_constructor(new_target, move |r| r.typed_array_prototypes[ty.index()])
}

/// AllocateTypedArray with a length: a new buffer of `length` elements.
fn allocate(vm: &mut Vm, proto: ObjRef, ty: ElementType, length: u64) -> JsResult<ObjRef> {
    let bytes = length.saturating_mul(ty.size() as u64);
    let ab = vm.intrinsics().array_buffer_constructor;
    vm.root(proto.value());
    let buffer = array_buffer::allocate(vm, ab.value(), bytes, None, false)?;
    Ok(new_typed_array(
        vm,
        proto,
        ty,
        buffer,
        0,
        Some(length as usize),
    ))
}

fn new_typed_array(
    vm: &mut Vm,
    proto: ObjRef,
    ty: ElementType,
    buffer: ObjRef,
    byte_offset: usize,
    array_length: Option<usize>,
) -> ObjRef {
    let data = TypedArrayData {
        element: ty,
        buffer,
        byte_offset,
        array_length,
    };
    vm.alloc(Object::new(
        Some(proto),
        ObjectKind::TypedArray(Box::new(data)),
    ))
}

/// A new typed array of `ty` over `buffer` in the current realm (for hosts and `Uint8Array`
/// results).
pub fn create(vm: &mut Vm, ty: ElementType, buffer: ObjRef) -> ObjRef {
    let proto = vm.intrinsics().typed_array_prototypes[ty.index()];
    let len = array_buffer::byte_length_of(vm, buffer) / ty.size();
    new_typed_array(vm, proto, ty, buffer, 0, Some(len))
}

/// 23.2.5.1.2 InitializeTypedArrayFromTypedArray
fn from_typed_array(
    vm: &mut Vm,
    proto: ObjRef,
    ty: ElementType,
    src: &TypedArrayData,
) -> JsResult<ObjRef> {
    let Some(len) = length_of(vm, src) else {
        return Err(
            vm.type_error("Cannot construct a typed array from a detached or out-of-bounds one")
        );
    };
    if ty.is_bigint() != src.element.is_bigint() {
        return Err(vm.type_error(&format!(
            "Cannot mix BigInt and Number typed arrays ({} from {})",
            ty.name(),
            src.element.name()
        )));
    }
    let o = allocate(vm, proto, ty, len as u64)?;
    let dst = typed_array(vm, o).expect("just made");
    if ty == src.element {
        let count = len * ty.size();
        array_buffer::copy_bytes(vm, src.buffer, src.byte_offset, dst.buffer, 0, count)?;
    } else {
        convert_elements(vm, src, 0, &dst, 0, len)?;
    }
    Ok(o)
}

/// Whether converting an element of type `a` to type `b` keeps its bytes: the same type, or
/// integers of one width (not clamped), which convert modulo 2^width.
fn same_bits(a: ElementType, b: ElementType) -> bool {
    a == b || (a.size() == b.size() && a.is_integer() && b.is_integer())
}

/// Writes `count` elements of `src` from index `from` into `dst` from index `to`, each
/// converted to `dst`'s type, a chunk at a time. The two must view different buffers, and the
/// ranges must be in bounds.
fn convert_elements(
    vm: &mut Vm,
    src: &TypedArrayData,
    from: usize,
    dst: &TypedArrayData,
    to: usize,
    count: usize,
) -> JsResult<()> {
    let (src_size, dst_size) = (src.element.size(), dst.element.size());
    if same_bits(src.element, dst.element) {
        let (at, to_at) = (
            src.byte_offset + from * src_size,
            dst.byte_offset + to * dst_size,
        );
        return array_buffer::copy_bytes(vm, src.buffer, at, dst.buffer, to_at, count * src_size);
    }
    let chunk_elements = crate::limits::BULK_BYTES / 8;
    let mut chunk = Vec::new();
    vm.in_chunks(count, chunk_elements, |vm, r| {
        chunk.clear();
        if let Some(d) = buffer_data(vm, src.buffer) {
            let at = src.byte_offset + (from + r.start) * src_size;
            chunk = d.bytes.to_vec(at..at + r.len() * src_size);
        }
        if let Some(d) = buffer_data_mut(vm, dst.buffer) {
            let at = dst.byte_offset + (to + r.start) * dst_size;
            d.bytes.with_mut(at..at + r.len() * dst_size, |out| {
                let out = out.chunks_exact_mut(dst_size);
                for (e, out) in chunk.chunks_exact(src_size).zip(out) {
                    encode(dst.element, decode(src.element, e, true), true, out);
                }
            });
        }
    })
}

/// 23.2.5.1.3 InitializeTypedArrayFromArrayBuffer
fn from_array_buffer(
    vm: &mut Vm,
    proto: ObjRef,
    ty: ElementType,
    buffer: ObjRef,
    byte_offset: Value,
    length: Value,
) -> JsResult<ObjRef> {
    let size = ty.size() as u64;
    let offset = vm.to_index(byte_offset)?;
    if offset % size != 0 {
        return Err(vm.range_error(&format!(
            "start offset of {} should be a multiple of {size}",
            ty.name()
        )));
    }
    let fixed = buffer_data(vm, buffer).is_some_and(|d| d.is_fixed_length());
    let new_length = if length.is_undefined() {
        None
    } else {
        Some(vm.to_index(length)?)
    };
    if array_buffer::is_detached(vm, buffer) {
        return Err(vm.type_error("Cannot construct a typed array on a detached ArrayBuffer"));
    }
    let buffer_len = array_buffer::byte_length_of(vm, buffer) as u64;
    let array_length = match new_length {
        None if !fixed => {
            if offset > buffer_len {
                return Err(vm.range_error(&format!(
                    "Start offset {offset} is outside the bounds of the buffer"
                )));
            }
            None
        }
        None => {
            if !buffer_len.is_multiple_of(size) {
                return Err(vm.range_error(&format!(
                    "byte length of {} should be a multiple of {size}",
                    ty.name()
                )));
            }
            if offset > buffer_len {
                return Err(vm.range_error(&format!(
                    "Start offset {offset} is outside the bounds of the buffer"
                )));
            }
            Some(((buffer_len - offset) / size) as usize)
        }
        Some(n) => {
            if offset.saturating_add(n.saturating_mul(size)) > buffer_len {
                return Err(vm.range_error(&format!("Invalid typed array length: {n}")));
            }
            Some(n as usize)
        }
    };
    Ok(new_typed_array(
        vm,
        proto,
        ty,
        buffer,
        offset as usize,
        array_length,
    ))
}

/// ValidateTypedArray with access mode ~write~ (the immutable ArrayBuffer proposal): a view of
/// an immutable buffer is a TypeError before any argument is read.
fn validate_for_write(
    vm: &mut Vm,
    this: Value,
    method: &str,
) -> JsResult<(ObjRef, TypedArrayData, usize)> {
    if let Some(o) = this.as_object()
        && is_immutable_view(vm, o)
    {
        return Err(array_buffer::immutable_write_error(
            vm,
            &format!("perform %TypedArray%.prototype.{method}"),
        ));
    }
    validate(vm, this, method)
}

/// 23.2.4.4 ValidateTypedArray: the array and its current length.
fn validate(vm: &mut Vm, this: Value, method: &str) -> JsResult<(ObjRef, TypedArrayData, usize)> {
    let Some((o, ta)) = this
        .as_object()
        .and_then(|o| typed_array(vm, o).map(|t| (o, t)))
    else {
        return Err(vm.type_error(&format!(
            "Method %TypedArray%.prototype.{method} called on incompatible receiver"
        )));
    };
    match length_of(vm, &ta) {
        Some(len) => Ok((o, ta, len)),
        None => Err(vm.type_error(&format!(
            "Cannot perform %TypedArray%.prototype.{method} on a detached or out-of-bounds typed array"
        ))),
    }
}

/// 23.2.4.2 TypedArrayCreateFromConstructor; `write` for a result the caller writes to, which
/// must not view an immutable buffer.
fn create_from_constructor(
    vm: &mut Vm,
    ctor: Value,
    args: &[Value],
    write: bool,
) -> JsResult<ObjRef> {
    let new = vm.construct(ctor, args, ctor)?;
    if write && new.as_object().is_some_and(|o| is_immutable_view(vm, o)) {
        return Err(array_buffer::immutable_write_error(
            vm,
            "fill the typed array the constructor made",
        ));
    }
    let (o, _, len) = validate(vm, new, "constructor")
        .map_err(|_| vm.type_error("The constructor did not make a valid typed array"))?;
    if let [n] = args
        && let Some(n) = n.as_number()
        && (len as f64) < n
    {
        return Err(vm.type_error(&format!(
            "The constructor made a typed array of length {len}, {n} were asked for"
        )));
    }
    Ok(o)
}

/// 23.2.4.1 TypedArraySpeciesCreate (`write` as for [`create_from_constructor`])
fn species_create(vm: &mut Vm, exemplar: ObjRef, args: &[Value], write: bool) -> JsResult<ObjRef> {
    let ty = typed_array(vm, exemplar).expect("a typed array").element;
    let default = vm.intrinsics().typed_array_constructors[ty.index()].value();
    let ctor = objects::species_constructor(vm, exemplar, default)?;
    let result = create_from_constructor(vm, ctor, args, write)?;
    let rty = typed_array(vm, result).expect("validated").element;
    if rty.is_bigint() != ty.is_bigint() {
        return Err(
            vm.type_error("The species constructor made a typed array of another content type")
        );
    }
    Ok(result)
}

/// 23.2.4.3 TypedArrayCreateSameType
fn create_same_type(vm: &mut Vm, ty: ElementType, len: usize) -> JsResult<ObjRef> {
    let proto = vm.intrinsics().typed_array_prototypes[ty.index()];
    allocate(vm, proto, ty, len as u64)
}

/// 23.2.2.1 %TypedArray%.from ( source [ , mapper [ , thisArg ] ] )
fn from(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    if !vm.is_constructor(this) {
        return Err(vm.type_error("%TypedArray%.from: this is not a constructor"));
    }
    let (source, mapper, this_arg) = (arg(args, 0), arg(args, 1), arg(args, 2));
    if !mapper.is_undefined() && !vm.is_callable(mapper) {
        return Err(vm.type_error("%TypedArray%.from: the mapper is not a function"));
    }
    let key = PropertyKey::Symbol(vm.agent.symbols.iterator);
    let using_iterator = vm.get_method(source, key)?;
    let map = |vm: &mut Vm, v: Value, k: usize| -> JsResult<Value> {
        if mapper.is_undefined() {
            Ok(v)
        } else {
            vm.call(mapper, this_arg, &[v, Value::number(k as f64)])
        }
    };
    if !using_iterator.is_undefined() {
        let values = iterable_to_list(vm, source, using_iterator)?;
        let target =
            create_from_constructor(vm, this, &[Value::number(values.len() as f64)], true)?;
        vm.root(target.value());
        for (k, v) in values.into_iter().enumerate() {
            let mapped = map(vm, v, k)?;
            vm.set_or_throw(target, PropertyKey::Index(k as u32), mapped, true)?;
        }
        return Ok(target.value());
    }
    let array_like = vm.to_object(source)?;
    vm.root(array_like.value());
    let len = objects::length_of_array_like(vm, array_like)?;
    let target = create_from_constructor(vm, this, &[Value::number(len)], true)?;
    vm.root(target.value());
    for k in 0..len as usize {
        vm.check_interrupt_native()?;
        let key = type_conversion::index_key(vm, k as f64);
        let v = vm.get(array_like, key, array_like.value())?;
        let mapped = map(vm, v, k)?;
        vm.set_or_throw(target, key, mapped, true)?;
    }
    Ok(target.value())
}

/// 23.2.2.2 %TypedArray%.of ( ...items )
fn of(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    if !vm.is_constructor(this) {
        return Err(vm.type_error("%TypedArray%.of: this is not a constructor"));
    }
    let target = create_from_constructor(vm, this, &[Value::number(args.len() as f64)], true)?;
    vm.root(target.value());
    for (k, &v) in args.iter().enumerate() {
        vm.set_or_throw(target, PropertyKey::Index(k as u32), v, true)?;
    }
    Ok(target.value())
}

// ---------------------------------------------------------------------------------------------
// 23.2.3 Properties of %TypedArray.prototype%

fn this_typed_array(vm: &mut Vm, this: Value, name: &str) -> JsResult<(ObjRef, TypedArrayData)> {
    match this
        .as_object()
        .and_then(|o| typed_array(vm, o).map(|t| (o, t)))
    {
        Some(found) => Ok(found),
        None => Err(vm.type_error(&format!(
            "Method get %TypedArray%.prototype.{name} called on incompatible receiver"
        ))),
    }
}

/// 23.2.3.2 get %TypedArray%.prototype.buffer
fn buffer(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, ta) = this_typed_array(vm, this, "buffer")?;
    Ok(ta.buffer.value())
}

/// 23.2.3.3 get %TypedArray%.prototype.byteLength
fn byte_length(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, ta) = this_typed_array(vm, this, "byteLength")?;
    let n = length_of(vm, &ta).unwrap_or(0) * ta.element.size();
    Ok(Value::number(n as f64))
}

/// 23.2.3.4 get %TypedArray%.prototype.byteOffset
fn byte_offset(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, ta) = this_typed_array(vm, this, "byteOffset")?;
    let n = if length_of(vm, &ta).is_some() {
        ta.byte_offset
    } else {
        0
    };
    Ok(Value::number(n as f64))
}

/// 23.2.3.21 get %TypedArray%.prototype.length
fn length(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, ta) = this_typed_array(vm, this, "length")?;
    Ok(Value::number(length_of(vm, &ta).unwrap_or(0) as f64))
}

/// 23.2.3.38 get %TypedArray%.prototype [ %Symbol.toStringTag% ]
fn to_string_tag(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    match this.as_object().and_then(|o| typed_array(vm, o)) {
        Some(ta) => Ok(vm.string(ta.element.name())),
        None => Ok(Value::UNDEFINED),
    }
}

/// Resolves a relative index (`at`, `slice`, `fill`, ...) against `len`.
fn relative(vm: &mut Vm, v: Value, len: usize, default: f64) -> JsResult<usize> {
    let r = if v.is_undefined() {
        default
    } else {
        vm.to_integer_or_infinity(v)?
    };
    let len = len as f64;
    Ok(if r < 0.0 {
        (len + r).max(0.0)
    } else {
        r.min(len)
    } as usize)
}

fn element_at(vm: &mut Vm, o: ObjRef, k: usize) -> Value {
    match typed_array(vm, o) {
        Some(ta) => get_element(vm, &ta, k as f64),
        None => Value::UNDEFINED,
    }
}

/// 23.2.3.1 %TypedArray%.prototype.at ( index )
fn at(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = validate(vm, this, "at")?;
    let r = vm.to_integer_or_infinity(arg(args, 0))?;
    let k = if r >= 0.0 { r } else { len as f64 + r };
    if k < 0.0 || k >= len as f64 {
        return Ok(Value::UNDEFINED);
    }
    Ok(element_at(vm, o, k as usize))
}

/// 23.2.3.6 %TypedArray%.prototype.copyWithin ( target, start [ , end ] )
fn copy_within(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (o, ta, len) = validate_for_write(vm, this, "copyWithin")?;
    let to = relative(vm, arg(args, 0), len, 0.0)?;
    let from = relative(vm, arg(args, 1), len, 0.0)?;
    let fin = relative(vm, arg(args, 2), len, len as f64)?;
    let count = fin.saturating_sub(from).min(len - to);
    if count > 0 {
        let Some(len) = length_of(vm, &ta) else {
            return Err(vm.type_error("The typed array was detached during copyWithin"));
        };
        let size = ta.element.size();
        let limit = len * size + ta.byte_offset;
        let to_byte = to * size + ta.byte_offset;
        let from_byte = from * size + ta.byte_offset;
        // The byte-by-byte loop stops at the limit; a memmove of the part inside it is the same.
        let count_bytes = (count * size)
            .min(limit.saturating_sub(from_byte))
            .min(limit.saturating_sub(to_byte));
        array_buffer::copy_bytes(vm, ta.buffer, from_byte, ta.buffer, to_byte, count_bytes)?;
    }
    Ok(o.value())
}

/// 23.2.3.7 %TypedArray%.prototype.entries ( )
fn entries(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (o, _, _) = validate(vm, this, "entries")?;
    Ok(super::iterator::create_array_iterator(vm, o.value(), 2))
}

/// 23.2.3.20 %TypedArray%.prototype.keys ( )
fn keys(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (o, _, _) = validate(vm, this, "keys")?;
    Ok(super::iterator::create_array_iterator(vm, o.value(), 0))
}

/// 23.2.3.37 %TypedArray%.prototype.values ( )
fn values(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (o, _, _) = validate(vm, this, "values")?;
    Ok(super::iterator::create_array_iterator(vm, o.value(), 1))
}

fn require_callable(vm: &mut Vm, f: Value, method: &str) -> JsResult<()> {
    if vm.is_callable(f) {
        return Ok(());
    }
    let d = vm.describe(f);
    Err(vm.type_error(&format!(
        "%TypedArray%.prototype.{method}: {d} is not a function"
    )))
}

/// Calls `callback(value, index, o)` for each index in `order` until `stop` says so; returns
/// the index and value it stopped at.
fn visit(
    vm: &mut Vm,
    this: Value,
    args: &[Value],
    method: &str,
    backwards: bool,
    stop: fn(&Vm, Value) -> bool,
) -> JsResult<Option<(usize, Value)>> {
    let (o, _, len) = validate(vm, this, method)?;
    let (f, this_arg) = (arg(args, 0), arg(args, 1));
    require_callable(vm, f, method)?;
    for i in 0..len {
        vm.check_interrupt_native()?;
        let k = if backwards { len - 1 - i } else { i };
        let v = element_at(vm, o, k);
        let r = vm.call(f, this_arg, &[v, Value::number(k as f64), o.value()])?;
        if stop(vm, r) {
            return Ok(Some((k, v)));
        }
    }
    Ok(None)
}

/// 23.2.3.8 %TypedArray%.prototype.every ( callback [ , thisArg ] )
fn every(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let stopped = visit(vm, this, args, "every", false, |vm, r| !vm.to_boolean(r))?;
    Ok(Value::boolean(stopped.is_none()))
}

/// 23.2.3.27 %TypedArray%.prototype.some ( callback [ , thisArg ] )
fn some(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let stopped = visit(vm, this, args, "some", false, |vm, r| vm.to_boolean(r))?;
    Ok(Value::boolean(stopped.is_some()))
}

/// 23.2.3.16 %TypedArray%.prototype.forEach ( callback [ , thisArg ] )
fn for_each(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    visit(vm, this, args, "forEach", false, |_, _| false)?;
    Ok(Value::UNDEFINED)
}

/// 23.2.3.11 %TypedArray%.prototype.find ( predicate [ , thisArg ] )
fn find(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let found = visit(vm, this, args, "find", false, |vm, r| vm.to_boolean(r))?;
    Ok(found.map_or(Value::UNDEFINED, |(_, v)| v))
}

/// 23.2.3.12 %TypedArray%.prototype.findIndex ( predicate [ , thisArg ] )
fn find_index(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let found = visit(vm, this, args, "findIndex", false, |vm, r| vm.to_boolean(r))?;
    Ok(Value::number(found.map_or(-1.0, |(k, _)| k as f64)))
}

/// 23.2.3.13 %TypedArray%.prototype.findLast ( predicate [ , thisArg ] )
fn find_last(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let found = visit(vm, this, args, "findLast", true, |vm, r| vm.to_boolean(r))?;
    Ok(found.map_or(Value::UNDEFINED, |(_, v)| v))
}

/// 23.2.3.14 %TypedArray%.prototype.findLastIndex ( predicate [ , thisArg ] )
fn find_last_index(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let found = visit(vm, this, args, "findLastIndex", true, |vm, r| {
        vm.to_boolean(r)
    })?;
    Ok(Value::number(found.map_or(-1.0, |(k, _)| k as f64)))
}

/// 23.2.3.9 %TypedArray%.prototype.fill ( value [ , start [ , end ] ] )
fn fill(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (o, ta, len) = validate_for_write(vm, this, "fill")?;
    let value = to_element(vm, ta.element, arg(args, 0))?;
    let start = relative(vm, arg(args, 1), len, 0.0)?;
    let end = relative(vm, arg(args, 2), len, len as f64)?;
    let Some(len) = length_of(vm, &ta) else {
        return Err(vm.type_error("The typed array was detached during fill"));
    };
    // Every element gets the same bytes: encoded once, then copied a chunk at a time.
    let size = ta.element.size();
    let mut pattern = [0u8; 8];
    encode(ta.element, value, true, &mut pattern);
    let first = ta.byte_offset + start * size;
    let count = end.min(len).saturating_sub(start);
    vm.in_chunks(count, crate::limits::BULK_BYTES / size, |vm, r| {
        if let Some(d) = buffer_data_mut(vm, ta.buffer) {
            d.bytes.with_mut(
                first + r.start * size..first + r.end * size,
                |bytes| match size {
                    1 => bytes.fill(pattern[0]),
                    2 => fill_with::<2>(bytes, &pattern),
                    4 => fill_with::<4>(bytes, &pattern),
                    _ => fill_with::<8>(bytes, &pattern),
                },
            );
        }
    })?;
    Ok(o.value())
}

/// Fills `bytes` with copies of the first `S` bytes of `pattern`.
fn fill_with<const S: usize>(bytes: &mut [u8], pattern: &[u8; 8]) {
    let (element, _) = pattern.as_chunks::<S>();
    bytes.as_chunks_mut::<S>().0.fill(element[0]);
}

/// 23.2.3.10 %TypedArray%.prototype.filter ( callback [ , thisArg ] )
fn filter(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = validate(vm, this, "filter")?;
    let (f, this_arg) = (arg(args, 0), arg(args, 1));
    require_callable(vm, f, "filter")?;
    let mut kept = Vec::new();
    for k in 0..len {
        vm.check_interrupt_native()?;
        let v = element_at(vm, o, k);
        let r = vm.call(f, this_arg, &[v, Value::number(k as f64), o.value()])?;
        if vm.to_boolean(r) {
            vm.root(v);
            kept.push(v);
        }
    }
    let a = species_create(vm, o, &[Value::number(kept.len() as f64)], true)?;
    vm.root(a.value());
    for (n, v) in kept.into_iter().enumerate() {
        vm.set_or_throw(a, PropertyKey::Index(n as u32), v, true)?;
    }
    Ok(a.value())
}

/// 23.2.3.17 %TypedArray%.prototype.includes ( searchElement [ , fromIndex ] )
fn includes(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = validate(vm, this, "includes")?;
    if len == 0 {
        return Ok(Value::FALSE);
    }
    let n = vm.to_integer_or_infinity(arg(args, 1))?;
    if n == f64::INFINITY {
        return Ok(Value::FALSE);
    }
    let start = if n >= 0.0 {
        n as usize
    } else {
        (len as f64 + n).max(0.0) as usize
    };
    let target = arg(args, 0);
    for k in start..len {
        vm.check_interrupt_native()?;
        let v = element_at(vm, o, k);
        if vm.same_value_zero(v, target)? {
            return Ok(Value::TRUE);
        }
    }
    Ok(Value::FALSE)
}

/// 23.2.3.18 %TypedArray%.prototype.indexOf ( searchElement [ , fromIndex ] )
fn index_of(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = validate(vm, this, "indexOf")?;
    if len == 0 {
        return Ok(Value::int32(-1));
    }
    let n = vm.to_integer_or_infinity(arg(args, 1))?;
    if n == f64::INFINITY {
        return Ok(Value::int32(-1));
    }
    let start = if n >= 0.0 {
        n as usize
    } else {
        (len as f64 + n).max(0.0) as usize
    };
    let target = arg(args, 0);
    let Some(ta) = typed_array(vm, o) else {
        return Ok(Value::int32(-1));
    };
    for k in start..len {
        vm.check_interrupt_native()?;
        if valid_index(vm, &ta, k as f64).is_none() {
            continue;
        }
        let v = element_at(vm, o, k);
        if vm.strict_equals(v, target)? {
            return Ok(Value::number(k as f64));
        }
    }
    Ok(Value::int32(-1))
}

/// 23.2.3.22 %TypedArray%.prototype.lastIndexOf ( searchElement [ , fromIndex ] )
fn last_index_of(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (o, ta, len) = validate(vm, this, "lastIndexOf")?;
    if len == 0 {
        return Ok(Value::int32(-1));
    }
    let n = if args.len() > 1 {
        vm.to_integer_or_infinity(args[1])?
    } else {
        len as f64 - 1.0
    };
    if n == f64::NEG_INFINITY {
        return Ok(Value::int32(-1));
    }
    let mut k = if n >= 0.0 {
        n.min(len as f64 - 1.0)
    } else {
        len as f64 + n
    };
    let target = arg(args, 0);
    while k >= 0.0 {
        if valid_index(vm, &ta, k).is_some() {
            let v = element_at(vm, o, k as usize);
            if vm.strict_equals(v, target)? {
                return Ok(Value::number(k));
            }
        }
        k -= 1.0;
    }
    Ok(Value::int32(-1))
}

/// 23.2.3.19 %TypedArray%.prototype.join ( separator )
fn join(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = validate(vm, this, "join")?;
    let sep: Vec<u16> = if arg(args, 0).is_undefined() {
        vec![u16::from(b',')]
    } else {
        let s = vm.to_string(arg(args, 0))?;
        vm.units_checked(s)?.to_vec()
    };
    let mut out = crate::limits::StringBuilder::new();
    for k in 0..len {
        vm.check_interrupt_native()?;
        if k > 0 {
            out.push_units(vm, &sep)?;
        }
        let v = element_at(vm, o, k);
        if !v.is_undefined() {
            let s = vm.to_string(v)?;
            let units = vm.units_checked(s)?;
            out.push_units(vm, &units)?;
        }
    }
    out.finish(vm)
}

/// 23.2.3.23 %TypedArray%.prototype.map ( callback [ , thisArg ] )
fn map(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = validate(vm, this, "map")?;
    let (f, this_arg) = (arg(args, 0), arg(args, 1));
    require_callable(vm, f, "map")?;
    let a = species_create(vm, o, &[Value::number(len as f64)], true)?;
    vm.root(a.value());
    for k in 0..len {
        vm.check_interrupt_native()?;
        let v = element_at(vm, o, k);
        let mapped = vm.call(f, this_arg, &[v, Value::number(k as f64), o.value()])?;
        vm.set_or_throw(a, PropertyKey::Index(k as u32), mapped, true)?;
    }
    Ok(a.value())
}

/// 23.2.3.24 and 23.2.3.25 reduce and reduceRight
fn reduce_impl(vm: &mut Vm, this: Value, args: &[Value], right: bool) -> JsResult<Value> {
    let method = if right { "reduceRight" } else { "reduce" };
    let (o, _, len) = validate(vm, this, method)?;
    let f = arg(args, 0);
    require_callable(vm, f, method)?;
    let order = |i: usize| if right { len - 1 - i } else { i };
    let mut i = 0;
    let mut acc = if args.len() > 1 {
        args[1]
    } else {
        if len == 0 {
            return Err(vm.type_error("Reduce of empty array with no initial value"));
        }
        i = 1;
        element_at(vm, o, order(0))
    };
    while i < len {
        let k = order(i);
        let v = element_at(vm, o, k);
        acc = vm.with_roots(&[acc], |vm| {
            vm.call(
                f,
                Value::UNDEFINED,
                &[acc, v, Value::number(k as f64), o.value()],
            )
        })?;
        i += 1;
    }
    Ok(acc)
}

fn reduce(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    reduce_impl(vm, this, args, false)
}

fn reduce_right(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    reduce_impl(vm, this, args, true)
}

/// 23.2.3.26 %TypedArray%.prototype.reverse ( )
fn reverse(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (o, ta, len) = validate_for_write(vm, this, "reverse")?;
    let size = ta.element.size();
    // Element `i` of the first half trades places with element `len - 1 - i`, a chunk of
    // pairs at a time.
    vm.in_chunks(len / 2, crate::limits::BULK_BYTES / size, |vm, pairs| {
        if let Some(data) = buffer_data_mut(vm, ta.buffer) {
            let range = ta.byte_offset..ta.byte_offset + len * size;
            data.bytes.with_mut(range, |bytes| match size {
                1 => swap_pairs::<1>(bytes, pairs),
                2 => swap_pairs::<2>(bytes, pairs),
                4 => swap_pairs::<4>(bytes, pairs),
                _ => swap_pairs::<8>(bytes, pairs),
            });
        }
    })?;
    Ok(o.value())
}

/// Swaps element `i` with element `len - 1 - i` for each `i` of `pairs` (all below `len / 2`),
/// in `bytes` holding `len` elements of `S` bytes.
fn swap_pairs<const S: usize>(bytes: &mut [u8], pairs: std::ops::Range<usize>) {
    let (elements, _) = bytes.as_chunks_mut::<S>();
    let len = elements.len();
    let (low, high) = elements.split_at_mut(len - len / 2);
    let back = &mut high[len / 2 - pairs.end..len / 2 - pairs.start];
    let front = &mut low[pairs];
    // Three passes the compiler vectorises: faster than one of element swaps.
    front.swap_with_slice(back);
    front.reverse();
    back.reverse();
}

/// 23.2.3.28 %TypedArray%.prototype.set ( source [ , offset ] )
fn set(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let Some((target, _)) = this
        .as_object()
        .and_then(|o| typed_array(vm, o).map(|t| (o, t)))
    else {
        return Err(
            vm.type_error("Method %TypedArray%.prototype.set called on incompatible receiver")
        );
    };
    if is_immutable_view(vm, target) {
        return Err(array_buffer::immutable_write_error(
            vm,
            "perform %TypedArray%.prototype.set",
        ));
    }
    let offset = vm.to_integer_or_infinity(arg(args, 1))?;
    if offset < 0.0 {
        return Err(vm.range_error("offset is out of bounds"));
    }
    let source = arg(args, 0);
    if let Some(s) = source.as_object()
        && let Some(src) = typed_array(vm, s)
    {
        set_from_typed_array(vm, target, offset, &src)?;
    } else {
        set_from_array_like(vm, target, offset, source)?;
    }
    Ok(Value::UNDEFINED)
}

/// 23.2.3.28.1 SetTypedArrayFromTypedArray
fn set_from_typed_array(
    vm: &mut Vm,
    target: ObjRef,
    offset: f64,
    src: &TypedArrayData,
) -> JsResult<()> {
    let ta = typed_array(vm, target).expect("a typed array");
    let Some(target_len) = length_of(vm, &ta) else {
        return Err(vm.type_error("Cannot set into a detached or out-of-bounds typed array"));
    };
    let Some(src_len) = length_of(vm, src) else {
        return Err(vm.type_error("Cannot set from a detached or out-of-bounds typed array"));
    };
    if ta.element.is_bigint() != src.element.is_bigint() {
        return Err(vm.type_error("Cannot mix BigInt and Number typed arrays"));
    }
    if offset == f64::INFINITY || src_len as f64 + offset > target_len as f64 {
        return Err(vm.range_error("offset is out of bounds"));
    }
    let offset = offset as usize;
    let src_size = src.element.size();
    if same_bits(ta.element, src.element) {
        // A memmove when they share a buffer: the same as cloning the source first.
        let at = ta.byte_offset + offset * src_size;
        let count = src_len * src_size;
        array_buffer::copy_bytes(vm, src.buffer, src.byte_offset, ta.buffer, at, count)?;
    } else if src.buffer == ta.buffer {
        // Steps 17-18: the source is read in full before anything is written.
        let clone =
            array_buffer::clone_array_buffer(vm, src.buffer, src.byte_offset, src_len * src_size)?;
        let copy = TypedArrayData {
            buffer: clone,
            byte_offset: 0,
            array_length: Some(src_len),
            ..*src
        };
        convert_elements(vm, &copy, 0, &ta, offset, src_len)?;
    } else {
        convert_elements(vm, src, 0, &ta, offset, src_len)?;
    }
    Ok(())
}

/// 23.2.3.28.2 SetTypedArrayFromArrayLike
fn set_from_array_like(vm: &mut Vm, target: ObjRef, offset: f64, source: Value) -> JsResult<()> {
    let ta = typed_array(vm, target).expect("a typed array");
    let Some(target_len) = length_of(vm, &ta) else {
        return Err(vm.type_error("Cannot set into a detached or out-of-bounds typed array"));
    };
    let src = vm.to_object(source)?;
    vm.root(src.value());
    let src_len = objects::length_of_array_like(vm, src)?;
    if offset == f64::INFINITY || src_len + offset > target_len as f64 {
        return Err(vm.range_error("offset is out of bounds"));
    }
    for k in 0..src_len as usize {
        vm.check_interrupt_native()?;
        let v = vm.get(src, PropertyKey::Index(k as u32), src.value())?;
        set_element(vm, target, offset + k as f64, v)?;
    }
    Ok(())
}

/// 23.2.3.29 %TypedArray%.prototype.slice ( start, end )
fn slice(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (o, ta, len) = validate(vm, this, "slice")?;
    let start = relative(vm, arg(args, 0), len, 0.0)?;
    let end = relative(vm, arg(args, 1), len, len as f64)?;
    let count = end.saturating_sub(start);
    let a = species_create(vm, o, &[Value::number(count as f64)], true)?;
    if count == 0 {
        return Ok(a.value());
    }
    let Some(len) = length_of(vm, &ta) else {
        return Err(vm.type_error("The typed array was detached during slice"));
    };
    let end = end.min(len);
    let target = typed_array(vm, a).expect("validated");
    if target.element == ta.element {
        // Byte by byte, in order (the target may view the same buffer).
        let size = ta.element.size();
        let from = start * size + ta.byte_offset;
        let to = target.byte_offset;
        let limit = (end * size + ta.byte_offset).min(from + count * size);
        let target_len = array_buffer::byte_length_of(vm, target.buffer);
        let len = limit
            .saturating_sub(from)
            .min(target_len.saturating_sub(to));
        if target.buffer == ta.buffer && from < to && to < from + len {
            // Copied in order, a byte written ahead is read again: the bytes repeat with a
            // period of `to - from`, as a memmove would not make them.
            vm.in_chunks(len, crate::limits::BULK_BYTES, |vm, r| {
                if let Some(d) = buffer_data_mut(vm, ta.buffer) {
                    d.bytes.with_mut(from + r.start..to + r.end, |bytes| {
                        for i in r.clone() {
                            bytes[to - from + i - r.start] = bytes[i - r.start];
                        }
                    });
                }
            })?;
        } else {
            array_buffer::copy_bytes(vm, ta.buffer, from, target.buffer, to, len)?;
        }
    } else {
        vm.root(a.value());
        for (n, k) in (start..end).enumerate() {
            vm.check_interrupt_native()?;
            let v = element_at(vm, o, k);
            vm.set_or_throw(a, PropertyKey::Index(n as u32), v, true)?;
        }
    }
    Ok(a.value())
}

/// SortCompare for typed arrays without a comparator: numeric, -0 before +0, NaN last.
fn compare_numeric(vm: &Vm, a: Value, b: Value) -> Ordering {
    if let (Some(x), Some(y)) = (a.as_bigint(), b.as_bigint()) {
        return vm.bigint(x).cmp(vm.bigint(y));
    }
    let (x, y) = (a.as_number().unwrap_or(0.0), b.as_number().unwrap_or(0.0));
    match (x.is_nan(), y.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => x.total_cmp(&y),
    }
}

/// The array's elements sorted by `comparator` (or numerically).
fn sorted_values(vm: &mut Vm, o: ObjRef, len: usize, comparator: Value) -> JsResult<Vec<Value>> {
    let mut items = Vec::with_capacity(len);
    for k in 0..len {
        vm.check_interrupt_native()?;
        let v = element_at(vm, o, k);
        vm.root(v);
        items.push(v);
    }
    super::array::merge_sort(vm, items, &mut |vm, a, b| {
        if comparator.is_undefined() {
            Ok(compare_numeric(vm, a, b))
        } else {
            super::array::compare_with(vm, comparator, a, b)
        }
    })
}

/// 23.2.3.30 %TypedArray%.prototype.sort ( comparator )
fn sort(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let comparator = arg(args, 0);
    if !comparator.is_undefined() && !vm.is_callable(comparator) {
        return Err(vm.type_error("The comparison function must be either a function or undefined"));
    }
    let (o, _, len) = validate_for_write(vm, this, "sort")?;
    let sorted = sorted_values(vm, o, len, comparator)?;
    for (k, v) in sorted.into_iter().enumerate() {
        set_element(vm, o, k as f64, v)?;
    }
    Ok(o.value())
}

/// 23.2.3.34 %TypedArray%.prototype.toSorted ( comparator )
fn to_sorted(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let comparator = arg(args, 0);
    if !comparator.is_undefined() && !vm.is_callable(comparator) {
        return Err(vm.type_error("The comparison function must be either a function or undefined"));
    }
    let (o, ta, len) = validate(vm, this, "toSorted")?;
    let a = create_same_type(vm, ta.element, len)?;
    vm.root(a.value());
    let sorted = sorted_values(vm, o, len, comparator)?;
    for (k, v) in sorted.into_iter().enumerate() {
        set_element(vm, a, k as f64, v)?;
    }
    Ok(a.value())
}

/// 23.2.3.33 %TypedArray%.prototype.toReversed ( )
fn to_reversed(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, ta, len) = validate(vm, this, "toReversed")?;
    let a = create_same_type(vm, ta.element, len)?;
    let dst = typed_array(vm, a).expect("just made");
    for k in 0..len {
        vm.check_interrupt_native()?;
        if let Some(e) = read(vm, &ta, len - 1 - k) {
            write(vm, &dst, k, e);
        }
    }
    Ok(a.value())
}

/// 23.2.3.36 %TypedArray%.prototype.with ( index, value )
fn with(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (_, ta, len) = validate(vm, this, "with")?;
    let r = vm.to_integer_or_infinity(arg(args, 0))?;
    let actual = if r >= 0.0 { r } else { len as f64 + r };
    let value = to_element(vm, ta.element, arg(args, 1))?;
    if valid_index(vm, &ta, actual).is_none() {
        return Err(vm.range_error("Invalid typed array index"));
    }
    let a = create_same_type(vm, ta.element, len)?;
    let dst = typed_array(vm, a).expect("just made");
    for k in 0..len {
        vm.check_interrupt_native()?;
        let e = if k as f64 == actual {
            Some(value)
        } else {
            read(vm, &ta, k)
        };
        if let Some(e) = e {
            write(vm, &dst, k, e);
        }
    }
    Ok(a.value())
}

/// 23.2.3.31 %TypedArray%.prototype.subarray ( start, end )
fn subarray(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let Some((o, ta)) = this
        .as_object()
        .and_then(|o| typed_array(vm, o).map(|t| (o, t)))
    else {
        return Err(
            vm.type_error("Method %TypedArray%.prototype.subarray called on incompatible receiver")
        );
    };
    let src_len = length_of(vm, &ta).unwrap_or(0);
    let start = relative(vm, arg(args, 0), src_len, 0.0)?;
    let size = ta.element.size();
    let begin = Value::number((ta.byte_offset + start * size) as f64);
    let end = arg(args, 1);
    let args = if ta.array_length.is_none() && end.is_undefined() {
        vec![ta.buffer.value(), begin]
    } else {
        let end = relative(vm, end, src_len, src_len as f64)?;
        let new_len = end.saturating_sub(start);
        vec![ta.buffer.value(), begin, Value::number(new_len as f64)]
    };
    Ok(species_create(vm, o, &args, false)?.value())
}

/// 23.2.3.32 %TypedArray%.prototype.toLocaleString ( )
fn to_locale_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (o, _, len) = validate(vm, this, "toLocaleString")?;
    let mut out = Vec::new();
    for k in 0..len {
        vm.check_interrupt_native()?;
        if k > 0 {
            out.push(u16::from(b','));
        }
        let v = element_at(vm, o, k);
        if !v.is_nullish() {
            let lk = vm.key("toLocaleString");
            let f = vm.get_v(v, lk)?;
            let s = vm.call(f, v, &[])?;
            let s = vm.to_string(s)?;
            out.extend_from_slice(&vm.units_checked(s)?);
        }
    }
    Ok(vm.string_from_units(&out))
}
