#!/usr/bin/env bash
# Sweep efficiency: the same 8 equal trials run one after another in one JVM without Spark, then as a
# sweep on Spark local[N] (default 2). Prints both wall times (Spark's start-up included) and the ratio.
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
python3 - "$seq" "$par" "$MASTER" <<'PY'
import sys
seq, par, master = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
print(f"sequential {seq:.1f} s, {master} {par:.1f} s, ratio {par / seq:.2f} (goal <= 0.60)")
PY
