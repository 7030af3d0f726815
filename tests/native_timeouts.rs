//! Native work under `node:vm` timeouts: programs whose time goes into one built-in call
//! (a backtracking RegExp, BigInt arithmetic, array algorithms over length 2^32 − 1, string and
//! JSON builders, work over strings of up to 2^29 units and buffers of up to 2 GiB) run with
//! `{ timeout: 100 }` from a host module, which measures how long each took. Every one must end
//! with ERR_SCRIPT_EXECUTION_TIMEOUT or a RangeError within 250 ms (or, for bulk work a fast
//! machine may finish sooner, complete in that time), and the host must go on. Also: the
//! maximum string length and BigInt size.

use kiln::{Runtime, Script, ScriptOptions, SourceType};
use kiln_interpreter::Host;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Mutex;

/// The tests run one at a time: each measures how long hostile work takes to stop, and on a
/// 2-core machine the test harness's parallel threads would measure each other.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

struct Capture(Rc<RefCell<Vec<String>>>);

impl Host for Capture {
    fn print(&mut self, line: &str) {
        self.0.borrow_mut().push(line.to_string());
    }
}

/// Runs `source` as a module and returns what it printed (and the uncaught error, if any).
fn run(source: &str) -> Vec<String> {
    let lines = Rc::new(RefCell::new(Vec::new()));
    let mut runtime = Runtime::with_host(Box::new(Capture(lines.clone())));
    let script = Script::new(
        source,
        ScriptOptions {
            filename: "test.mjs".into(),
            source_type: SourceType::Module,
            ..Default::default()
        },
    )
    .expect("the test parses");
    if let Err(e) = script.run_in_this_context(&mut runtime) {
        lines.borrow_mut().push(format!("UNCAUGHT {e}"));
    }
    lines.take()
}

/// The host side: `hostile(name, code, sandbox?)` runs `code` in a new context with a 100 ms
/// timeout and prints `name: timeout`, `name: RangeError` or what else happened, followed by
/// the elapsed time when it was `LIMIT` ms or more.
const HOST: &str = r#"
import vm from 'node:vm';
function outcome(e) {
  if (e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'timeout';
  if (e && e.name === 'RangeError') return 'RangeError';
  return 'threw ' + String(e);
}
function report(name, started, result) {
  const ms = Date.now() - started;
  console.log(name + ': ' + result + (ms < LIMIT ? '' : ' after ' + ms + ' ms'));
}
globalThis.hostile = (name, code, sandbox = {}) => {
  const started = Date.now();
  let result;
  try { vm.runInNewContext(code, sandbox, { timeout: 100 }); result = 'completed'; }
  catch (e) { result = outcome(e); }
  report(name, started, result);
};
globalThis.hostileModule = async (name, code) => {
  const m = new vm.SourceTextModule(code);
  await m.link(() => {});
  const started = Date.now();
  let result;
  try { await m.evaluate({ timeout: 100 }); result = 'completed'; }
  catch (e) { result = outcome(e); }
  report(name, started, result);
};
"#;

/// Runs the host with `cases` and checks each line: `name: outcome`, with one of the outcomes
/// allowed for it, in time; then the host's own last line.
fn check(cases: &str, expected: &[(&str, &[&str])]) {
    let _alone = alone();
    let source =
        format!("const LIMIT = {LIMIT_MS};\n{HOST}\n{cases}\nconsole.log('host goes on', 6 * 7);");
    let got = run(&source);
    assert_eq!(got.len(), expected.len() + 1, "output: {got:#?}");
    for (line, (name, outcomes)) in got.iter().zip(expected) {
        let allowed = outcomes.iter().any(|o| *line == format!("{name}: {o}"));
        assert!(allowed, "{line:?} should be `{name}: ` one of {outcomes:?}");
    }
    assert_eq!(got.last().unwrap(), "host goes on 42");
}

/// Takes [`ONE_AT_A_TIME`], then waits for the searches that an earlier test's timeouts gave
/// up on: they go on for up to seconds on their threads, each burning a core, and would slow
/// the measured work on a 2-core machine.
fn alone() -> std::sync::MutexGuard<'static, ()> {
    let guard = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let waited = std::time::Instant::now();
    while kiln_interpreter::builtins::regexp_search::busy_search_threads() > 0
        && waited.elapsed() < std::time::Duration::from_secs(60)
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    guard
}

