//! 22.1 String objects (the common methods; the rest belong to the standard-library issue).

use super::arg;
use crate::abstract_ops::objects;
use crate::abstract_ops::testing_comparison::is_regexp;
use crate::abstract_ops::type_conversion;
use crate::heap::{ObjRef, StrRef};
use crate::limits::{STRING_CHUNK, StringBuilder};
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let empty = vm.string("").as_string().expect("a string");
    let proto = vm.alloc(Object::new(Some(op), ObjectKind::String(empty)));
    let realm = vm.stack.realm as usize;
    vm.realms[realm].string_prototype = proto;
    let ctor = vm.make_constructor("String", 1, string_call, Some(string_construct), proto);
    vm.define_method(ctor, "fromCharCode", 1, from_char_code);
    vm.define_method(ctor, "fromCodePoint", 1, from_code_point);
    vm.define_method(ctor, "raw", 1, raw);
    let methods: &[(&str, u32, crate::object::NativeFn)] = &[
        ("at", 1, at),
        ("charAt", 1, char_at),
        ("charCodeAt", 1, char_code_at),
        ("codePointAt", 1, code_point_at),
        ("concat", 1, concat),
        ("endsWith", 1, ends_with),
        ("includes", 1, includes),
        ("indexOf", 1, index_of),
        ("isWellFormed", 0, is_well_formed),
        ("lastIndexOf", 1, last_index_of),
        ("match", 1, match_),
        ("matchAll", 1, match_all),
        ("normalize", 0, normalize),
        ("search", 1, search),
        ("localeCompare", 1, locale_compare),
        ("padEnd", 1, pad_end),
        ("padStart", 1, pad_start),
        ("repeat", 1, repeat),
        ("replace", 2, replace),
        ("replaceAll", 2, replace_all),
        ("slice", 2, slice),
        ("split", 2, split),
        ("startsWith", 1, starts_with),
        ("substr", 2, substr),
        ("substring", 2, substring),
        ("toLocaleLowerCase", 0, to_lower_case),
        ("toLocaleUpperCase", 0, to_upper_case),
        ("toLowerCase", 0, to_lower_case),
        ("toString", 0, value_of),
        ("toUpperCase", 0, to_upper_case),
        ("toWellFormed", 0, to_well_formed),
        ("trim", 0, trim),
        ("trimEnd", 0, trim_end),
        ("trimStart", 0, trim_start),
        ("valueOf", 0, value_of),
    ];
    for (name, length, f) in methods {
        vm.define_method(proto, name, *length, *f);
    }
    let it = vm.agent.symbols.iterator;
    vm.define_symbol_method(proto, it, "[Symbol.iterator]", 0, iterator);
    // B.2.2.15-16: trimLeft and trimRight are the same functions as trimStart and trimEnd.
    for (alias, name) in [("trimLeft", "trimStart"), ("trimRight", "trimEnd")] {
        let key = vm.key(name);
        if let Ok(f) = vm.get(proto, key, proto.value()) {
            let alias = vm.key(alias);
            vm.define_data(proto, alias, f, attrs::HIDDEN);
        }
    }
    // B.2.2.2-14 the HTML methods.
    for (name, length, f) in [
        ("anchor", 1, anchor as crate::object::NativeFn),
        ("big", 0, big),
        ("blink", 0, blink),
        ("bold", 0, bold),
        ("fixed", 0, fixed),
        ("fontcolor", 1, fontcolor),
        ("fontsize", 1, fontsize),
        ("italics", 0, italics),
        ("link", 1, link),
        ("small", 0, small),
        ("strike", 0, strike),
        ("sub", 0, sub),
        ("sup", 0, sup),
    ] {
        vm.define_method(proto, name, length, f);
    }
}

/// 22.1.3.13 String.prototype.match, 22.1.3.22 search: delegate to the argument's
/// `@@match`/`@@search`, else to a new RegExp's.
fn match_or_search(vm: &mut Vm, this: Value, args: &[Value], search: bool) -> JsResult<Value> {
    let name = if search { "search" } else { "match" };
    if this.is_nullish() {
        return Err(vm.type_error(&format!(
            "String.prototype.{name} called on null or undefined"
        )));
    }
    let regexp = arg(args, 0);
    let symbol = if search {
        vm.agent.symbols.search
    } else {
        vm.agent.symbols.match_
    };
    if !regexp.is_nullish() {
        let matcher = vm.get_method(regexp, PropertyKey::Symbol(symbol))?;
        if !matcher.is_undefined() {
            return vm.call(matcher, regexp, &[this]);
        }
    }
    let s = vm.to_string(this)?;
    vm.with_roots(&[s.value()], |vm| {
        let rx = super::regexp::regexp_create(vm, regexp, Value::UNDEFINED)?;
        vm.root(rx);
        let f = vm.get_method(rx, PropertyKey::Symbol(symbol))?;
        vm.call(f, rx, &[s.value()])
    })
}

