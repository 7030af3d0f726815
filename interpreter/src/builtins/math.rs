//! 21.3 The Math object.

use super::arg;
use crate::abstract_ops::iterators;
use crate::object::{PropertyKey, attrs};
use crate::value::Value;
use crate::vm::Vm;

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let math = vm.new_plain_object(op);
    vm.define_global("Math", math.value());
    for (name, value) in [
        ("E", std::f64::consts::E),
        ("LN10", std::f64::consts::LN_10),
        ("LN2", std::f64::consts::LN_2),
        ("LOG10E", std::f64::consts::LOG10_E),
        ("LOG2E", std::f64::consts::LOG2_E),
        ("PI", std::f64::consts::PI),
        ("SQRT1_2", std::f64::consts::FRAC_1_SQRT_2),
        ("SQRT2", std::f64::consts::SQRT_2),
    ] {
        let k = vm.key(name);
        vm.define_data(math, k, Value::number(value), 0);
    }
    let tag = vm.agent.symbols.to_string_tag;
    let t = vm.string("Math");
    vm.define_data(math, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
    macro_rules! unary {
        ($($name:literal => $f:expr),* $(,)?) => {$(
            vm.define_method(math, $name, 1, |vm, _, args| {
                let x = vm.to_number(arg(args, 0))?;
                let f: fn(f64) -> f64 = $f;
                Ok(Value::number(f(x)))
            });
        )*};
    }
    unary! {
        "abs" => f64::abs,
        "acos" => libm::acos,
        "acosh" => libm::acosh,
        "asin" => libm::asin,
        "asinh" => libm::asinh,
        "atan" => libm::atan,
        "atanh" => libm::atanh,
        "cbrt" => libm::cbrt,
        "ceil" => f64::ceil,
        "clz32" => |x| f64::from((crate::ops::f64_to_int32(x) as u32).leading_zeros()),
        "cos" => libm::cos,
        "cosh" => libm::cosh,
        "exp" => libm::exp,
        "expm1" => libm::expm1,
        "floor" => f64::floor,
        "fround" => |x| f64::from(x as f32),
        "f16round" => |x| {
            use crate::number_conversion::{f16_bits_to_f64, f64_to_f16_bits};
            f16_bits_to_f64(f64_to_f16_bits(x))
        },
        "log" => libm::log,
        "log1p" => libm::log1p,
        "log10" => libm::log10,
        "log2" => libm::log2,
        "round" => |x| {
            if !x.is_finite() || x == 0.0 { return x; }
            if x > 0.0 && x < 0.5 { return 0.0; }
            if (-0.5..0.0).contains(&x) { return -0.0; }
            // Not floor(x + 0.5): that sum rounds for 0.5 - ε/4 and for odd integers past 2^52.
            let r = x.floor();
            if x - r >= 0.5 { r + 1.0 } else { r }
        },
        "sign" => |x| if x.is_nan() || x == 0.0 { x } else { x.signum() },
        "sin" => libm::sin,
        "sinh" => libm::sinh,
        "sqrt" => f64::sqrt,
        "tan" => libm::tan,
        "tanh" => libm::tanh,
        "trunc" => f64::trunc,
    }
    vm.define_method(math, "sumPrecise", 1, sum_precise);
    vm.define_method(math, "atan2", 2, |vm, _, args| {
        let y = vm.to_number(arg(args, 0))?;
        let x = vm.to_number(arg(args, 1))?;
        Ok(Value::number(libm::atan2(y, x)))
    });
    vm.define_method(math, "pow", 2, |vm, _, args| {
        let x = vm.to_number(arg(args, 0))?;
        let y = vm.to_number(arg(args, 1))?;
        Ok(Value::number(crate::ops::number_exp(x, y)))
    });
    vm.define_method(math, "imul", 2, |vm, _, args| {
        let a = vm.to_int32(arg(args, 0))?;
        let b = vm.to_int32(arg(args, 1))?;
        Ok(Value::int32(a.wrapping_mul(b)))
    });
    vm.define_method(math, "max", 2, |vm, _, args| {
        let mut numbers = Vec::with_capacity(args.len());
        for &a in args {
            numbers.push(vm.to_number(a)?);
        }
        let mut r = f64::NEG_INFINITY;
        for n in numbers {
            if n.is_nan() {
                return Ok(Value::number(f64::NAN));
            }
            if n > r || (n == 0.0 && r == 0.0 && r.is_sign_negative()) {
                r = n;
            }
        }
        Ok(Value::number(r))
    });
    vm.define_method(math, "min", 2, |vm, _, args| {
        let mut numbers = Vec::with_capacity(args.len());
        for &a in args {
            numbers.push(vm.to_number(a)?);
        }
        let mut r = f64::INFINITY;
        for n in numbers {
            if n.is_nan() {
                return Ok(Value::number(f64::NAN));
            }
            if n < r || (n == 0.0 && r == 0.0 && n.is_sign_negative()) {
                r = n;
            }
        }
        Ok(Value::number(r))
    });
    vm.define_method(math, "hypot", 2, |vm, _, args| {
        let mut numbers = Vec::with_capacity(args.len());
        for &a in args {
            numbers.push(vm.to_number(a)?);
        }
        if numbers.iter().any(|n| n.is_infinite()) {
            return Ok(Value::number(f64::INFINITY));
        }
        if numbers.iter().any(|n| n.is_nan()) {
            return Ok(Value::number(f64::NAN));
        }
        let max = numbers.iter().fold(0.0f64, |m, n| m.max(n.abs()));
        if max == 0.0 {
            return Ok(Value::int32(0));
        }
        let sum: f64 = numbers.iter().map(|n| (n / max) * (n / max)).sum();
        Ok(Value::number(sum.sqrt() * max))
    });
    vm.define_method(math, "random", 0, |vm, _, _| {
        // xorshift64*, seeded per VM.
        let mut x = vm.agent.random_state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        vm.agent.random_state = x;
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        Ok(Value::number(r as f64 / (1u64 << 53) as f64))
    });
}

