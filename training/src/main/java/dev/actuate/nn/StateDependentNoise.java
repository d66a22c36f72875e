package dev.actuate.nn;

import dev.actuate.sim.Rng;

/**
 * Generalised state-dependent exploration (gSDE, Raffin et al., CoRL 2021) with the semantics of
 * Stable-Baselines3's {@code StateDependentNoiseDistribution}, on plain Java arrays.
 *
 * <p>The policy's latent features {@code l} (its last hidden layer, {@code latentDim} wide) drive the noise:
 * {@code noise = l W} with an exploration matrix {@code W [latentDim, actDim]}, {@code W_kj ~ N(0, std_kj^2)},
 * that the trainer redraws only now and then, so the noise is a smooth function of the state between redraws.
 * {@code std = exp(logStd)}, or SB3's {@code expln} ({@code exp(x)} for {@code x <= 0}, {@code log1p(x) + 1}
 * above) that grows slowly. With {@code fullStd} there is one log-std per matrix entry, else one per latent
 * row shared by the actions. Matrices and log-std are row-major {@code [k * actDim + j]}.
 *
 * <p>For a fixed state the action {@code mean + l W} is Gaussian with variance
 * {@code sigma_j^2 = sum_k l_k^2 std_kj^2 (+ 1e-6, as SB3)}; log-probabilities and entropy are those of
 * {@link DiagGaussian} with {@code logSigma_j = log sigma_j}. For the on-policy algorithms, as SB3's
 * {@code ActorCriticPolicy} ({@code learn_features=False}), the latent features are treated as constants: no
 * gradient reaches the network through the noise or the variance, only through the mean. SAC's squashed actor,
 * as SB3's ({@code learn_features=True}), also passes the actor loss's gradient through the latent
 * ({@link #addSquashedActorLossGrad}'s {@code dLatent}).
 *
 * <p>Gradients, with {@code s = std_kj}, {@code s' = dstd/dlogStd_kj}:
 * <ul>
 *   <li>{@code dlogSigma_j / dlogStd_kj = l_k^2 s s' / sigma_j^2} (summed over j when not {@code fullStd})</li>
 *   <li>squashed (SAC), along the reparameterised path {@code W = std * eps}: {@code dnoise_j / dlogStd_kj =
 *       l_k s' eps_kj}; see {@link #addSquashedActorLossGrad}.</li>
 * </ul>
 */
public final class StateDependentNoise {
    /** Added to the variance, as SB3 ({@code epsilon=1e-6}), so a zero latent keeps a finite density. */
    public static final double EPSILON = 1e-6;

    private final int latentDim;
    private final int actDim;
    private final boolean fullStd;
    private final boolean useExpln;

    public StateDependentNoise(int latentDim, int actDim, boolean fullStd, boolean useExpln) {
        if (latentDim <= 0 || actDim <= 0) {
            throw new IllegalArgumentException("gSDE needs positive latent and action sizes, got " + latentDim + ", "
                    + actDim);
        }
        this.latentDim = latentDim;
        this.actDim = actDim;
        this.fullStd = fullStd;
        this.useExpln = useExpln;
    }

    /**
     * The trainers' schedule, as SB3's: new exploration matrices at a rollout's first step and, with
     * {@code sdeSampleFreq > 0}, at every step of it that is a multiple of that; the noise is constant in between.
     */
    public static boolean redraws(long rolloutStep, int sdeSampleFreq) {
        return rolloutStep == 0 || (sdeSampleFreq > 0 && rolloutStep % sdeSampleFreq == 0);
    }

    public int latentDim() {
        return latentDim;
    }

    public int actionSize() {
        return actDim;
    }

    public boolean fullStd() {
        return fullStd;
    }

    public boolean useExpln() {
        return useExpln;
    }

    /** Number of log-std parameters: {@code latentDim * actDim} with {@code fullStd}, else {@code latentDim}. */
    public int numParams() {
        return fullStd ? latentDim * actDim : latentDim;
    }

    /** Entries of one exploration matrix. */
    public int matrixSize() {
        return latentDim * actDim;
    }

