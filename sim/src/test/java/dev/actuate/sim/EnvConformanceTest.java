package dev.actuate.sim;

import dev.actuate.sim.wrappers.TimeLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Env contract, checked for every registered environment and every shipped robot description. */
class EnvConformanceTest {
    static Stream<String> ids() {
        return Stream.concat(Envs.specs().stream().map(EnvSpec::id), describedRobots().stream());
    }

    /** The shipped robot YAMLs that describe their own simulation ({@code model:}) or vary one ({@code base:}). */
    static List<String> describedRobots() {
        Path dir = Path.of("..", "configs", "robots");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("robot configs not found at " + dir.toAbsolutePath());
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> out = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                String text = Files.readString(f);
                if (f.toString().endsWith(".yaml") && (text.contains("\nmodel:") || text.contains("\nbase:"))) {
                    out.add(f.toString());
                }
            }
            assertThat(out).as("described robots in " + dir).isNotEmpty();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One step of a recorded trajectory; compared bit for bit. */
    record Step(double[] obs, double reward, boolean terminated, boolean truncated) {
        boolean sameAs(Step o) {
            return Arrays.equals(obs, o.obs) && Double.compare(reward, o.reward) == 0
                    && terminated == o.terminated && truncated == o.truncated;
        }
    }

    private static List<Step> rollout(Env env, long seed, long actionSeed, int maxSteps) {
        Rng actions = new Rng(actionSeed);
        List<Step> out = new ArrayList<>();
        out.add(new Step(env.reset(seed).observation(), 0, false, false));
        for (int t = 0; t < maxSteps; t++) {
            StepResult r = env.step(env.actionSpace().sample(actions));
            out.add(new Step(r.observation(), r.reward(), r.terminated(), r.truncated()));
            if (r.done()) {
                break;
            }
        }
        return out;
    }

