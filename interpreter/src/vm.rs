//! The virtual machine: one agent (heap, atoms, jobs), one execution stack, the realms and the
//! termination state tied together, the host interface, and the helpers every built-in uses
//! (allocation, errors, rooting).

use crate::agent::{Agent, Job, Names, WellKnownSymbols};
use crate::heap::{Heap, ObjRef, StrRef, SymRef, Traced};
use crate::limits::{STRING_CHUNK, UnitsWriter};
use crate::loaded_script::LoadedScript;
use crate::object::{
    Elements, Object, ObjectKind, Property, PropertyKey, Shapes, Slot, StoredSlot, Symbol, attrs,
    trace_frame,
};
use crate::stack::{ExecutionStack, MAX_REGISTER_STACK};
use crate::string::{Atom, Atoms, JsString, StrData};
use crate::value::Value;
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::atomic::Ordering;

/// An abrupt completion: a thrown value, or a termination nothing can catch.
#[derive(Clone, Debug)]
pub enum JsError {
    Throw(Value),
    /// Timeout, interrupt or heap limit: unwinds every frame; `catch` and `finally` do not run.
    Terminate(String),
}

pub type JsResult<T> = Result<T, JsError>;

/// The reason of the termination a heap over its limit causes.
pub const HEAP_LIMIT_EXCEEDED: &str = "Heap limit exceeded";

/// The reason of the termination the interrupt flag causes (`crate::limits::Termination`).
pub const INTERRUPTED: &str = "Script execution was interrupted";

/// The host's `import()` for code it marked: `(vm, host-defined value, specifier, attributes)`,
/// the specifier a string and the attributes a null-prototype object of strings.
pub type DynamicImportHook = fn(&mut Vm, Value, Value, Value) -> JsResult<Value>;
/// The host's `import.meta` initialiser: `(vm, host-defined value, the new object)`.
pub type ImportMetaHook = fn(&mut Vm, Value, ObjRef) -> JsResult<()>;

/// What the embedder provides.
pub trait Host {
    /// `print` and `console.log`: one line of output.
    fn print(&mut self, line: &str);
    fn print_error(&mut self, line: &str) {
        self.print(line);
    }
    /// Loads a module's source for `specifier` imported from `referrer` (a file name).
    fn load_module(&mut self, specifier: &str, referrer: &str) -> Result<(String, String), String> {
        let _ = (specifier, referrer);
        Err("modules are not supported by this host".to_string())
    }
    /// Loads a module's bytes (a `type: "bytes"` import): by default the text
    /// [`Host::load_module`] gives, as UTF-8.
    fn load_module_bytes(
        &mut self,
        specifier: &str,
        referrer: &str,
    ) -> Result<(String, Vec<u8>), String> {
        self.load_module(specifier, referrer)
            .map(|(resolved, source)| (resolved, source.into_bytes()))
    }
}

/// The default host: stdout and stderr.
pub struct StdHost;

impl Host for StdHost {
    // A closed pipe (`kiln run x.js | head -1`) loses the output, not the process: no panic.
    fn print(&mut self, line: &str) {
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), "{line}");
    }
    fn print_error(&mut self, line: &str) {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "{line}");
    }
    fn load_module(&mut self, specifier: &str, referrer: &str) -> Result<(String, String), String> {
        load_module_file(specifier, referrer)
    }
    fn load_module_bytes(
        &mut self,
        specifier: &str,
        referrer: &str,
    ) -> Result<(String, Vec<u8>), String> {
        load_module_file_bytes(specifier, referrer)
    }
}

/// The path a `file:` URL names (`file:///dir/a%20b.mjs` is `/dir/a b.mjs`), as Node
/// imports `new URL('./x.mjs', import.meta.url).href`; None for anything else.
fn file_url_path(specifier: &str) -> Option<String> {
    let rest = specifier.strip_prefix("file://")?;
    // Only the local host: `file:///path` or `file://localhost/path`.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied(),
            bytes.get(i + 2).copied(),
        ) {
            (b'%', Some(h), Some(l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h)? * 16 + hex(l)?) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Resolves `specifier` relative to the file `referrer` and reads it: the file-system loader of
/// the CLI and the test262 runner. The resolved name is the canonical path.
pub fn load_module_file(specifier: &str, referrer: &str) -> Result<(String, String), String> {
    let resolved = resolve_module_file(specifier, referrer)?;
    let source =
        std::fs::read_to_string(&resolved).map_err(|e| format!("{}: {e}", resolved.display()))?;
    Ok((resolved.display().to_string(), source))
}

/// [`load_module_file`] for any bytes (a `type: "bytes"` import), UTF-8 or not.
pub fn load_module_file_bytes(
    specifier: &str,
    referrer: &str,
) -> Result<(String, Vec<u8>), String> {
    let resolved = resolve_module_file(specifier, referrer)?;
    let bytes = std::fs::read(&resolved).map_err(|e| format!("{}: {e}", resolved.display()))?;
    Ok((resolved.display().to_string(), bytes))
}

/// The canonical path of `specifier` relative to the file `referrer`.
fn resolve_module_file(specifier: &str, referrer: &str) -> Result<std::path::PathBuf, String> {
    let base = std::path::Path::new(referrer)
        .parent()
        .unwrap_or(std::path::Path::new("."));
    let path = match file_url_path(specifier) {
        Some(path) => std::path::PathBuf::from(path),
        None => base.join(specifier),
    };
    std::fs::canonicalize(&path).map_err(|e| format!("{}: {e}", path.display()))
}

pub struct Vm {
    /// What the agent owns (ECMA-262 9.7): the heap and everything in it, the job queue.
    pub agent: Agent,
    /// The running code: registers, frames, the current realm, the exception in flight.
    pub(crate) stack: ExecutionStack,
    /// Every realm of the agent, and the template new ones are copied from.
    pub realms: crate::realm::Realms,
    /// When to stop the running code: interrupt, deadline, instruction budget, heap limit.
    pub termination: crate::limits::Termination,
    pub host: Box<dyn Host>,
    /// Modules the host provides by name (`node:vm`), built on first import.
    pub host_modules: FxHashMap<String, crate::module::HostModule>,
    /// The host's `import()` for code it marked with [`LoadedScript::host_defined`]: called
    /// with that value, the specifier and the attributes; returns a promise or a namespace.
    pub dynamic_import_hook: Option<DynamicImportHook>,
    /// The host's `import.meta` initialiser for such code: called with the value and the new
    /// `import.meta` object.
    pub import_meta_hook: Option<ImportMetaHook>,
    pub modules: crate::module::ModuleMap,
    /// HostPromiseRejectionTracker (27.2.1.9), when the host tracks rejections: called for a
    /// promise rejected with no handler (`Reject`) and for a rejected promise given its first
    /// handler (`Handle`). It runs inside promise operations: it may allocate but must not call
    /// into JavaScript.
    pub promise_rejection_tracker: Option<fn(&mut Vm, ObjRef, RejectionOperation)>,
    /// `console`'s groups, counters and timers.
    pub console: crate::builtins::console::ConsoleState,
    /// The running profile or trace (`kiln run --profile`, `--trace`): while set, the loop runs
    /// its observed instantiation (`profile.rs`).
    pub(crate) profiler: Option<Box<crate::profile::Profile>>,
}

/// The operation of HostPromiseRejectionTracker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectionOperation {
    Reject,
    Handle,
}

