package dev.actuate.algo;

import dev.actuate.train.ConfigYaml;
import dev.actuate.train.ProgressBar;
import dev.actuate.train.RunDir;

import java.io.IOException;
import java.nio.file.Path;

/** CLI glue for {@link A2c}: config resolution, run directory, progress bar, resume and bench. */
final class A2cTrainer implements Trainer {
    static A2cConfig config(Path configFile, Long steps, Integer envs) throws IOException {
        A2cConfig cfg = configFile == null ? A2cConfig.defaults() : ConfigYaml.load(configFile, A2cConfig.defaults());
        if (steps != null) {
            cfg = cfg.withTimesteps(steps);
        }
        if (envs != null) {
            cfg = cfg.withEnvs(envs);
        }
        return cfg;
    }

    @Override
    public Outcome train(TrainRequest r) throws IOException {
        A2cConfig fresh = r.resume() ? null : config(r.configFile(), r.steps(), r.envs());
        if (fresh != null) {
            Check.simToRealFits(r.configFile(), r.envId(), fresh.simToReal());
        }
        try (RunDir run = RunDir.open(r.out(), r.resume());
             A2c ppo = r.resume() ? A2c.resume(run.checkpoint(), r.steps()) : new A2c(fresh, r.envId(), r.seed())) {
            if (r.resume() && !ppo.envId().equals(r.envId())) {
                throw new IllegalArgumentException(run.checkpoint() + ": holds a run on " + ppo.envId() + ", not "
                        + r.envId());
            }
            A2cConfig cfg = ppo.config();
            long total = cfg.iterations() * cfg.rolloutSize();
            if (total != cfg.nTimesteps() && !r.quiet()) {
                System.err.printf("actuate train: A2C trains whole rollouts of %d steps (n_steps %d x n_envs %d): "
                        + "%d steps round up to %d%n", cfg.rolloutSize(), cfg.nSteps(), cfg.nEnvs(),
                        cfg.nTimesteps(), total);
            }
            ProgressBar bar = new ProgressBar(total, ppo.globalStep(), r.quiet());
            ppo.train(run, bar, p -> !r.stop().getAsBoolean());
            return new Outcome(ppo.globalStep(), total, ppo.iteration() == cfg.iterations());
        }
    }

    @Override
    public BenchResult bench(BenchRequest r) throws IOException {
        if (r.learnerThreads() != null) {
            throw new IllegalArgumentException("--learner-threads applies to SAC, TD3 and DDPG; A2C's envs run on "
                    + "VectorEnv's threads");
        }
        A2cConfig cfg = config(r.configFile(), Long.MAX_VALUE / 4, r.envs());
        if (r.net() != null) {
            cfg = cfg.withHiddenSizes(r.net());
        }
        String envId = r.envId();
        double seconds = r.seconds();
        long[] start = new long[2]; // nanos, steps at the end of the warm-up iteration
        long[] end = new long[2];
        try (A2c algo = new A2c(cfg, envId, r.seed())) {
            algo.train(null, null, p -> {
                long now = System.nanoTime();
                if (p.iteration() == 1) {
                    start[0] = now;
                    start[1] = p.globalStep();
                    return true;
                }
                end[0] = now;
                end[1] = p.globalStep();
                return (now - start[0]) / 1e9 < seconds;
            });
        }
        double s = (end[0] - start[0]) / 1e9;
        long steps = end[1] - start[1];
        return new BenchResult(A2c.ALGORITHM, envId, cfg.nEnvs(), steps, s, steps / s, Double.NaN, Double.NaN,
                cfg.hiddenSizes(), cfg.rolloutSize(), 1);
    }
}
