package dev.actuate.algo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.nn.Activation;
import dev.actuate.nn.AdamOptimizer;
import dev.actuate.nn.GaussianPolicy;
import dev.actuate.nn.Init;
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
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.ProgressBar;
import dev.actuate.train.Provenance;
import dev.actuate.train.RolloutBuffer;
import dev.actuate.train.RunDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Proximal Policy Optimization (Schulman et al., 2017) with the implementation details of Engstrom et
 * al. (2020) and Stable-Baselines3: GAE(lambda), advantage normalisation, the clipped surrogate,
 * optional value clipping, an entropy bonus, observation normalisation and reward scaling, linear
 * learning-rate annealing, a target-KL early stop and global gradient-norm clipping.
 *
 * <p>CleanRL style: {@link #train} reads top to bottom. Separate policy and value networks (tanh,
 * orthogonal init with gain sqrt 2, policy head 0.01, value head 1) and one Adam (eps 1e-5, as SB3)
 * over both. Checkpoints at iteration boundaries hold everything the continuation depends on, so a
 * resumed run is bit-identical to an uninterrupted one.
 *
 * <p>With {@code useSde} the policy explores by gSDE ({@link StateDependentNoise}, as SB3's {@code use_sde}):
 * one exploration matrix per env, redrawn at the start of each rollout and every {@code sdeSampleFreq} steps.
 */
public final class Ppo implements OnPolicyTrainer.Run<Ppo, PpoConfig> {
    public static final String ALGORITHM = "ppo";
    /** Observation normalisation epsilon and the model-file key names, shared with the loader. */
    public static final double OBS_EPSILON = 1e-8;
    public static final String POLICY_MEAN = "policy_mean";
    public static final String LOG_STD = "log_std";
    public static final String OBS_MEAN = "obs_mean";
    public static final String OBS_VAR = "obs_var";
    static final String SDE_MATRICES = "sde_matrices";
    public static final List<String> METRICS = List.of("iteration", "global_step", "mean_return", "mean_length",
            "episodes", "learning_rate", "policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction",
            "explained_variance", "std", "epochs", "steps_per_sec");

    private final PpoConfig cfg;
    /** The algorithm whose rollouts this is: PPO itself, or TRPO/A2C, which use it as their rollout engine. */
    private final String algorithm;
    /** That algorithm's config, which provenance and checkpoints record: {@code cfg} for PPO. */
    private final Record runConfig;
    private final String envId;
    private final long seed;
    private final VectorEnv envs;
    private final int nEnvs;
    private final int obsDim;
    private final int actDim;
    private final Box actionSpace;
    private final GaussianPolicy policy;
    private final Mlp value;
    private final AdamOptimizer optimizer;
    /** Action noise and minibatch shuffling. */
    private final Rng rng;
    private final RunningMeanStd obsRms;
    private final RunningMeanStd retRms;
    private final double[] discountedReturns;
    private final RolloutBuffer buffer;
    private final RecentEpisodes recentEpisodes = new RecentEpisodes();
    private Provenance provenance;
    /** Where rollouts come from instead of {@link #envs} ({@link #distributeRollouts}), or null. */
    private Function<RolloutRequest, List<RolloutChunk>> rollouts;
    private double[][] rawObs;
    private long iteration;
    private long globalStep;
    private long episodes;
    private UpdateCost lastUpdateCost;

    // Work arrays, allocated once.
    private final float[] obsF;
    private final double[] meanD;
    private final double[] actD;
    private final double[] logProbD;
    private final double[] valueD;
    private final double[] rewardD;
    private final double[] finalValueD;
    private final double[] logStdD;
    private final Map<Integer, INDArray[]> ndByBatch = new HashMap<>();

    /** A fresh run: networks initialised and envs reset from {@code seed}. */
    public Ppo(PpoConfig cfg, String envId, long seed) {
        this(cfg, envId, seed, ALGORITHM, cfg, null);
    }

    /** A fresh run stepping its envs on at most {@code envThreads} threads (null: one per env up to the cores). */
    public Ppo(PpoConfig cfg, String envId, long seed, Integer envThreads) {
        this(cfg, envId, seed, ALGORITHM, cfg, envThreads);
    }

    /**
     * The rollout engine of another on-policy algorithm ({@link Trpo}): the same envs, networks, statistics and
     * checkpoint, recorded under {@code algorithm} with {@code runConfig} (that algorithm's config, in provenance and
     * checkpoints).
     * {@code envThreads} caps the env threads (null: one per env up to the cores); results do not depend on it.
     */
    Ppo(PpoConfig cfg, String envId, long seed, String algorithm, Record runConfig, Integer envThreads) {
        this.cfg = cfg;
        this.algorithm = algorithm;
        this.runConfig = runConfig;
        this.envId = envId;
        this.seed = seed;
        Envs.spec(envId);
        this.nEnvs = cfg.nEnvs();
        this.envs = envThreads == null ? new VectorEnv(() -> cfg.simToReal().wrap(Envs.make(envId)), nEnvs)
                : new VectorEnv(() -> cfg.simToReal().wrap(Envs.make(envId)), nEnvs, envThreads);
        this.obsDim = envs.observationSpace().dim();
        this.actDim = envs.actionSpace().dim();
        this.actionSpace = envs.actionSpace();

        Rng init = new Rng(seed);
        this.policy = newPolicy(cfg, obsDim, actDim, init);
        this.value = newValueNet(cfg, obsDim, init);
        this.optimizer = new AdamOptimizer(cfg.learningRate(), 0.9, 0.999, 1e-5, policy, value);
        this.rng = init.split();

        this.obsRms = cfg.normObs() ? new RunningMeanStd(obsDim) : null;
        this.retRms = cfg.normReward() ? new RunningMeanStd(1) : null;
        this.discountedReturns = new double[nEnvs];
        this.buffer = new RolloutBuffer(cfg.nSteps(), nEnvs, obsDim, actDim);
        this.provenance = Provenance.capture(algorithm, envId, seed, runConfig);

        obsF = new float[nEnvs * obsDim];
        meanD = new double[Math.max(nEnvs, cfg.batchSize()) * actDim];
        actD = new double[nEnvs * actDim];
        logProbD = new double[nEnvs];
        valueD = new double[Math.max(nEnvs, cfg.batchSize())];
        rewardD = new double[nEnvs];
        finalValueD = new double[nEnvs];
        logStdD = new double[Math.max(policy.logStdSize(), Math.max(nEnvs, cfg.batchSize()) * actDim)];

        rawObs = envs.reset(seed);
        if (obsRms != null) {
            obsRms.update(rawObs);
        }
    }

    /** The policy network as the config describes it, initialised from {@code init} (before the value network). */
    static GaussianPolicy newPolicy(PpoConfig cfg, int obsDim, int actDim, Rng init) {
        int[] hidden = cfg.hiddenSizes().stream().mapToInt(Integer::intValue).toArray();
        // Without ortho_init SB3 keeps PyTorch's nn.Linear init (weights and biases U(+-1/sqrt(fan_in))).
        Mlp.Builder meanNet = Mlp.builder(obsDim, actDim).hidden(hidden).activation(Activation.parse(cfg.activation()))
                .hiddenInit(hiddenInit(cfg)).outputInit(cfg.orthoInit() ? Init.orthogonal(0.01) : Init.torchDefault());
        StateDependentNoise sde = cfg.useSde()
                ? new StateDependentNoise(hidden[hidden.length - 1], actDim, cfg.fullStd(), cfg.useExpln()) : null;
        return new GaussianPolicy(meanNet, cfg.logStdInit(), sde, init);
    }

    /** The value network as the config describes it, initialised from {@code init}. */
    static Mlp newValueNet(PpoConfig cfg, int obsDim, Rng init) {
        int[] hidden = cfg.hiddenSizes().stream().mapToInt(Integer::intValue).toArray();
        return Mlp.builder(obsDim, 1).hidden(hidden).activation(Activation.parse(cfg.activation()))
                .hiddenInit(hiddenInit(cfg)).outputInit(cfg.orthoInit() ? Init.orthogonal(1.0) : Init.torchDefault())
                .build(init);
    }

    private static Init hiddenInit(PpoConfig cfg) {
        return cfg.orthoInit() ? Init.orthogonal(Math.sqrt(2)) : Init.torchDefault();
    }

    // ------------------------------------------------------------------------------------------ train

    /**
     * Trains until {@code nTimesteps} or until {@code keepGoing} returns false after an iteration.
     * With a {@code run}, writes metrics every iteration, a checkpoint every {@code checkpointEvery}
     * iterations, at such a stop and at the end, the curve periodically, and the final model when done.
     */
    public void train(RunDir run, ProgressBar bar, Predicate<Ppo> keepGoing) throws IOException {
        long numIterations = cfg.iterations();
        int batchSize = Math.min(cfg.batchSize(), buffer.size());
        int[] indices = new int[buffer.size()];
        float[] mbObs = new float[batchSize * obsDim];
        double[] mbAct = new double[batchSize * actDim];
        double[] mbOldLogProb = new double[batchSize];
        double[] mbAdv = new double[batchSize];
        double[] mbReturns = new double[batchSize];
        double[] mbOldValues = new double[batchSize];
        double[] dMean = new double[batchSize * actDim];
        double[] dLogStd = new double[batchSize * actDim];
        double[] dValue = new double[batchSize];
        try (RunLog log = new RunLog(run, cfg, provenance, METRICS, iteration, ALGORITHM, envId, seed)) {
            while (iteration < numIterations) {
                long iterStart = System.nanoTime();
                // Linear annealing from the full rate at the first iteration towards 0 (CleanRL).
                double frac = 1.0 - (double) iteration / numIterations;
                double learningRate = cfg.annealLr() ? frac * cfg.learningRate() : cfg.learningRate();
                optimizer.setLearningRate(learningRate);
                double clipCoef = cfg.annealClip() ? frac * cfg.clipCoef() : cfg.clipCoef();

                // ---- rollout: nSteps vector steps with the current stochastic policy
                collectRollout(bar);

                // ---- update: nEpochs passes of shuffled minibatches
                long updateStart = UpdateCost.cpuNanos();
                for (int i = 0; i < indices.length; i++) {
                    indices[i] = i;
                }
                double pgLossSum = 0;
                double vLossSum = 0;
                double entropySum = 0;
                double approxKlSum = 0;
                double clipFracSum = 0;
                int minibatches = 0;
                int epochsDone = 0;
                boolean continueTraining = true;
                for (int epoch = 0; epoch < cfg.nEpochs() && continueTraining; epoch++) {
                    shuffle(indices);
                    for (int start = 0; start < indices.length; start += batchSize) {
                        int end = Math.min(start + batchSize, indices.length);
                        int b = end - start;
                        buffer.gather(indices, start, end, mbObs, mbAct, mbOldLogProb, mbAdv, mbReturns, mbOldValues);
                        if (cfg.normAdv()) {
                            PpoLoss.normalize(mbAdv, b);
                        }
                        INDArray[] nd = nd(b);
                        NdArrays.fromFloats(mbObs, nd[0]);

                        NdArrays.toDoubles(policy.forward(nd[0]), meanD);
                        int logStdStride = policy.logStdRows(b, logStdD);
                        PpoLoss.PolicyStats ps = PpoLoss.policy(meanD, logStdD, logStdStride, mbAct, mbOldLogProb,
                                mbAdv, b, actDim, clipCoef, cfg.entCoef(), dMean, dLogStd);
                        // SB3's early stop: skip this step and end the update once the policy moved too far.
                        if (cfg.targetKl() != null && ps.approxKl() > 1.5 * cfg.targetKl()) {
                            continueTraining = false;
                            break;
                        }
                        NdArrays.fromDoubles(dMean, nd[1]);
                        policy.backward(nd[1], dLogStd);

                        NdArrays.toDoubles(value.forward(nd[0]), valueD);
                        double vLoss = PpoLoss.value(valueD, mbOldValues, mbReturns, b, cfg.clipVloss(), clipCoef,
                                cfg.vfCoef(), dValue);
                        NdArrays.fromDoubles(dValue, nd[2]);
                        value.backward(nd[2]);

                        optimizer.clipGradNorm(cfg.maxGradNorm());
                        optimizer.step();

                        pgLossSum += ps.pgLoss();
                        vLossSum += vLoss;
                        entropySum += ps.entropy();
                        approxKlSum += ps.approxKl();
                        clipFracSum += ps.clipFraction();
                        minibatches++;
                    }
                    epochsDone++;
                }
                lastUpdateCost = UpdateCost.ppo((UpdateCost.cpuNanos() - updateStart) / 1e6, epochsDone);
                iteration++;

                // ---- log
                int m = Math.max(1, minibatches);
                double seconds = (System.nanoTime() - iterStart) / 1e9;
                log.row(iteration, globalStep, meanRecentReturn(), meanRecentLength(), episodes, learningRate,
                        pgLossSum / m, vLossSum / m, entropySum / m, approxKlSum / m, clipFracSum / m,
                        buffer.explainedVariance(), policy.meanStd(), epochsDone, buffer.size() / seconds);
                boolean last = iteration == numIterations;
                boolean stop = !last && keepGoing != null && !keepGoing.test(this);
                log.save(iteration % cfg.checkpointEvery() == 0, last, stop, f -> checkpoint().write(f), this::model);
                if (stop) {
                    break;
                }
            }
        }
        if (bar != null) {
            bar.finish(globalStep, meanRecentReturn());
        }
    }

    // ------------------------------------------------------------------------------------------ pieces

    /**
     * One rollout: {@code nSteps} vector steps with the current stochastic policy into the buffer, then its
     * returns and GAE advantages (bootstrapped at truncations and at the rollout's end).
     */
    void collectRollout(ProgressBar bar) {
        if (rollouts != null) {
            collectRemoteRollout(bar);
            return;
        }
        buffer.clear();
        for (int step = 0; step < cfg.nSteps(); step++) {
            if (policy.stateDependent() && StateDependentNoise.redraws(step, cfg.sdeSampleFreq())) {
                policy.resetNoise(nEnvs, rng);
            }
            normalizeInto(rawObs, obsF);
            INDArray obs = nd(nEnvs)[0];
            NdArrays.fromFloats(obsF, obs);
            NdArrays.toDoubles(policy.forward(obs), meanD);
            policy.sample(meanD, nEnvs, rng, actD);
            policy.logProb(meanD, actD, nEnvs, logProbD);
            NdArrays.toDoubles(value.forward(obs), valueD);

            double[][] envActions = new double[nEnvs][];
            for (int e = 0; e < nEnvs; e++) {
                double[] a = new double[actDim];
                System.arraycopy(actD, e * actDim, a, 0, actDim);
                envActions[e] = actionSpace.clip(a); // the buffer keeps the unclipped sample
            }
            VectorStep st = envs.step(envActions);
            globalStep += nEnvs;

            rawObs = st.observations();
            if (obsRms != null) {
                obsRms.update(rawObs);
            }
            scaleRewards(st.rewards(), st.terminated(), st.truncated(), rewardD);
            finalValues(st, finalValueD);
            buffer.add(obsF, actD, logProbD, rewardD, valueD, st.terminated(), st.truncated(), finalValueD);
            for (EpisodeStats ep : st.episodes()) {
                if (ep != null) {
                    recordEpisode(ep);
                }
            }
            if (bar != null) {
                bar.update(globalStep, meanRecentReturn());
            }
        }
        normalizeInto(rawObs, obsF);
        INDArray lastObs = nd(nEnvs)[0];
        NdArrays.fromFloats(obsF, lastObs);
        double[] lastValues = new double[nEnvs];
        NdArrays.toDoubles(value.forward(lastObs), lastValues);
        buffer.computeReturnsAndAdvantages(lastValues, cfg.gamma(), cfg.gaeLambda());
    }


    /**
     * Has rollouts collected by {@code source} (rollout workers, each stepping a contiguous slice of the envs)
     * instead of this object's own envs. Without {@code norm_obs} the run is bit-identical to a local one: the
     * workers draw each env's actions at that env's positions of this run's action stream (with gSDE, every env's
     * exploration matrices from it, as this object would) and the learner replays the steps in env order. With
     * {@code norm_obs} the workers normalise with the statistics of the rollout's
     * start, where a local run updates them every step.
     */
    @Override
    public void distributeRollouts(Function<RolloutRequest, List<RolloutChunk>> source) {
        this.rollouts = source;
    }

    @Override
    public RolloutWorker.Setup rolloutSetup() {
        return RolloutWorker.Setup.of(cfg);
    }

    /** What the rollout workers need for the next rollout. */
    RolloutRequest rolloutRequest() {
        double[] ls = new double[policy.logStdSize()];
        policy.logStd(ls);
        float[] lsF = new float[ls.length];
        for (int i = 0; i < ls.length; i++) {
            lsF[i] = (float) ls[i];
        }
        return new RolloutRequest(iteration, policy.meanNet().getParams(), lsF, value.getParams(),
                obsRms == null ? null : obsRms.mean(), obsRms == null ? null : obsRms.var(),
                obsRms == null ? 0 : obsRms.count(), rng.state());
    }

    /**
     * {@link #collectRollout} from the workers' chunks: each step's envs assembled in env order, then the same
     * statistics, reward scaling, buffer and episode bookkeeping as a local rollout.
     */
    private void collectRemoteRollout(ProgressBar bar) {
        buffer.clear();
        List<RolloutChunk> chunks = rollouts.apply(rolloutRequest());
        int covered = 0;
        for (RolloutChunk c : chunks) {
            if (c.firstEnv() != covered || c.nSteps() != cfg.nSteps()) {
                throw new IllegalStateException("rollout chunk of envs from " + c.firstEnv() + " (" + c.nSteps()
                        + " steps) does not follow envs [0, " + covered + ") of " + cfg.nSteps() + " steps");
            }
            covered += c.envs();
        }
        if (covered != nEnvs) {
            throw new IllegalStateException("rollout chunks cover " + covered + " envs, n_envs is " + nEnvs);
        }
        if (policy.stateDependent()) {
            // gSDE: the workers drew the exploration matrices as a local rollout does; draw the same ones here (the
            // checkpoint keeps the last) and move the generator past them.
            for (int t = 0; t < cfg.nSteps(); t++) {
                if (StateDependentNoise.redraws(t, cfg.sdeSampleFreq())) {
                    policy.resetNoise(nEnvs, rng);
                }
            }
        } else {
            // The workers drew every env's Gaussians in this generator's place: two draws per action dimension.
            rng.advance(2L * actDim * nEnvs * cfg.nSteps());
        }
        double[] rawRewards = new double[nEnvs];
        boolean[] terminated = new boolean[nEnvs];
        boolean[] truncated = new boolean[nEnvs];
        double[][] next = obsRms == null ? null : new double[nEnvs][];
        int[] episodeCursor = new int[chunks.size()];
        int[] finalCursor = new int[chunks.size()];
        for (int t = 0; t < cfg.nSteps(); t++) {
            for (RolloutChunk c : chunks) {
                int k = c.envs();
                int e0 = c.firstEnv();
                int row = t * k;
                System.arraycopy(c.obs(), row * obsDim, obsF, e0 * obsDim, k * obsDim);
                System.arraycopy(c.actions(), row * actDim, actD, e0 * actDim, k * actDim);
                System.arraycopy(c.logProbs(), row, logProbD, e0, k);
                System.arraycopy(c.values(), row, valueD, e0, k);
                System.arraycopy(c.rewards(), row, rawRewards, e0, k);
                System.arraycopy(c.terminated(), row, terminated, e0, k);
                System.arraycopy(c.truncated(), row, truncated, e0, k);
                if (next != null) {
                    for (int i = 0; i < k; i++) {
                        next[e0 + i] = java.util.Arrays.copyOfRange(c.nextRawObs(), (row + i) * obsDim,
                                (row + i + 1) * obsDim);
                    }
                }
            }
            globalStep += nEnvs;
            if (obsRms != null) {
                obsRms.update(next);
            }
            scaleRewards(rawRewards, terminated, truncated, rewardD);
            List<Integer> cut = truncatedEnvs(terminated, truncated);
            float[] finals = new float[cut.size() * obsDim];
            for (int i = 0, w = 0; i < cut.size(); i++) {
                while (cut.get(i) >= chunks.get(w).firstEnv() + chunks.get(w).envs()) {
                    w++;
                }
                System.arraycopy(chunks.get(w).finalObs(), finalCursor[w], finals, i * obsDim, obsDim);
                finalCursor[w] += obsDim;
            }
            finalValues(cut, finals, finalValueD);
            buffer.add(obsF, actD, logProbD, rewardD, valueD, terminated, truncated, finalValueD);
            for (int w = 0; w < chunks.size(); w++) { // env order: chunks in order, each in env order
                double[] eps = chunks.get(w).episodes();
                while (episodeCursor[w] < eps.length && eps[episodeCursor[w]] == t) {
                    int j = episodeCursor[w];
                    recordEpisode(new EpisodeStats(eps[j + 2], (int) eps[j + 3], 0));
                    episodeCursor[w] += 4;
                }
            }
            if (bar != null) {
                bar.update(globalStep, meanRecentReturn());
            }
        }
        double[] lastValues = new double[nEnvs];
        for (RolloutChunk c : chunks) {
            System.arraycopy(c.lastValues(), 0, lastValues, c.firstEnv(), c.envs());
        }
        buffer.computeReturnsAndAdvantages(lastValues, cfg.gamma(), cfg.gaeLambda());
    }

    /** Normalised (if configured) observations as a row-major float batch. */
    private void normalizeInto(double[][] raw, float[] out) {
        normalize(raw, obsRms, cfg.clipObs(), obsDim, out);
    }

    /** {@link #normalizeInto} with the given statistics (none: a plain cast); rollout workers use it too. */
    static void normalize(double[][] raw, RunningMeanStd obsRms, double clipObs, int obsDim, float[] out) {
        double[] tmp = new double[obsDim];
        for (int e = 0; e < raw.length; e++) {
            double[] o = obsRms == null ? raw[e] : obsRms.normalize(raw[e], OBS_EPSILON, clipObs, tmp);
            for (int j = 0; j < obsDim; j++) {
                out[e * obsDim + j] = (float) o[j];
            }
        }
    }

    /** VecNormalize's reward scaling: divide by the running std of the discounted return, then clip. */
    private void scaleRewards(double[] r, boolean[] terminated, boolean[] truncated, double[] out) {
        if (retRms == null) {
            System.arraycopy(r, 0, out, 0, nEnvs);
            return;
        }
        double[][] g = new double[nEnvs][1];
        for (int e = 0; e < nEnvs; e++) {
            discountedReturns[e] = discountedReturns[e] * cfg.gamma() + r[e];
            g[e][0] = discountedReturns[e];
        }
        retRms.update(g);
        double scale = Math.sqrt(retRms.var()[0] + OBS_EPSILON);
        for (int e = 0; e < nEnvs; e++) {
            out[e] = Math.max(-cfg.clipReward(), Math.min(cfg.clipReward(), r[e] / scale));
            if (terminated[e] || truncated[e]) {
                discountedReturns[e] = 0;
            }
        }
    }

    /** V(final observation) for every env truncated on this step (NaN elsewhere), in one batch. */
    private void finalValues(VectorStep st, double[] out) {
        List<Integer> truncated = truncatedEnvs(st.terminated(), st.truncated());
        int k = truncated.size();
        double[][] finals = new double[k][];
        for (int i = 0; i < k; i++) {
            finals[i] = st.finalObservations()[truncated.get(i)];
        }
        float[] f = new float[k * obsDim];
        normalizeInto(finals, f);
        finalValues(truncated, f, out);
    }

    /** The envs truncated (not terminated) on a step, in env order. */
    private List<Integer> truncatedEnvs(boolean[] terminated, boolean[] truncated) {
        List<Integer> cut = new ArrayList<>();
        for (int e = 0; e < nEnvs; e++) {
            if (truncated[e] && !terminated[e]) {
                cut.add(e);
            }
        }
        return cut;
    }

    /** V of the normalised final observations {@code f} (one row per env of {@code truncated}), NaN elsewhere. */
    private void finalValues(List<Integer> truncated, float[] f, double[] out) {
        java.util.Arrays.fill(out, Double.NaN);
        int k = truncated.size();
        if (k == 0) {
            return;
        }
        INDArray x = nd(k)[0];
        NdArrays.fromFloats(f, x);
        double[] v = new double[k];
        NdArrays.toDoubles(value.forward(x), v);
        for (int i = 0; i < k; i++) {
            out[truncated.get(i)] = v[i];
        }
    }

    private void recordEpisode(EpisodeStats ep) {
        episodes++;
        recentEpisodes.add(ep.episodeReturn(), ep.length());
    }

    /** Mean return of the last 100 finished training episodes (stochastic policy), NaN before any. */
    public double meanRecentReturn() {
        return recentEpisodes.meanReturn();
    }

    double meanRecentLength() {
        return recentEpisodes.meanLength();
    }

    /** Fisher-Yates with the run's generator, so the minibatch order is part of the checkpointed state. */
    void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Per-batch-size input and gradient arrays: obs [b, obsDim], dMean [b, actDim], dValue [b, 1]. */
    private INDArray[] nd(int b) {
        return ndByBatch.computeIfAbsent(b, n -> new INDArray[] {
                Nd4j.zeros(DataType.FLOAT, n, obsDim), Nd4j.zeros(DataType.FLOAT, n, actDim),
                Nd4j.zeros(DataType.FLOAT, n, 1)});
    }

    // ------------------------------------------------------------------------------------------ state

    /** The last update's wall time and epochs (for the bench), or null before the first. */
    @Override
    public UpdateCost lastUpdateCost() {
        return lastUpdateCost;
    }

    public PpoConfig config() {
        return cfg;
    }

    public String envId() {
        return envId;
    }

    public long iteration() {
        return iteration;
    }

    public long globalStep() {
        return globalStep;
    }

    /** The rollout of the last {@link #collectRollout}, with its returns and advantages. */
    RolloutBuffer buffer() {
        return buffer;
    }

    /** The Adam over policy and value (PPO's; A2C's with {@code use_rms_prop: false}). */
    AdamOptimizer optimizer() {
        return optimizer;
    }

    long seed() {
        return seed;
    }

    Provenance provenance() {
        return provenance;
    }

    long episodes() {
        return episodes;
    }

    /** An engine's owner finished an update ({@link #iteration()} counts them, checkpointed). */
    void finishIteration() {
        iteration++;
    }

    public GaussianPolicy policy() {
        return policy;
    }

    public Mlp valueNet() {
        return value;
    }

    /** Observation statistics, or null without {@code normObs}. */
    public RunningMeanStd observationStatistics() {
        return obsRms;
    }

    /** The final model: policy mean network, log-std, observation statistics and provenance. */
    public Checkpoint model() {
        Checkpoint cp = PolicyExport.newModel(algorithm, envId, obsDim, actDim, PolicyExport.POLICY_SIZES,
                policy.meanNet().sizes());
        ObjectNode h = cp.header();
        h.put("activation", policy.meanNet().hiddenActivation().name().toLowerCase(java.util.Locale.ROOT));
        h.put("norm_obs", obsRms != null);
        h.put("clip_obs", cfg.clipObs());
        h.put("obs_epsilon", OBS_EPSILON);
        h.put("use_sde", policy.stateDependent());
        h.put("iteration", iteration);
        h.put("global_step", globalStep);
        h.set("provenance", provenance.toJson());
        PolicyExport.putSimToReal(cp, cfg.simToReal());
        cp.put(POLICY_MEAN, policy.meanNet().getParams());
        double[] ls = new double[policy.logStdSize()];
        policy.logStd(ls);
        float[] lsF = new float[ls.length];
        for (int i = 0; i < ls.length; i++) {
            lsF[i] = (float) ls[i];
        }
        cp.put(LOG_STD, lsF);
        if (obsRms != null) {
            cp.put(OBS_MEAN, obsRms.mean());
            cp.put(OBS_VAR, obsRms.var());
            h.put("obs_count", obsRms.count());
        }
        return cp;
    }

    /** Everything a bit-identical continuation needs; also readable as a model. */
    public Checkpoint checkpoint() {
        Checkpoint cp = model();
        ObjectNode h = cp.header();
        h.put("kind", "checkpoint");
        h.set("config", Checkpoint.json().valueToTree(ConfigYaml.toMap(runConfig)));
        h.put("seed", seed);
        h.put("episodes", episodes);
        h.put("rng_state", rng.state());
        h.put("adam_iteration", optimizer.iteration());
        cp.put("value", value.getParams());
        cp.put("adam_state", optimizer.state().dup().data().asFloat());
        if (retRms != null) {
            cp.put("ret_mean", retRms.mean());
            cp.put("ret_var", retRms.var());
            h.put("ret_count", retRms.count());
        }
        cp.put("discounted_returns", discountedReturns);
        if (policy.stateDependent()) {
            cp.put(SDE_MATRICES, policy.explorationMatrices());
        }
        cp.put("recent_episodes", recentEpisodes.toArray());
        VectorEnv.State vs = envs.snapshot();
        ArrayNode venv = h.putArray("envs");
        for (int e = 0; e < nEnvs; e++) {
            TrainingCheckpoint.putEnvState(cp, venv.addObject(), "env." + e + ".", vs.envs().get(e), actDim);
        }
        return cp;
    }

    /**
     * Rebuilds a run from {@link #checkpoint()}: the same config (with {@code nTimesteps} replaced
     * when {@code totalSteps} is non-null), networks, optimiser, statistics, generators, counters and
     * env states.
     */
    public static Ppo resume(Path file, Long totalSteps) throws IOException {
        return resume(file, totalSteps, null);
    }

    /** As {@link #resume(Path, Long)}, with at most {@code envThreads} env threads (null: the default). */
    public static Ppo resume(Path file, Long totalSteps, Integer envThreads) throws IOException {
        Checkpoint cp = TrainingCheckpoint.read(file, ALGORITHM);
        PpoConfig cfg = TrainingCheckpoint.config(cp, file, PpoConfig.defaults(), totalSteps, PpoConfig::withTimesteps);
        Ppo ppo = new Ppo(cfg, cp.field("env").asText(), cp.field("seed").asLong(), envThreads);
        ppo.restore(cp);
        return ppo;
    }

    /** The threads stepping this run's envs. */
    @Override
    public int envThreads() {
        return envs.threads();
    }

    void restore(Checkpoint cp) throws IOException {
        provenance = Provenance.fromJson(cp.field("provenance"));
        policy.meanNet().setParams(cp.floats(POLICY_MEAN, (int) policy.meanNet().numParams()));
        float[] ls = cp.floats(LOG_STD, policy.logStdSize());
        for (int i = 0; i < ls.length; i++) {
            policy.logStd().putScalar(0, i, ls[i]);
        }
        value.setParams(cp.floats("value", (int) value.numParams()));
        float[] adam = cp.floats("adam_state", (int) optimizer.state().length());
        optimizer.state().assign(Nd4j.createFromArray(adam).reshape(1, adam.length));
        optimizer.setIteration(cp.field("adam_iteration").asInt());
        if (obsRms != null) {
            obsRms.load(new RunningMeanStd.State(cp.doubles(OBS_MEAN, obsDim), cp.doubles(OBS_VAR, obsDim),
                    cp.field("obs_count").asDouble()));
        }
        if (retRms != null) {
            retRms.load(new RunningMeanStd.State(cp.doubles("ret_mean", 1), cp.doubles("ret_var", 1),
                    cp.field("ret_count").asDouble()));
        }
        System.arraycopy(cp.doubles("discounted_returns", nEnvs), 0, discountedReturns, 0, nEnvs);
        if (policy.stateDependent() && cp.has(SDE_MATRICES)) {
            double[] m = cp.doubles(SDE_MATRICES, -1);
            policy.setExplorationMatrices(m, m.length / policy.sde().matrixSize());
        }
        recentEpisodes.load(cp.doubles("recent_episodes", -1));
        rng.setState(cp.field("rng_state").asLong());
        iteration = cp.field("iteration").asLong();
        globalStep = cp.field("global_step").asLong();
        episodes = cp.field("episodes").asLong();
        JsonNode venv = cp.field("envs");
        if (venv.size() != nEnvs) {
            throw new IOException(cp.source() + ": holds " + venv.size() + " env states, config has " + nEnvs);
        }
        List<VectorEnv.EnvState> states = new ArrayList<>();
        for (int e = 0; e < nEnvs; e++) {
            states.add(TrainingCheckpoint.envState(cp, venv.get(e), "env." + e + ".", obsDim, actDim));
        }
        rawObs = envs.restore(new VectorEnv.State(states));
    }

    @Override
    public void close() {
        envs.close();
    }
}
