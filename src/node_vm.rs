//! `node:vm` for JavaScript: the host module behind `import vm from 'node:vm'` and
//! `require('node:vm')`, built on [`crate::Script`] and the interpreter's contexts.
//!
//! Done: `Script` (`cachedData`, `produceCachedData`, `createCachedData`, `runIn*Context` with
//! `timeout`), `createScript`, `createContext` (sandbox forwarding, `DONT_CONTEXTIFY`,
//! `codeGeneration`, `name`/`origin` validated), `isContext`, `runInContext`, `runInNewContext`,
//! `runInThisContext`, `compileFunction` (`params`, `parsingContext`, `contextExtensions`,
//! `cachedData`/`produceCachedData`), `constants`, `measureMemory`, `SourceTextModule` and
//! `SyntheticModule` (link, evaluate, namespace, status, setExport), offsets in stack traces,
//! `displayErrors`, `breakOnSigint`, `microtaskMode`, `importModuleDynamically`,
//! `initializeImportMeta`, import attributes for the linker.
//!
//! Where Node 20 (the `node` the tests were checked against) and Node 24's documentation differ,
//! Node 24 wins where a program cannot tell the difference in a way Node 20's tests rely on
//! (frozen `dependencySpecifiers`, `moduleRequests`, `ERR_VM_MODULE_CACHED_DATA_REJECTED`).

use crate::{CacheFile, Script, ScriptOptions, SourceType};
use kiln_interpreter::builtins::{array_buffer, typed_array};
use kiln_interpreter::heap::ObjRef;
use kiln_interpreter::heap::Traced;
use kiln_interpreter::object::{
    HostObject, NativeCtor, NativeFn, Object, ObjectKind, PropertyKey, attrs,
};
use kiln_interpreter::typed_array_object;
use kiln_interpreter::{JsError, JsResult, Value, Vm};
use std::rc::Rc;

/// The module's name (`vm` without the scheme finds it too).
pub const SPECIFIER: &str = "node:vm";

/// Makes `node:vm` importable in `vm`.
pub fn register(vm: &mut Vm) {
    vm.host_modules.insert(SPECIFIER.to_string(), exports);
    vm.dynamic_import_hook = Some(dynamic_import);
    vm.import_meta_hook = Some(initialize_import_meta);
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).copied().unwrap_or(Value::UNDEFINED)
}

// ---------------------------------------------------------------------------------------------
// Node's errors

/// An error of `kind` with Node's `code` property.
fn node_error(vm: &mut Vm, kind: &str, code: &str, message: &str) -> JsError {
    let e = vm.make_error(kind, message);
    if let Some(o) = e.as_object() {
        let key = vm.key("code");
        let c = vm.string(code);
        vm.define_data(o, key, c, attrs::HIDDEN | attrs::ENUMERABLE);
    }
    JsError::Throw(e)
}

/// How Node's messages describe a received value.
fn received(vm: &mut Vm, v: Value) -> String {
    if v.is_undefined() {
        return "Received undefined".into();
    }
    if v.is_null() {
        return "Received null".into();
    }
    if vm.is_callable(v) {
        let name = v
            .as_object()
            .and_then(|o| vm.get_data_along_chain(o, PropertyKey::String(vm.agent.names.name)))
            .and_then(|n| n.as_string())
            .map(|s| vm.rust_string(s))
            .unwrap_or_default();
        return format!("Received function {name}");
    }
    if let Some(o) = v.as_object() {
        let ctor = vm
            .get_data_along_chain(o, PropertyKey::String(vm.agent.names.constructor))
            .and_then(|c| c.as_object())
            .and_then(|c| vm.get_data_along_chain(c, PropertyKey::String(vm.agent.names.name)))
            .and_then(|n| n.as_string())
            .map(|s| vm.rust_string(s));
        return match ctor {
            Some(name) if !name.is_empty() => format!("Received an instance of {name}"),
            _ => "Received [Object: null prototype]".into(),
        };
    }
    let mut shown = kiln_interpreter::builtins::console::inspect(vm, v);
    if shown.chars().count() > 28 {
        shown = format!("{}...", shown.chars().take(25).collect::<String>());
    }
    format!("Received type {} ({shown})", vm.type_of(v))
}

pub(crate) fn invalid_arg_type(vm: &mut Vm, name: &str, expected: &str, v: Value) -> JsError {
    let what = if name.contains('.') {
        "property"
    } else {
        "argument"
    };
    let r = received(vm, v);
    node_error(
        vm,
        "TypeError",
        "ERR_INVALID_ARG_TYPE",
        &format!("The \"{name}\" {what} must be {expected}. {r}"),
    )
}

fn expect_string(vm: &mut Vm, v: Value, name: &str) -> JsResult<String> {
    match v.as_string() {
        Some(s) => Ok(vm.rust_string(s)),
        None => Err(invalid_arg_type(vm, name, "of type string", v)),
    }
}

/// An options argument: undefined or an object that is neither a function nor an array (Node's
/// `validateObject`; ERR_INVALID_ARG_TYPE otherwise).
fn options_object(vm: &mut Vm, v: Value, name: &str) -> JsResult<Option<ObjRef>> {
    if v.is_undefined() {
        return Ok(None);
    }
    match v.as_object() {
        Some(o)
            if !vm.is_callable(v)
                && !kiln_interpreter::abstract_ops::testing_comparison::is_array(vm, v)? =>
        {
            Ok(Some(o))
        }
        _ => Err(invalid_arg_type(vm, name, "of type object", v)),
    }
}

/// `{ ...options }`, as `runInContext` and `runInNewContext` copy theirs: any value, its own
/// enumerable properties in a new object (nothing for undefined, null and most primitives).
fn spread_options(vm: &mut Vm, options: Value) -> JsResult<ObjRef> {
    let copy = vm.new_object();
    vm.root(copy.value());
    vm.copy_data_properties(copy, options, &[])?;
    Ok(copy)
}

/// Node's ERR_OUT_OF_RANGE for `name`, whose value `v` is not `range`.
fn out_of_range(vm: &mut Vm, name: &str, range: &str, v: Value) -> JsError {
    let n = v.as_number().unwrap_or(f64::NAN);
    // Whole numbers past 2^32 get `_` between groups of three digits, as in Node.
    let shown = if n.is_finite() && n.trunc() == n && n.abs() > 4294967296.0 {
        let text = vm.to_rust_string(v).unwrap_or_else(|_| format!("{n}"));
        add_numerical_separator(&text)
    } else {
        kiln_interpreter::builtins::console::inspect(vm, v)
    };
    node_error(
        vm,
        "RangeError",
        "ERR_OUT_OF_RANGE",
        &format!("The value of \"{name}\" is out of range. It must be {range}. Received {shown}"),
    )
}

/// Node's `addNumericalSeparator`: `_` before each group of three characters from the end.
fn add_numerical_separator(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let start = usize::from(chars.first() == Some(&'-'));
    let mut i = chars.len();
    let mut groups = String::new();
    while i >= start + 4 {
        groups = format!("_{}{groups}", chars[i - 3..i].iter().collect::<String>());
        i -= 3;
    }
    format!("{}{groups}", chars[..i].iter().collect::<String>())
}

/// A number option that must be an int32 (Node's `validateInt32`), 0 when absent.
fn int32_option(vm: &mut Vm, options: Option<ObjRef>, name: &str) -> JsResult<i64> {
    let v = option(vm, options, name)?;
    if v.is_undefined() {
        return Ok(0);
    }
    let full = format!("options.{name}");
    let Some(n) = v.as_number() else {
        return Err(invalid_arg_type(vm, &full, "of type number", v));
    };
    if !n.is_finite() || n.trunc() != n {
        return Err(out_of_range(vm, &full, "an integer", v));
    }
    if n < f64::from(i32::MIN) || n > f64::from(i32::MAX) {
        return Err(out_of_range(
            vm,
            &full,
            ">= -2147483648 && <= 2147483647",
            v,
        ));
    }
    Ok(n as i64)
}

fn option(vm: &mut Vm, options: Option<ObjRef>, name: &str) -> JsResult<Value> {
    match options {
        Some(o) => {
            let key = vm.key(name);
            vm.get(o, key, o.value())
        }
        None => Ok(Value::UNDEFINED),
    }
}

fn string_option(
    vm: &mut Vm,
    options: Option<ObjRef>,
    name: &str,
    prefix: &str,
) -> JsResult<Option<String>> {
    let v = option(vm, options, name)?;
    if v.is_undefined() {
        return Ok(None);
    }
    expect_string(vm, v, &format!("{prefix}.{name}")).map(Some)
}

fn bool_option(vm: &mut Vm, options: Option<ObjRef>, name: &str, prefix: &str) -> JsResult<bool> {
    let v = option(vm, options, name)?;
    if v.is_undefined() {
        return Ok(false);
    }
    match v.as_bool() {
        Some(b) => Ok(b),
        None => Err(invalid_arg_type(
            vm,
            &format!("{prefix}.{name}"),
            "of type boolean",
            v,
        )),
    }
}

/// `timeout`: a whole number of milliseconds in 1..=2^32-1.
fn timeout_option(vm: &mut Vm, options: Option<ObjRef>) -> JsResult<Option<u64>> {
    let v = option(vm, options, "timeout")?;
    if v.is_undefined() {
        return Ok(None);
    }
    let Some(n) = v.as_number() else {
        return Err(invalid_arg_type(vm, "options.timeout", "of type number", v));
    };
    if !n.is_finite() || n.trunc() != n {
        return Err(out_of_range(vm, "options.timeout", "an integer", v));
    }
    if !(1.0..=4294967295.0).contains(&n) {
        return Err(out_of_range(
            vm,
            "options.timeout",
            ">= 1 && <= 4294967295",
            v,
        ));
    }
    Ok(Some(n as u64))
}

/// The bytes of an ArrayBufferView (`cachedData`), copied once into the aligned buffer a cache
/// is loaded from.
fn view_bytes(vm: &mut Vm, v: Value, name: &str) -> JsResult<CacheFile> {
    if let Some(o) = v.as_object() {
        match &vm.obj(o).kind {
            ObjectKind::TypedArray(ta) => {
                let ta = **ta;
                let len = typed_array_object::length_of(vm, &ta).unwrap_or(0) * ta.element.size();
                if let Some(b) = typed_array_object::buffer_data(vm, ta.buffer) {
                    return Ok(CacheFile::filled(len, |out| {
                        b.bytes.read(ta.byte_offset, out)
                    }));
                }
            }
            ObjectKind::DataView(view) => {
                let view = **view;
                if let Some(b) = typed_array_object::buffer_data(vm, view.buffer) {
                    let end = view
                        .byte_length
                        .map_or(b.bytes.len(), |n| view.byte_offset + n)
                        .min(b.bytes.len());
                    let start = view.byte_offset.min(end);
                    return Ok(CacheFile::filled(end - start, |out| {
                        b.bytes.read(start, out)
                    }));
                }
            }
            _ => {}
        }
    }
    Err(invalid_arg_type(
        vm,
        name,
        "an instance of Buffer, TypedArray, or DataView",
        v,
    ))
}

