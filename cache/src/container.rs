//! The cache file: a 64-byte header, then the rkyv archive (16-aligned, as it was written).
//!
//! | bytes  | field                                                              |
//! |--------|--------------------------------------------------------------------|
//! | 0..8   | magic `KILNCODE`                                                   |
//! | 8..12  | `BYTECODE_VERSION` (u32, little-endian, as every field)            |
//! | 12..28 | engine version, UTF-8, zero-padded                                 |
//! | 28..32 | flags: kind (bits 0-1: script, module, function), strict (bit 2)   |
//! | 32..40 | xxh3-64 hash of the exact source text                              |
//! | 40..48 | source length in bytes                                             |
//! | 48..56 | archive length in bytes                                            |
//! | 56..64 | checksum of the archive (below)                                    |
//!
//! The checksum is the xxh3-64 of the archive's pieces' xxh3-64s (256 KiB pieces, the last one
//! shorter; each hash little-endian, one after another), seeded with the xxh3-64 of the header's
//! first 56 bytes: the pieces can be hashed on two threads at once.

use crate::{VerifiedCode, parallel};
use kiln_compiler::BYTECODE_VERSION;
use rkyv::util::AlignedVec;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use twox_hash::XxHash3_64;

pub const MAGIC: [u8; 8] = *b"KILNCODE";
pub const HEADER_LEN: usize = 64;
/// The engine that wrote a cache; another engine version rejects it even at the same bytecode
/// version, since the two may differ in what the compiler emits for the same source.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the cached code is compiled as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheKind {
    Script,
    Module,
    /// A function body (`vm.compileFunction`).
    Function,
}

impl CacheKind {
    fn bits(self) -> u32 {
        match self {
            CacheKind::Script => 0,
            CacheKind::Module => 1,
            CacheKind::Function => 2,
        }
    }

    fn from_bits(bits: u32) -> Option<CacheKind> {
        match bits & 3 {
            0 => Some(CacheKind::Script),
            1 => Some(CacheKind::Module),
            2 => Some(CacheKind::Function),
            _ => None,
        }
    }
}

impl fmt::Display for CacheKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CacheKind::Script => "script",
            CacheKind::Module => "module",
            CacheKind::Function => "function",
        })
    }
}

const STRICT: u32 = 1 << 2;

/// A decoded header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub bytecode_version: u32,
    pub engine_version: String,
    pub kind: CacheKind,
    pub strict: bool,
    pub source_hash: u64,
    pub source_len: u64,
    pub archive_len: u64,
    pub checksum: u64,
}

/// Why a cache was not used. The script then compiles from source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheError {
    /// Fewer bytes than the header or the header's archive length says.
    Truncated {
        expected: u64,
        actual: u64,
    },
    /// More bytes than the header's archive length says.
    TrailingBytes {
        expected: u64,
        actual: u64,
    },
    BadMagic,
    OtherBytecodeVersion {
        found: u32,
    },
    OtherEngineVersion {
        found: String,
    },
    /// The header's flags are not a known kind, or the kind is not what the caller compiles.
    OtherKind {
        found: String,
        expected: CacheKind,
    },
    /// The source text is not the one the cache was made from.
    OtherSource,
    /// The archive's bytes do not match the header's checksum.
    Checksum,
    /// rkyv's validation rejected the archive.
    Archive(String),
    /// The bytecode verifier rejected an instruction or a table of a function.
    Bytecode {
        function: u32,
        offset: Option<u32>,
        reason: String,
    },
    /// Rejected before reading: the file could not be read.
    Io(String),
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheError::Truncated { expected, actual } => write!(
                f,
                "the cache is truncated: {actual} bytes where {expected} are expected"
            ),
            CacheError::TrailingBytes { expected, actual } => write!(
                f,
                "the cache has {actual} bytes where {expected} are expected"
            ),
            CacheError::BadMagic => f.write_str("not a Kiln cache file (bad magic bytes)"),
            CacheError::OtherBytecodeVersion { found } => write!(
                f,
                "the cache has bytecode version {found}; this engine runs version {BYTECODE_VERSION}"
            ),
            CacheError::OtherEngineVersion { found } => write!(
                f,
                "the cache was written by Kiln {found}; this is Kiln {ENGINE_VERSION}"
            ),
            CacheError::OtherKind { found, expected } => {
                write!(f, "the cache holds a {found}, not a {expected}")
            }
            CacheError::OtherSource => {
                f.write_str("the source text differs from the one the cache was made from")
            }
            CacheError::Checksum => f.write_str("the cache is corrupt (checksum mismatch)"),
            CacheError::Archive(e) => write!(f, "the cache's archive is corrupt: {e}"),
            CacheError::Bytecode {
                function,
                offset: Some(offset),
                reason,
            } => write!(
                f,
                "invalid bytecode in function {function} at offset {offset}: {reason}"
            ),
            CacheError::Bytecode {
                function,
                offset: None,
                reason,
            } => write!(f, "invalid bytecode in function {function}: {reason}"),
            CacheError::Io(e) => write!(f, "cannot read the cache: {e}"),
        }
    }
}

