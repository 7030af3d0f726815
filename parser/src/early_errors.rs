//! Early errors that need the whole tree: declarations that clash within a scope, and a module's
//! imports and exports (ECMA-262's LexicallyDeclaredNames / VarDeclaredNames rules, 14.2.1,
//! 14.12.1, 14.15.1, 15.2.1, 16.2.1.1; Annex B.3.2.4 and B.3.4).
//!
//! Context-dependent errors (reserved words, `super`, labels, private names, ...) are found by the
//! parser while it parses; this pass runs only on a program that parsed.

use crate::Diagnostic;
use crate::ast::*;
use kiln_lexer::Span;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

/// Appends to `errors` every early error of `program` that the parser does not find while parsing.
/// `scope_starts` holds, sorted, where each function, arrow function and class of the program
/// starts.
///
/// This is the whole-tree pass, run only when [`Incremental`] found an error (it finds the same
/// errors, and reports the first in source order) or stopped short of the stack's red zone.
pub(crate) fn check_program(
    program: &Program<'_>,
    scope_starts: Vec<u32>,
    errors: &mut Vec<Diagnostic>,
) {
    let mut checker = Checker::new(scope_starts, false);
    checker.program(program);
    if let Some(e) = checker.error {
        errors.push(e);
    }
}

/// The same checks as [`check_program`], run piece by piece while the parser builds the tree:
/// each function, arrow function and class as soon as it is finished, then the top level. Each
/// piece is walked while its nodes are still in the processor's caches, and its walk skips the
/// pieces inside it, checked before. (A walk of the whole tree after parsing went through 38 MB
/// of typescript.js's nodes again, mostly cache misses: a quarter of the parse's time for 8% of
/// its instructions.)
///
/// A piece's checks depend only on the piece and its strictness, both fixed when the parser
/// finishes it, so the pieces together find an error exactly when the whole-tree pass does. Which
/// error comes first differs (inner functions are finished first), so when there is one the
/// parser runs [`check_program`] to report it.
///
/// A piece is checked on top of the parser's stack, as deep as the piece is nested. Should its
/// walk come within the parser's red zone, checking stops and the whole-tree pass, which starts
/// at the bottom of the stack, does the work instead.
pub(crate) struct Incremental<'a> {
    checker: Checker<'a>,
}

impl<'a> Incremental<'a> {
    /// `stack_limit`: the parser's red-zone address ([`crate::parser::stack_address`] below it
    /// means too little stack is left).
    pub(crate) fn new(stack_limit: usize) -> Self {
        let mut checker = Checker::new(Vec::new(), true);
        checker.stack_limit = stack_limit;
        Incremental { checker }
    }

    /// No more pieces need checking: an error was found, or checking stopped short of the red
    /// zone.
    fn stopped(&self) -> bool {
        self.checker.error.is_some() || self.checker.out_of_stack
    }

    /// A function, method, getter, setter or constructor just parsed.
    pub(crate) fn function(&mut self, f: &Function<'a>) {
        if !self.stopped() {
            self.checker.function(f);
        }
    }

    pub(crate) fn arrow(&mut self, a: &ArrowFunction<'a>) {
        if !self.stopped() {
            self.checker.arrow(a);
        }
    }

    /// A class just parsed: its static blocks (its methods were checked as functions).
    pub(crate) fn class(&mut self, c: &Class<'a>) {
        if !self.stopped() {
            self.checker.class(c);
        }
    }

    /// Checks the top level of the parsed program. Whether the whole-tree pass must run: a piece
    /// had an early error, or checking stopped.
    pub(crate) fn finish(&mut self, program: &Program<'a>) -> bool {
        if !self.stopped() {
            self.checker.program(program);
        }
        self.stopped()
    }
}

impl<'a> Checker<'a> {
    fn new(scope_starts: Vec<u32>, nested_checked: bool) -> Self {
        Checker {
            scopes: Vec::new(),
            depth: 0,
            error: None,
            strict: false,
            scope_starts,
            scope_cursor: 0,
            nested_checked,
            stack_limit: 0,
            out_of_stack: false,
        }
    }

