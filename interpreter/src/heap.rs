//! The heap: typed arenas of cells addressed by index, and a precise mark-sweep collector.
//!
//! A [`Value`] that refers to a string, symbol, BigInt or object carries the cell's index in its
//! 48-bit payload; environments are addressed by [`EnvRef`]. Cells never move. Collection runs
//! only at safepoints of the dispatch loop (see `Vm::safepoint`), marking from the roots the VM
//! hands in and sweeping every arena. In gc-stress mode a freed cell is never reused, so a stale
//! reference fails loudly ("use of a collected cell") instead of reading another cell.
//!
//! The arenas are plain `Vec`s of `Option`s: no `unsafe` is needed anywhere in the heap.
//!
//! The heap counts bytes, not only cells: every cell reports what it holds outside its arena
//! slot ([`HeapSize`]), allocation adds that to a running count, code that grows a cell's
//! storage afterwards says so ([`Heap::note_growth`]), and the engine's side tables (atoms,
//! shapes, compiled code) report their sizes ([`Heap::external`]). A collection is due when the
//! bytes allocated since the last one reach twice the bytes that survived it (with a floor), sooner
//! as the live heap nears a host's limit. See `docs/GC.md`.

use crate::object::{Elements, ObjectKind};
use crate::value::{HeapKind, Value};
use rustc_hash::FxHashMap;
use std::mem::MaybeUninit;

macro_rules! refs {
    ($($name:ident),*) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
    )*};
}
refs!(ObjRef, StrRef, SymRef, BigRef, EnvRef);

impl ObjRef {
    pub fn value(self) -> Value {
        Value::heap(HeapKind::Object, u64::from(self.0))
    }
}
impl StrRef {
    pub fn value(self) -> Value {
        Value::heap(HeapKind::String, u64::from(self.0))
    }
}
impl SymRef {
    pub fn value(self) -> Value {
        Value::heap(HeapKind::Symbol, u64::from(self.0))
    }
}
impl BigRef {
    pub fn value(self) -> Value {
        Value::heap(HeapKind::BigInt, u64::from(self.0))
    }
}

impl Value {
    #[inline(always)]
    pub fn as_object(self) -> Option<ObjRef> {
        self.object_index().map(ObjRef)
    }
    #[inline(always)]
    pub fn as_string(self) -> Option<StrRef> {
        self.string_index().map(StrRef)
    }
    pub fn as_symbol(self) -> Option<SymRef> {
        match self.as_heap() {
            Some((HeapKind::Symbol, i)) => Some(SymRef(i as u32)),
            _ => None,
        }
    }
    pub fn as_bigint(self) -> Option<BigRef> {
        match self.as_heap() {
            Some((HeapKind::BigInt, i)) => Some(BigRef(i as u32)),
            _ => None,
        }
    }
    #[inline(always)]
    pub fn is_object(self) -> bool {
        self.as_object().is_some()
    }
    #[inline(always)]
    pub fn is_string(self) -> bool {
        self.as_string().is_some()
    }
}

/// What the system allocator costs per block beyond the bytes asked for (headers, size-class
/// rounding), about: measured against the resident set of programs keeping many small objects.
pub const ALLOCATION_OVERHEAD: usize = 16;

/// The cost of one separately allocated buffer of `bytes` (none for an empty one).
pub fn buffer_bytes(bytes: usize) -> usize {
    if bytes == 0 {
        0
    } else {
        bytes + ALLOCATION_OVERHEAD
    }
}

/// The block a hash table (hashbrown's layout, as `HashMap`, `HashSet` and `FxHashMap` use)
/// allocates for `capacity` entries of `entry` bytes: a power-of-two number of buckets, at most
/// 7/8 of them full (3/4 under eight), each with its entry and a control byte, and one more
/// group of control bytes.
pub fn hash_table_bytes(capacity: usize, entry: usize) -> usize {
    if capacity == 0 {
        return 0;
    }
    let buckets = if capacity < 4 {
        4
    } else if capacity < 8 {
        8
    } else {
        (capacity * 8 / 7).next_power_of_two()
    };
    buffer_bytes(buckets * (entry + 1) + 16)
}

/// Bytes a cell holds outside its arena slot: string data, element and property storage,
/// buffers, digits, tables. Capacities, not lengths, where the storage can hold more.
pub trait HeapSize {
    fn payload_bytes(&self) -> usize;
}

