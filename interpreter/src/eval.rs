//! From source text to a running script: parse, compile, archive, load — the one path every
//! script, `eval` and `Function` body takes, so the archived form is what always runs.

use crate::loaded_script::LoadedScript;
use crate::stack::{Frame, ReturnTo};
use crate::value::Value;
use crate::vm::{JsResult, Vm};
use kiln_compiler::CodeKind;
use kiln_parser::ast::SourceKind;
use std::rc::Rc;

/// Parses and compiles `source`, archives the code and loads it for running.
pub fn compile(
    vm: &mut Vm,
    source: &str,
    name: &str,
    kind: CodeKind,
) -> JsResult<Rc<LoadedScript>> {
    compile_in(vm, source, name, kind, None)
}

fn compile_in(
    vm: &mut Vm,
    source: &str,
    name: &str,
    kind: CodeKind,
    eval: Option<kiln_parser::EvalContext>,
) -> JsResult<Rc<LoadedScript>> {
    match compile_code(source, kind, eval, &mut CompileStats::default()) {
        Ok(verified) => Ok(load_verified(vm, verified, source, name)),
        Err(CompileFailure::Syntax(d)) => Err(vm.syntax_error(&d.message)),
        Err(CompileFailure::Archive(e)) => Err(vm.type_error(&e.to_string())),
    }
}

/// Where a compile from source spent its time.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompileStats {
    pub parse: std::time::Duration,
    pub compile: std::time::Duration,
    /// Archiving (and, in debug builds, verifying) the compiled code.
    pub archive: std::time::Duration,
}

/// Why source did not become code.
#[derive(Debug)]
pub enum CompileFailure {
    /// A syntax or early error, with its span.
    Syntax(kiln_parser::Diagnostic),
    /// The compiled code could not be archived (a bug, reported rather than panicked on).
    Archive(kiln_cache::CacheError),
}

/// Parses, compiles and archives `source`: the runtime-independent part of loading a script.
pub fn compile_code(
    source: &str,
    kind: CodeKind,
    eval: Option<kiln_parser::EvalContext>,
    stats: &mut CompileStats,
) -> Result<kiln_cache::VerifiedCode, CompileFailure> {
    // The parser and compiler bound their own recursion by the nesting depth they accept, which
    // is sized for a fresh stack; `eval` and `Function` can be called with the stack nearly
    // spent, so they get a fresh segment when less than that is left.
    stacker::maybe_grow(COMPILE_STACK_NEEDED, COMPILE_STACK_SIZE, || {
        compile_code_here(source, kind, eval, stats)
    })
}

/// The native stack that parsing and compiling the most deeply nested source the parser accepts
/// needs, with room to spare: measured under 1 MiB in release builds and between 4 and 6 MiB in
/// debug builds, whose frames are several times larger.
const COMPILE_STACK_NEEDED: usize = if cfg!(debug_assertions) {
    8 << 20
} else {
    2 << 20
};
/// The stack segment they run on when less than that is left.
const COMPILE_STACK_SIZE: usize = 2 * COMPILE_STACK_NEEDED;

fn compile_code_here(
    source: &str,
    kind: CodeKind,
    eval: Option<kiln_parser::EvalContext>,
    stats: &mut CompileStats,
) -> Result<kiln_cache::VerifiedCode, CompileFailure> {
    let started = std::time::Instant::now();
    let arena = bumpalo::Bump::new();
    let source_kind = if kind == CodeKind::Module {
        SourceKind::Module
    } else {
        SourceKind::Script
    };
    let parsed = kiln_parser::parse(
        &arena,
        source,
        kiln_parser::ParseOptions {
            kind: source_kind,
            eval,
        },
    );
    if let Some(e) = parsed.errors.first() {
        return Err(CompileFailure::Syntax(e.clone()));
    }
    stats.parse = started.elapsed();
    let started = std::time::Instant::now();
    let code = kiln_compiler::compile(&parsed.program, kind)
        .map_err(|e| CompileFailure::Syntax(kiln_parser::Diagnostic::new(e.message, e.span)))?;
    stats.compile = started.elapsed();
    let started = std::time::Instant::now();
    let verified =
        kiln_cache::VerifiedCode::from_compiled(&code, source).map_err(CompileFailure::Archive)?;
    stats.archive = started.elapsed();
    Ok(verified)
}

