package dev.actuate.algo;

import dev.actuate.nn.Activation;
import dev.actuate.nn.AdamOptimizer;
import dev.actuate.nn.Lanes;
import dev.actuate.nn.Mlp;
import dev.actuate.nn.NdArrays;
import dev.actuate.nn.ParamVector;
import dev.actuate.nn.Polyak;
import dev.actuate.nn.RowHalves;
import dev.actuate.nn.SquashedGaussian;
import dev.actuate.nn.StateDependentNoise;
import dev.actuate.nn.TwinCritic;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Rng;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ProgressBar;
import dev.actuate.train.Provenance;
import dev.actuate.train.ReplayBuffer;
import dev.actuate.train.RunDir;
import dev.actuate.train.TdTarget;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Soft Actor-Critic (Haarnoja et al., 2018, with the automatic temperature of the follow-up paper), as in
 * Stable-Baselines3 and CleanRL: twin Q networks {@code qf1, qf2} with Polyak-averaged targets, a
 * tanh-squashed Gaussian actor whose log-std is a state-dependent head clamped to [-20, 2], the
 * change-of-variables log-prob ({@link SquashedGaussian}), automatic entropy tuning of {@code alpha} toward
 * {@code targetEntropy = -|A|} by Adam on {@code log alpha}, uniform random warm-up for
 * {@code learningStarts} steps, and {@code trainFreq}/{@code gradientSteps}.
 *
 * <p>The actor's gradient reaches it through the critics: each critic's {@link Mlp#backwardInput} gives
 * {@code dQ/da} without touching its gradients or optimiser state, and each row takes the smaller Q's
 * ({@code d min(Q1, Q2) / da}).
 *
 * <p>Actions live in {@code [-1, 1]^A} (the replay buffer stores them so); {@link Collector} maps them onto
 * the env's box. The deterministic policy for evaluation is {@code tanh(mean)}.
 *
 * <p>With {@code useSde} the actor outputs only the mean and explores by gSDE ({@link SacSde}); the collection
 * noise is redrawn at each rollout's start and every {@code sdeSampleFreq} steps, the training noise before
 * every gradient step. As SB3's SAC actor ({@code learn_features=True}), the actor loss reaches the network
 * through the latent features (the last hidden layer, which the noise and its variance read) as well as the mean.
 *
 * <p><b>Threads.</b> With two {@link Lanes}, each critic's forward and backward passes and its half of the
 * Adam step run on its own thread (they share only read-only inputs). The actor's passes run as two fixed
 * halves of the batch's rows, one per lane ({@link RowHalves}, with gSDE too: each half also carries its rows'
 * latent and latent gradient); the halves' gradient sum, the actor's Adam step and the Polyak update are split
 * by elements. Every use of the generator stays on the caller, and the split never depends on the thread count,
 * so runs are bit-identical for one and two threads. The data dependencies are the published algorithm's: the actor
 * step uses the critics after their step, the next step's target actions need the actor after its step,
 * and the next action (and so the env step) needs the actor after the update, so neither steps nor the
 * env step overlap the update.
 */
public final class Sac implements AutoCloseable {
    public static final String ALGORITHM = "sac";
    static final double LOG_STD_MIN = -20;
    static final double LOG_STD_MAX = 2;
    public static final List<String> METRICS = List.of("iteration", "global_step", "mean_return", "mean_length",
            "episodes", "learning_rate", "qf_loss", "actor_loss", "alpha", "alpha_loss", "entropy", "mean_q",
            "updates", "steps_per_sec");

    private final SacConfig cfg;
    private final String envId;
    private final long seed;
    private final OffPolicySchedule schedule;
    private final Collector collector;
    private final int obsDim;
    private final int actDim;
    private final int batchSize;
    /** obs -> [mean | log_std] of the pre-squash Gaussian; obs -> mean with gSDE. */
    private final Mlp actor;
    /** Null without gSDE. */
    private final SacSde sde;
    private final TwinCritic qf;
    private final TwinCritic qfTarget;
    private final Polyak qfPolyak;
    private final AdamOptimizer actorOptimizer;
    private final AdamOptimizer qOptimizer;
    private final ParamVector logAlpha; // log alpha, with its own Adam
    /** Null when alpha is fixed ({@code ent_coef} set). */
    private final AdamOptimizer alphaOptimizer;
    private final double targetEntropy;
    private final ReplayBuffer replay;
    private final ReplayBuffer.Batch batch;
    private final Lanes lanes;
    /** Warm-up actions, action sampling and replay sampling. */
    private final Rng rng;
    private Provenance provenance;
    private long globalStep;
    private long updates;
    private long rolloutSteps;
    private long rolloutEpisodes;
    private long logRows;
    /** Null unless {@link OffPolicyProfile} measures the phases. */
    StepProfile profile;

