//! Strings: UTF-16 code-unit semantics with one-byte storage where every unit fits, ropes for
//! concatenation (flattened on first inspection), and atoms — interned strings with `u32` ids —
//! for property keys.

use crate::heap::{StrRef, Trace, Traced};
use crate::limits::STRING_CHUNK;
use rustc_hash::FxHashMap;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

pub enum StrData {
    Latin1(Box<[u8]>),
    Utf16(Rc<[u16]>),
    /// `left + right`, not yet flattened.
    Rope(StrRef, StrRef),
}

pub struct JsString {
    pub data: StrData,
    pub len: u32,
    /// The atom of this string once it was used as a property key (`NO_ATOM` before): later
    /// uses skip the interning, and a live string keeps its atom alive, so a key made from a
    /// string native code holds stays valid as long as the string does.
    pub atom: u32,
}

/// [`JsString::atom`] of a string not (yet) used as a named key.
pub const NO_ATOM: u32 = u32::MAX;

impl JsString {
    pub fn from_units(units: &[u16]) -> JsString {
        let data = if units.iter().all(|&u| u <= 0xFF) {
            StrData::Latin1(units.iter().map(|&u| u as u8).collect())
        } else {
            StrData::Utf16(units.into())
        };
        JsString {
            data,
            len: units.len() as u32,
            atom: NO_ATOM,
        }
    }

    pub fn from_latin1(bytes: Vec<u8>) -> JsString {
        let len = bytes.len() as u32;
        JsString {
            data: StrData::Latin1(bytes.into_boxed_slice()),
            len,
            atom: NO_ATOM,
        }
    }

    /// The units of a flat string (`None` for a rope): shared for UTF-16 storage, widened for
    /// one-byte storage.
    pub fn flat_units(&self) -> Option<Rc<[u16]>> {
        match &self.data {
            StrData::Latin1(b) => Some(b.iter().map(|&b| u16::from(b)).collect()),
            StrData::Utf16(u) => Some(u.clone()),
            StrData::Rope(..) => None,
        }
    }

    /// The unit at `i` of a flat string.
    pub fn unit_at(&self, i: usize) -> Option<u16> {
        match &self.data {
            StrData::Latin1(b) => b.get(i).map(|&b| u16::from(b)),
            StrData::Utf16(u) => u.get(i).copied(),
            StrData::Rope(..) => None,
        }
    }
}

impl crate::heap::HeapSize for JsString {
    fn payload_bytes(&self) -> usize {
        match &self.data {
            StrData::Latin1(b) => crate::heap::buffer_bytes(b.len()),
            // Shared with other strings at times; counted in each (an upper bound).
            StrData::Utf16(u) => crate::heap::buffer_bytes(2 * u.len() + 2 * size_of::<usize>()),
            StrData::Rope(..) => 0,
        }
    }
}

impl Trace for JsString {
    fn trace(&self, out: &mut Vec<Traced>) {
        if let StrData::Rope(a, b) = self.data {
            out.push(Traced::Value(a.value()));
            out.push(Traced::Value(b.value()));
        }
        if self.atom != NO_ATOM {
            out.push(Traced::Atom(Atom(self.atom)));
        }
    }
}

/// An interned string used as a property key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Atom(pub u32);

/// The interned property names. Atoms are collected: a collection marks the atoms it reaches
/// (from shapes, dictionaries, environments' names, loaded code, realms and the keys native
/// code rooted) and frees the rest, whose ids are reused. The atoms made while the VM was
/// built (the names the engine itself uses) are never freed.
pub struct Atoms {
    /// The names of at most [`LONG_NAME`] units.
    ids: FxHashMap<Rc<[u16]>, Atom>,
    /// The longer names, with their [`NameDigest`]s: hashing one of those whole takes too long
    /// to do between two termination checks (and `ids` would hash it again as it grows), so
    /// [`Vm::string_key`](crate::vm::Vm::string_key) digests and compares it a chunk at a
    /// time. There are few: each holds megabytes.
    long: Vec<(u64, Atom)>,
    /// By id: the name, `None` for a freed atom.
    names: Vec<Option<Rc<[u16]>>>,
    /// Freed ids, reused by the next atoms made.
    free: Vec<u32>,
    /// Atoms below this id are never freed.
    permanent: u32,
    /// Under gc-stress freed ids are never reused, and using a freed atom fails loudly.
    pub gc_stress: bool,
    /// The names' text and reference counts.
    text_bytes: usize,
}

impl Default for Atoms {
    /// Room for the names the template realm interns (about 700) from the start, so that
    /// building it does not rehash the table at every doubling.
    fn default() -> Self {
        Atoms {
            ids: FxHashMap::with_capacity_and_hasher(896, Default::default()),
            long: Vec::new(),
            names: Vec::with_capacity(1024),
            free: Vec::new(),
            permanent: 0,
            gc_stress: false,
            text_bytes: 0,
        }
    }
}

/// `s` in UTF-16, on the stack when short: the built-ins' names, which the VM interns by the
/// thousand as it starts, cost no allocation (a `Vec` collected from `encode_utf16` grew by
/// reallocation: a quarter of an empty script's instructions).
pub fn utf16_units(s: &str) -> smallvec::SmallVec<[u16; 64]> {
    let mut units = smallvec::SmallVec::with_capacity(s.len());
    if s.is_ascii() {
        units.extend(s.bytes().map(u16::from));
    } else {
        units.extend(s.encode_utf16());
    }
    units
}

/// What a freed atom reads as outside gc-stress (it is never looked up by a live key).
const FREED_NAME: &[u16] = &[];

