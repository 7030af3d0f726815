//! The one part of the runtime that crosses threads: a SharedArrayBuffer's Shared Data Block
//! (ECMA-262 6.2.9) and its WaiterLists (25.4.3.14).
//!
//! Every other structure of a `Vm` — the heap, strings (`Rc`), realms, the job queue — belongs
//! to the thread that made it, and a `Vm` is not `Send`. Several runtimes, each on its own
//! thread (test262's agents), share memory only through an `Arc<SharedBlock>`: each wraps it
//! in a SharedArrayBuffer object of its own heap (`array_buffer::new_shared`).
//!
//! Soundness: the block's bytes are `AtomicU8`s, and every access to them — the plain reads
//! and writes of typed arrays and DataViews as much as `Atomics` — is an atomic byte access.
//! So two threads touching the same byte never race in Rust's sense; a plain multi-byte access
//! may tear, which the ECMAScript memory model allows for unordered accesses. The `Atomics`
//! operations run inside the block's critical section (its mutex, which also guards the
//! waiter list), so they are indivisible with respect to each other and totally ordered — the
//! sequentially consistent order the memory model asks of them. The bytes are allocated once,
//! at the largest length the buffer may grow to, so they never move, and the length only grows.

use std::alloc::{Layout, alloc_zeroed};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A Shared Data Block: bytes that several agents read and write at once.
pub struct SharedBlock {
    cells: Box<[AtomicU8]>,
    /// The current byte length; a growable buffer's grows up to `cells.len()`.
    len: AtomicUsize,
    /// Whether the buffer is growable (its maximum byte length is `cells.len()`).
    pub growable: bool,
    /// The critical section of `Atomics` operations and the WaiterLists of every index.
    waiters: Mutex<WaiterList>,
    /// Signalled whenever waiters are removed from the list (notified).
    woken: Condvar,
}

impl SharedBlock {
    /// A zeroed block of `len` bytes with room for `capacity`, or `None` when the system
    /// refuses the memory. The pages of untouched bytes are not committed.
    pub fn new(len: usize, capacity: usize, growable: bool) -> Option<Arc<SharedBlock>> {
        let capacity = capacity.max(len);
        let cells: Box<[AtomicU8]> = if capacity == 0 {
            Box::new([])
        } else {
            let layout = Layout::array::<AtomicU8>(capacity).ok()?;
            // SAFETY: the layout has a non-zero size.
            let p = unsafe { alloc_zeroed(layout) }.cast::<AtomicU8>();
            if p.is_null() {
                return None;
            }
            // SAFETY: `p` was allocated by the global allocator with the layout of
            // `[AtomicU8; capacity]`, as `Box` frees it; the memory is zeroed, and `AtomicU8`
            // has the size, alignment and bit validity of `u8`, so every element is a valid
            // `AtomicU8` holding 0. Nothing else owns the pointer.
            unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(p, capacity)) }
        };
        Some(Arc::new(SharedBlock {
            cells,
            len: AtomicUsize::new(len),
            growable,
            waiters: Mutex::new(WaiterList::default()),
            woken: Condvar::new(),
        }))
    }

    pub fn len(&self) -> usize {
        self.len.load(Ordering::SeqCst)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The largest length the block may grow to.
    pub fn capacity(&self) -> usize {
        self.cells.len()
    }

    /// Grows the length to `new_len` (within the capacity) unless another agent grew it past
    /// that first; false if `new_len` is below the current length (25.2.5.3 step 12).
    pub fn grow(&self, new_len: usize) -> bool {
        let mut current = self.len();
        loop {
            if new_len < current || new_len > self.capacity() {
                return new_len == current;
            }
            match self
                .len
                .compare_exchange(current, new_len, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return true,
                Err(now) => current = now,
            }
        }
    }

    /// Copies the bytes at `at..at + out.len()` into `out` (a plain, unordered read).
    pub fn read(&self, at: usize, out: &mut [u8]) {
        let cells = &self.cells[at..at + out.len()];
        for (o, c) in out.iter_mut().zip(cells) {
            *o = c.load(Ordering::Relaxed);
        }
    }

    /// Writes `bytes` at `at` (a plain, unordered write).
    pub fn write(&self, at: usize, bytes: &[u8]) {
        for (b, c) in bytes.iter().zip(&self.cells[at..at + bytes.len()]) {
            c.store(*b, Ordering::Relaxed);
        }
    }

    /// Enters the critical section shared by the `Atomics` operations and the WaiterLists.
    pub fn lock(&self) -> MutexGuard<'_, WaiterList> {
        // A panic inside the section leaves the list consistent: each change is one step.
        self.waiters.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits inside the critical section for a notification or `slice`, whichever is first.
    pub fn wait_slice<'a>(
        &self,
        guard: MutexGuard<'a, WaiterList>,
        slice: Duration,
    ) -> MutexGuard<'a, WaiterList> {
        self.woken
            .wait_timeout(guard, slice)
            .unwrap_or_else(PoisonError::into_inner)
            .0
    }

    /// 25.4.3.17 NotifyWaiter, for the waiters `list.remove_first` took: synchronous waiters
    /// see their record gone when they wake; asynchronous ones are told through their
    /// agent's inbox.
    pub fn wake(&self, woken: Vec<Waiter>) {
        for w in woken {
            if let Some(inbox) = w.inbox {
                inbox.deliver(w.id);
            }
        }
        self.woken.notify_all();
    }
}