    // Last update's statistics, for metrics.
    private double qfLoss = Double.NaN;
    private double actorLoss = Double.NaN;
    private double alphaLoss = Double.NaN;
    private double entropy = Double.NaN;
    private double meanQ = Double.NaN;

    // Work arrays, allocated once.
    private final INDArray obsNd;
    private final INDArray nextObsNd;
    private final INDArray qInNd;
    private final INDArray nextQInNd;
    /** Per critic: {@code [q1, q2]} networks, targets, output gradients (dQ1Nd, dQ2Nd). */
    private final Mlp[] qNets;
    private final Mlp[] qTargetNets;
    private final INDArray[] dQNd;
    private final INDArray dActorNd;
    /** gSDE: the actor loss's gradient at the latent (the actor's last hidden layer); null without gSDE. */
    private final double[] dLatent;
    private final INDArray dLatentNd;
    private final INDArray obs1Nd;
    /** The actor's passes over the batch as two halves of rows, one per lane. */
    private final RowHalves actorHalves;
    /** Row halves of obsNd, nextObsNd, dActorNd and (gSDE) dLatentNd (views). */
    private final INDArray[] obsHalf;
    private final INDArray[] nextObsHalf;
    private final INDArray[] dActorHalf;
    private final INDArray[] dLatentHalf;
    private final double[] actorOut;
    private final double[] mean;
    private final double[] logStd;
    private final boolean[] logStdInRange;
    private final double[] eps;
    private final double[] u;
    private final double[] nextAct;
    private final double[] nextLogProb;
    private final double[] piAct;
    private final double[] piLogProb;
    private final double[] q1;
    private final double[] q2;
    private final double[][] qv;
    private final double[][] targetQ;
    private final float[] nextQ;
    private final float[] y;
    private final double[][] dQ;
    private final double[] dQda;
    private final double[] dQda2;
    private final INDArray onesNd;
    private final double[] dMean;
    private final double[] dLogStd;
    private final double[] dActor;
    private final double[] action;

    /** A fresh run with {@link Lanes#defaultThreads()} learner threads. */
    public Sac(SacConfig cfg, String envId, long seed) {
        this(cfg, envId, seed, Lanes.defaultThreads());
    }