    /** {@code exp(x)}, or SB3's expln. */
    public double std(double logStd) {
        if (!useExpln || logStd <= 0) {
            return Math.exp(logStd);
        }
        return Math.log1p(logStd + EPSILON) + 1.0; // SB3 adds epsilon inside log1p
    }

    /** {@code d std / d logStd}. */
    public double stdDerivative(double logStd) {
        if (!useExpln || logStd <= 0) {
            return Math.exp(logStd);
        }
        return 1.0 / (1.0 + logStd + EPSILON);
    }

    /** The std matrix {@code [latentDim * actDim]} and its derivative w.r.t. the owning log-std parameter. */
    public void std(double[] logStd, double[] std, double[] dStd) {
        for (int k = 0; k < latentDim; k++) {
            for (int j = 0; j < actDim; j++) {
                double ls = logStd[fullStd ? k * actDim + j : k];
                std[k * actDim + j] = std(ls);
                if (dStd != null) {
                    dStd[k * actDim + j] = stdDerivative(ls);
                }
            }
        }
    }

    /** Draws {@code W = std * eps}, {@code eps ~ N(0, I)}, into {@code w[wOff..]}; keeps eps when non-null. */
    public void sampleMatrix(double[] std, Rng rng, double[] eps, double[] w, int wOff) {
        int n = matrixSize();
        for (int i = 0; i < n; i++) {
            double e = rng.nextGaussian();
            if (eps != null) {
                eps[i] = e;
            }
            w[wOff + i] = std[i] * e;
        }
    }

    /** {@code out_j = sum_k latent_k W_kj} for one row. */
    public void noise(double[] latent, int lOff, double[] w, int wOff, double[] out, int outOff) {
        for (int j = 0; j < actDim; j++) {
            out[outOff + j] = 0.0;
        }
        for (int k = 0; k < latentDim; k++) {
            double l = latent[lOff + k];
            int row = wOff + k * actDim;
            for (int j = 0; j < actDim; j++) {
                out[outOff + j] += l * w[row + j];
            }
        }
    }

    /** {@code logSigma_j = log(sum_k latent_k^2 std_kj^2 + EPSILON) / 2} for one row. */
    public void logSigma(double[] latent, int lOff, double[] std, double[] out, int outOff) {
        for (int j = 0; j < actDim; j++) {
            double var = EPSILON;
            for (int k = 0; k < latentDim; k++) {
                double ls = latent[lOff + k] * std[k * actDim + j];
                var += ls * ls;
            }
            out[outOff + j] = 0.5 * Math.log(var);
        }
    }

    /**
     * Adds the chain rule of one row into the log-std parameters: {@code dLogStd += sum_j dLogSigma_j *
     * dlogSigma_j/dlogStd}, given the row's latent and logSigma.
     */
    public void addLogSigmaGrad(double[] latent, int lOff, double[] std, double[] dStd, double[] logSigma, int sOff,
                                double[] dLogSigma, int dOff, double[] dLogStd) {
        for (int j = 0; j < actDim; j++) {
            double g = dLogSigma[dOff + j];
            if (g == 0.0) {
                continue;
            }
            double invVar = Math.exp(-2.0 * logSigma[sOff + j]);
            for (int k = 0; k < latentDim; k++) {
                double l = latent[lOff + k];
                int kj = k * actDim + j;
                dLogStd[fullStd ? kj : k] += g * l * l * std[kj] * dStd[kj] * invVar;
            }
        }
    }

    // ------------------------------------------------------------------------------ squashed (SAC)

    /**
     * The forward-mode derivative of one row's {@code logSigma} along a log-std direction {@code v}
     * ({@code [numParams]}): {@code out_j = sum_k dlogSigma_j/dlogStd_kj v_kj}, the latent held constant (the
     * transpose of {@link #addLogSigmaGrad}; TRPO's Fisher-vector product).
     */
    public void logSigmaJvp(double[] latent, int lOff, double[] std, double[] dStd, double[] logSigma, int sOff,
                            double[] v, int vOff, double[] out, int outOff) {
        for (int j = 0; j < actDim; j++) {
            double invVar = Math.exp(-2.0 * logSigma[sOff + j]);
            double d = 0;
            for (int k = 0; k < latentDim; k++) {
                double l = latent[lOff + k];
                int kj = k * actDim + j;
                d += l * l * std[kj] * dStd[kj] * invVar * v[vOff + (fullStd ? kj : k)];
            }
            out[outOff + j] = d;
        }
    }

