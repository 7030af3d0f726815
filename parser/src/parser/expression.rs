//! Expressions (ECMA-262 13): precedence climbing for binary operators, recursive descent for
//! the rest. Arrow functions are recognised where an AssignmentExpression starts.

use super::{PResult, Parser};
use crate::Diagnostic;
use crate::ast::*;
use kiln_lexer::{Kind, Span};
use smallvec::SmallVec;

/// Binary operator precedence; higher binds tighter.
const fn binary_operator(kind: Kind, allow_in: bool) -> Option<(u8, BinaryOp)> {
    use BinaryOperator as B;
    use Kind as K;
    Some(match kind {
        K::QuestionQuestion => (1, BinaryOp::Logical(LogicalOperator::Coalesce)),
        K::PipePipe => (2, BinaryOp::Logical(LogicalOperator::Or)),
        K::AmpAmp => (3, BinaryOp::Logical(LogicalOperator::And)),
        K::Pipe => (4, BinaryOp::Binary(B::BitOr)),
        K::Caret => (5, BinaryOp::Binary(B::BitXor)),
        K::Amp => (6, BinaryOp::Binary(B::BitAnd)),
        K::EqEq => (7, BinaryOp::Binary(B::Equal)),
        K::NotEq => (7, BinaryOp::Binary(B::NotEqual)),
        K::EqEqEq => (7, BinaryOp::Binary(B::StrictEqual)),
        K::NotEqEq => (7, BinaryOp::Binary(B::StrictNotEqual)),
        K::Less => (8, BinaryOp::Binary(B::Less)),
        K::Greater => (8, BinaryOp::Binary(B::Greater)),
        K::LessEq => (8, BinaryOp::Binary(B::LessEqual)),
        K::GreaterEq => (8, BinaryOp::Binary(B::GreaterEqual)),
        K::Instanceof => (8, BinaryOp::Binary(B::Instanceof)),
        K::In if allow_in => (8, BinaryOp::Binary(B::In)),
        K::ShiftLeft => (9, BinaryOp::Binary(B::ShiftLeft)),
        K::ShiftRight => (9, BinaryOp::Binary(B::ShiftRight)),
        K::ShiftRightUnsigned => (9, BinaryOp::Binary(B::ShiftRightUnsigned)),
        K::Plus => (10, BinaryOp::Binary(B::Add)),
        K::Minus => (10, BinaryOp::Binary(B::Subtract)),
        K::Star => (11, BinaryOp::Binary(B::Multiply)),
        K::Slash => (11, BinaryOp::Binary(B::Divide)),
        K::Percent => (11, BinaryOp::Binary(B::Remainder)),
        K::StarStar => (12, BinaryOp::Binary(B::Exponent)),
        _ => return None,
    })
}

/// The precedence of the binary operator each token kind is (`binary_operator`'s), or 0, indexed
/// by the kind: most operands are followed by no operator, and one load tells.
static BINARY_PRECEDENCE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    let kinds = [
        Kind::QuestionQuestion,
        Kind::PipePipe,
        Kind::AmpAmp,
        Kind::Pipe,
        Kind::Caret,
        Kind::Amp,
        Kind::EqEq,
        Kind::NotEq,
        Kind::EqEqEq,
        Kind::NotEqEq,
        Kind::Less,
        Kind::Greater,
        Kind::LessEq,
        Kind::GreaterEq,
        Kind::Instanceof,
        Kind::In,
        Kind::ShiftLeft,
        Kind::ShiftRight,
        Kind::ShiftRightUnsigned,
        Kind::Plus,
        Kind::Minus,
        Kind::Star,
        Kind::Slash,
        Kind::Percent,
        Kind::StarStar,
    ];
    while i < kinds.len() {
        let kind = kinds[i];
        table[kind as usize] = match binary_operator(kind, true) {
            Some((precedence, _)) => precedence,
            None => 0,
        };
        i += 1;
    }
    table
};

/// The precedence of the binary operator `kind` is, 0 if it is none (`in` is none without
/// `allow_in`). The same as `binary_operator`'s.
#[inline(always)]
fn binary_precedence(kind: Kind, allow_in: bool) -> u8 {
    let precedence = BINARY_PRECEDENCE[kind as usize];
    if kind == Kind::In && !allow_in {
        0
    } else {
        precedence
    }
}

#[derive(Clone, Copy)]
enum BinaryOp {
    Binary(BinaryOperator),
    Logical(LogicalOperator),
}

const EXPONENT_PRECEDENCE: u8 = 12;
const IN_PRECEDENCE: u8 = 8;

