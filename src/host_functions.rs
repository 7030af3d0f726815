//! Host functions and host classes: Rust closures that JavaScript calls.
//!
//! A host function is a native closure whose data is one `HostData` object holding the Rust
//! closure; the trampoline (`call_host`) takes it out, converts the arguments with [`FromJs`],
//! calls it and converts the result with [`IntoJs`]. An `Err` is thrown into JavaScript
//! ([`Runtime::throw`]). A host class is a native constructor whose instances are `HostData`
//! objects carrying the Rust value the constructor closure returned, and whose prototype's
//! methods get `&mut` that value.

use crate::{Context, Error, FromJs, IntoJs, Runtime};
use kiln_interpreter::object::{HostObject, Object, ObjectKind, attrs};
use kiln_interpreter::{JsResult, Value, Vm};
use std::cell::RefCell;
use std::rc::Rc;

type Callable = Rc<dyn Fn(&mut Runtime, Value, &[Value]) -> Result<Value, Error>>;
type Maker = Rc<dyn Fn(&mut Runtime, &[Value]) -> Result<Rc<dyn HostObject>, Error>>;

/// A Rust closure JavaScript can call: implemented for closures of up to six arguments that
/// implement [`FromJs`] returning anything that implements [`IntoJs`] (a `Result<T, Error>`
/// throws its error), and for [`Raw`] closures that see the runtime, `this` and the arguments.
/// Missing arguments are `undefined`; extra ones are ignored.
///
/// ```
/// use kiln::{Error, Raw, Runtime, Script, ScriptOptions, Value};
///
/// let mut runtime = Runtime::new();
/// let context = runtime.create_context();
/// runtime.define_function(&context, "add", |a: f64, b: f64| a + b).unwrap();
/// runtime
///     .define_function(&context, "count", |runtime: &mut Runtime, _this: Value, args: &[Value]| {
///         runtime.to_js(args.len())
///     })
///     .unwrap();
/// let script = Script::new("add(2, '3') + count(1, 2, 3)", ScriptOptions::default()).unwrap();
/// let result = script.run_in_context(&mut runtime, &context).unwrap();
/// assert_eq!(runtime.display(result), "8");
/// ```
pub trait HostFunction<Args>: 'static {
    /// The function's `length`.
    const LENGTH: u32;

    /// Calls the closure with JavaScript's `this` and arguments.
    fn call(&self, runtime: &mut Runtime, this: Value, args: &[Value]) -> Result<Value, Error>;
}

/// The argument list of a [`HostFunction`] that takes `(&mut Runtime, this, &[Value])` and
/// returns `Result<Value, Error>`: for functions that call back into JavaScript or take any
/// number of arguments.
///
/// ```
/// use kiln::{Runtime, Script, ScriptOptions, Value};
///
/// let mut runtime = Runtime::new();
/// let context = runtime.create_context();
/// // Calls its first argument with the rest.
/// runtime
///     .define_function(&context, "apply", |runtime: &mut Runtime, _: Value, args: &[Value]| {
///         let (f, rest) = args.split_first().ok_or(kiln::Error::Host("no function".into()))?;
///         runtime.call(*f, Value::UNDEFINED, rest)
///     })
///     .unwrap();
/// let script = Script::new("apply(Math.max, 3, 9, 4)", ScriptOptions::default()).unwrap();
/// let nine = script.run_in_context(&mut runtime, &context).unwrap();
/// assert_eq!(runtime.display(nine), "9");
/// ```
pub struct Raw;

impl<F> HostFunction<Raw> for F
where
    F: Fn(&mut Runtime, Value, &[Value]) -> Result<Value, Error> + 'static,
{
    const LENGTH: u32 = 0;

    fn call(&self, runtime: &mut Runtime, this: Value, args: &[Value]) -> Result<Value, Error> {
        self(runtime, this, args)
    }
}

/// A host class's constructor: a closure of up to six [`FromJs`] arguments returning
/// `Result<T, Error>`, the Rust value the new instance carries. An `Err` is thrown by `new`.
///
/// ```
/// use kiln::{Error, Runtime, Script, ScriptOptions};
///
/// struct Port(u16);
///
/// let mut runtime = Runtime::new();
/// let context = runtime.create_context();
/// runtime
///     .define_class(&context, "Port", |n: f64| -> Result<Port, Error> {
///         if (1.0..=65535.0).contains(&n) && n.fract() == 0.0 {
///             Ok(Port(n as u16))
///         } else {
///             Err(Error::Host(format!("{n} is not a port")))
///         }
///     })
///     .build()
///     .unwrap();
/// let script = Script::new("try { new Port(70000) } catch (e) { e.message }", ScriptOptions::default());
/// let message = script.unwrap().run_in_context(&mut runtime, &context).unwrap();
/// assert_eq!(runtime.display(message), "'70000 is not a port'");
/// ```
pub trait HostConstructor<T, Args>: 'static {
    /// The constructor's `length`.
    const LENGTH: u32;

    /// Makes the Rust value of a new instance.
    fn construct(&self, runtime: &mut Runtime, args: &[Value]) -> Result<T, Error>;
}

