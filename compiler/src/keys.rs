//! Property keys written as number or BigInt literals (`{ 1e3: x }`, `{ 0x10n: y }`) become
//! their canonical string forms at compile time.

use num_bigint::BigInt;

/// ECMA-262 6.1.6.1.20 Number::toString(x, 10): the key `{ 1.50: x }` names.
pub fn number_key(x: f64) -> String {
    ryu_js::Buffer::new().format(x).to_string()
}

/// The decimal digits of a BigInt literal (`0x1F` → `31`).
pub fn bigint_key(digits: &str) -> String {
    parse_bigint_literal(digits).map_or_else(|| digits.to_string(), |b| b.to_string())
}

/// A BigInt literal's value: decimal, or `0x`/`0o`/`0b` prefixed.
pub fn parse_bigint_literal(digits: &str) -> Option<BigInt> {
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = if let Some(rest) = lower.strip_prefix("0x") {
        (16, rest)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (8, rest)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (2, rest)
    } else {
        (10, lower.as_str())
    };
    BigInt::parse_bytes(body.as_bytes(), radix)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys() {
        assert_eq!(super::number_key(1.5), "1.5");
        assert_eq!(super::number_key(1e21), "1e+21");
        assert_eq!(super::bigint_key("0x1F"), "31");
        assert_eq!(super::bigint_key("10"), "10");
    }
}
