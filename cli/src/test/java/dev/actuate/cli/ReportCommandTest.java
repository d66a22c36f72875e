package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code actuate report} on a synthetic tree of run directories with known evaluations. */
class ReportCommandTest {
    @TempDir
    Path dir;

    private Path runs;
    private Path targets;

    /** A run directory as train + the results script leave it; returns rise linearly from {@code start}. */
    private void run(String name, double mean, double std, double success, double wall, long steps, double start)
            throws Exception {
        Path d = Files.createDirectories(runs.resolve(name));
        StringBuilder csv = new StringBuilder("iteration,global_step,mean_return,loss\n");
        for (int i = 1; i <= 20; i++) {
            csv.append(i).append(',').append(i * steps / 20).append(',')
                    .append(String.format(Locale.ROOT, "%.1f", start + 50 * i)).append(",0.5\n");
        }
        Files.writeString(d.resolve("metrics.csv"), csv);
        Files.writeString(d.resolve("provenance.json"), "{\"algorithm\":\"x\",\"gitCommit\":\"0123456789abcdef0123456789abcdef01234567\"}");
        Files.writeString(d.resolve("eval.json"), String.format(Locale.ROOT, "{\"env\":\"e\",\"seed\":1000,\"episodes\":100,"
                + "\"mean_return\":%s,\"std_return\":%s,\"success_rate\":%s,\"mean_length\":200.0}", mean, std, success));
        Files.writeString(d.resolve("train.json"), String.format(Locale.ROOT,
                "{\"wall_s\":%s,\"command\":\"actuate train --algo a --env e --seed %s --out %s --quiet\","
                        + "\"machine\":\"Test CPU, 2 cores\",\"load_avg\":%s}", wall,
                name.substring(name.length() - 1), name, 1 + wall / 1000));
    }

    private void tree() throws Exception {
        runs = Files.createDirectories(dir.resolve("runs"));
        targets = dir.resolve("targets.yaml");
        Files.writeString(targets, """
                cells:
                  - {algo: sac, env: Pendulum-v1, zoo_return: -157, steps: 20000}
                  - {algo: ppo, env: Pendulum-v1, zoo_return: -172, steps: 100000}
                  - {algo: td3, env: Pendulum-v1, zoo_return: -152, steps: 20000}
                  - {algo: ppo, env: PlanarArm-v0, success_rate: 0.95, steps: 500000}
                """);
        // sac: three seeds, mean -150.0, 7.0 above the Zoo's -157.
        run("sac-Pendulum-v1-s0", -150.0, 80.0, 0.6, 65.4, 20000, -1200);
        run("sac-Pendulum-v1-s1", -160.0, 85.0, 0.5, 45, 20000, -1300);
        run("sac-Pendulum-v1-s2", -140.0, 75.0, 0.7, 3725, 20000, -1100);
        // ppo: seed 1 missing; mean of seeds 0 and 2 is -175.2, 3.2 below the Zoo's -172.
        run("ppo-Pendulum-v1-s0", -180.4, 100.0, 0.5, 30, 102400, -1200);
        run("ppo-Pendulum-v1-s2", -170.0, 90.0, 0.5, 31, 102400, -1250);
        // The arm's goal is a success rate: 0.97 against 0.95.
        run("ppo-PlanarArm-v0-s0", 12.0, 3.0, 0.97, 100, 500000, -100);
        // A cell with no target, and a directory that is not a run.
        run("ddpg-Pendulum-v1-s0", -155.0, 70.0, 0.6, 20, 20000, -1200);
        Files.createDirectories(runs.resolve("logs"));
    }

    private String[] report(String... extra) {
        List<String> args = new ArrayList<>(List.of("report", runs.toString(), "--out",
                dir.resolve("docs/results.md").toString(), "--targets", targets.toString()));
        args.addAll(List.of(extra));
        int[] rc = new int[1];
        String out = RunCommandTest.capture(() -> rc[0] = Actuate.run(args.toArray(String[]::new)));
        return new String[] {String.valueOf(rc[0]), out};
    }

