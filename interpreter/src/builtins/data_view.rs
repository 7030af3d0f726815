//! 25.3 DataView objects: typed reads and writes at any byte offset, in either byte order.

use super::arg;
use super::array_buffer;
use crate::heap::ObjRef;
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
use crate::slots::ElementType;
use crate::slots::ViewData;
use crate::typed_array_object::{buffer_data, buffer_data_mut};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

/// The getter and setter names with their element types.
const ACCESSORS: [(&str, &str, ElementType); 11] = [
    ("getInt8", "setInt8", ElementType::Int8),
    ("getUint8", "setUint8", ElementType::Uint8),
    ("getInt16", "setInt16", ElementType::Int16),
    ("getUint16", "setUint16", ElementType::Uint16),
    ("getInt32", "setInt32", ElementType::Int32),
    ("getUint32", "setUint32", ElementType::Uint32),
    ("getFloat16", "setFloat16", ElementType::Float16),
    ("getFloat32", "setFloat32", ElementType::Float32),
    ("getFloat64", "setFloat64", ElementType::Float64),
    ("getBigInt64", "setBigInt64", ElementType::BigInt64),
    ("getBigUint64", "setBigUint64", ElementType::BigUint64),
];

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let tag = vm.agent.symbols.to_string_tag;
    let proto = vm.new_plain_object(op);
    vm.make_constructor("DataView", 1, super::requires_new, Some(construct), proto);
    vm.define_getter(proto, "buffer", buffer);
    vm.define_getter(proto, "byteLength", byte_length);
    vm.define_getter(proto, "byteOffset", byte_offset);
    for (i, (get, set, _)) in ACCESSORS.into_iter().enumerate() {
        let (g, s): (crate::object::NativeFn, crate::object::NativeFn) = match i {
            0 => (get_value::<0>, set_value::<0>),
            1 => (get_value::<1>, set_value::<1>),
            2 => (get_value::<2>, set_value::<2>),
            3 => (get_value::<3>, set_value::<3>),
            4 => (get_value::<4>, set_value::<4>),
            5 => (get_value::<5>, set_value::<5>),
            6 => (get_value::<6>, set_value::<6>),
            7 => (get_value::<7>, set_value::<7>),
            8 => (get_value::<8>, set_value::<8>),
            9 => (get_value::<9>, set_value::<9>),
            _ => (get_value::<10>, set_value::<10>),
        };
        vm.define_method(proto, get, 1, g);
        vm.define_method(proto, set, 2, s);
    }
    let t = vm.string("DataView");
    vm.define_data(proto, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].data_view_prototype = proto;
}

/// 25.3.2.1 DataView ( buffer [ , byteOffset [ , byteLength ] ] )
fn construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let Some(buffer) = arg(args, 0)
        .as_object()
        .filter(|&b| buffer_data(vm, b).is_some())
    else {
        return Err(vm.type_error("First argument to DataView constructor must be an ArrayBuffer"));
    };
    let offset = vm.to_index(arg(args, 1))?;
    if array_buffer::is_detached(vm, buffer) {
        return Err(vm.type_error("Cannot construct a DataView on a detached ArrayBuffer"));
    }
    let buffer_len = array_buffer::byte_length_of(vm, buffer) as u64;
    if offset > buffer_len {
        return Err(vm.range_error(&format!(
            "Start offset {offset} is outside the bounds of the buffer"
        )));
    }
    let fixed = buffer_data(vm, buffer).is_some_and(|d| d.is_fixed_length());
    let length_arg = arg(args, 2);
    let view_len = if length_arg.is_undefined() {
        fixed.then_some(buffer_len - offset)
    } else {
        let n = vm.to_index(length_arg)?;
        if offset.saturating_add(n) > buffer_len {
            return Err(vm.range_error(&format!("Invalid DataView length {n}")));
        }
        Some(n)
    };
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.data_view_prototype)?;
    if array_buffer::is_detached(vm, buffer) {
        return Err(vm.type_error("The ArrayBuffer was detached while making the DataView"));
    }
    let buffer_len = array_buffer::byte_length_of(vm, buffer) as u64;
    if offset > buffer_len {
        return Err(vm.range_error("The ArrayBuffer shrank while making the DataView"));
    }
    if !length_arg.is_undefined() && view_len.is_some_and(|n| offset + n > buffer_len) {
        return Err(vm.range_error("The ArrayBuffer shrank while making the DataView"));
    }
    let data = ViewData {
        buffer,
        byte_offset: offset as usize,
        byte_length: view_len.map(|n| n as usize),
    };
    Ok(vm
        .alloc(Object::new(
            Some(proto),
            ObjectKind::DataView(Box::new(data)),
        ))
        .value())
}

