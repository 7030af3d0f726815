//! Programs using decorators (`tests/decorators/`; the decorators proposal, 2023-05 semantics,
//! with decorator metadata). Node runs no decorators, so the `.out` files are written by hand
//! and say little: each program checks its results itself against what the proposal specifies
//! (and Babel's 2023-11 transform does), throwing on a difference, and prints a line per part
//! that passed. Each runs normally and with a collection at every safepoint.

mod common;

#[test]
fn decorator_programs_pass() {
    common::scripts_print_their_out_files("decorators", 6, &[]);
}

#[test]
fn decorator_programs_pass_under_gc_stress() {
    common::scripts_print_their_out_files("decorators", 6, &["--gc-stress"]);
}
