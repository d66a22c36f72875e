package dev.actuate.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RolloutBufferTest {
    private static final double EPS = 1e-12;

    /** One env, three steps of reward 1 and values 1, 2, 3; V(after last) = 4; gamma 0.9. */
    private static RolloutBuffer run(double lambda, boolean[] term, boolean[] trunc, double[] finalValue) {
        RolloutBuffer b = new RolloutBuffer(3, 1, 1, 1);
        double[] values = {1, 2, 3};
        for (int t = 0; t < 3; t++) {
            b.add(new float[] {t}, new double[] {0}, new double[] {0}, new double[] {1}, new double[] {values[t]},
                    new boolean[] {term[t]}, new boolean[] {trunc[t]}, new double[] {finalValue[t]});
        }
        b.computeReturnsAndAdvantages(new double[] {4}, 0.9, lambda);
        return b;
    }

    private static final boolean[] NONE = {false, false, false};
    private static final double[] NO_FINAL = {Double.NaN, Double.NaN, Double.NaN};

    @Test
    void lambdaZeroIsOneStepTdError() {
        RolloutBuffer b = run(0.0, NONE, NONE, NO_FINAL);
        // delta_t = r + gamma V(t+1) - V(t)
        assertThat(b.advantages()).containsExactly(new double[] {1 + 0.9 * 2 - 1, 1 + 0.9 * 3 - 2, 1 + 0.9 * 4 - 3},
                within(EPS));
        assertThat(b.returns()).containsExactly(new double[] {1 + 0.9 * 2, 1 + 0.9 * 3, 1 + 0.9 * 4}, within(EPS));
    }

    @Test
    void lambdaOneGivesBootstrappedMonteCarloReturns() {
        RolloutBuffer b = run(1.0, NONE, NONE, NO_FINAL);
        double g2 = 1 + 0.9 * 4;
        double g1 = 1 + 0.9 * g2;
        double g0 = 1 + 0.9 * g1;
        assertThat(b.returns()).containsExactly(new double[] {g0, g1, g2}, within(EPS));
        assertThat(b.advantages()).containsExactly(new double[] {g0 - 1, g1 - 2, g2 - 3}, within(EPS));
    }

    @Test
    void terminationBootstrapsWithZeroAndCutsTheTrace() {
        RolloutBuffer b = run(1.0, new boolean[] {false, true, false}, NONE, NO_FINAL);
        double g1 = 1;
        double g0 = 1 + 0.9 * g1;
        double g2 = 1 + 0.9 * 4;
        assertThat(b.returns()).containsExactly(new double[] {g0, g1, g2}, within(EPS));
    }

    @Test
    void truncationBootstrapsWithTheFinalObservationValue() {
        RolloutBuffer b = run(1.0, NONE, new boolean[] {false, true, false}, new double[] {Double.NaN, 10, Double.NaN});
        double g1 = 1 + 0.9 * 10;
        double g0 = 1 + 0.9 * g1;
        double g2 = 1 + 0.9 * 4;
        assertThat(b.returns()).containsExactly(new double[] {g0, g1, g2}, within(EPS));
        // Not the value of the next stored observation (which belongs to the new episode).
        assertThat(b.returns()[1]).isNotCloseTo(1 + 0.9 * 3, within(1e-6));
    }

    @Test
    void terminatedAndTruncatedTogetherCountsAsTerminated() {
        RolloutBuffer b = run(0.0, new boolean[] {false, true, false}, new boolean[] {false, true, false},
                new double[] {Double.NaN, 10, Double.NaN});
        assertThat(b.returns()[1]).isCloseTo(1.0, within(EPS));
    }

    @Test
    void intermediateLambdaMatchesHandComputedRecurrence() {
        RolloutBuffer b = new RolloutBuffer(2, 1, 1, 1);
        b.add(new float[] {0}, new double[] {0}, new double[] {0}, new double[] {1}, new double[] {0},
                new boolean[] {false}, new boolean[] {false}, new double[] {0});
        b.add(new float[] {0}, new double[] {0}, new double[] {0}, new double[] {2}, new double[] {0},
                new boolean[] {false}, new boolean[] {false}, new double[] {0});
        b.computeReturnsAndAdvantages(new double[] {0}, 1.0, 0.5);
        // delta = [1, 2]; A1 = 2; A0 = 1 + 0.5 * 2 = 2
        assertThat(b.advantages()).containsExactly(new double[] {2, 2}, within(EPS));
    }

    @Test
    void envsAreIndependentColumns() {
        // env 0 terminates at t=0, env 1 never ends; gamma 1, lambda 1, zero values.
        RolloutBuffer b = new RolloutBuffer(2, 2, 1, 1);
        b.add(new float[] {0, 0}, new double[] {0, 0}, new double[2], new double[] {1, 10}, new double[2],
                new boolean[] {true, false}, new boolean[2], new double[2]);
        b.add(new float[] {0, 0}, new double[] {0, 0}, new double[2], new double[] {2, 20}, new double[2],
                new boolean[2], new boolean[2], new double[2]);
        b.computeReturnsAndAdvantages(new double[] {100, 1000}, 1.0, 1.0);
        // rows: t0e0, t0e1, t1e0, t1e1
        assertThat(b.returns()).containsExactly(new double[] {1, 10 + 20 + 1000, 2 + 100, 20 + 1000}, within(EPS));
    }

    @Test
    void gatherCopiesRows() {
        RolloutBuffer b = new RolloutBuffer(2, 1, 2, 1);
        b.add(new float[] {1, 2}, new double[] {3}, new double[] {-1}, new double[] {0}, new double[] {5},
                new boolean[1], new boolean[1], new double[1]);
        b.add(new float[] {4, 5}, new double[] {6}, new double[] {-2}, new double[] {0}, new double[] {7},
                new boolean[1], new boolean[1], new double[1]);
        b.computeReturnsAndAdvantages(new double[] {0}, 1, 1);
        float[] obs = new float[4];
        double[] act = new double[2];
        double[] lp = new double[2];
        double[] adv = new double[2];
        double[] ret = new double[2];
        double[] val = new double[2];
        b.gather(new int[] {1, 0}, 0, 2, obs, act, lp, adv, ret, val);
        assertThat(obs).containsExactly(4, 5, 1, 2);
        assertThat(act).containsExactly(6, 3);
        assertThat(lp).containsExactly(-2, -1);
        assertThat(val).containsExactly(7, 5);
    }

    @Test
    void misuseIsAnError() {
        RolloutBuffer b = new RolloutBuffer(1, 1, 1, 1);
        assertThatThrownBy(() -> b.computeReturnsAndAdvantages(new double[1], 1, 1))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.add(new float[1], new double[1], new double[1], new double[1], new double[1],
                new boolean[1], new boolean[] {true}, new double[] {Double.NaN}))
                .hasMessageContaining("truncated");
    }
}
