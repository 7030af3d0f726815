//! 21.1 Number, 20.3 Boolean and 21.2 BigInt objects.

use super::arg;
use crate::abstract_ops::type_conversion::to_bigint;
use crate::heap::ObjRef;
use crate::number_conversion::{number_to_radix_string, to_exponential, to_fixed, to_precision};
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.alloc(Object::new(Some(op), ObjectKind::Number(0.0)));
    let realm = vm.stack.realm as usize;
    vm.realms[realm].number_prototype = proto;
    let ctor = vm.make_constructor("Number", 1, number_call, Some(number_construct), proto);
    for (name, value) in [
        ("EPSILON", f64::EPSILON),
        ("MAX_SAFE_INTEGER", 9007199254740991.0),
        ("MAX_VALUE", f64::MAX),
        ("MIN_SAFE_INTEGER", -9007199254740991.0),
        ("MIN_VALUE", 5e-324),
        ("NaN", f64::NAN),
        ("NEGATIVE_INFINITY", f64::NEG_INFINITY),
        ("POSITIVE_INFINITY", f64::INFINITY),
    ] {
        let k = vm.key(name);
        vm.define_data(ctor, k, Value::number(value), 0);
    }
    vm.define_method(ctor, "isFinite", 1, is_finite);
    vm.define_method(ctor, "isInteger", 1, is_integer);
    vm.define_method(ctor, "isNaN", 1, is_nan);
    vm.define_method(ctor, "isSafeInteger", 1, is_safe_integer);
    vm.define_method(proto, "toExponential", 1, to_exponential_fn);
    vm.define_method(proto, "toFixed", 1, to_fixed_fn);
    vm.define_method(proto, "toLocaleString", 0, to_locale_string);
    vm.define_method(proto, "toPrecision", 1, to_precision_fn);
    vm.define_method(proto, "toString", 1, to_string);
    vm.define_method(proto, "valueOf", 0, value_of);

    let bproto = vm.alloc(Object::new(Some(op), ObjectKind::Boolean(false)));
    vm.realms[realm].boolean_prototype = bproto;
    vm.make_constructor("Boolean", 1, boolean_call, Some(boolean_construct), bproto);
    vm.define_method(bproto, "toString", 0, boolean_to_string);
    vm.define_method(bproto, "valueOf", 0, boolean_value_of);

    let giproto = vm.new_plain_object(op);
    vm.realms[realm].bigint_prototype = giproto;
    let bctor = vm.make_constructor("BigInt", 1, bigint_call, Some(bigint_construct), giproto);
    vm.define_method(bctor, "asIntN", 2, as_int_n);
    vm.define_method(bctor, "asUintN", 2, as_uint_n);
    vm.define_method(giproto, "toString", 0, bigint_to_string);
    vm.define_method(giproto, "toLocaleString", 0, bigint_to_locale_string);
    vm.define_method(giproto, "valueOf", 0, bigint_value_of);
    let tag = vm.agent.symbols.to_string_tag;
    let t = vm.string("BigInt");
    vm.define_data(giproto, PropertyKey::Symbol(tag), t, attrs::CONFIGURABLE);
}

fn number_call(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    if args.is_empty() {
        return Ok(Value::int32(0));
    }
    let n = vm.to_numeric(args[0])?;
    if let Some(b) = n.as_bigint() {
        return Ok(Value::number(
            num_traits::ToPrimitive::to_f64(vm.bigint(b)).unwrap_or(f64::NAN),
        ));
    }
    Ok(n)
}

fn number_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let n = number_call(vm, Value::UNDEFINED, args)?
        .as_number()
        .unwrap_or(0.0);
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.number_prototype)?;
    Ok(vm
        .alloc(Object::new(Some(proto), ObjectKind::Number(n)))
        .value())
}

fn is_finite(_: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::boolean(
        arg(args, 0).as_number().is_some_and(f64::is_finite),
    ))
}

