//! One search of a RegExp, under the running code's deadline.
//!
//! `regress` backtracks, so some patterns take exponential time (`/(a+)+$/` on `"aaa…ab"`), and
//! regress 0.12 has no step limit, interrupt hook or input abstraction a caller can implement
//! (its `InputIndexer` and `Executor` traits are private): once a search starts on this thread
//! nothing can stop it. So while a deadline is set or another thread can set the interrupt flag, a search with a pattern that can backtrack
//! badly runs on a search thread (a small pool, kept between searches), and this thread waits
//! for it, checking the interrupt flag and the deadline. When either fires the run terminates
//! as anywhere else; the search thread cannot be stopped either, so it is left to finish on
//! its own, its answer is dropped, and it rejoins the pool when done.
//!
//! The price: such a thread burns a core until its search ends, possibly for the life of the
//! process. At most [`MAX_RUNAWAY_SEARCHES`] search threads exist; while runaway searches hold
//! all of them, a search waits for one to end (checking the deadline meanwhile), so the
//! deadline still holds but the search may never start. Each search handed over costs a copy
//! of the subject and two thread wake-ups. Searches that nothing could stop (no deadline, and
//! no other holder of the interrupt flag: a watchdog thread, `breakOnSigint`'s signal handler),
//! or with patterns that cannot backtrack badly on a subject of at most [`LONG_SUBJECT`] units,
//! always run here, at no extra cost. A longer subject goes to a search thread whatever the
//! pattern, since even a linear search over it outlasts a short timeout.

use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::limits::STRING_CHUNK;
use crate::vm::{JsResult, Vm};

/// How many searches may run off-thread at once: the search threads alive, busy or idle.
pub const MAX_RUNAWAY_SEARCHES: usize = 8;

/// Subjects longer than this many units (from where the search starts) are searched on a
/// search thread whenever the search can be stopped. Measured on a release build: a search
/// that fails (`/y/` in a string of `x`s) takes about 6 ns a unit, so 6 ms here, 3 s over a
/// string of 2^29 units; patterns doing more at each place take longer.
pub const LONG_SUBJECT: usize = 1 << 20;

/// How often the waiting thread checks the interrupt flag and the deadline.
const POLL: Duration = Duration::from_millis(2);

/// One search handed to a search thread, with where to send its answer.
struct Job {
    regex: Arc<regress::Regex>,
    text: Arc<[u16]>,
    start: usize,
    full_unicode: bool,
    answer: mpsc::SyncSender<Option<regress::Match>>,
}

/// Search threads waiting for work. A thread puts itself back here when its search ends, so a
/// thread whose caller gave up on it rejoins the pool once its runaway search finishes.
static IDLE: Mutex<Vec<mpsc::Sender<Job>>> = Mutex::new(Vec::new());

/// Search threads alive.
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Counts a search thread out when it ends, even by a panic.
struct Alive;

impl Drop for Alive {
    fn drop(&mut self) {
        THREADS.fetch_sub(1, Ordering::Relaxed);
    }
}

fn idle() -> std::sync::MutexGuard<'static, Vec<mpsc::Sender<Job>>> {
    IDLE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// An idle search thread, or a new one while fewer than the maximum are alive.
/// Search threads busy now: searches running, runaway ones a timeout gave up on included. A
/// host can wait for them to end before it measures time or reports CPU use.
pub fn busy_search_threads() -> usize {
    THREADS.load(Ordering::Relaxed).saturating_sub(idle().len())
}

fn search_thread() -> Option<mpsc::Sender<Job>> {
    if let Some(thread) = idle().pop() {
        return Some(thread);
    }
    THREADS
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
            (n < MAX_RUNAWAY_SEARCHES).then_some(n + 1)
        })
        .ok()?;
    let (tx, rx) = mpsc::channel::<Job>();
    let me = tx.clone();
    let spawned = std::thread::Builder::new()
        .name("kiln-regexp-search".into())
        .spawn(move || {
            let _alive = Alive;
            for job in rx {
                let found = search(&job.regex, &job.text, job.start, job.full_unicode);
                // The caller may have gone: then nobody wants the answer.
                let _ = job.answer.send(found);
                idle().push(me.clone());
            }
        });
    match spawned {
        Ok(_) => Some(tx),
        Err(_) => {
            THREADS.fetch_sub(1, Ordering::Relaxed);
            None
        }
    }
}

