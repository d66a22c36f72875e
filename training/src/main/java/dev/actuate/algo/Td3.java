package dev.actuate.algo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.nn.Activation;
import dev.actuate.nn.AdamOptimizer;
import dev.actuate.nn.Lanes;
import dev.actuate.nn.Mlp;
import dev.actuate.nn.NdArrays;
import dev.actuate.nn.Parameterized;
import dev.actuate.nn.Polyak;
import dev.actuate.nn.RowHalves;
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
 *
 * <p><b>DDPG</b> (Lillicrap et al., 2016) is this class with one critic, policy delay 1 and no target
 * smoothing, as in Stable-Baselines3 ({@link #ddpg}); it keeps its own name, config ({@link DdpgConfig}) and
 * checkpoints.
 *
 * <p><b>Threads.</b> With two {@link Lanes}, each of TD3's twin critics runs its forward passes, backward
 * pass and its part of the Adam step on its own thread (sharing only read-only inputs); DDPG's target and
 * online critic forwards run side by side. The actor's and target actor's passes, and qf1's passes for the
 * actor loss, run as two fixed halves of the batch's rows, one per lane ({@link RowHalves}); the actor's
 * gradient sum, Adam step and the Polyak updates are split by elements. The generator is only used on the
 * calling thread and the split never depends on the thread count, so runs are bit-identical for one and
 * two threads. The next action needs the actor after the update, so the env step does not overlap it.
 */
public final class Td3 implements AutoCloseable {
    public static final String ALGORITHM = "td3";
    public static final String DDPG = "ddpg";
    public static final List<String> METRICS = List.of("iteration", "global_step", "mean_return", "mean_length",
            "episodes", "learning_rate", "qf_loss", "actor_loss", "mean_q", "updates", "steps_per_sec");

    private final String algorithm;
    private final Td3Config cfg;
    /** What run directories and checkpoints record: {@code cfg} for TD3, the {@link DdpgConfig} for DDPG. */
    private final Record runConfig;
    private final String envId;
    private final long seed;
    private final OffPolicySchedule schedule;
    private final Collector collector;
    private final int obsDim;
    private final int actDim;
    private final int batchSize;
    private final Mlp actor;
    private final Mlp actorTarget;
    /** The critics, 2 (TD3) or 1 (DDPG), and the modules holding all their parameters. */
    private final Mlp[] q;
    private final Mlp[] qTarget;
    private final Parameterized qf;
    private final Parameterized qfTarget;
    private final Lanes lanes;
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
    /** Null unless {@link OffPolicyProfile} measures the phases. */
    StepProfile profile;

    private double qfLoss = Double.NaN;
    private double actorLoss = Double.NaN;
    private double meanQ = Double.NaN;
    /** The critic step already ran the actor's forward pass on this batch's observations (into piAct). */
    private boolean actorForwardDone;

    private final INDArray obsNd;
    private final INDArray nextObsNd;
    private final INDArray qInNd;
    private final INDArray nextQInNd;
    private final INDArray[] dQNd;
    private final INDArray dActorNd;
    private final INDArray obs1Nd;
    /**
     * The actor's, the target actor's and the first critic's passes for the actor step as two halves of
     * the batch's rows, one per lane, and the row halves (views) of the arrays they read.
     */
    private final RowHalves actorHalves;
    private final Polyak actorPolyak;
    private final Polyak qfPolyak;
    private final RowHalves actorTargetHalves;
    private final RowHalves q0Halves;
    private final INDArray[] obsHalf;
    private final INDArray[] nextObsHalf;
    private final INDArray[] qInHalf;
    private final INDArray[] dQ0Half;
    private final INDArray[] dActorHalf;
    private final double[] nextAct;
    private final double[] piAct;
    /** Per critic: Q(s, a) and the target critic's Q(s', a'). */
    private final double[][] qv;
    private final double[][] targetQ;
    private final float[] nextQ;
    private final float[] y;
    private final double[][] dQ;
    private final double[] dAct;
    private final double[] action;

    /** TD3 with {@link Lanes#defaultThreads()} learner threads. */
    public Td3(Td3Config cfg, String envId, long seed) {
        this(cfg, envId, seed, Lanes.defaultThreads());
    }

    /** TD3 with 1 or 2 learner threads (the same results either way). */
    public Td3(Td3Config cfg, String envId, long seed, int threads) {
        this(ALGORITHM, cfg, cfg, 2, envId, seed, threads);
    }

    /** DDPG: one critic, policy delay 1, no target policy smoothing. */
    public static Td3 ddpg(DdpgConfig cfg, String envId, long seed) {
        return ddpg(cfg, envId, seed, Lanes.defaultThreads());
    }

    public static Td3 ddpg(DdpgConfig cfg, String envId, long seed, int threads) {
        return new Td3(DDPG, cfg.toTd3(), cfg, 1, envId, seed, threads);
    }

    private Td3(String algorithm, Td3Config cfg, Record runConfig, int critics, String envId, long seed, int threads) {
        this.algorithm = algorithm;
        this.cfg = cfg;
        this.runConfig = runConfig;
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
        Mlp.Builder qb = OffPolicyParts.net(obsDim + actDim, 1, cfg.hiddenSizes(), cfg.activation(), Activation.IDENTITY);
        if (critics == 2) {
            TwinCritic twin = new TwinCritic(qb, init);
            TwinCritic twinTarget = new TwinCritic(qb, init);
            this.q = new Mlp[] {twin.q1(), twin.q2()};
            this.qTarget = new Mlp[] {twinTarget.q1(), twinTarget.q2()};
            this.qf = twin;
            this.qfTarget = twinTarget;
        } else {
            Mlp one = qb.build(init);
            Mlp oneTarget = qb.build(init);
            this.q = new Mlp[] {one};
            this.qTarget = new Mlp[] {oneTarget};
            this.qf = one;
            this.qfTarget = oneTarget;
        }
        qfTarget.params().assign(qf.params());
        this.actorOptimizer = new AdamOptimizer(cfg.learningRate(), actor);
        this.qOptimizer = new AdamOptimizer(cfg.learningRate(), qf);
        this.noise = new ExplorationNoise(cfg.noiseType(), cfg.noiseStd(), actDim);
        this.replay = new ReplayBuffer(cfg.bufferSize(), obsDim, actDim);
        this.batch = replay.newBatch(batchSize);
        this.rng = init.split();
        this.provenance = Provenance.capture(algorithm, envId, seed, runConfig);
        this.lanes = new Lanes(threads);

        int b = batchSize;
        obsNd = OffPolicyParts.zeros(b, obsDim);
        nextObsNd = OffPolicyParts.zeros(b, obsDim);
        qInNd = OffPolicyParts.zeros(b, obsDim + actDim);
        nextQInNd = OffPolicyParts.zeros(b, obsDim + actDim);
        dQNd = new INDArray[critics];
        for (int c = 0; c < critics; c++) {
            dQNd[c] = OffPolicyParts.zeros(b, 1);
        }
        dActorNd = OffPolicyParts.zeros(b, actDim);
        obs1Nd = OffPolicyParts.zeros(1, obsDim);
        actorHalves = new RowHalves(actor, b);
        actorPolyak = new Polyak(actorTarget, actor);
        qfPolyak = new Polyak(qfTarget, qf);
        actorTargetHalves = new RowHalves(actorTarget, b);
        q0Halves = new RowHalves(q[0], b);
        obsHalf = actorHalves.split(obsNd);
        nextObsHalf = actorHalves.split(nextObsNd);
        qInHalf = q0Halves.split(qInNd);
        dQ0Half = q0Halves.split(dQNd[0]);
        dActorHalf = actorHalves.split(dActorNd);
        nextAct = new double[b * actDim];
        piAct = new double[b * actDim];
        qv = new double[critics][b];
        targetQ = new double[critics][b];
        nextQ = new float[b];
        y = new float[b];
        dQ = new double[critics][b];
        dAct = new double[b * actDim];
        action = new double[actDim];
    }

    // ------------------------------------------------------------------------------------------ train

    /** As {@link Sac#train}: until {@code nTimesteps} or until {@code keepGoing} returns false after a step. */
    public void train(RunDir run, ProgressBar bar, Predicate<Td3> keepGoing) throws IOException {
        try (RunLog log = new RunLog(run, runConfig, provenance, METRICS, logRows, algorithm, envId, seed)) {
            StepRate stepRate = new StepRate(globalStep);
            double learningRate = schedule.learningRate(globalStep);
            while (globalStep < cfg.nTimesteps()) {
                // ---- act: uniform random during the warm-up, then actor(s); exploration noise on both, as SB3's
                // _sample_action (so an Ornstein-Uhlenbeck process runs from the first step)
                if (globalStep < cfg.learningStarts()) {
                    collector.randomAction(rng, action);
                } else {
                    deterministicAction(collector.observation(), action);
                }
                noise.addTo(action, rng);
                boolean episodeEnded = collector.step(action, replay);
                globalStep++;
                rolloutSteps++;
                if (episodeEnded) {
                    rolloutEpisodes++;
                    noise.reset();
                }

                mark(StepProfile.Phase.ACT_ENV);
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
                    logRows++;
                    log.row(logRows, globalStep, collector.meanReturn(), collector.meanLength(), collector.episodes(),
                            learningRate, qfLoss, actorLoss, meanQ, updates,
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

    /** One critic step; every {@code policyDelay}-th also an actor step and the Polyak updates of all targets. */
    void update() {
        replay.sample(rng, batch);
        mark(StepProfile.Phase.SAMPLE);
        boolean actorStep = (updates + 1) % cfg.policyDelay() == 0;
        // On actor steps the Polyak updates of all targets: the critics' in the critic step's lanes (they need
        // only that step), the actor's in the actor step's.
        criticUpdate(actorStep, actorStep);
        mark(StepProfile.Phase.CRITIC);
        updates++;
        if (actorStep) {
            actorUpdate(true);
            actorUpdates++;
        }
    }

    private void mark(StepProfile.Phase phase) {
        if (profile != null) {
            profile.mark(phase);
        }
    }

    /**
     * {@code y = r + gamma (1 - terminated) min(qf1Target, qf2Target)(s', a')} with the smoothed target action
     * {@code a' = clip(actorTarget(s') + clip(N(0, targetPolicyNoise), -targetNoiseClip, targetNoiseClip), -1, 1)};
     * both critics regress on y with loss {@code mse(qf1, y) + mse(qf2, y)}. DDPG: one critic, no smoothing.
     */
    void criticUpdate() {
        criticUpdate(false, false);
    }

    /**
     * The critic step; with {@code actorStep} also the actor's forward pass for the actor step that follows,
     * with {@code polyak} the target critics' Polyak update after it.
     */
    private void criticUpdate(boolean actorStep, boolean polyak) {
        int b = batchSize;
        int critics = q.length;
        NdArrays.fromFloats(batch.nextObs, nextObsNd);
        // On actor steps the actor's forward pass on s (for the actor step) runs beside the target actor's on
        // s': different networks, and the critic step leaves the actor alone.
        actorForwardDone = actorStep;
        if (actorStep) {
            NdArrays.fromFloats(batch.obs, obsNd);
        }
        lanes.run(2, h -> {
            NdArrays.toDoubles(actorTargetHalves.half(h).forward(nextObsHalf[h]), nextAct,
                    actorTargetHalves.from(h) * actDim);
            if (actorStep) {
                NdArrays.toDoubles(actorHalves.half(h).forward(obsHalf[h]), piAct, actorHalves.from(h) * actDim);
            }
        });
        if (cfg.targetPolicyNoise() > 0) {
            for (int k = 0; k < b * actDim; k++) {
                double smoothing = targetNoise(rng, cfg.targetPolicyNoise(), cfg.targetNoiseClip());
                nextAct[k] = Math.max(-1.0, Math.min(1.0, nextAct[k] + smoothing));
            }
        }
        OffPolicyParts.concat(batch.nextObs, obsDim, nextAct, actDim, b, nextQInNd);
        OffPolicyParts.concat(batch.obs, obsDim, batch.actions, actDim, b, qInNd);
        // The target and online critics' forward passes, each network on one lane (they read the shared
        // inputs and write only their own buffers): lane c takes critic c's pair for TD3; DDPG's one target
        // and one online critic take a lane each.
        lanes.run(2, lane -> {
            if (critics == 2) {
                NdArrays.toDoubles(qTarget[lane].forward(nextQInNd), targetQ[lane]);
                NdArrays.toDoubles(q[lane].forward(qInNd), qv[lane]);
            } else if (lane == 0) {
                NdArrays.toDoubles(qTarget[0].forward(nextQInNd), targetQ[0]);
            } else {
                NdArrays.toDoubles(q[0].forward(qInNd), qv[0]);
            }
        });
        for (int i = 0; i < b; i++) {
            nextQ[i] = (float) (critics == 2 ? Math.min(targetQ[0][i], targetQ[1][i]) : targetQ[0][i]);
        }
        TdTarget.compute(batch.rewards, batch.terminated, nextQ, cfg.gamma(), y);

        double loss = 0;
        double sumQ = 0;
        for (int c = 0; c < critics; c++) {
            double[] qc = qv[c];
            double[] dc = dQ[c];
            double mse = 0;
            for (int i = 0; i < b; i++) {
                double e = qc[i] - y[i];
                mse += e * e / b;
                // SB3's TD3 loss is the sum of the critics' mse, without SAC's factor 0.5.
                dc[i] = 2 * e / b;
                sumQ += qc[i] / critics;
            }
            loss += mse;
        }
        qfLoss = loss;
        meanQ = sumQ / b;
        // Critic c's backward pass and its part of the Adam step (exactly its own parameters) on lane c.
        // With polyak, also its part of the target critics' Polyak update (elementwise in plain float arithmetic,
        // the same bits on either thread): part c of the twin vector is exactly critic c's parameters.
        OffPolicyParts.criticStep(lanes, q, dQ, dQNd, qOptimizer, polyak ? qfPolyak : null, cfg.tau());
    }

    /** Actor step on {@code -mean(qf1(s, actor(s)))}; dQ1/da comes from qf1's input-only backward pass. */
    void actorUpdate() {
        actorUpdate(false);
    }

    /** The actor step, and with {@code polyak} the target actor's Polyak update after it. */
    private void actorUpdate(boolean polyak) {
        int b = batchSize;
        if (!actorForwardDone) {
            NdArrays.fromFloats(batch.obs, obsNd);
            lanes.run(2, h -> NdArrays.toDoubles(actorHalves.half(h).forward(obsHalf[h]), piAct,
                    actorHalves.from(h) * actDim));
        }
        actorForwardDone = false;
        OffPolicyParts.concat(batch.obs, obsDim, piAct, actDim, b, qInNd);
        double[] q1 = qv[0];
        double[] dQ1 = dQ[0];
        Arrays.fill(dQ1, -1.0 / b);
        NdArrays.fromDoubles(dQ1, dQNd[0]);
        // qf1's forward and input-only backward pass, half the rows on each lane (each writes its rows of q1
        // and dAct only), then the actor's backward pass the same way.
        lanes.run(2, h -> {
            NdArrays.toDoubles(q0Halves.half(h).forward(qInHalf[h]), q1, q0Halves.from(h));
            OffPolicyParts.columns(q0Halves.half(h).backwardInput(dQ0Half[h]), obsDim, actDim, dAct,
                    q0Halves.from(h) * actDim);
        });
        double loss = 0;
        for (int i = 0; i < b; i++) {
            loss -= q1[i] / b;
        }
        actorLoss = loss;
        NdArrays.fromDoubles(dAct, dActorNd);
        lanes.run(2, h -> actorHalves.half(h).backward(dActorHalf[h]));
        mark(StepProfile.Phase.ACTOR);
        OffPolicyParts.actorStep(lanes, actorHalves, actorOptimizer, polyak ? actorPolyak : null, cfg.tau());
        mark(StepProfile.Phase.ACTOR_ADAM);
    }

    /** Target policy smoothing noise: {@code clip(N(0, std), -clip, clip)}. */
    static double targetNoise(Rng rng, double std, double clip) {
        return Math.max(-clip, Math.min(clip, std * rng.nextGaussian()));
    }

    private void deterministicAction(double[] observation, double[] out) {
        NdArrays.fromDoubles(observation, obs1Nd);
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

    /** All critics' parameters: a {@link TwinCritic} for TD3, the one critic for DDPG. */
    public Parameterized qf() {
        return qf;
    }

    /** The name the run goes by: {@code td3} or {@code ddpg}. */
    public String algorithm() {
        return algorithm;
    }

    public int learnerThreads() {
        return lanes.threads();
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
        return OffPolicyModels.model(algorithm, envId, obsDim, actDim, actor, cfg.activation(), globalStep, provenance,
                cfg.simToReal());
    }

    public Checkpoint checkpoint() {
        Checkpoint cp = model();
        ObjectNode h = OffPolicyParts.checkpointHeader(cp, runConfig, seed, updates);
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

    /** Continues a TD3 checkpoint with {@link Lanes#defaultThreads()} learner threads. */
    public static Td3 resume(Path file, Long totalSteps) throws IOException {
        return resume(file, totalSteps, Lanes.defaultThreads());
    }

    public static Td3 resume(Path file, Long totalSteps, int threads) throws IOException {
        Checkpoint cp = TrainingCheckpoint.read(file, ALGORITHM);
        Td3Config cfg = TrainingCheckpoint.config(cp, file, Td3Config.defaults(), totalSteps, Td3Config::withTimesteps);
        Td3 td3 = new Td3(cfg, cp.field("env").asText(), cp.field("seed").asLong(), threads);
        td3.restore(cp, file);
        return td3;
    }

    /** Continues a DDPG checkpoint. */
    public static Td3 resumeDdpg(Path file, Long totalSteps) throws IOException {
        return resumeDdpg(file, totalSteps, Lanes.defaultThreads());
    }

    public static Td3 resumeDdpg(Path file, Long totalSteps, int threads) throws IOException {
        Checkpoint cp = TrainingCheckpoint.read(file, DDPG);
        DdpgConfig cfg = TrainingCheckpoint.config(cp, file, DdpgConfig.defaults(), totalSteps,
                DdpgConfig::withTimesteps);
        Td3 ddpg = ddpg(cfg, cp.field("env").asText(), cp.field("seed").asLong(), threads);
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
        // DDPG checkpoints carry no actor_updates: every update there is an actor update.
        actorUpdates = cp.header().has("actor_updates") ? cp.field("actor_updates").asLong() : updates;
        rolloutSteps = cp.field("rollout_steps").asLong();
        rolloutEpisodes = cp.field("rollout_episodes").asLong();
        logRows = cp.field("log_rows").asLong();
        collector.restore(cp);
        OffPolicyModels.restoreReplay(cp, file, replay, globalStep);
    }

    @Override
    public void close() {
        lanes.close();
        collector.close();
    }
}
