//! The interactive REPL: `kiln` alone on a terminal, or `kiln repl`.
//!
//! Each complete input runs as a script in the main realm, so global `let`, `const` and
//! `class` declarations persist from one input to the next (a second `let x` is the usual
//! SyntaxError). An input the parser finds cut short — an unexpected end of input, an
//! unterminated template or comment — waits for more lines. An input with `await` at its top
//! level that is not a valid script runs, as in Node's REPL, as the body of an async arrow
//! function: its declarations are hoisted to the global scope first and its last expression
//! is returned; the REPL runs the event loop until that promise settles and prints its value.
//!
//! Timers run in the background while the prompt waits for its first key, as in Node; once a
//! line is being typed they wait for it. Ctrl-C while code runs (or while an `await` waits for
//! a timer) sets the VM's interrupt flag, which stops the code at its next safepoint; the REPL
//! goes on. While a line is being edited the terminal is in raw mode and Ctrl-C reaches the
//! line editor as a key instead: it abandons the line, or on an empty one says how to exit.

use crate::{
    RunFlags, exit_with, host_runtime, print_profile, report_uncaught, start_profile, stop_error,
};
use kiln::{Runtime, Script, ScriptOptions, SourceType};
use kiln_interpreter::heap::ObjRef;
use kiln_interpreter::object::{ObjectKind, PromiseState, PropertyKey, Slot, attrs};
use kiln_interpreter::{Value, Vm};
use kiln_parser::ast::{Pattern, SourceKind, Statement, VariableKind};
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::{FileHistory, History};
use rustyline::validate::Validator;
use rustyline::{Config, Editor, Helper};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const HELP: &str = "\
.break    Abandon the input being continued over several lines
.exit     Exit the REPL
.help     Print this help

Press Ctrl+C to stop running code or abandon the current input,
Ctrl+D (or Ctrl+C twice on an empty line) to exit.
Tab completes global names, and property names after `name.`.";

const EXIT_HINT: &str = "(To exit, press Ctrl+C again or Ctrl+D or type .exit)";

/// Runs the REPL until `.exit`, Ctrl-D, two Ctrl-C on an empty line or `process.exit()`.
pub fn run(flags: RunFlags) -> ExitCode {
    // `require` resolves from the working directory, as in Node's REPL.
    let name = std::env::current_dir()
        .map(|d| d.join("[repl]").display().to_string())
        .unwrap_or_else(|_| "[repl]".to_string());
    let mut runtime = host_runtime(&flags, None, &[], &name, SourceType::Script);
    if let Err(e) = start_profile(&mut runtime, &flags) {
        eprintln!("kiln: {e}");
        return ExitCode::FAILURE;
    }
    let mut repl = Repl::new(runtime);
    let config = Config::builder().auto_add_history(false).build();
    let mut editor = match Editor::<ReplHelper, FileHistory>::with_config(config) {
        Ok(editor) => editor,
        Err(e) => {
            eprintln!("kiln: cannot start the line editor: {e}");
            return ExitCode::FAILURE;
        }
    };
    editor.set_helper(Some(ReplHelper {
        runtime: repl.runtime.clone(),
        line: RefCell::default(),
    }));
    let history = history_path();
    if let Some(path) = &history {
        // A missing history file is the usual first run.
        let _ = editor.load_history(path);
    }
    // From here SIGINT sets the flag instead of ending the process.
    let sigint = signal_hook::flag::register(signal_hook::consts::SIGINT, repl.interrupt.clone());
    println!("Welcome to Kiln {}.", env!("CARGO_PKG_VERSION"));
    println!("Type \".help\" for more information.");
    let code = repl.read_eval_print(&mut editor);
    if let Ok(id) = sigint {
        signal_hook::low_level::unregister(id);
    }
    if let Some(path) = &history
        && let Err(e) = editor.save_history(path)
    {
        eprintln!(
            "kiln: cannot save the REPL history to {}: {e}",
            path.display()
        );
    }
    // `--profile`: the tables cover every input.
    print_profile(&mut repl.runtime.borrow_mut(), &flags);
    code
}

/// Where the history is kept: `$KILN_REPL_HISTORY` (empty: nowhere), else
/// `~/.kiln_repl_history`.
fn history_path() -> Option<PathBuf> {
    match std::env::var_os("KILN_REPL_HISTORY") {
        Some(path) if path.is_empty() => None,
        Some(path) => Some(PathBuf::from(path)),
        None => std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".kiln_repl_history")),
    }
}

