//! 22.2 RegExp objects, on the `regress` engine.

use super::arg;
use crate::abstract_ops::testing_comparison::is_regexp;
use crate::abstract_ops::{iterators, objects};
use crate::heap::ObjRef;
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
use crate::slots::RegExpData;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use std::rc::Rc;
use std::sync::Arc;

/// The legacy static properties of a realm's `RegExp` (`RegExp.input`, `lastMatch`, `$1`...):
/// the last successful match of a legacy-enabled RegExp of the realm.
#[derive(Clone, Default)]
pub struct LegacyStatics {
    pub input: Rc<[u16]>,
    pub matched: std::ops::Range<usize>,
    pub captures: Vec<Option<std::ops::Range<usize>>>,
}

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].regexp_prototype = proto;
    let ctor = vm.make_constructor("RegExp", 2, regexp_call, Some(regexp_construct), proto);
    vm.define_species_getter(ctor);
    vm.define_method(ctor, "escape", 1, escape);
    define_legacy_accessors(vm, ctor);
    vm.define_method(proto, "exec", 1, exec);
    vm.define_method(proto, "compile", 2, compile);
    vm.define_method(proto, "test", 1, test);
    vm.define_method(proto, "toString", 0, to_string);
    vm.define_getter(proto, "source", source);
    vm.define_getter(proto, "flags", flags);
    for (name, f) in [
        ("dotAll", dot_all as crate::object::NativeFn),
        ("global", global),
        ("hasIndices", has_indices),
        ("ignoreCase", ignore_case),
        ("multiline", multiline),
        ("sticky", sticky),
        ("unicode", unicode),
        ("unicodeSets", unicode_sets),
    ] {
        vm.define_getter(proto, name, f);
    }
    let w = (
        vm.agent.symbols.match_,
        vm.agent.symbols.replace,
        vm.agent.symbols.search,
        vm.agent.symbols.split,
    );
    vm.define_symbol_method(proto, w.0, "[Symbol.match]", 1, symbol_match);
    vm.define_symbol_method(proto, w.1, "[Symbol.replace]", 2, symbol_replace);
    vm.define_symbol_method(proto, w.2, "[Symbol.search]", 1, symbol_search);
    vm.define_symbol_method(proto, w.3, "[Symbol.split]", 2, symbol_split);
    let match_all = vm.agent.symbols.match_all;
    vm.define_symbol_method(proto, match_all, "[Symbol.matchAll]", 1, symbol_match_all);

    let ip = vm.intrinsics().iterator_prototype;
    let iterator_proto = vm.new_plain_object(ip);
    vm.define_method(iterator_proto, "next", 0, string_iterator_next);
    let tag = vm.agent.symbols.to_string_tag;
    let t = vm.string("RegExp String Iterator");
    vm.define_data(
        iterator_proto,
        PropertyKey::Symbol(tag),
        t,
        attrs::CONFIGURABLE,
    );
    vm.realms[realm].regexp_string_iterator_prototype = iterator_proto;
}

/// 22.2.5.1 RegExp.escape ( S )
fn escape(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let Some(s) = arg(args, 0).as_string() else {
        return Err(vm.type_error("RegExp.escape takes a string"));
    };
    let units = vm.units_checked(s)?;
    let mut out: Vec<u16> = Vec::with_capacity(units.len() * 2);
    let push_str = |out: &mut Vec<u16>, text: &str| out.extend(text.encode_utf16());
    for (i, c) in char::decode_utf16(units.iter().copied()).enumerate() {
        match c {
            // A leading digit or ASCII letter.
            Ok(c) if i == 0 && c.is_ascii_alphanumeric() => {
                push_str(&mut out, &format!("\\x{:02x}", c as u32));
            }
            Ok(c) => encode_for_regexp_escape(&mut out, c),
            // A lone surrogate.
            Err(e) => push_str(&mut out, &format!("\\u{:04x}", e.unpaired_surrogate())),
        }
    }
    vm.string_from_long_units(&out)
}

/// 22.2.5.1.1 EncodeForRegExpEscape ( c )
fn encode_for_regexp_escape(out: &mut Vec<u16>, c: char) {
    let push_str = |out: &mut Vec<u16>, text: &str| out.extend(text.encode_utf16());
    if "^$\\.*+?()[]{}|/".contains(c) {
        out.push(u16::from(b'\\'));
        push_str(out, c.encode_utf8(&mut [0; 4]));
        return;
    }
    let control = match c {
        '\t' => Some("\\t"),
        '\n' => Some("\\n"),
        '\u{b}' => Some("\\v"),
        '\u{c}' => Some("\\f"),
        '\r' => Some("\\r"),
        _ => None,
    };
    if let Some(escape) = control {
        push_str(out, escape);
        return;
    }
    let white_space_or_line_terminator = matches!(
        c,
        '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{20}' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    );
    if ",-=<>#&!%:;@~'`\"".contains(c) || white_space_or_line_terminator {
        if (c as u32) <= 0xff {
            push_str(out, &format!("\\x{:02x}", c as u32));
        } else {
            for unit in c.encode_utf16(&mut [0; 2]) {
                push_str(out, &format!("\\u{:04x}", unit));
            }
        }
        return;
    }
    push_str(out, c.encode_utf8(&mut [0; 4]));
}

