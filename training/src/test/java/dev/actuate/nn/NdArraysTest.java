package dev.actuate.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NdArraysTest {
    /** Values a float holds exactly but a careless double round trip would not reproduce bit for bit. */
    private static final float[] OBS = {0.1f, -3.3333333f, 1e-30f, 65504.5f, -0.0f, Float.MIN_VALUE};

    @Test
    void fromFloatsKeepsEveryFloatExactlyInFloatAndDoubleArrays() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray dst = Nd4j.zeros(type, 2, 3);
            NdArrays.fromFloats(OBS, dst);
            double[] back = new double[6];
            NdArrays.toDoubles(dst, back);
            for (int i = 0; i < OBS.length; i++) {
                assertThat(Double.doubleToRawLongBits(back[i])).as("%s %d", type, i)
                        .isEqualTo(Double.doubleToRawLongBits(OBS[i]));
                // The same bits as the float -> double -> fromDoubles copy it replaces.
                INDArray viaDoubles = Nd4j.zeros(type, 2, 3);
                double[] d = new double[6];
                for (int k = 0; k < 6; k++) {
                    d[k] = OBS[k];
                }
                NdArrays.fromDoubles(d, viaDoubles);
                assertThat(viaDoubles).isEqualTo(dst);
            }
        }
    }

    @Test
    void fromFloatsFillsOnlyTheDestinationAndWritesNonDenseViewsInRowMajorOrder() {
        INDArray small = Nd4j.zeros(DataType.FLOAT, 1, 2);
        NdArrays.fromFloats(OBS, small); // a longer source: the first rows only (a short last minibatch)
        assertThat(small.toFloatVector()).containsExactly(0.1f, -3.3333333f);

        INDArray whole = Nd4j.zeros(DataType.FLOAT, 3, 4);
        INDArray columns = whole.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)); // [3, 2], not dense
        NdArrays.fromFloats(new float[] {1, 2, 3, 4, 5, 6}, columns);
        assertThat(whole.toFloatMatrix()).isDeepEqualTo(new float[][] {{0, 1, 2, 0}, {0, 3, 4, 0}, {0, 5, 6, 0}});

        assertThatThrownBy(() -> NdArrays.fromFloats(new float[5], Nd4j.zeros(DataType.FLOAT, 2, 3)))
                .hasMessageContaining("source has 5 elements, need 6");
    }
}
