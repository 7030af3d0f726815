//! 21.4 Date objects: time values in milliseconds since the epoch, local time through the time
//! zone database (`jiff`, which honours `TZ`), the Date Time String Format and the common legacy
//! formats for parsing, and every getter, setter and string form.

use super::arg;
use crate::heap::ObjRef;
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

const MS_PER_DAY: f64 = 86_400_000.0;
const MS_PER_HOUR: f64 = 3_600_000.0;
const MS_PER_MINUTE: f64 = 60_000.0;
const MS_PER_SECOND: f64 = 1000.0;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

// ---------------------------------------------------------------------------------------------
// 21.4.1 Time values and the day/year/month arithmetic

/// 21.4.1.3 Day
fn day(t: f64) -> f64 {
    (t / MS_PER_DAY).floor()
}

/// 21.4.1.4 TimeWithinDay
fn time_within_day(t: f64) -> f64 {
    t.rem_euclid(MS_PER_DAY)
}

/// 21.4.1.6 DayFromYear
fn day_from_year(y: f64) -> f64 {
    365.0 * (y - 1970.0) + ((y - 1969.0) / 4.0).floor() - ((y - 1901.0) / 100.0).floor()
        + ((y - 1601.0) / 400.0).floor()
}

fn days_in_year(y: f64) -> f64 {
    if (y % 4.0 != 0.0) || (y % 100.0 == 0.0 && y % 400.0 != 0.0) {
        365.0
    } else {
        366.0
    }
}

/// 21.4.1.8 YearFromTime
fn year_from_time(t: f64) -> f64 {
    let mut y = (day(t) / 365.2425).floor() + 1970.0;
    while day_from_year(y) * MS_PER_DAY > t {
        y -= 1.0;
    }
    while day_from_year(y + 1.0) * MS_PER_DAY <= t {
        y += 1.0;
    }
    y
}

fn in_leap_year(t: f64) -> bool {
    days_in_year(year_from_time(t)) == 366.0
}

/// The first day (within the year) of each month.
fn month_starts(leap: bool) -> [f64; 13] {
    let l = if leap { 1.0 } else { 0.0 };
    [
        0.0,
        31.0,
        59.0 + l,
        90.0 + l,
        120.0 + l,
        151.0 + l,
        181.0 + l,
        212.0 + l,
        243.0 + l,
        273.0 + l,
        304.0 + l,
        334.0 + l,
        365.0 + l,
    ]
}

/// 21.4.1.11 MonthFromTime (0-based)
fn month_from_time(t: f64) -> f64 {
    let d = day(t) - day_from_year(year_from_time(t));
    let starts = month_starts(in_leap_year(t));
    (0..12).find(|&m| d < starts[m + 1]).unwrap_or(11) as f64
}

/// 21.4.1.12 DateFromTime (1-based)
fn date_from_time(t: f64) -> f64 {
    let d = day(t) - day_from_year(year_from_time(t));
    let starts = month_starts(in_leap_year(t));
    d - starts[month_from_time(t) as usize] + 1.0
}

/// 21.4.1.13 WeekDay
fn week_day(t: f64) -> f64 {
    (day(t) + 4.0).rem_euclid(7.0)
}

fn hour_from_time(t: f64) -> f64 {
    (t / MS_PER_HOUR).floor().rem_euclid(24.0)
}

fn min_from_time(t: f64) -> f64 {
    (t / MS_PER_MINUTE).floor().rem_euclid(60.0)
}

fn sec_from_time(t: f64) -> f64 {
    (t / MS_PER_SECOND).floor().rem_euclid(60.0)
}

fn ms_from_time(t: f64) -> f64 {
    t.rem_euclid(MS_PER_SECOND)
}

/// ToIntegerOrInfinity on a Number.
fn integer(n: f64) -> f64 {
    if n.is_nan() { 0.0 } else { n.trunc() + 0.0 }
}

/// 21.4.1.27 MakeTime
fn make_time(hour: f64, min: f64, sec: f64, ms: f64) -> f64 {
    if !(hour.is_finite() && min.is_finite() && sec.is_finite() && ms.is_finite()) {
        return f64::NAN;
    }
    integer(hour) * MS_PER_HOUR
        + integer(min) * MS_PER_MINUTE
        + integer(sec) * MS_PER_SECOND
        + integer(ms)
}

/// 21.4.1.28 MakeDay
fn make_day(year: f64, month: f64, date: f64) -> f64 {
    if !(year.is_finite() && month.is_finite() && date.is_finite()) {
        return f64::NAN;
    }
    let (y, m, dt) = (integer(year), integer(month), integer(date));
    let ym = y + (m / 12.0).floor();
    if ym.abs() > 400_000.0 {
        return f64::NAN;
    }
    let mn = m.rem_euclid(12.0);
    let days = day_from_year(ym) + month_starts(days_in_year(ym) == 366.0)[mn as usize];
    days + dt - 1.0
}

