//! kiln-lexer: ECMAScript source text to tokens.
//!
//! The parser drives the lexer and chooses the goal symbol for each token (a `/` starts a regular
//! expression or is division; a `}` closes a block or continues a template).

mod span;

pub use span::Span;
