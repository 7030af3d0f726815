//! Arguments objects: a frame's arguments, and the mapped or unmapped `arguments` object made
//! from them.

use crate::object::{ObjectKind, PropertyKey, Slot, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

impl Vm {
    /// All arguments of frame `fi`.
    pub fn frame_arguments(&self, fi: usize) -> Vec<Value> {
        let frame = &self.stack.frames[fi];
        let f = frame.script().function(frame.function);
        let params = f.parameter_count.to_native() as usize;
        let n = (frame.argc as usize).min(params);
        let mut args = self.stack.registers[frame.base..frame.base + n].to_vec();
        args.extend_from_slice(frame.extra_args());
        args
    }

    pub(crate) fn create_arguments(&mut self, fi: usize, mapped: u32) -> JsResult<Value> {
        let args = self.frame_arguments(fi);
        let realm = self.intrinsics();
        let proto = realm.object_prototype;
        let values_fn = realm.array_values;
        let thrower = realm.throw_type_error;
        let argc = args.len() as u32;
        let env = self.stack.frames[fi].env;
        // `mapped` is the mapped parameter count plus one; 0 means an unmapped object.
        let mapping = if mapped > 1 {
            env.map(|e| (e, (mapped - 1).min(argc)))
        } else {
            None
        };
        let mut object =
            crate::object::Object::new(Some(proto), ObjectKind::Arguments { mapped: mapping });
        object.elements = crate::object::Elements::Dense(args);
        let o = self.alloc(object);
        self.agent.unmapped_arguments.retain(|(obj, _)| *obj != o.0);
        let length = PropertyKey::String(self.agent.names.length);
        self.define_data(o, length, Value::int32(argc as i32), attrs::HIDDEN);
        let iterator = PropertyKey::Symbol(self.agent.symbols.iterator);
        self.define_data(o, iterator, values_fn.value(), attrs::HIDDEN);
        let callee_key = PropertyKey::String(self.agent.names.callee);
        if mapped > 0 {
            let callee = self.stack.frames[fi].callee;
            self.define_data(o, callee_key, callee, attrs::HIDDEN);
        } else {
            self.define_own_property_raw(
                o,
                callee_key,
                crate::object::Property {
                    slot: Slot::Accessor {
                        get: thrower.value(),
                        set: thrower.value(),
                    },
                    attrs: attrs::ACCESSOR,
                },
            );
        }
        Ok(o.value())
    }
}
