//! ShadowRealm (the TC39 proposal test262 tests under `ShadowRealm`): a realm of its own, built
//! from the realm template like every other, whose values cross the boundary only as
//! primitives or as wrapped functions (callable boundary).

use super::{arg, promise};
use crate::heap::{ObjRef, Traced};
use crate::object::{HostObject, Object, ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};
use kiln_compiler::CodeKind;
use std::rc::Rc;

/// [[ShadowRealm]]: the realm a ShadowRealm object evaluates in (its index, which keeps the
/// realm alive while the object lives).
struct ShadowRealmData {
    realm: u32,
}

impl HostObject for ShadowRealmData {
    fn trace(&self, out: &mut Vec<Traced>) {
        out.push(Traced::Realm(self.realm));
    }
}

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    vm.make_constructor(
        "ShadowRealm",
        0,
        super::requires_new,
        Some(construct),
        proto,
    );
    vm.define_method(proto, "evaluate", 1, evaluate);
    vm.define_method(proto, "importValue", 2, import_value);
    let tag = vm.agent.symbols.to_string_tag;
    let t = vm.string("ShadowRealm");
    vm.define_data(proto, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].shadow_realm_prototype = proto;
}

/// ShadowRealm ( ): a new realm, set up by the host as any other.
fn construct(vm: &mut Vm, _: &[Value], nt: ObjRef) -> JsResult<Value> {
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.shadow_realm_prototype)?;
    let realm = vm.create_realm();
    let data: Rc<dyn HostObject> = Rc::new(ShadowRealmData { realm });
    Ok(vm
        .alloc(Object::new(Some(proto), ObjectKind::HostData(data)))
        .value())
}

/// ValidateShadowRealmObject: the realm of a ShadowRealm `this`.
fn this_realm(vm: &mut Vm, this: Value, method: &str) -> JsResult<u32> {
    if let Some(o) = this.as_object()
        && let ObjectKind::HostData(d) = &vm.obj(o).kind
        && let Some(data) = d.downcast::<ShadowRealmData>()
    {
        return Ok(data.realm);
    }
    Err(vm.type_error(&format!(
        "Method ShadowRealm.prototype.{method} called on incompatible receiver"
    )))
}

/// ShadowRealm.prototype.evaluate ( sourceText )
fn evaluate(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let eval_realm = this_realm(vm, this, "evaluate")?;
    let source = arg(args, 0);
    let Some(text) = source.as_string() else {
        return Err(vm.type_error("ShadowRealm.prototype.evaluate: the source is not a string"));
    };
    let text = vm.source_text(text)?;
    perform_shadow_realm_eval(vm, &text, eval_realm)
}

/// PerformShadowRealmEval ( sourceText, callerRealm, evalRealm ): the text as an indirect eval
/// in the other realm. A syntax error is the caller's SyntaxError; any other abrupt completion
/// becomes the caller's TypeError, so no object crosses the boundary.
fn perform_shadow_realm_eval(vm: &mut Vm, text: &str, eval_realm: u32) -> JsResult<Value> {
    let caller_realm = vm.stack.realm;
    vm.stack.realm = eval_realm;
    let allowed = vm.ensure_can_compile_strings();
    vm.stack.realm = caller_realm;
    if let Err(e) = allowed {
        return Err(boundary_error(vm, e, "evaluate"));
    }
    let kind = CodeKind::Eval { strict: false };
    let stats = &mut crate::eval::CompileStats::default();
    let verified = match crate::eval::compile_code(text, kind, None, stats) {
        Ok(v) => v,
        Err(crate::eval::CompileFailure::Syntax(d)) => return Err(vm.syntax_error(&d.message)),
        Err(crate::eval::CompileFailure::Archive(e)) => return Err(vm.type_error(&e.to_string())),
    };
    vm.stack.realm = eval_realm;
    let script = crate::eval::load_verified(vm, verified, text, "ShadowRealm.evaluate");
    let result = vm.run_top_level(script);
    vm.stack.realm = caller_realm;
    match result {
        Ok(v) => vm.with_roots(&[v], |vm| get_wrapped_value(vm, caller_realm, v)),
        Err(e) => Err(boundary_error(vm, e, "evaluate")),
    }
}

