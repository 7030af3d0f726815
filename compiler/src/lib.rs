//! kiln-compiler: the register bytecode.
//!
//! Today this crate holds the instruction set ([`instruction`]), declared once in a table that
//! generates the opcode enum, typed operands, the encoder, the checked decoder and the
//! disassembler's text. The compiler from the AST and the archived `ScriptCode` types arrive with
//! the compiler and interpreter issue.

pub mod instruction;

pub use instruction::{DecodeError, Instruction, Opcode};
