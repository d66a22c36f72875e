package dev.actuate.hw.broker;

/**
 * An application message as the broker holds it: routed at once, or kept as the retained message
 * of its topic. {@code props} are the MQTT 5 properties it carries on to subscribers, raw (see
 * {@link MqttCodec.In#props}); its expiry is kept apart because it counts down while held.
 *
 * @param expirySeconds MQTT 5 message expiry interval, or -1 for none
 * @param receivedNanos the broker clock when it arrived
 */
record Message(String topic, byte[] topicUtf8, byte[] payload, int qos, boolean retain,
               long expirySeconds, long receivedNanos, byte[] props) {
    boolean expired(long nowNanos) {
        return expirySeconds > 0 && nowNanos - receivedNanos >= expirySeconds * 1_000_000_000L;
    }

    /** The expiry interval to forward: what was received less the whole seconds it waited here (MQTT 5, 3.3.2.3.3). */
    long remainingExpiry(long nowNanos) {
        return expirySeconds - (nowNanos - receivedNanos) / 1_000_000_000L;
    }
}
