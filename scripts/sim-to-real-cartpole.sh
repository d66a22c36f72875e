#!/usr/bin/env bash
# The cart-pole sim-to-real comparison of docs/sim-to-real.md: SAC trained on nominal dynamics
# (configs/robots/cartpole.yaml) and on randomised dynamics (configs/robots/cartpole-randomized.yaml),
# seeds 0 1 2 each, every policy evaluated on 100 episodes from hanging (seeds 0..99) on nominal and on
# randomised dynamics, each without and with one control step of action delay. Prints a markdown table.
# Training is skipped for runs that already have a model.
# Usage: scripts/sim-to-real-cartpole.sh [RUNS_DIR]   (default runs/robots; SEEDS="0 1 2" to change seeds)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ACT="${ACTUATE:-$ROOT/scripts/actuate}"
RUNS="${1:-runs/robots}"
SEEDS="${SEEDS:-0 1 2}"
mkdir -p "$RUNS"

echo "| trained on | seed | nominal | nominal, 1-step delay | randomised | randomised, 1-step delay |"
echo "|---|---|---|---|---|---|"
for kind in plain rand; do
  robot=cartpole; [ $kind = rand ] && robot=cartpole-randomized
  for s in $SEEDS; do
    run="$RUNS/cartpole-$kind-s$s"
    if [ ! -f "$run/model.actuate" ]; then
      "$ACT" train --algo sac --env "configs/robots/$robot.yaml" --seed "$s" --out "$run" --quiet >&2
    fi
    row="| $robot.yaml | $s |"
    for env in cartpole cartpole-randomized; do
      for d in 0 1; do
        json=$("$ACT" eval --model "$run" --env "configs/robots/$env.yaml" --episodes 100 --seed 0 --hold 100 \
                 --action-delay $d --json | tail -n 1)
        row="$row $(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print("held %d/100, %.1f ± %.1f" % (round(d["held_rate"]*100), d["mean_return"], d["std_return"]))' "$json") |"
      done
    done
    echo "$row"
  done
done
