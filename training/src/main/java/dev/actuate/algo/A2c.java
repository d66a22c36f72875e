package dev.actuate.algo;

import dev.actuate.nn.GaussianPolicy;
import dev.actuate.nn.Mlp;
import dev.actuate.nn.NdArrays;
import dev.actuate.nn.RmsPropOptimizer;
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
 * Advantage Actor-Critic, synchronous (Mnih et al., 2016), as Stable-Baselines3's A2C: one gradient step per
 * rollout of {@code nSteps} x {@code nEnvs} on {@code -mean(A log pi(a|s)) - entCoef H + vfCoef mean((V - R)^2)},
 * advantages from GAE ({@code gaeLambda} 1: n-step returns), global gradient-norm clipping and RMSprop
 * ({@code alpha} 0.99, {@code eps} {@code rmsPropEps}) or Adam.
 *
 * <p>Rollouts, truncation bootstrapping, observation normalisation, gSDE, the networks, the model file and the
 * checkpoint are PPO's ({@link Ppo} as the rollout engine). The policy gradient is {@link PpoLoss}'s at ratio 1:
 * the log-probabilities of the update's own forward pass stand in for the rollout's, so the ratio is exactly 1 and
 * the unclipped surrogate's gradient is A2C's {@code -A grad log pi}. CleanRL style: {@link #train} top to bottom.
 */
public final class A2c implements OnPolicyTrainer.Run<A2c, A2cConfig> {
    public static final String ALGORITHM = "a2c";
    public static final double RMSPROP_ALPHA = 0.99;
    public static final List<String> METRICS = List.of("iteration", "global_step", "mean_return", "mean_length",
            "episodes", "learning_rate", "policy_loss", "value_loss", "entropy", "grad_norm", "explained_variance",
            "std", "steps_per_sec");

    private final A2cConfig cfg;
    private final Ppo engine;
    private final GaussianPolicy policy;
    private final Mlp value;
    /** Null with {@code useRmsProp} false: the engine's Adam then steps. */
    private final RmsPropOptimizer rmsProp;
    private final int obsDim;
    private final int actDim;

    /** A fresh run: networks initialised and envs reset from {@code seed}. */
    public A2c(A2cConfig cfg, String envId, long seed) {
        this(cfg, envId, seed, null);
    }

    /** A fresh run stepping its envs on at most {@code envThreads} threads (null: one per env up to the cores). */
    public A2c(A2cConfig cfg, String envId, long seed, Integer envThreads) {
        this.cfg = cfg;
        this.engine = new Ppo(cfg.rollout(), envId, seed, ALGORITHM, cfg, envThreads);
        this.policy = engine.policy();
        this.value = engine.valueNet();
        this.rmsProp = cfg.useRmsProp()
                ? new RmsPropOptimizer(cfg.learningRate(), RMSPROP_ALPHA, cfg.rmsPropEps(), policy, value) : null;
        this.obsDim = policy.observationSize();
        this.actDim = policy.actionSize();
    }

    /** Trains as {@link Ppo#train}: metrics, checkpoints, the curve and the final model into {@code run}. */
    public void train(RunDir run, ProgressBar bar, Predicate<A2c> keepGoing) throws IOException {
        long numIterations = cfg.iterations();
        RolloutBuffer buffer = engine.buffer();
        int n = buffer.size();
        float[] obsF = new float[n * obsDim];
        double[] act = new double[n * actDim];
        double[] rolloutLogProb = new double[n];
        double[] adv = new double[n];
        double[] returns = new double[n];
        double[] oldValues = new double[n];
        double[] mean = new double[n * actDim];
        double[] logStd = new double[Math.max(policy.logStdSize(), n * actDim)];
        double[] logProb = new double[n];
        double[] values = new double[n];
        double[] dMean = new double[n * actDim];
        double[] dLogStd = new double[Math.max(policy.logStdSize(), n * actDim)];
        double[] dValue = new double[n];
        int[] identity = new int[n];
        for (int i = 0; i < n; i++) {
            identity[i] = i;
        }
        INDArray obs = Nd4j.zeros(policy.meanNet().dataType(), n, obsDim);
        INDArray dMeanNd = Nd4j.zeros(policy.meanNet().dataType(), n, actDim);
        INDArray dValueNd = Nd4j.zeros(value.dataType(), n, 1);
        try (RunLog log = new RunLog(run, cfg, engine.provenance(), METRICS, engine.iteration(), ALGORITHM,
                engine.envId(), engine.seed())) {
            while (engine.iteration() < numIterations) {
                long iterStart = System.nanoTime();
                double learningRate = cfg.annealLr()
                        ? progressRemaining(engine.iteration(), n, cfg.nTimesteps()) * cfg.learningRate()
                        : cfg.learningRate();
                if (rmsProp != null) {
                    rmsProp.setLearningRate(learningRate);
                } else {
                    engine.optimizer().setLearningRate(learningRate);
                }

                // ---- rollout (PPO's): n-step returns / GAE advantages in the buffer
                engine.collectRollout(bar);
                buffer.gather(identity, 0, n, obsF, act, rolloutLogProb, adv, returns, oldValues);
                if (cfg.normAdv()) {
                    PpoLoss.normalize(adv, n);
                }
                NdArrays.fromFloats(obsF, obs);

                // ---- one gradient step on the whole rollout
                NdArrays.toDoubles(policy.forward(obs), mean);
                int stride = policy.logStdRows(n, logStd);
                policy.logProb(mean, act, n, logProb);
                PpoLoss.PolicyStats ps = PpoLoss.policy(mean, logStd, stride, act, logProb, adv, n, actDim,
                        Double.POSITIVE_INFINITY, cfg.entCoef(), dMean, dLogStd);
                NdArrays.fromDoubles(dMean, dMeanNd);
                policy.backward(dMeanNd, dLogStd);
                NdArrays.toDoubles(value.forward(obs), values);
                double vLoss = PpoLoss.value(values, oldValues, returns, n, false, 0, cfg.vfCoef(), dValue);
                NdArrays.fromDoubles(dValue, dValueNd);
                value.backward(dValueNd);
                double gradNorm;
                if (rmsProp != null) {
                    gradNorm = rmsProp.clipGradNorm(cfg.maxGradNorm());
                    rmsProp.step();
                } else {
                    gradNorm = engine.optimizer().clipGradNorm(cfg.maxGradNorm());
                    engine.optimizer().step();
                }
                engine.finishIteration();

                // ---- log, checkpoint, curve, model
                long iteration = engine.iteration();
                double seconds = (System.nanoTime() - iterStart) / 1e9;
                log.row(iteration, engine.globalStep(), engine.meanRecentReturn(), engine.meanRecentLength(),
                        engine.episodes(), learningRate, ps.pgLoss(), vLoss, ps.entropy(), gradNorm,
                        buffer.explainedVariance(), policy.meanStd(), n / seconds);
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
     * SB3's {@code progress_remaining} at the update after rollout {@code iteration} (0-based) of {@code rolloutSize}
     * steps: {@code 1 - steps collected / nTimesteps}, counted after the rollout (SB3 updates it between
     * {@code collect_rollouts} and {@code train}), so the first update runs just below the full rate and the last at
     * 0. Clamped at 0 where the last rollout overshoots {@code nTimesteps} (SB3 would anneal below zero there).
     */
    static double progressRemaining(long iteration, int rolloutSize, long nTimesteps) {
        return Math.max(0.0, 1.0 - (double) (iteration + 1) * rolloutSize / nTimesteps);
    }

    public A2cConfig config() {
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

    public Mlp valueNet() {
        return value;
    }

    /** The final model: PPO's model file (policy mean network, log-std, observation statistics) as A2C's. */
    public Checkpoint model() {
        return engine.model();
    }

    /** Everything a bit-identical continuation needs: the engine's checkpoint (A2C's config) and RMSprop's state. */
    public Checkpoint checkpoint() {
        Checkpoint cp = engine.checkpoint();
        if (rmsProp != null) {
            cp.put("rmsprop_state", rmsProp.state().dup().data().asFloat());
        }
        return cp;
    }

    /** Rebuilds a run from {@link #checkpoint()}, with {@code nTimesteps} replaced when {@code totalSteps} is set. */
    public static A2c resume(Path file, Long totalSteps) throws IOException {
        return resume(file, totalSteps, null);
    }

    /** As {@link #resume(Path, Long)}, with at most {@code envThreads} env threads (null: the default). */
    public static A2c resume(Path file, Long totalSteps, Integer envThreads) throws IOException {
        Checkpoint cp = TrainingCheckpoint.read(file, ALGORITHM);
        A2cConfig cfg = TrainingCheckpoint.config(cp, file, A2cConfig.defaults(), totalSteps, A2cConfig::withTimesteps);
        A2c a2c = new A2c(cfg, cp.field("env").asText(), cp.field("seed").asLong(), envThreads);
        a2c.engine.restore(cp);
        if (a2c.rmsProp != null) {
            float[] s = cp.floats("rmsprop_state", (int) a2c.rmsProp.state().length());
            a2c.rmsProp.state().assign(Nd4j.createFromArray(s).reshape(1, s.length));
        }
        return a2c;
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
