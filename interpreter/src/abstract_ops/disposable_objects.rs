//! Operations on disposable objects (explicit resource management, in the ECMA-262 2026 draft:
//! `sec-operations-on-disposable-objects`): GetDisposeMethod, CreateDisposableResource,
//! AddDisposableResource, DisposeResources — shared by the `using` and `await using`
//! declarations (the dispatch loop's `AddDisposableResource` and `DisposeResources`
//! instructions) and the DisposableStack and AsyncDisposableStack built-ins.
//!
//! A DisposeCapability is an object of `ObjectKind::DisposableStack`: a stack's own, or for a
//! scope with `using` declarations one made by [`new_dispose_capability`] that only a register
//! of that scope's frame holds.
//!
//! DisposeResources is written once, as [`dispose_resources_step`]: it runs until the algorithm
//! has to Await and hands the value back, and its caller does the Await — the dispatch loop in
//! the running async function's frame, or a promise reaction for `disposeAsync()`. The
//! algorithm's locals live where they survive the Await: the completion with the caller, the
//! `needsAwait`/`hasAwaited` flags in the capability (a capability is disposed once).
//!
//! DisposeResources takes each resource off the list before calling its disposer: the spec
//! empties the list at the end, and once disposal has begun no code can see the list in between.
//!
//! The draft's section numbers still move, so the headers name sections by their anchors.

use crate::builtins::error::new_suppressed_error;
use crate::builtins::promise::{new_promise, reject_promise, resolve_promise};
use crate::heap::ObjRef;
use crate::object::{Object, ObjectKind, PropertyKey};
use crate::slots::DisposableStackData;
use crate::slots::{AwaitFlags, DisposableResource, Hint};
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};

/// `sec-newdisposecapability` NewDisposeCapability ( ), for a scope's `using` declarations.
pub fn new_dispose_capability(vm: &mut Vm) -> ObjRef {
    vm.alloc(Object::new(
        None,
        ObjectKind::DisposableStack(Box::default()),
    ))
}

/// The slots of `o`, if it holds a DisposeCapability.
pub fn capability_data(vm: &mut Vm, o: ObjRef) -> Option<&mut DisposableStackData> {
    match &mut vm.obj_mut(o).kind {
        ObjectKind::DisposableStack(d) => Some(d),
        _ => None,
    }
}

/// `sec-getdisposemethod` GetDisposeMethod ( V, hint )
pub fn get_dispose_method(vm: &mut Vm, v: Value, hint: Hint) -> JsResult<Value> {
    // 2. Sync: GetMethod(V, @@dispose).
    let dispose = PropertyKey::Symbol(vm.agent.symbols.dispose);
    if hint == Hint::SyncDispose {
        return vm.get_method(v, dispose);
    }
    // 1.a. Async: GetMethod(V, @@asyncDispose) ...
    let key = PropertyKey::Symbol(vm.agent.symbols.async_dispose);
    let method = vm.get_method(v, key)?;
    if !method.is_undefined() {
        return Ok(method);
    }
    // 1.b. ... else @@dispose, wrapped so that its result is not awaited and what it throws
    // becomes a rejection.
    let method = vm.get_method(v, dispose)?;
    if method.is_undefined() {
        return Ok(method);
    }
    Ok(vm
        .native_closure("", 0, async_from_sync_dispose, vec![method])
        .value())
}

/// The closure of GetDisposeMethod step 1.b.ii.1, called with the resource as `this`.
fn async_from_sync_dispose(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let method = vm.native_data().first().copied().unwrap_or_default();
    // b. NewPromiseCapability(%Promise%).
    let promise = new_promise(vm).value();
    vm.root(promise);
    // c-d. Call(method, O); IfAbruptRejectPromise.
    match vm.call(method, this, &[]) {
        // e. Resolve with undefined, whatever the method returned.
        Ok(_) => resolve_promise(vm, promise, Value::UNDEFINED)?,
        Err(JsError::Throw(e)) => reject_promise(vm, promise, e),
        Err(e) => return Err(e),
    }
    // f.
    Ok(promise)
}

/// `sec-createdisposableresource` CreateDisposableResource ( V, hint [ , method ] )
pub fn create_disposable_resource(
    vm: &mut Vm,
    v: Value,
    hint: Hint,
    method: Option<Value>,
) -> JsResult<DisposableResource> {
    let method = match method {
        // 1. No method given: the resource's own.
        None => {
            // a. null or undefined: nothing to call.
            if v.is_nullish() {
                return Ok(DisposableResource {
                    value: Value::UNDEFINED,
                    hint,
                    method: Value::UNDEFINED,
                });
            }
            // b.i.
            if !v.is_object() {
                let d = vm.describe(v);
                return Err(vm.type_error(&format!(
                    "The resource {d} cannot be disposed: it is not an object, null or undefined"
                )));
            }
            // b.ii-iii.
            let method = get_dispose_method(vm, v, hint)?;
            if method.is_undefined() {
                let wanted = match hint {
                    Hint::SyncDispose => "[Symbol.dispose]",
                    Hint::AsyncDispose => "[Symbol.asyncDispose] or [Symbol.dispose]",
                };
                return Err(vm.type_error(&format!(
                    "The resource cannot be disposed: it has no {wanted} method"
                )));
            }
            method
        }
        // 2.a.
        Some(method) => {
            if !vm.is_callable(method) {
                let d = vm.describe(method);
                return Err(vm.type_error(&format!("The disposer {d} is not a function")));
            }
            method
        }
    };
    // 3.
    Ok(DisposableResource {
        value: v,
        hint,
        method,
    })
}