/// Archives compiled code and loads the archive.
pub fn load(
    vm: &mut Vm,
    code: &kiln_compiler::ScriptCode,
    source: &str,
    name: &str,
) -> JsResult<Rc<LoadedScript>> {
    let verified = match kiln_cache::VerifiedCode::from_compiled(code, source) {
        Ok(v) => v,
        Err(e) => return Err(vm.type_error(&e.to_string())),
    };
    Ok(load_verified(vm, verified, source, name))
}

/// Loads verified code (a fresh compile's or a cache's) to run in the current realm.
pub fn load_verified(
    vm: &mut Vm,
    verified: kiln_cache::VerifiedCode,
    source: impl Into<Rc<str>>,
    name: &str,
) -> Rc<LoadedScript> {
    let script = Rc::new(LoadedScript::new(
        verified,
        source.into(),
        name.into(),
        vm.stack.realm,
    ));
    vm.agent.scripts.retain(|s| Rc::strong_count(s) > 1);
    vm.agent.heap.note_growth(script.heap_bytes());
    vm.agent.scripts.push(script.clone());
    script
}

/// Compiles direct `eval` code with what its caller allows.
pub fn compile_eval(
    vm: &mut Vm,
    text: &str,
    context: kiln_parser::EvalContext,
) -> JsResult<Rc<LoadedScript>> {
    let kind = CodeKind::Eval {
        strict: context.strict,
    };
    compile_in(vm, text, "eval", kind, Some(context))
}

/// Runs global code (a script, indirect eval or a dynamic function's source) in the current
/// realm and returns its completion value.
pub fn run_source(vm: &mut Vm, text: &str, name: &str, indirect_eval: bool) -> JsResult<Value> {
    let kind = if indirect_eval {
        CodeKind::Eval { strict: false }
    } else {
        CodeKind::Script
    };
    let script = compile(vm, text, name, kind)?;
    vm.run_top_level(script)
}

impl Vm {
    /// Runs a loaded script's top-level code as global code.
    pub fn run_top_level(&mut self, script: Rc<LoadedScript>) -> JsResult<Value> {
        let this = self.intrinsics().global_this.value();
        self.run_code(script, this)
    }

    fn run_code(&mut self, script: Rc<LoadedScript>, this: Value) -> JsResult<Value> {
        self.run_code_with(script, this, None, None, None)
    }

    pub(crate) fn run_code_with(
        &mut self,
        script: Rc<LoadedScript>,
        this: Value,
        generator: Option<crate::heap::ObjRef>,
        promise: Option<Value>,
        env: Option<crate::heap::EnvRef>,
    ) -> JsResult<Value> {
        // The code runs in a nested dispatch loop, a level of native recursion.
        self.check_stack()?;
        let top = script.code().top_level.to_native();
        // Verified at load; checked again because this is a way into a frame (a cheap bit test).
        self.ensure_verified(&script, top)?;
        let code = script.function(top);
        let register_count = code.register_count.to_native() as usize;
        let strict = code.flags.to_native() & kiln_compiler::code::flags::STRICT != 0;
        self.reserve_registers(register_count)?;
        let base = self.stack.registers.len();
        self.stack
            .registers
            .resize(base + register_count, Value::UNDEFINED);
        let realm = self.stack.realm;
        self.push_frame(Frame {
            // SAFETY: the frame's extras own the script (`FrameExtra::top_level`).
            script: unsafe { crate::verified::ScriptRef::new(&script) },
            function: top,
            callee: Value::UNDEFINED,
            pc: 0,
            base,
            env,
            env_depth: 0,
            this,
            new_target: Value::UNDEFINED,
            argc: 0,
            return_to: ReturnTo::Native,
            is_construct: false,
            realm,
            strict,
            extra: crate::stack::FrameExtra::top_level(&script, generator, promise),
        });
        self.run(None)
    }

    /// Compiles and runs a script; then runs the promise jobs it queued.
    pub fn run_script(&mut self, source: &str, name: &str) -> JsResult<Value> {
        let v = run_source(self, source, name, false)?;
        self.with_roots(&[v], Vm::run_jobs)?;
        Ok(v)
    }
}
