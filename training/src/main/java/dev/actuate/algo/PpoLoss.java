package dev.actuate.algo;

import dev.actuate.nn.DiagGaussian;

/**
 * PPO's losses and their hand-written gradients on plain arrays, one minibatch of {@code batch} rows:
 * the clipped surrogate with entropy bonus w.r.t. the Gaussian mean and (state-independent) log-std,
 * and the (optionally clipped) value loss w.r.t. the predicted values. Kept apart from {@link Ppo}'s
 * loop so the gradients can be checked against finite differences.
 */
public final class PpoLoss {
    /** Diagnostics of one minibatch's policy loss. */
    public record PolicyStats(double loss, double pgLoss, double entropy, double approxKl, double clipFraction) {
    }

    private PpoLoss() {
    }

    /**
     * {@code L = mean_i max(-A_i r_i, -A_i clip(r_i, 1 - clipCoef, 1 + clipCoef)) - entCoef * H}, with
     * {@code r_i = exp(log pi(a_i) - oldLogProb_i)}; writes {@code dL/dmean} ({@code [batch * actDim]})
     * and {@code dL/dlogStd} ({@code [actDim]}, summed over the batch).
     *
     * <p>Where the clipped term is the larger one, the ratio is outside the clip range on the side
     * the advantage's sign makes profitable, and that row contributes exactly zero gradient.
     */
    public static PolicyStats policy(double[] mean, double[] logStd, double[] actions, double[] oldLogProb,
                                     double[] advantages, int batch, int actDim, double clipCoef, double entCoef,
                                     double[] dMean, double[] dLogStd) {
        return policy(mean, logStd, 0, actions, oldLogProb, advantages, batch, actDim, clipCoef, entCoef, dMean,
                dLogStd);
    }

    /**
     * The same loss with row i's log-std at {@code logStd[i * logStdStride]}: stride 0 is the shared
     * (state-independent) log-std, stride {@code actDim} a per-row one (gSDE's log sigma), whose gradient
     * {@code dLogStd [batch * actDim]} is then per row and {@code H} the batch mean of the rows' entropies.
     */
    public static PolicyStats policy(double[] mean, double[] logStd, int logStdStride, double[] actions,
                                     double[] oldLogProb, double[] advantages, int batch, int actDim, double clipCoef,
                                     double entCoef, double[] dMean, double[] dLogStd) {
        int logStdRows = logStdStride == 0 ? 1 : batch;
        java.util.Arrays.fill(dMean, 0, batch * actDim, 0.0);
        java.util.Arrays.fill(dLogStd, 0, logStdRows * actDim, 0.0);
        double pgLoss = 0;
        double approxKl = 0;
        int clipped = 0;
        for (int i = 0; i < batch; i++) {
            int off = i * actDim;
            int sOff = i * logStdStride;
            double logRatio = DiagGaussian.logProb(actions, off, mean, off, logStd, sOff, actDim) - oldLogProb[i];
            double ratio = Math.exp(logRatio);
            double a = advantages[i];
            double pg1 = -a * ratio;
            double pg2 = -a * Math.max(1 - clipCoef, Math.min(1 + clipCoef, ratio));
            pgLoss += Math.max(pg1, pg2);
            // d max(pg1, pg2)/d ratio: -A on the unclipped branch, 0 where the clipped constant wins.
            double dRatio = pg1 >= pg2 ? -a : 0.0;
            double dLogProb = dRatio * ratio / batch;
            if (dLogProb != 0.0) {
                DiagGaussian.addLogProbGrad(actions, off, mean, off, logStd, sOff, actDim, dLogProb, dMean, off,
                        dLogStd, sOff);
            }
            approxKl += (ratio - 1) - logRatio;
            if (Math.abs(ratio - 1) > clipCoef) {
                clipped++;
            }
        }
        pgLoss /= batch;
        double entropy = 0;
        for (int r = 0; r < logStdRows; r++) {
            entropy += DiagGaussian.entropy(logStd, r * actDim, actDim) / logStdRows;
        }
        // dH/dlogStd_j = 1 per row; the batch mean keeps it 1 for a shared log-std and makes it 1/batch per row.
        for (int k = 0; k < logStdRows * actDim; k++) {
            dLogStd[k] -= entCoef / logStdRows;
        }
        return new PolicyStats(pgLoss - entCoef * entropy, pgLoss, entropy, approxKl / batch, (double) clipped / batch);
    }

    /**
     * Value loss {@code mean_i (v_i - R_i)^2} (SB3's MSE, without CleanRL's factor 1/2), or with
     * {@code clip} the pessimistic {@code mean_i max((v_i - R_i)^2, (v_old + clip(v_i - v_old, +-clipCoef) - R_i)^2)}.
     * Writes {@code vfCoef * dLoss/dv} into {@code dValue} and returns the unscaled loss.
     */
    public static double value(double[] values, double[] oldValues, double[] returns, int batch, boolean clip,
                               double clipCoef, double vfCoef, double[] dValue) {
        double loss = 0;
        for (int i = 0; i < batch; i++) {
            double d = values[i] - returns[i];
            double l = d * d;
            double g = 2 * d;
            if (clip) {
                double step = values[i] - oldValues[i];
                double clippedStep = Math.max(-clipCoef, Math.min(clipCoef, step));
                double dc = oldValues[i] + clippedStep - returns[i];
                if (dc * dc > l) {
                    l = dc * dc;
                    g = Math.abs(step) < clipCoef ? 2 * dc : 0.0;
                }
            }
            loss += l;
            dValue[i] = vfCoef * g / batch;
        }
        return loss / batch;
    }

    /** In place: {@code (x - mean) / (std + 1e-8)} with the unbiased std, as SB3; one row is left alone. */
    public static void normalize(double[] x, int n) {
        if (n < 2) {
            return;
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += x[i];
        }
        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            ss += (x[i] - mean) * (x[i] - mean);
        }
        double std = Math.sqrt(ss / (n - 1));
        for (int i = 0; i < n; i++) {
            x[i] = (x[i] - mean) / (std + 1e-8);
        }
    }
}