/// 22.2.6.9 RegExp.prototype [ @@matchAll ] ( string )
fn symbol_match_all(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let r = require_object(vm, this, "[Symbol.matchAll]")?;
    let s = vm.to_string(arg(args, 0))?;
    vm.with_roots(&[s.value()], |vm| {
        let default = vm
            .intrinsics()
            .constructors
            .get("RegExp")
            .map_or(Value::UNDEFINED, |c| c.value());
        let c = objects::species_constructor(vm, r, default)?;
        vm.root(c);
        let fk = vm.key("flags");
        let flags = vm.get(r, fk, r.value())?;
        let flags = vm.to_string(flags)?;
        vm.root(flags.value());
        let matcher = vm.construct(c, &[r.value(), flags.value()], c)?;
        vm.root(matcher);
        let lk = PropertyKey::String(vm.agent.names.last_index);
        let li = vm.get(r, lk, r.value())?;
        let last_index = vm.to_length(li)?;
        let Some(m) = matcher.as_object() else {
            return Err(vm.type_error("The species constructor did not return an object"));
        };
        vm.set_or_throw(m, lk, Value::number(last_index), true)?;
        let f = vm.rust_string(flags);
        let proto = vm.intrinsics().regexp_string_iterator_prototype;
        Ok(vm
            .alloc(Object::new(
                Some(proto),
                ObjectKind::RegExpStringIterator {
                    regexp: matcher,
                    string: s.value(),
                    global: f.contains('g'),
                    unicode: f.contains('u') || f.contains('v'),
                    done: false,
                },
            ))
            .value())
    })
}

/// 22.2.9.2.1 %RegExpStringIteratorPrototype%.next ( )
fn string_iterator_next(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let state = this.as_object().and_then(|o| match vm.obj(o).kind {
        ObjectKind::RegExpStringIterator {
            regexp,
            string,
            global,
            unicode,
            done,
        } => Some((o, regexp, string, global, unicode, done)),
        _ => None,
    });
    let Some((it, regexp, string, global, unicode, done)) = state else {
        return Err(vm.type_error(
            "Method %RegExpStringIterator%.prototype.next called on incompatible receiver",
        ));
    };
    let finish = |vm: &mut Vm| {
        if let ObjectKind::RegExpStringIterator { done, .. } = &mut vm.obj_mut(it).kind {
            *done = true;
        }
        iterators::create_iter_result_object(vm, Value::UNDEFINED, true)
    };
    if done {
        return Ok(finish(vm));
    }
    let Some(r) = regexp.as_object() else {
        return Ok(finish(vm));
    };
    let result = regexp_exec(vm, r, string);
    let m = match result {
        Ok(m) => m,
        Err(e) => {
            finish(vm);
            return Err(e);
        }
    };
    let Some(mo) = m.as_object() else {
        return Ok(finish(vm));
    };
    if !global {
        finish(vm);
        return Ok(iterators::create_iter_result_object(vm, m, false));
    }
    vm.with_roots(&[m], |vm| {
        let first = vm.get(mo, PropertyKey::Index(0), m)?;
        let ms = vm.to_string(first)?;
        if vm.string_len(ms) == 0 {
            let units = match string.as_string() {
                Some(s) => vm.units_checked(s)?.to_vec(),
                None => Vec::new(),
            };
            advance(vm, r, &units, unicode)?;
        }
        Ok(())
    })?;
    Ok(iterators::create_iter_result_object(vm, m, false))
}

/// 22.2.3.1 RegExpCreate / RegExpInitialize for literals and the constructor.
pub fn regexp_create(vm: &mut Vm, pattern: Value, flags: Value) -> JsResult<Value> {
    let proto = vm.intrinsics().regexp_prototype;
    initialize(vm, proto, pattern, flags, true)
}

