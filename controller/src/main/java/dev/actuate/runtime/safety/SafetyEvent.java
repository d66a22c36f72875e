package dev.actuate.runtime.safety;

/** What the safety layer (or the loop around it) did in a cycle; counted once per cycle it applies. */
public enum SafetyEvent {
    /** The latched e-stop forced the safe action. */
    ESTOP,
    /** The adapter reports the link to the robot down (e.g. the broker went away): safe action. */
    DISCONNECTED,
    /**
     * No state has arrived yet (the robot has not started or connected): safe action. Kept apart from
     * {@link #WATCHDOG} because a loop started before its robot sees it every time, not only on a fault.
     */
    AWAITING_STATE,
    /** The newest state is older than the timeout (the stream stopped): safe action. */
    WATCHDOG,
    /** The state had NaN or Inf: safe action. */
    NAN_STATE,
    /** A state value was outside its signal's min/max in the robot config: safe action. */
    STATE_OUT_OF_RANGE,
    /** A state value outside its range was clamped into it ({@code out_of_range: clamp}); the policy went on. */
    STATE_CLAMPED,
    /** The policy produced NaN or Inf: safe action. */
    NAN_ACTION,
    /** At least one command component was clipped to its limits. */
    CLIPPED,
    /** At least one command component was slowed by the rate limiter. */
    RATE_LIMITED,
    /** The adapter's read or write threw; the loop carried on. */
    ADAPTER_ERROR
}
