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

/// An index into the function's table of scopes (the names of an environment's slots).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ScopeIdx(pub u32);

/// A small count: arguments, environment depth, slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Count(pub u32);

/// A signed immediate integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Imm(pub i32);

/// A jump's target, in bytes relative to the start of the jump instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JumpOffset(pub i32);

/// A 32-bit immediate integer, always four bytes (an instruction's other operands stay narrow).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Int32(pub i32);

/// One decoded operand with its kind, for the cache's verifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandValue {
    Reg(u32),
    Const(u32),
    Name(u32),
    Func(u32),
    Ic(u32),
    Scope(u32),
    Count(u32),
    Imm(i32),
    Jump(i32),
    Int32(i32),
}

/// The kind of an operand, without its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandKind {
    Reg,
    Const,
    Name,
    Func,
    Ic,
    Scope,
    Count,
    Imm,
    Jump,
    Int32,
}

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
    fn encode(self, width: Width, out: &mut Encoded);
    fn decode(bytes: &[u8], width: Width) -> Option<(Self, usize)>;
    /// A value of this operand built from `v`, for tests that cover every instruction.
    fn example(v: u32) -> Self;
    /// Bytes the operand takes without a width prefix.
    const NARROW: usize = 1;
    /// Reads the operand at `p` without a prefix.
    ///
    /// # Safety
    /// `p` points to at least `NARROW` readable bytes.
    unsafe fn read_narrow(p: *const u8) -> Self;
    /// Reads the operand at `p` after a `Wide` (`width` 2) or `ExtraWide` (4) prefix; returns
    /// it and the bytes it took.
    ///
    /// # Safety
    /// `p` points to at least that many readable bytes.
    unsafe fn read_scaled(p: *const u8, width: usize) -> (Self, usize);
    /// The operand tagged with its kind.
    fn value(self) -> OperandValue;
    const KIND: OperandKind;
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

/// One instruction's bytes while it is encoded, appended to the bytecode in one copy.
pub struct Encoded {
    bytes: [u8; Encoded::CAPACITY],
    len: usize,
}

impl Encoded {
    /// Room for the longest instruction (prefix, opcode, every operand four bytes wide) and
    /// the four bytes [`Encoded::put`] writes past the last operand.
    const CAPACITY: usize = 64;

    fn new() -> Self {
        Encoded {
            bytes: [0; Encoded::CAPACITY],
            len: 0,
        }
    }

    /// Appends the first `width` of `bytes` (writing all four: a fixed-size copy).
    #[inline(always)]
    fn put(&mut self, bytes: [u8; 4], width: usize) {
        self.bytes[self.len..self.len + 4].copy_from_slice(&bytes);
        self.len += width;
    }

    #[inline(always)]
    fn put_byte(&mut self, byte: u8) {
        self.put([byte, 0, 0, 0], 1);
    }

    /// Appends the instruction to `out`: most instructions take at most 16 bytes, copied as a
    /// fixed-size block and cut back to their length.
    #[inline(always)]
    fn append_to(&self, out: &mut Vec<u8>) {
        const BLOCK: usize = 16;
        if self.len <= BLOCK {
            let end = out.len() + self.len;
            out.extend_from_slice(&self.bytes[..BLOCK]);
            out.truncate(end);
        } else {
            out.extend_from_slice(&self.bytes[..self.len]);
        }
    }
}

fn decode_unsigned(bytes: &[u8], width: Width) -> Option<(u32, usize)> {
    let n = width as usize;
    let raw = bytes.get(..n)?;
    let mut buf = [0u8; 4];
    buf[..n].copy_from_slice(raw);
    Some((u32::from_le_bytes(buf), n))
}

/// The little-endian bits of a prefixed operand: two bytes after `Wide`, four after `ExtraWide`.
///
/// # Safety
/// `p` points to at least `width` readable bytes.
#[inline(always)]
unsafe fn read_scaled_bits(p: *const u8, width: usize) -> u32 {
    // SAFETY: the caller's promise.
    unsafe {
        if width == 2 {
            u32::from(u16::from_le_bytes(p.cast::<[u8; 2]>().read_unaligned()))
        } else {
            u32::from_le_bytes(p.cast::<[u8; 4]>().read_unaligned())
        }
    }
}

