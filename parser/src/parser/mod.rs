//! The recursive-descent parser. Statements in `statement.rs`, expressions (precedence climbing)
//! in `expression.rs`, functions and classes in `function.rs`, destructuring and the cover
//! grammars in `pattern.rs`, imports and exports in `module.rs`.

mod expression;
mod function;
mod module;
mod pattern;
mod statement;

use crate::Diagnostic;
use crate::ast::*;
use bumpalo::Bump;
use kiln_lexer::{Kind, LexError, Lexer, Span, Token};
use rustc_hash::FxHashSet;
use smallvec::SmallVec;
use std::cell::Cell;

/// Errors are boxed: a result then fits in two registers, and the descent passes it up
/// through a dozen levels per expression.
pub(crate) type PResult<T> = Result<T, Box<Diagnostic>>;

/// Deeper nesting than this is a SyntaxError rather than a risk to the native stack.
const MAX_DEPTH: u32 = 800;
/// Nesting is a SyntaxError too when less native stack than this is left, whatever the depth:
/// a backstop for parsing on a small stack (a thread's, in a debug build), where 800 levels need
/// more than there is. Compiling from source (`kiln_interpreter::eval::compile_code`) makes sure
/// there is enough for `MAX_DEPTH`, so this rarely decides.
const STACK_RED_ZONE: usize = 128 * 1024;

/// Grammar parameters and the facts about the enclosing code that decide what is legal.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Context {
    pub strict: bool,
    pub module: bool,
    /// `[Yield]`: inside a generator, `yield` is an operator.
    pub generator: bool,
    /// `[Await]`: inside an async function or a module's top level, `await` is an operator.
    pub is_async: bool,
    /// `[In]`: the `in` operator is allowed (cleared in a `for (` initializer).
    pub allow_in: bool,
    /// `return` is allowed.
    pub in_function: bool,
    /// Parsing formal parameters: `yield`/`await` expressions are errors.
    pub in_parameters: bool,
    /// In a class static block or field initializer: `await` is reserved, `arguments` is not allowed.
    pub in_class_static_block: bool,
    pub in_iteration: bool,
    pub in_switch: bool,
    /// `new.target` is allowed: inside a non-arrow function, or a class field or static block.
    pub new_target: bool,
    /// `super(...)` is allowed: inside a derived class constructor.
    pub super_call: bool,
    /// `super.x` is allowed: inside a method, accessor, field initializer or static block.
    pub super_property: bool,
    /// Inside a class field initializer or static block, where `arguments` is not allowed.
    pub in_class_field: bool,
    /// `using` declarations are not allowed: a script's top level, or directly in a case clause.
    pub using_disallowed: bool,
}

pub(crate) struct Label<'a> {
    name: &'a str,
    /// The labelled statement is a loop, so `continue label` may target it.
    is_loop: bool,
}

pub(crate) struct Parser<'a> {
    pub arena: &'a Bump,
    pub source: &'a str,
    lexer: Lexer<'a>,
    /// The lexer just past the token after the current one (which it holds), once someone has
    /// peeked.
    peeked: Cell<Option<Lexer<'a>>>,
    /// The end of the previous token, for node spans.
    prev_end: u32,
    pub ctx: Context,
    depth: u32,
    labels: Vec<Label<'a>>,
    /// The first error found in an object or array literal that is an error only if the literal
    /// stays an expression (`{a = 1}`, duplicate `__proto__`); cleared when it becomes a pattern.
    pub cover_error: Option<Box<Diagnostic>>,
    /// Starts of spread elements followed by a comma: not allowed as a rest element.
    pub spread_with_trailing_comma: FxHashSet<u32>,
    /// Positions of the latest `yield`/`await` expression and `await` identifier, for the checks
    /// on arrow parameters that are found to be parameters only after they are parsed.
    pub last_yield_or_await: Option<Span>,
    pub last_await_identifier: Option<Span>,
    /// One entry per class body being parsed: its private names and unresolved uses.
    pub private_scopes: Vec<function::PrivateScope<'a>>,
    /// A private name used outside any class body.
    pub private_error: Option<Diagnostic>,
    scratch: Vec<u16>,
    scratch_raw: Vec<u16>,
    /// Where each function, arrow function and class starts, for the whole-tree early-error pass
    /// to skip expressions that hold none (in the order they were finished, so not sorted).
    pub scope_starts: Vec<u32>,
    /// The early-error checks of each function, arrow function and class, run as each is finished.
    pub early_errors: crate::early_errors::Incremental<'a>,
    /// Below this stack address less than `STACK_RED_ZONE` is left: computed once, as asking
    /// `stacker` at every level (a thread-local lookup) cost about 3% of a parse.
    stack_limit: usize,
}