/// A host class's method: a closure taking `&mut T` (the instance's Rust value) and up to six
/// [`FromJs`] arguments, returning anything that implements [`IntoJs`]. Called on an object
/// that is not an instance, it throws a `TypeError`.
///
/// ```
/// use kiln::{Error, Runtime, Script, ScriptOptions};
///
/// let mut runtime = Runtime::new();
/// let context = runtime.create_context();
/// runtime
///     .define_class(&context, "Stack", || -> Result<Vec<String>, Error> { Ok(Vec::new()) })
///     .method("push", |s: &mut Vec<String>, item: String| s.push(item))
///     .method("pop", |s: &mut Vec<String>| s.pop())
///     .build()
///     .unwrap();
/// let script = Script::new(
///     "const s = new Stack(); s.push('a'); s.push('b'); [s.pop(), s.pop(), s.pop()]",
///     ScriptOptions::default(),
/// );
/// let popped = script.unwrap().run_in_context(&mut runtime, &context).unwrap();
/// assert_eq!(runtime.display(popped), "[ 'b', 'a', undefined ]");
/// ```
pub trait HostMethod<T, Args>: 'static {
    /// The method's `length`.
    const LENGTH: u32;

    /// Calls the method on `this`, which must be an instance of the class.
    fn call(&self, runtime: &mut Runtime, this: Value, args: &[Value]) -> Result<Value, Error>;
}

/// The argument at `i`, `undefined` past the end.
fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).copied().unwrap_or(Value::UNDEFINED)
}

macro_rules! arities {
    ($($n:literal: ($($a:ident $i:tt),*);)*) => {$(
        impl<F, R, $($a,)*> HostFunction<($($a,)*)> for F
        where
            F: Fn($($a),*) -> R + 'static,
            R: IntoJs,
            $($a: FromJs,)*
        {
            const LENGTH: u32 = $n;

            #[allow(non_snake_case, unused_variables)]
            fn call(&self, runtime: &mut Runtime, _: Value, args: &[Value]) -> Result<Value, Error> {
                $(let $a = $a::from_js(runtime, arg(args, $i))?;)*
                self($($a),*).into_js(runtime)
            }
        }

        impl<T: 'static, F, $($a,)*> HostConstructor<T, ($($a,)*)> for F
        where
            F: Fn($($a),*) -> Result<T, Error> + 'static,
            $($a: FromJs,)*
        {
            const LENGTH: u32 = $n;

            #[allow(non_snake_case, unused_variables)]
            fn construct(&self, runtime: &mut Runtime, args: &[Value]) -> Result<T, Error> {
                $(let $a = $a::from_js(runtime, arg(args, $i))?;)*
                self($($a),*)
            }
        }

        impl<T: 'static, F, R, $($a,)*> HostMethod<T, ($($a,)*)> for F
        where
            F: Fn(&mut T, $($a),*) -> R + 'static,
            R: IntoJs,
            $($a: FromJs,)*
        {
            const LENGTH: u32 = $n;

            #[allow(non_snake_case, unused_variables)]
            fn call(&self, runtime: &mut Runtime, this: Value, args: &[Value]) -> Result<Value, Error> {
                let instance = instance::<T>(runtime, this)?;
                // Converting may run JavaScript, so it comes before the instance is borrowed.
                $(let $a = $a::from_js(runtime, arg(args, $i))?;)*
                let result = {
                    let Some(Instance(cell)) = instance.downcast::<Instance<T>>() else {
                        unreachable!("checked by `instance`");
                    };
                    let Ok(mut data) = cell.try_borrow_mut() else {
                        return Err(Error::Host("the instance is in use".into()));
                    };
                    self(&mut data, $($a),*)
                };
                result.into_js(runtime)
            }
        }
    )*};
}

arities! {
    0: ();
    1: (A 0);
    2: (A 0, B 1);
    3: (A 0, B 1, C 2);
    4: (A 0, B 1, C 2, D 3);
    5: (A 0, B 1, C 2, D 3, E 4);
    6: (A 0, B 1, C 2, D 3, E 4, G 5);
}

/// What a host function object's data points to.
struct HostCallable(Callable);

