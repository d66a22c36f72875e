package dev.actuate.distributed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportCurvesTest {
    @TempDir
    Path dir;

    @Test
    void bandIsMeanAndRangeOverSeedsCutToTheShortest() {
        List<double[]> a = List.of(new double[] {100, -10}, new double[] {200, -4}, new double[] {300, 0});
        List<double[]> b = List.of(new double[] {100, -20}, new double[] {200, -2});
        ReportCurves.Band band = ReportCurves.band("x", List.of(a, b));
        assertThat(band.steps()).containsExactly(100, 200);
        assertThat(band.mean()).containsExactly(-15, -3);
        assertThat(band.lo()).containsExactly(-20, -4);
        assertThat(band.hi()).containsExactly(-10, -2);
    }

    @Test
    void readsStepAndReturnColumnsByName() throws Exception {
        Path m = dir.resolve("metrics.csv");
        Files.writeString(m, "iteration,global_step,mean_return,x\n1,1000,-1410.60,3\n2,2000,,4\n3,3000,-900.5,5\n");
        List<double[]> c = ReportCurves.readCurve(m);
        assertThat(c).hasSize(2);
        assertThat(c.get(1)).containsExactly(3000, -900.5);
        Files.writeString(m, "iteration,steps\n1,2\n");
        assertThatThrownBy(() -> ReportCurves.readCurve(m)).hasMessageContaining("metrics.csv");
    }

    @Test
    void writesAPngForTheReportsTrials() throws Exception {
        Trial t = new Trial("c0-seed0", 0, "sac", "Pendulum-v1", new java.util.TreeMap<>(java.util.Map.of("gamma", 0.9)),
                "gamma: 0.9\n", 100L, 0, 1, 1000, null);
        Path run = Files.createDirectories(dir.resolve("trials/c0-seed0"));
        Files.writeString(run.resolve("metrics.csv"), "global_step,mean_return\n50,-1500\n100,-1200\n");
        TrialResult r = new TrialResult(t, new double[] {-1100}, -1100, 0, 1, 100, 1, 1, "in-process",
                new java.util.TreeMap<>(), null);
        ReportCurves.write(dir, SweepReport.of("local[1]", 1, List.of(r)));
        BufferedImage img = ImageIO.read(dir.resolve("report.png").toFile());
        assertThat(img.getWidth()).isEqualTo(900);
        assertThat(img.getHeight()).isEqualTo(520);
    }
}
