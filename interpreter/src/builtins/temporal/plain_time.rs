//! Temporal.PlainTime: a wall-clock time without a date or time zone.

use super::{
    FieldSet, OrThrow, TemporalValue, constructor_integer, create, difference_settings,
    options_object, overflow_option, partial_temporal_object, prepare_fields, require_some,
    rounding_options, slots, this_slots, to_duration, to_string_rounding_options,
};
use crate::builtins::arg;
use crate::heap::ObjRef;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use temporal_rs::options::ToStringRoundingOptions;
use temporal_rs::{Calendar, PlainTime};

pub fn init(vm: &mut Vm, namespace: ObjRef) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].temporal_plain_time_prototype = proto;
    let ctor = super::make_constructor(vm, namespace, "PlainTime", 0, construct, proto);
    vm.define_method(ctor, "from", 1, from);
    vm.define_method(ctor, "compare", 2, compare);
    for (name, getter) in [
        ("hour", hour as crate::object::NativeFn),
        ("minute", minute),
        ("second", second),
        ("millisecond", millisecond),
        ("microsecond", microsecond),
        ("nanosecond", nanosecond),
    ] {
        vm.define_getter(proto, name, getter);
    }
    for (name, len, f) in [
        ("add", 1, add as crate::object::NativeFn),
        ("subtract", 1, subtract),
        ("with", 1, with),
        ("until", 1, until),
        ("since", 1, since),
        ("round", 1, round),
        ("equals", 1, equals),
        ("toString", 0, to_string),
        ("toLocaleString", 0, to_json),
        ("toJSON", 0, to_json),
    ] {
        vm.define_method(proto, name, len, f);
    }
}

fn pick(t: &TemporalValue) -> Option<&PlainTime> {
    match t {
        TemporalValue::PlainTime(v) => Some(v),
        _ => None,
    }
}

fn this_time(vm: &mut Vm, this: Value) -> JsResult<PlainTime> {
    this_slots(vm, this, "PlainTime", pick)
}

pub(super) fn create_time(
    vm: &mut Vm,
    t: PlainTime,
    new_target: Option<ObjRef>,
) -> JsResult<Value> {
    create(vm, TemporalValue::PlainTime(t), new_target, |r| {
        r.temporal_plain_time_prototype
    })
}

/// 4.1.1 Temporal.PlainTime ( [ hour [ , minute [ , second [ , millisecond [ , microsecond
/// [ , nanosecond ] ] ] ] ] ] )
fn construct(vm: &mut Vm, args: &[Value], new_target: ObjRef) -> JsResult<Value> {
    let mut n = [0.0; 6];
    let max = [23.0, 59.0, 59.0, 999.0, 999.0, 999.0];
    for i in 0..6 {
        n[i] = constructor_integer(vm, arg(args, i), 0.0, max[i])?;
    }
    let t = PlainTime::try_new(
        n[0] as u8,
        n[1] as u8,
        n[2] as u8,
        n[3] as u16,
        n[4] as u16,
        n[5] as u16,
    )
    .or_throw(vm)?;
    create_time(vm, t, Some(new_target))
}

/// 4.5.4 ToTemporalTime ( item [ , options ] ): `options` is read after the item's fields.
pub(super) fn to_temporal_time(vm: &mut Vm, item: Value, options: Value) -> JsResult<PlainTime> {
    if let Some(t) = slots(vm, item) {
        let time = match t {
            TemporalValue::PlainTime(t) => Some(*t),
            TemporalValue::PlainDateTime(dt) => Some(dt.to_plain_time()),
            TemporalValue::ZonedDateTime(z) => Some(z.to_plain_time()),
            _ => None,
        };
        if let Some(time) = time {
            let options = options_object(vm, options)?;
            overflow_option(vm, options)?;
            return Ok(time);
        }
    }
    if let Some(bag) = item.as_object() {
        let fields = prepare_fields(vm, bag, &Calendar::default(), FieldSet::Time)?;
        require_some(vm, &fields)?;
        let options = options_object(vm, options)?;
        let overflow = overflow_option(vm, options)?;
        let partial = fields.time(vm, overflow)?;
        return PlainTime::from_partial(partial, overflow).or_throw(vm);
    }
    let Some(s) = item.as_string() else {
        return Err(vm.type_error("a time must be a Temporal object, a string or an object"));
    };
    let text = vm.rust_string(s);
    let time = PlainTime::from_utf8(text.as_bytes()).or_throw(vm)?;
    let options = options_object(vm, options)?;
    overflow_option(vm, options)?;
    Ok(time)
}

