//! Character classes of ECMA-262 12.7 (Names and Keywords).

/// IdentifierStartChar: `$`, `_` or ID_Start.
pub fn is_id_start(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic() || c == '$' || c == '_'
    } else {
        unicode_id_start::is_id_start_unicode(c)
    }
}

/// IdentifierPartChar: `$`, ID_Continue, ZWNJ or ZWJ.
pub fn is_id_continue(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '$' || c == '_'
    } else {
        unicode_id_start::is_id_continue_unicode(c) || c == '\u{200C}' || c == '\u{200D}'
    }
}

/// LineTerminator: LF, CR, LS, PS.
pub fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}