fn match_(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    match_or_search(vm, this, args, false)
}

fn search(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    match_or_search(vm, this, args, true)
}

/// 22.1.3.14 String.prototype.matchAll ( regexp )
fn match_all(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    if this.is_nullish() {
        return Err(vm.type_error("String.prototype.matchAll called on null or undefined"));
    }
    let regexp = arg(args, 0);
    if !regexp.is_nullish() {
        if is_regexp(vm, regexp)? {
            let fk = vm.key("flags");
            let flags = vm.get_v(regexp, fk)?;
            if flags.is_nullish() {
                return Err(vm.type_error("String.prototype.matchAll: flags is null or undefined"));
            }
            let f = string_of(vm, flags)?;
            if !f.contains(&u16::from(b'g')) {
                return Err(vm.type_error(
                    "String.prototype.matchAll called with a non-global RegExp argument",
                ));
            }
        }
        let key = PropertyKey::Symbol(vm.agent.symbols.match_all);
        let matcher = vm.get_method(regexp, key)?;
        if !matcher.is_undefined() {
            return vm.call(matcher, regexp, &[this]);
        }
    }
    let s = vm.to_string(this)?;
    vm.with_roots(&[s.value()], |vm| {
        let g = vm.string("g");
        let rx = super::regexp::regexp_create(vm, regexp, g)?;
        vm.root(rx);
        let key = PropertyKey::Symbol(vm.agent.symbols.match_all);
        let f = vm.get_method(rx, key)?;
        vm.call(f, rx, &[s.value()])
    })
}

