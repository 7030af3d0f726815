//! The ordered hash table behind Map and Set (24.1, 24.2), and the grouping helper shared by
//! `Object.groupBy` and `Map.groupBy`.
//!
//! Entries keep insertion order in a vector; a hash index (consistent with SameValueZero) finds
//! them in constant time. A deleted entry becomes a hole, so a live iterator keeps its place, as
//! the spec's "empty" entries do. Positions are logical: `base` counts the entries dropped from
//! the front, so the holes before the first live entry (all of them after `clear`) are given
//! back without moving any iterator — a position before `base` was a hole, and reads as the
//! first entry still there. A map used as a queue or cleared in a loop stays the size of its
//! live entries.

use crate::heap::{ObjRef, Traced};
use crate::object::ObjectKind;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use rustc_hash::{FxHashMap, FxHasher};
use smallvec::SmallVec;
use std::hash::{Hash, Hasher};

#[derive(Default)]
pub struct MapData {
    /// `(key, value)` in insertion order; a set stores `(value, value)`.
    pub entries: Vec<Option<(Value, Value)>>,
    /// The position of `entries[0]`: how many entries were dropped from the front.
    base: usize,
    /// How many holes `entries` starts with.
    leading_holes: usize,
    /// Hash of a key → the positions of live entries with that hash.
    index: FxHashMap<u64, SmallVec<[u64; 1]>>,
    live: usize,
}

impl MapData {
    /// Bytes the entry list and the hash index hold.
    pub fn heap_bytes(&self) -> usize {
        crate::heap::buffer_bytes(self.entries.capacity() * size_of::<Option<(Value, Value)>>())
            + crate::heap::hash_table_bytes(
                self.index.capacity(),
                size_of::<(u64, SmallVec<[u64; 1]>)>(),
            )
    }

    /// The entry at position `i`, if live.
    fn at(&self, i: usize) -> Option<(Value, Value)> {
        self.entries
            .get(i.checked_sub(self.base)?)
            .copied()
            .flatten()
    }

    /// After the entry at index `p` of `entries` became a hole: counts the holes at the front
    /// (each entry is passed once), and drops them once they are at least half the list (each
    /// entry is moved at most once per halving), giving back unused capacity.
    fn hole_made(&mut self, p: usize) {
        if p == self.leading_holes {
            while self
                .entries
                .get(self.leading_holes)
                .is_some_and(Option::is_none)
            {
                self.leading_holes += 1;
            }
        }
        let holes = self.leading_holes;
        if holes == 0 || holes < self.entries.len() / 2 {
            return;
        }
        self.entries.drain(..holes);
        self.base += holes;
        self.leading_holes = 0;
        if self.entries.capacity() > 4 * self.entries.len().max(4) {
            self.entries.shrink_to(2 * self.entries.len());
        }
    }

