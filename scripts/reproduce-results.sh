#!/usr/bin/env bash
# Trains and evaluates the agents reported in docs/results.md, two runs at a time on a 2-core machine.
# Each run: `actuate train ... --out runs/results/<name>`, then a deterministic 100-episode evaluation
# from seed 1000. Prints one markdown table row per run (name, env, algo, steps, seed, mean ± std,
# success rate, train wall time) and leaves the run directories (curves, metrics, models) behind.
# Usage: scripts/reproduce-results.sh [NAME ...]   (default: all)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ACT="${ACTUATE:-$ROOT/scripts/actuate}"   # ACTUATE: another launcher, e.g. a frozen copy of the jar
OUT="${RESULTS_DIR:-runs/results}"
mkdir -p "$OUT"
"$ACT" --version >/dev/null   # build the jar once, before the parallel runs

# name | algo | env | extra train arguments
RUNS=(
  "ppo-pendulum-s0|ppo|Pendulum-v1|--seed 0"
  "ppo-pendulum-s1|ppo|Pendulum-v1|--seed 1"
  "ppo-pendulum-s2|ppo|Pendulum-v1|--seed 2"
  "ppo-lander-s0|ppo|LunarLanderContinuous-v3|--seed 0"
  "sac-pendulum-s0|sac|Pendulum-v1|--seed 0"
  "td3-pendulum-s0|td3|Pendulum-v1|--seed 0"
  "sac-lander-small-s0|sac|LunarLanderContinuous-v3|--seed 0 --config configs/results/sac-LunarLanderContinuous-v3-small.yaml"
  "td3-lander-128-s0|td3|LunarLanderContinuous-v3|--seed 0 --config configs/results/td3-LunarLanderContinuous-v3-128.yaml"
)

one() {
  local name=$1 algo=$2 env=$3 extra=$4
  local dir="$OUT/$name"
  rm -rf "$dir"
  local t0=$SECONDS
  # shellcheck disable=SC2086
  "$ACT" train --algo "$algo" --env "$env" $extra --out "$dir" --quiet > "$OUT/$name.train.log" 2>&1
  local wall=$((SECONDS - t0))
  "$ACT" eval --model "$dir" --episodes 100 --seed 1000 --json > "$OUT/$name.eval.log" 2>&1
  local json
  json=$(tail -n 1 "$OUT/$name.eval.log")
  local steps
  steps=$(awk -F, 'NR>1 {s=$2} END {print s}' "$dir/metrics.csv")
  python3 - "$name" "$algo" "$env" "$steps" "$extra" "$wall" "$json" <<'PY'
import json, sys
name, algo, env, steps, extra, wall, js = sys.argv[1:]
d = json.loads(js)
print(f"| {name} | {env} | {algo} | {int(steps):,} | `{extra}` | {d['mean_return']:.1f} ± {d['std_return']:.1f} "
      f"| {d['success_rate']:.2f} | {int(wall)//60}m{int(wall)%60:02d}s |")
PY
}

selected=("$@")
echo "| run | env | algo | env steps | arguments | deterministic return (100 ep.) | success rate | train wall time |"
echo "|---|---|---|---|---|---|---|---|"
pids=()
for r in "${RUNS[@]}"; do
  IFS='|' read -r name algo env extra <<< "$r"
  if [ ${#selected[@]} -gt 0 ] && [[ ! " ${selected[*]} " == *" $name "* ]]; then continue; fi
  one "$name" "$algo" "$env" "$extra" > "$OUT/$name.row" &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
wait
for r in "${RUNS[@]}"; do
  IFS='|' read -r name _ <<< "$r"
  [ -f "$OUT/$name.row" ] && cat "$OUT/$name.row"
done