impl std::error::Error for CacheError {}

// XXH3-64 through a crate that picks AVX2 at run time where the CPU has it (a build for any
// x86-64 otherwise gets SSE2 only): the source hash and the checksum cost about 40% less on
// typescript.js. The values are XXH3's whatever the instructions (`hashes_are_xxh3` below).
fn source_hash(source: &str) -> u64 {
    XxHash3_64::oneshot(source.as_bytes())
}

/// The archive is hashed in pieces of this many bytes, each on its own, so that two threads can
/// share the work ([`crate::parallel`]); the checksum is the hash of the pieces' hashes.
const CHECKSUM_PIECE: usize = 256 << 10;

fn checksum(header_start: &[u8], archive: &[u8]) -> u64 {
    let pieces: Vec<u64> = archive.chunks(CHECKSUM_PIECE).map(piece_hash).collect();
    combine_pieces(header_start, &pieces)
}

fn piece_hash(piece: &[u8]) -> u64 {
    XxHash3_64::oneshot(piece)
}

/// The checksum of an archive whose pieces hash to `pieces`, seeded with the header's first 56
/// bytes.
fn combine_pieces(header_start: &[u8], pieces: &[u64]) -> u64 {
    let bytes: Vec<u8> = pieces.iter().flat_map(|p| p.to_le_bytes()).collect();
    XxHash3_64::oneshot_with_seed(XxHash3_64::oneshot(header_start), &bytes)
}

/// The cache file of `code`, made from `source`: the header, then the archive.
pub fn encode(code: &VerifiedCode, source: &str, kind: CacheKind) -> AlignedVec<16> {
    let archive = code.archive_bytes();
    let top = code
        .code()
        .functions
        .get(code.code().top_level.to_native() as usize);
    let strict = top.is_some_and(|f| f.flags.to_native() & kiln_compiler::code::flags::STRICT != 0);
    let mut out = AlignedVec::<16>::with_capacity(HEADER_LEN + archive.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&BYTECODE_VERSION.to_le_bytes());
    let mut engine = [0u8; 16];
    let n = ENGINE_VERSION.len().min(16);
    engine[..n].copy_from_slice(&ENGINE_VERSION.as_bytes()[..n]);
    out.extend_from_slice(&engine);
    let flags = kind.bits() | if strict { STRICT } else { 0 };
    out.extend_from_slice(&flags.to_le_bytes());
    out.extend_from_slice(&source_hash(source).to_le_bytes());
    out.extend_from_slice(&(source.len() as u64).to_le_bytes());
    out.extend_from_slice(&(archive.len() as u64).to_le_bytes());
    let sum = checksum(&out[..56], archive);
    out.extend_from_slice(&sum.to_le_bytes());
    debug_assert_eq!(out.len(), HEADER_LEN);
    out.extend_from_slice(archive);
    out
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(b)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(b)
}

