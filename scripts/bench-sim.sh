#!/usr/bin/env bash
# Simulator step rates: single-thread per env, then VectorEnv on all cores.
# Usage: scripts/bench-sim.sh [--seconds X] [--env ID,...]   (JSON summary is the last line)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$ROOT/scripts/actuate" bench sim --json "$@"
