//! Imports and exports (ECMA-262 16.2).

use super::{PResult, Parser};
use crate::ast::*;
use kiln_lexer::Kind;

impl<'a> Parser<'a> {
    pub(crate) fn parse_import_declaration(&mut self) -> PResult<&'a ImportDeclaration<'a>> {
        let start = self.start();
        self.advance()?; // import
        if self.at(Kind::String) {
            let source = self.string_literal()?;
            let attributes = self.parse_with_clause()?;
            self.consume_semicolon()?;
            return Ok(self.alloc(ImportDeclaration {
                span: self.span_from(start),
                phase: ImportPhase::Evaluation,
                specifiers: &[],
                source,
                attributes,
            }));
        }
        let mut phase = ImportPhase::Evaluation;
        if self.at_contextual(Kind::Defer) && self.peek()?.kind == Kind::Star {
            phase = ImportPhase::Defer;
            self.advance()?;
        } else if self.at_contextual(Kind::Source) {
            let next = self.peek()?;
            let name_follows = next.kind == Kind::Identifier
                || (next.kind.is_keyword() && !next.kind.is_reserved_word());
            let is_phase = if next.kind == Kind::From && !next.escaped() {
                // `import source from 'm'` imports a default binding named `source`;
                // `import source from from 'm'` is a source import of `from`.
                let mut lexer = self.lexer_snapshot();
                let _ = lexer.next_token();
                matches!(lexer.next_token(), Ok(t) if t.kind == Kind::From)
            } else {
                name_follows
            };
            if is_phase {
                phase = ImportPhase::Source;
                self.advance()?;
            }
        }
        let mut specifiers = self.vec();
        match phase {
            ImportPhase::Defer => {
                self.expect(Kind::Star)?;
                self.expect_contextual(Kind::As)?;
                specifiers.push(ImportSpecifier::Namespace(self.parse_binding_identifier()?));
            }
            ImportPhase::Source => {
                specifiers.push(ImportSpecifier::Default(self.parse_binding_identifier()?));
            }
            ImportPhase::Evaluation => {
                let mut need_more = true;
                if !self.at(Kind::LBrace) && !self.at(Kind::Star) {
                    specifiers.push(ImportSpecifier::Default(self.parse_binding_identifier()?));
                    need_more = self.eat(Kind::Comma)?;
                }
                if need_more {
                    if self.eat(Kind::Star)? {
                        self.expect_contextual(Kind::As)?;
                        specifiers
                            .push(ImportSpecifier::Namespace(self.parse_binding_identifier()?));
                    } else if self.eat(Kind::LBrace)? {
                        while !self.eat(Kind::RBrace)? {
                            let s_start = self.start();
                            let imported_token = self.token();
                            let imported = self.parse_module_export_name()?;
                            let local = if self.at_contextual(Kind::As) {
                                self.advance()?;
                                self.parse_binding_identifier()?
                            } else {
                                // `import { x }`: the name must itself be a valid binding.
                                match imported {
                                    ModuleExportName::Identifier(id) => {
                                        if let Some(message) = self.identifier_error(imported_token)
                                        {
                                            return if message.is_empty() {
                                                self.error(
                                                    format!("Unexpected token '{}'", id.name),
                                                    id.span,
                                                )
                                            } else {
                                                self.error(message, id.span)
                                            };
                                        }
                                        self.check_binding_name(&id)?;
                                        id
                                    }
                                    ModuleExportName::String(s) => {
                                        return self.error(
                                            "A string import name must be followed by 'as'",
                                            s.span,
                                        );
                                    }
                                }
                            };
                            specifiers.push(ImportSpecifier::Named {
                                span: self.span_from(s_start),
                                imported,
                                local,
                            });
                            if !self.at(Kind::RBrace) {
                                self.expect(Kind::Comma)?;
                            }
                        }
                    } else {
                        return Err(self.unexpected());
                    }
                }
            }
        }
        self.expect_contextual(Kind::From)?;
        let source = self.parse_string_only()?;
        let attributes = self.parse_with_clause()?;
        self.consume_semicolon()?;
        Ok(self.alloc(ImportDeclaration {
            span: self.span_from(start),
            phase,
            specifiers: specifiers.to_bump_slice(),
            source,
            attributes,
        }))
    }

    /// A string literal where nothing else may stand: a module specifier, an attribute value.
    fn parse_string_only(&mut self) -> PResult<&'a StringLiteral<'a>> {
        if !self.at(Kind::String) {
            return Err(self.unexpected());
        }
        self.string_literal()
    }

