//! Functions, arrow functions, methods and classes (ECMA-262 15).

use super::{PResult, Parser};
use crate::ast::*;
use kiln_lexer::{Kind, Span};
use rustc_hash::FxHashMap;

/// What kind of function body is being parsed: decides `super`, `new.target` and duplicates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FunctionKind {
    Normal,
    /// Object literal or class methods, getters and setters.
    Method,
    ClassConstructor,
    DerivedConstructor,
}

/// The private names of one class body, and the uses not yet matched to a declaration.
#[derive(Default)]
pub(crate) struct PrivateScope<'a> {
    /// Name to (is_static, kind), where kind 0 = field/method, 1 = getter, 2 = setter, 3 = both.
    declared: FxHashMap<&'a str, (bool, u8)>,
    unresolved: Vec<(&'a str, Span)>,
}

impl<'a> Parser<'a> {
    /// `function [*] name (...) {...}`; the current token is `function` (after `async`).
    pub(crate) fn parse_function_declaration(
        &mut self,
        start: u32,
        is_async: bool,
    ) -> PResult<&'a Function<'a>> {
        self.parse_function(start, is_async, true, false)
    }

    /// `export default function (...) {}`: the name is optional.
    pub(crate) fn parse_default_function(
        &mut self,
        start: u32,
        is_async: bool,
    ) -> PResult<&'a Function<'a>> {
        self.parse_function(start, is_async, true, true)
    }

    pub(crate) fn parse_function_expression(
        &mut self,
        start: u32,
        is_async: bool,
    ) -> PResult<&'a Function<'a>> {
        self.parse_function(start, is_async, false, true)
    }

    fn parse_function(
        &mut self,
        start: u32,
        is_async: bool,
        declaration: bool,
        name_optional: bool,
    ) -> PResult<&'a Function<'a>> {
        if self.token().escaped() {
            return Err(self.unexpected());
        }
        self.expect(Kind::Function)?;
        let is_generator = self.eat(Kind::Star)?;
        let id = if self.at(Kind::LParen) && name_optional {
            None
        } else if declaration {
            // A declaration's name is bound in the enclosing scope, under its rules.
            Some(self.parse_binding_identifier()?)
        } else {
            // An expression's name is bound inside the function, under the function's rules.
            let saved = self.ctx;
            self.ctx.generator = is_generator;
            self.ctx.is_async = is_async;
            self.ctx.in_class_static_block = false;
            let id = self.parse_binding_identifier();
            self.ctx = saved;
            Some(id?)
        };
        self.parse_function_rest(start, id, is_async, is_generator, FunctionKind::Normal)
    }

    /// Parameters and body, with the function's own context.
    pub(crate) fn parse_function_rest(
        &mut self,
        start: u32,
        id: Option<Identifier<'a>>,
        is_async: bool,
        is_generator: bool,
        kind: FunctionKind,
    ) -> PResult<&'a Function<'a>> {
        let saved = self.ctx;
        let outer_strict = self.ctx.strict;
        self.ctx.generator = is_generator;
        self.ctx.is_async = is_async;
        self.ctx.in_function = true;
        self.ctx.new_target = true;
        self.ctx.super_call = kind == FunctionKind::DerivedConstructor;
        self.ctx.super_property = kind != FunctionKind::Normal;
        self.ctx.in_class_field = false;
        self.ctx.in_class_static_block = false;
        self.ctx.using_disallowed = false;
        self.ctx.in_iteration = false;
        self.ctx.in_switch = false;
        self.ctx.allow_in = true;
        self.ctx.using_disallowed = false;
        let result = self.with_labels_cleared(|p| {
            p.ctx.in_parameters = true;
            let params = p.parse_formal_parameters()?;
            p.ctx.in_parameters = false;
            let body = p.parse_function_body(params)?;
            Ok((params, body))
        });
        let strict = self.ctx.strict;
        self.ctx = saved;
        let (params, body) = result?;
        let unique = strict || !params.is_simple || kind != FunctionKind::Normal;
        self.check_parameter_names(params, strict, unique)?;
        if strict
            && !outer_strict
            && let Some(id) = &id
        {
            self.check_name_in_strict(id)?;
        }
        self.scope_starts.push(start);
        let function = self.alloc(Function {
            span: self.span_from(start),
            id,
            is_async,
            is_generator,
            params,
            body,
            strict,
        });
        self.early_errors.function(function);
        Ok(function)
    }

