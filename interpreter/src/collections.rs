//! The ordered hash table behind Map and Set (24.1, 24.2).
//!
//! Entries keep insertion order in a vector; a hash index (consistent with SameValueZero) finds
//! them in constant time. A deleted entry becomes a hole, so iteration in progress is not
//! disturbed, as the spec's "empty" entries are not. Once holes are half the vector, it is
//! compacted (as V8's OrderedHashTable rehashes and QuickJS frees its deleted records): the live
//! entries move down, and the vector and the index give back what they no longer need. A map
//! that keeps adding and deleting, at either end or in the middle, stays the size of its live
//! entries.
//!
//! Iterators (and the native loops of `forEach` and the set methods) hold a *position*, not an
//! index into the vector: each entry is numbered when it is added, numbers only grow, and
//! compaction keeps them. An iterator at position `p` continues with the first live entry
//! numbered `p` or more wherever compaction moved it, so it sees the entries added after it
//! started and none of the deleted ones, and no table needs to know its iterators.

use crate::heap::{ObjRef, Traced};
use crate::object::ObjectKind;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use rustc_hash::{FxHashMap, FxHasher};
use smallvec::SmallVec;
use std::hash::{Hash, Hasher};

/// One entry: `(key, value)`, or a hole (`key` is `Value::HOLE`, which no script can make)
/// until the next compaction.
#[derive(Clone, Copy)]
struct Entry {
    key: Value,
    value: Value,
    /// The entry's number in insertion order: what iterators hold.
    position: usize,
}

impl Entry {
    fn live(&self) -> Option<(Value, Value)> {
        (self.key != Value::HOLE).then_some((self.key, self.value))
    }
}

#[derive(Default)]
pub struct MapData {
    /// Live entries and holes, in insertion order (so in increasing `position`).
    entries: Vec<Entry>,
    /// The position the next entry gets: one past every position handed out.
    next_position: usize,
    /// Hash of a key → the indices in `entries` of live entries with that hash.
    index: FxHashMap<u64, SmallVec<[u64; 1]>>,
    live: usize,
    /// `(p, i)`: the first entry numbered `p` or more is at `entries[i]` — where the last walk
    /// stopped, so a walk in step costs no search. Compaction and `clear` forget it.
    cursor: (usize, usize),
}

impl MapData {
    /// Bytes the entry list and the hash index hold.
    pub fn heap_bytes(&self) -> usize {
        crate::heap::buffer_bytes(self.entries.capacity() * size_of::<Entry>())
            + crate::heap::hash_table_bytes(
                self.index.capacity(),
                size_of::<(u64, SmallVec<[u64; 1]>)>(),
            )
    }

    /// The index in `entries` of the first entry numbered `position` or more (`entries.len()`
    /// when there is none).
    fn index_of_position(&self, position: usize) -> usize {
        if self.cursor.0 == position && self.cursor.1 <= self.entries.len() {
            return self.cursor.1;
        }
        let Some(first) = self.entries.first() else {
            return 0;
        };
        // Positions grow by at least one per entry, so the entry sought is no further than it
        // would be if none had been compacted away — and exactly there if none was.
        let Some(bound) = position.checked_sub(first.position) else {
            return 0;
        };
        if self
            .entries
            .get(bound)
            .is_some_and(|e| e.position == position)
        {
            return bound;
        }
        let end = self.entries.len().min(bound + 1);
        self.entries[..end].partition_point(|e| e.position < position)
    }

    /// Turns `entries[i]` into a hole, and compacts once holes are at least half the entries
    /// (each compaction moves at most as many entries as deletions made holes since the last).
    fn make_hole(&mut self, i: usize) {
        self.entries[i].key = Value::HOLE;
        self.entries[i].value = Value::UNDEFINED;
        self.live -= 1;
        if 2 * (self.entries.len() - self.live) >= self.entries.len() {
            self.compact();
        }
    }

