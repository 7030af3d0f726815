//! 25.5 The JSON object.

use super::arg;
use crate::abstract_ops::{objects, testing_comparison, type_conversion};
use crate::heap::ObjRef;
use crate::limits::try_reserve;
use crate::object::{ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let json = vm.new_plain_object(op);
    vm.define_global("JSON", json.value());
    vm.define_method(json, "parse", 2, parse);
    vm.define_method(json, "stringify", 3, stringify);
    vm.define_method(json, "rawJSON", 1, raw_json);
    vm.define_method(json, "isRawJSON", 1, is_raw_json);
    let tag = vm.agent.symbols.to_string_tag;
    let t = vm.string("JSON");
    vm.define_data(json, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
}

struct Parser<'s> {
    s: &'s [u16],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], 0x20 | 0x09 | 0x0A | 0x0D) {
            self.i += 1;
        }
    }
    fn peek(&self) -> Option<u16> {
        self.s.get(self.i).copied()
    }
}

fn json_error(vm: &mut Vm, p: &Parser<'_>) -> crate::vm::JsError {
    let what = match p.peek() {
        Some(c) => format!(
            "Unexpected token '{}' in JSON at position {}",
            char::from_u32(u32::from(c)).unwrap_or('?'),
            p.i
        ),
        None => "Unexpected end of JSON input".to_string(),
    };
    vm.syntax_error(&what)
}

/// A JSON Parse Record (JSON.parse source text access): the value made from one node of the
/// text, where the node's text is, and the records of an array's elements or an object's
/// members. Every value in it is rooted while the reviver runs.
struct ParseRecord {
    value: Value,
    source: std::ops::Range<usize>,
    elements: Vec<ParseRecord>,
    entries: Vec<(PropertyKey, ParseRecord)>,
}

fn parse_value(vm: &mut Vm, p: &mut Parser<'_>) -> JsResult<Value> {
    Ok(parse_node(vm, p, false)?.0)
}

/// Parses one value; with `record`, also its [`ParseRecord`] (rooting what it holds).
fn parse_node(
    vm: &mut Vm,
    p: &mut Parser<'_>,
    record: bool,
) -> JsResult<(Value, Option<ParseRecord>)> {
    vm.check_interrupt_native()?;
    p.ws();
    let start = p.i;
    let mut elements = Vec::new();
    let mut entries = Vec::new();
    if matches!(p.peek(), Some(0x7B | 0x5B)) {
        // Arrays and objects recurse once per level of nesting.
        vm.check_native_stack()?;
    }
    let result = match p.peek() {
        Some(0x7B) => {
            p.i += 1;
            let o = vm.new_object();
            vm.root(o.value());
            p.ws();
            if p.peek() == Some(0x7D) {
                p.i += 1;
            } else {
                loop {
                    p.ws();
                    if p.peek() != Some(0x22) {
                        return Err(json_error(vm, p));
                    }
                    let k = parse_string(vm, p)?;
                    p.ws();
                    if p.peek() != Some(0x3A) {
                        return Err(json_error(vm, p));
                    }
                    p.i += 1;
                    let (v, r) = parse_node(vm, p, record)?;
                    let key = vm.key_from_units(&k);
                    vm.create_data_property(o, key, v)?;
                    if let Some(r) = r {
                        vm.root_keys(&[key]);
                        entries.push((key, r));
                    }
                    p.ws();
                    match p.peek() {
                        Some(0x2C) => p.i += 1,
                        Some(0x7D) => {
                            p.i += 1;
                            break;
                        }
                        _ => return Err(json_error(vm, p)),
                    }
                }
            }
            o.value()
        }
        Some(0x5B) => {
            p.i += 1;
            let mut items = Vec::new();
            p.ws();
            if p.peek() == Some(0x5D) {
                p.i += 1;
            } else {
                loop {
                    let (v, r) = parse_node(vm, p, record)?;
                    vm.root(v);
                    items.push(v);
                    elements.extend(r);
                    p.ws();
                    match p.peek() {
                        Some(0x2C) => p.i += 1,
                        Some(0x5D) => {
                            p.i += 1;
                            break;
                        }
                        _ => return Err(json_error(vm, p)),
                    }
                }
            }
            vm.new_array(items).value()
        }
        Some(0x22) => {
            let s = parse_string(vm, p)?;
            vm.string_from_long_units(&s)?
        }
        Some(c) if c == u16::from(b'-') || (0x30..=0x39).contains(&c) => parse_number(vm, p)?,
        _ => {
            for (word, v) in [
                ("true", Value::TRUE),
                ("false", Value::FALSE),
                ("null", Value::NULL),
            ] {
                let w: Vec<u16> = word.encode_utf16().collect();
                if p.s[p.i..].starts_with(&w) {
                    p.i += w.len();
                    return Ok((v, record.then(|| leaf_record(v, start..p.i))));
                }
            }
            return Err(json_error(vm, p));
        }
    };
    if !record {
        return Ok((result, None));
    }
    vm.root(result);
    let mut r = leaf_record(result, start..p.i);
    r.elements = elements;
    r.entries = entries;
    Ok((result, Some(r)))
}