    /// `( FormalParameterList )`.
    fn parse_formal_parameters(&mut self) -> PResult<&'a FormalParameters<'a>> {
        let start = self.start();
        self.expect(Kind::LParen)?;
        let mut items = self.vec();
        let mut rest = None;
        while !self.at(Kind::RParen) {
            if self.eat(Kind::Ellipsis)? {
                rest = Some(self.parse_binding_target()?);
                if !self.at(Kind::RParen) {
                    return self.error(
                        "Rest parameter must be last formal parameter",
                        self.token().span,
                    );
                }
                break;
            }
            items.push(self.parse_binding_element()?);
            if !self.at(Kind::RParen) {
                self.expect(Kind::Comma)?;
            }
        }
        self.advance()?;
        let is_simple = rest.is_none() && items.iter().all(|p| matches!(p, Pattern::Identifier(_)));
        Ok(self.alloc(FormalParameters {
            span: self.span_from(start),
            items: items.to_bump_slice(),
            rest,
            is_simple,
        }))
    }

    /// `{ FunctionBody }`. A `"use strict"` directive makes the function strict; it is an error
    /// with non-simple parameters.
    fn parse_function_body(
        &mut self,
        params: &FormalParameters<'a>,
    ) -> PResult<&'a FunctionBody<'a>> {
        let start = self.start();
        self.expect(Kind::LBrace)?;
        let was_strict = self.ctx.strict;
        let (directives, use_strict) = self.parse_directives()?;
        if use_strict && !params.is_simple {
            return self.error(
                "Illegal 'use strict' directive in function with non-simple parameter list",
                directives
                    .last()
                    .map_or(Span::new(start, start), |d| d.span),
            );
        }
        if use_strict && !was_strict {
            // The parameters were parsed as sloppy code; re-check them.
            self.recheck_parameters_strict(params)?;
        }
        let mut statements = self.vec();
        while !self.at(Kind::RBrace) {
            if self.at(Kind::Eof) {
                return Err(self.unexpected());
            }
            statements.push(self.parse_statement_list_item()?);
        }
        self.advance()?;
        Ok(self.alloc(FunctionBody {
            span: self.span_from(start),
            directives,
            statements: statements.to_bump_slice(),
        }))
    }

    fn recheck_parameters_strict(&self, params: &FormalParameters<'a>) -> PResult<()> {
        let mut result = Ok(());
        for p in params.items.iter().chain(params.rest.iter()) {
            p.bound_names(&mut |id| {
                if result.is_ok() {
                    result = self.check_name_in_strict(id);
                }
            });
        }
        result
    }

    /// A name bound in code that turned out to be strict.
    fn check_name_in_strict(&self, id: &Identifier<'a>) -> PResult<()> {
        if id.name == "eval" || id.name == "arguments" {
            return self.error("Unexpected eval or arguments in strict mode", id.span);
        }
        if super::is_strict_reserved_name(id.name) {
            return self.error(
                format!("Unexpected strict mode reserved word '{}'", id.name),
                id.span,
            );
        }
        Ok(())
    }

    /// Duplicate parameter names, where they are not allowed.
    fn check_parameter_names(
        &self,
        params: &FormalParameters<'a>,
        strict: bool,
        unique: bool,
    ) -> PResult<()> {
        if !unique && !strict {
            return Ok(());
        }
        let mut seen: smallvec::SmallVec<[&str; 8]> = smallvec::SmallVec::new();
        let mut result = Ok(());
        for p in params.items.iter().chain(params.rest.iter()) {
            p.bound_names(&mut |id| {
                if result.is_err() {
                    return;
                }
                if unique && seen.contains(&id.name) {
                    result = self.error(
                        "Duplicate parameter name not allowed in this context",
                        id.span,
                    );
                }
                seen.push(id.name);
            });
        }
        result
    }

