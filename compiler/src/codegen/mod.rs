//! The code generator: AST to register bytecode, one [`FunctionCode`] per function.
//!
//! Each function is compiled by a [`FunctionBuilder`]; nested functions are compiled when their
//! expression is reached (the outer builder is parked on a stack meanwhile). Names resolve through
//! the [`ScopeTree`] to a [`Location`]: a register, an environment slot `(depth, slot)`, a global
//! binding, or a run-time lookup by name where `with` or sloppy direct `eval` make the answer
//! dynamic.

mod builder;
mod class;
mod expression;
mod module;
mod pattern;
mod statement;

use crate::code::{CodeString, Constant, ScopeInfo, ScriptCode, SharedRange, binding, flags};
use crate::instruction::{Count, FuncIdx, Instruction as I, NameIdx, Reg, ScopeIdx};
use crate::scope::{self, BindingKind, CodeKind, ScopeId, ScopeKind, ScopeTree, node};
pub use builder::{Finished, FunctionBuilder, Label, Patch};
use kiln_lexer::Span;
use kiln_parser::ast::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// Code the compiler cannot translate, with where it is.
#[derive(Clone, Debug)]
pub struct CompileError {
    pub message: String,
    pub span: Span,
}

pub type CompileResult<T> = Result<T, CompileError>;

/// Compiles a parsed program into every function it contains.
pub fn compile(program: &Program<'_>, kind: CodeKind) -> CompileResult<ScriptCode> {
    let names = bumpalo::Bump::new();
    let tree = scope::analyze(program, kind, &names);
    let mut compiler = Compiler {
        tree: &tree,
        strings: Vec::new(),
        string_ids: FxHashMap::default(),
        name_ids: FxHashMap::default(),
        functions: Vec::new(),
        f: FunctionBuilder::new(0),
        state: FunctionState::default(),
        parked: Vec::new(),
        code_kind: kind,
        optional_exits: Vec::new(),
        module_env_scope: None,
        module_functions: Vec::new(),
        top_level_await: false,
    };
    let top = compiler.top_level(program)?;
    let module = if kind == CodeKind::Module {
        Some(compiler.module_info(program))
    } else {
        None
    };
    // Every function's bytecode and tables in one array each, in function order; each function
    // names its ranges.
    let finished: Vec<Finished> = compiler
        .functions
        .into_iter()
        .map(|f| f.unwrap_or_else(empty_function))
        .collect();
    let total = |len: fn(&Finished) -> usize| finished.iter().map(len).sum::<usize>();
    let mut code = ScriptCode {
        module,
        functions: Vec::with_capacity(finished.len()),
        bytecode: Vec::with_capacity(total(|f| f.bytecode.len())),
        constants: Vec::with_capacity(total(|f| f.constants.len())),
        handlers: Vec::with_capacity(total(|f| f.handlers.len())),
        scopes: Vec::with_capacity(total(|f| f.scopes.len())),
        positions: Vec::with_capacity(total(|f| f.positions.len())),
        strings: compiler.strings,
        top_level: top,
        is_module: kind == CodeKind::Module,
    };
    for f in finished {
        let mut function = f.code;
        function.bytecode = append(&mut code.bytecode, f.bytecode);
        function.constants = append(&mut code.constants, f.constants);
        function.handlers = append(&mut code.handlers, f.handlers);
        function.scopes = append(&mut code.scopes, f.scopes);
        function.positions = append(&mut code.positions, f.positions);
        code.functions.push(function);
    }
    Ok(code)
}

/// Appends `items` to `all`, answering their range.
fn append<T>(all: &mut Vec<T>, mut items: Vec<T>) -> SharedRange {
    let range = SharedRange::at(all.len(), items.len());
    all.append(&mut items);
    range
}

fn empty_function() -> Finished {
    FunctionBuilder::new(0).finish(None, 0, 0, 0, 0, 0)
}

/// Where a name's value lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Register {
        reg: Reg,
        lexical: bool,
        constant: bool,
    },
    Env {
        depth: u32,
        slot: u32,
        lexical: bool,
        constant: bool,
        /// A module import: the slot links to the exporting module's binding.
        import: bool,
    },
    Global,
    /// Looked up by name on the environment chain at run time.
    Dynamic,
    /// `this` of the top level (or of an arrow's creator): `LoadThis`.
    FrameThis,
    /// A named function expression's own name in a register or slot: writes are ignored.
    SelfName {
        inner: SelfNameAt,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelfNameAt {
    Callee,
    Env { depth: u32, slot: u32 },
}

/// What a `break`/`continue`/`return` may have to pass on its way out.
#[derive(Clone, Debug)]
pub enum Control<'a> {
    /// A loop, switch or labelled statement that `break` (and for loops `continue`) can target.
    Breakable {
        labels: Vec<&'a str>,
        is_loop: bool,
        /// `switch` and loops: an unlabelled `break` targets it.
        unlabelled_break: bool,
        breaks: Vec<Patch>,
        continues: Vec<Patch>,
        env_depth: u32,
    },
    /// A `finally` block: abrupt exits run it first.
    Finally {
        kind: Reg,
        value: Reg,
        /// The exits routed through this finally; exit `i` sets `kind` to `2 + i`.
        exits: Vec<(Patch, Exit)>,
        env_depth: u32,
    },
    /// A `for-of` loop's or an array pattern's iterator: closed when a jump leaves it — for a
    /// pattern only while its `done` register is false.
    Iterator {
        iterator: Reg,
        is_async: bool,
        done: Option<Reg>,
    },
    /// A `for-in` enumerator or other region with nothing to undo.
    Marker,
}

