package dev.actuate.sim;

import dev.actuate.sim.classic.Pendulum;
import dev.actuate.sim.wrappers.RecordEpisodeStatistics;
import dev.actuate.sim.wrappers.TimeLimit;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class VectorEnvTest {
    /** Pendulums with time limits 3, 4, 5, 3, 4, ... so episodes end at different steps. */
    private static Supplier<Env> shortPendulums() {
        AtomicInteger k = new AtomicInteger();
        return () -> new TimeLimit(new Pendulum(), 3 + k.getAndIncrement() % 3);
    }

    private static double[][] actions(Rng rng, int n) {
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = new double[] {rng.uniform(-2, 2)};
        }
        return a;
    }

    @Test
    void autoResetKeepsTheFinalObservationAndMatchesSingleEnvs() {
        int n = 3;
        int steps = 13;
        Rng rng = new Rng(4);
        List<double[][]> acts = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            acts.add(actions(rng, n));
        }
        try (VectorEnv vec = new VectorEnv(shortPendulums(), n, 2)) {
            double[][] obs0 = vec.reset(100);
            List<VectorStep> out = new ArrayList<>();
            for (double[][] a : acts) {
                out.add(vec.step(a));
            }
            for (int i = 0; i < n; i++) {
                int limit = 3 + i;
                Env ref = new TimeLimit(new Pendulum(), limit);
                assertThat(obs0[i]).containsExactly(ref.reset(100 + i).observation());
                double ret = 0;
                int episodes = 0;
                for (int t = 0; t < steps; t++) {
                    StepResult r = ref.step(acts.get(t)[i]);
                    VectorStep v = out.get(t);
                    ret += r.reward();
                    assertThat(v.rewards()[i]).isEqualTo(r.reward());
                    assertThat(v.terminated()[i]).isFalse();
                    assertThat(v.truncated()[i]).as("env %d step %d", i, t + 1).isEqualTo((t + 1) % limit == 0);
                    if (r.done()) {
                        episodes++;
                        assertThat(v.finalObservations()[i]).containsExactly(r.observation());
                        assertThat(v.episodes()[i].length()).isEqualTo(limit);
                        assertThat(v.episodes()[i].episodeReturn()).isCloseTo(ret, within(1e-12));
                        // Same step: the returned observation already belongs to the next episode.
                        assertThat(v.observations()[i]).containsExactly(ref.reset().observation());
                        ret = 0;
                    } else {
                        assertThat(v.finalObservations()[i]).isNull();
                        assertThat(v.episodes()[i]).isNull();
                        assertThat(v.observations()[i]).containsExactly(r.observation());
                    }
                }
                assertThat(episodes).isEqualTo(steps / limit);
            }
        }
    }

    private static List<String> trace(VectorEnv vec, long seed, int steps) {
        List<String> t = new ArrayList<>();
        t.add(Arrays.deepToString(vec.reset(seed)));
        Rng rng = new Rng(seed * 31);
        for (int s = 0; s < steps; s++) {
            t.add(describe(vec.step(actions(rng, vec.numEnvs()))));
        }
        return t;
    }

    private static String describe(VectorStep v) {
        // Double.toString is exact (shortest repr that round-trips), so equal strings mean equal bits.
        StringBuilder b = new StringBuilder();
        b.append(Arrays.deepToString(v.observations())).append(Arrays.toString(v.rewards()))
                .append(Arrays.toString(v.terminated())).append(Arrays.toString(v.truncated()))
                .append(Arrays.deepToString(v.finalObservations()));
        for (EpisodeStats e : v.episodes()) {
            b.append(e == null ? "-" : e.episodeReturn() + "/" + e.length());
        }
        return b.toString();
    }

    @Test
    void resultsAreIdenticalForAnyThreadCount() {
        List<String> one;
        try (VectorEnv vec = new VectorEnv(shortPendulums(), 5, 1)) {
            assertThat(vec.threads()).isEqualTo(1);
            one = trace(vec, 9, 40);
        }
        for (int threads : new int[] {2, 3, 5}) {
            try (VectorEnv vec = new VectorEnv(shortPendulums(), 5, threads)) {
                assertThat(trace(vec, 9, 40)).as("%d threads", threads).isEqualTo(one);
            }
            // Pendulums are cheap enough to run inline; force the hand-over to the workers too.
            try (VectorEnv vec = new VectorEnv(shortPendulums(), 5, threads, 0)) {
                assertThat(trace(vec, 9, 40)).as("%d threads, parallel", threads).isEqualTo(one);
                assertThat(vec.lastCallParallel()).isTrue();
            }
            try (VectorEnv vec = new VectorEnv(shortPendulums(), 5, threads, Long.MAX_VALUE)) {
                assertThat(trace(vec, 9, 40)).as("%d threads, inline", threads).isEqualTo(one);
                assertThat(vec.lastCallParallel()).isFalse();
            }
        }
        try (VectorEnv vec = new VectorEnv(shortPendulums(), 5, 2)) {
            assertThat(trace(vec, 10, 40)).isNotEqualTo(one);
        }
    }

    /** Many quick hand-overs with uneven blocks: every env is stepped exactly once per call. */
    @Test
    void workStealingStepsEveryEnvExactlyOnce() {
        int n = 7;
        List<String> one;
        try (VectorEnv vec = new VectorEnv(shortPendulums(), n, 1)) {
            one = trace(vec, 3, 300);
        }
        try (VectorEnv vec = new VectorEnv(shortPendulums(), n, 3, 0)) {
            assertThat(trace(vec, 3, 300)).isEqualTo(one);
        }
    }

    @Test
    void aFailingEnvOnAWorkerIsRethrownAndTheOthersStillStep() {
        AtomicInteger made = new AtomicInteger();
        AtomicInteger stepped = new AtomicInteger();
        Supplier<Env> factory = () -> {
            boolean bad = made.getAndIncrement() == 3; // in the worker's block
            return new Wrapper(new Pendulum()) {
                @Override
                public StepResult step(double[] action) {
                    stepped.incrementAndGet();
                    if (bad) {
                        throw new IllegalStateException("env 3 broke");
                    }
                    return super.step(action);
                }
            };
        };
        try (VectorEnv vec = new VectorEnv(factory, 4, 2, 0)) {
            vec.reset(0);
            assertThatThrownBy(() -> vec.step(actions(new Rng(1), 4))).isInstanceOf(IllegalStateException.class)
                    .hasMessage("env 3 broke");
            assertThat(stepped.get()).isEqualTo(4);
        }
    }

    @Test
    void snapshotRestoreReproducesTheContinuationAcrossResets() {
        Rng rng = new Rng(8);
        List<double[][]> acts = new ArrayList<>();
        for (int t = 0; t < 30; t++) {
            acts.add(actions(rng, 4));
        }
        VectorEnv.State state;
        List<String> original = new ArrayList<>();
        try (VectorEnv vec = new VectorEnv(shortPendulums(), 4, 2)) {
            vec.reset(1);
            for (int t = 0; t < 7; t++) {
                vec.step(acts.get(t));
            }
            state = vec.snapshot();
            for (int t = 7; t < 30; t++) {
                original.add(describe(vec.step(acts.get(t))));
            }
        }
        List<String> restored = new ArrayList<>();
        try (VectorEnv vec = new VectorEnv(shortPendulums(), 4, 1)) {
            vec.reset(555);
            vec.step(acts.get(0));
            double[][] obs = vec.restore(state);
            assertThat(obs[0]).containsExactly(state.envs().get(0).observation());
            for (int t = 7; t < 30; t++) {
                restored.add(describe(vec.step(acts.get(t))));
            }
        }
        assertThat(restored).isEqualTo(original);
        // Episode counters were restored too: some episodes finished right after the snapshot.
        assertThat(original.get(0)).contains("/");
    }

    @Test
    void misuseIsReportedClearly() {
        try (VectorEnv vec = new VectorEnv(shortPendulums(), 3, 2)) {
            assertThatThrownBy(() -> vec.step(new double[3][1])).isInstanceOf(IllegalStateException.class);
            vec.reset(0);
            assertThatThrownBy(() -> vec.step(new double[2][1])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected 3 actions");
            double[][] bad = {{0}, {0}, {Double.NaN}};
            assertThatThrownBy(() -> vec.step(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Pendulum.ID).hasMessageContaining("action[0]");
        }
        try (VectorEnv vec = new VectorEnv(() -> new RecordEpisodeStatistics(Envs.make(Pendulum.ID)), 2, 1)) {
            vec.reset(0);
            assertThatThrownBy(vec::snapshot).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("RecordEpisodeStatistics");
        }
        assertThatThrownBy(() -> VectorEnv.make("Nope-v0", 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
