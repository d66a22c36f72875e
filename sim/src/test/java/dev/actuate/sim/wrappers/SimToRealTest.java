package dev.actuate.sim.wrappers;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.StepInfo;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.VectorEnv;
import dev.actuate.sim.VectorStep;
import dev.actuate.sim.classic.Pendulum;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SimToRealTest {
    /** Observation {@code [t, action applied at step t]}; reward t; action box [-1, 1]; never ends. */
    static final class Recorder extends AbstractEnv {
        final List<Double> applied = new ArrayList<>();
        int t;

        Recorder() {
            super("Recorder-v0", Box.uniform(2, -1e9, 1e9), Box.uniform(1, -1, 1));
        }

        @Override
        protected double[] doReset() {
            t = 0;
            applied.clear();
            return new double[] {0, Double.NaN};
        }

        @Override
        protected StepResult doStep(double[] action) {
            t++;
            applied.add(action[0]);
            return new StepResult(new double[] {t, action[0]}, t, false, false, StepInfo.EMPTY);
        }
    }

    @Test
    void actionDelayAppliesTheActionChosenKStepsEarlierAfterKInitialActions() {
        Recorder base = new Recorder();
        Env env = new ActionDelay(base, 2, new double[] {0.5});
        env.reset(0);
        for (double a : new double[] {0.1, 0.2, 0.3, 0.4, 0.5}) {
            env.step(new double[] {a});
        }
        assertThat(base.applied).containsExactly(0.5, 0.5, 0.1, 0.2, 0.3);
        // A reset drops what was in flight and starts again from the initial action.
        env.reset();
        env.step(new double[] {-0.7});
        env.step(new double[] {-0.8});
        env.step(new double[] {-0.9});
        assertThat(base.applied).containsExactly(0.5, 0.5, -0.7);
        assertThat(env.actionSpace()).isEqualTo(base.actionSpace());
        assertThat(env.observationSpace()).isEqualTo(base.observationSpace());
    }

    @Test
    void zeroActionDelayIsTheIdentity() {
        Recorder base = new Recorder();
        Env env = new ActionDelay(base, 0, new double[] {0});
        env.reset(0);
        env.step(new double[] {0.3});
        env.step(new double[] {-0.4});
        assertThat(base.applied).containsExactly(0.3, -0.4);
    }

    @Test
    void observationDelayReturnsTheObservationOfKStepsEarlierAndRepeatsTheResetOneFirst() {
        Env env = new ObservationDelay(new Recorder(), 2);
        assertThat(env.reset(0).observation()[0]).isEqualTo(0);
        List<Double> seen = new ArrayList<>();
        List<Double> rewards = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            StepResult r = env.step(new double[] {0});
            seen.add(r.observation()[0]);
            rewards.add(r.reward());
        }
        assertThat(seen).containsExactly(0.0, 0.0, 1.0, 2.0, 3.0);
        assertThat(rewards).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0); // rewards are not delayed
        env.reset();
        assertThat(env.step(new double[] {0}).observation()[0]).isEqualTo(0.0);
    }

    @Test
    void previousActionsAppendsTheLastActionsMostRecentFirstClippedIntoTheBox() {
        Recorder base = new Recorder();
        Env env = new PreviousActions(base, 2, new double[] {0.25});
        Box space = env.observationSpace();
        assertThat(space.dim()).isEqualTo(4);
        assertThat(space.low()).containsExactly(-1e9, -1e9, -1, -1);
        assertThat(space.high()).containsExactly(1e9, 1e9, 1, 1);
        assertThat(env.reset(0).observation()).containsExactly(0, Double.NaN, 0.25, 0.25);
        assertThat(env.step(new double[] {0.5}).observation()).containsExactly(1, 0.5, 0.5, 0.25);
        assertThat(env.step(new double[] {-0.3}).observation()).containsExactly(2, -0.3, -0.3, 0.5);
        // The env clips 3.0 itself; the history holds what the box lets through.
        assertThat(env.step(new double[] {3.0}).observation()).containsExactly(3, 3.0, 1.0, -0.3);
        assertThat(env.reset().observation()).containsExactly(0, Double.NaN, 0.25, 0.25);
    }

    @Test
    void observationNoiseHasTheConfiguredStatisticsPerComponent() {
        // Recorder's first component is t (known), the second the applied action (0): residuals are the noise.
        Recorder base = new Recorder();
        Env env = new ObservationNoise(base, new double[] {0.5, 0.0});
        env.reset(7);
        int n = 20000;
        double sum = 0;
        double sumSq = 0;
        for (int t = 1; t <= n; t++) {
            double[] o = env.step(new double[] {0}).observation();
            assertThat(o[1]).isEqualTo(0.0); // std 0: untouched
            double e = o[0] - t;
            sum += e;
            sumSq += e * e;
        }
        double mean = sum / n;
        double std = Math.sqrt(sumSq / n - mean * mean);
        // Standard error of the mean 0.5/sqrt(20000) = 0.0035; of the std about 0.0025. Seeded, so not flaky.
        assertThat(mean).isCloseTo(0.0, within(0.015));
        assertThat(std).isCloseTo(0.5, within(0.01));
    }

    @Test
    void observationNoiseIsReproducibleFromTheEnvSeed() {
        double[][] a = pendulumWithNoise(3);
        double[][] b = pendulumWithNoise(3);
        double[][] c = pendulumWithNoise(4);
        assertThat(a).isDeepEqualTo(b);
        assertThat(a[5][0]).isNotEqualTo(c[5][0]);
    }

    private static double[][] pendulumWithNoise(long seed) {
        Env env = new ObservationNoise(Envs.make(Pendulum.ID), new double[] {0.1, 0.1, 0.1});
        double[][] out = new double[10][];
        out[0] = env.reset(seed).observation();
        for (int i = 1; i < out.length; i++) {
            out[i] = env.step(new double[] {0.5}).observation();
        }
        return out;
    }

    @Test
    void observationNoiseRejectsWrongLengthsAndNegativeStd() {
        assertThatThrownBy(() -> new ObservationNoise(new Recorder(), new double[] {0.1}))
                .hasMessageContaining("1 standard deviations").hasMessageContaining("2 components");
        assertThatThrownBy(() -> new ObservationNoise(new Recorder(), new double[] {0.1, -1}))
                .hasMessageContaining("std[1]");
    }

    @Test
    void simToRealStacksTheWrappersInOrderAndValidatesItsFields() {
        SimToReal s = new SimToReal(1, 1, List.of(0.0), 2, List.of(0.25));
        Env env = s.wrap(new Recorder());
        assertThat(env).isInstanceOf(PreviousActions.class);
        assertThat(((PreviousActions) env).inner()).isInstanceOf(ObservationDelay.class);
        // std 0 adds no noise wrapper; the delay wraps the action delay directly.
        assertThat(((ObservationDelay) ((PreviousActions) env).inner()).inner()).isInstanceOf(ActionDelay.class);
        assertThat(env.observationSpace().dim()).isEqualTo(4);
        assertThat(SimToReal.NONE.wrap(new Recorder())).isInstanceOf(Recorder.class);
        assertThat(SimToReal.NONE.isNone()).isTrue();
        assertThat(s.isNone()).isFalse();

        assertThatThrownBy(() -> new SimToReal(-1, 0, List.of(), 0, List.of())).hasMessageContaining("action_delay");
        assertThatThrownBy(() -> new SimToReal(0, 0, List.of(-0.1), 0, List.of()))
                .hasMessageContaining("observation_noise[0]");
        assertThatThrownBy(() -> new SimToReal(0, 0, List.of(0.1, 0.1, 0.1), 0, List.of()).wrap(new Recorder()))
                .hasMessageContaining("observation_noise has 3 values");
        assertThatThrownBy(() -> new SimToReal(1, 0, List.of(), 0, List.of(0.0, 0.0)).wrap(new Recorder()))
                .hasMessageContaining("initial_action has 2 values");
    }

    /** A run with every aid on is checkpointed and restored exactly: the replay rebuilds the wrappers' state. */
    @Test
    void vectorEnvSnapshotRestoresEveryAidExactly() {
        SimToReal s = new SimToReal(2, 1, List.of(0.05), 2, List.of());
        double[][] actions = new double[60][];
        for (int i = 0; i < actions.length; i++) {
            actions[i] = new double[] {Math.sin(0.3 * i) * 2};
        }
        List<double[]> expected = new ArrayList<>();
        VectorEnv.State state;
        try (VectorEnv a = new VectorEnv(() -> s.wrap(Envs.make(Pendulum.ID)), 1, 1)) {
            a.reset(11);
            for (int i = 0; i < 25; i++) {
                a.step(new double[][] {actions[i]});
            }
            state = a.snapshot();
            for (int i = 25; i < actions.length; i++) {
                expected.add(a.step(new double[][] {actions[i]}).observations()[0]);
            }
        }
        try (VectorEnv b = new VectorEnv(() -> s.wrap(Envs.make(Pendulum.ID)), 1, 1)) {
            b.restore(state);
            for (int i = 25; i < actions.length; i++) {
                VectorStep st = b.step(new double[][] {actions[i]});
                assertThat(st.observations()[0]).as("step %d", i).containsExactly(expected.get(i - 25));
            }
        }
    }
}
