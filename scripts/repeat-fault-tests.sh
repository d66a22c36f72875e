#!/usr/bin/env bash
# Runs the MQTT fault tests N times in a row (default 20), each a fresh Maven test run with no rerun,
# and reports how many runs passed. A flake hunt, not part of CI (.ci/run runs scripts/test.sh).
#
# The fault tests, each over MQTT 3.1.1 and 5: a broker killed and restarted under the native adapter and
# under the control loop (NativeMqttAdapterMosquittoTest, MosquittoRuntimeTest, both with thread-leak
# checks), connections reset or left without a CONNACK mid-connect (MqttLinkTest), stalls, blackouts and
# cuts through a fault-injecting proxy (NetworkChaosMosquittoTest), and MQTT 5 expiries
# (MqttExpiryMosquittoTest). Needs Mosquitto.
#
# Usage: scripts/repeat-fault-tests.sh [N]
#   MVN_FLAGS   extra Maven flags (default "-B -q"; add -o to build offline)
#   FAULT_TESTS the surefire -Dtest selection (default: the five classes above)
# Logs of every run: target/repeat-fault-tests/run-<i>.log. Exit status 1 if any run failed.
set -uo pipefail
N="${1:-20}"
if ! [[ "$N" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/repeat-fault-tests.sh [N]   (N: a positive number of runs, default 20)" >&2
  exit 2
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TESTS="${FAULT_TESTS:-MqttLinkTest,NativeMqttAdapterMosquittoTest,MqttExpiryMosquittoTest,MosquittoRuntimeTest,NetworkChaosMosquittoTest}"
read -r -a FLAGS <<< "${MVN_FLAGS:--B -q}"
LOGS="$ROOT/target/repeat-fault-tests"
mkdir -p "$LOGS"
# A missing broker must fail the runs, not skip the tests.
export ACTUATE_REQUIRE_MOSQUITTO=1

echo "repeat-fault-tests: $N runs of $TESTS (logs in $LOGS)"
pass=0
fail=0
for ((i = 1; i <= N; i++)); do
  log="$LOGS/run-$i.log"
  start=$(date +%s)
  # MosquittoRuntimeTest and NetworkChaosMosquittoTest live in hil.
  if mvn "${FLAGS[@]}" -pl hardware-adapters,hil -am test -Dtest="$TESTS" \
      -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
    pass=$((pass + 1))
    echo "run $i/$N: pass ($(( $(date +%s) - start )) s)"
  else
    fail=$((fail + 1))
    echo "run $i/$N: FAIL ($(( $(date +%s) - start )) s, $log)"
    # The failing tests and the first line of each failure.
    grep -E '<<< (FAILURE|ERROR)!' -A1 "$log" | grep -v '^--$' | sed 's/^/    /' | head -20
  fi
done
echo "repeat-fault-tests: $pass passed, $fail failed of $N runs"
[ "$fail" -eq 0 ]
