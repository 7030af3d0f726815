//! kiln-cache: the bytecode cache.
//!
//! A cache file is `[header | padding | rkyv archive]` ([`container`]). Loading it checks the
//! header (magic, versions, the hash of the exact source text, lengths, checksum), validates the
//! archive with rkyv's bytecheck, and runs the table part of the bytecode
//! [`verify`](mod@verify)er (the top-level function, every function's directory entry, a module's
//! tables) and the top-level function's bytecode. Only then does it become a [`VerifiedCode`],
//! the one type the interpreter runs — fresh compiles reach it through
//! [`VerifiedCode::from_compiled`], so the cached path and the fresh path meet at the same bytes.
//! Every other function's bytecode is verified the first time it is about to run
//! ([`VerifiedCode::ensure_function`]), once per archive.
//!
//! Every failure is a [`CacheError`] value, never a panic, whatever the bytes.

pub mod container;
mod parallel;
pub mod verify;

pub use container::{
    CacheError, CacheKind, HEADER_LEN, Header, Inspected, LoadOptions, LoadStats, MAGIC,
    MAX_FILE_BYTES, encode, inspect, load, load_file, load_with, read_file,
};
pub use verify::verify;

use kiln_compiler::code::{ArchivedScriptCode, Code, Layout, ScriptCode};
use rkyv::util::AlignedVec;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Archived code that passed rkyv's validation and the table part of the bytecode verifier, with
/// its top-level function verified: safe to run, one function at a time, after
/// [`VerifiedCode::ensure_function`] has said yes for that function.
///
/// **Invariant:** the interpreter runs no instruction of a function for which
/// [`VerifiedCode::is_function_verified`] is false. The checks sit where a function index
/// becomes something runnable (a closure, a top-level frame), so a call needs none.
///
/// Cloning shares the bytes and what is known verified: a function verified for one clone (one
/// realm, one runtime, one thread) is verified for all.
#[derive(Clone)]
pub struct VerifiedCode {
    archive: Arc<Archive>,
    /// Where in the buffer the archive's root object starts: found once, as the interpreter asks
    /// for the code at every call.
    root: usize,
}

/// The bytes, and which of their functions passed the verifier.
struct Archive {
    buffer: AlignedVec<16>,
    /// Where the code starts in `buffer` (after the header, for a cache file), and how it is
    /// laid out from there.
    start: usize,
    layout: Layout,
    /// The length of the source the tables were verified against: a function is verified
    /// against the same text.
    source_len: usize,
    /// One bit per function, set once its bytecode passed [`verify::verify_function`]; never
    /// cleared. Atomic because a `VerifiedCode` may be shared across threads (a `kiln::Script`
    /// is `Send`): the bits only ever say something true of bytes nobody writes, so a race
    /// costs at most a second verification.
    verified: Box<[AtomicU64]>,
    /// Functions verified after the load, and the time that took (for `--stats`).
    lazily_verified: AtomicU64,
    lazy_nanos: AtomicU64,
}

impl VerifiedCode {
    /// Archives freshly compiled code. The archive is validated by bytecheck and its tables and
    /// top-level function run through the verifier, as a cache file's are; the other functions
    /// are verified when first made into closures, as a cache file's are. The dispatch loop
    /// relies on the verifier's proof (every operand in range, every jump on an instruction)
    /// instead of checking as it runs, and compiler output gets no exemption: one path for
    /// both means every test exercises the lazy checks. Debug builds verify every function at
    /// once too (without marking them), so a compiler bug in a function no test calls still
    /// fails the tests.
    pub fn from_compiled(code: &ScriptCode, source: &str) -> Result<VerifiedCode, CacheError> {
        let (buffer, layout) = code
            .archive()
            .map_err(|e| CacheError::Archive(format!("cannot archive code: {}", e.0)))?;
        let archived =
            kiln_compiler::code::access(&buffer, layout).map_err(|e| CacheError::Archive(e.0))?;
        if cfg!(debug_assertions) {
            verify(archived, source)?;
        }
        let code = VerifiedCode::wrap(buffer, 0, layout, source.len());
        verify::verify_at_load(code.view(), source)?;
        code.mark_verified(code.code().top_level.to_native());
        Ok(code)
    }

    /// Wraps a buffer whose code, from `start` and laid out as `layout` says, passed validation
    /// and [`verify::verify_at_load`] against a source of `source_len` bytes.
    fn checked_at_load(
        buffer: AlignedVec<16>,
        start: usize,
        layout: Layout,
        source_len: usize,
    ) -> VerifiedCode {
        let code = VerifiedCode::wrap(buffer, start, layout, source_len);
        code.mark_verified(code.code().top_level.to_native());
        code
    }

