//! The little of Node's script environment the `kiln` command line gives a script (not a
//! module): `require` for host modules (`require('node:vm')`, `require('vm')`) and for files
//! (`require('./lib.js')`, `.json`, a folder's `index.js`; relative to the requiring file or
//! absolute, each loaded once, cycles seeing the partial `exports` as in Node), `module` and
//! `exports`, `__filename` and `__dirname` (`process` is in `process.rs`). For the main script
//! they are globals of the main realm; a required file gets
//! them as the parameters of a function wrapping its code, as in Node. Packages
//! (`node_modules`) are not searched: a bare name that is not a host module throws
//! `MODULE_NOT_FOUND`.

use kiln_interpreter::object::attrs;
use kiln_interpreter::{JsError, JsResult, Value, Vm};

/// Defines the globals for running `filename` as a script.
pub fn install(vm: &mut Vm, filename: &str) {
    let dir = std::path::Path::new(filename)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let cache = vm.new_object_with_proto(None);
    vm.agent.kept_alive.push(cache.value());
    let require = make_require(vm, &dir, cache.value());
    vm.define_global("require", require);

    let module = vm.new_object();
    let exports = vm.new_object();
    let ek = vm.key("exports");
    vm.define_data(module, ek, exports.value(), attrs::DEFAULT);
    vm.define_global("module", module.value());
    vm.define_global("exports", exports.value());
    let f = vm.string(filename);
    vm.define_global("__filename", f);
    let d = vm.string(&dir);
    vm.define_global("__dirname", d);
}

/// A `require` for code in `dir`, sharing `cache` (resolved path -> module object).
fn make_require(vm: &mut Vm, dir: &str, cache: Value) -> Value {
    let d = vm.string(dir);
    vm.native_closure("require", 1, require, vec![d, cache])
        .value()
}

/// `require(id)`: a host module's default export, or a file's `module.exports`.
fn require(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let id = args.first().copied().unwrap_or(Value::UNDEFINED);
    let Some(s) = id.as_string() else {
        return Err(vm.type_error("The \"id\" argument must be of type string"));
    };
    let name = vm.rust_string(s);
    let host_name = format!("node:{name}");
    for candidate in [name.as_str(), host_name.as_str()] {
        if let Some(&build) = vm.host_modules.get(candidate) {
            let m = vm.load_host_module(candidate, build)?;
            let ns = vm.evaluate_module_namespace(m)?;
            let key = vm.key("default");
            return vm.get(ns, key, ns.value());
        }
    }
    let data = vm.native_data();
    let (dir, cache) = (data[0], data[1]);
    let is_path = name.starts_with("./") || name.starts_with("../") || name.starts_with('/');
    if is_path
        && let Some(dir) = dir.as_string()
        && let Some(cache) = cache.as_object()
    {
        let base = std::path::PathBuf::from(vm.rust_string(dir));
        if let Some(path) = resolve(&base, &name) {
            return load_file(vm, &path, cache);
        }
    }
    let e = vm.make_error("Error", &format!("Cannot find module '{name}'"));
    if let Some(o) = e.as_object() {
        let key = vm.key("code");
        let code = vm.string("MODULE_NOT_FOUND");
        vm.define_data(o, key, code, attrs::HIDDEN | attrs::ENUMERABLE);
    }
    Err(JsError::Throw(e))
}

/// The file `name` stands for: itself, with `.js` or `.json`, or its folder's `index.js`.
fn resolve(base: &std::path::Path, name: &str) -> Option<std::path::PathBuf> {
    let path = base.join(name);
    let candidates = [
        path.clone(),
        path.with_extension(match path.extension() {
            Some(e) => format!("{}.js", e.to_string_lossy()),
            None => "js".into(),
        }),
        path.with_extension(match path.extension() {
            Some(e) => format!("{}.json", e.to_string_lossy()),
            None => "json".into(),
        }),
        path.join("index.js"),
    ];
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .map(|p| p.canonicalize().unwrap_or(p))
}

/// Loads (once) the file at `path`: JSON is parsed; JavaScript runs wrapped in
/// `function (exports, require, module, __filename, __dirname)`.
fn load_file(
    vm: &mut Vm,
    path: &std::path::Path,
    cache: kiln_interpreter::heap::ObjRef,
) -> JsResult<Value> {
    let filename = path.display().to_string();
    let key = vm.key(&filename);
    let exports_key = vm.key("exports");
    let cached = vm.get(cache, key, cache.value())?;
    if let Some(m) = cached.as_object() {
        return vm.get(m, exports_key, cached);
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        let message = format!("Cannot read module '{filename}': {e}");
        vm.throw_error("Error", &message)
    })?;
    vm.handle_scope(|vm| {
        let module = vm.new_object();
        vm.root(module.value());
        let exports = vm.new_object();
        vm.define_data(module, exports_key, exports.value(), attrs::DEFAULT);
        let fk = vm.key("filename");
        let f = vm.string(&filename);
        vm.define_data(module, fk, f, attrs::DEFAULT);
        vm.define_data(cache, key, module.value(), attrs::DEFAULT);
        if filename.ends_with(".json") {
            let parsed = json_parse(vm, &text)?;
            vm.set_or_throw(module, exports_key, parsed, true)?;
            return vm.get(module, exports_key, module.value());
        }
        // The wrapper keeps the file's line numbers; a `#!` line becomes a comment.
        let body = match text.strip_prefix("#!") {
            Some(rest) => format!("//{rest}"),
            None => text,
        };
        let source =
            format!("(function (exports, require, module, __filename, __dirname) {{{body}\n}})");
        let wrapper = kiln_interpreter::eval::run_source(vm, &source, &filename, false)?;
        vm.root(wrapper);
        let dir = path
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let require = make_require(vm, &dir, cache.value());
        vm.root(require);
        let d = vm.string(&dir);
        vm.root(d);
        let f = vm.string(&filename);
        vm.root(f);
        vm.call(
            wrapper,
            exports.value(),
            &[exports.value(), require, module.value(), f, d],
        )?;
        vm.get(module, exports_key, module.value())
    })
}

/// `JSON.parse(text)` of the current realm.
fn json_parse(vm: &mut Vm, text: &str) -> JsResult<Value> {
    let global = vm.intrinsics().global_object;
    let jk = vm.key("JSON");
    let json = vm.get(global, jk, global.value())?;
    let Some(json_object) = json.as_object() else {
        return Err(vm.type_error("JSON is not available"));
    };
    let pk = vm.key("parse");
    let parse = vm.get(json_object, pk, json)?;
    let t = vm.string(text);
    vm.call(parse, json, &[t])
}
