//! 27.2 Promise objects, their jobs, and `await`.

use super::arg;
use crate::abstract_ops::iterators;
use crate::abstract_ops::objects::species_constructor;
use crate::agent::Job;
use crate::heap::ObjRef;
use crate::object::{
    Object, ObjectKind, Promise, PromiseState, PropertyKey, Reaction, ReactionHandler, attrs,
};
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};

/// A promise capability: the promise and its resolve and reject functions. For promises of the
/// intrinsic %Promise% the functions are undefined and the promise is settled directly.
#[derive(Clone, Copy, Debug)]
pub struct Capability {
    pub promise: Value,
    pub resolve: Value,
    pub reject: Value,
}

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let ctor = vm.make_constructor("Promise", 1, promise_call, Some(promise_construct), proto);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].promise_prototype = proto;
    vm.realms[realm].promise_constructor = ctor;
    vm.define_method(proto, "then", 2, then);
    vm.define_method(proto, "catch", 1, catch);
    vm.define_method(proto, "finally", 1, finally);
    let tag = vm.agent.symbols.to_string_tag;
    let t = vm.string("Promise");
    vm.define_data(proto, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    vm.define_method(ctor, "resolve", 1, promise_resolve_static);
    vm.define_method(ctor, "reject", 1, promise_reject_static);
    vm.define_method(ctor, "all", 1, all);
    vm.define_method(ctor, "allSettled", 1, all_settled);
    vm.define_method(ctor, "any", 1, any);
    vm.define_method(ctor, "race", 1, race);
    vm.define_method(ctor, "allKeyed", 1, all_keyed);
    vm.define_method(ctor, "allSettledKeyed", 1, all_settled_keyed);
    vm.define_method(ctor, "withResolvers", 0, with_resolvers);
    vm.define_method(ctor, "try", 1, promise_try);
    vm.define_species_getter(ctor);
}

pub fn new_promise(vm: &mut Vm) -> ObjRef {
    let proto = vm.intrinsics().promise_prototype;
    new_promise_with_proto(vm, proto)
}

fn new_promise_with_proto(vm: &mut Vm, proto: ObjRef) -> ObjRef {
    vm.alloc(Object::new(
        Some(proto),
        ObjectKind::Promise(Box::new(Promise {
            state: PromiseState::Pending,
            result: Value::UNDEFINED,
            fulfill_reactions: Vec::new(),
            reject_reactions: Vec::new(),
            handled: false,
        })),
    ))
}

pub fn is_promise(vm: &Vm, v: Value) -> bool {
    v.as_object()
        .is_some_and(|o| matches!(vm.obj(o).kind, ObjectKind::Promise(_)))
}

fn state(vm: &Vm, p: Value) -> Option<PromiseState> {
    match &vm.obj(p.as_object()?).kind {
        ObjectKind::Promise(s) => Some(s.state),
        _ => None,
    }
}

/// 27.2.1.4 FulfillPromise / 27.2.1.7 RejectPromise
fn settle(vm: &mut Vm, p: Value, value: Value, rejected: bool) {
    let Some(o) = p.as_object() else { return };
    let (reactions, unhandled) = match &mut vm.obj_mut(o).kind {
        ObjectKind::Promise(s) if s.state == PromiseState::Pending => {
            s.state = if rejected {
                PromiseState::Rejected
            } else {
                PromiseState::Fulfilled
            };
            s.result = value;
            let f = std::mem::take(&mut s.fulfill_reactions);
            let r = std::mem::take(&mut s.reject_reactions);
            let unhandled = rejected && !s.handled;
            (if rejected { r } else { f }, unhandled)
        }
        _ => return,
    };
    // 27.2.1.7 RejectPromise step 7: HostPromiseRejectionTracker(promise, "reject").
    if unhandled && let Some(track) = vm.promise_rejection_tracker {
        track(vm, o, crate::vm::RejectionOperation::Reject);
    }
    for r in reactions {
        vm.enqueue_job(Job::Reaction(r, value));
    }
}

pub fn reject_promise(vm: &mut Vm, p: Value, reason: Value) {
    settle(vm, p, reason, true);
}

