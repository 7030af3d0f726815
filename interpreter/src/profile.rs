//! Engine research tools: the dynamic opcode counts, instructions per function and inline-cache
//! hit rates of a run (`kiln run --profile`), and a trace of every executed instruction
//! (`kiln run --trace`).
//!
//! Architecture invariant: off, they cost nothing. The dispatch loop is generic over an
//! `Observer`; `Vm::run` picks `Plain` (whose hooks are `if false`, compiled away) or
//! `Observed` once per entry of the loop, from whether `Vm::profiler` is set. The plain
//! instantiation does no profiling work (with a second instantiation beside it, the compiler
//! inlines fewer of the loop's one-caller helpers: the bench programs run 0.9% fewer
//! instructions, docs/PERFORMANCE.md).

use crate::loaded_script::LoadedScript;
use crate::vm::Vm;
use kiln_compiler::instruction::{Instruction, Opcode};
use rustc_hash::FxHashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::rc::{Rc, Weak};

/// What the dispatch loop is instantiated for: its hooks run only when `ENABLED`.
pub(crate) trait Observer {
    const ENABLED: bool;
}

/// The loop as it runs without `--profile` or `--trace`.
pub(crate) struct Plain;

impl Observer for Plain {
    const ENABLED: bool = false;
}

/// The loop with its hooks: every instruction, frame entry and inline-cache lookup reported to
/// [`Vm::profiler`].
pub(crate) struct Observed;

impl Observer for Observed {
    const ENABLED: bool = true;
}

/// The kinds of inline-cache site: the instructions that look one up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IcKind {
    /// `GetNamed` on an object.
    GetNamed,
    /// `GetNamed` on a primitive string (its `String.prototype` methods).
    GetNamedString,
    /// `SetNamed`: stores to an existing property or adds one.
    SetNamed,
    /// `DefineNamed`: object literal properties.
    DefineNamed,
    /// `GetGlobal`.
    GetGlobal,
    /// `SetGlobal`.
    SetGlobal,
}

impl IcKind {
    pub const ALL: [IcKind; 6] = [
        IcKind::GetNamed,
        IcKind::GetNamedString,
        IcKind::SetNamed,
        IcKind::DefineNamed,
        IcKind::GetGlobal,
        IcKind::SetGlobal,
    ];

    pub fn name(self) -> &'static str {
        match self {
            IcKind::GetNamed => "get property (object)",
            IcKind::GetNamedString => "get property (string)",
            IcKind::SetNamed => "set property",
            IcKind::DefineNamed => "define property (literal)",
            IcKind::GetGlobal => "get global",
            IcKind::SetGlobal => "set global",
        }
    }
}

/// Hits and misses of one kind of inline-cache site.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IcCounts {
    pub hits: u64,
    pub misses: u64,
}

/// One function that ran: where it is and how many instructions it executed.
#[derive(Clone, Debug)]
pub struct FunctionCounts {
    /// Its name, `<anonymous>` or `<top level>`.
    pub name: String,
    /// The script's name, line and column of the function's start.
    pub location: String,
    pub instructions: u64,
}

/// What to record; see [`Vm::start_profile`].
#[derive(Default)]
pub struct ProfileOptions {
    /// Count opcodes, instructions per function and inline-cache hits.
    pub counts: bool,
    /// Write each executed instruction here, one line each.
    pub trace: Option<Box<dyn std::io::Write>>,
}

/// The counts of a profiled run, and the trace's output.
pub struct Profile {
    counts: bool,
    trace: Option<Box<dyn std::io::Write>>,
    opcodes: Vec<u64>,
    functions: Vec<FunctionCounts>,
    /// (script, function index) → index in `functions`. The `Weak` keeps the script's
    /// allocation, so its address is never another script's.
    slots: FxHashMap<(usize, u32), usize>,
    scripts: Vec<Weak<LoadedScript>>,
    ic: [IcCounts; IcKind::ALL.len()],
}

impl Profile {
    fn new(options: ProfileOptions) -> Profile {
        Profile {
            counts: options.counts,
            trace: options.trace,
            opcodes: vec![0; 256],
            functions: Vec::new(),
            slots: FxHashMap::default(),
            scripts: Vec::new(),
            ic: [IcCounts::default(); IcKind::ALL.len()],
        }
    }

    /// The slot of `function` of `script` in [`Profile::functions`], made on its first run.
    fn slot(&mut self, script: &Rc<LoadedScript>, function: u32) -> usize {
        let key = (Rc::as_ptr(script) as usize, function);
        if let Some(&slot) = self.slots.get(&key) {
            return slot;
        }
        let code = script.code();
        let f = script.function(function);
        let name = if function == code.top_level.to_native() {
            "<top level>".to_string()
        } else {
            f.name
                .as_ref()
                .and_then(|n| code.strings.get(n.to_native() as usize))
                .map(|s| s.to_string_lossy())
                .filter(|n| !n.is_empty())
                .or_else(|| assigned_to(script, f.source_start.to_native()))
                .unwrap_or_else(|| "<anonymous>".to_string())
        };
        let (line, column) = script.reported_line_column(f.source_start.to_native());
        let file = match &*script.name {
            "" => "<anonymous>",
            name => name,
        };
        let slot = self.functions.len();
        self.functions.push(FunctionCounts {
            name,
            location: format!("{file}:{line}:{column}"),
            instructions: 0,
        });
        self.slots.insert(key, slot);
        self.scripts.push(Rc::downgrade(script));
        slot
    }

