//! 25.1 ArrayBuffer and 25.2 SharedArrayBuffer objects: fixed-length, resizable and growable
//! byte buffers. An ArrayBuffer owns its bytes (a `Vec<u8>` only this runtime's thread sees); a
//! SharedArrayBuffer holds a `SharedBlock` that other agents' buffers may hold too
//! (`shared_memory.rs`), so its bytes are read and written through [`Bytes`], never borrowed.

use super::arg;
use crate::abstract_ops::objects;
use crate::heap::ObjRef;
use crate::limits::BULK_BYTES;
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
use crate::shared_memory::SharedBlock;
use crate::slots::{BufferData, Bytes};
use crate::typed_array_object::{buffer_data, buffer_data_mut, is_immutable};
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use std::sync::Arc;

/// The largest buffer Kiln allocates (2 GiB); larger requests are a RangeError, as
/// CreateByteDataBlock allows.
pub const MAX_BYTE_LENGTH: u64 = 1 << 31;

impl Default for Bytes {
    fn default() -> Bytes {
        Bytes::Owned(Vec::new())
    }
}

impl Bytes {
    pub fn len(&self) -> usize {
        match self {
            Bytes::Owned(v) => v.len(),
            Bytes::Shared(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes this runtime's heap counts for the block (a shared block's pages past its
    /// length are never touched, so they are not counted).
    pub fn heap_size(&self) -> usize {
        match self {
            Bytes::Owned(v) => v.capacity(),
            Bytes::Shared(b) => b.len(),
        }
    }

    /// Copies the bytes at `at..at + out.len()` into `out`; the range must be in bounds.
    pub fn read(&self, at: usize, out: &mut [u8]) {
        match self {
            Bytes::Owned(v) => out.copy_from_slice(&v[at..at + out.len()]),
            Bytes::Shared(b) => b.read(at, out),
        }
    }

    /// Writes `bytes` at `at`; the range must be in bounds.
    pub fn write(&mut self, at: usize, bytes: &[u8]) {
        match self {
            Bytes::Owned(v) => v[at..at + bytes.len()].copy_from_slice(bytes),
            Bytes::Shared(b) => b.write(at, bytes),
        }
    }

    /// The bytes of `range`, copied.
    pub fn to_vec(&self, range: std::ops::Range<usize>) -> Vec<u8> {
        let mut out = vec![0; range.len()];
        self.read(range.start, &mut out);
        out
    }

    /// Runs `f` over the bytes of `range` as one mutable slice: in place for owned bytes; for
    /// a shared block, over a copy written back afterwards (plain accesses, which the memory
    /// model lets another agent see in pieces).
    pub fn with_mut<R>(
        &mut self,
        range: std::ops::Range<usize>,
        f: impl FnOnce(&mut [u8]) -> R,
    ) -> R {
        match self {
            Bytes::Owned(v) => f(&mut v[range]),
            Bytes::Shared(b) => {
                let mut copy = vec![0; range.len()];
                b.read(range.start, &mut copy);
                let r = f(&mut copy);
                b.write(range.start, &copy);
                r
            }
        }
    }

    /// Copies the bytes of `src` to `dest`, as a memmove.
    pub fn copy_within(&mut self, src: std::ops::Range<usize>, dest: usize) {
        match self {
            Bytes::Owned(v) => v.copy_within(src, dest),
            Bytes::Shared(b) => {
                let copy = self_copy(b, src);
                b.write(dest, &copy);
            }
        }
    }

    /// The owned bytes, for the operations only an ArrayBuffer has (resize, transfer,
    /// detach).
    pub fn owned_mut(&mut self) -> Option<&mut Vec<u8>> {
        match self {
            Bytes::Owned(v) => Some(v),
            Bytes::Shared(_) => None,
        }
    }
}

fn self_copy(b: &SharedBlock, src: std::ops::Range<usize>) -> Vec<u8> {
    let mut copy = vec![0; src.len()];
    b.read(src.start, &mut copy);
    copy
}

impl BufferData {
    pub fn is_fixed_length(&self) -> bool {
        self.max_byte_length.is_none()
    }
}

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let tag = vm.agent.symbols.to_string_tag;

    let proto = vm.new_plain_object(op);
    let ctor = vm.make_constructor(
        "ArrayBuffer",
        1,
        super::requires_new,
        Some(construct_array_buffer),
        proto,
    );
    vm.define_method(ctor, "isView", 1, is_view);
    vm.define_species_getter(ctor);
    vm.define_getter(proto, "byteLength", byte_length);
    vm.define_getter(proto, "maxByteLength", max_byte_length);
    vm.define_getter(proto, "resizable", resizable);
    vm.define_getter(proto, "detached", detached);
    vm.define_getter(proto, "immutable", immutable);
    vm.define_method(proto, "resize", 1, resize);
    vm.define_method(proto, "slice", 2, slice);
    vm.define_method(proto, "transfer", 0, transfer);
    vm.define_method(proto, "transferToFixedLength", 0, transfer_to_fixed_length);
    vm.define_method(proto, "transferToImmutable", 0, transfer_to_immutable);
    vm.define_method(proto, "sliceToImmutable", 2, slice_to_immutable);
    let t = vm.string("ArrayBuffer");
    vm.define_data(proto, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);

    let shared_proto = vm.new_plain_object(op);
    let shared = vm.make_constructor(
        "SharedArrayBuffer",
        1,
        super::requires_new,
        Some(construct_shared_array_buffer),
        shared_proto,
    );
    vm.define_species_getter(shared);
    vm.define_getter(shared_proto, "byteLength", shared_byte_length);
    vm.define_getter(shared_proto, "growable", growable);
    vm.define_getter(shared_proto, "maxByteLength", shared_max_byte_length);
    vm.define_method(shared_proto, "grow", 1, grow);
    vm.define_method(shared_proto, "slice", 2, shared_slice);
    let t = vm.string("SharedArrayBuffer");
    vm.define_data(
        shared_proto,
        PropertyKey::Symbol(tag),
        t,
        attrs::CONFIGURABLE,
    );

    let realm = vm.stack.realm as usize;
    vm.realms[realm].array_buffer_prototype = proto;
    vm.realms[realm].array_buffer_constructor = ctor;
    vm.realms[realm].shared_array_buffer_prototype = shared_proto;
}

/// The buffer slots of `o`, if it is an ArrayBuffer or SharedArrayBuffer.
/// The Shared Data Block of a SharedArrayBuffer, to hand to another agent.
pub fn shared_block(vm: &Vm, o: ObjRef) -> Option<Arc<SharedBlock>> {
    match &buffer_data(vm, o)?.bytes {
        Bytes::Shared(block) => Some(block.clone()),
        Bytes::Owned(_) => None,
    }
}

/// A new %SharedArrayBuffer% of the current realm over `block`, which other agents may share.
pub fn new_shared(vm: &mut Vm, block: Arc<SharedBlock>) -> ObjRef {
    let proto = vm.intrinsics().shared_array_buffer_prototype;
    let data = BufferData {
        max_byte_length: block.growable.then(|| block.capacity()),
        bytes: Bytes::Shared(block),
        shared: true,
        ..Default::default()
    };
    vm.alloc(Object::new(
        Some(proto),
        ObjectKind::ArrayBuffer(Box::new(data)),
    ))
}

/// IsDetachedBuffer (a non-buffer counts as detached, which the verifier-free callers rely on).
pub fn is_detached(vm: &Vm, buffer: ObjRef) -> bool {
    buffer_data(vm, buffer).is_none_or(|b| b.detached)
}

/// The TypeError of a write through a view of an immutable buffer.
pub fn immutable_write_error(vm: &mut Vm, what: &str) -> crate::vm::JsError {
    vm.type_error(&format!("Cannot {what}: the ArrayBuffer is immutable"))
}

/// ArrayBufferByteLength (0 when detached).
pub fn byte_length_of(vm: &Vm, buffer: ObjRef) -> usize {
    buffer_data(vm, buffer).map_or(0, |b| b.bytes.len())
}

/// An empty vector with room for `len` bytes, or a RangeError: past the largest buffer, past
/// the heap's limit, or refused by the system.
fn reserve_byte_block(vm: &mut Vm, len: u64) -> JsResult<Vec<u8>> {
    if len > MAX_BYTE_LENGTH {
        return Err(vm.range_error(&format!("Array buffer allocation of {len} bytes failed")));
    }
    vm.reserve(len as usize)?;
    let mut bytes = Vec::new();
    if bytes.try_reserve_exact(len as usize).is_err() {
        return Err(vm.range_error(&format!("Array buffer allocation of {len} bytes failed")));
    }
    Ok(bytes)
}

/// A zeroed block of `len` bytes, or a RangeError (CreateByteDataBlock). Zeroed a chunk at a
/// time: faulting in the pages is most of what a large buffer costs.
fn create_byte_block(vm: &mut Vm, len: u64) -> JsResult<Vec<u8>> {
    let mut bytes = reserve_byte_block(vm, len)?;
    vm.in_chunks(len as usize, BULK_BYTES, |_, r| bytes.resize(r.end, 0))?;
    Ok(bytes)
}

/// Grows (with zeros, a chunk at a time) or shrinks `bytes` to `new_length`, within the
/// heap's limit and what the system grants. When the run is terminated part way, `bytes`
/// keeps its length.
fn resize_bytes(vm: &mut Vm, bytes: &mut Vec<u8>, new_length: usize) -> JsResult<()> {
    let current = bytes.len();
    if new_length <= current {
        bytes.truncate(new_length);
        return Ok(());
    }
    vm.reserve(new_length - current)?;
    let before = bytes.capacity();
    if before < new_length && current > BULK_BYTES {
        // Reallocating would copy the old bytes in one step: copy them a chunk at a time.
        let mut grown = reserve_byte_block(vm, new_length as u64)?;
        vm.in_chunks(current, BULK_BYTES, |_, r| {
            grown.extend_from_slice(&bytes[r])
        })?;
        *bytes = grown;
    } else if bytes.try_reserve_exact(new_length - current).is_err() {
        return Err(vm.range_error(&format!(
            "Array buffer allocation of {new_length} bytes failed"
        )));
    }
    vm.agent
        .heap
        .note_growth(bytes.capacity().saturating_sub(before));
    let zeroed = vm.in_chunks(new_length - current, BULK_BYTES, |_, r| {
        bytes.resize(current + r.end, 0);
    });
    if zeroed.is_err() {
        bytes.truncate(current);
    }
    zeroed
}

/// Resizes a buffer's block in place (its bytes are moved out meanwhile: nothing else reads
/// them while no JavaScript runs).
fn resize_block(vm: &mut Vm, o: ObjRef, new_length: usize) -> JsResult<()> {
    let Some(bytes) = buffer_data_mut(vm, o).and_then(|d| d.bytes.owned_mut()) else {
        return Ok(());
    };
    let mut bytes = std::mem::take(bytes);
    let resized = resize_bytes(vm, &mut bytes, new_length);
    if let Some(data) = buffer_data_mut(vm, o) {
        data.bytes = Bytes::Owned(bytes);
    }
    resized
}

/// Copies `len` bytes of buffer `src` from `from` to buffer `dst` at `to` — within one buffer,
/// as a memmove — a chunk at a time. Both ranges must be in bounds.
pub fn copy_bytes(
    vm: &mut Vm,
    src: ObjRef,
    from: usize,
    dst: ObjRef,
    to: usize,
    len: usize,
) -> JsResult<()> {
    if src == dst {
        // Moving up, the chunks go from the end down, so that none reads bytes an earlier one
        // wrote.
        let backwards = to > from;
        return vm.in_chunks(len, BULK_BYTES, |vm, r| {
            let r = if backwards {
                len - r.end..len - r.start
            } else {
                r
            };
            if let Some(d) = buffer_data_mut(vm, src) {
                d.bytes
                    .copy_within(from + r.start..from + r.end, to + r.start);
            }
        });
    }
    let mut chunk = Vec::new();
    vm.in_chunks(len, BULK_BYTES, |vm, r| {
        chunk.clear();
        if let Some(d) = buffer_data(vm, src) {
            chunk = d.bytes.to_vec(from + r.start..from + r.end);
        }
        if let Some(d) = buffer_data_mut(vm, dst) {
            d.bytes.write(to + r.start, &chunk);
        }
    })
}

/// 25.1.3.1 AllocateArrayBuffer (and 25.2.2.1 AllocateSharedArrayBuffer when `shared`).
pub fn allocate(
    vm: &mut Vm,
    new_target: Value,
    byte_length: u64,
    max_byte_length: Option<u64>,
    shared: bool,
) -> JsResult<ObjRef> {
    if let Some(max) = max_byte_length
        && byte_length > max
    {
        return Err(vm.range_error("The byte length exceeds the maximum byte length"));
    }
    let proto = if shared {
        vm.prototype_from_constructor(new_target, |r| r.shared_array_buffer_prototype)?
    } else {
        vm.prototype_from_constructor(new_target, |r| r.array_buffer_prototype)?
    };
    if max_byte_length.is_some_and(|m| m > MAX_BYTE_LENGTH) {
        return Err(vm.range_error("Invalid array buffer max length"));
    }
    let bytes = if shared {
        // The whole block is allocated now, at the largest length it may grow to, so that
        // growing never moves bytes another agent may be using; its pages are committed as
        // they are touched.
        let capacity = max_byte_length.unwrap_or(byte_length);
        if byte_length > MAX_BYTE_LENGTH {
            return Err(vm.range_error(&format!(
                "SharedArrayBuffer allocation of {byte_length} bytes failed"
            )));
        }
        vm.reserve(byte_length as usize)?;
        match SharedBlock::new(
            byte_length as usize,
            capacity as usize,
            max_byte_length.is_some(),
        ) {
            Some(block) => Bytes::Shared(block),
            None => {
                return Err(vm.range_error(&format!(
                    "SharedArrayBuffer allocation of {capacity} bytes failed"
                )));
            }
        }
    } else {
        Bytes::Owned(create_byte_block(vm, byte_length)?)
    };
    let data = BufferData {
        bytes,
        detached: false,
        max_byte_length: max_byte_length.map(|m| m as usize),
        shared,
        detach_key: Value::UNDEFINED,
        immutable: false,
    };
    Ok(vm.alloc(Object::new(
        Some(proto),
        ObjectKind::ArrayBuffer(Box::new(data)),
    )))
}

/// A new %ArrayBuffer% of the current realm holding `bytes`.
pub fn new_array_buffer(vm: &mut Vm, bytes: Vec<u8>) -> ObjRef {
    let proto = vm.intrinsics().array_buffer_prototype;
    let data = BufferData {
        bytes: Bytes::Owned(bytes),
        ..Default::default()
    };
    vm.alloc(Object::new(
        Some(proto),
        ObjectKind::ArrayBuffer(Box::new(data)),
    ))
}

/// 25.1.3.5 DetachArrayBuffer
pub fn detach(vm: &mut Vm, buffer: ObjRef, key: Value) -> JsResult<()> {
    let Some(data) = buffer_data(vm, buffer) else {
        return Err(vm.type_error("Cannot detach something that is not an ArrayBuffer"));
    };
    if data.shared {
        return Err(vm.type_error("Cannot detach a SharedArrayBuffer"));
    }
    if data.immutable {
        return Err(vm.type_error("Cannot detach an immutable ArrayBuffer"));
    }
    let matches = data.detach_key == key;
    if !matches {
        return Err(vm.type_error("The ArrayBuffer's detach key does not match"));
    }
    if let Some(data) = buffer_data_mut(vm, buffer) {
        data.bytes = Bytes::default();
        data.detached = true;
    }
    Ok(())
}

/// 25.1.3.4 CloneArrayBuffer: a new %ArrayBuffer% with `len` bytes of `src` from `offset`
/// (zeros for any part past its end).
pub fn clone_array_buffer(vm: &mut Vm, src: ObjRef, offset: usize, len: usize) -> JsResult<ObjRef> {
    let mut bytes = reserve_byte_block(vm, len as u64)?;
    vm.in_chunks(len, BULK_BYTES, |vm, r| {
        let from = buffer_data(vm, src)
            .filter(|d| offset + r.end <= d.bytes.len())
            .map(|d| d.bytes.to_vec(offset + r.start..offset + r.end));
        match from {
            Some(from) => bytes.extend_from_slice(&from),
            None => bytes.resize(r.end, 0),
        }
    })?;
    Ok(new_array_buffer(vm, bytes))
}

/// 25.1.3.7 GetArrayBufferMaxByteLengthOption
fn max_byte_length_option(vm: &mut Vm, options: Value) -> JsResult<Option<u64>> {
    let Some(o) = options.as_object() else {
        return Ok(None);
    };
    let key = vm.key("maxByteLength");
    let max = vm.get(o, key, options)?;
    if max.is_undefined() {
        return Ok(None);
    }
    Ok(Some(vm.to_index(max)?))
}

/// 25.1.4.1 ArrayBuffer ( length [ , options ] )
fn construct_array_buffer(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let byte_length = vm.to_index(arg(args, 0))?;
    let max = max_byte_length_option(vm, arg(args, 1))?;
    Ok(allocate(vm, nt.value(), byte_length, max, false)?.value())
}

/// 25.2.3.1 SharedArrayBuffer ( length [ , options ] )
fn construct_shared_array_buffer(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let byte_length = vm.to_index(arg(args, 0))?;
    let max = max_byte_length_option(vm, arg(args, 1))?;
    Ok(allocate(vm, nt.value(), byte_length, max, true)?.value())
}

/// 25.1.5.1 ArrayBuffer.isView ( arg )
fn is_view(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let view = arg(args, 0).as_object().is_some_and(|o| {
        matches!(
            vm.obj(o).kind,
            ObjectKind::TypedArray(_) | ObjectKind::DataView(_)
        )
    });
    Ok(Value::boolean(view))
}

/// RequireInternalSlot(O, [[ArrayBufferData]]) with the shared-ness the method wants.
fn this_buffer(vm: &mut Vm, this: Value, shared: bool, method: &str) -> JsResult<ObjRef> {
    if let Some(o) = this.as_object()
        && let Some(data) = buffer_data(vm, o)
        && data.shared == shared
    {
        return Ok(o);
    }
    let class = if shared {
        "SharedArrayBuffer"
    } else {
        "ArrayBuffer"
    };
    Err(vm.type_error(&format!(
        "Method {class}.prototype.{method} called on incompatible receiver"
    )))
}

/// 25.1.6.1 get ArrayBuffer.prototype.byteLength
fn byte_length(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = this_buffer(vm, this, false, "byteLength")?;
    Ok(Value::number(byte_length_of(vm, o) as f64))
}

/// 25.2.5.2 get SharedArrayBuffer.prototype.byteLength
fn shared_byte_length(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = this_buffer(vm, this, true, "byteLength")?;
    Ok(Value::number(byte_length_of(vm, o) as f64))
}

/// 25.1.6.4 get ArrayBuffer.prototype.maxByteLength
fn max_byte_length(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = this_buffer(vm, this, false, "maxByteLength")?;
    Ok(max_byte_length_of(vm, o))
}

/// 25.2.5.5 get SharedArrayBuffer.prototype.maxByteLength
fn shared_max_byte_length(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = this_buffer(vm, this, true, "maxByteLength")?;
    Ok(max_byte_length_of(vm, o))
}

fn max_byte_length_of(vm: &Vm, o: ObjRef) -> Value {
    let n = match buffer_data(vm, o) {
        Some(d) if !d.detached => d.max_byte_length.unwrap_or(d.bytes.len()),
        _ => 0,
    };
    Value::number(n as f64)
}

/// 25.1.6.5 get ArrayBuffer.prototype.resizable
fn resizable(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = this_buffer(vm, this, false, "resizable")?;
    let fixed = buffer_data(vm, o).is_none_or(BufferData::is_fixed_length);
    Ok(Value::boolean(!fixed))
}

/// 25.2.5.4 get SharedArrayBuffer.prototype.growable
fn growable(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = this_buffer(vm, this, true, "growable")?;
    let fixed = buffer_data(vm, o).is_none_or(BufferData::is_fixed_length);
    Ok(Value::boolean(!fixed))
}

/// get ArrayBuffer.prototype.detached
fn detached(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = this_buffer(vm, this, false, "detached")?;
    Ok(Value::boolean(is_detached(vm, o)))
}

/// get ArrayBuffer.prototype.immutable (the immutable ArrayBuffer proposal)
fn immutable(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = this_buffer(vm, this, false, "immutable")?;
    Ok(Value::boolean(is_immutable(vm, o)))
}

/// 25.1.6.6 ArrayBuffer.prototype.resize ( newLength )
fn resize(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_buffer(vm, this, false, "resize")?;
    if buffer_data(vm, o).is_some_and(BufferData::is_fixed_length) {
        return Err(vm.type_error(
            "Method ArrayBuffer.prototype.resize called on a fixed-length ArrayBuffer",
        ));
    }
    let new_length = vm.to_index(arg(args, 0))?;
    if is_detached(vm, o) {
        return Err(vm.type_error("Cannot resize a detached ArrayBuffer"));
    }
    if is_immutable(vm, o) {
        return Err(vm.type_error("Cannot resize an immutable ArrayBuffer"));
    }
    let max = buffer_data(vm, o)
        .and_then(|d| d.max_byte_length)
        .unwrap_or(0);
    if new_length > max as u64 {
        return Err(vm.range_error(
            "ArrayBuffer.prototype.resize: the new length exceeds the maximum byte length",
        ));
    }
    resize_block(vm, o, new_length as usize)?;
    Ok(Value::UNDEFINED)
}

/// 25.2.5.3 SharedArrayBuffer.prototype.grow ( newLength )
fn grow(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_buffer(vm, this, true, "grow")?;
    if buffer_data(vm, o).is_some_and(BufferData::is_fixed_length) {
        return Err(vm.type_error(
            "Method SharedArrayBuffer.prototype.grow called on a fixed-length SharedArrayBuffer",
        ));
    }
    let new_length = vm.to_index(arg(args, 0))?;
    let Some(block) = shared_block(vm, o) else {
        return Ok(Value::UNDEFINED);
    };
    if new_length > block.capacity() as u64 {
        return Err(vm.range_error(
            "SharedArrayBuffer.prototype.grow: the new length exceeds the maximum byte length",
        ));
    }
    let before = block.len();
    vm.reserve((new_length as usize).saturating_sub(before))?;
    if !block.grow(new_length as usize) {
        return Err(vm.range_error("SharedArrayBuffer.prototype.grow cannot shrink a buffer"));
    }
    vm.agent
        .heap
        .note_growth((new_length as usize).saturating_sub(before));
    Ok(Value::UNDEFINED)
}

/// Resolves a relative `start`/`end` pair against `len` (the slice arithmetic of 25.1.6.7).
fn relative_range(vm: &mut Vm, start: Value, end: Value, len: usize) -> JsResult<(usize, usize)> {
    let len = len as f64;
    let clamp = |r: f64| {
        if r < 0.0 {
            (len + r).max(0.0)
        } else {
            r.min(len)
        }
    };
    let first = clamp(vm.to_integer_or_infinity(start)?);
    let fin = if end.is_undefined() {
        len
    } else {
        clamp(vm.to_integer_or_infinity(end)?)
    };
    Ok((first as usize, fin.max(first) as usize))
}

/// 25.1.6.7 ArrayBuffer.prototype.slice and 25.2.5.6 SharedArrayBuffer.prototype.slice
fn slice_impl(vm: &mut Vm, this: Value, args: &[Value], shared: bool) -> JsResult<Value> {
    let o = this_buffer(vm, this, shared, "slice")?;
    if is_detached(vm, o) {
        return Err(vm.type_error("Cannot slice a detached ArrayBuffer"));
    }
    let len = byte_length_of(vm, o);
    let (first, fin) = relative_range(vm, arg(args, 0), arg(args, 1), len)?;
    let new_len = fin - first;
    let default = if shared {
        vm.intrinsics()
            .constructors
            .get("SharedArrayBuffer")
            .copied()
    } else {
        Some(vm.intrinsics().array_buffer_constructor)
    };
    let default = default.map_or(Value::UNDEFINED, ObjRef::value);
    let ctor = objects::species_constructor(vm, o, default)?;
    let new = vm.construct(ctor, &[Value::number(new_len as f64)], ctor)?;
    let class = if shared {
        "SharedArrayBuffer"
    } else {
        "ArrayBuffer"
    };
    let Some(n) = new
        .as_object()
        .filter(|&n| buffer_data(vm, n).is_some_and(|d| d.shared == shared))
    else {
        return Err(vm.type_error(&format!("The species constructor did not make an {class}")));
    };
    if is_detached(vm, n) {
        return Err(vm.type_error("The species constructor made a detached ArrayBuffer"));
    }
    if is_immutable(vm, n) {
        return Err(vm.type_error("The species constructor made an immutable ArrayBuffer"));
    }
    if n == o {
        return Err(vm.type_error(&format!(
            "The species constructor returned the same {class}"
        )));
    }
    if byte_length_of(vm, n) < new_len {
        return Err(vm.type_error(&format!("The species constructor made a too small {class}")));
    }
    if is_detached(vm, o) {
        return Err(vm.type_error("The ArrayBuffer was detached during slice"));
    }
    let current = byte_length_of(vm, o);
    if first < current {
        let count = new_len.min(current - first);
        copy_bytes(vm, o, first, n, 0, count)?;
    }
    Ok(new)
}

fn slice(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    slice_impl(vm, this, args, false)
}

fn shared_slice(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    slice_impl(vm, this, args, true)
}

/// What ArrayBufferCopyAndDetach makes of the new buffer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Resizability {
    Preserve,
    FixedLength,
    Immutable,
}

/// 25.1.3.3 ArrayBufferCopyAndDetach
fn copy_and_detach(
    vm: &mut Vm,
    this: Value,
    new_length: Value,
    resizability: Resizability,
    method: &str,
) -> JsResult<Value> {
    let o = this_buffer(vm, this, false, method)?;
    let new_byte_length = if new_length.is_undefined() {
        byte_length_of(vm, o) as u64
    } else {
        vm.to_index(new_length)?
    };
    if is_detached(vm, o) {
        return Err(vm.type_error(&format!(
            "Cannot perform ArrayBuffer.prototype.{method} on a detached ArrayBuffer"
        )));
    }
    if is_immutable(vm, o) {
        return Err(vm.type_error(&format!(
            "Cannot perform ArrayBuffer.prototype.{method} on an immutable ArrayBuffer"
        )));
    }
    let data = buffer_data(vm, o).expect("checked by this_buffer");
    let new_max = if resizability == Resizability::Preserve {
        data.max_byte_length.map(|m| m as u64)
    } else {
        None
    };
    if !data.detach_key.is_undefined() {
        return Err(vm.type_error("This ArrayBuffer cannot be detached"));
    }
    // AllocateArrayBuffer's checks; then the new buffer takes over the old one's block instead
    // of copying it, grown or cut to the new length.
    if new_max.is_some_and(|max| new_byte_length > max) {
        return Err(vm.range_error("The byte length exceeds the maximum byte length"));
    }
    if new_byte_length > MAX_BYTE_LENGTH {
        return Err(vm.range_error(&format!(
            "Array buffer allocation of {new_byte_length} bytes failed"
        )));
    }
    let proto_ctor = vm.intrinsics().array_buffer_constructor;
    let new = allocate(vm, proto_ctor.value(), 0, new_max, false)?;
    let mut bytes = match buffer_data_mut(vm, o).and_then(|d| d.bytes.owned_mut()) {
        Some(bytes) => std::mem::take(bytes),
        None => Vec::new(),
    };
    let new_length = new_byte_length as usize;
    if let Err(e) = resize_bytes(vm, &mut bytes, new_length) {
        if let Some(d) = buffer_data_mut(vm, o) {
            d.bytes = Bytes::Owned(bytes);
        }
        return Err(e);
    }
    if new_length < bytes.capacity() / 2 {
        bytes.shrink_to_fit();
    }
    if let Some(d) = buffer_data_mut(vm, new) {
        d.bytes = Bytes::Owned(bytes);
        d.immutable = resizability == Resizability::Immutable;
    }
    detach(vm, o, Value::UNDEFINED)?;
    Ok(new.value())
}

/// 25.1.6.8 ArrayBuffer.prototype.transfer ( [ newLength ] )
fn transfer(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    copy_and_detach(vm, this, arg(args, 0), Resizability::Preserve, "transfer")
}

/// 25.1.6.9 ArrayBuffer.prototype.transferToFixedLength ( [ newLength ] )
fn transfer_to_fixed_length(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    copy_and_detach(
        vm,
        this,
        arg(args, 0),
        Resizability::FixedLength,
        "transferToFixedLength",
    )
}

/// ArrayBuffer.prototype.transferToImmutable ( [ newLength ] ) (the immutable ArrayBuffer
/// proposal)
fn transfer_to_immutable(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    copy_and_detach(
        vm,
        this,
        arg(args, 0),
        Resizability::Immutable,
        "transferToImmutable",
    )
}

/// ArrayBuffer.prototype.sliceToImmutable ( start, end ) (the immutable ArrayBuffer proposal)
fn slice_to_immutable(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    // 1-4. A non-shared, non-detached buffer.
    let o = this_buffer(vm, this, false, "sliceToImmutable")?;
    if is_detached(vm, o) {
        return Err(vm.type_error("Cannot slice a detached ArrayBuffer"));
    }
    // 5-9. ResolveBounds against the length before any coercion ran.
    let len = byte_length_of(vm, o);
    let (first, fin) = relative_range(vm, arg(args, 0), arg(args, 1), len)?;
    let new_len = fin - first;
    // 10-14. The coercions may have detached or shrunk the buffer.
    if is_detached(vm, o) {
        return Err(vm.type_error("The ArrayBuffer was detached during sliceToImmutable"));
    }
    if byte_length_of(vm, o) < fin {
        return Err(vm.range_error(
            "ArrayBuffer.prototype.sliceToImmutable: the buffer shrank below the slice's end",
        ));
    }
    // 15. AllocateImmutableArrayBuffer with a copy of the bytes.
    let new = clone_array_buffer(vm, o, first, new_len)?;
    if let Some(d) = buffer_data_mut(vm, new) {
        d.immutable = true;
    }
    Ok(new.value())
}
