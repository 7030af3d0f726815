//! The lexer never panics, on any string.

use proptest::prelude::*;

/// Fragments that stress the lexer's hand-written paths.
fn js_soup() -> impl Strategy<Value = String> {
    let fragment = prop::sample::select(vec![
        "'",
        "\"",
        "`",
        "${",
        "}",
        "{",
        "/",
        "/=",
        "*",
        "\\",
        "\\u",
        "\\u{",
        "\\x",
        "0x",
        "0b",
        "0o",
        "08",
        "1_0",
        "_",
        ".",
        "..",
        "n",
        "e",
        "e+",
        "#",
        "#!",
        "<!--",
        "-->",
        "\n",
        "\r",
        "\u{2028}",
        "\u{2029}",
        "/*",
        "*/",
        "//",
        "a",
        "é",
        "\u{FEFF}",
        "\u{00A0}",
        "?.",
        "?.5",
        "[",
        "]",
        "(",
        ")",
        "=>",
        " ",
        "\u{D7FF}",
        "\u{10FFFF}",
        "\\8",
        "\\0",
        "\\01",
    ]);
    prop::collection::vec(fragment, 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_never_panic(source in any::<String>()) {
        let _ = kiln_lexer::count_tokens(&source);
    }

    #[test]
    fn js_soups_never_panic_and_errors_lie_inside(source in js_soup()) {
        if let Err(e) = kiln_lexer::count_tokens(&source) {
            prop_assert!(e.span.start <= e.span.end && e.span.end as usize <= source.len());
        }
    }
}

/// `Kind::from_name` turns names away by length and first letter before it compares: every
/// keyword must still be found, and words near them must not be.
#[test]
fn from_name_finds_every_keyword_and_nothing_else() {
    use kiln_lexer::Kind;
    for &kind in Kind::KEYWORDS {
        let name = kind.describe();
        assert_eq!(Kind::from_name(name), kind, "{name}");
        for other in [
            format!("{name}s"),
            format!("_{name}"),
            name[..name.len() - 1].to_string(),
            name.to_uppercase(),
        ] {
            assert_eq!(Kind::from_name(&other), Kind::Identifier, "{other}");
        }
    }
    for name in [
        "",
        "a",
        "z",
        "zz",
        "constructors",
        "$",
        "x1",
        "iff",
        "Function",
    ] {
        assert_eq!(Kind::from_name(name), Kind::Identifier, "{name}");
    }
}

/// A line break and the blanks and line breaks after it are skipped in one step: the next token
/// still has its line break noted, and `-->` after an indented line start is still a comment.
#[test]
fn line_breaks_with_indentation() {
    use kiln_lexer::{Kind, Lexer};
    let source = "a\n  \n\t --> comment\n\u{2028} \u{00A0}b c\r\n\u{3000}d";
    let mut lexer = Lexer::new(source, false);
    let mut seen = Vec::new();
    loop {
        let t = lexer.next_token().expect("lexes");
        if t.kind == Kind::Eof {
            break;
        }
        seen.push((t.span.text(source).to_string(), t.newline_before()));
    }
    let expected = [("a", false), ("b", true), ("c", false), ("d", true)];
    let expected: Vec<(String, bool)> = expected
        .iter()
        .map(|&(text, newline)| (text.to_string(), newline))
        .collect();
    assert_eq!(seen, expected);
    // In a module `-->` is never a comment.
    assert!(kiln_lexer::count_tokens("a\n  --> b").is_ok());
    let mut module = Lexer::new("a\n  --> b", true);
    module.next_token().expect("lexes");
    assert_eq!(module.next_token().expect("lexes").kind, Kind::MinusMinus);
}
