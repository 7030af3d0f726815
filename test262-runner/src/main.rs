//! kiln-test262: runs the test262 conformance suite against Kiln.
//!
//! Each test file runs in every mode its flags ask for (sloppy and strict by default); it passes
//! only if every mode passes. Modes of execution (parse only, run, gc-stress) implement
//! [`Executor`].

mod agents;
mod execute;
mod expectations;
mod frontmatter;

use clap::Parser as _;
use expectations::Expectations;
use frontmatter::Frontmatter;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

#[cfg(test)]
mod tests {
    #[test]
    fn table_rows_are_folders() {
        assert_eq!(
            super::table_row("built-ins/Array/from/a.js"),
            "built-ins/Array"
        );
        assert_eq!(super::table_row("harness/assert.js"), "harness");
    }
}

#[derive(clap::Parser)]
#[command(name = "kiln-test262", about = "Run test262 against Kiln")]
struct Args {
    /// Test files or folders, relative to the suite's `test/` folder (default: all of it).
    paths: Vec<String>,
    /// The test262 checkout (else $TEST262_DIR, else ../shared/test262).
    #[arg(long)]
    test262_dir: Option<PathBuf>,
    /// Only parse each test: it passes when it parses exactly when it is not a parse-negative test.
    #[arg(long)]
    parse_only: bool,
    /// Collect garbage at every safepoint after an allocation and never reuse freed cells (execution mode).
    #[arg(long)]
    gc_stress: bool,
    /// Run every test through a cache file: compile, write, read back, load, verify, run.
    #[arg(long)]
    via_cache: bool,
    /// Only tests with at least one of these features (comma-separated).
    #[arg(long, value_delimiter = ',')]
    features: Vec<String>,
    /// Leave out tests with any of these features (comma-separated).
    #[arg(long, value_delimiter = ',')]
    exclude_features: Vec<String>,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long)]
    jobs: Option<usize>,
    /// Write per-test results to this JSON file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Fail on any failure not listed in the expectations file, and report listed tests that pass.
    #[arg(long)]
    expectations: bool,
    /// Rewrite the expectations file from this run.
    #[arg(long)]
    update_expectations: bool,
    /// The expectations file (default: test262-runner/expectations/MODE.txt). Given more than
    /// once, the listed failures are the union of the files (for checking, not for rewriting).
    #[arg(long)]
    expectations_file: Vec<PathBuf>,
    /// Print every failure with its reason.
    #[arg(short, long)]
    verbose: bool,
    /// Write the pass figures (the whole run, each top folder, each table row) to this file.
    #[arg(long)]
    write_summary: Option<PathBuf>,
    /// Fail unless this committed summary matches the run's figures exactly.
    #[arg(long)]
    check_summary: Option<PathBuf>,
}

/// How a test file's source is presented to the engine (test262's INTERPRETING.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Sloppy,
    /// With `"use strict";` prepended.
    Strict,
    Module,
    /// Exactly as written, sloppy.
    Raw,
}

impl Mode {
    fn for_test(fm: &Frontmatter) -> &'static [Mode] {
        if fm.has_flag("module") {
            &[Mode::Module]
        } else if fm.has_flag("raw") {
            &[Mode::Raw]
        } else if fm.has_flag("onlyStrict") {
            &[Mode::Strict]
        } else if fm.has_flag("noStrict") {
            &[Mode::Sloppy]
        } else {
            &[Mode::Sloppy, Mode::Strict]
        }
    }
}

struct TestCase {
    /// Relative to the suite's `test/` folder, with `/` separators.
    name: String,
    source: String,
    frontmatter: Frontmatter,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Pass,
    Fail(String),
    /// The engine panicked: a bug, never a pass.
    Crash(String),
    Skip(String),
}

impl Outcome {
    fn label(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail(_) => "fail",
            Outcome::Crash(_) => "crash",
            Outcome::Skip(_) => "skip",
        }
    }

    fn reason(&self) -> &str {
        match self {
            Outcome::Pass => "",
            Outcome::Fail(r) | Outcome::Crash(r) | Outcome::Skip(r) => r,
        }
    }
}

/// One way of running a test in one mode.
trait Executor: Sync {
    /// The expectations file's name for this executor.
    fn name(&self) -> &'static str;
    fn run(&self, test: &TestCase, mode: Mode) -> Outcome;
}

/// Parse mode: a parse-negative test must fail with a SyntaxError, every other test must parse.
struct ParseOnly;

