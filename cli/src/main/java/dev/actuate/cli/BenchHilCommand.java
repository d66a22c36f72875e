package dev.actuate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.config.MqttSettings;
import dev.actuate.hw.config.MqttVersion;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.mqtt.EmbeddedBroker;
import dev.actuate.hw.mqtt.MicroClock;
import dev.actuate.hw.mqtt.NativeMqttAdapter;
import dev.actuate.hw.robot.MqttRobot;
import dev.actuate.hw.robot.RobotOptions;
import dev.actuate.hw.sim.SimAdapter;
import dev.actuate.mosquitto.LocalMosquitto;
import dev.actuate.nn.Activation;
import dev.actuate.nn.infer.FloatMlp;
import dev.actuate.onnx.ActionMapping;
import dev.actuate.onnx.OnnxCodec;
import dev.actuate.onnx.OnnxExport;
import dev.actuate.onnx.OnnxModel;
import dev.actuate.onnx.OnnxNetwork;
import dev.actuate.onnx.OnnxPolicy;
import dev.actuate.runtime.ControlLoop;
import dev.actuate.runtime.HilRun;
import dev.actuate.runtime.KernelTrace;
import dev.actuate.runtime.LoopMetrics;
import dev.actuate.runtime.Policy;
import dev.actuate.runtime.SchedTrace;
import dev.actuate.runtime.StallProbe;
import dev.actuate.runtime.safety.EStop;
import dev.actuate.runtime.safety.SafetyCounters;
import dev.actuate.runtime.safety.SafetyLayer;
import dev.actuate.runtime.safety.SafetySettings;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Rng;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * {@code actuate bench hil}: round trip and missed deadlines at 100/500/1000 Hz over the embedded
 * brokers (Moquette, and Actuate's own single-threaded one) and a loopback Mosquitto, with the state (robot-clocked) and the periodic loop trigger;
 * loop period error at 1 kHz with the in-process SimAdapter; plain-Java inference latency of a
 * 64x64 policy, directly and imported from ONNX.
 *
 * <p>The robot (Pendulum) runs in real time at the case's rate, as a real robot does: it publishes
 * a state each tick and applies the newest command at the next tick. The round trip is the
 * robot's: from sending a state to receiving the command that answers it (frame timestamps, one
 * clock). With the state trigger the loop answers each state at once (transport both ways plus
 * compute); with the periodic trigger the answer also waits for the loop's next cycle (up to a
 * period). Missed deadlines are the loop's (overruns plus, with the state trigger, states that did
 * not arrive within 1.5 periods); {@code robot_stale_steps} counts robot ticks whose command had
 * not arrived, the robot's view of a missed deadline. Each case also reports how late the robot's own
 * ticks started (a tick over half a period late is a state timeout by itself), the JVM's CPU, and its
 * five slowest round trips with their likely cause ({@link StallProbe}), and the context switches per
 * second of the broker's threads and of this JVM (Linux; each hand-off between threads is one). Per broker, one unmeasured
 * case runs first (JIT compilation, class loading, connections).
 */
@Command(name = "hil", mixinStandardHelpOptions = true,
        description = "Benchmark hardware-in-the-loop round trip, loop jitter and inference latency")
public final class BenchHilCommand implements Callable<Integer> {
    private static final String ENV = "Pendulum-v1";

    @Option(names = "--seconds", description = "Seconds per case (default ${DEFAULT-VALUE}; the goals are stated over 60)")
    double seconds = 2;

    @Option(names = "--warmup-seconds", description = "Per broker, one unmeasured round-trip case of this length first "
            + "(JIT compilation, class loading, connection set-up), as the demo's warm-up; 0 = none (default ${DEFAULT-VALUE})")
    double warmupSeconds = 10;

    @Option(names = "--triggers", split = ",", paramLabel = "state,periodic",
            description = "Loop triggers for the round-trip cases (default state,periodic)")
    String[] triggers = {"state", "periodic"};

