//! The decorators proposal at run time: the instructions a decorated class is compiled to
//! (`compiler/src/codegen/class.rs` says in what order they run).
//!
//! - `NewDecorations`: a class's decoration state, a `HostData` object no script can reach,
//!   holding the class's metadata object and its lists of initializers, numbered as
//!   `kiln_compiler::code::decorators` says.
//! - `DecorateElement`: ApplyDecoratorsToElementDefinition for one element, then the element's
//!   definition (a method, getter, setter or accessor; a field is defined by its initialiser).
//! - `DecorateClass`: the class decorators, then the class's `Symbol.metadata`.
//! - `RunInitializers` and `InitializeField`: the extra initializers that `addInitializer`
//!   collected, and the initializers a field's value passes through.
//!
//! Decorators are called in reverse source order (DecoratorListEvaluation prepends), each with
//! a fresh context object (CreateDecoratorContextObject) whose `addInitializer` stops working
//! once its decorator returns.

use crate::builtins::arg;
use crate::heap::{ObjRef, Traced};
use crate::object::{Elements, HostObject, Object, ObjectKind, PropertyKey, attrs};
use crate::property::Descriptor;
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use kiln_compiler::code::decorators as dk;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A decorated class's decoration state.
struct Decorations {
    /// The object `context.metadata` is and the class's `Symbol.metadata` becomes.
    metadata: Value,
    /// The lists of initializers, by number (made on first use).
    lists: RefCell<BTreeMap<u64, Vec<Value>>>,
}

impl HostObject for Decorations {
    fn trace(&self, out: &mut Vec<Traced>) {
        out.push(Traced::Value(self.metadata));
        for list in self.lists.borrow().values() {
            out.extend(list.iter().map(|&v| Traced::Value(v)));
        }
    }
}

/// The state behind a `state` operand, or the error of a forged cache file.
fn decorations(vm: &mut Vm, state: Value) -> JsResult<Rc<dyn HostObject>> {
    if let Some(o) = state.as_object()
        && let ObjectKind::HostData(d) = &vm.obj(o).kind
        && d.downcast::<Decorations>().is_some()
    {
        return Ok(d.clone());
    }
    Err(vm.invalid_bytecode("a decoration state expected"))
}

/// Runs `f` with the decoration state behind `state`.
fn with_decorations<R>(
    vm: &mut Vm,
    state: Value,
    f: impl FnOnce(&mut Vm, &Decorations) -> JsResult<R>,
) -> JsResult<R> {
    let data = decorations(vm, state)?;
    match data.downcast::<Decorations>() {
        Some(d) => f(vm, d),
        None => Err(vm.invalid_bytecode("a decoration state expected")),
    }
}

/// A copy of list `list` of a decoration state.
fn list_of(d: &Decorations, list: u64) -> Vec<Value> {
    d.lists.borrow().get(&list).cloned().unwrap_or_default()
}

/// The element kinds' names, as `context.kind` gives them.
fn kind_name(kind: u32) -> &'static str {
    match kind {
        dk::FIELD => "field",
        dk::ACCESSOR => "accessor",
        dk::METHOD => "method",
        dk::GETTER => "getter",
        _ => "setter",
    }
}

impl Vm {
    /// The `NewDecorations` instruction: a new decoration state whose metadata object inherits
    /// from the metadata of the class's parent (`heritage`, undefined without `extends`).
    pub(crate) fn new_decorations(&mut self, heritage: Value) -> JsResult<Value> {
        let parent = match heritage.as_object() {
            Some(h) => {
                let key = PropertyKey::Symbol(self.agent.symbols.metadata);
                self.get(h, key, heritage)?.as_object()
            }
            None => None,
        };
        let metadata = self.new_object_with_proto(parent).value();
        let state = Decorations {
            metadata,
            lists: RefCell::default(),
        };
        let o = self.alloc(Object::new(None, ObjectKind::HostData(Rc::new(state))));
        Ok(o.value())
    }

