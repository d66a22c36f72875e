#!/usr/bin/env bash
# Re-evaluates result runs the way the RL Zoo's benchmark does: about 150,000 evaluation steps of the
# deterministic policy (for Pendulum-v1, 750 episodes of 200 steps), here from seed 0. The results table
# uses 100 fixed episodes from seed 1000; on Pendulum that set measured harder than average, so this script
# shows how much of a gap to the Zoo's figure is the evaluation set. Prints a markdown table.
# Usage: scripts/eval-zoo-protocol.sh RUN_DIR...   (EPISODES=750 to change the count)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ACT="${ACTUATE:-$ROOT/scripts/actuate}"
EPISODES="${EPISODES:-750}"
echo "| run | 100 episodes from seed 1000 | $EPISODES episodes from seed 0 |"
echo "|---|---|---|"
for run in "$@"; do
  ours=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.1f ± %.1f" % (d["mean_return"], d["std_return"]))' "$run/eval.json" 2>/dev/null || echo "—")
  json=$("$ACT" eval --model "$run" --episodes "$EPISODES" --seed 0 --json | tail -n 1)
  zoo=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print("%.1f ± %.1f" % (d["mean_return"], d["std_return"]))' "$json")
  echo "| $(basename "$run") | $ours | $zoo |"
done
