package dev.actuate.nn;

import dev.actuate.sim.Rng;

/**
 * Diagonal Gaussian distribution math on plain Java arrays, one sample of dimension {@code dim} at given
 * offsets (rows of a row-major batch: offset {@code row * dim}).
 *
 * <p>With {@code s = exp(logStd)} and {@code d = (x - mean) / s}:
 * <ul>
 *   <li>{@code log p(x) = sum_i [ -d_i^2 / 2 - logStd_i - log(2 pi) / 2 ]}</li>
 *   <li>{@code H = sum_i [ logStd_i + (1 + log(2 pi)) / 2 ]}, so {@code dH / dlogStd_i = 1}</li>
 *   <li>{@code d log p / d mean_i = d_i / s_i = (x_i - mean_i) / s_i^2}</li>
 *   <li>{@code d log p / d logStd_i = d_i^2 - 1}</li>
 * </ul>
 * The score {@code d log p / d theta} has zero mean under {@code x ~ p}, which the tests check.
 */
public final class DiagGaussian {
    /** {@code log(2 pi) / 2}. */
    public static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private DiagGaussian() {
    }

    public static double logProb(double[] x, int xOff, double[] mean, int meanOff, double[] logStd, int logStdOff,
                                 int dim) {
        double lp = 0;
        for (int i = 0; i < dim; i++) {
            double ls = logStd[logStdOff + i];
            double d = (x[xOff + i] - mean[meanOff + i]) * Math.exp(-ls);
            lp += -0.5 * d * d - ls - HALF_LOG_2PI;
        }
        return lp;
    }

    public static double entropy(double[] logStd, int logStdOff, int dim) {
        double h = 0;
        for (int i = 0; i < dim; i++) {
            h += logStd[logStdOff + i] + 0.5 + HALF_LOG_2PI;
        }
        return h;
    }

    /** Draws {@code out = mean + exp(logStd) * N(0, I)}. */
    public static void sample(double[] mean, int meanOff, double[] logStd, int logStdOff, int dim, Rng rng,
                              double[] out, int outOff) {
        for (int i = 0; i < dim; i++) {
            out[outOff + i] = mean[meanOff + i] + Math.exp(logStd[logStdOff + i]) * rng.nextGaussian();
        }
    }

    /**
     * Adds {@code scale * d log p(x) / d mean} to {@code dMean} and {@code scale * d log p(x) / d logStd} to
     * {@code dLogStd}. Adding (not overwriting) lets a state-independent log-std sum its gradient over a
     * batch by passing the same {@code dLogStd} offset for every row; {@code scale} is the per-sample
     * coefficient of log p in the loss (for PPO, {@code -advantage * ratio / batch}).
     */
    public static void addLogProbGrad(double[] x, int xOff, double[] mean, int meanOff, double[] logStd,
                                      int logStdOff, int dim, double scale,
                                      double[] dMean, int dMeanOff, double[] dLogStd, int dLogStdOff) {
        for (int i = 0; i < dim; i++) {
            double invS = Math.exp(-logStd[logStdOff + i]);
            double d = (x[xOff + i] - mean[meanOff + i]) * invS;
            dMean[dMeanOff + i] += scale * d * invS;
            dLogStd[dLogStdOff + i] += scale * (d * d - 1.0);
        }
    }

    /**
     * {@code KL(old || new) = sum_i [ logStdNew_i - logStdOld_i + (sOld_i^2 + (mOld_i - mNew_i)^2) / (2 sNew_i^2)
     * - 1/2 ]}, zero and with zero gradient at {@code new == old}, where its Hessian is the Fisher information
     * (1/s^2 for a mean, 2 for a log-std). TRPO measures its trust region in the other direction, KL(new || old) as
     * sb3-contrib, by passing the new policy as {@code old} here ({@code Trpo.meanKl}).
     */
    public static double kl(double[] meanOld, double[] logStdOld, int oldLsOff, double[] meanNew, double[] logStdNew,
                            int newLsOff, int meanOff, int dim) {
        double kl = 0;
        for (int i = 0; i < dim; i++) {
            double lo = logStdOld[oldLsOff + i];
            double ln = logStdNew[newLsOff + i];
            double dm = meanOld[meanOff + i] - meanNew[meanOff + i];
            kl += ln - lo + (Math.exp(2 * lo) + dm * dm) * Math.exp(-2 * ln) / 2 - 0.5;
        }
        return kl;
    }

    /** Adds {@code scale * dKL(old || new)/d meanNew} and {@code /d logStdNew} (see {@link #kl}). */
    public static void addKlGrad(double[] meanOld, double[] logStdOld, int oldLsOff, double[] meanNew,
                                 double[] logStdNew, int newLsOff, int meanOff, int dim, double scale,
                                 double[] dMean, double[] dLogStd, int dLogStdOff) {
        for (int i = 0; i < dim; i++) {
            double lo = logStdOld[oldLsOff + i];
            double ln = logStdNew[newLsOff + i];
            double dm = meanOld[meanOff + i] - meanNew[meanOff + i];
            double inv = Math.exp(-2 * ln);
            dMean[meanOff + i] += scale * (-dm * inv);
            dLogStd[dLogStdOff + i] += scale * (1 - (Math.exp(2 * lo) + dm * dm) * inv);
        }
    }
}