impl Executor for ParseOnly {
    fn name(&self) -> &'static str {
        "parse-only"
    }

    fn run(&self, test: &TestCase, mode: Mode) -> Outcome {
        let arena = bumpalo::Bump::new();
        let strict_source;
        let (source, kind) = match mode {
            Mode::Sloppy | Mode::Raw => {
                (test.source.as_str(), kiln_parser::ast::SourceKind::Script)
            }
            Mode::Strict => {
                strict_source = format!("\"use strict\";\n{}", test.source);
                (strict_source.as_str(), kiln_parser::ast::SourceKind::Script)
            }
            Mode::Module => (test.source.as_str(), kiln_parser::ast::SourceKind::Module),
        };
        let result = kiln_parser::parse(
            &arena,
            source,
            kiln_parser::ParseOptions { kind, eval: None },
        );
        let negative = test
            .frontmatter
            .negative
            .as_ref()
            .filter(|_| test.frontmatter.is_negative_in("parse"));
        match (negative, result.errors.first()) {
            (None, None) => Outcome::Pass,
            (None, Some(e)) => {
                Outcome::Fail(format!("{mode:?}: unexpected SyntaxError: {}", e.message))
            }
            (Some(n), Some(_)) if n.error_type == "SyntaxError" => Outcome::Pass,
            (Some(n), Some(e)) => Outcome::Fail(format!(
                "{mode:?}: expected {}, got SyntaxError: {}",
                n.error_type, e.message
            )),
            (Some(n), None) => Outcome::Fail(format!(
                "{mode:?}: expected {} at parse time, but it parsed",
                n.error_type
            )),
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let suite = args
        .test262_dir
        .clone()
        .or_else(|| std::env::var_os("TEST262_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("../shared/test262"));
    let test_root = suite.join("test");
    if !test_root.is_dir() {
        eprintln!(
            "kiln-test262: no test262 suite at {} (use --test262-dir or TEST262_DIR)",
            suite.display()
        );
        return ExitCode::from(2);
    }
    let execute;
    let executor: &dyn Executor = if args.parse_only {
        &ParseOnly
    } else {
        execute = execute::Execute::new(&suite, args.gc_stress, args.via_cache);
        &execute
    };

    let prefixes: Vec<String> = args
        .paths
        .iter()
        .map(|p| normalize_prefix(p, &test_root))
        .collect();
    let mut files = Vec::new();
    for prefix in if prefixes.is_empty() {
        vec![String::new()]
    } else {
        prefixes.clone()
    } {
        collect_tests(&test_root.join(&prefix), &test_root, &mut files);
    }
    files.sort();
    files.dedup();

    let tests = load_tests(&files, &test_root, &args);
    let total = tests.len();
    let results = run_all(executor, &tests, args.jobs);

    // Per-folder table, depth two under test/.
    let mut table: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut passed, mut failed, mut skipped, mut crashed) = (0, 0, 0, 0);
    let mut failures = BTreeSet::new();
    for (test, outcome) in tests.iter().zip(&results) {
        let row = table.entry(table_row(&test.name)).or_default();
        row.1 += 1;
        match outcome {
            Outcome::Pass => {
                passed += 1;
                row.0 += 1;
            }
            Outcome::Fail(_) => failed += 1,
            Outcome::Crash(_) => {
                crashed += 1;
                failed += 1;
            }
            Outcome::Skip(_) => skipped += 1,
        }
        if !matches!(outcome, Outcome::Pass) {
            failures.insert(test.name.clone());
            if args.verbose {
                println!(
                    "{} {}: {}",
                    outcome.label().to_uppercase(),
                    test.name,
                    outcome.reason()
                );
            }
        }
    }
    println!("{:<48} {:>8} {:>8} {:>8}", "folder", "passed", "total", "%");
    for (folder, (p, t)) in &table {
        println!("{:<48} {:>8} {:>8} {:>7.2}%", folder, p, t, percent(*p, *t));
    }
    println!(
        "{:<48} {:>8} {:>8} {:>7.2}%",
        "all",
        passed,
        total,
        percent(passed, total)
    );
    if crashed > 0 {
        println!("crashes: {crashed}");
    }

    if let Some(path) = &args.json {
        let rows: Vec<serde_json::Value> = tests
            .iter()
            .zip(&results)
            .map(|(t, o)| serde_json::json!({ "path": t.name, "outcome": o.label(), "reason": o.reason() }))
            .collect();
        if let Err(e) = std::fs::write(
            path,
            serde_json::to_string_pretty(&rows).unwrap_or_default(),
        ) {
            eprintln!("kiln-test262: cannot write {}: {e}", path.display());
        }
    }

    let mut code = ExitCode::SUCCESS;
    let summary = render_summary(&table, passed, total, executor.name(), &prefixes);
    if let Some(path) = &args.write_summary {
        match std::fs::write(path, &summary) {
            Ok(()) => println!("summary: wrote {}", path.display()),
            Err(e) => {
                eprintln!("kiln-test262: cannot write {}: {e}", path.display());
                code = ExitCode::FAILURE;
            }
        }
    }
    if let Some(path) = &args.check_summary {
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        if committed == summary {
            println!("summary: {} matches this run", path.display());
        } else {
            println!(
                "SUMMARY MISMATCH: {} differs from this run's figures; rewrite it with --write-summary",
                path.display()
            );
            for (old, new) in committed
                .lines()
                .zip(summary.lines())
                .filter(|(a, b)| a != b)
            {
                println!("  committed: {old}\n  this run:  {new}");
            }
            code = ExitCode::FAILURE;
        }
    }
    let expectations_paths = if args.expectations_file.is_empty() {
        vec![
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("expectations")
                .join(format!("{}.txt", executor.name())),
        ]
    } else {
        args.expectations_file.clone()
    };
    if args.update_expectations && expectations_paths.len() > 1 {
        eprintln!(
            "kiln-test262: --update-expectations rewrites one file; give one --expectations-file"
        );
        return ExitCode::from(2);
    }
    let expectations_path = &expectations_paths[0];
    if args.expectations || args.update_expectations {
        let mut known = Expectations::default();
        for path in &expectations_paths {
            match std::fs::read_to_string(path) {
                Ok(text) => known.merge(Expectations::parse(&text)),
                Err(e) if args.expectations => {
                    eprintln!("kiln-test262: cannot read {}: {e}", path.display());
                    code = ExitCode::FAILURE;
                }
                Err(_) => {}
            }
        }
        let selected = |name: &str| {
            prefixes.is_empty() || prefixes.iter().any(|p| name.starts_with(p.as_str()))
        };
        let in_run: BTreeSet<&str> = tests.iter().map(|t| t.name.as_str()).collect();
        if args.expectations {
            let unexpected: Vec<&String> = failures.iter().filter(|t| !known.contains(t)).collect();
            let fixed: Vec<&String> = known
                .groups
                .values()
                .flatten()
                .filter(|t| in_run.contains(t.as_str()) && !failures.contains(*t))
                .collect();
            for t in &fixed {
                println!("now passes (remove from expectations): {t}");
            }
            for t in &unexpected {
                let reason = tests
                    .iter()
                    .zip(&results)
                    .find(|(x, _)| &x.name == *t)
                    .map_or("", |(_, o)| o.reason());
                println!("REGRESSION {t}: {reason}");
            }
            println!(
                "expectations: {} listed, {} unexpected failures, {} listed tests now pass",
                known.len(),
                unexpected.len(),
                fixed.len()
            );
            if !unexpected.is_empty() {
                code = ExitCode::FAILURE;
            }
        }
        if args.update_expectations {
            let updated = known.updated(&|name| selected(name) && in_run.contains(name), &failures);
            let header = format!(
                "# test262 tests known to fail in {} mode, grouped by reason.\n# Paths are relative to test262's test/ folder. Rewrite with --update-expectations.\n",
                executor.name()
            );
            if let Some(dir) = expectations_path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            match std::fs::write(expectations_path, updated.render(&header)) {
                Ok(()) => println!(
                    "expectations: wrote {} tests to {}",
                    updated.len(),
                    expectations_path.display()
                ),
                Err(e) => {
                    eprintln!(
                        "kiln-test262: cannot write {}: {e}",
                        expectations_path.display()
                    );
                    code = ExitCode::FAILURE;
                }
            }
        }
    }
    println!(
        "test262: {passed} passed, {failed} failed, {skipped} skipped ({} of {total} files do not pass)",
        total - passed
    );
    code
}

/// The committed summary: a Markdown table of the run's figures, top folders first.
fn render_summary(
    table: &BTreeMap<String, (usize, usize)>,
    passed: usize,
    total: usize,
    mode: &str,
    prefixes: &[String],
) -> String {
    let mut top: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (row, (p, t)) in table {
        let entry = top.entry(row.split('/').next().unwrap_or("")).or_default();
        entry.0 += p;
        entry.1 += t;
    }
    let line = |name: &str, p: usize, t: usize| {
        format!("| {name} | {p} | {t} | {:.2}% |\n", percent(p, t))
    };
    let mut out = format!(
        "# test262 summary: {} ({mode} mode)\n\nWritten by `kiln-test262 --write-summary`; `.ci/run` fails when a run's figures differ.\n\n| folder | passed | files | % |\n|---|---:|---:|---:|\n",
        prefixes.join(" ")
    );
    out += &line("**all**", passed, total);
    for (name, (p, t)) in &top {
        out += &line(&format!("**{name}/**"), *p, *t);
    }
    for (name, (p, t)) in table {
        out += &line(name, *p, *t);
    }
    out
}

/// The table row of a test: its folder, at most two levels under `test/` (`built-ins/Array`).
fn table_row(name: &str) -> String {
    let folders: Vec<&str> = name.split('/').collect();
    let depth = folders.len().saturating_sub(1).min(2);
    folders[..depth].join("/")
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// A path argument as a prefix relative to `test/`: accepts `language/x`, `test/language/x` and
/// absolute paths inside the suite.
fn normalize_prefix(path: &str, test_root: &Path) -> String {
    let p = Path::new(path);
    let relative = if p.is_absolute() {
        let root = test_root
            .canonicalize()
            .unwrap_or_else(|_| test_root.to_path_buf());
        let abs = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        abs.strip_prefix(&root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| p.to_path_buf())
    } else {
        p.strip_prefix("test").unwrap_or(p).to_path_buf()
    };
    relative
        .to_string_lossy()
        .replace('\\', "/")
        .trim_end_matches('/')
        .to_string()
}

/// Every test file under `path` (a file or a folder), skipping fixtures.
fn collect_tests(path: &Path, root: &Path, out: &mut Vec<String>) {
    if path.is_file() {
        if let Some(name) = test_name(path, root) {
            out.push(name);
        }
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect_tests(&p, root, out);
        } else if let Some(name) = test_name(&p, root) {
            out.push(name);
        }
    }
}

fn test_name(path: &Path, root: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?;
    if !file.ends_with(".js") || file.contains("_FIXTURE") {
        return None;
    }
    Some(
        path.strip_prefix(root)
            .ok()?
            .to_string_lossy()
            .replace('\\', "/"),
    )
}

fn load_tests(files: &[String], root: &Path, args: &Args) -> Vec<TestCase> {
    let mut tests = Vec::new();
    for name in files {
        let bytes = match std::fs::read(root.join(name)) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("kiln-test262: cannot read {name}: {e}");
                continue;
            }
        };
        let source = String::from_utf8_lossy(&bytes).into_owned();
        let frontmatter = frontmatter::parse(&source);
        if !args.features.is_empty()
            && !frontmatter
                .features
                .iter()
                .any(|f| args.features.contains(f))
        {
            continue;
        }
        if frontmatter
            .features
            .iter()
            .any(|f| args.exclude_features.contains(f))
        {
            continue;
        }
        tests.push(TestCase {
            name: name.clone(),
            source,
            frontmatter,
        });
    }
    tests
}