fn is_integer(_: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::boolean(
        arg(args, 0)
            .as_number()
            .is_some_and(|n| n.is_finite() && n.trunc() == n),
    ))
}

fn is_nan(_: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::boolean(
        arg(args, 0).as_number().is_some_and(f64::is_nan),
    ))
}

fn is_safe_integer(_: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::boolean(arg(args, 0).as_number().is_some_and(|n| {
        n.is_finite() && n.trunc() == n && n.abs() <= 9007199254740991.0
    })))
}

/// 21.1.3.7.1 ThisNumberValue
fn this_number(vm: &mut Vm, this: Value) -> JsResult<f64> {
    if let Some(n) = this.as_number() {
        return Ok(n);
    }
    if let Some(o) = this.as_object()
        && let ObjectKind::Number(n) = vm.obj(o).kind
    {
        return Ok(n);
    }
    Err(vm.type_error("Number.prototype method called on incompatible receiver"))
}

fn value_of(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    Ok(Value::number(this_number(vm, this)?))
}

fn to_string(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let x = this_number(vm, this)?;
    let radix = if arg(args, 0).is_undefined() {
        10.0
    } else {
        vm.to_integer_or_infinity(arg(args, 0))?
    };
    if !(2.0..=36.0).contains(&radix) {
        return Err(vm.range_error("toString() radix must be between 2 and 36"));
    }
    let text = number_to_radix_string(x, radix as u32);
    Ok(vm.string(&text))
}

/// 21.1.3.4 Number.prototype.toLocaleString ( [ reserved1 [ , reserved2 ] ] )
///
/// Kiln has no ECMA-402 (Intl), so this is the implementation-defined form the spec allows:
/// always the en-US default of `Intl.NumberFormat` — thousands grouped with `,`, at most three
/// fraction digits rounded half away from zero from the shortest decimal form, `∞` for
/// infinities — whatever locale is asked for. The arguments are ignored: reading them as a radix
/// (as `toString` does) turned `toLocaleString('en-US')` into a RangeError or a wrong number.
fn to_locale_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let x = this_number(vm, this)?;
    Ok(vm.string(&en_us_number(x)))
}

/// `x` as en-US `Intl.NumberFormat` prints it by default (see `to_locale_string`).
pub fn en_us_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x.is_infinite() {
        return format!("{sign}∞");
    }
    // The shortest round-trip digits `d.ddd` and exponent, as ICU starts from.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let mut digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|d| d - b'0')
        .collect();
    // `point`: how many of `digits` come before the decimal point.
    let mut point = exponent.parse::<i64>().unwrap_or(0) + 1;
    if point < 0 {
        let zeros = point.unsigned_abs() as usize;
        digits.splice(0..0, std::iter::repeat_n(0, zeros));
        point = 0;
    }
    let point = point as usize;
    if digits.len() < point {
        digits.resize(point, 0);
    }
    // Round to three fraction digits, half away from zero.
    let keep = point + 3;
    let mut point = point;
    if digits.len() > keep {
        let up = digits[keep] >= 5;
        digits.truncate(keep);
        if up {
            let mut i = keep;
            loop {
                if i == 0 {
                    digits.insert(0, 1);
                    point += 1;
                    break;
                }
                i -= 1;
                if digits[i] == 9 {
                    digits[i] = 0;
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
    }
    let integer: String = digits[..point]
        .iter()
        .map(|d| char::from(b'0' + d))
        .collect();
    let mut fraction: String = digits[point..]
        .iter()
        .map(|d| char::from(b'0' + d))
        .collect();
    while fraction.ends_with('0') {
        fraction.pop();
    }
    let mut out = format!(
        "{sign}{}",
        group_thousands(if integer.is_empty() { "0" } else { &integer })
    );
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(&fraction);
    }
    out
}

/// Decimal digits with a `,` between groups of three from the right.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn to_fixed_fn(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let x = this_number(vm, this)?;
    let f = vm.to_integer_or_infinity(arg(args, 0))?;
    if !(0.0..=100.0).contains(&f) {
        return Err(vm.range_error("toFixed() digits argument must be between 0 and 100"));
    }
    if !x.is_finite() {
        return Ok(vm.number_string(x));
    }
    let text = to_fixed(x, f as u32);
    Ok(vm.string(&text))
}

