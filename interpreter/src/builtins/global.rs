//! 19 The global object: value properties, `eval`, `parseInt`/`parseFloat`, `isNaN`/`isFinite`,
//! URI encoding, and `globalThis`.

use super::arg;
use crate::object::PropertyKey;
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let g = vm.intrinsics().global_object;
    for (name, value) in [
        ("NaN", Value::number(f64::NAN)),
        ("Infinity", Value::number(f64::INFINITY)),
        ("undefined", Value::UNDEFINED),
    ] {
        let k = vm.key(name);
        vm.define_data(g, k, value, 0);
    }
    vm.define_global("globalThis", g.value());
    let eval = vm.native_function("eval", 1, indirect_eval, None);
    vm.define_global("eval", eval.value());
    let realm = vm.stack.realm as usize;
    vm.realms[realm].eval = eval;
    for (name, len, f) in [
        ("isFinite", 1, is_finite as crate::object::NativeFn),
        ("isNaN", 1, is_nan),
        ("parseFloat", 1, parse_float),
        ("parseInt", 2, parse_int),
        ("encodeURI", 1, encode_uri),
        ("encodeURIComponent", 1, encode_uri_component),
        ("decodeURI", 1, decode_uri),
        ("decodeURIComponent", 1, decode_uri_component),
        ("escape", 1, escape),
        ("unescape", 1, unescape),
    ] {
        let f = vm.native_function(name, len, f, None);
        vm.define_global(name, f.value());
    }
    // parseInt and parseFloat are the same objects as Number.parseInt/parseFloat.
    let number = vm.realms[realm].constructors.get("Number").copied();
    if let Some(number) = number {
        for name in ["parseFloat", "parseInt"] {
            let k = vm.key(name);
            if let Some(p) = vm.own_property_raw(g, k) {
                vm.define_own_property_raw(number, k, p);
            }
        }
    }
}

/// 19.2.1 eval (x), called indirectly: global code in this realm.
fn indirect_eval(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let x = arg(args, 0);
    // Before step 2 (a non-string comes back as it is), as in V8 and so in Node: where strings
    // may not be compiled, every call of `eval` fails.
    vm.ensure_can_compile_strings()?;
    if !x.is_string() {
        return Ok(x);
    }
    let text = vm.source_text(x.as_string().expect("a string"))?;
    crate::eval::run_source(vm, &text, "eval", true)
}

fn is_finite(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::boolean(vm.to_number(arg(args, 0))?.is_finite()))
}

fn is_nan(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::boolean(vm.to_number(arg(args, 0))?.is_nan()))
}

/// 19.2.4 parseFloat
fn parse_float(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let s = vm.to_string(arg(args, 0))?;
    let units = vm.units_checked(s)?;
    let start = units
        .iter()
        .position(|&u| !super::string::is_js_whitespace(u))
        .unwrap_or(units.len());
    // Only a prefix of these characters can be part of a StrDecimalLiteral.
    let len = units[start..]
        .iter()
        .position(|&u| {
            !matches!(
                u8::try_from(u),
                Ok(b'0'..=b'9'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'e'
                    | b'E'
                    | b'I'
                    | b'n'
                    | b'f'
                    | b'i'
                    | b't'
                    | b'y')
            )
        })
        .unwrap_or(units.len() - start);
    let text = String::from_utf16_lossy(&units[start..start + len]);
    for prefix in ["Infinity", "+Infinity"] {
        if text.starts_with(prefix) {
            return Ok(Value::number(f64::INFINITY));
        }
    }
    if text.starts_with("-Infinity") {
        return Ok(Value::number(f64::NEG_INFINITY));
    }
    let b = text.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut int_digits = i - digits_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        int_digits += i - f;
    }
    if int_digits == 0 {
        return Ok(Value::number(f64::NAN));
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let e = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > e {
            i = j;
        }
    }
    let lit = &text[..i];
    let lit = lit.strip_suffix('.').unwrap_or(lit);
    let lit = lit.replace("+.", "0.").replace("-.", "-0.");
    let lit = if lit.starts_with('.') {
        format!("0{lit}")
    } else {
        lit
    };
    Ok(Value::number(lit.parse::<f64>().unwrap_or(f64::NAN)))
}

