package dev.actuate.runtime.safety;

/**
 * Limits how fast each command component may change: at most {@code maxRate[i] * period} per
 * cycle. The loop runs at a fixed rate, so the nominal period is used rather than the measured
 * one: the limiter is then deterministic, and a late cycle cannot license a larger jump.
 * An infinite rate disables the limit for that component.
 */
public final class RateLimiter {
    private final double[] maxDelta;
    private final double[] previous;
    private boolean primed;

    public RateLimiter(double[] maxRatePerSecond, double periodSeconds) {
        if (!(periodSeconds > 0)) {
            throw new IllegalArgumentException("period must be positive, got " + periodSeconds);
        }
        maxDelta = new double[maxRatePerSecond.length];
        for (int i = 0; i < maxDelta.length; i++) {
            if (!(maxRatePerSecond[i] > 0)) {
                throw new IllegalArgumentException("max rate " + i + " must be positive, got " + maxRatePerSecond[i]);
            }
            maxDelta[i] = maxRatePerSecond[i] * periodSeconds;
        }
        previous = new double[maxDelta.length];
    }

    /** Limits {@code a} in place against the previous output; returns whether any component was slowed. */
    public boolean apply(double[] a) {
        boolean limited = false;
        if (primed) {
            for (int i = 0; i < a.length; i++) {
                double d = a[i] - previous[i];
                if (d > maxDelta[i]) {
                    a[i] = previous[i] + maxDelta[i];
                    limited = true;
                } else if (d < -maxDelta[i]) {
                    a[i] = previous[i] - maxDelta[i];
                    limited = true;
                }
            }
        }
        System.arraycopy(a, 0, previous, 0, a.length);
        primed = true;
        return limited;
    }

    /** Sets the previous output, e.g. to the safe action after it was sent unlimited. */
    public void reset(double[] to) {
        System.arraycopy(to, 0, previous, 0, previous.length);
        primed = true;
    }
}
