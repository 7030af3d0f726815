//! The built-in objects, one module per spec object. Each algorithm follows its spec steps,
//! with the section in a comment.

pub mod abstract_module_source;
pub mod array;
pub mod array_buffer;
pub mod array_from_async;
pub mod atomics;
pub mod console;
pub mod data_view;
pub mod date;
pub mod disposable_stack;
pub mod error;
pub mod function;
pub mod generator;
pub mod global;
pub mod iterator;
pub mod iterator_helpers;
pub mod iterator_zip;
pub mod json;
pub mod map;
pub mod math;
pub mod number;
pub mod object;
pub mod promise;
pub mod proxy;
pub mod reflect;
pub mod regexp;
pub mod regexp_search;
pub mod set;
pub mod shadow_realm;
pub mod string;
pub mod symbol;
pub mod temporal;
pub mod typed_array;
pub mod uint8_base64;
pub mod weak;

use crate::value::Value;
use crate::vm::{JsResult, Vm};

/// The argument at `i`, or undefined.
pub fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).copied().unwrap_or(Value::UNDEFINED)
}

/// The [[Call]] of a constructor that throws when called without `new` (Map, Set, the buffers,
/// typed arrays and the weak collections).
fn requires_new(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Err(vm.type_error("Constructor requires 'new'"))
}

/// Installs every built-in into realm `realm` (the current realm).
pub fn install(vm: &mut Vm, realm: u32) {
    let _ = realm;
    function::init(vm);
    object::init(vm);
    symbol::init(vm);
    error::init(vm);
    iterator::init(vm);
    iterator_helpers::init(vm);
    array::init(vm);
    string::init(vm);
    number::init(vm);
    date::init(vm);
    temporal::init(vm);
    math::init(vm);
    json::init(vm);
    generator::init(vm);
    promise::init(vm);
    reflect::init(vm);
    proxy::init(vm);
    regexp::init(vm);
    map::init(vm);
    set::init(vm);
    weak::init(vm);
    disposable_stack::init(vm);
    array_buffer::init(vm);
    typed_array::init(vm);
    data_view::init(vm);
    atomics::init(vm);
    shadow_realm::init(vm);
    abstract_module_source::init(vm);
    global::init(vm);
    console::init(vm);
}
