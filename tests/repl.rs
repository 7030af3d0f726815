//! The REPL driven through a pseudo-terminal, as a person at a terminal drives it.
//!
//! Each expectation waits for output that the typed text does not contain (the terminal echoes
//! what is typed), so a match means the REPL printed it. Timeouts are generous: the machine
//! running the tests may be loaded.

#![cfg(unix)]

use rexpect::session::{PtySession, spawn_command};
use std::process::Command;

/// How long one expectation may wait.
const TIMEOUT_MS: u64 = 30_000;

/// `kiln` with no arguments on a terminal, with no history file.
fn start() -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kiln"));
    command.env("KILN_REPL_HISTORY", "").env("TERM", "xterm");
    let mut session = spawn_command(command, Some(TIMEOUT_MS)).expect("spawn kiln");
    session
        .exp_string("Type \".help\" for more information.")
        .expect("the banner");
    prompt(&mut session);
    session
}

/// Waits for the prompt (after which typed text reaches the line editor).
fn prompt(session: &mut PtySession) {
    session.exp_string("> ").expect("a prompt");
}

/// Types `line` at the prompt and waits for `output`.
fn enter(session: &mut PtySession, line: &str, output: &str) {
    session.send_line(line).expect("type a line");
    session
        .exp_string(output)
        .unwrap_or_else(|e| panic!("after `{line}`, expected `{output}`: {e}"));
    prompt(session);
}

/// `.exit` ends the process with status 0.
fn exit(mut session: PtySession) {
    session.send_line(".exit").expect("type .exit");
    session.exp_eof().expect("the REPL ends");
    let status = session.process().wait().expect("wait for kiln");
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 0)),
        "{status:?}"
    );
}

#[test]
fn multi_line_function_and_let_across_lines() {
    let mut s = start();
    s.send_line("function twice(n) {").unwrap();
    s.exp_string("... ").expect("a continuation prompt");
    s.send_line("  return n * 2;").unwrap();
    s.exp_string("... ").expect("a continuation prompt");
    enter(&mut s, "}", "undefined");
    enter(&mut s, "twice(21) + 0.5", "42.5");
    enter(&mut s, "let base = 100", "undefined");
    enter(&mut s, "base + 23", "123");
    // Results print as `console.log` formats them, strings quoted.
    enter(&mut s, "'al' + 'ive'", "'alive'");
    // A line that starts with `{` is an object literal when it can be one, as in Node.
    enter(&mut s, "{ answer: 6 * 7 }", "{ answer: 42 }");
    // A second `let` of the same name is an error, and the first binding stays.
    enter(
        &mut s,
        "let base = 1",
        "Identifier 'base' has already been declared",
    );
    enter(&mut s, "base * 3", "300");
    exit(s);
}

#[test]
fn top_level_await() {
    let mut s = start();
    enter(
        &mut s,
        "await new Promise(r => setTimeout(() => r(6 * 7), 20))",
        "42",
    );
    // A declaration with `await` reaches the global scope.
    enter(&mut s, "const got = await Promise.resolve(8)", "undefined");
    enter(&mut s, "got * 111", "888");
    enter(
        &mut s,
        "await Promise.reject(new TypeError('no' + 'pe'))",
        "Uncaught TypeError: nope",
    );
    exit(s);
}

#[test]
fn thrown_error_leaves_the_repl_alive() {
    let mut s = start();
    enter(
        &mut s,
        "throw new RangeError('ka' + 'put')",
        "Uncaught RangeError: kaput",
    );
    enter(&mut s, "[1, 2].map(x => x * 50)", "[ 50, 100 ]");
    exit(s);
}

#[test]
fn ctrl_c_stops_running_code() {
    let mut s = start();
    s.send_line("console.log('spin' + '-start'); while (true) {}")
        .unwrap();
    s.exp_string("spin-start").expect("the loop starts");
    s.send_control('c').unwrap();
    s.exp_string("interrupted by `SIGINT`")
        .expect("the loop is interrupted");
    prompt(&mut s);
    enter(&mut s, "7 * 6 + 0.25", "42.25");
    // Ctrl-C on an empty line only says how to leave.
    s.send_control('c').unwrap();
    s.exp_string("(To exit, press Ctrl+C again or Ctrl+D or type .exit)")
        .expect("the hint");
    prompt(&mut s);
    enter(&mut s, "'still' + ' here'", "'still here'");
    exit(s);
}

#[test]
fn timers_run_while_the_prompt_waits() {
    let mut s = start();
    enter(
        &mut s,
        "setTimeout(() => console.log('la' + 'ter'), 200), 'sched' + 'uled'",
        "'scheduled'",
    );
    // Nothing is typed: the timer fires at the prompt.
    s.exp_string("later").expect("the timer's output");
    prompt(&mut s);
    enter(&mut s, "'after' + ' timer'", "'after timer'");
    exit(s);
}

#[test]
fn completion_and_commands() {
    let mut s = start();
    enter(&mut s, "zebraCount = 5", "5");
    // Tab completes a global, then a property name after `Math.`.
    enter(&mut s, "zebraC\t * 9", "45");
    enter(&mut s, "Math.ma\t(40, 2) + 0.5", "40.5");
    enter(&mut s, ".help", ".exit     Exit the REPL");
    // Ctrl-D on an empty line exits too.
    s.send_control('d').unwrap();
    s.exp_eof().expect("the REPL ends");
}