    fn expect_contextual(&mut self, kind: Kind) -> PResult<()> {
        if self.at_contextual(kind) {
            self.advance()
        } else {
            Err(self.unexpected())
        }
    }

    /// An IdentifierName or a string literal that is well-formed Unicode.
    fn parse_module_export_name(&mut self) -> PResult<ModuleExportName<'a>> {
        if self.at(Kind::String) {
            let s = self.string_literal()?;
            if char::decode_utf16(s.value.iter().copied()).any(|c| c.is_err()) {
                return self.error("A module export name must be well-formed Unicode", s.span);
            }
            return Ok(ModuleExportName::String(s));
        }
        Ok(ModuleExportName::Identifier(self.parse_identifier_name()?))
    }

    /// `with { key: 'value', ... }` after a module specifier.
    fn parse_with_clause(&mut self) -> PResult<&'a [ImportAttribute<'a>]> {
        if !self.at(Kind::With) {
            return Ok(&[]);
        }
        self.advance()?;
        self.expect(Kind::LBrace)?;
        let mut attributes = self.vec();
        let mut keys: Vec<Vec<u16>> = Vec::new();
        while !self.eat(Kind::RBrace)? {
            let start = self.start();
            let key = if self.at(Kind::String) {
                ModuleExportName::String(self.string_literal()?)
            } else {
                ModuleExportName::Identifier(self.parse_identifier_name()?)
            };
            let key_units: Vec<u16> = match key {
                ModuleExportName::String(s) => s.value.to_vec(),
                ModuleExportName::Identifier(id) => id.name.encode_utf16().collect(),
            };
            if keys.contains(&key_units) {
                return self.error("Import attribute has duplicate key", self.span_from(start));
            }
            keys.push(key_units);
            self.expect(Kind::Colon)?;
            let value = self.parse_string_only()?;
            attributes.push(ImportAttribute {
                span: self.span_from(start),
                key,
                value,
            });
            if !self.at(Kind::RBrace) {
                self.expect(Kind::Comma)?;
            }
        }
        Ok(attributes.to_bump_slice())
    }

    pub(crate) fn parse_export_declaration(&mut self) -> PResult<Statement<'a>> {
        self.parse_export_declaration_with(self.start(), &[])
    }

    /// `export ...`; `decorators` were written before `export` (from `start`) and must decorate
    /// the exported class: `@dec export class C {}`, `@dec export default class {}`.
    pub(crate) fn parse_export_declaration_with(
        &mut self,
        start: u32,
        decorators: &'a [Decorator<'a>],
    ) -> PResult<Statement<'a>> {
        self.advance()?; // export
        if !decorators.is_empty() {
            let default = self.at(Kind::Default);
            if default {
                self.advance()?;
            }
            // Decorators go before `export` or after it, not both.
            if !self.at(Kind::Class) {
                return Err(self.unexpected());
            }
            let class = self.parse_decorated_class(start, decorators, default)?;
            let span = self.span_from(start);
            return Ok(if default {
                Statement::ExportDefault(self.alloc(ExportDefaultDeclaration {
                    span,
                    kind: ExportDefaultKind::Class(class),
                }))
            } else {
                Statement::ExportNamed(self.alloc(ExportNamedDeclaration {
                    span,
                    declaration: Some(Statement::Class(class)),
                    specifiers: &[],
                    source: None,
                    attributes: &[],
                }))
            });
        }
        match self.kind() {
            Kind::Star => {
                self.advance()?;
                let exported = if self.at_contextual(Kind::As) {
                    self.advance()?;
                    Some(self.parse_module_export_name()?)
                } else {
                    None
                };
                self.expect_contextual(Kind::From)?;
                let source = self.parse_string_only()?;
                let attributes = self.parse_with_clause()?;
                self.consume_semicolon()?;
                Ok(Statement::ExportAll(self.alloc(ExportAllDeclaration {
                    span: self.span_from(start),
                    exported,
                    source,
                    attributes,
                })))
            }
            Kind::Default => {
                self.advance()?;
                let d_start = self.start();
                let kind = if self.at(Kind::Function) {
                    ExportDefaultKind::Function(self.parse_default_function(d_start, false)?)
                } else if self.at_async_function()? {
                    self.advance()?;
                    ExportDefaultKind::Function(self.parse_default_function(d_start, true)?)
                } else if self.at(Kind::Class) || self.at(Kind::At) {
                    ExportDefaultKind::Class(self.parse_class_with(true)?)
                } else {
                    let e = self.parse_assignment_expression()?;
                    self.consume_semicolon()?;
                    ExportDefaultKind::Expression(e)
                };
                Ok(Statement::ExportDefault(self.alloc(
                    ExportDefaultDeclaration {
                        span: self.span_from(start),
                        kind,
                    },
                )))
            }
            Kind::LBrace => {
                self.advance()?;
                let mut specifiers = self.vec();
                // Local names must be identifier references unless there is a `from`.
                let mut first_bad_local: Option<kiln_lexer::Span> = None;
                while !self.eat(Kind::RBrace)? {
                    let s_start = self.start();
                    let local_token = self.token();
                    let local = self.parse_module_export_name()?;
                    let bad = match local {
                        ModuleExportName::String(_) => true,
                        ModuleExportName::Identifier(_) => {
                            local_token.kind.is_reserved_word()
                                || (local_token.kind.is_keyword()
                                    && local_token.escaped()
                                    && local_token.kind.is_reserved_word())
                        }
                    };
                    if bad && first_bad_local.is_none() {
                        first_bad_local = Some(local_token.span);
                    }
                    let exported = if self.at_contextual(Kind::As) {
                        self.advance()?;
                        self.parse_module_export_name()?
                    } else {
                        local
                    };
                    specifiers.push(ExportSpecifier {
                        span: self.span_from(s_start),
                        local,
                        exported,
                    });
                    if !self.at(Kind::RBrace) {
                        self.expect(Kind::Comma)?;
                    }
                }
                let (source, attributes) = if self.at_contextual(Kind::From) {
                    self.advance()?;
                    let source = self.parse_string_only()?;
                    (Some(source), self.parse_with_clause()?)
                } else {
                    if let Some(span) = first_bad_local {
                        return self
                            .error("Exported local name must be an identifier reference", span);
                    }
                    (None, &[][..])
                };
                self.consume_semicolon()?;
                Ok(Statement::ExportNamed(self.alloc(ExportNamedDeclaration {
                    span: self.span_from(start),
                    declaration: None,
                    specifiers: specifiers.to_bump_slice(),
                    source,
                    attributes,
                })))
            }
            Kind::Var
            | Kind::Let
            | Kind::Const
            | Kind::Function
            | Kind::Class
            | Kind::At
            | Kind::Async
            | Kind::Using
            | Kind::Await => {
                let valid = match self.kind() {
                    Kind::Async => self.at_async_function()?,
                    Kind::Using | Kind::Await => false,
                    Kind::Let => !self.token().escaped(),
                    _ => true,
                };
                if !valid {
                    return Err(self.unexpected());
                }
                let declaration = self.parse_statement_list_item_for_export()?;
                Ok(Statement::ExportNamed(self.alloc(ExportNamedDeclaration {
                    span: self.span_from(start),
                    declaration: Some(declaration),
                    specifiers: &[],
                    source: None,
                    attributes: &[],
                })))
            }
            _ => Err(self.unexpected()),
        }
    }

    fn parse_statement_list_item_for_export(&mut self) -> PResult<Statement<'a>> {
        let start = self.start();
        match self.kind() {
            Kind::Function => Ok(Statement::Function(
                self.parse_function_declaration(start, false)?,
            )),
            Kind::Async => {
                self.advance()?;
                Ok(Statement::Function(
                    self.parse_function_declaration(start, true)?,
                ))
            }
            Kind::Class | Kind::At => Ok(Statement::Class(self.parse_class(true)?)),
            Kind::Var => {
                let decl = self.parse_variable_declaration(VariableKind::Var, true)?;
                self.consume_semicolon()?;
                Ok(Statement::Variable(self.alloc(VariableDeclaration {
                    span: self.span_from(start),
                    ..*decl
                })))
            }
            Kind::Let | Kind::Const => {
                let kind = if self.at(Kind::Let) {
                    VariableKind::Let
                } else {
                    VariableKind::Const
                };
                let decl = self.parse_variable_declaration(kind, true)?;
                self.consume_semicolon()?;
                Ok(Statement::Variable(self.alloc(VariableDeclaration {
                    span: self.span_from(start),
                    ..*decl
                })))
            }
            _ => Err(self.unexpected()),
        }
    }
}
