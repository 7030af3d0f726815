#!/usr/bin/env python3
"""Wall-clock comparison of Kiln against QuickJS, Boa and `node --jitless` on ../shared/bench.

One command, side by side in one run: every engine runs every program `--runs` times
(interleaved, so machine noise hits all engines alike) and the median is reported, with Kiln's
time as a ratio of each anchor's and the geometric mean of the ratios, and each engine's median
peak RSS.

    QJS=$(../shared/anchors/build-qjs.sh) python3 benches/compare.py [--runs 5] [--scale 1.0] [--markdown]

Every engine is timed as a whole process: `kiln run`, QuickJS 2025-09-13's `qjs` built from
../shared/anchors (the binary named by `QJS`, else the script's default output path), Boa's
`boa` and `node --jitless`. Anchors that are not there are reported as missing, not skipped
silently. Peak RSS comes from GNU time (`/usr/bin/time`): a child's own `ru_maxrss` would count
this Python's image, forked before `exec`.
"""

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "..", "shared", "bench")
PROGRAMS = [
    "richards", "deltablue", "navier-stokes", "splay",
    "3d-cube", "access-nbody", "crypto-md5", "string-base64",
]

QJS_DEFAULT = "/tmp/kiln-anchor-quickjs-2025-09-13/qjs"
GNU_TIME = "/usr/bin/time"


def kiln_binary():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    path = os.path.join(target, "release", "kiln")
    if not os.path.exists(path):
        subprocess.run(["cargo", "build", "--release", "-q", "--bin", "kiln"], cwd=ROOT, check=True)
    return path


def timed(cmd):
    """(seconds, peak RSS in MB or NaN, the completed process) of one run of `cmd`."""
    measured = os.path.exists(GNU_TIME)
    if measured:
        cmd = [GNU_TIME, "-f", "KILN-PEAK-RSS %M"] + cmd
    start = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    rss = float("nan")
    if measured:
        lines = result.stderr.splitlines()
        if lines and lines[-1].startswith("KILN-PEAK-RSS "):
            rss = int(lines[-1].split()[1]) / 1024
            result.stderr = "\n".join(lines[:-1])
        if result.returncode == 0 and "exited with non-zero status" in result.stderr:
            result.returncode = 1
    return elapsed, rss, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()

    kiln = kiln_binary()
    engines = {"kiln": lambda f: timed([kiln, "run", f])}
    qjs = os.environ.get("QJS") or QJS_DEFAULT
    have_qjs = os.path.exists(qjs)
    if have_qjs:
        engines["quickjs"] = lambda f: timed([qjs, f])
    boa = shutil.which("boa")
    if boa:
        engines["boa"] = lambda f: timed([boa, f])
    node = shutil.which("node")
    if node:
        engines["node --jitless"] = lambda f: timed([node, "--jitless", f])
    missing = [n for n, ok in [("quickjs", have_qjs), ("boa", boa), ("node", node)] if not ok]

    tmp = tempfile.mkdtemp()
    times = {e: {} for e in engines}
    peaks = {e: {} for e in engines}
    for name in PROGRAMS:
        src = open(os.path.join(BENCH, name + ".js")).read()
        path = os.path.join(tmp, name + ".js")
        with open(path, "w") as out:
            out.write("globalThis.BENCH_SCALE = %r;\n" % args.scale)
            out.write(src)
        for e in engines:
            times[e][name] = []
            peaks[e][name] = []
        for _ in range(args.runs):
            for e, run in engines.items():
                elapsed, rss, result = run(path)
                if result.returncode != 0:
                    print(f"{e} failed on {name}: {result.stderr.strip()[:200]}", file=sys.stderr)
                    elapsed = float("nan")
                times[e][name].append(elapsed)
                peaks[e][name].append(rss)

    anchors = [e for e in engines if e != "kiln"]
    header = (["program", "kiln (s)"] + [f"{a} (s)" for a in anchors]
              + [f"kiln / {a}" for a in anchors] + [f"{e} MB" for e in engines])
    rows = []
    ratios = {a: [] for a in anchors}
    for name in PROGRAMS:
        k = statistics.median(times["kiln"][name])
        row = [name, f"{k:.3f}"]
        for a in anchors:
            row.append(f"{statistics.median(times[a][name]):.3f}")
        for a in anchors:
            r = k / statistics.median(times[a][name])
            ratios[a].append(r)
            row.append(f"{r:.2f}x")
        for e in engines:
            row.append(f"{statistics.median(peaks[e][name]):.1f}")
        rows.append(row)
    geo = ["geometric mean", "", *[""] * len(anchors)]
    for a in anchors:
        vals = [r for r in ratios[a] if r > 0 and not math.isnan(r)]
        geo.append(f"{math.exp(sum(map(math.log, vals)) / len(vals)):.2f}x" if vals else "n/a")
    geo += [""] * len(engines)
    rows.append(geo)
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
        for row in [header] + rows:
            print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
    print(f"\nmedian of {args.runs} runs, BENCH_SCALE={args.scale}; missing anchors: {', '.join(missing) or 'none'}")


if __name__ == "__main__":
    main()
