//! The Node modules scripts written for Node reach for first, as host modules of the `kiln`
//! command line: `node:util` (`util.js`: `format` and `inspect` are console.log's own), `node:assert`
//! (`assert.js`) and `node:buffer` (`Buffer`, the global of `buffer.js`). Each is reachable as
//! `require('util')` or `import util from 'node:util'` (the default export is the module object,
//! its properties are named exports too), built once per realm on first use.

use kiln_interpreter::builtins::console;
use kiln_interpreter::object::{NativeFn, PropertyKey};
use kiln_interpreter::{JsResult, Value, Vm};

/// Makes the modules importable in `vm`.
pub fn register(vm: &mut Vm) {
    for (name, build) in [
        (
            "node:util",
            util_module as kiln_interpreter::module::HostModule,
        ),
        ("node:assert", assert_module),
        ("node:assert/strict", assert_strict_module),
        ("node:buffer", buffer_module),
    ] {
        vm.host_modules.insert(name.to_string(), build);
    }
}

/// Runs `util.js`: `[util, deepEqual]`.
fn util_parts(vm: &mut Vm) -> JsResult<(Value, Value)> {
    let natives = vm.new_object_with_proto(None);
    let functions: [(&str, u32, NativeFn); 3] = [
        ("format", 0, format),
        ("inspect", 1, inspect),
        ("kind", 1, super::kind),
    ];
    for (name, length, f) in functions {
        vm.define_method(natives, name, length, f);
    }
    let global = vm.intrinsics().global_object;
    let pair = vm.with_roots(&[natives.value()], |vm| {
        let f = kiln_interpreter::eval::run_source(
            vm,
            include_str!("util.js"),
            "kiln:web/util.js",
            false,
        )?;
        vm.call(f, Value::UNDEFINED, &[natives.value(), global.value()])
    })?;
    let util = element(vm, pair, 0)?;
    let deep_equal = element(vm, pair, 1)?;
    Ok((util, deep_equal))
}

fn element(vm: &mut Vm, array: Value, index: u32) -> JsResult<Value> {
    let Some(o) = array.as_object() else {
        return Err(vm.type_error("a Node module script did not return an array"));
    };
    let key = vm.to_property_key(Value::number(f64::from(index)))?;
    vm.get(o, key, array)
}

/// The module's exports: `default`, the object itself, and its own string-keyed properties.
fn exports_of(vm: &mut Vm, object: Value) -> JsResult<Vec<(String, Value)>> {
    let Some(o) = object.as_object() else {
        return Err(vm.type_error("a Node module script did not return an object"));
    };
    let mut exports = vec![("default".to_string(), object)];
    for key in vm.own_property_keys(o)? {
        if let PropertyKey::String(atom) = key {
            let name = vm.agent.atoms.to_rust(atom);
            if name != "default" {
                let value = vm.get(o, key, object)?;
                exports.push((name, value));
            }
        }
    }
    Ok(exports)
}

fn util_module(vm: &mut Vm) -> JsResult<Vec<(String, Value)>> {
    let (util, _) = util_parts(vm)?;
    vm.with_roots(&[util], |vm| exports_of(vm, util))
}

/// Runs `assert.js` over a `util` of its own: the `assert` function.
fn assert_function(vm: &mut Vm) -> JsResult<Value> {
    let (util, deep_equal) = util_parts(vm)?;
    let global = vm.intrinsics().global_object;
    vm.with_roots(&[util, deep_equal], |vm| {
        let f = kiln_interpreter::eval::run_source(
            vm,
            include_str!("assert.js"),
            "kiln:web/assert.js",
            false,
        )?;
        let natives = Value::UNDEFINED;
        vm.call(
            f,
            Value::UNDEFINED,
            &[natives, global.value(), util, deep_equal],
        )
    })
}

fn assert_module(vm: &mut Vm) -> JsResult<Vec<(String, Value)>> {
    let assert = assert_function(vm)?;
    vm.with_roots(&[assert], |vm| exports_of(vm, assert))
}

/// `node:assert/strict`: `assert.strict` of `node:assert`.
fn assert_strict_module(vm: &mut Vm) -> JsResult<Vec<(String, Value)>> {
    let index = vm.load_host_module("node:assert", assert_module)?;
    let namespace = vm.evaluate_module_namespace(index)?;
    let key = vm.key("default");
    let assert = vm.get(namespace, key, namespace.value())?;
    let strict = vm.with_roots(&[assert], |vm| {
        let o = assert
            .as_object()
            .ok_or_else(|| vm.type_error("assert is not an object"))?;
        let key = vm.key("strict");
        vm.get(o, key, assert)
    })?;
    vm.with_roots(&[strict], |vm| exports_of(vm, strict))
}

/// `node:buffer`: `Buffer` (the global, loaded on first use) and the constants scripts read.
fn buffer_module(vm: &mut Vm) -> JsResult<Vec<(String, Value)>> {
    let global = vm.intrinsics().global_object;
    let key = vm.key("Buffer");
    let buffer = vm.get(global, key, global.value())?;
    if !vm.is_callable(buffer) {
        // A context without the host's globals: fail now rather than export undefined.
        return Err(vm.type_error("node:buffer is not available in this realm"));
    }
    let module = vm.new_object();
    vm.with_roots(&[buffer, module.value()], |vm| {
        let key = vm.key("Buffer");
        vm.define_data(
            module,
            key,
            buffer,
            kiln_interpreter::object::attrs::DEFAULT,
        );
        for (name, value) in [
            ("kMaxLength", 2f64.powi(32)),
            ("kStringMaxLength", 1073741799.0),
        ] {
            let key = vm.key(name);
            vm.define_data(
                module,
                key,
                Value::number(value),
                kiln_interpreter::object::attrs::DEFAULT,
            );
        }
        exports_of(vm, module.value())
    })
}

/// `format(...args)`: console.log's line.
fn format(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let text = console::format_log(vm, args)?;
    Ok(vm.string(&text))
}

/// `inspect(value)`: console.log's view of one value.
fn inspect(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let v = args.first().copied().unwrap_or(Value::UNDEFINED);
    let text = console::inspect(vm, v);
    Ok(vm.string(&text))
}