/// What to do after an input.
enum Flow {
    Continue,
    /// `process.exit()` was called.
    Exit(ExitCode),
}

struct Repl {
    /// Shared with the completer, which borrows it only while a line is being read; the loop
    /// borrows it only between reads.
    runtime: Rc<RefCell<Runtime>>,
    interrupt: Arc<AtomicBool>,
    /// Holds the promise an `await` input is waiting for (index 0), where the collector sees it.
    awaited: ObjRef,
    /// Inputs run so far: the next script is named `REPL{inputs + 1}`, as in Node.
    inputs: u32,
}

impl Repl {
    fn new(mut runtime: Runtime) -> Repl {
        let awaited = runtime.vm.new_object_with_proto(None);
        runtime.vm.root_for_life(awaited.value());
        Repl {
            interrupt: runtime.vm.termination.interrupt.clone(),
            runtime: Rc::new(RefCell::new(runtime)),
            awaited,
            inputs: 0,
        }
    }

    fn read_eval_print(&mut self, editor: &mut Editor<ReplHelper, FileHistory>) -> ExitCode {
        let mut input = String::new();
        let mut interrupted_empty = false;
        loop {
            let prompt = if input.is_empty() { "> " } else { "... " };
            if let Flow::Exit(code) = self.idle(prompt) {
                return code;
            }
            let line = match editor.readline(prompt) {
                Ok(line) => line,
                Err(ReadlineError::Interrupted) => {
                    let typed = editor
                        .helper()
                        .is_some_and(|h| !h.line.borrow().trim().is_empty());
                    if typed || !input.is_empty() {
                        input.clear();
                        interrupted_empty = false;
                    } else if interrupted_empty {
                        break;
                    } else {
                        println!("{EXIT_HINT}");
                        interrupted_empty = true;
                    }
                    continue;
                }
                Err(ReadlineError::Eof) => break,
                Err(e) => {
                    eprintln!("kiln: cannot read a line: {e}");
                    break;
                }
            };
            interrupted_empty = false;
            if !line.trim().is_empty() {
                let _ = editor.history_mut().add(&line);
            }
            match line.trim() {
                ".exit" => break,
                ".help" => {
                    println!("{HELP}");
                    continue;
                }
                ".break" => {
                    input.clear();
                    continue;
                }
                command if input.is_empty() && is_keyword(command) => {
                    println!("Invalid REPL keyword");
                    continue;
                }
                _ => {}
            }
            input.push_str(&line);
            input.push('\n');
            let parsed = classify(&input);
            if let Parsed::Incomplete = parsed {
                continue;
            }
            let code = std::mem::take(&mut input);
            if code.trim().is_empty() {
                continue;
            }
            if let Flow::Exit(code) = self.evaluate(&code, parsed) {
                return code;
            }
        }
        let mut runtime = self.runtime.borrow_mut();
        exit_with(kiln::process::exit_code_property(&mut runtime.vm))
    }

    /// Runs one complete input and prints its value or its error.
    fn evaluate(&mut self, code: &str, parsed: Parsed) -> Flow {
        // A Ctrl-C that came while the line was edited is not meant for this input.
        self.interrupt.store(false, Ordering::Relaxed);
        match parsed {
            Parsed::Await(rewritten) => self.evaluate_await(&rewritten),
            Parsed::Object(object) => self.evaluate_script(&object),
            Parsed::Script | Parsed::Incomplete => self.evaluate_script(code),
        }
    }

    fn evaluate_script(&mut self, code: &str) -> Flow {
        match self.run_script(code) {
            Ok(value) => {
                let shown = self.runtime.borrow_mut().display(value);
                println!("{shown}");
                self.settle(false)
            }
            Err(flow) => flow,
        }
    }

    /// Compiles and runs `code` as the next script; an error is reported.
    fn run_script(&mut self, code: &str) -> Result<Value, Flow> {
        self.inputs += 1;
        let options = ScriptOptions {
            filename: format!("REPL{}", self.inputs),
            ..ScriptOptions::default()
        };
        let mut runtime = self.runtime.borrow_mut();
        let result = Script::new(code, options).and_then(|s| s.run_in_this_context(&mut runtime));
        drop(runtime);
        result.map_err(|e| self.report(e))
    }

