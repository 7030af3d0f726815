//! Bounds on the work one built-in does natively, where the dispatch loop's safepoints cannot
//! see it: termination checks for long native loops, the maximum string length, and the
//! maximum BigInt size.
//!
//! The dispatch loop checks the interrupt flag, the deadline and the tick budget at calls and
//! backward jumps ([`Vm::check_interrupt`]). A built-in that loops over a length the script
//! chose (`a.length = 2 ** 32 - 1; a.join()`) or builds a huge string never reaches one, so it
//! checks for itself: [`Vm::check_interrupt_native`] once per unit of work (one element, one
//! match), or [`Vm::check_interrupt_now`] after each chunk of bulk copying. Either ends the run
//! with the same `JsError::Terminate` as the loop.
//!
//! Work that cannot be split (one num-bigint multiplication) is bounded instead: BigInts are
//! at most [`MAX_BIGINT_BITS`] wide, strings at most [`MAX_STRING_LENGTH`] units long, and both
//! limits are checked before anything is computed or allocated.

use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};
use std::mem::MaybeUninit;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// When the running code must stop: the host's interrupt flag and deadline, the instruction
/// budget, and a heap found over its limit. Checked at safepoints ([`Vm::check_interrupt`]).
pub struct Termination {
    /// Set to stop the running code at the next check (timeouts, Ctrl-C).
    pub interrupt: Arc<AtomicBool>,
    pub deadline: Option<std::time::Instant>,
    /// Safepoints (calls and backward jumps) passed so far.
    pub ticks: u64,
    /// Terminate once `ticks` reaches this: an instruction budget that, unlike a deadline, gives
    /// the same cut-off point on every run. Set it with [`Vm::set_tick_budget`].
    pub tick_budget: Option<u64>,
    /// The tick at which `check_interrupt` looks at anything: the next multiple of 1024 (when
    /// the interrupt flag and the clock are read) or the budget, whichever comes first; 0 when
    /// a check is due now (the heap passed its limit, the budget changed).
    pub(crate) check_at: u64,
    /// A collection found more live bytes than the heap's limit: terminate at the next check.
    pub(crate) heap_limit_hit: bool,
}

impl Default for Termination {
    fn default() -> Termination {
        Termination {
            interrupt: Arc::new(AtomicBool::new(false)),
            deadline: None,
            ticks: 0,
            tick_budget: None,
            check_at: 0,
            heap_limit_hit: false,
        }
    }
}

/// The longest string, in UTF-16 code units: V8's limit on 64-bit targets (2^29 − 24), so
/// scripts that probe it see the same `RangeError` as in Node.
pub const MAX_STRING_LENGTH: usize = (1 << 29) - 24;

/// The widest BigInt, in bits (SpiderMonkey's limit). Measured on a release build: the
/// largest product (two 2^19-bit factors) takes about 2 ms, `x ** e` up to the limit about
/// 20 ms, parsing a maximum-size decimal string about 25 ms, and its `toString()` about 35 ms
/// (done in halves, with termination checks between them). So no single num-bigint step
/// outlasts a 100 ms timeout by much; with V8's 2^30 bits one multiplication would take
/// minutes.
pub const MAX_BIGINT_BITS: u64 = 1 << 20;

/// Units copied between two clock reads by builders of bulk data ([`StringBuilder`]).
const BULK_CHUNK: usize = 1 << 16;

/// Bytes of bulk memory work (zeroing, filling, copying or converting a buffer) between two
/// termination checks ([`Vm::in_chunks`]). Measured on a release build: zeroing freshly
/// allocated memory runs at about 2.5 GB/s (its pages are faulted in as it goes), so a
/// 2 GiB `ArrayBuffer` took 0.9 s with no check; a chunk takes under 2 ms.
pub const BULK_BYTES: usize = 1 << 22;

/// Code units flattened, widened or narrowed between two termination checks by string work
/// on long strings: about a millisecond's worth. Shorter strings take the plain paths.
pub const STRING_CHUNK: usize = 1 << 20;

