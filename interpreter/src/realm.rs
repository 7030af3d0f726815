//! Realms: the intrinsics, the global object and the global lexical bindings. Many realms share
//! one heap.

use crate::heap::{ObjRef, Traced};
use crate::object::{Elements, Object, ObjectKind, PropertyKey, Slot, StoredSlot, attrs};
use crate::string::Atom;
use crate::value::Value;
use crate::vm::Vm;
use rustc_hash::FxHashMap;

const UNSET: ObjRef = ObjRef(u32::MAX);

macro_rules! realm {
    ($($field:ident),* $(,)?) => {
        pub struct Realm {
            $(pub $field: ObjRef,)*
            /// Global `let`, `const` and `class` bindings: value (the hole while in TDZ), const.
            pub global_lexicals: FxHashMap<Atom, (Value, bool)>,
            /// Error prototypes by constructor name.
            pub error_prototypes: FxHashMap<&'static str, ObjRef>,
            /// Constructors by name, for `$262` and host lookups.
            pub constructors: FxHashMap<&'static str, ObjRef>,
            /// The concrete typed array prototypes and constructors, by element type.
            pub typed_array_prototypes: [ObjRef; 12],
            pub typed_array_constructors: [ObjRef; 12],
            /// The object whose properties back this realm's global (`vm.createContext(sandbox)`).
            pub sandbox: Option<ObjRef>,
            /// HostEnsureCanCompileStrings: `eval` and the Function constructors may compile.
            pub code_generation_strings: bool,
            /// Modules the host has numbered in this realm (node:vm names them `vm:module(n)`,
            /// counting per context).
            pub host_module_count: u32,
            /// Kept even when unreachable (the main realm, the template, an embedder's
            /// `Context`): the collector frees only realms made by scripts.
            pub pinned: bool,
            /// Collected: its objects are gone and its index may be reused.
            pub dead: bool,
            /// Made but not built: no intrinsics and no global object yet (every object field
            /// is unset), only what the host gave it (sandbox, options). Built from the
            /// template when code first runs in it ([`materialise`], called by `Vm::in_realm`).
            pub pending: bool,
            /// Its own job queue (`microtaskMode: 'afterEvaluate'`), run by the host after
            /// each evaluation in the realm.
            pub jobs: Option<std::collections::VecDeque<crate::agent::Job>>,
            /// The legacy static properties of `RegExp` (None: invalidated).
            pub regexp_statics: Option<Box<crate::builtins::regexp::LegacyStatics>>,
        }

        impl Realm {
            pub(crate) fn empty() -> Realm {
                Realm {
                    $($field: UNSET,)*
                    global_lexicals: FxHashMap::default(),
                    error_prototypes: FxHashMap::default(),
                    constructors: FxHashMap::default(),
                    typed_array_prototypes: [UNSET; 12],
                    typed_array_constructors: [UNSET; 12],
                    sandbox: None,
                    code_generation_strings: true,
                    host_module_count: 0,
                    pinned: false,
                    dead: false,
                    pending: false,
                    jobs: None,
                    regexp_statics: None,
                }
            }

            /// Every object reference the realm holds, for [`clone_realm`] to redirect.
            fn references(&mut self) -> Vec<&mut ObjRef> {
                let mut refs: Vec<&mut ObjRef> = vec![$(&mut self.$field,)*];
                refs.extend(self.error_prototypes.values_mut());
                refs.extend(self.constructors.values_mut());
                refs.extend(self.typed_array_prototypes.iter_mut());
                refs.extend(self.typed_array_constructors.iter_mut());
                refs.extend(self.sandbox.iter_mut());
                refs
            }

            fn copy(&self) -> Realm {
                Realm {
                    $($field: self.$field,)*
                    global_lexicals: self.global_lexicals.clone(),
                    error_prototypes: self.error_prototypes.clone(),
                    constructors: self.constructors.clone(),
                    typed_array_prototypes: self.typed_array_prototypes,
                    typed_array_constructors: self.typed_array_constructors,
                    sandbox: self.sandbox,
                    code_generation_strings: self.code_generation_strings,
                    host_module_count: 0,
                    pinned: false,
                    dead: false,
                    pending: false,
                    jobs: None,
                    regexp_statics: Some(Box::default()),
                }
            }

            pub fn trace(&self, out: &mut Vec<Traced>) {
                if let Some(s) = self.sandbox {
                    out.push(Traced::Value(s.value()));
                }
                for job in self.jobs.iter().flatten() {
                    job.trace(out);
                }
                if self.pending {
                    // Nothing else is set yet (and thousands of unused contexts may be kept).
                    return;
                }
                $(if self.$field != UNSET { out.push(Traced::Value(self.$field.value())); })*
                for (&name, &(v, _)) in &self.global_lexicals {
                    out.push(Traced::Atom(name));
                    out.push(Traced::Value(v));
                }
                out.extend(self.error_prototypes.values().map(|o| Traced::Value(o.value())));
                out.extend(self.constructors.values().map(|o| Traced::Value(o.value())));
                for o in self.typed_array_prototypes.iter().chain(&self.typed_array_constructors) {
                    if *o != UNSET {
                        out.push(Traced::Value(o.value()));
                    }
                }
            }
        }
    };
}

