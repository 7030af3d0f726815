//! Direct `eval`: the eval code compiled for what its caller allows, then run in the caller's
//! environment, `this` and `new.target`.

use crate::object::ObjectKind;
use crate::stack::ReturnTo;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use kiln_compiler::code::flags;

impl Vm {
    /// What the code calling `eval` allows: `new.target`, `super`, `arguments`.
    fn eval_context(&self, fi: usize, strict: bool) -> kiln_parser::EvalContext {
        let frame = &self.stack.frames[fi];
        let mut context = kiln_parser::EvalContext {
            strict,
            ..Default::default()
        };
        if let Some(c) = frame.callee.as_object()
            && let ObjectKind::Function(closure) = &self.obj(c).kind
        {
            let fl = closure.script.function(closure.function).flags.to_native();
            context.new_target = fl & flags::ARROW == 0 || frame.new_target.is_object();
            context.super_property = closure.home.is_some();
            context.super_call =
                closure.constructor_kind == crate::object::ConstructorKind::Derived;
            context.in_class_field = fl & flags::FIELD_INIT != 0;
        }
        context
    }

    pub(crate) fn direct_eval(&mut self, fi: usize, source: Value) -> JsResult<Value> {
        // The eval code runs in a nested dispatch loop, a level of native recursion.
        self.check_stack()?;
        self.ensure_can_compile_strings()?;
        let strict = self.stack.frames[fi].strict;
        let source = self.to_string(source)?;
        let text = self.source_text(source)?;
        let frame = &self.stack.frames[fi];
        let env = frame.env;
        let this = frame.this;
        let new_target = frame.new_target;
        let callee = frame.callee;
        let context = self.eval_context(fi, strict);
        let script = crate::eval::compile_eval(self, &text, context)?;
        let top = script.code().top_level.to_native();
        self.ensure_verified(&script, top)?;
        let realm = self.stack.realm;
        let code = script.function(top);
        let register_count = code.register_count.to_native() as usize;
        let eval_strict = code.flags.to_native() & flags::STRICT != 0;
        self.reserve_registers(register_count)?;
        let base = self.stack.registers.len();
        self.stack
            .registers
            .resize(base + register_count, Value::UNDEFINED);
        self.push_frame(crate::stack::Frame {
            // SAFETY: the frame's extras own the script (`FrameExtra::top_level`).
            script: unsafe { crate::verified::ScriptRef::new(&script) },
            function: top,
            callee,
            pc: 0,
            base,
            env,
            env_depth: 0,
            this,
            new_target,
            argc: 0,
            return_to: ReturnTo::Native,
            is_construct: false,
            realm,
            strict: eval_strict,
            extra: crate::stack::FrameExtra::top_level(&script, None, None),
        });
        self.run(None)
    }
}