static NEXT_WAITER: AtomicU64 = AtomicU64::new(1);

/// A Waiter Record: one agent waiting on one byte index of a block.
pub struct Waiter {
    pub id: u64,
    pub byte_index: usize,
    /// Where an asynchronous waiter (`Atomics.waitAsync`) learns it was notified; `None` for a
    /// blocked `Atomics.wait`.
    pub inbox: Option<Arc<WaitInbox>>,
}

/// The waiters of one block, in the order they began waiting (each index's WaiterList is the
/// subsequence of its records).
#[derive(Default)]
pub struct WaiterList {
    waiters: VecDeque<Waiter>,
}

impl WaiterList {
    /// AddWaiter: appends a new record and returns its id.
    pub fn add(&mut self, byte_index: usize, inbox: Option<Arc<WaitInbox>>) -> u64 {
        let id = NEXT_WAITER.fetch_add(1, Ordering::Relaxed);
        self.waiters.push_back(Waiter {
            id,
            byte_index,
            inbox,
        });
        id
    }

    /// Whether the record `id` is still waiting (not notified, not timed out).
    pub fn contains(&self, id: u64) -> bool {
        self.waiters.iter().any(|w| w.id == id)
    }

    /// RemoveWaiter; false when the record was no longer there.
    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.waiters.len();
        self.waiters.retain(|w| w.id != id);
        self.waiters.len() != before
    }

    /// RemoveWaiters: the first `count` records waiting on `byte_index`, oldest first.
    pub fn remove_first(&mut self, byte_index: usize, count: f64) -> Vec<Waiter> {
        let mut taken = Vec::new();
        let mut kept = VecDeque::with_capacity(self.waiters.len());
        for w in self.waiters.drain(..) {
            if w.byte_index == byte_index && (taken.len() as f64) < count {
                taken.push(w);
            } else {
                kept.push_back(w);
            }
        }
        self.waiters = kept;
        taken
    }
}

/// One agent's mailbox of notified `Atomics.waitAsync` waiters: a notifying thread delivers
/// ids, the waiting agent takes them when its job queue runs dry (`Vm::settle_async_waits`).
#[derive(Default)]
pub struct WaitInbox {
    notified: Mutex<Vec<u64>>,
    arrived: Condvar,
}

impl WaitInbox {
    fn deliver(&self, id: u64) {
        self.notified
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(id);
        self.arrived.notify_all();
    }

    /// The ids delivered so far; waits until one arrives or `until`, whichever is first, when
    /// there are none yet and `until` is given.
    pub fn take(&self, until: Option<Instant>) -> Vec<u64> {
        let mut ids = self.notified.lock().unwrap_or_else(PoisonError::into_inner);
        if ids.is_empty()
            && let Some(until) = until
        {
            let wait = until.saturating_duration_since(Instant::now());
            ids = self
                .arrived
                .wait_timeout(ids, wait)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        std::mem::take(&mut *ids)
    }
}