    /** A fresh run: networks initialised and the env reset from {@code seed}; 1 or 2 learner threads. */
    public Sac(SacConfig cfg, String envId, long seed, int threads) {
        this.cfg = cfg;
        this.envId = envId;
        this.seed = seed;
        this.schedule = cfg.schedule();
        Envs.spec(envId);
        this.collector = new Collector(envId, seed, cfg.simToReal());
        this.obsDim = collector.observationSize();
        this.actDim = collector.actionSize();
        this.batchSize = cfg.batchSize();

        Rng init = new Rng(seed);
        int actorOutputs = cfg.useSde() ? actDim : 2 * actDim;
        this.actor = OffPolicyParts.net(obsDim, actorOutputs, cfg.hiddenSizes(), cfg.activation(), Activation.IDENTITY)
                .build(init);
        int latentDim = cfg.hiddenSizes().get(cfg.hiddenSizes().size() - 1); // gSDE's latent: the last hidden layer
        this.sde = cfg.useSde() ? new SacSde(latentDim, actDim, cfg.batchSize(), cfg.fullStd(), cfg.useExpln(),
                cfg.logStdInit(), cfg.clipMean(), actor.dataType()) : null;
        Mlp.Builder q = OffPolicyParts.net(obsDim + actDim, 1, cfg.hiddenSizes(), cfg.activation(), Activation.IDENTITY);
        this.qf = new TwinCritic(q, init);
        this.qfTarget = new TwinCritic(q, init);
        qfTarget.copyParamsFrom(qf);
        this.qfPolyak = new Polyak(qfTarget, qf);
        this.actorOptimizer = sde == null ? new AdamOptimizer(cfg.learningRate(), actor)
                : new AdamOptimizer(cfg.learningRate(), actor, sde.logStd());
        this.qOptimizer = new AdamOptimizer(cfg.learningRate(), qf);
        this.logAlpha = new ParamVector(1, Math.log(cfg.entCoef() == null ? cfg.entCoefInit() : Math.max(cfg.entCoef(), 1e-300)),
                DataType.FLOAT);
        this.alphaOptimizer = cfg.entCoef() == null ? new AdamOptimizer(cfg.learningRate(), logAlpha) : null;
        this.targetEntropy = cfg.targetEntropy() == null ? -actDim : cfg.targetEntropy();
        this.replay = new ReplayBuffer(cfg.bufferSize(), obsDim, actDim);
        this.batch = replay.newBatch(batchSize);
        this.rng = init.split();
        this.provenance = Provenance.capture(ALGORITHM, envId, seed, cfg);
        this.lanes = new Lanes(threads);
        this.qNets = new Mlp[] {qf.q1(), qf.q2()};
        this.qTargetNets = new Mlp[] {qfTarget.q1(), qfTarget.q2()};

        int b = batchSize;
        obsNd = OffPolicyParts.zeros(b, obsDim);
        nextObsNd = OffPolicyParts.zeros(b, obsDim);
        qInNd = OffPolicyParts.zeros(b, obsDim + actDim);
        nextQInNd = OffPolicyParts.zeros(b, obsDim + actDim);
        dQNd = new INDArray[] {OffPolicyParts.zeros(b, 1), OffPolicyParts.zeros(b, 1)};
        dActorNd = OffPolicyParts.zeros(b, actorOutputs);
        dLatent = sde == null ? null : new double[b * latentDim];
        dLatentNd = sde == null ? null : OffPolicyParts.zeros(b, latentDim);
        obs1Nd = OffPolicyParts.zeros(1, obsDim);
        actorHalves = new RowHalves(actor, b);
        obsHalf = actorHalves.split(obsNd);
        nextObsHalf = actorHalves.split(nextObsNd);
        dActorHalf = actorHalves.split(dActorNd);
        dLatentHalf = sde == null ? null : actorHalves.split(dLatentNd);
        actorOut = new double[b * 2 * actDim];
        mean = new double[b * actDim];
        logStd = new double[b * actDim];
        logStdInRange = new boolean[b * actDim];
        eps = new double[b * actDim];
        u = new double[b * actDim];
        nextAct = new double[b * actDim];
        nextLogProb = new double[b];
        piAct = new double[b * actDim];
        piLogProb = new double[b];
        q1 = new double[b];
        q2 = new double[b];
        qv = new double[][] {q1, q2};
        targetQ = new double[2][b];
        nextQ = new float[b];
        y = new float[b];
        dQ = new double[2][b];
        dQda = new double[b * actDim];
        dQda2 = new double[b * actDim];
        onesNd = Nd4j.ones(DataType.FLOAT, b, 1);
        dMean = new double[b * actDim];
        dLogStd = new double[b * actDim];
        dActor = new double[b * actorOutputs];
        action = new double[actDim];
    }

    // ------------------------------------------------------------------------------------------ train