impl Header {
    /// Decodes the first 64 bytes; checks only the magic and the kind bits.
    pub fn parse(bytes: &[u8]) -> Result<Header, CacheError> {
        if bytes.len() < HEADER_LEN {
            if bytes.len() >= MAGIC.len() && bytes[..MAGIC.len()] != MAGIC {
                return Err(CacheError::BadMagic);
            }
            return Err(CacheError::Truncated {
                expected: HEADER_LEN as u64,
                actual: bytes.len() as u64,
            });
        }
        if bytes[..8] != MAGIC {
            return Err(CacheError::BadMagic);
        }
        let engine = &bytes[12..28];
        let end = engine.iter().position(|&b| b == 0).unwrap_or(16);
        let flags = u32_at(bytes, 28);
        let kind = CacheKind::from_bits(flags).ok_or_else(|| CacheError::OtherKind {
            found: format!("kind {}", flags & 3),
            expected: CacheKind::Script,
        })?;
        Ok(Header {
            bytecode_version: u32_at(bytes, 8),
            engine_version: String::from_utf8_lossy(&engine[..end]).into_owned(),
            kind,
            strict: flags & STRICT != 0,
            source_hash: u64_at(bytes, 32),
            source_len: u64_at(bytes, 40),
            archive_len: u64_at(bytes, 48),
            checksum: u64_at(bytes, 56),
        })
    }
}

fn check_bytecode_version(header: &Header) -> Result<(), CacheError> {
    if header.bytecode_version == BYTECODE_VERSION {
        Ok(())
    } else {
        Err(CacheError::OtherBytecodeVersion {
            found: header.bytecode_version,
        })
    }
}

/// The file holds exactly the header and the archive the header announces.
fn check_length(bytes: &[u8], header: &Header) -> Result<(), CacheError> {
    let expected = (HEADER_LEN as u64).saturating_add(header.archive_len);
    let actual = bytes.len() as u64;
    if actual < expected {
        Err(CacheError::Truncated { expected, actual })
    } else if actual > expected {
        Err(CacheError::TrailingBytes { expected, actual })
    } else {
        Ok(())
    }
}

/// How thoroughly to load.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    /// Compare the archive with the header's checksum. Only the fuzzer turns this off, to reach
    /// the validator and the verifier with corrupted archives (a hostile file can always carry
    /// a matching checksum, so they must hold on their own).
    pub checksum: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { checksum: true }
    }
}

/// Where the time of a load went. From [`parallel::MIN_BYTES`] of source and archive, the
/// hashes and the checks run on two threads side by side, so that their times add up to more
/// than the load's.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadStats {
    /// The header's fields.
    pub header: Duration,
    /// Hashing the source text.
    pub source_hash: Duration,
    /// Hashing the archive, on both threads together.
    pub checksum: Duration,
    /// rkyv's bytecheck over the archive.
    pub validate: Duration,
    /// The bytecode verifier at load: the tables, every function's directory entry and the
    /// top-level function (the others are verified when first used).
    pub verify: Duration,
    /// The whole load: from the header to the verified code, or from opening the file in
    /// [`load_file`].
    pub total: Duration,
    /// Reading the file, in [`load_file`] (with the source hash and the checksum beside it, for
    /// a large file).
    pub read: Duration,
    /// Whether a second thread took part.
    pub two_threads: bool,
}

/// Loads a cache file made from `source` as `kind`: checks the header, the checksum, validates
/// the archive, verifies its tables and its top-level function's bytecode (the other functions'
/// when they are first about to run: [`VerifiedCode::ensure_function`]). Takes the buffer so the
/// archive is run in place.
pub fn load(
    bytes: AlignedVec<16>,
    source: &str,
    kind: CacheKind,
) -> Result<VerifiedCode, CacheError> {
    load_with(
        bytes,
        source,
        kind,
        LoadOptions::default(),
        &mut LoadStats::default(),
    )
}

