//! Classes (ECMA-262 15.7.14 ClassDefinitionEvaluation): the constructor, methods and accessors
//! on the prototype or the constructor, private names, and the two synthetic initialisers that
//! define instance fields (run by each constructor) and static fields and blocks (run once).
//!
//! A decorated class (the decorators proposal) evaluates its elements' decorators and computed
//! keys first, then defines and decorates its elements in the proposal's four groups (static
//! methods and accessors, instance ones, static fields, instance fields), then applies the class
//! decorators; the decorator instructions (`DecorateElement`, `DecorateClass`,
//! `RunInitializers`, `InitializeField`) do the calling and checking, over a decoration state
//! (`code::decorators`) that the initialisers read through the `%decorators` binding.

use super::{Body, CompileResult, Compiler, FunctionSpec, Location};
use crate::code::{Constant, decorators as dk, flags};
use crate::instruction::{Count, FuncIdx, Instruction as I, Reg};
use crate::scope::{
    BindingKind, TAG_ACCESSOR_GET, TAG_ACCESSOR_SET, TAG_BODY, TAG_INSTANCE_FIELDS,
    TAG_STATIC_FIELDS, accessor_storage, is_decorated, node,
};
use kiln_parser::ast::*;

/// The registers of a class under construction that the steps after `NewClass` share.
struct ClassRegs {
    /// The constructor, then its prototype in `f + 1`.
    f: Reg,
    proto: Reg,
    /// The array of computed field keys, when the class has some.
    keys: Reg,
    heritage: Reg,
    key: Reg,
    value: Reg,
}

/// Each element's place among the class's decorated fields and accessors (the field index of
/// `DecorateElement`), or `None`.
fn decorated_fields(c: &Class<'_>) -> Vec<Option<u64>> {
    let mut next = 0;
    c.body
        .iter()
        .map(|e| match e {
            ClassElement::Field(f) if !f.decorators.is_empty() => {
                next += 1;
                Some(next - 1)
            }
            _ => None,
        })
        .collect()
}

/// Whether the class has a decorated method, getter or setter (not an accessor) that is static
/// (`want_static`), or one that is not: their decorators add extra initializers to the class's
/// shared lists.
fn has_method_decorators(c: &Class<'_>, want_static: bool) -> bool {
    c.body.iter().any(|e| {
        matches!(e, ClassElement::Method(m) if m.is_static == want_static && !m.decorators.is_empty())
    })
}

/// `DecorateElement`'s kind of a method definition.
fn method_kind(kind: MethodKind) -> u32 {
    match kind {
        MethodKind::Get => dk::GETTER,
        MethodKind::Set => dk::SETTER,
        _ => dk::METHOD,
    }
}

/// What an anonymous class is named after (NamedEvaluation).
#[derive(Clone, Copy)]
enum ClassName {
    /// A string known at compile time (its string index).
    Static(u32),
    /// The property key in a register (a computed key).
    Key(Reg),
}

impl<'a> Compiler<'a> {
    /// Evaluates a class into `dst`. `name` names an anonymous class.
    pub fn class(&mut self, c: &'a Class<'a>, dst: Reg, name: Option<u32>) -> CompileResult<()> {
        self.class_named(c, dst, name.map(ClassName::Static))
    }

    /// Evaluates the anonymous class `c` into `dst`, named after the property key in `key`.
    pub fn class_named_by_key(
        &mut self,
        c: &'a Class<'a>,
        dst: Reg,
        key: Reg,
    ) -> CompileResult<()> {
        self.class_named(c, dst, Some(ClassName::Key(key)))
    }

