package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RowHalvesTest {
    private static Mlp net(DataType dt) {
        return Mlp.builder(10, 4).hidden(64, 48).activation(Activation.RELU).dataType(dt).build(new Rng(7));
    }

    private static INDArray random(DataType dt, int rows, int cols, long seed) {
        Rng rng = new Rng(seed);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return Nd4j.createFromArray(v).reshape(rows, cols).castTo(dt);
    }

    /** The halves' outputs are the whole batch's rows, and their summed gradient is the whole batch's. */
    @Test
    void halvesGiveTheWholeBatchsOutputsAndGradient() {
        for (DataType dt : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            double tol = dt == DataType.DOUBLE ? 1e-12 : 2e-5;
            int batch = 37; // odd: halves of 18 and 19 rows
            Mlp whole = net(dt);
            Mlp split = net(dt);
            INDArray x = random(dt, batch, 10, 1);
            INDArray dOut = random(dt, batch, 4, 2);
            INDArray yWhole = whole.forward(x).dup();
            whole.backward(dOut);

            RowHalves halves = new RowHalves(split, batch);
            assertThat(halves.rows(0) + halves.rows(1)).isEqualTo(batch);
            INDArray[] xh = halves.split(x);
            INDArray[] dh = halves.split(dOut);
            for (int h = 0; h < 2; h++) {
                INDArray y = halves.half(h).forward(xh[h]);
                for (int r = 0; r < halves.rows(h); r++) {
                    for (int j = 0; j < 4; j++) {
                        assertThat(y.getDouble(r, j)).isCloseTo(yWhole.getDouble(halves.from(h) + r, j), within(tol));
                    }
                }
                halves.half(h).backward(dh[h]);
            }
            halves.sumGradients(0, 2);
            halves.sumGradients(1, 2);
            double[] g = split.gradients().dup().castTo(DataType.DOUBLE).data().asDouble();
            double[] ref = whole.gradients().dup().castTo(DataType.DOUBLE).data().asDouble();
            for (int i = 0; i < ref.length; i++) {
                assertThat(g[i]).as("%s gradient %d", dt, i).isCloseTo(ref[i], within(tol * (1 + Math.abs(ref[i]))));
            }
        }
    }

    /** Half 0 writes the network's gradient vector, half 1 its own, and both read the network's parameters. */
    @Test
    void halvesShareTheParametersAndHalfZeroWritesTheNetworksGradients() {
        Mlp n = net(DataType.FLOAT);
        RowHalves halves = new RowHalves(n, 8);
        assertThat(halves.half(0).gradients()).isSameAs(n.gradients());
        assertThat(halves.half(1).gradients()).isNotSameAs(n.gradients());
        assertThat(halves.half(1).params()).isSameAs(n.params());
        INDArray x = random(DataType.FLOAT, 4, 10, 3);
        INDArray before = halves.half(1).forward(x).dup();
        n.params().addi(0.01); // an optimiser step on the network
        assertThat(halves.half(1).forward(x)).isNotEqualTo(before);
        assertThat(halves.half(1).forward(x)).isEqualTo(n.forward(x));
        assertThatThrownBy(() -> new RowHalves(n, 1)).hasMessageContaining("at least 2 rows");
        assertThatThrownBy(() -> halves.split(Nd4j.zeros(DataType.FLOAT, 9, 10))).hasMessageContaining("[8, n]");
    }

    /** Adam training on the halves: one and two lanes give the same parameters, bit for bit. */
    @Test
    void oneAndTwoLanesTrainBitIdentically() {
        float[][] result = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            Mlp n = net(DataType.FLOAT);
            AdamOptimizer adam = new AdamOptimizer(1e-3, n);
            RowHalves halves = new RowHalves(n, 256);
            INDArray x = random(DataType.FLOAT, 256, 10, 4);
            INDArray dOut = random(DataType.FLOAT, 256, 4, 5);
            INDArray[] xh = halves.split(x);
            INDArray[] dh = halves.split(dOut);
            try (Lanes lanes = new Lanes(threads)) {
                for (int step = 0; step < 20; step++) {
                    lanes.run(2, h -> {
                        halves.half(h).forward(xh[h]);
                        halves.half(h).backward(dh[h]);
                    });
                    lanes.run(2, h -> halves.sumGradients(h, 2));
                    adam.step(lanes);
                }
            }
            result[threads - 1] = n.getParams();
        }
        assertThat(result[1]).containsExactly(result[0]);
    }
}
