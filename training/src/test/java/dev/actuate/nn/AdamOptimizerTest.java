package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

class AdamOptimizerTest {
    /** A bare parameter vector, standing in for a network. */
    record Vec(INDArray params, INDArray gradients) implements Parameterized {
        static Vec of(double... p) {
            return new Vec(Nd4j.createFromArray(p).reshape(1, p.length), Nd4j.zeros(DataType.DOUBLE, 1, p.length));
        }
    }

    /** ND4J's Adam, written out (t = iteration + 1). */
    static double[] handStep(double[] p, double[] g, double[] m, double[] v, int t, double lr, double b1, double b2,
                             double eps) {
        double[] out = p.clone();
        double alpha = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
        for (int i = 0; i < p.length; i++) {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            out[i] = p[i] - alpha * m[i] / (Math.sqrt(v[i]) + eps);
        }
        return out;
    }

    @Test
    void stepsMatchHandComputedAdamIncludingLearningRateChange() {
        Vec x = Vec.of(1.0, -2.0, 0.5);
        AdamOptimizer opt = new AdamOptimizer(0.01, 0.9, 0.999, 1e-8, x);
        double[] p = {1.0, -2.0, 0.5};
        double[] m = new double[3];
        double[] v = new double[3];
        double[][] grads = {{0.3, -1.0, 2.0}, {-0.1, 0.4, 1e-3}, {0.7, 0.0, -5.0}};
        double[] lrs = {0.01, 0.01, 0.003};
        for (int s = 0; s < grads.length; s++) {
            opt.setLearningRate(lrs[s]);
            x.gradients().assign(Nd4j.createFromArray(grads[s]).reshape(1, 3));
            opt.step();
            p = handStep(p, grads[s], m, v, s + 1, lrs[s], 0.9, 0.999, 1e-8);
            assertThat(x.params().toDoubleVector()).as("step %d", s).containsExactly(p, offset(1e-12));
        }
        assertThat(opt.iteration()).isEqualTo(3);
        // State layout: m then v.
        double[] st = opt.state().toDoubleVector();
        for (int i = 0; i < 3; i++) {
            assertThat(st[i]).isCloseTo(m[i], offset(1e-12));
            assertThat(st[3 + i]).isCloseTo(v[i], offset(1e-12));
        }
    }

    @Test
    void clipGradNormScalesOnlyAboveTheLimitAndUsesTheGlobalNorm() {
        Vec a = Vec.of(0, 0);
        Vec b = Vec.of(0);
        AdamOptimizer opt = new AdamOptimizer(1e-3, a, b);
        a.gradients().assign(Nd4j.createFromArray(3.0, 0.0).reshape(1, 2));
        b.gradients().assign(4.0);
        assertThat(opt.clipGradNorm(1.0)).isCloseTo(5.0, offset(1e-12));
        double c = 1.0 / (5.0 + 1e-6);
        assertThat(a.gradients().getDouble(0, 0)).isCloseTo(3 * c, offset(1e-12));
        assertThat(b.gradients().getDouble(0, 0)).isCloseTo(4 * c, offset(1e-12));
        a.gradients().assign(Nd4j.createFromArray(0.3, 0.0).reshape(1, 2));
        b.gradients().assign(0.4);
        assertThat(opt.clipGradNorm(1.0)).isCloseTo(0.5, offset(1e-12));
        assertThat(a.gradients().getDouble(0, 0)).isEqualTo(0.3);
        assertThatThrownBy(() -> opt.clipGradNorm(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void restoredStateContinuesIdentically() {
        Mlp.Builder cfg = Mlp.builder(3, 2).hidden(4);
        Mlp n1 = cfg.build(new Rng(1));
        Mlp n2 = cfg.build(new Rng(1));
        AdamOptimizer o1 = new AdamOptimizer(1e-2, n1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 3);
        INDArray c = Nd4j.rand(DataType.FLOAT, 5, 2);
        for (int i = 0; i < 3; i++) {
            n1.forward(x);
            n1.backward(c);
            o1.step();
        }
        // "Checkpoint" n1 + o1 into fresh objects.
        n2.setParams(n1.getParams());
        AdamOptimizer o2 = new AdamOptimizer(1e-2, n2);
        o2.state().assign(o1.state());
        o2.setIteration(o1.iteration());
        for (Mlp n : new Mlp[] {n1, n2}) {
            n.forward(x);
            n.backward(c);
        }
        o1.step();
        o2.step();
        assertThat(n2.getParams()).containsExactly(n1.getParams());
    }
}
