package dev.actuate.hw.mqtt;

/**
 * The broker could not be reached or refused the connection. The message names the broker and
 * the user, never the password. It is an {@link IllegalStateException} so the CLI prints it as
 * one clear line.
 */
public final class MqttConnectException extends IllegalStateException {
    /** Why connecting failed. */
    public enum Kind {
        /** The broker rejected the username/password (CONNACK 4 or 5). */
        AUTHENTICATION,
        /** No broker answered at the URL within the timeout. */
        UNREACHABLE,
        /** The broker does not speak the configured MQTT version (the robot config's {@code mqtt.version}). */
        UNSUPPORTED_VERSION,
        /** Connected, but the pre-announce check refused (another controller owns the robot). */
        REFUSED,
        /** Anything else (TLS failure, protocol error). */
        OTHER
    }

    private final Kind kind;

    public MqttConnectException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
