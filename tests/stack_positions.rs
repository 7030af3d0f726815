//! Every frame of a stack trace names the line:column of the operation running in it — also
//! when the error comes from JavaScript that an operation ran (a getter, a `valueOf`, a proxy
//! trap, a built-in's callback) — and the column points where V8 points (the failing link of a
//! member chain, a binary operator, a template substitution). Expected positions are the ones
//! Node 20 prints for the same files.

use std::path::PathBuf;
use std::process::Command;

/// A file in a fresh temporary directory.
fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-stack-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write temp file");
    path
}

/// Runs `body` (which throws) inside a try in a file named `name`, and returns the `at` lines of
/// the caught error's stack with the file name as the only path.
fn frames(name: &str, body: &str) -> Vec<String> {
    let source = format!(
        "{body}\ntry {{ main(); }} catch (e) {{ console.log(e.stack); }}\n",
        body = body
    );
    let path = temp_file(name, &source);
    // Run from the file's directory, so the stack names the file as `name`.
    let out = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["run", name])
        .current_dir(path.parent().expect("a directory"))
        .output()
        .expect("kiln runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("at "))
        .map(str::to_string)
        .collect()
}

#[test]
fn getter_called_by_a_property_read() {
    let body = "const o = {\n  get x() {\n    throw new Error('g');\n  },\n};\nfunction main() {\n  let a = 1;\n  return o.x + a;\n}";
    assert_eq!(
        frames("getter.js", body),
        [
            "get x (getter.js:3:11)",
            "main (getter.js:8:12)",
            "getter.js:10:7"
        ]
    );
}

#[test]
fn setter_called_by_an_assignment() {
    let body = "const s = {};\nObject.defineProperty(s, 'w', { set(v) {\n  throw new Error('s');\n} });\nfunction main() {\n  s.w = 5;\n}";
    assert_eq!(
        frames("setter.js", body),
        [
            "set (setter.js:3:9)",
            "main (setter.js:6:7)",
            "setter.js:8:7"
        ]
    );
}

#[test]
fn value_of_called_by_operators() {
    let body = "const v = { valueOf() { throw new Error('v'); } };\nfunction main() {\n  const b = 2;\n  return b\n    < v;\n}";
    assert_eq!(
        frames("less.js", body),
        [
            "valueOf (less.js:1:31)",
            "main (less.js:5:5)",
            "less.js:7:7"
        ]
    );
    let body = "const v = { valueOf() { throw new Error('v'); } };\nfunction main() {\n  return 1 +\n    2 + v;\n}";
    assert_eq!(
        frames("plus.js", body),
        [
            "valueOf (plus.js:1:31)",
            "main (plus.js:4:7)",
            "plus.js:6:7"
        ]
    );
}

#[test]
fn to_string_called_by_templates_and_string() {
    let body = "const v = { toString() { throw new Error('t'); } };\nfunction main() {\n  return `a${1}b${\n    v}c`;\n}";
    assert_eq!(
        frames("template.js", body),
        [
            "toString (template.js:1:32)",
            "main (template.js:4:5)",
            "template.js:6:7"
        ]
    );
    let body = "const v = { toString() { throw new Error('t'); } };\nfunction main() {\n  const x = 1;\n  return String(v);\n}";
    assert_eq!(
        frames("string.js", body),
        [
            "toString (string.js:1:32)",
            "main (string.js:4:10)",
            "string.js:6:7"
        ]
    );
}

#[test]
fn proxy_trap() {
    let body = "const p = new Proxy({}, {\n  get(t, k) { throw new Error('trap'); },\n});\nfunction main() {\n  return 1 +\n    p.foo;\n}";
    assert_eq!(
        frames("proxy.js", body),
        ["get (proxy.js:2:21)", "main (proxy.js:6:7)", "proxy.js:8:7"]
    );
}

#[test]
fn built_in_callback() {
    // Node also shows `Array.map (<anonymous>)`; Kiln shows only JavaScript frames.
    let body = "function main() {\n  return [1].map(function cb(x) {\n    return x.y.z;\n  });\n}";
    assert_eq!(
        frames("callback.js", body),
        [
            "cb (callback.js:3:16)",
            "main (callback.js:2:14)",
            "callback.js:6:7"
        ]
    );
    // The second call of the callback is reported from the same place in `main`, not from
    // where the first call's frame stopped.
    let body = "function main() {\n  let n = 0;\n  return [1, 2].map(function cb(x) {\n    if (++n === 2) throw new Error('second');\n    return x;\n  });\n}";
    assert_eq!(
        frames("callback2.js", body),
        [
            "cb (callback2.js:4:26)",
            "main (callback2.js:3:17)",
            "callback2.js:8:7"
        ]
    );
}

#[test]
fn multi_line_member_chain() {
    let body = "const a = { b: { c: 1 } };\nfunction main() {\n  return a\n    .b\n    .c();\n}";
    assert_eq!(
        frames("chain.js", body),
        ["main (chain.js:5:6)", "chain.js:7:7"]
    );
    let body = "function main() {\n  const u = {};\n  return u\n    .p\n    .q;\n}";
    assert_eq!(
        frames("chain2.js", body),
        ["main (chain2.js:5:6)", "chain2.js:7:7"]
    );
}