/// The bytes as a Uint8Array; a `Buffer`, as in Node, where the host has `node:buffer` (the
/// `kiln` command line does) and the running realm has its `Buffer`.
fn uint8_array(vm: &mut Vm, bytes: Vec<u8>) -> Value {
    let prototype = buffer_prototype(vm);
    let root = prototype.map_or(Value::UNDEFINED, |p| p.value());
    vm.with_roots(&[root], |vm| {
        let buffer = array_buffer::new_array_buffer(vm, bytes);
        let array = typed_array::create(vm, kiln_interpreter::slots::ElementType::Uint8, buffer);
        if let Some(p) = prototype {
            // An ordinary Uint8Array: changing its prototype cannot fail or run code.
            let _ = vm.set_prototype_of(array, Some(p));
        }
        array.value()
    })
}

/// `Buffer.prototype` from the host's `node:buffer`, if it has one here.
fn buffer_prototype(vm: &mut Vm) -> Option<ObjRef> {
    let build = *vm.host_modules.get("node:buffer")?;
    let module = vm.load_host_module("node:buffer", build).ok()?;
    let namespace = vm.evaluate_module_namespace(module).ok()?;
    let key = vm.key("Buffer");
    let buffer = vm
        .get(namespace, key, namespace.value())
        .ok()?
        .as_object()?;
    let key = vm.key("prototype");
    vm.get(buffer, key, buffer.value()).ok()?.as_object()
}

// ---------------------------------------------------------------------------------------------
// The module object

fn exports(vm: &mut Vm) -> JsResult<Vec<(String, Value)>> {
    let o = vm.new_object();
    let mut named = Vec::new();
    // Node's lengths (its JavaScript parameters before the first default), in its order.
    let functions: [(&str, u32, NativeFn, NativeCtor); 8] = [
        (
            "createContext",
            0,
            create_context,
            ordinary!(create_context),
        ),
        ("createScript", 2, create_script, ordinary!(create_script)),
        ("runInContext", 3, run_in_context, ordinary!(run_in_context)),
        (
            "runInNewContext",
            3,
            run_in_new_context,
            ordinary!(run_in_new_context),
        ),
        (
            "runInThisContext",
            2,
            run_in_this_context,
            ordinary!(run_in_this_context),
        ),
        ("isContext", 1, is_context, ordinary!(is_context)),
        (
            "compileFunction",
            2,
            compile_function,
            ordinary!(compile_function),
        ),
        (
            "measureMemory",
            0,
            measure_memory,
            ordinary!(measure_memory),
        ),
    ];
    for (name, len, f, construct) in functions {
        let func = ordinary_function(vm, name, len, f, construct);
        named.push((name.to_string(), func.value()));
    }
    let script = class(
        vm,
        "Script",
        1,
        requires_new!("Script"),
        script_construct,
        &[
            ("runInThisContext", 1, script_run_in_this_context),
            ("runInContext", 2, script_run_in_context),
            ("runInNewContext", 2, script_run_in_new_context),
            ("createCachedData", 0, script_create_cached_data),
        ],
    );
    let module = class(
        vm,
        "Module",
        1,
        requires_new!("Module"),
        module_construct,
        &[("link", 1, module_link), ("evaluate", 0, module_evaluate)],
    );
    for (name, f) in [
        ("identifier", module_identifier as NativeFn),
        ("status", module_status),
        ("error", module_error),
        ("namespace", module_namespace),
        ("context", module_context),
    ] {
        let proto = prototype_of(vm, module);
        vm.define_getter(proto, name, f);
    }
    let source_text = class(
        vm,
        "SourceTextModule",
        1,
        requires_new!("SourceTextModule"),
        source_text_module_construct,
        &[
            ("createCachedData", 0, module_create_cached_data),
            ("linkRequests", 1, module_link_requests),
            ("instantiate", 0, module_instantiate),
            ("hasTopLevelAwait", 0, module_has_top_level_await),
            ("hasAsyncGraph", 0, module_has_async_graph),
        ],
    );
    for (name, f) in [
        (
            "dependencySpecifiers",
            module_dependency_specifiers as NativeFn,
        ),
        ("moduleRequests", module_module_requests),
    ] {
        let proto = prototype_of(vm, source_text);
        vm.define_getter(proto, name, f);
    }
    let synthetic = class(
        vm,
        "SyntheticModule",
        2,
        requires_new!("SyntheticModule"),
        synthetic_module_construct,
        &[("setExport", 2, synthetic_set_export)],
    );
    for sub in [source_text, synthetic] {
        let module_proto = prototype_of(vm, module);
        let proto = prototype_of(vm, sub);
        vm.obj_mut(proto).proto = Some(module_proto);
        vm.obj_mut(sub).proto = Some(module);
    }
    for (name, c) in [
        ("Script", script),
        ("Module", module),
        ("SourceTextModule", source_text),
        ("SyntheticModule", synthetic),
    ] {
        named.push((name.to_string(), c.value()));
    }
    let constants = vm.new_object();
    for name in ["USE_MAIN_CONTEXT_DEFAULT_LOADER", "DONT_CONTEXTIFY"] {
        let description = vm.string(&format!("vm_{}", name.to_ascii_lowercase()));
        let symbol = vm.new_symbol(description);
        let key = vm.key(name);
        vm.define_data(constants, key, symbol.value(), attrs::ENUMERABLE);
    }
    kiln_interpreter::abstract_ops::objects::set_integrity_level(vm, constants, true)?;
    named.push(("constants".to_string(), constants.value()));
    // The default export's keys in Node's order (the module classes come last: Node adds them
    // when --experimental-vm-modules is on).
    for name in [
        "Script",
        "createContext",
        "createScript",
        "runInContext",
        "runInNewContext",
        "runInThisContext",
        "isContext",
        "compileFunction",
        "measureMemory",
        "constants",
        "Module",
        "SourceTextModule",
        "SyntheticModule",
    ] {
        if let Some(&(_, v)) = named.iter().find(|(n, _)| n == name) {
            let key = vm.key(name);
            vm.define_data(o, key, v, attrs::DEFAULT);
        }
    }
    named.push(("default".to_string(), o.value()));
    Ok(named)
}

/// The [[Construct]] of one of vm's functions: in Node they are ordinary JavaScript functions,
/// so `new vm.isContext({})` calls it with a fresh `this` and gives back that object unless the
/// function returned one.
macro_rules! ordinary {
    ($f:ident) => {{
        fn construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
            let proto = vm.prototype_from_constructor(nt.value(), |r| r.object_prototype)?;
            let this = vm.new_plain_object(proto);
            vm.root(this.value());
            let result = $f(vm, this.value(), args)?;
            Ok(if result.is_object() {
                result
            } else {
                this.value()
            })
        }
        construct as NativeCtor
    }};
}
use ordinary;

/// A function as a JavaScript `function` declaration makes it: constructible, with a
/// `prototype` object whose `constructor` is the function.
fn ordinary_function(
    vm: &mut Vm,
    name: &str,
    length: u32,
    call: NativeFn,
    construct: NativeCtor,
) -> ObjRef {
    let f = vm.native_function(name, length, call, Some(construct));
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let ck = PropertyKey::String(vm.agent.names.constructor);
    vm.define_data(proto, ck, f.value(), attrs::HIDDEN);
    let pk = PropertyKey::String(vm.agent.names.prototype);
    vm.define_data(f, pk, proto.value(), attrs::WRITABLE);
    f
}

fn prototype_of(vm: &mut Vm, ctor: ObjRef) -> ObjRef {
    vm.get_data_along_chain(ctor, PropertyKey::String(vm.agent.names.prototype))
        .and_then(|p| p.as_object())
        .unwrap_or(ctor)
}

/// A constructor `name` whose prototype has `methods`.
fn class(
    vm: &mut Vm,
    name: &'static str,
    length: u32,
    call: NativeFn,
    construct: NativeCtor,
    methods: &[(&str, u32, NativeFn)],
) -> ObjRef {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let ctor = vm.native_function(name, length, call, Some(construct));
    let pk = PropertyKey::String(vm.agent.names.prototype);
    vm.define_data(ctor, pk, proto.value(), 0);
    let ck = PropertyKey::String(vm.agent.names.constructor);
    vm.define_data(proto, ck, ctor.value(), attrs::HIDDEN);
    for &(m, len, f) in methods {
        vm.define_method(proto, m, len, f);
    }
    ctor
}

/// The [[Call]] of a class constructor: a TypeError, as for any JavaScript class.
macro_rules! requires_new {
    ($name:literal) => {{
        fn call(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
            Err(vm.type_error(concat!(
                "Class constructor ",
                $name,
                " cannot be invoked without 'new'"
            )))
        }
        call as NativeFn
    }};
}
use requires_new;

/// The module's export `name` (the module is loaded by whoever calls into it).
fn export(vm: &mut Vm, name: &str) -> Value {
    let Some(m) = vm.module_index(SPECIFIER) else {
        return Value::UNDEFINED;
    };
    let Ok(ns) = vm.evaluate_module_namespace(m) else {
        return Value::UNDEFINED;
    };
    let key = vm.key(name);
    vm.get(ns, key, ns.value()).unwrap_or(Value::UNDEFINED)
}

/// One of the `constants` symbols.
fn constant(vm: &mut Vm, name: &str) -> Value {
    let c = export(vm, "constants");
    let key = vm.key(name);
    c.as_object()
        .and_then(|c| vm.get_data_along_chain(c, key))
        .unwrap_or(Value::UNDEFINED)
}

// ---------------------------------------------------------------------------------------------
// Contexts

/// What a new context is made with: `createContext`'s options, or the `context*` options of
/// `runInNewContext`. (`name` and `origin` are only validated: nothing in Kiln shows them; nor
/// is `codeGeneration.wasm` kept: Kiln has no WebAssembly to forbid.)
struct NewContextOptions {
    /// `codeGeneration.strings`: `eval` and the `Function` constructors may compile strings.
    strings: bool,
    /// `microtaskMode: 'afterEvaluate'`.
    after_evaluate: bool,
}