impl Vm {
    /// The dispatch loop's termination check, for a built-in doing one unit of work (an
    /// element visited, a comparison, a match): counts a tick and reads the clock every 1024.
    #[inline]
    pub fn check_interrupt_native(&mut self) -> JsResult<()> {
        self.check_interrupt()
    }

    /// The termination check after a chunk of bulk work: reads the interrupt flag and the
    /// clock now, instead of at the next 1024th tick.
    pub fn check_interrupt_now(&mut self) -> JsResult<()> {
        self.check_interrupt()?;
        let expired = self
            .termination
            .deadline
            .is_some_and(|d| std::time::Instant::now() >= d);
        if expired
            || self
                .termination
                .interrupt
                .load(std::sync::atomic::Ordering::Relaxed)
        {
            // `check_interrupt` reads them, and says which fired, when the incremented count
            // is a multiple of 1024. (Only then: the count also paces heap-limit measurements.)
            self.termination.ticks |= 0x3FF;
            return self.check_interrupt();
        }
        Ok(())
    }

    /// Runs `step` over consecutive ranges that cover `0..len`, each at most `chunk` long,
    /// with a termination check between two of them: bulk work over a length the script chose
    /// stops at a deadline like any loop. Work of one chunk runs with no check at all.
    /// `step` must not run JavaScript (it gets the `Vm` to reach the heap's cells).
    pub fn in_chunks(
        &mut self,
        len: usize,
        chunk: usize,
        mut step: impl FnMut(&mut Vm, std::ops::Range<usize>),
    ) -> JsResult<()> {
        let mut start = 0;
        while start < len {
            let end = len.min(start.saturating_add(chunk.max(1)));
            step(self, start..end);
            start = end;
            if start < len {
                self.check_interrupt_now()?;
            }
        }
        Ok(())
    }

    /// `RangeError: Invalid string length`, for a string that would pass `MAX_STRING_LENGTH`.
    pub fn invalid_string_length(&mut self) -> JsError {
        self.range_error("Invalid string length")
    }

    /// Throws unless a string of `len` units may be built.
    pub fn check_string_length(&mut self, len: f64) -> JsResult<()> {
        if len > MAX_STRING_LENGTH as f64 {
            return Err(self.invalid_string_length());
        }
        Ok(())
    }

    /// `RangeError: Maximum BigInt size exceeded` unless a BigInt of `bits` bits may be made.
    pub fn check_bigint_bits(&mut self, bits: f64) -> JsResult<()> {
        if bits > MAX_BIGINT_BITS as f64 {
            return Err(self.range_error("Maximum BigInt size exceeded"));
        }
        Ok(())
    }
}

/// Grows `v` by `additional` elements, turning the allocator's refusal into a `RangeError`
/// instead of an abort, for vectors whose size a script controls.
pub fn try_reserve<T>(vm: &mut Vm, v: &mut Vec<T>, additional: usize) -> JsResult<()> {
    v.try_reserve(additional)
        .map_err(|_| vm.range_error("Out of memory"))
}

/// The code units of a string being built from pieces of any size: never longer than
/// [`MAX_STRING_LENGTH`] (a `RangeError` before growing past it) and checking for termination
/// as it grows, so a script cannot make it run long or abort on a failed allocation.
#[derive(Default)]
pub struct StringBuilder {
    units: Vec<u16>,
    /// Units added since the last termination check.
    unchecked: usize,
}

impl StringBuilder {
    pub fn new() -> StringBuilder {
        StringBuilder::default()
    }

    /// Makes room for `additional` more units (a hint; growth checks again).
    pub fn reserve(&mut self, vm: &mut Vm, additional: usize) -> JsResult<()> {
        self.check_room(vm, additional)?;
        try_reserve(vm, &mut self.units, additional)
    }

