package dev.actuate.algo;

import dev.actuate.nn.Activation;
import dev.actuate.nn.AdamOptimizer;
import dev.actuate.nn.Mlp;
import dev.actuate.nn.NdArrays;
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
 * Deep Deterministic Policy Gradient (Lillicrap et al., 2016), as in Stable-Baselines3 and CleanRL: a
 * deterministic tanh actor, a single critic {@code qf1}, target copies of both updated by Polyak averaging
 * after every gradient step, and Gaussian or Ornstein-Uhlenbeck exploration noise.
 *
 * <p>The actor's gradient is {@code -dQ/da} from the critic's input-only backward pass, which leaves the
 * critic's parameters and optimiser state alone.
 */
public final class Ddpg implements AutoCloseable {
    public static final String ALGORITHM = "ddpg";
    public static final List<String> METRICS = List.of("iteration", "global_step", "mean_return", "mean_length",
            "episodes", "learning_rate", "qf_loss", "actor_loss", "mean_q", "updates", "steps_per_sec");

    private final DdpgConfig cfg;
    private final String envId;
    private final long seed;
    private final OffPolicySchedule schedule;
    private final Collector collector;
    private final int obsDim;
    private final int actDim;
    private final int batchSize;
    private final Mlp actor;
    private final Mlp actorTarget;
    private final Mlp qf;
    private final Mlp qfTarget;
    private final AdamOptimizer actorOptimizer;
    private final AdamOptimizer qOptimizer;
    private final ExplorationNoise noise;
    private final ReplayBuffer replay;
    private final ReplayBuffer.Batch batch;
    /** Warm-up actions, exploration noise and replay sampling. */
    private final Rng rng;
    private Provenance provenance;
    private long globalStep;
    private long updates;
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
    private final INDArray dActorNd;
    private final INDArray obs1Nd;
    private final double[] nextAct;
    private final double[] piAct;
    private final double[] q1;
    private final float[] nextQ;
    private final float[] y;
    private final double[] dQ1;
    private final double[] dAct;
    private final double[] action;
    private final float[] obs1;

    public Ddpg(DdpgConfig cfg, String envId, long seed) {
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
        this.qf = q.build(init);
        this.qfTarget = q.build(init);
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
        dActorNd = OffPolicyParts.zeros(b, actDim);
        obs1Nd = OffPolicyParts.zeros(1, obsDim);
        nextAct = new double[b * actDim];
        piAct = new double[b * actDim];
        q1 = new double[b];
        nextQ = new float[b];
        y = new float[b];
        dQ1 = new double[b];
        dAct = new double[b * actDim];
        action = new double[actDim];
        obs1 = new float[obsDim];
    }

    // ------------------------------------------------------------------------------------------ train

    /** As {@link Sac#train}: until {@code nTimesteps} or until {@code keepGoing} returns false after a step. */
    public void train(RunDir run, ProgressBar bar, Predicate<Ddpg> keepGoing) throws IOException {
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

    /** One critic step, one actor step, then the Polyak updates of both targets. */
    void update() {
        replay.sample(rng, batch);
        criticUpdate();
        actorUpdate();
        updates++;
        actorTarget.polyakUpdate(actor, cfg.tau());
        qfTarget.polyakUpdate(qf, cfg.tau());
    }

    /** {@code y = r + gamma (1 - terminated) qf1Target(s', actorTarget(s'))}; the critic regresses on y. */
    void criticUpdate() {
        int b = batchSize;
        OffPolicyParts.put(batch.nextObs, nextObsNd);
        NdArrays.toDoubles(actorTarget.forward(nextObsNd), nextAct);
        OffPolicyParts.concat(batch.nextObs, obsDim, nextAct, actDim, b, qInNd);
        NdArrays.toDoubles(qfTarget.forward(qInNd), q1);
        for (int i = 0; i < b; i++) {
            nextQ[i] = (float) q1[i];
        }
        TdTarget.compute(batch.rewards, batch.terminated, nextQ, cfg.gamma(), y);

        OffPolicyParts.concat(batch.obs, obsDim, batch.actions, actDim, b, qInNd);
        NdArrays.toDoubles(qf.forward(qInNd), q1);
        double mse = 0;
        double sumQ = 0;
        for (int i = 0; i < b; i++) {
            double e = q1[i] - y[i];
            mse += e * e / b;
            dQ1[i] = 2 * e / b;
            sumQ += q1[i];
        }
        qfLoss = mse;
        meanQ = sumQ / b;
        NdArrays.fromDoubles(dQ1, dQ1Nd);
        qf.backward(dQ1Nd);
        qOptimizer.step();
    }

    /** Actor step on {@code -mean(qf1(s, actor(s)))}; dQ/da comes from the critic's input-only backward pass. */
    void actorUpdate() {
        int b = batchSize;
        OffPolicyParts.put(batch.obs, obsNd);
        NdArrays.toDoubles(actor.forward(obsNd), piAct);
        OffPolicyParts.concat(batch.obs, obsDim, piAct, actDim, b, qInNd);
        NdArrays.toDoubles(qf.forward(qInNd), q1);
        double loss = 0;
        for (int i = 0; i < b; i++) {
            loss -= q1[i] / b;
        }
        actorLoss = loss;
        Arrays.fill(dQ1, -1.0 / b);
        NdArrays.fromDoubles(dQ1, dQ1Nd);
        OffPolicyParts.columns(qf.backwardInput(dQ1Nd), obsDim, actDim, dAct);
        NdArrays.fromDoubles(dAct, dActorNd);
        actor.backward(dActorNd);
        actorOptimizer.step();
    }

    private void deterministicAction(double[] observation, double[] out) {
        for (int j = 0; j < obsDim; j++) {
            obs1[j] = (float) observation[j];
        }
        OffPolicyParts.put(obs1, obs1Nd);
        NdArrays.toDoubles(actor.forward(obs1Nd), out);
    }

    // ------------------------------------------------------------------------------------------ state

    public DdpgConfig config() {
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

    public Mlp qf() {
        return qf;
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
        OffPolicyParts.checkpointHeader(cp, cfg, seed, updates);
        OffPolicyParts.saveCounters(cp, rolloutSteps, rolloutEpisodes, logRows, rng);
        cp.put("actor_target", actorTarget.getParams());
        cp.put("qf", qf.getParams());
        cp.put("qf_target", qfTarget.getParams());
        OffPolicyParts.saveAdam(cp, "actor_adam", actorOptimizer);
        OffPolicyParts.saveAdam(cp, "q_adam", qOptimizer);
        noise.save(cp);
        collector.save(cp);
        return cp;
    }

    public void saveCheckpoint(Path file) throws IOException {
        OffPolicyParts.writeCheckpoint(file, checkpoint(), cfg.saveReplayBuffer(), replay, globalStep);
    }

    public static Ddpg resume(Path file, Long totalSteps) throws IOException {
        Checkpoint cp = OffPolicyParts.readCheckpoint(file, ALGORITHM);
        DdpgConfig cfg = OffPolicyParts.resumeConfig(cp, file, DdpgConfig.defaults(), totalSteps, DdpgConfig::withTimesteps);
        Ddpg ddpg = new Ddpg(cfg, cp.field("env").asText(), cp.field("seed").asLong());
        ddpg.restore(cp, file);
        return ddpg;
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