/// RegExpAlloc and RegExpInitialize: a RegExp with prototype `proto`; `legacy_features` when
/// made by the current realm's own `RegExp`.
fn initialize(
    vm: &mut Vm,
    proto: ObjRef,
    pattern: Value,
    flags: Value,
    legacy_features: bool,
) -> JsResult<Value> {
    let p = if pattern.is_undefined() {
        String::new()
    } else {
        vm.to_rust_string(pattern)?
    };
    let f = if flags.is_undefined() {
        String::new()
    } else {
        vm.to_rust_string(flags)?
    };
    for (i, c) in f.char_indices() {
        if !"dgimsuyv".contains(c) || f[..i].contains(c) {
            return Err(vm.syntax_error(&format!("Invalid regular expression flags '{f}'")));
        }
    }
    if f.contains('u') && f.contains('v') {
        return Err(vm.syntax_error(&format!("Invalid regular expression flags '{f}'")));
    }
    let engine_flags: String = f.chars().filter(|c| "imsuv".contains(*c)).collect();
    let regex = match kiln_parser::compile_regexp(&p, engine_flags.as_str()) {
        Ok(r) => r,
        Err(e) => {
            return Err(vm.syntax_error(&format!("Invalid regular expression: /{p}/{f}: {e}")));
        }
    };
    let source = if p.is_empty() {
        vm.string("(?:)")
    } else {
        let escaped = escape_source(&p);
        vm.string(&escaped)
    };
    let original_source = vm.with_roots(&[source], |vm| vm.string(&p));
    let realm = vm.stack.realm;
    let o = vm.alloc(Object::new(
        Some(proto),
        ObjectKind::RegExp(Box::new(RegExpData {
            regex: Arc::new(regex),
            risky: super::regexp_search::may_backtrack_badly(&p),
            source,
            original_source,
            flags: f,
            realm,
            legacy_features,
        })),
    ));
    let lk = PropertyKey::String(vm.agent.names.last_index);
    vm.define_data(o, lk, Value::int32(0), attrs::WRITABLE);
    Ok(o.value())
}

/// B.2.4.1 RegExp.prototype.compile ( pattern, flags ): reinitialises the receiver in place.
fn compile(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let Some((o, realm, legacy)) = this.as_object().and_then(|o| match &vm.obj(o).kind {
        ObjectKind::RegExp(d) => Some((o, d.realm, d.legacy_features)),
        _ => None,
    }) else {
        return Err(vm.type_error("RegExp.prototype.compile called on incompatible receiver"));
    };
    if realm != vm.stack.realm || !legacy {
        return Err(vm.type_error(
            "RegExp.prototype.compile: only RegExps made by this realm's own RegExp recompile",
        ));
    }
    let (pattern, flags) = (arg(args, 0), arg(args, 1));
    let (p, f) = match pattern.as_object().map(|p| &vm.obj(p).kind) {
        Some(ObjectKind::RegExp(data)) => {
            if !flags.is_undefined() {
                return Err(
                    vm.type_error("Cannot supply flags when constructing one RegExp from another")
                );
            }
            let flags = data.flags.clone();
            (data.original_source, vm.string(&flags))
        }
        _ => (pattern, flags),
    };
    let proto = vm.intrinsics().regexp_prototype;
    let fresh = initialize(vm, proto, p, f, true)?;
    let Some(fresh) = fresh.as_object() else {
        return Ok(this);
    };
    let data = std::mem::replace(&mut vm.obj_mut(fresh).kind, ObjectKind::Ordinary);
    vm.obj_mut(o).kind = data;
    let lk = PropertyKey::String(vm.agent.names.last_index);
    vm.set_or_throw(o, lk, Value::int32(0), true)?;
    Ok(this)
}

/// EscapeRegExpPattern: `/` and line terminators escaped so the source round-trips.
fn escape_source(p: &str) -> String {
    let mut out = String::new();
    let mut in_class = false;
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '[' => {
                in_class = true;
                out.push(c);
            }
            ']' => {
                in_class = false;
                out.push(c);
            }
            '/' if !in_class => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn regexp_call(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let active = vm
        .stack
        .current_native
        .map_or(Value::UNDEFINED, |f| f.value());
    construct_regexp(vm, arg(args, 0), arg(args, 1), None, active)
}

fn regexp_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    construct_regexp(vm, arg(args, 0), arg(args, 1), Some(nt), nt.value())
}

/// 22.2.4.1 RegExp ( pattern, flags ): `new_target` is None for a call, whose NewTarget is the
/// active function `this_constructor`.
fn construct_regexp(
    vm: &mut Vm,
    pattern: Value,
    flags: Value,
    new_target: Option<ObjRef>,
    this_constructor: Value,
) -> JsResult<Value> {
    let pattern_is_regexp = is_regexp(vm, pattern)?;
    if new_target.is_none() && pattern_is_regexp && flags.is_undefined() {
        let o = pattern
            .as_object()
            .expect("IsRegExp is only true of objects");
        let ck = PropertyKey::String(vm.agent.names.constructor);
        let c = vm.get(o, ck, pattern)?;
        if vm.same_value(c, this_constructor)? {
            return Ok(pattern);
        }
    }
    let (p, f) = match pattern.as_object().map(|o| &vm.obj(o).kind) {
        Some(ObjectKind::RegExp(d)) => {
            let original = d.original_source;
            let f = if flags.is_undefined() {
                let text = d.flags.clone();
                vm.string(&text)
            } else {
                flags
            };
            (original, f)
        }
        _ if pattern_is_regexp => {
            let o = pattern
                .as_object()
                .expect("IsRegExp is only true of objects");
            let sk = vm.key("source");
            let p = vm.get(o, sk, pattern)?;
            let f = if flags.is_undefined() {
                let fk = vm.key("flags");
                vm.with_roots(&[p], |vm| vm.get(o, fk, pattern))?
            } else {
                flags
            };
            (p, f)
        }
        _ => (pattern, flags),
    };
    let this_realm_regexp = vm.intrinsics().constructors.get("RegExp").copied();
    let nt = new_target.map_or(this_constructor, |o| o.value());
    let legacy = this_realm_regexp.is_some_and(|c| c.value() == nt);
    // Reading new.target's prototype can run JavaScript, and `p` and `f` may be strings made
    // above that nothing else holds.
    vm.with_roots(&[p, f], |vm| {
        let proto = match new_target {
            Some(nt) => vm.prototype_from_constructor(nt.value(), |r| r.regexp_prototype)?,
            None => vm.intrinsics().regexp_prototype,
        };
        initialize(vm, proto, p, f, legacy)
    })
}