/// [`load`] with options, recording each phase's time in `stats`.
///
/// The source hash and the checksum (in [`CHECKSUM_PIECE`]s) are taken beside the validation
/// and the verification, on a second thread for a large cache; the first failure is then
/// reported in the order of a load on one thread: the source, the checksum, the archive, the
/// bytecode. Validation and verification hold on any bytes (the checksum guards against
/// accidents, not forgers), so they may run before the checksum is known.
pub fn load_with(
    bytes: AlignedVec<16>,
    source: &str,
    kind: CacheKind,
    options: LoadOptions,
    stats: &mut LoadStats,
) -> Result<VerifiedCode, CacheError> {
    let started = Instant::now();
    let header = check_header(&bytes, source, kind)?;
    stats.header = started.elapsed();
    let archive = &bytes[HEADER_LEN..];
    let pieces = PieceHashes::new(archive.len(), options.checksum);
    let ((matches, hash_time), checked) = parallel::side_by_side(
        source.len() + archive.len(),
        || source_matches(source, header.source_hash),
        || validate_and_verify(archive, source, &mut stats.validate, &mut stats.verify),
        pieces.slots.iter().zip(archive.chunks(CHECKSUM_PIECE)),
        |(slot, piece)| pieces.hash(slot, piece),
    );
    stats.source_hash = hash_time;
    stats.two_threads = source.len() + archive.len() >= parallel::MIN_BYTES;
    let verified = finish_load(bytes, &header, source, matches, pieces, checked, stats);
    stats.total = started.elapsed();
    verified
}

/// Reads the cache file at `path` and loads it as [`load_with`] does. A large file is read on
/// two threads in [`CHECKSUM_PIECE`]s, each hashed as soon as it is read (while it is still in
/// the processor's cache), and the source is hashed beside the reading; what is left after the
/// read is the validation and the verification. [`LoadStats::read`] is the reading's time.
pub fn load_file(
    path: &std::path::Path,
    source: &str,
    kind: CacheKind,
    options: LoadOptions,
    stats: &mut LoadStats,
) -> Result<VerifiedCode, CacheError> {
    #[cfg(unix)]
    {
        let started = Instant::now();
        if let Some((bytes, matches, pieces)) = read_hashing(path, source, options, stats)? {
            stats.read = started.elapsed();
            let header = check_header(&bytes, source, kind)?;
            let archive = &bytes[HEADER_LEN..];
            let checked =
                validate_and_verify(archive, source, &mut stats.validate, &mut stats.verify);
            let verified = finish_load(bytes, &header, source, matches, pieces, checked, stats);
            stats.total = started.elapsed();
            return verified;
        }
    }
    let started = Instant::now();
    let bytes = read_file(path)?;
    let read = started.elapsed();
    let verified = load_with(bytes, source, kind, options, stats);
    stats.read = read;
    stats.total += read;
    verified
}