fn leaf_record(value: Value, source: std::ops::Range<usize>) -> ParseRecord {
    ParseRecord {
        value,
        source,
        elements: Vec::new(),
        entries: Vec::new(),
    }
}

fn parse_number(vm: &mut Vm, p: &mut Parser<'_>) -> JsResult<Value> {
    let start = p.i;
    let digit = |c: Option<u16>| c.is_some_and(|c| (0x30..=0x39).contains(&c));
    if p.peek() == Some(u16::from(b'-')) {
        p.i += 1;
    }
    if p.peek() == Some(0x30) {
        p.i += 1;
    } else if digit(p.peek()) {
        while digit(p.peek()) {
            p.i += 1;
        }
    } else {
        return Err(json_error(vm, p));
    }
    if p.peek() == Some(u16::from(b'.')) {
        p.i += 1;
        if !digit(p.peek()) {
            return Err(json_error(vm, p));
        }
        while digit(p.peek()) {
            p.i += 1;
        }
    }
    if matches!(p.peek(), Some(0x65 | 0x45)) {
        p.i += 1;
        if matches!(p.peek(), Some(0x2B | 0x2D)) {
            p.i += 1;
        }
        if !digit(p.peek()) {
            return Err(json_error(vm, p));
        }
        while digit(p.peek()) {
            p.i += 1;
        }
    }
    let text = String::from_utf16_lossy(&p.s[start..p.i]);
    Ok(Value::number(text.parse::<f64>().unwrap_or(f64::NAN)))
}

fn parse_string(vm: &mut Vm, p: &mut Parser<'_>) -> JsResult<Vec<u16>> {
    p.i += 1;
    let mut out = Vec::new();
    loop {
        let Some(c) = p.peek() else {
            return Err(json_error(vm, p));
        };
        p.i += 1;
        match c {
            0x22 => return Ok(out),
            0x5C => {
                let Some(e) = p.peek() else {
                    return Err(json_error(vm, p));
                };
                p.i += 1;
                match e {
                    0x22 | 0x5C | 0x2F => out.push(e),
                    0x62 => out.push(8),
                    0x66 => out.push(12),
                    0x6E => out.push(10),
                    0x72 => out.push(13),
                    0x74 => out.push(9),
                    0x75 => {
                        let hex = p.s.get(p.i..p.i + 4).map(String::from_utf16_lossy);
                        match hex.and_then(|h| {
                            u16::from_str_radix(&h, 16)
                                .ok()
                                .filter(|_| h.chars().all(|c| c.is_ascii_hexdigit()))
                        }) {
                            Some(u) => {
                                out.push(u);
                                p.i += 4;
                            }
                            None => return Err(json_error(vm, p)),
                        }
                    }
                    _ => {
                        p.i -= 1;
                        return Err(json_error(vm, p));
                    }
                }
            }
            c if c < 0x20 => {
                p.i -= 1;
                return Err(json_error(vm, p));
            }
            c => out.push(c),
        }
    }
}