/// 22.1.3.15 String.prototype.normalize ( [ form ] ): lone surrogates pass through untouched.
fn normalize(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    use unicode_normalization::UnicodeNormalization;
    let s = this_string(vm, this, "normalize")?;
    let form = arg(args, 0);
    let form = if form.is_undefined() {
        "NFC".to_string()
    } else {
        let f = vm.to_string(form)?;
        vm.rust_string(f)
    };
    if !matches!(form.as_str(), "NFC" | "NFD" | "NFKC" | "NFKD") {
        return Err(vm.range_error(&format!(
            "The normalization form should be one of NFC, NFD, NFKC, NFKD; got {form}"
        )));
    }
    let mut out: Vec<u16> = Vec::with_capacity(s.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut Vec<u16>| {
        let normalized: String = match form.as_str() {
            "NFC" => run.nfc().collect(),
            "NFD" => run.nfd().collect(),
            "NFKC" => run.nfkc().collect(),
            _ => run.nfkd().collect(),
        };
        out.extend(normalized.encode_utf16());
        run.clear();
    };
    let mut unchecked = 0;
    for unit in char::decode_utf16(s.iter().copied()) {
        match unit {
            // A run may end where normalization has a boundary: long strings are normalized
            // a piece at a time.
            Ok(c) if run.len() >= 4096 && boundary_before(c, &form) => {
                flush(&mut run, &mut out);
                run.push(c);
            }
            Ok(c) => run.push(c),
            Err(lone) => {
                flush(&mut run, &mut out);
                out.push(lone.unpaired_surrogate());
            }
        }
        unchecked += 1;
        if unchecked == 1 << 16 {
            unchecked = 0;
            vm.check_interrupt_now()?;
            vm.check_string_length(out.len() as f64)?;
        }
    }
    flush(&mut run, &mut out);
    vm.check_string_length(out.len() as f64)?;
    vm.string_from_long_units(&out)
}

/// Whether text followed by `c` normalizes as the text alone followed by `c`'s part (a
/// normalization boundary, UAX #15 section 9.1): `c`'s decomposition in `form` starts with a
/// starter, which in the composing forms must not compose with what precedes it (the
/// characters whose quick check says "maybe").
fn boundary_before(c: char, form: &str) -> bool {
    use unicode_normalization::char::{
        canonical_combining_class, decompose_canonical, decompose_compatible,
    };
    use unicode_normalization::{IsNormalized, is_nfc_quick};
    if c.is_ascii() {
        return true;
    }
    let mut first = None;
    let mut keep_first = |d: char| {
        first.get_or_insert(d);
    };
    match form {
        "NFC" | "NFD" => decompose_canonical(c, &mut keep_first),
        _ => decompose_compatible(c, &mut keep_first),
    }
    let Some(first) = first else {
        return false;
    };
    canonical_combining_class(first) == 0
        && (matches!(form, "NFD" | "NFKD")
            || is_nfc_quick(std::iter::once(first)) == IsNormalized::Yes)
}

/// B.2.2.2.1 CreateHTML ( string, tag, attribute, value )
fn create_html(
    vm: &mut Vm,
    this: Value,
    name: &str,
    tag: &str,
    attribute: Option<(&str, Value)>,
) -> JsResult<Value> {
    let s = this_string(vm, this, name)?;
    let mut out: Vec<u16> = format!("<{tag}").encode_utf16().collect();
    if let Some((attribute, value)) = attribute {
        let v = string_of(vm, value)?;
        out.extend(format!(" {attribute}=\"").encode_utf16());
        for &unit in v.iter() {
            if unit == u16::from(b'"') {
                out.extend("&quot;".encode_utf16());
            } else {
                out.push(unit);
            }
        }
        out.push(u16::from(b'"'));
    }
    out.push(u16::from(b'>'));
    out.extend_from_slice(&s);
    out.extend(format!("</{tag}>").encode_utf16());
    vm.string_from_long_units(&out)
}

fn anchor(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    create_html(vm, this, "anchor", "a", Some(("name", arg(args, 0))))
}
fn big(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    create_html(vm, this, "big", "big", None)
}
fn blink(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    create_html(vm, this, "blink", "blink", None)
}
fn bold(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    create_html(vm, this, "bold", "b", None)
}
fn fixed(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    create_html(vm, this, "fixed", "tt", None)
}
fn fontcolor(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    create_html(vm, this, "fontcolor", "font", Some(("color", arg(args, 0))))
}
fn fontsize(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    create_html(vm, this, "fontsize", "font", Some(("size", arg(args, 0))))
}
fn italics(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    create_html(vm, this, "italics", "i", None)
}
fn link(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    create_html(vm, this, "link", "a", Some(("href", arg(args, 0))))
}
fn small(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    create_html(vm, this, "small", "small", None)
}
fn strike(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    create_html(vm, this, "strike", "strike", None)
}
fn sub(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    create_html(vm, this, "sub", "sub", None)
}
fn sup(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    create_html(vm, this, "sup", "sup", None)
}

fn string_call(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    if args.is_empty() {
        return Ok(vm.string(""));
    }
    if let Some(s) = args[0].as_symbol() {
        let text = super::symbol::descriptive_string(vm, s);
        return Ok(vm.string(&text));
    }
    Ok(vm.to_string(args[0])?.value())
}

fn string_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let s = if args.is_empty() {
        vm.string("").as_string().expect("a string")
    } else {
        vm.to_string(args[0])?
    };
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.string_prototype)?;
    Ok(vm
        .alloc(Object::new(Some(proto), ObjectKind::String(s)))
        .value())
}

/// `this` as a string (RequireObjectCoercible + ToString).
fn this_string(vm: &mut Vm, this: Value, name: &str) -> JsResult<std::rc::Rc<[u16]>> {
    let s = this_str(vm, this, name)?;
    vm.units_checked(s)
}

fn this_str(vm: &mut Vm, this: Value, name: &str) -> JsResult<StrRef> {
    if this.is_nullish() {
        return Err(vm.type_error(&format!(
            "String.prototype.{name} called on null or undefined"
        )));
    }
    vm.to_string(this)
}

fn string_of(vm: &mut Vm, v: Value) -> JsResult<std::rc::Rc<[u16]>> {
    let s = vm.to_string(v)?;
    vm.units_checked(s)
}

fn value_of(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    if this.is_string() {
        return Ok(this);
    }
    if let Some(o) = this.as_object()
        && let ObjectKind::String(s) = vm.obj(o).kind
    {
        return Ok(s.value());
    }
    Err(vm.type_error("String.prototype.valueOf requires that 'this' be a String"))
}

fn from_char_code(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let mut units = Vec::with_capacity(args.len());
    for &a in args {
        units.push(vm.to_uint32(a)? as u16);
    }
    vm.string_from_long_units(&units)
}