/// A boolean member of a `codeGeneration` object (`name` is its full name for errors).
fn codegen_flag(vm: &mut Vm, codegen: Option<ObjRef>, key: &str, name: &str) -> JsResult<bool> {
    let v = option(vm, codegen, key)?;
    if v.is_undefined() {
        return Ok(true);
    }
    match v.as_bool() {
        Some(b) => Ok(b),
        None => Err(invalid_arg_type(vm, name, "of type boolean", v)),
    }
}

/// `microtaskMode`: `'afterEvaluate'` or undefined (Node's `validateOneOf`).
fn microtask_mode(vm: &mut Vm, v: Value) -> JsResult<bool> {
    if v.is_undefined() {
        return Ok(false);
    }
    if let Some(s) = v.as_string()
        && vm.rust_string(s) == "afterEvaluate"
    {
        return Ok(true);
    }
    let shown = kiln_interpreter::builtins::console::inspect(vm, v);
    Err(node_error(
        vm,
        "TypeError",
        "ERR_INVALID_ARG_VALUE",
        &format!(
            "The property 'options.microtaskMode' must be one of: 'afterEvaluate', undefined. Received {shown}"
        ),
    ))
}

/// `createContext`'s own options: `name`, `origin`, `codeGeneration`, `microtaskMode`.
fn create_context_options(vm: &mut Vm, v: Value) -> JsResult<NewContextOptions> {
    let options = options_object(vm, v, "options")?;
    string_option(vm, options, "name", "options")?;
    string_option(vm, options, "origin", "options")?;
    let codegen = option(vm, options, "codeGeneration")?;
    let codegen = options_object(vm, codegen, "options.codeGeneration")?;
    let strings = codegen_flag(vm, codegen, "strings", "options.codeGeneration.strings")?;
    codegen_flag(vm, codegen, "wasm", "options.codeGeneration.wasm")?;
    let microtask = option(vm, options, "microtaskMode")?;
    let after_evaluate = microtask_mode(vm, microtask)?;
    Ok(NewContextOptions {
        strings,
        after_evaluate,
    })
}

/// The options of `runInNewContext` (and `script.runInNewContext`) that describe the new
/// context (Node's `getContextOptions`): `contextName`, `contextOrigin`,
/// `contextCodeGeneration` and `microtaskMode`.
fn new_context_options(vm: &mut Vm, options: Value) -> JsResult<NewContextOptions> {
    // Node reads them off any truthy value; only objects can have them.
    let options = options.as_object();
    string_option(vm, options, "contextName", "options")?;
    string_option(vm, options, "contextOrigin", "options")?;
    let codegen = option(vm, options, "contextCodeGeneration")?;
    let codegen = options_object(vm, codegen, "options.contextCodeGeneration")?;
    let strings = codegen_flag(
        vm,
        codegen,
        "strings",
        "options.contextCodeGeneration.strings",
    )?;
    codegen_flag(vm, codegen, "wasm", "options.contextCodeGeneration.wasm")?;
    let microtask = option(vm, options, "microtaskMode")?;
    if !microtask.is_undefined() {
        expect_string(vm, microtask, "options.microtaskMode")?;
    }
    let after_evaluate = microtask_mode(vm, microtask)?;
    Ok(NewContextOptions {
        strings,
        after_evaluate,
    })
}

/// Node's `isContext(object)`: any object but a function, or ERR_INVALID_ARG_TYPE for the
/// argument `object`.
fn is_context_value(vm: &mut Vm, v: Value) -> JsResult<bool> {
    match v.as_object() {
        Some(o) if !vm.is_callable(v) => Ok(vm.context_realm(o).is_some()),
        _ => Err(invalid_arg_type(vm, "object", "of type object", v)),
    }
}

/// 'vm.createContext([contextObject[, options]])'
fn create_context(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let object = arg(args, 0);
    // An existing context comes back before the options are read.
    let dont_contextify = constant(vm, "DONT_CONTEXTIFY");
    if !object.is_undefined() && object != dont_contextify && is_context_value(vm, object)? {
        return Ok(object);
    }
    let options = create_context_options(vm, arg(args, 1))?;
    new_context(vm, object, &options)
}

/// `createContext` once the options are read: `object` is undefined, `DONT_CONTEXTIFY`, a
/// context (returned as it is) or an object to contextify.
fn new_context(vm: &mut Vm, object: Value, options: &NewContextOptions) -> JsResult<Value> {
    let dont_contextify = constant(vm, "DONT_CONTEXTIFY");
    let realm = if object == dont_contextify && !object.is_undefined() {
        vm.create_plain_context()
    } else if object.is_undefined() {
        let sandbox = vm.new_object();
        vm.root(sandbox.value());
        vm.create_sandboxed_realm(sandbox)
    } else {
        if is_context_value(vm, object)? {
            return Ok(object);
        }
        let sandbox = object.as_object().expect("checked by is_context_value");
        vm.create_sandboxed_realm(sandbox)
    };
    vm.realms[realm as usize].code_generation_strings = options.strings;
    if options.after_evaluate {
        // Its promise jobs run right after each evaluation in it, within the same timeout.
        vm.realms[realm as usize].jobs = Some(Default::default());
    }
    let r = &vm.realms[realm as usize];
    Ok(r.sandbox.unwrap_or(r.global_object).value())
}

/// `vm.isContext(object)`
fn is_context(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    is_context_value(vm, arg(args, 0)).map(Value::boolean)
}

/// The realm of a contextified object argument (Node's `validateContext`).
fn context_argument(vm: &mut Vm, v: Value) -> JsResult<u32> {
    if is_context_value(vm, v)?
        && let Some(realm) = v.as_object().and_then(|o| vm.context_realm(o))
    {
        return Ok(realm);
    }
    Err(invalid_arg_type(
        vm,
        "contextifiedObject",
        "an vm.Context",
        v,
    ))
}

// ---------------------------------------------------------------------------------------------
// Scripts

/// A compiled `vm.Script` (or `compileFunction` wrapper) with what running it needs.
struct VmScript {
    script: Script,
    /// The file name its code runs under (the script's, or `compileFunction`'s, which may be
    /// empty).
    name: String,
    line_offset: i64,
    column_offset: i64,
    /// The line `column_offset` counts on (2 for a `compileFunction` body).
    column_offset_line: usize,
    /// The `ImportHooks` object its code gets as host-defined data.
    hooks: Value,
}

impl HostObject for VmScript {
    fn trace(&self, out: &mut Vec<Traced>) {
        out.push(Traced::Value(self.hooks));
    }
}

/// What `import()` and `import.meta` inside vm code call: the callbacks, and the object they
/// get as the referrer (the Script, module or compiled function).
struct ImportHooks {
    referrer: std::cell::Cell<Value>,
    import_dynamically: Value,
    initialize_import_meta: Value,
}

impl HostObject for ImportHooks {
    fn trace(&self, out: &mut Vec<Traced>) {
        out.push(Traced::Value(self.referrer.get()));
        out.push(Traced::Value(self.import_dynamically));
        out.push(Traced::Value(self.initialize_import_meta));
    }
}

/// An `ImportHooks` object for the options' `importModuleDynamically` (and
/// `initializeImportMeta`, for modules).
fn import_hooks(vm: &mut Vm, options: Option<ObjRef>) -> JsResult<Value> {
    let dynamic = option(vm, options, "importModuleDynamically")?;
    let main_loader = constant(vm, "USE_MAIN_CONTEXT_DEFAULT_LOADER");
    if !dynamic.is_undefined() && dynamic != main_loader && !vm.is_callable(dynamic) {
        return Err(invalid_arg_type(
            vm,
            "options.importModuleDynamically",
            "of type function or vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER",
            dynamic,
        ));
    }
    let meta = option(vm, options, "initializeImportMeta")?;
    if !meta.is_undefined() && !vm.is_callable(meta) {
        return Err(invalid_arg_type(
            vm,
            "options.initializeImportMeta",
            "of type function",
            meta,
        ));
    }
    let hooks = ImportHooks {
        referrer: std::cell::Cell::new(Value::UNDEFINED),
        import_dynamically: dynamic,
        initialize_import_meta: meta,
    };
    let o = vm.alloc(Object::new(None, ObjectKind::HostData(Rc::new(hooks))));
    Ok(o.value())
}

fn set_referrer(vm: &Vm, hooks: Value, referrer: Value) {
    if let Some(o) = hooks.as_object()
        && let ObjectKind::HostData(d) = &vm.obj(o).kind
        && let Some(h) = d.downcast::<ImportHooks>()
    {
        h.referrer.set(referrer);
    }
}

/// Compiles a `vm.Script` from `code` (made a string, as Node's `${code}` does) and its options:
/// an object, or a string naming the file.
fn make_script(vm: &mut Vm, code: Value, options: Value) -> JsResult<VmScript> {
    let source = vm.to_rust_string(code)?;
    let (options, filename) = match options.as_string() {
        Some(s) => (None, Some(vm.rust_string(s))),
        None => {
            let options = options_object(vm, options, "options")?;
            let filename = string_option(vm, options, "filename", "options")?;
            (options, filename)
        }
    };
    let line_offset = int32_option(vm, options, "lineOffset")?;
    let column_offset = int32_option(vm, options, "columnOffset")?;
    let cached = option(vm, options, "cachedData")?;
    let cached = if cached.is_undefined() {
        None
    } else {
        Some(view_bytes(vm, cached, "options.cachedData")?)
    };
    let produce = bool_option(vm, options, "produceCachedData", "options")?;
    let script = Script::new(
        &source,
        ScriptOptions {
            filename: filename.unwrap_or_default(),
            cached_data: None,
            cache_file: cached,
            cache_path: None,
            produce_cached_data: produce,
            source_type: SourceType::Script,
        },
    )
    .map_err(|e| syntax_error(vm, e))?;
    // Node checks the callback once the code has compiled.
    let hooks = import_hooks(vm, options)?;
    vm.root(hooks);
    Ok(VmScript {
        name: script.filename().to_string(),
        script,
        line_offset,
        column_offset,
        column_offset_line: 1,
        hooks,
    })
}

