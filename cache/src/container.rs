//! The cache file: an 80-byte header, then the code as `kiln_compiler::code::Layout` lays it
//! out: the rkyv archive (16-aligned, as it was written), the bytecode, the packed positions.
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
//! | 56..64 | bytecode length in bytes                                           |
//! | 64..72 | packed positions length in bytes                                   |
//! | 72..80 | checksum of the code (below)                                       |
//!
//! The checksum is the xxh3-64 of the code's pieces' xxh3-64s (256 KiB pieces from the end of
//! the header, the last one shorter; each hash little-endian, one after another), seeded with the
//! xxh3-64 of the header's first 72 bytes: the pieces can be hashed on two threads at once.

use crate::{VerifiedCode, parallel};
use kiln_compiler::BYTECODE_VERSION;
use rkyv::util::AlignedVec;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use twox_hash::XxHash3_64;

pub const MAGIC: [u8; 8] = *b"KILNCODE";
pub const HEADER_LEN: usize = 80;
/// The header's bytes before the checksum, which seed it.
const SEEDING: usize = 72;
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
    pub bytecode_len: u64,
    pub positions_len: u64,
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

/// The code is hashed in pieces of this many bytes, each on its own, so that two threads can
/// share the work ([`crate::parallel`]); the checksum is the hash of the pieces' hashes.
const CHECKSUM_PIECE: usize = 256 << 10;

fn checksum(header_start: &[u8], code: &[u8]) -> u64 {
    let pieces: Vec<u64> = code.chunks(CHECKSUM_PIECE).map(piece_hash).collect();
    combine_pieces(header_start, &pieces)
}

fn piece_hash(piece: &[u8]) -> u64 {
    XxHash3_64::oneshot(piece)
}

/// The checksum of code whose pieces hash to `pieces`, seeded with the header's bytes before
/// the checksum.
fn combine_pieces(header_start: &[u8], pieces: &[u64]) -> u64 {
    let bytes: Vec<u8> = pieces.iter().flat_map(|p| p.to_le_bytes()).collect();
    XxHash3_64::oneshot_with_seed(XxHash3_64::oneshot(header_start), &bytes)
}

