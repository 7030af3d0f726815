//! The parser never panics, and every span it reports lies inside the source.

use kiln_parser::ast::*;
use kiln_parser::{ParseOptions, Span, parse};
use proptest::prelude::*;

fn js_soup() -> impl Strategy<Value = String> {
    let fragment = prop::sample::select(vec![
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ";",
        ",",
        "=",
        "=>",
        "...",
        "?.",
        "?",
        ":",
        "+",
        "++",
        "**",
        "/",
        "`",
        "${",
        "'s'",
        "1",
        "a",
        "b",
        "let",
        "var",
        "const",
        "async",
        "await",
        "yield",
        "function",
        "function*",
        "class",
        "extends",
        "super",
        "new",
        "new.target",
        "import",
        "export",
        "default",
        "from",
        "as",
        "of",
        "in",
        "for",
        "if",
        "else",
        "while",
        "do",
        "return",
        "break",
        "continue",
        "switch",
        "case",
        "try",
        "catch",
        "finally",
        "#x",
        "static",
        "@",
        "accessor",
        "get",
        "set",
        "this",
        "delete",
        "typeof",
        "\n",
        " ",
        "/a/g",
        "using",
        "\\u0061",
        "\"use strict\";",
        "<!--",
        "-->",
        "label:",
        "x.y",
        "f()",
        "0x1",
        "1n",
    ]);
    prop::collection::vec(fragment, 0..30).prop_map(|parts| parts.join(" "))
}

fn spans_inside(source: &str, kind: SourceKind) -> Result<(), TestCaseError> {
    let arena = bumpalo::Bump::new();
    let result = parse(&arena, source, ParseOptions { kind, eval: None });
    let inside = |span: Span| {
        span.start <= span.end
            && (span.end as usize) <= source.len()
            && source.is_char_boundary(span.start as usize)
            && source.is_char_boundary(span.end as usize)
    };
    for error in &result.errors {
        prop_assert!(
            inside(error.span),
            "diagnostic span {:?} outside {source:?}",
            error.span
        );
    }
    prop_assert!(inside(result.program.span));
    for statement in result.program.body {
        prop_assert!(
            inside(statement.span()),
            "statement span {:?} outside {source:?}",
            statement.span()
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_never_panic(source in any::<String>()) {
        spans_inside(&source, SourceKind::Script)?;
        spans_inside(&source, SourceKind::Module)?;
    }

    #[test]
    fn js_soups_never_panic(source in js_soup()) {
        spans_inside(&source, SourceKind::Script)?;
        spans_inside(&source, SourceKind::Module)?;
    }
}

/// Real code cut short at many points, and with single characters replaced by troublesome ones:
/// every prefix and every mutant parses to a program or a diagnostic, never a panic.
#[test]
fn mutated_real_code_never_panics() {
    let path = format!(
        "{}/../../shared/corpus/moment.js",
        env!("CARGO_MANIFEST_DIR")
    );
    let Ok(full) = std::fs::read_to_string(&path) else {
        panic!("{path} is missing: the corpus must sit beside the repository");
    };
    // The whole file: a large valid tree whose every span is checked.
    let arena = bumpalo::Bump::new();
    assert!(
        parse(&arena, &full, ParseOptions::default())
            .errors
            .is_empty()
    );
    spans_inside(&full, SourceKind::Script).unwrap();
    // A slice of the file keeps the mutation rounds quick in debug builds.
    let source: String = full.chars().take(20_000).collect();
    let boundaries: Vec<usize> = source.char_indices().map(|(i, _)| i).collect();
    let replacements = [
        "`", "'", "/", "{", "}", "(", "\\", "${", "\n", "=>", "*/", "#",
    ];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..300 {
        let cut = boundaries[(next() % boundaries.len() as u64) as usize];
        spans_inside(&source[..cut], SourceKind::Script).unwrap();
        let at = boundaries[(next() % boundaries.len() as u64) as usize];
        let len = source[at..].chars().next().map_or(0, char::len_utf8);
        let replacement = replacements[(next() % replacements.len() as u64) as usize];
        let mutant = format!("{}{}{}", &source[..at], replacement, &source[at + len..]);
        spans_inside(&mutant, SourceKind::Script).unwrap();
    }
}
