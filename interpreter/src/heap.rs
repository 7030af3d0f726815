//! The heap: typed arenas of cells addressed by index, and a precise mark-sweep collector.
//!
//! A [`Value`] that refers to a string, symbol, BigInt or object carries the cell's index in its
//! 48-bit payload; environments are addressed by [`EnvRef`]. Cells never move. Collection runs
//! only at safepoints of the dispatch loop (see `Vm::safepoint`), marking from the roots the VM
//! hands in and sweeping every arena. In gc-stress mode a freed cell is never reused, so a stale
//! reference fails loudly ("use of a collected cell") instead of reading another cell.
//!
//! The arenas are plain `Vec`s of `Option`s: no `unsafe` is needed anywhere in the heap.

use crate::object::ObjectKind;
use crate::value::{HeapKind, Value};
use rustc_hash::FxHashMap;

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
    pub fn as_object(self) -> Option<ObjRef> {
        match self.as_heap() {
            Some((HeapKind::Object, i)) => Some(ObjRef(i as u32)),
            _ => None,
        }
    }
    pub fn as_string(self) -> Option<StrRef> {
        match self.as_heap() {
            Some((HeapKind::String, i)) => Some(StrRef(i as u32)),
            _ => None,
        }
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
    pub fn is_object(self) -> bool {
        self.as_object().is_some()
    }
    pub fn is_string(self) -> bool {
        self.as_string().is_some()
    }
}

/// One arena of cells of type `T`.
pub struct Arena<T> {
    cells: Vec<Option<T>>,
    marks: Vec<bool>,
    free: Vec<u32>,
    /// Under gc-stress (freed cells are never reused, so they pile up): the indices of the
    /// cells in use, so a sweep visits those and not every cell ever made.
    occupied: Option<Vec<u32>>,
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena {
            cells: Vec::new(),
            marks: Vec::new(),
            free: Vec::new(),
            occupied: None,
        }
    }
}

impl<T> Arena<T> {
    pub fn alloc(&mut self, value: T) -> u32 {
        let i = if let Some(i) = self.free.pop() {
            self.cells[i as usize] = Some(value);
            i
        } else {
            self.cells.push(Some(value));
            self.marks.push(false);
            (self.cells.len() - 1) as u32
        };
        if let Some(occupied) = &mut self.occupied {
            occupied.push(i);
        }
        i
    }

    /// Keeps the list of cells in use from now on (see `occupied`).
    fn track_occupied(&mut self) {
        let cells = &self.cells;
        self.occupied = Some(
            (0..cells.len() as u32)
                .filter(|&i| cells[i as usize].is_some())
                .collect(),
        );
    }

    pub fn get(&self, i: u32) -> &T {
        match self.cells.get(i as usize) {
            Some(Some(cell)) => cell,
            _ => panic!("use of a collected cell ({i})"),
        }
    }

    pub fn get_mut(&mut self, i: u32) -> &mut T {
        match self.cells.get_mut(i as usize) {
            Some(Some(cell)) => cell,
            _ => panic!("use of a collected cell ({i})"),
        }
    }

    pub fn live(&self) -> usize {
        match &self.occupied {
            Some(occupied) => occupied.len(),
            None => self.cells.len() - self.free.len(),
        }
    }

    /// Whether cell `i` holds a value (it was not swept).
    pub fn is_allocated(&self, i: u32) -> bool {
        self.cells.get(i as usize).is_some_and(Option::is_some)
    }

