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

    @Test
    void tickLabelsAreShortAtAnyScale() {
        assertThat(LearningCurve.number(983040, 1e6)).isEqualTo("983k");
        assertThat(LearningCurve.number(-1234567, 1e4)).isEqualTo("-1.23M");
        assertThat(LearningCurve.number(1e9, 1e9)).isEqualTo("1.00G");
        assertThat(LearningCurve.number(-291.4, 500)).isEqualTo("-291");
        assertThat(LearningCurve.number(0.5, 0.1)).isEqualTo("0.50");
    }
}
