//! The object internal methods (ECMA-262 10.1 ordinary objects, 10.4 exotic objects, 10.5
//! proxies): \[\[GetOwnProperty\]\], \[\[DefineOwnProperty\]\], \[\[HasProperty\]\], \[\[Get\]\], \[\[Set\]\],
//! \[\[Delete\]\], \[\[OwnPropertyKeys\]\], \[\[GetPrototypeOf\]\], \[\[SetPrototypeOf\]\], \[\[IsExtensible\]\],
//! \[\[PreventExtensions\]\], over shapes, dictionaries and elements.

use crate::context;
use crate::heap::ObjRef;
use crate::object::{
    Dictionary, Elements, NamespaceTarget, ObjectKind, Property, PropertyKey, Slot, StoredSlot,
    attrs,
};
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use std::collections::BTreeMap;
use std::rc::Rc;

/// A property descriptor with absent fields (ECMA-262 6.2.6).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Descriptor {
    pub value: Option<Value>,
    pub writable: Option<bool>,
    pub get: Option<Value>,
    pub set: Option<Value>,
    pub enumerable: Option<bool>,
    pub configurable: Option<bool>,
}

impl Descriptor {
    pub fn data(value: Value, writable: bool, enumerable: bool, configurable: bool) -> Self {
        Descriptor {
            value: Some(value),
            writable: Some(writable),
            enumerable: Some(enumerable),
            configurable: Some(configurable),
            ..Default::default()
        }
    }
    pub fn is_accessor(&self) -> bool {
        self.get.is_some() || self.set.is_some()
    }
    pub fn is_data(&self) -> bool {
        self.value.is_some() || self.writable.is_some()
    }
    pub fn from_property(p: &Property) -> Descriptor {
        let enumerable = Some(p.attrs & attrs::ENUMERABLE != 0);
        let configurable = Some(p.attrs & attrs::CONFIGURABLE != 0);
        match p.slot {
            Slot::Data(v) => Descriptor {
                value: Some(v),
                writable: Some(p.attrs & attrs::WRITABLE != 0),
                enumerable,
                configurable,
                ..Default::default()
            },
            Slot::Accessor { get, set } => Descriptor {
                get: Some(get),
                set: Some(set),
                enumerable,
                configurable,
                ..Default::default()
            },
        }
    }
}

const DENSE_GAP: u32 = 1024;

/// Kinds whose integer-keyed properties are ordinary (no exotic [[GetOwnProperty]] or [[Set]]
/// for indices): a write to a hole or one past the end of a dense array may skip the generic
/// [[Set]] when every object on the chain is one of these.
fn ordinary_elements(kind: &ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::Ordinary | ObjectKind::Array | ObjectKind::Function(_) | ObjectKind::Native(_)
    )
}

/// What one more sparse element costs, about: its key, its property and its share of a B-tree
/// node.
const SPARSE_ENTRY_BYTES: usize = size_of::<u32>() + size_of::<Property>() + 16;

/// What one more property of a dictionary-mode object costs, about: its key, its slot and its
/// index entry.
const DICTIONARY_ENTRY_BYTES: usize =
    2 * size_of::<(PropertyKey, u32)>() + size_of::<StoredSlot>() + 8;

impl Vm {
    /// `o[i] = v` where the element is a hole or one past the end of `o`'s dense elements, and
    /// nothing can observe the difference from OrdinarySet: `o` and its prototypes have ordinary
    /// elements, all plain data (dense), and `o` is extensible (and, for an array, its length
    /// writable or already past `i`). Then the write defines a new writable, enumerable,
    /// configurable data element, exactly as \[\[Set\]\] would. Returns whether it wrote.
    #[inline]
    pub fn write_element_fast(&mut self, o: ObjRef, i: u32, v: Value) -> bool {
        let object = self.obj(o);
        if !ordinary_elements(&object.kind) || !object.extensible {
            return false;
        }
        let Elements::Dense(elements) = &object.elements else {
            return false;
        };
        let idx = i as usize;
        let appends = idx == elements.len();
        if !appends && elements.get(idx).is_none_or(|x| !x.is_hole()) {
            return false;
        }
        if object.is_array() && i >= object.length && (!object.length_writable || i == u32::MAX) {
            return false;
        }
        // Prototypes: a setter or a read-only element there would change the outcome; dense
        // elements hold neither, and ordinary kinds have no exotic element behaviour.
        let mut proto = object.proto;
        while let Some(p) = proto {
            let p = self.obj(p);
            if !ordinary_elements(&p.kind) || !matches!(p.elements, Elements::Dense(_)) {
                return false;
            }
            proto = p.proto;
        }
        let object = self.obj_mut(o);
        if object.is_array() && i >= object.length {
            object.length = i + 1;
        }
        let Elements::Dense(elements) = &mut object.elements else {
            return false;
        };
        if appends {
            let before = elements.capacity();
            elements.push(v);
            let grown = (elements.capacity() - before) * size_of::<Value>();
            self.agent.heap.note_growth(grown);
        } else {
            elements[idx] = v;
        }
        true
    }

    // -----------------------------------------------------------------------------------------
    // Raw storage: no validation, no JavaScript