impl HeapSize for num_bigint::BigInt {
    fn payload_bytes(&self) -> usize {
        buffer_bytes(self.bits().div_ceil(64) as usize * 8)
    }
}

/// After a sweep of a side table whose ids are reused (atoms, shapes): drops the freed entries
/// at the end of `table` (never below `keep`), so that the free list holds only ids inside it,
/// hands the rest out lowest first, and gives spare capacity back after a peak.
pub fn trim_freed_tail<T>(
    table: &mut Vec<T>,
    free: &mut Vec<u32>,
    keep: usize,
    is_freed: impl Fn(&T) -> bool,
) {
    while table.len() > keep && table.last().is_some_and(&is_freed) {
        table.pop();
    }
    let len = table.len() as u32;
    free.retain(|&id| id < len);
    free.sort_unstable_by(|a, b| b.cmp(a));
    if table.capacity() > 2 * table.len().max(64) {
        table.shrink_to_fit();
        free.shrink_to_fit();
    }
}

/// Cells per chunk of an arena (a power of two).
const CHUNK: usize = 1 << 12;

/// A fixed-size block of cell slots: an arena grows a chunk at a time, so growing never copies
/// the cells already there nor holds two copies of them at once. A slot is written when it is
/// first handed out, not when its chunk is made, so the pages of a chunk's unused part are
/// never touched and take no memory: the first chunk of each kind (4,096 slots, about 0.6 MB
/// of objects) costs an empty script only the cells it uses.
type Chunk<T> = Box<[MaybeUninit<Option<T>>; CHUNK]>;

fn new_chunk<T>() -> Chunk<T> {
    match Box::new_uninit_slice(CHUNK).try_into() {
        Ok(chunk) => chunk,
        Err(_) => unreachable!("a chunk has CHUNK slots"),
    }
}

/// One arena of cells of type `T`.
pub struct Arena<T> {
    chunks: Vec<Chunk<T>>,
    /// Slots handed out so far (used or freed): indices below this. Exactly these slots are
    /// initialised (every other `unsafe` here rests on it).
    len: usize,
    marks: Vec<bool>,
    free: Vec<u32>,
    /// Bytes of the cells that survived the last collection (their slots and payloads).
    live_bytes: usize,
    /// Under gc-stress (freed cells are never reused, so they pile up): the indices of the
    /// cells in use, so a sweep visits those and not every cell ever made.
    occupied: Option<Vec<u32>>,
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena {
            chunks: Vec::new(),
            len: 0,
            marks: Vec::new(),
            free: Vec::new(),
            live_bytes: 0,
            occupied: None,
        }
    }
}

impl<T: HeapSize> Arena<T> {
    /// What one cell costs: its slot in the arena and its payload.
    fn cell_bytes(value: &T) -> usize {
        size_of::<Option<T>>() + size_of::<bool>() + value.payload_bytes()
    }

    #[inline(always)]
    fn slot(&self, i: u32) -> Option<&Option<T>> {
        let i = i as usize;
        if i >= self.len {
            return None;
        }
        // SAFETY: slots below `len` are initialised, and lie in the chunks made so far.
        Some(unsafe { self.chunks.get_unchecked(i / CHUNK)[i % CHUNK].assume_init_ref() })
    }

    #[inline(always)]
    fn slot_mut(&mut self, i: u32) -> Option<&mut Option<T>> {
        initialised_slot(&mut self.chunks, self.len, i as usize)
    }

    /// Stores `value` in a free slot and returns its index; adds its bytes to `allocated`.
    fn alloc(&mut self, value: T, allocated: &mut usize) -> u32 {
        *allocated += Self::cell_bytes(&value);
        let i = match self.free.pop() {
            Some(i) => {
                if let Some(slot) = self.slot_mut(i) {
                    *slot = Some(value);
                }
                i
            }
            None => {
                let i = self.len;
                if i == self.chunks.len() * CHUNK {
                    self.chunks.push(new_chunk());
                }
                self.chunks[i / CHUNK][i % CHUNK].write(Some(value));
                self.marks.push(false);
                self.len += 1;
                i as u32
            }
        };
        if let Some(occupied) = &mut self.occupied {
            occupied.push(i);
        }
        i
    }

    /// Keeps the list of cells in use from now on (see `occupied`).
    fn track_occupied(&mut self) {
        let occupied = (0..self.len as u32)
            .filter(|&i| self.is_allocated(i))
            .collect();
        self.occupied = Some(occupied);
    }