/// The cache file of `code`, made from `source`: the header, then the code.
pub fn encode(code: &VerifiedCode, source: &str, kind: CacheKind) -> AlignedVec<16> {
    let (bytes, layout) = code.code_bytes();
    let top = code
        .code()
        .functions
        .get(code.code().top_level.to_native() as usize);
    let strict = top.is_some_and(|f| f.flags.to_native() & kiln_compiler::code::flags::STRICT != 0);
    let mut out = AlignedVec::<16>::with_capacity(HEADER_LEN + bytes.len());
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
    for len in [layout.archive, layout.bytecode, layout.positions] {
        out.extend_from_slice(&(len as u64).to_le_bytes());
    }
    let sum = checksum(&out[..SEEDING], bytes);
    out.extend_from_slice(&sum.to_le_bytes());
    debug_assert_eq!(out.len(), HEADER_LEN);
    out.extend_from_slice(bytes);
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
    /// Decodes the first 80 bytes; checks only the magic and the kind bits.
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
            bytecode_len: u64_at(bytes, 56),
            positions_len: u64_at(bytes, 64),
            checksum: u64_at(bytes, 72),
        })
    }

    /// The code's lengths (each at most `usize::MAX`).
    pub fn layout(&self) -> kiln_compiler::code::Layout {
        let at_most = |len: u64| usize::try_from(len).unwrap_or(usize::MAX);
        kiln_compiler::code::Layout {
            archive: at_most(self.archive_len),
            bytecode: at_most(self.bytecode_len),
            positions: at_most(self.positions_len),
        }
    }

    /// The length of the code the header announces.
    fn code_len(&self) -> u64 {
        self.archive_len
            .saturating_add(self.bytecode_len)
            .saturating_add(self.positions_len)
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

/// The file holds exactly the header and the code the header announces.
fn check_length(bytes: &[u8], header: &Header) -> Result<(), CacheError> {
    let expected = (HEADER_LEN as u64).saturating_add(header.code_len());
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
    /// The cache's size in bytes: the bytes given, or the file read.
    pub bytes: usize,
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
    stats.bytes = bytes.len();
    let header = check_header(&bytes, source, kind)?;
    stats.header = started.elapsed();
    let code = &bytes[HEADER_LEN..];
    let pieces = PieceHashes::new(code.len(), options.checksum);
    let ((matches, hash_time), checked) = parallel::side_by_side(
        source.len() + code.len(),
        || source_matches(source, header.source_hash),
        || {
            let tables = check_tables(&code[..header.layout().archive], &header, source, stats);
            // SAFETY: `code` passed `check_tables` just now.
            tables.and_then(|()| unsafe { check_top_level(code, &header, source, stats) })
        },
        pieces.slots.iter().zip(code.chunks(CHECKSUM_PIECE)),
        |(slot, piece)| pieces.hash(slot, piece),
    );
    stats.source_hash = hash_time;
    stats.two_threads = source.len() + code.len() >= parallel::MIN_BYTES;
    let verified = finish_load(bytes, &header, source, matches, pieces, checked, stats);
    stats.total = started.elapsed();
    verified
}

/// Reads the cache file at `path` and loads it as [`load_with`] does. A large file is read on
/// two threads in [`CHECKSUM_PIECE`]s, each hashed as soon as it is read (while it is still in
/// the processor's cache); the source is hashed beside the reading, and the archive is
/// validated and its tables verified as soon as its pieces are in, while the bytecode is still
/// being read. [`LoadStats::read`] is the time until the last piece is in.
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
        if let Some(read) = read_checking(path, source, options, stats)? {
            stats.read = started.elapsed();
            let ReadAndChecked {
                bytes,
                source_matches,
                pieces,
                tables,
            } = read;
            let header = check_header(&bytes, source, kind)?;
            let tables = match tables {
                Some(tables) => tables,
                None => check_tables(
                    &bytes[HEADER_LEN..HEADER_LEN + header.layout().archive],
                    &header,
                    source,
                    stats,
                ),
            };
            // SAFETY: the archive passed `check_tables`, during the read or just now, and
            // nothing has written it since.
            let checked = tables.and_then(|()| unsafe {
                check_top_level(&bytes[HEADER_LEN..], &header, source, stats)
            });
            let verified = finish_load(
                bytes,
                &header,
                source,
                source_matches,
                pieces,
                checked,
                stats,
            );
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

/// What [`load_file`] learns while it reads a large file.
#[cfg(unix)]
struct ReadAndChecked {
    bytes: AlignedVec<16>,
    /// Whether the source's hash is the header's.
    source_matches: bool,
    pieces: PieceHashes,
    /// The archive's validation and tables' verification, when they ran during the read.
    tables: Option<Result<(), CacheError>>,
}

/// [`load_file`]'s read of a large regular file, with the hashes taken and the archive checked
/// as its pieces come in. `None` for a file to read as any other (small, not at hand at an
/// offset, or not as long as its metadata said).
#[cfg(unix)]
fn read_checking(
    path: &std::path::Path,
    source: &str,
    options: LoadOptions,
    stats: &mut LoadStats,
) -> Result<Option<ReadAndChecked>, CacheError> {
    use std::os::unix::fs::FileExt;
    use std::sync::Mutex;
    use std::sync::atomic::AtomicUsize;
    let io = |e: std::io::Error| CacheError::Io(e.to_string());
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len < parallel::MIN_BYTES as u64 || len > MAX_FILE_BYTES {
        return Ok(None);
    }
    let len = len as usize;
    let mut buffer = AlignedVec::<16>::with_capacity(len);
    let mut header = [0u8; HEADER_LEN];
    if file.read_exact_at(&mut header, 0).is_err() {
        return Ok(None);
    }
    buffer.extend_from_slice(&header);
    // A header that does not parse, or announces another length, fails the load after the read
    // (`check_header`); until then, the archive is checked early only if it fits.
    let header = Header::parse(&header).ok();
    let expected_hash = header.as_ref().map_or(0, |h| h.source_hash);
    let archive_len = header
        .as_ref()
        .map(|h| h.layout().archive)
        .filter(|&archive| archive <= len - HEADER_LEN);
    let archive_pieces = archive_len.map_or(usize::MAX, |a| a.div_ceil(CHECKSUM_PIECE));
    let pieces = PieceHashes::new(len - HEADER_LEN, options.checksum);
    let pieces_in = AtomicUsize::new(0);
    // The archive's checks, with their times, when they ran during the read.
    let tables = Mutex::new(None);
    let code = Pieces::of(&mut buffer, len);
    let ((source_matches, hash_time), complete) = read_side_by_side(
        &file,
        &code,
        HEADER_LEN as u64,
        CHECKSUM_PIECE,
        || source_matches(source, expected_hash),
        |index, piece| {
            if let Some(slot) = pieces.slots.get(index) {
                pieces.hash(slot, piece);
            }
            let (Some(header), Some(archive_len)) = (&header, archive_len) else {
                return;
            };
            if index < archive_pieces
                && pieces_in.fetch_add(1, Ordering::AcqRel) + 1 == archive_pieces
            {
                // Every piece of the archive is in (this thread saw each one's count, after
                // its bytes), and no thread writes them again: check the archive while the
                // other thread reads on.
                // SAFETY: the `archive_len` bytes after the header are inside the pieces
                // read, which nothing writes any more and nothing refers to mutably.
                let archive = unsafe { code.read_part(0, archive_len) };
                let mut stats = LoadStats::default();
                let checked = check_tables(archive, header, source, &mut stats);
                *tables.lock().unwrap_or_else(|e| e.into_inner()) = Some((checked, stats));
            }
        },
    );
    let mut probe = [0u8; 1];
    if !complete || file.read_at(&mut probe, len as u64).map_or(true, |n| n > 0) {
        return Ok(None);
    }
    // SAFETY: the header and every piece after it, up to `len`, were read.
    unsafe { buffer.set_len(len) };
    let tables = tables.into_inner().unwrap_or_else(|e| e.into_inner());
    let tables = tables.map(|(checked, early)| {
        (stats.validate, stats.verify) = (early.validate, early.verify);
        checked
    });
    stats.source_hash = hash_time;
    stats.two_threads = true;
    stats.bytes = len;
    Ok(Some(ReadAndChecked {
        bytes: buffer,
        source_matches,
        pieces,
        tables,
    }))
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

/// rkyv's validation of the `archive` (the header's length of bytes after it), then what the
/// verifier checks at load of its tables: only the lengths of the bytes beside it are needed.
fn check_tables(
    archive: &[u8],
    header: &Header,
    source: &str,
    stats: &mut LoadStats,
) -> Result<(), CacheError> {
    let started = Instant::now();
    let validated =
        kiln_compiler::code::access_archive(archive).map_err(|e| CacheError::Archive(e.0));
    stats.validate = started.elapsed();
    let started = Instant::now();
    let checked =
        validated.and_then(|script| crate::verify::verify_tables(script, header.layout(), source));
    stats.verify = started.elapsed();
    checked
}

/// The verification of the top-level function, the last check before its first instruction.
///
/// # Safety
/// `code` (the bytes after the header, as long as the header says) passed [`check_tables`].
unsafe fn check_top_level(
    code: &[u8],
    header: &Header,
    source: &str,
    stats: &mut LoadStats,
) -> Result<(), CacheError> {
    let started = Instant::now();
    // SAFETY: `check_tables` validated the archive (the caller's word).
    let code = unsafe { kiln_compiler::code::access_unchecked(code, header.layout()) };
    let checked = crate::verify::verify_function(code, code.top_level.to_native(), source);
    stats.verify += started.elapsed();
    checked
}

/// The code's pieces' hashes, as threads take them.
struct PieceHashes {
    /// Whether the checksum is taken; no slots when not.
    taken: bool,
    slots: Vec<AtomicU64>,
    nanos: AtomicU64,
}

impl PieceHashes {
    fn new(code_len: usize, checksum: bool) -> PieceHashes {
        let count = if checksum {
            code_len.div_ceil(CHECKSUM_PIECE)
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

/// The end of a load, once the hashes are taken and the code checked: the first failure in
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
        if combine_pieces(&bytes[..SEEDING], &pieces) != header.checksum {
            return Err(CacheError::Checksum);
        }
    }
    checked?;
    Ok(VerifiedCode::checked_at_load(
        bytes,
        HEADER_LEN,
        header.layout(),
        source.len(),
    ))
}

/// Checks a cache file without its source, to show what it holds (`kiln disasm x.cache`): every
/// check of [`load`] but the source's hash, and source offsets only against the source length.
/// The result is for reading only; running needs [`load`] with the source.
pub fn inspect(bytes: AlignedVec<16>) -> Result<(Header, Inspected), CacheError> {
    let header = Header::parse(&bytes)?;
    check_bytecode_version(&header)?;
    check_length(&bytes, &header)?;
    if checksum(&bytes[..SEEDING], &bytes[HEADER_LEN..]) != header.checksum {
        return Err(CacheError::Checksum);
    }
    let code = kiln_compiler::code::access(&bytes[HEADER_LEN..], header.layout())
        .map_err(|e| CacheError::Archive(e.0))?;
    crate::verify::verify_against(code, crate::verify::Source::Length(header.source_len))?;
    // Not marked verified: the source's text was not there to check against.
    let source_len = usize::try_from(header.source_len).unwrap_or(usize::MAX);
    let layout = header.layout();
    Ok((
        header,
        Inspected(VerifiedCode::wrap(bytes, HEADER_LEN, layout, source_len)),
    ))
}

/// A cache file's code checked without its source: readable, not runnable.
pub struct Inspected(VerifiedCode);

impl Inspected {
    pub fn code(&self) -> kiln_compiler::code::Code<'_> {
        self.0.view()
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

/// Fills `buffer`'s spare capacity from the start of `file`, [`CHECKSUM_PIECE`]s at a time on two
/// threads ([`read_side_by_side`]): most of a large read is the kernel's filling of fresh pages,
/// which two cores do faster. True when every byte of the capacity was read; otherwise the
/// buffer is as it was, and [`fill`] reads from the start as for any file.
#[cfg(unix)]
fn fill_side_by_side(file: &std::fs::File, buffer: &mut AlignedVec<16>) -> bool {
    let capacity = buffer.capacity();
    if !buffer.is_empty() || capacity < parallel::MIN_BYTES {
        return false;
    }
    let pieces = Pieces::of(buffer, capacity);
    let ((), complete) = read_side_by_side(file, &pieces, 0, CHECKSUM_PIECE, || (), |_, _| {});
    if complete {
        // SAFETY: every byte of the capacity was written by `pread(2)`.
        unsafe { buffer.set_len(capacity) };
    }
    complete
}

/// A buffer's bytes from its length on, handed piece by piece to the threads that read into
/// them. Through a raw pointer, so that pieces once read can be looked at while others are
/// still being written; the buffer itself stays borrowed meanwhile.
#[cfg(unix)]
struct Pieces<'a> {
    start: *mut u8,
    len: usize,
    _buffer: std::marker::PhantomData<&'a mut AlignedVec<16>>,
}

// SAFETY: a `Pieces` only hands out parts of its bytes under the contracts of `part_mut` and
// `read_part`, which keep any two threads off the same bytes unless both only read.
#[cfg(unix)]
unsafe impl Send for Pieces<'_> {}
// SAFETY: as above.
#[cfg(unix)]
unsafe impl Sync for Pieces<'_> {}

#[cfg(unix)]
impl<'a> Pieces<'a> {
    /// `buffer`'s bytes from its length up to `end` (at most its capacity).
    fn of(buffer: &'a mut AlignedVec<16>, end: usize) -> Pieces<'a> {
        let (len, end) = (buffer.len(), end.min(buffer.capacity()));
        Pieces {
            // SAFETY: `len <= capacity`: at most one past the allocation's last byte.
            start: unsafe { buffer.as_mut_ptr().add(len) },
            len: end.saturating_sub(len),
            _buffer: std::marker::PhantomData,
        }
    }

    /// Bytes `at..at + len`, to write into.
    ///
    /// # Safety
    /// The range is inside, and nothing else refers to its bytes while the answer lives.
    #[allow(clippy::mut_from_ref)]
    unsafe fn part_mut(&self, at: usize, len: usize) -> &mut [std::mem::MaybeUninit<u8>] {
        // SAFETY: inside the buffer's allocation, and not referred to elsewhere (the caller's
        // word); any bytes are valid `MaybeUninit<u8>`.
        unsafe { std::slice::from_raw_parts_mut(self.start.add(at).cast(), len) }
    }

    /// Bytes `at..at + len`, read.
    ///
    /// # Safety
    /// The range is inside, every byte of it was written, and nothing writes or refers mutably
    /// to them while the answer lives.
    unsafe fn read_part(&self, at: usize, len: usize) -> &[u8] {
        // SAFETY: the caller's word.
        unsafe { std::slice::from_raw_parts(self.start.add(at), len) }
    }
}

/// Reads `pieces` from offset `from` of `file` with `pread(2)`, in parts of `piece` bytes that
/// this thread and a second one take in turn ([`parallel::side_by_side`], which first runs
/// `first_there` on the second); each part, once read, goes to `each` with its index. The
/// second answer says whether every part was read whole: not when the file ended early,
/// cannot be read at an offset (a pipe) or failed.
#[cfg(unix)]
fn read_side_by_side<A: Send>(
    file: &std::fs::File,
    pieces: &Pieces<'_>,
    from: u64,
    piece: usize,
    first_there: impl FnOnce() -> A + Send,
    each: impl Fn(usize, &[u8]) + Sync,
) -> (A, bool) {
    use std::os::fd::AsRawFd;
    use std::sync::atomic::AtomicBool;
    let fd = file.as_raw_fd();
    let short = AtomicBool::new(false);
    let read_part = |index: usize| {
        let at = index * piece;
        let len = piece.min(pieces.len - at);
        // SAFETY: `at < pieces.len`, and each index is handed to one thread once.
        let part = unsafe { pieces.part_mut(at, len) };
        let mut done = 0;
        while done < len && !short.load(Ordering::Relaxed) {
            let offset = from + (at + done) as u64;
            // SAFETY: `pread(2)` writes at most `len - done` bytes from the part's `done`th:
            // only into this part.
            let read = unsafe {
                libc::pread(
                    fd,
                    part.as_mut_ptr().add(done).cast(),
                    len - done,
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
        if done == len {
            // SAFETY: `pread(2)` wrote every byte of the part.
            let read = unsafe { &*(part as *const [std::mem::MaybeUninit<u8>] as *const [u8]) };
            each(index, read);
        }
    };
    let (a, ()) = parallel::side_by_side(
        pieces.len,
        first_there,
        || (),
        0..pieces.len.div_ceil(piece),
        read_part,
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
