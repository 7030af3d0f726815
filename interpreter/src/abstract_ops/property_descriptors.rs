//! 6.2.6 The Property Descriptor Specification Type: ToPropertyDescriptor and
//! FromPropertyDescriptor, shared by `Object`, `Reflect` and the proxy traps. The `Descriptor`
//! record itself is in `property.rs`.

use crate::object::{PropertyKey, attrs};
use crate::property::Descriptor;
use crate::value::Value;
use crate::vm::{JsResult, Vm};

/// 6.2.6.5 ToPropertyDescriptor
pub fn to_property_descriptor(vm: &mut Vm, v: Value) -> JsResult<Descriptor> {
    let Some(o) = v.as_object() else {
        return Err(vm.type_error("Property description must be an object"));
    };
    let mut d = Descriptor::default();
    let fields = [
        vm.agent.names.enumerable,
        vm.agent.names.configurable,
        vm.agent.names.value,
        vm.agent.names.writable,
        vm.agent.names.get,
        vm.agent.names.set,
    ];
    for (i, name) in fields.into_iter().enumerate() {
        let key = PropertyKey::String(name);
        if vm.has_property(o, key)? {
            let x = vm.get(o, key, v)?;
            match i {
                0 => d.enumerable = Some(vm.to_boolean(x)),
                1 => d.configurable = Some(vm.to_boolean(x)),
                2 => d.value = Some(x),
                3 => d.writable = Some(vm.to_boolean(x)),
                4 => {
                    if !x.is_undefined() && !vm.is_callable(x) {
                        return Err(vm.type_error("Getter must be a function"));
                    }
                    d.get = Some(x);
                }
                _ => {
                    if !x.is_undefined() && !vm.is_callable(x) {
                        return Err(vm.type_error("Setter must be a function"));
                    }
                    d.set = Some(x);
                }
            }
        }
    }
    if d.is_accessor() && d.is_data() {
        return Err(vm.type_error(
            "Invalid property descriptor. Cannot both specify accessors and a value or writable attribute",
        ));
    }
    Ok(d)
}

/// 6.2.6.4 FromPropertyDescriptor
pub fn from_property_descriptor(vm: &mut Vm, d: Option<Descriptor>) -> Value {
    let Some(d) = d else {
        return Value::UNDEFINED;
    };
    let o = vm.new_object();
    let n = [
        (vm.agent.names.value, d.value),
        (vm.agent.names.writable, d.writable.map(Value::boolean)),
        (vm.agent.names.get, d.get),
        (vm.agent.names.set, d.set),
        (vm.agent.names.enumerable, d.enumerable.map(Value::boolean)),
        (
            vm.agent.names.configurable,
            d.configurable.map(Value::boolean),
        ),
    ];
    for (name, v) in n {
        if let Some(v) = v {
            vm.define_data(o, PropertyKey::String(name), v, attrs::DEFAULT);
        }
    }
    o.value()
}
