//! Temporal.Duration: years to nanoseconds, each field an integer of one sign.

use super::{
    OrThrow, RoundToOptions, TemporalValue, create, fractional_second_digits_option,
    make_constructor, options_object, relative_to_option, rounding_increment_option,
    rounding_mode_option, rounding_options_object, slots, this_slots, to_integer_if_integral,
    unit_option,
};
use crate::builtins::arg;
use crate::heap::ObjRef;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use temporal_rs::Duration;
use temporal_rs::options::{RoundingOptions, ToStringRoundingOptions, Unit};
use temporal_rs::partial::PartialDuration;

pub fn init(vm: &mut Vm, namespace: ObjRef) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].temporal_duration_prototype = proto;
    let ctor = make_constructor(vm, namespace, "Duration", 0, construct, proto);
    vm.define_method(ctor, "from", 1, from);
    vm.define_method(ctor, "compare", 2, compare);
    for (name, getter) in [
        ("years", years as crate::object::NativeFn),
        ("months", months),
        ("weeks", weeks),
        ("days", days),
        ("hours", hours),
        ("minutes", minutes),
        ("seconds", seconds),
        ("milliseconds", milliseconds),
        ("microseconds", microseconds),
        ("nanoseconds", nanoseconds),
        ("sign", sign),
        ("blank", blank),
    ] {
        vm.define_getter(proto, name, getter);
    }
    for (name, len, f) in [
        ("with", 1, with as crate::object::NativeFn),
        ("negated", 0, negated),
        ("abs", 0, abs),
        ("add", 1, add),
        ("subtract", 1, subtract),
        ("round", 1, round),
        ("total", 1, total),
        ("toString", 0, to_string),
        ("toJSON", 0, to_json),
        ("toLocaleString", 0, to_json),
    ] {
        vm.define_method(proto, name, len, f);
    }
}

fn pick(t: &TemporalValue) -> Option<&Duration> {
    match t {
        TemporalValue::Duration(d) => Some(d),
        _ => None,
    }
}

fn this_duration(vm: &mut Vm, this: Value) -> JsResult<Duration> {
    this_slots(vm, this, "Duration", pick)
}

pub(super) fn create_duration(
    vm: &mut Vm,
    d: Duration,
    new_target: Option<ObjRef>,
) -> JsResult<Value> {
    create(vm, TemporalValue::Duration(d), new_target, |r| {
        r.temporal_duration_prototype
    })
}

/// 7.1.1 Temporal.Duration ( [ years [ , months [ , ... nanoseconds ] ] ] )
fn construct(vm: &mut Vm, args: &[Value], new_target: ObjRef) -> JsResult<Value> {
    let mut n = [0.0; 10];
    for (i, slot) in n.iter_mut().enumerate() {
        let v = arg(args, i);
        if !v.is_undefined() {
            *slot = to_integer_if_integral(vm, v)?;
        }
    }
    let d = Duration::new(
        n[0] as i64,
        n[1] as i64,
        n[2] as i64,
        n[3] as i64,
        n[4] as i64,
        n[5] as i64,
        n[6] as i64,
        n[7] as i64,
        n[8] as i128,
        n[9] as i128,
    )
    .or_throw(vm)?;
    create_duration(vm, d, Some(new_target))
}

/// ToTemporalPartialDurationRecord: the fields present on `bag`, read alphabetically; none at
/// all is a TypeError.
fn partial_duration(vm: &mut Vm, bag: ObjRef) -> JsResult<PartialDuration> {
    let mut p = PartialDuration::default();
    let mut any = false;
    let names = [
        "days",
        "hours",
        "microseconds",
        "milliseconds",
        "minutes",
        "months",
        "nanoseconds",
        "seconds",
        "weeks",
        "years",
    ];
    for name in names {
        let key = vm.key(name);
        let v = vm.get(bag, key, bag.value())?;
        if v.is_undefined() {
            continue;
        }
        any = true;
        let n = to_integer_if_integral(vm, v)?;
        let (i, w) = (n as i64, n as i128);
        match name {
            "days" => p.days = Some(i),
            "hours" => p.hours = Some(i),
            "microseconds" => p.microseconds = Some(w),
            "milliseconds" => p.milliseconds = Some(i),
            "minutes" => p.minutes = Some(i),
            "months" => p.months = Some(i),
            "nanoseconds" => p.nanoseconds = Some(w),
            "seconds" => p.seconds = Some(i),
            "weeks" => p.weeks = Some(i),
            _ => p.years = Some(i),
        }
    }
    if !any {
        return Err(vm.type_error("a duration-like object needs at least one duration field"));
    }
    Ok(p)
}

/// 7.5.12 ToTemporalDuration
pub(super) fn to_temporal_duration(vm: &mut Vm, v: Value) -> JsResult<Duration> {
    if let Some(TemporalValue::Duration(d)) = slots(vm, v) {
        return Ok(*d);
    }
    if let Some(s) = v.as_string() {
        let text = vm.rust_string(s);
        return Duration::from_utf8(text.as_bytes()).or_throw(vm);
    }
    let Some(bag) = v.as_object() else {
        return Err(vm.type_error("a duration must be a Temporal.Duration, a string or an object"));
    };
    let p = partial_duration(vm, bag)?;
    Duration::from_partial_duration(p).or_throw(vm)
}

fn from(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let d = to_temporal_duration(vm, arg(args, 0))?;
    create_duration(vm, d, None)
}

/// 7.2.3 Temporal.Duration.compare ( one, two [ , options ] )
fn compare(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let one = to_temporal_duration(vm, arg(args, 0))?;
    let two = to_temporal_duration(vm, arg(args, 1))?;
    let options = options_object(vm, arg(args, 2))?;
    let relative_to = relative_to_option(vm, options)?;
    let ordering = one.compare(&two, relative_to).or_throw(vm)?;
    Ok(Value::int32(ordering as i32))
}

