//! Syntax errors: cheap to create, rendered only when someone looks.

use kiln_lexer::Span;
use std::fmt::Write as _;

/// An early or syntax error found while parsing. Every one is a `SyntaxError`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    pub span: Span,
}

/// A 1-based line and column; the column counts Unicode scalar values, as editors do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineColumn {
    pub line: u32,
    pub column: u32,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            message: message.into(),
            span,
        }
    }

    /// `file:line:col: SyntaxError: message`, then the source line and a caret under the span.
    pub fn render(&self, file: &str, source: &str) -> String {
        let offset = clamp_to_char_boundary(source, self.span.start as usize);
        let LineColumn { line, column } = line_column(source, offset);
        let (line_start, line_end) = line_bounds(source, offset);
        let text = &source[line_start..line_end];
        let mut out = String::new();
        let _ = writeln!(out, "{file}:{line}:{column}: SyntaxError: {}", self.message);
        let gutter = line.to_string();
        let _ = writeln!(out, "{gutter} | {}", text.replace('\t', " "));
        let caret_end =
            clamp_to_char_boundary(source, (self.span.end as usize).clamp(offset, line_end));
        let width = source[offset..caret_end].chars().count().max(1);
        let _ = writeln!(
            out,
            "{} | {}{}",
            " ".repeat(gutter.len()),
            " ".repeat(column as usize - 1),
            "^".repeat(width)
        );
        out
    }
}

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

fn clamp_to_char_boundary(source: &str, mut offset: usize) -> usize {
    offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The line and column of byte `offset`. `\r\n` counts as one line break, as do U+2028 and U+2029.
pub fn line_column(source: &str, offset: usize) -> LineColumn {
    let offset = clamp_to_char_boundary(source, offset);
    let mut line = 1;
    let mut line_start = 0;
    let mut chars = source[..offset].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_line_terminator(c) {
            if c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n') {
                continue;
            }
            line += 1;
            line_start = i + c.len_utf8();
        }
    }
    let column = source[line_start..offset].chars().count() as u32 + 1;
    LineColumn { line, column }
}

/// The byte range of the line holding `offset`, without its terminator.
fn line_bounds(source: &str, offset: usize) -> (usize, usize) {
    let start = source[..offset]
        .char_indices()
        .rev()
        .find(|&(_, c)| is_line_terminator(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = source[offset..]
        .char_indices()
        .find(|&(_, c)| is_line_terminator(c))
        .map_or(source.len(), |(i, _)| offset + i);
    (start, end)
}

/// The start of every line of a source text, so that many offsets can be located without
/// rescanning from the start (stack traces and the disassembler of a 9 MB file).
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offsets where lines begin; the first is 0.
    starts: Vec<usize>,
}

impl LineIndex {
    /// Bytes the table of line starts holds.
    pub fn heap_bytes(&self) -> usize {
        self.starts.capacity() * size_of::<usize>()
    }

    pub fn new(source: &str) -> LineIndex {
        let mut starts = vec![0];
        let mut chars = source.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if is_line_terminator(c) {
                if c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n') {
                    continue;
                }
                starts.push(i + c.len_utf8());
            }
        }
        LineIndex { starts }
    }

    /// The same answer as [`line_column`], in logarithmic time plus the line's length.
    pub fn locate(&self, source: &str, offset: usize) -> LineColumn {
        let offset = clamp_to_char_boundary(source, offset);
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1].min(offset);
        let column = source
            .get(start..offset)
            .map_or(0, |text| text.chars().count()) as u32
            + 1;
        LineColumn {
            line: line as u32,
            column,
        }
    }

    /// The text of 1-based `line`, without its terminator ("" past the end).
    pub fn line_text<'s>(&self, source: &'s str, line: usize) -> &'s str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.starts.get(line).copied().unwrap_or(source.len());
        source
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(is_line_terminator)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_index_agrees_with_line_column() {
        let src = "a\r\nb\u{2028}cd\ne\r\rf\u{2029}";
        let index = LineIndex::new(src);
        for offset in 0..=src.len() + 2 {
            if src.get(offset.saturating_sub(1)..=offset) == Some("\r\n") {
                continue; // between the two halves of one line break: no token starts there
            }
            assert_eq!(
                index.locate(src, offset),
                line_column(src, offset),
                "{offset}"
            );
        }
    }

    use super::*;

    #[test]
    fn line_and_column_count_every_terminator() {
        let src = "a\r\nb\u{2028}cd\ne";
        assert_eq!(line_column(src, 0), LineColumn { line: 1, column: 1 });
        assert_eq!(line_column(src, 3), LineColumn { line: 2, column: 1 });
        let d = src.find('d').unwrap();
        assert_eq!(line_column(src, d), LineColumn { line: 3, column: 2 });
        assert_eq!(
            line_column(src, src.len()),
            LineColumn { line: 4, column: 2 }
        );
    }

    #[test]
    fn render_points_a_caret_at_the_span() {
        let src = "let x = 1;\nlet y = };\n";
        let at = src.find('}').unwrap() as u32;
        let text =
            Diagnostic::new("Unexpected token '}'", Span::new(at, at + 1)).render("t.js", src);
        assert_eq!(
            text,
            "t.js:2:9: SyntaxError: Unexpected token '}'\n2 | let y = };\n  |         ^\n"
        );
    }
}
