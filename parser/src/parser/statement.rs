//! Statements and declarations (ECMA-262 14).

use super::{Label, PResult, Parser};
use crate::ast::*;
use kiln_lexer::{Kind, Span};

impl<'a> Parser<'a> {
    /// The directive prologue of a script or function body. Returns the directives and whether
    /// one of them is `"use strict"`; string literals before it are re-checked for octal escapes.
    pub(crate) fn parse_directives(&mut self) -> PResult<(&'a [Directive<'a>], bool)> {
        let mut directives = self.vec();
        let mut strict = false;
        let mut first_octal: Option<Span> = None;
        while self.at(Kind::String) {
            let t = self.token();
            let next = self.peek()?;
            // Only a string that is a whole ExpressionStatement is a directive.
            let ends = matches!(next.kind, Kind::Semicolon | Kind::RBrace | Kind::Eof)
                || next.newline_before();
            if !ends {
                break;
            }
            let raw_full = self.text(t);
            let raw = raw_full
                .get(1..raw_full.len().saturating_sub(1))
                .unwrap_or("");
            if t.legacy_octal() && first_octal.is_none() {
                first_octal = Some(t.span);
            }
            if raw == "use strict" {
                strict = true;
                self.ctx.strict = true;
            }
            self.advance()?;
            let value = self.make_string(t);
            let value = self.alloc(value);
            self.consume_semicolon()?;
            directives.push(Directive {
                span: self.span_from(t.span.start),
                raw,
                value,
            });
        }
        if strict && let Some(span) = first_octal {
            return self.error(
                "Octal escape sequences are not allowed in strict mode",
                span,
            );
        }
        Ok((directives.to_bump_slice(), strict))
    }

    /// StatementListItem: a statement or a declaration.
    pub(crate) fn parse_statement_list_item(&mut self) -> PResult<Statement<'a>> {
        self.enter()?;
        let result = self.parse_statement_list_item_inner();
        self.leave();
        result
    }

    fn parse_statement_list_item_inner(&mut self) -> PResult<Statement<'a>> {
        match self.kind() {
            Kind::Function => Ok(Statement::Function(
                self.parse_function_declaration(self.start(), false)?,
            )),
            Kind::Async if self.at_async_function()? => {
                let start = self.start();
                self.advance()?;
                Ok(Statement::Function(
                    self.parse_function_declaration(start, true)?,
                ))
            }
            Kind::Class => Ok(Statement::Class(self.parse_class(true)?)),
            Kind::At => {
                let start = self.start();
                let decorators = self.parse_decorators()?;
                if self.at(Kind::Export) && self.ctx.module && self.depth == 1 {
                    return self.parse_export_declaration_with(start, decorators);
                }
                Ok(Statement::Class(
                    self.parse_decorated_class(start, decorators, false)?,
                ))
            }
            Kind::Const => self.parse_lexical_declaration_statement(VariableKind::Const),
            Kind::Let if self.at_let_declaration()? => {
                self.parse_lexical_declaration_statement(VariableKind::Let)
            }
            Kind::Using if self.at_using_declaration()? => {
                self.check_using_allowed()?;
                self.parse_lexical_declaration_statement(VariableKind::Using)
            }
            Kind::Await if self.at_await_using_declaration()? => {
                self.check_using_allowed()?;
                self.parse_lexical_declaration_statement(VariableKind::AwaitUsing)
            }
            Kind::Import
                if self.ctx.module && self.depth == 1 && !self.at_import_call_or_meta()? =>
            {
                Ok(Statement::Import(self.parse_import_declaration()?))
            }
            Kind::Export if self.ctx.module && self.depth == 1 => self.parse_export_declaration(),
            _ => self.parse_statement(),
        }
    }

    /// `using` declarations need a block of their own: not a script's top level, not directly in a
    /// `case` or `default` clause.
    fn check_using_allowed(&self) -> PResult<()> {
        if self.ctx.using_disallowed {
            return self.error(
                "'using' declarations are not allowed here; wrap them in a block",
                self.token().span,
            );
        }
        Ok(())
    }

    /// `async function` with no line break between.
    pub(crate) fn at_async_function(&self) -> PResult<bool> {
        if !self.at_contextual(Kind::Async) {
            return Ok(false);
        }
        let next = self.peek()?;
        Ok(next.kind == Kind::Function && !next.newline_before() && !next.escaped())
    }

    /// `let` starts a declaration when followed by an identifier, `[` or `{`
    /// (in a statement position, `let [` is always a declaration).
    fn at_let_declaration(&self) -> PResult<bool> {
        if self.token().escaped() && self.ctx.strict {
            return Ok(true);
        }
        let next = self.peek()?;
        Ok(match next.kind {
            Kind::LBracket | Kind::LBrace => true,
            Kind::Identifier => true,
            // `let yield`, `let await`, `let let` and keywords are reported by the binding check.
            k if k.is_keyword() && !k.is_reserved_word() => true,
            Kind::Yield | Kind::Await => true,
            _ => false,
        } && !self.token().escaped())
    }

    /// `using x` with no line break between: a using declaration (where one may stand is
    /// checked by `check_using_allowed`).
    fn at_using_declaration(&self) -> PResult<bool> {
        if self.token().escaped() {
            return Ok(false);
        }
        let next = self.peek()?;
        Ok(!next.newline_before()
            && (next.kind == Kind::Identifier
                || (next.kind.is_keyword() && !next.kind.is_reserved_word())
                || matches!(next.kind, Kind::Yield | Kind::Await)))
    }

    /// `await using x` (each with no line break before it), where `await` is an operator.
    fn at_await_using_declaration(&self) -> PResult<bool> {
        if !self.ctx.is_async || self.token().escaped() {
            return Ok(false);
        }
        let mut lexer = self.lexer_snapshot();
        let using = lexer.next_token().map_err(Self::lex_error_pub)?;
        if using.kind != Kind::Using || using.newline_before() || using.escaped() {
            return Ok(false);
        }
        let name = lexer.next_token().map_err(Self::lex_error_pub)?;
        Ok(!name.newline_before()
            && (name.kind == Kind::Identifier
                || (name.kind.is_keyword() && !name.kind.is_reserved_word())
                || matches!(name.kind, Kind::Yield | Kind::Await)))
    }

    fn parse_lexical_declaration_statement(
        &mut self,
        kind: VariableKind,
    ) -> PResult<Statement<'a>> {
        let start = self.start();
        let decl = self.parse_variable_declaration(kind, true)?;
        self.consume_semicolon()?;
        Ok(Statement::Variable(self.alloc(VariableDeclaration {
            span: self.span_from(start),
            ..*decl
        })))
    }

    /// `var`/`let`/`const`/`using`/`await using` and its declarators, without the semicolon.
    /// `in_for` is false inside a `for (` head, where initializers are optional for every kind
    /// and `in` is not an operator.
    pub(crate) fn parse_variable_declaration(
        &mut self,
        kind: VariableKind,
        require_init: bool,
    ) -> PResult<&'a VariableDeclaration<'a>> {
        let start = self.start();
        self.advance()?; // var / let / const / using / await
        if kind == VariableKind::AwaitUsing {
            self.advance()?; // using
        }
        let mut declarations = self.vec();
        loop {
            let d_start = self.start();
            let target = if matches!(kind, VariableKind::Using | VariableKind::AwaitUsing) {
                {
                    let id = self.parse_binding_identifier()?;
                    Pattern::Identifier(self.alloc(id))
                }
            } else {
                self.parse_binding_target()?
            };
            if kind != VariableKind::Var {
                self.check_lexical_name(&target)?;
            }
            let init = if self.eat(Kind::Eq)? {
                Some(self.parse_assignment_expression()?)
            } else {
                None
            };
            if init.is_none() && require_init {
                let needs = matches!(
                    kind,
                    VariableKind::Const | VariableKind::Using | VariableKind::AwaitUsing
                ) || !matches!(target, Pattern::Identifier(_));
                if needs {
                    return self.error("Missing initializer in declaration", target.span());
                }
            }
            declarations.push(VariableDeclarator {
                span: self.span_from(d_start),
                target,
                init,
            });
            if !self.eat(Kind::Comma)? {
                break;
            }
        }
        Ok(self.alloc(VariableDeclaration {
            span: self.span_from(start),
            kind,
            declarations: declarations.to_bump_slice(),
        }))
    }

    /// `let` may not be a lexically bound name.
    fn check_lexical_name(&self, target: &Pattern<'a>) -> PResult<()> {
        let mut bad = None;
        target.bound_names(&mut |id| {
            if id.name == "let" && bad.is_none() {
                bad = Some(id.span);
            }
        });
        match bad {
            Some(span) => self.error("'let' is not a valid name for a lexical declaration", span),
            None => Ok(()),
        }
    }

    /// Statement (not a declaration).
    pub(crate) fn parse_statement(&mut self) -> PResult<Statement<'a>> {
        self.enter()?;
        let result = self.parse_statement_inner();
        self.leave();
        result
    }

    fn parse_statement_inner(&mut self) -> PResult<Statement<'a>> {
        let start = self.start();
        match self.kind() {
            Kind::LBrace => Ok(Statement::Block(self.parse_block()?)),
            Kind::Semicolon => {
                self.advance()?;
                Ok(Statement::Empty(self.span_from(start)))
            }
            Kind::Var => {
                let decl = self.parse_variable_declaration(VariableKind::Var, true)?;
                self.consume_semicolon()?;
                Ok(Statement::Variable(self.alloc(VariableDeclaration { span: self.span_from(start), ..*decl })))
            }
            Kind::If => self.parse_if(),
            Kind::Do => self.parse_do_while(),
            Kind::While => self.parse_while(),
            Kind::For => self.parse_for(),
            Kind::Continue | Kind::Break => self.parse_jump(),
            Kind::Return => {
                if !self.ctx.in_function {
                    return self.error("Illegal return statement", self.token().span);
                }
                self.advance()?;
                let argument = if self.at(Kind::Semicolon) || self.at(Kind::RBrace) || self.at(Kind::Eof) || self.token().newline_before() {
                    None
                } else {
                    Some(self.parse_expression()?)
                };
                self.consume_semicolon()?;
                Ok(Statement::Return(self.alloc(ReturnStatement { span: self.span_from(start), argument })))
            }
            Kind::With => {
                if self.ctx.strict {
                    return self.error("Strict mode code may not include a with statement", self.token().span);
                }
                self.advance()?;
                self.expect(Kind::LParen)?;
                let object = self.parse_expression()?;
                self.expect(Kind::RParen)?;
                let body = self.parse_substatement()?;
                Ok(Statement::With(self.alloc(WithStatement { span: self.span_from(start), object, body })))
            }
            Kind::Switch => self.parse_switch(),
            Kind::Throw => {
                self.advance()?;
                if self.token().newline_before() {
                    return self.error("Illegal newline after throw", self.token().span);
                }
                let argument = self.parse_expression()?;
                self.consume_semicolon()?;
                Ok(Statement::Throw(self.alloc(ThrowStatement { span: self.span_from(start), argument })))
            }
            Kind::Try => self.parse_try(),
            Kind::Debugger => {
                self.advance()?;
                self.consume_semicolon()?;
                Ok(Statement::Debugger(self.span_from(start)))
            }
            Kind::Function => self.error(
                "In strict mode code and in statement positions, functions can only be declared at top level or inside a block",
                self.token().span,
            ),
            Kind::Class | Kind::At | Kind::Const => Err(self.lexical_in_statement_position()),
            Kind::Let if self.at_let_bracket()? => Err(self.lexical_in_statement_position()),
            Kind::Async if self.at_async_function()? => Err(self.lexical_in_statement_position()),
            Kind::Import if !self.at_import_call_or_meta()? => {
                if self.ctx.module {
                    self.error("Import declarations may only appear at the top level of a module", self.token().span)
                } else {
                    self.error("Cannot use import statement outside a module", self.token().span)
                }
            }
            Kind::Export => {
                if self.ctx.module {
                    self.error("Export declarations may only appear at the top level of a module", self.token().span)
                } else {
                    self.error("Unexpected token 'export'", self.token().span)
                }
            }
            _ => self.parse_expression_or_labeled_statement(),
        }
    }

    fn lexical_in_statement_position(&self) -> Box<crate::Diagnostic> {
        Box::new(crate::Diagnostic::new(
            "Lexical declaration cannot appear in a single-statement context",
            self.token().span,
        ))
    }

    /// `let [` at the start of an expression statement is not allowed (ECMA-262 14.5 lookahead).
    fn at_let_bracket(&self) -> PResult<bool> {
        Ok(self.peek()?.kind == Kind::LBracket)
    }

    /// The body of `if`, loops, `with` and labels. In sloppy code, Annex B.3.3 allows a plain
    /// function declaration as the body of an `if`.
    fn parse_substatement(&mut self) -> PResult<Statement<'a>> {
        self.parse_substatement_with(true)
    }

    /// `forbid_labelled_function`: false for the body of a label, where `L: M: function f() {}`
    /// is Annex B's labelled function declaration.
    fn parse_substatement_with(
        &mut self,
        forbid_labelled_function: bool,
    ) -> PResult<Statement<'a>> {
        if self.at(Kind::Let) && !self.token().escaped() {
            let next = self.peek()?;
            if next.kind == Kind::LBracket {
                return Err(self.lexical_in_statement_position());
            }
        }
        if self.at(Kind::Using) && self.at_using_declaration()? {
            return Err(self.lexical_in_statement_position());
        }
        let statement = self.parse_statement()?;
        // IsLabelledFunction: `while (x) L: function f() {}` is an error even in sloppy code.
        let mut body = &statement;
        while let Statement::Labeled(l) = body {
            body = &l.body;
        }
        if forbid_labelled_function
            && matches!(body, Statement::Function(_))
            && matches!(statement, Statement::Labeled(_))
        {
            return self.error(
                "Labelled function declarations cannot be the body of a statement",
                statement.span(),
            );
        }
        Ok(statement)
    }

    pub(crate) fn parse_block(&mut self) -> PResult<&'a Block<'a>> {
        let start = self.start();
        self.expect(Kind::LBrace)?;
        let saved = self.ctx.using_disallowed;
        self.ctx.using_disallowed = false;
        let mut body = self.vec();
        while !self.at(Kind::RBrace) {
            if self.at(Kind::Eof) {
                return Err(self.unexpected());
            }
            body.push(self.parse_statement_list_item()?);
        }
        self.ctx.using_disallowed = saved;
        self.advance()?;
        Ok(self.alloc(Block {
            span: self.span_from(start),
            body: body.to_bump_slice(),
        }))
    }

    fn parse_if(&mut self) -> PResult<Statement<'a>> {
        let start = self.start();
        self.advance()?;
        self.expect(Kind::LParen)?;
        let test = self.parse_expression()?;
        self.expect(Kind::RParen)?;
        let consequent = self.parse_if_body()?;
        let alternate = if self.eat(Kind::Else)? {
            Some(self.parse_if_body()?)
        } else {
            None
        };
        Ok(Statement::If(self.alloc(IfStatement {
            span: self.span_from(start),
            test,
            consequent,
            alternate,
        })))
    }

    /// Annex B.3.3: `if (x) function f() {}` in sloppy code, as if wrapped in a block.
    fn parse_if_body(&mut self) -> PResult<Statement<'a>> {
        if self.at(Kind::Function) && !self.ctx.strict {
            let start = self.start();
            let f = self.parse_function_declaration(start, false)?;
            if f.is_generator {
                return self.error(
                    "Generators can only be declared at the top level or inside a block",
                    f.span,
                );
            }
            return Ok(Statement::Function(f));
        }
        self.parse_substatement()
    }

    fn parse_loop_body(&mut self) -> PResult<Statement<'a>> {
        let saved = self.ctx.in_iteration;
        self.ctx.in_iteration = true;
        let body = self.parse_substatement();
        self.ctx.in_iteration = saved;
        body
    }

    fn parse_do_while(&mut self) -> PResult<Statement<'a>> {
        let start = self.start();
        self.advance()?;
        let body = self.parse_loop_body()?;
        self.expect(Kind::While)?;
        self.expect(Kind::LParen)?;
        let test = self.parse_expression()?;
        self.expect(Kind::RParen)?;
        // ASI after do-while's `)` even without a line break (ECMA-262 12.10.1, rule 3).
        self.eat(Kind::Semicolon)?;
        Ok(Statement::DoWhile(self.alloc(DoWhileStatement {
            span: self.span_from(start),
            body,
            test,
        })))
    }

    fn parse_while(&mut self) -> PResult<Statement<'a>> {
        let start = self.start();
        self.advance()?;
        self.expect(Kind::LParen)?;
        let test = self.parse_expression()?;
        self.expect(Kind::RParen)?;
        let body = self.parse_loop_body()?;
        Ok(Statement::While(self.alloc(WhileStatement {
            span: self.span_from(start),
            test,
            body,
        })))
    }

    fn parse_for(&mut self) -> PResult<Statement<'a>> {
        let start = self.start();
        self.advance()?;
        let mut is_await = false;
        if self.at(Kind::Await) {
            if !self.ctx.is_async || self.ctx.in_class_static_block {
                return Err(self.unexpected());
            }
            is_await = true;
            self.advance()?;
        }
        self.expect(Kind::LParen)?;

        // The head: a declaration, an expression, or nothing.
        let mut head: Option<ForInit<'a>> = None;
        let saved_in = self.ctx.allow_in;
        self.ctx.allow_in = false;
        let decl_kind = match self.kind() {
            Kind::Var => Some(VariableKind::Var),
            Kind::Const => Some(VariableKind::Const),
            Kind::Let if !self.token().escaped() || self.ctx.strict => {
                let next = self.peek()?;
                let is_decl = matches!(next.kind, Kind::LBracket | Kind::LBrace | Kind::Identifier)
                    || (next.kind.is_keyword()
                        && !next.kind.is_reserved_word()
                        && (next.kind != Kind::Of || next.escaped()))
                    || matches!(next.kind, Kind::Yield | Kind::Await)
                    || (next.kind == Kind::Of && self.ctx.strict);
                if is_decl && self.token().escaped() {
                    return Err(self.unexpected());
                }
                is_decl.then_some(VariableKind::Let)
            }
            Kind::Using if !self.token().escaped() => {
                let next = self.peek()?;
                let is_decl = !next.newline_before()
                    && (next.kind == Kind::Identifier
                        || (next.kind.is_keyword()
                            && !next.kind.is_reserved_word()
                            && next.kind != Kind::Of
                            && next.kind != Kind::In)
                        || matches!(next.kind, Kind::Yield | Kind::Await));
                // `for (using of x)` is a for-of over the identifier `using`, unless `using of =`.
                let is_decl = is_decl
                    || (next.kind == Kind::Of
                        && !next.escaped()
                        && self.using_of_is_declaration()?);
                is_decl.then_some(VariableKind::Using)
            }
            Kind::Await if self.at_await_using_declaration()? => Some(VariableKind::AwaitUsing),
            _ => None,
        };
        if let Some(kind) = decl_kind {
            let decl = self.parse_variable_declaration(kind, false)?;
            self.ctx.allow_in = saved_in;
            let single = decl.declarations.len() == 1;
            if (self.at(Kind::Of) && !self.token().escaped()) || self.at(Kind::In) {
                let is_of = self.at(Kind::Of);
                if !single {
                    return self.error(
                        "Invalid left-hand side in for-loop: must have a single binding",
                        decl.span,
                    );
                }
                if !is_of && matches!(kind, VariableKind::Using | VariableKind::AwaitUsing) {
                    return self.error(
                        "'using' declarations are not allowed in for-in loops",
                        decl.span,
                    );
                }
                if let Some(init) = decl.declarations[0].init {
                    // Annex B.3.5: `for (var x = 1 in o)` in sloppy code with a simple binding.
                    let annex_b = !is_of
                        && kind == VariableKind::Var
                        && !self.ctx.strict
                        && matches!(decl.declarations[0].target, Pattern::Identifier(_));
                    if !annex_b {
                        return self.error(
                            format!(
                                "for-{} loop variable declaration may not have an initializer",
                                if is_of { "of" } else { "in" }
                            ),
                            init.span(),
                        );
                    }
                }
                if is_await && !is_of {
                    return Err(self.unexpected());
                }
                return self.parse_for_in_of(start, is_await, is_of, ForHead::Variable(decl));
            }
            if is_await {
                return Err(self.unexpected());
            }
            for d in decl.declarations {
                let needs_init = matches!(
                    kind,
                    VariableKind::Const | VariableKind::Using | VariableKind::AwaitUsing
                ) || !matches!(d.target, Pattern::Identifier(_));
                if d.init.is_none() && needs_init {
                    return self.error("Missing initializer in declaration", d.target.span());
                }
            }
            head = Some(ForInit::Variable(decl));
        } else if !self.at(Kind::Semicolon) {
            let starts_with_let = self.at(Kind::Let) && !self.token().escaped();
            let starts_with_async = self.at_contextual(Kind::Async);
            let saved_cover = self.cover_error.take();
            let expr = self.parse_expression_cover()?;
            self.ctx.allow_in = saved_in;
            if (self.at(Kind::Of) && !self.token().escaped()) || self.at(Kind::In) {
                let is_of = self.at(Kind::Of);
                if is_of && starts_with_let {
                    return self.error(
                        "The left-hand side of a for-of loop may not be 'let'",
                        expr.span(),
                    );
                }
                if is_of
                    && starts_with_async
                    && !is_await
                    && matches!(expr, Expression::Identifier(_))
                {
                    return self.error(
                        "The left-hand side of a for-of loop may not be 'async'",
                        expr.span(),
                    );
                }
                if is_await && !is_of {
                    return Err(self.unexpected());
                }
                let target = match expr {
                    Expression::Call(c) if !self.ctx.strict => Pattern::Call(c),
                    _ => self.assignment_target_from(expr, false)?,
                };
                self.cover_error = saved_cover;
                return self.parse_for_in_of(start, is_await, is_of, ForHead::Pattern(target));
            }
            if let Some(e) = self.cover_error.take() {
                return Err(e);
            }
            self.cover_error = saved_cover;
            if is_await {
                return Err(self.unexpected());
            }
            head = Some(ForInit::Expression(expr));
        }
        self.ctx.allow_in = saved_in;
        if is_await {
            return Err(self.unexpected());
        }
        self.expect(Kind::Semicolon)?;
        let test = if self.at(Kind::Semicolon) {
            None
        } else {
            Some(self.parse_expression()?)
        };
        self.expect(Kind::Semicolon)?;
        let update = if self.at(Kind::RParen) {
            None
        } else {
            Some(self.parse_expression()?)
        };
        self.expect(Kind::RParen)?;
        let body = self.parse_loop_body()?;
        Ok(Statement::For(self.alloc(ForStatement {
            span: self.span_from(start),
            init: head,
            test,
            update,
            body,
        })))
    }

    /// `for (using of` starts a declaration only in a `for (;;)` head (`for (using of = ...;`):
    /// a for-of's ForDeclaration has the lookahead restriction `using of`, so
    /// `for (using of of x)` iterates `of x` into the variable `using`.
    fn using_of_is_declaration(&self) -> PResult<bool> {
        let mut lexer = self.lexer_snapshot();
        let _of = lexer.next_token().map_err(Self::lex_error_pub)?;
        let after = lexer.next_token().map_err(Self::lex_error_pub)?;
        Ok(matches!(after.kind, Kind::Eq | Kind::Semicolon))
    }

    fn parse_for_in_of(
        &mut self,
        start: u32,
        is_await: bool,
        is_of: bool,
        left: ForHead<'a>,
    ) -> PResult<Statement<'a>> {
        self.advance()?; // in / of
        let right = if is_of {
            self.parse_assignment_expression()?
        } else {
            self.parse_expression()?
        };
        self.expect(Kind::RParen)?;
        let body = self.parse_loop_body()?;
        let span = self.span_from(start);
        Ok(if is_of {
            Statement::ForOf(self.alloc(ForOfStatement {
                span,
                is_await,
                left,
                right,
                body,
            }))
        } else {
            Statement::ForIn(self.alloc(ForInStatement {
                span,
                left,
                right,
                body,
            }))
        })
    }

    fn parse_jump(&mut self) -> PResult<Statement<'a>> {
        let start = self.start();
        let is_break = self.at(Kind::Break);
        let keyword = self.token().span;
        self.advance()?;
        let label = if !self.token().newline_before() && self.at_identifier() && !self.at(Kind::Eof)
        {
            let id = self.parse_identifier()?;
            match self.labels.iter().rev().find(|l| l.name == id.name) {
                None => return self.error(format!("Undefined label '{}'", id.name), id.span),
                Some(l) if !is_break && !l.is_loop => {
                    return self.error(format!("Illegal continue statement: '{}' does not denote an iteration statement", id.name), id.span);
                }
                Some(_) => {}
            }
            Some(id)
        } else {
            None
        };
        if label.is_none() {
            if is_break && !self.ctx.in_iteration && !self.ctx.in_switch {
                return self.error("Illegal break statement", keyword);
            }
            if !is_break && !self.ctx.in_iteration {
                return self.error(
                    "Illegal continue statement: no surrounding iteration statement",
                    keyword,
                );
            }
        }
        self.consume_semicolon()?;
        let node = self.alloc(JumpStatement {
            span: self.span_from(start),
            label,
        });
        Ok(if is_break {
            Statement::Break(node)
        } else {
            Statement::Continue(node)
        })
    }

    fn parse_switch(&mut self) -> PResult<Statement<'a>> {
        let start = self.start();
        self.advance()?;
        self.expect(Kind::LParen)?;
        let discriminant = self.parse_expression()?;
        self.expect(Kind::RParen)?;
        self.expect(Kind::LBrace)?;
        let saved = self.ctx.in_switch;
        self.ctx.in_switch = true;
        let mut cases = self.vec();
        let mut seen_default = false;
        while !self.eat(Kind::RBrace)? {
            let case_start = self.start();
            let test = if self.eat(Kind::Case)? {
                Some(self.parse_expression()?)
            } else if self.at(Kind::Default) {
                if seen_default {
                    return self.error(
                        "More than one default clause in switch statement",
                        self.token().span,
                    );
                }
                seen_default = true;
                self.advance()?;
                None
            } else {
                return Err(self.unexpected());
            };
            self.expect(Kind::Colon)?;
            let mut body = self.vec();
            let saved_using = self.ctx.using_disallowed;
            self.ctx.using_disallowed = true;
            while !matches!(
                self.kind(),
                Kind::Case | Kind::Default | Kind::RBrace | Kind::Eof
            ) {
                body.push(self.parse_statement_list_item()?);
            }
            self.ctx.using_disallowed = saved_using;
            cases.push(SwitchCase {
                span: self.span_from(case_start),
                test,
                body: body.to_bump_slice(),
            });
        }
        self.ctx.in_switch = saved;
        Ok(Statement::Switch(self.alloc(SwitchStatement {
            span: self.span_from(start),
            discriminant,
            cases: cases.to_bump_slice(),
        })))
    }

    fn parse_try(&mut self) -> PResult<Statement<'a>> {
        let start = self.start();
        self.advance()?;
        let block = self.parse_block()?;
        let mut handler = None;
        if self.at(Kind::Catch) {
            let catch_start = self.start();
            self.advance()?;
            let param = if self.eat(Kind::LParen)? {
                let p = self.parse_binding_target()?;
                self.expect(Kind::RParen)?;
                Some(p)
            } else {
                None
            };
            let body = self.parse_block()?;
            handler = Some(self.alloc(CatchClause {
                span: self.span_from(catch_start),
                param,
                body,
            }));
        }
        let finalizer = if self.eat(Kind::Finally)? {
            Some(self.parse_block()?)
        } else {
            None
        };
        if handler.is_none() && finalizer.is_none() {
            return self.error("Missing catch or finally after try", self.token().span);
        }
        Ok(Statement::Try(self.alloc(TryStatement {
            span: self.span_from(start),
            block,
            handler,
            finalizer,
        })))
    }

    /// An expression statement, or `label: statement`.
    fn parse_expression_or_labeled_statement(&mut self) -> PResult<Statement<'a>> {
        let start = self.start();
        if self.at_identifier() && self.peek()?.kind == Kind::Colon {
            let label = self.parse_identifier()?;
            self.advance()?; // :
            if self.labels.iter().any(|l| l.name == label.name) {
                return self.error(
                    format!("Label '{}' has already been declared", label.name),
                    label.span,
                );
            }
            let is_loop = self.at_loop_after_labels()?;
            self.labels.push(Label {
                name: label.name,
                is_loop,
            });
            let body = if self.at(Kind::Function) {
                // Annex B.3.1: labelled function declarations, in sloppy code only.
                if self.ctx.strict {
                    self.labels.pop();
                    return self.error("In strict mode code, functions can only be declared at top level or inside a block", self.token().span);
                }
                let f_start = self.start();
                let f = self.parse_function_declaration(f_start, false);
                match f {
                    Ok(f) if f.is_generator || f.is_async => {
                        self.labels.pop();
                        return self
                            .error("Generators and async functions cannot be labelled", f.span);
                    }
                    Ok(f) => Ok(Statement::Function(f)),
                    Err(e) => Err(e),
                }
            } else {
                self.parse_substatement_with(false)
            };
            self.labels.pop();
            let body = body?;
            return Ok(Statement::Labeled(self.alloc(LabeledStatement {
                span: self.span_from(start),
                label,
                body,
            })));
        }
        let expression = self.parse_expression()?;
        self.consume_semicolon()?;
        Ok(Statement::Expression(self.alloc(ExpressionStatement {
            span: self.span_from(start),
            expression,
        })))
    }

    /// Whether the statement after one or more labels is an iteration statement.
    fn at_loop_after_labels(&self) -> PResult<bool> {
        if matches!(self.kind(), Kind::For | Kind::While | Kind::Do) {
            return Ok(true);
        }
        // `a: b: while (1)`: skip further labels.
        let mut lexer = self.lexer_snapshot();
        let mut token = self.token();
        loop {
            if !(token.kind == Kind::Identifier
                || (token.kind.is_keyword() && !token.kind.is_reserved_word())
                || token.kind == Kind::Yield
                || token.kind == Kind::Await)
            {
                return Ok(matches!(token.kind, Kind::For | Kind::While | Kind::Do));
            }
            let colon = lexer.next_token().map_err(Self::lex_error_pub)?;
            if colon.kind != Kind::Colon {
                return Ok(false);
            }
            token = lexer.next_token().map_err(Self::lex_error_pub)?;
        }
    }
}
