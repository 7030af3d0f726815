//! What the compiler produces: a `ScriptCode` holding every function of one script or module,
//! archived with rkyv. The interpreter runs the archived form in place (`ArchivedScriptCode`),
//! both after a fresh compile and after loading a cache file.
//!
//! The layout is provisional until the compiler lands; every change to it, or to an opcode's
//! meaning, bumps [`BYTECODE_VERSION`].

use rkyv::{Archive, Deserialize, Serialize};

pub use crate::version::BYTECODE_VERSION;

/// A string as the engine stores it: one byte per code unit when every unit fits (Latin-1),
/// otherwise UTF-16 code units, so lone surrogates survive.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[rkyv(derive(Debug))]
pub enum CodeString {
    Latin1(Vec<u8>),
    Utf16(Vec<u16>),
}

impl CodeString {
    /// The compact form of `units`.
    pub fn from_utf16(units: &[u16]) -> CodeString {
        if units.iter().all(|&u| u <= 0xFF) {
            CodeString::Latin1(units.iter().map(|&u| u as u8).collect())
        } else {
            CodeString::Utf16(units.to_vec())
        }
    }

    pub fn from_text(s: &str) -> CodeString {
        CodeString::from_utf16(&s.encode_utf16().collect::<Vec<_>>())
    }
}

impl ArchivedCodeString {
    /// For display: the string with lone surrogates replaced.
    pub fn to_string_lossy(&self) -> String {
        match self {
            ArchivedCodeString::Latin1(bytes) => bytes.iter().map(|&b| b as char).collect(),
            ArchivedCodeString::Utf16(units) => {
                let units: Vec<u16> = units.iter().map(|u| u.to_native()).collect();
                String::from_utf16_lossy(&units)
            }
        }
    }
}

/// An entry of a function's constant pool.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[rkyv(derive(Debug))]
pub enum Constant {
    Number(f64),
    /// An index into [`ScriptCode::strings`].
    String(u32),
    /// A BigInt literal's digits as written (`0x1f`, `123`).
    BigInt(String),
    /// A tagged template site: the raw strings and the cooked ones (`None` for an invalid escape),
    /// all indices into [`ScriptCode::strings`].
    Template {
        raw: Vec<u32>,
        cooked: Vec<Option<u32>>,
    },
}

/// The shape of a heap environment: the names of its slots, for `with`, direct `eval` and
/// error messages.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[rkyv(derive(Debug))]
pub struct ScopeInfo {
    /// Indices into [`ScriptCode::strings`], one per slot.
    pub names: Vec<u32>,
    /// Per slot: [`binding`] bits.
    pub kinds: Vec<u8>,
    /// A function's variable scope: direct `eval` may add `var` bindings to it.
    pub is_function: bool,
}

/// [`ScopeInfo::kinds`] bits.
pub mod binding {
    /// Assigning throws a TypeError.
    pub const CONST: u8 = 1;
    /// `let`, `const` or `class`: created in the temporal dead zone.
    pub const LEXICAL: u8 = 2;
    /// Named function expression's own name: assignment is ignored (TypeError in strict code).
    pub const SELF_NAME: u8 = 4;
}

/// A `try` region: an exception thrown while `pc` is in `start..end` continues at `handler`.
#[derive(Archive, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[rkyv(derive(Debug))]
pub struct Handler {
    pub start: u32,
    pub end: u32,
    pub handler: u32,
    /// How many environments the function had pushed at the `try`: the rest are popped.
    pub env_depth: u32,
}

/// A function's range of one of the arrays the functions of a script share
/// ([`ScriptCode::bytecode`], `constants`, `handlers`, `scopes`, `positions`): one array each
/// for bytecheck to check at a load, and a function entry of fixed-size fields only, instead of
/// five arrays per function.
#[derive(Archive, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[rkyv(derive(Debug))]
pub struct SharedRange {
    pub start: u32,
    pub end: u32,
}

