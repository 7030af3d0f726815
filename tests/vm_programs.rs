//! node:vm programs written for Node (`tests/vm-programs/`): each runs under `kiln run`, and its
//! stdout must equal the `.out` file beside it, which `node --experimental-vm-modules FILE`
//! printed (Node v20.20.2). `tests/vm-programs/regenerate.sh` rewrites the `.out` files with
//! node; `CHECK=1 tests/vm-programs/regenerate.sh` shows that node still prints them.

use std::path::Path;
use std::process::Command;

#[test]
fn vm_programs_print_what_node_prints() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vm-programs");
    let mut programs: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/vm-programs exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "js" || e == "mjs"))
        .collect();
    programs.sort();
    assert!(
        programs.len() >= 60,
        "expected the vm programs in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for program in &programs {
        let expected = std::fs::read_to_string(program.with_extension("out"))
            .unwrap_or_else(|e| panic!("{}: no expected output: {e}", program.display()));
        let out = Command::new(env!("CARGO_BIN_EXE_kiln"))
            .arg("run")
            .arg(program)
            .output()
            .expect("kiln runs");
        let actual = String::from_utf8_lossy(&out.stdout);
        if actual != expected || !out.status.success() {
            failures.push(format!(
                "{} (exit {:?}):\n--- kiln\n{actual}--- node\n{expected}--- stderr\n{}",
                program.display(),
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} programs differ from node:\n{}",
        failures.len(),
        programs.len(),
        failures.join("\n")
    );
}
