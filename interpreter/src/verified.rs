//! The dispatch loop's unchecked accessors: everything `unsafe` that running verified bytecode
//! relies on lives here.
//!
//! Every piece of code the interpreter runs passed `kiln_cache::verify` — a cache file when it is
//! loaded, fresh compiler output in `VerifiedCode::from_compiled` — which proves, per function:
//! every instruction decodes and lies wholly inside the bytecode; the last one does not fall
//! through; every jump and handler lands on an instruction start; every register operand is below
//! the function's `register_count` (argument windows and register pairs included). The loop only
//! moves `pc` by an instruction's length, a verified jump or handler, or a saved pc, so it always
//! sits on an instruction start. And every frame is pushed with `base + register_count` registers
//! (`push_frame_with`, `Vm::eval_code`, generator resumption), which stay while the frame runs
//! (only frames above it truncate the stack, down to their own base). So the loop can read
//! instructions and registers without checking again. Debug builds check anyway.

use crate::value::Value;
use kiln_compiler::Instruction;
use kiln_compiler::instruction::Reg;
use std::ops::{Index, IndexMut};

/// Decodes the instruction at `pc` of a running function.
///
/// # Safety
/// `bytecode` is a function's verified bytecode and `pc` the start of one of its instructions
/// (see the module's comment for why the loop's `pc` always is).
#[inline(always)]
pub unsafe fn decode(bytecode: &[u8], pc: usize) -> (Instruction, usize) {
    // SAFETY: the caller's promise is `decode_verified`'s precondition.
    unsafe { Instruction::decode_verified(bytecode, pc) }
}

/// The index of register `r` of the frame whose window starts at `base`, for
/// `vm.registers[...]` without a bounds check.
#[derive(Clone, Copy)]
pub struct RegisterIndex(usize);

impl RegisterIndex {
    /// # Safety
    /// `r` is a register operand of the verified code the frame at `base` runs, and that frame
    /// is running (its `base + register_count` registers exist).
    #[inline(always)]
    pub unsafe fn new(base: usize, r: Reg) -> RegisterIndex {
        RegisterIndex(base + r.0 as usize)
    }
}

impl Index<RegisterIndex> for Vec<Value> {
    type Output = Value;
    #[inline(always)]
    fn index(&self, i: RegisterIndex) -> &Value {
        debug_assert!(i.0 < self.len(), "register {} past the stack", i.0);
        // SAFETY: `RegisterIndex::new`'s contract: the register is inside the running frame.
        unsafe { self.get_unchecked(i.0) }
    }
}

impl IndexMut<RegisterIndex> for Vec<Value> {
    #[inline(always)]
    fn index_mut(&mut self, i: RegisterIndex) -> &mut Value {
        debug_assert!(i.0 < self.len(), "register {} past the stack", i.0);
        // SAFETY: as for `index`.
        unsafe { self.get_unchecked_mut(i.0) }
    }
}