impl SharedRange {
    /// The range of `len` items from `start`. A range past 4 Gi items cannot be written: it is left
    /// out of range, so the verifier rejects the function instead of reading other items.
    pub fn at(start: usize, len: usize) -> SharedRange {
        let at = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        SharedRange {
            start: at(start),
            end: at(start.saturating_add(len)),
        }
    }
}

impl ArchivedSharedRange {
    /// The range of `all`; empty where it is not inside `all` (the verifier rejects a function
    /// whose range is not).
    pub fn of<'a, T>(&self, all: &'a [T]) -> &'a [T] {
        all.get(self.start.to_native() as usize..self.end.to_native() as usize)
            .unwrap_or(&[])
    }

    /// Whether the range is inside an array of `len` items.
    pub fn is_within(&self, len: usize) -> bool {
        let (start, end) = (self.start.to_native(), self.end.to_native());
        start <= end && end as usize <= len
    }
}

/// One function (or the top level of a script or module): fixed-size fields, and its ranges of
/// the script's shared arrays.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[rkyv(derive(Debug))]
pub struct FunctionCode {
    /// An index into [`ScriptCode::strings`], or `None` for an anonymous function.
    pub name: Option<u32>,
    /// The function's instructions: its range of [`ScriptCode::bytecode`].
    pub bytecode: SharedRange,
    /// Its constant pool: its range of [`ScriptCode::constants`].
    pub constants: SharedRange,
    /// Its range of [`ScriptCode::handlers`].
    pub handlers: SharedRange,
    /// Environment shapes for `PushEnv`: its range of [`ScriptCode::scopes`].
    pub scopes: SharedRange,
    /// `(pc, source offset)` pairs in pc order: where each instruction came from, packed by
    /// [`positions::encode`], its range of [`ScriptCode::positions`]; read them with
    /// [`Code::positions_of`].
    pub positions: SharedRange,
    pub register_count: u32,
    pub parameter_count: u32,
    /// The function's `length`: parameters before the first default or rest.
    pub length: u32,
    pub ic_slot_count: u32,
    /// The source text range, for `Function.prototype.toString` and stack traces.
    pub source_start: u32,
    pub source_end: u32,
    pub flags: u32,
}

impl ArchivedScriptCode {
    /// Function `f`'s constant pool.
    pub fn constants_of(&self, f: &ArchivedFunctionCode) -> &[ArchivedConstant] {
        f.constants.of(&self.constants)
    }

    /// Function `f`'s `try` regions.
    pub fn handlers_of(&self, f: &ArchivedFunctionCode) -> &[ArchivedHandler] {
        f.handlers.of(&self.handlers)
    }

    /// Function `f`'s environment shapes.
    pub fn scopes_of(&self, f: &ArchivedFunctionCode) -> &[ArchivedScopeInfo] {
        f.scopes.of(&self.scopes)
    }
}

/// Where the parts of a script's archived code lie in one buffer, one after another: the rkyv
/// archive of its structure ([`ArchivedScriptCode`], at the buffer's 16-aligned start), every
/// function's bytecode ([`ScriptCode::bytecode`]), then every function's packed positions
/// ([`ScriptCode::positions`]). The two byte arrays are kept beside the archive rather than in
/// it: bytes need no validation, so a load can check the archive while they are still being
/// read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub archive: usize,
    pub bytecode: usize,
    pub positions: usize,
}

impl Layout {
    /// The three parts' ranges of the buffer, or `None` if they would end past `usize::MAX`.
    pub fn ranges(&self) -> Option<[std::ops::Range<usize>; 3]> {
        let bytecode = self.archive.checked_add(self.bytecode)?;
        let positions = bytecode.checked_add(self.positions)?;
        Some([0..self.archive, self.archive..bytecode, bytecode..positions])
    }

    /// The buffer's length, or `None` past `usize::MAX`.
    pub fn total(&self) -> Option<usize> {
        self.ranges().map(|[.., positions]| positions.end)
    }
}

