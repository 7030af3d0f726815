//! Classes (ECMA-262 15.7.14 ClassDefinitionEvaluation): the constructor, methods and accessors
//! on the prototype or the constructor, private names, and the two synthetic initialisers that
//! define instance fields (run by each constructor) and static fields and blocks (run once).

use super::{Body, CompileResult, Compiler, FunctionSpec, Location};
use crate::code::flags;
use crate::instruction::{Count, FuncIdx, Instruction as I, Reg};
use crate::scope::{
    BindingKind, TAG_ACCESSOR_GET, TAG_ACCESSOR_SET, TAG_BODY, TAG_INSTANCE_FIELDS,
    TAG_STATIC_FIELDS, accessor_storage, node,
};
use kiln_parser::ast::*;

impl<'a> Compiler<'a> {
    /// Evaluates a class into `dst`. `name` names an anonymous class.
    pub fn class(&mut self, c: &'a Class<'a>, dst: Reg, name: Option<u32>) -> CompileResult<()> {
        // The parser accepts the decorators proposal's syntax; running it is not implemented, and
        // a class without its decorators would be a different program.
        if let Some(d) = c.decorators.first().or_else(|| {
            c.body.iter().find_map(|e| match e {
                ClassElement::Method(m) => m.decorators.first(),
                ClassElement::Field(f) => f.decorators.first(),
                ClassElement::StaticBlock(_) => None,
            })
        }) {
            return super::error("decorators are not supported yet", d.span);
        }
        let mark = self.f.mark();
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
        let class_name = c.id.map(|id| self.name(id.name).0).or(name);
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
        let key = self.f.alloc();
        let value = self.f.alloc();
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
            let index = self.field_initializer(c, false)?;
            self.emit(I::NewClosure {
                dst: value,
                function: FuncIdx(index),
            });
            self.emit(I::SetHomeObject {
                function: value,
                home: proto,
            });
            self.emit(I::SetClassFields {
                constructor: f,
                initializer: value,
            });
        }
        // The inner name binding is initialised before static elements run.
        if let Some(id) = &c.id {
            self.store_binding(id.name, f, true)?;
        }
        for p in static_private_methods {
            self.load_private_name(p, key);
            self.emit(I::DefinePrivate {
                object: f,
                name: key,
                value,
            });
        }
        let has_static = c.body.iter().any(|e| {
            matches!(e, ClassElement::Field(f) if f.is_static)
                || matches!(e, ClassElement::StaticBlock(_))
        });
        if has_static {
            let index = self.field_initializer(c, true)?;
            self.emit(I::NewClosure {
                dst: value,
                function: FuncIdx(index),
            });
            self.emit(I::SetHomeObject {
                function: value,
                home: f,
            });
            self.emit(I::Call {
                dst: value,
                callee: value,
                this: f,
                args: value,
                count: Count(0),
            });
        }
        self.emit(I::Move { dst, src: f });
        self.leave_scope(outer);
        self.f.release(mark);
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
        let static_name = self.static_key(&field.key);
        for (kind, tag, prefix) in [(1, TAG_ACCESSOR_GET, "get "), (2, TAG_ACCESSOR_SET, "set ")] {
            let fn_name = static_name.map(|n| self.prefixed(n, prefix));
            let f = self.compile_function(
                FunctionSpec {
                    key: node(field, tag),
                    name: fn_name,
                    params: None,
                    body: Body::AutoAccessor {
                        index,
                        setter: kind == 2,
                    },
                    span: field.span,
                    flags: flags::METHOD,
                },
                true,
                fn_name,
            )?;
            self.emit(I::NewClosure {
                dst: function,
                function: FuncIdx(f),
            });
            if let PropertyKey::Private(_) = field.key {
                self.emit(I::SetPrivateMethod {
                    name: key,
                    function,
                    kind: Count(kind),
                });
            } else {
                if static_name.is_none() {
                    self.emit(I::SetFunctionName {
                        function,
                        key,
                        prefix: Count(kind),
                    });
                }
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
                            None => {
                                self.expression(v, value)?;
                                if super::expression::is_anonymous_function(v) {
                                    self.emit(I::SetFunctionName {
                                        function: value,
                                        key,
                                        prefix: Count(0),
                                    });
                                }
                            }
                        },
                        None => self.emit(I::LoadUndefined { dst: value }),
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