fn to_exponential_fn(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let x = this_number(vm, this)?;
    let f = vm.to_integer_or_infinity(arg(args, 0))?;
    if !x.is_finite() {
        return Ok(vm.number_string(x));
    }
    if !(0.0..=100.0).contains(&f) {
        return Err(vm.range_error("toExponential() argument must be between 0 and 100"));
    }
    let digits = if arg(args, 0).is_undefined() {
        None
    } else {
        Some(f as u32)
    };
    let text = to_exponential(x, digits);
    Ok(vm.string(&text))
}

fn to_precision_fn(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let x = this_number(vm, this)?;
    if arg(args, 0).is_undefined() {
        return Ok(vm.number_string(x));
    }
    let p = vm.to_integer_or_infinity(arg(args, 0))?;
    if !x.is_finite() {
        return Ok(vm.number_string(x));
    }
    if !(1.0..=100.0).contains(&p) {
        return Err(vm.range_error("toPrecision() argument must be between 1 and 100"));
    }
    let text = to_precision(x, p as u32);
    Ok(vm.string(&text))
}

fn boolean_call(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::boolean(vm.to_boolean(arg(args, 0))))
}

fn boolean_construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let b = vm.to_boolean(arg(args, 0));
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.boolean_prototype)?;
    Ok(vm
        .alloc(Object::new(Some(proto), ObjectKind::Boolean(b)))
        .value())
}

fn this_boolean(vm: &mut Vm, this: Value) -> JsResult<bool> {
    if let Some(b) = this.as_bool() {
        return Ok(b);
    }
    if let Some(o) = this.as_object()
        && let ObjectKind::Boolean(b) = vm.obj(o).kind
    {
        return Ok(b);
    }
    Err(vm.type_error("Boolean.prototype method called on incompatible receiver"))
}

fn boolean_to_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let b = this_boolean(vm, this)?;
    Ok(vm.string(if b { "true" } else { "false" }))
}

fn boolean_value_of(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    Ok(Value::boolean(this_boolean(vm, this)?))
}

fn bigint_call(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let v = arg(args, 0);
    let p = vm.to_primitive(v, crate::ops::Hint::Number)?;
    if let Some(n) = p.as_number() {
        if !n.is_finite() || n.trunc() != n {
            return Err(vm.range_error(&format!(
                "The number {n} cannot be converted to a BigInt because it is not an integer"
            )));
        }
        let b =
            num_bigint::BigInt::parse_bytes(format!("{n:.0}").as_bytes(), 10).unwrap_or_default();
        return Ok(vm.new_bigint(b));
    }
    let b = to_bigint(vm, p)?;
    Ok(vm.new_bigint(b))
}

fn bigint_construct(vm: &mut Vm, _: &[Value], _: ObjRef) -> JsResult<Value> {
    Err(vm.type_error("BigInt is not a constructor"))
}

fn this_bigint(vm: &mut Vm, this: Value) -> JsResult<num_bigint::BigInt> {
    if let Some(b) = this.as_bigint() {
        return Ok(vm.bigint(b).clone());
    }
    if let Some(o) = this.as_object()
        && let ObjectKind::BigInt(b) = vm.obj(o).kind
    {
        return Ok(vm.bigint(b).clone());
    }
    Err(vm.type_error("BigInt.prototype method called on incompatible receiver"))
}

fn bigint_to_string(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let b = this_bigint(vm, this)?;
    let radix = if arg(args, 0).is_undefined() {
        10.0
    } else {
        vm.to_integer_or_infinity(arg(args, 0))?
    };
    if !(2.0..=36.0).contains(&radix) {
        return Err(vm.range_error("toString() radix must be between 2 and 36"));
    }
    let mut text = String::new();
    if b.sign() == num_bigint::Sign::Minus {
        text.push('-');
    }
    radix_digits(vm, b.magnitude(), radix as u32, 0, &mut text)?;
    Ok(vm.string(&text))
}

