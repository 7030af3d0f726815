//! Uint8Array to and from base64 and hex (the TC39 proposal test262 tests under
//! `uint8array-base64`): `Uint8Array.fromBase64`, `fromHex`, and the prototype's `toBase64`,
//! `toHex`, `setFromBase64`, `setFromHex`.

use super::arg;
use super::typed_array;
use crate::heap::ObjRef;
use crate::slots::{ElementType, TypedArrayData};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm, uint8_prototype: ObjRef) {
    vm.define_method(uint8_prototype, "toBase64", 0, to_base64);
    vm.define_method(uint8_prototype, "toHex", 0, to_hex);
    vm.define_method(uint8_prototype, "setFromBase64", 1, set_from_base64);
    vm.define_method(uint8_prototype, "setFromHex", 1, set_from_hex);
}

/// Defines `Uint8Array.fromBase64` and `fromHex` on the constructor.
pub fn init_constructor(vm: &mut Vm, uint8_array: ObjRef) {
    vm.define_method(uint8_array, "fromBase64", 1, from_base64);
    vm.define_method(uint8_array, "fromHex", 1, from_hex);
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#[derive(Clone, Copy, PartialEq)]
enum LastChunk {
    Loose,
    Strict,
    StopBeforePartial,
}

/// What a decoder produced: the code units it consumed, the bytes, and whether it failed.
struct Decoded {
    read: usize,
    bytes: Vec<u8>,
    error: bool,
}

/// ValidateUint8Array: the array and its current bytes' location.
fn this_uint8(vm: &mut Vm, this: Value, method: &str) -> JsResult<(ObjRef, TypedArrayData)> {
    if let Some(o) = this.as_object()
        && let Some(ta) = crate::typed_array_object::typed_array(vm, o)
        && ta.element == ElementType::Uint8
    {
        return Ok((o, ta));
    }
    Err(vm.type_error(&format!(
        "Method Uint8Array.prototype.{method} called on incompatible receiver"
    )))
}

/// GetUint8ArrayBytes
fn bytes_of(vm: &mut Vm, ta: &TypedArrayData) -> JsResult<Vec<u8>> {
    let Some(len) = crate::typed_array_object::length_of(vm, ta) else {
        return Err(vm.type_error("The Uint8Array is detached or out of bounds"));
    };
    Ok(crate::typed_array_object::buffer_data(vm, ta.buffer)
        .map(|d| d.bytes.to_vec(ta.byte_offset..ta.byte_offset + len))
        .unwrap_or_default())
}

/// GetOptionsObject
fn options_object(vm: &mut Vm, options: Value) -> JsResult<Option<ObjRef>> {
    if options.is_undefined() {
        return Ok(None);
    }
    match options.as_object() {
        Some(o) => Ok(Some(o)),
        None => Err(vm.type_error("The options argument must be an object")),
    }
}

fn string_option(vm: &mut Vm, options: Option<ObjRef>, name: &str) -> JsResult<Option<String>> {
    let Some(o) = options else { return Ok(None) };
    let key = vm.key(name);
    let v = vm.get(o, key, o.value())?;
    if v.is_undefined() {
        return Ok(None);
    }
    match v.as_string() {
        Some(s) => Ok(Some(vm.rust_string(s))),
        None => Err(vm.type_error(&format!("The {name} option must be a string"))),
    }
}

/// The `alphabet` option: whether it is base64url.
fn alphabet_option(vm: &mut Vm, options: Option<ObjRef>) -> JsResult<bool> {
    match string_option(vm, options, "alphabet")?.as_deref() {
        None | Some("base64") => Ok(false),
        Some("base64url") => Ok(true),
        Some(other) => Err(vm.type_error(&format!(
            "alphabet must be \"base64\" or \"base64url\", not \"{other}\""
        ))),
    }
}

fn last_chunk_option(vm: &mut Vm, options: Option<ObjRef>) -> JsResult<LastChunk> {
    match string_option(vm, options, "lastChunkHandling")?.as_deref() {
        None | Some("loose") => Ok(LastChunk::Loose),
        Some("strict") => Ok(LastChunk::Strict),
        Some("stop-before-partial") => Ok(LastChunk::StopBeforePartial),
        Some(other) => Err(vm.type_error(&format!(
            "lastChunkHandling must be \"loose\", \"strict\" or \"stop-before-partial\", not \"{other}\""
        ))),
    }
}

fn string_argument(vm: &mut Vm, v: Value) -> JsResult<Vec<u16>> {
    match v.as_string() {
        Some(s) => Ok(vm.units_checked(s)?.to_vec()),
        None => Err(vm.type_error("The argument must be a string")),
    }
}

fn base64_value(c: u16) -> Option<u32> {
    let c = u8::try_from(c).ok()?;
    BASE64.iter().position(|&x| x == c).map(|p| p as u32)
}

fn is_ascii_whitespace(c: u16) -> bool {
    matches!(c, 0x09 | 0x0A | 0x0C | 0x0D | 0x20)
}

fn skip_whitespace(s: &[u16], mut i: usize) -> usize {
    while i < s.len() && is_ascii_whitespace(s[i]) {
        i += 1;
    }
    i
}

/// DecodeBase64Chunk and DecodeFinalBase64Chunk: `chunk` holds 2 to 4 sextets. `None` when
/// `strict_bits` and the padding bits are not zero.
fn decode_chunk(chunk: &[u32], strict_bits: bool) -> Option<Vec<u8>> {
    let mut n = 0u32;
    for i in 0..4 {
        n = (n << 6) | chunk.get(i).copied().unwrap_or(0);
    }
    let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
    let keep = match chunk.len() {
        2 => 1,
        3 => 2,
        _ => 3,
    };
    if strict_bits && bytes[keep..].iter().any(|&b| b != 0) {
        return None;
    }
    Some(bytes[..keep].to_vec())
}

/// FromBase64 ( string, alphabet, lastChunkHandling [ , maxLength ] )
fn from_base64_units(s: &[u16], url: bool, last: LastChunk, max_length: usize) -> Decoded {
    let mut out = Decoded {
        read: 0,
        bytes: Vec::new(),
        error: false,
    };
    if max_length == 0 {
        return out;
    }
    let mut chunk: Vec<u32> = Vec::with_capacity(4);
    let mut index = 0;
    let fail = |mut out: Decoded| {
        out.error = true;
        out
    };
    loop {
        index = skip_whitespace(s, index);
        if index == s.len() {
            if !chunk.is_empty() {
                match last {
                    LastChunk::StopBeforePartial => return out,
                    LastChunk::Loose if chunk.len() > 1 => {
                        out.bytes
                            .extend(decode_chunk(&chunk, false).unwrap_or_default());
                    }
                    _ => return fail(out),
                }
            }
            out.read = s.len();
            return out;
        }
        let mut c = s[index];
        index += 1;
        if c == u16::from(b'=') {
            if chunk.len() < 2 {
                return fail(out);
            }
            index = skip_whitespace(s, index);
            if chunk.len() == 2 {
                if index == s.len() {
                    if last == LastChunk::StopBeforePartial {
                        return out;
                    }
                    return fail(out);
                }
                if s[index] == u16::from(b'=') {
                    index = skip_whitespace(s, index + 1);
                }
            }
            if index < s.len() {
                return fail(out);
            }
            match decode_chunk(&chunk, last == LastChunk::Strict) {
                Some(b) => out.bytes.extend(b),
                None => return fail(out),
            }
            out.read = s.len();
            return out;
        }
        if url {
            if c == u16::from(b'+') || c == u16::from(b'/') {
                return fail(out);
            }
            if c == u16::from(b'-') {
                c = u16::from(b'+');
            } else if c == u16::from(b'_') {
                c = u16::from(b'/');
            }
        }
        let Some(v) = base64_value(c) else {
            return fail(out);
        };
        let remaining = max_length - out.bytes.len();
        if (remaining == 1 && chunk.len() == 2) || (remaining == 2 && chunk.len() == 3) {
            return out;
        }
        chunk.push(v);
        if chunk.len() == 4 {
            out.bytes
                .extend(decode_chunk(&chunk, false).unwrap_or_default());
            chunk.clear();
            out.read = index;
            if out.bytes.len() == max_length {
                return out;
            }
        }
    }
}

/// FromHex ( string [ , maxLength ] )
fn from_hex_units(s: &[u16], max_length: usize) -> Decoded {
    let mut out = Decoded {
        read: 0,
        bytes: Vec::new(),
        error: false,
    };
    if !s.len().is_multiple_of(2) {
        out.error = true;
        return out;
    }
    let hex = |c: u16| char::from_u32(u32::from(c)).and_then(|c| c.to_digit(16));
    while out.read < s.len() && out.bytes.len() < max_length {
        let (Some(a), Some(b)) = (hex(s[out.read]), hex(s[out.read + 1])) else {
            out.error = true;
            return out;
        };
        out.read += 2;
        out.bytes.push((a * 16 + b) as u8);
    }
    out
}

fn new_uint8_array(vm: &mut Vm, bytes: Vec<u8>) -> Value {
    let buffer = super::array_buffer::new_array_buffer(vm, bytes);
    typed_array::create(vm, ElementType::Uint8, buffer).value()
}

/// Uint8Array.fromBase64 ( string [ , options ] )
fn from_base64(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let s = string_argument(vm, arg(args, 0))?;
    let options = options_object(vm, arg(args, 1))?;
    let url = alphabet_option(vm, options)?;
    let last = last_chunk_option(vm, options)?;
    let decoded = from_base64_units(&s, url, last, usize::MAX);
    if decoded.error {
        return Err(vm.syntax_error("The string is not valid base64"));
    }
    Ok(new_uint8_array(vm, decoded.bytes))
}

/// Uint8Array.fromHex ( string )
fn from_hex(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let s = string_argument(vm, arg(args, 0))?;
    let decoded = from_hex_units(&s, usize::MAX);
    if decoded.error {
        return Err(vm.syntax_error("The string is not valid hex"));
    }
    Ok(new_uint8_array(vm, decoded.bytes))
}

/// Uint8Array.prototype.toBase64 ( [ options ] )
fn to_base64(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (_, ta) = this_uint8(vm, this, "toBase64")?;
    let options = options_object(vm, arg(args, 0))?;
    let url = alphabet_option(vm, options)?;
    let omit_padding = match options {
        Some(o) => {
            let key = vm.key("omitPadding");
            let v = vm.get(o, key, o.value())?;
            vm.to_boolean(v)
        }
        None => false,
    };
    if let Some(len) = crate::typed_array_object::length_of(vm, &ta) {
        vm.check_string_length((len.div_ceil(3) * 4) as f64)?;
    }
    let bytes = bytes_of(vm, &ta)?;
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for (i, chunk) in bytes.chunks(3).enumerate() {
        if i % 4096 == 0 {
            vm.check_interrupt_now()?;
        }
        let n = chunk
            .iter()
            .chain(std::iter::repeat(&0))
            .take(3)
            .fold(0u32, |n, &b| (n << 8) | u32::from(b));
        let sextets = chunk.len() + 1;
        for i in 0..4 {
            if i < sextets {
                let mut c = BASE64[((n >> (18 - 6 * i)) & 63) as usize];
                if url {
                    c = match c {
                        b'+' => b'-',
                        b'/' => b'_',
                        c => c,
                    };
                }
                out.push(char::from(c));
            } else if !omit_padding {
                out.push('=');
            }
        }
    }
    Ok(vm.string(&out))
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Uint8Array.prototype.toHex ( )
fn to_hex(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let (_, ta) = this_uint8(vm, this, "toHex")?;
    if let Some(len) = crate::typed_array_object::length_of(vm, &ta) {
        vm.check_string_length(len as f64 * 2.0)?;
    }
    let bytes = bytes_of(vm, &ta)?;
    let mut out = String::with_capacity(bytes.len() * 2);
    for (i, b) in bytes.iter().enumerate() {
        if i % 4096 == 0 {
            vm.check_interrupt_now()?;
        }
        out.push(char::from(HEX_DIGITS[usize::from(b >> 4)]));
        out.push(char::from(HEX_DIGITS[usize::from(b & 15)]));
    }
    Ok(vm.string(&out))
}

/// Writes the decoded bytes into the array and returns `{ read, written }`, or throws.
fn finish_set(vm: &mut Vm, ta: &TypedArrayData, decoded: Decoded, what: &str) -> JsResult<Value> {
    for (i, &b) in decoded.bytes.iter().enumerate() {
        crate::typed_array_object::write(
            vm,
            ta,
            i,
            crate::typed_array_object::Element::Number(f64::from(b)),
        );
    }
    if decoded.error {
        return Err(vm.syntax_error(&format!("The string is not valid {what}")));
    }
    let o = vm.new_object();
    let rk = vm.key("read");
    let wk = vm.key("written");
    vm.create_data_property_or_throw(o, rk, Value::number(decoded.read as f64))?;
    let written = Value::number(decoded.bytes.len() as f64);
    vm.create_data_property_or_throw(o, wk, written)?;
    Ok(o.value())
}

fn current_length(vm: &mut Vm, ta: &TypedArrayData) -> JsResult<usize> {
    match crate::typed_array_object::length_of(vm, ta) {
        Some(len) => Ok(len),
        None => Err(vm.type_error("The Uint8Array is detached or out of bounds")),
    }
}

/// Uint8Array.prototype.setFromBase64 ( string [ , options ] )
fn set_from_base64(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (_, ta) = this_uint8(vm, this, "setFromBase64")?;
    if crate::typed_array_object::is_immutable(vm, ta.buffer) {
        return Err(super::array_buffer::immutable_write_error(
            vm,
            "perform Uint8Array.prototype.setFromBase64",
        ));
    }
    let s = string_argument(vm, arg(args, 0))?;
    let options = options_object(vm, arg(args, 1))?;
    let url = alphabet_option(vm, options)?;
    let last = last_chunk_option(vm, options)?;
    let len = current_length(vm, &ta)?;
    let decoded = from_base64_units(&s, url, last, len);
    finish_set(vm, &ta, decoded, "base64")
}

/// Uint8Array.prototype.setFromHex ( string )
fn set_from_hex(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let (_, ta) = this_uint8(vm, this, "setFromHex")?;
    if crate::typed_array_object::is_immutable(vm, ta.buffer) {
        return Err(super::array_buffer::immutable_write_error(
            vm,
            "perform Uint8Array.prototype.setFromHex",
        ));
    }
    let s = string_argument(vm, arg(args, 0))?;
    let len = current_length(vm, &ta)?;
    let decoded = from_hex_units(&s, len);
    finish_set(vm, &ta, decoded, "hex")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn base64_decodes_padding_whitespace_and_partial_chunks() {
        let d = from_base64_units(&units("Zm9v YmE="), false, LastChunk::Loose, usize::MAX);
        assert!(!d.error);
        assert_eq!(d.bytes, b"fooba");
        let d = from_base64_units(&units("Zm9vYmE"), false, LastChunk::Strict, usize::MAX);
        assert!(d.error);
        let d = from_base64_units(&units("Zm9vYmE"), false, LastChunk::StopBeforePartial, 9);
        assert_eq!(
            (d.read, d.bytes.as_slice(), d.error),
            (4, &b"foo"[..], false)
        );
        let d = from_base64_units(&units("Zm9vYmF="), false, LastChunk::Strict, usize::MAX);
        assert!(d.error, "non-zero padding bits are an error when strict");
    }

    #[test]
    fn hex_decodes_pairs_and_rejects_odd_lengths() {
        let d = from_hex_units(&units("00fF7a"), usize::MAX);
        assert_eq!(d.bytes, [0, 255, 0x7a]);
        assert!(from_hex_units(&units("abc"), usize::MAX).error);
        assert!(from_hex_units(&units("zz"), usize::MAX).error);
    }
}
