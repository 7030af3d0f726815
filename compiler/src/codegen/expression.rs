//! Expressions. Every expression is compiled into a destination register chosen by the caller.

use super::builder::Patch;
use super::{CompileResult, Compiler, Location, error};
use crate::code::{Constant, import_phase};
use crate::instruction::{
    ConstIdx, Count, FuncIdx, IcSlot, Imm, Instruction as I, Int32, JumpOffset, Reg,
};
use crate::scope::{TAG_SELF_NAME, node};
use kiln_lexer::Span;
use kiln_parser::ast::*;

/// A reference: where a read or a write goes.
pub enum Reference<'a> {
    Binding(&'a str),
    /// A binding found by walking the environment chain (`with`, sloppy `eval`), resolved when
    /// the reference was made: `reference` holds where (see `I::ResolveName`).
    ResolvedName {
        name: crate::instruction::NameIdx,
        reference: Reg,
    },
    Named {
        object: Reg,
        name: crate::instruction::NameIdx,
    },
    Keyed {
        object: Reg,
        key: Reg,
    },
    Private {
        object: Reg,
        name: Reg,
    },
    Super {
        this: Reg,
        key: Reg,
    },
}

/// Where a stack trace points for a property access: the property name of `a.b` (so a
/// multi-line chain shows the failing link, as V8 does), else the whole member expression.
fn member_position(m: &MemberExpression<'_>) -> Span {
    match &m.property {
        MemberProperty::Static(id) => id.span,
        _ => m.span,
    }
}

/// Where a stack trace points for a call: the property name of a method call `a.b()`, else the
/// call's start.
fn call_position(c: &CallExpression<'_>) -> Span {
    match unparenthesize(&c.callee) {
        Expression::Member(m) => member_position(m),
        _ => c.span,
    }
}

pub fn binary_instruction(op: BinaryOperator, dst: Reg, lhs: Reg, rhs: Reg) -> I {
    use BinaryOperator as B;
    match op {
        B::Equal => I::LooseEqual { dst, lhs, rhs },
        B::NotEqual => I::LooseNotEqual { dst, lhs, rhs },
        B::StrictEqual => I::StrictEqual { dst, lhs, rhs },
        B::StrictNotEqual => I::StrictNotEqual { dst, lhs, rhs },
        B::Less => I::Less { dst, lhs, rhs },
        B::LessEqual => I::LessEqual { dst, lhs, rhs },
        B::Greater => I::Greater { dst, lhs, rhs },
        B::GreaterEqual => I::GreaterEqual { dst, lhs, rhs },
        B::ShiftLeft => I::ShiftLeft { dst, lhs, rhs },
        B::ShiftRight => I::ShiftRight { dst, lhs, rhs },
        B::ShiftRightUnsigned => I::ShiftRightUnsigned { dst, lhs, rhs },
        B::Add => I::Add { dst, lhs, rhs },
        B::Subtract => I::Sub { dst, lhs, rhs },
        B::Multiply => I::Mul { dst, lhs, rhs },
        B::Divide => I::Div { dst, lhs, rhs },
        B::Remainder => I::Rem { dst, lhs, rhs },
        B::Exponent => I::Exp { dst, lhs, rhs },
        B::BitOr => I::BitOr { dst, lhs, rhs },
        B::BitXor => I::BitXor { dst, lhs, rhs },
        B::BitAnd => I::BitAnd { dst, lhs, rhs },
        B::In => I::In { dst, lhs, rhs },
        B::Instanceof => I::InstanceOf { dst, lhs, rhs },
    }
}

/// `lhs op k` with an immediate `k`, for the operators that have such a form.
pub fn int_operand_instruction(op: BinaryOperator, dst: Reg, lhs: Reg, k: i32) -> Option<I> {
    use BinaryOperator as B;
    let value = Int32(k);
    Some(match op {
        B::Add => I::AddInt { dst, lhs, value },
        B::Subtract => I::SubInt { dst, lhs, value },
        B::BitAnd => I::BitAndInt { dst, lhs, value },
        B::BitOr => I::BitOrInt { dst, lhs, value },
        B::BitXor => I::BitXorInt { dst, lhs, value },
        B::ShiftLeft => I::ShiftLeftInt { dst, lhs, value },
        B::ShiftRight => I::ShiftRightInt { dst, lhs, value },
        B::ShiftRightUnsigned => I::ShiftRightUnsignedInt { dst, lhs, value },
        _ => return None,
    })
}

/// The value of `e` when it is an integer literal that fits 32 bits.
/// The value of a number literal, also behind a sign (`-1`, `+1`), which the compiler folds.
fn number_literal(e: &Expression<'_>) -> Option<f64> {
    match unparenthesize(e) {
        Expression::Number(n) => Some(n.value),
        Expression::Unary(u) => signed_number(u),
        _ => None,
    }
}

/// `-n` or `+n` of a number literal `n`, folded.
fn signed_number(u: &UnaryExpression<'_>) -> Option<f64> {
    let Expression::Number(n) = unparenthesize(&u.argument) else {
        return None;
    };
    match u.operator {
        UnaryOperator::Minus => Some(-n.value),
        UnaryOperator::Plus => Some(n.value),
        _ => None,
    }
}

pub fn int32_literal(e: &Expression<'_>) -> Option<i32> {
    let value = number_literal(e)?;
    let k = value as i32;
    (f64::from(k) == value && !(value == 0.0 && value.is_sign_negative())).then_some(k)
}

/// The instruction that jumps when a comparison with `op` is false, if there is one.
fn jump_unless_instruction(op: BinaryOperator) -> Option<fn(Reg, Reg, JumpOffset) -> I> {
    use BinaryOperator as B;
    Some(match op {
        B::Less => |lhs, rhs, offset| I::JumpIfNotLess { lhs, rhs, offset },
        B::LessEqual => |lhs, rhs, offset| I::JumpIfNotLessEqual { lhs, rhs, offset },
        B::Greater => |lhs, rhs, offset| I::JumpIfNotGreater { lhs, rhs, offset },
        B::GreaterEqual => |lhs, rhs, offset| I::JumpIfNotGreaterEqual { lhs, rhs, offset },
        B::StrictEqual => |lhs, rhs, offset| I::JumpIfStrictNotEqual { lhs, rhs, offset },
        B::StrictNotEqual => |lhs, rhs, offset| I::JumpIfStrictEqual { lhs, rhs, offset },
        B::Equal => |lhs, rhs, offset| I::JumpIfLooseNotEqual { lhs, rhs, offset },
        B::NotEqual => |lhs, rhs, offset| I::JumpIfLooseEqual { lhs, rhs, offset },
        _ => return None,
    })
}

pub fn compound_operator(op: AssignmentOperator) -> Option<BinaryOperator> {
    use AssignmentOperator as A;
    use BinaryOperator as B;
    Some(match op {
        A::Add => B::Add,
        A::Subtract => B::Subtract,
        A::Multiply => B::Multiply,
        A::Divide => B::Divide,
        A::Remainder => B::Remainder,
        A::Exponent => B::Exponent,
        A::ShiftLeft => B::ShiftLeft,
        A::ShiftRight => B::ShiftRight,
        A::ShiftRightUnsigned => B::ShiftRightUnsigned,
        A::BitOr => B::BitOr,
        A::BitXor => B::BitXor,
        A::BitAnd => B::BitAnd,
        A::Assign | A::And | A::Or | A::Coalesce => return None,
    })
}

