//! The bytecode verifier: what must hold of archived code before the interpreter runs it.
//!
//! rkyv's bytecheck has already proven the archive's structure (offsets, lengths, enum tags). The
//! verifier proves what the interpreter relies on beyond that: every instruction decodes; every
//! register, constant, name, function, scope and IC-slot operand is in range; argument windows fit
//! the frame; every jump target and handler bound is an instruction boundary; source ranges are in
//! the source text; a module's tables point at real strings, requests and slots. Environment depths
//! and slots depend on the run-time chain and are checked by the interpreter when it uses them.
//!
//! It works in two parts, so that a load costs in proportion to the tables, not to the code:
//! [`verify_tables`] — the top-level function's index, every function's *directory entry* (the
//! fixed-size fields: register and IC-slot counts, name, its ranges of the script's bytecode,
//! constants, handlers, scopes and positions) and a module's tables — runs at load; [`verify_function`] — one function's source range,
//! constants, scopes, positions, instructions and handlers — runs before that function's first
//! instruction (`VerifiedCode::ensure_function`).
//! [`verify`] is both, for every function.

use crate::CacheError;
use kiln_compiler::code::{
    ArchivedConstant, ArchivedFunctionCode, ArchivedScriptCode, Code, Layout, flags,
};
use kiln_compiler::{Instruction, Opcode, OperandKind};

/// The most registers one frame may ask for; the compiler stays far below.
pub const MAX_REGISTERS: u32 = 1 << 18;

/// Checks the tables and every function of `code`, compiled from `source`.
pub fn verify(code: Code<'_>, source: &str) -> Result<(), CacheError> {
    verify_against(code, Source::Text(source))
}

/// What the verifier knows of the source: its text, or (to inspect a cache file alone) only its
/// length. Code verified against a length alone must not be run, since offsets into the text may
/// fall inside a character.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    Text(&'a str),
    Length(u64),
}

/// [`verify`] against what is known of the source.
pub fn verify_against(code: Code<'_>, source: Source<'_>) -> Result<(), CacheError> {
    let layout = layout_of(code);
    tables(code.script, layout, source)?;
    let script = Script::of(code.script, layout, source);
    for (index, function) in code.functions.iter().enumerate() {
        script
            .body(code, function)
            .map_err(|e| e.at(index as u32))?;
    }
    Ok(())
}

/// The part of [`verify`] a load runs: the top-level function's index, every function's
/// directory entry, and a module's tables. Function bodies are left to [`verify_function`].
/// The bytes beside the archive are not needed, only their lengths (the `layout`): this can run
/// while they are still being read.
pub fn verify_tables(
    script: &ArchivedScriptCode,
    layout: Layout,
    source: &str,
) -> Result<(), CacheError> {
    tables(script, layout, Source::Text(source))
}

/// What a load verifies of validated code before its first instruction can run: the tables
/// (with every function's directory entry) and the top-level function.
pub fn verify_at_load(code: Code<'_>, source: &str) -> Result<(), CacheError> {
    verify_tables(code.script, layout_of(code), source)?;
    verify_function(code, code.top_level.to_native(), source)
}

/// The lengths of `code`'s parts (the archive's own is not used).
fn layout_of(code: Code<'_>) -> Layout {
    Layout {
        archive: 0,
        bytecode: code.bytecode.len(),
        positions: code.positions.len(),
    }
}

/// The rest of [`verify`] for function `index`: its directory entry again, its tables and its
/// bytecode. `code` must have passed [`verify_tables`] against the same `source`.
pub fn verify_function(code: Code<'_>, index: u32, source: &str) -> Result<(), CacheError> {
    let script = Script::of(code.script, layout_of(code), Source::Text(source));
    let Some(function) = code.functions.get(index as usize) else {
        return Err(CacheError::Bytecode {
            function: index,
            offset: None,
            reason: format!("no function {index} of {}", script.functions),
        });
    };
    script
        .directory(function)
        .and_then(|()| script.body(code, function))
        .map_err(|e| e.at(index))
}

fn tables(code: &ArchivedScriptCode, layout: Layout, source: Source<'_>) -> Result<(), CacheError> {
    let script = Script::of(code, layout, source);
    let top = code.top_level.to_native();
    if top as usize >= script.functions {
        return Err(CacheError::Bytecode {
            function: top,
            offset: None,
            reason: format!("top-level function {top} of {}", script.functions),
        });
    }
    for (index, function) in code.functions.iter().enumerate() {
        script.directory(function).map_err(|e| e.at(index as u32))?;
    }
    script.module(code).map_err(|reason| CacheError::Bytecode {
        function: top,
        offset: None,
        reason,
    })
}

struct Script<'a> {
    code: &'a ArchivedScriptCode,
    /// The lengths of every function's bytecode and packed positions together.
    bytecode: usize,
    positions: usize,
    strings: usize,
    functions: usize,
    source: Source<'a>,
}