    pub fn get(&self, i: u32) -> &T {
        match self.slot(i) {
            Some(Some(cell)) => cell,
            _ => panic!("use of a collected cell ({i})"),
        }
    }

    pub fn get_mut(&mut self, i: u32) -> &mut T {
        match self.slot_mut(i) {
            Some(Some(cell)) => cell,
            _ => panic!("use of a collected cell ({i})"),
        }
    }

    pub fn live(&self) -> usize {
        match &self.occupied {
            Some(occupied) => occupied.len(),
            None => self.len - self.free.len(),
        }
    }

    /// Whether cell `i` holds a value (it was not swept).
    pub fn is_allocated(&self, i: u32) -> bool {
        self.slot(i).is_some_and(Option::is_some)
    }

    /// Every cell in use.
    pub fn iter_live(&self) -> impl Iterator<Item = &T> {
        (0..self.len as u32).filter_map(|i| self.slot(i)?.as_ref())
    }

    /// Marks cell `i`; true when it was not marked before.
    fn mark(&mut self, i: u32) -> bool {
        match self.marks.get_mut(i as usize) {
            Some(m) if !*m => {
                *m = true;
                true
            }
            _ => false,
        }
    }

    /// Cells in use and their bytes, counted now (garbage not yet collected included).
    pub fn measure(&self) -> KindStats {
        let mut stats = KindStats::default();
        for cell in self.iter_live() {
            stats.cells += 1;
            stats.bytes += Self::cell_bytes(cell);
        }
        stats.bytes += self.overhead_bytes();
        stats.live_bytes = self.live_bytes;
        stats
    }

    /// The arena's own storage beyond the cells in use: empty slots, marks, the free list.
    fn overhead_bytes(&self) -> usize {
        let in_use = self.live();
        (self.chunks.len() * CHUNK - in_use) * size_of::<Option<T>>()
            + (self.marks.capacity() - in_use) * size_of::<bool>()
            + self.free.capacity() * size_of::<u32>()
            + self.chunks.capacity() * size_of::<Chunk<T>>()
    }

    /// Frees every unmarked cell and clears the marks; returns how many were freed. Counts the
    /// bytes of the survivors into `live_bytes`.
    fn sweep(&mut self, reuse: bool) -> usize {
        let mut freed = 0;
        let mut live = 0;
        let (chunks, marks, free, len) =
            (&mut self.chunks, &mut self.marks, &mut self.free, self.len);
        let mut sweep_cell = |i: u32| -> bool {
            let mark = &mut marks[i as usize];
            let Some(slot) = initialised_slot(chunks, len, i as usize) else {
                return false;
            };
            if *mark {
                *mark = false;
                if let Some(cell) = slot {
                    live += Self::cell_bytes(cell);
                }
                return true;
            }
            if slot.take().is_some() {
                freed += 1;
                if reuse {
                    free.push(i);
                }
            }
            false
        };
        match &mut self.occupied {
            Some(occupied) => occupied.retain(|&i| sweep_cell(i)),
            None => {
                for i in 0..self.len as u32 {
                    sweep_cell(i);
                }
            }
        }
        if reuse {
            self.release_empty_tail();
        }
        // Free slots are reusable room, not live data: counting them would let every
        // collection's allowance grow the next (see `Heap::finish_collection`).
        self.live_bytes = live;
        freed
    }

    /// Gives back the trailing chunks no cell uses any more: a heap that shrank far below its
    /// peak returns the memory.
    fn release_empty_tail(&mut self) {
        let mut len = self.len;
        while len > 0 && !self.is_allocated(len as u32 - 1) {
            len -= 1;
        }
        // Keep one empty chunk as slack, so a heap at a chunk boundary does not churn.
        let keep = (len.div_ceil(CHUNK) + 1).min(self.chunks.len());
        if keep == self.chunks.len() {
            return;
        }
        self.chunks.truncate(keep);
        self.len = len;
        self.marks.truncate(len);
        self.free.retain(|&i| (i as usize) < len);
        if self.marks.capacity() > 2 * len.max(CHUNK) {
            self.marks.shrink_to(len);
            self.free.shrink_to(self.free.len());
            self.chunks.shrink_to(keep);
        }
    }
}

