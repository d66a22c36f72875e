package dev.actuate.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LearningCurveTest {
    @TempDir
    Path dir;

    /** Whether anything but white was drawn in the rectangle [x0, x1) x [y0, y1). */
    private static boolean inked(BufferedImage img, int x0, int x1, int y0, int y1) {
        for (int x = x0; x < x1; x++) {
            for (int y = y0; y < y1; y++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void labelsOfLongRunsAndLargeReturnsStayInsideTheImage() throws Exception {
        double[][] shapes = {{16384, -300, 9}, {2e7, -1234567, 1000}, {1, 0.5, 0.001}};
        for (double[] s : shapes) {
            List<double[]> points = new ArrayList<>();
            for (int i = 1; i <= 60; i++) {
                points.add(new double[] {i * s[0], s[1] + i * s[2]});
            }
            Path png = dir.resolve("curve.png");
            LearningCurve.write(png, "ppo LunarLanderContinuous-v3 seed 0", points, 200.0);
            BufferedImage img = ImageIO.read(png.toFile());
            int w = img.getWidth();
            int h = img.getHeight();
            // A label cut by the image's edge leaves ink in the outermost pixels.
            assertThat(inked(img, 0, w, 0, 1) || inked(img, 0, w, h - 1, h) || inked(img, 0, 1, 0, h)
                    || inked(img, w - 1, w, 0, h)).as("ink at the image edge for %s", java.util.Arrays.toString(s))
                    .isFalse();
        }
    }

    /** Whether some pixel is within 40 (per channel) of {@code rgb}: antialiasing blends a line's edges. */
    private static boolean hasColour(BufferedImage img, int rgb) {
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                int p = img.getRGB(x, y);
                boolean near = true;
                for (int shift = 0; shift <= 16; shift += 8) {
                    near &= Math.abs(((p >> shift) & 0xFF) - ((rgb >> shift) & 0xFF)) <= 40;
                }
                if (near) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void severalSeriesGetTheirOwnColoursALegendAndTheSameBytesEachTime() throws Exception {
        List<double[]> a = new ArrayList<>();
        List<double[]> b = new ArrayList<>();
        List<double[]> mean = new ArrayList<>();
        for (int i = 0; i <= 20; i++) {
            a.add(new double[] {i * 1000, -1200 + 50 * i});
            b.add(new double[] {i * 1000, -1300 + 60 * i});
            mean.add(new double[] {i * 1000, -1250 + 55 * i});
        }
        List<LearningCurve.Series> series = List.of(new LearningCurve.Series("seed 0", a, false),
                new LearningCurve.Series("seed 1", b, false), new LearningCurve.Series("mean of 2 seeds", mean, true));
        Path png = dir.resolve("cell.png");
        LearningCurve.writeSeries(png, "sac on Pendulum-v1", series, -157.0);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(hasColour(img, 0x1E50C8)).as("first seed's blue").isTrue();
        assertThat(hasColour(img, 0xE67814)).as("second seed's orange").isTrue();
        assertThat(hasColour(img, 0x289C3C)).as("no third thin line, so no green").isFalse();
        byte[] first = java.nio.file.Files.readAllBytes(png);
        LearningCurve.writeSeries(png, "sac on Pendulum-v1", series, -157.0);
        assertThat(java.nio.file.Files.readAllBytes(png)).isEqualTo(first);
        // One unlabelled series (curve.png) draws no legend: nothing but the line in the legend's corner.
        Path single = dir.resolve("single.png");
        LearningCurve.write(single, "t", a, null);
        BufferedImage one = ImageIO.read(single.toFile());
        assertThat(hasColour(one, 0xE67814)).isFalse();
    }

    @Test
    void tickLabelsAreShortAtAnyScale() {
        assertThat(LearningCurve.number(983040, 1e6)).isEqualTo("983k");
        assertThat(LearningCurve.number(-1234567, 1e4)).isEqualTo("-1.23M");
        assertThat(LearningCurve.number(1e9, 1e9)).isEqualTo("1.00G");
        assertThat(LearningCurve.number(-291.4, 500)).isEqualTo("-291");
        assertThat(LearningCurve.number(0.5, 0.1)).isEqualTo("0.50");
    }
}
