#!/usr/bin/env bash
# Soak: the controller (`actuate run`, shipped PPO lander policy, periodic trigger) drives the
# simulated lander (`actuate robot`, real time) at 500 Hz over a private loopback Mosquitto
# (`set_tcp_nodelay true`, free port) that is restarted every 60 s, for 10 minutes by default.
# Records into --out DIR:
#   samples.csv   every 5 s: RSS (kB) and thread count of the controller and robot JVMs
#   restarts.csv  per broker restart: kill and start times, the controller's safe-action time
#                 (kill -> link reported down; the safe action goes out on the next cycle) and
#                 the controller's and robot's reconnect times (broker up -> reconnected)
#   metrics.csv   the controller's loop metrics (cycles, overruns, missed cycles, ...)
#   summary.txt   the figures above in a few lines (also printed)
# Not part of CI. Usage: scripts/soak.sh [--duration S] [--restart-every S] [--rate HZ] [--out DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION=600
RESTART_EVERY=60
RATE=500
OUT="soak-$(date +%Y%m%d-%H%M%S)"
MOSQUITTO="${MOSQUITTO:-/usr/sbin/mosquitto}"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --restart-every) RESTART_EVERY="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for v in DURATION RESTART_EVERY RATE; do
  if ! [[ "${!v}" =~ ^[0-9]+$ ]] || [ "${!v}" -le 0 ]; then
    echo "soak.sh: --$(echo "$v" | tr 'A-Z_' 'a-z-'): must be a positive whole number, got '${!v}'" >&2
    exit 2
  fi
done
[ -x "$MOSQUITTO" ] || { echo "soak.sh: no Mosquitto at $MOSQUITTO (apt-get install mosquitto, or set MOSQUITTO)" >&2; exit 1; }
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
"$ROOT/scripts/actuate" --version >/dev/null # builds the jar if needed, before anything is timed

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="tcp://127.0.0.1:$PORT"
cat > "$OUT/mosquitto.conf" <<EOF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
EOF
# MQTT link events at INFO (reconnects), everything else as usual.
cat > "$OUT/logback.xml" <<'EOF'
<configuration>
  <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <logger name="dev.actuate.hw.mqtt.MqttLink" level="INFO"/>
  <root level="WARN"><appender-ref ref="STDERR"/></root>
</configuration>
EOF
# The lander robot config at the soak rate: watchdog 10 periods, a rate limit the policy never meets.
sed -e "s|^broker: .*|broker: $URL|" -e "s|^rate_hz: .*|rate_hz: $RATE|" -e "s|^robot: .*|robot: soak|" \
    -e "s|max_rate_per_s: .*|max_rate_per_s: 1000|" -e "s|watchdog_ms: .*|watchdog_ms: $((10000 / RATE))|" \
    "$ROOT/configs/robots/lander.yaml" > "$OUT/robot.yaml"

BROKER_PID=""
CTL_PID=""
ROBOT_PID=""
cleanup() {
  for p in $CTL_PID $ROBOT_PID $BROKER_PID; do
    kill "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

now() { date +%s.%N | cut -c1-14; }
wait_port() {
  python3 - "$PORT" <<'EOF'
import socket, sys, time
end = time.time() + 10
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.005)
sys.exit("broker did not open its port within 10 s")
EOF
}
start_broker() {
  "$MOSQUITTO" -c "$OUT/mosquitto.conf" >>"$OUT/mosquitto.log" 2>&1 &
  BROKER_PID=$!
  wait_port
}

start_broker
export JAVA_TOOL_OPTIONS="-Dlogback.configurationFile=$OUT/logback.xml"
"$ROOT/scripts/actuate" robot --env LunarLanderContinuous-v3 --broker "$URL" --id soak --rate-hz "$RATE" \
  --status-every 0 >"$OUT/robot.out" 2>"$OUT/robot.log" &
ROBOT_PID=$!
"$ROOT/scripts/actuate" run --robot "$OUT/robot.yaml" --model "$ROOT/models/ppo-LunarLanderContinuous-v3.actuate" \
  --rate "$RATE" --duration "$DURATION" --metrics-csv "$OUT/metrics.csv" >"$OUT/controller.out" 2>"$OUT/controller.log" &
CTL_PID=$!
T0=$(now)
echo "soak: $DURATION s at $RATE Hz over Mosquitto $URL, broker restart every $RESTART_EVERY s; output in $OUT"

echo "t_s,controller_rss_kb,controller_threads,robot_rss_kb,robot_threads" > "$OUT/samples.csv"
echo "restart,kill_epoch_s,start_epoch_s" > "$OUT/restarts.raw.csv"
sample() {
  local t c r
  t=$(python3 -c "print(f'{$(now) - $T0:.1f}')")
  c=$(awk '/^VmRSS/{r=$2} /^Threads/{t=$2} END{print r","t}' "/proc/$CTL_PID/status" 2>/dev/null || echo ",")
  r=$(awk '/^VmRSS/{r=$2} /^Threads/{t=$2} END{print r","t}' "/proc/$ROBOT_PID/status" 2>/dev/null || echo ",")
  echo "$t,$c,$r" >> "$OUT/samples.csv"
}
next_restart=$RESTART_EVERY
n=0
while kill -0 "$CTL_PID" 2>/dev/null; do
  sleep 5
  kill -0 "$CTL_PID" 2>/dev/null || break
  sample
  elapsed=$(python3 -c "print(int($(now) - $T0))")
  if [ "$elapsed" -ge "$next_restart" ] && [ "$elapsed" -lt "$((DURATION - 5))" ]; then
    n=$((n + 1))
    k=$(now)
    kill "$BROKER_PID"
    wait "$BROKER_PID" 2>/dev/null || true
    s=$(now)
    start_broker
    echo "$n,$k,$s" >> "$OUT/restarts.raw.csv"
    next_restart=$((next_restart + RESTART_EVERY))
  fi