    pub fn trace(&self, out: &mut Vec<Traced>) {
        for (k, v) in self.entries.iter().flatten() {
            out.push(Traced::Value(*k));
            out.push(Traced::Value(*v));
        }
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
fn hash_key(vm: &mut Vm, key: Value) -> u64 {
    let mut h = FxHasher::default();
    if let Some(s) = key.as_string() {
        vm.unit_at(s, 0); // flattens a rope
        match &vm.heap.strings.get(s.0).data {
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
        vm.heap.bigints.get(b.0).hash(&mut h);
        h.write_u8(2);
    } else {
        h.write_u64(key.to_bits());
    }
    h.finish()
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

/// The hash of normalised `key` and the index of its entry in collection `o`, if present.
fn lookup(vm: &mut Vm, o: ObjRef, key: Value) -> (u64, Option<usize>) {
    let hash = hash_key(vm, key);
    let Some(candidates) = data(vm, o).and_then(|d| d.index.get(&hash)).cloned() else {
        return (hash, None);
    };
    for i in candidates {
        let Some((k, _)) = data(vm, o).and_then(|d| d.at(i as usize)) else {
            continue;
        };
        if k == key || vm.same_value_zero(k, key) {
            return (hash, Some(i as usize));
        }
    }
    (hash, None)
}

/// The index of `key`'s entry in collection `o`.
pub fn find(vm: &mut Vm, o: ObjRef, key: Value) -> Option<usize> {
    lookup(vm, o, normalize(key)).1
}

/// Sets `key` to `value`: in place if present, else appended.
pub fn insert(vm: &mut Vm, o: ObjRef, key: Value, value: Value) {
    let key = normalize(key);
    match lookup(vm, o, key) {
        (_, Some(i)) => {
            if let Some(d) = data_mut(vm, o)
                && let Some(Some(entry)) = d.entries.get_mut(i - d.base)
            {
                entry.1 = value;
            }
        }
        (hash, None) => append(vm, o, hash, key, value),
    }
}

/// Appends `key` unless present (a set's add); whether it was added.
pub fn add(vm: &mut Vm, o: ObjRef, key: Value) -> bool {
    let key = normalize(key);
    match lookup(vm, o, key) {
        (_, Some(_)) => false,
        (hash, None) => {
            append(vm, o, hash, key, key);
            true
        }
    }
}

fn append(vm: &mut Vm, o: ObjRef, hash: u64, key: Value, value: Value) {
    if let Some(d) = data_mut(vm, o) {
        let before = d.heap_bytes();
        let i = (d.base + d.entries.len()) as u64;
        d.entries.push(Some((key, value)));
        d.index.entry(hash).or_default().push(i);
        d.live += 1;
        let grown = d.heap_bytes().saturating_sub(before);
        vm.heap.note_growth(grown);
    }
}

/// Removes `key`; whether it was present.
pub fn remove(vm: &mut Vm, o: ObjRef, key: Value) -> bool {
    let (hash, Some(i)) = lookup(vm, o, normalize(key)) else {
        return false;
    };
    if let Some(d) = data_mut(vm, o) {
        let p = i - d.base;
        d.entries[p] = None;
        d.live -= 1;
        if let Some(list) = d.index.get_mut(&hash) {
            list.retain(|&mut j| j as usize != i);
            if list.is_empty() {
                d.index.remove(&hash);
            }
        }
        d.hole_made(p);
    }
    true
}

/// Empties the collection (existing iterators see the end, then anything added later).
pub fn clear(vm: &mut Vm, o: ObjRef) {
    if let Some(d) = data_mut(vm, o) {
        d.base += d.entries.len();
        d.leading_holes = 0;
        d.entries = Vec::new();
        d.index = FxHashMap::default();
        d.live = 0;
    }
}

/// The entry at `i`, if live.
pub fn entry(vm: &Vm, o: ObjRef, i: usize) -> Option<(Value, Value)> {
    data(vm, o)?.at(i)
}

/// One past the last entry index (holes included).
pub fn end(vm: &Vm, o: ObjRef) -> usize {
    data(vm, o).map_or(0, |d| d.base + d.entries.len())
}

/// Live entries.
pub fn size(vm: &Vm, o: ObjRef) -> usize {
    data(vm, o).map_or(0, MapData::len)
}

/// The first live entry at or after `i`: its index and contents.
pub fn next_entry(vm: &Vm, o: ObjRef, i: usize) -> Option<(usize, (Value, Value))> {
    let d = data(vm, o)?;
    let mut j = i.saturating_sub(d.base);
    while j < d.entries.len() {
        if let Some(e) = d.entries[j] {
            return Some((d.base + j, e));
        }
        j += 1;
    }
    None
}

/// 7.3.35 GroupBy: property keys (`Object.groupBy`) or SameValueZero keys (`Map.groupBy`).
pub fn group_by(
    vm: &mut Vm,
    items: Value,
    callback: Value,
    property_keys: bool,
) -> JsResult<Vec<(Value, Vec<Value>)>> {
    if items.is_nullish() {
        return Err(vm.type_error("groupBy called on null or undefined"));
    }
    if !vm.is_callable(callback) {
        return Err(vm.type_error("groupBy: callback is not a function"));
    }
    let (it, next) = super::iterator::get_iterator(vm, items)?;
    vm.root(it);
    let mut groups: Vec<(Value, Vec<Value>)> = Vec::new();
    let mut k = 0.0;
    while let Some(v) = super::iterator::step(vm, it, next)? {
        vm.root(v);
        let key = match vm.call(callback, Value::UNDEFINED, &[v, Value::number(k)]) {
            Ok(key) => key,
            Err(e) => {
                let _ = super::iterator::close(vm, it);
                return Err(e);
            }
        };
        let key = if property_keys {
            match vm.to_property_key(key) {
                Ok(pk) => vm.key_value(pk),
                Err(e) => {
                    let _ = super::iterator::close(vm, it);
                    return Err(e);
                }
            }
        } else {
            normalize(key)
        };
        vm.root(key);
        let mut found = None;
        for (i, (g, _)) in groups.iter().enumerate() {
            if vm.same_value_zero(*g, key) {
                found = Some(i);
                break;
            }
        }
        match found {
            Some(i) => groups[i].1.push(v),
            None => groups.push((key, vec![v])),
        }
        k += 1.0;
    }
    Ok(groups)
}