/// A compile error as Node reports it: a SyntaxError whose stack starts with the place, the
/// source line and carets under the offending token.
fn syntax_error(vm: &mut Vm, e: crate::Error) -> JsError {
    match e {
        crate::Error::Syntax { message, rendered } => {
            let error = vm.syntax_error(&message);
            let mut lines = rendered.lines();
            let place = lines.next().and_then(|l| l.split(": SyntaxError:").next());
            let text = lines
                .next()
                .and_then(|l| l.split_once(" | "))
                .map(|(_, t)| t);
            let carets = lines
                .next()
                .and_then(|l| l.split_once(" | "))
                .map(|(_, c)| c);
            if let (Some(place), Some(text), Some(carets), JsError::Throw(v)) =
                (place, text, carets, &error)
            {
                // `file:line:col` → `file:line`
                let file_line = place.rsplit_once(':').map_or(place, |(fl, _)| fl);
                decorate_stack(vm, *v, &format!("{file_line}\n{text}\n{carets}\n\n"));
            }
            error
        }
        other => vm.type_error(&other.to_string()),
    }
}

/// Prefixes an error object's `stack` with `header` (Node's "arrow message").
fn decorate_stack(vm: &mut Vm, error: Value, header: &str) {
    let Some(o) = error.as_object() else { return };
    let key = PropertyKey::String(vm.agent.names.stack);
    // An own `stack` (set by the script or `Error.captureStackTrace`), else the text the error
    // recorded, which `get Error.prototype.stack` returns.
    let own = vm.get_data_along_chain(o, key).and_then(|s| s.as_string());
    let Some(stack) = own.or_else(|| vm.error_stack(o).and_then(|s| s.as_string())) else {
        return;
    };
    let text = format!("{header}{}", vm.rust_string(stack));
    let v = vm.string(&text);
    if own.is_some() {
        vm.define_data(o, key, v, attrs::HIDDEN);
    } else {
        vm.set_error_stack(o, v);
    }
}

/// `displayErrors`: an error thrown by the script's own code gets the line it came from, with a
/// caret, in front of its stack.
fn display_error(vm: &mut Vm, script: &VmScript, error: &JsError) {
    let JsError::Throw(v) = error else { return };
    let Some((origin, offset)) = vm.exception_origin() else {
        return;
    };
    if origin.source.as_ref() != script.script.source() || *origin.name != *script.name {
        return;
    }
    let (line, column) = origin.line_column(offset);
    let (reported, _) = origin.reported_line_column(offset);
    let text = origin.line_text(line).to_string();
    let header = format!(
        "{}:{reported}\n{text}\n{}^\n\n",
        origin.name,
        " ".repeat(column.saturating_sub(1))
    );
    decorate_stack(vm, *v, &header);
}

/// `new vm.Script(code[, options])`
fn script_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let script = make_script(vm, arg(args, 0), arg(args, 1))?;
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.object_prototype)?;
    let o = script_object(vm, script, proto);
    Ok(o.value())
}

fn script_object(vm: &mut Vm, script: VmScript, proto: ObjRef) -> ObjRef {
    let rejected = script.script.cached_data_rejected();
    let produced = script.script.cached_data().map(<[u8]>::to_vec);
    let hooks = script.hooks;
    let map_url = source_map_url(script.script.source());
    let o = vm.alloc(Object::new(
        Some(proto),
        ObjectKind::HostData(Rc::new(script)),
    ));
    set_referrer(vm, hooks, o.value());
    if let Some(r) = rejected {
        let k = vm.key("cachedDataRejected");
        vm.define_data(o, k, Value::boolean(r), attrs::DEFAULT);
    }
    if let Some(bytes) = produced {
        let k = vm.key("cachedDataProduced");
        vm.define_data(o, k, Value::TRUE, attrs::DEFAULT);
        let data = uint8_array(vm, bytes);
        let k = vm.key("cachedData");
        vm.define_data(o, k, data, attrs::DEFAULT);
    }
    let k = vm.key("sourceMapURL");
    let url = match map_url {
        Some(u) => vm.string(&u),
        None => Value::UNDEFINED,
    };
    vm.define_data(o, k, url, attrs::DEFAULT);
    o
}

/// The URL of the source's last `//# sourceMappingURL=` comment.
fn source_map_url(source: &str) -> Option<String> {
    source.lines().rev().find_map(|line| {
        let rest = line.trim().strip_prefix("//")?.trim_start();
        let rest = rest.strip_prefix('#').or_else(|| rest.strip_prefix('@'))?;
        let url = rest.trim_start().strip_prefix("sourceMappingURL=")?.trim();
        (!url.is_empty()).then(|| url.to_string())
    })
}

/// `vm.createScript(code[, options])`
fn create_script(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let ctor = export(vm, "Script");
    vm.construct(ctor, &[arg(args, 0), arg(args, 1)], ctor)
}

fn this_script(vm: &mut Vm, this: Value) -> JsResult<Rc<dyn HostObject>> {
    if let Some(o) = this.as_object()
        && let ObjectKind::HostData(data) = &vm.obj(o).kind
        && data.downcast::<VmScript>().is_some()
    {
        return Ok(data.clone());
    }
    // V8's check of a native method's receiver (Node's Script methods are native).
    Err(vm.type_error("Illegal invocation"))
}

/// Runs `script` in `realm` under the run options (`timeout`); a timeout becomes Node's
/// ERR_SCRIPT_EXECUTION_TIMEOUT error and the program goes on.
fn run_script(vm: &mut Vm, vm_script: &VmScript, realm: u32, options: Value) -> JsResult<Value> {
    let script = &vm_script.script;
    let options = options_object(vm, options, "options")?;
    let timeout = timeout_option(vm, options)?;
    let display_errors = option(vm, options, "displayErrors")?;
    if !display_errors.is_undefined() && display_errors.as_bool().is_none() {
        return Err(invalid_arg_type(
            vm,
            "options.displayErrors",
            "of type boolean",
            display_errors,
        ));
    }
    let display_errors = display_errors.as_bool().unwrap_or(true);
    let break_on_sigint = bool_option(vm, options, "breakOnSigint", "options")?;
    let run = |vm: &mut Vm| {
        with_timeout(vm, timeout, |vm| {
            vm.in_realm(realm, |vm| {
                let loaded = kiln_interpreter::eval::load_verified(
                    vm,
                    script.code().clone(),
                    script.shared_source(),
                    &vm_script.name,
                );
                loaded.line_offset.set(vm_script.line_offset);
                loaded.column_offset.set(vm_script.column_offset);
                loaded.column_offset_line.set(vm_script.column_offset_line);
                loaded.host_defined.set(Some(vm_script.hooks));
                vm.run_top_level(loaded).and_then(|v| {
                    vm.root(v);
                    vm.run_realm_jobs(realm).map(|_| v)
                })
            })
        })
    };
    let result = if break_on_sigint {
        with_sigint(vm, run)
    } else {
        run(vm)
    };
    if display_errors && let Err(e) = &result {
        display_error(vm, vm_script, e);
    }
    result
}

/// Runs `f` with SIGINT setting the interrupt flag: a Ctrl-C stops the code with
/// ERR_SCRIPT_EXECUTION_INTERRUPTED instead of ending the process.
fn with_sigint(vm: &mut Vm, f: impl FnOnce(&mut Vm) -> JsResult<Value>) -> JsResult<Value> {
    let flag = vm.termination.interrupt.clone();
    let registered = signal_hook::flag::register(signal_hook::consts::SIGINT, flag);
    let result = f(vm);
    if let Ok(id) = registered {
        signal_hook::low_level::unregister(id);
    }
    let interrupted = vm
        .termination
        .interrupt
        .swap(false, std::sync::atomic::Ordering::Relaxed);
    match result {
        Err(JsError::Terminate(_)) if interrupted => Err(node_error(
            vm,
            "Error",
            "ERR_SCRIPT_EXECUTION_INTERRUPTED",
            "Script execution was interrupted by `SIGINT`",
        )),
        other => other,
    }
}

/// Runs `f` with a deadline `timeout` ms away (or the outer one, if sooner).
fn with_timeout(
    vm: &mut Vm,
    timeout: Option<u64>,
    f: impl FnOnce(&mut Vm) -> JsResult<Value>,
) -> JsResult<Value> {
    let Some(ms) = timeout else {
        let result = f(vm);
        return heap_limit_error(vm, result);
    };
    let outer = vm.termination.deadline;
    let ours = std::time::Instant::now() + std::time::Duration::from_millis(ms);
    vm.termination.deadline = Some(outer.map_or(ours, |o| o.min(ours)));
    let result = f(vm);
    vm.termination.deadline = outer;
    match result {
        Err(JsError::Terminate(reason))
            if reason == "Script execution timed out"
                && outer.is_none_or(|o| std::time::Instant::now() < o) =>
        {
            Err(node_error(
                vm,
                "Error",
                "ERR_SCRIPT_EXECUTION_TIMEOUT",
                &format!("Script execution timed out after {ms}ms"),
            ))
        }
        other => heap_limit_error(vm, other),
    }
}

/// The heap limit stopping code inside a context: an error the caller can catch. What the code
/// allocated is freed once nothing reaches it (a context the caller still holds keeps it).
fn heap_limit_error(vm: &mut Vm, result: JsResult<Value>) -> JsResult<Value> {
    match result {
        Err(JsError::Terminate(reason)) if reason == "Heap limit exceeded" => Err(node_error(
            vm,
            "RangeError",
            "ERR_KILN_HEAP_LIMIT",
            "The script exceeded the runtime's heap limit",
        )),
        other => other,
    }
}

fn script_run_in_this_context(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let data = this_script(vm, this)?;
    let script = data.downcast::<VmScript>().expect("checked");
    let realm = vm.current_realm();
    run_script(vm, script, realm, arg(args, 0))
}

fn script_run_in_context(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let data = this_script(vm, this)?;
    let script = data.downcast::<VmScript>().expect("checked");
    let realm = context_argument(vm, arg(args, 0))?;
    run_script(vm, script, realm, arg(args, 1))
}

fn script_run_in_new_context(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let data = this_script(vm, this)?;
    let script = data.downcast::<VmScript>().expect("checked");
    let options = new_context_options(vm, arg(args, 1))?;
    let context = new_context(vm, arg(args, 0), &options)?;
    vm.root(context);
    let realm = context_argument(vm, context)?;
    run_script(vm, script, realm, arg(args, 1))
}

fn script_create_cached_data(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let data = this_script(vm, this)?;
    let script = data.downcast::<VmScript>().expect("checked");
    let bytes = script.script.create_cached_data();
    Ok(uint8_array(vm, bytes))
}