    @Option(names = "--rates", split = ",", description = "Loop rates for the round-trip cases (default 100,500,1000)")
    double[] rates = {100, 500, 1000};

    @Option(names = "--mosquitto-url", paramLabel = "URL",
            description = "Loopback Mosquitto to use (default: start one if mosquitto is installed)")
    String mosquittoUrl;

    @Option(names = "--mqtt-versions", split = ",", paramLabel = "5,3.1.1",
            description = "MQTT versions for the Mosquitto and embedded-actuate cases (default 5; Moquette speaks only 3.1.1)")
    String[] mqttVersions = {"5"};

    @Option(names = "--no-mosquitto", description = "Skip the Mosquitto cases")
    boolean noMosquitto;

    @Option(names = "--no-embedded", description = "Skip the embedded-broker cases")
    boolean noEmbedded;

    @Option(names = "--embedded-brokers", split = ",", paramLabel = "moquette,actuate",
            description = "In-process brokers to measure, in this order (default moquette,actuate): moquette (case \"embedded\","
                    + " MQTT 3.1.1) and Actuate's own single-threaded broker (case \"embedded-actuate\", the --mqtt-versions)")
    String[] embeddedBrokers = {"moquette", "actuate"};

    @Option(names = "--json", description = "Print one JSON object as the last line")
    boolean json;

    @Option(names = "--kernel-trace", paramLabel = "DIR",
            description = "Linux, as root: trace the scheduler and timers (ftrace) during each measured round-trip case, "
                    + "save the trace in DIR and name each missed deadline's cause from it (a late timer interrupt, a "
                    + "delayed thread and what ran instead, or unattributed). About 5 MB of text per second of case at 500 Hz: "
                    + "choose the cases with --rates and --triggers")
    Path kernelTraceDir;

    @Option(names = "--tracefs", paramLabel = "DIR", description = "Where tracefs is mounted (default ${DEFAULT-VALUE})")
    Path tracefs = Path.of(KernelTrace.DEFAULT_ROOT);

    @Option(names = "--inference-only", description = "Only the inference cases (FloatMlp and ONNX import)")
    boolean inferenceOnly;

