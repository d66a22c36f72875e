package dev.actuate.sim.wrappers;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.ResetResult;
import dev.actuate.sim.Rng;
import dev.actuate.sim.StepInfo;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.Wrapper;
import dev.actuate.sim.classic.MountainCarContinuous;
import dev.actuate.sim.classic.Pendulum;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class WrappersTest {
    /** Records the raw observations passing through, to check the normaliser against them. */
    static final class Tap extends Wrapper {
        final List<double[]> seen = new ArrayList<>();

        Tap(Env env) {
            super(env);
        }

        @Override
        public ResetResult reset(long seed) {
            ResetResult r = env.reset(seed);
            seen.add(r.observation());
            return r;
        }

        @Override
        public ResetResult reset() {
            ResetResult r = env.reset();
            seen.add(r.observation());
            return r;
        }

        @Override
        public StepResult step(double[] action) {
            StepResult r = env.step(action);
            seen.add(r.observation());
            return r;
        }
    }

    /** Rewards 1, 2, 3, ... and terminates at step {@code terminateAt} (never when 0). */
    static final class Counter extends AbstractEnv {
        final int terminateAt;
        int t;

        Counter() {
            this(0);
        }

        Counter(int terminateAt) {
            super("Counter-v0", Box.uniform(1, -1e9, 1e9), Box.uniform(1, -1, 1));
            this.terminateAt = terminateAt;
        }

        @Override
        protected double[] doReset() {
            t = 0;
            return new double[] {0};
        }

        @Override
        protected StepResult doStep(double[] action) {
            t++;
            return new StepResult(new double[] {t}, t, t == terminateAt, false, StepInfo.EMPTY);
        }
    }

    @Test
    void timeLimitTruncatesRatherThanTerminates() {
        Env env = Envs.make(Pendulum.ID);
        env.reset(0);
        for (int t = 1; t < 200; t++) {
            StepResult r = env.step(new double[] {0});
            assertThat(r.done()).as("step %d", t).isFalse();
        }
        StepResult last = env.step(new double[] {0});
        assertThat(last.truncated()).isTrue();
        assertThat(last.terminated()).isFalse();
        assertThat(Wrapper.find(env, TimeLimit.class).elapsedSteps()).isEqualTo(200);
        assertThatThrownBy(() -> env.step(new double[] {0})).isInstanceOf(IllegalStateException.class);
        env.reset();
        assertThat(Wrapper.find(env, TimeLimit.class).elapsedSteps()).isZero();
    }

    @Test
    void timeLimitKeepsATerminationAsTermination() {
        for (int limit : new int[] {3, 10}) {
            Env env = new TimeLimit(new Counter(3), limit);
            env.reset(0);
            env.step(new double[] {0});
            env.step(new double[] {0});
            StepResult r = env.step(new double[] {0});
            assertThat(r.terminated()).as("limit %d", limit).isTrue();
            assertThat(r.truncated()).as("limit %d", limit).isFalse();
        }
    }

    private static double[][] batchMeanVar(List<double[]> xs) {
        int d = xs.get(0).length;
        double[] mean = new double[d];
        double[] var = new double[d];
        for (double[] x : xs) {
            for (int i = 0; i < d; i++) {
                mean[i] += x[i] / xs.size();
            }
        }
        for (double[] x : xs) {
            for (int i = 0; i < d; i++) {
                var[i] += (x[i] - mean[i]) * (x[i] - mean[i]) / xs.size();
            }
        }
        return new double[][] {mean, var};
    }

    @Test
    void normalizeObservationStatisticsEqualTheBatchMomentsAndFreezeWorks() {
        Tap tap = new Tap(new TimeLimit(new Pendulum(), 50));
        NormalizeObservation env = new NormalizeObservation(tap);
        assertThat(env.observationSpace()).isEqualTo(Box.uniform(3, -10, 10));
        Rng rng = new Rng(1);
        double[] obs = env.reset(5).observation();
        for (int t = 0; t < 180; t++) {
            StepResult r = env.step(new double[] {rng.uniform(-2, 2)});
            obs = r.observation();
            if (r.done()) {
                obs = env.reset().observation();
            }
        }
        RunningMeanStd rms = env.statistics();
        double[][] mv = batchMeanVar(tap.seen);
        assertThat(rms.count()).isEqualTo(tap.seen.size());
        for (int i = 0; i < 3; i++) {
            assertThat(rms.mean()[i]).isCloseTo(mv[0][i], within(1e-9));
            assertThat(rms.var()[i]).isCloseTo(mv[1][i], within(1e-9));
        }
        double[] raw = tap.seen.get(tap.seen.size() - 1);
        for (int i = 0; i < 3; i++) {
            double z = (raw[i] - rms.mean()[i]) / Math.sqrt(rms.var()[i] + 1e-8);
            assertThat(obs[i]).isCloseTo(Math.max(-10, Math.min(10, z)), within(1e-12));
        }

        RunningMeanStd.State before = rms.state();
        env.setFrozen(true);
        StepResult r = env.step(new double[] {1});
        assertThat(rms.count()).isEqualTo(before.count());
        assertThat(rms.mean()).containsExactly(before.mean());
        assertThat(rms.var()).containsExactly(before.var());
        double[] raw2 = tap.seen.get(tap.seen.size() - 1);
        assertThat(r.observation()[2]).isCloseTo((raw2[2] - before.mean()[2]) / Math.sqrt(before.var()[2] + 1e-8), within(1e-12));
    }

    @Test
    void runningMeanStdBatchAndSingleUpdatesAgreeAndStateRoundTrips() {
        Rng rng = new Rng(3);
        List<double[]> xs = new ArrayList<>();
        for (int i = 0; i < 257; i++) {
            xs.add(new double[] {rng.nextGaussian() * 3 + 100, rng.uniform(-1, 1)});
        }
        RunningMeanStd single = new RunningMeanStd(2);
        xs.forEach(single::update);
        RunningMeanStd batched = new RunningMeanStd(2);
        batched.update(xs.subList(0, 100).toArray(double[][]::new));
        batched.update(xs.subList(100, 101).toArray(double[][]::new));
        batched.update(xs.subList(101, 257).toArray(double[][]::new));
        double[][] mv = batchMeanVar(xs);
        for (RunningMeanStd r : List.of(single, batched)) {
            assertThat(r.count()).isEqualTo(257);
            for (int i = 0; i < 2; i++) {
                assertThat(r.mean()[i]).isCloseTo(mv[0][i], within(1e-9));
                assertThat(r.var()[i]).isCloseTo(mv[1][i], within(1e-9));
            }
        }
        RunningMeanStd copy = RunningMeanStd.fromState(
                new RunningMeanStd.State(batched.state().mean(), batched.state().var(), batched.state().count()));
        assertThat(copy.mean()).containsExactly(batched.mean());
        assertThat(copy.var()).containsExactly(batched.var());
        assertThat(copy.count()).isEqualTo(batched.count());
        assertThatThrownBy(() -> new RunningMeanStd(3).load(batched.state()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension");
        assertThatThrownBy(() -> new RunningMeanStd.State(new double[] {0}, new double[] {-1}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("var[0]");
    }

    @Test
    void sharedStatisticsAreUsedByAFrozenEvaluationEnv() {
        NormalizeObservation train = new NormalizeObservation(new TimeLimit(new Pendulum(), 20));
        train.reset(0);
        for (int i = 0; i < 10; i++) {
            train.step(new double[] {1});
        }
        NormalizeObservation eval = new NormalizeObservation(new Pendulum(), train.statistics());
        eval.setFrozen(true);
        double count = train.statistics().count();
        eval.reset(1);
        eval.step(new double[] {0});
        assertThat(train.statistics().count()).isEqualTo(count);
    }

    @Test
    void normalizeRewardScalesByTheStdOfTheDiscountedReturn() {
        double gamma = 0.9;
        NormalizeReward env = new NormalizeReward(new Counter(), gamma);
        env.reset(0);
        List<Double> returns = new ArrayList<>();
        double g = 0;
        for (int t = 1; t <= 20; t++) {
            g = gamma * g + t;
            returns.add(g);
            double m = returns.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double var = returns.stream().mapToDouble(x -> (x - m) * (x - m)).average().orElseThrow();
            StepResult r = env.step(new double[] {0});
            assertThat(env.discountedReturn()).isCloseTo(g, within(1e-9));
            assertThat(r.reward()).as("step %d", t).isCloseTo(t / Math.sqrt(var + 1e-8), within(1e-6));
        }
        env.reset();
        assertThat(env.discountedReturn()).isZero();
        env.setFrozen(true);
        double var = env.statistics().var()[0];
        StepResult r = env.step(new double[] {0});
        assertThat(env.statistics().var()[0]).isEqualTo(var);
        assertThat(r.reward()).isCloseTo(1 / Math.sqrt(var + 1e-8), within(1e-12));
    }

    @Test
    void clipActionClipsBeforeTheEnvSeesTheAction() {
        // Mountain car charges the unclipped action, so the reward shows what the env received.
        Env clipped = new ClipAction(new MountainCarContinuous());
        Env raw = new MountainCarContinuous();
        clipped.reset(2);
        raw.reset(2);
        StepResult c = clipped.step(new double[] {3.0});
        StepResult r = raw.step(new double[] {1.0});
        assertThat(c.reward()).isEqualTo(r.reward()).isEqualTo(-0.1);
        assertThat(c.observation()).containsExactly(r.observation());
        assertThat(clipped.actionSpace()).isEqualTo(raw.actionSpace());
        assertThatThrownBy(() -> clipped.step(new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("action[0]");
    }

    @Test
    void rescaleActionMapsOntoTheEnvBox() {
        Env scaled = new RescaleAction(new Pendulum(), 0, 1);
        assertThat(scaled.actionSpace()).isEqualTo(Box.uniform(1, 0, 1));
        double[][] pairs = {{0, -2}, {1, 2}, {0.25, -1}, {0.5, 0}};
        for (double[] p : pairs) {
            Env raw = new Pendulum();
            scaled.reset(6);
            raw.reset(6);
            assertThat(scaled.step(new double[] {p[0]}).observation())
                    .as("%s -> %s", p[0], p[1]).containsExactly(raw.step(new double[] {p[1]}).observation());
        }
        assertThatThrownBy(() -> new RescaleAction(new Pendulum(), 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scaled.step(new double[] {0, 0})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Pendulum.ID);
    }

    @Test
    void recordEpisodeStatisticsReportsReturnAndLengthAtTheEnd() {
        Env env = new RecordEpisodeStatistics(Envs.make(MountainCarContinuous.ID));
        env.reset(1);
        double sum = 0;
        int n = 0;
        StepResult r;
        do {
            r = env.step(new double[] {0.3});
            sum += r.reward();
            n++;
            if (!r.done()) {
                assertThat(r.info().episode()).isNull();
            }
        } while (!r.done());
        assertThat(r.info().episode().length()).isEqualTo(n).isEqualTo(999);
        assertThat(r.info().episode().episodeReturn()).isCloseTo(sum, within(1e-9));
        env.reset();
        assertThat(env.step(new double[] {0}).info().episode()).isNull();
    }
}
