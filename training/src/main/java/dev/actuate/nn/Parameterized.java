package dev.actuate.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A module whose trainable parameters live in one flat row vector, with a gradient row vector of the same
 * length. Optimisers, Polyak averaging and serialisation work on these two arrays only.
 */
public interface Parameterized {
    /** The flat parameters, shape {@code [1, numParams()]}; modifying it modifies the module. */
    INDArray params();

    /** The flat gradients, same shape as {@link #params()}, written by the module's backward pass. */
    INDArray gradients();

    default long numParams() {
        return params().length();
    }
}
