//! The inline caches' fill and hit checks: own and prototype loads, loads from primitive
//! strings, global variables, stores and adds. The loop looks an entry up; these decide what an
//! entry may cache and whether it still holds (`docs/ARCHITECTURE.md` describes the scheme).

use crate::heap::ObjRef;
use crate::loaded_script::LoadedScript;
use crate::object::{ObjectKind, PropertyKey, ShapeId, StoredSlot, attrs};
use crate::string::Atom;
use crate::value::Value;
use crate::vm::Vm;
use std::cell::Cell;

/// Shapes an inline cache remembers per site (polymorphic up to this many).
pub const IC_WAYS: usize = 4;

/// What an inline-cache entry knows.
/// `repr(u8)` with `Empty` = 0, so that zeroed memory holds empty caches (see
/// `loaded_script::empty_caches`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub enum IcState {
    #[default]
    Empty = 0,
    /// A load of the own data property at `slot` of objects with `shape`.
    Own,
    /// A store to the own writable data property at `slot` of objects with `shape`.
    Store,
    /// A load of the data property at `slot` of the prototype `holder`, for objects with
    /// `shape` whose prototype is `proto`, while the prototype epoch is `epoch` (see
    /// [`InlineCache`]).
    Proto,
    /// A store that adds the property: objects with `shape` (extensible, ordinary) go to
    /// shape `holder`, the value to the new `slot`. For an assignment, only while the
    /// prototype is `proto` and the epoch `epoch` (no prototype has the key); a definition
    /// (`DefineNamed`) does not look at prototypes.
    Add,
    /// A global variable: the global object's property at `slot`, whose key is the atom
    /// `holder` (checked on use: the global object may be a dictionary).
    Global,
}

/// One way of an inline-cache site.
///
/// Entries that depend on prototypes (`Proto`, `Add`) do not re-check the chain: filling one
/// *watches* every prototype on it (`Object::watched`), a watched object that changes layout
/// (a property added, deleted or reconfigured, its prototype set) or is collected bumps
/// `Heap::proto_epoch`, and an entry holds only while the epoch is the one it was filled at.
#[derive(Clone, Copy, Debug, Default)]
pub struct InlineCache {
    pub shape: u32,
    pub slot: u32,
    pub state: IcState,
    /// `Proto`: the object holding the property; `Add`: the shape after the add; `Global`:
    /// the key's atom.
    pub holder: u32,
    /// `Proto`/`Add`: the receiver's prototype when filled (`NO_PROTO` for none).
    pub proto: u32,
    /// `Proto`/`Add`: `Heap::proto_epoch` when filled.
    pub epoch: u64,
}

/// [`InlineCache::shape`] of an entry for primitive string receivers (whose properties are
/// their realm's `String.prototype`'s, indices and `length` aside); no shape has this id.
pub const STRING_RECEIVER: u32 = u32::MAX - 1;

/// [`InlineCache::proto`] of a receiver with no prototype.
pub const NO_PROTO: u32 = u32::MAX;

/// The ways of one inline-cache site.
pub type IcWays = [Cell<InlineCache>; IC_WAYS];

/// The entry among a site's `ways` for objects of `shape`. (A fixed-size array: the search
/// unrolls, and most sites hit their first way.)
#[inline(always)]
pub fn ic_find(ways: &IcWays, shape: u32) -> Option<InlineCache> {
    ways.iter()
        .map(Cell::get)
        .find(|c| c.shape == shape && c.state != IcState::Empty)
}

/// The inline-cache "shape" of global variable reads (the global object may be a dictionary).
pub(crate) const GLOBAL_IC: u32 = u32::MAX;

/// The slot of an own named property of `o`, in shape or dictionary order.
fn own_slot(
    o: &crate::object::Object,
    shapes: &crate::object::Shapes,
    key: PropertyKey,
) -> Option<u32> {
    match o.shape {
        Some(s) => shapes.slot(s, key),
        None => o.dictionary.as_ref()?.index.get(&key).copied(),
    }
}

