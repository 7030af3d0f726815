//! 28.2 The Proxy constructor and `Proxy.revocable`. A proxy's internal methods (10.5) are in
//! `proxy_object.rs`.

use super::arg;
use crate::heap::ObjRef;
use crate::object::{Object, ObjectKind, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let ctor = vm.native_function("Proxy", 2, proxy_call, Some(proxy_construct));
    vm.define_global("Proxy", ctor.value());
    vm.define_method(ctor, "revocable", 2, revocable);
}

fn proxy_call(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Err(vm.type_error("Constructor Proxy requires 'new'"))
}

/// 10.5.14 ProxyCreate
fn create(vm: &mut Vm, target: Value, handler: Value) -> JsResult<ObjRef> {
    let (Some(t), Some(h)) = (target.as_object(), handler.as_object()) else {
        return Err(vm.type_error("Cannot create proxy with a non-object as target or handler"));
    };
    let callable = vm.is_callable(target);
    let constructor = vm.is_constructor(target);
    Ok(vm.alloc(Object::new(
        None,
        ObjectKind::Proxy {
            target: Some(t),
            handler: Some(h),
            callable,
            constructor,
        },
    )))
}

fn proxy_construct(vm: &mut Vm, args: &[Value], _: ObjRef) -> JsResult<Value> {
    Ok(create(vm, arg(args, 0), arg(args, 1))?.value())
}

fn revocable(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let p = create(vm, arg(args, 0), arg(args, 1))?;
    let revoke = vm.native_closure("", 0, revoke_fn, vec![p.value()]);
    let o = vm.new_object();
    let pk = vm.key("proxy");
    let rk = vm.key("revoke");
    vm.define_data(o, pk, p.value(), attrs::DEFAULT);
    vm.define_data(o, rk, revoke.value(), attrs::DEFAULT);
    Ok(o.value())
}

fn revoke_fn(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    if let Some(p) = data.first().and_then(|v| v.as_object())
        && let ObjectKind::Proxy {
            target, handler, ..
        } = &mut vm.obj_mut(p).kind
    {
        *target = None;
        *handler = None;
    }
    if let Some(f) = vm.stack.current_native
        && let ObjectKind::Native(n) = &mut vm.obj_mut(f).kind
    {
        n.data.clear();
    }
    Ok(Value::UNDEFINED)
}