    /**
     * Trains until {@code nTimesteps}, or until {@code keepGoing} returns false after a step. With a
     * {@code run}: metrics every {@code logInterval} steps, a checkpoint every {@code checkpointEvery}
     * steps, at a stop and at the end, the curve, and the final model.
     */
    public void train(RunDir run, ProgressBar bar, Predicate<Sac> keepGoing) throws IOException {
        try (RunLog log = new RunLog(run, cfg, provenance, METRICS, logRows, ALGORITHM, envId, seed)) {
            StepRate stepRate = new StepRate(globalStep);
            double learningRate = schedule.learningRate(globalStep);
            while (globalStep < cfg.nTimesteps()) {
                // ---- act: uniform random during the warm-up, then a sample of the squashed Gaussian
                if (sde != null && StateDependentNoise.redraws(rolloutSteps, cfg.sdeSampleFreq())) {
                    sde.resetCollectionNoise(rng);
                }
                if (globalStep < cfg.learningStarts() && !(sde != null && cfg.useSdeAtWarmup())) {
                    collector.randomAction(rng, action);
                } else {
                    sampleAction(collector.observation(), action);
                }
                boolean episodeEnded = collector.step(action, replay);
                globalStep++;
                rolloutSteps++;
                if (episodeEnded) {
                    rolloutEpisodes++;
                }

                mark(StepProfile.Phase.ACT_ENV);
                // ---- learn: after every trainFreq steps (or episodes), gradientSteps updates
                if (schedule.rolloutDone(rolloutSteps, rolloutEpisodes)) {
                    if (schedule.learning(globalStep)) {
                        learningRate = schedule.learningRate(globalStep);
                        setLearningRate(learningRate);
                        long gradientSteps = schedule.gradientSteps(rolloutSteps);
                        for (long g = 0; g < gradientSteps; g++) {
                            update();
                        }
                    }
                    rolloutSteps = 0;
                    rolloutEpisodes = 0;
                }

                // ---- log, checkpoint
                if (bar != null) {
                    bar.update(globalStep, collector.meanReturn());
                }
                boolean last = globalStep == cfg.nTimesteps();
                boolean stop = !last && keepGoing != null && !keepGoing.test(this);
                if (globalStep % cfg.logInterval() == 0 || last || stop) {
                    logRows++;
                    log.row(logRows, globalStep, collector.meanReturn(), collector.meanLength(), collector.episodes(),
                            learningRate, qfLoss, actorLoss, alpha(), alphaLoss, entropy, meanQ, updates,
                            stepRate.next(globalStep));
                }
                log.save(globalStep % cfg.checkpointEvery() == 0, last, stop, this::saveCheckpoint, this::model);
                if (stop) {
                    break;
                }
            }
        }
        if (bar != null) {
            bar.finish(globalStep, collector.meanReturn());
        }
    }

    /** One gradient step: critics, actor, temperature, then the Polyak update of the target critics. */
    void update() {
        replay.sample(rng, batch);
        if (sde != null) {
            sde.resetTrainingNoise(rng); // the log-std changed since the last draw
        }
        mark(StepProfile.Phase.SAMPLE);
        double alpha = alpha();
        // The target critics' Polyak update needs only the critics' step, so it runs in that step's lanes.
        criticUpdate(alpha, (updates + 1) % cfg.targetUpdateInterval() == 0);
        mark(StepProfile.Phase.CRITIC);
        actorUpdate(alpha);
        if (alphaOptimizer != null) {
            temperatureUpdate(piLogProb);
        }
        mark(StepProfile.Phase.TEMPERATURE);
        updates++;
    }

    private void mark(StepProfile.Phase phase) {
        if (profile != null) {
            profile.mark(phase);
        }
    }

    /**
     * Critic step on the sampled batch: {@code y = r + gamma (1 - terminated) (min(qf1Target, qf2Target)(s', a')
     * - alpha log pi(a'|s'))} with {@code a' ~ pi(.|s')}, then both critics regress on y (SB3's loss
     * {@code 0.5 (mse(qf1, y) + mse(qf2, y))}).
     */
    void criticUpdate(double alpha) {
        criticUpdate(alpha, false);
    }

    /** The critic step, and with {@code polyak} the Polyak update of the target critics after it. */
    private void criticUpdate(double alpha, boolean polyak) {
        int b = batchSize;
        NdArrays.fromFloats(batch.nextObs, nextObsNd);
        batchSample(nextObsHalf, nextAct, nextLogProb);
        OffPolicyParts.concat(batch.nextObs, obsDim, nextAct, actDim, b, nextQInNd);
        OffPolicyParts.concat(batch.obs, obsDim, batch.actions, actDim, b, qInNd);
        // Critic c's target and online forward passes on lane c: shared read-only inputs, its own buffers.
        lanes.run(2, c -> {
            NdArrays.toDoubles(qTargetNets[c].forward(nextQInNd), targetQ[c]);
            NdArrays.toDoubles(qNets[c].forward(qInNd), qv[c]);
        });
        for (int i = 0; i < b; i++) {
            nextQ[i] = (float) (Math.min(targetQ[0][i], targetQ[1][i]) - alpha * nextLogProb[i]);
        }
        TdTarget.compute(batch.rewards, batch.terminated, nextQ, cfg.gamma(), y);

        double mse1 = 0;
        double mse2 = 0;
        double sumQ = 0;
        double[] dQ1 = dQ[0];
        double[] dQ2 = dQ[1];
        for (int i = 0; i < b; i++) {
            double e1 = q1[i] - y[i];
            double e2 = q2[i] - y[i];
            mse1 += e1 * e1 / b;
            mse2 += e2 * e2 / b;
            dQ1[i] = e1 / b;
            dQ2[i] = e2 / b;
            sumQ += 0.5 * (q1[i] + q2[i]);
        }
        qfLoss = 0.5 * (mse1 + mse2);
        meanQ = sumQ / b;
        // Critic c's backward pass, its half of the Adam step and of the target's Polyak update on lane c.
        OffPolicyParts.criticStep(lanes, qNets, dQ, dQNd, qOptimizer, polyak ? qfPolyak : null, cfg.tau());
    }

