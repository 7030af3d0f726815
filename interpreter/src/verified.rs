//! The dispatch loop's unchecked accessors: everything `unsafe` that running verified bytecode
//! relies on lives here.
//!
//! Every function the interpreter runs passed `kiln_cache::verify` before its first instruction —
//! which proves, per function: every instruction decodes and lies wholly inside the bytecode; the
//! last one does not fall through; every jump and handler lands on an instruction start; every
//! register operand is below the function's `register_count` (argument windows and register
//! pairs included). Verification is per function and lazy (`VerifiedCode::ensure_function`, one
//! bit per function beside the archive): a load (`kiln_cache::load`, `VerifiedCode::from_compiled`)
//! verifies the tables, every function's directory entry and the top-level function; every other
//! function is verified where a function index becomes runnable — `Vm::make_closure` and
//! `Vm::make_class` (the `NewClosure`/`NewClass` instructions, a module's hoisted functions) —
//! and top-level frames (`Vm::run_code_with`, direct eval) check their function again. A frame
//! only ever runs a closure's function or a top-level function, a generator's or async
//! function's resumption continues a frame that was entered, and a call reads the function from
//! its closure, so no call needs a check; debug builds assert it at every frame entry of the
//! loop. Bytecode rejected then is a thrown `TypeError`, and nothing of the function runs.
//!
//! The loop only moves `pc` by an instruction's length, a verified jump or handler, or a saved
//! pc, so it always sits on an instruction start. And every frame is pushed with `base + register_count` registers
//! (`push_frame_with`, `Vm::eval_code`, direct eval, generator resumption), which stay while the
//! frame runs (only frames above it truncate the stack, down to their own base), in a buffer
//! allocated once at the stack's maximum size (`Vm::reserve_registers` refuses growth past it),
//! so it never moves. So the loop can read instructions and registers without checking again,
//! registers through a pointer to the frame's first one. Debug builds check anyway.

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

/// A function's bytecode inside the archive of the script that holds this: one load reaches it,
/// where the archive's relative pointers take a walk of several (paid at every call and return).
pub struct ArchiveSlice(*const [u8]);

impl ArchiveSlice {
    /// # Safety
    /// `bytes` lives in a buffer that is neither freed nor written while this value lives (the
    /// loaded script's archive: a heap buffer it keeps behind an `Arc` and never mutates).
    pub unsafe fn new(bytes: &[u8]) -> ArchiveSlice {
        ArchiveSlice(bytes)
    }

    #[inline(always)]
    pub fn get(&self) -> &[u8] {
        // SAFETY: `new`'s promise: the bytes outlive `self`, unchanged.
        unsafe { &*self.0 }
    }
}

/// The registers of the running frame, addressed from their first: `window[r]` without a
/// bounds check or a reload of the stack's buffer.
#[derive(Clone, Copy)]
pub struct Window {
    first: *mut Value,
    #[cfg(debug_assertions)]
    count: usize,
}

impl Window {
    /// # Safety
    /// `base..base + count` are the registers of a running frame of verified code, and the
    /// stack's buffer never moves while the window is used (`Vm::registers` is allocated once
    /// at its full size: see `crate::stack::MAX_REGISTER_STACK`).
    #[inline(always)]
    pub unsafe fn new(registers: &mut Vec<Value>, base: usize, count: usize) -> Window {
        debug_assert!(base + count <= registers.len());
        let _ = count;
        Window {
            // SAFETY: `base` is within the stack (the caller's promise).
            first: unsafe { registers.as_mut_ptr().add(base) },
            #[cfg(debug_assertions)]
            count,
        }
    }
}

impl Index<Reg> for Window {
    type Output = Value;
    #[inline(always)]
    fn index(&self, r: Reg) -> &Value {
        #[cfg(debug_assertions)]
        debug_assert!(
            (r.0 as usize) < self.count,
            "register {} past the window",
            r.0
        );
        // SAFETY: the verifier proved every register operand below the frame's register count,
        // and `Window::new`'s contract keeps those registers where `first` points.
        unsafe { &*self.first.add(r.0 as usize) }
    }
}

impl IndexMut<Reg> for Window {
    #[inline(always)]
    fn index_mut(&mut self, r: Reg) -> &mut Value {
        #[cfg(debug_assertions)]
        debug_assert!(
            (r.0 as usize) < self.count,
            "register {} past the window",
            r.0
        );
        // SAFETY: as for `index`.
        unsafe { &mut *self.first.add(r.0 as usize) }
    }
}

/// The inline-cache ways of site `ic` in a function's feedback list, without a bounds check.
///
/// # Safety
/// `feedback` is the part `LoadedScript::new` gave a function of verified code
/// (`ic_slot_count * IC_WAYS` entries) and `ic` an `Ic` operand of that function, which the
/// verifier proved below its `ic_slot_count`.
#[inline(always)]
pub unsafe fn ic_ways(
    feedback: &[std::cell::Cell<crate::inline_cache::InlineCache>],
    ic: u32,
) -> &crate::inline_cache::IcWays {
    let start = ic as usize * crate::inline_cache::IC_WAYS;
    debug_assert!(start + crate::inline_cache::IC_WAYS <= feedback.len());
    // SAFETY: the caller's promise: the site's `IC_WAYS` ways are inside the list, so the
    // array reference covers initialised entries of it.
    unsafe {
        &*feedback
            .as_ptr()
            .add(start)
            .cast::<crate::inline_cache::IcWays>()
    }
}