    fn class_named(
        &mut self,
        c: &'a Class<'a>,
        dst: Reg,
        name: Option<ClassName>,
    ) -> CompileResult<()> {
        let mark = self.f.mark();
        // The class decorators are evaluated first, outside the class scope.
        let class_decorators = if c.decorators.is_empty() {
            None
        } else {
            Some(self.decorator_list(c.decorators)?)
        };
        self.at(c.span);
        let outer = self.enter_scope(node(c, 0), &[])?;
        let class_scope = self.scope();
        // Fresh private names for this evaluation of the class.
        let privates: Vec<&'a str> = self
            .tree
            .get(class_scope)
            .bindings
            .iter()
            .filter(|b| b.kind == BindingKind::PrivateName)
            .map(|b| b.name)
            .collect();
        let t = self.f.alloc();
        for p in &privates {
            let n = self.name(&format!("#{p}"));
            self.emit(I::NewPrivateName { dst: t, name: n });
            self.store_private(p, t);
        }
        let keys = self.f.alloc();
        let has_keys = self.tree.get(class_scope).find("%keys").is_some();
        if has_keys {
            self.emit(I::NewArray { dst: keys });
            self.store_binding("%keys", keys, true)?;
        }
        let heritage = self.f.alloc();
        let derived = c.super_class.is_some();
        if let Some(h) = &c.super_class {
            self.expression(h, heritage)?;
        } else {
            self.emit(I::LoadUndefined { dst: heritage });
        }
        let static_name = match name {
            Some(ClassName::Static(n)) => Some(n),
            _ => None,
        };
        let class_name = c.id.map(|id| self.name(id.name).0).or(static_name);
        let constructor = c.body.iter().find_map(|e| match e {
            ClassElement::Method(m) if m.kind == MethodKind::Constructor => Some(m),
            _ => None,
        });
        let mut ctor_flags = flags::CLASS_CONSTRUCTOR;
        if derived {
            ctor_flags |= flags::DERIVED;
        }
        let index = match constructor {
            Some(m) => self.compile_function(
                FunctionSpec {
                    key: node(m.value, 0),
                    name: class_name,
                    params: Some(m.value.params),
                    body: Body::Statements(m.value.body),
                    span: c.span,
                    flags: ctor_flags,
                },
                true,
                class_name,
            )?,
            None => self.compile_function(
                FunctionSpec {
                    key: 0,
                    name: class_name,
                    params: None,
                    body: Body::DefaultConstructor,
                    span: c.span,
                    flags: ctor_flags,
                },
                true,
                class_name,
            )?,
        };
        let f = self.f.alloc_n(2);
        let proto = Reg(f.0 + 1);
        self.at(c.span);
        self.emit(I::NewClass {
            dst: f,
            function: FuncIdx(index),
            heritage,
            derived: Count(u32::from(derived)),
        });
        // A name known only at run time is the constructor's before any element is defined
        // (a static `name` method replaces it).
        let dynamic_name = match name {
            Some(ClassName::Key(key)) if c.id.is_none() => {
                self.emit(I::SetFunctionName {
                    function: f,
                    key,
                    prefix: Count(0),
                });
                Some(key)
            }
            _ => None,
        };
        let key = self.f.alloc();
        let value = self.f.alloc();
        if is_decorated(c) {
            let regs = ClassRegs {
                f,
                proto,
                keys,
                heritage,
                key,
                value,
            };
            self.decorated_class(c, &regs, class_decorators, class_name, dynamic_name, dst)?;
            self.leave_scope(outer);
            self.f.release(mark);
            return Ok(());
        }
        let mut static_private_methods = Vec::new();
        let mut has_instance_private_methods = false;
        for (i, element) in c.body.iter().enumerate() {
            match element {
                ClassElement::Method(m) if m.kind != MethodKind::Constructor => {
                    let target = if m.is_static { f } else { proto };
                    let static_name = self.static_key(&m.key);
                    self.property_key(&m.key, key)?;
                    let fn_name = match (m.kind, static_name) {
                        (MethodKind::Get, Some(n)) => Some(self.prefixed(n, "get ")),
                        (MethodKind::Set, Some(n)) => Some(self.prefixed(n, "set ")),
                        (_, n) => n,
                    };
                    let index = self.method_function(m.value, fn_name)?;
                    self.emit(I::NewClosure {
                        dst: value,
                        function: FuncIdx(index),
                    });
                    let kind = match m.kind {
                        MethodKind::Get => 1,
                        MethodKind::Set => 2,
                        _ => 0,
                    };
                    if let PropertyKey::Private(p) = &m.key {
                        self.emit(I::SetHomeObject {
                            function: value,
                            home: target,
                        });
                        self.emit(I::SetPrivateMethod {
                            name: key,
                            function: value,
                            kind: Count(kind),
                        });
                        if m.is_static {
                            if !static_private_methods.contains(&p.name) {
                                static_private_methods.push(p.name);
                            }
                        } else {
                            has_instance_private_methods = true;
                        }
                    } else {
                        if static_name.is_none() {
                            let prefix = kind;
                            self.emit(I::SetFunctionName {
                                function: value,
                                key,
                                prefix: Count(prefix),
                            });
                        }
                        self.emit(I::DefineMethod {
                            object: target,
                            key,
                            function: value,
                            kind: Count(kind),
                        });
                    }
                }
                ClassElement::Field(field) => {
                    if let PropertyKey::Computed(e) = &field.key {
                        self.expression(e, key)?;
                        self.emit(I::ToPropertyKey { dst: key, src: key });
                        self.load_binding("%keys", keys)?;
                        self.emit(I::ArrayPush {
                            array: keys,
                            value: key,
                        });
                    }
                    if field.is_accessor {
                        let target = if field.is_static { f } else { proto };
                        self.auto_accessor(i, field, target, key, value)?;
                        if let PropertyKey::Private(p) = &field.key {
                            if field.is_static {
                                static_private_methods.push(p.name);
                            } else {
                                has_instance_private_methods = true;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        let has_instance_fields = has_instance_private_methods
            || c.body
                .iter()
                .any(|e| matches!(e, ClassElement::Field(f) if !f.is_static));
        if has_instance_fields {
            self.instance_initializer(c, f, proto, value)?;
        }
        // The inner name binding is initialised before static elements run.
        if let Some(id) = &c.id {
            self.store_binding(id.name, f, true)?;
        }
        self.static_private_methods(&static_private_methods, f, key, value);
        self.static_initializer(c, f, f, value)?;
        self.emit(I::Move { dst, src: f });
        self.leave_scope(outer);
        self.f.release(mark);
        Ok(())
    }

    /// `value = ` a closure of the class's static or instance field initialiser, homed on `home`.
    fn field_initializer_closure(
        &mut self,
        c: &'a Class<'a>,
        is_static: bool,
        home: Reg,
        value: Reg,
    ) -> CompileResult<()> {
        let index = self.field_initializer(c, is_static)?;
        self.emit(I::NewClosure {
            dst: value,
            function: FuncIdx(index),
        });
        self.emit(I::SetHomeObject {
            function: value,
            home,
        });
        Ok(())
    }

    /// Gives the class constructor `f` its instance initialiser (homed on `proto`).
    fn instance_initializer(
        &mut self,
        c: &'a Class<'a>,
        f: Reg,
        proto: Reg,
        value: Reg,
    ) -> CompileResult<()> {
        self.field_initializer_closure(c, false, proto, value)?;
        self.emit(I::SetClassFields {
            constructor: f,
            initializer: value,
        });
        Ok(())
    }

    /// Adds the static private methods and accessors `names` to the class constructor `f`.
    fn static_private_methods(&mut self, names: &[&'a str], f: Reg, key: Reg, value: Reg) {
        for p in names {
            self.load_private_name(p, key);
            self.emit(I::DefinePrivate {
                object: f,
                name: key,
                value,
            });
        }
    }

    /// Runs the static fields and blocks, if any, on `this` (the class, or what its decorators
    /// replaced it with), with the constructor `f` as their home object.
    fn static_initializer(
        &mut self,
        c: &'a Class<'a>,
        f: Reg,
        this: Reg,
        value: Reg,
    ) -> CompileResult<()> {
        let has_static = c.body.iter().any(|e| {
            matches!(e, ClassElement::Field(f) if f.is_static)
                || matches!(e, ClassElement::StaticBlock(_))
        });
        if !has_static {
            return Ok(());
        }
        self.field_initializer_closure(c, true, f, value)?;
        self.emit(I::Call {
            dst: value,
            callee: value,
            this,
            args: value,
            count: Count(0),
        });
        Ok(())
    }

    /// A new array of the decorators `decorators`, evaluated in order: each decorator's value
    /// and the `this` it is called with (the object of `@a.b`, as for a call of `a.b`).
    fn decorator_list(&mut self, decorators: &'a [Decorator<'a>]) -> CompileResult<Reg> {
        let list = self.f.alloc();
        self.emit(I::NewArray { dst: list });
        for d in decorators {
            let mark = self.f.mark();
            let value = self.f.alloc();
            self.at(d.span);
            let this = self.callee_and_this(&d.expression, value, false)?;
            self.emit(I::ArrayPush { array: list, value });
            self.emit(I::ArrayPush {
                array: list,
                value: this,
            });
            self.f.release(mark);
        }
        Ok(list)
    }

    /// The rest of a decorated class after `NewClass` (ClassDefinitionEvaluation as the
    /// decorators proposal changes it), ending with the class in `dst`.
    fn decorated_class(
        &mut self,
        c: &'a Class<'a>,
        r: &ClassRegs,
        class_decorators: Option<Reg>,
        class_name: Option<u32>,
        dynamic_name: Option<Reg>,
        dst: Reg,
    ) -> CompileResult<()> {
        // ClassElementEvaluation: each element's decorators, then its computed key, in order.
        let mut decorators = Vec::with_capacity(c.body.len());
        let mut computed = Vec::with_capacity(c.body.len());
        for element in c.body {
            let (list, key) = match element {
                ClassElement::Method(m) if m.kind != MethodKind::Constructor => {
                    (m.decorators, Some(&m.key))
                }
                ClassElement::Field(f) => (f.decorators, Some(&f.key)),
                _ => (&[][..], None),
            };
            decorators.push(if list.is_empty() {
                None
            } else {
                Some(self.decorator_list(list)?)
            });
            computed.push(match key {
                Some(k @ PropertyKey::Computed(_)) => {
                    let reg = self.f.alloc();
                    self.property_key(k, reg)?;
                    if let ClassElement::Field(_) = element {
                        self.load_binding("%keys", r.keys)?;
                        self.emit(I::ArrayPush {
                            array: r.keys,
                            value: reg,
                        });
                    }
                    Some(reg)
                }
                _ => None,
            });
        }
        self.at(c.span);
        let state = self.f.alloc();
        self.emit(I::NewDecorations {
            dst: state,
            heritage: r.heritage,
        });
        self.store_binding("%decorators", state, true)?;
        let field_index = decorated_fields(c);
        let setter = self.f.alloc();
        let mut static_private_methods = Vec::new();
        let mut has_instance_private_methods = false;
        // Methods, getters, setters and accessors are defined (and decorated) statics first,
        // then the prototype's, each group in order.
        for want_static in [true, false] {
            let (target, static_bit) = if want_static {
                (r.f, dk::STATIC)
            } else {
                (r.proto, 0)
            };
            for (i, element) in c.body.iter().enumerate() {
                let key = match computed[i] {
                    Some(reg) => reg,
                    None => r.key,
                };
                match element {
                    ClassElement::Method(m)
                        if m.kind != MethodKind::Constructor && m.is_static == want_static =>
                    {
                        if computed[i].is_none() {
                            self.property_key(&m.key, key)?;
                        }
                        let static_name = self.static_key(&m.key);
                        let fn_name = match (m.kind, static_name) {
                            (MethodKind::Get, Some(n)) => Some(self.prefixed(n, "get ")),
                            (MethodKind::Set, Some(n)) => Some(self.prefixed(n, "set ")),
                            (_, n) => n,
                        };
                        let index = self.method_function(m.value, fn_name)?;
                        self.emit(I::NewClosure {
                            dst: r.value,
                            function: FuncIdx(index),
                        });
                        let kind = match m.kind {
                            MethodKind::Get => 1,
                            MethodKind::Set => 2,
                            _ => 0,
                        };
                        if static_name.is_none() {
                            self.emit(I::SetFunctionName {
                                function: r.value,
                                key,
                                prefix: Count(kind),
                            });
                        }
                        if let PropertyKey::Private(p) = &m.key {
                            if m.is_static {
                                if !static_private_methods.contains(&p.name) {
                                    static_private_methods.push(p.name);
                                }
                            } else {
                                has_instance_private_methods = true;
                            }
                        }
                        if let Some(list) = decorators[i] {
                            self.emit(I::SetHomeObject {
                                function: r.value,
                                home: target,
                            });
                            self.emit(I::DecorateElement {
                                decorators: list,
                                state,
                                home: target,
                                key,
                                value: r.value,
                                setter: r.value,
                                kind: Count(method_kind(m.kind) | static_bit),
                            });
                        } else if let PropertyKey::Private(_) = &m.key {
                            self.emit(I::SetHomeObject {
                                function: r.value,
                                home: target,
                            });
                            self.emit(I::SetPrivateMethod {
                                name: key,
                                function: r.value,
                                kind: Count(kind),
                            });
                        } else {
                            self.emit(I::DefineMethod {
                                object: target,
                                key,
                                function: r.value,
                                kind: Count(kind),
                            });
                        }
                    }
                    ClassElement::Field(field)
                        if field.is_accessor && field.is_static == want_static =>
                    {
                        if let PropertyKey::Private(p) = &field.key {
                            if field.is_static {
                                static_private_methods.push(p.name);
                            } else {
                                has_instance_private_methods = true;
                            }
                        }
                        let Some(list) = decorators[i] else {
                            self.auto_accessor(i, field, target, key, r.value)?;
                            continue;
                        };
                        if computed[i].is_none() {
                            self.property_key(&field.key, key)?;
                        }
                        self.accessor_function(i, field, false, key, r.value)?;
                        self.accessor_function(i, field, true, key, setter)?;
                        let index = field_index[i].unwrap_or_default();
                        self.emit(I::DecorateElement {
                            decorators: list,
                            state,
                            home: target,
                            key,
                            value: r.value,
                            setter,
                            kind: Count(
                                dk::ACCESSOR | static_bit | (dk::FIELD_INDEX * index as u32),
                            ),
                        });
                    }
                    _ => {}
                }
            }
        }
        // Then the fields' decorators: static fields first, each group in order.
        let undefined = self.f.undefined_register();
        for want_static in [true, false] {
            let (target, static_bit) = if want_static {
                (r.f, dk::STATIC)
            } else {
                (r.proto, 0)
            };
            for (i, element) in c.body.iter().enumerate() {
                let ClassElement::Field(field) = element else {
                    continue;
                };
                let (Some(list), Some(index)) = (decorators[i], field_index[i]) else {
                    continue;
                };
                if field.is_accessor || field.is_static != want_static {
                    continue;
                }
                let key = match computed[i] {
                    Some(reg) => reg,
                    None => {
                        self.property_key(&field.key, r.key)?;
                        r.key
                    }
                };
                self.emit(I::DecorateElement {
                    decorators: list,
                    state,
                    home: target,
                    key,
                    value: undefined,
                    setter: undefined,
                    kind: Count(dk::FIELD | static_bit | (dk::FIELD_INDEX * index as u32)),
                });
            }
        }
        let has_instance_fields = has_instance_private_methods
            || has_method_decorators(c, false)
            || c.body
                .iter()
                .any(|e| matches!(e, ClassElement::Field(f) if !f.is_static));
        if has_instance_fields {
            self.instance_initializer(c, r.f, r.proto, r.value)?;
        }
        self.static_private_methods(&static_private_methods, r.f, r.key, r.value);
        // The class decorators may replace the class: what they return is bound to its name and
        // gets the static fields.
        let class = self.f.alloc();
        self.emit(I::Move {
            dst: class,
            src: r.f,
        });
        let name = match dynamic_name {
            Some(key) => key,
            None => {
                let name = match class_name {
                    Some(n) => n,
                    None => self.string(&[]),
                };
                let index = crate::instruction::ConstIdx(self.f.constant(Constant::String(name)));
                self.emit(I::LoadConst { dst: r.key, index });
                r.key
            }
        };
        self.at(c.span);
        self.emit(I::DecorateClass {
            class,
            decorators: class_decorators.unwrap_or(undefined),
            state,
            name,
        });
        if let Some(id) = &c.id {
            self.store_binding(id.name, class, true)?;
        }
        if has_method_decorators(c, true) {
            self.emit(I::RunInitializers {
                state,
                this: class,
                list: Count(dk::STATIC_EXTRA),
            });
        }
        self.static_initializer(c, r.f, class, r.value)?;
        if class_decorators.is_some() {
            self.emit(I::RunInitializers {
                state,
                this: class,
                list: Count(dk::CLASS_EXTRA),
            });
        }
        self.emit(I::Move { dst, src: class });
        Ok(())
    }

    /// The getter and setter of the auto-accessor `field` (at `index` in the class body), on
    /// `target` or, for `accessor #x`, on its private name as a private getter/setter pair.
    /// A computed key is already in `key`.
    fn auto_accessor(
        &mut self,
        index: usize,
        field: &'a FieldDefinition<'a>,
        target: Reg,
        key: Reg,
        function: Reg,
    ) -> CompileResult<()> {
        if !matches!(field.key, PropertyKey::Computed(_)) {
            self.property_key(&field.key, key)?;
        }
        for (kind, setter) in [(1, false), (2, true)] {
            self.accessor_function(index, field, setter, key, function)?;
            if let PropertyKey::Private(_) = field.key {
                self.emit(I::SetPrivateMethod {
                    name: key,
                    function,
                    kind: Count(kind),
                });
            } else {
                self.emit(I::DefineMethod {
                    object: target,
                    key,
                    function,
                    kind: Count(kind),
                });
            }
        }
        Ok(())
    }

    /// The getter (or the setter) of the auto-accessor `field` (at `index` in the class body)
    /// into `dst`, named after the key in `key`.
    fn accessor_function(
        &mut self,
        index: usize,
        field: &'a FieldDefinition<'a>,
        setter: bool,
        key: Reg,
        dst: Reg,
    ) -> CompileResult<()> {
        let (kind, tag, prefix) = if setter {
            (2, TAG_ACCESSOR_SET, "set ")
        } else {
            (1, TAG_ACCESSOR_GET, "get ")
        };
        let static_name = self.static_key(&field.key);
        let fn_name = static_name.map(|n| self.prefixed(n, prefix));
        let f = self.compile_function(
            FunctionSpec {
                key: node(field, tag),
                name: fn_name,
                params: None,
                body: Body::AutoAccessor { index, setter },
                span: field.span,
                flags: flags::METHOD,
            },
            true,
            fn_name,
        )?;
        self.emit(I::NewClosure {
            dst,
            function: FuncIdx(f),
        });
        if static_name.is_none() {
            self.emit(I::SetFunctionName {
                function: dst,
                key,
                prefix: Count(kind),
            });
        }
        Ok(())
    }

    /// The string index of `prefix` + the string `name`.
    pub(crate) fn prefixed(&mut self, name: u32, prefix: &str) -> u32 {
        let mut units: Vec<u16> = prefix.encode_utf16().collect();
        units.extend(self.string_units(name));
        self.string(&units)
    }

    fn store_private(&mut self, name: &str, src: Reg) {
        match self.resolve(name, true) {
            Location::Env { depth, slot, .. } => self.emit(I::SetEnv {
                depth: Count(depth),
                slot: Count(slot),
                src,
            }),
            Location::Register { reg, .. } => self.emit(I::Move { dst: reg, src }),
            _ => {}
        }
    }

    fn field_initializer(&mut self, c: &'a Class<'a>, is_static: bool) -> CompileResult<u32> {
        let tag = if is_static {
            TAG_STATIC_FIELDS
        } else {
            TAG_INSTANCE_FIELDS
        };
        self.compile_function(
            FunctionSpec {
                key: node(c, tag),
                name: None,
                params: None,
                body: Body::ClassFields {
                    class: c,
                    is_static,
                },
                span: c.span,
                flags: flags::METHOD | flags::FIELD_INIT,
            },
            true,
            None,
        )
    }

    /// The body of a field initialiser: private methods, then fields and static blocks in order.
    pub fn class_fields(&mut self, c: &'a Class<'a>, is_static: bool) -> CompileResult<()> {
        let this = self.f.alloc();
        self.load_binding("this", this)?;
        let key = self.f.alloc();
        let value = self.f.alloc();
        let state = if is_decorated(c) {
            let state = self.f.alloc();
            self.load_binding("%decorators", state)?;
            Some(state)
        } else {
            None
        };
        let field_index = decorated_fields(c);
        if !is_static {
            let mut done = Vec::new();
            for element in c.body {
                let (is_static, element_key) = match element {
                    ClassElement::Method(m) => (m.is_static, &m.key),
                    // `accessor #x` is a private getter/setter pair.
                    ClassElement::Field(f) if f.is_accessor => (f.is_static, &f.key),
                    _ => continue,
                };
                if !is_static
                    && let PropertyKey::Private(p) = element_key
                    && !done.contains(&p.name)
                {
                    done.push(p.name);
                    self.load_private_name(p.name, key);
                    self.emit(I::DefinePrivate {
                        object: this,
                        name: key,
                        value,
                    });
                }
            }
            // The extra initializers of the instance methods' decorators run before any field.
            if let Some(state) = state
                && has_method_decorators(c, false)
            {
                self.emit(I::RunInitializers {
                    state,
                    this,
                    list: Count(dk::INSTANCE_EXTRA),
                });
            }
        }
        let mut computed = 0;
        for (i, element) in c.body.iter().enumerate() {
            match element {
                ClassElement::Field(field) => {
                    let this_computed = matches!(field.key, PropertyKey::Computed(_));
                    if field.is_static != is_static {
                        if this_computed {
                            computed += 1;
                        }
                        continue;
                    }
                    self.at(field.span);
                    let static_name = self.static_key(&field.key);
                    match &field.key {
                        PropertyKey::Computed(_) => {
                            self.load_binding("%keys", key)?;
                            let index = self.f.alloc();
                            self.emit(I::LoadInt {
                                dst: index,
                                value: crate::instruction::Imm(computed),
                            });
                            self.emit(I::GetKeyed {
                                dst: key,
                                object: key,
                                key: index,
                            });
                            computed += 1;
                        }
                        other => self.property_key(other, key)?,
                    }
                    match &field.value {
                        Some(v) => match static_name {
                            Some(n) => self.named_expression(v, value, n)?,
                            None => self.expression_named_by_key(v, value, key)?,
                        },
                        None => self.emit(I::LoadUndefined { dst: value }),
                    }
                    let decorated = state.zip(field_index[i]);
                    if let Some((state, index)) = decorated {
                        self.emit(I::InitializeField {
                            value,
                            state,
                            this,
                            list: Count(dk::field_initializers(index) as u32),
                        });
                    }
                    if field.is_accessor {
                        // The value goes to the accessor's storage, not to the key.
                        self.load_private_name(&accessor_storage(i), key);
                        self.emit(I::DefinePrivate {
                            object: this,
                            name: key,
                            value,
                        });
                    } else if let PropertyKey::Private(_) = field.key {
                        self.emit(I::DefinePrivate {
                            object: this,
                            name: key,
                            value,
                        });
                    } else {
                        self.emit(I::DefineKeyed {
                            object: this,
                            key,
                            value,
                        });
                    }
                    if let Some((state, index)) = decorated {
                        self.emit(I::RunInitializers {
                            state,
                            this,
                            list: Count(dk::field_extra(index) as u32),
                        });
                    }
                }
                ClassElement::StaticBlock(b) if is_static => {
                    let outer = self.enter_scope(node(*b, 0), &[])?;
                    let inner = self.enter_scope(node(*b, TAG_BODY), b.body)?;
                    self.statements(b.body)?;
                    self.leave_scope(inner);
                    self.leave_scope(outer);
                }
                _ => {}
            }
        }
        Ok(())
    }
}