fn from_code_point(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let mut units = Vec::new();
    for &a in args {
        let n = vm.to_number(a)?;
        if n.fract() != 0.0 || !(0.0..=1114111.0).contains(&n) {
            return Err(vm.range_error(&format!("Invalid code point {n}")));
        }
        push_code_point(&mut units, n as u32);
    }
    vm.string_from_long_units(&units)
}

pub fn push_code_point(units: &mut Vec<u16>, cp: u32) {
    if cp < 0x10000 {
        units.push(cp as u16);
    } else {
        let c = cp - 0x10000;
        units.push(0xD800 + (c >> 10) as u16);
        units.push(0xDC00 + (c & 0x3FF) as u16);
    }
}

/// 22.1.2.4 String.raw
fn raw(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let cooked = vm.to_object(arg(args, 0))?;
    let rk = PropertyKey::String(vm.agent.names.raw);
    let raw = vm.get(cooked, rk, cooked.value())?;
    let literals = vm.to_object(raw)?;
    let len = objects::length_of_array_like(vm, literals)?;
    let mut out = StringBuilder::new();
    let mut i = 0.0;
    while i < len {
        vm.check_interrupt_native()?;
        let key = type_conversion::index_key(vm, i);
        let seg = vm.get(literals, key, literals.value())?;
        let seg = string_of(vm, seg)?;
        out.push_units(vm, &seg)?;
        if i + 1.0 >= len {
            break;
        }
        if let Some(&sub) = args.get(i as usize + 1) {
            let sub = string_of(vm, sub)?;
            out.push_units(vm, &sub)?;
        }
        i += 1.0;
    }
    out.finish(vm)
}

fn at(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "at")?;
    let len = s.len() as f64;
    let r = vm.to_integer_or_infinity(arg(args, 0))?;
    let k = if r >= 0.0 { r } else { len + r };
    if k < 0.0 || k >= len {
        return Ok(Value::UNDEFINED);
    }
    vm.string_from_long_units(&s[k as usize..k as usize + 1])
}

fn char_at(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(vm, this, "charAt")?;
    let p = vm.to_integer_or_infinity(arg(args, 0))?;
    if p < 0.0 || p >= f64::from(vm.string_len(s)) {
        return Ok(vm.string(""));
    }
    let u = vm.unit_at_checked(s, p as usize)?.unwrap_or(0);
    Ok(vm.single_unit_string(u))
}

fn char_code_at(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(vm, this, "charCodeAt")?;
    let p = match arg(args, 0).as_int32() {
        Some(i) => f64::from(i),
        None => vm.to_integer_or_infinity(arg(args, 0))?,
    };
    if p < 0.0 || p >= f64::from(vm.string_len(s)) {
        return Ok(Value::number(f64::NAN));
    }
    Ok(Value::int32(i32::from(
        vm.unit_at_checked(s, p as usize)?.unwrap_or(0),
    )))
}

pub fn code_point_at_units(s: &[u16], i: usize) -> (u32, usize) {
    let first = s[i];
    if (0xD800..0xDC00).contains(&first) && i + 1 < s.len() && (0xDC00..0xE000).contains(&s[i + 1])
    {
        let cp = 0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(s[i + 1]) - 0xDC00);
        return (cp, 2);
    }
    (u32::from(first), 1)
}

fn code_point_at(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "codePointAt")?;
    let p = vm.to_integer_or_infinity(arg(args, 0))?;
    if p < 0.0 || p >= s.len() as f64 {
        return Ok(Value::UNDEFINED);
    }
    Ok(Value::int32(code_point_at_units(&s, p as usize).0 as i32))
}

fn concat(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "concat")?;
    let mut out = StringBuilder::new();
    out.push_units(vm, &s)?;
    for &a in args {
        let piece = string_of(vm, a)?;
        out.push_units(vm, &piece)?;
    }
    out.finish(vm)
}

/// The first position at or after `from` where `needle` occurs in `haystack`. A position costs
/// up to `needle.len()` comparisons, so the positions are tried a chunk of comparisons at a
/// time, with termination checks between.
fn find(vm: &mut Vm, haystack: &[u16], needle: &[u16], from: usize) -> JsResult<Option<usize>> {
    let Some(&first) = needle.first() else {
        return Ok((from <= haystack.len()).then_some(from));
    };
    let Some(last) = haystack.len().checked_sub(needle.len()) else {
        return Ok(None);
    };
    let positions_per_chunk = (STRING_CHUNK / needle.len()).max(1);
    let mut start = from;
    while start <= last {
        let end = last.min(start + positions_per_chunk - 1);
        let mut i = start;
        while let Some(k) = haystack[i..=end].iter().position(|&u| u == first) {
            i += k;
            if haystack[i..i + needle.len()] == *needle {
                return Ok(Some(i));
            }
            i += 1;
            if i > end {
                break;
            }
        }
        start = end + 1;
        if start <= last {
            vm.check_interrupt_now()?;
        }
    }
    Ok(None)
}

