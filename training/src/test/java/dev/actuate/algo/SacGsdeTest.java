package dev.actuate.algo;

import dev.actuate.nn.Activation;
import dev.actuate.nn.Mlp;
import dev.actuate.nn.NdArrays;
import dev.actuate.sim.Rng;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.LoadedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** SAC with generalised state-dependent exploration: noise schedule, gradients, resume and deployment. */
class SacGsdeTest {
    static final String PENDULUM = "Pendulum-v1";

    /** Tiny ReLU nets, learning after 64 steps, rollouts of 8 steps, the collection noise redrawn every 3. */
    static SacConfig gsde(long steps, double clipMean) {
        SacConfig tiny = SacTest.tiny(steps);
        return ConfigYaml.bind(Map.of("activation", "relu", "train_freq", 8, "gradient_steps", 8, "use_sde", true,
                "sde_sample_freq", 3, "log_std_init", -1.0, "clip_mean", clipMean), tiny, "test");
    }

    @Test
    void collectionNoiseIsConstantBetweenRedrawsAtRolloutStartAndEverySdeSampleFreqSteps() throws Exception {
        try (Sac sac = new Sac(gsde(64, 2.0), PENDULUM, 4)) {
            assertThat(sac.actor().outputSize()).isEqualTo(1); // mean only
            List<double[]> used = new ArrayList<>();
            sac.train(null, null, s -> used.add(s.sde().collectionMatrix().clone()));
            assertThat(used).hasSize(63); // keepGoing is not asked after the last step
            for (int g = 1; g < used.size(); g++) {
                boolean redrawn = g % 8 == 0 || g % 8 == 3 || g % 8 == 6;
                assertThat(Arrays.equals(used.get(g), used.get(g - 1))).as("step %d", g).isEqualTo(!redrawn);
            }
        }
    }

    /**
     * The actor loss {@code mean(alpha log pi - q . a)} (a critic linear in the action) through a double-precision
     * actor and {@link SacSde}: gradient of every actor parameter (the mean path, where clipped rows give none, and
     * the latent's path through the noise and the variance into the hidden layers, as SB3's
     * {@code learn_features=True}) and of the log-std, against central differences with the training noise's eps
     * fixed.
     */
    @Test
    void actorLossGradientMatchesFiniteDifferences() {
        int obsDim = 3;
        int batch = 5;
        Mlp actor = Mlp.builder(obsDim, 2).hidden(6, 4).activation(Activation.RELU).dataType(DataType.DOUBLE)
                .build(new Rng(1));
        Rng r = new Rng(2);
        INDArray obs = Nd4j.zeros(DataType.DOUBLE, batch, obsDim);
        for (int i = 0; i < batch * obsDim; i++) {
            obs.putScalar(i / obsDim, i % obsDim, r.uniform(-1, 1));
        }
        // Clip the mean at the median |mean|, so half the entries are clipped and pass no gradient.
        double[] out = new double[batch * 2];
        NdArrays.toDoubles(actor.forward(obs), out);
        double[] abs = Arrays.stream(out).map(Math::abs).sorted().toArray();
        double clip = 0.5 * (abs[batch - 1] + abs[batch]);
        SacSde sde = new SacSde(4, 2, batch, true, false, -0.5, clip, DataType.DOUBLE);
        for (int i = 0; i < sde.logStd().numParams(); i++) {
            sde.logStd().params().putScalar(0, i, r.uniform(-1, 0.3));
        }
        sde.resetTrainingNoise(r);
        double[] q = new double[batch * 2];
        for (int i = 0; i < q.length; i++) {
            q[i] = r.uniform(-2, 2);
        }
        double alpha = 0.3;

        double[] dOut = new double[batch * 2];
        double[] dLatent = new double[batch * 4];
        double base = actorLoss(actor, sde, obs, q, alpha);
        sde.actorLossGrad(q, alpha, 1.0 / batch, dOut, dLatent);
        assertThat(Arrays.stream(dOut).filter(d -> d == 0.0).count()).as("clipped entries").isEqualTo(batch);
        assertThat(Arrays.stream(dLatent).filter(d -> d != 0.0).count()).as("latent gradient").isPositive();
        actor.forward(obs);
        actor.backward(Nd4j.create(dOut, new long[] {batch, 2}), Nd4j.create(dLatent, new long[] {batch, 4}));
        assertThat(base).isFinite();

        double h = 1e-6;
        INDArray[] params = {actor.params(), sde.logStd().params()};
        INDArray[] grads = {actor.gradients(), sde.logStd().gradients()};
        for (int p = 0; p < params.length; p++) {
            INDArray flatP = params[p].reshape(params[p].length());
            double[] g = grads[p].dup().reshape(grads[p].length()).toDoubleVector();
            for (int i = 0; i < g.length; i++) {
                double v = flatP.getDouble(i);
                flatP.putScalar(i, v + h);
                double lp = actorLoss(actor, sde, obs, q, alpha);
                flatP.putScalar(i, v - h);
                double lm = actorLoss(actor, sde, obs, q, alpha);
                flatP.putScalar(i, v);
                assertThat(g[i]).as("array %d entry %d", p, i).isCloseTo((lp - lm) / (2 * h), within(1e-7));
            }
        }
    }

