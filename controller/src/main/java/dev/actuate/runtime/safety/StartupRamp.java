package dev.actuate.runtime.safety;

/**
 * Scales commands from the safe action (factor 0) to the policy's (factor 1) linearly over the
 * first {@code rampSeconds}, counted in nominal periods so the ramp is deterministic:
 * {@code out = safe + s * (a - safe)} with {@code s = min(1, k / N)} at cycle {@code k} of
 * {@code N = round(rampSeconds / period)}. With a zero safe action this is plain scaling.
 */
public final class StartupRamp {
    private final long rampCycles;
    private long cycle;

    public StartupRamp(double rampSeconds, double periodSeconds) {
        if (!(rampSeconds >= 0) || !(periodSeconds > 0)) {
            throw new IllegalArgumentException("ramp must be >= 0 and period > 0, got " + rampSeconds + ", " + periodSeconds);
        }
        this.rampCycles = Math.round(rampSeconds / periodSeconds);
    }

    /** The factor for the current cycle, then advances one cycle. */
    public double next() {
        double s = rampCycles == 0 || cycle >= rampCycles ? 1.0 : (double) cycle / rampCycles;
        cycle++;
        return s;
    }

    /** Scales {@code a} about {@code safe} in place by {@link #next()}. */
    public void apply(double[] a, double[] safe) {
        double s = next();
        if (s < 1.0) {
            for (int i = 0; i < a.length; i++) {
                a[i] = safe[i] + s * (a[i] - safe[i]);
            }
        }
    }

    /** Starts the ramp again from 0, e.g. after an e-stop reset. */
    public void restart() {
        cycle = 0;
    }

    public boolean done() {
        return cycle >= rampCycles;
    }
}
