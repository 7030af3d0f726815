//! Environments and names: the scope tables behind declarative environments, the slot at a
//! known depth, and names looked up along the environment chain at run time (`with`, sloppy
//! direct `eval`, globals) — read, assigned, deleted, and the `var`s that eval code declares.

use crate::heap::{EnvRef, ObjRef};
use crate::loaded_script::LoadedScript;
use crate::object::{Env, EnvKind, PropertyKey, ScopeNames, attrs};
use crate::property::Descriptor;
use crate::string::Atom;
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};
use std::rc::Rc;

/// `ResolveName`'s answer for a name bound in the global environment.
const GLOBAL_ENVIRONMENT: f64 = -2.0;
/// `ResolveName`'s answer for a name bound nowhere.
const UNRESOLVABLE: f64 = -1.0;

/// Where a name was found on the environment chain.
pub(crate) enum NameRef {
    Slot(EnvRef, usize),
    Extra(EnvRef, usize),
    Object(ObjRef),
    GlobalLexical,
    GlobalObject,
    Unresolvable,
}

impl Vm {
    pub(crate) fn scope_names(
        &mut self,
        script: &LoadedScript,
        function: u32,
        scope: u32,
    ) -> Rc<ScopeNames> {
        if let Some(n) = script.scope_names.borrow().get(&(function, scope)) {
            return n.clone();
        }
        let info = &script.code().scopes_of(script.function(function))[scope as usize];
        let indices: Vec<u32> = info.names.iter().map(|n| n.to_native()).collect();
        let kinds: Vec<u8> = info.kinds.iter().copied().collect();
        let is_function = info.is_function;
        let names = indices
            .into_iter()
            .map(|i| self.script_atom(script, i))
            .collect();
        let rc = Rc::new(ScopeNames {
            names,
            kinds,
            is_function,
        });
        script
            .scope_names
            .borrow_mut()
            .insert((function, scope), rc.clone());
        rc
    }

    pub fn new_env(&mut self, env: Env) -> EnvRef {
        self.agent.heap.alloc_env(env)
    }

    /// Slot `slot` of environment `depth` of the frame.
    #[inline]
    pub(crate) fn env_slot(
        &mut self,
        fi: usize,
        depth: u32,
        slot: u32,
    ) -> JsResult<(EnvRef, Value)> {
        match self.env_holding(fi, depth, slot) {
            Some(env) => Ok((env, self.agent.heap.envs.get(env.0).slots[slot as usize])),
            None => Err(self.environment_out_of_range()),
        }
    }

    /// The environment `depth` levels out from the frame's innermost one, if it has slot
    /// `slot`: loads only, for the loop's `GetEnv` and `SetEnv`. `None` for code whose
    /// environment chain is not what it was compiled for (the verifier cannot check a chain
    /// built at run time).
    #[inline(always)]
    pub(crate) fn env_holding(&self, fi: usize, depth: u32, slot: u32) -> Option<EnvRef> {
        let mut e = self.stack.frames[fi].env?;
        for _ in 0..depth {
            e = self.agent.heap.envs.get(e.0).parent?;
        }
        ((slot as usize) < self.agent.heap.envs.get(e.0).slots.len()).then_some(e)
    }

    #[cold]
    pub(crate) fn environment_out_of_range(&mut self) -> JsError {
        self.invalid_bytecode("an environment slot out of range")
    }

    pub(crate) fn tdz_error(&mut self, name: Atom) -> JsError {
        let n = self.agent.atoms.to_rust(name);
        if n == "this" {
            return self.reference_error(
                "Must call super constructor in derived class before accessing 'this' or returning from derived constructor",
            );
        }
        self.reference_error(&format!("Cannot access '{n}' before initialization"))
    }

    pub(crate) fn resolve_name(&mut self, env: Option<EnvRef>, name: Atom) -> JsResult<NameRef> {
        Ok(self.resolve_name_counting(env, name)?.0)
    }

    /// `ResolveName`: where `name` is bound now, as a number a later `GetResolvedName` or
    /// `SetResolvedName` finds the same environment with: how many environments out from
    /// `env`, [`GLOBAL_ENVIRONMENT`], or [`UNRESOLVABLE`].
    pub(crate) fn locate_name(&mut self, env: Option<EnvRef>, name: Atom) -> JsResult<Value> {
        let (found, hops) = self.resolve_name_counting(env, name)?;
        let at = match found {
            NameRef::Slot(..) | NameRef::Extra(..) | NameRef::Object(_) => hops as f64,
            NameRef::GlobalLexical | NameRef::GlobalObject => GLOBAL_ENVIRONMENT,
            NameRef::Unresolvable => UNRESOLVABLE,
        };
        Ok(Value::number(at))
    }