realm!(
    global_object,
    global_this,
    object_prototype,
    function_prototype,
    array_prototype,
    string_prototype,
    number_prototype,
    boolean_prototype,
    symbol_prototype,
    bigint_prototype,
    iterator_prototype,
    async_iterator_prototype,
    array_iterator_prototype,
    // The original %ArrayIteratorPrototype%.next (the fast path of IteratorStep checks it).
    array_iterator_next,
    string_iterator_prototype,
    generator_prototype,
    generator_function_prototype,
    async_function_prototype,
    async_generator_prototype,
    async_generator_function_prototype,
    async_from_sync_iterator_prototype,
    promise_prototype,
    promise_constructor,
    regexp_prototype,
    map_prototype,
    set_prototype,
    map_iterator_prototype,
    set_iterator_prototype,
    weak_map_prototype,
    weak_set_prototype,
    weak_ref_prototype,
    finalization_registry_prototype,
    disposable_stack_prototype,
    async_disposable_stack_prototype,
    shadow_realm_prototype,
    iterator_helper_prototype,
    wrap_for_valid_iterator_prototype,
    regexp_string_iterator_prototype,
    date_prototype,
    array_buffer_prototype,
    array_buffer_constructor,
    shared_array_buffer_prototype,
    data_view_prototype,
    typed_array_prototype,
    typed_array_constructor,
    eval,
    throw_type_error,
    array_values,
    function_constructor,
    object_constructor,
    array_constructor,
    temporal_duration_prototype,
    temporal_instant_prototype,
    temporal_plain_date_prototype,
    temporal_plain_time_prototype,
    temporal_plain_date_time_prototype,
    temporal_plain_year_month_prototype,
    temporal_plain_month_day_prototype,
    temporal_zoned_date_time_prototype,
);

impl Realm {
    pub fn error_prototype(&self, kind: &str) -> ObjRef {
        self.error_prototypes
            .get(kind)
            .or_else(|| self.error_prototypes.get("Error"))
            .copied()
            .unwrap_or(self.object_prototype)
    }
}

/// Every realm of an agent. Index it with a realm's number (`vm.realms[r as usize]`).
#[derive(Default)]
pub struct Realms {
    pub list: Vec<Realm>,
    /// Context objects (sandboxes and `DONT_CONTEXTIFY` globals) by object index, to realms.
    pub contexts: FxHashMap<u32, u32>,
    /// The pristine realm new realms are copied from (made when the first is materialised).
    pub template: Option<Template>,
    /// While set, every object allocated is listed here (building the realm template).
    pub recording: Option<Vec<ObjRef>>,
    /// Indices of collected realms, for reuse.
    pub free: Vec<u32>,
}

impl std::ops::Index<usize> for Realms {
    type Output = Realm;
    fn index(&self, index: usize) -> &Realm {
        &self.list[index]
    }
}

