package dev.actuate.distributed;

import dev.actuate.algo.Algorithm;
import dev.actuate.algo.Trainer;
import dev.actuate.cli.ModelControllers;
import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Evaluation;
import dev.actuate.train.RunDir;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Trains and evaluates one {@link Trial} in a scratch directory on whatever machine runs it, and returns the
 * run directory's files with the scores. Plain Java: a Spark task calls it, and so does the sequential baseline.
 */
public final class TrialRunner {
    private TrialRunner() {
    }

    /** Never throws for a trial's own failure (bad config, divergence): that comes back as the result's error. */
    public static TrialResult run(Trial trial) {
        long t0 = System.nanoTime();
        String executor = executorLabel();
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("actuate-trial-");
            Path config = scratch.resolve("trial.yaml");
            Files.writeString(config, trial.configYaml(), StandardCharsets.UTF_8);
            Path run = scratch.resolve(trial.name());
            Trainer.Outcome o = Algorithm.parse(trial.algo()).trainer().train(new Trainer.TrainRequest(trial.env(),
                    config, trial.steps(), trial.seed(), null, run, false, true, () -> false, trial.threads()));
            Evaluation.Result r;
            try (Env env = Envs.make(trial.env())) {
                Controller c = ModelControllers.load(run, env);
                r = Evaluation.run(env, c, trial.evalEpisodes(), trial.evalSeed());
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            return new TrialResult(trial, r.returns(), r.meanReturn(), r.stdReturn(), wall, o.globalStep(),
                    o.learnerThreads(), o.envThreads(), executor, readFiles(run), null);
        } catch (Exception | LinkageError e) {
            return TrialResult.failed(trial, (System.nanoTime() - t0) / 1e9, executor, e.toString());
        } finally {
            deleteQuietly(scratch);
        }
    }

    /** The run directory's files by name, without its lock file. */
    static TreeMap<String, byte[]> readFiles(Path run) throws IOException {
        TreeMap<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(run)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                if (!name.equals(RunDir.LOCK)) {
                    files.put(name, Files.readAllBytes(p));
                }
            }
        }
        return files;
    }

    private static String executorLabel() {
        TaskContext tc = TaskContext.get();
        if (tc == null || SparkEnv.get() == null) {
            return "in-process";
        }
        return "executor " + SparkEnv.get().executorId() + ", attempt " + tc.attemptNumber();
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("actuate: could not remove scratch directory " + dir + ": " + e.getMessage());
        }
    }
}
