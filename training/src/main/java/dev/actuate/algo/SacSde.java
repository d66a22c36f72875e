package dev.actuate.algo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.nn.NdArrays;
import dev.actuate.nn.ParamVector;
import dev.actuate.nn.Parameterized;
import dev.actuate.nn.StateDependentNoise;
import dev.actuate.sim.Rng;
import dev.actuate.train.Checkpoint;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;

/**
 * SAC's squashed gSDE actor head, as SB3's {@code Actor(use_sde=True)}: the actor network outputs only the
 * mean, clipped to {@code [-clipMean, clipMean]} (SB3's Hardtanh, no gradient outside), the log-std is a
 * {@code [latent, actions]} parameter trained by the actor's optimiser, and the action is
 * {@code tanh(mean + latent W)} with the actor's last hidden layer as latent ({@link StateDependentNoise}).
 *
 * <p>Two exploration matrices, as SB3: the collection one, redrawn by the trainer at each rollout's start and
 * every {@code sde_sample_freq} steps (checkpointed), and the training one, redrawn from the current log-std
 * before every gradient step and shared by the batch, through which the actor loss reaches the log-std
 * ({@code W = std * eps}).
 */
final class SacSde {
    static final String LOG_STD = "sde_log_std";
    static final String MATRIX = "sde_matrix";

    private final StateDependentNoise sde;
    private final int actDim;
    private final int latentDim;
    private final double clipMean;
    private final ParamVector logStd; // trained by the actor's Adam
    private final double[] logStdD;
    private final double[] std;
    private final double[] dStd;
    private final double[] collectionW;
    private final double[] trainEps;
    private final double[] trainW;
    private final double[] dLogStd;
    // The last sample's rows (training batch or one collection row).
    private final double[] out;
    private final double[] mean;
    private final boolean[] meanInRange;
    private final double[] latent;
    private final double[] logSigma;
    private final double[] u;
    private int rows;

    /** @param dataType the log-std's, the actor's (one optimiser trains both) */
    SacSde(int latentDim, int actDim, int batch, boolean fullStd, boolean useExpln, double logStdInit,
           double clipMean, DataType dataType) {
        this.sde = new StateDependentNoise(latentDim, actDim, fullStd, useExpln);
        this.actDim = actDim;
        this.latentDim = latentDim;
        this.clipMean = clipMean;
        this.logStd = new ParamVector(sde.numParams(), logStdInit, dataType);
        int m = sde.matrixSize();
        logStdD = new double[sde.numParams()];
        std = new double[m];
        dStd = new double[m];
        collectionW = new double[m];
        trainEps = new double[m];
        trainW = new double[m];
        dLogStd = new double[sde.numParams()];
        out = new double[batch * actDim];
        mean = new double[batch * actDim];
        meanInRange = new boolean[batch * actDim];
        latent = new double[batch * latentDim];
        logSigma = new double[batch * actDim];
        u = new double[batch * actDim];
    }

    /** The log-std parameters, for the actor's optimiser. */
    Parameterized logStd() {
        return logStd;
    }

    /** A new collection matrix from the current log-std. */
    void resetCollectionNoise(Rng rng) {
        refreshStd();
        sde.sampleMatrix(std, rng, null, collectionW, 0);
    }

    /** A new training matrix (and its standard-normal draw) from the current log-std; before each update. */
    void resetTrainingNoise(Rng rng) {
        refreshStd();
        sde.sampleMatrix(std, rng, trainEps, trainW, 0);
    }

    /**
     * Actions {@code tanh(clip(mean) + latent W)} and their log-probs for the first {@code n} rows of the
     * actor's output and last hidden layer (the same forward), with the training or the collection matrix.
     */
    void sample(INDArray actorOut, INDArray actorLatent, int n, boolean training, double[] act, double[] logProb) {
        loadRows(actorOut, actorLatent, 0);
        sampleLoaded(n, training, act, logProb);
    }

    /**
     * Copies a forward pass's output and last hidden layer into this head's rows from {@code fromRow}: the actor's
     * row halves, each on its lane (disjoint rows, so the two may run at once); then {@link #sampleLoaded}.
     */
    void loadRows(INDArray actorOut, INDArray actorLatent, int fromRow) {
        NdArrays.toDoubles(actorOut, out, fromRow * actDim);
        NdArrays.toDoubles(actorLatent, latent, fromRow * latentDim);
    }

    /** {@link #sample} on the first {@code n} rows already {@link #loadRows loaded}. */
    void sampleLoaded(int n, boolean training, double[] act, double[] logProb) {
        refreshStd();
        for (int k = 0; k < n * actDim; k++) {
            double m = out[k];
            meanInRange[k] = clipMean <= 0 || (m > -clipMean && m < clipMean);
            mean[k] = clipMean <= 0 ? m : Math.max(-clipMean, Math.min(clipMean, m));
        }
        if (training) {
            // W = std * eps with this update's eps, from the log-std as it is now (what the gradient assumes).
            for (int i = 0; i < trainW.length; i++) {
                trainW[i] = std[i] * trainEps[i];
            }
        }
        double[] w = training ? trainW : collectionW;
        for (int r = 0; r < n; r++) {
            logProb[r] = sde.squashedSample(mean, r * actDim, latent, r * latentDim, std, w, 0, logSigma, r * actDim,
                    u, r * actDim, act, r * actDim);
        }
        rows = n;
    }

    /**
     * Gradient of SAC's actor loss {@code mean(alpha log pi - min Q)} for the last training {@link #sample}:
     * {@code dLoss/d(network output)} into {@code dOut [rows * actDim]} (zero where the mean was clipped),
     * {@code dLoss/d(latent)} into {@code dLatent [rows * latentDim]} (the network's last hidden layer, which
     * the noise and the variance read: SB3's SAC actor has {@code learn_features=True}) and
     * {@code dLoss/dlogStd} into the log-std's gradient.
     */
    void actorLossGrad(double[] dQda, double alpha, double scale, double[] dOut, double[] dLatent) {
        java.util.Arrays.fill(dOut, 0, rows * actDim, 0.0);
        java.util.Arrays.fill(dLatent, 0, rows * latentDim, 0.0);
        java.util.Arrays.fill(dLogStd, 0.0);
        for (int r = 0; r < rows; r++) {
            int o = r * actDim;
            sde.addSquashedActorLossGrad(mean, o, latent, r * latentDim, std, dStd, trainEps, u, o, logSigma, o, dQda,
                    o, alpha, scale, dOut, o, dLogStd, dLatent, r * latentDim);
        }
        for (int k = 0; k < rows * actDim; k++) {
            if (!meanInRange[k]) {
                dOut[k] = 0.0;
            }
        }
        NdArrays.fromDoubles(dLogStd, logStd.gradients());
    }

    /** Model header fields the deployed policy needs: the mean clip. */
    void describe(ObjectNode header) {
        header.put("use_sde", true);
        header.put("clip_mean", clipMean);
    }

    void save(Checkpoint cp) {
        cp.put(LOG_STD, OffPolicyParts.floats(logStd));
        cp.put(MATRIX, collectionW);
    }

    void restore(Checkpoint cp) throws IOException {
        OffPolicyParts.load(cp, LOG_STD, logStd);
        System.arraycopy(cp.doubles(MATRIX, collectionW.length), 0, collectionW, 0, collectionW.length);
    }

    /** The collection matrix in use (tests). */
    double[] collectionMatrix() {
        return collectionW;
    }

    private void refreshStd() {
        NdArrays.toDoubles(logStd.params(), logStdD);
        sde.std(logStdD, std, dStd);
    }
}