/// A script's code as the interpreter, the verifier and the disassembler read it: the archived
/// structure, and the bytes kept beside it ([`Layout`]). It reads as the structure too.
#[derive(Clone, Copy, Debug)]
pub struct Code<'a> {
    pub script: &'a ArchivedScriptCode,
    /// Every function's bytecode.
    pub bytecode: &'a [u8],
    /// Every function's packed positions.
    pub positions: &'a [u8],
}

impl std::ops::Deref for Code<'_> {
    type Target = ArchivedScriptCode;

    fn deref(&self) -> &ArchivedScriptCode {
        self.script
    }
}

impl<'a> Code<'a> {
    /// Function `f`'s bytecode (empty if its range is not in the array).
    pub fn bytecode_of(&self, f: &ArchivedFunctionCode) -> &'a [u8] {
        f.bytecode.of(self.bytecode)
    }

    /// Function `f`'s packed `(pc, source offset)` table.
    pub fn packed_positions_of(&self, f: &ArchivedFunctionCode) -> &'a [u8] {
        f.positions.of(self.positions)
    }

    /// The `(pc, source offset)` pairs of function `f`, in pc order.
    pub fn positions_of(&self, f: &ArchivedFunctionCode) -> positions::Iter<'a> {
        positions::Iter::new(self.packed_positions_of(f))
    }
}

/// A function's `(pc, source offset)` table, packed: each pair as its difference from the pair
/// before (the first from `(0, 0)`), the pc's as an unsigned LEB128 varint and the offset's
/// zigzag-encoded into one. Most pairs take two or three bytes instead of the eight of two
/// `u32`s: the table was 30% of a cache file, read, hashed and copied at every load, while it
/// is read only to tell where an error happened (walking it from the start).
pub mod positions {
    /// Packs `(pc, offset)` pairs whose pcs do not decrease.
    pub fn encode(pairs: &[(u32, u32)]) -> Vec<u8> {
        let mut out = Vec::with_capacity(pairs.len() * 3);
        let (mut pc, mut offset) = (0u32, 0u32);
        for &(next_pc, next_offset) in pairs {
            debug_assert!(next_pc >= pc, "positions in pc order");
            varint(&mut out, u64::from(next_pc.wrapping_sub(pc)));
            let delta = i64::from(next_offset) - i64::from(offset);
            varint(&mut out, ((delta << 1) ^ (delta >> 63)) as u64);
            (pc, offset) = (next_pc, next_offset);
        }
        out
    }

    fn varint(out: &mut Vec<u8>, mut value: u64) {
        while value >= 0x80 {
            out.push(value as u8 | 0x80);
            value >>= 7;
        }
        out.push(value as u8);
    }

    /// Bytes [`encode`] does not write: a varint cut short or too long, a pc or an offset
    /// outside `u32`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Malformed;

    /// The pairs of a packed table, in order; an `Err` ends it.
    #[derive(Clone)]
    pub struct Iter<'a> {
        bytes: &'a [u8],
        pc: u32,
        offset: u32,
    }

    impl<'a> Iter<'a> {
        pub fn new(bytes: &'a [u8]) -> Iter<'a> {
            Iter {
                bytes,
                pc: 0,
                offset: 0,
            }
        }

        /// Goes on after the pair `(pc, offset)`, whose bytes end where `rest` starts (what
        /// [`Iter::rest`] answered then).
        pub fn resume(rest: &'a [u8], pc: u32, offset: u32) -> Iter<'a> {
            Iter {
                bytes: rest,
                pc,
                offset,
            }
        }

        /// The bytes not read yet.
        pub fn rest(&self) -> &'a [u8] {
            self.bytes
        }

        /// At most five bytes: 35 bits hold any pc step and any zigzagged offset step.
        fn varint(&mut self) -> Option<u64> {
            let mut value = 0u64;
            for (i, &byte) in self.bytes.iter().take(5).enumerate() {
                value |= u64::from(byte & 0x7F) << (7 * i);
                if byte & 0x80 == 0 {
                    self.bytes = &self.bytes[i + 1..];
                    return Some(value);
                }
            }
            None
        }

        fn step(&mut self) -> Option<(u32, u32)> {
            let pc_step = u32::try_from(self.varint()?).ok()?;
            let zigzag = self.varint()?;
            let offset_step = (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
            let pc = self.pc.checked_add(pc_step)?;
            let offset = u32::try_from(i64::from(self.offset) + offset_step).ok()?;
            (self.pc, self.offset) = (pc, offset);
            Some((pc, offset))
        }
    }

    impl Iterator for Iter<'_> {
        type Item = Result<(u32, u32), Malformed>;

        fn next(&mut self) -> Option<Self::Item> {
            if self.bytes.is_empty() {
                return None;
            }
            let pair = self.step();
            if pair.is_none() {
                self.bytes = &[];
            }
            Some(pair.ok_or(Malformed))
        }
    }
}