/// The caller's TypeError for an error of the other realm (its message, when it has one, so
/// the cause stays visible); a termination passes through.
fn boundary_error(vm: &mut Vm, e: JsError, what: &str) -> JsError {
    let JsError::Throw(v) = e else { return e };
    let detail = v
        .as_object()
        .and_then(|o| {
            let key = PropertyKey::String(vm.agent.names.message);
            vm.get_data_along_chain(o, key)
        })
        .and_then(|m| m.as_string())
        .map(|m| vm.rust_string(m));
    match detail {
        Some(m) => vm.type_error(&format!("ShadowRealm {what}: the other realm threw: {m}")),
        None => vm.type_error(&format!("ShadowRealm {what}: the other realm threw")),
    }
}

/// GetWrappedValue ( callerRealm, value ): a primitive as it is, a callable as a new wrapped
/// function of `realm`; any other object is a TypeError.
fn get_wrapped_value(vm: &mut Vm, realm: u32, v: Value) -> JsResult<Value> {
    let Some(target) = v.as_object() else {
        return Ok(v);
    };
    if !vm.is_callable(v) {
        return Err(vm.type_error("ShadowRealm: only primitives and callables cross the boundary"));
    }
    wrapped_function_create(vm, realm, target)
}

/// WrappedFunctionCreate ( callerRealm, Target ): a function of `realm` (its prototype is that
/// realm's %Function.prototype%) that calls `target` across the boundary.
fn wrapped_function_create(vm: &mut Vm, realm: u32, target: ObjRef) -> JsResult<Value> {
    let saved = vm.stack.realm;
    vm.stack.realm = realm;
    let wrapped = vm.native_closure("", 0, wrapped_call, vec![target.value()]);
    vm.stack.realm = saved;
    // CopyNameAndLength; an abrupt completion is a TypeError.
    let copied = vm.with_roots(&[wrapped.value()], |vm| {
        copy_name_and_length(vm, wrapped, target)
    });
    match copied {
        Ok(()) => Ok(wrapped.value()),
        Err(e) => Err(boundary_error(vm, e, "wrapping a function")),
    }
}

/// CopyNameAndLength ( F, Target ) with no prefix and no bound arguments.
fn copy_name_and_length(vm: &mut Vm, f: ObjRef, target: ObjRef) -> JsResult<()> {
    let length_key = PropertyKey::String(vm.agent.names.length);
    let mut length = 0.0;
    if vm.get_own_property(target, length_key)?.is_some() {
        let l = vm.get(target, length_key, target.value())?;
        if let Some(n) = l.as_number() {
            if n == f64::INFINITY {
                length = f64::INFINITY;
            } else if n.is_finite() {
                length = n.trunc().max(0.0);
            }
        }
    }
    vm.define_data(f, length_key, Value::number(length), attrs::CONFIGURABLE);
    let name_key = PropertyKey::String(vm.agent.names.name);
    let name = vm.get(target, name_key, target.value())?;
    let name = if name.is_string() {
        name
    } else {
        vm.string("")
    };
    vm.define_data(f, name_key, name, attrs::CONFIGURABLE);
    Ok(())
}

