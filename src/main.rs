//! The `kiln` command line.

use clap::{Parser, Subcommand};
use kiln::{Runtime, Script, ScriptOptions, SourceType};
use kiln_interpreter::{Value, Vm};
use kiln_parser::ast::SourceKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Kiln allocates many small cells (objects' property vectors, native functions); mimalloc
/// serves them markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `arena_eager_commit` (its position in `mi_option_e`, mimalloc 3; the crate names
/// no constant for it). Eagerly committed arenas are never purged on Linux, so every page the
/// process ever touched stays resident: a script that makes garbage keeps its peak for good.
/// Off, freed pages go back to the system; measured: an empty script 18 MB → 8 MB peak RSS,
/// richards 27 → 13 MB, a script stopped at `--heap-limit 64` 112 → 73 MB, at no cost in time.
#[cfg(target_os = "linux")]
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// Runs before mimalloc initialises (its constructor has priority 101) and reserves its first
/// arena, which is when the option is read; setting it from `main` would be too late.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array.00100")]
static CONFIGURE_ALLOCATOR: extern "C" fn() = configure_allocator;

#[cfg(target_os = "linux")]
extern "C" fn configure_allocator() {
    // SAFETY: sets one entry of mimalloc's option table; nothing else runs yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
}

#[derive(Parser)]
#[command(
    name = "kiln",
    version,
    about = "Kiln, a JavaScript engine",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check that a file is valid JavaScript: print nothing and exit 0, or print the SyntaxError
    /// with its file:line:col and exit 1.
    Check {
        /// The script or module to check.
        file: PathBuf,
        /// Parse as a module (the default for `.mjs` files).
        #[arg(long)]
        module: bool,
    },
    /// Run a script. Uncaught errors print their message, location and stack, and exit 1.
    Run {
        /// The script to run.
        file: PathBuf,
        /// A cache made by `kiln compile`: run from it when it fits the script; otherwise say
        /// why on stderr and compile from source.
        cache: Option<PathBuf>,
        /// Run as a module (the default for `.mjs` files).
        #[arg(long)]
        module: bool,
        /// Collect garbage at every safepoint after an allocation and never reuse freed cells (finds rooting bugs).
        #[arg(long)]
        gc_stress: bool,
        /// Print each phase's time and the source and cache sizes on stderr.
        #[arg(long)]
        stats: bool,
        /// Stop code whose live heap passes this many megabytes (inside `vm.runInContext` and
        /// friends it is a catchable `ERR_KILN_HEAP_LIMIT` RangeError).
        #[arg(long, value_name = "MB", value_parser = parse_heap_limit)]
        heap_limit: Option<usize>,
    },
    /// Compile a script to a cache file that `kiln run FILE CACHE` starts from without parsing
    /// or compiling.
    Compile {
        /// The script to compile.
        file: PathBuf,
        /// Where to write the cache (default: the script's path with the extension `.cache`).
        cache: Option<PathBuf>,
        /// Compile as a module (the default for `.mjs` files).
        #[arg(long)]
        module: bool,
        /// Print each phase's time and the source and cache sizes on stderr.
        #[arg(long)]
        stats: bool,
    },
    /// Print the bytecode of every function in a script or a cache file: registers, constants,
    /// jump targets and source positions.
    Disasm {
        /// The script to compile and disassemble, or a cache file.
        file: PathBuf,
        /// Compile as a module (the default for `.mjs` files).
        #[arg(long)]
        module: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { file, module } => check(&file, module),
        Command::Run {
            file,
            cache,
            module,
            gc_stress,
            stats,
            heap_limit,
        } => run(
            &file,
            cache.as_deref(),
            module,
            gc_stress,
            stats,
            heap_limit,
        ),
        Command::Compile {
            file,
            cache,
            module,
            stats,
        } => compile(&file, cache.as_deref(), module, stats),
        Command::Disasm { file, module } => disasm(&file, module),
    }
}

fn is_module(path: &Path, module: bool) -> bool {
    module || path.extension().is_some_and(|e| e == "mjs")
}

/// A source file read and parsed: its display name and text, or the exit after printing why
/// not (an unreadable file, or the SyntaxError with file:line:col and a caret).
fn parsed_source(path: &Path, kind: SourceKind) -> Result<(String, String), ExitCode> {
    let name = path.display().to_string();
    let source = read_source(path).map_err(|message| {
        eprintln!("error: {message}");
        ExitCode::FAILURE
    })?;
    let arena = bumpalo::Bump::new();
    let result = kiln_parser::parse(
        &arena,
        &source,
        kiln_parser::ParseOptions { kind, eval: None },
    );
    if let Some(error) = result.errors.first() {
        eprint!("{}", error.render(&name, &source));
        return Err(ExitCode::FAILURE);
    }
    Ok((name, source))
}