/// Slot `i` of `chunks`, whose first `len` slots are initialised; `None` past them.
#[inline(always)]
fn initialised_slot<T>(chunks: &mut [Chunk<T>], len: usize, i: usize) -> Option<&mut Option<T>> {
    if i >= len {
        return None;
    }
    // SAFETY: slots below `len` are initialised, and lie in the chunks made so far.
    Some(unsafe { chunks.get_unchecked_mut(i / CHUNK)[i % CHUNK].assume_init_mut() })
}

impl<T> Drop for Arena<T> {
    fn drop(&mut self) {
        for i in 0..self.len {
            // SAFETY: slots below `len` are initialised, and each is dropped once.
            unsafe { self.chunks[i / CHUNK][i % CHUNK].assume_init_drop() };
        }
    }
}

/// Something the collector reaches.
#[derive(Clone, Copy, Debug)]
pub enum Traced {
    Value(Value),
    Env(EnvRef),
    /// A realm (by index): its intrinsics and global stay while anything of it lives.
    Realm(u32),
    /// An interned property name.
    Atom(crate::string::Atom),
    /// A hidden class, with its ancestors and their keys.
    Shape(crate::object::ShapeId),
    /// The dense elements of object `object` from index `from` on, taken [`ELEMENTS_CHUNK`] at
    /// a time: the work list never holds a long array's elements whole (a 1,000,000-element
    /// array would put 16 MB on it, outside what the heap counts).
    Elements {
        object: u32,
        from: u32,
    },
}

/// How many elements of an array the collector puts on its work list at once.
const ELEMENTS_CHUNK: usize = 1024;

/// Cells report what they reference.
pub trait Trace {
    fn trace(&self, out: &mut Vec<Traced>);
}

/// Bytes the heap may allocate between collections however small the live heap is.
pub const MIN_COLLECTION_BYTES: usize = 8 << 20;

/// The cells and bytes of one kind of memory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindStats {
    /// Cells in use now (0 for side tables, which are not cells).
    pub cells: usize,
    /// Bytes in use now, garbage not yet collected included.
    pub bytes: usize,
    /// Bytes that survived the last collection.
    pub live_bytes: usize,
}

/// Memory of the engine's side tables, outside the cells: reported by their owners.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExternalBytes {
    /// Interned property names.
    pub atoms: usize,
    /// Hidden classes and their transition tables.
    pub shapes: usize,
    /// Loaded compiled code and its per-run tables (inline caches, constants).
    pub code: usize,
    /// Realms' own tables (intrinsics lists, module maps).
    pub realms: usize,
}

impl ExternalBytes {
    pub fn total(&self) -> usize {
        self.atoms + self.shapes + self.code + self.realms
    }
}

/// What [`Heap::stats`] reports: each kind's cells and bytes, and the collector's state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeapStats {
    pub strings: KindStats,
    pub symbols: KindStats,
    pub bigints: KindStats,
    pub objects: KindStats,
    pub environments: KindStats,
    /// Atoms, shapes, code and realms (bytes only).
    pub external: ExternalBytes,
    /// Every kind's bytes now.
    pub total_bytes: usize,
    /// Every kind's bytes after the last collection.
    pub live_bytes: usize,
    /// Bytes allocated (or grown) since the last collection.
    pub allocated_bytes: usize,
    /// Collections so far.
    pub collections: usize,
    /// The host's limit, if any.
    pub limit: Option<usize>,
}

impl HeapStats {
    /// One line on where the bytes are, largest kind first: `objects 40.1 MB (300,000 cells), ...`.
    pub fn summary(&self) -> String {
        let mb = |b: usize| format!("{:.1} MB", b as f64 / (1 << 20) as f64);
        let mut kinds = vec![
            ("objects", self.objects.bytes, self.objects.cells),
            ("strings", self.strings.bytes, self.strings.cells),
            (
                "environments",
                self.environments.bytes,
                self.environments.cells,
            ),
            ("BigInts", self.bigints.bytes, self.bigints.cells),
            ("symbols", self.symbols.bytes, self.symbols.cells),
            ("code", self.external.code, 0),
            ("atoms", self.external.atoms, 0),
            ("shapes", self.external.shapes, 0),
            ("realms", self.external.realms, 0),
        ];
        kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
        let parts: Vec<String> = kinds
            .iter()
            .filter(|k| k.1 > 0)
            .map(|&(name, bytes, cells)| match cells {
                0 => format!("{name} {}", mb(bytes)),
                _ => format!("{name} {} ({cells} cells)", mb(bytes)),
            })
            .collect();
        format!("{} in use: {}", mb(self.total_bytes), parts.join(", "))
    }
}