    /// The decorators (and the `this` each is called with) in the array `list`, in source order.
    fn decorator_pairs(&mut self, list: Value) -> JsResult<Vec<(Value, Value)>> {
        if list.is_undefined() {
            return Ok(Vec::new());
        }
        let values = match list.as_object().map(|o| &self.obj(o).elements) {
            Some(Elements::Dense(values)) if values.len() % 2 == 0 => values.clone(),
            _ => return Err(self.invalid_bytecode("an array of decorators expected")),
        };
        Ok(values.chunks(2).map(|p| (p[0], p[1])).collect())
    }

    /// The private name `key` is, if it is one.
    fn private_key(&self, key: Value) -> Option<Value> {
        let s = key.as_symbol()?;
        self.agent
            .heap
            .symbols
            .get(s.0)
            .private
            .is_some()
            .then_some(key)
    }

    /// CreateDecoratorContextObject: the context of a decorator of an element of kind `kind`
    /// (`None` for the class) named `name` (a property key, a private name, or the class's
    /// name), whose `addInitializer` adds to list `list` of `state`. Returns the context and
    /// its `addInitializer`, to finish once the decorator returns.
    fn decorator_context(
        &mut self,
        kind: Option<u32>,
        name: Value,
        is_static: bool,
        state: Value,
        metadata: Value,
        list: u64,
    ) -> JsResult<(ObjRef, ObjRef)> {
        let context = self.new_object();
        let kind_text = kind.map_or("class", kind_name);
        let kind_value = self.string(kind_text);
        self.data_property(context, "kind", kind_value);
        match kind {
            Some(kind) => {
                let access = self.access_object(kind, name);
                self.data_property(context, "access", access.value());
                self.data_property(context, "static", Value::boolean(is_static));
                let private = self.private_key(name);
                self.data_property(context, "private", Value::boolean(private.is_some()));
                let name = match (private, name.as_symbol()) {
                    (Some(_), Some(s)) => self.agent.heap.symbols.get(s.0).description,
                    (None, Some(_)) => name,
                    _ => self.to_string(name)?.value(),
                };
                self.data_property(context, "name", name);
            }
            None => self.data_property(context, "name", name),
        }
        let add = self.native_closure(
            "addInitializer",
            1,
            add_initializer,
            vec![state, Value::number(list as f64), Value::FALSE],
        );
        self.data_property(context, "addInitializer", add.value());
        self.data_property(context, "metadata", metadata);
        Ok((context, add))
    }

    /// CreateDataPropertyOrThrow on a new ordinary object.
    fn data_property(&mut self, o: ObjRef, name: &str, value: Value) {
        let key = self.key(name);
        self.define_data(o, key, value, attrs::DEFAULT);
    }

    /// CreateDecoratorAccessObject: `{ get, set, has }` for an element of kind `kind` named
    /// `name`, `get` for those that can be read and `set` for those that can be written.
    fn access_object(&mut self, kind: u32, name: Value) -> ObjRef {
        let access = self.new_object();
        let data = vec![name];
        if kind != dk::SETTER {
            let get = self.native_closure("get", 1, access_get, data.clone());
            self.data_property(access, "get", get.value());
        }
        if matches!(kind, dk::FIELD | dk::ACCESSOR | dk::SETTER) {
            let set = self.native_closure("set", 2, access_set, data.clone());
            self.data_property(access, "set", set.value());
        }
        let has = self.native_closure("has", 1, access_has, data);
        self.data_property(access, "has", has.value());
        access
    }

    /// Marks the decorator whose context made `add` as returned: its `addInitializer` throws
    /// from now on.
    fn finish_decorator(&mut self, add: ObjRef) {
        if let ObjectKind::Native(n) = &mut self.obj_mut(add).kind
            && let Some(finished) = n.data.get_mut(2)
        {
            *finished = Value::TRUE;
        }
    }

