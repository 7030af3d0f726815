//! Binding and assignment targets: identifiers, members, destructuring patterns with defaults
//! and rest elements, compound and logical assignment, `++`/`--`.

use super::expression::{
    Reference, cannot_assign_locals, compound_operator, is_anonymous_function,
};
use super::{CompileResult, Compiler, Location};
use crate::code::Handler;
use crate::instruction::{Count, IcSlot, Instruction as I, Reg};
use kiln_parser::ast::*;

impl<'a> Compiler<'a> {
    /// Binds `pattern` to the value in `value`: a declaration when `init` (let/const/params,
    /// no TDZ check), otherwise an assignment (`var`, assignment patterns).
    pub fn bind_pattern(
        &mut self,
        pattern: &'a Pattern<'a>,
        value: Reg,
        init: bool,
    ) -> CompileResult<()> {
        match pattern {
            Pattern::Identifier(id) => self.store_binding(id.name, value, init),
            Pattern::Assign(a) => {
                let mark = self.f.mark();
                let v = self.f.alloc();
                self.emit(I::Move { dst: v, src: value });
                self.default_value(&a.target, &a.default, v)?;
                let result = self.bind_pattern(&a.target, v, init);
                self.f.release(mark);
                result
            }
            Pattern::Object(o) => self.object_pattern(o, value, Some(init)),
            Pattern::Array(a) => self.array_pattern(a, value, Some(init)),
            Pattern::Member(_) | Pattern::Call(_) => self.assign_pattern(pattern, value),
        }
    }

    /// `value = default` when it is undefined, naming an anonymous function after the target.
    fn default_value(
        &mut self,
        target: &'a Pattern<'a>,
        default: &'a Expression<'a>,
        value: Reg,
    ) -> CompileResult<()> {
        let skip = self.f.emit_jump(|o| I::JumpIfNotUndefined {
            cond: value,
            offset: o,
        });
        match target {
            Pattern::Identifier(id) if is_anonymous_function(default) => {
                let n = self.name(id.name).0;
                self.named_expression(default, value, n)?;
            }
            _ => self.expression(default, value)?,
        }
        self.f.patch_here(skip);
        Ok(())
    }

    /// Assigns `value` to an assignment target or pattern.
    pub fn assign_pattern(&mut self, pattern: &'a Pattern<'a>, value: Reg) -> CompileResult<()> {
        let mark = self.f.mark();
        let result = match pattern {
            Pattern::Identifier(id) => self.store_binding(id.name, value, false),
            Pattern::Member(_) | Pattern::Call(_) => {
                let reference = self.reference(pattern)?;
                self.put_reference(&reference, value)
            }
            Pattern::Assign(a) => {
                let v = self.f.alloc();
                self.emit(I::Move { dst: v, src: value });
                self.default_value(&a.target, &a.default, v)?;
                self.assign_pattern(&a.target, v)
            }
            Pattern::Object(o) => self.object_pattern(o, value, None),
            Pattern::Array(a) => self.array_pattern(a, value, None),
        };
        self.f.release(mark);
        result
    }

    fn bind_or_assign(
        &mut self,
        pattern: &'a Pattern<'a>,
        value: Reg,
        init: Option<bool>,
    ) -> CompileResult<()> {
        match init {
            Some(init) => self.bind_pattern(pattern, value, init),
            None => self.assign_pattern(pattern, value),
        }
    }

    fn object_pattern(
        &mut self,
        o: &'a ObjectPattern<'a>,
        value: Reg,
        init: Option<bool>,
    ) -> CompileResult<()> {
        let mark = self.f.mark();
        self.at(o.span);
        self.emit(I::RequireObjectCoercible { src: value });
        let keys = self.f.alloc_n(o.properties.len().max(1) as u32);
        let v = self.f.alloc();
        for (i, p) in o.properties.iter().enumerate() {
            let key = Reg(keys.0 + i as u32);
            self.property_key(&p.key, key)?;
            self.emit(I::GetKeyed {
                dst: v,
                object: value,
                key,
            });
            self.bind_or_assign(&p.value, v, init)?;
        }
        if let Some(rest) = &o.rest {
            let r = self.f.alloc();
            self.emit(I::NewObject { dst: r });
            self.emit(I::CopyDataProperties {
                target: r,
                source: value,
                excluded: keys,
                count: Count(o.properties.len() as u32),
            });
            self.bind_or_assign(rest, r, init)?;
        }
        self.f.release(mark);
        Ok(())
    }

