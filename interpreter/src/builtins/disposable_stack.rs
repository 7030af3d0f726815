//! DisposableStack and AsyncDisposableStack objects (explicit resource management, in the
//! ECMA-262 2026 draft), with the dispose-capability operations the `using` declarations
//! share: AddDisposableResource, CreateDisposableResource, GetDisposeMethod, DisposeResources.
//!
//! A stack's [[DisposableState]] (or [[AsyncDisposableState]]) and [[DisposeCapability]] live in
//! `ObjectKind::DisposableStack`. DisposeResources exists twice: synchronously for `dispose()`,
//! and for `disposeAsync()` as a state machine whose every `Await` hands the state to a promise
//! reaction, as `Array.fromAsync` does.
//!
//! The draft's section numbers still move, so the headers name sections by their anchors.
//!
//! Both DisposeResources take each resource off the stack before calling its disposer: the
//! spec empties the list at the end (step 6), and once disposal has begun the stack is
//! disposed, so no method can see the list in between.

use super::arg;
use super::error::new_suppressed_error;
use super::promise::{
    new_promise, perform_then, promise_resolve_intrinsic, reject_promise, resolve_promise,
};
use crate::heap::{ObjRef, Traced};
use crate::object::{HostObject, NativeFn, Object, ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};
use std::cell::Cell;
use std::rc::Rc;

/// How a resource is disposed of: `using` and DisposableStack, or `await using` and
/// AsyncDisposableStack.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Hint {
    SyncDispose,
    AsyncDispose,
}

/// A DisposableResource Record.
#[derive(Clone, Copy)]
pub struct DisposableResource {
    /// [[ResourceValue]]
    pub value: Value,
    /// [[Hint]]
    pub hint: Hint,
    /// [[DisposeMethod]]: undefined only for a null or undefined async-dispose resource.
    pub method: Value,
}

/// A DisposableStack's or AsyncDisposableStack's internal slots.
pub struct DisposableStackData {
    /// An AsyncDisposableStack (its state is [[AsyncDisposableState]]).
    pub is_async: bool,
    /// The state is `disposed` (else `pending`).
    pub disposed: bool,
    /// [[DisposeCapability]].[[DisposableResourceStack]], oldest first.
    pub resources: Vec<DisposableResource>,
    /// The stack `move()` gave this one's capability to.
    pub moved_to: Option<ObjRef>,
}

impl DisposableStackData {
    pub fn trace(&self, out: &mut Vec<Traced>) {
        for r in &self.resources {
            out.push(Traced::Value(r.value));
            out.push(Traced::Value(r.method));
        }
        if let Some(o) = self.moved_to {
            out.push(Traced::Value(o.value()));
        }
    }
}

/// The class name, for messages.
fn class(is_async: bool) -> &'static str {
    if is_async {
        "AsyncDisposableStack"
    } else {
        "DisposableStack"
    }
}

pub fn init(vm: &mut Vm) {
    let dispose_key = PropertyKey::Symbol(vm.symbols.dispose);
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
    let async_dispose = PropertyKey::Symbol(vm.symbols.async_dispose);
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
    let realm = vm.realm as usize;
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
        dispose_fn = Some(vm.define_method(proto, method, len, f));
    }
    vm.define_getter(proto, "disposed", disposed);
    if let Some(f) = dispose_fn {
        vm.define_data(proto, dispose_key, f.value(), attrs::HIDDEN);
    }
    let tag = PropertyKey::Symbol(vm.symbols.to_string_tag);
    let t = vm.string(name);
    vm.define_data(proto, tag, t, attrs::CONFIGURABLE);
    proto
}

// ---------------------------------------------------------------------------------------------
// The dispose-capability operations

/// The stack's slots, if `o` is a stack (it always is once `this_stack` checked it: an
/// object's kind never changes).
fn data(vm: &mut Vm, o: ObjRef) -> Option<&mut DisposableStackData> {
    match &mut vm.obj_mut(o).kind {
        ObjectKind::DisposableStack(d) => Some(d),
        _ => None,
    }
}

/// The most recently added resource, taken off the stack.
fn pop_resource(vm: &mut Vm, stack: ObjRef) -> Option<DisposableResource> {
    data(vm, stack)?.resources.pop()
}

/// `sec-getdisposemethod` GetDisposeMethod ( V, hint )
pub fn get_dispose_method(vm: &mut Vm, v: Value, hint: Hint) -> JsResult<Value> {
    // 2. Sync: GetMethod(V, @@dispose).
    let dispose = PropertyKey::Symbol(vm.symbols.dispose);
    if hint == Hint::SyncDispose {
        return vm.get_method(v, dispose);
    }
    // 1.a. Async: GetMethod(V, @@asyncDispose) ...
    let key = PropertyKey::Symbol(vm.symbols.async_dispose);
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
/// with `stack`'s capability.
pub fn add_disposable_resource(
    vm: &mut Vm,
    stack: ObjRef,
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
            // ... an async one is: its disposal awaits once (DisposeResources step 3.f).
            // 1.c.
            create_disposable_resource(vm, v, hint, None)?
        }
        // 2.
        Some(method) => create_disposable_resource(vm, Value::UNDEFINED, hint, Some(method))?,
    };
    // 3. Appended to the capability the caller read before the getters ran: if one of them
    // moved it to another stack (a stack is moved at most once), it is that stack's now.
    let mut holder = stack;
    while let Some(next) = data(vm, holder).and_then(|d| d.moved_to) {
        holder = next;
    }
    if let Some(d) = data(vm, holder) {
        d.resources.push(resource);
    }
    Ok(())
}

