//! A loaded script's string table and constant pool as runtime values: atoms interned on first
//! use and kept on the script, constants (numbers, strings, BigInts) made once per function and
//! index; and atoms as property keys.

use crate::loaded_script::LoadedScript;
use crate::object::PropertyKey;
use crate::string::Atom;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use kiln_compiler::code::ArchivedConstant;
use std::rc::Rc;

impl Vm {
    pub fn script_atom(&mut self, script: &LoadedScript, index: u32) -> Atom {
        if let Some(Some(a)) = script.atoms.borrow().get(index as usize) {
            return *a;
        }
        let units: Vec<u16> = match &script.code().strings[index as usize] {
            kiln_compiler::code::ArchivedCodeString::Latin1(b) => {
                b.iter().map(|&b| u16::from(b)).collect()
            }
            kiln_compiler::code::ArchivedCodeString::Utf16(u) => {
                u.iter().map(|u| u.to_native()).collect()
            }
        };
        let atom = self.intern_units(&units);
        if let Some(slot) = script.atoms.borrow_mut().get_mut(index as usize) {
            *slot = Some(atom);
        }
        atom
    }

    pub fn script_string(&mut self, script: &LoadedScript, index: u32) -> Value {
        let atom = self.script_atom(script, index);
        self.atom_value(atom)
    }

    pub fn atom_to_key(&self, atom: Atom) -> PropertyKey {
        match crate::string::array_index(self.agent.atoms.units(atom)) {
            Some(i) => PropertyKey::Index(i),
            None => PropertyKey::String(atom),
        }
    }

    pub(crate) fn constant(
        &mut self,
        script: &Rc<LoadedScript>,
        function: u32,
        index: u32,
    ) -> JsResult<Value> {
        if let Some(&v) = script.constant_strings.borrow().get(&(function, index)) {
            return Ok(v);
        }
        let f = script.function(function);
        let Some(c) = script.code().constants_of(f).get(index as usize) else {
            return Err(self.type_error("invalid constant index"));
        };
        let v = match c {
            ArchivedConstant::Number(n) => return Ok(Value::number(n.to_native())),
            ArchivedConstant::String(s) => self.script_string(script, s.to_native()),
            ArchivedConstant::BigInt(digits) => {
                let b =
                    kiln_compiler::keys::parse_bigint_literal(digits.as_str()).unwrap_or_default();
                self.new_bigint(b)
            }
            ArchivedConstant::Template { .. } => Value::UNDEFINED,
        };
        script
            .constant_strings
            .borrow_mut()
            .insert((function, index), v);
        Ok(v)
    }
}