/// How long a hostile program may take, timeout included. Unoptimised builds convert and copy
/// large strings and BigInts an order of magnitude more slowly between two checks, so they are
/// held to a looser bound; the outcome is checked the same.
const LIMIT_MS: u64 = if cfg!(debug_assertions) { 2000 } else { 250 };

const TIMEOUT: &[&str] = &["timeout"];
/// A RangeError thrown before the work starts; on a loaded machine the 100 ms may already have
/// passed by then (the size checks themselves are tested without timeouts below).
const RANGE_ERROR: &[&str] = &["RangeError", "timeout"];
const EITHER: &[&str] = &["timeout", "RangeError"];
/// Work that a fast machine may finish before the timeout (a memset of 1 GiB over pages already
/// in memory): what matters is that it ends in time.
const IN_TIME: &[&str] = &["timeout", "completed"];

#[test]
fn backtracking_regexps_stop_at_the_timeout() {
    check(
        r#"
// Inputs sized for searches of about half a second to a second: long enough that only the
// timeout ends them, short enough that the search threads left behind end soon too.
hostile('nested plus', "/(a+)+$/.test('a'.repeat(23) + 'b')");
hostile('alternation star', "/(a|a)*b/.test('a'.repeat(22))");
hostile('repeated group', "/(.*a){20}/.test('a'.repeat(19) + 'b'.repeat(100))");
hostile('backreference in a starred group', "/^((a)\\2*)+$/.test('a'.repeat(23) + 'b')");
hostile('nested plus with a backreference', "/^(a+)+\\1$/.test('a'.repeat(24) + 'b')");
hostile('through replace', "'a'.repeat(22).replace(/(a|a)*b/g, '')");
hostile('through split', "('a'.repeat(23) + 'b').split(/(a+)+$/)");
hostile('through matchAll', "[...('a'.repeat(23) + 'b').matchAll(/(a+)+$/g)]");
await hostileModule('in a module', "/(a+)+$/.test('a'.repeat(23) + 'b');");
// Searches that end give their answers: with no timeout, and under one with a pattern that
// cannot backtrack badly. (A risky pattern under a timeout may have to wait for the searches
// left running above.)
console.log('answers: ' + vm.runInNewContext("/(a+)+$/.test('aaa')") + ' ' + vm.runInNewContext("/a+b/.exec('xaab')[0]", {}, { timeout: 100 }));
"#,
        &[
            ("nested plus", TIMEOUT),
            ("alternation star", TIMEOUT),
            ("repeated group", TIMEOUT),
            ("backreference in a starred group", TIMEOUT),
            ("nested plus with a backreference", TIMEOUT),
            ("through replace", TIMEOUT),
            ("through split", TIMEOUT),
            ("through matchAll", TIMEOUT),
            ("in a module", TIMEOUT),
            ("answers", &["true aab"]),
        ],
    );
}

#[test]
fn bigint_arithmetic_is_bounded_and_stops() {
    check(
        r#"
hostile('huge power', '3n ** 300000000n');
hostile('power then toString', '(7n ** 10000000n).toString()');
hostile('huge shift', '1n << (2n ** 40n)');
hostile('squaring past the limit', 'let x = 2n ** 600000n; x * x');
hostile('parsing past the limit', "BigInt('9'.repeat(400000))");
hostile('toString in a loop', 'const x = 7n ** 300000n; for (;;) x.toString()');
hostile('multiplying in a loop', 'const x = 3n ** 300000n; for (;;) x * x');
"#,
        &[
            ("huge power", RANGE_ERROR),
            ("power then toString", RANGE_ERROR),
            ("huge shift", RANGE_ERROR),
            ("squaring past the limit", RANGE_ERROR),
            ("parsing past the limit", RANGE_ERROR),
            ("toString in a loop", TIMEOUT),
            ("multiplying in a loop", TIMEOUT),
        ],
    );
}

