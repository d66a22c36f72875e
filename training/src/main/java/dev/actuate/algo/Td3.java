package dev.actuate.algo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.nn.Activation;
import dev.actuate.nn.AdamOptimizer;
import dev.actuate.nn.Mlp;
import dev.actuate.nn.NdArrays;
import dev.actuate.nn.TwinCritic;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Rng;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ProgressBar;
import dev.actuate.train.Provenance;
import dev.actuate.train.ReplayBuffer;
import dev.actuate.train.RunDir;
import dev.actuate.train.TdTarget;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Twin Delayed DDPG (Fujimoto et al., 2018), as in Stable-Baselines3 and CleanRL: a deterministic tanh
 * actor, twin critics {@code qf1, qf2} with clipped double-Q targets, target policy smoothing (noise of std
 * {@code targetPolicyNoise} clipped at {@code targetNoiseClip}), the actor and all targets updated every
 * {@code policyDelay} critic updates, and Gaussian or Ornstein-Uhlenbeck exploration noise.
 *
 * <p>The actor's gradient is {@code -dQ1/da} from the critic's input-only backward pass, which leaves
 * the critics' parameters and optimiser state alone.
 */
public final class Td3 implements AutoCloseable {
    public static final String ALGORITHM = "td3";
    public static final List<String> METRICS = List.of("iteration", "global_step", "mean_return", "mean_length",
            "episodes", "learning_rate", "qf_loss", "actor_loss", "mean_q", "updates", "steps_per_sec");

    private final Td3Config cfg;
    private final String envId;
    private final long seed;
    private final OffPolicySchedule schedule;
    private final Collector collector;
    private final int obsDim;
    private final int actDim;
    private final int batchSize;
    private final Mlp actor;
    private final Mlp actorTarget;
    private final TwinCritic qf;
    private final TwinCritic qfTarget;
    private final AdamOptimizer actorOptimizer;
    private final AdamOptimizer qOptimizer;
    private final ExplorationNoise noise;
    private final ReplayBuffer replay;
    private final ReplayBuffer.Batch batch;
    /** Warm-up actions, exploration noise, target smoothing noise and replay sampling. */
    private final Rng rng;
    private Provenance provenance;
    private long globalStep;
    private long updates;
    private long actorUpdates;
    private long rolloutSteps;
    private long rolloutEpisodes;
    private long logRows;

    private double qfLoss = Double.NaN;
    private double actorLoss = Double.NaN;
    private double meanQ = Double.NaN;

    private final INDArray obsNd;
    private final INDArray nextObsNd;
    private final INDArray qInNd;
    private final INDArray dQ1Nd;
    private final INDArray dQ2Nd;
    private final INDArray dActorNd;
    private final INDArray obs1Nd;
    private final double[] nextAct;
    private final double[] piAct;
    private final double[] q1;
    private final double[] q2;
    private final float[] nextQ;
    private final float[] y;
    private final double[] dQ1;
    private final double[] dQ2;
    private final double[] dAct;
    private final double[] action;
    private final float[] obs1;

