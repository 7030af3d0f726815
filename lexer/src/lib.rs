//! kiln-lexer: ECMAScript source text to tokens.
//!
//! The parser drives the lexer and chooses the goal symbol for each token: a `/` starts a regular
//! expression or is division ([`Lexer::rescan_regexp`]); a `}` closes a block or continues a
//! template ([`Lexer::rescan_template`]). Tokens carry no values; [`cook_string`],
//! [`cook_template`], [`parse_number`] and [`identifier_name`] compute them from the token's text.

pub mod chars;
mod lexer;
mod span;
mod token;
mod values;

pub use lexer::{LexError, Lexer};
pub use span::Span;
pub use token::{Kind, Token};
pub use values::{cook_string, cook_template, identifier_name, parse_number};

/// Lexes a whole script, choosing between division and a regular expression by the previous
/// token as most tokenizers do, and following template substitutions by brace depth. For
/// benchmarks and property tests; the parser decides goals from the grammar instead.
pub fn count_tokens(source: &str) -> Result<usize, Box<LexError>> {
    let mut lexer = Lexer::new(source, false);
    let mut count = 0;
    let mut previous = Kind::Semicolon;
    // Open braces inside each template substitution we are in.
    let mut template_braces: Vec<u32> = Vec::new();
    loop {
        let mut token = lexer.next_token()?;
        match token.kind {
            Kind::Eof => return Ok(count),
            Kind::Slash | Kind::SlashEq if regexp_allowed_after(previous) => {
                token = lexer.rescan_regexp(token)?;
            }
            Kind::LBrace => {
                if let Some(depth) = template_braces.last_mut() {
                    *depth += 1;
                }
            }
            Kind::RBrace => match template_braces.last_mut() {
                Some(0) => {
                    token = lexer.rescan_template(token)?;
                    if token.kind == Kind::TemplateTail {
                        template_braces.pop();
                    }
                }
                Some(depth) => *depth -= 1,
                None => {}
            },
            Kind::TemplateHead => template_braces.push(0),
            _ => {}
        }
        if token.kind == Kind::TemplateMiddle {
            // Still inside the same template: a new substitution starts with depth 0.
        }
        previous = token.kind;
        count += 1;
    }
}

fn regexp_allowed_after(previous: Kind) -> bool {
    use Kind::*;
    match previous {
        RParen | RBracket | RBrace | Identifier | Number | BigInt | String | Template
        | TemplateTail | RegExp | PrivateName | This | Super | True | False | Null | PlusPlus
        | MinusMinus => false,
        kind if kind.is_keyword() => matches!(
            kind,
            Return
                | Typeof
                | Instanceof
                | In
                | Of
                | New
                | Delete
                | Void
                | Throw
                | Case
                | Do
                | Else
                | Yield
                | Await
        ),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<Kind> {
        let mut lexer = Lexer::new(source, false);
        let mut out = Vec::new();
        loop {
            let t = lexer.next_token().expect("lexes");
            if t.kind == Kind::Eof {
                return out;
            }
            out.push(t.kind);
        }
    }

    #[test]
    fn punctuators_and_keywords() {
        use Kind::*;
        assert_eq!(
            kinds("a >>>= b ?. c ?.5"),
            [
                Identifier,
                ShiftRightUnsignedEq,
                Identifier,
                QuestionDot,
                Identifier,
                Question,
                Number
            ]
        );
        assert_eq!(kinds("let x = async"), [Let, Identifier, Eq, Async]);
        assert_eq!(kinds("x\n-->comment\ny"), [Identifier, Identifier]);
        assert_eq!(
            kinds("x-->y"),
            [Identifier, MinusMinus, Greater, Identifier]
        );
        // `-->` opens a comment at the start of the input, and after a line terminator with only
        // blanks and comments between.
        assert_eq!(kinds("-->c\nx"), [Identifier]);
        assert_eq!(kinds("a /*\n*/ --> c\nb"), [Identifier, Identifier]);
        assert_eq!(kinds("a\u{2028} /* */ --> c\nb"), [Identifier, Identifier]);
        assert_eq!(
            kinds("a /* */ --> c"),
            [Identifier, MinusMinus, Greater, Identifier]
        );
    }

    #[test]
    fn keywords_by_name() {
        for &kind in Kind::KEYWORDS {
            let name = kind.describe();
            assert_eq!(Kind::from_name(name), kind, "{name}");
            for other in [&name[1..], &name[..name.len() - 1]] {
                assert_ne!(Kind::from_name(other), kind, "{other}");
            }
            assert_eq!(Kind::from_name(&format!("{name}s")), Kind::Identifier);
            assert_eq!(Kind::from_name(&name.to_uppercase()), Kind::Identifier);
        }
        for name in ["", "a", "x", "zz", "ifs", "Await", "constructors", "awaits"] {
            assert_eq!(Kind::from_name(name), Kind::Identifier, "{name}");
        }
    }

    #[test]
    fn escaped_words() {
        // A reserved word with escapes is only an IdentifierName; a contextual one keeps its kind.
        let mut lexer = Lexer::new(r"\u0076ar l\u0065t caf\u{E9}", false);
        let t = lexer.next_token().unwrap();
        assert_eq!((t.kind, t.escaped()), (Kind::EscapedKeyword, true));
        let t = lexer.next_token().unwrap();
        assert_eq!((t.kind, t.escaped()), (Kind::Let, true));
        let t = lexer.next_token().unwrap();
        assert_eq!(identifier_name(t.span.text(lexer.source())), "café");
    }

    #[test]
    fn numbers_and_errors() {
        assert!(count_tokens("3in x").is_err());
        assert!(count_tokens("1__0").is_err());
        assert!(count_tokens("0_1").is_err());
        assert!(count_tokens("1_").is_err());
        assert_eq!(count_tokens("0x1_F 1e+5 .5 5. 10n 0b1n 08.5"), Ok(7));
        let t = Lexer::new("017", false).next_token().unwrap();
        assert!(t.legacy_octal());
    }

    #[test]
    fn regexp_and_templates() {
        assert_eq!(count_tokens("x = /[/]/g.test(y) / 2"), Ok(10));
        assert_eq!(count_tokens("`a${ {b: `c${d}`} }e`"), Ok(9));
        assert!(count_tokens("'a\nb'").is_err());
        assert_eq!(count_tokens("'a\u{2028}b'"), Ok(1));
    }

    #[test]
    fn newlines_are_tracked() {
        let mut lexer = Lexer::new("a /*\n*/ b // c\n d", false);
        assert!(!lexer.next_token().unwrap().newline_before());
        assert!(lexer.next_token().unwrap().newline_before());
        assert!(lexer.next_token().unwrap().newline_before());
    }
}
