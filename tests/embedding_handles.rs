//! The embedding API's handles: a value held only by a `Persistent` survives collections and is
//! collected once the handle is dropped; a dropped `Context` lets its realm be collected; host
//! functions and classes convert their arguments and throw their errors.

use kiln::{
    Context, Error, Persistent, Runtime, Script, ScriptOptions, SourceTextModule, SyntheticModule,
    Value,
};

fn run(runtime: &mut Runtime, context: &Context, source: &str) -> Value {
    Script::new(source, ScriptOptions::default())
        .unwrap()
        .run_in_context(runtime, context)
        .unwrap_or_else(|e| panic!("{source}: {e}"))
}

fn show(runtime: &mut Runtime, context: &Context, source: &str) -> String {
    let v = run(runtime, context, source);
    runtime.display(v)
}

/// Runs a promise job: `ClearKeptObjects` (WeakRef targets are kept until the next job).
fn clear_kept_objects(runtime: &mut Runtime, context: &Context) {
    run(
        runtime,
        context,
        "Promise.resolve().then(() => {}); undefined",
    );
}

/// Bytes of the live heap after a full collection.
fn live_bytes(runtime: &mut Runtime) -> usize {
    runtime.collect_garbage();
    runtime.heap_stats().total_bytes
}

const BIG: usize = 8 << 20;

#[test]
fn a_value_lives_while_a_persistent_handle_does() {
    let mut runtime = Runtime::new();
    let context = runtime.main_context();
    let before = live_bytes(&mut runtime);
    // An object reached only from Rust, with a large payload, watched by a WeakRef.
    let object = run(
        &mut runtime,
        &context,
        "(() => { const o = { payload: new Array(1 << 20).fill(1.5) }; \
         globalThis.watch = new WeakRef(o); return o; })()",
    );
    let handle = Persistent::new(&runtime, object);
    let copy = handle.clone();
    drop(handle);
    clear_kept_objects(&mut runtime, &context);
    for _ in 0..3 {
        runtime.collect_garbage();
    }
    assert!(
        live_bytes(&mut runtime) > before + BIG,
        "the payload is live"
    );
    assert_eq!(
        show(&mut runtime, &context, "watch.deref() === undefined"),
        "false"
    );
    let length = runtime.get(copy.get(), "payload").unwrap();
    let length = runtime.get(length, "length").unwrap();
    assert_eq!(runtime.display(length), "1048576");

    drop(copy);
    clear_kept_objects(&mut runtime, &context);
    runtime.collect_garbage();
    assert_eq!(
        show(&mut runtime, &context, "watch.deref() === undefined"),
        "true"
    );
    let after = live_bytes(&mut runtime);
    assert!(after < before + BIG / 8, "before {before}, after {after}");
}

#[test]
fn a_handle_scope_roots_until_it_ends() {
    let mut runtime = Runtime::new();
    let context = runtime.main_context();
    let before = live_bytes(&mut runtime);
    let make = Script::new("new Array(1 << 20).fill(0.5)", ScriptOptions::default()).unwrap();
    runtime.handle_scope(|runtime| {
        let array = make.run_in_this_context(runtime).unwrap();
        runtime.root(array);
        assert!(live_bytes(runtime) > before + BIG);
        let length = runtime.get(array, "length").unwrap();
        assert_eq!(runtime.display(length), "1048576");
    });
    clear_kept_objects(&mut runtime, &context);
    let after = live_bytes(&mut runtime);
    assert!(after < before + BIG / 8, "before {before}, after {after}");
}