    /// The binding `name` in the environment `located` names (see [`Vm::locate_name`]): the
    /// reference an assignment resolved before its right-hand side ran.
    pub(crate) fn located_name(
        &mut self,
        env: Option<EnvRef>,
        located: Value,
        name: Atom,
    ) -> JsResult<NameRef> {
        let at = located.as_number().unwrap_or(UNRESOLVABLE);
        if at == UNRESOLVABLE {
            return Ok(NameRef::Unresolvable);
        }
        if at == GLOBAL_ENVIRONMENT || at < 0.0 {
            let realm = self.stack.realm as usize;
            return Ok(if self.realms[realm].global_lexicals.contains_key(&name) {
                NameRef::GlobalLexical
            } else {
                NameRef::GlobalObject
            });
        }
        let mut e = env;
        for _ in 0..at as u32 {
            e = e.and_then(|e| self.agent.heap.envs.get(e.0).parent);
        }
        let Some(env_ref) = e else {
            return self.resolve_name(None, name);
        };
        match &self.agent.heap.envs.get(env_ref.0).kind {
            EnvKind::Declarative { names, extra } => {
                if let Some(i) = names.names.iter().position(|n| *n == name) {
                    return Ok(NameRef::Slot(env_ref, i));
                }
                if let Some(i) = extra.iter().position(|(n, _)| *n == name) {
                    return Ok(NameRef::Extra(env_ref, i));
                }
                // An `eval` var deleted since: look again from there.
                self.resolve_name(Some(env_ref), name)
            }
            EnvKind::Object(o) => Ok(NameRef::Object(*o)),
        }
    }

    fn resolve_name_counting(
        &mut self,
        env: Option<EnvRef>,
        name: Atom,
    ) -> JsResult<(NameRef, u32)> {
        let mut e = env;
        let mut hops = 0;
        while let Some(env_ref) = e {
            let env = self.agent.heap.envs.get(env_ref.0);
            let parent = env.parent;
            match &env.kind {
                EnvKind::Declarative { names, extra } => {
                    if let Some(i) = names.names.iter().position(|n| *n == name) {
                        return Ok((NameRef::Slot(env_ref, i), hops));
                    }
                    if let Some(i) = extra.iter().position(|(n, _)| *n == name) {
                        return Ok((NameRef::Extra(env_ref, i), hops));
                    }
                }
                EnvKind::Object(o) => {
                    let o = *o;
                    let key = self.atom_to_key(name);
                    if self.has_property(o, key)? {
                        let unscopables = PropertyKey::Symbol(self.agent.symbols.unscopables);
                        let u = self.get(o, unscopables, o.value())?;
                        let blocked = match u.as_object() {
                            Some(uo) => {
                                let b = self.get(uo, key, u)?;
                                self.to_boolean(b)
                            }
                            None => false,
                        };
                        if !blocked {
                            return Ok((NameRef::Object(o), hops));
                        }
                    }
                }
            }
            e = parent;
            hops += 1;
        }
        let realm = self.stack.realm as usize;
        if self.realms[realm].global_lexicals.contains_key(&name) {
            return Ok((NameRef::GlobalLexical, hops));
        }
        let g = self.realms[realm].global_object;
        let key = self.atom_to_key(name);
        if self.has_property(g, key)? {
            return Ok((NameRef::GlobalObject, hops));
        }
        Ok((NameRef::Unresolvable, hops))
    }

    pub(crate) fn read_name(
        &mut self,
        found: NameRef,
        name: Atom,
        strict: bool,
    ) -> JsResult<(Value, Value)> {
        match found {
            NameRef::Slot(e, i) => {
                let v = self.agent.heap.envs.get(e.0).slots[i];
                if v.is_hole() {
                    return Err(self.tdz_error(name));
                }
                Ok((v, Value::UNDEFINED))
            }
            NameRef::Extra(e, i) => match &self.agent.heap.envs.get(e.0).kind {
                EnvKind::Declarative { extra, .. } => Ok((extra[i].1, Value::UNDEFINED)),
                _ => Ok((Value::UNDEFINED, Value::UNDEFINED)),
            },
            NameRef::Object(o) => {
                // 9.1.1.2.6 GetBindingValue: the binding may have been deleted since HasBinding
                // (strict code inside a sloppy `with` throws then).
                let key = self.atom_to_key(name);
                if !self.has_property(o, key)? {
                    if strict {
                        let n = self.agent.atoms.to_rust(name);
                        return Err(self.reference_error(&format!("{n} is not defined")));
                    }
                    return Ok((Value::UNDEFINED, o.value()));
                }
                let v = self.get(o, key, o.value())?;
                Ok((v, o.value()))
            }
            NameRef::GlobalLexical | NameRef::GlobalObject => {
                Ok((self.get_global(name)?, Value::UNDEFINED))
            }
            NameRef::Unresolvable => {
                let n = self.agent.atoms.to_rust(name);
                Err(self.reference_error(&format!("{n} is not defined")))
            }
        }
    }

