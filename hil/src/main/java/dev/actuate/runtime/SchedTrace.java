package dev.actuate.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Names the cause of each missed deadline from a kernel trace ({@link KernelTrace}: ftrace's text output of
 * {@code sched_switch}, {@code sched_wakeup}, {@code hrtimer_start} and {@code hrtimer_expire_entry} on
 * CLOCK_MONOTONIC, the clock of {@code System.nanoTime}).
 *
 * <p>A missed deadline's window is the stretch before its timeout fired in which the state should have come.
 * In it, in this order:
 * <ol>
 *   <li>{@link Cause#TIMER_INTERRUPT_LATE}: a timer on some CPU fired {@value #LATE_NANOS} ns or more after it
 *       was due. Nothing that runs in the guest can delay a timer interrupt except code with interrupts off,
 *       so on a virtual machine this is the hypervisor not running that vCPU; every sleeping thread whose
 *       timer sat on that CPU (the simulated robot's tick, the loop's timeout) woke that late.</li>
 *   <li>One of the process's threads was woken but ran {@value #LATE_NANOS} ns or more later. If the
 *       scheduler's accounting shows the hypervisor took most of that wait (the wall time between two
 *       accounting points minus the runtime charged: paravirtual steal time), it is
 *       {@link Cause#VCPU_NOT_RUNNING}. Otherwise the tasks that
 *       ran on its CPU in between are named with their priorities. If tasks of lower priority held the CPU
 *       for most of the wait, it is {@link Cause#NOT_PREEMPTED}: a real-time thread preempts them at once
 *       unless the kernel is in a section it cannot leave (a kernel built without forced preemption, as
 *       {@code PREEMPT_NONE}). Otherwise it is {@link Cause#CPU_BUSY}: tasks of
 *       the same or a higher priority had the CPU, which placement and priorities can change.</li>
 *   <li>{@link Cause#UNATTRIBUTED}: none of these; the detail gives each CPU's longest stretch without a
 *       scheduler event.</li>
 * </ol>
 * Timers restarted by the kernel without an {@code hrtimer_start} (the periodic tick) are not measured:
 * their due time is not in the trace.
 */
public final class SchedTrace {
    /** Lateness from which a timer interrupt or a wake-up counts as a cause: a quarter of a 500 Hz period. */
    static final long LATE_NANOS = 500_000;
    /** Differences below this between wall time and charged runtime are clock granularity, not steal. */
    static final long STEAL_NOISE_NANOS = 20_000;

    /** What delayed a missed deadline's state. */
    public enum Cause {
        TIMER_INTERRUPT_LATE, VCPU_NOT_RUNNING, NOT_PREEMPTED, CPU_BUSY, UNATTRIBUTED;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One missed deadline: when (seconds from the case's start), its cause and the evidence. */
    public record Miss(double atSeconds, Cause cause, String detail) {
    }

    /** A timer interrupt that came {@code lateMs} late on {@code cpu}, {@code atSeconds} from the case's start. */
    public record LateTimer(double atSeconds, int cpu, double lateMs) {
    }

    /**
     * The analysis of one case.
     *
     * @param events      trace lines parsed
     * @param lateTimers  timers that fired over 1 ms late during the case (the first 1,000)
     * @param lateTimerCount how many did (all of them)
     * @param stealsOver1ms  stretches in which the hypervisor took a CPU for over 1 ms (steal accounting)
     * @param stolenMs       all the time it took from the CPUs during the case
     */
    public record Result(List<Miss> misses, List<LateTimer> lateTimers, long lateTimerCount, long stealsOver1ms,
            double stolenMs, long events) {
        /** Counts by cause, every cause present (zero where none). */
        public Map<Cause, Integer> causes() {
            Map<Cause, Integer> n = new LinkedHashMap<>();
            for (Cause c : Cause.values()) {
                n.put(c, 0);
            }
            for (Miss m : misses) {
                n.merge(m.cause(), 1, Integer::sum);
            }
            return n;
        }
    }

    /** One scheduler event inside some miss's window. */
    private record Event(long t, int cpu, boolean isSwitch, String prevComm, int prevPid, int prevPrio,
            String nextComm, int nextPid, int nextPrio, int wakeCpu) {
    }

    private record Expiry(long due, long fired, int cpu) {
    }

    /** Time the scheduler's clock did not count between two accounting points on a CPU: the vCPU's steal. */
    private record Stolen(long from, long to, int cpu, long nanos) {
    }

    private SchedTrace() {
    }

    /**
     * Reads a trace and explains each of {@code missNanos} (the times the loop's state timeout fired, on
     * {@code System.nanoTime}'s clock) from the {@code windowNanos} before it. {@code threads} are the thread
     * ids whose wake-ups count (the process's own); empty, every real-time thread's do.
     */
    public static Result analyze(BufferedReader trace, long caseStartNanos, long caseEndNanos, List<Long> missNanos,
            long windowNanos, Set<Integer> threads) throws IOException {
        List<Long> misses = missNanos.stream().sorted().toList();
        List<List<Event>> inWindow = new ArrayList<>();
        List<List<Expiry>> expiries = new ArrayList<>();
        List<List<Stolen>> stolen = new ArrayList<>();
        List<Map<Integer, Event>> runningAtStart = new ArrayList<>();
        for (int i = 0; i < misses.size(); i++) {
            inWindow.add(new ArrayList<>());
            expiries.add(new ArrayList<>());
            stolen.add(new ArrayList<>());
            runningAtStart.add(null);
        }
        // Each CPU's last accounting point (a switch or a sched_stat_runtime). The runtime a fair task is
        // charged runs on the scheduler's task clock, which leaves out the time the hypervisor reported as
        // stolen (paravirtual steal accounting): wall time minus runtime between two points is that steal.
        Map<Integer, Long> accounted = new HashMap<>();
        Map<Integer, Event> running = new HashMap<>(); // each CPU's latest switch: who runs there now
        Map<String, Long> armed = new HashMap<>();
        List<LateTimer> late = new ArrayList<>();
        long lateCount = 0;
        long stolenCount = 0;
        long stolenTotal = 0;
        long events = 0;
        String line;
        while ((line = trace.readLine()) != null) {
            Line l = Line.parse(line);
            if (l == null) {
                continue;
            }
            events++;
            switch (l.event) {
                case "hrtimer_start" -> {
                    // Soft timers expire in a softirq, which a busy CPU may hand to ksoftirqd: their lateness
                    // is that thread's scheduling, not the interrupt's.
                    if (!field(l.body, "mode=").contains("SOFT")) {
                        armed.put(field(l.body, "hrtimer="), Long.parseLong(field(l.body, " expires=")));
                    }
                }
                case "hrtimer_expire_entry" -> {
                    Long due = armed.remove(field(l.body, "hrtimer="));
                    if (due == null) {
                        break; // restarted by the kernel (the tick): its due time is not in the trace
                    }
                    long fired = Long.parseLong(field(l.body, "now="));
                    if (fired - due > 1_000_000 && fired >= caseStartNanos && fired <= caseEndNanos) {
                        lateCount++;
                        if (late.size() < 1000) {
                            late.add(new LateTimer((due - caseStartNanos) / 1e9, l.cpu, (fired - due) / 1e6));
                        }
                    }
                    for (int i = 0; i < misses.size(); i++) {
                        long m = misses.get(i);
                        if (due < m && fired > m - windowNanos) {
                            expiries.get(i).add(new Expiry(due, fired, l.cpu));
                        }
                    }
                }
                case "sched_stat_runtime" -> {
                    Long since = accounted.put(l.cpu, l.t);
                    if (since == null) {
                        break;
                    }
                    long steal = (l.t - since) - Long.parseLong(field(l.body, "runtime="));
                    if (steal < STEAL_NOISE_NANOS) {
                        break;
                    }
                    if (l.t >= caseStartNanos && since <= caseEndNanos) {
                        stolenTotal += steal;
                        stolenCount += steal > 1_000_000 ? 1 : 0;
                    }
                    for (int i = 0; i < misses.size(); i++) {
                        long m = misses.get(i);
                        if (since < m && l.t > m - windowNanos) {
                            stolen.get(i).add(new Stolen(since, l.t, l.cpu, steal));
                        }
                    }
                }
                case "sched_switch", "sched_wakeup" -> {
                    Event e = l.event.equals("sched_switch") ? switchEvent(l) : wakeEvent(l);
                    for (int i = 0; i < misses.size(); i++) {
                        long m = misses.get(i);
                        if (l.t >= m - windowNanos && l.t <= m) {
                            if (runningAtStart.get(i) == null) {
                                runningAtStart.set(i, new HashMap<>(running));
                            }
                            inWindow.get(i).add(e);
                        }
                    }
                    if (e.isSwitch) {
                        running.put(e.cpu, e);
                        accounted.put(e.cpu, e.t);
                    }
                }
                default -> {
                }
            }
        }
        List<Miss> out = new ArrayList<>();
        for (int i = 0; i < misses.size(); i++) {
            Map<Integer, Event> atStart = runningAtStart.get(i) == null ? Map.of() : runningAtStart.get(i);
            out.add(explain(misses.get(i), windowNanos, caseStartNanos, inWindow.get(i), atStart, expiries.get(i),
                    stolen.get(i), threads));
        }
        return new Result(out, late, lateCount, stolenCount, stolenTotal / 1e6, events);
    }

    private static Miss explain(long m, long window, long caseStart, List<Event> ev, Map<Integer, Event> runningAtStart,
            List<Expiry> exp, List<Stolen> stolen, Set<Integer> threads) {
        double at = (m - caseStart) / 1e9;
        Expiry worst = exp.stream().max(Comparator.comparingLong(e -> e.fired - e.due)).orElse(null);
        if (worst != null && worst.fired - worst.due >= LATE_NANOS) {
            TreeMap<Integer, Long> perCpu = new TreeMap<>();
            for (Expiry e : exp) {
                perCpu.merge(e.cpu, e.fired - e.due, Math::max);
            }
            StringBuilder cpus = new StringBuilder();
            perCpu.forEach((cpu, ns) -> {
                if (ns >= LATE_NANOS) {
                    cpus.append(cpus.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "CPU %d %.2f ms", cpu, ns / 1e6));
                }
            });
            return new Miss(at, Cause.TIMER_INTERRUPT_LATE, String.format(Locale.ROOT,
                    "timer interrupts came late (%s): the vCPU was not running or interrupts were off", cpus));
        }
        // The longest wake-up to run of the process's threads.
        long worstDelay = -1;
        Event worstWake = null;
        long worstRan = 0;
        for (int i = 0; i < ev.size(); i++) {
            Event w = ev.get(i);
            if (w.isSwitch || (threads.isEmpty() ? w.nextPrio >= 100 : !threads.contains(w.nextPid))) {
                continue;
            }
            long ran = m;
            for (int j = i + 1; j < ev.size(); j++) {
                Event s = ev.get(j);
                if (s.isSwitch && s.nextPid == w.nextPid) {
                    ran = s.t;
                    break;
                }
            }
            if (ran - w.t > worstDelay) {
                worstDelay = ran - w.t;
                worstWake = w;
                worstRan = ran;
            }
        }
        if (worstWake != null && worstDelay >= LATE_NANOS) {
            // Who had the woken thread's CPU from its wake-up until it ran: time per task, and how much of it
            // went to tasks of lower priority than the woken thread (a larger kernel prio is a lower priority).
            Map<String, Long> ranInstead = new LinkedHashMap<>();
            int cpu = worstWake.wakeCpu;
            Event current = runningAtStart.get(cpu);
            long since = worstWake.t;
            long lower = 0;
            for (Event s : ev) {
                if (!s.isSwitch || s.cpu != cpu) {
                    continue;
                }
                if (s.t < worstWake.t) {
                    current = s;
                    continue;
                }
                if (s.t > worstRan) {
                    break;
                }
                String prev = task(s.prevComm, s.prevPid, s.prevPrio);
                ranInstead.merge(prev, s.t - since, Long::sum);
                lower += s.prevPrio > worstWake.nextPrio ? s.t - since : 0;
                since = s.t;
                current = s;
            }
            if (current != null && worstRan > since && current.nextPid != worstWake.nextPid) {
                ranInstead.merge(task(current.nextComm, current.nextPid, current.nextPrio), worstRan - since, Long::sum);
                lower += current.nextPrio > worstWake.nextPrio ? worstRan - since : 0;
            }
            ranInstead.remove(task(worstWake.nextComm, worstWake.nextPid, worstWake.nextPrio));
            StringBuilder by = new StringBuilder();
            ranInstead.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
                    .forEach(e -> by.append(by.length() == 0 ? "" : ", ")
                            .append(String.format(Locale.ROOT, "%s %.2f ms", e.getKey(), e.getValue() / 1e6)));
            long steal = 0;
            for (Stolen x : stolen) {
                if (x.cpu == cpu) {
                    // The steal's share that falls inside the wait, pro rata.
                    long overlap = Math.min(x.to, worstRan) - Math.max(x.from, worstWake.t);
                    steal += overlap <= 0 ? 0 : Math.round((double) x.nanos * overlap / (x.to - x.from));
                }
            }
            if (2 * steal >= worstDelay) {
                return new Miss(at, Cause.VCPU_NOT_RUNNING, String.format(Locale.ROOT,
                        "%s (%s) woke on CPU %d and ran %.2f ms later; the hypervisor took %.2f ms of that (steal time)",
                        worstWake.nextComm, priority(worstWake.nextPrio), cpu, worstDelay / 1e6, steal / 1e6));
            }
            boolean notPreempted = 2 * lower >= worstDelay;
            return new Miss(at, notPreempted ? Cause.NOT_PREEMPTED : Cause.CPU_BUSY, String.format(Locale.ROOT,
                    "%s (%s) woke on CPU %d and ran %.2f ms later; meanwhile there: %s%s", worstWake.nextComm,
                    priority(worstWake.nextPrio), cpu, worstDelay / 1e6, by.length() == 0 ? "nothing traced" : by,
                    notPreempted ? " (lower priority: kept in a kernel section that cannot be preempted)"
                            : " (same or higher priority)"));
        }
        long[] lastSeen = new long[64];
        long[] silence = new long[64];
        java.util.Arrays.fill(lastSeen, m - window);
        int maxCpu = 0;
        for (Event e : ev) {
            if (e.cpu < 64) {
                silence[e.cpu] = Math.max(silence[e.cpu], e.t - lastSeen[e.cpu]);
                lastSeen[e.cpu] = e.t;
                maxCpu = Math.max(maxCpu, e.cpu);
            }
        }
        StringBuilder s = new StringBuilder();
        for (int c = 0; c <= maxCpu; c++) {
            silence[c] = Math.max(silence[c], m - lastSeen[c]);
            s.append(c == 0 ? "" : ", ").append(String.format(Locale.ROOT, "CPU %d %.2f ms", c, silence[c] / 1e6));
        }
        return new Miss(at, Cause.UNATTRIBUTED, "no late timer or delayed wake-up; longest stretch without a scheduler event: " + s);
    }

    private static String task(String comm, int pid, int prio) {
        return comm + "/" + pid + " (" + priority(prio) + ")";
    }

    /** The kernel's priority as chrt names it: below 100 real-time (FIFO/RR 99 - prio), else nice prio - 120. */
    static String priority(int prio) {
        return prio < 100 ? "rt " + (99 - prio) : "nice " + (prio - 120);
    }

    private static Event switchEvent(Line l) {
        String b = l.body;
        return new Event(l.t, l.cpu, true, between(b, "prev_comm=", " prev_pid="), Integer.parseInt(field(b, "prev_pid=")),
                Integer.parseInt(field(b, "prev_prio=")), between(b, "next_comm=", " next_pid="),
                Integer.parseInt(field(b, "next_pid=")), Integer.parseInt(field(b, "next_prio=")), l.cpu);
    }

    private static Event wakeEvent(Line l) {
        String b = l.body;
        return new Event(l.t, l.cpu, false, null, 0, 0, between(b, "comm=", " pid="), Integer.parseInt(field(b, " pid=")),
                Integer.parseInt(field(b, " prio=")), Integer.parseInt(field(b, "target_cpu=")));
    }

    /** The value after {@code key} up to the next space. */
    static String field(String body, String key) {
        int i = body.indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("no '" + key + "' in trace event: " + body);
        }
        i += key.length();
        int j = body.indexOf(' ', i);
        return j < 0 ? body.substring(i) : body.substring(i, j);
    }

    /** The text between {@code key} and {@code end} (a task name may hold spaces). */
    private static String between(String body, String key, String end) {
        int i = body.indexOf(key) + key.length();
        return body.substring(i, body.indexOf(end, i));
    }

    /**
     * One line of ftrace's text output: {@code <comm>-<pid> [<cpu>] <flags> <seconds>.<micros>: <event>: <body>}.
     * The task name may hold spaces and dashes; the CPU's brackets and the timestamp's colon are unambiguous.
     */
    record Line(long t, int cpu, String event, String body) {
        static Line parse(String s) {
            if (s.isEmpty() || s.charAt(0) == '#') {
                return null;
            }
            int open = s.indexOf("] ");
            int bracket = open < 0 ? -1 : s.lastIndexOf('[', open);
            if (bracket < 0) {
                return null;
            }
            int colon = s.indexOf(": ", open);
            int colon2 = colon < 0 ? -1 : s.indexOf(": ", colon + 2);
            if (colon2 < 0) {
                return null;
            }
            String ts = s.substring(s.lastIndexOf(' ', colon - 1) + 1, colon);
            int dot = ts.indexOf('.');
            try {
                int cpu = Integer.parseInt(s.substring(bracket + 1, open).trim());
                String frac = (ts.substring(dot + 1) + "000000000").substring(0, 9);
                long t = Long.parseLong(ts.substring(0, dot)) * 1_000_000_000L + Long.parseLong(frac);
                return new Line(t, cpu, s.substring(colon + 2, colon2), s.substring(colon2 + 2));
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                return null; // not an event line (ftrace's "[LOST n EVENTS]" notes and the like)
            }
        }
    }
}