#[test]
fn array_algorithms_over_huge_lengths_stop() {
    let huge = "var a = []; a.length = 2 ** 32 - 1; ";
    let cases: Vec<(&str, String, &[&str])> = vec![
        ("join", format!("{huge}a.join()"), RANGE_ERROR),
        (
            "join of an array-like",
            "Array.prototype.join.call({ length: 2 ** 53 - 1 }, '')".into(),
            TIMEOUT,
        ),
        ("toString", format!("{huge}String(a)"), RANGE_ERROR),
        ("includes", format!("{huge}a.includes(1)"), TIMEOUT),
        ("indexOf", format!("{huge}a.indexOf(1)"), TIMEOUT),
        ("lastIndexOf", format!("{huge}a.lastIndexOf(1)"), TIMEOUT),
        ("concat", format!("{huge}[].concat(a)"), TIMEOUT),
        ("fill", format!("{huge}a.fill(0)"), TIMEOUT),
        ("copyWithin", format!("{huge}a.copyWithin(1, 0)"), TIMEOUT),
        ("reverse", format!("{huge}a.reverse()"), TIMEOUT),
        ("slice", format!("{huge}a.slice()"), TIMEOUT),
        ("splice", format!("{huge}a.splice(0, 2 ** 32 - 2)"), TIMEOUT),
        ("sort of holes", format!("{huge}a.sort()"), TIMEOUT),
        ("sort", "a.sort()".into(), TIMEOUT),
        (
            "typed array indexOf",
            "new Uint8Array(2 ** 24).indexOf(1)".into(),
            TIMEOUT,
        ),
    ];
    let mut source =
        String::from("const big = []; for (let i = 0; i < 2 ** 19; i++) big.push(String(-i));\n");
    for (name, code, _) in &cases {
        let sandbox = if *name == "sort" { "{ a: big }" } else { "{}" };
        source.push_str(&format!("hostile({name:?}, {code:?}, {sandbox});\n"));
    }
    let expected: Vec<(&str, &[&str])> = cases.iter().map(|(n, _, o)| (*n, *o)).collect();
    check(&source, &expected);
}

#[test]
fn string_and_json_builders_stop() {
    check(
        r#"
hostile('replaceAll with $`', "'x'.repeat(2 ** 16).replaceAll('', '$`')");
hostile('normalize', "'x'.repeat(2 ** 24).normalize('NFD')");
hostile('toUpperCase', "'ab'.repeat(2 ** 23).toUpperCase()");
hostile('JSON.stringify of a long array', 'JSON.stringify(new Array(2 ** 28))');
hostile('JSON.parse of a long array', 'JSON.parse(s)', { s: '[' + '0,'.repeat(2 ** 23) + '0]' });
hostile('repeat past the maximum', "'x'.repeat(2 ** 29)");
hostile('padEnd past the maximum', "'x'.padEnd(2 ** 30)");
hostile('split into characters', "'x'.repeat(2 ** 24).split('')");
hostile('encodeURIComponent', "encodeURIComponent('\\u0800'.repeat(2 ** 23))");
"#,
        &[
            ("replaceAll with $`", EITHER),
            ("normalize", TIMEOUT),
            ("toUpperCase", TIMEOUT),
            ("JSON.stringify of a long array", EITHER),
            ("JSON.parse of a long array", TIMEOUT),
            ("repeat past the maximum", RANGE_ERROR),
            ("padEnd past the maximum", RANGE_ERROR),
            ("split into characters", TIMEOUT),
            ("encodeURIComponent", TIMEOUT),
        ],
    );
}

