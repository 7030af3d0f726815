//! `console` and `print`: output with Node-like formatting of values (`util.inspect` style).

use crate::heap::ObjRef;
use crate::object::{Elements, ObjectKind, PropertyKey, Slot, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let console = vm.new_plain_object(op);
    vm.define_global("console", console.value());
    vm.define_method(console, "log", 0, log);
    vm.define_method(console, "info", 0, log);
    vm.define_method(console, "debug", 0, log);
    vm.define_method(console, "error", 0, error);
    vm.define_method(console, "warn", 0, error);
    let print = vm.native_function("print", 1, log, None);
    vm.define_global("print", print.value());
}

/// `console.log`'s line for `args`.
pub fn format_log(vm: &mut Vm, args: &[Value]) -> String {
    let parts: Vec<String> = args
        .iter()
        .map(|&v| match v.as_string() {
            Some(s) => vm.rust_string(s),
            None => inspect(vm, v),
        })
        .collect();
    parts.join(" ")
}

fn log(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let text = format_log(vm, args);
    vm.host.print(&text);
    Ok(Value::UNDEFINED)
}

fn error(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let text = format_log(vm, args);
    vm.host.print_error(&text);
    Ok(Value::UNDEFINED)
}

/// A value as Node's `util.inspect` shows it (depth 2, no getters run).
pub fn inspect(vm: &mut Vm, v: Value) -> String {
    let mut seen = Vec::new();
    inspect_at(vm, v, 0, &mut seen)
}

fn quote(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\'', "\\'").replace('\n', "\\n"))
    }
}

fn data(vm: &Vm, o: ObjRef, key: PropertyKey) -> Option<Value> {
    match vm.own_property_raw(o, key)?.slot {
        Slot::Data(v) => Some(v),
        _ => None,
    }
}

fn function_name(vm: &Vm, o: ObjRef) -> String {
    data(vm, o, PropertyKey::String(vm.names.name))
        .and_then(|v| v.as_string())
        .map(|s| vm.rust_string(s))
        .unwrap_or_default()
}

fn constructor_name(vm: &Vm, o: ObjRef) -> Option<String> {
    let proto = vm.obj(o).proto?;
    let ctor = data(vm, proto, PropertyKey::String(vm.names.constructor))?.as_object()?;
    let name = function_name(vm, ctor);
    (!name.is_empty()).then_some(name)
}

