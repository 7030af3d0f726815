//! Temporal.ZonedDateTime: an exact time in a time zone and calendar.

use super::{
    FieldSet, OrThrow, TemporalValue, bigint_value, calendar_argument, calendar_name_option,
    calendar_of_bag, create, difference_settings, disambiguation_option, era_value,
    fractional_second_digits_option, getters, num, offset_option, opt_num, options_object,
    overflow_option, parsed_option, partial_temporal_object, prepare_fields, require_some,
    rounding_mode_option, rounding_options, slots, this_slots, time_zone_id, to_calendar,
    to_duration, to_time_zone, unit_option,
};
use crate::builtins::arg;
use crate::heap::ObjRef;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use num_traits::ToPrimitive;
use temporal_rs::fields::ZonedDateTimeFields;
use temporal_rs::options::{
    DisplayOffset, DisplayTimeZone, OffsetDisambiguation, ToStringRoundingOptions,
};
use temporal_rs::partial::PartialZonedDateTime;
use temporal_rs::provider::TransitionDirection;
use temporal_rs::{TimeZone, ZonedDateTime};

pub fn init(vm: &mut Vm, namespace: ObjRef) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].temporal_zoned_date_time_prototype = proto;
    let ctor = super::make_constructor(vm, namespace, "ZonedDateTime", 2, construct, proto);
    vm.define_method(ctor, "from", 1, from);
    vm.define_method(ctor, "compare", 2, compare);
    for (name, getter) in [
        ("calendarId", calendar_id as crate::object::NativeFn),
        ("timeZoneId", time_zone_id_getter),
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
        ("epochMilliseconds", epoch_milliseconds),
        ("epochNanoseconds", epoch_nanoseconds),
        ("dayOfWeek", day_of_week),
        ("dayOfYear", day_of_year),
        ("weekOfYear", week_of_year),
        ("yearOfWeek", year_of_week),
        ("hoursInDay", hours_in_day),
        ("daysInWeek", days_in_week),
        ("daysInMonth", days_in_month),
        ("daysInYear", days_in_year),
        ("monthsInYear", months_in_year),
        ("inLeapYear", in_leap_year),
        ("offsetNanoseconds", offset_nanoseconds),
        ("offset", offset),
    ] {
        vm.define_getter(proto, name, getter);
    }
    for (name, len, f) in [
        ("with", 1, with as crate::object::NativeFn),
        ("withPlainTime", 0, with_plain_time),
        ("withTimeZone", 1, with_time_zone),
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
        ("startOfDay", 0, start_of_day),
        ("getTimeZoneTransition", 1, get_time_zone_transition),
        ("toInstant", 0, to_instant),
        ("toPlainDate", 0, to_plain_date),
        ("toPlainTime", 0, to_plain_time),
        ("toPlainDateTime", 0, to_plain_date_time),
    ] {
        vm.define_method(proto, name, len, f);
    }
}

fn pick(t: &TemporalValue) -> Option<&ZonedDateTime> {
    match t {
        TemporalValue::ZonedDateTime(v) => Some(v),
        _ => None,
    }
}

fn this_zoned(vm: &mut Vm, this: Value) -> JsResult<ZonedDateTime> {
    this_slots(vm, this, "ZonedDateTime", pick)
}

pub(super) fn create_zoned(
    vm: &mut Vm,
    z: ZonedDateTime,
    new_target: Option<ObjRef>,
) -> JsResult<Value> {
    create(vm, TemporalValue::ZonedDateTime(z), new_target, |r| {
        r.temporal_zoned_date_time_prototype
    })
}

