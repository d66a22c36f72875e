package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MlpTest {
    static Stream<Arguments> activations() {
        List<Arguments> args = new ArrayList<>();
        for (Activation h : Activation.values()) {
            for (Activation o : Activation.values()) {
                args.add(Arguments.of(h, o));
            }
        }
        return args.stream();
    }

    static INDArray random(Rng rng, DataType dt, int rows, int cols, double scale) {
        double[][] v = new double[rows][cols];
        for (double[] row : v) {
            for (int j = 0; j < cols; j++) {
                row[j] = scale * rng.nextGaussian();
            }
        }
        return Nd4j.create(v).castTo(dt);
    }

    static Mlp doubleNet(Activation hidden, Activation out, long seed) {
        // Xavier at gain 1.5 keeps tanh units off saturation and relu units well spread.
        return Mlp.builder(3, 2).hidden(5, 4).activation(hidden).outputActivation(out)
                .hiddenInit(Init.xavierUniform()).outputInit(Init.orthogonal(1.0))
                .dataType(DataType.DOUBLE).build(new Rng(seed));
    }

    /** L = sum(c * net(x)), so dL/dOut = c. */
    static double loss(Mlp net, INDArray x, INDArray c) {
        return net.forward(x).mul(c).sumNumber().doubleValue();
    }

    @ParameterizedTest
    @MethodSource("activations")
    void parameterAndInputGradientsMatchFiniteDifferences(Activation hidden, Activation out) {
        Rng rng = new Rng(11);
        Mlp net = doubleNet(hidden, out, 3);
        // Random biases so relu kinks are not aligned with zero inputs.
        net.params().addi(random(rng, DataType.DOUBLE, 1, (int) net.numParams(), 0.1));
        INDArray x = random(rng, DataType.DOUBLE, 6, 3, 1.0);
        INDArray c = random(rng, DataType.DOUBLE, 6, 2, 1.0);

        net.forward(x);
        net.backward(c);
        double[] analytic = net.gradients().dup().toDoubleVector();
        double[] dx = net.inputGradient().dup().reshape(18).toDoubleVector();

        double eps = 1e-6;
        INDArray p = net.params();
        for (int i = 0; i < p.length(); i++) {
            double v = p.getDouble(0, i);
            p.putScalar(0, i, v + eps);
            double lp = loss(net, x, c);
            p.putScalar(0, i, v - eps);
            double lm = loss(net, x, c);
            p.putScalar(0, i, v);
            double fd = (lp - lm) / (2 * eps);
            assertThat(analytic[i]).as("param %d (%s/%s)", i, hidden, out).isCloseTo(fd, within(fd));
        }
        for (int r = 0; r < 6; r++) {
            for (int j = 0; j < 3; j++) {
                double v = x.getDouble(r, j);
                x.putScalar(r, j, v + eps);
                double lp = loss(net, x, c);
                x.putScalar(r, j, v - eps);
                double lm = loss(net, x, c);
                x.putScalar(r, j, v);
                double fd = (lp - lm) / (2 * eps);
                assertThat(dx[r * 3 + j]).as("input %d,%d", r, j).isCloseTo(fd, within(fd));
            }
        }
        // backwardInput gives the same input gradient and leaves parameter gradients untouched.
        net.forward(x);
        net.gradients().assign(7.0);
        INDArray dx2 = net.backwardInput(c);
        assertThat(dx2.reshape(18).toDoubleVector()).containsExactly(dx, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(net.gradients().minNumber().doubleValue()).isEqualTo(7.0);
        assertThat(net.gradients().maxNumber().doubleValue()).isEqualTo(7.0);
    }

    /** L = sum(c * net(x)) + sum(g * lastHidden(x)): what SAC's gSDE head asks of the actor. */
    static double latentLoss(Mlp net, INDArray x, INDArray c, INDArray g) {
        double out = net.forward(x).mul(c).sumNumber().doubleValue();
        return out + net.lastHidden().mul(g).sumNumber().doubleValue();
    }

    @ParameterizedTest
    @MethodSource("activations")
    void backwardWithALastHiddenGradientMatchesFiniteDifferencesAndTheFloatFastPath(Activation hidden,
                                                                                   Activation out) {
        Rng rng = new Rng(13);
        Mlp net = doubleNet(hidden, out, 4);
        net.params().addi(random(rng, DataType.DOUBLE, 1, (int) net.numParams(), 0.1));
        INDArray x = random(rng, DataType.DOUBLE, 6, 3, 1.0);
        INDArray c = random(rng, DataType.DOUBLE, 6, 2, 1.0);
        INDArray g = random(rng, DataType.DOUBLE, 6, 4, 1.0);

        net.forward(x);
        net.gradients().assign(7.0); // overwritten, not accumulated
        net.backward(c, g);
        double[] analytic = net.gradients().dup().toDoubleVector();
        double eps = 1e-6;
        INDArray p = net.params();
        for (int i = 0; i < p.length(); i++) {
            double v = p.getDouble(0, i);
            p.putScalar(0, i, v + eps);
            double lp = latentLoss(net, x, c, g);
            p.putScalar(0, i, v - eps);
            double lm = latentLoss(net, x, c, g);
            p.putScalar(0, i, v);
            double fd = (lp - lm) / (2 * eps);
            assertThat(analytic[i]).as("param %d (%s/%s)", i, hidden, out).isCloseTo(fd, within(fd));
        }
        // The latent's gradient reached the hidden layers: without it they differ.
        net.forward(x);
        net.backward(c);
        double[] outputOnly = net.gradients().dup().toDoubleVector();
        int hiddenParams = 3 * 5 + 5 + 5 * 4 + 4;
        double diff = 0;
        for (int i = 0; i < hiddenParams; i++) {
            diff = Math.max(diff, Math.abs(outputOnly[i] - analytic[i]));
        }
        assertThat(diff).isGreaterThan(1e-3);

        // The float network (the CPU fast path for tanh and relu hidden layers) gives the same gradients.
        Mlp f = Mlp.builder(3, 2).hidden(5, 4).activation(hidden).outputActivation(out).dataType(DataType.FLOAT)
                .build(new Rng(4));
        float[] fp = new float[(int) net.numParams()];
        for (int i = 0; i < fp.length; i++) {
            fp[i] = (float) p.getDouble(0, i);
        }
        f.setParams(fp);
        f.forward(x.castTo(DataType.FLOAT));
        f.backward(c.castTo(DataType.FLOAT), g.castTo(DataType.FLOAT));
        double[] fg = f.gradients().dup().toDoubleVector();
        for (int i = 0; i < fg.length; i++) {
            assertThat(fg[i]).as("float param %d", i).isCloseTo(analytic[i],
                    org.assertj.core.data.Offset.offset(1e-4 + 1e-4 * Math.abs(analytic[i])));
        }
        assertThatThrownBy(() -> f.backward(c.castTo(DataType.FLOAT), g.castTo(DataType.FLOAT).get(
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dLastHidden must be FLOAT [6, 4]");
    }

    static org.assertj.core.data.Offset<Double> within(double ref) {
        return org.assertj.core.data.Offset.offset(1e-7 + 1e-6 * Math.abs(ref));
    }

    @Test
    void accumulateSumsGradientsOfSeveralBackwardPasses() {
        Rng rng = new Rng(5);
        Mlp net = doubleNet(Activation.TANH, Activation.TANH, 9);
        INDArray x1 = random(rng, DataType.DOUBLE, 4, 3, 1);
        INDArray x2 = random(rng, DataType.DOUBLE, 7, 3, 1);
        INDArray c1 = random(rng, DataType.DOUBLE, 4, 2, 1);
        INDArray c2 = random(rng, DataType.DOUBLE, 7, 2, 1);
        net.forward(x1);
        net.backward(c1);
        INDArray g1 = net.gradients().dup();
        net.forward(x2);
        net.backward(c2);
        INDArray g2 = net.gradients().dup();
        net.forward(x1);
        net.backward(c1);
        net.forward(x2);
        net.backward(c2, true);
        assertThat(net.gradients().sub(g1.add(g2)).amaxNumber().doubleValue()).isLessThan(1e-12);
    }

    @Test
    void weightsAreViewsAndBuffersAreReusedPerBatchSize() {
        Mlp net = Mlp.builder(8, 2).hidden(64, 64).build(new Rng(1));
        assertThat(net.numParams()).isEqualTo(8 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2);
        for (int l = 0; l < net.numLayers(); l++) {
            assertThat(net.weight(l).isView()).isTrue();
            assertThat(net.bias(l).isView()).isTrue();
            assertThat(net.weightGradient(l).isView()).isTrue();
        }
        net.weight(1).putScalar(3, 5, 42.0);
        assertThat(net.params().getDouble(0, 8 * 64 + 64 + 3 * 64 + 5)).isEqualTo(42.0);
        INDArray a = net.forward(Nd4j.zeros(DataType.FLOAT, 4, 8));
        INDArray b = net.forward(Nd4j.zeros(DataType.FLOAT, 16, 8));
        INDArray a2 = net.forward(Nd4j.ones(DataType.FLOAT, 4, 8));
        assertThat(a2).isSameAs(a);
        assertThat(b).isNotSameAs(a);
        assertThatThrownBy(() -> net.forward(Nd4j.zeros(DataType.DOUBLE, 4, 8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DOUBLE");
        assertThatThrownBy(() -> net.forward(Nd4j.zeros(DataType.FLOAT, 4, 7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[batch, 8]");
    }

    @Test
    void floatForwardMatchesDoubleAndManualComputation() {
        Mlp.Builder cfg = Mlp.builder(3, 2).hidden(4).activation(Activation.TANH);
        Mlp f = cfg.build(new Rng(2));
        Mlp d = cfg.dataType(DataType.DOUBLE).build(new Rng(2));
        assertThat(f.getParams()).containsExactly(d.getParams());
        double[] x = {0.3, -1.2, 0.7};
        INDArray outF = f.forward(Nd4j.create(new double[][] {x}).castTo(DataType.FLOAT));
        INDArray outD = d.forward(Nd4j.create(new double[][] {x}));
        // Manual: y = tanh(x W0 + b0) W1 + b1.
        double[] h = new double[4];
        for (int j = 0; j < 4; j++) {
            double z = d.bias(0).getDouble(0, j);
            for (int i = 0; i < 3; i++) {
                z += x[i] * d.weight(0).getDouble(i, j);
            }
            h[j] = Math.tanh(z);
        }
        for (int k = 0; k < 2; k++) {
            double y = d.bias(1).getDouble(0, k);
            for (int j = 0; j < 4; j++) {
                y += h[j] * d.weight(1).getDouble(j, k);
            }
            assertThat(outD.getDouble(0, k)).isCloseTo(y, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(outF.getDouble(0, k)).isCloseTo(y, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void sameSeedGivesIdenticalParamsAndDifferentSeedsDiffer() {
        Mlp.Builder cfg = Mlp.builder(8, 2).hidden(16, 16);
        assertThat(cfg.build(new Rng(7)).getParams()).containsExactly(cfg.build(new Rng(7)).getParams());
        assertThat(cfg.build(new Rng(7)).getParams()).isNotEqualTo(cfg.build(new Rng(8)).getParams());
    }

    @Test
    void polyakUpdateAndCopyAreExact() {
        Mlp.Builder cfg = Mlp.builder(3, 2).hidden(5).dataType(DataType.DOUBLE);
        Mlp target = cfg.build(new Rng(1));
        Mlp source = cfg.build(new Rng(2));
        double[] t0 = target.params().toDoubleVector();
        double[] s = source.params().toDoubleVector();
        double tau = 0.005;
        target.polyakUpdate(source, tau);
        double[] t1 = target.params().toDoubleVector();
        for (int i = 0; i < t0.length; i++) {
            assertThat(t1[i]).isCloseTo((1 - tau) * t0[i] + tau * s[i], org.assertj.core.data.Offset.offset(1e-15));
        }
        target.polyakUpdate(source, 0.0);
        assertThat(target.params().toDoubleVector()).containsExactly(t1);
        target.polyakUpdate(source, 1.0);
        assertThat(target.params().toDoubleVector()).containsExactly(s);
        Mlp copy = cfg.build(new Rng(3));
        copy.copyParamsFrom(source);
        assertThat(copy.params().toDoubleVector()).containsExactly(s);
        assertThatThrownBy(() -> target.polyakUpdate(Mlp.builder(3, 2).hidden(6).dataType(DataType.DOUBLE)
                .build(new Rng(1)), 0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void setParamsRoundTripsAndRejectsWrongLength() {
        Mlp net = Mlp.builder(2, 1).hidden(3).build(new Rng(1));
        float[] p = net.getParams();
        for (int i = 0; i < p.length; i++) {
            p[i] = i * 0.25f;
        }
        net.setParams(p);
        assertThat(net.getParams()).containsExactly(p);
        assertThatThrownBy(() -> net.setParams(new float[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("13 parameters");
    }

    @Test
    void arrayCopiesRespectViewOffsets() {
        INDArray flat = Nd4j.createFromArray(0.0, 1.0, 2.0, 3.0, 4.0, 5.0).reshape(1, 6);
        INDArray view = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 5)).reshape(1, 2);
        double[] out = new double[2];
        NdArrays.toDoubles(view, out);
        assertThat(out).containsExactly(3.0, 4.0);
        NdArrays.fromDoubles(new double[] {-1, -2}, view);
        assertThat(flat.toDoubleVector()).containsExactly(0.0, 1.0, 2.0, -1.0, -2.0, 5.0);
        INDArray m = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        double[] rows = new double[6];
        NdArrays.toDoubles(m, rows);
        assertThat(rows).containsExactly(1, 2, 3, 4, 5, 6);
    }
}