/// The value and attributes at `slot` of the global object if that slot still holds the data
/// property `atom`.
#[inline(always)]
pub(crate) fn global_slot(
    g: &crate::object::Object,
    shapes: &crate::object::Shapes,
    slot: u32,
    atom: u32,
) -> Option<(Value, u8)> {
    let (key, attributes) = match g.shape {
        Some(s) => *shapes.keys(s).get(slot as usize)?,
        None => *g.dictionary.as_ref()?.keys.get(slot as usize)?,
    };
    if key != PropertyKey::String(Atom(atom)) || attributes & attrs::ACCESSOR != 0 {
        return None;
    }
    Some((g.slots.get(slot as usize)?.as_data()?, attributes))
}

/// [`crate::inline_cache::InlineCache::holder`] of a `Proto` entry that caches a miss.
const NO_HOLDER: u32 = u32::MAX;

/// Whether objects of this kind have property behaviour their shape does not show, so no
/// inline cache may hit them by shape: proxies, string wrappers' indices and `length`,
/// arguments' mapped indices, namespaces' exports, contextified globals' sandboxes, typed
/// arrays' numeric keys.
pub(crate) fn exotic_for_ic(kind: &ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::Proxy { .. }
            | ObjectKind::String(_)
            | ObjectKind::Arguments { .. }
            | ObjectKind::Namespace(_)
            | ObjectKind::SandboxGlobal(_)
            | ObjectKind::TypedArray(_)
    )
}

/// Whether objects of this kind add a named property by shape alone (their
/// [[DefineOwnProperty]] for a name is the ordinary one).
fn adds_by_shape(kind: &ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::Ordinary | ObjectKind::Function(_) | ObjectKind::Error
    )
}

impl Vm {
    pub(crate) fn fill_ic(
        &mut self,
        script: &LoadedScript,
        function: u32,
        ic: u32,
        o: ObjRef,
        key: PropertyKey,
    ) {
        let object = self.obj(o);
        let Some(shape) = object.shape else { return };
        if !self.shape_says_all(object, key) {
            return;
        }
        if let Some(slot) = self.agent.shapes.slot(shape, key) {
            let entry = InlineCache {
                shape: shape.0,
                slot,
                state: IcState::Own,
                ..Default::default()
            };
            script.ic_insert(function, ic, entry);
            return;
        }
        // Not own: cache a hit on a prototype, every object on the way shaped and plain (and
        // watched from now on). Only named keys: elements are not in shapes, so a shape says
        // nothing about whether an object has an element.
        if matches!(key, PropertyKey::Index(_)) {
            return;
        }
        let proto = object.proto;
        let Some((holder, slot)) = self.watch_chain(proto, key) else {
            return;
        };
        let entry = InlineCache {
            shape: shape.0,
            slot,
            state: IcState::Proto,
            holder: holder.0,
            proto: proto.map_or(NO_PROTO, |p| p.0),
            epoch: self.agent.heap.proto_epoch,
        };
        script.ic_insert(function, ic, entry);
    }

    /// Walks the prototypes from `proto` to the first that has `key`, watching each (see
    /// `crate::inline_cache::InlineCache`): that holder and the key's slot, or `(ObjRef(NO_HOLDER), 0)`
    /// when no prototype has it. `None` when a shape cannot say (a dictionary or an exotic
    /// object on the way).
    fn watch_chain(&mut self, proto: Option<ObjRef>, key: PropertyKey) -> Option<(ObjRef, u32)> {
        let mut next = proto;
        let mut chain = smallvec::SmallVec::<[ObjRef; 8]>::new();
        let found = loop {
            let Some(p) = next else {
                break (ObjRef(NO_HOLDER), 0);
            };
            let object = self.obj(p);
            let shape = object.shape?;
            if !self.shape_says_all(object, key) {
                return None;
            }
            chain.push(p);
            if let Some(slot) = self.agent.shapes.slot(shape, key) {
                break (p, slot);
            }
            next = object.proto;
        };
        for p in chain {
            self.watch_layout(p);
        }
        Some(found)
    }

