//! The dispatch loop: decodes the archived bytecode of the top frame and executes it.
//!
//! JavaScript-to-JavaScript calls push a frame and continue here (no Rust recursion); `return`
//! pops it. Exceptions unwind through the handler tables; safepoints (calls and backward jumps)
//! run the collector and the termination checks.

use crate::abstract_ops::disposable_objects::DisposeStep;
use crate::call::Completion;
use crate::inline_cache::IcState;
use crate::inline_cache::{GLOBAL_IC, global_slot};
use crate::loaded_script::LoadedScript;
use crate::names::NameRef;
use crate::object::{Env, EnvKind, ObjectKind, PropertyKey, StoredSlot, attrs};
use crate::ops::{Op, number_op, quick_loose_equals, trivially_loose_equal};
use crate::profile::{Observed, Observer, Plain};
use crate::property::Descriptor;
use crate::stack::ReturnTo;
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};
use kiln_compiler::instruction::{Instruction as I, Reg};
use std::rc::Rc;

impl Vm {
    /// Runs the dispatch loop until the frame that returns to native code finishes.
    pub fn run(&mut self, initial: Option<JsError>) -> JsResult<Value> {
        // One test per entry of the loop, none per instruction: the plain instantiation has
        // no hooks at all.
        if self.profiler.is_some() {
            self.run_loop::<Observed>(initial)
        } else {
            self.run_loop::<Plain>(initial)
        }
    }

