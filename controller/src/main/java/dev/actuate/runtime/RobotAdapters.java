package dev.actuate.runtime;

import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.mqtt.NativeMqttAdapter;

/** Opens the adapter a robot config names. */
public final class RobotAdapters {
    private RobotAdapters() {
    }

    public static HardwareInterface open(RobotConfig cfg) {
        return switch (cfg.adapter()) {
            case NATIVE -> new NativeMqttAdapter(cfg);
            // TODO(runtime): MappedMqttAdapter once the mqtt branch has it.
            default -> throw new IllegalStateException("robot " + cfg.id() + ": the " + cfg.adapter()
                    + " adapter is not available in this build yet");
        };
    }
}
