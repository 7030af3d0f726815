//! 20.2 Function objects: closures and classes made by the bytecode, the Function constructor,
//! and `Function.prototype` (`call`, `apply`, `bind`, `toString`, `@@hasInstance`).

use super::arg;
use crate::abstract_ops::objects::create_list_from_array_like;
use crate::heap::{EnvRef, ObjRef};
use crate::loaded_script::LoadedScript;
use crate::object::{
    BoundFunction, Closure, ConstructorKind, Object, ObjectKind, Property, PropertyKey, Slot, attrs,
};
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use kiln_compiler::code::flags;
use std::rc::Rc;

pub fn init(vm: &mut Vm) {
    let fp = vm.intrinsics().function_prototype;
    let length = PropertyKey::String(vm.agent.names.length);
    vm.define_data(fp, length, Value::int32(0), attrs::CONFIGURABLE);
    let name = PropertyKey::String(vm.agent.names.name);
    let empty = vm.string("");
    vm.define_data(fp, name, empty, attrs::CONFIGURABLE);
    let ctor = vm.make_constructor("Function", 1, function_call, Some(function_construct), fp);
    let realm = vm.stack.realm as usize;
    vm.realms[realm].function_constructor = ctor;
    vm.define_method(fp, "apply", 2, apply);
    vm.define_method(fp, "bind", 1, bind);
    vm.define_method(fp, "call", 1, call);
    vm.define_method(fp, "toString", 0, to_string);
    let has_instance = vm.agent.symbols.has_instance;
    let f = vm.native_function("[Symbol.hasInstance]", 1, has_instance_fn, None);
    vm.define_data(fp, PropertyKey::Symbol(has_instance), f.value(), 0);
    // Function.prototype [ @@metadata ] (the decorator metadata proposal): null, so a class's
    // metadata inherits from nothing unless its parent class was decorated.
    let metadata = vm.agent.symbols.metadata;
    vm.define_data(fp, PropertyKey::Symbol(metadata), Value::NULL, 0);
    // %ThrowTypeError% (10.2.4.1): frozen, nameless, used for poisoned accessors.
    let thrower = vm.native_function("", 0, throw_type_error, None);
    let name_key = PropertyKey::String(vm.agent.names.name);
    let length_key = PropertyKey::String(vm.agent.names.length);
    vm.define_data(thrower, name_key, empty, 0);
    vm.define_data(thrower, length_key, Value::int32(0), 0);
    vm.obj_mut(thrower).extensible = false;
    vm.realms[realm].throw_type_error = thrower;
    for key in ["caller", "arguments"] {
        let k = vm.key(key);
        vm.define_own_property_raw(
            fp,
            k,
            Property {
                slot: Slot::Accessor {
                    get: thrower.value(),
                    set: thrower.value(),
                },
                attrs: attrs::CONFIGURABLE | attrs::ACCESSOR,
            },
        );
    }
}

fn throw_type_error(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    Err(vm.type_error(
        "'caller', 'callee', and 'arguments' properties may not be accessed on strict mode functions or the arguments objects for calls to them",
    ))
}

fn function_call(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    create_dynamic_function(vm, args, "function")
}

fn function_construct(vm: &mut Vm, args: &[Value], _: ObjRef) -> JsResult<Value> {
    create_dynamic_function(vm, args, "function")
}

/// 20.2.1.1.1 CreateDynamicFunction
pub fn create_dynamic_function(vm: &mut Vm, args: &[Value], kind: &str) -> JsResult<Value> {
    vm.ensure_can_compile_strings()?;
    // Steps 7-12: every argument converted first (a `toString` may run), then the length of
    // the source text checked before any of it is built.
    let mut strings = Vec::new();
    for &a in args {
        let s = vm.to_string(a)?;
        vm.root(s.value());
        strings.push(s);
    }
    let joined: usize = strings.iter().map(|&s| vm.string_len(s) as usize).sum();
    // The source text becomes the function's `toString()`.
    let units = joined + strings.len() + kind.len() + 20;
    vm.check_string_length(units as f64)?;
    let body = match strings.pop() {
        Some(s) => vm.source_text(s)?,
        None => String::new(),
    };
    let mut params = Vec::new();
    for s in strings {
        params.push(vm.source_text(s)?);
    }
    let params = params.join(",");
    check_dynamic_function(vm, kind, &params, &body)?;
    let source = format!("({kind} anonymous({params}\n) {{\n{body}\n}})");
    let f = crate::eval::run_source(vm, &source, "anonymous", false)?;
    Ok(f)
}

