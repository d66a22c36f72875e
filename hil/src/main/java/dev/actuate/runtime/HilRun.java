package dev.actuate.runtime;

import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.Signal;
import dev.actuate.hw.config.AdapterType;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.config.MqttSettings;
import dev.actuate.hw.config.MqttVersion;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.SafetyConfig;
import dev.actuate.hw.mqtt.EmbeddedBroker;
import dev.actuate.hw.mqtt.MicroClock;
import dev.actuate.hw.mqtt.NativeMqttAdapter;
import dev.actuate.hw.robot.LatencyStats;
import dev.actuate.hw.robot.MqttRobot;
import dev.actuate.hw.robot.RobotOptions;
import dev.actuate.runtime.safety.EStop;
import dev.actuate.runtime.safety.SafetyCounters;
import dev.actuate.runtime.safety.SafetyEvent;
import dev.actuate.runtime.safety.SafetyLayer;
import dev.actuate.runtime.safety.SafetySettings;
import dev.actuate.sim.Box;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One hardware-in-the-loop run, as {@code actuate demo} does it: a broker (embedded unless a URL is
 * given), the simulated robot ({@link MqttRobot}, lock-stepped) and the control loop with the
 * native MQTT adapter, then the same policy and seeds evaluated in-process for comparison.
 *
 * <p>The loop's trigger is {@link ControlLoop.Trigger#STATE} by default: each state the robot
 * publishes is answered at once, so the round trip is transport plus compute, and the lock-stepped
 * pair runs as fast as that allows ({@code rateHz} bounds the wait for a state).
 * {@link ControlLoop.Trigger#PERIODIC} answers on the loop's grid instead (up to a period later).
 *
 * <p>Lock-step makes the comparison exact: the robot steps only on the command answering its
 * newest state, so wall-clock jitter changes how long a run takes, not what it computes. Returns
 * then differ only if the safety layer intervened (reported) or the policy is not deterministic.
 * The safety layer passes actions through (limits = action space, no ramp, no rate limit), since
 * shaping them would make the comparison meaningless; the watchdog and NaN guard stay on (no
 * state limits either: the env's observation box is descriptive, not a fault threshold).
 */
public final class HilRun {
    private HilRun() {
    }

    /**
     * @param brokerUrl      broker to use, or null to start an embedded one on a free port
     * @param watchdogMillis state age that trips the watchdog
     * @param embeddedBroker which in-process broker to start when {@code brokerUrl} is null
     */
    public record Options(String envId, String brokerUrl, long seed, int episodes, double rateHz,
                          PayloadFormat payload, double watchdogMillis, double timeoutSeconds,
                          ControlLoop.Trigger trigger, int warmupEpisodes, EmbeddedBroker.Impl embeddedBroker) {
        public Options {
            if (episodes <= 0) {
                throw new IllegalArgumentException("episodes: must be positive, got " + episodes);
            }
            if (!(rateHz > 0)) {
                throw new IllegalArgumentException("rate: must be positive, got " + rateHz);
            }
            if (warmupEpisodes < 0) {
                throw new IllegalArgumentException("warm-up episodes: must be >= 0, got " + warmupEpisodes);
            }
            java.util.Objects.requireNonNull(embeddedBroker, "embeddedBroker");
        }

        public static Options of(String envId, int episodes, long seed, double rateHz) {
            return new Options(envId, null, seed, episodes, rateHz, PayloadFormat.BINARY, 250, 600,
                    ControlLoop.Trigger.STATE, 0, EmbeddedBroker.Impl.ACTUATE);
        }

        public Options withBroker(String url) {
            return new Options(envId, url, seed, episodes, rateHz, payload, watchdogMillis, timeoutSeconds, trigger,
                    warmupEpisodes, embeddedBroker);
        }

        public Options withTrigger(ControlLoop.Trigger t) {
            return new Options(envId, brokerUrl, seed, episodes, rateHz, payload, watchdogMillis, timeoutSeconds, t,
                    warmupEpisodes, embeddedBroker);
        }

        /** Which in-process broker to start when no broker URL is given. */
        public Options withEmbeddedBroker(EmbeddedBroker.Impl impl) {
            return new Options(envId, brokerUrl, seed, episodes, rateHz, payload, watchdogMillis, timeoutSeconds, trigger,
                    warmupEpisodes, impl);
        }

        /**
         * Runs {@code n} episodes over MQTT first (same broker, a fresh robot, loop and policy) and
         * discards them, so the measured run starts with JIT-compiled code and connected clients.
         */
        public Options withWarmup(int n) {
            return new Options(envId, brokerUrl, seed, episodes, rateHz, payload, watchdogMillis, timeoutSeconds, trigger, n,
                    embeddedBroker);
        }
    }

    /**
     * What a run measured; round trips are the robot's (state sent → command received).
     * {@code elapsedSeconds} is the MQTT run's wall time, so {@code cycles / elapsedSeconds} is the
     * rate achieved (with the state trigger a lock-stepped robot sets the pace, not {@code rateHz}).
     * Everything is measured after the warm-up episodes; {@code slowest} explains the slowest round
     * trips ({@link StallProbe}), {@code gcPauses} counts the GC pauses during the measured run.
     */
    public record Report(String envId, String broker, double rateHz, ControlLoop.Trigger trigger, double[] mqttReturns,
                         double[] inProcessReturns, LatencyStats.Summary roundTrip, long cycles, long overruns,
                         long missedDeadlines, Map<SafetyEvent, Long> safetyEvents, LoopMetrics metrics,
                         long robotStepsWithoutFreshCommand, double elapsedSeconds, int warmupEpisodes,
                         List<StallProbe.SlowCycle> slowest, int gcPauses) {
        public double achievedRateHz() {
            return elapsedSeconds > 0 ? cycles / elapsedSeconds : Double.NaN;
        }

        public double mqttMeanReturn() {
            return PolicyEvaluation.mean(mqttReturns);
        }

        public double inProcessMeanReturn() {
            return PolicyEvaluation.mean(inProcessReturns);
        }

        /** Largest per-episode |MQTT - in-process| return difference. */
        public double maxReturnDifference() {
            double d = 0;
            for (int i = 0; i < Math.min(mqttReturns.length, inProcessReturns.length); i++) {
                d = Math.max(d, Math.abs(mqttReturns[i] - inProcessReturns[i]));
            }
            return mqttReturns.length == inProcessReturns.length ? d : Double.POSITIVE_INFINITY;
        }
    }

    /** A native-protocol robot config whose signals are the env's spaces. */
    public static RobotConfig robotConfig(Env env, String robotId, String brokerUrl, double rateHz,
                                          PayloadFormat payload, double watchdogMillis) {
        Box obs = env.observationSpace();
        Box act = env.actionSpace();
        List<Signal> state = new ArrayList<>();
        for (int i = 0; i < obs.dim(); i++) {
            state.add(new Signal("obs/" + i, "", obs.low(i), obs.high(i)));
        }
        List<Signal> command = new ArrayList<>();
        double[] safe = new double[act.dim()];
        for (int i = 0; i < act.dim(); i++) {
            command.add(new Signal("action/" + i, "", act.low(i), act.high(i)));
            safe[i] = Math.min(act.high(i), Math.max(act.low(i), 0.0));
        }
        double[] rate = new double[act.dim()];
        Arrays.fill(rate, Double.POSITIVE_INFINITY);
        return new RobotConfig(robotId, brokerUrl, AdapterType.NATIVE, payload, null, null, rateHz, state, command,
                List.of(), List.of(), env.id(), new SafetyConfig(rate, watchdogMillis, safe, 0));
    }

    /** @param policies makes a fresh policy (one for MQTT, one for the in-process run: heuristics keep state) */
    public static Report run(Options o, Supplier<Policy> policies) throws InterruptedException {
        double[] inProcess = PolicyEvaluation.evaluate(Envs.make(o.envId()), policies.get(), o.seed(), o.episodes());
        EmbeddedBroker embedded = o.brokerUrl() == null ? EmbeddedBroker.start("127.0.0.1", 0, null, o.embeddedBroker()) : null;
        String url = embedded != null ? embedded.url() : o.brokerUrl();
        // Moquette 0.17 speaks only MQTT 3.1.1: say so rather than have every client try 5 first.
        MqttSettings link = embedded == null ? MqttSettings.defaults()
                : embedded.speaksMqtt5() ? MqttSettings.of(MqttVersion.V5) : MqttSettings.v311();
        try {
            if (o.warmupEpisodes() > 0) {
                runOnce(o, url, link, o.warmupEpisodes(), policies, null);
            }
            try (StallProbe probe = new StallProbe()) {
                Measured m = runOnce(o, url, link, o.episodes(), policies, probe);
                MqttRobot.Result result = m.result();
                double[] mqtt = result.episodeReturns().stream().mapToDouble(Double::doubleValue).toArray();
                LoopMetrics lm = m.loop().metrics();
                return new Report(o.envId(), embedded != null ? "embedded (" + embedded.impl().label() + ")" : url, o.rateHz(), o.trigger(), mqtt,
                        inProcess, result.roundTrip(), lm.cycles(), lm.overruns(), lm.missedCycles(), m.counters().snapshot(), lm,
                        result.stepsWithoutFreshCommand(), m.elapsedSeconds(), o.warmupEpisodes(),
                        probe.explain(m.slowest()), probe.gcPausesStartingAfter(m.settledMicros()));
            }
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private record Measured(MqttRobot.Result result, ControlLoop loop, SafetyCounters counters, double elapsedSeconds,
                            List<LatencyStats.Sample> slowest, long settledMicros) {
    }

    /** One robot and one loop for {@code episodes} episodes over the broker at {@code url}. */
    private static Measured runOnce(Options o, String url, MqttSettings mqtt, int episodes, Supplier<Policy> policies,
            StallProbe probe)
            throws InterruptedException {
        String robotId = "hil-" + Long.toHexString(System.nanoTime() & 0xFFFFFFL);
        MqttRobot.Result result;
        try (MqttRobot robot = new MqttRobot(Envs.make(o.envId()), new RobotOptions(url, robotId, o.rateHz(), true,
                o.seed(), episodes, 0, 0, 0, 0, o.payload(), null, null, mqtt))) {
            FutureTask<MqttRobot.Result> robotRun = new FutureTask<>(robot::run);
            Thread robotThread = new Thread(robotRun, "actuate-hil-robot");
            robotThread.setDaemon(true);
            RobotConfig cfg = robotConfig(Envs.make(o.envId()), robotId, url, o.rateHz(), o.payload(), o.watchdogMillis())
                    .withMqtt(mqtt);
            SafetyCounters counters = new SafetyCounters();
            double elapsed;
            ControlLoop loop;
            long t0;
            long settledMicros;
            try (NativeMqttAdapter adapter = new NativeMqttAdapter(cfg)) {
                loop = ControlLoop.builder(adapter, policies.get(),
                                new SafetyLayer(SafetySettings.of(cfg), 1 / o.rateHz(), counters, new EStop()))
                        .rateHz(o.rateHz()).localRoundTrip(false).trigger(o.trigger()).build();
                adapter.configure();
                adapter.activate();
                t0 = System.nanoTime();
                loop.start(); // first: it settles the heap before the robot's clock runs
                settledMicros = MicroClock.nowMicros(); // the loop's deliberate collection is not the run's
                robotThread.start();
                try {
                    result = robotRun.get((long) (o.timeoutSeconds() * 1000), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    robot.stop();
                    throw new IllegalStateException("HIL run did not finish " + episodes + " episodes within "
                            + o.timeoutSeconds() + " s");
                } catch (ExecutionException e) {
                    throw new IllegalStateException("simulated robot failed: " + e.getCause().getMessage(), e.getCause());
                } finally {
                    loop.stop();
                    loop.join(5000);
                    elapsed = (System.nanoTime() - t0) / 1e9;
                    if (adapter.lifecycleState() == LifecycleState.ACTIVE) {
                        adapter.deactivate();
                    }
                }
            }
            robotThread.join(5000);
            return new Measured(result, loop, counters, elapsed, probe != null ? result.slowestRoundTrips() : List.of(),
                    settledMicros);
        }
    }
}
