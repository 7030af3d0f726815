//! Scope analysis: which bindings each scope declares, and which of them a closure, `with` or a
//! direct `eval` can reach (those are *captured* and live in heap environments; the rest live in
//! registers).
//!
//! One walk over the tree declares every scope's bindings on entry (hoisting `var` and function
//! declarations to their function, `let`/`const`/`class` to their block) and then resolves each
//! reference up the scope chain. The code generator later looks scopes up by the address of the
//! node that opens them and repeats the same resolution to pick a location.

use kiln_parser::ast::*;
use rustc_hash::FxHashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ScopeId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// Script top level: `var` and functions are global object properties, lexical declarations
    /// global lexical bindings.
    Script,
    Module,
    /// Top level of direct or indirect `eval` code.
    Eval,
    /// A function's parameters (and its variables, unless the body has its own scope).
    Function {
        arrow: bool,
    },
    /// The variables of a function whose parameters have expressions (ECMA-262 10.2.11 step 28).
    FunctionBody,
    /// A named function expression's own name.
    FunctionName,
    Block,
    Catch,
    Class,
    With,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindingKind {
    Var,
    Let,
    Const,
    Class,
    Function,
    Parameter,
    CatchParameter,
    /// A named function expression's own name.
    SelfName,
    Import,
    /// `this`, `new.target`, the running function (`%fn`) and `arguments`: declared on demand in
    /// the nearest non-arrow function so that arrows and `eval` can capture them.
    Implicit,
    /// `#name` of a class body.
    PrivateName,
}

impl BindingKind {
    pub fn is_lexical(self) -> bool {
        matches!(
            self,
            BindingKind::Let | BindingKind::Const | BindingKind::Class
        )
    }
}

#[derive(Clone, Debug)]
pub struct Binding<'a> {
    pub name: &'a str,
    pub kind: BindingKind,
    pub captured: bool,
    /// Its slot in the scope's environment when captured: its rank among the captured bindings.
    /// Set once the analysis is complete ([`ScopeTree::number_slots`]).
    pub slot: u32,
}

#[derive(Clone, Debug)]
pub struct Scope<'a> {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    pub bindings: Vec<Binding<'a>>,
    /// The bindings by name and privateness, kept once a scope has more than
    /// [`INDEXED_SCOPE`] of them (a linear search is cheaper below).
    index: FxHashMap<(&'a str, bool), u32>,
    /// [`Scope::has_env`], set with the slots.
    env: bool,
    /// One bit per binding's [`NameBit`]: a walk up the scope chain passes a scope whose filter
    /// lacks its name's bit without looking at its bindings.
    filter: u64,
    pub strict: bool,
    /// A variable scope that sloppy direct `eval` may add bindings to: it needs an environment and
    /// references that leave it are resolved by name at run time.
    pub sloppy_eval: bool,
    /// Somewhere inside, a direct `eval` runs (strict or not).
    pub contains_eval: bool,
    /// Parameters with defaults or patterns: each is in its TDZ until bound.
    pub parameter_tdz: bool,
    /// Of an `eval` scope's `var` bindings, those only Annex B block functions declare: they are
    /// created at run time only when no enclosing binding blocks them (B.3.2.3).
    pub annex_b_only: Vec<&'a str>,
}

/// A name's bit in scopes' filters: one of 64, from a hash of the name.
#[derive(Clone, Copy)]
pub struct NameBit(u64);

impl NameBit {
    pub fn of(name: &str) -> Self {
        let mut hasher = rustc_hash::FxHasher::default();
        std::hash::Hasher::write(&mut hasher, name.as_bytes());
        NameBit(1 << (std::hash::Hasher::finish(&hasher) >> 58))
    }
}

/// Scopes with more bindings than this find them through a hash map.
const INDEXED_SCOPE: usize = 8;

impl<'a> Scope<'a> {
    fn new(kind: ScopeKind, parent: Option<ScopeId>, strict: bool) -> Self {
        Scope {
            kind,
            parent,
            bindings: Vec::new(),
            index: FxHashMap::default(),
            env: false,
            filter: 0,
            strict,
            sloppy_eval: false,
            contains_eval: false,
            parameter_tdz: false,
            annex_b_only: Vec::new(),
        }
    }

    /// The binding of an identifier `name` (private names excluded).
    pub fn find(&self, name: &str) -> Option<usize> {
        self.lookup(name, false)
    }

    /// The binding of the private name `#name`.
    pub fn find_private(&self, name: &str) -> Option<usize> {
        self.lookup(name, true)
    }

    /// Whether the scope may bind a name with this bit (if not, it certainly does not).
    pub fn may_bind(&self, bit: NameBit) -> bool {
        self.filter & bit.0 != 0
    }

    /// `find` or `find_private`.
    pub fn lookup(&self, name: &str, private: bool) -> Option<usize> {
        if self.bindings.len() > INDEXED_SCOPE {
            return self.index.get(&(name, private)).map(|&i| i as usize);
        }
        self.bindings
            .iter()
            .position(|b| b.name == name && (b.kind == BindingKind::PrivateName) == private)
    }

    /// Adds a binding `name` does not have yet.
    fn add(&mut self, name: &'a str, kind: BindingKind) {
        self.bindings.push(Binding {
            name,
            kind,
            captured: false,
            slot: 0,
        });
        self.filter |= NameBit::of(name).0;
        let count = self.bindings.len();
        if count > INDEXED_SCOPE + 1 {
            self.index
                .insert((name, kind == BindingKind::PrivateName), count as u32 - 1);
        } else if count == INDEXED_SCOPE + 1 {
            self.index = self
                .bindings
                .iter()
                .enumerate()
                .map(|(i, b)| ((b.name, b.kind == BindingKind::PrivateName), i as u32))
                .collect();
        }
    }