impl Vm {
    pub fn new(host: Box<dyn Host>) -> Vm {
        let mut heap = Heap::default();
        let make = |name: &str, heap: &mut Heap| {
            let units: Vec<u16> = format!("Symbol.{name}").encode_utf16().collect();
            let d = heap.alloc_string(JsString::from_units(&units));
            heap.alloc_symbol(Symbol {
                description: d.value(),
                private: None,
            })
        };
        let symbols = WellKnownSymbols {
            async_dispose: make("asyncDispose", &mut heap),
            async_iterator: make("asyncIterator", &mut heap),
            dispose: make("dispose", &mut heap),
            has_instance: make("hasInstance", &mut heap),
            is_concat_spreadable: make("isConcatSpreadable", &mut heap),
            iterator: make("iterator", &mut heap),
            match_: make("match", &mut heap),
            match_all: make("matchAll", &mut heap),
            metadata: make("metadata", &mut heap),
            replace: make("replace", &mut heap),
            search: make("search", &mut heap),
            species: make("species", &mut heap),
            split: make("split", &mut heap),
            to_primitive: make("toPrimitive", &mut heap),
            to_string_tag: make("toStringTag", &mut heap),
            unscopables: make("unscopables", &mut heap),
            error_stack: heap.alloc_symbol(Symbol {
                description: Value::UNDEFINED,
                private: Some(Box::default()),
            }),
        };
        let mut atoms = Atoms::default();
        let names = Names::new(&mut atoms);
        let mut vm = Vm {
            agent: Agent {
                heap,
                shapes: Shapes::default(),
                atoms,
                names,
                symbols,
                symbol_registry: FxHashMap::default(),
                jobs: VecDeque::new(),
                scripts: Vec::new(),
                handles: Default::default(),
                kept_alive: Vec::new(),
                async_waits: Default::default(),
                can_block: true,
                html_dda_made: false,
                html_dda: None,
                unmapped_arguments: Default::default(),
                random_state: 0x9E37_79B9_7F4A_7C15,
                single_chars: Vec::new(),
                lazy_methods: Default::default(),
            },
            stack: ExecutionStack {
                // Allocated once at its full size (address space only until used): the buffer
                // never moves, which the dispatch loop's register windows rely on.
                registers: Vec::with_capacity(MAX_REGISTER_STACK),
                frames: Vec::new(),
                published_pc: 0,
                realm: 0,
                thrown: Value::UNDEFINED,
                exception_origin: None,
                origin_value: None,
                max_frames: 10_000,
                current_native: None,
                join_stack: Vec::new(),
            },
            realms: Default::default(),
            termination: Default::default(),
            host,
            host_modules: FxHashMap::default(),
            dynamic_import_hook: None,
            import_meta_hook: None,
            modules: crate::module::ModuleMap::default(),
            promise_rejection_tracker: None,
            console: Default::default(),
            profiler: None,
        };
        let main = crate::realm::create(&mut vm);
        vm.realms[main as usize].pinned = true;
        // The names the engine itself uses (its built-ins' and the well-known ones) stay.
        vm.agent.atoms.make_permanent();
        vm
    }

    /// Turns gc-stress on or off: collect at every safepoint after an allocation; never reuse
    /// a freed cell, atom or shape, so a reference to one fails loudly.
    pub fn set_gc_stress(&mut self, on: bool) {
        self.agent.heap.set_gc_stress(on);
        self.agent.atoms.gc_stress = on;
        self.agent.shapes.gc_stress = on;
    }

    /// Creates another realm (`$262.createRealm`, `vm.createContext`); returns its index.
    pub fn create_realm(&mut self) -> u32 {
        let saved = self.stack.realm;
        let index = crate::realm::create_from_template(self);
        self.stack.realm = saved;
        index
    }

    /// The current realm: the running code's, or the one host calls run in.
    pub fn current_realm(&self) -> u32 {
        self.stack.realm
    }

    /// Runs `f` with `realm` as the current realm, then restores the previous one.
    /// A pending realm (a context no code has run in yet) is built first.
    pub fn in_realm<R>(&mut self, realm: u32, f: impl FnOnce(&mut Vm) -> R) -> R {
        crate::realm::materialise(self, realm);
        let saved = self.stack.realm;
        self.stack.realm = realm;
        let result = f(self);
        self.stack.realm = saved;
        result
    }

    /// Where the last uncaught exception was thrown: its script and source offset.
    pub fn exception_origin(&self) -> Option<(Rc<LoadedScript>, u32)> {
        self.stack.exception_origin.clone()
    }

    pub fn intrinsics(&self) -> &crate::realm::Realm {
        debug_assert!(
            !self.realms[self.stack.realm as usize].pending,
            "code runs only in a built realm (Vm::in_realm builds a pending one)"
        );
        &self.realms[self.stack.realm as usize]
    }

    // -----------------------------------------------------------------------------------------
    // Allocation

    pub fn alloc(&mut self, object: Object) -> ObjRef {
        let o = self.agent.heap.alloc_object(object);
        if let Some(list) = &mut self.realms.recording {
            list.push(o);
        }
        o
    }

    pub fn obj(&self, o: ObjRef) -> &Object {
        self.agent.heap.objects.get(o.0)
    }

