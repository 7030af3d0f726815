//! Temporal.PlainYearMonth: a month of a calendar year.

use super::{
    FieldSet, OrThrow, TemporalValue, calendar_argument, calendar_name_option, calendar_of_bag,
    create, difference_settings, era_value, getters, num, opt_num, options_object, overflow_option,
    partial_temporal_object, prepare_fields, require_some, required_integer, slots, this_slots,
    to_duration,
};
use crate::builtins::arg;
use crate::heap::ObjRef;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use temporal_rs::PlainYearMonth;
use temporal_rs::partial::PartialYearMonth;

pub fn init(vm: &mut Vm, namespace: ObjRef) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].temporal_plain_year_month_prototype = proto;
    let ctor = super::make_constructor(vm, namespace, "PlainYearMonth", 2, construct, proto);
    vm.define_method(ctor, "from", 1, from);
    vm.define_method(ctor, "compare", 2, compare);
    for (name, getter) in [
        ("calendarId", calendar_id as crate::object::NativeFn),
        ("era", era),
        ("eraYear", era_year),
        ("year", year),
        ("month", month),
        ("monthCode", month_code),
        ("daysInYear", days_in_year),
        ("daysInMonth", days_in_month),
        ("monthsInYear", months_in_year),
        ("inLeapYear", in_leap_year),
    ] {
        vm.define_getter(proto, name, getter);
    }
    for (name, len, f) in [
        ("with", 1, with as crate::object::NativeFn),
        ("add", 1, add),
        ("subtract", 1, subtract),
        ("until", 1, until),
        ("since", 1, since),
        ("equals", 1, equals),
        ("toString", 0, to_string),
        ("toLocaleString", 0, to_json),
        ("toJSON", 0, to_json),
        ("toPlainDate", 1, to_plain_date),
    ] {
        vm.define_method(proto, name, len, f);
    }
}

fn pick(t: &TemporalValue) -> Option<&PlainYearMonth> {
    match t {
        TemporalValue::PlainYearMonth(v) => Some(v),
        _ => None,
    }
}

fn this_year_month(vm: &mut Vm, this: Value) -> JsResult<PlainYearMonth> {
    this_slots(vm, this, "PlainYearMonth", pick)
}

pub(super) fn create_year_month(
    vm: &mut Vm,
    ym: PlainYearMonth,
    new_target: Option<ObjRef>,
) -> JsResult<Value> {
    create(vm, TemporalValue::PlainYearMonth(ym), new_target, |r| {
        r.temporal_plain_year_month_prototype
    })
}

/// 9.1.1 Temporal.PlainYearMonth ( isoYear, isoMonth [ , calendar [ , referenceISODay ] ] )
fn construct(vm: &mut Vm, args: &[Value], new_target: ObjRef) -> JsResult<Value> {
    let y = required_integer(vm, arg(args, 0), i32::MIN as f64, i32::MAX as f64)?;
    let m = required_integer(vm, arg(args, 1), 1.0, 12.0)?;
    let calendar = calendar_argument(vm, arg(args, 2))?;
    let day = match arg(args, 3) {
        v if v.is_undefined() => 1.0,
        v => required_integer(vm, v, 1.0, 31.0)?,
    };
    let ym = PlainYearMonth::try_new(y as i32, m as u8, Some(day as u8), calendar).or_throw(vm)?;
    create_year_month(vm, ym, Some(new_target))
}

/// 9.5.2 ToTemporalYearMonth ( item [ , options ] )
fn to_temporal_year_month(vm: &mut Vm, item: Value, options: Value) -> JsResult<PlainYearMonth> {
    if let Some(TemporalValue::PlainYearMonth(ym)) = slots(vm, item) {
        let ym = ym.clone();
        let options = options_object(vm, options)?;
        overflow_option(vm, options)?;
        return Ok(ym);
    }
    if let Some(bag) = item.as_object() {
        let calendar = calendar_of_bag(vm, bag)?;
        let fields = prepare_fields(vm, bag, &calendar, FieldSet::YearMonth)?;
        let options = options_object(vm, options)?;
        let overflow = overflow_option(vm, options)?;
        let calendar_fields = fields.year_month_fields(vm)?;
        return PlainYearMonth::from_partial(
            PartialYearMonth {
                calendar_fields,
                calendar,
            },
            overflow,
        )
        .or_throw(vm);
    }
    let Some(s) = item.as_string() else {
        return Err(vm.type_error("a year-month must be a Temporal object, a string or an object"));
    };
    let text = vm.rust_string(s);
    let ym = PlainYearMonth::from_utf8(text.as_bytes()).or_throw(vm)?;
    let options = options_object(vm, options)?;
    overflow_option(vm, options)?;
    Ok(ym)
}

