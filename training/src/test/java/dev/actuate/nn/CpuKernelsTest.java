package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/**
 * The CPU fast paths against double-precision references: {@link CpuKernels#gemm} (all transposes, views
 * into a flat vector as Mlp's weights are, beta accumulation) and float Mlp gradients (cblas gemms and the
 * Java activation backward loops) against the DOUBLE network, which takes the ND4J path and is itself
 * checked by finite differences in {@link MlpTest}.
 */
class CpuKernelsTest {

    /** A [rows, cols] view at an offset inside a larger flat float vector, filled with known values. */
    private static INDArray viewMatrix(Rng rng, int rows, int cols, int offset) {
        INDArray flat = MlpTest.random(rng, DataType.FLOAT, 1, offset + rows * cols + 3, 1.0);
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + rows * cols))
                .reshape('c', rows, cols);
    }

    /** Transposes (bits 0, 1) times shapes: a general product, m = 1 and n = 1 (the sgemv paths). */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
    void gemmMatchesDoubleReference(int variant) {
        int transposes = variant & 3;
        int shape = variant >> 2;
        // The tests run on the CPU backend, so the fast path must be the one under test here.
        assertThat(CpuKernels.ENABLED).isEqualTo(Nd4j.getBackend().getClass().getName().endsWith("CpuBackend"));
        boolean ta = (transposes & 1) != 0;
        boolean tb = (transposes & 2) != 0;
        Rng rng = new Rng(3 + variant);
        int m = shape == 1 ? 1 : 5;
        int k = 7;
        int n = shape == 2 ? 1 : 4;
        INDArray a = viewMatrix(rng, ta ? k : m, ta ? m : k, 11);
        INDArray b = viewMatrix(rng, tb ? n : k, tb ? k : n, 6);
        INDArray c = viewMatrix(rng, m, n, 9);
        INDArray c0 = c.dup();
        INDArray ref = (ta ? a.transpose() : a).castTo(DataType.DOUBLE)
                .mmul((tb ? b.transpose() : b).castTo(DataType.DOUBLE)).muli(0.5)
                .addi(c0.castTo(DataType.DOUBLE).muli(2.0));
        CpuKernels.gemm(a, b, c, ta, tb, 0.5, 2.0);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                assertThat(c.getDouble(i, j)).isCloseTo(ref.getDouble(i, j), offset(1e-5));
            }
        }
    }

    @Test
    void reluBackwardPassesTheGradientExactlyWherePreActivationIsPositive() {
        float[] z = {1f, -1f, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e30f, -1e30f};
        float[] dA = {1f, 2f, 3f, 4f, 5f, -6f, 7f, 8f};
        java.nio.FloatBuffer zb = java.nio.FloatBuffer.wrap(z);
        java.nio.FloatBuffer db = java.nio.FloatBuffer.wrap(dA);
        java.nio.FloatBuffer out = java.nio.FloatBuffer.allocate(8);
        CpuKernels.reluBackward(zb, db, out, 8, new float[8], new float[8]);
        assertThat(out.array()).containsExactly(1f, 0f, 0f, 0f, 5f, 0f, 7f, 0f);
    }

    /** A bare float parameter vector, standing in for a network. */
    record FloatVec(INDArray params, INDArray gradients) implements Parameterized {
        static FloatVec random(Rng rng, int n) {
            return new FloatVec(MlpTest.random(rng, DataType.FLOAT, 1, n, 1.0), Nd4j.zeros(DataType.FLOAT, 1, n));
        }
    }

    @Test
    void floatAdamLoopMatchesNd4jAdamUpdater() {
        Rng rng = new Rng(21);
        FloatVec a = FloatVec.random(rng, 37);
        FloatVec b = FloatVec.random(rng, 5);
        AdamOptimizer opt = new AdamOptimizer(0.01, 0.9, 0.999, 1e-8, a, b);
        assertThat(opt.usesFloatLoop(0)).isEqualTo(CpuKernels.ENABLED);
        assertThat(opt.usesFloatLoop(1)).isEqualTo(CpuKernels.ENABLED);
        // Reference: ND4J's own updater on copies (state layout per module: m then v).
        INDArray[] refP = {a.params().dup(), b.params().dup()};
        org.nd4j.linalg.learning.config.Adam cfg = new org.nd4j.linalg.learning.config.Adam(0.01, 0.9, 0.999, 1e-8);
        org.nd4j.linalg.learning.AdamUpdater[] ref = new org.nd4j.linalg.learning.AdamUpdater[2];
        INDArray[] refState = {Nd4j.zeros(DataType.FLOAT, 1, 74), Nd4j.zeros(DataType.FLOAT, 1, 10)};
        for (int i = 0; i < 2; i++) {
            ref[i] = new org.nd4j.linalg.learning.AdamUpdater(cfg);
            ref[i].setStateViewArray(refState[i], new long[] {1, refP[i].length()}, 'c', true);
        }
        double[] lrs = {0.01, 0.01, 0.003, 0.0, 0.02};
        FloatVec[] mods = {a, b};
        for (int s = 0; s < lrs.length; s++) {
            opt.setLearningRate(lrs[s]);
            cfg.setLearningRate(lrs[s]);
            for (int i = 0; i < 2; i++) {
                INDArray g = MlpTest.random(rng, DataType.FLOAT, 1, (int) refP[i].length(), s == 2 ? 1e-4 : 1.0);
                mods[i].gradients().assign(g);
                ref[i].applyUpdater(g, s, 0);
                refP[i].subi(g);
            }
            opt.step();
            for (int i = 0; i < 2; i++) {
                assertThat(mods[i].params().toDoubleVector()).as("step %d module %d", s, i)
                        .containsExactly(refP[i].toDoubleVector(), offset(1e-6));
            }
        }
        double[] st = opt.state().toDoubleVector();
        double[] r0 = refState[0].toDoubleVector();
        double[] r1 = refState[1].toDoubleVector();
        for (int k = 0; k < 74; k++) {
            assertThat(st[k]).isCloseTo(r0[k], offset(1e-6));
        }
        for (int k = 0; k < 10; k++) {
            assertThat(st[74 + k]).isCloseTo(r1[k], offset(1e-6));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"RELU", "TANH"})
    void floatGradientsMatchDoubleNetwork(Activation act) {
        Mlp.Builder cfg = Mlp.builder(3, 2).hidden(6, 5).activation(act).hiddenInit(Init.xavierUniform());
        Mlp f = cfg.build(new Rng(4));
        Mlp d = cfg.dataType(DataType.DOUBLE).build(new Rng(4));
        Rng rng = new Rng(9);
        INDArray x = MlpTest.random(rng, DataType.DOUBLE, 8, 3, 1.0);
        INDArray dOut = MlpTest.random(rng, DataType.DOUBLE, 8, 2, 1.0);
        INDArray yf = f.forward(x.castTo(DataType.FLOAT));
        INDArray yd = d.forward(x);
        for (int r = 0; r < 8; r++) {
            for (int j = 0; j < 2; j++) {
                assertThat(yf.getDouble(r, j)).isCloseTo(yd.getDouble(r, j), offset(1e-5));
            }
        }
        f.backward(dOut.castTo(DataType.FLOAT));
        d.backward(dOut);
        INDArray gf = f.gradients();
        INDArray gd = d.gradients();
        double scale = gd.norm2Number().doubleValue();
        assertThat(scale).isGreaterThan(0.1);
        for (long i = 0; i < gd.length(); i++) {
            assertThat(gf.getDouble(i)).as("gradient %d", i).isCloseTo(gd.getDouble(i), offset(1e-5 * scale));
        }
        INDArray df = f.backwardInput(dOut.castTo(DataType.FLOAT));
        INDArray dd = d.backwardInput(dOut);
        for (int r = 0; r < 8; r++) {
            for (int j = 0; j < 3; j++) {
                assertThat(df.getDouble(r, j)).isCloseTo(dd.getDouble(r, j), offset(1e-5 * scale));
            }
        }
    }
}
