//! Readable bytecode: each function's instructions with pc, operands, jump targets and source
//! positions, from the archived form the interpreter runs.

use crate::code::{ArchivedConstant, ArchivedFunctionCode, ArchivedScriptCode};
use crate::instruction::Instruction;
use std::fmt::Write as _;

/// The whole script, one function after another.
pub fn disassemble(code: &ArchivedScriptCode) -> String {
    let mut out = String::new();
    for (index, function) in code.functions.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        disassemble_function(code, index, function, &mut out);
    }
    out
}

fn disassemble_function(
    code: &ArchivedScriptCode,
    index: usize,
    f: &ArchivedFunctionCode,
    out: &mut String,
) {
    let name = f
        .name
        .as_ref()
        .and_then(|n| code.strings.get(n.to_native() as usize))
        .map_or_else(|| "<anonymous>".to_string(), |s| s.to_string_lossy());
    let top = if index as u32 == code.top_level.to_native() {
        " (top level)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "function {index} {name}{top}: {} registers, {} parameters, {} IC slots",
        f.register_count, f.parameter_count, f.ic_slot_count
    );
    for (i, constant) in f.constants.iter().enumerate() {
        let text = match constant {
            ArchivedConstant::Number(n) => format!("{}", n.to_native()),
            ArchivedConstant::String(s) => match code.strings.get(s.to_native() as usize) {
                Some(s) => format!("{:?}", s.to_string_lossy()),
                None => format!("<bad string {s}>"),
            },
            ArchivedConstant::BigInt(digits) => format!("{}n", digits.as_str()),
        };
        let _ = writeln!(out, "  c{i} = {text}");
    }
    let bytecode = f.bytecode.as_slice();
    let mut pc = 0;
    let mut positions = f.positions.iter().peekable();
    while pc < bytecode.len() {
        let mut source = String::new();
        while let Some(p) = positions.peek() {
            if p.0.to_native() as usize > pc {
                break;
            }
            if p.0.to_native() as usize == pc {
                source = format!("  ; @{}", p.1);
            }
            positions.next();
        }
        match Instruction::decode(bytecode, pc) {
            Ok((instruction, len)) => {
                let target = instruction
                    .jump_offset()
                    .map(|o| format!(" (to {})", pc as i64 + i64::from(o.0)))
                    .unwrap_or_default();
                let _ = writeln!(out, "  {pc:>5}  {instruction}{target}{source}");
                pc += len;
            }
            Err(e) => {
                let _ = writeln!(out, "  {pc:>5}  <{e}>");
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::code::{access, tests::sample};

    #[test]
    fn snapshot() {
        let bytes = sample().archive().expect("archives");
        let text = super::disassemble(access(&bytes).expect("valid"));
        let expected = "\
function 0 <anonymous> (top level): 2 registers, 0 parameters, 0 IC slots
  c0 = 2
  c1 = \"answer\"
      0  LoadInt r0, 40  ; @0
      3  LoadConst r1, c0  ; @9
      6  Add r0, r0, r1
     10  JumpIfFalse r0, +8 (to 18)
     16  Return r0
     18  LoadUndefined r0
     20  Return r0
";
        assert_eq!(text, expected);
    }
}
