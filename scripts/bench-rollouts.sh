#!/usr/bin/env bash
# Distributed PPO rollouts against the single-process trainer: env steps per second of `actuate train` and of
# `actuate dtrain --workers W` (Spark local[W]) on the same config and total envs, interleaved A/B ROUNDS times.
# Throughput is the trainer's own (rollout + update, from metrics.csv, first iteration left out as warm-up; JVM
# and Spark start-up excluded); the overhead is rollouts.csv's median per iteration (broadcast, task
# scheduling, result collection: the rollout's wall time less the slowest worker's).
# Usage: scripts/bench-rollouts.sh [ENV] [WORKERS]   env: N_STEPS (default 128), ITERS (default 6), ROUNDS (3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENV="${1:-BipedalWalker-v3}"
W="${2:-2}"
N_STEPS="${N_STEPS:-128}"
ITERS="${ITERS:-6}"
ROUNDS="${ROUNDS:-3}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
# The shipped config with shorter rollouts (its n_envs kept), so that a run takes about a minute.
sed "s/^n_steps:.*/n_steps: $N_STEPS/" "$ROOT/configs/ppo/$ENV.yaml" > "$OUT/config.yaml"
ENVS=$(sed -n 's/^n_envs: *//p' "$OUT/config.yaml")
STEPS=$((ENVS * N_STEPS * ITERS))
# steps/s over iterations 2..N: rollout size over each iteration's seconds (metrics.csv's steps_per_sec).
throughput() { python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/metrics.csv")))[1:]
size = int(rows[1]["global_step"]) - int(rows[0]["global_step"])
print(f"{size * len(rows) / sum(size / float(r['steps_per_sec']) for r in rows):.1f}")
PY
}
overhead() { python3 - "$1" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/rollouts.csv")))[1:]
med = lambda k: statistics.median(float(r[k]) * 1e3 for r in rows)
print(f"{med('overhead_s'):.1f} {med('rollout_s'):.1f} {med('slowest_worker_s'):.1f} {med('broadcast_s'):.1f} "
      f"{med('slowest_worker_env_s'):.1f} "
      f"{float(rows[0]['result_bytes']) / 1e6:.2f}")
PY
}
echo "env $ENV, n_envs $ENVS, n_steps $N_STEPS, $ITERS iterations per run, $W workers on local[$W]; $(nproc) cores"
for r in $(seq 1 "$ROUNDS"); do
  load0=$(cut -d' ' -f1 /proc/loadavg)
  "$ROOT/scripts/actuate" train --algo ppo --env "$ENV" --config "$OUT/config.yaml" --steps "$STEPS" \
    --out "$OUT/single-$r" --quiet
  "$ROOT/scripts/actuate" dtrain --env "$ENV" --config "$OUT/config.yaml" --steps "$STEPS" --workers "$W" \
    --out "$OUT/dist-$r" --quiet --json > /dev/null
  load1=$(cut -d' ' -f1 /proc/loadavg)
  a=$(throughput "$OUT/single-$r")
  b=$(throughput "$OUT/dist-$r")
  read -r ov ro wk bc ev mb <<< "$(overhead "$OUT/dist-$r")"
  python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'round $r: single {a:.0f} steps/s, distributed {b:.0f} steps/s, ratio {b/a:.2f}; per iteration: rollout $ro ms, slowest worker $wk ms (envs $ev ms), overhead $ov ms (broadcast $bc ms), results $mb MB; load $load0 -> $load1')" "$a" "$b"
done
