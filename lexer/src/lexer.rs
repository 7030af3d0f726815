//! The scanner, written by hand: a `match` on a token's first byte (compiled to a jump table,
//! like oxc's byte-indexed table of handlers) picks the token's handler. Punctuators, blanks, line
//! breaks and ASCII names are finished in a few byte comparisons; strings, templates, regular
//! expressions, numbers, comments and non-ASCII names by the scanners below.

use crate::token::{Kind, Token};
use crate::{Span, chars};

/// A lexical error: what is wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    pub message: String,
    pub span: Span,
}

/// A lexical error as the scanner keeps it: a static message (or the character that starts no
/// token, put into the message only when asked for) and where. It is `Copy`, so the lexer holds
/// the error of a failed scan without drop glue (and stays cheap to clone and move); `next_token`
/// turns it into a boxed [`LexError`] (boxed, the result it returns stays small where the parser
/// inlines it).
#[derive(Clone, Copy, Debug)]
struct ScanError {
    message: &'static str,
    character: Option<char>,
    span: Span,
}

impl ScanError {
    #[cold]
    fn new(message: &'static str, start: usize, end: usize) -> ScanError {
        ScanError {
            message,
            character: None,
            span: Span::new(start as u32, end as u32),
        }
    }

    #[cold]
    fn into_lex_error(self) -> Box<LexError> {
        let message = match self.character {
            Some(c) => format!("Invalid or unexpected token '{}'", c.escape_debug()),
            None => self.message.to_string(),
        };
        Box::new(LexError {
            message,
            span: self.span,
        })
    }
}

/// The ASCII bytes that continue an IdentifierName: letters, digits, `$` and `_`.
static ASCII_ID_CONTINUE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'$' as usize || b == b'_' as usize;
        b += 1;
    }
    table
};

/// The lexer. It produces tokens in the "division" goal; the parser asks it to rescan a `/` or
/// `/=` as a regular expression ([`Lexer::rescan_regexp`]) and a `}` as the continuation of a
/// template ([`Lexer::rescan_template`]) where the grammar says so.
///
/// Cloning a lexer is cheap: the parser snapshots it to look ahead.
#[derive(Clone)]
pub struct Lexer<'s> {
    source: &'s str,
    /// Where the next token's scan starts: always on a character boundary.
    pos: usize,
    /// HTML-like comments are not recognised in modules.
    module: bool,
    hashbang: Option<Span>,
    /// The token last scanned, where the parser reads it (the scanner returns only its kind,
    /// in a register, to tell an error). Before the first: `Eof` at 0.
    token: Token,
    /// The error of the scan that returned `Kind::Error`.
    error: Option<ScanError>,
}

impl<'s> Lexer<'s> {
    pub fn new(source: &'s str, module: bool) -> Self {
        let mut lexer = Lexer {
            source,
            pos: 0,
            module,
            hashbang: None,
            token: Token {
                kind: Kind::Eof,
                span: Span::new(0, 0),
                flags: 0,
            },
            error: None,
        };
        if source.starts_with("#!") {
            let end = line_end(source, 2);
            lexer.hashbang = Some(Span::new(2, end as u32));
            lexer.reset(end);
        }
        lexer
    }