    fn check_room(&mut self, vm: &mut Vm, additional: usize) -> JsResult<()> {
        if additional > MAX_STRING_LENGTH - self.units.len() {
            return Err(vm.invalid_string_length());
        }
        // The whole string must also fit under the heap's limit, before it is built.
        vm.reserve(2 * (self.units.len() + additional))
    }

    /// Appends `piece`, one chunk at a time when it is long.
    pub fn push_units(&mut self, vm: &mut Vm, piece: &[u16]) -> JsResult<()> {
        self.check_room(vm, piece.len())?;
        for chunk in piece.chunks(BULK_CHUNK) {
            try_reserve(vm, &mut self.units, chunk.len())?;
            self.units.extend_from_slice(chunk);
            self.copied(vm, chunk.len())?;
        }
        Ok(())
    }

    /// Counts `n` units copied, checking for termination every [`BULK_CHUNK`].
    fn copied(&mut self, vm: &mut Vm, n: usize) -> JsResult<()> {
        self.unchecked += n;
        if self.unchecked >= BULK_CHUNK {
            self.unchecked = 0;
            vm.check_interrupt_now()?;
        }
        Ok(())
    }

    /// Appends `piece` `count` times, copying what is already built in doubling chunks.
    pub fn push_repeated(&mut self, vm: &mut Vm, piece: &[u16], count: usize) -> JsResult<()> {
        let p = piece.len();
        let total = p.saturating_mul(count);
        if total == 0 {
            return Ok(());
        }
        self.check_room(vm, total)?;
        try_reserve(vm, &mut self.units, total)?;
        let start = self.units.len();
        self.units.extend_from_slice(piece);
        let mut done = p;
        while done < total {
            // A whole number of pieces, so the copy continues the period.
            let n = (total - done).min(done).min((BULK_CHUNK / p).max(1) * p);
            self.units.extend_from_within(start..start + n);
            done += n;
            self.copied(vm, n)?;
        }
        Ok(())
    }

    pub fn push(&mut self, vm: &mut Vm, unit: u16) -> JsResult<()> {
        self.push_units(vm, &[unit])
    }

    /// The string built, as a value.
    pub fn finish(self, vm: &mut Vm) -> JsResult<Value> {
        vm.string_from_long_units(&self.units)
    }
}

/// The storage of a UTF-16 string being written front to back in pieces, so that a long one
/// can be made between termination checks with no copy afterwards: units not yet written are
/// never read, and `finish` fills any left (none, when the pieces add up) with zeros.
pub struct UnitsWriter {
    units: Rc<[MaybeUninit<u16>]>,
    written: usize,
}

impl UnitsWriter {
    pub fn new(len: usize) -> UnitsWriter {
        UnitsWriter {
            units: Rc::new_uninit_slice(len),
            written: 0,
        }
    }

    /// The part not yet written.
    fn rest(&mut self) -> &mut [MaybeUninit<u16>] {
        let units = Rc::get_mut(&mut self.units).expect("a writer's storage is its own");
        &mut units[self.written..]
    }

    /// Appends as much of `piece` as there is room for.
    pub fn push_units(&mut self, piece: &[u16]) {
        let rest = self.rest();
        let n = piece.len().min(rest.len());
        rest[..n].write_copy_of_slice(&piece[..n]);
        self.written += n;
    }

    /// Appends as much of `bytes`, widened, as there is room for.
    pub fn push_latin1(&mut self, bytes: &[u8]) {
        let rest = self.rest();
        let n = bytes.len().min(rest.len());
        for (out, &b) in rest[..n].iter_mut().zip(bytes) {
            out.write(u16::from(b));
        }
        self.written += n;
    }

    pub fn finish(mut self) -> Rc<[u16]> {
        for unit in self.rest() {
            unit.write(0);
        }
        // SAFETY: every unit is initialised: `written` counts the units the pushes wrote, all
        // before the rest, and the loop above wrote the rest.
        unsafe { self.units.assume_init() }
    }
}
