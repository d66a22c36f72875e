package dev.actuate.runtime.safety;

import dev.actuate.hw.Signal;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.SafetyConfig;

import java.util.Arrays;
import java.util.List;

/**
 * What the safety layer enforces, per command component.
 *
 * @param min                 lower command limits
 * @param max                 upper command limits
 * @param safeAction          sent on e-stop, stale or NaN state, NaN action; must lie within the limits
 * @param maxRatePerSecond    largest change per second of each component; {@code +Infinity} = no limit
 * @param stateTimeoutSeconds a state older than this (by local receive time) trips the watchdog
 * @param rampSeconds         startup ramp length; 0 = none
 */
public record SafetySettings(double[] min, double[] max, double[] safeAction, double[] maxRatePerSecond,
                             double stateTimeoutSeconds, double rampSeconds) {
    public SafetySettings {
        int n = min.length;
        check(max.length == n, "max has " + max.length + " entries, expected " + n);
        check(safeAction.length == n, "safe_action has " + safeAction.length + " entries, expected " + n);
        check(maxRatePerSecond.length == n, "max_rate has " + maxRatePerSecond.length + " entries, expected " + n);
        for (int i = 0; i < n; i++) {
            check(min[i] <= max[i], "command " + i + ": min " + min[i] + " > max " + max[i]);
            check(safeAction[i] >= min[i] && safeAction[i] <= max[i],
                    "safe_action[" + i + "] = " + safeAction[i] + " is outside [" + min[i] + ", " + max[i] + "]");
            check(maxRatePerSecond[i] > 0, "max_rate[" + i + "] must be positive, got " + maxRatePerSecond[i]);
        }
        check(stateTimeoutSeconds > 0, "state_timeout must be positive, got " + stateTimeoutSeconds);
        check(rampSeconds >= 0, "startup_ramp must be >= 0, got " + rampSeconds);
        min = min.clone();
        max = max.clone();
        safeAction = safeAction.clone();
        maxRatePerSecond = maxRatePerSecond.clone();
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("safety settings: " + message);
        }
    }

    /**
     * Limits from the command signals, the safe action as zero clipped into them, no rate limit
     * and no ramp: what an in-process evaluation needs to behave exactly like the bare policy.
     */
    public static SafetySettings passThrough(List<Signal> commands, double stateTimeoutSeconds) {
        int n = commands.size();
        double[] lo = new double[n];
        double[] hi = new double[n];
        double[] safe = new double[n];
        double[] rate = new double[n];
        for (int i = 0; i < n; i++) {
            lo[i] = commands.get(i).min();
            hi[i] = commands.get(i).max();
            safe[i] = Math.min(hi[i], Math.max(lo[i], 0.0));
        }
        Arrays.fill(rate, Double.POSITIVE_INFINITY);
        return new SafetySettings(lo, hi, safe, rate, stateTimeoutSeconds, 0.0);
    }

    /** From a robot config: limits from its command signals, the rest from its safety block. */
    public static SafetySettings of(RobotConfig robot) {
        List<Signal> commands = robot.commandSignals();
        int n = commands.size();
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            lo[i] = commands.get(i).min();
            hi[i] = commands.get(i).max();
        }
        SafetyConfig c = robot.safety();
        return new SafetySettings(lo, hi, c.safeAction(), c.maxRatePerSecond(), c.watchdogTimeoutMs() / 1000.0,
                c.startupRampSeconds());
    }

    public SafetySettings withRamp(double seconds) {
        return new SafetySettings(min, max, safeAction, maxRatePerSecond, stateTimeoutSeconds, seconds);
    }

    public SafetySettings withTimeout(double seconds) {
        return new SafetySettings(min, max, safeAction, maxRatePerSecond, seconds, rampSeconds);
    }

    public SafetySettings withMaxRate(double[] perSecond) {
        return new SafetySettings(min, max, safeAction, perSecond, stateTimeoutSeconds, rampSeconds);
    }

    public int size() {
        return min.length;
    }

    @Override
    public double[] min() {
        return min.clone();
    }

    @Override
    public double[] max() {
        return max.clone();
    }

    @Override
    public double[] safeAction() {
        return safeAction.clone();
    }

    @Override
    public double[] maxRatePerSecond() {
        return maxRatePerSecond.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetySettings s && Arrays.equals(min, s.min) && Arrays.equals(max, s.max)
                && Arrays.equals(safeAction, s.safeAction) && Arrays.equals(maxRatePerSecond, s.maxRatePerSecond)
                && stateTimeoutSeconds == s.stateTimeoutSeconds && rampSeconds == s.rampSeconds;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(min) * 31 + Arrays.hashCode(safeAction);
    }

    @Override
    public String toString() {
        return "SafetySettings[min=" + Arrays.toString(min) + ", max=" + Arrays.toString(max) + ", safe="
                + Arrays.toString(safeAction) + ", maxRate=" + Arrays.toString(maxRatePerSecond) + ", timeout="
                + stateTimeoutSeconds + " s, ramp=" + rampSeconds + " s]";
    }
}