    /// An `await` input: its hoisted declarations, then its body as an async function whose
    /// promise the event loop runs until it settles.
    fn evaluate_await(&mut self, rewritten: &Rewritten) -> Flow {
        if !rewritten.prelude.is_empty()
            && let Err(flow) = self.run_script(&rewritten.prelude)
        {
            return flow;
        }
        let promise = match self.run_script(&rewritten.body) {
            Ok(promise) => promise,
            Err(flow) => return flow,
        };
        let Some(p) = promise.as_object() else {
            return Flow::Continue;
        };
        {
            let vm = &mut self.runtime.borrow_mut().vm;
            // Its rejection is printed below, not reported as unhandled.
            if let ObjectKind::Promise(state) = &mut vm.obj_mut(p).kind {
                state.handled = true;
            }
            vm.define_data(self.awaited, PropertyKey::Index(0), promise, attrs::DEFAULT);
        }
        let flow = self.settle(true);
        let mut runtime = self.runtime.borrow_mut();
        runtime.vm.delete_raw(self.awaited, PropertyKey::Index(0));
        let (state, result) = match &runtime.vm.obj(p).kind {
            ObjectKind::Promise(state) => (state.state, state.result),
            _ => return flow,
        };
        match state {
            PromiseState::Fulfilled => {
                let shown = runtime.display(result);
                println!("{shown}");
            }
            PromiseState::Rejected => {
                let error = runtime.error(kiln_interpreter::JsError::Throw(result));
                drop(runtime);
                return match self.report(error) {
                    Flow::Continue => flow,
                    exit => exit,
                };
            }
            PromiseState::Pending if !self.interrupt.load(Ordering::Relaxed) => {
                eprintln!("kiln: the awaited promise never settled (nothing is left to run)");
            }
            PromiseState::Pending => {}
        }
        flow
    }

    /// Runs the microtasks and the timers that are due; `awaiting`, runs the event loop until
    /// the awaited promise settles, reporting what throws and going on after it (a Ctrl-C
    /// ends the wait).
    fn settle(&mut self, awaiting: bool) -> Flow {
        use kiln::event_loop::{after_task, run_ready, run_until};
        let awaited = self.awaited;
        let settled = |vm: &mut Vm| {
            awaiting
                && !matches!(
                    vm.own_property_raw(awaited, PropertyKey::Index(0)).map(|p| p.slot),
                    Some(Slot::Data(v)) if v.as_object().is_some_and(|p| matches!(
                        &vm.obj(p).kind,
                        ObjectKind::Promise(s) if s.state == PromiseState::Pending
                    ))
                )
        };
        loop {
            let mut runtime = self.runtime.borrow_mut();
            let vm = &mut runtime.vm;
            let stopped = after_task(vm).and_then(|()| match awaiting {
                true => run_until(vm, settled),
                false => run_ready(vm).map(drop),
            });
            let Err(stop) = stopped else {
                return Flow::Continue;
            };
            let error = stop_error(&mut runtime, stop);
            drop(runtime);
            if let Flow::Exit(code) = self.report(error) {
                return Flow::Exit(code);
            }
            // Not awaiting, the rest waits for the prompt ([`Repl::idle`]).
            if !awaiting || self.interrupt.load(Ordering::Relaxed) {
                return Flow::Continue;
            }
        }
    }

    /// Runs the event loop while the prompt waits for a key, as Node's REPL runs timers in
    /// the background; returns when a key is pressed or nothing is left to run.
    fn idle(&mut self, prompt: &str) -> Flow {
        use kiln::event_loop::{after_task, run_ready};
        loop {
            let mut runtime = self.runtime.borrow_mut();
            let vm = &mut runtime.vm;
            let next = match after_task(vm).and_then(|()| run_ready(vm)) {
                Ok(None) => return Flow::Continue,
                Ok(Some(due)) => due,
                Err(stop) => {
                    let error = stop_error(&mut runtime, stop);
                    drop(runtime);
                    if let Flow::Exit(code) = self.report(error) {
                        return Flow::Exit(code);
                    }
                    // A Ctrl-C stopped a callback: later ones still run.
                    self.interrupt.store(false, Ordering::Relaxed);
                    continue;
                }
            };
            drop(runtime);
            if key_pressed_before(next, prompt) {
                return Flow::Continue;
            }
        }
    }