/// 6.1.1 Temporal.ZonedDateTime ( epochNanoseconds, timeZone [ , calendar ] )
fn construct(vm: &mut Vm, args: &[Value], new_target: ObjRef) -> JsResult<Value> {
    let n = crate::abstract_ops::type_conversion::to_bigint(vm, arg(args, 0))?;
    let Some(ns) = n.to_i128() else {
        return Err(vm.range_error("the epoch nanoseconds are out of range"));
    };
    let Some(s) = arg(args, 1).as_string() else {
        return Err(vm.type_error("the time zone must be a string"));
    };
    let text = vm.rust_string(s);
    let tz = TimeZone::try_from_identifier_str(&text).or_throw(vm)?;
    let calendar = calendar_argument(vm, arg(args, 2))?;
    let z = ZonedDateTime::try_new(ns, tz, calendar).or_throw(vm)?;
    create_zoned(vm, z, Some(new_target))
}

/// 6.5.2 ToTemporalZonedDateTime ( item [ , options ] )
pub(super) fn to_temporal_zoned(
    vm: &mut Vm,
    item: Value,
    options: Value,
) -> JsResult<ZonedDateTime> {
    if let Some(TemporalValue::ZonedDateTime(z)) = slots(vm, item) {
        let z = z.clone();
        let options = options_object(vm, options)?;
        disambiguation_option(vm, options)?;
        offset_option(vm, options)?;
        overflow_option(vm, options)?;
        return Ok(z);
    }
    if let Some(bag) = item.as_object() {
        let calendar = calendar_of_bag(vm, bag)?;
        let fields = prepare_fields(vm, bag, &calendar, FieldSet::ZonedDateTime)?;
        let Some(tz) = fields.time_zone else {
            return Err(vm.type_error("a zoned date-time needs a timeZone"));
        };
        let options = options_object(vm, options)?;
        let disambiguation = disambiguation_option(vm, options)?;
        let offset = offset_option(vm, options)?.or(Some(OffsetDisambiguation::Reject));
        let overflow = overflow_option(vm, options)?;
        let calendar_fields = fields.calendar_fields(vm)?;
        let time = fields.time(vm, overflow)?;
        let utc_offset = fields.offset(vm)?;
        let partial = PartialZonedDateTime {
            fields: ZonedDateTimeFields {
                calendar_fields,
                time,
                offset: utc_offset,
            },
            timezone: Some(tz),
            calendar,
        };
        return ZonedDateTime::from_partial(partial, overflow, disambiguation, offset).or_throw(vm);
    }
    let Some(s) = item.as_string() else {
        return Err(
            vm.type_error("a zoned date-time must be a Temporal object, a string or an object")
        );
    };
    let text = vm.rust_string(s);
    let parsed = temporal_rs::parsed_intermediates::ParsedZonedDateTime::from_utf8(text.as_bytes())
        .or_throw(vm)?;
    let options = options_object(vm, options)?;
    let disambiguation = disambiguation_option(vm, options)?.unwrap_or_default();
    let offset = offset_option(vm, options)?.unwrap_or(OffsetDisambiguation::Reject);
    overflow_option(vm, options)?;
    ZonedDateTime::from_parsed(parsed, disambiguation, offset).or_throw(vm)
}

fn from(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let z = to_temporal_zoned(vm, arg(args, 0), arg(args, 1))?;
    create_zoned(vm, z, None)
}

fn compare(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let one = to_temporal_zoned(vm, arg(args, 0), Value::UNDEFINED)?;
    let two = to_temporal_zoned(vm, arg(args, 1), Value::UNDEFINED)?;
    Ok(Value::int32(one.compare_instant(&two) as i32))
}

