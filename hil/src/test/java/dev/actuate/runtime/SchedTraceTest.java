package dev.actuate.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Each missed deadline is blamed on a late timer interrupt, else on a delayed wake-up and what ran instead. */
class SchedTraceTest {
    private static final String HEADER = """
            # tracer: nop
            #
            #           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
            #              | |         |   |||||     |         |
            """;

    private static String sw(String comm, int pid, int cpu, String ts, String prev, int prevPid, int prevPrio,
            String next, int nextPid, int nextPrio) {
        return String.format("%16s-%-7d [%03d] d..2. %s: sched_switch: prev_comm=%s prev_pid=%d prev_prio=%d prev_state=S"
                + " ==> next_comm=%s next_pid=%d next_prio=%d%n", comm, pid, cpu, ts, prev, prevPid, prevPrio, next, nextPid, nextPrio);
    }

    private static String wake(String comm, int pid, int cpu, String ts, String who, int whoPid, int prio, int target) {
        return String.format("%16s-%-7d [%03d] dNh3. %s: sched_wakeup: comm=%s pid=%d prio=%d target_cpu=%03d%n",
                comm, pid, cpu, ts, who, whoPid, prio, target);
    }

    private static SchedTrace.Result analyze(String trace, long missNanos) throws IOException {
        return SchedTrace.analyze(new BufferedReader(new StringReader(HEADER + trace)), 100_000_000_000L,
                160_000_000_000L, List.of(missNanos), 4_000_000, Set.of(17514, 17513));
    }

    @Test
    void parsesTaskNamesWithSpacesDashesAndColonsAndTheExactTime() {
        SchedTrace.Line l = SchedTrace.Line.parse(
                "  MQTT Snd: actua-17517   [001] d..2. 62927.596806: sched_switch: prev_comm=MQTT Snd: actua prev_pid=17517");
        assertThat(l.cpu()).isEqualTo(1);
        assertThat(l.t()).isEqualTo(62_927_596_806_000L);
        assertThat(l.event()).isEqualTo("sched_switch");
        assertThat(l.body()).startsWith("prev_comm=MQTT Snd: actua");
        assertThat(SchedTrace.Line.parse("# tracer: nop")).isNull();
        assertThat(SchedTrace.Line.parse("CPU:1 [LOST 1234 EVENTS]")).isNull();
        assertThat(SchedTrace.Line.parse("  odd [x] name-1 [00a] d..2. 1.5: sched_switch: prev_comm=x")).isNull();
        assertThat(SchedTrace.priority(89)).isEqualTo("rt 10");
        assertThat(SchedTrace.priority(139)).isEqualTo("nice 19");
    }