fn this_view(vm: &mut Vm, this: Value, method: &str) -> JsResult<ViewData> {
    if let Some(o) = this.as_object()
        && let ObjectKind::DataView(v) = &vm.obj(o).kind
    {
        return Ok(**v);
    }
    Err(vm.type_error(&format!(
        "Method DataView.prototype.{method} called on incompatible receiver"
    )))
}

/// GetViewByteLength of a fresh witness record, or `None` when IsViewOutOfBounds.
fn view_length(vm: &Vm, view: &ViewData) -> Option<usize> {
    let data = buffer_data(vm, view.buffer)?;
    if data.detached {
        return None;
    }
    let buffer_len = data.bytes.len();
    match view.byte_length {
        Some(n) => (view.byte_offset + n <= buffer_len).then_some(n),
        None => (view.byte_offset <= buffer_len).then(|| buffer_len - view.byte_offset),
    }
}

/// 25.3.4.1 get DataView.prototype.buffer
fn buffer(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    Ok(this_view(vm, this, "buffer")?.buffer.value())
}

/// 25.3.4.2 get DataView.prototype.byteLength
fn byte_length(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let view = this_view(vm, this, "byteLength")?;
    match view_length(vm, &view) {
        Some(n) => Ok(Value::number(n as f64)),
        None => Err(vm.type_error("The DataView is detached or out of bounds")),
    }
}

/// 25.3.4.3 get DataView.prototype.byteOffset
fn byte_offset(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let view = this_view(vm, this, "byteOffset")?;
    match view_length(vm, &view) {
        Some(_) => Ok(Value::number(view.byte_offset as f64)),
        None => Err(vm.type_error("The DataView is detached or out of bounds")),
    }
}

/// The byte index in the buffer for an access of `size` bytes at `index`, or the error.
fn view_index(vm: &mut Vm, view: &ViewData, index: u64, size: usize) -> JsResult<usize> {
    let Some(len) = view_length(vm, view) else {
        return Err(vm.type_error("The DataView is detached or out of bounds"));
    };
    if index.saturating_add(size as u64) > len as u64 {
        return Err(vm.range_error("Offset is outside the bounds of the DataView"));
    }
    Ok(view.byte_offset + index as usize)
}

/// 25.3.1.5 GetViewValue, for the accessor numbered `T`.
fn get_value<const T: usize>(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (name, _, ty) = ACCESSORS[T];
    let view = this_view(vm, this, name)?;
    let index = vm.to_index(arg(args, 0))?;
    let little = vm.to_boolean(arg(args, 1));
    let at = view_index(vm, &view, index, ty.size())?;
    let e = buffer_data(vm, view.buffer)
        .map(|d| crate::typed_array_object::decode(ty, &d.bytes.to_vec(at..at + ty.size()), little))
        .unwrap_or(crate::typed_array_object::Element::Number(0.0));
    Ok(crate::typed_array_object::element_value(vm, ty, e))
}

/// 25.3.1.6 SetViewValue, for the accessor numbered `T`.
fn set_value<const T: usize>(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (_, name, ty) = ACCESSORS[T];
    let view = this_view(vm, this, name)?;
    if crate::typed_array_object::is_immutable(vm, view.buffer) {
        return Err(array_buffer::immutable_write_error(
            vm,
            &format!("perform DataView.prototype.{name}"),
        ));
    }
    let index = vm.to_index(arg(args, 0))?;
    let e = crate::typed_array_object::to_element(vm, ty, arg(args, 1))?;
    let little = vm.to_boolean(arg(args, 2));
    let at = view_index(vm, &view, index, ty.size())?;
    if let Some(d) = buffer_data_mut(vm, view.buffer) {
        d.bytes.with_mut(at..at + ty.size(), |out| {
            crate::typed_array_object::encode(ty, e, little, out)
        });
    }
    Ok(Value::UNDEFINED)
}