/// JSON.rawJSON ( text ) (JSON.parse source text access): a frozen, prototype-less object
/// whose `rawJSON` text `JSON.stringify` emits as it is.
fn raw_json(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let text = vm.to_string(arg(args, 0))?;
    let units = vm.units_checked(text)?;
    let blank = |u: &u16| matches!(*u, 0x09 | 0x0A | 0x0D | 0x20);
    if units.is_empty() || units.first().is_some_and(blank) || units.last().is_some_and(blank) {
        return Err(
            vm.syntax_error("JSON.rawJSON: the text is empty or starts or ends with whitespace")
        );
    }
    if matches!(units[0], 0x5B | 0x7B) {
        return Err(vm.syntax_error("JSON.rawJSON: the text must be a primitive JSON value"));
    }
    let mut p = Parser { s: &units, i: 0 };
    parse_value(vm, &mut p)?;
    if p.i != units.len() {
        return Err(json_error(vm, &p));
    }
    let o = vm.alloc(crate::object::Object::new(None, ObjectKind::RawJson));
    let key = vm.key("rawJSON");
    vm.define_data(o, key, text.value(), attrs::ENUMERABLE);
    vm.prevent_extensions(o)?;
    Ok(o.value())
}

/// JSON.isRawJSON ( O )
fn is_raw_json(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let raw = arg(args, 0)
        .as_object()
        .is_some_and(|o| matches!(vm.obj(o).kind, ObjectKind::RawJson));
    Ok(Value::boolean(raw))
}

/// 25.5.1 JSON.parse
fn parse(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let text = vm.to_string(arg(args, 0))?;
    let units = vm.units_checked(text)?;
    let mut p = Parser { s: &units, i: 0 };
    let reviver = arg(args, 1);
    let with_reviver = vm.is_callable(reviver);
    let (v, record) = parse_node(vm, &mut p, with_reviver)?;
    p.ws();
    if p.i != units.len() {
        return Err(json_error(vm, &p));
    }
    if with_reviver {
        let root = vm.new_object();
        let empty = vm.key("");
        vm.create_data_property_or_throw(root, empty, v)?;
        return internalize(vm, root, empty, reviver, record.as_ref(), &units);
    }
    Ok(v)
}

/// ParseJSONModule step 1: `Call(%JSON.parse%, undefined, « source »)` — the intrinsic, never
/// a `JSON.parse` the program replaced.
/// Called from module loading, outside any native call: it opens the handle scope a native's
/// call would have given `parse`.
pub fn parse_json_module_source(vm: &mut Vm, source: Value) -> JsResult<Value> {
    vm.handle_scope(|vm| {
        vm.root(source);
        parse(vm, Value::UNDEFINED, &[source])
    })
}

/// InternalizeJSONProperty ( holder, name, reviver, valRecord ), `text` the parsed source
fn internalize(
    vm: &mut Vm,
    holder: ObjRef,
    name: PropertyKey,
    reviver: Value,
    record: Option<&ParseRecord>,
    text: &[u16],
) -> JsResult<Value> {
    vm.check_native_stack()?;
    // The reviver runs JavaScript that may detach the holder and the value from everything
    // else: both stay rooted while this level works on them.
    vm.with_roots(&[holder.value()], |vm| {
        internalize_rooted(vm, holder, name, reviver, record, text)
    })
}

