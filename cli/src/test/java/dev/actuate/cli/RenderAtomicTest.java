package dev.actuate.cli;

import dev.actuate.sim.Controller;
import dev.actuate.sim.classic.Pendulum;
import dev.actuate.sim.render.FrameRecorder;
import dev.actuate.sim.wrappers.TimeLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code actuate render}'s files are written atomically: a recording that fails keeps the previous GIF. */
class RenderAtomicTest {
    @TempDir
    Path dir;

    @Test
    void aRecordingThatFailsMidEpisodeLeavesThePreviousGifIntact() throws Exception {
        Path gif = dir.resolve("out/pendulum.gif");
        Path png = dir.resolve("png");
        FrameRecorder recorder = new FrameRecorder(new TimeLimit(new Pendulum(), 11), 64, 64);
        FrameRecorder.Recording r = RenderCommand.record(recorder, obs -> new double[] {0.5}, 3, 5, gif, png);
        assertThat(r.frames()).isEqualTo(4); // steps 0, 5, 10 and the last, 11
        byte[] first = Files.readAllBytes(gif);
        assertThat(new String(first, 0, 6, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(gif)))
                .isEqualTo("rw-r--r--");
        try (Stream<Path> s = Files.list(png)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("frame_00000.png",
                    "frame_00005.png", "frame_00010.png", "frame_00011.png");
        }

        int[] calls = new int[1];
        Controller failing = obs -> {
            if (++calls[0] == 7) {
                throw new IllegalStateException("controller failed");
            }
            return new double[] {-0.5};
        };
        assertThatThrownBy(() -> RenderCommand.record(recorder, failing, 4, 5, gif, null))
                .isInstanceOf(IllegalStateException.class).hasMessage("controller failed");
        assertThat(Files.readAllBytes(gif)).isEqualTo(first);
        try (Stream<Path> s = Files.list(gif.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no temp file left").containsExactly("pendulum.gif");
        }
    }
}