/// Bulk work over buffers: zeroing, copying, converting, filling and reversing up to 2 GiB,
/// done a few MB at a time with a termination check between.
#[test]
fn bulk_buffer_work_stops() {
    check(
        r#"
// New blocks of the largest size (2 GiB) are zeroed as they are made.
hostile('new ArrayBuffer', 'new ArrayBuffer(2 ** 31)');
hostile('new Uint8Array', 'new Uint8Array(2 ** 31)');
hostile('resize', 'b.resize(2 ** 31)', { b: new ArrayBuffer(8, { maxByteLength: 2 ** 31 }) });
// A growable SharedArrayBuffer's block is allocated whole (lazily zeroed pages) when it is made,
// so that growing never moves memory other threads use: growing costs nothing.
hostile('grow', 'b.grow(2 ** 31)', { b: new SharedArrayBuffer(8, { maxByteLength: 2 ** 31 }) });
// Work over a 1 GiB buffer the host made.
const bytes = new Uint8Array(2 ** 30);
hostile('ArrayBuffer slice', 'b.slice(0)', { b: bytes.buffer });
hostile('typed array slice', 'a.slice()', { a: bytes });
hostile('typed array from a typed array', 'new Uint8Array(a)', { a: bytes });
hostile('converted typed array', 'new Float32Array(a)', { a: new Float64Array(bytes.buffer) });
hostile('set converting', 'a.set(f)', { a: new Uint8Array(2 ** 27), f: new Float64Array(bytes.buffer) });
hostile('set from the same buffer', 'a.set(new Int8Array(a.buffer, 0, 2 ** 29))', { a: new Uint16Array(bytes.buffer) });
hostile('fill', 'a.fill(1.5)', { a: new Float64Array(bytes.buffer) });
hostile('reverse', 'a.reverse()', { a: new Uint16Array(bytes.buffer) });
hostile('copyWithin', 'a.copyWithin(0, 1)', { a: bytes });
hostile('transfer', 'b.transfer(2 ** 31)', { b: bytes.buffer });
"#,
        &[
            ("new ArrayBuffer", TIMEOUT),
            ("new Uint8Array", TIMEOUT),
            ("resize", TIMEOUT),
            ("grow", IN_TIME),
            ("ArrayBuffer slice", TIMEOUT),
            ("typed array slice", TIMEOUT),
            ("typed array from a typed array", TIMEOUT),
            ("converted typed array", TIMEOUT),
            ("set converting", TIMEOUT),
            ("set from the same buffer", TIMEOUT),
            ("fill", IN_TIME),
            ("reverse", IN_TIME),
            ("copyWithin", IN_TIME),
            ("transfer", TIMEOUT),
        ],
    );
}

