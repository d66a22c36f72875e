#!/usr/bin/env bash
# Trains and evaluates the cells of configs/zoo-targets.yaml over seeds, then regenerates docs/results.md.
#
# Each run: `actuate train --algo A --env E --seed S --out runs/results/<algo>-<env>-s<seed> --quiet` with the
# shipped configs/<algo>/<env>.yaml, then the deterministic evaluation `actuate eval --model RUN --episodes 100
# --seed 1000 --json`. Beside what train writes, the run directory gets train.json ({"wall_s", "command"}),
# eval.json (eval's JSON line) and the two logs. Two runs at a time (JOBS=2) on a 2-core machine. A run whose
# eval.json exists is skipped (--force retrains it); a trained run without eval.json is only evaluated; a run
# directory without a model (an interrupted training) is trained again from scratch. Finally
# `actuate report runs/results --out docs/results.md` (with --notes docs/results-notes.md when that file exists).
# train.json also records the machine (CPU model and cores) and its 1-minute load average at the start.
#
# Usage: scripts/reproduce-results.sh [--force] [CELL|RUN ...]
#   CELL: <algo>-<env>, e.g. sac-Pendulum-v1 (its seeds: SEEDS, default "0 1 2")
#   RUN:  <algo>-<env>-s<seed>, e.g. sac-Pendulum-v1-s1
#   (default: every cell of the targets file)
# Environment: SEEDS, JOBS, RESULTS_DIR (runs/results), TARGETS (configs/zoo-targets.yaml),
#   REPORT (docs/results.md), ACTUATE (another launcher, e.g. a frozen copy of the jar).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ACT="${ACTUATE:-$ROOT/scripts/actuate}"
OUT="${RESULTS_DIR:-runs/results}"
TARGETS="${TARGETS:-configs/zoo-targets.yaml}"
REPORT="${REPORT:-docs/results.md}"
NOTES="${NOTES:-docs/results-notes.md}"
SEEDS="${SEEDS:-0 1 2}"
JOBS="${JOBS:-2}"
force=0
selected=()
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    -*) echo "reproduce-results: unknown option $a" >&2; exit 2 ;;
    *) selected+=("$a") ;;
  esac
done

# The targets' cells, one per line as "algo env" (the file keeps one cell per line for this).
mapfile -t cells < <(sed -n 's/^[[:space:]]*-[[:space:]]*{[[:space:]]*algo:[[:space:]]*\([a-z0-9]*\),[[:space:]]*env:[[:space:]]*\([^,}[:space:]]*\).*/\1 \2/p' "$TARGETS")
if [ ${#cells[@]} -eq 0 ]; then
  echo "reproduce-results: $TARGETS lists no cells" >&2
  exit 2
fi

# The runs to do: "name algo env seed", for the selected cells or runs.
runs=()
for c in "${cells[@]}"; do
  read -r algo env <<< "$c"
  envname=$(basename "$env"); envname=${envname%.yaml}
  cell="$algo-$envname"
  for seed in $SEEDS; do
    name="$cell-s$seed"
    if [ ${#selected[@]} -gt 0 ]; then
      hit=0
      for s in "${selected[@]}"; do [ "$s" = "$cell" ] || [ "$s" = "$name" ] && hit=1; done
      [ $hit -eq 1 ] || continue
    fi
    runs+=("$name $algo $env $seed")
  done
done
for s in "${selected[@]}"; do
  if ! printf '%s\n' "${runs[@]}" | awk '{print $1}' | grep -qx -e "$s" -e "$s-s[0-9]*"; then
    echo "reproduce-results: '$s' is no cell of $TARGETS (or seed of SEEDS=\"$SEEDS\")" >&2
    exit 2
  fi
done

"$ACT" --version >/dev/null   # build the jar once, before the parallel runs
cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1 | tr -d '"\\')
MACHINE="${cpu:-unknown CPU}, $(nproc) cores"
mkdir -p "$OUT"

# One run: train (unless its model is there), then evaluate; returns non-zero when either fails.
one() {
  local name=$1 algo=$2 env=$3 seed=$4
  local dir="$OUT/$name"
  if [ -f "$dir/eval.json" ] && [ $force -eq 0 ]; then
    echo "$name: evaluated already (--force retrains)"
    return 0
  fi
  if [ $force -eq 1 ] || [ ! -f "$dir/model.actuate" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    local cmd="actuate train --algo $algo --env $env --seed $seed --out $dir --quiet"
    local load
    load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo null)
    local t0=$EPOCHREALTIME
    if ! "$ACT" train --algo "$algo" --env "$env" --seed "$seed" --out "$dir" --quiet > "$dir/train.log" 2>&1; then
      echo "$name: training FAILED (see $dir/train.log)" >&2
      return 1
    fi
    local wall
    wall=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    printf '{"wall_s": %s, "command": "%s", "machine": "%s", "load_avg": %s}\n' "$wall" "$cmd" "$MACHINE" "$load" \
      > "$dir/.train.json.tmp"
    mv "$dir/.train.json.tmp" "$dir/train.json"
  fi
  # Cells with a success-rate goal (the arm) are judged on the env's success condition at the episode's end.
  local hold=()
  if grep -q "algo: $algo, env: $env, success_rate" "$TARGETS"; then hold=(--hold 1); fi
  if ! "$ACT" eval --model "$dir" --episodes 100 --seed 1000 "${hold[@]}" --json > "$dir/eval.log" 2>&1; then
    echo "$name: evaluation FAILED (see $dir/eval.log)" >&2
    return 1
  fi
  tail -n 1 "$dir/eval.log" > "$dir/.eval.json.tmp"
  mv "$dir/.eval.json.tmp" "$dir/eval.json"
  echo "$name: $(tail -n 1 "$dir/eval.json" | sed 's/.*"mean_return":\([^,]*\),"std_return":\([^,]*\).*/return \1 ± \2/')"
}

failed=0
running=0
for r in "${runs[@]}"; do
  read -r name algo env seed <<< "$r"
  one "$name" "$algo" "$env" "$seed" &
  running=$((running + 1))
  if [ $running -ge "$JOBS" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while [ $running -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done

notes=()
[ -f "$NOTES" ] && notes=(--notes "$NOTES")
"$ACT" report "$OUT" --out "$REPORT" --targets "$TARGETS" "${notes[@]}"
exit $failed
