//! ES modules (ECMA-262 16.2.1): Source Text Module Records loaded through the host, linked
//! (each module's environment is created, then every import is bound to the exporting
//! module's binding — live, through an `ImportBinding` cell), evaluated as the spec's Cyclic
//! Module Records (16.2.1.5.3: strongly connected components found depth-first, top-level await
//! and the modules waiting on it continued by promise jobs, in \[\[AsyncEvaluationOrder\]\]),
//! module namespace objects, `import.meta` and dynamic `import()`.
//!
//! Import attributes choose the module type (`type: "json"` and `"text"` make synthetic modules
//! whose default export is the parsed JSON or the text).
//!
//! `import defer` (the Stage 3 import defer proposal): a deferred request's module is linked with
//! the graph but only its asynchronous dependencies evaluate with the importer; its deferred
//! namespace evaluates it synchronously when used (`Vm::ensure_deferred_namespace_evaluation`).
//!
//! Not yet as the spec has it: loading is synchronous (the host answers at once).

use crate::builtins::promise::{self, promise_state_for_host};
use crate::heap::{EnvRef, ObjRef, Traced};
use crate::loaded_script::LoadedScript;
use crate::object::{
    Env, EnvKind, NamespaceData, NamespaceTarget, Object, ObjectKind, PromiseState, PropertyKey,
    attrs,
};
use crate::value::Value;
use crate::vm::{JsError, JsResult, Vm};
use kiln_compiler::code::import_phase;
use rustc_hash::FxHashMap;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    New,
    Linked,
    Evaluating,
    /// `evaluating-async`: its body or a dependency awaits; jobs will finish it.
    EvaluatingAsync,
    Evaluated,
}

pub struct ModuleRecord {
    pub name: String,
    /// The module's code; `None` once the record is freed (see [`ModuleMap::free_realm`]).
    pub script: Option<Rc<LoadedScript>>,
    /// The realm the module was compiled in: the record lives while the realm does.
    pub realm: u32,
    pub env: Option<EnvRef>,
    /// Module indices of the requests, in order.
    pub requested: Vec<usize>,
    pub status: Status,
    pub error: Option<Value>,
    pub namespace: Option<ObjRef>,
    /// \[\[DeferredNamespace\]\] (the import defer proposal): the namespace `import defer`
    /// and `import.defer()` give, whose use evaluates the module.
    pub deferred_namespace: Option<ObjRef>,
    /// A module whose exports the host or a JavaScript function provides (no body runs).
    pub synthetic: Option<Synthetic>,
    requests: Vec<String>,
    /// Each request's import attributes, `(key, value)` in source order.
    request_attributes: Vec<Vec<(String, String)>>,
    /// Each request's phase: `import_phase::DEFER` for an `import defer`'s (its module is
    /// loaded and linked with the graph, but only its asynchronous dependencies evaluate with
    /// the importer), `EVALUATION` otherwise.
    request_phases: Vec<u8>,
    /// `(request, import name, slot, phase)`: the name is `None` for a namespace (and for a
    /// source-phase import); the phase is one of `kiln_compiler::code::import_phase`.
    imports: Vec<(usize, Option<String>, u32, u8)>,
    local_exports: Vec<(String, u32)>,
    indirect_exports: Vec<(String, usize, Option<String>)>,
    star_exports: Vec<usize>,
    /// `(slot, function index)` of the top-level function declarations.
    functions: Vec<(u32, u32)>,
    /// [[DFSIndex]] and [[DFSAncestorIndex]] of InnerModuleEvaluation.
    dfs_index: usize,
    dfs_ancestor_index: usize,
    /// [[CycleRoot]]: the first-visited module of its strongly connected component.
    cycle_root: Option<usize>,
    /// [[AsyncEvaluationOrder]]: `Some` from when it turned out to be asynchronous until it
    /// finished (the spec's [[AsyncEvaluation]] is this being `Some`).
    async_evaluation_order: Option<u64>,
    /// [[PendingAsyncDependencies]]
    pending_async_dependencies: usize,
    /// [[AsyncParentModules]]: importers waiting for this module.
    async_parent_modules: Vec<usize>,
    /// [[TopLevelCapability]]: the promise `Evaluate()` returned with this module as the root.
    top_level_capability: Option<Value>,
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

/// The agent's module records. A record belongs to the realm its code was compiled in and is
/// traced with it (the collector asks [`ModuleMap::trace_realm`] for each realm it reaches), so
/// the modules of a context nobody reaches are freed with its realm, and their slots reused.
/// Whatever holds a module's index keeps its realm reachable: importers trace the realms of the
/// modules they requested, a `vm.Module` object its context, an embedder's `Module` its
/// `Context`, and a module being evaluated is a root (the jobs that finish it carry its index).
#[derive(Default)]
pub struct ModuleMap {
    pub records: Vec<ModuleRecord>,
    pub by_name: FxHashMap<String, usize>,
    /// Each realm's modules.
    by_realm: FxHashMap<u32, Vec<usize>>,
    /// Slots of freed records, for the next modules.
    free: Vec<usize>,
    /// The agent's [[ModuleAsyncEvaluationCount]] (IncrementModuleAsyncEvaluationCount).
    async_evaluation_count: u64,
}

impl ModuleMap {
    /// The realms of the modules being evaluated: roots, whatever else reaches them.
    pub fn trace_busy(&self, out: &mut Vec<Traced>) {
        for r in &self.records {
            if matches!(r.status, Status::Evaluating | Status::EvaluatingAsync)
                && r.script.is_some()
            {
                out.push(Traced::Realm(r.realm));
            }
        }
    }

