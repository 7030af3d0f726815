//! A script loaded for running: its verified archive, and the per-run state kept beside the
//! read-only bytes (atoms, inline caches, template objects, string constants, positions).

use crate::heap::{ObjRef, Traced};
use crate::inline_cache::{IC_WAYS, IcState, InlineCache, STRING_RECEIVER, ic_find};
use crate::object::{ScopeNames, ShapeId};
use crate::string::Atom;
use crate::value::Value;
use kiln_compiler::code::{ArchivedFunctionCode, ArchivedScriptCode, flags, positions};
use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// An archived script loaded for running, with its per-run state beside the read-only bytes.
pub struct LoadedScript {
    code: kiln_cache::VerifiedCode,
    pub source: Rc<str>,
    pub name: Rc<str>,
    pub realm: u32,
    /// Per string index: its atom, interned on first use.
    pub atoms: RefCell<Vec<Option<Atom>>>,
    /// Per function: what a call reads of its header, and its inline caches. Allocated at
    /// load and never resized (the dispatch loop keeps a function's cache list).
    pub functions: Box<[LoadedFunction]>,
    /// Every function's inline caches, `IC_WAYS` per site, in one block allocated zeroed:
    /// pages of it that no running function touches are never made resident (most functions
    /// of a large script never run). Each [`LoadedFunction::feedback`] is a part of it.
    caches: Box<[Cell<InlineCache>]>,
    /// Per (function, scope): the atoms of an environment's slot names.
    pub scope_names: RefCell<FxHashMap<(u32, u32), Rc<ScopeNames>>>,
    /// Per (function, constant): the template object of a tagged template site.
    pub templates: RefCell<FxHashMap<(u32, u32), ObjRef>>,
    /// Per (function, constant): materialised string constants.
    pub constant_strings: RefCell<FxHashMap<(u32, u32), Value>>,
    /// The module record, for module code.
    pub module: RefCell<Option<ObjRef>>,
    /// Line starts of `source`, built on the first error location asked for.
    lines: std::cell::OnceCell<kiln_parser::LineIndex>,
    /// Per function with a long position table: every [`CHECKPOINT_EVERY`]th pair, built on
    /// the first position asked for (see [`LoadedScript::position_of`]).
    position_checkpoints: RefCell<FxHashMap<u32, Rc<[Checkpoint]>>>,
    /// Added to the positions stack traces show (`vm.Script`'s `lineOffset`; `columnOffset`
    /// counts on the first line only).
    pub line_offset: Cell<i64>,
    pub column_offset: Cell<i64>,
    /// The line `column_offset` counts on: 1, or 2 for a `vm.compileFunction` body, which
    /// starts on the line after its wrapper's head.
    pub column_offset_line: Cell<usize>,
    /// What the host attached to the code (`node:vm`: its `importModuleDynamically` and
    /// `initializeImportMeta` callbacks). Kept alive with the script.
    pub host_defined: Cell<Option<Value>>,
}

/// One function of a loaded script: the header fields a call reads, copied out of the archive
/// (one load each instead of a walk through the archive's relative pointers), and the inline
/// caches of its property accesses (shape → slot), `IC_WAYS` per site.
pub struct LoadedFunction {
    pub header: FunctionHeader,
    /// Its inline caches: its part of [`LoadedScript`]'s block.
    pub feedback: FeedbackSlice,
    /// The function's verified bytecode, inside `LoadedScript::code`.
    pub bytecode: crate::verified::ArchiveSlice,
}

/// What a call reads of a function's header (copied into each closure too, so a call reaches
/// it in one load from the callee).
#[derive(Clone, Copy, Debug)]
pub struct FunctionHeader {
    pub register_count: u32,
    pub parameter_count: u32,
    /// `kiln_compiler::code::flags`.
    pub flags: u32,
    /// The register a call writes `this` into (`flags::THIS_REGISTER`): below
    /// `register_count`, or `u32::MAX` for none.
    pub this_register: u32,
}

