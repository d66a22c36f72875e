package dev.actuate.nn;

import dev.actuate.nn.infer.FloatMlp;
import dev.actuate.sim.Rng;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * PPO's policy: a diagonal Gaussian whose mean is an {@link Mlp} of the observation and whose log-std is a
 * state-independent parameter vector. Both live in one flat parameter vector {@code [meanNet | logStd]}, so
 * one {@link AdamOptimizer} trains them together. The deterministic action is the mean.
 *
 * <p>The distribution math is {@link DiagGaussian}; this class holds the parameters and moves values between
 * the network's arrays and the Java arrays that math works on.
 */
public final class GaussianPolicy implements Parameterized {
    private final Mlp meanNet;
    private final INDArray params;
    private final INDArray grads;
    private final INDArray logStd;
    private final INDArray logStdGrad;
    private final int actionSize;
    private final double[] logStdScratch;

    /**
     * @param meanNet    the mean network's configuration (input = observation size, output = action size);
     *                   SB3 initialises its output layer with {@code Init.orthogonal(0.01)}
     * @param initLogStd initial log-std of every action dimension (SB3: 0)
     */
    public GaussianPolicy(Mlp.Builder meanNet, double initLogStd, Rng rng) {
        if (!Double.isFinite(initLogStd)) {
            throw new IllegalArgumentException("initial log-std must be finite, got " + initLogStd);
        }
        int p = meanNet.numParams();
        actionSize = meanNet.outputSize();
        params = Nd4j.zeros(meanNet.dataType(), 1, p + actionSize);
        grads = Nd4j.zeros(meanNet.dataType(), 1, p + actionSize);
        this.meanNet = meanNet.build(rng, slice(params, 0, p), slice(grads, 0, p));
        logStd = slice(params, p, p + actionSize);
        logStdGrad = slice(grads, p, p + actionSize);
        logStd.assign(initLogStd);
        logStdScratch = new double[actionSize];
    }

    private static INDArray slice(INDArray flat, long from, long to) {
        return flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, to)).reshape(1, to - from);
    }

    public Mlp meanNet() {
        return meanNet;
    }

    public int observationSize() {
        return meanNet.inputSize();
    }

    public int actionSize() {
        return actionSize;
    }

    @Override
    public INDArray params() {
        return params;
    }

    @Override
    public INDArray gradients() {
        return grads;
    }

    /** The log-std parameters, a live {@code [1, actionSize]} view. */
    public INDArray logStd() {
        return logStd;
    }

    /** The log-std gradient, a live {@code [1, actionSize]} view. */
    public INDArray logStdGradient() {
        return logStdGrad;
    }

    /** Copies the current log-std into {@code out[0..actionSize)}. */
    public void logStd(double[] out) {
        NdArrays.toDoubles(logStd, out);
    }

    /** The mean action, {@code [batch, actionSize]}, for a {@code [batch, obs]} input (see {@link Mlp#forward}). */
    public INDArray forward(INDArray obs) {
        return meanNet.forward(obs);
    }

    /**
     * Overwrites the gradients: backpropagates {@code dMean = dLoss/dmean} through the mean network of the
     * last {@link #forward}, and sets the log-std gradient to {@code dLogStd[0..actionSize)} (the caller
     * sums it over the batch, e.g. with {@link DiagGaussian#addLogProbGrad}, plus the entropy term).
     */
    public void backward(INDArray dMean, double[] dLogStd) {
        meanNet.backward(dMean);
        NdArrays.fromDoubles(dLogStd, logStdGrad);
    }

    /** Samples actions for {@code batch} rows of means ({@code double[batch * actionSize]}, row-major). */
    public void sample(double[] mean, int batch, Rng rng, double[] actions) {
        logStd(logStdScratch);
        for (int r = 0; r < batch; r++) {
            DiagGaussian.sample(mean, r * actionSize, logStdScratch, 0, actionSize, rng, actions, r * actionSize);
        }
    }

    /** Log-probabilities of {@code batch} action rows under the given means, into {@code out[0..batch)}. */
    public void logProb(double[] mean, double[] actions, int batch, double[] out) {
        logStd(logStdScratch);
        for (int r = 0; r < batch; r++) {
            out[r] = DiagGaussian.logProb(actions, r * actionSize, mean, r * actionSize, logStdScratch, 0, actionSize);
        }
    }

    /** Entropy of the (state-independent) action distribution. */
    public double entropy() {
        logStd(logStdScratch);
        return DiagGaussian.entropy(logStdScratch, 0, actionSize);
    }

    /** A plain-Java copy of the mean network: the deterministic policy for run time. */
    public FloatMlp toInference() {
        return FloatMlps.of(meanNet);
    }
}
