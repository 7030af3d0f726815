//! Node's `process` object on the `kiln` command line's global (scripts and modules): `argv`,
//! `execArgv`, `env`, `platform`, `cwd()`, `hrtime()` and `hrtime.bigint()`, `memoryUsage()`,
//! `exit(code)`, `exitCode`, `stdout.write()`/`stderr.write()`, and the `exit` event
//! (`on`/`once`/`off`/`emit`, in `process.js`; [`emit_exit`]).
//!
//! Deliberately absent: `process.nextTick`. Libraries (TypeScript's compiler among them) take
//! `process.nextTick` with `require` as the sign of Node and then `require('fs')`, which the
//! CLI does not have.
//!
//! `process.exit` ends the run at once with a termination no `catch` or `finally` can stop;
//! the host sees [`EXIT_REASON`] and takes the code from [`exit_code`].

use kiln_interpreter::heap::ObjRef;
use kiln_interpreter::object::{PropertyKey, Slot, attrs};
use kiln_interpreter::{JsError, JsResult, Value, Vm};
use std::cell::Cell;

/// The termination reason `process.exit` ends the run with.
pub const EXIT_REASON: &str = "process.exit";

thread_local! {
    /// The code `process.exit(code)` asked for.
    static EXIT_CODE: Cell<i32> = const { Cell::new(0) };
}

/// Defines `process` with `argv` (Node's form: the executable's path, the script's, then the
/// script's arguments).
pub fn install(vm: &mut Vm, argv: &[String]) {
    let process = vm.new_object();
    let env = vm.new_object();
    for (k, v) in std::env::vars() {
        let key = vm.key(&k);
        let value = vm.string(&v);
        vm.define_data(env, key, value, attrs::DEFAULT);
    }
    let args: Vec<Value> = argv.iter().map(|a| vm.string(a)).collect();
    let argv = vm.new_array(args);
    let platform = vm.string(std::env::consts::OS);
    for (name, value) in [
        ("env", env.value()),
        ("argv", argv.value()),
        ("platform", platform),
        ("exitCode", Value::UNDEFINED),
    ] {
        let key = vm.key(name);
        vm.define_data(process, key, value, attrs::DEFAULT);
    }
    let exec_argv = vm.new_array(Vec::new());
    let key = vm.key("execArgv");
    vm.define_data(process, key, exec_argv.value(), attrs::DEFAULT);
    let hrtime = vm.define_method_now(process, "hrtime", 1, hrtime);
    vm.define_method(hrtime, "bigint", 0, hrtime_bigint);
    vm.define_method(process, "cwd", 0, cwd);
    vm.define_method(process, "memoryUsage", 0, memory_usage);
    vm.define_method(process, "exit", 1, exit);
    for (name, write) in [
        ("stdout", write_stdout as kiln_interpreter::object::NativeFn),
        ("stderr", write_stderr),
    ] {
        let stream = vm.new_object();
        vm.define_method(stream, "write", 1, write);
        let key = vm.key(name);
        vm.define_data(process, key, stream.value(), attrs::DEFAULT);
    }
    vm.define_global("process", process.value());
    // The event methods: each runs `process.js` on its first call (an empty script, which calls
    // none, never parses it) and calls that script's function of its name. Node's aliases are
    // the same functions.
    let events = vm.new_object_with_proto(None);
    vm.root_for_life(events.value());
    for (index, &(name, length)) in EVENT_METHODS.iter().enumerate() {
        let data = vec![events.value(), Value::number(index as f64)];
        let method = vm.native_closure(name, length, event_method, data);
        if name == "emit" {
            vm.root_for_life(method.value());
            EVENTS.with(|e| e.set(Some((events, method))));
        }
        let aliases = match name {
            "on" => &["on", "addListener"][..],
            "off" => &["off", "removeListener"][..],
            _ => &[name][..],
        };
        for alias in aliases {
            let key = vm.key(alias);
            vm.define_data(process, key, method.value(), attrs::DEFAULT);
        }
    }
}

/// The event methods `process.js` defines, with their lengths.
const EVENT_METHODS: [(&str, u32); 7] = [
    ("on", 2),
    ("once", 2),
    ("off", 2),
    ("removeAllListeners", 1),
    ("emit", 1),
    ("listeners", 1),
    ("listenerCount", 1),
];

