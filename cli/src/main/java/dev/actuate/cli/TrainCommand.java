package dev.actuate.cli;

import dev.actuate.algo.Algorithm;
import dev.actuate.algo.Trainer;
import dev.actuate.sim.Envs;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.RunDir;
import dev.actuate.train.StopRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code actuate train}: trains a policy into a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, description = {
        "Train a policy with PPO, TRPO, A2C, SAC, TD3 or DDPG.",
        "The run directory gets config.yaml, provenance.json, metrics.csv, curve.png,",
        "checkpoint.actuate (periodic, for --resume) and model.actuate (the final policy).",
        "Ctrl-C (SIGINT) or SIGTERM stops at the next safe point with a checkpoint; --resume continues it."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--algo", required = true, description = "Algorithm: ppo, trpo, a2c, sac, td3 or ddpg")
    String algo;

    @Option(names = "--env", required = true, description = "Env id, e.g. Pendulum-v1 (see `actuate envs`), or a robot YAML path")
    String env;

    @Option(names = "--config", description = "Config YAML (default configs/<algo>/<env>.yaml, for a robot YAML"
            + " configs/<algo>/<its file name>, else built-in defaults)")
    Path config;

    @Option(names = "--steps", description = "Total env steps (overrides the config's n_timesteps; PPO rounds up to "
            + "whole rollouts of n_steps x n_envs)")
    Long steps;

    @Option(names = "--seed", description = "The run's one seed (default 0; with --resume, the checkpoint's)")
    Long seed;

    @Option(names = "--envs", description = "Parallel envs (overrides the config's n_envs)")
    Integer envs;

    @Option(names = "--out", description = "Run directory (default runs/<algo>-<env>-<seed>)")
    Path out;

    @Option(names = "--resume", description = "Continue exactly from the run directory's last checkpoint")
    boolean resume;

    @Option(names = "--quiet", description = "No progress output")
    boolean quiet;

    /** How long a SIGINT/SIGTERM waits for the checkpoint: a PPO iteration finishes first (its rollout and update). */
    static final long STOP_WAIT_MILLIS = 120_000;

    @Override
    public Integer call() throws Exception {
        Algorithm algorithm = Algorithm.parse(algo);
        Envs.spec(env);
        if (steps != null && steps <= 0) {
            throw new IllegalArgumentException("--steps must be positive, got " + steps);
        }
        if (envs != null && envs <= 0) {
            throw new IllegalArgumentException("--envs must be positive, got " + envs);
        }
        Path runDir = out != null ? out : Path.of("runs", algorithm.id() + "-" + Envs.fileName(env) + "-" + (seed == null ? 0 : seed));
        Path cfg = null;
        long runSeed = seed == null ? 0 : seed;
        if (resume) {
            if (config != null || envs != null) {
                throw new IllegalArgumentException("--resume continues with the checkpoint's config; drop --config/--envs");
            }
            runSeed = checkResume(runDir, algorithm.id(), env, seed, steps);
        } else {
            cfg = config != null ? config : DefaultConfigs.find(algorithm.id(), Envs.fileName(env));
            if (cfg == null && !quiet) {
                System.err.println("actuate train: no configs/" + algorithm.id() + "/" + Envs.fileName(env)
                        + ".yaml found; using the built-in defaults");
            }
        }
        String trainEnv = env;
        if (!resume) {
            // A training config may randomise a described robot: the run trains on its own variant file.
            TrainingRandomization.Plan plan = TrainingRandomization.apply(env, cfg, runDir);
            trainEnv = plan.envId();
            cfg = plan.config();
        }
        try (StopRequest stop = StopRequest.onSignals(System.err, STOP_WAIT_MILLIS)) {
            Trainer.Outcome o = algorithm.trainer().train(new Trainer.TrainRequest(trainEnv, cfg, steps, runSeed, envs,
                    runDir, resume, quiet, stop::requested));
            if (!o.finished()) {
                System.err.println("actuate train: stopped at step " + o.globalStep() + " of " + o.totalSteps()
                        + "; checkpoint written to " + runDir.resolve(RunDir.CHECKPOINT) + "; continue with: "
                        + "actuate train --algo " + algorithm.id() + " --env " + env + " --out " + runDir + " --resume");
                return stop.requested() ? stop.exitCode() : 1;
            }
            if (!quiet) {
                System.err.println("actuate train: trained " + o.globalStep() + " steps; model written to "
                        + runDir.resolve(RunDir.MODEL));
            }
        }
        return 0;
    }

    /**
     * Checks that the checkpoint in {@code runDir} continues this command line (algorithm, env, seed, a total
     * beyond its step) and returns its seed: a resumed run keeps the checkpoint's seed, so a different
     * {@code --seed} is refused.
     */
    static long checkResume(Path runDir, String algo, String env, Long seed, Long steps) throws java.io.IOException {
        Path file = runDir.resolve(RunDir.CHECKPOINT);
        if (!java.nio.file.Files.isRegularFile(file)) {
            return seed == null ? 0 : seed; // RunDir.open explains
        }
        Checkpoint cp = Checkpoint.read(file);
        String cpAlgo = cp.field("algorithm").asText();
        String cpEnv = cp.field("env").asText();
        long cpSeed = cp.field("seed").asLong();
        if (!cpAlgo.equals(algo) || !cpEnv.equals(env)) {
            throw new IllegalArgumentException(file + ": holds a " + cpAlgo + " run on " + cpEnv + ", not " + algo
                    + " on " + env);
        }
        if (seed != null && seed != cpSeed) {
            throw new IllegalArgumentException("--seed " + seed + " conflicts with " + file + ", a run of seed "
                    + cpSeed + ": a resumed run keeps its seed (drop --seed, or train seed " + seed
                    + " into another --out)");
        }
        long done = cp.field("global_step").asLong();
        if (steps != null && steps <= done) {
            throw new IllegalArgumentException("--steps " + steps + " is not beyond " + file + ", already at step "
                    + done + "; give a larger total");
        }
        if (steps == null && done >= cp.field("config").path("n_timesteps").asLong(Long.MAX_VALUE)) {
            throw new IllegalArgumentException(file + ": the run is complete (" + done + " steps); pass --steps with "
                    + "a total above " + done + " to train further");
        }
        return cpSeed;
    }
}