    /**
     * SAC's squashed draw with a given exploration matrix: {@code u = mean + latent W}, {@code a = tanh(u)};
     * writes the row's {@code logSigma}, {@code u} and {@code a} and returns {@code log p(a)}: the Gaussian
     * density of {@code u} with variance {@code sigma^2} minus {@code sum_j log(1 - tanh(u_j)^2)} (the stable
     * form of {@link SquashedGaussian}).
     */
    public double squashedSample(double[] mean, int meanOff, double[] latent, int lOff, double[] std,
                                 double[] w, int wOff, double[] logSigma, int sOff, double[] u, int uOff,
                                 double[] a, int aOff) {
        logSigma(latent, lOff, std, logSigma, sOff);
        noise(latent, lOff, w, wOff, u, uOff);
        for (int j = 0; j < actDim; j++) {
            u[uOff + j] += mean[meanOff + j];
            a[aOff + j] = Math.tanh(u[uOff + j]);
        }
        return SquashedGaussian.logProb(u, uOff, mean, meanOff, logSigma, sOff, actDim);
    }

    /**
     * Adds {@code scale * d/d(mean, logStd, latent) [alpha log p(a) - Q(s, a)]} for one row of
     * {@link #squashedSample}, along the reparameterised path {@code W = std * eps}, given {@code dQ/da}. With
     * {@code n = u - mean}:
     * <ul>
     *   <li>{@code dlogp/dmean_j = 2 tanh(u_j)} (the Gaussian term depends on n only),
     *       {@code da_j/dmean_j = 1 - tanh(u_j)^2};</li>
     *   <li>{@code dlogp/dn_j = -n_j/sigma_j^2 + 2 tanh(u_j)}, {@code dlogp/dlogSigma_j = n_j^2/sigma_j^2 - 1},
     *       {@code dn_j/dlogStd_kj = l_k s' eps_kj}, {@code dlogSigma_j/dlogStd_kj = l_k^2 s s'/sigma_j^2};</li>
     *   <li>the latent, as SB3's SAC actor ({@code learn_features=True}): {@code dn_j/dl_k = W_kj},
     *       {@code dlogSigma_j/dl_k = l_k s^2/sigma_j^2}, into {@code dLatent} (skipped when null, the latent
     *       then held constant).</li>
     * </ul>
     */
    public void addSquashedActorLossGrad(double[] mean, int meanOff, double[] latent, int lOff, double[] std,
                                         double[] dStd, double[] eps, double[] u, int uOff, double[] logSigma,
                                         int sOff, double[] dQda, int qOff, double alpha, double scale,
                                         double[] dMean, int dMeanOff, double[] dLogStd, double[] dLatent,
                                         int dlOff) {
        for (int j = 0; j < actDim; j++) {
            double t = Math.tanh(u[uOff + j]);
            double dadu = 1.0 - t * t;
            double q = dQda[qOff + j];
            double invVar = Math.exp(-2.0 * logSigma[sOff + j]);
            double n = u[uOff + j] - mean[meanOff + j];
            dMean[dMeanOff + j] += scale * (alpha * 2.0 * t - q * dadu);
            double gNoise = scale * (alpha * (-n * invVar + 2.0 * t) - q * dadu);
            double gLogSigma = scale * alpha * (n * n * invVar - 1.0);
            for (int k = 0; k < latentDim; k++) {
                double l = latent[lOff + k];
                int kj = k * actDim + j;
                double s = std[kj];
                dLogStd[fullStd ? kj : k] += gNoise * l * dStd[kj] * eps[kj]
                        + gLogSigma * l * l * s * dStd[kj] * invVar;
                if (dLatent != null) {
                    dLatent[dlOff + k] += gNoise * s * eps[kj] + gLogSigma * l * s * s * invVar;
                }
            }
        }
    }
}
