//! The `kiln` command line.

use clap::{Parser, Subcommand};
use kiln::{Runtime, Script, ScriptOptions, SourceType};
use kiln_interpreter::{Value, Vm};
use kiln_parser::ast::SourceKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

mod repl;

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

/// mimalloc's `arena_reserve` (KiB; position 23 in `mi_option_e`). Its default, 1 GiB, gives the
/// first arena about 200 KB of bitmaps that every run touches; 64 MiB needs a sixteenth of
/// that (an empty script's resident set: about 120 KB less). Larger heaps reserve more arenas,
/// each eighth doubling in size, at no measured cost in time (splay, deltablue, base64).
#[cfg(target_os = "linux")]
const MI_OPTION_ARENA_RESERVE: libmimalloc_sys::mi_option_t = 23;

/// Runs before mimalloc initialises (its constructor has priority 101) and reserves its first
/// arena, which is when the options are read; setting them from `main` would be too late.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array.00100")]
static CONFIGURE_ALLOCATOR: extern "C" fn() = configure_allocator;

#[cfg(target_os = "linux")]
extern "C" fn configure_allocator() {
    // SAFETY: sets one entry of mimalloc's option table; nothing else runs yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
    // SAFETY: as above.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_RESERVE, 64 * 1024) };
}

#[derive(Parser)]
#[command(
    name = "kiln",
    version,
    about = "Kiln, a JavaScript engine",
    propagate_version = true,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Run CODE as a script.
    #[arg(
        short = 'e',
        long = "eval",
        value_name = "CODE",
        conflicts_with = "print"
    )]
    eval: Option<String>,
    /// Run CODE as a script and print its completion value as `console.log` would.
    #[arg(short = 'p', long = "print", value_name = "CODE")]
    print: Option<String>,
    /// Run the program as a module (the default for `.mjs` files).
    #[arg(long)]
    module: bool,
    /// Stop code whose live heap passes this many megabytes.
    #[arg(long, value_name = "MB", value_parser = parse_heap_limit)]
    heap_limit: Option<usize>,
    /// After the run, print on stderr the dynamic count of each opcode, the hottest functions
    /// by instructions executed and the inline caches' hit rates per site kind.
    #[arg(long)]
    profile: bool,
    /// Print each executed instruction with its frame depth, function and pc, on stderr or into
    /// FILE (`--trace=FILE`). For small programs: one line per instruction.
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true, default_missing_value = "-")]
    trace: Option<PathBuf>,
    /// A script to run (`-` for stdin) and the arguments it gets in `process.argv`; with `-e`
    /// or `-p`, only arguments. With none and stdin not a terminal, the program is read from
    /// stdin.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "FILE ARGS"
    )]
    args: Vec<String>,
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
    /// Run a script (`-`: read it from stdin), then its timers. Uncaught errors print their
    /// message, location and stack, and exit 1.
    Run {
        /// The script to run, or `-` for stdin.
        file: PathBuf,
        /// A cache made by `kiln compile`: run from it when it fits the script; otherwise say
        /// why on stderr and compile from source.
        cache: Option<PathBuf>,
        /// Arguments for the script's `process.argv` (after `--`).
        #[arg(last = true)]
        args: Vec<String>,
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
        /// After the run, print on stderr the dynamic count of each opcode, the hottest
        /// functions by instructions executed and the inline caches' hit rates per site kind.
        #[arg(long)]
        profile: bool,
        /// Print each executed instruction with its frame depth, function and pc, on stderr or
        /// into FILE (`--trace=FILE`). For small programs: one line per instruction.
        #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true, default_missing_value = "-")]
        trace: Option<PathBuf>,
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
    /// Start the interactive REPL (what `kiln` alone does on a terminal).
    Repl {
        /// Stop code whose live heap passes this many megabytes.
        #[arg(long, value_name = "MB", value_parser = parse_heap_limit)]
        heap_limit: Option<usize>,
        /// At exit, print on stderr the opcode counts, hottest functions and inline-cache hit
        /// rates of everything the session ran.
        #[arg(long)]
        profile: bool,
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
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        let flags = RunFlags {
            module: cli.module,
            heap_limit: cli.heap_limit,
            profile: cli.profile,
            trace: cli.trace,
            ..RunFlags::default()
        };
        return run_without_command(cli.eval, cli.print, cli.args, flags);
    };
    match command {
        Command::Check { file, module } => check(&file, module),
        Command::Run {
            file,
            cache,
            args,
            module,
            gc_stress,
            stats,
            heap_limit,
            profile,
            trace,
        } => {
            let input = if file.as_os_str() == "-" {
                Input::Stdin
            } else {
                Input::File(file)
            };
            let options = RunFlags {
                module,
                gc_stress,
                stats,
                heap_limit,
                profile,
                trace,
            };
            run(input, cache.as_deref(), &args, options)
        }
        Command::Compile {
            file,
            cache,
            module,
            stats,
        } => compile(&file, cache.as_deref(), module, stats),
        Command::Disasm { file, module } => disasm(&file, module),
        Command::Repl {
            heap_limit,
            profile,
        } => repl::run(RunFlags {
            heap_limit,
            profile,
            ..RunFlags::default()
        }),
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
                    "cache {}: {} (strict: {}), bytecode version {}, Kiln {}, source {} bytes (xxh3 {:016x}); archive {} bytes, bytecode {} bytes, positions {} bytes",
                    path.display(),
                    header.kind,
                    header.strict,
                    header.bytecode_version,
                    header.engine_version,
                    header.source_len,
                    header.source_hash,
                    header.archive_len,
                    header.bytecode_len,
                    header.positions_len
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
            // The disassembler reads every function: verify those a run would verify on use.
            if let Err(e) = script.code().verify_all(&source) {
                eprintln!("error: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            print!(
                "{}",
                kiln_compiler::disasm::disassemble_with_source(script.code().view(), &source)
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

/// Where a run's program comes from.
enum Input {
    File(PathBuf),
    Stdin,
    /// `-e CODE`, or `-p CODE` (`print`: show the completion value).
    Eval {
        code: String,
        print: bool,
    },
}

/// The switches of `kiln run`.
#[derive(Default)]
struct RunFlags {
    module: bool,
    gc_stress: bool,
    stats: bool,
    heap_limit: Option<usize>,
    /// `--profile`: print the tables after the run.
    profile: bool,
    /// `--trace`: where to write the executed instructions (`-` for stderr).
    trace: Option<PathBuf>,
}

/// `kiln -e CODE`, `kiln -p CODE`, `kiln FILE ARGS...`, and `kiln` reading stdin.
fn run_without_command(
    eval: Option<String>,
    print: Option<String>,
    args: Vec<String>,
    flags: RunFlags,
) -> ExitCode {
    use std::io::IsTerminal;
    if let Some(code) = eval {
        return run(Input::Eval { code, print: false }, None, &args, flags);
    }
    if let Some(code) = print {
        return run(Input::Eval { code, print: true }, None, &args, flags);
    }
    match args.split_first() {
        Some((file, rest)) if file == "-" => run(Input::Stdin, None, rest, flags),
        Some((file, rest)) => run(Input::File(PathBuf::from(file)), None, rest, flags),
        None if !std::io::stdin().is_terminal() => run(Input::Stdin, None, &[], flags),
        None => repl::run(flags),
    }
}

/// `--profile` and `--trace`: observes the runtime's instructions from now on. The error says
/// why the trace file cannot be written.
fn start_profile(runtime: &mut Runtime, flags: &RunFlags) -> Result<(), String> {
    if !flags.profile && flags.trace.is_none() {
        return Ok(());
    }
    let trace: Option<Box<dyn std::io::Write>> = match &flags.trace {
        None => None,
        Some(path) if path.as_os_str() == "-" => {
            Some(Box::new(std::io::BufWriter::new(std::io::stderr())))
        }
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Some(Box::new(std::io::BufWriter::new(file))),
            Err(e) => return Err(format!("cannot write the trace to {}: {e}", path.display())),
        },
    };
    runtime
        .vm
        .start_profile(kiln_interpreter::profile::ProfileOptions {
            counts: flags.profile,
            trace,
        });
    Ok(())
}

/// `--profile`'s tables, on stderr (and the end of `--trace`'s output).
fn print_profile(runtime: &mut Runtime, flags: &RunFlags) {
    if let Some(profile) = runtime.vm.take_profile()
        && flags.profile
    {
        eprint!("{}", profile.report(20));
    }
}

/// Reads all of stdin as UTF-8.
fn read_stdin() -> Result<String, String> {
    use std::io::Read;
    let limit = kiln_cache::MAX_FILE_BYTES;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "stdin is larger than the {} MiB a script may be",
            limit >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "stdin is not valid UTF-8 (byte offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// An exit code for the process (Node's codes are taken modulo 256, as the OS does).
fn exit_with(code: i32) -> ExitCode {
    ExitCode::from(code.rem_euclid(256) as u8)
}

fn run(input: Input, cache: Option<&Path>, args: &[String], flags: RunFlags) -> ExitCode {
    // The program's text, the name it runs under, and the entry `process.argv[1]` shows.
    let (source, name, source_type, argv1, print) = match &input {
        Input::File(path) => {
            let (_, source) = match read(path) {
                Ok(read) => read,
                Err(code) => return code,
            };
            let source_type = source_type(path, flags.module);
            let absolute = std::path::absolute(path)
                .map_or_else(|_| path.display().to_string(), |p| p.display().to_string());
            (
                source,
                script_name(path, source_type),
                source_type,
                Some(absolute),
                false,
            )
        }
        Input::Stdin => match read_stdin() {
            Ok(source) => {
                let source_type = if flags.module {
                    SourceType::Module
                } else {
                    SourceType::Script
                };
                (
                    source,
                    "[stdin]".to_string(),
                    source_type,
                    Some("-".to_string()),
                    false,
                )
            }
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
        },
        Input::Eval { code, print } => (
            code.clone(),
            "[eval]".to_string(),
            if flags.module {
                SourceType::Module
            } else {
                SourceType::Script
            },
            None,
            *print,
        ),
    };
    let options = ScriptOptions {
        filename: name.clone(),
        source_type,
        cache_path: cache,
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
    let mut runtime = host_runtime(&flags, argv1, args, &name, source_type);
    if let Err(e) = start_profile(&mut runtime, &flags) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let started = Instant::now();
    let result = script.run_in_this_context(&mut runtime);
    let result = match result {
        Ok(value) => {
            let printed = if print {
                kiln_interpreter::builtins::console::format_log(&mut runtime.vm, &[value])
                    .map(|shown| println!("{shown}"))
                    .map_err(|e| runtime.error(e))
            } else {
                Ok(())
            };
            printed.and_then(|()| finish_run(&mut runtime))
        }
        Err(error) => Err(error),
    };
    let execute = started.elapsed();
    print_profile(&mut runtime, &flags);
    if flags.stats {
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
            phase("read", s.read);
            phase("header", s.load.header);
            phase("src hash", s.load.source_hash);
            phase("checksum", s.load.checksum);
            phase("validate", s.load.validate);
            phase("verify", s.load.verify);
            if s.load.two_threads {
                eprintln!(
                    "  {:<9}{:>10.3} ms  (all of the above: the reading, the hashes and the checks side by side on two threads)",
                    "load",
                    s.load.total.as_secs_f64() * 1e3
                );
            }
        } else {
            phase("parse", s.compile.parse);
            phase("compile", s.compile.compile);
            phase("archive", s.compile.archive);
        }
        phase("execute", execute);
        // Functions are verified as they are first made into closures, inside `execute`.
        let (verified, time) = script.code().lazy_verification();
        eprintln!(
            "  {:<9}{:>10.3} ms  ({verified} of {} functions verified on first use, within execute)",
            "verify+",
            time.as_secs_f64() * 1e3,
            script.code().code().functions.len(),
        );
        let peak = kiln::process::peak_resident_bytes() as f64 / (1 << 20) as f64;
        eprintln!("  peak RSS {peak:8.1} MB");
        eprintln!("  heap     {}", runtime.vm.heap_stats().summary());
    }
    let code = match result {
        Ok(()) => kiln::process::exit_code_property(&mut runtime.vm),
        Err(kiln::Error::Terminated(reason)) if reason == kiln::process::EXIT_REASON => {
            kiln::process::exit_code()
        }
        Err(error) => {
            report_uncaught(&mut runtime, error);
            1
        }
    };
    exit_with(kiln::process::emit_exit(&mut runtime.vm, code))
}

/// A runtime with the command line's host on its global: `process` (`argv`: this executable,
/// then `argv1` and `args`), the event loop, the web basics and, for a script, CommonJS
/// `require` relative to `name`.
fn host_runtime(
    flags: &RunFlags,
    argv1: Option<String>,
    args: &[String],
    name: &str,
    source_type: SourceType,
) -> Runtime {
    let mut runtime = Runtime::new();
    runtime.vm.set_gc_stress(flags.gc_stress);
    runtime.set_heap_limit(flags.heap_limit);
    let executable =
        std::env::current_exe().map_or_else(|_| "kiln".to_string(), |p| p.display().to_string());
    let argv: Vec<String> = std::iter::once(executable)
        .chain(argv1)
        .chain(args.iter().cloned())
        .collect();
    kiln::process::install(&mut runtime.vm, &argv);
    kiln::event_loop::install(&mut runtime.vm);
    kiln::web::install(&mut runtime.vm);
    if source_type == SourceType::Script {
        kiln::commonjs::install(&mut runtime.vm, name);
    }
    runtime
}

/// After the main program: unhandled rejections left by its microtasks, then the event loop.
fn finish_run(runtime: &mut Runtime) -> Result<(), kiln::Error> {
    use kiln::event_loop::{after_task, run};
    after_task(&mut runtime.vm)
        .and_then(|()| run(&mut runtime.vm))
        .map_err(|stop| stop_error(runtime, stop))
}

/// Why the event loop stopped, as an error of the run. An unhandled rejection is reported
/// here; its error is [`UNHANDLED_REJECTION`], which [`report_uncaught`] does not repeat.
fn stop_error(runtime: &mut Runtime, stop: kiln::event_loop::Stop) -> kiln::Error {
    use kiln::event_loop::Stop;
    match stop {
        Stop::Error(e) => runtime.error(e),
        Stop::UnhandledRejection(reason) => {
            let shown = describe_error(&mut runtime.vm, reason);
            eprintln!("Uncaught (in promise) {shown}");
            eprintln!("kiln: a promise was rejected and no handler was attached");
            kiln::Error::Terminated(UNHANDLED_REJECTION.into())
        }
    }
}

/// The reason [`finish_run`] gives once it has reported an unhandled rejection.
const UNHANDLED_REJECTION: &str = "unhandled rejection";

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
        kiln::Error::Terminated(reason) if reason == UNHANDLED_REJECTION => return,
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
    let file = std::fs::File::open(path)?;
    // `take` hides the file's size from `read_to_end`: without a capacity it grows the buffer
    // by doubling, copying a 10 MB cache several times over.
    let size = file.metadata().map_or(0, |m| m.len().min(limit + 1));
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes)?;
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
    if path.is_dir() {
        return Err(format!("{} is a directory, not a script", path.display()));
    }
    let bytes = read_bounded(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("cannot find the file {}", path.display()),
        _ => format!("cannot read {}: {e}", path.display()),
    })?;
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
