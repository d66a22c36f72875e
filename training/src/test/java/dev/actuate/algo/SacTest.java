package dev.actuate.algo;

import dev.actuate.nn.NdArrays;
import dev.actuate.nn.TwinCritic;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Evaluation;
import dev.actuate.sim.Rng;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.LoadedModels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SacTest {
    static final String PENDULUM = "Pendulum-v1";

    /** Tiny nets, small batch, learning after 64 random steps. */
    static SacConfig tiny(long steps) {
        return new SacConfig(steps, 10_000, 64, 32, 1e-3, false, 0.99, 0.005, 1, TrainFreqUnit.STEP, 1, null, 1.0,
                null, 1, List.of(16, 16), "tanh", 1_000_000, 1_000, true);
    }

    private static float[] copy(INDArray a) {
        return a.dup().data().asFloat();
    }

    @Test
    void actorUpdateLeavesCriticParamsAndAdamStateUnchanged() throws Exception {
        try (Sac sac = new Sac(tiny(200), PENDULUM, 3)) {
            sac.train(null, null, null); // fills the buffer and runs some updates
            sac.replay().sample(sac.rng(), sac.batch());
            float[] qParams = copy(sac.qf().params());
            float[] qAdam = copy(sac.qOptimizer().state());
            int qIter = sac.qOptimizer().iteration();
            float[] actorBefore = copy(sac.actor().params());
            sac.actorUpdate(sac.alpha());
            assertThat(copy(sac.qf().params())).containsExactly(qParams);
            assertThat(copy(sac.qOptimizer().state())).containsExactly(qAdam);
            assertThat(sac.qOptimizer().iteration()).isEqualTo(qIter);
            assertThat(copy(sac.actor().params())).isNotEqualTo(actorBefore);
        }
    }

    @Test
    void minQInputGradientMatchesFiniteDifferences() throws Exception {
        try (Sac sac = new Sac(tiny(100), PENDULUM, 5)) {
            sac.train(null, null, null);
            sac.replay().sample(sac.rng(), sac.batch());
            int b = sac.config().batchSize();
            float[] obs = sac.batch().obs.clone();
            double[] act = new double[b];
            Rng r = new Rng(11);
            for (int i = 0; i < b; i++) {
                act[i] = r.uniform(-0.9, 0.9);
            }
            double[] grad = new double[b];
            sac.minQInputGradient(obs, act, grad);
            double h = 1e-2;
            double[] plus = minQ(sac, obs, shifted(act, h));
            double[] minus = minQ(sac, obs, shifted(act, -h));
            int checked = 0;
            for (int i = 0; i < b; i++) {
                double fd = (plus[i] - minus[i]) / (2 * h);
                // tanh critics are smooth; skip rows where the min switches between the twins within +-h.
                if (switches(sac, obs, act, i, h)) {
                    continue;
                }
                assertThat(grad[i]).as("row %d", i).isCloseTo(fd, within(2e-3 + 2e-2 * Math.abs(fd)));
                checked++;
            }
            assertThat(checked).isGreaterThan(b / 2);
        }
    }

    private static double[] shifted(double[] a, double h) {
        double[] s = a.clone();
        for (int i = 0; i < s.length; i++) {
            s[i] += h;
        }
        return s;
    }

    private static double[] minQ(Sac sac, float[] obs, double[] act) {
        int b = act.length;
        INDArray in = OffPolicyParts.zeros(b, 4);
        OffPolicyParts.concat(obs, 3, act, 1, b, in);
        TwinCritic qf = sac.qf();
        double[] q1 = qf.q1().forward(in).dup().data().asDouble();
        double[] q2 = qf.q2().forward(in).dup().data().asDouble();
        double[] m = new double[b];
        for (int i = 0; i < b; i++) {
            m[i] = Math.min(q1[i], q2[i]);
        }
        return m;
    }

    private static boolean switches(Sac sac, float[] obs, double[] act, int row, double h) {
        int b = act.length;
        boolean[] first = new boolean[3];
        double[] shifts = {-h, 0, h};
        for (int k = 0; k < 3; k++) {
            INDArray in = OffPolicyParts.zeros(b, 4);
            OffPolicyParts.concat(obs, 3, shifted(act, shifts[k]), 1, b, in);
            double q1 = sac.qf().q1().forward(in).getDouble(row, 0);
            double q2 = sac.qf().q2().forward(in).getDouble(row, 0);
            first[k] = q1 <= q2;
        }
        return first[0] != first[1] || first[1] != first[2];
    }

    @Test
    void terminatedTargetIsRewardAndTruncatedBootstrapsThroughMinTargetQ() throws Exception {
        SacConfig c = tiny(10);
        try (Sac sac = new Sac(c, PENDULUM, 7)) {
            // Two transitions only: index 0 terminated, index 1 truncated; same observations otherwise.
            sac.replay().add(new double[] {1, 0, 0.5}, new double[] {0.3}, -1.5, new double[] {0.9, 0.1, 0.4}, true, false);
            sac.replay().add(new double[] {1, 0, 0.5}, new double[] {0.3}, -1.5, new double[] {0.9, 0.1, 0.4}, false, true);
            sac.replay().sample(sac.rng(), sac.batch());
            // Lift both target critics well away from 0 so the bootstrap term cannot vanish by chance.
            sac.qfTarget().q1().bias(2).addi(10);
            sac.qfTarget().q2().bias(2).addi(12);
            double alpha = sac.alpha();
            sac.criticUpdate(alpha);
            float[] y = sac.lastTargets();
            double[] nextAct = sac.lastNextActions().clone();
            double[] nextLogProb = sac.lastNextLogProbs().clone();
            int[] idx = sac.batch().indices;
            float[] nextObs = sac.batch().nextObs.clone();
            // Recompute min(Q1', Q2')(s', a') - alpha log pi with the (unchanged) target critics.
            int b = c.batchSize();
            INDArray in = OffPolicyParts.zeros(b, 4);
            OffPolicyParts.concat(nextObs, 3, nextAct, 1, b, in);
            double[] q1 = sac.qfTarget().q1().forward(in).dup().data().asDouble();
            double[] q2 = sac.qfTarget().q2().forward(in).dup().data().asDouble();
            boolean sawTerminated = false;
            boolean sawTruncated = false;
            for (int i = 0; i < b; i++) {
                if (idx[i] == 0) {
                    assertThat(y[i]).isEqualTo(-1.5f);
                    sawTerminated = true;
                } else {
                    double soft = Math.min(q1[i], q2[i]) - alpha * nextLogProb[i];
                    assertThat((double) y[i]).isCloseTo(-1.5 + 0.99 * soft, within(1e-4));
                    assertThat(soft).isGreaterThan(5.0);
                    sawTruncated = true;
                }
            }
            assertThat(sawTerminated && sawTruncated).isTrue();
        }
    }

    @Test
    void temperatureFallsWhenEntropyIsAboveTargetAndRisesBelow() {
        assertThat(alphaAfterUpdates(-1.0)).isLessThan(1.0);  // mean log pi -1: entropy 1 > target -1
        assertThat(alphaAfterUpdates(3.0)).isGreaterThan(1.0); // entropy -3 < target -1
        assertThat(alphaAfterUpdates(1.0)).isCloseTo(1.0, within(1e-6)); // entropy at target: no move
    }

    private static double alphaAfterUpdates(double meanLogProb) {
        try (Sac sac = new Sac(tiny(10), PENDULUM, 1)) {
            assertThat(sac.targetEntropy()).isEqualTo(-1.0); // -|A| for the pendulum
            assertThat(sac.alpha()).isCloseTo(1.0, within(1e-6));
            double[] logProb = new double[sac.config().batchSize()];
            java.util.Arrays.fill(logProb, meanLogProb);
            for (int k = 0; k < 5; k++) {
                sac.temperatureUpdate(logProb);
            }
            return sac.alpha();
        }
    }

    @Test
    void resumeContinuesBitIdentically(@TempDir Path dir) throws Exception {
        long n = 400;
        long k = 170;
        float[] straight;
        try (Sac sac = new Sac(tiny(n), PENDULUM, 42)) {
            sac.train(null, null, null);
            straight = allParams(sac);
        }
        Path file = dir.resolve("checkpoint.actuate");
        try (Sac first = new Sac(tiny(n), PENDULUM, 42)) {
            first.train(null, null, s -> s.globalStep() < k);
            assertThat(first.globalStep()).isEqualTo(k);
            first.saveCheckpoint(file);
        }
        try (Sac resumed = Sac.resume(file, null)) {
            assertThat(resumed.globalStep()).isEqualTo(k);
            resumed.train(null, null, null);
            assertThat(resumed.globalStep()).isEqualTo(n);
            assertThat(allParams(resumed)).containsExactly(straight);
        }
    }

    /**
     * The critics and the actor's row halves on two threads (each its own cblas calls, at the same time) give the
     * one-thread run exactly, with the plain Gaussian head and with gSDE's (whose halves carry the latent).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void twoLearnerThreadsGiveTheSameRunAsOne(boolean gsde) throws Exception {
        SacConfig plain = tiny(300).withNetwork(List.of(64, 64), 64);
        SacConfig c = gsde ? ConfigYaml.bind(Map.of("use_sde", true, "sde_sample_freq", 4, "activation", "relu"), plain, "test") : plain;
        float[] one;
        float[] oneLogStd = null;
        try (Sac sac = new Sac(c, PENDULUM, 13, 1)) {
            sac.train(null, null, null);
            assertThat(sac.learnerThreads()).isEqualTo(1);
            assertThat(sac.sde() != null).isEqualTo(gsde);
            one = allParams(sac);
            if (gsde) {
                oneLogStd = copy(sac.sde().logStd().params());
            }
        }
        try (Sac sac = new Sac(c, PENDULUM, 13, 2)) {
            sac.train(null, null, null);
            assertThat(sac.learnerThreads()).isEqualTo(2);
            assertThat(sac.updates()).isEqualTo(300 - 64);
            assertThat(allParams(sac)).containsExactly(one);
            if (gsde) {
                assertThat(copy(sac.sde().logStd().params())).containsExactly(oneLogStd);
            }
        }
    }

    static float[] allParams(Sac sac) {
        float[] a = copy(sac.actor().params());
        float[] q = copy(sac.qf().params());
        float[] t = copy(sac.qfTarget().params());
        float[] all = new float[a.length + q.length + t.length + 1];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(q, 0, all, a.length, q.length);
        System.arraycopy(t, 0, all, a.length + q.length, t.length);
        all[all.length - 1] = (float) sac.alpha();
        return all;
    }

    @Test
    void savedModelIsTheDeterministicSquashedMean(@TempDir Path dir) throws Exception {
        try (Sac sac = new Sac(tiny(100), PENDULUM, 9)) {
            sac.train(null, null, null);
            Path f = dir.resolve("model.actuate");
            sac.model().write(f);
            var env = Envs.make(PENDULUM);
            var controller = LoadedModels.asController(PolicyExport.model(Checkpoint.read(f)));
            double[] obs = {0.6, 0.8, -1.0};
            INDArray x = OffPolicyParts.zeros(1, 3);
            NdArrays.fromFloats(new float[] {0.6f, 0.8f, -1.0f}, x);
            double mean = sac.actor().forward(x).getDouble(0, 0);
            assertThat(controller.act(obs)[0]).isCloseTo(2.0 * Math.tanh(mean), within(1e-4));
        }
    }

    /** The one slow test: SAC learns the pendulum swing-up well past random (about -1200) in a CI budget. */
    @Tag("slow")
    @Test
    void learnsPendulum() throws Exception {
        SacConfig c = new SacConfig(6_000, 100_000, 500, 64, 1e-3, false, 0.99, 0.01, 1, TrainFreqUnit.STEP, 1, null,
                1.0, null, 1, List.of(64, 64), "relu", 1_000_000, 1_000, false);
        try (Sac sac = new Sac(c, PENDULUM, 1)) {
            sac.train(null, null, null);
            Path tmp = java.nio.file.Files.createTempFile("sac", ".actuate");
            try {
                sac.model().write(tmp);
                var env = Envs.make(PENDULUM);
                Evaluation.Result r = Evaluation.run(env, LoadedModels.asController(PolicyExport.model(Checkpoint.read(tmp))), 10, 1000);
                System.out.println("SAC Pendulum-v1 6k steps: mean return " + r.meanReturn());
                assertThat(r.meanReturn()).isGreaterThan(-700);
            } finally {
                java.nio.file.Files.deleteIfExists(tmp);
            }
        }
    }
}
