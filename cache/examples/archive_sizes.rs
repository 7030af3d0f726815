//! What the bytes of a cache file's archive are, by field:
//! `cargo run --release -p kiln-cache --example archive_sizes -- CACHE`.
//! Reads the cache without its source (as `kiln disasm` does).

use kiln_compiler::code::{ArchivedCodeString, ArchivedConstant};
use std::mem::size_of_val;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: archive_sizes CACHE");
        std::process::exit(2);
    };
    let bytes = kiln_cache::read_file(std::path::Path::new(&path)).expect("read");
    let total = bytes.len();
    let (_, inspected) = kiln_cache::inspect(bytes).expect("a valid cache");
    let code = inspected.code();
    let mut rows: Vec<(&str, usize, usize)> = Vec::new();
    let f0 = &code.functions[0];
    let functions = code.functions.len();
    rows.push(("function entries", functions, functions * size_of_val(f0)));
    let bytecode = code.bytecode.len();
    rows.push(("bytecode", bytecode, bytecode));
    let constants = code.constants.len();
    let constant_extra: usize = code
        .constants
        .iter()
        .map(|c| match c {
            ArchivedConstant::BigInt(s) => s.len(),
            ArchivedConstant::Template { raw, cooked } => {
                raw.len() * 4 + cooked.len() * size_of_val(&cooked[0])
            }
            _ => 0,
        })
        .sum();
    if let Some(c) = code.constants.first() {
        rows.push(("constants", constants, constants * size_of_val(c)));
    }
    rows.push(("constant payloads", 0, constant_extra));
    let handlers = code.handlers.len();
    rows.push(("handlers", handlers, handlers * 16));
    let scopes = code.scopes.len();
    let scope_slots: usize = code.scopes.iter().map(|s| s.names.len()).sum();
    if let Some(s) = code.scopes.first() {
        rows.push(("scopes", scopes, scopes * size_of_val(s)));
    }
    rows.push(("scope slots (name + kind)", scope_slots, scope_slots * 5));
    let pairs: usize = code
        .functions
        .iter()
        .map(|f| code.positions_of(f).count())
        .sum();
    rows.push(("positions (packed)", pairs, code.positions.len()));
    let strings = code.strings.len();
    rows.push((
        "string entries",
        strings,
        strings * size_of_val(&code.strings[0]),
    ));
    let string_bytes: usize = code
        .strings
        .iter()
        .map(|s| match s {
            ArchivedCodeString::Latin1(b) => b.len(),
            ArchivedCodeString::Utf16(u) => u.len() * 2,
        })
        .sum();
    rows.push(("string text", 0, string_bytes));
    let counted: usize = rows.iter().map(|r| r.2).sum();
    println!("| part | count | bytes | share |");
    println!("|---|---:|---:|---:|");
    for (name, count, size) in &rows {
        println!(
            "| {name} | {count} | {size} | {:.1}% |",
            *size as f64 * 100.0 / total as f64
        );
    }
    println!(
        "| rest (header, padding, alignment) | | {} | {:.1}% |",
        total - counted,
        (total - counted) as f64 * 100.0 / total as f64
    );
    println!("| **file** | | {total} | |");
    if std::env::args().any(|a| a == "--opcodes") {
        opcodes(code);
    }
}

/// Bytecode bytes by opcode (with `--opcodes`), the largest first.
fn opcodes(code: kiln_compiler::code::Code<'_>) {
    use kiln_compiler::Instruction;
    let mut by_name: std::collections::HashMap<String, (usize, usize)> = Default::default();
    for f in code.functions.iter() {
        let bytes = code.bytecode_of(f);
        let mut pc = 0;
        while let Ok((instruction, len)) = Instruction::decode(bytes, pc) {
            let name = format!("{instruction:?}");
            let name = name.split([' ', '{', '(']).next().unwrap_or("").to_string();
            let name = if bytes[pc] == kiln_compiler::Opcode::Wide as u8 {
                format!("{name} (wide)")
            } else if bytes[pc] == kiln_compiler::Opcode::ExtraWide as u8 {
                format!("{name} (extra wide)")
            } else {
                name
            };
            let entry = by_name.entry(name).or_default();
            entry.0 += 1;
            entry.1 += len;
            pc += len;
            if pc >= bytes.len() {
                break;
            }
        }
    }
    let mut rows: Vec<_> = by_name.into_iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1.1));
    println!("\n| opcode | count | bytes |\n|---|---:|---:|");
    for (name, (count, bytes)) in rows.iter().take(40) {
        println!("| {name} | {count} | {bytes} |");
    }
}