/// Where an abrupt exit goes once the `finally` blocks on its way have run.
#[derive(Clone, Copy, Debug)]
pub enum Exit {
    /// `break` (or `continue`) to the breakable at this index of the control stack.
    Jump {
        target: usize,
        is_continue: bool,
    },
    Return,
}

#[derive(Default)]
pub struct FunctionState<'a> {
    scope: Option<ScopeId>,
    function_scope: Option<ScopeId>,
    locals: FxHashMap<(u32, u32), Reg>,
    initialized: FxHashSet<(u32, u32)>,
    controls: Vec<Control<'a>>,
    pub strict: bool,
    pub is_generator: bool,
    pub is_async: bool,
    pub is_arrow: bool,
    pub derived: bool,
    /// Labels waiting for the statement they name.
    pending_labels: Vec<&'a str>,
    /// The register holding the completion value of a script or eval, if tracked.
    completion: Option<Reg>,
    /// A class field initialiser: `arguments` and the like are not here.
    is_class_field_init: bool,
    /// `eval` code: the registers saying whether each Annex B block function's `var` was made.
    pub annex_b_flags: Vec<(&'a str, Reg)>,
    /// The register holding the DisposeCapability of the innermost scope of `using`
    /// declarations.
    dispose_capability: Option<Reg>,
    /// `try` blocks around the current position (a call there is not in tail position).
    try_depth: u32,
    /// The next call compiled is in tail position (`CallExpression` takes it).
    tail_call: bool,
}

pub struct Compiler<'a> {
    /// The analysis's scopes, read-only while code is generated.
    pub tree: &'a ScopeTree<'a>,
    strings: Vec<CodeString>,
    string_ids: FxHashMap<Vec<u16>, u32>,
    /// [`Compiler::name`]'s shortcut: the string index of each name text seen, without its
    /// UTF-16 form.
    name_ids: FxHashMap<Box<str>, u32>,
    functions: Vec<Option<Finished>>,
    pub f: FunctionBuilder,
    pub state: FunctionState<'a>,
    parked: Vec<(FunctionBuilder, FunctionState<'a>)>,
    code_kind: CodeKind,
    /// The short-circuit jumps of the optional chains being compiled, innermost last.
    pub optional_exits: Vec<Vec<Patch>>,
    /// A module's environment layout index in the top-level function.
    module_env_scope: Option<u32>,
    /// Whether `await` appears at a module's top level.
    pub top_level_await: bool,
    /// A module's top-level function declarations, compiled but left to the linker: (binding
    /// name, function index).
    module_functions: Vec<(&'a str, u32)>,
}

/// Where a walk up the scope chain for a name ends.
#[derive(Clone, Copy)]
enum Walk {
    /// At binding `index` of `scope`, after `depth` environments; `dynamic` when a `with` or a
    /// sloppy `eval` scope was crossed on the way.
    Bound {
        scope: ScopeId,
        index: usize,
        depth: u32,
        dynamic: bool,
    },
    /// Past the outermost scope: a global or a name looked up at run time.
    Unbound(Location),
}

/// What a function's body is.
#[derive(Clone, Copy)]
pub enum Body<'a> {
    Statements(&'a FunctionBody<'a>),
    Expression(&'a Expression<'a>),
    /// The synthetic initialiser of a class's instance or static fields and static blocks.
    ClassFields {
        class: &'a Class<'a>,
        is_static: bool,
    },
    /// A class without a constructor.
    DefaultConstructor,
    /// The getter (or the setter) of the auto-accessor at `index` in its class's body: it reads
    /// (writes) the accessor's private storage on `this`.
    AutoAccessor {
        index: usize,
        setter: bool,
    },
}

pub struct FunctionSpec<'a> {
    pub key: usize,
    pub name: Option<u32>,
    pub params: Option<&'a FormalParameters<'a>>,
    pub body: Body<'a>,
    pub span: Span,
    pub flags: u32,
}

pub fn error<T>(message: impl Into<String>, span: Span) -> CompileResult<T> {
    Err(CompileError {
        message: message.into(),
        span,
    })
}

impl<'a> Compiler<'a> {
    // -----------------------------------------------------------------------------------------
    // Tables

    pub fn string(&mut self, units: &[u16]) -> u32 {
        if let Some(&i) = self.string_ids.get(units) {
            return i;
        }
        let i = self.strings.len() as u32;
        self.strings.push(CodeString::from_utf16(units));
        self.string_ids.insert(units.to_vec(), i);
        i
    }

    /// The UTF-16 units of string `index`.
    pub fn string_units(&self, index: u32) -> Vec<u16> {
        match &self.strings[index as usize] {
            CodeString::Latin1(bytes) => bytes.iter().map(|&b| u16::from(b)).collect(),
            CodeString::Utf16(units) => units.clone(),
        }
    }

    pub fn name(&mut self, text: &str) -> NameIdx {
        if let Some(&i) = self.name_ids.get(text) {
            return NameIdx(i);
        }
        let units: Vec<u16> = text.encode_utf16().collect();
        let i = self.string(&units);
        self.name_ids.insert(text.into(), i);
        NameIdx(i)
    }

    pub fn string_constant(&mut self, units: &[u16]) -> crate::instruction::ConstIdx {
        let s = self.string(units);
        crate::instruction::ConstIdx(self.f.constant(Constant::String(s)))
    }

    pub fn text_constant(&mut self, text: &str) -> crate::instruction::ConstIdx {
        let units: Vec<u16> = text.encode_utf16().collect();
        self.string_constant(&units)
    }

    pub fn emit(&mut self, i: I) {
        self.f.emit(i);
    }

    pub fn at(&mut self, span: Span) {
        self.f.position(span.start);
    }

    pub fn scope(&self) -> ScopeId {
        self.state.scope.expect("inside a scope")
    }

    // -----------------------------------------------------------------------------------------
    // Scopes