/// [`load_file`]'s read of a large regular file: the bytes, whether the source's hash is the
/// header's, and the archive's pieces hashed. `None` for a file to read as any other (small,
/// not at hand at an offset, or not as long as its metadata said).
#[cfg(unix)]
#[allow(clippy::type_complexity)]
fn read_hashing(
    path: &std::path::Path,
    source: &str,
    options: LoadOptions,
    stats: &mut LoadStats,
) -> Result<Option<(AlignedVec<16>, bool, PieceHashes)>, CacheError> {
    use std::os::unix::fs::FileExt;
    let io = |e: std::io::Error| CacheError::Io(e.to_string());
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len < parallel::MIN_BYTES as u64 || len > MAX_FILE_BYTES {
        return Ok(None);
    }
    let mut buffer = AlignedVec::<16>::with_capacity(len as usize);
    let mut header = [0u8; HEADER_LEN];
    if file.read_exact_at(&mut header, 0).is_err() {
        return Ok(None);
    }
    buffer.extend_from_slice(&header);
    // A header that does not parse fails the load after the read (`check_header`).
    let expected = Header::parse(&header).map_or(0, |h| h.source_hash);
    let pieces = PieceHashes::new(buffer.capacity() - HEADER_LEN, options.checksum);
    let ((matches, hash_time), complete) = read_side_by_side(
        &file,
        spare(&mut buffer),
        HEADER_LEN as u64,
        CHECKSUM_PIECE,
        || source_matches(source, expected),
        |index, piece| {
            if let Some(slot) = pieces.slots.get(index) {
                pieces.hash(slot, piece);
            }
        },
    );
    let mut probe = [0u8; 1];
    if !complete || file.read_at(&mut probe, len).map_or(true, |n| n > 0) {
        return Ok(None);
    }
    // SAFETY: the header and every piece after it, up to the capacity, were read.
    unsafe { buffer.set_len(len as usize) };
    stats.source_hash = hash_time;
    stats.two_threads = true;
    Ok(Some((buffer, matches, pieces)))
}

/// The checks of a load that read the header alone, in their order.
fn check_header(bytes: &[u8], source: &str, kind: CacheKind) -> Result<Header, CacheError> {
    let header = Header::parse(bytes)?;
    check_bytecode_version(&header)?;
    if header.engine_version != ENGINE_VERSION {
        return Err(CacheError::OtherEngineVersion {
            found: header.engine_version,
        });
    }
    if header.kind != kind {
        return Err(CacheError::OtherKind {
            found: header.kind.to_string(),
            expected: kind,
        });
    }
    check_length(bytes, &header)?;
    if header.source_len != source.len() as u64 {
        return Err(CacheError::OtherSource);
    }
    Ok(header)
}

/// Whether `source` hashes to `expected`, and the hashing's time.
fn source_matches(source: &str, expected: u64) -> (bool, Duration) {
    let started = Instant::now();
    (source_hash(source) == expected, started.elapsed())
}

/// rkyv's validation, then what the verifier checks at load.
fn validate_and_verify(
    archive: &[u8],
    source: &str,
    validate: &mut Duration,
    verify: &mut Duration,
) -> Result<(), CacheError> {
    let started = Instant::now();
    let validated = kiln_compiler::code::access(archive).map_err(|e| CacheError::Archive(e.0));
    *validate = started.elapsed();
    let started = Instant::now();
    let checked = validated.and_then(|code| VerifiedCode::check_at_load(code, source));
    *verify = started.elapsed();
    checked
}

/// The archive's pieces' hashes, as threads take them.
struct PieceHashes {
    /// Whether the checksum is taken; no slots when not.
    taken: bool,
    slots: Vec<AtomicU64>,
    nanos: AtomicU64,
}

impl PieceHashes {
    fn new(archive_len: usize, checksum: bool) -> PieceHashes {
        let count = if checksum {
            archive_len.div_ceil(CHECKSUM_PIECE)
        } else {
            0
        };
        PieceHashes {
            taken: checksum,
            slots: (0..count).map(|_| AtomicU64::new(0)).collect(),
            nanos: AtomicU64::new(0),
        }
    }

