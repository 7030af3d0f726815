//! `node:vm` from JavaScript: each test runs a module that imports `node:vm` and checks what it
//! prints, line by line. The rows follow the issue: the host module, contexts and the sandbox
//! forwarding rules, code generation limits, timeouts, `Script` and its caches,
//! `compileFunction`, the module state machine, and the escapes a sandbox must stop.

use kiln::{Runtime, Script, ScriptOptions, SourceType};
use kiln_interpreter::Host;
use std::cell::RefCell;
use std::rc::Rc;

struct Capture(Rc<RefCell<Vec<String>>>);

impl Host for Capture {
    fn print(&mut self, line: &str) {
        self.0.borrow_mut().push(line.to_string());
    }
}

/// Runs `source` as a module and returns what it printed (and the uncaught error, if any).
fn run(source: &str) -> Vec<String> {
    run_with_heap_limit(source, None)
}

fn run_with_heap_limit(source: &str, limit: Option<usize>) -> Vec<String> {
    let lines = Rc::new(RefCell::new(Vec::new()));
    let mut runtime = Runtime::with_host(Box::new(Capture(lines.clone())));
    runtime.set_heap_limit(limit);
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

fn check(source: &str, expected: &[&str]) {
    let got = run(source);
    assert_eq!(got, expected, "\nsource:\n{source}");
}

#[test]
fn the_host_module_exports_everything_by_name_and_as_default() {
    check(
        r#"
import vm, * as ns from 'node:vm';
import { Script, createContext, constants } from 'vm';
const names = ['Script', 'createScript', 'createContext', 'isContext', 'runInContext',
  'runInNewContext', 'runInThisContext', 'compileFunction', 'measureMemory', 'constants',
  'Module', 'SourceTextModule', 'SyntheticModule'];
console.log(names.every(n => n in vm && ns[n] === vm[n]));
console.log(Script === vm.Script, createContext === vm.createContext);
console.log(typeof constants.DONT_CONTEXTIFY, typeof constants.USE_MAIN_CONTEXT_DEFAULT_LOADER);
console.log(Object.isFrozen(constants));
"#,
        &["true", "true true", "symbol symbol", "true"],
    );
}

/// A realm's built-in methods are made when first read (`LazyMethod`): each is made once, in
/// its own realm, with its name, length and attributes, and a method of a context made from
/// the template belongs to the context, not to the template or the main realm.
#[test]
fn built_in_methods_made_on_first_read_belong_to_their_realm() {
    check(
        r#"
import vm from 'node:vm';
const c = vm.createContext();
const map = vm.runInContext('Array.prototype.map', c);
console.log(map === vm.runInContext('Array.prototype.map', c), map !== Array.prototype.map);
console.log(map.name, map.length, Object.getPrototypeOf(map) === vm.runInContext('Function.prototype', c));
const d = vm.runInContext('Object.getOwnPropertyDescriptor(Math, "max")', c);
console.log(d.writable, d.enumerable, d.configurable, d.value.name, d.value.length);
try { map.call(null, x => x); } catch (e) {
  console.log(e instanceof TypeError, e instanceof vm.runInContext('TypeError', c));
}
console.log(vm.runInContext('Object.getOwnPropertyNames(String.prototype).includes("at")', c));
vm.runInContext('Array.prototype.push = function mine() { return "replaced"; }', c);
console.log(vm.runInContext('[].push(1)', c), [].push(1));
const e = vm.createContext();
console.log(vm.runInContext('delete Math.max; "max" in Math', e), 'max' in Math);
"#,
        &[
            "true true",
            "map 1 true",
            "true false true max 2",
            "false true",
            "true",
            "replaced 1",
            "false true",
        ],
    );
}

#[test]
fn a_sandbox_backs_the_context_global_both_ways() {
    check(
        r#"
import vm from 'node:vm';
const sandbox = { a: 1, get g() { return 'getter'; } };
const ctx = vm.createContext(sandbox);
console.log(ctx === sandbox, vm.isContext(sandbox), vm.isContext({}));
// Reads, including accessors and later changes from outside.
sandbox.later = 'seen';
console.log(vm.runInContext('[a, g, later].join()', ctx));
// Writes and declarations land on the sandbox; lexical declarations do not.
vm.runInContext('a = 2; var v = 3; function f() { return 4; } let l = 5; const c = 6; class K {}', ctx);
console.log(sandbox.a, sandbox.v, typeof sandbox.f, sandbox.f(), 'l' in sandbox, 'c' in sandbox, 'K' in sandbox);
console.log(vm.runInContext('l + c', ctx));
// Descriptors, defineProperty and delete go through to the sandbox.
vm.runInContext('Object.defineProperty(globalThis, "d", { value: 7, enumerable: false })', ctx);
console.log(Object.getOwnPropertyDescriptor(sandbox, 'd').value, Object.getOwnPropertyDescriptor(sandbox, 'd').enumerable);
console.log(vm.runInContext('Object.getOwnPropertyDescriptor(globalThis, "a").value', ctx));
console.log(vm.runInContext('delete globalThis.a', ctx), 'a' in sandbox);
console.log(vm.runInContext('Object.keys(globalThis).includes("v")', ctx));
// The context's global is not the sandbox, and has its own built-ins.
console.log(vm.runInContext('this', ctx) !== sandbox, vm.runInContext('Array', ctx) !== Array);
console.log(vm.runInContext('typeof Array', ctx), vm.runInContext('globalThis === this', ctx));
"#,
        &[
            "true true false",
            "1,getter,seen",
            "2 3 function 4 false false false",
            "11",
            "7 false",
            "2",
            "true false",
            "true",
            "true true",
            "function true",
        ],
    );
}

#[test]
fn dont_contextify_gives_an_ordinary_freezable_global() {
    check(
        r#"
import vm from 'node:vm';
const g = vm.createContext(vm.constants.DONT_CONTEXTIFY);
console.log(vm.isContext(g), vm.runInContext('globalThis', g) === g, typeof g.Array);
vm.runInContext('Object.freeze(globalThis); var x = 1;', g);
console.log(Object.isFrozen(g), vm.runInContext('typeof x', g));
"#,
        &["true true function", "true undefined"],
    );
}

#[test]
fn code_generation_from_strings_can_be_forbidden() {
    check(
        r#"
import vm from 'node:vm';
const ctx = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
for (const code of ['eval("1")', 'new Function("return 1")', 'Function("return 1")',
    '(function*(){}).constructor("yield 1")', '(async function(){}).constructor("")',
    '(async function*(){}).constructor("")', '(0, eval)("1")']) {
  try { vm.runInContext(code, ctx); console.log('ran', code); }
  catch (e) { console.log(e.name, e instanceof vm.runInContext('EvalError', ctx)); }
}
// The host may still compile code into the context.
console.log(vm.runInContext('1 + 1', ctx), vm.compileFunction('return 3', [], { parsingContext: ctx })());
try { vm.createContext({}, { codeGeneration: { strings: 1 } }); }
catch (e) { console.log(e.code, e.message); }
try { vm.createContext({}, { codeGeneration: 1 }); }
catch (e) { console.log(e.code); }
"#,
        &[
            "EvalError true",
            "EvalError true",
            "EvalError true",
            "EvalError true",
            "EvalError true",
            "EvalError true",
            "EvalError true",
            "2 3",
            "ERR_INVALID_ARG_TYPE The \"options.codeGeneration.strings\" property must be of type boolean. Received type number (1)",
            "ERR_INVALID_ARG_TYPE",
        ],
    );
}

#[test]
fn a_timeout_stops_the_script_and_the_program_goes_on() {
    check(
        r#"
import vm from 'node:vm';
const started = Date.now();
try { vm.runInNewContext('while (true) {}', {}, { timeout: 50 }); }
catch (e) { console.log(e.code, e.message); }
const elapsed = Date.now() - started;
console.log(elapsed >= 50 && elapsed < 150);
const ctx = vm.createContext({});
try { vm.runInContext('for (;;) { try {} finally {} }', ctx, { timeout: 20 }); }
catch (e) { console.log(e.code); }
console.log(vm.runInContext('6 * 7', ctx));
for (const t of [0, -1, 1.5, 2 ** 32]) {
  try { vm.runInThisContext('1', { timeout: t }); } catch (e) { console.log(e.code); }
}
try { vm.runInThisContext('1', { timeout: '5' }); } catch (e) { console.log(e.code, e.message); }
"#,
        &[
            "ERR_SCRIPT_EXECUTION_TIMEOUT Script execution timed out after 50ms",
            "true",
            "ERR_SCRIPT_EXECUTION_TIMEOUT",
            "42",
            "ERR_OUT_OF_RANGE",
            "ERR_OUT_OF_RANGE",
            "ERR_OUT_OF_RANGE",
            "ERR_OUT_OF_RANGE",
            "ERR_INVALID_ARG_TYPE The \"options.timeout\" property must be of type number. Received type string ('5')",
        ],
    );
}

#[test]
fn new_contexts_cannot_reach_the_outer_realm() {
    check(
        r#"
import vm from 'node:vm';
const outer = globalThis;
// The classic escapes: the constructor of the global, of a function, of an error.
const escapes = [
  'this.constructor.constructor("return globalThis")()',
  'constructor.constructor("return globalThis")()',
  '(() => {}).constructor("return globalThis")()',
  'new Error().constructor.constructor("return globalThis")()',
  'Object.getPrototypeOf(globalThis).constructor.constructor("return globalThis")()',
];
for (const [name, ctx] of [['sandbox', vm.createContext({})],
                           ['empty', vm.createContext()],
                           ['plain', vm.createContext(vm.constants.DONT_CONTEXTIFY)]]) {
  console.log(name, escapes.map(e => vm.runInContext(e, ctx) === outer).some(Boolean));
}
const locked = vm.createContext({}, { codeGeneration: { strings: false } });
console.log(escapes.map(e => { try { vm.runInContext(e, locked); return 'ran'; } catch (x) { return x.name; } }).join());
// Handing in an outer object hands in its realm.
const handed = vm.createContext({ f: Function });
console.log(vm.runInContext('f("return globalThis")()', handed) === outer);
"#,
        &[
            "sandbox false",
            "empty false",
            "plain false",
            "EvalError,EvalError,EvalError,EvalError,EvalError",
            "true",
        ],
    );
}

#[test]
fn every_kind_of_sandbox_keeps_the_outer_function_out() {
    // Node lets all of these but the null-prototype sandbox reach the outer `Function` (through
    // %Object.prototype%, %Array.prototype%, … or the class); Kiln stops the sandbox lookup at
    // built-in prototypes and takes `constructor` only from the sandbox itself.
    check(
        r#"
import vm from 'node:vm';
const outer = globalThis;
class K { constructor() { this.field = 1; } m() { return 'm'; } }
const kinds = {
  plain: () => ({}),
  proxy: () => new Proxy({}, {}),
  array: () => [1, 2],
  map: () => new Map(),
  date: () => new Date(0),
  error: () => new Error('x'),
  instance: () => new K(),
  nullproto: () => Object.create(null),
};
const escapes = [
  'this.constructor.constructor("return globalThis")()',
  'constructor.constructor("return globalThis")()',
  'this.constructor.constructor.constructor("return globalThis")()',
  'toString.constructor("return globalThis")()',
  'Object.getPrototypeOf(globalThis).constructor.constructor("return globalThis")()',
];
for (const [name, make] of Object.entries(kinds)) {
  const ctx = vm.createContext(make());
  const reached = escapes.map(e => { try { return vm.runInContext(e, ctx) === outer; } catch { return false; } });
  const inner = vm.runInContext('this.constructor.constructor("return globalThis")()', ctx);
  console.log(name, reached.some(Boolean), inner === vm.runInContext('globalThis', ctx));
}
// Built-in methods of the sandbox's prototypes are not found; its own data and a class's own
// methods are.
console.log(vm.runInContext('typeof push + typeof getTime + typeof get', vm.createContext([])));
console.log(vm.runInContext('typeof getTime', vm.createContext(new Date(0))));
console.log(vm.runInContext('length + this[1]', vm.createContext([1, 2])));
console.log(vm.runInContext('message', vm.createContext(new Error('msg'))));
console.log(vm.runInContext('field + m()', vm.createContext(new K())));
"#,
        &[
            "plain false true",
            "proxy false true",
            "array false true",
            "map false true",
            "date false true",
            "error false true",
            "instance false true",
            "nullproto false true",
            "undefinedundefinedundefined",
            "undefined",
            "4",
            "msg",
            "1m",
        ],
    );
}

#[test]
fn scripts_make_use_and_reject_caches() {
    check(
        r#"
import vm from 'node:vm';
const code = 'globalThis.n = (globalThis.n || 0) + 1; n';
const s = new vm.Script(code, { filename: 'a.js', produceCachedData: true });
console.log(s.cachedDataProduced, s.cachedData instanceof Uint8Array, s.cachedData.length > 64);
console.log('cachedDataRejected' in s);
const again = new vm.Script(code, { cachedData: s.createCachedData() });
console.log(again.cachedDataRejected, again.runInThisContext(), again.runInThisContext());
const view = new DataView(s.cachedData.buffer);
console.log(new vm.Script(code, { cachedData: view }).cachedDataRejected);
const other = new vm.Script('n * 10', { cachedData: s.cachedData });
console.log(other.cachedDataRejected, other.runInThisContext());
const bytes = s.createCachedData(); bytes[100] ^= 1;
console.log(new vm.Script(code, { cachedData: bytes }).cachedDataRejected);
try { new vm.Script(code, { cachedData: 'x' }); } catch (e) { console.log(e.code); }
try { new vm.Script('let let = 1'); } catch (e) { console.log(e.name); }
const ctx = vm.createContext({ n: 100 });
console.log(s.runInContext(ctx), ctx.n, s.runInNewContext({ n: 5 }));
console.log(vm.createScript('1 + 1').runInThisContext());
"#,
        &[
            "true true true",
            "false",
            "false 1 2",
            "false",
            "true 20",
            "true",
            "ERR_INVALID_ARG_TYPE",
            "SyntaxError",
            "101 101 6",
            "2",
        ],
    );
}

#[test]
fn compile_function_takes_params_contexts_and_extensions() {
    check(
        r#"
import vm from 'node:vm';
const add = vm.compileFunction('return a + b', ['a', 'b']);
console.log(add(2, 3), typeof add);
try { vm.compileFunction('}); (function() {', []); } catch (e) { console.log(e.name); }
try { vm.compileFunction('return 1', 'a'); } catch (e) { console.log(e.code); }
const ctx = vm.createContext({ x: 10 });
console.log(vm.compileFunction('return x + Array.length', [], { parsingContext: ctx })());
const withExt = vm.compileFunction('return y * 2', [], { contextExtensions: [{ y: 21 }] });
console.log(withExt());
const cached = vm.compileFunction('return 1', [], { produceCachedData: true });
console.log(cached.cachedDataProduced, cached.cachedData instanceof Uint8Array);
const reused = vm.compileFunction('return 1', [], { cachedData: cached.cachedData });
console.log(reused.cachedDataRejected, reused());
"#,
        &[
            "5 function",
            "SyntaxError",
            "ERR_INVALID_ARG_TYPE",
            "11",
            "42",
            "true true",
            "false 1",
        ],
    );
}

#[test]
fn modules_walk_their_state_machine() {
    check(
        r#"
import vm from 'node:vm';
const ctx = vm.createContext({ shared: 'ctx' });
const dep = new vm.SourceTextModule('export const x = 20 + (typeof shared === "string" ? 1 : 0);', { context: ctx, identifier: 'dep' });
const main = new vm.SourceTextModule('import { x } from "dep"; export const y = x * 2;', { context: ctx });
console.log(main.status, dep.identifier, main.dependencySpecifiers.join());
try { main.namespace; } catch (e) { console.log(e.code); }
try { await main.evaluate(); } catch (e) { console.log(e.code); }
await main.link(async (specifier, referrer) => { console.log('link', specifier, referrer === main); return dep; });
console.log(main.status, dep.status);
try { await main.link(() => dep); } catch (e) { console.log(e.code); }
await main.evaluate();
console.log(main.status, main.namespace.y, dep.namespace.x);
const bad = new vm.SourceTextModule('throw new TypeError("boom")');
await bad.link(() => {});
try { await bad.evaluate(); } catch (e) { console.log('rejected', e.message); }
console.log(bad.status, bad.error.message);
try { dep.error; } catch (e) { console.log(e.code); }
try { new vm.SourceTextModule('export {'); } catch (e) { console.log(e.name); }
const lonely = new vm.SourceTextModule('import "missing";');
try { await lonely.link(() => 42); } catch (e) { console.log(e.code); }
// A cycle links and evaluates.
const a = new vm.SourceTextModule('import { b } from "b"; export const a = "a"; export const both = () => a + b;');
const b = new vm.SourceTextModule('import { a } from "a"; export const b = "b";');
await a.link(s => (s === 'a' ? a : b));
await a.evaluate();
console.log(a.namespace.both(), b.status);
try { new vm.Module(); } catch (e) { console.log(e.name, e.message, e.code); }
"#,
        &[
            "unlinked dep dep",
            "ERR_VM_MODULE_STATUS",
            "ERR_VM_MODULE_STATUS",
            "link dep true",
            "linked linked",
            "ERR_VM_MODULE_ALREADY_LINKED",
            "evaluated 42 21",
            "rejected boom",
            "errored boom",
            "ERR_VM_MODULE_STATUS",
            "SyntaxError",
            "ERR_VM_MODULE_NOT_MODULE",
            "ab evaluated",
            // Node's own constructor throws this plain TypeError (v20 and later).
            "TypeError Module is not a constructor undefined",
        ],
    );
}

#[test]
fn synthetic_modules_export_live_bindings() {
    check(
        r#"
import vm from 'node:vm';
const syn = new vm.SyntheticModule(['count', 'bump'], function () {
  this.setExport('count', 0);
  this.setExport('bump', () => { count++; this.setExport('count', count); });
});
let count = 0;
try { syn.setExport('count', 1); } catch (e) { console.log(e.code); }
const user = new vm.SourceTextModule('import { count, bump } from "syn"; export function read() { return count; } export { bump };');
await user.link(() => syn);
await user.evaluate();
console.log(user.namespace.read());
user.namespace.bump(); user.namespace.bump();
console.log(user.namespace.read(), syn.namespace.count);
try { syn.setExport('nope', 1); } catch (e) { console.log(e.name); }
try { new vm.SyntheticModule(['a', 'a'], () => {}); } catch (e) { console.log(e.code); }
try { new vm.SyntheticModule(['a'], 1); } catch (e) { console.log(e.code); }
"#,
        &[
            "ERR_VM_MODULE_STATUS",
            "0",
            "2 2",
            "ReferenceError",
            "ERR_INVALID_ARG_VALUE",
            "ERR_INVALID_ARG_TYPE",
        ],
    );
}

#[test]
fn measure_memory_reports_the_heap() {
    check(
        r#"
import vm from 'node:vm';
const before = (await vm.measureMemory()).total.jsMemoryEstimate;
const keep = new Array(100000).fill(0).map((_, i) => ({ i }));
const after = (await vm.measureMemory({ mode: 'detailed' })).total;
console.log(before > 0, after.jsMemoryEstimate > before, after.jsMemoryRange.length, keep.length);
try { vm.measureMemory({ mode: 'all' }); } catch (e) { console.log(e.code); }
"#,
        &["true true 2 100000", "ERR_INVALID_ARG_VALUE"],
    );
}

#[test]
fn a_context_that_allocates_without_end_hits_the_heap_limit_and_the_host_goes_on() {
    let got = run_with_heap_limit(
        r#"
import vm from 'node:vm';
for (const code of ['const a = []; for (;;) a.push({ a: [1, 2, 3] });',
                    'let s = []; for (;;) s.push("x".repeat(1000) + Math.random());',
                    'new ArrayBuffer(1 << 30)']) {
  try { vm.runInNewContext(code, {}, { timeout: 60000 }); }
  catch (e) { console.log(e.code || e.name); }
}
console.log(vm.runInNewContext('[1, 2, 3].map(x => x * 2).join()'));
"#,
        Some(48 << 20),
    );
    assert_eq!(
        got,
        [
            "ERR_KILN_HEAP_LIMIT",
            "ERR_KILN_HEAP_LIMIT",
            // A single request past the limit fails before it allocates, the same way.
            "ERR_KILN_HEAP_LIMIT",
            "2,4,6"
        ]
    );
}

#[test]
fn contexts_are_collected_when_unreachable() {
    let lines = Rc::new(RefCell::new(Vec::new()));
    let mut runtime = Runtime::with_host(Box::new(Capture(lines.clone())));
    let script = Script::new(
        "import vm from 'node:vm'; for (let i = 0; i < 3000; i++) vm.runInNewContext('globalThis.big = new Array(1000).fill(1)');",
        ScriptOptions {
            source_type: SourceType::Module,
            ..Default::default()
        },
    )
    .unwrap();
    script.run_in_this_context(&mut runtime).unwrap();
    runtime.vm.collect_garbage();
    let live = runtime.vm.realms.list.iter().filter(|r| !r.dead).count();
    assert!(
        live < 10,
        "{live} realms still live after 3,000 dropped contexts"
    );
    assert!(runtime.vm.agent.heap.objects.live() < 20_000);
}

#[test]
fn dynamic_import_import_meta_and_offsets_reach_the_host_callbacks() {
    check(
        r#"
import vm from 'node:vm';
try { await vm.runInThisContext('import("x")'); } catch (e) { console.log(e.code, e.message); }
const dep = new vm.SourceTextModule('export const v = 5;');
await dep.link(() => {}); await dep.evaluate();
const script = new vm.Script('import("anything")', { importModuleDynamically(spec, referrer, attributes) {
  console.log('asked', spec, referrer === script, typeof attributes); return dep; } });
console.log((await script.runInThisContext()).v);
const f = vm.compileFunction('return import("z")', [], { importModuleDynamically: () => dep });
console.log((await f()).v);
try { new vm.Script('1', { importModuleDynamically: 1 }); } catch (e) { console.log(e.code); }
const m = new vm.SourceTextModule('export const url = import.meta.url; export const tla = await 1;',
  { identifier: 'meta-test', initializeImportMeta(meta, module) { meta.url = 'vm:' + module.identifier; } });
console.log(m.hasTopLevelAwait(), JSON.stringify(m.moduleRequests));
await m.link(() => {}); await m.evaluate();
console.log(m.namespace.url, m.hasAsyncGraph());
try { new vm.Script('\n\nthrow new Error("where")', { filename: 'off.js', lineOffset: 10, columnOffset: 5 }).runInThisContext({ displayErrors: false }); }
catch (e) { console.log(e.stack.split('\n')[1].trim()); }
try { new vm.Script('throw new Error("first line")', { filename: 'col.js', columnOffset: 5 }).runInThisContext({ displayErrors: false }); }
catch (e) { console.log(e.stack.split('\n')[1].trim()); }
"#,
        &[
            "ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING A dynamic import callback was not specified.",
            "asked anything true object",
            "5",
            "5",
            "ERR_INVALID_ARG_TYPE",
            "true []",
            "vm:meta-test true",
            "at off.js:13:7",
            "at col.js:1:12",
        ],
    );
}

#[test]
fn link_requests_and_instantiate_link_by_hand() {
    check(
        r#"
import vm from 'node:vm';
const dep = new vm.SourceTextModule('export const v = 21;');
const main = new vm.SourceTextModule('import { v } from "dep"; export default v * 2;');
console.log(JSON.stringify(main.moduleRequests), Object.isFrozen(main.moduleRequests), main.hasTopLevelAwait(), main.hasAsyncGraph());
try { main.instantiate(); } catch (e) { console.log(e.code); }
try { main.linkRequests([]); } catch (e) { console.log(e.code); }
dep.linkRequests([]);
main.linkRequests([dep]);
main.instantiate();
console.log(main.status);
await main.evaluate();
console.log(main.namespace.default, dep.status);
"#,
        &[
            r#"[{"specifier":"dep","attributes":{}}] true false false"#,
            "ERR_VM_MODULE_LINK_FAILURE",
            "ERR_MODULE_LINK_MISMATCH",
            "linked",
            "42 evaluated",
        ],
    );
}

#[test]
fn after_evaluate_contexts_run_their_own_jobs_within_the_timeout() {
    check(
        r#"
import vm from 'node:vm';
const log = [];
const ctx = vm.createContext({ log }, { microtaskMode: 'afterEvaluate' });
vm.runInContext('Promise.resolve().then(() => log.push("context job"))', ctx);
log.push('after runInContext');
console.log(log.join(' | '));
const plain = vm.createContext({ log: [] });
vm.runInContext('Promise.resolve().then(() => log.push("plain job"))', plain);
console.log(plain.log.length);
await null;
console.log(plain.log.join());
try { vm.runInContext('(async () => { for (;;) await null; })()', ctx, { timeout: 50 }); }
catch (e) { console.log(e.code); }
try { vm.createContext({}, { microtaskMode: 'sometimes' }); } catch (e) { console.log(e.code); }
"#,
        &[
            "context job | after runInContext",
            "0",
            "plain job",
            "ERR_SCRIPT_EXECUTION_TIMEOUT",
            "ERR_INVALID_ARG_VALUE",
        ],
    );
}

#[test]
fn scripts_report_source_maps_and_modules_stay_in_one_context() {
    check(
        r#"
import vm from 'node:vm';
console.log(new vm.Script('1\n//# sourceMappingURL=app.js.map').sourceMapURL, new vm.Script('1').sourceMapURL);
const other = new vm.SourceTextModule('export default 1', { context: vm.createContext() });
const m = new vm.SourceTextModule('import x from "o";');
try { await m.link(() => other); } catch (e) { console.log(e.code); }
"#,
        &["app.js.map undefined", "ERR_VM_MODULE_DIFFERENT_CONTEXT"],
    );
}

#[test]
fn display_errors_puts_the_offending_line_in_front_of_the_stack() {
    check(
        r#"
import vm from 'node:vm';
try { new vm.Script('let x = 1;\nlet let = 1', { filename: 'x.js' }); }
catch (e) { console.log(JSON.stringify(e.stack.split('\n').slice(0, 4)), e.name); }
try { vm.runInThisContext('1;\n  throw new Error("boom")', { filename: 'y.js' }); }
catch (e) { console.log(JSON.stringify(e.stack.split('\n').slice(0, 6))); }
try { vm.runInThisContext('throw new Error("boom")', { filename: 'y.js', displayErrors: false }); }
catch (e) { console.log(JSON.stringify(e.stack.split('\n').slice(0, 2))); }
try { vm.runInThisContext('1', { displayErrors: 1 }); } catch (e) { console.log(e.code); }
"#,
        &[
            r#"["x.js:2","let let = 1","    ^^^",""] SyntaxError"#,
            r#"["y.js:2","  throw new Error(\"boom\")","  ^","","Error: boom","    at y.js:2:9"]"#,
            r#"["Error: boom","    at y.js:1:7"]"#,
            "ERR_INVALID_ARG_TYPE",
        ],
    );
}

/// Expected values from Node v20.20.2 (`node --experimental-vm-modules x.mjs` on the source).
#[test]
fn option_validation_module_caches_context_getter_and_module_timeouts() {
    check(
        r#"
import vm from 'node:vm';
for (const options of [{ name: 1 }, { origin: {} }, { codeGeneration: { wasm: 'no' } }, 5]) {
  try { vm.createContext({}, options); console.log('accepted'); } catch (e) { console.log(e.code); }
}
const ctx = vm.createContext({}, { name: 'ctx', origin: 'https://example.org', codeGeneration: { wasm: false } });
const source = 'export const answer = 42;';
const first = new vm.SourceTextModule(source, { context: ctx });
const cache = first.createCachedData();
const second = new vm.SourceTextModule(source, { context: ctx, cachedData: cache });
let wrong;
try { new vm.SourceTextModule('export const other = 1;', { cachedData: cache }); } catch (e) { wrong = e.code; }
console.log(cache instanceof Uint8Array, second.cachedDataRejected, wrong, second.context === ctx);
await second.link(() => {}); await second.evaluate();
console.log(second.namespace.answer);
const spin = new vm.SourceTextModule('for (;;) {}');
await spin.link(() => {});
try { await spin.evaluate({ timeout: 30 }); } catch (e) { console.log(e.code); }
const loader = new vm.Script('import("node:vm").then(m => typeof m.default.Script)',
  { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
console.log(await loader.runInThisContext());
"#,
        &[
            "ERR_INVALID_ARG_TYPE",
            "ERR_INVALID_ARG_TYPE",
            "ERR_INVALID_ARG_TYPE",
            "ERR_INVALID_ARG_TYPE",
            "true undefined ERR_VM_MODULE_CACHED_DATA_REJECTED true",
            "42",
            "ERR_SCRIPT_EXECUTION_TIMEOUT",
            "function",
        ],
    );
}

#[test]
fn directive_only_code_completes_with_its_string() {
    // Issue 16, point 1 (checked against node 20).
    check(
        r#"
import vm from 'node:vm';
console.log(vm.runInNewContext('"passed";'), new vm.Script("'passed';").runInThisContext());
console.log(eval('"use strict";'), eval('"a"; "b";'), eval('"a"; var x;'), eval('"a"; 1;'));
console.log(eval('"a"; if (true) {}'), (0, eval)('"indirect";'));
"#,
        &["passed passed", "use strict b a 1", "undefined indirect"],
    );
}

/// Point 3 of issue 16: the options of `runInNewContext`, `runInContext`, `runInThisContext` and
/// `Script`'s methods: `contextCodeGeneration` reaches the new context (every call of `eval` fails
/// there, as in V8); the context options, offsets and option objects are validated with Node's
/// codes; a string names the file. (Kiln has no WebAssembly, so `wasm` is only validated.)
/// Expected values from Node v20.20.2: the source below, saved as `x.mjs`, run with
/// `node --experimental-vm-modules x.mjs`.
#[test]
fn run_in_new_context_options_match_node() {
    check(
        r#"
import vm from 'node:vm';
const t = (f) => { try { return String(f()); } catch (e) { return `${e.name} ${e.code} ${e.message}`; } };
const noStrings = { contextCodeGeneration: { strings: false } };
// contextCodeGeneration reaches the new context: eval, Function and its kin, any call of eval.
for (const code of ['eval("1 + 1")', 'new Function("return 1")()', '(function* () {}).constructor("yield 1")',
  '(async () => {}).constructor("return 1")', '(0, eval)("1")', 'eval(5)',
  'try { eval("1") } catch (e) { e instanceof EvalError }'])
  console.log(t(() => vm.runInNewContext(code, {}, noStrings)));
console.log(t(() => new vm.Script('eval("1")').runInNewContext({}, noStrings)));
console.log(t(() => vm.runInNewContext('eval("1")', vm.constants.DONT_CONTEXTIFY, noStrings)));
console.log(t(() => vm.runInNewContext('eval("2")', {}, { contextCodeGeneration: { strings: true, wasm: false } })));
// An existing context keeps its own setting.
console.log(t(() => vm.runInNewContext('eval("3")', vm.createContext(), noStrings)));
// The context options are validated, before the code is compiled.
for (const options of [{ contextName: 1 }, { contextOrigin: {} }, { contextCodeGeneration: 1 },
  { contextCodeGeneration: null }, { contextCodeGeneration: [] }, { contextCodeGeneration: { strings: 1 } },
  { contextCodeGeneration: { wasm: 'no' } }, { microtaskMode: 5 }, { microtaskMode: 'x' },
  { contextName: 1, lineOffset: 1.5 }])
  console.log(t(() => vm.runInNewContext('(', {}, options)));
console.log(t(() => new vm.Script('1').runInNewContext({}, { contextName: 1 })));
console.log(t(() => vm.runInNewContext('1', {}, { contextName: 'n', contextOrigin: 'https://a.example' })));
// A string third argument is the filename.
console.log(t(() => vm.runInNewContext('1', {}, 'file.js')));
console.log(t(() => { try { vm.runInNewContext('throw new Error("x")', {}, 'file.js'); } catch (e) { return e.stack.split('\n')[0]; } }));
console.log(t(() => vm.runInContext('2', vm.createContext(), 'file.js')));
console.log(t(() => vm.runInThisContext('3', 'file.js')));
// The shorthands copy their options; Script's methods take objects only.
console.log(t(() => vm.runInNewContext('4', {}, null)), t(() => vm.runInContext('5', vm.createContext(), 5)));
for (const bad of ['bad', 1, null, []])
  console.log(t(() => new vm.Script('1').runInThisContext(bad)));
console.log(t(() => new vm.Script('1').runInContext(vm.createContext(), 'bad')));
console.log(t(() => new vm.Script('1').runInNewContext({}, 'bad')));
console.log(t(() => new vm.Script('1', [])), t(() => vm.runInThisContext('1', [])));
// Contexts: what is one, and what is not an object at all.
console.log(t(() => vm.createContext(5)), t(() => vm.isContext(() => {})), t(() => vm.runInContext('1', 5)));
console.log(t(() => vm.runInContext('1', {})), t(() => { const c = vm.createContext(); return vm.createContext(c, { name: 1 }) === c; }));
console.log(t(() => vm.createContext({}, { microtaskMode: 5 })));
// The code is made a string.
console.log(t(() => vm.runInThisContext(6)), t(() => new vm.Script(7).runInThisContext()));
// Offsets: int32 whole numbers.
for (const n of ['lineOffset', 'columnOffset'])
  for (const v of [2 ** 31, -(2 ** 31) - 1, 2 ** 31 - 1, -(2 ** 31), 1.5, NaN, Infinity, '1', null, 2 ** 33, -(2 ** 33), 1e21])
    console.log(t(() => new vm.Script('1', { [n]: v }).runInThisContext()));
console.log(t(() => vm.runInNewContext('1', {}, { lineOffset: 2 ** 31 })));
console.log(t(() => vm.compileFunction('1', [], { columnOffset: 0.5 })));
console.log(t(() => new vm.SourceTextModule('1', { lineOffset: 1.5 })));
console.log(t(() => vm.runInThisContext('1', { timeout: 2 ** 33 })));
const m = new vm.SourceTextModule('\nthrow new Error("m")', { lineOffset: 3, columnOffset: 4, identifier: 'id.mjs' });
await m.link(() => {});
await m.evaluate().catch(e => console.log(e.stack.split('\n')[1]));
"#,
        &[
            "EvalError undefined Code generation from strings disallowed for this context",
            "EvalError undefined Code generation from strings disallowed for this context",
            "EvalError undefined Code generation from strings disallowed for this context",
            "EvalError undefined Code generation from strings disallowed for this context",
            "EvalError undefined Code generation from strings disallowed for this context",
            "EvalError undefined Code generation from strings disallowed for this context",
            "true",
            "EvalError undefined Code generation from strings disallowed for this context",
            "EvalError undefined Code generation from strings disallowed for this context",
            "2",
            "3",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.contextName\" property must be of type string. Received type number (1)",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.contextOrigin\" property must be of type string. Received an instance of Object",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.contextCodeGeneration\" property must be of type object. Received type number (1)",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.contextCodeGeneration\" property must be of type object. Received null",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.contextCodeGeneration\" property must be of type object. Received an instance of Array",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.contextCodeGeneration.strings\" property must be of type boolean. Received type number (1)",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.contextCodeGeneration.wasm\" property must be of type boolean. Received type string ('no')",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.microtaskMode\" property must be of type string. Received type number (5)",
            "TypeError ERR_INVALID_ARG_VALUE The property 'options.microtaskMode' must be one of: 'afterEvaluate', undefined. Received 'x'",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.contextName\" property must be of type string. Received type number (1)",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.contextName\" property must be of type string. Received type number (1)",
            "1",
            "1",
            "file.js:1",
            "2",
            "3",
            "4 5",
            "TypeError ERR_INVALID_ARG_TYPE The \"options\" argument must be of type object. Received type string ('bad')",
            "TypeError ERR_INVALID_ARG_TYPE The \"options\" argument must be of type object. Received type number (1)",
            "TypeError ERR_INVALID_ARG_TYPE The \"options\" argument must be of type object. Received null",
            "TypeError ERR_INVALID_ARG_TYPE The \"options\" argument must be of type object. Received an instance of Array",
            "TypeError ERR_INVALID_ARG_TYPE The \"options\" argument must be of type object. Received type string ('bad')",
            "TypeError ERR_INVALID_ARG_TYPE The \"options\" argument must be of type object. Received type string ('bad')",
            "TypeError ERR_INVALID_ARG_TYPE The \"options\" argument must be of type object. Received an instance of Array TypeError ERR_INVALID_ARG_TYPE The \"options\" argument must be of type object. Received an instance of Array",
            "TypeError ERR_INVALID_ARG_TYPE The \"object\" argument must be of type object. Received type number (5) TypeError ERR_INVALID_ARG_TYPE The \"object\" argument must be of type object. Received function  TypeError ERR_INVALID_ARG_TYPE The \"object\" argument must be of type object. Received type number (5)",
            "TypeError ERR_INVALID_ARG_TYPE The \"contextifiedObject\" argument must be an vm.Context. Received an instance of Object true",
            "TypeError ERR_INVALID_ARG_VALUE The property 'options.microtaskMode' must be one of: 'afterEvaluate', undefined. Received 5",
            "6 7",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.lineOffset\" is out of range. It must be >= -2147483648 && <= 2147483647. Received 2147483648",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.lineOffset\" is out of range. It must be >= -2147483648 && <= 2147483647. Received -2147483649",
            "1",
            "1",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.lineOffset\" is out of range. It must be an integer. Received 1.5",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.lineOffset\" is out of range. It must be an integer. Received NaN",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.lineOffset\" is out of range. It must be an integer. Received Infinity",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.lineOffset\" property must be of type number. Received type string ('1')",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.lineOffset\" property must be of type number. Received null",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.lineOffset\" is out of range. It must be >= -2147483648 && <= 2147483647. Received 8_589_934_592",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.lineOffset\" is out of range. It must be >= -2147483648 && <= 2147483647. Received -8_589_934_592",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.lineOffset\" is out of range. It must be >= -2147483648 && <= 2147483647. Received 1e_+21",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.columnOffset\" is out of range. It must be >= -2147483648 && <= 2147483647. Received 2147483648",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.columnOffset\" is out of range. It must be >= -2147483648 && <= 2147483647. Received -2147483649",
            "1",
            "1",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.columnOffset\" is out of range. It must be an integer. Received 1.5",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.columnOffset\" is out of range. It must be an integer. Received NaN",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.columnOffset\" is out of range. It must be an integer. Received Infinity",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.columnOffset\" property must be of type number. Received type string ('1')",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.columnOffset\" property must be of type number. Received null",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.columnOffset\" is out of range. It must be >= -2147483648 && <= 2147483647. Received 8_589_934_592",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.columnOffset\" is out of range. It must be >= -2147483648 && <= 2147483647. Received -8_589_934_592",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.columnOffset\" is out of range. It must be >= -2147483648 && <= 2147483647. Received 1e_+21",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.lineOffset\" is out of range. It must be >= -2147483648 && <= 2147483647. Received 2147483648",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.columnOffset\" is out of range. It must be an integer. Received 0.5",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.lineOffset\" is out of range. It must be an integer. Received 1.5",
            "RangeError ERR_OUT_OF_RANGE The value of \"options.timeout\" is out of range. It must be >= 1 && <= 4294967295. Received 8_589_934_592",
            "    at id.mjs:5:7",
        ],
    );
}

/// Point 4 of issue 16: a sandbox property whose value is the sandbox (a data property, a getter,
/// one on its prototype, one added later) reads as the context's global inside it; descriptors and
/// results leaving the context are not translated, as in Node (`vm.runInContext('this', ctx) ===
/// ctx` is false there).
/// Expected values from Node v20.20.2: the source below, saved as `x.mjs`, run with
/// `node --experimental-vm-modules x.mjs`.
#[test]
fn the_sandbox_reads_as_the_global_inside_its_context() {
    check(
        r#"
import vm from 'node:vm';
// A sandbox property whose value is the sandbox reads as the context's global inside it.
const ctx = {}; ctx.window = ctx; ctx.self = ctx; vm.createContext(ctx);
for (const code of ['this === window', 'globalThis === window', 'this.window === this',
  'globalThis.self.window === globalThis', '(function () { "use strict"; return window === globalThis; })()',
  '(() => { let w = window; return w === this; })()', 'with ({}) { window === this }',
  'Reflect.get(globalThis, "window") === globalThis', 'const { self: s } = globalThis; s === this',
  'typeof window', '"window" in globalThis',
  // A descriptor shows the sandbox as it is; the global itself never leaves as the sandbox.
  'Object.getOwnPropertyDescriptor(globalThis, "window").value === globalThis',
  'Object.getOwnPropertyDescriptor(globalThis, "window").value === window'])
  console.log(code, '->', vm.runInContext(code, ctx));
console.log(vm.runInContext('this', ctx) === ctx, vm.runInContext('window', ctx) === ctx,
  vm.runInContext('[this]', ctx)[0] === ctx);
// Getters returning the sandbox, properties found on its prototypes, properties added later.
const g = {}; Object.defineProperty(g, 'me', { get() { return g; } }); vm.createContext(g);
console.log(vm.runInContext('this === me && globalThis.me === globalThis', g));
const base = {}; const derived = Object.create(base); base.up = derived; vm.createContext(derived);
console.log(vm.runInContext('up === this', derived));
const later = vm.createContext({}); later.again = later;
console.log(vm.runInContext('again === this', later));
const s = { w: null }; s.w = s;
console.log(vm.runInNewContext('w === this', s));
// Only the sandbox itself: an object holding it stays as it is.
const nest = { inner: {} }; nest.inner.ref = nest; vm.createContext(nest);
console.log(vm.runInContext('inner.ref === this', nest), vm.runInContext('inner.ref', nest) === nest);
"#,
        &[
            "this === window -> true",
            "globalThis === window -> true",
            "this.window === this -> true",
            "globalThis.self.window === globalThis -> true",
            "(function () { \"use strict\"; return window === globalThis; })() -> true",
            "(() => { let w = window; return w === this; })() -> true",
            "with ({}) { window === this } -> true",
            "Reflect.get(globalThis, \"window\") === globalThis -> true",
            "const { self: s } = globalThis; s === this -> true",
            "typeof window -> object",
            "\"window\" in globalThis -> true",
            "Object.getOwnPropertyDescriptor(globalThis, \"window\").value === globalThis -> false",
            "Object.getOwnPropertyDescriptor(globalThis, \"window\").value === window -> false",
            "false false false",
            "true",
            "true",
            "true",
            "true",
            "false true",
        ],
    );
}

/// A module has no completion value: one whose last expression statement is a rejected promise
/// evaluates (Kiln's module bodies returned it, and the promise of their evaluation adopted its
/// state).
/// Expected values from Node v20.20.2: the source below, saved as `x.mjs`, run with
/// `node --experimental-vm-modules x.mjs`.
#[test]
fn a_module_ends_with_undefined_not_its_last_expression() {
    check(
        r#"
import vm from 'node:vm';
// A module's last expression is not its result: a rejected promise there does not fail it.
const m = new vm.SourceTextModule('const p = Promise.reject(new Error("z")); p.catch(() => {}); p');
await m.link(() => {});
console.log(await m.evaluate().then(v => `resolved ${v}`, e => `rejected ${e.message}`), m.status);
const n = new vm.SourceTextModule('42');
await n.link(() => {});
console.log(await n.evaluate(), n.status);
"#,
        &["resolved undefined evaluated", "undefined evaluated"],
    );
}

/// Point 6 of issue 16: `importModuleDynamically` must give a `vm.Module` (or a namespace):
/// anything else rejects `import()` with ERR_VM_MODULE_NOT_MODULE; an unlinked module is
/// ERR_VM_MODULE_STATUS, an errored one rejects with its error, a thenable is followed. The
/// attributes are a fresh null-prototype object of the `with` entries; bad options reject before
/// the callback runs (EvaluateImportCall; V8's messages, Node 24's: Node 20's still name `assert`).
/// Expected values from Node v20.20.2: the source below, saved as `x.mjs`, run with
/// `node --experimental-vm-modules x.mjs`.
#[test]
fn dynamic_import_hooks_return_modules_and_get_null_prototype_attributes() {
    check(
        r#"
import vm from 'node:vm';
const show = async (p) => { try { const v = await p; return String(v); } catch (e) { return `${e.name} ${e.code} ${e.message}`; } };
// What the callback returns must be a vm.Module (or a namespace): anything else rejects.
const returns = [() => ({}), () => 5, () => undefined, () => null, () => ({ default: 1 }), async () => ({})];
for (const ret of returns) {
  const script = show(new vm.Script('import("x")', { importModuleDynamically: ret }).runInThisContext());
  const fn = show(vm.compileFunction('return import("x")', [], { importModuleDynamically: ret })());
  const m = new vm.SourceTextModule('globalThis.pending = import("x")', { importModuleDynamically: ret });
  await m.link(() => {});
  await m.evaluate();
  console.log(await script, '|', await fn, '|', await show(globalThis.pending));
}
// A module must be linked; an errored one rejects with its error; a thenable is followed.
const synth = async () => {
  const m = new vm.SyntheticModule(['a'], function () { this.setExport('a', 1); });
  await m.link(() => {});
  return m;
};
const load = (ret) => show(new vm.Script('import("x").then(ns => ns.a)', { importModuleDynamically: ret }).runInThisContext());
console.log(await load(() => new vm.SyntheticModule(['a'], () => {})));
const evaluated = await synth(); await evaluated.evaluate();
console.log(await load(() => evaluated), await load(async () => evaluated), await load(() => ({ then(r) { r(evaluated); } })));
console.log(await load(() => evaluated.namespace));
const errored = new vm.SourceTextModule('throw new SyntaxError("bad")'); await errored.link(() => {});
await errored.evaluate().catch(() => {});
console.log(await load(() => errored));
console.log(await load(() => { throw new RangeError('thrown'); }), await load(() => Promise.reject(new URIError('rejected'))));
// The attributes: a fresh null-prototype object of the `with` entries.
const linked = await synth();
let seen;
const hook = (specifier, referrer, attributes) => { seen = attributes; return linked; };
const importWith = new vm.Script('(options) => import("x", options)', { importModuleDynamically: hook }).runInThisContext();
for (const options of [undefined, {}, { with: undefined }, { with: { type: 'json', b: 'x' } }]) {
  await importWith(options);
  console.log(Object.getPrototypeOf(seen) === null, JSON.stringify(seen), Object.isFrozen(seen), seen === options?.with);
}
const hidden = Object.defineProperty({ shown: 'y', [Symbol('s')]: 'z' }, 'hidden', { value: 'h' });
await importWith({ with: hidden });
console.log(JSON.stringify(seen));
const m2 = new vm.SourceTextModule('globalThis.p2 = import("x", { with: { type: "css" } })', { importModuleDynamically: hook });
await m2.link(() => {}); await m2.evaluate(); await globalThis.p2;
console.log(Object.getPrototypeOf(seen) === null, JSON.stringify(seen));
// Bad options reject before the callback runs (the messages are V8's).
seen = 'not called';
for (const options of [1, { with: 1 }, { with: null }, { with: { type: 1 } }, { get with() { throw new EvalError('getter'); } }])
  console.log((await show(importWith(options))).split(' ')[0], seen);
console.log(await show(new vm.Script('import({ toString() { throw new URIError("tostring"); } })', { importModuleDynamically: hook }).runInThisContext()));
"#,
        &[
            "Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module | Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module | Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module",
            "Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module | Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module | Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module",
            "Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module | Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module | Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module",
            "Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module | Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module | Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module",
            "Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module | Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module | Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module",
            "Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module | Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module | Error ERR_VM_MODULE_NOT_MODULE Provided module is not an instance of Module",
            "Error ERR_VM_MODULE_STATUS Module status must not be unlinked or linking",
            "1 1 1",
            "1",
            "SyntaxError undefined bad",
            "RangeError undefined thrown URIError undefined rejected",
            "true {} false false",
            "true {} false false",
            "true {} false false",
            "true {\"type\":\"json\",\"b\":\"x\"} false false",
            "{\"shown\":\"y\"}",
            "true {\"type\":\"css\"}",
            "TypeError not called",
            "TypeError not called",
            "TypeError not called",
            "TypeError not called",
            "EvalError not called",
            "URIError undefined tostring",
        ],
    );
}

/// Point 8 of issue 16: a SourceTextModule given cached data of another source throws
/// ERR_VM_MODULE_CACHED_DATA_REJECTED (no `cachedDataRejected`, as in Node); `createCachedData()`
/// once evaluation started throws ERR_VM_MODULE_CANNOT_CREATE_CACHED_DATA.
/// Expected values from Node v20.20.2: the source below, saved as `x.mjs`, run with
/// `node --experimental-vm-modules x.mjs`.
#[test]
fn module_caches_are_rejected_and_made_only_before_evaluation() {
    check(
        r#"
import vm from 'node:vm';
const t = (f) => { try { const r = f(); return r instanceof Uint8Array ? `bytes ${r.length > 0}` : String(r); } catch (e) { return `${e.name} ${e.code} ${e.message}`; } };
const source = 'export const a = 1;';
const first = new vm.SourceTextModule(source);
const data = first.createCachedData();
console.log(t(() => data), data instanceof Uint8Array);
// The same source takes the cache; another source rejects it. (V8 compares only the sources'
// lengths, Kiln the sources themselves: these differ in length.)
console.log(t(() => new vm.SourceTextModule(source, { cachedData: data }).status));
console.log(t(() => new vm.SourceTextModule('export const b = 22;', { cachedData: data })));
console.log(t(() => new vm.SourceTextModule(source + '\n', { cachedData: data })));
console.log(t(() => new vm.SourceTextModule(source, { cachedData: 'x' })));
// createCachedData: before linking, after linking, after evaluating (and after failing).
console.log(t(() => first.createCachedData()));
await first.link(() => {});
console.log(first.status, t(() => first.createCachedData()));
await first.evaluate();
console.log(first.status, t(() => first.createCachedData()));
const failing = new vm.SourceTextModule('throw new Error("e")');
await failing.link(() => {});
await failing.evaluate().catch(() => {});
console.log(failing.status, t(() => failing.createCachedData()));
const tla = new vm.SourceTextModule('await 1;');
await tla.link(() => {});
const pending = tla.evaluate();
console.log(tla.status, t(() => tla.createCachedData()));
await pending;
console.log(tla.status, t(() => tla.createCachedData()));
"#,
        &[
            "bytes true true",
            "unlinked",
            "Error ERR_VM_MODULE_CACHED_DATA_REJECTED cachedData buffer was rejected",
            "Error ERR_VM_MODULE_CACHED_DATA_REJECTED cachedData buffer was rejected",
            "TypeError ERR_INVALID_ARG_TYPE The \"options.cachedData\" property must be an instance of Buffer, TypedArray, or DataView. Received type string ('x')",
            "bytes true",
            "linked bytes true",
            "evaluated Error ERR_VM_MODULE_CANNOT_CREATE_CACHED_DATA Cached data cannot be created for a module which has been evaluated",
            "errored Error ERR_VM_MODULE_CANNOT_CREATE_CACHED_DATA Cached data cannot be created for a module which has been evaluated",
            "evaluated Error ERR_VM_MODULE_CANNOT_CREATE_CACHED_DATA Cached data cannot be created for a module which has been evaluated",
            "evaluated Error ERR_VM_MODULE_CANNOT_CREATE_CACHED_DATA Cached data cannot be created for a module which has been evaluated",
        ],
    );
}

/// Point 7 of issue 16: code compiled by `vm.compileFunction` reports positions from its body
/// (`<anonymous>:1:7` by default), shifted by `lineOffset` and, on the body's first line,
/// `columnOffset`; a body that closes the wrapper is a SyntaxError like any other ("Unexpected
/// token '}'"), with Node's place, line and caret in front of its stack.
/// Expected values from Node v20.20.2: the source below, saved as `x.mjs`, run with
/// `node --experimental-vm-modules x.mjs`.
#[test]
fn compile_function_positions_count_from_the_body() {
    check(
        r#"
import vm from 'node:vm';
// The first frame of a throw inside the compiled function: the body's own line and column.
const where = (code, options, ...args) => {
  try { vm.compileFunction(code, options?.params ?? [], options)(...args); return 'no throw'; }
  catch (e) { return e.stack.split('\n')[1].trim(); }
};
console.log(where('throw new Error("x")'));
console.log(where('1;\n  throw new Error("x")'));
console.log(where('throw new Error("x")', { filename: 'f.js' }));
console.log(where('throw new Error("x")', { filename: 'f.js', lineOffset: 3 }));
console.log(where('throw new Error("x")', { filename: 'f.js', columnOffset: 5 }));
console.log(where('1;\nthrow new Error("x")', { filename: 'f.js', lineOffset: 2, columnOffset: 5 }));
console.log(where('throw new Error("x")', { filename: 'f.js', columnOffset: -2, lineOffset: -3 }));
console.log(where('throw new Error(a)', { filename: 'f.js', params: ['a', 'b'] }, 'm'));
console.log(where('throw new Error(q)', { filename: 'f.js', contextExtensions: [{ q: 'z' }], lineOffset: 1, columnOffset: 1 }));
console.log(where('throw new Error("x")', { filename: 'f.js', parsingContext: vm.createContext() }));
console.log(where('function g() { throw new Error("x") }\n g()'));
console.log(where('\n\nnull.x', { filename: 'q.js' }));
// A body that closes the wrapper is a syntax error like any other, placed in the body.
const syntax = (code, options) => {
  try { vm.compileFunction(code, [], options); return 'compiled'; }
  catch (e) { return `${e.name}: ${e.message} | ${JSON.stringify(e.stack.split('\n').slice(0, 3).join('\n'))}`; }
};
console.log(syntax('}); (function() {'));
console.log(syntax('})'));
console.log(syntax('1 }; {'));
console.log(syntax('\n\n  1 }; {'));
console.log(syntax('return 1 }', { filename: 'x.js', lineOffset: 3, columnOffset: 2 }));
console.log(syntax('1;\n  a b', { filename: 'f.js', lineOffset: 2, columnOffset: 3 }));
console.log(syntax('return new.target'));
// The function itself is unchanged.
const f = vm.compileFunction('return a + b', ['a', 'b']);
console.log(f(1, 2), f.length, JSON.stringify(f.toString()));
"#,
        &[
            "at <anonymous>:1:7",
            "at <anonymous>:2:9",
            "at f.js:1:7",
            "at f.js:4:7",
            "at f.js:1:12",
            "at f.js:4:7",
            "at f.js:-2:5",
            "at f.js:1:7",
            "at f.js:2:8",
            "at f.js:1:7",
            "at g (<anonymous>:1:22)",
            "at q.js:3:6",
            "SyntaxError: Unexpected token '}' | \":1\\n}); (function() {\\n^\"",
            "SyntaxError: Unexpected token '}' | \":1\\n})\\n^\"",
            "SyntaxError: Unexpected token '}' | \":1\\n1 }; {\\n  ^\"",
            "SyntaxError: Unexpected token '}' | \":3\\n  1 }; {\\n    ^\"",
            "SyntaxError: Unexpected token '}' | \"x.js:4\\nreturn 1 }\\n         ^\"",
            "SyntaxError: Unexpected identifier 'b' | \"f.js:4\\n  a b\\n    ^\"",
            "compiled",
            "3 2 \"function (a, b) {\\nreturn a + b\\n}\"",
        ],
    );
}

/// Module evaluation as the spec's asynchronous module records (issue 16 point 2): the expected
/// lines are node v20.20.2's, from `node --experimental-vm-modules FILE` with this source.
#[test]
fn modules_evaluate_asynchronously_as_in_node() {
    check(
        r#"
import vm from 'node:vm';
globalThis.count = 0;
const queue = () => { for (let i = 0; i < 100; i++) Promise.resolve().then(() => count++); };
const m = new vm.SourceTextModule('export const seen = count;');
await m.link(() => {});
queue();
const p = m.evaluate();
console.log('evaluated', count, m.status, m.namespace.seen);
await p;
console.log('settled', count);
const a = new vm.SourceTextModule('export let z = 1; await 0; z = 2;');
await a.link(() => {});
const q = a.evaluate();
let done = false; q.then(() => done = true);
console.log('awaiting', a.status, a.namespace.z, done);
await q;
console.log('finished', a.status, a.namespace.z, done);
const n = new vm.SourceTextModule('export const c = 1; export var v = 2;');
await n.link(() => {});
console.log(n.status, n.namespace.v);
try { n.namespace.c; } catch (e) { console.log(e.name, e.message); }
const e = new vm.SourceTextModule('await 0; throw new Error("boom")');
await e.link(() => {});
const ep = e.evaluate();
console.log('failing', e.status);
try { await ep; } catch (err) { console.log('rejected', err.message, e.status); }
const u = new vm.SourceTextModule('');
u.evaluate().catch(err => console.log('unlinked', err.code));
const order = [];
const ctx = vm.createContext({ order });
const leaf = new vm.SourceTextModule('order.push("leaf start"); await 0; order.push("leaf end");', { context: ctx });
const sib = new vm.SourceTextModule('order.push("sibling");', { context: ctx });
const root = new vm.SourceTextModule('import "leaf"; import "sib"; order.push("root");', { context: ctx });
await root.link(s => (s === 'leaf' ? leaf : sib));
const r = root.evaluate();
order.push('returned');
await r;
console.log(order.join());
const dyn = new vm.SourceTextModule('export const p = import("x");', {
  importModuleDynamically: async () => { order.push('hook'); return m; },
});
await dyn.link(() => {});
await dyn.evaluate();
order.length = 0;
queue();
const ns = await dyn.namespace.p;
console.log('imported', ns.seen, ns === m.namespace);
"#,
        &[
            "evaluated 0 evaluated 0",
            "settled 100",
            "awaiting evaluated 1 false",
            "finished evaluated 2 true",
            "linked undefined",
            "ReferenceError Cannot access 'c' before initialization",
            "failing evaluated",
            "rejected boom errored",
            "unlinked ERR_VM_MODULE_STATUS",
            "leaf start,sibling,returned,leaf end,root",
            "imported 0 true",
        ],
    );
}

/// Linking instantiates a module's function declarations (InitializeEnvironment): a linked,
/// unevaluated module's namespace has them, its `var`s are undefined, its `let`s in their TDZ.
/// Expected lines from node v20.20.2 (`node --experimental-vm-modules FILE`).
#[test]
fn linking_creates_a_modules_functions_before_it_runs() {
    check(
        r#"
import vm from 'node:vm';
const n = new vm.SourceTextModule('export let c = 1; export var v = 2; export function f() { return c; } export default function () {}');
await n.link(() => {});
console.log(n.status, typeof n.namespace.f, n.namespace.v, n.namespace.default.name);
try { n.namespace.f(); } catch (e) { console.log(e.name); }
const f = n.namespace.f;
await n.evaluate();
console.log(f === n.namespace.f, f());
// In a cycle, the module evaluated first calls its importer's function.
const a = new vm.SourceTextModule('import { b } from "b"; export function hello() { return "hello " + b; }');
const b = new vm.SourceTextModule('import { hello } from "a"; export const b = "b"; export const said = hello;', {});
await a.link(s => (s === 'a' ? a : b));
await a.evaluate();
console.log(b.namespace.said === a.namespace.hello, a.namespace.hello());
"#,
        &[
            "linked function undefined default",
            "ReferenceError",
            "true 1",
            "true hello b",
        ],
    );
}

/// `link()` is asynchronous as Node's (issue 16 point 2): the linker is called at once, its
/// answers awaited by jobs, none of the 100 queued jobs runs inside the call. Expected lines from
/// node v20.20.2 (`node --experimental-vm-modules FILE`).
#[test]
fn linking_is_asynchronous_as_in_node() {
    check(
        r#"
import vm from 'node:vm';
globalThis.count = 0;
const queue = () => { for (let i = 0; i < 100; i++) Promise.resolve().then(() => count++); };
const dep = new vm.SourceTextModule('export const x = 1;');
const main = new vm.SourceTextModule('import { x } from "dep"; export const y = x + 1;');
queue();
const p = main.link(async (specifier, referrer, extra) => {
  console.log('linker', specifier, referrer === main, main.status, JSON.stringify(extra));
  return dep;
});
console.log('link returned', count, main.status, dep.status);
await p;
console.log('linked', main.status, dep.status, count);
await main.evaluate();
console.log(main.namespace.y);
const a = new vm.SourceTextModule('import "b"; export const a = 1;');
const b = new vm.SourceTextModule('import "a";');
await a.link(s => { console.log('cycle', s, a.status, b.status); return s === 'a' ? a : b; });
console.log(a.status, b.status);
const thrower = new vm.SourceTextModule('import "x";');
try { await thrower.link(() => { throw new Error('no'); }); } catch (e) { console.log(e.message, thrower.status); }
"#,
        &[
            "linker dep true linking {\"attributes\":{},\"assert\":{}}",
            "link returned 0 linking unlinked",
            "linked linked linked 100",
            "2",
            "cycle b linking unlinked",
            "cycle a linking linking",
            "linked linked",
            "no linking",
        ],
    );
}

/// Point 9 of issue 16, surface details: identifiers numbered per context, the specifier
/// getters on the prototype, vm's functions as ordinary constructible functions with Node's
/// lengths and export order, the class constructors' call errors, `module.context` undefined
/// without the option, `setExport`'s errors and SyntheticModule's argument errors. Expected
/// values from Node v20.20.2: the source below, saved as `x.mjs`, run with
/// `node --experimental-vm-modules x.mjs`.
#[test]
fn surface_details_match_node() {
    check(
        r#"
import vm from 'node:vm';
const ctx = vm.createContext({});
const ids = [new vm.SourceTextModule('', { context: ctx }), new vm.SourceTextModule('', { context: ctx }),
  new vm.SourceTextModule(''), new vm.SyntheticModule([], () => {}), new vm.SyntheticModule([], () => {}, { context: ctx })];
console.log(ids.map((m) => m.identifier).join());
console.log(new vm.SourceTextModule('', { context: vm.createContext() }).identifier);
const m = new vm.SourceTextModule('import "a"; export * from "b";');
const d = Object.getOwnPropertyDescriptor(vm.SourceTextModule.prototype, 'dependencySpecifiers');
console.log(Object.getOwnPropertyNames(m).length, typeof d.get, m.dependencySpecifiers.join(), m.dependencySpecifiers === m.dependencySpecifiers);
console.log(Object.keys(vm).join());
console.log(['runInContext', 'runInNewContext', 'runInThisContext', 'compileFunction', 'createScript', 'isContext'].map((n) => vm[n].length).join());
console.log(vm.isContext(new vm.createContext({})), typeof new vm.isContext({}), 'prototype' in vm.measureMemory);
for (const f of [() => vm.Script('1'), () => vm.SyntheticModule([], () => {}), () => new vm.Module()]) {
  try { f(); } catch (e) { console.log(e.name, e.code, e.message); }
}
console.log(m.context, ids[0].context === ctx);
const s = new vm.SyntheticModule(['a'], () => {});
try { s.setExport('a', 1); } catch (e) { console.log(e.code, e.message); }
await s.link(() => {});
try { s.setExport('b', 1); } catch (e) { console.log(e.name, e.message); }
for (const names of ['x', [1], ['a', 'a']]) {
  try { new vm.SyntheticModule(names, () => {}); } catch (e) { console.log(e.code, e.message); }
}
"#,
        &[
            "vm:module(0),vm:module(1),vm:module(0),vm:module(1),vm:module(2)",
            "vm:module(0)",
            "0 function a,b true",
            "Script,createContext,createScript,runInContext,runInNewContext,runInThisContext,isContext,compileFunction,measureMemory,constants,Module,SourceTextModule,SyntheticModule",
            "3,3,2,2,2,1",
            "true object true",
            "TypeError undefined Class constructor Script cannot be invoked without 'new'",
            "TypeError undefined Class constructor SyntheticModule cannot be invoked without 'new'",
            "TypeError undefined Module is not a constructor",
            "undefined true",
            "ERR_VM_MODULE_STATUS Module status must be linked",
            "ReferenceError Export 'b' is not defined in module",
            "ERR_INVALID_ARG_TYPE The \"exportNames\" argument must be an Array of unique strings. Received type string ('x')",
            "ERR_INVALID_ARG_TYPE The \"exportNames\" argument must be an Array of unique strings. Received an instance of Array",
            "ERR_INVALID_ARG_VALUE The property 'exportNames.a' is duplicated. Received 'a'",
        ],
    );
}

/// Point 9 of issue 16: `measureMemory` validates `mode` and `execution` (ERR_INVALID_ARG_VALUE
/// with the value inspected) and its detailed result has `current` and `other`; and
/// `Error.stackTraceLimit` is honoured, a limit that is not a number recording no stack.
/// Expected values from Node v20.20.2 (`node --experimental-vm-modules x.mjs`).
#[test]
fn measure_memory_options_and_stack_trace_limit_match_node() {
    check(
        r#"
import vm from 'node:vm';
for (const o of [{ execution: 'bad' }, { mode: null }, { execution: {} }, { mode: 2 }]) {
  try { vm.measureMemory(o); } catch (e) { console.log(e.name, e.code, e.message); }
}
const r = await vm.measureMemory({ mode: 'detailed', execution: 'eager' });
console.log(Object.keys(r).join(), Object.keys(r.current).join(), Array.isArray(r.other));
console.log(Object.keys(await vm.measureMemory({ execution: 'eager' })).join());
const limit = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
console.log(limit.value, limit.writable, limit.enumerable, limit.configurable);
function deep(n) { if (n === 0) throw new Error('deep'); deep(n - 1); }
for (const l of [0, 2, -1, 1.5]) {
  Error.stackTraceLimit = l;
  try { deep(5); } catch (e) { console.log(l, e.stack.split('\n').length - 1); }
}
Error.stackTraceLimit = 1;
try { vm.runInThisContext('function a() { throw new Error("v") } a()', { filename: 'f.js' }); } catch (e) {
  console.log(e.stack.split('\n').slice(4).join('|'));
}
Error.stackTraceLimit = undefined;
const e = new RangeError('r');
console.log(e.stack, 'stack' in e);
console.log(e);
const o = {};
Error.captureStackTrace(o);
console.log(o.stack);
Error.stackTraceLimit = 10;
"#,
        &[
            "TypeError ERR_INVALID_ARG_VALUE The property 'options.execution' must be one of: 'default', 'eager'. Received 'bad'",
            "TypeError ERR_INVALID_ARG_VALUE The property 'options.mode' must be one of: 'summary', 'detailed'. Received null",
            "TypeError ERR_INVALID_ARG_VALUE The property 'options.execution' must be one of: 'default', 'eager'. Received {}",
            "TypeError ERR_INVALID_ARG_VALUE The property 'options.mode' must be one of: 'summary', 'detailed'. Received 2",
            "total,current,other jsMemoryEstimate,jsMemoryRange true",
            "total",
            "10 true true true",
            "0 0",
            "2 2",
            "-1 0",
            "1.5 1",
            "Error: v|    at a (f.js:1:22)",
            "undefined true",
            "[RangeError: r]",
            "undefined",
        ],
    );
}

/// Completion values of try/finally (a finally that completes normally keeps the try block's
/// value), and a module that throws rejects `evaluate()` (that the CLI then reports no unhandled
/// rejection is checked by `tests/vm-programs/module_errored.mjs`). Expected values from Node
/// v20.20.2 (`node --experimental-vm-modules x.mjs`).
#[test]
fn try_finally_completions_and_caught_module_errors() {
    check(
        r#"
import vm from 'node:vm';
const cases = ['6; try { 7; } finally { 8; }', '4; try { } finally { 5; }',
  '1; try { throw 0 } catch (e) { 9 } finally { 10 }', 'do { try { 1 } finally { 2; break; } } while (0)',
  'do { try { 1; break; } finally { 2 } } while (0)',
  '99; do { -99; try { 39 } catch (e) { -1 } finally { break; -2 } } while (false);'];
console.log(cases.map((c) => String(vm.runInNewContext(c))).join());
const m = new vm.SourceTextModule('throw new Error("once")');
await m.link(() => {});
try { await m.evaluate(); } catch (e) { console.log('caught', e.message, m.status); }
"#,
        &["7,undefined,9,2,1,undefined", "caught once errored"],
    );
}

/// Point 5 of issue 16, in part: a failed link leaves the module errored with its error (and
/// a second link() is ERR_VM_MODULE_STATUS), ERR_VM_MODULE_LINK_FAILURE carries the errored
/// dependency's error as its cause, a graph that fails to instantiate reads as unlinked again
/// (the SyntaxError naming the specifier as written), and the linker's third argument has the
/// import attributes in null-prototype objects. Expected values from Node v20.20.2: the source
/// below, saved as `x.mjs`, run with `node --experimental-vm-modules x.mjs`.
#[test]
fn link_failures_and_import_attributes_match_node() {
    check(
        r#"
import vm from 'node:vm';
const bad = new vm.SourceTextModule('throw new Error("boom")');
await bad.link(() => {});
try { await bad.evaluate(); } catch {}
const m = new vm.SourceTextModule('import "bad";');
try { await m.link(() => bad); } catch (e) { console.log(e.code, e.cause === bad.error); }
console.log(m.status, m.error.code);
const t = new vm.SourceTextModule('import "x";');
const p = t.link(async () => { throw new TypeError('rejected'); });
console.log(t.status);
try { await p; } catch {}
console.log(t.status, t.error.message);
try { await t.link(() => {}); } catch (e) { console.log(e.code, e.message); }
const mod = new vm.SourceTextModule('import { nope } from "./d.mjs";');
const dep = new vm.SourceTextModule('export const yes = 1;');
try { await mod.link(() => dep); } catch (e) { console.log(e.name, e.message); }
console.log(mod.status, dep.status);
const j = new vm.SourceTextModule('import a from "x" with { type: "json" }; import b from "x"; export * from "y" with { k: "v" };');
await j.link((s, r, extra) => {
  console.log(s, JSON.stringify(extra.attributes), extra.attributes === extra.assert, Object.getPrototypeOf(extra.attributes));
  return new vm.SyntheticModule(['default'], () => {});
});
console.log(j.dependencySpecifiers.join());
"#,
        &[
            "ERR_VM_MODULE_LINK_FAILURE true",
            "errored ERR_VM_MODULE_LINK_FAILURE",
            "linking",
            "errored rejected",
            "ERR_VM_MODULE_STATUS Module status must be unlinked",
            "SyntaxError The requested module './d.mjs' does not provide an export named 'nope'",
            "unlinked linked",
            "x {\"type\":\"json\"} true null",
            "x {} true null",
            "y {\"k\":\"v\"} true null",
            "x,x,y",
        ],
    );
}