/// Long strings made by the host, worked on in the sandbox: ropes flattened, one-byte strings
/// widened, results stored, text normalized and searched — each a chunk at a time.
#[test]
fn long_string_work_stops() {
    check(
        r#"
// Ropes of 2^29 − 1536 units: 2^20 − 3 doubled nine times.
const rope = (unit) => { let s = unit.repeat(2 ** 20 - 3); for (let i = 0; i < 9; i++) s += s; return s; };
hostile('flattening a rope', 's.charCodeAt(5)', { s: rope('x') });
hostile('flattening a two-byte rope', 's.charCodeAt(5)', { s: rope('\u0101') });
hostile('a rope searched', "s.indexOf('y')", { s: rope('x') });
hostile('a rope compared', 's < t', { s: rope('x'), t: rope('x') });
hostile('a rope as a Map key', 'new Map().set(s, 1)', { s: rope('x') });
// A flat one-byte string of 2^29 − 24 units.
const flat = 'x'.repeat(2 ** 29 - 24);
hostile('slice', 's.slice(1)', { s: flat });
hostile('toLowerCase', 's.toLowerCase()', { s: flat });
hostile('split', "s.split('y')", { s: flat });
hostile('replace', "s.replace('y', 'z')", { s: flat });
hostile('JSON.stringify of a long string', 'JSON.stringify(s)', { s: flat });
hostile('parseFloat', 'parseFloat(s)', { s: flat });
hostile('Number', 'Number(s)', { s: flat });
// Searches that compare half a million units at each of half a million places.
const as = 'a'.repeat(2 ** 20), needle = 'a'.repeat(2 ** 19) + 'b';
hostile('indexOf of a near miss', 's.indexOf(n)', { s: as, n: needle });
hostile('lastIndexOf of a near miss', 's.lastIndexOf(n)', { s: as, n: needle });
hostile('split at a near miss', 's.split(n)', { s: as, n: needle });
// Iterating a one-byte string (each step copied the whole string).
hostile('spreading a string', '[...s]', { s: 'x'.repeat(2 ** 20) });
// Normalizing text with no ASCII in it.
hostile('normalize NFD', "s.normalize('NFD')", { s: '\u00e9'.repeat(2 ** 24) });
hostile('normalize NFC', "s.normalize('NFC')", { s: '\u00e9'.repeat(2 ** 25) });
hostile('normalize NFKC', "s.normalize('NFKC')", { s: '\ufb01'.repeat(2 ** 24) });
hostile('normalize Hangul NFD', "s.normalize('NFD')", { s: '\uac00'.repeat(2 ** 25) });
"#,
        &[
            ("flattening a rope", TIMEOUT),
            ("flattening a two-byte rope", TIMEOUT),
            ("a rope searched", TIMEOUT),
            ("a rope compared", TIMEOUT),
            ("a rope as a Map key", TIMEOUT),
            ("slice", TIMEOUT),
            ("toLowerCase", TIMEOUT),
            ("split", TIMEOUT),
            ("replace", TIMEOUT),
            ("JSON.stringify of a long string", TIMEOUT),
            ("parseFloat", IN_TIME),
            ("Number", IN_TIME),
            ("indexOf of a near miss", TIMEOUT),
            ("lastIndexOf of a near miss", TIMEOUT),
            ("split at a near miss", TIMEOUT),
            ("spreading a string", TIMEOUT),
            ("normalize NFD", TIMEOUT),
            ("normalize NFC", TIMEOUT),
            ("normalize NFKC", TIMEOUT),
            ("normalize Hangul NFD", TIMEOUT),
        ],
    );
}

/// Single steps over strings of up to 2^29 units, each one operator, lookup or call:
/// comparing (ropes flattened, long strings compared a chunk at a time), indexing, using as
/// a key, compiling as source text.
#[test]
fn huge_string_steps_stop() {
    check(
        r#"
// Ropes of 2^29 − 1536 units, as above; flat two-byte strings of 2^29 − 24 units.
const rope = (unit) => { let s = unit.repeat(2 ** 20 - 3); for (let i = 0; i < 9; i++) s += s; return s; };
const wide = () => '\u0101'.repeat(2 ** 29 - 24);
hostile('=== on two ropes', 's === t', { s: rope('x'), t: rope('x') });
hostile('!== on two ropes', 's !== t', { s: rope('x'), t: rope('x') });
hostile('== on two ropes', 's == t', { s: rope('x'), t: rope('x') });
hostile('switch on two ropes', 'switch (s) { case t: 1 }', { s: rope('x'), t: rope('x') });
hostile('includes of a rope', '[t].includes(s)', { s: rope('x'), t: rope('x') });
hostile('=== on two flat two-byte strings', 's === t', { s: wide(), t: wide() });
hostile('< on two flat two-byte strings', 's < t', { s: wide(), t: wide() });
hostile('indexing a rope', 's[5]', { s: rope('x') });
hostile('indexing a String object of a rope', 'new String(s)[5]', { s: rope('x') });
hostile('iterating a rope', 'for (const c of s) break', { s: rope('x') });
hostile('a rope as a property key', 'const o = {}; o[s] = 1', { s: rope('x') });
hostile('a flat string as a property key', 'const o = {}; o[s] = 1', { s: 'x'.repeat(2 ** 29 - 24) });
// Built-ins that took a rope's units whole.
hostile('Symbol.for of a rope', 'Symbol.for(s)', { s: rope('x') });
hostile('sorting two ropes', '[s, t].sort()', { s: rope('x'), t: rope('x') });
hostile('a rope as a join separator', '[1, 2].join(s)', { s: rope('x') });
hostile('escape of a rope', 'escape(s)', { s: rope('x') });
// Source text: past the maximum length a RangeError before any of it is built; within it,
// converted for the parser a chunk at a time.
hostile('new Function past the maximum', 'new Function(s)', { s: 'x'.repeat(2 ** 29 - 24) });
hostile('new Function with long parameters', 'new Function(s, s, "")', { s: 'x'.repeat(2 ** 28) });
hostile('eval of a long identifier', 'eval(s)', { s: 'x'.repeat(2 ** 29 - 24) });
hostile('indirect eval of a long comment', '(0, eval)(s)', { s: '//' + 'x'.repeat(2 ** 29 - 26) });
hostile('new Function of a long comment', 'new Function(s)', { s: '//' + 'x'.repeat(2 ** 28) });
"#,
        &[
            ("=== on two ropes", TIMEOUT),
            ("!== on two ropes", TIMEOUT),
            ("== on two ropes", TIMEOUT),
            ("switch on two ropes", TIMEOUT),
            ("includes of a rope", TIMEOUT),
            ("=== on two flat two-byte strings", TIMEOUT),
            ("< on two flat two-byte strings", TIMEOUT),
            ("indexing a rope", TIMEOUT),
            ("indexing a String object of a rope", TIMEOUT),
            ("iterating a rope", TIMEOUT),
            ("a rope as a property key", TIMEOUT),
            ("a flat string as a property key", TIMEOUT),
            ("Symbol.for of a rope", TIMEOUT),
            ("sorting two ropes", TIMEOUT),
            ("a rope as a join separator", TIMEOUT),
            ("escape of a rope", TIMEOUT),
            ("new Function past the maximum", RANGE_ERROR),
            ("new Function with long parameters", RANGE_ERROR),
            ("eval of a long identifier", TIMEOUT),
            ("indirect eval of a long comment", TIMEOUT),
            ("new Function of a long comment", TIMEOUT),
        ],
    );
}