macro_rules! unsigned_operand {
    ($($t:ident => $kind:ident),*) => {$(
        impl Operand for $t {
            fn width(self) -> Width {
                unsigned_width(self.0)
            }
            #[inline(always)]
            fn encode(self, width: Width, out: &mut Encoded) {
                out.put(self.0.to_le_bytes(), width as usize)
            }
            fn decode(bytes: &[u8], width: Width) -> Option<(Self, usize)> {
                decode_unsigned(bytes, width).map(|(v, n)| ($t(v), n))
            }
            fn example(v: u32) -> Self {
                $t(v)
            }
            #[inline(always)]
            unsafe fn read_narrow(p: *const u8) -> Self {
                // SAFETY: the caller promises one readable byte at `p`.
                $t(u32::from(unsafe { *p }))
            }
            #[inline(always)]
            unsafe fn read_scaled(p: *const u8, width: usize) -> (Self, usize) {
                // SAFETY: the caller promises `width` readable bytes at `p`.
                ($t(unsafe { read_scaled_bits(p, width) }), width)
            }
            fn value(self) -> OperandValue {
                OperandValue::$kind(self.0)
            }
            const KIND: OperandKind = OperandKind::$kind;
        }
    )*};
}
unsigned_operand!(
    Reg => Reg,
    ConstIdx => Const,
    NameIdx => Name,
    FuncIdx => Func,
    IcSlot => Ic,
    Count => Count,
    ScopeIdx => Scope
);

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
    #[inline(always)]
    fn encode(self, width: Width, out: &mut Encoded) {
        out.put(self.0.to_le_bytes(), width as usize)
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
    fn example(v: u32) -> Self {
        Imm(v as i32)
    }
    #[inline(always)]
    unsafe fn read_narrow(p: *const u8) -> Self {
        // SAFETY: the caller promises one readable byte at `p`.
        Imm(i32::from(unsafe { *p } as i8))
    }
    #[inline(always)]
    unsafe fn read_scaled(p: *const u8, width: usize) -> (Self, usize) {
        // SAFETY: the caller promises `width` readable bytes at `p`.
        let bits = unsafe { read_scaled_bits(p, width) };
        // Sign-extended from the width it was written at.
        let v = if width == 2 {
            i32::from(bits as u16 as i16)
        } else {
            bits as i32
        };
        (Imm(v), width)
    }
    fn value(self) -> OperandValue {
        OperandValue::Imm(self.0)
    }
    const KIND: OperandKind = OperandKind::Imm;
}

/// Operands that are four bytes whatever the prefix: jump offsets (patched in place after
/// emitting) and 32-bit immediates (a large constant does not widen the other operands).
macro_rules! four_byte_operand {
    ($($t:ident => $kind:ident, example: |$v:ident| $example:expr);*) => {$(
        impl Operand for $t {
            fn width(self) -> Width {
                Width::Narrow
            }
            #[inline(always)]
            fn encode(self, _width: Width, out: &mut Encoded) {
                out.put(self.0.to_le_bytes(), 4)
            }
            fn decode(bytes: &[u8], _width: Width) -> Option<(Self, usize)> {
                let raw = bytes.get(..4)?;
                Some(($t(i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])), 4))
            }
            fn example($v: u32) -> Self {
                $example
            }
            const NARROW: usize = 4;
            #[inline(always)]
            unsafe fn read_narrow(p: *const u8) -> Self {
                // SAFETY: the caller promises four readable bytes at `p`.
                $t(i32::from_le_bytes(unsafe { p.cast::<[u8; 4]>().read_unaligned() }))
            }
            #[inline(always)]
            unsafe fn read_scaled(p: *const u8, _width: usize) -> (Self, usize) {
                // SAFETY: four bytes whatever the prefix; the caller promises them.
                (unsafe { Self::read_narrow(p) }, 4)
            }
            fn value(self) -> OperandValue {
                OperandValue::$kind(self.0)
            }
            const KIND: OperandKind = OperandKind::$kind;
        }
    )*};
}

four_byte_operand!(
    JumpOffset => Jump, example: |v| JumpOffset(-(v as i32));
    Int32 => Int32, example: |v| Int32(v as i32 - 7)
);

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
impl fmt::Display for ScopeIdx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
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
impl fmt::Display for Int32 {
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

            /// The kinds of the instruction's operands, in table order (none for prefixes).
            #[inline]
            pub fn operand_kinds(self) -> &'static [OperandKind] {
                const KINDS: &[&[OperandKind]] = &[&[], &[], $(&[$(<$kind as Operand>::KIND),*]),*];
                KINDS[self as usize]
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
                let mut encoded = Encoded::new();
                match width {
                    Width::Narrow => {}
                    Width::Wide => encoded.put_byte(Opcode::Wide as u8),
                    Width::ExtraWide => encoded.put_byte(Opcode::ExtraWide as u8),
                }
                encoded.put_byte(self.opcode() as u8);
                match *self {
                    $(Instruction::$name { $($field),* } => {
                        $(Operand::encode($field, width, &mut encoded);)*
                    })*
                }
                encoded.append_to(out);
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

