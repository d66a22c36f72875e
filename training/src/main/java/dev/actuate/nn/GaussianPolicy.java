package dev.actuate.nn;

import dev.actuate.nn.infer.FloatMlp;
import dev.actuate.sim.Rng;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * PPO's policy: a diagonal Gaussian whose mean is an {@link Mlp} of the observation and whose log-std is a
 * state-independent parameter vector, or with gSDE ({@link StateDependentNoise}) a {@code [latent, actions]}
 * log-std whose noise is the mean network's last hidden layer times an exploration matrix per env. Both live in
 * one flat parameter vector {@code [meanNet | logStd]}, so one {@link AdamOptimizer} trains them together. The
 * deterministic action is the mean either way.
 *
 * <p>The distribution math is {@link DiagGaussian} (and {@link StateDependentNoise} for the per-row log-std);
 * this class holds the parameters and moves values between the network's arrays and the Java arrays that math
 * works on. The sampling, log-prob and log-std methods use the latent features of the last {@link #forward}.
 */
public final class GaussianPolicy implements Parameterized {
    private final Mlp meanNet;
    private final INDArray params;
    private final INDArray grads;
    private final INDArray logStd;
    private final INDArray logStdGrad;
    private final int actionSize;
    private final double[] logStdScratch;
    /** Null without gSDE. */
    private final StateDependentNoise sde;
    private final double[] std;
    private final double[] dStd;
    /** One exploration matrix per env, {@code [n * latent * actions]}. */
    private double[] matrices = new double[0];
    private int nMatrices;
    // The last forward's latent features and per-row log-sigma (gSDE), sized for the largest batch seen.
    private double[] latent = new double[0];
    private double[] logSigma = new double[0];
    private int latentBatch;
    // Fisher-vector products: the direction's network part, J v per row (means, gSDE log-sigmas), and which forward
    // pass they belong to.
    private final INDArray direction;
    private final double[] fisherScale;
    private double[] uMean = new double[0];
    private double[] uLogSigma = new double[0];
    private int fisherBatch;
    private long fisherForward = -1;

    /**
     * @param meanNet    the mean network's configuration (input = observation size, output = action size);
     *                   SB3 initialises its output layer with {@code Init.orthogonal(0.01)}
     * @param initLogStd initial log-std of every action dimension (SB3: 0)
     */
    public GaussianPolicy(Mlp.Builder meanNet, double initLogStd, Rng rng) {
        this(meanNet, initLogStd, null, rng);
    }

    /**
     * @param sde gSDE over the mean network's last hidden layer ({@code latentDim} must be its width), or null
     *            for a state-independent log-std
     */
    public GaussianPolicy(Mlp.Builder meanNet, double initLogStd, StateDependentNoise sde, Rng rng) {
        if (!Double.isFinite(initLogStd)) {
            throw new IllegalArgumentException("initial log-std must be finite, got " + initLogStd);
        }
        int p = meanNet.numParams();
        actionSize = meanNet.outputSize();
        int[] sizes = meanNet.sizes();
        if (sde != null && (sde.actionSize() != actionSize || sde.latentDim() != sizes[sizes.length - 2])) {
            throw new IllegalArgumentException("gSDE sized for " + sde.latentDim() + " latent features and "
                    + sde.actionSize() + " actions; the mean network has " + sizes[sizes.length - 2] + " and "
                    + actionSize);
        }
        this.sde = sde;
        int nLogStd = sde == null ? actionSize : sde.numParams();
        params = Nd4j.zeros(meanNet.dataType(), 1, p + nLogStd);
        grads = Nd4j.zeros(meanNet.dataType(), 1, p + nLogStd);
        this.meanNet = meanNet.build(rng, slice(params, 0, p), slice(grads, 0, p));
        logStd = slice(params, p, p + nLogStd);
        logStdGrad = slice(grads, p, p + nLogStd);
        logStd.assign(initLogStd);
        logStdScratch = new double[nLogStd];
        direction = Nd4j.zeros(meanNet.dataType(), 1, p);
        fisherScale = new double[actionSize];
        std = sde == null ? null : new double[sde.matrixSize()];
        dStd = sde == null ? null : new double[sde.matrixSize()];
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

    /** Whether exploration is state-dependent (gSDE). */
    public boolean stateDependent() {
        return sde != null;
    }

    /** gSDE's noise model, or null. */
    public StateDependentNoise sde() {
        return sde;
    }

    /** Number of log-std parameters: {@code actionSize}, or gSDE's {@link StateDependentNoise#numParams()}. */
    public int logStdSize() {
        return logStdScratch.length;
    }

    /** The log-std parameters, a live {@code [1, logStdSize]} view. */
    public INDArray logStd() {
        return logStd;
    }

    /** The log-std gradient, a live {@code [1, logStdSize]} view. */
    public INDArray logStdGradient() {
        return logStdGrad;
    }

    /** Copies the current log-std parameters into {@code out[0..logStdSize)}. */
    public void logStd(double[] out) {
        NdArrays.toDoubles(logStd, out);
    }

    /**
     * The mean of {@code exp} over the log-std parameters (with gSDE, over the exploration matrix's entries): the
     * {@code std} the on-policy algorithms log.
     */
    public double meanStd() {
        double[] ls = new double[logStdSize()];
        logStd(ls);
        double std = 0;
        for (double l : ls) {
            std += Math.exp(l) / ls.length;
        }
        return std;
    }

    /** The mean action, {@code [batch, actionSize]}, for a {@code [batch, obs]} input (see {@link Mlp#forward}). */
    public INDArray forward(INDArray obs) {
        return meanNet.forward(obs);
    }

    /**
     * The log-std of each row of the last {@link #forward} ({@code batch} rows) into {@code out}: the shared
     * {@code [actionSize]} vector (returns stride 0), or gSDE's per-row {@code log sigma} {@code [batch *
     * actionSize]} (returns stride {@code actionSize}). Row r's log-std starts at {@code r * stride}.
     */
    public int logStdRows(int batch, double[] out) {
        if (sde == null) {
            logStd(out);
            return 0;
        }
        loadLatent(batch);
        System.arraycopy(logSigma, 0, out, 0, batch * actionSize);
        return actionSize;
    }

    /**
     * Overwrites the gradients: backpropagates {@code dMean = dLoss/dmean} through the mean network of the
     * last {@link #forward}, and sets the log-std gradient from {@code dLogStd} laid out as {@link #logStdRows}
     * returned it: the shared vector's gradient (the caller sums it over the batch, e.g. with
     * {@link DiagGaussian#addLogProbGrad}, plus the entropy term), or with gSDE the per-row
     * {@code dLoss/dlog sigma}, which this chains into the log-std parameters (the latent held constant).
     */
    public void backward(INDArray dMean, double[] dLogStd) {
        meanNet.backward(dMean);
        if (sde == null) {
            NdArrays.fromDoubles(dLogStd, logStdGrad);
            return;
        }
        java.util.Arrays.fill(logStdScratch, 0.0);
        int l = sde.latentDim();
        for (int r = 0; r < latentBatch; r++) {
            sde.addLogSigmaGrad(latent, r * l, std, dStd, logSigma, r * actionSize, dLogStd, r * actionSize,
                    logStdScratch);
        }
        NdArrays.fromDoubles(logStdScratch, logStdGrad);
    }

    /**
     * The Fisher-vector product {@code F v} of the mean over the {@code [batch, obs]} rows of {@code obs}, without
     * forming F: {@link #prepareFisher} then {@link #fisherVectorProduct(double[], double[])}. Overwrites the
     * gradients (save the policy gradient before) and runs a forward pass.
     */
    public void fisherVectorProduct(INDArray obs, double[] v, double[] out) {
        prepareFisher(obs);
        fisherVectorProduct(v, out);
    }

    /**
     * Readies {@link #fisherVectorProduct(double[], double[])} over the {@code [batch, obs]} rows of {@code obs} at
     * the current parameters: one forward pass, whose activations every product then reuses (the Fisher is taken
     * at fixed parameters). Valid until the next forward pass of the mean network or a parameter change.
     */
    public void prepareFisher(INDArray obs) {
        int batch = (int) obs.rows();
        meanNet.forward(obs);
        if (sde != null) {
            loadLatent(batch);
        }
        if (uMean.length < batch * actionSize) {
            uMean = new double[batch * actionSize];
            uLogSigma = new double[sde == null ? 0 : batch * actionSize];
        }
        fisherBatch = batch;
        fisherForward = meanNet.forwardCount();
    }

    /**
     * {@code out = F v} over the rows given to {@link #prepareFisher}: {@code F = mean_i J_i^T M J_i}, with
     * {@code J_i} the Jacobian of row i's (mean, log-std) w.r.t. {@link #params()} and {@code M} the Gaussian's
     * Fisher in those ({@code 1/sigma^2} for a mean, 2 for a log-std): the analytic Hessian of the mean
     * KL(old || new) at new = old. {@code J v} is the mean network's forward-mode pass ({@link Mlp#jvp}) and, with
     * gSDE, the per-row log-sigma's ({@link StateDependentNoise#logSigmaJvp}, the latent held constant as in
     * {@link #backward}); {@code J^T u} is {@link #backward}. No forward pass, and allocation-free on the CPU fast
     * path (buffers sized by {@code prepareFisher}). {@code v} and {@code out} are laid out as {@link #params()}.
     * Overwrites the gradients.
     */
    public void fisherVectorProduct(double[] v, double[] out) {
        if (fisherForward != meanNet.forwardCount()) {
            throw new IllegalStateException("fisherVectorProduct needs prepareFisher after the last forward pass");
        }
        int p = (int) meanNet.numParams();
        int batch = fisherBatch;
        NdArrays.fromDoubles(v, direction);
        INDArray jv = meanNet.jvp(direction);
        NdArrays.toDoubles(jv, uMean);
        if (sde == null) {
            logStd(logStdScratch);
            for (int j = 0; j < actionSize; j++) {
                fisherScale[j] = Math.exp(-2.0 * logStdScratch[j]) / batch;
            }
            for (int r = 0; r < batch; r++) {
                for (int j = 0; j < actionSize; j++) {
                    uMean[r * actionSize + j] *= fisherScale[j];
                }
            }
            NdArrays.fromDoubles(uMean, jv);
            meanNet.backward(jv);
            NdArrays.toDoubles(meanNet.gradients(), out);
            // The log-std Jacobian is the identity in every row, so its block of the mean is 2 v.
            for (int j = 0; j < actionSize; j++) {
                out[p + j] = 2.0 * v[p + j];
            }
            return;
        }
        int l = sde.latentDim();
        for (int r = 0; r < batch; r++) {
            sde.logSigmaJvp(latent, r * l, std, dStd, logSigma, r * actionSize, v, p, uLogSigma, r * actionSize);
            for (int j = 0; j < actionSize; j++) {
                int k = r * actionSize + j;
                uMean[k] *= Math.exp(-2.0 * logSigma[k]) / batch;
                uLogSigma[k] *= 2.0 / batch;
            }
        }
        NdArrays.fromDoubles(uMean, jv);
        backward(jv, uLogSigma);
        NdArrays.toDoubles(grads, out);
    }

    /**
     * Samples actions for {@code batch} rows of means ({@code double[batch * actionSize]}, row-major): a fresh
     * Gaussian draw, or with gSDE {@code mean + latent W} with row r's exploration matrix (one matrix for all
     * rows when there are not {@code batch} of them, as SB3).
     */
    public void sample(double[] mean, int batch, Rng rng, double[] actions) {
        if (sde == null) {
            logStd(logStdScratch);
            for (int r = 0; r < batch; r++) {
                DiagGaussian.sample(mean, r * actionSize, logStdScratch, 0, actionSize, rng, actions, r * actionSize);
            }
            return;
        }
        if (nMatrices == 0) {
            throw new IllegalStateException("gSDE needs resetNoise before sampling");
        }
        loadLatent(batch);
        int l = sde.latentDim();
        for (int r = 0; r < batch; r++) {
            int m = nMatrices == batch ? r : 0;
            sde.noise(latent, r * l, matrices, m * sde.matrixSize(), actions, r * actionSize);
            for (int j = 0; j < actionSize; j++) {
                actions[r * actionSize + j] += mean[r * actionSize + j];
            }
        }
    }

    /** Log-probabilities of {@code batch} action rows under the given means, into {@code out[0..batch)}. */
    public void logProb(double[] mean, double[] actions, int batch, double[] out) {
        if (sde == null) {
            logStd(logStdScratch);
        } else {
            loadLatent(batch);
        }
        for (int r = 0; r < batch; r++) {
            out[r] = sde == null
                    ? DiagGaussian.logProb(actions, r * actionSize, mean, r * actionSize, logStdScratch, 0, actionSize)
                    : DiagGaussian.logProb(actions, r * actionSize, mean, r * actionSize, logSigma, r * actionSize,
                            actionSize);
        }
    }

    /** Entropy of the state-independent action distribution (gSDE's depends on the state: use the rows). */
    public double entropy() {
        if (sde != null) {
            throw new IllegalStateException("a gSDE policy's entropy depends on the state; use logStdRows");
        }
        logStd(logStdScratch);
        return DiagGaussian.entropy(logStdScratch, 0, actionSize);
    }

    /** gSDE: draws {@code n} new exploration matrices (one per env) from the current log-std. */
    public void resetNoise(int n, Rng rng) {
        if (sde == null) {
            throw new IllegalStateException("resetNoise needs gSDE");
        }
        logStd(logStdScratch);
        sde.std(logStdScratch, std, dStd);
        int size = sde.matrixSize();
        if (matrices.length != n * size) {
            matrices = new double[n * size];
        }
        nMatrices = n;
        for (int m = 0; m < n; m++) {
            sde.sampleMatrix(std, rng, null, matrices, m * size);
        }
    }

    /** gSDE: the exploration matrices in use ({@code [n * latent * actions]}), a live array (checkpoints). */
    public double[] explorationMatrices() {
        return matrices;
    }

    /** gSDE: replaces the exploration matrices (resuming a checkpoint). */
    public void setExplorationMatrices(double[] values, int n) {
        if (sde == null || values.length != n * sde.matrixSize()) {
            throw new IllegalArgumentException("expected " + n + " exploration matrices of "
                    + (sde == null ? 0 : sde.matrixSize()) + " entries, got " + values.length + " values");
        }
        matrices = values.clone();
        nMatrices = n;
    }

    /** Latent rows of the last forward, their log-sigma, and the std matrix of the current log-std. */
    private void loadLatent(int batch) {
        int l = sde.latentDim();
        if (latent.length < batch * l) {
            latent = new double[batch * l];
            logSigma = new double[batch * actionSize];
        }
        INDArray h = meanNet.lastHidden();
        if (h.rows() != batch) {
            throw new IllegalStateException("the last forward had " + h.rows() + " rows, not " + batch);
        }
        NdArrays.toDoubles(h, latent);
        logStd(logStdScratch);
        sde.std(logStdScratch, std, dStd);
        for (int r = 0; r < batch; r++) {
            sde.logSigma(latent, r * l, std, logSigma, r * actionSize);
        }
        latentBatch = batch;
    }

    /** A plain-Java copy of the mean network: the deterministic policy for run time. */
    public FloatMlp toInference() {
        return FloatMlps.of(meanNet);
    }
}