/// The last position at or before `from` where `needle` occurs in `haystack`, checking for
/// termination as [`find`] does.
fn rfind(vm: &mut Vm, haystack: &[u16], needle: &[u16], from: usize) -> JsResult<Option<usize>> {
    let Some(last) = haystack.len().checked_sub(needle.len()) else {
        return Ok(None);
    };
    let positions_per_chunk = (STRING_CHUNK / needle.len().max(1)).max(1);
    let mut end = from.min(last) + 1;
    while end > 0 {
        let start = end.saturating_sub(positions_per_chunk);
        if let Some(i) = (start..end)
            .rev()
            .find(|&i| haystack[i..i + needle.len()] == *needle)
        {
            return Ok(Some(i));
        }
        end = start;
        if end > 0 {
            vm.check_interrupt_now()?;
        }
    }
    Ok(None)
}

fn ends_with(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "endsWith")?;
    if is_regexp(vm, arg(args, 0))? {
        return Err(vm.type_error(
            "First argument to String.prototype.endsWith must not be a regular expression",
        ));
    }
    let search = string_of(vm, arg(args, 0))?;
    let len = s.len() as f64;
    let end = if arg(args, 1).is_undefined() {
        len
    } else {
        vm.to_integer_or_infinity(arg(args, 1))?.clamp(0.0, len)
    } as usize;
    if search.len() > end {
        return Ok(Value::FALSE);
    }
    Ok(Value::boolean(s[end - search.len()..end] == search[..]))
}

fn starts_with(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "startsWith")?;
    if is_regexp(vm, arg(args, 0))? {
        return Err(vm.type_error(
            "First argument to String.prototype.startsWith must not be a regular expression",
        ));
    }
    let search = string_of(vm, arg(args, 0))?;
    let start = vm
        .to_integer_or_infinity(arg(args, 1))?
        .clamp(0.0, s.len() as f64) as usize;
    if start + search.len() > s.len() {
        return Ok(Value::FALSE);
    }
    Ok(Value::boolean(s[start..start + search.len()] == search[..]))
}

fn includes(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "includes")?;
    if is_regexp(vm, arg(args, 0))? {
        return Err(vm.type_error(
            "First argument to String.prototype.includes must not be a regular expression",
        ));
    }
    let search = string_of(vm, arg(args, 0))?;
    let start = vm
        .to_integer_or_infinity(arg(args, 1))?
        .clamp(0.0, s.len() as f64) as usize;
    Ok(Value::boolean(find(vm, &s, &search, start)?.is_some()))
}

fn index_of(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "indexOf")?;
    let search = string_of(vm, arg(args, 0))?;
    let start = vm
        .to_integer_or_infinity(arg(args, 1))?
        .clamp(0.0, s.len() as f64) as usize;
    Ok(Value::number(
        find(vm, &s, &search, start)?.map_or(-1.0, |i| i as f64),
    ))
}

fn last_index_of(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "lastIndexOf")?;
    let search = string_of(vm, arg(args, 0))?;
    let n = vm.to_number(arg(args, 1))?;
    let pos = if n.is_nan() { f64::INFINITY } else { n.trunc() };
    let start = pos.clamp(0.0, s.len() as f64) as usize;
    Ok(match rfind(vm, &s, &search, start)? {
        Some(i) => Value::number(i as f64),
        None => Value::int32(-1),
    })
}

fn locale_compare(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "localeCompare")?;
    let t = string_of(vm, arg(args, 0))?;
    let a = String::from_utf16_lossy(&s);
    let b = String::from_utf16_lossy(&t);
    Ok(Value::int32(match a.cmp(&b) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }))
}

