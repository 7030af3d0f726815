//! `FunctionBuilder`: the bytecode, constants, registers and jump patching of one function under
//! construction.

use crate::code::{Constant, FunctionCode, Handler, ScopeInfo, SharedRange};
use crate::instruction::{Instruction, JumpOffset, Reg};
use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry;

/// A forward jump waiting for its target: the start of the instruction and its end (the offset is
/// the last four bytes).
#[derive(Clone, Copy, Debug)]
pub struct Patch {
    start: usize,
    end: usize,
}

/// A function compiled, and its bytecode, which goes into the script's shared array.
pub struct Finished {
    pub code: FunctionCode,
    pub bytecode: Vec<u8>,
    pub constants: Vec<Constant>,
    pub handlers: Vec<Handler>,
    pub scopes: Vec<ScopeInfo>,
    /// Packed by [`crate::code::positions::encode`].
    pub positions: Vec<u8>,
}

/// A position jumps can go back to.
#[derive(Clone, Copy, Debug)]
pub struct Label(pub usize);

#[derive(Default)]
pub struct FunctionBuilder {
    pub bytecode: Vec<u8>,
    pub constants: Vec<Constant>,
    pub handlers: Vec<Handler>,
    pub scopes: Vec<ScopeInfo>,
    pub positions: Vec<(u32, u32)>,
    next_register: u32,
    max_register: u32,
    pub ic_slots: u32,
    /// Environments pushed by this function's code and not yet popped, at this point of the code.
    pub env_depth: u32,
    last_position: u32,
    /// The register [`FunctionBuilder::undefined_register`] reserved, once asked for.
    undefined: Option<Reg>,
    /// Where each number and string constant already is in `constants`, so each is pooled once.
    pooled: FxHashMap<PooledConstant, u32>,
}

/// A constant that the pool shares between its uses: a number by its bits, or a string.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum PooledConstant {
    Number(u64),
    String(u32),
}

impl FunctionBuilder {
    pub fn new(parameter_count: u32) -> FunctionBuilder {
        FunctionBuilder {
            next_register: parameter_count,
            max_register: parameter_count,
            last_position: u32::MAX,
            ..FunctionBuilder::default()
        }
    }

    pub fn emit(&mut self, instruction: Instruction) {
        let instruction = match instruction {
            Instruction::LoadInt { dst, value } if i8::try_from(value.0).is_err() => {
                Instruction::LoadInt32 {
                    dst,
                    value: crate::instruction::Int32(value.0),
                }
            }
            other => other,
        };
        instruction.encode(&mut self.bytecode);
    }

    /// Records that the next instruction comes from source offset `offset`.
    pub fn position(&mut self, offset: u32) {
        if offset == self.last_position {
            return;
        }
        self.last_position = offset;
        let pc = self.bytecode.len() as u32;
        if let Some(last) = self.positions.last_mut()
            && last.0 == pc
        {
            last.1 = offset;
            return;
        }
        self.positions.push((pc, offset));
    }

    /// Emits a jump whose target is set later by [`FunctionBuilder::patch_here`].
    pub fn emit_jump(&mut self, make: impl FnOnce(JumpOffset) -> Instruction) -> Patch {
        let start = self.bytecode.len();
        self.emit(make(JumpOffset(0)));
        Patch {
            start,
            end: self.bytecode.len(),
        }
    }

    pub fn patch_here(&mut self, patch: Patch) {
        let target = self.bytecode.len();
        self.patch_to(patch, Label(target));
    }

    pub fn patch_to(&mut self, patch: Patch, label: Label) {
        let offset = (label.0 as i64 - patch.start as i64) as i32;
        self.bytecode[patch.end - 4..patch.end].copy_from_slice(&offset.to_le_bytes());
    }

    pub fn label(&self) -> Label {
        Label(self.bytecode.len())
    }

    /// Emits a jump back (or forward) to a known label.
    pub fn emit_jump_to(&mut self, label: Label, make: impl FnOnce(JumpOffset) -> Instruction) {
        let start = self.bytecode.len();
        self.emit(make(JumpOffset((label.0 as i64 - start as i64) as i32)));
    }

    pub fn alloc(&mut self) -> Reg {
        self.alloc_n(1)
    }

    /// A register that holds `undefined` for the whole of every run of the function: one that
    /// was never handed out (so it starts `undefined`, as every register past the arguments
    /// does), reserved on first use and never given to [`FunctionBuilder::alloc`], so nothing
    /// writes it. A plain call's `this`, or `return;`, reads it instead of a `LoadUndefined`.
    pub fn undefined_register(&mut self) -> Reg {
        if let Some(r) = self.undefined {
            return r;
        }
        let r = Reg(self.max_register);
        self.max_register += 1;
        self.undefined = Some(r);
        r
    }

    /// Whether the next register [`FunctionBuilder::alloc`] gives has never been handed out
    /// in this function: it still holds the `undefined` every frame's registers start with
    /// (the interpreter fills a new frame's registers past its arguments with `undefined`).
    pub fn next_is_fresh(&self) -> bool {
        self.next_register >= self.max_register
    }

    /// `n` consecutive registers; the first is returned.
    pub fn alloc_n(&mut self, n: u32) -> Reg {
        let mut start = self.next_register;
        // The window goes past the reserved `undefined` register, never over it.
        if let Some(u) = self.undefined
            && start <= u.0
            && u.0 < start + n
        {
            start = u.0 + 1;
        }
        self.next_register = start + n;
        self.max_register = self.max_register.max(self.next_register);
        Reg(start)
    }

    /// The register mark to return to with [`FunctionBuilder::release`].
    pub fn mark(&self) -> u32 {
        self.next_register
    }

    pub fn release(&mut self, mark: u32) {
        self.next_register = mark;
    }

    pub fn constant(&mut self, constant: Constant) -> u32 {
        let index = self.constants.len() as u32;
        let key = match constant {
            Constant::Number(n) => PooledConstant::Number(n.to_bits()),
            Constant::String(s) => PooledConstant::String(s),
            _ => {
                self.constants.push(constant);
                return index;
            }
        };
        match self.pooled.entry(key) {
            Entry::Occupied(at) => *at.get(),
            Entry::Vacant(slot) => {
                slot.insert(index);
                self.constants.push(constant);
                index
            }
        }
    }

    pub fn ic(&mut self) -> u32 {
        self.ic_slots += 1;
        self.ic_slots - 1
    }

    #[allow(clippy::too_many_arguments)]
    pub fn finish(
        self,
        name: Option<u32>,
        parameter_count: u32,
        length: u32,
        source_start: u32,
        source_end: u32,
        flags: u32,
    ) -> Finished {
        let code = FunctionCode {
            name,
            // The ranges are set when the script's arrays are put together (`codegen::compile`).
            bytecode: SharedRange::default(),
            constants: SharedRange::default(),
            handlers: SharedRange::default(),
            scopes: SharedRange::default(),
            positions: SharedRange::default(),
            register_count: self.max_register.max(1),
            parameter_count,
            length,
            ic_slot_count: self.ic_slots,
            source_start,
            source_end,
            flags,
        };
        Finished {
            code,
            bytecode: self.bytecode,
            constants: self.constants,
            handlers: self.handlers,
            scopes: self.scopes,
            positions: crate::code::positions::encode(&self.positions),
        }
    }
}