fn internalize_rooted(
    vm: &mut Vm,
    holder: ObjRef,
    name: PropertyKey,
    reviver: Value,
    record: Option<&ParseRecord>,
    text: &[u16],
) -> JsResult<Value> {
    let val = vm.get(holder, name, holder.value())?;
    vm.root(val);
    // 2-4. The record describes the value only while the value is still the one parsed (an
    // earlier reviver call may have replaced it).
    let record = match record {
        Some(r) if vm.same_value(r.value, val)? => Some(r),
        _ => None,
    };
    if let Some(o) = val.as_object() {
        if testing_comparison::is_array(vm, val)? {
            let len = objects::length_of_array_like(vm, o)?;
            let mut i = 0.0;
            while i < len {
                vm.check_interrupt_native()?;
                let k = type_conversion::index_key(vm, i);
                let element = record.and_then(|r| r.elements.get(i as usize));
                let nv = internalize(vm, o, k, reviver, element, text)?;
                if nv.is_undefined() {
                    vm.delete(o, k)?;
                } else {
                    vm.create_data_property(o, k, nv)?;
                }
                i += 1.0;
            }
        } else {
            // The key strings are rooted by nothing once returned: make them property keys
            // (atoms) before the reviver runs.
            let names = objects::enumerable_own_properties(vm, o, 0)?;
            let mut keys = Vec::with_capacity(names.len());
            for k in names {
                keys.push(vm.to_property_key(k)?);
            }
            vm.handle_scope(|vm| {
                vm.root_keys(&keys);
                for key in keys {
                    // The last member of that name made the value.
                    let entry = record.and_then(|r| {
                        r.entries
                            .iter()
                            .rev()
                            .find(|(k, _)| *k == key)
                            .map(|e| &e.1)
                    });
                    let nv = internalize(vm, o, key, reviver, entry, text)?;
                    if nv.is_undefined() {
                        vm.delete(o, key)?;
                    } else {
                        vm.create_data_property(o, key, nv)?;
                    }
                }
                Ok(())
            })?;
        }
    }
    // 2-3. The context: a primitive's `source` is its text.
    let context = vm.new_object();
    vm.root(context.value());
    if let Some(r) = record
        && !val.is_object()
    {
        let source = vm.string_from_long_units(&text[r.source.clone()])?;
        let sk = vm.key("source");
        vm.create_data_property_or_throw(context, sk, source)?;
    }
    let n = vm.key_value(name);
    vm.call(reviver, holder.value(), &[n, val, context.value()])
}

struct Stringifier {
    replacer: Value,
    property_list: Option<Vec<PropertyKey>>,
    gap: Vec<u16>,
    indent: Vec<u16>,
    stack: Vec<ObjRef>,
}

/// QuoteJSONString, appended to `out`.
fn quote(vm: &mut Vm, s: &[u16], out: &mut Vec<u16>) -> JsResult<()> {
    try_reserve(vm, out, s.len() + 2)?;
    out.push(0x22);
    let mut i = 0;
    while i < s.len() {
        if i % 4096 == 0 {
            check_length(vm, out)?;
        }
        let c = s[i];
        match c {
            0x22 => out.extend_from_slice(&[0x5C, 0x22]),
            0x5C => out.extend_from_slice(&[0x5C, 0x5C]),
            8 => out.extend_from_slice(&[0x5C, u16::from(b'b')]),
            12 => out.extend_from_slice(&[0x5C, u16::from(b'f')]),
            10 => out.extend_from_slice(&[0x5C, u16::from(b'n')]),
            13 => out.extend_from_slice(&[0x5C, u16::from(b'r')]),
            9 => out.extend_from_slice(&[0x5C, u16::from(b't')]),
            c if c < 0x20 => out.extend(format!("\\u{c:04x}").encode_utf16()),
            0xD800..=0xDBFF if i + 1 < s.len() && (0xDC00..0xE000).contains(&s[i + 1]) => {
                out.push(c);
                out.push(s[i + 1]);
                i += 1;
            }
            0xD800..=0xDFFF => out.extend(format!("\\u{c:04x}").encode_utf16()),
            c => out.push(c),
        }
        i += 1;
    }
    out.push(0x22);
    Ok(())
}

/// The text built so far may not pass the maximum string length; long work checks for
/// termination here too.
fn check_length(vm: &mut Vm, out: &[u16]) -> JsResult<()> {
    vm.check_interrupt_native()?;
    vm.check_string_length(out.len() as f64)
}

