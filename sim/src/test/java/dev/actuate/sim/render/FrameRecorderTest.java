package dev.actuate.sim.render;

import dev.actuate.sim.Box;
import dev.actuate.sim.Env;
import dev.actuate.sim.Heuristics;
import dev.actuate.sim.ResetResult;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.classic.Pendulum;
import dev.actuate.sim.wrappers.TimeLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameRecorderTest {
    @TempDir
    Path dir;

    @Test
    void recordsAnEpisodeAsALoopingGifAndPngFrames() throws IOException {
        Env env = new TimeLimit(new Pendulum(), 31);
        FrameRecorder rec = new FrameRecorder(env);
        Path gif = Files.createDirectories(dir.resolve("out")).resolve("pendulum.gif");
        Path pngDir = Files.createDirectories(dir.resolve("png"));
        FrameRecorder.Recording r;
        try (OutputStream out = Files.newOutputStream(gif)) {
            r = rec.recordEpisode(Heuristics.random(env.actionSpace(), 1), 3, out, 2, 40, (step, img) -> {
                try (OutputStream png = Files.newOutputStream(pngDir.resolve(FrameRecorder.pngName(step)))) {
                    FrameRecorder.writePng(img, png);
                }
            });
        }
        // Step 0, steps 2, 4, ..., 30, and the last step 31.
        assertThat(r.length()).isEqualTo(31);
        assertThat(r.frames()).isEqualTo(1 + 15 + 1);
        try (Stream<Path> files = Files.list(dir.resolve("png"))) {
            assertThat(files.count()).isEqualTo(17);
        }
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("pendulum.gif");
        }

        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertThat(reader.getNumImages(true)).isEqualTo(17);
            BufferedImage first = reader.read(0);
            assertThat(first.getWidth()).isEqualTo(600);
            assertThat(first.getHeight()).isEqualTo(400);
            IIOMetadataNode meta = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
            assertThat(find(meta, "GraphicControlExtension").getAttribute("delayTime")).isEqualTo("4");
            IIOMetadataNode app = find(meta, "ApplicationExtension");
            assertThat(app.getAttribute("applicationID")).isEqualTo("NETSCAPE");
            assertThat((byte[]) app.getUserObject()).containsExactly(1, 0, 0);
            // The drawing is there: the frame is not blank.
            assertThat(first.getRGB(300, 200)).isNotEqualTo(first.getRGB(590, 390));
        }
        BufferedImage png = ImageIO.read(dir.resolve("png/frame_00000.png").toFile());
        assertThat(png.getWidth()).isEqualTo(600);
    }

    private static IIOMetadataNode find(IIOMetadataNode root, String name) {
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return (IIOMetadataNode) n;
            }
            if (n instanceof IIOMetadataNode m && m.getFirstChild() != null) {
                IIOMetadataNode found = find(m, name);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** A controller failing mid-episode ends the recording with its exception; the stream is left open. */
    @Test
    void aFailureMidEpisodePropagatesAndWritesNoMoreFrames() {
        Env env = new TimeLimit(new Pendulum(), 31);
        int[] calls = new int[1];
        dev.actuate.sim.Controller failing = new dev.actuate.sim.Controller() {
            public double[] act(double[] obs) {
                if (++calls[0] == 5) {
                    throw new IllegalStateException("controller failed");
                }
                return new double[1];
            }
        };
        java.util.List<Integer> frames = new java.util.ArrayList<>();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertThatThrownBy(() -> new FrameRecorder(env).recordEpisode(failing, 3, out, 2, 40,
                (step, img) -> frames.add(step))).isInstanceOf(IllegalStateException.class)
                .hasMessage("controller failed");
        assertThat(frames).containsExactly(0, 2, 4);
    }

    @Test
    void paletteMapsPrimaryColoursAndGreysExactly() {
        assertThat(GifWriter.nearest(0xffffff)).isEqualTo(215);
        assertThat(GifWriter.nearest(0x000000)).isZero();
        assertThat(GifWriter.nearest(0xff0000)).isEqualTo(5 * 36);
        // Mid grey is closer to the grey ramp than to any cube colour.
        assertThat(GifWriter.nearest(0x808080)).isGreaterThanOrEqualTo(216);
    }

    @Test
    void refusesEnvsThatCannotDraw() {
        Env plain = new Env() {
            public String id() {
                return "Plain-v0";
            }

            public Box observationSpace() {
                return Box.uniform(1, -1, 1);
            }

            public Box actionSpace() {
                return Box.uniform(1, -1, 1);
            }

            public ResetResult reset(long seed) {
                return new ResetResult(new double[1]);
            }

            public ResetResult reset() {
                return reset(0);
            }

            public StepResult step(double[] action) {
                throw new UnsupportedOperationException();
            }
        };
        assertThatThrownBy(() -> new FrameRecorder(plain)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Plain-v0");
    }
}