    /// Executions of each opcode, the most executed first (executed ones only).
    pub fn opcode_counts(&self) -> Vec<(Opcode, u64)> {
        let mut counts: Vec<(Opcode, u64)> = self
            .opcodes
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .filter_map(|(byte, &n)| Some((Opcode::from_byte(byte as u8)?, n)))
            .collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.name().cmp(b.0.name())));
        counts
    }

    /// Every function that ran, the most instructions first.
    pub fn function_counts(&self) -> Vec<FunctionCounts> {
        let mut functions = self.functions.clone();
        functions.sort_by_key(|f| std::cmp::Reverse(f.instructions));
        functions
    }

    /// Hits and misses per kind of inline-cache site.
    pub fn ic_counts(&self) -> Vec<(IcKind, IcCounts)> {
        IcKind::ALL
            .iter()
            .map(|&k| (k, self.ic[k as usize]))
            .collect()
    }

    /// Instructions executed in all.
    pub fn total_instructions(&self) -> u64 {
        self.opcodes.iter().sum()
    }

    /// The three tables `kiln run --profile` prints: opcodes, the `top` hottest functions,
    /// inline caches.
    pub fn report(&self, top: usize) -> String {
        let mut out = String::new();
        let total = self.total_instructions();
        let percent = |n: u64, of: u64| {
            if of == 0 {
                0.0
            } else {
                n as f64 * 100.0 / of as f64
            }
        };
        let _ = writeln!(out, "Opcodes ({total} instructions executed)");
        let _ = writeln!(out, "  {:<28} {:>15} {:>7}", "opcode", "count", "%");
        for (opcode, n) in self.opcode_counts() {
            let _ = writeln!(
                out,
                "  {:<28} {n:>15} {:>6.2}%",
                opcode.name(),
                percent(n, total)
            );
        }
        let functions = self.function_counts();
        let _ = writeln!(
            out,
            "\nHottest functions by instructions executed (top {} of {})",
            top.min(functions.len()),
            functions.len()
        );
        let width = functions
            .iter()
            .take(top)
            .map(|f| f.name.chars().count())
            .max()
            .unwrap_or(0)
            .max("function".len());
        let _ = writeln!(
            out,
            "  {:>15} {:>7}  {:<width$}  location",
            "instructions", "%", "function"
        );
        for f in functions.iter().take(top) {
            let _ = writeln!(
                out,
                "  {:>15} {:>6.2}%  {:<width$}  {}",
                f.instructions,
                percent(f.instructions, total),
                f.name,
                f.location
            );
        }
        let _ = writeln!(out, "\nInline caches");
        let _ = writeln!(
            out,
            "  {:<28} {:>15} {:>15} {:>9}",
            "site kind", "hits", "misses", "hit rate"
        );
        let mut all = IcCounts::default();
        for (kind, c) in self.ic_counts() {
            all.hits += c.hits;
            all.misses += c.misses;
            let rate = if c.hits + c.misses == 0 {
                "-".to_string()
            } else {
                format!("{:.2}%", percent(c.hits, c.hits + c.misses))
            };
            let _ = writeln!(
                out,
                "  {:<28} {:>15} {:>15} {rate:>9}",
                kind.name(),
                c.hits,
                c.misses
            );
        }
        let _ = writeln!(
            out,
            "  {:<28} {:>15} {:>15} {:>8.2}%",
            "all",
            all.hits,
            all.misses,
            percent(all.hits, all.hits + all.misses)
        );
        out
    }
}

/// For a function without a name, what the source assigns it to, in parentheses:
/// `(Scheduler.prototype.schedule)` for `Scheduler.prototype.schedule = function () {`, as
/// older benchmarks write methods. Read from the text before the function on its line.
fn assigned_to(script: &LoadedScript, offset: u32) -> Option<String> {
    let (line, column) = script.line_column(offset);
    let before: String = script
        .line_text(line)
        .chars()
        .take(column.saturating_sub(1))
        .collect();
    let before = before.trim_end();
    let before = before
        .strip_suffix('=')
        .filter(|b| !b.ends_with(['=', '!', '<', '>']))
        .or_else(|| before.strip_suffix(':'))?
        .trim_end();
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'))
        .last()?
        .0;
    Some(format!("({})", &before[start..]))
}

impl Vm {
    /// Starts recording what [`ProfileOptions`] asks for, in every later run of the loop
    /// (including re-entries from native code). Replaces a profile already running.
    pub fn start_profile(&mut self, options: ProfileOptions) {
        self.profiler = Some(Box::new(Profile::new(options)));
    }