/// 19.2.5 parseInt
fn parse_int(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let s = vm.to_string(arg(args, 0))?;
    let units = vm.units_checked(s)?;
    let mut r = vm.to_int32(arg(args, 1))?;
    let mut i = units
        .iter()
        .position(|&u| !super::string::is_js_whitespace(u))
        .unwrap_or(units.len());
    let mut sign = 1.0;
    if i < units.len() && (units[i] == u16::from(b'-') || units[i] == u16::from(b'+')) {
        if units[i] == u16::from(b'-') {
            sign = -1.0;
        }
        i += 1;
    }
    let mut strip_prefix = true;
    if r != 0 {
        if !(2..=36).contains(&r) {
            return Ok(Value::number(f64::NAN));
        }
        if r != 16 {
            strip_prefix = false;
        }
    } else {
        r = 10;
    }
    if strip_prefix
        && i + 1 < units.len()
        && units[i] == u16::from(b'0')
        && (units[i + 1] == u16::from(b'x') || units[i + 1] == u16::from(b'X'))
    {
        i += 2;
        r = 16;
    }
    let start = i;
    let mut digits = Vec::new();
    while i < units.len() {
        let d = char::from_u32(u32::from(units[i])).and_then(|c| c.to_digit(r as u32));
        match d {
            Some(d) => digits.push(d),
            None => break,
        }
        i += 1;
    }
    if i == start {
        return Ok(Value::number(f64::NAN));
    }
    let value = if r == 10 {
        let text: String = digits
            .iter()
            .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
            .collect();
        text.parse::<f64>().unwrap_or(f64::NAN)
    } else {
        digits
            .iter()
            .fold(0.0f64, |acc, &d| acc * f64::from(r) + f64::from(d))
    };
    Ok(Value::number(sign * value))
}

const URI_RESERVED: &str = ";/?:@&=+$,";
const URI_UNESCAPED_MARK: &str = "-_.!~*'()";

fn encode(vm: &mut Vm, v: Value, extra: &str) -> JsResult<Value> {
    let s = vm.to_string(v)?;
    let units = vm.units_checked(s)?;
    let mut out = String::new();
    let mut i = 0;
    while i < units.len() {
        if i % 4096 == 0 {
            // Each unit may become nine ("%E0%A0%80"): check as the text grows.
            vm.check_interrupt_now()?;
            vm.check_string_length(out.len() as f64)?;
        }
        let u = units[i];
        if u < 128 {
            let c = u as u8 as char;
            if c.is_ascii_alphanumeric() || URI_UNESCAPED_MARK.contains(c) || extra.contains(c) {
                out.push(c);
                i += 1;
                continue;
            }
        }
        let (cp, n) = super::string::code_point_at_units(&units, i);
        if (0xD800..0xE000).contains(&cp) {
            return Err(vm.throw_error("URIError", "URI malformed"));
        }
        let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            out.push_str(&format!("%{b:02X}"));
        }
        i += n;
    }
    vm.check_string_length(out.len() as f64)?;
    Ok(vm.string(&out))
}

