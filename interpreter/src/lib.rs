//! kiln-interpreter: the runtime that executes archived bytecode.
//!
//! - `value`: the NaN-boxed `Value`; [`heap`]: typed arenas and the mark-sweep collector.
//! - `string`: strings (one-byte/UTF-16, ropes) and atoms; [`object`]: objects, shapes,
//!   elements, environments; `property`: the internal methods.
//! - [`vm`]: the VM, frames, realms' host; [`handles`]: the scopes native code roots values in;
//!   `interp`: the dispatch loop; `call`: calls, construction, generators and async
//!   functions; `ops`: conversions and operators.
//! - Beside the loop, what its instructions call: `names` (environments, names looked up at run
//!   time) and `globals`; `inline_cache`; `script_constants` and `templates`; `arguments`,
//!   `super_keyword`, `private_names`, `decorators`, `for_in`, `yield_await`, `direct_eval`, `array_literals`;
//!   `object_operations` (PutValue, GetMethod, CopyDataProperties); `invalid_bytecode`.
//! - [`abstract_ops`]: the spec's shared abstract operations (ECMA-262 section 7, and 6.2.6),
//!   one file per subsection, which the built-ins and the loop import instead of each other's
//!   files.
//! - `realm` and [`builtins`]: the intrinsics; [`eval`]: source to running code.
//! - [`profile`]: `--profile`'s counts and `--trace`, the loop's observed instantiation.
//! - `limits`: termination checks inside built-ins, the maximum string and BigInt sizes.
//! - [`shared_memory`]: SharedArrayBuffers' blocks and waiter lists, the one part of a runtime
//!   other threads' runtimes may share.

pub mod abstract_ops;
pub mod agent;
mod arguments;
mod array_literals;
pub mod builtins;
pub(crate) mod call;
pub(crate) mod collections;
pub(crate) mod context;
mod decorators;
mod direct_eval;
pub mod eval;
mod for_in;
mod globals;
pub mod handles;
pub mod heap;
pub(crate) mod inline_cache;
pub(crate) mod interp;
mod invalid_bytecode;
pub(crate) mod limits;
pub mod loaded_script;
pub mod module;
mod names;
pub(crate) mod number_conversion;
pub mod object;
mod object_operations;
pub(crate) mod ops;
mod private_names;
pub mod profile;
pub(crate) mod property;
pub(crate) mod proxy_object;
pub(crate) mod realm;
mod script_constants;
pub mod shared_memory;
pub mod slots;
pub(crate) mod stack;
pub(crate) mod string;
mod super_keyword;
mod templates;
pub mod typed_array_object;
mod unwinding;
mod using_declarations;
pub(crate) mod value;
pub(crate) mod verified;
pub mod vm;
mod yield_await;

pub use value::{HeapKind, Unboxed, Value};
pub use vm::{Host, JsError, JsResult, StdHost, Vm};
