#!/usr/bin/env bash
# Sweep efficiency: the same 8 equal trials run one after another in one JVM without Spark, then as a
# sweep on Spark local[N] (default 2). Prints both wall times (Spark's start-up included), the learner threads
# each trial used (result.json) and the ratio.
# Usage: scripts/bench-sweep.sh [SPEC] [MASTER]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPEC="${1:-$ROOT/configs/sweeps/bench-8-equal.yaml}"
MASTER="${2:-local[2]}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
seconds() { tail -n 1 "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sweep_seconds"])'; }
"$ROOT/scripts/actuate" sweep --spec "$SPEC" --out "$OUT/sequential" --sequential --json > "$OUT/seq.txt"
"$ROOT/scripts/actuate" sweep --spec "$SPEC" --out "$OUT/spark" --master "$MASTER" --json > "$OUT/spark.txt"
seq=$(seconds "$OUT/seq.txt")
par=$(seconds "$OUT/spark.txt")
python3 - "$seq" "$par" "$MASTER" "$OUT" <<'PY'
import glob, json, sys
seq, par, master, out = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
def threads(run):
    # The learner threads each trial used, from its result.json (the same for every trial of a run).
    used = sorted({json.load(open(f)).get("learner_threads") for f in glob.glob(f"{out}/{run}/trials/*/result.json")},
                  key=str)
    return "/".join(str(t) for t in used)
print(f"sequential {seq:.1f} s ({threads('sequential')} learner threads per trial), "
      f"{master} {par:.1f} s ({threads('spark')} per trial), ratio {par / seq:.2f} (goal <= 0.60)")
PY
