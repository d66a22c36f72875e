package dev.actuate.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actuate.nn.Lanes;
import dev.actuate.train.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tiny SAC sweeps on an embedded {@code local[2]} Spark: two trials train at once in one JVM. */
class SparkSweepTest {
    @TempDir
    Path dir;

    /** 2 learning rates x 1 seed + a third trial, small nets, 300 steps: seconds per trial. */
    private Path spec() throws Exception {
        Files.writeString(dir.resolve("base.yaml"), """
                n_timesteps: 300
                learning_starts: 100
                batch_size: 32
                buffer_size: 1000
                hidden_sizes: [32, 32]
                """);
        Path spec = dir.resolve("sweep.yaml");
        Files.writeString(spec, """
                algo: sac
                env: Pendulum-v1
                config: base.yaml
                seeds: [0, 5]
                eval_episodes: 2
                params:
                  learning_rate: [1.0e-3, 3.0e-3]
                """);
        return spec;
    }

    @Test
    void sweepWritesRunDirectoriesAndReportMatchingInProcessTrainingAndResumes() throws Exception {
        SweepSpec s = SweepSpec.load(spec());
        List<Trial> trials = s.trials();
        Path out = dir.resolve("sweep");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        List<TrialResult> results = SparkTrials.run("local[2]", trials, out, false,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        SweepReport report = SweepReport.of("local[2]", (System.nanoTime() - t0) / 1e9, results);
        report.write(out);

        assertThat(results).hasSize(4).allMatch(TrialResult::ok, "every trial finished");
        for (Trial t : trials) {
            Path run = out.resolve("trials").resolve(t.name());
            assertThat(run.resolve(RunDir.MODEL)).isRegularFile();
            assertThat(run.resolve(RunDir.METRICS)).isRegularFile();
            assertThat(run.resolve(RunDir.LOCK)).doesNotExist();
            assertThat(Files.readString(run.resolve(RunDir.CONFIG))).contains("learning_rate: "
                    + (t.configIndex() == 0 ? "0.001" : "0.003"));
            assertThat(run.resolve(SparkTrials.RESULT)).isRegularFile();
        }
        // Seeded determinism across threads and Spark: the same trials run one after another here, without
        // Spark, score exactly the same.
        List<TrialResult> sequential = SparkTrials.run((String) null, trials, dir.resolve("sequential"), false,
                System.err);
        for (int i = 0; i < trials.size(); i++) {
            assertThat(sequential.get(i).ok()).isTrue();
            assertThat(results.get(i).returns()).as(trials.get(i).name()).containsExactly(sequential.get(i).returns());
            assertThat(results.get(i).executor()).startsWith("executor driver");
            assertThat(sequential.get(i).executor()).isEqualTo("in-process");
        }
        assertThat(results.get(0).returns()).isNotEqualTo(results.get(1).returns()); // seeds differ
        // Two trials at a time share this machine's cores: each run records the threads it used. The sequential
        // baseline keeps the trainer's defaults (two learner threads on a 2+ core machine), so the identical
        // returns above also hold across learner thread counts on a 2-core machine.
        int share = TrialThreads.decide("local[2]", java.util.Map.of(), Runtime.getRuntime().availableProcessors())
                .perTrial();
        for (Trial t : trials) {
            JsonNode r = new ObjectMapper().readTree(out.resolve("trials").resolve(t.name()).resolve(SparkTrials.RESULT)
                    .toFile());
            assertThat(r.path("threads_per_trial").asInt()).as(t.name()).isEqualTo(share);
            assertThat(r.path("learner_threads").asInt()).as(t.name()).isEqualTo(Lanes.forCores(share));
            assertThat(r.path("env_threads").asInt()).as(t.name()).isEqualTo(1);
            JsonNode q = new ObjectMapper().readTree(dir.resolve("sequential/trials").resolve(t.name())
                    .resolve(SparkTrials.RESULT).toFile());
            assertThat(q.path("threads_per_trial").isNull()).as(t.name()).isTrue();
            assertThat(q.path("learner_threads").asInt()).as(t.name()).isEqualTo(Lanes.defaultThreads());
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("thread" + (share == 1 ? "" : "s") + " per trial (local[2]");

        JsonNode json = new ObjectMapper().readTree(out.resolve(SweepReport.JSON_FILE).toFile());
        assertThat(json.path("trials")).hasSize(4);
        assertThat(json.path("configs")).hasSize(2);
        double m0 = (results.get(0).evalMean() + results.get(1).evalMean()) / 2;
        double m1 = (results.get(2).evalMean() + results.get(3).evalMean()) / 2;
        assertThat(json.path("best_config_index").asInt()).isEqualTo(m0 >= m1 ? 0 : 1);
        assertThat(json.path("configs").get(0).path("mean").asDouble()).isEqualTo(m0);
        assertThat(json.path("configs").get(0).path("ci95")).hasSize(2);
        assertThat(Files.readString(out.resolve(SweepReport.MD_FILE))).contains("Best config").contains("c1-seed5");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("4/4 done");

        // Without --resume a finished sweep is refused; with it nothing retrains and the scores come back.
        assertThatThrownBy(() -> SparkTrials.run("local[2]", trials, out, false, System.err))
                .hasMessageContaining("--resume");
        ByteArrayOutputStream log2 = new ByteArrayOutputStream();
        List<TrialResult> again = SparkTrials.run("local[2]", trials, out, true,
                new PrintStream(log2, true, StandardCharsets.UTF_8));
        assertThat(log2.toString(StandardCharsets.UTF_8)).contains("4 of 4 trials already finished");
        assertThat(again.get(2).returns()).containsExactly(results.get(2).returns());
    }

    @Test
    void aFailingTrialIsReportedWithItsErrorAndTheOthersFinish() throws Exception {
        // A trial given its threads (the spec's threads_per_trial, --threads-per-trial) keeps them.
        Trial good = SweepSpec.load(spec()).trials().get(0).withThreads(1);
        // Passes nothing the driver checks: the trainer's binder rejects the value inside the task.
        Trial bad = new Trial("c9-seed0", 9, "sac", "Pendulum-v1", new java.util.TreeMap<>(java.util.Map.of("gamma", 7)),
                good.configYaml() + "gamma: 7\n", 300L, 0, 2, 1000, null);
        Path out = dir.resolve("with-failure");
        List<TrialResult> results = SparkTrials.run("local[2]", List.of(good, bad), out, false, System.err);
        assertThat(results.get(0).ok()).isTrue();
        assertThat(results.get(1).ok()).isFalse();
        assertThat(results.get(1).error()).contains("gamma");
        SweepReport report = SweepReport.of("local[2]", 1, results);
        report.write(out);
        assertThat(report.configs()).extracting(SweepReport.ConfigSummary::failed).containsExactly(0, 1);
        assertThat(report.configs().get(report.best()).index()).isEqualTo(0);
        assertThat(Files.readString(out.resolve(SweepReport.MD_FILE))).contains("c9-seed0").contains("gamma");
        JsonNode failed = new ObjectMapper().readTree(out.resolve("trials/c9-seed0/result.json").toFile());
        assertThat(failed.path("ok").asBoolean()).isFalse();
        assertThat(failed.has("learner_threads")).isFalse();
        JsonNode ok = new ObjectMapper().readTree(out.resolve("trials").resolve(good.name()).resolve("result.json").toFile());
        assertThat(ok.path("threads_per_trial").asInt()).isEqualTo(1);
        assertThat(ok.path("learner_threads").asInt()).isEqualTo(1);
        // --resume keeps the finished trial and runs the failed one again.
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SparkTrials.run("local[2]", List.of(good, bad), out, true, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("1 of 2 trials already finished").contains("c9-seed0 FAILED");
    }
}