getters!(this_zoned:
    calendar_id => |vm, d: &ZonedDateTime| vm.string(d.calendar().identifier()),
    era => |vm, d: &ZonedDateTime| era_value(vm, d.era()),
    era_year => |_, d: &ZonedDateTime| opt_num(d.era_year()),
    year => |_, d: &ZonedDateTime| num(d.year()),
    month => |_, d: &ZonedDateTime| num(d.month()),
    month_code => |vm, d: &ZonedDateTime| vm.string(d.month_code().as_str()),
    day => |_, d: &ZonedDateTime| num(d.day()),
    hour => |_, d: &ZonedDateTime| num(d.hour()),
    minute => |_, d: &ZonedDateTime| num(d.minute()),
    second => |_, d: &ZonedDateTime| num(d.second()),
    millisecond => |_, d: &ZonedDateTime| num(d.millisecond()),
    microsecond => |_, d: &ZonedDateTime| num(d.microsecond()),
    nanosecond => |_, d: &ZonedDateTime| num(d.nanosecond()),
    epoch_milliseconds => |_, d: &ZonedDateTime| Value::number(d.epoch_milliseconds() as f64),
    epoch_nanoseconds => |vm, d: &ZonedDateTime| bigint_value(vm, d.epoch_nanoseconds().as_i128()),
    day_of_week => |_, d: &ZonedDateTime| num(d.day_of_week()),
    day_of_year => |_, d: &ZonedDateTime| num(d.day_of_year()),
    week_of_year => |_, d: &ZonedDateTime| opt_num(d.week_of_year()),
    year_of_week => |_, d: &ZonedDateTime| opt_num(d.year_of_week()),
    days_in_week => |_, d: &ZonedDateTime| num(d.days_in_week()),
    days_in_month => |_, d: &ZonedDateTime| num(d.days_in_month()),
    days_in_year => |_, d: &ZonedDateTime| num(d.days_in_year()),
    months_in_year => |_, d: &ZonedDateTime| num(d.months_in_year()),
    in_leap_year => |_, d: &ZonedDateTime| Value::boolean(d.in_leap_year()),
    offset_nanoseconds => |_, d: &ZonedDateTime| Value::number(d.offset_nanoseconds() as f64),
    offset => |vm, d: &ZonedDateTime| vm.string(&d.offset()),
);

fn time_zone_id_getter(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    time_zone_id(vm, z.time_zone())
}

fn hours_in_day(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let hours = z.hours_in_day().or_throw(vm)?;
    Ok(Value::number(hours))
}

/// 6.3.31 Temporal.ZonedDateTime.prototype.with ( temporalZonedDateTimeLike [ , options ] )
fn with(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let bag = partial_temporal_object(vm, arg(args, 0))?;
    let fields = prepare_fields(vm, bag, z.calendar(), FieldSet::ZonedWith)?;
    require_some(vm, &fields)?;
    let options = options_object(vm, arg(args, 1))?;
    let disambiguation = disambiguation_option(vm, options)?;
    let offset = offset_option(vm, options)?.or(Some(OffsetDisambiguation::Prefer));
    let overflow = overflow_option(vm, options)?;
    let calendar_fields = fields.calendar_fields(vm)?;
    let time = fields.time(vm, overflow)?;
    let utc_offset = fields.offset(vm)?;
    let result = z
        .with(
            ZonedDateTimeFields {
                calendar_fields,
                time,
                offset: utc_offset,
            },
            disambiguation,
            offset,
            overflow,
        )
        .or_throw(vm)?;
    create_zoned(vm, result, None)
}

fn with_plain_time(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let time = super::plain_time::optional_time(vm, arg(args, 0))?;
    let result = z.with_plain_time(time).or_throw(vm)?;
    create_zoned(vm, result, None)
}

fn with_time_zone(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let tz = to_time_zone(vm, arg(args, 0))?;
    let result = z.with_timezone(tz).or_throw(vm)?;
    create_zoned(vm, result, None)
}

fn with_calendar(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let calendar = to_calendar(vm, arg(args, 0))?;
    create_zoned(vm, z.with_calendar(calendar), None)
}

fn add(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let d = to_duration(vm, arg(args, 0))?;
    let options = options_object(vm, arg(args, 1))?;
    let overflow = overflow_option(vm, options)?;
    let result = z.add(&d, overflow).or_throw(vm)?;
    create_zoned(vm, result, None)
}

fn subtract(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let d = to_duration(vm, arg(args, 0))?;
    let options = options_object(vm, arg(args, 1))?;
    let overflow = overflow_option(vm, options)?;
    let result = z.subtract(&d, overflow).or_throw(vm)?;
    create_zoned(vm, result, None)
}

