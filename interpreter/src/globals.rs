//! Global bindings: reads and writes of global names (the realm's global lexical bindings,
//! then the global object) and the declarations of a script's top level: its `var`s, functions
//! and lexical bindings.

use crate::heap::ObjRef;
use crate::object::{Slot, attrs};
use crate::property::Descriptor;
use crate::string::Atom;
use crate::value::Value;
use crate::vm::{JsResult, Vm};

impl Vm {
    pub(crate) fn get_global(&mut self, name: Atom) -> JsResult<Value> {
        let realm = self.stack.realm as usize;
        if let Some(&(v, _)) = self.realms[realm].global_lexicals.get(&name) {
            if v.is_hole() {
                return Err(self.tdz_error(name));
            }
            return Ok(v);
        }
        let g = self.realms[realm].global_object;
        let key = self.atom_to_key(name);
        // Fast path: an own data property of the global object.
        if let Some(p) = self.own_property_raw(g, key)
            && let Slot::Data(v) = p.slot
            && self.proxy_parts(g).is_none()
            && self.realms[realm].sandbox.is_none()
        {
            return Ok(v);
        }
        if self.has_property(g, key)? {
            return self.get(g, key, g.value());
        }
        let n = self.agent.atoms.to_rust(name);
        Err(self.reference_error(&format!("{n} is not defined")))
    }

    pub(crate) fn set_global(&mut self, name: Atom, v: Value, strict: bool) -> JsResult<()> {
        let realm = self.stack.realm as usize;
        if let Some(&(old, constant)) = self.realms[realm].global_lexicals.get(&name) {
            if old.is_hole() {
                return Err(self.tdz_error(name));
            }
            if constant {
                let n = self.agent.atoms.to_rust(name);
                return Err(self.type_error(&format!("Assignment to constant variable '{n}'.")));
            }
            if let Some(entry) = self.realms[realm].global_lexicals.get_mut(&name) {
                entry.0 = v;
            }
            return Ok(());
        }
        let g = self.realms[realm].global_object;
        let key = self.atom_to_key(name);
        if strict && !self.has_property(g, key)? {
            let n = self.agent.atoms.to_rust(name);
            return Err(self.reference_error(&format!("{n} is not defined")));
        }
        let ok = self.set(g, key, v, g.value())?;
        if !ok && strict {
            let n = self.agent.atoms.to_rust(name);
            return Err(self.type_error(&format!("Cannot assign to read only property '{n}'")));
        }
        Ok(())
    }

    /// The global object where `var`/function `name` is to be declared, or the SyntaxError
    /// when a global lexical binding of that name exists.
    pub(crate) fn global_without_lexical(&mut self, name: Atom) -> JsResult<ObjRef> {
        let realm = &self.realms[self.stack.realm as usize];
        if realm.global_lexicals.contains_key(&name) {
            let n = self.agent.atoms.to_rust(name);
            return Err(self.syntax_error(&format!("Identifier '{n}' has already been declared")));
        }
        Ok(realm.global_object)
    }

    pub(crate) fn declare_global_var(&mut self, name: Atom) -> JsResult<()> {
        let g = self.global_without_lexical(name)?;
        let key = self.atom_to_key(name);
        if self.get_own_property(g, key)?.is_none() && self.is_extensible(g)? {
            self.define_property_or_throw(
                g,
                key,
                Descriptor::data(Value::UNDEFINED, true, true, false),
            )?;
        }
        Ok(())
    }

    pub(crate) fn declare_global_function(&mut self, name: Atom, v: Value) -> JsResult<()> {
        let g = self.global_without_lexical(name)?;
        let key = self.atom_to_key(name);
        let existing = self.get_own_property(g, key)?;
        let desc = match existing {
            None => {
                if !self.is_extensible(g)? {
                    let n = self.agent.atoms.to_rust(name);
                    return Err(self.type_error(&format!("Cannot declare global function '{n}'")));
                }
                Descriptor::data(v, true, true, false)
            }
            Some(p) if p.attrs & attrs::CONFIGURABLE != 0 => Descriptor::data(v, true, true, false),
            Some(p) => {
                if p.is_accessor()
                    || p.attrs & (attrs::WRITABLE | attrs::ENUMERABLE)
                        != (attrs::WRITABLE | attrs::ENUMERABLE)
                {
                    let n = self.agent.atoms.to_rust(name);
                    return Err(self.type_error(&format!("Cannot redefine global function '{n}'")));
                }
                Descriptor {
                    value: Some(v),
                    ..Default::default()
                }
            }
        };
        self.define_property_or_throw(g, key, desc)?;
        self.set(g, key, v, g.value())?;
        Ok(())
    }

    pub(crate) fn declare_global_lexical(&mut self, name: Atom, constant: bool) -> JsResult<()> {
        let realm = self.stack.realm as usize;
        let g = self.realms[realm].global_object;
        let key = self.atom_to_key(name);
        let restricted = self
            .get_own_property(g, key)?
            .is_some_and(|p| p.attrs & attrs::CONFIGURABLE == 0);
        if self.realms[realm].global_lexicals.contains_key(&name) || restricted {
            let n = self.agent.atoms.to_rust(name);
            return Err(self.syntax_error(&format!("Identifier '{n}' has already been declared")));
        }
        self.realms[realm]
            .global_lexicals
            .insert(name, (Value::HOLE, constant));
        Ok(())
    }
}
