//! The instruction set, written once.
//!
//! `instructions!` below is the single source of truth: each entry names an instruction, its
//! operands and what it does to its registers. From it come the [`Opcode`] byte values, the typed
//! [`Instruction`] enum, the encoder, the checked decoder and the disassembler's text.
//!
//! ## Encoding
//!
//! An instruction is one opcode byte followed by its operands. Register, constant, name, function,
//! IC-slot and count operands are one byte each by default; a `Wide` prefix makes every such
//! operand of the next instruction two bytes and `ExtraWide` four (little-endian), so no function
//! hits a 255-register or 255-constant wall. Immediates scale the same way (sign-extended). Jump
//! offsets are always four bytes, relative to the start of the jump instruction, so a jump can be
//! patched in place once its target is known.

use std::fmt;

/// A register of the current frame's window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg(pub u32);

/// An index into the function's constant pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConstIdx(pub u32);

/// An index into the script's string table, used as a property or binding name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NameIdx(pub u32);

/// An index into the script's function table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FuncIdx(pub u32);

/// An inline-cache slot of the function's feedback vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IcSlot(pub u32);

/// A small count: arguments, environment depth, slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Count(pub u32);

/// A signed immediate integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Imm(pub i32);

/// A jump's target, in bytes relative to the start of the jump instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JumpOffset(pub i32);

/// How wide the scaled operands of one instruction are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Width {
    Narrow = 1,
    Wide = 2,
    ExtraWide = 4,
}

/// An operand type: how it is encoded and shown.
trait Operand: Sized + Copy {
    /// The smallest width that holds this operand.
    fn width(self) -> Width;
    fn encode(self, width: Width, out: &mut Vec<u8>);
    fn decode(bytes: &[u8], width: Width) -> Option<(Self, usize)>;
}

fn unsigned_width(v: u32) -> Width {
    if v <= u8::MAX as u32 {
        Width::Narrow
    } else if v <= u16::MAX as u32 {
        Width::Wide
    } else {
        Width::ExtraWide
    }
}

fn encode_unsigned(v: u32, width: Width, out: &mut Vec<u8>) {
    out.extend_from_slice(&v.to_le_bytes()[..width as usize]);
}

fn decode_unsigned(bytes: &[u8], width: Width) -> Option<(u32, usize)> {
    let n = width as usize;
    let raw = bytes.get(..n)?;
    let mut buf = [0u8; 4];
    buf[..n].copy_from_slice(raw);
    Some((u32::from_le_bytes(buf), n))
}

macro_rules! unsigned_operand {
    ($($t:ident),*) => {$(
        impl Operand for $t {
            fn width(self) -> Width {
                unsigned_width(self.0)
            }
            fn encode(self, width: Width, out: &mut Vec<u8>) {
                encode_unsigned(self.0, width, out)
            }
            fn decode(bytes: &[u8], width: Width) -> Option<(Self, usize)> {
                decode_unsigned(bytes, width).map(|(v, n)| ($t(v), n))
            }
        }
    )*};
}
unsigned_operand!(Reg, ConstIdx, NameIdx, FuncIdx, IcSlot, Count);

impl Operand for Imm {
    fn width(self) -> Width {
        if i8::try_from(self.0).is_ok() {
            Width::Narrow
        } else if i16::try_from(self.0).is_ok() {
            Width::Wide
        } else {
            Width::ExtraWide
        }
    }
    fn encode(self, width: Width, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0.to_le_bytes()[..width as usize]);
    }
    fn decode(bytes: &[u8], width: Width) -> Option<(Self, usize)> {
        let n = width as usize;
        let raw = bytes.get(..n)?;
        let value = match width {
            Width::Narrow => i32::from(raw[0] as i8),
            Width::Wide => i32::from(i16::from_le_bytes([raw[0], raw[1]])),
            Width::ExtraWide => i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]),
        };
        Some((Imm(value), n))
    }
}

impl Operand for JumpOffset {
    fn width(self) -> Width {
        Width::Narrow
    }
    fn encode(self, _width: Width, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0.to_le_bytes());
    }
    fn decode(bytes: &[u8], _width: Width) -> Option<(Self, usize)> {
        let raw = bytes.get(..4)?;
        Some((
            JumpOffset(i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])),
            4,
        ))
    }
}

impl fmt::Display for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}
impl fmt::Display for ConstIdx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}", self.0)
    }
}
impl fmt::Display for NameIdx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}
impl fmt::Display for FuncIdx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "f{}", self.0)
    }
}
impl fmt::Display for IcSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ic{}", self.0)
    }
}
impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}
impl fmt::Display for Imm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl fmt::Display for JumpOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:+}", self.0)
    }
}