pub struct Heap {
    pub strings: Arena<crate::string::JsString>,
    pub symbols: Arena<crate::object::Symbol>,
    pub bigints: Arena<num_bigint::BigInt>,
    pub objects: Arena<crate::object::Object>,
    pub envs: Arena<crate::object::Env>,
    /// Bytes allocated since the last collection: new cells, and what cells grew by after
    /// their allocation (elements, slots, tables, flattened ropes, loaded code).
    allocated: usize,
    /// The side tables' sizes, kept current by their owners.
    pub external: ExternalBytes,
    /// Bytes (cells and side tables) that survived the last collection.
    live_bytes: usize,
    /// Collect at the first safepoint once this many bytes were allocated since the last
    /// collection: the budget [`Heap::finish_collection`] sets, 0 when a collection was asked
    /// for (an allocation brought the heap near its limit), 1 under gc-stress. (One compare at
    /// every safepoint.)
    next_collection: usize,
    /// The host's limit on live bytes.
    pub limit: Option<usize>,
    /// Collect at every safepoint that follows an allocation, and never reuse freed cells.
    pub gc_stress: bool,
    pub collections: usize,
    /// Finalization registries with cells whose targets died in a collection: the VM queues
    /// their cleanup jobs.
    pub finalization_pending: Vec<ObjRef>,
    /// Bumped whenever an object some inline cache relies on changes layout or dies: entries
    /// filled at an older epoch no longer hold (see `crate::inline_cache::InlineCache`).
    pub proto_epoch: u64,
    /// The objects marked `watched` (and some that no longer are): a collection that frees
    /// one bumps the epoch, since its id may come back as another object.
    pub watched: Vec<ObjRef>,
}

impl Default for Heap {
    fn default() -> Self {
        Heap {
            strings: Arena::default(),
            symbols: Arena::default(),
            bigints: Arena::default(),
            objects: Arena::default(),
            envs: Arena::default(),
            allocated: 0,
            external: ExternalBytes::default(),
            live_bytes: 0,
            next_collection: MIN_COLLECTION_BYTES,
            limit: None,
            gc_stress: false,
            collections: 0,
            finalization_pending: Vec::new(),
            proto_epoch: 0,
            watched: Vec::new(),
        }
    }
}

impl Heap {
    /// Turns gc-stress on or off: collect at every safepoint after an allocation, never reuse
    /// a freed cell.
    pub fn set_gc_stress(&mut self, on: bool) {
        self.gc_stress = on;
        if on {
            self.next_collection = 1;
            self.strings.track_occupied();
            self.symbols.track_occupied();
            self.bigints.track_occupied();
            self.objects.track_occupied();
            self.envs.track_occupied();
        }
    }

    pub fn alloc_string(&mut self, s: crate::string::JsString) -> StrRef {
        StrRef(self.strings.alloc(s, &mut self.allocated))
    }

    pub fn alloc_symbol(&mut self, s: crate::object::Symbol) -> SymRef {
        SymRef(self.symbols.alloc(s, &mut self.allocated))
    }

    pub fn alloc_bigint(&mut self, b: num_bigint::BigInt) -> BigRef {
        BigRef(self.bigints.alloc(b, &mut self.allocated))
    }

    pub fn alloc_object(&mut self, o: crate::object::Object) -> ObjRef {
        ObjRef(self.objects.alloc(o, &mut self.allocated))
    }

    pub fn alloc_env(&mut self, e: crate::object::Env) -> EnvRef {
        EnvRef(self.envs.alloc(e, &mut self.allocated))
    }

    /// Bytes allocated since the last collection: new cells, growth of old ones, side tables
    /// (atoms, shapes and code report their growth through [`Heap::note_growth`]).
    pub fn allocated_bytes(&self) -> usize {
        self.allocated
    }

    /// Records that storage outside the arenas grew by `bytes`: a cell's elements or table
    /// after its allocation, or a side table.
    pub fn note_growth(&mut self, bytes: usize) {
        self.allocated += bytes;
    }

    /// Bytes that survived the last collection.
    pub fn live_bytes(&self) -> usize {
        self.live_bytes
    }

    /// An upper bound of the bytes in use now: the survivors of the last collection and all
    /// allocated since.
    pub fn used_bytes(&self) -> usize {
        self.live_bytes + self.allocated_bytes()
    }