/// Whether an anonymous function definition here takes its name from the binding it is
/// assigned to (ECMA-262 IsAnonymousFunctionDefinition).
pub fn is_anonymous_function(e: &Expression<'_>) -> bool {
    match unparenthesize(e) {
        Expression::Function(f) => f.id.is_none(),
        Expression::Arrow(_) => true,
        Expression::Class(c) => c.id.is_none(),
        _ => false,
    }
}

impl<'a> Compiler<'a> {
    pub fn expression(&mut self, e: &'a Expression<'a>, dst: Reg) -> CompileResult<()> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            let mark = self.f.mark();
            let result = self.expression_inner(e, dst);
            self.f.release(mark);
            result
        })
    }

    /// An expression that names an anonymous function after `name` (a string index).
    pub fn named_expression(
        &mut self,
        e: &'a Expression<'a>,
        dst: Reg,
        name: u32,
    ) -> CompileResult<()> {
        match e {
            Expression::Function(f) if f.id.is_none() => {
                let index = self.function_expression(f, Some(name))?;
                self.emit(I::NewClosure {
                    dst,
                    function: FuncIdx(index),
                });
                Ok(())
            }
            Expression::Arrow(a) => {
                let index = self.arrow(a, Some(name))?;
                self.emit(I::NewClosure {
                    dst,
                    function: FuncIdx(index),
                });
                Ok(())
            }
            Expression::Class(c) if c.id.is_none() => self.class(c, dst, Some(name)),
            // NamedEvaluation looks through parentheses: `x = (function () {})` names it `x`.
            Expression::Parenthesized(p)
                if is_anonymous_function(unparenthesize(&p.expression)) =>
            {
                self.named_expression(&p.expression, dst, name)
            }
            _ => self.expression(e, dst),
        }
    }

    /// An expression that names an anonymous function after the property key in `key` (a
    /// computed key): a class gets the name as it is created, a function once it is.
    pub fn expression_named_by_key(
        &mut self,
        e: &'a Expression<'a>,
        dst: Reg,
        key: Reg,
    ) -> CompileResult<()> {
        if !is_anonymous_function(e) {
            return self.expression(e, dst);
        }
        if let Expression::Class(c) = unparenthesize(e) {
            return self.class_named_by_key(c, dst, key);
        }
        self.expression(e, dst)?;
        self.emit(I::SetFunctionName {
            function: dst,
            key,
            prefix: Count(0),
        });
        Ok(())
    }

    /// Loads a number literal.
    pub fn number(&mut self, value: f64, dst: Reg) {
        let i = value as i32;
        if f64::from(i) == value && !(i == 0 && value.is_sign_negative()) {
            self.emit(I::LoadInt { dst, value: Imm(i) });
        } else {
            let c = self.f.constant(Constant::Number(value));
            self.emit(I::LoadConst {
                dst,
                index: ConstIdx(c),
            });
        }
    }

    fn expression_inner(&mut self, e: &'a Expression<'a>, dst: Reg) -> CompileResult<()> {
        match e {
            Expression::Identifier(id) => {
                self.at(id.span);
                self.load_binding(id.name, dst)?
            }
            Expression::Null(_) => self.emit(I::LoadNull { dst }),
            Expression::Boolean(b) => self.emit(if b.value {
                I::LoadTrue { dst }
            } else {
                I::LoadFalse { dst }
            }),
            Expression::Number(n) => self.number(n.value, dst),
            Expression::BigInt(b) => {
                let c = self.f.constant(Constant::BigInt(b.digits.to_string()));
                self.emit(I::LoadConst {
                    dst,
                    index: ConstIdx(c),
                });
            }
            Expression::String(s) => {
                let c = self.string_constant(s.value);
                self.emit(I::LoadConst { dst, index: c });
            }
            Expression::RegExp(r) => {
                let pattern = self.text_constant(r.pattern);
                let flags = self.text_constant(r.flags);
                self.at(r.span);
                self.emit(I::NewRegExp {
                    dst,
                    pattern,
                    flags,
                });
            }
            Expression::Template(t) => self.template(t, dst)?,
            Expression::TaggedTemplate(t) => self.tagged_template(t, dst)?,
            Expression::This(_) => self.load_binding("this", dst)?,
            Expression::Super(s) => return error("'super' keyword unexpected here", *s),
            Expression::Array(a) => self.array(a, dst)?,
            Expression::Object(o) => self.object(o, dst)?,
            Expression::Function(f) => self.function_value(f, dst)?,
            Expression::Arrow(a) => {
                let index = self.arrow(a, None)?;
                self.emit(I::NewClosure {
                    dst,
                    function: FuncIdx(index),
                });
            }
            Expression::Class(c) => self.class(c, dst, None)?,
            Expression::Unary(u) => self.unary(u, dst)?,
            Expression::Update(u) => self.update(u, dst)?,
            Expression::Binary(b) => self.binary(b, dst)?,
            Expression::Logical(l) => {
                self.expression(&l.left, dst)?;
                let skip = self.logical_skip(l.operator, dst);
                self.expression(&l.right, dst)?;
                self.f.patch_here(skip);
            }
            Expression::PrivateIn(p) => {
                let object = self.f.alloc();
                self.expression(&p.right, object)?;
                let name = self.f.alloc();
                self.load_private_name(p.name.name, name);
                self.emit(I::HasPrivate { dst, object, name });
            }
            Expression::Conditional(c) => {
                let to_else = self.jump_unless(&c.test)?;
                self.expression(&c.consequent, dst)?;
                let to_end = self.f.emit_jump(|o| I::Jump { offset: o });
                self.f.patch_here(to_else);
                self.expression(&c.alternate, dst)?;
                self.f.patch_here(to_end);
            }
            Expression::Assignment(a) => self.assignment(a, dst)?,
            Expression::Sequence(s) => {
                if let Some((last, first)) = s.expressions.split_last() {
                    for x in first {
                        self.effect(x)?;
                    }
                    self.expression(last, dst)?;
                }
            }
            Expression::Parenthesized(p) => self.expression(&p.expression, dst)?,
            Expression::Member(m) => self.member(m, dst)?,
            Expression::Call(c) => self.call(c, dst)?,
            Expression::New(n) => {
                let callee = self.f.alloc();
                self.expression(&n.callee, callee)?;
                self.at(n.span);
                if n.arguments.iter().any(|a| matches!(a, Argument::Spread(_))) {
                    let array = self.f.alloc();
                    self.spread_arguments(n.arguments, array)?;
                    self.at(n.span);
                    self.emit(I::NewSpread { dst, callee, array });
                } else {
                    let (args, count) = self.arguments(n.arguments)?;
                    self.at(n.span);
                    self.emit(I::New {
                        dst,
                        callee,
                        args,
                        count: Count(count),
                    });
                }
            }
            Expression::OptionalChain(o) => {
                self.optional_exits.push(Vec::new());
                let result = self.expression(&o.expression, dst);
                let exits = self.optional_exits.pop().unwrap_or_default();
                result?;
                if !exits.is_empty() {
                    let done = self.f.emit_jump(|o| I::Jump { offset: o });
                    for p in exits {
                        self.f.patch_here(p);
                    }
                    self.emit(I::LoadUndefined { dst });
                    self.f.patch_here(done);
                }
            }
            Expression::Yield(y) => self.yield_expression(y, dst)?,
            Expression::Await(a) => {
                if self.parked_depth() == 0 {
                    self.top_level_await = true;
                }
                self.expression(&a.argument, dst)?;
                self.at(a.span);
                self.emit(I::Await { dst, value: dst });
            }
            Expression::NewTarget(_) => self.load_binding("new.target", dst)?,
            Expression::ImportMeta(_) => self.emit(I::ImportMeta { dst }),
            Expression::ImportCall(i) => {
                let specifier = self.f.alloc();
                self.expression(&i.source, specifier)?;
                let options = self.f.alloc();
                match &i.options {
                    Some(o) => self.expression(o, options)?,
                    None => self.emit(I::LoadUndefined { dst: options }),
                }
                self.at(i.span);
                let phase = match i.phase {
                    ImportPhase::Evaluation => import_phase::EVALUATION,
                    ImportPhase::Source => import_phase::SOURCE,
                    ImportPhase::Defer => import_phase::DEFER,
                };
                self.emit(I::ImportCall {
                    dst,
                    specifier,
                    options,
                    phase: Count(u32::from(phase)),
                });
            }
        }
        Ok(())
    }

    fn function_value(&mut self, f: &'a Function<'a>, dst: Reg) -> CompileResult<()> {
        let index = self.function_expression(f, None)?;
        // A named function expression whose own name is captured gets an environment holding it.
        let self_scope = self.tree.scope_of(node(f, TAG_SELF_NAME));
        match self_scope {
            Some(id) if self.tree.get(id).has_env() => {
                let info = self.scope_info(id);
                self.emit(I::PushEnv { scope: info });
                self.emit(I::NewClosure {
                    dst,
                    function: FuncIdx(index),
                });
                self.emit(I::SetEnv {
                    depth: Count(0),
                    slot: Count(0),
                    src: dst,
                });
                self.emit(I::PopEnv {});
            }
            _ => self.emit(I::NewClosure {
                dst,
                function: FuncIdx(index),
            }),
        }
        Ok(())
    }

    pub fn arrow(&mut self, a: &'a ArrowFunction<'a>, name: Option<u32>) -> CompileResult<u32> {
        let mut fl = crate::code::flags::ARROW;
        if a.is_async {
            fl |= crate::code::flags::ASYNC;
        }
        let body = match &a.body {
            ArrowBody::Expression(e) => super::Body::Expression(e),
            ArrowBody::Block(b) => super::Body::Statements(b),
        };
        self.compile_function(
            super::FunctionSpec {
                key: node(a, 0),
                name,
                params: Some(a.params),
                body,
                span: a.span,
                flags: fl,
            },
            a.strict,
            None,
        )
    }

    fn template(&mut self, t: &'a TemplateLiteral<'a>, dst: Reg) -> CompileResult<()> {
        let first = t.quasis[0].cooked.unwrap_or(&[]);
        let c = self.string_constant(first);
        self.emit(I::LoadConst { dst, index: c });
        let part = self.f.alloc();
        for (expr, quasi) in t.expressions.iter().zip(&t.quasis[1..]) {
            self.expression(expr, part)?;
            self.at(expr.span());
            self.emit(I::ToString {
                dst: part,
                src: part,
            });
            self.emit(I::Add {
                dst,
                lhs: dst,
                rhs: part,
            });
            let text = quasi.cooked.unwrap_or(&[]);
            if !text.is_empty() {
                let c = self.string_constant(text);
                self.emit(I::LoadConst {
                    dst: part,
                    index: c,
                });
                self.emit(I::Add {
                    dst,
                    lhs: dst,
                    rhs: part,
                });
            }
        }
        Ok(())
    }

    fn tagged_template(&mut self, t: &'a TaggedTemplate<'a>, dst: Reg) -> CompileResult<()> {
        let tail = std::mem::take(&mut self.state.tail_call);
        let callee = self.f.alloc();
        let this = self.callee_and_this(&t.tag, callee, false)?;
        let count = t.quasi.expressions.len() as u32 + 1;
        let args = self.f.alloc_n(count);
        let raw: Vec<u32> = t.quasi.quasis.iter().map(|q| self.string(q.raw)).collect();
        let cooked: Vec<Option<u32>> = t
            .quasi
            .quasis
            .iter()
            .map(|q| q.cooked.map(|c| self.string(c)))
            .collect();
        let site = self.f.constants.len() as u32;
        self.f.constants.push(Constant::Template { raw, cooked });
        self.emit(I::GetTemplateObject {
            dst: args,
            index: ConstIdx(site),
        });
        for (i, e) in t.quasi.expressions.iter().enumerate() {
            self.expression(e, Reg(args.0 + 1 + i as u32))?;
        }
        self.at(t.span);
        self.emit(call_instruction(
            tail,
            dst,
            callee,
            this,
            args,
            Count(count),
        ));
        Ok(())
    }

    fn array(&mut self, a: &'a ArrayExpression<'a>, dst: Reg) -> CompileResult<()> {
        let array = self.f.alloc();
        self.emit(I::NewArray { dst: array });
        let v = self.f.alloc();
        for el in a.elements {
            match el {
                ArrayElement::Hole(_) => self.emit(I::ArrayPushHole { array }),
                ArrayElement::Expression(e) => {
                    self.expression(e, v)?;
                    self.emit(I::ArrayPush { array, value: v });
                }
                ArrayElement::Spread(s) => {
                    self.expression(&s.argument, v)?;
                    self.at(s.span);
                    self.emit(I::ArraySpread { array, iterable: v });
                }
            }
        }
        self.emit(I::Move { dst, src: array });
        Ok(())
    }

    /// Evaluates a property key into `dst` as a property key value, and returns its string
    /// index when it is static (for naming functions).
    pub fn property_key(&mut self, key: &'a PropertyKey<'a>, dst: Reg) -> CompileResult<()> {
        match key {
            PropertyKey::Identifier(id) => {
                let c = self.text_constant(id.name);
                self.emit(I::LoadConst { dst, index: c });
            }
            PropertyKey::String(s) => {
                let c = self.string_constant(s.value);
                self.emit(I::LoadConst { dst, index: c });
            }
            PropertyKey::Number(n) => {
                let text = crate::keys::number_key(n.value);
                let c = self.text_constant(&text);
                self.emit(I::LoadConst { dst, index: c });
            }
            PropertyKey::BigInt(b) => {
                let text = crate::keys::bigint_key(b.digits);
                let c = self.text_constant(&text);
                self.emit(I::LoadConst { dst, index: c });
            }
            PropertyKey::Computed(e) => {
                self.expression(e, dst)?;
                self.emit(I::ToPropertyKey { dst, src: dst });
            }
            PropertyKey::Private(p) => self.load_private_name(p.name, dst),
        }
        Ok(())
    }

    /// The static name of a key, as a string index.
    pub fn static_key(&mut self, key: &PropertyKey<'a>) -> Option<u32> {
        match key {
            PropertyKey::Identifier(id) => Some(self.name(id.name).0),
            PropertyKey::String(s) => Some(self.string(s.value)),
            PropertyKey::Number(n) => Some(self.name(&crate::keys::number_key(n.value)).0),
            PropertyKey::BigInt(b) => Some(self.name(&crate::keys::bigint_key(b.digits)).0),
            PropertyKey::Private(p) => Some(self.name(&format!("#{}", p.name)).0),
            PropertyKey::Computed(_) => None,
        }
    }

    pub fn load_private_name(&mut self, name: &str, dst: Reg) {
        let loc = self.resolve(name, true);
        match loc {
            Location::Env { depth, slot, .. } => self.emit(I::GetEnv {
                dst,
                depth: Count(depth),
                slot: Count(slot),
            }),
            Location::Register { reg, .. } => self.emit(I::Move { dst, src: reg }),
            _ => {
                let n = self.name(&format!("#{name}"));
                self.emit(I::GetName { dst, name: n });
            }
        }
    }

    fn object(&mut self, o: &'a ObjectExpression<'a>, dst: Reg) -> CompileResult<()> {
        let object = self.f.alloc();
        self.emit(I::NewObject { dst: object });
        let key = self.f.alloc();
        let value = self.f.alloc();
        for member in o.members {
            match member {
                ObjectMember::Spread(s) => {
                    self.expression(&s.argument, value)?;
                    self.emit(I::CopyDataProperties {
                        target: object,
                        source: value,
                        excluded: value,
                        count: Count(0),
                    });
                }
                ObjectMember::Property(p) => {
                    let is_proto = !p.shorthand
                        && !p.method
                        && p.kind == PropertyKind::Init
                        && match p.key {
                            PropertyKey::Identifier(id) => id.name == "__proto__",
                            PropertyKey::String(s) => {
                                s.value == "__proto__".encode_utf16().collect::<Vec<_>>()
                            }
                            _ => false,
                        };
                    if is_proto {
                        self.expression(&p.value, value)?;
                        self.emit(I::SetLiteralPrototype { object, value });
                        continue;
                    }
                    let static_name = self.static_key(&p.key);
                    if p.kind == PropertyKind::Init && !p.method {
                        if let (PropertyKey::Identifier(_) | PropertyKey::String(_), Some(n)) =
                            (&p.key, static_name)
                        {
                            // A local variable's value is defined from its register.
                            let value = match self.local_operand(&p.value) {
                                Some(reg) => reg,
                                None => {
                                    self.named_expression(&p.value, value, n)?;
                                    value
                                }
                            };
                            let ic = self.f.ic();
                            self.emit(I::DefineNamed {
                                object,
                                name: crate::instruction::NameIdx(n),
                                value,
                                ic: IcSlot(ic),
                            });
                            continue;
                        }
                        self.property_key(&p.key, key)?;
                        match static_name {
                            Some(n) => self.named_expression(&p.value, value, n)?,
                            None => self.expression_named_by_key(&p.value, value, key)?,
                        }
                        self.emit(I::DefineKeyed { object, key, value });
                        continue;
                    }
                    // Methods, getters and setters.
                    self.property_key(&p.key, key)?;
                    let Expression::Function(f) = p.value else {
                        return error("a method without a function", p.span);
                    };
                    let kind = match p.kind {
                        PropertyKind::Init => 0,
                        PropertyKind::Get => 1,
                        PropertyKind::Set => 2,
                    };
                    // Accessors are named `get x` / `set x`; computed keys are named at run time.
                    let fn_name = match (kind, static_name) {
                        (1, Some(n)) => Some(self.prefixed(n, "get ")),
                        (2, Some(n)) => Some(self.prefixed(n, "set ")),
                        (_, n) => n,
                    };
                    let index = self.method_function(f, fn_name)?;
                    self.emit(I::NewClosure {
                        dst: value,
                        function: FuncIdx(index),
                    });
                    if static_name.is_none() {
                        self.emit(I::SetFunctionName {
                            function: value,
                            key,
                            prefix: Count(kind),
                        });
                    }
                    self.emit(I::DefineMethod {
                        object,
                        key,
                        function: value,
                        kind: Count(kind | 4),
                    });
                }
            }
        }
        self.emit(I::Move { dst, src: object });
        Ok(())
    }

    /// A method, getter or setter's function (not a constructor; has a home object).
    pub fn method_function(
        &mut self,
        f: &'a Function<'a>,
        name: Option<u32>,
    ) -> CompileResult<u32> {
        let mut fl = crate::code::flags::METHOD;
        if f.is_async {
            fl |= crate::code::flags::ASYNC;
        }
        if f.is_generator {
            fl |= crate::code::flags::GENERATOR;
        }
        self.compile_function(
            super::FunctionSpec {
                key: node(f, 0),
                name,
                params: Some(f.params),
                body: super::Body::Statements(f.body),
                span: f.span,
                flags: fl,
            },
            f.strict,
            None,
        )
    }

    fn unary(&mut self, u: &'a UnaryExpression<'a>, dst: Reg) -> CompileResult<()> {
        match u.operator {
            UnaryOperator::Typeof => {
                if let Expression::Identifier(id) = unparenthesize(&u.argument) {
                    match self.resolve(id.name, false) {
                        Location::Global => {
                            let n = self.name(id.name);
                            self.emit(I::TypeOfGlobal { dst, name: n });
                            return Ok(());
                        }
                        Location::Dynamic => {
                            let n = self.name(id.name);
                            self.emit(I::TypeOfName { dst, name: n });
                            return Ok(());
                        }
                        _ => {}
                    }
                }
                self.expression(&u.argument, dst)?;
                self.emit(I::TypeOf { dst, src: dst });
            }
            UnaryOperator::Delete => self.delete(&u.argument, dst)?,
            // `-1`, `+1`: folded into the literal.
            _ if let Some(value) = signed_number(u) => self.number(value, dst),
            op => {
                // A local operand is read in place; anything else is computed into `dst`.
                let src = match self.local_operand(&u.argument) {
                    Some(r) => r,
                    None => {
                        self.expression(&u.argument, dst)?;
                        dst
                    }
                };
                self.at(u.span);
                self.emit(match op {
                    UnaryOperator::Minus => I::Negate { dst, src },
                    UnaryOperator::Plus => I::ToNumber { dst, src },
                    UnaryOperator::Not => I::Not { dst, src },
                    UnaryOperator::BitNot => I::BitNot { dst, src },
                    _ => I::LoadUndefined { dst },
                });
            }
        }
        Ok(())
    }

    fn delete(&mut self, e: &'a Expression<'a>, dst: Reg) -> CompileResult<()> {
        match unparenthesize(e) {
            Expression::Member(m) => {
                if let Expression::Super(_) = m.object {
                    // `delete super.x` evaluates the key, then throws a ReferenceError.
                    if let MemberProperty::Computed(k) = &m.property {
                        self.expression(k, dst)?;
                    }
                    let message = self.text_constant("Unsupported reference to 'super'");
                    self.emit(I::ThrowError {
                        kind: Count(1),
                        message,
                    });
                    return Ok(());
                }
                let object = self.f.alloc();
                self.expression(&m.object, object)?;
                self.optional_check(m.optional, object);
                let key = self.f.alloc();
                match &m.property {
                    MemberProperty::Static(id) => {
                        let c = self.text_constant(id.name);
                        self.emit(I::LoadConst { dst: key, index: c });
                    }
                    MemberProperty::Computed(k) => self.expression(k, key)?,
                    MemberProperty::Private(_) => {
                        return error("private fields cannot be deleted", m.span);
                    }
                }
                self.at(m.span);
                self.emit(I::DeleteKeyed { dst, object, key });
            }
            Expression::OptionalChain(o) => {
                self.optional_exits.push(Vec::new());
                let result = self.delete(&o.expression, dst);
                let exits = self.optional_exits.pop().unwrap_or_default();
                result?;
                if !exits.is_empty() {
                    let done = self.f.emit_jump(|o| I::Jump { offset: o });
                    for p in exits {
                        self.f.patch_here(p);
                    }
                    self.emit(I::LoadTrue { dst });
                    self.f.patch_here(done);
                }
            }
            Expression::Identifier(id) => match self.resolve(id.name, false) {
                Location::Global | Location::Dynamic => {
                    let n = self.name(id.name);
                    self.emit(I::DeleteName { dst, name: n });
                }
                _ => self.emit(I::LoadFalse { dst }),
            },
            other => {
                self.expression(other, dst)?;
                self.emit(I::LoadTrue { dst });
            }
        }
        Ok(())
    }

    fn binary(&mut self, b: &'a BinaryExpression<'a>, dst: Reg) -> CompileResult<()> {
        self.binary_building_in(b, dst, dst)
    }

    /// `binary` whose left side and intermediate results (of a chain `a + b + c`) build up in
    /// `scratch`, and whose last operator writes `dst`: with a `scratch` other than `dst`, the
    /// only write to `dst` is the last instruction (see `value_into_local`).
    fn binary_building_in(
        &mut self,
        b: &'a BinaryExpression<'a>,
        dst: Reg,
        scratch: Reg,
    ) -> CompileResult<()> {
        // Left-deep chains are compiled iteratively: `a + b + c` folds into `scratch`.
        let mut chain = vec![b];
        let mut left = &b.left;
        while let Expression::Binary(inner) = left {
            chain.push(inner);
            left = &inner.left;
        }
        // A local variable is read in place, without a copy: on the right always (the operator
        // runs right after), on the left when the right side cannot assign it (see
        // `cannot_assign_locals`). Otherwise the left value goes to `scratch`, a register no
        // binding owns, so it cannot change while the right side runs.
        let innermost = chain[chain.len() - 1];
        let mut lhs = match self.local_operand(left) {
            Some(reg) if cannot_assign_locals(&innermost.right, 16) => reg,
            _ => {
                self.expression(left, scratch)?;
                scratch
            }
        };
        let temp = self.f.alloc();
        let last = chain.len() - 1;
        for (step, node) in chain.into_iter().rev().enumerate() {
            let out = if step == last { dst } else { scratch };
            if let Some(k) = int32_literal(&node.right)
                && let Some(op) = int_operand_instruction(node.operator, out, lhs, k)
            {
                self.at(node.operator_span);
                self.emit(op);
                lhs = out;
                continue;
            }
            let rhs = match self.local_operand(&node.right) {
                Some(reg) => reg,
                None => {
                    self.expression(&node.right, temp)?;
                    temp
                }
            };
            self.at(node.operator_span);
            self.emit(binary_instruction(node.operator, out, lhs, rhs));
            lhs = out;
        }
        Ok(())
    }

    /// Evaluates `test` and emits a jump taken when it is falsy, to be patched to its target.
    /// A comparison (`<`, `===`, `!=`, ...) and its jump are one instruction: no boolean is
    /// stored and tested. Operands are read as `binary` reads them.
    pub fn jump_unless(&mut self, test: &'a Expression<'a>) -> CompileResult<Patch> {
        if let Expression::Binary(b) = unparenthesize(test)
            && let Some(make) = jump_unless_instruction(b.operator)
        {
            let lhs = match self.local_operand(&b.left) {
                Some(reg) if cannot_assign_locals(&b.right, 16) => reg,
                _ => {
                    let reg = self.f.alloc();
                    self.expression(&b.left, reg)?;
                    reg
                }
            };
            let rhs = match self.local_operand(&b.right) {
                Some(reg) => reg,
                None => {
                    let reg = self.f.alloc();
                    self.expression(&b.right, reg)?;
                    reg
                }
            };
            self.at(b.operator_span);
            return Ok(self.f.emit_jump(|offset| make(lhs, rhs, offset)));
        }
        let cond = self.f.alloc();
        self.expression(test, cond)?;
        Ok(self.f.emit_jump(|offset| I::JumpIfFalse { cond, offset }))
    }

    /// The register of `e` when it is a local variable read with nothing to check (no
    /// temporal dead zone): an operand can then name it directly instead of a copy.
    /// The register of local variable `name` when an assignment may write it in place:
    /// initialized, not a constant.
    pub fn mutable_local(&self, name: &str) -> Option<Reg> {
        match self.resolve(name, false) {
            Location::Register {
                reg,
                lexical,
                constant: false,
            } if name != "this" && (!lexical || self.is_initialized(name)) => Some(reg),
            _ => None,
        }
    }

    /// Evaluates `e` for its effects only: its value goes to a scratch register, or nowhere.
    pub fn effect(&mut self, e: &'a Expression<'a>) -> CompileResult<()> {
        match unparenthesize(e) {
            Expression::Update(u) => return self.update_for_effect(u),
            Expression::Assignment(a) if a.operator == AssignmentOperator::Assign => {
                if let Pattern::Identifier(id) = &a.target
                    && self.value_into_local(id.name, &a.value, false)?
                {
                    return Ok(());
                }
                if let Pattern::Member(m) = &a.target
                    && !matches!(m.object, Expression::Super(_))
                {
                    match &m.property {
                        MemberProperty::Static(id) => {
                            return self.named_store_for_effect(
                                &m.object,
                                id.name,
                                &a.value,
                                a.operator_span,
                            );
                        }
                        MemberProperty::Computed(key) => {
                            return self.keyed_store_for_effect(
                                &m.object,
                                key,
                                &a.value,
                                a.operator_span,
                            );
                        }
                        MemberProperty::Private(_) => {}
                    }
                }
            }
            _ => {}
        }
        let r = self.f.alloc();
        self.expression(e, r)
    }

    /// `name = value` (or, with `init`, a declaration's `name = value`) where `value` is a call,
    /// a `new`, a property read, a binary operator, a literal or another local, and
    /// `name` a local in a register that may be written now (with `init` any, else a `var` or
    /// an initialised `let`): the result goes straight into the variable's register, with no
    /// copy. Safe because each of these writes its destination with its last instruction,
    /// after it has read its operands, and not at all when it throws: the variable is never
    /// seen half-assigned. Returns whether it compiled the assignment.
    pub fn value_into_local(
        &mut self,
        name: &str,
        value: &'a Expression<'a>,
        init: bool,
    ) -> CompileResult<bool> {
        let value = unparenthesize(value);
        let writes_last = match value {
            Expression::Call(c) => !matches!(c.callee, Expression::Super(_)),
            Expression::New(_) => true,
            // A property read evaluates its object and key elsewhere (or reads them in place)
            // and writes only the result (`member`).
            Expression::Member(m) => !matches!(m.object, Expression::Super(_)),
            // Binary operators build up in a temporary and write the result with the last
            // one (`binary_building_in`, below).
            Expression::Binary(_) => true,
            // One load or copy, which cannot throw.
            _ => is_literal(value) || self.local_operand(value).is_some(),
        };
        if !writes_last {
            return Ok(false);
        }
        let reg = match self.resolve(name, false) {
            Location::Register {
                reg,
                lexical,
                constant,
            } if init || (!constant && (!lexical || self.is_initialized(name))) => reg,
            _ => return Ok(false),
        };
        if let Expression::Binary(b) = value {
            let mark = self.f.mark();
            let scratch = self.f.alloc();
            self.binary_building_in(b, reg, scratch)?;
            self.f.release(mark);
        } else {
            self.expression(value, reg)?;
        }
        if init {
            // Marks a lexical binding initialised; the value is in place already.
            self.store_binding(name, reg, true)?;
        }
        Ok(true)
    }

    /// `object.name = value` whose result is unused: `object` and `value` are read in place
    /// when they are local variables (or `this`), with no copies. The object is evaluated
    /// before the value, so it is read in place only when the value cannot assign it (see
    /// `cannot_assign_locals`); a local value is read at the store, after the object, which no
    /// code in between can change.
    fn named_store_for_effect(
        &mut self,
        object: &'a Expression<'a>,
        name: &str,
        value: &'a Expression<'a>,
        span: Span,
    ) -> CompileResult<()> {
        let object = self.operand_before(object, cannot_assign_locals(value, 16), true)?;
        let value = self.operand_before(value, true, false)?;
        self.at(span);
        let name = self.name(name);
        self.put_reference(&Reference::Named { object, name }, value)
    }

    /// `object[key] = value` whose result is unused, read as `named_store_for_effect` reads
    /// its operands: each local in place when what runs after it cannot assign it. The key is
    /// converted by the store itself, after the value ran, as before.
    fn keyed_store_for_effect(
        &mut self,
        object: &'a Expression<'a>,
        key: &'a Expression<'a>,
        value: &'a Expression<'a>,
        span: Span,
    ) -> CompileResult<()> {
        let value_is_stable = cannot_assign_locals(value, 16);
        let object = self.operand_before(
            object,
            value_is_stable && cannot_assign_locals(key, 16),
            true,
        )?;
        let key = self.operand_before(key, value_is_stable, false)?;
        let value = self.operand_before(value, true, false)?;
        self.at(span);
        self.put_reference(&Reference::Keyed { object, key }, value)
    }

    /// The register an operand is read from: the local variable's own (or `this`'s, with
    /// `this_too`) when `stable`, that is when nothing evaluated between here and its use can
    /// assign it; otherwise a new register the operand is evaluated into.
    fn operand_before(
        &mut self,
        e: &'a Expression<'a>,
        stable: bool,
        this_too: bool,
    ) -> CompileResult<Reg> {
        let local = if this_too {
            self.object_operand(e)
        } else {
            self.local_operand(e)
        };
        match local {
            Some(reg) if stable => Ok(reg),
            _ => {
                let r = self.f.alloc();
                self.expression(e, r)?;
                Ok(r)
            }
        }
    }

    /// The register of a local variable or of `this` (outside derived constructors, where it
    /// may still be uninitialised), read in place.
    pub(super) fn object_operand(&self, e: &'a Expression<'a>) -> Option<Reg> {
        if let Expression::This(_) = unparenthesize(e) {
            if self.state.derived || self.in_derived_constructor() {
                return None;
            }
            return match self.resolve("this", false) {
                Location::Register {
                    reg,
                    lexical: false,
                    ..
                } => Some(reg),
                _ => None,
            };
        }
        self.local_operand(e)
    }

    pub fn local_operand(&self, e: &'a Expression<'a>) -> Option<Reg> {
        let Expression::Identifier(id) = unparenthesize(e) else {
            return None;
        };
        if id.name == "this" {
            return None;
        }
        match self.resolve(id.name, false) {
            Location::Register { reg, lexical, .. } if !lexical || self.is_initialized(id.name) => {
                Some(reg)
            }
            _ => None,
        }
    }

    pub fn member(&mut self, m: &'a MemberExpression<'a>, dst: Reg) -> CompileResult<()> {
        if let Expression::Super(_) = m.object {
            let this = self.f.alloc();
            self.load_binding("this", this)?;
            let key = self.f.alloc();
            self.member_key(&m.property, key)?;
            self.at(m.span);
            self.emit(I::GetSuper {
                dst,
                this_value: this,
                key,
            });
            return Ok(());
        }
        // A local object is read in place when the key cannot assign it.
        let key_is_stable = match &m.property {
            MemberProperty::Computed(k) => cannot_assign_locals(k, 16),
            MemberProperty::Static(_) | MemberProperty::Private(_) => true,
        };
        let object = match self.object_operand(&m.object) {
            Some(reg) if key_is_stable => reg,
            _ => {
                let object = self.f.alloc();
                self.expression(&m.object, object)?;
                object
            }
        };
        self.optional_check(m.optional, object);
        self.at(member_position(m));
        self.get_property(object, &m.property, dst)
    }

    fn optional_check(&mut self, optional: bool, value: Reg) {
        if optional {
            let p = self.f.emit_jump(|o| I::JumpIfNullish {
                cond: value,
                offset: o,
            });
            if let Some(exits) = self.optional_exits.last_mut() {
                exits.push(p);
            }
        }
    }

    fn member_key(&mut self, property: &'a MemberProperty<'a>, dst: Reg) -> CompileResult<()> {
        match property {
            MemberProperty::Static(id) => {
                let c = self.text_constant(id.name);
                self.emit(I::LoadConst { dst, index: c });
            }
            MemberProperty::Computed(k) => {
                self.expression(k, dst)?;
                self.emit(I::ToPropertyKey { dst, src: dst });
            }
            MemberProperty::Private(p) => self.load_private_name(p.name, dst),
        }
        Ok(())
    }

    fn get_property(
        &mut self,
        object: Reg,
        property: &'a MemberProperty<'a>,
        dst: Reg,
    ) -> CompileResult<()> {
        match property {
            MemberProperty::Static(id) => {
                let name = self.name(id.name);
                let ic = self.f.ic();
                self.emit(I::GetNamed {
                    dst,
                    object,
                    name,
                    ic: IcSlot(ic),
                });
            }
            MemberProperty::Computed(k) => {
                // A local key is read in place: the get reads it at once.
                let key = match self.local_operand(k) {
                    Some(reg) => reg,
                    None => {
                        let key = self.f.alloc();
                        self.expression(k, key)?;
                        key
                    }
                };
                self.emit(I::GetKeyed { dst, object, key });
            }
            MemberProperty::Private(p) => {
                let name = self.f.alloc();
                self.load_private_name(p.name, name);
                self.emit(I::GetPrivate { dst, object, name });
            }
        }
        Ok(())
    }

    /// Evaluates a callee, and the `this` a call of it gets: into `this`, or, for a plain
    /// call, the function's `undefined` register. Returns the register that holds it. With
    /// `stable_locals` (nothing evaluated after the callee, the arguments, can assign a local),
    /// a method's object that is a local (or `this`) is read in place: `o.m(x)` copies no `o`.
    pub(super) fn callee_and_this(
        &mut self,
        callee: &'a Expression<'a>,
        dst: Reg,
        stable_locals: bool,
    ) -> CompileResult<Reg> {
        match callee {
            Expression::Member(m) if !matches!(m.object, Expression::Super(_)) => {
                let key_is_stable = match &m.property {
                    MemberProperty::Computed(k) => cannot_assign_locals(k, 16),
                    MemberProperty::Static(_) | MemberProperty::Private(_) => true,
                };
                let this = match self.object_operand(&m.object) {
                    Some(reg) if stable_locals && key_is_stable => reg,
                    _ => {
                        let this = self.f.alloc();
                        self.expression(&m.object, this)?;
                        this
                    }
                };
                self.optional_check(m.optional, this);
                self.at(member_position(m));
                self.get_property(this, &m.property, dst)?;
                Ok(this)
            }
            Expression::Member(m) => {
                let this = self.f.alloc();
                self.load_binding("this", this)?;
                let key = self.f.alloc();
                self.member_key(&m.property, key)?;
                self.emit(I::GetSuper {
                    dst,
                    this_value: this,
                    key,
                });
                Ok(this)
            }
            Expression::Parenthesized(p) if matches!(p.expression, Expression::Member(_)) => {
                self.callee_and_this(&p.expression, dst, stable_locals)
            }
            Expression::Identifier(id)
                if matches!(self.resolve(id.name, false), Location::Dynamic) =>
            {
                let this = self.f.alloc();
                let n = self.name(id.name);
                self.emit(I::GetNameAndThis {
                    dst,
                    this_dst: this,
                    name: n,
                });
                Ok(this)
            }
            _ => {
                self.expression(callee, dst)?;
                Ok(self.f.undefined_register())
            }
        }
    }

    /// Arguments in consecutive registers; returns the first and the count.
    fn arguments(&mut self, args: &'a [Argument<'a>]) -> CompileResult<(Reg, u32)> {
        let count = args.len() as u32;
        let first = self.f.alloc_n(count.max(1));
        for (i, a) in args.iter().enumerate() {
            if let Argument::Expression(e) = a {
                self.expression(e, Reg(first.0 + i as u32))?;
            }
        }
        Ok((first, count))
    }

    fn spread_arguments(&mut self, args: &'a [Argument<'a>], array: Reg) -> CompileResult<()> {
        self.emit(I::NewArray { dst: array });
        let v = self.f.alloc();
        for a in args {
            match a {
                Argument::Expression(e) => {
                    self.expression(e, v)?;
                    self.emit(I::ArrayPush { array, value: v });
                }
                Argument::Spread(s) => {
                    self.expression(&s.argument, v)?;
                    self.emit(I::ArraySpread { array, iterable: v });
                }
            }
        }
        Ok(())
    }

    /// The jump past a logical expression's right side when its left side (in `dst`) decides.
    pub fn logical_skip(&mut self, operator: LogicalOperator, dst: Reg) -> Patch {
        match operator {
            LogicalOperator::And => self.f.emit_jump(|o| I::JumpIfFalse {
                cond: dst,
                offset: o,
            }),
            LogicalOperator::Or => self.f.emit_jump(|o| I::JumpIfTrue {
                cond: dst,
                offset: o,
            }),
            LogicalOperator::Coalesce => self.f.emit_jump(|o| I::JumpIfNotNullish {
                cond: dst,
                offset: o,
            }),
        }
    }

    pub fn call(&mut self, c: &'a CallExpression<'a>, dst: Reg) -> CompileResult<()> {
        // Only this call is in tail position, not those in its callee or arguments.
        let tail = std::mem::take(&mut self.state.tail_call);
        let spread = c.arguments.iter().any(|a| matches!(a, Argument::Spread(_)));
        if let Expression::Super(_) = c.callee {
            return self.super_call(c, dst, spread);
        }
        let callee = self.f.alloc();
        if let Expression::Identifier(id) = c.callee
            && id.name == "eval"
            && !c.optional
            && !spread
        {
            self.load_binding("eval", callee)?;
            let (args, count) = self.arguments(c.arguments)?;
            self.at(c.span);
            self.emit(I::CallEval {
                dst,
                callee,
                args,
                count: Count(count),
            });
            return Ok(());
        }
        let stable_locals = c.arguments.iter().all(|a| match a {
            Argument::Expression(e) => cannot_assign_locals(e, 16),
            Argument::Spread(s) => cannot_assign_locals(&s.argument, 16),
        });
        let this = self.callee_and_this(&c.callee, callee, stable_locals)?;
        self.optional_check(c.optional, callee);
        if spread {
            let array = self.f.alloc();
            self.spread_arguments(c.arguments, array)?;
            self.at(call_position(c));
            self.emit(I::CallSpread {
                dst,
                callee,
                this,
                array,
            });
        } else {
            let (args, count) = self.arguments(c.arguments)?;
            self.at(call_position(c));
            self.emit(call_instruction(
                tail,
                dst,
                callee,
                this,
                args,
                Count(count),
            ));
        }
        Ok(())
    }

    fn super_call(
        &mut self,
        c: &'a CallExpression<'a>,
        dst: Reg,
        spread: bool,
    ) -> CompileResult<()> {
        let function = self.f.alloc();
        let new_target = self.f.alloc();
        self.load_binding("%fn", function)?;
        self.load_binding("new.target", new_target)?;
        if spread {
            let array = self.f.alloc();
            self.spread_arguments(c.arguments, array)?;
            self.at(c.span);
            self.emit(I::SuperCallSpread {
                dst,
                function,
                new_target,
                array,
            });
        } else {
            let (args, count) = self.arguments(c.arguments)?;
            self.at(c.span);
            self.emit(I::SuperCall {
                dst,
                function,
                new_target,
                args,
                count: Count(count),
            });
        }
        // Bind `this` (a second super() throws), then run the field initialisers.
        let old = self.f.alloc();
        self.load_this_unchecked(old)?;
        let message = self.text_constant("Super constructor may only be called once");
        let hole = self.f.alloc();
        self.emit(I::LoadHole { dst: hole });
        let fresh = self.f.emit_jump(|o| I::JumpIfStrictEqual {
            lhs: old,
            rhs: hole,
            offset: o,
        });
        self.emit(I::ThrowError {
            kind: Count(1),
            message,
        });
        self.f.patch_here(fresh);
        self.store_binding("this", dst, true)?;
        self.emit(I::InitializeInstance {
            object: dst,
            function,
        });
        Ok(())
    }

    /// `this` without the TDZ check (to test whether `super()` already ran).
    fn load_this_unchecked(&mut self, dst: Reg) -> CompileResult<()> {
        match self.resolve("this", false) {
            Location::Register { reg, .. } => self.emit(I::Move { dst, src: reg }),
            Location::Env { depth, slot, .. } => self.emit(I::GetEnv {
                dst,
                depth: Count(depth),
                slot: Count(slot),
            }),
            _ => self.emit(I::LoadThis { dst }),
        }
        Ok(())
    }

    fn yield_expression(&mut self, y: &'a YieldExpression<'a>, dst: Reg) -> CompileResult<()> {
        if y.delegate {
            return self.yield_delegate(y, dst);
        }
        match &y.argument {
            Some(a) => self.expression(a, dst)?,
            None => self.emit(I::LoadUndefined { dst }),
        }
        if self.state.is_async {
            self.emit(I::Await { dst, value: dst });
        }
        let mode = self.f.alloc();
        self.at(y.span);
        self.emit(I::Yield {
            dst,
            mode,
            value: dst,
        });
        if self.state.is_async {
            // A `return(v)` request awaits `v` before returning.
            let two = self.f.alloc();
            self.emit(I::LoadInt {
                dst: two,
                value: Imm(2),
            });
            let not_return = self.f.emit_jump(|o| I::JumpIfStrictEqual {
                lhs: mode,
                rhs: two,
                offset: o,
            });
            let skip = self.f.emit_jump(|o| I::Jump { offset: o });
            self.f.patch_here(not_return);
            self.emit(I::Await { dst, value: dst });
            self.emit_return(dst)?;
            self.f.patch_here(skip);
        } else {
            self.after_resume(dst, mode);
        }
        Ok(())
    }

    /// `yield* iterable` (ECMA-262 15.5.5), as a loop over the inner iterator.
    fn yield_delegate(&mut self, y: &'a YieldExpression<'a>, dst: Reg) -> CompileResult<()> {
        let iterable = self.f.alloc();
        if let Some(a) = &y.argument {
            self.expression(a, iterable)?;
        }
        let iterator = self.f.alloc_n(2);
        self.emit(I::GetIterator {
            dst: iterator,
            object: iterable,
            kind: Count(u32::from(self.state.is_async)),
        });
        let received = self.f.alloc();
        let mode = self.f.alloc();
        let result = self.f.alloc();
        let done = self.f.alloc();
        let method = self.f.alloc();
        let t = self.f.alloc();
        self.emit(I::LoadUndefined { dst: received });
        self.emit(I::LoadInt {
            dst: mode,
            value: Imm(0),
        });
        let top = self.f.label();
        // mode 0: next(received); 1: throw(received); 2: return(received)
        self.emit(I::LoadInt {
            dst: t,
            value: Imm(0),
        });
        let not_next = self.f.emit_jump(|o| I::JumpIfStrictEqual {
            lhs: mode,
            rhs: t,
            offset: o,
        });
        // Not next: throw or return.
        self.emit(I::LoadInt {
            dst: t,
            value: Imm(1),
        });
        let is_throw = self.f.emit_jump(|o| I::JumpIfStrictEqual {
            lhs: mode,
            rhs: t,
            offset: o,
        });
        // return(received)
        let return_name = self.name("return");
        self.emit(I::GetMethod {
            dst: method,
            object: iterator,
            name: return_name,
        });
        let has_return = self.f.emit_jump(|o| I::JumpIfNotUndefined {
            cond: method,
            offset: o,
        });
        if self.state.is_async {
            self.emit(I::Await {
                dst: received,
                value: received,
            });
        }
        self.emit_return(received)?;
        self.f.patch_here(has_return);
        self.emit(I::Call {
            dst: result,
            callee: method,
            this: iterator,
            args: received,
            count: Count(1),
        });
        if self.state.is_async {
            self.emit(I::Await {
                dst: result,
                value: result,
            });
        }
        self.emit(I::RequireObject { src: result });
        self.emit(I::IteratorResultUnpack {
            done,
            value: t,
            result,
        });
        let return_not_done = self.f.emit_jump(|o| I::JumpIfFalse {
            cond: done,
            offset: o,
        });
        self.emit_return(t)?;
        self.f.patch_here(is_throw);
        // throw(received)
        let throw_name = self.name("throw");
        self.emit(I::GetMethod {
            dst: method,
            object: iterator,
            name: throw_name,
        });
        let has_throw = self.f.emit_jump(|o| I::JumpIfNotUndefined {
            cond: method,
            offset: o,
        });
        self.emit(I::IteratorClose { iterator });
        let message = self.text_constant("The iterator does not provide a 'throw' method");
        self.emit(I::ThrowError {
            kind: Count(0),
            message,
        });
        self.f.patch_here(has_throw);
        self.emit(I::Call {
            dst: result,
            callee: method,
            this: iterator,
            args: received,
            count: Count(1),
        });
        let after_call = self.f.emit_jump(|o| I::Jump { offset: o });
        self.f.patch_here(not_next);
        self.emit(I::IteratorNext {
            dst: result,
            iterator,
            value: received,
        });
        self.f.patch_here(after_call);
        if self.state.is_async {
            self.emit(I::Await {
                dst: result,
                value: result,
            });
        }
        self.emit(I::RequireObject { src: result });
        self.f.patch_here(return_not_done);
        // Done: the value of the yield* expression.
        self.emit(I::IteratorResultUnpack {
            done,
            value: t,
            result,
        });
        let finished = self.f.emit_jump(|o| I::JumpIfTrue {
            cond: done,
            offset: o,
        });
        // A delegating yield: `throw()` requests come back here (mode 1) for the inner
        // iterator instead of throwing at the yield. A sync generator hands the inner result
        // object out as is; an async one yields its value.
        self.emit(I::YieldDelegate {
            dst: received,
            mode,
            value: if self.state.is_async { t } else { result },
        });
        self.f.emit_jump_to(top, |o| I::Jump { offset: o });
        self.f.patch_here(finished);
        self.emit(I::Move { dst, src: t });
        Ok(())
    }
}

