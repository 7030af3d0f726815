//! What the test binaries comparing Kiln's output with `.out` files share.

use std::path::Path;
use std::process::Command;

/// Runs every `.js`/`.mjs` file of `tests/{folder}` under `kiln run` and checks that each exits
/// successfully with exactly the stdout of the `.out` file beside it (node's), and that the
/// folder holds at least `at_least` scripts.
// Each test binary includes this module; `tests/decorators.rs` compares with no node output.
#[allow(dead_code)]
pub fn scripts_print_what_node_prints(folder: &str, at_least: usize) {
    scripts_print_their_out_files(folder, at_least, &[]);
}

/// Runs every `.js`/`.mjs` file of `tests/{folder}` under `kiln run` with `flags` and checks
/// that each exits successfully with exactly the stdout of the `.out` file beside it, and that
/// the folder holds at least `at_least` scripts.
pub fn scripts_print_their_out_files(folder: &str, at_least: usize, flags: &[&str]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(folder);
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "js" || e == "mjs"))
        .collect();
    scripts.sort();
    assert!(
        scripts.len() >= at_least,
        "expected at least {at_least} scripts in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for script in &scripts {
        let expected = std::fs::read_to_string(script.with_extension("out"))
            .unwrap_or_else(|e| panic!("{}: no expected output: {e}", script.display()));
        let out = Command::new(env!("CARGO_BIN_EXE_kiln"))
            .arg("run")
            .args(flags)
            .arg(script)
            .output()
            .expect("kiln runs");
        let actual = String::from_utf8_lossy(&out.stdout);
        if actual != expected || !out.status.success() {
            failures.push(format!(
                "{} (exit {:?}):\n--- kiln\n{actual}--- expected\n{expected}--- stderr\n{}",
                script.display(),
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scripts differ from their .out files:\n{}",
        failures.len(),
        scripts.len(),
        failures.join("\n")
    );
}
