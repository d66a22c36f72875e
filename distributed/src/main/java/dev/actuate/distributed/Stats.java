package dev.actuate.distributed;

import java.util.Arrays;

/** Mean and Student-t 95 % confidence interval of a few per-seed scores. */
public final class Stats {
    private Stats() {
    }

    /** {@code mean} with its two-sided 95 % interval; {@code lo == hi == mean} for one score. */
    public record Interval(int n, double mean, double std, double lo, double hi) {
    }

    /** Sample mean, sample standard deviation (n - 1) and mean ± t(0.975, n - 1) · s / √n. */
    public static Interval ci95(double[] scores) {
        int n = scores.length;
        if (n == 0) {
            return new Interval(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = Arrays.stream(scores).average().orElseThrow();
        if (n == 1) {
            return new Interval(1, mean, Double.NaN, mean, mean);
        }
        double ss = 0;
        for (double s : scores) {
            ss += (s - mean) * (s - mean);
        }
        double std = Math.sqrt(ss / (n - 1));
        double half = tQuantile(0.975, n - 1) * std / Math.sqrt(n);
        return new Interval(n, mean, std, mean - half, mean + half);
    }

    /** The {@code p} quantile (p in (0.5, 1)) of Student's t with {@code df} degrees of freedom, by bisection on the CDF. */
    public static double tQuantile(double p, int df) {
        if (!(p > 0.5 && p < 1) || df < 1) {
            throw new IllegalArgumentException("tQuantile needs 0.5 < p < 1 and df >= 1, got p=" + p + ", df=" + df);
        }
        double lo = 0;
        double hi = 1;
        while (tCdf(hi, df) < p) {
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
            double mid = 0.5 * (lo + hi);
            if (tCdf(mid, df) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** P(T <= t) for t >= 0: 1 - I_x(df/2, 1/2) / 2 with x = df / (df + t²). */
    static double tCdf(double t, int df) {
        double x = df / (df + t * t);
        return 1 - 0.5 * regularizedBeta(x, df / 2.0, 0.5);
    }

    /** I_x(a, b) by the continued fraction (Numerical Recipes' betacf), using the symmetry for convergence. */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
        if (x < (a + 1) / (a + b + 2)) {
            return Math.exp(lnFront) * betaContinuedFraction(x, a, b) / a;
        }
        return 1 - Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a) / b;
    }

    private static double betaContinuedFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 500; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    /** Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
    static double lnGamma(double x) {
        final double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
        }
        x -= 1;
        double s = c[0];
        for (int i = 1; i < 9; i++) {
            s += c[i] / (x + i);
        }
        double t = x + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
    }
}
