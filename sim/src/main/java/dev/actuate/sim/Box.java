package dev.actuate.sim;

import java.util.Arrays;

/** A box space: per-dimension closed bounds, possibly infinite, as in Gymnasium's {@code Box}. */
public record Box(double[] low, double[] high) {
    public Box {
        if (low.length != high.length) {
            throw new IllegalArgumentException("low and high differ in length: " + low.length + " vs " + high.length);
        }
        for (int i = 0; i < low.length; i++) {
            if (!(low[i] <= high[i])) {
                throw new IllegalArgumentException("low[" + i + "]=" + low[i] + " > high[" + i + "]=" + high[i]);
            }
        }
        low = low.clone();
        high = high.clone();
    }

    /** A box with the same bounds in every one of {@code n} dimensions. */
    public static Box uniform(int n, double low, double high) {
        double[] lo = new double[n];
        double[] hi = new double[n];
        Arrays.fill(lo, low);
        Arrays.fill(hi, high);
        return new Box(lo, hi);
    }

    public int dim() {
        return low.length;
    }

    @Override
    public double[] low() {
        return low.clone();
    }

    @Override
    public double[] high() {
        return high.clone();
    }

    public double low(int i) {
        return low[i];
    }

    public double high(int i) {
        return high[i];
    }

    public boolean contains(double[] x) {
        if (x.length != low.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] >= low[i] && x[i] <= high[i])) {
                return false;
            }
        }
        return true;
    }

    /** Uniform sample; dimensions with an infinite bound are drawn from a standard normal instead. */
    public double[] sample(Rng rng) {
        double[] x = new double[low.length];
        for (int i = 0; i < x.length; i++) {
            boolean finite = Double.isFinite(low[i]) && Double.isFinite(high[i]);
            x[i] = finite ? rng.uniform(low[i], high[i]) : rng.nextGaussian();
        }
        return x;
    }

    /** Clips {@code x} into the box in place and returns it. */
    public double[] clip(double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.min(high[i], Math.max(low[i], x[i]));
        }
        return x;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Box b && Arrays.equals(low, b.low) && Arrays.equals(high, b.high);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(low) + Arrays.hashCode(high);
    }

    @Override
    public String toString() {
        return "Box(" + Arrays.toString(low) + ", " + Arrays.toString(high) + ")";
    }
}
