//! The natives of `TextEncoder` and `TextDecoder` (WHATWG Encoding): UTF-8 both ways, and
//! UTF-16LE, UTF-16BE and windows-1252 (what the labels `latin1`, `ascii` and `iso-8859-1`
//! mean) decoding, with replacement characters or, when `fatal`, errors.

use super::{buffer_bytes, buffer_range, coded_error, new_uint8_array};
use kiln_interpreter::object::ObjectKind;
use kiln_interpreter::{JsResult, Value, Vm};

/// The code units of `args[0]` as a string (ToString).
fn units_of(vm: &mut Vm, args: &[Value]) -> JsResult<std::rc::Rc<[u16]>> {
    let s = vm.to_string(args.first().copied().unwrap_or(Value::UNDEFINED))?;
    vm.units_checked(s)
}

/// `utf8Encode(string)`: a Uint8Array of its UTF-8, lone surrogates as U+FFFD.
pub fn utf8_encode(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let units = units_of(vm, args)?;
    let text: String = char::decode_utf16(units.iter().copied())
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    new_uint8_array(vm, text.into_bytes())
}

/// `encodeInto(string, buffer, offset, length)`: writes as many whole characters as fit;
/// `[read (UTF-16 units), written (bytes)]`.
pub fn encode_into(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let units = units_of(vm, args)?;
    let (buffer, offset, length) = buffer_range(vm, args, 1)?;
    let mut out = Vec::with_capacity(length);
    let mut read = 0;
    for c in char::decode_utf16(units.iter().copied()) {
        let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
        let mut utf8 = [0; 4];
        let encoded = c.encode_utf8(&mut utf8);
        if out.len() + encoded.len() > length {
            break;
        }
        out.extend_from_slice(encoded.as_bytes());
        // A replaced lone surrogate was one unit; any other character its UTF-16 length.
        read += if c == char::REPLACEMENT_CHARACTER {
            1
        } else {
            c.len_utf16()
        };
    }
    match &mut vm.obj_mut(buffer).kind {
        ObjectKind::ArrayBuffer(b) if offset + out.len() <= b.bytes.len() => {
            b.bytes.write(offset, &out);
        }
        _ => return Err(vm.type_error("the buffer is detached or too short")),
    }
    let result = vec![Value::number(read as f64), Value::number(out.len() as f64)];
    Ok(vm.new_array(result).value())
}

/// `decode(encoding, fatal, stream, buffer, offset, length)`: `[text, pending]`, where
/// `pending` counts the bytes at the end that start a character not finished yet (kept back
/// only when `stream`).
pub fn decode(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let encoding = match args.first().and_then(|v| v.as_string()) {
        Some(s) => vm.rust_string(s),
        None => "utf-8".to_string(),
    };
    let fatal = args.get(1).is_some_and(|&v| vm.to_boolean(v));
    let stream = args.get(2).is_some_and(|&v| vm.to_boolean(v));
    let bytes = buffer_bytes(vm, args, 3)?;
    let (units, pending, invalid) = if encoding == "utf-16le" {
        decode_utf16le(&bytes, stream)
    } else if encoding == "utf-16be" {
        let swapped: Vec<u8> = bytes
            .chunks(2)
            .flat_map(|p| p.iter().rev().copied().collect::<Vec<u8>>())
            .collect();
        decode_utf16le(&swapped, stream)
    } else if encoding == "windows-1252" {
        (bytes.iter().map(|&b| windows_1252(b)).collect(), 0, false)
    } else {
        let pending = if stream {
            utf8_incomplete_tail(&bytes)
        } else {
            0
        };
        let text = String::from_utf8_lossy(&bytes[..bytes.len() - pending]);
        let invalid = matches!(text, std::borrow::Cow::Owned(_));
        (text.encode_utf16().collect::<Vec<u16>>(), pending, invalid)
    };
    if fatal && invalid {
        return Err(coded_error(
            vm,
            "TypeError",
            "ERR_ENCODING_INVALID_ENCODED_DATA",
            &format!("The encoded data was not valid for encoding {encoding}"),
        ));
    }
    let text = vm.string_from_units(&units);
    let result = vec![text, Value::number(pending as f64)];
    Ok(vm.new_array(result).value())
}

/// How many bytes at the end of `bytes` begin a UTF-8 sequence that is valid so far but not
/// complete.
fn utf8_incomplete_tail(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let b = bytes[bytes.len() - back];
        if b & 0xC0 == 0x80 {
            continue;
        }
        let needed = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return 0,
        };
        let tail = &bytes[bytes.len() - back..];
        let valid_so_far = std::str::from_utf8(tail)
            .err()
            .is_some_and(|e| e.error_len().is_none());
        return if back < needed && valid_so_far {
            back
        } else {
            0
        };
    }
    0
}

/// UTF-16LE to code units, lone surrogates (and an odd last byte) as U+FFFD, and whether any
/// was replaced; when `stream`, an odd last byte and a final high surrogate are kept back.
fn decode_utf16le(bytes: &[u8], stream: bool) -> (Vec<u16>, usize, bool) {
    let mut raw: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let mut pending = bytes.len() % 2;
    // At the end, a lead surrogate and an odd byte after it are one error (one U+FFFD).
    let lone_lead_then_odd_byte =
        !stream && pending == 1 && raw.last().is_some_and(|u| (0xD800..0xDC00).contains(u));
    if lone_lead_then_odd_byte {
        raw.pop();
    }
    if stream && raw.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
        raw.pop();
        pending += 2;
    }
    let mut invalid = false;
    let mut units = Vec::with_capacity(raw.len());
    for c in char::decode_utf16(raw.iter().copied()) {
        let c = c.unwrap_or_else(|_| {
            invalid = true;
            char::REPLACEMENT_CHARACTER
        });
        let mut buf = [0; 2];
        units.extend_from_slice(c.encode_utf16(&mut buf));
    }
    if !stream && pending == 1 {
        units.push(0xFFFD);
        invalid = true;
        pending = 0;
    }
    (units, pending, invalid)
}

/// A windows-1252 byte as a UTF-16 code unit (the WHATWG index: it differs from Latin-1 only
/// in 0x80..=0x9F).
fn windows_1252(byte: u8) -> u16 {
    const HIGH: [u16; 32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => u16::from(byte),
    }
}
