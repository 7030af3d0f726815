//! `console` and `print`: output with Node-like formatting of values (`util.inspect` style).

use crate::heap::ObjRef;
use crate::object::{Elements, ObjectKind, PropertyKey, Slot, attrs};
use crate::value::Value;
use crate::vm::{JsResult, Vm};

pub fn init(vm: &mut Vm) {
    let op = vm.intrinsics().object_prototype;
    let console = vm.new_plain_object(op);
    vm.define_global("console", console.value());
    for (name, f) in [
        ("log", log as crate::object::NativeFn),
        ("info", log),
        ("debug", log),
        ("error", error),
        ("warn", error),
        ("dir", dir),
        ("time", time),
        ("timeEnd", time_end),
        ("timeLog", time_log),
        ("count", count),
        ("countReset", count_reset),
        ("assert", assert),
        ("group", group),
        ("groupCollapsed", group),
        ("groupEnd", group_end),
        ("table", table),
        ("trace", trace),
    ] {
        vm.define_method(console, name, 0, f);
    }
    let print = vm.native_function("print", 1, log, None);
    vm.define_global("print", print.value());
}

/// What `console` remembers between calls: the `group` indentation, `count`'s counters and
/// `time`'s start times.
#[derive(Default)]
pub struct ConsoleState {
    indent: usize,
    counts: Vec<(String, u64)>,
    timers: Vec<(String, std::time::Instant)>,
}

/// Writes `text` (every line of it indented by the open groups) to stdout or stderr.
fn emit(vm: &mut Vm, text: &str, to_stderr: bool) {
    let indent = vm.console.indent;
    let text = if indent == 0 {
        text.to_string()
    } else {
        let pad = " ".repeat(indent);
        text.split('\n')
            .map(|l| format!("{pad}{l}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    if to_stderr {
        vm.host.print_error(&text);
    } else {
        vm.host.print(&text);
    }
}

/// `console.log`'s line for `args`, as Node's `util.format`: a first string argument may hold
/// `%s %d %i %f %j %o %O %c %%`; the arguments left over follow, separated by spaces (strings
/// as they are, other values inspected).
pub fn format_log(vm: &mut Vm, args: &[Value]) -> JsResult<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut rest = args;
    if let Some((first, tail)) = args.split_first()
        && let Some(s) = first.as_string()
    {
        let template = vm.rust_string(s);
        let mut out = String::new();
        let mut next = 0;
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' || tail.is_empty() {
                out.push(c);
                continue;
            }
            let Some(&spec) = chars.peek() else {
                out.push('%');
                break;
            };
            if spec == '%' {
                chars.next();
                out.push('%');
                continue;
            }
            if !"sdifjoOc".contains(spec) || next >= tail.len() {
                out.push('%');
                continue;
            }
            chars.next();
            let arg = tail[next];
            next += 1;
            out.push_str(&format_specifier(vm, spec, arg)?);
        }
        parts.push(out);
        rest = &tail[next..];
    }
    for &v in rest {
        parts.push(match v.as_string() {
            Some(s) => vm.rust_string(s),
            None => inspect(vm, v),
        });
    }
    Ok(parts.join(" "))
}

/// One `%` conversion of `util.format`.
fn format_specifier(vm: &mut Vm, spec: char, arg: Value) -> JsResult<String> {
    Ok(match spec {
        's' => {
            if let Some(b) = arg.as_bigint() {
                format!("{}n", vm.bigint(b))
            } else if arg.as_number().is_some() || arg.as_symbol().is_some() {
                inspect(vm, arg)
            } else if arg.as_object().is_some() && !has_user_to_string(vm, arg) {
                // Objects without a toString of their own show shallowly (depth 0).
                let mut seen = Vec::new();
                inspect_at(vm, arg, 2, &mut seen)
            } else {
                let s = vm.to_string(arg)?;
                vm.rust_string(s)
            }
        }
        'd' | 'i' | 'f' => {
            if let Some(b) = arg.as_bigint() {
                let text = vm.bigint(b).to_string();
                return Ok(match spec {
                    'f' => inspect(vm, Value::number(text.parse().unwrap_or(f64::NAN))),
                    _ => format!("{text}n"),
                });
            }
            if arg.as_symbol().is_some() {
                return Ok("NaN".to_string());
            }
            let n = if spec == 'd' {
                vm.to_number(arg)?
            } else {
                let s = vm.to_string(arg)?;
                let text = vm.rust_string(s);
                if spec == 'i' {
                    parse_int_prefix(&text)
                } else {
                    parse_float_prefix(&text)
                }
            };
            inspect(vm, Value::number(n))
        }
        'j' => json_stringify(vm, arg)?,
        'o' | 'O' => inspect(vm, arg),
        // 'c': CSS for browsers, consumed and not shown.
        _ => String::new(),
    })
}

