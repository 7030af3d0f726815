//! Readable bytecode: each function's instructions with pc, operands, jump targets and source
//! positions, from the archived form the interpreter runs.

use crate::code::{ArchivedConstant, ArchivedFunctionCode, Code};
use crate::instruction::Instruction;
use std::fmt::Write as _;

/// The whole script, one function after another.
pub fn disassemble(code: Code<'_>) -> String {
    let mut out = String::new();
    for (index, function) in code.functions.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        disassemble_function(code, index, function, None, &mut out);
    }
    out
}

/// As [`disassemble`], with each source line shown above the instructions compiled from it
/// and positions given as `line:column`.
pub fn disassemble_with_source(code: Code<'_>, source: &str) -> String {
    let mut out = String::new();
    let lines = kiln_parser::LineIndex::new(source);
    for (index, function) in code.functions.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        disassemble_function(code, index, function, Some((source, &lines)), &mut out);
    }
    out
}

/// One instruction as the disassembler shows it: its name and operands, and a jump's target
/// (`pc` is where the instruction starts). `kiln run --trace` prints the same text.
pub fn instruction_text(instruction: &Instruction, pc: usize) -> String {
    match instruction.jump_offset() {
        Some(o) => format!("{instruction} (to {})", pc as i64 + i64::from(o.0)),
        None => instruction.to_string(),
    }
}

fn disassemble_function(
    code: Code<'_>,
    index: usize,
    f: &ArchivedFunctionCode,
    source: Option<(&str, &kiln_parser::LineIndex)>,
    out: &mut String,
) {
    let mut last_line = 0;
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
    // Where a call puts `this` (no instruction loads it).
    let this = if f.flags.to_native() & crate::code::flags::THIS_REGISTER != 0 {
        format!(", this in r{}", f.parameter_count)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "function {index} {name}{top}: {} registers, {} parameters{this}, {} IC slots",
        f.register_count, f.parameter_count, f.ic_slot_count
    );
    for (i, constant) in code.constants_of(f).iter().enumerate() {
        let text = match constant {
            ArchivedConstant::Number(n) => format!("{}", n.to_native()),
            ArchivedConstant::String(s) => match code.strings.get(s.to_native() as usize) {
                Some(s) => format!("{:?}", s.to_string_lossy()),
                None => format!("<bad string {s}>"),
            },
            ArchivedConstant::BigInt(digits) => format!("{}n", digits.as_str()),
            ArchivedConstant::Template { raw, .. } => {
                let parts: Vec<String> = raw
                    .iter()
                    .map(|s| match code.strings.get(s.to_native() as usize) {
                        Some(s) => format!("{:?}", s.to_string_lossy()),
                        None => format!("<bad string {s}>"),
                    })
                    .collect();
                format!("template [{}]", parts.join(", "))
            }
        };
        let _ = writeln!(out, "  c{i} = {text}");
    }
    for (i, scope) in code.scopes_of(f).iter().enumerate() {
        let names: Vec<String> = scope
            .names
            .iter()
            .map(|n| match code.strings.get(n.to_native() as usize) {
                Some(s) => s.to_string_lossy(),
                None => format!("<bad string {n}>"),
            })
            .collect();
        let _ = writeln!(out, "  s{i} = [{}]", names.join(", "));
    }
    for h in code.handlers_of(f) {
        let _ = writeln!(out, "  try {}..{} -> {}", h.start, h.end, h.handler);
    }
    let source_text = source;
    let bytecode = code.bytecode_of(f);
    let mut pc = 0;
    let mut positions = code.positions_of(f).map_while(Result::ok).peekable();
    while pc < bytecode.len() {
        let mut source = String::new();
        while let Some(p) = positions.peek() {
            if p.0 as usize > pc {
                break;
            }
            if p.0 as usize == pc {
                match source_text {
                    Some((text, lines)) => {
                        let at = lines.locate(text, p.1 as usize);
                        let (line, column) = (at.line as usize, at.column);
                        if line != last_line {
                            last_line = line;
                            let shown = lines.line_text(text, line).trim();
                            let shown: String = shown.chars().take(80).collect();
                            let _ = writeln!(out, "         ; {line}: {shown}");
                        }
                        source = format!("  ; {line}:{column}");
                    }
                    None => source = format!("  ; @{}", p.1),
                }
            }
            positions.next();
        }
        match Instruction::decode(bytecode, pc) {
            Ok((instruction, len)) => {
                let shown = instruction_text(&instruction, pc);
                let _ = writeln!(out, "  {pc:>5}  {shown}{source}");
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
        let (bytes, layout) = sample().archive().expect("archives");
        let text = super::disassemble(access(&bytes, layout).expect("valid"));
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

    /// A compiled program, disassembled with its source lines: the bytecode a reader sees from
    /// `kiln disasm`. Review the diff when it changes; it is the compiler's observable output.
    #[test]
    fn compiled_program_snapshot() {
        let source = r#"function add(a, b) {
  return a + b;
}
let total = 0;
for (let i = 0; i < 3; i++) total = add(total, i);
"#;
        let arena = bumpalo::Bump::new();
        let parsed = kiln_parser::parse(&arena, source, kiln_parser::ParseOptions::default());
        assert!(parsed.errors.is_empty());
        let code = crate::compile(&parsed.program, crate::CodeKind::Script).expect("compiles");
        let (bytes, layout) = code.archive().expect("archives");
        let text = super::disassemble_with_source(access(&bytes, layout).expect("valid"), source);
        let expected = r#"function 0 <anonymous> (top level): 7 registers, 0 parameters, 3 IC slots
      0  LoadUndefined r0
      2  DeclareGlobalLexical n0, #0
      5  NewClosure r1, f1
      8  DeclareGlobalFunction n1, r1
         ; 4: let total = 0;
     11  LoadInt r1, 0  ; 4:5
     14  InitGlobalLexical n0, r1
         ; 5: for (let i = 0; i < 3; i++) total = add(total, i);
     17  LoadUndefined r0  ; 5:1
     19  LoadHole r1
     21  LoadInt r1, 0  ; 5:10
     24  LoadInt r2, 3
     27  JumpIfNotLess r1, r2, +36 (to 63)  ; 5:19
     34  GetGlobal r3, n1, ic0  ; 5:37
     38  GetGlobal r5, n0, ic1  ; 5:41
     42  Move r6, r1  ; 5:48
     45  Call r0, r3, r4, r5, #2  ; 5:37
     51  SetGlobal n0, r0, ic2  ; 5:29
     55  Increment r1, r1  ; 5:24
     58  Jump -34 (to 24)
     63  Return r0

function 1 add: 4 registers, 2 parameters, 0 IC slots
         ; 2: return a + b;
      0  Add r2, r0, r1  ; 2:12
      4  Return r2
      6  LoadUndefined r2
      8  Return r2
"#;
        assert_eq!(text, expected);
    }
}