type Data = (ObjRef, Arc<regress::Regex>, bool, String);

fn data(vm: &mut Vm, this: Value, method: &str) -> JsResult<Data> {
    if let Some(o) = this.as_object()
        && let ObjectKind::RegExp(d) = &vm.obj(o).kind
    {
        return Ok((o, d.regex.clone(), d.risky, d.flags.clone()));
    }
    Err(vm.type_error(&format!(
        "RegExp.prototype.{method} requires that 'this' be a RegExp object"
    )))
}

/// 22.2.7.2 RegExpBuiltinExec
fn builtin_exec(vm: &mut Vm, r: ObjRef, s: Value) -> JsResult<Value> {
    let (_, regex, risky, flags) = data(vm, r.value(), "exec")?;
    let lk = PropertyKey::String(vm.agent.names.last_index);
    let li = vm.get(r, lk, r.value())?;
    let last_index = vm.to_length(li)?;
    let global = flags.contains('g');
    let sticky = flags.contains('y');
    let has_indices = flags.contains('d');
    let full_unicode = flags.contains('u') || flags.contains('v');
    let start = if global || sticky { last_index } else { 0.0 };
    let s_ref = vm.to_string(s)?;
    let units = vm.units_checked(s_ref)?;
    if start > units.len() as f64 {
        if global || sticky {
            vm.set_or_throw(r, lk, Value::int32(0), true)?;
        }
        return Ok(Value::NULL);
    }
    let start = start as usize;
    let found = super::regexp_search::find(vm, &regex, risky, &units, start, full_unicode)?;
    let m = match found {
        Some(m) if !sticky || m.start() == start => m,
        _ => {
            if global || sticky {
                vm.set_or_throw(r, lk, Value::int32(0), true)?;
            }
            return Ok(Value::NULL);
        }
    };
    if global || sticky {
        vm.set_or_throw(r, lk, Value::number(m.end() as f64), true)?;
    }
    update_legacy_statics(vm, r, &units, &m);
    let mut values = vec![vm.string_from_long_units(&units[m.range()])?];
    for cap in &m.captures {
        values.push(match cap {
            Some(range) => vm.string_from_long_units(&units[range.clone()])?,
            None => Value::UNDEFINED,
        });
    }
    let a = vm.new_array(values.clone());
    vm.root(a.value());
    let ik = vm.key("index");
    vm.create_data_property_or_throw(a, ik, Value::number(m.start() as f64))?;
    let input_key = vm.key("input");
    vm.create_data_property_or_throw(a, input_key, s_ref.value())?;
    let named: Vec<(String, Option<std::ops::Range<usize>>)> =
        m.named_groups().map(|(n, r)| (n.to_string(), r)).collect();
    let groups = if named.is_empty() {
        Value::UNDEFINED
    } else {
        let g = vm.new_object_with_proto(None);
        for (name, range) in &named {
            let v = match range {
                Some(range) => vm.string_from_long_units(&units[range.clone()])?,
                None => Value::UNDEFINED,
            };
            let k = vm.key(name);
            vm.create_data_property_or_throw(g, k, v)?;
        }
        g.value()
    };
    let gk = vm.key("groups");
    vm.create_data_property_or_throw(a, gk, groups)?;
    if has_indices {
        let mut pairs = Vec::new();
        for i in 0..=m.captures.len() {
            pairs.push(match m.group(i) {
                Some(range) => vm
                    .new_array(vec![
                        Value::number(range.start as f64),
                        Value::number(range.end as f64),
                    ])
                    .value(),
                None => Value::UNDEFINED,
            });
        }
        let indices = vm.new_array(pairs);
        let group_indices = if named.is_empty() {
            Value::UNDEFINED
        } else {
            let g = vm.new_object_with_proto(None);
            for (name, range) in &named {
                let v = match range {
                    Some(range) => vm
                        .new_array(vec![
                            Value::number(range.start as f64),
                            Value::number(range.end as f64),
                        ])
                        .value(),
                    None => Value::UNDEFINED,
                };
                let k = vm.key(name);
                vm.create_data_property_or_throw(g, k, v)?;
            }
            g.value()
        };
        vm.create_data_property_or_throw(indices, gk, group_indices)?;
        let dk = vm.key("indices");
        vm.create_data_property_or_throw(a, dk, indices.value())?;
    }
    Ok(a.value())
}