    /// Prints an error of an input; `process.exit()` ends the REPL.
    fn report(&mut self, error: kiln::Error) -> Flow {
        match error {
            kiln::Error::Terminated(reason) if reason == kiln::process::EXIT_REASON => {
                Flow::Exit(exit_with(kiln::process::exit_code()))
            }
            kiln::Error::Terminated(reason) if reason == kiln_interpreter::vm::INTERRUPTED => {
                eprintln!("Uncaught Error: Script execution was interrupted by `SIGINT`");
                Flow::Continue
            }
            kiln::Error::Syntax { rendered, .. } => {
                eprintln!("{}", rendered.trim_end());
                Flow::Continue
            }
            // The value as `console.log` shows it (an error with its stack), as Node's REPL
            // does: the script's source line is the one just typed.
            error @ kiln::Error::Thrown { .. } => {
                eprintln!("{error}");
                Flow::Continue
            }
            error => {
                report_uncaught(&mut self.runtime.borrow_mut(), error);
                Flow::Continue
            }
        }
    }
}

/// Shows `prompt` and waits until a key is pressed (true) or `until` passes (false). Keys
/// are not echoed meanwhile and Ctrl-C is a key, as in the line editor, which reads them next.
#[cfg(unix)]
fn key_pressed_before(until: std::time::Instant, prompt: &str) -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
    use std::io::{IsTerminal, Write};
    use std::os::fd::AsFd;
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal() && std::io::stdout().is_terminal();
    let saved = terminal.then(|| tcgetattr(stdin.as_fd()).ok()).flatten();
    if let Some(saved) = &saved {
        let mut keys = saved.clone();
        keys.local_flags
            .remove(LocalFlags::ICANON | LocalFlags::ECHO | LocalFlags::ISIG);
        let _ = tcsetattr(stdin.as_fd(), SetArg::TCSANOW, &keys);
        print!("\r\x1b[K{prompt}");
        let _ = std::io::stdout().flush();
    }
    let wait = until.saturating_duration_since(std::time::Instant::now());
    let timeout =
        PollTimeout::try_from(wait.as_millis().min(60_000) as u64 + 1).unwrap_or(PollTimeout::MAX);
    let mut fds = [PollFd::new(stdin.as_fd(), PollFlags::POLLIN)];
    let pressed = match poll(&mut fds, timeout) {
        Ok(n) => n > 0,
        // A signal: look at the timers again.
        Err(nix::errno::Errno::EINTR) => false,
        // Stdin cannot be polled: leave it to the line editor.
        Err(_) => true,
    };
    if let Some(saved) = &saved {
        let _ = tcsetattr(stdin.as_fd(), SetArg::TCSANOW, saved);
        if !pressed {
            // Callbacks print from the start of the line; the prompt comes back after them.
            print!("\r\x1b[K");
            let _ = std::io::stdout().flush();
        }
    }
    pressed
}

/// Timers run only between inputs where stdin cannot be polled.
#[cfg(not(unix))]
fn key_pressed_before(_: std::time::Instant, _: &str) -> bool {
    true
}