/// A function's inline caches inside its script's block: one load reaches them at every call
/// and return.
pub struct FeedbackSlice(*const [Cell<InlineCache>]);

impl FeedbackSlice {
    /// # Safety
    /// `caches` lives in a buffer that is neither freed nor moved while this value lives (the
    /// loaded script's block, which it owns and never resizes).
    unsafe fn new(caches: &[Cell<InlineCache>]) -> FeedbackSlice {
        FeedbackSlice(caches)
    }

    #[inline(always)]
    pub fn get(&self) -> &[Cell<InlineCache>] {
        // SAFETY: `new`'s promise: the caches outlive `self`, in place.
        unsafe { &*self.0 }
    }
}

/// `count` empty inline caches, allocated zeroed (an empty cache is all zeros), so that the
/// allocator can hand out fresh pages without writing them.
fn empty_caches(count: usize) -> Box<[Cell<InlineCache>]> {
    let zeroed = Box::<[Cell<InlineCache>]>::new_zeroed_slice(count);
    // SAFETY: all-zero bytes are a valid `InlineCache`: its fields are integers and an
    // `IcState`, whose `Empty` is discriminant 0 of a `repr(u8)` enum; and the same value as
    // `InlineCache::default()`.
    unsafe { zeroed.assume_init() }
}

impl LoadedScript {
    /// What the code keeps alive beside cells: the atoms of its names and the shapes its
    /// inline caches name (an entry must never outlive its shape: the id would be reused).
    pub fn trace_names_and_shapes(&self, out: &mut Vec<Traced>) {
        out.extend(
            self.atoms
                .borrow()
                .iter()
                .flatten()
                .map(|&a| Traced::Atom(a)),
        );
        for names in self.scope_names.borrow().values() {
            out.extend(names.names.iter().map(|&a| Traced::Atom(a)));
        }
        for cache in self.caches.iter().map(Cell::get) {
            match cache.state {
                IcState::Empty | IcState::Global => {}
                // Primitive strings' entries name no shape.
                IcState::Proto if cache.shape == STRING_RECEIVER => {}
                IcState::Own | IcState::Store | IcState::Proto => {
                    out.push(Traced::Shape(ShapeId(cache.shape)))
                }
                IcState::Add => {
                    out.push(Traced::Shape(ShapeId(cache.shape)));
                    out.push(Traced::Shape(ShapeId(cache.holder)));
                }
            }
        }
    }

    /// The cached entry of site `ic` in `function` for objects of `shape`.
    pub fn ic_lookup(&self, function: u32, ic: u32, shape: u32) -> Option<InlineCache> {
        let start = ic as usize * IC_WAYS;
        let ways = self
            .functions
            .get(function as usize)?
            .feedback
            .get()
            .get(start..start + IC_WAYS)?;
        ic_find(ways.try_into().ok()?, shape)
    }

    /// Records `entry` for site `ic`, replacing the entry for the same shape, else an empty
    /// way, else the oldest (the others move down).
    pub fn ic_insert(&self, function: u32, ic: u32, entry: InlineCache) {
        let start = ic as usize * IC_WAYS;
        let Some(ways) = self
            .functions
            .get(function as usize)
            .and_then(|f| f.feedback.get().get(start..start + IC_WAYS))
        else {
            return;
        };
        if let Some(w) = ways
            .iter()
            .find(|c| c.get().state == IcState::Empty || c.get().shape == entry.shape)
        {
            w.set(entry);
            return;
        }
        for i in (1..IC_WAYS).rev() {
            ways[i].set(ways[i - 1].get());
        }
        ways[0].set(entry);
    }