/// What a `finally` block's completion-kind register holds (`try` and the scopes of `using`
/// declarations): a normal completion, a throw of the value register, or the `i`th `break`,
/// `continue` or `return` routed through the block (`FIRST_EXIT + i`).
pub mod completion {
    pub const NORMAL: i32 = 0;
    pub const THROW: i32 = 1;
    pub const FIRST_EXIT: i32 = 2;
}

/// `FunctionCode::flags` bits.
pub mod flags {
    pub const STRICT: u32 = 1 << 0;
    pub const ARROW: u32 = 1 << 1;
    pub const ASYNC: u32 = 1 << 2;
    pub const GENERATOR: u32 = 1 << 3;
    pub const CLASS_CONSTRUCTOR: u32 = 1 << 4;
    pub const USES_ARGUMENTS: u32 = 1 << 5;
    /// A derived class constructor: `this` is bound by `super()`.
    pub const DERIVED: u32 = 1 << 6;
    /// A method, getter, setter or class field initialiser: not a constructor.
    pub const METHOD: u32 = 1 << 7;
    /// A class field initialiser or static block wrapper.
    pub const FIELD_INIT: u32 = 1 << 8;
    /// The closure's own environment scope index is in `scopes[0]`; pushed at entry.
    pub const HAS_FUNCTION_ENV: u32 = 1 << 9;
    /// Top-level code of a direct or indirect `eval`.
    pub const EVAL: u32 = 1 << 10;
    /// A getter or setter (named `get x` / `set x`).
    pub const ACCESSOR: u32 = 1 << 11;
    /// `this` is in the register after the parameters from the start: the call writes it
    /// there (where it is below the register count), and no `LoadThis` runs.
    pub const THIS_REGISTER: u32 = 1 << 12;
}

/// Every function of one script or module, and the strings they name.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[rkyv(derive(Debug))]
pub struct ScriptCode {
    pub functions: Vec<FunctionCode>,
    /// Every function's bytecode, one after another, each function naming its [`SharedRange`].
    /// Kept beside the archive, not in it ([`Layout`]).
    #[rkyv(with = rkyv::with::Skip)]
    pub bytecode: Vec<u8>,
    /// Every function's constant pool, one after another.
    pub constants: Vec<Constant>,
    /// Every function's `try` regions, one after another.
    pub handlers: Vec<Handler>,
    /// Every function's environment shapes, one after another.
    pub scopes: Vec<ScopeInfo>,
    /// Every function's packed position table, one after another. Kept beside the archive, not
    /// in it ([`Layout`]).
    #[rkyv(with = rkyv::with::Skip)]
    pub positions: Vec<u8>,
    pub strings: Vec<CodeString>,
    /// The index of the top-level code in `functions`.
    pub top_level: u32,
    pub is_module: bool,
    /// For modules: what the linker needs.
    pub module: Option<ModuleInfo>,
}