    /// The value a prototype-hit cache entry names for `object` (whose shape is the entry's),
    /// if it still holds: the same prototype, no watched object changed since (so the holder
    /// has the key in the same slot, and nothing before it has the key), and `object` not
    /// exotic (a kind is not part of a shape). An entry with no holder caches a miss.
    #[inline]
    pub(crate) fn proto_ic_hit(
        &self,
        object: &crate::object::Object,
        cache: &InlineCache,
    ) -> Option<Value> {
        if object.proto.map_or(NO_PROTO, |p| p.0) != cache.proto
            || self.agent.heap.proto_epoch != cache.epoch
            || exotic_for_ic(&object.kind)
        {
            return None;
        }
        self.cached_holder_value(cache)
    }

    /// The data property a holding `Proto` entry names: `undefined` for a cached miss.
    #[inline]
    fn cached_holder_value(&self, cache: &InlineCache) -> Option<Value> {
        if cache.holder == NO_HOLDER {
            return Some(Value::UNDEFINED);
        }
        self.obj(ObjRef(cache.holder))
            .slots
            .get(cache.slot as usize)?
            .as_data()
    }

    /// The global object a `Global` cache entry may read, if the entry holds: it was filled in
    /// the current realm (not a contextified one, whose globals live on the sandbox) when the
    /// realm had as many global lexical bindings as now (they are never removed, so a new one,
    /// which may shadow the cached name, ends every entry).
    #[inline(always)]
    pub(crate) fn global_ic_holds(&self, cache: &InlineCache) -> Option<ObjRef> {
        let realm = &self.realms[self.stack.realm as usize];
        (cache.proto == self.stack.realm
            && cache.epoch == realm.global_lexicals.len() as u64
            && realm.sandbox.is_none())
        .then_some(realm.global_object)
    }

    /// Caches a global variable's slot after a load (or, `writing`, a store) that went the
    /// slow way: a data property of the global object that no lexical binding shadows.
    pub(crate) fn fill_global_ic(
        &mut self,
        script: &LoadedScript,
        function: u32,
        ic: u32,
        name: Atom,
        writing: bool,
    ) {
        let realm = &self.realms[self.stack.realm as usize];
        if realm.sandbox.is_some() || realm.global_lexicals.contains_key(&name) {
            return;
        }
        let lexicals = realm.global_lexicals.len() as u64;
        let g = self.obj(realm.global_object);
        let key = self.atom_to_key(name);
        let (Some(slot), PropertyKey::String(atom)) = (own_slot(g, &self.agent.shapes, key), key)
        else {
            return;
        };
        let Some((_, attributes)) = global_slot(g, &self.agent.shapes, slot, atom.0) else {
            return;
        };
        if writing && attributes & attrs::WRITABLE == 0 {
            return;
        }
        script.ic_insert(
            function,
            ic,
            InlineCache {
                shape: GLOBAL_IC,
                slot,
                state: IcState::Global,
                holder: atom.0,
                proto: self.stack.realm,
                epoch: lexicals,
            },
        );
    }

    /// Caches a load of `key` from a primitive string: a property of the realm's
    /// `String.prototype` or its chain (a string's own properties are its indices and
    /// `length`, which never come here).
    pub(crate) fn fill_string_ic(
        &mut self,
        script: &LoadedScript,
        function: u32,
        ic: u32,
        key: PropertyKey,
    ) {
        if matches!(key, PropertyKey::Index(_))
            || key == PropertyKey::String(self.agent.names.length)
        {
            return;
        }
        let proto = self.intrinsics().string_prototype;
        let Some((holder, slot)) = self.watch_chain(Some(proto), key) else {
            return;
        };
        let entry = InlineCache {
            shape: STRING_RECEIVER,
            slot,
            state: IcState::Proto,
            holder: holder.0,
            proto: proto.0,
            epoch: self.agent.heap.proto_epoch,
        };
        script.ic_insert(function, ic, entry);
    }