/// 21.2.3.2 BigInt.prototype.toLocaleString ( [ reserved1 [ , reserved2 ] ] ): en-US grouping
/// whatever the locale, as for Number (see `to_locale_string`).
fn bigint_to_locale_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let b = this_bigint(vm, this)?;
    let text = b.magnitude().to_string();
    let sign = if b.sign() == num_bigint::Sign::Minus {
        "-"
    } else {
        ""
    };
    Ok(vm.string(&format!("{sign}{}", group_thousands(&text))))
}

/// Appends the digits of `n` in `radix`, zero-padded to `width`. A large number is split in
/// two by a power of the radix and each half converted in turn, checking for termination in
/// between: converting a maximum-size BigInt to decimal takes tens of milliseconds.
fn radix_digits(
    vm: &mut Vm,
    n: &num_bigint::BigUint,
    radix: u32,
    width: usize,
    out: &mut String,
) -> JsResult<()> {
    if n.bits() <= 1 << 16 || radix.is_power_of_two() {
        let digits = n.to_str_radix(radix);
        out.extend(std::iter::repeat_n('0', width.saturating_sub(digits.len())));
        out.push_str(&digits);
        return Ok(());
    }
    vm.check_interrupt_now()?;
    // n has at least this many digits, so the high half is not zero.
    let digits = (n.bits() - 1) as f64 / libm::log2(f64::from(radix));
    let low = (digits / 2.0) as u32;
    let (high, rest) = num_integer::Integer::div_rem(n, &num_bigint::BigUint::from(radix).pow(low));
    radix_digits(vm, &high, radix, width.saturating_sub(low as usize), out)?;
    radix_digits(vm, &rest, radix, low as usize, out)
}

fn bigint_value_of(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let b = this_bigint(vm, this)?;
    Ok(vm.new_bigint(b))
}

fn as_n(vm: &mut Vm, args: &[Value], signed: bool) -> JsResult<Value> {
    let bits = vm.to_index(arg(args, 0))?;
    let b = to_bigint(vm, arg(args, 1))?;
    if bits > crate::limits::MAX_BIGINT_BITS {
        // Every BigInt fits in that many bits, signed or not, except a negative one taken
        // unsigned: 2^bits + b is wider than the maximum BigInt.
        if !signed && b.sign() == num_bigint::Sign::Minus {
            return Err(vm.range_error("Maximum BigInt size exceeded"));
        }
        return Ok(vm.new_bigint(b));
    }
    let modulus = num_bigint::BigInt::from(1) << bits as usize;
    let mut r = ((b % &modulus) + &modulus) % &modulus;
    if signed && bits > 0 && r >= (&modulus >> 1usize) {
        r -= modulus;
    }
    Ok(vm.new_bigint(r))
}

fn as_int_n(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    as_n(vm, args, true)
}
fn as_uint_n(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    as_n(vm, args, false)
}

#[cfg(test)]
mod tests {
    use super::en_us_number;

    #[test]
    fn locale_strings_are_en_us() {
        for (x, text) in [
            (1234567.891, "1,234,567.891"),
            (2f64.powi(70), "1,180,591,620,717,411,300,000"),
            (1e21, "1,000,000,000,000,000,000,000"),
            (-0.0, "-0"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-∞"),
            (0.0005, "0.001"),
            (0.0015, "0.002"),
            (1.0005, "1.001"),
            (-1234.5678, "-1,234.568"),
            (123.0, "123"),
            (1e-7, "0"),
            (999.9999, "1,000"),
            (5e-324, "0"),
            (100.0, "100"),
            (0.5, "0.5"),
        ] {
            assert_eq!(en_us_number(x), text, "{x}");
        }
    }
}
