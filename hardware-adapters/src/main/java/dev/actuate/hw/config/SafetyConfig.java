package dev.actuate.hw.config;

import java.util.Arrays;

/**
 * The safety block of a robot config, read by the runtime's safety layer. Arrays are indexed like
 * the robot's command signals and copied on the way in and out.
 *
 * @param maxRatePerSecond  largest allowed change of each command per second (rate limit);
 *                          {@code +Infinity} disables the limit for that command
 * @param watchdogTimeoutMs a state older than this is stale and the safe action is sent
 * @param safeAction        the command sent on watchdog, NaN guard and e-stop
 * @param startupRampSeconds commands are scaled from 0 to full over this time after activation (0: off)
 */
public record SafetyConfig(double[] maxRatePerSecond, double watchdogTimeoutMs, double[] safeAction,
        double startupRampSeconds) {
    public static final double DEFAULT_WATCHDOG_MS = 100;

    public SafetyConfig {
        if (maxRatePerSecond.length != safeAction.length) {
            throw new IllegalArgumentException("safety: max_rate_per_s has " + maxRatePerSecond.length
                    + " entries but safe_action has " + safeAction.length);
        }
        for (int i = 0; i < maxRatePerSecond.length; i++) {
            if (!(maxRatePerSecond[i] > 0)) {
                throw new IllegalArgumentException("safety.max_rate_per_s[" + i + "]: must be > 0, got "
                        + maxRatePerSecond[i]);
            }
            if (!Double.isFinite(safeAction[i])) {
                throw new IllegalArgumentException("safety.safe_action[" + i + "]: must be finite, got " + safeAction[i]);
            }
        }
        if (!(watchdogTimeoutMs > 0) || Double.isInfinite(watchdogTimeoutMs)) {
            throw new IllegalArgumentException("safety.watchdog_ms: must be a positive number, got " + watchdogTimeoutMs);
        }
        if (!(startupRampSeconds >= 0) || Double.isInfinite(startupRampSeconds)) {
            throw new IllegalArgumentException("safety.startup_ramp_s: must be >= 0, got " + startupRampSeconds);
        }
        maxRatePerSecond = maxRatePerSecond.clone();
        safeAction = safeAction.clone();
    }

    /** No rate limit, the default watchdog, zero safe action, no ramp. */
    public static SafetyConfig defaults(int commands) {
        double[] rate = new double[commands];
        Arrays.fill(rate, Double.POSITIVE_INFINITY);
        return new SafetyConfig(rate, DEFAULT_WATCHDOG_MS, new double[commands], 0);
    }

    @Override
    public double[] maxRatePerSecond() {
        return maxRatePerSecond.clone();
    }

    @Override
    public double[] safeAction() {
        return safeAction.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetyConfig s && Arrays.equals(maxRatePerSecond, s.maxRatePerSecond)
                && watchdogTimeoutMs == s.watchdogTimeoutMs && Arrays.equals(safeAction, s.safeAction)
                && startupRampSeconds == s.startupRampSeconds;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(maxRatePerSecond) * 31 + Arrays.hashCode(safeAction);
    }

    @Override
    public String toString() {
        return "SafetyConfig[maxRatePerSecond=" + Arrays.toString(maxRatePerSecond) + ", watchdogTimeoutMs="
                + watchdogTimeoutMs + ", safeAction=" + Arrays.toString(safeAction) + ", startupRampSeconds="
                + startupRampSeconds + "]";
    }
}