    /// Whether a request for `bytes` more can never fit under the limit, even once every
    /// garbage cell is freed. When it may fit only after a collection, asks for one.
    pub fn exceeds_limit(&mut self, bytes: usize) -> bool {
        let Some(limit) = self.limit else {
            return false;
        };
        if self.live_bytes.saturating_add(bytes) > limit {
            return true;
        }
        if self.used_bytes().saturating_add(bytes) > limit {
            self.request_collection();
        }
        false
    }

    /// Asks for a collection at the next safepoint.
    pub fn request_collection(&mut self) {
        // Under gc-stress a collection follows any allocation anyway.
        self.next_collection = self.next_collection.min(usize::from(self.gc_stress));
    }

    /// At a safepoint: whether to collect now.
    pub fn should_collect(&self) -> bool {
        self.allocated >= self.next_collection
    }

    /// Each kind's cells and bytes now; `external` is the side tables' report.
    pub fn stats(&self) -> HeapStats {
        let strings = self.strings.measure();
        let symbols = self.symbols.measure();
        let bigints = self.bigints.measure();
        let objects = self.objects.measure();
        let environments = self.envs.measure();
        let total_bytes = [strings, symbols, bigints, objects, environments]
            .iter()
            .map(|k| k.bytes)
            .sum::<usize>()
            + self.external.total();
        HeapStats {
            strings,
            symbols,
            bigints,
            objects,
            environments,
            external: self.external,
            total_bytes,
            live_bytes: self.live_bytes,
            allocated_bytes: self.allocated_bytes(),
            collections: self.collections,
            limit: self.limit,
        }
    }

    pub fn live_cells(&self) -> usize {
        self.strings.live()
            + self.symbols.live()
            + self.bigints.live()
            + self.objects.live()
            + self.envs.live()
    }

    /// Whether `v` is a primitive or a marked cell (valid during a collection).
    fn is_live(&self, v: Value) -> bool {
        let marked = |marks: &Vec<bool>, i: u64| marks.get(i as usize).copied().unwrap_or(false);
        match v.as_heap() {
            Some((HeapKind::Object, i)) => marked(&self.objects.marks, i),
            Some((HeapKind::Symbol, i)) => marked(&self.symbols.marks, i),
            Some((HeapKind::String, i)) => marked(&self.strings.marks, i),
            Some((HeapKind::BigInt, i)) => marked(&self.bigints.marks, i),
            None => true,
        }
    }

    /// Marks everything reachable from `work`, recording the weak holders it meets.
    fn mark_from(&mut self, work: &mut Vec<Traced>, weak: &mut Vec<u32>, side: &mut SideMarks) {
        while let Some(item) = work.pop() {
            // Children go straight onto the work list (no second buffer), and those that need
            // no marking are dropped at once: the list's peak stays near the number of cells
            // still to visit, which matters for a heap near its limit.
            let pending = work.len();
            match item {
                Traced::Realm(r) => side.realms.reach(r),
                Traced::Elements { object, from } => {
                    if let Elements::Dense(v) = &self.objects.get(object).elements {
                        let from = (from as usize).min(v.len());
                        let end = (from + ELEMENTS_CHUNK).min(v.len());
                        if end < v.len() {
                            work.push(Traced::Elements {
                                object,
                                from: end as u32,
                            });
                        }
                        work.extend(v[from..end].iter().map(|&v| Traced::Value(v)));
                    }
                }
                Traced::Atom(a) => {
                    mark_bit(&mut side.atoms, a.0);
                }
                Traced::Shape(mut shape) => {
                    // The shape and its ancestors, each with the key it added: marked once.
                    while mark_bit(&mut side.shapes, shape.0) {
                        let Some((parent, key)) = side.shape_links.link(shape) else {
                            break;
                        };
                        crate::object::trace_key(key, work);
                        shape = parent;
                    }
                }
                Traced::Env(e) => {
                    if self.envs.mark(e.0) {
                        self.envs.get(e.0).trace(work);
                    }
                }
                Traced::Value(v) => match v.as_heap() {
                    Some((HeapKind::String, i)) if self.strings.mark(i as u32) => {
                        self.strings.get(i as u32).trace(work);
                    }
                    Some((HeapKind::Symbol, i)) if self.symbols.mark(i as u32) => {
                        self.symbols.get(i as u32).trace(work);
                    }
                    Some((HeapKind::BigInt, i)) => {
                        self.bigints.mark(i as u32);
                    }
                    Some((HeapKind::Object, i)) if self.objects.mark(i as u32) => {
                        let object = self.objects.get(i as u32);
                        if matches!(
                            object.kind,
                            ObjectKind::WeakMap(_)
                                | ObjectKind::WeakSet(_)
                                | ObjectKind::WeakRef(_)
                                | ObjectKind::FinalizationRegistry(_)
                        ) {
                            weak.push(i as u32);
                        }
                        object.trace_all_but_dense_elements(work);
                        if matches!(&object.elements, Elements::Dense(v) if !v.is_empty()) {
                            work.push(Traced::Elements {
                                object: i as u32,
                                from: 0,
                            });
                        }
                    }
                    _ => {}
                },
            }
            let mut kept = pending;
            for j in pending..work.len() {
                let item = work[j];
                if self.needs_marking(item, side) {
                    work[kept] = item;
                    kept += 1;
                }
            }
            work.truncate(kept);
        }
    }

