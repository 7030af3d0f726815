//! ES modules (ECMA-262 16.2.1): Source Text Module Records loaded through the host, linked
//! (each module's environment is created, then every import is bound to the exporting
//! module's binding — live, through an `ImportBinding` cell), evaluated depth-first with cycles,
//! module namespace objects, `import.meta` and dynamic `import()`.
//!
//! Not yet as the spec has it: evaluation is synchronous — a module whose body awaits is driven
//! to completion by running the job queue before its importers run, instead of the
//! async-module machinery of 16.2.1.5.3 — and import attributes are ignored.

use crate::heap::{EnvRef, ObjRef, Traced};
use crate::object::{Env, EnvKind, NamespaceTarget, Object, ObjectKind, PropertyKey, attrs};
use crate::value::Value;
use crate::vm::{JsError, JsResult, LoadedScript, Vm};
use rustc_hash::FxHashMap;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    New,
    Linked,
    Evaluating,
    Evaluated,
}

pub struct ModuleRecord {
    pub name: String,
    pub script: Rc<LoadedScript>,
    pub env: Option<EnvRef>,
    /// Module indices of the requests, in order.
    pub requested: Vec<usize>,
    pub status: Status,
    pub error: Option<Value>,
    pub namespace: Option<ObjRef>,
    /// A module whose exports the host or a JavaScript function provides (no body runs).
    pub synthetic: Option<Synthetic>,
    requests: Vec<String>,
    imports: Vec<(usize, Option<String>, u32)>,
    local_exports: Vec<(String, u32)>,
    indirect_exports: Vec<(String, usize, Option<String>)>,
    star_exports: Vec<usize>,
}

/// Builds a host module's exports (`node:vm`, say): names and values.
pub type HostModule = fn(&mut Vm) -> JsResult<Vec<(String, Value)>>;

/// How a synthetic module gets its export values when it evaluates.
pub enum Synthetic {
    /// Values a host module builder made when it was loaded.
    Values(Vec<(String, Value)>),
    /// `vm.SyntheticModule`'s evaluation steps: called with `this` as the given object.
    Steps { function: Value, this: Value },
}

#[derive(Default)]
pub struct ModuleMap {
    pub records: Vec<ModuleRecord>,
    pub by_name: FxHashMap<String, usize>,
}

impl ModuleMap {
    pub fn trace(&self, out: &mut Vec<Traced>) {
        for r in &self.records {
            out.push(Traced::Realm(r.script.realm));
            if let Some(e) = r.env {
                out.push(Traced::Env(e));
            }
            if let Some(n) = r.namespace {
                out.push(Traced::Value(n.value()));
            }
            if let Some(e) = r.error {
                out.push(Traced::Value(e));
            }
            match &r.synthetic {
                Some(Synthetic::Values(values)) => {
                    out.extend(values.iter().map(|(_, v)| Traced::Value(*v)));
                }
                Some(Synthetic::Steps { function, this }) => {
                    out.push(Traced::Value(*function));
                    out.push(Traced::Value(*this));
                }
                None => {}
            }
        }
    }
}

/// Where an export resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Resolution {
    Binding(usize, u32),
    Namespace(usize),
}

/// Why ResolveExport found no single binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ResolveError {
    /// Two `export *` provide the name (16.2.1.6.3's "ambiguous").
    Ambiguous,
    /// The chain of re-exports is deeper than the native stack allows.
    TooDeep,
}

/// The text of string `index` of a script.
fn text(script: &LoadedScript, index: u32) -> String {
    script
        .code()
        .strings
        .get(index as usize)
        .map(|s| s.to_string_lossy())
        .unwrap_or_default()
}

impl Vm {
    /// Compiles a module and registers it under `name`; returns its index.
    fn add_module(&mut self, source: &str, name: &str) -> JsResult<usize> {
        if let Some(&i) = self.modules.by_name.get(name) {
            return Ok(i);
        }
        let script = crate::eval::compile(self, source, name, kiln_compiler::CodeKind::Module)?;
        Ok(self.add_loaded_module(script, name))
    }

