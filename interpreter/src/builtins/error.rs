//! 20.5 Error objects: Error, the NativeError constructors, AggregateError and SuppressedError.

use super::arg;
use crate::abstract_ops::iterators;
use crate::heap::ObjRef;
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

const NATIVE_ERRORS: [&str; 6] = [
    "EvalError",
    "RangeError",
    "ReferenceError",
    "SyntaxError",
    "TypeError",
    "URIError",
];

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let error_proto = vm.new_plain_object(op);
    let realm = vm.stack.realm as usize;
    vm.realms[realm]
        .error_prototypes
        .insert("Error", error_proto);
    let error = vm.make_constructor("Error", 1, error_call, Some(error_construct), error_proto);
    vm.define_method(error, "captureStackTrace", 1, capture_stack_trace);
    // V8's limit on the frames a new error records (see Vm::stack_trace_limit).
    let limit = PropertyKey::String(vm.agent.names.stack_trace_limit);
    vm.define_data(error, limit, Value::int32(10), attrs::DEFAULT);
    vm.define_method(error, "isError", 1, is_error);
    let name = vm.string("Error");
    let nk = PropertyKey::String(vm.agent.names.name);
    vm.define_data(error_proto, nk, name, attrs::HIDDEN);
    let empty = vm.string("");
    let mk = PropertyKey::String(vm.agent.names.message);
    vm.define_data(error_proto, mk, empty, attrs::HIDDEN);
    vm.define_method(error_proto, "toString", 0, to_string);
    // The error-stack-accessor proposal: `stack` is an accessor of %Error.prototype%, and
    // instances have no own `stack`.
    let getter = vm.native_function("get stack", 0, get_stack, None);
    let setter = vm.native_function("set stack", 1, set_stack, None);
    let sk = PropertyKey::String(vm.agent.names.stack);
    vm.define_own_property_raw(
        error_proto,
        sk,
        crate::object::Property {
            slot: crate::object::Slot::Accessor {
                get: getter.value(),
                set: setter.value(),
            },
            attrs: attrs::CONFIGURABLE | attrs::ACCESSOR,
        },
    );
    for kind in NATIVE_ERRORS {
        error_kind(
            vm,
            (error, error_proto),
            kind,
            1,
            native_error_call,
            native_error_construct,
        );
    }
    error_kind(
        vm,
        (error, error_proto),
        "AggregateError",
        2,
        aggregate_call,
        aggregate_construct,
    );
    error_kind(
        vm,
        (error, error_proto),
        "SuppressedError",
        3,
        suppressed_call,
        suppressed_construct,
    );
}

/// A constructor whose prototype inherits from %Error.prototype% (`parent`: %Error% and its
/// prototype), with the prototype's `name` and empty `message`: the NativeErrors,
/// AggregateError and SuppressedError.
fn error_kind(
    vm: &mut Vm,
    (error, error_proto): (ObjRef, ObjRef),
    kind: &'static str,
    length: u32,
    call: crate::object::NativeFn,
    construct: crate::object::NativeCtor,
) {
    let proto = vm.new_plain_object(error_proto);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].error_prototypes.insert(kind, proto);
    let ctor = vm.make_constructor(kind, length, call, Some(construct), proto);
    vm.obj_mut(ctor).proto = Some(error);
    let name = vm.string(kind);
    let nk = PropertyKey::String(vm.agent.names.name);
    vm.define_data(proto, nk, name, attrs::HIDDEN);
    let empty = vm.string("");
    let mk = PropertyKey::String(vm.agent.names.message);
    vm.define_data(proto, mk, empty, attrs::HIDDEN);
}

/// The name of the constructor being called (its `name` property).
fn callee_kind(vm: &mut Vm) -> &'static str {
    let Some(f) = vm.stack.current_native else {
        return "Error";
    };
    let realm = vm.stack.realm as usize;
    for (name, ctor) in &vm.realms[realm].constructors {
        if *ctor == f {
            return name;
        }
    }
    "Error"
}