    /// The `DecorateElement` instruction: ApplyDecoratorsToElementDefinition for the element
    /// named `key` (a property key or a private name) whose decorators are in `list`, then its
    /// definition on `home` (or its private name). `value` is the method, getter or setter, or
    /// an accessor's getter (`setter` its setter); a field has neither.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn decorate_element(
        &mut self,
        list: Value,
        state: Value,
        home: Value,
        key: Value,
        value: Value,
        setter: Value,
        kind: u32,
    ) -> JsResult<()> {
        let decorators = self.decorator_pairs(list)?;
        let metadata = with_decorations(self, state, |_, d| Ok(d.metadata))?;
        let element = kind & 7;
        let is_static = kind & dk::STATIC != 0;
        let field = u64::from(kind / dk::FIELD_INDEX);
        if element > dk::SETTER {
            return Err(self.invalid_bytecode("a decorated element's kind expected"));
        }
        let extra = match element {
            dk::FIELD | dk::ACCESSOR => dk::field_extra(field),
            _ if is_static => u64::from(dk::STATIC_EXTRA),
            _ => u64::from(dk::INSTANCE_EXTRA),
        };
        let initializers = dk::field_initializers(field);
        self.handle_scope(|vm| {
            // The element's current definition: the method (getter, setter), or the accessor's
            // getter and setter.
            let (mut get, mut set) = (value, setter);
            for &(decorator, this) in decorators.iter().rev() {
                let (context, add) =
                    vm.decorator_context(Some(element), key, is_static, state, metadata, extra)?;
                // The decorator may delete `context.addInitializer`: both stay rooted.
                vm.root(context.value());
                vm.root(add.value());
                let target = if element == dk::ACCESSOR {
                    let pair = vm.new_object();
                    vm.data_property(pair, "get", get);
                    vm.data_property(pair, "set", set);
                    pair.value()
                } else {
                    get
                };
                vm.root(target);
                let result = vm.call(decorator, this, &[target, context.value()]);
                vm.finish_decorator(add);
                let result = result?;
                vm.root(result);
                match element {
                    dk::FIELD => {
                        if vm.is_callable(result) {
                            push_front(vm, state, initializers, result)?;
                        } else if !result.is_undefined() {
                            return Err(vm.type_error(
                                "A field decorator must return a function or undefined",
                            ));
                        }
                    }
                    dk::ACCESSOR => {
                        let Some(r) = result.as_object() else {
                            if result.is_undefined() {
                                continue;
                            }
                            return Err(vm.type_error(
                                "An accessor decorator must return an object or undefined",
                            ));
                        };
                        for (name, slot) in [("get", 0), ("set", 1), ("init", 2)] {
                            let k = vm.key(name);
                            let f = vm.get(r, k, result)?;
                            if f.is_undefined() {
                                continue;
                            }
                            if !vm.is_callable(f) {
                                return Err(vm.type_error(&format!(
                                    "The '{name}' of what an accessor decorator returns must be a function or undefined"
                                )));
                            }
                            vm.root(f);
                            match slot {
                                0 => get = f,
                                1 => set = f,
                                _ => push_front(vm, state, initializers, f)?,
                            }
                        }
                    }
                    _ => {
                        if vm.is_callable(result) {
                            get = result;
                        } else if !result.is_undefined() {
                            let what = kind_name(element);
                            return Err(vm.type_error(&format!(
                                "A {what} decorator must return a function or undefined"
                            )));
                        }
                    }
                }
            }
            vm.define_decorated(element, home, key, get, set)
        })
    }

    /// Defines the decorated method, getter, setter (`get`) or accessor (`get`, `set`) named
    /// `key` on `home`, or attaches it to its private name.
    fn define_decorated(
        &mut self,
        element: u32,
        home: Value,
        key: Value,
        get: Value,
        set: Value,
    ) -> JsResult<()> {
        if element == dk::FIELD {
            return Ok(());
        }
        if let Some(name) = self.private_key(key) {
            let s = self.expect_private_name(name)?;
            if let Some(p) = self.agent.heap.symbols.get_mut(s.0).private.as_mut() {
                match element {
                    dk::METHOD => p.method = Some(get),
                    dk::GETTER => p.getter = Some(get),
                    dk::SETTER => p.setter = Some(get),
                    _ => {
                        p.getter = Some(get);
                        p.setter = Some(set);
                    }
                }
            }
            return Ok(());
        }
        let Some(home) = home.as_object() else {
            return Err(self.invalid_bytecode("a home object expected"));
        };
        let key = self.to_property_key(key)?;
        let desc = match element {
            dk::METHOD => Descriptor::data(get, true, false, true),
            dk::GETTER => Descriptor {
                get: Some(get),
                enumerable: Some(false),
                configurable: Some(true),
                ..Default::default()
            },
            dk::SETTER => Descriptor {
                set: Some(get),
                enumerable: Some(false),
                configurable: Some(true),
                ..Default::default()
            },
            _ => Descriptor {
                get: Some(get),
                set: Some(set),
                enumerable: Some(false),
                configurable: Some(true),
                ..Default::default()
            },
        };
        self.define_property_or_throw(home, key, desc)
    }

    /// The `DecorateClass` instruction: ApplyDecoratorsToClassDefinition with the decorators in
    /// `list` (undefined for none), then the class's `Symbol.metadata`. Returns the class, or
    /// what the decorators replaced it with.
    pub(crate) fn decorate_class(
        &mut self,
        class: Value,
        list: Value,
        state: Value,
        name: Value,
    ) -> JsResult<Value> {
        let decorators = self.decorator_pairs(list)?;
        let metadata = with_decorations(self, state, |_, d| Ok(d.metadata))?;
        // The class's name, or the property key it is named after (a computed key may still
        // be a number here).
        let name = if name.is_string() || name.as_symbol().is_some() {
            name
        } else {
            self.to_string(name)?.value()
        };
        self.handle_scope(|vm| {
            vm.root(name);
            let mut class = class;
            for &(decorator, this) in decorators.iter().rev() {
                let list = u64::from(dk::CLASS_EXTRA);
                let (context, add) =
                    vm.decorator_context(None, name, false, state, metadata, list)?;
                vm.root(context.value());
                vm.root(add.value());
                let result = vm.call(decorator, this, &[class, context.value()]);
                vm.finish_decorator(add);
                let result = result?;
                if vm.is_constructor(result) {
                    vm.root(result);
                    class = result;
                } else if !result.is_undefined() {
                    return Err(
                        vm.type_error("A class decorator must return a constructor or undefined")
                    );
                }
            }
            let Some(o) = class.as_object() else {
                return Err(vm.invalid_bytecode("a class expected"));
            };
            let key = PropertyKey::Symbol(vm.agent.symbols.metadata);
            vm.define_property_or_throw(o, key, Descriptor::data(metadata, true, false, true))?;
            Ok(class)
        })
    }

    /// The `RunInitializers` instruction: calls each function of list `list` with `this`.
    pub(crate) fn run_initializers(
        &mut self,
        state: Value,
        this: Value,
        list: u32,
    ) -> JsResult<()> {
        let functions = with_decorations(self, state, |_, d| Ok(list_of(d, u64::from(list))))?;
        // The list lives in the state (a register or the class's environment holds it), and
        // no initializer can change it: `addInitializer` only works while decorators run.
        for f in functions {
            self.call(f, this, &[])?;
        }
        Ok(())
    }

    /// The `InitializeField` instruction: `value` passed through each function of list `list`,
    /// called with `this`.
    pub(crate) fn initialize_field(
        &mut self,
        value: Value,
        state: Value,
        this: Value,
        list: u32,
    ) -> JsResult<Value> {
        let functions = with_decorations(self, state, |_, d| Ok(list_of(d, u64::from(list))))?;
        let mut value = value;
        for f in functions {
            value = self.with_roots(&[value], |vm| vm.call(f, this, &[value]))?;
        }
        Ok(value)
    }
}

