package dev.actuate.nn;

import dev.actuate.sim.Rng;

/**
 * The tanh-squashed diagonal Gaussian of SAC: {@code u ~ N(mean, diag(s^2))}, {@code s = exp(logStd)},
 * action {@code a = tanh(u)} in (-1, 1). Plain Java, one sample of dimension {@code dim} at given offsets.
 *
 * <p><b>Density.</b> By change of variables {@code log p(a) = log N(u; mean, s) - sum_i log(1 - tanh(u_i)^2)},
 * with the stable form {@code log(1 - tanh(u)^2) = 2 (log 2 - u - softplus(-2u))} (exact, no cancellation at
 * large |u|, unlike SB3's {@code log(1 - a^2 + 1e-6)}). The density is expressed in terms of the
 * pre-squash {@code u}; recover it from an action with {@link #atanh(double)} only where needed.
 *
 * <p><b>Gradients.</b> Partial derivatives of {@code log p} as a function of {@code (u, mean, logStd)}:
 * <ul>
 *   <li>{@code d/du_i = -(u_i - mean_i)/s_i^2 + 2 tanh(u_i)}</li>
 *   <li>{@code d/dmean_i = (u_i - mean_i)/s_i^2}</li>
 *   <li>{@code d/dlogStd_i = ((u_i - mean_i)/s_i)^2 - 1}</li>
 * </ul>
 * Along the reparameterised path {@code u = mean + s * eps} (eps fixed) the Gaussian terms cancel:
 * <ul>
 *   <li>{@code dlogp/dmean_i = 2 tanh(u_i)}, {@code dlogp/dlogStd_i = -1 + 2 tanh(u_i) s_i eps_i}</li>
 *   <li>{@code da_i/dmean_i = 1 - tanh(u_i)^2}, {@code da_i/dlogStd_i = (1 - tanh(u_i)^2) s_i eps_i}</li>
 * </ul>
 * {@link #addActorLossGrad} combines these for SAC's actor loss {@code alpha log p(a) - Q(s, a)}.
 */
public final class SquashedGaussian {
    private static final double LN2 = Math.log(2);

    private SquashedGaussian() {
    }

    /** {@code log(1 + exp(x))} without overflow. */
    public static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    /** {@code log(1 - tanh(u)^2)}, stable for all u. */
    public static double logOneMinusTanhSq(double u) {
        return 2.0 * (LN2 - u - softplus(-2.0 * u));
    }

    /** Inverse of tanh with the argument clipped to {@code |a| <= 1 - 1e-7} so it stays finite. */
    public static double atanh(double a) {
        double c = Math.max(-1 + 1e-7, Math.min(1 - 1e-7, a));
        return 0.5 * Math.log((1 + c) / (1 - c));
    }

    /** Log density of the action {@code a = tanh(u)}, given the pre-squash {@code u}. */
    public static double logProb(double[] u, int uOff, double[] mean, int meanOff, double[] logStd, int logStdOff,
                                 int dim) {
        double lp = DiagGaussian.logProb(u, uOff, mean, meanOff, logStd, logStdOff, dim);
        for (int i = 0; i < dim; i++) {
            lp -= logOneMinusTanhSq(u[uOff + i]);
        }
        return lp;
    }

    /**
     * Reparameterised draw: {@code eps ~ N(0, I)}, {@code u = mean + s * eps}, {@code a = tanh(u)}. Keep
     * {@code eps} and {@code u} for the gradients; returns {@code log p(a)}.
     */
    public static double sample(double[] mean, int meanOff, double[] logStd, int logStdOff, int dim, Rng rng,
                                double[] eps, int epsOff, double[] u, int uOff, double[] a, int aOff) {
        double lp = 0;
        for (int i = 0; i < dim; i++) {
            double ls = logStd[logStdOff + i];
            double e = rng.nextGaussian();
            double ui = mean[meanOff + i] + Math.exp(ls) * e;
            eps[epsOff + i] = e;
            u[uOff + i] = ui;
            a[aOff + i] = Math.tanh(ui);
            lp += -0.5 * e * e - ls - DiagGaussian.HALF_LOG_2PI - logOneMinusTanhSq(ui);
        }
        return lp;
    }

    /** Writes the partial derivatives of {@code log p} w.r.t. u, mean and logStd (see class doc). */
    public static void logProbPartials(double[] u, int uOff, double[] mean, int meanOff, double[] logStd,
                                       int logStdOff, int dim,
                                       double[] dU, int dUOff, double[] dMean, int dMeanOff,
                                       double[] dLogStd, int dLogStdOff) {
        for (int i = 0; i < dim; i++) {
            double invS = Math.exp(-logStd[logStdOff + i]);
            double ui = u[uOff + i];
            double d = (ui - mean[meanOff + i]) * invS;
            dMean[dMeanOff + i] = d * invS;
            dU[dUOff + i] = -d * invS + 2.0 * Math.tanh(ui);
            dLogStd[dLogStdOff + i] = d * d - 1.0;
        }
    }

    /**
     * Adds {@code scale * d/d(mean, logStd) [alpha log p(a) - Q]} along the reparameterised path, given
     * {@code dQ/da} from the critic's input gradient: for SAC's actor loss use {@code scale = 1 / batch}.
     */
    public static void addActorLossGrad(double[] mean, int meanOff, double[] logStd, int logStdOff,
                                        double[] eps, int epsOff, double[] dQda, int dQdaOff, int dim,
                                        double alpha, double scale,
                                        double[] dMean, int dMeanOff, double[] dLogStd, int dLogStdOff) {
        for (int i = 0; i < dim; i++) {
            double s = Math.exp(logStd[logStdOff + i]);
            double e = eps[epsOff + i];
            double t = Math.tanh(mean[meanOff + i] + s * e);
            double dadu = 1.0 - t * t;
            double q = dQda[dQdaOff + i];
            dMean[dMeanOff + i] += scale * (alpha * 2.0 * t - q * dadu);
            dLogStd[dLogStdOff + i] += scale * (alpha * (-1.0 + 2.0 * t * s * e) - q * dadu * s * e);
        }
    }
}