/// The parameters and the body of a dynamic function must each parse on their own: a body
/// cannot close the function early, a parameter list cannot open its body.
pub fn check_dynamic_function(vm: &mut Vm, kind: &str, params: &str, body: &str) -> JsResult<()> {
    let check_body = format!("({kind} anonymous() {{\n{body}\n}})");
    let check_params = format!("({kind} anonymous({params}\n) {{}})");
    for text in [&check_body, &check_params] {
        let arena = bumpalo::Bump::new();
        let parsed = kiln_parser::parse(&arena, text, kiln_parser::ParseOptions::default());
        if let Some(e) = parsed.errors.first() {
            return Err(vm.syntax_error(&e.message));
        }
        // One parenthesised function spanning the whole text: the body did not close it
        // early (`}); (function () {` and `})(function () {` parse, but differently).
        let whole = match parsed.program.body {
            [kiln_parser::ast::Statement::Expression(s)] => match s.expression {
                kiln_parser::ast::Expression::Parenthesized(p) => match p.expression {
                    kiln_parser::ast::Expression::Function(f) => {
                        f.span.end as usize + 1 == text.len()
                    }
                    _ => false,
                },
                _ => false,
            },
            _ => false,
        };
        if !whole {
            return Err(vm.syntax_error("The function body or parameters end the function early"));
        }
    }
    Ok(())
}

fn this_function(vm: &mut Vm, this: Value, method: &str) -> JsResult<()> {
    if !vm.is_callable(this) {
        return Err(vm.type_error(&format!(
            "Function.prototype.{method} called on a value that is not a function"
        )));
    }
    Ok(())
}

/// 20.2.3.3 Function.prototype.call
fn call(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    this_function(vm, this, "call")?;
    let rest = args.get(1..).unwrap_or(&[]);
    vm.call(this, arg(args, 0), rest)
}

/// 20.2.3.1 Function.prototype.apply
fn apply(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    this_function(vm, this, "apply")?;
    let list = arg(args, 1);
    if list.is_nullish() {
        return vm.call(this, arg(args, 0), &[]);
    }
    let list = create_list_from_array_like(vm, list)?;
    vm.call(this, arg(args, 0), &list)
}

/// 20.2.3.2 Function.prototype.bind
fn bind(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    this_function(vm, this, "bind")?;
    let target = this.as_object().expect("callable");
    let proto = vm.get_prototype_of(target)?;
    let bound = vm.alloc(Object::new(
        proto,
        ObjectKind::Bound(Box::new(BoundFunction {
            target,
            this: arg(args, 0),
            args: args.get(1..).unwrap_or(&[]).to_vec(),
        })),
    ));
    let length_key = PropertyKey::String(vm.agent.names.length);
    let mut length = 0.0;
    if vm.get_own_property(target, length_key)?.is_some() {
        let l = vm.get(target, length_key, this)?;
        if let Some(n) = l.as_number() {
            if n == f64::INFINITY {
                length = f64::INFINITY;
            } else if n.is_finite() {
                let n = n.trunc();
                length = (n - (args.len().saturating_sub(1)) as f64).max(0.0);
            }
        }
    }
    vm.define_data(
        bound,
        length_key,
        Value::number(length),
        attrs::CONFIGURABLE,
    );
    let name_key = PropertyKey::String(vm.agent.names.name);
    let name = vm.get(target, name_key, this)?;
    // "bound " + name, as a rope: a chain of binds shares its names instead of copying them.
    let prefix = vm.string("bound ");
    let name = match (prefix.as_string(), name.as_string()) {
        (Some(prefix), Some(name)) => vm.concat(prefix, name)?,
        _ => prefix,
    };
    vm.define_data(bound, name_key, name, attrs::CONFIGURABLE);
    Ok(bound.value())
}

