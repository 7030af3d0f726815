//! The `kiln` command line.

use clap::{Parser, Subcommand};
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
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { file, module } => check(&file, module),
    }
}

fn check(path: &Path, module: bool) -> ExitCode {
    let name = path.display().to_string();
    let source = match read_source(path) {
        Ok(source) => source,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let kind = if module || path.extension().is_some_and(|e| e == "mjs") {
        SourceKind::Module
    } else {
        SourceKind::Script
    };
    let arena = bumpalo::Bump::new();
    let result = kiln_parser::parse(&arena, &source, kiln_parser::ParseOptions { kind });
    match result.errors.first() {
        None => ExitCode::SUCCESS,
        Some(error) => {
            eprint!("{}", error.render(&name, &source));
            ExitCode::FAILURE
        }
    }
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