fn pad(vm: &mut Vm, this: Value, args: &[Value], at_start: bool) -> JsResult<Value> {
    let s = this_string(vm, this, "padStart")?;
    let max = vm.to_length(arg(args, 0))?;
    if max <= s.len() as f64 {
        return vm.string_from_long_units(&s[..]);
    }
    let filler = if arg(args, 1).is_undefined() {
        std::rc::Rc::from([u16::from(b' ')])
    } else {
        string_of(vm, arg(args, 1))?
    };
    if filler.is_empty() {
        return vm.string_from_long_units(&s[..]);
    }
    vm.check_string_length(max)?;
    let fill_len = max as usize - s.len();
    let mut out = StringBuilder::new();
    out.reserve(vm, max as usize)?;
    if !at_start {
        out.push_units(vm, &s)?;
    }
    out.push_repeated(vm, &filler, fill_len / filler.len())?;
    out.push_units(vm, &filler[..fill_len % filler.len()])?;
    if at_start {
        out.push_units(vm, &s)?;
    }
    out.finish(vm)
}

fn pad_start(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    pad(vm, this, args, true)
}
fn pad_end(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    pad(vm, this, args, false)
}

fn repeat(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "repeat")?;
    let n = vm.to_integer_or_infinity(arg(args, 0))?;
    if !(0.0..f64::INFINITY).contains(&n) {
        return Err(vm.range_error(&format!("Invalid count value: {n}")));
    }
    if s.is_empty() || n == 0.0 {
        return Ok(vm.string(""));
    }
    vm.check_string_length(s.len() as f64 * n)?;
    let mut out = StringBuilder::new();
    out.reserve(vm, s.len() * n as usize)?;
    out.push_repeated(vm, &s, n as usize)?;
    out.finish(vm)
}

/// Looks up a named capture group's text for `$<name>`.
pub type NamedGroups<'a> = &'a dyn Fn(&[u16]) -> Option<Vec<u16>>;

