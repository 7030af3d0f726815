//! Temporal.PlainMonthDay: a day of a calendar month, in no particular year.

use super::{
    FieldSet, OrThrow, TemporalValue, calendar_argument, calendar_name_option, calendar_of_bag,
    create, getters, num, options_object, overflow_option, partial_temporal_object, prepare_fields,
    require_some, required_integer, slots, this_slots,
};
use crate::builtins::arg;
use crate::heap::ObjRef;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use temporal_rs::PlainMonthDay;
use temporal_rs::options::Overflow;
use temporal_rs::partial::PartialDate;

pub fn init(vm: &mut Vm, namespace: ObjRef) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].temporal_plain_month_day_prototype = proto;
    let ctor = super::make_constructor(vm, namespace, "PlainMonthDay", 2, construct, proto);
    vm.define_method(ctor, "from", 1, from);
    for (name, getter) in [
        ("calendarId", calendar_id as crate::object::NativeFn),
        ("monthCode", month_code),
        ("day", day),
    ] {
        vm.define_getter(proto, name, getter);
    }
    for (name, len, f) in [
        ("with", 1, with as crate::object::NativeFn),
        ("equals", 1, equals),
        ("toString", 0, to_string),
        ("toLocaleString", 0, to_json),
        ("toJSON", 0, to_json),
        ("toPlainDate", 1, to_plain_date),
    ] {
        vm.define_method(proto, name, len, f);
    }
}

fn pick(t: &TemporalValue) -> Option<&PlainMonthDay> {
    match t {
        TemporalValue::PlainMonthDay(v) => Some(v),
        _ => None,
    }
}

fn this_month_day(vm: &mut Vm, this: Value) -> JsResult<PlainMonthDay> {
    this_slots(vm, this, "PlainMonthDay", pick)
}

pub(super) fn create_month_day(
    vm: &mut Vm,
    md: PlainMonthDay,
    new_target: Option<ObjRef>,
) -> JsResult<Value> {
    create(vm, TemporalValue::PlainMonthDay(md), new_target, |r| {
        r.temporal_plain_month_day_prototype
    })
}

/// 10.1.1 Temporal.PlainMonthDay ( isoMonth, isoDay [ , calendar [ , referenceISOYear ] ] )
fn construct(vm: &mut Vm, args: &[Value], new_target: ObjRef) -> JsResult<Value> {
    let m = required_integer(vm, arg(args, 0), 1.0, 12.0)?;
    let d = required_integer(vm, arg(args, 1), 1.0, 31.0)?;
    let calendar = calendar_argument(vm, arg(args, 2))?;
    let year = match arg(args, 3) {
        v if v.is_undefined() => 1972.0,
        v => required_integer(vm, v, i32::MIN as f64, i32::MAX as f64)?,
    };
    let md = PlainMonthDay::new_with_overflow(
        m as u8,
        d as u8,
        calendar,
        Overflow::Reject,
        Some(year as i32),
    )
    .or_throw(vm)?;
    create_month_day(vm, md, Some(new_target))
}

/// 10.5.1 ToTemporalMonthDay ( item [ , options ] )
fn to_temporal_month_day(vm: &mut Vm, item: Value, options: Value) -> JsResult<PlainMonthDay> {
    if let Some(TemporalValue::PlainMonthDay(md)) = slots(vm, item) {
        let md = md.clone();
        let options = options_object(vm, options)?;
        overflow_option(vm, options)?;
        return Ok(md);
    }
    if let Some(bag) = item.as_object() {
        let calendar = calendar_of_bag(vm, bag)?;
        let fields = prepare_fields(vm, bag, &calendar, FieldSet::Date)?;
        let options = options_object(vm, options)?;
        let overflow = overflow_option(vm, options)?;
        let calendar_fields = fields.calendar_fields(vm)?;
        return PlainMonthDay::from_partial(
            PartialDate {
                calendar_fields,
                calendar,
            },
            overflow,
        )
        .or_throw(vm);
    }
    let Some(s) = item.as_string() else {
        return Err(vm.type_error("a month-day must be a Temporal object, a string or an object"));
    };
    let text = vm.rust_string(s);
    let md = PlainMonthDay::from_utf8(text.as_bytes()).or_throw(vm)?;
    let options = options_object(vm, options)?;
    overflow_option(vm, options)?;
    Ok(md)
}

fn from(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let md = to_temporal_month_day(vm, arg(args, 0), arg(args, 1))?;
    create_month_day(vm, md, None)
}

getters!(this_month_day:
    calendar_id => |vm, d: &PlainMonthDay| vm.string(d.calendar().identifier()),
    month_code => |vm, d: &PlainMonthDay| vm.string(d.month_code().as_str()),
    day => |_, d: &PlainMonthDay| num(d.day()),
);

fn with(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let md = this_month_day(vm, this)?;
    let bag = partial_temporal_object(vm, arg(args, 0))?;
    let fields = prepare_fields(vm, bag, md.calendar(), FieldSet::Date)?;
    require_some(vm, &fields)?;
    let options = options_object(vm, arg(args, 1))?;
    let overflow = overflow_option(vm, options)?;
    let calendar_fields = fields.calendar_fields(vm)?;
    let result = md.with(calendar_fields, overflow).or_throw(vm)?;
    create_month_day(vm, result, None)
}

fn equals(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let md = this_month_day(vm, this)?;
    let other = to_temporal_month_day(vm, arg(args, 0), Value::UNDEFINED)?;
    Ok(Value::boolean(md == other))
}

fn to_string(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let md = this_month_day(vm, this)?;
    let options = options_object(vm, arg(args, 0))?;
    let display = calendar_name_option(vm, options)?;
    let s = md.to_ixdtf_string(display);
    Ok(vm.string(&s))
}

fn to_json(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let md = this_month_day(vm, this)?;
    let s = md.to_ixdtf_string(Default::default());
    Ok(vm.string(&s))
}

/// 10.3.9 Temporal.PlainMonthDay.prototype.toPlainDate ( item ): `item` gives the year.
fn to_plain_date(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let md = this_month_day(vm, this)?;
    let Some(bag) = arg(args, 0).as_object() else {
        return Err(vm.type_error("toPlainDate() takes an object with a year"));
    };
    let fields = prepare_fields(vm, bag, md.calendar(), FieldSet::Year)?;
    let calendar_fields = fields.calendar_fields(vm)?;
    let date = md.to_plain_date(Some(calendar_fields)).or_throw(vm)?;
    super::plain_date::create_date(vm, date, None)
}
