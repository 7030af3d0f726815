//! 7.1 Type Conversion: the conversions the built-ins and the internal methods share that are
//! not `Vm` methods in `ops.rs` (where ToPrimitive, ToNumber, ToString, ToLength, ToIndex and
//! the rest live): ToBigInt, CanonicalNumericIndexString, and an integer index as a property
//! key.

use crate::object::PropertyKey;
use crate::value::Value;
use crate::vm::{JsResult, Vm};

/// 7.1.13 ToBigInt
pub fn to_bigint(vm: &mut Vm, v: Value) -> JsResult<num_bigint::BigInt> {
    let p = vm.to_primitive(v, crate::ops::Hint::Number)?;
    if let Some(b) = p.as_bigint() {
        return Ok(vm.bigint(b).clone());
    }
    if let Some(b) = p.as_bool() {
        return Ok(num_bigint::BigInt::from(u8::from(b)));
    }
    if p.is_string() {
        let s = vm.to_rust_string(p)?;
        if s.len() > 4096 {
            vm.check_interrupt_now()?;
        }
        return match crate::ops::string_to_bigint(&s) {
            Ok(b) => Ok(b),
            Err(crate::ops::StringToBigIntError::TooLarge) => {
                Err(vm.range_error("Maximum BigInt size exceeded"))
            }
            Err(crate::ops::StringToBigIntError::Syntax) => {
                Err(vm.syntax_error(&format!("Cannot convert {s} to a BigInt")))
            }
        };
    }
    let d = vm.describe(p);
    Err(vm.type_error(&format!("Cannot convert {d} to a BigInt")))
}

/// 7.1.21 CanonicalNumericIndexString, for a property key.
pub fn canonical_numeric_index_string(vm: &Vm, key: PropertyKey) -> Option<f64> {
    match key {
        PropertyKey::Index(i) => Some(f64::from(i)),
        PropertyKey::Symbol(_) => None,
        PropertyKey::String(atom) => {
            let units = vm.agent.atoms.units(atom);
            let first = *units.first()?;
            if !(first == u16::from(b'-')
                || (u16::from(b'0')..=u16::from(b'9')).contains(&first)
                || first == u16::from(b'I')
                || first == u16::from(b'N'))
            {
                return None;
            }
            if units == [u16::from(b'-'), u16::from(b'0')] {
                return Some(-0.0);
            }
            let n = crate::number_conversion::string_to_number(units);
            let text = crate::number_conversion::number_to_string(n);
            text.encode_utf16().eq(units.iter().copied()).then_some(n)
        }
    }
}

/// The key of index `k` (ToString(𝔽(k))): an array index below 2³² − 1, else an atom.
pub fn index_key(vm: &mut Vm, k: f64) -> PropertyKey {
    if k < 4294967295.0 {
        PropertyKey::Index(k as u32)
    } else {
        vm.key(&crate::number_conversion::number_to_string(k))
    }
}
