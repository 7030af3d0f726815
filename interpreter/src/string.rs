//! Strings: UTF-16 code-unit semantics with one-byte storage where every unit fits, ropes for
//! concatenation (flattened on first inspection), and atoms — interned strings with `u32` ids —
//! for property keys.

use crate::heap::{StrRef, Trace, Traced};
use rustc_hash::FxHashMap;
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
}

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
        }
    }

    pub fn from_latin1(bytes: Vec<u8>) -> JsString {
        let len = bytes.len() as u32;
        JsString {
            data: StrData::Latin1(bytes.into_boxed_slice()),
            len,
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
    }
}

/// An interned string used as a property key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Atom(pub u32);

#[derive(Default)]
pub struct Atoms {
    ids: FxHashMap<Rc<[u16]>, Atom>,
    names: Vec<Rc<[u16]>>,
    /// The names' text and reference counts.
    text_bytes: usize,
}

impl Atoms {
    pub fn intern(&mut self, units: &[u16]) -> Atom {
        if let Some(&a) = self.ids.get(units) {
            return a;
        }
        let rc: Rc<[u16]> = units.into();
        self.text_bytes += crate::heap::buffer_bytes(2 * units.len() + 2 * size_of::<usize>());
        let atom = Atom(self.names.len() as u32);
        self.names.push(rc.clone());
        self.ids.insert(rc, atom);
        atom
    }

    /// Bytes the atom table holds: names, the lookup table and the list.
    pub fn heap_bytes(&self) -> usize {
        self.text_bytes
            + crate::heap::hash_table_bytes(self.ids.capacity(), size_of::<(Rc<[u16]>, Atom)>())
            + crate::heap::buffer_bytes(self.names.capacity() * size_of::<Rc<[u16]>>())
    }

    pub fn intern_str(&mut self, s: &str) -> Atom {
        let units: Vec<u16> = s.encode_utf16().collect();
        self.intern(&units)
    }

    pub fn units(&self, atom: Atom) -> &[u16] {
        &self.names[atom.0 as usize]
    }

    pub fn to_rust(&self, atom: Atom) -> String {
        String::from_utf16_lossy(self.units(atom))
    }
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

pub fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}