    /// Drops the holes: live entries move down, keeping their positions; the index follows.
    fn compact(&mut self) {
        let holes = self.entries.len() - self.live;
        let leading = self
            .entries
            .iter()
            .take_while(|e| e.key == Value::HOLE)
            .count();
        if leading == holes {
            // A map used as a queue: every entry moves down by the same amount.
            self.entries.drain(..leading);
            for list in self.index.values_mut() {
                for i in list.iter_mut() {
                    *i -= leading as u64;
                }
            }
        } else {
            let mut moved_to = Vec::with_capacity(self.entries.len());
            let mut kept = 0;
            for i in 0..self.entries.len() {
                moved_to.push(kept as u64);
                let e = self.entries[i];
                if e.key != Value::HOLE {
                    self.entries[kept] = e;
                    kept += 1;
                }
            }
            self.entries.truncate(kept);
            for list in self.index.values_mut() {
                for i in list.iter_mut() {
                    *i = moved_to[*i as usize];
                }
            }
        }
        let kept = self.entries.len();
        if self.entries.capacity() > 4 * kept.max(4) {
            self.entries.shrink_to(2 * kept);
        }
        if self.index.capacity() > 4 * self.index.len().max(4) {
            self.index.shrink_to(2 * self.index.len());
        }
        self.cursor = (0, 0);
    }

    pub fn trace(&self, out: &mut Vec<Traced>) {
        for (k, v) in self.entries.iter().filter_map(Entry::live) {
            out.push(Traced::Value(k));
            out.push(Traced::Value(v));
        }
    }

    /// The live entries, in order.
    pub fn live_entries(&self) -> impl Iterator<Item = (Value, Value)> + '_ {
        self.entries.iter().filter_map(Entry::live)
    }

    /// Live entries.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
}

/// Normalises -0 to +0 (keys compare with SameValueZero).
pub fn normalize(v: Value) -> Value {
    match v.as_number() {
        Some(0.0) => Value::int32(0),
        _ => v,
    }
}

/// A hash consistent with SameValueZero: strings and BigInts by content, everything else by
/// its bits (equal Numbers have equal bits after `normalize`; there is one NaN).
fn hash_key(vm: &mut Vm, key: Value) -> JsResult<u64> {
    let mut h = FxHasher::default();
    if let Some(s) = key.as_string() {
        vm.flatten_checked(s)?;
        match &vm.agent.heap.strings.get(s.0).data {
            crate::string::StrData::Latin1(bytes) => {
                for &b in bytes.iter() {
                    h.write_u16(u16::from(b));
                }
            }
            crate::string::StrData::Utf16(units) => {
                for &u in units.iter() {
                    h.write_u16(u);
                }
            }
            crate::string::StrData::Rope(..) => {}
        }
        h.write_u8(1);
    } else if let Some(b) = key.as_bigint() {
        vm.agent.heap.bigints.get(b.0).hash(&mut h);
        h.write_u8(2);
    } else {
        h.write_u64(key.to_bits());
    }
    Ok(h.finish())
}

fn data(vm: &Vm, o: ObjRef) -> Option<&MapData> {
    match &vm.obj(o).kind {
        ObjectKind::Map(m) | ObjectKind::Set(m) => Some(m),
        _ => None,
    }
}

fn data_mut(vm: &mut Vm, o: ObjRef) -> Option<&mut MapData> {
    match &mut vm.obj_mut(o).kind {
        ObjectKind::Map(m) | ObjectKind::Set(m) => Some(m),
        _ => None,
    }
}

/// The hash of normalised `key` and the index in `entries` of its entry in `o`, if present.
/// (Fails only when flattening a long string key is terminated.)
fn lookup(vm: &mut Vm, o: ObjRef, key: Value) -> JsResult<(u64, Option<usize>)> {
    let hash = hash_key(vm, key)?;
    let Some(candidates) = data(vm, o).and_then(|d| d.index.get(&hash)).cloned() else {
        return Ok((hash, None));
    };
    for i in candidates {
        let Some((k, _)) = data(vm, o).and_then(|d| d.entries.get(i as usize)?.live()) else {
            continue;
        };
        if k == key || vm.same_value_zero(k, key)? {
            return Ok((hash, Some(i as usize)));
        }
    }
    Ok((hash, None))
}