/// 20.2.3.5 Function.prototype.toString
fn to_string(vm: &mut Vm, this: Value, _: &[Value]) -> JsResult<Value> {
    let Some(o) = this.as_object() else {
        return Err(vm.type_error("Function.prototype.toString requires that 'this' be a Function"));
    };
    let text = match &vm.obj(o).kind {
        ObjectKind::Function(c) => {
            let f = c.script.function(c.function);
            let (start, end) = (
                f.source_start.to_native() as usize,
                f.source_end.to_native() as usize,
            );
            c.script
                .source
                .get(start..end)
                .map(str::to_string)
                .unwrap_or_else(|| "function () { [native code] }".to_string())
        }
        ObjectKind::Native(_) | ObjectKind::Bound(_) => {
            let key = PropertyKey::String(vm.agent.names.name);
            let name = match vm.own_property_raw(o, key).map(|p| p.slot) {
                Some(Slot::Data(n)) if n.is_string() => vm.to_rust_string(n)?,
                _ => String::new(),
            };
            format!("function {name}() {{ [native code] }}")
        }
        ObjectKind::Proxy { callable: true, .. } => "function () { [native code] }".to_string(),
        _ => {
            return Err(
                vm.type_error("Function.prototype.toString requires that 'this' be a Function")
            );
        }
    };
    Ok(vm.string(&text))
}

/// 20.2.3.6 Function.prototype [ @@hasInstance ]
fn has_instance_fn(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::boolean(
        vm.ordinary_has_instance(this, arg(args, 0))?,
    ))
}

impl Vm {
    /// A new closure of `script.functions[index]` over `env` (the `NewClosure` instruction).
    /// The function's bytecode is verified here if it has not been yet: a closure is the only
    /// way to call a function, so a call needs no check.
    pub fn make_closure(
        &mut self,
        script: &Rc<LoadedScript>,
        index: u32,
        env: Option<EnvRef>,
        this: Value,
        creator: Value,
    ) -> JsResult<ObjRef> {
        self.ensure_verified(script, index)?;
        let code = script.function(index);
        let fl = code.flags.to_native();
        let is_arrow = fl & flags::ARROW != 0;
        let is_async = fl & flags::ASYNC != 0;
        let is_generator = fl & flags::GENERATOR != 0;
        let realm = self.intrinsics();
        let proto = match (is_async, is_generator) {
            (true, true) => realm.async_generator_function_prototype,
            (false, true) => realm.generator_function_prototype,
            (true, false) => realm.async_function_prototype,
            (false, false) => realm.function_prototype,
        };
        let constructor_kind = if is_arrow || is_async || is_generator || fl & flags::METHOD != 0 {
            ConstructorKind::None
        } else {
            ConstructorKind::Base
        };
        let home = if is_arrow {
            creator.as_object().and_then(|c| match &self.obj(c).kind {
                ObjectKind::Function(cl) => cl.home,
                _ => None,
            })
        } else {
            None
        };
        let closure = Closure {
            script: script.clone(),
            function: index,
            header: script.loaded_function(index).header,
            env,
            this_value: if is_arrow { this } else { Value::UNDEFINED },
            home,
            fields: None,
            constructor_kind,
            is_class_constructor: false,
            realm: self.stack.realm,
        };
        let f = self.alloc(Object::new(
            Some(proto),
            ObjectKind::Function(Box::new(closure)),
        ));
        self.function_properties(f, script, index);
        if constructor_kind == ConstructorKind::Base {
            let p = self.new_object();
            let ck = PropertyKey::String(self.agent.names.constructor);
            self.define_data(p, ck, f.value(), attrs::HIDDEN);
            let pk = PropertyKey::String(self.agent.names.prototype);
            self.define_data(f, pk, p.value(), attrs::WRITABLE);
        } else if is_generator {
            let gp = if is_async {
                self.intrinsics().async_generator_prototype
            } else {
                self.intrinsics().generator_prototype
            };
            let p = self.new_object_with_proto(Some(gp));
            let pk = PropertyKey::String(self.agent.names.prototype);
            self.define_data(f, pk, p.value(), attrs::WRITABLE);
        }
        Ok(f)
    }

