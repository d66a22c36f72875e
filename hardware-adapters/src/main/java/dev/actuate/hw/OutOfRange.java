package dev.actuate.hw;

/** What the runtime does with a state value outside its signal's {@code [min, max]}. */
public enum OutOfRange {
    /** Send the safe action and count the event (the default: the value is not trusted). */
    SAFE,
    /** Clamp the value into the range before the policy sees it, count it, and carry on. */
    CLAMP
}