/// Before a member of an object or array: a comma after the first, and with a gap, a new line
/// and the indent.
fn separate(st: &Stringifier, out: &mut Vec<u16>, first: bool) {
    if !first {
        out.push(u16::from(b','));
    }
    if !st.gap.is_empty() {
        out.push(10);
        out.extend_from_slice(&st.indent);
    }
}

fn serialize(
    vm: &mut Vm,
    st: &mut Stringifier,
    holder: ObjRef,
    key: PropertyKey,
    out: &mut Vec<u16>,
) -> JsResult<bool> {
    // `toJSON`, the replacer and getters run JavaScript, and the value they return may be
    // reachable from nowhere else: the holder and each value stay rooted at this level.
    vm.with_roots(&[holder.value()], |vm| {
        serialize_rooted(vm, st, holder, key, out)
    })
}

fn serialize_rooted(
    vm: &mut Vm,
    st: &mut Stringifier,
    holder: ObjRef,
    key: PropertyKey,
    out: &mut Vec<u16>,
) -> JsResult<bool> {
    let mut value = vm.get(holder, key, holder.value())?;
    vm.root(value);
    if value.is_object() || value.as_bigint().is_some() {
        let tk = vm.key("toJSON");
        let to_json = vm.get_v(value, tk)?;
        if vm.is_callable(to_json) {
            let k = vm.key_value(key);
            value = vm.call(to_json, value, &[k])?;
            vm.root(value);
        }
    }
    if !st.replacer.is_undefined() {
        let k = vm.key_value(key);
        value = vm.call(st.replacer, holder.value(), &[k, value])?;
        vm.root(value);
    }
    if let Some(o) = value.as_object() {
        match vm.obj(o).kind {
            ObjectKind::Number(_) => value = Value::number(vm.to_number(value)?),
            ObjectKind::String(_) => value = vm.to_string(value)?.value(),
            ObjectKind::Boolean(b) => value = Value::boolean(b),
            ObjectKind::BigInt(b) => value = b.value(),
            _ => {}
        }
    }
    if let Some(o) = value.as_object()
        && matches!(vm.obj(o).kind, ObjectKind::RawJson)
    {
        let key = vm.key("rawJSON");
        let raw = vm.get(o, key, value)?;
        let text = vm.to_string(raw)?;
        let units = vm.units_checked(text)?;
        try_reserve(vm, out, units.len())?;
        out.extend_from_slice(&units);
        return Ok(true);
    }
    if value.is_null() {
        out.extend("null".encode_utf16());
        return Ok(true);
    }
    if let Some(b) = value.as_bool() {
        out.extend((if b { "true" } else { "false" }).encode_utf16());
        return Ok(true);
    }
    if let Some(s) = value.as_string() {
        let units = vm.units_checked(s)?;
        quote(vm, &units, out)?;
        return Ok(true);
    }
    if let Some(n) = value.as_number() {
        if n.is_finite() {
            out.extend(crate::number_conversion::number_to_string(n).encode_utf16());
        } else {
            out.extend("null".encode_utf16());
        }
        return Ok(true);
    }
    if value.as_bigint().is_some() {
        return Err(vm.type_error("Do not know how to serialize a BigInt"));
    }
    let Some(o) = value.as_object() else {
        return Ok(false);
    };
    if vm.is_callable(value) {
        return Ok(false);
    }
    if st.stack.contains(&o) {
        return Err(vm.type_error("Converting circular structure to JSON"));
    }
    vm.check_native_stack()?;
    st.stack.push(o);
    let stepback = st.indent.clone();
    st.indent.extend_from_slice(&st.gap.clone());
    let is_array = testing_comparison::is_array(vm, value)?;
    let (open, close) = if is_array { (0x5B, 0x5D) } else { (0x7B, 0x7D) };
    out.push(open);
    // Members are written straight into `out`; an object member whose value serializes to
    // nothing is cut off again.
    let mut first = true;
    if is_array {
        let len = objects::length_of_array_like(vm, o)?;
        let mut i = 0.0;
        while i < len {
            separate(st, out, first);
            first = false;
            let k = type_conversion::index_key(vm, i);
            if !serialize(vm, st, o, k, out)? {
                out.extend("null".encode_utf16());
            }
            check_length(vm, out)?;
            i += 1.0;
        }
    } else {
        let keys = match &st.property_list {
            Some(list) => list.clone(),
            None => {
                let ks = objects::enumerable_own_properties(vm, o, 0)?;
                let mut keys = Vec::new();
                for k in ks {
                    keys.push(vm.to_property_key(k)?);
                }
                keys
            }
        };
        // Getters and `toJSON` run between the keys' uses; the scope ends with this object.
        vm.handle_scope(|vm| -> JsResult<()> {
            vm.root_keys(&keys);
            for k in keys {
                let mark = out.len();
                separate(st, out, first);
                let kv = vm.key_value(k);
                let ks = vm.to_string(kv)?;
                let kunits = vm.units_checked(ks)?;
                quote(vm, &kunits, out)?;
                out.push(u16::from(b':'));
                if !st.gap.is_empty() {
                    out.push(u16::from(b' '));
                }
                if serialize(vm, st, o, k, out)? {
                    first = false;
                } else {
                    out.truncate(mark);
                }
                check_length(vm, out)?;
            }
            Ok(())
        })?;
    }
    if !first && !st.gap.is_empty() {
        out.push(10);
        out.extend_from_slice(&stepback);
    }
    out.push(close);
    st.stack.pop();
    st.indent = stepback;
    Ok(true)
}