/// Puts `f` first in list `list` of `state` (a decorator's initializer: those of later
/// decorators, which run first, run first).
fn push_front(vm: &mut Vm, state: Value, list: u64, f: Value) -> JsResult<()> {
    with_decorations(vm, state, |_, d| {
        d.lists.borrow_mut().entry(list).or_default().insert(0, f);
        Ok(())
    })
}

/// `context.addInitializer(initializer)` (CreateAddInitializerFunction): its data is the
/// decoration state, the list, and whether the decorator has returned.
fn add_initializer(vm: &mut Vm, _this: Value, args: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let (state, list, finished) = match data.as_slice() {
        &[state, list, finished] => (state, list, finished),
        _ => return Err(vm.invalid_bytecode("an addInitializer expected")),
    };
    if finished == Value::TRUE {
        return Err(vm.type_error("addInitializer cannot be called once decoration has finished"));
    }
    let initializer = arg(args, 0);
    if !vm.is_callable(initializer) {
        return Err(vm.type_error("addInitializer expects a function"));
    }
    let list = list.as_number().unwrap_or_default() as u64;
    with_decorations(vm, state, |_, d| {
        d.lists
            .borrow_mut()
            .entry(list)
            .or_default()
            .push(initializer);
        Ok(())
    })?;
    Ok(Value::UNDEFINED)
}

