//! `super`: the object `super.x` looks up from, and `super(...)` calling the parent
//! constructor.

use crate::heap::ObjRef;
use crate::object::ObjectKind;
use crate::value::Value;
use crate::vm::{JsResult, Vm};

impl Vm {
    /// The object `super.x` starts its lookup at: the home object's prototype.
    pub(crate) fn super_base(&mut self, fi: usize) -> JsResult<ObjRef> {
        let callee = self.stack.frames[fi].callee;
        let home = callee.as_object().and_then(|c| match &self.obj(c).kind {
            ObjectKind::Function(cl) => cl.home,
            _ => None,
        });
        let Some(home) = home else {
            return Err(self.syntax_error("'super' keyword unexpected here"));
        };
        match self.get_prototype_of(home)? {
            Some(p) => Ok(p),
            None => Err(self.type_error("Cannot read properties of null (super)")),
        }
    }

    pub(crate) fn super_call(
        &mut self,
        function: Value,
        new_target: Value,
        args: &[Value],
    ) -> JsResult<Value> {
        let f = self.expect_object(function, "the constructor")?;
        let parent = self.get_prototype_of(f)?;
        let parent = parent.map_or(Value::NULL, |p| p.value());
        if !self.is_constructor(parent) {
            return Err(self.type_error("Super constructor is not a constructor"));
        }
        self.construct(parent, args, new_target)
    }
}
