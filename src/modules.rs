//! ES modules for embedders, named after `node:vm`'s: a [`SourceTextModule`] is compiled at
//! once, linked by a closure that answers each import, evaluated in its context; a
//! [`SyntheticModule`] exports values the host sets, as live bindings.

use crate::{Context, Error, RunOptions, Runtime, Script, ScriptOptions, SourceType};
use kiln_interpreter::Value;
use kiln_interpreter::module::{Status, Synthetic};

/// Where a module is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleStatus {
    Unlinked,
    Linked,
    Evaluating,
    Evaluated,
    /// Evaluation threw; [`Module::error`] has the value.
    Errored,
}

/// A module of either kind, as a linker returns it. It holds its context: the module record
/// lives as long as the context's realm, which this keeps alive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    index: usize,
    context: Context,
}

/// Module code compiled from source text.
///
/// ```
/// use kiln::{Runtime, SourceTextModule, SyntheticModule};
///
/// let mut runtime = Runtime::new();
/// let context = runtime.create_context();
/// let config = SyntheticModule::new(&mut runtime, &context, &["size"]).unwrap();
/// let main = SourceTextModule::new(
///     &mut runtime,
///     &context,
///     "main.js",
///     "import { size } from 'config'; export const area = size * size;",
/// )
/// .unwrap();
/// assert_eq!(main.module().requests(&runtime), ["config"]);
/// main.module()
///     .link(&mut runtime, &mut |specifier, _| match specifier {
///         "config" => Ok(config.module()),
///         other => Err(format!("no module {other}")),
///     })
///     .unwrap();
/// main.module().evaluate(&mut runtime).unwrap();
/// config.set_export(&mut runtime, "size", kiln::Value::number(7.0)).unwrap();
/// let area = main.module().export(&mut runtime, "area").unwrap();
/// assert_eq!(runtime.display(area), "NaN"); // `area` was computed while `size` was undefined
/// ```
#[derive(Clone, Debug)]
pub struct SourceTextModule {
    module: Module,
}

/// A module whose exports the host provides: each starts `undefined` and is set with
/// [`SyntheticModule::set_export`] once the module is linked; importers see every change.
///
/// ```
/// use kiln::{Runtime, Script, ScriptOptions, SourceTextModule, SyntheticModule, Value};
///
/// let mut runtime = Runtime::new();
/// let context = runtime.create_context();
/// let clock = SyntheticModule::new(&mut runtime, &context, &["now"]).unwrap();
/// let reader = SourceTextModule::new(
///     &mut runtime,
///     &context,
///     "reader.js",
///     "import { now } from 'clock'; export function read() { return now; }",
/// )
/// .unwrap();
/// reader
///     .module()
///     .link(&mut runtime, &mut |_, _| Ok(clock.module()))
///     .unwrap();
/// reader.module().evaluate(&mut runtime).unwrap();
/// let read = reader.module().export(&mut runtime, "read").unwrap();
/// clock.set_export(&mut runtime, "now", Value::number(1.0)).unwrap();
/// let first = runtime.call(read, Value::UNDEFINED, &[]).unwrap();
/// clock.set_export(&mut runtime, "now", Value::number(2.0)).unwrap();
/// let second = runtime.call(read, Value::UNDEFINED, &[]).unwrap();
/// assert_eq!((runtime.display(first), runtime.display(second)), ("1".into(), "2".into()));
/// ```
#[derive(Clone, Debug)]
pub struct SyntheticModule {
    module: Module,
}

/// Unique record names: modules made through the API are found by handle, never by name.
fn record_name(identifier: &str) -> String {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{identifier}#api{n}")
}

impl SourceTextModule {
    /// Parses and compiles `source` (a syntax error is an [`Error::Syntax`]) as module
    /// `identifier` of `context`.
    pub fn new(
        runtime: &mut Runtime,
        context: &Context,
        identifier: &str,
        source: &str,
    ) -> Result<SourceTextModule, Error> {
        let realm = runtime.realm_of(context)?;
        let script = Script::new(
            source,
            ScriptOptions {
                filename: identifier.to_string(),
                source_type: SourceType::Module,
                ..Default::default()
            },
        )?;
        let vm = &mut runtime.vm;
        let index = vm.in_realm(realm, |vm| {
            let loaded = kiln_interpreter::eval::load_verified(
                vm,
                script.code().clone(),
                script.shared_source(),
                identifier,
            );
            vm.add_vm_module(loaded, &record_name(identifier))
        });
        Ok(SourceTextModule {
            module: Module {
                index,
                context: context.clone(),
            },
        })
    }

    /// The module, for linking, evaluating and reading its exports.
    pub fn module(&self) -> Module {
        self.module.clone()
    }
}