    pub(crate) fn get_name(
        &mut self,
        env: Option<EnvRef>,
        name: Atom,
        strict: bool,
    ) -> JsResult<(Value, Value)> {
        let found = self.resolve_name(env, name)?;
        if matches!(found, NameRef::Unresolvable) {
            match self.agent.atoms.to_rust(name).as_str() {
                "this" => {
                    let g = self.intrinsics().global_this;
                    return Ok((g.value(), Value::UNDEFINED));
                }
                "new.target" => return Ok((Value::UNDEFINED, Value::UNDEFINED)),
                _ => {}
            }
        }
        self.read_name(found, name, strict)
    }

    pub(crate) fn set_name(
        &mut self,
        env: Option<EnvRef>,
        name: Atom,
        v: Value,
        strict: bool,
        init: bool,
    ) -> JsResult<()> {
        let found = self.resolve_name(env, name)?;
        self.write_name(found, name, v, strict, init)
    }

    /// PutValue on a binding found on the environment chain (SetMutableBinding, or
    /// InitializeBinding when `init`).
    pub(crate) fn write_name(
        &mut self,
        found: NameRef,
        name: Atom,
        v: Value,
        strict: bool,
        init: bool,
    ) -> JsResult<()> {
        match found {
            NameRef::Unresolvable if strict && !init => {
                let n = self.agent.atoms.to_rust(name);
                Err(self.reference_error(&format!("{n} is not defined")))
            }
            NameRef::Slot(e, i) => {
                let (old, kind) = {
                    let env = self.agent.heap.envs.get(e.0);
                    let kind = match &env.kind {
                        EnvKind::Declarative { names, .. } => names.kinds[i],
                        _ => 0,
                    };
                    (env.slots[i], kind)
                };
                if !init {
                    if old.is_hole() {
                        return Err(self.tdz_error(name));
                    }
                    if kind & kiln_compiler::code::binding::SELF_NAME != 0 {
                        if strict {
                            let n = self.agent.atoms.to_rust(name);
                            return Err(
                                self.type_error(&format!("Assignment to constant variable '{n}'."))
                            );
                        }
                        return Ok(());
                    }
                    if kind & kiln_compiler::code::binding::CONST != 0 {
                        let n = self.agent.atoms.to_rust(name);
                        return Err(
                            self.type_error(&format!("Assignment to constant variable '{n}'."))
                        );
                    }
                }
                self.agent.heap.envs.get_mut(e.0).slots[i] = v;
                Ok(())
            }
            NameRef::Extra(e, i) => {
                if let EnvKind::Declarative { extra, .. } =
                    &mut self.agent.heap.envs.get_mut(e.0).kind
                {
                    extra[i].1 = v;
                }
                Ok(())
            }
            NameRef::Object(o) => {
                let key = self.atom_to_key(name);
                let still_there = self.has_property(o, key)?;
                if !still_there && strict {
                    let n = self.agent.atoms.to_rust(name);
                    return Err(self.reference_error(&format!("{n} is not defined")));
                }
                let ok = self.set(o, key, v, o.value())?;
                if !ok && strict {
                    let n = self.agent.atoms.to_rust(name);
                    return Err(
                        self.type_error(&format!("Cannot assign to read only property '{n}'"))
                    );
                }
                Ok(())
            }
            NameRef::GlobalLexical | NameRef::GlobalObject | NameRef::Unresolvable => {
                if init {
                    let realm = self.stack.realm as usize;
                    if let Some(entry) = self.realms[realm].global_lexicals.get_mut(&name) {
                        entry.0 = v;
                        return Ok(());
                    }
                }
                self.set_global(name, v, strict)
            }
        }
    }

