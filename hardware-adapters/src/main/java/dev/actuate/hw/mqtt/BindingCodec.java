package dev.actuate.hw.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.hw.config.TopicBinding;
import dev.actuate.hw.config.ValueFormat;
import dev.actuate.hw.mqtt.FrameException.Reason;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Payloads of the mapped adapter's per-signal topics: a plain decimal number or a number at a
 * dotted JSON path, converted with the binding's scale and offset (see {@link TopicBinding}).
 */
public final class BindingCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BindingCodec() {
    }

    /** The state signal value carried by {@code payload}: {@code raw * scale + offset}. */
    public static double decodeState(TopicBinding b, byte[] payload) throws FrameException {
        double raw;
        if (b.format() == ValueFormat.PLAIN) {
            String s = new String(payload, StandardCharsets.UTF_8).trim();
            try {
                raw = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new FrameException(Reason.BAD_VALUE, b.signal() + ": payload '" + abbreviate(s) + "' is not a number");
            }
        } else {
            JsonNode n;
            try {
                n = MAPPER.readTree(payload);
            } catch (IOException | RuntimeException e) {
                throw new FrameException(Reason.BAD_VALUE, b.signal() + ": payload is not valid JSON");
            }
            for (String part : b.field().split("\\.")) {
                n = n == null ? null : n.get(part);
            }
            if (n == null || !n.isNumber()) {
                throw new FrameException(Reason.BAD_VALUE, b.signal() + ": JSON field " + b.field() + " is missing or not a number");
            }
            raw = n.doubleValue();
        }
        return raw * b.scale() + b.offset();
    }

    /** The payload for command value {@code value}: {@code value * scale + offset}, as text or a JSON object. */
    public static byte[] encodeCommand(TopicBinding b, double value) {
        double raw = value * b.scale() + b.offset();
        if (b.format() == ValueFormat.PLAIN) {
            return Double.toString(raw).getBytes(StandardCharsets.UTF_8);
        }
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode o = root;
        String[] parts = b.field().split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            o = o.putObject(parts[i]);
        }
        o.put(parts[parts.length - 1], raw);
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: writing a JSON tree failed", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
