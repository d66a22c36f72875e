package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class InitTest {
    @ParameterizedTest
    @CsvSource({"64,8,1.4142135623730951", "8,64,1.0", "32,32,0.01", "1,5,2.0", "5,1,1.0"})
    void orthogonalGivesScaledOrthonormalColumnsOrRows(int in, int out, double gain) {
        double[] w = Init.orthogonal(gain).weights(in, out, new Rng(3));
        boolean tall = in >= out;
        int k = Math.min(in, out);
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double dot = 0;
                for (int r = 0; r < Math.max(in, out); r++) {
                    // Tall: columns a, b of W (W^T W). Wide: rows a, b of W (W W^T).
                    dot += tall ? w[r * out + a] * w[r * out + b] : w[a * out + r] * w[b * out + r];
                }
                assertThat(dot).isCloseTo(a == b ? gain * gain : 0.0, offset(1e-12 * Math.max(1, gain * gain)));
            }
        }
    }

    @Test
    void sameSeedSameWeightsAndSeedsDiffer() {
        assertThat(Init.orthogonal(1).weights(6, 4, new Rng(9))).containsExactly(Init.orthogonal(1).weights(6, 4, new Rng(9)));
        assertThat(Init.orthogonal(1).weights(6, 4, new Rng(9))).isNotEqualTo(Init.orthogonal(1).weights(6, 4, new Rng(10)));
        assertThat(Init.xavierUniform().weights(6, 4, new Rng(9))).containsExactly(Init.xavierUniform().weights(6, 4, new Rng(9)));
    }

    @Test
    void xavierUniformHasItsBoundAndVariance() {
        int in = 200;
        int out = 300;
        double[] w = Init.xavierUniform().weights(in, out, new Rng(4));
        double a = Math.sqrt(6.0 / (in + out));
        double sq = 0;
        for (double x : w) {
            assertThat(Math.abs(x)).isLessThanOrEqualTo(a);
            sq += x * x;
        }
        // Var of U(-a, a) is a^2/3 = 2/(in+out); 60k samples give ~0.6% standard error.
        assertThat(sq / w.length).isCloseTo(2.0 / (in + out), offset(0.03 * 2.0 / (in + out)));
    }

    /**
     * PyTorch's nn.Linear init (SB3 with ortho_init off): weights and biases U(-1/sqrt(in), 1/sqrt(in)), so
     * variance 1/(3 in) for both; the other schemes leave biases at zero. An Mlp built with it carries the biases.
     */
    @Test
    void torchDefaultDrawsWeightsAndBiasesFromTheFanInBound() {
        int in = 200;
        int out = 300;
        Rng rng = new Rng(5);
        double[] w = Init.torchDefault().weights(in, out, rng);
        double[] b = Init.torchDefault().biases(in, 20_000, rng);
        double bound = 1 / Math.sqrt(in);
        for (double[] v : new double[][] {w, b}) {
            double sq = 0;
            for (double x : v) {
                assertThat(Math.abs(x)).isLessThanOrEqualTo(bound);
                sq += x * x;
            }
            assertThat(sq / v.length).isCloseTo(1.0 / (3 * in), offset(0.04 / (3 * in)));
        }
        assertThat(Init.xavierUniform().biases(in, out, new Rng(5))).containsOnly(0.0);
        assertThat(Init.orthogonal(1).biases(in, out, new Rng(5))).containsOnly(0.0);
        Mlp net = Mlp.builder(4, 2).hidden(8).hiddenInit(Init.torchDefault()).outputInit(Init.torchDefault())
                .dataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE).build(new Rng(6));
        assertThat(net.bias(0).amaxNumber().doubleValue()).isPositive().isLessThanOrEqualTo(0.5);
        assertThat(net.weight(1).amaxNumber().doubleValue()).isPositive().isLessThanOrEqualTo(1 / Math.sqrt(8));
        assertThat(net.bias(1).amaxNumber().doubleValue()).isPositive().isLessThanOrEqualTo(1 / Math.sqrt(8));
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> Init.orthogonal(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gain");
        assertThatThrownBy(() -> Init.xavierUniform().weights(0, 3, new Rng(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
