//! Temporal.PlainDateTime: a calendar date and a wall-clock time, without a time zone.

use super::{
    FieldSet, OrThrow, TemporalValue, calendar_argument, calendar_name_option, calendar_of_bag,
    constructor_integer, create, difference_settings, disambiguation_option, era_value, getters,
    num, opt_num, options_object, overflow_option, partial_temporal_object, prepare_fields,
    require_some, required_integer, rounding_options, slots, this_slots, to_calendar, to_duration,
    to_string_rounding_options, to_time_zone,
};
use crate::builtins::arg;
use crate::heap::ObjRef;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use temporal_rs::PlainDateTime;
use temporal_rs::fields::DateTimeFields;
use temporal_rs::options::ToStringRoundingOptions;
use temporal_rs::partial::PartialDateTime;

pub fn init(vm: &mut Vm, namespace: ObjRef) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].temporal_plain_date_time_prototype = proto;
    let ctor = super::make_constructor(vm, namespace, "PlainDateTime", 3, construct, proto);
    vm.define_method(ctor, "from", 1, from);
    vm.define_method(ctor, "compare", 2, compare);
    for (name, getter) in [
        ("calendarId", calendar_id as crate::object::NativeFn),
        ("era", era),
        ("eraYear", era_year),
        ("year", year),
        ("month", month),
        ("monthCode", month_code),
        ("day", day),
        ("hour", hour),
        ("minute", minute),
        ("second", second),
        ("millisecond", millisecond),
        ("microsecond", microsecond),
        ("nanosecond", nanosecond),
        ("dayOfWeek", day_of_week),
        ("dayOfYear", day_of_year),
        ("weekOfYear", week_of_year),
        ("yearOfWeek", year_of_week),
        ("daysInWeek", days_in_week),
        ("daysInMonth", days_in_month),
        ("daysInYear", days_in_year),
        ("monthsInYear", months_in_year),
        ("inLeapYear", in_leap_year),
    ] {
        vm.define_getter(proto, name, getter);
    }
    for (name, len, f) in [
        ("with", 1, with as crate::object::NativeFn),
        ("withPlainTime", 0, with_plain_time),
        ("withCalendar", 1, with_calendar),
        ("add", 1, add),
        ("subtract", 1, subtract),
        ("until", 1, until),
        ("since", 1, since),
        ("round", 1, round),
        ("equals", 1, equals),
        ("toString", 0, to_string),
        ("toLocaleString", 0, to_json),
        ("toJSON", 0, to_json),
        ("toZonedDateTime", 1, to_zoned_date_time),
        ("toPlainDate", 0, to_plain_date),
        ("toPlainTime", 0, to_plain_time),
    ] {
        vm.define_method(proto, name, len, f);
    }
}

fn pick(t: &TemporalValue) -> Option<&PlainDateTime> {
    match t {
        TemporalValue::PlainDateTime(v) => Some(v),
        _ => None,
    }
}

fn this_date_time(vm: &mut Vm, this: Value) -> JsResult<PlainDateTime> {
    this_slots(vm, this, "PlainDateTime", pick)
}

pub(super) fn create_date_time(
    vm: &mut Vm,
    dt: PlainDateTime,
    new_target: Option<ObjRef>,
) -> JsResult<Value> {
    create(vm, TemporalValue::PlainDateTime(dt), new_target, |r| {
        r.temporal_plain_date_time_prototype
    })
}

/// 5.1.1 Temporal.PlainDateTime ( isoYear, isoMonth, isoDay [ , hour [ , minute [ , second
/// [ , millisecond [ , microsecond [ , nanosecond [ , calendar ] ] ] ] ] ] ] )
fn construct(vm: &mut Vm, args: &[Value], new_target: ObjRef) -> JsResult<Value> {
    let y = required_integer(vm, arg(args, 0), i32::MIN as f64, i32::MAX as f64)?;
    let m = required_integer(vm, arg(args, 1), 1.0, 12.0)?;
    let d = required_integer(vm, arg(args, 2), 1.0, 31.0)?;
    let mut t = [0.0; 6];
    let max = [23.0, 59.0, 59.0, 999.0, 999.0, 999.0];
    for i in 0..6 {
        t[i] = constructor_integer(vm, arg(args, 3 + i), 0.0, max[i])?;
    }
    let calendar = calendar_argument(vm, arg(args, 9))?;
    let dt = PlainDateTime::try_new(
        y as i32,
        m as u8,
        d as u8,
        t[0] as u8,
        t[1] as u8,
        t[2] as u8,
        t[3] as u16,
        t[4] as u16,
        t[5] as u16,
        calendar,
    )
    .or_throw(vm)?;
    create_date_time(vm, dt, Some(new_target))
}