    /// The slot of binding `index` in `scope`'s environment: its rank among captured bindings.
    fn slot_of(&self, scope: ScopeId, index: usize) -> u32 {
        self.tree.get(scope).bindings[index].slot
    }

    /// The environment layout of `scope`, registered in the current function.
    fn scope_info(&mut self, id: ScopeId) -> ScopeIdx {
        let scope = self.tree.get(id);
        let mut names = Vec::new();
        let mut kinds = Vec::new();
        for b in scope.bindings.iter().filter(|b| b.captured) {
            let name = if b.kind == BindingKind::PrivateName {
                self.name(&format!("#{}", b.name))
            } else {
                self.name(b.name)
            };
            names.push(name.0);
            let mut k = 0;
            if b.kind.is_lexical() || (b.kind == BindingKind::Parameter && scope.parameter_tdz) {
                k |= binding::LEXICAL;
            }
            // A `var arguments` of a direct eval in parameter expressions meets the parameters'
            // `arguments` binding: a SyntaxError (EvalDeclarationInstantiation step 3.d), as
            // for a parameter's name.
            if b.kind == BindingKind::Implicit && scope.parameter_tdz && b.name == "arguments" {
                k |= binding::LEXICAL;
            }
            if matches!(b.kind, BindingKind::Const | BindingKind::Import) {
                k |= binding::CONST;
            }
            if b.kind == BindingKind::SelfName {
                k |= binding::SELF_NAME;
            }
            kinds.push(k);
        }
        self.f.scopes.push(ScopeInfo {
            names,
            kinds,
            // The environments `var`s of sloppy direct `eval` may land in: a function's. (A
            // script's go to the global object, an eval's own to its caller's.)
            is_function: matches!(
                scope.kind,
                ScopeKind::Function { .. } | ScopeKind::FunctionBody
            ),
        });
        ScopeIdx(self.f.scopes.len() as u32 - 1)
    }

