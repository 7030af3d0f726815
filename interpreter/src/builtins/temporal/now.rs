//! Temporal.Now: the system clock and the system time zone (`TZ`, else the system's setting,
//! read through `jiff` as `Date` does).

use super::{OrThrow, time_zone_id, to_time_zone};
use crate::builtins::arg;
use crate::heap::ObjRef;
use crate::object::{PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use temporal_rs::{Instant, TimeZone, ZonedDateTime};

pub fn init(vm: &mut Vm, namespace: ObjRef) {
    let op = vm.intrinsics().object_prototype;
    let now = vm.new_plain_object(op);
    let tag = vm.agent.symbols.to_string_tag;
    let name = vm.string("Temporal.Now");
    vm.define_data(now, PropertyKey::Symbol(tag), name, attrs::CONFIGURABLE);
    for (name, len, f) in [
        ("instant", 0, instant as crate::object::NativeFn),
        ("timeZoneId", 0, time_zone_id_fn),
        ("zonedDateTimeISO", 0, zoned_date_time_iso),
        ("plainDateTimeISO", 0, plain_date_time_iso),
        ("plainDateISO", 0, plain_date_iso),
        ("plainTimeISO", 0, plain_time_iso),
    ] {
        vm.define_method(now, name, len, f);
    }
    let key = vm.key("Now");
    vm.define_data(namespace, key, now.value(), attrs::HIDDEN);
}

/// SystemUTCEpochNanoseconds.
fn system_instant(vm: &mut Vm) -> JsResult<Instant> {
    let ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128);
    Instant::try_new(ns).or_throw(vm)
}

/// SystemTimeZoneIdentifier: the IANA name `jiff` finds, else UTC.
fn system_time_zone(vm: &mut Vm) -> JsResult<TimeZone> {
    let system = jiff::tz::TimeZone::system();
    if let Some(name) = system.iana_name()
        && let Ok(tz) = TimeZone::try_from_identifier_str(name)
    {
        return Ok(tz);
    }
    TimeZone::try_from_identifier_str("UTC").or_throw(vm)
}

/// SystemDateTime: now, in `time_zone` or the system's.
fn system_zoned(vm: &mut Vm, time_zone: Value) -> JsResult<ZonedDateTime> {
    let tz = if time_zone.is_undefined() {
        system_time_zone(vm)?
    } else {
        to_time_zone(vm, time_zone)?
    };
    let now = system_instant(vm)?;
    ZonedDateTime::try_new_iso_from_instant(now, tz).or_throw(vm)
}

fn instant(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let i = system_instant(vm)?;
    super::instant::create_instant(vm, i, None)
}

fn time_zone_id_fn(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let tz = system_time_zone(vm)?;
    time_zone_id(vm, &tz)
}

fn zoned_date_time_iso(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let z = system_zoned(vm, arg(args, 0))?;
    super::zoned_date_time::create_zoned(vm, z, None)
}

fn plain_date_time_iso(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let z = system_zoned(vm, arg(args, 0))?;
    super::plain_date_time::create_date_time(vm, z.to_plain_date_time(), None)
}

fn plain_date_iso(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let z = system_zoned(vm, arg(args, 0))?;
    super::plain_date::create_date(vm, z.to_plain_date(), None)
}

fn plain_time_iso(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let z = system_zoned(vm, arg(args, 0))?;
    super::plain_time::create_time(vm, z.to_plain_time(), None)
}
