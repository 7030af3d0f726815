//! `Script`: compiled code that can run many times, in any runtime, and be cached — the Rust
//! side of `node:vm`'s `vm.Script`.

use crate::{Error, Runtime};
use kiln_cache::{CacheError, CacheKind, LoadOptions, LoadStats, VerifiedCode};
use kiln_compiler::CodeKind;
use kiln_interpreter::Value;
use kiln_interpreter::eval::{CompileFailure, CompileStats};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// What the source is compiled as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SourceType {
    #[default]
    Script,
    Module,
}

/// A cache file in memory as the loader needs it (16-byte aligned), for
/// [`ScriptOptions::cache_file`]: a script made with it loads these bytes where they are, where
/// `cached_data` bytes are first copied into an aligned buffer.
#[derive(Clone)]
pub struct CacheFile(rkyv::util::AlignedVec<16>);

impl CacheFile {
    /// Reads the file at `path` (at most [`kiln_cache::MAX_FILE_BYTES`]).
    pub fn read(path: &std::path::Path) -> Result<CacheFile, CacheError> {
        kiln_cache::read_file(path).map(CacheFile)
    }

    /// `len` bytes that `fill` writes, in an aligned buffer.
    pub(crate) fn filled(len: usize, fill: impl FnOnce(&mut [u8])) -> CacheFile {
        let mut bytes = rkyv::util::AlignedVec::<16>::with_capacity(len);
        bytes.resize(len, 0);
        fill(bytes.as_mut_slice());
        CacheFile(bytes)
    }

    /// The bytes read.
    pub fn bytes(&self) -> &[u8] {
        self.0.as_slice()
    }
}

impl std::fmt::Debug for CacheFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CacheFile({} bytes)", self.0.len())
    }
}

/// Options for [`Script::new`], named after `new vm.Script(code, options)`.
#[derive(Clone, Debug, Default)]
pub struct ScriptOptions<'a> {
    /// The name stack traces and errors show (`evalmachine.<anonymous>` if empty).
    pub filename: String,
    /// A cache made by [`Script::create_cached_data`] (or `kiln compile`) for this exact source.
    /// When it does not fit, the script compiles from source and
    /// [`Script::cached_data_rejected`] says so.
    pub cached_data: Option<&'a [u8]>,
    /// A cache file read by [`CacheFile::read`], loaded in place (no copy); taken instead of
    /// `cached_data` when both are given.
    pub cache_file: Option<CacheFile>,
    /// A cache file to read as the script is made ([`kiln_cache::load_file`]): a large one is
    /// read on two threads beside the source's hash and the archive's checks, faster than
    /// [`CacheFile::read`] and then a load. Taken when `cache_file` is not given, instead of
    /// `cached_data`; a file that cannot be read is a rejected cache.
    pub cache_path: Option<&'a std::path::Path>,
    /// Make the cache at construction ([`Script::cached_data`]).
    pub produce_cached_data: bool,
    /// Script or module code.
    pub source_type: SourceType,
}

/// Limits for one run: a wall-clock timeout and an instruction budget (ticks: backward jumps,
/// calls and exception handlers), each ending the run with [`Error::Terminated`].
///
/// ```
/// use kiln::{Error, RunOptions, Runtime, Script, ScriptOptions};
/// use std::time::Duration;
///
/// let mut runtime = Runtime::new();
/// let context = runtime.create_context();
/// let spin = Script::new("for (;;) {}", ScriptOptions::default()).unwrap();
/// let limits = RunOptions { timeout: Some(Duration::from_millis(20)), budget: None };
/// assert!(matches!(spin.run_in_context_with(&mut runtime, &context, limits), Err(Error::Terminated(_))));
/// let budget = RunOptions { timeout: None, budget: Some(10_000) };
/// assert!(matches!(spin.run_in_context_with(&mut runtime, &context, budget), Err(Error::Terminated(_))));
/// // The budget is exact: 100 iterations take 100 backward jumps.
/// let hundred = Script::new("for (let i = 0; i < 100; i++) {}", ScriptOptions::default()).unwrap();
/// let just_under = RunOptions { timeout: None, budget: Some(99) };
/// assert!(hundred.run_in_context_with(&mut runtime, &context, just_under).is_err());
/// let enough = RunOptions { timeout: None, budget: Some(101) };
/// assert!(hundred.run_in_context_with(&mut runtime, &context, enough).is_ok());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Wall-clock time the run may take.
    pub timeout: Option<Duration>,
    /// Ticks (backward jumps, calls, handler entries) the run may take.
    pub budget: Option<u64>,
}

