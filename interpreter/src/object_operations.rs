//! Operations on objects that the loop and the built-ins share: PutValue for a property
//! reference, GetMethod, CopyDataProperties, the check that an iterator result is an object, and
//! the loop's keyed read past its dense-element fast path.

use crate::heap::ObjRef;
use crate::inline_cache::exotic_for_ic;
use crate::object::{PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

impl Vm {
    /// PutValue for a property reference.
    pub fn put_value(
        &mut self,
        base: Value,
        key: PropertyKey,
        v: Value,
        strict: bool,
    ) -> JsResult<()> {
        let ok = match base.as_object() {
            Some(o) => self.set(o, key, v, base)?,
            None => {
                if base.is_nullish() {
                    let k = self.key_text(key);
                    let what = if base.is_null() { "null" } else { "undefined" };
                    return Err(self
                        .type_error(&format!("Cannot set properties of {what} (setting '{k}')")));
                }
                let proto = self.prototype_for_primitive(base)?;
                self.set(proto, key, v, base)?
            }
        };
        if !ok && strict {
            let k = self.key_text(key);
            return Err(self.type_error(&format!(
                "Cannot assign to read only property '{k}' of object"
            )));
        }
        Ok(())
    }

    pub fn require_object(&mut self, v: Value) -> JsResult<ObjRef> {
        match v.as_object() {
            Some(o) => Ok(o),
            None => {
                let d = self.describe(v);
                Err(self.type_error(&format!("Iterator result {d} is not an object")))
            }
        }
    }

    /// 7.3.11 GetMethod
    pub fn get_method(&mut self, v: Value, key: PropertyKey) -> JsResult<Value> {
        let f = self.get_v(v, key)?;
        if f.is_nullish() {
            return Ok(Value::UNDEFINED);
        }
        if !self.is_callable(f) {
            let k = self.key_text(key);
            return Err(self.type_error(&format!("{k} is not a function")));
        }
        Ok(f)
    }

    /// 7.3.25 CopyDataProperties
    pub fn copy_data_properties(
        &mut self,
        target: ObjRef,
        source: Value,
        excluded: &[PropertyKey],
    ) -> JsResult<()> {
        if source.is_nullish() {
            return Ok(());
        }
        let from = self.to_object(source)?;
        self.with_roots(&[from.value(), target.value()], |vm| {
            let keys = vm.own_property_keys(from)?;
            // Getters and traps run between the keys' uses.
            vm.root_keys(&keys);
            vm.root_keys(excluded);
            for key in keys {
                if excluded.contains(&key) {
                    continue;
                }
                if let Some(p) = vm.get_own_property(from, key)?
                    && p.attrs & attrs::ENUMERABLE != 0
                {
                    let v = vm.get(from, key, from.value())?;
                    vm.create_data_property_or_throw(target, key, v)?;
                }
            }
            Ok(())
        })
    }
}

/// How many prototypes [`Vm::element_absent_on_chain`] looks through before it leaves the
/// question to the generic [[Get]].
const ELEMENT_MISS_DEPTH: usize = 16;

impl Vm {
    /// Whether index `i` is absent from `o` and all its prototypes, each an object whose
    /// elements are all its indexed properties (not exotic for the IC, so no proxy, typed
    /// array, string wrapper, arguments object, namespace or sandboxed global): then [[Get]]
    /// of `i` is `undefined` with no code run. `false` when unsure.
    pub(crate) fn element_absent_on_chain(&self, o: ObjRef, i: u32) -> bool {
        let mut current = Some(o);
        for _ in 0..ELEMENT_MISS_DEPTH {
            let Some(c) = current else {
                return true;
            };
            let object = self.obj(c);
            if exotic_for_ic(&object.kind) {
                return false;
            }
            let present = match &object.elements {
                crate::object::Elements::Dense(v) => {
                    v.get(i as usize).is_some_and(|x| !x.is_hole())
                }
                crate::object::Elements::Sparse(m) => m.contains_key(&i),
            };
            if present {
                return false;
            }
            current = object.proto;
        }
        false
    }

    /// `GetKeyed` past its dense-element fast path: out of the loop, which keeps the loop's
    /// code small.
    #[inline(never)]
    pub(crate) fn get_keyed_slow(&mut self, o: Value, k: Value) -> JsResult<Value> {
        // A read past the end or of a hole, with no element there on the prototypes either:
        // `undefined` without the generic [[Get]] walk.
        if let (Some(obj), Some(i)) = (o.as_object(), k.as_int32())
            && i >= 0
            && self.element_absent_on_chain(obj, i as u32)
        {
            return Ok(Value::UNDEFINED);
        }
        if o.is_nullish() {
            let what = if o.is_null() { "null" } else { "undefined" };
            let k = self.to_property_key(k)?;
            let k = self.key_text(k);
            return Err(
                self.type_error(&format!("Cannot read properties of {what} (reading '{k}')"))
            );
        }
        let key = self.to_property_key(k)?;
        self.get_v(o, key)
    }
}