fn from(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let t = to_temporal_time(vm, arg(args, 0), arg(args, 1))?;
    create_time(vm, t, None)
}

fn compare(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let one = to_temporal_time(vm, arg(args, 0), Value::UNDEFINED)?;
    let two = to_temporal_time(vm, arg(args, 1), Value::UNDEFINED)?;
    Ok(Value::int32(one.cmp(&two) as i32))
}

macro_rules! field_getter {
    ($name:ident) => {
        fn $name(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
            let t = this_time(vm, this)?;
            Ok(Value::int32(t.$name() as i32))
        }
    };
}

field_getter!(hour);
field_getter!(minute);
field_getter!(second);
field_getter!(millisecond);
field_getter!(microsecond);
field_getter!(nanosecond);

fn add(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    let d = to_duration(vm, arg(args, 0))?;
    let result = t.add(&d).or_throw(vm)?;
    create_time(vm, result, None)
}

fn subtract(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    let d = to_duration(vm, arg(args, 0))?;
    let result = t.subtract(&d).or_throw(vm)?;
    create_time(vm, result, None)
}

/// 4.3.12 Temporal.PlainTime.prototype.with ( temporalTimeLike [ , options ] )
fn with(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    let bag = partial_temporal_object(vm, arg(args, 0))?;
    let fields = prepare_fields(vm, bag, &Calendar::default(), FieldSet::Time)?;
    require_some(vm, &fields)?;
    let options = options_object(vm, arg(args, 1))?;
    let overflow = overflow_option(vm, options)?;
    let partial = fields.time(vm, overflow)?;
    let result = t.with(partial, overflow).or_throw(vm)?;
    create_time(vm, result, None)
}

fn until(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    let other = to_temporal_time(vm, arg(args, 0), Value::UNDEFINED)?;
    let settings = difference_settings(vm, arg(args, 1))?;
    let d = t.until(&other, settings).or_throw(vm)?;
    super::duration::create_duration(vm, d, None)
}

fn since(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    let other = to_temporal_time(vm, arg(args, 0), Value::UNDEFINED)?;
    let settings = difference_settings(vm, arg(args, 1))?;
    let d = t.since(&other, settings).or_throw(vm)?;
    super::duration::create_duration(vm, d, None)
}

fn round(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    let options = rounding_options(vm, arg(args, 0))?;
    let result = t.round(options).or_throw(vm)?;
    create_time(vm, result, None)
}

fn equals(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    let other = to_temporal_time(vm, arg(args, 0), Value::UNDEFINED)?;
    Ok(Value::boolean(t == other))
}

fn to_string(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    let options = options_object(vm, arg(args, 0))?;
    let rounding = to_string_rounding_options(vm, options)?;
    let s = t.to_ixdtf_string(rounding).or_throw(vm)?;
    Ok(vm.string(&s))
}

fn to_json(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    let s = t
        .to_ixdtf_string(ToStringRoundingOptions::default())
        .or_throw(vm)?;
    Ok(vm.string(&s))
}

/// ToTemporalTimeOrMidnight-like helper: undefined stays None.
pub(super) fn optional_time(vm: &mut Vm, v: Value) -> JsResult<Option<PlainTime>> {
    if v.is_undefined() {
        return Ok(None);
    }
    to_temporal_time(vm, v, Value::UNDEFINED).map(Some)
}
