//! `$262.agent` (test262's INTERPRETING.md): agents on real threads, each with a runtime of its
//! own, sharing memory with the test's main thread only through SharedArrayBuffers' blocks
//! (`kiln_interpreter::shared_memory`). Nothing else crosses a thread: a broadcast carries the
//! block and a number, a report a Rust string.
//!
//! A test's agents live in a [`Session`] on the worker thread that runs the test; dropping it
//! interrupts and joins every agent, so no thread outlives its test. Every wait here — for a
//! broadcast to be received, for a message, for a sleep to end — is cut into short slices
//! between which the waiting runtime's interrupt and deadline are checked.

use kiln_interpreter::builtins::array_buffer;
use kiln_interpreter::heap::ObjRef;
use kiln_interpreter::object::{NativeFn, attrs};
use kiln_interpreter::shared_memory::SharedBlock;
use kiln_interpreter::{Host, JsResult, Value, Vm};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a waiting thread goes between two looks at its interrupt and deadline.
const POLL: Duration = Duration::from_millis(10);

/// The property of an agent's `$262.agent` that holds its `receiveBroadcast` callback (a
/// property, so the callback is reachable for the collector).
const CALLBACK: &str = "receiveBroadcast callback";

/// What `broadcast` sends each agent.
struct Broadcast {
    block: Arc<SharedBlock>,
    number: f64,
}

