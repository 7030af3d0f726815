//! Temporal (the `Temporal` namespace of ECMA-262's Temporal proposal, stage 4 in ES2026): the
//! bindings from Kiln's objects to the `temporal_rs` crate, which implements the calendar and
//! time arithmetic. This module holds what every Temporal type shares — the internal slots,
//! options (`GetOption` and friends), property-bag fields (`PrepareCalendarFields`), calendar and
//! time zone identifiers and `relativeTo`; each type has its own file.

mod duration;
mod instant;
mod now;
mod plain_date;
mod plain_date_time;
mod plain_month_day;
mod plain_time;
mod plain_year_month;
mod zoned_date_time;

use crate::slots::TemporalValue;
use std::str::FromStr;

use crate::heap::ObjRef;
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
use crate::ops::Hint;
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};
use temporal_rs::error::ErrorKind;
use temporal_rs::options::{
    DifferenceSettings, Disambiguation, OffsetDisambiguation, Overflow, RoundingIncrement,
    RoundingMode, Unit,
};
use temporal_rs::parsers::Precision;
use temporal_rs::partial::PartialTime;
use temporal_rs::{
    Calendar, Duration, Instant, MonthCode, PlainDate, PlainTime, TemporalError, TimeZone,
    TinyAsciiStr, UtcOffset, ZonedDateTime,
};

/// Installs the `Temporal` namespace object.
pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let namespace = vm.new_plain_object(op);
    let tag = vm.agent.symbols.to_string_tag;
    let name = vm.string("Temporal");
    vm.define_data(
        namespace,
        PropertyKey::Symbol(tag),
        name,
        attrs::CONFIGURABLE,
    );
    duration::init(vm, namespace);
    instant::init(vm, namespace);
    plain_date::init(vm, namespace);
    plain_time::init(vm, namespace);
    plain_date_time::init(vm, namespace);
    plain_year_month::init(vm, namespace);
    plain_month_day::init(vm, namespace);
    zoned_date_time::init(vm, namespace);
    now::init(vm, namespace);
    vm.define_global("Temporal", namespace.value());
}

/// A Temporal.Instant for a Date's time value (`Date.prototype.toTemporalInstant`).
pub fn instant_from_epoch_milliseconds(vm: &mut Vm, ms: f64) -> JsResult<Value> {
    let i = Instant::from_epoch_milliseconds(ms as i64).or_throw(vm)?;
    instant::create_instant(vm, i, None)
}

/// A constructor `Temporal.<name>` on the namespace, linked with its prototype, with a
/// `Symbol.toStringTag` of `Temporal.<name>` on the prototype.
fn make_constructor(
    vm: &mut Vm,
    namespace: ObjRef,
    name: &'static str,
    length: u32,
    construct: crate::object::NativeCtor,
    prototype: ObjRef,
) -> ObjRef {
    let ctor = vm.native_function(name, length, call_without_new, Some(construct));
    let pk = PropertyKey::String(vm.agent.names.prototype);
    vm.define_data(ctor, pk, prototype.value(), 0);
    let ck = PropertyKey::String(vm.agent.names.constructor);
    vm.define_data(prototype, ck, ctor.value(), attrs::HIDDEN);
    let key = vm.key(name);
    vm.define_data(namespace, key, ctor.value(), attrs::HIDDEN);
    let tag = vm.agent.symbols.to_string_tag;
    let tag_value = vm.string(&format!("Temporal.{name}"));
    vm.define_data(
        prototype,
        PropertyKey::Symbol(tag),
        tag_value,
        attrs::CONFIGURABLE,
    );
    vm.define_method(prototype, "valueOf", 0, value_of);
    ctor
}

fn call_without_new(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Err(vm.type_error("a Temporal constructor must be called with new"))
}

/// `valueOf` of every Temporal prototype: Temporal objects are not compared with `<`.
fn value_of(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Err(vm.type_error(
        "Temporal objects have no primitive value: use compare(), equals() or toString()",
    ))
}

