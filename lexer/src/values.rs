//! The values of literal tokens, computed when the parser builds a node.
//!
//! The lexer has already checked each token, so these functions only decode; given text the
//! lexer would reject they still return something rather than panic.

use crate::lexer::{find_any, read_unicode_escape};
use std::borrow::Cow;

/// The name of an identifier token, with `\u` escapes decoded.
pub fn identifier_name(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(c) = text[pos..].chars().next() {
        if c == '\\'
            && let Some((value, end)) = read_unicode_escape(text, pos + 1)
        {
            out.push(char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER));
            pos = end;
        } else {
            out.push(c);
            pos += c.len_utf8();
        }
    }
    Cow::Owned(out)
}

/// Appends the code units of `text` (a string literal's body, between the quotes) to `out`.
pub fn cook_string(text: &str, out: &mut Vec<u16>) {
    cook(text, out, false);
}

/// The cooked value of a template piece's text (between `` ` ``/`}` and `` ` ``/`${`) appended to
/// `cooked`, and its raw value to `raw`. Returns false when an escape is invalid: the cooked value
/// is then undefined.
pub fn cook_template(text: &str, cooked: &mut Vec<u16>, raw: &mut Vec<u16>) -> bool {
    // TRV: CR LF and CR become LF. The text between carriage returns is widened a run at a time.
    let b = text.as_bytes();
    let mut pos = 0;
    loop {
        let end = find_any(b, pos, [b'\r']);
        push_utf16(raw, &text[pos..end]);
        if end == b.len() {
            break;
        }
        raw.push(u16::from(b'\n'));
        pos = if b.get(end + 1) == Some(&b'\n') {
            end + 2
        } else {
            end + 1
        };
    }
    cook(text, cooked, true)
}

/// Appends the UTF-16 code units of `text`.
#[inline]
fn push_utf16(out: &mut Vec<u16>, text: &str) {
    if text.is_ascii() {
        out.extend(text.bytes().map(u16::from));
    } else {
        out.extend(text.encode_utf16());
    }
}

/// Decodes escapes. In templates, CR LF and CR in the text become LF, and a legacy octal escape
/// is invalid (returns false).
fn cook(text: &str, out: &mut Vec<u16>, template: bool) -> bool {
    let b = text.as_bytes();
    let mut valid = true;
    let mut pos = 0;
    loop {
        // The text up to the next backslash or carriage return (the only characters that do not
        // stand for themselves), widened as a run rather than a character at a time: long
        // strings with a few `\n`s in them are common (shader sources, messages).
        let end = find_any(b, pos, [b'\\', b'\r']);
        push_utf16(out, &text[pos..end]);
        let Some(&c) = b.get(end) else {
            return valid;
        };
        pos = end + 1;
        if c == b'\r' {
            if template {
                if b.get(pos) == Some(&b'\n') {
                    pos += 1;
                }
                out.push(u16::from(b'\n'));
            } else {
                out.push(u16::from(b'\r'));
            }
            continue;
        }
        let Some(e) = text[pos..].chars().next() else {
            break;
        };
        let after = pos + e.len_utf8();
        let mut unit = |u: u32| out.push(u as u16);
        match e {
            'n' => unit(0x0A),
            't' => unit(0x09),
            'r' => unit(0x0D),
            'b' => unit(0x08),
            'f' => unit(0x0C),
            'v' => unit(0x0B),
            '\r' => {
                // Line continuation: nothing.
                pos = if b.get(after) == Some(&b'\n') {
                    after + 1
                } else {
                    after
                };
                continue;
            }
            '\n' | '\u{2028}' | '\u{2029}' => {}
            'x' => {
                let value = text
                    .get(after..after + 2)
                    .and_then(|h| u32::from_str_radix(h, 16).ok());
                match value {
                    Some(v) => {
                        unit(v);
                        pos = after + 2;
                        continue;
                    }
                    None => valid = false,
                }
            }
            'u' => match read_unicode_escape(text, pos) {
                Some((value, end)) => {
                    push_code_point(out, value);
                    pos = end;
                    continue;
                }
                None => valid = false,
            },
            '0' if !b.get(after).is_some_and(u8::is_ascii_digit) => unit(0),
            '0'..='7' => {
                if template {
                    valid = false;
                } else {
                    let mut value = e as u32 - '0' as u32;
                    let mut end = after;
                    let max = if e <= '3' { 2 } else { 1 };
                    for _ in 0..max {
                        match b.get(end) {
                            Some(d @ b'0'..=b'7') => {
                                value = value * 8 + u32::from(d - b'0');
                                end += 1;
                            }
                            _ => break,
                        }
                    }
                    unit(value);
                    pos = end;
                    continue;
                }
            }
            '8' | '9' if template => valid = false,
            other => {
                let mut buf = [0u16; 2];
                out.extend_from_slice(other.encode_utf16(&mut buf));
            }
        }
        pos = after;
    }
    valid
}

fn push_code_point(out: &mut Vec<u16>, value: u32) {
    if value >= 0x10000 {
        let v = value - 0x10000;
        out.push(0xD800 | (v >> 10) as u16);
        out.push(0xDC00 | (v & 0x3FF) as u16);
    } else {
        out.push(value as u16);
    }
}

