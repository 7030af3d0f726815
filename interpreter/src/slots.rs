//! The internal slots of built-in objects: the data an `ObjectKind` carries for a RegExp, an
//! ArrayBuffer and its views, a weak collection, a FinalizationRegistry, a DisposableStack, a
//! Temporal object and an iterator helper. Their operations live with the built-ins; the types
//! live here so that the object model names no built-in module.

use crate::heap::{ObjRef, Traced};
use crate::object::PropertyKey;
use crate::shared_memory::SharedBlock;
use crate::value::Value;
use rustc_hash::FxHashMap;
use std::sync::Arc;
use temporal_rs::{
    Duration, Instant, PlainDate, PlainDateTime, PlainMonthDay, PlainTime, PlainYearMonth,
    ZonedDateTime,
};

/// A RegExp's slots: the compiled matcher beside its source and flags.
pub struct RegExpData {
    pub regex: Arc<regress::Regex>,
    /// Whether the pattern can backtrack badly (searches then honour the deadline).
    pub risky: bool,
    /// The escaped source (`source`).
    pub source: Value,
    /// \[\[OriginalSource\]\]: the pattern as given.
    pub original_source: Value,
    pub flags: String,
    /// \[\[Realm\]\] and \[\[LegacyFeaturesEnabled\]\] (Annex B legacy RegExp features): matches of a
    /// RegExp made by its own realm's `RegExp` update that realm's `RegExp.$1` and friends.
    pub realm: u32,
    pub legacy_features: bool,
}

impl RegExpData {
    pub fn trace(&self, out: &mut Vec<Traced>) {
        out.push(Traced::Value(self.source));
        out.push(Traced::Value(self.original_source));
    }
}

/// A buffer's Data Block: its own bytes, or a Shared Data Block other agents may use at the
/// same time.
pub enum Bytes {
    Owned(Vec<u8>),
    Shared(Arc<SharedBlock>),
}

/// The slots of an ArrayBuffer or SharedArrayBuffer.
#[derive(Default)]
pub struct BufferData {
    /// \[\[ArrayBufferData\]\]: empty once detached.
    pub bytes: Bytes,
    pub detached: bool,
    /// \[\[ArrayBufferMaxByteLength\]\]: present for resizable (and growable shared) buffers.
    pub max_byte_length: Option<usize>,
    pub shared: bool,
    /// \[\[ArrayBufferDetachKey\]\]
    pub detach_key: Value,
    /// \[\[ArrayBufferIsImmutable\]\] (the immutable ArrayBuffer proposal): no view may write the
    /// bytes, and the buffer is never resized or detached.
    pub immutable: bool,
}

/// 23.2 Table 71: the element types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementType {
    Int8,
    Uint8,
    Uint8Clamped,
    Int16,
    Uint16,
    Int32,
    Uint32,
    Float16,
    Float32,
    Float64,
    BigInt64,
    BigUint64,
}

/// The slots of a typed array.
#[derive(Clone, Copy, Debug)]
pub struct TypedArrayData {
    pub element: ElementType,
    /// \[\[ViewedArrayBuffer\]\]
    pub buffer: ObjRef,
    pub byte_offset: usize,
    /// \[\[ArrayLength\]\]: `None` for a length-tracking view of a resizable buffer.
    pub array_length: Option<usize>,
}

impl TypedArrayData {
    pub fn trace(&self, out: &mut Vec<Traced>) {
        out.push(Traced::Value(self.buffer.value()));
    }
}

/// The slots of a DataView.
#[derive(Clone, Copy, Debug)]
pub struct ViewData {
    /// \[\[ViewedArrayBuffer\]\]
    pub buffer: ObjRef,
    pub byte_offset: usize,
    /// \[\[ByteLength\]\]: `None` for a length-tracking view of a resizable buffer.
    pub byte_length: Option<usize>,
}

impl ViewData {
    pub fn trace(&self, out: &mut Vec<Traced>) {
        out.push(Traced::Value(self.buffer.value()));
    }
}

/// A weak collection's entries by the key's bits: `(key, value)`, `(value, value)` for sets.
#[derive(Default)]
pub struct WeakData {
    pub entries: FxHashMap<u64, (Value, Value)>,
}

/// 26.2 A FinalizationRegistry's cells and cleanup callback.
pub struct Registry {
    pub cleanup: Value,
    /// Targets are weak; held values strong; unregister tokens weak.
    pub cells: Vec<RegistryCell>,
    /// Held values of cells whose targets died, waiting for their cleanup job.
    pub pending: Vec<Value>,
}

pub struct RegistryCell {
    pub target: Value,
    pub held: Value,
    pub token: Option<Value>,
}

impl Registry {
    pub fn trace(&self, out: &mut Vec<Traced>) {
        out.push(Traced::Value(self.cleanup));
        out.extend(self.cells.iter().map(|c| Traced::Value(c.held)));
        out.extend(self.pending.iter().map(|&v| Traced::Value(v)));
    }

