//! Conversions between Numbers and strings: ECMA-262 6.1.6.1.20 Number::toString and 7.1.4.1.1
//! StringToNumber. Radix 10 goes through `ryu-js`, which implements the spec's shortest
//! round-tripping digits and its formatting rules.

/// 6.1.6.1.20 Number::toString ( x, radix ), radix 10.
pub fn number_to_string(x: f64) -> String {
    ryu_js::Buffer::new().format(x).to_string()
}

/// 6.1.6.1.20 Number::toString ( x, radix ) for radix 2 to 36.
///
/// The spec leaves the digits of non-integral values in other radixes implementation-defined
/// (it asks for "the shortest" only where it can); this follows V8's `DoubleToRadixCString`,
/// which produces the digits every engine test262 tracks agrees with: fraction digits up to the
/// double's own precision, rounded half to even, with carries propagated into the integer part.
pub fn number_to_radix_string(x: f64, radix: u32) -> String {
    if radix == 10 || !(2..=36).contains(&radix) {
        return number_to_string(x);
    }
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if x == 0.0 {
        return "0".into();
    }
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let negative = x < 0.0;
    let value = x.abs();
    let r = f64::from(radix);
    let mut integer = value.floor();
    let mut fraction = value - integer;
    // Only compute fraction digits up to the input's precision.
    let mut delta = (0.5 * (next_up(value) - value)).max(next_up(0.0));
    let mut fraction_digits: Vec<u8> = Vec::new();
    if fraction >= delta {
        loop {
            fraction *= r;
            delta *= r;
            let digit = fraction as usize;
            fraction_digits.push(DIGITS[digit]);
            fraction -= digit as f64;
            // Round half to even; a round-up may carry through the digits already written.
            if (fraction > 0.5 || (fraction == 0.5 && digit & 1 == 1)) && fraction + delta > 1.0 {
                loop {
                    let Some(last) = fraction_digits.pop() else {
                        integer += 1.0;
                        break;
                    };
                    let d = (last as char).to_digit(36).unwrap_or(0);
                    if d + 1 < radix {
                        fraction_digits.push(DIGITS[(d + 1) as usize]);
                        break;
                    }
                }
                break;
            }
            if fraction < delta {
                break;
            }
        }
    }
    // Integer digits; those below the double's precision are zeros.
    let mut integer_digits: Vec<u8> = Vec::new();
    while integer / r >= 9007199254740992.0 {
        integer /= r;
        integer_digits.push(b'0');
    }
    loop {
        let remainder = integer % r;
        integer_digits.push(DIGITS[remainder as usize]);
        integer = (integer - remainder) / r;
        if integer <= 0.0 {
            break;
        }
    }
    let mut out = String::with_capacity(integer_digits.len() + fraction_digits.len() + 2);
    if negative {
        out.push('-');
    }
    out.extend(integer_digits.iter().rev().map(|&b| b as char));
    if !fraction_digits.is_empty() {
        out.push('.');
        out.extend(fraction_digits.iter().map(|&b| b as char));
    }
    out
}

/// The next representable double above a finite, non-negative `x`.
fn next_up(x: f64) -> f64 {
    f64::from_bits(x.to_bits() + 1)
}

/// StrWhiteSpaceChar: WhiteSpace or LineTerminator (ECMA-262 12.2, 12.3).
fn is_str_whitespace(u: u16) -> bool {
    matches!(
        u,
        0x09 | 0x0B | 0x0C | 0x20 | 0xA0 | 0xFEFF | 0x0A | 0x0D | 0x2028 | 0x2029 | 0x1680 | 0x2000
            ..=0x200A | 0x202F | 0x205F | 0x3000
    )
}