impl HostObject for HostCallable {}

/// What a host class's constructor's data points to.
struct HostClass {
    name: String,
    make: Maker,
}

impl HostObject for HostClass {}

/// The Rust value of a host class's instance.
struct Instance<T>(RefCell<T>);

impl<T: 'static> HostObject for Instance<T> {}

/// The `HostData` of `value`, if it is an object with some.
fn host_data(vm: &Vm, value: Value) -> Option<Rc<dyn HostObject>> {
    match &vm.obj(value.as_object()?).kind {
        ObjectKind::HostData(data) => Some(data.clone()),
        _ => None,
    }
}

/// `this` as an instance of the host class of `T`.
fn instance<T: 'static>(runtime: &mut Runtime, this: Value) -> Result<Rc<dyn HostObject>, Error> {
    match host_data(&runtime.vm, this) {
        Some(data) if data.downcast::<Instance<T>>().is_some() => Ok(data),
        _ => Err(Error::Thrown {
            message: "TypeError: Illegal invocation".into(),
            value: runtime.vm.make_error("TypeError", "Illegal invocation"),
        }),
    }
}

/// The native behind every host function.
fn call_host(vm: &mut Vm, this: Value, args: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let callable = data.first().and_then(|&d| host_data(vm, d));
    let Some(HostCallable(f)) = callable
        .as_deref()
        .and_then(|c| c.downcast::<HostCallable>())
    else {
        return Err(vm.type_error("not a host function"));
    };
    let f = f.clone();
    let runtime = Runtime::from_vm(vm);
    f(runtime, this, args).map_err(|e| runtime.throw(e))
}

/// A host class called without `new`.
fn call_class(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let class = data.first().and_then(|&d| host_data(vm, d));
    let name = class
        .as_deref()
        .and_then(|c| c.downcast::<HostClass>())
        .map_or("", |c| c.name.as_str())
        .to_string();
    Err(vm.type_error(&format!(
        "Class constructor {name} cannot be invoked without 'new'"
    )))
}

/// `new` of a host class: the closure makes the Rust value, then the instance is made with
/// the prototype of `new_target` (so subclasses work).
fn construct_class(
    vm: &mut Vm,
    args: &[Value],
    new_target: kiln_interpreter::heap::ObjRef,
) -> JsResult<Value> {
    let data = vm.native_data();
    let class = data.first().and_then(|&d| host_data(vm, d));
    let Some(HostClass { make, .. }) = class.as_deref().and_then(|c| c.downcast::<HostClass>())
    else {
        return Err(vm.type_error("not a host class"));
    };
    let make = make.clone();
    // The class's own prototype: its constructor's `prototype` cannot change, so it is alive.
    let default_proto = data.get(1).and_then(|p| p.as_object());
    let runtime = Runtime::from_vm(vm);
    let payload = make(runtime, args).map_err(|e| runtime.throw(e))?;
    let vm = &mut runtime.vm;
    let key = vm.key("prototype");
    let proto = vm.get(new_target, key, new_target.value())?;
    let proto = proto.as_object().or(default_proto);
    Ok(vm
        .alloc(Object::new(proto, ObjectKind::HostData(payload)))
        .value())
}

impl Runtime {
    /// A function of `context` that calls `f` (see [`HostFunction`]); the value is not rooted.
    ///
    /// ```
    /// use kiln::{Runtime, Value};
    ///
    /// let mut runtime = Runtime::new();
    /// let context = runtime.main_context();
    /// let shout = runtime.new_function(&context, "shout", |s: String| s.to_uppercase()).unwrap();
    /// let hi = runtime.string("hi");
    /// let loud = runtime.call(shout, Value::UNDEFINED, &[hi]).unwrap();
    /// assert_eq!(runtime.display(loud), "'HI'");
    /// ```
    pub fn new_function<Args>(
        &mut self,
        context: &Context,
        name: &str,
        f: impl HostFunction<Args>,
    ) -> Result<Value, Error> {
        let length = host_length(&f);
        let callable: Callable =
            Rc::new(move |runtime: &mut Runtime, this, args: &[Value]| f.call(runtime, this, args));
        let realm = self.realm_of(context)?;
        Ok(self.vm.in_realm(realm, |vm| {
            // Nothing here reaches a safepoint: the data object needs no root.
            let data = vm.alloc(Object::new(
                None,
                ObjectKind::HostData(Rc::new(HostCallable(callable))),
            ));
            vm.native_closure(name, length, call_host, vec![data.value()])
                .value()
        }))
    }

