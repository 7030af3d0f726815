//! Every truncation and every single-byte flip of each script's cache: counts of rejections,
//! identical runs and panics.
//!
//! `cargo run --release --example cache_flips -- FILE... [--past-checksum] [--step N]`
//!
//! By default each corrupted cache is loaded as `kiln run` would (checksum on): it must be
//! rejected, or load and behave as the original. `--past-checksum` loads without the checksum,
//! as a forger's file with a matching checksum would arrive, and runs what loads under an
//! instruction budget: nothing may panic. Since a load verifies only the tables and the top-level
//! function (the others when first made into closures), every function is verified after the
//! run too (`verify_all`), and the count of loads with a function the verifier rejects is shown.
//! `--step N` flips every Nth byte only.

use kiln_cache::{CacheKind, LoadOptions, LoadStats};
use kiln_interpreter::{Host, JsError, Vm};
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

struct Capture(Rc<RefCell<Vec<String>>>);
impl Host for Capture {
    fn print(&mut self, line: &str) {
        self.0.borrow_mut().push(line.to_string());
    }
}

fn load(bytes: &[u8], source: &str, checksum: bool) -> Option<kiln_cache::VerifiedCode> {
    let mut aligned = rkyv::util::AlignedVec::<16>::with_capacity(bytes.len());
    aligned.extend_from_slice(bytes);
    let options = LoadOptions { checksum };
    kiln_cache::load_with(
        aligned,
        source,
        CacheKind::Script,
        options,
        &mut LoadStats::default(),
    )
    .ok()
}

/// What a run printed and how it ended, and whether every function passes the verifier.
fn run(code: kiln_cache::VerifiedCode, source: &str) -> (String, bool) {
    let all = code.clone();
    let out = Rc::new(RefCell::new(Vec::new()));
    let mut vm = Vm::new(Box::new(Capture(out.clone())));
    vm.termination.tick_budget = Some(5_000_000);
    let loaded = kiln_interpreter::eval::load_verified(&mut vm, code, source, "flip.js");
    let end = match vm.run_top_level(loaded).and_then(|_| vm.run_jobs()) {
        Ok(()) => "ok".to_string(),
        Err(JsError::Throw(v)) => kiln_interpreter::builtins::console::inspect(&mut vm, v),
        Err(JsError::Terminate(t)) => t,
    };
    let printed = format!("{:?} {end}", out.borrow());
    (printed, all.verify_all(source).is_ok())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let past_checksum = args.iter().any(|a| a == "--past-checksum");
    let step_at = args.iter().position(|a| a == "--step");
    let step: usize = step_at
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let files: Vec<&String> = (0..args.len())
        .filter(|&i| !args[i].starts_with("--") && step_at.is_none_or(|s| i != s + 1))
        .map(|i| &args[i])
        .collect();
    if files.is_empty() {
        eprintln!("usage: cache_flips FILE... [--past-checksum] [--step N]");
        std::process::exit(2);
    }
    std::panic::set_hook(Box::new(|_| {}));
    let mut failed = false;
    for path in files {
        failed |= !flips(path, past_checksum, step);
    }
    if failed {
        std::process::exit(1);
    }
}

/// Checks one file's cache; false when something panicked or, with the checksum on, a
/// corrupted cache loaded and behaved differently.
fn flips(path: &str, past_checksum: bool, step: usize) -> bool {
    let source = std::fs::read_to_string(path).expect("a UTF-8 source file");
    let script = kiln::Script::new(&source, kiln::ScriptOptions::default()).expect("compiles");
    let bytes = script.create_cached_data();
    let (expected, _) = run(script.code().clone(), &source);
    let started = std::time::Instant::now();

    let mut truncations_loaded = 0;
    let mut panics = Vec::new();
    if !past_checksum {
        for len in 0..bytes.len() {
            match catch_unwind(|| load(&bytes[..len], &source, true).is_some()) {
                Ok(true) => truncations_loaded += 1,
                Ok(false) => {}
                Err(_) => panics.push(format!("truncation at {len}")),
            }
        }
    }
    let (mut rejected, mut identical, mut different) = (0usize, 0usize, 0usize);
    // Loaded, with a function the verifier rejects (when it is about to run, or after the run).
    let mut rejected_on_use = 0usize;
    let mut copy = bytes.clone();
    for at in (0..bytes.len()).step_by(step) {
        copy[at] ^= 0xFF;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            load(&copy, &source, !past_checksum).map(|code| run(code, &source))
        }));
        copy[at] ^= 0xFF;
        if let Ok(Some((_, false))) = &outcome {
            rejected_on_use += 1;
        }
        match outcome {
            Ok(None) => rejected += 1,
            Ok(Some((out, _))) if out == expected => identical += 1,
            Ok(Some(_)) => different += 1,
            Err(_) => panics.push(format!("flip at {at}")),
        }
    }
    println!(
        "{path}: cache {} bytes; truncations: {} tried, {truncations_loaded} loaded; flips (xor 0xFF{}): {rejected} rejected at load, {identical} ran identically, {different} ran differently ({rejected_on_use} of the loaded had a function the verifier rejects on use); {} panics; {:.1} s",
        bytes.len(),
        if past_checksum { 0 } else { bytes.len() },
        if past_checksum {
            ", past the checksum"
        } else {
            ""
        },
        panics.len(),
        started.elapsed().as_secs_f64()
    );
    if !panics.is_empty() {
        println!("first panics: {:?}", &panics[..panics.len().min(10)]);
        return false;
    }
    past_checksum || (truncations_loaded == 0 && different == 0)
}