/// 21.4.1.29 MakeDate
fn make_date(day: f64, time: f64) -> f64 {
    if !(day.is_finite() && time.is_finite()) {
        return f64::NAN;
    }
    let tv = day * MS_PER_DAY + time;
    if tv.is_finite() { tv } else { f64::NAN }
}

/// 21.4.1.31 TimeClip
pub fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > 8.64e15 {
        return f64::NAN;
    }
    integer(t)
}

// ---------------------------------------------------------------------------------------------
// 21.4.1.20-25 Local time

fn local_zone() -> &'static jiff::tz::TimeZone {
    static ZONE: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
    ZONE.get_or_init(|| jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC))
}

/// The timestamp nearest to `t` (ms) that the time zone database can answer for.
fn timestamp(t: f64) -> jiff::Timestamp {
    let min = jiff::Timestamp::MIN.as_second();
    let max = jiff::Timestamp::MAX.as_second();
    let s = ((t / 1000.0).floor() as i64).clamp(min, max);
    jiff::Timestamp::from_second(s).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// The local time zone's offset (ms) at the UTC time `t`.
fn offset_at(t: f64) -> f64 {
    f64::from(local_zone().to_offset(timestamp(t)).seconds()) * 1000.0
}

/// 21.4.1.25 LocalTime
fn local_time(t: f64) -> f64 {
    t + offset_at(t)
}

/// 21.4.1.26 UTC: local time to UTC. Of two candidate instants (a repeated local time) the
/// earlier wins; a skipped local time is read with the offset before the transition.
fn utc(t: f64) -> f64 {
    if !t.is_finite() {
        return f64::NAN;
    }
    let before = offset_at(t - MS_PER_DAY);
    let after = offset_at(t + MS_PER_DAY);
    let valid = |offset: f64| offset_at(t - offset) == offset;
    match (valid(before), valid(after)) {
        (true, true) => (t - before).min(t - after),
        (false, true) => t - after,
        _ => t - before,
    }
}

/// The time zone's abbreviation at `t` (e.g. `CET`, `UTC`).
fn zone_name(t: f64) -> String {
    local_zone()
        .to_offset_info(timestamp(t))
        .abbreviation()
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// The object

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let proto = vm.new_plain_object(op);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].date_prototype = proto;
    let ctor = vm.make_constructor("Date", 7, date_call, Some(construct), proto);
    vm.define_method(ctor, "now", 0, now);
    vm.define_method(ctor, "parse", 1, parse);
    vm.define_method(ctor, "UTC", 7, utc_fn);

    for (name, len, f) in [
        ("getDate", 0, get_date as crate::object::NativeFn),
        ("getDay", 0, get_day),
        ("getFullYear", 0, get_full_year),
        ("getHours", 0, get_hours),
        ("getMilliseconds", 0, get_milliseconds),
        ("getMinutes", 0, get_minutes),
        ("getMonth", 0, get_month),
        ("getSeconds", 0, get_seconds),
        ("getTime", 0, value_of),
        ("getTimezoneOffset", 0, get_timezone_offset),
        ("getUTCDate", 0, get_utc_date),
        ("getUTCDay", 0, get_utc_day),
        ("getUTCFullYear", 0, get_utc_full_year),
        ("getUTCHours", 0, get_utc_hours),
        ("getUTCMilliseconds", 0, get_utc_milliseconds),
        ("getUTCMinutes", 0, get_utc_minutes),
        ("getUTCMonth", 0, get_utc_month),
        ("getUTCSeconds", 0, get_utc_seconds),
        ("getYear", 0, get_year),
        ("setDate", 1, set_date),
        ("setFullYear", 3, set_full_year),
        ("setHours", 4, set_hours),
        ("setMilliseconds", 1, set_milliseconds),
        ("setMinutes", 3, set_minutes),
        ("setMonth", 2, set_month),
        ("setSeconds", 2, set_seconds),
        ("setTime", 1, set_time),
        ("setUTCDate", 1, set_utc_date),
        ("setUTCFullYear", 3, set_utc_full_year),
        ("setUTCHours", 4, set_utc_hours),
        ("setUTCMilliseconds", 1, set_utc_milliseconds),
        ("setUTCMinutes", 3, set_utc_minutes),
        ("setUTCMonth", 2, set_utc_month),
        ("setUTCSeconds", 2, set_utc_seconds),
        ("setYear", 1, set_year),
        ("toDateString", 0, to_date_string),
        ("toISOString", 0, to_iso_string),
        ("toJSON", 1, to_json),
        ("toLocaleDateString", 0, to_locale_date_string),
        ("toLocaleString", 0, to_locale_string),
        ("toLocaleTimeString", 0, to_locale_time_string),
        ("toString", 0, to_string),
        ("toTimeString", 0, to_time_string),
        ("toTemporalInstant", 0, to_temporal_instant),
        ("valueOf", 0, value_of),
    ] {
        vm.define_method(proto, name, len, f);
    }
    // B.2.3.2: toGMTString is the same function object as toUTCString.
    let utc_string = vm.define_method_now(proto, "toUTCString", 0, to_utc_string);
    let gk = vm.key("toGMTString");
    vm.define_data(proto, gk, utc_string.value(), attrs::HIDDEN);
    let tp = vm.agent.symbols.to_primitive;
    let f = vm.native_function("[Symbol.toPrimitive]", 1, to_primitive, None);
    vm.define_data(
        proto,
        PropertyKey::Symbol(tp),
        f.value(),
        attrs::CONFIGURABLE,
    );
}

fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}

/// 21.4.4.46 Date.prototype.toTemporalInstant ( ): the time value as a Temporal.Instant.
fn to_temporal_instant(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    if t.is_nan() {
        return Err(vm.range_error("Invalid Date has no Temporal.Instant"));
    }
    super::temporal::instant_from_epoch_milliseconds(vm, t)
}

/// thisTimeValue
fn this_time(vm: &mut Vm, this: Value) -> JsResult<f64> {
    if let Some(o) = this.as_object()
        && let ObjectKind::Date(t) = vm.obj(o).kind
    {
        return Ok(t);
    }
    Err(vm.type_error("this is not a Date object"))
}

fn this_date(vm: &mut Vm, this: Value) -> JsResult<ObjRef> {
    if let Some(o) = this.as_object()
        && let ObjectKind::Date(_) = vm.obj(o).kind
    {
        return Ok(o);
    }
    Err(vm.type_error("this is not a Date object"))
}

fn set_time_value(vm: &mut Vm, o: ObjRef, t: f64) -> Value {
    if let ObjectKind::Date(slot) = &mut vm.obj_mut(o).kind {
        *slot = t;
    }
    Value::number(t)
}

/// 21.4.2.1 Date ( ...values ), called as a function.
fn date_call(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let text = date_to_string(now_ms());
    Ok(vm.string(&text))
}

/// 21.4.2.1 Date ( ...values ), as a constructor.
fn construct(vm: &mut Vm, args: &[Value], nt: ObjRef) -> JsResult<Value> {
    let tv = match args {
        [] => now_ms(),
        [value] => {
            let date_value = value.as_object().and_then(|o| match vm.obj(o).kind {
                ObjectKind::Date(t) => Some(t),
                _ => None,
            });
            match date_value {
                Some(t) => t,
                None => {
                    let v = vm.to_primitive(*value, crate::ops::Hint::Default)?;
                    if v.is_string() {
                        let s = vm.to_rust_string(v)?;
                        parse_date(&s)
                    } else {
                        time_clip(vm.to_number(v)?)
                    }
                }
            }
        }
        _ => {
            let final_date = make_date_from_parts(vm, args)?;
            time_clip(utc(final_date))
        }
    };
    let proto = vm.prototype_from_constructor(nt.value(), |r| r.date_prototype)?;
    Ok(vm
        .alloc(Object::new(Some(proto), ObjectKind::Date(tv)))
        .value())
}