/// 7.1.4.1.1 StringToNumber ( str ): the StringNumericLiteral grammar, or NaN.
pub fn string_to_number(units: &[u16]) -> f64 {
    let start = units
        .iter()
        .position(|&u| !is_str_whitespace(u))
        .unwrap_or(units.len());
    let end = units
        .iter()
        .rposition(|&u| !is_str_whitespace(u))
        .map_or(start, |i| i + 1);
    let trimmed = &units[start..end];
    let Some(&first) = trimmed.first() else {
        return 0.0;
    };
    // Every StrNumericLiteral starts so: a long string that cannot be one is not copied.
    if !matches!(
        u8::try_from(first),
        Ok(b'0'..=b'9' | b'.' | b'+' | b'-' | b'I')
    ) {
        return f64::NAN;
    }
    // Past the whitespace everything valid is ASCII.
    let Some(text) = trimmed
        .iter()
        .map(|&u| u8::try_from(u).ok().filter(u8::is_ascii).map(char::from))
        .collect::<Option<String>>()
    else {
        return f64::NAN;
    };
    let b = text.as_bytes();
    // NonDecimalIntegerLiteral: no sign, no separators.
    if b.len() > 2 && b[0] == b'0' {
        let radix = match b[1] {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => 0,
        };
        if radix != 0 {
            return if b[2..].iter().all(|c| (*c as char).is_digit(radix)) {
                kiln_lexer::parse_number(&text)
            } else {
                f64::NAN
            };
        }
    }
    let (sign, unsigned) = match b[0] {
        b'+' => (1.0, &text[1..]),
        b'-' => (-1.0, &text[1..]),
        _ => (1.0, text.as_str()),
    };
    if unsigned == "Infinity" {
        return sign * f64::INFINITY;
    }
    if !is_str_unsigned_decimal_literal(unsigned.as_bytes()) {
        return f64::NAN;
    }
    sign * unsigned.parse::<f64>().unwrap_or(f64::NAN)
}

/// StrUnsignedDecimalLiteral: `digits [. [digits]] [exponent]` or `. digits [exponent]`.
fn is_str_unsigned_decimal_literal(b: &[u8]) -> bool {
    let digits = |mut i: usize| {
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i, i > start)
    };
    let (mut i, int_digits) = digits(0);
    let mut frac_digits = false;
    if b.get(i) == Some(&b'.') {
        (i, frac_digits) = digits(i + 1);
    }
    if !int_digits && !frac_digits {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let (end, exp_digits) = digits(i);
        if !exp_digits {
            return false;
        }
        i = end;
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s2n(s: &str) -> f64 {
        string_to_number(&s.encode_utf16().collect::<Vec<_>>())
    }

    #[test]
    fn to_string_radix_10() {
        // Expected strings are what V8 prints for the same values.
        for (x, expected) in [
            (0.0, "0"),
            (-0.0, "0"),
            (1.5, "1.5"),
            (-1e21, "-1e+21"),
            (1e21, "1e+21"),
            (123456789012345680000.0, "123456789012345680000"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (0.1 + 0.2, "0.30000000000000004"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
        ] {
            assert_eq!(number_to_string(x), expected, "{x}");
        }
    }

    #[test]
    fn to_string_other_radixes() {
        // Expected strings from Node 20 (`x.toString(radix)`).
        for (x, radix, expected) in [
            (255.0, 16, "ff"),
            (-255.0, 2, "-11111111"),
            (0.5, 2, "0.1"),
            (0.1, 3, "0.0022002200220022002200220022002201"),
            (2.71, 16, "2.b5c28f5c28f5c"),
            (1e21, 36, "5v1j4f4ds7c000"),
            (
                2.0f64.powi(60),
                2,
                "1000000000000000000000000000000000000000000000000000000000000",
            ),
            (-0.0, 16, "0"),
            (f64::NAN, 2, "NaN"),
            (f64::INFINITY, 36, "Infinity"),
            (
                1.0 / 3.0,
                2,
                "0.010101010101010101010101010101010101010101010101010101",
            ),
            (123.456, 36, "3f.gez4w97ry"),
            (-7.25, 8, "-7.2"),
            (0.999999999999, 7, "0.6666666666666621525"),
        ] {
            assert_eq!(
                number_to_radix_string(x, radix),
                expected,
                "{x} in radix {radix}"
            );
        }
    }

    #[test]
    fn string_to_number_grammar() {
        assert_eq!(s2n(""), 0.0);
        assert_eq!(s2n(" \t\n\u{2028}\u{FEFF} "), 0.0);
        assert_eq!(s2n("  12  "), 12.0);
        assert_eq!(s2n("-.5e1"), -5.0);
        assert_eq!(s2n("5."), 5.0);
        assert_eq!(s2n("0x1F"), 31.0);
        assert_eq!(s2n("0b101"), 5.0);
        assert_eq!(s2n("0o17"), 15.0);
        assert_eq!(s2n("-Infinity"), f64::NEG_INFINITY);
        assert_eq!(s2n("017"), 17.0, "no legacy octal in StringToNumber");
        for nan in [
            "abc", "1_000", "-0x10", "0x", "1e", ".", "+", "inf", "infinity", "NaN", "1n", "١",
        ] {
            assert!(s2n(nan).is_nan(), "{nan:?}");
        }
        assert!(s2n("-0").is_sign_negative());
    }
}

/// The exact value of a finite double as `mantissa × 2^exponent`.
fn decompose(x: f64) -> (u64, i32) {
    let bits = x.abs().to_bits();
    let exponent_bits = ((bits >> 52) & 0x7FF) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if exponent_bits == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), exponent_bits - 1075)
    }
}