    @Option(names = "--onnx-model", paramLabel = "FILE.onnx",
            description = "Time this ONNX policy's default output in the ONNX case (default: the 64x64 network, exported)")
    Path onnxModel;

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
        }
        if (!(warmupSeconds >= 0)) {
            throw new IllegalArgumentException("--warmup-seconds must be >= 0, got " + warmupSeconds);
        }
        if (kernelTraceDir != null) {
            // Checked before any case starts, so a missing tracefs stops nothing half-way.
            try {
                KernelTrace.requireTracefs(tracefs);
            } catch (IOException e) {
                throw new IllegalArgumentException("--tracefs " + e.getMessage(), e);
            }
        }
        List<MqttVersion> versions = new ArrayList<>();
        for (String v : mqttVersions) {
            MqttVersion parsed = MqttVersion.parse(v);
            if (parsed == null) {
                throw new IllegalArgumentException("--mqtt-versions: '" + v + "' is not one of 5, 3.1.1");
            }
            versions.add(parsed);
        }
        ControlLoop.Trigger[] ts = new ControlLoop.Trigger[triggers.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = ControlLoop.Trigger.parse("--triggers", triggers[i]);
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode out = om.createObjectNode();
        out.put("seconds_per_case", seconds);
        out.put("warmup_seconds_per_broker", warmupSeconds);
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("robot", "Pendulum-v1, real time at the case's rate");
        if (inferenceOnly) {
            out.set("inference_64x64", inferenceCase(om));
            out.set("inference_64x64_onnx", onnxInferenceCase(om));
            if (json) {
                System.out.println(out);
            }
            return 0;
        }
        ArrayNode rt = out.putArray("round_trip");

        if (!noEmbedded) {
            for (String b : embeddedBrokers) {
                EmbeddedBroker.Impl impl = EmbeddedBroker.Impl.parse("--embedded-brokers", b);
                String name = impl == EmbeddedBroker.Impl.MOQUETTE ? "embedded" : "embedded-" + impl.label();
                List<MqttVersion> vs = impl.speaksMqtt5() ? versions : List.of(MqttVersion.V3_1_1);
                // The broker's own threads, by their kernel names: where its hand-offs show as context switches.
                Threads threads = new Threads(ProcessHandle.current().pid(), impl == EmbeddedBroker.Impl.MOQUETTE
                        ? List.of("nioEventLoopGroup", "Session Executor", "pool-") : List.of("actuate-broker"));
                try (EmbeddedBroker embedded = EmbeddedBroker.start("127.0.0.1", 0, null, impl)) {
                    warmUp(om, name, embedded.url(), vs.get(0), ts[0]);
                    for (MqttVersion v : vs) {
                        for (ControlLoop.Trigger t : ts) {
                            for (double hz : rates) {
                                rt.add(roundTripCase(om, name, embedded.url(), v, hz, t, threads));
                            }
                        }
                    }
                }
            }
        }
        if (!noMosquitto) {
            LocalMosquitto local = null;
            String url = mosquittoUrl;
            if (url == null && LocalMosquitto.availableOrFail()) {
                local = LocalMosquitto.start();
                url = local.url();
            }
            try {
                if (url == null) {
                    System.out.println("mosquitto: not installed, cases skipped");
                    out.put("mosquitto", "skipped: not installed");
                } else {
                    warmUp(om, "mosquitto", url, versions.get(0), ts[0]);
                    Threads threads = local == null ? null : new Threads(local.pid(), List.of());
                    for (MqttVersion v : versions) {
                        for (ControlLoop.Trigger t : ts) {
                            for (double hz : rates) {
                                rt.add(roundTripCase(om, "mosquitto", url, v, hz, t, threads));
                            }
                        }
                    }
                }
            } finally {
                if (local != null) {
                    local.close();
                }
            }
        }
        out.set("loop_1khz_sim", jitterCase(om));
        out.set("inference_64x64", inferenceCase(om));
        out.set("inference_64x64_onnx", onnxInferenceCase(om));
        if (json) {
            System.out.println(out);
        }
        return 0;
    }

    /** One round-trip case whose figures are discarded: the measured cases then start with compiled code. */
    private void warmUp(ObjectMapper om, String brokerName, String url, MqttVersion version, ControlLoop.Trigger trigger)
            throws Exception {
        if (warmupSeconds > 0) {
            System.out.printf(Locale.ROOT, "warm-up: %.1f s over %s first, not measured%n", warmupSeconds, brokerName);
            roundTripCase(om, brokerName, url, version, rates[0], trigger, warmupSeconds, false, null);
        }
    }

    /** A process and the name prefixes of the broker's threads in it (empty: every thread). */
    private record Threads(long pid, List<String> prefixes) {
    }

    private ObjectNode roundTripCase(ObjectMapper om, String brokerName, String url, MqttVersion version, double hz,
            ControlLoop.Trigger trigger, Threads brokerThreads) throws Exception {
        return roundTripCase(om, brokerName, url, version, hz, trigger, seconds, true, brokerThreads);
    }

    private ObjectNode roundTripCase(ObjectMapper om, String brokerName, String url, MqttVersion version, double hz,
            ControlLoop.Trigger trigger, double caseSeconds, boolean report, Threads brokerThreads) throws Exception {
        String robotId = "bench-" + Long.toHexString(System.nanoTime() & 0xFFFFFFL);
        MqttSettings mqtt = new MqttSettings(version, true, MqttSettings.DEFAULT_EXPIRY_PERIODS, 0);
        RobotConfig cfg = HilRun.robotConfig(Envs.make(ENV), robotId, url, hz, PayloadFormat.BINARY, 1000).withMqtt(mqtt);
        Policy policy = (obs, action) -> action[0] = -2f * obs[1] - 0.5f * obs[2];
        SafetyCounters counters = new SafetyCounters();
        ControlLoop loop;
        MqttRobot.Result result;
        Histogram late;
        double cpuMsPerS;
        double brokerSwitchesPerS = -1;
        double jvmSwitchesPerS = -1;
        List<StallProbe.SlowCycle> slowest = List.of();
        int gcPauses = 0;
        double allocMbPerS = -1;
        long setupMissed = 0;
        long setupTimeouts = 0;
        long caseStartNanos = 0;
        long caseEndNanos = 0;
        long caseMissed = 0;
        long caseTimeouts = 0;
        KernelTrace kernelTrace = null;
        Path traceFile = null;
        long traceLost = 0;
        Set<Integer> threadIds = Set.of();
        try (MqttRobot robot = new MqttRobot(Envs.make(ENV), RobotOptions.of(url, robotId, hz).withMqtt(mqtt));
             NativeMqttAdapter adapter = new NativeMqttAdapter(cfg)) {
            loop = ControlLoop.builder(adapter, policy, new SafetyLayer(SafetySettings.of(cfg), 1 / hz, counters, new EStop()))
                    .rateHz(hz).localRoundTrip(false).trigger(trigger).build();
            FutureTask<MqttRobot.Result> run = new FutureTask<>(robot::run);
            Thread t = new Thread(run, "actuate-bench-robot");
            t.setDaemon(true);
            adapter.configure();
            adapter.activate();
            // Names the likely cause of the slowest round trips (GC, scheduling, broker), as the demo does. Started
            // before the loop, in the warm-up case too: its own start-up (JMX, a thread) stalled the first 0.1 s of
            // the measured case when it began there.
            try (StallProbe probe = new StallProbe()) {
                loop.start(); // before the robot: it settles the heap before the robot's clock runs
                long settledMicros = MicroClock.nowMicros(); // the loop's deliberate collection is not the case's
                t.start();
                long connectDeadline = System.nanoTime() + 10_000_000_000L;
                while (!robot.connected() && System.nanoTime() < connectDeadline) {
                    Thread.sleep(5); // time the steady state, not the connection set-up
                }
                long jvm = ProcessHandle.current().pid();
                if (report && kernelTraceDir != null) {
                    Files.createDirectories(kernelTraceDir);
                    // About 2 MB of events per second per CPU at 500 Hz with the broker in this JVM. Started
                    // before the set-up counts are read: a miss while the kernel allocates the buffer is set-up.
                    kernelTrace = KernelTrace.start(tracefs, "actuate-bench",
                            (int) Math.max(8192, Math.ceil(caseSeconds + 2) * 2048));
                }
                var jvm0 = ContextSwitches.snapshot(jvm, List.of());
                var broker0 = brokerThreads == null ? null : ContextSwitches.snapshot(brokerThreads.pid(), brokerThreads.prefixes());
                long cpu0 = processCpuNanos();
                long alloc0 = allocatedBytes();
                // Missed deadlines while the robot connected (the loop runs from before it) are set-up, not the
                // steady state the case measures: counted apart.
                setupMissed = loop.metrics().missedCycles();
                setupTimeouts = loop.metrics().stateTimeouts();
                long t0 = System.nanoTime();
                caseStartNanos = t0;
                Thread.sleep((long) (caseSeconds * 1000));
                // The case ends here: once the robot stops below, the loop times out on every period until it is
                // stopped too, and those misses are the teardown's, not the case's (they were counted before).
                caseMissed = loop.metrics().missedCycles() - setupMissed;
                caseTimeouts = loop.metrics().stateTimeouts() - setupTimeouts;
                caseEndNanos = System.nanoTime();
                if (kernelTrace != null) {
                    traceFile = kernelTraceDir.resolve(String.format(Locale.ROOT, "%s-%s-%s-%.0fhz.trace", brokerName,
                            version.label(), trigger.label(), hz));
                    kernelTrace.stopAndSave(traceFile);
                    traceLost = kernelTrace.eventsLost();
                    threadIds = ownThreadIds();
                }
                double elapsedS = (caseEndNanos - t0) / 1e9;
                cpuMsPerS = (processCpuNanos() - cpu0) / 1e6 / elapsedS;
                allocMbPerS = (allocatedBytes() - alloc0) / 1e6 / elapsedS;
                long jvmSwitches = ContextSwitches.between(jvm0, ContextSwitches.snapshot(jvm, List.of()));
                jvmSwitchesPerS = jvmSwitches < 0 ? -1 : jvmSwitches / elapsedS;
                if (broker0 != null) {
                    long n = ContextSwitches.between(broker0, ContextSwitches.snapshot(brokerThreads.pid(), brokerThreads.prefixes()));
                    brokerSwitchesPerS = n < 0 ? -1 : n / elapsedS;
                }
                robot.stop();
                result = run.get(10, TimeUnit.SECONDS);
                slowest = probe.explain(result.slowestRoundTrips());
                gcPauses = probe.gcPausesStartingAfter(settledMicros);
            }
            late = robot.tickLatenessMicros();
            loop.stop();
            loop.join(5000);
            adapter.deactivate();
        } finally {
            if (kernelTrace != null) {
                kernelTrace.close();
            }
        }
        ObjectNode n = om.createObjectNode();
        if (!report) {
            return n;
        }
        n.put("broker", brokerName);
        n.put("mqtt_version", version.label());
        n.put("trigger", trigger.label());
        n.put("rate_hz", hz);
        n.put("round_trips", result.roundTrip().count());
        n.put("p50_ms", result.roundTrip().p50Ms());
        n.put("p99_ms", result.roundTrip().p99Ms());
        n.put("p999_ms", result.roundTrip().p999Ms());
        n.put("max_ms", result.roundTrip().maxMs());
        // The robot's own timer: a tick more than half a period late delays its state past the loop's 1.5-period wait.
        long halfPeriodMicros = Math.round(500_000 / hz);
        long lateOver = late.getTotalCount() == 0 || late.getMaxValue() <= halfPeriodMicros ? 0
                : late.getCountBetweenValues(halfPeriodMicros + 1, late.getMaxValue());
        n.put("robot_tick_late_p50_ms", late.getValueAtPercentile(50) / 1e3);
        n.put("robot_tick_late_p99_ms", late.getValueAtPercentile(99) / 1e3);
        n.put("robot_tick_late_p999_ms", late.getValueAtPercentile(99.9) / 1e3);
        n.put("robot_tick_late_max_ms", late.getMaxValue() / 1e3);
        n.put("robot_ticks_late_over_half_period", lateOver);
        n.put("cycles", loop.metrics().cycles());
        n.put("overruns", loop.metrics().overruns());
        long missed = caseMissed;
        long timeouts = caseTimeouts;
        n.put("missed_deadlines", missed);
        n.put("state_timeouts", timeouts);
        n.put("setup_missed_deadlines", setupMissed);
        // When the measured case's state timeouts happened, in seconds from its start, and the start on
        // System.nanoTime's clock (CLOCK_MONOTONIC on Linux), to match them with an OS latency probe's events
        // (scripts/bench-os-latency.sh); the latest 256 at most.
        n.put("case_start_monotonic_s", caseStartNanos / 1e9);
        ArrayNode missedAt = n.putArray("missed_deadlines_at_s");
        List<Long> missNanos = new ArrayList<>();
        for (long at : loop.metrics().recentStateTimeoutNanos()) {
            if (at - caseStartNanos >= 0 && at - caseEndNanos < 0) {
                missedAt.add(Math.round((at - caseStartNanos) / 1e6) / 1e3);
                missNanos.add(at);
            }
        }
        SchedTrace.Result traced = null;
        if (traceFile != null) {
            // The state was due about a period before the timeout fired (1.5 periods after the last one): two
            // periods back covers the robot's tick and the hand-offs that carry its state.
            try (var r = Files.newBufferedReader(traceFile)) {
                traced = SchedTrace.analyze(r, caseStartNanos, caseEndNanos, missNanos, Math.round(2e9 / hz), threadIds);
            }
            ObjectNode k = n.putObject("kernel_trace");
            k.put("file", traceFile.toString());
            k.put("events", traced.events());
            k.put("events_lost", traceLost);
            k.put("late_timer_interrupts_over_1ms", traced.lateTimerCount());
            k.put("steals_over_1ms", traced.stealsOver1ms());
            k.put("stolen_ms", Math.round(traced.stolenMs() * 10) / 10.0);
            ArrayNode lt = k.putArray("late_timer_interrupts");
            traced.lateTimers().stream().limit(100).forEach(x -> lt.addObject().put("at_s", Math.round(x.atSeconds() * 1e4) / 1e4)
                    .put("cpu", x.cpu()).put("late_ms", Math.round(x.lateMs() * 100) / 100.0));
            ObjectNode byCause = k.putObject("missed_deadline_causes");
            traced.causes().forEach((c, count) -> byCause.put(c.key(), count));
            ArrayNode ms = k.putArray("missed_deadlines");
            for (SchedTrace.Miss m : traced.misses()) {
                ms.addObject().put("at_s", Math.round(m.atSeconds() * 1e3) / 1e3).put("cause", m.cause().key()).put("detail", m.detail());
            }
        }
        n.put("robot_steps", result.steps());
        n.put("robot_stale_steps", result.stepsWithoutFreshCommand());
        LoopMetrics.Summary ctl = loop.metrics().summary("round_trip");
        n.put("controller_state_to_send_p99_ms", ctl.p99Micros() / 1e3);
        n.put("compute_p99_us", loop.metrics().summary("compute").p99Micros());
        n.put("process_cpu_ms_per_s", Math.round(cpuMsPerS * 10) / 10.0);
        n.put("allocated_mb_per_s", Math.round(allocMbPerS * 100) / 100.0);
        n.put("gc_pauses", gcPauses);
        // Linux only (-1 elsewhere): the broker's threads (-1 for an external broker not started here) and this JVM's.
        n.put("broker_context_switches_per_s", Math.round(brokerSwitchesPerS));
        n.put("jvm_context_switches_per_s", Math.round(jvmSwitchesPerS));
        ArrayNode slow = n.putArray("slowest_round_trips");
        for (StallProbe.SlowCycle c : slowest) {
            slow.addObject().put("ms", c.ms()).put("at_s", c.atSeconds()).put("cause", c.cause()).put("detail", c.detail());
        }
        System.out.printf(Locale.ROOT, "%-16s %-5s %-8s %5.0f Hz: round trip p50 %.3f ms p99 %.3f ms p99.9 %.3f ms max %.3f ms (n=%d); "
                        + "%d missed deadlines (%d state timeouts; %d more while the robot connected), %d overruns; "
                        + "robot stale steps %d of %d; "
                        + "robot ticks late p99 %.3f ms max %.3f ms, %d over half a period; this JVM's CPU %.0f ms/s, allocating %.1f MB/s; "
                        + "context switches/s: broker %.0f, this JVM %.0f%n",
                brokerName, version.label(), trigger.label(), hz, result.roundTrip().p50Ms(), result.roundTrip().p99Ms(),
                result.roundTrip().p999Ms(), result.roundTrip().maxMs(), result.roundTrip().count(), missed, timeouts,
                setupMissed, loop.metrics().overruns(), result.stepsWithoutFreshCommand(), result.steps(),
                late.getValueAtPercentile(99) / 1e3, late.getMaxValue() / 1e3, lateOver, cpuMsPerS, allocMbPerS, brokerSwitchesPerS,
                jvmSwitchesPerS);
        System.out.printf(Locale.ROOT, "  slowest round trips (%d GC pauses during the case):%n", gcPauses);
        for (StallProbe.SlowCycle c : slowest) {
            System.out.println("    " + c);
        }
        if (traced != null) {
            System.out.printf(Locale.ROOT, "  kernel trace (%s, %d events, %d lost): %d timer interrupts over 1 ms late; "
                    + "the hypervisor took %.1f ms from the CPUs (%d stretches over 1 ms); missed deadlines by cause: %s%n",
                    traceFile, traced.events(), traceLost, traced.lateTimerCount(), traced.stolenMs(), traced.stealsOver1ms(),
                    traced.causes());
            for (SchedTrace.Miss m : traced.misses()) {
                System.out.printf(Locale.ROOT, "    +%.3f s %s: %s%n", m.atSeconds(), m.cause().key(), m.detail());
            }
        }
        return n;
    }

    /**
     * This process's thread ids (Linux, from /proc/self/task; empty elsewhere): whose wake-ups the trace judges.
     * The stall probe's sleeper is left out: it is not on the state's path, and its own late wake-ups would
     * otherwise be named instead of the robot's or the loop's.
     */
    private static Set<Integer> ownThreadIds() throws IOException {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return Set.of();
        }
        Set<Integer> ids = new HashSet<>();
        try (var s = Files.list(tasks)) {
            for (Path p : s.toList()) {
                String comm;
                try {
                    comm = Files.readString(p.resolve("comm")).trim();
                } catch (IOException ended) {
                    continue; // the thread ended meanwhile
                }
                if (!comm.startsWith("actuate-stall")) {
                    ids.add(Integer.parseInt(p.getFileName().toString()));
                }
            }
        }
        return ids;
    }

    /**
     * Bytes allocated so far by this JVM's live threads (what drives young collections); a thread that ended
     * meanwhile drops out, so only a steady state's difference is meaningful.
     */
    private static long allocatedBytes() {
        if (!(java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx)) {
            return 0;
        }
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /** CPU time of this whole JVM (broker, robot and controller when the broker is embedded), or 0 where unknown. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    private ObjectNode jitterCase(ObjectMapper om) {
        SimAdapter sim = new SimAdapter(Envs.make(ENV), 0);
        Policy policy = (obs, action) -> action[0] = -2f * obs[1] - 0.5f * obs[2];
        double hz = 1000;
        ControlLoop loop = ControlLoop.builder(sim, policy, new SafetyLayer(
                        SafetySettings.passThrough(sim.commandSignals(), 0.1), 1 / hz, new SafetyCounters(), new EStop()))
                .rateHz(hz).maxCycles((long) (seconds * hz)).build();
        sim.configure();
        sim.activate();
        loop.run(); // on this thread: nothing else runs here
        LoopMetrics m = loop.metrics();
        LoopMetrics.Summary pe = m.summary("period_error");
        LoopMetrics.Summary c = m.summary("compute");
        ObjectNode n = om.createObjectNode();
        n.put("rate_hz", hz);
        n.put("cycles", m.cycles());
        n.put("period_error_p50_us", pe.p50Micros());
        n.put("period_error_p99_us", pe.p99Micros());
        n.put("period_error_max_us", pe.maxMicros());
        n.put("compute_p99_us", c.p99Micros());
        n.put("overruns", m.overruns());
        n.put("missed_deadlines", m.missedCycles());
        System.out.printf(Locale.ROOT, "SimAdapter 1000 Hz: period error p50 %.1f us p99 %.1f us max %.1f us; compute p99 %.1f us; %d overruns%n",
                pe.p50Micros(), pe.p99Micros(), pe.maxMicros(), c.p99Micros(), m.overruns());
        return n;
    }

    /** A 64x64 tanh MLP (LunarLander's 8 inputs, 2 outputs) through FloatMlp, timed per call. */
    private ObjectNode inferenceCase(ObjectMapper om) {
        FloatMlp mlp = benchMlp();
        float[] obs = new float[8];
        float[] act = new float[2];
        return timed(om, "8-64-64-2 tanh", "FloatMlp", obs, act, () -> mlp.act(obs, act));
    }

    /**
     * The same network exported to ONNX (Gemm/Tanh, clip to [-1, 1]), read back through the file
     * format and run by the plain-Java importer, as an imported SB3 policy runs.
     */
    private ObjectNode onnxInferenceCase(ObjectMapper om) throws IOException {
        OnnxNetwork net;
        String label;
        if (onnxModel != null) {
            net = OnnxNetwork.load(onnxModel, null);
            label = onnxModel.getFileName() + " " + net.inputSize() + "->" + net.outputSize() + " " + net.opsRun();
        } else {
            FloatMlp mlp = benchMlp();
            OnnxExport.PolicySpec spec = new OnnxExport.PolicySpec("bench", mlp.sizes(), mlp.hiddenActivation(),
                    mlp.outputActivation(), mlp.params(), null, null, 0, 0, OnnxExport.OutputMap.CLIP, 2,
                    new double[] {-1, -1}, new double[] {1, 1});
            OnnxModel model = OnnxCodec.parse(OnnxCodec.serialize(OnnxExport.toOnnx(spec)));
            net = OnnxNetwork.compile(model, null, "bench");
            label = "8-64-64-2 tanh, ONNX import";
        }
        OnnxPolicy policy = new OnnxPolicy(net, ActionMapping.NONE, null, null);
        float[] obs = new float[Math.max(8, net.inputSize())];
        float[] in = new float[net.inputSize()];
        float[] act = new float[net.outputSize()];
        return timed(om, label, "ONNX", obs, act, () -> {
            System.arraycopy(obs, 0, in, 0, in.length);
            policy.act(in, act);
        });
    }

    private static FloatMlp benchMlp() {
        int[] sizes = {8, 64, 64, 2};
        int nParams = 8 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2;
        float[] params = new float[nParams];
        Rng rng = new Rng(0);
        for (int i = 0; i < nParams; i++) {
            params[i] = (float) rng.uniform(-0.2, 0.2);
        }
        return new FloatMlp(sizes, Activation.TANH, Activation.IDENTITY, params);
    }

    /** Times {@code call} (which reads {@code obs} and writes {@code act}) per call, after JIT warm-up. */
    private ObjectNode timed(ObjectMapper om, String layers, String name, float[] obs, float[] act, Runnable call) {
        Histogram h = new Histogram(1_000_000_000L, 3);
        long end = System.nanoTime() + (long) (Math.min(seconds, 5) * 1e9);
        long calls = 0;
        float sink = 0;
        while (System.nanoTime() < end) {
            obs[(int) (calls & 7)] = (float) (calls % 100) * 0.01f;
            long t0 = System.nanoTime();
            call.run();
            long t1 = System.nanoTime();
            sink += act[0];
            if (calls++ > 20_000) { // after JIT warm-up
                h.recordValue(Math.max(0, t1 - t0));
            }
        }
        ObjectNode n = om.createObjectNode();
        n.put("layers", layers);
        n.put("calls", h.getTotalCount());
        n.put("p50_us", h.getValueAtPercentile(50) / 1e3);
        n.put("p99_us", h.getValueAtPercentile(99) / 1e3);
        n.put("checksum", sink);
        System.out.printf(Locale.ROOT, "%s %s inference: p50 %.2f us p99 %.2f us (n=%d)%n", name, layers,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getTotalCount());
        return n;
    }
}