    /// What the modules of `realm` reach: their environments, namespaces, errors and promises,
    /// and the realms of the modules they import or wait for.
    pub fn trace_realm(&self, realm: u32, out: &mut Vec<Traced>) {
        let Some(list) = self.by_realm.get(&realm) else {
            return;
        };
        for &m in list {
            let r = &self.records[m];
            if let Some(e) = r.env {
                out.push(Traced::Env(e));
            }
            if let Some(n) = r.namespace {
                out.push(Traced::Value(n.value()));
            }
            if let Some(n) = r.deferred_namespace {
                out.push(Traced::Value(n.value()));
            }
            if let Some(e) = r.error {
                out.push(Traced::Value(e));
            }
            if let Some(p) = r.top_level_capability {
                out.push(Traced::Value(p));
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
            let linked = r.requested.iter().chain(&r.async_parent_modules);
            for &other in linked.chain(&r.cycle_root) {
                let other = self.records[other].realm;
                if other != realm {
                    out.push(Traced::Realm(other));
                }
            }
        }
    }

    /// Frees the records of a realm the collector did not reach: nothing can name them any
    /// more (see the type's comment), so their slots go to the next modules.
    pub fn free_realm(&mut self, realm: u32) {
        let Some(list) = self.by_realm.remove(&realm) else {
            return;
        };
        for m in list {
            let record = &mut self.records[m];
            if self.by_name.get(&record.name) == Some(&m) {
                self.by_name.remove(&record.name);
            }
            *record = ModuleRecord::empty();
            self.free.push(m);
        }
    }

    /// Stores a new record; returns its index.
    fn insert(&mut self, record: ModuleRecord) -> usize {
        let realm = record.realm;
        let index = match self.free.pop() {
            Some(i) => {
                self.records[i] = record;
                i
            }
            None => {
                self.records.push(record);
                self.records.len() - 1
            }
        };
        self.by_realm.entry(realm).or_default().push(index);
        index
    }
}

impl ModuleRecord {
    /// A record with nothing in it: what a freed slot holds, and the rest of a new module's.
    fn empty() -> ModuleRecord {
        ModuleRecord {
            name: String::new(),
            script: None,
            realm: u32::MAX,
            env: None,
            requested: Vec::new(),
            status: Status::New,
            error: None,
            namespace: None,
            deferred_namespace: None,
            synthetic: None,
            requests: Vec::new(),
            request_attributes: Vec::new(),
            request_phases: Vec::new(),
            imports: Vec::new(),
            local_exports: Vec::new(),
            indirect_exports: Vec::new(),
            star_exports: Vec::new(),
            functions: Vec::new(),
            dfs_index: 0,
            dfs_ancestor_index: 0,
            cycle_root: None,
            async_evaluation_order: None,
            pending_async_dependencies: 0,
            async_parent_modules: Vec::new(),
            top_level_capability: None,
        }
    }