/// 22.2.7.1 RegExpExec
fn regexp_exec(vm: &mut Vm, r: ObjRef, s: Value) -> JsResult<Value> {
    let ek = vm.key("exec");
    let exec_fn = vm.get(r, ek, r.value())?;
    if vm.is_callable(exec_fn) {
        let result = vm.call(exec_fn, r.value(), &[s])?;
        if !(result.is_object() || result.is_null()) {
            return Err(
                vm.type_error("RegExp exec method returned something other than an Object or null")
            );
        }
        return Ok(result);
    }
    data(vm, r.value(), "exec")?;
    builtin_exec(vm, r, s)
}

fn exec(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (r, _, _, _) = data(vm, this, "exec")?;
    let s = vm.to_string(arg(args, 0))?;
    builtin_exec(vm, r, s.value())
}

fn require_object(vm: &mut Vm, this: Value, method: &str) -> JsResult<ObjRef> {
    match this.as_object() {
        Some(o) => Ok(o),
        None => Err(vm.type_error(&format!("RegExp.prototype.{method} called on a non-object"))),
    }
}

fn test(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let r = require_object(vm, this, "test")?;
    let s = vm.to_string(arg(args, 0))?;
    let m = regexp_exec(vm, r, s.value())?;
    Ok(Value::boolean(!m.is_null()))
}

fn to_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let r = require_object(vm, this, "toString")?;
    let sk = vm.key("source");
    let fk = vm.key("flags");
    let s = vm.get(r, sk, this)?;
    let s = vm.to_rust_string(s)?;
    let f = vm.get(r, fk, this)?;
    let f = vm.to_rust_string(f)?;
    Ok(vm.string(&format!("/{s}/{f}")))
}

fn source(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let Some(o) = this.as_object() else {
        return Err(vm.type_error("RegExp.prototype.source getter called on non-object"));
    };
    if let ObjectKind::RegExp(d) = &vm.obj(o).kind {
        return Ok(d.source);
    }
    if o == vm.intrinsics().regexp_prototype {
        return Ok(vm.string("(?:)"));
    }
    Err(vm.type_error("RegExp.prototype.source getter called on non-RegExp object"))
}

/// 22.2.6.4 get RegExp.prototype.flags
fn flags(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let r = require_object(vm, this, "flags")?;
    let mut out = String::new();
    for (c, name) in [
        ('d', "hasIndices"),
        ('g', "global"),
        ('i', "ignoreCase"),
        ('m', "multiline"),
        ('s', "dotAll"),
        ('u', "unicode"),
        ('v', "unicodeSets"),
        ('y', "sticky"),
    ] {
        let k = vm.key(name);
        let v = vm.get(r, k, this)?;
        if vm.to_boolean(v) {
            out.push(c);
        }
    }
    Ok(vm.string(&out))
}

fn flag(vm: &mut Vm, this: Value, c: char, name: &str) -> JsResult<Value> {
    let Some(o) = this.as_object() else {
        return Err(vm.type_error(&format!(
            "RegExp.prototype.{name} getter called on non-object"
        )));
    };
    if let ObjectKind::RegExp(d) = &vm.obj(o).kind {
        return Ok(Value::boolean(d.flags.contains(c)));
    }
    if o == vm.intrinsics().regexp_prototype {
        return Ok(Value::UNDEFINED);
    }
    Err(vm.type_error(&format!(
        "RegExp.prototype.{name} getter called on non-RegExp object"
    )))
}

fn dot_all(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    flag(vm, this, 's', "dotAll")
}
fn global(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    flag(vm, this, 'g', "global")
}
fn has_indices(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    flag(vm, this, 'd', "hasIndices")
}
fn ignore_case(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    flag(vm, this, 'i', "ignoreCase")
}
fn multiline(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    flag(vm, this, 'm', "multiline")
}
fn sticky(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    flag(vm, this, 'y', "sticky")
}
fn unicode(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    flag(vm, this, 'u', "unicode")
}
fn unicode_sets(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    flag(vm, this, 'v', "unicodeSets")
}

fn flags_of(vm: &mut Vm, r: ObjRef) -> JsResult<String> {
    let fk = vm.key("flags");
    let f = vm.get(r, fk, r.value())?;
    vm.to_rust_string(f)
}

fn advance(vm: &mut Vm, r: ObjRef, s: &[u16], unicode: bool) -> JsResult<()> {
    let lk = PropertyKey::String(vm.agent.names.last_index);
    let li = vm.get(r, lk, r.value())?;
    let i = vm.to_length(li)?;
    let next = if unicode && (i as usize) < s.len() {
        i + super::string::code_point_at_units(s, i as usize).1 as f64
    } else {
        i + 1.0
    };
    vm.set_or_throw(r, lk, Value::number(next), true)
}