/// An address in the caller's stack frame, close enough to the stack pointer for the red-zone
/// check (the stack grows down on every platform Kiln builds for).
#[inline(always)]
pub(crate) fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

impl<'a> Parser<'a> {
    pub fn new(arena: &'a Bump, source: &'a str, kind: SourceKind) -> Self {
        let module = kind == SourceKind::Module;
        let stack_limit = match stacker::remaining_stack() {
            Some(remaining) => (stack_address() + STACK_RED_ZONE).saturating_sub(remaining),
            None => 0,
        };
        Parser {
            arena,
            source,
            lexer: Lexer::new(source, module),
            peeked: Cell::new(None),
            prev_end: 0,
            ctx: Context {
                strict: module,
                module,
                is_async: module,
                allow_in: true,
                using_disallowed: !module,
                ..Context::default()
            },
            depth: 0,
            labels: Vec::new(),
            cover_error: None,
            spread_with_trailing_comma: FxHashSet::default(),
            last_yield_or_await: None,
            last_await_identifier: None,
            private_scopes: Vec::new(),
            private_error: None,
            scratch: Vec::new(),
            scratch_raw: Vec::new(),
            scope_starts: Vec::new(),
            early_errors: crate::early_errors::Incremental::new(stack_limit),
            stack_limit,
        }
    }