impl std::ops::IndexMut<usize> for Realms {
    fn index_mut(&mut self, index: usize) -> &mut Realm {
        &mut self.list[index]
    }
}

/// A pristine realm no code runs in, and the objects its creation allocated: new realms are
/// copies of it (see `clone_realm`).
pub struct Template {
    pub realm: u32,
    pub objects: Vec<ObjRef>,
}

/// A new realm, built at once: a copy of the template realm's objects (see [`materialise`]).
pub fn create_from_template(vm: &mut Vm) -> u32 {
    let index = create_pending(vm);
    materialise(vm, index);
    index
}

/// A new realm with nothing in it yet: a numbered slot that [`materialise`] fills when code
/// first runs in it. Making one allocates no cell, so a context that is made and dropped (or
/// kept but never entered) costs only its slot in the realm list.
pub fn create_pending(vm: &mut Vm) -> u32 {
    let mut realm = Realm::empty();
    realm.pending = true;
    match vm.realms.free.pop() {
        Some(index) => {
            vm.realms[index as usize] = realm;
            index
        }
        None => {
            vm.realms.list.push(realm);
            (vm.realms.list.len() - 1) as u32
        }
    }
}

/// Builds a pending realm: its intrinsics and global object copied from the template (built on
/// first use), about ten times cheaper than installing every built-in afresh, or installed
/// afresh if the template holds an object kind the copy does not know. What the host already
/// set (sandbox, code generation, job queue) is kept, and a sandboxed realm's global then
/// forwards to its sandbox. Does nothing to a built realm.
pub fn materialise(vm: &mut Vm, index: u32) {
    if !vm
        .realms
        .list
        .get(index as usize)
        .is_some_and(|r| r.pending)
    {
        return;
    }
    let saved = vm.stack.realm;
    if vm.realms.template.is_none() {
        vm.realms.recording = Some(Vec::new());
        let realm = create(vm);
        vm.realms[realm as usize].pinned = true;
        let objects = vm.realms.recording.take().unwrap_or_default();
        vm.realms.template = Some(Template { realm, objects });
    }
    let host = std::mem::replace(&mut vm.realms[index as usize], Realm::empty());
    match clone_realm(vm, index) {
        Some(realm) => vm.realms[index as usize] = realm,
        None => build(vm, index),
    }
    vm.stack.realm = saved;
    let realm = &mut vm.realms[index as usize];
    realm.sandbox = host.sandbox;
    realm.code_generation_strings = host.code_generation_strings;
    realm.host_module_count = host.host_module_count;
    realm.pinned = host.pinned;
    realm.jobs = host.jobs;
    if let Some(sandbox) = host.sandbox {
        let global = realm.global_object;
        // Dictionary mode: no shape-keyed inline cache may ever skip the forwarding.
        vm.make_dictionary(global);
        vm.obj_mut(global).kind = ObjectKind::SandboxGlobal(sandbox);
    }
}

/// The template's object with its kind copied, or `None` for a kind a fresh realm never has.
fn copy_object(o: &Object) -> Option<Object> {
    let kind = match &o.kind {
        ObjectKind::Ordinary => ObjectKind::Ordinary,
        ObjectKind::Array => ObjectKind::Array,
        ObjectKind::Error => ObjectKind::Error,
        ObjectKind::Boolean(b) => ObjectKind::Boolean(*b),
        ObjectKind::Number(n) => ObjectKind::Number(*n),
        ObjectKind::String(s) => ObjectKind::String(*s),
        ObjectKind::Date(t) => ObjectKind::Date(*t),
        ObjectKind::AccessorPair { get, set } => ObjectKind::AccessorPair {
            get: *get,
            set: *set,
        },
        ObjectKind::Temporal(t) => ObjectKind::Temporal(t.clone()),
        ObjectKind::Native(n) => ObjectKind::Native(Box::new(crate::object::NativeFunction {
            call: n.call,
            construct: n.construct,
            realm: n.realm,
            data: n.data.clone(),
        })),
        _ => return None,
    };
    if !o.private.is_empty() {
        return None;
    }
    Some(Object {
        proto: o.proto,
        extensible: o.extensible,
        kind,
        shape: o.shape,
        dictionary: o.dictionary.clone(),
        slots: o.slots.clone(),
        elements: match &o.elements {
            Elements::Dense(v) => Elements::Dense(v.clone()),
            Elements::Sparse(m) => Elements::Sparse(m.clone()),
        },
        length: o.length,
        length_writable: o.length_writable,
        private: Default::default(),
        is_html_dda: o.is_html_dda,
        watched: false,
    })
}