    /// Enters the scope opened by the node at `key`: pushes its environment, gives its
    /// register bindings their registers and holes, and instantiates its function declarations.
    /// Returns the scope to go back to.
    pub fn enter_scope(
        &mut self,
        key: usize,
        functions: &'a [Statement<'a>],
    ) -> CompileResult<Option<ScopeId>> {
        let outer = self.state.scope;
        let Some(id) = self.tree.scope_of(key) else {
            return Ok(outer);
        };
        self.state.scope = Some(id);
        let scope = self.tree.get(id);
        if scope.kind == ScopeKind::Module {
            // The linker creates the module environment (importers link to it before the
            // body runs); the frame starts inside it.
            self.module_env_scope = Some(self.scope_info(id).0);
        } else if scope.has_env() {
            let info = self.scope_info(id);
            self.emit(I::PushEnv { scope: info });
            self.f.env_depth += 1;
        }
        let global_like = matches!(scope.kind, ScopeKind::Script);
        for (i, b) in scope.bindings.iter().enumerate() {
            if b.captured || global_like || b.kind == BindingKind::Implicit {
                continue;
            }
            if scope.kind == ScopeKind::Eval
                && !scope.strict
                && matches!(b.kind, BindingKind::Var | BindingKind::Function)
            {
                continue;
            }
            if b.kind == BindingKind::Parameter {
                continue;
            }
            let r = self.f.alloc();
            self.state.locals.insert((id.0, i as u32), r);
            if b.kind.is_lexical() {
                self.emit(I::LoadHole { dst: r });
                self.state.initialized.remove(&(id.0, i as u32));
            } else {
                self.emit(I::LoadUndefined { dst: r });
            }
        }
        if !matches!(
            scope.kind,
            ScopeKind::Script | ScopeKind::Eval | ScopeKind::Module
        ) {
            self.hoist_functions(functions, true)?;
        }
        Ok(outer)
    }

    pub fn leave_scope(&mut self, outer: Option<ScopeId>) {
        if let Some(id) = self.state.scope
            && Some(id) != outer
            && self.tree.get(id).has_env()
        {
            self.emit(I::PopEnv {});
            self.f.env_depth -= 1;
        }
        self.state.scope = outer;
    }

    /// Compiles a module's top-level function declarations for the linker to instantiate
    /// (16.2.1.6.4 InitializeEnvironment step 24): the body creates none of them.
    fn module_functions(&mut self, statements: &'a [Statement<'a>]) -> CompileResult<()> {
        for s in statements {
            let Some(f) = function_declaration(s) else {
                continue;
            };
            // `export default function () {}` is named "default".
            let default_name = f.id.is_none().then(|| self.name("default").0);
            let index = self.function_expression(f, default_name)?;
            self.module_functions
                .push((f.id.map_or("*default*", |id| id.name), index));
        }
        Ok(())
    }

    /// Instantiates the function declarations among `statements` (hoisting).
    pub fn hoist_functions(
        &mut self,
        statements: &'a [Statement<'a>],
        lexical: bool,
    ) -> CompileResult<()> {
        for s in statements {
            let Some(f) = function_declaration(s) else {
                continue;
            };
            let name = f.id.map_or("*default*", |id| id.name);
            let mark = self.f.mark();
            let r = self.f.alloc();
            // `export default function () {}` is named "default".
            let default_name = f.id.is_none().then(|| self.name("default").0);
            let index = self.function_expression(f, default_name)?;
            self.emit(I::NewClosure {
                dst: r,
                function: FuncIdx(index),
            });
            if self.tree.get(self.scope()).kind == ScopeKind::Script {
                let n = self.name(name);
                self.emit(I::DeclareGlobalFunction { name: n, src: r });
            } else if self.tree.get(self.scope()).kind == ScopeKind::Eval && !self.state.strict {
                let n = self.name(name);
                self.emit(I::DeclareEvalFunction { name: n, src: r });
            } else {
                self.store_binding(name, r, true)?;
                if lexical && let Some(loc) = self.local_key(name) {
                    self.state.initialized.insert(loc);
                }
            }
            self.f.release(mark);
        }
        Ok(())
    }

    fn local_key(&self, name: &str) -> Option<(u32, u32)> {
        let id = self.scope();
        self.tree.get(id).find(name).map(|i| (id.0, i as u32))
    }

    /// Resolves `name` from the current scope.
    pub fn resolve(&self, name: &str, private: bool) -> Location {
        self.resolve_from(self.scope(), name, private, None)
    }

    /// Resolves `name` as seen from `start`, counting environments from the current scope.
    /// With `skip_to`, bindings in scopes below that scope are ignored (Annex B var copies).
    fn resolve_from(
        &self,
        start: ScopeId,
        name: &str,
        private: bool,
        skip_to: Option<ScopeId>,
    ) -> Location {
        let (id, i, depth, dynamic) = match self.walk(start, name, private, skip_to) {
            Walk::Bound {
                scope,
                index,
                depth,
                dynamic,
            } => (scope, index, depth, dynamic),
            Walk::Unbound(location) => return location,
        };
        let s = self.tree.get(id);
        let b = &s.bindings[i];
        if dynamic && !private {
            return Location::Dynamic;
        }
        let lexical = b.kind.is_lexical() || (b.kind == BindingKind::Parameter && s.parameter_tdz);
        let constant = matches!(b.kind, BindingKind::Const | BindingKind::Import);
        match s.kind {
            ScopeKind::Script => {
                return if b.kind == BindingKind::Implicit {
                    Location::FrameThis
                } else {
                    Location::Global
                };
            }
            ScopeKind::Eval | ScopeKind::Module if b.kind == BindingKind::Implicit => {
                return Location::FrameThis;
            }
            ScopeKind::Eval
                if !s.strict && matches!(b.kind, BindingKind::Var | BindingKind::Function) =>
            {
                return Location::Dynamic;
            }
            _ => {}
        }
        if b.kind == BindingKind::SelfName {
            return Location::SelfName {
                inner: if b.captured {
                    SelfNameAt::Env {
                        depth,
                        slot: b.slot,
                    }
                } else {
                    SelfNameAt::Callee
                },
            };
        }
        if b.captured {
            return Location::Env {
                depth,
                slot: b.slot,
                lexical,
                constant,
                import: b.kind == BindingKind::Import,
            };
        }
        match self.state.locals.get(&(id.0, i as u32)) {
            Some(&reg) => Location::Register {
                reg,
                lexical,
                constant,
            },
            // A binding not yet given a register (a parameter being initialised, or an
            // implicit binding never materialised): look it up by name.
            None if b.kind == BindingKind::Implicit => Location::FrameThis,
            None => Location::Dynamic,
        }
    }

    /// Walks the scope chain from `start` to the scope that binds `name`, counting the
    /// environments on the way.
    fn walk(&self, start: ScopeId, name: &str, private: bool, skip_to: Option<ScopeId>) -> Walk {
        let mut id = start;
        let mut depth = 0;
        let mut dynamic = false;
        let mut skipping = skip_to.is_some();
        let bit = scope::NameBit::of(name);
        loop {
            let s = self.tree.get(id);
            if skipping && Some(id) == skip_to {
                skipping = false;
            }
            if !skipping
                && s.may_bind(bit)
                && let Some(index) = s.lookup(name, private)
            {
                return Walk::Bound {
                    scope: id,
                    index,
                    depth,
                    dynamic,
                };
            }
            if s.kind == ScopeKind::With || s.sloppy_eval {
                dynamic = true;
            }
            if s.has_env() {
                depth += 1;
            }
            match s.parent {
                Some(p) => id = p,
                None => {
                    return Walk::Unbound(if dynamic || s.kind == ScopeKind::Eval {
                        Location::Dynamic
                    } else {
                        Location::Global
                    });
                }
            }
        }
    }

    /// `dst = ` the value of `name` (with TDZ and ReferenceError checks).
    pub fn load_binding(&mut self, name: &str, dst: Reg) -> CompileResult<()> {
        let loc = self.resolve(name, false);
        self.load_location(name, loc, dst);
        Ok(())
    }

    fn load_location(&mut self, name: &str, loc: Location, dst: Reg) {
        match loc {
            Location::Register { reg, lexical, .. } => {
                if reg != dst {
                    self.emit(I::Move { dst, src: reg });
                }
                if (lexical && !self.is_initialized(name)) || (name == "this" && self.state.derived)
                {
                    let n = self.name(name);
                    self.emit(I::CheckHole { src: dst, name: n });
                }
            }
            Location::Env {
                depth,
                slot,
                import: true,
                ..
            } => {
                let n = self.name(name);
                self.emit(I::GetImport {
                    dst,
                    depth: Count(depth),
                    slot: Count(slot),
                    name: n,
                });
            }
            Location::Env {
                depth,
                slot,
                lexical,
                ..
            } => {
                if lexical || (name == "this" && self.in_derived_constructor()) {
                    let n = self.name(name);
                    self.emit(I::GetEnvChecked {
                        dst,
                        depth: Count(depth),
                        slot: Count(slot),
                        name: n,
                    });
                } else {
                    self.emit(I::GetEnv {
                        dst,
                        depth: Count(depth),
                        slot: Count(slot),
                    });
                }
            }
            Location::Global => {
                let n = self.name(name);
                let ic = self.f.ic();
                self.emit(I::GetGlobal {
                    dst,
                    name: n,
                    ic: crate::instruction::IcSlot(ic),
                });
            }
            Location::Dynamic => {
                let n = self.name(name);
                self.emit(I::GetName { dst, name: n });
            }
            Location::FrameThis => match name {
                "this" => self.emit(I::LoadThis { dst }),
                "new.target" => self.emit(I::LoadNewTarget { dst }),
                "%fn" => self.emit(I::LoadCallee { dst }),
                _ => {
                    let n = self.name(name);
                    self.emit(I::GetName { dst, name: n });
                }
            },
            Location::SelfName { inner } => match inner {
                SelfNameAt::Callee => self.emit(I::LoadCallee { dst }),
                SelfNameAt::Env { depth, slot } => self.emit(I::GetEnv {
                    dst,
                    depth: Count(depth),
                    slot: Count(slot),
                }),
            },
        }
    }

    /// Code whose `this` may still be unbound: a derived constructor or an arrow inside one.
    fn in_derived_constructor(&self) -> bool {
        self.state.derived || self.state.is_arrow || self.code_kind != CodeKind::Script
    }

    fn is_initialized(&self, name: &str) -> bool {
        // Only bindings of the current function's scopes are tracked.
        let mut id = self.scope();
        loop {
            let s = self.tree.get(id);
            if let Some(i) = s.find(name) {
                return self.state.initialized.contains(&(id.0, i as u32));
            }
            match s.parent {
                Some(p) if !s.is_function() => id = p,
                _ => return false,
            }
        }
    }

    /// Stores `src` into `name`: an initialisation (`init`, no TDZ or const check) or an
    /// assignment.
    pub fn store_binding(&mut self, name: &str, src: Reg, init: bool) -> CompileResult<()> {
        let loc = self.resolve(name, false);
        self.store_location(name, loc, src, init);
        if init && let Some(key) = self.binding_key(name) {
            self.state.initialized.insert(key);
        }
        Ok(())
    }

    fn binding_key(&self, name: &str) -> Option<(u32, u32)> {
        let mut id = self.scope();
        loop {
            let s = self.tree.get(id);
            if let Some(i) = s.find(name) {
                return Some((id.0, i as u32));
            }
            id = s.parent?;
        }
    }

    fn store_location(&mut self, name: &str, loc: Location, src: Reg, init: bool) {
        match loc {
            Location::Register {
                reg,
                lexical,
                constant,
            } => {
                if !init && lexical && !self.is_initialized(name) {
                    let n = self.name(name);
                    self.emit(I::CheckHole { src: reg, name: n });
                }
                if !init && constant {
                    self.throw_const_assignment(name);
                    return;
                }
                if reg != src {
                    self.emit(I::Move { dst: reg, src });
                }
            }
            Location::Env {
                depth,
                slot,
                lexical,
                constant,
                ..
            } => {
                if !init && (lexical || constant) {
                    let mark = self.f.mark();
                    let t = self.f.alloc();
                    let n = self.name(name);
                    self.emit(I::GetEnvChecked {
                        dst: t,
                        depth: Count(depth),
                        slot: Count(slot),
                        name: n,
                    });
                    self.f.release(mark);
                }
                if !init && constant {
                    self.throw_const_assignment(name);
                    return;
                }
                self.emit(I::SetEnv {
                    depth: Count(depth),
                    slot: Count(slot),
                    src,
                });
            }
            Location::Global => {
                let n = self.name(name);
                if init && self.tree.get(self.scope()).kind == ScopeKind::Script {
                    let scope = self.tree.get(self.scope());
                    if scope
                        .find(name)
                        .is_some_and(|i| scope.bindings[i].kind.is_lexical())
                    {
                        self.emit(I::InitGlobalLexical { name: n, src });
                        return;
                    }
                }
                let ic = self.f.ic();
                self.emit(I::SetGlobal {
                    name: n,
                    src,
                    ic: crate::instruction::IcSlot(ic),
                });
            }
            Location::Dynamic | Location::FrameThis => {
                let n = self.name(name);
                if init {
                    self.emit(I::InitName { name: n, src });
                } else {
                    self.emit(I::SetName { name: n, src });
                }
            }
            Location::SelfName { .. } => {
                if init {
                    // The function itself initialises it.
                } else if self.state.strict {
                    self.throw_const_assignment(name);
                }
            }
        }
    }

    pub fn throw_const_assignment(&mut self, name: &str) {
        let message = self.text_constant(&format!("Assignment to constant variable '{name}'."));
        self.emit(I::ThrowError {
            kind: Count(0),
            message,
        });
    }

    // -----------------------------------------------------------------------------------------
    // Functions

    fn park(&mut self, parameter_count: u32) {
        let builder = std::mem::replace(&mut self.f, FunctionBuilder::new(parameter_count));
        let state = std::mem::take(&mut self.state);
        self.parked.push((builder, state));
    }

    fn unpark(&mut self) {
        let (builder, state) = self.parked.pop().expect("a parked function");
        self.f = builder;
        self.state = state;
    }

    fn top_level(&mut self, program: &'a Program<'a>) -> CompileResult<u32> {
        let index = self.functions.len() as u32;
        self.functions.push(None);
        let root = self
            .tree
            .scope_of(node(program, 0))
            .expect("the program's scope");
        self.state.strict = self.tree.get(root).strict;
        self.state.function_scope = Some(root);
        let completion = self.f.alloc();
        self.emit(I::LoadUndefined { dst: completion });
        // A module has no completion value: its evaluation ends with undefined (were it its last
        // expression's value, a module ending with a rejected promise would fail as it settled).
        if self.tree.get(root).kind != ScopeKind::Module {
            self.state.completion = Some(completion);
        }
        self.enter_scope(node(program, 0), program.body)?;
        let scope = self.tree.get(root);
        match scope.kind {
            ScopeKind::Script => {
                // GlobalDeclarationInstantiation (ECMA-262 16.1.7): lexical names first.
                for b in &scope.bindings {
                    if b.kind.is_lexical() {
                        let n = self.name(b.name);
                        let kind = u32::from(b.kind == BindingKind::Const);
                        self.emit(I::DeclareGlobalLexical {
                            name: n,
                            kind: Count(kind),
                        });
                    }
                }
                for b in &scope.bindings {
                    if matches!(b.kind, BindingKind::Var) {
                        let n = self.name(b.name);
                        self.emit(I::DeclareGlobalVar { name: n });
                    }
                }
                self.hoist_functions(program.body, false)?;
            }
            ScopeKind::Eval if !scope.strict => {
                // EvalDeclarationInstantiation: functions first (one that cannot be declared
                // throws before any `var` exists), then `var`s.
                self.hoist_functions(program.body, false)?;
                for b in &scope.bindings {
                    if b.kind == BindingKind::Var && !scope.annex_b_only.contains(&b.name) {
                        let n = self.name(b.name);
                        self.emit(I::DeclareEvalVar { name: n });
                    }
                }
                // B.3.2.3: block functions' vars, unless a binding outside the eval blocks them.
                for &name in &scope.annex_b_only {
                    let n = self.name(name);
                    let made = self.f.alloc();
                    self.emit(I::DeclareEvalAnnexBVar { dst: made, name: n });
                    self.state.annex_b_flags.push((name, made));
                }
            }
            ScopeKind::Module => self.module_functions(program.body)?,
            _ => {
                self.hoist_functions(program.body, false)?;
            }
        }
        // A directive is an expression statement too: a script or eval that is only a
        // prologue completes with its last string (`eval('"use strict";')` is "use strict").
        if let (Some(last), ScopeKind::Script | ScopeKind::Eval) =
            (program.directives.last(), scope.kind)
        {
            let c = self.string_constant(last.value.value);
            self.emit(I::LoadConst {
                dst: completion,
                index: c,
            });
        }
        self.statements(program.body)?;
        self.emit(I::Return { value: completion });
        let mut fl = 0;
        if self.state.strict {
            fl |= flags::STRICT;
        }
        if matches!(self.code_kind, CodeKind::Eval { .. }) {
            fl |= flags::EVAL;
        }
        let builder = std::mem::replace(&mut self.f, FunctionBuilder::new(0));
        let code = builder.finish(None, 0, 0, program.span.start, program.span.end, fl);
        self.functions[index as usize] = Some(code);
        Ok(index)
    }

    /// Compiles a function declaration or expression; returns its index in the script.
    pub fn function_expression(
        &mut self,
        f: &'a Function<'a>,
        name: Option<u32>,
    ) -> CompileResult<u32> {
        let mut fl = 0;
        if f.is_async {
            fl |= flags::ASYNC;
        }
        if f.is_generator {
            fl |= flags::GENERATOR;
        }
        let name_index = match f.id {
            Some(id) => Some(self.name(id.name).0),
            None => name,
        };
        self.compile_function(
            FunctionSpec {
                key: node(f, 0),
                name: None,
                params: Some(f.params),
                body: Body::Statements(f.body),
                span: f.span,
                flags: fl,
            },
            f.strict,
            name_index,
        )
    }

    pub fn compile_function(
        &mut self,
        spec: FunctionSpec<'a>,
        strict: bool,
        name_index: Option<u32>,
    ) -> CompileResult<u32> {
        let index = self.functions.len() as u32;
        self.functions.push(None);
        let parameter_count = match spec.body {
            Body::AutoAccessor { setter: true, .. } => 1,
            _ => spec.params.map_or(0, |p| p.items.len() as u32),
        };
        self.park(parameter_count);
        let result = self.function_body(&spec, strict, parameter_count);
        let (mut fl, length) = match result {
            Ok(v) => v,
            Err(e) => {
                self.unpark();
                return Err(e);
            }
        };
        fl |= spec.flags;
        if strict {
            fl |= flags::STRICT;
        }
        let name_index = name_index.or(spec.name);
        let builder = std::mem::replace(&mut self.f, FunctionBuilder::new(0));
        let code = builder.finish(
            name_index,
            parameter_count,
            length,
            spec.span.start,
            spec.span.end,
            fl,
        );
        self.unpark();
        self.functions[index as usize] = Some(code);
        // NewClosure operands index the script's function table directly.
        Ok(index)
    }

    fn function_body(
        &mut self,
        spec: &FunctionSpec<'a>,
        strict: bool,
        parameter_count: u32,
    ) -> CompileResult<(u32, u32)> {
        let Some(id) = self.tree.scope_of(spec.key) else {
            if let Body::DefaultConstructor = spec.body {
                return self.default_constructor(spec, strict);
            }
            return error("internal error: a function without a scope", spec.span);
        };
        let scope = self.tree.get(id);
        self.state.strict = strict;
        self.state.function_scope = Some(id);
        self.state.is_arrow = matches!(scope.kind, ScopeKind::Function { arrow: true });
        self.state.is_generator = spec.flags & flags::GENERATOR != 0;
        self.state.is_async = spec.flags & flags::ASYNC != 0;
        self.state.derived = spec.flags & flags::DERIVED != 0;
        self.state.is_class_field_init = spec.flags & flags::FIELD_INIT != 0;
        let mut fl = 0;
        self.state.scope = Some(id);
        if scope.has_env() {
            let info = self.scope_info(id);
            self.emit(I::PushEnv { scope: info });
            self.f.env_depth += 1;
            fl |= flags::HAS_FUNCTION_ENV;
        }
        // Implicit bindings: this, new.target, the function, arguments. `this` first: its
        // register is then the one after the parameters, which the call fills with `this`
        // (`flags::THIS_REGISTER`) where a `LoadThis` would run at every call.
        let mut implicit: Vec<usize> = (0..scope.bindings.len())
            .filter(|&i| scope.bindings[i].kind == BindingKind::Implicit)
            .collect();
        implicit.sort_by_key(|&i| scope.bindings[i].name != "this");
        for i in implicit {
            let b = &scope.bindings[i];
            let r = self.f.alloc();
            match b.name {
                "this" => {
                    if self.state.derived {
                        self.emit(I::LoadHole { dst: r });
                    } else if r.0 == parameter_count {
                        fl |= flags::THIS_REGISTER;
                    } else {
                        self.emit(I::LoadThis { dst: r });
                    }
                }
                "new.target" => self.emit(I::LoadNewTarget { dst: r }),
                "%fn" => self.emit(I::LoadCallee { dst: r }),
                "arguments" => {
                    let params = spec.params;
                    let mapped = !strict && params.is_some_and(|p| p.is_simple);
                    let mapped_count = if mapped { parameter_count + 1 } else { 0 };
                    self.emit(I::CreateArguments {
                        dst: r,
                        mapped: Count(mapped_count),
                    });
                    fl |= flags::USES_ARGUMENTS;
                }
                _ => {}
            }
            if b.captured {
                self.emit(I::SetEnv {
                    depth: Count(0),
                    slot: Count(self.slot_of(id, i)),
                    src: r,
                });
            } else {
                self.state.locals.insert((id.0, i as u32), r);
            }
        }
        if spec.flags & flags::CLASS_CONSTRUCTOR != 0 && !self.state.derived {
            self.initialize_base_instance();
        }
        let mut length = 0;
        if let Some(params) = spec.params {
            length = self.parameters(id, params)?;
        }
        match spec.body {
            Body::Statements(body) => {
                let params_simple = spec.params.is_none_or(|p| p.is_simple);
                let outer = self.state.scope;
                if params_simple {
                    self.declare_function_locals(id)?;
                    self.hoist_functions(body.statements, false)?;
                } else {
                    // A separate variable environment (ECMA-262 10.2.11 step 28).
                    self.enter_scope(spec.key + scope::TAG_BODY, &[])?;
                    let body_id = self.scope();
                    let vars: Vec<(usize, &'a str)> = self
                        .tree
                        .get(body_id)
                        .bindings
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| b.kind == BindingKind::Var)
                        .map(|(i, b)| (i, b.name))
                        .collect();
                    for (_, name) in vars {
                        // A var named like a parameter starts with the parameter's value.
                        if self.tree.get(id).find(name).is_some() {
                            let mark = self.f.mark();
                            let t = self.f.alloc();
                            let loc = self.resolve_from(id, name, false, None);
                            let depth_adjust = u32::from(self.tree.get(body_id).has_env());
                            let loc = match loc {
                                Location::Env {
                                    depth,
                                    slot,
                                    lexical,
                                    constant,
                                    import,
                                } => Location::Env {
                                    depth: depth + depth_adjust,
                                    slot,
                                    lexical,
                                    constant,
                                    import,
                                },
                                other => other,
                            };
                            self.load_location(name, loc, t);
                            self.store_binding(name, t, true)?;
                            self.f.release(mark);
                        }
                    }
                    self.hoist_functions(body.statements, false)?;
                }
                if self.state.is_generator {
                    self.initial_yield();
                }
                self.statements(body.statements)?;
                let _ = outer;
                // Falling off the end returns the undefined register, unless the end cannot
                // be reached after a last `return` (then reserving one would only make every
                // frame a register longer) or `undefined` becomes a derived constructor's `this`.
                let ends_in_return = matches!(body.statements.last(), Some(Statement::Return(_)));
                if self.state.derived || ends_in_return {
                    let r = self.f.alloc();
                    self.emit(I::LoadUndefined { dst: r });
                    self.emit_return(r)?;
                } else {
                    let r = self.f.undefined_register();
                    self.emit_return(r)?;
                }
            }
            Body::Expression(e) => {
                self.declare_function_locals(id)?;
                let r = self.f.alloc();
                self.expression(e, r)?;
                self.emit_return(r)?;
            }
            Body::ClassFields { class, is_static } => {
                self.class_fields(class, is_static)?;
                let r = self.f.alloc();
                self.emit(I::LoadUndefined { dst: r });
                self.emit(I::Return { value: r });
            }
            Body::AutoAccessor { index, setter } => {
                let this = self.f.alloc();
                self.load_binding("this", this)?;
                let r = self.f.alloc();
                self.load_private_name(&scope::accessor_storage(index), r);
                if setter {
                    // The one parameter is register 0.
                    self.emit(I::SetPrivate {
                        object: this,
                        name: r,
                        value: Reg(0),
                    });
                    self.emit(I::LoadUndefined { dst: r });
                    length = 1;
                } else {
                    self.emit(I::GetPrivate {
                        dst: r,
                        object: this,
                        name: r,
                    });
                }
                self.emit(I::Return { value: r });
            }
            Body::DefaultConstructor => {
                unreachable!("default constructors have no scope")
            }
        }
        Ok((fl, length))
    }

    /// A base class constructor's first act: its instance fields (ECMA-262 10.2.1.3 step 6).
    fn initialize_base_instance(&mut self) {
        let mark = self.f.mark();
        let f = self.f.alloc();
        let this = self.f.alloc();
        self.emit(I::LoadCallee { dst: f });
        self.emit(I::LoadThis { dst: this });
        self.emit(I::InitializeInstance {
            object: this,
            function: f,
        });
        self.f.release(mark);
    }

    fn default_constructor(
        &mut self,
        spec: &FunctionSpec<'a>,
        strict: bool,
    ) -> CompileResult<(u32, u32)> {
        let _ = strict;
        self.state.strict = true;
        self.state.derived = spec.flags & flags::DERIVED != 0;
        {
            {
                let r = self.f.alloc();
                if self.state.derived {
                    let f = self.f.alloc();
                    let nt = self.f.alloc();
                    self.emit(I::LoadCallee { dst: f });
                    self.emit(I::LoadNewTarget { dst: nt });
                    self.emit(I::SuperCallForward {
                        dst: r,
                        function: f,
                        new_target: nt,
                    });
                    self.emit(I::InitializeInstance {
                        object: r,
                        function: f,
                    });
                } else {
                    self.initialize_base_instance();
                    self.emit(I::LoadUndefined { dst: r });
                }
                self.emit(I::Return { value: r });
            }
        }
        Ok((0, 0))
    }

    /// Registers for the function scope's `var`s and lexical bindings.
    fn declare_function_locals(&mut self, id: ScopeId) -> CompileResult<()> {
        let scope = self.tree.get(id);
        for (i, b) in scope.bindings.iter().enumerate() {
            if b.captured
                || matches!(
                    b.kind,
                    BindingKind::Parameter | BindingKind::Implicit | BindingKind::PrivateName
                )
                || self.state.locals.contains_key(&(id.0, i as u32))
            {
                continue;
            }
            let fresh = self.f.next_is_fresh();
            let r = self.f.alloc();
            self.state.locals.insert((id.0, i as u32), r);
            if b.kind.is_lexical() {
                self.emit(I::LoadHole { dst: r });
            } else if !fresh {
                self.emit(I::LoadUndefined { dst: r });
            }
        }
        Ok(())
    }

    /// Binds the parameters (registers `r0..`) and returns the function's `length`.
    fn parameters(&mut self, id: ScopeId, params: &'a FormalParameters<'a>) -> CompileResult<u32> {
        let mut length = 0;
        let mut counting = true;
        // Simple parameters that stay in registers use their argument register directly; the
        // last of duplicate names wins.
        if params.is_simple {
            for (i, p) in params.items.iter().enumerate() {
                if let Pattern::Identifier(ident) = p {
                    let scope = self.tree.get(id);
                    let index = scope.find(ident.name).expect("declared parameter");
                    if !scope.bindings[index].captured {
                        self.state
                            .locals
                            .insert((id.0, index as u32), Reg(i as u32));
                    }
                }
            }
            for (i, p) in params.items.iter().enumerate() {
                length += 1;
                if let Pattern::Identifier(ident) = p {
                    let scope = self.tree.get(id);
                    let index = scope.find(ident.name).expect("declared parameter");
                    if scope.bindings[index].captured {
                        // Later duplicates overwrite earlier ones, as the spec's order does.
                        self.emit(I::SetEnv {
                            depth: Count(0),
                            slot: Count(self.slot_of(id, index)),
                            src: Reg(i as u32),
                        });
                    }
                }
            }
            return Ok(length);
        }
        // Parameters with defaults or patterns: every name starts in its TDZ.
        let names: Vec<(usize, bool)> = self
            .tree
            .get(id)
            .bindings
            .iter()
            .enumerate()
            .filter(|(_, b)| b.kind == BindingKind::Parameter)
            .map(|(i, b)| (i, b.captured))
            .collect();
        for (index, captured) in names {
            if !captured {
                let r = self.f.alloc();
                self.emit(I::LoadHole { dst: r });
                self.state.locals.insert((id.0, index as u32), r);
            }
        }
        for (i, p) in params.items.iter().enumerate() {
            if matches!(p, Pattern::Assign(_)) {
                counting = false;
            }
            if counting {
                length += 1;
            }
            self.bind_pattern(p, Reg(i as u32), true)?;
        }
        if let Some(rest) = &params.rest {
            let mark = self.f.mark();
            let r = self.f.alloc();
            self.emit(I::CreateRest {
                dst: r,
                start: Count(params.items.len() as u32),
            });
            self.bind_pattern(rest, r, true)?;
            self.f.release(mark);
        }
        Ok(length)
    }

    /// A generator's body starts suspended: the first `next()` runs it.
    fn initial_yield(&mut self) {
        let mark = self.f.mark();
        let v = self.f.alloc();
        let mode = self.f.alloc();
        self.emit(I::LoadUndefined { dst: v });
        self.emit(I::Yield {
            dst: v,
            mode,
            value: v,
        });
        // A `return()` or `throw()` before the first `next()` completes at once.
        self.after_resume(v, mode);
        self.f.release(mark);
    }

    /// After a `yield` resumes: a `return()` request returns through any `finally`.
    pub fn after_resume(&mut self, value: Reg, mode: Reg) {
        let two = self.f.alloc();
        let is_return = self.f.alloc();
        self.emit(I::LoadInt {
            dst: two,
            value: crate::instruction::Imm(2),
        });
        self.emit(I::StrictEqual {
            dst: is_return,
            lhs: mode,
            rhs: two,
        });
        let skip = self.f.emit_jump(|o| I::JumpIfFalse {
            cond: is_return,
            offset: o,
        });
        let _ = self.emit_return_raw(value);
        self.f.patch_here(skip);
    }
}

/// The function a statement declares: `function f() {}`, also behind `export` or
/// `export default`.
fn function_declaration<'a>(s: &Statement<'a>) -> Option<&'a Function<'a>> {
    match s {
        Statement::Function(f) => Some(*f),
        Statement::ExportNamed(e) => match e.declaration {
            Some(Statement::Function(f)) => Some(f),
            _ => None,
        },
        Statement::ExportDefault(d) => match d.kind {
            ExportDefaultKind::Function(f) => Some(f),
            _ => None,
        },
        _ => None,
    }
}