    /**
     * Actor step: minimise {@code mean(alpha log pi(a|s) - min(qf1, qf2)(s, a))} with the reparameterised
     * {@code a = tanh(mean + std eps)}. Leaves the sampled log-probs in {@code piLogProb}.
     */
    void actorUpdate(double alpha) {
        int b = batchSize;
        NdArrays.fromFloats(batch.obs, obsNd);
        batchSample(obsHalf, piAct, piLogProb);
        minQInputGradient(batch.obs, piAct, dQda);
        double loss = 0;
        double sumLogProb = 0;
        for (int i = 0; i < b; i++) {
            loss += (alpha * piLogProb[i] - Math.min(q1[i], q2[i])) / b;
            sumLogProb += piLogProb[i];
        }
        actorLoss = loss;
        entropy = -sumLogProb / b;
        if (sde != null) {
            // gSDE: the mean-only head's gradient, and the log-std's into its own module; skip the loop below.
            sde.actorLossGrad(dQda, alpha, 1.0 / b, dActor, dLatent);
            NdArrays.fromDoubles(dLatent, dLatentNd);
        }
        Arrays.fill(dMean, 0);
        Arrays.fill(dLogStd, 0);
        for (int r = 0; sde == null && r < b; r++) {
            int o = r * actDim;
            SquashedGaussian.addActorLossGrad(mean, o, logStd, o, eps, o, dQda, o, actDim, alpha, 1.0 / b,
                    dMean, o, dLogStd, o);
            for (int i = 0; i < actDim; i++) {
                dActor[r * 2 * actDim + i] = dMean[o + i];
                // The clamp passes no gradient outside [LOG_STD_MIN, LOG_STD_MAX], as torch.clamp.
                dActor[r * 2 * actDim + actDim + i] = logStdInRange[o + i] ? dLogStd[o + i] : 0.0;
            }
        }
        NdArrays.fromDoubles(dActor, dActorNd);
        // Each half's backward pass on its lane, then the halves' gradient sum and the Adam step (gSDE: the
        // log-std's too), each split by elements between the lanes (elementwise, so the same for one and two
        // threads).
        lanes.run(2, h -> {
            if (sde == null) {
                actorHalves.half(h).backward(dActorHalf[h]);
            } else {
                actorHalves.half(h).backward(dActorHalf[h], dLatentHalf[h]);
            }
        });
        mark(StepProfile.Phase.ACTOR);
        OffPolicyParts.actorStep(lanes, actorHalves, actorOptimizer, null, cfg.tau());
        mark(StepProfile.Phase.ACTOR_ADAM);
    }

    /**
     * {@code d min(qf1, qf2)(s, a) / da} per row into {@code out [batch * A]}, and the two Q values into
     * {@code q1, q2}. Backpropagates through the critics for the input only: their parameters, gradients
     * and optimiser state stay as they are.
     */
    void minQInputGradient(float[] obs, double[] actions, double[] out) {
        int b = batchSize;
        OffPolicyParts.concat(obs, obsDim, actions, actDim, b, qInNd);
        // Each critic's forward and input-only backward pass (dQ_c/d[s | a] for every row) on its lane; then
        // each row takes the gradient of the smaller Q, as backpropagating min(Q1, Q2) does.
        lanes.run(2, c -> {
            NdArrays.toDoubles(qNets[c].forward(qInNd), qv[c]);
            qNets[c].backwardInput(onesNd);
        });
        OffPolicyParts.columns(qf.q1().inputGradient(), obsDim, actDim, out);
        OffPolicyParts.columns(qf.q2().inputGradient(), obsDim, actDim, dQda2);
        for (int i = 0; i < b; i++) {
            if (q1[i] > q2[i]) {
                System.arraycopy(dQda2, i * actDim, out, i * actDim, actDim);
            }
        }
    }