/// 22.1.3.19.1 GetSubstitution
pub fn get_substitution(
    matched: &[u16],
    s: &[u16],
    position: usize,
    captures: &[Option<Vec<u16>>],
    named: Option<NamedGroups<'_>>,
    replacement: &[u16],
) -> Vec<u16> {
    let mut out = Vec::new();
    let mut i = 0;
    let m = captures.len();
    while i < replacement.len() {
        let c = replacement[i];
        if c == u16::from(b'$') && i + 1 < replacement.len() {
            let n = replacement[i + 1];
            if n == u16::from(b'$') {
                out.push(c);
                i += 2;
                continue;
            }
            if n == u16::from(b'&') {
                out.extend_from_slice(matched);
                i += 2;
                continue;
            }
            if n == u16::from(b'`') {
                out.extend_from_slice(&s[..position.min(s.len())]);
                i += 2;
                continue;
            }
            if n == u16::from(b'\'') {
                let end = (position + matched.len()).min(s.len());
                out.extend_from_slice(&s[end..]);
                i += 2;
                continue;
            }
            if (u16::from(b'0')..=u16::from(b'9')).contains(&n) {
                let d1 = usize::from(n - u16::from(b'0'));
                let two = replacement
                    .get(i + 2)
                    .filter(|&&d| (u16::from(b'0')..=u16::from(b'9')).contains(&d))
                    .map(|&d| d1 * 10 + usize::from(d - u16::from(b'0')));
                if let Some(k) = two
                    && k >= 1
                    && k <= m
                {
                    if let Some(cap) = &captures[k - 1] {
                        out.extend_from_slice(cap);
                    }
                    i += 3;
                    continue;
                }
                if d1 >= 1 && d1 <= m {
                    if let Some(cap) = &captures[d1 - 1] {
                        out.extend_from_slice(cap);
                    }
                    i += 2;
                    continue;
                }
            }
            if n == u16::from(b'<')
                && let Some(named) = named
                && let Some(end) = replacement[i + 2..]
                    .iter()
                    .position(|&u| u == u16::from(b'>'))
            {
                let name = &replacement[i + 2..i + 2 + end];
                if let Some(v) = named(name) {
                    out.extend_from_slice(&v);
                }
                i += end + 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn replace_impl(vm: &mut Vm, this: Value, args: &[Value], all: bool) -> JsResult<Value> {
    if this.is_nullish() {
        return Err(vm.type_error("String.prototype.replace called on null or undefined"));
    }
    let search_value = arg(args, 0);
    let replace_value = arg(args, 1);
    if !search_value.is_nullish() {
        if all && is_regexp(vm, search_value)? {
            let fk = vm.key("flags");
            let flags = vm.get_v(search_value, fk)?;
            if flags.is_nullish() {
                return Err(vm.type_error("replaceAll: flags is null or undefined"));
            }
            let f = string_of(vm, flags)?;
            if !f.contains(&u16::from(b'g')) {
                return Err(vm.type_error("replaceAll must be called with a global RegExp"));
            }
        }
        let key = PropertyKey::Symbol(vm.agent.symbols.replace);
        let replacer = vm.get_method(search_value, key)?;
        if !replacer.is_undefined() {
            return vm.call(replacer, search_value, &[this, replace_value]);
        }
    }
    let sv = vm.to_string(this)?.value();
    vm.root(sv);
    let s = string_of(vm, sv)?;
    let search = string_of(vm, search_value)?;
    let functional = vm.is_callable(replace_value);
    let replacement = if functional {
        std::rc::Rc::from([])
    } else {
        string_of(vm, replace_value)?
    };
    let mut positions = Vec::new();
    let mut from = 0;
    while let Some(p) = find(vm, &s, &search, from)? {
        vm.check_interrupt_native()?;
        positions.push(p);
        if !all {
            break;
        }
        from = p + search.len().max(1);
        if from > s.len() {
            break;
        }
    }
    let mut out = StringBuilder::new();
    let mut end = 0;
    for p in positions {
        vm.check_interrupt_native()?;
        out.push_units(vm, &s[end..p])?;
        let piece = if functional {
            let m = vm.string_from_long_units(&search)?;
            let r = vm.call(
                replace_value,
                Value::UNDEFINED,
                &[m, Value::number(p as f64), sv],
            )?;
            string_of(vm, r)?.to_vec()
        } else {
            get_substitution(&search, &s, p, &[], None, &replacement)
        };
        out.push_units(vm, &piece)?;
        end = p + search.len();
    }
    out.push_units(vm, &s[end.min(s.len())..])?;
    out.finish(vm)
}

fn replace(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    replace_impl(vm, this, args, false)
}
fn replace_all(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    replace_impl(vm, this, args, true)
}

fn slice(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "slice")?;
    let len = s.len() as f64;
    let rel = |vm: &mut Vm, v: Value, default: f64| -> JsResult<f64> {
        if v.is_undefined() {
            return Ok(default);
        }
        let r = vm.to_integer_or_infinity(v)?;
        Ok(if r < 0.0 {
            (len + r).max(0.0)
        } else {
            r.min(len)
        })
    };
    let from = rel(vm, arg(args, 0), 0.0)?;
    let to = rel(vm, arg(args, 1), len)?;
    if from >= to {
        return Ok(vm.string(""));
    }
    vm.string_from_long_units(&s[from as usize..to as usize])
}

/// 22.1.3.23 String.prototype.split
fn split(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    if this.is_nullish() {
        return Err(vm.type_error("String.prototype.split called on null or undefined"));
    }
    let separator = arg(args, 0);
    let limit = arg(args, 1);
    if !separator.is_nullish() {
        let key = PropertyKey::Symbol(vm.agent.symbols.split);
        let splitter = vm.get_method(separator, key)?;
        if !splitter.is_undefined() {
            return vm.call(splitter, separator, &[this, limit]);
        }
    }
    let sv = vm.to_string(this)?.value();
    vm.root(sv);
    let s = string_of(vm, sv)?;
    let lim = if limit.is_undefined() {
        u32::MAX
    } else {
        vm.to_uint32(limit)?
    };
    let r = string_of(vm, separator)?;
    if lim == 0 {
        return Ok(vm.new_array(Vec::new()).value());
    }
    if separator.is_undefined() {
        return Ok(vm.new_array(vec![sv]).value());
    }
    let mut parts = Vec::new();
    if r.is_empty() {
        for &u in s.iter().take(lim as usize) {
            vm.check_interrupt_native()?;
            parts.push(vm.string_from_units(&[u]));
        }
        return Ok(vm.new_array(parts).value());
    }
    if s.is_empty() {
        return Ok(vm.new_array(vec![sv]).value());
    }
    let mut start = 0;
    while let Some(p) = find(vm, &s, &r, start)? {
        vm.check_interrupt_native()?;
        parts.push(vm.string_from_long_units(&s[start..p])?);
        if parts.len() as u32 >= lim {
            return Ok(vm.new_array(parts).value());
        }
        start = p + r.len();
    }
    parts.push(vm.string_from_long_units(&s[start..])?);
    Ok(vm.new_array(parts).value())
}

fn substr(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "substr")?;
    let size = s.len() as f64;
    let mut start = vm.to_integer_or_infinity(arg(args, 0))?;
    if start == f64::NEG_INFINITY {
        start = 0.0;
    } else if start < 0.0 {
        start = (size + start).max(0.0);
    } else {
        start = start.min(size);
    }
    let length = if arg(args, 1).is_undefined() {
        size
    } else {
        vm.to_integer_or_infinity(arg(args, 1))?
    };
    let end = (start + length).min(size);
    if start >= end {
        return Ok(vm.string(""));
    }
    vm.string_from_long_units(&s[start as usize..end as usize])
}

fn substring(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "substring")?;
    let len = s.len() as f64;
    let a = vm.to_integer_or_infinity(arg(args, 0))?.clamp(0.0, len);
    let b = if arg(args, 1).is_undefined() {
        len
    } else {
        vm.to_integer_or_infinity(arg(args, 1))?.clamp(0.0, len)
    };
    let (from, to) = if a < b { (a, b) } else { (b, a) };
    vm.string_from_long_units(&s[from as usize..to as usize])
}

/// Full Unicode case mapping by code point; lone surrogates are kept as they are.
fn map_case(vm: &mut Vm, this: Value, name: &str, lower: bool) -> JsResult<Value> {
    let s = this_string(vm, this, name)?;
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if i % 4096 == 0 {
            vm.check_interrupt_now()?;
            // Upper-casing can make a string longer ("ﬃ" is "FFI").
            vm.check_string_length(out.len() as f64)?;
        }
        let (cp, n) = code_point_at_units(&s, i);
        match char::from_u32(cp) {
            Some(c) if lower => c
                .to_lowercase()
                .for_each(|l| push_code_point(&mut out, l as u32)),
            Some(c) => c
                .to_uppercase()
                .for_each(|u| push_code_point(&mut out, u as u32)),
            None => out.push(s[i]),
        }
        i += n;
    }
    vm.check_string_length(out.len() as f64)?;
    vm.string_from_long_units(&out)
}

