#!/usr/bin/env python3
"""Peak resident memory and time of garbage-heavy programs: Kiln beside Node (and QuickJS when
QJS names its binary), each a whole process, medians of RUNS runs taken side by side.

    python3 benches/memory.py [RUNS]        # QJS=$(../shared/anchors/build-qjs.sh) to add QuickJS
    python3 benches/memory.py --limits      # the heap limit against the resident set

The programs make large garbage in a loop (the live set stays small); a heap that collects by
bytes keeps its peak near the live set whatever the iteration count.

With --limits, each program of GROWTH keeps what it makes until `kiln run --heap-limit 64` stops
it; the run must end with the heap-limit message (exit 1) and a peak RSS under the limit + an
empty script's RSS + 16 MB. Exits 1 if one does not (CI runs this).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KILN = os.path.join(ROOT, "target", "release", "kiln")

PROGRAMS = {
    "repeat-1e6 x20000": "for (var i = 0; i < 20000; i++) { var s = 'x'.repeat(1e6); }",
    "uint8array-1e6 x10000": "for (var i = 0; i < 10000; i++) { var a = new Uint8Array(1e6); }",
    "array-fill-125000 x200": "for (var i = 0; i < 200; i++) { var a = new Array(125000).fill(1); }",
    "json-stringify x200": (
        "var d = Array.from({ length: 20000 }, (_, j) => ({ j, s: 'text' }));"
        "for (var i = 0; i < 200; i++) { var s = JSON.stringify(d); }"
    ),
}

# Live growth of each kind the heap counts, kept until the limit stops it (as tests/heap_bounds.rs).
GROWTH = {
    "strings": "keep.push('x'.repeat(1e6) + i)",
    "ropes": "keep.push(big + i + big)",
    "arrays": "keep.push(new Array(10000).fill(i))",
    "typed arrays": "keep.push(new Uint8Array(1e6))",
    "ArrayBuffers": "keep.push(new ArrayBuffer(1e6))",
    "Maps": "{ const m = new Map(); for (let j = 0; j < 1000; j++) m.set(j, i); keep.push(m); }",
    "Sets": "{ const s = new Set(); for (let j = 0; j < 1000; j++) s.add(i * 1000 + j); keep.push(s); }",
    "closures": "{ const v = [i, i, i, i]; keep.push(() => v); }",
    "BigInts": "keep.push((1n << 100000n) + BigInt(i))",
    "unique keys": "{ const o = {}; o['k' + i] = i; keep.push(o); }",
    "eval'd code": "keep.push(eval('(function () { return ' + i + '; })'))",
}
LIMIT_MB = 64
SLACK_MB = 16


def measure(command, expect_status=0):
    """(seconds, peak RSS in MB, stderr) of one run of `command`."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != expect_status:
        sys.exit(f"{' '.join(command)} exited with {status}: {stderr}")
    return elapsed, usage.ru_maxrss / 1024, stderr


def peak_of_empty_script(path):
    stderr = measure([KILN, "run", "--stats", path])[2]
    line = next(l for l in stderr.splitlines() if "peak RSS" in l)
    return float(line.split()[2])


def limits():
    """Runs GROWTH under --heap-limit; returns whether every run stayed within its bound."""
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty.js")
        with open(empty, "w") as f:
            f.write("\n")
        # The child's ru_maxrss counts this Python's image (forked before exec): an empty
        # script's peak comes from Kiln itself (VmHWM, printed by --stats). The programs below
        # peak far above Python's image, so their ru_maxrss is Kiln's.
        base = statistics.median(peak_of_empty_script(empty) for _ in range(3))
        bound = LIMIT_MB + base + SLACK_MB
        print(f"kiln run --heap-limit {LIMIT_MB}: empty script {base:.1f} MB, bound {bound:.1f} MB")
        for name, body in GROWTH.items():
            path = os.path.join(tmp, "program.js")
            with open(path, "w") as f:
                f.write("const keep = []; const big = 'z'.repeat(500000);\n")
                f.write(f"for (let i = 0; ; i++) {{ {body}; }}\n")
            seconds, rss, stderr = measure(
                [KILN, "run", "--heap-limit", str(LIMIT_MB), path], expect_status=1
            )
            stopped = f"passed the heap limit of {LIMIT_MB} MB" in stderr
            verdict = "ok" if stopped and rss <= bound else "OVER" if stopped else "NOT STOPPED"
            ok = ok and verdict == "ok"
            print(f"  {name:<14}{rss:>8.1f} MB{seconds:>8.2f} s  {verdict}")
    return ok


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    if sys.argv[1:] == ["--limits"]:
        sys.exit(0 if limits() else 1)
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    engines = [("kiln", [KILN, "run"]), ("node", ["node"])]
    if os.environ.get("QJS"):
        engines.append(("qjs", [os.environ["QJS"]]))
    print(f"{'program':<26}" + "".join(f"{name + ' s':>10}{name + ' MB':>10}" for name, _ in engines))
    with tempfile.TemporaryDirectory() as tmp:
        for name, source in PROGRAMS.items():
            path = os.path.join(tmp, "program.js")
            with open(path, "w") as f:
                f.write(source + "\n")
            results = {engine: [] for engine, _ in engines}
            for _ in range(runs):
                for engine, command in engines:
                    results[engine].append(measure(command + [path])[:2])
            row = f"{name:<26}"
            for engine, _ in engines:
                row += f"{statistics.median(t for t, _ in results[engine]):>10.2f}"
                row += f"{statistics.median(m for _, m in results[engine]):>10.1f}"
            print(row)


if __name__ == "__main__":
    main()