/// 22.2.6.8 RegExp.prototype [ @@match ]
fn symbol_match(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let r = require_object(vm, this, "[Symbol.match]")?;
    let s = vm.to_string(arg(args, 0))?;
    let f = flags_of(vm, r)?;
    if !f.contains('g') {
        return regexp_exec(vm, r, s.value());
    }
    let unicode = f.contains('u') || f.contains('v');
    let lk = PropertyKey::String(vm.agent.names.last_index);
    vm.set_or_throw(r, lk, Value::int32(0), true)?;
    let units = vm.units_checked(s)?;
    let mut found = Vec::new();
    loop {
        vm.check_interrupt_native()?;
        let result = regexp_exec(vm, r, s.value())?;
        let Some(ro) = result.as_object() else {
            return Ok(if found.is_empty() {
                Value::NULL
            } else {
                vm.new_array(found).value()
            });
        };
        let m = vm.get(ro, PropertyKey::Index(0), result)?;
        let ms = vm.to_string(m)?;
        vm.root(ms.value());
        if vm.string_len(ms) == 0 {
            advance(vm, r, &units, unicode)?;
        }
        found.push(ms.value());
    }
}

/// 22.2.6.11 RegExp.prototype [ @@replace ]
fn symbol_replace(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let r = require_object(vm, this, "[Symbol.replace]")?;
    let s = vm.to_string(arg(args, 0))?;
    let units = vm.units_checked(s)?;
    let mut replace_value = arg(args, 1);
    let functional = vm.is_callable(replace_value);
    if !functional {
        replace_value = vm.to_string(replace_value)?.value();
    }
    let f = flags_of(vm, r)?;
    let global = f.contains('g');
    let unicode = f.contains('u') || f.contains('v');
    let lk = PropertyKey::String(vm.agent.names.last_index);
    if global {
        vm.set_or_throw(r, lk, Value::int32(0), true)?;
    }
    let mut results = Vec::new();
    loop {
        vm.check_interrupt_native()?;
        let result = regexp_exec(vm, r, s.value())?;
        if result.is_null() {
            break;
        }
        vm.root(result);
        results.push(result);
        if !global {
            break;
        }
        let ro = result.as_object().expect("an object");
        let m = vm.get(ro, PropertyKey::Index(0), result)?;
        let ms = vm.to_string(m)?;
        if vm.string_len(ms) == 0 {
            advance(vm, r, &units, unicode)?;
        }
    }
    let mut out = crate::limits::StringBuilder::new();
    let mut next_position = 0usize;
    for result in results {
        vm.check_interrupt_native()?;
        let ro = result.as_object().expect("an object");
        let ncaptures = objects::length_of_array_like(vm, ro)?.max(1.0) as usize - 1;
        let m = vm.get(ro, PropertyKey::Index(0), result)?;
        let matched = vm.to_string(m)?;
        let matched = vm.units_checked(matched)?.to_vec();
        let ik = vm.key("index");
        let pos = vm.get(ro, ik, result)?;
        let position = vm
            .to_integer_or_infinity(pos)?
            .clamp(0.0, units.len() as f64) as usize;
        let mut captures = Vec::new();
        let mut capture_values = Vec::new();
        for n in 1..=ncaptures {
            let c = vm.get(ro, PropertyKey::Index(n as u32), result)?;
            if c.is_undefined() {
                captures.push(None);
                capture_values.push(Value::UNDEFINED);
            } else {
                let cs = vm.to_string(c)?;
                captures.push(Some(vm.units_checked(cs)?.to_vec()));
                capture_values.push(cs.value());
            }
        }
        let gk = vm.key("groups");
        let named = vm.get(ro, gk, result)?;
        let replacement = if functional {
            let mut call_args = vec![vm.string_from_long_units(&matched)?];
            call_args.extend(capture_values);
            call_args.push(Value::number(position as f64));
            call_args.push(s.value());
            if !named.is_undefined() {
                call_args.push(named);
            }
            let v = vm.call(replace_value, Value::UNDEFINED, &call_args)?;
            let vs = vm.to_string(v)?;
            vm.units_checked(vs)?.to_vec()
        } else {
            let template = vm
                .units_checked(replace_value.as_string().expect("a string"))?
                .to_vec();
            let named_obj = if named.is_undefined() {
                None
            } else {
                Some(vm.to_object(named)?)
            };
            // Named groups are read up front (GetSubstitution reads them in order).
            let mut named_values: Vec<(Vec<u16>, Option<Vec<u16>>)> = Vec::new();
            if let Some(no) = named_obj {
                let mut i = 0;
                while i < template.len() {
                    if template[i] == u16::from(b'$')
                        && template.get(i + 1) == Some(&u16::from(b'<'))
                        && let Some(end) =
                            template[i + 2..].iter().position(|&u| u == u16::from(b'>'))
                    {
                        let name = template[i + 2..i + 2 + end].to_vec();
                        let key = vm.key_from_units(&name);
                        let v = vm.get(no, key, no.value())?;
                        let text = if v.is_undefined() {
                            None
                        } else {
                            let vs = vm.to_string(v)?;
                            Some(vm.units_checked(vs)?.to_vec())
                        };
                        named_values.push((name, text));
                        i += end + 3;
                        continue;
                    }
                    i += 1;
                }
            }
            let lookup = |name: &[u16]| -> Option<Vec<u16>> {
                named_values
                    .iter()
                    .find(|(n, _)| n == name)
                    .and_then(|(_, v)| v.clone())
            };
            let named_fn: Option<super::string::NamedGroups<'_>> = if named_obj.is_some() {
                Some(&lookup)
            } else {
                None
            };
            super::string::get_substitution(
                &matched, &units, position, &captures, named_fn, &template,
            )
        };
        if position >= next_position {
            out.push_units(vm, &units[next_position..position])?;
            out.push_units(vm, &replacement)?;
            next_position = (position + matched.len()).min(units.len());
        }
    }
    out.push_units(vm, &units[next_position.min(units.len())..])?;
    out.finish(vm)
}