    /**
     * Temperature step on SB3's loss {@code -log alpha * mean(log pi + targetEntropy)}: its gradient
     * {@code -(mean log pi + targetEntropy)} lowers alpha while the entropy exceeds the target and raises it
     * below.
     */
    void temperatureUpdate(double[] logProb) {
        double meanLogProb = 0;
        for (int i = 0; i < batchSize; i++) {
            meanLogProb += logProb[i] / batchSize;
        }
        double la = logAlpha.params().getDouble(0);
        alphaLoss = -la * (meanLogProb + targetEntropy);
        logAlpha.gradients().putScalar(0, 0, -(meanLogProb + targetEntropy));
        alphaOptimizer.step();
    }

    /**
     * The actor's forward pass on a batch, half the rows on each lane, then a reparameterised sample per row with
     * the training noise: the sampling (the generator) stays on the caller.
     */
    private void batchSample(INDArray[] inputHalf, double[] act, double[] logProb) {
        lanes.run(2, h -> {
            Mlp half = actorHalves.half(h);
            INDArray out = half.forward(inputHalf[h]);
            if (sde == null) {
                NdArrays.toDoubles(out, actorOut, actorHalves.from(h) * 2 * actDim);
            } else {
                sde.loadRows(out, half.lastHidden(), actorHalves.from(h));
            }
        });
        if (sde == null) {
            squashedSample(batchSize, act, logProb);
        } else {
            sde.sampleLoaded(batchSize, true, act, logProb);
        }
    }