fn source_kind(path: &Path, module: bool) -> SourceKind {
    if is_module(path, module) {
        SourceKind::Module
    } else {
        SourceKind::Script
    }
}

fn check(path: &Path, module: bool) -> ExitCode {
    match parsed_source(path, source_kind(path, module)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

fn disasm(path: &Path, module: bool) -> ExitCode {
    let bytes = match kiln_cache::read_file(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    if bytes.starts_with(&kiln_cache::MAGIC) {
        return match kiln_cache::inspect(bytes) {
            Ok((header, code)) => {
                println!(
                    "cache {}: {} (strict: {}), bytecode version {}, Kiln {}, source {} bytes (xxh3 {:016x}), archive {} bytes",
                    path.display(),
                    header.kind,
                    header.strict,
                    header.bytecode_version,
                    header.engine_version,
                    header.source_len,
                    header.source_hash,
                    header.archive_len
                );
                print!("{}", kiln_compiler::disasm::disassemble(code.code()));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                ExitCode::FAILURE
            }
        };
    }
    let (name, source) = match read(path) {
        Ok(read) => read,
        Err(code) => return code,
    };
    let options = ScriptOptions {
        filename: name,
        source_type: source_type(path, module),
        ..ScriptOptions::default()
    };
    match Script::new(&source, options) {
        Ok(script) => {
            print!(
                "{}",
                kiln_compiler::disasm::disassemble_with_source(script.code().code(), &source)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn source_type(path: &Path, module: bool) -> SourceType {
    if is_module(path, module) {
        SourceType::Module
    } else {
        SourceType::Script
    }
}

/// Reads a source file: its display name and text, or the exit after printing why not.
fn read(path: &Path) -> Result<(String, String), ExitCode> {
    match read_source(path) {
        Ok(source) => Ok((path.display().to_string(), source)),
        Err(message) => {
            eprintln!("error: {message}");
            Err(ExitCode::FAILURE)
        }
    }
}

/// The name a script runs under: modules get their full path, so relative imports resolve.
fn script_name(path: &Path, source_type: SourceType) -> String {
    match source_type {
        SourceType::Module => std::fs::canonicalize(path)
            .map_or_else(|_| path.display().to_string(), |p| p.display().to_string()),
        SourceType::Script => path.display().to_string(),
    }
}

fn compile(path: &Path, cache: Option<&Path>, module: bool, stats: bool) -> ExitCode {
    let (_, source) = match read(path) {
        Ok(read) => read,
        Err(code) => return code,
    };
    let source_type = source_type(path, module);
    let options = ScriptOptions {
        filename: script_name(path, source_type),
        source_type,
        produce_cached_data: true,
        ..ScriptOptions::default()
    };
    let started = Instant::now();
    let script = match Script::new(&source, options) {
        Ok(script) => script,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let built = started.elapsed();
    let target = cache.map_or_else(|| path.with_extension("cache"), Path::to_path_buf);
    let data = script.cached_data().unwrap_or_default();
    let started = Instant::now();
    if let Err(e) = std::fs::write(&target, data) {
        eprintln!("error: cannot write {}: {e}", target.display());
        return ExitCode::FAILURE;
    }
    if stats {
        let s = script.stats();
        eprintln!(
            "kiln compile: source {} bytes, cache {} bytes ({:.2}x)",
            s.source_bytes,
            s.cache_bytes,
            s.cache_bytes as f64 / s.source_bytes.max(1) as f64
        );
        phase("parse", s.compile.parse);
        phase("compile", s.compile.compile);
        phase("archive", s.compile.archive);
        phase(
            "encode",
            built.saturating_sub(s.compile.parse + s.compile.compile + s.compile.archive),
        );
        phase("write", started.elapsed());
    }
    ExitCode::SUCCESS
}

fn phase(name: &str, time: Duration) {
    eprintln!("  {name:<9}{:>10.3} ms", time.as_secs_f64() * 1e3);
}

fn run(
    path: &Path,
    cache: Option<&Path>,
    module: bool,
    gc_stress: bool,
    stats: bool,
    heap_limit: Option<usize>,
) -> ExitCode {
    let (_, source) = match read(path) {
        Ok(read) => read,
        Err(code) => return code,
    };
    let started = Instant::now();
    let cached = match cache.map(read_bounded).transpose() {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!(
                "kiln: cannot read the cache {}: {e}; running from source",
                cache
                    .map(Path::display)
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            );
            None
        }
    };
    let read_cache = started.elapsed();
    let source_type = source_type(path, module);
    let options = ScriptOptions {
        filename: script_name(path, source_type),
        source_type,
        cached_data: cached.as_deref(),
        ..ScriptOptions::default()
    };
    let script = match Script::new(&source, options) {
        Ok(script) => script,
        Err(e) => {
            eprint!("{}", e.to_string().trim_end());
            eprintln!();
            return ExitCode::FAILURE;
        }
    };
    if let (Some(reason), Some(cache)) = (script.cache_rejection(), cache) {
        eprintln!(
            "kiln: cache {} rejected: {reason}; running from source",
            cache.display()
        );
    }
    let mut runtime = Runtime::new();
    runtime.vm.set_gc_stress(gc_stress);
    runtime.set_heap_limit(heap_limit);
    if source_type == SourceType::Script {
        let argv: Vec<String> = std::env::args().collect();
        kiln::commonjs::install(&mut runtime.vm, &script_name(path, source_type), &argv);
    }
    let started = Instant::now();
    let result = script.run_in_this_context(&mut runtime);
    let execute = started.elapsed();
    if stats {
        let s = script.stats();
        let from = match script.cached_data_rejected() {
            Some(false) => "cache",
            _ => "source",
        };
        eprintln!(
            "kiln run: from {from}; source {} bytes, cache {} bytes",
            s.source_bytes, s.cache_bytes
        );
        if from == "cache" {
            phase("read", read_cache + s.read);
            phase("header", s.load.header);
            phase("checksum", s.load.checksum);
            phase("validate", s.load.validate);
            phase("verify", s.load.verify);
        } else {
            phase("parse", s.compile.parse);
            phase("compile", s.compile.compile);
            phase("archive", s.compile.archive);
        }
        phase("execute", execute);
        let peak = kiln::commonjs::peak_resident_bytes() as f64 / (1 << 20) as f64;
        eprintln!("  peak RSS {peak:8.1} MB");
    }
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            report_uncaught(&mut runtime, error);
            ExitCode::FAILURE
        }
    }
}

/// Prints an uncaught exception: `file:line:col`, the source line with a caret, then the
/// error's stack (or its value).
fn report_uncaught(runtime: &mut Runtime, error: kiln::Error) {
    let value = match error {
        kiln::Error::Thrown { value, .. } => value,
        kiln::Error::Terminated(reason) if reason == kiln_interpreter::vm::HEAP_LIMIT_EXCEEDED => {
            let stats = runtime.vm.heap_stats();
            let limit = stats.limit.unwrap_or(0) >> 20;
            eprintln!("kiln: stopped: the script passed the heap limit of {limit} MB");
            eprintln!("kiln: {}", stats.summary());
            return;
        }
        other => {
            eprintln!("{other}");
            return;
        }
    };
    let vm = &mut runtime.vm;
    if let Some((script, offset)) = vm.exception_origin() {
        let (line, column) = script.line_column(offset);
        let text = script.line_text(line);
        eprintln!("{}:{line}:{column}", script.name);
        eprintln!("{text}");
        eprintln!("{}^", " ".repeat(column.saturating_sub(1)));
        eprintln!();
    }
    let shown = describe_error(vm, value);
    eprintln!("Uncaught {shown}");
}

fn describe_error(vm: &mut Vm, value: Value) -> String {
    kiln_interpreter::builtins::console::inspect(vm, value)
}

/// Reads a whole file of at most `kiln_cache::MAX_FILE_BYTES`: endless inputs (`/dev/zero`) and
/// enormous ones are an error, not an exhausted machine.
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let limit = kiln_cache::MAX_FILE_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "larger than the {} MiB a script or cache may be",
            limit >> 20
        )));
    }
    Ok(bytes)
}

/// Reads a source file; invalid UTF-8 is an error naming the first bad byte.
fn read_source(path: &Path) -> Result<String, String> {
    let bytes = read_bounded(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not valid UTF-8 (byte offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// `--heap-limit MB` in bytes; a count of megabytes too large for the address space is an error
/// (shifting it would wrap, to 0 for some values, which stops every program at once).
fn parse_heap_limit(text: &str) -> Result<usize, String> {
    let mb: usize = text
        .parse()
        .map_err(|e| format!("not a number of megabytes: {e}"))?;
    mb.checked_mul(1 << 20)
        .ok_or_else(|| format!("at most {} megabytes", usize::MAX >> 20))
}
