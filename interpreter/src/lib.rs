//! kiln-interpreter: the runtime that executes archived bytecode.
//!
//! Today it holds [`value`], the NaN-boxed `Value`, and [`number_conversion`] (Number::toString
//! in every radix, StringToNumber, toFixed/toExponential/toPrecision). The heap and GC, strings, objects and shapes,
//! realms, built-ins and the dispatch loop arrive with the compiler and interpreter issue.

pub mod number_conversion;
pub mod value;

pub use value::{HeapKind, Unboxed, Value};
