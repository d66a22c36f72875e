package dev.actuate.runtime;

import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.config.RobotConfig;

/** Opens the adapter a robot config names. */
public final class RobotAdapters {
    private RobotAdapters() {
    }

    public static HardwareInterface open(RobotConfig cfg) {
        // TODO(runtime): switch to NativeMqttAdapter / MappedMqttAdapter once the mqtt branch has them.
        throw new IllegalStateException("robot " + cfg.id() + ": the " + cfg.adapter()
                + " MQTT adapter is not available in this build yet");
    }

    /** Feeds robot-measured round trips into the loop metrics, where the adapter provides them. */
    public static void reportRoundTrips(HardwareInterface hw, LoopMetrics metrics) {
    }
}