/// Options given as a string name the file: `{ filename }`.
fn filename_options(vm: &mut Vm, options: Value) -> Option<Value> {
    let filename = options.as_string()?;
    let o = vm.new_object();
    let key = vm.key("filename");
    vm.define_data(o, key, filename.value(), attrs::DEFAULT);
    vm.root(o.value());
    Some(o.value())
}

/// `vm.runInThisContext(code[, options])`
fn run_in_this_context(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let options = filename_options(vm, arg(args, 1)).unwrap_or(arg(args, 1));
    let script = make_script(vm, arg(args, 0), options)?;
    let realm = vm.current_realm();
    run_script(vm, &script, realm, options)
}

/// `vm.runInContext(code, contextifiedObject[, options])`
fn run_in_context(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let realm = context_argument(vm, arg(args, 1))?;
    let options = match filename_options(vm, arg(args, 2)) {
        Some(o) => o,
        None => spread_options(vm, arg(args, 2))?.value(),
    };
    let script = make_script(vm, arg(args, 0), options)?;
    run_script(vm, &script, realm, options)
}

/// `vm.runInNewContext(code[, contextObject[, options]])`: the context first (with the
/// `context*` options), then the script.
fn run_in_new_context(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let options = filename_options(vm, arg(args, 2)).unwrap_or(arg(args, 2));
    let context_options = new_context_options(vm, options)?;
    let context = new_context(vm, arg(args, 1), &context_options)?;
    vm.root(context);
    let realm = context_argument(vm, context)?;
    let options = spread_options(vm, options)?.value();
    let script = make_script(vm, arg(args, 0), options)?;
    run_script(vm, &script, realm, options)
}

// ---------------------------------------------------------------------------------------------
// compileFunction

/// `vm.compileFunction(code[, params[, options]])`: the body is checked alone, as V8 compiles it,
/// then wrapped in a function expression whose body starts on its second line; positions in
/// stack traces count from the body (`<anonymous>:1:1` is its first character), shifted by the
/// offsets.
fn compile_function(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let body = expect_string(vm, arg(args, 0), "code")?;
    let options = options_object(vm, arg(args, 2), "options")?;
    let params_value = arg(args, 1);
    let mut params = Vec::new();
    if !params_value.is_undefined() {
        let list = match params_value.as_object() {
            Some(o) if vm.obj(o).is_array() => {
                kiln_interpreter::abstract_ops::objects::create_list_from_array_like(
                    vm,
                    params_value,
                )?
            }
            _ => {
                return Err(invalid_arg_type(
                    vm,
                    "params",
                    "an instance of Array",
                    params_value,
                ));
            }
        };
        for (i, p) in list.into_iter().enumerate() {
            params.push(expect_string(vm, p, &format!("params[{i}]"))?);
        }
    }
    let filename = string_option(vm, options, "filename", "options")?.unwrap_or_default();
    let column_offset = int32_option(vm, options, "columnOffset")?;
    let line_offset = int32_option(vm, options, "lineOffset")?;
    let cached = option(vm, options, "cachedData")?;
    if !cached.is_undefined() {
        view_bytes(vm, cached, "options.cachedData")?;
    }
    let produce = option(vm, options, "produceCachedData")?;
    bool_option(vm, options, "produceCachedData", "options")?;
    let realm = match option(vm, options, "parsingContext")? {
        v if v.is_undefined() => vm.current_realm(),
        v => context_argument(vm, v).map_err(|_| {
            invalid_arg_type(vm, "options.parsingContext", "an instance of Context", v)
        })?,
    };
    let extensions = option(vm, options, "contextExtensions")?;
    let extensions = if extensions.is_undefined() {
        Vec::new()
    } else {
        if !extensions.as_object().is_some_and(|o| vm.obj(o).is_array()) {
            return Err(invalid_arg_type(
                vm,
                "options.contextExtensions",
                "an instance of Array",
                extensions,
            ));
        }
        let list =
            kiln_interpreter::abstract_ops::objects::create_list_from_array_like(vm, extensions)?;
        for (i, e) in list.iter().enumerate() {
            if !e.is_object() {
                return Err(invalid_arg_type(
                    vm,
                    &format!("options.contextExtensions[{i}]"),
                    "of type object",
                    *e,
                ));
            }
        }
        list
    };
    check_function_body(vm, &body, &filename, line_offset)?;
    // The parameters must parse alone too: they cannot close the wrapper either.
    let params = params.join(", ");
    kiln_interpreter::builtins::function::check_dynamic_function(vm, "function", &params, &body)?;
    let function = format!("function ({params}) {{\n{body}\n}}");
    let source = if extensions.is_empty() {
        format!("({function})")
    } else {
        let withs: String = (0..extensions.len())
            .map(|i| format!("with (kilnContextExtensions[{i}]) "))
            .collect();
        format!("(function (kilnContextExtensions) {{ {withs}return {function}; }})")
    };
    let code = vm.string(&source);
    let script_options = vm.new_object();
    vm.root(script_options.value());
    let name = if filename.is_empty() {
        // The wrapper's compile errors were reported above; this names nothing users see.
        "<anonymous>".to_string()
    } else {
        filename.clone()
    };
    let fk = vm.key("filename");
    let fv = vm.string(&name);
    vm.define_data(script_options, fk, fv, attrs::DEFAULT);
    for (name, v) in [("cachedData", cached), ("produceCachedData", produce)] {
        let k = vm.key(name);
        vm.define_data(script_options, k, v, attrs::DEFAULT);
    }
    let dynamic = option(vm, options, "importModuleDynamically")?;
    let k = vm.key("importModuleDynamically");
    vm.define_data(script_options, k, dynamic, attrs::DEFAULT);
    let mut script = make_script(vm, code, script_options.value())?;
    // The body's first line is the wrapper's second.
    script.name = filename;
    script.line_offset = line_offset - 1;
    script.column_offset = column_offset;
    script.column_offset_line = 2;
    let rejected = script.script.cached_data_rejected();
    let produced = script.script.cached_data().map(<[u8]>::to_vec);
    let mut f = run_script(vm, &script, realm, Value::UNDEFINED)?;
    set_referrer(vm, script.hooks, f);
    if !extensions.is_empty() {
        let list = vm.new_array(extensions).value();
        f = vm.call(f, Value::UNDEFINED, &[list])?;
    }
    if let Some(o) = f.as_object() {
        if let Some(r) = rejected {
            let k = vm.key("cachedDataRejected");
            vm.define_data(o, k, Value::boolean(r), attrs::DEFAULT);
        }
        if let Some(bytes) = produced {
            let k = vm.key("cachedDataProduced");
            vm.define_data(o, k, Value::TRUE, attrs::DEFAULT);
            let data = uint8_array(vm, bytes);
            let k = vm.key("cachedData");
            vm.define_data(o, k, data, attrs::DEFAULT);
        }
    }
    Ok(f)
}

/// A `compileFunction` body must parse alone as a function body, as V8 parses it: a stray `}`
/// is "Unexpected token '}'" like any other syntax error. The error's stack starts with the
/// place in the body (`file:line`, `lineOffset` added), the line and carets, as in Node.
fn check_function_body(vm: &mut Vm, body: &str, filename: &str, line_offset: i64) -> JsResult<()> {
    let arena = bumpalo::Bump::new();
    let options = kiln_parser::ParseOptions {
        kind: kiln_parser::ast::SourceKind::Script,
        eval: Some(kiln_parser::EvalContext {
            new_target: true,
            function_body: true,
            ..Default::default()
        }),
    };
    let parsed = kiln_parser::parse(&arena, body, options);
    let Some(d) = parsed.errors.first() else {
        return Ok(());
    };
    let lines = kiln_parser::LineIndex::new(body);
    let mut start = (d.span.start as usize).min(body.len());
    while !body.is_char_boundary(start) {
        start -= 1;
    }
    let at = lines.locate(body, start);
    let text = lines.line_text(body, at.line as usize);
    let width = body
        .get(start..(d.span.end as usize).max(start))
        .map_or(0, |t| {
            t.chars().take_while(|c| !matches!(c, '\n' | '\r')).count()
        });
    let header = format!(
        "{filename}:{}\n{text}\n{}{}\n\n",
        i64::from(at.line) + line_offset,
        " ".repeat(at.column as usize - 1),
        "^".repeat(width)
    );
    let error = vm.syntax_error(&d.message);
    if let JsError::Throw(v) = &error {
        decorate_stack(vm, *v, &header);
    }
    Err(error)
}

// ---------------------------------------------------------------------------------------------
// measureMemory

/// `vm.measureMemory([options])`: a promise of the heap's figures. Kiln's contexts share one
/// heap, so the whole heap is the current context's; `other` (in detailed mode) lists no
/// contexts, as Node's does for the contexts `vm` creates.
fn measure_memory(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let options = options_object(vm, arg(args, 0), "options")?;
    let mode = one_of(vm, options, "mode", &["summary", "detailed"])?;
    one_of(vm, options, "execution", &["default", "eager"])?;
    let bytes = vm.agent.heap.stats().total_bytes as f64;
    let result = vm.new_object();
    vm.root(result.value());
    let mut figures = vec!["total"];
    if mode.as_deref() == Some("detailed") {
        figures.push("current");
    }
    for name in figures {
        let estimate = vm.new_object();
        let k = vm.key(name);
        vm.define_data(result, k, estimate.value(), attrs::DEFAULT);
        let k = vm.key("jsMemoryEstimate");
        vm.define_data(estimate, k, Value::number(bytes), attrs::DEFAULT);
        let range = vm.new_array(vec![Value::number(bytes), Value::number(bytes)]);
        let k = vm.key("jsMemoryRange");
        vm.define_data(estimate, k, range.value(), attrs::DEFAULT);
    }
    if mode.as_deref() == Some("detailed") {
        let other = vm.new_array(Vec::new());
        let k = vm.key("other");
        vm.define_data(result, k, other.value(), attrs::DEFAULT);
    }
    Ok(kiln_interpreter::builtins::promise::resolved(
        vm,
        result.value(),
    ))
}