macro_rules! field_getter {
    ($name:ident) => {
        fn $name(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
            let d = this_duration(vm, this)?;
            Ok(Value::number(d.$name() as f64))
        }
    };
}

field_getter!(years);
field_getter!(months);
field_getter!(weeks);
field_getter!(days);
field_getter!(hours);
field_getter!(minutes);
field_getter!(seconds);
field_getter!(milliseconds);
field_getter!(microseconds);
field_getter!(nanoseconds);

fn sign(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let d = this_duration(vm, this)?;
    Ok(Value::int32(d.sign() as i32))
}

fn blank(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let d = this_duration(vm, this)?;
    Ok(Value::boolean(d.is_zero()))
}

/// 7.3.15 Temporal.Duration.prototype.with ( temporalDurationLike )
fn with(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_duration(vm, this)?;
    let Some(bag) = arg(args, 0).as_object() else {
        return Err(vm.type_error("with() takes an object of duration fields"));
    };
    let p = partial_duration(vm, bag)?;
    let merged = Duration::new(
        p.years.unwrap_or(d.years()),
        p.months.unwrap_or(d.months()),
        p.weeks.unwrap_or(d.weeks()),
        p.days.unwrap_or(d.days()),
        p.hours.unwrap_or(d.hours()),
        p.minutes.unwrap_or(d.minutes()),
        p.seconds.unwrap_or(d.seconds()),
        p.milliseconds.unwrap_or(d.milliseconds()),
        p.microseconds.unwrap_or(d.microseconds()),
        p.nanoseconds.unwrap_or(d.nanoseconds()),
    )
    .or_throw(vm)?;
    create_duration(vm, merged, None)
}

fn negated(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let d = this_duration(vm, this)?;
    create_duration(vm, d.negated(), None)
}

fn abs(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let d = this_duration(vm, this)?;
    create_duration(vm, d.abs(), None)
}

fn add(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_duration(vm, this)?;
    let other = to_temporal_duration(vm, arg(args, 0))?;
    let sum = d.add(&other).or_throw(vm)?;
    create_duration(vm, sum, None)
}

fn subtract(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_duration(vm, this)?;
    let other = to_temporal_duration(vm, arg(args, 0))?;
    let difference = d.subtract(&other).or_throw(vm)?;
    create_duration(vm, difference, None)
}

/// 7.3.20 Temporal.Duration.prototype.round ( roundTo )
fn round(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_duration(vm, this)?;
    let mut options = RoundingOptions::default();
    let mut relative_to = None;
    match rounding_options_object(vm, arg(args, 0))? {
        RoundToOptions::Unit(s) => {
            options.smallest_unit = Some(
                s.parse()
                    .map_err(|_| vm.range_error(&format!("{s} is not a valid unit")))?,
            );
        }
        RoundToOptions::Object(o) => {
            options.largest_unit = unit_option(vm, Some(o), "largestUnit")?;
            relative_to = relative_to_option(vm, Some(o))?;
            options.increment = rounding_increment_option(vm, Some(o))?;
            options.rounding_mode = rounding_mode_option(vm, Some(o))?;
            options.smallest_unit = unit_option(vm, Some(o), "smallestUnit")?;
            if options.smallest_unit.is_none() && options.largest_unit.is_none() {
                return Err(vm.range_error("round() needs smallestUnit or largestUnit"));
            }
        }
    }
    let rounded = d.round(options, relative_to).or_throw(vm)?;
    create_duration(vm, rounded, None)
}

/// 7.3.21 Temporal.Duration.prototype.total ( totalOf )
fn total(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_duration(vm, this)?;
    let (unit, relative_to): (Option<Unit>, _) = match arg(args, 0) {
        v if v.is_undefined() => {
            return Err(vm.type_error("total() needs a unit or an options object"));
        }
        v => match rounding_options_object(vm, v)? {
            RoundToOptions::Unit(s) => (
                Some(
                    s.parse()
                        .map_err(|_| vm.range_error(&format!("{s} is not a valid unit")))?,
                ),
                None,
            ),
            RoundToOptions::Object(o) => {
                let relative_to = relative_to_option(vm, Some(o))?;
                (unit_option(vm, Some(o), "unit")?, relative_to)
            }
        },
    };
    let Some(unit) = unit else {
        return Err(vm.range_error("total() needs a unit"));
    };
    if unit == Unit::Auto {
        return Err(vm.range_error("total() needs a unit, not 'auto'"));
    }
    let result = d.total(unit, relative_to).or_throw(vm)?;
    Ok(Value::number(result.as_inner()))
}

/// 7.3.22 Temporal.Duration.prototype.toString ( [ options ] )
fn to_string(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_duration(vm, this)?;
    let options = options_object(vm, arg(args, 0))?;
    let precision = fractional_second_digits_option(vm, options)?;
    let rounding_mode = rounding_mode_option(vm, options)?;
    let smallest_unit = unit_option(vm, options, "smallestUnit")?;
    if let Some(unit) = smallest_unit
        && !matches!(
            unit,
            Unit::Second | Unit::Millisecond | Unit::Microsecond | Unit::Nanosecond
        )
    {
        return Err(vm.range_error("smallestUnit must be a unit from second down"));
    }
    let s = d
        .as_temporal_string(ToStringRoundingOptions {
            precision,
            smallest_unit,
            rounding_mode,
        })
        .or_throw(vm)?;
    Ok(vm.string(&s))
}

fn to_json(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let d = this_duration(vm, this)?;
    let s = d
        .as_temporal_string(ToStringRoundingOptions::default())
        .or_throw(vm)?;
    Ok(vm.string(&s))
}