    /// Defines a host function `name` on `context`'s global object (see [`HostFunction`]) and
    /// returns it.
    ///
    /// ```
    /// use kiln::{Error, Runtime, Script, ScriptOptions};
    ///
    /// let mut runtime = Runtime::new();
    /// let context = runtime.create_context();
    /// runtime
    ///     .define_function(&context, "parsePort", |s: String| -> Result<f64, Error> {
    ///         s.parse::<u16>().map(f64::from).map_err(|e| Error::Host(format!("bad port {s:?}: {e}")))
    ///     })
    ///     .unwrap();
    /// let script = Script::new(
    ///     "try { parsePort('http') } catch (e) { e instanceof Error && e.message }",
    ///     ScriptOptions::default(),
    /// )
    /// .unwrap();
    /// let message = script.run_in_context(&mut runtime, &context).unwrap();
    /// assert_eq!(
    ///     runtime.display(message),
    ///     "'bad port \"http\": invalid digit found in string'"
    /// );
    /// ```
    pub fn define_function<Args>(
        &mut self,
        context: &Context,
        name: &str,
        f: impl HostFunction<Args>,
    ) -> Result<Value, Error> {
        let function = self.new_function(context, name, f)?;
        self.define_global(context, name, function);
        Ok(function)
    }

    /// Starts a host class `name` on `context`'s global object whose instances carry a `T`
    /// made by `constructor` (see [`HostConstructor`]); add methods with
    /// [`ClassBuilder::method`], then [`ClassBuilder::build`].
    ///
    /// ```
    /// use kiln::{Error, Runtime, Script, ScriptOptions};
    ///
    /// struct Counter {
    ///     count: f64,
    /// }
    ///
    /// let mut runtime = Runtime::new();
    /// let context = runtime.create_context();
    /// runtime
    ///     .define_class(&context, "Counter", |start: Option<f64>| -> Result<Counter, Error> {
    ///         Ok(Counter { count: start.unwrap_or(0.0) })
    ///     })
    ///     .method("increment", |c: &mut Counter, by: f64| {
    ///         c.count += by;
    ///         c.count
    ///     })
    ///     .build()
    ///     .unwrap();
    /// let script = Script::new(
    ///     "const c = new Counter(10); c.increment(1); [c.increment(2), c instanceof Counter]",
    ///     ScriptOptions::default(),
    /// )
    /// .unwrap();
    /// let result = script.run_in_context(&mut runtime, &context).unwrap();
    /// assert_eq!(runtime.display(result), "[ 13, true ]");
    /// let c = Script::new("c", ScriptOptions::default()).unwrap();
    /// let c = c.run_in_context(&mut runtime, &context).unwrap();
    /// assert_eq!(runtime.with_instance(c, |c: &mut Counter| c.count).unwrap(), 13.0);
    /// ```
    pub fn define_class<T: 'static, Args>(
        &mut self,
        context: &Context,
        name: &str,
        constructor: impl HostConstructor<T, Args>,
    ) -> ClassBuilder<'_, T> {
        let length = constructor_length(&constructor);
        let make: Maker = Rc::new(move |runtime: &mut Runtime, args: &[Value]| {
            let data = constructor.construct(runtime, args)?;
            Ok(Rc::new(Instance(RefCell::new(data))) as Rc<dyn HostObject>)
        });
        ClassBuilder {
            realm: self.realm_of(context),
            context: context.clone(),
            runtime: self,
            name: name.to_string(),
            length,
            make,
            methods: Vec::new(),
            marker: std::marker::PhantomData,
        }
    }

    /// Runs `f` on the Rust value of `value`, an instance of the host class of `T` (an error
    /// when it is not one).
    ///
    /// ```
    /// use kiln::{Error, Runtime, Script, ScriptOptions};
    ///
    /// struct Flag(bool);
    ///
    /// let mut runtime = Runtime::new();
    /// let context = runtime.create_context();
    /// runtime
    ///     .define_class(&context, "Flag", || -> Result<Flag, Error> { Ok(Flag(false)) })
    ///     .method("set", |f: &mut Flag| f.0 = true)
    ///     .build()
    ///     .unwrap();
    /// let script = Script::new("const f = new Flag(); f.set(); f", ScriptOptions::default());
    /// let flag = script.unwrap().run_in_context(&mut runtime, &context).unwrap();
    /// assert!(runtime.with_instance(flag, |f: &mut Flag| f.0).unwrap());
    /// assert!(runtime.with_instance(flag, |_: &mut String| ()).is_err());
    /// ```
    pub fn with_instance<T: 'static, R>(
        &mut self,
        value: Value,
        f: impl FnOnce(&mut T) -> R,
    ) -> Result<R, Error> {
        let data = instance::<T>(self, value)?;
        let Some(Instance(cell)) = data.downcast::<Instance<T>>() else {
            unreachable!("checked by `instance`");
        };
        let Ok(mut data) = cell.try_borrow_mut() else {
            return Err(Error::Host("the instance is in use".into()));
        };
        Ok(f(&mut data))
    }

    /// Defines `name` on the context's global (its sandbox, if it has one), as built-ins are:
    /// writable, configurable, not enumerable.
    fn define_global(&mut self, context: &Context, name: &str, value: Value) {
        let global = self.global(context);
        if let Some(o) = global.as_object() {
            let key = self.vm.key(name);
            self.vm.define_data(o, key, value, attrs::HIDDEN);
        }
    }
}

