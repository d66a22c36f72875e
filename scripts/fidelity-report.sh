#!/usr/bin/env bash
# Regenerates docs/fidelity.md: replays every recorded Gymnasium episode in
# ../shared/fixtures/gymnasium-episodes and runs the walker heuristic over 100 seeds (about a minute).
# Usage: scripts/fidelity-report.sh [OUT.md]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
mvn -B -o -q -pl sim test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
exec java -cp "sim/target/test-classes:sim/target/classes:$(cat "$CP_FILE")" dev.actuate.sim.FidelityReport "$@"