type Failure = (Option<u32>, String);

fn fail<T>(offset: Option<u32>, reason: String) -> Result<T, Failure> {
    Err((offset, reason))
}

trait At {
    fn at(self, function: u32) -> CacheError;
}

impl At for Failure {
    fn at(self, function: u32) -> CacheError {
        CacheError::Bytecode {
            function,
            offset: self.0,
            reason: self.1,
        }
    }
}

impl<'a> Script<'a> {
    fn of(code: &'a ArchivedScriptCode, layout: Layout, source: Source<'a>) -> Script<'a> {
        Script {
            code,
            bytecode: layout.bytecode,
            positions: layout.positions,
            strings: code.strings.len(),
            functions: code.functions.len(),
            source,
        }
    }

    fn string(&self, index: u32, what: &str) -> Result<(), String> {
        if (index as usize) < self.strings {
            Ok(())
        } else {
            Err(format!("{what} names string {index} of {}", self.strings))
        }
    }

    fn source_offset(&self, offset: u32, what: &str) -> Result<(), String> {
        let (ok, len) = match self.source {
            Source::Text(text) => (text.is_char_boundary(offset as usize), text.len() as u64),
            Source::Length(len) => (u64::from(offset) <= len, len),
        };
        if ok {
            Ok(())
        } else {
            Err(format!(
                "{what} {offset} is not a character boundary of the {len}-byte source"
            ))
        }
    }

    /// A function's fixed-size fields: what loading reads of every function (the counts that
    /// size its per-run tables) and what is checked in constant time without reading
    /// anything else.
    fn directory(&self, f: &ArchivedFunctionCode) -> Result<(), Failure> {
        let at = |r: Result<(), String>| r.map_err(|e| (None, e));
        let registers = f.register_count.to_native();
        if registers > MAX_REGISTERS {
            return fail(
                None,
                format!("{registers} registers (at most {MAX_REGISTERS})"),
            );
        }
        let (start, end) = (f.bytecode.start.to_native(), f.bytecode.end.to_native());
        if start > end || end as usize > self.bytecode {
            return fail(
                None,
                format!("bytecode {start}..{end} of {} bytes", self.bytecode),
            );
        }
        let ic_slots = f.ic_slot_count.to_native();
        if ic_slots > end - start {
            return fail(
                None,
                format!("{ic_slots} IC slots for {} bytes", end - start),
            );
        }
        if let Some(name) = f.name.as_ref() {
            at(self.string(name.to_native(), "the function name"))?;
        }
        let tables = [
            (
                "constants",
                f.constants.is_within(self.code.constants.len()),
            ),
            ("handlers", f.handlers.is_within(self.code.handlers.len())),
            ("scopes", f.scopes.is_within(self.code.scopes.len())),
            ("positions", f.positions.is_within(self.positions)),
        ];
        if let Some((table, _)) = tables.iter().find(|(_, within)| !within) {
            return fail(None, format!("its {table} are not a range of the script's"));
        }
        if f.flags.to_native() & flags::HAS_FUNCTION_ENV != 0 && f.scopes.start == f.scopes.end {
            return fail(None, "a function environment without a scope".into());
        }
        Ok(())
    }

    /// Everything of a function that takes time in proportion to its size, or reaches outside
    /// its entry: its source range, constants, scopes, positions, instructions and handlers.
    /// The directory entry must have passed [`Script::directory`].
    fn body(&self, code: Code<'_>, f: &ArchivedFunctionCode) -> Result<(), Failure> {
        let at = |r: Result<(), String>| r.map_err(|e| (None, e));
        // The source range is read only for functions that run (their text, their positions),
        // so it is checked with the body: a look into the source per function, which at load
        // would be two cache misses for each of a script's functions.
        let (start, end) = (f.source_start.to_native(), f.source_end.to_native());
        if start > end {
            return fail(None, format!("source range {start}..{end}"));
        }
        at(self.source_offset(start, "source start"))?;
        at(self.source_offset(end, "source end"))?;
        let registers = f.register_count.to_native();
        let bytecode = code.bytecode_of(f);
        let ic_slots = f.ic_slot_count.to_native();
        let constants = self.code.constants_of(f);
        let scopes = self.code.scopes_of(f);
        for constant in constants {
            match constant {
                ArchivedConstant::Number(_) => {}
                ArchivedConstant::String(s) => at(self.string(s.to_native(), "a constant"))?,
                ArchivedConstant::BigInt(digits) => {
                    if kiln_compiler::keys::parse_bigint_literal(digits.as_str()).is_none() {
                        return fail(None, format!("BigInt constant {:?}", digits.as_str()));
                    }
                }
                ArchivedConstant::Template { raw, cooked } => {
                    if raw.len() != cooked.len() {
                        return fail(
                            None,
                            "a template's raw and cooked strings differ in number".into(),
                        );
                    }
                    for s in raw.iter() {
                        at(self.string(s.to_native(), "a template"))?;
                    }
                    for s in cooked.iter().flatten() {
                        at(self.string(s.to_native(), "a template"))?;
                    }
                }
            }
        }
        for scope in scopes {
            if scope.names.len() != scope.kinds.len() {
                return fail(None, "a scope's names and kinds differ in number".into());
            }
            for name in scope.names.iter() {
                at(self.string(name.to_native(), "a scope slot"))?;
            }
        }
        for p in code.positions_of(f) {
            let (pc, offset) = p.map_err(|_| (None, "a malformed source position table".into()))?;
            if pc as usize > bytecode.len() {
                return fail(None, format!("a source position for pc {pc}"));
            }
            at(self.source_offset(offset, "source position"))?;
        }

        // Instructions: decode each, check its operands, remember where each one starts.
        let mut boundary = vec![false; bytecode.len() + 1];
        let mut jumps = Vec::new();
        // Limits per operand kind; `u32::MAX` for kinds that any value suits.
        let mut limits = [u32::MAX; 10];
        limits[OperandKind::Reg as usize] = registers;
        limits[OperandKind::Const as usize] = constants.len() as u32;
        limits[OperandKind::Name as usize] = self.strings as u32;
        limits[OperandKind::Func as usize] = self.functions as u32;
        limits[OperandKind::Ic as usize] = ic_slots;
        limits[OperandKind::Scope as usize] = scopes.len() as u32;
        let mut pc = 0;
        let mut last = None;
        while pc < bytecode.len() {
            boundary[pc] = true;
            let here = Some(pc as u32);
            // What `Instruction::decode` would say, for the error message.
            let explain = |reason: &str| -> Failure {
                match Instruction::decode(bytecode, pc) {
                    Ok((instruction, _)) => (here, format!("{reason} in {instruction}")),
                    Err(e) => (here, e.to_string()),
                }
            };
            let mut at = pc;
            let mut width = 1;
            let mut byte = bytecode[at];
            if byte == Opcode::Wide as u8 || byte == Opcode::ExtraWide as u8 {
                width = if byte == Opcode::Wide as u8 { 2 } else { 4 };
                at += 1;
                byte = *bytecode.get(at).ok_or_else(|| explain("a lone prefix"))?;
            }
            let opcode = match Opcode::from_byte(byte) {
                Some(Opcode::Wide | Opcode::ExtraWide) | None => return Err(explain("")),
                Some(op) => op,
            };
            last = Some((pc, opcode));
            at += 1;
            let kinds = opcode.operand_kinds();
            let mut values = [0u32; 8];
            for (i, &kind) in kinds.iter().enumerate() {
                let n = if matches!(kind, OperandKind::Jump | OperandKind::Int32) {
                    4
                } else {
                    width
                };
                let raw = bytecode
                    .get(at..at + n)
                    .ok_or_else(|| explain("truncated"))?;
                at += n;
                match kind {
                    OperandKind::Jump => {
                        let offset = i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]);
                        let target = pc as i64 + i64::from(offset);
                        if target < 0 || target >= bytecode.len() as i64 {
                            return fail(here, format!("jump to {target} outside the function"));
                        }
                        jumps.push((pc, target as usize));
                    }
                    OperandKind::Imm | OperandKind::Int32 => {}
                    OperandKind::Count => {
                        if let Some(v) = values.get_mut(i) {
                            *v = unsigned(raw);
                        }
                    }
                    _ => {
                        let value = unsigned(raw);
                        if let Some(v) = values.get_mut(i) {
                            *v = value;
                        }
                        let limit = limits[kind as usize];
                        if value >= limit {
                            return Err(explain(&format!("{kind:?} {value} of {limit}")));
                        }
                    }
                }
            }
            // Argument windows: `first..first + count`, the last two operands of these.
            if opcode.has_argument_window() && kinds.len() >= 2 {
                let (first, count) = (values[kinds.len() - 2], values[kinds.len() - 1]);
                if u64::from(first) + u64::from(count) > u64::from(registers) {
                    return Err(explain(&format!(
                        "registers {first}..{} past the frame's {registers}",
                        u64::from(first) + u64::from(count)
                    )));
                }
            }
            // Instructions that use a register pair `r, r + 1`.
            if matches!(
                opcode,
                Opcode::NewClass
                    | Opcode::GetIterator
                    | Opcode::IteratorStep
                    | Opcode::IteratorNext
            ) {
                let pair = match Instruction::decode(bytecode, pc) {
                    Ok((Instruction::NewClass { dst, .. }, _))
                    | Ok((Instruction::GetIterator { dst, .. }, _)) => dst.0,
                    Ok((Instruction::IteratorStep { iterator, .. }, _))
                    | Ok((Instruction::IteratorNext { iterator, .. }, _)) => iterator.0,
                    _ => return Err(explain("")),
                };
                if u64::from(pair) + 1 >= u64::from(registers) {
                    return Err(explain(&format!(
                        "register pair r{pair}, r{} past the frame's {registers}",
                        u64::from(pair) + 1
                    )));
                }
            }
            pc = at;
        }
        // The dispatch loop reads instructions without bounds checks: control must never run
        // off the end of the bytecode, so the last instruction is one that does not fall through.
        match last {
            Some((_, Opcode::Return | Opcode::Throw | Opcode::ThrowError | Opcode::Jump)) => {}
            Some((at, opcode)) => {
                return fail(
                    Some(at as u32),
                    format!(
                        "the bytecode ends with {}, which falls through",
                        opcode.name()
                    ),
                );
            }
            None => return fail(None, "a function without bytecode".to_string()),
        }
        boundary[bytecode.len()] = true;
        for (from, target) in jumps {
            if !boundary[target] {
                return fail(
                    Some(from as u32),
                    format!("jump into the middle of an instruction at {target}"),
                );
            }
        }
        for h in self.code.handlers_of(f) {
            let (start, end, handler) = (
                h.start.to_native() as usize,
                h.end.to_native() as usize,
                h.handler.to_native() as usize,
            );
            let on_boundary = |at: usize| boundary.get(at).copied().unwrap_or(false);
            if start > end
                || !on_boundary(start)
                || !on_boundary(end)
                || handler >= bytecode.len()
                || !on_boundary(handler)
            {
                return fail(
                    None,
                    format!("handler {start}..{end} -> {handler} is not on instruction boundaries"),
                );
            }
        }
        Ok(())
    }

    fn module(&self, code: &ArchivedScriptCode) -> Result<(), String> {
        let Some(module) = code.module.as_ref() else {
            if code.is_module {
                return Err("module code without module tables".into());
            }
            return Ok(());
        };
        if !code.is_module {
            return Err("script code with module tables".into());
        }
        let top = &code.functions[code.top_level.to_native() as usize];
        let env = module.env_scope.to_native() as usize;
        let slots = code
            .scopes_of(top)
            .get(env)
            .map(|s| s.names.len())
            .ok_or_else(|| format!("module environment scope {env}"))?;
        let requests = module.requests.len();
        let slot = |s: u32| {
            if (s as usize) < slots {
                Ok(())
            } else {
                Err(format!("module slot {s} of {slots}"))
            }
        };
        let request = |r: u32| {
            if (r as usize) < requests {
                Ok(())
            } else {
                Err(format!("module request {r} of {requests}"))
            }
        };
        for r in module.requests.iter() {
            self.string(r.to_native(), "a module request")?;
        }
        if module.request_attributes.len() != requests {
            return Err(format!(
                "{} attribute lists for {requests} module requests",
                module.request_attributes.len()
            ));
        }
        if module.request_phases.len() != requests {
            return Err(format!(
                "{} phases for {requests} module requests",
                module.request_phases.len()
            ));
        }
        for attribute in module.request_attributes.iter().flat_map(|a| a.iter()) {
            self.string(attribute.0.to_native(), "an import attribute key")?;
            self.string(attribute.1.to_native(), "an import attribute value")?;
        }
        for import in module.imports.iter() {
            request(import.request.to_native())?;
            if let Some(name) = import.name.as_ref() {
                self.string(name.to_native(), "an import")?;
            }
            slot(import.slot.to_native())?;
        }
        for (name, s) in module.local_exports.iter().map(|e| (e.0, e.1)) {
            self.string(name.to_native(), "an export")?;
            slot(s.to_native())?;
        }
        for e in module.indirect_exports.iter() {
            self.string(e.export_name.to_native(), "an export")?;
            request(e.request.to_native())?;
            if let Some(name) = e.import_name.as_ref() {
                self.string(name.to_native(), "an export")?;
            }
        }
        for r in module.star_exports.iter() {
            request(r.to_native())?;
        }
        for (s, f) in module.functions.iter().map(|e| (e.0, e.1)) {
            slot(s.to_native())?;
            if f.to_native() as usize >= self.functions {
                return Err(format!("module function {f} of {}", self.functions));
            }
        }
        Ok(())
    }
}

/// A little-endian operand of 1, 2 or 4 bytes.
#[inline(always)]
fn unsigned(raw: &[u8]) -> u32 {
    match *raw {
        [a] => u32::from(a),
        [a, b] => u32::from(u16::from_le_bytes([a, b])),
        [a, b, c, d] => u32::from_le_bytes([a, b, c, d]),
        _ => u32::MAX,
    }
}