/// Where a script's construction spent its time, and sizes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ScriptStats {
    /// From source: parse, compile and archive (zero when a cache was used).
    pub compile: CompileStats,
    /// From a cache: header, checksum, validation and verification (zero without one).
    pub load: LoadStats,
    /// Copying the given cache into aligned memory, or reading it from `cache_path`.
    pub read: Duration,
    /// The source's size in bytes.
    pub source_bytes: usize,
    /// The cache's size: the one given, or the one produced.
    pub cache_bytes: usize,
}

/// Compiled code, ready to run. Compiling needs no runtime, so one `Script` can run in many
/// runtimes and contexts.
///
/// ```
/// use kiln::{Runtime, Script, ScriptOptions};
///
/// let source = "6 * 7";
/// let script = Script::new(source, ScriptOptions::default()).unwrap();
/// let cache = script.create_cached_data();
///
/// let cached = Script::new(
///     source,
///     ScriptOptions { cached_data: Some(&cache), ..Default::default() },
/// )
/// .unwrap();
/// assert_eq!(cached.cached_data_rejected(), Some(false));
///
/// let mut runtime = Runtime::new();
/// let answer = cached.run_in_this_context(&mut runtime).unwrap();
/// assert_eq!(runtime.display(answer), "42");
/// ```
#[derive(Debug)]
pub struct Script {
    /// Shared with every run's loaded script (a run does not copy it).
    source: Rc<str>,
    filename: String,
    source_type: SourceType,
    code: VerifiedCode,
    rejection: Option<Option<CacheError>>,
    produced: Option<Vec<u8>>,
    stats: ScriptStats,
}

impl Script {
    /// Compiles `source`, or loads it from `options.cached_data` when that cache fits it.
    /// A syntax error is an [`Error::Syntax`]; a rejected cache is not an error.
    pub fn new(source: &str, options: ScriptOptions<'_>) -> Result<Script, Error> {
        let kind = cache_kind(options.source_type);
        let mut stats = ScriptStats {
            source_bytes: source.len(),
            ..ScriptStats::default()
        };
        let mut rejection = None;
        let mut code = None;
        let loaded = match (options.cache_file, options.cache_path, options.cached_data) {
            (Some(CacheFile(bytes)), _, _) => Some(kiln_cache::load_with(
                bytes,
                source,
                kind,
                LoadOptions::default(),
                &mut stats.load,
            )),
            (None, Some(path), _) => {
                let loaded = kiln_cache::load_file(
                    path,
                    source,
                    kind,
                    LoadOptions::default(),
                    &mut stats.load,
                );
                stats.read = stats.load.read;
                Some(loaded)
            }
            (None, None, Some(bytes)) => {
                let started = Instant::now();
                let mut aligned = rkyv::util::AlignedVec::<16>::with_capacity(bytes.len());
                aligned.extend_from_slice(bytes);
                stats.read = started.elapsed();
                Some(kiln_cache::load_with(
                    aligned,
                    source,
                    kind,
                    LoadOptions::default(),
                    &mut stats.load,
                ))
            }
            (None, None, None) => None,
        };
        stats.cache_bytes = stats.load.bytes;
        match loaded {
            Some(Ok(verified)) => {
                code = Some(verified);
                rejection = Some(None);
            }
            Some(Err(e)) => rejection = Some(Some(e)),
            None => {}
        }
        let filename = if options.filename.is_empty() {
            "evalmachine.<anonymous>".to_string()
        } else {
            options.filename
        };
        let code = match code {
            Some(code) => code,
            None => compile(source, options.source_type, &filename, &mut stats.compile)?,
        };
        let mut script = Script {
            source: source.into(),
            filename,
            source_type: options.source_type,
            code,
            rejection,
            produced: None,
            stats,
        };
        if options.produce_cached_data {
            let data = script.create_cached_data();
            script.stats.cache_bytes = data.len();
            script.produced = Some(data);
        }
        Ok(script)
    }

    /// `None` when no cache was given; `Some(true)` when it was rejected and the script compiled
    /// from source; `Some(false)` when the script runs from the cache.
    pub fn cached_data_rejected(&self) -> Option<bool> {
        self.rejection.as_ref().map(Option::is_some)
    }