    /// The own property as stored (elements, array length, shapes, dictionary). String exotic
    /// indices and proxies are handled by [`Vm::get_own_property`].
    /// A built-in method not made yet is made here (see [`crate::object::LazyMethod`]).
    pub fn own_property_raw(&mut self, o: ObjRef, key: PropertyKey) -> Option<Property> {
        let object = self.obj(o);
        match key {
            PropertyKey::Index(i) => {
                if let ObjectKind::Arguments {
                    mapped: Some((env, count)),
                } = &object.kind
                    && i < *count
                    && !self.agent.unmapped_arguments.contains(&(o.0, i))
                    && let Elements::Dense(v) = &object.elements
                    && let Some(&x) = v.get(i as usize)
                    && !x.is_hole()
                {
                    let value = self
                        .agent
                        .heap
                        .envs
                        .get(env.0)
                        .slots
                        .get(i as usize)
                        .copied()
                        .unwrap_or_default();
                    return Some(Property::data(value, attrs::DEFAULT));
                }
                match &object.elements {
                    Elements::Dense(v) => match v.get(i as usize) {
                        Some(&x) if !x.is_hole() => Some(Property::data(x, attrs::DEFAULT)),
                        _ => None,
                    },
                    Elements::Sparse(m) => m.get(&i).copied(),
                }
            }
            PropertyKey::String(a) if object.is_array() && a == self.agent.names.length => {
                let mut at = 0;
                if object.length_writable {
                    at |= attrs::WRITABLE;
                }
                Some(Property::data(Value::number(f64::from(object.length)), at))
            }
            _ => {
                let (i, attrs) = self.named_slot(o, key)?;
                let mut stored = self.obj(o).slots[i as usize];
                if stored.as_lazy_method().is_some() {
                    stored = self.make_lazy_method(o, i as usize);
                }
                Some(Property {
                    slot: self.load_slot(stored),
                    attrs,
                })
            }
        }
    }

    /// The slot and attributes of `o`'s named property `key` (from its shape, or its dictionary).
    pub(crate) fn named_slot(&self, o: ObjRef, key: PropertyKey) -> Option<(u32, u8)> {
        let object = self.obj(o);
        match object.shape {
            Some(shape) => self.agent.shapes.lookup(shape, key),
            None => {
                let d = object.dictionary.as_ref()?;
                let &i = d.index.get(&key)?;
                Some((i, d.keys[i as usize].1))
            }
        }
    }

    /// The property an object's slot stores: its value, or the getter and setter of its pair.
    pub fn load_slot(&self, stored: StoredSlot) -> Slot {
        if let Some(value) = stored.as_data() {
            return Slot::Data(value);
        }
        match stored.as_accessor().map(|pair| &self.obj(pair).kind) {
            Some(&ObjectKind::AccessorPair { get, set }) => Slot::Accessor { get, set },
            // Only `store_slot` makes accessor references, always to a pair.
            _ => Slot::Accessor {
                get: Value::UNDEFINED,
                set: Value::UNDEFINED,
            },
        }
    }

    /// What an object's slot stores for `slot`: an accessor's getter and setter go into a pair
    /// cell of their own.
    pub fn store_slot(&mut self, slot: Slot) -> StoredSlot {
        match slot {
            Slot::Data(value) => StoredSlot::data(value),
            Slot::Accessor { get, set } => {
                let pair = self.alloc(crate::object::Object::new(
                    None,
                    ObjectKind::AccessorPair { get, set },
                ));
                StoredSlot::accessor(pair)
            }
        }
    }

    pub(crate) fn make_dictionary(&mut self, o: ObjRef) {
        self.layout_changing(o);
        let object = self.obj(o);
        let Some(shape) = object.shape else { return };
        let keys = self.agent.shapes.keys(shape).to_vec();
        let index = keys.iter().zip(0..).map(|(&(k, _), i)| (k, i)).collect();
        let d = Dictionary { keys, index };
        let object = self.obj_mut(o);
        object.shape = None;
        object.dictionary = Some(Rc::new(d));
    }

    fn make_sparse(&mut self, o: ObjRef) {
        let object = self.obj_mut(o);
        if let Elements::Dense(v) = &object.elements {
            let mut m = BTreeMap::new();
            for (i, &x) in v.iter().enumerate() {
                if !x.is_hole() {
                    m.insert(i as u32, Property::data(x, attrs::DEFAULT));
                }
            }
            object.elements = Elements::Sparse(Box::new(m));
        }
    }

    /// Stores `p` under `key`, adding or replacing. Arrays grow their length for indices.
    pub fn define_own_property_raw(&mut self, o: ObjRef, key: PropertyKey, p: Property) -> bool {
        match key {
            PropertyKey::Index(i) => {
                if let ObjectKind::Arguments {
                    mapped: Some((env, count)),
                } = self.obj(o).kind
                    && i < count
                    // 10.4.4: once deleted or redefined, the index is no longer mapped, even if
                    // a property of that name comes back.
                    && !self.agent.unmapped_arguments.contains(&(o.0, i))
                {
                    if let Slot::Data(v) = p.slot
                        && p.attrs == attrs::DEFAULT
                    {
                        self.agent.heap.envs.get_mut(env.0).slots[i as usize] = v;
                    } else {
                        self.unmap_argument(o, i);
                    }
                }
                let dense_ok = p.attrs == attrs::DEFAULT && matches!(p.slot, Slot::Data(_));
                let object = self.obj_mut(o);
                if object.is_array() && i >= object.length {
                    object.length = i + 1;
                }
                match &mut object.elements {
                    Elements::Dense(v) if dense_ok => {
                        let Slot::Data(value) = p.slot else {
                            unreachable!()
                        };
                        let idx = i as usize;
                        if idx < v.len() {
                            v[idx] = value;
                            return true;
                        }
                        if i <= v.len() as u32 + DENSE_GAP {
                            let before = v.capacity();
                            v.resize(idx, Value::HOLE);
                            v.push(value);
                            let grown = (v.capacity() - before) * size_of::<Value>();
                            self.agent.heap.note_growth(grown);
                            return true;
                        }
                    }
                    Elements::Sparse(m) => {
                        m.insert(i, p);
                        self.agent.heap.note_growth(SPARSE_ENTRY_BYTES);
                        return true;
                    }
                    Elements::Dense(_) => {}
                }
                self.make_sparse(o);
                if let Elements::Sparse(m) = &mut self.obj_mut(o).elements {
                    m.insert(i, p);
                }
                self.agent.heap.note_growth(SPARSE_ENTRY_BYTES);
                true
            }
            _ => {
                let object = self.obj(o);
                if let Some(shape) = object.shape {
                    if let Some((i, attrs)) = self.agent.shapes.lookup(shape, key) {
                        if attrs == p.attrs {
                            let stored = self.store_slot(p.slot);
                            self.obj_mut(o).slots[i as usize] = stored;
                            return true;
                        }
                        self.make_dictionary(o);
                    } else {
                        let shapes_before = self.agent.shapes.heap_bytes();
                        let added = self.agent.shapes.add(shape, key, p.attrs);
                        let grown = self.agent.shapes.heap_bytes().saturating_sub(shapes_before);
                        self.agent.heap.note_growth(grown);
                        match added {
                            Some(next) => {
                                self.layout_changing(o);
                                let stored = self.store_slot(p.slot);
                                let object = self.obj_mut(o);
                                object.shape = Some(next);
                                let grown = object.slots.push(stored);
                                self.agent.heap.note_growth(grown);
                                return true;
                            }
                            None => self.make_dictionary(o),
                        }
                    }
                }
                self.layout_changing(o);
                let stored = self.store_slot(p.slot);
                let object = self.obj_mut(o);
                let d = Rc::make_mut(object.dictionary.get_or_insert_with(Default::default));
                match d.index.get(&key) {
                    Some(&i) => {
                        d.keys[i as usize].1 = p.attrs;
                        object.slots[i as usize] = stored;
                    }
                    None => {
                        d.index.insert(key, d.keys.len() as u32);
                        d.keys.push((key, p.attrs));
                        object.slots.push(stored);
                        self.agent.heap.note_growth(DICTIONARY_ENTRY_BYTES);
                    }
                }
                true
            }
        }
    }