/// Whether an object's `toString` is user code (then `%s` calls it): an own or inherited
/// `toString` that is not a built-in function.
fn has_user_to_string(vm: &mut Vm, v: Value) -> bool {
    let Some(o) = v.as_object() else { return false };
    if matches!(vm.obj(o).kind, ObjectKind::Error | ObjectKind::Date(_)) {
        return false;
    }
    let key = PropertyKey::String(vm.agent.names.to_string);
    match vm.get_data_along_chain(o, key).and_then(|f| f.as_object()) {
        Some(f) => !matches!(vm.obj(f).kind, ObjectKind::Native(_)),
        None => false,
    }
}

/// `parseInt(text)` for `%i`: the leading decimal integer, NaN if none.
fn parse_int_prefix(text: &str) -> f64 {
    let t = text.trim_start();
    let (sign, digits) = match t.strip_prefix('-') {
        Some(r) => (-1.0, r),
        None => (1.0, t.strip_prefix('+').unwrap_or(t)),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    if end == 0 {
        return f64::NAN;
    }
    sign * digits[..end].parse::<f64>().unwrap_or(f64::NAN)
}

/// `parseFloat(text)` for `%f`: the longest leading decimal literal, NaN if none.
fn parse_float_prefix(text: &str) -> f64 {
    let t = text.trim_start();
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    if body.starts_with("Infinity") {
        return if t.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    (1..=t.len())
        .rev()
        .filter(|&end| t.is_char_boundary(end))
        .map(|end| &t[..end])
        .filter(|c| c.ends_with(|c: char| c.is_ascii_digit() || c == '.'))
        .find_map(|c| c.parse::<f64>().ok())
        .unwrap_or(f64::NAN)
}

/// `JSON.stringify(v)` for `%j` (`'[Circular]'` for a cyclic value, as Node).
fn json_stringify(vm: &mut Vm, v: Value) -> JsResult<String> {
    let global = vm.intrinsics().global_object;
    let jk = vm.key("JSON");
    let json = vm.get(global, jk, global.value())?;
    let Some(json_object) = json.as_object() else {
        return Ok("undefined".to_string());
    };
    let sk = vm.key("stringify");
    let stringify = vm.get(json_object, sk, json)?;
    match vm.call(stringify, json, &[v]) {
        Ok(r) => Ok(match r.as_string() {
            Some(s) => vm.rust_string(s),
            None => "undefined".to_string(),
        }),
        Err(crate::vm::JsError::Throw(e)) => {
            let message = inspect(vm, e);
            if message.contains("ircular") {
                Ok("[Circular]".to_string())
            } else {
                Err(crate::vm::JsError::Throw(e))
            }
        }
        Err(e) => Err(e),
    }
}

fn log(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let text = format_log(vm, args)?;
    emit(vm, &text, false);
    Ok(Value::UNDEFINED)
}

fn error(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let text = format_log(vm, args)?;
    emit(vm, &text, true);
    Ok(Value::UNDEFINED)
}

/// `console.dir(value)`: the value inspected, strings quoted.
fn dir(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let text = inspect(vm, args.first().copied().unwrap_or(Value::UNDEFINED));
    emit(vm, &text, false);
    Ok(Value::UNDEFINED)
}

/// The label argument of `count` and `time`: `'default'` when absent.
fn label(vm: &mut Vm, args: &[Value]) -> JsResult<String> {
    match args.first() {
        Some(&v) if !v.is_undefined() => {
            let s = vm.to_string(v)?;
            Ok(vm.rust_string(s))
        }
        _ => Ok("default".to_string()),
    }
}

fn count(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let label = label(vm, args)?;
    let counts = &mut vm.console.counts;
    let n = match counts.iter_mut().find(|(l, _)| *l == label) {
        Some((_, n)) => {
            *n += 1;
            *n
        }
        None => {
            counts.push((label.clone(), 1));
            1
        }
    };
    emit(vm, &format!("{label}: {n}"), false);
    Ok(Value::UNDEFINED)
}

fn count_reset(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let label = label(vm, args)?;
    match vm.console.counts.iter_mut().find(|(l, _)| *l == label) {
        Some((_, n)) => *n = 0,
        None => emit(
            vm,
            &format!("Warning: Count for '{label}' does not exist"),
            true,
        ),
    }
    Ok(Value::UNDEFINED)
}

fn time(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let label = label(vm, args)?;
    if vm.console.timers.iter().any(|(l, _)| *l == label) {
        let text = format!("Warning: Label '{label}' already exists for console.time()");
        emit(vm, &text, true);
    } else {
        vm.console.timers.push((label, std::time::Instant::now()));
    }
    Ok(Value::UNDEFINED)
}

/// An elapsed time as Node prints it: `1.234ms`, seconds past 1 s, minutes past 1 min.
fn elapsed_text(started: std::time::Instant) -> String {
    let ms = started.elapsed().as_secs_f64() * 1e3;
    if ms >= 60_000.0 {
        format!("{:.3}min", ms / 60_000.0)
    } else if ms >= 1000.0 {
        format!("{:.3}s", ms / 1000.0)
    } else {
        format!("{ms:.3}ms")
    }
}

fn time_log_or_end(vm: &mut Vm, args: &[Value], end: bool) -> JsResult<Value> {
    let label = label(vm, args)?;
    let Some(i) = vm.console.timers.iter().position(|(l, _)| *l == label) else {
        let method = if end { "timeEnd" } else { "timeLog" };
        let text = format!("Warning: No such label '{label}' for console.{method}()");
        emit(vm, &text, true);
        return Ok(Value::UNDEFINED);
    };
    let started = vm.console.timers[i].1;
    if end {
        vm.console.timers.remove(i);
    }
    let mut text = format!("{label}: {}", elapsed_text(started));
    if !end && args.len() > 1 {
        text.push(' ');
        text.push_str(&format_log(vm, &args[1..])?);
    }
    emit(vm, &text, false);
    Ok(Value::UNDEFINED)
}

fn time_end(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    time_log_or_end(vm, args, true)
}

fn time_log(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    time_log_or_end(vm, args, false)
}

/// `console.assert(value, ...message)`: on a falsy value, `Assertion failed[: message]` on
/// stderr.
fn assert(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let ok = args.first().is_some_and(|&v| vm.to_boolean(v));
    if !ok {
        let text = if args.len() > 1 {
            let message = format_log(vm, &args[1..])?;
            format!("Assertion failed: {message}")
        } else {
            "Assertion failed".to_string()
        };
        emit(vm, &text, true);
    }
    Ok(Value::UNDEFINED)
}

fn group(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    if !args.is_empty() {
        let text = format_log(vm, args)?;
        emit(vm, &text, false);
    }
    vm.console.indent += 2;
    Ok(Value::UNDEFINED)
}

fn group_end(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    vm.console.indent = vm.console.indent.saturating_sub(2);
    Ok(Value::UNDEFINED)
}

/// `console.trace(...message)`: `Trace: message` and the stack, on stderr.
fn trace(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let message = format_log(vm, args)?;
    let error = vm.make_error("Error", &message);
    let stack = error
        .as_object()
        .and_then(|o| data(vm, o, PropertyKey::String(vm.agent.names.stack)))
        .and_then(|s| s.as_string())
        .map(|s| vm.rust_string(s))
        .unwrap_or_default();
    // The stack's first line is `Error: message`; Node's is `Trace: message`.
    let text = match stack.split_once('\n') {
        Some((_, frames)) => format!("Trace: {message}\n{frames}"),
        None => format!("Trace: {message}"),
    };
    emit(vm, &text, true);
    Ok(Value::UNDEFINED)
}

/// A property key as `console.table` shows it in the index column and the header.
fn key_text(vm: &mut Vm, key: PropertyKey) -> String {
    match key {
        PropertyKey::Index(i) => i.to_string(),
        PropertyKey::String(a) => vm.agent.atoms.to_rust(a),
        PropertyKey::Symbol(s) => super::symbol::descriptive_string(vm, s),
    }
}

/// The enumerable own keys of `o` (an array's `length` left out).
fn enumerable_keys(vm: &mut Vm, o: ObjRef) -> JsResult<Vec<PropertyKey>> {
    let length = PropertyKey::String(vm.agent.names.length);
    let is_array = vm.obj(o).is_array();
    Ok(vm
        .own_property_keys(o)?
        .into_iter()
        .filter(|&k| !(is_array && k == length))
        .filter(|&k| {
            vm.own_property_raw(o, k)
                .is_some_and(|p| p.attrs & attrs::ENUMERABLE != 0)
        })
        .collect())
}

/// A row of `console.table`: its index, its cells by column, a primitive row's value.
type TableRow = (String, Vec<(String, String)>, Option<String>);

/// `console.table(data)`: the rows of an array or object as a box-drawn table, in Node's
/// layout; anything else is logged.
fn table(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let data_value = args.first().copied().unwrap_or(Value::UNDEFINED);
    let Some(o) = data_value.as_object() else {
        return log(vm, this, args);
    };
    let mut columns: Vec<String> = Vec::new();
    let mut has_values = false;
    let mut rows: Vec<TableRow> = Vec::new();
    // Getters may run JavaScript: the rows and keys held here stay rooted (in this native
    // call's handle scope) until the table is printed.
    let keys = enumerable_keys(vm, o)?;
    vm.root_keys(&keys);
    for key in keys {
        let index = key_text(vm, key);
        let row = vm.get(o, key, data_value)?;
        vm.root(row);
        match row.as_object() {
            Some(r) if !vm.is_callable(row) => {
                let mut cells = Vec::new();
                let row_keys = enumerable_keys(vm, r)?;
                vm.root_keys(&row_keys);
                for k in row_keys {
                    let name = key_text(vm, k);
                    let v = vm.get(r, k, row)?;
                    let mut seen = Vec::new();
                    let shown = inspect_at(vm, v, 2, &mut seen);
                    if !columns.contains(&name) {
                        columns.push(name.clone());
                    }
                    cells.push((name, shown));
                }
                rows.push((index, cells, None));
            }
            _ => {
                has_values = true;
                let shown = inspect(vm, row);
                rows.push((index, Vec::new(), Some(shown)));
            }
        }
    }
    let mut header = vec!["(index)".to_string()];
    header.extend(columns.iter().cloned());
    if has_values {
        header.push("Values".to_string());
    }
    let body: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(index, cells, value)| {
            let mut line = vec![index];
            for c in &columns {
                let cell = cells.iter().find(|(n, _)| n == c).map(|(_, v)| v.clone());
                line.push(cell.unwrap_or_default());
            }
            if has_values {
                line.push(value.unwrap_or_default());
            }
            line
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            std::iter::once(&header)
                .chain(body.iter())
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
                + 2
        })
        .collect();
    let rule = |left: &str, mid: &str, right: &str| {
        let parts: Vec<String> = widths.iter().map(|&w| "─".repeat(w)).collect();
        format!("{left}{}{right}", parts.join(mid))
    };
    let row_text = |cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, &w)| format!(" {c}{}", " ".repeat(w - 1 - c.chars().count())))
            .collect();
        format!("│{}│", parts.join("│"))
    };
    let mut lines = vec![rule("┌", "┬", "┐"), row_text(&header), rule("├", "┼", "┤")];
    lines.extend(body.iter().map(|r| row_text(r)));
    lines.push(rule("└", "┴", "┘"));
    emit(vm, &lines.join("\n"), false);
    Ok(Value::UNDEFINED)
}

