package dev.actuate.sim;

/** The result of {@link Env#reset}: the first observation and typed info. */
public record ResetResult(double[] observation, StepInfo info) {
    public ResetResult(double[] observation) {
        this(observation, StepInfo.EMPTY);
    }
}