    fn unmap_argument(&mut self, o: ObjRef, i: u32) {
        // Copy the current value out, then stop aliasing this index.
        let value = match self.obj(o).kind {
            ObjectKind::Arguments {
                mapped: Some((env, _)),
            } => self.agent.heap.envs.get(env.0).slots[i as usize],
            _ => return,
        };
        self.agent.unmapped_arguments.insert((o.0, i));
        let object = self.obj_mut(o);
        if let Elements::Dense(v) = &mut object.elements
            && (i as usize) < v.len()
        {
            v[i as usize] = value;
        }
    }

    pub fn delete_raw(&mut self, o: ObjRef, key: PropertyKey) {
        match key {
            PropertyKey::Index(i) => {
                if matches!(self.obj(o).kind, ObjectKind::Arguments { mapped: Some(_) }) {
                    self.agent.unmapped_arguments.insert((o.0, i));
                }
                match &mut self.obj_mut(o).elements {
                    Elements::Dense(v) => {
                        if (i as usize) < v.len() {
                            v[i as usize] = Value::HOLE;
                            while v.last() == Some(&Value::HOLE) {
                                v.pop();
                            }
                        }
                    }
                    Elements::Sparse(m) => {
                        m.remove(&i);
                    }
                }
            }
            _ => {
                self.make_dictionary(o);
                let object = self.obj_mut(o);
                let Some(d) = object.dictionary.as_mut().map(Rc::make_mut) else {
                    return;
                };
                if let Some(i) = d.index.remove(&key) {
                    d.keys.remove(i as usize);
                    object.slots.remove(i as usize);
                    for (j, (k, _)) in d.keys.iter().enumerate().skip(i as usize) {
                        d.index.insert(*k, j as u32);
                    }
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Internal methods

    pub fn proxy_parts(&self, o: ObjRef) -> Option<(Option<ObjRef>, Option<ObjRef>)> {
        match self.obj(o).kind {
            ObjectKind::Proxy {
                target, handler, ..
            } => Some((target, handler)),
            _ => None,
        }
    }

    /// For a module namespace and a string key: `Some(export)` (`None` inside when the name is
    /// not exported). `None` for other objects and for the keys a namespace leaves to the
    /// ordinary internal methods: symbols, and `then` on a deferred namespace (the import defer
    /// proposal's IsSymbolLikeNamespaceKey, so that a deferred namespace is no thenable and
    /// `import.defer()` resolving with it does not evaluate its module).
    ///
    /// It never evaluates a deferred namespace's module: [`Vm::namespace_export`] does.
    fn namespace_lookup(&self, o: ObjRef, key: PropertyKey) -> Option<Option<NamespaceTarget>> {
        let ObjectKind::Namespace(data) = &self.obj(o).kind else {
            return None;
        };
        if data.deferred.is_some() && key == PropertyKey::String(self.agent.names.then) {
            return None;
        }
        let entries = &data.exports;
        let atom = match key {
            PropertyKey::String(a) => a,
            PropertyKey::Index(i) => {
                let units: Vec<u16> = i.to_string().encode_utf16().collect();
                return Some(
                    entries
                        .iter()
                        .find(|(a, _)| self.agent.atoms.units(*a) == &units[..])
                        .map(|(_, t)| *t),
                );
            }
            PropertyKey::Symbol(_) => return None,
        };
        Some(entries.iter().find(|(a, _)| *a == atom).map(|(_, t)| *t))
    }

    /// [`Vm::namespace_lookup`] for the internal methods that read a namespace's exports
    /// (\[\[GetOwnProperty\]\], \[\[HasProperty\]\], \[\[Delete\]\]): for a deferred
    /// namespace, GetModuleExportsList evaluates its module first (or throws).
    fn namespace_export(
        &mut self,
        o: ObjRef,
        key: PropertyKey,
    ) -> JsResult<Option<Option<NamespaceTarget>>> {
        let found = self.namespace_lookup(o, key);
        if found.is_some() {
            self.ensure_namespace_evaluated(o)?;
        }
        Ok(found)
    }

    /// GetModuleExportsList's evaluation: a deferred namespace's module evaluates (synchronously)
    /// unless it has; nothing for other objects.
    fn ensure_namespace_evaluated(&mut self, o: ObjRef) -> JsResult<()> {
        if let ObjectKind::Namespace(data) = &self.obj(o).kind
            && let Some(m) = data.deferred
        {
            return self.ensure_deferred_namespace_evaluation(m as usize);
        }
        Ok(())
    }

    /// The value of a namespace export (ReferenceError while its binding is uninitialised).
    fn namespace_value(&mut self, target: NamespaceTarget, key: PropertyKey) -> JsResult<Value> {
        match target {
            NamespaceTarget::Namespace(n) => Ok(n.value()),
            NamespaceTarget::Binding(env, slot) => {
                let v = self.agent.heap.envs.get(env.0).slots[slot as usize];
                if v.is_hole() {
                    let k = self.key_text(key);
                    return Err(
                        self.reference_error(&format!("Cannot access '{k}' before initialization"))
                    );
                }
                Ok(v)
            }
        }
    }

    /// \[\[GetOwnProperty\]\]
    pub fn get_own_property(&mut self, o: ObjRef, key: PropertyKey) -> JsResult<Option<Property>> {
        if self.proxy_parts(o).is_some() {
            return crate::proxy_object::get_own_property(self, o, key);
        }
        if let Some(found) = crate::typed_array_object::exotic_get_own(self, o, key) {
            // The elements of a view of an immutable buffer are read-only and fixed.
            let flags = if crate::typed_array_object::is_immutable_view(self, o) {
                attrs::ENUMERABLE
            } else {
                attrs::DEFAULT
            };
            return Ok(found.map(|v| Property::data(v, flags)));
        }
        if let Some(sandbox) = context::sandbox_of(self, o) {
            // A sandbox can itself be a sandboxed global: each forwarding is a level deeper.
            self.check_native_stack()?;
            if let Some(p) = self.get_own_property(sandbox, key)? {
                return Ok(Some(p));
            }
        }
        if let Some(found) = self.namespace_export(o, key)? {
            // 10.4.6.5: exports are writable, enumerable, non-configurable data properties.
            return match found {
                Some(t) => {
                    let v = self.namespace_value(t, key)?;
                    Ok(Some(Property::data(v, attrs::WRITABLE | attrs::ENUMERABLE)))
                }
                None => Ok(None),
            };
        }
        if let Some(p) = self.own_property_raw(o, key) {
            if let ObjectKind::Arguments { mapped: Some(_) } = self.obj(o).kind
                && let PropertyKey::Index(i) = key
                && self.agent.unmapped_arguments.contains(&(o.0, i))
            {
                return Ok(match &self.obj(o).elements {
                    Elements::Dense(v) => v
                        .get(i as usize)
                        .filter(|x| !x.is_hole())
                        .map(|&x| Property::data(x, attrs::DEFAULT)),
                    Elements::Sparse(m) => m.get(&i).copied(),
                });
            }
            return Ok(Some(p));
        }
        if let ObjectKind::String(s) = self.obj(o).kind {
            match key {
                PropertyKey::Index(i) if i < self.string_len(s) => {
                    let u = self.unit_at_checked(s, i as usize)?.unwrap_or(0);
                    let c = self.single_unit_string(u);
                    return Ok(Some(Property::data(c, attrs::ENUMERABLE)));
                }
                PropertyKey::String(a) if a == self.agent.names.length => {
                    let len = self.string_len(s);
                    return Ok(Some(Property::data(Value::int32(len as i32), 0)));
                }
                _ => {}
            }
        }
        Ok(None)
    }

    /// \[\[DefineOwnProperty\]\] (ECMA-262 10.1.6.1 with 10.4.2.1 for arrays).
    pub fn define_own_property(
        &mut self,
        o: ObjRef,
        key: PropertyKey,
        desc: Descriptor,
    ) -> JsResult<bool> {
        if self.proxy_parts(o).is_some() {
            return crate::proxy_object::define_own_property(self, o, key, desc);
        }
        if let Some(result) = crate::typed_array_object::exotic_define(self, o, key, &desc) {
            return result;
        }
        if let Some(sandbox) = context::sandbox_of(self, o)
            && let Some(done) = context::define(self, sandbox, o, key, desc)?
        {
            return Ok(done);
        }
        if self.namespace_lookup(o, key).is_some() {
            // 10.4.6.6
            let Some(current) = self.get_own_property(o, key)? else {
                return Ok(false);
            };
            if desc.configurable == Some(true)
                || desc.enumerable == Some(false)
                || desc.is_accessor()
                || desc.writable == Some(false)
            {
                return Ok(false);
            }
            return Ok(match (desc.value, current.slot) {
                (Some(v), Slot::Data(c)) => self.same_value(v, c)?,
                _ => true,
            });
        }
        let object = self.obj(o);
        if object.is_array() {
            if key == PropertyKey::String(self.agent.names.length) {
                return self.array_set_length(o, desc);
            }
            if let PropertyKey::Index(i) = key
                && i >= object.length
                && !object.length_writable
            {
                return Ok(false);
            }
        }
        if let ObjectKind::String(s) = object.kind
            && let PropertyKey::Index(i) = key
            && i < self.string_len(s)
        {
            let current = self.get_own_property(o, key)?;
            return self.validate_and_apply(None, key, false, desc, current);
        }
        let current = self.get_own_property(o, key)?;
        let extensible = self.obj(o).extensible;
        // Mapped arguments: a define that makes the index non-writable keeps its value mapped
        // until then (10.4.4.2).
        if let ObjectKind::Arguments { mapped: Some(_) } = self.obj(o).kind
            && let PropertyKey::Index(i) = key
            && current.is_some()
            && !self.agent.unmapped_arguments.contains(&(o.0, i))
        {
            let mut d = desc;
            if d.is_data() && d.value.is_none() && d.writable == Some(false) {
                d.value = current.and_then(|p| match p.slot {
                    Slot::Data(v) => Some(v),
                    _ => None,
                });
            }
            let ok = self.validate_and_apply(Some(o), key, extensible, d, current)?;
            if ok {
                if desc.is_accessor() {
                    self.unmap_argument(o, i);
                } else {
                    if let Some(v) = desc.value
                        && let ObjectKind::Arguments {
                            mapped: Some((env, _)),
                        } = self.obj(o).kind
                    {
                        self.agent.heap.envs.get_mut(env.0).slots[i as usize] = v;
                    }
                    if desc.writable == Some(false) {
                        self.unmap_argument(o, i);
                    }
                }
            }
            return Ok(ok);
        }
        self.validate_and_apply(Some(o), key, extensible, desc, current)
    }

    /// 10.1.6.3 ValidateAndApplyPropertyDescriptor
    pub fn validate_and_apply(
        &mut self,
        o: Option<ObjRef>,
        key: PropertyKey,
        extensible: bool,
        desc: Descriptor,
        current: Option<Property>,
    ) -> JsResult<bool> {
        let Some(current) = current else {
            if !extensible {
                return Ok(false);
            }
            if let Some(o) = o {
                let mut a = 0;
                if desc.enumerable == Some(true) {
                    a |= attrs::ENUMERABLE;
                }
                if desc.configurable == Some(true) {
                    a |= attrs::CONFIGURABLE;
                }
                let p = if desc.is_accessor() {
                    Property {
                        slot: Slot::Accessor {
                            get: desc.get.unwrap_or(Value::UNDEFINED),
                            set: desc.set.unwrap_or(Value::UNDEFINED),
                        },
                        attrs: a | attrs::ACCESSOR,
                    }
                } else {
                    if desc.writable == Some(true) {
                        a |= attrs::WRITABLE;
                    }
                    Property::data(desc.value.unwrap_or(Value::UNDEFINED), a)
                };
                self.define_own_property_raw(o, key, p);
            }
            return Ok(true);
        };
        let cur = Descriptor::from_property(&current);
        let configurable = current.attrs & attrs::CONFIGURABLE != 0;
        if !configurable {
            if desc.configurable == Some(true) {
                return Ok(false);
            }
            if let Some(e) = desc.enumerable
                && e != (current.attrs & attrs::ENUMERABLE != 0)
            {
                return Ok(false);
            }
            let generic = !desc.is_accessor() && !desc.is_data();
            if !generic && desc.is_accessor() != current.is_accessor() {
                return Ok(false);
            }
            if current.is_accessor() {
                if let Some(g) = desc.get
                    && !self.same_value(g, cur.get.unwrap_or(Value::UNDEFINED))?
                {
                    return Ok(false);
                }
                if let Some(s) = desc.set
                    && !self.same_value(s, cur.set.unwrap_or(Value::UNDEFINED))?
                {
                    return Ok(false);
                }
            } else if cur.writable == Some(false) {
                if desc.writable == Some(true) {
                    return Ok(false);
                }
                if let Some(v) = desc.value
                    && !self.same_value(v, cur.value.unwrap_or(Value::UNDEFINED))?
                {
                    return Ok(false);
                }
            }
        }
        let Some(o) = o else { return Ok(true) };
        let mut a = current.attrs & (attrs::ENUMERABLE | attrs::CONFIGURABLE);
        if let Some(e) = desc.enumerable {
            a = (a & !attrs::ENUMERABLE) | if e { attrs::ENUMERABLE } else { 0 };
        }
        if let Some(c) = desc.configurable {
            a = (a & !attrs::CONFIGURABLE) | if c { attrs::CONFIGURABLE } else { 0 };
        }
        let p = if desc.is_accessor() || (!desc.is_data() && current.is_accessor()) {
            let (mut get, mut set) = match current.slot {
                Slot::Accessor { get, set } => (get, set),
                Slot::Data(_) => (Value::UNDEFINED, Value::UNDEFINED),
            };
            if let Some(g) = desc.get {
                get = g;
            }
            if let Some(s) = desc.set {
                set = s;
            }
            Property {
                slot: Slot::Accessor { get, set },
                attrs: a | attrs::ACCESSOR,
            }
        } else {
            let (mut value, mut writable) = match current.slot {
                Slot::Data(v) => (v, current.attrs & attrs::WRITABLE != 0),
                Slot::Accessor { .. } => (Value::UNDEFINED, false),
            };
            if let Some(v) = desc.value {
                value = v;
            }
            if let Some(w) = desc.writable {
                writable = w;
            }
            if writable {
                a |= attrs::WRITABLE;
            }
            Property::data(value, a)
        };
        self.define_own_property_raw(o, key, p);
        Ok(true)
    }

    /// 10.4.2.4 ArraySetLength
    fn array_set_length(&mut self, o: ObjRef, desc: Descriptor) -> JsResult<bool> {
        let Some(value) = desc.value else {
            // Only attributes: validate against the length property as it stands.
            let length_key = PropertyKey::String(self.agent.names.length);
            let current = self.own_property_raw(o, length_key);
            if desc.configurable == Some(true)
                || desc.enumerable == Some(true)
                || desc.is_accessor()
            {
                return Ok(false);
            }
            let writable = self.obj(o).length_writable;
            if desc.writable == Some(true) && !writable {
                return Ok(false);
            }
            let _ = current;
            if desc.writable == Some(false) {
                self.obj_mut(o).length_writable = false;
            }
            return Ok(true);
        };
        let new_len = self.to_uint32(value)?;
        let number = self.to_number(value)?;
        if f64::from(new_len) != number {
            return Err(self.range_error("Invalid array length"));
        }
        if desc.configurable == Some(true) || desc.enumerable == Some(true) || desc.is_accessor() {
            return Ok(false);
        }
        let old_len = self.obj(o).length;
        let writable = self.obj(o).length_writable;
        if new_len == old_len {
            if desc.writable == Some(true) && !writable {
                return Ok(false);
            }
            if desc.writable == Some(false) {
                self.obj_mut(o).length_writable = false;
            }
            return Ok(true);
        }
        if !writable {
            return Ok(false);
        }
        if new_len > old_len {
            self.obj_mut(o).length = new_len;
            if desc.writable == Some(false) {
                self.obj_mut(o).length_writable = false;
            }
            return Ok(true);
        }
        // Shrinking: delete from the end; stop at a non-configurable element.
        let mut ok = true;
        let mut final_len = new_len;
        let object = self.obj_mut(o);
        match &mut object.elements {
            Elements::Dense(v) => {
                if v.len() > new_len as usize {
                    v.truncate(new_len as usize);
                }
            }
            Elements::Sparse(m) => {
                let keys: Vec<u32> = m.range(new_len..).map(|(k, _)| *k).collect();
                for k in keys.into_iter().rev() {
                    if m[&k].attrs & attrs::CONFIGURABLE == 0 {
                        final_len = k + 1;
                        ok = false;
                        break;
                    }
                    m.remove(&k);
                }
            }
        }
        object.length = final_len;
        if desc.writable == Some(false) {
            object.length_writable = false;
        }
        Ok(ok)
    }

    /// \[\[HasProperty\]\]
    pub fn has_property(&mut self, o: ObjRef, key: PropertyKey) -> JsResult<bool> {
        let mut cur = o;
        if let Some(found) = self.namespace_export(o, key)? {
            return Ok(found.is_some());
        }
        loop {
            if self.proxy_parts(cur).is_some() {
                return crate::proxy_object::has(self, cur, key);
            }
            if let Some(found) = crate::typed_array_object::exotic_has(self, cur, key) {
                return Ok(found);
            }
            if let Some(sandbox) = context::sandbox_of(self, cur)
                && context::sandbox_has(self, sandbox, key)?
            {
                return Ok(true);
            }
            if self.get_own_property(cur, key)?.is_some() {
                return Ok(true);
            }
            match self.obj(cur).proto {
                Some(p) => cur = p,
                None => return Ok(false),
            }
        }
    }

    /// \[\[Get\]\]
    pub fn get(&mut self, o: ObjRef, key: PropertyKey, receiver: Value) -> JsResult<Value> {
        let mut cur = o;
        loop {
            if self.proxy_parts(cur).is_some() {
                return crate::proxy_object::get(self, cur, key, receiver);
            }
            if let Some(sandbox) = context::sandbox_of(self, cur)
                && context::sandbox_has(self, sandbox, key)?
            {
                let v = self.get(sandbox, key, sandbox.value())?;
                return Ok(context::sandbox_to_global(sandbox, cur, v));
            }
            // Fast path: a plain stored property.
            let found = match self.own_property_raw(cur, key) {
                Some(p) if !matches!(self.obj(cur).kind, ObjectKind::Arguments { .. }) => Some(p),
                _ => {
                    if let Some(found) = crate::typed_array_object::exotic_get_own(self, cur, key) {
                        // 10.4.5.4: a numeric key never reaches the prototype.
                        return Ok(found.unwrap_or(Value::UNDEFINED));
                    }
                    self.get_own_property(cur, key)?
                }
            };
            if let Some(p) = found {
                return match p.slot {
                    Slot::Data(v) => Ok(v),
                    Slot::Accessor { get, .. } => {
                        if get.is_undefined() {
                            Ok(Value::UNDEFINED)
                        } else {
                            self.call(get, receiver, &[])
                        }
                    }
                };
            }
            // Ordinary prototype chains cannot be cyclic ([[SetPrototypeOf]] refuses, and a
            // proxy on the chain leaves this loop), so the walk needs no bound of its own.
            match self.obj(cur).proto {
                Some(p) => cur = p,
                None => return Ok(Value::UNDEFINED),
            }
        }
    }

    /// `GetV`: \[\[Get\]\] on any value (primitives use their prototype).
    pub fn get_v(&mut self, v: Value, key: PropertyKey) -> JsResult<Value> {
        if let Some(o) = v.as_object() {
            return self.get(o, key, v);
        }
        if let Some(s) = v.as_string() {
            match key {
                PropertyKey::String(a) if a == self.agent.names.length => {
                    return Ok(Value::int32(self.string_len(s) as i32));
                }
                PropertyKey::Index(i) if i < self.string_len(s) => {
                    let u = self.unit_at_checked(s, i as usize)?.unwrap_or(0);
                    return Ok(self.single_unit_string(u));
                }
                _ => {}
            }
        }
        let proto = self.prototype_for_primitive(v)?;
        self.get(proto, key, v)
    }

    pub fn prototype_for_primitive(&mut self, v: Value) -> JsResult<ObjRef> {
        let r = self.intrinsics();
        Ok(if v.is_string() {
            r.string_prototype
        } else if v.is_number() {
            r.number_prototype
        } else if v.as_bool().is_some() {
            r.boolean_prototype
        } else if v.as_symbol().is_some() {
            r.symbol_prototype
        } else if v.as_bigint().is_some() {
            r.bigint_prototype
        } else {
            let text = if v.is_null() { "null" } else { "undefined" };
            return Err(self.type_error(&format!("Cannot read properties of {text}")));
        })
    }

    /// \[\[Set\]\] (10.1.9.2 OrdinarySetWithOwnDescriptor)
    pub fn set(
        &mut self,
        o: ObjRef,
        key: PropertyKey,
        value: Value,
        receiver: Value,
    ) -> JsResult<bool> {
        if self.namespace_lookup(o, key).is_some() {
            return Ok(false);
        }
        if let Some(sandbox) = context::sandbox_of(self, o)
            && receiver == o.value()
        {
            return context::set(self, sandbox, o, key, value);
        }
        let mut cur = o;
        let own_desc = loop {
            if self.proxy_parts(cur).is_some() {
                return crate::proxy_object::set(self, cur, key, value, receiver);
            }
            // 10.4.5.5 [[Set]] of a typed array for a numeric key.
            if crate::typed_array_object::typed_array(self, cur).is_some()
                && let Some(index) =
                    crate::abstract_ops::type_conversion::canonical_numeric_index_string(self, key)
            {
                if receiver == cur.value() {
                    if crate::typed_array_object::is_immutable_view(self, cur)
                        && crate::typed_array_object::exotic_has(self, cur, key) == Some(true)
                    {
                        return Ok(false);
                    }
                    crate::typed_array_object::set_element(self, cur, index, value)?;
                    return Ok(true);
                }
                if !crate::typed_array_object::exotic_has(self, cur, key).unwrap_or(false) {
                    return Ok(true);
                }
            }
            if let Some(p) = self.get_own_property(cur, key)? {
                break Some(p);
            }
            match self.obj(cur).proto {
                Some(p) => cur = p,
                None => break None,
            }
        };
        match own_desc {
            Some(Property {
                slot: Slot::Accessor { set, .. },
                ..
            }) => {
                if set.is_undefined() {
                    return Ok(false);
                }
                self.call(set, receiver, &[value])?;
                Ok(true)
            }
            Some(p) if p.attrs & attrs::WRITABLE == 0 => Ok(false),
            _ => {
                let Some(r) = receiver.as_object() else {
                    return Ok(false);
                };
                // Fast path: the receiver is the holder and stores the property plainly.
                if r == cur
                    && let Some(p) = own_desc
                    && self.proxy_parts(r).is_none()
                    && !matches!(
                        self.obj(r).kind,
                        ObjectKind::Arguments { .. } | ObjectKind::String(_)
                    )
                    && !(self.obj(r).is_array()
                        && key == PropertyKey::String(self.agent.names.length))
                {
                    return Ok(self.define_own_property_raw(
                        r,
                        key,
                        Property::data(value, p.attrs),
                    ));
                }
                // Fast path: a new property on the ordinary, extensible object the lookup
                // started from (so it has no own property of that name) is added plainly.
                if own_desc.is_none() && r == o && self.adds_plainly(r, key) {
                    return Ok(self.define_own_property_raw(
                        r,
                        key,
                        Property::data(value, attrs::DEFAULT),
                    ));
                }
                match self.get_own_property(r, key)? {
                    Some(existing) => {
                        if existing.is_accessor() || existing.attrs & attrs::WRITABLE == 0 {
                            return Ok(false);
                        }
                        self.define_own_property(
                            r,
                            key,
                            Descriptor {
                                value: Some(value),
                                ..Default::default()
                            },
                        )
                    }
                    None => {
                        self.define_own_property(r, key, Descriptor::data(value, true, true, true))
                    }
                }
            }
        }
    }

    /// Whether a new data property `key` on `o` is an ordinary definition with nothing to
    /// validate: `o` is extensible and its [[DefineOwnProperty]] is the ordinary one for `key`.
    fn adds_plainly(&self, o: ObjRef, key: PropertyKey) -> bool {
        let object = self.obj(o);
        if !object.extensible {
            return false;
        }
        match object.kind {
            ObjectKind::Ordinary | ObjectKind::Function(_) | ObjectKind::Error => true,
            // Indices and `length` of an array move its length.
            ObjectKind::Array => {
                !matches!(key, PropertyKey::Index(_))
                    && key != PropertyKey::String(self.agent.names.length)
            }
            _ => false,
        }
    }

    /// `Set(O, P, V, Throw)`.
    pub fn set_or_throw(
        &mut self,
        o: ObjRef,
        key: PropertyKey,
        value: Value,
        throw: bool,
    ) -> JsResult<()> {
        let ok = self.set(o, key, value, o.value())?;
        if !ok && throw {
            let k = self.key_text(key);
            return Err(self.type_error(&format!("Cannot assign to read only property '{k}'")));
        }
        Ok(())
    }

    /// CreateDataProperty
    pub fn create_data_property(
        &mut self,
        o: ObjRef,
        key: PropertyKey,
        value: Value,
    ) -> JsResult<bool> {
        self.define_own_property(o, key, Descriptor::data(value, true, true, true))
    }

    pub fn create_data_property_or_throw(
        &mut self,
        o: ObjRef,
        key: PropertyKey,
        value: Value,
    ) -> JsResult<()> {
        if !self.create_data_property(o, key, value)? {
            let k = self.key_text(key);
            return Err(self.type_error(&format!("Cannot define property '{k}'")));
        }
        Ok(())
    }

    pub fn define_property_or_throw(
        &mut self,
        o: ObjRef,
        key: PropertyKey,
        desc: Descriptor,
    ) -> JsResult<()> {
        if !self.define_own_property(o, key, desc)? {
            let k = self.key_text(key);
            return Err(self.type_error(&format!("Cannot redefine property: {k}")));
        }
        Ok(())
    }

    /// \[\[Delete\]\]
    pub fn delete(&mut self, o: ObjRef, key: PropertyKey) -> JsResult<bool> {
        if self.proxy_parts(o).is_some() {
            return crate::proxy_object::delete(self, o, key);
        }
        if let Some(found) = self.namespace_export(o, key)? {
            return Ok(found.is_none());
        }
        if let Some(deletable) = crate::typed_array_object::exotic_delete(self, o, key) {
            return Ok(deletable);
        }
        if let Some(sandbox) = context::sandbox_of(self, o)
            && self.get_own_property(sandbox, key)?.is_some()
        {
            return self.delete(sandbox, key);
        }
        match self.get_own_property(o, key)? {
            None => Ok(true),
            Some(p) if p.attrs & attrs::CONFIGURABLE != 0 => {
                self.delete_raw(o, key);
                Ok(true)
            }
            Some(_) => Ok(false),
        }
    }

    /// 7.3.10 DeletePropertyOrThrow
    pub fn delete_or_throw(&mut self, o: ObjRef, key: PropertyKey) -> JsResult<()> {
        if !self.delete(o, key)? {
            let k = self.key_text(key);
            return Err(self.type_error(&format!("Cannot delete property '{k}'")));
        }
        Ok(())
    }

    /// \[\[OwnPropertyKeys\]\]: indices ascending, then strings and symbols in creation order.
    pub fn own_property_keys(&mut self, o: ObjRef) -> JsResult<Vec<PropertyKey>> {
        if self.proxy_parts(o).is_some() {
            return crate::proxy_object::own_keys(self, o);
        }
        // A deferred namespace's GetModuleExportsList evaluates its module.
        self.ensure_namespace_evaluated(o)?;
        let mut keys = Vec::new();
        let object = self.obj(o);
        if let ObjectKind::Namespace(data) = &object.kind {
            keys.extend(data.exports.iter().map(|(a, _)| PropertyKey::String(*a)));
        }
        if let ObjectKind::String(s) = object.kind {
            let len = self.string_len(s);
            keys.extend((0..len).map(PropertyKey::Index));
        }
        if let ObjectKind::TypedArray(_) = object.kind {
            keys.extend(crate::typed_array_object::exotic_index_keys(self, o));
        }
        let object = self.obj(o);
        match &object.elements {
            Elements::Dense(v) => {
                for (i, x) in v.iter().enumerate() {
                    if !x.is_hole() {
                        keys.push(PropertyKey::Index(i as u32));
                    }
                }
            }
            Elements::Sparse(m) => keys.extend(m.keys().map(|&i| PropertyKey::Index(i))),
        }
        if object.is_array() {
            keys.push(PropertyKey::String(self.agent.names.length));
        }
        if let ObjectKind::String(_) = object.kind {
            keys.push(PropertyKey::String(self.agent.names.length));
        }
        let named: Vec<PropertyKey> = match object.shape {
            Some(shape) => self
                .agent
                .shapes
                .keys(shape)
                .iter()
                .map(|(k, _)| *k)
                .collect(),
            None => object
                .dictionary
                .as_ref()
                .map(|d| d.keys.iter().map(|(k, _)| *k).collect())
                .unwrap_or_default(),
        };
        keys.extend(named.iter().filter(|k| matches!(k, PropertyKey::String(_))));
        keys.extend(named.iter().filter(|k| matches!(k, PropertyKey::Symbol(_))));
        if let Some(sandbox) = context::sandbox_of(self, o) {
            return context::own_keys(self, sandbox, keys);
        }
        Ok(keys)
    }

    /// \[\[GetPrototypeOf\]\]
    pub fn get_prototype_of(&mut self, o: ObjRef) -> JsResult<Option<ObjRef>> {
        if self.proxy_parts(o).is_some() {
            return crate::proxy_object::get_prototype_of(self, o);
        }
        Ok(self.obj(o).proto)
    }

    /// \[\[SetPrototypeOf\]\] (10.1.2.1 OrdinarySetPrototypeOf)
    pub fn set_prototype_of(&mut self, o: ObjRef, proto: Option<ObjRef>) -> JsResult<bool> {
        if self.proxy_parts(o).is_some() {
            return crate::proxy_object::set_prototype_of(self, o, proto);
        }
        let current = self.obj(o).proto;
        if current == proto {
            return Ok(true);
        }
        if !self.obj(o).extensible {
            return Ok(false);
        }
        if o == self.intrinsics().object_prototype && self.realm_of_object_prototype(o) {
            // %Object.prototype% is an immutable prototype exotic object.
            return Ok(false);
        }
        let mut p = proto;
        while let Some(q) = p {
            if q == o {
                return Ok(false);
            }
            if self.proxy_parts(q).is_some() {
                break;
            }
            p = self.obj(q).proto;
        }
        self.layout_changing(o);
        self.obj_mut(o).proto = proto;
        Ok(true)
    }

    /// Before `o`'s keys, their attributes or its prototype change: inline caches that rely
    /// on its layout stop holding (see `crate::inline_cache::InlineCache`).
    #[inline]
    pub(crate) fn layout_changing(&mut self, o: ObjRef) {
        let object = self.obj_mut(o);
        if object.watched {
            object.watched = false;
            self.agent.heap.proto_epoch += 1;
        }
    }

    /// Makes inline caches rely on `o`'s layout: its next change bumps the epoch.
    pub(crate) fn watch_layout(&mut self, o: ObjRef) {
        let object = self.obj_mut(o);
        if object.watched {
            return;
        }
        object.watched = true;
        // The list keeps objects no longer watched until a collection; a program that keeps
        // changing and re-caching the same prototype without allocating would grow it without
        // bound, so it is pruned to the watched objects, once each, whenever it is full.
        let list = &mut self.agent.heap.watched;
        if list.len() == list.capacity() && list.len() >= 1024 {
            let objects = &self.agent.heap.objects;
            list.retain(|&w| objects.is_allocated(w.0) && objects.get(w.0).watched);
            list.sort_unstable_by_key(|w| w.0);
            list.dedup();
        }
        self.agent.heap.watched.push(o);
    }

    fn realm_of_object_prototype(&self, o: ObjRef) -> bool {
        self.realms.list.iter().any(|r| r.object_prototype == o)
    }

    /// \[\[IsExtensible\]\]
    pub fn is_extensible(&mut self, o: ObjRef) -> JsResult<bool> {
        if self.proxy_parts(o).is_some() {
            return crate::proxy_object::is_extensible(self, o);
        }
        Ok(self.obj(o).extensible)
    }

    /// \[\[PreventExtensions\]\]
    pub fn prevent_extensions(&mut self, o: ObjRef) -> JsResult<bool> {
        if self.proxy_parts(o).is_some() {
            return crate::proxy_object::prevent_extensions(self, o);
        }
        self.obj_mut(o).extensible = false;
        Ok(true)
    }

    /// Object literal / class `DefineMethod`-style definition that never fails for fresh objects.
    pub fn define_hidden(&mut self, o: ObjRef, key: PropertyKey, value: Value) {
        self.define_own_property_raw(o, key, Property::data(value, attrs::HIDDEN));
    }
}
