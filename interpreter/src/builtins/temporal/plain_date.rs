//! Temporal.PlainDate: a calendar date without a time or time zone.

use super::{
    FieldSet, OrThrow, TemporalValue, calendar_argument, calendar_name_option, calendar_of_bag,
    create, difference_settings, era_value, getters, num, opt_num, options_object, overflow_option,
    partial_temporal_object, prepare_fields, require_some, required_integer, slots, this_slots,
    time_zone_and_time, to_calendar, to_duration,
};
use crate::builtins::arg;
use crate::heap::ObjRef;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use temporal_rs::PlainDate;
use temporal_rs::partial::PartialDate;

pub fn init(vm: &mut Vm, namespace: ObjRef) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].temporal_plain_date_prototype = proto;
    let ctor = super::make_constructor(vm, namespace, "PlainDate", 3, construct, proto);
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
        (
            "toPlainYearMonth",
            0,
            to_plain_year_month as crate::object::NativeFn,
        ),
        ("toPlainMonthDay", 0, to_plain_month_day),
        ("add", 1, add),
        ("subtract", 1, subtract),
        ("with", 1, with),
        ("withCalendar", 1, with_calendar),
        ("until", 1, until),
        ("since", 1, since),
        ("equals", 1, equals),
        ("toPlainDateTime", 0, to_plain_date_time),
        ("toZonedDateTime", 1, to_zoned_date_time),
        ("toString", 0, to_string),
        ("toLocaleString", 0, to_json),
        ("toJSON", 0, to_json),
    ] {
        vm.define_method(proto, name, len, f);
    }
}

fn pick(t: &TemporalValue) -> Option<&PlainDate> {
    match t {
        TemporalValue::PlainDate(v) => Some(v),
        _ => None,
    }
}

fn this_date(vm: &mut Vm, this: Value) -> JsResult<PlainDate> {
    this_slots(vm, this, "PlainDate", pick)
}

pub(super) fn create_date(
    vm: &mut Vm,
    d: PlainDate,
    new_target: Option<ObjRef>,
) -> JsResult<Value> {
    create(vm, TemporalValue::PlainDate(d), new_target, |r| {
        r.temporal_plain_date_prototype
    })
}

/// 3.1.1 Temporal.PlainDate ( isoYear, isoMonth, isoDay [ , calendar ] )
fn construct(vm: &mut Vm, args: &[Value], new_target: ObjRef) -> JsResult<Value> {
    let y = required_integer(vm, arg(args, 0), i32::MIN as f64, i32::MAX as f64)?;
    let m = required_integer(vm, arg(args, 1), 1.0, 12.0)?;
    let d = required_integer(vm, arg(args, 2), 1.0, 31.0)?;
    let calendar = calendar_argument(vm, arg(args, 3))?;
    let date = PlainDate::try_new(y as i32, m as u8, d as u8, calendar).or_throw(vm)?;
    create_date(vm, date, Some(new_target))
}

/// 3.5.4 ToTemporalDate ( item [ , options ] )
pub(super) fn to_temporal_date(vm: &mut Vm, item: Value, options: Value) -> JsResult<PlainDate> {
    if let Some(t) = slots(vm, item) {
        let date = match t {
            TemporalValue::PlainDate(d) => Some(d.clone()),
            TemporalValue::PlainDateTime(dt) => Some(dt.to_plain_date()),
            TemporalValue::ZonedDateTime(z) => Some(z.to_plain_date()),
            _ => None,
        };
        if let Some(date) = date {
            let options = options_object(vm, options)?;
            overflow_option(vm, options)?;
            return Ok(date);
        }
    }
    if let Some(bag) = item.as_object() {
        let calendar = calendar_of_bag(vm, bag)?;
        let fields = prepare_fields(vm, bag, &calendar, FieldSet::Date)?;
        let options = options_object(vm, options)?;
        let overflow = overflow_option(vm, options)?;
        let calendar_fields = fields.calendar_fields(vm)?;
        return PlainDate::from_partial(
            PartialDate {
                calendar_fields,
                calendar,
            },
            overflow,
        )
        .or_throw(vm);
    }
    let Some(s) = item.as_string() else {
        return Err(vm.type_error("a date must be a Temporal object, a string or an object"));
    };
    let text = vm.rust_string(s);
    let date = PlainDate::from_utf8(text.as_bytes()).or_throw(vm)?;
    let options = options_object(vm, options)?;
    overflow_option(vm, options)?;
    Ok(date)
}

fn from(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let d = to_temporal_date(vm, arg(args, 0), arg(args, 1))?;
    create_date(vm, d, None)
}

fn compare(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let one = to_temporal_date(vm, arg(args, 0), Value::UNDEFINED)?;
    let two = to_temporal_date(vm, arg(args, 1), Value::UNDEFINED)?;
    Ok(Value::int32(one.compare_iso(&two) as i32))
}

