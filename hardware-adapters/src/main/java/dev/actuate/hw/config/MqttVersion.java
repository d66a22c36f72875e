package dev.actuate.hw.config;

/** The MQTT protocol version a client speaks; {@link #label()} is how the robot YAML writes it. */
public enum MqttVersion {
    V3_1_1("3.1.1"),
    V5("5");

    private final String label;

    MqttVersion(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** "5", "5.0" or "3.1.1"; null for anything else. */
    public static MqttVersion parse(String s) {
        return switch (s.trim()) {
            case "5", "5.0" -> V5;
            case "3.1.1" -> V3_1_1;
            default -> null;
        };
    }
}
