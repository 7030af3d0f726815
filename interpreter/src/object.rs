//! Objects: property keys, shapes (hidden classes with a transition tree) and dictionary mode,
//! indexed elements (dense with a sparse fallback), the kinds of exotic and built-in objects,
//! symbols and environments.

use crate::heap::{EnvRef, ObjRef, StrRef, SymRef, Trace, Traced, buffer_bytes, hash_table_bytes};
use crate::string::Atom;
use crate::value::Value;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PropertyKey {
    /// A canonical array index (`0` to `2^32 - 2`).
    Index(u32),
    String(Atom),
    Symbol(SymRef),
}

/// Property attribute bits.
pub mod attrs {
    pub const WRITABLE: u8 = 1;
    pub const ENUMERABLE: u8 = 2;
    pub const CONFIGURABLE: u8 = 4;
    /// The slot holds a getter/setter pair (WRITABLE is then meaningless).
    pub const ACCESSOR: u8 = 8;
    /// Writable, enumerable and configurable: what assignment creates.
    pub const DEFAULT: u8 = WRITABLE | ENUMERABLE | CONFIGURABLE;
    /// Writable and configurable, not enumerable: built-in methods.
    pub const HIDDEN: u8 = WRITABLE | CONFIGURABLE;
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Slot {
    Data(Value),
    Accessor { get: Value, set: Value },
}

/// What an object stores for one named property, in one word: a data property's value, or a
/// reference to the cell that holds an accessor property's getter and setter (an object of kind
/// [`ObjectKind::AccessorPair`], which JavaScript never sees). Which of the two a slot holds is
/// in the word itself, so a reader that expects data checks it without the property's attributes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StoredSlot(Value);

impl StoredSlot {
    pub fn data(value: Value) -> StoredSlot {
        StoredSlot(value)
    }

    pub(crate) fn accessor(pair: ObjRef) -> StoredSlot {
        StoredSlot(Value::accessor_pair(pair.0))
    }

    /// A built-in method of realm `realm` not made yet: the agent's [`LazyMethod`] `index`
    /// (`None` if the realm's number does not fit). See [`Vm::define_method`].
    pub(crate) fn lazy_method(realm: u32, index: u16) -> Option<StoredSlot> {
        Value::lazy_method(realm, index).map(StoredSlot)
    }

    /// The value of a data property (`None` for an accessor, and for a method not made yet:
    /// readers that expect data take their slow path, which makes it).
    #[inline(always)]
    pub fn as_data(self) -> Option<Value> {
        (!self.0.is_slot_reference()).then_some(self.0)
    }

    /// The cell with an accessor property's getter and setter.
    pub fn as_accessor(self) -> Option<ObjRef> {
        self.0.as_accessor_pair().map(ObjRef)
    }

    /// The realm and number of a built-in method not made yet.
    pub fn as_lazy_method(self) -> Option<(u32, u16)> {
        self.0.as_lazy_method()
    }

    fn trace(self, out: &mut Vec<Traced>) {
        if let Some(pair) = self.as_accessor() {
            out.push(Traced::Value(pair.value()));
        } else if let Some((realm, _)) = self.as_lazy_method() {
            // The method will be made in its realm, which must not be freed and reused first.
            out.push(Traced::Realm(realm));
        } else {
            out.push(Traced::Value(self.0));
        }
    }
}

/// How many named-property values an object keeps in its own cell; one with more keeps them all
/// in a block of their own. Most objects have a few properties: they need no second allocation,
/// and reading one is a load from the cell.
const INLINE_SLOTS: usize = 4;

/// An object's named-property values, in key order.
#[derive(Clone)]
pub enum Slots {
    Inline {
        len: u8,
        values: [StoredSlot; INLINE_SLOTS],
    },
    Spilled(Vec<StoredSlot>),
}

impl Default for Slots {
    fn default() -> Self {
        Slots::Inline {
            len: 0,
            values: [StoredSlot::data(Value::UNDEFINED); INLINE_SLOTS],
        }
    }
}

impl Slots {
    /// Appends `slot`; returns the bytes the separate block grew by.
    pub fn push(&mut self, slot: StoredSlot) -> usize {
        match self {
            Slots::Inline { len, values } => {
                if (*len as usize) < INLINE_SLOTS {
                    values[*len as usize] = slot;
                    *len += 1;
                    return 0;
                }
                let mut spilled = Vec::with_capacity(2 * INLINE_SLOTS);
                spilled.extend_from_slice(&values[..]);
                spilled.push(slot);
                let bytes = vec_bytes(&spilled);
                *self = Slots::Spilled(spilled);
                bytes
            }
            Slots::Spilled(v) => {
                let before = v.capacity();
                v.push(slot);
                (v.capacity() - before) * size_of::<StoredSlot>()
            }
        }
    }

    pub fn remove(&mut self, i: usize) -> StoredSlot {
        match self {
            Slots::Inline { len, values } => {
                let removed = values[i];
                values.copy_within(i + 1..*len as usize, i);
                *len -= 1;
                removed
            }
            Slots::Spilled(v) => v.remove(i),
        }
    }

