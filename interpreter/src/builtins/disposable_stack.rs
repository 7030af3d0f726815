//! DisposableStack and AsyncDisposableStack objects (explicit resource management, in the
//! ECMA-262 2026 draft). The dispose-capability operations they share with the `using`
//! declarations (AddDisposableResource, DisposeResources...) are in
//! `abstract_ops/disposable_objects.rs`.
//!
//! A stack's \[\[DisposableState\]\] (or \[\[AsyncDisposableState\]\]) and \[\[DisposeCapability\]\] live in
//! `ObjectKind::DisposableStack`. `disposeAsync()` drives DisposeResources through its Awaits
//! with promise reactions, as `Array.fromAsync` does.
//!
//! The draft's section numbers still move, so the headers name sections by their anchors.

use super::arg;
use super::promise::{
    new_promise, perform_then, promise_resolve_intrinsic, reject_promise, resolve_promise,
};
use crate::abstract_ops::disposable_objects::{
    DisposeStep, add_disposable_resource, capability_data as data, dispose_resources,
    dispose_resources_step, join_dispose_error,
};
use crate::heap::{ObjRef, Traced};
use crate::object::{HostObject, NativeFn, Object, ObjectKind, PropertyKey, attrs};
use crate::slots::DisposableStackData;
use crate::slots::Hint;
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};
use std::cell::Cell;
use std::rc::Rc;

/// The class name, for messages.
fn class(is_async: bool) -> &'static str {
    if is_async {
        "AsyncDisposableStack"
    } else {
        "DisposableStack"
    }
}

pub fn init(vm: &mut Vm) {
    let dispose_key = PropertyKey::Symbol(vm.agent.symbols.dispose);
    let proto = install(
        vm,
        "DisposableStack",
        construct_sync,
        [
            ("adopt", 2, adopt_sync as NativeFn),
            ("defer", 1, defer_sync),
            ("move", 0, move_sync),
            ("use", 1, use_sync),
            ("dispose", 0, dispose),
        ],
        disposed_sync,
        dispose_key,
    );
    let async_dispose = PropertyKey::Symbol(vm.agent.symbols.async_dispose);
    let async_proto = install(
        vm,
        "AsyncDisposableStack",
        construct_async,
        [
            ("adopt", 2, adopt_async as NativeFn),
            ("defer", 1, defer_async),
            ("move", 0, move_async),
            ("use", 1, use_async),
            ("disposeAsync", 0, dispose_async),
        ],
        disposed_async,
        async_dispose,
    );
    let realm = vm.stack.realm as usize;
    vm.realms[realm].disposable_stack_prototype = proto;
    vm.realms[realm].async_disposable_stack_prototype = async_proto;
}

/// One of the two stack constructors and its prototype: `methods` (the last one the dispose
/// method, which `dispose_key`, @@dispose or @@asyncDispose, names too: the same function
/// object), the `disposed` getter and the toStringTag. Returns the prototype.
fn install(
    vm: &mut Vm,
    name: &'static str,
    construct: crate::object::NativeCtor,
    methods: [(&str, u32, NativeFn); 5],
    disposed: NativeFn,
    dispose_key: PropertyKey,
) -> ObjRef {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    vm.make_constructor(name, 0, super::requires_new, Some(construct), proto);
    let mut dispose_fn = None;
    for (method, len, f) in methods {
        dispose_fn = Some(vm.define_method_now(proto, method, len, f));
    }
    vm.define_getter(proto, "disposed", disposed);
    if let Some(f) = dispose_fn {
        vm.define_data(proto, dispose_key, f.value(), attrs::HIDDEN);
    }
    let tag = PropertyKey::Symbol(vm.agent.symbols.to_string_tag);
    let t = vm.string(name);
    vm.define_data(proto, tag, t, attrs::CONFIGURABLE);
    proto
}

// ---------------------------------------------------------------------------------------------
// DisposeResources with awaits

/// The state of a `disposeAsync()` between its Awaits.
#[derive(Default)]
struct DisposeAsync {
    /// The promise settled with the completion.
    promise: Cell<Value>,
    /// The object holding the [[DisposeCapability]].
    stack: Cell<Value>,
    /// The completion so far: `None` normal, else the thrown value.
    error: Cell<Option<Value>>,
}

impl HostObject for DisposeAsync {
    fn trace(&self, out: &mut Vec<Traced>) {
        out.push(Traced::Value(self.promise.get()));
        out.push(Traced::Value(self.stack.get()));
        if let Some(e) = self.error.get() {
            out.push(Traced::Value(e));
        }
    }
}