/// The Number value of a numeric literal's text (ECMA-262 12.9.3.3 MV, rounded to nearest).
pub fn parse_number(text: &str) -> f64 {
    // Most literals are small decimal integers: up to 15 digits fit a u64 and convert to a
    // double exactly, without the general decimal-to-binary algorithm. `0` followed by digits is
    // left to the paths below (legacy octal, `08`).
    let b = text.as_bytes();
    if b.len() <= 15 && b.iter().all(u8::is_ascii_digit) && (b.len() == 1 || b[0] != b'0') {
        let value = b
            .iter()
            .fold(0u64, |value, &digit| value * 10 + u64::from(digit - b'0'));
        return value as f64;
    }
    let cleaned: Cow<'_, str> = if text.contains('_') {
        Cow::Owned(text.replace('_', ""))
    } else {
        Cow::Borrowed(text)
    };
    let t = cleaned.as_ref();
    let b = t.as_bytes();
    if b.len() > 1 && b[0] == b'0' {
        match b[1] {
            b'x' | b'X' => return parse_power_of_two_radix(&t[2..], 4),
            b'o' | b'O' => return parse_power_of_two_radix(&t[2..], 3),
            b'b' | b'B' => return parse_power_of_two_radix(&t[2..], 1),
            b'0'..=b'9' if b.iter().all(|c| (b'0'..=b'7').contains(c)) => {
                return parse_power_of_two_radix(&t[1..], 3);
            }
            _ => {}
        }
    }
    t.parse::<f64>().unwrap_or(f64::NAN)
}

/// Digits in radix 2^`bits_per_digit`, rounded to the nearest double (ties to even).
fn parse_power_of_two_radix(digits: &str, bits_per_digit: u32) -> f64 {
    let digits = digits.trim_start_matches('0');
    // Collect up to 64 significant bits, then a sticky bit for anything below.
    let mut mantissa: u64 = 0;
    let mut bits: u32 = 0; // significant bits seen in total
    let mut sticky = false;
    for c in digits.chars() {
        let d = c.to_digit(1 << bits_per_digit).unwrap_or(0) as u64;
        for i in (0..bits_per_digit).rev() {
            let bit = (d >> i) & 1;
            if bits == 0 && bit == 0 {
                continue;
            }
            if bits < 64 {
                mantissa = (mantissa << 1) | bit;
            } else if bit == 1 {
                sticky = true;
            }
            bits += 1;
        }
    }
    if bits == 0 {
        return 0.0;
    }
    if bits <= 53 {
        return mantissa as f64;
    }
    // Keep 53 bits of the (up to) 64 collected; round the rest to nearest even.
    let kept_bits = bits.min(64);
    let shift = kept_bits - 53;
    let top = mantissa >> shift;
    let rest = mantissa & ((1u64 << shift) - 1);
    let half = 1u64 << (shift - 1);
    let round_up = rest > half || (rest == half && (sticky || top & 1 == 1));
    let value = (top + u64::from(round_up)) as f64;
    value * 2f64.powi((bits - 53) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("0x1F"), 31.0);
        assert_eq!(parse_number("1_000"), 1000.0);
        assert_eq!(parse_number("017"), 15.0);
        assert_eq!(parse_number("019"), 19.0);
        assert_eq!(parse_number(".5e1"), 5.0);
        assert_eq!(parse_number("5."), 5.0);
        assert_eq!(parse_number("0b11"), 3.0);
        // The integer fast path, at and past its 15 digits.
        assert_eq!(parse_number("0"), 0.0);
        assert_eq!(parse_number("7"), 7.0);
        assert_eq!(parse_number("999999999999999"), 999999999999999.0);
        assert_eq!(parse_number("9007199254740993"), 9007199254740992.0);
        assert_eq!(parse_number("08"), 8.0);
        assert_eq!(parse_number("0x20000000000001"), 9007199254740992.0);
        assert_eq!(parse_number("0x20000000000003"), 9007199254740996.0);
        assert_eq!(parse_number("0xFFFFFFFFFFFFFFFFF"), 295147905179352830000.0);
    }

    #[test]
    fn strings() {
        let mut out = Vec::new();
        cook_string(r"a\n\x41\u{1F600}\uD800\101\0", &mut out);
        assert_eq!(out, [0x61, 0x0A, 0x41, 0xD83D, 0xDE00, 0xD800, 0x41, 0]);
    }

    #[test]
    fn templates() {
        let (mut cooked, mut raw) = (Vec::new(), Vec::new());
        assert!(!cook_template(r"\unicode", &mut cooked, &mut raw));
        assert_eq!(String::from_utf16_lossy(&raw), r"\unicode");
        let (mut cooked, mut raw) = (Vec::new(), Vec::new());
        assert!(cook_template("a\r\nb", &mut cooked, &mut raw));
        assert_eq!(cooked, [0x61, 0x0A, 0x62]);
        assert_eq!(raw, [0x61, 0x0A, 0x62]);
    }
}