/// The date of `new Date(y, m, ...)` and `Date.UTC(y, ...)`, before the UTC conversion.
fn make_date_from_parts(vm: &mut Vm, args: &[Value]) -> JsResult<f64> {
    let mut n = [f64::NAN, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    for (i, slot) in n.iter_mut().enumerate() {
        if let Some(&v) = args.get(i) {
            *slot = vm.to_number(v)?;
        }
    }
    let year = make_full_year(n[0]);
    Ok(make_date(
        make_day(year, n[1], n[2]),
        make_time(n[3], n[4], n[5], n[6]),
    ))
}

/// 21.4.1.30 MakeFullYear: two-digit years are 1900s.
fn make_full_year(y: f64) -> f64 {
    if y.is_nan() {
        return y;
    }
    let yi = integer(y);
    if (0.0..=99.0).contains(&yi) {
        1900.0 + yi
    } else {
        y
    }
}

/// 21.4.3.4 Date.now
fn now(_: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Ok(Value::number(now_ms()))
}

/// 21.4.3.2 Date.parse ( string )
fn parse(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let s = vm.to_rust_string(arg(args, 0))?;
    Ok(Value::number(parse_date(&s)))
}

/// 21.4.3.4 Date.UTC ( year [ , ... ] )
fn utc_fn(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let d = make_date_from_parts(vm, args)?;
    Ok(Value::number(time_clip(d)))
}

// ---------------------------------------------------------------------------------------------
// Getters

macro_rules! getters {
    ($($name:ident: $local:expr, $f:expr;)*) => {
        $(fn $name(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
            let t = this_time(vm, this)?;
            if t.is_nan() {
                return Ok(Value::number(f64::NAN));
            }
            let t = if $local { local_time(t) } else { t };
            Ok(Value::number($f(t)))
        })*
    };
}

getters! {
    get_date: true, date_from_time;
    get_day: true, week_day;
    get_full_year: true, year_from_time;
    get_hours: true, hour_from_time;
    get_milliseconds: true, ms_from_time;
    get_minutes: true, min_from_time;
    get_month: true, month_from_time;
    get_seconds: true, sec_from_time;
    get_utc_date: false, date_from_time;
    get_utc_day: false, week_day;
    get_utc_full_year: false, year_from_time;
    get_utc_hours: false, hour_from_time;
    get_utc_milliseconds: false, ms_from_time;
    get_utc_minutes: false, min_from_time;
    get_utc_month: false, month_from_time;
    get_utc_seconds: false, sec_from_time;
    get_year: true, |t| year_from_time(t) - 1900.0;
}

/// 21.4.4.11 Date.prototype.getTimezoneOffset ( )
fn get_timezone_offset(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    if t.is_nan() {
        return Ok(Value::number(f64::NAN));
    }
    Ok(Value::number((t - local_time(t)) / MS_PER_MINUTE))
}

/// 21.4.4.44 Date.prototype.valueOf ( ) (and getTime)
fn value_of(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    Ok(Value::number(this_time(vm, this)?))
}

// ---------------------------------------------------------------------------------------------
// Setters

/// The arguments present, converted with ToNumber in order.
fn numbers(vm: &mut Vm, args: &[Value], max: usize) -> JsResult<Vec<f64>> {
    let mut out = Vec::new();
    for &v in args.iter().take(max.max(1)) {
        out.push(vm.to_number(v)?);
    }
    if out.is_empty() {
        out.push(f64::NAN);
    }
    Ok(out)
}

/// The shared shape of setHours/setMinutes/setSeconds/setMilliseconds and their UTC forms:
/// `first` is the index (0 hours .. 3 ms) of the first field the arguments replace.
fn set_time_fields(
    vm: &mut Vm,
    this: Value,
    args: &[Value],
    first: usize,
    local: bool,
) -> JsResult<Value> {
    let o = this_date(vm, this)?;
    let t = this_time(vm, this)?;
    let given = numbers(vm, args, 4 - first)?;
    if t.is_nan() {
        return Ok(Value::number(f64::NAN));
    }
    let t = if local { local_time(t) } else { t };
    let mut fields = [
        hour_from_time(t),
        min_from_time(t),
        sec_from_time(t),
        ms_from_time(t),
    ];
    for (i, n) in given.into_iter().enumerate() {
        fields[first + i] = n;
    }
    let date = make_date(
        day(t),
        make_time(fields[0], fields[1], fields[2], fields[3]),
    );
    let u = time_clip(if local { utc(date) } else { date });
    Ok(set_time_value(vm, o, u))
}

/// setDate/setMonth/setFullYear and their UTC forms: `first` is 0 year, 1 month, 2 date.
fn set_date_fields(
    vm: &mut Vm,
    this: Value,
    args: &[Value],
    first: usize,
    local: bool,
) -> JsResult<Value> {
    let o = this_date(vm, this)?;
    let t = this_time(vm, this)?;
    let given = numbers(vm, args, 3 - first)?;
    let t = if t.is_nan() {
        if first != 0 {
            return Ok(Value::number(f64::NAN));
        }
        // setFullYear starts from +0 when the date is invalid.
        0.0
    } else if local {
        local_time(t)
    } else {
        t
    };
    let mut fields = [year_from_time(t), month_from_time(t), date_from_time(t)];
    for (i, n) in given.into_iter().enumerate() {
        fields[first + i] = n;
    }
    let date = make_date(
        make_day(fields[0], fields[1], fields[2]),
        time_within_day(t),
    );
    let u = time_clip(if local { utc(date) } else { date });
    Ok(set_time_value(vm, o, u))
}

macro_rules! setters {
    ($($name:ident: $kind:ident, $first:expr, $local:expr;)*) => {
        $(fn $name(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
            $kind(vm, this, args, $first, $local)
        })*
    };
}

setters! {
    set_hours: set_time_fields, 0, true;
    set_minutes: set_time_fields, 1, true;
    set_seconds: set_time_fields, 2, true;
    set_milliseconds: set_time_fields, 3, true;
    set_utc_hours: set_time_fields, 0, false;
    set_utc_minutes: set_time_fields, 1, false;
    set_utc_seconds: set_time_fields, 2, false;
    set_utc_milliseconds: set_time_fields, 3, false;
    set_full_year: set_date_fields, 0, true;
    set_month: set_date_fields, 1, true;
    set_date: set_date_fields, 2, true;
    set_utc_full_year: set_date_fields, 0, false;
    set_utc_month: set_date_fields, 1, false;
    set_utc_date: set_date_fields, 2, false;
}

/// 21.4.4.27 Date.prototype.setTime ( time )
fn set_time(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_date(vm, this)?;
    let t = vm.to_number(arg(args, 0))?;
    Ok(set_time_value(vm, o, time_clip(t)))
}

/// B.2.3.2 Date.prototype.setYear ( year )
fn set_year(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let o = this_date(vm, this)?;
    let t = this_time(vm, this)?;
    let y = vm.to_number(arg(args, 0))?;
    let t = if t.is_nan() { 0.0 } else { local_time(t) };
    let yyyy = make_full_year(y);
    if yyyy.is_nan() {
        return Ok(set_time_value(vm, o, f64::NAN));
    }
    let d = make_day(yyyy, month_from_time(t), date_from_time(t));
    let date = make_date(d, time_within_day(t));
    Ok(set_time_value(vm, o, time_clip(utc(date))))
}

// ---------------------------------------------------------------------------------------------
// String forms

/// The year as DateString writes it: four digits at least, a sign when negative.
fn year_text(y: f64) -> String {
    if y >= 0.0 {
        format!("{:04}", y as i64)
    } else {
        format!("-{:04}", -y as i64)
    }
}

/// 21.4.4.41.2 DateString
fn date_string(tv: f64) -> String {
    format!(
        "{} {} {:02} {}",
        WEEKDAYS[week_day(tv) as usize],
        MONTHS[month_from_time(tv) as usize],
        date_from_time(tv) as i64,
        year_text(year_from_time(tv))
    )
}

/// 21.4.4.41.1 TimeString
fn time_string(tv: f64) -> String {
    format!(
        "{:02}:{:02}:{:02} GMT",
        hour_from_time(tv) as i64,
        min_from_time(tv) as i64,
        sec_from_time(tv) as i64
    )
}

/// 21.4.4.41.3 TimeZoneString
fn time_zone_string(tv: f64) -> String {
    let offset = offset_at(tv);
    let sign = if offset >= 0.0 { '+' } else { '-' };
    let minutes = (offset.abs() / MS_PER_MINUTE) as i64;
    format!(
        "{sign}{:02}{:02} ({})",
        minutes / 60,
        minutes % 60,
        zone_name(tv)
    )
}

/// 21.4.4.41.4 ToDateString
fn date_to_string(tv: f64) -> String {
    if tv.is_nan() {
        return "Invalid Date".to_string();
    }
    let t = local_time(tv);
    format!(
        "{} {}{}",
        date_string(t),
        time_string(t),
        time_zone_string(tv)
    )
}

fn string_result(vm: &mut Vm, this: Value, f: fn(f64) -> String) -> JsResult<Value> {
    let tv = this_time(vm, this)?;
    let text = if tv.is_nan() {
        "Invalid Date".to_string()
    } else {
        f(tv)
    };
    Ok(vm.string(&text))
}

/// 21.4.4.41 Date.prototype.toString ( )
fn to_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    string_result(vm, this, date_to_string)
}