/// Runs `f` with the state behind `state` (kept rooted meanwhile).
fn with_state<R>(vm: &mut Vm, state: Value, f: impl FnOnce(&mut Vm, &DisposeAsync) -> R) -> R {
    let data = match state.as_object().map(|o| &vm.obj(o).kind) {
        Some(ObjectKind::HostData(d)) => d.clone(),
        _ => Rc::new(DisposeAsync::default()),
    };
    let fallback = DisposeAsync::default();
    let st = data.downcast::<DisposeAsync>().unwrap_or(&fallback);
    vm.with_roots(&[state], |vm| f(vm, st))
}

/// DisposeResources ( `stack`'s capability, NormalCompletion ) where steps may await: returns a
/// promise that is fulfilled with undefined or rejected with the final completion's error.
fn dispose_resources_async(vm: &mut Vm, stack: ObjRef) -> JsResult<Value> {
    let promise = new_promise(vm);
    let st = DisposeAsync::default();
    st.promise.set(promise.value());
    st.stack.set(stack.value());
    let state = vm
        .alloc(Object::new(None, ObjectKind::HostData(Rc::new(st))))
        .value();
    with_state(vm, state, |vm, st| run(vm, st, state))?;
    Ok(promise.value())
}

/// Runs DisposeResources to its next Await, which continues in a promise reaction, or to its
/// end, which settles the promise. Only a termination is an `Err`.
fn run(vm: &mut Vm, st: &DisposeAsync, state: Value) -> JsResult<()> {
    let Some(stack) = st.stack.get().as_object() else {
        return Ok(());
    };
    loop {
        let mut error = st.error.get();
        let step = dispose_resources_step(vm, stack, &mut error);
        st.error.set(error);
        match step? {
            DisposeStep::Await(v) => match await_value(vm, state, v) {
                Ok(()) => return Ok(()),
                // PromiseResolve threw (a `constructor` getter): a rejection of that Await.
                Err(JsError::Throw(e)) => {
                    let e = join_dispose_error(vm, st.error.get(), e);
                    st.error.set(Some(e));
                }
                Err(e) => return Err(e),
            },
            // 6-7. The completion settles the promise.
            DisposeStep::Done => {
                match st.error.get() {
                    Some(e) => reject_promise(vm, st.promise.get(), e),
                    None => resolve_promise(vm, st.promise.get(), Value::UNDEFINED)?,
                }
                return Ok(());
            }
        }
    }
}

/// Await(v): continues in [`reaction`] when `v` settles.
fn await_value(vm: &mut Vm, state: Value, v: Value) -> JsResult<()> {
    let p = promise_resolve_intrinsic(vm, v)?;
    vm.with_roots(&[p], |vm| {
        let on_fulfilled = vm.native_closure("", 1, fulfilled, vec![state]);
        vm.root(on_fulfilled.value());
        let on_rejected = vm.native_closure("", 1, rejected, vec![state]);
        perform_then(vm, p, on_fulfilled.value(), on_rejected.value(), None)
    })
}

fn fulfilled(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    reaction(vm, None)
}

fn rejected(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    reaction(vm, Some(arg(args, 0)))
}

/// A promise reaction of an Await: `thrown` is the rejection reason, if it was rejected (only
/// a disposer's result can be: step 3.e.iii).
fn reaction(vm: &mut Vm, thrown: Option<Value>) -> JsResult<Value> {
    let state = vm.native_data().first().copied().unwrap_or_default();
    with_state(vm, state, |vm, st| {
        if let Some(e) = thrown {
            let e = join_dispose_error(vm, st.error.get(), e);
            st.error.set(Some(e));
        }
        run(vm, st, state)
    })?;
    Ok(Value::UNDEFINED)
}

// ---------------------------------------------------------------------------------------------
// The constructors and prototype methods, shared by both classes

/// RequireInternalSlot(this, [[DisposableState]] or [[AsyncDisposableState]]).
fn this_stack(vm: &mut Vm, this: Value, is_async: bool, method: &str) -> JsResult<ObjRef> {
    if let Some(o) = this.as_object()
        && let ObjectKind::DisposableStack(d) = &vm.obj(o).kind
        && d.is_async == is_async
    {
        return Ok(o);
    }
    let class = class(is_async);
    Err(vm.type_error(&format!(
        "Method {class}.prototype.{method} called on incompatible receiver"
    )))
}

