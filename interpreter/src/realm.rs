//! Realms: the intrinsics, the global object and the global lexical bindings. Many realms share
//! one heap.

use crate::heap::{ObjRef, Traced};
use crate::object::{Object, ObjectKind, PropertyKey, attrs};
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
        }

        impl Realm {
            fn empty() -> Realm {
                Realm {
                    $($field: UNSET,)*
                    global_lexicals: FxHashMap::default(),
                    error_prototypes: FxHashMap::default(),
                    constructors: FxHashMap::default(),
                }
            }

            pub fn trace(&self, out: &mut Vec<Traced>) {
                $(if self.$field != UNSET { out.push(Traced::Value(self.$field.value())); })*
                for (v, _) in self.global_lexicals.values() {
                    out.push(Traced::Value(*v));
                }
                out.extend(self.error_prototypes.values().map(|o| Traced::Value(o.value())));
                out.extend(self.constructors.values().map(|o| Traced::Value(o.value())));
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
    iterator_helper_prototype,
    wrap_for_valid_iterator_prototype,
    regexp_string_iterator_prototype,
    date_prototype,
    eval,
    throw_type_error,
    array_values,
    function_constructor,
    object_constructor,
    array_constructor,
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

/// Creates a realm with every intrinsic and a global object; returns its index.
pub fn create(vm: &mut Vm) -> u32 {
    let index = vm.realms.len() as u32;
    vm.realms.push(Realm::empty());
    vm.realm = index;
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
    index
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
        let pk = PropertyKey::String(self.names.prototype);
        self.define_data(ctor, pk, prototype.value(), 0);
        let ck = PropertyKey::String(self.names.constructor);
        self.define_data(prototype, ck, ctor.value(), attrs::HIDDEN);
        self.define_global(name, ctor.value());
        let realm = self.realm as usize;
        self.realms[realm].constructors.insert(name, ctor);
        ctor
    }

    /// A getter `name` on `o`.
    pub fn define_getter(&mut self, o: ObjRef, name: &str, f: crate::object::NativeFn) {
        let getter = self.native_function(&format!("get {name}"), 0, f, None);
        let key = self.key(name);
        self.define_own_property_raw(
            o,
            key,
            crate::object::Property {
                slot: crate::object::Slot::Accessor {
                    get: getter.value(),
                    set: Value::UNDEFINED,
                },
                attrs: attrs::CONFIGURABLE | attrs::ACCESSOR,
            },
        );
    }

    /// `get [Symbol.species]() { return this; }` on a constructor.
    pub fn define_species_getter(&mut self, ctor: ObjRef) {
        let species = self.symbols.species;
        let getter = self.native_function("get [Symbol.species]", 0, |_, this, _| Ok(this), None);
        self.define_own_property_raw(
            ctor,
            PropertyKey::Symbol(species),
            crate::object::Property {
                slot: crate::object::Slot::Accessor {
                    get: getter.value(),
                    set: Value::UNDEFINED,
                },
                attrs: attrs::CONFIGURABLE | attrs::ACCESSOR,
            },
        );
    }

    /// A symbol-keyed method such as `[Symbol.iterator]`.
    pub fn define_symbol_method(
        &mut self,
        o: ObjRef,
        symbol: crate::heap::SymRef,
        name: &str,
        length: u32,
        f: crate::object::NativeFn,
    ) -> ObjRef {
        let func = self.native_function(name, length, f, None);
        self.define_data(o, PropertyKey::Symbol(symbol), func.value(), attrs::HIDDEN);
        func
    }

    pub fn new_plain_object(&mut self, proto: ObjRef) -> ObjRef {
        self.alloc(Object::new(Some(proto), ObjectKind::Ordinary))
    }
}
