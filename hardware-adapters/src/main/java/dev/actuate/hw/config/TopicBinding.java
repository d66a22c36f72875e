package dev.actuate.hw.config;

/**
 * Binds one signal of a mapped adapter to its own MQTT topic.
 *
 * <p>Scale and offset convert in the direction the data flows: for a state signal
 * {@code signal = payload * scale + offset}; for a command signal
 * {@code payload = signal * scale + offset}.
 *
 * @param field dotted JSON path ({@code a.b.c}) when {@code format} is JSON, else null
 */
public record TopicBinding(String signal, String topic, ValueFormat format, String field, double scale,
        double offset) {
    public TopicBinding {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException(signal + ": topic is blank");
        }
        if (topic.contains("+") || topic.contains("#")) {
            throw new IllegalArgumentException(signal + ": topic '" + topic + "' must not contain wildcards");
        }
        if (format == ValueFormat.JSON && (field == null || field.isBlank())) {
            throw new IllegalArgumentException(signal + ": format json needs a field path");
        }
        if (!Double.isFinite(scale) || scale == 0) {
            throw new IllegalArgumentException(signal + ": scale must be finite and non-zero, got " + scale);
        }
        if (!Double.isFinite(offset)) {
            throw new IllegalArgumentException(signal + ": offset must be finite, got " + offset);
        }
    }
}