    /// Prepares verified code to run in `realm`: empty inline caches, atoms interned lazily.
    pub fn new(
        verified: kiln_cache::VerifiedCode,
        source: Rc<str>,
        name: Rc<str>,
        realm: u32,
    ) -> LoadedScript {
        let code = verified.view();
        let strings = code.strings.len();
        let sites: usize = code
            .functions
            .iter()
            .map(|f| f.ic_slot_count.to_native() as usize)
            .sum();
        let caches = empty_caches(sites * IC_WAYS);
        let mut next = 0;
        let functions = code
            .functions
            .iter()
            .map(|f| LoadedFunction {
                header: FunctionHeader {
                    register_count: f.register_count.to_native(),
                    parameter_count: f.parameter_count.to_native(),
                    flags: f.flags.to_native(),
                    this_register: if f.flags.to_native() & flags::THIS_REGISTER != 0
                        && f.parameter_count < f.register_count
                    {
                        f.parameter_count.to_native()
                    } else {
                        u32::MAX
                    },
                },
                feedback: {
                    let start = next;
                    next += f.ic_slot_count.to_native() as usize * IC_WAYS;
                    // SAFETY: the part is inside `caches`, which the script made here owns
                    // (moved in below, never resized) for as long as it holds this function.
                    unsafe { FeedbackSlice::new(&caches[start..next]) }
                },
                // SAFETY: the bytes are in `verified`'s archive, which the script made here
                // owns (moved in below, never mutated) for as long as it holds this function.
                bytecode: unsafe { crate::verified::ArchiveSlice::new(code.bytecode_of(f)) },
            })
            .collect();
        LoadedScript {
            code: verified,
            source,
            name,
            realm,
            atoms: RefCell::new(vec![None; strings]),
            functions,
            caches,
            scope_names: RefCell::new(FxHashMap::default()),
            templates: RefCell::new(FxHashMap::default()),
            constant_strings: RefCell::new(FxHashMap::default()),
            module: RefCell::new(None),
            lines: std::cell::OnceCell::new(),
            position_checkpoints: RefCell::new(FxHashMap::default()),
            line_offset: Cell::new(0),
            column_offset: Cell::new(0),
            column_offset_line: Cell::new(1),
            host_defined: Cell::new(None),
        }
    }

    pub fn code(&self) -> &ArchivedScriptCode {
        self.code.code()
    }

    /// Bytes the loaded script holds: its archive, its source and its per-run tables. (An
    /// archive shared with another script is counted in each: an upper bound.)
    pub fn heap_bytes(&self) -> usize {
        use crate::heap::{buffer_bytes, hash_table_bytes};
        let functions = buffer_bytes(self.caches.len() * size_of::<InlineCache>())
            + buffer_bytes(self.functions.len() * size_of::<LoadedFunction>());
        let scope_names: usize = self
            .scope_names
            .borrow()
            .values()
            .map(|names| buffer_bytes(2 * size_of::<usize>() + names.heap_bytes()))
            .sum();
        let tables = hash_table_bytes(
            self.scope_names.borrow().capacity(),
            size_of::<((u32, u32), Rc<ScopeNames>)>(),
        ) + hash_table_bytes(
            self.templates.borrow().capacity(),
            size_of::<((u32, u32), ObjRef)>(),
        ) + hash_table_bytes(
            self.constant_strings.borrow().capacity(),
            size_of::<((u32, u32), Value)>(),
        );
        let lines = self.lines.get().map_or(0, |l| l.heap_bytes());
        let checkpoints = self.position_checkpoints.borrow();
        let checkpoints =
            hash_table_bytes(checkpoints.capacity(), size_of::<(u32, Rc<[Checkpoint]>)>())
                + checkpoints
                    .values()
                    .map(|c| buffer_bytes(2 * size_of::<usize>() + size_of_val(&**c)))
                    .sum::<usize>();
        buffer_bytes(2 * size_of::<usize>() + size_of::<LoadedScript>())
            + self.code.heap_bytes()
            + buffer_bytes(self.source.len())
            + buffer_bytes(self.name.len())
            + buffer_bytes(self.atoms.borrow().capacity() * size_of::<Option<Atom>>())
            + functions
            + scope_names
            + tables
            + lines
            + checkpoints
    }

