package dev.actuate.cli;

import dev.actuate.algo.Algorithm;
import dev.actuate.algo.Trainer;
import dev.actuate.sim.Envs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code actuate train}: trains a policy into a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, description = {
        "Train a policy with PPO, SAC, TD3 or DDPG.",
        "The run directory gets config.yaml, provenance.json, metrics.csv, curve.png,",
        "checkpoint.actuate (periodic, for --resume) and model.actuate (the final policy)."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--algo", required = true, description = "Algorithm: ppo, sac, td3 or ddpg")
    String algo;

    @Option(names = "--env", required = true, description = "Env id, e.g. Pendulum-v1 (see `actuate envs`), or a robot YAML path")
    String env;

    @Option(names = "--config", description = "Config YAML (default configs/<algo>/<env>.yaml, for a robot YAML"
            + " configs/<algo>/<its file name>, else built-in defaults)")
    Path config;

    @Option(names = "--steps", description = "Total env steps (overrides the config's n_timesteps)")
    Long steps;

    @Option(names = "--seed", defaultValue = "0", description = "The run's one seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--envs", description = "Parallel envs (overrides the config's n_envs)")
    Integer envs;

    @Option(names = "--out", description = "Run directory (default runs/<algo>-<env>-<seed>)")
    Path out;

    @Option(names = "--resume", description = "Continue exactly from the run directory's last checkpoint")
    boolean resume;

    @Option(names = "--quiet", description = "No progress output")
    boolean quiet;

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
        Path runDir = out != null ? out : Path.of("runs", algorithm.id() + "-" + Envs.fileName(env) + "-" + seed);
        Path cfg = null;
        if (resume) {
            if (config != null || envs != null) {
                throw new IllegalArgumentException("--resume continues with the checkpoint's config; drop --config/--envs");
            }
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
        algorithm.trainer().train(new Trainer.TrainRequest(trainEnv, cfg, steps, seed, envs, runDir, resume, quiet));
        if (!quiet) {
            System.err.println("actuate train: model written to " + runDir.resolve("model.actuate"));
        }
        return 0;
    }
}
