package dev.actuate.algo;

import dev.actuate.nn.Activation;
import dev.actuate.nn.GaussianPolicy;
import dev.actuate.nn.Mlp;
import dev.actuate.nn.NdArrays;
import dev.actuate.nn.StateDependentNoise;
import dev.actuate.sim.Box;
import dev.actuate.sim.EpisodeStats;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Rng;
import dev.actuate.sim.VectorEnv;
import dev.actuate.sim.VectorStep;
import dev.actuate.sim.wrappers.RunningMeanStd;
import dev.actuate.sim.wrappers.SimToReal;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Steps envs {@code [firstEnv, firstEnv + envs)} of an on-policy run's {@code n_envs} (PPO, TRPO or A2C: all
 * collect rollouts with {@link Ppo}'s engine) with the learner's policy and returns each rollout as a
 * {@link RolloutChunk}. The envs live as long as the worker, so episodes run on across rollouts as in a local run;
 * env {@code i} is reset with {@code seed + i} and its actions use env {@code i}'s positions of the learner's action
 * stream, exactly as {@link Ppo}'s own rollout does.
 */
public final class RolloutWorker implements AutoCloseable {
    /**
     * What a worker needs of the run's config: the envs, the networks' shape (their parameters come with every
     * request), the observation normalisation and gSDE's. Serializable, so a driver can ship it to executors.
     *
     * @param nEnvs         the run's envs in all (the networks run on an {@code nEnvs}-row batch, for bit-identity)
     * @param hiddenSizes   hidden widths of the policy mean and value networks
     * @param activation    their hidden activation, by config name
     * @param useSde        gSDE exploration, with the config's {@code sdeSampleFreq}, {@code fullStd} and
     *                      {@code useExpln}
     */
    public record Setup(int nEnvs, int nSteps, List<Integer> hiddenSizes, String activation, boolean normObs,
                        double clipObs, SimToReal simToReal, boolean useSde, int sdeSampleFreq, boolean fullStd,
                        boolean useExpln) implements Serializable {
        public Setup {
            if (nEnvs < 1 || nSteps < 1) {
                throw new IllegalArgumentException("n_envs and n_steps must be positive, got " + nEnvs + ", " + nSteps);
            }
            hiddenSizes = List.copyOf(hiddenSizes);
            Activation.parse(activation);
        }

        /** The setup of a run whose rollout engine has {@code cfg} (TRPO's and A2C's configs map to one). */
        static Setup of(PpoConfig cfg) {
            return new Setup(cfg.nEnvs(), cfg.nSteps(), cfg.hiddenSizes(), cfg.activation(), cfg.normObs(),
                    cfg.clipObs(), cfg.simToReal(), cfg.useSde(), cfg.sdeSampleFreq(), cfg.fullStd(), cfg.useExpln());
        }

        private Mlp.Builder net(int in, int out) {
            return Mlp.builder(in, out).hidden(hiddenSizes.stream().mapToInt(Integer::intValue).toArray())
                    .activation(Activation.parse(activation));
        }
    }

    private final Setup setup;
    private final int firstEnv;
    private final int n;
    private final int obsDim;
    private final int actDim;
    private final Box actionSpace;
    private final VectorEnv envs;
    private final GaussianPolicy policy;
    private final Mlp value;
    private final RunningMeanStd obsRms;
    private final Rng rng = new Rng(0);
    private final INDArray input;
    private double[][] rawObs;
    private long expectedIteration;