thread_local! {
    /// The object that holds, once `process.js` ran, its methods at index 0; and the first
    /// `process.emit`.
    static EVENTS: Cell<Option<(ObjRef, ObjRef)>> = const { Cell::new(None) };
}

/// `process.js`'s methods, `None` while it has not run.
fn event_methods(vm: &mut Vm, events: ObjRef) -> Option<ObjRef> {
    match vm.own_property_raw(events, PropertyKey::Index(0))?.slot {
        Slot::Data(methods) => methods.as_object(),
        Slot::Accessor { .. } => None,
    }
}

/// `process.on`, `process.emit`, ...: runs `process.js` the first time, then its method.
fn event_method(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let events = data[0].as_object().expect("the events holder");
    let (name, _) = EVENT_METHODS[data[1].as_number().unwrap_or(0.0) as usize];
    let methods = match event_methods(vm, events) {
        Some(methods) => methods,
        None => {
            let f = kiln_interpreter::eval::run_source(
                vm,
                include_str!("process.js"),
                "kiln:process.js",
                false,
            )?;
            let methods = vm.call(f, Value::UNDEFINED, &[])?;
            vm.define_data(events, PropertyKey::Index(0), methods, attrs::DEFAULT);
            methods.as_object().expect("process.js returns its methods")
        }
    };
    let key = vm.key(name);
    let method = vm.get(methods, key, methods.value())?;
    vm.call(method, this, args)
}

/// Emits `process`'s `exit` event with `code` (Node runs the listeners when the run ends and
/// on `process.exit`); the code to exit with afterwards: `process.exitCode` if a listener set
/// it, else `code`. A listener that throws ends the listeners, as in Node, with code 7.
pub fn emit_exit(vm: &mut Vm, code: i32) -> i32 {
    let global = vm.intrinsics().global_object;
    let key = vm.key("process");
    let Some(process) = vm
        .get(global, key, global.value())
        .ok()
        .and_then(|v| v.as_object())
    else {
        return code;
    };
    if code != exit_code_property(vm) {
        let exit_code = vm.key("exitCode");
        let _ = vm.set(
            process,
            exit_code,
            Value::number(f64::from(code)),
            process.value(),
        );
    }
    let key = vm.key("emit");
    let Ok(emit) = vm.get(process, key, process.value()) else {
        return code;
    };
    // No listener can wait while `process.js` has not run, unless a script put its own `emit`.
    if let Some((events, first_emit)) = EVENTS.with(Cell::get)
        && emit == first_emit.value()
        && event_methods(vm, events).is_none()
    {
        return code;
    }
    let event = vm.string("exit");
    match vm.call(
        emit,
        process.value(),
        &[event, Value::number(f64::from(code))],
    ) {
        Ok(_) => exit_code_property(vm),
        Err(JsError::Terminate(reason)) if reason == EXIT_REASON => exit_code(),
        Err(_) => 7,
    }
}

thread_local! {
    /// The zero of `process.hrtime()`.
    static HRTIME_ORIGIN: std::time::Instant = std::time::Instant::now();
}

/// Nanoseconds since an arbitrary start, from a monotonic clock.
fn hrtime_nanos() -> u128 {
    HRTIME_ORIGIN.with(|start| start.elapsed().as_nanos())
}

/// `process.hrtime([previous])`: `[seconds, nanoseconds]`, or the time since `previous`.
fn hrtime(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let mut now = hrtime_nanos() as i128;
    if let Some(previous) = args.first().copied().filter(|v| !v.is_undefined())
        && let Some(p) = previous.as_object()
    {
        let mut parts = [0.0; 2];
        for (i, part) in parts.iter_mut().enumerate() {
            let key = vm.to_property_key(Value::number(i as f64))?;
            let v = vm.get(p, key, previous)?;
            *part = vm.to_number(v)?;
        }
        now -= (parts[0] * 1e9 + parts[1]) as i128;
    }
    let seconds = Value::number(now.div_euclid(1_000_000_000) as f64);
    let nanos = Value::number(now.rem_euclid(1_000_000_000) as f64);
    Ok(vm.new_array(vec![seconds, nanos]).value())
}