    /// The module's code (a record reachable by index is never a freed one).
    fn code(&self) -> &Rc<LoadedScript> {
        self.script
            .as_ref()
            .expect("a module record in use has its code")
    }
}

/// What a module request's `type` import attribute makes of the loaded text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ModuleType {
    /// No `type`: a Source Text Module Record.
    JavaScript,
    /// `type: "json"`: the parsed value as the default export (ParseJSONModule).
    Json,
    /// `type: "text"` (the import-text proposal): the text as the default export.
    Text,
    /// `type: "bytes"` (the import-bytes proposal): a Uint8Array over an immutable ArrayBuffer
    /// of the file's bytes as the default export.
    Bytes,
}

impl ModuleType {
    /// The module map's key for the module of this type made from the file `resolved`: the
    /// name itself for JavaScript; for the others a name no file can have (NUL is in no path),
    /// so a file imported as JSON and as JavaScript makes two modules.
    fn key(self, resolved: &str) -> String {
        match self {
            ModuleType::JavaScript => resolved.to_string(),
            ModuleType::Json => format!("{resolved}\0json"),
            ModuleType::Text => format!("{resolved}\0text"),
            ModuleType::Bytes => format!("{resolved}\0bytes"),
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
            let request_attributes: Vec<Vec<(String, String)>> = m
                .request_attributes
                .iter()
                .map(|list| {
                    list.iter()
                        .map(|a| {
                            (
                                text(&script, a.0.to_native()),
                                text(&script, a.1.to_native()),
                            )
                        })
                        .collect()
                })
                .collect();
            let imports = m
                .imports
                .iter()
                .map(|i| {
                    (
                        i.request.to_native() as usize,
                        i.name.as_ref().map(|n| text(&script, n.to_native())),
                        i.slot.to_native(),
                        i.phase,
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
            let functions = m
                .functions
                .iter()
                .map(|e| (e.0.to_native(), e.1.to_native()))
                .collect();
            let request_phases = m.request_phases.iter().copied().collect();
            (
                (requests, request_attributes, request_phases),
                imports,
                local_exports,
                indirect_exports,
                star_exports,
                functions,
            )
        });
        let (
            (requests, request_attributes, request_phases),
            imports,
            local_exports,
            indirect_exports,
            star_exports,
            functions,
        ) = info.unwrap_or_default();
        let index = self.modules.insert(ModuleRecord {
            name: name.to_string(),
            realm: script.realm,
            script: Some(script),
            requests,
            request_attributes,
            request_phases,
            imports,
            local_exports,
            indirect_exports,
            star_exports,
            functions,
            ..ModuleRecord::empty()
        });
        self.modules.by_name.insert(name.to_string(), index);
        index
    }

    /// HostLoadImportedModule: loads `specifier` imported from the module or script `referrer`
    /// with the request's import attributes, through the host. The host gives the file's text;
    /// the `type` attribute decides what module it makes, and a module is made once per
    /// (resolved name, type).
    fn load_requested(
        &mut self,
        specifier: &str,
        referrer: &str,
        attributes: &[(String, String)],
    ) -> JsResult<usize> {
        let module_type = self.module_type(attributes)?;
        if module_type == ModuleType::Bytes {
            return self.load_bytes_module(specifier, referrer);
        }
        if module_type == ModuleType::JavaScript {
            // Host modules answer to their name with or without the `node:` scheme.
            let host_name = format!("node:{specifier}");
            for name in [specifier, host_name.as_str()] {
                if let Some(&build) = self.host_modules.get(name) {
                    return self.load_host_module(name, build);
                }
            }
        }
        let (resolved, source) = match self.host.load_module(specifier, referrer) {
            Ok(loaded) => loaded,
            Err(message) => {
                return Err(
                    self.type_error(&format!("Cannot load module '{specifier}': {message}"))
                );
            }
        };
        let key = module_type.key(&resolved);
        if let Some(&i) = self.modules.by_name.get(&key) {
            return Ok(i);
        }
        match module_type {
            ModuleType::JavaScript => self.add_module(&source, &resolved),
            ModuleType::Json => {
                // ParseJSONModule: a JSON syntax error fails the load.
                let text = self.string(&source);
                let value = crate::builtins::json::parse_json_module_source(self, text)?;
                self.add_default_export_module(&key, value)
            }
            ModuleType::Text => {
                let value = self.string(&source);
                self.add_default_export_module(&key, value)
            }
            ModuleType::Bytes => unreachable!("bytes modules load through load_bytes_module"),
        }
    }

    /// A `type: "bytes"` import (the import bytes proposal, CreateBytesModule): the default
    /// export is a Uint8Array over an immutable ArrayBuffer holding the file's bytes.
    fn load_bytes_module(&mut self, specifier: &str, referrer: &str) -> JsResult<usize> {
        let (resolved, bytes) = match self.host.load_module_bytes(specifier, referrer) {
            Ok(loaded) => loaded,
            Err(message) => {
                return Err(
                    self.type_error(&format!("Cannot load module '{specifier}': {message}"))
                );
            }
        };
        let key = ModuleType::Bytes.key(&resolved);
        if let Some(&i) = self.modules.by_name.get(&key) {
            return Ok(i);
        }
        let buffer = crate::builtins::array_buffer::new_array_buffer(self, bytes);
        if let ObjectKind::ArrayBuffer(data) = &mut self.obj_mut(buffer).kind {
            data.immutable = true;
        }
        let view = self.with_roots(&[buffer.value()], |vm| {
            crate::builtins::typed_array::create(vm, crate::slots::ElementType::Uint8, buffer)
        });
        self.add_default_export_module(&key, view.value())
    }

    /// The module type a request's attributes ask for: AllImportAttributesSupported (only
    /// `type` is, a SyntaxError otherwise, as ECMA-262 says), then the `type` value, which the
    /// host judges (an unknown one is a TypeError, as in HTML; `"javascript"` is no type a
    /// request may name there either).
    fn module_type(&mut self, attributes: &[(String, String)]) -> JsResult<ModuleType> {
        if let Some((key, _)) = attributes.iter().find(|(k, _)| k != "type") {
            return Err(self.syntax_error(&format!("Import attribute \"{key}\" is not supported")));
        }
        match attributes.iter().find(|(k, _)| k == "type") {
            None => Ok(ModuleType::JavaScript),
            Some((_, t)) if t == "json" => Ok(ModuleType::Json),
            Some((_, t)) if t == "text" => Ok(ModuleType::Text),
            Some((_, t)) if t == "bytes" => Ok(ModuleType::Bytes),
            Some((_, t)) => {
                Err(self.type_error(&format!("Import attribute type \"{t}\" is unsupported")))
            }
        }
    }

    /// CreateDefaultExportSyntheticModule(defaultExport): a synthetic module whose one export,
    /// `default`, is `value` (JSON and text modules).
    fn add_default_export_module(&mut self, key: &str, value: Value) -> JsResult<usize> {
        self.with_roots(&[value], |vm| {
            vm.add_synthetic_module(
                key,
                &["default".to_string()],
                Synthetic::Values(vec![("default".to_string(), value)]),
            )
        })
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
        match self
            .agent
            .heap
            .envs
            .get_mut(env.0)
            .slots
            .get_mut(slot as usize)
        {
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

    /// The import attributes of module `m`'s requests, in order (`(key, value)` pairs).
    pub fn module_request_attributes(&self, m: usize) -> Vec<Vec<(String, String)>> {
        self.modules
            .records
            .get(m)
            .map(|r| r.request_attributes.clone())
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
            r.code()
                .code()
                .module
                .as_ref()
                .is_some_and(|info| info.has_top_level_await)
        })
    }

    /// `import(specifier)` through the host's loader, relative to `referrer`: a promise of the
    /// namespace, settled by jobs (the module is linked and evaluated in one).
    pub fn import_from(&mut self, specifier: &str, referrer: &str) -> JsResult<Value> {
        self.import_with(specifier, referrer, &[])
    }

    /// [`Vm::import_from`] with the import attributes of `import(specifier, { with })`.
    pub fn import_with(
        &mut self,
        specifier: &str,
        referrer: &str,
        attributes: &[(String, String)],
    ) -> JsResult<Value> {
        self.import_in_phase(specifier, referrer, attributes, false)
    }

    /// [`Vm::import_with`], or with `deferred` `import.defer(specifier, options)`: a promise of
    /// the deferred namespace once the graph is linked and its asynchronous dependencies have
    /// evaluated (the module itself evaluates when the namespace is used).
    pub fn import_in_phase(
        &mut self,
        specifier: &str,
        referrer: &str,
        attributes: &[(String, String)],
        deferred: bool,
    ) -> JsResult<Value> {
        let m = self.load_requested(specifier, referrer, attributes)?;
        Ok(self.continue_dynamic_import(m, deferred))
    }

    /// The module registered under `name`.
    pub fn module_index(&self, name: &str) -> Option<usize> {
        self.modules.by_name.get(name).copied()
    }

    /// Links and evaluates module `m` and its dependencies; returns its namespace. A module that
    /// awaits may still be evaluating (jobs finish it); one that failed at once is the error.
    pub fn evaluate_module_namespace(&mut self, m: usize) -> JsResult<ObjRef> {
        self.load_graph(m)?;
        self.link(m)?;
        let promise = self.evaluate_module(m)?;
        if let Some((PromiseState::Rejected, reason)) = promise_state_for_host(self, promise) {
            return Err(JsError::Throw(reason));
        }
        self.module_namespace(m)
    }

    /// The host's whole run of module `m`: loads, links and evaluates it, then runs the job
    /// queue until it is empty; `Err` with the module's error if its evaluation failed.
    pub fn run_module_to_completion(&mut self, m: usize) -> JsResult<()> {
        self.load_graph(m)?;
        self.link(m)?;
        let promise = self.evaluate_module(m)?;
        self.with_roots(&[promise], Vm::run_jobs)?;
        match promise_state_for_host(self, promise) {
            Some((PromiseState::Rejected, reason)) => {
                // The rejection becomes the evaluation's error: not an unhandled rejection.
                promise::mark_handled(self, promise);
                Err(JsError::Throw(reason))
            }
            _ => Ok(()),
        }
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
            let attributes = self.modules.records[m].request_attributes.clone();
            let referrer = self.modules.records[m].name.clone();
            let mut requested = Vec::new();
            for (n, r) in requests.iter().enumerate() {
                let attributes = attributes.get(n).map_or(&[][..], |a| a.as_slice());
                let i = self.load_requested(r, &referrer, attributes)?;
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
        let mut instantiated = Ok(());
        for &m in &order {
            let script = self.modules.records[m].code().clone();
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
            instantiated = self.instantiate_functions(m, &script, env);
            if instantiated.is_err() {
                break;
            }
        }
        // A function whose bytecode the verifier rejects fails the linking like an import that
        // does not resolve.
        let bound = instantiated.and_then(|()| self.bind_imports(&order));
        if bound.is_err() {
            // 16.2.1.5.1 Link step 4.a: the modules of a failed linking are unlinked again (a
            // later import or link tries again and fails the same way).
            for &m in &order {
                let r = &mut self.modules.records[m];
                r.status = Status::New;
                r.env = None;
            }
        }
        bound
    }

    /// Binds the imports of the modules `link` just gave environments, and checks that their
    /// indirect exports resolve.
    fn bind_imports(&mut self, order: &[usize]) -> JsResult<()> {
        for &m in order {
            let imports = self.modules.records[m].imports.clone();
            let env = self.modules.records[m].env.expect("an environment");
            for (req, name, slot, phase) in imports {
                let Some(&target) = self.modules.records[m].requested.get(req) else {
                    continue;
                };
                let value = match name {
                    // InitializeEnvironment step 7.c (source phase imports): the binding is
                    // importedModule.GetModuleSource(), which throws for every module kiln has.
                    None if phase == import_phase::SOURCE => {
                        return Err(self.get_module_source(target));
                    }
                    // `import defer * as ns`: the deferred namespace (GetModuleNamespace with
                    // phase ~defer~).
                    None if phase == import_phase::DEFER => {
                        self.module_namespace_in_phase(target, true)?.value()
                    }
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
                            // The specifier as written, as V8 names it.
                            let from = self.modules.records[m]
                                .requests
                                .get(req)
                                .cloned()
                                .unwrap_or_default();
                            return Err(self.syntax_error(&format!(
                                "The requested module '{from}' does not provide an export named '{name}'"
                            )));
                        }
                        Err(ResolveError::TooDeep) => {
                            return Err(self.range_error("Maximum call stack size exceeded"));
                        }
                        Err(ResolveError::Ambiguous) => {
                            let from = self.modules.records[m]
                                .requests
                                .get(req)
                                .cloned()
                                .unwrap_or_default();
                            return Err(self.syntax_error(&format!(
                                "The requested module '{from}' contains conflicting star exports for name '{name}'"
                            )));
                        }
                    },
                };
                if let Some(s) = self
                    .agent
                    .heap
                    .envs
                    .get_mut(env.0)
                    .slots
                    .get_mut(slot as usize)
                {
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

    /// InitializeEnvironment step 24: the module's function declarations, created in its
    /// environment and realm before any module of the graph runs.
    fn instantiate_functions(
        &mut self,
        m: usize,
        script: &Rc<LoadedScript>,
        env: EnvRef,
    ) -> JsResult<()> {
        let saved = self.stack.realm;
        self.stack.realm = script.realm;
        for (slot, index) in self.modules.records[m].functions.clone() {
            let made =
                self.make_closure(script, index, Some(env), Value::UNDEFINED, Value::UNDEFINED);
            let f = match made {
                Ok(f) => f,
                Err(e) => {
                    self.stack.realm = saved;
                    return Err(e);
                }
            };
            if let Some(s) = self
                .agent
                .heap
                .envs
                .get_mut(env.0)
                .slots
                .get_mut(slot as usize)
            {
                *s = f.value();
            }
        }
        self.stack.realm = saved;
        Ok(())
    }

    /// GetModuleSource() (source phase imports, 16.2.1.7.2 for Source Text Module Records): the
    /// error it throws. Only a module with a \[\[ModuleSource\]\] (a WebAssembly module's)
    /// has a source object, and no module kiln loads is one: JavaScript, JSON, text and host
    /// modules all throw a SyntaxError.
    fn get_module_source(&mut self, m: usize) -> JsError {
        let name = self.modules.records[m].name.replace('\0', " as ");
        self.syntax_error(&format!(
            "Source phase import is not available for the module '{name}'"
        ))
    }

    /// 16.2.1.10 GetModuleNamespace
    pub fn module_namespace(&mut self, m: usize) -> JsResult<ObjRef> {
        self.module_namespace_in_phase(m, false)
    }

    /// GetModuleNamespace(module, phase) of the import defer proposal: the module's namespace,
    /// or with `deferred` its deferred namespace (another object, made once per module, whose
    /// \[\[Deferred\]\] is true and whose `Symbol.toStringTag` is "Deferred Module").
    pub fn module_namespace_in_phase(&mut self, m: usize, deferred: bool) -> JsResult<ObjRef> {
        let record = &self.modules.records[m];
        let existing = if deferred {
            record.deferred_namespace
        } else {
            record.namespace
        };
        if let Some(n) = existing {
            return Ok(n);
        }
        // `export * as ns` chains make namespaces of namespaces.
        self.check_native_stack()?;
        let Some(mut names) = self.exported_names(m, &mut Vec::new()) else {
            return Err(self.range_error("Maximum call stack size exceeded"));
        };
        let data = NamespaceData {
            exports: Vec::new(),
            deferred: deferred.then_some(m as u32),
            module_realm: self.modules.records[m].realm,
        };
        let ns = self.alloc(Object::new(None, ObjectKind::Namespace(Box::new(data))));
        if deferred {
            self.modules.records[m].deferred_namespace = Some(ns);
        } else {
            self.modules.records[m].namespace = Some(ns);
        }
        let tag = PropertyKey::Symbol(self.agent.symbols.to_string_tag);
        let module_text = self.string(if deferred {
            "Deferred Module"
        } else {
            "Module"
        });
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
        if let ObjectKind::Namespace(data) = &mut self.obj_mut(ns).kind {
            data.exports = entries;
        }
        Ok(ns)
    }

    /// 16.2.1.5.3.1 Evaluate(): evaluates linked module `m` and what it imports; returns the
    /// promise of that, settled at once unless something awaits (then by jobs). `Err` only for
    /// a termination, or a throw while linking a module that was not linked yet.
    pub fn evaluate_module(&mut self, m: usize) -> JsResult<Value> {
        if self.modules.records[m].status == Status::New {
            self.link(m)?;
        }
        // 2. A module evaluated (or evaluating) before answers for its whole cycle.
        let record = &self.modules.records[m];
        let module = match record.status {
            Status::EvaluatingAsync | Status::Evaluated => record.cycle_root.unwrap_or(m),
            _ => m,
        };
        // 3.
        if let Some(promise) = self.modules.records[module].top_level_capability {
            return Ok(promise);
        }
        // 5-6.
        let promise = promise::new_promise(self).value();
        self.modules.records[module].top_level_capability = Some(promise);
        // 7.
        let mut stack = Vec::new();
        match self.inner_module_evaluation(module, &mut stack, 0) {
            Ok(_) => {
                // 9.c. Nothing awaited: settled now.
                if self.modules.records[module]
                    .async_evaluation_order
                    .is_none()
                {
                    promise::resolve_promise(self, promise, Value::UNDEFINED)?;
                }
                Ok(promise)
            }
            Err(e) => {
                // 8. Every module on the stack failed with this error.
                let error = self.evaluation_error(&e);
                for m in stack {
                    let r = &mut self.modules.records[m];
                    r.status = Status::Evaluated;
                    r.error = Some(error);
                }
                let r = &mut self.modules.records[module];
                r.status = Status::Evaluated;
                r.error.get_or_insert(error);
                promise::reject_promise(self, promise, error);
                match e {
                    JsError::Throw(_) => Ok(promise),
                    terminated => Err(terminated),
                }
            }
        }
    }

    /// The value a module's [[EvaluationError]] keeps: what was thrown, or for a termination an
    /// Error saying so (importers evaluated later see that).
    fn evaluation_error(&mut self, e: &JsError) -> Value {
        match e {
            JsError::Throw(v) => *v,
            JsError::Terminate(message) => self.make_error("Error", message),
        }
    }

    /// InnerModuleEvaluation's evaluationList (the import defer proposal): the modules module
    /// `m`'s requests make it evaluate before its body, in order, each once.
    fn evaluation_list(&self, m: usize) -> Vec<usize> {
        let record = &self.modules.records[m];
        let mut list: Vec<usize> = Vec::with_capacity(record.requested.len());
        let mut listed = rustc_hash::FxHashSet::default();
        for (i, &required) in record.requested.iter().enumerate() {
            if record.request_phases.get(i) == Some(&import_phase::DEFER) {
                for dependency in self.gather_asynchronous_transitive_dependencies(required) {
                    if listed.insert(dependency) {
                        list.push(dependency);
                    }
                }
            } else if listed.insert(required) {
                list.push(required);
            }
        }
        list
    }

    /// GatherAsynchronousTransitiveDependencies(module) of the import defer proposal: the
    /// modules with top-level await that `module`'s graph still waits on, in depth-first order,
    /// not looking past them; none through a module evaluating or one whose strongly connected
    /// component has evaluated. A work list stands for the recursion (the order is the same).
    pub(crate) fn gather_asynchronous_transitive_dependencies(&self, module: usize) -> Vec<usize> {
        let mut result = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        let mut work = vec![module];
        while let Some(m) = work.pop() {
            if !seen.insert(m) {
                continue;
            }
            let r = &self.modules.records[m];
            // Not a Cyclic Module Record: nothing to wait on.
            if r.synthetic.is_some() {
                continue;
            }
            if r.status == Status::Evaluating || self.is_module_scc_evaluated(m) {
                continue;
            }
            if self.module_has_top_level_await(m) {
                result.push(m);
                continue;
            }
            work.extend(r.requested.iter().rev());
        }
        result
    }

    /// IsModuleSCCEvaluated(module) of the import defer proposal: a module of a cycle counts as
    /// evaluated only once its cycle's root has (a member that ran can still belong to a
    /// cycle whose asynchronous root is suspended).
    fn is_module_scc_evaluated(&self, m: usize) -> bool {
        let r = &self.modules.records[m];
        match r.cycle_root {
            Some(root) => self.modules.records[root].status == Status::Evaluated,
            None => r.status == Status::Evaluated,
        }
    }

    /// ReadyForSyncExecution(module) of the import defer proposal: whether the module and all
    /// it depends on can evaluate now without waiting, none of them evaluating or awaiting.
    fn ready_for_sync_execution(&self, module: usize) -> bool {
        let mut seen = rustc_hash::FxHashSet::default();
        let mut work = vec![module];
        while let Some(m) = work.pop() {
            if !seen.insert(m) {
                continue;
            }
            let r = &self.modules.records[m];
            if r.synthetic.is_some() || self.is_module_scc_evaluated(m) {
                continue;
            }
            // Evaluating, evaluating-async, or evaluated in a cycle still in flight.
            if r.status != Status::Linked || self.module_has_top_level_await(m) {
                return false;
            }
            work.extend(r.requested.iter().copied());
        }
        true
    }

    /// EnsureDeferredNamespaceEvaluation (GetModuleExportsList of a deferred namespace, the
    /// import defer proposal): module `m` evaluates synchronously if it has not (EvaluateSync),
    /// its evaluation error is thrown, and a TypeError if it cannot evaluate now (it or a
    /// dependency is evaluating or waits on top-level await).
    pub(crate) fn ensure_deferred_namespace_evaluation(&mut self, m: usize) -> JsResult<()> {
        let r = &self.modules.records[m];
        // Evaluated without error, with the whole cycle: nothing to do.
        if r.status == Status::Evaluated && r.error.is_none() && self.is_module_scc_evaluated(m) {
            let root = r.cycle_root.unwrap_or(m);
            if self.modules.records[root].error.is_none() {
                return Ok(());
            }
        }
        if r.synthetic.is_none()
            && r.status != Status::Evaluated
            && !self.ready_for_sync_execution(m)
        {
            let name = r.name.replace('\0', " as ");
            return Err(self.type_error(&format!(
                "Cannot evaluate the deferred module '{name}' now: it or a module it imports is evaluating or awaits"
            )));
        }
        // EvaluateSync: the evaluation settles at once (nothing it needs awaits).
        let promise = self.evaluate_module(m)?;
        match promise_state_for_host(self, promise) {
            Some((PromiseState::Rejected, reason)) => {
                promise::mark_handled(self, promise);
                Err(JsError::Throw(reason))
            }
            _ => Ok(()),
        }
    }

    /// 16.2.1.5.3.2 InnerModuleEvaluation(module, stack, index)
    fn inner_module_evaluation(
        &mut self,
        module: usize,
        stack: &mut Vec<usize>,
        mut index: usize,
    ) -> JsResult<usize> {
        // One level of native recursion per import on the path from the root.
        self.check_native_stack()?;
        let record = &self.modules.records[module];
        // 1. A synthetic module is no Cyclic Module Record: its Evaluate() settles at once.
        if record.synthetic.is_some() {
            if record.status == Status::Evaluated {
                return record.error.map_or(Ok(index), |e| Err(JsError::Throw(e)));
            }
            if record.status == Status::New {
                self.link(module)?;
            }
            let result = self.evaluate_synthetic(module);
            let error = result.as_ref().err().map(|e| self.evaluation_error(e));
            let r = &mut self.modules.records[module];
            r.status = Status::Evaluated;
            r.error = error;
            return result.map(|()| index);
        }
        match record.status {
            // 2.
            Status::EvaluatingAsync | Status::Evaluated => {
                return record.error.map_or(Ok(index), |e| Err(JsError::Throw(e)));
            }
            // 3.
            Status::Evaluating => return Ok(index),
            Status::New => self.link(module)?,
            Status::Linked => {}
        }
        // 5-10.
        let r = &mut self.modules.records[module];
        r.status = Status::Evaluating;
        r.dfs_index = index;
        r.dfs_ancestor_index = index;
        r.pending_async_dependencies = 0;
        index += 1;
        // The import defer proposal: what to evaluate first, in request order without repeats:
        // each request's module, but of a deferred request only the asynchronous modules its
        // module's graph waits on (GatherAsynchronousTransitiveDependencies).
        let evaluation_list = self.evaluation_list(module);
        stack.push(module);
        // 11.
        for required in evaluation_list {
            index = self.inner_module_evaluation(required, stack, index)?;
            let r = &self.modules.records[required];
            if r.synthetic.is_some() {
                continue;
            }
            let mut required = required;
            if r.status == Status::Evaluating {
                // iii. In the same cycle.
                let ancestor = r.dfs_ancestor_index;
                let m = &mut self.modules.records[module];
                m.dfs_ancestor_index = m.dfs_ancestor_index.min(ancestor);
            } else {
                // iv. An earlier cycle: its root has its outcome.
                required = r.cycle_root.unwrap_or(required);
                if let Some(e) = self.modules.records[required].error {
                    return Err(JsError::Throw(e));
                }
            }
            // v. Wait for an asynchronous dependency.
            if self.modules.records[required]
                .async_evaluation_order
                .is_some()
            {
                self.modules.records[module].pending_async_dependencies += 1;
                self.modules.records[required]
                    .async_parent_modules
                    .push(module);
            }
        }
        // 12-13.
        let has_tla = self.module_has_top_level_await(module);
        if self.modules.records[module].pending_async_dependencies > 0 || has_tla {
            let order = self.modules.async_evaluation_count;
            self.modules.async_evaluation_count += 1;
            self.modules.records[module].async_evaluation_order = Some(order);
            if self.modules.records[module].pending_async_dependencies == 0 {
                self.execute_async_module(module)?;
            }
        } else {
            self.execute_module(module)?;
        }
        // 16. The root of a strongly connected component pops it off the stack.
        let r = &self.modules.records[module];
        if r.dfs_ancestor_index == r.dfs_index {
            while let Some(required) = stack.pop() {
                let r = &mut self.modules.records[required];
                r.status = if r.async_evaluation_order.is_some() {
                    Status::EvaluatingAsync
                } else {
                    Status::Evaluated
                };
                r.cycle_root = Some(module);
                if required == module {
                    break;
                }
            }
        }
        Ok(index)
    }

    /// 16.2.1.6.5 ExecuteModule() without a capability: runs the body of a module that does not
    /// await; what it throws is the error.
    fn execute_module(&mut self, m: usize) -> JsResult<()> {
        let promise = promise::new_promise(self).value();
        self.with_roots(&[promise], |vm| vm.run_module_body(m, promise))?;
        match promise_state_for_host(self, promise) {
            Some((PromiseState::Rejected, reason)) => {
                // The rejection becomes the evaluation's error: not an unhandled rejection.
                promise::mark_handled(self, promise);
                Err(JsError::Throw(reason))
            }
            _ => Ok(()),
        }
    }

    /// 16.2.1.5.3.3 ExecuteAsyncModule(module): runs the body of a module that awaits, whose
    /// settling continues the evaluation (AsyncModuleExecutionFulfilled/Rejected).
    fn execute_async_module(&mut self, m: usize) -> JsResult<()> {
        let promise = promise::new_promise(self).value();
        self.with_roots(&[promise], |vm| {
            let index = Value::number(m as f64);
            let on_fulfilled = vm.native_closure("", 0, async_module_fulfilled, vec![index]);
            vm.root(on_fulfilled.value());
            let on_rejected = vm.native_closure("", 1, async_module_rejected, vec![index]);
            promise::perform_then(vm, promise, on_fulfilled.value(), on_rejected.value(), None)?;
            vm.run_module_body(m, promise)
        })
    }

    /// Runs module `m`'s body (a synthetic module's steps) as an async function body in its
    /// environment and realm, settling `promise`.
    fn run_module_body(&mut self, m: usize, promise: Value) -> JsResult<()> {
        if self.modules.records[m].synthetic.is_some() {
            match self.evaluate_synthetic(m) {
                Ok(()) => promise::resolve_promise(self, promise, Value::UNDEFINED)?,
                Err(JsError::Throw(e)) => promise::reject_promise(self, promise, e),
                Err(e) => return Err(e),
            }
            return Ok(());
        }
        let script = self.modules.records[m].code().clone();
        let env = self.modules.records[m].env;
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
        let saved = self.stack.realm;
        self.stack.realm = script.realm;
        let result = self.run_code_with(script, Value::UNDEFINED, Some(holder), Some(promise), env);
        self.stack.realm = saved;
        result.map(|_| ())
    }

    /// 16.2.1.5.3.5 AsyncModuleExecutionFulfilled(module)
    fn async_module_execution_fulfilled(&mut self, module: usize) -> JsResult<()> {
        let r = &mut self.modules.records[module];
        // 1. It failed meanwhile (a dependency's error reached it first).
        if r.status == Status::Evaluated {
            return Ok(());
        }
        // 5-7.
        r.async_evaluation_order = None;
        r.status = Status::Evaluated;
        if let Some(p) = r.top_level_capability {
            promise::resolve_promise(self, p, Value::UNDEFINED)?;
        }
        // 8-10. The importers now ready, in the order they turned asynchronous.
        let mut exec_list = self.gather_available_ancestors(module);
        exec_list.sort_by_key(|&m| self.modules.records[m].async_evaluation_order);
        // 12.
        for m in exec_list {
            if self.modules.records[m].status == Status::Evaluated {
                continue;
            }
            if self.module_has_top_level_await(m) {
                self.execute_async_module(m)?;
                continue;
            }
            match self.execute_module(m) {
                Ok(()) => {
                    let r = &mut self.modules.records[m];
                    r.async_evaluation_order = None;
                    r.status = Status::Evaluated;
                    if let Some(p) = r.top_level_capability {
                        promise::resolve_promise(self, p, Value::UNDEFINED)?;
                    }
                }
                Err(JsError::Throw(e)) => self.async_module_execution_rejected(m, e),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// 16.2.1.5.3.4 GatherAvailableAncestors(module, execList): the importers (and theirs,
    /// through modules that do not await) left with no pending dependency. A work list stands
    /// for the spec's recursion; the set found is the same.
    fn gather_available_ancestors(&mut self, module: usize) -> Vec<usize> {
        let mut exec_list = Vec::new();
        let mut listed = rustc_hash::FxHashSet::default();
        let mut work = vec![module];
        while let Some(module) = work.pop() {
            for m in self.modules.records[module].async_parent_modules.clone() {
                let root = self.modules.records[m].cycle_root.unwrap_or(m);
                if listed.contains(&m) || self.modules.records[root].error.is_some() {
                    continue;
                }
                let r = &mut self.modules.records[m];
                r.pending_async_dependencies = r.pending_async_dependencies.saturating_sub(1);
                if r.pending_async_dependencies == 0 {
                    listed.insert(m);
                    exec_list.push(m);
                    if !self.module_has_top_level_await(m) {
                        work.push(m);
                    }
                }
            }
        }
        exec_list
    }

    /// 16.2.1.5.3.6 AsyncModuleExecutionRejected(module, error): the module fails with `error`
    /// and rejects its capability, then so do its waiting importers, depth-first as the spec's
    /// recursion (an explicit stack here).
    fn async_module_execution_rejected(&mut self, module: usize, error: Value) {
        let mut stack = vec![module];
        while let Some(m) = stack.pop() {
            if !self.mark_evaluation_error(m, error) {
                continue;
            }
            if let Some(p) = self.modules.records[m].top_level_capability {
                promise::reject_promise(self, p, error);
            }
            stack.extend(self.modules.records[m].async_parent_modules.iter().rev());
        }
    }

    /// AsyncModuleExecutionRejected steps 1-7: false when the module has already failed.
    fn mark_evaluation_error(&mut self, m: usize, error: Value) -> bool {
        let r = &mut self.modules.records[m];
        if r.status == Status::Evaluated {
            return false;
        }
        r.error = Some(error);
        r.status = Status::Evaluated;
        r.async_evaluation_order = None;
        true
    }

    /// Links and evaluates module `m` for `import()` (16.2.1.? ContinueDynamicImport, from
    /// step 3): in a job, as the spec's load promise settles; a promise of its namespace. With
    /// `deferred` (`import.defer()`), only the asynchronous dependencies evaluate and the
    /// promise is of the deferred namespace.
    fn continue_dynamic_import(&mut self, m: usize, deferred: bool) -> Value {
        let promise = promise::new_promise(self).value();
        self.with_roots(&[promise], |vm| {
            // 3. LoadRequestedModules (the host loads at once).
            let loaded = match vm.load_graph(m) {
                Ok(()) => promise::resolved(vm, Value::UNDEFINED),
                Err(JsError::Throw(e)) => promise::rejected(vm, e),
                Err(JsError::Terminate(message)) => {
                    let e = vm.make_error("Error", &message);
                    promise::rejected(vm, e)
                }
            };
            vm.root(loaded);
            let index = Value::number(m as f64);
            let link_and_evaluate = vm.native_closure(
                "",
                0,
                link_and_evaluate,
                vec![promise, index, Value::boolean(deferred)],
            );
            vm.root(link_and_evaluate.value());
            let on_rejected = vm.native_closure("", 1, reject_import, vec![promise]);
            let _ = promise::perform_then(
                vm,
                loaded,
                link_and_evaluate.value(),
                on_rejected.value(),
                None,
            );
        });
        promise
    }

    /// Loads, links and evaluates `source` as the module `name` (the CLI's and test262's entry).
    pub fn run_module(&mut self, source: &str, name: &str) -> JsResult<()> {
        let script = crate::eval::compile(self, source, name, kiln_compiler::CodeKind::Module)?;
        self.run_loaded_module(script, name)
    }

    /// [`Vm::run_module`] for module code already loaded (from a cache, say).
    pub fn run_loaded_module(&mut self, script: Rc<LoadedScript>, name: &str) -> JsResult<()> {
        let m = self.add_loaded_module(script, name);
        self.run_module_to_completion(m)
    }
}

/// The module index a native closure of this file carries at `data[i]`.
fn module_in(data: &[Value], i: usize) -> usize {
    data.get(i).and_then(|v| v.as_number()).unwrap_or(0.0) as usize
}

/// ExecuteAsyncModule's onFulfilled.
fn async_module_fulfilled(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let m = module_in(&vm.native_data(), 0);
    vm.async_module_execution_fulfilled(m)?;
    Ok(Value::UNDEFINED)
}

/// ExecuteAsyncModule's onRejected.
fn async_module_rejected(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let m = module_in(&vm.native_data(), 0);
    let error = args.first().copied().unwrap_or(Value::UNDEFINED);
    vm.async_module_execution_rejected(m, error);
    Ok(Value::UNDEFINED)
}

/// Whether a native closure of this file carries `true` at `data[i]` (an `import.defer()`).
fn deferred_in(data: &[Value], i: usize) -> bool {
    data.get(i).and_then(|v| v.as_bool()) == Some(true)
}

/// ContinueDynamicImport's linkAndEvaluateClosure: links the module, evaluates it, and
/// resolves the import's promise with its namespace once that settles. For `import.defer()`
/// the evaluation is of the module's asynchronous dependencies only, each its own Evaluate(),
/// awaited together (SafePerformPromiseAll); with none, the promise is resolved at once.
fn link_and_evaluate(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let (promise, m) = (data[0], module_in(&data, 1));
    let deferred = deferred_in(&data, 2);
    let evaluate = |vm: &mut Vm| -> JsResult<Option<Value>> {
        vm.link(m)?;
        if !deferred {
            return vm.evaluate_module(m).map(Some);
        }
        let list = vm.gather_asynchronous_transitive_dependencies(m);
        if list.is_empty() {
            return Ok(None);
        }
        let mut promises = Vec::with_capacity(list.len());
        for dependency in list {
            let p = vm.evaluate_module(dependency)?;
            vm.root(p);
            promises.push(p);
        }
        Ok(Some(safe_perform_promise_all(vm, &promises)))
    };
    let evaluated = match evaluate(vm) {
        Ok(Some(p)) => p,
        // Nothing to wait for: fulfilledClosure now.
        Ok(None) => return resolve_import(vm, Value::UNDEFINED, &[]),
        Err(JsError::Throw(e)) => {
            promise::reject_promise(vm, promise, e);
            return Ok(Value::UNDEFINED);
        }
        Err(e) => return Err(e),
    };
    vm.root(evaluated);
    let on_fulfilled = vm.native_closure("", 0, resolve_import, data);
    vm.root(on_fulfilled.value());
    let on_rejected = vm.native_closure("", 1, reject_import, vec![promise]);
    promise::perform_then(
        vm,
        evaluated,
        on_fulfilled.value(),
        on_rejected.value(),
        None,
    )?;
    Ok(Value::UNDEFINED)
}

/// SafePerformPromiseAll(promises) of the import defer proposal: a promise fulfilled once all
/// of `promises` are, rejected with the first rejection; the reactions are added directly
/// (PerformPromiseThen), never through a `then` property.
fn safe_perform_promise_all(vm: &mut Vm, promises: &[Value]) -> Value {
    let result = promise::new_promise(vm).value();
    vm.root(result);
    let remaining = vm.alloc(Object::new(None, ObjectKind::Number(promises.len() as f64)));
    vm.root(remaining.value());
    for &p in promises {
        let on_fulfilled = vm.native_closure(
            "",
            1,
            all_element_fulfilled,
            vec![result, remaining.value()],
        );
        vm.root(on_fulfilled.value());
        let on_rejected = vm.native_closure("", 1, reject_import, vec![result]);
        vm.root(on_rejected.value());
        // Reactions on a promise of this file's own: they cannot fail.
        let _ = promise::perform_then(vm, p, on_fulfilled.value(), on_rejected.value(), None);
    }
    result
}

/// SafePerformPromiseAll's element function: the last fulfilment fulfils the whole.
fn all_element_fulfilled(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let (result, remaining) = (data[0], data[1]);
    let Some(counter) = remaining.as_object() else {
        return Ok(Value::UNDEFINED);
    };
    let left = match &mut vm.obj_mut(counter).kind {
        ObjectKind::Number(n) => {
            *n -= 1.0;
            *n
        }
        _ => return Ok(Value::UNDEFINED),
    };
    if left == 0.0 {
        promise::resolve_promise(vm, result, Value::UNDEFINED)?;
    }
    Ok(Value::UNDEFINED)
}

/// ContinueDynamicImport's fulfilledClosure: the import's promise gets the namespace (the
/// deferred namespace for `import.defer()`).
fn resolve_import(vm: &mut Vm, _: Value, _: &[Value]) -> JsResult<Value> {
    let data = vm.native_data();
    let (promise, m) = (data[0], module_in(&data, 1));
    match vm.module_namespace_in_phase(m, deferred_in(&data, 2)) {
        Ok(ns) => promise::resolve_promise(vm, promise, ns.value())?,
        Err(JsError::Throw(e)) => promise::reject_promise(vm, promise, e),
        Err(e) => return Err(e),
    }
    Ok(Value::UNDEFINED)
}

/// ContinueDynamicImport's rejectedClosure: the import's promise gets the error.
fn reject_import(vm: &mut Vm, _: Value, args: &[Value]) -> JsResult<Value> {
    let promise = vm.native_data()[0];
    let error = args.first().copied().unwrap_or(Value::UNDEFINED);
    promise::reject_promise(vm, promise, error);
    Ok(Value::UNDEFINED)
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
    phase: u8,
) -> Value {
    let result = vm.handle_scope(|vm| {
        // 8. Let specifierString be Completion(ToString(specifier)).
        let specifier = vm.to_string(specifier)?.value();
        vm.root(specifier);
        // 9-10. The attributes.
        let (attributes, list) = import_attributes(vm, options)?;
        vm.root(attributes.value());
        let text = vm.to_rust_string(specifier)?;
        if phase == import_phase::SOURCE {
            // ContinueDynamicImport for the source phase: the module is loaded (not its
            // dependencies), then GetModuleSource() answers, which no module kiln has can.
            // A host hook (`node:vm`'s) loads only whole modules: nothing has a source there.
            let m = match (script.host_defined.get(), vm.dynamic_import_hook) {
                (Some(_), Some(_)) => {
                    return Err(vm.syntax_error(&format!(
                        "Source phase import is not available for the module '{text}'"
                    )));
                }
                _ => vm.load_requested(&text, &script.name, &list)?,
            };
            return Err(vm.get_module_source(m));
        }
        if let (Some(data), Some(hook)) = (script.host_defined.get(), vm.dynamic_import_hook) {
            return hook(vm, data, specifier, attributes.value());
        }
        vm.import_in_phase(&text, &script.name, &list, phase == import_phase::DEFER)
    });
    match result {
        // The import's promise (the loader's or a hook's) as it is; a hook's namespace, wrapped.
        Ok(p) if promise::is_promise(vm, p) => p,
        Ok(ns) => promise::resolved(vm, ns),
        Err(JsError::Throw(e)) => promise::rejected(vm, e),
        Err(JsError::Terminate(_)) => {
            let e = vm.make_error("Error", "import() was terminated");
            promise::rejected(vm, e)
        }
    }
}

/// EvaluateImportCall step 10: the attributes of `import(specifier, options)`, the enumerable
/// own string-keyed properties of `options.with`, as a null-prototype object and as a list of
/// `(key, value)` pairs. The messages are V8's (Node 24's).
fn import_attributes(vm: &mut Vm, options: Value) -> JsResult<(ObjRef, Vec<(String, String)>)> {
    let attributes = vm.new_object_with_proto(None);
    let mut list = Vec::new();
    if options.is_undefined() {
        return Ok((attributes, list));
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
            return Ok((attributes, list));
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
            list.push((vm.to_rust_string(k)?, vm.to_rust_string(v)?));
            let key = vm.to_property_key(k)?;
            vm.define_data(attributes, key, v, attrs::DEFAULT);
        }
        Ok((attributes, list))
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