impl SyntheticModule {
    /// A module exporting `names` (each `undefined` until set) in `context`.
    pub fn new(
        runtime: &mut Runtime,
        context: &Context,
        names: &[&str],
    ) -> Result<SyntheticModule, Error> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let realm = runtime.realm_of(context)?;
        let vm = &mut runtime.vm;
        let index = vm.in_realm(realm, |vm| {
            vm.add_synthetic_module(
                &record_name("synthetic"),
                &names,
                Synthetic::Values(Vec::new()),
            )
        });
        let index = index.map_err(|e| runtime.error(e))?;
        Ok(SyntheticModule {
            module: Module {
                index,
                context: context.clone(),
            },
        })
    }

    /// The module, for linking, evaluating and reading its exports.
    pub fn module(&self) -> Module {
        self.module.clone()
    }

    /// Sets export `name` (a live binding: importers see the new value). The module must be
    /// linked; an unknown name is an error.
    pub fn set_export(&self, runtime: &mut Runtime, name: &str, value: Value) -> Result<(), Error> {
        let vm = &mut runtime.vm;
        if vm.modules.records[self.module.index].env.is_none() {
            vm.link_module(self.module.index)
                .map_err(|e| runtime.error(e))?;
        }
        if runtime.vm.set_module_export(self.module.index, name, value) {
            Ok(())
        } else {
            Err(Error::Internal(format!(
                "the module has no export named '{name}'"
            )))
        }
    }
}

impl Module {
    /// The specifiers the module imports, in order.
    pub fn requests(&self, runtime: &Runtime) -> Vec<String> {
        runtime.vm.module_requests(self.index)
    }

    /// Asks `linker(specifier, referrer)` for each import, then links the modules it returns,
    /// recursively (cycles included). The linker's error ends linking.
    pub fn link(
        &self,
        runtime: &mut Runtime,
        linker: &mut dyn FnMut(&str, Module) -> Result<Module, String>,
    ) -> Result<(), Error> {
        let mut seen = Vec::new();
        self.link_from(runtime, linker, &mut seen)
    }

    fn link_from(
        &self,
        runtime: &mut Runtime,
        linker: &mut dyn FnMut(&str, Module) -> Result<Module, String>,
        seen: &mut Vec<usize>,
    ) -> Result<(), Error> {
        if seen.contains(&self.index) {
            return Ok(());
        }
        // One level of recursion per import on the path from the root.
        if let Err(e) = runtime.vm.check_native_stack() {
            return Err(runtime.error(e));
        }
        seen.push(self.index);
        let mut requested = Vec::new();
        for specifier in self.requests(runtime) {
            let target = linker(&specifier, self.clone()).map_err(|message| Error::Thrown {
                message: format!("Error: cannot link '{specifier}': {message}"),
                value: Value::UNDEFINED,
            })?;
            runtime.realm_of(&target.context)?;
            requested.push(target.index);
            target.link_from(runtime, linker, seen)?;
        }
        runtime.vm.set_module_requested(self.index, requested);
        Ok(())
    }

    /// Evaluates the module and what it imports, in its context; then runs the promise jobs
    /// (which finish a module that awaits). The error is the module's.
    pub fn evaluate(&self, runtime: &mut Runtime) -> Result<(), Error> {
        let realm = runtime.realm_of(&self.context)?;
        let vm = &mut runtime.vm;
        let result = vm.in_realm(realm, |vm| vm.run_module_to_completion(self.index));
        result.map_err(|e| runtime.error(e))
    }

    /// [`Module::evaluate`] with a timeout or an instruction budget (see [`RunOptions`]).
    ///
    /// ```
    /// use kiln::{Error, RunOptions, Runtime, SourceTextModule};
    ///
    /// let mut runtime = Runtime::new();
    /// let context = runtime.create_context();
    /// let spin = SourceTextModule::new(&mut runtime, &context, "spin.mjs", "for (;;) {}").unwrap();
    /// spin.module().link(&mut runtime, &mut |s, _| Err(format!("no {s}"))).unwrap();
    /// let budget = RunOptions { timeout: None, budget: Some(10_000) };
    /// let result = spin.module().evaluate_with(&mut runtime, budget);
    /// assert!(matches!(result, Err(Error::Terminated(_))));
    /// ```
    pub fn evaluate_with(&self, runtime: &mut Runtime, options: RunOptions) -> Result<(), Error> {
        crate::script::with_limits(runtime, options, |runtime| self.evaluate(runtime))
    }

    /// The module namespace object (the module must be linked).
    pub fn namespace(&self, runtime: &mut Runtime) -> Result<Value, Error> {
        let vm = &mut runtime.vm;
        match vm.module_namespace(self.index) {
            Ok(ns) => Ok(ns.value()),
            Err(e) => Err(runtime.error(e)),
        }
    }

    /// The value of export `name`.
    pub fn export(&self, runtime: &mut Runtime, name: &str) -> Result<Value, Error> {
        let ns = self.namespace(runtime)?;
        runtime.get(ns, name)
    }

    /// Where the module is in its life (`vm.Module`'s `status`).
    pub fn status(&self, runtime: &Runtime) -> ModuleStatus {
        let record = &runtime.vm.modules.records[self.index];
        match record.status {
            Status::New
                if record.requested.len() == runtime.vm.module_requests(self.index).len()
                    && !record.requested.is_empty() =>
            {
                ModuleStatus::Linked
            }
            Status::New => ModuleStatus::Unlinked,
            Status::Linked => ModuleStatus::Linked,
            Status::Evaluating | Status::EvaluatingAsync => ModuleStatus::Evaluating,
            Status::Evaluated if record.error.is_some() => ModuleStatus::Errored,
            Status::Evaluated => ModuleStatus::Evaluated,
        }
    }

    /// What evaluation threw, when [`ModuleStatus::Errored`].
    pub fn error(&self, runtime: &Runtime) -> Option<Value> {
        runtime.vm.modules.records[self.index].error
    }
}