/// A new Temporal object with `value` as its slots, its prototype from `new_target` (or the
/// current realm's prototype `default`).
fn create(
    vm: &mut Vm,
    value: TemporalValue,
    new_target: Option<ObjRef>,
    default: fn(&crate::realm::Realm) -> ObjRef,
) -> JsResult<Value> {
    let proto = match new_target {
        Some(nt) => vm.prototype_from_constructor(nt.value(), default)?,
        None => default(vm.intrinsics()),
    };
    let o = vm.alloc(Object::new(
        Some(proto),
        ObjectKind::Temporal(Box::new(value)),
    ));
    Ok(o.value())
}

/// The Temporal slots of `v`, if it is a Temporal object.
fn slots(vm: &Vm, v: Value) -> Option<&TemporalValue> {
    match &vm.obj(v.as_object()?).kind {
        ObjectKind::Temporal(t) => Some(t),
        _ => None,
    }
}

/// Turns a `temporal_rs` error into the JavaScript error the spec throws.
fn throw(vm: &mut Vm, e: TemporalError) -> JsError {
    let kind = match e.kind() {
        ErrorKind::Type => "TypeError",
        ErrorKind::Range | ErrorKind::Syntax => "RangeError",
        ErrorKind::Generic | ErrorKind::Assert => "Error",
    };
    vm.throw_error(kind, e.into_message())
}

/// `?` for `temporal_rs` results.
trait OrThrow<T> {
    fn or_throw(self, vm: &mut Vm) -> JsResult<T>;
}