fn is_disposed(vm: &mut Vm, stack: ObjRef) -> bool {
    data(vm, stack).is_none_or(|d| d.disposed)
}

/// RequireInternalSlot, then "If the state is disposed, throw a ReferenceError exception".
fn pending_stack(vm: &mut Vm, this: Value, is_async: bool, method: &str) -> JsResult<ObjRef> {
    let stack = this_stack(vm, this, is_async, method)?;
    if is_disposed(vm, stack) {
        let class = class(is_async);
        return Err(vm.reference_error(&format!(
            "{class}.prototype.{method}: the stack is already disposed"
        )));
    }
    Ok(stack)
}

/// `sec-disposablestack` DisposableStack ( ), `sec-asyncdisposablestack` AsyncDisposableStack ( )
fn construct(vm: &mut Vm, nt: ObjRef, is_async: bool) -> JsResult<Value> {
    // 1. A call without `new` throws (`requires_new`).
    // 2. OrdinaryCreateFromConstructor(NewTarget, "%DisposableStack.prototype%").
    let proto = if is_async {
        vm.prototype_from_constructor(nt.value(), |r| r.async_disposable_stack_prototype)?
    } else {
        vm.prototype_from_constructor(nt.value(), |r| r.disposable_stack_prototype)?
    };
    // 3-4. Pending, with NewDisposeCapability().
    Ok(new_stack(vm, proto, is_async).value())
}

fn new_stack(vm: &mut Vm, proto: ObjRef, is_async: bool) -> ObjRef {
    vm.alloc(Object::new(
        Some(proto),
        ObjectKind::DisposableStack(Box::new(DisposableStackData {
            is_async,
            ..DisposableStackData::default()
        })),
    ))
}

fn construct_sync(vm: &mut Vm, _: &[Value], nt: ObjRef) -> JsResult<Value> {
    construct(vm, nt, false)
}

fn construct_async(vm: &mut Vm, _: &[Value], nt: ObjRef) -> JsResult<Value> {
    construct(vm, nt, true)
}

fn hint(is_async: bool) -> Hint {
    if is_async {
        Hint::AsyncDispose
    } else {
        Hint::SyncDispose
    }
}

/// `sec-disposablestack.prototype.use` DisposableStack.prototype.use ( value ), and
/// `sec-asyncdisposablestack.prototype.use` AsyncDisposableStack.prototype.use ( value )
fn use_(vm: &mut Vm, this: Value, args: &[Value], is_async: bool) -> JsResult<Value> {
    // 1-3.
    let stack = pending_stack(vm, this, is_async, "use")?;
    // 4. AddDisposableResource(capability, value, hint).
    let value = arg(args, 0);
    add_disposable_resource(vm, stack, value, hint(is_async), None)?;
    // 5.
    Ok(value)
}

fn use_sync(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    use_(vm, this, args, false)
}

fn use_async(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    use_(vm, this, args, true)
}

/// `sec-disposablestack.prototype.adopt` DisposableStack.prototype.adopt ( value, onDispose ),
/// and AsyncDisposableStack.prototype.adopt ( value, onDisposeAsync )
fn adopt(vm: &mut Vm, this: Value, args: &[Value], is_async: bool) -> JsResult<Value> {
    // 1-3.
    let stack = pending_stack(vm, this, is_async, "adopt")?;
    let (value, on_dispose) = (arg(args, 0), arg(args, 1));
    // 4.
    if !vm.is_callable(on_dispose) {
        let d = vm.describe(on_dispose);
        let class = class(is_async);
        return Err(vm.type_error(&format!(
            "{class}.prototype.adopt: the disposer {d} is not a function"
        )));
    }
    // 5-6. A closure calling onDispose(value).
    let f = vm.native_closure("", 0, adopt_closure, vec![value, on_dispose]);
    // 7. AddDisposableResource(capability, undefined, hint, F).
    add_disposable_resource(vm, stack, Value::UNDEFINED, hint(is_async), Some(f.value()))?;
    // 8.
    Ok(value)
}

/// adopt step 5.a: Call(onDispose, undefined, « value »).
fn adopt_closure(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let value = data.first().copied().unwrap_or_default();
    let on_dispose = data.get(1).copied().unwrap_or_default();
    vm.call(on_dispose, Value::UNDEFINED, &[value])
}

fn adopt_sync(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    adopt(vm, this, args, false)
}

fn adopt_async(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    adopt(vm, this, args, true)
}