/// `process.hrtime.bigint()`: nanoseconds as a BigInt.
fn hrtime_bigint(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Ok(vm.new_bigint(num_bigint::BigInt::from(hrtime_nanos())))
}

/// The exit code the process should end with after a normal end of the run:
/// `process.exitCode` when it is an integer, else 0.
pub fn exit_code_property(vm: &mut Vm) -> i32 {
    let global = vm.intrinsics().global_object;
    let pk = vm.key("process");
    let Ok(process) = vm.get(global, pk, global.value()) else {
        return 0;
    };
    let Some(p) = process.as_object() else {
        return 0;
    };
    let ek = vm.key("exitCode");
    match vm.get(p, ek, process) {
        Ok(code) => code_of(vm, code).unwrap_or(0),
        Err(_) => 0,
    }
}

/// An exit code from a JavaScript value: an integer (or integer string), as Node takes it.
fn code_of(vm: &mut Vm, value: Value) -> Option<i32> {
    if value.is_undefined() || value.is_null() {
        return None;
    }
    let n = vm.to_number(value).ok()?;
    (n.fract() == 0.0 && n.is_finite()).then_some(n as i32)
}

/// `process.stdout.write(text)` / `process.stderr.write(text)`: the text as it is, no newline.
fn write_to(vm: &mut Vm, args: &[Value], out: &mut dyn std::io::Write) -> JsResult<Value> {
    let chunk = args.first().copied().unwrap_or(Value::UNDEFINED);
    let s = vm.to_string(chunk)?;
    let text = vm.rust_string(s);
    // A closed pipe loses the output, not the process (as `console.log`).
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    Ok(Value::TRUE)
}

fn write_stdout(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    write_to(vm, args, &mut std::io::stdout())
}

fn write_stderr(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    write_to(vm, args, &mut std::io::stderr())
}

/// The code of the last `process.exit`.
pub fn exit_code() -> i32 {
    EXIT_CODE.with(Cell::get)
}

/// `process.exit([code])`: stops the run; the code is `code`, else `process.exitCode`, else 0.
fn exit(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let code = match args.first().and_then(|&v| code_of(vm, v)) {
        Some(code) => code,
        None => exit_code_property(vm),
    };
    EXIT_CODE.with(|c| c.set(code));
    Err(JsError::Terminate(EXIT_REASON.into()))
}

/// `process.memoryUsage()` as Node reports it: `rss` (the process's resident memory), and the
/// heap's own accounting — `heapUsed` and `heapTotal` (every cell and side table now, garbage
/// not yet collected included: Kiln's heap has no reserved space apart), `external` and `arrayBuffers` (ArrayBuffer backing stores) — plus Kiln's
/// `heapLive` (what survived the last collection) and `collections`.
fn memory_usage(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let stats = vm.heap_stats();
    let buffers: usize = vm
        .agent
        .heap
        .objects
        .iter_live()
        .map(|o| match &o.kind {
            kiln_interpreter::object::ObjectKind::ArrayBuffer(b) => b.bytes.heap_size(),
            _ => 0,
        })
        .sum();
    let result = vm.new_object();
    for (name, value) in [
        ("rss", resident_bytes()),
        ("heapTotal", stats.total_bytes),
        ("heapUsed", stats.total_bytes),
        ("external", buffers),
        ("arrayBuffers", buffers),
        ("heapLive", stats.live_bytes),
        ("collections", stats.collections),
    ] {
        let key = vm.key(name);
        vm.define_data(result, key, Value::number(value as f64), attrs::DEFAULT);
    }
    Ok(result.value())
}

/// The process's resident set in bytes (Linux: `/proc/self/statm`; 0 where unknown).
fn resident_bytes() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<usize>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// The process's peak resident set in bytes since it started this program (Linux: `VmHWM` in
/// `/proc/self/status`, which, unlike `getrusage`, does not count the image of the process that
/// spawned it before `exec`; 0 where unknown).
pub fn peak_resident_bytes() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<usize>().ok()
        })
        .map_or(0, |kb| kb * 1024)
}

fn cwd(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let dir = std::env::current_dir()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    Ok(vm.string(&dir))
}
