#!/usr/bin/env bash
# Crash-resume check: kills `actuate train` with SIGKILL at random moments (half of them inside a
# checkpoint write: the config writes a checkpoint every iteration), resumes after each kill, and checks
#  - every resume starts from a loadable checkpoint (a resume that fails to load exits non-zero: FAIL),
#  - the checkpoint's global_step never goes backwards across kills,
#  - the final model's global_step equals an uninterrupted run's (and reports whether the weights match).
# Usage: scripts/crash-resume.sh [--kills N] [--steps S] [--seed K] [--out DIR]
# ACTUATE: another launcher (e.g. "java -jar frozen.jar"); RANDOM_SEED: the kill schedule's seed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ACT="${ACTUATE:-$ROOT/scripts/actuate}"
KILLS=20 STEPS=65536 SEED=0 OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --kills) KILLS="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "crash-resume: unknown argument $1" >&2; exit 2 ;;
  esac
done
RANDOM=${RANDOM_SEED:-1}
WORK="${OUT:-$(mktemp -d -t actuate-crash-XXXXXX)}"
mkdir -p "$WORK"
# Small PPO on Pendulum: one env, short rollouts, a checkpoint after every iteration.
cat > "$WORK/ppo.yaml" <<EOF
n_timesteps: $STEPS
n_envs: 1
n_steps: 256
batch_size: 64
n_epochs: 2
hidden_sizes: [32, 32]
checkpoint_every: 1
EOF

# global_step from a checkpoint or policy file's JSON header (right after the 16-byte preamble:
# 8-byte magic, int version, int header length); a policy file keeps it in its provenance.
step_of() {
  python3 - "$1" <<'PY'
import json, struct, sys
b = open(sys.argv[1], 'rb').read()
assert b[:8] in (b'ACTUATE\x1a', b'\x89ACTPOL\n'), sys.argv[1] + ': not an Actuate file'
n = struct.unpack('>i', b[12:16])[0]
h = json.loads(b[16:16 + n])
print(h['global_step'] if 'global_step' in h else h['provenance']['global_step'])
PY
}
# Whether two policy files hold the same arrays: the headers differ (provenance has a timestamp),
# and so does the trailing 8-byte CRC that covers them.
same_weights() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
def body(p):
    b = open(p, 'rb').read()
    return b[16 + struct.unpack('>i', b[12:16])[0]:-8]
sys.exit(0 if body(sys.argv[1]) == body(sys.argv[2]) else 1)
PY
}

train() { # train DIR [--resume]; runs in the background, sets PID
  local dir="$1"; shift
  if [ "${1:-}" = "--resume" ]; then
    $ACT train --algo ppo --env Pendulum-v1 --seed "$SEED" --out "$dir" --resume --quiet >>"$dir.log" 2>&1 &
  else
    $ACT train --algo ppo --env Pendulum-v1 --seed "$SEED" --config "$WORK/ppo.yaml" --out "$dir" --quiet >>"$dir.log" 2>&1 &
  fi
  PID=$!
}

echo "crash-resume: work dir $WORK, $KILLS kills, $STEPS steps, seed $SEED"
t0=$(date +%s%N)
train "$WORK/reference"; wait "$PID"
ref_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ref_step=$(step_of "$WORK/reference/model.actuate")
echo "uninterrupted run: ${ref_ms} ms, final global_step $ref_step"

run="$WORK/crashed"
count_tmp() { if [ -d "$run" ]; then find "$run" -maxdepth 1 -name '.checkpoint.actuate*.tmp' | wc -l; else echo 0; fi; }
kills=0 in_write=0 fresh_starts=0 resumes=0 last_step=-1
while [ "$kills" -lt "$KILLS" ] && [ ! -f "$run/model.actuate" ]; do
  tmp_before=$(count_tmp)
  if [ -f "$run/checkpoint.actuate" ]; then train "$run" --resume; resumes=$((resumes + 1)); else train "$run"; fresh_starts=$((fresh_starts + 1)); fi
  if [ "$kills" -eq 0 ]; then
    # The first kill: a random moment in the first 3 s, usually before any checkpoint exists.
    delay_ms=$(( RANDOM % 3000 ))
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    delay_ms="${delay_ms} ms after start"
  else
    # Odd kills land inside a checkpoint write: SIGKILL as soon as the temp file of the k-th write
    # appears. Even kills: a random moment 0-1000 ms after this process's first write (mid-rollout
    # or mid-update). Tied to writes rather than wall time, so each attempt makes a little progress.
    if [ $((kills % 2)) -eq 1 ]; then writes=$(( RANDOM % 8 + 1 )) extra_ms=0; else writes=1 extra_ms=$(( RANDOM % 1000 )); fi
    python3 - "$run" "$PID" "$writes" "$extra_ms" <<'PY' || true
