//! node:vm programs written for Node (`tests/vm-programs/`): each runs under `kiln run`, and its
//! stdout must equal the `.out` file beside it, which `node --experimental-vm-modules FILE`
//! printed (Node v20.20.2). `tests/vm-programs/regenerate.sh` rewrites the `.out` files with
//! node; `CHECK=1 tests/vm-programs/regenerate.sh` shows that node still prints them.

mod common;

#[test]
fn vm_programs_print_what_node_prints() {
    common::scripts_print_what_node_prints("vm-programs", 60);
}
