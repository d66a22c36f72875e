package dev.actuate.hw.robot;

import dev.actuate.hw.Signal;
import dev.actuate.hw.StateSample;
import dev.actuate.hw.config.AdapterType;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.mqtt.EmbeddedBroker;
import dev.actuate.hw.mqtt.NativeMqttAdapter;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.StepResult;
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

    @Test
    void lockStepHilReturnsEqualInProcessEvaluationForTheSameSeeds() throws Exception {
        long seed = 123;
        int episodes = 2;
        List<Double> expected = inProcessReturns(seed, episodes);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0);
             NativeMqttAdapter controller = new NativeMqttAdapter(controllerConfig(broker.url()));
             MqttRobot robot = new MqttRobot(Envs.make(ENV), RobotOptions.of(broker.url(), "pend", 20)
                     .withLockstep(true).withEpisodes(episodes, seed))) {
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
                    Thread.onSpinWait();
                    Thread.sleep(0, 100_000);
                }
            }
            MqttRobot.Result r = run.get(60, TimeUnit.SECONDS);
            assertThat(r.episodeReturns()).containsExactlyElementsOf(expected);
            assertThat(r.episodeLengths()).containsExactly(200, 200);
            assertThat(r.roundTrip().count()).isEqualTo(400);
            assertThat(r.roundTrip().p50Ms()).isPositive();
            assertThat(r.commandsRejected()).isZero();
        } finally {
            pool.shutdownNow();
        }
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
    }
}
