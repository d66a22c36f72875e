#!/usr/bin/env bash
# Scheduling latency of this machine's OS, as the control loop meets it: is a thread that asks to run at a
# deadline run on time? Run it on the robot computer before trusting a 500 Hz loop (cyclictest from rt-tests
# measures the same; this needs only a C compiler).
#
# Two probes (scripts/os-latency.c), run at once on different CPUs and then swapped, SECONDS each way:
#   sleep: a 1 kHz timer thread; its lateness is what the control loop's and the robot's timers see;
#   spin:  a thread that never blocks; any gap in it is time the CPU was taken away (interrupts, or in a VM
#          the host not running the vCPU), which no scheduling setting inside the machine can prevent.
# A sleeper much later than the spinner's gaps points at the kernel (no forced preemption: a task in kernel
# code keeps the CPU until it yields); gaps as large in the spinner point at the hypervisor or firmware.
#
# Usage: scripts/bench-os-latency.sh [--seconds N] [--prio P] [--json]
#   --seconds N  per direction (default 30)
#   --prio P     SCHED_FIFO priority of both probes (default 10, as `chrt -f 10` for the controller;
#                0 = default scheduling; > 0 needs root or CAP_SYS_NICE)
#   --json       the last line is one JSON object: {"seconds", "prio", "cpus", "kernel", "preempt", "runs": [...]}
#                where each run has mode, cpu, samples, worst_us, worst_at_s and over_<T>_us counts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_EACH=30
PRIO=10
JSON=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH="${2:?--seconds needs a value}"; shift 2 ;;
    --prio) PRIO="${2:?--prio needs a value}"; shift 2 ;;
    --json) JSON=1; shift ;;
    *) echo "bench-os-latency: unknown option '$1' (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done
[[ "$SECONDS_EACH" =~ ^[1-9][0-9]*$ ]] || { echo "bench-os-latency: --seconds must be a positive whole number, got '$SECONDS_EACH'" >&2; exit 2; }
[[ "$PRIO" =~ ^[0-9]+$ ]] && [ "$PRIO" -le 99 ] || { echo "bench-os-latency: --prio must be 0..99, got '$PRIO'" >&2; exit 2; }
CC="${CC:-cc}"
command -v "$CC" >/dev/null || { echo "bench-os-latency: needs a C compiler ('$CC' not found; set CC)" >&2; exit 1; }
BIN="$ROOT/target/os-latency"
mkdir -p "$ROOT/target"
if [ ! -x "$BIN" ] || [ "$ROOT/scripts/os-latency.c" -nt "$BIN" ]; then
  "$CC" -O2 -o "$BIN.tmp" "$ROOT/scripts/os-latency.c" && mv "$BIN.tmp" "$BIN"
fi

CPUS=$(nproc)
PREEMPT=$(uname -v | grep -o -E 'PREEMPT_RT|PREEMPT_DYNAMIC|PREEMPT' | head -n 1 || true)
runs=()
summary() { # one run's JSON -> a table row
  sed -E 's/.*"mode":"([a-z]+)","cpu":([0-9]+).*"samples":([0-9]+),"worst_us":([0-9.]+),"worst_at_s":([0-9.]+).*"over_100_us":([0-9]+).*"over_1000_us":([0-9]+),"over_2000_us":([0-9]+).*/| \1 | \2 | \3 | \4 | \5 | \6 | \7 | \8 |/' <<< "$1"
}
echo "bench-os-latency: $SECONDS_EACH s each way, SCHED_FIFO priority $PRIO (0 = default), $CPUS CPUs, kernel $(uname -r) ${PREEMPT:-no PREEMPT flag}"
if [ "$CPUS" -ge 2 ]; then
  for pair in "0 1" "1 0"; do
    read -r s p <<< "$pair"
    "$BIN" sleep "$s" "$SECONDS_EACH" "$PRIO" > "$ROOT/target/os-latency.sleep" &
    sp=$!
    "$BIN" spin "$p" "$SECONDS_EACH" "$PRIO" > "$ROOT/target/os-latency.spin"
    wait "$sp"
    runs+=("$(cat "$ROOT/target/os-latency.sleep")" "$(cat "$ROOT/target/os-latency.spin")")
  done
else
  runs+=("$("$BIN" sleep 0 "$SECONDS_EACH" "$PRIO")" "$("$BIN" spin 0 "$SECONDS_EACH" "$PRIO")")
fi
echo "| probe | cpu | samples | worst us | at s | > 100 us | > 1 ms | > 2 ms |"
echo "|---|---|---|---|---|---|---|---|"
for r in "${runs[@]}"; do summary "$r"; done
if [ "$JSON" -eq 1 ]; then
  joined=$(IFS=,; echo "${runs[*]}")
  echo "{\"seconds\":$SECONDS_EACH,\"prio\":$PRIO,\"cpus\":$CPUS,\"kernel\":\"$(uname -r)\",\"preempt\":\"${PREEMPT:-none}\",\"runs\":[$joined]}"
fi