    public RolloutWorker(Setup setup, String envId, long seed, int firstEnv, int envs) {
        if (firstEnv < 0 || envs < 1 || firstEnv + envs > setup.nEnvs()) {
            throw new IllegalArgumentException("envs [" + firstEnv + ", " + (firstEnv + envs) + ") are not within n_envs "
                    + setup.nEnvs());
        }
        this.setup = setup;
        this.firstEnv = firstEnv;
        this.n = envs;
        // One env thread: a worker is one Spark task, which has one core.
        this.envs = new VectorEnv(() -> setup.simToReal().wrap(Envs.make(envId)), envs, 1);
        this.obsDim = this.envs.observationSpace().dim();
        this.actDim = this.envs.actionSpace().dim();
        this.actionSpace = this.envs.actionSpace();
        // The learner's shapes; the parameters (and so the init) are overwritten by every request.
        Rng unused = new Rng(seed);
        int lastHidden = setup.hiddenSizes().get(setup.hiddenSizes().size() - 1);
        StateDependentNoise sde = setup.useSde()
                ? new StateDependentNoise(lastHidden, actDim, setup.fullStd(), setup.useExpln()) : null;
        this.policy = new GaussianPolicy(setup.net(obsDim, actDim), 0.0, sde, unused);
        this.value = setup.net(obsDim, 1).build(unused);
        this.obsRms = setup.normObs() ? new RunningMeanStd(obsDim) : null;
        this.input = Nd4j.zeros(DataType.FLOAT, setup.nEnvs(), obsDim);
        this.rawObs = this.envs.reset(seed + firstEnv);
    }