    fn array_pattern(
        &mut self,
        a: &'a ArrayPattern<'a>,
        value: Reg,
        init: Option<bool>,
    ) -> CompileResult<()> {
        let mark = self.f.mark();
        self.at(a.span);
        let iterator = self.f.alloc_n(2);
        self.emit(I::GetIterator {
            dst: iterator,
            object: value,
            kind: Count(0),
        });
        let done = self.f.alloc();
        let v = self.f.alloc();
        self.emit(I::LoadFalse { dst: done });
        let region_start = self.f.label().0 as u32;
        let env_depth = self.f.env_depth;
        // A `return` (generator `return()` at a `yield` in a default) closes the iterator too.
        self.state.controls.push(super::Control::Iterator {
            iterator,
            is_async: false,
            done: Some(done),
        });
        for element in a.elements {
            let target = match (element, init) {
                (Some(p), None) => self.element_reference(p)?,
                _ => None,
            };
            self.step(iterator, done, v);
            match (element, target) {
                (Some(p), Some(reference)) => {
                    if let Pattern::Assign(a) = p {
                        self.default_value(&a.target, &a.default, v)?;
                    }
                    self.put_reference(&reference, v)?;
                }
                (Some(p), None) => self.bind_or_assign(p, v, init)?,
                (None, _) => {}
            }
        }
        if let Some(rest) = &a.rest {
            let target = match init {
                None => self.element_reference(rest)?,
                Some(_) => None,
            };
            let array = self.f.alloc();
            self.emit(I::NewArray { dst: array });
            let skip = self.f.emit_jump(|o| I::JumpIfTrue {
                cond: done,
                offset: o,
            });
            let top = self.f.label();
            self.emit(I::LoadTrue { dst: done });
            let finished = self.f.emit_jump(|o| I::IteratorStep {
                dst: v,
                iterator,
                offset: o,
            });
            self.emit(I::LoadFalse { dst: done });
            self.emit(I::ArrayPush { array, value: v });
            self.f.emit_jump_to(top, |o| I::Jump { offset: o });
            self.f.patch_here(finished);
            self.f.patch_here(skip);
            self.emit(I::LoadTrue { dst: done });
            match target {
                Some(reference) => self.put_reference(&reference, array)?,
                None => self.bind_or_assign(rest, array, init)?,
            }
        }
        self.state.controls.pop();
        let region_end = self.f.label().0 as u32;
        // Finished without exhausting the iterator: close it.
        let skip_close = self.f.emit_jump(|o| I::JumpIfTrue {
            cond: done,
            offset: o,
        });
        self.emit(I::IteratorClose { iterator });
        let after = self.f.emit_jump(|o| I::Jump { offset: o });
        // A throw while destructuring closes the iterator unless it is done.
        let handler = self.f.label().0 as u32;
        self.f.handlers.push(Handler {
            start: region_start,
            end: region_end,
            handler,
            env_depth,
        });
        let exception = self.f.alloc();
        self.emit(I::Catch { dst: exception });
        let rethrow = self.f.emit_jump(|o| I::JumpIfTrue {
            cond: done,
            offset: o,
        });
        self.emit(I::IteratorCloseThrow { iterator });
        self.f.patch_here(rethrow);
        self.emit(I::Throw { value: exception });
        self.f.patch_here(skip_close);
        self.f.patch_here(after);
        self.f.release(mark);
        Ok(())
    }

