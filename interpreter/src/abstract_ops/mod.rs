//! The spec's shared abstract operations (ECMA-262 section 7, and 6.2.6 for property
//! descriptors): the operations more than one built-in, or the loop and a built-in, call. One
//! file per spec subsection; a built-in's own helpers stay in its file.
//!
//! Most of 7.1 and 7.2 (ToPrimitive, ToNumber, ToString, ToObject, SameValue, IsLessThan...)
//! are `Vm` methods in `ops.rs`, and the internal methods with the operations over them (Get,
//! Set, HasProperty, DefinePropertyOrThrow...) are `Vm` methods in `property.rs`; this module
//! holds the shared operations that would otherwise sit in one built-in's file and be imported
//! from there by the others.

pub mod disposable_objects;
pub mod iterators;
pub mod objects;
pub mod property_descriptors;
pub mod testing_comparison;
pub mod type_conversion;
