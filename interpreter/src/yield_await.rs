//! `yield` and `await`: suspending a generator's or async function's frame, and what the
//! suspension hands to the code that resumed it.

use crate::call::Completion;
use crate::object::{GeneratorState, ObjectKind};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

impl Vm {
    pub(crate) fn yield_frame(
        &mut self,
        dst: u32,
        mode: u32,
        value: Value,
        raw: bool,
    ) -> JsResult<Completion> {
        if self
            .stack
            .frames
            .last()
            .is_none_or(|f| f.generator().is_none())
        {
            return Err(self.invalid_bytecode("a yield outside a generator"));
        }
        let resume_mode = if raw {
            mode | crate::call::DELEGATING_YIELD
        } else {
            mode
        };
        let (holder, return_to, _) = self.suspend_frame(dst, resume_mode);
        let (started, is_async) = match &mut self.obj_mut(holder).kind {
            ObjectKind::Generator(g) => {
                let started = g.started;
                g.started = true;
                g.state = if started {
                    GeneratorState::SuspendedYield
                } else {
                    GeneratorState::SuspendedStart
                };
                (started, g.is_async)
            }
            _ => (true, false),
        };
        let result = if !started {
            holder.value()
        } else if is_async {
            crate::builtins::generator::async_generator_yield(self, holder, value)?;
            Value::UNDEFINED
        } else if raw {
            value
        } else {
            crate::abstract_ops::iterators::create_iter_result_object(self, value, false)
        };
        Ok(self.hand_back(return_to, result))
    }

    pub(crate) fn await_frame(&mut self, dst: u32, value: Value) -> JsResult<Completion> {
        let promise = crate::builtins::promise::promise_resolve_intrinsic(self, value)?;
        if self
            .stack
            .frames
            .last()
            .is_none_or(|f| f.generator().is_none())
        {
            return Err(self.invalid_bytecode("an await outside an async function"));
        }
        let (holder, return_to, async_promise) = self.suspend_frame(dst, u32::MAX);
        crate::builtins::promise::await_promise(self, promise, holder);
        let result = async_promise.unwrap_or(Value::UNDEFINED);
        Ok(self.hand_back(return_to, result))
    }
}
