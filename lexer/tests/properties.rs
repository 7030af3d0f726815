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