    /** The robot's timer fired 2.76 ms after it was due: no thread of ours is to blame. */
    @Test
    void aLateTimerInterruptIsTheCauseAndIsListed() throws IOException {
        String t = "            java-17062   [000] d.h2. 150.000100: hrtimer_start: hrtimer=00000000aa function=hrtimer_wakeup"
                + " expires=149997000000 softexpires=149997000000 mode=ABS was_armed=0\n"
                + "            java-17062   [000] dNh3. 149.999760: hrtimer_expire_entry: hrtimer=00000000bb function=hrtimer_wakeup now=149999760000\n"
                + "            java-17062   [000] d.h2. 150.000050: hrtimer_start: hrtimer=00000000cc function=tick_nohz"
                + " expires=150000000000 softexpires=150000000000 mode=ABS|PINNED|SOFT was_armed=0\n"
                + "            java-17062   [000] d.s3. 150.009000: hrtimer_expire_entry: hrtimer=00000000cc function=tick_nohz now=150009000000\n"
                + "            java-17062   [000] dNh1. 150.001000: hrtimer_start: hrtimer=00000000bb function=hrtimer_wakeup"
                + " expires=150000000000 softexpires=150000000000 mode=ABS was_armed=0\n"
                + "            java-17062   [000] dNh3. 150.002760: hrtimer_expire_entry: hrtimer=00000000bb function=hrtimer_wakeup now=150002760000\n"
                + wake("java", 17062, 0, "150.002762", "actuate-bench-r", 17514, 89, 0)
                + sw("java", 17062, 0, "150.002770", "java", 17062, 139, "actuate-bench-r", 17514, 89);
        SchedTrace.Result r = analyze(t, 150_003_000_000L);
        assertThat(r.misses()).singleElement().satisfies(m -> {
            assertThat(m.cause()).isEqualTo(SchedTrace.Cause.TIMER_INTERRUPT_LATE);
            assertThat(m.detail()).contains("CPU 0 2.76 ms");
            assertThat(m.atSeconds()).isEqualTo(50.003, org.assertj.core.data.Offset.offset(1e-9));
        });
        // The timer started at 150.0001 that never fired, the expiry without a start and the soft timer (run from
        // a softirq, 9 ms late) are not measured.
        assertThat(r.lateTimerCount()).isEqualTo(1);
        assertThat(r.lateTimers()).singleElement().satisfies(x -> {
            assertThat(x.cpu()).isZero();
            assertThat(x.lateMs()).isEqualTo(2.76, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(x.atSeconds()).isEqualTo(50.0, org.assertj.core.data.Offset.offset(1e-9));
        });
        assertThat(r.causes()).containsEntry(SchedTrace.Cause.TIMER_INTERRUPT_LATE, 1)
                .containsEntry(SchedTrace.Cause.VCPU_NOT_RUNNING, 0).containsEntry(SchedTrace.Cause.NOT_PREEMPTED, 0).containsEntry(SchedTrace.Cause.CPU_BUSY, 0)
                .containsEntry(SchedTrace.Cause.UNATTRIBUTED, 0);
        assertThat(r.events()).isEqualTo(8);
    }

    /** The loop's thread woke on CPU 1 but a same-priority thread kept the CPU for 0.6 of its 0.8 ms wait: busy. */
    @Test
    void aDelayedWakeUpNamesWhatRanInstead() throws IOException {
        String t = sw("swapper/1", 0, 1, "150.000000", "swapper/1", 0, 120, "hog", 55, 89)
                + wake("MQTT Rec: actua", 17516, 0, "150.001000", "actuate-control", 17513, 89, 1)
                + sw("hog", 55, 1, "150.001600", "hog", 55, 89, "java", 17066, 139)
                + sw("java", 17066, 1, "150.001800", "java", 17066, 139, "actuate-control", 17513, 89)
                + wake("actuate-control", 17513, 1, "150.001850", "other", 999, 89, 1) // not one of ours
                + sw("actuate-control", 17513, 1, "150.003000", "actuate-control", 17513, 89, "other", 999, 89);
        SchedTrace.Result r = analyze(t, 150_003_000_000L);
        SchedTrace.Miss m = r.misses().get(0);
        assertThat(m.cause()).isEqualTo(SchedTrace.Cause.CPU_BUSY);
        assertThat(m.detail()).startsWith("actuate-control (rt 10) woke on CPU 1 and ran 0.80 ms later")
                .contains("hog/55 (rt 10) 0.60 ms, java/17066 (nice 19) 0.20 ms").contains("same or higher priority");
    }

    /**
     * A nice-19 task that started running before the window kept the CPU for 1.5 ms after a real-time thread
     * woke there: the kernel did not preempt it.
     */
    @Test
    void aLowerPriorityTaskKeepingTheCpuIsNotPreempted() throws IOException {
        String t = sw("swapper/0", 0, 0, "149.990000", "swapper/0", 0, 120, "java", 17062, 139) // before the window
                + wake("MQTT Rec: actua", 17516, 1, "150.000500", "actuate-bench-r", 17514, 89, 0)
                + sw("java", 17062, 0, "150.002000", "java", 17062, 139, "actuate-bench-r", 17514, 89);
        SchedTrace.Miss m = analyze(t, 150_003_000_000L).misses().get(0);
        assertThat(m.cause()).isEqualTo(SchedTrace.Cause.NOT_PREEMPTED);
        assertThat(m.detail()).startsWith("actuate-bench-r (rt 10) woke on CPU 0 and ran 1.50 ms later; meanwhile there: "
                + "java/17062 (nice 19) 1.50 ms (lower priority");
    }

    private static String runtime(String comm, int pid, int cpu, String ts, long nanos) {
        return String.format("%16s-%-7d [%03d] d..2. %s: sched_stat_runtime: comm=%s pid=%d runtime=%d [ns]%n",
                comm, pid, cpu, ts, comm, pid, nanos);
    }

    /**
     * The same wait, but the nice-19 task was charged only 0.3 ms of the 1.6 ms between its accounting points:
     * the hypervisor took the rest (steal), so the vCPU was not running.
     */
    @Test
    void stealAccountedDuringTheWaitMeansTheVcpuWasNotRunning() throws IOException {
        String t = sw("swapper/0", 0, 0, "149.990000", "swapper/0", 0, 120, "java", 17062, 139)
                + runtime("java", 17062, 0, "150.000400", 10_400_000)                  // 10.4 ms charged of 10.4: no steal
                + wake("MQTT Rec: actua", 17516, 1, "150.000500", "actuate-bench-r", 17514, 89, 0)
                + runtime("java", 17062, 0, "150.002000", 300_000)                     // 0.3 ms charged of 1.6
                + sw("java", 17062, 0, "150.002000", "java", 17062, 139, "actuate-bench-r", 17514, 89);
        SchedTrace.Result r = analyze(t, 150_003_000_000L);
        SchedTrace.Miss m = r.misses().get(0);
        assertThat(m.cause()).isEqualTo(SchedTrace.Cause.VCPU_NOT_RUNNING);
        // 1.3 ms stolen over [150.0004, 150.0020]; the wait [150.0005, 150.0020] holds 15/16 of it.
        assertThat(m.detail()).isEqualTo("actuate-bench-r (rt 10) woke on CPU 0 and ran 1.50 ms later; the hypervisor "
                + "took 1.22 ms of that (steal time)");
        assertThat(r.stealsOver1ms()).isEqualTo(1);
        assertThat(r.stolenMs()).isEqualTo(1.3, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void withNeitherTheMissIsUnattributedWithEachCpusLongestSilence() throws IOException {
        String t = wake("java", 1, 0, "150.000100", "actuate-bench-r", 17514, 89, 0)
                + sw("java", 1, 0, "150.000200", "java", 1, 139, "actuate-bench-r", 17514, 89)
                + sw("java", 2, 1, "150.002000", "java", 2, 139, "java", 3, 139);
        SchedTrace.Miss m = analyze(t, 150_003_000_000L).misses().get(0);
        assertThat(m.cause()).isEqualTo(SchedTrace.Cause.UNATTRIBUTED);
        // CPU 0: last event at 150.0002, 2.8 ms before the miss; CPU 1: 150.002 is 3 ms after the window's start.
        assertThat(m.detail()).contains("CPU 0 2.80 ms").contains("CPU 1 3.00 ms");
    }

    private static SchedTrace.Result recorded(String resource, long missNanos) throws IOException {
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(
                SchedTraceTest.class.getResourceAsStream("/sched-trace/" + resource), java.nio.charset.StandardCharsets.UTF_8))) {
            return SchedTrace.analyze(r, missNanos - 1_000_000_000L, missNanos + 1_000_000_000L, List.of(missNanos),
                    4_000_000, Set.of());
        }
    }

    /**
     * Recorded on the 2-vCPU VM (`bench hil --kernel-trace`, 500 Hz): both CPUs' timers fired 8-10 ms late, and
     * the scheduler's accounting shows the hypervisor took about that much from them: the same stall seen twice.
     */
    @Test
    void aRecordedHostStallIsALateTimerInterruptAndShowsAsSteal() throws IOException {
        SchedTrace.Result r = recorded("late-timer.trace", 64_899_976_153_153L);
        assertThat(r.misses()).singleElement().satisfies(m -> {
            assertThat(m.cause()).isEqualTo(SchedTrace.Cause.TIMER_INTERRUPT_LATE);
            assertThat(m.detail()).contains("CPU 1 9.61 ms");
        });
        assertThat(r.lateTimers()).extracting(SchedTrace.LateTimer::lateMs)
                .allSatisfy(ms -> assertThat(ms).isBetween(8.2, 9.7));
        assertThat(r.lateTimerCount()).isEqualTo(3);
        assertThat(r.stolenMs()).isGreaterThan(8.0);
        assertThat(r.events()).isEqualTo(540);
    }

    /** Recorded: a real-time thread woke on a CPU whose nice-19 task was charged only 0.06 of its 1.39 ms. */
    @Test
    void aRecordedWaitOnAStolenCpuIsVcpuNotRunning() throws IOException {
        SchedTrace.Miss m = recorded("steal.trace", 64_795_675_313_996L).misses().get(0);
        assertThat(m.cause()).isEqualTo(SchedTrace.Cause.VCPU_NOT_RUNNING);
        assertThat(m.detail()).isEqualTo("actuate-stall-p (rt 10) woke on CPU 0 and ran 1.39 ms later; the hypervisor "
                + "took 1.33 ms of that (steal time)");
    }

    /** A killed bench's instance (its process gone) is removed; a live one's and others' are left alone. */
    @Test
    void staleInstancesOfDeadProcessesAreRemoved(@TempDir Path instances) throws IOException {
        long dead = 4_000_000_000L; // above any pid_max
        Path stale = Files.createDirectory(instances.resolve("actuate-bench-" + dead));
        Path live = Files.createDirectory(instances.resolve("actuate-bench-" + ProcessHandle.current().pid()));
        Path other = Files.createDirectory(instances.resolve("someone-else-" + dead));
        KernelTrace.removeStale(instances, "actuate-bench");
        assertThat(stale).doesNotExist();
        assertThat(live).exists();
        assertThat(other).exists();
    }

    @Test
    void aMissingTracefsIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> KernelTrace.start(dir, "x", 1024)).hasMessageContaining(dir.toString())
                .hasMessageContaining("no tracefs");
    }

    /** Where this machine lets us (root, tracefs mounted), a real trace records and parses, and leaves nothing behind. */
    @Test
    void recordsARealTraceWhereTracefsIsWritable(@TempDir Path dir) throws Exception {
        Path root = Path.of(KernelTrace.DEFAULT_ROOT);
        assumeThat(Files.isWritable(root.resolve("instances"))).as("tracefs instances writable (root, tracefs mounted)").isTrue();
        Path file = dir.resolve("t.trace");
        String name = "actuate-test-" + ProcessHandle.current().pid(); // the instance start() makes
        long t0 = System.nanoTime();
        try (KernelTrace k = KernelTrace.start(root, "actuate-test", 1024)) {
            for (int i = 0; i < 20; i++) {
                Thread.sleep(1); // our own timer expiries and wake-ups
            }
            k.stopAndSave(file);
            assertThat(k.eventsLost()).isZero();
        }
        long t1 = System.nanoTime();
        assertThat(root.resolve("instances").resolve(name)).doesNotExist();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            SchedTrace.Result res = SchedTrace.analyze(r, t0, t1, List.of(), 0, Set.of());
            assertThat(res.events()).isGreaterThan(20);
        }
        // On the mono clock: every event lies within the recording's System.nanoTime bounds.
        try (var lines = Files.lines(file)) {
            assertThat(lines.map(SchedTrace.Line::parse).filter(java.util.Objects::nonNull).mapToLong(SchedTrace.Line::t))
                    .allSatisfy(t -> assertThat(t).isBetween(t0, t1));
        }
    }
}