/// Copies the template realm for the realm numbered `index`: every object it allocated, with
/// references among them redirected to the copies and built-ins belonging to the new realm.
fn clone_realm(vm: &mut Vm, index: u32) -> Option<Realm> {
    let template = vm.realms.template.take()?;
    let result = clone_from(vm, &template, index);
    vm.realms.template = Some(template);
    result
}

fn clone_from(vm: &mut Vm, template: &Template, index: u32) -> Option<Realm> {
    let objects = &template.objects;
    // The template's objects were allocated together: a dense table maps them to copies.
    let low = objects.iter().map(|o| o.0).min()?;
    let high = objects.iter().map(|o| o.0).max()?;
    let mut map = vec![u32::MAX; (high - low + 1) as usize];
    let mut fresh = Vec::with_capacity(objects.len());
    for &o in objects {
        let copy = copy_object(vm.obj(o))?;
        let n = vm.alloc(copy);
        map[(o.0 - low) as usize] = n.0;
        fresh.push(n);
    }
    let find = |o: ObjRef| -> Option<ObjRef> {
        let i = o.0.checked_sub(low)? as usize;
        map.get(i).copied().filter(|&n| n != u32::MAX).map(ObjRef)
    };
    let redirect = |v: Value| match v.as_object().and_then(find) {
        Some(n) => n.value(),
        None => v,
    };
    let redirect_slot = |slot: &mut Slot| match slot {
        Slot::Data(v) => *v = redirect(*v),
        Slot::Accessor { get, set } => {
            *get = redirect(*get);
            *set = redirect(*set);
        }
    };
    for &n in &fresh {
        let object = vm.obj_mut(n);
        if let Some(np) = object.proto.and_then(find) {
            object.proto = Some(np);
        }
        for slot in object.slots.iter_mut() {
            *slot = if let Some(pair) = slot.as_accessor() {
                StoredSlot::accessor(find(pair).unwrap_or(pair))
            } else if let Some((_, method)) = slot.as_lazy_method() {
                // Made, when first read, as a function of the new realm.
                StoredSlot::lazy_method(index, method)?
            } else {
                StoredSlot::data(redirect(slot.as_data().unwrap_or_default()))
            };
        }
        match &mut object.elements {
            Elements::Dense(values) => values.iter_mut().for_each(|v| *v = redirect(*v)),
            Elements::Sparse(m) => m.values_mut().for_each(|p| redirect_slot(&mut p.slot)),
        }
        match &mut object.kind {
            ObjectKind::Native(f) => {
                f.realm = index;
                f.data.iter_mut().for_each(|v| *v = redirect(*v));
            }
            ObjectKind::AccessorPair { get, set } => {
                *get = redirect(*get);
                *set = redirect(*set);
            }
            _ => {}
        }
    }
    let mut realm = vm.realms[template.realm as usize].copy();
    for r in realm.references() {
        if let Some(n) = find(*r) {
            *r = n;
        }
    }
    Some(realm)
}

/// Creates a realm with every intrinsic and a global object; returns its index.
pub fn create(vm: &mut Vm) -> u32 {
    let index = vm.realms.list.len() as u32;
    vm.realms.list.push(Realm::empty());
    build(vm, index);
    index
}