    public Td3(Td3Config cfg, String envId, long seed) {
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
        Mlp.Builder pi = OffPolicyParts.net(obsDim, actDim, cfg.hiddenSizes(), cfg.activation(), Activation.TANH);
        this.actor = pi.build(init);
        this.actorTarget = pi.build(init);
        actorTarget.copyParamsFrom(actor);
        Mlp.Builder q = OffPolicyParts.net(obsDim + actDim, 1, cfg.hiddenSizes(), cfg.activation(), Activation.IDENTITY);
        this.qf = new TwinCritic(q, init);
        this.qfTarget = new TwinCritic(q, init);
        qfTarget.copyParamsFrom(qf);
        this.actorOptimizer = new AdamOptimizer(cfg.learningRate(), actor);
        this.qOptimizer = new AdamOptimizer(cfg.learningRate(), qf);
        this.noise = new ExplorationNoise(cfg.noiseType(), cfg.noiseStd(), actDim);
        this.replay = new ReplayBuffer(cfg.bufferSize(), obsDim, actDim);
        this.batch = replay.newBatch(batchSize);
        this.rng = init.split();
        this.provenance = Provenance.capture(ALGORITHM, envId, seed, cfg);

        int b = batchSize;
        obsNd = OffPolicyParts.zeros(b, obsDim);
        nextObsNd = OffPolicyParts.zeros(b, obsDim);
        qInNd = OffPolicyParts.zeros(b, obsDim + actDim);
        dQ1Nd = OffPolicyParts.zeros(b, 1);
        dQ2Nd = OffPolicyParts.zeros(b, 1);
        dActorNd = OffPolicyParts.zeros(b, actDim);
        obs1Nd = OffPolicyParts.zeros(1, obsDim);
        nextAct = new double[b * actDim];
        piAct = new double[b * actDim];
        q1 = new double[b];
        q2 = new double[b];
        nextQ = new float[b];
        y = new float[b];
        dQ1 = new double[b];
        dQ2 = new double[b];
        dAct = new double[b * actDim];
        action = new double[actDim];
        obs1 = new float[obsDim];
    }

    // ------------------------------------------------------------------------------------------ train