/// Whether `e` is a literal: evaluating it runs nothing and assigns nothing.
/// Whether evaluating `e` can assign no local variable held in a register: it has no
/// assignment, update, `yield` or `await` (calls are fine: a function cannot reach another
/// function's register locals, and code with a direct `eval` keeps none). A whitelist, looked
/// at `depth` levels deep at most.
pub(super) fn cannot_assign_locals(e: &Expression<'_>, depth: u32) -> bool {
    if depth == 0 {
        return false;
    }
    let d = depth - 1;
    match unparenthesize(e) {
        Expression::Identifier(_)
        | Expression::This(_)
        | Expression::Null(_)
        | Expression::Boolean(_)
        | Expression::Number(_)
        | Expression::String(_) => true,
        Expression::Unary(u) => cannot_assign_locals(&u.argument, d),
        Expression::Binary(b) => {
            cannot_assign_locals(&b.left, d) && cannot_assign_locals(&b.right, d)
        }
        Expression::Logical(l) => {
            cannot_assign_locals(&l.left, d) && cannot_assign_locals(&l.right, d)
        }
        Expression::Conditional(c) => {
            cannot_assign_locals(&c.test, d)
                && cannot_assign_locals(&c.consequent, d)
                && cannot_assign_locals(&c.alternate, d)
        }
        Expression::Member(m) => {
            !matches!(m.object, Expression::Super(_))
                && cannot_assign_locals(&m.object, d)
                && match &m.property {
                    MemberProperty::Computed(k) => cannot_assign_locals(k, d),
                    MemberProperty::Static(_) | MemberProperty::Private(_) => true,
                }
        }
        Expression::Call(c) => {
            !matches!(c.callee, Expression::Super(_))
                && cannot_assign_locals(&c.callee, d)
                && c.arguments.iter().all(|a| match a {
                    Argument::Expression(x) => cannot_assign_locals(x, d),
                    Argument::Spread(_) => false,
                })
        }
        _ => false,
    }
}

fn is_literal(e: &Expression<'_>) -> bool {
    number_literal(e).is_some()
        || matches!(
            unparenthesize(e),
            Expression::String(_) | Expression::Boolean(_) | Expression::Null(_)
        )
}

pub fn unparenthesize<'x, 'a>(mut e: &'x Expression<'a>) -> &'x Expression<'a> {
    while let Expression::Parenthesized(p) = e {
        e = &p.expression;
    }
    e
}

/// `Call`, or `TailCall` for a call in tail position.
fn call_instruction(tail: bool, dst: Reg, callee: Reg, this: Reg, args: Reg, count: Count) -> I {
    if tail {
        I::TailCall {
            dst,
            callee,
            this,
            args,
            count,
        }
    } else {
        I::Call {
            dst,
            callee,
            this,
            args,
            count,
        }
    }
}