/// Pushes a new frame's `count` registers onto the register stack: the first `n` copied from
/// `registers[from..from + n]` (the caller's argument window), the rest `undefined` but for
/// `this` in `this_register` if that is below `count` (`FunctionHeader::this_register`).
///
/// # Safety
/// `Vm::reserve_registers(count)` succeeded (so the stack's buffer, allocated at its maximum
/// size, has room), `n <= count`, and `from..from + n` lies within the stack: the argument
/// window of a `Call`/`New` instruction of verified code, which the verifier proved below the
/// calling frame's register count.
#[inline(always)]
pub unsafe fn push_registers(
    registers: &mut Vec<Value>,
    from: usize,
    n: usize,
    count: usize,
    (this_register, this): (u32, Value),
) {
    let len = registers.len();
    debug_assert!(from + n <= len && n <= count && len + count <= registers.capacity());
    // SAFETY: the source is initialised (below `len`), the destination is the spare capacity
    // the caller reserved, so they do not overlap; every new register is written before the
    // length covers it.
    unsafe {
        let p = registers.as_mut_ptr();
        std::ptr::copy_nonoverlapping(p.add(from), p.add(len), n);
        for i in n..count {
            p.add(len + i).write(Value::UNDEFINED);
        }
        if (this_register as usize) < count {
            p.add(len + this_register as usize).write(this);
        }
        registers.set_len(len + count);
    }
}

/// The uninitialised slot past the end of `stack`, made if there is no room: a new element
/// written there in place, then [`commit_slot`], never passes through a temporary that a
/// `push` would copy (a frame record built and then pushed was copied through the native stack,
/// and the copy stalled on its own stores).
#[inline(always)]
pub fn next_slot<T>(stack: &mut Vec<T>) -> &mut std::mem::MaybeUninit<T> {
    if stack.len() == stack.capacity() {
        grow(stack);
    }
    &mut stack.spare_capacity_mut()[0]
}

/// Counts the slot [`next_slot`] gave as part of `stack`.
///
/// # Safety
/// The slot `next_slot(stack)` returned has been written, and `stack` has not changed since.
#[inline(always)]
pub unsafe fn commit_slot<T>(stack: &mut Vec<T>) {
    debug_assert!(stack.len() < stack.capacity());
    // SAFETY: the caller's promise: the element at `len` is initialised, within capacity.
    unsafe { stack.set_len(stack.len() + 1) }
}

#[cold]
#[inline(never)]
fn grow<T>(stack: &mut Vec<T>) {
    stack.reserve(stack.len().max(16));
}

/// A frame's script, held without a reference count: a JS-to-JS call or return touches no
/// count (`Vm::push_frame_with` copies the callee's pointer).
///
/// A frame is always pushed with an owner of its script that lives as long as the frame can
/// run or be inspected: the closure the frame roots as its `callee` (whose
/// `Closure::script` is this script, and the closure never changes it), or, for code with no
/// closure of its own (a script's, module's or eval's top level), the reference-counted
/// script in the frame's extras (`FrameExtra::script`). A suspended generator's frame is rooted
/// through the generator, its callee with it.
#[derive(Clone, Copy)]
pub struct ScriptRef(std::ptr::NonNull<crate::loaded_script::LoadedScript>);

impl ScriptRef {
    /// # Safety
    /// The frame that holds the result holds an owner of `script` as the type's comment says.
    #[inline(always)]
    pub unsafe fn new(script: &std::rc::Rc<crate::loaded_script::LoadedScript>) -> ScriptRef {
        ScriptRef(std::ptr::NonNull::from(&**script))
    }

    #[inline(always)]
    pub fn get(&self) -> &crate::loaded_script::LoadedScript {
        // SAFETY: `new`'s promise: the frame holding `self` keeps the script alive.
        unsafe { self.0.as_ref() }
    }

    /// Whether `self` is `script`.
    #[inline(always)]
    pub fn is(&self, script: &std::rc::Rc<crate::loaded_script::LoadedScript>) -> bool {
        std::ptr::eq(self.0.as_ptr(), std::rc::Rc::as_ptr(script))
    }

    /// A counted reference, for whatever outlives the frame (a closure made in it, an error's
    /// origin).
    pub fn to_rc(self) -> std::rc::Rc<crate::loaded_script::LoadedScript> {
        let p = self.0.as_ptr().cast_const();
        // SAFETY: the pointer came from an `Rc` (`new` takes one) that is alive (`new`'s
        // promise), so one more strong count may be taken and handed to `from_raw`.
        unsafe {
            std::rc::Rc::increment_strong_count(p);
            std::rc::Rc::from_raw(p)
        }
    }
}