fn host_length<Args, F: HostFunction<Args>>(_: &F) -> u32 {
    F::LENGTH
}

fn constructor_length<T, Args, F: HostConstructor<T, Args>>(_: &F) -> u32 {
    F::LENGTH
}

fn method_length<T, Args, F: HostMethod<T, Args>>(_: &F) -> u32 {
    F::LENGTH
}

/// A host class being defined ([`Runtime::define_class`]): add methods, then build.
///
/// ```
/// use kiln::{Error, Runtime, Script, ScriptOptions};
///
/// struct Point(f64, f64);
///
/// let mut runtime = Runtime::new();
/// let context = runtime.create_context();
/// let class = runtime
///     .define_class(&context, "Point", |x: f64, y: f64| -> Result<Point, Error> { Ok(Point(x, y)) })
///     .method("length", |p: &mut Point| p.0.hypot(p.1))
///     .build()
///     .unwrap();
/// assert_eq!(runtime.display(class), "[Function: Point]");
/// let script = Script::new("[new Point(3, 4).length(), Point.length]", ScriptOptions::default());
/// let result = script.unwrap().run_in_context(&mut runtime, &context).unwrap();
/// assert_eq!(runtime.display(result), "[ 5, 2 ]");
/// ```
pub struct ClassBuilder<'r, T> {
    runtime: &'r mut Runtime,
    realm: Result<u32, Error>,
    context: Context,
    name: String,
    length: u32,
    make: Maker,
    methods: Vec<(String, u32, Callable)>,
    marker: std::marker::PhantomData<fn(T)>,
}

impl<T: 'static> ClassBuilder<'_, T> {
    /// Adds a method `name` to the class's prototype (see [`HostMethod`]).
    pub fn method<Args>(mut self, name: &str, method: impl HostMethod<T, Args>) -> Self {
        let length = method_length(&method);
        let callable: Callable = Rc::new(move |runtime: &mut Runtime, this, args: &[Value]| {
            method.call(runtime, this, args)
        });
        self.methods.push((name.to_string(), length, callable));
        self
    }

    /// Makes the constructor and its prototype, defines the class on the context's global
    /// object, and returns the constructor.
    pub fn build(self) -> Result<Value, Error> {
        let realm = self.realm?;
        let (name, length, make) = (self.name, self.length, self.make);
        let methods = self.methods;
        // Nothing here reaches a safepoint: allocation never collects, so nothing needs a root.
        let constructor = self.runtime.vm.in_realm(realm, |vm| {
            let prototype = vm.new_object();
            for (method, length, callable) in methods {
                let data = vm.alloc(Object::new(
                    None,
                    ObjectKind::HostData(Rc::new(HostCallable(callable))),
                ));
                define_method_closure(vm, prototype, &method, length, data.value());
            }
            let class = vm.alloc(Object::new(
                None,
                ObjectKind::HostData(Rc::new(HostClass {
                    name: name.clone(),
                    make,
                })),
            ));
            let constructor = vm.native_function(&name, length, call_class, Some(construct_class));
            if let ObjectKind::Native(n) = &mut vm.obj_mut(constructor).kind {
                n.data = vec![class.value(), prototype.value()];
            }
            let key = vm.key("prototype");
            vm.define_data(constructor, key, prototype.value(), 0);
            let key = vm.key("constructor");
            vm.define_data(prototype, key, constructor.value(), attrs::HIDDEN);
            constructor.value()
        });
        self.runtime
            .define_global(&self.context, &name, constructor);
        Ok(constructor)
    }
}

/// A method of `o` calling a host closure, defined as built-in methods are.
fn define_method_closure(
    vm: &mut Vm,
    o: kiln_interpreter::heap::ObjRef,
    name: &str,
    length: u32,
    data: Value,
) {
    let f = vm.native_closure(name, length, call_host, vec![data]);
    let key = vm.key(name);
    vm.define_data(o, key, f.value(), attrs::HIDDEN);
}