    pub fn is_function(&self) -> bool {
        matches!(
            self.kind,
            ScopeKind::Function { .. } | ScopeKind::Script | ScopeKind::Module | ScopeKind::Eval
        )
    }

    /// Whether the scope gets a heap environment when entered (known once the analysis is
    /// complete).
    pub fn has_env(&self) -> bool {
        self.env
    }

    fn needs_env(&self) -> bool {
        matches!(self.kind, ScopeKind::With)
            || self.sloppy_eval
            || (!matches!(self.kind, ScopeKind::Script | ScopeKind::Eval)
                && self.bindings.iter().any(|b| b.captured))
            || (self.kind == ScopeKind::Eval
                && ((self.strict && !self.bindings.is_empty())
                    || self.bindings.iter().any(|b| b.captured)))
    }
}

/// The result of the analysis.
#[derive(Default, Debug)]
pub struct ScopeTree<'a> {
    pub scopes: Vec<Scope<'a>>,
    by_node: FxHashMap<usize, ScopeId>,
}

impl<'a> ScopeTree<'a> {
    /// Gives every captured binding its environment slot and every scope its [`Scope::has_env`],
    /// once captures are final.
    fn number_slots(&mut self) {
        for scope in &mut self.scopes {
            let mut slot = 0;
            for b in &mut scope.bindings {
                b.slot = slot;
                slot += u32::from(b.captured);
            }
            scope.env = scope.needs_env();
        }
    }

    pub fn get(&self, id: ScopeId) -> &Scope<'a> {
        &self.scopes[id.0 as usize]
    }

    /// The scope opened by the node at `address` (see [`node`]).
    pub fn scope_of(&self, address: usize) -> Option<ScopeId> {
        self.by_node.get(&address).copied()
    }
}

/// The key of a node: its arena address, plus a small tag for nodes that open several scopes.
pub fn node<T>(node: &T, tag: usize) -> usize {
    node as *const T as usize + tag
}

pub const TAG_SELF_NAME: usize = 1;
pub const TAG_BODY: usize = 2;
pub const TAG_INSTANCE_FIELDS: usize = 1;
pub const TAG_STATIC_FIELDS: usize = 2;
pub const TAG_LOOP_BODY: usize = 1;
/// On a `FieldDefinition` with `accessor`: its synthetic getter and setter.
pub const TAG_ACCESSOR_GET: usize = 1;
pub const TAG_ACCESSOR_SET: usize = 2;

/// Whether the class or any of its elements has decorators.
pub fn is_decorated(c: &Class<'_>) -> bool {
    !c.decorators.is_empty()
        || c.body.iter().any(|e| match e {
            ClassElement::Method(m) => !m.decorators.is_empty(),
            ClassElement::Field(f) => !f.decorators.is_empty(),
            ClassElement::StaticBlock(_) => false,
        })
}

/// The private name under which the auto-accessor at `index` in its class body keeps its value.
/// It starts with a digit, so no `#name` in the source can refer to it.
pub fn accessor_storage(index: usize) -> String {
    format!("{index} accessor storage")
}

pub struct Analyzer<'a> {
    tree: ScopeTree<'a>,
    /// Names the analysis makes up (see [`accessor_storage`]).
    names: &'a bumpalo::Bump,
    current: ScopeId,
    /// While hoisting: the lexically declared names of each enclosing block, (functions, the
    /// others), innermost last.
    block_lexicals: Vec<(Vec<&'a str>, Vec<&'a str>)>,
}

/// What kind of code is analysed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    Script,
    Module,
    /// Direct or indirect `eval` code.
    Eval {
        strict: bool,
    },
}

/// Analyses `program`; names it makes up are allocated in `names`.
pub fn analyze<'a>(
    program: &Program<'a>,
    kind: CodeKind,
    names: &'a bumpalo::Bump,
) -> ScopeTree<'a> {
    let (scope_kind, strict) = match kind {
        CodeKind::Script => (ScopeKind::Script, program.strict),
        CodeKind::Module => (ScopeKind::Module, true),
        CodeKind::Eval { strict } => (ScopeKind::Eval, strict || program.strict),
    };
    let mut a = Analyzer {
        tree: ScopeTree::default(),
        names,
        current: ScopeId(0),
        block_lexicals: Vec::new(),
    };
    let root = a.push(scope_kind, node(program, 0), strict);
    a.hoist_function_body(program.body, root, root);
    a.statements(program.body);
    if kind == CodeKind::Module {
        // A module's bindings live in its environment, which importers link to.
        for b in &mut a.tree.scopes[root.0 as usize].bindings {
            if b.kind != BindingKind::Implicit {
                b.captured = true;
            }
        }
    }
    a.tree.number_slots();
    a.tree
}

impl<'a> Analyzer<'a> {
    fn push(&mut self, kind: ScopeKind, key: usize, strict: bool) -> ScopeId {
        let id = ScopeId(self.tree.scopes.len() as u32);
        let parent = if self.tree.scopes.is_empty() {
            None
        } else {
            Some(self.current)
        };
        self.tree.scopes.push(Scope::new(kind, parent, strict));
        self.tree.by_node.insert(key, id);
        self.current = id;
        id
    }

    fn pop(&mut self, to: ScopeId) {
        self.current = to;
    }

