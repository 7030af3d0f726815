//! A mutation fuzzer for the parser that runs on stable Rust (cargo-fuzz needs nightly):
//! `cargo parse-fuzz [seconds]`. It cuts ../shared/corpus into 4 KB windows, mutates them with
//! fragments that stress the lexer and the cover grammars, parses each mutant as a script and as a
//! module, and renders every diagnostic. Built with overflow checks and debug assertions (the
//! `fuzz` profile); any panic stops the run and writes the input to `mutation-fuzz-crash.js`.

use kiln_parser::ast::SourceKind;
use kiln_parser::{ParseOptions, parse};
use std::time::{Duration, Instant};

const FRAGMENTS: &[&str] = &[
    "`",
    "'",
    "\"",
    "/",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\\",
    "${",
    "\n",
    "=>",
    "*/",
    "/*",
    "#",
    "async ",
    "await ",
    "yield ",
    "let ",
    "class ",
    "...",
    "?.",
    "\u{2028}",
    "0x",
    "1_",
    "é",
    "#!",
    "<!--",
    "-->",
    "super",
    "new.target",
    "import(",
    "export ",
    "using ",
    "@",
    "@(",
    "accessor ",
    "\\u0061",
    "=",
    ",",
];

fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(60);
    let dir = format!("{}/../../shared/corpus", env!("CARGO_MANIFEST_DIR"));
    let mut windows = Vec::new();
    for entry in std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "js" || x == "mjs") {
            let chars: Vec<char> = std::fs::read_to_string(&path)
                .unwrap_or_default()
                .chars()
                .collect();
            windows.extend(
                chars
                    .chunks(4000)
                    .take(200)
                    .map(|w| w.iter().collect::<String>()),
            );
        }
    }
    let mut state = 0x1234_5678_9ABC_DEF0u64;
    let mut random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let pick = |r: u64, len: usize| (r % len as u64) as usize;
    std::panic::set_hook(Box::new(|_| {}));
    let start = Instant::now();
    let mut inputs = 0u64;
    while start.elapsed() < Duration::from_secs(seconds) {
        let mut source = windows[pick(random(), windows.len())].clone();
        for _ in 0..1 + random() % 4 {
            let boundaries: Vec<usize> = source.char_indices().map(|(i, _)| i).collect();
            if boundaries.is_empty() {
                break;
            }
            let at = boundaries[pick(random(), boundaries.len())];
            let fragment = FRAGMENTS[pick(random(), FRAGMENTS.len())];
            match random() % 3 {
                0 => source.insert_str(at, fragment),
                1 => {
                    let len = source[at..].chars().next().map_or(0, char::len_utf8);
                    source.replace_range(at..at + len, fragment);
                }
                _ => {
                    let mut end = (at + (random() % 20) as usize).min(source.len());
                    while !source.is_char_boundary(end) {
                        end += 1;
                    }
                    source.replace_range(at..end, "");
                }
            }
        }
        for kind in [SourceKind::Script, SourceKind::Module] {
            let input = source.clone();
            let outcome = std::panic::catch_unwind(move || {
                let arena = bumpalo::Bump::new();
                let result = parse(&arena, &input, ParseOptions { kind, eval: None });
                for error in &result.errors {
                    assert!(
                        error.span.start <= error.span.end
                            && error.span.end as usize <= input.len()
                    );
                    let _ = error.render("mutant.js", &input);
                }
            });
            if outcome.is_err() {
                let _ = std::fs::write("mutation-fuzz-crash.js", &source);
                println!(
                    "PANIC after {inputs} inputs ({kind:?}); the input is in mutation-fuzz-crash.js"
                );
                std::process::exit(1);
            }
        }
        inputs += 1;
    }
    println!("{inputs} mutated inputs in {seconds} s, no panic");
}
