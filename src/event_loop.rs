//! The `kiln` command line's event loop, after Node's: `setTimeout`, `setInterval`,
//! `setImmediate`, their `clear` functions and `queueMicrotask` on the main realm's global, and
//! unhandled promise rejections reported as Node reports them.
//!
//! One turn runs the timers that are due (in order of due time, then creation), then the
//! immediates queued before the turn began; the promise jobs (microtasks) are drained after each
//! callback, and then any promise rejected with no handler ends the process. The loop ends when
//! no referenced timer and no immediate is left.
//!
//! It lives here, in the host, not in the interpreter: the interpreter owns the job queue and
//! calls [`Vm::promise_rejection_tracker`]; when and how macrotasks run is the embedder's choice
//! (a `vm` context gets no timers, as in Node). The loop's state is per thread: the command line
//! runs one runtime on its thread. Callbacks live in a rooted registry object, so the collector
//! sees them; the Rust side keeps only ids and times.

use kiln_interpreter::heap::ObjRef;
use kiln_interpreter::object::{ObjectKind, PropertyKey, attrs};
use kiln_interpreter::vm::RejectionOperation;
use kiln_interpreter::{JsError, JsResult, Value, Vm};
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

/// Node's TIMEOUT_MAX: longer delays (and anything not a number of at least 1) become 1 ms.
const TIMEOUT_MAX: f64 = 2_147_483_647.0;

/// The hidden property of a `Timeout` object that holds its id.
const ID_KEY: &str = "__kilnTimerId";

struct Timer {
    due: Instant,
    seq: u64,
    /// The delay (`setInterval`'s period).
    delay: Duration,
    /// `setInterval`: runs again every `delay`.
    repeat: bool,
    /// `unref()`: the timer does not keep the loop alive.
    referenced: bool,
}

#[derive(Default)]
struct LoopState {
    /// Holds each pending callback as `[callback, ...args]` under its id.
    registry: Option<ObjRef>,
    /// The prototype of `Timeout` objects.
    timeout_proto: Option<ObjRef>,
    timers: FxMap<Timer>,
    /// Timers by (due time, creation order).
    due: BTreeMap<(Instant, u64), u32>,
    immediates: VecDeque<u32>,
    next_id: u32,
    next_seq: u64,
    /// Promises rejected with no handler since the last check, by registry id.
    rejections: Vec<u32>,
    /// The loop's clock, read at the start of each turn (libuv's cached time): a timer's delay
    /// counts from it, so timers made during one callback share a start, as in Node.
    now: Option<Instant>,
}

type FxMap<T> = std::collections::HashMap<u32, T>;

thread_local! {
    static STATE: RefCell<LoopState> = RefCell::new(LoopState::default());
}

fn with_state<R>(f: impl FnOnce(&mut LoopState) -> R) -> R {
    STATE.with(|s| f(&mut s.borrow_mut()))
}

/// Defines the timer functions and `queueMicrotask` on the current realm's global and starts
/// tracking promise rejections.
pub fn install(vm: &mut Vm) {
    let registry = vm.new_object_with_proto(None);
    vm.root_for_life(registry.value());
    let proto = vm.new_object();
    vm.root_for_life(proto.value());
    for (name, f) in [
        ("ref", timeout_ref as kiln_interpreter::object::NativeFn),
        ("unref", timeout_unref),
        ("hasRef", timeout_has_ref),
        ("refresh", timeout_refresh),
        ("close", timeout_close),
    ] {
        vm.define_method(proto, name, 0, f);
    }
    let to_primitive = vm.native_function("[Symbol.toPrimitive]", 1, timeout_to_primitive, None);
    let key = PropertyKey::Symbol(vm.agent.symbols.to_primitive);
    vm.define_data(proto, key, to_primitive.value(), attrs::HIDDEN);
    with_state(|s| {
        *s = LoopState {
            registry: Some(registry),
            timeout_proto: Some(proto),
            next_id: 1,
            now: Some(Instant::now()),
            ..LoopState::default()
        }
    });
    let global = vm.intrinsics().global_object;
    for (name, length, f) in [
        (
            "setTimeout",
            2,
            set_timeout as kiln_interpreter::object::NativeFn,
        ),
        ("setInterval", 2, set_interval),
        ("setImmediate", 1, set_immediate),
        ("clearTimeout", 1, clear_timer),
        ("clearInterval", 1, clear_timer),
        ("clearImmediate", 1, clear_immediate),
        ("queueMicrotask", 1, queue_microtask),
    ] {
        vm.define_method(global, name, length, f);
    }
    vm.promise_rejection_tracker = Some(track_rejection);
}