    /// Whether a traced item may still need marking: not a primitive, not a marked cell.
    fn needs_marking(&self, item: Traced, side: &SideMarks) -> bool {
        let unmarked = |marks: &Vec<bool>, i: u32| !marks.get(i as usize).copied().unwrap_or(true);
        match item {
            Traced::Value(v) => v.as_heap().is_some() && !self.is_live(v),
            Traced::Env(e) => unmarked(&self.envs.marks, e.0),
            Traced::Realm(_) => true,
            Traced::Atom(a) => unmarked(&side.atoms, a.0),
            Traced::Shape(s) => unmarked(&side.shapes, s.0),
            Traced::Elements { .. } => true,
        }
    }

    /// Marks everything reachable from `roots`, settles weak references, then sweeps the
    /// cells. A realm met while marking is traced through `realms` (its intrinsics and global)
    /// and `owned_by_realm` (its module records, say);
    /// a context's realm lives while its sandbox does (`contexts`: sandbox object index to
    /// realm). Returns what was reached beside the cells: realms, shapes (found through
    /// `shapes`) and atoms, for their owners to sweep.
    pub fn collect(
        &mut self,
        roots: Vec<Traced>,
        realms: &[crate::realm::Realm],
        contexts: &FxHashMap<u32, u32>,
        owned_by_realm: &dyn Fn(u32, &mut Vec<Traced>),
        shapes: &crate::object::Shapes,
        atoms: usize,
    ) -> Reached {
        let mut work = roots;
        let mut weak = Vec::new();
        let mut side = SideMarks {
            realms: RealmMarks {
                marks: vec![false; realms.len()],
                pending: Vec::new(),
            },
            shapes: vec![false; shapes.len()],
            atoms: vec![false; atoms],
            shape_links: shapes,
        };
        self.mark_from(&mut work, &mut weak, &mut side);
        // Ephemerons: a WeakMap value is reachable when its map and its key are; marking values
        // can make more keys reachable, so repeat until nothing changes. Realms likewise.
        loop {
            for (&sandbox, &realm) in contexts {
                if self
                    .objects
                    .marks
                    .get(sandbox as usize)
                    .copied()
                    .unwrap_or(false)
                {
                    side.realms.reach(realm);
                }
            }
            for r in std::mem::take(&mut side.realms.pending) {
                if let Some(realm) = realms.get(r as usize) {
                    realm.trace(&mut work);
                    owned_by_realm(r, &mut work);
                }
            }
            for &holder in &weak {
                if let ObjectKind::WeakMap(data) = &self.objects.get(holder).kind {
                    for &(key, value) in data.entries.values() {
                        if self.is_live(key) && !self.is_live(value) {
                            work.push(Traced::Value(value));
                        }
                    }
                }
            }
            if work.is_empty() && side.realms.pending.is_empty() {
                break;
            }
            self.mark_from(&mut work, &mut weak, &mut side);
        }
        // Drop what died from the weak holders.
        for &holder in &weak {
            let mut kind =
                std::mem::replace(&mut self.objects.get_mut(holder).kind, ObjectKind::Ordinary);
            match &mut kind {
                ObjectKind::WeakMap(data) | ObjectKind::WeakSet(data) => {
                    data.entries.retain(|_, (key, _)| self.is_live(*key));
                }
                ObjectKind::WeakRef(target) if !self.is_live(*target) => {
                    *target = Value::UNDEFINED;
                }
                ObjectKind::FinalizationRegistry(registry) => {
                    let died = registry.collect_dead(|v| self.is_live(v));
                    if died {
                        self.finalization_pending.push(ObjRef(holder));
                    }
                }
                _ => {}
            }
            self.objects.get_mut(holder).kind = kind;
        }
        // A watched object that dies invalidates the caches that rely on it.
        let mut watched = std::mem::take(&mut self.watched);
        let mut died = false;
        watched.retain(|&o| {
            let still = self.objects.get(o.0).watched;
            if !self.is_live(o.value()) {
                died |= still;
                return false;
            }
            still
        });
        self.watched = watched;
        if died {
            self.proto_epoch += 1;
        }
        let reuse = !self.gc_stress;
        self.strings.sweep(reuse);
        self.symbols.sweep(reuse);
        self.bigints.sweep(reuse);
        self.objects.sweep(reuse);
        self.envs.sweep(reuse);
        self.collections += 1;
        Reached {
            realms: side.realms.marks,
            shapes: side.shapes,
            atoms: side.atoms,
        }
    }

