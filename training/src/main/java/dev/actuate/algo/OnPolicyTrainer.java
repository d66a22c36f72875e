package dev.actuate.algo;

import dev.actuate.sim.wrappers.SimToReal;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.ProgressBar;
import dev.actuate.train.RunDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * CLI glue shared by the on-policy algorithms (PPO, A2C, TRPO), which train whole rollouts on PPO's
 * rollout engine: config resolution, run directory, progress bar, resume and bench.
 */
final class OnPolicyTrainer<C extends Record & OnPolicyTrainer.Config<C>, A extends OnPolicyTrainer.Run<A, C>>
        implements Trainer {
    /** What this glue needs of an on-policy config record. */
    interface Config<C> {
        long nTimesteps();

        int nEnvs();

        int nSteps();

        int rolloutSize();

        long iterations();

        List<Integer> hiddenSizes();

        SimToReal simToReal();

        C withTimesteps(long n);

        C withEnvs(int n);

        C withHiddenSizes(List<Integer> sizes);
    }

    /** What this glue needs of an on-policy algorithm. */
    interface Run<A, C> extends AutoCloseable {
        C config();

        String envId();

        long iteration();

        long globalStep();

        void train(RunDir run, ProgressBar bar, Predicate<A> keepGoing) throws IOException;

        /** The threads stepping the envs. */
        int envThreads();

        /**
         * Rollouts from workers instead of this run's own envs ({@code actuate dtrain}). PPO's engine does it for
         * all three algorithms ({@link Ppo#distributeRollouts}); TRPO and A2C pass it on.
         */
        void distributeRollouts(Function<RolloutRequest, List<RolloutChunk>> source);

        /** What a rollout worker needs of this run's config. */
        RolloutWorker.Setup rolloutSetup();

        /** Everything a bit-identical continuation needs. */
        Checkpoint checkpoint();

        /** The last update's cost, for the bench; null where not measured. */
        default UpdateCost lastUpdateCost() {
            return null;
        }

        @Override
        void close();
    }

    /** {@code envThreads}: at most that many env threads, or null for the default. */
    interface Factory<C, A> {
        A create(C cfg, String envId, long seed, Integer envThreads);
    }

    interface Resumer<A> {
        A resume(Path checkpoint, Long totalSteps, Integer envThreads) throws IOException;
    }

    private final String algorithm;
    private final String label;
    private final Supplier<C> defaults;
    private final Factory<C, A> factory;
    private final Resumer<A> resumer;
    private final ToIntFunction<C> updateBatch;
    /** The PPO config whose epoch the bench compares the update with (TRPO), or null. */
    private final Function<C, PpoConfig> comparison;

    /**
     * @param label       the name in messages, e.g. "PPO"
     * @param updateBatch the batch one gradient step sees (reported by bench)
     */
    OnPolicyTrainer(String algorithm, String label, Supplier<C> defaults, Factory<C, A> factory, Resumer<A> resumer,
                    ToIntFunction<C> updateBatch) {
        this(algorithm, label, defaults, factory, resumer, updateBatch, null);
    }

    /** @param comparison the PPO config, from this algorithm's, whose epoch the bench times beside the update */
    OnPolicyTrainer(String algorithm, String label, Supplier<C> defaults, Factory<C, A> factory, Resumer<A> resumer,
                    ToIntFunction<C> updateBatch, Function<C, PpoConfig> comparison) {
        this.comparison = comparison;
        this.algorithm = algorithm;
        this.label = label;
        this.defaults = defaults;
        this.factory = factory;
        this.resumer = resumer;
        this.updateBatch = updateBatch;
    }

    static OnPolicyTrainer<PpoConfig, Ppo> ppo() {
        return new OnPolicyTrainer<>(Ppo.ALGORITHM, "PPO", PpoConfig::defaults, Ppo::new, Ppo::resume,
                PpoConfig::batchSize);
    }

    static OnPolicyTrainer<A2cConfig, A2c> a2c() {
        return new OnPolicyTrainer<>(A2c.ALGORITHM, "A2C", A2cConfig::defaults, A2c::new, A2c::resume,
                A2cConfig::rolloutSize);
    }

    static OnPolicyTrainer<TrpoConfig, Trpo> trpo() {
        // The bench compares TRPO's update with one PPO epoch on the same rollout: TRPO's rollout keys as a PPO
        // config with PPO's default minibatch (64) and epochs (10), timed per epoch.
        return new OnPolicyTrainer<>(Trpo.ALGORITHM, "TRPO", TrpoConfig::defaults, Trpo::new, Trpo::resume,
                TrpoConfig::rolloutSize, c -> ConfigYaml.bind(java.util.Map.of("batch_size", 64, "n_epochs", 10),
                        c.rollout(), "the bench's PPO comparison"));
    }

    C config(Path configFile, Long steps, Integer envs) throws IOException {
        C cfg = configFile == null ? defaults.get() : ConfigYaml.load(configFile, defaults.get());
        if (steps != null) {
            cfg = cfg.withTimesteps(steps);
        }
        if (envs != null) {
            cfg = cfg.withEnvs(envs);
        }
        return cfg;
    }

    /**
     * A fresh run whose rollouts the caller distributes ({@code actuate dtrain}): the config resolved and checked
     * as {@link #train}'s.
     */
    DistributedRun distributed(String envId, Path configFile, Long steps, Integer envs, long seed) throws IOException {
        C cfg = config(configFile, steps, envs);
        String source = configFile == null ? "the built-in " + label + " defaults" : configFile.toString();
        Check.simToRealFits(configFile, envId, cfg.simToReal());
        return new DistributedRun(factory.create(cfg, envId, seed, null), algorithm, source,
                cfg.iterations() * cfg.rolloutSize());
    }

    @Override
    public Outcome train(TrainRequest r) throws IOException {
        C fresh = r.resume() ? null : config(r.configFile(), r.steps(), r.envs());
        if (fresh != null) {
            Check.simToRealFits(r.configFile(), r.envId(), fresh.simToReal());
        }
        try (RunDir run = RunDir.open(r.out(), r.resume());
             A algo = r.resume() ? resumer.resume(run.checkpoint(), r.steps(), r.threads())
                     : factory.create(fresh, r.envId(), r.seed(), r.threads())) {
            if (r.resume() && !algo.envId().equals(r.envId())) {
                throw new IllegalArgumentException(run.checkpoint() + ": holds a run on " + algo.envId() + ", not "
                        + r.envId());
            }
            C cfg = algo.config();
            long total = cfg.iterations() * cfg.rolloutSize();
            if (total != cfg.nTimesteps() && !r.quiet()) {
                System.err.printf("actuate train: %s trains whole rollouts of %d steps (n_steps %d x n_envs %d): "
                        + "%d steps round up to %d%n", label, cfg.rolloutSize(), cfg.nSteps(), cfg.nEnvs(),
                        cfg.nTimesteps(), total);
            }
            ProgressBar bar = new ProgressBar(total, algo.globalStep(), r.quiet());
            algo.train(run, bar, p -> !r.stop().getAsBoolean());
            // The update runs on this thread (single-threaded BLAS); only the envs have threads of their own.
            return new Outcome(algo.globalStep(), total, algo.iteration() == cfg.iterations(), 1, algo.envThreads());
        }
    }

    @Override
    public BenchResult bench(BenchRequest r) throws IOException {
        if (r.learnerThreads() != null) {
            throw new IllegalArgumentException("--learner-threads applies to SAC, TD3 and DDPG; " + label
                    + "'s envs run on VectorEnv's threads");
        }
        C cfg = config(r.configFile(), Long.MAX_VALUE / 4, r.envs());
        if (r.net() != null) {
            cfg = cfg.withHiddenSizes(r.net());
        }
        String envId = r.envId();
        double seconds = r.seconds();
        long[] start = new long[2]; // nanos, steps at the end of the warm-up iteration
        long[] end = new long[2];
        List<UpdateCost> costs = new ArrayList<>();
        try (A algo = factory.create(cfg, envId, r.seed(), null)) {
            algo.train(null, null, p -> {
                long now = System.nanoTime();
                if (p.iteration() == 1) {
                    start[0] = now;
                    start[1] = p.globalStep();
                    return true;
                }
                end[0] = now;
                end[1] = p.globalStep();
                if (p.lastUpdateCost() != null) {
                    costs.add(p.lastUpdateCost());
                }
                return (now - start[0]) / 1e9 < seconds;
            });
        }
        double s = (end[0] - start[0]) / 1e9;
        long steps = end[1] - start[1];
        double ppoEpochMs = comparison == null ? Double.NaN : ppoEpochMs(comparison.apply(cfg), envId, r.seed(),
                seconds / 2);
        Trainer.UpdateBench update = costs.isEmpty() ? null
                : new Trainer.UpdateBench(median(costs), costs.size(), ppoEpochMs);
        return new BenchResult(algorithm, envId, cfg.nEnvs(), steps, s, steps / s, Double.NaN, Double.NaN,
                cfg.hiddenSizes(), updateBatch.applyAsInt(cfg), 1, update);
    }

    /**
     * Median CPU time of one PPO epoch (its update divided by the epochs done) over iterations after the first,
     * for about {@code seconds} and at least three iterations.
     */
    static double ppoEpochMs(PpoConfig cfg, String envId, long seed, double seconds) throws IOException {
        List<Double> perEpoch = new ArrayList<>();
        long[] start = new long[1];
        try (Ppo ppo = new Ppo(cfg, envId, seed)) {
            ppo.train(null, null, p -> {
                if (p.iteration() == 1) {
                    start[0] = System.nanoTime();
                    return true;
                }
                UpdateCost c = p.lastUpdateCost();
                perEpoch.add(c.updateMs() / Math.max(1, c.epochs()));
                return perEpoch.size() < 3 || (System.nanoTime() - start[0]) / 1e9 < seconds;
            });
        }
        return medianOf(perEpoch.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Each field's median over {@code costs}. */
    static UpdateCost median(List<UpdateCost> costs) {
        return new UpdateCost(medianOf(costs, UpdateCost::updateMs), (int) medianOf(costs, UpdateCost::epochs),
                medianOf(costs, UpdateCost::policyMs), medianOf(costs, UpdateCost::criticMs),
                (int) medianOf(costs, UpdateCost::cgIterations), (int) medianOf(costs, UpdateCost::fvpCalls),
                medianOf(costs, UpdateCost::fvpMs), medianOf(costs, UpdateCost::lineSearchMs),
                (int) medianOf(costs, UpdateCost::lineSearchTrials), (int) medianOf(costs, UpdateCost::policyBatch));
    }

    private static double medianOf(List<UpdateCost> costs, ToDoubleFunction<UpdateCost> field) {
        return medianOf(costs.stream().mapToDouble(field).toArray());
    }

    private static double medianOf(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
