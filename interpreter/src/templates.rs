//! Tagged templates: the frozen template object of each template literal (GetTemplateObject),
//! made once and kept on the loaded script.

use crate::loaded_script::LoadedScript;
use crate::object::PropertyKey;
use crate::value::Value;
use crate::vm::Vm;
use kiln_compiler::code::ArchivedConstant;
use std::rc::Rc;

impl Vm {
    pub(crate) fn template_object(
        &mut self,
        script: &Rc<LoadedScript>,
        function: u32,
        index: u32,
    ) -> Value {
        if let Some(o) = script.templates.borrow().get(&(function, index)) {
            return o.value();
        }
        let (raw, cooked): (Vec<u32>, Vec<Option<u32>>) =
            match &script.code().constants_of(script.function(function))[index as usize] {
                ArchivedConstant::Template { raw, cooked } => (
                    raw.iter().map(|r| r.to_native()).collect(),
                    cooked
                        .iter()
                        .map(|c| c.as_ref().map(|c| c.to_native()))
                        .collect(),
                ),
                _ => (Vec::new(), Vec::new()),
            };
        let raw_values: Vec<Value> = raw.iter().map(|&s| self.script_string(script, s)).collect();
        let cooked_values: Vec<Value> = cooked
            .iter()
            .map(|c| match c {
                Some(s) => self.script_string(script, *s),
                None => Value::UNDEFINED,
            })
            .collect();
        let raw_array = self.new_array(raw_values);
        let template = self.new_array(cooked_values);
        crate::abstract_ops::objects::set_integrity_level(self, raw_array, true).ok();
        let raw_key = PropertyKey::String(self.agent.names.raw);
        self.define_data(template, raw_key, raw_array.value(), 0);
        crate::abstract_ops::objects::set_integrity_level(self, template, true).ok();
        script
            .templates
            .borrow_mut()
            .insert((function, index), template);
        template.value()
    }
}
