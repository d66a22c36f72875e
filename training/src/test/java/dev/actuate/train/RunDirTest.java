package dev.actuate.train;

import dev.actuate.io.AtomicFiles;
import dev.actuate.algo.PpoConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunDirTest {
    @TempDir
    Path dir;

    /**
     * The build records the commit of the checkout it ran in, also in a `git worktree` checkout (the commit-id
     * plugin's own reader took a worktree for the main checkout and recorded that one's HEAD). Runs where the
     * tests run from a git checkout, as in CI; a tree without git has nothing to compare with.
     */
    @Test
    void provenanceRecordsTheCommitOfThisCheckout() throws Exception {
        Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        org.junit.jupiter.api.Assumptions.assumeTrue(git.waitFor() == 0 && head.matches("[0-9a-f]{40}"),
                "not a git checkout");
        assertThat(Provenance.class.getResource("/git.properties")).as("git.properties from the build").isNotNull();
        assertThat(Provenance.currentGitCommit()).matches(head + "(-dirty)?");
    }

    @Test
    void writesConfigProvenanceMetricsAndCurve() throws IOException {
        RunDir run = RunDir.open(dir.resolve("run"), false);
        PpoConfig cfg = PpoConfig.defaults();
        run.writeConfig(cfg);
        assertThat(ConfigYaml.load(run.dir().resolve(RunDir.CONFIG), PpoConfig.defaults().withEnvs(3))).isEqualTo(cfg);
        Provenance p = Provenance.capture("ppo", "Pendulum-v1", 7, cfg);
        run.writeProvenance(p);
        Provenance back = Provenance.fromJson(Checkpoint.json().readTree(run.dir().resolve(RunDir.PROVENANCE).toFile()));
        assertThat(back.seed()).isEqualTo(7);
        assertThat(back.envId()).isEqualTo("Pendulum-v1");
        assertThat(back.gitCommit()).matches("[0-9a-f]{40}(-dirty)?|unknown");
        assertThat(back.config()).containsEntry("gae_lambda", 0.95);

        try (MetricsCsv m = run.metrics(List.of("iteration", "global_step", "mean_return"), -1)) {
            m.append(1, 100, Double.NaN);
            m.append(2, 200, -1000.5);
            m.append(3, 300, -900.25);
        }
        run.refreshCurve("ppo Pendulum-v1", -200.0);
        BufferedImage img = ImageIO.read(run.curve().toFile());
        assertThat(img.getWidth()).isGreaterThan(100);
        assertThat(MetricsCsv.readPoints(run.metricsFile(), "global_step", "mean_return"))
                .extracting(a -> a[1]).containsExactly(-1000.5, -900.25);
    }

    @Test
    void resumeKeepsRowsUpToTheCheckpoint() throws IOException {
        RunDir run = RunDir.open(dir, false);
        List<String> cols = List.of("iteration", "global_step", "mean_return");
        try (MetricsCsv m = run.metrics(cols, -1)) {
            for (int i = 1; i <= 5; i++) {
                m.append(i, 10 * i, -i);
            }
        }
        try (MetricsCsv m = run.metrics(cols, 3)) {
            m.append(4, 40, -44);
        }
        assertThat(Files.readAllLines(run.metricsFile())).containsExactly(
                "iteration,global_step,mean_return", "1,10,-1", "2,20,-2", "3,30,-3", "4,40,-44");
        assertThatThrownBy(() -> run.metrics(List.of("iteration", "other"), 3)).hasMessageContaining("columns differ");
    }

    @Test
    void refusesToOverwriteARunAndToResumeNothing() throws IOException {
        assertThatThrownBy(() -> RunDir.open(dir.resolve("fresh"), true)).hasMessageContaining("no checkpoint");
        Files.writeString(dir.resolve(RunDir.CHECKPOINT), "x");
        assertThatThrownBy(() -> RunDir.open(dir, false)).hasMessageContaining("--resume");
        try (RunDir run = RunDir.open(dir, true)) {
            assertThat(run.dir()).isEqualTo(dir);
        }
    }

    @Test
    void anOutThatIsAFileIsSaidSo() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> RunDir.open(file, false)).hasMessageContaining(file.toString())
                .hasMessageContaining("is a file, not a directory");
        assertThatThrownBy(() -> RunDir.open(file, true)).hasMessageContaining("is a file, not a directory");
    }

    @Test
    void aSecondOpenOfALockedRunIsRefusedNamingTheHolder() throws IOException {
        try (RunDir first = RunDir.open(dir.resolve("run"), false)) {
            assertThatThrownBy(() -> RunDir.open(dir.resolve("run"), false))
                    .hasMessageContaining("another training")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
        }
        RunDir.open(dir.resolve("run"), false).close(); // released
    }

    @Test
    void openingRemovesStaleTempFilesOfItsOwnWritesOnly() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        List<Path> stale = List.of(run.resolve(".checkpoint.actuate8812.tmp"),
                run.resolve(".checkpoint.actuate.replay-400.bin77.tmp"), run.resolve(".config.yaml1.tmp"),
                run.resolve(".metrics.csv2.tmp"), run.resolve(".model.actuate3.tmp"), run.resolve(".provenance.json4.tmp"));
        for (Path f : stale) {
            Files.writeString(f, "partial");
        }
        List<Path> kept = List.of(run.resolve("notes.tmp"), run.resolve(".mine.tmp"), run.resolve("config.yaml.tmp"));
        for (Path f : kept) {
            Files.writeString(f, "user's");
        }
        try (RunDir r = RunDir.open(run, false)) {
            assertThat(r.dir()).isEqualTo(run);
        }
        stale.forEach(f -> assertThat(f).doesNotExist());
        kept.forEach(f -> assertThat(f).exists());
    }

    @Test
    void filesAreWrittenReadableByOthers() throws IOException {
        try (RunDir run = RunDir.open(dir.resolve("run"), false)) {
            run.writeConfig(PpoConfig.defaults());
            run.writeProvenance(Provenance.capture("ppo", "Pendulum-v1", 1, PpoConfig.defaults()));
            try (MetricsCsv m = run.metrics(List.of("iteration", "global_step", "mean_return"), -1)) {
                m.append(1, 10, -5);
            }
            run.refreshCurve("t", null);
            new Checkpoint().write(run.checkpoint());
            for (String f : new String[] {RunDir.CONFIG, RunDir.PROVENANCE, RunDir.METRICS, RunDir.CURVE,
                    RunDir.CHECKPOINT}) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run.dir().resolve(f))))
                        .as(f).isEqualTo("rw-r--r--");
            }
        }
    }

    @Test
    void aFailedWriteNamesTheFileAndKeepsThePreviousVersion() throws IOException {
        Path target = dir.resolve(RunDir.CHECKPOINT);
        AtomicFiles.writeString(target, "complete");
        // What a full disk looks like to the writer (java.io reports ENOSPC as this IOException).
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(new byte[100]);
            throw new IOException("No space left on device");
        })).hasMessageContaining(target.toString()).hasMessageContaining("No space left on device")
                .hasMessageContaining("previous version");
        assertThat(Files.readString(target)).isEqualTo("complete");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(RunDir.CHECKPOINT);
        }
        // Appending a metrics row says which file too.
        Path csv = dir.resolve("sub").resolve(RunDir.METRICS);
        MetricsCsv m = new MetricsCsv(csv, List.of("iteration", "x"), -1);
        m.close();
        assertThatThrownBy(() -> m.append(1, 2)).hasMessageContaining(csv.toString());
    }

    @Test
    void progressBarIsSilentWhenQuietAndLineBasedWithoutTty() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBar quiet = new ProgressBar(err, 100, 0, true, true, 0);
        quiet.update(50, -3);
        quiet.finish(100, -2);
        assertThat(bytes.size()).isZero();

        ProgressBar log = new ProgressBar(err, 100, 0, false, false, 0);
        log.update(50, -3);
        log.finish(100, -2.5);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("\r").contains("50/100 steps").contains("mean return -2.5");
        assertThat(out.lines()).hasSize(2);
    }
}