    pub fn parse_program(&mut self, kind: SourceKind) -> PResult<Program<'a>> {
        self.advance()?;
        let hashbang = self.lexer.hashbang().map(|span| span.text(self.source));
        let (directives, strict) = self.parse_directives()?;
        if strict {
            self.ctx.strict = true;
        }
        let mut body = self.vec();
        while self.token().kind != Kind::Eof {
            body.push(self.parse_statement_list_item()?);
        }
        if let Some(e) = self.private_error.take() {
            return Err(Box::new(e));
        }
        Ok(Program {
            span: Span::new(0, self.source.len() as u32),
            kind,
            strict: self.ctx.strict,
            hashbang,
            directives,
            body: body.to_bump_slice(),
        })
    }

    // ----------------------------------------------------------------------------------------
    // Arena helpers

    pub fn alloc<T: Copy>(&self, value: T) -> &'a T {
        const { assert!(!std::mem::needs_drop::<T>()) };
        self.arena.alloc(value)
    }

    #[inline]
    pub fn vec<T: Copy>(&self) -> ArenaList<'a, T> {
        ArenaList {
            arena: self.arena,
            items: SmallVec::new(),
        }
    }

    pub fn alloc_str(&self, s: &str) -> &'a str {
        self.arena.alloc_str(s)
    }

    // ----------------------------------------------------------------------------------------
    // Tokens

    pub fn kind(&self) -> Kind {
        self.token().kind
    }

    pub fn at(&self, kind: Kind) -> bool {
        self.token().kind == kind
    }

    pub fn start(&self) -> u32 {
        self.token().span.start
    }

    /// The span from `start` to the end of the previous token.
    pub fn span_from(&self, start: u32) -> Span {
        Span::new(start, self.prev_end.max(start))
    }

    pub fn text(&self, token: Token) -> &'a str {
        token.span.text(self.source)
    }

    // The lexer boxes its errors (its result is then two words where it is inlined).
    #[cold]
    #[allow(clippy::boxed_local)]
    fn lex_error(e: Box<LexError>) -> Box<Diagnostic> {
        let LexError { message, span } = *e;
        Box::new(Diagnostic::new(message, span))
    }

    /// The current token. The lexer holds it, where it scanned it: moving to the next token
    /// copies no token from the lexer to the parser.
    #[inline(always)]
    pub fn token(&self) -> Token {
        self.lexer.token()
    }

    /// Moves to the next token (in the division goal).
    pub fn advance(&mut self) -> PResult<()> {
        self.prev_end = self.token().span.end;
        if let Some(lexer) = self.peeked.take() {
            self.lexer = lexer;
        } else {
            self.lexer.advance().map_err(Self::lex_error)?;
        }
        Ok(())
    }

    /// The token after the current one, without moving. The lookahead is kept, so the token is
    /// lexed once however often it is peeked at and then consumed.
    pub fn peek(&self) -> PResult<Token> {
        if let Some(lexer) = self.peeked.take() {
            let token = lexer.token();
            self.peeked.set(Some(lexer));
            return Ok(token);
        }
        let mut lexer = self.lexer.clone();
        lexer.advance().map_err(Self::lex_error)?;
        let token = lexer.token();
        self.peeked.set(Some(lexer));
        Ok(token)
    }

    /// Whether the next token is `=>`. Most of the time a glance at the byte after the current
    /// token's blanks rules it out, sparing the lookahead (a lexer copy) that `peek` keeps.
    pub fn peek_is_arrow(&self) -> PResult<bool> {
        let bytes = self.source.as_bytes();
        let mut pos = self.token().span.end as usize;
        while matches!(bytes.get(pos), Some(b' ' | b'\t')) {
            pos += 1;
        }
        // The next token starts with `=`, or after a comment (`/`, `<!--`), another blank or a
        // line break (which may be non-ASCII), or there is no next token.
        match bytes.get(pos) {
            Some(b'=' | b'/' | b'<' | b'\n' | b'\r' | 0x0B | 0x0C | 0x80..) | None => {
                Ok(self.peek()?.kind == Kind::Arrow)
            }
            Some(_) => Ok(false),
        }
    }

    /// A copy of the lexer, positioned after the current token, for looking further ahead.
    pub fn lexer_snapshot(&self) -> Lexer<'a> {
        self.lexer.clone()
    }

    /// Rescans the current `/` or `/=` as a regular expression literal.
    pub fn rescan_regexp(&mut self) -> PResult<()> {
        self.peeked.take();
        let token = self.token();
        self.lexer.rescan_regexp(token).map_err(Self::lex_error)?;
        Ok(())
    }

    /// Rescans the current `}` as a template middle or tail.
    pub fn rescan_template(&mut self) -> PResult<()> {
        self.peeked.take();
        let token = self.token();
        self.lexer.rescan_template(token).map_err(Self::lex_error)?;
        Ok(())
    }

    pub fn eat(&mut self, kind: Kind) -> PResult<bool> {
        if self.at(kind) {
            self.advance()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    pub fn expect(&mut self, kind: Kind) -> PResult<()> {
        if self.at(kind) {
            self.advance()
        } else {
            Err(self.unexpected())
        }
    }

    /// A plain (unescaped) contextual keyword.
    pub fn at_contextual(&self, kind: Kind) -> bool {
        self.at(kind) && !self.token().escaped()
    }

    /// The error for the current token being out of place.
    #[cold]
    pub fn unexpected(&self) -> Box<Diagnostic> {
        let t = self.token();
        let message = match t.kind {
            Kind::Eof => "Unexpected end of input".to_string(),
            Kind::String => "Unexpected string".to_string(),
            Kind::Number | Kind::BigInt => "Unexpected number".to_string(),
            Kind::Template | Kind::TemplateHead | Kind::TemplateMiddle | Kind::TemplateTail => {
                "Unexpected template string".to_string()
            }
            Kind::Identifier => format!("Unexpected identifier '{}'", self.text(t)),
            k if k.is_keyword() && t.escaped() => {
                "Keyword must not contain escaped characters".to_string()
            }
            k if k.is_reserved_word() => format!("Unexpected token '{}'", self.text(t)),
            k if k.is_keyword() => format!("Unexpected identifier '{}'", self.text(t)),
            _ => format!("Unexpected token '{}'", self.text(t)),
        };
        Box::new(Diagnostic::new(message, t.span))
    }

    #[cold]
    pub fn error<T>(&self, message: impl Into<String>, span: Span) -> PResult<T> {
        Err(Box::new(Diagnostic::new(message, span)))
    }

    /// Automatic semicolon insertion (ECMA-262 12.10): a `;`, or a `}`, the end of input, or a
    /// line break before the offending token.
    pub fn consume_semicolon(&mut self) -> PResult<()> {
        if self.eat(Kind::Semicolon)? {
            return Ok(());
        }
        if self.at(Kind::RBrace) || self.at(Kind::Eof) || self.token().newline_before() {
            return Ok(());
        }
        Err(self.unexpected())
    }

    // ----------------------------------------------------------------------------------------
    // Nesting

    pub fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH || stack_address() < self.stack_limit {
            return self.error("Nesting too deep", self.token().span);
        }
        Ok(())
    }

    /// Fails as `levels` nested `enter` calls would, without entering: for a shortcut past
    /// levels of the grammar that would each have entered and left again.
    pub fn check_nesting(&self, levels: u32) -> PResult<()> {
        if self.depth + levels > MAX_DEPTH || stack_address() < self.stack_limit {
            return self.error("Nesting too deep", self.token().span);
        }
        Ok(())
    }

    pub fn leave(&mut self) {
        self.depth -= 1;
    }

    // ----------------------------------------------------------------------------------------
    // Identifiers

    /// The name of an identifier-like token, decoded and in the arena when it had escapes.
    #[inline]
    pub fn name_of(&self, token: Token) -> &'a str {
        if token.escaped() {
            return self.decoded_name(token);
        }
        self.text(token)
    }

    #[cold]
    fn decoded_name(&self, token: Token) -> &'a str {
        let decoded = kiln_lexer::identifier_name(self.text(token));
        self.alloc_str(&decoded)
    }

    /// Why a token of `kind` cannot be an IdentifierReference / BindingIdentifier here, if it
    /// cannot (ECMA-262 13.1.1 static semantics). Cheap: the message is made only for an error.
    fn identifier_problem(&self, kind: Kind) -> Option<NotAnIdentifier> {
        match kind {
            Kind::Identifier => None,
            Kind::Yield => {
                (self.ctx.generator || self.ctx.strict).then_some(NotAnIdentifier::Yield)
            }
            Kind::Await => (self.ctx.is_async || self.ctx.module || self.ctx.in_class_static_block)
                .then_some(NotAnIdentifier::Await),
            k if k.is_strict_reserved_word() => {
                self.ctx.strict.then_some(NotAnIdentifier::StrictReserved)
            }
            Kind::EscapedKeyword => Some(NotAnIdentifier::EscapedKeyword),
            k if k.is_reserved_word() => Some(NotAnIdentifier::Reserved),
            k if k.is_keyword() => None,
            _ => Some(NotAnIdentifier::NotAWord),
        }
    }

    /// Whether the current token can be an IdentifierReference / BindingIdentifier here: `None`
    /// if it can, else the error message (empty when the token is not a word at all).
    pub fn identifier_error(&self, token: Token) -> Option<String> {
        let name = || self.name_of(token);
        Some(match self.identifier_problem(token.kind)? {
            NotAnIdentifier::Yield => "'yield' is not a valid identifier here".into(),
            NotAnIdentifier::Await => "'await' is not a valid identifier here".into(),
            NotAnIdentifier::StrictReserved => {
                format!("Unexpected strict mode reserved word '{}'", name())
            }
            NotAnIdentifier::EscapedKeyword => "Keyword must not contain escaped characters".into(),
            NotAnIdentifier::Reserved => format!("Unexpected reserved word '{}'", name()),
            NotAnIdentifier::NotAWord => String::new(),
        })
    }

    /// A plain identifier (the common case) is decided inline, without a call.
    #[inline]
    pub fn at_identifier(&self) -> bool {
        self.token().kind == Kind::Identifier
            || self.identifier_problem(self.token().kind).is_none()
    }

    /// An IdentifierReference (or BindingIdentifier, with [`Self::check_binding_name`]).
    pub fn parse_identifier(&mut self) -> PResult<Identifier<'a>> {
        let t = self.token();
        if t.kind != Kind::Identifier {
            match self.identifier_error(t) {
                None => {}
                Some(message) if !message.is_empty() => return self.error(message, t.span),
                Some(_) => return Err(self.unexpected()),
            }
        }
        if t.kind == Kind::Await {
            self.last_await_identifier = Some(t.span);
        }
        self.advance()?;
        Ok(Identifier {
            span: t.span,
            name: self.name_of(t),
        })
    }

    /// A BindingIdentifier: an identifier that may not be `eval` or `arguments` in strict code.
    pub fn parse_binding_identifier(&mut self) -> PResult<Identifier<'a>> {
        let id = self.parse_identifier()?;
        self.check_binding_name(&id)?;
        Ok(id)
    }

    pub fn check_binding_name(&self, id: &Identifier<'a>) -> PResult<()> {
        if self.ctx.strict && (id.name == "eval" || id.name == "arguments") {
            return self.error("Unexpected eval or arguments in strict mode", id.span);
        }
        if self.ctx.strict && is_strict_reserved_name(id.name) {
            return self.error(
                format!("Unexpected strict mode reserved word '{}'", id.name),
                id.span,
            );
        }
        Ok(())
    }

    /// Moves past `t`, the current token, a name already known to be allowed where it stands.
    /// Always inlined: at the sites that take most names (a primary expression, a member name)
    /// a call to `parse_identifier` cost more than the rest of their work on a name.
    #[inline(always)]
    pub fn take_name(&mut self, t: Token) -> PResult<Identifier<'a>> {
        self.advance()?;
        Ok(Identifier {
            span: t.span,
            name: self.name_of(t),
        })
    }

    /// An IdentifierName (any word, reserved or not), as after `.` or as a property key.
    pub fn parse_identifier_name(&mut self) -> PResult<Identifier<'a>> {
        let t = self.token();
        if !t.kind.is_identifier_name() {
            return Err(self.unexpected());
        }
        self.advance()?;
        Ok(Identifier {
            span: t.span,
            name: self.name_of(t),
        })
    }

    // ----------------------------------------------------------------------------------------
    // Literal values

    pub fn string_literal(&mut self) -> PResult<&'a StringLiteral<'a>> {
        let t = self.token();
        if t.legacy_octal() && self.ctx.strict {
            return self.error(
                "Octal escape sequences are not allowed in strict mode",
                t.span,
            );
        }
        self.advance()?;
        let value = self.make_string(t);
        Ok(self.alloc(value))
    }

    pub fn make_string(&mut self, t: Token) -> StringLiteral<'a> {
        let text = self.text(t);
        let body = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
        let bytes = body.as_bytes();
        // Most strings are ASCII without escapes: their bytes are their code units, widened
        // straight into the arena (a loop the compiler vectorises), not into `scratch` first.
        let cooked = bytes
            .iter()
            .fold(false, |special, &c| special | (c >= 0x80) | (c == b'\\'));
        if !cooked {
            let units = self.arena.alloc_slice_fill_copy(bytes.len(), 0u16);
            for (unit, &byte) in units.iter_mut().zip(bytes) {
                *unit = u16::from(byte);
            }
            return StringLiteral {
                span: t.span,
                value: units,
            };
        }
        self.scratch.clear();
        kiln_lexer::cook_string(body, &mut self.scratch);
        StringLiteral {
            span: t.span,
            value: self.arena.alloc_slice_copy(&self.scratch),
        }
    }

    pub fn number_literal(&mut self) -> PResult<&'a NumberLiteral<'a>> {
        let t = self.token();
        if t.legacy_octal() && self.ctx.strict {
            return self.error(
                "Octal literals and decimals with leading zeros are not allowed in strict mode",
                t.span,
            );
        }
        self.advance()?;
        let raw = self.text(t);
        Ok(self.alloc(NumberLiteral {
            span: t.span,
            value: kiln_lexer::parse_number(raw),
            raw,
        }))
    }

    pub fn bigint_literal(&mut self) -> PResult<&'a BigIntLiteral<'a>> {
        let t = self.token();
        self.advance()?;
        let text = self.text(t);
        let text = text.strip_suffix('n').unwrap_or(text);
        let digits = if text.contains('_') {
            self.alloc_str(&text.replace('_', ""))
        } else {
            text
        };
        Ok(self.alloc(BigIntLiteral {
            span: t.span,
            digits,
        }))
    }

    /// A template piece's raw and cooked values; `cooked` is `None` for an invalid escape.
    pub fn template_element(&mut self, t: Token) -> TemplateElement<'a> {
        let text = self.text(t);
        let open = if text.starts_with('`') || text.starts_with('}') {
            1
        } else {
            0
        };
        let close = if text.ends_with("${") {
            2
        } else if text.ends_with('`') && text.len() > open {
            1
        } else {
            0
        };
        let body = text
            .get(open..text.len().saturating_sub(close))
            .unwrap_or("");
        self.scratch.clear();
        self.scratch_raw.clear();
        let valid = kiln_lexer::cook_template(body, &mut self.scratch, &mut self.scratch_raw);
        let raw = self.arena.alloc_slice_copy(&self.scratch_raw);
        let cooked = valid.then(|| &*self.arena.alloc_slice_copy(&self.scratch));
        let span = Span::new(t.span.start + open as u32, t.span.end - close as u32);
        TemplateElement { span, raw, cooked }
    }

    /// Runs `f` with the `in` operator allowed (the grammar's `[+In]`), as inside brackets,
    /// parentheses, templates and initializers.
    pub fn with_in<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        let saved = self.ctx.allow_in;
        self.ctx.allow_in = true;
        let result = f(self);
        self.ctx.allow_in = saved;
        result
    }

    // ----------------------------------------------------------------------------------------
    // Labels

    pub fn with_labels_cleared<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        let saved = std::mem::take(&mut self.labels);
        let result = f(self);
        self.labels = saved;
        result
    }
}