            /// Decodes the instruction at `pc` of bytecode the cache's verifier accepted, without
            /// checks: the fast path of the dispatch loop.
            ///
            /// # Safety
            /// `bytes` passed `kiln_cache::verify` (every instruction decodes, none runs past the
            /// end) and `pc` is the start of one of its instructions.
            #[inline(always)]
            pub unsafe fn decode_verified(bytes: &[u8], pc: usize) -> (Instruction, usize) {
                debug_assert!(Instruction::decode(bytes, pc).is_ok(), "unverified bytecode at {pc}");
                // SAFETY: `pc` starts an instruction, so it is in bounds.
                let p = unsafe { bytes.as_ptr().add(pc) };
                // SAFETY: as above: the opcode byte at `pc` is readable.
                let first = unsafe { *p };
                // SAFETY: the verifier decoded this byte as an opcode, so it names a variant
                // of the `u8`-represented `Opcode`.
                let opcode: Opcode = unsafe { core::mem::transmute::<u8, Opcode>(first) };
                match opcode {
                    $(Opcode::$name => {
                        const SIZE: usize = 1 $(+ <$kind as Operand>::NARROW)*;
                        let _at = 1;
                        $(
                            // SAFETY: the whole instruction, `SIZE` bytes from `pc`, is in
                            // bounds (the verifier decoded it).
                            let $field = unsafe { <$kind as Operand>::read_narrow(p.add(_at)) };
                            let _at = _at + <$kind as Operand>::NARROW;
                        )*
                        (Instruction::$name { $($field),* }, SIZE)
                    })*
                    // SAFETY: the verifier decoded this prefixed instruction.
                    Opcode::Wide | Opcode::ExtraWide => unsafe { Self::decode_verified_prefixed(bytes, pc) },
                }
            }

            /// [`Instruction::decode_verified`] for an instruction with a width prefix, out of
            /// line (it is rare: functions with more than 255 registers or constants).
            ///
            /// # Safety
            /// As [`Instruction::decode_verified`], and the byte at `pc` is a prefix.
            #[inline(never)]
            unsafe fn decode_verified_prefixed(bytes: &[u8], pc: usize) -> (Instruction, usize) {
                // SAFETY: `pc` and the opcode after the prefix are in bounds (verified).
                let p = unsafe { bytes.as_ptr().add(pc) };
                // SAFETY: the prefix byte at `pc` is in bounds.
                let prefix = unsafe { *p };
                let width = if prefix == Opcode::Wide as u8 { 2 } else { 4 };
                // SAFETY: the verifier decoded this byte as an opcode.
                let opcode: Opcode = unsafe { core::mem::transmute::<u8, Opcode>(*p.add(1)) };
                match opcode {
                    $(Opcode::$name => {
                        let _at = 2;
                        $(
                            // SAFETY: the whole prefixed instruction is in bounds (verified).
                            let ($field, n) = unsafe { <$kind as Operand>::read_scaled(p.add(_at), width) };
                            let _at = _at + n;
                        )*
                        (Instruction::$name { $($field),* }, _at)
                    })*
                    // SAFETY: the verifier rejects a prefix after a prefix.
                    Opcode::Wide | Opcode::ExtraWide => unsafe { core::hint::unreachable_unchecked() },
                }
            }

            /// The operands as the disassembler shows them, in table order.
            pub fn operands(&self) -> Vec<String> {
                match self {
                    $(Instruction::$name { $($field),* } => vec![$($field.to_string()),*],)*
                }
            }

            /// Calls `visit` with every operand tagged with its kind, in table order; stops at
            /// the first error.
            #[inline]
            pub fn try_for_each_operand<E>(
                &self,
                mut visit: impl FnMut(OperandValue) -> Result<(), E>,
            ) -> Result<(), E> {
                let _ = &mut visit;
                match *self {
                    $(Instruction::$name { $($field),* } => {
                        $(visit(Operand::value($field))?;)*
                    })*
                }
                Ok(())
            }