/// `.word`: a REPL command, not code (`.5` is a number).
fn is_keyword(line: &str) -> bool {
    line.strip_prefix('.')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// How an input is to run.
enum Parsed {
    /// Cut short: more lines are needed.
    Incomplete,
    /// As a script (which may report a SyntaxError).
    Script,
    /// As this script instead: `{ a: 1 }` in parentheses, an object rather than a block, as
    /// in Node's REPL.
    Object(String),
    /// As an async function: it has top-level `await`.
    Await(Rewritten),
}

/// An input with top-level `await`, rewritten as Node's REPL does.
struct Rewritten {
    /// Global declarations of the names it declares (`let a; var b;`), run first.
    prelude: String,
    /// `(async () => { ... })()` with its declarations turned into assignments and its last
    /// expression returned.
    body: String,
}

fn classify(code: &str) -> Parsed {
    let arena = bumpalo::Bump::new();
    let trimmed = code.trim();
    if trimmed.starts_with('{') && !trimmed.ends_with(';') {
        let object = format!("({trimmed})");
        let options = kiln_parser::ParseOptions::default();
        if kiln_parser::parse(&arena, &object, options).is_ok() {
            return Parsed::Object(object);
        }
    }
    let parse =
        |kind| kiln_parser::parse(&arena, code, kiln_parser::ParseOptions { kind, eval: None });
    let script = parse(SourceKind::Script);
    let Some(error) = script.errors.first() else {
        return Parsed::Script;
    };
    if is_incomplete(code, error) {
        return Parsed::Incomplete;
    }
    if !code.contains("await") {
        return Parsed::Script;
    }
    // A module allows `await` at its top level; the statements it finds are rewritten.
    let module = parse(SourceKind::Module);
    match module.errors.first() {
        None => Parsed::Await(rewrite_await(code, module.program.body)),
        Some(e) if is_incomplete(code, e) => Parsed::Incomplete,
        Some(_) => Parsed::Script,
    }
}

/// Whether a syntax error only says that the input stops too early.
fn is_incomplete(code: &str, error: &kiln_parser::Diagnostic) -> bool {
    error.message == "Unexpected end of input"
        || error.message.starts_with("Unterminated template")
        || error.message.starts_with("Unterminated comment")
        || error.span.start as usize >= code.trim_end().len()
}

/// Node's rewrite of top-level `await` code: `let`, `const` and `var` declarations become
/// assignments to globals declared first (`const` as `let`, so the assignment can happen),
/// functions and classes are copied to the global too, and the last expression is returned.
fn rewrite_await(code: &str, body: &[Statement<'_>]) -> Rewritten {
    // Spans come from parsing `code`; `get` keeps a surprise from becoming a panic.
    let text = |span: kiln_parser::Span| {
        code.get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    };
    let mut lexical = Vec::new();
    let mut vars = Vec::new();
    let mut out = String::new();
    let mut at = 0;
    for (i, statement) in body.iter().enumerate() {
        let span = statement.span();
        out.push_str(code.get(at..span.start as usize).unwrap_or_default());
        at = span.end as usize;
        match statement {
            Statement::Variable(d)
                if matches!(
                    d.kind,
                    VariableKind::Var | VariableKind::Let | VariableKind::Const
                ) =>
            {
                let names = if d.kind == VariableKind::Var {
                    &mut vars
                } else {
                    &mut lexical
                };
                let mut assignments = Vec::new();
                for declarator in d.declarations {
                    declarator
                        .target
                        .bound_names(&mut |id| names.push(id.name.to_string()));
                    match (declarator.init, declarator.target) {
                        (Some(init), target) => assignments.push(format!(
                            "({} = {})",
                            text(target.span()),
                            text(init.span())
                        )),
                        (None, Pattern::Identifier(id)) if d.kind != VariableKind::Var => {
                            assignments.push(format!("({} = undefined)", id.name));
                        }
                        (None, _) => {}
                    }
                }
                if assignments.is_empty() {
                    out.push(';');
                } else {
                    out.push_str(&format!("void ({});", assignments.join(", ")));
                }
            }
            Statement::Function(f) if f.id.is_some() => {
                let name = f.id.map(|id| id.name).unwrap_or_default();
                vars.push(name.to_string());
                out.push_str(text(span));
                out.push_str(&format!(" globalThis[{name:?}] = {name};"));
            }
            Statement::Class(c) if c.id.is_some() => {
                let name = c.id.map(|id| id.name).unwrap_or_default();
                lexical.push(name.to_string());
                out.push_str(&format!("{name} = {};", text(span)));
            }
            Statement::Expression(e) if i + 1 == body.len() => {
                out.push_str(&format!("return ({});", text(e.expression.span())));
            }
            _ => out.push_str(text(span)),
        }
    }
    out.push_str(code.get(at..).unwrap_or_default());
    let mut prelude = String::new();
    if !lexical.is_empty() {
        prelude.push_str(&format!("let {};", lexical.join(", ")));
    }
    if !vars.is_empty() {
        prelude.push_str(&format!("var {};", vars.join(", ")));
    }
    Rewritten {
        prelude,
        body: format!("(async () => {{\n{out}\n}})()"),
    }
}

/// The line editor's hooks: completion, and the line as last shown (so a Ctrl-C can tell an
/// empty line from one being typed).
struct ReplHelper {
    runtime: Rc<RefCell<Runtime>>,
    line: RefCell<String>,
}

impl Helper for ReplHelper {}
impl Highlighter for ReplHelper {}
impl Validator for ReplHelper {}

impl Hinter for ReplHelper {
    type Hint = String;

    fn hint(&self, line: &str, _: usize, _: &rustyline::Context<'_>) -> Option<String> {
        line.clone_into(&mut self.line.borrow_mut());
        None
    }
}

impl Completer for ReplHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let Ok(mut runtime) = self.runtime.try_borrow_mut() else {
            return Ok((pos, Vec::new()));
        };
        let before = line.get(..pos).unwrap_or(line);
        Ok(completions(&mut runtime.vm, before))
    }
}

fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

fn is_identifier(s: &str) -> bool {
    s.chars().next().is_some_and(|c| !c.is_ascii_digit()) && s.chars().all(is_identifier_char)
}

/// Completions of the name that ends `before`, and where it starts: global names, or after
/// `a.b.` the property names of the value of `a.b`. The path is followed through data
/// properties only (never a getter or a proxy), so completing runs no JavaScript.
fn completions(vm: &mut Vm, before: &str) -> (usize, Vec<String>) {
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(is_identifier_char(c) || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let mut path: Vec<&str> = before[start..].split('.').collect();
    let prefix = path.pop().unwrap_or_default();
    let prefix_start = before.len() - prefix.len();
    let names = if path.is_empty() {
        global_names(vm)
    } else if path.iter().all(|p| is_identifier(p)) {
        resolve_path(vm, &path).map_or_else(BTreeSet::new, |v| property_names(vm, v))
    } else {
        BTreeSet::new()
    };
    let found = names
        .into_iter()
        .filter(|n| n.starts_with(prefix) && is_identifier(n) && !n.starts_with("__kiln"))
        .collect();
    (prefix_start, found)
}

/// The global lexical bindings and the global object's properties.
fn global_names(vm: &mut Vm) -> BTreeSet<String> {
    let realm = vm.current_realm() as usize;
    let lexicals: Vec<_> = vm.realms[realm].global_lexicals.keys().copied().collect();
    let global = vm.intrinsics().global_object.value();
    let mut names = property_names(vm, global);
    names.extend(
        lexicals
            .into_iter()
            .map(|atom| vm.key_text(PropertyKey::String(atom))),
    );
    names
}

/// The value of `a.b.c`, read without running JavaScript.
fn resolve_path(vm: &mut Vm, path: &[&str]) -> Option<Value> {
    let (first, rest) = path.split_first()?;
    let key = vm.intern(first);
    let realm = vm.current_realm() as usize;
    let mut value = match vm.realms[realm].global_lexicals.get(&key) {
        Some(&(v, _)) => v,
        None => {
            let global = vm.intrinsics().global_object;
            data_property(vm, global, PropertyKey::String(key))?
        }
    };
    for name in rest {
        let key = PropertyKey::String(vm.intern(name));
        let object = object_or_prototype(vm, value)?;
        value = data_property(vm, object, key)?;
    }
    (!value.is_hole()).then_some(value)
}

/// An object, or a primitive's prototype (`"".` completes String methods).
fn object_or_prototype(vm: &mut Vm, value: Value) -> Option<ObjRef> {
    if value.is_hole() {
        return None;
    }
    match value.as_object() {
        Some(o) => Some(o),
        None => vm.prototype_for_primitive(value).ok(),
    }
}

/// A data property found along the prototype chain; `None` at a getter or a proxy.
fn data_property(vm: &mut Vm, mut object: ObjRef, key: PropertyKey) -> Option<Value> {
    for _ in 0..MAX_CHAIN {
        if vm.proxy_parts(object).is_some() {
            return None;
        }
        if let Some(property) = vm.own_property_raw(object, key) {
            return match property.slot {
                Slot::Data(v) => Some(v),
                _ => None,
            };
        }
        object = vm.obj(object).proto?;
    }
    None
}

/// Prototype chains longer than this are not followed (they cannot be cyclic, but may be long).
const MAX_CHAIN: usize = 64;

/// The string-keyed own and inherited property names of `value`.
fn property_names(vm: &mut Vm, value: Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut object = object_or_prototype(vm, value);
    for _ in 0..MAX_CHAIN {
        let Some(o) = object else { break };
        if vm.proxy_parts(o).is_some() {
            break;
        }
        let Ok(keys) = vm.own_property_keys(o) else {
            break;
        };
        for key in keys {
            if let PropertyKey::String(_) = key {
                names.insert(vm.key_text(key));
            }
        }
        object = vm.obj(o).proto;
    }
    names
}