    /** Samples {@code a = tanh(mean + std eps)} for the first {@code n} rows of the actor output in {@code actorOut}. */
    private void squashedSample(int n, double[] act, double[] logProb) {
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < actDim; i++) {
                int k = r * actDim + i;
                mean[k] = actorOut[r * 2 * actDim + i];
                double raw = actorOut[r * 2 * actDim + actDim + i];
                logStdInRange[k] = raw >= LOG_STD_MIN && raw <= LOG_STD_MAX;
                logStd[k] = Math.max(LOG_STD_MIN, Math.min(LOG_STD_MAX, raw));
            }
            logProb[r] = SquashedGaussian.sample(mean, r * actDim, logStd, r * actDim, actDim, rng, eps, r * actDim,
                    u, r * actDim, act, r * actDim);
        }
    }

    /** A stochastic action for the current observation (exploration after the warm-up). */
    private void sampleAction(double[] observation, double[] out) {
        NdArrays.fromDoubles(observation, obs1Nd);
        if (sde != null) {
            sde.sample(actor.forward(obs1Nd), actor.lastHidden(), 1, false, out, nextLogProb);
            return;
        }
        NdArrays.toDoubles(actor.forward(obs1Nd), actorOut);
        squashedSample(1, out, nextLogProb);
    }

    private void setLearningRate(double lr) {
        actorOptimizer.setLearningRate(lr);
        qOptimizer.setLearningRate(lr);
        if (alphaOptimizer != null) {
            alphaOptimizer.setLearningRate(lr);
        }
    }

    /** The entropy temperature in use. */
    public double alpha() {
        return cfg.entCoef() != null ? cfg.entCoef() : Math.exp(logAlpha.params().getDouble(0));
    }

    // ------------------------------------------------------------------------------------------ state

    public SacConfig config() {
        return cfg;
    }

    public long globalStep() {
        return globalStep;
    }

    public long updates() {
        return updates;
    }

    public double meanRecentReturn() {
        return collector.meanReturn();
    }

    public Mlp actor() {
        return actor;
    }

    public TwinCritic qf() {
        return qf;
    }

    public TwinCritic qfTarget() {
        return qfTarget;
    }

    AdamOptimizer actorOptimizer() {
        return actorOptimizer;
    }

    AdamOptimizer qOptimizer() {
        return qOptimizer;
    }

    ReplayBuffer replay() {
        return replay;
    }

    ReplayBuffer.Batch batch() {
        return batch;
    }

    Rng rng() {
        return rng;
    }

    double targetEntropy() {
        return targetEntropy;
    }

    /** The last critic update's TD targets, sampled next actions and their log-probs (tests). */
    float[] lastTargets() {
        return y;
    }

    double[] lastNextActions() {
        return nextAct;
    }

    double[] lastNextLogProbs() {
        return nextLogProb;
    }

    /** gSDE's actor head, or null (tests). */
    SacSde sde() {
        return sde;
    }

    /** The final model: the actor (deterministic policy {@code tanh(mean)}) and provenance. */
    public Checkpoint model() {
        Checkpoint cp = OffPolicyModels.model(ALGORITHM, envId, obsDim, actDim, actor, cfg.activation(), globalStep,
                provenance, cfg.simToReal());
        if (sde != null) {
            sde.describe(cp.header());
        }
        return cp;
    }

    /** Everything an exact continuation needs except the replay buffer ({@link #saveCheckpoint} adds it). */
    public Checkpoint checkpoint() {
        Checkpoint cp = model();
        OffPolicyParts.checkpointHeader(cp, cfg, seed, updates);
        OffPolicyParts.saveCounters(cp, rolloutSteps, rolloutEpisodes, logRows, rng);
        cp.put("qf", OffPolicyParts.floats(qf));
        cp.put("qf_target", OffPolicyParts.floats(qfTarget));
        cp.put("log_alpha", OffPolicyParts.floats(logAlpha));
        OffPolicyParts.saveAdam(cp, "actor_adam", actorOptimizer);
        OffPolicyParts.saveAdam(cp, "q_adam", qOptimizer);
        if (alphaOptimizer != null) {
            OffPolicyParts.saveAdam(cp, "alpha_adam", alphaOptimizer);
        }
        collector.save(cp);
        if (sde != null) {
            sde.save(cp);
        }
        return cp;
    }

    /** Writes {@link #checkpoint()} atomically, with the replay buffer beside it when configured. */
    public void saveCheckpoint(Path file) throws IOException {
        OffPolicyParts.writeCheckpoint(file, checkpoint(), cfg.saveReplayBuffer(), replay, globalStep);
    }

    /**
     * Rebuilds a run from {@link #saveCheckpoint}: config ({@code nTimesteps} replaced when
     * {@code totalSteps} is non-null), networks, optimisers, temperature, generator, counters, env and
     * replay buffer.
     */
    public static Sac resume(Path file, Long totalSteps) throws IOException {
        return resume(file, totalSteps, Lanes.defaultThreads());
    }

    /** As {@link #resume(Path, Long)}, with 1 or 2 learner threads. */
    public static Sac resume(Path file, Long totalSteps, int threads) throws IOException {
        Checkpoint cp = TrainingCheckpoint.read(file, ALGORITHM);
        SacConfig cfg = TrainingCheckpoint.config(cp, file, SacConfig.defaults(), totalSteps, SacConfig::withTimesteps);
        Sac sac = new Sac(cfg, cp.field("env").asText(), cp.field("seed").asLong(), threads);
        sac.restore(cp, file);
        return sac;
    }

    private void restore(Checkpoint cp, Path file) throws IOException {
        provenance = Provenance.fromJson(cp.field("provenance"));
        actor.setParams(cp.floats(OffPolicyModels.ACTOR, (int) actor.numParams()));
        OffPolicyParts.load(cp, "qf", qf);
        OffPolicyParts.load(cp, "qf_target", qfTarget);
        OffPolicyParts.load(cp, "log_alpha", logAlpha);
        OffPolicyParts.loadAdam(cp, "actor_adam", actorOptimizer);
        OffPolicyParts.loadAdam(cp, "q_adam", qOptimizer);
        if (alphaOptimizer != null) {
            OffPolicyParts.loadAdam(cp, "alpha_adam", alphaOptimizer);
        }
        OffPolicyParts.loadRng(cp, "rng_state", rng);
        globalStep = cp.field("global_step").asLong();
        updates = cp.field("updates").asLong();
        rolloutSteps = cp.field("rollout_steps").asLong();
        rolloutEpisodes = cp.field("rollout_episodes").asLong();
        logRows = cp.field("log_rows").asLong();
        collector.restore(cp);
        if (sde != null) {
            sde.restore(cp);
        }
        OffPolicyModels.restoreReplay(cp, file, replay, globalStep);
    }

    public int learnerThreads() {
        return lanes.threads();
    }

    @Override
    public void close() {
        lanes.close();
        collector.close();
    }
}
