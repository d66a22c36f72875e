package dev.actuate.algo;

import dev.actuate.train.ProgressBar;
import dev.actuate.train.RunDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * An on-policy run (PPO, TRPO or A2C) whose rollouts come from {@link RolloutWorker}s, as {@code actuate dtrain}
 * drives it: all three collect rollouts with PPO's engine, so one hook serves them and the update stays the
 * algorithm's own. This process keeps the learner and writes a normal run directory.
 */
public final class DistributedRun implements AutoCloseable {
    /** The algorithms with distributed rollouts. */
    public static final List<Algorithm> ALGORITHMS = List.of(Algorithm.PPO, Algorithm.TRPO, Algorithm.A2C);

    private final OnPolicyTrainer.Run<?, ?> algo;
    private final String algorithm;
    private final String configSource;
    private final long totalSteps;

    DistributedRun(OnPolicyTrainer.Run<?, ?> algo, String algorithm, String configSource, long totalSteps) {
        this.algo = algo;
        this.algorithm = algorithm;
        this.configSource = configSource;
        this.totalSteps = totalSteps;
    }

    /**
     * A fresh run of {@code algorithm} on {@code envId}, its config as {@code actuate train} resolves it.
     *
     * @param configFile YAML over the algorithm's defaults, or null for the defaults
     * @throws IllegalArgumentException for an algorithm without distributed rollouts
     */
    public static DistributedRun create(Algorithm algorithm, String envId, Path configFile, Long steps, Integer envs,
                                        long seed) throws IOException {
        if (!ALGORITHMS.contains(algorithm) || !(algorithm.trainer() instanceof OnPolicyTrainer<?, ?> t)) {
            throw new IllegalArgumentException("--algo " + algorithm.id() + ": distributed rollouts are built for the "
                    + "on-policy algorithms only (" + String.join(", ", ALGORITHMS.stream().map(Algorithm::id).toList())
                    + ")");
        }
        return t.distributed(envId, configFile, steps, envs, seed);
    }

    /** What each rollout worker needs of the config. */
    public RolloutWorker.Setup setup() {
        return algo.rolloutSetup();
    }

    /** Where the config came from (a file, or the built-in defaults), for messages. */
    public String configSource() {
        return configSource;
    }

    public String algorithm() {
        return algorithm;
    }

    /** Rollouts come from {@code source} from now on: one chunk per worker, in env order. */
    public void distributeRollouts(Function<RolloutRequest, List<RolloutChunk>> source) {
        algo.distributeRollouts(source);
    }

    /** Trains to the end: metrics, checkpoints, curve and model into {@code run}, as {@code actuate train}. */
    public void train(RunDir run, ProgressBar bar) throws IOException {
        algo.train(run, bar, null);
    }

    /** The steps the run trains: {@code n_timesteps} rounded up to whole rollouts. */
    public long totalSteps() {
        return totalSteps;
    }

    public long globalStep() {
        return algo.globalStep();
    }

    @Override
    public void close() {
        algo.close();
    }
}
