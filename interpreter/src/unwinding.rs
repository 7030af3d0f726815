//! Exceptions: where one started (for uncaught-error reports) and the unwinding of frames to the
//! nearest handler in the handler tables, which async functions and generators end on.

use crate::object::{GeneratorState, ObjectKind};
use crate::stack::ReturnTo;
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};

impl Vm {
    /// Records where an exception started, for uncaught-error reports.
    pub(crate) fn note_origin(&mut self, e: &JsError) {
        if let JsError::Throw(v) = e
            && self.stack.origin_value != Some(*v)
            && let Some(frame) = self.stack.frames.last()
        {
            let offset = frame
                .script()
                .position_of(frame.function, frame.pc.saturating_sub(1));
            self.stack.exception_origin = Some((frame.script.to_rc(), offset));
            self.stack.origin_value = Some(*v);
        }
    }

    /// Unwinds to the nearest handler. `Ok(None)`: continue in the frame that catches;
    /// `Ok(Some(v))`: an async function turned the exception into a rejection and returned to
    /// native code; `Err`: no handler before native code.
    pub(crate) fn unwind(&mut self, mut error: JsError) -> JsResult<Option<Value>> {
        loop {
            let Some(frame) = self.stack.frames.last() else {
                return Err(error);
            };
            if let JsError::Throw(value) = error {
                let script = frame.script();
                let f = script.function(frame.function);
                let pc = frame.pc.saturating_sub(1) as u32;
                let handler = script
                    .code()
                    .handlers_of(f)
                    .iter()
                    .find(|h| h.start.to_native() <= pc && pc < h.end.to_native())
                    .map(|h| (h.handler.to_native(), h.env_depth.to_native()));
                if let Some((target, depth)) = handler {
                    let fi = self.stack.frames.len() - 1;
                    while self.stack.frames[fi].env_depth > depth {
                        if let Some(e) = self.stack.frames[fi].env {
                            self.stack.frames[fi].env = self.agent.heap.envs.get(e.0).parent;
                        }
                        self.stack.frames[fi].env_depth -= 1;
                    }
                    self.stack.frames[fi].pc = target as usize;
                    self.stack.thrown = value;
                    // Entering a handler counts like a backward jump: a loop made of throws
                    // (which a forged cache can build) still meets the budget and the collector.
                    if let Err(stop) = self.check_interrupt() {
                        error = stop;
                        continue;
                    }
                    self.safepoint();
                    return Ok(None);
                }
                // An async function rejects its promise instead of throwing.
                if let Some(p) = frame.promise() {
                    let frame = self.pop_frame().expect("a frame");
                    self.stack.registers.truncate(frame.base);
                    crate::builtins::promise::reject_promise(self, p, value);
                    match frame.return_to {
                        ReturnTo::Native => return Ok(Some(p)),
                        ReturnTo::Register(r) => {
                            let caller = self.stack.frames.last().expect("a caller");
                            let at = caller.base + r as usize;
                            self.stack.registers[at] = p;
                            return Ok(None);
                        }
                    }
                }
            }
            let frame = self.pop_frame().expect("a frame");
            self.stack.registers.truncate(frame.base);
            if let Some(g) = frame.generator()
                && let ObjectKind::Generator(state) = &mut self.obj_mut(g).kind
            {
                state.state = GeneratorState::Completed;
                state.saved = None;
                if state.is_async
                    && let JsError::Throw(v) = error
                {
                    crate::builtins::generator::async_generator_complete(self, g, v, true)?;
                    if frame.return_to == ReturnTo::Native {
                        return Ok(Some(Value::UNDEFINED));
                    }
                    continue;
                }
            }
            if frame.return_to == ReturnTo::Native {
                return Err(error);
            }
        }
    }
}