/// Why bytes did not decode as an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The byte is not an opcode.
    UnknownOpcode(u8),
    /// A prefix followed by another prefix or by nothing.
    BadPrefix,
    /// The instruction runs past the end of the bytecode.
    Truncated,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::UnknownOpcode(b) => write!(f, "unknown opcode 0x{b:02x}"),
            DecodeError::BadPrefix => {
                write!(f, "a width prefix must be followed by an instruction")
            }
            DecodeError::Truncated => write!(f, "instruction runs past the end of the bytecode"),
        }
    }
}

macro_rules! instructions {
    ($(
        $(#[doc = $doc:literal])+
        $name:ident { $($field:ident : $kind:ident),* $(,)? }
    )*) => {
        /// One byte per instruction kind; `Wide` and `ExtraWide` are prefixes, not instructions.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum Opcode {
            Wide,
            ExtraWide,
            $($name,)*
        }

        /// A decoded instruction with typed operands.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Instruction {
            $($(#[doc = $doc])+ $name { $($field: $kind),* },)*
        }

        impl Opcode {
            /// Every opcode that is an instruction (the prefixes excluded), in byte order.
            pub const ALL: &'static [Opcode] = &[$(Opcode::$name),*];

            pub fn from_byte(byte: u8) -> Option<Opcode> {
                const TABLE: &[Opcode] = &[Opcode::Wide, Opcode::ExtraWide, $(Opcode::$name),*];
                TABLE.get(byte as usize).copied()
            }

            /// The name the disassembler shows.
            pub fn name(self) -> &'static str {
                match self {
                    Opcode::Wide => "Wide",
                    Opcode::ExtraWide => "ExtraWide",
                    $(Opcode::$name => stringify!($name),)*
                }
            }

            /// The one-line description from the table.
            pub fn doc(self) -> &'static str {
                match self {
                    Opcode::Wide => "prefix: the next instruction's operands are two bytes",
                    Opcode::ExtraWide => "prefix: the next instruction's operands are four bytes",
                    $(Opcode::$name => concat!($($doc),+).trim_ascii(),)*
                }
            }
        }

        impl Instruction {
            pub fn opcode(&self) -> Opcode {
                match self {
                    $(Instruction::$name { .. } => Opcode::$name,)*
                }
            }

            /// The width every scaled operand needs.
            fn width(&self) -> Width {
                match *self {
                    $(Instruction::$name { $($field),* } => {
                        #[allow(unused_mut)]
                        let mut width = Width::Narrow;
                        $(width = width.max(Operand::width($field));)*
                        width
                    })*
                }
            }

            /// Appends the instruction, with a width prefix when an operand needs one.
            pub fn encode(&self, out: &mut Vec<u8>) {
                let width = self.width();
                match width {
                    Width::Narrow => {}
                    Width::Wide => out.push(Opcode::Wide as u8),
                    Width::ExtraWide => out.push(Opcode::ExtraWide as u8),
                }
                out.push(self.opcode() as u8);
                match *self {
                    $(Instruction::$name { $($field),* } => {
                        $(Operand::encode($field, width, out);)*
                    })*
                }
            }

            /// Decodes the instruction at `pc`; returns it and its length in bytes, prefix
            /// included. Never panics, whatever the bytes.
            pub fn decode(bytes: &[u8], pc: usize) -> Result<(Instruction, usize), DecodeError> {
                let mut at = pc;
                let mut width = Width::Narrow;
                let first = *bytes.get(at).ok_or(DecodeError::Truncated)?;
                let mut opcode = Opcode::from_byte(first).ok_or(DecodeError::UnknownOpcode(first))?;
                if matches!(opcode, Opcode::Wide | Opcode::ExtraWide) {
                    width = if opcode == Opcode::Wide { Width::Wide } else { Width::ExtraWide };
                    at += 1;
                    let byte = *bytes.get(at).ok_or(DecodeError::BadPrefix)?;
                    opcode = Opcode::from_byte(byte).ok_or(DecodeError::UnknownOpcode(byte))?;
                    if matches!(opcode, Opcode::Wide | Opcode::ExtraWide) {
                        return Err(DecodeError::BadPrefix);
                    }
                }
                at += 1;
                let instruction = match opcode {
                    Opcode::Wide | Opcode::ExtraWide => return Err(DecodeError::BadPrefix),
                    $(Opcode::$name => {
                        $(
                            let ($field, n) = <$kind as Operand>::decode(bytes.get(at..).unwrap_or(&[]), width)
                                .ok_or(DecodeError::Truncated)?;
                            at += n;
                        )*
                        Instruction::$name { $($field),* }
                    })*
                };
                Ok((instruction, at - pc))
            }

            /// The operands as the disassembler shows them, in table order.
            pub fn operands(&self) -> Vec<String> {
                match self {
                    $(Instruction::$name { $($field),* } => vec![$($field.to_string()),*],)*
                }
            }

            /// The jump offset, if this instruction jumps.
            pub fn jump_offset(&self) -> Option<JumpOffset> {
                match *self {
                    $(Instruction::$name { $($field),* } => {
                        let _ = ($($field,)*);
                        instructions!(@jump $($field : $kind),*)
                    })*
                }
            }
        }
    };
    (@jump) => { None };
    (@jump $field:ident : JumpOffset $(, $rest:ident : $rkind:ident)*) => { Some($field) };
    (@jump $field:ident : $kind:ident $(, $rest:ident : $rkind:ident)*) => {
        instructions!(@jump $($rest : $rkind),*)
    };
}

