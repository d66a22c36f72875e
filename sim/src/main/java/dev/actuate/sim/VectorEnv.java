package dev.actuate.sim;

import dev.actuate.sim.wrappers.NormalizeObservation;
import dev.actuate.sim.wrappers.NormalizeReward;
import dev.actuate.sim.wrappers.RecordEpisodeStatistics;
import dev.actuate.sim.wrappers.TimeLimit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * N copies of an env stepped in parallel with same-step auto-reset (see {@link VectorStep}).
 *
 * <p>The envs are split into one contiguous block per thread; the calling thread steps the first
 * block and {@code threads - 1} daemon worker threads the rest, taking over a late worker's envs,
 * and envs too cheap to be worth a hand-over run inline (see {@link BlockWorkers}); one thread means
 * no pool at all. Each env touches only its own slots and its own generator, so results are
 * identical for any thread count and schedule. {@link #reset(long)} seeds env i with {@code seed + i}; later
 * auto-resets continue each env's generator.
 *
 * <p>Episode return and length are counted here, not by a wrapper, so that {@link #snapshot()}
 * captures them. Not thread-safe: one trainer thread drives it.
 */
public final class VectorEnv implements AutoCloseable {
    private final Env[] envs;
    private final int threads;
    private final BlockWorkers workers;
    private final double[][] obs;
    private final double[] episodeReturn;
    private final int[] episodeLength;
    private final long[] episodeStart;
    /** Actions given to each env since its reset, for snapshots replayed through the whole wrapper chain. */
    private final List<List<double[]>> actionsSinceReset;
    private boolean started;

    /** Exact state of one sub-env for checkpoints. */
    public record EnvState(EnvSnapshot snapshot, double[] observation, double episodeReturn, int episodeLength) {
        public EnvState {
            observation = observation.clone();
        }

        @Override
        public double[] observation() {
            return observation.clone();
        }
    }

    /** Exact state of every sub-env; restoring it reproduces the continuation bit for bit. */
    public record State(List<EnvState> envs) {
        public State {
            envs = List.copyOf(envs);
        }
    }

    /** One thread per env, up to the number of cores. */
    public VectorEnv(Supplier<Env> factory, int numEnvs) {
        this(factory, numEnvs, Math.min(numEnvs, Runtime.getRuntime().availableProcessors()));
    }

    public VectorEnv(Supplier<Env> factory, int numEnvs, int threads) {
        this(factory, numEnvs, threads, BlockWorkers.MIN_PARALLEL_NANOS);
    }

    /** {@code minParallelNanos} as in {@link BlockWorkers}; 0 hands every step to the threads (tests). */
    VectorEnv(Supplier<Env> factory, int numEnvs, int threads, long minParallelNanos) {
        if (numEnvs <= 0) {
            throw new IllegalArgumentException("VectorEnv: numEnvs must be positive, got " + numEnvs);
        }
        if (threads <= 0) {
            throw new IllegalArgumentException("VectorEnv: threads must be positive, got " + threads);
        }
        this.threads = Math.min(threads, numEnvs);
        envs = new Env[numEnvs];
        for (int i = 0; i < numEnvs; i++) {
            envs[i] = factory.get();
            if (i > 0 && (!envs[i].observationSpace().equals(envs[0].observationSpace())
                    || !envs[i].actionSpace().equals(envs[0].actionSpace()))) {
                throw new IllegalArgumentException("VectorEnv: env " + i + " (" + envs[i].id()
                        + ") has different spaces from env 0 (" + envs[0].id() + ")");
            }
        }
        obs = new double[numEnvs][];
        episodeReturn = new double[numEnvs];
        episodeLength = new int[numEnvs];
        episodeStart = new long[numEnvs];
        actionsSinceReset = new ArrayList<>(numEnvs);
        for (int i = 0; i < numEnvs; i++) {
            actionsSinceReset.add(new ArrayList<>());
        }
        workers = this.threads > 1 ? new BlockWorkers(numEnvs, this.threads, () -> id(), minParallelNanos) : null;
    }

    /** {@code n} copies of a registered env, time limit applied. */
    public static VectorEnv make(String id, int n) {
        Envs.spec(id);
        return new VectorEnv(() -> Envs.make(id), n);
    }

    public int numEnvs() {
        return envs.length;
    }

    public int threads() {
        return threads;
    }

    /** Whether the last call handed envs to the worker threads rather than stepping them inline (tests). */
    boolean lastCallParallel() {
        return workers != null && workers.parallel();
    }

    public String id() {
        return envs[0].id();
    }

    public Box observationSpace() {
        return envs[0].observationSpace();
    }

    public Box actionSpace() {
        return envs[0].actionSpace();
    }

    /** Sub-env i, e.g. for rendering; stepping it directly breaks this vector's bookkeeping. */
    public Env env(int i) {
        return envs[i];
    }

    /** Seeds env i with {@code seed + i} and returns the first observations. */
    public double[][] reset(long seed) {
        forEachEnv(i -> {
            obs[i] = envs[i].reset(seed + i).observation();
            startEpisode(i);
        });
        started = true;
        return copyObservations();
    }

    /** The current observation of every env (after auto-resets). */
    public double[][] observations() {
        requireStarted();
        return copyObservations();
    }

    public VectorStep step(double[][] actions) {
        requireStarted();
        if (actions == null || actions.length != envs.length) {
            throw new IllegalArgumentException("VectorEnv(" + id() + "): expected " + envs.length + " actions, got "
                    + (actions == null ? "null" : actions.length));
        }
        int n = envs.length;
        double[] rewards = new double[n];
        boolean[] terminated = new boolean[n];
        boolean[] truncated = new boolean[n];
        double[][] finals = new double[n][];
        EpisodeStats[] episodes = new EpisodeStats[n];
        StepInfo[] infos = new StepInfo[n];
        forEachEnv(i -> {
            StepResult r = envs[i].step(actions[i]);
            actionsSinceReset.get(i).add(actions[i].clone());
            rewards[i] = r.reward();
            terminated[i] = r.terminated();
            truncated[i] = r.truncated();
            infos[i] = r.info();
            episodeReturn[i] += r.reward();
            episodeLength[i]++;
            if (r.done()) {
                finals[i] = r.observation();
                episodes[i] = new EpisodeStats(episodeReturn[i], episodeLength[i],
                        (System.nanoTime() - episodeStart[i]) * 1e-9);
                obs[i] = envs[i].reset().observation();
                startEpisode(i);
            } else {
                obs[i] = r.observation();
            }
        });
        return new VectorStep(copyObservations(), rewards, terminated, truncated, finals, episodes, infos);
    }

    /**
     * The exact state of every sub-env, for checkpoints: the generator state at the episode's reset and the
     * actions given to the outermost wrapper since. Restoring replays them through the whole chain, so wrappers
     * whose state follows from the episode's actions and the env's generator ({@link TimeLimit}, the sim-to-real
     * delays, noise and previous actions) come back exactly. Statistics of normalisers are the trainer's to save;
     * wrappers with other hidden state are refused rather than silently lost.
     */
    public State snapshot() {
        requireStarted();
        List<EnvState> states = new ArrayList<>(envs.length);
        for (int i = 0; i < envs.length; i++) {
            AbstractEnv base = base(i);
            if (Wrapper.find(envs[i], RecordEpisodeStatistics.class) != null
                    || Wrapper.find(envs[i], NormalizeReward.class) != null) {
                throw new IllegalStateException("VectorEnv(" + id() + "): env " + i + " has a RecordEpisodeStatistics or"
                        + " NormalizeReward wrapper whose state a snapshot cannot capture; VectorEnv records episode"
                        + " statistics itself, and reward normalisation belongs to the trainer");
            }
            NormalizeObservation norm = Wrapper.find(envs[i], NormalizeObservation.class);
            if (norm != null && !norm.frozen()) {
                throw new IllegalStateException("VectorEnv(" + id() + "): env " + i + " has an updating"
                        + " NormalizeObservation wrapper; restoring replays the episode and would count it twice");
            }
            EnvSnapshot at = new EnvSnapshot(base.snapshot().rngStateAtReset(), actionsSinceReset.get(i));
            states.add(new EnvState(at, obs[i], episodeReturn[i], episodeLength[i]));
        }
        return new State(states);
    }

    /** Restores a {@link #snapshot()} (from this or an identically built vector) and returns the observations. */
    public double[][] restore(State state) {
        if (state.envs().size() != envs.length) {
            throw new IllegalArgumentException("VectorEnv(" + id() + "): state has " + state.envs().size()
                    + " envs, this vector has " + envs.length);
        }
        forEachEnv(i -> {
            EnvState s = state.envs().get(i);
            base(i).rewindTo(s.snapshot().rngStateAtReset());
            envs[i].reset();
            actionsSinceReset.get(i).clear();
            for (double[] a : s.snapshot().actions()) {
                if (envs[i].step(a).done()) {
                    throw new IllegalStateException("VectorEnv(" + id() + "): env " + i
                            + ": snapshot replay ended the episode early");
                }
                actionsSinceReset.get(i).add(a.clone());
            }
            obs[i] = s.observation();
            episodeReturn[i] = s.episodeReturn();
            episodeLength[i] = s.episodeLength();
            episodeStart[i] = System.nanoTime();
        });
        started = true;
        return copyObservations();
    }

    private AbstractEnv base(int i) {
        if (envs[i].unwrapped() instanceof AbstractEnv a) {
            return a;
        }
        throw new IllegalStateException("VectorEnv(" + id() + "): env " + i + " is not an AbstractEnv and cannot be"
                + " snapshotted");
    }

    private void startEpisode(int i) {
        actionsSinceReset.get(i).clear();
        episodeReturn[i] = 0;
        episodeLength[i] = 0;
        episodeStart[i] = System.nanoTime();
    }

    private double[][] copyObservations() {
        return obs.clone();
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException("VectorEnv(" + id() + "): call reset(seed) first");
        }
    }

    /** Runs {@code body} for every env index, block c of the indices on thread c. */
    private void forEachEnv(IntConsumer body) {
        if (workers == null) {
            for (int i = 0; i < envs.length; i++) {
                body.accept(i);
            }
            return;
        }
        workers.run(body);
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.close();
        }
        for (Env e : envs) {
            e.close();
        }
    }
}
