//! Regular expression literals: flags and pattern syntax, checked as early errors.
//!
//! The pattern is checked by the same engine the runtime will use (`regress`), so a literal that
//! parses here also compiles there.

/// Checks a regular expression literal's body and flags; the error says what is wrong.
pub(crate) fn validate_regexp(pattern: &str, flags: &str) -> Result<(), String> {
    check_flags(flags)?;
    // The `g`, `y` and `d` flags change matching, not syntax.
    let syntax_flags: String = flags
        .chars()
        .filter(|c| matches!(c, 'i' | 'm' | 's' | 'u' | 'v'))
        .collect();
    regress::Regex::with_flags(pattern, syntax_flags.as_str())
        .map(|_| ())
        .map_err(|e| format!("Invalid regular expression: /{pattern}/{flags}: {e}"))
}

/// 22.2.3.1 RegExpInitialize, step 4: only `dgimsuyv`, each at most once, not both `u` and `v`.
fn check_flags(flags: &str) -> Result<(), String> {
    let mut seen = 0u32;
    for c in flags.chars() {
        let bit = match c {
            'd' => 1,
            'g' => 2,
            'i' => 4,
            'm' => 8,
            's' => 16,
            'u' => 32,
            'v' => 64,
            'y' => 128,
            _ => return Err(format!("Invalid regular expression flags '{flags}'")),
        };
        if seen & bit != 0 {
            return Err(format!("Invalid regular expression flags '{flags}'"));
        }
        seen |= bit;
    }
    if seen & 32 != 0 && seen & 64 != 0 {
        return Err(format!(
            "Invalid regular expression flags '{flags}': 'u' and 'v' cannot be combined"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::validate_regexp;

    #[test]
    fn flags() {
        assert!(validate_regexp("a", "dgimsuy").is_ok());
        assert!(validate_regexp("a", "gg").is_err());
        assert!(validate_regexp("a", "uv").is_err());
        assert!(validate_regexp("a", "x").is_err());
    }

    #[test]
    fn patterns() {
        for ok in [
            ("a|b", ""),
            ("(?<x>a)\\k<x>", ""),
            ("\\p{Script=Greek}", "u"),
            ("[\\p{L}--[a-z]]", "v"),
            ("{", ""),
            ("a{,5}", ""),
        ] {
            assert!(validate_regexp(ok.0, ok.1).is_ok(), "{ok:?}");
        }
        for bad in [
            ("(", ""),
            ("a**", ""),
            ("\\p{Nope}", "u"),
            ("{", "u"),
            ("(?<x>a)(?<x>b)", ""),
        ] {
            assert!(validate_regexp(bad.0, bad.1).is_err(), "{bad:?}");
        }
    }
}
