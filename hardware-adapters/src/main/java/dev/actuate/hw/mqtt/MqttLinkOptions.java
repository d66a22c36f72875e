package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.config.MqttSettings;
import dev.actuate.hw.config.TlsConfig;

import javax.net.SocketFactory;

/**
 * How an {@link MqttLink} connects. {@code toString()} masks credentials (records print their
 * components, and {@link Credentials} and {@link TlsConfig} mask their passwords).
 *
 * @param statusTopic  where "online" is published retained on connect and "offline" is the Last
 *                     Will (QoS 1, retained); null for no presence
 * @param maxInflight  Paho's window of unacknowledged QoS 1/2 messages (default 10 is too small for bursts)
 * @param maxBackoffMs reconnect attempts back off from 50 ms, doubling up to this
 * @param onlinePayload  what "online" is on the status topic (a controller adds its session id)
 * @param offlinePayload the Last Will and the clean-exit status
 * @param mqtt         protocol version (and whether a broker without MQTT 5 may be spoken to in 3.1.1)
 *                     and session expiry; message expiry is per publish
 */
public record MqttLinkOptions(String brokerUrl, String clientId, Credentials credentials, TlsConfig tls,
        String statusTopic, int keepAliveSeconds, int connectTimeoutSeconds, int maxInflight, long maxBackoffMs,
        String onlinePayload, String offlinePayload, MqttSettings mqtt) {
    /** With the default MQTT settings ({@link MqttSettings#defaults()}: 5, falling back to 3.1.1). */
    public MqttLinkOptions(String brokerUrl, String clientId, Credentials credentials, TlsConfig tls,
            String statusTopic, int keepAliveSeconds, int connectTimeoutSeconds, int maxInflight, long maxBackoffMs,
            String onlinePayload, String offlinePayload) {
        this(brokerUrl, clientId, credentials, tls, statusTopic, keepAliveSeconds, connectTimeoutSeconds, maxInflight,
                maxBackoffMs, onlinePayload, offlinePayload, null);
    }

    public MqttLinkOptions {
        if (mqtt == null) {
            mqtt = MqttSettings.defaults();
        }
        if (onlinePayload == null || offlinePayload == null) {
            throw new IllegalArgumentException("status payloads must be set");
        }
        if (brokerUrl == null || !(brokerUrl.startsWith("tcp://") || brokerUrl.startsWith("ssl://"))) {
            throw new IllegalArgumentException("broker: '" + brokerUrl + "' must start with tcp:// or ssl://");
        }
        if (clientId == null || clientId.isBlank() || clientId.length() > 23 * 4) {
            throw new IllegalArgumentException("client id '" + clientId + "' is blank or too long");
        }
        if (keepAliveSeconds < 1 || connectTimeoutSeconds < 1 || maxInflight < 1 || maxBackoffMs < 50) {
            throw new IllegalArgumentException("keepAlive, connectTimeout, maxInflight must be >= 1 and maxBackoffMs >= 50");
        }
    }

    /**
     * Defaults: keep-alive 5 s (a dead broker is noticed within ~7.5 s even without a TCP reset), 3 s connect
     * timeout, inflight 1000, backoff up to 0.5 s (a control link wants its broker back within half a second
     * of it returning; two connection attempts a second per client cost a broker nothing).
     */
    public static MqttLinkOptions of(String brokerUrl, String clientId, Credentials credentials, TlsConfig tls,
            String statusTopic) {
        return new MqttLinkOptions(brokerUrl, clientId, credentials, tls, statusTopic, 5, 3, 1000, 500, "online", "offline");
    }

    public MqttLinkOptions withMaxBackoffMs(long ms) {
        return new MqttLinkOptions(brokerUrl, clientId, credentials, tls, statusTopic, keepAliveSeconds,
                connectTimeoutSeconds, maxInflight, ms, onlinePayload, offlinePayload, mqtt);
    }

    public MqttLinkOptions withStatusPayloads(String online, String offline) {
        return new MqttLinkOptions(brokerUrl, clientId, credentials, tls, statusTopic, keepAliveSeconds,
                connectTimeoutSeconds, maxInflight, maxBackoffMs, online, offline, mqtt);
    }

    public MqttLinkOptions withMqtt(MqttSettings settings) {
        return new MqttLinkOptions(brokerUrl, clientId, credentials, tls, statusTopic, keepAliveSeconds,
                connectTimeoutSeconds, maxInflight, maxBackoffMs, onlinePayload, offlinePayload, settings);
    }

    /** Seconds the broker keeps this client's session after a drop (MQTT 5); 0 = none. */
    public long sessionExpirySeconds() {
        return mqtt.sessionExpirySeconds();
    }

    /** Sockets with {@code TCP_NODELAY} (and TLS for {@code ssl://}). */
    SocketFactory socketFactory() {
        return brokerUrl.startsWith("ssl://") ? NoDelaySslSocketFactory.forConfig(tls) : new NoDelaySocketFactory();
    }
}