/// `round(|x| / 10^scale)`, rounding half up: the integer `n` for which `n × 10^scale − |x|` is
/// closest to zero, the larger one on a tie — the rule of toFixed, toExponential and toPrecision.
fn round_scaled(x: f64, scale: i32) -> num_bigint::BigUint {
    use num_bigint::BigUint;
    let (mantissa, exponent) = decompose(x);
    let ten = BigUint::from(10u32);
    let mut numerator = BigUint::from(mantissa) << exponent.max(0) as usize;
    let mut denominator = BigUint::from(1u32) << (-exponent).max(0) as usize;
    if scale < 0 {
        numerator *= ten.pow(scale.unsigned_abs());
    } else {
        denominator *= ten.pow(scale as u32);
    }
    (numerator * 2u32 + &denominator) / (denominator * 2u32)
}

/// The `precision` significant digits of finite, non-zero `x` (rounded half up) and the decimal
/// exponent of the first: `x ≈ d.ddd × 10^e`.
fn significant_digits(x: f64, precision: u32) -> (String, i32) {
    let mut e = libm::log10(x.abs()).floor() as i32;
    loop {
        let digits = round_scaled(x, e - precision as i32 + 1).to_string();
        match digits.len().cmp(&(precision as usize)) {
            std::cmp::Ordering::Equal => return (digits, e),
            // The estimate of e was one off (log10 is inexact near powers of ten), or rounding
            // carried into a new digit (9.99 → 10.0).
            std::cmp::Ordering::Greater => e += 1,
            std::cmp::Ordering::Less => e -= 1,
        }
    }
}

/// The shortest digits that round-trip (as Number::toString chooses them) and the decimal
/// exponent of the first, for finite, non-zero `x`.
fn shortest_digits(x: f64) -> (String, i32) {
    let text = number_to_string(x.abs());
    let (mantissa, exponent) = match text.split_once('e') {
        Some((m, e)) => (m.to_string(), e.parse::<i32>().unwrap_or(0)),
        None => (text.clone(), 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa.as_str(), ""));
    let all = format!("{int_part}{frac_part}");
    let leading_zeros = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_start_matches('0').trim_end_matches('0');
    let e = exponent + int_part.len() as i32 - 1 - leading_zeros as i32;
    (
        if digits.is_empty() {
            "0".to_string()
        } else {
            digits.to_string()
        },
        e,
    )
}

fn exponent_suffix(e: i32) -> String {
    format!("e{}{}", if e < 0 { '-' } else { '+' }, e.unsigned_abs())
}

/// 21.1.3.3 Number.prototype.toFixed ( fractionDigits ), for `fraction_digits` in 0..=100
/// (the caller throws the RangeError for others).
pub fn to_fixed(x: f64, fraction_digits: u32) -> String {
    if !x.is_finite() {
        return number_to_string(x);
    }
    // Steps 8–10: the sign, and the ToString fallback from 10^21 up.
    let sign = if x < 0.0 { "-" } else { "" };
    if x.abs() >= 1e21 {
        return format!("{sign}{}", number_to_string(x.abs()));
    }
    let f = fraction_digits as usize;
    let n = round_scaled(x, -(fraction_digits as i32)).to_string();
    if f == 0 {
        return format!("{sign}{n}");
    }
    let padded = format!("{n:0>width$}", width = f + 1);
    let (a, b) = padded.split_at(padded.len() - f);
    format!("{sign}{a}.{b}")
}

