//! kiln-parser: ECMAScript source text to an AST in a `bumpalo::Bump`, with every early error.
//!
//! [`parse`] returns the program and its diagnostics. The AST borrows from the arena and the
//! source; it never outlives compilation.

pub mod ast;
mod diagnostic;
mod early_errors;
mod parser;
mod regexp;

pub use diagnostic::{Diagnostic, LineColumn, line_column};
pub use kiln_lexer::Span;

use bumpalo::Bump;

/// What to parse the source as.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseOptions {
    /// `Module` for ES modules (always strict, `await` reserved, `import`/`export` allowed).
    pub kind: ast::SourceKind,
}

/// The outcome of a parse: a program and, when the source is not valid, its syntax errors.
/// When `errors` is not empty the program may be incomplete.
pub struct ParseResult<'a> {
    pub program: ast::Program<'a>,
    pub errors: Vec<Diagnostic>,
}

impl ParseResult<'_> {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Parses `source` as a script or module, reporting every early error of ECMA-262 and Annex B.
pub fn parse<'a>(arena: &'a Bump, source: &'a str, options: ParseOptions) -> ParseResult<'a> {
    let empty = ast::Program {
        span: Span::new(0, 0),
        kind: options.kind,
        strict: options.kind == ast::SourceKind::Module,
        hashbang: None,
        directives: &[],
        body: &[],
    };
    if u32::try_from(source.len()).is_err() {
        let error = Diagnostic::new("Source text is too long (over 4 GiB)", Span::new(0, 0));
        return ParseResult {
            program: empty,
            errors: vec![error],
        };
    }
    let mut parser = parser::Parser::new(arena, source, options.kind);
    match parser.parse_program(options.kind) {
        Ok(program) => {
            let mut errors = Vec::new();
            early_errors::check_program(&program, source, &mut errors);
            ParseResult { program, errors }
        }
        Err(error) => ParseResult {
            program: empty,
            errors: vec![error],
        },
    }
}