    /// After a collection and once the side tables have reported their sizes: the live bytes,
    /// and when the next collection is due. The heap may grow by twice what survived (at least
    /// [`MIN_COLLECTION_BYTES`]) before the next one, which keeps the cost of marking a large
    /// live heap small against the work between collections; near a limit, by a quarter of what is
    /// left under it, so garbage never carries the heap far past it.
    pub fn finish_collection(&mut self) {
        self.allocated = 0;
        self.live_bytes = self.strings.live_bytes
            + self.symbols.live_bytes
            + self.bigints.live_bytes
            + self.objects.live_bytes
            + self.envs.live_bytes
            + self.external.total();
        let mut budget = (self.live_bytes * 2).max(MIN_COLLECTION_BYTES);
        if let Some(limit) = self.limit {
            budget = budget.min((limit.saturating_sub(self.live_bytes) / 4).max(64 << 10));
        }
        self.next_collection = if self.gc_stress { 1 } else { budget };
    }

    /// Whether the last collection left more live bytes than the limit allows.
    pub fn over_limit(&self) -> bool {
        self.limit.is_some_and(|limit| self.live_bytes > limit)
    }
}

/// Sets mark `i`; true when it was not set before (false too for an id past the list).
fn mark_bit(marks: &mut [bool], i: u32) -> bool {
    match marks.get_mut(i as usize) {
        Some(m) if !*m => {
            *m = true;
            true
        }
        _ => false,
    }
}

/// What a collection reached beside the cells, by index: realms, shapes and atoms.
pub struct Reached {
    pub realms: Vec<bool>,
    pub shapes: Vec<bool>,
    pub atoms: Vec<bool>,
}

/// The marks of what is not a cell, during a collection.
struct SideMarks<'a> {
    realms: RealmMarks,
    shapes: Vec<bool>,
    atoms: Vec<bool>,
    /// Where marking a shape finds its parent and key.
    shape_links: &'a crate::object::Shapes,
}

/// The realms a collection has reached, and those whose contents still need tracing.
struct RealmMarks {
    marks: Vec<bool>,
    pending: Vec<u32>,
}

impl RealmMarks {
    fn reach(&mut self, r: u32) {
        if let Some(m) = self.marks.get_mut(r as usize)
            && !*m
        {
            *m = true;
            self.pending.push(r);
        }
    }
}

#[cfg(test)]
mod layout {
    use super::*;

    /// The sizes every cell pays, in one place: a change shows up here and in the heap's
    /// accounting at once.
    #[test]
    fn cell_sizes() {
        assert_eq!(size_of::<Value>(), 8);
        assert_eq!(size_of::<Traced>(), 16);
        let sizes = [
            ("Object", size_of::<Option<crate::object::Object>>()),
            ("JsString", size_of::<Option<crate::string::JsString>>()),
            ("Env", size_of::<Option<crate::object::Env>>()),
            ("Symbol", size_of::<Option<crate::object::Symbol>>()),
            ("BigInt", size_of::<Option<num_bigint::BigInt>>()),
        ];
        for (name, size) in sizes {
            println!("{name}: {size} bytes a cell");
        }
        assert!(sizes[0].1 <= 160, "an object cell grew: {sizes:?}");
    }
}