fn symbol_search(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let r = require_object(vm, this, "[Symbol.search]")?;
    let s = vm.to_string(arg(args, 0))?;
    let lk = PropertyKey::String(vm.agent.names.last_index);
    let previous = vm.get(r, lk, this)?;
    if !vm.same_value(previous, Value::int32(0))? {
        vm.set_or_throw(r, lk, Value::int32(0), true)?;
    }
    let result = regexp_exec(vm, r, s.value())?;
    let current = vm.get(r, lk, this)?;
    if !vm.same_value(current, previous)? {
        vm.set_or_throw(r, lk, previous, true)?;
    }
    match result.as_object() {
        None => Ok(Value::int32(-1)),
        Some(ro) => {
            let ik = vm.key("index");
            vm.get(ro, ik, result)
        }
    }
}

/// 22.2.6.14 RegExp.prototype [ @@split ]
fn symbol_split(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let r = require_object(vm, this, "[Symbol.split]")?;
    let s = vm.to_string(arg(args, 0))?;
    let units = vm.units_checked(s)?;
    let default = vm
        .intrinsics()
        .constructors
        .get("RegExp")
        .copied()
        .map_or(Value::UNDEFINED, |c| c.value());
    let c = objects::species_constructor(vm, r, default)?;
    let f = flags_of(vm, r)?;
    let unicode = f.contains('u') || f.contains('v');
    let new_flags = if f.contains('y') {
        f.clone()
    } else {
        format!("{f}y")
    };
    let nf = vm.string(&new_flags);
    let splitter = vm.construct(c, &[this, nf], c)?;
    let so = splitter.as_object().expect("an object");
    vm.root(splitter);
    let lim = if arg(args, 1).is_undefined() {
        u32::MAX
    } else {
        vm.to_uint32(arg(args, 1))?
    };
    let mut parts = Vec::new();
    if lim == 0 {
        return Ok(vm.new_array(parts).value());
    }
    if units.is_empty() {
        let z = regexp_exec(vm, so, s.value())?;
        if z.is_null() {
            parts.push(s.value());
        }
        return Ok(vm.new_array(parts).value());
    }
    let lk = PropertyKey::String(vm.agent.names.last_index);
    let mut p = 0usize;
    let mut q = 0usize;
    while q < units.len() {
        vm.check_interrupt_native()?;
        vm.set_or_throw(so, lk, Value::number(q as f64), true)?;
        let z = regexp_exec(vm, so, s.value())?;
        let Some(zo) = z.as_object() else {
            q += if unicode {
                super::string::code_point_at_units(&units, q).1
            } else {
                1
            };
            continue;
        };
        let e = vm.get(so, lk, splitter)?;
        let e = (vm.to_length(e)? as usize).min(units.len());
        if e == p {
            q += if unicode {
                super::string::code_point_at_units(&units, q).1
            } else {
                1
            };
            continue;
        }
        parts.push(vm.string_from_long_units(&units[p..q])?);
        if parts.len() as u32 == lim {
            return Ok(vm.new_array(parts).value());
        }
        p = e;
        let n = objects::length_of_array_like(vm, zo)?.max(1.0) as u32 - 1;
        for i in 1..=n {
            let v = vm.get(zo, PropertyKey::Index(i), z)?;
            parts.push(v);
            if parts.len() as u32 == lim {
                return Ok(vm.new_array(parts).value());
            }
        }
        q = p;
    }
    parts.push(vm.string_from_long_units(&units[p.min(units.len())..])?);
    Ok(vm.new_array(parts).value())
}

// ---------------------------------------------------------------------------------------------
// Annex B legacy RegExp features: RegExp.input ($_), lastMatch ($&), lastParen ($+),
// leftContext ($`), rightContext ($'), $1-$9