/// 5.5.4 ToTemporalDateTime ( item [ , options ] )
pub(super) fn to_temporal_date_time(
    vm: &mut Vm,
    item: Value,
    options: Value,
) -> JsResult<PlainDateTime> {
    if let Some(t) = slots(vm, item) {
        let dt = match t {
            TemporalValue::PlainDateTime(dt) => Some(Ok(dt.clone())),
            TemporalValue::ZonedDateTime(z) => Some(Ok(z.to_plain_date_time())),
            TemporalValue::PlainDate(d) => Some(d.to_plain_date_time(None)),
            _ => None,
        };
        if let Some(dt) = dt {
            let options = options_object(vm, options)?;
            overflow_option(vm, options)?;
            return dt.or_throw(vm);
        }
    }
    if let Some(bag) = item.as_object() {
        let calendar = calendar_of_bag(vm, bag)?;
        let fields = prepare_fields(vm, bag, &calendar, FieldSet::DateTime)?;
        let options = options_object(vm, options)?;
        let overflow = overflow_option(vm, options)?;
        let calendar_fields = fields.calendar_fields(vm)?;
        let time = fields.time(vm, overflow)?;
        return PlainDateTime::from_partial(
            PartialDateTime {
                fields: DateTimeFields {
                    calendar_fields,
                    time,
                },
                calendar,
            },
            overflow,
        )
        .or_throw(vm);
    }
    let Some(s) = item.as_string() else {
        return Err(vm.type_error("a date-time must be a Temporal object, a string or an object"));
    };
    let text = vm.rust_string(s);
    let dt = PlainDateTime::from_utf8(text.as_bytes()).or_throw(vm)?;
    let options = options_object(vm, options)?;
    overflow_option(vm, options)?;
    Ok(dt)
}

fn from(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let dt = to_temporal_date_time(vm, arg(args, 0), arg(args, 1))?;
    create_date_time(vm, dt, None)
}

fn compare(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let one = to_temporal_date_time(vm, arg(args, 0), Value::UNDEFINED)?;
    let two = to_temporal_date_time(vm, arg(args, 1), Value::UNDEFINED)?;
    Ok(Value::int32(one.compare_iso(&two) as i32))
}

getters!(this_date_time:
    calendar_id => |vm, d: &PlainDateTime| vm.string(d.calendar().identifier()),
    era => |vm, d: &PlainDateTime| era_value(vm, d.era()),
    era_year => |_, d: &PlainDateTime| opt_num(d.era_year()),
    year => |_, d: &PlainDateTime| num(d.year()),
    month => |_, d: &PlainDateTime| num(d.month()),
    month_code => |vm, d: &PlainDateTime| vm.string(d.month_code().as_str()),
    day => |_, d: &PlainDateTime| num(d.day()),
    hour => |_, d: &PlainDateTime| num(d.hour()),
    minute => |_, d: &PlainDateTime| num(d.minute()),
    second => |_, d: &PlainDateTime| num(d.second()),
    millisecond => |_, d: &PlainDateTime| num(d.millisecond()),
    microsecond => |_, d: &PlainDateTime| num(d.microsecond()),
    nanosecond => |_, d: &PlainDateTime| num(d.nanosecond()),
    day_of_week => |_, d: &PlainDateTime| num(d.day_of_week()),
    day_of_year => |_, d: &PlainDateTime| num(d.day_of_year()),
    week_of_year => |_, d: &PlainDateTime| opt_num(d.week_of_year()),
    year_of_week => |_, d: &PlainDateTime| opt_num(d.year_of_week()),
    days_in_week => |_, d: &PlainDateTime| num(d.days_in_week()),
    days_in_month => |_, d: &PlainDateTime| num(d.days_in_month()),
    days_in_year => |_, d: &PlainDateTime| num(d.days_in_year()),
    months_in_year => |_, d: &PlainDateTime| num(d.months_in_year()),
    in_leap_year => |_, d: &PlainDateTime| Value::boolean(d.in_leap_year()),
);

