//! The bytecode version, in a file of its own so that a change to it is a visible commit.

/// Changes whenever the archived layout of `ScriptCode`, the meaning of an instruction or the
/// cache file's own layout (its header and checksum, `kiln_cache::container`) changes; a cache
/// file with another version is rejected and the script compiles from source.
pub const BYTECODE_VERSION: u32 = 20;
