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

#[test]
fn run_prints_with_console_and_print() {
    let path = temp_file(
        "hello.js",
        b"console.log('hello', 1 + 2, [1, 'a'], { k: true });\nprint(`${2 ** 10}`);\n",
    );
    let out = kiln(&["run", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "hello 3 [ 1, 'a' ] { k: true }\n1024\n"
    );
}

#[test]
fn uncaught_error_shows_location_caret_and_stack() {
    let path = temp_file(
        "throws.js",
        b"function inner() {\n  throw new TypeError('boom');\n}\nfunction outer() { inner(); }\nouter();\n",
    );
    let out = kiln(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("throws.js:2:3\n"), "{stderr}");
    assert!(
        stderr.contains("  throw new TypeError('boom');\n  ^\n"),
        "{stderr}"
    );
    assert!(stderr.contains("Uncaught TypeError: boom"), "{stderr}");
    assert!(stderr.contains("at inner ("), "{stderr}");
    assert!(stderr.contains("at outer ("), "{stderr}");
}

#[test]
fn run_under_gc_stress_gives_the_same_output() {
    let program = b"let a = [];\nfor (let i = 0; i < 200; i++) a.push({ i, s: 'x' + i });\nclass P { #v; constructor(v) { this.#v = v; } get v() { return this.#v; } }\nfunction* g() { for (const o of a) yield new P(o.i).v; }\nlet sum = 0;\nfor (const v of g()) sum += v;\nPromise.resolve(sum).then((s) => print(s, a[199].s));\n";
    let path = temp_file("gc.js", program);
    let normal = kiln(&["run", path.to_str().unwrap()]);
    let stressed = kiln(&["run", "--gc-stress", path.to_str().unwrap()]);
    assert!(normal.status.success() && stressed.status.success());
    assert_eq!(String::from_utf8_lossy(&normal.stdout), "19900 x199\n");
    assert_eq!(normal.stdout, stressed.stdout);
}

#[test]
fn disasm_shows_functions_and_source_lines() {
    let path = temp_file("dis.js", b"function twice(x) {\n  return x * 2;\n}\n");
    let out = kiln(&["disasm", path.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("function 1 twice: "), "{text}");
    assert!(text.contains("; 2: return x * 2;"), "{text}");
    assert!(text.contains("Mul r"), "{text}");
}

#[test]
fn runaway_recursion_is_a_range_error() {
    let path = temp_file("deep.js", b"function f() { return f(); }\ntry { f(); } catch (e) { print(e instanceof RangeError, e.message); }\n");
    let out = kiln(&["run", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "true Maximum call stack size exceeded\n"
    );
}

#[test]
fn compile_then_run_from_the_cache() {
    let path = temp_file(
        "cached.js",
        b"function greet(n) { return `hello ${n}`; }\nconsole.log(greet('cache'), [1, 2, 3].map(x => x * 2));\n",
    );
    let file = path.to_str().unwrap();
    let out = kiln(&["compile", file, "--stats"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stats = String::from_utf8_lossy(&out.stderr);
    assert!(
        stats.contains("parse") && stats.contains("cache"),
        "{stats}"
    );
    let cache = path.with_extension("cache");
    assert!(
        cache.exists(),
        "the default cache name is beside the source"
    );

    let out = kiln(&["run", file, cache.to_str().unwrap(), "--stats"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "hello cache [ 2, 4, 6 ]\n"
    );
    let stats = String::from_utf8_lossy(&out.stderr);
    assert!(
        stats.contains("from cache") && stats.contains("verify"),
        "{stats}"
    );
    assert!(!stats.contains("rejected"), "{stats}");

    let out = kiln(&["disasm", cache.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("cache ") && text.contains("function 1 greet"),
        "{text}"
    );
}

#[test]
fn a_stale_or_corrupt_cache_is_reported_and_the_source_runs() {
    let path = temp_file("stale.js", b"print('old');\n");
    let file = path.to_str().unwrap();
    let cache = temp_file("stale.cache", b"");
    assert!(
        kiln(&["compile", file, cache.to_str().unwrap()])
            .status
            .success()
    );
    std::fs::write(&path, "print('new');\n").unwrap();
    let out = kiln(&["run", file, cache.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "new\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rejected: the source text differs"),
        "{stderr}"
    );

    let mut bytes = std::fs::read(&cache).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&cache, &bytes).unwrap();
    std::fs::write(&path, "print('old');\n").unwrap();
    let out = kiln(&["run", file, cache.to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "old\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("checksum"));
}

#[test]
fn a_module_runs_from_its_cache() {
    let dep = temp_file("dep.mjs", b"export const n = 41;\n");
    let main = dep.with_file_name("main.mjs");
    std::fs::write(&main, "import { n } from './dep.mjs';\nprint(n + 1);\n").unwrap();
    let file = main.to_str().unwrap();
    assert!(kiln(&["compile", file]).status.success());
    let cache = main.with_extension("cache");
    let out = kiln(&["run", file, cache.to_str().unwrap(), "--stats"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("from cache"));
}

/// `import ... with { type: 'json' }` and `import(..., { with: { type: 'json' } })`: one module
/// per file and type, the parsed value as its default export; an unknown type and bad JSON are
/// the errors Node gives (the expected output is Node 20's).
#[test]
fn json_modules_import_the_parsed_value_once() {
    let data = temp_file(
        "data.json",
        br#"{ "name": "kiln", "list": [1, 2.5, null, true], "nested": { "x": "y" } }"#,
    );
    std::fs::write(data.with_file_name("bad.json"), "{ \"broken\": \n").unwrap();
    let main = data.with_file_name("json-main.mjs");
    std::fs::write(
        &main,
        "import data from './data.json' with { type: 'json' };\n\
         import * as ns from './data.json' with { type: 'json' };\n\
         console.log(data.name, data.list.length, data.nested.x, ns.default === data);\n\
         const again = await import('./data.json', { with: { type: 'json' } });\n\
         console.log(again.default === data, Object.keys(again));\n\
         try { await import('./data.json', { with: { type: 'yaml' } }); } catch (e) { console.log(e.name); }\n\
         try { await import('./bad.json', { with: { type: 'json' } }); } catch (e) { console.log(e.name); }\n",
    )
    .unwrap();
    let out = kiln(&["run", main.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "kiln 4 y true\ntrue [ 'default' ]\nTypeError\nSyntaxError\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success());
}

/// `type: 'bytes'` (the import bytes proposal): a Uint8Array of the file's bytes, which need not
/// be UTF-8, over an immutable ArrayBuffer.
#[test]
fn bytes_modules_import_a_uint8array_of_the_file() {
    let data = temp_file("data.bin", &[0xff, 0x00, 0x80, 0x41]);
    let main = data.with_file_name("bytes-main.mjs");
    std::fs::write(
        &main,
        "import bytes from './data.bin' with { type: 'bytes' };\n\
         const again = await import('./data.bin', { with: { type: 'bytes' } });\n\
         console.log(bytes instanceof Uint8Array, [...bytes].join(), bytes.buffer.immutable, again.default === bytes);\n\
         try { bytes[0] = 1; } catch (e) { console.log(e.name, bytes[0]); }\n",
    )
    .unwrap();
    let out = kiln(&["run", main.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "true 255,0,128,65 true true\nTypeError 255\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success());
}

/// Source phase imports: only WebAssembly modules have a source object, so for JavaScript (and
/// JSON) modules `import.source()` rejects and `import source x` fails to link with a
/// SyntaxError (GetModuleSource), after loading (a missing file is the loader's TypeError), and
/// nothing is evaluated.
#[test]
fn source_phase_imports_of_javascript_modules_are_syntax_errors() {
    let dep = temp_file(
        "source-dep.mjs",
        b"globalThis.depRan = true;\nexport default 1;\n",
    );
    std::fs::write(
        dep.with_file_name("source-importer.mjs"),
        "import source s from './source-dep.mjs';\nglobalThis.importerRan = true;\n",
    )
    .unwrap();
    let main = dep.with_file_name("source-main.mjs");
    std::fs::write(
        &main,
        "for (const load of [\n\
           () => import.source('./source-dep.mjs'),\n\
           () => import.source('./source-missing.mjs'),\n\
           () => import('./source-importer.mjs'),\n\
         ]) {\n\
           try { await load(); console.log('loaded'); } catch (e) { console.log(e.name); }\n\
         }\n\
         console.log(globalThis.depRan, globalThis.importerRan);\n",
    )
    .unwrap();
    let out = kiln(&["run", main.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "SyntaxError\nTypeError\nSyntaxError\nundefined undefined\n",
        "{stderr}"
    );
}

/// `../shared/vm-examples`: each program prints exactly its `.out` file, from source and from a
/// cache made by `kiln compile`.
#[test]
fn the_vm_examples_print_their_expected_output_from_source_and_from_caches() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/vm-examples");
    let mut programs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("../shared/vm-examples beside the clone")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "mjs"))
        .collect();
    programs.sort();
    assert_eq!(programs.len(), 5);
    for program in programs {
        let expected = std::fs::read_to_string(program.with_extension("out")).unwrap();
        let name = program.file_name().unwrap().to_string_lossy().to_string();
        let source = program.to_str().unwrap();
        let out = kiln(&["run", source]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{name}");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cache = temp_file(&format!("{name}.cache"), b"");
        let made = kiln(&["compile", source, cache.to_str().unwrap()]);
        assert!(made.status.success(), "{name}");
        let out = kiln(&["run", "--stats", source, cache.to_str().unwrap()]);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            expected,
            "{name} from its cache"
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("from cache"),
            "{name} did not run from its cache"
        );
    }
}

#[test]
fn scripts_get_require_module_and_process() {
    let path = temp_file(
        "cjs.js",
        b"const vm = require('vm');\nconsole.log(vm === require('node:vm'), typeof module.exports, typeof process.env, vm.runInNewContext('x * 2', { x: 21 }));\ntry { require('./nope'); } catch (e) { console.log(e.code); }\n",
    );
    let out = kiln(&["run", path.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "true object object 42\nMODULE_NOT_FOUND\n"
    );
}

#[test]
fn break_on_sigint_interrupts_the_script_and_the_program_goes_on() {
    let path = temp_file(
        "sigint.mjs",
        b"import vm from 'node:vm';\nconsole.log('ready');\ntry { vm.runInThisContext('while (true) {}', { breakOnSigint: true }); } catch (e) { console.log(e.code); }\nconsole.log('continues');\n",
    );
    use std::io::{BufRead, Read};
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["run", path.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("kiln runs");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("piped"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("kiln prints");
    assert_eq!(first, "ready\n");
    // The loop starts right after `ready`; give it time to be inside it.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("kiln prints");
    assert!(child.wait().expect("kiln ends").success());
    assert_eq!(rest, "ERR_SCRIPT_EXECUTION_INTERRUPTED\ncontinues\n");
}

#[test]
fn temporal_computes_with_dates_times_and_time_zones() {
    let script = br#"
const d = Temporal.PlainDate.from("2024-02-28");
console.log(d.add({ days: 2 }).toString(), d.dayOfWeek, d.inLeapYear);
const z = Temporal.ZonedDateTime.from("2024-03-10T01:30[America/New_York]");
console.log(z.add({ hours: 1 }).toString(), z.hoursInDay);
console.log(Temporal.Duration.from({ hours: 36 }).round({ largestUnit: "day" }).toString());
console.log(new Date(0).toTemporalInstant().toString(), Temporal.Now.timeZoneId());
"#;
    let path = temp_file("temporal.js", script);
    let out = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["run", path.to_str().unwrap()])
        .env("TZ", "Asia/Tokyo")
        .output()
        .expect("kiln runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2024-03-01 3 true\n\
         2024-03-10T03:30:00-04:00[America/New_York] 23\n\
         P1DT12H\n\
         1970-01-01T00:00:00Z Asia/Tokyo\n"
    );
}

#[test]
fn require_loads_files_json_and_cycles_once() {
    let dir = std::env::temp_dir().join(format!("kiln-cli-{}-require", std::process::id()));
    std::fs::create_dir_all(dir.join("lib")).expect("temp dir");
    std::fs::write(
        dir.join("lib/index.js"),
        "exports.name = 'lib'; exports.twice = require('../b').value * 2; exports.dir = __dirname.endsWith('lib');\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("b.js"),
        "#!/usr/bin/env node\nconst a = require('./a'); module.exports = { value: 21, sawPartialA: a.partial };\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("a.js"),
        "exports.partial = true; exports.b = require('./b.js');\n",
    )
    .expect("write");
    std::fs::write(dir.join("data.json"), r#"{ "list": [1, 2, 3] }"#).expect("write");
    let main = dir.join("main.js");
    std::fs::write(
        &main,
        "const a = require('./a'); const lib = require('./lib');\n\
         console.log(lib.name, lib.twice, lib.dir, a.b.sawPartialA, require('./b') === a.b);\n\
         console.log(require('./data.json').list.length);\n\
         try { require('./missing'); } catch (e) { console.log(e.code); }\n",
    )
    .expect("write");
    let out = kiln(&["run", main.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "lib 42 true true true\n3\nMODULE_NOT_FOUND\n"
    );
}

#[test]
fn typescript_transpiles_a_snippet_through_transpile_module() {
    let typescript =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/typescript.js");
    assert!(typescript.is_file(), "the corpus is beside the clone");
    let script = format!(
        "const ts = require({:?});\n\
         const out = ts.transpileModule('const x: number = 1; enum E {{ A, B }} export default function f(a: string): E {{ return E.B; }}',\n\
           {{ compilerOptions: {{ module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 }} }});\n\
         console.log(out.outputText);\n",
        typescript.canonicalize().unwrap().display().to_string()
    );
    let path = temp_file("transpile.js", script.as_bytes());
    let out = kiln(&["run", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The same text Node prints for this script.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "\"use strict\";\n\
         Object.defineProperty(exports, \"__esModule\", { value: true });\n\
         exports.default = f;\n\
         const x = 1;\n\
         var E;\n\
         (function (E) {\n    E[E[\"A\"] = 0] = \"A\";\n    E[E[\"B\"] = 1] = \"B\";\n})(E || (E = {}));\n\
         function f(a) { return E.B; }\n\n"
    );
}

#[test]
fn a_script_past_the_heap_limit_stops_with_a_message() {
    let path = temp_file(
        "hog.js",
        b"const keep = [];\nfor (let i = 0; ; i++) keep.push('x'.repeat(1e6) + i);\n",
    );
    let out = kiln(&["run", "--heap-limit", "32", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("kiln: stopped: the script passed the heap limit of 32 MB"),
        "{stderr}"
    );
    assert!(stderr.contains("in use: strings"), "{stderr}");
}

#[test]
fn endless_input_files_are_an_error() {
    let out = kiln(&["check", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("larger than the 512 MiB"), "{stderr}");
    let out = kiln(&["disasm", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn heap_limit_too_large_is_a_usage_error() {
    let path = temp_file("heap.js", b"console.log(1);\n");
    let out = kiln(&[
        "run",
        "--heap-limit",
        "99999999999999999",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--heap-limit"), "{stderr}");
    assert!(
        stderr.contains("at most 17592186044415 megabytes"),
        "{stderr}"
    );
    // A limit that fits still runs the program.
    let out = kiln(&["run", "--heap-limit", "64", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n");
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `kiln ARGS` with `input` on stdin.
fn kiln_with_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("kiln starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("kiln runs")
}

#[test]
fn eval_and_print_run_code_from_the_command_line() {
    let out = kiln(&["-e", "console.log(1 + 1, process.argv.slice(1))", "a", "b"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "2 [ 'a', 'b' ]\n");
    let out = kiln(&["-p", "({ a: [1, 'x'] })"]);
    assert_eq!(stdout(&out), "{ a: [ 1, 'x' ] }\n");
    let out = kiln(&["-p", "'plain'"]);
    assert_eq!(stdout(&out), "plain\n");
    let out = kiln(&["-e", "throw new TypeError('bad')"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("TypeError: bad"), "{}", stderr(&out));
}

#[test]
fn programs_are_read_from_stdin() {
    let out = kiln_with_stdin(&["run", "-"], "console.log(process.argv[1], __filename)");
    assert_eq!(stdout(&out), "- [stdin]\n");
    let out = kiln_with_stdin(&[], "console.log('piped')");
    assert_eq!(stdout(&out), "piped\n");
    let out = kiln_with_stdin(&["-", "x"], "console.log(process.argv.slice(2))");
    assert_eq!(stdout(&out), "[ 'x' ]\n");
}

#[test]
fn arguments_after_the_file_reach_process_argv() {
    let path = temp_file(
        "argv.js",
        b"console.log(JSON.stringify(process.argv.slice(1)))",
    );
    let file = path.to_str().unwrap();
    let absolute = std::path::absolute(&path).unwrap();
    let expected = format!("[\"{}\",\"a\",\"--b\"]\n", absolute.display());
    assert_eq!(stdout(&kiln(&[file, "a", "--b"])), expected);
    assert_eq!(stdout(&kiln(&["run", file, "--", "a", "--b"])), expected);
    let out = kiln(&["-e", "console.log(process.argv[0])"]);
    assert!(
        stdout(&out).trim_end().ends_with("kiln"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn exit_codes_follow_node() {
    let code = |source: &str| kiln(&["-e", source]).status.code();
    assert_eq!(code("1"), Some(0));
    assert_eq!(code("throw 1"), Some(1));
    assert_eq!(code("process.exitCode = 3"), Some(3));
    assert_eq!(code("process.exit(4); console.log('not reached')"), Some(4));
    assert_eq!(
        code("try { process.exit(5) } finally { process.exitCode = 6 }"),
        Some(5)
    );
    assert_eq!(code("process.exitCode = 7; process.exit()"), Some(7));
    assert_eq!(code("setTimeout(() => process.exit(8), 1)"), Some(8));
    assert_eq!(
        code("setTimeout(() => { throw new Error('late') }, 1)"),
        Some(1)
    );
    let out = kiln(&["-e", "process.exit(2); console.log('no')"]);
    assert_eq!(stdout(&out), "");
}

#[test]
fn unhandled_rejections_are_reported_and_exit_1() {
    let out = kiln(&["-e", "Promise.reject(new RangeError('nobody'))"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("RangeError: nobody"),
        "{}",
        stderr(&out)
    );
    // A handler attached within the same microtask drain handles it.
    let out = kiln(&[
        "-e",
        "const p = Promise.reject(1); queueMicrotask(() => p.catch(e => console.log('caught', e)))",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "caught 1\n");
    // A rejection inside a timer ends the run before later timers.
    let out = kiln(&[
        "-e",
        "setTimeout(() => Promise.reject('late'), 1); setTimeout(() => console.log('never'), 50)",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("late"), "{}", stderr(&out));
}

#[test]
fn missing_files_directories_and_bad_utf8_have_clear_messages() {
    let out = kiln(&["run", "/no/such/file.js"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: cannot find the file /no/such/file.js\n"
    );
    let dir = std::env::temp_dir();
    let out = kiln(&[dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is a directory, not a script"),
        "{}",
        stderr(&out)
    );
    let path = temp_file("latin1.js", b"// caf\xe9\n");
    let out = kiln(&[path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not valid UTF-8 (byte offset 6)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn process_stdout_write_writes_without_a_newline() {
    let out = kiln(&[
        "-e",
        "process.stdout.write('no newline|'); process.stdout.write('done\\n'); console.log('sync')",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "no newline|done\nsync\n");
}

#[test]
fn vm_timeouts_work_inside_timer_callbacks() {
    let out = kiln(&[
        "-e",
        "const vm = require('vm'); setTimeout(() => { \
           try { vm.runInNewContext('while (true) {}', {}, { timeout: 20 }) } \
           catch (e) { console.log(e.code) } \
           setTimeout(() => console.log('loop goes on'), 1) }, 1)",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "ERR_SCRIPT_EXECUTION_TIMEOUT\nloop goes on\n");
}

#[test]
fn a_vm_context_gets_no_host_globals() {
    let out = kiln(&[
        "-p",
        "require('vm').runInNewContext('[typeof setTimeout, typeof URL, typeof TextEncoder, \
         typeof structuredClone, typeof performance, typeof queueMicrotask].join()')",
    ]);
    assert_eq!(
        stdout(&out),
        "undefined,undefined,undefined,undefined,undefined,undefined\n"
    );
}

#[test]
fn eval_and_stdin_run_as_modules_with_module() {
    let out = kiln(&["--module", "-e", "await null; console.log(typeof require)"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "undefined\n");
    let out = kiln_with_stdin(&["--module"], "export const x = 1; console.log(x)");
    assert_eq!(stdout(&out), "1\n");
}

/// Auto-accessors (decorators proposal) run: a getter/setter pair on the prototype or the class
/// over private storage that each instance (or the class) gets where the field would be.
#[test]
fn auto_accessors_run() {
    let path = temp_file(
        "accessors.js",
        br#"class C {
  accessor x = 1;
  static accessor #s = 's';
  accessor #p = 'p';
  accessor ['k' + 1] = function () {};
  static s() { return C.#s; }
  p(v) { this.#p = v; return this.#p; }
}
const c = new C();
c.x = 2;
const d = Object.getOwnPropertyDescriptor(C.prototype, 'x');
console.log(c.x, new C().x, Object.hasOwn(c, 'x'), d.get.name, d.set.name, d.set.length);
console.log(C.s(), c.p('q'), new C().p('r'), c.k1.name);
try { d.get.call({}); } catch (e) { console.log(e.constructor.name); }
class E { a = this.x; accessor x = 1; }
try { new E(); } catch (e) { console.log(e.constructor.name); }
"#,
    );
    let out = kiln(&["run", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2 1 false get x set x 1\ns q r k1\nTypeError\nTypeError\n"
    );
}

/// Decorators run from the command line; a decorator's invalid result is an uncaught TypeError.
#[test]
fn decorated_classes_run() {
    let path = temp_file(
        "decorated.js",
        b"const log = (v, c) => { console.log(c.kind, c.name); };\n@log class C { @log m() {} }\n",
    );
    let out = kiln(&["run", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "method m\nclass C\n");
    let path = temp_file("bad-decorator.js", b"class C { @(() => 1) m() {} }\n");
    let out = kiln(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("TypeError: A method decorator must return a function or undefined"),
        "{stderr}"
    );
}

/// The count in the row of `--profile`'s table whose first column is `name`.
fn profile_row(stderr: &str, name: &str) -> Option<u64> {
    stderr.lines().find_map(|line| {
        let mut columns = line.split_whitespace();
        (columns.next() == Some(name))
            .then(|| columns.next()?.parse().ok())
            .flatten()
    })
}

#[test]
fn profile_prints_opcodes_functions_and_inline_caches() {
    let path = temp_file(
        "profiled.js",
        b"function spin(n) {\n  let s = 0;\n  for (let i = 0; i < n; i++) s = s + i;\n  return s;\n}\n\
          const o = { x: 1 };\no.get = function () {\n  return this.x;\n};\n\
          let t = 0;\nfor (let k = 0; k < 50; k++) t += o.get();\n\
          console.log(spin(1000), t);\n",
    );
    let out = kiln(&["run", "--profile", path.to_str().unwrap()]);
    assert!(out.status.success());
    // The program's output stays alone on stdout.
    assert_eq!(String::from_utf8_lossy(&out.stdout), "499500 50\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let total: u64 = stderr
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("Opcodes ("))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no opcode table: {stderr}"));
    // `s = s + i` runs 1000 times.
    let adds = profile_row(&stderr, "Add").unwrap_or_else(|| panic!("no Add row: {stderr}"));
    assert!((1000..total).contains(&adds), "{stderr}");
    // The function table: `spin` with its location, at least its loop's three instructions
    // (the add, the increment, the test) per iteration, and first.
    let functions = stderr
        .split("Hottest functions")
        .nth(1)
        .unwrap_or_else(|| panic!("no function table: {stderr}"));
    let spin = functions
        .lines()
        .nth(2)
        .unwrap_or_else(|| panic!("no rows: {stderr}"));
    assert!(
        spin.contains(" spin ") && spin.contains("profiled.js:1:"),
        "{spin}"
    );
    let spin_count: u64 = spin.split_whitespace().next().unwrap().parse().unwrap();
    assert!((3000..total).contains(&spin_count), "{stderr}");
    assert!(functions.contains("<top level>"), "{stderr}");
    // A function without a name shows what it was assigned to.
    assert!(functions.contains(" (o.get) "), "{stderr}");
    // `this.x` 50 times: one miss fills the cache, the rest hit.
    let caches = stderr
        .split("Inline caches")
        .nth(1)
        .unwrap_or_else(|| panic!("no inline-cache table: {stderr}"));
    let row = caches
        .lines()
        .find(|l| l.trim_start().starts_with("get property (object)"))
        .unwrap_or_else(|| panic!("no property row: {stderr}"));
    let numbers: Vec<u64> = row
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(
        numbers.len() == 2 && numbers[0] >= 49 && numbers[1] >= 1,
        "{row}"
    );
}

/// `--profile` works in every form that runs a program: `kiln FILE`, `-e`, `-p`.
#[test]
fn profile_in_the_bare_and_eval_forms() {
    let path = temp_file(
        "profiled_bare.js",
        b"let s = 0;\nfor (let i = 0; i < 500; i++) s = s + i;\nconsole.log(s);\n",
    );
    let forms: [&[&str]; 3] = [
        &["--profile", path.to_str().unwrap()],
        &[
            "--profile",
            "-e",
            "let s = 0; for (let i = 0; i < 500; i++) s = s + i; console.log(s)",
        ],
        &[
            "--profile",
            "-p",
            "let s = 0; for (let i = 0; i < 500; i++) s = s + i; s",
        ],
    ];
    for args in forms {
        let out = kiln(args);
        assert!(out.status.success(), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "124750\n", "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let adds = profile_row(&stderr, "Add").unwrap_or_else(|| panic!("{args:?}: {stderr}"));
        assert!(adds >= 500, "{args:?}: {stderr}");
    }
}

#[test]
fn trace_prints_each_instruction_with_its_frame() {
    let path = temp_file(
        "traced.js",
        b"function inc(a) {\n  return a + 1;\n}\nconsole.log(inc(41));\n",
    );
    let out = kiln(&["run", "--trace", path.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let depth = |l: &str| -> usize {
        l.trim_start_matches('[')
            .split(']')
            .next()
            .and_then(|d| d.trim().parse().ok())
            .unwrap_or_else(|| panic!("no depth in {l:?}"))
    };
    let top: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("<top level>"))
        .collect();
    // `a + 1` is an add of an immediate, shown as the disassembler shows it.
    let add = stderr
        .lines()
        .find(|l| l.contains(" inc ") && l.contains(" AddInt r1, r0, 1"))
        .unwrap_or_else(|| panic!("no AddInt in inc: {stderr}"));
    assert!(!top.is_empty(), "{stderr}");
    // `inc` runs one frame deeper than the code that calls it.
    assert_eq!(depth(add), depth(top[0]) + 1, "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains(" inc ") && l.contains(" Return ")),
        "{stderr}"
    );
    assert!(!stderr.contains("Opcodes ("), "{stderr}");
}
