//! One search of a RegExp, under the running code's deadline.
//!
//! `regress` backtracks, so some patterns take exponential time (`/(a+)+$/` on `"aaa…ab"`), and
//! regress 0.12 has no step limit, interrupt hook or input abstraction a caller can implement
//! (its `InputIndexer` and `Executor` traits are private): once a search starts on this thread
//! nothing can stop it. So while a deadline is set, a search with a pattern that can backtrack
//! badly runs on a thread of its own, and this thread waits for it, checking the interrupt flag
//! and the deadline. When either fires the run terminates as anywhere else; the search thread
//! cannot be stopped either, so it is left to finish on its own and its answer is dropped.
//!
//! The price: such a thread burns a core until its search ends, possibly for the life of the
//! process. At most [`MAX_RUNAWAY_SEARCHES`] searches run off-thread at once; past that, a
//! search waits for one of them to end (checking the deadline meanwhile), so the deadline
//! still holds but the search may never start. Searches with no deadline, or with patterns
//! that cannot backtrack badly, always run here, at no extra cost.

use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use crate::vm::{JsResult, Vm};

/// Searches running on threads of their own, most of them abandoned by a terminated run.
static OFF_THREAD: AtomicUsize = AtomicUsize::new(0);

/// How many searches may run off-thread at once.
pub const MAX_RUNAWAY_SEARCHES: usize = 8;

/// How often the waiting thread checks the interrupt flag and the deadline.
const POLL: Duration = Duration::from_millis(2);

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
/// deadline passes or the interrupt flag is set while a search of a `risky` pattern runs.
pub fn find(
    vm: &mut Vm,
    regex: &Arc<regress::Regex>,
    risky: bool,
    units: &Rc<[u16]>,
    start: usize,
    full_unicode: bool,
) -> JsResult<Option<regress::Match>> {
    if !risky || vm.deadline.is_none() {
        return Ok(search(regex, units, start, full_unicode));
    }
    // Take a slot, waiting while runaway searches hold all of them.
    while OFF_THREAD
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
            (n < MAX_RUNAWAY_SEARCHES).then_some(n + 1)
        })
        .is_err()
    {
        std::thread::sleep(POLL);
        vm.check_interrupt_now()?;
    }
    let (tx, rx) = mpsc::sync_channel(1);
    let worker_regex = Arc::clone(regex);
    let text: Arc<[u16]> = Arc::from(&units[..]);
    let spawned = std::thread::Builder::new()
        .name("kiln-regexp-search".into())
        .spawn(move || {
            let found = search(&worker_regex, &text, start, full_unicode);
            OFF_THREAD.fetch_sub(1, Ordering::Relaxed);
            // The waiting side may have gone: then nobody wants the answer.
            let _ = tx.send(found);
        });
    if spawned.is_err() {
        OFF_THREAD.fetch_sub(1, Ordering::Relaxed);
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