/// The registry key of id `id`.
fn id_key(id: u32) -> PropertyKey {
    PropertyKey::Index(id)
}

/// The registry object; `None` before [`install`] (then nothing is registered or pending).
fn registry() -> Option<ObjRef> {
    with_state(|s| s.registry)
}

/// Keeps `value` in the registry under a new id.
fn register(vm: &mut Vm, value: Value) -> u32 {
    let id = with_state(|s| {
        let id = s.next_id;
        s.next_id += 1;
        id
    });
    if let Some(registry) = registry() {
        vm.define_data(registry, id_key(id), value, attrs::DEFAULT);
    }
    id
}

fn unregister(vm: &mut Vm, id: u32) {
    if let Some(registry) = registry() {
        vm.delete_raw(registry, id_key(id));
    }
}

/// `[callback, ...rest]` for a timer function's arguments, or Node's TypeError.
fn callback_entry(vm: &mut Vm, args: &[Value]) -> JsResult<Value> {
    let callback = args.first().copied().unwrap_or(Value::UNDEFINED);
    if !vm.is_callable(callback) {
        let shown = kiln_interpreter::builtins::console::inspect(vm, callback);
        let e = vm.make_error(
            "TypeError",
            &format!("The \"callback\" argument must be of type function. Received {shown}"),
        );
        if let Some(o) = e.as_object() {
            let key = vm.key("code");
            let code = vm.string("ERR_INVALID_ARG_TYPE");
            vm.define_data(o, key, code, attrs::HIDDEN);
        }
        return Err(JsError::Throw(e));
    }
    let mut entry = vec![callback];
    entry.extend(args.iter().skip(2).copied());
    Ok(vm.new_array(entry).value())
}

/// Node's delay: a number of milliseconds from 1 to `TIMEOUT_MAX`, else 1.
fn delay(vm: &mut Vm, value: Value) -> JsResult<Duration> {
    let ms = if value.is_undefined() {
        1.0
    } else {
        vm.to_number(value)?
    };
    let ms = if (1.0..=TIMEOUT_MAX).contains(&ms) {
        ms.trunc()
    } else {
        1.0
    };
    Ok(Duration::from_millis(ms as u64))
}

fn schedule(vm: &mut Vm, args: &[Value], repeat: bool) -> JsResult<Value> {
    // The callback is checked before the delay is converted, as in Node; the entry is made
    // after, because the conversion may run JavaScript (and collect) while it is in no root.
    let callback = args.first().copied().unwrap_or(Value::UNDEFINED);
    callback_entry(vm, &[callback])?;
    let ms = delay(vm, args.get(1).copied().unwrap_or(Value::UNDEFINED))?;
    // Timer arguments sit after the delay: `setTimeout(f, ms, ...args)`.
    let entry = callback_entry(vm, args)?;
    let id = register(vm, entry);
    with_state(|s| {
        let seq = s.next_seq;
        s.next_seq += 1;
        let due = s.now.unwrap_or_else(Instant::now) + ms;
        s.due.insert((due, seq), id);
        s.timers.insert(
            id,
            Timer {
                due,
                seq,
                delay: ms,
                repeat,
                referenced: true,
            },
        );
    });
    Ok(timeout_object(vm, id))
}