#[test]
fn a_dropped_context_is_collected() {
    let mut runtime = Runtime::new();
    // The first context builds the template realm every later one is copied from; it stays.
    drop(runtime.create_context());
    let before = live_bytes(&mut runtime);
    let cells_before = runtime.heap_stats().objects.cells;
    let live_realms = |runtime: &Runtime| runtime.vm.realms.list.iter().filter(|r| !r.dead).count();
    let realms_before = live_realms(&runtime);

    let contexts: Vec<Context> = (0..8).map(|_| runtime.create_context()).collect();
    for context in &contexts {
        run(
            &mut runtime,
            context,
            "globalThis.data = new Array(1 << 17).fill(2.5); function f() { return data }",
        );
    }
    let during = live_bytes(&mut runtime);
    let cells_during = runtime.heap_stats().objects.cells;
    assert!(
        during > before + 8 * (1 << 20),
        "before {before}, during {during}"
    );
    assert_eq!(live_realms(&runtime), realms_before + 8);

    // A clone keeps its realm; the others go.
    let kept = contexts[3].clone();
    drop(contexts);
    let after = live_bytes(&mut runtime);
    let cells_one = runtime.heap_stats().objects.cells;
    assert_eq!(live_realms(&runtime), realms_before + 1);
    // The arenas keep their chunks, so bytes fall less than cells do.
    assert!(
        after < before + (during - before) / 3,
        "before {before}, during {during}, after {after}"
    );
    assert!(
        (cells_one - cells_before) * 6 < cells_during - cells_before,
        "cells before {cells_before}, during {cells_during}, with one context {cells_one}"
    );
    assert_eq!(show(&mut runtime, &kept, "f().length"), "131072");

    drop(kept);
    runtime.collect_garbage();
    assert_eq!(live_realms(&runtime), realms_before);
    let cells_after = runtime.heap_stats().objects.cells;
    assert!(
        cells_after <= cells_before + 16,
        "cells before {cells_before}, after {cells_after}"
    );
    // A new context reuses a freed realm's index and works.
    let again = runtime.create_context();
    assert_eq!(show(&mut runtime, &again, "typeof data"), "'undefined'");
}

/// A plugin host's pattern: each round loads a module graph into a fresh context, reads an
/// export, and drops everything. The contexts, their module records and their code are freed
/// (record slots reused), so a thousand rounds cost what one does.
#[test]
fn a_context_that_loaded_modules_is_collected() {
    let mut runtime = Runtime::new();
    drop(runtime.create_context());
    let live_realms = |runtime: &Runtime| runtime.vm.realms.list.iter().filter(|r| !r.dead).count();
    let round = |runtime: &mut Runtime| -> String {
        let context = runtime.create_context();
        let config = SyntheticModule::new(runtime, &context, &["size"]).unwrap();
        let main = SourceTextModule::new(
            runtime,
            &context,
            "plugin.mjs",
            "import { size } from 'config';
             export const data = new Array(1 << 14).fill(1.5);
             export const answer = await Promise.resolve(6 * 7);
             export function read() { return size }",
        )
        .unwrap();
        main.module()
            .link(runtime, &mut |_, _| Ok(config.module()))
            .unwrap();
        main.module().evaluate(runtime).unwrap();
        config
            .set_export(runtime, "size", Value::number(7.0))
            .unwrap();
        let read = main.module().export(runtime, "read").unwrap();
        let size = runtime.call(read, Value::UNDEFINED, &[]).unwrap();
        let answer = main.module().export(runtime, "answer").unwrap();
        format!("{} {}", runtime.display(answer), runtime.display(size))
    };
    assert_eq!(round(&mut runtime), "42 7");
    let bytes_after_one = live_bytes(&mut runtime);
    // Only the main realm and the template stay.
    let realms_before = live_realms(&runtime);
    assert_eq!(realms_before, 2);
    let records_after_one = runtime.vm.modules.records.len();
    // Collections come as the heap grows: the records of the rounds between two are freed
    // together.
    for _ in 0..200 {
        assert_eq!(round(&mut runtime), "42 7");
    }
    assert!(runtime.vm.modules.records.len() < 200);
    for _ in 0..50 {
        assert_eq!(round(&mut runtime), "42 7");
        runtime.collect_garbage();
    }
    let bytes_after_many = live_bytes(&mut runtime);
    assert_eq!(live_realms(&runtime), realms_before);
    assert!(
        runtime
            .vm
            .modules
            .records
            .iter()
            .filter(|r| r.script.is_some())
            .count()
            <= records_after_one,
        "module records: {} after one round, {} after 251",
        records_after_one,
        runtime.vm.modules.records.len()
    );
    assert!(
        bytes_after_many < bytes_after_one + (1 << 20),
        "live bytes after one round {bytes_after_one}, after 251 {bytes_after_many}"
    );
}

