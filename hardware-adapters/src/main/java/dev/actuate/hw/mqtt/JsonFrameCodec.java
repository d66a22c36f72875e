package dev.actuate.hw.mqtt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.hw.mqtt.FrameException.Reason;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The JSON form of a frame, for debugging and scripts ({@code mosquitto_pub -m '{...}'}). Same
 * fields as the binary form; NaN and infinities are written as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}. It allocates, so it is meant for tools, not for 1 kHz loops.
 *
 * <pre>{"v":2,"type":"state","seq":7,"t_us":1700000000000000,"echo_seq":6,"echo_t_us":1699999999990000,
 *  "reward":-0.5,"episode_start":false,"terminated":false,"truncated":false,"session":0,"episode":3,"step":41,"values":[0.1,0.2]}</pre>
 * Version 1 objects (no {@code session}, {@code episode}, {@code step}) still decode.
 */
public final class JsonFrameCodec {
    public static final int VERSION = 2;
    private static final ObjectMapper MAPPER = JsonMapper.builder(new JsonFactory())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private JsonFrameCodec() {
    }

    public static byte[] encode(Frame f) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("v", VERSION);
        o.put("type", f.type.name().toLowerCase(Locale.ROOT));
        o.put("seq", f.sequence);
        o.put("t_us", f.sentMicros);
        o.put("echo_seq", f.echoSequence);
        o.put("echo_t_us", f.echoMicros);
        putNumber(o, "reward", f.reward);
        o.put("episode_start", f.episodeStart);
        o.put("terminated", f.terminated);
        o.put("truncated", f.truncated);
        o.put("session", f.session);
        o.put("episode", f.episode);
        o.put("step", f.step);
        ArrayNode a = o.putArray("values");
        for (int i = 0; i < f.count; i++) {
            // Values travel as float32 in the binary form; the JSON form carries the same precision.
            float v = (float) f.values[i];
            if (Float.isFinite(v)) {
                a.add(v);
            } else {
                a.add(nonFinite(v));
            }
        }
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: writing a JSON tree failed", e);
        }
    }

    public static String encodeToString(Frame f) {
        return new String(encode(f), StandardCharsets.UTF_8);
    }

    public static void decode(byte[] in, int length, Frame out) throws FrameException {
        JsonNode root;
        try {
            root = MAPPER.readTree(in, 0, length);
        } catch (IOException | RuntimeException e) {
            throw new FrameException(Reason.BAD_JSON, "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new FrameException(Reason.BAD_JSON, "expected a JSON object");
        }
        JsonNode v = root.get("v");
        if (v == null || !v.canConvertToInt() || (v.asInt() != VERSION && v.asInt() != 1) || !v.isIntegralNumber()) {
            throw new FrameException(Reason.BAD_VERSION, "field v is " + v + ", expected " + VERSION + " (or 1)");
        }
        JsonNode t = root.get("type");
        FrameType type = t == null ? null : "state".equals(t.asText()) ? FrameType.STATE
                : "command".equals(t.asText()) ? FrameType.COMMAND : null;
        if (type == null || !t.isTextual()) {
            throw new FrameException(Reason.BAD_TYPE, "field type is " + t + ", expected \"state\" or \"command\"");
        }
        JsonNode values = root.get("values");
        if (values == null || !values.isArray()) {
            throw new FrameException(Reason.BAD_JSON, "field values must be an array");
        }
        if (values.size() > out.values.length) {
            throw new FrameException(Reason.BAD_LENGTH, values.size() + " values, receiver takes at most " + out.values.length);
        }
        long seq = longField(root, "seq", true, 0);
        long sent = longField(root, "t_us", true, 0);
        long echoSeq = longField(root, "echo_seq", false, Frame.NONE);
        long echoT = longField(root, "echo_t_us", false, Frame.NONE);
        double reward = number(root.get("reward"), "reward", 0);
        boolean start = bool(root, "episode_start");
        boolean term = bool(root, "terminated");
        boolean trunc = bool(root, "truncated");
        long session = u32(root, "session");
        long episode = u32(root, "episode");
        long step = u32(root, "step");
        for (int i = 0; i < values.size(); i++) {
            out.values[i] = (float) number(values.get(i), "values[" + i + "]", Double.NaN);
        }
        out.type = type;
        out.sequence = seq;
        out.sentMicros = sent;
        out.echoSequence = echoSeq;
        out.echoMicros = echoT;
        out.reward = (float) reward;
        out.episodeStart = start;
        out.terminated = term;
        out.truncated = trunc;
        out.session = session;
        out.episode = episode;
        out.step = step;
        out.count = values.size();
    }

    private static long longField(JsonNode root, String name, boolean required, long dflt) throws FrameException {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            if (required) {
                throw new FrameException(Reason.BAD_JSON, "field " + name + " is missing");
            }
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new FrameException(Reason.BAD_JSON, "field " + name + " must be an integer, got " + n);
        }
        return n.asLong();
    }

    /** An optional unsigned 32-bit field, default 0. */
    private static long u32(JsonNode root, String name) throws FrameException {
        long v = longField(root, name, false, 0);
        if (v < 0 || v > 0xFFFFFFFFL) {
            throw new FrameException(Reason.BAD_JSON, "field " + name + " must be in [0, 4294967295], got " + v);
        }
        return v;
    }

    private static boolean bool(JsonNode root, String name) throws FrameException {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw new FrameException(Reason.BAD_JSON, "field " + name + " must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    private static double number(JsonNode n, String name, double dflt) throws FrameException {
        if (n == null) {
            if (!Double.isNaN(dflt)) {
                return dflt;
            }
            throw new FrameException(Reason.BAD_JSON, "field " + name + " is missing");
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual()) {
            switch (n.textValue()) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw new FrameException(Reason.BAD_JSON, "field " + name + " must be a number, got " + n);
    }

    private static void putNumber(ObjectNode o, String name, float v) {
        if (Float.isFinite(v)) {
            o.put(name, v);
        } else {
            o.put(name, nonFinite(v));
        }
    }

    private static String nonFinite(float v) {
        return Float.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
