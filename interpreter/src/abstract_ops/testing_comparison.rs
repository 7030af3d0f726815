//! 7.2 Testing and Comparison Operations that live outside `ops.rs` (where SameValue,
//! IsStrictlyEqual, IsLessThan and the rest are `Vm` methods): IsArray and IsRegExp.

use crate::object::{ObjectKind, PropertyKey};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

/// 7.2.2 IsArray (proxies forward to their target: a loop, since a chain of proxies can be
/// as long as memory allows).
pub fn is_array(vm: &mut Vm, v: Value) -> JsResult<bool> {
    let Some(mut o) = v.as_object() else {
        return Ok(false);
    };
    loop {
        match vm.obj(o).kind {
            ObjectKind::Array => return Ok(true),
            ObjectKind::Proxy { target, .. } => match target {
                Some(t) => o = t,
                None => {
                    return Err(
                        vm.type_error("Cannot perform 'IsArray' on a proxy that has been revoked")
                    );
                }
            },
            _ => return Ok(false),
        }
    }
}

/// 7.2.8 IsRegExp
pub fn is_regexp(vm: &mut Vm, v: Value) -> JsResult<bool> {
    let Some(o) = v.as_object() else {
        return Ok(false);
    };
    let key = PropertyKey::Symbol(vm.agent.symbols.match_);
    let matcher = vm.get(o, key, v)?;
    if !matcher.is_undefined() {
        return Ok(vm.to_boolean(matcher));
    }
    Ok(matches!(vm.obj(o).kind, ObjectKind::RegExp(_)))
}
