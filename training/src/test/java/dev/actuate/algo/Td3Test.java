package dev.actuate.algo;

import dev.actuate.nn.NdArrays;
import dev.actuate.nn.RowHalves;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Rng;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.LoadedModels;
import dev.actuate.train.OrnsteinUhlenbeckNoise;
import dev.actuate.train.ReplayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class Td3Test {
    static final String PENDULUM = "Pendulum-v1";

    static Td3Config tiny(long steps, int policyDelay, NoiseType noise) {
        return new Td3Config(steps, 10_000, 64, 32, 1e-3, false, 0.98, 0.005, 1, TrainFreqUnit.STEP, 1, policyDelay,
                0.2, 0.5, noise, 0.1, List.of(16, 16), "relu", 1_000_000, 1_000, true);
    }

    private static float[] copy(INDArray a) {
        return a.dup().data().asFloat();
    }

    @Test
    void actorChangesOnlyEveryPolicyDelayCriticUpdates() throws Exception {
        try (Td3 td3 = new Td3(tiny(100, 3, NoiseType.NORMAL), PENDULUM, 2)) {
            td3.train(null, null, null);
            long u0 = td3.updates();
            for (int k = 1; k <= 9; k++) {
                float[] actor = copy(td3.actor().params());
                float[] critic = copy(td3.qf().params());
                td3.update();
                boolean actorStep = (u0 + k) % 3 == 0;
                assertThat(Arrays.equals(copy(td3.actor().params()), actor)).as("update %d", u0 + k).isEqualTo(!actorStep);
                assertThat(copy(td3.qf().params())).isNotEqualTo(critic); // critics learn every update
            }
            assertThat(td3.actorUpdates()).isEqualTo(td3.updates() / 3);
        }
    }

    /** The fraction of stored action components at exactly -1 or 1 in a warm-up-only run (no update yet). */
    private static double warmUpActionsAtTheBounds(NoiseType noise) throws Exception {
        Td3Config c = new Td3Config(300, 10_000, 1_000, 32, 1e-3, false, 0.98, 0.005, 1, TrainFreqUnit.STEP, 1, 2,
                0.2, 0.5, noise, 0.5, List.of(16, 16), "relu", 1_000_000, 1_000, true);
        try (Td3 td3 = new Td3(c, PENDULUM, 6)) {
            td3.train(null, null, null);
            assertThat(td3.updates()).isZero();
            ReplayBuffer.Batch b = td3.replay().newBatch(3_000);
            td3.replay().sample(new Rng(1), b);
            int atBound = 0;
            for (float a : b.actions) {
                assertThat(Math.abs(a)).isLessThanOrEqualTo(1f);
                if (Math.abs(a) == 1f) {
                    atBound++;
                }
            }
            return atBound / (double) b.actions.length;
        }
    }

    @Test
    void warmUpActionsCarryTheExplorationNoiseAsSb3s() throws Exception {
        // SB3's _sample_action adds the action noise to the uniform warm-up actions too, then clips to [-1, 1]:
        // with std 0.5 about a fifth of uniform draws leave the box and land on its edge. Without noise none do.
        assertThat(warmUpActionsAtTheBounds(NoiseType.NONE)).isZero();
        assertThat(warmUpActionsAtTheBounds(NoiseType.NORMAL)).isBetween(0.1, 0.35);
        assertThat(warmUpActionsAtTheBounds(NoiseType.ORNSTEIN_UHLENBECK)).isGreaterThan(0.0);
    }

    @Test
    void targetSmoothingNoiseIsClipped() {
        Rng rng = new Rng(4);
        int atClip = 0;
        for (int i = 0; i < 10_000; i++) {
            double e = Td3.targetNoise(rng, 2.0, 0.5);
            assertThat(Math.abs(e)).isLessThanOrEqualTo(0.5);
            if (Math.abs(e) == 0.5) {
                atClip++;
            }
        }
        assertThat(atClip).isGreaterThan(7_000); // std 2: P(|N| > 0.25) = 0.80
        // Small noise is left alone: the clip only bounds it.
        Rng a = new Rng(5);
        Rng b = new Rng(5);
        for (int i = 0; i < 100; i++) {
            assertThat(Td3.targetNoise(a, 0.01, 0.5)).isEqualTo(0.01 * b.nextGaussian());
        }
    }

    @Test
    void smoothedTargetActionsStayWithinClipOfTheTargetActor() throws Exception {
        try (Td3 td3 = new Td3(tiny(100, 2, NoiseType.NORMAL), PENDULUM, 8)) {
            td3.train(null, null, null);
            td3.replay().sample(new Rng(1), td3.batch());
            // Target actor output before smoothing (it does not change within criticUpdate).
            int b = td3.config().batchSize();
            INDArray x = OffPolicyParts.zeros(b, 3);
            NdArrays.fromFloats(td3.batch().nextObs, x);
            float[] clean = copy(td3.actorTarget().forward(x));
            td3.criticUpdate();
            double[] smoothed = td3.lastNextActions();
            for (int i = 0; i < b; i++) {
                assertThat(smoothed[i]).isBetween(-1.0, 1.0);
                assertThat(Math.abs(smoothed[i] - clean[i])).isLessThanOrEqualTo(0.5 + 1e-6);
            }
        }
    }

    @Test
    void terminatedTargetHasNoBootstrapAndTruncatedHasClippedDoubleQ() throws Exception {
        try (Td3 td3 = new Td3(tiny(10, 2, NoiseType.NORMAL), PENDULUM, 3)) {
            td3.replay().add(new double[] {1, 0, 0}, new double[] {0.1}, -2.0, new double[] {1, 0, 0.1}, true, false);
            td3.replay().add(new double[] {1, 0, 0}, new double[] {0.1}, -2.0, new double[] {1, 0, 0.1}, false, true);
            td3.replay().sample(new Rng(2), td3.batch());
            td3.criticUpdate();
            float[] y = td3.lastTargets();
            int[] idx = td3.batch().indices;
            boolean both = false;
            for (int i = 0; i < idx.length; i++) {
                if (idx[i] == 0) {
                    assertThat(y[i]).isEqualTo(-2.0f);
                } else {
                    assertThat(y[i]).isNotEqualTo(-2.0f);
                    both = true;
                }
            }
            assertThat(both).isTrue();
        }
    }

    @Test
    void resumeContinuesBitIdenticallyWithOrnsteinUhlenbeckNoise(@TempDir Path dir) throws Exception {
        long n = 300;
        long k = 130;
        float[] straight;
        try (Td3 td3 = new Td3(tiny(n, 2, NoiseType.ORNSTEIN_UHLENBECK), PENDULUM, 6)) {
            td3.train(null, null, null);
            straight = copy(td3.actor().params());
        }
        Path file = dir.resolve("ck.actuate");
        try (Td3 first = new Td3(tiny(n, 2, NoiseType.ORNSTEIN_UHLENBECK), PENDULUM, 6)) {
            first.train(null, null, s -> s.globalStep() < k);
            first.saveCheckpoint(file);
        }
        try (Td3 resumed = Td3.resume(file, null)) {
            resumed.train(null, null, null);
            assertThat(copy(resumed.actor().params())).containsExactly(straight);
        }
    }

    @Test
    void ddpgResumesExactlyAndItsModelIsTheActor(@TempDir Path dir) throws Exception {
        DdpgConfig c = new DdpgConfig(250, 10_000, 64, 32, 1e-3, false, 0.98, 0.005, 1, TrainFreqUnit.STEP, 1,
                NoiseType.NORMAL, 0.1, List.of(16, 16), "relu", 1_000_000, 1_000, true);
        float[] straight;
        try (Td3 d = Td3.ddpg(c, PENDULUM, 1)) {
            d.train(null, null, null);
            straight = copy(d.actor().params());
            Path m = dir.resolve("m.actuate");
            d.model().write(m);
            var controller = LoadedModels.asController(PolicyExport.model(Checkpoint.read(m)));
            INDArray x = OffPolicyParts.zeros(1, 3);
            NdArrays.fromFloats(new float[] {0.6f, 0.8f, -1.0f}, x);
            double a = d.actor().forward(x).getDouble(0, 0);
            assertThat(controller.act(new double[] {0.6, 0.8, -1.0})[0]).isCloseTo(2.0 * a, within(1e-4));
        }
        Path file = dir.resolve("ck.actuate");
        try (Td3 first = Td3.ddpg(c, PENDULUM, 1)) {
            first.train(null, null, s -> s.globalStep() < 100);
            first.saveCheckpoint(file);
        }
        try (Td3 resumed = Td3.resumeDdpg(file, null)) {
            resumed.train(null, null, null);
            assertThat(copy(resumed.actor().params())).containsExactly(straight);
        }
    }

    /** Critics (TD3) and Adam's element ranges (both) on two threads give the one-thread run exactly. */
    @Test
    void td3AndDdpgGiveTheSameRunOnOneAndTwoLearnerThreads() throws Exception {
        Td3Config c = tiny(300, 2, NoiseType.NORMAL).withNetwork(List.of(64, 64), 64);
        DdpgConfig d = new DdpgConfig(300, 10_000, 64, 64, 1e-3, false, 0.98, 0.005, 1, TrainFreqUnit.STEP, 1,
                NoiseType.ORNSTEIN_UHLENBECK, 0.1, List.of(64, 64), "relu", 1_000_000, 1_000, true);
        float[][] runs = new float[4][];
        for (int threads = 1; threads <= 2; threads++) {
            try (Td3 td3 = new Td3(c, PENDULUM, 21, threads); Td3 ddpg = Td3.ddpg(d, PENDULUM, 21, threads)) {
                td3.train(null, null, null);
                ddpg.train(null, null, null);
                assertThat(td3.learnerThreads()).isEqualTo(threads);
                runs[threads - 1] = concat(copy(td3.actor().params()), copy(td3.qf().params()));
                runs[threads + 1] = concat(copy(ddpg.actor().params()), copy(ddpg.qf().params()));
            }
        }
        assertThat(runs[1]).containsExactly(runs[0]);
        assertThat(runs[3]).containsExactly(runs[2]);
    }

    /** DDPG is TD3 with one critic, every update an actor update, and no target smoothing noise. */
    @Test
    void ddpgIsTd3WithOneCriticPolicyDelayOneAndNoSmoothing() throws Exception {
        DdpgConfig d = new DdpgConfig(120, 10_000, 64, 32, 1e-3, false, 0.98, 0.005, 1, TrainFreqUnit.STEP, 1,
                NoiseType.NORMAL, 0.1, List.of(16, 16), "relu", 1_000_000, 1_000, true);
        Td3Config t = d.toTd3();
        assertThat(t.policyDelay()).isEqualTo(1);
        assertThat(t.targetPolicyNoise()).isZero();
        try (Td3 ddpg = Td3.ddpg(d, PENDULUM, 4)) {
            ddpg.train(null, null, null);
            assertThat(ddpg.algorithm()).isEqualTo("ddpg");
            assertThat(ddpg.actorUpdates()).isEqualTo(ddpg.updates()).isEqualTo(120 - 64);
            // One critic [4 -> 16 -> 16 -> 1]; TD3's twin would hold twice as many.
            assertThat(ddpg.qf().numParams()).isEqualTo(4 * 16 + 16 + 16 * 16 + 16 + 16 + 1);
            // Without smoothing the target action is the target actor's output itself.
            ddpg.replay().sample(new Rng(1), ddpg.batch());
            INDArray x = OffPolicyParts.zeros(32, 3);
            NdArrays.fromFloats(ddpg.batch().nextObs, x);
            // Forward in the same two halves of rows the update uses (a gemm's rounding can depend on its row count).
            RowHalves halves = new RowHalves(ddpg.actorTarget(), 32);
            INDArray[] xh = halves.split(x);
            float[] clean = concat(copy(halves.half(0).forward(xh[0])), copy(halves.half(1).forward(xh[1])));
            ddpg.criticUpdate();
            double[] next = ddpg.lastNextActions();
            for (int i = 0; i < 32; i++) {
                assertThat(next[i]).isEqualTo(clean[i]);
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void ornsteinUhlenbeckNoiseIsMeanRevertingAndResets() {
        OrnsteinUhlenbeckNoise ou = new OrnsteinUhlenbeckNoise(1, 0.0, 0.0, 0.15, 0.01);
        ou.setState(new double[] {1.0});
        double[] out = new double[1];
        ou.sample(new Rng(1), out); // sigma 0: x <- x + theta (0 - x) dt
        assertThat(out[0]).isCloseTo(1.0 - 0.15 * 0.01, within(1e-12));
        ou.reset();
        assertThat(ou.state()[0]).isZero();
        // Stationary std sigma sqrt(dt / (2 theta dt - (theta dt)^2)) ~ sigma / sqrt(2 theta) for small dt.
        OrnsteinUhlenbeckNoise noise = new OrnsteinUhlenbeckNoise(1, 0.5);
        Rng rng = new Rng(3);
        double sum = 0;
        double sq = 0;
        int n = 400_000;
        for (int i = 0; i < 20_000; i++) {
            noise.sample(rng, out);
        }
        double lag = 0;
        double prev = out[0];
        for (int i = 0; i < n; i++) {
            noise.sample(rng, out);
            sum += out[0];
            sq += out[0] * out[0];
            lag += out[0] * prev;
            prev = out[0];
        }
        double var = sq / n - (sum / n) * (sum / n);
        double a = 1 - 0.15 * 0.01;
        double expectedVar = 0.25 * 0.01 / (1 - a * a);
        assertThat(var).isCloseTo(expectedVar, within(0.25 * expectedVar));
        assertThat(lag / sq).isCloseTo(a, within(0.01)); // strongly correlated in time
    }
}