    /// Why the given cache was rejected.
    pub fn cache_rejection(&self) -> Option<&CacheError> {
        self.rejection.as_ref().and_then(Option::as_ref)
    }

    /// A cache of this script, for [`ScriptOptions::cached_data`] or a file.
    pub fn create_cached_data(&self) -> Vec<u8> {
        kiln_cache::encode(&self.code, &self.source, cache_kind(self.source_type)).to_vec()
    }

    /// The cache made at construction when `produce_cached_data` was set.
    pub fn cached_data(&self) -> Option<&[u8]> {
        self.produced.as_deref()
    }

    /// Where construction spent its time, and sizes.
    pub fn stats(&self) -> &ScriptStats {
        &self.stats
    }

    /// The name errors and stack traces show.
    pub fn filename(&self) -> &str {
        &self.filename
    }

    /// The source text the script was made from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The source text, shared.
    pub(crate) fn shared_source(&self) -> Rc<str> {
        self.source.clone()
    }

    /// The verified archive this script runs.
    pub fn code(&self) -> &VerifiedCode {
        &self.code
    }

    /// Runs the script in the runtime's main realm, then its promise jobs. A module's value is
    /// `undefined`.
    pub fn run_in_this_context(&self, runtime: &mut Runtime) -> Result<Value, Error> {
        let realm = crate::MAIN_REALM;
        self.run_in_realm(runtime, realm)
    }

    /// Runs the script with `context`'s global object, then the promise jobs.
    pub fn run_in_context(
        &self,
        runtime: &mut Runtime,
        context: &crate::Context,
    ) -> Result<Value, Error> {
        let realm = runtime.realm_of(context)?;
        self.run_in_realm(runtime, realm)
    }

    /// [`Script::run_in_context`] with a timeout or an instruction budget.
    pub fn run_in_context_with(
        &self,
        runtime: &mut Runtime,
        context: &crate::Context,
        options: RunOptions,
    ) -> Result<Value, Error> {
        let realm = runtime.realm_of(context)?;
        with_limits(runtime, options, |runtime| {
            self.run_in_realm(runtime, realm)
        })
    }

    fn run_in_realm(&self, runtime: &mut Runtime, realm: u32) -> Result<Value, Error> {
        let vm = &mut runtime.vm;
        let result = vm.in_realm(realm, |vm| {
            let loaded = kiln_interpreter::eval::load_verified(
                vm,
                self.code.clone(),
                self.source.clone(),
                &self.filename,
            );
            let result = match self.source_type {
                SourceType::Script => vm.run_top_level(loaded),
                SourceType::Module => vm
                    .run_loaded_module(loaded, &self.filename)
                    .map(|_| Value::UNDEFINED),
            };
            result.and_then(|v| {
                vm.with_roots(&[v], |vm| vm.run_jobs())?;
                Ok(v)
            })
        });
        result.map_err(|e| runtime.error(e))
    }
}

/// Runs `f` with `options`' timeout and budget in force, then restores the ones before.
pub(crate) fn with_limits<R>(
    runtime: &mut Runtime,
    options: RunOptions,
    f: impl FnOnce(&mut Runtime) -> R,
) -> R {
    let vm = &mut runtime.vm;
    let (deadline, budget) = (vm.termination.deadline, vm.termination.tick_budget);
    if let Some(t) = options.timeout {
        vm.termination.deadline = Some(Instant::now() + t);
    }
    if let Some(b) = options.budget {
        let budget = Some(vm.termination.ticks.saturating_add(b));
        vm.set_tick_budget(budget);
    }
    let result = f(runtime);
    runtime.vm.termination.deadline = deadline;
    runtime.vm.set_tick_budget(budget);
    result
}

fn cache_kind(source_type: SourceType) -> CacheKind {
    match source_type {
        SourceType::Script => CacheKind::Script,
        SourceType::Module => CacheKind::Module,
    }
}

fn compile(
    source: &str,
    source_type: SourceType,
    filename: &str,
    stats: &mut CompileStats,
) -> Result<VerifiedCode, Error> {
    let kind = match source_type {
        SourceType::Script => CodeKind::Script,
        SourceType::Module => CodeKind::Module,
    };
    kiln_interpreter::eval::compile_code(source, kind, None, stats).map_err(|e| match e {
        CompileFailure::Syntax(d) => Error::Syntax {
            message: d.message.clone(),
            rendered: d.render(filename, source),
        },
        CompileFailure::Archive(e) => Error::Internal(e.to_string()),
    })
}
