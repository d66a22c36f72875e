package dev.actuate.hw.robot;

import dev.actuate.hw.Signal;
import dev.actuate.hw.StateSample;
import dev.actuate.hw.config.AdapterType;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.mqtt.EmbeddedBroker;
import dev.actuate.hw.mqtt.MicroClock;
import dev.actuate.hw.mqtt.NativeMqttAdapter;
import dev.actuate.runtime.LoopClock;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.StepResult;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MqttRobotTest {
    private static final String ENV = "Pendulum-v1";
    /** One broker for the class (Moquette's shutdown takes seconds): Moquette here; {@code ...ActuateBrokerTest} hides {@code startBroker} to run every test over ActuateBroker. */
    static EmbeddedBroker broker;

    @org.junit.jupiter.api.BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start("127.0.0.1", 0);
    }

    @org.junit.jupiter.api.AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** A fixed policy: damp the swing. Inputs and outputs are rounded to float32 as the wire does. */
    private static double policy(double[] obs) {
        return (float) Math.max(-2, Math.min(2, -2.0 * obs[1] - 0.5 * obs[2]));
    }

    private static List<Double> inProcessReturns(long seed, int episodes) {
        List<Double> out = new ArrayList<>();
        try (Env env = Envs.make(ENV)) {
            for (int ep = 0; ep < episodes; ep++) {
                double[] obs = env.reset(seed + ep).observation();
                double ret = 0;
                while (true) {
                    double[] f = new double[obs.length];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = (float) obs[i];
                    }
                    StepResult s = env.step(new double[] {policy(f)});
                    ret += s.reward();
                    obs = s.observation();
                    if (s.done()) {
                        break;
                    }
                }
                out.add(ret);
            }
        }
        return out;
    }

    private static RobotConfig controllerConfig(String url) {
        return new RobotConfig("pend", url, AdapterType.NATIVE, PayloadFormat.BINARY, null, null, 20,
                List.of(new Signal("cos", "", -1, 1), new Signal("sin", "", -1, 1), new Signal("thdot", "rad/s", -8, 8)),
                List.of(new Signal("torque", "N*m", -2, 2)), List.of(), List.of(), ENV, null);
    }

    /** Plays {@code options} against a controller thread answering every fresh, non-final state with {@link #policy}. */
    static MqttRobot.Result play(String url, RobotOptions options) throws Exception {
        return play(url, new MqttRobot(Envs.make(ENV), options));
    }

    /** Plays {@code robot} (closed at the end) as {@link #play(String, RobotOptions)} does. */
    static MqttRobot.Result play(String url, MqttRobot robot) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (NativeMqttAdapter controller = new NativeMqttAdapter(controllerConfig(url)); robot) {
            controller.configure();
            controller.activate();
            Future<MqttRobot.Result> run = pool.submit(robot::run);
            StateSample s = new StateSample(3);
            long answered = -1;
            while (!run.isDone()) {
                if (controller.read(s) && s.sequence != answered && !s.terminated && !s.truncated) {
                    controller.write(new double[] {policy(s.values)}, s.sequence, s.sentMicros);
                    answered = s.sequence;
                } else {
                    Thread.sleep(0, 100_000);
                }
            }
            return run.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    static void assertLockStepMatchesInProcess(String url) throws Exception {
        long seed = 123;
        MqttRobot.Result r = play(url, RobotOptions.of(url, "pend", 20).withLockstep(true).withEpisodes(2, seed));
        assertThat(r.episodeReturns()).containsExactlyElementsOf(inProcessReturns(seed, 2));
        assertThat(r.episodeLengths()).containsExactly(200, 200);
        assertThat(r.roundTrip().count()).isEqualTo(400);
        assertThat(r.roundTrip().p50Ms()).isPositive();
        assertThat(r.commandsRejected()).isZero();
        assertThat(r.stepsWithoutFreshCommand()).isZero();
    }

    @Test
    void lockStepHilReturnsEqualInProcessEvaluationForTheSameSeeds() throws Exception {
        assertLockStepMatchesInProcess(broker.url());
    }

    @Test
    void injectedNoiseIsSeededAndLatencyDoesNotChangeLockStepReturns() throws Exception {
        RobotOptions base = RobotOptions.of(broker.url(), "pend", 20).withLockstep(true).withEpisodes(1, 7);
        MqttRobot.Result a = play(broker.url(), base.withInjection(0, 0, 0.05, 99));
        MqttRobot.Result b = play(broker.url(), base.withInjection(0, 0, 0.05, 99));
        MqttRobot.Result delayed = play(broker.url(), base.withInjection(2, 1, 0, 5));
        assertThat(a.episodeReturns()).isEqualTo(b.episodeReturns());
        assertThat(a.episodeReturns()).isNotEqualTo(inProcessReturns(7, 1));
        assertThat(delayed.episodeReturns()).isEqualTo(inProcessReturns(7, 1));
    }

    @Test
    void realTimeModeRunsEpisodesAtItsRateWithTheNewestCommand() throws Exception {
        MqttRobot.Result r = play(broker.url(), RobotOptions.of(broker.url(), "pend", 400).withEpisodes(1, 3));
        assertThat(r.episodeLengths()).containsExactly(200);
        assertThat(r.steps()).isEqualTo(200);
        assertThat(r.commandsReceived()).isPositive();
        assertThat(r.commandsRejected()).isZero();
    }

    /**
     * A fake tick timer: each wait ends exactly at its deadline, except every 50th, which returns
     * 7.3 ms late (a preempted robot thread).
     */
    private static final class LateEveryFiftieth implements LoopClock {
        private long now = 1_000_000_000L;
        final List<Long> deadlines = new ArrayList<>();

        @Override
        public synchronized long nanoTime() {
            return now;
        }

        @Override
        public long nowMicros() {
            return MicroClock.nowMicros();
        }

        @Override
        public synchronized void sleepUntil(long deadlineNanos) {
            deadlines.add(deadlineNanos);
            now = Math.max(now, deadlineNanos) + (deadlines.size() % 50 == 0 ? 7_300_000L : 0);
        }

        synchronized List<Long> deadlines() {
            return List.copyOf(deadlines);
        }
    }

    @Test
    void realTimeTicksKeepTheirAbsoluteGridAfterALateWakeUpAndTheLatenessIsRecorded() throws Exception {
        LateEveryFiftieth clock = new LateEveryFiftieth();
        MqttRobot robot = new MqttRobot(Envs.make(ENV), RobotOptions.of(broker.url(), "pend", 400).withEpisodes(1, 3),
                clock);
        MqttRobot.Result r = play(broker.url(), robot);

        assertThat(r.steps()).isEqualTo(200);
        List<Long> d = clock.deadlines();
        assertThat(d).hasSize(200);
        long period = 2_500_000L; // 400 Hz
        for (int k = 0; k < d.size(); k++) {
            assertThat(d.get(k)).as("deadline %d", k).isEqualTo(d.get(0) + k * period); // no drift after late ticks
        }
        // Ticks 50, 100 and 150 wake 7.3 ms late and the two after them catch up (4.8, 2.3 ms late); tick 200 is
        // the episode's last. Every other tick starts on time.
        Histogram late = robot.tickLatenessMicros();
        assertThat(late.getTotalCount()).isEqualTo(200);
        assertThat(late.getCountAtValue(0)).isEqualTo(190);
        assertThat(late.getCountBetweenValues(7_290, 7_310)).isEqualTo(4);
        assertThat(late.getCountBetweenValues(4_790, 4_810)).isEqualTo(3);
        assertThat(late.getCountBetweenValues(2_295, 2_305)).isEqualTo(3);
    }

    @Test
    void latencyStatsUseNearestRank() {
        LatencyStats l = new LatencyStats();
        for (int i = 1; i <= 100; i++) {
            l.add(i * 1000L);
        }
        LatencyStats.Summary s = l.summary();
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.p50Ms()).isEqualTo(50.0);
        assertThat(s.p99Ms()).isEqualTo(99.0);
        assertThat(s.maxMs()).isEqualTo(100.0);
        assertThat(s.meanMs()).isEqualTo(50.5);
        assertThat(s.p999Ms()).isEqualTo(100.0);

        LatencyStats m = new LatencyStats();
        for (int i = 1; i <= 2000; i++) {
            m.add(i, 1_000_000L + i, i / 4);
        }
        assertThat(m.summary().p999Ms()).isEqualTo(1.998); // nearest rank: ceil(0.999 * 2000) = 1998
        assertThat(m.slowest(2)).containsExactly(new LatencyStats.Sample(1_002_000L, 2000, 500),
                new LatencyStats.Sample(1_001_999L, 1999, 499));
    }
}
