//! Operations on objects that the loop and the built-ins share: PutValue for a property
//! reference, GetMethod, CopyDataProperties, and the check that an iterator result is an
//! object.

use crate::heap::ObjRef;
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