    fn hash(&self, slot: &AtomicU64, piece: &[u8]) {
        let started = Instant::now();
        slot.store(piece_hash(piece), Ordering::Relaxed);
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

/// The end of a load, once the hashes are taken and the archive checked: the first failure in
/// the order of a load on one thread (the source, the checksum, the archive, the bytecode), or
/// the code.
fn finish_load(
    bytes: AlignedVec<16>,
    header: &Header,
    source: &str,
    source_matches: bool,
    pieces: PieceHashes,
    checked: Result<(), CacheError>,
    stats: &mut LoadStats,
) -> Result<VerifiedCode, CacheError> {
    stats.checksum = Duration::from_nanos(pieces.nanos.into_inner());
    if !source_matches {
        return Err(CacheError::OtherSource);
    }
    if pieces.taken {
        let pieces: Vec<u64> = pieces
            .slots
            .into_iter()
            .map(AtomicU64::into_inner)
            .collect();
        if combine_pieces(&bytes[..56], &pieces) != header.checksum {
            return Err(CacheError::Checksum);
        }
    }
    checked?;
    let archive = HEADER_LEN..bytes.len();
    Ok(VerifiedCode::checked_at_load(bytes, archive, source.len()))
}

/// Checks a cache file without its source, to show what it holds (`kiln disasm x.cache`): every
/// check of [`load`] but the source's hash, and source offsets only against the source length.
/// The result is for reading only; running needs [`load`] with the source.
pub fn inspect(bytes: AlignedVec<16>) -> Result<(Header, Inspected), CacheError> {
    let header = Header::parse(&bytes)?;
    check_bytecode_version(&header)?;
    check_length(&bytes, &header)?;
    let archive = HEADER_LEN..bytes.len();
    if checksum(&bytes[..56], &bytes[archive.clone()]) != header.checksum {
        return Err(CacheError::Checksum);
    }
    let code = kiln_compiler::code::access(&bytes[archive.clone()])
        .map_err(|e| CacheError::Archive(e.0))?;
    crate::verify::verify_against(code, crate::verify::Source::Length(header.source_len))?;
    // Not marked verified: the source's text was not there to check against.
    let source_len = usize::try_from(header.source_len).unwrap_or(usize::MAX);
    Ok((
        header,
        Inspected(VerifiedCode::wrap(bytes, archive, source_len)),
    ))
}

/// A cache file's code checked without its source: readable, not runnable.
pub struct Inspected(VerifiedCode);

impl Inspected {
    pub fn code(&self) -> &kiln_compiler::ArchivedScriptCode {
        self.0.code()
    }
}

/// Reads a file into a 16-aligned buffer, ready for [`load`].
pub fn read_file(path: &std::path::Path) -> Result<AlignedVec<16>, CacheError> {
    use std::io::Read;
    let io = |e: std::io::Error| CacheError::Io(e.to_string());
    let mut file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut buffer = AlignedVec::<16>::with_capacity(len.min(MAX_FILE_BYTES) as usize);
    fill(&mut file, &mut buffer).map_err(io)?;
    // The file may hold more than its metadata said (it grew, or it is a pipe or a device):
    // read on, up to the bound, so that endless or enormous inputs (`/dev/zero`) stop there
    // instead of exhausting memory.
    let mut probe = [0u8; 1];
    let more = loop {
        match file.read(&mut probe) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            read => break read.map_err(io)? > 0,
        }
    };
    if more {
        buffer.extend_from_slice(&probe);
        let rest = (MAX_FILE_BYTES + 1).saturating_sub(buffer.len() as u64);
        buffer
            .extend_from_reader(&mut file.take(rest))
            .map_err(io)?;
    }
    if buffer.len() as u64 > MAX_FILE_BYTES {
        return Err(CacheError::Io(format!(
            "larger than the {} MiB a cache or script file may be",
            MAX_FILE_BYTES >> 20
        )));
    }
    Ok(buffer)
}

/// Reads `file` into `buffer`'s spare capacity until that is full or the file ends, without
/// first zeroing the capacity as `AlignedVec::extend_from_reader` does: for typescript.js's
/// 8.5 MB cache that zeroing was 8.5M instructions, a third of a load's. A large file is read
/// on two threads ([`fill_side_by_side`]).
#[cfg(unix)]
fn fill(file: &mut std::fs::File, buffer: &mut AlignedVec<16>) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    use std::os::fd::AsRawFd;
    if fill_side_by_side(file, buffer) {
        file.seek(SeekFrom::Start(buffer.len() as u64))?;
        return Ok(());
    }
    while buffer.len() < buffer.capacity() {
        let (len, spare) = (buffer.len(), buffer.capacity() - buffer.len());
        // SAFETY: `len < capacity`, so the pointer is inside the buffer's allocation, and
        // `read(2)` writes at most `spare` bytes from it: only into the allocation's spare
        // capacity, which nothing else refers to while `buffer` is borrowed mutably. No
        // reference to unwritten bytes is made.
        let read =
            unsafe { libc::read(file.as_raw_fd(), buffer.as_mut_ptr().add(len).cast(), spare) };
        match read {
            0 => break,
            n if n > 0 => {
                // SAFETY: the kernel wrote `n <= spare` bytes after the first `len`, so the
                // first `len + n` bytes are initialised and within the capacity.
                unsafe { buffer.set_len(len + n as usize) }
            }
            _ => {
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
        }
    }
    Ok(())
}

/// The pieces a large file is read in, by two threads in turn.
#[cfg(unix)]
const READ_PIECE: usize = 1 << 20;

/// Fills `buffer`'s spare capacity from the start of `file`, [`READ_PIECE`]s at a time on two
/// threads ([`read_side_by_side`]): most of a large read is the kernel's filling of fresh pages,
/// which two cores do faster. True when every byte of the capacity was read; otherwise the
/// buffer is as it was, and [`fill`] reads from the start as for any file.
#[cfg(unix)]
fn fill_side_by_side(file: &std::fs::File, buffer: &mut AlignedVec<16>) -> bool {
    let capacity = buffer.capacity();
    if !buffer.is_empty() || capacity < parallel::MIN_BYTES {
        return false;
    }
    let ((), complete) = read_side_by_side(file, spare(buffer), 0, READ_PIECE, || (), |_, _| {});
    if complete {
        // SAFETY: every byte of the capacity was written by `pread(2)`.
        unsafe { buffer.set_len(capacity) };
    }
    complete
}

/// `buffer`'s spare capacity, as bytes that may be uninitialised.
#[cfg(unix)]
fn spare(buffer: &mut AlignedVec<16>) -> &mut [std::mem::MaybeUninit<u8>] {
    let (len, capacity) = (buffer.len(), buffer.capacity());
    // SAFETY: the allocation's bytes past the length, seen as possibly uninitialised bytes,
    // which any bytes are; nothing else refers to them while `buffer` is borrowed mutably.
    unsafe {
        std::slice::from_raw_parts_mut(
            buffer
                .as_mut_ptr()
                .add(len)
                .cast::<std::mem::MaybeUninit<u8>>(),
            capacity - len,
        )
    }
}

/// Reads `out.len()` bytes of `file` from offset `from` into `out` with `pread(2)`, in pieces
/// of `piece` bytes that this thread and a second one take in turn
/// ([`parallel::side_by_side`], which first runs `first_there` on the second); each piece, once
/// read, goes to `each` with its index. The second answer says whether every piece was read
/// whole: not when the file ended early, cannot be read at an offset (a pipe) or failed.
#[cfg(unix)]
fn read_side_by_side<A: Send>(
    file: &std::fs::File,
    out: &mut [std::mem::MaybeUninit<u8>],
    from: u64,
    piece: usize,
    first_there: impl FnOnce() -> A + Send,
    each: impl Fn(usize, &[u8]) + Sync,
) -> (A, bool) {
    use std::os::fd::AsRawFd;
    use std::sync::atomic::AtomicBool;
    let fd = file.as_raw_fd();
    let short = AtomicBool::new(false);
    let bytes = out.len();
    let read_piece = |(index, part): (usize, &mut [std::mem::MaybeUninit<u8>])| {
        let mut done = 0;
        while done < part.len() && !short.load(Ordering::Relaxed) {
            let offset = from + (index * piece + done) as u64;
            // SAFETY: `pread(2)` writes at most `part.len() - done` bytes from the part's
            // `done`th: only into this part, which no other thread touches.
            let read = unsafe {
                libc::pread(
                    fd,
                    part.as_mut_ptr().add(done).cast(),
                    part.len() - done,
                    offset as libc::off_t,
                )
            };
            match read {
                n if n > 0 => done += n as usize,
                n if n < 0
                    && std::io::Error::last_os_error().kind()
                        == std::io::ErrorKind::Interrupted => {}
                _ => short.store(true, Ordering::Relaxed),
            }
        }
        if done == part.len() {
            // SAFETY: `pread(2)` wrote every byte of the part.
            let read = unsafe { &*(part as *const [std::mem::MaybeUninit<u8>] as *const [u8]) };
            each(index, read);
        }
    };
    let (a, ()) = parallel::side_by_side(
        bytes,
        first_there,
        || (),
        out.chunks_mut(piece).enumerate(),
        read_piece,
    );
    (a, !short.into_inner())
}

/// [`fill`] where `read(2)` is not at hand: through the zeroed buffer.
#[cfg(not(unix))]
fn fill(file: &mut std::fs::File, buffer: &mut AlignedVec<16>) -> std::io::Result<()> {
    use std::io::Read;
    let capacity = buffer.capacity() as u64;
    buffer.extend_from_reader(&mut file.by_ref().take(capacity))?;
    Ok(())
}

/// The largest file `read_file` reads: a script cannot be longer than the longest string
/// (2^29 code units, as in V8), and its cache is smaller than that.
pub const MAX_FILE_BYTES: u64 = 1 << 29;

#[cfg(test)]
mod tests {
    use super::*;

