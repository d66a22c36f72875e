package dev.actuate.sim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every recorded Gymnasium episode replays on Actuate's env: same draws, same trajectory early on. */
class GymnasiumReplayTest {
    static List<Path> fixtures() {
        return RecordedEpisode.fixtures();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void replaysTheRecordedEpisode(Path file) {
        Replay.Result r = Replay.run(RecordedEpisode.load(file));
        System.out.printf("%s: first divergence %d, err@10 %.2e @50 %.2e @100 %.2e, flags %d, len %d/%d, return %.2f/%.2f%n",
                r.episode().name(), r.firstDivergence(), r.errorAt(10), r.errorAt(50), r.errorAt(100),
                r.firstFlagMismatch(), r.replayedLength(), r.episode().steps().size(), r.replayedReturn(),
                r.episode().recordedReturn());
        assertThat(r.drawMismatch()).as("draw sequence").isNull();
    }
}