/// 21.1.3.2 Number.prototype.toExponential ( fractionDigits ): `None` for as many digits as
/// needed to round-trip; otherwise 0..=100.
pub fn to_exponential(x: f64, fraction_digits: Option<u32>) -> String {
    if !x.is_finite() {
        return number_to_string(x);
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let (digits, e) = match fraction_digits {
        _ if x == 0.0 => ("0".repeat(fraction_digits.unwrap_or(0) as usize + 1), 0),
        None => shortest_digits(x),
        Some(f) => significant_digits(x, f + 1),
    };
    let (a, b) = digits.split_at(1);
    let point = if b.is_empty() { "" } else { "." };
    format!("{sign}{a}{point}{b}{}", exponent_suffix(e))
}

/// 21.1.3.5 Number.prototype.toPrecision ( precision ), for `precision` in 1..=100.
pub fn to_precision(x: f64, precision: u32) -> String {
    if !x.is_finite() {
        return number_to_string(x);
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let p = precision as i32;
    let (digits, e) = if x == 0.0 {
        ("0".repeat(precision as usize), 0)
    } else {
        significant_digits(x, precision)
    };
    if x != 0.0 && (e < -6 || e >= p) {
        let (a, b) = digits.split_at(1);
        let point = if b.is_empty() { "" } else { "." };
        return format!("{sign}{a}{point}{b}{}", exponent_suffix(e));
    }
    if e == p - 1 {
        return format!("{sign}{digits}");
    }
    if e >= 0 {
        let (a, b) = digits.split_at(e as usize + 1);
        return format!("{sign}{a}.{b}");
    }
    format!("{sign}0.{}{digits}", "0".repeat((-(e + 1)) as usize))
}

#[cfg(test)]
mod formatting_tests {
    use super::*;

    /// Expected strings printed by Node 20 for the same calls.
    const CASES: &str = include_str!("number_formatting_cases.txt");

    #[test]
    fn matches_node() {
        let mut checked = 0;
        for line in CASES
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let parts: Vec<&str> = line.split('\t').collect();
            let [method, x, arg, expected] = parts[..] else {
                panic!("bad case line {line:?}")
            };
            let x: f64 = x.parse().expect("number");
            let actual = match (method, arg) {
                ("fixed", a) => to_fixed(x, a.parse().expect("digits")),
                ("exp", "-") => to_exponential(x, None),
                ("exp", a) => to_exponential(x, Some(a.parse().expect("digits"))),
                ("prec", a) => to_precision(x, a.parse().expect("digits")),
                _ => panic!("unknown method {method}"),
            };
            assert_eq!(actual, expected, "{x}.{method}({arg})");
            checked += 1;
        }
        assert!(checked > 150, "only {checked} cases");
        assert_eq!(to_fixed(-0.0, 2), "0.00");
        assert_eq!(to_exponential(-0.0, None), "0e+0");
        assert_eq!(to_precision(-0.0, 3), "0.00");
    }
}

/// The IEEE 754 binary16 nearest to `x` (ties to even), as bits: what Float16Array stores and
/// `Math.f16round` rounds through.
pub fn f64_to_f16_bits(x: f64) -> u16 {
    let sign: u16 = if x.is_sign_negative() { 0x8000 } else { 0 };
    if x.is_nan() {
        return 0x7E00;
    }
    let a = x.abs();
    if a >= 65520.0 {
        // Past the largest finite half (65504) by at least half a step: infinity.
        return sign | 0x7C00;
    }
    if a < f64::powi(2.0, -14) {
        // Subnormal (or zero): multiples of 2^-24. The scaling is exact.
        let n = (a * f64::powi(2.0, 24)).round_ties_even();
        return sign | n as u16;
    }
    let e = ((a.to_bits() >> 52) & 0x7FF) as i32 - 1023;
    // The significand scaled to [1024, 2048), rounded; 2048 carries into the exponent.
    let n = (a * f64::powi(2.0, 10 - e)).round_ties_even() as u16;
    sign | ((((e + 15) as u16) << 10) + (n - 1024))
}

/// The value of binary16 `bits`.
pub fn f16_bits_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((bits >> 10) & 0x1F);
    let mantissa = f64::from(bits & 0x3FF);
    sign * match exponent {
        0 => mantissa * f64::powi(2.0, -24),
        31 if mantissa == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1024.0 + mantissa) * f64::powi(2.0, exponent - 25),
    }
}

#[cfg(test)]
mod f16_tests {
    use super::*;

    #[test]
    fn f16_rounds_to_nearest_even_across_the_range() {
        let round = |x: f64| f16_bits_to_f64(f64_to_f16_bits(x));
        assert_eq!(round(1.0), 1.0);
        assert_eq!(round(65504.0), 65504.0);
        assert_eq!(round(65519.99), 65504.0);
        assert_eq!(round(65520.0), f64::INFINITY);
        assert_eq!(round(5.960464477539063e-8), 5.960464477539063e-8);
        // Just above half the smallest subnormal rounds up, exactly half rounds to even (0).
        assert_eq!(round(2.980232238769532e-8), 5.960464477539063e-8);
        assert_eq!(round(2.9802322387695312e-8), 0.0);
        assert_eq!(round(1.0 + f64::powi(2.0, -11)), 1.0);
        assert_eq!(
            round(1.0 + 3.0 * f64::powi(2.0, -11)),
            1.0 + f64::powi(2.0, -9)
        );
        assert!(round(f64::NAN).is_nan());
        assert!(round(-0.0).is_sign_negative());
        assert_eq!(round(6.103515625e-5), 6.103515625e-5);
        assert_eq!(round(6.1e-5), 6.097555160522461e-5);
    }
}
