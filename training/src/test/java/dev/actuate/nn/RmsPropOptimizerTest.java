package dev.actuate.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RmsPropOptimizerTest {
    /** A bare parameter vector in double precision. */
    private record Vec(INDArray params, INDArray gradients) implements Parameterized {
        static Vec of(double... values) {
            return new Vec(Nd4j.createFromArray(values).reshape(1, values.length).castTo(DataType.DOUBLE),
                    Nd4j.zeros(DataType.DOUBLE, 1, values.length));
        }
    }

    @Test
    void firstStepHasTheClosedFormOfTorchRmsprop() {
        // v1 = (1 - alpha) g^2, so the first step is lr * g / (sqrt(1 - alpha) |g| + eps) whatever the scale of g.
        Vec x = Vec.of(1.0, -3.0, 0.25);
        double[] g = {2.0, -0.5, 1e-3};
        x.gradients().assign(Nd4j.createFromArray(g).reshape(1, 3));
        RmsPropOptimizer opt = new RmsPropOptimizer(0.01, 0.99, 1e-5, x);
        opt.step();
        double[] start = {1.0, -3.0, 0.25};
        for (int i = 0; i < 3; i++) {
            double expected = start[i] - 0.01 * g[i] / (Math.sqrt(0.01) * Math.abs(g[i]) + 1e-5);
            assertThat(x.params().getDouble(0, i)).isCloseTo(expected, within(1e-15));
        }
        // The gradient is left alone (unlike ND4J's in-place updaters) and v holds (1 - alpha) g^2.
        assertThat(x.gradients().getDouble(0, 0)).isEqualTo(2.0);
        assertThat(opt.state().getDouble(0, 1)).isCloseTo(0.01 * 0.25, within(1e-16));
    }

    @Test
    void secondStepUsesTheRunningSquareAverage() {
        Vec x = Vec.of(0.0);
        RmsPropOptimizer opt = new RmsPropOptimizer(0.1, 0.9, 1e-8, x);
        x.gradients().putScalar(0, 0, 1.0);
        opt.step(); // v = 0.1, x = -0.1 / sqrt(0.1)
        x.gradients().putScalar(0, 0, 3.0);
        opt.step(); // v = 0.09 + 0.9 = 0.99
        double expected = -0.1 / (Math.sqrt(0.1) + 1e-8) - 0.1 * 3.0 / (Math.sqrt(0.99) + 1e-8);
        assertThat(x.params().getDouble(0, 0)).isCloseTo(expected, within(1e-14));
    }

    @Test
    void minimisesAQuadratic() {
        Vec x = Vec.of(3.0, -2.0);
        RmsPropOptimizer opt = new RmsPropOptimizer(0.01, 0.99, 1e-5, x);
        for (int t = 0; t < 2000; t++) {
            x.gradients().assign(x.params().mul(2.0)); // d/dx |x|^2
            opt.step();
        }
        assertThat(x.params().norm2Number().doubleValue()).isLessThan(0.05);
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new RmsPropOptimizer(0.01, 1.0, 1e-5, Vec.of(1))).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new RmsPropOptimizer(0.01, 0.99, 0, Vec.of(1))).hasMessageContaining("epsilon");
    }
}