    /// The top level: its declarations, and a module's imports and exports.
    fn program(&mut self, program: &Program<'a>) {
        self.strict = program.strict;
        let module = program.kind == SourceKind::Module;
        self.push(if module {
            ScopeKind::Module
        } else {
            ScopeKind::Function
        });
        for statement in program.body {
            self.top_level_statement(statement, module);
        }
        self.check_clashes();
        self.depth -= 1;
        if module && self.error.is_none() {
            let scope =
                std::mem::replace(&mut self.scopes[self.depth], Scope::new(ScopeKind::Module));
            self.check_exports(program, &scope);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ScopeKind {
    /// A function body, a script's top level, or a class static block: `var` stops here.
    Function,
    Module,
    Block,
    /// The parameters of a `catch` clause.
    Catch {
        /// `catch (e)` rather than a destructuring pattern: Annex B.3.4 lets `var e` redeclare it.
        simple: bool,
    },
}

#[derive(Clone, Copy, Debug)]
struct LexicalName {
    span: Span,
    /// A plain `function` declaration (not async, not a generator): Annex B.3.2.4 lets these
    /// repeat within a block in sloppy code.
    plain_function: bool,
}

#[derive(Clone, Copy, Debug)]
struct VarName {
    span: Span,
}

struct Scope<'a> {
    kind: ScopeKind,
    lexical: FxHashMap<&'a str, LexicalName>,
    /// Every name var-declared in this scope or a block nested in it.
    vars: FxHashMap<&'a str, VarName>,
    /// Parameter names of a function scope; the catch parameter names of a catch scope.
    params: Vec<&'a str>,
}

impl Scope<'_> {
    fn new(kind: ScopeKind) -> Self {
        Scope {
            kind,
            lexical: FxHashMap::default(),
            vars: FxHashMap::default(),
            params: Vec::new(),
        }
    }
}

struct Checker<'a> {
    /// The open scopes, innermost last, are `scopes[..depth]`; the rest are closed scopes,
    /// emptied, kept in place for their allocations. A scope is not moved as it opens and closes
    /// (it was moved four times, between this list and a list of spare scopes).
    scopes: Vec<Scope<'a>>,
    depth: usize,
    error: Option<Diagnostic>,
    strict: bool,
    /// Sorted starts of every function, arrow function and class: an expression whose span
    /// holds none of them declares nothing, so its walk is skipped.
    scope_starts: Vec<u32>,
    /// The index in `scope_starts` found by the last [`Checker::holds_scope`]: the walk goes
    /// mostly in source order, so the next answer is usually at or just after it.
    scope_cursor: usize,
    /// Every function, arrow function and class was checked when it was parsed ([`Incremental`]):
    /// walks declare their names but do not enter them, and skip expressions, whose only
    /// declarations are inside such pieces.
    nested_checked: bool,
    /// With `nested_checked`: below this stack address the walk stops and sets `out_of_stack`.
    stack_limit: usize,
    out_of_stack: bool,
}

/// Above this capacity a closed scope's map is dropped rather than kept for the next scope.
const SPARE_MAP_CAPACITY: usize = 64;

/// Empties a closed scope's map for the next scope that reuses it. Clearing writes all of a map's
/// control bytes, and iterating it (in [`Checker::pop`]) visits its whole capacity, so a map grown
/// by one large scope (a namespace's function body with thousands of names) is dropped: kept, it
/// made every later scope that reused it pay for its size. Most scopes declare nothing, so an
/// empty map is left as it is.
fn empty_for_reuse<K, V>(map: &mut FxHashMap<K, V>) {
    if map.capacity() > SPARE_MAP_CAPACITY {
        *map = FxHashMap::default();
    } else if !map.is_empty() {
        map.clear();
    }
}

impl<'a> Checker<'a> {
    fn report(&mut self, message: String, span: Span) {
        if self.error.is_none() {
            self.error = Some(Diagnostic::new(message, span));
        }
    }

    fn push(&mut self, kind: ScopeKind) {
        match self.scopes.get_mut(self.depth) {
            Some(scope) => scope.kind = kind,
            None => self.scopes.push(Scope::new(kind)),
        }
        self.depth += 1;
    }