/// The value stored under `key` in collection `o`.
pub fn get(vm: &mut Vm, o: ObjRef, key: Value) -> JsResult<Option<Value>> {
    let found = lookup(vm, o, normalize(key))?.1;
    Ok(found.and_then(|i| Some(data(vm, o)?.entries[i].value)))
}

/// Whether collection `o` has `key`.
pub fn has(vm: &mut Vm, o: ObjRef, key: Value) -> JsResult<bool> {
    Ok(lookup(vm, o, normalize(key))?.1.is_some())
}

/// Sets `key` to `value`: in place if present, else appended.
pub fn insert(vm: &mut Vm, o: ObjRef, key: Value, value: Value) -> JsResult<()> {
    let key = normalize(key);
    match lookup(vm, o, key)? {
        (_, Some(i)) => {
            if let Some(d) = data_mut(vm, o) {
                d.entries[i].value = value;
            }
        }
        (hash, None) => append(vm, o, hash, key, value),
    }
    Ok(())
}

/// Appends `key` unless present (a set's add); whether it was added.
pub fn add(vm: &mut Vm, o: ObjRef, key: Value) -> JsResult<bool> {
    let key = normalize(key);
    Ok(match lookup(vm, o, key)? {
        (_, Some(_)) => false,
        (hash, None) => {
            append(vm, o, hash, key, key);
            true
        }
    })
}

fn append(vm: &mut Vm, o: ObjRef, hash: u64, key: Value, value: Value) {
    debug_assert!(key != Value::HOLE, "a hole marks a deleted entry");
    if let Some(d) = data_mut(vm, o) {
        let before = d.heap_bytes();
        d.index
            .entry(hash)
            .or_default()
            .push(d.entries.len() as u64);
        d.entries.push(Entry {
            key,
            value,
            position: d.next_position,
        });
        d.next_position += 1;
        d.live += 1;
        let grown = d.heap_bytes().saturating_sub(before);
        vm.agent.heap.note_growth(grown);
    }
}

/// Removes `key`; whether it was present.
pub fn remove(vm: &mut Vm, o: ObjRef, key: Value) -> JsResult<bool> {
    let (hash, Some(i)) = lookup(vm, o, normalize(key))? else {
        return Ok(false);
    };
    if let Some(d) = data_mut(vm, o) {
        if let Some(list) = d.index.get_mut(&hash) {
            list.retain(|&mut j| j as usize != i);
            if list.is_empty() {
                d.index.remove(&hash);
            }
        }
        d.make_hole(i);
    }
    Ok(true)
}

/// Empties the collection (existing iterators see the end, then anything added later).
pub fn clear(vm: &mut Vm, o: ObjRef) {
    if let Some(d) = data_mut(vm, o) {
        d.entries = Vec::new();
        d.index = FxHashMap::default();
        d.live = 0;
        d.cursor = (0, 0);
    }
}

/// One past the last position handed out: where an iterator that has seen every entry
/// stands.
pub fn end(vm: &Vm, o: ObjRef) -> usize {
    data(vm, o).map_or(0, |d| d.next_position)
}

/// Live entries.
pub fn size(vm: &Vm, o: ObjRef) -> usize {
    data(vm, o).map_or(0, MapData::len)
}

/// The first live entry at `position` or after: its position and contents. A walk passes
/// `position + 1` of the entry it was given to see the next one.
pub fn next_entry(vm: &mut Vm, o: ObjRef, position: usize) -> Option<(usize, (Value, Value))> {
    let d = data_mut(vm, o)?;
    let mut i = d.index_of_position(position);
    while let Some(e) = d.entries.get(i) {
        if let Some(kv) = e.live() {
            d.cursor = (e.position + 1, i + 1);
            return Some((e.position, kv));
        }
        i += 1;
    }
    None
}