/// Step 3.e.iii of DisposeResources: `error`, thrown by a disposer, joins the completion so far
/// (`None`: normal).
fn add_error(vm: &mut Vm, completion: Option<Value>, error: Value) -> Value {
    match completion {
        // 1. A SuppressedError whose `error` is the new one and `suppressed` the old.
        Some(suppressed) => vm.with_roots(&[error, suppressed], |vm| {
            new_suppressed_error(vm, error, suppressed)
        }),
        // 2.
        None => error,
    }
}

/// `sec-disposeresources` DisposeResources ( disposeCapability, completion ) for a capability
/// with only sync-dispose resources (a DisposableStack's, or a block's `using`s), where no
/// step awaits. `completion` is normal (`Ok`) or a throw; a termination is returned at once.
pub fn dispose_resources(
    vm: &mut Vm,
    stack: ObjRef,
    completion: JsResult<Value>,
) -> JsResult<Value> {
    let (value, mut error) = match completion {
        Ok(v) => (v, None),
        Err(JsError::Throw(e)) => (Value::UNDEFINED, Some(e)),
        Err(e) => return Err(e),
    };
    vm.handle_scope(|vm| {
        vm.root_all(&[stack.value(), value]);
        if let Some(e) = error {
            vm.root(e);
        }
        // 3. Each resource, in reverse list order.
        while let Some(resource) = pop_resource(vm, stack) {
            // e. (f, a missing method, happens only to async-dispose resources.)
            if resource.method.is_undefined() {
                continue;
            }
            // e.i. Call(method, value); an async-dispose resource here has its result unawaited.
            let result = vm.with_roots(&[resource.value, resource.method], |vm| {
                vm.call(resource.method, resource.value, &[])
            });
            // e.iii.
            match result {
                Ok(_) => {}
                Err(JsError::Throw(e)) => {
                    let e = add_error(vm, error, e);
                    vm.root(e);
                    error = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        // 6-7. The list is empty; the completion.
        match error {
            Some(e) => Err(JsError::Throw(e)),
            None => Ok(value),
        }
    })
}

// ---------------------------------------------------------------------------------------------
// DisposeResources with awaits

/// The async DisposeResources' locals.
#[derive(Default)]
struct DisposeAsync {
    /// The promise settled with the completion.
    promise: Cell<Value>,
    /// The object holding the [[DisposeCapability]].
    stack: Cell<Value>,
    /// The completion so far: `None` normal, else the thrown value.
    error: Cell<Option<Value>>,
    needs_await: Cell<bool>,
    has_awaited: Cell<bool>,
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

/// What an `Await` was waiting for.
#[derive(Clone, Copy)]
enum Awaiting {
    /// 3.d.i: Await(undefined) before a sync-dispose resource.
    BeforeSync = 0,
    /// 3.e.ii.1: a disposer's result.
    Disposer = 1,
    /// 4.a: the final Await(undefined).
    Last = 2,
}

impl Awaiting {
    fn from(n: i32) -> Awaiting {
        match n {
            0 => Awaiting::BeforeSync,
            1 => Awaiting::Disposer,
            _ => Awaiting::Last,
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

/// DisposeResources ( `stack`'s capability, `completion` ) where steps may await: returns a
/// promise that is fulfilled with undefined or rejected with the final completion's error.
/// `completion` is `Err(e)` for a throw completion of `e`.
pub fn dispose_resources_async(
    vm: &mut Vm,
    stack: ObjRef,
    completion: Result<(), Value>,
) -> JsResult<Value> {
    let promise = new_promise(vm);
    let st = DisposeAsync::default();
    st.promise.set(promise.value());
    st.stack.set(stack.value());
    st.error.set(completion.err());
    let state = vm
        .alloc(Object::new(None, ObjectKind::HostData(Rc::new(st))))
        .value();
    with_state(vm, state, |vm, st| {
        // 1-2. needsAwait and hasAwaited start false.
        let r = run(vm, st, state);
        settle(vm, st, r)
    })?;
    Ok(promise.value())
}

/// What a step ends with: still waiting, or done with a normal completion.
enum Step {
    Waiting,
    Done,
}

/// Settles the promise with a step's outcome; only termination propagates.
fn settle(vm: &mut Vm, st: &DisposeAsync, r: JsResult<Step>) -> JsResult<()> {
    match r {
        Ok(Step::Waiting) => Ok(()),
        Ok(Step::Done) => resolve_promise(vm, st.promise.get(), Value::UNDEFINED),
        Err(JsError::Throw(e)) => {
            reject_promise(vm, st.promise.get(), e);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Await(v): continues in [`resume`] with `awaiting` when `v` settles.
fn await_value(vm: &mut Vm, state: Value, v: Value, awaiting: Awaiting) -> JsResult<()> {
    let p = promise_resolve_intrinsic(vm, v)?;
    vm.with_roots(&[p], |vm| {
        let tag = Value::int32(awaiting as i32);
        let on_fulfilled = vm.native_closure("", 1, fulfilled, vec![state, tag]);
        vm.root(on_fulfilled.value());
        let on_rejected = vm.native_closure("", 1, rejected, vec![state, tag]);
        perform_then(vm, p, on_fulfilled.value(), on_rejected.value(), None)
    })
}

fn fulfilled(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    reaction(vm, None)
}

fn rejected(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    reaction(vm, Some(arg(args, 0)))
}

/// A promise reaction of an `Await`: `thrown` is the rejection reason, if it was rejected.
fn reaction(vm: &mut Vm, thrown: Option<Value>) -> JsResult<Value> {
    let data = vm.native_data();
    let state = data.first().copied().unwrap_or_default();
    let tag = data.get(1).and_then(|t| t.as_int32()).unwrap_or(2);
    with_state(vm, state, |vm, st| {
        let r = resume(vm, st, state, Awaiting::from(tag), thrown);
        settle(vm, st, r)
    })?;
    Ok(Value::UNDEFINED)
}

/// Continues after an `Await` settled (`thrown`: rejected with that reason).
fn resume(
    vm: &mut Vm,
    st: &DisposeAsync,
    state: Value,
    awaiting: Awaiting,
    thrown: Option<Value>,
) -> JsResult<Step> {
    match awaiting {
        // Await(undefined) is never rejected.
        Awaiting::BeforeSync => run(vm, st, state),
        // 3.e.ii.1-2 done (hasAwaited was set when the Await began); 3.e.iii.
        Awaiting::Disposer => {
            if let Some(e) = thrown {
                let e = add_error(vm, st.error.get(), e);
                st.error.set(Some(e));
            }
            run(vm, st, state)
        }
        Awaiting::Last => finish(st),
    }
}

/// Step 3 from the next resource on, then step 4.
fn run(vm: &mut Vm, st: &DisposeAsync, state: Value) -> JsResult<Step> {
    let Some(stack) = st.stack.get().as_object() else {
        return finish(st);
    };
    // 3. Each resource, in reverse list order.
    while let Some(resource) = pop_resource(vm, stack) {
        // d. A sync-dispose resource after a null or undefined one that nothing awaited since.
        if resource.hint == Hint::SyncDispose && st.needs_await.get() && !st.has_awaited.get() {
            // The resource goes back, to be disposed of after the Await.
            if let Some(d) = data(vm, stack) {
                d.resources.push(resource);
            }
            // i-ii. Await(undefined) cannot fail.
            st.needs_await.set(false);
            await_value(vm, state, Value::UNDEFINED, Awaiting::BeforeSync)?;
            return Ok(Step::Waiting);
        }
        // f. No method: a null or undefined async-dispose resource.
        if resource.method.is_undefined() {
            st.needs_await.set(true);
            continue;
        }
        // e.i. Call(method, value).
        let result = vm.with_roots(&[resource.value, resource.method], |vm| {
            vm.call(resource.method, resource.value, &[])
        });
        let thrown = match result {
            // e.ii. Await an async disposer's result (hasAwaited: set now, as nothing reads it
            // before the Await ends).
            Ok(v) if resource.hint == Hint::AsyncDispose => {
                st.has_awaited.set(true);
                match await_value(vm, state, v, Awaiting::Disposer) {
                    Ok(()) => return Ok(Step::Waiting),
                    Err(JsError::Throw(e)) => e,
                    Err(e) => return Err(e),
                }
            }
            Ok(_) => continue,
            Err(JsError::Throw(e)) => e,
            Err(e) => return Err(e),
        };
        // e.iii.
        let e = add_error(vm, st.error.get(), thrown);
        st.error.set(Some(e));
    }
    // 4.
    if st.needs_await.get() && !st.has_awaited.get() {
        await_value(vm, state, Value::UNDEFINED, Awaiting::Last)?;
        return Ok(Step::Waiting);
    }
    finish(st)
}

/// Steps 6-7: the list is empty already; the completion.
fn finish(st: &DisposeAsync) -> JsResult<Step> {
    match st.error.get() {
        Some(e) => Err(JsError::Throw(e)),
        None => Ok(Step::Done),
    }
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
            disposed: false,
            resources: Vec::new(),
            moved_to: None,
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
    dispose_resources(vm, stack, Ok(Value::UNDEFINED))
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
    dispose_resources_async(vm, stack, Ok(()))
}