    pub fn obj_mut(&mut self, o: ObjRef) -> &mut Object {
        self.agent.heap.objects.get_mut(o.0)
    }

    pub fn new_object(&mut self) -> ObjRef {
        let proto = self.intrinsics().object_prototype;
        self.alloc(Object::new(Some(proto), ObjectKind::Ordinary))
    }

    pub fn new_object_with_proto(&mut self, proto: Option<ObjRef>) -> ObjRef {
        self.alloc(Object::new(proto, ObjectKind::Ordinary))
    }

    pub fn new_array(&mut self, values: Vec<Value>) -> ObjRef {
        let proto = self.intrinsics().array_prototype;
        let mut o = Object::new(Some(proto), ObjectKind::Array);
        o.length = values.len() as u32;
        o.elements = Elements::Dense(values);
        self.alloc(o)
    }

    pub fn string(&mut self, s: &str) -> Value {
        self.string_from_units(&crate::string::utf16_units(s))
    }

    pub fn string_from_units(&mut self, units: &[u16]) -> Value {
        self.agent
            .heap
            .alloc_string(JsString::from_units(units))
            .value()
    }

    /// A one-unit string; the 256 one-byte ones are shared.
    pub fn single_unit_string(&mut self, u: u16) -> Value {
        if u < 256 {
            if let Some(&v) = self.agent.single_chars.get(u as usize) {
                return v;
            }
            if self.agent.single_chars.is_empty() {
                let all: Vec<Value> = (0..256u16).map(|c| self.string_from_units(&[c])).collect();
                self.agent.single_chars = all;
                return self.agent.single_chars[u as usize];
            }
        }
        self.string_from_units(&[u])
    }

    pub fn atom_value(&mut self, atom: Atom) -> Value {
        let units = self.agent.atoms.units(atom).to_vec();
        self.string_from_units(&units)
    }

    pub fn intern(&mut self, s: &str) -> Atom {
        self.intern_units(&crate::string::utf16_units(s))
    }

    /// The atom of `units`, counting a new one's bytes as allocated.
    pub fn intern_units(&mut self, units: &[u16]) -> Atom {
        let before = self.agent.atoms.heap_bytes();
        let atom = self.agent.atoms.intern(units);
        let grown = self.agent.atoms.heap_bytes().saturating_sub(before);
        self.agent.heap.note_growth(grown);
        atom
    }

    pub fn key(&mut self, s: &str) -> PropertyKey {
        self.key_from_units(&crate::string::utf16_units(s))
    }

    pub fn key_from_units(&mut self, units: &[u16]) -> PropertyKey {
        match crate::string::array_index(units) {
            Some(i) => PropertyKey::Index(i),
            None => PropertyKey::String(self.intern_units(units)),
        }
    }

    pub fn new_symbol(&mut self, description: Value) -> SymRef {
        self.agent.heap.alloc_symbol(Symbol {
            description,
            private: None,
        })
    }

    /// The key's value as JavaScript sees it: a string or a symbol.
    pub fn key_value(&mut self, key: PropertyKey) -> Value {
        match key {
            PropertyKey::Index(i) => self.string(&i.to_string()),
            PropertyKey::String(a) => self.atom_value(a),
            PropertyKey::Symbol(s) => s.value(),
        }
    }

