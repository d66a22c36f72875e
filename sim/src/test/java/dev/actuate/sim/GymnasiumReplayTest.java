package dev.actuate.sim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every recorded Gymnasium episode replays on Actuate's env with the reference's draws, and its
 * trajectory agrees early on (the figures are in docs/fidelity.md, made by scripts/fidelity-report.sh).
 */
class GymnasiumReplayTest {
    static List<Path> fixtures() {
        return RecordedEpisode.fixtures();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void replaysTheRecordedEpisode(Path file) {
        RecordedEpisode ep = RecordedEpisode.load(file);
        Replay.Result r = Replay.run(ep);
        String summary = FidelityReport.row(r);
        assertThat(r.drawMismatch()).as("draw sequence of %s", ep.name()).isNull();
        // Rounding alone: float32-level at the reset step, growing smoothly from there.
        assertThat(r.errorAt(0)).as("reset observation error, %s", summary).isLessThanOrEqualTo(1e-6);
        assertThat(r.errorAt(10)).as("error at step 10, %s", summary).isLessThanOrEqualTo(1e-5);
        // Same trajectory for the first 50 steps: observations, rewards and flags.
        assertThat(r.replayedLength()).as("replay length, %s", summary).isGreaterThanOrEqualTo(Math.min(50, ep.steps().size()));
        assertThat(r.maxErrorBefore(50)).as("largest observation error before step 50, %s", summary)
                .isLessThanOrEqualTo(Replay.OBS_TOLERANCE);
        assertThat(r.firstDivergence() < 0 || r.firstDivergence() >= 50).as("first divergence, %s", summary).isTrue();
        assertThat(r.maxRewardErrorBefore(50)).as("largest reward error before step 50, %s", summary)
                .isLessThanOrEqualTo(1e-4);
        assertThat(r.firstFlagMismatch() < 0 || r.firstFlagMismatch() >= 50)
                .as("terminated/truncated agree before step 50, %s", summary).isTrue();
    }
}