/// A module's requests, imports and exports (ECMA-262 16.2.1.6 Source Text Module Records).
/// Names and specifiers are indices into [`ScriptCode::strings`]; slots index the module
/// environment, whose layout is the top-level function's `scopes[env_scope]`.
#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[rkyv(derive(Debug))]
pub struct ModuleInfo {
    pub requests: Vec<u32>,
    /// Each request's import attributes, `(key, value)` in source order: a request is its
    /// specifier and its attributes (16.2.1.3 ModuleRequest Records).
    pub request_attributes: Vec<Vec<(u32, u32)>>,
    /// Each request's phase ([`import_phase`]): `DEFER` for the request of an
    /// `import defer * as ns from`, which is a request of its own (the import defer proposal's
    /// ModuleRequest Records have a \[\[Phase\]\]), `EVALUATION` for every other.
    pub request_phases: Vec<u8>,
    pub env_scope: u32,
    pub imports: Vec<ImportEntry>,
    /// `(export name, slot)`.
    pub local_exports: Vec<(u32, u32)>,
    pub indirect_exports: Vec<IndirectExport>,
    /// Request indices of `export * from`.
    pub star_exports: Vec<u32>,
    pub has_top_level_await: bool,
    /// `(slot, function index)` of each top-level function declaration: the linker creates
    /// them with the environment (InitializeEnvironment), so importers in a cycle can call them
    /// before the module's body runs.
    pub functions: Vec<(u32, u32)>,
}

#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[rkyv(derive(Debug))]
pub struct ImportEntry {
    pub request: u32,
    /// `None` for `import * as x` (and for `import source x`, whose phase says so).
    pub name: Option<u32>,
    pub slot: u32,
    /// One of [`import_phase`].
    pub phase: u8,
}

/// The phase of an import (the source phase imports and import defer proposals): the
/// `phase` of an [`ImportEntry`] and the operand of the `ImportCall` instruction.
pub mod import_phase {
    /// `import x from`, `import(x)`: the module is evaluated.
    pub const EVALUATION: u8 = 0;
    /// `import source x from`, `import.source(x)`: the module's source object (GetModuleSource).
    pub const SOURCE: u8 = 1;
    /// `import defer * as ns from`, `import.defer(x)`: evaluated when the namespace is used.
    pub const DEFER: u8 = 2;
}

/// The operands of the decorator instructions (`DecorateElement`, `RunInitializers`,
/// `InitializeField`): element kinds and the numbering of a decoration state's lists.
pub mod decorators {
    /// `DecorateElement`'s `kind & 7`.
    pub const FIELD: u32 = 0;
    pub const ACCESSOR: u32 = 1;
    pub const METHOD: u32 = 2;
    pub const GETTER: u32 = 3;
    pub const SETTER: u32 = 4;
    /// `DecorateElement`'s `kind` bit of a static element.
    pub const STATIC: u32 = 8;
    /// `DecorateElement`'s `kind` is `FIELD_INDEX` × the field index of a field or accessor
    /// (its place among the class's decorated fields and accessors) plus the rest.
    pub const FIELD_INDEX: u32 = 16;
    /// The extra initializers that decorators of instance methods, getters and setters add:
    /// run on each new instance before its fields.
    pub const INSTANCE_EXTRA: u32 = 0;
    /// The same for static ones: run on the class before its static fields.
    pub const STATIC_EXTRA: u32 = 1;
    /// The class decorators' extra initializers: run once the class is defined.
    pub const CLASS_EXTRA: u32 = 2;

    /// The list of the initializers that the decorators of field or accessor `index` return,
    /// which its value passes through.
    pub fn field_initializers(index: u64) -> u64 {
        3 + 2 * index
    }

    /// The list of the extra initializers that the decorators of field or accessor `index`
    /// add, run just after it is defined.
    pub fn field_extra(index: u64) -> u64 {
        4 + 2 * index
    }
}

#[derive(Archive, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[rkyv(derive(Debug))]
pub struct IndirectExport {
    pub export_name: u32,
    pub request: u32,
    /// `None` for `export * as name from`.
    pub import_name: Option<u32>,
}

/// Why bytes are not an archived `ScriptCode`.
#[derive(Debug)]
pub struct ArchiveError(pub String);

