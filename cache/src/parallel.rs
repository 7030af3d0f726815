//! Two threads for a large load. Reading a cache file into fresh memory, hashing the source and
//! the archive, and validating the archive are each bounded by memory, not by computation, and
//! they do not depend on one another: on two cores they take about half the time side by side.
//! A cache of a megabyte or two stays on the caller's thread, where starting a second thread
//! and waiting for it (0.1-0.2 ms on a virtual machine whose other core sleeps) costs more than
//! it saves; so does every load when no thread can be started.

use std::sync::{Mutex, PoisonError};

/// The size from which a read or a load is shared with a second thread.
pub const MIN_BYTES: usize = 4 << 20;

/// Runs `first_there` on a second thread and `first_here` on this one; then both take the items
/// of `items` in turn and hand each to `each`, until none are left. When `bytes` (what the work
/// reads) is under [`MIN_BYTES`], or no second thread can be started, all of it runs here. A
/// panic on the second thread goes on on this one.
pub fn side_by_side<I, A, B>(
    bytes: usize,
    first_there: impl FnOnce() -> A + Send,
    first_here: impl FnOnce() -> B,
    items: I,
    each: impl Fn(I::Item) + Sync,
) -> (A, B)
where
    I: Iterator + Send,
    A: Send,
{
    if bytes < MIN_BYTES {
        let a = first_there();
        let b = first_here();
        items.for_each(each);
        return (a, b);
    }
    let queue = Mutex::new(items);
    let drain = || {
        loop {
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            match next {
                Some(item) => each(item),
                None => break,
            }
        }
    };
    // Whichever thread comes to `first_there` first takes it: the second thread as it starts,
    // or this one when it has done the rest before the second started (or could be started).
    let there = Mutex::new(Some(first_there));
    let take_there = || there.lock().unwrap_or_else(PoisonError::into_inner).take();
    std::thread::scope(|scope| {
        let helper = std::thread::Builder::new()
            .name("kiln-cache-load".into())
            // Room for the archive's validation, which may run there (`load_file`); its depth
            // is the archived types' nesting, not the input's.
            .stack_size(512 << 10)
            .spawn_scoped(scope, || {
                let a = take_there().map(|f| f());
                drain();
                a
            });
        let b = first_here();
        drain();
        let here = take_there().map(|f| f());
        let there = match helper {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => None,
        };
        match (here, there) {
            (Some(a), _) | (None, Some(a)) => (a, b),
            (None, None) => unreachable!("`first_there` is taken once, and run by its taker"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Each item is handed over once, and both first tasks run once, on one thread or two.
    #[test]
    fn every_item_once_on_one_thread_or_two() {
        for bytes in [0, MIN_BYTES] {
            let seen: Vec<AtomicUsize> = (0..1000).map(|_| AtomicUsize::new(0)).collect();
            let (a, b) = side_by_side(
                bytes,
                || "there",
                || "here",
                seen.iter(),
                |count| {
                    count.fetch_add(1, Ordering::Relaxed);
                },
            );
            assert_eq!((a, b), ("there", "here"));
            assert!(seen.iter().all(|c| c.load(Ordering::Relaxed) == 1));
        }
    }
}