    /// The key as text, for messages.
    pub fn key_text(&self, key: PropertyKey) -> String {
        match key {
            PropertyKey::Index(i) => i.to_string(),
            PropertyKey::String(a) => self.agent.atoms.to_rust(a),
            PropertyKey::Symbol(s) => {
                let d = self.agent.heap.symbols.get(s.0).description;
                match d.as_string() {
                    Some(st) => format!("Symbol({})", self.rust_string(st)),
                    None => "Symbol()".to_string(),
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Strings

    /// The code units of a string known to be short (at most `STRING_CHUNK` units),
    /// flattening a rope with no termination check; [`Vm::units_checked`] for any other.
    pub fn units(&mut self, s: StrRef) -> Rc<[u16]> {
        debug_assert!(self.string_len(s) as usize <= STRING_CHUNK);
        if let StrData::Rope(..) = self.agent.heap.strings.get(s.0).data {
            self.flatten(s);
        }
        self.agent
            .heap
            .strings
            .get(s.0)
            .flat_units()
            .expect("a flattened string is flat")
    }

    /// [`Vm::units`] for a string whose length a script chose: a long one is flattened and
    /// widened a chunk at a time, with termination checks between.
    pub fn units_checked(&mut self, s: StrRef) -> JsResult<Rc<[u16]>> {
        let len = self.string_len(s) as usize;
        if len <= STRING_CHUNK {
            return Ok(self.units(s));
        }
        self.flatten_checked(s)?;
        if let StrData::Utf16(units) = &self.agent.heap.strings.get(s.0).data {
            return Ok(units.clone());
        }
        let mut wide = UnitsWriter::new(len);
        self.in_chunks(len, STRING_CHUNK, |vm, r| {
            if let StrData::Latin1(bytes) = &vm.agent.heap.strings.get(s.0).data {
                wide.push_latin1(&bytes[r]);
            }
        })?;
        Ok(wide.finish())
    }

    /// The code unit at `i`, or `None` past the end. A rope is flattened first, with
    /// termination checks.
    pub fn unit_at_checked(&mut self, s: StrRef, i: usize) -> JsResult<Option<u16>> {
        let string = self.agent.heap.strings.get(s.0);
        if !matches!(string.data, StrData::Rope(..)) {
            return Ok(string.unit_at(i));
        }
        self.flatten_checked(s)?;
        Ok(self.agent.heap.strings.get(s.0).unit_at(i))
    }

    /// Makes rope `s` flat with no termination checks: for [`Vm::units`] of a short string.
    fn flatten(&mut self, s: StrRef) {
        let mut copy = RopeCopy::new(s, self.string_len(s) as usize);
        while !copy.step(&self.agent.heap.strings, usize::MAX) {}
        copy.store(self, s);
    }

    /// Makes `s` flat if it is a rope, a chunk at a time with termination checks between (when
    /// one fires, `s` stays a rope).
    pub fn flatten_checked(&mut self, s: StrRef) -> JsResult<()> {
        if !matches!(self.agent.heap.strings.get(s.0).data, StrData::Rope(..)) {
            return Ok(());
        }
        let len = self.string_len(s) as usize;
        self.reserve(len)?;
        let mut copy = RopeCopy::new(s, len);
        while !copy.step(&self.agent.heap.strings, STRING_CHUNK) {
            self.check_interrupt_now()?;
        }
        copy.store(self, s);
        Ok(())
    }

    /// [`Vm::string_from_units`] for units whose number a script chose: a long string is
    /// stored a chunk at a time, with termination checks between.
    pub fn string_from_long_units(&mut self, units: &[u16]) -> JsResult<Value> {
        if units.len() <= STRING_CHUNK {
            return Ok(self.string_from_units(units));
        }
        let mut bytes = Vec::new();
        crate::limits::try_reserve(self, &mut bytes, units.len())?;
        let mut one_byte = true;
        self.in_chunks(units.len(), STRING_CHUNK, |_, r| {
            let piece = &units[r];
            one_byte = one_byte && piece.iter().all(|&u| u <= 0xFF);
            if one_byte {
                bytes.extend(piece.iter().map(|&u| u as u8));
            }
        })?;
        let string = if one_byte {
            JsString::from_latin1(bytes)
        } else {
            drop(bytes);
            let mut wide = UnitsWriter::new(units.len());
            self.in_chunks(units.len(), STRING_CHUNK, |_, r| {
                wide.push_units(&units[r]);
            })?;
            JsString {
                data: StrData::Utf16(wide.finish()),
                len: units.len() as u32,
                atom: crate::string::NO_ATOM,
            }
        };
        Ok(self.agent.heap.alloc_string(string).value())
    }

    /// The text of `s` for the parser (lone surrogates replaced, as in [`Vm::rust_string`]): a
    /// long string is flattened and converted a chunk at a time, with termination checks.
    pub fn source_text(&mut self, s: StrRef) -> JsResult<String> {
        let len = self.string_len(s) as usize;
        if len <= STRING_CHUNK {
            return Ok(self.rust_string(s));
        }
        self.flatten_checked(s)?;
        let mut text = String::new();
        if text.try_reserve(len).is_err() {
            return Err(self.range_error("Out of memory"));
        }
        let mut start = 0;
        while start < len {
            let mut end = len.min(start + STRING_CHUNK);
            match &self.agent.heap.strings.get(s.0).data {
                StrData::Latin1(bytes) => {
                    text.extend(bytes[start..end].iter().map(|&b| char::from(b)))
                }
                StrData::Utf16(units) => {
                    // A chunk does not end between the two halves of a surrogate pair.
                    if end < len && (0xD800..0xDC00).contains(&units[end - 1]) {
                        end += 1;
                    }
                    let piece = char::decode_utf16(units[start..end].iter().copied());
                    text.extend(piece.map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)));
                }
                StrData::Rope(..) => unreachable!("flattened above"),
            }
            start = end;
            if start < len {
                self.check_interrupt_now()?;
            }
        }
        Ok(text)
    }

    pub fn string_len(&self, s: StrRef) -> u32 {
        self.agent.heap.strings.get(s.0).len
    }

    pub fn rust_string(&self, s: StrRef) -> String {
        match self.agent.heap.strings.get(s.0).flat_units() {
            Some(u) => String::from_utf16_lossy(&u[..]),
            None => {
                let mut out = Vec::new();
                let mut stack = vec![s];
                while let Some(t) = stack.pop() {
                    match &self.agent.heap.strings.get(t.0).data {
                        StrData::Latin1(b) => out.extend(b.iter().map(|&b| u16::from(b))),
                        StrData::Utf16(u) => out.extend_from_slice(u),
                        StrData::Rope(a, b) => {
                            stack.push(*b);
                            stack.push(*a);
                        }
                    }
                }
                String::from_utf16_lossy(&out)
            }
        }
    }

    /// `a + b` for strings: a rope when the result is long.
    pub fn concat(&mut self, a: StrRef, b: StrRef) -> JsResult<Value> {
        let la = self.string_len(a);
        let lb = self.string_len(b);
        if la == 0 {
            return Ok(b.value());
        }
        if lb == 0 {
            return Ok(a.value());
        }
        let len = la as u64 + lb as u64;
        self.check_string_length(len as f64)?;
        if len < 32 {
            let mut units = self.units(a).to_vec();
            units.extend_from_slice(&self.units(b));
            return Ok(self.string_from_units(&units));
        }
        Ok(self
            .agent
            .heap
            .alloc_string(JsString {
                data: StrData::Rope(a, b),
                len: len as u32,
                atom: crate::string::NO_ATOM,
            })
            .value())
    }

    // -----------------------------------------------------------------------------------------
    // Errors

    /// A new error object of the intrinsic `kind` ("TypeError", ...) with `message`.
    pub fn make_error(&mut self, kind: &str, message: &str) -> Value {
        let proto = self.intrinsics().error_prototype(kind);
        let o = self.alloc(Object::new(Some(proto), ObjectKind::Error));
        let m = self.string(message);
        let key = self.key("message");
        self.define_data(o, key, m, attrs::HIDDEN);
        self.attach_stack(o);
        o.value()
    }

    /// Records a new error's stack text (its message line and the frames, as V8 writes them),
    /// which `get Error.prototype.stack` returns: no own property.
    pub fn attach_stack(&mut self, o: ObjRef) {
        let text = self.stack_text(o, None);
        self.set_error_stack(o, text);
    }

    /// The stack text an error recorded ([`Vm::attach_stack`]), if `o` is one that did.
    pub fn error_stack(&self, o: ObjRef) -> Option<Value> {
        let name = self.agent.symbols.error_stack;
        self.obj(o)
            .private
            .iter()
            .find(|(s, _)| *s == name)
            .and_then(|(_, e)| match e {
                crate::object::PrivateElement::Field(v) => Some(*v),
                _ => None,
            })
    }

    /// Replaces an error's recorded stack text.
    pub fn set_error_stack(&mut self, o: ObjRef, text: Value) {
        let name = self.agent.symbols.error_stack;
        let private = &mut self.obj_mut(o).private;
        match private.iter_mut().find(|(s, _)| *s == name) {
            Some(entry) => entry.1 = crate::object::PrivateElement::Field(text),
            None => private.push(name, crate::object::PrivateElement::Field(text)),
        }
    }

    /// Defines an own `stack` data property on `o` (`Error.captureStackTrace`); nothing while
    /// `Error.stackTraceLimit` is not a number, as in V8.
    /// With `above`, V8's `constructorOpt`: the frames above that function's most recent
    /// call, and the call itself, are left out (all of them when it is not running).
    pub fn define_stack_property(&mut self, o: ObjRef, above: Option<Value>) {
        if self.stack_trace_limit().is_none() {
            return;
        }
        let v = self.stack_text(o, above);
        let key = self.key("stack");
        self.define_data(o, key, v, attrs::HIDDEN);
    }

    /// V8's `Error.stackTraceLimit`: how many frames a new error records, read as a data
    /// property (no getter runs) of the current realm's `Error`; None when it is not a number,
    /// and then errors record no stack at all (`stack` reads undefined).
    fn stack_trace_limit(&mut self) -> Option<usize> {
        let Some(&error) = self.intrinsics().constructors.get("Error") else {
            return Some(10);
        };
        let key = PropertyKey::String(self.agent.names.stack_trace_limit);
        let n = self.get_data_along_chain(error, key)?.as_number()?;
        // A saturating conversion: NaN and negatives record no frames, Infinity all of them.
        Some(n as usize)
    }

    /// The message line of `o` and the frames of the running code (`undefined` while
    /// `Error.stackTraceLimit` is not a number).
    fn stack_text(&mut self, o: ObjRef, above: Option<Value>) -> Value {
        let Some(limit) = self.stack_trace_limit() else {
            return Value::UNDEFINED;
        };
        let mut text = String::new();
        let header = self.error_header(o);
        text.push_str(&header);
        for line in self.stack_lines(limit, above) {
            text.push_str("\n    at ");
            text.push_str(&line);
        }
        self.string(&text)
    }

    /// `name: message` (or the name alone), as a stack's first line gives an error.
    pub(crate) fn error_header(&mut self, o: ObjRef) -> String {
        let name_key = self.key("name");
        let message_key = self.key("message");
        let name = self
            .get_data_along_chain(o, name_key)
            .and_then(|v| v.as_string())
            .map_or_else(|| "Error".to_string(), |s| self.rust_string(s));
        let message = self
            .get_data_along_chain(o, message_key)
            .and_then(|v| v.as_string())
            .map(|s| self.rust_string(s))
            .unwrap_or_default();
        if message.is_empty() {
            name
        } else {
            format!("{name}: {message}")
        }
    }

    /// A data property's value found without running getters.
    pub fn get_data_along_chain(&mut self, o: ObjRef, key: PropertyKey) -> Option<Value> {
        let mut cur = Some(o);
        let mut guard = 0;
        while let Some(c) = cur {
            if let Some(p) = self.own_property_raw(c, key) {
                return match p.slot {
                    Slot::Data(v) => Some(v),
                    _ => None,
                };
            }
            cur = self.obj(c).proto;
            guard += 1;
            if guard > 10_000 {
                return None;
            }
        }
        None
    }

    /// The innermost `limit` frames as `name (file:line:col)`, innermost first; with `above`,
    /// only the frames below the most recent call of that function.
    pub fn stack_lines(&self, limit: usize, above: Option<Value>) -> Vec<String> {
        let frames = &self.stack.frames;
        let shown = match above {
            Some(f) => frames
                .iter()
                .rposition(|frame| frame.callee == f)
                .unwrap_or(0),
            None => frames.len(),
        };
        let mut lines = Vec::new();
        for (i, frame) in frames[..shown].iter().enumerate().rev().take(limit) {
            let f = frame.script().function(frame.function);
            let name = f
                .name
                .as_ref()
                .and_then(|n| frame.script().code().strings.get(n.to_native() as usize))
                .map(|s| s.to_string_lossy());
            let offset = frame
                .script()
                .position_of(frame.function, self.frame_pc(i).saturating_sub(1));
            let (line, col) = frame.script().reported_line_column(offset);
            // An unnamed script shows as V8 shows it (`vm.compileFunction`'s default).
            let file = match &*frame.script().name {
                "" => "<anonymous>",
                name => name,
            };
            let place = format!("{file}:{line}:{col}");
            match name {
                Some(n) if !n.is_empty() => lines.push(format!("{n} ({place})")),
                _ => lines.push(place),
            }
        }
        lines
    }

    pub fn throw_error(&mut self, kind: &str, message: &str) -> JsError {
        JsError::Throw(self.make_error(kind, message))
    }

    pub fn type_error(&mut self, message: &str) -> JsError {
        self.throw_error("TypeError", message)
    }

    pub fn range_error(&mut self, message: &str) -> JsError {
        self.throw_error("RangeError", message)
    }

    pub fn reference_error(&mut self, message: &str) -> JsError {
        self.throw_error("ReferenceError", message)
    }

    pub fn syntax_error(&mut self, message: &str) -> JsError {
        self.throw_error("SyntaxError", message)
    }

    // -----------------------------------------------------------------------------------------
    // Garbage collection

    /// Called at safepoints: collects when the heap asks for it.
    /// Makes `o` an \[\[IsHTMLDDA\]\] object (Annex B's `document.all`; test262's
    /// `$262.IsHTMLDDA`): it is falsy, `typeof` says "undefined", and it equals `null` and
    /// `undefined` under `==`.
    pub fn make_html_dda(&mut self, o: ObjRef) {
        self.obj_mut(o).is_html_dda = true;
        self.agent.html_dda_made = true;
    }

    pub fn safepoint(&mut self) {
        if self.agent.heap.should_collect() {
            self.collect_garbage();
        }
    }

    pub fn collect_garbage(&mut self) {
        let mut roots: Vec<Traced> = Vec::new();
        roots.extend(self.stack.registers.iter().map(|&v| Traced::Value(v)));
        self.agent.handles.trace(&mut roots);
        if let Some(t) = &self.realms.template {
            // Every object the template allocated stays: copies are made from the list.
            roots.extend(t.objects.iter().map(|o| Traced::Value(o.value())));
        }
        roots.extend(self.agent.kept_alive.iter().map(|&v| Traced::Value(v)));
        roots.extend(self.agent.async_waits.promises().map(Traced::Value));
        roots.push(Traced::Value(self.stack.thrown));
        roots.extend(self.agent.single_chars.iter().map(|&v| Traced::Value(v)));
        self.agent.lazy_methods.trace(&mut roots);
        if let Some(v) = self.stack.origin_value {
            roots.push(Traced::Value(v));
        }
        for f in &self.stack.frames {
            trace_frame(f, &mut roots);
        }
        // Realms are reached like cells: from their functions, frames, modules and sandboxes;
        // the pinned ones and the current one are roots.
        roots.push(Traced::Realm(self.stack.realm));
        for (i, realm) in self.realms.list.iter().enumerate() {
            if realm.pinned {
                roots.push(Traced::Realm(i as u32));
            }
        }
        for job in &self.agent.jobs {
            job.trace(&mut roots);
        }
        for s in &self.agent.scripts {
            roots.extend(
                s.templates
                    .borrow()
                    .values()
                    .map(|o| Traced::Value(o.value())),
            );
            roots.extend(
                s.constant_strings
                    .borrow()
                    .values()
                    .map(|&v| Traced::Value(v)),
            );
            if let Some(m) = *s.module.borrow() {
                roots.push(Traced::Value(m.value()));
            }
            s.trace_names_and_shapes(&mut roots);
        }
        let w = &self.agent.symbols;
        for s in [
            w.async_dispose,
            w.async_iterator,
            w.dispose,
            w.has_instance,
            w.is_concat_spreadable,
            w.iterator,
            w.match_,
            w.match_all,
            w.metadata,
            w.replace,
            w.search,
            w.species,
            w.split,
            w.to_primitive,
            w.to_string_tag,
            w.unscopables,
            w.error_stack,
        ] {
            roots.push(Traced::Value(s.value()));
        }
        roots.extend(
            self.agent
                .symbol_registry
                .values()
                .map(|s| Traced::Value(s.value())),
        );
        self.modules.trace_busy(&mut roots);
        if let Some(o) = self.agent.html_dda {
            roots.push(Traced::Value(o.value()));
        }
        // What a realm owns beside its intrinsics: its module records and what the host attached
        // to its scripts (`node:vm`'s import hooks, which name the `vm.Module` or `vm.Script`
        // and so, through a module, the realm itself). Traced when the realm is reached, they
        // do not keep an otherwise unreached context alive.
        let mut host_defined: FxHashMap<u32, Vec<Value>> = FxHashMap::default();
        for s in &self.agent.scripts {
            if let Some(v) = s.host_defined.get() {
                host_defined.entry(s.realm).or_default().push(v);
            }
        }
        let modules = &self.modules;
        let owned_by_realm = |realm: u32, out: &mut Vec<Traced>| {
            modules.trace_realm(realm, out);
            if let Some(values) = host_defined.get(&realm) {
                out.extend(values.iter().map(|&v| Traced::Value(v)));
            }
        };
        let reached = self.agent.heap.collect(
            roots,
            &self.realms.list,
            &self.realms.contexts,
            &owned_by_realm,
            &self.agent.shapes,
            self.agent.atoms.len(),
        );
        self.free_unreached_realms(&reached.realms);
        self.agent.shapes.sweep(&reached.shapes);
        self.agent.atoms.sweep(&reached.atoms);
        // Code that only the swept closures ran is dropped with them.
        self.agent.scripts.retain(|s| Rc::strong_count(s) > 1);
        self.agent.heap.external = self.external_bytes();
        self.agent.heap.finish_collection();
        self.termination.heap_limit_hit = self.agent.heap.over_limit();
        if self.termination.heap_limit_hit {
            self.termination.check_at = 0;
        }
        self.queue_finalization_cleanups();
    }

    /// The sizes of the side tables outside the cells: atoms, shapes, loaded code, realms.
    fn external_bytes(&self) -> crate::heap::ExternalBytes {
        crate::heap::ExternalBytes {
            atoms: self.agent.atoms.heap_bytes(),
            shapes: self.agent.shapes.heap_bytes(),
            code: self.agent.scripts.iter().map(|s| s.heap_bytes()).sum(),
            realms: self.realms.list.len() * size_of::<crate::realm::Realm>(),
        }
    }

    /// Each kind's cells and bytes now (see [`crate::heap::HeapStats`]).
    pub fn heap_stats(&mut self) -> crate::heap::HeapStats {
        self.agent.heap.external = self.external_bytes();
        self.agent.heap.stats()
    }

    /// Checks that `bytes` more can be allocated before a large allocation (a long string, a
    /// buffer, many elements): past the heap's limit this terminates the run (in `node:vm`, a
    /// catchable `ERR_KILN_HEAP_LIMIT`) instead of allocating.
    pub fn reserve(&mut self, bytes: usize) -> JsResult<()> {
        if self.agent.heap.exceeds_limit(bytes) {
            return Err(JsError::Terminate(HEAP_LIMIT_EXCEEDED.into()));
        }
        Ok(())
    }

    /// Frees the realms the last collection did not reach: their objects are already swept.
    fn free_unreached_realms(&mut self, reached: &[bool]) {
        for (i, &alive) in reached.iter().enumerate() {
            let realm = &mut self.realms[i];
            if alive || realm.pinned || realm.dead {
                continue;
            }
            *realm = crate::realm::Realm::empty();
            realm.dead = true;
            self.realms.free.push(i as u32);
            self.modules.free_realm(i as u32);
        }
        let objects = &self.agent.heap.objects;
        let realms = &self.realms.list;
        self.realms
            .contexts
            .retain(|&o, &mut r| objects.is_allocated(o) && !realms[r as usize].dead);
    }

    /// Termination checks at backward jumps and calls.
    #[inline(always)]
    pub fn check_interrupt(&mut self) -> JsResult<()> {
        self.termination.ticks += 1;
        if self.termination.ticks < self.termination.check_at {
            return Ok(());
        }
        self.check_interrupt_due()
    }

    /// Sets (or clears) the tick budget; the next check sees it.
    pub fn set_tick_budget(&mut self, budget: Option<u64>) {
        self.termination.tick_budget = budget;
        self.termination.check_at = 0;
    }

    /// The checks `check_interrupt` makes when `check_at` is reached.
    #[cold]
    #[inline(never)]
    fn check_interrupt_due(&mut self) -> JsResult<()> {
        let next_boundary = (self.termination.ticks | 0x3FF) + 1;
        self.termination.check_at = match self.termination.tick_budget {
            Some(budget) if budget > self.termination.ticks => next_boundary.min(budget),
            // Spent: every check from now on fails.
            Some(_) => self.termination.ticks + 1,
            None => next_boundary,
        };
        if let Some(budget) = self.termination.tick_budget
            && self.termination.ticks >= budget
        {
            return Err(JsError::Terminate(
                "Script execution exceeded its budget".into(),
            ));
        }
        if self.termination.heap_limit_hit {
            self.termination.heap_limit_hit = false;
            return Err(JsError::Terminate(HEAP_LIMIT_EXCEEDED.into()));
        }
        if self.termination.ticks & 0x3FF == 0 {
            if self.termination.interrupt.load(Ordering::Relaxed) {
                return Err(JsError::Terminate(INTERRUPTED.into()));
            }
            if let Some(deadline) = self.termination.deadline
                && std::time::Instant::now() >= deadline
            {
                return Err(JsError::Terminate("Script execution timed out".into()));
            }
        }
        Ok(())
    }

    /// Runs queued promise jobs until none are left and no `Atomics.waitAsync` is pending:
    /// while one is, the thread waits for another agent's notification or the timeout
    /// (bounded by the interrupt and the deadline, like any run).
    pub fn run_jobs(&mut self) -> JsResult<()> {
        use crate::builtins::atomics::settle_async_waits;
        loop {
            while self.run_one_job()? {
                settle_async_waits(self, false)?;
            }
            if self.agent.async_waits.is_empty() {
                return Ok(());
            }
            settle_async_waits(self, true)?;
        }
    }

    /// Runs the oldest queued job; false when there was none.
    pub fn run_one_job(&mut self) -> JsResult<bool> {
        match self.agent.jobs.pop_front() {
            Some(job) => self.run_job(job).map(|_| true),
            None => Ok(false),
        }
    }

    /// HostEnqueuePromiseJob: into the current realm's own queue when it has one (a context
    /// with `microtaskMode: 'afterEvaluate'`), else the runtime's.
    pub fn enqueue_job(&mut self, job: Job) {
        match &mut self.realms[self.stack.realm as usize].jobs {
            Some(queue) => queue.push_back(job),
            None => self.agent.jobs.push_back(job),
        }
    }

    /// Runs the jobs queued in `realm`'s own queue until it is empty.
    pub fn run_realm_jobs(&mut self, realm: u32) -> JsResult<()> {
        while let Some(job) = self.realms[realm as usize]
            .jobs
            .as_mut()
            .and_then(VecDeque::pop_front)
        {
            self.run_job(job)?;
        }
        Ok(())
    }

    fn run_job(&mut self, job: Job) -> JsResult<()> {
        // ClearKeptObjects: the synchronous run before this job has ended.
        self.agent.kept_alive.clear();
        // The job's values are only in Rust locals while it runs: root them.
        let mut roots = Vec::new();
        job.trace(&mut roots);
        self.handle_scope(|vm| {
            for r in roots {
                if let Traced::Value(v) = r {
                    vm.root(v);
                }
            }
            crate::builtins::promise::run_job(vm, job)
        })
    }
}

impl Vm {
    /// Defines (or overwrites) a data property without checks: for building fresh objects.
    pub fn define_data(&mut self, o: ObjRef, key: PropertyKey, value: Value, attributes: u8) {
        let _ = self.define_own_property_raw(o, key, Property::data(value, attributes));
    }

    /// Defines a built-in method `name` with `length`, made when its property is first read
    /// (see [`crate::object::LazyMethod`]).
    pub fn define_method(
        &mut self,
        o: ObjRef,
        name: &str,
        length: u32,
        f: crate::object::NativeFn,
    ) {
        let key = self.key(name);
        let lazy = match key {
            PropertyKey::String(atom) => self.define_lazy(o, key, atom, length, f, false),
            _ => false,
        };
        if !lazy {
            self.define_method_now(o, name, length, f);
        }
    }

    /// Defines `name` on `o` as a stand-in for a [`crate::object::LazyMethod`] (a method, or
    /// the getter of an accessor with no setter); false, defining nothing, when the agent's
    /// table is full or the realm's number does not fit.
    pub(crate) fn define_lazy(
        &mut self,
        o: ObjRef,
        key: PropertyKey,
        name: Atom,
        length: u32,
        call: crate::object::NativeFn,
        getter: bool,
    ) -> bool {
        if matches!(key, PropertyKey::Index(_)) {
            return false;
        }
        let realm = self.stack.realm;
        let method = crate::object::LazyMethod {
            call,
            key,
            name,
            length,
            getter,
        };
        let Some(stand_in) = self
            .agent
            .lazy_methods
            .number(method)
            .and_then(|n| StoredSlot::lazy_method(realm, n))
        else {
            return false;
        };
        // The attributes the made property will have; the slot holds the stand-in meanwhile.
        let attributes = match getter {
            true => attrs::CONFIGURABLE | attrs::ACCESSOR,
            false => attrs::HIDDEN,
        };
        self.define_own_property_raw(o, key, Property::data(Value::UNDEFINED, attributes));
        match self.named_slot(o, key) {
            Some((i, _)) => {
                self.obj_mut(o).slots[i as usize] = stand_in;
                true
            }
            None => false,
        }
    }

    /// Defines a built-in method `name` with `length` at once; returns the function.
    pub fn define_method_now(
        &mut self,
        o: ObjRef,
        name: &str,
        length: u32,
        f: crate::object::NativeFn,
    ) -> ObjRef {
        let func = self.native_function(name, length, f, None);
        let key = self.key(name);
        self.define_data(o, key, func.value(), attrs::HIDDEN);
        func
    }

    /// Makes the built-in method whose stand-in is slot `i` of `o`, in the stand-in's realm,
    /// and stores it there; returns the slot as it now is.
    #[cold]
    pub(crate) fn make_lazy_method(&mut self, o: ObjRef, i: usize) -> StoredSlot {
        let stored = self.obj(o).slots[i];
        let Some((realm, n)) = stored.as_lazy_method() else {
            return stored;
        };
        let method = self.agent.lazy_methods.list[n as usize];
        let name = self.atom_value(method.name);
        let func = self.native_function_named(realm, name, method.length, method.call, None);
        let made = match method.getter {
            true => self.store_slot(Slot::Accessor {
                get: func.value(),
                set: Value::UNDEFINED,
            }),
            false => StoredSlot::data(func.value()),
        };
        self.obj_mut(o).slots[i] = made;
        made
    }

    /// A built-in function object.
    pub fn native_function(
        &mut self,
        name: &str,
        length: u32,
        call: crate::object::NativeFn,
        construct: Option<crate::object::NativeCtor>,
    ) -> ObjRef {
        let name = self.string(name);
        self.native_function_named(self.stack.realm, name, length, call, construct)
    }

    /// A built-in function object of realm `realm` whose `name` is the string `name`.
    fn native_function_named(
        &mut self,
        realm: u32,
        name: Value,
        length: u32,
        call: crate::object::NativeFn,
        construct: Option<crate::object::NativeCtor>,
    ) -> ObjRef {
        let proto = self.realms[realm as usize].function_prototype;
        let f = self.alloc(Object::new(
            Some(proto),
            ObjectKind::Native(Box::new(crate::object::NativeFunction {
                call,
                construct,
                realm,
                data: Vec::new(),
            })),
        ));
        let length_key = PropertyKey::String(self.agent.names.length);
        self.define_data(
            f,
            length_key,
            Value::int32(length as i32),
            attrs::CONFIGURABLE,
        );
        let name_key = PropertyKey::String(self.agent.names.name);
        self.define_data(f, name_key, name, attrs::CONFIGURABLE);
        f
    }

    /// A built-in closure carrying `data` (read back with [`Vm::native_data`]).
    pub fn native_closure(
        &mut self,
        name: &str,
        length: u32,
        call: crate::object::NativeFn,
        data: Vec<Value>,
    ) -> ObjRef {
        let f = self.native_function(name, length, call, None);
        if let ObjectKind::Native(n) = &mut self.obj_mut(f).kind {
            n.data = data;
        }
        f
    }

    /// The data of the native closure being called.
    pub fn native_data(&self) -> Vec<Value> {
        self.stack
            .current_native
            .and_then(|f| match &self.obj(f).kind {
                ObjectKind::Native(n) => Some(n.data.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }
}

/// A rope being copied into flat storage, a bounded amount of work at a time, so that a long
/// one can be flattened between termination checks. The leaves are copied in order, a long
/// leaf in parts, one byte a unit until a two-byte leaf turns up; then what is copied so far
/// is widened (a bounded amount at a time too) and the rest copied two bytes a unit.
struct RopeCopy {
    len: usize,
    /// Nodes still to copy, the next on top; its first `offset` units are copied.
    stack: Vec<StrRef>,
    offset: usize,
    out: FlatUnits,
}

enum FlatUnits {
    Latin1(Vec<u8>),
    /// Two-byte storage, and the one-byte units copied before it was needed, of which the
    /// first `widened` are in it.
    Utf16 {
        units: UnitsWriter,
        narrow: Vec<u8>,
        widened: usize,
    },
}

impl RopeCopy {
    fn new(s: StrRef, len: usize) -> RopeCopy {
        RopeCopy {
            len,
            stack: vec![s],
            offset: 0,
            out: FlatUnits::Latin1(Vec::with_capacity(len)),
        }
    }

    /// Does up to `budget` units of work — a node looked at, a code unit copied; whether the
    /// copy is complete.
    fn step(&mut self, strings: &crate::heap::Arena<JsString>, mut budget: usize) -> bool {
        if let FlatUnits::Utf16 {
            units,
            narrow,
            widened,
        } = &mut self.out
            && *widened < narrow.len()
        {
            let end = narrow.len().min(widened.saturating_add(budget));
            units.push_latin1(&narrow[*widened..end]);
            budget -= end - *widened;
            *widened = end;
            if end < narrow.len() {
                return false;
            }
            *narrow = Vec::new();
        }
        while let Some(&t) = self.stack.last() {
            if budget == 0 {
                return false;
            }
            let end = match (&strings.get(t.0).data, &mut self.out) {
                (StrData::Rope(a, b), _) => {
                    self.stack.pop();
                    self.stack.push(*b);
                    self.stack.push(*a);
                    budget -= 1;
                    continue;
                }
                (StrData::Latin1(bytes), out) => {
                    let end = bytes.len().min(self.offset.saturating_add(budget));
                    let piece = &bytes[self.offset..end];
                    match out {
                        FlatUnits::Latin1(v) => v.extend_from_slice(piece),
                        FlatUnits::Utf16 { units, .. } => units.push_latin1(piece),
                    }
                    (end, bytes.len())
                }
                (StrData::Utf16(_), FlatUnits::Latin1(v)) => {
                    // The first two-byte leaf: widen what is copied, then go on with it.
                    let narrow = std::mem::take(v);
                    self.out = FlatUnits::Utf16 {
                        units: UnitsWriter::new(self.len),
                        narrow,
                        widened: 0,
                    };
                    return self.step(strings, budget);
                }
                (StrData::Utf16(leaf), FlatUnits::Utf16 { units, .. }) => {
                    let end = leaf.len().min(self.offset.saturating_add(budget));
                    units.push_units(&leaf[self.offset..end]);
                    (end, leaf.len())
                }
            };
            let (end, leaf_len) = end;
            budget -= end - self.offset;
            if end == leaf_len {
                self.stack.pop();
                self.offset = 0;
            } else {
                self.offset = end;
            }
        }
        true
    }

    /// Replaces rope `s` by the flat string copied.
    fn store(self, vm: &mut Vm, s: StrRef) {
        let mut flat = match self.out {
            FlatUnits::Latin1(bytes) => JsString::from_latin1(bytes),
            FlatUnits::Utf16 { units, .. } => JsString {
                data: StrData::Utf16(units.finish()),
                len: self.len as u32,
                atom: crate::string::NO_ATOM,
            },
        };
        // The flattened rope is the same string: it keeps the atom it may have as a key.
        flat.atom = vm.agent.heap.strings.get(s.0).atom;
        vm.agent
            .heap
            .note_growth(crate::heap::HeapSize::payload_bytes(&flat));
        *vm.agent.heap.strings.get_mut(s.0) = flat;
    }
}