    /**
     * Sac's actor step sends gSDE's latent gradient into the network (SB3's SAC actor, {@code learn_features=True}):
     * its Adam step equals, bit for bit, the step on {@link SacSde#actorLossGrad}'s output and latent gradients
     * backpropagated together, and not the step on the mean-only backward pass. (That gradient is checked against
     * finite differences above.)
     */
    @Test
    void actorUpdateBackpropagatesTheLatentGradient() throws Exception {
        try (Sac sac = new Sac(gsde(200, 2.0), PENDULUM, 3)) {
            sac.train(null, null, null);
            sac.replay().sample(sac.rng(), sac.batch());
            sac.sde().resetTrainingNoise(sac.rng());
            Mlp actor = sac.actor();
            float[] params = actor.getParams();
            INDArray logStd = sac.sde().logStd().params().dup();
            INDArray adam = sac.actorOptimizer().state().dup();
            int iteration = sac.actorOptimizer().iteration();
            double alpha = sac.alpha();
            sac.actorUpdate(alpha);
            float[] stepped = actor.getParams();
            assertThat(stepped).isNotEqualTo(params);

            Runnable restore = () -> {
                actor.setParams(params);
                sac.sde().logStd().params().assign(logStd);
                sac.actorOptimizer().state().assign(adam);
                sac.actorOptimizer().setIteration(iteration);
            };
            restore.run();
            assertThat(stepByHand(sac, alpha, true)).containsExactly(stepped);
            restore.run();
            float[] meanOnly = stepByHand(sac, alpha, false);
            int latent = 16;
            int hiddenParams = 3 * latent + latent + latent * latent + latent;
            assertThat(Arrays.copyOf(meanOnly, hiddenParams)).isNotEqualTo(Arrays.copyOf(stepped, hiddenParams));
        }
    }