    /// `length` and `name` of a new closure.
    fn function_properties(&mut self, f: ObjRef, script: &Rc<LoadedScript>, index: u32) {
        let code = script.function(index);
        let length = code.length.to_native();
        let name = code.name.as_ref().map(|n| n.to_native());
        let is_accessor = code.flags.to_native() & flags::ACCESSOR != 0;
        let _ = is_accessor;
        let lk = PropertyKey::String(self.agent.names.length);
        self.define_data(f, lk, Value::int32(length as i32), attrs::CONFIGURABLE);
        let name_value = match name {
            Some(n) => self.script_string(script, n),
            None => self.string(""),
        };
        let nk = PropertyKey::String(self.agent.names.name);
        self.define_data(f, nk, name_value, attrs::CONFIGURABLE);
    }

    /// ClassDefinitionEvaluation's constructor and prototype (the `NewClass` instruction).
    /// The constructor's bytecode is verified here if it has not been yet, as in
    /// [`Vm::make_closure`].
    pub fn make_class(
        &mut self,
        script: &Rc<LoadedScript>,
        index: u32,
        env: Option<EnvRef>,
        derived: bool,
        heritage: Value,
    ) -> JsResult<(ObjRef, ObjRef)> {
        self.ensure_verified(script, index)?;
        let (proto_parent, ctor_parent) = if !derived {
            let r = self.intrinsics();
            (Some(r.object_prototype), r.function_prototype)
        } else if heritage.is_null() {
            (None, self.intrinsics().function_prototype)
        } else {
            if !self.is_constructor(heritage) {
                let d = self.describe(heritage);
                return Err(self.type_error(&format!(
                    "Class extends value {d} is not a constructor or null"
                )));
            }
            let h = heritage.as_object().expect("a constructor");
            let pk = PropertyKey::String(self.agent.names.prototype);
            let pp = self.get(h, pk, heritage)?;
            if !(pp.is_object() || pp.is_null()) {
                return Err(
                    self.type_error("Class extends value does not have valid prototype property")
                );
            }
            (pp.as_object(), h)
        };
        let proto = self.new_object_with_proto(proto_parent);
        let closure = Closure {
            script: script.clone(),
            function: index,
            header: script.loaded_function(index).header,
            env,
            this_value: Value::UNDEFINED,
            home: Some(proto),
            fields: None,
            constructor_kind: if derived {
                ConstructorKind::Derived
            } else {
                ConstructorKind::Base
            },
            is_class_constructor: true,
            realm: self.stack.realm,
        };
        let f = self.alloc(Object::new(
            Some(ctor_parent),
            ObjectKind::Function(Box::new(closure)),
        ));
        self.function_properties(f, script, index);
        let pk = PropertyKey::String(self.agent.names.prototype);
        self.define_data(f, pk, proto.value(), 0);
        let ck = PropertyKey::String(self.agent.names.constructor);
        self.define_data(proto, ck, f.value(), attrs::HIDDEN);
        Ok((f, proto))
    }

    /// 10.2.9 SetFunctionName
    pub fn set_function_name(&mut self, f: ObjRef, key: PropertyKey, prefix: Option<&str>) {
        let mut name = match key {
            PropertyKey::Symbol(s) => {
                let d = self.agent.heap.symbols.get(s.0).description;
                match d.as_string() {
                    Some(ds) => {
                        let text = self.rust_string(ds);
                        if self.agent.heap.symbols.get(s.0).private.is_some() {
                            text
                        } else {
                            format!("[{text}]")
                        }
                    }
                    None => String::new(),
                }
            }
            other => self.key_text(other),
        };
        if let Some(p) = prefix {
            name = format!("{p} {name}");
        }
        let v = self.string(&name);
        let nk = PropertyKey::String(self.agent.names.name);
        self.define_data(f, nk, v, attrs::CONFIGURABLE);
    }
}