    /// `x => ...` once `x` is parsed.
    pub(crate) fn parse_arrow_from_identifier(
        &mut self,
        start: u32,
        param: Identifier<'a>,
        is_async: bool,
    ) -> PResult<Expression<'a>> {
        let items = self
            .arena
            .alloc_slice_copy(&[Pattern::Identifier(self.alloc(param))]);
        let params = self.alloc(FormalParameters {
            span: param.span,
            items,
            rest: None,
            is_simple: true,
        });
        self.parse_arrow_body(start, params, is_async)
    }

    /// `=> body` for the given parameters.
    pub(crate) fn parse_arrow_body(
        &mut self,
        start: u32,
        params: &'a FormalParameters<'a>,
        is_async: bool,
    ) -> PResult<Expression<'a>> {
        if !self.at(Kind::Arrow) || self.token().newline_before() {
            return Err(self.unexpected());
        }
        self.advance()?;
        let saved = self.ctx;
        self.ctx.is_async = is_async;
        self.ctx.generator = false;
        self.ctx.in_parameters = false;
        // An arrow's body is not the static block's own code: `await` is an identifier again.
        self.ctx.in_class_static_block = false;
        self.ctx.in_iteration = false;
        self.ctx.in_switch = false;
        let body = self.with_labels_cleared(|p| {
            if p.at(Kind::LBrace) {
                p.ctx.in_function = true;
                Ok(ArrowBody::Block(
                    p.with_in(|p| p.parse_function_body(params))?,
                ))
            } else {
                Ok(ArrowBody::Expression(p.parse_assignment_expression()?))
            }
        });
        let strict = self.ctx.strict;
        self.ctx = saved;
        let body = body?;
        self.check_parameter_names(params, strict, true)?;
        if strict {
            self.recheck_parameters_strict(params)?;
        }
        if is_async {
            let mut bad = None;
            for p in params.items.iter().chain(params.rest.iter()) {
                p.bound_names(&mut |id| {
                    if id.name == "await" && bad.is_none() {
                        bad = Some(id.span);
                    }
                });
            }
            if let Some(span) = bad {
                return self.error(
                    "'await' is not a valid identifier in async arrow parameters",
                    span,
                );
            }
        }
        self.scope_starts.push(start);
        let arrow = self.alloc(ArrowFunction {
            span: self.span_from(start),
            is_async,
            params,
            body,
            strict,
        });
        self.early_errors.arrow(arrow);
        Ok(Expression::Arrow(arrow))
    }

    /// A method's parameters and body after its key; `start` is where the element began.
    pub(crate) fn parse_method(
        &mut self,
        start: u32,
        kind: MethodKind,
        is_async: bool,
        is_generator: bool,
        derived_constructor: bool,
    ) -> PResult<&'a Function<'a>> {
        let function_kind = match kind {
            MethodKind::Constructor if derived_constructor => FunctionKind::DerivedConstructor,
            MethodKind::Constructor => FunctionKind::ClassConstructor,
            _ => FunctionKind::Method,
        };
        let params_start = self.token().span;
        let f = self.parse_function_rest(start, None, is_async, is_generator, function_kind)?;
        match kind {
            MethodKind::Get if !f.params.items.is_empty() || f.params.rest.is_some() => {
                self.error("Getter must not have any formal parameters", params_start)
            }
            MethodKind::Set if f.params.items.len() != 1 || f.params.rest.is_some() => self.error(
                "Setter must have exactly one formal parameter",
                params_start,
            ),
            _ => Ok(f),
        }
    }

    /// `class [name] [extends Heritage] { ClassBody }`; the name is required for declarations
    /// (except `export default class`).
    pub(crate) fn parse_class(&mut self, declaration: bool) -> PResult<&'a Class<'a>> {
        self.parse_class_with(!declaration)
    }

    /// A class with its decorators, if any; `name_optional` for expressions and
    /// `export default class`.
    pub(crate) fn parse_class_with(&mut self, name_optional: bool) -> PResult<&'a Class<'a>> {
        let start = self.start();
        let decorators = self.parse_decorators()?;
        self.parse_decorated_class(start, decorators, name_optional)
    }

    /// The class after its decorators (already parsed, from `start`): `@dec export class` reaches
    /// here past the `export`.
    pub(crate) fn parse_decorated_class(
        &mut self,
        start: u32,
        decorators: &'a [Decorator<'a>],
        name_optional: bool,
    ) -> PResult<&'a Class<'a>> {
        self.expect(Kind::Class)?;
        let saved = self.ctx;
        // All parts of a class are strict mode code; its decorators are written before it and
        // follow the enclosing code (`@yield class C {}` is sloppy code's `yield`).
        self.ctx.strict = true;
        let result = self.parse_class_inner(start, decorators, name_optional);
        self.ctx = saved;
        result
    }

    /// DecoratorList (decorators proposal): any number of `@`-prefixed
    /// DecoratorMemberExpression (`a`, `a.b`, `a.#b`, ...), DecoratorCallExpression (such a chain
    /// and one Arguments) or DecoratorParenthesizedExpression (`@(expression)`).
    pub(crate) fn parse_decorators(&mut self) -> PResult<&'a [Decorator<'a>]> {
        if !self.at(Kind::At) {
            return Ok(&[]);
        }
        let mut decorators = self.vec();
        while self.at(Kind::At) {
            let start = self.start();
            self.advance()?;
            let inner = self.start();
            let expression = if self.at(Kind::LParen) {
                self.advance()?;
                let expression = self.with_in(|p| p.parse_expression())?;
                self.expect(Kind::RParen)?;
                Expression::Parenthesized(self.alloc(ParenthesizedExpression {
                    span: self.span_from(inner),
                    expression,
                }))
            } else {
                let id = self.parse_identifier()?;
                if self.ctx.in_class_field && id.name == "arguments" {
                    return self.error(
                        "'arguments' is not allowed in class field initializer or static initialization block",
                        id.span,
                    );
                }
                let mut expression = Expression::Identifier(self.alloc(id));
                while self.eat(Kind::Dot)? {
                    let property = self.parse_member_name()?;
                    expression = Expression::Member(self.alloc(MemberExpression {
                        span: self.span_from(inner),
                        object: expression,
                        property,
                        optional: false,
                    }));
                }
                if self.at(Kind::LParen) {
                    let arguments = self.parse_arguments()?;
                    expression = Expression::Call(self.alloc(CallExpression {
                        span: self.span_from(inner),
                        callee: expression,
                        arguments,
                        optional: false,
                    }));
                }
                expression
            };
            decorators.push(Decorator {
                span: self.span_from(start),
                expression,
            });
        }
        Ok(decorators.to_bump_slice())
    }

    fn parse_class_inner(
        &mut self,
        start: u32,
        decorators: &'a [Decorator<'a>],
        name_optional: bool,
    ) -> PResult<&'a Class<'a>> {
        let id = if self.at(Kind::LBrace) || self.at(Kind::Extends) {
            if !name_optional {
                return Err(self.unexpected());
            }
            None
        } else {
            Some(self.parse_binding_identifier()?)
        };
        // ClassHeritage: a LeftHandSideExpression.
        let super_class = if self.eat(Kind::Extends)? {
            Some(self.parse_heritage()?)
        } else {
            None
        };
        self.expect(Kind::LBrace)?;
        self.private_scopes.push(PrivateScope::default());
        let body = self.parse_class_body(super_class.is_some());
        let scope = self.private_scopes.pop().unwrap_or_default();
        let body = body?;
        // Uses of names this class does not declare belong to an enclosing class, if any.
        for (name, span) in scope.unresolved {
            if scope.declared.contains_key(name) {
                continue;
            }
            match self.private_scopes.last_mut() {
                Some(outer) => outer.unresolved.push((name, span)),
                None => {
                    return self.error(
                        format!("Private field '#{name}' must be declared in an enclosing class"),
                        span,
                    );
                }
            }
        }
        self.scope_starts.push(start);
        let class = self.alloc(Class {
            span: self.span_from(start),
            decorators,
            id,
            super_class,
            body,
        });
        self.early_errors.class(class);
        Ok(class)
    }

    fn parse_class_body(&mut self, derived: bool) -> PResult<&'a [ClassElement<'a>]> {
        let mut elements = self.vec();
        let mut has_constructor = false;
        while !self.eat(Kind::RBrace)? {
            if self.eat(Kind::Semicolon)? {
                continue;
            }
            if self.at(Kind::Eof) {
                return Err(self.unexpected());
            }
            let element = self.parse_class_element(derived, &mut has_constructor)?;
            elements.push(element);
        }
        Ok(elements.to_bump_slice())
    }

    fn parse_class_element(
        &mut self,
        derived: bool,
        has_constructor: &mut bool,
    ) -> PResult<ClassElement<'a>> {
        let decorators = self.parse_decorators()?;
        let start = self.start();
        let mut is_static = false;
        if self.at(Kind::Static) {
            let next = self.peek()?;
            if next.kind == Kind::LBrace {
                if self.token().escaped() || !decorators.is_empty() {
                    return Err(self.unexpected());
                }
                self.advance()?;
                return self.parse_static_block(start);
            }
            if !matches!(
                next.kind,
                Kind::LParen | Kind::Eq | Kind::Semicolon | Kind::RBrace
            ) {
                if self.token().escaped() {
                    return Err(self.unexpected());
                }
                is_static = true;
                self.advance()?;
            }
        }
        // `accessor [no LineTerminator here] ClassElementName`; otherwise `accessor` is a name.
        let is_accessor = self.at(Kind::Identifier)
            && !self.token().escaped()
            && self.text(self.token()) == "accessor"
            && {
                let next = self.peek()?;
                !next.newline_before()
                    && (next.kind.is_identifier_name()
                        || matches!(
                            next.kind,
                            Kind::String
                                | Kind::Number
                                | Kind::BigInt
                                | Kind::LBracket
                                | Kind::PrivateName
                        ))
            };
        let (is_async, is_generator, accessor) = if is_accessor {
            self.advance()?;
            (false, false, None)
        } else {
            self.parse_method_modifiers()?
        };
        let key_token = self.token();
        let key = self.parse_property_key(true)?;
        let key_name = static_key_name(&key);
        if let PropertyKey::Private(p) = key
            && p.name == "constructor"
        {
            return self.error(
                "Classes may not have a private field named '#constructor'",
                key_token.span,
            );
        }
        if !is_accessor && (is_async || is_generator || accessor.is_some() || self.at(Kind::LParen))
        {
            let is_constructor = !is_static
                && key_name == Some("constructor")
                && !matches!(key, PropertyKey::Private(_));
            let mut kind = accessor.unwrap_or(MethodKind::Method);
            if is_constructor {
                if !decorators.is_empty() {
                    return self.error("Decorators are not valid on a constructor", key_token.span);
                }
                if accessor.is_some() {
                    return self.error("Class constructor may not be an accessor", key_token.span);
                }
                if is_generator || is_async {
                    return self.error(
                        "Class constructor may not be a generator or async",
                        key_token.span,
                    );
                }
                if *has_constructor {
                    return self.error("A class may only have one constructor", key_token.span);
                }
                *has_constructor = true;
                kind = MethodKind::Constructor;
            }
            if is_static && key_name == Some("prototype") && !matches!(key, PropertyKey::Private(_))
            {
                return self.error(
                    "Classes may not have a static property named 'prototype'",
                    key_token.span,
                );
            }
            if let PropertyKey::Private(p) = key {
                self.declare_private(p, is_static, accessor)?;
            }
            let value = self.parse_method(
                start,
                kind,
                is_async,
                is_generator,
                derived && is_constructor,
            )?;
            return Ok(ClassElement::Method(self.alloc(MethodDefinition {
                span: self.span_from(start),
                decorators,
                key,
                value,
                kind,
                is_static,
            })));
        }
        // A field.
        if key_name == Some("constructor") && !matches!(key, PropertyKey::Private(_)) {
            return self.error(
                "Classes may not have a field named 'constructor'",
                key_token.span,
            );
        }
        if is_static && key_name == Some("prototype") && !matches!(key, PropertyKey::Private(_)) {
            return self.error(
                "Classes may not have a static property named 'prototype'",
                key_token.span,
            );
        }
        if let PropertyKey::Private(p) = key {
            self.declare_private(p, is_static, None)?;
        }
        let value = if self.eat(Kind::Eq)? {
            let saved = self.ctx;
            self.ctx.in_class_field = true;
            self.ctx.super_property = true;
            self.ctx.super_call = false;
            self.ctx.new_target = true;
            self.ctx.generator = false;
            self.ctx.is_async = false;
            self.ctx.in_class_static_block = false;
            self.ctx.in_parameters = false;
            self.ctx.allow_in = true;
            let value = self.with_labels_cleared(|p| p.parse_assignment_expression());
            self.ctx = saved;
            Some(value?)
        } else {
            None
        };
        self.consume_semicolon()?;
        Ok(ClassElement::Field(self.alloc(FieldDefinition {
            span: self.span_from(start),
            decorators,
            key,
            value,
            is_static,
            is_accessor,
        })))
    }

    fn parse_static_block(&mut self, start: u32) -> PResult<ClassElement<'a>> {
        self.expect(Kind::LBrace)?;
        let saved = self.ctx;
        self.ctx.in_class_static_block = true;
        self.ctx.in_class_field = true;
        self.ctx.super_property = true;
        self.ctx.super_call = false;
        self.ctx.new_target = true;
        self.ctx.generator = false;
        self.ctx.is_async = false;
        self.ctx.in_function = false;
        self.ctx.in_iteration = false;
        self.ctx.in_switch = false;
        self.ctx.in_parameters = false;
        self.ctx.allow_in = true;
        self.ctx.using_disallowed = false;
        let body = self.with_labels_cleared(|p| {
            let mut body = p.vec();
            while !p.at(Kind::RBrace) {
                if p.at(Kind::Eof) {
                    return Err(p.unexpected());
                }
                body.push(p.parse_statement_list_item()?);
            }
            p.advance()?;
            Ok(body.to_bump_slice())
        });
        self.ctx = saved;
        let body = body?;
        Ok(ClassElement::StaticBlock(self.alloc(StaticBlock {
            span: self.span_from(start),
            body,
        })))
    }

    /// Records a private name declaration; duplicates are errors except a getter/setter pair.
    fn declare_private(
        &mut self,
        name: &PrivateName<'a>,
        is_static: bool,
        accessor: Option<MethodKind>,
    ) -> PResult<()> {
        let kind = match accessor {
            Some(MethodKind::Get) => 1,
            Some(MethodKind::Set) => 2,
            _ => 0,
        };
        let Some(scope) = self.private_scopes.last_mut() else {
            return Ok(());
        };
        match scope.declared.get_mut(name.name) {
            None => {
                scope.declared.insert(name.name, (is_static, kind));
                Ok(())
            }
            Some((was_static, was_kind))
                if *was_static == is_static
                    && kind != 0
                    && *was_kind != 0
                    && *was_kind != 3
                    && *was_kind != kind =>
            {
                *was_kind = 3;
                Ok(())
            }
            Some(_) => self.error(
                format!("Identifier '#{}' has already been declared", name.name),
                name.span,
            ),
        }
    }

    /// A use of `#name`: it must be declared by an enclosing class body.
    pub(crate) fn use_private_name(&mut self, name: &PrivateName<'a>) {
        match self.private_scopes.last_mut() {
            Some(scope) => scope.unresolved.push((name.name, name.span)),
            None => {
                if self.private_error.is_none() {
                    self.private_error = Some(crate::Diagnostic::new(
                        format!(
                            "Private field '#{}' must be declared in an enclosing class",
                            name.name
                        ),
                        name.span,
                    ));
                }
            }
        }
    }
}

/// The name of a non-computed key, for the `constructor` and `prototype` rules.
fn static_key_name<'a>(key: &PropertyKey<'a>) -> Option<&'a str> {
    match key {
        PropertyKey::Identifier(id) => Some(id.name),
        PropertyKey::String(s) => {
            if s.value == "constructor".encode_utf16().collect::<Vec<_>>().as_slice() {
                Some("constructor")
            } else if s.value == "prototype".encode_utf16().collect::<Vec<_>>().as_slice() {
                Some("prototype")
            } else {
                None
            }
        }
        PropertyKey::Private(p) => Some(p.name),
        _ => None,
    }
}