getters!(this_date:
    calendar_id => |vm, d: &PlainDate| vm.string(d.calendar().identifier()),
    era => |vm, d: &PlainDate| era_value(vm, d.era()),
    era_year => |_, d: &PlainDate| opt_num(d.era_year()),
    year => |_, d: &PlainDate| num(d.year()),
    month => |_, d: &PlainDate| num(d.month()),
    month_code => |vm, d: &PlainDate| vm.string(d.month_code().as_str()),
    day => |_, d: &PlainDate| num(d.day()),
    day_of_week => |_, d: &PlainDate| num(d.day_of_week()),
    day_of_year => |_, d: &PlainDate| num(d.day_of_year()),
    week_of_year => |_, d: &PlainDate| opt_num(d.week_of_year()),
    year_of_week => |_, d: &PlainDate| opt_num(d.year_of_week()),
    days_in_week => |_, d: &PlainDate| num(d.days_in_week()),
    days_in_month => |_, d: &PlainDate| num(d.days_in_month()),
    days_in_year => |_, d: &PlainDate| num(d.days_in_year()),
    months_in_year => |_, d: &PlainDate| num(d.months_in_year()),
    in_leap_year => |_, d: &PlainDate| Value::boolean(d.in_leap_year()),
);

fn to_plain_year_month(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let d = this_date(vm, this)?;
    let ym = d.to_plain_year_month().or_throw(vm)?;
    super::plain_year_month::create_year_month(vm, ym, None)
}

fn to_plain_month_day(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let d = this_date(vm, this)?;
    let md = d.to_plain_month_day().or_throw(vm)?;
    super::plain_month_day::create_month_day(vm, md, None)
}

fn add(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_date(vm, this)?;
    let duration = to_duration(vm, arg(args, 0))?;
    let options = options_object(vm, arg(args, 1))?;
    let overflow = overflow_option(vm, options)?;
    let result = d.add(&duration, overflow).or_throw(vm)?;
    create_date(vm, result, None)
}

fn subtract(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_date(vm, this)?;
    let duration = to_duration(vm, arg(args, 0))?;
    let options = options_object(vm, arg(args, 1))?;
    let overflow = overflow_option(vm, options)?;
    let result = d.subtract(&duration, overflow).or_throw(vm)?;
    create_date(vm, result, None)
}

/// 3.3.23 Temporal.PlainDate.prototype.with ( temporalDateLike [ , options ] )
fn with(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_date(vm, this)?;
    let bag = partial_temporal_object(vm, arg(args, 0))?;
    let fields = prepare_fields(vm, bag, d.calendar(), FieldSet::Date)?;
    require_some(vm, &fields)?;
    let options = options_object(vm, arg(args, 1))?;
    let overflow = overflow_option(vm, options)?;
    let calendar_fields = fields.calendar_fields(vm)?;
    let result = d.with(calendar_fields, overflow).or_throw(vm)?;
    create_date(vm, result, None)
}

fn with_calendar(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_date(vm, this)?;
    let calendar = to_calendar(vm, arg(args, 0))?;
    create_date(vm, d.with_calendar(calendar), None)
}

fn until(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_date(vm, this)?;
    let other = to_temporal_date(vm, arg(args, 0), Value::UNDEFINED)?;
    let settings = difference_settings(vm, arg(args, 1))?;
    let result = d.until(&other, settings).or_throw(vm)?;
    super::duration::create_duration(vm, result, None)
}

fn since(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_date(vm, this)?;
    let other = to_temporal_date(vm, arg(args, 0), Value::UNDEFINED)?;
    let settings = difference_settings(vm, arg(args, 1))?;
    let result = d.since(&other, settings).or_throw(vm)?;
    super::duration::create_duration(vm, result, None)
}

fn equals(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_date(vm, this)?;
    let other = to_temporal_date(vm, arg(args, 0), Value::UNDEFINED)?;
    Ok(Value::boolean(d == other))
}

fn to_plain_date_time(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_date(vm, this)?;
    let time = super::plain_time::optional_time(vm, arg(args, 0))?;
    let dt = d.to_plain_date_time(time).or_throw(vm)?;
    super::plain_date_time::create_date_time(vm, dt, None)
}

/// 3.3.29 Temporal.PlainDate.prototype.toZonedDateTime ( item )
fn to_zoned_date_time(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_date(vm, this)?;
    let (tz, time) = time_zone_and_time(vm, arg(args, 0))?;
    let z = d.to_zoned_date_time(tz, time).or_throw(vm)?;
    super::zoned_date_time::create_zoned(vm, z, None)
}

fn to_string(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let d = this_date(vm, this)?;
    let options = options_object(vm, arg(args, 0))?;
    let display = calendar_name_option(vm, options)?;
    let s = d.to_ixdtf_string(display);
    Ok(vm.string(&s))
}

fn to_json(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let d = this_date(vm, this)?;
    let s = d.to_ixdtf_string(Default::default());
    Ok(vm.string(&s))
}