impl fmt::Display for Instruction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let operands = self.operands();
        if operands.is_empty() {
            write!(f, "{}", self.opcode().name())
        } else {
            write!(f, "{} {}", self.opcode().name(), operands.join(", "))
        }
    }
}

instructions! {
    /// `dst = src`
    Move { dst: Reg, src: Reg }
    /// `dst = undefined`
    LoadUndefined { dst: Reg }
    /// `dst = null`
    LoadNull { dst: Reg }
    /// `dst = true`
    LoadTrue { dst: Reg }
    /// `dst = false`
    LoadFalse { dst: Reg }
    /// `dst = value` (a small integer)
    LoadInt { dst: Reg, value: Imm }
    /// `dst = constants[index]`
    LoadConst { dst: Reg, index: ConstIdx }
    /// `dst = lhs + rhs` (ECMA-262 13.15.3 ApplyStringOrNumericBinaryOperator)
    Add { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs - rhs`
    Sub { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs * rhs`
    Mul { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs / rhs`
    Div { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs % rhs`
    Rem { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs ** rhs`
    Exp { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs === rhs`
    StrictEqual { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs == rhs`
    LooseEqual { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs < rhs`
    Less { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = !src`
    Not { dst: Reg, src: Reg }
    /// `dst = -src`
    Negate { dst: Reg, src: Reg }
    /// `dst = typeof src`
    TypeOf { dst: Reg, src: Reg }
    /// `pc += offset`
    Jump { offset: JumpOffset }
    /// `if ToBoolean(cond) { pc += offset }`
    JumpIfTrue { cond: Reg, offset: JumpOffset }
    /// `if !ToBoolean(cond) { pc += offset }`
    JumpIfFalse { cond: Reg, offset: JumpOffset }
    /// `dst = object[names[name]]`, cached in `ic`
    GetNamed { dst: Reg, object: Reg, name: NameIdx, ic: IcSlot }
    /// `object[names[name]] = value`, cached in `ic`
    SetNamed { object: Reg, name: NameIdx, value: Reg, ic: IcSlot }
    /// `dst = global binding names[name]` (ReferenceError when missing)
    GetGlobal { dst: Reg, name: NameIdx, ic: IcSlot }
    /// `dst = callee.call(this, args[0..count])`, the arguments in consecutive registers from `args`
    Call { dst: Reg, callee: Reg, this: Reg, args: Reg, count: Count, ic: IcSlot }
    /// `dst = a new closure of functions[function]` over the current environment
    NewClosure { dst: Reg, function: FuncIdx }
    /// `return value`
    Return { value: Reg }
    /// `throw value`
    Throw { value: Reg }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One instance of every instruction, with every operand set to `v`.
    fn every_instruction(v: u32) -> Vec<Instruction> {
        let r = Reg(v);
        let imm = Imm(v as i32);
        let off = JumpOffset(-(v as i32));
        vec![
            Instruction::Move { dst: r, src: r },
            Instruction::LoadUndefined { dst: r },
            Instruction::LoadNull { dst: r },
            Instruction::LoadTrue { dst: r },
            Instruction::LoadFalse { dst: r },
            Instruction::LoadInt { dst: r, value: imm },
            Instruction::LoadConst {
                dst: r,
                index: ConstIdx(v),
            },
            Instruction::Add {
                dst: r,
                lhs: r,
                rhs: r,
            },
            Instruction::Sub {
                dst: r,
                lhs: r,
                rhs: r,
            },
            Instruction::Mul {
                dst: r,
                lhs: r,
                rhs: r,
            },
            Instruction::Div {
                dst: r,
                lhs: r,
                rhs: r,
            },
            Instruction::Rem {
                dst: r,
                lhs: r,
                rhs: r,
            },
            Instruction::Exp {
                dst: r,
                lhs: r,
                rhs: r,
            },
            Instruction::StrictEqual {
                dst: r,
                lhs: r,
                rhs: r,
            },
            Instruction::LooseEqual {
                dst: r,
                lhs: r,
                rhs: r,
            },
            Instruction::Less {
                dst: r,
                lhs: r,
                rhs: r,
            },
            Instruction::Not { dst: r, src: r },
            Instruction::Negate { dst: r, src: r },
            Instruction::TypeOf { dst: r, src: r },
            Instruction::Jump { offset: off },
            Instruction::JumpIfTrue {
                cond: r,
                offset: off,
            },
            Instruction::JumpIfFalse {
                cond: r,
                offset: off,
            },
            Instruction::GetNamed {
                dst: r,
                object: r,
                name: NameIdx(v),
                ic: IcSlot(v),
            },
            Instruction::SetNamed {
                object: r,
                name: NameIdx(v),
                value: r,
                ic: IcSlot(v),
            },
            Instruction::GetGlobal {
                dst: r,
                name: NameIdx(v),
                ic: IcSlot(v),
            },
            Instruction::Call {
                dst: r,
                callee: r,
                this: r,
                args: r,
                count: Count(v),
                ic: IcSlot(v),
            },
            Instruction::NewClosure {
                dst: r,
                function: FuncIdx(v),
            },
            Instruction::Return { value: r },
            Instruction::Throw { value: r },
        ]
    }

    #[test]
    fn every_instruction_round_trips_at_every_width() {
        for (v, width_bytes) in [(7u32, 1usize), (300, 2), (70_000, 4)] {
            let all = every_instruction(v);
            assert_eq!(all.len(), Opcode::ALL.len(), "the test covers every opcode");
            for instruction in all {
                let mut bytes = vec![0xEE];
                instruction.encode(&mut bytes);
                let (decoded, len) = Instruction::decode(&bytes, 1).expect("decodes");
                assert_eq!(decoded, instruction);
                assert_eq!(len, bytes.len() - 1);
                let has_scaled = !matches!(instruction, Instruction::Jump { .. });
                let prefix = usize::from(width_bytes > 1 && has_scaled);
                assert_eq!(bytes[1 + prefix], instruction.opcode() as u8);
            }
        }
    }

    #[test]
    fn negative_immediates_keep_their_sign() {
        for value in [-1, -128, -129, -40_000, i32::MIN, i32::MAX] {
            let instruction = Instruction::LoadInt {
                dst: Reg(0),
                value: Imm(value),
            };
            let mut bytes = Vec::new();
            instruction.encode(&mut bytes);
            assert_eq!(Instruction::decode(&bytes, 0).map(|d| d.0), Ok(instruction));
        }
    }

    #[test]
    fn malformed_bytes_are_errors() {
        assert_eq!(Instruction::decode(&[], 0), Err(DecodeError::Truncated));
        assert_eq!(
            Instruction::decode(&[0xFF], 0),
            Err(DecodeError::UnknownOpcode(0xFF))
        );
        assert_eq!(
            Instruction::decode(&[Opcode::Wide as u8], 0),
            Err(DecodeError::BadPrefix)
        );
        assert_eq!(
            Instruction::decode(&[Opcode::Wide as u8, Opcode::ExtraWide as u8], 0),
            Err(DecodeError::BadPrefix)
        );
        let mut bytes = Vec::new();
        Instruction::Call {
            dst: Reg(1),
            callee: Reg(2),
            this: Reg(3),
            args: Reg(4),
            count: Count(1),
            ic: IcSlot(0),
        }
        .encode(&mut bytes);
        for cut in 0..bytes.len() {
            assert!(
                Instruction::decode(&bytes[..cut], 0).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // Every 1- and 2-byte sequence, and a pseudo-random sweep of longer ones.
        for a in 0..=255u8 {
            let _ = Instruction::decode(&[a], 0);
            for b in 0..=255u8 {
                let _ = Instruction::decode(&[a, b], 0);
            }
        }
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let bytes = state.to_le_bytes();
            let _ = Instruction::decode(&bytes, (state % 8) as usize);
        }
    }

    #[test]
    fn disassembly_text() {
        let call = Instruction::Call {
            dst: Reg(0),
            callee: Reg(1),
            this: Reg(2),
            args: Reg(3),
            count: Count(2),
            ic: IcSlot(5),
        };
        assert_eq!(call.to_string(), "Call r0, r1, r2, r3, #2, ic5");
        assert_eq!(
            Instruction::Jump {
                offset: JumpOffset(-12)
            }
            .to_string(),
            "Jump -12"
        );
        assert_eq!(
            Instruction::JumpIfFalse {
                cond: Reg(1),
                offset: JumpOffset(8)
            }
            .jump_offset(),
            Some(JumpOffset(8))
        );
        assert_eq!(call.jump_offset(), None);
        assert_eq!(
            Opcode::Add.doc(),
            "`dst = lhs + rhs` (ECMA-262 13.15.3 ApplyStringOrNumericBinaryOperator)"
        );
    }
}
