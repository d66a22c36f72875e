#!/usr/bin/env bash
# Training throughput benchmark: steady-state env-steps/s of full training (rollout + update).
# Usage: scripts/bench-train.sh [ALGO] [ENV] [ENVS] [SECONDS]
#   default: ppo LunarLanderContinuous-v3 16 60 (the issue's PPO benchmark, 64x64 nets from configs/ppo)
# The last line of output is one JSON object: {"steps_per_sec": X, ...}.
set -euo pipefail
cd "$(dirname "$0")/.."
ALGO=${1:-ppo}
ENV=${2:-LunarLanderContinuous-v3}
ENVS=${3:-16}
SECONDS_=${4:-60}
JAR=$(ls cli/target/actuate-cli-*.jar 2>/dev/null | head -1 || true)
if [ -z "$JAR" ] || [ ! -d cli/target/lib ]; then
  mvn -o -q -B -DskipTests package >&2
  JAR=$(ls cli/target/actuate-cli-*.jar | head -1)
fi
# One BLAS/OpenMP thread: small nets are dispatch-bound and busy-waiting OpenMP threads hurt (see docs).
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
exec java -Xmx1g -XX:+UseParallelGC -cp "$JAR:cli/target/lib/*" dev.actuate.cli.Actuate \
  bench train --algo "$ALGO" --env "$ENV" --envs "$ENVS" --seconds "$SECONDS_" --json