    private static void assertSameTrajectory(List<Step> a, List<Step> b) {
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).sameAs(a.get(i))).as("step %d: %s vs %s", i, a.get(i), b.get(i)).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void spacesAreWellFormed(String id) {
        EnvSpec spec = Envs.spec(id);
        try (Env env = Envs.make(id)) {
            assertThat(env.id()).isEqualTo(id);
            assertThat(env.observationSpace().dim()).isPositive();
            Box act = env.actionSpace();
            assertThat(act.dim()).isPositive();
            for (int i = 0; i < act.dim(); i++) {
                assertThat(Double.isFinite(act.low(i)) && Double.isFinite(act.high(i))).as("action bound %d finite", i).isTrue();
                assertThat(act.low(i)).as("action bound %d", i).isLessThan(act.high(i));
            }
            assertThat(spec.maxEpisodeSteps()).isPositive();
            assertThat(Double.isFinite(spec.rewardThreshold())).isTrue();
            assertThat(Wrapper.find(env, TimeLimit.class).maxEpisodeSteps()).isEqualTo(spec.maxEpisodeSteps());
            assertThat(env.unwrapped()).isInstanceOf(AbstractEnv.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void observationsStayInTheObservationBox(String id) {
        try (Env env = Envs.make(id)) {
            Box space = env.observationSpace();
            Rng actions = new Rng(7);
            double[] obs = env.reset(11).observation();
            for (int t = 0; t < 600; t++) {
                assertThat(obs).hasSize(space.dim());
                assertThat(space.contains(obs)).as("step %d observation %s in %s", t, Arrays.toString(obs), space).isTrue();
                StepResult r = env.step(env.actionSpace().sample(actions));
                assertThat(Double.isFinite(r.reward())).as("reward at step %d", t).isTrue();
                obs = r.observation();
                if (r.done()) {
                    assertThat(space.contains(obs)).as("final observation %s", Arrays.toString(obs)).isTrue();
                    obs = env.reset().observation();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void sameSeedGivesIdenticalTrajectoryAndDifferentSeedsDiffer(String id) {
        List<Step> a;
        List<Step> b;
        List<Step> c;
        try (Env e1 = Envs.make(id); Env e2 = Envs.make(id); Env e3 = Envs.make(id)) {
            a = rollout(e1, 42, 3, 300);
            b = rollout(e2, 42, 3, 300);
            c = rollout(e3, 43, 3, 300);
        }
        assertSameTrajectory(a, b);
        boolean differs = c.size() != a.size();
        for (int i = 0; !differs && i < a.size(); i++) {
            differs = !c.get(i).sameAs(a.get(i));
        }
        assertThat(differs).as("seed 43 gives a different trajectory from seed 42").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void reseedingTheSameInstanceReproducesTheEpisode(String id) {
        try (Env env = Envs.make(id)) {
            List<Step> a = rollout(env, 5, 9, 100);
            List<Step> b = rollout(env, 5, 9, 100);
            assertSameTrajectory(a, b);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void resetSemantics(String id) {
        try (Env env = Envs.make(id); Env raw = Envs.makeRaw(id)) {
            double[] zero = new double[env.actionSpace().dim()];
            assertThatThrownBy(() -> env.step(zero)).isInstanceOf(IllegalStateException.class).hasMessageContaining(id);
            assertThatThrownBy(() -> raw.step(zero)).isInstanceOf(IllegalStateException.class).hasMessageContaining(id);

            ResetResult first = env.reset(1);
            assertThat(first.info()).isNotNull();
            assertThat(env.observationSpace().contains(first.observation())).isTrue();
            // Run the episode to its end (the time limit guarantees one), then stepping must fail.
            Rng actions = new Rng(2);
            StepResult r;
            int steps = 0;
            do {
                r = env.step(env.actionSpace().sample(actions));
                steps++;
            } while (!r.done());
            assertThat(steps).isLessThanOrEqualTo(Envs.spec(id).maxEpisodeSteps());
            assertThat(r.terminated() && r.truncated()).as("terminated and truncated both set").isFalse();
            assertThatThrownBy(() -> env.step(zero)).isInstanceOf(IllegalStateException.class);

            ResetResult again = env.reset();
            assertThat(env.observationSpace().contains(again.observation())).isTrue();
            assertThat(env.step(zero).observation()).hasSize(env.observationSpace().dim());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void badActionsAreRejectedNamingEnvAndIndex(String id) {
        try (Env env = Envs.make(id)) {
            env.reset(0);
            int dim = env.actionSpace().dim();
            assertThatThrownBy(() -> env.step(new double[dim + 1]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(id);
            assertThatThrownBy(() -> env.step(new double[0]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(id);
            assertThatThrownBy(() -> env.step(null)).isInstanceOf(IllegalArgumentException.class);
            double[] nan = new double[dim];
            nan[dim - 1] = Double.NaN;
            assertThatThrownBy(() -> env.step(nan))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(id).hasMessageContaining("[" + (dim - 1) + "]");
            // A rejected action leaves the episode usable.
            assertThat(env.step(new double[dim]).observation()).hasSize(env.observationSpace().dim());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void snapshotRestoreReproducesTheContinuation(String id) {
        Rng actions = new Rng(17);
        List<double[]> prefix = new ArrayList<>();
        List<double[]> suffix = new ArrayList<>();
        try (Env probe = Envs.make(id)) {
            for (int i = 0; i < 5; i++) {
                prefix.add(probe.actionSpace().sample(actions));
            }
            for (int i = 0; i < 60; i++) {
                suffix.add(probe.actionSpace().sample(actions));
            }
        }
        List<Step> original = new ArrayList<>();
        EnvSnapshot snap;
        try (Env env = Envs.make(id)) {
            env.reset(123);
            for (double[] a : prefix) {
                assertThat(env.step(a).done()).as("episode ended within the 5-step prefix").isFalse();
            }
            snap = ((AbstractEnv) env.unwrapped()).snapshot();
            play(env, suffix, original);
        }
        List<Step> restored = new ArrayList<>();
        try (Env env = Envs.make(id)) {
            env.reset(999); // a different episode, overwritten by the restore
            double[] obs = ((AbstractEnv) env.unwrapped()).restore(snap);
            Wrapper.find(env, TimeLimit.class).restoreElapsed(snap.actions().size());
            assertThat(obs).hasSize(env.observationSpace().dim());
            play(env, suffix, restored);
        }
        assertSameTrajectory(original, restored);
    }

    private static void play(Env env, List<double[]> actions, List<Step> out) {
        for (double[] a : actions) {
            StepResult r = env.step(a);
            out.add(new Step(r.observation(), r.reward(), r.terminated(), r.truncated()));
            if (r.done()) {
                // The generator continues identically too: the next unseeded reset must match.
                out.add(new Step(env.reset().observation(), 0, false, false));
            }
        }
    }

    @Test
    void unknownIdListsTheKnownIds() {
        assertThatThrownBy(() -> Envs.make("NoSuchEnv-v9"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NoSuchEnv-v9")
                .satisfies(e -> {
                    for (EnvSpec s : Envs.specs()) {
                        assertThat(e.getMessage()).contains(s.id());
                    }
                });
    }

    @Test
    void everyEnvHasAHeuristic() {
        for (EnvSpec s : Envs.specs()) {
            assertThat(Heuristics.forEnv(s.id())).as(s.id()).isNotNull();
        }
    }
}