    /// The innermost open scope.
    fn top(&mut self) -> &mut Scope<'a> {
        &mut self.scopes[self.depth - 1]
    }

    /// Closes the innermost scope, checking its lexical names against the vars that reached it,
    /// and keeps its storage for the next one.
    fn close(&mut self) {
        self.check_clashes();
        self.close_unchecked();
    }

    fn close_unchecked(&mut self) {
        let scope = self.top();
        empty_for_reuse(&mut scope.lexical);
        empty_for_reuse(&mut scope.vars);
        scope.params.clear();
        self.depth -= 1;
    }

    /// Reports a lexical name of the innermost scope that is also var-declared in it, or (in a
    /// function scope) a parameter.
    fn check_clashes(&mut self) {
        let scope = &self.scopes[self.depth - 1];
        if scope.lexical.is_empty() {
            // Nothing to clash with (and iterating a map visits its whole capacity).
            return;
        }
        let mut clashes: SmallVec<[(&'a str, Span); 1]> = SmallVec::new();
        for (name, var) in &scope.vars {
            if scope.lexical.contains_key(name) {
                clashes.push((name, var.span));
            }
        }
        if scope.kind == ScopeKind::Function {
            for name in &scope.params {
                if let Some(lex) = scope.lexical.get(name) {
                    clashes.push((name, lex.span));
                }
            }
        }
        for (name, span) in clashes {
            self.report(
                format!("Identifier '{name}' has already been declared"),
                span,
            );
        }
    }

    fn declare_lexical(&mut self, id: &Identifier<'a>, plain_function: bool) {
        let strict = self.strict;
        if self.depth == 0 {
            return;
        }
        let scope = &mut self.scopes[self.depth - 1];
        if let Some(previous) = scope.lexical.get(id.name) {
            let annex_b = !strict
                && scope.kind == ScopeKind::Block
                && previous.plain_function
                && plain_function;
            if !annex_b {
                let message = format!("Identifier '{}' has already been declared", id.name);
                self.report(message, id.span);
            }
            return;
        }
        if let ScopeKind::Catch { .. } = scope.kind {
            // Not reached: catch bodies are blocks of their own.
        }
        scope.lexical.insert(
            id.name,
            LexicalName {
                span: id.span,
                plain_function,
            },
        );
    }

    /// Records `var name` in every scope up to the enclosing function. Annex B.3.4 lets a `var`
    /// redeclare a simple catch parameter (`for (var e of ...)` included, as test262 has it).
    fn declare_var(&mut self, id: &Identifier<'a>) {
        let mut conflict = None;
        for scope in self.scopes[..self.depth].iter_mut().rev() {
            scope
                .vars
                .entry(id.name)
                .or_insert(VarName { span: id.span });
            match scope.kind {
                ScopeKind::Function | ScopeKind::Module => break,
                ScopeKind::Catch { simple } => {
                    if scope.params.contains(&id.name) && !simple {
                        conflict = Some(id.span);
                    }
                }
                ScopeKind::Block => {}
            }
        }
        if let Some(span) = conflict {
            self.report(
                format!("Identifier '{}' has already been declared", id.name),
                span,
            );
        }
    }

    fn top_level_statement(&mut self, statement: &Statement<'a>, module: bool) {
        match statement {
            // In a module, top-level functions are lexical; in a script they are var-scoped.
            Statement::Function(f) if module => {
                if let Some(id) = &f.id {
                    self.declare_lexical(id, false);
                }
                if !self.nested_checked {
                    self.function(f);
                }
            }
            Statement::Import(import) => {
                for specifier in import.specifiers {
                    let local = match specifier {
                        ImportSpecifier::Default(id) | ImportSpecifier::Namespace(id) => id,
                        ImportSpecifier::Named { local, .. } => local,
                    };
                    self.declare_lexical(local, false);
                }
            }
            Statement::ExportNamed(export) => {
                if let Some(declaration) = &export.declaration {
                    self.top_level_statement(declaration, module);
                }
            }
            Statement::ExportDefault(export) => match export.kind {
                ExportDefaultKind::Function(f) => {
                    if let Some(id) = &f.id {
                        self.declare_lexical(id, false);
                    }
                    if !self.nested_checked {
                        self.function(f);
                    }
                }
                ExportDefaultKind::Class(c) => {
                    if let Some(id) = &c.id {
                        self.declare_lexical(id, false);
                    }
                    if !self.nested_checked {
                        self.class(c);
                    }
                }
                ExportDefaultKind::Expression(e) => self.expression(&e),
            },
            Statement::ExportAll(_) => {}
            _ => self.statement(statement, true),
        }
    }

    /// Statements; `function_top_level` when directly in a function body or script, where function
    /// declarations are var-scoped.
    fn statement(&mut self, statement: &Statement<'a>, function_top_level: bool) {
        if self.error.is_some() || self.out_of_stack {
            return;
        }
        if self.nested_checked && crate::parser::stack_address() < self.stack_limit {
            self.out_of_stack = true;
            return;
        }
        match statement {
            Statement::Block(block) => self.block(block.body),
            Statement::Variable(declaration) => self.variable_declaration(declaration),
            Statement::Function(f) => {
                if let Some(id) = &f.id {
                    if function_top_level {
                        self.declare_var(id);
                    } else {
                        self.declare_lexical(id, !f.is_async && !f.is_generator);
                    }
                }
                if !self.nested_checked {
                    self.function(f);
                }
            }
            Statement::Class(c) => {
                if let Some(id) = &c.id {
                    self.declare_lexical(id, false);
                }
                if !self.nested_checked {
                    self.class(c);
                }
            }
            Statement::Empty(_) | Statement::Debugger(_) => {}
            Statement::Expression(e) => self.expression(&e.expression),
            Statement::If(s) => {
                self.expression(&s.test);
                self.substatement(&s.consequent);
                if let Some(alternate) = &s.alternate {
                    self.substatement(alternate);
                }
            }
            Statement::DoWhile(s) => {
                self.substatement(&s.body);
                self.expression(&s.test);
            }
            Statement::While(s) => {
                self.expression(&s.test);
                self.substatement(&s.body);
            }
            Statement::For(s) => {
                self.push(ScopeKind::Block);
                match &s.init {
                    Some(ForInit::Variable(d)) => self.variable_declaration(d),
                    Some(ForInit::Expression(e)) => self.expression(e),
                    None => {}
                }
                if let Some(test) = &s.test {
                    self.expression(test);
                }
                if let Some(update) = &s.update {
                    self.expression(update);
                }
                self.substatement(&s.body);
                self.close();
            }
            Statement::ForIn(s) => self.for_in_of(&s.left, &s.right, &s.body),
            Statement::ForOf(s) => self.for_in_of(&s.left, &s.right, &s.body),
            Statement::Continue(_) | Statement::Break(_) => {}
            Statement::Return(s) => {
                if let Some(argument) = &s.argument {
                    self.expression(argument);
                }
            }
            Statement::With(s) => {
                self.expression(&s.object);
                self.substatement(&s.body);
            }
            Statement::Switch(s) => {
                self.expression(&s.discriminant);
                self.push(ScopeKind::Block);
                for case in s.cases {
                    if let Some(test) = &case.test {
                        self.expression(test);
                    }
                    for statement in case.body {
                        self.statement(statement, false);
                    }
                }
                self.close();
            }
            Statement::Labeled(s) => self.statement(&s.body, function_top_level),
            Statement::Throw(s) => self.expression(&s.argument),
            Statement::Try(s) => {
                self.block(s.block.body);
                if let Some(handler) = s.handler {
                    self.catch_clause(handler);
                }
                if let Some(finalizer) = s.finalizer {
                    self.block(finalizer.body);
                }
            }
            Statement::Import(_)
            | Statement::ExportNamed(_)
            | Statement::ExportDefault(_)
            | Statement::ExportAll(_) => {
                self.top_level_statement(statement, true);
            }
        }
    }

    /// The body of `if`, a loop, `with` or a label: a function declaration there (Annex B)
    /// behaves as if wrapped in a block.
    fn substatement(&mut self, statement: &Statement<'a>) {
        if matches!(statement, Statement::Function(_)) {
            self.push(ScopeKind::Block);
            self.statement(statement, false);
            self.close();
        } else {
            self.statement(statement, false);
        }
    }

    fn block(&mut self, body: &[Statement<'a>]) {
        self.push(ScopeKind::Block);
        for statement in body {
            self.statement(statement, false);
        }
        self.close();
    }

    fn catch_clause(&mut self, clause: &CatchClause<'a>) {
        let simple = matches!(clause.param, None | Some(Pattern::Identifier(_)));
        self.push(ScopeKind::Catch { simple });
        if let Some(param) = &clause.param {
            let mut names: SmallVec<[_; 4]> = SmallVec::new();
            param.bound_names(&mut |id| names.push(*id));
            for id in &names {
                let scope = self.top();
                if scope.params.contains(&id.name) {
                    self.report(
                        format!("Identifier '{}' has already been declared", id.name),
                        id.span,
                    );
                }
                self.top().params.push(id.name);
            }
            self.pattern_expressions(param);
        }
        // The block's lexical names may not repeat a parameter.
        self.push(ScopeKind::Block);
        for statement in clause.body.body {
            self.statement(statement, false);
        }
        self.check_clashes();
        let block = &self.scopes[self.depth - 1];
        let params = &self.scopes[self.depth - 2].params;
        let clash = block
            .lexical
            .iter()
            .find(|(name, _)| params.contains(name))
            .map(|(name, lex)| (name.to_string(), lex.span));
        if let Some((name, span)) = clash {
            self.report(
                format!("Identifier '{name}' has already been declared"),
                span,
            );
        }
        self.close_unchecked();
        self.close();
    }

    fn for_in_of(&mut self, left: &ForHead<'a>, right: &Expression<'a>, body: &Statement<'a>) {
        self.push(ScopeKind::Block);
        match left {
            ForHead::Variable(d) => self.variable_declaration(d),
            ForHead::Pattern(p) => self.pattern_expressions(p),
        }
        self.expression(right);
        self.substatement(body);
        self.close();
    }

    fn variable_declaration(&mut self, declaration: &VariableDeclaration<'a>) {
        for declarator in declaration.declarations {
            let mut names: SmallVec<[_; 4]> = SmallVec::new();
            declarator.target.bound_names(&mut |id| names.push(*id));
            for id in &names {
                if declaration.kind == VariableKind::Var {
                    self.declare_var(id);
                } else {
                    self.declare_lexical(id, false);
                }
            }
            self.pattern_expressions(&declarator.target);
            if let Some(init) = &declarator.init {
                self.expression(init);
            }
        }
    }

    /// Function scopes: parameters, then the body.
    fn function(&mut self, f: &Function<'a>) {
        let saved = self.strict;
        self.strict = f.strict;
        self.function_scope(f.params, f.body.statements);
        self.strict = saved;
    }

    fn arrow(&mut self, a: &ArrowFunction<'a>) {
        let saved = self.strict;
        self.strict = a.strict;
        match a.body {
            ArrowBody::Block(body) => self.function_scope(a.params, body.statements),
            ArrowBody::Expression(e) => {
                self.function_scope(a.params, &[]);
                self.expression(&e);
            }
        }
        self.strict = saved;
    }

    fn function_scope(&mut self, params: &FormalParameters<'a>, body: &[Statement<'a>]) {
        self.push(ScopeKind::Function);
        for p in params.items.iter().chain(params.rest.iter()) {
            let mut names: SmallVec<[_; 4]> = SmallVec::new();
            p.bound_names(&mut |id| names.push(id.name));
            self.top().params.extend(names);
            self.pattern_expressions(p);
        }
        for statement in body {
            self.statement(statement, true);
        }
        self.close();
    }

    fn class(&mut self, c: &Class<'a>) {
        // The class's own decorators come before it, in the enclosing code's strictness.
        self.decorators(c.decorators);
        let saved = self.strict;
        self.strict = true;
        if let Some(super_class) = &c.super_class {
            self.expression(super_class);
        }
        for element in c.body {
            match element {
                ClassElement::Method(m) => {
                    self.decorators(m.decorators);
                    self.property_key(&m.key);
                    if !self.nested_checked {
                        self.function(m.value);
                    }
                }
                ClassElement::Field(f) => {
                    self.decorators(f.decorators);
                    self.property_key(&f.key);
                    if let Some(value) = &f.value {
                        self.expression(value);
                    }
                }
                ClassElement::StaticBlock(b) => {
                    self.push(ScopeKind::Function);
                    for statement in b.body {
                        self.statement(statement, true);
                    }
                    self.close();
                }
            }
        }
        self.strict = saved;
    }

    fn decorators(&mut self, decorators: &[Decorator<'a>]) {
        for d in decorators {
            self.expression(&d.expression);
        }
    }

    fn property_key(&mut self, key: &PropertyKey<'a>) {
        if let PropertyKey::Computed(e) = key {
            self.expression(e);
        }
    }

    /// The expressions inside a pattern: defaults, computed keys, member targets.
    #[inline]
    fn pattern_expressions(&mut self, pattern: &Pattern<'a>) {
        if !self.nested_checked {
            self.walk_pattern_expressions(pattern);
        }
    }

    fn walk_pattern_expressions(&mut self, pattern: &Pattern<'a>) {
        match pattern {
            Pattern::Identifier(_) => {}
            Pattern::Member(m) => self.expression(&Expression::Member(m)),
            Pattern::Call(c) => self.expression(&Expression::Call(c)),
            Pattern::Object(o) => {
                for p in o.properties {
                    self.property_key(&p.key);
                    self.pattern_expressions(&p.value);
                }
                if let Some(rest) = &o.rest {
                    self.pattern_expressions(rest);
                }
            }
            Pattern::Array(a) => {
                for p in a.elements.iter().flatten() {
                    self.pattern_expressions(p);
                }
                if let Some(rest) = &a.rest {
                    self.pattern_expressions(rest);
                }
            }
            Pattern::Assign(a) => {
                self.pattern_expressions(&a.target);
                self.expression(&a.default);
            }
        }
    }

    /// Expressions hold no declarations of their own, but the functions and classes in them do.
    /// Whether a function, arrow function or class starts within `span`.
    fn holds_scope(&mut self, span: Span) -> bool {
        let starts = &self.scope_starts;
        let first_at_or_after = |i: usize| {
            (i == 0 || starts[i - 1] < span.start) && (i == starts.len() || starts[i] >= span.start)
        };
        let mut i = self.scope_cursor;
        if !first_at_or_after(i) {
            i = if i < starts.len() && first_at_or_after(i + 1) {
                i + 1
            } else {
                starts.partition_point(|&s| s < span.start)
            };
        }
        self.scope_cursor = i;
        starts.get(i).is_some_and(|&s| s < span.end)
    }

    /// Inlined, so that when pieces are checked as they are parsed, where expressions are skipped,
    /// skipping one costs a test and not a call.
    #[inline]
    fn expression(&mut self, expression: &Expression<'a>) {
        if self.error.is_none() && !self.nested_checked {
            self.walk_expression(expression);
        }
    }

    fn walk_expression(&mut self, expression: &Expression<'a>) {
        match expression {
            // Nothing to check, and nothing inside where a scope could start.
            Expression::Identifier(_)
            | Expression::Null(_)
            | Expression::Boolean(_)
            | Expression::Number(_)
            | Expression::BigInt(_)
            | Expression::String(_)
            | Expression::RegExp(_)
            | Expression::This(_)
            | Expression::Super(_)
            | Expression::NewTarget(_)
            | Expression::ImportMeta(_) => return,
            _ if !self.holds_scope(expression.span()) => return,
            _ => {}
        }
        match expression {
            Expression::Identifier(_)
            | Expression::Null(_)
            | Expression::Boolean(_)
            | Expression::Number(_)
            | Expression::BigInt(_)
            | Expression::String(_)
            | Expression::RegExp(_)
            | Expression::This(_)
            | Expression::Super(_)
            | Expression::NewTarget(_)
            | Expression::ImportMeta(_) => {}
            Expression::Template(t) => self.expressions(t.expressions),
            Expression::Array(a) => {
                for element in a.elements {
                    match element {
                        ArrayElement::Hole(_) => {}
                        ArrayElement::Expression(e) => self.expression(e),
                        ArrayElement::Spread(s) => self.expression(&s.argument),
                    }
                }
            }
            Expression::Object(o) => {
                for member in o.members {
                    match member {
                        ObjectMember::Property(p) => {
                            self.property_key(&p.key);
                            self.expression(&p.value);
                        }
                        ObjectMember::Spread(s) => self.expression(&s.argument),
                    }
                }
            }
            Expression::Function(f) => self.function(f),
            Expression::Arrow(a) => self.arrow(a),
            Expression::Class(c) => self.class(c),
            Expression::Unary(u) => self.expression(&u.argument),
            Expression::Update(u) => self.pattern_expressions(&u.argument),
            Expression::Binary(_)
            | Expression::Logical(_)
            | Expression::Member(_)
            | Expression::Call(_)
            | Expression::TaggedTemplate(_) => {
                self.left_deep_chain(expression);
            }
            Expression::PrivateIn(p) => self.expression(&p.right),
            Expression::Conditional(c) => {
                self.expression(&c.test);
                self.expression(&c.consequent);
                self.expression(&c.alternate);
            }
            Expression::Assignment(a) => {
                self.pattern_expressions(&a.target);
                self.expression(&a.value);
            }
            Expression::Sequence(s) => self.expressions(s.expressions),
            Expression::Parenthesized(p) => self.expression(&p.expression),
            Expression::New(n) => {
                self.expression(&n.callee);
                self.arguments(n.arguments);
            }
            Expression::OptionalChain(c) => self.expression(&c.expression),
            Expression::Yield(y) => {
                if let Some(argument) = &y.argument {
                    self.expression(argument);
                }
            }
            Expression::Await(a) => self.expression(&a.argument),
            Expression::ImportCall(i) => {
                self.expression(&i.source);
                if let Some(options) = &i.options {
                    self.expression(options);
                }
            }
        }
    }

    /// `a + b + c`, `a.b.c`, `f()()`: trees as deep as the chain is long, which the parser builds
    /// with a loop. Walk their left spine with a loop too, so a long chain cannot exhaust the stack.
    fn left_deep_chain(&mut self, expression: &Expression<'a>) {
        let mut spine: SmallVec<[Expression<'a>; 8]> = SmallVec::new();
        let mut current = *expression;
        loop {
            match current {
                Expression::Binary(b) => {
                    spine.push(b.right);
                    current = b.left;
                }
                Expression::Logical(l) => {
                    spine.push(l.right);
                    current = l.left;
                }
                Expression::Member(m) => {
                    if let MemberProperty::Computed(e) = m.property {
                        spine.push(e);
                    }
                    current = m.object;
                }
                Expression::Call(c) => {
                    for argument in c.arguments {
                        match argument {
                            Argument::Expression(e) => spine.push(*e),
                            Argument::Spread(s) => spine.push(s.argument),
                        }
                    }
                    current = c.callee;
                }
                Expression::TaggedTemplate(t) => {
                    spine.extend(t.quasi.expressions.iter().copied());
                    current = t.tag;
                }
                _ => break,
            }
        }
        self.expression(&current);
        for e in spine.iter().rev() {
            self.expression(e);
        }
    }

    fn expressions(&mut self, expressions: &[Expression<'a>]) {
        for e in expressions {
            self.expression(e);
        }
    }

    fn arguments(&mut self, arguments: &[Argument<'a>]) {
        for argument in arguments {
            match argument {
                Argument::Expression(e) => self.expression(e),
                Argument::Spread(s) => self.expression(&s.argument),
            }
        }
    }

    /// 16.2.1.1: exported names are unique, and every local name exported without `from` is
    /// declared in the module.
    fn check_exports(&mut self, program: &Program<'a>, scope: &Scope<'a>) {
        let mut exported: FxHashMap<String, Span> = FxHashMap::default();
        let mut export_name = |this: &mut Self, name: String, span: Span| {
            if exported.insert(name.clone(), span).is_some() {
                this.report(format!("Duplicate export of '{name}'"), span);
            }
        };
        for statement in program.body {
            match statement {
                Statement::ExportNamed(export) => {
                    if let Some(declaration) = &export.declaration {
                        let mut names: SmallVec<[_; 4]> = SmallVec::new();
                        match declaration {
                            Statement::Variable(d) => {
                                for declarator in d.declarations {
                                    declarator.target.bound_names(&mut |id| names.push(*id));
                                }
                            }
                            Statement::Function(f) => names.extend(f.id),
                            Statement::Class(c) => names.extend(c.id),
                            _ => {}
                        }
                        for id in names {
                            export_name(self, id.name.to_string(), id.span);
                        }
                    }
                    for specifier in export.specifiers {
                        export_name(
                            self,
                            export_name_text(&specifier.exported),
                            export_name_span(&specifier.exported),
                        );
                        if export.source.is_none()
                            && let ModuleExportName::Identifier(local) = &specifier.local
                            && !scope.lexical.contains_key(local.name)
                            && !scope.vars.contains_key(local.name)
                        {
                            self.report(
                                format!("Export '{}' is not defined in module", local.name),
                                local.span,
                            );
                        }
                    }
                }
                Statement::ExportDefault(export) => {
                    export_name(self, "default".to_string(), export.span)
                }
                Statement::ExportAll(export) => {
                    if let Some(name) = &export.exported {
                        export_name(self, export_name_text(name), export_name_span(name));
                    }
                }
                _ => {}
            }
        }
    }
}

fn export_name_text(name: &ModuleExportName<'_>) -> String {
    match name {
        ModuleExportName::Identifier(id) => id.name.to_string(),
        ModuleExportName::String(s) => String::from_utf16_lossy(s.value),
    }
}

fn export_name_span(name: &ModuleExportName<'_>) -> Span {
    match name {
        ModuleExportName::Identifier(id) => id.span,
        ModuleExportName::String(s) => s.span,
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::SourceKind;
    use crate::{ParseOptions, parse};

    fn error(source: &str, kind: SourceKind) -> Option<String> {
        let arena = bumpalo::Bump::new();
        parse(&arena, source, ParseOptions { kind, eval: None })
            .errors
            .first()
            .map(|e| e.message.clone())
    }

    #[test]
    fn declarations_that_clash() {
        for source in [
            "let a; let a;",
            "let a; var a;",
            "{ var a; } let a;",
            "const a = 1; function a() {}",
            "function f(a) { let a; }",
            "try {} catch (e) { let e; }",
            "try {} catch ([e]) { var e; }",
            "switch (0) { case 1: let a; case 2: let a; }",
            "for (let a;;) { var a; }",
            "'use strict'; { function f() {} function f() {} }",
            "{ async function f() {} function f() {} }",
            "class C { static { var a; let a; } }",
        ] {
            assert!(error(source, SourceKind::Script).is_some(), "{source}");
        }
    }

    #[test]
    fn declarations_that_do_not() {
        for source in [
            "var a; var a;",
            "function a() {} var a;",
            "{ function f() {} function f() {} }",
            "try {} catch (e) { var e; }",
            "try {} catch (e) { for (var e of []); }",
            "function f(a) { var a; }",
            "let a; { let a; }",
            "(function f() { let f; })",
        ] {
            assert_eq!(error(source, SourceKind::Script), None, "{source}");
        }
    }

    #[test]
    fn module_rules() {
        for source in [
            "function f() {} var f;",
            "import a from 'm'; let a;",
            "export var a; export { a };",
            "export { missing };",
            "export default 1; export default 2;",
        ] {
            assert!(error(source, SourceKind::Module).is_some(), "{source}");
        }
        assert_eq!(
            error(
                "var a; export { a as b, a as c }; export * from 'm';",
                SourceKind::Module
            ),
            None
        );
    }
}
