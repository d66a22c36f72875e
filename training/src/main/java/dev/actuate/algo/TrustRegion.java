package dev.actuate.algo;

/**
 * TRPO's solver pieces on plain arrays (Schulman et al., 2015, appendix C; sb3-contrib's TRPO): conjugate
 * gradient for {@code F x = g} with a fixed iteration count, the step scaled to the KL bound, and the
 * backtracking line search. Kept apart from {@link Trpo}'s loop so each can be tested on crafted cases.
 */
final class TrustRegion {
    /** {@code out = A v} for a symmetric positive (semi-)definite A that is never formed. */
    interface Operator {
        void apply(double[] v, double[] out);
    }

    /** The surrogate objective (to maximise) and the mean KL from the old policy at a trial step. */
    record Trial(double surrogate, double kl) {
    }

    /** Sets the parameters to {@code old + fraction * step} and measures them. */
    interface Probe {
        Trial at(double fraction);
    }

    /**
     * What the line search settled on: {@code accepted} with the step fraction it kept, or rejected (fraction 0,
     * the caller restores the old parameters); {@code trials} steps were measured.
     */
    record Search(boolean accepted, double fraction, int trials, Trial trial) {
    }

    private TrustRegion() {
    }

    /**
     * Conjugate gradient (Nocedal and Wright, algorithm 5.2) from x = 0: {@code iterations} steps, or fewer
     * once the squared residual is below {@code residualTol}. Returns x with {@code A x ~ b}.
     */
    static double[] conjugateGradient(Operator a, double[] b, int iterations, double residualTol) {
        int n = b.length;
        double[] x = new double[n];
        double[] r = b.clone();
        double[] p = b.clone();
        double[] ap = new double[n];
        double rr = dot(r, r);
        for (int k = 0; k < iterations && rr >= residualTol; k++) {
            a.apply(p, ap);
            double pAp = dot(p, ap);
            if (!(pAp > 0)) {
                break; // zero curvature along p (or NaN): x is as good as this operator allows
            }
            double alpha = rr / pAp;
            for (int i = 0; i < n; i++) {
                x[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
            }
            double rrNew = dot(r, r);
            double beta = rrNew / rr;
            for (int i = 0; i < n; i++) {
                p[i] = r[i] + beta * p[i];
            }
            rr = rrNew;
        }
        return x;
    }

    /**
     * The largest multiple of the natural-gradient direction {@code s} whose quadratic KL model
     * {@code 1/2 (beta s)^T F (beta s)} equals {@code maxKl}: {@code beta = sqrt(2 maxKl / s^T F s)}.
     */
    static double stepScale(double[] s, double[] fs, double maxKl) {
        double sFs = dot(s, fs);
        return sFs > 0 ? Math.sqrt(2 * maxKl / sFs) : 0.0;
    }

    /**
     * Backtracking: fractions 1, shrink, shrink^2, ... for at most {@code maxTrials}; accepts the first step whose
     * surrogate improves on {@code oldSurrogate} and whose measured KL is below {@code maxKl} (strictly, as
     * sb3-contrib; the quadratic model only predicts it). Rejects every step if none qualifies.
     */
    static Search lineSearch(Probe probe, double oldSurrogate, double maxKl, double shrink, int maxTrials) {
        double fraction = 1.0;
        Trial last = null;
        for (int t = 1; t <= maxTrials; t++) {
            last = probe.at(fraction);
            if (last.kl() < maxKl && last.surrogate() > oldSurrogate && Double.isFinite(last.surrogate())) {
                return new Search(true, fraction, t, last);
            }
            fraction *= shrink;
        }
        return new Search(false, 0.0, maxTrials, last);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