/// 20.5.1.1 Error ( message [ , options ] ), shared by the NativeErrors, without the `stack`
/// property.
fn create(
    vm: &mut Vm,
    kind: &'static str,
    new_target: Value,
    message: Value,
    options: Value,
) -> JsResult<ObjRef> {
    let proto = match new_target.as_object() {
        Some(_) => {
            let fallback = vm.intrinsics().error_prototype(kind);
            let pk = PropertyKey::String(vm.agent.names.prototype);
            let nt = new_target.as_object().expect("object");
            let p = vm.get(nt, pk, new_target)?;
            match p.as_object() {
                Some(p) => p,
                None => {
                    let realm = vm.function_realm(nt)?;
                    let _ = fallback;
                    vm.realms[realm as usize].error_prototype(kind)
                }
            }
        }
        None => vm.intrinsics().error_prototype(kind),
    };
    let o = vm.alloc(Object::new(Some(proto), ObjectKind::Error));
    // ToString of the message and the `cause` lookup can run JavaScript.
    vm.with_roots(&[o.value()], |vm| {
        install_message_and_cause(vm, o, message, options)
    })?;
    Ok(o)
}

/// [`create`], then the `stack` property.
fn make(
    vm: &mut Vm,
    kind: &'static str,
    new_target: Value,
    message: Value,
    options: Value,
) -> JsResult<ObjRef> {
    let o = create(vm, kind, new_target, message, options)?;
    vm.attach_stack(o);
    Ok(o)
}

fn install_message_and_cause(
    vm: &mut Vm,
    o: ObjRef,
    message: Value,
    options: Value,
) -> JsResult<()> {
    if !message.is_undefined() {
        let m = vm.to_string(message)?;
        let mk = PropertyKey::String(vm.agent.names.message);
        vm.define_data(o, mk, m.value(), attrs::HIDDEN);
    }
    // 20.5.8.1 InstallErrorCause
    if let Some(opts) = options.as_object() {
        let ck = PropertyKey::String(vm.agent.names.cause);
        if vm.has_property(opts, ck)? {
            let cause = vm.get(opts, ck, options)?;
            vm.define_data(o, ck, cause, attrs::HIDDEN);
        }
    }
    Ok(())
}

fn error_call(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    Ok(make(vm, "Error", Value::UNDEFINED, arg(args, 0), arg(args, 1))?.value())
}

fn error_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    Ok(make(vm, "Error", nt.value(), arg(args, 0), arg(args, 1))?.value())
}

fn native_error_call(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let kind = callee_kind(vm);
    Ok(make(vm, kind, Value::UNDEFINED, arg(args, 0), arg(args, 1))?.value())
}

fn native_error_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let kind = callee_kind(vm);
    Ok(make(vm, kind, nt.value(), arg(args, 0), arg(args, 1))?.value())
}

/// 20.5.7.1 AggregateError ( errors, message [ , options ] )
fn aggregate(vm: &mut Vm, nt: Value, args: &[Value]) -> JsResult<Value> {
    let o = make(vm, "AggregateError", nt, arg(args, 1), arg(args, 2))?;
    vm.root(o.value());
    let errors = iterators::iterate_to_vec(vm, arg(args, 0))?;
    let list = vm.new_array(errors);
    let key = vm.key("errors");
    vm.define_data(o, key, list.value(), attrs::HIDDEN);
    Ok(o.value())
}

fn aggregate_call(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    aggregate(vm, Value::UNDEFINED, args)
}

fn aggregate_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    aggregate(vm, nt.value(), args)
}

/// SuppressedError ( error, suppressed, message ) (`sec-suppressederror-constructor`)
fn suppressed(vm: &mut Vm, nt: Value, args: &[Value]) -> JsResult<Value> {
    // 1-3. OrdinaryCreateFromConstructor, then the message (ToString can run JavaScript). It
    // takes no options: there is no `cause`.
    let o = create(vm, "SuppressedError", nt, arg(args, 2), Value::UNDEFINED)?;
    // 4-5. `error`, then `suppressed`, in that order of keys: right after `message`, so the
    // engine's own `stack` comes last.
    define_suppressed(vm, o, arg(args, 0), arg(args, 1));
    vm.attach_stack(o);
    Ok(o.value())
}

