package dev.actuate.algo;

import dev.actuate.nn.Backends;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.ProgressBar;
import dev.actuate.train.RunDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The command-line entry points of SAC, TD3 and DDPG ({@code actuate train --algo sac|td3|ddpg} and
 * {@code actuate bench train --algo ...}), so the CLI commands dispatch to them with one line each.
 */
public final class OffPolicyRuns {
    /** Bench: network widths, batch size, warm-up and measured env steps (one gradient step per env step). */
    public static final List<Integer> BENCH_HIDDEN = List.of(256, 256);
    public static final int BENCH_BATCH = 256;

    private OffPolicyRuns() {
    }

    public static boolean handles(String algorithm) {
        return OffPolicyModels.ALGORITHMS.contains(algorithm.toLowerCase(Locale.ROOT));
    }

    /** {@code configs/<algo>/<env>.yaml} under the working directory when present, else null (built-in defaults). */
    public static Path defaultConfig(String algorithm, String envId) {
        Path p = Path.of("configs", algorithm.toLowerCase(Locale.ROOT), envId + ".yaml");
        return Files.isRegularFile(p) ? p : null;
    }

    /**
     * Trains (or with {@code resume} continues) a run in {@code out}.
     *
     * @param config config file, or null for {@link #defaultConfig} (ignored on resume: the checkpoint has it)
     * @param steps  total env steps overriding {@code n_timesteps}, or null
     */
    public static void train(String algorithm, String envId, Path config, Long steps, long seed, Path out,
                             boolean resume, boolean quiet) throws IOException {
        Backends.configureThreads();
        String algo = algorithm.toLowerCase(Locale.ROOT);
        RunDir run = RunDir.open(out, resume);
        Path cfgFile = config != null ? config : defaultConfig(algo, envId);
        switch (algo) {
            case Sac.ALGORITHM -> {
                SacConfig c = resume ? null : load(cfgFile, SacConfig.defaults());
                try (Sac sac = resume ? Sac.resume(run.checkpoint(), steps)
                        : new Sac(steps == null ? c : c.withTimesteps(steps), envId, seed)) {
                    sac.train(run, bar(sac.config().nTimesteps(), sac.globalStep(), quiet), null);
                }
            }
            case Td3.ALGORITHM -> {
                Td3Config c = resume ? null : load(cfgFile, Td3Config.defaults());
                try (Td3 td3 = resume ? Td3.resume(run.checkpoint(), steps)
                        : new Td3(steps == null ? c : c.withTimesteps(steps), envId, seed)) {
                    td3.train(run, bar(td3.config().nTimesteps(), td3.globalStep(), quiet), null);
                }
            }
            case Ddpg.ALGORITHM -> {
                DdpgConfig c = resume ? null : load(cfgFile, DdpgConfig.defaults());
                try (Ddpg ddpg = resume ? Ddpg.resume(run.checkpoint(), steps)
                        : new Ddpg(steps == null ? c : c.withTimesteps(steps), envId, seed)) {
                    ddpg.train(run, bar(ddpg.config().nTimesteps(), ddpg.globalStep(), quiet), null);
                }
            }
            default -> throw new IllegalArgumentException("unknown off-policy algorithm '" + algorithm
                    + "' (expected sac, td3 or ddpg)");
        }
    }

    private static <R extends Record> R load(Path file, R defaults) throws IOException {
        return file == null ? defaults : ConfigYaml.load(file, defaults);
    }

    private static ProgressBar bar(long total, long start, boolean quiet) {
        return new ProgressBar(total, start, quiet);
    }

    /** Result of {@link #bench}. */
    public record BenchResult(String algorithm, String envId, double stepsPerSec, long warmupSteps, long measuredSteps,
                              double seconds) {
        /** One JSON object on one line; {@code steps_per_sec} first. */
        public String toJson() {
            return String.format(Locale.ROOT, "{\"steps_per_sec\": %.2f, \"algo\": \"%s\", \"env\": \"%s\", "
                            + "\"hidden\": [256, 256], \"batch_size\": %d, \"gradient_steps_per_env_step\": 1, "
                            + "\"warmup_steps\": %d, \"measured_steps\": %d, \"seconds\": %.3f}",
                    stepsPerSec, algorithm, envId, BENCH_BATCH, warmupSteps, measuredSteps, seconds);
        }
    }

    /**
     * Steady-state training throughput: {@link #BENCH_HIDDEN} nets, batch {@link #BENCH_BATCH}, one gradient
     * step per env step; learning starts after {@code BENCH_BATCH} random steps, then {@code warmup} more
     * steps (JIT, buffers) are run before {@code measured} steps are timed.
     */
    public static BenchResult bench(String algorithm, String envId, long warmup, long measured, long seed) {
        Backends.configureThreads();
        String algo = algorithm.toLowerCase(Locale.ROOT);
        long start = BENCH_BATCH + warmup;
        long total = start + measured;
        int buffer = (int) Math.min(1_000_000, total);
        long[] t = new long[2];
        switch (algo) {
            case Sac.ALGORITHM -> {
                SacConfig c = SacConfig.defaults().withNetwork(BENCH_HIDDEN, BENCH_BATCH);
                c = new SacConfig(total, buffer, BENCH_BATCH, c.batchSize(), c.learningRate(), false, c.gamma(), c.tau(), 1,
                        TrainFreqUnit.STEP, 1, null, 1.0, null, 1, c.hiddenSizes(), "relu", total, total, false);
                try (Sac sac = new Sac(c, envId, seed)) {
                    run(() -> sac.train(null, null, s -> mark(t, s.globalStep(), start, total)));
                }
            }
            case Td3.ALGORITHM -> {
                Td3Config c = new Td3Config(total, buffer, BENCH_BATCH, BENCH_BATCH, 1e-3, false, 0.99, 0.005, 1,
                        TrainFreqUnit.STEP, 1, 2, 0.2, 0.5, NoiseType.NORMAL, 0.1, BENCH_HIDDEN, "relu", total, total, false);
                try (Td3 td3 = new Td3(c, envId, seed)) {
                    run(() -> td3.train(null, null, s -> mark(t, s.globalStep(), start, total)));
                }
            }
            case Ddpg.ALGORITHM -> {
                DdpgConfig c = new DdpgConfig(total, buffer, BENCH_BATCH, BENCH_BATCH, 1e-3, false, 0.99, 0.005, 1,
                        TrainFreqUnit.STEP, 1, NoiseType.NORMAL, 0.1, BENCH_HIDDEN, "relu", total, total, false);
                try (Ddpg ddpg = new Ddpg(c, envId, seed)) {
                    run(() -> ddpg.train(null, null, s -> mark(t, s.globalStep(), start, total)));
                }
            }
            default -> throw new IllegalArgumentException("unknown off-policy algorithm '" + algorithm
                    + "' (expected sac, td3 or ddpg)");
        }
        double seconds = (t[1] - t[0]) / 1e9;
        long steps = total - 1 - start;
        return new BenchResult(algo, envId, steps / seconds, warmup, steps, seconds);
    }

    /** Records the clock when the measured window opens ({@code start}) and at the run's last predicate call. */
    private static boolean mark(long[] t, long step, long start, long total) {
        if (step == start) {
            t[0] = System.nanoTime();
        }
        if (step == total - 1) {
            t[1] = System.nanoTime();
        }
        return true;
    }

    private interface Body {
        void run() throws IOException;
    }

    private static void run(Body body) {
        try {
            body.run();
        } catch (IOException e) {
            throw new IllegalStateException(e); // no run directory: no I/O
        }
    }
}