fn strip_parens(mut e: Expression<'_>) -> Expression<'_> {
    while let Expression::Parenthesized(p) = e {
        e = p.expression;
    }
    e
}

fn assignment_operator(kind: Kind) -> Option<AssignmentOperator> {
    use AssignmentOperator as A;
    use Kind as K;
    Some(match kind {
        K::Eq => A::Assign,
        K::PlusEq => A::Add,
        K::MinusEq => A::Subtract,
        K::StarEq => A::Multiply,
        K::SlashEq => A::Divide,
        K::PercentEq => A::Remainder,
        K::StarStarEq => A::Exponent,
        K::ShiftLeftEq => A::ShiftLeft,
        K::ShiftRightEq => A::ShiftRight,
        K::ShiftRightUnsignedEq => A::ShiftRightUnsigned,
        K::PipeEq => A::BitOr,
        K::CaretEq => A::BitXor,
        K::AmpEq => A::BitAnd,
        K::AmpAmpEq => A::And,
        K::PipePipeEq => A::Or,
        K::QuestionQuestionEq => A::Coalesce,
        _ => return None,
    })
}

impl<'a> Parser<'a> {
    /// Expression: one or more AssignmentExpressions separated by commas.
    pub(crate) fn parse_expression(&mut self) -> PResult<Expression<'a>> {
        let saved = self.cover_error.take();
        let expr = self.parse_expression_cover()?;
        if let Some(e) = self.cover_error.take() {
            return Err(e);
        }
        self.cover_error = saved;
        Ok(expr)
    }

    /// An Expression that may still turn out to be a pattern (a `for (` head): cover errors of an
    /// object or array literal stay pending in `self.cover_error`.
    pub(crate) fn parse_expression_cover(&mut self) -> PResult<Expression<'a>> {
        let start = self.start();
        let first = self.parse_assignment_cover()?;
        if !self.at(Kind::Comma) {
            return Ok(first);
        }
        self.check_cover()?;
        let mut expressions = self.vec();
        expressions.push(first);
        while self.eat(Kind::Comma)? {
            expressions.push(self.parse_assignment_expression()?);
        }
        Ok(Expression::Sequence(self.alloc(SequenceExpression {
            span: self.span_from(start),
            expressions: expressions.to_bump_slice(),
        })))
    }

    /// Reports a pending cover error: the literal is used as an expression after all.
    pub(crate) fn check_cover(&mut self) -> PResult<()> {
        match self.cover_error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// AssignmentExpression, used as an expression.
    pub(crate) fn parse_assignment_expression(&mut self) -> PResult<Expression<'a>> {
        let saved = self.cover_error.take();
        let expr = self.parse_assignment_cover()?;
        self.check_cover()?;
        self.cover_error = saved;
        Ok(expr)
    }

    /// AssignmentExpression that may become a pattern (array/object literal elements, arrow
    /// parameters): a pending cover error is kept only if the result is an object or array literal.
    pub(crate) fn parse_assignment_cover(&mut self) -> PResult<Expression<'a>> {
        self.enter()?;
        let outer = self.cover_error.take();
        let result = self.parse_assignment_inner();
        self.leave();
        let expr = result?;
        if !matches!(expr, Expression::Object(_) | Expression::Array(_)) {
            self.check_cover()?;
        }
        if outer.is_some() {
            self.cover_error = outer;
        }
        Ok(expr)
    }

    fn parse_assignment_inner(&mut self) -> PResult<Expression<'a>> {
        let start = self.start();
        // Arrow functions and `yield` start here.
        match self.kind() {
            Kind::Yield if self.ctx.generator => return self.parse_yield(),
            Kind::Async if !self.token().escaped() => {
                if let Some(expr) = self.try_parse_async_arrow_or_call()? {
                    if matches!(expr, Expression::Arrow(_)) {
                        return Ok(expr);
                    }
                    return self.finish_assignment(expr, start);
                }
                if self.peek()?.kind == Kind::Arrow {
                    let param = self.parse_binding_identifier()?;
                    return self.parse_arrow_from_identifier(start, param, false);
                }
            }
            Kind::LParen => {
                let expr = self.parse_parenthesized_or_arrow(true)?;
                if matches!(expr, Expression::Arrow(_)) {
                    return Ok(expr);
                }
                let expr = self.continue_from_primary(expr, start)?;
                return self.finish_assignment(expr, start);
            }
            _ if self.at_identifier() && self.peek_is_arrow()? => {
                let param = self.parse_binding_identifier()?;
                if self.token().newline_before() {
                    return Err(self.unexpected());
                }
                return self.parse_arrow_from_identifier(start, param, false);
            }
            _ => {}
        }
        let left = if self.at_plain_primary() {
            if self.at_lone_primary() {
                // The levels of `parse_binary` and `parse_unary`, as the descent would count them.
                self.check_nesting(2)?;
                return self.parse_primary();
            }
            self.parse_conditional_from_primary(start)?
        } else {
            self.parse_conditional()?
        };
        self.finish_assignment(left, start)
    }

    /// An identifier, a literal other than a template or regular expression, or `this`: a
    /// token that `parse_primary` alone turns into an expression, and that no unary, `new`,
    /// `super` or `import` form starts with.
    fn at_plain_primary(&self) -> bool {
        matches!(
            self.kind(),
            Kind::Identifier
                | Kind::Number
                | Kind::String
                | Kind::This
                | Kind::Null
                | Kind::True
                | Kind::False
        )
    }

    /// `parse_conditional` for an expression that starts with a plain primary: the same
    /// nesting levels entered and left (those of `parse_binary` and `parse_unary`), without the
    /// calls between them that would only pass the primary down.
    fn parse_conditional_from_primary(&mut self, start: u32) -> PResult<Expression<'a>> {
        self.enter()?;
        let result = self.parse_binary_from_primary(start);
        self.leave();
        let test = result?;
        self.parse_conditional_rest(test, start)
    }

    fn parse_binary_from_primary(&mut self, start: u32) -> PResult<Expression<'a>> {
        self.enter()?;
        let result = self.parse_primary().and_then(|primary| {
            let lhs = self.parse_call_tail(primary, start, true)?;
            self.parse_postfix_tail(lhs, start)
        });
        self.leave();
        self.parse_binary_rest(result?, start, 0)
    }

    /// Whether the current plain primary makes up the whole AssignmentExpression: `,` `)` `]`
    /// `}` `;` or `:` follows it on the same line, so no member access, call, operator or
    /// assignment can. Such an expression skips the dozen levels of the descent, none of which
    /// would add anything to it.
    fn at_lone_primary(&self) -> bool {
        let bytes = self.source.as_bytes();
        let mut pos = self.token().span.end as usize;
        while matches!(bytes.get(pos), Some(b' ' | b'\t')) {
            pos += 1;
        }
        matches!(
            bytes.get(pos),
            Some(b',' | b')' | b']' | b'}' | b';' | b':')
        )
    }

    /// The `= value` part of an assignment, if any, after its left side.
    fn finish_assignment(&mut self, left: Expression<'a>, start: u32) -> PResult<Expression<'a>> {
        let Some(operator) = assignment_operator(self.kind()) else {
            return Ok(left);
        };
        if matches!(left, Expression::Arrow(_)) {
            return Err(self.unexpected());
        }
        let logical = matches!(
            operator,
            AssignmentOperator::And | AssignmentOperator::Or | AssignmentOperator::Coalesce
        );
        let target = if let (Expression::Call(c), false, false) = (left, self.ctx.strict, logical) {
            Pattern::Call(c)
        } else if logical && matches!(strip_parens(left), Expression::Call(_)) {
            return self.error("Invalid left-hand side in assignment", left.span());
        } else if operator == AssignmentOperator::Assign {
            let t = self.assignment_target_from(left, false)?;
            self.cover_error = None;
            t
        } else {
            self.simple_target_from(left)?
        };
        let operator_span = self.token().span;
        self.advance()?;
        let value = self.parse_assignment_expression()?;
        Ok(Expression::Assignment(self.alloc(AssignmentExpression {
            span: self.span_from(start),
            operator,
            operator_span,
            target,
            value,
        })))
    }

    /// Continues a conditional expression whose first primary expression is already parsed.
    pub(crate) fn continue_from_primary(
        &mut self,
        primary: Expression<'a>,
        start: u32,
    ) -> PResult<Expression<'a>> {
        let lhs = self.parse_call_tail(primary, start, true)?;
        let postfix = self.parse_postfix_tail(lhs, start)?;
        let binary = self.parse_binary_rest(postfix, start, 0)?;
        self.parse_conditional_rest(binary, start)
    }

    fn parse_yield(&mut self) -> PResult<Expression<'a>> {
        let start = self.start();
        if self.ctx.in_parameters {
            return self.error(
                "Yield expression not allowed in formal parameter",
                self.token().span,
            );
        }
        if self.token().escaped() {
            return self.error(
                "Keyword must not contain escaped characters",
                self.token().span,
            );
        }
        self.advance()?;
        self.last_yield_or_await = Some(self.span_from(start));
        let mut delegate = false;
        let argument = if self.token().newline_before() {
            None
        } else if self.eat(Kind::Star)? {
            delegate = true;
            Some(self.parse_assignment_expression()?)
        } else if self.starts_expression() {
            Some(self.parse_assignment_expression()?)
        } else {
            None
        };
        Ok(Expression::Yield(self.alloc(YieldExpression {
            span: self.span_from(start),
            delegate,
            argument,
        })))
    }

    /// Whether the current token can start an AssignmentExpression (for `yield`'s operand).
    fn starts_expression(&self) -> bool {
        !matches!(
            self.kind(),
            Kind::RParen
                | Kind::RBracket
                | Kind::RBrace
                | Kind::Comma
                | Kind::Semicolon
                | Kind::Colon
                | Kind::Eof
                | Kind::Question
                | Kind::Arrow
                | Kind::In
                | Kind::Of
                | Kind::TemplateMiddle
                | Kind::TemplateTail
        ) && binary_operator(self.kind(), true).is_none_or(|_| {
            matches!(
                self.kind(),
                Kind::Plus | Kind::Minus | Kind::Slash | Kind::Less
            )
        }) && assignment_operator(self.kind()).is_none_or(|_| self.kind() == Kind::SlashEq)
    }

    fn parse_conditional(&mut self) -> PResult<Expression<'a>> {
        let start = self.start();
        let test = self.parse_binary(0)?;
        self.parse_conditional_rest(test, start)
    }

    /// The `? :` part of a conditional expression, if any, after its test. The check for a `?`
    /// is inlined: most expressions have none, and then no call is made.
    #[inline]
    fn parse_conditional_rest(
        &mut self,
        test: Expression<'a>,
        start: u32,
    ) -> PResult<Expression<'a>> {
        if !self.at(Kind::Question) {
            return Ok(test);
        }
        self.parse_conditional_branches(test, start)
    }

    fn parse_conditional_branches(
        &mut self,
        test: Expression<'a>,
        start: u32,
    ) -> PResult<Expression<'a>> {
        if matches!(test, Expression::Arrow(_)) {
            return Err(self.unexpected());
        }
        self.check_cover()?;
        self.advance()?;
        let consequent = self.with_in(|p| p.parse_assignment_expression())?;
        self.expect(Kind::Colon)?;
        let alternate = self.parse_assignment_expression()?;
        Ok(Expression::Conditional(self.alloc(ConditionalExpression {
            span: self.span_from(start),
            test,
            consequent,
            alternate,
        })))
    }

    fn parse_binary(&mut self, min: u8) -> PResult<Expression<'a>> {
        // `**` recurses for its right operand: count it like any other nesting.
        self.enter()?;
        let result = self.parse_binary_inner(min);
        self.leave();
        result
    }

    fn parse_binary_inner(&mut self, min: u8) -> PResult<Expression<'a>> {
        let start = self.start();
        let left = if self.at(Kind::PrivateName) {
            // `#x in obj` (ECMA-262 13.10 RelationalExpression : PrivateIdentifier in ShiftExpression).
            let t = self.token();
            self.advance()?;
            if !self.at(Kind::In) || !self.ctx.allow_in || min > IN_PRECEDENCE {
                return self.error("Unexpected private name", t.span);
            }
            let name = self.alloc(PrivateName {
                span: t.span,
                name: self.name_of(t).get(1..).unwrap_or(""),
            });
            self.use_private_name(name);
            self.advance()?;
            let right = self.parse_binary(IN_PRECEDENCE + 1)?;
            Expression::PrivateIn(self.alloc(PrivateInExpression {
                span: self.span_from(start),
                name,
                right,
            }))
        } else {
            self.parse_unary()?
        };
        self.parse_binary_rest(left, start, min)
    }

    /// Binary operators of at least `min` precedence after `left`. The check for one is inlined:
    /// most operands are followed by none, and then no call is made.
    #[inline]
    fn parse_binary_rest(
        &mut self,
        left: Expression<'a>,
        start: u32,
        min: u8,
    ) -> PResult<Expression<'a>> {
        let precedence = binary_precedence(self.kind(), self.ctx.allow_in);
        if precedence != 0 && precedence >= min {
            self.parse_binary_operators(left, start, min)
        } else {
            Ok(left)
        }
    }

    fn parse_binary_operators(
        &mut self,
        mut left: Expression<'a>,
        start: u32,
        min: u8,
    ) -> PResult<Expression<'a>> {
        loop {
            let precedence = binary_precedence(self.kind(), self.ctx.allow_in);
            if precedence == 0 || precedence < min {
                break;
            }
            let Some((_, op)) = binary_operator(self.kind(), self.ctx.allow_in) else {
                break;
            };
            if matches!(left, Expression::Arrow(_)) {
                return Err(self.unexpected());
            }
            self.check_cover()?;
            let operator_span = self.token().span;
            if precedence == EXPONENT_PRECEDENCE
                && matches!(left, Expression::Unary(_) | Expression::Await(_))
            {
                return self.error(
                    "Unary operator used immediately before exponentiation expression; parentheses are required",
                    operator_span,
                );
            }
            self.advance()?;
            // `**` is right-associative.
            let next_min = if precedence == EXPONENT_PRECEDENCE {
                precedence
            } else {
                precedence + 1
            };
            let right = self.parse_binary(next_min)?;
            let span = self.span_from(start);
            left = match op {
                BinaryOp::Binary(operator) => Expression::Binary(self.alloc(BinaryExpression {
                    span,
                    operator,
                    operator_span,
                    left,
                    right,
                })),
                BinaryOp::Logical(operator) => {
                    let mixes = |e: &Expression<'a>, with_coalesce: bool| match e {
                        Expression::Logical(l) => {
                            (l.operator == LogicalOperator::Coalesce) != with_coalesce
                        }
                        _ => false,
                    };
                    let coalesce = operator == LogicalOperator::Coalesce;
                    if mixes(&left, coalesce) || mixes(&right, coalesce) {
                        return self.error(
                            "Cannot mix '??' with '&&' or '||' without parentheses",
                            operator_span,
                        );
                    }
                    Expression::Logical(self.alloc(LogicalExpression {
                        span,
                        operator,
                        left,
                        right,
                    }))
                }
            };
        }
        Ok(left)
    }

    fn parse_unary(&mut self) -> PResult<Expression<'a>> {
        self.enter()?;
        let result = self.parse_unary_inner();
        self.leave();
        result
    }

    fn parse_unary_inner(&mut self) -> PResult<Expression<'a>> {
        let start = self.start();
        let operator = match self.kind() {
            Kind::Minus => UnaryOperator::Minus,
            Kind::Plus => UnaryOperator::Plus,
            Kind::Bang => UnaryOperator::Not,
            Kind::Tilde => UnaryOperator::BitNot,
            Kind::Typeof => UnaryOperator::Typeof,
            Kind::Void => UnaryOperator::Void,
            Kind::Delete => UnaryOperator::Delete,
            Kind::PlusPlus | Kind::MinusMinus => {
                let operator = if self.at(Kind::PlusPlus) {
                    UpdateOperator::Increment
                } else {
                    UpdateOperator::Decrement
                };
                self.advance()?;
                let operand = self.parse_unary()?;
                let argument = self.simple_target_from(operand)?;
                return Ok(Expression::Update(self.alloc(UpdateExpression {
                    span: self.span_from(start),
                    operator,
                    prefix: true,
                    argument,
                })));
            }
            Kind::Await if self.await_is_operator() => {
                if self.ctx.in_class_static_block {
                    return self.error(
                        "'await' is not allowed in a class static block",
                        self.token().span,
                    );
                }
                if self.ctx.in_parameters {
                    return self.error(
                        "Illegal await-expression in formal parameters",
                        self.token().span,
                    );
                }
                self.advance()?;
                let argument = self.parse_unary()?;
                let span = self.span_from(start);
                self.last_yield_or_await = Some(span);
                return Ok(Expression::Await(
                    self.alloc(AwaitExpression { span, argument }),
                ));
            }
            _ => {
                let lhs = self.parse_lhs()?;
                return self.parse_postfix_tail(lhs, start);
            }
        };
        self.advance()?;
        let argument = self.parse_unary()?;
        if operator == UnaryOperator::Delete {
            let mut inner = argument;
            while let Expression::Parenthesized(p) = inner {
                inner = p.expression;
            }
            match inner {
                Expression::Identifier(_) if self.ctx.strict => {
                    return self.error(
                        "Delete of an unqualified identifier in strict mode",
                        argument.span(),
                    );
                }
                Expression::Member(m) if matches!(m.property, MemberProperty::Private(_)) => {
                    return self.error("Private fields can not be deleted", argument.span());
                }
                Expression::OptionalChain(c) => {
                    if let Expression::Member(m) = c.expression
                        && matches!(m.property, MemberProperty::Private(_))
                    {
                        return self.error("Private fields can not be deleted", argument.span());
                    }
                }
                _ => {}
            }
        }
        Ok(Expression::Unary(self.alloc(UnaryExpression {
            span: self.span_from(start),
            operator,
            argument,
        })))
    }

    /// `await` is the AwaitExpression operator in async functions and at a module's top level.
    fn await_is_operator(&self) -> bool {
        (self.ctx.is_async || self.ctx.in_class_static_block) && !self.token().escaped()
    }

    /// A postfix `++` or `--` after `lhs`, if there is one. The check is inlined: most operands
    /// have none, and then no call is made (with `#[inline]` alone it stayed a call, 214k of
    /// them on typescript.js).
    #[inline(always)]
    fn parse_postfix_tail(&mut self, lhs: Expression<'a>, start: u32) -> PResult<Expression<'a>> {
        if matches!(self.kind(), Kind::PlusPlus | Kind::MinusMinus)
            && !self.token().newline_before()
        {
            return self.parse_postfix_update(lhs, start);
        }
        Ok(lhs)
    }

    fn parse_postfix_update(&mut self, lhs: Expression<'a>, start: u32) -> PResult<Expression<'a>> {
        if matches!(lhs, Expression::Arrow(_)) {
            return Err(self.unexpected());
        }
        let operator = if self.at(Kind::PlusPlus) {
            UpdateOperator::Increment
        } else {
            UpdateOperator::Decrement
        };
        let argument = self.simple_target_from(lhs)?;
        self.advance()?;
        Ok(Expression::Update(self.alloc(UpdateExpression {
            span: self.span_from(start),
            operator,
            prefix: false,
            argument,
        })))
    }

    /// LeftHandSideExpression: `new`, calls, member accesses, optional chains, tagged templates.
    fn parse_lhs(&mut self) -> PResult<Expression<'a>> {
        let start = self.start();
        let primary = match self.kind() {
            Kind::New => self.parse_new()?,
            Kind::Super => self.parse_super()?,
            Kind::Import => self.parse_import_expression()?,
            _ => self.parse_primary()?,
        };
        if matches!(primary, Expression::Arrow(_)) {
            return Ok(primary);
        }
        self.parse_call_tail(primary, start, true)
    }

    /// Member accesses, calls (when `allow_call`), optional chains and tagged templates after `expr`.
    /// The check for a first member access, call or template is inlined: most primaries have
    /// none, and then no call is made.
    #[inline]
    pub(crate) fn parse_call_tail(
        &mut self,
        expr: Expression<'a>,
        start: u32,
        allow_call: bool,
    ) -> PResult<Expression<'a>> {
        match self.kind() {
            Kind::Dot
            | Kind::QuestionDot
            | Kind::LBracket
            | Kind::Template
            | Kind::TemplateHead
            | Kind::LParen => self.parse_call_chain(expr, start, allow_call),
            _ => Ok(expr),
        }
    }

    fn parse_call_chain(
        &mut self,
        mut expr: Expression<'a>,
        start: u32,
        allow_call: bool,
    ) -> PResult<Expression<'a>> {
        let mut in_chain = false;
        loop {
            match self.kind() {
                Kind::Dot => {
                    self.advance()?;
                    let property = self.parse_member_name()?;
                    expr = self.member(expr, start, property, false);
                }
                Kind::QuestionDot => {
                    if !allow_call {
                        return self.error(
                            "Invalid optional chain from new expression",
                            self.token().span,
                        );
                    }
                    self.advance()?;
                    in_chain = true;
                    match self.kind() {
                        Kind::LParen => {
                            let arguments = self.parse_arguments()?;
                            expr = Expression::Call(self.alloc(CallExpression {
                                span: self.span_from(start),
                                callee: expr,
                                arguments,
                                optional: true,
                            }));
                        }
                        Kind::LBracket => {
                            self.advance()?;
                            let property = self.parse_bracketed_expression()?;
                            expr =
                                self.member(expr, start, MemberProperty::Computed(property), true);
                        }
                        Kind::Template | Kind::TemplateHead => {
                            return self.error(
                                "Invalid tagged template on optional chain",
                                self.token().span,
                            );
                        }
                        _ => {
                            let property = self.parse_member_name()?;
                            expr = self.member(expr, start, property, true);
                        }
                    }
                }
                Kind::LBracket => {
                    self.advance()?;
                    let property = self.parse_bracketed_expression()?;
                    expr = self.member(expr, start, MemberProperty::Computed(property), false);
                }
                Kind::Template | Kind::TemplateHead => {
                    if in_chain {
                        return self.error(
                            "Invalid tagged template on optional chain",
                            self.token().span,
                        );
                    }
                    let quasi = self.parse_template(true)?;
                    expr = Expression::TaggedTemplate(self.alloc(TaggedTemplate {
                        span: self.span_from(start),
                        tag: expr,
                        quasi,
                    }));
                }
                Kind::LParen if allow_call => {
                    let arguments = self.parse_arguments()?;
                    expr = Expression::Call(self.alloc(CallExpression {
                        span: self.span_from(start),
                        callee: expr,
                        arguments,
                        optional: false,
                    }));
                }
                _ => break,
            }
        }
        if in_chain {
            expr = Expression::OptionalChain(self.alloc(OptionalChain {
                span: self.span_from(start),
                expression: expr,
            }));
        }
        Ok(expr)
    }

    fn member(
        &self,
        object: Expression<'a>,
        start: u32,
        property: MemberProperty<'a>,
        optional: bool,
    ) -> Expression<'a> {
        Expression::Member(self.alloc(MemberExpression {
            span: self.span_from(start),
            object,
            property,
            optional,
        }))
    }

    /// `[expression]` after the `[`, with `in` allowed.
    fn parse_bracketed_expression(&mut self) -> PResult<Expression<'a>> {
        let e = self.with_in(|p| p.parse_expression())?;
        self.expect(Kind::RBracket)?;
        Ok(e)
    }

    /// The name after `.` or `?.`: an IdentifierName or a private name.
    pub(crate) fn parse_member_name(&mut self) -> PResult<MemberProperty<'a>> {
        if self.at(Kind::PrivateName) {
            let t = self.token();
            self.advance()?;
            let name = self.alloc(PrivateName {
                span: t.span,
                name: self.name_of(t).get(1..).unwrap_or(""),
            });
            self.use_private_name(name);
            return Ok(MemberProperty::Private(name));
        }
        let t = self.token();
        if t.kind == Kind::Identifier {
            // The commonest member name, without the call.
            return Ok(MemberProperty::Static(self.take_name(t)?));
        }
        Ok(MemberProperty::Static(self.parse_identifier_name()?))
    }

    pub(crate) fn parse_arguments(&mut self) -> PResult<&'a [Argument<'a>]> {
        self.expect(Kind::LParen)?;
        self.with_in(|p| {
            let mut arguments = p.vec();
            while !p.at(Kind::RParen) {
                let start = p.start();
                if p.eat(Kind::Ellipsis)? {
                    let argument = p.parse_assignment_expression()?;
                    let span = p.span_from(start);
                    arguments.push(Argument::Spread(p.alloc(SpreadElement { span, argument })));
                } else {
                    arguments.push(Argument::Expression(p.parse_assignment_expression()?));
                }
                if !p.at(Kind::RParen) {
                    p.expect(Kind::Comma)?;
                }
            }
            p.advance()?;
            Ok(arguments.to_bump_slice())
        })
    }

    fn parse_new(&mut self) -> PResult<Expression<'a>> {
        let start = self.start();
        self.enter()?;
        self.advance()?; // new
        if self.at(Kind::Dot) {
            self.advance()?;
            if !self.at(Kind::Target) || self.token().escaped() {
                self.leave();
                return Err(self.unexpected());
            }
            if !self.ctx.new_target {
                self.leave();
                return self.error(
                    "new.target expression is not allowed here",
                    self.span_from(start).to(self.token().span),
                );
            }
            self.advance()?;
            self.leave();
            return Ok(Expression::NewTarget(self.span_from(start)));
        }
        let callee_start = self.start();
        let callee = match self.kind() {
            Kind::New => self.parse_new(),
            Kind::Super => self.parse_super(),
            Kind::Import => {
                let t = self.token();
                let e = self.parse_import_expression();
                if matches!(e, Ok(Expression::ImportCall(_))) {
                    self.leave();
                    return self.error("Cannot use new with import", t.span);
                }
                e
            }
            _ => self.parse_primary(),
        };
        let callee = match callee {
            Ok(c) => c,
            Err(e) => {
                self.leave();
                return Err(e);
            }
        };
        if matches!(callee, Expression::Arrow(_)) {
            self.leave();
            return Err(self.unexpected());
        }
        let callee = self.parse_call_tail(callee, callee_start, false);
        self.leave();
        let callee = callee?;
        let arguments = if self.at(Kind::LParen) {
            self.parse_arguments()?
        } else {
            &[]
        };
        Ok(Expression::New(self.alloc(NewExpression {
            span: self.span_from(start),
            callee,
            arguments,
        })))
    }

    fn parse_super(&mut self) -> PResult<Expression<'a>> {
        let t = self.token();
        self.advance()?;
        match self.kind() {
            Kind::LParen => {
                if !self.ctx.super_call {
                    return self.error("'super' keyword unexpected here", t.span);
                }
            }
            Kind::Dot | Kind::LBracket => {
                if !self.ctx.super_property {
                    return self.error("'super' keyword unexpected here", t.span);
                }
                if self.at(Kind::Dot) && self.peek()?.kind == Kind::PrivateName {
                    return self.error("Unexpected private name after super", t.span);
                }
            }
            _ => return self.error("'super' keyword unexpected here", t.span),
        }
        Ok(Expression::Super(t.span))
    }

    /// `import(...)`, `import.meta`, `import.source(...)`, `import.defer(...)`.
    fn parse_import_expression(&mut self) -> PResult<Expression<'a>> {
        let start = self.start();
        let t = self.token();
        self.advance()?;
        let mut phase = ImportPhase::Evaluation;
        if self.eat(Kind::Dot)? {
            match self.kind() {
                Kind::Meta if !self.token().escaped() => {
                    if !self.ctx.module {
                        return self.error(
                            "Cannot use 'import.meta' outside a module",
                            self.span_from(start).to(self.token().span),
                        );
                    }
                    self.advance()?;
                    return Ok(Expression::ImportMeta(self.span_from(start)));
                }
                Kind::Source if !self.token().escaped() => phase = ImportPhase::Source,
                Kind::Defer if !self.token().escaped() => phase = ImportPhase::Defer,
                _ => return Err(self.unexpected()),
            }
            self.advance()?;
            if !self.at(Kind::LParen) {
                return Err(self.unexpected());
            }
        }
        if !self.at(Kind::LParen) {
            return self.error("Cannot use import statement outside a module", t.span);
        }
        self.advance()?;
        let (source, options) = self.with_in(|p| {
            if p.at(Kind::Ellipsis) || p.at(Kind::RParen) {
                return Err(p.unexpected());
            }
            let source = p.parse_assignment_expression()?;
            let mut options = None;
            // Only plain `import(x, options)` takes options; the phase forms take one argument.
            if p.eat(Kind::Comma)? && !p.at(Kind::RParen) {
                if phase != ImportPhase::Evaluation || p.at(Kind::Ellipsis) {
                    return Err(p.unexpected());
                }
                options = Some(p.parse_assignment_expression()?);
                p.eat(Kind::Comma)?;
            }
            p.expect(Kind::RParen)?;
            Ok((source, options))
        })?;
        Ok(Expression::ImportCall(self.alloc(ImportCall {
            span: self.span_from(start),
            phase,
            source,
            options,
        })))
    }

    /// Whether `import` at the current token starts an expression (`import(`, `import.`), not a
    /// declaration.
    pub(crate) fn at_import_call_or_meta(&self) -> PResult<bool> {
        let next = self.peek()?;
        Ok(matches!(next.kind, Kind::LParen | Kind::Dot))
    }

    fn parse_primary(&mut self) -> PResult<Expression<'a>> {
        let start = self.start();
        let t = self.token();
        Ok(match t.kind {
            Kind::This => {
                self.advance()?;
                Expression::This(t.span)
            }
            Kind::Null => {
                self.advance()?;
                Expression::Null(t.span)
            }
            Kind::True | Kind::False => {
                if t.escaped() {
                    return Err(self.unexpected());
                }
                self.advance()?;
                Expression::Boolean(self.alloc(BooleanLiteral {
                    span: t.span,
                    value: t.kind == Kind::True,
                }))
            }
            Kind::Number => Expression::Number(self.number_literal()?),
            Kind::BigInt => Expression::BigInt(self.bigint_literal()?),
            Kind::String => Expression::String(self.string_literal()?),
            Kind::Template | Kind::TemplateHead => {
                Expression::Template(self.parse_template(false)?)
            }
            Kind::Slash | Kind::SlashEq => {
                self.rescan_regexp()?;
                let t = self.token();
                self.advance()?;
                let text = self.text(t);
                let close = text.rfind('/').unwrap_or(0);
                let pattern = text.get(1..close).unwrap_or("");
                let flags = text.get(close + 1..).unwrap_or("");
                if let Err(message) = crate::regexp::validate_regexp(pattern, flags) {
                    return self.error(message, t.span);
                }
                Expression::RegExp(self.alloc(RegExpLiteral {
                    span: t.span,
                    pattern,
                    flags,
                }))
            }
            Kind::LBracket => self.parse_array_literal()?,
            Kind::LBrace => self.parse_object_literal()?,
            Kind::LParen => self.parse_parenthesized_or_arrow(false)?,
            Kind::Function => Expression::Function(self.parse_function_expression(start, false)?),
            Kind::Async if self.at_async_function()? => {
                self.advance()?;
                Expression::Function(self.parse_function_expression(start, true)?)
            }
            Kind::Class | Kind::At => Expression::Class(self.parse_class(false)?),
            Kind::New => self.parse_new()?,
            Kind::PrivateName => return self.error("Unexpected private name", t.span),
            _ => {
                // A plain name, the commonest primary, without the call and the checks
                // `parse_identifier` makes for keywords.
                let id = if t.kind == Kind::Identifier {
                    self.take_name(t)?
                } else {
                    self.parse_identifier()?
                };
                if self.ctx.in_class_field && id.name == "arguments" {
                    return self.error("'arguments' is not allowed in class field initializer or static initialization block", id.span);
                }
                Expression::Identifier(self.alloc(id))
            }
        })
    }

    /// A template literal; `tagged` allows invalid escapes (their cooked value is undefined).
    pub(crate) fn parse_template(&mut self, tagged: bool) -> PResult<&'a TemplateLiteral<'a>> {
        let start = self.start();
        let mut quasis = self.vec();
        let mut expressions = self.vec();
        loop {
            let t = self.token();
            if !tagged && t.invalid_escape() {
                return self.error("Invalid escape sequence in template", t.span);
            }
            quasis.push(self.template_element(t));
            let done = matches!(t.kind, Kind::Template | Kind::TemplateTail);
            self.advance()?;
            if done {
                break;
            }
            expressions.push(self.with_in(|p| p.parse_expression())?);
            if !self.at(Kind::RBrace) {
                return Err(self.unexpected());
            }
            self.rescan_template()?;
        }
        Ok(self.alloc(TemplateLiteral {
            span: self.span_from(start),
            quasis: quasis.to_bump_slice(),
            expressions: expressions.to_bump_slice(),
        }))
    }

    fn parse_array_literal(&mut self) -> PResult<Expression<'a>> {
        let start = self.start();
        self.advance()?;
        let elements = self.with_in(|p| {
            let mut elements = p.vec();
            while !p.at(Kind::RBracket) {
                let el_start = p.start();
                if p.eat(Kind::Comma)? {
                    elements.push(ArrayElement::Hole(p.span_from(el_start)));
                    continue;
                }
                if p.eat(Kind::Ellipsis)? {
                    let argument = p.parse_assignment_cover()?;
                    let span = p.span_from(el_start);
                    elements.push(ArrayElement::Spread(
                        p.alloc(SpreadElement { span, argument }),
                    ));
                    if p.at(Kind::Comma) {
                        p.spread_with_trailing_comma.insert(el_start);
                    }
                } else {
                    elements.push(ArrayElement::Expression(p.parse_assignment_cover()?));
                }
                if !p.at(Kind::RBracket) {
                    p.expect(Kind::Comma)?;
                }
            }
            p.advance()?;
            Ok(elements.to_bump_slice())
        })?;
        Ok(Expression::Array(self.alloc(ArrayExpression {
            span: self.span_from(start),
            elements,
        })))
    }

    fn parse_object_literal(&mut self) -> PResult<Expression<'a>> {
        let start = self.start();
        self.advance()?;
        let members = self.with_in(|p| {
            let mut members = p.vec();
            let mut proto_count = 0;
            while !p.at(Kind::RBrace) {
                let member = p.parse_object_member(&mut proto_count)?;
                members.push(member);
                if !p.at(Kind::RBrace) {
                    p.expect(Kind::Comma)?;
                    // `{...rest,}` is a fine object literal but not a valid pattern.
                    if let ObjectMember::Spread(spread) = member {
                        p.spread_with_trailing_comma.insert(spread.span.start);
                    }
                }
            }
            p.advance()?;
            Ok(members.to_bump_slice())
        })?;
        Ok(Expression::Object(self.alloc(ObjectExpression {
            span: self.span_from(start),
            members,
        })))
    }

    fn parse_object_member(&mut self, proto_count: &mut u32) -> PResult<ObjectMember<'a>> {
        let start = self.start();
        if self.eat(Kind::Ellipsis)? {
            let argument = self.parse_assignment_cover()?;
            return Ok(ObjectMember::Spread(self.alloc(SpreadElement {
                span: self.span_from(start),
                argument,
            })));
        }
        let (is_async, is_generator, accessor) = self.parse_method_modifiers()?;
        let key_token = self.token();
        let key = self.parse_property_key(false)?;
        if is_async || is_generator || accessor.is_some() || self.at(Kind::LParen) {
            let kind = match accessor {
                Some(MethodKind::Get) => PropertyKind::Get,
                Some(MethodKind::Set) => PropertyKind::Set,
                _ => PropertyKind::Init,
            };
            let method_kind = accessor.unwrap_or(MethodKind::Method);
            let value = self.parse_method(start, method_kind, is_async, is_generator, false)?;
            return Ok(ObjectMember::Property(self.alloc(Property {
                span: self.span_from(start),
                key,
                value: Expression::Function(value),
                kind,
                method: accessor.is_none(),
                shorthand: false,
            })));
        }
        if self.eat(Kind::Colon)? {
            let is_proto = match key {
                PropertyKey::Identifier(id) => id.name == "__proto__",
                PropertyKey::String(s) => {
                    s.value == "__proto__".encode_utf16().collect::<Vec<_>>().as_slice()
                }
                _ => false,
            };
            if is_proto {
                *proto_count += 1;
                if *proto_count == 2 && self.cover_error.is_none() {
                    self.cover_error = Some(Box::new(Diagnostic::new(
                        "Duplicate __proto__ fields are not allowed in object literals",
                        key_token.span,
                    )));
                }
            }
            let value = self.parse_assignment_cover()?;
            return Ok(ObjectMember::Property(self.alloc(Property {
                span: self.span_from(start),
                key,
                value,
                kind: PropertyKind::Init,
                method: false,
                shorthand: false,
            })));
        }
        // Shorthand `{ x }` or CoverInitializedName `{ x = 1 }`.
        let PropertyKey::Identifier(id) = key else {
            return Err(self.unexpected());
        };
        match self.identifier_error(key_token) {
            None => {}
            Some(message) if !message.is_empty() => return self.error(message, key_token.span),
            Some(_) => {
                return self.error(format!("Unexpected token '{}'", id.name), key_token.span);
            }
        }
        if key_token.kind == Kind::Await {
            self.last_await_identifier = Some(key_token.span);
        }
        if self.ctx.in_class_field && id.name == "arguments" {
            return self.error("'arguments' is not allowed in class field initializer or static initialization block", id.span);
        }
        let reference = Expression::Identifier(id);
        let value = if self.at(Kind::Eq) {
            let eq = self.token().span;
            self.advance()?;
            let default = self.parse_assignment_expression()?;
            if self.cover_error.is_none() {
                self.cover_error = Some(Box::new(Diagnostic::new(
                    "Invalid shorthand property initializer",
                    eq,
                )));
            }
            let target = Pattern::Identifier(id);
            Expression::Assignment(self.alloc(AssignmentExpression {
                span: self.span_from(start),
                operator: AssignmentOperator::Assign,
                operator_span: eq,
                target,
                value: default,
            }))
        } else {
            reference
        };
        Ok(ObjectMember::Property(self.alloc(Property {
            span: self.span_from(start),
            key,
            value,
            kind: PropertyKind::Init,
            method: false,
            shorthand: true,
        })))
    }

    /// `async`, `*`, `get`, `set` before a method name, when they are modifiers and not the name.
    pub(crate) fn parse_method_modifiers(&mut self) -> PResult<(bool, bool, Option<MethodKind>)> {
        let mut is_async = false;
        let mut accessor = None;
        if self.at(Kind::Async) || self.at(Kind::Get) || self.at(Kind::Set) {
            let next = self.peek()?;
            let at_async = self.at(Kind::Async);
            // `get`/`set` can't precede `*`: `get\n*g(){}` is a field named `get`, then a generator.
            let ends_name = matches!(
                next.kind,
                Kind::LParen
                    | Kind::Comma
                    | Kind::RBrace
                    | Kind::Colon
                    | Kind::Eq
                    | Kind::Semicolon
            ) || (next.kind == Kind::Star && !at_async);
            let is_modifier = !(ends_name || (at_async && next.newline_before()));
            if is_modifier {
                if self.token().escaped() {
                    return Err(self.unexpected());
                }
                match self.kind() {
                    Kind::Async => is_async = true,
                    Kind::Get => accessor = Some(MethodKind::Get),
                    _ => accessor = Some(MethodKind::Set),
                }
                self.advance()?;
            }
        }
        let is_generator = accessor.is_none() && self.eat(Kind::Star)?;
        Ok((is_async, is_generator, accessor))
    }

    /// A property name: identifier name, string, number, `[computed]`, or (in classes) `#private`.
    pub(crate) fn parse_property_key(&mut self, allow_private: bool) -> PResult<PropertyKey<'a>> {
        let t = self.token();
        Ok(match t.kind {
            Kind::String => PropertyKey::String(self.string_literal()?),
            Kind::Number => PropertyKey::Number(self.number_literal()?),
            Kind::BigInt => PropertyKey::BigInt(self.bigint_literal()?),
            Kind::LBracket => {
                self.advance()?;
                PropertyKey::Computed(self.parse_bracketed_expression()?)
            }
            Kind::PrivateName if allow_private => {
                self.advance()?;
                PropertyKey::Private(self.alloc(PrivateName {
                    span: t.span,
                    name: self.name_of(t).get(1..).unwrap_or(""),
                }))
            }
            k if k.is_identifier_name() => {
                let id = self.parse_identifier_name()?;
                PropertyKey::Identifier(self.alloc(id))
            }
            _ => return Err(self.unexpected()),
        })
    }

    /// `(...)`: a parenthesized expression, or the parameters of an arrow function when `=>`
    /// follows and `allow_arrow`.
    pub(crate) fn parse_parenthesized_or_arrow(
        &mut self,
        allow_arrow: bool,
    ) -> PResult<Expression<'a>> {
        let start = self.start();
        self.advance()?; // (
        let saved_cover = self.cover_error.take();
        let saved_yield = self.last_yield_or_await.take();
        let saved_await_id = self.last_await_identifier.take();
        let (items, rest, trailing_comma) = self.with_in(|p| p.parse_parenthesized_items())?;
        let yield_in_params = self.last_yield_or_await;
        let await_id_in_params = self.last_await_identifier;
        self.last_yield_or_await = saved_yield.or(yield_in_params);
        self.last_await_identifier = saved_await_id.or(await_id_in_params);
        if self.at(Kind::Arrow) && !self.token().newline_before() {
            if !allow_arrow {
                return Err(self.unexpected());
            }
            if let Some(span) = yield_in_params {
                return self.error(
                    "Yield or await expression not allowed in arrow parameters",
                    span,
                );
            }
            if self.ctx.is_async
                && let Some(span) = await_id_in_params
            {
                return self.error("'await' is not a valid identifier here", span);
            }
            self.cover_error = saved_cover;
            let params = self.arrow_parameters_from(start, &items, rest)?;
            return self.parse_arrow_body(start, params, false);
        }
        if let Some(e) = self.cover_error.take() {
            return Err(e);
        }
        self.cover_error = saved_cover;
        if items.is_empty() || rest.is_some() || trailing_comma {
            return Err(self.unexpected());
        }
        let expression = if items.len() == 1 {
            items[0]
        } else {
            let first = items[0].span();
            let last = items[items.len() - 1].span();
            Expression::Sequence(self.alloc(SequenceExpression {
                span: first.to(last),
                expressions: self.arena.alloc_slice_copy(&items),
            }))
        };
        Ok(Expression::Parenthesized(self.alloc(
            ParenthesizedExpression {
                span: self.span_from(start),
                expression,
            },
        )))
    }

    /// The items between `(` and `)`, the `...rest` if any, and whether a comma ended the list.
    #[allow(clippy::type_complexity)]
    fn parse_parenthesized_items(
        &mut self,
    ) -> PResult<(
        SmallVec<[Expression<'a>; 4]>,
        Option<(Pattern<'a>, Span)>,
        bool,
    )> {
        let mut items = SmallVec::new();
        let mut rest = None;
        let mut trailing_comma = false;
        while !self.at(Kind::RParen) {
            if self.at(Kind::Ellipsis) {
                let start = self.start();
                self.advance()?;
                let target = self.parse_binding_target()?;
                rest = Some((target, self.span_from(start)));
                if !self.at(Kind::RParen) {
                    return self.error(
                        "Rest parameter must be last formal parameter",
                        self.token().span,
                    );
                }
                break;
            }
            let item = self.parse_assignment_cover()?;
            if let Some(e) = &self.cover_error
                && !matches!(
                    item,
                    Expression::Object(_) | Expression::Array(_) | Expression::Assignment(_)
                )
            {
                return Err(e.clone());
            }
            items.push(item);
            trailing_comma = false;
            if !self.at(Kind::RParen) {
                self.expect(Kind::Comma)?;
                trailing_comma = true;
            }
        }
        self.advance()?; // )
        Ok((items, rest, trailing_comma))
    }

    /// `async` at the start of an AssignmentExpression: `async x => ...`, `async (...) => ...`,
    /// or a call of something named `async`. Returns `None` when `async` is just an identifier
    /// to be parsed the ordinary way.
    fn try_parse_async_arrow_or_call(&mut self) -> PResult<Option<Expression<'a>>> {
        let start = self.start();
        let async_token = self.token();
        let next = self.peek()?;
        if next.newline_before() {
            return Ok(None);
        }
        match next.kind {
            Kind::Function => Ok(None),
            Kind::LParen => {
                self.advance()?; // async
                let saved_yield = self.last_yield_or_await.take();
                let saved_await_id = self.last_await_identifier.take();
                let saved_cover = self.cover_error.take();
                self.advance()?; // (
                let (items, rest, _trailing_comma) = self.with_in(|p| p.parse_async_arguments())?;
                let yield_in = self.last_yield_or_await;
                let await_id = self.last_await_identifier;
                self.last_yield_or_await = saved_yield.or(yield_in);
                self.last_await_identifier = saved_await_id.or(await_id);
                if self.at(Kind::Arrow) && !self.token().newline_before() {
                    if let Some(span) = yield_in {
                        return self.error(
                            "Yield or await expression not allowed in arrow parameters",
                            span,
                        );
                    }
                    if let Some(span) = await_id {
                        return self.error(
                            "'await' is not a valid identifier in async arrow parameters",
                            span,
                        );
                    }
                    self.cover_error = saved_cover;
                    let mut plain = Vec::with_capacity(items.len());
                    for item in &items {
                        match item {
                            Argument::Expression(e) => plain.push(*e),
                            Argument::Spread(_) => return Err(self.unexpected()),
                        }
                    }
                    let params = self.arrow_parameters_from(start, &plain, rest)?;
                    return Ok(Some(self.parse_arrow_body(start, params, true)?));
                }
                if let Some(e) = self.cover_error.take() {
                    return Err(e);
                }
                self.cover_error = saved_cover;
                if rest.is_some() {
                    return Err(self.unexpected());
                }
                let callee = Expression::Identifier(self.alloc(Identifier {
                    span: async_token.span,
                    name: self.name_of(async_token),
                }));
                let call = Expression::Call(self.alloc(CallExpression {
                    span: self.span_from(start),
                    callee,
                    arguments: self.arena.alloc_slice_copy(&items),
                    optional: false,
                }));
                Ok(Some(self.continue_from_primary(call, start)?))
            }
            k if k == Kind::Identifier
                || (k.is_keyword() && !k.is_reserved_word())
                || matches!(k, Kind::Yield | Kind::Await) =>
            {
                // `async x => ...`: needs the arrow after the identifier.
                let mut lexer = self.lexer_snapshot();
                let _name = lexer.next_token().map_err(Self::lex_error_pub)?;
                let arrow = lexer.next_token().map_err(Self::lex_error_pub)?;
                if arrow.kind != Kind::Arrow {
                    return Ok(None);
                }
                if arrow.newline_before() {
                    return self.error("Line terminator not permitted before arrow", arrow.span);
                }
                self.advance()?; // async
                let saved_async = self.ctx.is_async;
                self.ctx.is_async = true;
                let param = self.parse_binding_identifier();
                self.ctx.is_async = saved_async;
                let param = param?;
                Ok(Some(self.parse_arrow_from_identifier(start, param, true)?))
            }
            _ => Ok(None),
        }
    }

    /// The arguments of `async(...)`, which may become arrow parameters.
    #[allow(clippy::type_complexity)]
    fn parse_async_arguments(
        &mut self,
    ) -> PResult<(
        SmallVec<[Argument<'a>; 4]>,
        Option<(Pattern<'a>, Span)>,
        bool,
    )> {
        let mut items = SmallVec::new();
        let mut trailing_comma = false;
        while !self.at(Kind::RParen) {
            let start = self.start();
            if self.eat(Kind::Ellipsis)? {
                let argument = self.parse_assignment_cover()?;
                if self.at(Kind::RParen) && self.peek()?.kind == Kind::Arrow {
                    // A rest parameter of an async arrow.
                    let target = self.binding_pattern_from(argument)?;
                    self.advance()?;
                    return Ok((items, Some((target, self.span_from(start))), false));
                }
                items.push(Argument::Spread(self.alloc(SpreadElement {
                    span: self.span_from(start),
                    argument,
                })));
            } else {
                items.push(Argument::Expression(self.parse_assignment_cover()?));
            }
            trailing_comma = false;
            if !self.at(Kind::RParen) {
                self.expect(Kind::Comma)?;
                trailing_comma = true;
            }
        }
        self.advance()?;
        Ok((items, None, trailing_comma))
    }

    /// ClassHeritage: a LeftHandSideExpression.
    pub(crate) fn parse_heritage(&mut self) -> PResult<Expression<'a>> {
        self.enter()?;
        let e = self.parse_lhs();
        self.leave();
        e
    }

    // The lexer boxes its errors (its result is then two words where it is inlined).
    #[cold]
    #[allow(clippy::boxed_local)]
    pub(crate) fn lex_error_pub(e: Box<kiln_lexer::LexError>) -> Box<Diagnostic> {
        let kiln_lexer::LexError { message, span } = *e;
        Box::new(Diagnostic::new(message, span))
    }
}