    /// Moves cells whose target is dead to `pending` and forgets dead tokens; whether any died.
    pub fn collect_dead(&mut self, is_live: impl Fn(Value) -> bool) -> bool {
        let before = self.pending.len();
        let mut kept = Vec::with_capacity(self.cells.len());
        for mut cell in std::mem::take(&mut self.cells) {
            if is_live(cell.target) {
                if cell.token.is_some_and(|t| !is_live(t)) {
                    cell.token = None;
                }
                kept.push(cell);
            } else {
                self.pending.push(cell.held);
            }
        }
        self.cells = kept;
        self.pending.len() > before
    }
}

/// A DisposableStack's or AsyncDisposableStack's internal slots, or the DisposeCapability of a
/// scope's `using` declarations.
#[derive(Default)]
pub struct DisposableStackData {
    /// An AsyncDisposableStack (its state is \[\[AsyncDisposableState\]\]).
    pub is_async: bool,
    /// The state is `disposed` (else `pending`).
    pub disposed: bool,
    /// \[\[DisposeCapability\]\].\[\[DisposableResourceStack\]\], oldest first.
    pub resources: Vec<DisposableResource>,
    /// The stack `move()` gave this one's capability to.
    pub moved_to: Option<ObjRef>,
    /// DisposeResources' flags while it is suspended at an Await.
    pub awaits: AwaitFlags,
}

impl DisposableStackData {
    pub fn trace(&self, out: &mut Vec<Traced>) {
        for r in &self.resources {
            out.push(Traced::Value(r.value));
            out.push(Traced::Value(r.method));
        }
        if let Some(o) = self.moved_to {
            out.push(Traced::Value(o.value()));
        }
    }
}

/// How a resource is disposed of: `using` and DisposableStack, or `await using` and
/// AsyncDisposableStack.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Hint {
    SyncDispose,
    AsyncDispose,
}

/// A DisposableResource Record.
#[derive(Clone, Copy)]
pub struct DisposableResource {
    /// \[\[ResourceValue\]\]
    pub value: Value,
    /// [[Hint]]
    pub hint: Hint,
    /// \[\[DisposeMethod\]\]: undefined only for a null or undefined async-dispose resource.
    pub method: Value,
}

/// DisposeResources' locals that must outlive its Awaits.
#[derive(Clone, Copy, Default)]
pub struct AwaitFlags {
    /// `needsAwait`: a null or undefined `await using` resource was passed with no Await since.
    pub needs_await: bool,
    /// `hasAwaited`
    pub has_awaited: bool,
}

/// The internal slots of a Temporal object: one `temporal_rs` value.
#[derive(Clone, Debug)]
pub enum TemporalValue {
    Duration(Duration),
    Instant(Instant),
    PlainDate(PlainDate),
    PlainTime(PlainTime),
    PlainDateTime(PlainDateTime),
    PlainYearMonth(PlainYearMonth),
    PlainMonthDay(PlainMonthDay),
    ZonedDateTime(ZonedDateTime),
}

/// The closure of one helper and where it stands.
pub struct Helper {
    pub kind: HelperKind,
    /// The underlying iterator record.
    pub iterator: Value,
    pub next: Value,
    pub counter: f64,
    pub state: HelperState,
}

pub enum HelperKind {
    Map(Value),
    Filter(Value),
    Take(f64),
    /// Items still to skip (`None` once skipped).
    Drop(Option<f64>),
    /// The mapper and the inner iterator being flattened.
    FlatMap(Value, Option<(Value, Value)>),
    /// `Iterator.concat`: the iterables with their `Symbol.iterator` methods, how many of them
    /// are done, and the iterator record of the one being iterated.
    Concat {
        iterables: Vec<(Value, Value)>,
        done: usize,
        inner: Option<(Value, Value)>,
    },
    Chunks(Buffered),
    /// The buffer, and whether an undersized window is yielded ("allow-partial").
    Windows(Buffered, bool),
    /// `Iterator.zip` and `Iterator.zipKeyed`: the closure of IteratorZip.
    Zip(Box<Zip>),
}

/// The values of chunks and windows gathered so far.
pub struct Buffered {
    /// chunkSize or windowSize: 1 to 2^32 - 1.
    pub(crate) size: u32,
    pub(crate) buffer: Vec<Value>,
    /// The underlying iterator is done and the last, undersized array was yielded: the closure
    /// has nothing left to close.
    pub(crate) exhausted: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum HelperState {
    SuspendedStart,
    SuspendedYield,
    Executing,
    Completed,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ZipMode {
    Shortest,
    Longest,
    Strict,
}

/// The state IteratorZip's closure captures.
pub struct Zip {
    pub(crate) mode: ZipMode,
    /// iters: the iterator records, in order.
    pub(crate) iters: Vec<(Value, Value)>,
    /// Which of `iters` are still in openIters. In "longest" mode a closed one is also the
    /// spec's null entry of iters, whose place the padding takes.
    pub(crate) open: Vec<bool>,
    /// padding: one value per iterator ("longest" only).
    pub(crate) padding: Vec<Value>,
    /// zipKeyed's keys, one per iterator: the results are objects with these keys.
    pub(crate) keys: Option<Vec<PropertyKey>>,
}