/// Runs every test on `jobs` threads with large stacks; a panic is a CRASH outcome.
fn run_all(executor: &dyn Executor, tests: &[TestCase], jobs: Option<usize>) -> Vec<Outcome> {
    let jobs = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; tests.len()]);
    let progress = std::io::stderr().is_terminal();
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let worker = || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(test) = tests.get(i) else { break };
                let outcome = run_one(executor, test);
                if let Ok(mut r) = results.lock() {
                    r[i] = Some(outcome);
                }
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if progress && (n.is_multiple_of(200) || n == tests.len()) {
                    eprint!("\r[{n}/{}]", tests.len());
                    let _ = std::io::stderr().flush();
                }
            };
            if let Err(e) = std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn_scoped(scope, worker)
            {
                eprintln!("kiln-test262: cannot start a worker thread: {e}");
            }
        }
    });
    std::panic::set_hook(default_hook);
    if progress {
        eprintln!();
    }
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Outcome::Skip("not run".into())))
        .collect()
}

/// Runs a test in each of its modes; the first mode that does not pass decides the outcome.
fn run_one(executor: &dyn Executor, test: &TestCase) -> Outcome {
    for &mode in Mode::for_test(&test.frontmatter) {
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| executor.run(test, mode)))
                .unwrap_or_else(|panic| {
                    let message = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "panic".into());
                    Outcome::Crash(format!("{mode:?}: {message}"))
                });
        if outcome != Outcome::Pass {
            return outcome;
        }
    }
    Outcome::Pass
}
