//! kiln-cache: the bytecode cache.
//!
//! A cache file is `[header | padding | rkyv archive]` ([`container`]). Loading it checks the
//! header (magic, versions, the hash of the exact source text, lengths, checksum), validates the
//! archive with rkyv's bytecheck, and runs the bytecode [`verify`](mod@verify)er. Only then does it become a
//! [`VerifiedCode`], the one type the interpreter runs — fresh compiles reach it through
//! [`VerifiedCode::from_compiled`], so the cached path and the fresh path meet at the same bytes.
//!
//! Every failure is a [`CacheError`] value, never a panic, whatever the bytes.

pub mod container;
pub mod verify;

pub use container::{
    CacheError, CacheKind, HEADER_LEN, Header, Inspected, LoadOptions, LoadStats, MAGIC,
    MAX_FILE_BYTES, encode, inspect, load, load_with, read_file,
};
pub use verify::verify;

use kiln_compiler::code::{ArchivedScriptCode, ScriptCode};
use rkyv::util::AlignedVec;
use std::ops::Range;
use std::sync::Arc;

/// Archived code that passed rkyv's validation and the bytecode verifier: safe to run.
///
/// Cloning shares the bytes.
#[derive(Clone)]
pub struct VerifiedCode {
    buffer: Arc<AlignedVec<16>>,
    /// Where the archive sits in `buffer` (after the header, for a cache file).
    archive: Range<usize>,
    /// Where in `buffer` the archive's root object starts: found once, as the interpreter asks
    /// for the code at every call.
    root: usize,
}

impl VerifiedCode {
    /// Archives freshly compiled code. The archive is validated by bytecheck and run through
    /// the verifier, as a cache file is: the dispatch loop relies on the verifier's proof (every
    /// operand in range, every jump on an instruction) instead of checking as it runs.
    pub fn from_compiled(code: &ScriptCode, source: &str) -> Result<VerifiedCode, CacheError> {
        let buffer = code
            .archive()
            .map_err(|e| CacheError::Archive(format!("cannot archive code: {}", e.0)))?;
        let archived =
            kiln_compiler::code::access(&buffer).map_err(|e| CacheError::Archive(e.0))?;
        verify(archived, source)?;
        let len = buffer.len();
        Ok(VerifiedCode::new_checked(buffer, 0..len))
    }

    /// Wraps a buffer whose `archive` range passed validation and verification.
    fn new_checked(buffer: AlignedVec<16>, archive: Range<usize>) -> VerifiedCode {
        // SAFETY: as in `code` below: bytecheck accepted exactly this range.
        let root =
            unsafe { rkyv::access_unchecked::<ArchivedScriptCode>(&buffer[archive.clone()]) };
        let root = root as *const ArchivedScriptCode as usize - buffer.as_ptr() as usize;
        VerifiedCode {
            buffer: Arc::new(buffer),
            archive,
            root,
        }
    }

    /// The archived script, read in place.
    #[inline]
    pub fn code(&self) -> &ArchivedScriptCode {
        // SAFETY: a `VerifiedCode` is only built (`from_compiled`, `new_checked`) from bytes that
        // rkyv's bytecheck accepted over exactly the `archive` range, and the buffer is never
        // mutated or moved afterwards (it is private, its heap block shared read-only through
        // `Arc`; moving the `AlignedVec` into the `Arc` does not move its bytes). `root` is where
        // rkyv's `access_unchecked` found the root object in that range, computed once in
        // `new_checked`; the range starts at a multiple of 16 in a 16-aligned buffer, as
        // validated, so the object there is aligned.
        unsafe {
            &*self
                .buffer
                .as_ptr()
                .add(self.root)
                .cast::<ArchivedScriptCode>()
        }
    }

    /// Bytes the buffer holding the archive takes (its capacity: it may hold more than the
    /// archive), with the header of its shared allocation.
    pub fn heap_bytes(&self) -> usize {
        self.buffer.capacity() + 2 * size_of::<usize>()
    }

    /// The rkyv archive alone.
    pub fn archive_bytes(&self) -> &[u8] {
        &self.buffer[self.archive.clone()]
    }
}

impl std::fmt::Debug for VerifiedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VerifiedCode({} bytes)", self.archive.len())
    }
}