#[test]
fn multi_line_array_literal() {
    let body =
        "function main() {\n  const arr = [\n    1,\n    2,\n    missing,\n  ];\n  return arr;\n}";
    assert_eq!(
        frames("array.js", body),
        ["main (array.js:5:5)", "array.js:9:7"]
    );
    let body = "function main() {\n  const u = {};\n  return [\n    u.x,\n    u.y.z,\n  ];\n}";
    assert_eq!(
        frames("array2.js", body),
        ["main (array2.js:5:9)", "array2.js:8:7"]
    );
}

#[test]
fn module_top_level_reference_error() {
    let path = temp_file(
        "top.mjs",
        "const a = 1;\nlet b = 2;\nconsole.log(a + b,\n  missing);\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["run", path.to_str().unwrap()])
        .output()
        .expect("kiln runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Node: `file:///…/top.mjs:4` with the caret under `missing`, and `at …/top.mjs:4:3`.
    assert!(
        stderr.contains("top.mjs:4:3\n  missing);\n  ^\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ReferenceError: missing is not defined"),
        "{stderr}"
    );
    assert!(
        stderr.contains("at ") && stderr.contains("top.mjs:4:3"),
        "{stderr}"
    );
}

#[test]
fn module_top_level_error_from_a_getter() {
    let path = temp_file(
        "getter.mjs",
        "const o = { get x() { throw new Error('m'); } };\nlet y = 1;\ny = y +\n  o.x;\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["run", path.to_str().unwrap()])
        .output()
        .expect("kiln runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("at get x ("), "{stderr}");
    assert!(stderr.contains("getter.mjs:1:29)"), "{stderr}");
    assert!(stderr.contains("getter.mjs:4:5"), "{stderr}");
}

#[test]
fn generators_constructors_and_a_second_callback_from_native_code() {
    let body = "function* gen() {\n  yield 1;\n  throw new Error('g');\n}\nfunction main() {\n  const g = gen();\n  g.next();\n  return g.next();\n}";
    assert_eq!(
        frames("gen.js", body),
        ["gen (gen.js:3:9)", "main (gen.js:8:12)", "gen.js:10:7"]
    );
    let body = "class C { constructor(x) {\n    if (x) throw new Error('c'); } }\nfunction main() { return 1 +\n  new C(1); }";
    assert_eq!(
        frames("new.js", body),
        ["C (new.js:2:18)", "main (new.js:4:3)", "new.js:5:7"]
    );
    // JSON.stringify calls the first toJSON, which returns; the second one throws: the frame of
    // `main` still shows the call of stringify, not where the first toJSON's frame stopped.
    let body = "const o = { toJSON() { return 1; } };\nconst bad = { toJSON() { throw new Error('j'); } };\nfunction main() {\n  return JSON.stringify([o,\n    bad]);\n}";
    assert_eq!(
        frames("json.js", body),
        [
            "toJSON (json.js:2:32)",
            "main (json.js:4:15)",
            "json.js:7:7"
        ]
    );
}

#[test]
fn for_of_iteration() {
    // `next` results point at the binding, a value that is not iterable at itself (Node 20).
    let body = "const it = { [Symbol.iterator]() { return { next() { return 5; } }; } };\nfunction main() {\n  let s = 0;\n  for (const v of\n       it) s += v;\n}";
    assert_eq!(
        frames("forof.js", body),
        ["main (forof.js:4:14)", "forof.js:7:7"]
    );
    let body = "function main() {\n  let s = 0, x;\n  for (x of\n       5) s += x;\n}";
    assert_eq!(
        frames("forof2.js", body),
        ["main (forof2.js:4:8)", "forof2.js:6:7"]
    );
}

/// A function long enough that its position table is looked up from checkpoints
/// (`LoadedScript::position_of`): every throw, in the order the statements run and then again
/// from a loop at the end, names its own line — before the first checkpoint, on one, between
/// two and past the last.
#[test]
fn throws_all_over_a_huge_function_name_their_lines() {
    let mut source = String::from("function main() {\n  let s = 0;\n");
    let mut expected = Vec::new();
    let mut line = 3;
    for i in 0..3000 {
        if i % 97 == 0 {
            source.push_str(
                "  try { null.x; } catch (e) { console.log(e.stack.split('\\n')[1].trim()); }\n",
            );
            expected.push(format!("at main (huge.js:{line}:14)"));
        } else {
            source.push_str(&format!("  s += {};\n", i % 7));
        }
        line += 1;
    }
    source.push_str("  for (let i = 0; i < 3; i++) {\n");
    source.push_str(
        "    try { s.x.y; } catch (e) { console.log(e.stack.split('\\n')[1].trim()); }\n",
    );
    source.push_str("  }\n}\nmain();\n");
    for _ in 0..3 {
        expected.push(format!("at main (huge.js:{}:15)", line + 1));
    }
    let path = temp_file("huge.js", &source);
    let out = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["run", "huge.js"])
        .current_dir(path.parent().expect("a directory"))
        .output()
        .expect("kiln runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected);
}