/// Node's `validateOneOf` for `options.name`: undefined or one of `allowed`
/// (ERR_INVALID_ARG_VALUE otherwise, whatever the type).
fn one_of(
    vm: &mut Vm,
    options: Option<ObjRef>,
    name: &str,
    allowed: &[&str],
) -> JsResult<Option<String>> {
    let v = option(vm, options, name)?;
    if v.is_undefined() {
        return Ok(None);
    }
    if let Some(s) = v.as_string() {
        let s = vm.rust_string(s);
        if allowed.contains(&s.as_str()) {
            return Ok(Some(s));
        }
    }
    let shown = kiln_interpreter::builtins::console::inspect(vm, v);
    let list: Vec<String> = allowed.iter().map(|a| format!("'{a}'")).collect();
    Err(node_error(
        vm,
        "TypeError",
        "ERR_INVALID_ARG_VALUE",
        &format!(
            "The property 'options.{name}' must be one of: {}. Received {shown}",
            list.join(", ")
        ),
    ))
}

// ---------------------------------------------------------------------------------------------
// Modules

/// A `vm.Module`'s host data: its module record and context.
struct ModuleData {
    index: usize,
    identifier: String,
    realm: u32,
    /// The `context` option was given.
    has_context: bool,
    /// `link()` has bound every request.
    linked: bool,
    /// `link()` is waiting for the linker's answers.
    linking: bool,
    /// What made `link()` fail: the module reads as errored with it (as Node's does), though
    /// its record stays unlinked.
    link_error: Option<Value>,
    source: Option<(String, kiln_cache::VerifiedCode)>,
    /// The module's `ImportHooks` object (undefined for synthetic modules).
    hooks: Value,
    /// `linkRequests` was given these module objects (kept alive with the module).
    linked_modules: Vec<Value>,
    /// What the `dependencySpecifiers` and `moduleRequests` getters return (the same arrays
    /// each time, as in Node; undefined for synthetic modules).
    dependency_specifiers: Value,
    module_requests: Value,
}

/// A module object's data.
struct ModuleCell(std::cell::RefCell<ModuleData>);

impl HostObject for ModuleCell {
    fn trace(&self, out: &mut Vec<Traced>) {
        let d = self.0.borrow();
        // The module record lives with its context's realm.
        out.push(Traced::Realm(d.realm));
        out.push(Traced::Value(d.hooks));
        out.extend(d.linked_modules.iter().map(|&v| Traced::Value(v)));
        out.push(Traced::Value(d.dependency_specifiers));
        out.push(Traced::Value(d.module_requests));
        out.extend(d.link_error.map(Traced::Value));
    }
}

fn this_module(vm: &mut Vm, this: Value) -> JsResult<(ObjRef, Rc<dyn HostObject>)> {
    if let Some(o) = this.as_object()
        && let ObjectKind::HostData(data) = &vm.obj(o).kind
        && data.downcast::<ModuleCell>().is_some()
    {
        return Ok((o, data.clone()));
    }
    Err(invalid_arg_type(vm, "this", "an instance of Module", this))
}

/// [`this_module`] for the methods of one subclass (`source`: of SourceTextModule, else of
/// SyntheticModule), whose errors name it; as in Node, any module passes.
fn this_module_of(vm: &mut Vm, this: Value, source: bool) -> JsResult<Rc<dyn HostObject>> {
    match this_module(vm, this).ok() {
        Some((_, data)) => Ok(data),
        None => {
            let class = if source {
                "an instance of SourceTextModule"
            } else {
                "an instance of SyntheticModule"
            };
            Err(invalid_arg_type(vm, "this", class, this))
        }
    }
}

fn module_data(data: &Rc<dyn HostObject>) -> &std::cell::RefCell<ModuleData> {
    &data
        .downcast::<ModuleCell>()
        .expect("checked by this_module")
        .0
}

/// `new vm.Module()`: an abstract class (Node's constructor throws this plain TypeError).
fn module_construct(vm: &mut Vm, _: &[Value], _: ObjRef) -> JsResult<Value> {
    Err(vm.type_error("Module is not a constructor"))
}

/// The options every module takes: `identifier` and `context`.
/// Also whether a context was given (`module.context` is undefined otherwise, as in Node).
fn module_options(vm: &mut Vm, options: Option<ObjRef>) -> JsResult<(Option<String>, u32, bool)> {
    let identifier = string_option(vm, options, "identifier", "options")?;
    let context = option(vm, options, "context")?;
    let realm = if context.is_undefined() {
        vm.current_realm()
    } else {
        context_argument(vm, context).map_err(|_| {
            // Node's fixed text (its validateContext).
            invalid_arg_type(vm, "options.context", "an vm.Context", context)
        })?
    };
    Ok((identifier, realm, !context.is_undefined()))
}

fn module_object(vm: &mut Vm, nt: ObjRef, data: ModuleData) -> JsResult<ObjRef> {
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.object_prototype)?;
    Ok(vm.alloc(Object::new(
        Some(proto),
        ObjectKind::HostData(Rc::new(ModuleCell(std::cell::RefCell::new(data)))),
    )))
}

static MODULE_COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A module's name in the interpreter's registry (unique in the process) and the identifier it
/// shows: the option, or `vm:module(n)` with `n` counted per context, as Node counts.
fn unique_name(vm: &mut Vm, identifier: &Option<String>, realm: u32) -> (String, String) {
    let n = MODULE_COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let shown = identifier.clone().unwrap_or_else(|| {
        let count = &mut vm.realms[realm as usize].host_module_count;
        let id = *count;
        *count = count.saturating_add(1);
        format!("vm:module({id})")
    });
    (format!("{shown}#vm{n}"), shown)
}

/// `new vm.SourceTextModule(code[, options])`: parsed (and compiled) at once.
fn source_text_module_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let source = expect_string(vm, arg(args, 0), "sourceText")?;
    let options = options_object(vm, arg(args, 1), "options")?;
    let line_offset = int32_option(vm, options, "lineOffset")?;
    let column_offset = int32_option(vm, options, "columnOffset")?;
    let (identifier, realm, has_context) = module_options(vm, options)?;
    let cached = option(vm, options, "cachedData")?;
    let cached = if cached.is_undefined() {
        None
    } else {
        Some(view_bytes(vm, cached, "options.cachedData")?)
    };
    let (name, shown) = unique_name(vm, &identifier, realm);
    let script = Script::new(
        &source,
        ScriptOptions {
            filename: shown.clone(),
            cached_data: None,
            cache_file: cached,
            cache_path: None,
            produce_cached_data: false,
            source_type: SourceType::Module,
        },
    )
    .map_err(|e| syntax_error(vm, e))?;
    // A cache that does not fit the source is an error for a module (a script only says so).
    if script.cached_data_rejected() == Some(true) {
        return Err(node_error(
            vm,
            "Error",
            "ERR_VM_MODULE_CACHED_DATA_REJECTED",
            "cachedData buffer was rejected",
        ));
    }
    let hooks = import_hooks(vm, options)?;
    vm.root(hooks);
    let index = vm.in_realm(realm, |vm| {
        let loaded = kiln_interpreter::eval::load_verified(
            vm,
            script.code().clone(),
            script.shared_source(),
            &shown,
        );
        loaded.host_defined.set(Some(hooks));
        loaded.line_offset.set(line_offset);
        loaded.column_offset.set(column_offset);
        vm.add_vm_module(loaded, &name)
    });
    let data = ModuleData {
        index,
        identifier: shown,
        realm,
        has_context,
        linked: false,
        source: Some((source, script.code().clone())),
        hooks,
        linked_modules: Vec::new(),
        linking: false,
        link_error: None,
        dependency_specifiers: Value::UNDEFINED,
        module_requests: Value::UNDEFINED,
    };
    let o = module_object(vm, nt, data)?;
    set_referrer(vm, hooks, o.value());
    let requests = vm.module_requests(index);
    let list: Vec<Value> = requests.iter().map(|r| vm.string(r)).collect();
    let specifiers = vm.new_array(list);
    vm.root(specifiers.value());
    // Frozen as Node 24 makes it (Node 20 left it writable).
    kiln_interpreter::abstract_ops::objects::set_integrity_level(vm, specifiers, true)?;
    // moduleRequests: frozen { specifier, attributes } records.
    let all_attributes = vm.module_request_attributes(index);
    let mut records = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        let record = vm.new_object();
        vm.root(record.value());
        let specifier = vm.string(r);
        let attributes = attributes_object(vm, all_attributes.get(i).map_or(&[], |a| a));
        kiln_interpreter::abstract_ops::objects::set_integrity_level(vm, attributes, true)?;
        for (k, v) in [("specifier", specifier), ("attributes", attributes.value())] {
            let key = vm.key(k);
            vm.define_data(record, key, v, attrs::ENUMERABLE);
        }
        kiln_interpreter::abstract_ops::objects::set_integrity_level(vm, record, true)?;
        records.push(record.value());
    }
    let list = vm.new_array(records);
    kiln_interpreter::abstract_ops::objects::set_integrity_level(vm, list, true)?;
    let (_, data) = this_module(vm, o.value())?;
    let mut d = module_data(&data).borrow_mut();
    d.dependency_specifiers = specifiers.value();
    d.module_requests = list.value();
    Ok(o.value())
}

/// A null-prototype object of a request's import attributes, as Node gives them.
fn attributes_object(vm: &mut Vm, attributes: &[(String, String)]) -> ObjRef {
    let o = vm.new_object_with_proto(None);
    for (key, value) in attributes {
        let k = vm.key(key);
        let v = vm.string(value);
        vm.define_data(o, k, v, attrs::DEFAULT);
    }
    o
}

/// `get sourceTextModule.dependencySpecifiers`: the specifiers of the module's requests.
fn module_dependency_specifiers(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let data = this_module_of(vm, this, true)?;
    Ok(module_data(&data).borrow().dependency_specifiers)
}

/// `get sourceTextModule.moduleRequests` (Node 24): frozen `{ specifier, attributes }` records.
fn module_module_requests(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let data = this_module_of(vm, this, true)?;
    Ok(module_data(&data).borrow().module_requests)
}

