#!/usr/bin/env python3
"""Peak resident memory and time of garbage-heavy programs: Kiln beside Node (and QuickJS when
QJS names its binary), each a whole process, medians of RUNS runs taken side by side.

    python3 benches/memory.py [RUNS]        # QJS=$(../shared/anchors/build-qjs.sh) to add QuickJS

The programs make large garbage in a loop (the live set stays small); a heap that collects by
bytes keeps its peak near the live set whatever the iteration count.
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


def measure(command):
    """(seconds, peak RSS in MB) of one run of `command`."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    if status != 0:
        sys.exit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    if not os.path.exists(KILN):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
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
                    results[engine].append(measure(command + [path]))
            row = f"{name:<26}"
            for engine, _ in engines:
                row += f"{statistics.median(t for t, _ in results[engine]):>10.2f}"
                row += f"{statistics.median(m for _, m in results[engine]):>10.1f}"
            print(row)


if __name__ == "__main__":
    main()
