package dev.actuate.algo;

import dev.actuate.nn.AdamOptimizer;
import dev.actuate.nn.DiagGaussian;
import dev.actuate.nn.GaussianPolicy;
import dev.actuate.nn.Mlp;
import dev.actuate.nn.NdArrays;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ProgressBar;
import dev.actuate.train.RolloutBuffer;
import dev.actuate.train.RunDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Trust Region Policy Optimization (Schulman et al., 2015) as sb3-contrib's TRPO: the policy step is the natural
 * gradient {@code F^-1 g} of the surrogate {@code mean(ratio * A)}, solved by conjugate gradient on Fisher-vector
 * products ({@link GaussianPolicy#fisherVectorProduct}, damped), scaled so the quadratic KL model meets
 * {@code targetKl}, and kept by a backtracking line search only where the surrogate improves and the measured KL
 * stays below {@code targetKl}. The KL is sb3-contrib's: KL(new || old) averaged over the rows and the action
 * dimensions ({@link #meanKl}), and the Fisher is its Hessian ({@link #fisher}). The value network is fitted
 * afterwards by its own Adam.
 *
 * <p>Rollouts, GAE, truncation bootstrapping, observation normalisation, the networks, the model file and the
 * checkpoint are PPO's ({@link Ppo} as the rollout engine), so eval, render, export and resume work unchanged.
 * With gSDE the log-std of each row is gSDE's log-sigma, in the Fisher, the surrogate and the KL alike.
 * CleanRL style: {@link #train} reads top to bottom.
 */
public final class Trpo implements OnPolicyTrainer.Run<Trpo, TrpoConfig> {
    public static final String ALGORITHM = "trpo";
    public static final List<String> METRICS = List.of("iteration", "global_step", "mean_return", "mean_length",
            "episodes", "surrogate_gain", "kl", "accepted", "step_fraction", "line_search_trials", "value_loss",
            "explained_variance", "std", "policy_update_ms", "steps_per_sec");

    /** One policy update's outcome: {@code kl} is the measured mean KL of the kept step (0 when rejected). */
    public record Update(boolean accepted, double kl, double surrogateGain, double fraction, int trials) {
    }

    private final TrpoConfig cfg;
    private final Ppo engine;
    private final GaussianPolicy policy;
    private final Mlp value;
    private final AdamOptimizer valueOptimizer;
    private final int obsDim;
    private final int actDim;
    private Update lastUpdate;
    private UpdateCost lastCost;

    /** A fresh run: networks initialised and envs reset from {@code seed}. */
    public Trpo(TrpoConfig cfg, String envId, long seed) {
        this(cfg, envId, seed, null);
    }

    /** A fresh run stepping its envs on at most {@code envThreads} threads (null: one per env up to the cores). */
    public Trpo(TrpoConfig cfg, String envId, long seed, Integer envThreads) {
        this.cfg = cfg;
        this.engine = new Ppo(cfg.rollout(), envId, seed, ALGORITHM, cfg, envThreads);
        this.policy = engine.policy();
        this.value = engine.valueNet();
        this.valueOptimizer = new AdamOptimizer(cfg.learningRate(), 0.9, 0.999, 1e-5, value);
        this.obsDim = policy.observationSize();
        this.actDim = policy.actionSize();
    }

    // ------------------------------------------------------------------------------------------ train

    /** Trains as {@link Ppo#train}: metrics, checkpoints, the curve and the final model into {@code run}. */
    public void train(RunDir run, ProgressBar bar, Predicate<Trpo> keepGoing) throws IOException {
        long numIterations = cfg.iterations();
        RolloutBuffer buffer = engine.buffer();
        int n = buffer.size();
        int p = (int) policy.params().length();
        int batchSize = Math.min(cfg.batchSize(), n);
        // The policy step's rows: the whole rollout, or sb3-contrib's sub-sample rollout[perm][::factor].
        int factor = cfg.subSamplingFactor();
        int m = (n + factor - 1) / factor;
        int[] identity = new int[n];
        int[] indices = new int[n];
        int[] rows = new int[m];
        for (int i = 0; i < n; i++) {
            identity[i] = i;
        }
        float[] obsRows = new float[m * obsDim];
        double[] act = new double[m * actDim];
        double[] oldLogProb = new double[m];
        double[] adv = new double[m];
        double[] unusedReturns = new double[m];
        double[] unusedValues = new double[m];
        double[] oldMean = new double[m * actDim];
        int logStdLen = Math.max(policy.logStdSize(), m * actDim);
        double[] oldLogStd = new double[logStdLen];
        double[] mean = new double[m * actDim];
        double[] logStd = new double[logStdLen];
        double[] dMean = new double[m * actDim];
        double[] dLogStd = new double[logStdLen];
        double[] grad = new double[p];
        double[] theta = new double[p];
        double[] trial = new double[p];
        double[] fvp = new double[p];
        double[] logProb = new double[m];
        INDArray obs = Nd4j.zeros(policy.meanNet().dataType(), m, obsDim);
        INDArray dMeanNd = Nd4j.zeros(policy.meanNet().dataType(), m, actDim);
        float[] mbObs = new float[batchSize * obsDim];
        double[] mbAct = new double[batchSize * actDim];
        double[] mbLogProb = new double[batchSize];
        double[] mbAdv = new double[batchSize];
        double[] mbReturns = new double[batchSize];
        double[] mbOldValues = new double[batchSize];
        double[] mbValues = new double[batchSize];
        double[] dValue = new double[batchSize];
        // The critic's network inputs: full minibatches, and the shorter last one where batchSize does not divide n.
        int tail = n % batchSize == 0 ? batchSize : n % batchSize;
        INDArray[] mbObsNd = {Nd4j.zeros(value.dataType(), batchSize, obsDim),
            Nd4j.zeros(value.dataType(), tail, obsDim)};
        INDArray[] dValueNd = {Nd4j.zeros(value.dataType(), batchSize, 1), Nd4j.zeros(value.dataType(), tail, 1)};
        long[] fvpCost = new long[2]; // calls, nanos
        TrustRegion.Operator dampedFisher = fisher(policy, cfg.cgDamping());
        TrustRegion.Operator fisher = (v, out) -> {
            long t0 = UpdateCost.cpuNanos();
            dampedFisher.apply(v, out);
            fvpCost[0]++;
            fvpCost[1] += UpdateCost.cpuNanos() - t0;
        };
        try (RunLog log = new RunLog(run, cfg, engine.provenance(), METRICS, engine.iteration(), ALGORITHM,
                engine.envId(), engine.seed())) {
            while (engine.iteration() < numIterations) {
                long iterStart = System.nanoTime();
                // ---- rollout (PPO's): returns and GAE advantages in the buffer
                engine.collectRollout(bar);
                long policyStart = System.nanoTime();
                long policyCpu = UpdateCost.cpuNanos();
                if (factor == 1) {
                    System.arraycopy(identity, 0, rows, 0, n);
                } else {
                    // sb3-contrib shuffles the rollout and keeps every factor-th row (its buffer's get() permutes).
                    System.arraycopy(identity, 0, indices, 0, n);
                    engine.shuffle(indices);
                    for (int k = 0; k < m; k++) {
                        rows[k] = indices[k * factor];
                    }
                }
                buffer.gather(rows, 0, m, obsRows, act, oldLogProb, adv, unusedReturns, unusedValues);
                if (cfg.normAdv()) {
                    PpoLoss.normalize(adv, m); // over the rows the step sees, as sb3-contrib (after sub-sampling)
                }
                NdArrays.fromFloats(obsRows, obs);

                // ---- policy gradient g of the surrogate mean(ratio * A) at the old policy
                NdArrays.toDoubles(policy.forward(obs), oldMean);
                int oldStride = policy.logStdRows(m, oldLogStd);
                // PPO's loss without clipping is -mean(ratio * A): its gradient is -g.
                PpoLoss.PolicyStats ps = PpoLoss.policy(oldMean, oldLogStd, oldStride, act, oldLogProb, adv, m, actDim,
                        Double.POSITIVE_INFINITY, 0.0, dMean, dLogStd);
                NdArrays.fromDoubles(dMean, dMeanNd);
                policy.backward(dMeanNd, dLogStd);
                NdArrays.toDoubles(policy.gradients(), grad);
                for (int i = 0; i < p; i++) {
                    grad[i] = -grad[i];
                }
                double oldSurrogate = -ps.pgLoss();

                // ---- natural gradient: (F + damping I) s = g by conjugate gradient, scaled to the KL bound. The
                // Fisher is taken at the old parameters: one forward pass serves every product.
                long fisherStart = UpdateCost.cpuNanos();
                policy.prepareFisher(obs);
                fvpCost[0] = 0;
                fvpCost[1] = UpdateCost.cpuNanos() - fisherStart;
                double[] s = TrustRegion.conjugateGradient(fisher, grad, cfg.cgMaxSteps(), 1e-10);
                int cgIterations = (int) fvpCost[0];
                fisher.apply(s, fvp);
                double beta = TrustRegion.stepScale(s, fvp, cfg.targetKl());

                // ---- backtracking line search on the measured surrogate and KL
                long searchStart = UpdateCost.cpuNanos();
                NdArrays.toDoubles(policy.params(), theta);
                TrustRegion.Search search = TrustRegion.lineSearch(fraction -> {
                    for (int i = 0; i < p; i++) {
                        trial[i] = theta[i] + fraction * beta * s[i];
                    }
                    NdArrays.fromDoubles(trial, policy.params());
                    return measure(obs, act, oldLogProb, adv, oldMean, oldLogStd, oldStride, m, mean, logStd, logProb);
                }, oldSurrogate, cfg.targetKl(), cfg.lineSearchShrinkingFactor(), cfg.lineSearchMaxIter());
                if (search.accepted()) {
                    for (int i = 0; i < p; i++) {
                        trial[i] = theta[i] + search.fraction() * beta * s[i];
                    }
                    NdArrays.fromDoubles(trial, policy.params());
                } else {
                    NdArrays.fromDoubles(theta, policy.params());
                }
                lastUpdate = search.accepted()
                        ? new Update(true, search.trial().kl(), search.trial().surrogate() - oldSurrogate,
                                search.fraction(), search.trials())
                        : new Update(false, 0.0, 0.0, 0.0, search.trials());
                long policyEnd = UpdateCost.cpuNanos();
                double policyMs = (System.nanoTime() - policyStart) / 1e6;

                // ---- critic: nCriticUpdates passes of shuffled minibatches, MSE to the returns, its own Adam. As
                // SB3's rollout_buffer.get(batch_size), a rollout that batchSize does not divide ends each pass with
                // a shorter minibatch (the whole rollout is fitted every pass).
                double vLossSum = 0;
                int minibatches = 0;
                System.arraycopy(identity, 0, indices, 0, n);
                for (int epoch = 0; epoch < cfg.nCriticUpdates(); epoch++) {
                    engine.shuffle(indices);
                    for (int start = 0; start < n; start += batchSize) {
                        int b = Math.min(batchSize, n - start);
                        int which = b == batchSize ? 0 : 1;
                        buffer.gather(indices, start, start + b, mbObs, mbAct, mbLogProb, mbAdv, mbReturns,
                                mbOldValues);
                        NdArrays.fromFloats(mbObs, mbObsNd[which]);
                        NdArrays.toDoubles(value.forward(mbObsNd[which]), mbValues);
                        vLossSum += PpoLoss.value(mbValues, mbOldValues, mbReturns, b, false, 0, 1.0, dValue);
                        NdArrays.fromDoubles(dValue, dValueNd[which]);
                        value.backward(dValueNd[which]);
                        valueOptimizer.step();
                        minibatches++;
                    }
                }
                long criticEnd = UpdateCost.cpuNanos();
                lastCost = new UpdateCost((criticEnd - policyCpu) / 1e6, 0, (policyEnd - policyCpu) / 1e6,
                        (criticEnd - policyEnd) / 1e6,
                        cgIterations, (int) fvpCost[0], fvpCost[1] / 1e6, (policyEnd - searchStart) / 1e6,
                        search.trials(), m);
                engine.finishIteration();

                // ---- log, checkpoint, curve, model
                long iteration = engine.iteration();
                double seconds = (System.nanoTime() - iterStart) / 1e9;
                log.row(iteration, engine.globalStep(), engine.meanRecentReturn(), engine.meanRecentLength(),
                        engine.episodes(), lastUpdate.surrogateGain(), lastUpdate.kl(), lastUpdate.accepted() ? 1 : 0,
                        lastUpdate.fraction(), lastUpdate.trials(), vLossSum / Math.max(1, minibatches),
                        buffer.explainedVariance(), policy.meanStd(), policyMs, n / seconds);
                boolean last = iteration == numIterations;
                boolean stop = !last && keepGoing != null && !keepGoing.test(this);
                log.save(iteration % cfg.checkpointEvery() == 0, last, stop, f -> checkpoint().write(f), this::model);
                if (stop) {
                    break;
                }
            }
        }
        if (bar != null) {
            bar.finish(engine.globalStep(), engine.meanRecentReturn());
        }
    }

    /**
     * The surrogate {@code mean(ratio * A)} and {@link #meanKl} at the policy's current parameters (the trial
     * step's), against the old policy.
     */
    private TrustRegion.Trial measure(INDArray obs, double[] act, double[] oldLogProb, double[] adv, double[] oldMean,
                                      double[] oldLogStd, int oldStride, int n, double[] mean, double[] logStd,
                                      double[] logProb) {
        NdArrays.toDoubles(policy.forward(obs), mean);
        int stride = policy.logStdRows(n, logStd);
        policy.logProb(mean, act, n, logProb);
        double surrogate = 0;
        for (int i = 0; i < n; i++) {
            surrogate += Math.exp(logProb[i] - oldLogProb[i]) * adv[i];
        }
        return new TrustRegion.Trial(surrogate / n, meanKl(mean, logStd, stride, oldMean, oldLogStd, oldStride, n,
                actDim));
    }

    /**
     * The trust region's measure, as sb3-contrib's {@code kl_divergence(new, old).mean()}: KL(new || old) of each
     * row's Gaussian, per action dimension (PyTorch's {@code Normal} KL is element-wise, and {@code mean()} averages
     * over rows and action dimensions alike), so {@code targetKl} bounds the KL per action dimension; row i's
     * log-std starts at {@code i * stride} (0: shared).
     */
    static double meanKl(double[] newMean, double[] newLogStd, int newStride, double[] oldMean, double[] oldLogStd,
                         int oldStride, int rows, int actDim) {
        double kl = 0;
        for (int i = 0; i < rows; i++) {
            kl += DiagGaussian.kl(newMean, newLogStd, i * newStride, oldMean, oldLogStd, i * oldStride, i * actDim,
                    actDim);
        }
        return kl / ((double) rows * actDim);
    }

    /**
     * {@code v -> (F / actDim + damping I) v} over the rows of the last {@link GaussianPolicy#prepareFisher}: the
     * Hessian of {@link #meanKl} at new = old (the policy's Fisher, which is the Hessian of the KL summed over action
     * dimensions, divided by their number), damped as sb3-contrib's {@code hessian_vector_product}.
     */
    static TrustRegion.Operator fisher(GaussianPolicy policy, double damping) {
        double perDimension = 1.0 / policy.actionSize();
        return (v, out) -> {
            policy.fisherVectorProduct(v, out);
            for (int i = 0; i < v.length; i++) {
                out[i] = out[i] * perDimension + damping * v[i];
            }
        };
    }

    // ------------------------------------------------------------------------------------------ state

    public TrpoConfig config() {
        return cfg;
    }

    public String envId() {
        return engine.envId();
    }

    public long iteration() {
        return engine.iteration();
    }

    public long globalStep() {
        return engine.globalStep();
    }

    public double meanRecentReturn() {
        return engine.meanRecentReturn();
    }

    public GaussianPolicy policy() {
        return policy;
    }

    /** The last policy update, or null before the first. */
    public Update lastUpdate() {
        return lastUpdate;
    }

    /** Where the last update's time went (for the bench), or null before the first. */
    @Override
    public UpdateCost lastUpdateCost() {
        return lastCost;
    }

    /** The final model: PPO's model file (policy mean network, log-std, observation statistics) as TRPO's. */
    public Checkpoint model() {
        return engine.model();
    }

    /** Everything a bit-identical continuation needs: the engine's checkpoint (TRPO's config) and the critic's Adam. */
    public Checkpoint checkpoint() {
        Checkpoint cp = engine.checkpoint();
        cp.header().put("value_adam_iteration", valueOptimizer.iteration());
        cp.put("value_adam_state", valueOptimizer.state().dup().data().asFloat());
        return cp;
    }

    /** Rebuilds a run from {@link #checkpoint()}, with {@code nTimesteps} replaced when {@code totalSteps} is set. */
    public static Trpo resume(Path file, Long totalSteps) throws IOException {
        return resume(file, totalSteps, null);
    }

    /** As {@link #resume(Path, Long)}, with at most {@code envThreads} env threads (null: the default). */
    public static Trpo resume(Path file, Long totalSteps, Integer envThreads) throws IOException {
        Checkpoint cp = TrainingCheckpoint.read(file, ALGORITHM);
        TrpoConfig cfg = TrainingCheckpoint.config(cp, file, TrpoConfig.defaults(), totalSteps, TrpoConfig::withTimesteps);
        Trpo trpo = new Trpo(cfg, cp.field("env").asText(), cp.field("seed").asLong(), envThreads);
        trpo.engine.restore(cp);
        float[] adam = cp.floats("value_adam_state", (int) trpo.valueOptimizer.state().length());
        trpo.valueOptimizer.state().assign(Nd4j.createFromArray(adam).reshape(1, adam.length));
        trpo.valueOptimizer.setIteration(cp.field("value_adam_iteration").asInt());
        return trpo;
    }

    /** Rollouts from workers: the engine's ({@link Ppo#distributeRollouts}); the update is unchanged. */
    @Override
    public void distributeRollouts(Function<RolloutRequest, List<RolloutChunk>> source) {
        engine.distributeRollouts(source);
    }

    @Override
    public RolloutWorker.Setup rolloutSetup() {
        return engine.rolloutSetup();
    }

    @Override
    public int envThreads() {
        return engine.envThreads();
    }

    @Override
    public void close() {
        engine.close();
    }
}