/// Searches that cannot backtrack badly but run over long subjects go to a search thread
/// under a timeout like backtracking ones; one that ends gives its answer.
#[test]
fn long_regexp_searches_stop() {
    check(
        r#"
// About 2.5 s of searching over 2^29 units, 0.5 s over 2^27.
hostile('sticky exec', 'const r = /y/y; r.exec(s)', { s: 'x'.repeat(2 ** 29 - 24) });
hostile('exec over two-byte units', '/y/.exec(s)', { s: '\u0101'.repeat(2 ** 27) });
hostile('test', '/[^x]/.test(s)', { s: 'x'.repeat(2 ** 27) });
// Searches that end give their answers under a timeout. The timeout is generous: the searches
// given up on above go on burning both cores for seconds (tens of them in a debug build), and
// what is checked here is the answer, not the time.
const s = 'b'.repeat(2 ** 21) + 'a' + 'c'.repeat(2 ** 21);
console.log('answers: ' + vm.runInNewContext("[/a/.exec(s).index, /a(c+)/.exec(s)[1].length, s.search(/a/), /z/.test(s)].join(' ')", { s }, { timeout: 60000 }));
"#,
        &[
            ("sticky exec", TIMEOUT),
            ("exec over two-byte units", TIMEOUT),
            ("test", TIMEOUT),
            ("answers", &["2097152 2097152 2097152 false"]),
        ],
    );
}