/// 25.5.2 JSON.stringify
fn stringify(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let replacer = arg(args, 1);
    let mut st = Stringifier {
        replacer: Value::UNDEFINED,
        property_list: None,
        gap: Vec::new(),
        indent: Vec::new(),
        stack: Vec::new(),
    };
    if vm.is_callable(replacer) {
        st.replacer = replacer;
    } else if testing_comparison::is_array(vm, replacer)? {
        let ro = replacer.as_object().expect("an array");
        let len = objects::length_of_array_like(vm, ro)?;
        let mut list: Vec<PropertyKey> = Vec::new();
        let mut i = 0.0;
        while i < len {
            let k = type_conversion::index_key(vm, i);
            let v = vm.get(ro, k, replacer)?;
            let item = if v.is_string() {
                Some(v)
            } else if v.is_number() {
                Some(vm.to_string(v)?.value())
            } else if let Some(o) = v.as_object() {
                match vm.obj(o).kind {
                    ObjectKind::String(_) | ObjectKind::Number(_) => Some(vm.to_string(v)?.value()),
                    _ => None,
                }
            } else {
                None
            };
            if let Some(item) = item {
                let key = vm.to_property_key(item)?;
                if !list.contains(&key) {
                    // Kept for the whole call (getters run while it is built and used).
                    vm.root_key(key);
                    list.push(key);
                }
            }
            i += 1.0;
        }
        st.property_list = Some(list);
    }
    let mut space = arg(args, 2);
    if let Some(o) = space.as_object() {
        match vm.obj(o).kind {
            ObjectKind::Number(_) => space = Value::number(vm.to_number(space)?),
            ObjectKind::String(_) => space = vm.to_string(space)?.value(),
            _ => {}
        }
    }
    if let Some(n) = space.as_number() {
        let n = n.clamp(0.0, 10.0) as usize;
        st.gap = vec![u16::from(b' '); n];
    } else if let Some(s) = space.as_string() {
        let u = vm.units_checked(s)?;
        st.gap = u[..u.len().min(10)].to_vec();
    }
    let wrapper = vm.new_object();
    vm.root(wrapper.value());
    let empty = vm.key("");
    vm.create_data_property_or_throw(wrapper, empty, arg(args, 0))?;
    let mut out = Vec::new();
    if serialize(vm, &mut st, wrapper, empty, &mut out)? {
        check_length(vm, &out)?;
        vm.string_from_long_units(&out)
    } else {
        Ok(Value::UNDEFINED)
    }
}