    pub fn source(&self) -> &'s str {
        self.source
    }

    /// The text after `#!` on the first line, if the source starts with one.
    pub fn hashbang(&self) -> Option<Span> {
        self.hashbang
    }

    fn reset(&mut self, pos: usize) {
        self.pos = pos.min(self.source.len());
    }

    fn bytes(&self) -> &'s [u8] {
        self.source.as_bytes()
    }

    fn byte(&self, pos: usize) -> Option<u8> {
        self.bytes().get(pos).copied()
    }

    /// Only whitespace and comments since the last line terminator or the start, where `-->`
    /// opens a comment: `flags`, those of the blanks and comments skipped so far for the next
    /// token, hold a line terminator, or no token came before (`Eof` at 0: a real `Eof` there
    /// ends an empty source, with nothing left to scan).
    fn at_line_start(&self, flags: u8) -> bool {
        flags & Token::NEWLINE_BEFORE != 0
            || (self.token.kind == Kind::Eof && self.token.span.end == 0)
    }

    /// Scans the next token in the division goal.
    #[inline]
    pub fn next_token(&mut self) -> Result<Token, Box<LexError>> {
        self.advance()?;
        Ok(self.token)
    }

    /// Scans the next token in the division goal, to be read with [`Lexer::token`].
    #[inline]
    pub fn advance(&mut self) -> Result<(), Box<LexError>> {
        if self.scan_token(0) == Kind::Error {
            return Err(self.take_error());
        }
        Ok(())
    }

    /// The token last scanned.
    #[inline(always)]
    pub fn token(&self) -> Token {
        self.token
    }

    /// The error a scan returned `Kind::Error` for.
    #[cold]
    fn take_error(&mut self) -> Box<LexError> {
        let pos = self.pos;
        self.error
            .take()
            .unwrap_or_else(|| ScanError::new("Invalid or unexpected token", pos, pos))
            .into_lex_error()
    }

    /// Keeps `e` (widened to whole characters) for `next_token` to return.
    #[cold]
    #[inline(never)]
    fn fail(&mut self, e: ScanError) -> Kind {
        self.error = Some(self.on_char_boundaries(e));
        Kind::Error
    }

    /// The kind in `result`, or `Kind::Error` with its error kept.
    #[inline(always)]
    fn settle(&mut self, result: Result<Kind, ScanError>) -> Kind {
        match result {
            Ok(kind) => kind,
            Err(e) => self.fail(e),
        }
    }

    /// Widens an error's span to whole characters, inside the source.
    fn on_char_boundaries(&self, mut e: ScanError) -> ScanError {
        let len = self.source.len();
        let mut start = (e.span.start as usize).min(len);
        while !self.source.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (e.span.end as usize).clamp(start, len);
        while !self.source.is_char_boundary(end) {
            end += 1;
        }
        e.span = Span::new(start as u32, end as u32);
        e
    }

    /// The token at or after `self.pos`, `flags` holding what the blanks and comments skipped
    /// before it held. The hot path (blanks, ASCII names, punctuators) calls nothing, so it needs
    /// no callee-saved registers: everything else (comments, literals, non-ASCII, errors) is left
    /// to out-of-line functions in tail position. Returns the token's kind (`Kind::Error` when
    /// there is an error, kept in `error`); the token itself is left in `token`.
    fn scan_token(&mut self, mut flags: u8) -> Kind {
        use Kind as K;
        let bytes = self.bytes();
        loop {
            let start = self.pos;
            let Some(&first) = bytes.get(start) else {
                let len = self.source.len() as u32;
                self.token = Token {
                    kind: Kind::Eof,
                    span: Span::new(len, len),
                    flags,
                };
                return Kind::Eof;
            };
            // The bytes after the first, `0` past the end (no token continues with a NUL).
            let at = |i: usize| bytes.get(start + i).copied().unwrap_or(0);
            let (kind, len) = match first {
                b' ' | b'\t' | 0x0B | 0x0C => {
                    self.pos = skip_blanks(bytes, start + 1);
                    continue;
                }
                b'\n' | b'\r' => {
                    flags |= Token::NEWLINE_BEFORE;
                    self.pos = skip_blanks(bytes, start + 1);
                    continue;
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'$' => {
                    let end = skip_ascii_id_continue(bytes, start + 1);
                    if matches!(bytes.get(end), Some(b'\\' | 0x80..)) {
                        return self.name_continued(start, end, flags);
                    }
                    self.pos = end;
                    // SAFETY: `start..end` lies inside the source (its bytes were just read) and
                    // holds ASCII bytes only (a letter, `$` or `_`, then bytes of
                    // `ASCII_ID_CONTINUE`), so both ends are character boundaries. Slicing with a
                    // check tested both ends again for every name.
                    let name = unsafe { self.source.get_unchecked(start..end) };
                    if Kind::may_be_keyword(name) {
                        return self.keyword_token(start, end, flags);
                    }
                    return self.finish(Kind::Identifier, start, end, flags);
                }
                b'0'..=b'9' => return self.number_token(start, flags),
                b'"' | b'\'' => return self.string_token(start, flags),
                b'`' => return self.template_token(start, flags),
                b'#' => return self.private_name_token(start, flags),
                b'\\' => return self.escaped_name_token(start, flags),
                b'{' => (K::LBrace, 1),
                b'}' => (K::RBrace, 1),
                b'(' => (K::LParen, 1),
                b')' => (K::RParen, 1),
                b'[' => (K::LBracket, 1),
                b']' => (K::RBracket, 1),
                b';' => (K::Semicolon, 1),
                b',' => (K::Comma, 1),
                b':' => (K::Colon, 1),
                b'~' => (K::Tilde, 1),
                b'@' => (K::At, 1),
                b'.' => match (at(1), at(2)) {
                    (b'0'..=b'9', _) => return self.number_token(start, flags),
                    (b'.', b'.') => (K::Ellipsis, 3),
                    _ => (K::Dot, 1),
                },
                b'/' => match at(1) {
                    b'/' | b'*' => return self.token_after_trivia(flags),
                    b'=' => (K::SlashEq, 2),
                    _ => (K::Slash, 1),
                },
                b'<' => match (at(1), at(2), at(3)) {
                    (b'!', b'-', b'-') if !self.module => return self.token_after_trivia(flags),
                    (b'<', b'=', _) => (K::ShiftLeftEq, 3),
                    (b'<', _, _) => (K::ShiftLeft, 2),
                    (b'=', _, _) => (K::LessEq, 2),
                    _ => (K::Less, 1),
                },
                b'>' => match (at(1), at(2), at(3)) {
                    (b'>', b'>', b'=') => (K::ShiftRightUnsignedEq, 4),
                    (b'>', b'>', _) => (K::ShiftRightUnsigned, 3),
                    (b'>', b'=', _) => (K::ShiftRightEq, 3),
                    (b'>', _, _) => (K::ShiftRight, 2),
                    (b'=', _, _) => (K::GreaterEq, 2),
                    _ => (K::Greater, 1),
                },
                b'=' => match (at(1), at(2)) {
                    (b'=', b'=') => (K::EqEqEq, 3),
                    (b'=', _) => (K::EqEq, 2),
                    (b'>', _) => (K::Arrow, 2),
                    _ => (K::Eq, 1),
                },
                b'!' => match (at(1), at(2)) {
                    (b'=', b'=') => (K::NotEqEq, 3),
                    (b'=', _) => (K::NotEq, 2),
                    _ => (K::Bang, 1),
                },
                b'+' => match at(1) {
                    b'+' => (K::PlusPlus, 2),
                    b'=' => (K::PlusEq, 2),
                    _ => (K::Plus, 1),
                },
                b'-' => match (at(1), at(2)) {
                    (b'-', b'>') if !self.module && self.at_line_start(flags) => {
                        return self.token_after_trivia(flags);
                    }
                    (b'-', _) => (K::MinusMinus, 2),
                    (b'=', _) => (K::MinusEq, 2),
                    _ => (K::Minus, 1),
                },
                b'*' => match (at(1), at(2)) {
                    (b'*', b'=') => (K::StarStarEq, 3),
                    (b'*', _) => (K::StarStar, 2),
                    (b'=', _) => (K::StarEq, 2),
                    _ => (K::Star, 1),
                },
                b'%' => match at(1) {
                    b'=' => (K::PercentEq, 2),
                    _ => (K::Percent, 1),
                },
                b'&' => match (at(1), at(2)) {
                    (b'&', b'=') => (K::AmpAmpEq, 3),
                    (b'&', _) => (K::AmpAmp, 2),
                    (b'=', _) => (K::AmpEq, 2),
                    _ => (K::Amp, 1),
                },
                b'|' => match (at(1), at(2)) {
                    (b'|', b'=') => (K::PipePipeEq, 3),
                    (b'|', _) => (K::PipePipe, 2),
                    (b'=', _) => (K::PipeEq, 2),
                    _ => (K::Pipe, 1),
                },
                b'^' => match at(1) {
                    b'=' => (K::CaretEq, 2),
                    _ => (K::Caret, 1),
                },
                b'?' => match (at(1), at(2)) {
                    (b'?', b'=') => (K::QuestionQuestionEq, 3),
                    (b'?', _) => (K::QuestionQuestion, 2),
                    // `a?.5:b` is a conditional, not optional chaining.
                    (b'.', b'0'..=b'9') => (K::Question, 1),
                    (b'.', _) => (K::QuestionDot, 2),
                    _ => (K::Question, 1),
                },
                0x80.. => return self.token_after_trivia(flags),
                _ => return self.invalid_ascii_character(first, start),
            };
            self.pos = start + len;
            return self.finish(kind, start, start + len, flags);
        }
    }

    /// Comments, blanks, line breaks and non-ASCII spaces from `self.pos` on (at least one comment
    /// or non-ASCII character is there), then the token after them.
    #[inline(never)]
    fn token_after_trivia(&mut self, flags: u8) -> Kind {
        let flags = match self.skip_trivia(flags) {
            Ok(flags) => flags,
            Err(e) => return self.fail(e),
        };
        let pos = self.pos;
        if self.byte(pos).is_some_and(|b| b >= 0x80) {
            // Not a space: a name or an error. `scan_token` would come back here for it.
            let result = self.non_ascii_name(pos, flags);
            return self.settle(result);
        }
        self.scan_token(flags)
    }

    /// Skips what lies between tokens from `self.pos`: blanks, line breaks and comments, ASCII or
    /// not. Returns `flags` with `Token::NEWLINE_BEFORE` added if a line terminator was among them.
    fn skip_trivia(&mut self, mut flags: u8) -> Result<u8, ScanError> {
        let bytes = self.bytes();
        loop {
            let start = self.pos;
            let at = |i: usize| bytes.get(start + i).copied().unwrap_or(0);
            match at(0) {
                b' ' | b'\t' | 0x0B | 0x0C => self.pos = skip_blanks(bytes, start + 1),
                b'\n' | b'\r' => {
                    flags |= Token::NEWLINE_BEFORE;
                    self.pos = skip_blanks(bytes, start + 1);
                }
                b'/' if at(1) == b'/' => self.reset(line_end(self.source, start + 2)),
                b'/' if at(1) == b'*' => flags |= self.skip_block_comment(start)?,
                // `<!--` starts a comment to the end of the line (Annex B.1.1).
                b'<' if (at(1), at(2), at(3)) == (b'!', b'-', b'-') && !self.module => {
                    self.reset(line_end(self.source, start + 4));
                }
                // `-->` at the start of a line starts a comment (Annex B.1.1).
                b'-' if (at(1), at(2)) == (b'-', b'>')
                    && !self.module
                    && self.at_line_start(flags) =>
                {
                    self.reset(line_end(self.source, start + 3));
                }
                0x80.. => match self.skip_non_ascii_space(start) {
                    Some(newline) => flags |= newline,
                    None => return Ok(flags),
                },
                _ => return Ok(flags),
            }
        }
    }

    /// An ASCII name at `start` that goes on at `end` with a backslash or a non-ASCII byte.
    #[inline(never)]
    fn name_continued(&mut self, start: usize, end: usize, flags: u8) -> Kind {
        if self.continues_identifier(end) {
            let result = self.finish_identifier(start, end, flags, Kind::Identifier);
            return self.settle(result);
        }
        self.pos = end;
        let kind = Kind::from_name(&self.source[start..end]);
        self.finish(kind, start, end, flags)
    }

    /// The ASCII name `start..end` that may be a keyword (`Kind::may_be_keyword`).
    #[inline(never)]
    fn keyword_token(&mut self, start: usize, end: usize, flags: u8) -> Kind {
        // SAFETY: as in `scan_token`, which checked that `start..end` holds ASCII name bytes of
        // the source.
        let name = unsafe { self.source.get_unchecked(start..end) };
        let kind = Kind::keyword_of_length(name);
        self.finish(kind, start, end, flags)
    }

    /// A name starting with `\\` at `start`.
    #[inline(never)]
    fn escaped_name_token(&mut self, start: usize, flags: u8) -> Kind {
        let result = self.finish_identifier(start, start, flags, Kind::Identifier);
        self.settle(result)
    }

    /// The error for the ASCII byte `first` at `start`, which starts no token: a function of its
    /// own, so that `scan_token` reaches it by a jump.
    #[cold]
    #[inline(never)]
    fn invalid_ascii_character(&mut self, first: u8, start: usize) -> Kind {
        self.fail(invalid_character(first as char, start))
    }

    /// `#name` at `start`.
    #[inline(never)]
    fn private_name_token(&mut self, start: usize, flags: u8) -> Kind {
        let result = self.scan_private_name(start, flags);
        self.settle(result)
    }

    /// A string literal at `start`.
    #[inline(never)]
    fn string_token(&mut self, start: usize, flags: u8) -> Kind {
        let (end, extra) = match self.scan_string(start) {
            Ok(scanned) => scanned,
            Err(e) => return self.fail(e),
        };
        self.reset(end);
        self.finish(Kind::String, start, end, flags | extra)
    }

    /// A template literal, or its head, at `start`.
    #[inline(never)]
    fn template_token(&mut self, start: usize, flags: u8) -> Kind {
        let (end, kind, extra) = match self.scan_template(start + 1, true) {
            Ok(scanned) => scanned,
            Err(e) => return self.fail(e),
        };
        self.reset(end);
        self.finish(kind, start, end, flags | extra)
    }

    /// Skips the block comment at `start`; returns `Token::NEWLINE_BEFORE` if it holds a line
    /// terminator.
    #[inline(never)]
    fn skip_block_comment(&mut self, start: usize) -> Result<u8, ScanError> {
        let bytes = self.bytes();
        // The first `*/`: each `*` found, then the byte after it (cheaper than `str::find`,
        // which builds a searcher for every comment). Until a line terminator turns up, the
        // same search looks for one (LS and PS start with `E2`): one pass over the comment,
        // where most are short and on one line (`/*isTypeOnly*/ false`).
        let mut newline = 0;
        let mut at = start + 2;
        loop {
            let found = if newline == 0 {
                find_any(bytes, at, [b'*', b'\n', b'\r', 0xE2])
            } else {
                find_any(bytes, at, [b'*'])
            };
            match bytes.get(found) {
                None => {
                    return Err(ScanError::new(
                        "Unterminated comment",
                        start,
                        self.source.len(),
                    ));
                }
                Some(b'*') if bytes.get(found + 1) == Some(&b'/') => {
                    self.reset(found + 2);
                    return Ok(newline);
                }
                Some(b'\n' | b'\r') => newline = Token::NEWLINE_BEFORE,
                Some(0xE2)
                    if matches!(bytes.get(found + 1..found + 3), Some([0x80, 0xA8 | 0xA9])) =>
                {
                    newline = Token::NEWLINE_BEFORE;
                }
                Some(_) => {}
            }
            at = found + 1;
        }
    }

    /// Skips the non-ASCII blank or line terminator at `start`, if that is what it is; returns
    /// `Token::NEWLINE_BEFORE` for a line terminator.
    #[inline(never)]
    fn skip_non_ascii_space(&mut self, start: usize) -> Option<u8> {
        let c = self.source[start..].chars().next()?;
        if chars::is_line_terminator(c) {
            self.reset(start + c.len_utf8());
            return Some(Token::NEWLINE_BEFORE);
        }
        if is_blank(c) {
            self.reset(start + c.len_utf8());
            return Some(0);
        }
        None
    }

    /// A name starting with a non-ASCII character at `start`, or an error.
    fn non_ascii_name(&mut self, start: usize, flags: u8) -> Result<Kind, ScanError> {
        let c = self.source[start..].chars().next().unwrap_or('\0');
        if chars::is_id_start(c) {
            return self.finish_identifier(start, start, flags, Kind::Identifier);
        }
        Err(invalid_character(c, start))
    }

    /// `#name` at `start`.
    fn scan_private_name(&mut self, start: usize, flags: u8) -> Result<Kind, ScanError> {
        let bytes = self.bytes();
        let mut end = start + 1;
        if let Some(&b) = bytes.get(end)
            && (b.is_ascii_alphabetic() || b == b'$' || b == b'_')
        {
            end = skip_ascii_id_continue(bytes, end + 1);
            if self.continues_identifier(end) {
                return self.finish_identifier(start, end, flags, Kind::PrivateName);
            }
            self.pos = end;
            return Ok(self.finish(Kind::PrivateName, start, end, flags));
        }
        let next = self.source[end..].chars().next();
        if next.is_some_and(|c| c == '\\' || chars::is_id_start(c)) {
            return self.finish_identifier(start, end, flags, Kind::PrivateName);
        }
        Err(ScanError::new(
            "Invalid or unexpected token '#'",
            start,
            end,
        ))
    }

    /// A numeric literal at `start` (a digit, or `.` and a digit).
    #[inline(never)]
    fn number_token(&mut self, start: usize, flags: u8) -> Kind {
        let (end, kind, extra) = match self.scan_number(start) {
            Ok(scanned) => scanned,
            Err(e) => return self.fail(e),
        };
        self.reset(end);
        self.finish(kind, start, end, flags | extra)
    }

    #[inline]
    fn finish(&mut self, kind: Kind, start: usize, end: usize, flags: u8) -> Kind {
        debug_assert_eq!(end, self.pos, "a token ends where the scan goes on");
        self.token = Token {
            kind,
            span: Span::new(start as u32, end as u32),
            flags,
        };
        kind
    }

    #[cold]
    fn continues_identifier(&self, pos: usize) -> bool {
        match self.byte(pos) {
            Some(b'\\') => true,
            Some(b) if b >= 0x80 => self.source[pos..]
                .chars()
                .next()
                .is_some_and(chars::is_id_continue),
            _ => false,
        }
    }

    /// Scans the rest of an identifier (or private name) from `pos`, where `start..pos` is the
    /// part already known to be valid ASCII.
    fn finish_identifier(
        &mut self,
        start: usize,
        pos: usize,
        mut flags: u8,
        kind: Kind,
    ) -> Result<Kind, ScanError> {
        let body_start = if kind == Kind::PrivateName {
            start + 1
        } else {
            start
        };
        let mut pos = pos;
        while let Some(c) = self.source[pos..].chars().next() {
            let first = pos == body_start;
            let valid = |c: char| {
                if first {
                    chars::is_id_start(c)
                } else {
                    chars::is_id_continue(c)
                }
            };
            if c == '\\' {
                let (value, next) = read_unicode_escape(self.source, pos + 1).ok_or_else(|| {
                    ScanError::new("Invalid Unicode escape sequence", pos, pos + 2)
                })?;
                if !char::from_u32(value).is_some_and(valid) {
                    return Err(ScanError::new("Invalid Unicode escape sequence", pos, next));
                }
                flags |= Token::ESCAPED;
                pos = next;
            } else if valid(c) {
                pos += c.len_utf8();
            } else {
                break;
            }
        }
        self.reset(pos);
        let kind = if kind == Kind::PrivateName {
            kind
        } else if flags & Token::ESCAPED != 0 {
            match Kind::from_name(&crate::identifier_name(&self.source[start..pos])) {
                // `yield` and `await` are identifiers in some code; the parser decides.
                k if k.is_reserved_word() && !matches!(k, Kind::Yield | Kind::Await) => {
                    Kind::EscapedKeyword
                }
                k => k,
            }
        } else {
            Kind::from_name(&self.source[start..pos])
        };
        Ok(self.finish(kind, start, pos, flags))
    }

    /// Numeric literals (ECMA-262 12.9.3 and Annex B.1.1). Returns the end, the kind and flags.
    fn scan_number(&self, start: usize) -> Result<(usize, Kind, u8), ScanError> {
        let b = self.bytes();
        let err = |msg: &'static str, at: usize| Err(ScanError::new(msg, start, at.max(start + 1)));
        let mut pos = start;
        let mut flags = 0;
        let mut kind = Kind::Number;
        let radix = match (b.get(pos), b.get(pos + 1)) {
            (Some(b'0'), Some(b'x' | b'X')) => 16,
            (Some(b'0'), Some(b'o' | b'O')) => 8,
            (Some(b'0'), Some(b'b' | b'B')) => 2,
            _ => 10,
        };
        if radix != 10 {
            pos += 2;
            pos = self.scan_digits(start, pos, radix, true)?;
            if pos == start + 2 {
                return err("Invalid number: missing digits", pos);
            }
            if b.get(pos) == Some(&b'n') {
                pos += 1;
                kind = Kind::BigInt;
            }
        } else if b.get(pos) == Some(&b'0') && b.get(pos + 1).is_some_and(u8::is_ascii_digit) {
            // Legacy octal (`017`) or NonOctalDecimalIntegerLiteral (`089`).
            flags |= Token::LEGACY_OCTAL;
            let digits_end = pos + b[pos..].iter().take_while(|c| c.is_ascii_digit()).count();
            let octal = b[pos..digits_end].iter().all(|c| (b'0'..=b'7').contains(c));
            pos = digits_end;
            if b.get(pos) == Some(&b'_') {
                return err(
                    "Numeric separators are not allowed in legacy octal literals",
                    pos + 1,
                );
            }
            if !octal {
                pos = self.scan_fraction_and_exponent(start, pos)?;
            }
            if b.get(pos) == Some(&b'n') {
                return err("Invalid BigInt literal", pos + 1);
            }
        } else {
            let int_start = pos;
            if b.get(pos) != Some(&b'.') {
                pos = self.scan_digits(start, pos, 10, true)?;
                if b.get(int_start) == Some(&b'0') && b.get(int_start + 1) == Some(&b'_') {
                    return err("Numeric separators are not allowed after a leading 0", pos);
                }
            }
            let int_end = pos;
            if b.get(pos) == Some(&b'n') && int_end > int_start {
                pos += 1;
                kind = Kind::BigInt;
            } else {
                pos = self.scan_fraction_and_exponent(start, pos)?;
            }
        }
        // The SourceCharacter after a NumericLiteral must not be an IdentifierStart or a digit.
        if let Some(c) = self.source[pos..].chars().next()
            && (c.is_ascii_digit() || c == '\\' || chars::is_id_start(c))
        {
            return err(
                "Invalid or unexpected token after a number",
                pos + c.len_utf8(),
            );
        }
        Ok((pos, kind, flags))
    }

    /// `.digits` and `e[+-]digits` after the integer part, if present.
    fn scan_fraction_and_exponent(&self, start: usize, mut pos: usize) -> Result<usize, ScanError> {
        let b = self.bytes();
        if b.get(pos) == Some(&b'.') {
            pos += 1;
            if b.get(pos) == Some(&b'_') {
                return Err(ScanError::new(
                    "Numeric separators must be between digits",
                    start,
                    pos + 1,
                ));
            }
            pos = self.scan_digits(start, pos, 10, true)?;
        }
        if matches!(b.get(pos), Some(b'e' | b'E')) {
            pos += 1;
            if matches!(b.get(pos), Some(b'+' | b'-')) {
                pos += 1;
            }
            let digits = pos;
            pos = self.scan_digits(start, pos, 10, true)?;
            if pos == digits {
                return Err(ScanError::new(
                    "Invalid number: missing exponent",
                    start,
                    pos,
                ));
            }
        }
        Ok(pos)
    }

    /// Digits of `radix` with `_` separators between digits.
    fn scan_digits(
        &self,
        start: usize,
        mut pos: usize,
        radix: u32,
        separators: bool,
    ) -> Result<usize, ScanError> {
        let b = self.bytes();
        let first = pos;
        while let Some(&c) = b.get(pos) {
            if (c as char).is_digit(radix) {
                pos += 1;
            } else if c == b'_' && separators {
                let prev_ok = pos > first && (b[pos - 1] as char).is_digit(radix);
                let next_ok = b.get(pos + 1).is_some_and(|n| (*n as char).is_digit(radix));
                if !prev_ok || !next_ok {
                    return Err(ScanError::new(
                        "Numeric separators must be between digits",
                        start,
                        pos + 1,
                    ));
                }
                pos += 1;
            } else {
                break;
            }
        }
        Ok(pos)
    }

    /// A string literal starting at the quote at `start`. Returns its end and flags.
    fn scan_string(&self, start: usize) -> Result<(usize, u8), ScanError> {
        let b = self.bytes();
        let quote = b[start];
        let mut pos = start + 1;
        let mut flags = 0;
        loop {
            // Only the closing quote, a backslash and a line break need a look.
            pos = find_any(b, pos, [quote, b'\\', b'\n', b'\r']);
            let Some(&c) = b.get(pos) else {
                return Err(ScanError::new("Unterminated string literal", start, pos));
            };
            match c {
                _ if c == quote => return Ok((pos + 1, flags)),
                b'\n' | b'\r' => {
                    return Err(ScanError::new("Unterminated string literal", start, pos));
                }
                b'\\' => {
                    let (next, escape) = scan_escape(self.source, pos)?;
                    match escape {
                        Escape::Ok => {}
                        Escape::LegacyOctal => flags |= Token::LEGACY_OCTAL,
                        Escape::Invalid(message) => return Err(ScanError::new(message, pos, next)),
                    }
                    pos = next;
                }
                _ => pos += 1,
            }
        }
    }

    /// A template piece after its opening `` ` `` or `}`: up to `` ` `` (the last piece) or `${`.
    fn scan_template(&self, mut pos: usize, first: bool) -> Result<(usize, Kind, u8), ScanError> {
        let b = self.bytes();
        let start = pos.saturating_sub(1);
        let mut flags = 0;
        loop {
            pos = find_any(b, pos, [b'`', b'$', b'\\']);
            let Some(&c) = b.get(pos) else {
                return Err(ScanError::new("Unterminated template literal", start, pos));
            };
            match c {
                b'`' => {
                    let kind = if first {
                        Kind::Template
                    } else {
                        Kind::TemplateTail
                    };
                    return Ok((pos + 1, kind, flags));
                }
                b'$' if b.get(pos + 1) == Some(&b'{') => {
                    let kind = if first {
                        Kind::TemplateHead
                    } else {
                        Kind::TemplateMiddle
                    };
                    return Ok((pos + 2, kind, flags));
                }
                b'\\' => {
                    let (next, escape) = scan_escape(self.source, pos)?;
                    if escape != Escape::Ok {
                        flags |= Token::INVALID_ESCAPE;
                    }
                    pos = next;
                }
                _ => pos += 1,
            }
        }
    }

    /// Rescans `token` (a `/` or `/=`) as the start of a regular expression literal.
    pub fn rescan_regexp(&mut self, token: Token) -> Result<Token, Box<LexError>> {
        match self.scan_regexp(token) {
            Ok(_) => Ok(self.token),
            Err(e) => Err(self.on_char_boundaries(e).into_lex_error()),
        }
    }

    fn scan_regexp(&mut self, token: Token) -> Result<Kind, ScanError> {
        let start = token.span.start as usize;
        let mut pos = start + 1;
        let mut in_class = false;
        loop {
            let Some(c) = self.source[pos..].chars().next() else {
                return Err(ScanError::new(
                    "Unterminated regular expression",
                    start,
                    pos,
                ));
            };
            match c {
                '\n' | '\r' | '\u{2028}' | '\u{2029}' => {
                    return Err(ScanError::new(
                        "Unterminated regular expression",
                        start,
                        pos,
                    ));
                }
                '\\' => {
                    pos += 1;
                    match self.source[pos..].chars().next() {
                        None | Some('\n' | '\r' | '\u{2028}' | '\u{2029}') => {
                            return Err(ScanError::new(
                                "Unterminated regular expression",
                                start,
                                pos,
                            ));
                        }
                        Some(c) => pos += c.len_utf8(),
                    }
                    continue;
                }
                '[' => in_class = true,
                ']' => in_class = false,
                '/' if !in_class => break,
                _ => {}
            }
            pos += c.len_utf8();
        }
        pos += 1;
        // Flags are IdentifierPartChars; an escape among them is an error.
        while let Some(c) = self.source[pos..].chars().next() {
            if c == '\\' {
                return Err(ScanError::new(
                    "Invalid regular expression flags",
                    start,
                    pos + 1,
                ));
            }
            if !chars::is_id_continue(c) {
                break;
            }
            pos += c.len_utf8();
        }
        self.reset(pos);
        Ok(self.finish(
            Kind::RegExp,
            start,
            pos,
            token.flags & Token::NEWLINE_BEFORE,
        ))
    }

    /// Rescans `token` (a `}` closing a substitution) as a template middle or tail.
    pub fn rescan_template(&mut self, token: Token) -> Result<Token, Box<LexError>> {
        match self.scan_template_continuation(token) {
            Ok(_) => Ok(self.token),
            Err(e) => Err(self.on_char_boundaries(e).into_lex_error()),
        }
    }

    fn scan_template_continuation(&mut self, token: Token) -> Result<Kind, ScanError> {
        let start = token.span.start as usize;
        let (end, kind, flags) = self.scan_template(start + 1, false)?;
        self.reset(end);
        Ok(self.finish(
            kind,
            start,
            end,
            flags | (token.flags & Token::NEWLINE_BEFORE),
        ))
    }
}