/// A module kept by its `Module` handle keeps its context, and a module imported from another
/// context's module keeps that context alive too.
#[test]
fn a_module_handle_keeps_its_context() {
    let mut runtime = Runtime::new();
    let (main, lib) = {
        let a = runtime.create_context();
        let b = runtime.create_context();
        let lib = SourceTextModule::new(&mut runtime, &b, "lib.mjs", "export let n = 5;").unwrap();
        let main = SourceTextModule::new(
            &mut runtime,
            &a,
            "main.mjs",
            "import { n } from 'lib'; export function get() { return n * 2 }",
        )
        .unwrap();
        main.module()
            .link(&mut runtime, &mut |_, _| Ok(lib.module()))
            .unwrap();
        main.module().evaluate(&mut runtime).unwrap();
        (main.module(), lib.module().clone())
    };
    drop(lib);
    for _ in 0..3 {
        runtime.collect_garbage();
        drop(runtime.create_context());
    }
    let get = main.export(&mut runtime, "get").unwrap();
    let ten = runtime.call(get, Value::UNDEFINED, &[]).unwrap();
    assert_eq!(runtime.display(ten), "10");
}

#[test]
fn a_context_reached_from_javascript_outlives_its_handle() {
    let mut runtime = Runtime::new();
    let main = runtime.main_context();
    let context = runtime.create_context();
    let f = run(&mut runtime, &context, "var secret = 7; () => secret");
    runtime.set(runtime.global(&main), "fromOther", f).unwrap();
    drop(context);
    runtime.collect_garbage();
    assert_eq!(show(&mut runtime, &main, "fromOther()"), "7");
}

#[test]
fn handles_dropped_after_their_runtime_are_harmless() {
    let mut runtime = Runtime::new();
    let context = runtime.create_context();
    let value = run(&mut runtime, &context, "({})");
    let handle = Persistent::new(&runtime, value);
    let main = runtime.main_context();
    drop(runtime);
    drop(handle);
    drop(context);
    drop(main);
}

#[test]
fn handles_of_another_runtime_are_errors() {
    let mut one = Runtime::new();
    let mut other = Runtime::new();
    let context = one.create_context();
    let script = Script::new("1", ScriptOptions::default()).unwrap();
    assert!(matches!(
        script.run_in_context(&mut other, &context),
        Err(Error::Internal(_))
    ));
    let held = Persistent::new(&one, Value::number(1.0));
    assert!(other.to_js(&held).is_err());
    assert_eq!(one.to_js(&held).unwrap().as_number(), Some(1.0));
}

#[test]
fn host_functions_convert_and_throw() {
    let mut runtime = Runtime::new();
    let context = runtime.create_context();
    runtime
        .define_function(
            &context,
            "join",
            |parts: Vec<String>, sep: Option<String>| parts.join(sep.as_deref().unwrap_or(",")),
        )
        .unwrap();
    runtime
        .define_function(&context, "half", |n: i32| -> Result<i32, Error> {
            if n % 2 == 0 {
                Ok(n / 2)
            } else {
                Err(Error::Host(format!("{n} is odd")))
            }
        })
        .unwrap();
    runtime
        .define_function(
            &context,
            "twice",
            |runtime: &mut Runtime, _: Value, args: &[Value]| {
                let f = args.first().copied().unwrap_or(Value::UNDEFINED);
                let once = runtime.call(f, Value::UNDEFINED, &[])?;
                let twice = runtime.call(f, Value::UNDEFINED, &[])?;
                let sum = runtime.from_js::<f64>(once)? + runtime.from_js::<f64>(twice)?;
                runtime.to_js(sum)
            },
        )
        .unwrap();
    assert_eq!(
        show(
            &mut runtime,
            &context,
            "join(['a', 1, true]) + ' ' + join(['x', 'y'], '-')"
        ),
        "'a,1,true x-y'"
    );
    assert_eq!(
        show(
            &mut runtime,
            &context,
            "[half(8), (() => { try { half(3) } catch (e) { return e.message } })(), half.length, half.name]"
        ),
        "[ 4, '3 is odd', 1, 'half' ]"
    );
    assert_eq!(
        show(&mut runtime, &context, "let n = 0; twice(() => ++n)"),
        "3"
    );
    // A JavaScript exception passes through a host function unchanged.
    assert_eq!(
        show(
            &mut runtime,
            &context,
            "const boom = new RangeError('boom'); try { twice(() => { throw boom }) } catch (e) { e === boom }"
        ),
        "true"
    );
    // A termination passes through too, and cannot be caught.
    runtime.set_heap_limit(None);
    let spin = Script::new(
        "try { twice(() => { for (;;) {} }) } catch { 'caught' }",
        ScriptOptions::default(),
    )
    .unwrap();
    let limits = kiln::RunOptions {
        timeout: None,
        budget: Some(100_000),
    };
    assert!(matches!(
        spin.run_in_context_with(&mut runtime, &context, limits),
        Err(Error::Terminated(_))
    ));
}

