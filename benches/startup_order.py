#!/usr/bin/env python3
"""Writes src/startup.order: the functions of the `kiln` binary that a short run executes.

The linker (build.rs passes the file to lld with --symbol-ordering-file) places these
functions first in the binary's code, next to one another. A short run then touches a few
hundred contiguous pages of code instead of a page here and there in nearly every 64-KB block
(the kernel maps a file's pages 64 KB at a time around each fault), so its resident set is
smaller. See docs/PERFORMANCE.md, "Startup code in one place".

    python3 benches/startup_order.py            # builds target/release/kiln first
    python3 benches/startup_order.py --check    # how much of a short run the file covers

`--check` writes nothing: it prints how many of the functions the runs execute the file lists
and fails under 90% (CI runs it, so a change that moves the startup path comes with a fresh
file).

It runs `kiln` under callgrind on the programs below (an empty script, also with `--stats` and
with `--heap-limit`, `-e`, a module, a short script that uses the common built-ins and the same
script from a cache file) and lists every
function the runs executed, by their symbol names (mangled, as the linker knows them): first
those an empty script runs, then those the other runs add, each group sorted by name for
readable diffs. The empty script's code so comes first and whole, and a run that does little
touches little. A stale file is harmless: the linker ignores names it does not find,
and the functions missing from the list are placed after the listed ones, as before.
Regenerate it when the startup path changes.
"""

import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KILN = os.path.join(ROOT, "target", "release", "kiln")
ORDER = os.path.join(ROOT, "src", "startup.order")

SHORT_SCRIPT = r"""
class Point {
  constructor(x, y) { this.x = x; this.y = y; }
  get length() { return Math.sqrt(this.x * this.x + this.y * this.y); }
  toString() { return `(${this.x}, ${this.y})`; }
}
const points = [1, 2, 3, 4].map((n) => new Point(n, n * 2));
const far = points.filter((p) => p.length > 3).map(String).join(' ');
const counts = new Map();
for (const word of 'a b a c b a'.split(' ')) counts.set(word, (counts.get(word) ?? 0) + 1);
const text = JSON.stringify({ far, counts: Object.fromEntries(counts), at: points.at(-1) });
let caught = '';
try { null.property; } catch (error) { caught = error.message; }
const parsed = JSON.parse(text);
console.log(parsed.far.toUpperCase().slice(0, 20), caught.length > 0, [...counts.keys()]);
"""

MODULE = "export const answer = 6 * 7;\nconsole.log(String(answer).padStart(4));\n"


def functions_executed(args, cwd):
    out = os.path.join(cwd, "callgrind.out")
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--demangle=no", "--compress-strings=no",
         f"--callgrind-out-file={out}", KILN, *args],
        cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    names = set()
    with open(out, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("fn="):
                names.add(line[3:].strip())
    return names


def main():
    if "--no-build" not in sys.argv:
        subprocess.run(["cargo", "build", "--release", "--bin", "kiln"], cwd=ROOT, check=True)
    symbols = set()
    nm = subprocess.run(["nm", "--defined-only", KILN], check=True, capture_output=True, text=True)
    for line in nm.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            symbols.add(parts[2])
    executed = set()
    with tempfile.TemporaryDirectory() as tmp:
        def write(name, text):
            path = os.path.join(tmp, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            return path

        empty = write("empty.js", "")
        short = write("short.js", SHORT_SCRIPT)
        module = write("module.mjs", MODULE)
        cache = os.path.join(tmp, "short.cache")
        # The empty script first: its functions open the list.
        runs = [
            ["run", empty],
            # What `--stats` (which reports the peak) and a heap limit add before the run ends.
            ["run", "--stats", empty],
            ["run", "--heap-limit", "64", empty],
            ["-e", "1 + 1"],
            ["run", module],
            ["run", short],
            ["compile", short, cache],
            ["run", short, cache],
        ]
        listed = []
        for args in runs:
            # Names the callgrind output gives that are not the binary's own (libc, the loader,
            # lines valgrind could not name) are left out.
            added = (functions_executed(args, tmp) & symbols) - executed
            executed |= added
            listed += sorted(added)
    if "--check" in sys.argv:
        with open(ORDER, encoding="utf-8") as f:
            in_file = set(f.read().split())
        covered = sum(1 for n in listed if n in in_file)
        share = covered / max(len(listed), 1)
        print(f"{ORDER} lists {covered} of the {len(listed)} functions a short run executes "
              f"({share:.0%})")
        if share < 0.9:
            sys.exit("under 90%: rerun benches/startup_order.py and commit src/startup.order")
        return
    with open(ORDER, "w", encoding="utf-8") as f:
        f.write("\n".join(listed) + "\n")
    print(f"{ORDER}: {len(listed)} functions")


if __name__ == "__main__":
    main()