    @Test
    void tableHasEachCellsSeedsMeanAndVerdictAndCurvesDecode() throws Exception {
        tree();
        Path notes = dir.resolve("notes.md");
        Files.writeString(notes, "## Notes\n\n- PPO on Pendulum misses by about 3: unexplained.\n");
        String[] r = report("--notes", notes.toString(), "--json");
        assertThat(r[0]).as(r[1]).isEqualTo("0");
        String md = Files.readString(dir.resolve("docs/results.md"));
        assertThat(md).contains("| algo | env | Zoo (SB3) | budget (steps) | steps trained | seed 0 | seed 1 | seed 2 | mean"
                + " | train wall time per seed | verdict | curve |");
        assertThat(md).contains("| sac | Pendulum-v1 | -157.0 | 20,000 | 20,000 | -150.0 ± 80.0 | -160.0 ± 85.0 | -140.0 ± 75.0"
                + " | -150.0 | 1m05s / 45s / 1h02m | met (+7.0) | [png](results/sac-Pendulum-v1.png) |");
        assertThat(md).contains("| ppo | Pendulum-v1 | -172.0 | 100,000 | 102,400 | -180.4 ± 100.0 | — | -170.0 ± 90.0"
                + " | -175.2 | 30s / 31s | **missed** (-3.2; 1 of 2 seeds reach it) (2 of 3 seeds)"
                + " | [png](results/ppo-Pendulum-v1.png) |");
        assertThat(md).contains("| td3 | Pendulum-v1 | -152.0 | 20,000 | — | — | — | — | — | — | not run | — |");
        assertThat(md).contains("| ppo | PlanarArm-v0 | goal: success rate ≥ 0.95 | 500,000 | 500,000 | 12.0 ± 3.0 (success 0.97)"
                + " | — | — | success 0.97, return 12.0 | 1m40s | met (+0.02) (1 of 3 seeds) |");
        assertThat(md).contains("| ddpg | Pendulum-v1 | — | — | 20,000 | -155.0 ± 70.0 | — | — | -155.0 | 20s"
                + " | no target (1 of 3 seeds) |");
        // The runs' table carries the evaluation, the commit and the exact training command.
        assertThat(md).contains("| sac-Pendulum-v1-s1 | 20,000 | -160.0 ± 85.0 | 0.50 | 100 episodes from seed 1000 | 45s"
                + " | `0123456` | `actuate train --algo a --env e --seed 1 --out sac-Pendulum-v1-s1 --quiet` |");
        assertThat(md).contains("- PPO on Pendulum misses by about 3: unexplained.");
        assertThat(md).contains(" Trained on Test CPU, 2 cores. The machine's 1-minute load average when a run started:"
                + " 1.0 to 4.7 (wall times grow with it).");
        assertThat(md).doesNotContain("logs");
        // Cells in the targets' order, then the untargeted ones.
        assertThat(md.indexOf("| sac | Pendulum-v1 |")).isLessThan(md.indexOf("| ppo | Pendulum-v1 |"));
        assertThat(md.indexOf("| ppo | PlanarArm-v0 |")).isLessThan(md.indexOf("| ddpg | Pendulum-v1 |"));

        for (String cell : new String[] {"sac-Pendulum-v1", "ppo-Pendulum-v1", "ppo-PlanarArm-v0", "ddpg-Pendulum-v1"}) {
            Path png = dir.resolve("docs/results/" + cell + ".png");
            BufferedImage img = ImageIO.read(png.toFile());
            assertThat(img).as(cell).isNotNull();
            assertThat(img.getWidth()).isEqualTo(800);
            assertThat(md).contains("![" + cell + "](results/" + cell + ".png)");
        }
        assertThat(dir.resolve("docs/results/td3-Pendulum-v1.png")).doesNotExist();

        String[] lines = r[1].trim().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(json.get("runs").asInt()).isEqualTo(7);
        JsonNode ppo = json.get("cells").get(1);
        assertThat(ppo.get("algo").asText()).isEqualTo("ppo");
        assertThat(ppo.get("seeds").toString()).isEqualTo("[0,2]");
        assertThat(ppo.get("mean_return").asDouble()).isCloseTo(-175.2, within(1e-9));
        assertThat(ppo.get("margin").asDouble()).isCloseTo(-3.2, within(1e-9));
        assertThat(ppo.get("verdict").asText()).isEqualTo("missed");
        assertThat(ppo.get("seeds_reaching").asInt()).isEqualTo(1); // -170.0 reaches -172, -180.4 does not
        assertThat(json.get("cells").get(0).get("seeds_reaching").asInt()).isEqualTo(2); // -150, -140 of three
        assertThat(json.get("cells").get(2).get("verdict").asText()).isEqualTo("not run");
        assertThat(json.get("cells").get(3).get("margin").asDouble()).isCloseTo(0.02, within(1e-9));
    }