/// A value as Node's `util.inspect` shows it (depth 2, no getters run).
pub fn inspect(vm: &mut Vm, v: Value) -> String {
    let mut seen = Vec::new();
    inspect_at(vm, v, 0, &mut seen)
}

fn quote(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\'', "\\'").replace('\n', "\\n"))
    }
}

fn data(vm: &mut Vm, o: ObjRef, key: PropertyKey) -> Option<Value> {
    match vm.own_property_raw(o, key)?.slot {
        Slot::Data(v) => Some(v),
        _ => None,
    }
}

fn function_name(vm: &mut Vm, o: ObjRef) -> String {
    data(vm, o, PropertyKey::String(vm.agent.names.name))
        .and_then(|v| v.as_string())
        .map(|s| vm.rust_string(s))
        .unwrap_or_default()
}

fn constructor_name(vm: &mut Vm, o: ObjRef) -> Option<String> {
    let proto = vm.obj(o).proto?;
    let ctor = data(vm, proto, PropertyKey::String(vm.agent.names.constructor))?.as_object()?;
    let name = function_name(vm, ctor);
    (!name.is_empty()).then_some(name)
}

/// Node's `util.inspect.custom`: an object with a method under
/// `Symbol.for('nodejs.util.inspect.custom')` (found without running getters) shows as what the
/// method returns — a string as it is, another value inspected in its place (one level deeper
/// if that has a custom method too, so that chains of them end). The method gets the depth
/// left, an options object and an `inspect` function, as in Node; if it throws, the object
/// shows as usual.
fn custom_inspect(
    vm: &mut Vm,
    v: Value,
    o: ObjRef,
    depth: usize,
    seen: &mut Vec<ObjRef>,
) -> Option<String> {
    // Custom methods returning objects with custom methods: stop somewhere.
    const MAX_DEPTH: usize = 12;
    if depth > MAX_DEPTH {
        return None;
    }
    let units: Vec<u16> = "nodejs.util.inspect.custom".encode_utf16().collect();
    let symbol = *vm.agent.symbol_registry.get(&units)?;
    let f = vm.get_data_along_chain(o, PropertyKey::Symbol(symbol))?;
    if !vm.is_callable(f) {
        return None;
    }
    vm.handle_scope(|vm| {
        vm.root_all(&[v, f]);
        let remaining = Value::number(2.0 - depth as f64);
        let options = vm.new_object();
        vm.root(options.value());
        let depth_key = vm.key("depth");
        vm.define_data(options, depth_key, remaining, attrs::DEFAULT);
        let inspect_fn = vm.native_function("inspect", 1, inspect_native, None);
        vm.root(inspect_fn.value());
        let result = vm
            .call(f, v, &[remaining, options.value(), inspect_fn.value()])
            .ok()?;
        if result == v {
            return None;
        }
        if let Some(s) = result.as_string() {
            return Some(vm.rust_string(s));
        }
        vm.root(result);
        let chained = result
            .as_object()
            .and_then(|r| vm.get_data_along_chain(r, PropertyKey::Symbol(symbol)))
            .is_some();
        Some(inspect_at(vm, result, depth + usize::from(chained), seen))
    })
}

