//! Binding patterns, and the cover grammars that turn expressions into patterns: destructuring
//! assignment (ECMA-262 13.15.5) and arrow parameters (15.3).

use super::{PResult, Parser};
use crate::ast::*;
use kiln_lexer::{Kind, Span};

impl<'a> Parser<'a> {
    /// A BindingIdentifier or BindingPattern (declarations, parameters, `catch`).
    pub(crate) fn parse_binding_target(&mut self) -> PResult<Pattern<'a>> {
        self.enter()?;
        let result = match self.kind() {
            Kind::LBracket => self.parse_array_binding_pattern(),
            Kind::LBrace => self.parse_object_binding_pattern(),
            _ => {
                let t = self.token();
                // A plain name, the commonest binding, without the call to `parse_identifier`.
                // Nor does it need `check_binding_name`: `eval`, `arguments` and the words
                // reserved in strict code each lex as a kind of their own unless escaped.
                if t.kind == Kind::Identifier && !t.escaped() {
                    let id = self.take_name(t)?;
                    Ok(Pattern::Identifier(self.alloc(id)))
                } else {
                    let id = self.parse_binding_identifier()?;
                    Ok(Pattern::Identifier(self.alloc(id)))
                }
            }
        };
        self.leave();
        result
    }

    /// A binding target with an optional `= default`.
    pub(crate) fn parse_binding_element(&mut self) -> PResult<Pattern<'a>> {
        let start = self.start();
        let target = self.parse_binding_target()?;
        if self.eat(Kind::Eq)? {
            let default = self.with_in(|p| p.parse_assignment_expression())?;
            return Ok(Pattern::Assign(self.alloc(AssignPattern {
                span: self.span_from(start),
                target,
                default,
            })));
        }
        Ok(target)
    }

    fn parse_array_binding_pattern(&mut self) -> PResult<Pattern<'a>> {
        let start = self.start();
        self.advance()?;
        let mut elements = self.vec();
        let mut rest = None;
        while !self.at(Kind::RBracket) {
            if self.eat(Kind::Comma)? {
                elements.push(None);
                continue;
            }
            if self.eat(Kind::Ellipsis)? {
                rest = Some(self.parse_binding_target()?);
                if !self.at(Kind::RBracket) {
                    return self.error("Rest element must be last element", self.token().span);
                }
                break;
            }
            elements.push(Some(self.parse_binding_element()?));
            if !self.at(Kind::RBracket) {
                self.expect(Kind::Comma)?;
            }
        }
        self.advance()?;
        Ok(Pattern::Array(self.alloc(ArrayPattern {
            span: self.span_from(start),
            elements: elements.to_bump_slice(),
            rest,
        })))
    }

    fn parse_object_binding_pattern(&mut self) -> PResult<Pattern<'a>> {
        let start = self.start();
        self.advance()?;
        let mut properties = self.vec();
        let mut rest = None;
        while !self.at(Kind::RBrace) {
            let p_start = self.start();
            if self.eat(Kind::Ellipsis)? {
                let id = self.parse_binding_identifier()?;
                rest = Some(Pattern::Identifier(self.alloc(id)));
                if !self.at(Kind::RBrace) {
                    return self.error("Rest element must be last element", self.token().span);
                }
                break;
            }
            let key_token = self.token();
            let key = self.parse_property_key(false)?;
            let (value, shorthand) = if self.eat(Kind::Colon)? {
                (self.parse_binding_element()?, false)
            } else {
                // Shorthand: the key must itself be a valid binding identifier.
                let PropertyKey::Identifier(id) = key else {
                    return Err(self.unexpected());
                };
                match self.identifier_error(key_token) {
                    None => {}
                    Some(message) if !message.is_empty() => {
                        return self.error(message, key_token.span);
                    }
                    Some(_) => {
                        return self
                            .error(format!("Unexpected token '{}'", id.name), key_token.span);
                    }
                }
                self.check_binding_name(id)?;
                let target = Pattern::Identifier(id);
                if self.eat(Kind::Eq)? {
                    let default = self.with_in(|p| p.parse_assignment_expression())?;
                    (
                        Pattern::Assign(self.alloc(AssignPattern {
                            span: self.span_from(p_start),
                            target,
                            default,
                        })),
                        true,
                    )
                } else {
                    (target, true)
                }
            };
            properties.push(PatternProperty {
                span: self.span_from(p_start),
                key,
                value,
                shorthand,
            });
            if !self.at(Kind::RBrace) {
                self.expect(Kind::Comma)?;
            }
        }
        self.advance()?;
        Ok(Pattern::Object(self.alloc(ObjectPattern {
            span: self.span_from(start),
            properties: properties.to_bump_slice(),
            rest,
        })))
    }

    /// A simple assignment target (`x`, `a.b`, `(x)`) for compound assignment and `++`/`--`.
    pub(crate) fn simple_target_from(&mut self, expr: Expression<'a>) -> PResult<Pattern<'a>> {
        match expr {
            Expression::Identifier(id) => {
                self.check_assigned_name(id)?;
                Ok(Pattern::Identifier(id))
            }
            Expression::Member(m) => Ok(Pattern::Member(m)),
            Expression::Call(c) if !self.ctx.strict => Ok(Pattern::Call(c)),
            Expression::Parenthesized(p) => self.simple_target_from(p.expression),
            _ => self.error("Invalid left-hand side in assignment", expr.span()),
        }
    }

    /// Strict code may not assign to `eval` or `arguments`.
    fn check_assigned_name(&self, id: &Identifier<'a>) -> PResult<()> {
        if self.ctx.strict && (id.name == "eval" || id.name == "arguments") {
            return self.error("Unexpected eval or arguments in strict mode", id.span);
        }
        Ok(())
    }

    /// The left side of `=` or of `for (... in/of`: a simple target or a destructuring pattern.
    /// With `binding`, the result must be a binding pattern (arrow parameters): no member
    /// expressions and no parentheses.
    pub(crate) fn assignment_target_from(
        &mut self,
        expr: Expression<'a>,
        binding: bool,
    ) -> PResult<Pattern<'a>> {
        self.enter()?;
        let result = self.target_from_inner(expr, binding);
        self.leave();
        result
    }

    fn target_from_inner(&mut self, expr: Expression<'a>, binding: bool) -> PResult<Pattern<'a>> {
        let invalid = |s: &Self| {
            s.error(
                if binding {
                    "Invalid destructuring target"
                } else {
                    "Invalid left-hand side in assignment"
                },
                expr.span(),
            )
        };
        match expr {
            Expression::Identifier(id) => {
                if binding {
                    self.check_binding_name(id)?;
                } else {
                    self.check_assigned_name(id)?;
                }
                Ok(Pattern::Identifier(id))
            }
            Expression::Member(m) if !binding => Ok(Pattern::Member(m)),
            Expression::Parenthesized(p) if !binding => match p.expression {
                Expression::Identifier(_)
                | Expression::Member(_)
                | Expression::Parenthesized(_) => self.simple_target_from(p.expression),
                _ => invalid(self),
            },
            Expression::Array(array) => {
                let mut elements = self.vec();
                let mut rest = None;
                for (i, element) in array.elements.iter().enumerate() {
                    match element {
                        ArrayElement::Hole(_) => elements.push(None),
                        ArrayElement::Expression(e) => {
                            elements.push(Some(self.target_element_from(*e, binding)?))
                        }
                        ArrayElement::Spread(s) => {
                            if i + 1 != array.elements.len()
                                || self.spread_with_trailing_comma.contains(&s.span.start)
                            {
                                return self.error("Rest element must be last element", s.span);
                            }
                            if matches!(s.argument, Expression::Assignment(_)) {
                                return self.error(
                                    "Rest element may not have a default initializer",
                                    s.argument.span(),
                                );
                            }
                            rest = Some(self.assignment_target_from(s.argument, binding)?);
                        }
                    }
                }
                Ok(Pattern::Array(self.alloc(ArrayPattern {
                    span: array.span,
                    elements: elements.to_bump_slice(),
                    rest,
                })))
            }
            Expression::Object(object) => {
                let mut properties = self.vec();
                let mut rest = None;
                for (i, member) in object.members.iter().enumerate() {
                    match member {
                        ObjectMember::Property(p) => {
                            if p.kind != PropertyKind::Init || p.method {
                                return self
                                    .error("Invalid destructuring assignment target", p.span);
                            }
                            let value = if p.shorthand {
                                match p.value {
                                    Expression::Identifier(id) => {
                                        if binding {
                                            self.check_binding_name(id)?;
                                        } else {
                                            self.check_assigned_name(id)?;
                                        }
                                        Pattern::Identifier(id)
                                    }
                                    Expression::Assignment(a) => {
                                        if let Pattern::Identifier(id) = a.target {
                                            if binding {
                                                self.check_binding_name(id)?;
                                            } else {
                                                self.check_assigned_name(id)?;
                                            }
                                        }
                                        Pattern::Assign(self.alloc(AssignPattern {
                                            span: a.span,
                                            target: a.target,
                                            default: a.value,
                                        }))
                                    }
                                    _ => return invalid(self),
                                }
                            } else {
                                self.target_element_from(p.value, binding)?
                            };
                            properties.push(PatternProperty {
                                span: p.span,
                                key: p.key,
                                value,
                                shorthand: p.shorthand,
                            });
                        }
                        ObjectMember::Spread(s) => {
                            if i + 1 != object.members.len()
                                || self.spread_with_trailing_comma.contains(&s.span.start)
                            {
                                return self.error("Rest element must be last element", s.span);
                            }
                            // The rest of an object pattern is a simple target, never a pattern.
                            let target = match s.argument {
                                Expression::Identifier(_) => self.assignment_target_from(s.argument, binding)?,
                                Expression::Member(_) if !binding => self.assignment_target_from(s.argument, binding)?,
                                Expression::Parenthesized(_) if !binding => self.simple_target_from(s.argument)?,
                                _ => return self.error("`...` must be followed by an assignable reference in assignment contexts", s.argument.span()),
                            };
                            rest = Some(target);
                        }
                    }
                }
                Ok(Pattern::Object(self.alloc(ObjectPattern {
                    span: object.span,
                    properties: properties.to_bump_slice(),
                    rest,
                })))
            }
            _ => invalid(self),
        }
    }

    /// An element of a destructuring pattern: a target with an optional `= default`.
    fn target_element_from(&mut self, expr: Expression<'a>, binding: bool) -> PResult<Pattern<'a>> {
        if let Expression::Assignment(a) = expr
            && a.operator == AssignmentOperator::Assign
        {
            // `[a = 1] = x`: the assignment was parsed with `a` already converted to a pattern.
            let target = if binding {
                self.rebind(a.target)?
            } else {
                a.target
            };
            return Ok(Pattern::Assign(self.alloc(AssignPattern {
                span: a.span,
                target,
                default: a.value,
            })));
        }
        self.assignment_target_from(expr, binding)
    }

    /// Re-checks an already converted assignment pattern as a binding pattern.
    fn rebind(&mut self, pattern: Pattern<'a>) -> PResult<Pattern<'a>> {
        let mut error = None;
        check_binding_pattern(&pattern, &mut |span| {
            if error.is_none() {
                error = Some(span);
            }
        });
        if let Some(span) = error {
            return self.error("Invalid destructuring target", span);
        }
        let mut bad = None;
        pattern.bound_names(&mut |id| {
            if bad.is_none() && self.check_binding_name(id).is_err() {
                bad = Some(id.span);
            }
        });
        if let Some(span) = bad {
            return self.error("Unexpected eval or arguments in strict mode", span);
        }
        Ok(pattern)
    }

    /// A binding pattern from an expression (the rest parameter of `async(...rest) =>`).
    pub(crate) fn binding_pattern_from(&mut self, expr: Expression<'a>) -> PResult<Pattern<'a>> {
        self.assignment_target_from(expr, true)
    }

    /// The parameters of an arrow function from the parenthesized items before `=>`.
    pub(crate) fn arrow_parameters_from(
        &mut self,
        start: u32,
        items: &[Expression<'a>],
        rest: Option<(Pattern<'a>, Span)>,
    ) -> PResult<&'a FormalParameters<'a>> {
        let mut params = self.vec();
        for item in items {
            let p = self.target_element_from(*item, true)?;
            params.push(p);
        }
        let rest_pattern = rest.map(|(p, _)| p);
        let is_simple =
            rest_pattern.is_none() && params.iter().all(|p| matches!(p, Pattern::Identifier(_)));
        let params = self.alloc(FormalParameters {
            span: self.span_from(start),
            items: params.to_bump_slice(),
            rest: rest_pattern,
            is_simple,
        });
        Ok(params)
    }
}

/// Reports spans in a pattern that a binding pattern may not hold (member expressions).
fn check_binding_pattern(pattern: &Pattern<'_>, report: &mut impl FnMut(Span)) {
    match pattern {
        Pattern::Identifier(_) => {}
        Pattern::Member(m) => report(m.span),
        Pattern::Call(c) => report(c.span),
        Pattern::Object(o) => {
            for p in o.properties {
                check_binding_pattern(&p.value, report);
            }
            if let Some(rest) = &o.rest {
                check_binding_pattern(rest, report);
            }
        }
        Pattern::Array(a) => {
            for p in a.elements.iter().flatten() {
                check_binding_pattern(p, report);
            }
            if let Some(rest) = &a.rest {
                check_binding_pattern(rest, report);
            }
        }
        Pattern::Assign(a) => check_binding_pattern(&a.target, report),
    }
}