/// `new vm.SyntheticModule(exportNames, evaluateCallback[, options])`
fn synthetic_module_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    // Node 20's validateArrayOfUniqueStrings-like checks (its texts).
    let names_value = arg(args, 0);
    let not_names = |vm: &mut Vm| {
        invalid_arg_type(vm, "exportNames", "an Array of unique strings", names_value)
    };
    if !names_value
        .as_object()
        .is_some_and(|o| vm.obj(o).is_array())
    {
        return Err(not_names(vm));
    }
    let list =
        kiln_interpreter::abstract_ops::objects::create_list_from_array_like(vm, names_value)?;
    let mut names: Vec<String> = Vec::new();
    for v in list {
        let Some(n) = v.as_string() else {
            return Err(not_names(vm));
        };
        let n = vm.rust_string(n);
        if names.contains(&n) {
            return Err(node_error(
                vm,
                "TypeError",
                "ERR_INVALID_ARG_VALUE",
                &format!("The property 'exportNames.{n}' is duplicated. Received '{n}'"),
            ));
        }
        names.push(n);
    }
    let callback = arg(args, 1);
    if !vm.is_callable(callback) {
        return Err(invalid_arg_type(
            vm,
            "evaluateCallback",
            "of type function",
            callback,
        ));
    }
    let options = options_object(vm, arg(args, 2), "options")?;
    let (identifier, realm, has_context) = module_options(vm, options)?;
    let (name, shown) = unique_name(vm, &identifier, realm);
    // The evaluation steps get `this` once the object exists; start with a placeholder.
    let index = vm.in_realm(realm, |vm| {
        vm.add_synthetic_module(
            &name,
            &names,
            kiln_interpreter::module::Synthetic::Steps {
                function: callback,
                this: Value::UNDEFINED,
            },
        )
    });
    let index = index?;
    let data = ModuleData {
        index,
        identifier: shown,
        realm,
        has_context,
        linked: false,
        source: None,
        hooks: Value::UNDEFINED,
        linked_modules: Vec::new(),
        linking: false,
        link_error: None,
        dependency_specifiers: Value::UNDEFINED,
        module_requests: Value::UNDEFINED,
    };
    let o = module_object(vm, nt, data)?;
    vm.set_synthetic_this(index, o.value());
    Ok(o.value())
}

fn module_identifier(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, data) = this_module(vm, this)?;
    let id = module_data(&data).borrow().identifier.clone();
    Ok(vm.string(&id))
}

fn module_context(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, data) = this_module(vm, this)?;
    let (realm, has_context) = {
        let d = module_data(&data).borrow();
        (d.realm, d.has_context)
    };
    if !has_context {
        return Ok(Value::UNDEFINED);
    }
    let r = &vm.realms[realm as usize];
    Ok(r.sandbox.unwrap_or(r.global_object).value())
}

fn status_text(vm: &Vm, data: &ModuleData) -> &'static str {
    use kiln_interpreter::module::Status;
    let record = &vm.modules.records[data.index];
    match record.status {
        Status::New if data.link_error.is_some() => "errored",
        Status::New if data.linking => "linking",
        Status::New if data.linked => "linked",
        Status::New => "unlinked",
        Status::Linked => "linked",
        Status::Evaluating => "evaluating",
        // V8 reports a module whose top-level await is pending as evaluated.
        Status::EvaluatingAsync => "evaluated",
        Status::Evaluated if record.error.is_some() => "errored",
        Status::Evaluated => "evaluated",
    }
}

fn module_status(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, data) = this_module(vm, this)?;
    let text = status_text(vm, &module_data(&data).borrow());
    Ok(vm.string(text))
}

fn module_error(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, data) = this_module(vm, this)?;
    let d = module_data(&data).borrow();
    if status_text(vm, &d) != "errored" {
        drop(d);
        return Err(node_error(
            vm,
            "Error",
            "ERR_VM_MODULE_STATUS",
            "Module status must be errored",
        ));
    }
    Ok(d.link_error
        .or(vm.modules.records[d.index].error)
        .unwrap_or(Value::UNDEFINED))
}

fn module_namespace(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, data) = this_module(vm, this)?;
    let (index, status) = {
        let d = module_data(&data).borrow();
        (d.index, status_text(vm, &d))
    };
    if status == "unlinked" {
        return Err(node_error(
            vm,
            "Error",
            "ERR_VM_MODULE_STATUS",
            "Module status must not be unlinked or linking",
        ));
    }
    Ok(vm.module_namespace(index)?.value())
}

/// `module.link(linker)`: Node's asynchronous linking. The linker is asked for every request at
/// once, in order; each answer is awaited, checked, and linked with the same linker if it is
/// unlinked; once all are, the graph is instantiated. No job runs inside the call.
fn module_link(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    use kiln_interpreter::builtins::promise;
    let result = (|| {
        let (o, data) = this_module(vm, this)?;
        let linker = arg(args, 0);
        if !vm.is_callable(linker) {
            return Err(invalid_arg_type(vm, "linker", "of type function", linker));
        }
        match status_text(vm, &module_data(&data).borrow()) {
            "unlinked" => {}
            "linked" => {
                return Err(node_error(
                    vm,
                    "Error",
                    "ERR_VM_MODULE_ALREADY_LINKED",
                    "Module has already been linked",
                ));
            }
            _ => {
                return Err(node_error(
                    vm,
                    "Error",
                    "ERR_VM_MODULE_STATUS",
                    "Module status must be unlinked",
                ));
            }
        }
        let linked = link_requests_async(vm, o, linker)?;
        // Then Node instantiates the graph: environments exist, functions are initialised and
        // the lexical bindings are in their TDZ.
        let done = promise::new_promise(vm).value();
        vm.root(done);
        let instantiate = vm.native_closure("", 0, instantiate_linked, vec![o.value()]);
        promise::perform_then(
            vm,
            linked,
            instantiate.value(),
            Value::UNDEFINED,
            Some(done),
        )?;
        Ok(done)
    })();
    match result {
        Ok(p) => Ok(p),
        Err(JsError::Throw(e)) => Ok(promise::rejected(vm, e)),
        Err(e) => Err(e),
    }
}

/// Asks `linker` for each of `module`'s requests; a promise fulfilled once every answer is
/// linked (the requests are bound then).
fn link_requests_async(vm: &mut Vm, module: ObjRef, linker: Value) -> JsResult<Value> {
    use kiln_interpreter::builtins::promise;
    let (_, data) = this_module(vm, module.value())?;
    let index = module_data(&data).borrow().index;
    module_data(&data).borrow_mut().linking = true;
    let specifiers = vm.module_requests(index);
    let all_attributes = vm.module_request_attributes(index);
    let targets = vm.new_array(Vec::new());
    vm.root(targets.value());
    let mut answers = Vec::new();
    for (i, specifier) in specifiers.iter().enumerate() {
        let s = vm.string(specifier);
        vm.root(s);
        let options = vm.new_object();
        vm.root(options.value());
        let attributes = attributes_object(vm, all_attributes.get(i).map_or(&[], |a| a));
        for key in ["attributes", "assert"] {
            let k = vm.key(key);
            vm.define_data(options, k, attributes.value(), attrs::DEFAULT);
        }
        let answer = vm.call(
            linker,
            Value::UNDEFINED,
            &[s, module.value(), options.value()],
        )?;
        vm.root(answer);
        let answer = promise::promise_resolve_intrinsic(vm, answer)?;
        vm.root(answer);
        let checked = promise::new_promise(vm).value();
        vm.root(checked);
        let data = vec![
            module.value(),
            linker,
            targets.value(),
            Value::number(i as f64),
            s,
        ];
        let check = vm.native_closure("", 1, link_answer, data);
        promise::perform_then(vm, answer, check.value(), Value::UNDEFINED, Some(checked))?;
        answers.push(checked);
    }
    let list = vm.new_array(answers);
    vm.root(list.value());
    let ctor = vm.intrinsics().promise_constructor;
    let key = vm.key("all");
    let all = vm.get(ctor, key, ctor.value())?;
    let all = vm.call(all, ctor.value(), &[list.value()])?;
    vm.root(all);
    let bound = promise::new_promise(vm).value();
    vm.root(bound);
    let bind = vm.native_closure("", 0, bind_requests, vec![module.value(), targets.value()]);
    vm.root(bind.value());
    let failed = vm.native_closure("", 1, link_failed, vec![module.value()]);
    promise::perform_then(vm, all, bind.value(), failed.value(), Some(bound))?;
    Ok(bound)
}

/// One linker answer, awaited: it must be a module of the same context and not errored; an
/// unlinked one is linked in turn (the promise returned is waited for).
fn link_answer(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let (module, linker, targets, i, specifier) = (data[0], data[1], data[2], data[3], data[4]);
    let answer = arg(args, 0);
    let Some((target, tdata)) = answer
        .as_object()
        .and_then(|_| this_module(vm, answer).ok())
    else {
        return Err(node_error(
            vm,
            "Error",
            "ERR_VM_MODULE_NOT_MODULE",
            "Provided module is not an instance of Module",
        ));
    };
    let (_, mdata) = this_module(vm, module)?;
    if module_data(&tdata).borrow().realm != module_data(&mdata).borrow().realm {
        return Err(node_error(
            vm,
            "Error",
            "ERR_VM_MODULE_DIFFERENT_CONTEXT",
            "Linked modules must use the same context",
        ));
    }
    if let Some(t) = targets.as_object() {
        let k = PropertyKey::Index(i.as_number().unwrap_or(0.0) as u32);
        vm.define_data(t, k, answer, attrs::DEFAULT);
    }
    let status = status_text(vm, &module_data(&tdata).borrow());
    if status == "errored" {
        let name = specifier
            .as_string()
            .map(|s| vm.rust_string(s))
            .unwrap_or_default();
        let e = node_error(
            vm,
            "Error",
            "ERR_VM_MODULE_LINK_FAILURE",
            &format!("request for '{name}' resolved to an errored module"),
        );
        // Node gives the dependency's error as the cause.
        let cause = module_error(vm, answer, &[])?;
        if let JsError::Throw(v) = &e
            && let Some(o) = v.as_object()
        {
            let k = vm.key("cause");
            vm.define_data(o, k, cause, attrs::HIDDEN);
        }
        return Err(e);
    }
    if status == "unlinked" && !module_data(&tdata).borrow().linking {
        return link_requests_async(vm, target, linker);
    }
    Ok(Value::UNDEFINED)
}

/// Every answer is in: the module's requests are bound to them.
fn bind_requests(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let (_, mdata) = this_module(vm, data[0])?;
    let mut requested = Vec::new();
    if let Some(t) = data[1].as_object() {
        let n = vm.module_requests(module_data(&mdata).borrow().index).len();
        for i in 0..n {
            let m = vm.get(t, PropertyKey::Index(i as u32), data[1])?;
            let (_, d) = this_module(vm, m)?;
            requested.push(module_data(&d).borrow().index);
        }
    }
    let mut d = module_data(&mdata).borrow_mut();
    vm.set_module_requested(d.index, requested);
    d.linking = false;
    d.linked = true;
    Ok(Value::UNDEFINED)
}

