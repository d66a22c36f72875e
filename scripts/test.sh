#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need, then runs every module's tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The broker for HIL and fault tests; its command-line clients for the docs/protocol.md examples.
if { ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; } || ! command -v mosquitto_pub >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing Mosquitto and its clients from Debian" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto mosquitto-clients >/dev/null
  else
    echo "test.sh: Mosquitto is not installed and cannot be installed here (need root and apt-get);" \
         "tests that need it will fail or skip" >&2
  fi
fi
# Mosquitto-tagged tests fail (rather than skip) when the broker binary is missing.
export ACTUATE_REQUIRE_MOSQUITTO="${ACTUATE_REQUIRE_MOSQUITTO:-1}"
exec mvn -B test "$@"
