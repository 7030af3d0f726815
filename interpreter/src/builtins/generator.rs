//! 27.3-27.7: GeneratorFunction, AsyncGeneratorFunction, AsyncFunction, and the generator and
//! async generator prototypes (`next`, `return`, `throw`) with the async generator request queue.

use super::arg;
use crate::abstract_ops::iterators;
use crate::heap::ObjRef;
use crate::object::{AsyncGeneratorRequest, GeneratorState, ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let fp = vm.intrinsics().function_prototype;
    let ip = vm.intrinsics().iterator_prototype;
    let aip = vm.intrinsics().async_iterator_prototype;
    let tag = vm.agent.symbols.to_string_tag;
    let function_ctor = vm.intrinsics().function_constructor;

    // Generators.
    let gen_fn_proto = vm.new_plain_object(fp);
    let gen_proto = vm.new_plain_object(ip);
    vm.define_method(gen_proto, "next", 1, generator_next);
    vm.define_method(gen_proto, "return", 1, generator_return);
    vm.define_method(gen_proto, "throw", 1, generator_throw);
    let t = vm.string("Generator");
    vm.define_data(gen_proto, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    link(vm, gen_fn_proto, gen_proto, "GeneratorFunction");
    let gen_ctor = vm.native_function(
        "GeneratorFunction",
        1,
        generator_function,
        Some(generator_function_construct),
    );
    finish_ctor(vm, gen_ctor, gen_fn_proto, function_ctor);

    // Async generators.
    let agen_fn_proto = vm.new_plain_object(fp);
    let agen_proto = vm.new_plain_object(aip);
    vm.define_method(agen_proto, "next", 1, async_generator_next);
    vm.define_method(agen_proto, "return", 1, async_generator_return);
    vm.define_method(agen_proto, "throw", 1, async_generator_throw);
    let t = vm.string("AsyncGenerator");
    vm.define_data(agen_proto, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    link(vm, agen_fn_proto, agen_proto, "AsyncGeneratorFunction");
    let agen_ctor = vm.native_function(
        "AsyncGeneratorFunction",
        1,
        async_generator_function,
        Some(async_generator_function_construct),
    );
    finish_ctor(vm, agen_ctor, agen_fn_proto, function_ctor);

    // Async functions.
    let async_fn_proto = vm.new_plain_object(fp);
    let t = vm.string("AsyncFunction");
    vm.define_data(
        async_fn_proto,
        PropertyKey::Symbol(tag),
        t,
        attrs::CONFIGURABLE,
    );
    let async_ctor = vm.native_function(
        "AsyncFunction",
        1,
        async_function,
        Some(async_function_construct),
    );
    finish_ctor(vm, async_ctor, async_fn_proto, function_ctor);

    let realm = vm.stack.realm as usize;
    let r = &mut vm.realms[realm];
    r.generator_function_prototype = gen_fn_proto;
    r.generator_prototype = gen_proto;
    r.async_generator_function_prototype = agen_fn_proto;
    r.async_generator_prototype = agen_proto;
    r.async_function_prototype = async_fn_proto;
}

/// `F.prototype.prototype = P`, `P.constructor = F.prototype`, and the tag.
fn link(vm: &mut Vm, fn_proto: ObjRef, proto: ObjRef, tag_text: &str) {
    let pk = PropertyKey::String(vm.agent.names.prototype);
    vm.define_data(fn_proto, pk, proto.value(), attrs::CONFIGURABLE);
    let ck = PropertyKey::String(vm.agent.names.constructor);
    vm.define_data(proto, ck, fn_proto.value(), attrs::CONFIGURABLE);
    let tag = vm.agent.symbols.to_string_tag;
    let t = vm.string(tag_text);
    vm.define_data(fn_proto, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
}

fn finish_ctor(vm: &mut Vm, ctor: ObjRef, fn_proto: ObjRef, function_ctor: ObjRef) {
    vm.obj_mut(ctor).proto = Some(function_ctor);
    let pk = PropertyKey::String(vm.agent.names.prototype);
    vm.define_data(ctor, pk, fn_proto.value(), 0);
    let ck = PropertyKey::String(vm.agent.names.constructor);
    vm.define_data(fn_proto, ck, ctor.value(), attrs::CONFIGURABLE);
}

fn generator_function(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    super::function::create_dynamic_function(vm, args, "function*")
}
fn generator_function_construct(vm: &mut Vm, args: &[Value], _: ObjRef) -> JsResult<Value> {
    super::function::create_dynamic_function(vm, args, "function*")
}
fn async_generator_function(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    super::function::create_dynamic_function(vm, args, "async function*")
}
fn async_generator_function_construct(vm: &mut Vm, args: &[Value], _: ObjRef) -> JsResult<Value> {
    super::function::create_dynamic_function(vm, args, "async function*")
}
fn async_function(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    super::function::create_dynamic_function(vm, args, "async function")
}
fn async_function_construct(vm: &mut Vm, args: &[Value], _: ObjRef) -> JsResult<Value> {
    super::function::create_dynamic_function(vm, args, "async function")
}

fn generator_state(vm: &Vm, this: Value, want_async: bool) -> Option<(ObjRef, GeneratorState)> {
    let o = this.as_object()?;
    match &vm.obj(o).kind {
        ObjectKind::Generator(g) if g.is_async == want_async => Some((o, g.state)),
        _ => None,
    }
}

/// 27.5.3.3 GeneratorResume / GeneratorResumeAbrupt: `mode` 0 next, 1 throw, 2 return.
fn generator_resume(vm: &mut Vm, this: Value, mode: u32, value: Value) -> JsResult<Value> {
    let Some((g, state)) = generator_state(vm, this, false) else {
        return Err(vm.type_error("next method called on incompatible receiver"));
    };
    match state {
        GeneratorState::Executing => Err(vm.type_error("Generator is already running")),
        GeneratorState::Completed => match mode {
            1 => Err(JsError::Throw(value)),
            2 => Ok(iterators::create_iter_result_object(vm, value, true)),
            _ => Ok(iterators::create_iter_result_object(
                vm,
                Value::UNDEFINED,
                true,
            )),
        },
        GeneratorState::SuspendedStart if mode != 0 => {
            if let ObjectKind::Generator(gen_state) = &mut vm.obj_mut(g).kind {
                gen_state.state = GeneratorState::Completed;
                gen_state.saved = None;
            }
            if mode == 1 {
                Err(JsError::Throw(value))
            } else {
                Ok(iterators::create_iter_result_object(vm, value, true))
            }
        }
        _ => vm.resume_frame(g, mode, value),
    }
}

fn generator_next(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    generator_resume(vm, this, 0, arg(args, 0))
}
fn generator_return(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    generator_resume(vm, this, 2, arg(args, 0))
}
fn generator_throw(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    generator_resume(vm, this, 1, arg(args, 0))
}

/// 27.6.3.2 AsyncGeneratorEnqueue, then resume if the generator is idle.
fn async_generator_enqueue(vm: &mut Vm, this: Value, mode: u8, value: Value) -> JsResult<Value> {
    let promise = super::promise::new_promise(vm);
    let Some((g, state)) = generator_state(vm, this, true) else {
        let e = vm.make_error(
            "TypeError",
            "AsyncGenerator method called on incompatible receiver",
        );
        super::promise::reject_promise(vm, promise.value(), e);
        return Ok(promise.value());
    };
    if let ObjectKind::Generator(gen_state) = &mut vm.obj_mut(g).kind {
        gen_state.queue.push_back(AsyncGeneratorRequest {
            mode,
            value,
            promise,
        });
    }
    if state != GeneratorState::Executing {
        resume_next(vm, g)?;
    }
    Ok(promise.value())
}

fn async_generator_next(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    async_generator_enqueue(vm, this, 0, arg(args, 0))
}
fn async_generator_return(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    async_generator_enqueue(vm, this, 2, arg(args, 0))
}
fn async_generator_throw(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    async_generator_enqueue(vm, this, 1, arg(args, 0))
}

fn front(vm: &Vm, g: ObjRef) -> Option<(u8, Value, ObjRef, GeneratorState)> {
    match &vm.obj(g).kind {
        ObjectKind::Generator(s) => s
            .queue
            .front()
            .map(|r| (r.mode, r.value, r.promise, s.state)),
        _ => None,
    }
}

fn pop_front(vm: &mut Vm, g: ObjRef) -> Option<ObjRef> {
    match &mut vm.obj_mut(g).kind {
        ObjectKind::Generator(s) => s.queue.pop_front().map(|r| r.promise),
        _ => None,
    }
}

fn set_state(vm: &mut Vm, g: ObjRef, state: GeneratorState) {
    if let ObjectKind::Generator(s) = &mut vm.obj_mut(g).kind {
        s.state = state;
        if state == GeneratorState::Completed {
            s.saved = None;
        }
    }
}

/// Runs the front request if the generator can take it (27.6.3.9 AsyncGeneratorDrainQueue and
/// AsyncGeneratorResumeNext).
fn resume_next(vm: &mut Vm, g: ObjRef) -> JsResult<()> {
    loop {
        let Some((mode, value, promise, state)) = front(vm, g) else {
            return Ok(());
        };
        match state {
            GeneratorState::Executing => return Ok(()),
            GeneratorState::SuspendedStart if mode != 0 => {
                set_state(vm, g, GeneratorState::Completed);
                continue;
            }
            GeneratorState::Completed => match mode {
                0 => {
                    pop_front(vm, g);
                    let r = iterators::create_iter_result_object(vm, Value::UNDEFINED, true);
                    super::promise::resolve_promise(vm, promise.value(), r)?;
                }
                1 => {
                    pop_front(vm, g);
                    super::promise::reject_promise(vm, promise.value(), value);
                }
                _ => {
                    // AsyncGeneratorAwaitReturn: settle after awaiting the value.
                    set_state(vm, g, GeneratorState::Executing);
                    let awaited = match super::promise::promise_resolve_intrinsic(vm, value) {
                        Ok(p) => p,
                        Err(JsError::Throw(e)) => {
                            set_state(vm, g, GeneratorState::Completed);
                            pop_front(vm, g);
                            super::promise::reject_promise(vm, promise.value(), e);
                            continue;
                        }
                        Err(e) => return Err(e),
                    };
                    let on_ok = vm.native_closure("", 1, await_return_fulfilled, vec![g.value()]);
                    let on_err = vm.native_closure("", 1, await_return_rejected, vec![g.value()]);
                    super::promise::perform_then(vm, awaited, on_ok.value(), on_err.value(), None)?;
                    return Ok(());
                }
            },
            _ => {
                vm.resume_frame(g, u32::from(mode), value)?;
                return Ok(());
            }
        }
    }
}

fn await_return_fulfilled(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let g = vm.native_data()[0].as_object().expect("a generator");
    set_state(vm, g, GeneratorState::Completed);
    if let Some(p) = pop_front(vm, g) {
        let r = iterators::create_iter_result_object(vm, arg(args, 0), true);
        super::promise::resolve_promise(vm, p.value(), r)?;
    }
    resume_next(vm, g)?;
    Ok(Value::UNDEFINED)
}

fn await_return_rejected(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let g = vm.native_data()[0].as_object().expect("a generator");
    set_state(vm, g, GeneratorState::Completed);
    if let Some(p) = pop_front(vm, g) {
        super::promise::reject_promise(vm, p.value(), arg(args, 0));
    }
    resume_next(vm, g)?;
    Ok(Value::UNDEFINED)
}

/// 27.6.3.8 AsyncGeneratorYield: settle the front request, then run the next one.
pub fn async_generator_yield(vm: &mut Vm, g: ObjRef, value: Value) -> JsResult<()> {
    if let Some(p) = pop_front(vm, g) {
        let r = iterators::create_iter_result_object(vm, value, false);
        super::promise::resolve_promise(vm, p.value(), r)?;
    }
    resume_next(vm, g)
}

/// The body finished (`return` or a throw): settle the front request and drain the queue.
pub fn async_generator_complete(
    vm: &mut Vm,
    g: ObjRef,
    value: Value,
    is_throw: bool,
) -> JsResult<()> {
    set_state(vm, g, GeneratorState::Completed);
    if let Some(p) = pop_front(vm, g) {
        if is_throw {
            super::promise::reject_promise(vm, p.value(), value);
        } else {
            let r = iterators::create_iter_result_object(vm, value, true);
            super::promise::resolve_promise(vm, p.value(), r)?;
        }
    }
    resume_next(vm, g)
}