done
wait "$CTL_PID" || echo "soak: controller exited with status $?" >&2
CTL_PID=""
# SIGTERM, not SIGINT: a non-interactive shell starts background jobs with SIGINT ignored.
kill -TERM "$ROBOT_PID" 2>/dev/null || true
wait "$ROBOT_PID" 2>/dev/null || true
ROBOT_PID=""

python3 - "$OUT" <<'EOF'
import csv, datetime, re, sys, os
out = sys.argv[1]
def log_times(path, pattern):
    """Epoch seconds of log lines matching pattern (the pattern's HH:mm:ss.SSS is local time, today)."""
    ts = []
    if not os.path.exists(path):
        return ts
    for line in open(path, errors="replace"):
        m = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) ", line)
        if m and re.search(pattern, line):
            ts.append(m.groups())
    return ts
def to_epoch(hms, ref):
    d = datetime.datetime.fromtimestamp(ref)
    t = d.replace(hour=int(hms[0]), minute=int(hms[1]), second=int(hms[2]), microsecond=int(hms[3]) * 1000)
    return t.timestamp()
restarts = list(csv.DictReader(open(os.path.join(out, "restarts.raw.csv"))))
rows = []
for r in restarts:
    k, s = float(r["kill_epoch_s"]), float(r["start_epoch_s"])
    def first_after(path, pattern, t):
        xs = [to_epoch(h, t) for h in log_times(path, pattern)]
        xs = [x for x in xs if x >= t - 0.002]
        return min(xs) if xs else None
    lost = first_after(os.path.join(out, "controller.log"), r"connection to .* lost", k)
    ctl = first_after(os.path.join(out, "controller.log"), r"MQTT reconnected", s)
    rob = first_after(os.path.join(out, "robot.log"), r"MQTT reconnected", s)
    ms = lambda a, b: "" if a is None else f"{(a - b) * 1000:.0f}"
    rows.append([r["restart"], f"{k:.3f}", f"{s:.3f}", f"{(s - k) * 1000:.0f}", ms(lost, k), ms(ctl, s), ms(rob, s)])
with open(os.path.join(out, "restarts.csv"), "w") as f:
    w = csv.writer(f)
    w.writerow(["restart", "kill_epoch_s", "start_epoch_s", "broker_down_ms", "controller_safe_action_ms",
                "controller_reconnect_ms", "robot_reconnect_ms"])
    w.writerows(rows)
samples = list(csv.DictReader(open(os.path.join(out, "samples.csv"))))
metrics = {}
if os.path.exists(os.path.join(out, "metrics.csv")):
    for m in csv.DictReader(open(os.path.join(out, "metrics.csv"))):
        metrics[m["metric"]] = m
lines = []
def col(name):
    return [float(s[name]) for s in samples if s[name]]
warm = [s for s in samples if float(s["t_s"]) >= 60] or samples
for who in ("controller", "robot"):
    rss = [float(s[who + "_rss_kb"]) / 1024 for s in warm if s[who + "_rss_kb"]]
    th = [int(s[who + "_threads"]) for s in warm if s[who + "_threads"]]
    if rss:
        lines.append(f"{who}: RSS after warm-up (t >= 60 s) first {rss[0]:.0f} MiB, last {rss[-1]:.0f} MiB, "
                     f"min {min(rss):.0f}, max {max(rss):.0f}; threads first {th[0]}, last {th[-1]}, max {max(th)}")
if metrics:
    g = lambda k: metrics.get(k, {}).get("count", "?")
    lines.append(f"controller loop: cycles {g('cycles')}, overruns {g('overruns')}, missed deadlines {g('missed_cycles')}, "
                 f"state timeouts {g('state_timeouts')}; round trip p99 {metrics.get('round_trip', {}).get('p99_us', '?')} us")
def stats(i):
    xs = [float(r[i]) for r in rows if r[i] != ""]
    return f"median {sorted(xs)[len(xs) // 2]:.0f} ms, max {max(xs):.0f} ms (n={len(xs)} of {len(rows)})" if xs else "none seen"
lines.append(f"broker restarts: {len(rows)}; broker down {stats(3)}")
lines.append(f"  safe action after the kill (link reported down): {stats(4)}")
lines.append(f"  reconnect after the broker is up: controller {stats(5)}; robot {stats(6)}")
for name, pattern in (("controller.out", r"^safety events"), ("robot.out", r"^robot .*episodes")):
    path = os.path.join(out, name)
    if os.path.exists(path):
        lines += [l.rstrip() for l in open(path, errors="replace") if re.search(pattern, l)][-1:]
open(os.path.join(out, "summary.txt"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
