package dev.actuate.sim;

import dev.actuate.sim.box2d.BipedalWalker;
import dev.actuate.sim.box2d.LunarLander;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The replay generator serves recorded draws and names the first one that differs. */
class ReplayRngTest {
    private static RecordedEpisode.Draw uniform(double lo, double hi, double result) {
        return new RecordedEpisode.Draw("uniform", new double[] {lo, hi}, 0, new double[] {result});
    }

    @Test
    void servesRecordedResultsInOrder() {
        ReplayRng rng = new ReplayRng();
        rng.serve("step 3", List.of(uniform(-1, 1, 0.25),
                new RecordedEpisode.Draw("integers", new double[] {5, 10}, 0, new double[] {7}),
                new RecordedEpisode.Draw("uniform", new double[] {0, 2}, 3, new double[] {0.5, 1.5, 1.0}),
                new RecordedEpisode.Draw("random", new double[0], 0, new double[] {0.75})));
        assertThat(rng.uniform(-1, 1)).isEqualTo(0.25);
        assertThat(rng.integers(5, 10)).isEqualTo(7);
        assertThat(rng.uniform(0, 2, 3)).containsExactly(0.5, 1.5, 1.0);
        assertThat(rng.random()).isEqualTo(0.75);
        rng.assertAllServed();
    }

    @Test
    void namesTheStepAndDrawThatDiffer() {
        ReplayRng rng = new ReplayRng();
        rng.serve("step 12", List.of(uniform(-1, 1, 0.1), uniform(-5, 5, 0.2)));
        rng.uniform(-1, 1);
        assertThatThrownBy(() -> rng.uniform(-1, 1))
                .hasMessage("step 12, draw 2: env asked uniform(-1, 1), recording has uniform(-5, 5)");
    }

    @Test
    void countsMissingAndExtraDraws() {
        ReplayRng rng = new ReplayRng();
        rng.serve("reset", List.of(uniform(-1, 1, 0.1), uniform(-1, 1, 0.2)));
        rng.uniform(-1, 1);
        assertThatThrownBy(rng::assertAllServed).hasMessageContaining("reset: env made 1 draws, recording has 2");
        rng.serve("step 1", List.of());
        assertThatThrownBy(() -> rng.integers(3, 5))
                .hasMessageContaining("step 1, draw 1: env asked integers(3, 5), recording has no more draws");
        assertThatThrownBy(rng::nextDouble).hasMessageContaining("no numpy counterpart");
    }

    @Test
    void aWalkerRecordingFedToTheLanderStopsAtItsFirstDraw() {
        RecordedEpisode walker = RecordedEpisode.load(RecordedEpisode.fixtureDir().resolve("BipedalWalker-v3-random-seed0.json.gz"));
        assertThat(walker.env()).isEqualTo(BipedalWalker.ID);
        RecordedEpisode asLander = new RecordedEpisode(walker.name(), LunarLander.ID, false, walker.seed(),
                walker.policy(), walker.resetDraws(), new double[8], List.of(), 0);
        Replay.Result r = Replay.run(asLander);
        assertThat(r.drawMismatch())
                .isEqualTo("reset, draw 1: env asked uniform(0, 6.666666666666667, size=12), recording has integers(5, 10)");
    }

    @Test
    void aMissingFixtureDirectoryFailsNamingThePath(@TempDir Path tmp) {
        // A clone one level inside the temp dir: its ../shared is tmp/shared, which never exists (the temp
        // dir's own parent may hold a shared/ folder, as /tmp can on a developer's machine).
        Path root = tmp.resolve("clone");
        assertThatThrownBy(() -> RecordedEpisode.fixtureDir(root))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gymnasium-episodes").hasMessageContaining(root.toString());
    }
}
