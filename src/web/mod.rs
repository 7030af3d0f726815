//! Web and Node basics on the `kiln` command line's global: `performance`, `TextEncoder`,
//! `TextDecoder`, `atob`, `btoa`, `structuredClone`, `URL`, `URLSearchParams`,
//! `DOMException`, Node's `Buffer` and `global`; and the host modules `node:util`,
//! `node:assert` and `node:buffer` (`node.rs`). Host objects, as in Node: a `vm` context gets
//! none of them.
//!
//! Each is a small JavaScript file (`*.js` beside this one) that shapes the API, over native
//! functions here that do the work: encoding and decoding text, parsing URLs with the `url`
//! crate, reading buffers and internal slots. The natives are handed to those files only, never
//! put on the global.

mod encoding;
pub mod node;
mod url;

use kiln_interpreter::heap::ObjRef;
use kiln_interpreter::object::{NativeFn, ObjectKind, Property, Slot, attrs};
use kiln_interpreter::{JsError, JsResult, Value, Vm};

/// The JavaScript halves and the globals each defines. Each runs on first use of one of its
/// globals (running all of them at start-up would cost every run a few milliseconds).
const SCRIPTS: [(&str, &str, &[&str]); 7] = [
    (
        "kiln:web/dom_exception.js",
        include_str!("dom_exception.js"),
        &["DOMException"],
    ),
    (
        "kiln:web/performance.js",
        include_str!("performance.js"),
        &["performance", "Performance"],
    ),
    (
        "kiln:web/encoding.js",
        include_str!("encoding.js"),
        &["TextEncoder", "TextDecoder"],
    ),
    (
        "kiln:web/base64.js",
        include_str!("base64.js"),
        &["atob", "btoa"],
    ),
    (
        "kiln:web/structured_clone.js",
        include_str!("structured_clone.js"),
        &["structuredClone"],
    ),
    (
        "kiln:web/url.js",
        include_str!("url.js"),
        &["URL", "URLSearchParams"],
    ),
    ("kiln:web/buffer.js", include_str!("buffer.js"), &["Buffer"]),
];

/// Defines the web globals on the current realm: each an accessor that, on first use, runs
/// the script defining it (which replaces the accessor with a plain data property).
pub fn install(vm: &mut Vm) {
    let natives = vm.new_object_with_proto(None);
    vm.root_for_life(natives.value());
    let functions: [(&str, u32, NativeFn); 13] = [
        ("now", 0, now),
        ("timeOrigin", 0, time_origin),
        ("kind", 1, kind),
        ("bufferSlice", 3, buffer_slice),
        ("detach", 1, detach),
        ("invalidArgType", 3, invalid_arg_type),
        ("utf8Encode", 1, encoding::utf8_encode),
        ("encodeInto", 4, encoding::encode_into),
        ("decode", 6, encoding::decode),
        ("urlParse", 2, url::parse),
        ("urlSet", 3, url::set),
        ("formParse", 1, url::form_parse),
        ("formSerialize", 1, url::form_serialize),
    ];
    for (name, length, f) in functions {
        vm.define_method(natives, name, length, f);
    }
    // Start the clock of `performance.now()` now, not on first use.
    ORIGIN.with(|_| ());
    let global = vm.intrinsics().global_object;
    // Node's `global`: the global object itself.
    let key = vm.key("global");
    vm.define_data(global, key, global.value(), attrs::DEFAULT);
    node::register(vm);
    for (index, (_, _, names)) in SCRIPTS.iter().enumerate() {
        for &name in names.iter() {
            let name_value = vm.string(name);
            let data = vec![natives.value(), Value::number(index as f64), name_value];
            let get = vm.native_closure(name, 0, lazy_get, data.clone());
            let set = vm.native_closure(name, 1, lazy_set, data);
            let key = vm.key(name);
            let property = Property {
                slot: Slot::Accessor {
                    get: get.value(),
                    set: set.value(),
                },
                attrs: attrs::ACCESSOR | attrs::CONFIGURABLE,
            };
            vm.define_own_property_raw(global, key, property);
        }
    }
}

/// The getter of a web global not loaded yet: runs its script, then reads the global.
fn lazy_get(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let (natives, index, name) = (data[0], data[1], data[2]);
    let index = index.as_number().unwrap_or(0.0) as usize;
    let (file, source, _) = SCRIPTS[index];
    let global = vm.intrinsics().global_object;
    vm.with_roots(&data, |vm| {
        let f = kiln_interpreter::eval::run_source(vm, source, file, false)?;
        vm.call(f, Value::UNDEFINED, &[natives, global.value()])
    })?;
    let key = vm.to_property_key(name)?;
    let property = vm.own_property_raw(global, key);
    match property.map(|p| p.slot) {
        Some(Slot::Data(v)) => Ok(v),
        _ => Err(vm.type_error("a web global failed to load")),
    }
}

/// The setter of a web global not loaded yet: the global becomes the value given.
fn lazy_set(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let name = vm.native_data()[2];
    let key = vm.to_property_key(name)?;
    let value = args.first().copied().unwrap_or(Value::UNDEFINED);
    let global = vm.intrinsics().global_object;
    vm.define_data(global, key, value, attrs::HIDDEN);
    Ok(Value::UNDEFINED)
}

thread_local! {
    /// When the host started: `performance.timeOrigin` and the zero of `performance.now()`.
    static ORIGIN: (std::time::Instant, f64) = (
        std::time::Instant::now(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1e3),
    );
}

/// Milliseconds since the time origin, with microsecond resolution.
fn now(_: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let elapsed = ORIGIN.with(|(start, _)| start.elapsed());
    Ok(Value::number((elapsed.as_secs_f64() * 1e6).round() / 1e3))
}