    /// The value a primitive-string entry names, if it holds: the current realm's
    /// `String.prototype` is the one it was filled for, and the epoch is the same.
    #[inline]
    pub(crate) fn string_ic_hit(&self, cache: &InlineCache) -> Option<Value> {
        if cache.state != IcState::Proto
            || self.intrinsics().string_prototype.0 != cache.proto
            || self.agent.heap.proto_epoch != cache.epoch
        {
            return None;
        }
        self.cached_holder_value(cache)
    }

    /// Whether `object`'s shape says all about its own property `key`: no exotic behaviour
    /// for that key to bypass. (A string wrapper such as `String.prototype` is exotic only
    /// for indices and `length`, arguments objects only for indices.)
    fn shape_says_all(&self, object: &crate::object::Object, key: PropertyKey) -> bool {
        let index = matches!(key, PropertyKey::Index(_));
        let length = key == PropertyKey::String(self.agent.names.length);
        match object.kind {
            ObjectKind::String(_) => !index && !length,
            ObjectKind::Arguments { .. } => !index,
            ObjectKind::Array => !length,
            ref kind => !exotic_for_ic(kind),
        }
    }

    /// Caches a store to `key` on `o` that just happened: a write to an existing writable
    /// data property, or an add (`o` went from shape `before` to the shape that adds `key`).
    /// An assignment's add is cached only when no prototype has the key (`defining` is a
    /// definition, which does not look at prototypes).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fill_set_ic(
        &mut self,
        script: &LoadedScript,
        function: u32,
        ic: u32,
        o: ObjRef,
        key: PropertyKey,
        before: Option<ShapeId>,
        defining: bool,
    ) {
        let object = self.obj(o);
        let Some(shape) = object.shape else { return };
        if !self.shape_says_all(object, key) || matches!(key, PropertyKey::Index(_)) {
            return;
        }
        let Some((slot, attributes)) = self.agent.shapes.lookup(shape, key) else {
            return;
        };
        if attributes != attrs::DEFAULT {
            return;
        }
        if before == Some(shape) {
            let entry = InlineCache {
                shape: shape.0,
                slot,
                state: IcState::Store,
                ..Default::default()
            };
            script.ic_insert(function, ic, entry);
            return;
        }
        let Some(from) = before else { return };
        if self.agent.shapes.link(shape) != Some((from, key))
            || !object.extensible
            || !adds_by_shape(&object.kind)
        {
            return;
        }
        let proto = object.proto;
        if !defining && self.watch_chain(proto, key) != Some((ObjRef(NO_HOLDER), 0)) {
            return;
        }
        let entry = InlineCache {
            shape: from.0,
            slot,
            state: IcState::Add,
            holder: shape.0,
            proto: proto.map_or(NO_PROTO, |p| p.0),
            epoch: self.agent.heap.proto_epoch,
        };
        script.ic_insert(function, ic, entry);
    }

    /// Adds property `slot` of an `Add` cache entry's shape to `o` (whose shape is the
    /// entry's) with value `v`, if the entry holds: `o` is still extensible and ordinary and,
    /// for an assignment (`check_prototypes`), has the prototype the entry saw at the epoch
    /// it was filled at.
    #[inline]
    pub(crate) fn add_by_ic(
        &mut self,
        o: ObjRef,
        cache: &InlineCache,
        v: Value,
        check_prototypes: bool,
    ) -> bool {
        let object = self.obj(o);
        if !object.extensible
            || !adds_by_shape(&object.kind)
            || check_prototypes
                && (object.proto.map_or(NO_PROTO, |p| p.0) != cache.proto
                    || self.agent.heap.proto_epoch != cache.epoch)
        {
            return false;
        }
        self.layout_changing(o);
        let object = self.obj_mut(o);
        debug_assert_eq!(object.slots.len(), cache.slot as usize);
        object.shape = Some(ShapeId(cache.holder));
        let grown = object.slots.push(StoredSlot::data(v));
        if grown != 0 {
            self.agent.heap.note_growth(grown);
        }
        true
    }
}