    /// Wraps a buffer whose code, from `start` and laid out as `layout` says, passed bytecheck;
    /// nothing is verified yet.
    fn wrap(
        buffer: AlignedVec<16>,
        start: usize,
        layout: Layout,
        source_len: usize,
    ) -> VerifiedCode {
        let archive = start..start + layout.archive;
        // SAFETY: as in `code` below: bytecheck accepted exactly this range.
        let root = unsafe { rkyv::access_unchecked::<ArchivedScriptCode>(&buffer[archive]) };
        let functions = root.functions.len();
        let root = root as *const ArchivedScriptCode as usize - buffer.as_ptr() as usize;
        VerifiedCode {
            archive: Arc::new(Archive {
                buffer,
                start,
                layout,
                source_len,
                verified: (0..functions.div_ceil(64))
                    .map(|_| AtomicU64::new(0))
                    .collect(),
                lazily_verified: AtomicU64::new(0),
                lazy_nanos: AtomicU64::new(0),
            }),
            root,
        }
    }

    /// The archived script, read in place.
    #[inline]
    pub fn code(&self) -> &ArchivedScriptCode {
        // SAFETY: a `VerifiedCode` is only built (`wrap`) from bytes that rkyv's bytecheck
        // accepted over exactly the archive's range of the buffer (from `start`, as long as the
        // layout says), and the buffer is never mutated or
        // moved afterwards (it is private, its heap block shared read-only through `Arc`;
        // moving the `AlignedVec` into the `Arc` does not move its bytes). `root` is where
        // rkyv's `access_unchecked` found the root object in that range, computed once in
        // `wrap`; the range starts at a multiple of 16 in a 16-aligned buffer, as validated, so
        // the object there is aligned.
        unsafe {
            &*self
                .archive
                .buffer
                .as_ptr()
                .add(self.root)
                .cast::<ArchivedScriptCode>()
        }
    }

    /// Whether function `index` passed the verifier (an index out of range never has).
    #[inline]
    pub fn is_function_verified(&self, index: u32) -> bool {
        let (word, bit) = (index as usize / 64, index % 64);
        self.archive
            .verified
            .get(word)
            .is_some_and(|w| w.load(Ordering::Acquire) & (1 << bit) != 0)
    }

    /// Verifies function `index` unless it already passed: call before anything of it runs.
    /// `source` is the text the code was loaded or compiled with.
    #[inline]
    pub fn ensure_function(&self, index: u32, source: &str) -> Result<(), CacheError> {
        if self.is_function_verified(index) {
            Ok(())
        } else {
            self.verify_function(index, source)
        }
    }

    #[cold]
    #[inline(never)]
    fn verify_function(&self, index: u32, source: &str) -> Result<(), CacheError> {
        if source.len() != self.archive.source_len {
            return Err(CacheError::OtherSource);
        }
        let started = Instant::now();
        verify::verify_function(self.view(), index, source)?;
        self.mark_verified(index);
        self.archive.lazily_verified.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.archive.lazy_nanos.fetch_add(nanos, Ordering::Relaxed);
        Ok(())
    }

    /// Records that function `index`, which exists, passed [`verify::verify_function`].
    fn mark_verified(&self, index: u32) {
        let (word, bit) = (index as usize / 64, index % 64);
        if let Some(w) = self.archive.verified.get(word) {
            w.fetch_or(1 << bit, Ordering::Release);
        }
    }

    /// Verifies every function not yet verified: what a load did before verification became
    /// lazy. For hosts that want every error at once, `kiln disasm` and the fuzzers.
    pub fn verify_all(&self, source: &str) -> Result<(), CacheError> {
        for index in 0..self.code().functions.len() as u32 {
            self.ensure_function(index, source)?;
        }
        Ok(())
    }

    /// How many functions were verified since the load (after it, on first use), and the time
    /// that took.
    pub fn lazy_verification(&self) -> (u64, Duration) {
        (
            self.archive.lazily_verified.load(Ordering::Relaxed),
            Duration::from_nanos(self.archive.lazy_nanos.load(Ordering::Relaxed)),
        )
    }

    /// Bytes the buffer holding the archive takes (its capacity: it may hold more than the
    /// archive), with the header of its shared allocation and the verified bits.
    pub fn heap_bytes(&self) -> usize {
        self.archive.buffer.capacity()
            + size_of::<Archive>()
            + 2 * size_of::<usize>()
            + self.archive.verified.len() * size_of::<AtomicU64>()
    }

    /// The code's bytes (the archive, then the bytes beside it) and their layout.
    pub fn code_bytes(&self) -> (&[u8], Layout) {
        let len = self.archive.layout.total().unwrap_or(0);
        let start = self.archive.start;
        (
            &self.archive.buffer[start..start + len],
            self.archive.layout,
        )
    }

    /// The code with the bytes beside its archive: every function's bytecode and positions.
    #[inline]
    pub fn view(&self) -> Code<'_> {
        let [_, bytecode, positions] = self.archive.layout.ranges().unwrap_or_default();
        let code = &self.archive.buffer[self.archive.start..];
        Code {
            script: self.code(),
            bytecode: code.get(bytecode).unwrap_or(&[]),
            positions: code.get(positions).unwrap_or(&[]),
        }
    }
}

impl std::fmt::Debug for VerifiedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = self.archive.layout.total().unwrap_or(0);
        write!(f, "VerifiedCode({len} bytes)")
    }
}
