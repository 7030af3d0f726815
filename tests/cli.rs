//! Whole-program tests of the `kiln` binary.

use std::path::PathBuf;
use std::process::{Command, Output};

fn kiln(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(args)
        .output()
        .expect("kiln runs")
}

/// A file in a fresh temporary directory.
fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write temp file");
    path
}

#[test]
fn valid_script_prints_nothing() {
    let path = temp_file("ok.js", b"let x = 1;\nfunction f() { return x; }\n");
    let out = kiln(&["check", path.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn syntax_error_shows_location_and_caret() {
    let path = temp_file("bad.js", b"let x = 1;\nlet y = };\n");
    let out = kiln(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.js:2:9: SyntaxError: Unexpected token '}'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 | let y = };\n  |         ^\n"),
        "{stderr}"
    );
}

#[test]
fn mjs_files_are_modules() {
    let path = temp_file("m.mjs", b"export const a = await Promise.resolve(1);\n");
    assert!(kiln(&["check", path.to_str().unwrap()]).status.success());
    let script = temp_file("s.js", b"export const a = 1;\n");
    assert_eq!(
        kiln(&["check", script.to_str().unwrap()]).status.code(),
        Some(1)
    );
    assert!(
        kiln(&["check", "--module", script.to_str().unwrap()])
            .status
            .success()
    );
}

#[test]
fn invalid_utf8_names_the_byte() {
    let path = temp_file("latin1.js", b"var s = '\xe9';\n");
    let out = kiln(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is not valid UTF-8 (byte offset 9)"),
        "{stderr}"
    );
}

/// Hostile nesting is a SyntaxError; long flat chains (which build deep trees) are fine. Both
/// without exhausting the main thread's stack, in debug builds too.
#[test]
fn deep_nesting_is_a_syntax_error_not_a_crash() {
    let n = 100_000;
    let too_deep = [
        "(".repeat(n),
        "[".repeat(n),
        "{".repeat(n),
        format!("x = {}", "{a:".repeat(n)),
        format!("{}a", "!".repeat(n)),
        format!("{}a", "a=>".repeat(n)),
        format!("{}a", "new ".repeat(n)),
        format!("{};", "if(a)".repeat(n)),
        "`${".repeat(n),
        "function f(){".repeat(n),
        format!("var {}", "[".repeat(n)),
        format!("{}1", "a=".repeat(n)),
        "a?".repeat(n),
        format!("{}a", "a**".repeat(n)),
        format!("async function f(){{{}}}", "await ".repeat(n)),
        format!("{}a", "(".repeat(n)),
        "async (a = ".repeat(n),
        "(a=(".repeat(n),
        "a(function(){".repeat(n),
    ];
    for (i, source) in too_deep.iter().enumerate() {
        let path = temp_file(&format!("deep{i}.js"), source.as_bytes());
        let out = kiln(&["check", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "form {i}: {stderr}");
        assert!(
            stderr.contains("SyntaxError: Nesting too deep"),
            "form {i}: {stderr}"
        );
    }
    let long_chains = [
        format!("{}a", "a+".repeat(n)),
        format!("a{}", ".b".repeat(n)),
        format!("f{}", "()".repeat(n)),
        format!("a{}", "[0]".repeat(n)),
        format!("a{}", "?.b".repeat(n)),
        format!("a{}", "``".repeat(n)),
        format!("{}a", "a||".repeat(n)),
        "a;".repeat(n),
    ];
    for (i, source) in long_chains.iter().enumerate() {
        let path = temp_file(&format!("chain{i}.js"), source.as_bytes());
        let out = kiln(&["check", path.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "chain {i}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