/// 5.3.25 Temporal.PlainDateTime.prototype.with ( temporalDateTimeLike [ , options ] )
fn with(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    let bag = partial_temporal_object(vm, arg(args, 0))?;
    let fields = prepare_fields(vm, bag, dt.calendar(), FieldSet::DateTime)?;
    require_some(vm, &fields)?;
    let options = options_object(vm, arg(args, 1))?;
    let overflow = overflow_option(vm, options)?;
    let calendar_fields = fields.calendar_fields(vm)?;
    let time = fields.time(vm, overflow)?;
    let result = dt
        .with(
            DateTimeFields {
                calendar_fields,
                time,
            },
            overflow,
        )
        .or_throw(vm)?;
    create_date_time(vm, result, None)
}

fn with_plain_time(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    let time = super::plain_time::optional_time(vm, arg(args, 0))?;
    let result = dt.with_time(time).or_throw(vm)?;
    create_date_time(vm, result, None)
}

fn with_calendar(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    let calendar = to_calendar(vm, arg(args, 0))?;
    create_date_time(vm, dt.with_calendar(calendar), None)
}

fn add(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    let duration = to_duration(vm, arg(args, 0))?;
    let options = options_object(vm, arg(args, 1))?;
    let overflow = overflow_option(vm, options)?;
    let result = dt.add(&duration, overflow).or_throw(vm)?;
    create_date_time(vm, result, None)
}

fn subtract(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    let duration = to_duration(vm, arg(args, 0))?;
    let options = options_object(vm, arg(args, 1))?;
    let overflow = overflow_option(vm, options)?;
    let result = dt.subtract(&duration, overflow).or_throw(vm)?;
    create_date_time(vm, result, None)
}

fn until(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    let other = to_temporal_date_time(vm, arg(args, 0), Value::UNDEFINED)?;
    let settings = difference_settings(vm, arg(args, 1))?;
    let result = dt.until(&other, settings).or_throw(vm)?;
    super::duration::create_duration(vm, result, None)
}

fn since(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    let other = to_temporal_date_time(vm, arg(args, 0), Value::UNDEFINED)?;
    let settings = difference_settings(vm, arg(args, 1))?;
    let result = dt.since(&other, settings).or_throw(vm)?;
    super::duration::create_duration(vm, result, None)
}

fn round(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    let options = rounding_options(vm, arg(args, 0))?;
    let result = dt.round(options).or_throw(vm)?;
    create_date_time(vm, result, None)
}

fn equals(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    let other = to_temporal_date_time(vm, arg(args, 0), Value::UNDEFINED)?;
    Ok(Value::boolean(dt == other))
}

/// 5.3.35 Temporal.PlainDateTime.prototype.toString ( [ options ] ): calendarName,
/// fractionalSecondDigits, roundingMode, smallestUnit.
fn to_string(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    let options = options_object(vm, arg(args, 0))?;
    let display = calendar_name_option(vm, options)?;
    let rounding = to_string_rounding_options(vm, options)?;
    let s = dt.to_ixdtf_string(rounding, display).or_throw(vm)?;
    Ok(vm.string(&s))
}

fn to_json(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    let s = dt
        .to_ixdtf_string(ToStringRoundingOptions::default(), Default::default())
        .or_throw(vm)?;
    Ok(vm.string(&s))
}

/// 5.3.38 Temporal.PlainDateTime.prototype.toZonedDateTime ( temporalTimeZoneLike
/// [ , options ] )
fn to_zoned_date_time(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    let tz = to_time_zone(vm, arg(args, 0))?;
    let options = options_object(vm, arg(args, 1))?;
    let disambiguation = disambiguation_option(vm, options)?.unwrap_or_default();
    let z = dt.to_zoned_date_time(tz, disambiguation).or_throw(vm)?;
    super::zoned_date_time::create_zoned(vm, z, None)
}

fn to_plain_date(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    super::plain_date::create_date(vm, dt.to_plain_date(), None)
}

fn to_plain_time(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let dt = this_date_time(vm, this)?;
    super::plain_time::create_time(vm, dt.to_plain_time(), None)
}