/// The `inspect` handed to custom inspection methods: a value as `console.log` shows it
/// nested (strings quoted).
fn inspect_native(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let shown = inspect(vm, args.first().copied().unwrap_or(Value::UNDEFINED));
    Ok(vm.string(&shown))
}

fn inspect_at(vm: &mut Vm, v: Value, depth: usize, seen: &mut Vec<ObjRef>) -> String {
    if let Some(s) = v.as_string() {
        let text = vm.rust_string(s);
        return quote(&text);
    }
    if let Some(b) = v.as_bigint() {
        return format!("{}n", vm.bigint(b));
    }
    if let Some(s) = v.as_symbol() {
        return super::symbol::descriptive_string(vm, s);
    }
    if let Some(n) = v.as_number() {
        if n == 0.0 && n.is_sign_negative() {
            return "-0".to_string();
        }
        return crate::number_conversion::number_to_string(n);
    }
    let Some(o) = v.as_object() else {
        return match v.as_bool() {
            Some(b) => b.to_string(),
            None if v.is_null() => "null".to_string(),
            None => "undefined".to_string(),
        };
    };
    if seen.contains(&o) {
        return "[Circular *1]".to_string();
    }
    if let Some(shown) = custom_inspect(vm, v, o, depth, seen) {
        return shown;
    }
    if vm.is_callable(v) {
        let name = function_name(vm, o);
        let class = matches!(&vm.obj(o).kind, ObjectKind::Function(c) if c.is_class_constructor);
        let kind = if class { "class" } else { "Function" };
        return if name.is_empty() {
            format!("[{kind} (anonymous)]")
        } else if class {
            format!("[class {name}]")
        } else {
            format!("[Function: {name}]")
        };
    }
    if let ObjectKind::Error = vm.obj(o).kind
        && let Some(stack) = data(vm, o, PropertyKey::String(vm.agent.names.stack))
            .or_else(|| vm.error_stack(o))
            .and_then(|s| s.as_string())
    {
        return vm.rust_string(stack);
    }
    if let ObjectKind::Error = vm.obj(o).kind {
        // No stack was recorded (`Error.stackTraceLimit` was not a number): Node shows the
        // message line in brackets.
        return format!("[{}]", vm.error_header(o));
    }
    let prefix = match &vm.obj(o).kind {
        ObjectKind::Boolean(b) => return format!("[Boolean: {b}]"),
        ObjectKind::Number(n) => {
            return format!(
                "[Number: {}]",
                crate::number_conversion::number_to_string(*n)
            );
        }
        ObjectKind::String(s) => {
            let s = *s;
            return format!("[String: {}]", quote(&vm.rust_string(s)));
        }
        ObjectKind::Symbol(_) => return "[Symbol]".to_string(),
        ObjectKind::RegExp(d) => {
            let src = d
                .source
                .as_string()
                .map(|s| vm.rust_string(s))
                .unwrap_or_default();
            return format!("/{src}/{}", d.flags);
        }
        ObjectKind::Promise(_) if depth > 2 => return "[Promise]".to_string(),
        ObjectKind::Promise(p) => {
            let state = match p.state {
                crate::object::PromiseState::Pending => "<pending>".to_string(),
                crate::object::PromiseState::Fulfilled => {
                    let r = p.result;
                    seen.push(o);
                    let t = inspect_at(vm, r, depth + 1, seen);
                    seen.pop();
                    t
                }
                crate::object::PromiseState::Rejected => {
                    let r = p.result;
                    seen.push(o);
                    let t = inspect_at(vm, r, depth + 1, seen);
                    seen.pop();
                    format!("<rejected> {t}")
                }
            };
            return format!("Promise {{ {state} }}");
        }
        ObjectKind::Map(m) => {
            let entries: Vec<(Value, Value)> = m.live_entries().collect();
            if depth > 2 {
                return "[Map]".to_string();
            }
            seen.push(o);
            let parts: Vec<String> = entries
                .iter()
                .map(|&(k, v)| {
                    format!(
                        "{} => {}",
                        inspect_at(vm, k, depth + 1, seen),
                        inspect_at(vm, v, depth + 1, seen)
                    )
                })
                .collect();
            seen.pop();
            let open = format!("Map({}) {{", parts.len());
            return format!("{open}{}}}", wrap(&parts, open.len(), depth, None));
        }
        ObjectKind::Set(m) => {
            let entries: Vec<Value> = m.live_entries().map(|(k, _)| k).collect();
            if depth > 2 {
                return "[Set]".to_string();
            }
            seen.push(o);
            let parts: Vec<String> = entries
                .iter()
                .map(|&k| inspect_at(vm, k, depth + 1, seen))
                .collect();
            seen.pop();
            let open = format!("Set({}) {{", parts.len());
            return format!("{open}{}}}", wrap(&parts, open.len(), depth, None));
        }
        ObjectKind::TypedArray(ta) => {
            let ta = **ta;
            let len = crate::typed_array_object::length_of(vm, &ta).unwrap_or(0);
            let mut parts: Vec<String> = (0..len.min(100))
                .map(|i| {
                    let v = crate::typed_array_object::get_element(vm, &ta, i as f64);
                    inspect_at(vm, v, depth + 1, seen)
                })
                .collect();
            if len > 100 {
                parts.push(format!("... {} more items", len - 100));
            }
            let open = format!("{}({len}) [", ta.element.name());
            if parts.is_empty() {
                return format!("{open}]");
            }
            return format!("{open}{}]", wrap(&parts, open.len(), depth, Some(true)));
        }
        ObjectKind::ArrayBuffer(b) => {
            let class = if b.shared {
                "SharedArrayBuffer"
            } else {
                "ArrayBuffer"
            };
            if b.detached {
                return format!("{class} {{ (detached), byteLength: 0 }}");
            }
            let bytes: Vec<String> = b
                .bytes
                .to_vec(0..b.bytes.len().min(50))
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect();
            let more = if b.bytes.len() > 50 {
                format!(" ... {} more bytes", b.bytes.len() - 50)
            } else {
                String::new()
            };
            return format!(
                "{class} {{ [Uint8Contents]: <{}{more}>, byteLength: {} }}",
                bytes.join(" "),
                b.bytes.len()
            );
        }
        ObjectKind::Date(t) => {
            return if t.is_nan() {
                "Invalid Date".to_string()
            } else {
                super::date::iso_string(*t)
            };
        }
        ObjectKind::Array => "",
        _ => "",
    };
    let _ = prefix;
    let is_array = vm.obj(o).is_array();
    if depth > 2 {
        return if is_array {
            "[Array]".to_string()
        } else {
            "[Object]".to_string()
        };
    }
    seen.push(o);
    let mut parts = Vec::new();
    if is_array {
        let len = vm.obj(o).length;
        let mut holes = 0;
        for i in 0..len.min(100) {
            let present = match &vm.obj(o).elements {
                Elements::Dense(e) => e.get(i as usize).is_some_and(|x| !x.is_hole()),
                Elements::Sparse(m) => m.contains_key(&i),
            };
            if !present {
                holes += 1;
                continue;
            }
            if holes > 0 {
                parts.push(format!(
                    "<{holes} empty item{}>",
                    if holes > 1 { "s" } else { "" }
                ));
                holes = 0;
            }
            let item = match vm
                .own_property_raw(o, PropertyKey::Index(i))
                .map(|p| p.slot)
            {
                Some(Slot::Data(x)) => inspect_at(vm, x, depth + 1, seen),
                Some(Slot::Accessor { .. }) => "[Getter/Setter]".to_string(),
                None => "undefined".to_string(),
            };
            parts.push(item);
        }
        if holes > 0 {
            parts.push(format!(
                "<{holes} empty item{}>",
                if holes > 1 { "s" } else { "" }
            ));
        }
        if len > 100 {
            parts.push(format!("... {} more items", len - 100));
        }
    }
    let keys = vm.own_property_keys(o).unwrap_or_default();
    for key in keys {
        if is_array
            && (matches!(key, PropertyKey::Index(_))
                || key == PropertyKey::String(vm.agent.names.length))
        {
            continue;
        }
        let Some(p) = vm.own_property_raw(o, key) else {
            continue;
        };
        if p.attrs & attrs::ENUMERABLE == 0 {
            continue;
        }
        let name = match key {
            PropertyKey::String(a) => {
                let text = vm.agent.atoms.to_rust(a);
                let plain = text
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                    && text
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
                if plain { text } else { quote(&text) }
            }
            PropertyKey::Index(i) => i.to_string(),
            PropertyKey::Symbol(s) => format!("[{}]", super::symbol::descriptive_string(vm, s)),
        };
        let value = match p.slot {
            Slot::Data(x) => inspect_at(vm, x, depth + 1, seen),
            Slot::Accessor { get, set } => match (get.is_undefined(), set.is_undefined()) {
                (false, false) => "[Getter/Setter]".to_string(),
                (false, true) => "[Getter]".to_string(),
                _ => "[Setter]".to_string(),
            },
        };
        parts.push(format!("{name}: {value}"));
    }
    seen.pop();
    if is_array {
        return if parts.is_empty() {
            "[]".to_string()
        } else {
            let len = vm.obj(o).length;
            let numeric = (0..len.min(100)).all(|i| {
                data(vm, o, PropertyKey::Index(i))
                    .is_some_and(|v| v.as_number().is_some() || v.as_bigint().is_some())
            });
            format!("[{}]", wrap(&parts, 1, depth, Some(numeric)))
        };
    }
    let name = constructor_name(vm, o);
    let head = match name.as_deref() {
        Some("Object") => String::new(),
        Some(n) => format!("{n} "),
        None if vm.obj(o).proto.is_none() => "[Object: null prototype] ".to_string(),
        None => String::new(),
    };
    if parts.is_empty() {
        return format!("{head}{{}}");
    }
    let open = head.len() + 1;
    format!("{head}{{{}}}", wrap(&parts, open, depth, None))
}