    fn scope(&mut self, id: ScopeId) -> &mut Scope<'a> {
        &mut self.tree.scopes[id.0 as usize]
    }

    fn strict(&self) -> bool {
        self.tree.scopes[self.current.0 as usize].strict
    }

    fn declare(&mut self, scope: ScopeId, name: &'a str, kind: BindingKind) {
        let s = self.scope(scope);
        if let Some(i) = s.lookup(name, kind == BindingKind::PrivateName) {
            // Parameters and functions win over `var`; a later function replaces an earlier one.
            if kind == BindingKind::Function && s.bindings[i].kind == BindingKind::Var {
                s.bindings[i].kind = kind;
            }
            return;
        }
        s.add(name, kind);
    }

    /// Declares a function body's hoisted names: `var`s anywhere in it into `var_scope`, and its
    /// top-level functions and lexical declarations into `lexical_scope`.
    fn hoist_function_body(
        &mut self,
        body: &[Statement<'a>],
        var_scope: ScopeId,
        lexical_scope: ScopeId,
    ) {
        // The body's own lexical declarations block Annex B vars like an enclosing block's.
        self.enter_block_lexicals(body.iter().filter(|s| !matches!(s, Statement::Function(_))));
        for statement in body {
            self.hoist_vars(statement, var_scope);
        }
        self.block_lexicals.pop();
        for statement in body {
            match statement {
                Statement::Function(f) => {
                    if let Some(id) = &f.id {
                        self.declare(var_scope, id.name, BindingKind::Function);
                    }
                }
                Statement::ExportDefault(d) => match d.kind {
                    ExportDefaultKind::Function(f) => {
                        let name = f.id.map_or("*default*", |id| id.name);
                        self.declare(var_scope, name, BindingKind::Function);
                    }
                    ExportDefaultKind::Class(c) => {
                        let name = c.id.map_or("*default*", |id| id.name);
                        self.declare(lexical_scope, name, BindingKind::Class);
                    }
                    ExportDefaultKind::Expression(_) => {
                        self.declare(lexical_scope, "*default*", BindingKind::Const);
                    }
                },
                Statement::Import(import) => {
                    for specifier in import.specifiers {
                        let local = match specifier {
                            ImportSpecifier::Default(id) | ImportSpecifier::Namespace(id) => id,
                            ImportSpecifier::Named { local, .. } => local,
                        };
                        self.declare(lexical_scope, local.name, BindingKind::Import);
                    }
                }
                _ => self.hoist_lexical(statement, lexical_scope),
            }
        }
    }

    /// Declares the lexical names a statement list item introduces into `scope`.
    fn hoist_lexical(&mut self, statement: &Statement<'a>, scope: ScopeId) {
        match statement {
            Statement::Variable(v) if v.kind != VariableKind::Var => {
                let kind = if v.kind == VariableKind::Let {
                    BindingKind::Let
                } else {
                    BindingKind::Const
                };
                for d in v.declarations {
                    d.target
                        .bound_names(&mut |id| self.declare(scope, id.name, kind));
                }
            }
            Statement::Class(c) => {
                if let Some(id) = &c.id {
                    self.declare(scope, id.name, BindingKind::Class);
                }
            }
            Statement::Function(f) => {
                if let Some(id) = &f.id {
                    self.declare(scope, id.name, BindingKind::Let);
                }
            }
            Statement::ExportNamed(e) => {
                if let Some(d) = &e.declaration {
                    self.hoist_lexical(d, scope);
                }
            }
            _ => {}
        }
    }

    fn hoist_vars(&mut self, statement: &Statement<'a>, scope: ScopeId) {
        let declare_var = |a: &mut Self, v: &VariableDeclaration<'a>| {
            if v.kind == VariableKind::Var {
                for d in v.declarations {
                    d.target.bound_names(&mut |id| {
                        a.declare(scope, id.name, BindingKind::Var);
                        a.scope(scope).annex_b_only.retain(|n| *n != id.name);
                    });
                }
            }
        };
        match statement {
            Statement::Variable(v) => declare_var(self, v),
            Statement::Block(b) => {
                self.enter_block_lexicals(b.body.iter());
                for s in b.body {
                    self.hoist_vars(s, scope);
                    self.annex_b_function(s, scope);
                }
                self.block_lexicals.pop();
            }
            Statement::If(s) => {
                self.hoist_vars(&s.consequent, scope);
                self.annex_b_function(&s.consequent, scope);
                if let Some(alt) = &s.alternate {
                    self.hoist_vars(alt, scope);
                    self.annex_b_function(alt, scope);
                }
            }
            Statement::DoWhile(s) => self.hoist_vars(&s.body, scope),
            Statement::While(s) => self.hoist_vars(&s.body, scope),
            Statement::For(s) => {
                let head = match &s.init {
                    Some(ForInit::Variable(v)) => {
                        declare_var(self, v);
                        Some(*v)
                    }
                    _ => None,
                };
                self.hoist_loop_body(&s.body, head, scope);
            }
            Statement::ForIn(s) => {
                let head = head_declaration(&s.left);
                head.iter().for_each(|v| declare_var(self, v));
                self.hoist_loop_body(&s.body, head, scope);
            }
            Statement::ForOf(s) => {
                let head = head_declaration(&s.left);
                head.iter().for_each(|v| declare_var(self, v));
                self.hoist_loop_body(&s.body, head, scope);
            }
            Statement::With(s) => self.hoist_vars(&s.body, scope),
            Statement::Switch(s) => {
                self.enter_block_lexicals(s.cases.iter().flat_map(|c| c.body.iter()));
                for case in s.cases {
                    for st in case.body {
                        self.hoist_vars(st, scope);
                        self.annex_b_function(st, scope);
                    }
                }
                self.block_lexicals.pop();
            }
            Statement::Labeled(s) => {
                self.hoist_vars(&s.body, scope);
                self.annex_b_function(&s.body, scope);
            }
            Statement::Try(s) => {
                // A destructuring catch parameter blocks Annex B vars; a simple one does not
                // (B.3.4).
                let mut catch_names = Vec::new();
                if let Some(h) = s.handler
                    && let Some(p) = &h.param
                    && !matches!(p, Pattern::Identifier(_))
                {
                    p.bound_names(&mut |id| catch_names.push(id.name));
                }
                let blocks = [
                    (Some(s.block.body), false),
                    (s.handler.map(|h| h.body.body), true),
                    (s.finalizer.map(|f| f.body), false),
                ];
                for (body, is_catch) in blocks {
                    let Some(body) = body else { continue };
                    if is_catch {
                        self.block_lexicals.push((Vec::new(), catch_names.clone()));
                    }
                    self.enter_block_lexicals(body.iter());
                    for st in body {
                        self.hoist_vars(st, scope);
                        self.annex_b_function(st, scope);
                    }
                    self.block_lexicals.pop();
                    if is_catch {
                        self.block_lexicals.pop();
                    }
                }
            }
            Statement::ExportNamed(e) => {
                if let Some(d) = &e.declaration {
                    self.hoist_vars(d, scope);
                }
            }
            _ => {}
        }
    }

    /// A loop body, inside the `let`/`const` bindings of its head.
    fn hoist_loop_body(
        &mut self,
        body: &Statement<'a>,
        head: Option<&'a VariableDeclaration<'a>>,
        scope: ScopeId,
    ) {
        let mut names = Vec::new();
        if let Some(v) = head
            && v.kind != VariableKind::Var
        {
            for d in v.declarations {
                d.target.bound_names(&mut |id| names.push(id.name));
            }
        }
        self.block_lexicals.push((Vec::new(), names));
        self.hoist_vars(body, scope);
        self.block_lexicals.pop();
    }

    /// Notes the lexical declarations of a block being hoisted through.
    fn enter_block_lexicals<'s>(&mut self, body: impl Iterator<Item = &'s Statement<'a>>)
    where
        'a: 's,
    {
        let (mut functions, mut others) = (Vec::new(), Vec::new());
        for statement in body {
            match statement {
                Statement::Function(f) => functions.extend(f.id.as_ref().map(|id| id.name)),
                Statement::Class(c) => others.extend(c.id.as_ref().map(|id| id.name)),
                Statement::Variable(v) if v.kind != VariableKind::Var => {
                    for d in v.declarations {
                        d.target.bound_names(&mut |id| others.push(id.name));
                    }
                }
                _ => {}
            }
        }
        self.block_lexicals.push((functions, others));
    }

    /// Annex B.3.3: a plain function declared in a block of sloppy code also gets a `var` binding
    /// in its function, unless that would clash with a lexical declaration.
    fn annex_b_function(&mut self, statement: &Statement<'a>, var_scope: ScopeId) {
        let Statement::Function(f) = statement else {
            return;
        };
        if f.is_async || f.is_generator || self.tree.get(var_scope).strict {
            return;
        }
        let Some(id) = &f.id else { return };
        let existing = self.tree.get(var_scope).find(id.name);
        if let Some(i) = existing {
            let kind = self.tree.get(var_scope).bindings[i].kind;
            if kind.is_lexical() {
                return;
            }
            if kind == BindingKind::Parameter {
                return;
            }
        }
        // A `var` would be an early error next to a lexical declaration of an enclosing block
        // or of the body (the innermost block's own functions excepted: `f` is one of them).
        let blocked =
            self.block_lexicals
                .iter()
                .rev()
                .enumerate()
                .any(|(depth, (functions, others))| {
                    others.contains(&id.name) || (depth > 0 && functions.contains(&id.name))
                });
        if blocked {
            return;
        }
        if self.tree.get(var_scope).kind == ScopeKind::Eval && existing.is_none() {
            self.scope(var_scope).annex_b_only.push(id.name);
        }
        // Elsewhere, clashes with lexical bindings of enclosing blocks are found when the block
        // is entered.
        self.declare(var_scope, id.name, BindingKind::Var);
    }

    /// The nearest scope whose `var`s the code at `from` declares into.
    pub fn var_scope_of(tree: &ScopeTree<'_>, mut from: ScopeId) -> ScopeId {
        loop {
            let s = tree.get(from);
            if s.is_function() || s.kind == ScopeKind::FunctionBody {
                return from;
            }
            match s.parent {
                Some(p) => from = p,
                None => return from,
            }
        }
    }

    /// The nearest non-arrow function (or top level): where `this`, `new.target` and `arguments`
    /// live.
    pub fn this_scope_of(tree: &ScopeTree<'_>, mut from: ScopeId) -> ScopeId {
        loop {
            let s = tree.get(from);
            match s.kind {
                ScopeKind::Function { arrow: false }
                | ScopeKind::Script
                | ScopeKind::Module
                | ScopeKind::Eval => return from,
                _ => {}
            }
            match s.parent {
                Some(p) => from = p,
                None => return from,
            }
        }
    }

    /// Resolves a reference to `name` from the current scope, marking what it reaches.
    fn reference(&mut self, name: &'a str) {
        self.resolve(name, false)
    }

    fn private_reference(&mut self, name: &'a str) {
        self.resolve(name, true)
    }

    fn resolve(&mut self, name: &'a str, private: bool) {
        let bit = NameBit::of(name);
        let mut id = self.current;
        let mut crossed_function = false;
        let mut dynamic = false;
        loop {
            let scope = &mut self.tree.scopes[id.0 as usize];
            if scope.may_bind(bit)
                && let Some(i) = scope.lookup(name, private)
            {
                // A script's bindings are global, and so are a sloppy eval's `var`s and
                // functions (they go to the variable environment, by name): nothing to capture.
                // Eval code's other bindings are its own, and closures capture them.
                let kind = scope.bindings[i].kind;
                let top_level = match scope.kind {
                    ScopeKind::Script => kind != BindingKind::Implicit,
                    ScopeKind::Eval => {
                        !scope.strict && matches!(kind, BindingKind::Var | BindingKind::Function)
                    }
                    _ => false,
                };
                if (crossed_function || dynamic) && !top_level {
                    scope.bindings[i].captured = true;
                }
                return;
            }
            if scope.kind == ScopeKind::With || scope.sloppy_eval {
                dynamic = true;
            }
            if matches!(scope.kind, ScopeKind::Function { .. } | ScopeKind::Class) {
                crossed_function = true;
            }
            match scope.parent {
                Some(p) => id = p,
                None => return,
            }
        }
    }

    /// A use of `this`, `new.target`, `arguments` or the running function: declare it in the
    /// nearest non-arrow function, then reference it.
    fn implicit(&mut self, name: &'static str) {
        let target = Self::this_scope_of(&self.tree, self.current);
        let kind = self.tree.get(target).kind;
        if name == "arguments" && !matches!(kind, ScopeKind::Function { arrow: false }) {
            self.reference(name);
            return;
        }
        if self.tree.get(target).find(name).is_none() {
            self.declare(target, name, BindingKind::Implicit);
        }
        self.reference(name);
    }

    /// A direct `eval` call: everything visible may be read or written by name.
    fn direct_eval(&mut self) {
        for name in ["this", "new.target", "%fn", "arguments"] {
            let target = Self::this_scope_of(&self.tree, self.current);
            if matches!(
                self.tree.get(target).kind,
                ScopeKind::Function { arrow: false }
            ) && self.tree.get(target).find(name).is_none()
            {
                if name == "arguments" && self.is_arguments_shadowed(target) {
                    continue;
                }
                self.declare(target, name, BindingKind::Implicit);
            }
        }
        let strict = self.strict();
        if !strict {
            let var_scope = Self::var_scope_of(&self.tree, self.current);
            self.scope(var_scope).sloppy_eval = true;
        }
        let mut id = Some(self.current);
        while let Some(s) = id {
            let scope = self.scope(s);
            scope.contains_eval = true;
            if !matches!(scope.kind, ScopeKind::Script | ScopeKind::Eval) {
                for b in &mut scope.bindings {
                    b.captured = true;
                }
            }
            id = scope.parent;
        }
    }

    fn is_arguments_shadowed(&self, function: ScopeId) -> bool {
        self.tree.get(function).find("arguments").is_some()
    }

    // -----------------------------------------------------------------------------------------
    // The walk

    fn statements(&mut self, list: &[Statement<'a>]) {
        for s in list {
            self.statement(s);
        }
    }

    fn block_scope(&mut self, key: usize, body: &[Statement<'a>]) {
        let outer = self.current;
        let strict = self.strict();
        let id = self.push(ScopeKind::Block, key, strict);
        for s in body {
            self.hoist_lexical(s, id);
        }
        self.statements(body);
        self.pop(outer);
    }

    fn statement(&mut self, statement: &Statement<'a>) {
        match statement {
            Statement::Block(b) => self.block_scope(node(*b, 0), b.body),
            Statement::Variable(v) => self.variable_declaration(v),
            Statement::Function(f) => self.function(f, false),
            Statement::Class(c) => self.class(c),
            Statement::Empty(_) | Statement::Debugger(_) => {}
            Statement::Expression(e) => self.expression(&e.expression),
            Statement::If(s) => {
                self.expression(&s.test);
                self.sub_statement(&s.consequent);
                if let Some(alt) = &s.alternate {
                    self.sub_statement(alt);
                }
            }
            Statement::DoWhile(s) => {
                self.sub_statement(&s.body);
                self.expression(&s.test);
            }
            Statement::While(s) => {
                self.expression(&s.test);
                self.sub_statement(&s.body);
            }
            Statement::For(s) => {
                let outer = self.current;
                let strict = self.strict();
                let id = self.push(ScopeKind::Block, node(*s, 0), strict);
                match &s.init {
                    Some(ForInit::Variable(v)) => {
                        self.hoist_lexical(&Statement::Variable(v), id);
                        self.variable_declaration(v);
                    }
                    Some(ForInit::Expression(e)) => self.expression(e),
                    None => {}
                }
                if let Some(t) = &s.test {
                    self.expression(t);
                }
                if let Some(u) = &s.update {
                    self.expression(u);
                }
                self.sub_statement(&s.body);
                self.pop(outer);
            }
            Statement::ForIn(s) => self.for_in_of(node(*s, 0), &s.left, &s.right, &s.body),
            Statement::ForOf(s) => self.for_in_of(node(*s, 0), &s.left, &s.right, &s.body),
            Statement::Continue(_) | Statement::Break(_) => {}
            Statement::Return(r) => {
                if let Some(e) = &r.argument {
                    self.expression(e);
                }
            }
            Statement::With(w) => {
                self.expression(&w.object);
                let outer = self.current;
                let strict = self.strict();
                self.push(ScopeKind::With, node(*w, 0), strict);
                self.sub_statement(&w.body);
                self.pop(outer);
            }
            Statement::Switch(s) => {
                self.expression(&s.discriminant);
                let outer = self.current;
                let strict = self.strict();
                let id = self.push(ScopeKind::Block, node(*s, 0), strict);
                for case in s.cases {
                    for st in case.body {
                        self.hoist_lexical(st, id);
                    }
                }
                for case in s.cases {
                    if let Some(t) = &case.test {
                        self.expression(t);
                    }
                    self.statements(case.body);
                }
                self.pop(outer);
            }
            Statement::Labeled(l) => self.sub_statement(&l.body),
            Statement::Throw(t) => self.expression(&t.argument),
            Statement::Try(t) => {
                self.block_scope(node(t.block, 0), t.block.body);
                if let Some(h) = t.handler {
                    let outer = self.current;
                    let strict = self.strict();
                    let id = self.push(ScopeKind::Catch, node(h, 0), strict);
                    if let Some(p) = &h.param {
                        p.bound_names(&mut |n| {
                            self.declare(id, n.name, BindingKind::CatchParameter)
                        });
                        self.pattern(p);
                    }
                    self.block_scope(node(h.body, 0), h.body.body);
                    self.pop(outer);
                }
                if let Some(f) = t.finalizer {
                    self.block_scope(node(f, 0), f.body);
                }
            }
            Statement::Import(_) | Statement::ExportAll(_) => {}
            Statement::ExportNamed(e) => {
                if let Some(d) = &e.declaration {
                    self.statement(d);
                } else if e.source.is_none() {
                    for spec in e.specifiers {
                        if let ModuleExportName::Identifier(id) = spec.local {
                            self.reference(id.name);
                        }
                    }
                }
            }
            Statement::ExportDefault(d) => match d.kind {
                ExportDefaultKind::Function(f) => self.function(f, false),
                ExportDefaultKind::Class(c) => self.class(c),
                ExportDefaultKind::Expression(e) => self.expression(&e),
            },
        }
    }

    /// The body of an `if`, loop or label: a function declaration there (sloppy Annex B) gets
    /// its own block scope.
    fn sub_statement(&mut self, statement: &Statement<'a>) {
        if let Statement::Function(f) = statement {
            let outer = self.current;
            let strict = self.strict();
            let id = self.push(ScopeKind::Block, node(*f, TAG_BODY + 1), strict);
            self.hoist_lexical(statement, id);
            self.function(f, false);
            self.pop(outer);
        } else {
            self.statement(statement);
        }
    }

    fn for_in_of(
        &mut self,
        key: usize,
        left: &ForHead<'a>,
        right: &Expression<'a>,
        body: &Statement<'a>,
    ) {
        let outer = self.current;
        let strict = self.strict();
        // The head scope holds the loop's lexical names while the right side is evaluated (TDZ);
        // each iteration gets a fresh copy of it.
        let id = self.push(ScopeKind::Block, key, strict);
        if let ForHead::Variable(v) = left {
            self.hoist_lexical(&Statement::Variable(v), id);
        }
        self.expression(right);
        match left {
            ForHead::Variable(v) => self.variable_declaration(v),
            ForHead::Pattern(p) => self.pattern(p),
        }
        self.sub_statement(body);
        self.pop(outer);
    }

    fn variable_declaration(&mut self, v: &VariableDeclaration<'a>) {
        for d in v.declarations {
            self.pattern(&d.target);
            if let Some(init) = &d.init {
                self.expression(init);
            }
        }
    }

    fn pattern(&mut self, pattern: &Pattern<'a>) {
        match pattern {
            Pattern::Identifier(id) => self.reference(id.name),
            Pattern::Member(m) => self.member(m),
            Pattern::Call(c) => self.call(c),
            Pattern::Object(o) => {
                for p in o.properties {
                    self.property_key(&p.key);
                    self.pattern(&p.value);
                }
                if let Some(r) = &o.rest {
                    self.pattern(r);
                }
            }
            Pattern::Array(a) => {
                for p in a.elements.iter().flatten() {
                    self.pattern(p);
                }
                if let Some(r) = &a.rest {
                    self.pattern(r);
                }
            }
            Pattern::Assign(a) => {
                self.pattern(&a.target);
                self.expression(&a.default);
            }
        }
    }

    fn property_key(&mut self, key: &PropertyKey<'a>) {
        match key {
            PropertyKey::Computed(e) => self.expression(e),
            PropertyKey::Private(p) => self.private_reference(p.name),
            _ => {}
        }
    }

    fn member(&mut self, m: &MemberExpression<'a>) {
        self.expression(&m.object);
        match &m.property {
            MemberProperty::Static(_) => {}
            MemberProperty::Computed(e) => self.expression(e),
            MemberProperty::Private(p) => self.private_reference(p.name),
        }
    }

    fn call(&mut self, c: &CallExpression<'a>) {
        if let Expression::Identifier(id) = c.callee
            && id.name == "eval"
            && !c.optional
        {
            self.direct_eval();
        }
        self.expression(&c.callee);
        self.arguments(c.arguments);
    }

    fn arguments(&mut self, args: &[Argument<'a>]) {
        for a in args {
            match a {
                Argument::Expression(e) => self.expression(e),
                Argument::Spread(s) => self.expression(&s.argument),
            }
        }
    }

    fn expression(&mut self, e: &Expression<'a>) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expression_inner(e))
    }

    fn expression_inner(&mut self, e: &Expression<'a>) {
        match e {
            Expression::Identifier(id) => {
                if id.name == "arguments" {
                    self.implicit("arguments");
                } else {
                    self.reference(id.name);
                }
            }
            Expression::Null(_)
            | Expression::Boolean(_)
            | Expression::Number(_)
            | Expression::BigInt(_)
            | Expression::String(_)
            | Expression::RegExp(_)
            | Expression::ImportMeta(_) => {}
            Expression::Template(t) => {
                for x in t.expressions {
                    self.expression(x);
                }
            }
            Expression::TaggedTemplate(t) => {
                self.expression(&t.tag);
                for x in t.quasi.expressions {
                    self.expression(x);
                }
            }
            Expression::This(_) => self.implicit("this"),
            Expression::Super(_) => {
                self.implicit("this");
                self.implicit("%fn");
                self.implicit("new.target");
            }
            Expression::NewTarget(_) => self.implicit("new.target"),
            Expression::Array(a) => {
                for el in a.elements {
                    match el {
                        ArrayElement::Hole(_) => {}
                        ArrayElement::Expression(e) => self.expression(e),
                        ArrayElement::Spread(s) => self.expression(&s.argument),
                    }
                }
            }
            Expression::Object(o) => {
                for m in o.members {
                    match m {
                        ObjectMember::Property(p) => {
                            self.property_key(&p.key);
                            self.expression(&p.value);
                        }
                        ObjectMember::Spread(s) => self.expression(&s.argument),
                    }
                }
            }
            Expression::Function(f) => self.function(f, true),
            Expression::Arrow(a) => self.arrow(a),
            Expression::Class(c) => self.class(c),
            Expression::Unary(u) => self.expression(&u.argument),
            Expression::Update(u) => self.pattern(&u.argument),
            Expression::Binary(b) => {
                // Left-deep chains (`a + b + c + ...`) are walked iteratively.
                let mut left = b;
                let mut rights = vec![&b.right];
                while let Expression::Binary(inner) = &left.left {
                    rights.push(&inner.right);
                    left = inner;
                }
                self.expression(&left.left);
                for r in rights.into_iter().rev() {
                    self.expression(r);
                }
            }
            Expression::Logical(l) => {
                self.expression(&l.left);
                self.expression(&l.right);
            }
            Expression::PrivateIn(p) => {
                self.private_reference(p.name.name);
                self.expression(&p.right);
            }
            Expression::Conditional(c) => {
                self.expression(&c.test);
                self.expression(&c.consequent);
                self.expression(&c.alternate);
            }
            Expression::Assignment(a) => {
                self.pattern(&a.target);
                self.expression(&a.value);
            }
            Expression::Sequence(s) => {
                for x in s.expressions {
                    self.expression(x);
                }
            }
            Expression::Parenthesized(p) => self.expression(&p.expression),
            Expression::Member(m) => self.member(m),
            Expression::Call(c) => self.call(c),
            Expression::New(n) => {
                self.expression(&n.callee);
                self.arguments(n.arguments);
            }
            Expression::OptionalChain(o) => self.expression(&o.expression),
            Expression::Yield(y) => {
                if let Some(a) = &y.argument {
                    self.expression(a);
                }
            }
            Expression::Await(a) => self.expression(&a.argument),
            Expression::ImportCall(i) => {
                self.expression(&i.source);
                if let Some(o) = &i.options {
                    self.expression(o);
                }
            }
        }
    }

    fn parameters(&mut self, function: ScopeId, params: &FormalParameters<'a>) {
        for p in params.items {
            p.bound_names(&mut |id| self.declare(function, id.name, BindingKind::Parameter));
        }
        if let Some(r) = &params.rest {
            r.bound_names(&mut |id| self.declare(function, id.name, BindingKind::Parameter));
        }
        for p in params.items {
            self.pattern(p);
        }
        if let Some(r) = &params.rest {
            self.pattern(r);
        }
    }

    /// The shared part of functions and arrows: parameters, then the body's scope.
    fn function_body(
        &mut self,
        function: ScopeId,
        params: &FormalParameters<'a>,
        body: &[Statement<'a>],
        key: usize,
    ) {
        if !params.is_simple {
            self.scope(function).parameter_tdz = true;
        }
        self.parameters(function, params);
        let strict = self.strict();
        // A separate variable scope when parameters have expressions that closures may capture.
        let body_scope = if params.is_simple {
            function
        } else {
            self.push(ScopeKind::FunctionBody, key + TAG_BODY, strict)
        };
        self.hoist_function_body(body, body_scope, body_scope);
        self.statements(body);
    }

    fn function(&mut self, f: &Function<'a>, expression: bool) {
        let outer = self.current;
        if expression && let Some(id) = &f.id {
            let strict = self.strict();
            let s = self.push(ScopeKind::FunctionName, node(f, TAG_SELF_NAME), strict);
            self.declare(s, id.name, BindingKind::SelfName);
        }
        let id = self.push(ScopeKind::Function { arrow: false }, node(f, 0), f.strict);
        self.function_body(id, f.params, f.body.statements, node(f, 0));
        // Mapped arguments alias the parameters, which must then live in the environment.
        if let Some(i) = self.tree.get(id).find("arguments")
            && self.tree.get(id).bindings[i].kind == BindingKind::Implicit
            && !f.strict
            && f.params.is_simple
        {
            for b in &mut self.scope(id).bindings {
                if b.kind == BindingKind::Parameter {
                    b.captured = true;
                }
            }
        }
        self.pop(outer);
    }

    fn arrow(&mut self, a: &ArrowFunction<'a>) {
        let outer = self.current;
        let id = self.push(ScopeKind::Function { arrow: true }, node(a, 0), a.strict);
        match a.body {
            ArrowBody::Expression(e) => {
                if !a.params.is_simple {
                    self.scope(id).parameter_tdz = true;
                }
                self.parameters(id, a.params);
                self.expression(&e);
            }
            ArrowBody::Block(b) => self.function_body(id, a.params, b.statements, node(a, 0)),
        }
        self.pop(outer);
    }

    fn class(&mut self, c: &Class<'a>) {
        let outer = self.current;
        // Class decorators are evaluated before the class scope exists.
        for d in c.decorators {
            self.expression(&d.expression);
        }
        let id = self.push(ScopeKind::Class, node(c, 0), true);
        if let Some(name) = &c.id {
            self.declare(id, name.name, BindingKind::Const);
        }
        for element in c.body {
            let key = match element {
                ClassElement::Method(m) => &m.key,
                ClassElement::Field(f) => &f.key,
                ClassElement::StaticBlock(_) => continue,
            };
            if let PropertyKey::Private(p) = key {
                self.declare(id, p.name, BindingKind::PrivateName);
            }
        }
        for (i, element) in c.body.iter().enumerate() {
            if let ClassElement::Field(f) = element
                && f.is_accessor
            {
                let name = self.names.alloc_str(&accessor_storage(i));
                self.declare(id, name, BindingKind::PrivateName);
            }
        }
        let computed_fields = c
            .body
            .iter()
            .filter(|e| matches!(e, ClassElement::Field(f) if matches!(f.key, PropertyKey::Computed(_))))
            .count();
        // The computed field keys, evaluated once with the class and read by the initialisers;
        // a decorated class's decoration state (`code::decorators`), read by them too.
        for (name, wanted) in [
            ("%keys", computed_fields > 0),
            ("%decorators", is_decorated(c)),
        ] {
            if !wanted {
                continue;
            }
            self.declare(id, name, BindingKind::Var);
            for b in &mut self.scope(id).bindings {
                if b.name == name {
                    b.captured = true;
                }
            }
        }
        if let Some(h) = &c.super_class {
            self.expression(h);
        }
        // Each element's decorators, then its computed key, are evaluated in the class scope,
        // in order.
        for element in c.body {
            let (decorators, key) = match element {
                ClassElement::Method(m) => (m.decorators, &m.key),
                ClassElement::Field(f) => (f.decorators, &f.key),
                ClassElement::StaticBlock(_) => continue,
            };
            for d in decorators {
                self.expression(&d.expression);
            }
            if let PropertyKey::Computed(e) = key {
                self.expression(e);
            }
        }
        for element in c.body {
            if let ClassElement::Method(m) = element {
                self.method(m.value);
            }
        }
        // An auto-accessor's getter and setter read and write its storage on `this`.
        for (i, element) in c.body.iter().enumerate() {
            if let ClassElement::Field(f) = element
                && f.is_accessor
            {
                let storage = accessor_storage(i);
                let Some(b) = self.tree.get(id).find_private(&storage) else {
                    continue;
                };
                let name = self.tree.get(id).bindings[b].name;
                for tag in [TAG_ACCESSOR_GET, TAG_ACCESSOR_SET] {
                    self.push(ScopeKind::Function { arrow: false }, node(*f, tag), true);
                    self.implicit("this");
                    self.private_reference(name);
                    self.pop(id);
                }
            }
        }
        // Field initialisers and static blocks run as methods of two synthetic functions.
        for (tag, want_static) in [(TAG_INSTANCE_FIELDS, false), (TAG_STATIC_FIELDS, true)] {
            let init = self.push(ScopeKind::Function { arrow: false }, node(c, tag), true);
            let _ = init;
            // The initialiser defines fields on its `this`, private ones (and the instance
            // initialiser the private methods) by their private names.
            self.implicit("this");
            for (i, element) in c.body.iter().enumerate() {
                let (is_static, key) = match element {
                    ClassElement::Method(m) if !m.is_static => (false, &m.key),
                    ClassElement::Field(f) => (f.is_static, &f.key),
                    _ => continue,
                };
                if is_static != want_static {
                    continue;
                }
                if let ClassElement::Field(f) = element
                    && f.is_accessor
                {
                    let storage = accessor_storage(i);
                    if let Some(b) = self.tree.get(id).find_private(&storage) {
                        let name = self.tree.get(id).bindings[b].name;
                        self.private_reference(name);
                    }
                }
                if let PropertyKey::Private(p) = key {
                    self.private_reference(p.name);
                }
            }
            for element in c.body {
                match element {
                    ClassElement::Field(f) if f.is_static == want_static => {
                        if let Some(v) = &f.value {
                            self.expression(v);
                        }
                    }
                    ClassElement::StaticBlock(b) if want_static => {
                        let block_outer = self.current;
                        let blk = self.push(ScopeKind::Function { arrow: true }, node(*b, 0), true);
                        let body = self.push(ScopeKind::Block, node(*b, TAG_BODY), true);
                        let _ = blk;
                        self.hoist_function_body(b.body, blk, body);
                        self.statements(b.body);
                        self.pop(block_outer);
                    }
                    _ => {}
                }
            }
            self.pop(id);
        }
        self.pop(outer);
    }

    fn method(&mut self, f: &Function<'a>) {
        let outer = self.current;
        let id = self.push(ScopeKind::Function { arrow: false }, node(f, 0), true);
        self.function_body(id, f.params, f.body.statements, node(f, 0));
        self.pop(outer);
    }
}

/// The declaration in a `for-in`/`for-of` head, if it declares.
fn head_declaration<'a>(left: &ForHead<'a>) -> Option<&'a VariableDeclaration<'a>> {
    match left {
        ForHead::Variable(v) => Some(*v),
        _ => None,
    }
}