    /** One rollout of {@code n_steps} with the request's parameters. */
    public RolloutChunk collect(RolloutRequest req) {
        long t0 = System.nanoTime();
        if (req.iteration() != expectedIteration) {
            throw new IllegalStateException("rollout worker for envs [" + firstEnv + ", " + (firstEnv + n)
                    + ") was asked for iteration " + req.iteration() + " but holds the envs after iteration "
                    + expectedIteration + ": its envs were lost (the task ran in a new executor or was retried)");
        }
        policy.meanNet().setParams(req.policyMean());
        for (int i = 0; i < req.logStd().length; i++) {
            policy.logStd().putScalar(0, i, req.logStd()[i]);
        }
        value.setParams(req.value());
        if (obsRms != null) {
            obsRms.load(new RunningMeanStd.State(req.obsMean(), req.obsVar(), req.obsCount()));
        }
        int steps = setup.nSteps();
        int rows = steps * n;
        float[] obs = new float[rows * obsDim];
        double[] nextRawObs = obsRms == null ? null : new double[rows * obsDim];
        double[] actions = new double[rows * actDim];
        double[] logProbs = new double[rows];
        double[] values = new double[rows];
        double[] rewards = new double[rows];
        boolean[] terminated = new boolean[rows];
        boolean[] truncated = new boolean[rows];
        List<float[]> finalObs = new ArrayList<>();
        List<double[]> episodes = new ArrayList<>();
        int nEnvs = setup.nEnvs();
        float[] obsF = new float[n * obsDim];
        float[] padded = new float[nEnvs * obsDim];
        double[] meanAll = new double[nEnvs * actDim];
        double[] valueAll = new double[nEnvs];
        double[] mean = new double[n * actDim];
        double[] act = new double[n * actDim];
        double[] lp = new double[n];
        double[] v = new double[n];
        double[] actAll = policy.stateDependent() ? new double[nEnvs * actDim] : null;
        double[] lpAll = policy.stateDependent() ? new double[nEnvs] : null;
        long envNanos = 0;
        rng.setState(req.rngState());
        for (int t = 0; t < steps; t++) {
            int row = t * n;
            if (policy.stateDependent() && StateDependentNoise.redraws(t, setup.sdeSampleFreq())) {
                // As the learner: every env's exploration matrix, in env order, from its generator (gSDE's sample
                // draws nothing between redraws); this worker uses its own envs' rows.
                policy.resetNoise(nEnvs, rng);
            }
            Ppo.normalize(rawObs, obsRms, setup.clipObs(), obsDim, obsF);
            INDArray x = padded(obsF, padded);
            NdArrays.toDoubles(policy.forward(x), meanAll);
            if (policy.stateDependent()) {
                policy.sample(meanAll, nEnvs, rng, actAll);
                policy.logProb(meanAll, actAll, nEnvs, lpAll);
                System.arraycopy(actAll, firstEnv * actDim, act, 0, n * actDim);
                System.arraycopy(lpAll, firstEnv, lp, 0, n);
            } else {
                System.arraycopy(meanAll, firstEnv * actDim, mean, 0, n * actDim);
                // The learner's one generator samples step t's envs in env order, one Gaussian (two draws) per
                // action dimension: skip to this slice's first one.
                rng.setState(req.rngState());
                rng.advance(2L * actDim * ((long) t * nEnvs + firstEnv));
                policy.sample(mean, n, rng, act);
                policy.logProb(mean, act, n, lp);
            }
            NdArrays.toDoubles(value.forward(x), valueAll);
            System.arraycopy(valueAll, firstEnv, v, 0, n);
            System.arraycopy(obsF, 0, obs, row * obsDim, n * obsDim);
            System.arraycopy(act, 0, actions, row * actDim, n * actDim);
            System.arraycopy(lp, 0, logProbs, row, n);
            System.arraycopy(v, 0, values, row, n);

            double[][] envActions = new double[n][];
            for (int e = 0; e < n; e++) {
                envActions[e] = actionSpace.clip(Arrays.copyOfRange(act, e * actDim, (e + 1) * actDim));
            }
            long s0 = System.nanoTime();
            VectorStep st = envs.step(envActions);
            envNanos += System.nanoTime() - s0;
            rawObs = st.observations();
            if (nextRawObs != null) {
                for (int e = 0; e < n; e++) {
                    System.arraycopy(rawObs[e], 0, nextRawObs, (row + e) * obsDim, obsDim);
                }
            }
            System.arraycopy(st.rewards(), 0, rewards, row, n);
            System.arraycopy(st.terminated(), 0, terminated, row, n);
            System.arraycopy(st.truncated(), 0, truncated, row, n);
            float[] f = new float[obsDim];
            for (int e = 0; e < n; e++) {
                if (st.truncated()[e] && !st.terminated()[e]) {
                    Ppo.normalize(new double[][] {st.finalObservations()[e]}, obsRms, setup.clipObs(), obsDim, f);
                    finalObs.add(f.clone());
                }
            }
            for (int e = 0; e < n; e++) {
                EpisodeStats ep = st.episodes()[e];
                if (ep != null) {
                    episodes.add(new double[] {t, e, ep.episodeReturn(), ep.length()});
                }
            }
        }
        Ppo.normalize(rawObs, obsRms, setup.clipObs(), obsDim, obsF);
        NdArrays.toDoubles(value.forward(padded(obsF, padded)), valueAll);
        double[] lastValues = Arrays.copyOfRange(valueAll, firstEnv, firstEnv + n);
        float[] finals = new float[finalObs.size() * obsDim];
        for (int i = 0; i < finalObs.size(); i++) {
            System.arraycopy(finalObs.get(i), 0, finals, i * obsDim, obsDim);
        }
        double[] flat = new double[episodes.size() * 4];
        for (int i = 0; i < episodes.size(); i++) {
            System.arraycopy(episodes.get(i), 0, flat, i * 4, 4);
        }
        expectedIteration++;
        return new RolloutChunk(firstEnv, n, steps, obs, nextRawObs, actions, logProbs, values, rewards, terminated,
                truncated, finals, lastValues, flat, System.nanoTime() - t0, envNanos);
    }

    /**
     * This slice's observations at their rows of an {@code n_envs}-row batch (the others zero). OpenBLAS's sgemm
     * and ND4J's tanh give a row different last bits at a different batch size or row position, so the networks
     * see the learner's batch shape: the price of bit-identity is {@code n_envs / envs} times the inference.
     */
    private INDArray padded(float[] obsF, float[] padded) {
        System.arraycopy(obsF, 0, padded, firstEnv * obsDim, n * obsDim);
        INDArray x = input;
        NdArrays.fromFloats(padded, x);
        return x;
    }

    @Override
    public void close() {
        envs.close();
    }
}