/// Installs every intrinsic and a global object in the empty realm numbered `index`, which
/// becomes the current realm.
fn build(vm: &mut Vm, index: u32) {
    vm.stack.realm = index;
    let object_prototype = vm.alloc(Object::new(None, ObjectKind::Ordinary));
    vm.realms[index as usize].object_prototype = object_prototype;
    let function_prototype = vm.alloc(Object::new(
        Some(object_prototype),
        ObjectKind::Native(Box::new(crate::object::NativeFunction {
            call: |_, _, _| Ok(Value::UNDEFINED),
            construct: None,
            realm: index,
            data: Vec::new(),
        })),
    ));
    vm.realms[index as usize].function_prototype = function_prototype;
    let global = vm.alloc(Object::new(Some(object_prototype), ObjectKind::Ordinary));
    vm.realms[index as usize].global_object = global;
    vm.realms[index as usize].global_this = global;
    crate::builtins::install(vm, index);
}

impl Vm {
    /// Defines a global binding (writable, configurable, not enumerable).
    pub fn define_global(&mut self, name: &str, value: Value) {
        let g = self.intrinsics().global_object;
        let key = self.key(name);
        self.define_data(g, key, value, attrs::HIDDEN);
    }

    /// A constructor `name` with `prototype`, linked both ways, defined on the global object.
    pub fn make_constructor(
        &mut self,
        name: &'static str,
        length: u32,
        call: crate::object::NativeFn,
        construct: Option<crate::object::NativeCtor>,
        prototype: ObjRef,
    ) -> ObjRef {
        let ctor = self.native_function(name, length, call, construct);
        let pk = PropertyKey::String(self.agent.names.prototype);
        self.define_data(ctor, pk, prototype.value(), 0);
        let ck = PropertyKey::String(self.agent.names.constructor);
        self.define_data(prototype, ck, ctor.value(), attrs::HIDDEN);
        self.define_global(name, ctor.value());
        let realm = self.stack.realm as usize;
        self.realms[realm].constructors.insert(name, ctor);
        ctor
    }

    /// A getter `name` on `o`, made when the property is first read (see
    /// [`crate::object::LazyMethod`]).
    pub fn define_getter(&mut self, o: ObjRef, name: &str, f: crate::object::NativeFn) {
        let key = self.key(name);
        let getter_name = self.intern(&format!("get {name}"));
        if self.define_lazy(o, key, getter_name, 0, f, true) {
            return;
        }
        let getter = self.native_function(&format!("get {name}"), 0, f, None);
        let key = self.key(name);
        self.define_own_property_raw(
            o,
            key,
            crate::object::Property {
                slot: Slot::Accessor {
                    get: getter.value(),
                    set: Value::UNDEFINED,
                },
                attrs: attrs::CONFIGURABLE | attrs::ACCESSOR,
            },
        );
    }

    /// `get [Symbol.species]() { return this; }` on a constructor.
    pub fn define_species_getter(&mut self, ctor: ObjRef) {
        let species = self.agent.symbols.species;
        let key = PropertyKey::Symbol(species);
        let name = self.intern("get [Symbol.species]");
        if self.define_lazy(ctor, key, name, 0, |_, this, _| Ok(this), true) {
            return;
        }
        let getter = self.native_function("get [Symbol.species]", 0, |_, this, _| Ok(this), None);
        self.define_own_property_raw(
            ctor,
            PropertyKey::Symbol(species),
            crate::object::Property {
                slot: Slot::Accessor {
                    get: getter.value(),
                    set: Value::UNDEFINED,
                },
                attrs: attrs::CONFIGURABLE | attrs::ACCESSOR,
            },
        );
    }

    /// A symbol-keyed method such as `[Symbol.iterator]`, made when first read (see
    /// [`crate::object::LazyMethod`]).
    pub fn define_symbol_method(
        &mut self,
        o: ObjRef,
        symbol: crate::heap::SymRef,
        name: &str,
        length: u32,
        f: crate::object::NativeFn,
    ) {
        let key = PropertyKey::Symbol(symbol);
        let atom = self.intern(name);
        if !self.define_lazy(o, key, atom, length, f, false) {
            let func = self.native_function(name, length, f, None);
            self.define_data(o, key, func.value(), attrs::HIDDEN);
        }
    }

    pub fn new_plain_object(&mut self, proto: ObjRef) -> ObjRef {
        self.alloc(Object::new(Some(proto), ObjectKind::Ordinary))
    }
}
