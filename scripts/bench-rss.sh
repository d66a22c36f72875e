#!/usr/bin/env bash
# Native-memory check: runs PPO on LunarLanderContinuous-v3 (16 envs) for SECONDS (default 600)
# and samples the process's resident set size every 10 s. Prints "seconds,rss_mb" lines.
# Usage: scripts/bench-rss.sh [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION=${1:-600}
RUN=$(mktemp -d)
"$ROOT/scripts/actuate" --version >/dev/null   # build first, so the build is not sampled
"$ROOT/scripts/actuate" train --algo ppo --env LunarLanderContinuous-v3 --steps 1000000000 --seed 0 \
  --out "$RUN/run" --quiet > "$RUN/train.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$RUN"' EXIT
echo "seconds,rss_mb"
for ((t = 0; t <= DURATION; t += 10)); do
  rss=$(ps -o rss= -p "$PID" 2>/dev/null | tr -d ' ') || true
  [ -z "$rss" ] && { echo "training exited early; see its log:" >&2; cat "$RUN/train.log" >&2; exit 1; }
  echo "$t,$((rss / 1024))"
  sleep 10
done