    pub(crate) fn delete_name(&mut self, env: Option<EnvRef>, name: Atom) -> JsResult<bool> {
        match self.resolve_name(env, name)? {
            NameRef::Slot(..) | NameRef::GlobalLexical => Ok(false),
            NameRef::Extra(e, i) => {
                if let EnvKind::Declarative { extra, .. } =
                    &mut self.agent.heap.envs.get_mut(e.0).kind
                {
                    extra.remove(i);
                }
                Ok(true)
            }
            NameRef::Object(o) => {
                let key = self.atom_to_key(name);
                self.delete(o, key)
            }
            NameRef::GlobalObject => {
                let g = self.intrinsics().global_object;
                let key = self.atom_to_key(name);
                self.delete(g, key)
            }
            NameRef::Unresolvable => Ok(true),
        }
    }

    /// `var` (or function) declared by sloppy direct eval code: into the nearest function's
    /// environment, or the global object.
    /// B.3.2.3 for a block function `name` of `eval` code: no `var` when a binding of that name
    /// lies between the eval and its variable environment, or when the global cannot take
    /// one; otherwise the `var` (undefined) as for `var name`. Returns whether it was made.
    pub(crate) fn declare_eval_annex_b_var(
        &mut self,
        env: Option<EnvRef>,
        name: Atom,
    ) -> JsResult<bool> {
        let mut e = env;
        while let Some(env_ref) = e {
            let env = self.agent.heap.envs.get(env_ref.0);
            if let EnvKind::Declarative { names, .. } = &env.kind {
                if names.names.contains(&name) {
                    if names.is_function {
                        // Already a binding of the function: the var exists.
                        return Ok(true);
                    }
                    return Ok(false);
                }
                if names.is_function {
                    break;
                }
            }
            e = env.parent;
        }
        if e.is_none() {
            let realm = self.stack.realm as usize;
            if self.realms[realm].global_lexicals.contains_key(&name) {
                return Ok(false);
            }
            // CanDeclareGlobalVar
            let g = self.realms[realm].global_object;
            let key = self.atom_to_key(name);
            if self.get_own_property(g, key)?.is_none() && !self.is_extensible(g)? {
                return Ok(false);
            }
        }
        self.declare_eval_var(env, name, None)?;
        Ok(true)
    }

    pub(crate) fn declare_eval_var(
        &mut self,
        env: Option<EnvRef>,
        name: Atom,
        value: Option<Value>,
    ) -> JsResult<()> {
        let mut e = env;
        while let Some(env_ref) = e {
            let env = self.agent.heap.envs.get(env_ref.0);
            let parent = env.parent;
            if let EnvKind::Declarative { names, extra } = &env.kind {
                if let Some(i) = names.names.iter().position(|n| *n == name) {
                    let kind = names.kinds[i];
                    if kind & kiln_compiler::code::binding::LEXICAL != 0 {
                        let n = self.agent.atoms.to_rust(name);
                        return Err(self
                            .syntax_error(&format!("Identifier '{n}' has already been declared")));
                    }
                    if names.is_function {
                        if let Some(v) = value {
                            self.agent.heap.envs.get_mut(env_ref.0).slots[i] = v;
                        }
                        return Ok(());
                    }
                }
                if names.is_function {
                    let existing = extra.iter().position(|(n, _)| *n == name);
                    if let EnvKind::Declarative { extra, .. } =
                        &mut self.agent.heap.envs.get_mut(env_ref.0).kind
                    {
                        match existing {
                            Some(i) => {
                                if let Some(v) = value {
                                    extra[i].1 = v;
                                }
                            }
                            None => extra.push((name, value.unwrap_or(Value::UNDEFINED))),
                        }
                    }
                    return Ok(());
                }
            }
            e = parent;
        }
        let g = self.global_without_lexical(name)?;
        let key = self.atom_to_key(name);
        match value {
            Some(v) => {
                let existing = self.get_own_property(g, key)?;
                let desc = match existing {
                    Some(p) if p.attrs & attrs::CONFIGURABLE == 0 => Descriptor {
                        value: Some(v),
                        ..Default::default()
                    },
                    _ => Descriptor::data(v, true, true, true),
                };
                self.define_property_or_throw(g, key, desc)?;
            }
            None => {
                if self.get_own_property(g, key)?.is_none() {
                    self.define_property_or_throw(
                        g,
                        key,
                        Descriptor::data(Value::UNDEFINED, true, true, true),
                    )?;
                }
            }
        }
        Ok(())
    }
}