    /// Every cell in use.
    pub fn iter_live(&self) -> impl Iterator<Item = &T> {
        self.cells.iter().flatten()
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

    /// Frees every unmarked cell and clears the marks; returns how many were freed.
    fn sweep(&mut self, reuse: bool) -> usize {
        let mut freed = 0;
        let (cells, marks, free) = (&mut self.cells, &mut self.marks, &mut self.free);
        let count = marks.len() as u32;
        let mut sweep_cell = |i: u32| -> bool {
            let mark = &mut marks[i as usize];
            if *mark {
                *mark = false;
                return true;
            }
            if cells[i as usize].take().is_some() {
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
                for i in 0..count {
                    sweep_cell(i);
                }
            }
        }
        freed
    }
}

/// Something the collector reaches.
#[derive(Clone, Copy, Debug)]
pub enum Traced {
    Value(Value),
    Env(EnvRef),
    /// A realm (by index): its intrinsics and global stay while anything of it lives.
    Realm(u32),
}

/// Cells report what they reference.
pub trait Trace {
    fn trace(&self, out: &mut Vec<Traced>);
}

pub struct Heap {
    pub strings: Arena<crate::string::JsString>,
    pub symbols: Arena<crate::object::Symbol>,
    pub bigints: Arena<num_bigint::BigInt>,
    pub objects: Arena<crate::object::Object>,
    pub envs: Arena<crate::object::Env>,
    /// Allocations since the last collection.
    pub allocated: usize,
    /// Collect when `allocated` passes this.
    pub threshold: usize,
    /// Collect at every safepoint that follows an allocation, and never reuse freed cells.
    pub gc_stress: bool,
    pub collections: usize,
    /// Finalization registries with cells whose targets died in a collection: the VM queues
    /// their cleanup jobs.
    pub finalization_pending: Vec<ObjRef>,
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
            threshold: 100_000,
            gc_stress: false,
            collections: 0,
            finalization_pending: Vec::new(),
        }
    }
}

impl Heap {
    /// Turns gc-stress on or off: collect at every safepoint after an allocation, never reuse
    /// a freed cell.
    pub fn set_gc_stress(&mut self, on: bool) {
        self.gc_stress = on;
        if on {
            self.strings.track_occupied();
            self.symbols.track_occupied();
            self.bigints.track_occupied();
            self.objects.track_occupied();
            self.envs.track_occupied();
        }
    }

    /// Under gc-stress: at every safepoint reached after an allocation.
    pub fn should_collect(&self) -> bool {
        if self.gc_stress {
            self.allocated > 0
        } else {
            self.allocated >= self.threshold
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
    fn mark_from(&mut self, work: &mut Vec<Traced>, weak: &mut Vec<u32>, realms: &mut RealmMarks) {
        let mut scratch = Vec::new();
        while let Some(item) = work.pop() {
            match item {
                Traced::Realm(r) => realms.reach(r),
                Traced::Env(e) => {
                    if self.envs.mark(e.0) {
                        self.envs.get(e.0).trace(&mut scratch);
                    }
                }
                Traced::Value(v) => match v.as_heap() {
                    Some((HeapKind::String, i)) if self.strings.mark(i as u32) => {
                        self.strings.get(i as u32).trace(&mut scratch);
                    }
                    Some((HeapKind::Symbol, i)) if self.symbols.mark(i as u32) => {
                        self.symbols.get(i as u32).trace(&mut scratch);
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
                        object.trace(&mut scratch);
                    }
                    _ => {}
                },
            }
            work.append(&mut scratch);
        }
    }

    /// Marks everything reachable from `roots`, settles weak references, then sweeps. A realm
    /// met while marking is traced through `realms` (its intrinsics and global); a context's
    /// realm lives while its sandbox does (`contexts`: sandbox object index to realm). Returns
    /// which realms were reached.
    pub fn collect(
        &mut self,
        roots: Vec<Traced>,
        realms: &[crate::realm::Realm],
        contexts: &FxHashMap<u32, u32>,
    ) -> Vec<bool> {
        let mut work = roots;
        let mut weak = Vec::new();
        let mut reached = RealmMarks {
            marks: vec![false; realms.len()],
            pending: Vec::new(),
        };
        self.mark_from(&mut work, &mut weak, &mut reached);
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
                    reached.reach(realm);
                }
            }
            for r in std::mem::take(&mut reached.pending) {
                if let Some(realm) = realms.get(r as usize) {
                    realm.trace(&mut work);
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
            if work.is_empty() && reached.pending.is_empty() {
                break;
            }
            self.mark_from(&mut work, &mut weak, &mut reached);
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
        let reuse = !self.gc_stress;
        self.strings.sweep(reuse);
        self.symbols.sweep(reuse);
        self.bigints.sweep(reuse);
        self.objects.sweep(reuse);
        self.envs.sweep(reuse);
        self.allocated = 0;
        self.threshold = (self.live_cells() * 2).max(100_000);
        self.collections += 1;
        reached.marks
    }
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