/// The offset of the next line terminator at or after `pos`, or the end of `source`.
fn line_end(source: &str, pos: usize) -> usize {
    first_line_terminator(&source.as_bytes()[pos..]).map_or(source.len(), |i| pos + i)
}

/// The offset of the first line terminator in `bytes` (UTF-8). A byte scan: LS and PS are
/// `E2 80 A8` and `E2 80 A9`, so only an `E2` needs a closer look.
fn first_line_terminator(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        let at = find_any(bytes, i, [b'\n', b'\r', 0xE2]);
        let &b = bytes.get(at)?;
        if b != 0xE2 || matches!(bytes.get(at + 1..at + 3), Some([0x80, 0xA8 | 0xA9])) {
            return Some(at);
        }
        i = at + 1;
    }
}

/// The offset of the first byte at or after `pos` that is one of `needles`, or `bytes.len()`
/// if there is none. Eight bytes are tested at a time as a `u64`: where a byte equals a needle,
/// the word XOR the needle repeated has a zero byte, and `(x - 0x01..01) & !x & 0x80..80` flags
/// zero bytes. Only bytes above a zero byte can be flagged wrongly (by the borrow out of it), so
/// the lowest flag of each needle's test, and of their union, is exact. Strings, templates and
/// comments are mostly long runs of bytes that need no look of their own.
#[inline(always)]
pub(crate) fn find_any<const N: usize>(bytes: &[u8], mut pos: usize, needles: [u8; N]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(pos..).and_then(<[u8]>::first_chunk::<8>) {
        let word = u64::from_le_bytes(*chunk);
        let mut flags = 0;
        for needle in needles {
            let x = word ^ (ONES * u64::from(needle));
            flags |= x.wrapping_sub(ONES) & !x & HIGHS;
        }
        if flags != 0 {
            return pos + (flags.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    bytes
        .get(pos..)
        .and_then(|rest| rest.iter().position(|b| needles.contains(b)))
        .map_or(bytes.len(), |i| pos + i)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Escape {
    Ok,
    /// `\1`..`\7`, `\0` before a digit, `\8`, `\9`: allowed in sloppy strings only.
    LegacyOctal,
    /// Malformed; an error in strings, an undefined cooked value in templates.
    Invalid(&'static str),
}

/// Checks the escape sequence at `pos` (a backslash); returns where it ends.
fn scan_escape(source: &str, pos: usize) -> Result<(usize, Escape), ScanError> {
    let b = source.as_bytes();
    let Some(c) = source[pos + 1..].chars().next() else {
        return Err(ScanError::new("Unterminated string literal", pos, pos + 1));
    };
    let next = pos + 1 + c.len_utf8();
    Ok(match c {
        '\r' if b.get(next) == Some(&b'\n') => (next + 1, Escape::Ok),
        'x' => {
            let ok = b
                .get(next..next + 2)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if ok {
                (next + 2, Escape::Ok)
            } else {
                (next, Escape::Invalid("Invalid hexadecimal escape sequence"))
            }
        }
        'u' => match read_unicode_escape(source, pos + 1) {
            Some((_, end)) => (end, Escape::Ok),
            None => (next, Escape::Invalid("Invalid Unicode escape sequence")),
        },
        '0' if !b.get(next).is_some_and(u8::is_ascii_digit) => (next, Escape::Ok),
        '0'..='7' => {
            // LegacyOctalEscapeSequence: up to three digits, the first of which limits the rest.
            let mut end = next;
            let max = if c <= '3' { 2 } else { 1 };
            for _ in 0..max {
                if b.get(end).is_some_and(|d| (b'0'..=b'7').contains(d)) {
                    end += 1;
                }
            }
            (end, Escape::LegacyOctal)
        }
        '8' | '9' => (next, Escape::LegacyOctal),
        _ => (next, Escape::Ok),
    })
}

/// Reads `u XXXX` or `u{X...}` starting at `pos` (just after the backslash): the code point and
/// the end offset. `None` when malformed.
pub(crate) fn read_unicode_escape(source: &str, pos: usize) -> Option<(u32, usize)> {
    let b = source.as_bytes();
    if b.get(pos) != Some(&b'u') {
        return None;
    }
    if b.get(pos + 1) == Some(&b'{') {
        let mut end = pos + 2;
        let mut value: u32 = 0;
        while let Some(d) = b.get(end).and_then(|c| (*c as char).to_digit(16)) {
            value = value.checked_mul(16)?.checked_add(d)?;
            if value > 0x10FFFF {
                return None;
            }
            end += 1;
        }
        if end == pos + 2 || b.get(end) != Some(&b'}') {
            return None;
        }
        Some((value, end + 1))
    } else {
        let hex = b.get(pos + 1..pos + 5)?;
        let mut value = 0;
        for &h in hex {
            value = value * 16 + (h as char).to_digit(16)?;
        }
        Some((value, pos + 5))
    }
}

/// The offset of the first byte at or after `pos` that is not an ASCII blank (space, tab,
/// vertical tab, form feed).
#[inline]
fn skip_blanks(bytes: &[u8], mut pos: usize) -> usize {
    while matches!(bytes.get(pos), Some(b' ' | b'\t' | 0x0B | 0x0C)) {
        pos += 1;
    }
    pos
}

/// The offset of the first byte at or after `pos` that does not continue an ASCII name.
#[inline]
fn skip_ascii_id_continue(bytes: &[u8], mut pos: usize) -> usize {
    // Eight bytes at a time while eight are left: one bounds check per chunk, and the
    // chunk's loop is unrolled.
    while let Some(chunk) = bytes.get(pos..pos + 8) {
        for (i, &b) in chunk.iter().enumerate() {
            if !ASCII_ID_CONTINUE[b as usize] {
                return pos + i;
            }
        }
        pos += 8;
    }
    while let Some(&b) = bytes.get(pos)
        && ASCII_ID_CONTINUE[b as usize]
    {
        pos += 1;
    }
    pos
}

/// A non-ASCII WhiteSpace character (ECMA-262 12.2): NBSP, ZWNBSP (BOM) and the Zs category.
fn is_blank(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{FEFF}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

#[cold]
fn invalid_character(c: char, start: usize) -> ScanError {
    ScanError {
        message: "Invalid or unexpected token",
        character: Some(c),
        span: Span::new(start as u32, (start + c.len_utf8()) as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::find_any;

    /// `find_any` against a byte-at-a-time search, over buffers built from the bytes that trip
    /// word-at-a-time tests: the needles themselves, the bytes next to them (a borrow out of a
    /// zero byte flags the byte above it), 0x00, 0x80 and 0xFF, at every length and start up to
    /// a few words.
    #[test]
    fn find_any_agrees_with_a_byte_search() {
        const NEEDLES: [u8; 4] = [b'"', b'\\', b'\n', b'\r'];
        let alphabet = [
            b'"', b'#', b'!', b'\\', b']', b'[', b'\n', b'\r', 0x0B, 0x0C, 0, 0x80, 0xFF, b'a',
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in 0..40 {
            for _ in 0..200 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        alphabet[(state % alphabet.len() as u64) as usize]
                    })
                    .collect();
                for start in 0..=len + 1 {
                    let expected = bytes
                        .get(start..)
                        .and_then(|rest| rest.iter().position(|b| NEEDLES.contains(b)))
                        .map_or(bytes.len(), |i| start + i);
                    assert_eq!(
                        find_any(&bytes, start, NEEDLES),
                        expected,
                        "{bytes:?} from {start}"
                    );
                }
            }
        }
    }
}