    /// Stops recording and returns the profile (the trace's writer flushed).
    pub fn take_profile(&mut self) -> Option<Box<Profile>> {
        let mut profile = self.profiler.take()?;
        if let Some(trace) = &mut profile.trace {
            let _ = trace.flush();
        }
        Some(profile)
    }

    /// The loop entered `function` of `script` (a call, a return or a resumption): its slot.
    #[cold]
    #[inline(never)]
    pub(crate) fn profile_enter(&mut self, script: &Rc<LoadedScript>, function: u32) -> usize {
        match &mut self.profiler {
            Some(p) => p.slot(script, function),
            None => 0,
        }
    }

    /// The loop is about to execute `instruction` at `pc` of the function in `slot`.
    #[cold]
    #[inline(never)]
    pub(crate) fn profile_instruction(
        &mut self,
        slot: usize,
        pc: usize,
        instruction: &Instruction,
    ) {
        let depth = self.stack.frames.len();
        let Some(p) = &mut self.profiler else {
            return;
        };
        if p.counts {
            p.opcodes[instruction.opcode() as usize] += 1;
            if let Some(f) = p.functions.get_mut(slot) {
                f.instructions += 1;
            }
        }
        if let Some(trace) = &mut p.trace {
            let name = p.functions.get(slot).map_or("?", |f| f.name.as_str());
            let shown = kiln_compiler::disasm::instruction_text(instruction, pc);
            let _ = writeln!(trace, "[{depth:>3}] {name:<20} {pc:>5}  {shown}");
        }
    }

    /// An inline-cache lookup of `kind` hit (`true`) or missed.
    #[cold]
    #[inline(never)]
    pub(crate) fn profile_ic(&mut self, kind: IcKind, hit: bool) {
        if let Some(p) = &mut self.profiler
            && p.counts
        {
            let c = &mut p.ic[kind as usize];
            if hit {
                c.hits += 1;
            } else {
                c.misses += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{IcKind, ProfileOptions};
    use crate::vm::{StdHost, Vm};
    use kiln_compiler::instruction::Opcode;
    use std::cell::RefCell;
    use std::rc::Rc;

    const PROGRAM: &str = "var n = 0;\n\
        function add(x) { n = n + x; }\n\
        for (var i = 0; i < 100; i++) add(i);\n\
        [1, 2, 3].forEach(function each(x) { n = n + x; });\n";

    /// A trace target the test reads back.
    struct Shared(Rc<RefCell<Vec<u8>>>);

    impl std::io::Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Every entry of the loop counts: the script's, and a native's (`forEach`) calling back.
    #[test]
    fn counts_the_script_and_callbacks_from_natives() {
        let mut vm = Vm::new(Box::new(StdHost));
        vm.start_profile(ProfileOptions {
            counts: true,
            trace: None,
        });
        vm.run_script(PROGRAM, "p.js").expect("runs");
        let profile = vm.take_profile().expect("a profile");
        let count = |op: Opcode| {
            profile
                .opcode_counts()
                .iter()
                .find(|&&(o, _)| o == op)
                .map_or(0, |&(_, n)| n)
        };
        assert!(count(Opcode::Add) >= 103, "{}", profile.report(5));
        assert!(count(Opcode::Call) >= 101, "{}", profile.report(5));
        let functions = profile.function_counts();
        let of = |name: &str| {
            functions
                .iter()
                .find(|f| f.name == name)
                .unwrap_or_else(|| panic!("no {name}: {}", profile.report(10)))
        };
        assert!(of("add").instructions >= 400, "{}", profile.report(5));
        assert!((12..100).contains(&of("each").instructions));
        assert!(of("add").location.starts_with("p.js:2:"));
        assert_eq!(
            functions.iter().map(|f| f.instructions).sum::<u64>(),
            profile.total_instructions()
        );
        // `n` is a global object property: one miss fills each site, the rest hit.
        let ic = profile.ic_counts();
        let get = ic.iter().find(|(k, _)| *k == IcKind::GetGlobal).unwrap().1;
        assert!(get.hits >= 90 && get.misses >= 1, "{get:?}");
        // Taken, the profile stops: the loop runs plain again.
        vm.run_script("n = 0;", "q.js").expect("runs");
        assert!(vm.take_profile().is_none());
    }

    /// The trace has one line per executed instruction: as many as the counts. (`each` runs at
    /// depth 2: `forEach`, a native, has no frame.)
    #[test]
    fn trace_lines_match_the_counts() {
        let buffer = Rc::new(RefCell::new(Vec::new()));
        let mut vm = Vm::new(Box::new(StdHost));
        vm.start_profile(ProfileOptions {
            counts: true,
            trace: Some(Box::new(Shared(buffer.clone()))),
        });
        vm.run_script(PROGRAM, "p.js").expect("runs");
        let total = vm.take_profile().expect("a profile").total_instructions();
        let text = String::from_utf8(buffer.borrow().clone()).expect("UTF-8");
        assert_eq!(text.lines().count() as u64, total);
        assert!(
            text.lines()
                .any(|l| l.starts_with("[  2] each ") && l.contains(" Add ")),
            "{text}"
        );
    }
}
