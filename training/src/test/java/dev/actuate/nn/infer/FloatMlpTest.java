package dev.actuate.nn.infer;

import dev.actuate.nn.Activation;
import dev.actuate.nn.FloatMlps;
import dev.actuate.nn.Mlp;
import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FloatMlpTest {
    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"TANH", "RELU"})
    void matchesTheNd4jForwardOnRandomInputs(Activation act) {
        Mlp net = Mlp.builder(8, 3).hidden(64, 64).activation(act).outputActivation(Activation.TANH).build(new Rng(4));
        // Non-zero biases so they are exercised too.
        net.params().addi(Nd4j.rand(DataType.FLOAT, 1, net.numParams()).subi(0.5).muli(0.2));
        FloatMlp f = FloatMlps.of(net);
        Rng rng = new Rng(8);
        int batch = 200;
        float[][] obs = new float[batch][8];
        for (float[] o : obs) {
            for (int i = 0; i < 8; i++) {
                o[i] = (float) (2 * rng.nextGaussian());
            }
        }
        INDArray ref = net.forward(Nd4j.create(obs));
        float[] out = new float[3];
        double worst = 0;
        for (int r = 0; r < batch; r++) {
            f.act(obs[r], out);
            for (int k = 0; k < 3; k++) {
                worst = Math.max(worst, Math.abs(out[k] - ref.getDouble(r, k)));
            }
        }
        assertThat(worst).isLessThan(1e-5);
    }

    @Test
    void tanhApproximationIsAccurateOverTheWholeRange() {
        double worst = 0;
        for (int k = -2_000_000; k <= 2_000_000; k++) {
            float x = k * 1e-5f; // covers [-20, 20]: both branches and saturation
            worst = Math.max(worst, Math.abs(FloatMlp.tanh(x) - Math.tanh(x)));
        }
        assertThat(worst).isLessThan(1e-7);
        assertThat(FloatMlp.tanh(100f)).isEqualTo(1f);
        assertThat(FloatMlp.tanh(-100f)).isEqualTo(-1f);
        assertThat(FloatMlp.tanh(1e-6f)).isEqualTo(1e-6f);
        assertThat(Float.isNaN(FloatMlp.tanh(Float.NaN))).isTrue();
    }

    @Test
    void actAllocatesNothing() {
        int[] sizes = {8, 64, 64, 2};
        float[] params = new float[8 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2];
        Rng rng = new Rng(1);
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) (0.1 * rng.nextGaussian());
        }
        FloatMlp f = new FloatMlp(sizes, Activation.TANH, Activation.IDENTITY, params);
        float[] obs = {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, -0.8f};
        float[] out = new float[2];
        for (int i = 0; i < 20_000; i++) {
            obs[i & 7] += 1e-4f;
            f.act(obs, out);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        mx.getCurrentThreadAllocatedBytes();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            obs[i & 7] += 1e-4f;
            f.act(obs, out);
        }
        long after = mx.getCurrentThreadAllocatedBytes();
        assertThat(after - before).isZero();
        assertThat(out[0]).isFinite();
    }

    @Test
    void rejectsWrongParameterCount() {
        assertThatThrownBy(() -> new FloatMlp(new int[] {2, 3, 1}, Activation.TANH, Activation.IDENTITY, new float[12]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 13");
    }
}
