package dev.actuate.algo;

import dev.actuate.nn.Lanes;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.ProgressBar;
import dev.actuate.train.RunDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * CLI glue for {@link Sac}, {@link Td3} and DDPG ({@link Td3#ddpg}): config resolution, run directory, progress
 * bar, resume and bench. They learn from one env, so {@code --envs} other than 1 is refused.
 */
final class OffPolicyTrainer implements Trainer {
    /** Bench batch (the Zoo's and SB3's off-policy batch); one gradient step per env step. */
    static final int BENCH_BATCH = 256;
    /** Gradient steps after the random warm-up before timing starts (JIT, buffers). */
    static final long BENCH_WARMUP_UPDATES = 200;

    private final String algorithm;

    OffPolicyTrainer(String algorithm) {
        this.algorithm = algorithm;
    }

    private static void checkEnvs(Integer envs) {
        if (envs != null && envs != 1) {
            throw new IllegalArgumentException("--envs: SAC, TD3 and DDPG learn from one env, got " + envs);
        }
    }

    private static <R extends Record> R load(Path file, R defaults) throws IOException {
        return file == null ? defaults : ConfigYaml.load(file, defaults);
    }

    @Override
    public Outcome train(TrainRequest r) throws IOException {
        checkEnvs(r.envs());
        int threads = Lanes.forCores(r.threads());
        try (RunDir run = RunDir.open(r.out(), r.resume())) {
            switch (algorithm) {
                case Sac.ALGORITHM -> {
                    SacConfig c = r.resume() ? null : load(r.configFile(), SacConfig.defaults());
                    if (c != null) {
                        Check.simToRealFits(r.configFile(), r.envId(), c.simToReal());
                    }
                    try (Sac sac = r.resume() ? Sac.resume(run.checkpoint(), r.steps(), threads)
                            : new Sac(r.steps() == null ? c : c.withTimesteps(r.steps()), r.envId(), r.seed(), threads)) {
                        long total = sac.config().nTimesteps();
                        sac.train(run, new ProgressBar(total, sac.globalStep(), r.quiet()), s -> !r.stop().getAsBoolean());
                        return new Outcome(sac.globalStep(), total, sac.globalStep() == total, sac.learnerThreads(), 1);
                    }
                }
                case Td3.ALGORITHM -> {
                    Td3Config c = r.resume() ? null : load(r.configFile(), Td3Config.defaults());
                    if (c != null) {
                        Check.simToRealFits(r.configFile(), r.envId(), c.simToReal());
                    }
                    try (Td3 td3 = r.resume() ? Td3.resume(run.checkpoint(), r.steps(), threads)
                            : new Td3(r.steps() == null ? c : c.withTimesteps(r.steps()), r.envId(), r.seed(), threads)) {
                        long total = td3.config().nTimesteps();
                        td3.train(run, new ProgressBar(total, td3.globalStep(), r.quiet()), s -> !r.stop().getAsBoolean());
                        return new Outcome(td3.globalStep(), total, td3.globalStep() == total, td3.learnerThreads(), 1);
                    }
                }
                case Td3.DDPG -> {
                    DdpgConfig c = r.resume() ? null : load(r.configFile(), DdpgConfig.defaults());
                    if (c != null) {
                        Check.simToRealFits(r.configFile(), r.envId(), c.simToReal());
                    }
                    try (Td3 ddpg = r.resume() ? Td3.resumeDdpg(run.checkpoint(), r.steps(), threads)
                            : Td3.ddpg(r.steps() == null ? c : c.withTimesteps(r.steps()), r.envId(), r.seed(), threads)) {
                        long total = ddpg.config().nTimesteps();
                        ddpg.train(run, new ProgressBar(total, ddpg.globalStep(), r.quiet()),
                                s -> !r.stop().getAsBoolean());
                        return new Outcome(ddpg.globalStep(), total, ddpg.globalStep() == total, ddpg.learnerThreads(), 1);
                    }
                }
                default -> throw new IllegalStateException("not an off-policy algorithm: " + algorithm);
            }
        }
    }

    /**
     * Steady-state env steps/s with the env's config (its networks unless {@code net} overrides them) in the
     * bench shape: batch {@value #BENCH_BATCH}, one gradient step per env step, learning after
     * {@code BENCH_BATCH} random steps; timing starts after {@link #BENCH_WARMUP_UPDATES} gradient steps and
     * runs for {@code seconds}.
     */
    @Override
    public BenchResult bench(BenchRequest r) throws IOException {
        checkEnvs(r.envs());
        long warm = BENCH_BATCH + BENCH_WARMUP_UPDATES;
        double seconds = r.seconds();
        String envId = r.envId();
        // [wall ns, step, process CPU ns, thread CPU ns]
        long[] start = new long[4];
        long[] end = new long[4];
        java.lang.management.ThreadMXBean threadBean = java.lang.management.ManagementFactory.getThreadMXBean();
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Predicate<Long> keepGoing = step -> {
            long now = System.nanoTime();
            long[] mark = step == warm ? start : end;
            mark[0] = now;
            mark[1] = step;
            mark[2] = os instanceof com.sun.management.OperatingSystemMXBean o ? o.getProcessCpuTime() : -1;
            mark[3] = threadBean.isCurrentThreadCpuTimeSupported() ? threadBean.getCurrentThreadCpuTime() : -1;
            if (step == warm) {
                return true;
            }
            return step < warm || (now - start[0]) / 1e9 < seconds;
        };
        List<Integer> hidden;
        int threads = r.learnerThreads() != null ? r.learnerThreads() : Lanes.defaultThreads();
        switch (algorithm) {
            case Sac.ALGORITHM -> {
                SacConfig c = load(r.configFile(), SacConfig.defaults());
                hidden = r.net() != null ? r.net() : c.hiddenSizes();
                c = benchConfig(c, hidden);
                try (Sac sac = new Sac(c, envId, r.seed(), threads)) {
                    sac.train(null, null, s -> keepGoing.test(s.globalStep()));
                }
            }
            case Td3.ALGORITHM -> {
                Td3Config c = load(r.configFile(), Td3Config.defaults());
                hidden = r.net() != null ? r.net() : c.hiddenSizes();
                c = benchConfig(c, hidden);
                try (Td3 td3 = new Td3(c, envId, r.seed(), threads)) {
                    td3.train(null, null, s -> keepGoing.test(s.globalStep()));
                }
            }
            case Td3.DDPG -> {
                DdpgConfig c = load(r.configFile(), DdpgConfig.defaults());
                hidden = r.net() != null ? r.net() : c.hiddenSizes();
                c = benchConfig(c, hidden);
                try (Td3 ddpg = Td3.ddpg(c, envId, r.seed(), threads)) {
                    ddpg.train(null, null, s -> keepGoing.test(s.globalStep()));
                }
            }
            default -> throw new IllegalStateException("not an off-policy algorithm: " + algorithm);
        }
        double s = (end[0] - start[0]) / 1e9;
        long steps = end[1] - start[1];
        double processCpu = start[2] < 0 || end[2] < 0 ? Double.NaN : (end[2] - start[2]) / 1e9;
        double threadCpu = start[3] < 0 || end[3] < 0 ? Double.NaN : (end[3] - start[3]) / 1e9;
        return new BenchResult(algorithm, envId, 1, steps, s, steps / s, processCpu, threadCpu, hidden, BENCH_BATCH,
                threads);
    }

    /** Endless runs; the config's learning rate, gamma, tau, noise and activation; the bench's shape. */
    private static final long HUGE = Long.MAX_VALUE / 4;

    static SacConfig benchConfig(SacConfig c, List<Integer> hidden) {
        return new SacConfig(HUGE, Math.min(c.bufferSize(), 200_000), BENCH_BATCH, BENCH_BATCH, c.learningRate(),
                false, c.gamma(), c.tau(), 1, TrainFreqUnit.STEP, 1, c.entCoef(), c.entCoefInit(),
                c.targetEntropy(), 1, hidden, c.activation(), HUGE, HUGE, false)
                .withSimToReal(c.simToReal());
    }

    static Td3Config benchConfig(Td3Config c, List<Integer> hidden) {
        return new Td3Config(HUGE, Math.min(c.bufferSize(), 200_000), BENCH_BATCH, BENCH_BATCH, c.learningRate(),
                false, c.gamma(), c.tau(), 1, TrainFreqUnit.STEP, 1, c.policyDelay(), c.targetPolicyNoise(),
                c.targetNoiseClip(), c.noiseType(), c.noiseStd(), hidden, c.activation(), HUGE, HUGE, false)
                .withSimToReal(c.simToReal());
    }

    static DdpgConfig benchConfig(DdpgConfig c, List<Integer> hidden) {
        return new DdpgConfig(HUGE, Math.min(c.bufferSize(), 200_000), BENCH_BATCH, BENCH_BATCH, c.learningRate(),
                false, c.gamma(), c.tau(), 1, TrainFreqUnit.STEP, 1, c.noiseType(), c.noiseStd(), hidden,
                c.activation(), HUGE, HUGE, false).withSimToReal(c.simToReal());
    }

    static <R extends Record> R loadConfig(Path file, R defaults) throws IOException {
        return load(file, defaults);
    }
}