    /**
     * Sac's gSDE actor step on its sampled batch, written out; the actor's parameters after it. As Sac, the batch
     * runs as two halves of rows, each through its own sharer of the actor's parameters (copies of the rows here,
     * not views), and the halves' gradients are summed before the Adam step.
     */
    private static float[] stepByHand(Sac sac, double alpha, boolean throughLatent) {
        Mlp actor = sac.actor();
        int b = sac.config().batchSize();
        int latent = 16;
        int[] from = {0, b / 2};
        int[] rows = {b / 2, b - b / 2};
        Mlp[] half = {actor.sharingParams(actor.gradients()), actor.sharingParams(null)};
        for (int h = 0; h < 2; h++) {
            INDArray obs = OffPolicyParts.zeros(rows[h], 3);
            NdArrays.fromFloats(Arrays.copyOfRange(sac.batch().obs, from[h] * 3, (from[h] + rows[h]) * 3), obs);
            sac.sde().loadRows(half[h].forward(obs), half[h].lastHidden(), from[h]);
        }
        double[] act = new double[b];
        double[] logProb = new double[b];
        sac.sde().sampleLoaded(b, true, act, logProb);
        double[] dQda = new double[b];
        sac.minQInputGradient(sac.batch().obs, act, dQda);
        double[] dOut = new double[b];
        double[] dLatent = new double[b * latent];
        sac.sde().actorLossGrad(dQda, alpha, 1.0 / b, dOut, dLatent);
        for (int h = 0; h < 2; h++) {
            INDArray dOutNd = OffPolicyParts.zeros(rows[h], 1);
            INDArray dLatentNd = OffPolicyParts.zeros(rows[h], latent);
            NdArrays.fromDoubles(Arrays.copyOfRange(dOut, from[h], from[h] + rows[h]), dOutNd);
            NdArrays.fromDoubles(Arrays.copyOfRange(dLatent, from[h] * latent, (from[h] + rows[h]) * latent),
                    dLatentNd);
            if (throughLatent) {
                half[h].backward(dOutNd, dLatentNd);
            } else {
                half[h].backward(dOutNd);
            }
        }
        actor.gradients().addi(half[1].gradients());
        sac.actorOptimizer().step();
        return actor.getParams();
    }

    private static double actorLoss(Mlp actor, SacSde sde, INDArray obs, double[] q, double alpha) {
        int b = (int) obs.rows();
        double[] act = new double[b * 2];
        double[] logProb = new double[b];
        sde.sample(actor.forward(obs), actor.lastHidden(), b, true, act, logProb);
        double loss = 0;
        for (int i = 0; i < b; i++) {
            loss += (alpha * logProb[i] - (q[2 * i] * act[2 * i] + q[2 * i + 1] * act[2 * i + 1])) / b;
        }
        return loss;
    }

    @Test
    void resumeContinuesBitIdentically(@TempDir Path dir) throws Exception {
        long n = 300;
        long k = 170; // mid-rollout and between two redraws of the collection noise
        float[] straight;
        float[] straightLogStd;
        try (Sac sac = new Sac(gsde(n, 2.0), PENDULUM, 42)) {
            sac.train(null, null, null);
            straight = SacTest.allParams(sac);
            straightLogStd = sac.sde().logStd().params().dup().data().asFloat();
        }
        Path file = dir.resolve("checkpoint.actuate");
        try (Sac first = new Sac(gsde(n, 2.0), PENDULUM, 42)) {
            first.train(null, null, s -> s.globalStep() < k);
            first.saveCheckpoint(file);
            assertThat(Checkpoint.read(file).doubles(SacSde.MATRIX, 16)).isEqualTo(first.sde().collectionMatrix());
        }
        try (Sac resumed = Sac.resume(file, null)) {
            resumed.train(null, null, null);
            assertThat(resumed.globalStep()).isEqualTo(n);
            assertThat(SacTest.allParams(resumed)).containsExactly(straight);
            assertThat(resumed.sde().logStd().params().dup().data().asFloat()).containsExactly(straightLogStd);
        }
        // The log-std trained (entries of latent units that stayed at zero, dead ReLUs, get no gradient).
        assertThat(straightLogStd).as("the log-std trained").isNotEqualTo(new float[] {-1f, -1f, -1f, -1f, -1f, -1f,
                -1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f});
        long moved = 0;
        for (float v : straightLogStd) {
            moved += v != -1f ? 1 : 0;
        }
        assertThat(moved).isGreaterThan(8);
    }

