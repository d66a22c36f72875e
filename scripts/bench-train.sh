#!/usr/bin/env bash
# Training throughput benchmark: steady-state env-steps/s of full training (rollout + update).
# Usage: scripts/bench-train.sh [ALGO] [ENV] [ENVS] [SECONDS] [NET]
#   default: ppo LunarLanderContinuous-v3 16 60 (the PPO benchmark, 64x64 nets from configs/ppo)
#   sac|td3|ddpg: ENVS must be 1; without NET it runs twice, with the config's networks ([400, 300] for the
#   lander) and with 256,256, batch 256, one gradient step per env step; NET (e.g. 256,256) runs that size only.
# The last line of output is one JSON object: {"steps_per_sec": X, ...} for one run, {"runs": [{...}, {...}]}
# for two. Extra learner-thread settings: LEARNER_THREADS=1|2 (default: 2 on 2+ cores).
set -euo pipefail
cd "$(dirname "$0")/.."
ALGO=${1:-ppo}
ENV=${2:-LunarLanderContinuous-v3}
ENVS=${3:-16}
SECONDS_=${4:-60}
NET=${5:-}
JAR=$(ls cli/target/actuate-cli-*.jar 2>/dev/null | head -1 || true)
if [ -z "$JAR" ] || [ ! -d cli/target/lib ]; then
  mvn -o -q -B -DskipTests package >&2
  JAR=$(ls cli/target/actuate-cli-*.jar | head -1)
fi
# One BLAS/OpenMP thread per Java thread: small nets are dispatch-bound and busy-waiting OpenMP threads hurt
# (see docs/benchmarks.md); the off-policy learners use a second core through their own second thread.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
bench() {
  local extra=()
  [ -n "${LEARNER_THREADS:-}" ] && extra+=(--learner-threads "$LEARNER_THREADS")
  java -Xmx1g -XX:+UseParallelGC -cp "$JAR:cli/target/lib/*" dev.actuate.cli.Actuate \
    bench train --algo "$ALGO" --env "$ENV" --envs "$ENVS" --seconds "$SECONDS_" --json "${extra[@]}" "$@"
}
case "$ALGO" in
  sac|td3|ddpg)
    if [ -n "$NET" ]; then
      bench --net "$NET"
    else
      a=$(bench | tail -1)
      echo "$a"
      b=$(bench --net 256,256 | tail -1)
      echo "$b"
      echo "{\"runs\": [$a, $b]}"
    fi
    ;;
  *)
    if [ -n "$NET" ]; then bench --net "$NET"; else bench; fi
    ;;
esac