/// The object an access function was given, or its TypeError.
fn access_target(vm: &mut Vm, args: &[Value]) -> JsResult<ObjRef> {
    match arg(args, 0).as_object() {
        Some(o) => Ok(o),
        None => Err(vm.type_error("The decorated element's access functions expect an object")),
    }
}

/// The name of the element an access function reaches (its data).
fn access_name(vm: &mut Vm) -> Value {
    vm.native_data().first().copied().unwrap_or_default()
}

/// `context.access.get(object)`: Get, or PrivateGet for a private element.
fn access_get(vm: &mut Vm, _this: Value, args: &[Value]) -> JsResult<Value> {
    let o = access_target(vm, args)?;
    let name = access_name(vm);
    if let Some(name) = vm.private_key(name) {
        return vm.private_get(o.value(), name);
    }
    let key = vm.to_property_key(name)?;
    vm.get(o, key, o.value())
}

/// `context.access.set(object, value)`: Set (throwing on failure), or PrivateSet.
fn access_set(vm: &mut Vm, _this: Value, args: &[Value]) -> JsResult<Value> {
    let o = access_target(vm, args)?;
    let name = access_name(vm);
    let value = arg(args, 1);
    if let Some(name) = vm.private_key(name) {
        vm.private_set(o.value(), name, value)?;
        return Ok(Value::UNDEFINED);
    }
    let key = vm.to_property_key(name)?;
    if !vm.set(o, key, value, o.value())? {
        let k = vm.key_text(key);
        return Err(vm.type_error(&format!("Cannot assign to property '{k}'")));
    }
    Ok(Value::UNDEFINED)
}

/// `context.access.has(object)`: HasProperty, or whether the object has the private element.
fn access_has(vm: &mut Vm, _this: Value, args: &[Value]) -> JsResult<Value> {
    let o = access_target(vm, args)?;
    let name = access_name(vm);
    if let Some(name) = vm.private_key(name) {
        let s = vm.expect_private_name(name)?;
        let found = vm.obj(o).private.iter().any(|(p, _)| *p == s);
        return Ok(Value::boolean(found));
    }
    let key = vm.to_property_key(name)?;
    Ok(Value::boolean(vm.has_property(o, key)?))
}