    /// Registers compiled (or cached) module code under `name`.
    fn add_loaded_module(&mut self, script: Rc<LoadedScript>, name: &str) -> usize {
        if let Some(&i) = self.modules.by_name.get(name) {
            return i;
        }
        let info = script.code().module.as_ref().map(|m| {
            let requests: Vec<String> = m
                .requests
                .iter()
                .map(|r| text(&script, r.to_native()))
                .collect();
            let imports = m
                .imports
                .iter()
                .map(|i| {
                    (
                        i.request.to_native() as usize,
                        i.name.as_ref().map(|n| text(&script, n.to_native())),
                        i.slot.to_native(),
                    )
                })
                .collect();
            let local_exports = m
                .local_exports
                .iter()
                .map(|e| (text(&script, e.0.to_native()), e.1.to_native()))
                .collect();
            let indirect_exports = m
                .indirect_exports
                .iter()
                .map(|e| {
                    (
                        text(&script, e.export_name.to_native()),
                        e.request.to_native() as usize,
                        e.import_name.as_ref().map(|n| text(&script, n.to_native())),
                    )
                })
                .collect();
            let star_exports = m
                .star_exports
                .iter()
                .map(|r| r.to_native() as usize)
                .collect();
            (
                requests,
                imports,
                local_exports,
                indirect_exports,
                star_exports,
            )
        });
        let (requests, imports, local_exports, indirect_exports, star_exports) =
            info.unwrap_or_default();
        let index = self.modules.records.len();
        self.modules.records.push(ModuleRecord {
            name: name.to_string(),
            script,
            env: None,
            requested: Vec::new(),
            status: Status::New,
            error: None,
            namespace: None,
            synthetic: None,
            requests,
            imports,
            local_exports,
            indirect_exports,
            star_exports,
        });
        self.modules.by_name.insert(name.to_string(), index);
        index
    }

    /// Loads `specifier` imported from the module or script `referrer` through the host.
    fn load_requested(&mut self, specifier: &str, referrer: &str) -> JsResult<usize> {
        // Host modules answer to their name with or without the `node:` scheme.
        let host_name = format!("node:{specifier}");
        for name in [specifier, host_name.as_str()] {
            if let Some(&build) = self.host_modules.get(name) {
                return self.load_host_module(name, build);
            }
        }
        match self.host.load_module(specifier, referrer) {
            Ok((resolved, source)) => match self.modules.by_name.get(&resolved) {
                Some(&i) => Ok(i),
                None => self.add_module(&source, &resolved),
            },
            Err(message) => {
                Err(self.type_error(&format!("Cannot load module '{specifier}': {message}")))
            }
        }
    }

    /// The host module `name` (built once per runtime).
    pub fn load_host_module(&mut self, name: &str, build: HostModule) -> JsResult<usize> {
        if let Some(&i) = self.modules.by_name.get(name) {
            return Ok(i);
        }
        let values = build(self)?;
        let names: Vec<String> = values.iter().map(|(n, _)| n.clone()).collect();
        self.add_synthetic_module(name, &names, Synthetic::Values(values))
    }

