//! kiln-compiler: from the AST to register bytecode.
//!
//! - [`scope`]: scope analysis (hoisting, captures, `with` and direct `eval`).
//! - [`codegen`]: the code generator, one `FunctionCode` per function.
//! - [`instruction`]: the instruction set, declared once in a table that generates the opcode enum,
//!   typed operands, the encoder, the checked decoder and the disassembler's text.
//! - [`code`]: the archived [`ScriptCode`] the interpreter runs in place.
//! - [`disasm`]: readable bytecode from the archived form.

pub mod code;
pub mod codegen;
pub mod disasm;
pub mod instruction;
pub mod keys;
pub mod scope;
pub mod version;

pub use code::{ArchivedScriptCode, BYTECODE_VERSION, ScriptCode};
pub use codegen::{CompileError, compile};
pub use instruction::{DecodeError, Instruction, Opcode, OperandKind, OperandValue};
pub use scope::CodeKind;