/// Math.sumPrecise ( items ): the exact sum of the Numbers an iterable yields, rounded once.
fn sum_precise(vm: &mut Vm, _: Value, args: &[Value]) -> crate::vm::JsResult<Value> {
    #[derive(PartialEq)]
    enum State {
        MinusZero,
        Finite,
        PlusInfinity,
        MinusInfinity,
        NotANumber,
    }
    let items = arg(args, 0);
    if items.is_nullish() {
        return Err(vm.type_error("Math.sumPrecise takes an iterable of numbers"));
    }
    let record = iterators::get_iterator(vm, items)?;
    let (iterator, next) = iterators::rooted(vm, record);
    let mut state = State::MinusZero;
    // The exact sum, in units of 2^-1074 (the smallest subnormal), so every double is an
    // integer multiple of the unit.
    let mut sum = num_bigint::BigInt::from(0);
    let result = loop {
        let n = match iterators::iterator_step_value(vm, iterator, next) {
            Ok(Some(v)) => v,
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        };
        let Some(n) = n.as_number() else {
            let error = vm.type_error("Math.sumPrecise: every item must be a Number");
            let _ = iterators::iterator_close(vm, iterator);
            break Err(error);
        };
        if state == State::NotANumber {
            continue;
        }
        if n.is_nan() {
            state = State::NotANumber;
        } else if n == f64::INFINITY {
            state = if state == State::MinusInfinity {
                State::NotANumber
            } else {
                State::PlusInfinity
            };
        } else if n == f64::NEG_INFINITY {
            state = if state == State::PlusInfinity {
                State::NotANumber
            } else {
                State::MinusInfinity
            };
        } else if !(n == 0.0 && n.is_sign_negative())
            && matches!(state, State::MinusZero | State::Finite)
        {
            state = State::Finite;
            sum += double_in_units(n);
        }
    };
    result?;
    Ok(Value::number(match state {
        State::NotANumber => f64::NAN,
        State::PlusInfinity => f64::INFINITY,
        State::MinusInfinity => f64::NEG_INFINITY,
        State::MinusZero => -0.0,
        State::Finite => units_to_double(&sum),
    }))
}

/// A finite double as an integer count of 2^-1074.
fn double_in_units(n: f64) -> num_bigint::BigInt {
    let bits = n.to_bits();
    let exponent = ((bits >> 52) & 0x7FF) as i64;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, shift) = if exponent == 0 {
        (fraction, 0)
    } else {
        (fraction | (1 << 52), exponent - 1)
    };
    let magnitude = num_bigint::BigInt::from(mantissa) << shift;
    if n < 0.0 { -magnitude } else { magnitude }
}

/// 2^k as a double (0 or infinity outside the range).
fn power_of_two(k: i64) -> f64 {
    if k > 1023 {
        f64::INFINITY
    } else if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else if k >= -1074 {
        f64::from_bits(1u64 << (k + 1074))
    } else {
        0.0
    }
}

/// An integer count of 2^-1074 rounded to the nearest double, ties to even.
fn units_to_double(sum: &num_bigint::BigInt) -> f64 {
    use num_traits::{Signed, ToPrimitive, Zero};
    if sum.is_zero() {
        return 0.0;
    }
    let magnitude = sum.abs().to_biguint().unwrap_or_default();
    let bits = magnitude.bits() as i64;
    let shift = (bits - 53).max(0);
    let mut q = (&magnitude >> shift).to_u64().unwrap_or(0);
    if shift > 0 {
        let remainder = &magnitude - (num_bigint::BigUint::from(q) << shift);
        let half = num_bigint::BigUint::from(1u8) << (shift - 1);
        if remainder > half || (remainder == half && q % 2 == 1) {
            q += 1;
        }
    }
    let value = q as f64 * power_of_two(shift - 1074);
    if sum.is_negative() { -value } else { value }
}