/// `sec-adddisposableresource` AddDisposableResource ( disposeCapability, V, hint [ , method ] ),
/// with `capability`'s.
pub fn add_disposable_resource(
    vm: &mut Vm,
    capability: ObjRef,
    v: Value,
    hint: Hint,
    method: Option<Value>,
) -> JsResult<()> {
    let resource = match method {
        None => {
            // 1.a. A null or undefined sync resource is not recorded ...
            if v.is_nullish() && hint == Hint::SyncDispose {
                return Ok(());
            }
            // ... an async one is: its disposal awaits once (DisposeResources step 4).
            // 1.c.
            create_disposable_resource(vm, v, hint, None)?
        }
        // 2.
        Some(method) => create_disposable_resource(vm, Value::UNDEFINED, hint, Some(method))?,
    };
    // 3. Appended to the capability the caller read before the getters ran: if one of them
    // moved it to another stack (a stack is moved at most once), it is that stack's now.
    let mut holder = capability;
    while let Some(next) = capability_data(vm, holder).and_then(|d| d.moved_to) {
        holder = next;
    }
    if let Some(d) = capability_data(vm, holder) {
        d.resources.push(resource);
    }
    Ok(())
}

/// DisposeResources step 3.e.iii: `error`, thrown by a disposer, joins the completion so far
/// (`None`: normal): a SuppressedError whose `error` is the new one and `suppressed` the old,
/// or `error` itself.
pub fn join_dispose_error(vm: &mut Vm, completion: Option<Value>, error: Value) -> Value {
    match completion {
        Some(suppressed) => vm.with_roots(&[error, suppressed], |vm| {
            new_suppressed_error(vm, error, suppressed)
        }),
        None => error,
    }
}

/// Where [`dispose_resources_step`] stopped.
pub enum DisposeStep {
    /// Await this value, then call the step again (a rejection first joins the completion
    /// through [`join_dispose_error`]).
    Await(Value),
    /// Every resource is disposed of; the completion is the caller's `error`.
    Done,
}

/// `sec-disposeresources` DisposeResources ( disposeCapability, completion ), from where it
/// stopped to its next Await or its end. `error` is the completion so far: `None` normal,
/// `Some(e)` a throw of `e`; what the disposers throw joins it. Only a termination is an `Err`.
pub fn dispose_resources_step(
    vm: &mut Vm,
    capability: ObjRef,
    error: &mut Option<Value>,
) -> JsResult<DisposeStep> {
    vm.handle_scope(|vm| {
        vm.root(capability.value());
        if let Some(e) = *error {
            vm.root(e);
        }
        let mut flags =
            capability_data(vm, capability).map_or_else(AwaitFlags::default, |d| d.awaits);
        let step = loop {
            let Some(resource) = capability_data(vm, capability).and_then(|d| d.resources.pop())
            else {
                // 4. Await(undefined) if a null or undefined resource went unawaited (the
                // flag is cleared so that the step after the Await ends).
                if flags.needs_await && !flags.has_awaited {
                    flags.needs_await = false;
                    break DisposeStep::Await(Value::UNDEFINED);
                }
                break DisposeStep::Done;
            };
            // 3.d. A sync-dispose resource after a null or undefined one that nothing awaited
            // since: Await(undefined) first; the resource goes back, to be disposed of after.
            if resource.hint == Hint::SyncDispose && flags.needs_await && !flags.has_awaited {
                if let Some(d) = capability_data(vm, capability) {
                    d.resources.push(resource);
                }
                flags.needs_await = false;
                break DisposeStep::Await(Value::UNDEFINED);
            }
            // 3.f. No method: a null or undefined async-dispose resource.
            if resource.method.is_undefined() {
                flags.needs_await = true;
                continue;
            }
            // 3.e.i. Call(method, value).
            let result = vm.with_roots(&[resource.value, resource.method], |vm| {
                vm.call(resource.method, resource.value, &[])
            });
            match result {
                // 3.e.ii. An async disposer's result is awaited (hasAwaited is set now, as
                // nothing reads it before the Await ends).
                Ok(v) if resource.hint == Hint::AsyncDispose => {
                    flags.has_awaited = true;
                    break DisposeStep::Await(v);
                }
                Ok(_) => {}
                // 3.e.iii.
                Err(JsError::Throw(e)) => {
                    let e = join_dispose_error(vm, *error, e);
                    vm.root(e);
                    *error = Some(e);
                }
                Err(e) => return Err(e),
            }
        };
        if let Some(d) = capability_data(vm, capability) {
            d.awaits = flags;
        }
        Ok(step)
    })
}

/// DisposeResources ( `capability`, `completion` ) for a capability with only sync-dispose
/// resources (a DisposableStack's), where no step awaits. `error` is the completion: `None`
/// normal, `Some(e)` a throw of `e`.
pub fn dispose_resources(
    vm: &mut Vm,
    capability: ObjRef,
    mut error: Option<Value>,
) -> JsResult<()> {
    // Only async-dispose resources make the algorithm await.
    while let DisposeStep::Await(_) = dispose_resources_step(vm, capability, &mut error)? {}
    // 6-7. The list is empty; the completion.
    match error {
        Some(e) => Err(JsError::Throw(e)),
        None => Ok(()),
    }
}
