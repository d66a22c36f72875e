#!/usr/bin/env bash
# Copies the small, reviewable part of each result run (config.yaml, provenance.json, metrics.csv,
# train.json, eval.json) from runs/results into docs/results/runs, the record `actuate report` regenerates
# docs/results.md from in a clean clone (models and checkpoints stay out of git; shipped agents go to
# models/ with `actuate ship`). Then regenerates docs/results.md.
# Usage: scripts/archive-results.sh [RUNS_DIR]   (default runs/results)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SRC="${1:-runs/results}"
DST=docs/results/runs
mkdir -p "$DST"
for run in "$SRC"/*-s[0-9]*/; do
  name=$(basename "$run")
  [ -f "$run/metrics.csv" ] || continue
  mkdir -p "$DST/$name"
  for f in config.yaml provenance.json train.json eval.json; do
    [ -f "$run/$f" ] && cp "$run/$f" "$DST/$name/$f"
  done
  # metrics.csv thinned to at most about 1,000 rows (header, first and last row kept): A2C logs a row every
  # 40 env steps, 25,000 rows per Pendulum run, and the curves need no more.
  awk -v n="$(wc -l < "$run/metrics.csv")" 'BEGIN { k = int((n - 2) / 1000) + 1 }
    NR <= 2 || NR == n || (NR - 2) % k == 0' "$run/metrics.csv" > "$DST/$name/metrics.csv"
done
"${ACTUATE:-scripts/actuate}" report "$DST" --out docs/results.md --notes docs/results-notes.md