    /// Registers a synthetic module exporting `names` (16.2.1.8 CreateSyntheticModule): its
    /// code only declares and exports one binding per name.
    pub fn add_synthetic_module(
        &mut self,
        name: &str,
        names: &[String],
        synthetic: Synthetic,
    ) -> JsResult<usize> {
        let mut source = String::new();
        if !names.is_empty() {
            let locals: Vec<String> = (0..names.len()).map(|i| format!("e{i}")).collect();
            let specifiers: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(i, n)| format!("e{i} as {}", json_string(n)))
                .collect();
            source = format!(
                "let {};\nexport {{ {} }};\n",
                locals.join(", "),
                specifiers.join(", ")
            );
        }
        let script = crate::eval::compile(self, &source, name, kiln_compiler::CodeKind::Module)?;
        let m = self.add_loaded_module(script, name);
        self.modules.records[m].synthetic = Some(synthetic);
        Ok(m)
    }

    /// SetSyntheticModuleExport: writes the binding of export `name`; false if there is none
    /// (or the module is not linked yet).
    pub fn set_module_export(&mut self, m: usize, name: &str, value: Value) -> bool {
        let Some(record) = self.modules.records.get(m) else {
            return false;
        };
        let (Some(env), Some(&(_, slot))) = (
            record.env,
            record.local_exports.iter().find(|(n, _)| n == name),
        ) else {
            return false;
        };
        match self.heap.envs.get_mut(env.0).slots.get_mut(slot as usize) {
            Some(cell) => {
                *cell = value;
                true
            }
            None => false,
        }
    }

    /// Evaluates a synthetic module: every export starts undefined, then the host's values or
    /// the evaluation steps fill them.
    fn evaluate_synthetic(&mut self, m: usize) -> JsResult<()> {
        let names: Vec<String> = self.modules.records[m]
            .local_exports
            .iter()
            .map(|(n, _)| n.clone())
            .collect();
        for n in &names {
            self.set_module_export(m, n, Value::UNDEFINED);
        }
        match &self.modules.records[m].synthetic {
            Some(Synthetic::Values(values)) => {
                for (n, v) in values.clone() {
                    self.set_module_export(m, &n, v);
                }
                Ok(())
            }
            Some(Synthetic::Steps { function, this }) => {
                let (f, this) = (*function, *this);
                self.call(f, this, &[]).map(|_| ())
            }
            None => Ok(()),
        }
    }

    /// Registers module code for `node:vm`'s `SourceTextModule`: its requests are bound by
    /// [`Vm::set_module_requested`], never through the host.
    pub fn add_vm_module(&mut self, script: Rc<LoadedScript>, name: &str) -> usize {
        self.add_loaded_module(script, name)
    }

    /// The specifiers module `m` requests, in order.
    pub fn module_requests(&self, m: usize) -> Vec<String> {
        self.modules
            .records
            .get(m)
            .map(|r| r.requests.clone())
            .unwrap_or_default()
    }

    /// Binds module `m`'s requests to modules (what a `node:vm` linker chose).
    pub fn set_module_requested(&mut self, m: usize, requested: Vec<usize>) {
        if let Some(r) = self.modules.records.get_mut(m) {
            r.requested = requested;
        }
    }

    /// Sets the `this` of a synthetic module's evaluation steps.
    pub fn set_synthetic_this(&mut self, m: usize, value: Value) {
        if let Some(Synthetic::Steps { this, .. }) = self
            .modules
            .records
            .get_mut(m)
            .and_then(|r| r.synthetic.as_mut())
        {
            *this = value;
        }
    }

    /// Loads what module `m` requests and creates its environment (module environments are
    /// made at link time).
    pub fn link_module(&mut self, m: usize) -> JsResult<()> {
        self.load_graph(m)?;
        self.link(m)
    }

    /// Whether module `m`'s code awaits at its top level.
    pub fn module_has_top_level_await(&self, m: usize) -> bool {
        self.modules.records.get(m).is_some_and(|r| {
            r.script
                .code()
                .module
                .as_ref()
                .is_some_and(|info| info.has_top_level_await)
        })
    }

    /// `import(specifier)` through the host's loader, relative to `referrer`: the namespace.
    pub fn import_from(&mut self, specifier: &str, referrer: &str) -> JsResult<Value> {
        let m = self.load_requested(specifier, referrer)?;
        Ok(self.evaluate_module_namespace(m)?.value())
    }

    /// The module registered under `name`.
    pub fn module_index(&self, name: &str) -> Option<usize> {
        self.modules.by_name.get(name).copied()
    }

    /// Links and evaluates module `m` and its dependencies; returns its namespace.
    pub fn evaluate_module_namespace(&mut self, m: usize) -> JsResult<ObjRef> {
        self.load_graph(m)?;
        self.link(m)?;
        self.evaluate_module(m)?;
        self.module_namespace(m)
    }

    /// Loads every module `root` depends on, transitively.
    fn load_graph(&mut self, root: usize) -> JsResult<()> {
        let mut work = vec![root];
        while let Some(m) = work.pop() {
            if !self.modules.records[m].requested.is_empty()
                || self.modules.records[m].requests.is_empty()
            {
                continue;
            }
            let requests = self.modules.records[m].requests.clone();
            let referrer = self.modules.records[m].name.clone();
            let mut requested = Vec::new();
            for r in requests {
                let i = self.load_requested(&r, &referrer)?;
                requested.push(i);
                work.push(i);
            }
            self.modules.records[m].requested = requested;
        }
        Ok(())
    }

    /// 16.2.1.6.3 ResolveExport
    fn resolve_export(
        &self,
        m: usize,
        name: &str,
        seen: &mut Vec<(usize, String)>,
    ) -> Result<Option<Resolution>, ResolveError> {
        // Each re-export in a chain is a level of recursion.
        if crate::call::native_stack_low() {
            return Err(ResolveError::TooDeep);
        }
        if seen.iter().any(|(x, n)| *x == m && n == name) {
            return Ok(None);
        }
        seen.push((m, name.to_string()));
        let record = &self.modules.records[m];
        if let Some((_, slot)) = record.local_exports.iter().find(|(n, _)| n == name) {
            return Ok(Some(Resolution::Binding(m, *slot)));
        }
        if let Some((_, req, import)) = record.indirect_exports.iter().find(|(n, _, _)| n == name) {
            let Some(&target) = record.requested.get(*req) else {
                return Ok(None);
            };
            return match import {
                None => Ok(Some(Resolution::Namespace(target))),
                Some(import) => self.resolve_export(target, import, seen),
            };
        }
        if name == "default" {
            return Ok(None);
        }
        let mut star: Option<Resolution> = None;
        for req in &record.star_exports {
            let Some(&target) = record.requested.get(*req) else {
                continue;
            };
            match self.resolve_export(target, name, seen)? {
                None => {}
                Some(r) => match star {
                    None => star = Some(r),
                    Some(s) if s != r => return Err(ResolveError::Ambiguous),
                    Some(_) => {}
                },
            }
        }
        Ok(star)
    }

    /// 16.2.1.6.2 GetExportedNames
    /// `None` when a chain of `export *` is deeper than the native stack allows.
    fn exported_names(&self, m: usize, seen: &mut Vec<usize>) -> Option<Vec<String>> {
        if seen.contains(&m) {
            return Some(Vec::new());
        }
        if crate::call::native_stack_low() {
            return None;
        }
        seen.push(m);
        let record = &self.modules.records[m];
        let mut names: Vec<String> = record
            .local_exports
            .iter()
            .map(|(n, _)| n.clone())
            .collect();
        names.extend(record.indirect_exports.iter().map(|(n, _, _)| n.clone()));
        for req in &record.star_exports {
            let Some(&target) = record.requested.get(*req) else {
                continue;
            };
            for n in self.exported_names(target, seen)? {
                if n != "default" && !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        Some(names)
    }

    /// Creates the environments of every unlinked module reachable from `root`, then binds
    /// their imports (16.2.1.5.1 Link, InitializeEnvironment).
    fn link(&mut self, root: usize) -> JsResult<()> {
        let mut order = Vec::new();
        let mut stack = vec![root];
        while let Some(m) = stack.pop() {
            if order.contains(&m) || self.modules.records[m].status != Status::New {
                continue;
            }
            order.push(m);
            stack.extend(self.modules.records[m].requested.iter().copied());
        }
        for &m in &order {
            let script = self.modules.records[m].script.clone();
            let top = script.code().top_level.to_native();
            let scope = script
                .code()
                .module
                .as_ref()
                .map_or(0, |i| i.env_scope.to_native());
            let names = self.scope_names(&script, top, scope);
            let slots = names
                .kinds
                .iter()
                .map(|k| {
                    if k & kiln_compiler::code::binding::LEXICAL != 0 {
                        Value::HOLE
                    } else {
                        Value::UNDEFINED
                    }
                })
                .collect();
            let env = self.new_env(Env {
                parent: None,
                slots,
                kind: EnvKind::Declarative {
                    names,
                    extra: Vec::new(),
                },
            });
            self.modules.records[m].env = Some(env);
            self.modules.records[m].status = Status::Linked;
        }
        for &m in &order {
            let imports = self.modules.records[m].imports.clone();
            let env = self.modules.records[m].env.expect("an environment");
            for (req, name, slot) in imports {
                let Some(&target) = self.modules.records[m].requested.get(req) else {
                    continue;
                };
                let value = match name {
                    None => self.module_namespace(target)?.value(),
                    Some(name) => match self.resolve_export(target, &name, &mut Vec::new()) {
                        Ok(Some(Resolution::Binding(tm, tslot))) => {
                            let tenv = self.modules.records[tm].env.expect("a linked module");
                            self.alloc(Object::new(
                                None,
                                ObjectKind::ImportBinding {
                                    env: tenv,
                                    slot: tslot,
                                },
                            ))
                            .value()
                        }
                        Ok(Some(Resolution::Namespace(tm))) => self.module_namespace(tm)?.value(),
                        Ok(None) => {
                            let from = self.modules.records[target].name.clone();
                            return Err(self.syntax_error(&format!(
                                "The requested module '{from}' does not provide an export named '{name}'"
                            )));
                        }
                        Err(ResolveError::TooDeep) => {
                            return Err(self.range_error("Maximum call stack size exceeded"));
                        }
                        Err(ResolveError::Ambiguous) => {
                            let from = self.modules.records[target].name.clone();
                            return Err(self.syntax_error(&format!(
                                "The requested module '{from}' contains conflicting star exports for name '{name}'"
                            )));
                        }
                    },
                };
                if let Some(s) = self.heap.envs.get_mut(env.0).slots.get_mut(slot as usize) {
                    *s = value;
                }
            }
            // Indirect exports must resolve too (16.2.1.5.1 step 9.a).
            let indirect = self.modules.records[m].indirect_exports.clone();
            for (export, _, _) in indirect {
                let resolved = self.resolve_export(m, &export, &mut Vec::new());
                if resolved == Err(ResolveError::TooDeep) {
                    return Err(self.range_error("Maximum call stack size exceeded"));
                }
                if !matches!(resolved, Ok(Some(_))) {
                    let name = self.modules.records[m].name.clone();
                    return Err(self.syntax_error(&format!(
                        "The module '{name}' cannot resolve its export '{export}'"
                    )));
                }
            }
        }
        Ok(())
    }

    /// 16.2.1.10 GetModuleNamespace
    pub fn module_namespace(&mut self, m: usize) -> JsResult<ObjRef> {
        if let Some(n) = self.modules.records[m].namespace {
            return Ok(n);
        }
        // `export * as ns` chains make namespaces of namespaces.
        self.check_native_stack()?;
        let Some(mut names) = self.exported_names(m, &mut Vec::new()) else {
            return Err(self.range_error("Maximum call stack size exceeded"));
        };
        let ns = self.alloc(Object::new(None, ObjectKind::Namespace(Box::default())));
        self.modules.records[m].namespace = Some(ns);
        let tag = PropertyKey::Symbol(self.symbols.to_string_tag);
        let module_text = self.string("Module");
        self.define_data(ns, tag, module_text, 0);
        self.obj_mut(ns).extensible = false;
        names.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
        let mut entries = Vec::new();
        for name in names {
            let target = match self.resolve_export(m, &name, &mut Vec::new()) {
                Ok(Some(Resolution::Binding(tm, slot))) => match self.modules.records[tm].env {
                    Some(env) => NamespaceTarget::Binding(env, slot),
                    None => continue,
                },
                Ok(Some(Resolution::Namespace(tm))) => {
                    NamespaceTarget::Namespace(self.module_namespace(tm)?)
                }
                Err(ResolveError::TooDeep) => {
                    return Err(self.range_error("Maximum call stack size exceeded"));
                }
                _ => continue,
            };
            let atom = self.intern(&name);
            entries.push((atom, target));
        }
        if let ObjectKind::Namespace(e) = &mut self.obj_mut(ns).kind {
            **e = entries;
        }
        Ok(ns)
    }

    /// 16.2.1.5.3 Evaluate, depth-first (synchronously; see the module docs).
    fn evaluate_module(&mut self, m: usize) -> JsResult<()> {
        // InnerModuleEvaluation recurses once per import on the path from the root.
        self.check_native_stack()?;
        match self.modules.records[m].status {
            Status::Evaluated => {
                return match self.modules.records[m].error {
                    Some(e) => Err(JsError::Throw(e)),
                    None => Ok(()),
                };
            }
            Status::Evaluating => return Ok(()),
            Status::New => self.link(m)?,
            Status::Linked => {}
        }
        self.modules.records[m].status = Status::Evaluating;
        let requested = self.modules.records[m].requested.clone();
        for r in requested {
            if let Err(e) = self.evaluate_module(r) {
                self.fail_module(m, &e);
                return Err(e);
            }
        }
        let script = self.modules.records[m].script.clone();
        let env = self.modules.records[m].env;
        let result = if self.modules.records[m].synthetic.is_some() {
            self.evaluate_synthetic(m)
        } else {
            self.run_module_body(script, env)
        };
        self.modules.records[m].status = Status::Evaluated;
        if let Err(e) = &result {
            self.fail_module(m, e);
        }
        result
    }

    fn fail_module(&mut self, m: usize, e: &JsError) {
        self.modules.records[m].status = Status::Evaluated;
        if let JsError::Throw(v) = e {
            self.modules.records[m].error = Some(*v);
        }
    }

    /// Runs a module body as an async function body in its environment; if it awaits, runs the
    /// job queue until it settles.
    fn run_module_body(&mut self, script: Rc<LoadedScript>, env: Option<EnvRef>) -> JsResult<()> {
        let promise = crate::builtins::promise::new_promise(self);
        let holder = self.alloc(Object::new(
            None,
            ObjectKind::AsyncFunction(Box::new(crate::object::Generator {
                state: crate::object::GeneratorState::Executing,
                started: true,
                saved: None,
                queue: Default::default(),
                is_async: true,
            })),
        ));
        let pending = |vm: &Vm| {
            matches!(
                crate::builtins::promise::promise_state_for_host(vm, promise.value()),
                Some((crate::object::PromiseState::Pending, _))
            )
        };
        self.with_roots(&[promise.value()], |vm| {
            vm.run_code_with(
                script,
                Value::UNDEFINED,
                Some(holder),
                Some(promise.value()),
                env,
            )?;
            if pending(vm) { vm.run_jobs() } else { Ok(()) }
        })?;
        match crate::builtins::promise::promise_state_for_host(self, promise.value()) {
            Some((crate::object::PromiseState::Rejected, reason)) => Err(JsError::Throw(reason)),
            _ => Ok(()),
        }
    }

    /// Loads, links and evaluates `source` as the module `name` (the CLI's and test262's entry).
    pub fn run_module(&mut self, source: &str, name: &str) -> JsResult<()> {
        let script = crate::eval::compile(self, source, name, kiln_compiler::CodeKind::Module)?;
        self.run_loaded_module(script, name)
    }

    /// [`Vm::run_module`] for module code already loaded (from a cache, say).
    pub fn run_loaded_module(&mut self, script: Rc<LoadedScript>, name: &str) -> JsResult<()> {
        let m = self.add_loaded_module(script, name);
        self.load_graph(m)?;
        self.link(m)?;
        self.evaluate_module(m)
    }
}

/// `import.meta`: one object per module.
pub fn import_meta(vm: &mut Vm, script: &LoadedScript) -> JsResult<Value> {
    if let Some(m) = *script.module.borrow() {
        return Ok(m.value());
    }
    let o = vm.new_object_with_proto(None);
    *script.module.borrow_mut() = Some(o);
    if let (Some(data), Some(hook)) = (script.host_defined.get(), vm.import_meta_hook) {
        hook(vm, data, o)?;
        return Ok(o.value());
    }
    let url = vm.string(&format!("file://{}", script.name));
    let key = vm.key("url");
    vm.define_data(o, key, url, attrs::DEFAULT);
    Ok(o.value())
}

/// `import(specifier, options)`: a promise of the module's namespace (ECMA-262 13.3.10.2
/// EvaluateImportCall from step 8). Code with host-defined data (`node:vm`'s) goes to the host's
/// hook with the specifier as a string and the import attributes as a null-prototype object.
pub fn dynamic_import(
    vm: &mut Vm,
    script: &LoadedScript,
    specifier: Value,
    options: Value,
) -> Value {
    let result = vm.handle_scope(|vm| {
        // 8. Let specifierString be Completion(ToString(specifier)).
        let specifier = vm.to_string(specifier)?.value();
        vm.root(specifier);
        // 9-10. The attributes.
        let attributes = import_attributes(vm, options)?;
        vm.root(attributes.value());
        if let (Some(data), Some(hook)) = (script.host_defined.get(), vm.dynamic_import_hook) {
            return hook(vm, data, specifier, attributes.value());
        }
        let text = vm.to_rust_string(specifier)?;
        let m = vm.load_requested(&text, &script.name)?;
        vm.load_graph(m)?;
        vm.link(m)?;
        vm.evaluate_module(m)?;
        Ok(vm.module_namespace(m)?.value())
    });
    match result {
        Ok(ns) => crate::builtins::promise::resolved(vm, ns),
        Err(JsError::Throw(e)) => crate::builtins::promise::rejected(vm, e),
        Err(JsError::Terminate(_)) => {
            let e = vm.make_error("Error", "import() was terminated");
            crate::builtins::promise::rejected(vm, e)
        }
    }
}

/// EvaluateImportCall step 10: the attributes of `import(specifier, options)`, the enumerable
/// own string-keyed properties of `options.with`, as a null-prototype object. The messages are
/// V8's (Node 24's).
fn import_attributes(vm: &mut Vm, options: Value) -> JsResult<ObjRef> {
    let attributes = vm.new_object_with_proto(None);
    if options.is_undefined() {
        return Ok(attributes);
    }
    // a. If options is not an Object, reject with a TypeError.
    let Some(o) = options.as_object() else {
        return Err(vm.type_error("The second argument to import() must be an object"));
    };
    vm.with_roots(&[attributes.value()], |vm| {
        // b. Let attributesObj be Completion(Get(options, "with")).
        let key = vm.key("with");
        let with = vm.get(o, key, options)?;
        if with.is_undefined() {
            return Ok(attributes);
        }
        // c.i. If attributesObj is not an Object, reject with a TypeError.
        let Some(w) = with.as_object() else {
            return Err(vm.type_error("The 'with' option must be an object"));
        };
        // c.ii. Let entries be Completion(EnumerableOwnProperties(attributesObj, key+value)).
        let entries = crate::abstract_ops::objects::enumerable_own_properties(vm, w, 2)?;
        // c.iv. Each value must be a String.
        for entry in entries {
            let Some(pair) = entry.as_object() else {
                continue;
            };
            let k = vm.get(pair, PropertyKey::Index(0), entry)?;
            let v = vm.get(pair, PropertyKey::Index(1), entry)?;
            if !v.is_string() {
                return Err(vm.type_error("Import attribute value must be a string"));
            }
            let key = vm.to_property_key(k)?;
            vm.define_data(attributes, key, v, attrs::DEFAULT);
        }
        Ok(attributes)
    })
}

/// `s` as a JavaScript string literal.
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