fn inspect_at(vm: &mut Vm, v: Value, depth: usize, seen: &mut Vec<ObjRef>) -> String {
    if let Some(s) = v.as_string() {
        let text = vm.rust_string(s);
        return quote(&text);
    }
    if let Some(b) = v.as_bigint() {
        return format!("{}n", vm.bigint(b));
    }
    if let Some(s) = v.as_symbol() {
        return super::symbol::descriptive_string(vm, s);
    }
    if let Some(n) = v.as_number() {
        if n == 0.0 && n.is_sign_negative() {
            return "-0".to_string();
        }
        return crate::number_conversion::number_to_string(n);
    }
    let Some(o) = v.as_object() else {
        return match v.as_bool() {
            Some(b) => b.to_string(),
            None if v.is_null() => "null".to_string(),
            None => "undefined".to_string(),
        };
    };
    if seen.contains(&o) {
        return "[Circular *1]".to_string();
    }
    if vm.is_callable(v) {
        let name = function_name(vm, o);
        let class = matches!(&vm.obj(o).kind, ObjectKind::Function(c) if c.is_class_constructor);
        let kind = if class { "class" } else { "Function" };
        return if name.is_empty() {
            format!("[{kind} (anonymous)]")
        } else if class {
            format!("[class {name}]")
        } else {
            format!("[Function: {name}]")
        };
    }
    if let ObjectKind::Error = vm.obj(o).kind
        && let Some(stack) =
            data(vm, o, PropertyKey::String(vm.names.stack)).and_then(|s| s.as_string())
    {
        return vm.rust_string(stack);
    }
    let prefix = match &vm.obj(o).kind {
        ObjectKind::Boolean(b) => return format!("[Boolean: {b}]"),
        ObjectKind::Number(n) => {
            return format!(
                "[Number: {}]",
                crate::number_conversion::number_to_string(*n)
            );
        }
        ObjectKind::String(s) => {
            let s = *s;
            return format!("[String: {}]", quote(&vm.rust_string(s)));
        }
        ObjectKind::Symbol(_) => return "[Symbol]".to_string(),
        ObjectKind::RegExp(d) => {
            let src = d
                .source
                .as_string()
                .map(|s| vm.rust_string(s))
                .unwrap_or_default();
            return format!("/{src}/{}", d.flags);
        }
        ObjectKind::Promise(_) if depth > 2 => return "[Promise]".to_string(),
        ObjectKind::Promise(p) => {
            let state = match p.state {
                crate::object::PromiseState::Pending => "<pending>".to_string(),
                crate::object::PromiseState::Fulfilled => {
                    let r = p.result;
                    seen.push(o);
                    let t = inspect_at(vm, r, depth + 1, seen);
                    seen.pop();
                    t
                }
                crate::object::PromiseState::Rejected => {
                    let r = p.result;
                    seen.push(o);
                    let t = inspect_at(vm, r, depth + 1, seen);
                    seen.pop();
                    format!("<rejected> {t}")
                }
            };
            return format!("Promise {{ {state} }}");
        }
        ObjectKind::Map(m) => {
            let entries: Vec<(Value, Value)> = m.live_entries().collect();
            if depth > 2 {
                return "[Map]".to_string();
            }
            seen.push(o);
            let parts: Vec<String> = entries
                .iter()
                .map(|&(k, v)| {
                    format!(
                        "{} => {}",
                        inspect_at(vm, k, depth + 1, seen),
                        inspect_at(vm, v, depth + 1, seen)
                    )
                })
                .collect();
            seen.pop();
            return format!("Map({}) {{{}}}", parts.len(), wrap(&parts));
        }
        ObjectKind::Set(m) => {
            let entries: Vec<Value> = m.live_entries().map(|(k, _)| k).collect();
            if depth > 2 {
                return "[Set]".to_string();
            }
            seen.push(o);
            let parts: Vec<String> = entries
                .iter()
                .map(|&k| inspect_at(vm, k, depth + 1, seen))
                .collect();
            seen.pop();
            return format!("Set({}) {{{}}}", parts.len(), wrap(&parts));
        }
        ObjectKind::TypedArray(ta) => {
            let ta = **ta;
            let len = super::typed_array::length_of(vm, &ta).unwrap_or(0);
            let mut parts: Vec<String> = (0..len.min(100))
                .map(|i| {
                    let v = super::typed_array::get_element(vm, &ta, i as f64);
                    inspect_at(vm, v, depth + 1, seen)
                })
                .collect();
            if len > 100 {
                parts.push(format!("... {} more items", len - 100));
            }
            return format!("{}({len}) [{}]", ta.element.name(), wrap(&parts));
        }
        ObjectKind::ArrayBuffer(b) => {
            let class = if b.shared {
                "SharedArrayBuffer"
            } else {
                "ArrayBuffer"
            };
            if b.detached {
                return format!("{class} {{ (detached), byteLength: 0 }}");
            }
            let bytes: Vec<String> = b
                .bytes
                .to_vec(0..b.bytes.len().min(50))
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect();
            let more = if b.bytes.len() > 50 {
                format!(" ... {} more bytes", b.bytes.len() - 50)
            } else {
                String::new()
            };
            return format!(
                "{class} {{ [Uint8Contents]: <{}{more}>, byteLength: {} }}",
                bytes.join(" "),
                b.bytes.len()
            );
        }
        ObjectKind::Date(t) => {
            return if t.is_nan() {
                "Invalid Date".to_string()
            } else {
                super::date::iso_string(*t)
            };
        }
        ObjectKind::Array => "",
        _ => "",
    };
    let _ = prefix;
    let is_array = vm.obj(o).is_array();
    if depth > 2 {
        return if is_array {
            "[Array]".to_string()
        } else {
            "[Object]".to_string()
        };
    }
    seen.push(o);
    let mut parts = Vec::new();
    if is_array {
        let len = vm.obj(o).length;
        let mut holes = 0;
        for i in 0..len.min(100) {
            let present = match &vm.obj(o).elements {
                Elements::Dense(e) => e.get(i as usize).is_some_and(|x| !x.is_hole()),
                Elements::Sparse(m) => m.contains_key(&i),
            };
            if !present {
                holes += 1;
                continue;
            }
            if holes > 0 {
                parts.push(format!(
                    "<{holes} empty item{}>",
                    if holes > 1 { "s" } else { "" }
                ));
                holes = 0;
            }
            let item = match vm
                .own_property_raw(o, PropertyKey::Index(i))
                .map(|p| p.slot)
            {
                Some(Slot::Data(x)) => inspect_at(vm, x, depth + 1, seen),
                Some(Slot::Accessor { .. }) => "[Getter/Setter]".to_string(),
                None => "undefined".to_string(),
            };
            parts.push(item);
        }
        if holes > 0 {
            parts.push(format!(
                "<{holes} empty item{}>",
                if holes > 1 { "s" } else { "" }
            ));
        }
        if len > 100 {
            parts.push(format!("... {} more items", len - 100));
        }
    }
    let keys = vm.own_property_keys(o).unwrap_or_default();
    for key in keys {
        if is_array
            && (matches!(key, PropertyKey::Index(_)) || key == PropertyKey::String(vm.names.length))
        {
            continue;
        }
        let Some(p) = vm.own_property_raw(o, key) else {
            continue;
        };
        if p.attrs & attrs::ENUMERABLE == 0 {
            continue;
        }
        let name = match key {
            PropertyKey::String(a) => {
                let text = vm.atoms.to_rust(a);
                let plain = text
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                    && text
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
                if plain { text } else { quote(&text) }
            }
            PropertyKey::Index(i) => i.to_string(),
            PropertyKey::Symbol(s) => format!("[{}]", super::symbol::descriptive_string(vm, s)),
        };
        let value = match p.slot {
            Slot::Data(x) => inspect_at(vm, x, depth + 1, seen),
            Slot::Accessor { get, set } => match (get.is_undefined(), set.is_undefined()) {
                (false, false) => "[Getter/Setter]".to_string(),
                (false, true) => "[Getter]".to_string(),
                _ => "[Setter]".to_string(),
            },
        };
        parts.push(format!("{name}: {value}"));
    }
    seen.pop();
    if is_array {
        return if parts.is_empty() {
            "[]".to_string()
        } else {
            format!("[{}]", wrap(&parts))
        };
    }
    let name = constructor_name(vm, o);
    let head = match name.as_deref() {
        Some("Object") => String::new(),
        Some(n) => format!("{n} "),
        None if vm.obj(o).proto.is_none() => "[Object: null prototype] ".to_string(),
        None => String::new(),
    };
    if parts.is_empty() {
        return format!("{head}{{}}");
    }
    format!("{head}{{{}}}", wrap(&parts))
}

/// ` a, b ` on one line when short, otherwise one item per line.
fn wrap(parts: &[String]) -> String {
    let total: usize = parts.iter().map(|p| p.len() + 2).sum();
    if total <= 72 && parts.iter().all(|p| !p.contains('\n')) {
        format!(" {} ", parts.join(", "))
    } else {
        let inner: Vec<String> = parts
            .iter()
            .map(|p| format!("  {}", p.replace('\n', "\n  ")))
            .collect();
        format!("\n{}\n", inner.join(",\n"))
    }
}