/// The steps of a promise resolve function (27.2.1.3.2) for promise `p`.
pub fn resolve_promise(vm: &mut Vm, p: Value, resolution: Value) -> JsResult<()> {
    if resolution == p {
        let e = vm.make_error("TypeError", "Chaining cycle detected for promise");
        reject_promise(vm, p, e);
        return Ok(());
    }
    let Some(r) = resolution.as_object() else {
        settle(vm, p, resolution, false);
        return Ok(());
    };
    let then = match vm.get(r, PropertyKey::String(vm.agent.names.then), resolution) {
        Ok(t) => t,
        Err(JsError::Throw(e)) => {
            reject_promise(vm, p, e);
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    if !vm.is_callable(then) {
        settle(vm, p, resolution, false);
        return Ok(());
    }
    vm.enqueue_job(Job::ResolveThenable {
        promise: p,
        thenable: resolution,
        then,
    });
    Ok(())
}

/// 27.2.1.3 CreateResolvingFunctions
pub fn resolving_functions(vm: &mut Vm, p: Value) -> (Value, Value) {
    let record = vm.alloc(Object::new(None, ObjectKind::Boolean(false)));
    let resolve = vm.native_closure("", 1, resolve_function, vec![p, record.value()]);
    let reject = vm.native_closure("", 1, reject_function, vec![p, record.value()]);
    (resolve.value(), reject.value())
}

fn already_resolved(vm: &mut Vm, record: Value) -> bool {
    let Some(o) = record.as_object() else {
        return true;
    };
    match &mut vm.obj_mut(o).kind {
        ObjectKind::Boolean(b) => std::mem::replace(b, true),
        _ => true,
    }
}

fn resolve_function(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    if already_resolved(vm, data[1]) {
        return Ok(Value::UNDEFINED);
    }
    resolve_promise(vm, data[0], arg(args, 0))?;
    Ok(Value::UNDEFINED)
}

fn reject_function(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    if already_resolved(vm, data[1]) {
        return Ok(Value::UNDEFINED);
    }
    reject_promise(vm, data[0], arg(args, 0));
    Ok(Value::UNDEFINED)
}

/// 27.2.1.5 NewPromiseCapability(C)
pub fn new_capability(vm: &mut Vm, c: Value) -> JsResult<Capability> {
    if c.as_object() == Some(vm.intrinsics().promise_constructor) {
        let p = new_promise(vm);
        let (resolve, reject) = resolving_functions(vm, p.value());
        return Ok(Capability {
            promise: p.value(),
            resolve,
            reject,
        });
    }
    if !vm.is_constructor(c) {
        return Err(vm.type_error("Promise capability target is not a constructor"));
    }
    let record = vm.new_object_with_proto(None);
    let executor = vm.native_closure("", 2, capability_executor, vec![record.value()]);
    let promise = vm.construct(c, &[executor.value()], c)?;
    let rk = vm.key("resolve");
    let jk = vm.key("reject");
    let resolve = vm.get(record, rk, record.value())?;
    let reject = vm.get(record, jk, record.value())?;
    if !vm.is_callable(resolve) || !vm.is_callable(reject) {
        return Err(vm.type_error("Promise resolve or reject function is not callable"));
    }
    Ok(Capability {
        promise,
        resolve,
        reject,
    })
}

fn capability_executor(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let record = vm.native_data()[0].as_object().expect("a record");
    let rk = vm.key("resolve");
    let jk = vm.key("reject");
    let r = vm.get(record, rk, record.value())?;
    let j = vm.get(record, jk, record.value())?;
    if !r.is_undefined() || !j.is_undefined() {
        return Err(vm.type_error("Promise executor has already been invoked"));
    }
    vm.define_data(record, rk, arg(args, 0), attrs::DEFAULT);
    vm.define_data(record, jk, arg(args, 1), attrs::DEFAULT);
    Ok(Value::UNDEFINED)
}

impl Capability {
    pub fn resolve(&self, vm: &mut Vm, v: Value) -> JsResult<()> {
        if self.resolve.is_undefined() {
            resolve_promise(vm, self.promise, v)
        } else {
            vm.call(self.resolve, Value::UNDEFINED, &[v]).map(|_| ())
        }
    }

    pub fn reject(&self, vm: &mut Vm, v: Value) -> JsResult<()> {
        if self.reject.is_undefined() {
            reject_promise(vm, self.promise, v);
            Ok(())
        } else {
            vm.call(self.reject, Value::UNDEFINED, &[v]).map(|_| ())
        }
    }
}

/// 27.2.5.4.1 PerformPromiseThen
pub fn perform_then(
    vm: &mut Vm,
    p: Value,
    on_fulfilled: Value,
    on_rejected: Value,
    result: Option<Value>,
) -> JsResult<()> {
    let cap = result.map(|r| (r, Value::UNDEFINED, Value::UNDEFINED));
    perform_then_capability(vm, p, on_fulfilled, on_rejected, cap)
}

fn perform_then_capability(
    vm: &mut Vm,
    p: Value,
    on_fulfilled: Value,
    on_rejected: Value,
    capability: Option<(Value, Value, Value)>,
) -> JsResult<()> {
    let f = if vm.is_callable(on_fulfilled) {
        on_fulfilled
    } else {
        Value::UNDEFINED
    };
    let r = if vm.is_callable(on_rejected) {
        on_rejected
    } else {
        Value::UNDEFINED
    };
    add_reactions(
        vm,
        p,
        Reaction {
            capability,
            handler: ReactionHandler::Value(f),
            is_reject: false,
        },
        Reaction {
            capability,
            handler: ReactionHandler::Value(r),
            is_reject: true,
        },
    );
    Ok(())
}

fn add_reactions(vm: &mut Vm, p: Value, fulfill: Reaction, reject: Reaction) {
    let Some(o) = p.as_object() else { return };
    let (st, result, first_handler) = match &mut vm.obj_mut(o).kind {
        ObjectKind::Promise(s) => {
            let first_handler = !s.handled;
            s.handled = true;
            match s.state {
                PromiseState::Pending => {
                    s.fulfill_reactions.push(fulfill);
                    s.reject_reactions.push(reject);
                    return;
                }
                st => (st, s.result, first_handler),
            }
        }
        _ => return,
    };
    let reaction = if st == PromiseState::Fulfilled {
        fulfill
    } else {
        // 27.2.5.4.1 PerformPromiseThen step 12.b: HostPromiseRejectionTracker(promise, "handle").
        if first_handler && let Some(track) = vm.promise_rejection_tracker {
            track(vm, o, crate::vm::RejectionOperation::Handle);
        }
        reject
    };
    vm.enqueue_job(Job::Reaction(reaction, result));
}

/// `await`: resume `holder` when `p` settles.
pub fn await_promise(vm: &mut Vm, p: Value, holder: ObjRef) {
    add_reactions(
        vm,
        p,
        Reaction {
            capability: None,
            handler: ReactionHandler::Resume(holder),
            is_reject: false,
        },
        Reaction {
            capability: None,
            handler: ReactionHandler::Resume(holder),
            is_reject: true,
        },
    );
}

/// 27.2.4.7.1 PromiseResolve(%Promise%, x)
pub fn promise_resolve_intrinsic(vm: &mut Vm, x: Value) -> JsResult<Value> {
    let c = vm.intrinsics().promise_constructor.value();
    promise_resolve(vm, c, x)
}

pub fn promise_resolve(vm: &mut Vm, c: Value, x: Value) -> JsResult<Value> {
    if is_promise(vm, x) {
        let xo = x.as_object().expect("a promise");
        let ck = PropertyKey::String(vm.agent.names.constructor);
        let ctor = vm.get(xo, ck, x)?;
        if vm.same_value(ctor, c)? {
            return Ok(x);
        }
    }
    let cap = new_capability(vm, c)?;
    vm.with_roots(&[cap.promise, cap.resolve, cap.reject, x], |vm| {
        cap.resolve(vm, x)
    })?;
    Ok(cap.promise)
}

pub fn resolved(vm: &mut Vm, v: Value) -> Value {
    let p = new_promise(vm);
    vm.with_roots(&[p.value()], |vm| {
        let _ = resolve_promise(vm, p.value(), v);
    });
    p.value()
}

pub fn rejected(vm: &mut Vm, e: Value) -> Value {
    let p = new_promise(vm);
    reject_promise(vm, p.value(), e);
    p.value()
}

/// Runs one job from the queue.
pub fn run_job(vm: &mut Vm, job: Job) -> JsResult<()> {
    match job {
        Job::Reaction(reaction, argument) => {
            let outcome = match reaction.handler {
                ReactionHandler::Resume(holder) => {
                    let mode = if reaction.is_reject { 1 } else { 0 };
                    vm.resume_frame(holder, mode, argument).map(|_| ())?;
                    return Ok(());
                }
                ReactionHandler::Value(h) if h.is_undefined() => {
                    if reaction.is_reject {
                        Err(JsError::Throw(argument))
                    } else {
                        Ok(argument)
                    }
                }
                ReactionHandler::Value(h) => vm.call(h, Value::UNDEFINED, &[argument]),
            };
            let Some((promise, resolve, reject)) = reaction.capability else {
                return match outcome {
                    Err(JsError::Terminate(t)) => Err(JsError::Terminate(t)),
                    _ => Ok(()),
                };
            };
            let cap = Capability {
                promise,
                resolve,
                reject,
            };
            match outcome {
                Ok(v) => cap.resolve(vm, v),
                Err(JsError::Throw(e)) => cap.reject(vm, e),
                Err(e) => Err(e),
            }
        }
        Job::ResolveThenable {
            promise,
            thenable,
            then,
        } => {
            let (resolve, reject) = resolving_functions(vm, promise);
            match vm.call(then, thenable, &[resolve, reject]) {
                Ok(_) => Ok(()),
                Err(JsError::Throw(e)) => vm.call(reject, Value::UNDEFINED, &[e]).map(|_| ()),
                Err(e) => Err(e),
            }
        }
        Job::Callback(f, args) => vm.call(f, Value::UNDEFINED, &args).map(|_| ()),
    }
}

// ---------------------------------------------------------------------------------------------
// The constructor and prototype

fn promise_call(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Err(vm.type_error("Promise constructor cannot be invoked without 'new'"))
}

/// 27.2.3.1 Promise ( executor )
fn promise_construct(vm: &mut Vm, args: &[Value], new_target: ObjRef) -> JsResult<Value> {
    let executor = arg(args, 0);
    if !vm.is_callable(executor) {
        return Err(vm.type_error("Promise resolver is not a function"));
    }
    let proto = vm.prototype_from_constructor(new_target.value(), |r| r.promise_prototype)?;
    let p = new_promise_with_proto(vm, proto);
    vm.root(p.value());
    let (resolve, reject) = resolving_functions(vm, p.value());
    vm.root(resolve);
    vm.root(reject);
    match vm.call(executor, Value::UNDEFINED, &[resolve, reject]) {
        Ok(_) => {}
        Err(JsError::Throw(e)) => {
            vm.call(reject, Value::UNDEFINED, &[e])?;
        }
        Err(e) => return Err(e),
    }
    Ok(p.value())
}

fn this_promise(vm: &mut Vm, this: Value) -> JsResult<ObjRef> {
    match this.as_object() {
        Some(o) if matches!(vm.obj(o).kind, ObjectKind::Promise(_)) => Ok(o),
        _ => Err(vm.type_error("Promise.prototype.then called on incompatible receiver")),
    }
}

/// 27.2.5.4 Promise.prototype.then
fn then(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let p = this_promise(vm, this)?;
    let default = vm.intrinsics().promise_constructor.value();
    let c = species_constructor(vm, p, default)?;
    let cap = new_capability(vm, c)?;
    perform_then_capability(
        vm,
        this,
        arg(args, 0),
        arg(args, 1),
        Some((cap.promise, cap.resolve, cap.reject)),
    )?;
    Ok(cap.promise)
}

fn invoke_then(vm: &mut Vm, p: Value, f: Value, r: Value) -> JsResult<Value> {
    let key = PropertyKey::String(vm.agent.names.then);
    let t = vm.get_v(p, key)?;
    vm.call(t, p, &[f, r])
}

fn catch(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    invoke_then(vm, this, Value::UNDEFINED, arg(args, 0))
}

/// 27.2.5.3 Promise.prototype.finally
fn finally(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let Some(o) = this.as_object() else {
        return Err(vm.type_error("Promise.prototype.finally called on a non-object"));
    };
    let default = vm.intrinsics().promise_constructor.value();
    let c = species_constructor(vm, o, default)?;
    let on_finally = arg(args, 0);
    let (f, r) = if !vm.is_callable(on_finally) {
        (on_finally, on_finally)
    } else {
        let f = vm.native_closure("", 1, then_finally, vec![on_finally, c]);
        let r = vm.native_closure("", 1, catch_finally, vec![on_finally, c]);
        (f.value(), r.value())
    };
    invoke_then(vm, this, f, r)
}

fn then_finally(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let result = vm.call(data[0], Value::UNDEFINED, &[])?;
    let p = promise_resolve(vm, data[1], result)?;
    let value_thunk = vm.native_closure(
        "",
        0,
        |vm, _, _| Ok(vm.native_data()[0]),
        vec![arg(args, 0)],
    );
    invoke_then(vm, p, value_thunk.value(), Value::UNDEFINED)
}

fn catch_finally(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let result = vm.call(data[0], Value::UNDEFINED, &[])?;
    let p = promise_resolve(vm, data[1], result)?;
    let thrower = vm.native_closure(
        "",
        0,
        |vm, _, _| Err(JsError::Throw(vm.native_data()[0])),
        vec![arg(args, 0)],
    );
    invoke_then(vm, p, thrower.value(), Value::UNDEFINED)
}

fn promise_resolve_static(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    if !this.is_object() {
        return Err(vm.type_error("Promise.resolve called on a non-object"));
    }
    promise_resolve(vm, this, arg(args, 0))
}

fn promise_reject_static(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let cap = new_capability(vm, this)?;
    cap.reject(vm, arg(args, 0))?;
    Ok(cap.promise)
}

fn with_resolvers(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let cap = new_capability(vm, this)?;
    let (resolve, reject) = if cap.resolve.is_undefined() {
        resolving_functions(vm, cap.promise)
    } else {
        (cap.resolve, cap.reject)
    };
    let o = vm.new_object();
    let pk = vm.key("promise");
    let rk = vm.key("resolve");
    let jk = vm.key("reject");
    vm.define_data(o, pk, cap.promise, attrs::DEFAULT);
    vm.define_data(o, rk, resolve, attrs::DEFAULT);
    vm.define_data(o, jk, reject, attrs::DEFAULT);
    Ok(o.value())
}

fn promise_try(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    if !this.is_object() {
        return Err(vm.type_error("Promise.try called on a non-object"));
    }
    let cap = new_capability(vm, this)?;
    vm.root(cap.promise);
    vm.root(cap.resolve);
    vm.root(cap.reject);
    let rest = args.get(1..).unwrap_or(&[]);
    match vm.call(arg(args, 0), Value::UNDEFINED, rest) {
        Ok(v) => cap.resolve(vm, v)?,
        Err(JsError::Throw(e)) => cap.reject(vm, e)?,
        Err(e) => return Err(e),
    }
    Ok(cap.promise)
}

/// The combinators (27.2.4.1-5): `kind` 0 all, 1 allSettled, 2 any, 3 race.
fn combinator(vm: &mut Vm, this: Value, iterable: Value, kind: u8) -> JsResult<Value> {
    let cap = new_capability(vm, this)?;
    vm.with_roots(&[cap.promise, cap.resolve, cap.reject], |vm| {
        // The capability stays rooted while a rejection calls into JavaScript.
        match combinator_inner(vm, this, iterable, kind, cap) {
            Ok(v) => Ok(v),
            Err(JsError::Throw(e)) => {
                vm.root(e);
                cap.reject(vm, e).map(|_| cap.promise)
            }
            Err(e) => Err(e),
        }
    })
}

fn combinator_inner(
    vm: &mut Vm,
    c: Value,
    iterable: Value,
    kind: u8,
    cap: Capability,
) -> JsResult<Value> {
    let Some(co) = c.as_object() else {
        return Err(vm.type_error("Promise combinator called on a non-object"));
    };
    let rk = vm.key("resolve");
    let resolve_fn = vm.get(co, rk, c)?;
    if !vm.is_callable(resolve_fn) {
        return Err(vm.type_error("Promise resolve is not a function"));
    }
    // allKeyed and allSettledKeyed (kinds 4 and 5) take the own enumerable properties of an
    // object and work as all and allSettled over their values.
    let keyed = kind >= KEYED;
    let kind = if keyed { kind - KEYED } else { kind };
    let mut source = if keyed {
        let Some(o) = iterable.as_object() else {
            return Err(vm.type_error("Promise.allKeyed takes an object of promises"));
        };
        let keys = vm.own_property_keys(o)?;
        // Read through getters one by one: kept until the call returns.
        vm.root_keys(&keys);
        Entries::Keys(o, keys.into_iter())
    } else {
        let record = iterators::get_iterator(vm, iterable)?;
        let (it, next) = iterators::rooted(vm, record);
        Entries::Iterator(it, next)
    };
    // The shared state: values array, remaining counter (in a Number box), the capability, and
    // for the keyed variants the keys.
    let values = vm.new_array(Vec::new());
    vm.root(values.value());
    let remaining = vm.alloc(Object::new(None, ObjectKind::Number(1.0)));
    vm.root(remaining.value());
    let keys = if keyed {
        let k = vm.new_array(Vec::new());
        vm.root(k.value());
        k.value()
    } else {
        Value::UNDEFINED
    };
    let mut index = 0u32;
    loop {
        let next_value = match source.next(vm) {
            Ok(Some((key, v))) => {
                if let Some(k) = keys.as_object() {
                    vm.with_roots(&[v], |vm| {
                        let kv = vm.key_value(key);
                        vm.define_own_property_raw(
                            k,
                            PropertyKey::Index(index),
                            crate::object::Property::data(kv, attrs::DEFAULT),
                        );
                    });
                }
                v
            }
            Ok(None) => break,
            Err(e) => return Err(e),
        };
        let step_result = (|| -> JsResult<()> {
            if kind != 3 {
                vm.define_own_property_raw(
                    values,
                    PropertyKey::Index(index),
                    crate::object::Property::data(Value::UNDEFINED, attrs::DEFAULT),
                );
            }
            let p = vm.call(resolve_fn, c, &[next_value])?;
            vm.root(p);
            let data = vec![
                values.value(),
                Value::int32(index as i32),
                remaining.value(),
                cap.promise,
                cap.resolve,
                cap.reject,
                Value::FALSE,
                keys,
            ];
            let called = vm.alloc(Object::new(None, ObjectKind::Boolean(false)));
            let mut data = data;
            data[6] = called.value();
            let (on_fulfilled, on_rejected) = match kind {
                0 => (
                    vm.native_closure("", 1, all_resolve_element, data).value(),
                    cap_reject_value(&cap),
                ),
                1 => {
                    let f = vm.native_closure("", 1, settled_fulfilled, data.clone());
                    let r = vm.native_closure("", 1, settled_rejected, data);
                    (f.value(), r.value())
                }
                2 => (
                    cap_resolve_value(&cap),
                    vm.native_closure("", 1, any_reject_element, data).value(),
                ),
                _ => (cap_resolve_value(&cap), cap_reject_value(&cap)),
            };
            vm.root(on_fulfilled);
            vm.root(on_rejected);
            if kind != 3 {
                bump(vm, remaining, 1.0);
            }
            let key = PropertyKey::String(vm.agent.names.then);
            let then = vm.get_v(p, key)?;
            vm.call(then, p, &[on_fulfilled, on_rejected])?;
            Ok(())
        })();
        if let Err(e) = step_result {
            // Closing runs JavaScript: keep the error alive through it.
            if let JsError::Throw(v) = &e {
                vm.root(*v);
            }
            if let Entries::Iterator(it, _) = source {
                let _ = iterators::iterator_close(vm, it);
            }
            return Err(e);
        }
        index += 1;
    }
    if kind != 3 && bump(vm, remaining, -1.0) == 0.0 {
        if kind == 2 {
            let errors = vm.new_array(array_values(vm, values));
            let e = vm.make_error("AggregateError", "All promises were rejected");
            let ek = vm.key("errors");
            vm.define_data(
                e.as_object().expect("an error"),
                ek,
                errors.value(),
                attrs::HIDDEN,
            );
            cap.reject(vm, e)?;
        } else {
            let result = combined_result(vm, values, keys);
            cap.resolve(vm, result)?;
        }
    }
    Ok(cap.promise)
}

/// The kinds of the keyed combinators are the unkeyed ones plus this.
const KEYED: u8 = 4;

/// Where a combinator's inputs come from: an iterator, or an object's own keys.
enum Entries {
    Iterator(Value, Value),
    Keys(ObjRef, std::vec::IntoIter<PropertyKey>),
}

impl Entries {
    /// The next input (with its key, for the keyed variants): the iterator's next value, or
    /// the value of the next own enumerable property.
    fn next(&mut self, vm: &mut Vm) -> JsResult<Option<(PropertyKey, Value)>> {
        match self {
            Entries::Iterator(it, next) => {
                Ok(iterators::iterator_step_value(vm, *it, *next)?
                    .map(|v| (PropertyKey::Index(0), v)))
            }
            Entries::Keys(o, keys) => {
                for key in keys.by_ref() {
                    let Some(desc) = vm.get_own_property(*o, key)? else {
                        continue;
                    };
                    if desc.attrs & attrs::ENUMERABLE == 0 {
                        continue;
                    }
                    let v = vm.get(*o, key, o.value())?;
                    return Ok(Some((key, v)));
                }
                Ok(None)
            }
        }
    }
}

/// The values array, or for the keyed variants CreateKeyedPromiseCombinatorResultObject: an
/// object without a prototype mapping each key to its value.
fn combined_result(vm: &mut Vm, values: ObjRef, keys: Value) -> Value {
    let Some(k) = keys.as_object() else {
        return values.value();
    };
    let (names, vals) = (array_values(vm, k), array_values(vm, values));
    let o = vm.new_object_with_proto(None);
    for (name, v) in names.into_iter().zip(vals) {
        if let Ok(key) = vm.to_property_key(name) {
            vm.define_own_property_raw(o, key, crate::object::Property::data(v, attrs::DEFAULT));
        }
    }
    o.value()
}

fn cap_resolve_value(cap: &Capability) -> Value {
    cap.resolve
}

fn cap_reject_value(cap: &Capability) -> Value {
    cap.reject
}

fn array_values(vm: &Vm, a: ObjRef) -> Vec<Value> {
    match &vm.obj(a).elements {
        crate::object::Elements::Dense(v) => v.clone(),
        crate::object::Elements::Sparse(m) => m
            .values()
            .map(|p| match p.slot {
                crate::object::Slot::Data(v) => v,
                _ => Value::UNDEFINED,
            })
            .collect(),
    }
}

fn bump(vm: &mut Vm, counter: ObjRef, by: f64) -> f64 {
    match &mut vm.obj_mut(counter).kind {
        ObjectKind::Number(n) => {
            *n += by;
            *n
        }
        _ => 0.0,
    }
}

fn element_common(vm: &mut Vm, value: Value, wrap: Option<(&str, &str)>) -> JsResult<Value> {
    let data = vm.native_data();
    let called = data[6].as_object().expect("a flag");
    if let ObjectKind::Boolean(b) = &mut vm.obj_mut(called).kind {
        if *b {
            return Ok(Value::UNDEFINED);
        }
        *b = true;
    }
    let values = data[0].as_object().expect("values");
    let index = data[1].as_int32().unwrap_or(0) as u32;
    let remaining = data[2].as_object().expect("a counter");
    let v = match wrap {
        Some((status, field)) => {
            let o = vm.new_object();
            let sk = vm.key("status");
            let s = vm.string(status);
            vm.define_data(o, sk, s, attrs::DEFAULT);
            let fk = vm.key(field);
            vm.define_data(o, fk, value, attrs::DEFAULT);
            o.value()
        }
        None => value,
    };
    vm.define_own_property_raw(
        values,
        PropertyKey::Index(index),
        crate::object::Property::data(v, attrs::DEFAULT),
    );
    if bump(vm, remaining, -1.0) == 0.0 {
        let cap = Capability {
            promise: data[3],
            resolve: data[4],
            reject: data[5],
        };
        let result = combined_result(vm, values, data.get(7).copied().unwrap_or_default());
        return cap.resolve(vm, result).map(|_| Value::UNDEFINED);
    }
    Ok(Value::UNDEFINED)
}

fn all_resolve_element(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    element_common(vm, arg(args, 0), None)
}

fn settled_fulfilled(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    element_common(vm, arg(args, 0), Some(("fulfilled", "value")))
}

fn settled_rejected(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    element_common(vm, arg(args, 0), Some(("rejected", "reason")))
}

fn any_reject_element(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let called = data[6].as_object().expect("a flag");
    if let ObjectKind::Boolean(b) = &mut vm.obj_mut(called).kind {
        if *b {
            return Ok(Value::UNDEFINED);
        }
        *b = true;
    }
    let values = data[0].as_object().expect("values");
    let index = data[1].as_int32().unwrap_or(0) as u32;
    vm.define_own_property_raw(
        values,
        PropertyKey::Index(index),
        crate::object::Property::data(arg(args, 0), attrs::DEFAULT),
    );
    let remaining = data[2].as_object().expect("a counter");
    if bump(vm, remaining, -1.0) == 0.0 {
        let errors = vm.new_array(array_values(vm, values));
        let e = vm.make_error("AggregateError", "All promises were rejected");
        let ek = vm.key("errors");
        vm.define_data(
            e.as_object().expect("an error"),
            ek,
            errors.value(),
            attrs::HIDDEN,
        );
        let cap = Capability {
            promise: data[3],
            resolve: data[4],
            reject: data[5],
        };
        cap.reject(vm, e)?;
    }
    Ok(Value::UNDEFINED)
}

fn all(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    combinator(vm, this, arg(args, 0), 0)
}

fn all_settled(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    combinator(vm, this, arg(args, 0), 1)
}

fn any(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    combinator(vm, this, arg(args, 0), 2)
}

fn race(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    combinator(vm, this, arg(args, 0), 3)
}

/// Promise.allKeyed ( promises ) (the await-dictionary proposal)
fn all_keyed(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    combinator(vm, this, arg(args, 0), KEYED)
}

/// Promise.allSettledKeyed ( promises )
fn all_settled_keyed(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    combinator(vm, this, arg(args, 0), KEYED + 1)
}

/// Marks `p` handled, as a first `then` would (HostPromiseRejectionTracker(p, "handle") if it
/// is rejected), for a promise whose rejection the engine itself takes in.
pub fn mark_handled(vm: &mut Vm, p: Value) {
    let Some(o) = p.as_object() else { return };
    let rejected_first = match &mut vm.obj_mut(o).kind {
        ObjectKind::Promise(s) => {
            let first = !s.handled;
            s.handled = true;
            first && s.state == PromiseState::Rejected
        }
        _ => false,
    };
    if rejected_first && let Some(track) = vm.promise_rejection_tracker {
        track(vm, o, crate::vm::RejectionOperation::Handle);
    }
}

pub fn promise_state_for_host(vm: &Vm, p: Value) -> Option<(PromiseState, Value)> {
    let s = state(vm, p)?;
    match &vm.obj(p.as_object()?).kind {
        ObjectKind::Promise(pr) => Some((s, pr.result)),
        _ => None,
    }
}
