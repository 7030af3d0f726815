//! 21.3 The Math object.

use super::arg;
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
    let tag = vm.symbols.to_string_tag;
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
        "acos" => f64::acos,
        "acosh" => f64::acosh,
        "asin" => f64::asin,
        "asinh" => |x| if x == 0.0 { x } else { x.asinh() },
        "atan" => f64::atan,
        "atanh" => f64::atanh,
        "cbrt" => f64::cbrt,
        "ceil" => f64::ceil,
        "clz32" => |x| f64::from((crate::ops::f64_to_int32(x) as u32).leading_zeros()),
        "cos" => f64::cos,
        "cosh" => f64::cosh,
        "exp" => f64::exp,
        "expm1" => f64::exp_m1,
        "floor" => f64::floor,
        "fround" => |x| f64::from(x as f32),
        "f16round" => |x| {
            use crate::number_conversion::{f16_bits_to_f64, f64_to_f16_bits};
            f16_bits_to_f64(f64_to_f16_bits(x))
        },
        "log" => f64::ln,
        "log1p" => f64::ln_1p,
        "log10" => f64::log10,
        "log2" => f64::log2,
        "round" => |x| {
            if !x.is_finite() || x == 0.0 { return x; }
            if x > 0.0 && x < 0.5 { return 0.0; }
            if (-0.5..0.0).contains(&x) { return -0.0; }
            // Not floor(x + 0.5): that sum rounds for 0.5 - ε/4 and for odd integers past 2^52.
            let r = x.floor();
            if x - r >= 0.5 { r + 1.0 } else { r }
        },
        "sign" => |x| if x.is_nan() || x == 0.0 { x } else { x.signum() },
        "sin" => f64::sin,
        "sinh" => f64::sinh,
        "sqrt" => f64::sqrt,
        "tan" => f64::tan,
        "tanh" => f64::tanh,
        "trunc" => f64::trunc,
        "f16round" => |x| f64::from(half_round(x)),
    }
    vm.define_method(math, "atan2", 2, |vm, _, args| {
        let y = vm.to_number(arg(args, 0))?;
        let x = vm.to_number(arg(args, 1))?;
        Ok(Value::number(y.atan2(x)))
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
        let mut x = vm.random_state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        vm.random_state = x;
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        Ok(Value::number(r as f64 / (1u64 << 53) as f64))
    });
}

/// Rounds to the nearest IEEE binary16 value (ties to even), as a float.
fn half_round(x: f64) -> f32 {
    if !x.is_finite() || x == 0.0 {
        return x as f32;
    }
    let a = x.abs();
    if a >= 65520.0 {
        return if x > 0.0 {
            f32::INFINITY
        } else {
            f32::NEG_INFINITY
        };
    }
    // Quantum: subnormals 2^-24, otherwise 2^(e-10).
    let e = a.log2().floor().max(-14.0);
    let quantum = 2f64.powf(e - 10.0);
    let q = a / quantum;
    let mut r = q.round();
    if (q - q.trunc() - 0.5).abs() < f64::EPSILON * q && r % 2.0 != 0.0 {
        r -= 1.0;
    }
    let v = r * quantum;
    (if x < 0.0 { -v } else { v }) as f32
}
