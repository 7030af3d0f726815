//! `using` and `await using` declarations: the instructions that give a scope its
//! DisposeCapability, add each declared resource to it and dispose of them when the scope is
//! left (`abstract_ops/disposable_objects.rs` holds the operations themselves).
//!
//! The scope is compiled as a `finally` block, so disposal sees the scope's completion in the
//! block's two registers: a kind (`code::completion`) and a value. What disposal throws joins
//! that completion — the kind becomes a throw — and the code after the block carries on with
//! it, exactly as after a `finally` block.

use crate::abstract_ops::disposable_objects::{
    DisposeStep, add_disposable_resource, capability_data, dispose_resources_step,
    join_dispose_error,
};
use crate::heap::ObjRef;
use crate::slots::Hint;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use kiln_compiler::code::completion;

/// A completion held in a `finally` block's registers.
pub(crate) struct FinallyCompletion {
    pub kind: Value,
    pub value: Value,
}

impl FinallyCompletion {
    /// The thrown value, if the completion is a throw.
    fn thrown(&self) -> Option<Value> {
        (self.kind.as_int32() == Some(completion::THROW)).then_some(self.value)
    }

    /// A throw of `error`.
    fn throw(error: Value) -> FinallyCompletion {
        FinallyCompletion {
            kind: Value::int32(completion::THROW),
            value: error,
        }
    }
}

impl Vm {
    /// The DisposeCapability in a register, or the error of a forged cache file.
    fn capability(&mut self, v: Value) -> JsResult<ObjRef> {
        match v.as_object() {
            Some(o) if capability_data(self, o).is_some() => Ok(o),
            _ => Err(self.invalid_bytecode("a DisposeCapability expected")),
        }
    }

    /// The `AddDisposableResource` instruction: `hint` 0 for `using`, 1 for `await using`.
    pub(crate) fn add_declared_resource(
        &mut self,
        capability: Value,
        value: Value,
        hint: u32,
    ) -> JsResult<()> {
        let capability = self.capability(capability)?;
        let hint = if hint == 0 {
            Hint::SyncDispose
        } else {
            Hint::AsyncDispose
        };
        add_disposable_resource(self, capability, value, hint, None)
    }

    /// The `DisposeResources` instruction: DisposeResources up to its next Await. Returns the
    /// completion if it is now a throw (a disposer's error joined it), and where the algorithm
    /// stopped.
    pub(crate) fn dispose_declared_resources(
        &mut self,
        capability: Value,
        completion: FinallyCompletion,
    ) -> JsResult<(Option<FinallyCompletion>, DisposeStep)> {
        let capability = self.capability(capability)?;
        let mut error = completion.thrown();
        let step = dispose_resources_step(self, capability, &mut error)?;
        Ok((error.map(FinallyCompletion::throw), step))
    }

    /// The `JoinDisposeError` instruction: the completion after a disposer's `error`.
    pub(crate) fn join_declared_dispose_error(
        &mut self,
        completion: FinallyCompletion,
        error: Value,
    ) -> FinallyCompletion {
        FinallyCompletion::throw(join_dispose_error(self, completion.thrown(), error))
    }
}