/// A `Timeout` object for timer `id`.
fn timeout_object(vm: &mut Vm, id: u32) -> Value {
    let proto = with_state(|s| s.timeout_proto);
    let o = vm.new_object_with_proto(proto);
    let key = vm.key(ID_KEY);
    vm.define_data(o, key, Value::number(f64::from(id)), attrs::HIDDEN);
    o.value()
}

/// The timer id a `clearTimeout` argument or a `Timeout` method's `this` stands for.
fn timer_id(vm: &mut Vm, value: Value) -> JsResult<Option<u32>> {
    let number = match value.as_object() {
        Some(o) => {
            let key = vm.key(ID_KEY);
            vm.get(o, key, value)?.as_number()
        }
        None => value.as_number(),
    };
    Ok(number
        .filter(|n| n.fract() == 0.0 && *n >= 1.0 && *n <= f64::from(u32::MAX))
        .map(|n| n as u32))
}

fn set_timeout(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    schedule(vm, args, false)
}

fn set_interval(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    schedule(vm, args, true)
}

fn set_immediate(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let callback = args.first().copied().unwrap_or(Value::UNDEFINED);
    // `setImmediate(f, ...args)`: no delay argument to skip.
    let mut shifted = vec![callback, Value::UNDEFINED];
    shifted.extend(args.iter().skip(1).copied());
    let entry = callback_entry(vm, &shifted)?;
    let id = register(vm, entry);
    with_state(|s| s.immediates.push_back(id));
    Ok(timeout_object(vm, id))
}

fn cancel_timer(vm: &mut Vm, id: u32) {
    let removed = with_state(|s| {
        let timer = s.timers.remove(&id)?;
        s.due.remove(&(timer.due, timer.seq));
        Some(())
    });
    if removed.is_some() {
        unregister(vm, id);
    }
}

fn clear_timer(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    if let Some(id) = timer_id(vm, args.first().copied().unwrap_or(Value::UNDEFINED))? {
        cancel_timer(vm, id);
    }
    Ok(Value::UNDEFINED)
}

fn clear_immediate(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    if let Some(id) = timer_id(vm, args.first().copied().unwrap_or(Value::UNDEFINED))? {
        let removed = with_state(|s| {
            let before = s.immediates.len();
            s.immediates.retain(|&i| i != id);
            before != s.immediates.len()
        });
        if removed {
            unregister(vm, id);
        }
    }
    Ok(Value::UNDEFINED)
}

fn set_referenced(vm: &mut Vm, this: Value, referenced: bool) -> JsResult<Value> {
    if let Some(id) = timer_id(vm, this)? {
        with_state(|s| {
            if let Some(t) = s.timers.get_mut(&id) {
                t.referenced = referenced;
            }
        });
    }
    Ok(this)
}

fn timeout_ref(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    set_referenced(vm, this, true)
}

fn timeout_unref(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    set_referenced(vm, this, false)
}

fn timeout_has_ref(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let id = timer_id(vm, this)?;
    let referenced = with_state(|s| {
        id.and_then(|id| s.timers.get(&id))
            .is_none_or(|t| t.referenced)
    });
    Ok(Value::boolean(referenced))
}

/// `timeout.refresh()`: the same delay again, counted from now.
fn timeout_refresh(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    if let Some(id) = timer_id(vm, this)? {
        with_state(|s| {
            let s_now = s.now.unwrap_or_else(Instant::now);
            let LoopState {
                timers,
                due,
                next_seq,
                ..
            } = s;
            if let Some(t) = timers.get_mut(&id) {
                due.remove(&(t.due, t.seq));
                t.due = s_now + t.delay;
                t.seq = *next_seq;
                *next_seq += 1;
                due.insert((t.due, t.seq), id);
            }
        });
    }
    Ok(this)
}

fn timeout_close(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    if let Some(id) = timer_id(vm, this)? {
        cancel_timer(vm, id);
    }
    Ok(this)
}

fn timeout_to_primitive(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    Ok(timer_id(vm, this)?.map_or(Value::UNDEFINED, |id| Value::number(f64::from(id))))
}