/// The inside of an object's or array's braces, as Node's `reduceToSingleString` (with
/// `compact: 3`, `breakLength: 80`) lays it out: ` a, b ` on one line when it fits, else one
/// item per line. `open` is the text before the items (`{`, `Foo {`, `Uint8Array(3) [`);
/// `depth` sets the indentation Node counts. Arrays and typed arrays of more than six items
/// (`list`: whether all are numbers, which right-aligns them) are first grouped into columns.
fn wrap(parts: &[String], open: usize, depth: usize, list: Option<bool>) -> String {
    let indentation = 2 * depth;
    let grouped = match list {
        Some(numeric) if parts.len() > 6 => group_array_elements(parts, indentation, numeric),
        _ => None,
    };
    if let Some(rows) = grouped {
        return format!("\n  {}\n", rows.join(",\n  "));
    }
    // isBelowBreakLength: the items, a separator each, and the start of the line fit in 80.
    let start = parts.len() + indentation + open + 10;
    let total = parts.len() + start + parts.iter().map(|p| p.chars().count()).sum::<usize>();
    if total <= 80 && parts.iter().all(|p| !p.contains('\n')) {
        format!(" {} ", parts.join(", "))
    } else {
        let inner: Vec<String> = parts
            .iter()
            .map(|p| format!("  {}", p.replace('\n', "\n  ")))
            .collect();
        format!("\n{}\n", inner.join(",\n"))
    }
}