    /** The deployed policy is tanh(clip(mean)) on the box, through the policy file, with no noise. */
    @Test
    void deployedPolicyIsTheClippedSquashedMean(@TempDir Path dir) throws Exception {
        double clip = 0.05; // small, so that both clipped and unclipped means occur
        try (Sac sac = new Sac(gsde(150, clip), PENDULUM, 9)) {
            sac.train(null, null, null);
            Path f = dir.resolve("model.actuate");
            PolicyExport.write(sac.model(), f);
            var controller = LoadedModels.asController(dev.actuate.policy.PolicyReader.load(f));
            Rng r = new Rng(3);
            boolean sawClipped = false;
            boolean sawInside = false;
            for (int t = 0; t < 200; t++) {
                double th = r.uniform(-Math.PI, Math.PI);
                double[] obs = {Math.cos(th), Math.sin(th), r.uniform(-8, 8)};
                INDArray x = OffPolicyParts.zeros(1, 3);
                NdArrays.fromFloats(new float[] {(float) obs[0], (float) obs[1], (float) obs[2]}, x);
                double mean = sac.actor().forward(x).getDouble(0, 0);
                sawClipped |= Math.abs(mean) > clip;
                sawInside |= Math.abs(mean) < clip;
                double expected = 2.0 * Math.tanh(Math.max(-clip, Math.min(clip, mean)));
                assertThat(controller.act(obs)[0]).isCloseTo(expected, within(1e-5));
            }
            assertThat(sawClipped && sawInside).isTrue();
        }
    }

    /** use_sde_at_warmup: the warm-up acts with the gSDE policy instead of uniform actions, as SB3. */
    @Test
    void warmupActionsComeFromGsdeOnlyWithUseSdeAtWarmup() throws Exception {
        assertThat(warmupActionsMatchThePolicy(true)).isTrue();
        assertThat(warmupActionsMatchThePolicy(false)).isFalse();
    }

    private static boolean warmupActionsMatchThePolicy(boolean useSdeAtWarmup) throws Exception {
        // One 8-step rollout inside the 64-step warm-up: one collection matrix for all of it.
        SacConfig cfg = ConfigYaml.bind(Map.of("use_sde_at_warmup", useSdeAtWarmup, "clip_mean", 0.5, "sde_sample_freq", -1),
                gsde(8, 2.0),
                "test");
        try (Sac sac = new Sac(cfg, PENDULUM, 5)) {
            sac.train(null, null, null);
            assertThat(sac.replay().size()).isEqualTo(8);
            double[] w = sac.sde().collectionMatrix();
            ReplayBufferView rows = new ReplayBufferView(sac);
            boolean all = true;
            for (int i = 0; i < 8; i++) {
                INDArray x = OffPolicyParts.zeros(1, 3);
                NdArrays.fromFloats(rows.obs(i), x);
                double mean = Math.max(-0.5, Math.min(0.5, sac.actor().forward(x).getDouble(0, 0)));
                double[] latent = new double[16];
                NdArrays.toDoubles(sac.actor().lastHidden(), latent);
                double u = mean;
                for (int k = 0; k < 16; k++) {
                    u += latent[k] * w[k];
                }
                all &= Math.abs(rows.action(i) - Math.tanh(u)) < 1e-6;
            }
            return all;
        }
    }

    /** The replay buffer's first rows, read through a batch that samples every row. */
    private static final class ReplayBufferView {
        private final float[][] obs = new float[8][];
        private final float[] action = new float[8];

        ReplayBufferView(Sac sac) {
            var batch = sac.replay().newBatch(64);
            sac.replay().sample(new Rng(1), batch);
            for (int j = 0; j < batch.size; j++) {
                int i = batch.indices[j];
                obs[i] = Arrays.copyOfRange(batch.obs, j * 3, j * 3 + 3);
                action[i] = batch.actions[j];
            }
            for (float[] o : obs) {
                assertThat(o).as("64 draws from 8 rows cover every row").isNotNull();
            }
        }

        float[] obs(int i) {
            return obs[i];
        }

        double action(int i) {
            return action[i];
        }
    }

    @Test
    void gsdeConfigErrorsNameTheKey() {
        assertThatThrownBy(() -> ConfigYaml.bind(Map.of("sde_sample_freq", 0), SacConfig.defaults(), "s.yaml"))
                .hasMessageContaining("s.yaml").hasMessageContaining("sde_sample_freq");
        assertThatThrownBy(() -> ConfigYaml.bind(Map.of("use_sde", true, "activation", "tanh"), SacConfig.defaults(),
                "s.yaml")).hasMessageContaining("clip_mean");
    }
}
