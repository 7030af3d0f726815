//! Regular expression literals: flags and pattern syntax, checked as early errors.
//!
//! The pattern is checked by the same engine the runtime will use (`regress`), so a literal that
//! parses here also compiles there: both go through [`compile_regexp`].

/// Checks a regular expression literal's body and flags; the error says what is wrong.
pub(crate) fn validate_regexp(pattern: &str, flags: &str) -> Result<(), String> {
    check_flags(flags)?;
    // The `g`, `y` and `d` flags change matching, not syntax.
    let syntax_flags: String = flags
        .chars()
        .filter(|c| matches!(c, 'i' | 'm' | 's' | 'u' | 'v'))
        .collect();
    // Only `regress`'s parser can reject a pattern; its optimizer, which the runtime's compile
    // runs, is skipped here (on moment.js, an eighth of the whole parse).
    let mut syntax = regress::Flags::from(syntax_flags.as_str());
    syntax.no_opt = true;
    compile_regexp_with(pattern, syntax)
        .map(|_| ())
        .map_err(|e| format!("Invalid regular expression: /{pattern}/{flags}: {e}"))
}

/// How deep `regress`'s syntax tree for a pattern may be. Its parser, optimizer, emitter and the
/// tree's `Drop` all recurse over that tree, and a disjunction `a|b|c|...` is a right-leaning chain
/// one level deeper per alternative, so this bounds alternatives as well as groups.
pub const MAX_REGEXP_DEPTH: usize = 10_000;
/// The native stack `regress` may use per level of its tree (a debug build's need, with room to
/// spare), and for the rest of its work.
const REGEXP_STACK_PER_LEVEL: usize = 2 * 1024;
const REGEXP_STACK_BASE: usize = 256 * 1024;

/// Compiles a pattern with `regress` (`flags` are its syntax flags, `imsuv`). A pattern whose tree
/// would be deeper than [`MAX_REGEXP_DEPTH`] is refused, the same way for literals and for
/// `new RegExp`, and compiling runs with a known amount of stack: the bound makes the recursion
/// finite, the stack segment makes it fit wherever the call comes from.
///
/// A bound rather than only a bigger stack, because the depth of `regress`'s recursion grows with
/// the pattern's length and no fixed segment fits every pattern; the bound is far above what
/// hand-written or generated patterns in the wild reach.
pub fn compile_regexp(pattern: &str, flags: &str) -> Result<regress::Regex, String> {
    compile_regexp_with(pattern, regress::Flags::from(flags))
}

/// [`compile_regexp`] with `regress`'s flags.
fn compile_regexp_with(pattern: &str, flags: regress::Flags) -> Result<regress::Regex, String> {
    let depth = regexp_tree_depth(pattern, flags.unicode_sets);
    if depth > MAX_REGEXP_DEPTH {
        return Err("Regular expression too large".to_string());
    }
    let needed = REGEXP_STACK_BASE + depth * REGEXP_STACK_PER_LEVEL;
    stacker::maybe_grow(needed, 2 * needed, || {
        regress::Regex::with_flags(pattern, flags).map_err(|e| e.to_string())
    })
}

/// An upper bound on the depth of `regress`'s tree for `pattern`: for the deepest point of the
/// pattern, its enclosing groups and classes plus the alternatives before it in each enclosing
/// disjunction. Over-counts escaped or literal brackets inside classes; never under-counts.
fn regexp_tree_depth(pattern: &str, unicode_sets: bool) -> usize {
    // The depth at which each open group or class started.
    let mut open: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut in_class = 0usize;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if in_class == 0 || unicode_sets => {
                in_class += 1;
                open.push(depth);
                depth += 1;
            }
            '(' if in_class == 0 => {
                open.push(depth);
                depth += 1;
            }
            ']' if in_class > 0 => {
                in_class -= 1;
                depth = open.pop().unwrap_or(0);
            }
            ')' if in_class == 0 => depth = open.pop().unwrap_or(0),
            '|' if in_class == 0 => depth += 1,
            _ => {}
        }
        deepest = deepest.max(depth);
    }
    deepest
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