fn until(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let other = to_temporal_zoned(vm, arg(args, 0), Value::UNDEFINED)?;
    let settings = difference_settings(vm, arg(args, 1))?;
    let d = z.until(&other, settings).or_throw(vm)?;
    super::duration::create_duration(vm, d, None)
}

fn since(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let other = to_temporal_zoned(vm, arg(args, 0), Value::UNDEFINED)?;
    let settings = difference_settings(vm, arg(args, 1))?;
    let d = z.since(&other, settings).or_throw(vm)?;
    super::duration::create_duration(vm, d, None)
}

fn round(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let options = rounding_options(vm, arg(args, 0))?;
    let result = z.round(options).or_throw(vm)?;
    create_zoned(vm, result, None)
}

fn equals(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let other = to_temporal_zoned(vm, arg(args, 0), Value::UNDEFINED)?;
    let same = z.equals(&other).or_throw(vm)?;
    Ok(Value::boolean(same))
}

/// 6.3.41 Temporal.ZonedDateTime.prototype.toString ( [ options ] ): calendarName,
/// fractionalSecondDigits, offset, roundingMode, smallestUnit, timeZoneName.
fn to_string(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let options = options_object(vm, arg(args, 0))?;
    let display_calendar = calendar_name_option(vm, options)?;
    let precision = fractional_second_digits_option(vm, options)?;
    let display_offset: DisplayOffset = parsed_option(vm, options, "offset")?.unwrap_or_default();
    let rounding_mode = rounding_mode_option(vm, options)?;
    let smallest_unit = unit_option(vm, options, "smallestUnit")?;
    let display_time_zone: DisplayTimeZone =
        parsed_option(vm, options, "timeZoneName")?.unwrap_or_default();
    super::check_to_string_unit(vm, smallest_unit)?;
    let s = z
        .to_ixdtf_string(
            display_offset,
            display_time_zone,
            display_calendar,
            ToStringRoundingOptions {
                precision,
                smallest_unit,
                rounding_mode,
            },
        )
        .or_throw(vm)?;
    Ok(vm.string(&s))
}

fn to_json(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let s = z
        .to_ixdtf_string(
            DisplayOffset::default(),
            DisplayTimeZone::default(),
            Default::default(),
            ToStringRoundingOptions::default(),
        )
        .or_throw(vm)?;
    Ok(vm.string(&s))
}

fn start_of_day(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let result = z.start_of_day().or_throw(vm)?;
    create_zoned(vm, result, None)
}

/// 6.3.44 Temporal.ZonedDateTime.prototype.getTimeZoneTransition ( directionParam )
fn get_time_zone_transition(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    let param = arg(args, 0);
    let direction: Option<TransitionDirection> = if param.is_undefined() {
        return Err(vm.type_error("getTimeZoneTransition() needs a direction"));
    } else if let Some(s) = param.as_string() {
        let text = vm.rust_string(s);
        Some(
            text.parse()
                .map_err(|_| vm.range_error(&format!("{text} is not a valid direction")))?,
        )
    } else {
        let options = options_object(vm, param)?;
        parsed_option(vm, options, "direction")?
    };
    let Some(direction) = direction else {
        return Err(vm.range_error("getTimeZoneTransition() needs a direction"));
    };
    match z.get_time_zone_transition(direction).or_throw(vm)? {
        Some(t) => create_zoned(vm, t, None),
        None => Ok(Value::NULL),
    }
}

fn to_instant(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    super::instant::create_instant(vm, z.to_instant(), None)
}

fn to_plain_date(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    super::plain_date::create_date(vm, z.to_plain_date(), None)
}

fn to_plain_time(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    super::plain_time::create_time(vm, z.to_plain_time(), None)
}

fn to_plain_date_time(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let z = this_zoned(vm, this)?;
    super::plain_date_time::create_date_time(vm, z.to_plain_date_time(), None)
}