/// One running agent, seen from the main thread.
struct Agent {
    mailbox: Sender<Broadcast>,
    interrupt: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

/// The agents of the test running on this thread, and what they report.
struct Group {
    deadline: Option<Instant>,
    gc_stress: bool,
    agents: Vec<Agent>,
    reports: Receiver<String>,
    report_sender: Sender<String>,
    received: Receiver<usize>,
    received_sender: Sender<usize>,
}

/// The channels of an agent's own thread.
struct AgentSide {
    mailbox: Receiver<Broadcast>,
    reports: Sender<String>,
    received: Sender<usize>,
    index: usize,
}

thread_local! {
    static GROUP: RefCell<Option<Group>> = const { RefCell::new(None) };
    static AGENT: RefCell<Option<AgentSide>> = const { RefCell::new(None) };
}

/// The agents of one test: made before it runs, torn down (interrupted and joined) on drop.
pub struct Session;

impl Session {
    pub fn begin(deadline: Option<Instant>, gc_stress: bool) -> Session {
        let (report_sender, reports) = mpsc::channel();
        let (received_sender, received) = mpsc::channel();
        GROUP.with(|g| {
            *g.borrow_mut() = Some(Group {
                deadline,
                gc_stress,
                agents: Vec::new(),
                reports,
                report_sender,
                received,
                received_sender,
            })
        });
        Session
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let Some(group) = GROUP.with(|g| g.borrow_mut().take()) else {
            return;
        };
        for agent in &group.agents {
            agent.interrupt.store(true, Ordering::Relaxed);
        }
        for agent in group.agents {
            // Closing the mailbox ends an agent waiting for a broadcast.
            drop(agent.mailbox);
            let _ = agent.thread.join();
        }
    }
}

/// Milliseconds on a monotonic clock (`monotonicNow`).
fn monotonic_now(_: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    static START: OnceLock<Instant> = OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    Ok(Value::number(start.elapsed().as_secs_f64() * 1000.0))
}

/// `sleep(ms)`, in slices, within the runtime's interrupt and deadline.
fn sleep(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let ms = vm.to_number(args.first().copied().unwrap_or(Value::UNDEFINED))?;
    let d = Duration::try_from_secs_f64(ms.max(0.0) / 1000.0).unwrap_or(Duration::MAX);
    let end = Instant::now().checked_add(d);
    loop {
        vm.check_interrupt_now()?;
        let now = Instant::now();
        let left = end.map_or(POLL, |end| end.saturating_duration_since(now));
        if left.is_zero() {
            return Ok(Value::UNDEFINED);
        }
        std::thread::sleep(left.min(POLL));
    }
}

/// Defines the main thread's `$262.agent` on `o` (a `$262` object).
pub fn install_main(vm: &mut Vm, o: ObjRef) {
    install(
        vm,
        o,
        &[
            ("start", 1, start as NativeFn),
            ("broadcast", 2, broadcast),
            ("getReport", 0, get_report),
            ("sleep", 1, sleep),
            ("monotonicNow", 0, monotonic_now),
        ],
    );
}

fn install(vm: &mut Vm, o: ObjRef, functions: &[(&str, u32, NativeFn)]) -> ObjRef {
    let agent = vm.new_object();
    for &(name, len, f) in functions {
        let func = vm.native_function(name, len, f, None);
        let k = vm.key(name);
        vm.define_data(agent, k, func.value(), attrs::HIDDEN);
    }
    let k = vm.key("agent");
    vm.define_data(o, k, agent.value(), attrs::HIDDEN);
    agent
}

/// `start(source)`: runs `source` in a new agent and returns once it runs.
fn start(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let source = vm.to_rust_string(args.first().copied().unwrap_or(Value::UNDEFINED))?;
    let started = GROUP.with(|g| {
        let mut g = g.borrow_mut();
        let group = g.as_mut()?;
        let (mailbox, inbox) = mpsc::channel();
        let interrupt = Arc::new(AtomicBool::new(false));
        let side = AgentSide {
            mailbox: inbox,
            reports: group.report_sender.clone(),
            received: group.received_sender.clone(),
            index: group.agents.len(),
        };
        let (running, is_running) = mpsc::channel();
        let (deadline, gc_stress, flag) = (group.deadline, group.gc_stress, interrupt.clone());
        let thread = std::thread::Builder::new()
            .name("test262 agent".into())
            .stack_size(16 << 20)
            .spawn(move || run_agent(source, side, flag, deadline, gc_stress, running))
            .ok()?;
        let _ = is_running.recv();
        group.agents.push(Agent {
            mailbox,
            interrupt,
            thread,
        });
        Some(())
    });
    match started {
        Some(()) => Ok(Value::UNDEFINED),
        None => Err(vm.type_error("$262.agent.start: cannot start an agent thread")),
    }
}

/// `broadcast(sab, num)`: sends both to every agent and waits until each has received them
/// (or has ended).
fn broadcast(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let buffer = args.first().and_then(|v| v.as_object());
    let Some(block) = buffer.and_then(|b| array_buffer::shared_block(vm, b)) else {
        return Err(vm.type_error("$262.agent.broadcast needs a SharedArrayBuffer"));
    };
    let number = vm.to_number(args.get(1).copied().unwrap_or(Value::UNDEFINED))?;
    let mut waiting: Vec<usize> = GROUP.with(|g| {
        let g = g.borrow();
        let Some(group) = g.as_ref() else {
            return Vec::new();
        };
        let mut sent = Vec::new();
        for (i, agent) in group.agents.iter().enumerate() {
            let message = Broadcast {
                block: block.clone(),
                number,
            };
            if agent.mailbox.send(message).is_ok() {
                sent.push(i);
            }
        }
        sent
    });
    while !waiting.is_empty() {
        vm.check_interrupt_now()?;
        GROUP.with(|g| {
            let g = g.borrow();
            let Some(group) = g.as_ref() else {
                waiting.clear();
                return;
            };
            if let Ok(i) = group.received.recv_timeout(POLL) {
                waiting.retain(|&w| w != i);
            }
            waiting.retain(|&w| !group.agents[w].thread.is_finished());
        });
    }
    Ok(Value::UNDEFINED)
}

/// `getReport()`: the oldest report not yet read, or null.
fn get_report(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let report = GROUP.with(|g| g.borrow().as_ref()?.reports.try_recv().ok());
    Ok(match report {
        Some(text) => vm.string(&text),
        None => Value::NULL,
    })
}

/// An agent's host: its output goes nowhere (agents speak through `report`).
struct AgentHost;

impl Host for AgentHost {
    fn print(&mut self, _: &str) {}
}

/// The body of an agent's thread: runs its script, then hands each broadcast to its
/// `receiveBroadcast` callback until the test's session closes the mailbox or interrupts it.
fn run_agent(
    source: String,
    side: AgentSide,
    interrupt: Arc<AtomicBool>,
    deadline: Option<Instant>,
    gc_stress: bool,
    running: Sender<()>,
) {
    let mut vm = Vm::new(Box::new(AgentHost));
    vm.set_gc_stress(gc_stress);
    vm.termination.deadline = deadline;
    vm.termination.interrupt = interrupt;
    let dollar = vm.new_object();
    let agent = install(
        &mut vm,
        dollar,
        &[
            ("receiveBroadcast", 1, receive_broadcast as NativeFn),
            ("report", 1, report),
            ("leaving", 0, leaving),
            ("sleep", 1, sleep),
            ("monotonicNow", 0, monotonic_now),
        ],
    );
    vm.define_global("$262", dollar.value());
    AGENT.with(|a| *a.borrow_mut() = Some(side));
    let _ = running.send(());
    let ran =
        kiln_interpreter::eval::compile(&mut vm, &source, "agent", kiln_compiler::CodeKind::Script)
            .and_then(|script| vm.run_top_level(script))
            .and_then(|_| vm.run_jobs());
    if ran.is_ok() {
        // The script may have dropped `$262`: the agent object stays rooted meanwhile.
        let _ = vm.handle_scope(|vm| {
            vm.root(agent.value());
            serve_broadcasts(vm, agent)
        });
    }
    AGENT.with(|a| a.borrow_mut().take());
}

/// Calls the agent's `receiveBroadcast` callback with each broadcast, until none can come.
fn serve_broadcasts(vm: &mut Vm, agent: ObjRef) -> JsResult<()> {
    let key = vm.key(CALLBACK);
    loop {
        let callback = vm.get(agent, key, agent.value())?;
        if !vm.is_callable(callback) {
            return Ok(());
        }
        vm.check_interrupt_now()?;
        let next = AGENT.with(|a| {
            let a = a.borrow();
            let side = a.as_ref()?;
            match side.mailbox.recv_timeout(POLL) {
                Ok(message) => {
                    let _ = side.received.send(side.index);
                    Some(Some(message))
                }
                Err(RecvTimeoutError::Timeout) => Some(None),
                Err(RecvTimeoutError::Disconnected) => None,
            }
        });
        let Some(next) = next else { return Ok(()) };
        let Some(Broadcast { block, number }) = next else {
            continue;
        };
        let sab = array_buffer::new_shared(vm, block);
        vm.call(
            callback,
            Value::UNDEFINED,
            &[sab.value(), Value::number(number)],
        )?;
        vm.run_jobs()?;
    }
}

/// `receiveBroadcast(callback)`
fn receive_broadcast(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let callback = args.first().copied().unwrap_or(Value::UNDEFINED);
    if !vm.is_callable(callback) {
        return Err(vm.type_error("$262.agent.receiveBroadcast needs a function"));
    }
    let Some(agent) = this.as_object() else {
        return Err(vm.type_error("$262.agent.receiveBroadcast called on a non-object"));
    };
    let key = vm.key(CALLBACK);
    vm.define_data(agent, key, callback, attrs::HIDDEN);
    Ok(Value::UNDEFINED)
}

/// `report(value)`: sends the value's string to the main thread.
fn report(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let text = vm.to_rust_string(args.first().copied().unwrap_or(Value::UNDEFINED))?;
    AGENT.with(|a| {
        if let Some(side) = a.borrow().as_ref() {
            let _ = side.reports.send(text);
        }
    });
    Ok(Value::UNDEFINED)
}

/// `leaving()`: nothing to do; the agent ends when its test's session does.
fn leaving(_: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Ok(Value::UNDEFINED)
}
