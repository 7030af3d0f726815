//! %AbstractModuleSource% (the source phase imports proposal, 28.3 "Module Source Objects"):
//! the abstract class of module source objects. It is no global; hosts reach it through the
//! realm's constructors (test262's `$262.AbstractModuleSource`).
//!
//! Only a module record with a \[\[ModuleSource\]\] makes such objects (a WebAssembly module's
//! `WebAssembly.Module`); kiln loads none, so no object has a \[\[ModuleSourceClassName\]\] and
//! `import source` / `import.source()` end in GetModuleSource's SyntaxError (`module.rs`).

use crate::heap::ObjRef;
use crate::object::{Property, PropertyKey, Slot, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    // 28.3.2 Properties of the %AbstractModuleSource% Intrinsic Object
    let proto = vm.new_plain_object(op);
    let ctor = vm.native_function("AbstractModuleSource", 0, call, Some(construct));
    let pk = PropertyKey::String(vm.agent.names.prototype);
    vm.define_data(ctor, pk, proto.value(), 0);
    // 28.3.3.1 %AbstractModuleSource%.prototype.constructor
    let ck = PropertyKey::String(vm.agent.names.constructor);
    vm.define_data(proto, ck, ctor.value(), attrs::HIDDEN);
    // 28.3.3.2 get %AbstractModuleSource%.prototype [ @@toStringTag ]
    let tag = vm.agent.symbols.to_string_tag;
    let getter = vm.native_function("get [Symbol.toStringTag]", 0, to_string_tag, None);
    vm.define_own_property_raw(
        proto,
        PropertyKey::Symbol(tag),
        Property {
            slot: Slot::Accessor {
                get: getter.value(),
                set: Value::UNDEFINED,
            },
            attrs: attrs::CONFIGURABLE | attrs::ACCESSOR,
        },
    );
    let realm = vm.stack.realm as usize;
    vm.realms[realm]
        .constructors
        .insert("AbstractModuleSource", ctor);
}

/// 28.3.1.1 %AbstractModuleSource% ( ): 1. Throw a TypeError exception.
fn call(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Err(vm.type_error("AbstractModuleSource is an abstract class"))
}

/// 28.3.1.1 %AbstractModuleSource% ( ), as a constructor: the same TypeError.
fn construct(vm: &mut Vm, _: &[Value], _: ObjRef) -> JsResult<Value> {
    Err(vm.type_error("AbstractModuleSource is an abstract class"))
}

/// 28.3.3.2 get %AbstractModuleSource%.prototype [ @@toStringTag ]
fn to_string_tag(_: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    // 2. If O is not an Object, return undefined.
    if this.as_object().is_none() {
        return Ok(Value::UNDEFINED);
    }
    // 3. If O does not have a [[ModuleSourceClassName]] internal slot, return undefined: no
    // object kiln makes has one (see the file's doc).
    Ok(Value::UNDEFINED)
}
