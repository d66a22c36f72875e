package dev.actuate.hw;

/** ros2_control's hardware lifecycle, reduced to the states Actuate uses. */
public enum LifecycleState {
    UNCONFIGURED, INACTIVE, ACTIVE, FINALIZED, ERROR
}