fn from(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let ym = to_temporal_year_month(vm, arg(args, 0), arg(args, 1))?;
    create_year_month(vm, ym, None)
}

fn compare(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let one = to_temporal_year_month(vm, arg(args, 0), Value::UNDEFINED)?;
    let two = to_temporal_year_month(vm, arg(args, 1), Value::UNDEFINED)?;
    Ok(Value::int32(one.compare_iso(&two) as i32))
}

getters!(this_year_month:
    calendar_id => |vm, d: &PlainYearMonth| vm.string(d.calendar().identifier()),
    era => |vm, d: &PlainYearMonth| era_value(vm, d.era()),
    era_year => |_, d: &PlainYearMonth| opt_num(d.era_year()),
    year => |_, d: &PlainYearMonth| num(d.year()),
    month => |_, d: &PlainYearMonth| num(d.month()),
    month_code => |vm, d: &PlainYearMonth| vm.string(d.month_code().as_str()),
    days_in_year => |_, d: &PlainYearMonth| num(d.days_in_year()),
    days_in_month => |_, d: &PlainYearMonth| num(d.days_in_month()),
    months_in_year => |_, d: &PlainYearMonth| num(d.months_in_year()),
    in_leap_year => |_, d: &PlainYearMonth| Value::boolean(d.in_leap_year()),
);

fn with(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let ym = this_year_month(vm, this)?;
    let bag = partial_temporal_object(vm, arg(args, 0))?;
    let fields = prepare_fields(vm, bag, ym.calendar(), FieldSet::YearMonth)?;
    require_some(vm, &fields)?;
    let options = options_object(vm, arg(args, 1))?;
    let overflow = overflow_option(vm, options)?;
    let calendar_fields = fields.year_month_fields(vm)?;
    let result = ym.with(calendar_fields, overflow).or_throw(vm)?;
    create_year_month(vm, result, None)
}

fn add(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let ym = this_year_month(vm, this)?;
    let d = to_duration(vm, arg(args, 0))?;
    let options = options_object(vm, arg(args, 1))?;
    let overflow = overflow_option(vm, options)?.unwrap_or_default();
    let result = ym.add(&d, overflow).or_throw(vm)?;
    create_year_month(vm, result, None)
}

fn subtract(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let ym = this_year_month(vm, this)?;
    let d = to_duration(vm, arg(args, 0))?;
    let options = options_object(vm, arg(args, 1))?;
    let overflow = overflow_option(vm, options)?.unwrap_or_default();
    let result = ym.subtract(&d, overflow).or_throw(vm)?;
    create_year_month(vm, result, None)
}

fn until(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let ym = this_year_month(vm, this)?;
    let other = to_temporal_year_month(vm, arg(args, 0), Value::UNDEFINED)?;
    let settings = difference_settings(vm, arg(args, 1))?;
    let d = ym.until(&other, settings).or_throw(vm)?;
    super::duration::create_duration(vm, d, None)
}

fn since(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let ym = this_year_month(vm, this)?;
    let other = to_temporal_year_month(vm, arg(args, 0), Value::UNDEFINED)?;
    let settings = difference_settings(vm, arg(args, 1))?;
    let d = ym.since(&other, settings).or_throw(vm)?;
    super::duration::create_duration(vm, d, None)
}

fn equals(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let ym = this_year_month(vm, this)?;
    let other = to_temporal_year_month(vm, arg(args, 0), Value::UNDEFINED)?;
    Ok(Value::boolean(ym == other))
}

fn to_string(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let ym = this_year_month(vm, this)?;
    let options = options_object(vm, arg(args, 0))?;
    let display = calendar_name_option(vm, options)?;
    let s = ym.to_ixdtf_string(display);
    Ok(vm.string(&s))
}

fn to_json(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let ym = this_year_month(vm, this)?;
    let s = ym.to_ixdtf_string(Default::default());
    Ok(vm.string(&s))
}

/// 9.3.19 Temporal.PlainYearMonth.prototype.toPlainDate ( item ): `item` gives the day.
fn to_plain_date(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let ym = this_year_month(vm, this)?;
    let Some(bag) = arg(args, 0).as_object() else {
        return Err(vm.type_error("toPlainDate() takes an object with a day"));
    };
    let key = vm.key("day");
    let v = vm.get(bag, key, bag.value())?;
    let mut fields = temporal_rs::fields::CalendarFields::default();
    if !v.is_undefined() {
        let day = super::to_positive_integer_with_truncation(vm, v)?;
        fields.day = Some(super::saturate(day));
    }
    let date = ym.to_plain_date(Some(fields)).or_throw(vm)?;
    super::plain_date::create_date(vm, date, None)
}
