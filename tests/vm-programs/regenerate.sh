#!/bin/sh
# Regenerates each program's .out file with node (Node 20 on the machine the expectations were
# made on): `tests/vm-programs/regenerate.sh [FILE...]`, all programs without arguments. Only
# stdout is kept (node's experimental warnings go to stderr). With CHECK=1 nothing is written:
# each program's output under node is compared with its .out, to show the suite is faithful.
set -u
cd "$(dirname "$0")"
status=0
[ "$#" -gt 0 ] || set -- *.js *.mjs
for f in "$@"; do
    out="${f%.*}.out"
    if [ "${CHECK:-0}" = 1 ]; then
        if node --experimental-vm-modules "$f" 2>/dev/null | cmp -s - "$out"; then
            echo "same  $f"
        else
            echo "DIFF  $f"
            status=1
        fi
    else
        node --experimental-vm-modules "$f" >"$out" 2>/dev/null || { echo "node failed: $f"; status=1; }
    fi
done
exit $status