            /// An instance of `opcode` with every operand built from `v` (`None` for prefixes).
            pub fn example(opcode: Opcode, v: u32) -> Option<Instruction> {
                let _ = v;
                match opcode {
                    Opcode::Wide | Opcode::ExtraWide => None,
                    $(Opcode::$name => Some(Instruction::$name { $($field: <$kind as Operand>::example(v)),* }),)*
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
    // ----- loads and moves
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
    /// `dst = value`, for an integer past one byte: a fixed four-byte operand, where `LoadInt`
    /// would need a width prefix (decoded out of line)
    LoadInt32 { dst: Reg, value: Int32 }
    /// `dst = constants[index]` (a number, string or BigInt)
    LoadConst { dst: Reg, index: ConstIdx }
    /// `dst = <hole>`: the marker of a binding in its temporal dead zone
    LoadHole { dst: Reg }
    /// ReferenceError naming `names[name]` if `src` is the hole
    CheckHole { src: Reg, name: NameIdx }
    /// `dst = this` of the running frame (ReferenceError before `super()` in a derived constructor)
    LoadThis { dst: Reg }
    /// `dst = new.target`
    LoadNewTarget { dst: Reg }
    /// `dst = ` the running function object
    LoadCallee { dst: Reg }
    /// `dst = ` a new arguments object: unmapped when `mapped` is 0, else mapped to the environment's first `mapped - 1` slots
    CreateArguments { dst: Reg, mapped: Count }
    /// `dst = ` an array of the arguments from index `start` on
    CreateRest { dst: Reg, start: Count }

    // ----- operators (ECMA-262 13.15.3 ApplyStringOrNumericBinaryOperator and friends)
    /// `dst = lhs + rhs`
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
    /// `dst = lhs & rhs`
    BitAnd { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs | rhs`
    BitOr { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs ^ rhs`
    BitXor { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs << rhs`
    ShiftLeft { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs >> rhs`
    ShiftRight { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs >>> rhs`
    ShiftRightUnsigned { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs === rhs`
    StrictEqual { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs !== rhs`
    StrictNotEqual { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs == rhs`
    LooseEqual { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs != rhs`
    LooseNotEqual { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs < rhs`
    Less { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs <= rhs`
    LessEqual { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs > rhs`
    Greater { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs >= rhs`
    GreaterEqual { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs + value`
    AddInt { dst: Reg, lhs: Reg, value: Int32 }
    /// `dst = lhs - value`
    SubInt { dst: Reg, lhs: Reg, value: Int32 }
    /// `dst = lhs & value`
    BitAndInt { dst: Reg, lhs: Reg, value: Int32 }
    /// `dst = lhs | value`
    BitOrInt { dst: Reg, lhs: Reg, value: Int32 }
    /// `dst = lhs ^ value`
    BitXorInt { dst: Reg, lhs: Reg, value: Int32 }
    /// `dst = lhs << value`
    ShiftLeftInt { dst: Reg, lhs: Reg, value: Int32 }
    /// `dst = lhs >> value`
    ShiftRightInt { dst: Reg, lhs: Reg, value: Int32 }
    /// `dst = lhs >>> value`
    ShiftRightUnsignedInt { dst: Reg, lhs: Reg, value: Int32 }
    /// `dst = lhs in rhs`
    In { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = lhs instanceof rhs`
    InstanceOf { dst: Reg, lhs: Reg, rhs: Reg }
    /// `dst = !src`
    Not { dst: Reg, src: Reg }
    /// `dst = -src`
    Negate { dst: Reg, src: Reg }
    /// `dst = ~src`
    BitNot { dst: Reg, src: Reg }
    /// `dst = +src` (ToNumber)
    ToNumber { dst: Reg, src: Reg }
    /// `dst = ToNumeric(src)`
    ToNumeric { dst: Reg, src: Reg }
    /// `dst = ToNumeric(src) + 1`
    Increment { dst: Reg, src: Reg }
    /// `dst = ToNumeric(src) - 1`
    Decrement { dst: Reg, src: Reg }
    /// `dst = typeof src`
    TypeOf { dst: Reg, src: Reg }
    /// `dst = ToString(src)` (template literals)
    ToString { dst: Reg, src: Reg }
    /// `dst = ToPropertyKey(src)` (computed keys, evaluated once)
    ToPropertyKey { dst: Reg, src: Reg }
    /// TypeError if `src` is undefined or null (RequireObjectCoercible)
    RequireObjectCoercible { src: Reg }

    // ----- control flow
    /// `pc += offset`
    Jump { offset: JumpOffset }
    /// `if ToBoolean(cond) { pc += offset }`
    JumpIfTrue { cond: Reg, offset: JumpOffset }
    /// `if !ToBoolean(cond) { pc += offset }`
    JumpIfFalse { cond: Reg, offset: JumpOffset }
    /// `if !(lhs < rhs) { pc += offset }` (a condition's comparison and its jump in one)
    JumpIfNotLess { lhs: Reg, rhs: Reg, offset: JumpOffset }
    /// `if !(lhs <= rhs) { pc += offset }`
    JumpIfNotLessEqual { lhs: Reg, rhs: Reg, offset: JumpOffset }
    /// `if !(lhs > rhs) { pc += offset }`
    JumpIfNotGreater { lhs: Reg, rhs: Reg, offset: JumpOffset }
    /// `if !(lhs >= rhs) { pc += offset }`
    JumpIfNotGreaterEqual { lhs: Reg, rhs: Reg, offset: JumpOffset }
    /// `if lhs !== rhs { pc += offset }`
    JumpIfStrictNotEqual { lhs: Reg, rhs: Reg, offset: JumpOffset }
    /// `if lhs == rhs { pc += offset }`
    JumpIfLooseEqual { lhs: Reg, rhs: Reg, offset: JumpOffset }
    /// `if lhs != rhs { pc += offset }`
    JumpIfLooseNotEqual { lhs: Reg, rhs: Reg, offset: JumpOffset }
    /// `if cond is undefined or null { pc += offset }`
    JumpIfNullish { cond: Reg, offset: JumpOffset }
    /// `if cond is neither undefined nor null { pc += offset }`
    JumpIfNotNullish { cond: Reg, offset: JumpOffset }
    /// `if cond === undefined { pc += offset }`
    JumpIfUndefined { cond: Reg, offset: JumpOffset }
    /// `if cond !== undefined { pc += offset }`
    JumpIfNotUndefined { cond: Reg, offset: JumpOffset }
    /// `if lhs === rhs { pc += offset }` (switch cases, `!==` conditions)
    JumpIfStrictEqual { lhs: Reg, rhs: Reg, offset: JumpOffset }
    /// does nothing (`debugger`)
    Nop {}

    // ----- environments: captured bindings live in heap environments addressed by (depth, slot)
    /// push a new declarative environment shaped by `scopes[scope]`, its slots holes
    PushEnv { scope: ScopeIdx }
    /// push an object environment over `object` (`with`)
    PushWithEnv { object: Reg }
    /// pop the innermost environment
    PopEnv {}
    /// replace the innermost environment with a copy (a fresh per-iteration `let` binding)
    CloneEnv {}
    /// `dst = env[depth].slots[slot]`
    GetEnv { dst: Reg, depth: Count, slot: Count }
    /// `dst = env[depth].slots[slot]`, ReferenceError naming `names[name]` if it is the hole
    GetEnvChecked { dst: Reg, depth: Count, slot: Count, name: NameIdx }
    /// `env[depth].slots[slot] = src`
    SetEnv { depth: Count, slot: Count, src: Reg }
    /// `dst = ` the global binding `names[name]` (ReferenceError when missing)
    GetGlobal { dst: Reg, name: NameIdx, ic: IcSlot }
    /// `dst = typeof` the global binding `names[name]` ("undefined" when missing)
    TypeOfGlobal { dst: Reg, name: NameIdx }
    /// assign the global binding `names[name]` (strict code: ReferenceError when missing)
    SetGlobal { name: NameIdx, src: Reg, ic: IcSlot }
    /// GlobalDeclarationInstantiation checks and creates `var names[name]`
    DeclareGlobalVar { name: NameIdx }
    /// GlobalDeclarationInstantiation: the global function `names[name] = src`
    DeclareGlobalFunction { name: NameIdx, src: Reg }
    /// GlobalDeclarationInstantiation: an uninitialised global `let`/`class` (`kind` 0) or `const` (1)
    DeclareGlobalLexical { name: NameIdx, kind: Count }
    /// initialise the global lexical binding `names[name] = src`
    InitGlobalLexical { name: NameIdx, src: Reg }
    /// `dst = ` the binding `names[name]` found by walking the environment chain (`with`, `eval`)
    GetName { dst: Reg, name: NameIdx }
    /// `dst = ` the binding `names[name]`, and `this_dst =` its `with` object or undefined
    GetNameAndThis { dst: Reg, this_dst: Reg, name: NameIdx }
    /// `dst = typeof` the binding `names[name]` found by walking the environment chain
    TypeOfName { dst: Reg, name: NameIdx }
    /// assign the binding `names[name]` found by walking the environment chain
    SetName { name: NameIdx, src: Reg }
    /// initialise the binding `names[name]` found by walking the environment chain
    InitName { name: NameIdx, src: Reg }
    /// `dst = delete names[name]` on the environment chain
    DeleteName { dst: Reg, name: NameIdx }
    /// declare `var names[name]` in the variable environment of direct `eval` code
    DeclareEvalVar { name: NameIdx }
    /// declare function `names[name] = src` in the variable environment of direct `eval` code
    DeclareEvalFunction { name: NameIdx, src: Reg }
    /// Annex B: declare `var names[name]` for a block function of `eval` code unless an
    /// enclosing binding blocks it; `dst = ` whether it did
    DeclareEvalAnnexBVar { dst: Reg, name: NameIdx }
    /// assign the binding `names[name]` found by walking the environment chain from `depth`
    /// environments out (Annex B copies into an `eval`'s variable environment)
    SetNameAt { name: NameIdx, src: Reg, depth: Count }
    /// `dst = ` where the binding `names[name]` is, found by walking the environment chain now:
    /// the number of environments out, -2 for the global environment, -1 when unresolvable
    /// (an assignment's target is resolved before its value runs: the value may add or delete
    /// bindings of `with` objects and `eval` scopes)
    ResolveName { dst: Reg, name: NameIdx }
    /// `dst = ` the binding `names[name]` in the environment `reference` (from `ResolveName`)
    GetResolvedName { dst: Reg, reference: Reg, name: NameIdx }
    /// assign the binding `names[name]` in the environment `reference` (from `ResolveName`)
    SetResolvedName { reference: Reg, name: NameIdx, src: Reg }

    // ----- properties
    /// `dst = object.names[name]`, cached in `ic`
    GetNamed { dst: Reg, object: Reg, name: NameIdx, ic: IcSlot }
    /// `object.names[name] = value`, cached in `ic`
    SetNamed { object: Reg, name: NameIdx, value: Reg, ic: IcSlot }
    /// `dst = object[key]`
    GetKeyed { dst: Reg, object: Reg, key: Reg }
    /// `object[key] = value`
    SetKeyed { object: Reg, key: Reg, value: Reg }
    /// CreateDataPropertyOrThrow(object, `names[name]`, value) (object literals)
    DefineNamed { object: Reg, name: NameIdx, value: Reg, ic: IcSlot }
    /// CreateDataPropertyOrThrow(object, key, value) (object literals, class fields)
    DefineKeyed { object: Reg, key: Reg, value: Reg }
    /// define method `function` on `object` under `key`; `kind`: 0 method, 1 getter, 2 setter, +4 enumerable
    DefineMethod { object: Reg, key: Reg, function: Reg, kind: Count }
    /// `object.__proto__ = value` in an object literal (only objects and null take effect)
    SetLiteralPrototype { object: Reg, value: Reg }
    /// `dst = delete object[key]` (strict code: TypeError when not deletable)
    DeleteKeyed { dst: Reg, object: Reg, key: Reg }
    /// `dst = super[key]`, `this` from `this_value`
    GetSuper { dst: Reg, this_value: Reg, key: Reg }
    /// `super[key] = value`, `this` from `this_value`
    SetSuper { this_value: Reg, key: Reg, value: Reg }
    /// `dst = object.#name` where `name` holds the private name
    GetPrivate { dst: Reg, object: Reg, name: Reg }
    /// `object.#name = value`
    SetPrivate { object: Reg, name: Reg, value: Reg }
    /// add the private field `#name = value` to `object` (TypeError if present)
    DefinePrivate { object: Reg, name: Reg, value: Reg }
    /// `dst = #name in object`
    HasPrivate { dst: Reg, object: Reg, name: Reg }
    /// `dst = ` a new private name described by `names[name]`
    NewPrivateName { dst: Reg, name: NameIdx }

    // ----- object and array literals
    /// `dst = {}`
    NewObject { dst: Reg }
    /// `dst = []`
    NewArray { dst: Reg }
    /// append `value` to the array literal `array`
    ArrayPush { array: Reg, value: Reg }
    /// append a hole to the array literal `array`
    ArrayPushHole { array: Reg }
    /// append every value `iterable` yields to the array literal `array`
    ArraySpread { array: Reg, iterable: Reg }
    /// copy the own enumerable properties of `source` to `target`, except the `count` keys in registers from `excluded`
    CopyDataProperties { target: Reg, source: Reg, excluded: Reg, count: Count }
    /// `dst = ` a new RegExp of `constants[pattern]` and `constants[flags]`
    NewRegExp { dst: Reg, pattern: ConstIdx, flags: ConstIdx }
    /// `dst = ` the template object of the tagged template site `constants[index]` (one per site)
    GetTemplateObject { dst: Reg, index: ConstIdx }

    // ----- functions, classes and calls
    /// `dst = ` a new closure of `functions[function]` over the current environment
    NewClosure { dst: Reg, function: FuncIdx }
    /// create a class: `dst` the constructor from `functions[function]`, `dst + 1` its prototype; `heritage` the `extends` value when `derived` is 1
    NewClass { dst: Reg, function: FuncIdx, heritage: Reg, derived: Count }
    /// set `function`'s name from the property key `key` (`prefix`: 0 none, 1 "get", 2 "set")
    SetFunctionName { function: Reg, key: Reg, prefix: Count }
    /// set the class constructor's field initialiser to `initializer` (run on each new instance)
    SetClassFields { constructor: Reg, initializer: Reg }
    /// set `function`'s home object (methods, for `super`)
    SetHomeObject { function: Reg, home: Reg }
    /// `dst = callee.call(this, args[0..count])`, the arguments in consecutive registers from `args`
    Call { dst: Reg, callee: Reg, this: Reg, args: Reg, count: Count }
    /// `Call` in tail position of strict code (`return f(...)`): a call of a bytecode function
    /// replaces the running frame (the callee returns where this frame would have, so tail
    /// recursion runs in constant stack); any other call, or one from a frame that must finish
    /// on its own (a constructor's, say), is a `Call`
    TailCall { dst: Reg, callee: Reg, this: Reg, args: Reg, count: Count }
    /// `dst = callee.call(this, ...array)`
    CallSpread { dst: Reg, callee: Reg, this: Reg, array: Reg }
    /// a call of the name `eval`: direct eval when `callee` is the realm's %eval%, otherwise a plain call
    CallEval { dst: Reg, callee: Reg, args: Reg, count: Count }
    /// `dst = new callee(args[0..count])`
    New { dst: Reg, callee: Reg, args: Reg, count: Count }
    /// `dst = new callee(...array)`
    NewSpread { dst: Reg, callee: Reg, array: Reg }
    /// `dst = super(args[0..count])`: construct the parent of the derived constructor `function` with `new_target`
    SuperCall { dst: Reg, function: Reg, new_target: Reg, args: Reg, count: Count }
    /// `dst = super(...array)`
    SuperCallSpread { dst: Reg, function: Reg, new_target: Reg, array: Reg }
    /// `dst = super(...arguments)` without iterating (a derived class's default constructor)
    SuperCallForward { dst: Reg, function: Reg, new_target: Reg }
    /// run the field initialiser of the class constructor `function` on `object` (after `super()`)
    InitializeInstance { object: Reg, function: Reg }
    /// attach `function` to the private name `name` as its method (`kind` 0), getter (1) or setter (2)
    SetPrivateMethod { name: Reg, function: Reg, kind: Count }
    /// `return value`
    Return { value: Reg }
    /// `throw value`
    Throw { value: Reg }
    /// throw a new error of `kind` (0 TypeError, 1 ReferenceError, 2 SyntaxError, 3 RangeError) with message `constants[message]`
    ThrowError { kind: Count, message: ConstIdx }
    /// `dst = ` the exception a handler caught
    Catch { dst: Reg }

    // ----- iteration
    /// `dst = GetIterator(object)`, `dst + 1 = ` its `next` method; `kind` 1 for async
    GetIterator { dst: Reg, object: Reg, kind: Count }
    /// `dst = ` the next value of the iterator in `iterator`/`iterator + 1`; when done, `pc += offset`
    IteratorStep { dst: Reg, iterator: Reg, offset: JumpOffset }
    /// `dst = ` the raw result of calling the iterator's `next` with `value` (with no argument when `value` is the hole)
    IteratorNext { dst: Reg, iterator: Reg, value: Reg }
    /// IteratorClose of the iterator in `iterator` (a normal completion)
    IteratorClose { iterator: Reg }
    /// IteratorClose for a throw completion: errors from `return` are ignored
    IteratorCloseThrow { iterator: Reg }
    /// `dst = ` a for-in enumerator over `object`
    ForInEnumerate { dst: Reg, object: Reg }
    /// `dst = ` the next key of the enumerator `iterator`; when done, `pc += offset`
    ForInNext { dst: Reg, iterator: Reg, offset: JumpOffset }
    /// `dst = ` whether `result` (an iterator result object) is done, `value = ` its value
    IteratorResultUnpack { done: Reg, value: Reg, result: Reg }
    /// TypeError unless `src` is an object ("iterator result is not an object")
    RequireObject { src: Reg }
    /// `dst = ` the method `names[name]` of `object`, undefined when null or undefined
    GetMethod { dst: Reg, object: Reg, name: NameIdx }

    // ----- `using` declarations (`kind`/`value`: a finally's completion registers, `code::completion`)
    /// `dst = ` a new, empty DisposeCapability: the resources of a scope's `using` declarations
    NewDisposeCapability { dst: Reg }
    /// AddDisposableResource(`capability`, `value`, hint): `hint` 0 for `using`, 1 for `await using` (TypeError when `value` has no dispose method)
    AddDisposableResource { capability: Reg, value: Reg, hint: Count }
    /// DisposeResources(`capability`) up to its next Await: `awaited = ` the value to await, falling through; `pc += offset` once all are disposed; a disposer's error joins the completion `kind`/`value`
    DisposeResources { capability: Reg, kind: Reg, value: Reg, awaited: Reg, offset: JumpOffset }
    /// `error` (an awaited disposal rejected) joins the completion `kind`/`value`: a SuppressedError when that was a throw already
    JoinDisposeError { kind: Reg, value: Reg, error: Reg }

    // ----- decorators (the decorators proposal: a decorated class's decoration state `state`
    // holds its metadata object and its lists of initializers, `code::decorators`)
    /// `dst = ` a new decoration state; its metadata object inherits from `heritage[Symbol.metadata]` when `heritage` (the `extends` value, undefined without one) is an object and that is one
    NewDecorations { dst: Reg, heritage: Reg }
    /// apply the decorators of the array `decorators` (decorator, `this` pairs in source order) to a class element named `key` and define the result on `home` (or its private name); `kind`: `code::decorators` element kind, +8 static, +16 × the element's field index
    DecorateElement { decorators: Reg, state: Reg, home: Reg, key: Reg, value: Reg, setter: Reg, kind: Count }
    /// apply the class decorators `decorators` (an array as for DecorateElement, or undefined) to `class`, replaced by the result, with the class name `name`; then define its `Symbol.metadata`
    DecorateClass { class: Reg, decorators: Reg, state: Reg, name: Reg }
    /// call each function of the initializer list `list` of `state` with `this`
    RunInitializers { state: Reg, this: Reg, list: Count }
    /// `value = ` `value` passed through each function of the initializer list `list` of `state`, called with `this`
    InitializeField { value: Reg, state: Reg, this: Reg, list: Count }

    // ----- generators and async functions
    /// suspend the generator, handing `value` out; on resume `dst = ` the sent value and `mode = ` 0 next, 1 throw, 2 return
    Yield { dst: Reg, mode: Reg, value: Reg }
    /// `yield*`'s yield: like Yield, but a throw request resumes with `mode = 1` (the loop hands it to the inner iterator); a sync generator hands out `value` (the inner iterator result) unwrapped
    YieldDelegate { dst: Reg, mode: Reg, value: Reg }
    /// suspend until `value` settles; on resume `dst = ` its value (a rejection throws)
    Await { dst: Reg, value: Reg }
    /// `dst = ` a new iterator result `{ value, done }`
    NewIteratorResult { dst: Reg, value: Reg, done: Count }

    // ----- modules
    /// `dst = ` the imported binding in `env[depth].slots[slot]` (through its link to the exporting module; ReferenceError in its TDZ)
    GetImport { dst: Reg, depth: Count, slot: Count, name: NameIdx }
    /// `dst = import.meta`
    ImportMeta { dst: Reg }
    /// `dst = import(specifier, options)`, `import.source(specifier)` or `import.defer(specifier)` (`phase`: `code::import_phase`)
    ImportCall { dst: Reg, specifier: Reg, options: Reg, phase: Count }
}

impl Opcode {
    /// Whether the last two operands are an argument window: the registers `first..first +
    /// count`, which the verifier checks fit the frame and the interpreter then reads unchecked.
    pub fn has_argument_window(self) -> bool {
        matches!(
            self,
            Opcode::Call
                | Opcode::TailCall
                | Opcode::CallEval
                | Opcode::New
                | Opcode::SuperCall
                | Opcode::CopyDataProperties
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_instruction(v: u32) -> Vec<Instruction> {
        Opcode::ALL
            .iter()
            .filter_map(|&op| Instruction::example(op, v))
            .collect()
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
                let prefix = usize::from(instruction.width() > Width::Narrow);
                let _ = width_bytes;
                assert_eq!(bytes[1 + prefix], instruction.opcode() as u8);
            }
        }
    }

    #[test]
    fn the_verified_decoder_agrees_with_the_checked_one() {
        for v in [0u32, 7, 200, 300, 70_000] {
            for instruction in every_instruction(v) {
                let mut bytes = vec![Opcode::Nop as u8];
                instruction.encode(&mut bytes);
                // SAFETY: `bytes` holds two whole, valid instructions; 1 starts the second.
                let fast = unsafe { Instruction::decode_verified(&bytes, 1) };
                assert_eq!(Ok(fast), Instruction::decode(&bytes, 1), "{instruction}");
            }
        }
        for value in [-1, -128, -129, -40_000, i32::MIN, i32::MAX] {
            let instruction = Instruction::LoadInt {
                dst: Reg(0),
                value: Imm(value),
            };
            let mut bytes = Vec::new();
            instruction.encode(&mut bytes);
            // SAFETY: as above.
            let fast = unsafe { Instruction::decode_verified(&bytes, 0) };
            assert_eq!(fast, (instruction, bytes.len()));
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
        };
        assert_eq!(call.to_string(), "Call r0, r1, r2, r3, #2");
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
        assert_eq!(Opcode::Add.doc(), "`dst = lhs + rhs`");
    }
}