impl ScriptCode {
    /// Archives the code into one aligned buffer laid out as the [`Layout`] says, ready to run
    /// or to write to a cache file.
    pub fn archive(&self) -> Result<(rkyv::util::AlignedVec, Layout), ArchiveError> {
        let buffer = rkyv::util::AlignedVec::with_capacity(self.archived_size_estimate());
        let mut buffer = rkyv::api::high::to_bytes_in::<_, rkyv::rancor::Error>(self, buffer)
            .map_err(|e| ArchiveError(e.to_string()))?;
        let layout = Layout {
            archive: buffer.len(),
            bytecode: self.bytecode.len(),
            positions: self.positions.len(),
        };
        buffer.extend_from_slice(&self.bytecode);
        buffer.extend_from_slice(&self.positions);
        Ok((buffer, layout))
    }

    /// A generous guess at the buffer's size, so that it is written without being copied
    /// as it grows (pages reserved but never written cost no memory).
    fn archived_size_estimate(&self) -> usize {
        let functions = 96 * self.functions.len()
            + 16 * self.constants.len()
            + 16 * self.handlers.len()
            + 32 * self.scopes.len();
        let strings: usize = self
            .strings
            .iter()
            .map(|s| {
                16 + match s {
                    CodeString::Latin1(bytes) => bytes.len(),
                    CodeString::Utf16(units) => 2 * units.len(),
                }
            })
            .sum();
        (functions + strings) * 5 / 4 + self.bytecode.len() + self.positions.len() + 4096
    }
}

/// Checks that `bytes` hold well-formed code laid out as `layout` says (rkyv's bytecheck over
/// the archive: every offset and length in bounds, every enum tag valid; the byte arrays only in
/// length) and returns a view into it. The bytes must be aligned as `archive` produced them.
/// Bytecode verification is separate: see the cache's verifier.
pub fn access(bytes: &[u8], layout: Layout) -> Result<Code<'_>, ArchiveError> {
    let [archive, bytecode, positions] = layout
        .ranges()
        .filter(|[.., positions]| positions.end == bytes.len())
        .ok_or_else(|| {
            ArchiveError(format!(
                "{} bytes where the layout says {layout:?}",
                bytes.len()
            ))
        })?;
    Ok(Code {
        script: access_archive(&bytes[archive])?,
        bytecode: &bytes[bytecode],
        positions: &bytes[positions],
    })
}

/// The view [`access`] answers, for bytes that passed it (or [`access_archive`], for their
/// archive) before, without checking them again.
///
/// # Safety
/// The layout's archive of `bytes` passed [`access_archive`], and has not changed since.
pub unsafe fn access_unchecked(bytes: &[u8], layout: Layout) -> Code<'_> {
    let [archive, bytecode, positions] = layout.ranges().unwrap_or_default();
    Code {
        // SAFETY: the caller's word: bytecheck accepted these bytes as an archived script.
        script: unsafe { rkyv::access_unchecked::<ArchivedScriptCode>(&bytes[archive]) },
        bytecode: bytes.get(bytecode).unwrap_or(&[]),
        positions: bytes.get(positions).unwrap_or(&[]),
    }
}