fn to_lower_case(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    map_case(vm, this, "toLowerCase", true)
}

fn to_upper_case(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    map_case(vm, this, "toUpperCase", false)
}

fn is_well_formed(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "isWellFormed")?;
    Ok(Value::boolean(
        char::decode_utf16(s.iter().copied()).all(|c| c.is_ok()),
    ))
}

fn to_well_formed(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let s = this_string(vm, this, "toWellFormed")?;
    let mut out = Vec::with_capacity(s.len());
    for (i, c) in char::decode_utf16(s.iter().copied()).enumerate() {
        if i % 4096 == 0 {
            vm.check_interrupt_now()?;
        }
        let c = c.unwrap_or('\u{FFFD}');
        let mut buf = [0u16; 2];
        out.extend_from_slice(c.encode_utf16(&mut buf));
    }
    vm.string_from_long_units(&out)
}

/// WhiteSpace and LineTerminator code points (12.2, 12.3).
pub fn is_js_whitespace(u: u16) -> bool {
    matches!(
        u,
        0x09 | 0x0A | 0x0B | 0x0C | 0x0D | 0x20 | 0xA0 | 0x1680 | 0x2000
            ..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000 | 0xFEFF
    )
}

fn trim_impl(vm: &mut Vm, this: Value, start: bool, end: bool) -> JsResult<Value> {
    let s = this_string(vm, this, "trim")?;
    let mut a = 0;
    let mut b = s.len();
    if start {
        while a < b && is_js_whitespace(s[a]) {
            a += 1;
        }
    }
    if end {
        while b > a && is_js_whitespace(s[b - 1]) {
            b -= 1;
        }
    }
    vm.string_from_long_units(&s[a..b])
}

fn trim(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    trim_impl(vm, this, true, true)
}
fn trim_start(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    trim_impl(vm, this, true, false)
}
fn trim_end(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    trim_impl(vm, this, false, true)
}

fn iterator(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let sv = this_str(vm, this, "[Symbol.iterator]")?.value();
    let proto = vm.intrinsics().string_iterator_prototype;
    Ok(vm
        .alloc(Object::new(
            Some(proto),
            ObjectKind::StringIterator {
                string: sv,
                position: 0,
            },
        ))
        .value())
}

pub fn define_string_length(vm: &mut Vm, o: ObjRef, len: u32) {
    let key = PropertyKey::String(vm.agent.names.length);
    vm.define_data(o, key, Value::int32(len as i32), attrs::CONFIGURABLE);
}