impl<T> OrThrow<T> for Result<T, TemporalError> {
    fn or_throw(self, vm: &mut Vm) -> JsResult<T> {
        self.map_err(|e| throw(vm, e))
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers

/// ToIntegerWithTruncation: a RangeError for NaN and the infinities.
fn to_integer_with_truncation(vm: &mut Vm, v: Value) -> JsResult<f64> {
    let n = vm.to_number(v)?;
    if !n.is_finite() {
        return Err(vm.range_error("the value must be a finite number"));
    }
    Ok(n.trunc() + 0.0)
}

/// ToPositiveIntegerWithTruncation.
fn to_positive_integer_with_truncation(vm: &mut Vm, v: Value) -> JsResult<f64> {
    let n = to_integer_with_truncation(vm, v)?;
    if n <= 0.0 {
        return Err(vm.range_error("the value must be a positive integer"));
    }
    Ok(n)
}

/// ToIntegerIfIntegral: a RangeError for fractions, NaN and the infinities.
fn to_integer_if_integral(vm: &mut Vm, v: Value) -> JsResult<f64> {
    let n = vm.to_number(v)?;
    if !n.is_finite() || n.trunc() != n {
        return Err(vm.range_error("the value must be an integer"));
    }
    Ok(n + 0.0)
}

/// An integer argument of a constructor, which rejects values outside `min..=max`.
fn constructor_integer(vm: &mut Vm, v: Value, min: f64, max: f64) -> JsResult<f64> {
    let n = if v.is_undefined() {
        0.0
    } else {
        to_integer_with_truncation(vm, v)?
    };
    if n < min || n > max {
        return Err(vm.range_error("a Temporal constructor argument is out of range"));
    }
    Ok(n)
}

/// `n` as a field of `temporal_rs`'s partial records: large values saturate, which the
/// crate then constrains or rejects.
fn saturate<T: num_traits::Bounded + num_traits::NumCast>(n: f64) -> T {
    num_traits::cast(n).unwrap_or(if n < 0.0 {
        T::min_value()
    } else {
        T::max_value()
    })
}

// ---------------------------------------------------------------------------------------------
// Options

/// GetOptionsObject: undefined is an empty options object, objects are used as they are,
/// anything else is a TypeError.
fn options_object(vm: &mut Vm, options: Value) -> JsResult<Option<ObjRef>> {
    if options.is_undefined() {
        return Ok(None);
    }
    match options.as_object() {
        Some(o) => Ok(Some(o)),
        None => Err(vm.type_error("options must be an object or undefined")),
    }
}

/// GetOption for a string-valued option: undefined, or the string read and converted.
fn string_option(vm: &mut Vm, options: Option<ObjRef>, name: &str) -> JsResult<Option<String>> {
    let Some(o) = options else {
        return Ok(None);
    };
    let key = vm.key(name);
    let v = vm.get(o, key, o.value())?;
    if v.is_undefined() {
        return Ok(None);
    }
    Ok(Some(vm.to_rust_string(v)?))
}

/// GetOption for an option whose values a `temporal_rs` type parses.
fn parsed_option<T: FromStr>(
    vm: &mut Vm,
    options: Option<ObjRef>,
    name: &str,
) -> JsResult<Option<T>> {
    match string_option(vm, options, name)? {
        None => Ok(None),
        Some(s) => match s.parse() {
            Ok(v) => Ok(Some(v)),
            Err(_) => Err(vm.range_error(&format!("{s} is not a valid value for {name}"))),
        },
    }
}

/// GetTemporalOverflowOption.
fn overflow_option(vm: &mut Vm, options: Option<ObjRef>) -> JsResult<Option<Overflow>> {
    parsed_option(vm, options, "overflow")
}

/// GetTemporalDisambiguationOption.
fn disambiguation_option(vm: &mut Vm, options: Option<ObjRef>) -> JsResult<Option<Disambiguation>> {
    parsed_option(vm, options, "disambiguation")
}

/// GetTemporalOffsetOption.
fn offset_option(vm: &mut Vm, options: Option<ObjRef>) -> JsResult<Option<OffsetDisambiguation>> {
    parsed_option(vm, options, "offset")
}

/// GetRoundingModeOption.
fn rounding_mode_option(vm: &mut Vm, options: Option<ObjRef>) -> JsResult<Option<RoundingMode>> {
    parsed_option(vm, options, "roundingMode")
}

/// GetTemporalUnitValuedOption: a unit (singular or plural) or "auto".
fn unit_option(vm: &mut Vm, options: Option<ObjRef>, name: &str) -> JsResult<Option<Unit>> {
    parsed_option(vm, options, name)
}

/// GetRoundingIncrementOption.
fn rounding_increment_option(
    vm: &mut Vm,
    options: Option<ObjRef>,
) -> JsResult<Option<RoundingIncrement>> {
    let Some(o) = options else {
        return Ok(None);
    };
    let key = vm.key("roundingIncrement");
    let v = vm.get(o, key, o.value())?;
    if v.is_undefined() {
        return Ok(None);
    }
    let n = vm.to_number(v)?;
    RoundingIncrement::try_from(n).or_throw(vm).map(Some)
}

/// GetTemporalFractionalSecondDigitsOption.
fn fractional_second_digits_option(vm: &mut Vm, options: Option<ObjRef>) -> JsResult<Precision> {
    let Some(o) = options else {
        return Ok(Precision::Auto);
    };
    let key = vm.key("fractionalSecondDigits");
    let v = vm.get(o, key, o.value())?;
    if v.is_undefined() {
        return Ok(Precision::Auto);
    }
    let Some(n) = v.as_number() else {
        if vm.to_rust_string(v)? != "auto" {
            return Err(vm.range_error("fractionalSecondDigits must be 'auto' or 0 to 9"));
        }
        return Ok(Precision::Auto);
    };
    if !n.is_finite() || !(0.0..10.0).contains(&n.floor()) {
        return Err(vm.range_error("fractionalSecondDigits must be 'auto' or 0 to 9"));
    }
    Ok(Precision::Digit(n.floor() as u8))
}

/// GetDifferenceSettings' reads (largestUnit, roundingIncrement, roundingMode, smallestUnit);
/// `temporal_rs` validates the units for the operation.
fn difference_settings(vm: &mut Vm, options: Value) -> JsResult<DifferenceSettings> {
    let options = options_object(vm, options)?;
    let mut settings = DifferenceSettings::default();
    settings.largest_unit = unit_option(vm, options, "largestUnit")?;
    settings.increment = rounding_increment_option(vm, options)?;
    settings.rounding_mode = rounding_mode_option(vm, options)?;
    settings.smallest_unit = unit_option(vm, options, "smallestUnit")?;
    Ok(settings)
}

/// The options of `round()`: a string is shorthand for `{ smallestUnit }`.
fn rounding_options_object(vm: &mut Vm, round_to: Value) -> JsResult<RoundToOptions> {
    if round_to.is_undefined() {
        return Err(vm.type_error("round() needs a smallestUnit or an options object"));
    }
    if let Some(s) = round_to.as_string() {
        let text = vm.rust_string(s);
        return Ok(RoundToOptions::Unit(text));
    }
    match round_to.as_object() {
        Some(o) => Ok(RoundToOptions::Object(o)),
        None => Err(vm.type_error("round() options must be a string or an object")),
    }
}

enum RoundToOptions {
    Unit(String),
    Object(ObjRef),
}

/// The smallestUnit, roundingIncrement and roundingMode of `round()` on a time-bearing type
/// (`largestUnit` is not read).
fn rounding_options(
    vm: &mut Vm,
    round_to: Value,
) -> JsResult<temporal_rs::options::RoundingOptions> {
    let mut options = temporal_rs::options::RoundingOptions::default();
    match rounding_options_object(vm, round_to)? {
        RoundToOptions::Unit(s) => {
            options.smallest_unit = Some(
                s.parse()
                    .map_err(|_| vm.range_error(&format!("{s} is not a valid unit")))?,
            );
        }
        RoundToOptions::Object(o) => {
            options.increment = rounding_increment_option(vm, Some(o))?;
            options.rounding_mode = rounding_mode_option(vm, Some(o))?;
            options.smallest_unit = unit_option(vm, Some(o), "smallestUnit")?;
            if options.smallest_unit.is_none() {
                return Err(vm.range_error("smallestUnit is required"));
            }
        }
    }
    Ok(options)
}

/// The options of `toString()` on a time-bearing type: fractionalSecondDigits, roundingMode,
/// smallestUnit (in that order), validated.
fn to_string_rounding_options(
    vm: &mut Vm,
    options: Option<ObjRef>,
) -> JsResult<temporal_rs::options::ToStringRoundingOptions> {
    let options = read_to_string_rounding_options(vm, options)?;
    check_to_string_unit(vm, options.smallest_unit)?;
    Ok(options)
}

/// Reads fractionalSecondDigits, roundingMode and smallestUnit without validating the unit
/// (for callers that read more options first).
fn read_to_string_rounding_options(
    vm: &mut Vm,
    options: Option<ObjRef>,
) -> JsResult<temporal_rs::options::ToStringRoundingOptions> {
    let precision = fractional_second_digits_option(vm, options)?;
    let rounding_mode = rounding_mode_option(vm, options)?;
    let smallest_unit = unit_option(vm, options, "smallestUnit")?;
    Ok(temporal_rs::options::ToStringRoundingOptions {
        precision,
        smallest_unit,
        rounding_mode,
    })
}

/// `toString()`'s smallestUnit must be a time unit from minute down.
fn check_to_string_unit(vm: &mut Vm, unit: Option<Unit>) -> JsResult<()> {
    match unit {
        None
        | Some(
            Unit::Minute | Unit::Second | Unit::Millisecond | Unit::Microsecond | Unit::Nanosecond,
        ) => Ok(()),
        Some(_) => Err(vm.range_error("smallestUnit must be a time unit from minute down")),
    }
}

// ---------------------------------------------------------------------------------------------
// Calendars and time zones

/// The calendar of a Temporal object that has one.
fn calendar_of(t: &TemporalValue) -> Option<Calendar> {
    Some(match t {
        TemporalValue::PlainDate(d) => d.calendar().clone(),
        TemporalValue::PlainDateTime(d) => d.calendar().clone(),
        TemporalValue::PlainYearMonth(d) => d.calendar().clone(),
        TemporalValue::PlainMonthDay(d) => d.calendar().clone(),
        TemporalValue::ZonedDateTime(d) => d.calendar().clone(),
        _ => return None,
    })
}

/// ToTemporalCalendarIdentifier.
fn to_calendar(vm: &mut Vm, v: Value) -> JsResult<Calendar> {
    if let Some(c) = slots(vm, v).and_then(calendar_of) {
        return Ok(c);
    }
    let Some(s) = v.as_string() else {
        return Err(vm.type_error("a calendar must be a string or a Temporal object"));
    };
    let text = vm.rust_string(s);
    Calendar::from_str(&text).or_throw(vm)
}

/// A calendar argument that may be undefined (ISO 8601), else must be a string naming a
/// built-in calendar (the constructors' `calendar` parameter).
fn calendar_argument(vm: &mut Vm, v: Value) -> JsResult<Calendar> {
    if v.is_undefined() {
        return Ok(Calendar::default());
    }
    let Some(s) = v.as_string() else {
        return Err(vm.type_error("the calendar must be a string"));
    };
    let text = vm.rust_string(s);
    Calendar::try_from_utf8(text.as_bytes()).or_throw(vm)
}

/// GetTemporalCalendarIdentifierWithISODefault: the calendar of a Temporal object, else its
/// `calendar` property.
fn calendar_of_bag(vm: &mut Vm, bag: ObjRef) -> JsResult<Calendar> {
    if let Some(c) = slots(vm, bag.value()).and_then(calendar_of) {
        return Ok(c);
    }
    let key = vm.key("calendar");
    let v = vm.get(bag, key, bag.value())?;
    if v.is_undefined() {
        return Ok(Calendar::default());
    }
    to_calendar(vm, v)
}

/// ToTemporalTimeZoneIdentifier.
fn to_time_zone(vm: &mut Vm, v: Value) -> JsResult<TimeZone> {
    if let Some(TemporalValue::ZonedDateTime(z)) = slots(vm, v) {
        return Ok(*z.time_zone());
    }
    let Some(s) = v.as_string() else {
        return Err(vm.type_error("a time zone must be a string or a Temporal.ZonedDateTime"));
    };
    let text = vm.rust_string(s);
    TimeZone::try_from_str(&text).or_throw(vm)
}

/// The identifier of a time zone as a string value.
fn time_zone_id(vm: &mut Vm, tz: &TimeZone) -> JsResult<Value> {
    let id = tz.identifier().or_throw(vm)?;
    Ok(vm.string(&id))
}

// ---------------------------------------------------------------------------------------------
// Property bags: PrepareCalendarFields

/// Which fields a property bag is read for.
#[derive(Clone, Copy, PartialEq)]
enum FieldSet {
    /// year, month, monthCode, day
    Date,
    /// year, month, monthCode
    YearMonth,
    /// the date fields and the time fields
    DateTime,
    /// the date and time fields, offset and timeZone
    ZonedDateTime,
    /// the time fields only
    Time,
    /// the date and time fields and offset (ZonedDateTime.prototype.with)
    ZonedWith,
    /// year (and era, eraYear)
    Year,
}

/// The fields read from a property bag, each converted as it was read.
#[derive(Default)]
struct Fields {
    day: Option<f64>,
    era: Option<String>,
    era_year: Option<f64>,
    hour: Option<f64>,
    microsecond: Option<f64>,
    millisecond: Option<f64>,
    minute: Option<f64>,
    month: Option<f64>,
    month_code: Option<String>,
    nanosecond: Option<f64>,
    offset: Option<String>,
    second: Option<f64>,
    time_zone: Option<TimeZone>,
    year: Option<f64>,
    /// Whether any field at all was present.
    any: bool,
}

/// Whether `calendar` has eras (so `era` and `eraYear` are fields).
fn has_eras(calendar: &Calendar) -> bool {
    !matches!(calendar.identifier(), "iso8601" | "chinese" | "dangi")
}

/// A string-valued field (`monthCode`, `offset`, `era`): ToPrimitive, which must give a string.
fn string_field(vm: &mut Vm, v: Value, name: &str) -> JsResult<String> {
    let p = vm.to_primitive(v, Hint::String)?;
    let Some(s) = p.as_string() else {
        return Err(vm.type_error(&format!("{name} must be a string")));
    };
    Ok(vm.rust_string(s))
}

/// PrepareCalendarFields: reads the fields of `set` from `bag` in alphabetical order, converting
/// each as it is read.
fn prepare_fields(
    vm: &mut Vm,
    bag: ObjRef,
    calendar: &Calendar,
    set: FieldSet,
) -> JsResult<Fields> {
    use FieldSet::*;
    let date = set != Time;
    let month = date && set != Year;
    let day = matches!(set, Date | DateTime | ZonedDateTime | ZonedWith);
    let time = matches!(set, DateTime | ZonedDateTime | ZonedWith | Time);
    let offset = matches!(set, ZonedDateTime | ZonedWith);
    let zone = set == ZonedDateTime;
    let eras = date && has_eras(calendar);
    let mut f = Fields::default();
    let read = |vm: &mut Vm, name: &str| -> JsResult<Option<Value>> {
        let key = vm.key(name);
        let v = vm.get(bag, key, bag.value())?;
        Ok(if v.is_undefined() { None } else { Some(v) })
    };
    macro_rules! field {
        ($cond:expr, $name:literal, $slot:ident, $convert:expr) => {
            if $cond && let Some(v) = read(vm, $name)? {
                f.any = true;
                let convert: &dyn Fn(&mut Vm, Value) -> JsResult<_> = &$convert;
                f.$slot = Some(convert(vm, v)?);
            }
        };
    }
    field!(day, "day", day, to_positive_integer_with_truncation);
    field!(eras, "era", era, |vm, v| string_field(vm, v, "era"));
    field!(eras, "eraYear", era_year, to_integer_with_truncation);
    field!(time, "hour", hour, to_integer_with_truncation);
    field!(time, "microsecond", microsecond, to_integer_with_truncation);
    field!(time, "millisecond", millisecond, to_integer_with_truncation);
    field!(time, "minute", minute, to_integer_with_truncation);
    field!(month, "month", month, to_positive_integer_with_truncation);
    field!(month, "monthCode", month_code, |vm, v| {
        let code = string_field(vm, v, "monthCode")?;
        if !month_code_syntax(&code) {
            return Err(vm.range_error(&format!("{code} is not a valid month code")));
        }
        Ok(code)
    });
    field!(time, "nanosecond", nanosecond, to_integer_with_truncation);
    field!(offset, "offset", offset, |vm, v| {
        let text = string_field(vm, v, "offset")?;
        UtcOffset::from_utf8(text.as_bytes()).or_throw(vm)?;
        Ok(text)
    });
    field!(time, "second", second, to_integer_with_truncation);
    field!(zone, "timeZone", time_zone, to_time_zone);
    field!(date, "year", year, to_integer_with_truncation);
    Ok(f)
}

/// ParseMonthCode's syntax: `M` and two digits, optionally `L`; `M00` alone is not a month.
fn month_code_syntax(code: &str) -> bool {
    let b = code.as_bytes();
    matches!(b.len(), 3 | 4)
        && b[0] == b'M'
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && (b.len() == 3 || b[3] == b'L')
        && code != "M00"
}

impl Fields {
    /// The date fields as `temporal_rs` takes them; a malformed monthCode or era is a
    /// RangeError.
    fn calendar_fields(&self, vm: &mut Vm) -> JsResult<temporal_rs::fields::CalendarFields> {
        let month_code = match &self.month_code {
            Some(s) => Some(MonthCode::from_str(s).or_throw(vm)?),
            None => None,
        };
        let era = match &self.era {
            Some(s) => Some(
                TinyAsciiStr::<19>::try_from_str(s)
                    .map_err(|_| vm.range_error(&format!("{s} is not a valid era")))?,
            ),
            None => None,
        };
        Ok(temporal_rs::fields::CalendarFields {
            year: self.year.map(saturate),
            month: self.month.map(saturate),
            month_code,
            day: self.day.map(saturate),
            era,
            era_year: self.era_year.map(saturate),
        })
    }

    fn year_month_fields(
        &self,
        vm: &mut Vm,
    ) -> JsResult<temporal_rs::fields::YearMonthCalendarFields> {
        let c = self.calendar_fields(vm)?;
        Ok(temporal_rs::fields::YearMonthCalendarFields {
            year: c.year,
            month: c.month,
            month_code: c.month_code,
            era: c.era,
            era_year: c.era_year,
        })
    }

    /// The time fields; with `reject`, a negative field is a RangeError (with `constrain` it
    /// becomes 0, as larger ones become their maximum inside `temporal_rs`).
    fn time(&self, vm: &mut Vm, overflow: Option<Overflow>) -> JsResult<PartialTime> {
        let values = [
            self.hour,
            self.minute,
            self.second,
            self.millisecond,
            self.microsecond,
            self.nanosecond,
        ];
        if overflow == Some(Overflow::Reject) && values.iter().flatten().any(|&n| n < 0.0) {
            return Err(vm.range_error("a time field is out of range"));
        }
        Ok(PartialTime {
            hour: self.hour.map(saturate),
            minute: self.minute.map(saturate),
            second: self.second.map(saturate),
            millisecond: self.millisecond.map(saturate),
            microsecond: self.microsecond.map(saturate),
            nanosecond: self.nanosecond.map(saturate),
        })
    }

    fn offset(&self, vm: &mut Vm) -> JsResult<Option<UtcOffset>> {
        match &self.offset {
            Some(s) => Ok(Some(UtcOffset::from_utf8(s.as_bytes()).or_throw(vm)?)),
            None => Ok(None),
        }
    }
}

/// IsPartialTemporalObject: an object that is not a Temporal date/time and has neither
/// `calendar` nor `timeZone`; anything else is a TypeError for `with()`.
fn partial_temporal_object(vm: &mut Vm, v: Value) -> JsResult<ObjRef> {
    let Some(o) = v.as_object() else {
        return Err(vm.type_error("with() takes an object of fields"));
    };
    if slots(vm, v).is_some() {
        return Err(vm.type_error("with() takes a plain object of fields, not a Temporal object"));
    }
    for name in ["calendar", "timeZone"] {
        let key = vm.key(name);
        if !vm.get(o, key, v)?.is_undefined() {
            return Err(vm.type_error(&format!("with() does not accept a {name} property")));
        }
    }
    Ok(o)
}

/// A TypeError unless a partial bag had at least one field.
fn require_some(vm: &mut Vm, f: &Fields) -> JsResult<()> {
    if f.any {
        Ok(())
    } else {
        Err(vm.type_error("the object has none of the expected fields"))
    }
}

/// The `this` value's slots as `T`, or a TypeError naming the type.
fn this_slots<T>(
    vm: &mut Vm,
    this: Value,
    name: &str,
    pick: fn(&TemporalValue) -> Option<&T>,
) -> JsResult<T>
where
    T: Clone,
{
    match slots(vm, this).and_then(pick) {
        Some(v) => Ok(v.clone()),
        None => Err(vm.type_error(&format!("this is not a Temporal.{name}"))),
    }
}

/// ToTemporalDuration, shared by every `add`, `subtract`, `until` and `since`.
fn to_duration(vm: &mut Vm, v: Value) -> JsResult<Duration> {
    duration::to_temporal_duration(vm, v)
}

/// Epoch nanoseconds as a BigInt value.
fn bigint_value(vm: &mut Vm, n: i128) -> Value {
    vm.new_bigint(num_bigint::BigInt::from(n))
}

/// A string or undefined.
fn optional_string(vm: &mut Vm, s: Option<&str>) -> Value {
    match s {
        Some(s) => vm.string(s),
        None => Value::UNDEFINED,
    }
}

/// relativeTo of Duration's `round`, `total` and `compare` (GetTemporalRelativeToOption).
fn relative_to_option(
    vm: &mut Vm,
    options: Option<ObjRef>,
) -> JsResult<Option<temporal_rs::options::RelativeTo>> {
    use temporal_rs::options::RelativeTo;
    let Some(o) = options else {
        return Ok(None);
    };
    let key = vm.key("relativeTo");
    let value = vm.get(o, key, o.value())?;
    if value.is_undefined() {
        return Ok(None);
    }
    if let Some(t) = slots(vm, value) {
        match t {
            TemporalValue::ZonedDateTime(z) => {
                return Ok(Some(RelativeTo::ZonedDateTime(z.clone())));
            }
            TemporalValue::PlainDate(d) => return Ok(Some(RelativeTo::PlainDate(d.clone()))),
            TemporalValue::PlainDateTime(d) => {
                return Ok(Some(RelativeTo::PlainDate(d.to_plain_date())));
            }
            _ => {}
        }
    }
    if let Some(bag) = value.as_object() {
        let calendar = calendar_of_bag(vm, bag)?;
        let fields = prepare_fields(vm, bag, &calendar, FieldSet::ZonedDateTime)?;
        let calendar_fields = fields.calendar_fields(vm)?;
        let time = fields.time(vm, Some(Overflow::Constrain))?;
        let offset = fields.offset(vm)?;
        match fields.time_zone {
            None => {
                let date = PlainDate::from_partial(
                    temporal_rs::partial::PartialDate {
                        calendar_fields,
                        calendar,
                    },
                    Some(Overflow::Constrain),
                )
                .or_throw(vm)?;
                return Ok(Some(RelativeTo::PlainDate(date)));
            }
            Some(tz) => {
                let partial = temporal_rs::partial::PartialZonedDateTime {
                    fields: temporal_rs::fields::ZonedDateTimeFields {
                        calendar_fields,
                        time,
                        offset,
                    },
                    timezone: Some(tz),
                    calendar,
                };
                let z = ZonedDateTime::from_partial(
                    partial,
                    Some(Overflow::Constrain),
                    Some(Disambiguation::Compatible),
                    Some(OffsetDisambiguation::Reject),
                )
                .or_throw(vm)?;
                return Ok(Some(RelativeTo::ZonedDateTime(z)));
            }
        }
    }
    let Some(s) = value.as_string() else {
        return Err(
            vm.type_error("relativeTo must be a Temporal object, a property bag or a string")
        );
    };
    let text = vm.rust_string(s);
    RelativeTo::try_from_str(&text).or_throw(vm).map(Some)
}

/// Defines getters `fn name(vm, this, args)` that read one value of the `this` object
/// (extracted by `$this`) and convert it with `$convert`.
macro_rules! getters {
    ($this:ident: $($name:ident => $convert:expr),* $(,)?) => {
        $(
            fn $name(
                vm: &mut crate::vm::Vm,
                this: crate::value::Value,
                _: &[crate::value::Value],
            ) -> crate::vm::JsResult<crate::value::Value> {
                let value = $this(vm, this)?;
                let convert: &dyn Fn(&mut crate::vm::Vm, &_) -> crate::value::Value = &$convert;
                Ok(convert(vm, &value))
            }
        )*
    };
}
pub(crate) use getters;

/// A number value.
fn num(n: impl Into<f64>) -> Value {
    Value::number(n.into())
}

/// An optional number, undefined when absent.
fn opt_num<N: Into<f64>>(n: Option<N>) -> Value {
    n.map_or(Value::UNDEFINED, |n| Value::number(n.into()))
}

/// An era (undefined when the calendar has none).
fn era_value(vm: &mut Vm, era: Option<TinyAsciiStr<16>>) -> Value {
    optional_string(vm, era.as_ref().map(|e| e.as_str()))
}

/// ToTemporalTimeZoneIdentifier for the `timeZone` of `toZonedDateTime` and friends, plus the
/// item's `plainTime` when the item is a property bag (PlainDate.prototype.toZonedDateTime).
fn time_zone_and_time(vm: &mut Vm, item: Value) -> JsResult<(TimeZone, Option<PlainTime>)> {
    if let Some(o) = item.as_object()
        && slots(vm, item).is_none()
    {
        let key = vm.key("timeZone");
        let tz_like = vm.get(o, key, item)?;
        if tz_like.is_undefined() {
            return Ok((to_time_zone(vm, item)?, None));
        }
        let tz = to_time_zone(vm, tz_like)?;
        let key = vm.key("plainTime");
        let time = vm.get(o, key, item)?;
        let time = plain_time::optional_time(vm, time)?;
        return Ok((tz, time));
    }
    Ok((to_time_zone(vm, item)?, None))
}

/// A required integer argument of a constructor (undefined is a RangeError).
fn required_integer(vm: &mut Vm, v: Value, min: f64, max: f64) -> JsResult<f64> {
    let n = to_integer_with_truncation(vm, v)?;
    if n < min || n > max {
        return Err(vm.range_error("a Temporal constructor argument is out of range"));
    }
    Ok(n)
}

/// The `calendarName` option of `toString()`.
fn calendar_name_option(
    vm: &mut Vm,
    options: Option<ObjRef>,
) -> JsResult<temporal_rs::options::DisplayCalendar> {
    Ok(parsed_option(vm, options, "calendarName")?.unwrap_or_default())
}