#[test]
fn strings_stop_at_the_maximum_length() {
    // Not timed itself, but its big strings and numbers would slow the tests that are.
    let _alone = alone();
    let got = run(r#"
function attempt(f) {
  try { return String(f()); } catch (e) { return e.name + ': ' + e.message; }
}
// Ropes reach the limit without building anything: 2^20 doubled nine times is 2^29.
console.log(attempt(() => { let s = 'x'.repeat(2 ** 20); for (let i = 0; i < 9; i++) s += s; return s.length; }));
console.log(attempt(() => { let s = 'x'.repeat(2 ** 20); for (let i = 0; i < 8; i++) s += s; return s.length; }));
console.log(attempt(() => 'x'.repeat(2 ** 29 - 23)));
console.log(attempt(() => 'ab'.padStart(2 ** 29 - 23, 'c')));
console.log(attempt(() => new Array(2 ** 20).join('x'.repeat(2 ** 10))));
console.log(attempt(() => { let s = 'x'.repeat(2 ** 20); for (let i = 0; i < 8; i++) s += s; return `${s}${s}`; }));
"#);
    assert_eq!(
        got,
        [
            "RangeError: Invalid string length",
            "268435456",
            "RangeError: Invalid string length",
            "RangeError: Invalid string length",
            "RangeError: Invalid string length",
            "RangeError: Invalid string length",
        ]
    );
}

#[test]
fn bigints_have_a_maximum_size_and_as_uint_n_respects_it() {
    // Not timed itself, but its big strings and numbers would slow the tests that are.
    let _alone = alone();
    let got = run(r#"
function attempt(f) {
  try { return String(f()); } catch (e) { return e.name + ': ' + e.message; }
}
console.log(attempt(() => BigInt.asUintN(2 ** 21, -1n)));
console.log(attempt(() => BigInt.asUintN(2 ** 21, 5n)));
console.log(attempt(() => BigInt.asIntN(2 ** 21, -1n)));
console.log(attempt(() => BigInt.asUintN(2 ** 20, -1n).toString(16) === 'f'.repeat(2 ** 18)));
console.log(attempt(() => BigInt.asUintN(64, -1n) === 2n ** 64n - 1n));
console.log(attempt(() => (2n ** (2n ** 20n - 1n)).toString(2).length));
console.log(attempt(() => 2n ** (2n ** 20n)));
console.log(attempt(() => (-1n) ** (2n ** 64n) + 0n ** (2n ** 64n) + 1n ** (2n ** 64n)));
console.log(attempt(() => BigInt('9'.repeat(400000))));
console.log(attempt(() => BigInt('0x' + 'f'.repeat(2 ** 18)) === BigInt.asUintN(2 ** 20, -1n)));
console.log(attempt(() => 3n ** 300000000n));
console.log(attempt(() => 1n << (2n ** 40n)));
"#);
    assert_eq!(
        got,
        [
            "RangeError: Maximum BigInt size exceeded",
            "5",
            "-1",
            "true",
            "true",
            "1048576",
            "RangeError: Maximum BigInt size exceeded",
            "2",
            "RangeError: Maximum BigInt size exceeded",
            "true",
            "RangeError: Maximum BigInt size exceeded",
            "RangeError: Maximum BigInt size exceeded",
        ]
    );
}

/// With no deadline, a host's watchdog thread that sets the interrupt flag stops a
/// backtracking search too (it runs on a search thread while another holder of the flag
/// exists), and the runtime goes on.
#[test]
fn an_interrupt_from_another_thread_stops_a_backtracking_regexp() {
    let _alone = alone();
    let mut runtime = Runtime::new();
    let flag = runtime.vm.termination.interrupt.clone();
    let watchdog = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        flag.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    // About 0.8 s of backtracking in a release build: long enough that only the interrupt can
    // end the run within 250 ms, short enough that the search thread it leaves behind (which
    // nothing stops) is gone before the other tests here measure their own times.
    let script = Script::new(
        "/(a+)+$/.test('a'.repeat(24) + 'b')",
        ScriptOptions::default(),
    )
    .expect("parses");
    let started = std::time::Instant::now();
    let result = script.run_in_this_context(&mut runtime);
    let elapsed = started.elapsed();
    watchdog.join().expect("the watchdog ends");
    assert!(result.is_err(), "the search was stopped: {result:?}");
    assert!(
        elapsed < std::time::Duration::from_millis(250),
        "stopped after {elapsed:?}"
    );
    runtime
        .vm
        .termination
        .interrupt
        .store(false, std::sync::atomic::Ordering::Relaxed);
    let after = Script::new("1 + 1", ScriptOptions::default()).expect("parses");
    let value = after.run_in_this_context(&mut runtime).expect("runs after");
    assert_eq!(value.as_int32(), Some(2));
}
