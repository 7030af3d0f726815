//! kiln-compiler: the register bytecode.
//!
//! Today this crate holds the instruction set ([`instruction`]), declared once in a table that
//! generates the opcode enum, typed operands, the encoder, the checked decoder and the
//! disassembler's text; the archived [`ScriptCode`] types ([`code`], provisional); and the
//! disassembler over archived code ([`disasm`]). The compiler from the AST arrives with the
//! compiler and interpreter issue.

pub mod code;
pub mod disasm;
pub mod instruction;

pub use code::{ArchivedScriptCode, BYTECODE_VERSION, ScriptCode};
pub use instruction::{DecodeError, Instruction, Opcode};
