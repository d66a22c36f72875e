package dev.actuate.runtime.safety;

import dev.actuate.hw.OutOfRange;
import dev.actuate.hw.Signal;

import java.util.List;

/**
 * The state signals' {@code [min, max]} from the robot config. Signals marked
 * {@link OutOfRange#CLAMP} are clamped before the policy sees them; any other signal out of range
 * makes the safety layer send the safe action ({@link SafetyEvent#STATE_OUT_OF_RANGE}).
 * NaN is not "out of range" here: the NaN guard counts it. Allocation-free.
 */
public final class StateLimits {
    private final double[] min;
    private final double[] max;
    private final boolean[] clamp;

    private StateLimits(double[] min, double[] max, boolean[] clamp) {
        this.min = min;
        this.max = max;
        this.clamp = clamp;
    }

    /** Limits of the given state signals, in order. */
    public static StateLimits of(List<Signal> state) {
        int n = state.size();
        double[] lo = new double[n];
        double[] hi = new double[n];
        boolean[] c = new boolean[n];
        for (int i = 0; i < n; i++) {
            lo[i] = state.get(i).min();
            hi[i] = state.get(i).max();
            c[i] = state.get(i).outOfRange() == OutOfRange.CLAMP;
        }
        return new StateLimits(lo, hi, c);
    }

    /** No limits: every finite state passes. */
    public static StateLimits none(int n) {
        double[] lo = new double[n];
        double[] hi = new double[n];
        java.util.Arrays.fill(lo, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.POSITIVE_INFINITY);
        return new StateLimits(lo, hi, new boolean[n]);
    }

    public int size() {
        return min.length;
    }

    /** Clamps the clamp-signals of {@code state} in place; returns whether any was clamped. */
    public boolean clamp(double[] state) {
        boolean any = false;
        for (int i = 0; i < min.length; i++) {
            if (clamp[i]) {
                if (state[i] < min[i]) {
                    state[i] = min[i];
                    any = true;
                } else if (state[i] > max[i]) {
                    state[i] = max[i];
                    any = true;
                }
            }
        }
        return any;
    }

    /** Whether every signal that is not clamped lies within its range (NaN passes: the NaN guard handles it). */
    public boolean inRange(double[] state) {
        for (int i = 0; i < min.length; i++) {
            if (!clamp[i] && (state[i] < min[i] || state[i] > max[i])) {
                return false;
            }
        }
        return true;
    }
}
