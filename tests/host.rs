//! The CLI host against Node: each script in `tests/host/` runs under `kiln run`, and its
//! stdout must equal the `.out` file beside it, made by `node` (Node 20; the command is in the
//! README). The scripts print only what does not vary between runs.

mod common;

#[test]
fn host_scripts_print_what_node_prints() {
    common::scripts_print_what_node_prints("host", 8);
}
