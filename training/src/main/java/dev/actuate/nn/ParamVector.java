package dev.actuate.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Free parameters that belong to no network (SAC's log temperature, gSDE's log-std), as a module of their
 * own so that an {@link AdamOptimizer} and the checkpoint treat them like any network's parameters.
 */
public final class ParamVector implements Parameterized {
    private final INDArray value;
    private final INDArray grad;

    /** {@code n} parameters, each starting at {@code init}; gradients zero. */
    public ParamVector(int n, double init, DataType dataType) {
        value = Nd4j.zeros(dataType, 1, n).assign(init);
        grad = Nd4j.zeros(dataType, 1, n);
    }

    @Override
    public INDArray params() {
        return value;
    }

    @Override
    public INDArray gradients() {
        return grad;
    }
}