    @Test
    void regeneratingGivesIdenticalBytes() throws Exception {
        tree();
        assertThat(report()[0]).isEqualTo("0");
        byte[] md = Files.readAllBytes(dir.resolve("docs/results.md"));
        byte[] png = Files.readAllBytes(dir.resolve("docs/results/sac-Pendulum-v1.png"));
        assertThat(report()[0]).isEqualTo("0");
        assertThat(Files.readAllBytes(dir.resolve("docs/results.md"))).isEqualTo(md);
        assertThat(Files.readAllBytes(dir.resolve("docs/results/sac-Pendulum-v1.png"))).isEqualTo(png);
        // No temp files left beside them.
        try (var s = Files.list(dir.resolve("docs"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("results", "results.md");
        }
    }

    @Test
    void absentOrEmptyRunsRootAndBadFilesAreClearErrors() throws Exception {
        runs = dir.resolve("nothing-here");
        targets = dir.resolve("t.yaml");
        Files.writeString(targets, "cells:\n  - {algo: sac, env: Pendulum-v1, zoo_return: -157, steps: 20000}\n");
        String err = ConvertCommandTest.captureErr(() -> assertThat(report()[0]).isEqualTo("2"));
        assertThat(err).contains("nothing-here").contains("no such runs directory");
        Files.createDirectories(runs);
        err = ConvertCommandTest.captureErr(() -> assertThat(report()[0]).isEqualTo("2"));
        assertThat(err).contains("holds no run directories named <algo>-<env>-s<seed>");
        assertThat(dir.resolve("docs/results.md")).doesNotExist();

        Path run = Files.createDirectories(runs.resolve("sac-Pendulum-v1-s0"));
        Files.writeString(run.resolve("eval.json"), "{\"std_return\":1,\"success_rate\":1,\"episodes\":100}");
        err = ConvertCommandTest.captureErr(() -> assertThat(report()[0]).isEqualTo("2"));
        assertThat(err).contains(run.resolve("eval.json").toString()).contains("'mean_return'");

        Files.writeString(targets, "cells:\n  - {algo: sac, env: Pendulum-v1, zoo: -157}\n");
        err = ConvertCommandTest.captureErr(() -> assertThat(report()[0]).isEqualTo("2"));
        assertThat(err).contains(targets + ": cells[0]: unknown field 'zoo'");
    }

    @Test
    void meanCurveInterpolatesOverTheRangeAllSeedsCover() {
        // y = x logged at 0, 10, 20 and y = 2x at 5, 15, 25: common range [5, 20], mean 1.5x on every logged step.
        List<double[]> a = List.of(new double[] {0, 0}, new double[] {10, 10}, new double[] {20, 20});
        List<double[]> b = List.of(new double[] {5, 10}, new double[] {15, 30}, new double[] {25, 50});
        List<double[]> mean = ResultsReport.meanCurve(List.of(a, b));
        assertThat(mean).hasSize(4);
        double[] xs = {5, 10, 15, 20};
        for (int i = 0; i < 4; i++) {
            assertThat(mean.get(i)[0]).isEqualTo(xs[i]);
            assertThat(mean.get(i)[1]).isCloseTo(1.5 * xs[i], within(1e-12));
        }
    }

    @Test
    void successIsTheHeldRateWhenTheEvaluationHeldElseTheReturnThreshold() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path f = Path.of("eval.json");
        assertThat(ResultsReport.successRate(f, json.readTree("{\"success_rate\": 1.0, \"hold_steps\": 1, \"held_rate\": 0.96}")))
                .isEqualTo(0.96);
        assertThat(ResultsReport.successRate(f, json.readTree("{\"success_rate\": 0.83}"))).isEqualTo(0.83);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResultsReport.successRate(f, json.readTree("{}")))
                .hasMessage("eval.json: field 'success_rate' is missing or not a number");
    }
}
