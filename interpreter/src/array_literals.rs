//! Arrays the compiler builds: array literals filled element by element, and the argument
//! lists of spread calls read back out.

use crate::heap::ObjRef;
use crate::object::{PropertyKey, Slot, attrs};
use crate::value::Value;
use crate::vm::Vm;

impl Vm {
    pub(crate) fn array_literal_push(&mut self, a: ObjRef, v: Value) {
        let object = self.obj_mut(a);
        let index = object.length;
        if let crate::object::Elements::Dense(elems) = &mut object.elements
            && elems.len() == index as usize
        {
            let before = elems.capacity();
            elems.push(v);
            let grown = (elems.capacity() - before) * size_of::<Value>();
            object.length += 1;
            self.agent.heap.note_growth(grown);
            return;
        }
        self.define_own_property_raw(
            a,
            PropertyKey::Index(index),
            crate::object::Property::data(v, attrs::DEFAULT),
        );
    }

    /// The values of an array built by the compiler (spread arguments).
    pub(crate) fn array_values(&self, v: Value) -> Vec<Value> {
        let Some(o) = v.as_object() else {
            return Vec::new();
        };
        let object = self.obj(o);
        match &object.elements {
            crate::object::Elements::Dense(e) => e
                .iter()
                .map(|&x| if x.is_hole() { Value::UNDEFINED } else { x })
                .collect(),
            crate::object::Elements::Sparse(m) => (0..object.length)
                .map(|i| match m.get(&i).map(|p| p.slot) {
                    Some(Slot::Data(x)) => x,
                    _ => Value::UNDEFINED,
                })
                .collect(),
        }
    }
}