    /// The source offset of function `function`'s instruction at `pc` (the last position at
    /// or before it). A table of up to [`WALKED_WHOLE`] bytes is walked from its start; a
    /// longer one from the nearest checkpoint at or before `pc`, so a program
    /// that throws again and again inside a huge function does not walk the whole table each
    /// time (a 100,000-statement function: 26M instructions a throw before the checkpoints).
    pub fn position_of(&self, function: u32, pc: usize) -> u32 {
        let f = self.function(function);
        let table = self.code.view().packed_positions_of(f);
        let start = f.source_start.to_native();
        if table.len() <= WALKED_WHOLE {
            return walk(positions::Iter::new(table), start, pc);
        }
        let checkpoints = self
            .position_checkpoints
            .borrow_mut()
            .entry(function)
            .or_insert_with(|| checkpoints(table))
            .clone();
        // The last checkpoint at or before `pc`; before the first, the walk starts at the top.
        let at = checkpoints.partition_point(|c| c.pc as usize <= pc);
        match at.checked_sub(1).map(|i| checkpoints[i]) {
            Some(c) => walk(
                positions::Iter::resume(&table[c.rest as usize..], c.pc, c.offset),
                c.offset,
                pc,
            ),
            None => walk(positions::Iter::new(table), start, pc),
        }
    }

    /// The verified archive, shareable with another realm or written to a cache.
    pub fn verified(&self) -> &kiln_cache::VerifiedCode {
        &self.code
    }

    pub fn function(&self, index: u32) -> &ArchivedFunctionCode {
        &self.code().functions[index as usize]
    }

    /// The header and caches of function `index`.
    #[inline(always)]
    pub fn loaded_function(&self, index: u32) -> &LoadedFunction {
        &self.functions[index as usize]
    }

    /// The text of 1-based `line` of the source.
    pub fn line_text(&self, line: usize) -> &str {
        let lines = self
            .lines
            .get_or_init(|| kiln_parser::LineIndex::new(&self.source));
        lines.line_text(&self.source, line)
    }

    /// The 1-based line and column of a source offset.
    pub fn line_column(&self, offset: u32) -> (usize, usize) {
        let lines = self
            .lines
            .get_or_init(|| kiln_parser::LineIndex::new(&self.source));
        let at = lines.locate(&self.source, offset as usize);
        (at.line as usize, at.column as usize)
    }

    /// [`LoadedScript::line_column`] shifted by the host's offsets, for stack traces.
    pub fn reported_line_column(&self, offset: u32) -> (i64, i64) {
        let (line, column) = self.line_column(offset);
        let column_offset = if line == self.column_offset_line.get() {
            self.column_offset.get()
        } else {
            0
        };
        (
            line as i64 + self.line_offset.get(),
            column as i64 + column_offset,
        )
    }
}

/// How many pairs of a position table lie between two checkpoints.
const CHECKPOINT_EVERY: usize = 64;

/// The longest position table (in bytes, about 400 pairs) looked up without checkpoints.
const WALKED_WHOLE: usize = 1024;

/// A pair of a position table and where the bytes after it start.
#[derive(Clone, Copy, Debug)]
struct Checkpoint {
    pc: u32,
    offset: u32,
    rest: u32,
}

/// Every [`CHECKPOINT_EVERY`]th pair of a packed position table (up to its first malformed
/// pair, where every walk stops).
fn checkpoints(table: &[u8]) -> Rc<[Checkpoint]> {
    let mut pairs = positions::Iter::new(table);
    let mut out = Vec::new();
    let mut n = 0usize;
    while let Some(Ok((pc, offset))) = pairs.next() {
        if n.is_multiple_of(CHECKPOINT_EVERY) {
            let rest = (table.len() - pairs.rest().len()) as u32;
            out.push(Checkpoint { pc, offset, rest });
        }
        n += 1;
    }
    out.into()
}

/// The offset of the last of `pairs` at or before `pc`, or `offset` if none is.
fn walk(pairs: positions::Iter<'_>, mut offset: u32, pc: usize) -> u32 {
    for (at, at_offset) in pairs.map_while(Result::ok) {
        if at as usize > pc {
            break;
        }
        offset = at_offset;
    }
    offset
}