/// Why a word cannot be an identifier where it stands ([`Parser::identifier_error`]).
#[derive(Clone, Copy)]
enum NotAnIdentifier {
    /// `yield` in a generator or in strict code.
    Yield,
    /// `await` in an async function, a module or a class static block.
    Await,
    /// `let`, `static`, `implements`, ... in strict code.
    StrictReserved,
    EscapedKeyword,
    Reserved,
    /// Not a word at all (a punctuator, a literal).
    NotAWord,
}

/// A list being parsed: gathered off the arena and copied into it once, at its final length.
/// Growing a `bumpalo` vector in place copies it at every doubling (the nodes parsed between
/// two pushes sit after it in the arena) and leaves the old copies behind as dead arena memory.
pub(crate) struct ArenaList<'a, T> {
    arena: &'a Bump,
    items: SmallVec<[T; 8]>,
}

impl<'a, T: Copy> ArenaList<'a, T> {
    #[inline]
    pub fn push(&mut self, item: T) {
        self.items.push(item);
    }

    /// Takes `&self`, not `self`: moving the list in would copy its inline storage (up to
    /// hundreds of bytes) from one stack slot to another first, as a `memcpy` call.
    #[inline]
    pub fn to_bump_slice(&self) -> &'a [T] {
        const { assert!(!std::mem::needs_drop::<T>()) };
        self.arena.alloc_slice_copy(&self.items)
    }
}

impl<T> std::ops::Deref for ArenaList<'_, T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.items
    }
}

/// Words reserved only in strict mode code (ECMA-262 13.1.1), by name.
pub(crate) fn is_strict_reserved_name(name: &str) -> bool {
    matches!(
        name,
        "implements"
            | "interface"
            | "let"
            | "package"
            | "private"
            | "protected"
            | "public"
            | "static"
            | "yield"
    )
}
