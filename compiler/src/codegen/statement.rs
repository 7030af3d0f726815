//! Statements: declarations, control flow, loops, `switch`, `try`, labels and the routing of
//! `break`/`continue`/`return` through `finally` blocks and open iterators.

use super::{CompileResult, Compiler, Control, Exit, Patch, error};
use crate::code::{Handler, completion};
use crate::instruction::{Count, Imm, Instruction as I, Reg};
use crate::scope::{TAG_BODY, node};
use kiln_parser::ast::*;

impl<'a> Compiler<'a> {
    /// A statement list; one with `using` declarations is the scope of their disposal.
    pub fn statements(&mut self, list: &'a [Statement<'a>]) -> CompileResult<()> {
        let each = |c: &mut Self| {
            for s in list {
                c.statement(s)?;
            }
            Ok(())
        };
        match using_declarations(list) {
            Some(is_async) => self.with_disposal(is_async, each),
            None => each(self),
        }
    }

    pub fn statement(&mut self, statement: &'a Statement<'a>) -> CompileResult<()> {
        let labels = std::mem::take(&mut self.state.pending_labels);
        let mark = self.f.mark();
        self.at(statement.span());
        let result = self.statement_inner(statement, labels);
        self.f.release(mark);
        result
    }

    fn statement_inner(
        &mut self,
        statement: &'a Statement<'a>,
        labels: Vec<&'a str>,
    ) -> CompileResult<()> {
        let is_loop = matches!(
            statement,
            Statement::For(_)
                | Statement::ForIn(_)
                | Statement::ForOf(_)
                | Statement::While(_)
                | Statement::DoWhile(_)
        );
        if !labels.is_empty() && !is_loop && !matches!(statement, Statement::Labeled(_)) {
            // A labelled non-loop statement: only `break label` targets it.
            self.state.controls.push(Control::Breakable {
                labels,
                is_loop: false,
                unlabelled_break: false,
                breaks: Vec::new(),
                continues: Vec::new(),
                env_depth: self.f.env_depth,
            });
            let result = self.statement_inner(statement, Vec::new());
            self.finish_breakable(None);
            return result;
        }
        // Statements whose completion value starts out undefined (ECMA-262 UpdateEmpty): for the
        // completion value of a script or eval.
        if let Some(c) = self.state.completion
            && matches!(
                statement,
                Statement::If(_)
                    | Statement::DoWhile(_)
                    | Statement::While(_)
                    | Statement::For(_)
                    | Statement::ForIn(_)
                    | Statement::ForOf(_)
                    | Statement::Switch(_)
                    | Statement::Try(_)
                    | Statement::With(_)
            )
        {
            self.emit(I::LoadUndefined { dst: c });
        }
        match statement {
            Statement::Block(b) => {
                let outer = self.enter_scope(node(*b, 0), b.body)?;
                self.statements(b.body)?;
                self.leave_scope(outer);
            }
            Statement::Variable(v) => self.variable_declaration(v)?,
            Statement::Function(f) => self.annex_b_copy(f)?,
            Statement::Class(c) => {
                let r = self.f.alloc();
                self.class(c, r, None)?;
                if let Some(id) = &c.id {
                    self.store_binding(id.name, r, true)?;
                }
            }
            Statement::Empty(_) | Statement::Debugger(_) => {}
            Statement::Expression(e) => match self.state.completion {
                Some(c) => self.expression(&e.expression, c)?,
                None => self.effect(&e.expression)?,
            },
            Statement::If(s) => {
                let to_else = self.jump_unless(&s.test)?;
                self.sub_statement(&s.consequent)?;
                match &s.alternate {
                    Some(alt) => {
                        let to_end = self.f.emit_jump(|o| I::Jump { offset: o });
                        self.f.patch_here(to_else);
                        self.sub_statement(alt)?;
                        self.f.patch_here(to_end);
                    }
                    None => self.f.patch_here(to_else),
                }
            }
            Statement::While(s) => {
                self.push_loop(labels);
                let start = self.f.label();
                let exit = self.jump_unless(&s.test)?;
                self.sub_statement(&s.body)?;
                self.patch_continues(start);
                self.f.emit_jump_to(start, |o| I::Jump { offset: o });
                self.f.patch_here(exit);
                self.finish_breakable(None);
            }
            Statement::DoWhile(s) => {
                self.push_loop(labels);
                let start = self.f.label();
                self.sub_statement(&s.body)?;
                let test = self.f.label();
                self.patch_continues(test);
                let cond = self.f.alloc();
                self.expression(&s.test, cond)?;
                self.f
                    .emit_jump_to(start, |o| I::JumpIfTrue { cond, offset: o });
                self.finish_breakable(None);
            }
            Statement::For(s) => self.for_statement(s, labels)?,
            Statement::ForIn(s) => self.for_in(s, labels)?,
            Statement::ForOf(s) => self.for_of(s, labels)?,
            Statement::Continue(j) => self.jump(j, true)?,
            Statement::Break(j) => self.jump(j, false)?,
            Statement::Return(r) => {
                // A local or nothing is returned from its register (or the undefined one), with
                // no copy, unless the return writes its value register: a derived constructor
                // (`undefined` becomes `this`) or an async generator (the value is awaited).
                let async_generator = self.state.is_async && self.state.is_generator;
                let in_place = !(self.state.derived || async_generator);
                if in_place {
                    let v = match &r.argument {
                        Some(e) => self.local_operand(e),
                        None => Some(self.f.undefined_register()),
                    };
                    if let Some(v) = v {
                        self.emit_return(v)?;
                        return Ok(());
                    }
                }
                let v = self.f.alloc();
                match &r.argument {
                    Some(e) if self.in_tail_position() => self.tail_expression(e, v)?,
                    Some(e) => self.expression(e, v)?,
                    None => self.emit(I::LoadUndefined { dst: v }),
                }
                if self.state.is_async && self.state.is_generator && r.argument.is_some() {
                    self.emit(I::Await { dst: v, value: v });
                }
                self.emit_return(v)?;
            }
            Statement::With(w) => {
                let o = self.f.alloc();
                self.expression(&w.object, o)?;
                self.emit(I::PushWithEnv { object: o });
                self.f.env_depth += 1;
                let outer = self.state.scope;
                self.state.scope = self.tree.scope_of(node(*w, 0)).or(outer);
                self.sub_statement(&w.body)?;
                self.state.scope = outer;
                self.emit(I::PopEnv {});
                self.f.env_depth -= 1;
            }
            Statement::Switch(s) => self.switch(s, labels)?,
            Statement::Labeled(l) => {
                let mut labels = labels;
                labels.push(l.label.name);
                self.state.pending_labels = labels;
                let mark = self.f.mark();
                let result = self.sub_statement(&l.body);
                self.state.pending_labels.clear();
                self.f.release(mark);
                result?;
            }
            Statement::Throw(t) => {
                let v = self.f.alloc();
                self.expression(&t.argument, v)?;
                self.at(t.span);
                self.emit(I::Throw { value: v });
            }
            Statement::Try(t) => self.try_statement(t)?,
            Statement::Import(_) | Statement::ExportAll(_) => {}
            Statement::ExportNamed(e) => {
                if let Some(d) = &e.declaration {
                    self.statement(d)?;
                }
            }
            Statement::ExportDefault(d) => match &d.kind {
                ExportDefaultKind::Function(_) => {}
                ExportDefaultKind::Class(c) => {
                    let r = self.f.alloc();
                    let default = self.name("default").0;
                    self.class(c, r, Some(default))?;
                    let name = c.id.map_or("*default*", |id| id.name);
                    self.store_binding(name, r, true)?;
                }
                ExportDefaultKind::Expression(e) => {
                    let r = self.f.alloc();
                    let default = self.name("default").0;
                    self.named_expression(e, r, default)?;
                    self.store_binding("*default*", r, true)?;
                }
            },
        }
        Ok(())
    }

    /// The body of an `if`, loop or label: a lone function declaration gets its own scope.
    fn sub_statement(&mut self, statement: &'a Statement<'a>) -> CompileResult<()> {
        if let Statement::Function(f) = statement {
            let outer =
                self.enter_scope(node(*f, TAG_BODY + 1), std::slice::from_ref(statement))?;
            self.statement(statement)?;
            self.leave_scope(outer);
            Ok(())
        } else {
            self.statement(statement)
        }
    }

    /// Annex B.3.3: evaluating a block-level function declaration in sloppy code copies the
    /// block's binding to the function-level `var` of the same name.
    fn annex_b_copy(&mut self, f: &'a Function<'a>) -> CompileResult<()> {
        let Some(id) = &f.id else { return Ok(()) };
        if self.state.strict || f.is_async || f.is_generator {
            return Ok(());
        }
        let current = self.scope();
        let var_scope = crate::scope::Analyzer::var_scope_of(self.tree, current);
        if var_scope == current {
            return Ok(());
        }
        let scope = self.tree.get(var_scope);
        let Some(i) = scope.find(id.name) else {
            return Ok(());
        };
        if scope.bindings[i].kind != crate::scope::BindingKind::Var
            && scope.bindings[i].kind != crate::scope::BindingKind::Function
        {
            return Ok(());
        }
        // Skip when an enclosing block (between here and the function) declares the name
        // lexically: the var copy would clash. In `eval` code a simple catch parameter does not
        // (B.3.4; patterns were excluded when the var was declared).
        let in_eval = self.tree.get(var_scope).kind == crate::scope::ScopeKind::Eval;
        let mut walk = self.tree.get(current).parent;
        while let Some(w) = walk {
            if w == var_scope {
                break;
            }
            let s = self.tree.get(w);
            if let Some(j) = s.find(id.name)
                && s.bindings[j].kind != crate::scope::BindingKind::Var
                && !(in_eval && s.bindings[j].kind == crate::scope::BindingKind::CatchParameter)
            {
                return Ok(());
            }
            walk = s.parent;
        }
        if in_eval {
            return self.annex_b_copy_in_eval(id.name, current, var_scope);
        }
        let mark = self.f.mark();
        let r = self.f.alloc();
        self.load_binding(id.name, r)?;
        let loc = self.resolve_from(current, id.name, false, Some(var_scope));
        if var_scope_is_global(self, var_scope) {
            let n = self.name(id.name);
            let ic = self.f.ic();
            self.emit(I::SetGlobal {
                name: n,
                src: r,
                ic: crate::instruction::IcSlot(ic),
            });
        } else {
            self.store_location(id.name, loc, r, true);
        }
        self.f.release(mark);
        Ok(())
    }

    /// The copy for `eval` code: only when the `var` was made, into the binding found from the
    /// eval's own environment outwards (the blocks in between hold `f` itself).
    fn annex_b_copy_in_eval(
        &mut self,
        name: &'a str,
        current: crate::scope::ScopeId,
        eval_scope: crate::scope::ScopeId,
    ) -> CompileResult<()> {
        let flag = self
            .state
            .annex_b_flags
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, r)| r);
        let skip = flag.map(|cond| self.f.emit_jump(|o| I::JumpIfFalse { cond, offset: o }));
        let mut depth = 0;
        let mut walk = Some(current);
        while let Some(w) = walk {
            if w == eval_scope {
                break;
            }
            let s = self.tree.get(w);
            if s.has_env() {
                depth += 1;
            }
            walk = s.parent;
        }
        let mark = self.f.mark();
        let r = self.f.alloc();
        self.load_binding(name, r)?;
        let n = self.name(name);
        self.emit(I::SetNameAt {
            name: n,
            src: r,
            depth: Count(depth),
        });
        self.f.release(mark);
        if let Some(p) = skip {
            self.f.patch_here(p);
        }
        Ok(())
    }

    pub fn variable_declaration(&mut self, v: &'a VariableDeclaration<'a>) -> CompileResult<()> {
        for d in v.declarations {
            self.at(d.span);
            match (&d.init, v.kind) {
                (None, VariableKind::Var) => {}
                (None, _) => {
                    let r = self.f.alloc();
                    self.emit(I::LoadUndefined { dst: r });
                    self.bind_pattern(&d.target, r, true)?;
                }
                (Some(init), kind) => {
                    if let Pattern::Identifier(id) = &d.target
                        && !kind.is_using()
                        && self.value_into_local(id.name, init, true)?
                    {
                        continue;
                    }
                    let r = self.f.alloc();
                    match &d.target {
                        Pattern::Identifier(id) => {
                            let name = self.name(id.name).0;
                            self.named_expression(init, r, name)?;
                        }
                        _ => self.expression(init, r)?,
                    }
                    // InitializeBinding: the resource is added before the binding is set.
                    self.at(d.span);
                    self.add_disposable_resource(kind, r, d.span)?;
                    self.bind_pattern(&d.target, r, kind != VariableKind::Var)?;
                }
            }
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Loops and jumps

    fn push_loop(&mut self, labels: Vec<&'a str>) {
        self.state.controls.push(Control::Breakable {
            labels,
            is_loop: true,
            unlabelled_break: true,
            breaks: Vec::new(),
            continues: Vec::new(),
            env_depth: self.f.env_depth,
        });
    }

    /// Points the innermost breakable's `continue` jumps at `label`.
    fn patch_continues(&mut self, label: super::Label) {
        let patches = match self.state.controls.last_mut() {
            Some(Control::Breakable { continues, .. }) => std::mem::take(continues),
            _ => Vec::new(),
        };
        for p in patches {
            self.f.patch_to(p, label);
        }
    }

    /// Pops the innermost breakable and points its `break` jumps here.
    fn finish_breakable(&mut self, _: Option<()>) {
        if let Some(Control::Breakable { breaks, .. }) = self.state.controls.pop() {
            for p in breaks {
                self.f.patch_here(p);
            }
        }
    }

    fn jump(&mut self, j: &JumpStatement<'a>, is_continue: bool) -> CompileResult<()> {
        let target = self.state.controls.iter().rposition(|c| match c {
            Control::Breakable {
                labels,
                is_loop,
                unlabelled_break,
                ..
            } => match &j.label {
                Some(l) => labels.contains(&l.name) && (!is_continue || *is_loop),
                None => {
                    if is_continue {
                        *is_loop
                    } else {
                        *unlabelled_break
                    }
                }
            },
            _ => false,
        });
        let Some(target) = target else {
            return error("a break or continue without a target", j.span);
        };
        self.exit(
            Exit::Jump {
                target,
                is_continue,
            },
            None,
        )
    }

    /// Emits an abrupt exit from the current position: closes iterators, runs `finally`
    /// blocks (by jumping into them with a completion kind), pops environments, then jumps.
    fn exit(&mut self, exit: Exit, return_value: Option<Reg>) -> CompileResult<()> {
        let stop = match exit {
            Exit::Jump { target, .. } => target + 1,
            Exit::Return => 0,
        };
        let mut i = self.state.controls.len();
        while i > stop {
            i -= 1;
            match self.state.controls[i].clone() {
                Control::Iterator { iterator, done, .. } => {
                    let continues_own_loop =
                        matches!(exit, Exit::Jump { target, is_continue: true } if target + 1 == i);
                    if !continues_own_loop {
                        match done {
                            Some(done) => {
                                let skip = self.f.emit_jump(|o| I::JumpIfTrue {
                                    cond: done,
                                    offset: o,
                                });
                                // Done from here: a throw from `return()` is not caught by
                                // the region's handler to close the iterator again.
                                self.emit(I::LoadTrue { dst: done });
                                self.emit(I::IteratorClose { iterator });
                                self.f.patch_here(skip);
                            }
                            None => self.emit(I::IteratorClose { iterator }),
                        }
                    }
                }
                Control::Finally {
                    kind,
                    value,
                    env_depth,
                    exits,
                } => {
                    let index = exits.len() as i32;
                    self.emit(I::LoadInt {
                        dst: kind,
                        value: Imm(completion::FIRST_EXIT + index),
                    });
                    if let Some(v) = return_value {
                        self.emit(I::Move { dst: value, src: v });
                    }
                    self.pop_envs_to(env_depth);
                    let patch = self.f.emit_jump(|o| I::Jump { offset: o });
                    if let Control::Finally { exits, .. } = &mut self.state.controls[i] {
                        exits.push((patch, exit));
                    }
                    return Ok(());
                }
                _ => {}
            }
        }
        match exit {
            Exit::Return => {
                let v = return_value.expect("a return value");
                self.pop_envs_to(0);
                self.emit(I::Return { value: v });
            }
            Exit::Jump {
                target,
                is_continue,
            } => {
                let Control::Breakable { env_depth, .. } = self.state.controls[target] else {
                    unreachable!("jump targets are breakables");
                };
                self.pop_envs_to(env_depth);
                let patch = self.f.emit_jump(|o| I::Jump { offset: o });
                if let Control::Breakable {
                    breaks, continues, ..
                } = &mut self.state.controls[target]
                {
                    if is_continue {
                        continues.push(patch);
                    } else {
                        breaks.push(patch);
                    }
                }
            }
        }
        Ok(())
    }

    /// Emits `PopEnv` down to `depth` without changing the tracked depth (the code after a jump
    /// is still inside the environments).
    fn pop_envs_to(&mut self, depth: u32) {
        for _ in depth..self.f.env_depth {
            self.emit(I::PopEnv {});
        }
    }

    /// `return value` from here, through `finally` blocks and iterators.
    pub fn emit_return(&mut self, value: Reg) -> CompileResult<()> {
        if self.state.derived {
            // A derived constructor returning undefined returns its `this`.
            let skip = self.f.emit_jump(|o| I::JumpIfNotUndefined {
                cond: value,
                offset: o,
            });
            self.load_binding("this", value)?;
            self.f.patch_here(skip);
        }
        self.exit(Exit::Return, Some(value))
    }

    pub fn emit_return_raw(&mut self, value: Reg) -> CompileResult<()> {
        self.emit_return(value)
    }

    fn for_statement(
        &mut self,
        s: &'a ForStatement<'a>,
        labels: Vec<&'a str>,
    ) -> CompileResult<()> {
        let outer = self.enter_scope(node(s, 0), &[])?;
        let per_iteration = self.state.scope != outer
            && self
                .state
                .scope
                .is_some_and(|id| self.tree.get(id).has_env());
        // `for (using x = ...; ...)`: the whole loop is the scope of the disposal.
        match &s.init {
            Some(ForInit::Variable(v)) if v.kind.is_using() => {
                let is_async = v.kind == VariableKind::AwaitUsing;
                self.with_disposal(is_async, |c| c.for_loop(s, labels, per_iteration))?;
            }
            _ => self.for_loop(s, labels, per_iteration)?,
        }
        self.leave_scope(outer);
        Ok(())
    }

    /// A `for` statement from its initialiser on, inside the scope of its declarations.
    fn for_loop(
        &mut self,
        s: &'a ForStatement<'a>,
        labels: Vec<&'a str>,
        per_iteration: bool,
    ) -> CompileResult<()> {
        match &s.init {
            Some(ForInit::Variable(v)) => self.variable_declaration(v)?,
            Some(ForInit::Expression(e)) => {
                let r = self.f.alloc();
                self.expression(e, r)?;
            }
            None => {}
        }
        if per_iteration {
            self.emit(I::CloneEnv {});
        }
        self.push_loop(labels);
        let start = self.f.label();
        let mut exit = None;
        if let Some(test) = &s.test {
            exit = Some(self.jump_unless(test)?);
        }
        self.sub_statement(&s.body)?;
        let next = self.f.label();
        self.patch_continues(next);
        if per_iteration {
            self.emit(I::CloneEnv {});
        }
        if let Some(update) = &s.update {
            self.effect(update)?;
        }
        self.f.emit_jump_to(start, |o| I::Jump { offset: o });
        if let Some(exit) = exit {
            self.f.patch_here(exit);
        }
        self.finish_breakable(None);
        Ok(())
    }

    /// Binds a for-in/of head to `value`: a declaration in a fresh per-iteration scope, or an
    /// assignment target.
    fn bind_for_head(&mut self, left: &'a ForHead<'a>, value: Reg) -> CompileResult<()> {
        match left {
            ForHead::Variable(v) => {
                let d = &v.declarations[0];
                self.add_disposable_resource(v.kind, value, d.span)?;
                self.bind_pattern(&d.target, value, v.kind != VariableKind::Var)
            }
            ForHead::Pattern(p) => self.assign_pattern(p, value),
        }
    }

    fn for_in(&mut self, s: &'a ForInStatement<'a>, labels: Vec<&'a str>) -> CompileResult<()> {
        // Annex B: `for (var x = init in o)` assigns the initialiser first.
        if let ForHead::Variable(v) = &s.left
            && let Some(init) = &v.declarations[0].init
        {
            let r = self.f.alloc();
            self.expression(init, r)?;
            self.bind_pattern(&v.declarations[0].target, r, false)?;
        }
        let object = self.f.alloc();
        let outer = self.enter_scope(node(s, 0), &[])?;
        self.expression(&s.right, object)?;
        self.leave_scope(outer);
        let e = self.f.alloc();
        self.emit(I::ForInEnumerate { dst: e, object });
        self.push_loop(labels);
        let start = self.f.label();
        let key = self.f.alloc();
        let done = self.f.emit_jump(|o| I::ForInNext {
            dst: key,
            iterator: e,
            offset: o,
        });
        let outer = self.enter_scope(node(s, 0), &[])?;
        self.bind_for_head(&s.left, key)?;
        self.sub_statement(&s.body)?;
        self.leave_scope(outer);
        self.patch_continues(start);
        self.f.emit_jump_to(start, |o| I::Jump { offset: o });
        self.f.patch_here(done);
        self.finish_breakable(None);
        Ok(())
    }

    fn for_of(&mut self, s: &'a ForOfStatement<'a>, labels: Vec<&'a str>) -> CompileResult<()> {
        if s.is_await && self.parked_depth() == 0 {
            self.top_level_await = true;
        }
        let object = self.f.alloc();
        let outer = self.enter_scope(node(s, 0), &[])?;
        self.expression(&s.right, object)?;
        self.leave_scope(outer);
        let iterator = self.f.alloc_n(2);
        self.at(s.right.span());
        self.emit(I::GetIterator {
            dst: iterator,
            object,
            kind: Count(u32::from(s.is_await)),
        });
        self.push_loop(labels);
        self.state.controls.push(Control::Iterator {
            iterator,
            is_async: s.is_await,
            done: None,
        });
        let start = self.f.label();
        let value = self.f.alloc();
        // An error from the iterator's `next` points at the binding, as V8's do.
        self.at(match &s.left {
            ForHead::Variable(d) => d.declarations.first().map_or(d.span, |v| v.target.span()),
            ForHead::Pattern(p) => p.span(),
        });
        let done = if s.is_await {
            let result = self.f.alloc();
            // The hole: `next()` is called with no argument.
            let undefined = self.f.alloc();
            self.emit(I::LoadHole { dst: undefined });
            self.emit(I::IteratorNext {
                dst: result,
                iterator,
                value: undefined,
            });
            self.emit(I::Await {
                dst: result,
                value: result,
            });
            self.emit(I::RequireObject { src: result });
            let is_done = self.f.alloc();
            self.emit(I::IteratorResultUnpack {
                done: is_done,
                value,
                result,
            });
            self.f.emit_jump(|o| I::JumpIfTrue {
                cond: is_done,
                offset: o,
            })
        } else {
            self.f.emit_jump(|o| I::IteratorStep {
                dst: value,
                iterator,
                offset: o,
            })
        };
        let body_start = self.f.label().0 as u32;
        let env_depth = self.f.env_depth;
        let outer = self.enter_scope(node(s, 0), &[])?;
        let iteration = |c: &mut Self| {
            c.bind_for_head(&s.left, value)?;
            c.sub_statement(&s.body)
        };
        // `for (using x of ...)`: each iteration is the scope of the disposal.
        match &s.left {
            ForHead::Variable(v) if v.kind.is_using() => {
                self.with_disposal(v.kind == VariableKind::AwaitUsing, iteration)?;
            }
            _ => iteration(self)?,
        }
        self.leave_scope(outer);
        let body_end = self.f.label().0 as u32;
        // `continue` goes back to the next step, keeping the iterator open.
        self.state.controls.pop();
        self.patch_continues(start);
        self.state.controls.push(Control::Iterator {
            iterator,
            is_async: s.is_await,
            done: None,
        });
        self.f.emit_jump_to(start, |o| I::Jump { offset: o });
        // A throw from the body closes the iterator and propagates.
        let handler = self.f.label().0 as u32;
        self.f.handlers.push(Handler {
            start: body_start,
            end: body_end,
            handler,
            env_depth,
        });
        let exception = self.f.alloc();
        self.emit(I::Catch { dst: exception });
        self.emit(I::IteratorCloseThrow { iterator });
        self.emit(I::Throw { value: exception });
        self.f.patch_here(done);
        self.state.controls.pop();
        self.finish_breakable(None);
        Ok(())
    }

    fn switch(&mut self, s: &'a SwitchStatement<'a>, labels: Vec<&'a str>) -> CompileResult<()> {
        let d = self.f.alloc();
        self.expression(&s.discriminant, d)?;
        let outer = self.enter_scope(node(s, 0), &[])?;
        for case in s.cases {
            self.hoist_functions(case.body, true)?;
        }
        self.state.controls.push(Control::Breakable {
            labels,
            is_loop: false,
            unlabelled_break: true,
            breaks: Vec::new(),
            continues: Vec::new(),
            env_depth: self.f.env_depth,
        });
        let mut case_jumps = Vec::new();
        let t = self.f.alloc();
        for case in s.cases {
            if let Some(test) = &case.test {
                self.expression(test, t)?;
                case_jumps.push(Some(self.f.emit_jump(|o| I::JumpIfStrictEqual {
                    lhs: d,
                    rhs: t,
                    offset: o,
                })));
            } else {
                case_jumps.push(None);
            }
        }
        let to_default = self.f.emit_jump(|o| I::Jump { offset: o });
        let mut default_seen = false;
        for (case, jump) in s.cases.iter().zip(case_jumps) {
            match jump {
                Some(p) => self.f.patch_here(p),
                None => {
                    self.f.patch_here(to_default);
                    default_seen = true;
                }
            }
            self.statements(case.body)?;
        }
        if !default_seen {
            self.f.patch_here(to_default);
        }
        self.finish_breakable(None);
        self.leave_scope(outer);
        Ok(())
    }

    /// Whether a `return` here is in tail position (15.10.2 IsInTailPosition): strict code of a
    /// plain function (not a generator, an async function or a derived constructor), outside
    /// `try` blocks, `finally` blocks' protected code, `for-of` loops and `using` scopes —
    /// nothing left to run after the call but the return.
    fn in_tail_position(&self) -> bool {
        let s = &self.state;
        s.strict
            && !s.is_generator
            && !s.is_async
            && !s.derived
            && s.completion.is_none()
            && s.try_depth == 0
            && s.dispose_capability.is_none()
            && s.function_scope.is_some()
            && !s
                .controls
                .iter()
                .any(|c| matches!(c, Control::Finally { .. } | Control::Iterator { .. }))
    }

    /// Evaluates a returned expression whose calls in tail position are tail calls:
    /// `f()`, either arm of `?:`, the right of `&&`, `||`, `??` and of a comma.
    fn tail_expression(&mut self, e: &'a Expression<'a>, dst: Reg) -> CompileResult<()> {
        match e {
            Expression::Parenthesized(p) => self.tail_expression(&p.expression, dst),
            Expression::Conditional(c) => {
                let to_else = self.jump_unless(&c.test)?;
                self.tail_expression(&c.consequent, dst)?;
                // The tail call returns when it is not one (see `I::TailCall`).
                self.emit_return(dst)?;
                self.f.patch_here(to_else);
                self.tail_expression(&c.alternate, dst)
            }
            Expression::Logical(l) => {
                self.expression(&l.left, dst)?;
                let skip = self.logical_skip(l.operator, dst);
                self.tail_expression(&l.right, dst)?;
                self.f.patch_here(skip);
                Ok(())
            }
            Expression::Sequence(s) => match s.expressions.split_last() {
                Some((last, first)) => {
                    for x in first {
                        self.effect(x)?;
                    }
                    self.tail_expression(last, dst)
                }
                None => Ok(()),
            },
            Expression::Call(c) if !c.optional && !matches!(c.callee, Expression::Super(_)) => {
                self.state.tail_call = true;
                let result = self.call(c, dst);
                self.state.tail_call = false;
                result
            }
            Expression::TaggedTemplate(_) => {
                self.state.tail_call = true;
                let result = self.expression(e, dst);
                self.state.tail_call = false;
                result
            }
            _ => self.expression(e, dst),
        }
    }

    fn try_statement(&mut self, t: &'a TryStatement<'a>) -> CompileResult<()> {
        let Some(finalizer) = t.finalizer else {
            let to_end = self.try_catch(t)?;
            for p in to_end {
                self.f.patch_here(p);
            }
            return Ok(());
        };
        self.with_finally(
            |c| c.try_catch(t),
            |c, _, _| {
                // A finally block that completes normally leaves the completion value of the
                // try and catch blocks (ECMA-262 14.15.3: "If F is a normal completion, set F
                // to B"); one that exits abruptly keeps its own, undefined if it has none
                // (UpdateEmpty(F, undefined)).
                let saved = c.state.completion.map(|r| {
                    let t = c.f.alloc();
                    c.emit(I::Move { dst: t, src: r });
                    c.emit(I::LoadUndefined { dst: r });
                    (r, t)
                });
                let outer = c.enter_scope(node(finalizer, 0), finalizer.body)?;
                c.statements(finalizer.body)?;
                c.leave_scope(outer);
                if let Some((r, t)) = saved {
                    c.emit(I::Move { dst: r, src: t });
                }
                Ok(())
            },
        )
    }

    /// The `try` block and the `catch` clause, if any; returns the jumps to their normal end
    /// (a lone `try` block and the catch clause end by falling through).
    fn try_catch(&mut self, t: &'a TryStatement<'a>) -> CompileResult<Vec<Patch>> {
        let env_depth = self.f.env_depth;
        let try_start = self.f.label().0 as u32;
        let outer = self.enter_scope(node(t.block, 0), t.block.body)?;
        self.state.try_depth += 1;
        let body = self.statements(t.block.body);
        self.state.try_depth -= 1;
        body?;
        self.leave_scope(outer);
        let try_end = self.f.label().0 as u32;
        let Some(h) = t.handler else {
            return Ok(Vec::new());
        };
        let to_end = vec![self.f.emit_jump(|o| I::Jump { offset: o })];
        let handler = self.f.label().0 as u32;
        self.f.handlers.push(Handler {
            start: try_start,
            end: try_end,
            handler,
            env_depth,
        });
        let exception = self.f.alloc();
        self.emit(I::Catch { dst: exception });
        let outer = self.enter_scope(node(h, 0), &[])?;
        if let Some(p) = &h.param {
            self.bind_pattern(p, exception, true)?;
        }
        let inner = self.enter_scope(node(h.body, 0), h.body.body)?;
        self.statements(h.body.body)?;
        self.leave_scope(inner);
        self.leave_scope(outer);
        Ok(to_end)
    }

    /// Compiles `body` so that every way out of it — its end, the jumps it returns, `break`,
    /// `continue`, `return` or a throw — runs `finalizer` first, as `try { body } finally
    /// { finalizer }` does. The finalizer is given the completion registers (kind and value,
    /// `code::completion`) and may change them; after it the completion goes on its way.
    fn with_finally(
        &mut self,
        body: impl FnOnce(&mut Self) -> CompileResult<Vec<Patch>>,
        finalizer: impl FnOnce(&mut Self, Reg, Reg) -> CompileResult<()>,
    ) -> CompileResult<()> {
        let env_depth = self.f.env_depth;
        let (kind, value) = (self.f.alloc(), self.f.alloc());
        self.state.controls.push(Control::Finally {
            kind,
            value,
            exits: Vec::new(),
            env_depth,
        });
        let start = self.f.label().0 as u32;
        let mut to_normal = body(self)?;
        to_normal.push(self.f.emit_jump(|o| I::Jump { offset: o }));
        let end = self.f.label().0 as u32;
        let Some(Control::Finally { exits, .. }) = self.state.controls.pop() else {
            unreachable!("the finally control");
        };
        // A throw from the body runs the finalizer, then goes on being thrown.
        let throw_handler = self.f.label().0 as u32;
        self.f.handlers.push(Handler {
            start,
            end,
            handler: throw_handler,
            env_depth,
        });
        self.emit(I::Catch { dst: value });
        self.emit(I::LoadInt {
            dst: kind,
            value: Imm(completion::THROW),
        });
        let to_finalizer = self.f.emit_jump(|o| I::Jump { offset: o });
        for p in to_normal {
            self.f.patch_here(p);
        }
        self.emit(I::LoadInt {
            dst: kind,
            value: Imm(completion::NORMAL),
        });
        self.f.patch_here(to_finalizer);
        for (p, _) in &exits {
            self.f.patch_here(*p);
        }
        finalizer(self, kind, value)?;
        // Dispatch on the completion.
        let t1 = self.f.alloc();
        self.emit(I::LoadInt {
            dst: t1,
            value: Imm(completion::THROW),
        });
        let not_throw = self.f.emit_jump(|o| I::JumpIfStrictEqual {
            lhs: kind,
            rhs: t1,
            offset: o,
        });
        let skip_throw = self.f.emit_jump(|o| I::Jump { offset: o });
        self.f.patch_here(not_throw);
        self.emit(I::Throw { value });
        self.f.patch_here(skip_throw);
        for (index, (_, exit)) in exits.into_iter().enumerate() {
            self.emit(I::LoadInt {
                dst: t1,
                value: Imm(completion::FIRST_EXIT + index as i32),
            });
            let matches = self.f.emit_jump(|o| I::JumpIfStrictEqual {
                lhs: kind,
                rhs: t1,
                offset: o,
            });
            let skip = self.f.emit_jump(|o| I::Jump { offset: o });
            self.f.patch_here(matches);
            match exit {
                Exit::Return => self.exit(Exit::Return, Some(value))?,
                jump => self.exit(jump, None)?,
            }
            self.f.patch_here(skip);
        }
        Ok(())
    }

    /// The scope of `using` declarations (the block, function body, module, loop or loop
    /// iteration they are in): `body` runs with a new DisposeCapability in a register, to
    /// which each declaration adds its resource, and every way out of the scope disposes of
    /// them (DisposeResources), last added first. `is_async`: there is an `await using`, so
    /// disposal awaits.
    fn with_disposal(
        &mut self,
        is_async: bool,
        body: impl FnOnce(&mut Self) -> CompileResult<()>,
    ) -> CompileResult<()> {
        if is_async && self.parked_depth() == 0 {
            self.top_level_await = true;
        }
        let capability = self.f.alloc();
        self.emit(I::NewDisposeCapability { dst: capability });
        let outer = self.state.dispose_capability.replace(capability);
        let result = self.with_finally(
            |c| {
                body(c)?;
                Ok(Vec::new())
            },
            |c, kind, value| {
                c.dispose_resources(capability, kind, value, is_async);
                Ok(())
            },
        );
        self.state.dispose_capability = outer;
        result
    }

    /// DisposeResources(`capability`, the completion `kind`/`value`), awaiting where it says
    /// to when `is_async`; a rejected Await is a disposer's error.
    fn dispose_resources(&mut self, capability: Reg, kind: Reg, value: Reg, is_async: bool) {
        let awaited = self.f.alloc();
        let step = self.f.label();
        let done = self.f.emit_jump(|offset| I::DisposeResources {
            capability,
            kind,
            value,
            awaited,
            offset,
        });
        // Without an `await using` no step awaits: falling through is being done.
        if is_async {
            let await_start = self.f.label().0 as u32;
            self.emit(I::Await {
                dst: awaited,
                value: awaited,
            });
            let await_end = self.f.label().0 as u32;
            self.f.emit_jump_to(step, |o| I::Jump { offset: o });
            let handler = self.f.label().0 as u32;
            self.f.handlers.push(Handler {
                start: await_start,
                end: await_end,
                handler,
                env_depth: self.f.env_depth,
            });
            self.emit(I::Catch { dst: awaited });
            self.emit(I::JoinDisposeError {
                kind,
                value,
                error: awaited,
            });
            self.f.emit_jump_to(step, |o| I::Jump { offset: o });
        }
        self.f.patch_here(done);
    }

    /// Adds `value`, just bound by a `using` or `await using` declaration, to the scope's
    /// DisposeCapability (AddDisposableResource); nothing for other declarations.
    fn add_disposable_resource(
        &mut self,
        kind: VariableKind,
        value: Reg,
        span: kiln_lexer::Span,
    ) -> CompileResult<()> {
        let hint = match kind {
            VariableKind::Using => 0,
            VariableKind::AwaitUsing => 1,
            _ => return Ok(()),
        };
        let Some(capability) = self.state.dispose_capability else {
            return error("a `using` declaration outside a block", span);
        };
        self.emit(I::AddDisposableResource {
            capability,
            value,
            hint: Count(hint),
        });
        Ok(())
    }
}

/// Whether `list` declares `using` (`Some(false)`) or `await using` (`Some(true)`) bindings
/// directly, making it the scope of their disposal.
fn using_declarations(list: &[Statement<'_>]) -> Option<bool> {
    let mut found = None;
    for s in list {
        if let Statement::Variable(v) = s {
            match v.kind {
                VariableKind::AwaitUsing => return Some(true),
                VariableKind::Using => found = Some(false),
                _ => {}
            }
        }
    }
    found
}

fn var_scope_is_global(c: &Compiler<'_>, id: crate::scope::ScopeId) -> bool {
    c.tree.get(id).kind == crate::scope::ScopeKind::Script
}