/// Whether `pattern` can take more than polynomial time with few quantifiers: a quantified
/// group (`(a+)+`, `(a|a)*`, `(.*a){20}`) or a backreference. A syntactic over-approximation;
/// patterns it misses (many adjacent unbounded quantifiers, `.*.*.*.*x`) are polynomial.
pub fn may_backtrack_badly(pattern: &str) -> bool {
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('1'..='9') if !in_class => return true,
                Some('k') if !in_class && chars.peek() == Some(&'<') => return true,
                _ => {}
            },
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            ')' if !in_class => {
                if matches!(chars.peek(), Some('*' | '+' | '{')) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

fn search(
    regex: &regress::Regex,
    units: &[u16],
    start: usize,
    full_unicode: bool,
) -> Option<regress::Match> {
    if full_unicode {
        regex.find_from_utf16(units, start).next()
    } else {
        regex.find_from_ucs2(units, start).next()
    }
}

/// The first match of `regex` in `units` at or after `start`; terminates the run if the
/// deadline passes or the interrupt flag is set while a search of a `risky` pattern, or over
/// more than [`LONG_SUBJECT`] units, runs.
pub fn find(
    vm: &mut Vm,
    regex: &Arc<regress::Regex>,
    risky: bool,
    units: &Rc<[u16]>,
    start: usize,
    full_unicode: bool,
) -> JsResult<Option<regress::Match>> {
    // Only a deadline, or an interrupt flag another thread (a watchdog, a signal handler) can
    // set, can stop a search; with neither, handing it over gains nothing.
    let stoppable =
        vm.termination.deadline.is_some() || Arc::strong_count(&vm.termination.interrupt) > 1;
    let long = units.len().saturating_sub(start) > LONG_SUBJECT;
    if !(risky || long) || !stoppable {
        return Ok(search(regex, units, start, full_unicode));
    }
    // Copied before a thread is taken: a thread taken and then not given a job would never
    // rejoin the pool.
    let text = shared_copy(vm, units)?;
    // Wait while runaway searches hold every thread.
    let thread = loop {
        if let Some(thread) = search_thread() {
            break thread;
        }
        std::thread::sleep(POLL);
        vm.check_interrupt_now()?;
    };
    let (answer, rx) = mpsc::sync_channel(1);
    let job = Job {
        regex: Arc::clone(regex),
        text,
        start,
        full_unicode,
        answer,
    };
    if thread.send(job).is_err() {
        return Ok(search(regex, units, start, full_unicode));
    }
    loop {
        match rx.recv_timeout(POLL) {
            Ok(found) => return Ok(found),
            Err(mpsc::RecvTimeoutError::Timeout) => vm.check_interrupt_now()?,
            // The search panicked; repeat it here so the panic shows as it would have.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Ok(search(regex, units, start, full_unicode));
            }
        }
    }
}

/// A copy of `units` another thread can read, made a chunk at a time with termination checks
/// between (the subject can be 1 GiB).
fn shared_copy(vm: &mut Vm, units: &[u16]) -> JsResult<Arc<[u16]>> {
    let mut text = Arc::<[u16]>::new_uninit_slice(units.len());
    let slots = Arc::get_mut(&mut text).expect("a new Arc is unique");
    vm.in_chunks(units.len(), STRING_CHUNK, |_, r| {
        slots[r.clone()].write_copy_of_slice(&units[r]);
    })?;
    // SAFETY: `in_chunks` returned `Ok`, so its ranges covered `0..units.len()` and every
    // slot was written.
    Ok(unsafe { text.assume_init() })
}

#[cfg(test)]
mod tests {
    use super::may_backtrack_badly;

    #[test]
    fn quantified_groups_and_backreferences_are_risky() {
        for p in [
            r"(a+)+$",
            r"(a|a)*b",
            r"(.*a){20}",
            r"(\w)\1*",
            r"(?<x>a)\k<x>",
        ] {
            assert!(may_backtrack_badly(p), "{p}");
        }
        for p in [r"a+b*", r"^\s+|\s+$", r"[)]+", r"\)+", r"(ab)?c", r"[\1]"] {
            assert!(!may_backtrack_badly(p), "{p}");
        }
    }
}