/// `sec-disposablestack.prototype.defer` DisposableStack.prototype.defer ( onDispose ), and
/// AsyncDisposableStack.prototype.defer ( onDisposeAsync )
fn defer(vm: &mut Vm, this: Value, args: &[Value], is_async: bool) -> JsResult<Value> {
    // 1-3.
    let stack = pending_stack(vm, this, is_async, "defer")?;
    let on_dispose = arg(args, 0);
    // 4.
    if !vm.is_callable(on_dispose) {
        let d = vm.describe(on_dispose);
        let class = class(is_async);
        return Err(vm.type_error(&format!(
            "{class}.prototype.defer: the disposer {d} is not a function"
        )));
    }
    // 5. AddDisposableResource(capability, undefined, hint, onDispose).
    add_disposable_resource(
        vm,
        stack,
        Value::UNDEFINED,
        hint(is_async),
        Some(on_dispose),
    )?;
    // 6.
    Ok(Value::UNDEFINED)
}

fn defer_sync(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    defer(vm, this, args, false)
}

fn defer_async(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    defer(vm, this, args, true)
}

/// `sec-disposablestack.prototype.move` DisposableStack.prototype.move ( ), and
/// AsyncDisposableStack.prototype.move ( )
fn move_(vm: &mut Vm, this: Value, is_async: bool) -> JsResult<Value> {
    // 1-3.
    let stack = pending_stack(vm, this, is_async, "move")?;
    // 4. OrdinaryCreateFromConstructor(%DisposableStack%, ...): the intrinsic prototype, even
    // for a subclass instance.
    let proto = if is_async {
        vm.intrinsics().async_disposable_stack_prototype
    } else {
        vm.intrinsics().disposable_stack_prototype
    };
    // 5. Pending.
    let moved = new_stack(vm, proto, is_async);
    // 6-8. The capability moves to the new stack; this one gets a new, empty one and is
    // disposed.
    let resources = match data(vm, stack) {
        Some(d) => {
            d.disposed = true;
            d.moved_to = Some(moved);
            std::mem::take(&mut d.resources)
        }
        None => Vec::new(),
    };
    if let Some(d) = data(vm, moved) {
        d.resources = resources;
    }
    // 9.
    Ok(moved.value())
}

fn move_sync(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    move_(vm, this, false)
}

fn move_async(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    move_(vm, this, true)
}

/// `sec-get-disposablestack.prototype.disposed` get DisposableStack.prototype.disposed, and
/// get AsyncDisposableStack.prototype.disposed
fn disposed(vm: &mut Vm, this: Value, is_async: bool) -> JsResult<Value> {
    // 1-2.
    let stack = this_stack(vm, this, is_async, "disposed")?;
    // 3-4.
    Ok(Value::boolean(is_disposed(vm, stack)))
}

fn disposed_sync(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    disposed(vm, this, false)
}

fn disposed_async(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    disposed(vm, this, true)
}

/// `sec-disposablestack.prototype.dispose` DisposableStack.prototype.dispose ( )
fn dispose(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    // 1-2.
    let stack = this_stack(vm, this, false, "dispose")?;
    // 3. Disposed already: nothing to do.
    let Some(d) = data(vm, stack) else {
        return Ok(Value::UNDEFINED);
    };
    if d.disposed {
        return Ok(Value::UNDEFINED);
    }
    // 4.
    d.disposed = true;
    // 5. DisposeResources(capability, NormalCompletion(undefined)).
    dispose_resources(vm, stack, None)?;
    Ok(Value::UNDEFINED)
}

/// `sec-asyncdisposablestack.prototype.disposeAsync` AsyncDisposableStack.prototype.disposeAsync ( )
fn dispose_async(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    // 3. Not a stack: a promise rejected with a TypeError, not a throw.
    let stack = match this_stack(vm, this, true, "disposeAsync") {
        Ok(stack) => stack,
        Err(JsError::Throw(e)) => return Ok(super::promise::rejected(vm, e)),
        Err(e) => return Err(e),
    };
    // 4. Disposed already: a promise fulfilled with undefined.
    let Some(d) = data(vm, stack) else {
        return Ok(super::promise::resolved(vm, Value::UNDEFINED));
    };
    if d.disposed {
        return Ok(super::promise::resolved(vm, Value::UNDEFINED));
    }
    // 5.
    d.disposed = true;
    // 2, 6-9. DisposeResources(capability, NormalCompletion(undefined)), its completion
    // settling the promise.
    dispose_resources_async(vm, stack)
}