/// Node's `groupArrayElements`: short items of a long array in aligned columns, as rows; `None`
/// when they should stay one per line (too long or too uneven).
fn group_array_elements(
    parts: &[String],
    indentation: usize,
    numeric: bool,
) -> Option<Vec<String>> {
    const BREAK_LENGTH: usize = 80;
    const SEPARATOR_SPACE: usize = 2;
    // "... n more items" is not an element.
    let count = if parts.last().is_some_and(|p| p.starts_with("... ")) {
        parts.len() - 1
    } else {
        parts.len()
    };
    let lengths: Vec<usize> = parts[..count].iter().map(|p| p.chars().count()).collect();
    let total: usize = lengths.iter().map(|l| l + SEPARATOR_SPACE).sum();
    let max_length = lengths.iter().copied().max().unwrap_or(0);
    let actual_max = max_length + SEPARATOR_SPACE;
    if !(actual_max * 3 + indentation < BREAK_LENGTH
        && (total as f64 / actual_max as f64 > 5.0 || max_length <= 6))
    {
        return None;
    }
    let average_bias = (actual_max as f64 - total as f64 / parts.len() as f64).sqrt();
    let biased_max = (actual_max as f64 - 3.0 - average_bias).max(1.0);
    let columns = ((2.5 * biased_max * count as f64).sqrt() / biased_max)
        .round()
        .min(((BREAK_LENGTH - indentation) / actual_max) as f64)
        .min(3.0 * 4.0)
        .min(15.0) as usize;
    if columns <= 1 {
        return None;
    }
    let max_line_length: Vec<usize> = (0..columns)
        .map(|i| {
            let widest = (i..count).step_by(columns).map(|j| lengths[j]).max();
            widest.unwrap_or(0) + SEPARATOR_SPACE
        })
        .collect();
    let pad = |text: &str, width: usize| {
        let fill = " ".repeat(width.saturating_sub(text.chars().count()));
        if numeric {
            format!("{fill}{text}")
        } else {
            format!("{text}{fill}")
        }
    };
    let mut rows = Vec::new();
    for i in (0..count).step_by(columns) {
        let end = (i + columns).min(count);
        let mut row = String::new();
        for j in i..end - 1 {
            row.push_str(&pad(&format!("{}, ", parts[j]), max_line_length[j - i]));
        }
        let last = &parts[end - 1];
        if numeric {
            row.push_str(&pad(last, max_line_length[end - 1 - i] - SEPARATOR_SPACE));
        } else {
            row.push_str(last);
        }
        rows.push(row);
    }
    if count < parts.len() {
        rows.push(parts[count].clone());
    }
    Some(rows)
}