    /// Bytes of the separate block, if the values have one.
    fn heap_bytes(&self) -> usize {
        match self {
            Slots::Inline { .. } => 0,
            Slots::Spilled(v) => vec_bytes(v),
        }
    }
}

impl std::ops::Deref for Slots {
    type Target = [StoredSlot];
    #[inline(always)]
    fn deref(&self) -> &[StoredSlot] {
        match self {
            Slots::Inline { len, values } => &values[..*len as usize],
            Slots::Spilled(v) => v,
        }
    }
}

impl std::ops::DerefMut for Slots {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [StoredSlot] {
        match self {
            Slots::Inline { len, values } => &mut values[..*len as usize],
            Slots::Spilled(v) => v,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Property {
    pub slot: Slot,
    pub attrs: u8,
}

impl Property {
    pub fn data(value: Value, attrs: u8) -> Property {
        Property {
            slot: Slot::Data(value),
            attrs,
        }
    }
    pub fn is_accessor(&self) -> bool {
        self.attrs & attrs::ACCESSOR != 0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShapeId(pub u32);

/// A hidden class: the ordered keys and attributes of an object's named properties.
///
/// A shape of one key holds it; a longer one's keys are the first `len` of a [`KeyTable`] it
/// shares with the shapes on its path.
pub struct Shape {
    /// [`NO_TABLE`] for shapes of no key or one.
    table: u32,
    len: u32,
    /// The key of a shape of one key (an object literal's first property, a map of one
    /// unique name): most branches of the tree, kept without a table.
    only: (PropertyKey, u8),
    /// The shapes made from this one by adding a key (boxed: most shapes have none, and every
    /// shape, freed ones too, keeps a word for it in the table).
    #[allow(clippy::box_collection)]
    transitions: Option<Box<FxHashMap<(PropertyKey, u8), ShapeId>>>,
    /// The shape this one was added to (its keys are this one's but the last); `None` for
    /// the empty shape and freed ones.
    parent: Option<ShapeId>,
}

impl Shape {
    /// A freed shape: no keys, no links.
    const VACANT: Shape = Shape {
        table: NO_TABLE,
        len: 0,
        only: (PropertyKey::Index(0), 0),
        transitions: None,
        parent: None,
    };

    fn transition(&self, key: PropertyKey, attrs: u8) -> Option<ShapeId> {
        self.transitions.as_ref()?.get(&(key, attrs)).copied()
    }

    fn transitions_bytes(&self) -> usize {
        self.transitions.as_ref().map_or(0, |t| {
            buffer_bytes(size_of::<FxHashMap<(PropertyKey, u8), ShapeId>>())
                + transition_bytes(t.capacity())
        })
    }
}

fn transition_bytes(capacity: usize) -> usize {
    hash_table_bytes(capacity, size_of::<((PropertyKey, u8), ShapeId)>())
}

/// The `table` of shapes with no key table.
const NO_TABLE: u32 = u32::MAX;

#[cold]
fn collected_shape(id: ShapeId) -> ! {
    panic!("use of a collected shape ({})", id.0)
}

/// The keys of a path of shapes, as V8's descriptor arrays: a shape made by adding a key to the
/// longest shape of a table appends to that table, so a path of n shapes (a built-in prototype
/// with its methods, a constructor's objects) holds n keys in one table instead of n copies of
/// its prefixes. A shape made from any other shape of the table (a branch) copies its prefix
/// into a table of its own.
struct KeyTable {
    keys: Vec<(PropertyKey, u8)>,
    /// Each key's position in `keys` (a shape has the key when the position is below its
    /// `len`); made once the table has more than [`SCANNED_KEYS`], searched by a scan until
    /// then (most tables are a few keys: one object literal's, one constructor's).
    index: Option<Box<FxHashMap<PropertyKey, u32>>>,
    /// How many live shapes use the table; a table with none is freed.
    shapes: u32,
}

/// Key tables up to this long have no index.
const SCANNED_KEYS: usize = 8;

impl KeyTable {
    fn new(keys: Vec<(PropertyKey, u8)>) -> KeyTable {
        let mut table = KeyTable {
            keys,
            index: None,
            shapes: 0,
        };
        table.index_if_long();
        table
    }

    fn bytes(&self) -> usize {
        buffer_bytes(self.keys.capacity() * size_of::<(PropertyKey, u8)>())
            + self.index.as_ref().map_or(0, |index| {
                buffer_bytes(size_of::<FxHashMap<PropertyKey, u32>>())
                    + hash_table_bytes(index.capacity(), size_of::<(PropertyKey, u32)>())
            })
    }

    /// Where `key` is in the table.
    #[inline(always)]
    fn position(&self, key: PropertyKey) -> Option<u32> {
        match &self.index {
            Some(index) => index.get(&key).copied(),
            None => self
                .keys
                .iter()
                .position(|&(k, _)| k == key)
                .map(|i| i as u32),
        }
    }

    fn push(&mut self, key: PropertyKey, attrs: u8) {
        if let Some(index) = &mut self.index {
            index.insert(key, self.keys.len() as u32);
        }
        self.keys.push((key, attrs));
        self.index_if_long();
    }

    fn index_if_long(&mut self) {
        if self.index.is_none() && self.keys.len() > SCANNED_KEYS {
            let index = self.keys.iter().zip(0..).map(|(&(k, _), i)| (k, i));
            self.index = Some(Box::new(index.collect()));
        }
    }

    /// Drops the keys from position `len` on.
    fn truncate(&mut self, len: usize) {
        for (key, _) in self.keys.drain(len..) {
            if let Some(index) = &mut self.index {
                index.remove(&key);
            }
        }
        if len <= SCANNED_KEYS {
            self.index = None;
        }
    }
}

/// Objects with more named properties than this leave the shape tree.
const MAX_SHAPED_PROPERTIES: usize = 64;

/// The shape tree. Shapes are collected: a collection marks the shapes of the objects it
/// reaches and those inline caches name, with their ancestors (so a constructor's objects keep
/// finding the same transitions); the rest are unlinked from their parents and their ids
/// reused.
pub struct Shapes {
    shapes: Vec<Shape>,
    /// Freed ids, reused by the next shapes made.
    free: Vec<u32>,
    /// The key tables, renumbered by each collection to keep them dense.
    tables: Vec<KeyTable>,
    /// Under gc-stress freed ids are never reused, and using a freed shape fails loudly.
    pub gc_stress: bool,
    /// The key tables' and transition tables' bytes.
    table_bytes: usize,
}

impl Default for Shapes {
    fn default() -> Self {
        // The template realm makes about 930 shapes: room for them from the start, so that
        // building it does not copy the list at every doubling (and leave the copies resident).
        let mut shapes = Vec::with_capacity(1024);
        shapes.push(Shape::VACANT);
        Shapes {
            shapes,
            free: Vec::new(),
            tables: Vec::new(),
            gc_stress: false,
            table_bytes: 0,
        }
    }
}

impl Shapes {
    pub const EMPTY: ShapeId = ShapeId(0);

    /// Bytes the shape tree holds.
    pub fn heap_bytes(&self) -> usize {
        self.table_bytes
            + self.shapes.capacity() * size_of::<Shape>()
            + self.free.capacity() * size_of::<u32>()
            + self.tables.capacity() * size_of::<KeyTable>()
    }

    #[inline(always)]
    fn get(&self, id: ShapeId) -> &Shape {
        let shape = &self.shapes[id.0 as usize];
        if self.gc_stress && id != Self::EMPTY && shape.parent.is_none() {
            collected_shape(id)
        }
        shape
    }

    /// The keys and attributes of shape `id`, in the order they were added.
    #[inline(always)]
    pub fn keys(&self, id: ShapeId) -> &[(PropertyKey, u8)] {
        let shape = self.get(id);
        match self.tables.get(shape.table as usize) {
            Some(table) => &table.keys[..shape.len as usize],
            None => &std::slice::from_ref(&shape.only)[..shape.len as usize],
        }
    }

    /// The slot of `key` in objects of shape `id`.
    #[inline(always)]
    pub fn slot(&self, id: ShapeId, key: PropertyKey) -> Option<u32> {
        self.lookup(id, key).map(|(slot, _)| slot)
    }

    /// The slot of `key` in objects of shape `id` and its attributes.
    #[inline(always)]
    pub fn lookup(&self, id: ShapeId, key: PropertyKey) -> Option<(u32, u8)> {
        let shape = self.get(id);
        match self.tables.get(shape.table as usize) {
            Some(table) => {
                let i = table.position(key)?;
                (i < shape.len).then(|| (i, table.keys[i as usize].1))
            }
            None => (shape.len == 1 && shape.only.0 == key).then_some((0, shape.only.1)),
        }
    }

    /// How many shape ids exist (freed ones included): the size of a collection's mark list.
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// The shape `id` was made from and the key it added (what marking `id` must also mark).
    pub fn link(&self, id: ShapeId) -> Option<(ShapeId, PropertyKey)> {
        let shape = self.shapes.get(id.0 as usize)?;
        Some((shape.parent?, self.last_key(shape)?.0))
    }

    /// The key `shape` added to its parent.
    fn last_key(&self, shape: &Shape) -> Option<(PropertyKey, u8)> {
        let last = shape.len.checked_sub(1)? as usize;
        match self.tables.get(shape.table as usize) {
            Some(table) => table.keys.get(last).copied(),
            None => Some(shape.only),
        }
    }

    /// The shape after adding `key` with `attrs` to `from`, or `None` when the object should
    /// become a dictionary.
    pub fn add(&mut self, from: ShapeId, key: PropertyKey, attrs: u8) -> Option<ShapeId> {
        if let Some(to) = self.shapes[from.0 as usize].transition(key, attrs) {
            return Some(to);
        }
        let parent = &self.shapes[from.0 as usize];
        let (len, shared) = (parent.len, parent.table);
        if len as usize >= MAX_SHAPED_PROPERTIES {
            return None;
        }
        let table = if len == 0 {
            NO_TABLE
        } else if self
            .tables
            .get(shared as usize)
            .is_some_and(|t| t.keys.len() == len as usize)
        {
            shared
        } else {
            let keys = self.keys(from).to_vec();
            self.new_table(KeyTable::new(keys))
        };
        if let Some(t) = self.tables.get_mut(table as usize) {
            self.table_bytes -= t.bytes();
            t.push(key, attrs);
            t.shapes += 1;
            self.table_bytes += t.bytes();
        }
        let shape = Shape {
            table,
            len: len + 1,
            only: (key, attrs),
            transitions: None,
            parent: Some(from),
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.shapes[id as usize] = shape;
                ShapeId(id)
            }
            None => {
                self.shapes.push(shape);
                ShapeId(self.shapes.len() as u32 - 1)
            }
        };
        // The parent's transition table grows by an entry.
        let parent = &mut self.shapes[from.0 as usize];
        let before = parent.transitions_bytes();
        parent
            .transitions
            .get_or_insert_default()
            .insert((key, attrs), id);
        self.table_bytes += parent.transitions_bytes();
        self.table_bytes -= before;
        Some(id)
    }

    fn new_table(&mut self, table: KeyTable) -> u32 {
        self.table_bytes += table.bytes();
        self.tables.push(table);
        self.tables.len() as u32 - 1
    }

    /// Frees every shape not in `marks` (indexed by id; marking a shape marks its ancestors)
    /// but the empty one, unlinking it from its parent; returns how many were freed. Key tables
    /// no shape uses are freed, and the others lose the keys past their longest live shape.
    pub fn sweep(&mut self, marks: &[bool]) -> usize {
        let mut freed = 0;
        for id in 1..self.shapes.len() {
            if marks.get(id).copied().unwrap_or(false) || self.shapes[id].parent.is_none() {
                continue;
            }
            let shape = std::mem::replace(&mut self.shapes[id], Shape::VACANT);
            self.table_bytes -= shape.transitions_bytes();
            let Some((key, attrs)) = self.last_key(&shape) else {
                continue;
            };
            if let Some(table) = self.tables.get_mut(shape.table as usize) {
                table.shapes -= 1;
            }
            if let Some(parent) = shape.parent {
                let parent = &mut self.shapes[parent.0 as usize];
                if parent.transition(key, attrs) == Some(ShapeId(id as u32)) {
                    let before = parent.transitions_bytes();
                    if let Some(transitions) = &mut parent.transitions {
                        transitions.remove(&(key, attrs));
                        if transitions.is_empty() {
                            parent.transitions = None;
                        } else if transitions.capacity() > 4 * transitions.len().max(4) {
                            // A constructor's many one-off shapes are gone.
                            transitions.shrink_to(2 * transitions.len());
                        }
                    }
                    self.table_bytes += parent.transitions_bytes();
                    self.table_bytes -= before;
                }
            }
            freed += 1;
            if !self.gc_stress {
                self.free.push(id as u32);
            }
        }
        if freed > 0 {
            self.compact_tables();
            if !self.gc_stress {
                // The empty shape (id 0) has no parent but is never freed.
                crate::heap::trim_freed_tail(&mut self.shapes, &mut self.free, 1, |s| {
                    s.parent.is_none()
                });
            }
        }
        freed
    }

    /// Frees the tables no shape uses and renumbers the others densely (only shapes name
    /// them), and cuts each to its longest live shape's keys, so that the next shape added to
    /// that one appends again and no table keeps keys (atoms) no shape has.
    fn compact_tables(&mut self) {
        let mut renumbered = vec![u32::MAX; self.tables.len()];
        let mut longest = vec![0u32; self.tables.len()];
        let mut kept = 0;
        for (n, table) in self.tables.iter_mut().enumerate() {
            if table.shapes > 0 {
                renumbered[n] = kept;
                kept += 1;
            } else {
                // Dropped by the `retain_mut` below.
                self.table_bytes -= table.bytes();
            }
        }
        for shape in &mut self.shapes {
            if let Some(&n) = renumbered.get(shape.table as usize) {
                let longest = &mut longest[shape.table as usize];
                *longest = (*longest).max(shape.len);
                shape.table = n;
            }
        }
        let mut n = 0;
        self.tables.retain_mut(|table| {
            let keep = renumbered[n] != u32::MAX;
            if keep && (longest[n] as usize) < table.keys.len() {
                self.table_bytes -= table.bytes();
                table.truncate(longest[n] as usize);
                self.table_bytes += table.bytes();
            }
            n += 1;
            keep
        });
        if self.tables.capacity() > 2 * self.tables.len().max(64) {
            self.tables.shrink_to_fit();
        }
    }
}

/// Named properties of an object in dictionary mode.
#[derive(Default, Clone)]
pub struct Dictionary {
    pub keys: Vec<(PropertyKey, u8)>,
    pub index: FxHashMap<PropertyKey, u32>,
}

/// Indexed properties.
pub enum Elements {
    /// `Value::HOLE` marks a missing index; every present one is a default data property.
    Dense(Vec<Value>),
    /// Boxed: most objects are dense, and the box keeps `Elements` (in every object) small.
    Sparse(Box<BTreeMap<u32, Property>>),
}

/// How a closure's `this` and construction behave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstructorKind {
    /// Not a constructor (arrows, methods, generators, async functions).
    None,
    Base,
    Derived,
}

pub struct Closure {
    pub script: Rc<crate::loaded_script::LoadedScript>,
    pub function: u32,
    /// `script`'s header of `function`.
    pub header: crate::loaded_script::FunctionHeader,
    pub env: Option<EnvRef>,
    /// An arrow's `this` where its creator's `this` was not captured (the top level).
    pub this_value: Value,
    pub home: Option<ObjRef>,
    /// A class constructor's field initialiser.
    pub fields: Option<ObjRef>,
    pub constructor_kind: ConstructorKind,
    pub is_class_constructor: bool,
    pub realm: u32,
}

pub type NativeFn = fn(&mut crate::vm::Vm, Value, &[Value]) -> crate::vm::JsResult<Value>;
/// A native constructor: `(vm, args, new_target)`.
pub type NativeCtor = fn(&mut crate::vm::Vm, &[Value], ObjRef) -> crate::vm::JsResult<Value>;

/// A built-in method as [`Vm::define_method`] records it: its slot holds a stand-in
/// ([`StoredSlot::lazy_method`]) until the property is first read, when the function object is
/// made in the slot's realm (QuickJS's autoinit properties work the same way). A realm's
/// methods thus cost a word each until used, and a context that runs a little code makes few.
#[derive(Clone, Copy)]
pub struct LazyMethod {
    pub call: NativeFn,
    /// The property's key.
    pub key: PropertyKey,
    /// The function's `name` (`get` and a space before it for a getter).
    pub name: Atom,
    pub length: u32,
    /// An accessor property with this function as its getter and no setter.
    pub getter: bool,
}

/// Every [`LazyMethod`] of an agent, numbered (every realm's stand-ins share the numbers).
pub struct LazyMethods {
    pub list: Vec<LazyMethod>,
    numbers: FxHashMap<(usize, PropertyKey, Atom, u32, bool), u16>,
}

impl Default for LazyMethods {
    /// Room for the template realm's methods (about 710) from the start.
    fn default() -> Self {
        LazyMethods {
            list: Vec::with_capacity(1024),
            numbers: FxHashMap::with_capacity_and_hasher(896, Default::default()),
        }
    }
}

impl LazyMethods {
    /// The number of `method`, given it if new; `None` once 65,536 are numbered.
    pub fn number(&mut self, method: LazyMethod) -> Option<u16> {
        let key = (
            method.call as usize,
            method.key,
            method.name,
            method.length,
            method.getter,
        );
        if let Some(&n) = self.numbers.get(&key) {
            return Some(n);
        }
        let n = u16::try_from(self.list.len()).ok()?;
        self.list.push(method);
        self.numbers.insert(key, n);
        Some(n)
    }

    pub fn trace(&self, out: &mut Vec<Traced>) {
        for method in &self.list {
            trace_key(method.key, out);
            out.push(Traced::Atom(method.name));
        }
    }
}

pub struct NativeFunction {
    pub call: NativeFn,
    pub construct: Option<NativeCtor>,
    pub realm: u32,
    /// State for closures made by built-ins (promise resolving functions and the like).
    pub data: Vec<Value>,
}

pub struct BoundFunction {
    pub target: ObjRef,
    pub this: Value,
    pub args: Vec<Value>,
}

/// A suspended generator or async function: the saved frame.
pub struct SavedFrame {
    pub frame: crate::stack::Frame,
    pub registers: Vec<Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeneratorState {
    SuspendedStart,
    SuspendedYield,
    Executing,
    Completed,
}

pub struct Generator {
    pub state: GeneratorState,
    /// The body has reached its initial suspension (parameters are bound).
    pub started: bool,
    pub saved: Option<SavedFrame>,
    /// Async generators: the queue of `{ completion, promise capability }` requests.
    pub queue: std::collections::VecDeque<AsyncGeneratorRequest>,
    pub is_async: bool,
}

pub struct AsyncGeneratorRequest {
    pub mode: u8,
    pub value: Value,
    pub promise: ObjRef,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromiseState {
    Pending,
    Fulfilled,
    Rejected,
}

pub struct Promise {
    pub state: PromiseState,
    pub result: Value,
    pub fulfill_reactions: Vec<Reaction>,
    pub reject_reactions: Vec<Reaction>,
    pub handled: bool,
}

#[derive(Clone, Copy, Debug)]
pub enum ReactionHandler {
    Value(Value),
    /// Resume the suspended async function or generator `object` (`Await`).
    Resume(ObjRef),
}

#[derive(Clone, Copy, Debug)]
pub struct Reaction {
    /// The derived promise's capability: promise, resolve, reject (undefined for awaits).
    pub capability: Option<(Value, Value, Value)>,
    pub handler: ReactionHandler,
    pub is_reject: bool,
}

pub struct ForInIterator {
    pub object: Value,
    pub keys: Vec<Value>,
    pub visited: rustc_hash::FxHashSet<PropertyKey>,
    pub position: usize,
}

#[derive(Clone, Copy, Debug)]
pub enum NamespaceTarget {
    Binding(EnvRef, u32),
    Namespace(ObjRef),
}

/// A module namespace exotic object's slots.
#[derive(Default)]
pub struct NamespaceData {
    /// \[\[Exports\]\], each with where its value lives, sorted by name.
    pub exports: Vec<(Atom, NamespaceTarget)>,
    /// \[\[Deferred\]\] (the import defer proposal): for a deferred namespace, the index of
    /// its module, which evaluates when a string-keyed property other than `then` is looked at.
    pub deferred: Option<u32>,
    /// The realm of the module: a deferred namespace keeps it alive, as the module's record
    /// lives with its realm (`ModuleMap`).
    pub module_realm: u32,
}

pub enum PrivateElement {
    Field(Value),
    Method(Value),
    Accessor { get: Value, set: Value },
}

pub enum ObjectKind {
    Ordinary,
    /// An accessor property's getter and setter, in the cell a [`StoredSlot`] refers to: never a
    /// JavaScript value. Never changed once made (a redefinition makes a new one).
    AccessorPair {
        get: Value,
        set: Value,
    },
    Array,
    Function(Box<Closure>),
    Native(Box<NativeFunction>),
    Bound(Box<BoundFunction>),
    Error,
    Boolean(bool),
    Number(f64),
    String(StrRef),
    Symbol(SymRef),
    BigInt(crate::heap::BigRef),
    /// Mapped arguments alias the first `count` slots of `env`.
    Arguments {
        mapped: Option<(EnvRef, u32)>,
    },
    Generator(Box<Generator>),
    /// A suspended async function's frame (it has no other object).
    AsyncFunction(Box<Generator>),
    Promise(Box<Promise>),
    /// A revoked proxy has neither target nor handler; `callable`/`constructor` come from the
    /// target at creation.
    Proxy {
        target: Option<ObjRef>,
        handler: Option<ObjRef>,
        callable: bool,
        constructor: bool,
    },
    ForIn(Box<ForInIterator>),
    /// %ArrayIteratorPrototype% instances: `kind` 0 keys, 1 values, 2 entries.
    ArrayIterator {
        object: Value,
        index: u32,
        kind: u8,
    },
    StringIterator {
        string: Value,
        position: u32,
    },
    RegExp(Box<crate::slots::RegExpData>),
    /// %RegExpStringIterator% (`matchAll`).
    RegExpStringIterator {
        regexp: Value,
        string: Value,
        global: bool,
        unicode: bool,
        done: bool,
    },
    Map(Box<crate::collections::MapData>),
    Set(Box<crate::collections::MapData>),
    MapIterator {
        map: Value,
        index: usize,
        kind: u8,
    },
    SetIterator {
        set: Value,
        index: usize,
        kind: u8,
    },
    Date(f64),
    /// The result of `JSON.rawJSON` (\[\[IsRawJSON\]\]).
    RawJson,
    /// A Temporal object (Duration, Instant, PlainDate, ...).
    Temporal(Box<crate::slots::TemporalValue>),
    /// An ArrayBuffer or SharedArrayBuffer.
    ArrayBuffer(Box<crate::slots::BufferData>),
    /// An integer-indexed exotic object (10.4.5).
    TypedArray(Box<crate::slots::TypedArrayData>),
    DataView(Box<crate::slots::ViewData>),
    /// The global object of a context whose properties live on a sandbox object (`node:vm`'s
    /// contextified objects): lookups, assignments, declarations and deletes go to the sandbox
    /// first (see `crate::context`).
    SandboxGlobal(ObjRef),
    /// Data an embedder attaches to an object (e.g. a `vm.Script`'s compiled code).
    HostData(Rc<dyn HostObject>),
    /// Entries held weakly: the collector drops an entry whose key is otherwise unreachable and
    /// marks a value only through its live key (an ephemeron).
    WeakMap(Box<crate::slots::WeakData>),
    WeakSet(Box<crate::slots::WeakData>),
    /// The target, or undefined once collected.
    WeakRef(Value),
    FinalizationRegistry(Box<crate::slots::Registry>),
    /// A DisposableStack or AsyncDisposableStack: its state and \[\[DisposeCapability\]\].
    DisposableStack(Box<crate::slots::DisposableStackData>),
    /// An iterator helper (`map`, `filter`, ...): a generator written as a state machine.
    IteratorHelper(Box<crate::slots::Helper>),
    /// What `Iterator.from` wraps a non-Iterator iterator in.
    WrappedIterator {
        iterator: Value,
        next: Value,
    },
    /// A module namespace exotic object: its exports, sorted by name (and for a deferred
    /// namespace, its module).
    Namespace(Box<NamespaceData>),
    /// An import's link to the exporting module's binding (lives in the importer's environment).
    ImportBinding {
        env: EnvRef,
        slot: u32,
    },
}

/// What a host keeps inside an object (`ObjectKind::HostData`): any Rust data, with the
/// JavaScript values it holds reported to the collector.
pub trait HostObject: std::any::Any {
    /// Pushes every JavaScript value the data holds.
    fn trace(&self, _out: &mut Vec<Traced>) {}
}

impl dyn HostObject {
    /// The data as `T`, if it is one.
    pub fn downcast<T: HostObject>(&self) -> Option<&T> {
        (self as &dyn std::any::Any).downcast_ref()
    }
}

/// An object's private fields, methods and accessors, keyed by private name: nothing at all
/// (one null pointer) for the objects that have none, nearly all of them.
#[derive(Default)]
// One pointer in every object (a `Vec` would be three words; nearly all are empty).
#[allow(clippy::box_collection)]
pub struct PrivateElements(Option<Box<Vec<(SymRef, PrivateElement)>>>);

impl PrivateElements {
    pub fn push(&mut self, name: SymRef, element: PrivateElement) {
        self.0.get_or_insert_default().push((name, element));
    }

    fn heap_bytes(&self) -> usize {
        self.0.as_ref().map_or(0, |v| {
            size_of::<Vec<(SymRef, PrivateElement)>>() + vec_bytes(v)
        })
    }
}

impl std::ops::Deref for PrivateElements {
    type Target = [(SymRef, PrivateElement)];
    fn deref(&self) -> &Self::Target {
        self.0.as_deref().map_or(&[], |v| v.as_slice())
    }
}

impl std::ops::DerefMut for PrivateElements {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match &mut self.0 {
            Some(v) => v.as_mut_slice(),
            None => &mut [],
        }
    }
}

pub struct Object {
    pub proto: Option<ObjRef>,
    pub extensible: bool,
    pub kind: ObjectKind,
    /// `None` in dictionary mode.
    pub shape: Option<ShapeId>,
    /// Shared between a realm template's objects and their copies until one changes.
    pub dictionary: Option<Rc<Dictionary>>,
    /// Named property values, in key order.
    pub slots: Slots,
    pub elements: Elements,
    /// Arrays: `length`; whether it is writable.
    pub length: u32,
    pub length_writable: bool,
    /// Private fields, methods and accessors, keyed by private name.
    pub private: PrivateElements,
    /// The realm a function or built-in object belongs to.
    pub is_html_dda: bool,
    /// Some inline cache relies on this object's layout (it is a prototype on a cached
    /// chain): a change to it bumps `Heap::proto_epoch` (see `crate::inline_cache::InlineCache`).
    pub watched: bool,
}

impl Object {
    pub fn new(proto: Option<ObjRef>, kind: ObjectKind) -> Object {
        Object {
            proto,
            extensible: true,
            kind,
            shape: Some(Shapes::EMPTY),
            dictionary: None,
            slots: Slots::default(),
            elements: Elements::Dense(Vec::new()),
            length: 0,
            length_writable: true,
            private: PrivateElements::default(),
            is_html_dda: false,
            watched: false,
        }
    }

    pub fn is_array(&self) -> bool {
        matches!(self.kind, ObjectKind::Array)
    }

    pub fn is_callable(&self) -> bool {
        match &self.kind {
            ObjectKind::Function(_) | ObjectKind::Native(_) | ObjectKind::Bound(_) => true,
            ObjectKind::Proxy { callable, .. } => *callable,
            _ => false,
        }
    }
}

/// A symbol; private names are symbols no code can enumerate.
pub struct Symbol {
    pub description: Value,
    pub private: Option<Box<PrivateName>>,
}

#[derive(Default)]
pub struct PrivateName {
    pub method: Option<Value>,
    pub getter: Option<Value>,
    pub setter: Option<Value>,
}

impl Trace for Symbol {
    fn trace(&self, out: &mut Vec<Traced>) {
        out.push(Traced::Value(self.description));
        if let Some(p) = &self.private {
            for v in [p.method, p.getter, p.setter].into_iter().flatten() {
                out.push(Traced::Value(v));
            }
        }
    }
}

/// The names of an environment's slots (from the function's `ScopeInfo`), as atoms.
pub struct ScopeNames {
    pub names: Vec<Atom>,
    pub kinds: Vec<u8>,
    pub is_function: bool,
}

impl ScopeNames {
    /// Bytes the name and kind lists hold, beside the struct itself.
    pub fn heap_bytes(&self) -> usize {
        size_of::<ScopeNames>()
            + buffer_bytes(self.names.capacity() * size_of::<Atom>())
            + buffer_bytes(self.kinds.capacity())
    }
}

pub enum EnvKind {
    Declarative {
        names: Rc<ScopeNames>,
        /// `var`s that sloppy direct `eval` added.
        extra: Vec<(Atom, Value)>,
    },
    /// `with (object)`.
    Object(ObjRef),
}

pub struct Env {
    pub parent: Option<EnvRef>,
    pub slots: Vec<Value>,
    pub kind: EnvKind,
}

impl Trace for Env {
    fn trace(&self, out: &mut Vec<Traced>) {
        if let Some(p) = self.parent {
            out.push(Traced::Env(p));
        }
        out.extend(self.slots.iter().map(|&v| Traced::Value(v)));
        match &self.kind {
            EnvKind::Declarative { names, extra } => {
                // Direct `eval` looks names up by atom.
                out.extend(names.names.iter().map(|&a| Traced::Atom(a)));
                for &(name, v) in extra {
                    out.push(Traced::Atom(name));
                    out.push(Traced::Value(v));
                }
            }
            EnvKind::Object(o) => out.push(Traced::Value(o.value())),
        }
    }
}

/// What a property key keeps alive: its atom or its symbol.
pub fn trace_key(key: PropertyKey, out: &mut Vec<Traced>) {
    match key {
        PropertyKey::Index(_) => {}
        PropertyKey::String(a) => out.push(Traced::Atom(a)),
        PropertyKey::Symbol(s) => out.push(Traced::Value(s.value())),
    }
}

fn trace_slot(slot: &Slot, out: &mut Vec<Traced>) {
    match *slot {
        Slot::Data(v) => out.push(Traced::Value(v)),
        Slot::Accessor { get, set } => {
            out.push(Traced::Value(get));
            out.push(Traced::Value(set));
        }
    }
}

pub fn trace_frame(frame: &crate::stack::Frame, out: &mut Vec<Traced>) {
    out.push(Traced::Realm(frame.realm));
    out.push(Traced::Value(frame.callee));
    out.push(Traced::Value(frame.this));
    out.push(Traced::Value(frame.new_target));
    if let Some(e) = frame.env {
        out.push(Traced::Env(e));
    }
    if let Some(extra) = &frame.extra {
        out.extend(extra.extra_args.iter().map(|&v| Traced::Value(v)));
        if let Some(g) = extra.generator {
            out.push(Traced::Value(g.value()));
        }
        if let Some(p) = extra.promise {
            out.push(Traced::Value(p));
        }
    }
}

/// Bytes of a `Vec`'s buffer.
fn vec_bytes<T>(v: &Vec<T>) -> usize {
    buffer_bytes(v.capacity() * size_of::<T>())
}

impl crate::heap::HeapSize for Object {
    fn payload_bytes(&self) -> usize {
        let elements = match &self.elements {
            Elements::Dense(v) => vec_bytes(v),
            // A B-tree node per few entries; about a key, a property and a pointer each.
            Elements::Sparse(m) => m.len() * (size_of::<u32>() + size_of::<Property>() + 16),
        };
        let dictionary = self.dictionary.as_ref().map_or(0, |d| {
            vec_bytes(&d.keys)
                + hash_table_bytes(d.index.capacity(), size_of::<(PropertyKey, u32)>())
        });
        let kind = match &self.kind {
            ObjectKind::Ordinary
            | ObjectKind::Array
            | ObjectKind::Error
            | ObjectKind::Boolean(_)
            | ObjectKind::Number(_)
            | ObjectKind::String(_)
            | ObjectKind::Symbol(_)
            | ObjectKind::BigInt(_)
            | ObjectKind::Arguments { .. }
            | ObjectKind::Proxy { .. }
            | ObjectKind::ArrayIterator { .. }
            | ObjectKind::StringIterator { .. }
            | ObjectKind::RegExpStringIterator { .. }
            | ObjectKind::MapIterator { .. }
            | ObjectKind::SetIterator { .. }
            | ObjectKind::Date(_)
            | ObjectKind::RawJson
            | ObjectKind::SandboxGlobal(_)
            | ObjectKind::WeakRef(_)
            | ObjectKind::WrappedIterator { .. }
            | ObjectKind::ImportBinding { .. }
            | ObjectKind::AccessorPair { .. } => 0,
            ObjectKind::Function(_) => size_of::<Closure>(),
            ObjectKind::Native(n) => size_of::<NativeFunction>() + vec_bytes(&n.data),
            ObjectKind::Bound(b) => size_of::<BoundFunction>() + vec_bytes(&b.args),
            ObjectKind::Generator(g) | ObjectKind::AsyncFunction(g) => {
                size_of::<Generator>()
                    + g.saved.as_ref().map_or(0, |s| {
                        vec_bytes(&s.registers)
                            + s.frame.extra.as_ref().map_or(0, |e| {
                                size_of::<crate::stack::FrameExtra>() + vec_bytes(&e.extra_args)
                            })
                    })
                    + g.queue.capacity() * size_of::<AsyncGeneratorRequest>()
            }
            ObjectKind::Promise(p) => {
                size_of::<Promise>()
                    + vec_bytes(&p.fulfill_reactions)
                    + vec_bytes(&p.reject_reactions)
            }
            ObjectKind::ForIn(f) => {
                size_of::<ForInIterator>()
                    + vec_bytes(&f.keys)
                    + hash_table_bytes(f.visited.capacity(), size_of::<PropertyKey>())
            }
            // The compiled pattern's size is not exposed by the matcher: an estimate.
            ObjectKind::RegExp(r) => {
                size_of::<crate::slots::RegExpData>() + r.flags.capacity() + 256
            }
            ObjectKind::Map(m) | ObjectKind::Set(m) => {
                size_of::<crate::collections::MapData>() + m.heap_bytes()
            }
            ObjectKind::Temporal(_) => size_of::<crate::slots::TemporalValue>(),
            ObjectKind::ArrayBuffer(b) => {
                size_of::<crate::slots::BufferData>() + b.bytes.heap_size()
            }
            ObjectKind::TypedArray(_) => size_of::<crate::slots::TypedArrayData>(),
            ObjectKind::DataView(_) => size_of::<crate::slots::ViewData>(),
            // The host's data is the host's to account for.
            ObjectKind::HostData(_) => 0,
            ObjectKind::WeakMap(w) | ObjectKind::WeakSet(w) => {
                size_of::<crate::slots::WeakData>()
                    + hash_table_bytes(w.entries.capacity(), size_of::<(u64, (Value, Value))>())
            }
            ObjectKind::FinalizationRegistry(r) => {
                size_of::<crate::slots::Registry>() + vec_bytes(&r.cells) + vec_bytes(&r.pending)
            }
            ObjectKind::DisposableStack(d) => {
                size_of::<crate::slots::DisposableStackData>() + vec_bytes(&d.resources)
            }
            ObjectKind::IteratorHelper(h) => size_of::<crate::slots::Helper>() + h.payload_bytes(),
            ObjectKind::Namespace(data) => size_of::<NamespaceData>() + vec_bytes(&data.exports),
        };
        // A boxed kind is one more block.
        let kind = buffer_bytes(kind);
        self.slots.heap_bytes() + elements + dictionary + self.private.heap_bytes() + kind
    }
}

impl crate::heap::HeapSize for Env {
    fn payload_bytes(&self) -> usize {
        let extra = match &self.kind {
            EnvKind::Declarative { extra, .. } => vec_bytes(extra),
            EnvKind::Object(_) => 0,
        };
        vec_bytes(&self.slots) + extra
    }
}

impl crate::heap::HeapSize for Symbol {
    fn payload_bytes(&self) -> usize {
        self.private
            .as_ref()
            .map_or(0, |_| size_of::<PrivateName>())
    }
}

impl Trace for Object {
    fn trace(&self, out: &mut Vec<Traced>) {
        self.trace_all_but_dense_elements(out);
        if let Elements::Dense(v) = &self.elements {
            out.extend(v.iter().map(|&v| Traced::Value(v)));
        }
    }
}

impl Object {
    /// What [`Trace::trace`] reports but the dense elements, which the collector takes a chunk
    /// at a time (`Traced::Elements`).
    pub fn trace_all_but_dense_elements(&self, out: &mut Vec<Traced>) {
        if let Some(p) = self.proto {
            out.push(Traced::Value(p.value()));
        }
        for s in self.slots.iter() {
            s.trace(out);
        }
        if let Some(shape) = self.shape {
            out.push(Traced::Shape(shape));
        }
        if let Some(d) = &self.dictionary {
            for &(k, _) in &d.keys {
                trace_key(k, out);
            }
        }
        if let Elements::Sparse(m) = &self.elements {
            for p in m.values() {
                trace_slot(&p.slot, out);
            }
        }
        for (name, element) in self.private.iter() {
            out.push(Traced::Value(name.value()));
            match element {
                PrivateElement::Field(v) | PrivateElement::Method(v) => out.push(Traced::Value(*v)),
                PrivateElement::Accessor { get, set } => {
                    out.push(Traced::Value(*get));
                    out.push(Traced::Value(*set));
                }
            }
        }
        match &self.kind {
            ObjectKind::Function(c) => {
                out.push(Traced::Realm(c.realm));
                if let Some(e) = c.env {
                    out.push(Traced::Env(e));
                }
                out.push(Traced::Value(c.this_value));
                if let Some(h) = c.home {
                    out.push(Traced::Value(h.value()));
                }
                if let Some(f) = c.fields {
                    out.push(Traced::Value(f.value()));
                }
            }
            ObjectKind::Native(n) => {
                out.push(Traced::Realm(n.realm));
                out.extend(n.data.iter().map(|&v| Traced::Value(v)));
            }
            ObjectKind::Bound(b) => {
                out.push(Traced::Value(b.target.value()));
                out.push(Traced::Value(b.this));
                out.extend(b.args.iter().map(|&v| Traced::Value(v)));
            }
            ObjectKind::String(s) => out.push(Traced::Value(s.value())),
            ObjectKind::Symbol(s) => out.push(Traced::Value(s.value())),
            ObjectKind::BigInt(b) => out.push(Traced::Value(b.value())),
            ObjectKind::Arguments {
                mapped: Some((env, _)),
            } => out.push(Traced::Env(*env)),
            ObjectKind::Generator(g) | ObjectKind::AsyncFunction(g) => {
                if let Some(saved) = &g.saved {
                    trace_frame(&saved.frame, out);
                    out.extend(saved.registers.iter().map(|&v| Traced::Value(v)));
                }
                for r in &g.queue {
                    out.push(Traced::Value(r.value));
                    out.push(Traced::Value(r.promise.value()));
                }
            }
            ObjectKind::Promise(p) => {
                out.push(Traced::Value(p.result));
                for r in p.fulfill_reactions.iter().chain(&p.reject_reactions) {
                    trace_reaction(r, out);
                }
            }
            ObjectKind::Proxy {
                target, handler, ..
            } => {
                for o in [target, handler].into_iter().flatten() {
                    out.push(Traced::Value(o.value()));
                }
            }
            ObjectKind::ForIn(f) => {
                out.push(Traced::Value(f.object));
                out.extend(f.keys.iter().map(|&v| Traced::Value(v)));
                for &k in &f.visited {
                    trace_key(k, out);
                }
            }
            ObjectKind::ArrayIterator { object, .. } => out.push(Traced::Value(*object)),
            ObjectKind::StringIterator { string, .. } => out.push(Traced::Value(*string)),
            ObjectKind::RegExp(r) => r.trace(out),
            ObjectKind::RegExpStringIterator { regexp, string, .. } => {
                out.push(Traced::Value(*regexp));
                out.push(Traced::Value(*string));
            }
            ObjectKind::Map(m) | ObjectKind::Set(m) => m.trace(out),
            ObjectKind::MapIterator { map, .. } => out.push(Traced::Value(*map)),
            ObjectKind::Namespace(data) => {
                for (name, t) in data.exports.iter() {
                    out.push(Traced::Atom(*name));
                    match t {
                        NamespaceTarget::Binding(e, _) => out.push(Traced::Env(*e)),
                        NamespaceTarget::Namespace(o) => out.push(Traced::Value(o.value())),
                    }
                }
                if data.deferred.is_some() {
                    out.push(Traced::Realm(data.module_realm));
                }
            }
            ObjectKind::ImportBinding { env, .. } => out.push(Traced::Env(*env)),
            ObjectKind::SetIterator { set, .. } => out.push(Traced::Value(*set)),
            ObjectKind::ArrayBuffer(b) => out.push(Traced::Value(b.detach_key)),
            ObjectKind::TypedArray(t) => t.trace(out),
            ObjectKind::DataView(v) => v.trace(out),
            ObjectKind::SandboxGlobal(sandbox) => out.push(Traced::Value(sandbox.value())),
            ObjectKind::HostData(data) => data.trace(out),
            // Keys and targets are weak: see `Heap::collect`.
            ObjectKind::FinalizationRegistry(r) => r.trace(out),
            ObjectKind::DisposableStack(d) => d.trace(out),
            ObjectKind::IteratorHelper(h) => h.trace(out),
            ObjectKind::WrappedIterator { iterator, next } => {
                out.push(Traced::Value(*iterator));
                out.push(Traced::Value(*next));
            }
            ObjectKind::AccessorPair { get, set } => {
                out.push(Traced::Value(*get));
                out.push(Traced::Value(*set));
            }
            // Weak holders: keys and targets are weak, and a WeakMap's values are marked
            // through their live keys (see `Heap::collect`).
            ObjectKind::WeakMap(_) | ObjectKind::WeakSet(_) | ObjectKind::WeakRef(_) => {}
            // Nothing that refers to the heap (listed, so a new kind cannot be forgotten).
            ObjectKind::Ordinary
            | ObjectKind::Array
            | ObjectKind::Error
            | ObjectKind::Boolean(_)
            | ObjectKind::Number(_)
            | ObjectKind::Arguments { mapped: None }
            | ObjectKind::Date(_)
            | ObjectKind::RawJson
            | ObjectKind::Temporal(_) => {}
        }
    }
}

pub fn trace_reaction(r: &Reaction, out: &mut Vec<Traced>) {
    if let Some((a, b, c)) = r.capability {
        out.push(Traced::Value(a));
        out.push(Traced::Value(b));
        out.push(Traced::Value(c));
    }
    match r.handler {
        ReactionHandler::Value(v) => out.push(Traced::Value(v)),
        ReactionHandler::Resume(o) => out.push(Traced::Value(o.value())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u32) -> PropertyKey {
        PropertyKey::String(Atom(n))
    }

    fn names(shapes: &Shapes, id: ShapeId) -> Vec<u32> {
        let keys = shapes.keys(id).iter().map(|&(k, _)| k);
        keys.map(|k| match k {
            PropertyKey::String(Atom(n)) => n,
            _ => u32::MAX,
        })
        .collect()
    }

    /// A path of additions shares one key table; a branch copies its prefix; a collection
    /// keeps every live shape's keys and slots while it frees, renumbers and cuts tables.
    #[test]
    fn shapes_share_key_tables_and_survive_collections() {
        let mut shapes = Shapes::default();
        let mut path = vec![Shapes::EMPTY];
        for n in 1..=12 {
            let next = shapes
                .add(*path.last().unwrap(), key(n), attrs::DEFAULT)
                .unwrap();
            path.push(next);
        }
        // Twelve shapes of two keys or more, one table; the one-key shape holds its key.
        assert_eq!(shapes.tables.len(), 1);
        assert_eq!(names(&shapes, path[1]), [1]);
        assert_eq!(names(&shapes, path[12]), (1..=12).collect::<Vec<_>>());
        assert_eq!(shapes.slot(path[5], key(5)), Some(4));
        assert_eq!(shapes.slot(path[5], key(6)), None);
        // The same addition finds the same shape; another key after {1, 2} branches.
        assert_eq!(shapes.add(path[2], key(3), attrs::DEFAULT), Some(path[3]));
        let branch = shapes.add(path[2], key(99), attrs::DEFAULT).unwrap();
        assert_eq!(shapes.tables.len(), 2);
        assert_eq!(names(&shapes, branch), [1, 2, 99]);
        assert_eq!(shapes.lookup(branch, key(99)), Some((2, attrs::DEFAULT)));
        assert_eq!(shapes.slot(branch, key(3)), None);

        // Keep the branch and the path up to {1..4} (marking a shape marks its ancestors).
        let mut marks = vec![false; shapes.len()];
        for live in [branch, path[1], path[2], path[3], path[4]] {
            marks[live.0 as usize] = true;
        }
        assert_eq!(shapes.sweep(&marks), 8);
        assert_eq!(names(&shapes, path[4]), [1, 2, 3, 4]);
        assert_eq!(names(&shapes, branch), [1, 2, 99]);
        assert_eq!(shapes.slot(path[4], key(4)), Some(3));
        assert_eq!(shapes.slot(path[4], key(12)), None);
        // The shared table was cut to {1..4}: adding to its longest shape appends again.
        let again = shapes.add(path[4], key(50), attrs::DEFAULT).unwrap();
        assert_eq!(names(&shapes, again), [1, 2, 3, 4, 50]);
        assert_eq!(shapes.tables.len(), 2);
        assert_eq!(shapes.link(again), Some((path[4], key(50))));

        // The branch and {1, 2} left: the path's table is cut to two keys, so {1, 2} is its
        // longest shape again and appends.
        let mut marks = vec![false; shapes.len()];
        marks[branch.0 as usize] = true;
        marks[path[2].0 as usize] = true;
        marks[path[1].0 as usize] = true;
        shapes.sweep(&marks);
        assert_eq!(shapes.tables.len(), 2);
        assert_eq!(names(&shapes, branch), [1, 2, 99]);
        assert_eq!(names(&shapes, path[2]), [1, 2]);
        let seven = shapes.add(path[2], key(7), attrs::DEFAULT).unwrap();
        assert_eq!(names(&shapes, seven), [1, 2, 7]);
        assert_eq!(shapes.tables.len(), 2);

        // Only the one-key shape left: no table is used, and all are freed.
        let mut marks = vec![false; shapes.len()];
        marks[path[1].0 as usize] = true;
        shapes.sweep(&marks);
        assert!(shapes.tables.is_empty());
        assert_eq!(names(&shapes, path[1]), [1]);
        assert_eq!(shapes.lookup(path[1], key(1)), Some((0, attrs::DEFAULT)));
    }
}
