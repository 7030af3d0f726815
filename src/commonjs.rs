//! The little of Node's script environment the `kiln` command line gives a script (not a
//! module): `require` for host modules (`require('node:vm')`, `require('vm')`), `module` and
//! `exports`, `__filename` and `__dirname`, and `process` with `env`, `argv`, `platform` and
//! `cwd()`. They are globals of the main realm, not a per-file function scope as in Node.
//! `require` of files is not supported: it throws `MODULE_NOT_FOUND`.

use kiln_interpreter::object::attrs;
use kiln_interpreter::{JsError, JsResult, Value, Vm};

/// Defines the globals for running `filename` as a script.
pub fn install(vm: &mut Vm, filename: &str, argv: &[String]) {
    let require = vm.native_function("require", 1, require, None);
    vm.define_global("require", require.value());

    let module = vm.new_object();
    let exports = vm.new_object();
    let ek = vm.key("exports");
    vm.define_data(module, ek, exports.value(), attrs::DEFAULT);
    vm.define_global("module", module.value());
    vm.define_global("exports", exports.value());
    let f = vm.string(filename);
    vm.define_global("__filename", f);
    let dir = std::path::Path::new(filename)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let d = vm.string(&dir);
    vm.define_global("__dirname", d);

    let process = vm.new_object();
    let env = vm.new_object();
    for (k, v) in std::env::vars() {
        let key = vm.key(&k);
        let value = vm.string(&v);
        vm.define_data(env, key, value, attrs::DEFAULT);
    }
    let args: Vec<Value> = argv.iter().map(|a| vm.string(a)).collect();
    let argv = vm.new_array(args);
    let platform = vm.string(std::env::consts::OS);
    for (name, value) in [
        ("env", env.value()),
        ("argv", argv.value()),
        ("platform", platform),
    ] {
        let key = vm.key(name);
        vm.define_data(process, key, value, attrs::DEFAULT);
    }
    vm.define_method(process, "cwd", 0, cwd);
    vm.define_global("process", process.value());
}

fn cwd(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let dir = std::env::current_dir()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    Ok(vm.string(&dir))
}

/// `require(id)`: a host module's default export.
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
    let e = vm.make_error("Error", &format!("Cannot find module '{name}'"));
    if let Some(o) = e.as_object() {
        let key = vm.key("code");
        let code = vm.string("MODULE_NOT_FOUND");
        vm.define_data(o, key, code, attrs::HIDDEN | attrs::ENUMERABLE);
    }
    Err(JsError::Throw(e))
}
