//! Temporal.Instant: an exact point in time, nanoseconds since the epoch.

use super::{
    OrThrow, TemporalValue, bigint_value, create, difference_settings, options_object,
    rounding_options, slots, this_slots, to_duration, to_time_zone,
};
use crate::builtins::arg;
use crate::heap::ObjRef;
use crate::ops::Hint;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use num_traits::ToPrimitive;
use temporal_rs::Instant;
use temporal_rs::options::ToStringRoundingOptions;

pub fn init(vm: &mut Vm, namespace: ObjRef) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].temporal_instant_prototype = proto;
    let ctor = super::make_constructor(vm, namespace, "Instant", 1, construct, proto);
    vm.define_method(ctor, "from", 1, from);
    vm.define_method(ctor, "fromEpochMilliseconds", 1, from_epoch_milliseconds);
    vm.define_method(ctor, "fromEpochNanoseconds", 1, from_epoch_nanoseconds);
    vm.define_method(ctor, "compare", 2, compare);
    vm.define_getter(proto, "epochMilliseconds", epoch_milliseconds);
    vm.define_getter(proto, "epochNanoseconds", epoch_nanoseconds);
    for (name, len, f) in [
        ("add", 1, add as crate::object::NativeFn),
        ("subtract", 1, subtract),
        ("until", 1, until),
        ("since", 1, since),
        ("round", 1, round),
        ("equals", 1, equals),
        ("toString", 0, to_string),
        ("toLocaleString", 0, to_json),
        ("toJSON", 0, to_json),
        ("toZonedDateTimeISO", 1, to_zoned_date_time_iso),
    ] {
        vm.define_method(proto, name, len, f);
    }
}

fn pick(t: &TemporalValue) -> Option<&Instant> {
    match t {
        TemporalValue::Instant(v) => Some(v),
        _ => None,
    }
}

fn this_instant(vm: &mut Vm, this: Value) -> JsResult<Instant> {
    this_slots(vm, this, "Instant", pick)
}

pub(super) fn create_instant(
    vm: &mut Vm,
    i: Instant,
    new_target: Option<ObjRef>,
) -> JsResult<Value> {
    create(vm, TemporalValue::Instant(i), new_target, |r| {
        r.temporal_instant_prototype
    })
}

/// Epoch nanoseconds from a BigInt; outside the representable range is a RangeError.
fn instant_from_bigint(vm: &mut Vm, v: Value) -> JsResult<Instant> {
    let n = crate::abstract_ops::type_conversion::to_bigint(vm, v)?;
    let Some(ns) = n.to_i128() else {
        return Err(vm.range_error("the epoch nanoseconds are out of range"));
    };
    Instant::try_new(ns).or_throw(vm)
}

/// 8.1.1 Temporal.Instant ( epochNanoseconds )
fn construct(vm: &mut Vm, args: &[Value], new_target: ObjRef) -> JsResult<Value> {
    let i = instant_from_bigint(vm, arg(args, 0))?;
    create_instant(vm, i, Some(new_target))
}

/// 8.5.2 ToTemporalInstant ( item )
pub(super) fn to_temporal_instant(vm: &mut Vm, item: Value) -> JsResult<Instant> {
    match slots(vm, item) {
        Some(TemporalValue::Instant(i)) => return Ok(*i),
        Some(TemporalValue::ZonedDateTime(z)) => return Ok(z.to_instant()),
        _ => {}
    }
    let p = vm.to_primitive(item, Hint::String)?;
    let Some(s) = p.as_string() else {
        return Err(vm.type_error("an instant must be a Temporal object or a string"));
    };
    let text = vm.rust_string(s);
    Instant::from_utf8(text.as_bytes()).or_throw(vm)
}

fn from(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let i = to_temporal_instant(vm, arg(args, 0))?;
    create_instant(vm, i, None)
}

fn from_epoch_milliseconds(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let n = vm.to_number(arg(args, 0))?;
    if !n.is_finite() || n.trunc() != n {
        return Err(vm.range_error("epoch milliseconds must be an integer"));
    }
    if n.abs() > 8.64e15 {
        return Err(vm.range_error("the epoch milliseconds are out of range"));
    }
    let i = Instant::from_epoch_milliseconds(n as i64).or_throw(vm)?;
    create_instant(vm, i, None)
}

fn from_epoch_nanoseconds(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let i = instant_from_bigint(vm, arg(args, 0))?;
    create_instant(vm, i, None)
}

fn compare(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let one = to_temporal_instant(vm, arg(args, 0))?;
    let two = to_temporal_instant(vm, arg(args, 1))?;
    Ok(Value::int32(one.cmp(&two) as i32))
}

fn epoch_milliseconds(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let i = this_instant(vm, this)?;
    Ok(Value::number(i.epoch_milliseconds() as f64))
}

fn epoch_nanoseconds(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let i = this_instant(vm, this)?;
    Ok(bigint_value(vm, i.as_i128()))
}

fn add(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let i = this_instant(vm, this)?;
    let d = to_duration(vm, arg(args, 0))?;
    let result = i.add(&d).or_throw(vm)?;
    create_instant(vm, result, None)
}

fn subtract(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let i = this_instant(vm, this)?;
    let d = to_duration(vm, arg(args, 0))?;
    let result = i.subtract(&d).or_throw(vm)?;
    create_instant(vm, result, None)
}

fn until(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let i = this_instant(vm, this)?;
    let other = to_temporal_instant(vm, arg(args, 0))?;
    let settings = difference_settings(vm, arg(args, 1))?;
    let d = i.until(&other, settings).or_throw(vm)?;
    super::duration::create_duration(vm, d, None)
}

fn since(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let i = this_instant(vm, this)?;
    let other = to_temporal_instant(vm, arg(args, 0))?;
    let settings = difference_settings(vm, arg(args, 1))?;
    let d = i.since(&other, settings).or_throw(vm)?;
    super::duration::create_duration(vm, d, None)
}

fn round(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let i = this_instant(vm, this)?;
    let options = rounding_options(vm, arg(args, 0))?;
    let result = i.round(options).or_throw(vm)?;
    create_instant(vm, result, None)
}

fn equals(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let i = this_instant(vm, this)?;
    let other = to_temporal_instant(vm, arg(args, 0))?;
    Ok(Value::boolean(i == other))
}

/// 8.3.11 Temporal.Instant.prototype.toString ( [ options ] ): fractionalSecondDigits,
/// roundingMode, smallestUnit, timeZone.
fn to_string(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let i = this_instant(vm, this)?;
    let options = options_object(vm, arg(args, 0))?;
    let rounding = super::read_to_string_rounding_options(vm, options)?;
    let tz = match options {
        Some(o) => {
            let key = vm.key("timeZone");
            let v = vm.get(o, key, o.value())?;
            if v.is_undefined() {
                None
            } else {
                Some(to_time_zone(vm, v)?)
            }
        }
        None => None,
    };
    super::check_to_string_unit(vm, rounding.smallest_unit)?;
    let s = i.to_ixdtf_string(tz, rounding).or_throw(vm)?;
    Ok(vm.string(&s))
}

fn to_json(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let i = this_instant(vm, this)?;
    let s = i
        .to_ixdtf_string(None, ToStringRoundingOptions::default())
        .or_throw(vm)?;
    Ok(vm.string(&s))
}

fn to_zoned_date_time_iso(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let i = this_instant(vm, this)?;
    let tz = to_time_zone(vm, arg(args, 0))?;
    let z = i.to_zoned_date_time_iso(tz).or_throw(vm)?;
    super::zoned_date_time::create_zoned(vm, z, None)
}