    /// [`Vm::run`]'s loop; `O` says whether it reports to [`Vm::profiler`] (`profile.rs`).
    fn run_loop<O: Observer>(&mut self, initial: Option<JsError>) -> JsResult<Value> {
        let mut pending = initial;
        // The running frame's script, kept across frame switches: a call or a return within one
        // script (nearly all of them) takes no reference count.
        let mut script: Option<Rc<LoadedScript>> = None;
        'outer: loop {
            if let Some(error) = pending.take() {
                match self.unwind(error) {
                    Ok(None) => {}
                    Ok(Some(v)) => return Ok(v),
                    Err(e) => return Err(e),
                }
            }
            let fi = self.stack.frames.len() - 1;
            let frame_script = self.stack.frames[fi].script;
            let script: &Rc<LoadedScript> = match &mut script {
                Some(s) if frame_script.is(s) => s,
                other => other.insert(frame_script.to_rc()),
            };
            let function = self.stack.frames[fi].function;
            let base = self.stack.frames[fi].base;
            let mut pc = self.stack.frames[fi].pc;
            self.stack.published_pc = pc;
            let profile_slot = if O::ENABLED {
                self.profile_enter(script, function)
            } else {
                0
            };
            self.stack.realm = self.stack.frames[fi].realm;
            // Every way into a frame checked this (closure creation, `run_code_with`, direct
            // eval); resumed frames were entered before.
            debug_assert!(
                script.verified().is_function_verified(function),
                "function {function} runs unverified"
            );
            let loaded = script.loaded_function(function);
            // Every frame of `function` was pushed with this many registers.
            let register_count = loaded.header.register_count as usize;
            let bytecode = loaded.bytecode.get();
            let feedback: &[std::cell::Cell<crate::inline_cache::InlineCache>] =
                loaded.feedback.get();
            // SAFETY: this frame runs verified code and was pushed with its registers; the
            // register stack never moves (it is allocated at its full size).
            let mut window = unsafe {
                crate::verified::Window::new(&mut self.stack.registers, base, register_count)
            };

            macro_rules! r {
                ($reg:expr) => {
                    window[$reg]
                };
            }
            // A relational comparison: Numbers here (NaN compares false, as the spec's
            // `undefined` result does), anything else through `$slow`. Two int32s compare as
            // integers first: measured 1% fewer instructions on navier-stokes and 3d-cube than
            // converting both to doubles.
            macro_rules! compare {
                ($a:expr, $b:expr, $op:tt, $slow:block) => {
                    match ($a.as_int32(), $b.as_int32()) {
                        (Some(x), Some(y)) => x $op y,
                        _ => match ($a.as_number(), $b.as_number()) {
                            (Some(x), Some(y)) => x $op y,
                            _ => $slow,
                        },
                    }
                };
            }
            // A bitwise operator with a 32-bit immediate on the right: int32s at once, other
            // Numbers through `number_op`, anything else through `numeric_op`.
            macro_rules! int_operand {
                ($dst:expr, $lhs:expr, $value:expr, $op:ident, $int:tt) => {
                    int_operand!($dst, $lhs, $value, $op, |x: i32, k: i32| x $int k)
                };
                ($dst:expr, $lhs:expr, $value:expr, $op:ident, $int:expr) => {{
                    let (a, k) = (r!($lhs), $value.0);
                    r!($dst) = match a.as_int32() {
                        Some(x) => Value::int32($int(x, k)),
                        None => match a.as_number() {
                            Some(x) => number_op(Op::$op, x, f64::from(k)),
                            None => tri!(self.numeric_op(Op::$op, a, Value::int32(k))),
                        },
                    };
                }};
            }
            macro_rules! jump {
                ($start:expr, $offset:expr) => {{
                    let target = ($start as i64 + i64::from($offset.0)) as usize;
                    if $offset.0 <= 0 {
                        tri!(self.check_interrupt());
                        self.safepoint();
                    }
                    pc = target;
                }};
            }
            macro_rules! deliver {
                ($completion:expr) => {
                    match $completion {
                        Completion::Continue => continue 'outer,
                        Completion::Native(v) => return Ok(v),
                        Completion::Throw(e) => {
                            self.note_origin(&e);
                            pending = Some(e);
                            continue 'outer;
                        }
                        Completion::NativeThrow(e) => return Err(e),
                    }
                };
            }

            let error = 'dispatch: loop {
                // An inline-cache lookup's outcome, for `--profile`.
                macro_rules! ic_seen {
                    ($kind:ident, $hit:expr) => {
                        if O::ENABLED {
                            self.profile_ic(crate::profile::IcKind::$kind, $hit);
                        }
                    };
                }
                macro_rules! tri {
                    ($e:expr) => {
                        match $e {
                            Ok(v) => v,
                            // One handler for every site, after the loop: the loop's code stays
                            // small.
                            Err(e) => break 'dispatch e,
                        }
                    };
                }
                let start = pc;
                // SAFETY: `bytecode` is verified and `pc` is on one of its instructions: the
                // function's start, a decoded length on, a verified jump, handler or saved pc.
                let (instruction, len) = unsafe { crate::verified::decode(bytecode, pc) };
                if O::ENABLED {
                    self.profile_instruction(profile_slot, start, &instruction);
                }
                pc += len;
                // The sync point, one store per instruction: the running frame's pc (one past
                // this instruction) is published before anything can allocate, throw or call.
                // Frame pushes and pops keep `published_pc` and the frames' saved pcs in step
                // (`Vm::push_frame`, `Vm::pop_frame`), so a stack trace taken in a getter, a
                // `valueOf` or a callback this instruction runs shows where this frame is.
                self.stack.published_pc = pc;
                match instruction {
                    I::Move { dst, src } => r!(dst) = r!(src),
                    I::LoadUndefined { dst } => r!(dst) = Value::UNDEFINED,
                    I::LoadNull { dst } => r!(dst) = Value::NULL,
                    I::LoadTrue { dst } => r!(dst) = Value::TRUE,
                    I::LoadFalse { dst } => r!(dst) = Value::FALSE,
                    I::LoadInt { dst, value } => r!(dst) = Value::int32(value.0),
                    I::LoadInt32 { dst, value } => r!(dst) = Value::int32(value.0),
                    I::LoadConst { dst, index } => {
                        r!(dst) = tri!(self.constant(script, function, index.0));
                    }
                    I::LoadHole { dst } => r!(dst) = Value::HOLE,
                    I::CheckHole { src, name } => {
                        if r!(src).is_hole() {
                            let n = self.script_atom(script, name.0);
                            tri!(Err(self.tdz_error(n)));
                        }
                    }
                    I::LoadThis { dst } => r!(dst) = self.stack.frames[fi].this,
                    I::LoadNewTarget { dst } => r!(dst) = self.stack.frames[fi].new_target,
                    I::LoadCallee { dst } => r!(dst) = self.stack.frames[fi].callee,
                    I::CreateArguments { dst, mapped } => {
                        let v = tri!(self.create_arguments(fi, mapped.0));
                        r!(dst) = v;
                    }
                    I::CreateRest { dst, start } => {
                        let args = self.frame_arguments(fi);
                        let rest = args.get(start.0 as usize..).unwrap_or(&[]).to_vec();
                        r!(dst) = self.new_array(rest).value();
                    }
                    I::Add { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = match (a.as_int32(), b.as_int32()) {
                            (Some(x), Some(y)) => match x.checked_add(y) {
                                Some(v) => Value::int32(v),
                                None => Value::number(f64::from(x) + f64::from(y)),
                            },
                            _ => match (a.as_number(), b.as_number()) {
                                (Some(x), Some(y)) => Value::number(x + y),
                                _ => tri!(self.add(a, b)),
                            },
                        };
                    }
                    I::Sub { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = match (a.as_int32(), b.as_int32()) {
                            (Some(x), Some(y)) => match x.checked_sub(y) {
                                Some(v) => Value::int32(v),
                                None => Value::number(f64::from(x) - f64::from(y)),
                            },
                            _ => match (a.as_number(), b.as_number()) {
                                (Some(x), Some(y)) => Value::number(x - y),
                                _ => tri!(self.numeric_op(Op::Sub, a, b)),
                            },
                        };
                    }
                    I::Mul { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = match (a.as_number(), b.as_number()) {
                            (Some(x), Some(y)) => Value::number(x * y),
                            _ => tri!(self.numeric_op(Op::Mul, a, b)),
                        };
                    }
                    I::Div { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = match (a.as_number(), b.as_number()) {
                            (Some(x), Some(y)) => Value::number(x / y),
                            _ => tri!(self.numeric_op(Op::Div, a, b)),
                        };
                    }
                    I::Rem { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = match (a.as_int32(), b.as_int32()) {
                            (Some(x), Some(y)) if x >= 0 && y > 0 => Value::int32(x % y),
                            _ => tri!(self.numeric_op(Op::Rem, a, b)),
                        };
                    }
                    I::Exp { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = tri!(self.numeric_op(Op::Exp, a, b));
                    }
                    I::BitAnd { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = match (a.as_int32(), b.as_int32()) {
                            (Some(x), Some(y)) => Value::int32(x & y),
                            _ if a.is_number() && b.is_number() => number_op(
                                Op::BitAnd,
                                a.as_number().unwrap_or(0.0),
                                b.as_number().unwrap_or(0.0),
                            ),
                            _ => tri!(self.numeric_op(Op::BitAnd, a, b)),
                        };
                    }
                    I::BitOr { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = match (a.as_int32(), b.as_int32()) {
                            (Some(x), Some(y)) => Value::int32(x | y),
                            _ if a.is_number() && b.is_number() => number_op(
                                Op::BitOr,
                                a.as_number().unwrap_or(0.0),
                                b.as_number().unwrap_or(0.0),
                            ),
                            _ => tri!(self.numeric_op(Op::BitOr, a, b)),
                        };
                    }
                    I::BitXor { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = match (a.as_int32(), b.as_int32()) {
                            (Some(x), Some(y)) => Value::int32(x ^ y),
                            _ if a.is_number() && b.is_number() => number_op(
                                Op::BitXor,
                                a.as_number().unwrap_or(0.0),
                                b.as_number().unwrap_or(0.0),
                            ),
                            _ => tri!(self.numeric_op(Op::BitXor, a, b)),
                        };
                    }
                    I::ShiftLeft { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = match (a.as_int32(), b.as_int32()) {
                            (Some(x), Some(y)) => Value::int32(x.wrapping_shl(y as u32 & 31)),
                            _ if a.is_number() && b.is_number() => number_op(
                                Op::Shl,
                                a.as_number().unwrap_or(0.0),
                                b.as_number().unwrap_or(0.0),
                            ),
                            _ => tri!(self.numeric_op(Op::Shl, a, b)),
                        };
                    }
                    I::ShiftRight { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = match (a.as_int32(), b.as_int32()) {
                            (Some(x), Some(y)) => Value::int32(x >> (y as u32 & 31)),
                            _ if a.is_number() && b.is_number() => number_op(
                                Op::Shr,
                                a.as_number().unwrap_or(0.0),
                                b.as_number().unwrap_or(0.0),
                            ),
                            _ => tri!(self.numeric_op(Op::Shr, a, b)),
                        };
                    }
                    I::ShiftRightUnsigned { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = match (a.as_int32(), b.as_int32()) {
                            (Some(x), Some(y)) => {
                                Value::number(f64::from((x as u32) >> (y as u32 & 31)))
                            }
                            _ if a.is_number() && b.is_number() => number_op(
                                Op::Ushr,
                                a.as_number().unwrap_or(0.0),
                                b.as_number().unwrap_or(0.0),
                            ),
                            _ => tri!(self.numeric_op(Op::Ushr, a, b)),
                        };
                    }
                    I::AddInt { dst, lhs, value } => {
                        let (a, k) = (r!(lhs), value.0);
                        r!(dst) = match a.as_int32() {
                            Some(x) => match x.checked_add(k) {
                                Some(v) => Value::int32(v),
                                None => Value::number(f64::from(x) + f64::from(k)),
                            },
                            None => match a.as_number() {
                                Some(x) => Value::number(x + f64::from(k)),
                                None => tri!(self.add(a, Value::int32(k))),
                            },
                        };
                    }
                    I::SubInt { dst, lhs, value } => {
                        let (a, k) = (r!(lhs), value.0);
                        r!(dst) = match a.as_int32() {
                            Some(x) => match x.checked_sub(k) {
                                Some(v) => Value::int32(v),
                                None => Value::number(f64::from(x) - f64::from(k)),
                            },
                            None => match a.as_number() {
                                Some(x) => Value::number(x - f64::from(k)),
                                None => tri!(self.numeric_op(Op::Sub, a, Value::int32(k))),
                            },
                        };
                    }
                    I::BitAndInt { dst, lhs, value } => int_operand!(dst, lhs, value, BitAnd, &),
                    I::BitOrInt { dst, lhs, value } => int_operand!(dst, lhs, value, BitOr, |),
                    I::BitXorInt { dst, lhs, value } => int_operand!(dst, lhs, value, BitXor, ^),
                    I::ShiftLeftInt { dst, lhs, value } => {
                        int_operand!(dst, lhs, value, Shl, |x: i32, k: i32| x
                            .wrapping_shl(k as u32 & 31))
                    }
                    I::ShiftRightInt { dst, lhs, value } => {
                        int_operand!(dst, lhs, value, Shr, |x: i32, k: i32| x
                            .wrapping_shr(k as u32 & 31))
                    }
                    I::ShiftRightUnsignedInt { dst, lhs, value } => {
                        let (a, k) = (r!(lhs), value.0);
                        r!(dst) = match a.as_int32() {
                            Some(x) => Value::number(f64::from((x as u32) >> (k as u32 & 31))),
                            None => match a.as_number() {
                                Some(x) => number_op(Op::Ushr, x, f64::from(k)),
                                None => tri!(self.numeric_op(Op::Ushr, a, Value::int32(k))),
                            },
                        };
                    }
                    I::StrictEqual { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = Value::boolean(tri!(self.strict_equals(a, b)));
                    }
                    I::StrictNotEqual { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = Value::boolean(!tri!(self.strict_equals(a, b)));
                    }
                    I::LooseEqual { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = Value::boolean(
                            match trivially_loose_equal(a, b, self.agent.html_dda_made)
                                .or_else(|| quick_loose_equals(a, b, |o| self.obj(o).is_html_dda))
                            {
                                Some(r) => r,
                                None => tri!(self.loose_equals(a, b)),
                            },
                        );
                    }
                    I::LooseNotEqual { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = Value::boolean(!match trivially_loose_equal(
                            a,
                            b,
                            self.agent.html_dda_made,
                        )
                        .or_else(|| quick_loose_equals(a, b, |o| self.obj(o).is_html_dda))
                        {
                            Some(r) => r,
                            None => tri!(self.loose_equals(a, b)),
                        });
                    }
                    I::Less { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = Value::boolean(compare!(a, b, <, {
                            tri!(self.less_than(a, b, true)) == Some(true)
                        }));
                    }
                    I::Greater { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = Value::boolean(compare!(a, b, >, {
                            tri!(self.less_than(b, a, false)) == Some(true)
                        }));
                    }
                    I::LessEqual { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = Value::boolean(compare!(a, b, <=, {
                            tri!(self.less_than(b, a, false)) == Some(false)
                        }));
                    }
                    I::GreaterEqual { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = Value::boolean(compare!(a, b, >=, {
                            tri!(self.less_than(a, b, true)) == Some(false)
                        }));
                    }
                    I::In { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        let Some(o) = b.as_object() else {
                            tri!(Err(self.type_error(
                                "Cannot use 'in' operator to search for a key in a non-object"
                            )));
                            unreachable!()
                        };
                        let key = tri!(self.to_property_key(a));
                        r!(dst) = Value::boolean(tri!(self.has_property(o, key)));
                    }
                    I::InstanceOf { dst, lhs, rhs } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        r!(dst) = Value::boolean(tri!(self.instance_of(a, b)));
                    }
                    I::Not { dst, src } => {
                        let v = r!(src);
                        r!(dst) = Value::boolean(!self.to_boolean(v));
                    }
                    I::Negate { dst, src } => {
                        let v = r!(src);
                        r!(dst) = match v.as_int32() {
                            Some(i) if i != 0 && i != i32::MIN => Value::int32(-i),
                            _ if v.is_number() => Value::number(-v.as_number().unwrap_or(f64::NAN)),
                            _ => {
                                let n = tri!(self.to_numeric(v));
                                match n.as_bigint() {
                                    Some(b) => {
                                        let neg = -self.bigint(b).clone();
                                        self.new_bigint(neg)
                                    }
                                    None => Value::number(-n.as_number().unwrap_or(f64::NAN)),
                                }
                            }
                        };
                    }
                    I::BitNot { dst, src } => {
                        let v = r!(src);
                        r!(dst) = match v.as_int32() {
                            Some(i) => Value::int32(!i),
                            None => {
                                let n = tri!(self.to_numeric(v));
                                match n.as_bigint() {
                                    Some(b) => {
                                        let x = -self.bigint(b).clone() - 1;
                                        self.new_bigint(x)
                                    }
                                    None => Value::int32(!crate::ops::f64_to_int32(
                                        n.as_number().unwrap_or(f64::NAN),
                                    )),
                                }
                            }
                        };
                    }
                    I::ToNumber { dst, src } => {
                        let v = r!(src);
                        r!(dst) = if v.is_number() {
                            v
                        } else {
                            Value::number(tri!(self.to_number(v)))
                        };
                    }
                    I::ToNumeric { dst, src } => {
                        let v = r!(src);
                        r!(dst) = if v.is_number() {
                            v
                        } else {
                            tri!(self.to_numeric(v))
                        };
                    }
                    I::Increment { dst, src } | I::Decrement { dst, src } => {
                        let delta = if matches!(instruction, I::Increment { .. }) {
                            1
                        } else {
                            -1
                        };
                        let mut v = r!(src);
                        // An int32 that stays one first: the loop counter's case.
                        if let Some(i) = v.as_int32().and_then(|i| i.checked_add(delta)) {
                            r!(dst) = Value::int32(i);
                            continue;
                        }
                        if !v.is_number() && v.as_bigint().is_none() {
                            v = tri!(self.to_numeric(v));
                        }
                        r!(dst) = match v.as_int32().and_then(|i| i.checked_add(delta)) {
                            Some(i) => Value::int32(i),
                            None => match v.as_bigint() {
                                Some(b) => {
                                    let x = self.bigint(b).clone() + delta;
                                    self.new_bigint(x)
                                }
                                None => Value::number(
                                    v.as_number().unwrap_or(f64::NAN) + f64::from(delta),
                                ),
                            },
                        };
                    }
                    I::TypeOf { dst, src } => {
                        let v = r!(src);
                        let t = self.type_of(v);
                        r!(dst) = self.string(t);
                    }
                    I::ToString { dst, src } => {
                        let v = r!(src);
                        r!(dst) = tri!(self.to_string(v)).value();
                    }
                    I::ToPropertyKey { dst, src } => {
                        let v = r!(src);
                        if !(v.is_string()
                            || v.as_symbol().is_some()
                            || v.as_int32().is_some_and(|i| i >= 0))
                        {
                            let key = tri!(self.to_property_key(v));
                            r!(dst) = match key {
                                PropertyKey::Index(i) if i <= i32::MAX as u32 => {
                                    Value::int32(i as i32)
                                }
                                k => self.key_value(k),
                            };
                        } else {
                            r!(dst) = v;
                        }
                    }
                    I::RequireObjectCoercible { src } => {
                        if r!(src).is_nullish() {
                            let v = r!(src);
                            let text = if v.is_null() { "null" } else { "undefined" };
                            tri!(Err(
                                self.type_error(&format!("Cannot read properties of {text}"))
                            ));
                        }
                    }
                    I::Jump { offset } => jump!(start, offset),
                    I::JumpIfTrue { cond, offset } => {
                        let v = r!(cond);
                        if self.to_boolean(v) {
                            jump!(start, offset);
                        }
                    }
                    I::JumpIfFalse { cond, offset } => {
                        let v = r!(cond);
                        if !self.to_boolean(v) {
                            jump!(start, offset);
                        }
                    }
                    I::JumpIfNotLess { lhs, rhs, offset } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        if !compare!(a, b, <, { tri!(self.less_than(a, b, true)) == Some(true) }) {
                            jump!(start, offset);
                        }
                    }
                    I::JumpIfNotLessEqual { lhs, rhs, offset } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        if !compare!(a, b, <=, { tri!(self.less_than(b, a, false)) == Some(false) })
                        {
                            jump!(start, offset);
                        }
                    }
                    I::JumpIfNotGreater { lhs, rhs, offset } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        if !compare!(a, b, >, { tri!(self.less_than(b, a, false)) == Some(true) }) {
                            jump!(start, offset);
                        }
                    }
                    I::JumpIfNotGreaterEqual { lhs, rhs, offset } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        if !compare!(a, b, >=, { tri!(self.less_than(a, b, true)) == Some(false) })
                        {
                            jump!(start, offset);
                        }
                    }
                    I::JumpIfStrictNotEqual { lhs, rhs, offset } => {
                        if !tri!(self.strict_equals(r!(lhs), r!(rhs))) {
                            jump!(start, offset);
                        }
                    }
                    I::JumpIfLooseEqual { lhs, rhs, offset } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        let equal = match trivially_loose_equal(a, b, self.agent.html_dda_made)
                            .or_else(|| quick_loose_equals(a, b, |o| self.obj(o).is_html_dda))
                        {
                            Some(r) => r,
                            None => tri!(self.loose_equals(a, b)),
                        };
                        if equal {
                            jump!(start, offset);
                        }
                    }
                    I::JumpIfLooseNotEqual { lhs, rhs, offset } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        let equal = match trivially_loose_equal(a, b, self.agent.html_dda_made)
                            .or_else(|| quick_loose_equals(a, b, |o| self.obj(o).is_html_dda))
                        {
                            Some(r) => r,
                            None => tri!(self.loose_equals(a, b)),
                        };
                        if !equal {
                            jump!(start, offset);
                        }
                    }
                    I::JumpIfNullish { cond, offset } => {
                        if r!(cond).is_nullish() {
                            jump!(start, offset);
                        }
                    }
                    I::JumpIfNotNullish { cond, offset } => {
                        if !r!(cond).is_nullish() {
                            jump!(start, offset);
                        }
                    }
                    I::JumpIfUndefined { cond, offset } => {
                        if r!(cond).is_undefined() {
                            jump!(start, offset);
                        }
                    }
                    I::JumpIfNotUndefined { cond, offset } => {
                        if !r!(cond).is_undefined() {
                            jump!(start, offset);
                        }
                    }
                    I::JumpIfStrictEqual { lhs, rhs, offset } => {
                        let (a, b) = (r!(lhs), r!(rhs));
                        if tri!(self.strict_equals(a, b)) {
                            jump!(start, offset);
                        }
                    }
                    I::Nop {} => {}
                    I::PushEnv { scope } => {
                        let names = self.scope_names(script, function, scope.0);
                        let slots = names
                            .kinds
                            .iter()
                            .map(|k| {
                                if k & kiln_compiler::code::binding::LEXICAL != 0 {
                                    Value::HOLE
                                } else {
                                    Value::UNDEFINED
                                }
                            })
                            .collect();
                        let parent = self.stack.frames[fi].env;
                        let env = self.new_env(Env {
                            parent,
                            slots,
                            kind: EnvKind::Declarative {
                                names,
                                extra: Vec::new(),
                            },
                        });
                        self.stack.frames[fi].env = Some(env);
                        self.stack.frames[fi].env_depth += 1;
                    }
                    I::PushWithEnv { object } => {
                        let v = r!(object);
                        let o = tri!(self.to_object(v));
                        let parent = self.stack.frames[fi].env;
                        let env = self.new_env(Env {
                            parent,
                            slots: Vec::new(),
                            kind: EnvKind::Object(o),
                        });
                        self.stack.frames[fi].env = Some(env);
                        self.stack.frames[fi].env_depth += 1;
                    }
                    I::PopEnv {} => {
                        if let Some(e) = self.stack.frames[fi].env {
                            self.stack.frames[fi].env = self.agent.heap.envs.get(e.0).parent;
                            self.stack.frames[fi].env_depth =
                                self.stack.frames[fi].env_depth.saturating_sub(1);
                        }
                    }
                    I::CloneEnv {} => {
                        if let Some(e) = self.stack.frames[fi].env {
                            let old = self.agent.heap.envs.get(e.0);
                            let copy = Env {
                                parent: old.parent,
                                slots: old.slots.clone(),
                                kind: match &old.kind {
                                    EnvKind::Declarative { names, extra } => EnvKind::Declarative {
                                        names: names.clone(),
                                        extra: extra.clone(),
                                    },
                                    EnvKind::Object(o) => EnvKind::Object(*o),
                                },
                            };
                            let env = self.new_env(copy);
                            self.stack.frames[fi].env = Some(env);
                        }
                    }
                    I::GetEnv { dst, depth, slot } => {
                        let Some(env) = self.env_holding(fi, depth.0, slot.0) else {
                            tri!(Err(self.environment_out_of_range()))
                        };
                        r!(dst) = self.agent.heap.envs.get(env.0).slots[slot.0 as usize];
                    }
                    I::GetEnvChecked {
                        dst,
                        depth,
                        slot,
                        name,
                    } => {
                        let (_, v) = tri!(self.env_slot(fi, depth.0, slot.0));
                        if v.is_hole() {
                            let n = self.script_atom(script, name.0);
                            tri!(Err(self.tdz_error(n)));
                        }
                        r!(dst) = v;
                    }
                    I::SetEnv { depth, slot, src } => {
                        let Some(env) = self.env_holding(fi, depth.0, slot.0) else {
                            tri!(Err(self.environment_out_of_range()))
                        };
                        let v = r!(src);
                        self.agent.heap.envs.get_mut(env.0).slots[slot.0 as usize] = v;
                    }
                    I::GetGlobal { dst, name, ic } => {
                        // Cached: a data property of the global object at a known slot (checked
                        // against the key there), while no global lexical binding shadows it.
                        if let Some(cache) = crate::inline_cache::ic_find(
                            // SAFETY: `ic` is an `Ic` operand of this verified function.
                            unsafe { crate::verified::ic_ways(feedback, ic.0) },
                            GLOBAL_IC,
                        ) && let Some(g) = self.global_ic_holds(&cache)
                            && let Some((v, _)) = global_slot(
                                self.obj(g),
                                &self.agent.shapes,
                                cache.slot,
                                cache.holder,
                            )
                        {
                            ic_seen!(GetGlobal, true);
                            r!(dst) = v;
                            continue;
                        }
                        ic_seen!(GetGlobal, false);
                        let n = self.script_atom(script, name.0);
                        r!(dst) = tri!(self.get_global(n));
                        self.fill_global_ic(script, function, ic.0, n, false);
                    }
                    I::TypeOfGlobal { dst, name } => {
                        let n = self.script_atom(script, name.0);
                        let v = match self.realms[self.stack.realm as usize]
                            .global_lexicals
                            .get(&n)
                        {
                            Some(&(v, _)) => {
                                if v.is_hole() {
                                    tri!(Err(self.tdz_error(n)));
                                }
                                v
                            }
                            None => {
                                let g = self.intrinsics().global_object;
                                let key = self.atom_to_key(n);
                                if tri!(self.has_property(g, key)) {
                                    tri!(self.get(g, key, g.value()))
                                } else {
                                    Value::UNDEFINED
                                }
                            }
                        };
                        let t = self.type_of(v);
                        r!(dst) = self.string(t);
                    }
                    I::SetGlobal { name, src, ic } => {
                        let v = r!(src);
                        if let Some(cache) = crate::inline_cache::ic_find(
                            // SAFETY: `ic` is an `Ic` operand of this verified function.
                            unsafe { crate::verified::ic_ways(feedback, ic.0) },
                            GLOBAL_IC,
                        ) && let Some(g) = self.global_ic_holds(&cache)
                            && global_slot(
                                self.obj(g),
                                &self.agent.shapes,
                                cache.slot,
                                cache.holder,
                            )
                            .is_some_and(|(_, a)| a & attrs::WRITABLE != 0)
                        {
                            self.obj_mut(g).slots[cache.slot as usize] = StoredSlot::data(v);
                            ic_seen!(SetGlobal, true);
                            continue;
                        }
                        ic_seen!(SetGlobal, false);
                        let n = self.script_atom(script, name.0);
                        let strict = self.stack.frames[fi].strict;
                        tri!(self.set_global(n, v, strict));
                        self.fill_global_ic(script, function, ic.0, n, true);
                    }
                    I::DeclareGlobalVar { name } => {
                        let n = self.script_atom(script, name.0);
                        tri!(self.declare_global_var(n));
                    }
                    I::DeclareGlobalFunction { name, src } => {
                        let n = self.script_atom(script, name.0);
                        let v = r!(src);
                        tri!(self.declare_global_function(n, v));
                    }
                    I::DeclareGlobalLexical { name, kind } => {
                        let n = self.script_atom(script, name.0);
                        tri!(self.declare_global_lexical(n, kind.0 == 1));
                    }
                    I::InitGlobalLexical { name, src } => {
                        let n = self.script_atom(script, name.0);
                        let v = r!(src);
                        let realm = self.stack.realm as usize;
                        if let Some(entry) = self.realms[realm].global_lexicals.get_mut(&n) {
                            entry.0 = v;
                        }
                    }
                    I::GetName { dst, name } => {
                        let n = self.script_atom(script, name.0);
                        let env = self.stack.frames[fi].env;
                        let strict = self.stack.frames[fi].strict;
                        r!(dst) = tri!(self.get_name(env, n, strict)).0;
                    }
                    I::GetNameAndThis {
                        dst,
                        this_dst,
                        name,
                    } => {
                        let n = self.script_atom(script, name.0);
                        let env = self.stack.frames[fi].env;
                        let strict = self.stack.frames[fi].strict;
                        let (v, this) = tri!(self.get_name(env, n, strict));
                        r!(dst) = v;
                        r!(this_dst) = this;
                    }
                    I::TypeOfName { dst, name } => {
                        let n = self.script_atom(script, name.0);
                        let env = self.stack.frames[fi].env;
                        let found = tri!(self.resolve_name(env, n));
                        let v = if matches!(found, NameRef::Unresolvable) {
                            Value::UNDEFINED
                        } else {
                            tri!(self.read_name(found, n, false)).0
                        };
                        let t = self.type_of(v);
                        r!(dst) = self.string(t);
                    }
                    I::SetName { name, src } | I::InitName { name, src } => {
                        let n = self.script_atom(script, name.0);
                        let v = r!(src);
                        let env = self.stack.frames[fi].env;
                        let strict = self.stack.frames[fi].strict;
                        let init = matches!(instruction, I::InitName { .. });
                        tri!(self.set_name(env, n, v, strict, init));
                    }
                    I::DeleteName { dst, name } => {
                        let n = self.script_atom(script, name.0);
                        let env = self.stack.frames[fi].env;
                        r!(dst) = Value::boolean(tri!(self.delete_name(env, n)));
                    }
                    I::DeclareEvalVar { name } => {
                        let n = self.script_atom(script, name.0);
                        let env = self.stack.frames[fi].env;
                        tri!(self.declare_eval_var(env, n, None));
                    }
                    I::DeclareEvalAnnexBVar { dst, name } => {
                        let n = self.script_atom(script, name.0);
                        let env = self.stack.frames[fi].env;
                        r!(dst) = Value::boolean(tri!(self.declare_eval_annex_b_var(env, n)));
                    }
                    I::ResolveName { dst, name } => {
                        let n = self.script_atom(script, name.0);
                        let env = self.stack.frames[fi].env;
                        r!(dst) = tri!(self.locate_name(env, n));
                    }
                    I::GetResolvedName {
                        dst,
                        reference,
                        name,
                    } => {
                        let n = self.script_atom(script, name.0);
                        let env = self.stack.frames[fi].env;
                        let strict = self.stack.frames[fi].strict;
                        let found = tri!(self.located_name(env, r!(reference), n));
                        r!(dst) = tri!(self.read_name(found, n, strict)).0;
                    }
                    I::SetResolvedName {
                        reference,
                        name,
                        src,
                    } => {
                        let n = self.script_atom(script, name.0);
                        let env = self.stack.frames[fi].env;
                        let strict = self.stack.frames[fi].strict;
                        let found = tri!(self.located_name(env, r!(reference), n));
                        let v = r!(src);
                        tri!(self.write_name(found, n, v, strict, false));
                    }
                    I::SetNameAt { name, src, depth } => {
                        let n = self.script_atom(script, name.0);
                        let v = r!(src);
                        let mut env = self.stack.frames[fi].env;
                        for _ in 0..depth.0 {
                            env = env.and_then(|e| self.agent.heap.envs.get(e.0).parent);
                        }
                        let strict = self.stack.frames[fi].strict;
                        tri!(self.set_name(env, n, v, strict, false));
                    }
                    I::DeclareEvalFunction { name, src } => {
                        let n = self.script_atom(script, name.0);
                        let env = self.stack.frames[fi].env;
                        let v = r!(src);
                        tri!(self.declare_eval_var(env, n, Some(v)));
                    }
                    I::GetNamed {
                        dst,
                        object,
                        name,
                        ic,
                    } => {
                        let o = r!(object);
                        if let Some(obj) = o.as_object() {
                            let object_ref = self.obj(obj);
                            if let Some(shape) = object_ref.shape
                                && let Some(cache) = crate::inline_cache::ic_find(
                                    // SAFETY: `ic` is an `Ic` operand of this verified function.
                                    unsafe { crate::verified::ic_ways(feedback, ic.0) },
                                    shape.0,
                                )
                            {
                                if cache.state == IcState::Own {
                                    if let Some(v) = object_ref.slots[cache.slot as usize].as_data()
                                    {
                                        ic_seen!(GetNamed, true);
                                        r!(dst) = v;
                                        continue;
                                    }
                                } else if cache.state == IcState::Proto
                                    && let Some(v) = self.proto_ic_hit(object_ref, &cache)
                                {
                                    ic_seen!(GetNamed, true);
                                    r!(dst) = v;
                                    continue;
                                }
                            }
                        } else if o.is_string()
                            && let Some(cache) = crate::inline_cache::ic_find(
                                // SAFETY: `ic` is an `Ic` operand of this verified function.
                                unsafe { crate::verified::ic_ways(feedback, ic.0) },
                                crate::inline_cache::STRING_RECEIVER,
                            )
                            && let Some(v) = self.string_ic_hit(&cache)
                        {
                            ic_seen!(GetNamedString, true);
                            r!(dst) = v;
                            continue;
                        }
                        let n = self.script_atom(script, name.0);
                        if n == self.agent.names.length {
                            // `array.length` and `string.length` without a lookup.
                            if let Some(obj) = o.as_object()
                                && self.obj(obj).is_array()
                            {
                                r!(dst) = Value::number(f64::from(self.obj(obj).length));
                                continue;
                            }
                            if let Some(s) = o.as_string() {
                                r!(dst) = Value::int32(self.string_len(s) as i32);
                                continue;
                            }
                        }
                        let key = self.atom_to_key(n);
                        if let Some(obj) = o.as_object() {
                            ic_seen!(GetNamed, false);
                            self.fill_ic(script, function, ic.0, obj, key);
                            r!(dst) = tri!(self.get(obj, key, o));
                        } else {
                            if o.is_nullish() {
                                let k = self.key_text(key);
                                let what = if o.is_null() { "null" } else { "undefined" };
                                tri!(Err(self.type_error(&format!(
                                    "Cannot read properties of {what} (reading '{k}')"
                                ))));
                            }
                            if o.is_string() {
                                ic_seen!(GetNamedString, false);
                                self.fill_string_ic(script, function, ic.0, key);
                            }
                            r!(dst) = tri!(self.get_v(o, key));
                        }
                    }
                    I::SetNamed {
                        object,
                        name,
                        value,
                        ic,
                    } => {
                        let o = r!(object);
                        let v = r!(value);
                        let mut before = None;
                        if let Some(obj) = o.as_object() {
                            let object_ref = self.obj(obj);
                            before = object_ref.shape;
                            if let Some(shape) = object_ref.shape
                                && let Some(cache) = crate::inline_cache::ic_find(
                                    // SAFETY: `ic` is an `Ic` operand of this verified function.
                                    unsafe { crate::verified::ic_ways(feedback, ic.0) },
                                    shape.0,
                                )
                            {
                                if cache.state == IcState::Store {
                                    self.obj_mut(obj).slots[cache.slot as usize] =
                                        StoredSlot::data(v);
                                    ic_seen!(SetNamed, true);
                                    continue;
                                }
                                if cache.state == IcState::Add
                                    && self.add_by_ic(obj, &cache, v, true)
                                {
                                    ic_seen!(SetNamed, true);
                                    continue;
                                }
                            }
                        }
                        let n = self.script_atom(script, name.0);
                        let key = self.atom_to_key(n);
                        let strict = self.stack.frames[fi].strict;
                        tri!(self.put_value(o, key, v, strict));
                        if let Some(obj) = o.as_object() {
                            ic_seen!(SetNamed, false);
                            self.fill_set_ic(script, function, ic.0, obj, key, before, false);
                        }
                    }
                    I::GetKeyed { dst, object, key } => {
                        let o = r!(object);
                        let k = r!(key);
                        if let (Some(obj), Some(i)) = (o.as_object(), k.as_int32())
                            && i >= 0
                            && let crate::object::Elements::Dense(v) = &self.obj(obj).elements
                            && let Some(&x) = v.get(i as usize)
                            && !x.is_hole()
                            && !matches!(self.obj(obj).kind, ObjectKind::Arguments { .. })
                        {
                            r!(dst) = x;
                            continue;
                        }
                        r!(dst) = tri!(self.get_keyed_slow(o, k));
                    }
                    I::SetKeyed { object, key, value } => {
                        let o = r!(object);
                        let k = r!(key);
                        let v = r!(value);
                        if let (Some(obj), Some(i)) = (o.as_object(), k.as_int32())
                            && i >= 0
                            && !matches!(
                                self.obj(obj).kind,
                                ObjectKind::Arguments { .. } | ObjectKind::Proxy { .. }
                            )
                            && let crate::object::Elements::Dense(elems) =
                                &mut self.obj_mut(obj).elements
                            && let Some(x) = elems.get_mut(i as usize)
                            && !x.is_hole()
                        {
                            *x = v;
                            continue;
                        }
                        if let (Some(obj), Some(i)) = (o.as_object(), k.as_int32())
                            && i >= 0
                            && self.write_element_fast(obj, i as u32, v)
                        {
                            continue;
                        }
                        let strict = self.stack.frames[fi].strict;
                        if o.is_nullish() {
                            let what = if o.is_null() { "null" } else { "undefined" };
                            tri!(Err(
                                self.type_error(&format!("Cannot set properties of {what}"))
                            ));
                        }
                        let key = tri!(self.to_property_key(k));
                        tri!(self.put_value(o, key, v, strict));
                    }
                    I::DefineNamed {
                        object,
                        name,
                        value,
                        ic,
                    } => {
                        let o = tri!(self.expect_object(r!(object), "an object literal"));
                        let v = r!(value);
                        let before = self.obj(o).shape;
                        if let Some(shape) = before
                            && let Some(cache) = crate::inline_cache::ic_find(
                                // SAFETY: `ic` is an `Ic` operand of this verified function.
                                unsafe { crate::verified::ic_ways(feedback, ic.0) },
                                shape.0,
                            )
                            && cache.state == IcState::Add
                            && self.add_by_ic(o, &cache, v, false)
                        {
                            ic_seen!(DefineNamed, true);
                            continue;
                        }
                        ic_seen!(DefineNamed, false);
                        let n = self.script_atom(script, name.0);
                        let key = self.atom_to_key(n);
                        tri!(self.create_data_property_or_throw(o, key, v));
                        self.fill_set_ic(script, function, ic.0, o, key, before, true);
                    }
                    I::DefineKeyed { object, key, value } => {
                        let Some(o) = r!(object).as_object() else {
                            tri!(Err(self.type_error("Cannot define a field on a non-object")));
                            unreachable!()
                        };
                        let k = r!(key);
                        let v = r!(value);
                        let key = tri!(self.to_property_key(k));
                        tri!(self.create_data_property_or_throw(o, key, v));
                    }
                    I::DefineMethod {
                        object,
                        key,
                        function: f,
                        kind,
                    } => {
                        let o = tri!(self.expect_object(r!(object), "an object"));
                        let k = r!(key);
                        let fv = r!(f);
                        let key = tri!(self.to_property_key(k));
                        if let Some(fo) = fv.as_object()
                            && let ObjectKind::Function(c) = &mut self.obj_mut(fo).kind
                        {
                            c.home = Some(o);
                        }
                        let enumerable = kind.0 & 4 != 0;
                        let desc = match kind.0 & 3 {
                            1 => Descriptor {
                                get: Some(fv),
                                enumerable: Some(enumerable),
                                configurable: Some(true),
                                ..Default::default()
                            },
                            2 => Descriptor {
                                set: Some(fv),
                                enumerable: Some(enumerable),
                                configurable: Some(true),
                                ..Default::default()
                            },
                            _ => Descriptor::data(fv, true, enumerable, true),
                        };
                        tri!(self.define_property_or_throw(o, key, desc));
                    }
                    I::SetLiteralPrototype { object, value } => {
                        let o = tri!(self.expect_object(r!(object), "an object literal"));
                        let v = r!(value);
                        if v.is_object() || v.is_null() {
                            tri!(self.set_prototype_of(o, v.as_object()));
                        }
                    }
                    I::DeleteKeyed { dst, object, key } => {
                        let o = r!(object);
                        let k = r!(key);
                        let obj = tri!(self.to_object(o));
                        let key = tri!(self.to_property_key(k));
                        let ok = tri!(self.delete(obj, key));
                        if !ok && self.stack.frames[fi].strict {
                            let k = self.key_text(key);
                            tri!(Err(self.type_error(&format!(
                                "Cannot delete property '{k}' of object"
                            ))));
                        }
                        r!(dst) = Value::boolean(ok);
                    }
                    I::GetSuper {
                        dst,
                        this_value,
                        key,
                    } => {
                        let this = r!(this_value);
                        let k = r!(key);
                        let proto = tri!(self.super_base(fi));
                        let key = tri!(self.to_property_key(k));
                        r!(dst) = tri!(self.get(proto, key, this));
                    }
                    I::SetSuper {
                        this_value,
                        key,
                        value,
                    } => {
                        let this = r!(this_value);
                        let k = r!(key);
                        let v = r!(value);
                        let proto = tri!(self.super_base(fi));
                        let key = tri!(self.to_property_key(k));
                        let ok = tri!(self.set(proto, key, v, this));
                        if !ok && self.stack.frames[fi].strict {
                            let k = self.key_text(key);
                            tri!(Err(self.type_error(&format!(
                                "Cannot assign to read only property '{k}'"
                            ))));
                        }
                    }
                    I::GetPrivate { dst, object, name } => {
                        let o = r!(object);
                        let n = r!(name);
                        r!(dst) = tri!(self.private_get(o, n));
                    }
                    I::SetPrivate {
                        object,
                        name,
                        value,
                    } => {
                        let (o, n, v) = (r!(object), r!(name), r!(value));
                        tri!(self.private_set(o, n, v));
                    }
                    I::DefinePrivate {
                        object,
                        name,
                        value,
                    } => {
                        let (o, n, v) = (r!(object), r!(name), r!(value));
                        tri!(self.private_define(o, n, v));
                    }
                    I::HasPrivate { dst, object, name } => {
                        let (o, n) = (r!(object), r!(name));
                        let Some(obj) = o.as_object() else {
                            tri!(Err(self.type_error(
                                "Cannot use 'in' operator to search for a private field in a non-object"
                            )));
                            unreachable!()
                        };
                        let sym = tri!(self.expect_private_name(n));
                        let found = self.obj(obj).private.iter().any(|(s, _)| *s == sym);
                        r!(dst) = Value::boolean(found);
                    }
                    I::NewPrivateName { dst, name } => {
                        let n = self.script_atom(script, name.0);
                        let d = self.atom_value(n);
                        let s = self.new_symbol(d);
                        self.agent.heap.symbols.get_mut(s.0).private = Some(Box::default());
                        r!(dst) = s.value();
                    }
                    I::SetPrivateMethod {
                        name,
                        function: f,
                        kind,
                    } => {
                        let s = tri!(self.expect_private_name(r!(name)));
                        let fv = r!(f);
                        if let Some(p) = self.agent.heap.symbols.get_mut(s.0).private.as_mut() {
                            match kind.0 {
                                1 => p.getter = Some(fv),
                                2 => p.setter = Some(fv),
                                _ => p.method = Some(fv),
                            }
                        }
                    }
                    I::NewObject { dst } => {
                        r!(dst) = self.new_object().value();
                    }
                    I::NewArray { dst } => {
                        r!(dst) = self.new_array(Vec::new()).value();
                    }
                    I::ArrayPush { array, value } => {
                        let a = tri!(self.expect_object(r!(array), "an array literal"));
                        let v = r!(value);
                        self.array_literal_push(a, v);
                    }
                    I::ArrayPushHole { array } => {
                        let a = tri!(self.expect_object(r!(array), "an array literal"));
                        let object = self.obj_mut(a);
                        object.length += 1;
                        if let crate::object::Elements::Dense(v) = &mut object.elements {
                            let before = v.capacity();
                            v.push(Value::HOLE);
                            let grown = (v.capacity() - before) * size_of::<Value>();
                            self.agent.heap.note_growth(grown);
                        }
                    }
                    I::ArraySpread { array, iterable } => {
                        let a = tri!(self.expect_object(r!(array), "an array literal"));
                        let it = r!(iterable);
                        self.stack.frames[fi].pc = pc;
                        let values = tri!(crate::abstract_ops::iterators::iterate_to_vec(self, it));
                        for v in values {
                            self.array_literal_push(a, v);
                        }
                    }
                    I::CopyDataProperties {
                        target,
                        source,
                        excluded,
                        count,
                    } => {
                        let t = tri!(self.expect_object(r!(target), "an object"));
                        let s = r!(source);
                        let mut skip = Vec::new();
                        for i in 0..count.0 {
                            let k = r!(Reg(excluded.0 + i));
                            skip.push(tri!(self.to_property_key(k)));
                        }
                        tri!(self.copy_data_properties(t, s, &skip));
                    }
                    I::NewRegExp {
                        dst,
                        pattern,
                        flags: fl,
                    } => {
                        let p = tri!(self.constant(script, function, pattern.0));
                        let f = tri!(self.constant(script, function, fl.0));
                        r!(dst) = tri!(crate::builtins::regexp::regexp_create(self, p, f));
                    }
                    I::GetTemplateObject { dst, index } => {
                        r!(dst) = self.template_object(script, function, index.0);
                    }
                    I::NewClosure { dst, function: f } => {
                        let env = self.stack.frames[fi].env;
                        let this = self.stack.frames[fi].this;
                        let callee = self.stack.frames[fi].callee;
                        r!(dst) = tri!(self.make_closure(script, f.0, env, this, callee)).value();
                    }
                    I::NewClass {
                        dst,
                        function: f,
                        heritage,
                        derived,
                    } => {
                        let h = r!(heritage);
                        let env = self.stack.frames[fi].env;
                        let (ctor, proto) =
                            tri!(self.make_class(script, f.0, env, derived.0 == 1, h));
                        r!(dst) = ctor.value();
                        r!(Reg(dst.0 + 1)) = proto.value();
                    }
                    I::SetFunctionName {
                        function: f,
                        key,
                        prefix,
                    } => {
                        let fv = r!(f);
                        let k = r!(key);
                        if let Some(fo) = fv.as_object() {
                            let key = tri!(self.to_property_key(k));
                            let p = match prefix.0 {
                                1 => Some("get"),
                                2 => Some("set"),
                                _ => None,
                            };
                            self.set_function_name(fo, key, p);
                        }
                    }
                    I::SetClassFields {
                        constructor,
                        initializer,
                    } => {
                        let c = tri!(self.expect_object(r!(constructor), "a class"));
                        let i = r!(initializer).as_object();
                        if let ObjectKind::Function(cl) = &mut self.obj_mut(c).kind {
                            cl.fields = i;
                        }
                    }
                    I::SetHomeObject { function: f, home } => {
                        let fo = tri!(self.expect_object(r!(f), "a function"));
                        let h = r!(home).as_object();
                        if let ObjectKind::Function(cl) = &mut self.obj_mut(fo).kind {
                            cl.home = h;
                        }
                    }
                    I::Call {
                        dst,
                        callee,
                        this,
                        args,
                        count,
                    }
                    | I::TailCall {
                        dst,
                        callee,
                        this,
                        args,
                        count,
                    } => {
                        tri!(self.check_interrupt());
                        self.safepoint();
                        self.stack.frames[fi].pc = pc;
                        let f = r!(callee);
                        let t = r!(this);
                        let a = base + args.0 as usize;
                        if let Some(fo) = f.as_object()
                            && let ObjectKind::Function(c) = &self.obj(fo).kind
                            && !c.is_class_constructor
                        {
                            if matches!(instruction, I::TailCall { .. }) && self.frame_replaceable()
                            {
                                let argv = smallvec::SmallVec::<[Value; 8]>::from_slice(
                                    &self.stack.registers[a..a + count.0 as usize],
                                );
                                tri!(self.replace_frame(fo, t, &argv));
                                continue 'outer;
                            }
                            tri!(self.push_closure_frame_from_registers(
                                fo,
                                t,
                                a,
                                count.0 as usize,
                                Value::UNDEFINED,
                                ReturnTo::Register(dst.0),
                                false
                            ));
                            continue 'outer;
                        }
                        let argv = smallvec::SmallVec::<[Value; 8]>::from_slice(
                            &self.stack.registers[a..a + count.0 as usize],
                        );
                        r!(dst) = if let Some(fo) = f.as_object()
                            && let ObjectKind::Native(n) = &self.obj(fo).kind
                        {
                            let (call, realm) = (n.call, n.realm);
                            tri!(self.call_native_from_registers(fo, call, realm, t, &argv))
                        } else {
                            tri!(self.call(f, t, &argv))
                        };
                    }
                    I::CallSpread {
                        dst,
                        callee,
                        this,
                        array,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let f = r!(callee);
                        let t = r!(this);
                        let argv = self.array_values(r!(array));
                        r!(dst) = tri!(self.call(f, t, &argv));
                    }
                    I::CallEval {
                        dst,
                        callee,
                        args,
                        count,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let f = r!(callee);
                        let a = base + args.0 as usize;
                        let argv: Vec<Value> =
                            self.stack.registers[a..a + count.0 as usize].to_vec();
                        if f.as_object() == Some(self.intrinsics().eval) {
                            match argv.first() {
                                Some(&src) if src.is_string() => {
                                    r!(dst) = tri!(self.direct_eval(fi, src));
                                }
                                // As in V8 (and so Node), where strings may not be compiled
                                // every call of `eval` fails, even one with nothing to compile.
                                other => {
                                    tri!(self.ensure_can_compile_strings());
                                    r!(dst) = other.copied().unwrap_or(Value::UNDEFINED);
                                }
                            }
                        } else {
                            r!(dst) = tri!(self.call(f, Value::UNDEFINED, &argv));
                        }
                    }
                    I::New {
                        dst,
                        callee,
                        args,
                        count,
                    } => {
                        tri!(self.check_interrupt());
                        self.safepoint();
                        self.stack.frames[fi].pc = pc;
                        let f = r!(callee);
                        let a = base + args.0 as usize;
                        if let Some(fo) = f.as_object()
                            && let ObjectKind::Function(c) = &self.obj(fo).kind
                            && c.constructor_kind != crate::object::ConstructorKind::None
                        {
                            let this = tri!(self.construct_this(fo, f));
                            tri!(self.push_closure_frame_from_registers(
                                fo,
                                this,
                                a,
                                count.0 as usize,
                                f,
                                ReturnTo::Register(dst.0),
                                true
                            ));
                            continue 'outer;
                        }
                        if !self.is_constructor(f) {
                            let text = self.describe(f);
                            tri!(Err(self.type_error(&format!("{text} is not a constructor"))));
                        }
                        let argv = smallvec::SmallVec::<[Value; 8]>::from_slice(
                            &self.stack.registers[a..a + count.0 as usize],
                        );
                        r!(dst) = tri!(self.construct(f, &argv, f));
                    }
                    I::NewSpread { dst, callee, array } => {
                        self.stack.frames[fi].pc = pc;
                        let f = r!(callee);
                        let argv = self.array_values(r!(array));
                        if !self.is_constructor(f) {
                            let text = self.describe(f);
                            tri!(Err(self.type_error(&format!("{text} is not a constructor"))));
                        }
                        r!(dst) = tri!(self.construct(f, &argv, f));
                    }
                    I::SuperCall {
                        dst,
                        function: f,
                        new_target,
                        args,
                        count,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let fv = r!(f);
                        let nt = r!(new_target);
                        let a = base + args.0 as usize;
                        let argv: Vec<Value> =
                            self.stack.registers[a..a + count.0 as usize].to_vec();
                        r!(dst) = tri!(self.super_call(fv, nt, &argv));
                    }
                    I::SuperCallSpread {
                        dst,
                        function: f,
                        new_target,
                        array,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let fv = r!(f);
                        let nt = r!(new_target);
                        let argv = self.array_values(r!(array));
                        r!(dst) = tri!(self.super_call(fv, nt, &argv));
                    }
                    I::SuperCallForward {
                        dst,
                        function: f,
                        new_target,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let fv = r!(f);
                        let nt = r!(new_target);
                        let argv = self.frame_arguments(fi);
                        r!(dst) = tri!(self.super_call(fv, nt, &argv));
                    }
                    I::InitializeInstance {
                        object,
                        function: f,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let o = r!(object);
                        let fv = r!(f);
                        let init = fv.as_object().and_then(|fo| match &self.obj(fo).kind {
                            ObjectKind::Function(c) => c.fields,
                            _ => None,
                        });
                        if let Some(init) = init {
                            tri!(self.call(init.value(), o, &[]));
                        }
                    }
                    I::Return { value } => {
                        let v = r!(value);
                        self.stack.frames[fi].pc = pc;
                        let completion = tri!(self.finish_frame(v));
                        deliver!(completion);
                    }
                    I::Throw { value } => {
                        let v = r!(value);
                        tri!(Err(JsError::Throw(v)));
                    }
                    I::ThrowError { kind, message } => {
                        let m = tri!(self.constant(script, function, message.0));
                        let text = self.to_rust_string(m).unwrap_or_default();
                        let k = match kind.0 {
                            0 => "TypeError",
                            1 => "ReferenceError",
                            2 => "SyntaxError",
                            _ => "RangeError",
                        };
                        let e = self.throw_error(k, &text);
                        tri!(Err(e));
                    }
                    I::Catch { dst } => {
                        r!(dst) = std::mem::replace(&mut self.stack.thrown, Value::UNDEFINED);
                    }
                    I::GetIterator { dst, object, kind } => {
                        self.stack.frames[fi].pc = pc;
                        let o = r!(object);
                        let (it, next) = if kind.0 == 1 {
                            tri!(crate::abstract_ops::iterators::get_async_iterator(self, o))
                        } else {
                            tri!(crate::abstract_ops::iterators::get_iterator(self, o))
                        };
                        r!(dst) = it;
                        r!(Reg(dst.0 + 1)) = next;
                    }
                    I::IteratorStep {
                        dst,
                        iterator,
                        offset,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let it = r!(iterator);
                        let next = r!(Reg(iterator.0 + 1));
                        match tri!(crate::abstract_ops::iterators::iterator_step_value(
                            self, it, next
                        )) {
                            Some(v) => r!(dst) = v,
                            None => jump!(start, offset),
                        }
                    }
                    I::IteratorNext {
                        dst,
                        iterator,
                        value,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let it = r!(iterator);
                        let next = r!(Reg(iterator.0 + 1));
                        let v = r!(value);
                        let args: &[Value] = if v.is_hole() { &[] } else { &[v] };
                        r!(dst) = tri!(self.call(next, it, args));
                    }
                    I::IteratorClose { iterator } => {
                        self.stack.frames[fi].pc = pc;
                        let it = r!(iterator);
                        tri!(crate::abstract_ops::iterators::iterator_close(self, it));
                    }
                    I::NewDecorations { dst, heritage } => {
                        self.stack.frames[fi].pc = pc;
                        let h = r!(heritage);
                        r!(dst) = tri!(self.new_decorations(h));
                    }
                    I::DecorateElement {
                        decorators,
                        state,
                        home,
                        key,
                        value,
                        setter,
                        kind,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let (d, s, h, k) = (r!(decorators), r!(state), r!(home), r!(key));
                        let (v, set) = (r!(value), r!(setter));
                        tri!(self.decorate_element(d, s, h, k, v, set, kind.0));
                    }
                    I::DecorateClass {
                        class,
                        decorators,
                        state,
                        name,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let (c, d, s, n) = (r!(class), r!(decorators), r!(state), r!(name));
                        r!(class) = tri!(self.decorate_class(c, d, s, n));
                    }
                    I::RunInitializers { state, this, list } => {
                        self.stack.frames[fi].pc = pc;
                        let (s, t) = (r!(state), r!(this));
                        tri!(self.run_initializers(s, t, list.0));
                    }
                    I::InitializeField {
                        value,
                        state,
                        this,
                        list,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let (v, s, t) = (r!(value), r!(state), r!(this));
                        r!(value) = tri!(self.initialize_field(v, s, t, list.0));
                    }
                    I::NewDisposeCapability { dst } => {
                        r!(dst) =
                            crate::abstract_ops::disposable_objects::new_dispose_capability(self)
                                .value();
                    }
                    I::AddDisposableResource {
                        capability,
                        value,
                        hint,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let (c, v) = (r!(capability), r!(value));
                        tri!(self.add_declared_resource(c, v, hint.0));
                    }
                    I::DisposeResources {
                        capability,
                        kind,
                        value,
                        awaited,
                        offset,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let c = r!(capability);
                        let completion = crate::using_declarations::FinallyCompletion {
                            kind: r!(kind),
                            value: r!(value),
                        };
                        let (now, step) = tri!(self.dispose_declared_resources(c, completion));
                        if let Some(now) = now {
                            r!(kind) = now.kind;
                            r!(value) = now.value;
                        }
                        match step {
                            DisposeStep::Await(v) => r!(awaited) = v,
                            DisposeStep::Done => jump!(start, offset),
                        }
                    }
                    I::JoinDisposeError { kind, value, error } => {
                        self.stack.frames[fi].pc = pc;
                        let completion = crate::using_declarations::FinallyCompletion {
                            kind: r!(kind),
                            value: r!(value),
                        };
                        let e = r!(error);
                        let now = self.join_declared_dispose_error(completion, e);
                        r!(kind) = now.kind;
                        r!(value) = now.value;
                    }
                    I::IteratorCloseThrow { iterator } => {
                        self.stack.frames[fi].pc = pc;
                        let it = r!(iterator);
                        if let Err(JsError::Terminate(t)) =
                            crate::abstract_ops::iterators::iterator_close(self, it)
                        {
                            tri!(Err(JsError::Terminate(t)));
                        }
                    }
                    I::ForInEnumerate { dst, object } => {
                        let o = r!(object);
                        r!(dst) = tri!(self.for_in_enumerate(o));
                    }
                    I::ForInNext {
                        dst,
                        iterator,
                        offset,
                    } => {
                        let it = r!(iterator);
                        match tri!(self.for_in_next(it)) {
                            Some(k) => r!(dst) = k,
                            None => jump!(start, offset),
                        }
                    }
                    I::IteratorResultUnpack {
                        done,
                        value,
                        result,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let res = r!(result);
                        let o = tri!(self.require_object(res));
                        let d = tri!(self.get(o, PropertyKey::String(self.agent.names.done), res));
                        let d = self.to_boolean(d);
                        r!(done) = Value::boolean(d);
                        let v = tri!(self.get(o, PropertyKey::String(self.agent.names.value), res));
                        r!(value) = v;
                    }
                    I::RequireObject { src } => {
                        let v = r!(src);
                        tri!(self.require_object(v));
                    }
                    I::GetMethod { dst, object, name } => {
                        self.stack.frames[fi].pc = pc;
                        let o = r!(object);
                        let n = self.script_atom(script, name.0);
                        let key = self.atom_to_key(n);
                        r!(dst) = tri!(self.get_method(o, key));
                    }
                    I::Yield { dst, mode, value } | I::YieldDelegate { dst, mode, value } => {
                        let v = r!(value);
                        self.stack.frames[fi].pc = pc;
                        let raw = matches!(instruction, I::YieldDelegate { .. });
                        let completion = tri!(self.yield_frame(dst.0, mode.0, v, raw));
                        deliver!(completion);
                    }
                    I::Await { dst, value } => {
                        let v = r!(value);
                        self.stack.frames[fi].pc = pc;
                        let completion = tri!(self.await_frame(dst.0, v));
                        deliver!(completion);
                    }
                    I::NewIteratorResult { dst, value, done } => {
                        let v = r!(value);
                        r!(dst) = crate::abstract_ops::iterators::create_iter_result_object(
                            self,
                            v,
                            done.0 == 1,
                        );
                    }
                    I::GetImport {
                        dst,
                        depth,
                        slot,
                        name,
                    } => {
                        let (_, mut v) = tri!(self.env_slot(fi, depth.0, slot.0));
                        if let Some(o) = v.as_object()
                            && let ObjectKind::ImportBinding { env, slot } = self.obj(o).kind
                        {
                            v = self
                                .agent
                                .heap
                                .envs
                                .get(env.0)
                                .slots
                                .get(slot as usize)
                                .copied()
                                .unwrap_or(Value::HOLE);
                        }
                        if v.is_hole() {
                            let n = self.script_atom(script, name.0);
                            tri!(Err(self.tdz_error(n)));
                        }
                        r!(dst) = v;
                    }
                    I::ImportMeta { dst } => {
                        r!(dst) = tri!(crate::module::import_meta(self, script));
                    }
                    I::ImportCall {
                        dst,
                        specifier,
                        options,
                        phase,
                    } => {
                        self.stack.frames[fi].pc = pc;
                        let s = r!(specifier);
                        let o = r!(options);
                        let phase = u8::try_from(phase.0).unwrap_or(u8::MAX);
                        r!(dst) = crate::module::dynamic_import(self, script, s, o, phase);
                    }
                }
            };
            self.stack.frames[fi].pc = pc;
            self.note_origin(&error);
            pending = Some(error);
        }
    }
}
