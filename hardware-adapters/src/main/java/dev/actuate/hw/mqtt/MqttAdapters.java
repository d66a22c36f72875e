package dev.actuate.hw.mqtt;

import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.config.RobotConfig;

/** Builds the MQTT adapter a robot config selects. */
public final class MqttAdapters {
    private MqttAdapters() {
    }

    /** A {@link NativeMqttAdapter} or {@link MappedMqttAdapter}, unconfigured. */
    public static HardwareInterface create(RobotConfig config) {
        return switch (config.adapter()) {
            case NATIVE -> new NativeMqttAdapter(config);
            case MAPPED -> new MappedMqttAdapter(config);
        };
    }
}
