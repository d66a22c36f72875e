package dev.actuate.hw.config;

/**
 * The robot YAML's {@code mqtt:} section: which protocol version the MQTT adapters speak and the
 * MQTT 5 expiries that help control (docs/protocol.md, MQTT 5 and 3.1.1).
 *
 * @param version              the version to connect with
 * @param versionFixed         false when the YAML did not name a version: a broker that refuses MQTT 5
 *                             (Moquette, the embedded broker) is then spoken to in 3.1.1, with a warning;
 *                             true ({@code version:} given) fails instead
 * @param messageExpiryPeriods commands expire after this many control periods, rounded up to whole
 *                             seconds (MQTT's unit); 0 = never. The broker drops an expired command instead
 *                             of delivering it late (MQTT 5 only), and a robot drops one older than that
 *                             by its echo time (any version)
 * @param sessionExpirySeconds how long the broker keeps this client's session (subscriptions, queued QoS 1
 *                             messages such as an e-stop) after the connection drops; 0 = it ends with the
 *                             connection, as a clean 3.1.1 session. MQTT 5 only
 */
public record MqttSettings(MqttVersion version, boolean versionFixed, int messageExpiryPeriods,
        long sessionExpirySeconds) {
    /** MQTT's session expiry interval is a four-byte integer (0xFFFFFFFF means "never"). */
    public static final long MAX_SESSION_EXPIRY_S = 0xFFFFFFFFL;
    public static final int DEFAULT_EXPIRY_PERIODS = 3;

    public MqttSettings {
        if (version == null) {
            throw new IllegalArgumentException("mqtt.version: must be set");
        }
        if (messageExpiryPeriods < 0 || messageExpiryPeriods > 1_000_000) {
            throw new IllegalArgumentException("mqtt.message_expiry_periods: must be in [0, 1000000] (0 = never), got "
                    + messageExpiryPeriods);
        }
        if (sessionExpirySeconds < 0 || sessionExpirySeconds > MAX_SESSION_EXPIRY_S) {
            throw new IllegalArgumentException("mqtt.session_expiry_s: must be in [0, " + MAX_SESSION_EXPIRY_S + "], got "
                    + sessionExpirySeconds);
        }
        if (version == MqttVersion.V3_1_1 && sessionExpirySeconds != 0) {
            throw new IllegalArgumentException("mqtt.session_expiry_s: needs version 5 (MQTT 3.1.1 has no session expiry)");
        }
    }

    /** No {@code mqtt:} section: MQTT 5, falling back to 3.1.1 where the broker refuses 5; commands expire after 3 periods. */
    public static MqttSettings defaults() {
        return new MqttSettings(MqttVersion.V5, false, DEFAULT_EXPIRY_PERIODS, 0);
    }

    /** MQTT 3.1.1 only (brokers without MQTT 5); robots still drop commands older than the expiry. */
    public static MqttSettings v311() {
        return of(MqttVersion.V3_1_1);
    }

    /** {@code version} only (no fallback), commands expiring after 3 periods, no session expiry. */
    public static MqttSettings of(MqttVersion version) {
        return new MqttSettings(version, true, DEFAULT_EXPIRY_PERIODS, 0);
    }

    /**
     * The command expiry in whole seconds for a loop at {@code rateHz}: {@code messageExpiryPeriods}
     * periods rounded up (at least 1 s, MQTT's resolution); 0 = never.
     */
    public long commandExpirySeconds(double rateHz) {
        if (messageExpiryPeriods == 0) {
            return 0;
        }
        return Math.max(1, (long) Math.ceil(messageExpiryPeriods / rateHz - 1e-9));
    }
}