/// `queueMicrotask(callback)`: a promise job that calls it.
fn queue_microtask(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let callback = args.first().copied().unwrap_or(Value::UNDEFINED);
    if !vm.is_callable(callback) {
        let shown = kiln_interpreter::builtins::console::inspect(vm, callback);
        let e = vm.make_error(
            "TypeError",
            &format!("The \"callback\" argument must be of type function. Received {shown}"),
        );
        return Err(JsError::Throw(e));
    }
    vm.enqueue_job(kiln_interpreter::agent::Job::Callback(callback, Vec::new()));
    Ok(Value::UNDEFINED)
}

/// HostPromiseRejectionTracker: remembers promises rejected with no handler, forgets them when
/// they get one. Rooted through the registry until the next check.
fn track_rejection(vm: &mut Vm, promise: ObjRef, operation: RejectionOperation) {
    match operation {
        RejectionOperation::Reject => {
            let id = register(vm, promise.value());
            with_state(|s| s.rejections.push(id));
        }
        RejectionOperation::Handle => {
            let Some(registry) = registry() else { return };
            let found = with_state(|s| s.rejections.clone())
                .into_iter()
                .find(|&id| {
                    own_data(vm, registry, id_key(id)).and_then(Value::as_object) == Some(promise)
                });
            if let Some(id) = found {
                with_state(|s| s.rejections.retain(|&i| i != id));
                unregister(vm, id);
            }
        }
    }
}

/// Why the loop stopped early.
pub enum Stop {
    /// A callback threw, or a microtask did (the error, as running a script reports it).
    Error(JsError),
    /// A promise was rejected and no handler was attached by the end of the microtask drain:
    /// the reason.
    UnhandledRejection(Value),
}

/// Drains the microtasks, then reports the first promise still rejected with no handler.
pub fn after_task(vm: &mut Vm) -> Result<(), Stop> {
    vm.run_jobs().map_err(Stop::Error)?;
    let pending = with_state(|s| std::mem::take(&mut s.rejections));
    let Some(registry) = registry() else {
        return Ok(());
    };
    let mut first = None;
    for id in pending {
        let entry = own_data(vm, registry, id_key(id));
        unregister(vm, id);
        if first.is_none()
            && let Some(p) = entry.and_then(Value::as_object)
            && let ObjectKind::Promise(state) = &vm.obj(p).kind
            && !state.handled
        {
            first = Some(state.result);
        }
    }
    match first {
        Some(reason) => Err(Stop::UnhandledRejection(reason)),
        None => Ok(()),
    }
}

/// Runs the callback stored under `id` with its arguments, then the microtasks.
fn run_callback(vm: &mut Vm, id: u32, keep: bool) -> Result<(), Stop> {
    let Some(entry) = registry().and_then(|r| own_data(vm, r, id_key(id))) else {
        return Ok(());
    };
    if !keep {
        unregister(vm, id);
    }
    let result = vm.with_roots(&[entry], |vm| {
        let Some(list) = entry.as_object() else {
            return Ok(Value::UNDEFINED);
        };
        let values = list_values(vm, list);
        let (callback, rest) = values.split_first().unwrap_or((&Value::UNDEFINED, &[]));
        vm.call(*callback, Value::UNDEFINED, rest)
    });
    result.map_err(Stop::Error)?;
    after_task(vm)
}

/// An own data property, read without running JavaScript.
fn own_data(vm: &mut Vm, o: ObjRef, key: PropertyKey) -> Option<Value> {
    match vm.own_property_raw(o, key)?.slot {
        kiln_interpreter::object::Slot::Data(v) => Some(v),
        _ => None,
    }
}

fn list_values(vm: &mut Vm, list: ObjRef) -> Vec<Value> {
    let mut values = Vec::new();
    let mut i = 0;
    while let Some(v) = own_data(vm, list, PropertyKey::Index(i)) {
        values.push(v);
        i += 1;
    }
    values
}