    /// The reference an array assignment element puts to, when its target is not a pattern:
    /// evaluated before the iterator steps (13.15.5.5 IteratorDestructuringAssignmentEvaluation),
    /// inside the region whose throw closes the iterator.
    fn element_reference(
        &mut self,
        element: &'a Pattern<'a>,
    ) -> CompileResult<Option<Reference<'a>>> {
        let target = match element {
            Pattern::Assign(a) => &a.target,
            other => other,
        };
        Ok(match target {
            Pattern::Identifier(id) => Some(self.binding_reference(id.name)),
            Pattern::Member(_) | Pattern::Call(_) => Some(self.reference(target)?),
            _ => None,
        })
    }

    /// `v = ` the iterator's next value, or undefined once it is done.
    fn step(&mut self, iterator: Reg, done: Reg, v: Reg) {
        self.emit(I::LoadUndefined { dst: v });
        let skip = self.f.emit_jump(|o| I::JumpIfTrue {
            cond: done,
            offset: o,
        });
        // `done` is true while `next()` runs: an exception from it must not close the iterator.
        self.emit(I::LoadTrue { dst: done });
        let finished = self.f.emit_jump(|o| I::IteratorStep {
            dst: v,
            iterator,
            offset: o,
        });
        self.emit(I::LoadFalse { dst: done });
        self.f.patch_here(finished);
        self.f.patch_here(skip);
    }

    /// Evaluates the parts of a simple assignment target (object and key).
    pub fn reference(&mut self, target: &'a Pattern<'a>) -> CompileResult<Reference<'a>> {
        self.reference_in_place(target, false, false)
    }

    /// The reference `target` names. With `object_in_place`, which the caller gives when
    /// nothing it evaluates between the reference and the put can assign a local (see
    /// `cannot_assign_locals`), a local object is read from its own register if the key cannot
    /// assign it either; with `key_in_place` (plain `=`, where nothing converts the key in its
    /// register), so is a local key.
    pub fn reference_in_place(
        &mut self,
        target: &'a Pattern<'a>,
        object_in_place: bool,
        key_in_place: bool,
    ) -> CompileResult<Reference<'a>> {
        Ok(match target {
            Pattern::Identifier(id) => self.binding_reference(id.name),
            Pattern::Member(m) => {
                if let Expression::Super(_) = m.object {
                    let this = self.f.alloc();
                    self.load_binding("this", this)?;
                    let key = self.f.alloc();
                    match &m.property {
                        MemberProperty::Static(id) => {
                            let c = self.text_constant(id.name);
                            self.emit(I::LoadConst { dst: key, index: c });
                        }
                        MemberProperty::Computed(k) => {
                            self.expression(k, key)?;
                            self.emit(I::ToPropertyKey { dst: key, src: key });
                        }
                        MemberProperty::Private(p) => self.load_private_name(p.name, key),
                    }
                    return Ok(Reference::Super { this, key });
                }
                let key_is_stable = match &m.property {
                    MemberProperty::Computed(k) => cannot_assign_locals(k, 16),
                    MemberProperty::Static(_) | MemberProperty::Private(_) => true,
                };
                let object = match self.object_operand(&m.object) {
                    Some(reg) if object_in_place && key_is_stable => reg,
                    _ => {
                        let object = self.f.alloc();
                        self.expression(&m.object, object)?;
                        object
                    }
                };
                match &m.property {
                    MemberProperty::Static(id) => Reference::Named {
                        object,
                        name: self.name(id.name),
                    },
                    MemberProperty::Computed(k) => {
                        let key = match self.local_operand(k) {
                            Some(reg) if key_in_place => reg,
                            _ => {
                                let key = self.f.alloc();
                                self.expression(k, key)?;
                                key
                            }
                        };
                        Reference::Keyed { object, key }
                    }
                    MemberProperty::Private(p) => {
                        let name = self.f.alloc();
                        self.load_private_name(p.name, name);
                        Reference::Private { object, name }
                    }
                }
            }
            Pattern::Call(c) => {
                // Annex B: `f() = 1` calls f, then throws a ReferenceError.
                let r = self.f.alloc();
                self.call(c, r)?;
                let message = self.text_constant("Invalid left-hand side in assignment");
                self.emit(I::ThrowError {
                    kind: Count(1),
                    message,
                });
                Reference::Binding("")
            }
            _ => Reference::Binding(""),
        })
    }

    /// The reference an assignment to `name` puts to: a binding the compiler resolved, or, for
    /// one only the environment chain knows, the environment it is in now (6.2.5.1 PutValue
    /// writes where ResolveBinding found the name, before the right-hand side ran).
    fn binding_reference(&mut self, name: &'a str) -> Reference<'a> {
        if !matches!(self.resolve(name, false), Location::Dynamic) {
            return Reference::Binding(name);
        }
        let reference = self.f.alloc();
        let name = self.name(name);
        self.emit(I::ResolveName {
            dst: reference,
            name,
        });
        Reference::ResolvedName { name, reference }
    }

    pub fn get_reference(&mut self, reference: &Reference<'a>, dst: Reg) -> CompileResult<()> {
        match *reference {
            Reference::Binding(name) => self.load_binding(name, dst)?,
            Reference::ResolvedName { name, reference } => self.emit(I::GetResolvedName {
                dst,
                reference,
                name,
            }),
            Reference::Named { object, name } => {
                let ic = self.f.ic();
                self.emit(I::GetNamed {
                    dst,
                    object,
                    name,
                    ic: IcSlot(ic),
                });
            }
            Reference::Keyed { object, key } => {
                // GetValue: a null or undefined base throws before the key is converted; the
                // key is converted once, for the get and the set.
                self.emit(I::RequireObjectCoercible { src: object });
                self.emit(I::ToPropertyKey { dst: key, src: key });
                self.emit(I::GetKeyed { dst, object, key });
            }
            Reference::Private { object, name } => self.emit(I::GetPrivate { dst, object, name }),
            Reference::Super { this, key } => self.emit(I::GetSuper {
                dst,
                this_value: this,
                key,
            }),
        }
        Ok(())
    }

    pub fn put_reference(&mut self, reference: &Reference<'a>, value: Reg) -> CompileResult<()> {
        match *reference {
            Reference::Binding("") => {}
            Reference::Binding(name) => self.store_binding(name, value, false)?,
            Reference::ResolvedName { name, reference } => self.emit(I::SetResolvedName {
                reference,
                name,
                src: value,
            }),
            Reference::Named { object, name } => {
                let ic = self.f.ic();
                self.emit(I::SetNamed {
                    object,
                    name,
                    value,
                    ic: IcSlot(ic),
                });
            }
            Reference::Keyed { object, key } => self.emit(I::SetKeyed { object, key, value }),
            Reference::Private { object, name } => self.emit(I::SetPrivate {
                object,
                name,
                value,
            }),
            Reference::Super { this, key } => self.emit(I::SetSuper {
                this_value: this,
                key,
                value,
            }),
        }
        Ok(())
    }

    pub fn assignment(&mut self, a: &'a AssignmentExpression<'a>, dst: Reg) -> CompileResult<()> {
        match a.operator {
            AssignmentOperator::Assign => match &a.target {
                Pattern::Identifier(id) => {
                    // The binding is resolved before the value runs (a `with` object may change).
                    let reference = self.binding_reference(id.name);
                    let n = self.name(id.name).0;
                    self.named_expression(&a.value, dst, n)?;
                    self.at(a.span);
                    self.put_reference(&reference, dst)?;
                }
                Pattern::Member(_) | Pattern::Call(_) => {
                    let stable = cannot_assign_locals(&a.value, 16);
                    let reference = self.reference_in_place(&a.target, stable, stable)?;
                    self.expression(&a.value, dst)?;
                    self.at(a.operator_span);
                    self.put_reference(&reference, dst)?;
                }
                pattern => {
                    self.expression(&a.value, dst)?;
                    let v = self.f.alloc();
                    self.emit(I::Move { dst: v, src: dst });
                    self.assign_pattern(pattern, v)?;
                }
            },
            AssignmentOperator::And | AssignmentOperator::Or | AssignmentOperator::Coalesce => {
                let reference =
                    self.reference_in_place(&a.target, cannot_assign_locals(&a.value, 16), false)?;
                self.get_reference(&reference, dst)?;
                let skip = match a.operator {
                    AssignmentOperator::And => self.f.emit_jump(|o| I::JumpIfFalse {
                        cond: dst,
                        offset: o,
                    }),
                    AssignmentOperator::Or => self.f.emit_jump(|o| I::JumpIfTrue {
                        cond: dst,
                        offset: o,
                    }),
                    _ => self.f.emit_jump(|o| I::JumpIfNotNullish {
                        cond: dst,
                        offset: o,
                    }),
                };
                match (&a.target, is_anonymous_function(&a.value)) {
                    (Pattern::Identifier(id), true) => {
                        let n = self.name(id.name).0;
                        self.named_expression(&a.value, dst, n)?;
                    }
                    _ => self.expression(&a.value, dst)?,
                }
                self.at(a.operator_span);
                self.put_reference(&reference, dst)?;
                self.f.patch_here(skip);
            }
            op => {
                let reference =
                    self.reference_in_place(&a.target, cannot_assign_locals(&a.value, 16), false)?;
                self.get_reference(&reference, dst)?;
                let binary = compound_operator(op).expect("a compound operator");
                let immediate = super::expression::int32_literal(&a.value)
                    .and_then(|k| super::expression::int_operand_instruction(binary, dst, dst, k));
                match immediate {
                    Some(instruction) => {
                        self.at(a.operator_span);
                        self.emit(instruction);
                    }
                    None => {
                        let rhs = self.f.alloc();
                        self.expression(&a.value, rhs)?;
                        self.at(a.operator_span);
                        self.emit(super::expression::binary_instruction(binary, dst, dst, rhs));
                    }
                }
                self.put_reference(&reference, dst)?;
            }
        }
        Ok(())
    }

    pub fn update(&mut self, u: &'a UpdateExpression<'a>, dst: Reg) -> CompileResult<()> {
        // Nothing but the get runs between the reference and the put.
        let reference = self.reference_in_place(&u.argument, true, false)?;
        let old = self.f.alloc();
        self.get_reference(&reference, old)?;
        self.at(u.span);
        if !u.prefix {
            // The result is the old value as a numeric (`Increment` converts on its own).
            self.emit(I::ToNumeric { dst: old, src: old });
        }
        let new = self.f.alloc();
        match u.operator {
            UpdateOperator::Increment => self.emit(I::Increment { dst: new, src: old }),
            UpdateOperator::Decrement => self.emit(I::Decrement { dst: new, src: old }),
        }
        self.put_reference(&reference, new)?;
        let result = if u.prefix { new } else { old };
        self.emit(I::Move { dst, src: result });
        Ok(())
    }

    /// `x++`, `--x` and the like whose value nobody reads (a statement, a `for` update): on a
    /// local variable, one instruction that updates its register in place; on anything else,
    /// get, step and put, with no copy of the old value (prefix and postfix do the same then:
    /// `Increment` converts with ToNumeric once, as the separate conversion would).
    pub fn update_for_effect(&mut self, u: &'a UpdateExpression<'a>) -> CompileResult<()> {
        let step = |value| match u.operator {
            UpdateOperator::Increment => I::Increment {
                dst: value,
                src: value,
            },
            UpdateOperator::Decrement => I::Decrement {
                dst: value,
                src: value,
            },
        };
        if let Pattern::Identifier(id) = &u.argument
            && let Some(reg) = self.mutable_local(id.name)
        {
            self.at(u.span);
            self.emit(step(reg));
            return Ok(());
        }
        let reference = self.reference_in_place(&u.argument, true, false)?;
        let value = self.f.alloc();
        self.get_reference(&reference, value)?;
        self.at(u.span);
        self.emit(step(value));
        self.put_reference(&reference, value)
    }
}