/// UpdateLegacyRegExpStaticProperties, or InvalidateLegacyRegExpStaticProperties for a RegExp
/// of another realm or a subclass.
fn update_legacy_statics(vm: &mut Vm, r: ObjRef, input: &Rc<[u16]>, m: &regress::Match) {
    let (realm, legacy) = match &vm.obj(r).kind {
        ObjectKind::RegExp(d) => (d.realm, d.legacy_features),
        _ => return,
    };
    let current = vm.stack.realm as usize;
    vm.realms[current].regexp_statics = if realm == vm.stack.realm && legacy {
        Some(Box::new(LegacyStatics {
            input: input.clone(),
            matched: m.range(),
            captures: m.captures.clone(),
        }))
    } else {
        None
    };
}

#[derive(Clone, Copy)]
enum LegacyProperty {
    Input,
    LastMatch,
    LastParen,
    LeftContext,
    RightContext,
    Paren(usize),
}

fn define_legacy_accessors(vm: &mut Vm, ctor: ObjRef) {
    let realm = vm.stack.realm as usize;
    vm.realms[realm].regexp_statics = Some(Box::default());
    let getters: [(&str, crate::object::NativeFn); 14] = [
        ("$1", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::Paren(1))
        }),
        ("$2", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::Paren(2))
        }),
        ("$3", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::Paren(3))
        }),
        ("$4", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::Paren(4))
        }),
        ("$5", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::Paren(5))
        }),
        ("$6", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::Paren(6))
        }),
        ("$7", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::Paren(7))
        }),
        ("$8", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::Paren(8))
        }),
        ("$9", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::Paren(9))
        }),
        ("lastMatch", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::LastMatch)
        }),
        ("lastParen", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::LastParen)
        }),
        ("leftContext", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::LeftContext)
        }),
        ("rightContext", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::RightContext)
        }),
        ("input", |vm, this, _| {
            legacy_get(vm, this, LegacyProperty::Input)
        }),
    ];
    let aliases = [
        ("lastMatch", "$&"),
        ("lastParen", "$+"),
        ("leftContext", "$`"),
        ("rightContext", "$'"),
        ("input", "$_"),
    ];
    for (name, getter) in getters {
        let get = vm.native_function(&format!("get {name}"), 0, getter, None);
        let set = if name == "input" {
            vm.native_function("set input", 1, legacy_set_input, None)
                .value()
        } else {
            Value::UNDEFINED
        };
        let names = std::iter::once(name).chain(
            aliases
                .iter()
                .filter(|(long, _)| *long == name)
                .map(|(_, short)| *short),
        );
        for n in names.collect::<Vec<_>>() {
            let key = vm.key(n);
            vm.define_own_property_raw(
                ctor,
                key,
                crate::object::Property {
                    slot: crate::object::Slot::Accessor {
                        get: get.value(),
                        set,
                    },
                    attrs: attrs::CONFIGURABLE | attrs::ACCESSOR,
                },
            );
        }
    }
}

/// The current realm's `RegExp` must be the receiver (GetLegacyRegExpStaticProperty step 2).
fn check_legacy_receiver(vm: &mut Vm, this: Value) -> JsResult<()> {
    let own = vm.intrinsics().constructors.get("RegExp").copied();
    if own.is_some_and(|c| c.value() == this) {
        Ok(())
    } else {
        Err(vm.type_error("RegExp legacy static properties are only read from RegExp itself"))
    }
}

/// GetLegacyRegExpStaticProperty
fn legacy_get(vm: &mut Vm, this: Value, property: LegacyProperty) -> JsResult<Value> {
    check_legacy_receiver(vm, this)?;
    let Some(statics) = vm.intrinsics().regexp_statics.clone() else {
        return Err(vm.type_error(
            "RegExp legacy static properties are unavailable after a match of another realm's or a subclass's RegExp",
        ));
    };
    let units = &statics.input;
    let range = match property {
        LegacyProperty::Input => 0..units.len(),
        LegacyProperty::LastMatch => statics.matched.clone(),
        LegacyProperty::LastParen => statics.captures.last().cloned().flatten().unwrap_or(0..0),
        LegacyProperty::LeftContext => 0..statics.matched.start,
        LegacyProperty::RightContext => statics.matched.end..units.len(),
        LegacyProperty::Paren(n) => statics
            .captures
            .get(n - 1)
            .cloned()
            .flatten()
            .unwrap_or(0..0),
    };
    vm.string_from_long_units(units.get(range).unwrap_or(&[]))
}

/// SetLegacyRegExpStaticProperty for `RegExp.input`.
fn legacy_set_input(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    check_legacy_receiver(vm, this)?;
    let s = vm.to_string(arg(args, 0))?;
    let units = vm.units_checked(s)?;
    let realm = vm.stack.realm as usize;
    let statics = vm.realms[realm]
        .regexp_statics
        .get_or_insert_with(Box::default);
    statics.input = units;
    Ok(Value::UNDEFINED)
}
