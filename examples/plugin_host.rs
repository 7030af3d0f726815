//! A plugin host: each plugin in `examples/plugins/` is an ES module loaded into a context of
//! its own, importing what the host offers from a synthetic `host` module (a Rust `log`
//! function and the host's version). The host calls each plugin's `run` export under a
//! timeout, with the runtime's heap limited, and survives a plugin that spins forever or
//! hoards memory: the call ends with an error, the plugin is unloaded, the others go on.
//!
//! Unloading drops the plugin's handles (its `Context` and its `run`): the next collection frees
//! its realm, its module records and its code (the live realm count shown after each round
//! falls by one per unloaded plugin).
//!
//! `cargo run --example plugin_host`

use kiln::{
    Context, Error, Persistent, RunOptions, Runtime, SourceTextModule, SyntheticModule, Value,
};
use std::path::Path;
use std::time::{Duration, Instant};

/// A loaded plugin: its context and its `run` function, held by handles. Dropping it lets the
/// collector reclaim what only it kept.
struct Plugin {
    name: String,
    _context: Context,
    run: Persistent,
    description: String,
    /// Calls that had to be stopped; at `MAX_STRIKES` the plugin is unloaded.
    strikes: u32,
}

const MAX_STRIKES: u32 = 2;

const HEAP_LIMIT: usize = 64 << 20;
const CALL_LIMITS: RunOptions = RunOptions {
    timeout: Some(Duration::from_millis(1500)),
    budget: None,
};

/// Loads `path` as a module into a new context, links its `host` import, evaluates it.
fn load(runtime: &mut Runtime, path: &Path) -> Result<Plugin, Error> {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let source = std::fs::read_to_string(path)
        .map_err(|e| Error::Host(format!("cannot read {}: {e}", path.display())))?;
    let context = runtime.create_context();
    let host = SyntheticModule::new(runtime, &context, &["log", "hostVersion"])?;
    let module = SourceTextModule::new(runtime, &context, &path.to_string_lossy(), &source)?;
    module
        .module()
        .link(runtime, &mut |specifier, _| match specifier {
            "host" => Ok(host.module()),
            other => Err(format!("plugins may import only 'host', not '{other}'")),
        })?;
    // A synthetic module's exports are set once it has been evaluated (with its importer).
    module.module().evaluate_with(runtime, CALL_LIMITS)?;
    let tag = name.clone();
    runtime.handle_scope(|runtime| {
        let log = runtime.new_function(&context, "log", move |message: String| {
            println!("    [{tag}] {message}");
        })?;
        runtime.root(log);
        host.set_export(runtime, "log", log)?;
        let version = runtime.to_js(env!("CARGO_PKG_VERSION"))?;
        host.set_export(runtime, "hostVersion", version)
    })?;
    let run = module.module().export(runtime, "run")?;
    let run = Persistent::new(runtime, run);
    let description = module.module().export(runtime, "description")?;
    let description = runtime.from_js::<Option<String>>(description)?;
    Ok(Plugin {
        name,
        _context: context,
        run,
        description: description.unwrap_or_default(),
        strikes: 0,
    })
}

/// Calls the plugin's `run(input)` under the call limits; the result as `console.log` shows it.
fn call(runtime: &mut Runtime, plugin: &Plugin, input: &str) -> Result<String, Error> {
    runtime.handle_scope(|runtime| {
        let input = runtime.to_js(input)?;
        runtime.root(input);
        let result =
            runtime.call_with(plugin.run.get(), Value::UNDEFINED, &[input], CALL_LIMITS)?;
        Ok(runtime.display(result))
    })
}

fn heap(runtime: &mut Runtime) -> String {
    runtime.collect_garbage();
    let stats = runtime.heap_stats();
    let realms = runtime.vm.realms.list.iter().filter(|r| !r.dead).count();
    format!(
        "{:.1} MB live, {} objects, {realms} realms",
        stats.total_bytes as f64 / (1 << 20) as f64,
        stats.objects.cells
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut runtime = Runtime::new();
    runtime.set_heap_limit(Some(HEAP_LIMIT));
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/plugins");
    let mut paths: Vec<_> = std::fs::read_dir(&folder)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "mjs"))
        .collect();
    paths.sort();

    println!(
        "heap limit {} MB; heap at start: {}",
        HEAP_LIMIT >> 20,
        heap(&mut runtime)
    );
    let mut plugins = Vec::new();
    for path in &paths {
        match load(&mut runtime, path) {
            Ok(plugin) => {
                println!("loaded {}: {}", plugin.name, plugin.description);
                plugins.push(plugin);
            }
            Err(e) => println!("could not load {}: {e}", path.display()),
        }
    }
    println!(
        "heap with {} plugins: {}",
        plugins.len(),
        heap(&mut runtime)
    );

    for input in ["world", "spin", "the quick brown fox jumps"] {
        println!("\ninput {input:?}");
        for plugin in &mut plugins {
            let started = Instant::now();
            match call(&mut runtime, plugin, input) {
                Ok(result) => println!("  {} -> {result}", plugin.name),
                Err(e) => {
                    let ms = started.elapsed().as_millis();
                    println!("  {} failed after {ms} ms: {e}", plugin.name);
                    if matches!(e, Error::Terminated(_)) {
                        plugin.strikes += 1;
                    }
                }
            }
        }
        // Unloading is dropping the plugin's handles: its context and its `run`.
        plugins.retain(|p| {
            let keep = p.strikes < MAX_STRIKES;
            if !keep {
                println!("  unloading {} after {} stopped calls", p.name, p.strikes);
            }
            keep
        });
        println!("  heap: {}", heap(&mut runtime));
    }
    println!("\n{} plugins still loaded; the host is fine", plugins.len());
    Ok(())
}