/// 21.4.4.35 Date.prototype.toDateString ( )
fn to_date_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    string_result(vm, this, |tv| date_string(local_time(tv)))
}

/// 21.4.4.42 Date.prototype.toTimeString ( )
fn to_time_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    string_result(vm, this, |tv| {
        format!("{}{}", time_string(local_time(tv)), time_zone_string(tv))
    })
}

/// 21.4.4.43 Date.prototype.toUTCString ( )
fn to_utc_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    string_result(vm, this, |tv| {
        format!(
            "{}, {:02} {} {} {}",
            WEEKDAYS[week_day(tv) as usize],
            date_from_time(tv) as i64,
            MONTHS[month_from_time(tv) as usize],
            year_text(year_from_time(tv)),
            time_string(tv)
        )
    })
}

/// The locale forms, in the shape of the `en-US` locale (Kiln has no ECMA-402).
fn locale_date(tv: f64) -> String {
    let t = local_time(tv);
    format!(
        "{}/{}/{}",
        month_from_time(t) as i64 + 1,
        date_from_time(t) as i64,
        year_from_time(t) as i64
    )
}

fn locale_time(tv: f64) -> String {
    let t = local_time(tv);
    let h = hour_from_time(t) as i64;
    let h12 = if h % 12 == 0 { 12 } else { h % 12 };
    let ampm = if h < 12 { "AM" } else { "PM" };
    format!(
        "{h12}:{:02}:{:02} {ampm}",
        min_from_time(t) as i64,
        sec_from_time(t) as i64
    )
}

/// 21.4.4.39 Date.prototype.toLocaleString ( )
fn to_locale_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    string_result(vm, this, |tv| {
        format!("{}, {}", locale_date(tv), locale_time(tv))
    })
}

/// 21.4.4.38 Date.prototype.toLocaleDateString ( )
fn to_locale_date_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    string_result(vm, this, locale_date)
}

/// 21.4.4.40 Date.prototype.toLocaleTimeString ( )
fn to_locale_time_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    string_result(vm, this, locale_time)
}