fn define_suppressed(vm: &mut Vm, o: ObjRef, error: Value, suppressed: Value) {
    let key = vm.key("error");
    vm.define_data(o, key, error, attrs::HIDDEN);
    let key = vm.key("suppressed");
    vm.define_data(o, key, suppressed, attrs::HIDDEN);
}

fn suppressed_call(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    suppressed(vm, Value::UNDEFINED, args)
}

fn suppressed_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    suppressed(vm, nt.value(), args)
}

/// "A newly created SuppressedError object" with `error` and `suppressed`, as DisposeResources
/// makes one when a disposer throws after an earlier error: no message of its own, as the
/// spec gives it none.
pub fn new_suppressed_error(vm: &mut Vm, error: Value, suppressed: Value) -> Value {
    let proto = vm.intrinsics().error_prototype("SuppressedError");
    let o = vm.alloc(Object::new(Some(proto), ObjectKind::Error));
    define_suppressed(vm, o, error, suppressed);
    vm.attach_stack(o);
    o.value()
}

/// Error.captureStackTrace ( targetObject [ , constructorOpt ] ) (V8's): an own `stack` data
/// property on the object, with its message line and the frames of the code that called,
/// below the most recent call of `constructorOpt` when it is a function.
fn capture_stack_trace(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let Some(o) = arg(args, 0).as_object() else {
        return Err(vm.type_error("Error.captureStackTrace: the target is not an object"));
    };
    let above = Some(arg(args, 1)).filter(|&f| vm.is_callable(f));
    vm.define_stack_property(o, above);
    Ok(Value::UNDEFINED)
}

/// get Error.prototype.stack (the error-stack-accessor proposal)
fn get_stack(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    // 1-2. A non-object receiver is a TypeError.
    let Some(o) = this.as_object() else {
        return Err(vm.type_error("get Error.prototype.stack called on a non-object"));
    };
    // 3. An object without [[ErrorData]] has no stack.
    if !matches!(vm.obj(o).kind, ObjectKind::Error) {
        return Ok(Value::UNDEFINED);
    }
    // 4. The text recorded when the error was made (an error made without one has its message
    // line alone).
    match vm.error_stack(o) {
        Some(text) => Ok(text),
        None => {
            let text = to_string(vm, this, &[])?;
            vm.set_error_stack(o, text);
            Ok(text)
        }
    }
}

/// set Error.prototype.stack (the error-stack-accessor proposal)
fn set_stack(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    // 1-2. A non-object receiver is a TypeError.
    if !this.is_object() {
        return Err(vm.type_error("set Error.prototype.stack called on a non-object"));
    }
    // 3. The value must already be a string: no coercion.
    let v = arg(args, 0);
    if !v.is_string() {
        return Err(vm.type_error("Error.prototype.stack can only be set to a string"));
    }
    // 4. An own data property on the receiver, never on %Error.prototype% itself.
    let home = vm.intrinsics().error_prototype("Error");
    let key = PropertyKey::String(vm.agent.names.stack);
    super::iterator_helpers::setter_that_ignores_prototype_properties(vm, this, home, key, v)?;
    Ok(Value::UNDEFINED)
}

/// 20.5.3.4 Error.prototype.toString
fn to_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let Some(o) = this.as_object() else {
        return Err(vm.type_error("Error.prototype.toString called on non-object"));
    };
    let nk = PropertyKey::String(vm.agent.names.name);
    let name = vm.get(o, nk, this)?;
    let name = if name.is_undefined() {
        "Error".to_string()
    } else {
        vm.to_rust_string(name)?
    };
    let mk = PropertyKey::String(vm.agent.names.message);
    let msg = vm.get(o, mk, this)?;
    let msg = if msg.is_undefined() {
        String::new()
    } else {
        vm.to_rust_string(msg)?
    };
    let text = if name.is_empty() {
        msg
    } else if msg.is_empty() {
        name
    } else {
        format!("{name}: {msg}")
    };
    Ok(vm.string(&text))
}

/// Error.isError ( arg ): whether `arg` has an [[ErrorData]] slot (any realm, not spoofable).
fn is_error(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::boolean(arg(args, 0).as_object().is_some_and(|o| {
        matches!(vm.obj(o).kind, ObjectKind::Error)
    })))
}