/// Runs timers and immediates until none is left that keeps the loop alive.
pub fn run(vm: &mut Vm) -> Result<(), Stop> {
    run_until(vm, |_| false)
}

/// [`run`], returning early once `done` holds (it is asked before each turn and after each
/// callback: the REPL waits so for an awaited promise). A wait for the next timer ends with
/// [`kiln_interpreter::vm::INTERRUPTED`] when the VM's interrupt flag is set, as running code
/// would.
pub fn run_until(vm: &mut Vm, mut done: impl FnMut(&mut Vm) -> bool) -> Result<(), Stop> {
    loop {
        if done(vm) {
            return Ok(());
        }
        match turn(vm, &mut done)? {
            Next::Done | Next::Idle => return Ok(()),
            Next::Now => {}
            Next::At(due) => sleep_until(vm, due)?,
        }
    }
}

/// One turn of the loop, without waiting: the timers that are due, then the immediates. The
/// time of the next turn is returned (`None`: nothing keeps the loop alive), for a host that
/// waits for other things too (the REPL waits for a key).
pub fn run_ready(vm: &mut Vm) -> Result<Option<Instant>, Stop> {
    Ok(match turn(vm, &mut |_| false)? {
        Next::Done | Next::Idle => None,
        Next::Now => Some(Instant::now()),
        Next::At(due) => Some(due),
    })
}

/// What follows a turn.
enum Next {
    /// `done` held.
    Done,
    /// Nothing keeps the loop alive.
    Idle,
    /// Immediates are queued: the next turn starts at once.
    Now,
    /// The next referenced timer is due then.
    At(Instant),
}

fn turn(vm: &mut Vm, done: &mut impl FnMut(&mut Vm) -> bool) -> Result<Next, Stop> {
    // The timers phase: every timer due by the phase's start, in order.
    let now = Instant::now();
    with_state(|s| s.now = Some(now));
    loop {
        let next = with_state(|s| {
            let (&(due, seq), &id) = s.due.first_key_value()?;
            if due > now {
                return None;
            }
            s.due.remove(&(due, seq));
            let timer = s.timers.get_mut(&id)?;
            match timer.repeat {
                true => {
                    // An interval's next run counts from the turn's time.
                    timer.due = now + timer.delay;
                    timer.seq = s.next_seq;
                    s.next_seq += 1;
                    s.due.insert((timer.due, timer.seq), id);
                    Some((id, true))
                }
                false => {
                    s.timers.remove(&id);
                    Some((id, false))
                }
            }
        });
        let Some((id, repeats)) = next else { break };
        run_callback(vm, id, repeats)?;
        if done(vm) {
            return Ok(Next::Done);
        }
    }
    // The check phase: the immediates queued before it began.
    let count = with_state(|s| s.immediates.len());
    for _ in 0..count {
        let Some(id) = with_state(|s| s.immediates.pop_front()) else {
            break;
        };
        run_callback(vm, id, false)?;
        if done(vm) {
            return Ok(Next::Done);
        }
    }
    Ok(with_state(|s| {
        let next = s
            .due
            .iter()
            .find(|(_, id)| s.timers.get(id).is_some_and(|t| t.referenced))
            .map(|(&(due, _), _)| due);
        match (s.immediates.is_empty(), next) {
            (false, _) => Next::Now,
            (true, Some(due)) => Next::At(due),
            (true, None) => Next::Idle,
        }
    }))
}

/// Sleeps until `due`, in slices short enough that an interrupt (Ctrl-C in the REPL) ends the
/// wait promptly.
fn sleep_until(vm: &Vm, due: Instant) -> Result<(), Stop> {
    const SLICE: Duration = Duration::from_millis(50);
    loop {
        if vm
            .termination
            .interrupt
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            return Err(Stop::Error(JsError::Terminate(
                kiln_interpreter::vm::INTERRUPTED.into(),
            )));
        }
        let wait = due.saturating_duration_since(Instant::now());
        if wait.is_zero() {
            return Ok(());
        }
        std::thread::sleep(wait.min(SLICE));
    }
}