    /** As {@link Sac#train}: until {@code nTimesteps} or until {@code keepGoing} returns false after a step. */
    public void train(RunDir run, ProgressBar bar, Predicate<Td3> keepGoing) throws IOException {
        if (run != null) {
            run.writeConfig(cfg);
            run.writeProvenance(provenance);
        }
        try (RunLog log = new RunLog(run, METRICS, logRows, ALGORITHM, envId, seed)) {
            long lastLogStep = globalStep;
            long lastLogNanos = System.nanoTime();
            double learningRate = schedule.learningRate(globalStep);
            while (globalStep < cfg.nTimesteps()) {
                // ---- act: uniform random during the warm-up, then actor(s) + exploration noise
                if (globalStep < cfg.learningStarts()) {
                    collector.randomAction(rng, action);
                } else {
                    deterministicAction(collector.observation(), action);
                    noise.addTo(action, rng);
                }
                boolean episodeEnded = collector.step(action, replay);
                globalStep++;
                rolloutSteps++;
                if (episodeEnded) {
                    rolloutEpisodes++;
                    noise.reset();
                }

                // ---- learn: after every trainFreq steps (or episodes), gradientSteps updates
                if (schedule.rolloutDone(rolloutSteps, rolloutEpisodes)) {
                    if (schedule.learning(globalStep)) {
                        learningRate = schedule.learningRate(globalStep);
                        actorOptimizer.setLearningRate(learningRate);
                        qOptimizer.setLearningRate(learningRate);
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
                    long now = System.nanoTime();
                    logRows++;
                    log.row(logRows, globalStep, collector.meanReturn(), collector.meanLength(), collector.episodes(),
                            learningRate, qfLoss, actorLoss, meanQ, updates,
                            (globalStep - lastLogStep) / Math.max(1e-9, (now - lastLogNanos) / 1e9));
                    lastLogStep = globalStep;
                    lastLogNanos = now;
                }
                if (run != null && (globalStep % cfg.checkpointEvery() == 0 || last || stop)) {
                    saveCheckpoint(run.checkpoint());
                }
                if (run != null && last) {
                    PolicyExport.write(model(), run.model());
                }
                log.curve(last || stop);
                if (stop) {
                    break;
                }
            }
        }
        if (bar != null) {
            bar.finish(globalStep, collector.meanReturn());
        }
    }

    /** One critic step; every {@code policyDelay}-th also an actor step and the Polyak updates of all targets. */
    void update() {
        replay.sample(rng, batch);
        criticUpdate();
        updates++;
        if (updates % cfg.policyDelay() == 0) {
            actorUpdate();
            actorUpdates++;
            actorTarget.polyakUpdate(actor, cfg.tau());
            qfTarget.polyakUpdate(qf, cfg.tau());
        }
    }

    /**
     * {@code y = r + gamma (1 - terminated) min(qf1Target, qf2Target)(s', a')} with the smoothed target action
     * {@code a' = clip(actorTarget(s') + clip(N(0, targetPolicyNoise), -targetNoiseClip, targetNoiseClip), -1, 1)};
     * both critics regress on y with loss {@code mse(qf1, y) + mse(qf2, y)}.
     */
    void criticUpdate() {
        int b = batchSize;
        OffPolicyParts.put(batch.nextObs, nextObsNd);
        NdArrays.toDoubles(actorTarget.forward(nextObsNd), nextAct);
        for (int k = 0; k < b * actDim; k++) {
            double smoothing = targetNoise(rng, cfg.targetPolicyNoise(), cfg.targetNoiseClip());
            nextAct[k] = Math.max(-1.0, Math.min(1.0, nextAct[k] + smoothing));
        }
        OffPolicyParts.concat(batch.nextObs, obsDim, nextAct, actDim, b, qInNd);
        NdArrays.toDoubles(qfTarget.q1().forward(qInNd), q1);
        NdArrays.toDoubles(qfTarget.q2().forward(qInNd), q2);
        for (int i = 0; i < b; i++) {
            nextQ[i] = (float) Math.min(q1[i], q2[i]);
        }
        TdTarget.compute(batch.rewards, batch.terminated, nextQ, cfg.gamma(), y);

        OffPolicyParts.concat(batch.obs, obsDim, batch.actions, actDim, b, qInNd);
        NdArrays.toDoubles(qf.q1().forward(qInNd), q1);
        NdArrays.toDoubles(qf.q2().forward(qInNd), q2);
        double mse1 = 0;
        double mse2 = 0;
        double sumQ = 0;
        for (int i = 0; i < b; i++) {
            double e1 = q1[i] - y[i];
            double e2 = q2[i] - y[i];
            mse1 += e1 * e1 / b;
            mse2 += e2 * e2 / b;
            // SB3's TD3 loss is mse(qf1, y) + mse(qf2, y), without SAC's factor 0.5.
            dQ1[i] = 2 * e1 / b;
            dQ2[i] = 2 * e2 / b;
            sumQ += 0.5 * (q1[i] + q2[i]);
        }
        qfLoss = mse1 + mse2;
        meanQ = sumQ / b;
        NdArrays.fromDoubles(dQ1, dQ1Nd);
        NdArrays.fromDoubles(dQ2, dQ2Nd);
        qf.backward(dQ1Nd, dQ2Nd);
        qOptimizer.step();
    }

    /** Actor step on {@code -mean(qf1(s, actor(s)))}; dQ1/da comes from qf1's input-only backward pass. */
    void actorUpdate() {
        int b = batchSize;
        OffPolicyParts.put(batch.obs, obsNd);
        NdArrays.toDoubles(actor.forward(obsNd), piAct);
        OffPolicyParts.concat(batch.obs, obsDim, piAct, actDim, b, qInNd);
        NdArrays.toDoubles(qf.q1().forward(qInNd), q1);
        double loss = 0;
        for (int i = 0; i < b; i++) {
            loss -= q1[i] / b;
        }
        actorLoss = loss;
        Arrays.fill(dQ1, -1.0 / b);
        NdArrays.fromDoubles(dQ1, dQ1Nd);
        OffPolicyParts.columns(qf.q1().backwardInput(dQ1Nd), obsDim, actDim, dAct);
        NdArrays.fromDoubles(dAct, dActorNd);
        actor.backward(dActorNd);
        actorOptimizer.step();
    }

    /** Target policy smoothing noise: {@code clip(N(0, std), -clip, clip)}. */
    static double targetNoise(Rng rng, double std, double clip) {
        return Math.max(-clip, Math.min(clip, std * rng.nextGaussian()));
    }

    private void deterministicAction(double[] observation, double[] out) {
        for (int j = 0; j < obsDim; j++) {
            obs1[j] = (float) observation[j];
        }
        OffPolicyParts.put(obs1, obs1Nd);
        NdArrays.toDoubles(actor.forward(obs1Nd), out);
    }

    // ------------------------------------------------------------------------------------------ state

    public Td3Config config() {
        return cfg;
    }

    public long globalStep() {
        return globalStep;
    }

    public long updates() {
        return updates;
    }

    public long actorUpdates() {
        return actorUpdates;
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

    Mlp actorTarget() {
        return actorTarget;
    }

    ReplayBuffer replay() {
        return replay;
    }

    ReplayBuffer.Batch batch() {
        return batch;
    }

    float[] lastTargets() {
        return y;
    }

    double[] lastNextActions() {
        return nextAct;
    }

    public Checkpoint model() {
        return OffPolicyModels.model(ALGORITHM, envId, obsDim, actDim, actor, cfg.activation(), globalStep, provenance, cfg.simToReal());
    }

    public Checkpoint checkpoint() {
        Checkpoint cp = model();
        ObjectNode h = OffPolicyParts.checkpointHeader(cp, cfg, seed, updates);
        h.put("actor_updates", actorUpdates);
        OffPolicyParts.saveCounters(cp, rolloutSteps, rolloutEpisodes, logRows, rng);
        cp.put("actor_target", actorTarget.getParams());
        cp.put("qf", OffPolicyParts.floats(qf));
        cp.put("qf_target", OffPolicyParts.floats(qfTarget));
        OffPolicyParts.saveAdam(cp, "actor_adam", actorOptimizer);
        OffPolicyParts.saveAdam(cp, "q_adam", qOptimizer);
        noise.save(cp);
        collector.save(cp);
        return cp;
    }

    public void saveCheckpoint(Path file) throws IOException {
        OffPolicyParts.writeCheckpoint(file, checkpoint(), cfg.saveReplayBuffer(), replay, globalStep);
    }

    public static Td3 resume(Path file, Long totalSteps) throws IOException {
        Checkpoint cp = OffPolicyParts.readCheckpoint(file, ALGORITHM);
        Td3Config cfg = OffPolicyParts.resumeConfig(cp, file, Td3Config.defaults(), totalSteps, Td3Config::withTimesteps);
        Td3 td3 = new Td3(cfg, cp.field("env").asText(), cp.field("seed").asLong());
        td3.restore(cp, file);
        return td3;
    }

    private void restore(Checkpoint cp, Path file) throws IOException {
        provenance = Provenance.fromJson(cp.field("provenance"));
        actor.setParams(cp.floats(OffPolicyModels.ACTOR, (int) actor.numParams()));
        actorTarget.setParams(cp.floats("actor_target", (int) actorTarget.numParams()));
        OffPolicyParts.load(cp, "qf", qf);
        OffPolicyParts.load(cp, "qf_target", qfTarget);
        OffPolicyParts.loadAdam(cp, "actor_adam", actorOptimizer);
        OffPolicyParts.loadAdam(cp, "q_adam", qOptimizer);
        noise.restore(cp);
        OffPolicyParts.loadRng(cp, "rng_state", rng);
        globalStep = cp.field("global_step").asLong();
        updates = cp.field("updates").asLong();
        actorUpdates = cp.field("actor_updates").asLong();
        rolloutSteps = cp.field("rollout_steps").asLong();
        rolloutEpisodes = cp.field("rollout_episodes").asLong();
        logRows = cp.field("log_rows").asLong();
        collector.restore(cp);
        OffPolicyModels.restoreReplay(cp, file, replay, globalStep);
    }

    @Override
    public void close() {
        collector.close();
    }
}