/// The time origin in milliseconds since the epoch.
fn time_origin(_: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Ok(Value::number(ORIGIN.with(|(_, origin)| *origin)))
}

/// The kind of object `value` is by its internal slots (`'Date'`, `'Map'`, `'Uint8Array'`,
/// ...), which `Symbol.toStringTag` cannot fake: what `structuredClone` dispatches on.
pub(crate) fn kind(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let v = args.first().copied().unwrap_or(Value::UNDEFINED);
    let Some(o) = v.as_object() else {
        return Ok(vm.string("primitive"));
    };
    let name = match &vm.obj(o).kind {
        _ if vm.is_callable(v) => "Function",
        ObjectKind::Array => "Array",
        ObjectKind::Error => "Error",
        ObjectKind::Date(_) => "Date",
        ObjectKind::RegExp(_) => "RegExp",
        ObjectKind::Map(_) => "Map",
        ObjectKind::Set(_) => "Set",
        ObjectKind::Boolean(_) => "Boolean",
        ObjectKind::Number(_) => "Number",
        ObjectKind::String(_) => "String",
        ObjectKind::BigInt(_) => "BigInt",
        ObjectKind::Symbol(_) => "Symbol",
        ObjectKind::ArrayBuffer(b) if b.shared => "SharedArrayBuffer",
        ObjectKind::ArrayBuffer(_) => "ArrayBuffer",
        ObjectKind::TypedArray(t) => t.element.name(),
        ObjectKind::DataView(_) => "DataView",
        ObjectKind::Promise(_) => "Promise",
        ObjectKind::WeakMap(_) => "WeakMap",
        ObjectKind::WeakSet(_) => "WeakSet",
        ObjectKind::WeakRef(_) => "WeakRef",
        ObjectKind::Proxy { .. } => "Proxy",
        ObjectKind::Ordinary => "Object",
        _ => "Other",
    };
    Ok(vm.string(name))
}

/// The bytes `[offset, offset + length)` of an ArrayBuffer.
pub(crate) fn buffer_bytes(vm: &mut Vm, args: &[Value], at: usize) -> JsResult<Vec<u8>> {
    let (buffer, offset, length) = buffer_range(vm, args, at)?;
    match &vm.obj(buffer).kind {
        ObjectKind::ArrayBuffer(b) if offset + length <= b.bytes.len() => {
            Ok(b.bytes.to_vec(offset..offset + length))
        }
        _ => Err(vm.type_error("the buffer is detached or too short")),
    }
}

/// `(buffer, offset, length)` from `args[at..]`.
pub(crate) fn buffer_range(
    vm: &mut Vm,
    args: &[Value],
    at: usize,
) -> JsResult<(ObjRef, usize, usize)> {
    let arg = |i: usize| args.get(at + i).copied().unwrap_or(Value::UNDEFINED);
    let Some(buffer) = arg(0).as_object() else {
        return Err(vm.type_error("not an ArrayBuffer"));
    };
    if !matches!(vm.obj(buffer).kind, ObjectKind::ArrayBuffer(_)) {
        return Err(vm.type_error("not an ArrayBuffer"));
    }
    let offset = arg(1).as_number().unwrap_or(0.0).max(0.0) as usize;
    let length = arg(2).as_number().unwrap_or(0.0).max(0.0) as usize;
    Ok((buffer, offset, length))
}

/// A new ArrayBuffer with the bytes `[offset, offset + length)` of another.
fn buffer_slice(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let bytes = buffer_bytes(vm, args, 0)?;
    Ok(kiln_interpreter::builtins::array_buffer::new_array_buffer(vm, bytes).value())
}

/// Detaches an ArrayBuffer (a transferred one).
fn detach(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let (buffer, _, _) = buffer_range(vm, args, 0)?;
    kiln_interpreter::builtins::array_buffer::detach(vm, buffer, Value::UNDEFINED)?;
    Ok(Value::UNDEFINED)
}

/// A new `Uint8Array` of the current realm holding `bytes`.
pub(crate) fn new_uint8_array(vm: &mut Vm, bytes: Vec<u8>) -> JsResult<Value> {
    let buffer = kiln_interpreter::builtins::array_buffer::new_array_buffer(vm, bytes);
    vm.with_roots(&[buffer.value()], |vm| {
        let global = vm.intrinsics().global_object;
        let key = vm.key("Uint8Array");
        let ctor = vm.get(global, key, global.value())?;
        vm.construct(ctor, &[buffer.value()], ctor)
    })
}

/// `invalidArgType(name, expected, value)`: Node's ERR_INVALID_ARG_TYPE TypeError (not thrown:
/// the script throws it), worded as `node:vm`'s.
fn invalid_arg_type(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let arg = |i: usize| args.get(i).copied().unwrap_or(Value::UNDEFINED);
    let name = vm.to_string(arg(0))?;
    let name = vm.rust_string(name);
    let expected = vm.to_string(arg(1))?;
    let expected = vm.rust_string(expected);
    match crate::node_vm::invalid_arg_type(vm, &name, &expected, arg(2)) {
        JsError::Throw(error) => Ok(error),
        other => Err(other),
    }
}

/// A TypeError with a Node error code.
pub(crate) fn coded_error(vm: &mut Vm, kind: &str, code: &str, message: &str) -> JsError {
    let e = vm.make_error(kind, message);
    if let Some(o) = e.as_object() {
        let key = vm.key("code");
        let code = vm.string(code);
        vm.define_data(o, key, code, attrs::HIDDEN);
    }
    JsError::Throw(e)
}