/// The Date Time String Format in UTC, with expanded years outside 0..=9999.
pub fn iso_string(tv: f64) -> String {
    let y = year_from_time(tv);
    let year = if (0.0..=9999.0).contains(&y) {
        format!("{:04}", y as i64)
    } else if y < 0.0 {
        format!("-{:06}", -y as i64)
    } else {
        format!("+{:06}", y as i64)
    };
    format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        month_from_time(tv) as i64 + 1,
        date_from_time(tv) as i64,
        hour_from_time(tv) as i64,
        min_from_time(tv) as i64,
        sec_from_time(tv) as i64,
        ms_from_time(tv) as i64
    )
}

/// 21.4.4.36 Date.prototype.toISOString ( )
fn to_iso_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let tv = this_time(vm, this)?;
    if !tv.is_finite() {
        return Err(vm.range_error("Invalid time value"));
    }
    let text = iso_string(tv);
    Ok(vm.string(&text))
}

/// 21.4.4.37 Date.prototype.toJSON ( key )
fn to_json(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let o = vm.to_object(this)?;
    let tv = vm.to_primitive(o.value(), crate::ops::Hint::Number)?;
    if let Some(n) = tv.as_number()
        && !n.is_finite()
    {
        return Ok(Value::NULL);
    }
    let key = vm.key("toISOString");
    let f = vm.get(o, key, o.value())?;
    if !vm.is_callable(f) {
        return Err(vm.type_error("toISOString is not a function"));
    }
    vm.call(f, o.value(), &[])
}

/// 21.4.4.45 Date.prototype [ %Symbol.toPrimitive% ] ( hint )
fn to_primitive(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    if !this.is_object() {
        return Err(vm.type_error("Date.prototype[Symbol.toPrimitive] called on a non-object"));
    }
    let hint = match arg(args, 0).as_string() {
        Some(s) => vm.rust_string(s),
        None => String::new(),
    };
    let hint = match hint.as_str() {
        "string" | "default" => crate::ops::Hint::String,
        "number" => crate::ops::Hint::Number,
        _ => return Err(vm.type_error("Invalid hint")),
    };
    vm.ordinary_to_primitive(this, hint)
}

// ---------------------------------------------------------------------------------------------
// Parsing: 21.4.3.2 with the Date Time String Format (21.4.1.32) first, then the legacy forms
// (what toString and toUTCString produce, and the usual "Month D, YYYY HH:MM" shapes).

/// The time value of `s`, or NaN.
pub fn parse_date(s: &str) -> f64 {
    let s = s.trim();
    parse_iso(s).or_else(|| parse_legacy(s)).unwrap_or(f64::NAN)
}

/// 21.4.1.32 Date Time String Format: `YYYY[-MM[-DD]][THH:mm[:ss[.sss]]][Z|±HH:mm]`, with
/// `±YYYYYY` expanded years. Date-only forms are UTC, date-times without an offset local.
fn parse_iso(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize, n: usize| -> Option<f64> {
        let part = b.get(*i..*i + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *i += n;
        Some(
            part.iter()
                .fold(0.0, |a, &d| a * 10.0 + f64::from(d - b'0')),
        )
    };
    let year = match b.first()? {
        b'+' | b'-' => {
            let negative = b[0] == b'-';
            i = 1;
            let y = digits(&mut i, 6)?;
            if negative && y == 0.0 {
                return None;
            }
            if negative { -y } else { y }
        }
        _ => digits(&mut i, 4)?,
    };
    let (mut month, mut date) = (1.0, 1.0);
    if b.get(i) == Some(&b'-') {
        i += 1;
        month = digits(&mut i, 2)?;
        if b.get(i) == Some(&b'-') {
            i += 1;
            date = digits(&mut i, 2)?;
        }
    }
    if !(1.0..=12.0).contains(&month) || date < 1.0 {
        return None;
    }
    let month_days = month_starts(days_in_year(year) == 366.0);
    if date > month_days[month as usize] - month_days[month as usize - 1] {
        return None;
    }
    let (mut h, mut m, mut sec, mut ms) = (0.0, 0.0, 0.0, 0.0);
    let mut offset = None;
    let mut has_time = false;
    if b.get(i) == Some(&b'T') || b.get(i) == Some(&b't') {
        has_time = true;
        i += 1;
        h = digits(&mut i, 2)?;
        if b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        m = digits(&mut i, 2)?;
        if b.get(i) == Some(&b':') {
            i += 1;
            sec = digits(&mut i, 2)?;
            if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
                i += 1;
                let start = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                if i == start {
                    return None;
                }
                let frac = &s[start..(start + 3).min(i)];
                ms = frac.parse::<f64>().ok()? * 10f64.powi(3 - frac.len() as i32);
            }
        }
        if h > 24.0 || m > 59.0 || sec > 59.0 || (h == 24.0 && (m, sec, ms) != (0.0, 0.0, 0.0)) {
            return None;
        }
        match b.get(i) {
            Some(b'Z') | Some(b'z') => {
                offset = Some(0.0);
                i += 1;
            }
            Some(&c @ (b'+' | b'-')) => {
                i += 1;
                let oh = digits(&mut i, 2)?;
                if b.get(i) != Some(&b':') {
                    return None;
                }
                i += 1;
                let om = digits(&mut i, 2)?;
                if oh > 23.0 || om > 59.0 {
                    return None;
                }
                let o = (oh * 60.0 + om) * MS_PER_MINUTE;
                offset = Some(if c == b'-' { -o } else { o });
            }
            _ => {}
        }
    }
    if i != b.len() {
        return None;
    }
    let local = make_date(make_day(year, month - 1.0, date), make_time(h, m, sec, ms));
    let t = match offset {
        Some(o) => local - o,
        None if has_time => utc(local),
        None => local,
    };
    let t = time_clip(t);
    if t.is_nan() { None } else { Some(t) }
}

