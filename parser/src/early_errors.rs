//! Early errors that need the whole tree: declarations, labels, private names, exports.

use crate::Diagnostic;
use crate::ast::Program;

/// Appends to `errors` every early error of `program` that the parser does not find while parsing.
#[allow(dead_code)]
pub(crate) fn check_program(program: &Program<'_>, source: &str, errors: &mut Vec<Diagnostic>) {
    let _ = (program, source, errors);
}