#[test]
fn host_classes_carry_rust_data() {
    struct Account {
        owner: String,
        balance: f64,
    }
    let mut runtime = Runtime::new();
    let context = runtime.create_context();
    runtime
        .define_class(
            &context,
            "Account",
            |owner: String| -> Result<Account, Error> {
                Ok(Account {
                    owner,
                    balance: 0.0,
                })
            },
        )
        .method(
            "deposit",
            |a: &mut Account, amount: f64| -> Result<f64, Error> {
                if amount <= 0.0 {
                    return Err(Error::Host("amount must be positive".into()));
                }
                a.balance += amount;
                Ok(a.balance)
            },
        )
        .method("owner", |a: &mut Account| a.owner.clone())
        .build()
        .unwrap();
    assert_eq!(
        show(
            &mut runtime,
            &context,
            "const a = new Account('ada'); a.deposit(5); a.deposit(2.5); \
             class Savings extends Account { rate() { return 0.1 } } const s = new Savings('bob'); \
             [a.owner(), a.deposit(1), s instanceof Account, s.rate(), s.owner(), Object.keys(a).length]"
        ),
        "[ 'ada', 8.5, true, 0.1, 'bob', 0 ]"
    );
    assert_eq!(
        show(
            &mut runtime,
            &context,
            "[() => Account('x'), () => a.deposit(-1), () => Account.prototype.deposit.call({}, 1)]\
             .map(f => { try { f() } catch (e) { return e.name + ': ' + e.message } })"
        ),
        "[\n  \"TypeError: Class constructor Account cannot be invoked without 'new'\",\n  'Error: amount must be positive',\n  'TypeError: Illegal invocation'\n]"
    );
    let a = run(&mut runtime, &context, "a");
    let balance = runtime
        .with_instance(a, |a: &mut Account| a.balance)
        .unwrap();
    assert_eq!(balance, 8.5);
    assert!(runtime.with_instance(a, |_: &mut String| ()).is_err());
}

#[test]
fn host_functions_and_classes_under_gc_stress() {
    struct Bag(Vec<String>);
    let mut runtime = Runtime::new();
    runtime.vm.set_gc_stress(true);
    let context = runtime.create_context();
    runtime
        .define_function(&context, "words", |n: u32| {
            (0..n).map(|i| format!("w{i}")).collect::<Vec<_>>()
        })
        .unwrap();
    runtime
        .define_class(&context, "Bag", || -> Result<Bag, Error> {
            Ok(Bag(Vec::new()))
        })
        .method("add", |b: &mut Bag, s: String| b.0.push(s))
        .method("all", |b: &mut Bag| b.0.clone())
        .build()
        .unwrap();
    assert_eq!(
        show(
            &mut runtime,
            &context,
            "const b = new Bag(); for (const w of words(50)) b.add(w + [1, 2].join()); \
             b.all().slice(48).join(' ')"
        ),
        "'w481,2 w491,2'"
    );
}