/// The legacy forms: words (month and weekday names, AM/PM, GMT/UTC/Z), numbers separated by
/// `/`, `-`, `:`, `,`, `.` or spaces, `±HHMM` offsets, and parenthesised comments.
fn parse_legacy(s: &str) -> Option<f64> {
    if s.starts_with(['+', '-']) {
        // Signed years belong to the ISO format only.
        return None;
    }
    let mut numbers: Vec<(f64, usize)> = Vec::new(); // value, digit count
    let mut times: Vec<f64> = Vec::new();
    let mut month: Option<f64> = None;
    let mut offset: Option<f64> = None;
    let mut pm: Option<bool> = None;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '(' {
            let mut depth = 0;
            while i < chars.len() {
                match chars[i] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                i += 1;
                if depth == 0 {
                    break;
                }
            }
            continue;
        }
        if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphabetic() || chars[i] == '.') {
                i += 1;
            }
            let word: String = chars[start..i]
                .iter()
                .filter(|c| **c != '.')
                .collect::<String>()
                .to_ascii_lowercase();
            match word.as_str() {
                "am" | "a" => pm = Some(false),
                "pm" | "p" => pm = Some(true),
                "z" | "gmt" | "utc" | "ut" => offset = Some(offset.unwrap_or(0.0)),
                "t" => {}
                w if w.len() >= 3 => {
                    if let Some(m) = MONTHS
                        .iter()
                        .position(|name| w.starts_with(&name.to_ascii_lowercase()))
                    {
                        month = Some(m as f64);
                    } else if !WEEKDAYS
                        .iter()
                        .any(|name| w.starts_with(&name.to_ascii_lowercase()))
                    {
                        return None;
                    }
                }
                _ => return None,
            }
            continue;
        }
        if (c == '+' || c == '-')
            && offset.is_some()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
        {
            // An offset after GMT/UTC: ±HHMM or ±HH:MM or ±H.
            let sign = if c == '-' { -1.0 } else { 1.0 };
            i += 1;
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let mut minutes = match text.len() {
                1 | 2 => text.parse::<f64>().ok()? * 60.0,
                3 | 4 => {
                    let n = text.parse::<f64>().ok()?;
                    (n / 100.0).floor() * 60.0 + n % 100.0
                }
                _ => return None,
            };
            if chars.get(i) == Some(&':') {
                i += 1;
                let start = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                minutes += text.parse::<f64>().ok()?;
            }
            offset = Some(sign * minutes * MS_PER_MINUTE);
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let n = text.parse::<f64>().ok()?;
            if chars.get(i) == Some(&':')
                || (!times.is_empty()
                    && times.len() < 3
                    && chars.get(start.wrapping_sub(1)) == Some(&':'))
            {
                times.push(n);
                if chars.get(i) == Some(&':') {
                    i += 1;
                }
                // Fractional seconds.
                if times.len() == 3 && chars.get(i) == Some(&'.') {
                    i += 1;
                    let start = i;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                    let frac: String = chars[start..i].iter().take(3).collect();
                    if !frac.is_empty() {
                        let ms = frac.parse::<f64>().ok()? * 10f64.powi(3 - frac.len() as i32);
                        times.push(ms);
                    }
                }
            } else {
                numbers.push((n, text.len()));
            }
            continue;
        }
        if matches!(c, ' ' | ',' | '/' | '-' | '.' | '\t' | '\n' | '\r') {
            i += 1;
            continue;
        }
        return None;
    }
    // Day, month and year from the numbers.
    let (year, month, date) = match (month, numbers.as_slice()) {
        // "Feb 1 2022", "1 Feb 2022", "Feb 2022 1"
        (Some(m), [(a, _), (b, bl)]) => {
            if *bl >= 3 || *b > 31.0 {
                (*b, m, *a)
            } else {
                (*a, m, *b)
            }
        }
        (Some(m), [(y, _)]) => (*y, m, 1.0),
        // "2022/02/01" or "2/1/2022"
        (None, [(a, al), (b, _), (c, _)]) => {
            if *al >= 3 {
                (*a, b - 1.0, *c)
            } else {
                (*c, a - 1.0, *b)
            }
        }
        _ => return None,
    };
    let year = if numbers.iter().any(|&(n, len)| n == year && len <= 2) && year < 50.0 {
        2000.0 + year
    } else if numbers.iter().any(|&(n, len)| n == year && len <= 2) {
        1900.0 + year
    } else {
        year
    };
    if !(0.0..12.0).contains(&month) || !(1.0..=31.0).contains(&date) {
        return None;
    }
    let mut hms = [0.0; 4];
    for (slot, &t) in hms.iter_mut().zip(&times) {
        *slot = t;
    }
    if let Some(pm) = pm {
        if hms[0] > 12.0 {
            return None;
        }
        hms[0] = hms[0] % 12.0 + if pm { 12.0 } else { 0.0 };
    }
    // Hour 24 is only midnight at the end of the day, as in the ISO format (V8 agrees).
    if hms[0] > 24.0
        || hms[1] > 59.0
        || hms[2] > 59.0
        || (hms[0] == 24.0 && (hms[1], hms[2], hms[3]) != (0.0, 0.0, 0.0))
    {
        return None;
    }
    let local = make_date(
        make_day(year, month, date),
        make_time(hms[0], hms[1], hms[2], hms[3]),
    );
    let t = match offset {
        Some(o) => local - o,
        None => utc(local),
    };
    let t = time_clip(t);
    if t.is_nan() { None } else { Some(t) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_arithmetic_matches_known_dates() {
        // 2000-03-01T00:00:00Z
        let t = 951_868_800_000.0;
        assert_eq!(year_from_time(t), 2000.0);
        assert_eq!(month_from_time(t), 2.0);
        assert_eq!(date_from_time(t), 1.0);
        assert_eq!(week_day(t), 3.0);
        assert_eq!(make_date(make_day(2000.0, 2.0, 1.0), 0.0), t);
        assert_eq!(year_from_time(-1.0), 1969.0);
        assert_eq!(make_day(1970.0, 0.0, 1.0), 0.0);
    }

    #[test]
    fn iso_strings_parse_and_print() {
        assert_eq!(parse_iso("1970-01-01T00:00:00.000Z"), Some(0.0));
        assert_eq!(parse_iso("1970-01-02"), Some(MS_PER_DAY));
        assert_eq!(parse_iso("+275760-09-13T00:00:00.000Z"), Some(8.64e15));
        assert_eq!(parse_iso("+275760-09-13T00:00:00.001Z"), None);
        assert_eq!(parse_iso("-000000-01-01T00:00:00Z"), None);
        assert_eq!(parse_iso("2000-02-30"), None);
        // 24:00 is valid only as 24:00:00.000, and neither parser takes another field past
        // its range.
        let midnight = parse_iso("2020-01-02T00:00:00Z");
        assert!(midnight.is_some());
        assert_eq!(parse_date("2020-01-01T24:00:00Z"), midnight.unwrap());
        assert_eq!(parse_date("2020-01-01T24:00:00.000Z"), midnight.unwrap());
        for bad in [
            "2020-01-01T24:00:01Z",
            "2020-01-01T24:00:00.001Z",
            "2020-01-01T24:01Z",
            "2020-01-01T25:00Z",
            "2020-01-01T23:60Z",
            "2020-01-01T23:59:60Z",
            "2020-13-01",
            "2020-00-01",
            "2020-01-00",
            "2020-01-32",
            "2020-01-01T10:00+24:00",
            "2020-01-01T10:00+23:60",
            "Jan 1 2020 24:00:01",
            "Jan 1 2020 24:30",
            "2020/01/01 24:00:01",
        ] {
            assert!(parse_date(bad).is_nan(), "{bad}");
        }
        assert_eq!(parse_iso("1970-01-01T00:00:00+01:00"), Some(-MS_PER_HOUR));
        assert_eq!(iso_string(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_string(-62198755200000.0), "-000001-01-01T00:00:00.000Z");
    }

    #[test]
    fn legacy_strings_parse() {
        let t = 1_643_673_600_000.0; // 2022-02-01T00:00:00Z
        assert_eq!(parse_legacy("Tue, 01 Feb 2022 00:00:00 GMT"), Some(t));
        assert_eq!(
            parse_legacy("Tue Feb 01 2022 00:00:00 GMT+0000 (UTC)"),
            Some(t)
        );
        assert_eq!(parse_legacy("Feb 1, 2022 01:00:00 GMT+0100"), Some(t));
        assert_eq!(parse_legacy("2022/02/01 00:00:00 UTC"), Some(t));
        assert_eq!(parse_legacy("2/1/2022 12:00:00 AM UTC"), Some(t));
        assert_eq!(parse_legacy("not a date"), None);
    }
}