impl Atoms {
    pub fn intern(&mut self, units: &[u16]) -> Atom {
        if units.len() > LONG_NAME {
            return self.intern_long(units);
        }
        if let Some(&a) = self.ids.get(units) {
            return a;
        }
        let rc: Rc<[u16]> = units.into();
        let atom = self.add(rc.clone());
        self.ids.insert(rc, atom);
        atom
    }

    /// [`Atoms::intern`] of a long name, with no termination checks.
    #[cold]
    fn intern_long(&mut self, units: &[u16]) -> Atom {
        let mut digest = NameDigest::default();
        units.chunks(STRING_CHUNK).for_each(|c| digest.add(c));
        let digest = digest.finish();
        let found = self
            .long_candidates(digest, units.len())
            .into_iter()
            .find(|&a| self.units(a) == units);
        found.unwrap_or_else(|| self.add_long(units.into(), digest))
    }

    /// The long names with `digest` and `len` units.
    pub fn long_candidates(&self, digest: u64, len: usize) -> Vec<Atom> {
        self.long
            .iter()
            .filter(|&&(d, a)| d == digest && self.units(a).len() == len)
            .map(|&(_, a)| a)
            .collect()
    }

    /// A new atom for a name of more than [`LONG_NAME`] units, not yet interned, whose
    /// [`NameDigest`] is `digest`.
    pub fn add_long(&mut self, name: Rc<[u16]>, digest: u64) -> Atom {
        let atom = self.add(name);
        self.long.push((digest, atom));
        atom
    }

    /// A new atom for `name`, in a freed id if there is one.
    fn add(&mut self, name: Rc<[u16]>) -> Atom {
        self.text_bytes += name_bytes(name.len());
        match self.free.pop() {
            Some(id) => {
                self.names[id as usize] = Some(name);
                Atom(id)
            }
            None => {
                self.names.push(Some(name));
                Atom(self.names.len() as u32 - 1)
            }
        }
    }

    /// Bytes the atom table holds: names, the lookup table and the list.
    pub fn heap_bytes(&self) -> usize {
        self.text_bytes
            + crate::heap::hash_table_bytes(self.ids.capacity(), size_of::<(Rc<[u16]>, Atom)>())
            + crate::heap::buffer_bytes(self.names.capacity() * size_of::<Option<Rc<[u16]>>>())
            + crate::heap::buffer_bytes(self.free.capacity() * size_of::<u32>())
            + crate::heap::buffer_bytes(self.long.capacity() * size_of::<(u64, Atom)>())
    }

    pub fn intern_str(&mut self, s: &str) -> Atom {
        self.intern(&utf16_units(s))
    }

    pub fn units(&self, atom: Atom) -> &[u16] {
        match self.names.get(atom.0 as usize) {
            Some(Some(name)) => name,
            // Under gc-stress a freed atom is never reused: reaching one is a rooting bug.
            _ if self.gc_stress => panic!("use of a collected atom ({})", atom.0),
            _ => FREED_NAME,
        }
    }

    pub fn to_rust(&self, atom: Atom) -> String {
        String::from_utf16_lossy(self.units(atom))
    }

    /// How many atom ids exist (freed ones included): the size of a collection's mark list.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// From now on, the atoms made so far are never freed.
    pub fn make_permanent(&mut self) {
        self.permanent = self.names.len() as u32;
    }

    /// Frees every atom not in `marks` (indexed by id) except the permanent ones; returns how
    /// many were freed.
    pub fn sweep(&mut self, marks: &[bool]) -> usize {
        let mut freed = 0;
        for id in self.permanent as usize..self.names.len() {
            if marks.get(id).copied().unwrap_or(false) {
                continue;
            }
            let Some(name) = self.names[id].take() else {
                continue;
            };
            if name.len() > LONG_NAME {
                self.long.retain(|&(_, a)| a.0 != id as u32);
            } else {
                self.ids.remove(&name);
            }
            self.text_bytes -= name_bytes(name.len());
            freed += 1;
            if !self.gc_stress {
                self.free.push(id as u32);
            }
        }
        if freed > 0 && !self.gc_stress {
            let keep = self.permanent as usize;
            crate::heap::trim_freed_tail(&mut self.names, &mut self.free, keep, Option::is_none);
            if self.ids.capacity() > 4 * self.ids.len().max(64) {
                self.ids.shrink_to_fit();
            }
        }
        freed
    }
}

/// Names longer than this many units are `Atoms::long` ones.
pub const LONG_NAME: usize = STRING_CHUNK;

/// The hash of a long name, made from its [`STRING_CHUNK`]-unit chunks in order, so that a
/// caller can check for termination between two.
#[derive(Default)]
pub struct NameDigest(rustc_hash::FxHasher);

impl NameDigest {
    pub fn add(&mut self, chunk: &[u16]) {
        chunk.hash(&mut self.0);
    }

    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// What one interned name costs: its `Rc` block of units.
fn name_bytes(units: usize) -> usize {
    crate::heap::buffer_bytes(2 * units + 2 * size_of::<usize>())
}

/// Whether `units` is a canonical array index (`"0"`, `"42"`, not `"01"`), and which.
pub fn array_index(units: &[u16]) -> Option<u32> {
    if units.is_empty() || units.len() > 10 {
        return None;
    }
    if units[0] == u16::from(b'0') && units.len() > 1 {
        return None;
    }
    let mut n: u64 = 0;
    for &u in units {
        if !(u16::from(b'0')..=u16::from(b'9')).contains(&u) {
            return None;
        }
        n = n * 10 + u64::from(u - u16::from(b'0'));
    }
    // 2^32 - 1 is not an array index.
    (n < u64::from(u32::MAX)).then_some(n as u32)
}
