//! The CLI host against Node: each script in `tests/host/` runs under `kiln run`, and its
//! stdout must equal the `.out` file beside it, made by `node` (Node 20; the command is in the
//! README). The scripts print only what does not vary between runs.

use std::path::Path;
use std::process::Command;

#[test]
fn host_scripts_print_what_node_prints() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/host");
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/host exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "js" || e == "mjs"))
        .collect();
    scripts.sort();
    assert!(
        scripts.len() >= 8,
        "expected the host scripts in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for script in &scripts {
        let expected = std::fs::read_to_string(script.with_extension("out"))
            .unwrap_or_else(|e| panic!("{}: no expected output: {e}", script.display()));
        let out = Command::new(env!("CARGO_BIN_EXE_kiln"))
            .arg("run")
            .arg(script)
            .output()
            .expect("kiln runs");
        let actual = String::from_utf8_lossy(&out.stdout);
        if actual != expected || !out.status.success() {
            failures.push(format!(
                "{} (exit {:?}):\n--- kiln\n{actual}--- node\n{expected}--- stderr\n{}",
                script.display(),
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
