//! Private names (`#x`): reading, writing and defining an object's private elements.

use crate::heap::ObjRef;
use crate::object::{ObjectKind, PrivateElement};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

impl Vm {
    /// `v` as a private name, where the compiler guarantees one.
    pub(crate) fn expect_private_name(&mut self, v: Value) -> JsResult<crate::heap::SymRef> {
        match v.as_symbol() {
            Some(s) => Ok(s),
            None => Err(self.invalid_bytecode("expected a private name")),
        }
    }

    fn private_entry(&mut self, o: Value, name: Value) -> JsResult<(ObjRef, usize)> {
        let sym = self.expect_private_name(name)?;
        let Some(obj) = o.as_object() else {
            return Err(self.type_error("Cannot read private member from a non-object"));
        };
        match self.obj(obj).private.iter().position(|(s, _)| *s == sym) {
            Some(i) => Ok((obj, i)),
            None => {
                let d = self.agent.heap.symbols.get(sym.0).description;
                let n = d
                    .as_string()
                    .map(|s| self.rust_string(s))
                    .unwrap_or_default();
                Err(self.type_error(&format!(
                    "Cannot read private member {n} from an object whose class did not declare it"
                )))
            }
        }
    }

    pub(crate) fn private_get(&mut self, o: Value, name: Value) -> JsResult<Value> {
        let (obj, i) = self.private_entry(o, name)?;
        match self.obj(obj).private[i].1 {
            PrivateElement::Field(v) | PrivateElement::Method(v) => Ok(v),
            PrivateElement::Accessor { get, .. } => {
                if get.is_undefined() {
                    return Err(self.type_error("'#x' was defined without a getter"));
                }
                self.call(get, o, &[])
            }
        }
    }

    pub(crate) fn private_set(&mut self, o: Value, name: Value, v: Value) -> JsResult<()> {
        let (obj, i) = self.private_entry(o, name)?;
        match self.obj(obj).private[i].1 {
            PrivateElement::Field(_) => {
                self.obj_mut(obj).private[i].1 = PrivateElement::Field(v);
                Ok(())
            }
            PrivateElement::Method(_) => Err(self.type_error("Private method is not writable")),
            PrivateElement::Accessor { set, .. } => {
                if set.is_undefined() {
                    return Err(self.type_error("'#x' was defined without a setter"));
                }
                self.call(set, o, &[v])?;
                Ok(())
            }
        }
    }

    pub(crate) fn private_define(&mut self, o: Value, name: Value, v: Value) -> JsResult<()> {
        let sym = self.expect_private_name(name)?;
        let Some(obj) = o.as_object() else {
            return Err(self.type_error("Cannot define a private member on a non-object"));
        };
        if self.obj(obj).private.iter().any(|(s, _)| *s == sym) {
            return Err(
                self.type_error("Cannot initialize private members twice on the same object")
            );
        }
        // PrivateFieldAdd and PrivateMethodOrAccessorAdd step 1 (the nonextensible-applies-to-
        // private proposal): a non-extensible object gets no private element.
        if !self.obj(obj).extensible {
            return Err(
                self.type_error("Cannot define a private member on a non-extensible object")
            );
        }
        let element = match self.agent.heap.symbols.get(sym.0).private.as_deref() {
            Some(p) if p.method.is_some() => PrivateElement::Method(p.method.unwrap_or_default()),
            Some(p) if p.getter.is_some() || p.setter.is_some() => PrivateElement::Accessor {
                get: p.getter.unwrap_or(Value::UNDEFINED),
                set: p.setter.unwrap_or(Value::UNDEFINED),
            },
            _ => PrivateElement::Field(v),
        };
        if matches!(self.obj(obj).kind, ObjectKind::Proxy { .. }) {
            // Proxies get private fields like any object (the proxy itself, not its target).
        }
        self.obj_mut(obj).private.push(sym, element);
        Ok(())
    }
}