/// [[Call]] of a wrapped function exotic object: OrdinaryWrappedFunctionCall. The native runs
/// in the wrapper's realm (the caller's); the arguments and `this` are wrapped into the
/// target's realm, the result back into the caller's, and a throw becomes the caller's
/// TypeError.
fn wrapped_call(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let caller_realm = vm.stack.realm;
    let Some(target) = vm.native_data().first().and_then(|t| t.as_object()) else {
        return Err(vm.type_error("ShadowRealm: a wrapped function without a target"));
    };
    let target_realm = vm.function_realm(target)?;
    vm.handle_scope(|vm| {
        let mut wrapped_args = Vec::with_capacity(args.len());
        for &a in args {
            let w = get_wrapped_value(vm, target_realm, a)?;
            vm.root(w);
            wrapped_args.push(w);
        }
        let wrapped_this = get_wrapped_value(vm, target_realm, this)?;
        vm.root(wrapped_this);
        match vm.call(target.value(), wrapped_this, &wrapped_args) {
            Ok(v) => {
                vm.root(v);
                get_wrapped_value(vm, caller_realm, v)
            }
            Err(e) => Err(boundary_error(vm, e, "wrapped function")),
        }
    })
}

/// ShadowRealm.prototype.importValue ( specifier, exportName ): the module loaded and
/// evaluated in the other realm (resolved against the calling script, as `import()` there
/// would be), then a promise of the caller's realm for its export, wrapped.
///
/// The runtime has one module map for all its realms, so a module some other realm of the
/// runtime loaded already is that realm's instance; only wrapped values cross either way.
fn import_value(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let eval_realm = this_realm(vm, this, "importValue")?;
    let specifier = vm.to_string(arg(args, 0))?;
    let export_name = arg(args, 1);
    if !export_name.is_string() {
        return Err(
            vm.type_error("ShadowRealm.prototype.importValue: the export name is not a string")
        );
    }
    let specifier = vm.rust_string(specifier);
    let referrer = vm
        .stack
        .frames
        .last()
        .map(|f| f.script.to_rc().name.to_string())
        .unwrap_or_default();
    let caller_realm = vm.stack.realm;
    // In the other realm: HostLoadImportedModule, then its evaluation, as `import()` does.
    vm.stack.realm = eval_realm;
    let inner = vm.import_from(&specifier, &referrer);
    let inner = match inner {
        Ok(p) if promise::is_promise(vm, p) => p,
        Ok(ns) => promise::resolved(vm, ns),
        Err(JsError::Throw(e)) => promise::rejected(vm, e),
        Err(e) => {
            vm.stack.realm = caller_realm;
            return Err(e);
        }
    };
    vm.stack.realm = caller_realm;
    vm.with_roots(&[inner], |vm| {
        let on_fulfilled = vm.native_closure("", 1, export_getter, vec![export_name]);
        vm.root(on_fulfilled.value());
        let on_rejected = vm.native_function("", 1, import_failed, None);
        vm.root(on_rejected.value());
        let result = promise::new_promise(vm).value();
        vm.root(result);
        promise::perform_then(
            vm,
            inner,
            on_fulfilled.value(),
            on_rejected.value(),
            Some(result),
        )?;
        Ok(result)
    })
}

/// The ExportGetter of importValue: the named export of the namespace, wrapped for the caller
/// (whose realm this function has); a missing export is a TypeError.
fn export_getter(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let Some(name) = vm.native_data().first().copied() else {
        return Err(vm.type_error("ShadowRealm.prototype.importValue: no export name"));
    };
    let Some(ns) = arg(args, 0).as_object() else {
        return Err(vm.type_error("ShadowRealm.prototype.importValue: no module namespace"));
    };
    let key = vm.to_property_key(name)?;
    if !vm.has_property(ns, key)? {
        let n = vm.to_rust_string(name)?;
        return Err(vm.type_error(&format!(
            "ShadowRealm.prototype.importValue: the module has no export '{n}'"
        )));
    }
    let v = vm.get(ns, key, ns.value())?;
    let realm = vm.stack.realm;
    vm.with_roots(&[v], |vm| get_wrapped_value(vm, realm, v))
}

/// The rejection handler of importValue: the caller's TypeError, whatever the other realm
/// threw.
fn import_failed(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    Err(boundary_error(
        vm,
        JsError::Throw(arg(args, 0)),
        "importValue",
    ))
}
