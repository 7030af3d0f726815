//! ES modules. The module map and the host hooks live here; linking and evaluation of Cyclic
//! Module Records are not built yet (see the compiler and interpreter issue's notes), so
//! `import()` rejects and module code runs only when it has no imports or exports.

use crate::heap::Traced;
use crate::value::Value;
use crate::vm::{JsResult, LoadedScript, Vm};

#[derive(Default)]
pub struct ModuleMap {
    pub records: Vec<Value>,
}

impl ModuleMap {
    pub fn trace(&self, out: &mut Vec<Traced>) {
        out.extend(self.records.iter().map(|&v| Traced::Value(v)));
    }
}

/// `import.meta`: one object per module.
pub fn import_meta(vm: &mut Vm, script: &LoadedScript) -> JsResult<Value> {
    if let Some(m) = *script.module.borrow() {
        return Ok(m.value());
    }
    let o = vm.new_object_with_proto(None);
    let url = vm.string(&format!("file://{}", script.name));
    let key = vm.key("url");
    vm.define_data(o, key, url, crate::object::attrs::DEFAULT);
    *script.module.borrow_mut() = Some(o);
    Ok(o.value())
}

/// `import(specifier)`: a promise; rejected until module loading lands.
pub fn dynamic_import(
    vm: &mut Vm,
    _script: &LoadedScript,
    specifier: Value,
    _options: Value,
) -> Value {
    let text = match vm.to_rust_string(specifier) {
        Ok(t) => t,
        Err(crate::vm::JsError::Throw(e)) => return crate::builtins::promise::rejected(vm, e),
        Err(_) => String::new(),
    };
    let e = vm.make_error(
        "TypeError",
        &format!("Cannot import '{text}': module loading is not implemented yet"),
    );
    crate::builtins::promise::rejected(vm, e)
}