    /// The hashes are part of the file format: XXH3-64 values (as the reference
    /// implementation gives them: Python's `xxhash` package), short and long inputs, seeded and
    /// not, and checksums of archives of no piece, one piece and three pieces.
    const XXH3_EMPTY: u64 = 0x2d06800538d394c2;
    const PINNED: [u64; 6] = [
        0x78af5f94892f3950,
        0x1d43ec753d462301,
        0x9b38e8ed6bdecea2,
        0xee0514698cc72215,
        0xa09fb924bda3cad7,
        0x2762fbe930b93022,
    ];

    #[test]
    fn read_file_reads_every_byte() {
        let dir = std::env::temp_dir().join(format!("kiln-read-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // The last two are read on two threads, the last one in pieces of which one is short.
        for len in [0usize, 1, 17, 70_001, 2 << 20, (3 << 20) + 17] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let path = dir.join(format!("{len}.bin"));
            std::fs::write(&path, &bytes).unwrap();
            let read = read_file(&path).unwrap();
            assert_eq!(&read[..], &bytes[..], "{len} bytes");
            assert!(len == 0 || (read.as_ptr() as usize).is_multiple_of(16));
        }
        assert!(read_file(&dir.join("missing.bin")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A file whose metadata says 0 bytes but that has more: read to its end all the same.
    #[cfg(target_os = "linux")]
    #[test]
    fn read_file_reads_past_the_metadata_length() {
        let read = read_file(std::path::Path::new("/proc/self/status")).unwrap();
        assert!(read.starts_with(b"Name:"));
        assert!(read.ends_with(b"\n"));
    }

    #[test]
    fn hashes_are_xxh3() {
        let long = |len: u32| -> Vec<u8> {
            (0..len)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect()
        };
        assert_eq!(source_hash(""), XXH3_EMPTY);
        assert_eq!(source_hash("abc"), PINNED[0]);
        assert_eq!(XxHash3_64::oneshot(&long(100_000)), PINNED[1]);
        assert_eq!(checksum(b"header", b"abc"), PINNED[2]);
        assert_eq!(checksum(b"header", &long(100_000)), PINNED[3]);
        assert_eq!(checksum(b"header", &long(600_000)), PINNED[4]);
        assert_eq!(checksum(b"header", b""), PINNED[5]);
    }
}