/// Linking failed: the module is no longer linking but errored with the error, which goes on.
fn link_failed(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let module = vm.native_data()[0];
    let (_, data) = this_module(vm, module)?;
    let error = arg(args, 0);
    let mut d = module_data(&data).borrow_mut();
    d.linking = false;
    d.link_error = Some(error);
    Err(JsError::Throw(error))
}

/// The root of a `link()` is linked: instantiate its graph.
fn instantiate_linked(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let module = vm.native_data()[0];
    let (_, data) = this_module(vm, module)?;
    let index = module_data(&data).borrow().index;
    if let Err(e) = vm.link_module(index) {
        // The graph could not be instantiated: the module reads as unlinked again, as in Node.
        module_data(&data).borrow_mut().linked = false;
        return Err(e);
    }
    Ok(Value::UNDEFINED)
}

/// `module.evaluate([options])`: a promise of undefined, rejected with the module's error. As
/// Node's is an async function, the module runs at once but every error is a rejection, and
/// the promise settles a job after the module's evaluation promise (later, if it awaits).
fn module_evaluate(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    use kiln_interpreter::builtins::promise;
    let evaluated = (|| {
        let (_, data) = this_module(vm, this)?;
        let options = options_object(vm, arg(args, 0), "options")?;
        let timeout = timeout_option(vm, options)?;
        let break_on_sigint = bool_option(vm, options, "breakOnSigint", "options")?;
        let (index, realm, status, link_failed) = {
            let d = module_data(&data).borrow();
            (
                d.index,
                d.realm,
                status_text(vm, &d),
                d.link_error.is_some(),
            )
        };
        // A module whose link failed reads as errored but was never instantiated.
        if link_failed || !matches!(status, "linked" | "evaluated" | "errored" | "evaluating") {
            return Err(node_error(
                vm,
                "Error",
                "ERR_VM_MODULE_STATUS",
                "Module status must be one of linked, evaluated, or errored",
            ));
        }
        let run = |vm: &mut Vm| {
            with_timeout(vm, timeout, |vm| {
                vm.in_realm(realm, |vm| vm.evaluate_module(index))
            })
        };
        if break_on_sigint {
            with_sigint(vm, run)
        } else {
            run(vm)
        }
    })();
    let evaluated = match evaluated {
        Ok(p) => p,
        Err(JsError::Throw(e)) => promise::rejected(vm, e),
        Err(e) => return Err(e),
    };
    vm.root(evaluated);
    let result = promise::new_promise(vm).value();
    vm.root(result);
    promise::perform_then(
        vm,
        evaluated,
        Value::UNDEFINED,
        Value::UNDEFINED,
        Some(result),
    )?;
    Ok(result)
}

/// `sourceTextModule.createCachedData()`: only before evaluation starts.
fn module_create_cached_data(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, data) = this_module(vm, this)?;
    let status = status_text(vm, &module_data(&data).borrow());
    if matches!(status, "evaluating" | "evaluated" | "errored") {
        return Err(node_error(
            vm,
            "Error",
            "ERR_VM_MODULE_CANNOT_CREATE_CACHED_DATA",
            "Cached data cannot be created for a module which has been evaluated",
        ));
    }
    let bytes = match &module_data(&data).borrow().source {
        Some((source, code)) => {
            kiln_cache::encode(code, source, kiln_cache::CacheKind::Module).to_vec()
        }
        None => Vec::new(),
    };
    Ok(uint8_array(vm, bytes))
}

/// `syntheticModule.setExport(name, value)`
fn synthetic_set_export(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let data = this_module_of(vm, this, false)?;
    let name = expect_string(vm, arg(args, 0), "name")?;
    let index = module_data(&data).borrow().index;
    if vm.modules.records[index].env.is_none() {
        return Err(node_error(
            vm,
            "Error",
            "ERR_VM_MODULE_STATUS",
            "Module status must be linked",
        ));
    }
    if !vm.set_module_export(index, &name, arg(args, 1)) {
        return Err(vm.reference_error(&format!("Export '{name}' is not defined in module")));
    }
    Ok(Value::UNDEFINED)
}

/// `module.linkRequests(modules)`: binds each of the module's requests, in order, to a module.
fn module_link_requests(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (_, data) = this_module(vm, this)?;
    let list = arg(args, 0);
    if !list.as_object().is_some_and(|o| vm.obj(o).is_array()) {
        return Err(invalid_arg_type(
            vm,
            "modules",
            "an instance of Array",
            list,
        ));
    }
    let modules = kiln_interpreter::abstract_ops::objects::create_list_from_array_like(vm, list)?;
    let index = module_data(&data).borrow().index;
    let wanted = vm.module_requests(index).len();
    if modules.len() != wanted {
        return Err(node_error(
            vm,
            "Error",
            "ERR_MODULE_LINK_MISMATCH",
            &format!(
                "The module has {wanted} requests but {} modules were given",
                modules.len()
            ),
        ));
    }
    let mut requested = Vec::new();
    for m in &modules {
        let Ok((_, d)) = this_module(vm, *m) else {
            return Err(node_error(
                vm,
                "Error",
                "ERR_VM_MODULE_NOT_MODULE",
                "Provided module is not an instance of Module",
            ));
        };
        requested.push(module_data(&d).borrow().index);
    }
    vm.set_module_requested(index, requested);
    let mut d = module_data(&data).borrow_mut();
    d.linked = true;
    d.linked_modules = modules;
    Ok(Value::UNDEFINED)
}

/// `module.instantiate()`: the module's requests must be linked; creates the environments of
/// its graph.
fn module_instantiate(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, data) = this_module(vm, this)?;
    let (index, linked) = {
        let d = module_data(&data).borrow();
        (d.index, d.linked || vm.module_requests(d.index).is_empty())
    };
    if !linked {
        return Err(node_error(
            vm,
            "Error",
            "ERR_VM_MODULE_LINK_FAILURE",
            "The module's requests are not linked (call linkRequests first)",
        ));
    }
    module_data(&data).borrow_mut().linked = true;
    vm.link_module(index)?;
    Ok(Value::UNDEFINED)
}

fn module_has_top_level_await(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, data) = this_module(vm, this)?;
    let index = module_data(&data).borrow().index;
    Ok(Value::boolean(vm.module_has_top_level_await(index)))
}

/// Whether the module or anything it (transitively) imports awaits at the top level.
fn module_has_async_graph(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, data) = this_module(vm, this)?;
    let index = module_data(&data).borrow().index;
    let mut seen = vec![index];
    let mut work = vec![index];
    while let Some(m) = work.pop() {
        if vm.module_has_top_level_await(m) {
            return Ok(Value::TRUE);
        }
        for &r in &vm.modules.records[m].requested {
            if !seen.contains(&r) {
                seen.push(r);
                work.push(r);
            }
        }
    }
    Ok(Value::FALSE)
}

/// The callbacks behind host-defined data: (referrer, importModuleDynamically,
/// initializeImportMeta).
fn hooks_of(vm: &Vm, holder: Value) -> Option<(Value, Value, Value)> {
    let o = holder.as_object()?;
    match &vm.obj(o).kind {
        ObjectKind::HostData(d) => d.downcast::<ImportHooks>().map(|h| {
            (
                h.referrer.get(),
                h.import_dynamically,
                h.initialize_import_meta,
            )
        }),
        _ => None,
    }
}

/// `import()` inside code compiled by `node:vm`: what the `importModuleDynamically` callback
/// returns (a namespace, or a `vm.Module`'s namespace: ERR_VM_MODULE_NOT_MODULE for anything
/// else, the module's error if it is errored), the main context's loader for
/// `USE_MAIN_CONTEXT_DEFAULT_LOADER`, or ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING.
fn dynamic_import(
    vm: &mut Vm,
    holder: Value,
    specifier: Value,
    attributes: Value,
) -> JsResult<Value> {
    let Some((referrer, callback, _)) = hooks_of(vm, holder) else {
        return Err(vm.type_error("import() is not available here"));
    };
    if callback.is_undefined() {
        return Err(node_error(
            vm,
            "TypeError",
            "ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING",
            "A dynamic import callback was not specified.",
        ));
    }
    if callback == constant(vm, "USE_MAIN_CONTEXT_DEFAULT_LOADER") {
        let text = vm.to_rust_string(specifier)?;
        let base = std::env::current_dir()
            .map(|d| d.join("[eval]").display().to_string())
            .unwrap_or_default();
        return vm.import_from(&text, &base);
    }
    let result = vm.call(
        callback,
        Value::UNDEFINED,
        &[specifier, referrer, attributes],
    )?;
    // Node awaits it (a thenable is followed too), then checks what it got.
    vm.root(result);
    let result = kiln_interpreter::builtins::promise::promise_resolve_intrinsic(vm, result)?;
    vm.root(result);
    let namespace = kiln_interpreter::builtins::promise::new_promise(vm).value();
    vm.root(namespace);
    let check = vm.native_function("", 1, imported_namespace, None);
    kiln_interpreter::builtins::promise::perform_then(
        vm,
        result,
        check.value(),
        Value::UNDEFINED,
        Some(namespace),
    )?;
    Ok(namespace)
}

/// What `importModuleDynamically` fulfilled with, as `import()`'s namespace: a namespace
/// itself, or a `vm.Module`'s namespace (its error if it is errored); ERR_VM_MODULE_NOT_MODULE
/// for anything else.
fn imported_namespace(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let result = arg(args, 0);
    if result
        .as_object()
        .is_some_and(|o| matches!(vm.obj(o).kind, ObjectKind::Namespace(_)))
    {
        return Ok(result);
    }
    if this_module(vm, result).is_err() {
        return Err(node_error(
            vm,
            "Error",
            "ERR_VM_MODULE_NOT_MODULE",
            "Provided module is not an instance of Module",
        ));
    }
    if module_status(vm, result, &[])?
        .as_string()
        .map(|s| vm.rust_string(s))
        == Some("errored".into())
    {
        return Err(JsError::Throw(module_error(vm, result, &[])?));
    }
    module_namespace(vm, result, &[])
}

/// `import.meta` of a `SourceTextModule`: `initializeImportMeta(meta, module)` fills it.
fn initialize_import_meta(vm: &mut Vm, holder: Value, meta: ObjRef) -> JsResult<()> {
    if let Some((referrer, _, init)) = hooks_of(vm, holder)
        && !init.is_undefined()
    {
        vm.call(init, Value::UNDEFINED, &[meta.value(), referrer])?;
    }
    Ok(())
}
