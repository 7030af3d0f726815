//! The `kiln` command line.

use clap::{Parser, Subcommand};
use kiln_compiler::CodeKind;
use kiln_interpreter::{JsError, Value, Vm};
use kiln_parser::ast::SourceKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
        /// Run as a module (the default for `.mjs` files).
        #[arg(long)]
        module: bool,
        /// Collect garbage at every safepoint and never reuse freed cells (finds rooting bugs).
        #[arg(long)]
        gc_stress: bool,
    },
    /// Print the bytecode of every function in a script: registers, constants, jump targets
    /// and source positions.
    Disasm {
        /// The script to compile and disassemble.
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
            module,
            gc_stress,
        } => run(&file, module, gc_stress),
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
    let kind = source_kind(path, module);
    let (name, source) = match parsed_source(path, kind) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let arena = bumpalo::Bump::new();
    let parsed = kiln_parser::parse(
        &arena,
        &source,
        kiln_parser::ParseOptions { kind, eval: None },
    );
    let code_kind = if kind == SourceKind::Module {
        CodeKind::Module
    } else {
        CodeKind::Script
    };
    let code = match kiln_compiler::compile(&parsed.program, code_kind) {
        Ok(code) => code,
        Err(e) => {
            let d = kiln_parser::Diagnostic {
                message: e.message,
                span: e.span,
            };
            eprint!("{}", d.render(&name, &source));
            return ExitCode::FAILURE;
        }
    };
    let bytes = match code.archive() {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: {}", e.0);
            return ExitCode::FAILURE;
        }
    };
    match kiln_compiler::code::access(&bytes) {
        Ok(archived) => {
            print!(
                "{}",
                kiln_compiler::disasm::disassemble_with_source(archived, &source)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", e.0);
            ExitCode::FAILURE
        }
    }
}

fn run(path: &Path, module: bool, gc_stress: bool) -> ExitCode {
    // Syntax errors get the parser's own rendering (file:line:col and a caret).
    let kind = source_kind(path, module);
    let (name, source) = match parsed_source(path, kind) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let mut vm = Vm::new(Box::new(kiln_interpreter::StdHost));
    vm.heap.gc_stress = gc_stress;
    let code_kind = if kind == SourceKind::Module {
        CodeKind::Module
    } else {
        CodeKind::Script
    };
    let result = if code_kind == CodeKind::Module {
        let full = std::fs::canonicalize(path).map_or(name.clone(), |p| p.display().to_string());
        vm.run_module(&source, &full)
    } else {
        kiln_interpreter::eval::compile(&mut vm, &source, &name, code_kind)
            .and_then(|script| vm.run_top_level(script))
            .map(|_| ())
    }
    .and_then(|_| vm.run_jobs());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report_uncaught(&mut vm, error);
            ExitCode::FAILURE
        }
    }
}

/// Prints an uncaught exception: `file:line:col`, the source line with a caret, then the
/// error's stack (or its value).
fn report_uncaught(vm: &mut Vm, error: JsError) {
    let value = match error {
        JsError::Throw(v) => v,
        JsError::Terminate(reason) => {
            eprintln!("Uncaught: {reason}");
            return;
        }
    };
    if let Some((script, offset)) = vm.exception_origin.clone() {
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

/// Reads a source file; invalid UTF-8 is an error naming the first bad byte.
fn read_source(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not valid UTF-8 (byte offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}