import os, signal, sys, time
d, pid, want, extra = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
seen, last, end = 0, None, time.time() + 300
stale = set(os.listdir(d)) if os.path.isdir(d) else set()  # left by earlier kills
while time.time() < end:
    try:
        tmp = [f for f in os.listdir(d) if f.startswith('.checkpoint.actuate') and f.endswith('.tmp') and f not in stale]
    except FileNotFoundError:
        tmp = []
    if tmp and tmp[0] != last:
        last, seen = tmp[0], seen + 1
        if seen >= want:
            time.sleep(extra / 1000.0)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            break
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        break
    time.sleep(0.0002)  # poll every 0.2 ms without taking a whole core
PY
    if [ "$extra_ms" -eq 0 ]; then delay_ms="at checkpoint write $writes"; else delay_ms="${extra_ms} ms after the first checkpoint write"; fi
  fi
  if ! kill -0 "$PID" 2>/dev/null; then
    rc=0; wait "$PID" || rc=$?
    if [ "$rc" -eq 137 ]; then :; # the watcher killed it
    elif [ "$rc" -ne 0 ]; then echo "FAIL: train exited with $rc before the kill; log: $run.log" >&2; tail -20 "$run.log" >&2; exit 1
    elif [ -f "$run/model.actuate" ]; then echo "run finished before kill $((kills + 1)); stopping the kills early"; break
    else continue; fi
  fi
  kill -KILL "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true
  kills=$((kills + 1))
  tmp=$(count_tmp)
  if [ "$tmp" -gt "$tmp_before" ]; then in_write=$((in_write + 1)); fi
  step="none"
  if [ -f "$run/checkpoint.actuate" ]; then
    step=$(step_of "$run/checkpoint.actuate") || { echo "FAIL: checkpoint unreadable after kill $kills" >&2; exit 1; }
    if [ "$step" -lt "$last_step" ]; then echo "FAIL: checkpoint went back from $last_step to $step" >&2; exit 1; fi
    last_step=$step
  fi
  echo "kill $kills ($delay_ms): checkpoint global_step $step$([ "$tmp" -gt "$tmp_before" ] && echo ', killed during a checkpoint write')"
done
# Let it finish (a last resume, or a fresh start if no checkpoint was ever written).
if [ ! -f "$run/model.actuate" ]; then
  if [ -f "$run/checkpoint.actuate" ]; then train "$run" --resume; resumes=$((resumes + 1)); else train "$run"; fi
  rc=0; wait "$PID" || rc=$?
  if [ "$rc" -ne 0 ]; then echo "FAIL: final resume exited with $rc; log: $run.log" >&2; tail -20 "$run.log" >&2; exit 1; fi
fi
final_step=$(step_of "$run/model.actuate")
same="differ"; same_weights "$WORK/reference/model.actuate" "$run/model.actuate" && same="identical"
leftover=$(find "$run" -maxdepth 1 -name '.*.tmp' | wc -l)
echo "kills $kills ($in_write during a checkpoint write), resumes $resumes, fresh starts $fresh_starts, leftover temp files $leftover"
echo "final global_step $final_step (uninterrupted $ref_step); weights $same"
if [ "$final_step" -ne "$ref_step" ]; then echo "FAIL: step counts differ" >&2; exit 1; fi
# Resume is exact on the CPU backend (same seed, same run), so the weights should match too.
if [ "$same" != "identical" ]; then echo "FAIL: the final weights differ from the uninterrupted run's" >&2; exit 1; fi
echo "PASS"