fn decode(vm: &mut Vm, v: Value, reserved: &str) -> JsResult<Value> {
    let s = vm.to_string(v)?;
    let units = vm.units_checked(s)?.to_vec();
    let mut out: Vec<u16> = Vec::new();
    let mut i = 0;
    let hex = |units: &[u16], i: usize| -> Option<u8> {
        let h = String::from_utf16(units.get(i + 1..i + 3)?).ok()?;
        u8::from_str_radix(&h, 16)
            .ok()
            .filter(|_| h.chars().all(|c| c.is_ascii_hexdigit()))
    };
    while i < units.len() {
        if units[i] != u16::from(b'%') {
            out.push(units[i]);
            i += 1;
            continue;
        }
        let Some(b) = hex(&units, i) else {
            return Err(vm.throw_error("URIError", "URI malformed"));
        };
        if b < 0x80 {
            let c = b as char;
            if reserved.contains(c) {
                out.extend_from_slice(&units[i..i + 3]);
            } else {
                out.push(u16::from(b));
            }
            i += 3;
            continue;
        }
        let n = if b & 0xE0 == 0xC0 {
            2
        } else if b & 0xF0 == 0xE0 {
            3
        } else if b & 0xF8 == 0xF0 {
            4
        } else {
            return Err(vm.throw_error("URIError", "URI malformed"));
        };
        let mut bytes = vec![b];
        let mut j = i + 3;
        for _ in 1..n {
            if units.get(j) != Some(&u16::from(b'%')) {
                return Err(vm.throw_error("URIError", "URI malformed"));
            }
            let Some(c) = hex(&units, j) else {
                return Err(vm.throw_error("URIError", "URI malformed"));
            };
            if c & 0xC0 != 0x80 {
                return Err(vm.throw_error("URIError", "URI malformed"));
            }
            bytes.push(c);
            j += 3;
        }
        match std::str::from_utf8(&bytes) {
            Ok(text) => out.extend(text.encode_utf16()),
            Err(_) => return Err(vm.throw_error("URIError", "URI malformed")),
        }
        i = j;
    }
    vm.string_from_long_units(&out)
}

fn encode_uri(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    encode(vm, arg(args, 0), &format!("{URI_RESERVED}#"))
}
fn encode_uri_component(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    encode(vm, arg(args, 0), "")
}
fn decode_uri(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    decode(vm, arg(args, 0), &format!("{URI_RESERVED}#"))
}
fn decode_uri_component(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    decode(vm, arg(args, 0), "")
}

pub fn unused(_: PropertyKey) {}

/// B.2.1.1 escape ( string )
fn escape(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let s = vm.to_string(arg(args, 0))?;
    let units = vm.units_checked(s)?;
    let mut out: Vec<u16> = Vec::with_capacity(units.len());
    for (i, &c) in units.iter().enumerate() {
        if i % 4096 == 0 {
            // Each unit may become six ("%u0100").
            vm.check_interrupt_now()?;
            vm.check_string_length(out.len() as f64)?;
        }
        let plain = c < 128
            && (char::from(c as u8).is_ascii_alphanumeric() || b"@*_+-./".contains(&(c as u8)));
        if plain {
            out.push(c);
        } else if c < 256 {
            out.extend(format!("%{c:02X}").encode_utf16());
        } else {
            out.extend(format!("%u{c:04X}").encode_utf16());
        }
    }
    vm.check_string_length(out.len() as f64)?;
    vm.string_from_long_units(&out)
}

/// B.2.1.2 unescape ( string )
fn unescape(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let s = vm.to_string(arg(args, 0))?;
    let units = vm.units_checked(s)?;
    let hex = |from: usize, count: usize| -> Option<u16> {
        let digits = units.get(from..from + count)?;
        let mut v: u16 = 0;
        for &d in digits {
            let digit = char::from_u32(u32::from(d))?.to_digit(16)?;
            v = v * 16 + digit as u16;
        }
        Some(v)
    };
    let mut out: Vec<u16> = Vec::with_capacity(units.len());
    let mut k = 0;
    while k < units.len() {
        let c = units[k];
        if c == u16::from(b'%') {
            if units.get(k + 1) == Some(&u16::from(b'u'))
                && let Some(v) = hex(k + 2, 4)
            {
                out.push(v);
                k += 6;
                continue;
            }
            if let Some(v) = hex(k + 1, 2) {
                out.push(v);
                k += 3;
                continue;
            }
        }
        out.push(c);
        k += 1;
    }
    vm.string_from_long_units(&out)
}
