package dev.actuate.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code actuate study} and {@code sweep} through the distributed entry point, and the launcher's JVM flags. */
class DistributedCliTest {
    @TempDir
    Path dir;

    @Test
    void studyPrintsMeanAndIntervalOverSeedsAsJson() throws Exception {
        Path cfg = dir.resolve("tiny.yaml");
        Files.writeString(cfg, "learning_starts: 100\nbatch_size: 32\nbuffer_size: 1000\nhidden_sizes: [32, 32]\n");
        Path out = dir.resolve("study");
        CliRun r = CliRun.run("study", "--algo", "sac", "--env", "Pendulum-v1", "--config", cfg.toString(), "--seeds", "3",
                "--steps", "300", "--eval-episodes", "2", "--master", "local[2]", "--out", out.toString(), "--json",
                "--threads-per-trial", "2");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(j.path("seeds").toString()).isEqualTo("[0,1,2]");
        assertThat(j.path("scores")).hasSize(3);
        double[] s = {j.path("scores").get(0).asDouble(), j.path("scores").get(1).asDouble(),
                j.path("scores").get(2).asDouble()};
        Stats.Interval ci = Stats.ci95(s);
        assertThat(j.path("mean").asDouble()).isEqualTo(ci.mean());
        assertThat(j.path("ci95").get(0).asDouble()).isEqualTo(ci.lo());
        assertThat(j.path("ci95").get(1).asDouble()).isEqualTo(ci.hi());
        assertThat(ci.lo()).isLessThan(ci.hi());
        assertThat(r.out()).contains("3 seeds: final eval");
        assertThat(out.resolve("trials/c0-seed2/model.actuate")).isRegularFile();
        assertThat(out.resolve("report.md")).isRegularFile();
        // --threads-per-trial overrides the driver's share (1 each for local[2] on a 2-core machine).
        JsonNode result = new ObjectMapper().readTree(out.resolve("trials/c0-seed2/result.json").toFile());
        assertThat(result.path("threads_per_trial").asInt()).isEqualTo(2);
        assertThat(result.path("learner_threads").asInt()).isEqualTo(2);
    }

    @Test
    void badSpecIsOneClearLineNamingTheFile() throws Exception {
        Path spec = dir.resolve("bad.yaml");
        Files.writeString(spec, "algo: sac\nenv: Pendulum-v1\nparams:\n  learning_rate: 3\n");
        CliRun r = CliRun.run("sweep", "--spec", spec.toString(), "--out", dir.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("actuate sweep: ").contains("bad.yaml").contains("params.learning_rate");
        assertThat(dir.resolve("o")).doesNotExist();
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "algo: sac\nenv: Pendulum-v1\n");
        CliRun zero = CliRun.run("sweep", "--spec", good.toString(), "--out", dir.resolve("o").toString(),
                "--threads-per-trial", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--threads-per-trial must be positive, got 0");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    /** What {@code scripts/actuate} would run (module, then arguments), by its {@code ACTUATE_DRY_RUN=1}. */
    private static String launcher(String... args) throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("scripts/actuate").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ACTUATE_DRY_RUN", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void trainWithRolloutWorkersRunsTheDistributedTrainer() throws Exception {
        assertThat(launcher("train", "--algo", "ppo", "--env", "Pendulum-v1", "--master", "spark://h:7077",
                "--rollout-workers", "4")).isEqualTo("distributed dtrain --algo ppo --env Pendulum-v1 --master "
                + "spark://h:7077 --rollout-workers 4");
        assertThat(launcher("train", "--algo", "a2c", "--env", "Pendulum-v1", "--rollout-workers=2"))
                .isEqualTo("distributed dtrain --algo a2c --env Pendulum-v1 --rollout-workers=2");
        // Without it, train stays on the plain CLI jar; the other commands go where they went.
        assertThat(launcher("train", "--algo", "ppo", "--env", "Pendulum-v1"))
                .isEqualTo("cli train --algo ppo --env Pendulum-v1");
        assertThat(launcher("dtrain", "--env", "Pendulum-v1", "--workers", "2"))
                .isEqualTo("distributed dtrain --env Pendulum-v1 --workers 2");
        assertThat(launcher("eval", "--rollout-workers", "2")).isEqualTo("cli eval --rollout-workers 2");
    }

    @Test
    void launcherPassesSparksJvmFlagsAsThePomDoes() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        String pom = Files.readString(root.resolve("distributed/pom.xml"));
        Matcher m = Pattern.compile("<spark.jvm.opens>(.*)</spark.jvm.opens>").matcher(pom);
        assertThat(m.find()).isTrue();
        assertThat(Files.readString(root.resolve("scripts/actuate"))).contains("opens=\"" + m.group(1) + "\"");
    }
}