/// [`access`]'s check of the archive alone: `bytes` are exactly the layout's archive.
pub fn access_archive(bytes: &[u8]) -> Result<&ArchivedScriptCode, ArchiveError> {
    rkyv::access::<ArchivedScriptCode, rkyv::rancor::Error>(bytes)
        .map_err(|e| ArchiveError(e.to_string()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> ScriptCode {
        use crate::instruction::*;
        let mut bytecode = Vec::new();
        for i in [
            Instruction::LoadInt {
                dst: Reg(0),
                value: Imm(40),
            },
            Instruction::LoadConst {
                dst: Reg(1),
                index: ConstIdx(0),
            },
            Instruction::Add {
                dst: Reg(0),
                lhs: Reg(0),
                rhs: Reg(1),
            },
            Instruction::JumpIfFalse {
                cond: Reg(0),
                offset: JumpOffset(8),
            },
            Instruction::Return { value: Reg(0) },
            Instruction::LoadUndefined { dst: Reg(0) },
            Instruction::Return { value: Reg(0) },
        ] {
            i.encode(&mut bytecode);
        }
        let positions = positions::encode(&[(0, 0), (3, 9)]);
        ScriptCode {
            functions: vec![FunctionCode {
                name: None,
                bytecode: SharedRange::at(0, bytecode.len()),
                constants: SharedRange::at(0, 2),
                handlers: SharedRange::default(),
                scopes: SharedRange::default(),
                positions: SharedRange::at(0, positions.len()),
                register_count: 2,
                parameter_count: 0,
                length: 0,
                ic_slot_count: 0,
                source_start: 0,
                source_end: 12,
                flags: flags::STRICT,
            }],
            bytecode,
            constants: vec![Constant::Number(2.0), Constant::String(0)],
            handlers: vec![],
            scopes: vec![],
            positions,
            strings: vec![
                CodeString::from_text("answer"),
                CodeString::from_utf16(&[0xD800, 0x61]),
            ],
            top_level: 0,
            is_module: false,
            module: None,
        }
    }

    #[test]
    fn positions_round_trip() {
        let pairs = [
            (0, 0),
            (0, 7),
            (3, 2),
            (130, 70_000),
            (131, 0),
            (u32::MAX - 1, u32::MAX),
            (u32::MAX, 0),
        ];
        let packed = positions::encode(&pairs);
        let back: Vec<_> = positions::Iter::new(&packed).collect();
        assert_eq!(back, pairs.map(Ok));
        assert_eq!(positions::encode(&[(1, 1), (2, 3)]), [1, 2, 1, 4]);
    }

    #[test]
    fn malformed_positions_are_errors_not_panics() {
        for bad in [
            &[0x80][..],
            &[1],
            &[0x80, 0x80, 0x80, 0x80, 0x80, 0],
            &[0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0],
            &[0, 1],
        ] {
            let pairs: Vec<_> = positions::Iter::new(bad).collect();
            assert_eq!(pairs.last(), Some(&Err(positions::Malformed)), "{bad:?}");
        }
    }

    #[test]
    fn archive_and_access_round_trip() {
        let code = sample();
        let (bytes, layout) = code.archive().expect("archives");
        let archived = access(&bytes, layout).expect("valid archive");
        assert_eq!(archived.functions.len(), 1);
        assert_eq!(
            archived.bytecode_of(&archived.functions[0]),
            code.bytecode.as_slice()
        );
        assert_eq!(archived.positions, code.positions.as_slice());
        assert_eq!(archived.strings[0].to_string_lossy(), "answer");
        assert!(matches!(archived.strings[1], ArchivedCodeString::Utf16(_)));
        // The byte arrays are not in the archive: they come back empty.
        let mut back: ScriptCode =
            rkyv::deserialize::<ScriptCode, rkyv::rancor::Error>(archived.script)
                .expect("deserializes");
        assert!(back.bytecode.is_empty() && back.positions.is_empty());
        back.bytecode = archived.bytecode.to_vec();
        back.positions = archived.positions.to_vec();
        assert_eq!(back, code);
        // A buffer longer or shorter than the layout says is an error.
        assert!(access(&bytes[..bytes.len() - 1], layout).is_err());
    }

    #[test]
    fn truncated_or_flipped_archives_are_errors_not_panics() {
        let (bytes, layout) = sample().archive().expect("archives");
        for len in 0..bytes.len() {
            let mut copy = rkyv::util::AlignedVec::<16>::new();
            copy.extend_from_slice(&bytes[..len]);
            let _ = access(&copy, layout);
            let _ = access_archive(&copy);
        }
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut copy = rkyv::util::AlignedVec::<16>::new();
                copy.extend_from_slice(&bytes);
                copy[i] ^= 1 << bit;
                let _ = access(&copy, layout);
            }
        }
    }
}
