package dev.actuate.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.nn.Activation;
import dev.actuate.runtime.LoadedModel;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Reads policy files (layout in {@link PolicyWriter}); the only reader, used by {@code run}, {@code eval},
 * {@code render} and the robot launcher. Every problem is a {@link PolicyFormatException} naming the file and
 * the field: missing, truncated or corrupted files, a foreign or newer format, a training file of the old
 * model format ({@link LegacyModelException}, with how to convert it), inconsistent sizes.
 */
public final class PolicyReader {
    /** The magic of Actuate's training model/checkpoint files (the model format before the policy file). */
    private static final byte[] LEGACY_MAGIC = {'A', 'C', 'T', 'U', 'A', 'T', 'E', 0x1A};

    private PolicyReader() {
    }

    /** Reads and validates a policy file. */
    public static PolicyFile read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "policy file does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new PolicyFormatException(file.toString(), null, "is a directory, expected a policy file");
        }
        return fromBytes(Files.readAllBytes(file), file.toString());
    }

    /** The run-time policy of a file. */
    public static LoadedModel load(Path file) throws IOException {
        return read(file).toModel(file.toString());
    }

    /** The run-time policy of a file, checked against the robot it will drive. */
    public static LoadedModel load(Path file, RobotConfig robot, Path robotFile) throws IOException {
        PolicyFile p = read(file);
        p.checkRobot(file.toString(), robot, robotFile.toString());
        return p.toModel(file.toString());
    }

    /** Whether the bytes start like a training model/checkpoint file of the old format. */
    public static boolean isLegacyModel(byte[] head) {
        return head.length >= LEGACY_MAGIC.length && Arrays.equals(Arrays.copyOf(head, LEGACY_MAGIC.length), LEGACY_MAGIC);
    }

    /** Whether the file starts like a training model/checkpoint file of the old format. */
    public static boolean isLegacyModel(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (var in = Files.newInputStream(file)) {
            return isLegacyModel(in.readNBytes(LEGACY_MAGIC.length));
        }
    }

    public static PolicyFile fromBytes(byte[] data, String source) throws PolicyFormatException {
        byte[] magic = PolicyWriter.MAGIC;
        if (isLegacyModel(data)) {
            throw new LegacyModelException(source);
        }
        if (data.length < magic.length || !Arrays.equals(Arrays.copyOf(data, magic.length), magic)) {
            throw new PolicyFormatException(source, "magic", "not an Actuate policy file (it does not start with"
                    + " the policy magic \\x89ACTPOL\\n)");
        }
        int minimum = magic.length + 4 + 4 + 4 + 8;
        if (data.length < minimum) {
            throw new PolicyFormatException(source, null, "truncated: " + data.length + " bytes, a policy file has at"
                    + " least " + minimum);
        }
        int version = ByteBuffer.wrap(data, magic.length, 4).getInt();
        if (version > PolicyFile.FORMAT_VERSION) {
            throw new PolicyFormatException(source, "format_version", version + " is newer than this build reads ("
                    + PolicyFile.FORMAT_VERSION + "); use a newer Actuate");
        }
        if (version < 1) {
            throw new PolicyFormatException(source, "format_version", version + " is not a valid version");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        if (ByteBuffer.wrap(data, data.length - 8, 8).getLong() != crc.getValue()) {
            throw new PolicyFormatException(source, "checksum", "truncated or corrupted (CRC32 mismatch over "
                    + data.length + " bytes)");
        }
        ObjectNode h;
        Map<String, float[]> arrays = new HashMap<>();
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, magic.length + 4,
                    data.length - 8 - magic.length - 4));
            int headerLength = in.readInt();
            if (headerLength < 2 || headerLength > data.length) {
                throw new PolicyFormatException(source, "header", "corrupt length " + headerLength);
            }
            JsonNode node;
            try {
                node = PolicyWriter.JSON.readTree(new String(in.readNBytes(headerLength), StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new PolicyFormatException(source, "header", "corrupt JSON: " + e.getOriginalMessage(), e);
            }
            if (!(node instanceof ObjectNode o)) {
                throw new PolicyFormatException(source, "header", "is not a JSON object");
            }
            h = o;
            int count = in.readInt();
            if (count < 0 || count > data.length) {
                throw new PolicyFormatException(source, "arrays", "corrupt count " + count);
            }
            for (int k = 0; k < count; k++) {
                int nameLength = in.readInt();
                if (nameLength < 0 || nameLength > 1024) {
                    throw new PolicyFormatException(source, "arrays", "corrupt name length " + nameLength);
                }
                String name = new String(in.readNBytes(nameLength), StandardCharsets.UTF_8);
                int n = in.readInt();
                if (n < 0 || (long) n * 4 > data.length) {
                    throw new PolicyFormatException(source, "arrays." + name, "corrupt length " + n);
                }
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = in.readFloat();
                }
                arrays.put(name, v);
            }
        } catch (EOFException e) {
            throw new PolicyFormatException(source, null, "truncated", e);
        } catch (PolicyFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new PolicyFormatException(source, null, e.getMessage(), e);
        }
        PolicyFile p = parse(h, arrays, source);
        p.validate(source);
        return p;
    }

    private static PolicyFile parse(ObjectNode h, Map<String, float[]> arrays, String source)
            throws PolicyFormatException {
        Fields f = new Fields(source);
        String format = f.text(h, "format", "format");
        if (!PolicyWriter.FORMAT.equals(format)) {
            throw new PolicyFormatException(source, "format", "'" + format + "', expected '" + PolicyWriter.FORMAT + "'");
        }
        JsonNode obs = f.object(h, "observation");
        JsonNode norm = obs.get("normalization");
        PolicyFile.Normalization normalization = null;
        if (norm != null && !norm.isNull()) {
            normalization = new PolicyFile.Normalization(f.doubles(norm, "observation.normalization.mean", "mean"),
                    f.doubles(norm, "observation.normalization.var", "var"),
                    f.number(norm, "observation.normalization.epsilon", "epsilon"),
                    f.number(norm, "observation.normalization.clip", "clip"));
        }
        PolicyFile.Observation observation = new PolicyFile.Observation(f.integer(obs, "observation.size", "size"),
                f.strings(obs, "observation.names", "names"), f.strings(obs, "observation.units", "units"),
                normalization);
        JsonNode act = f.object(h, "action");
        String mappingName = f.text(act, "action.mapping", "mapping");
        LoadedModel.OutputMap mapping = PolicyFile.mapping(mappingName);
        if (mapping == null) {
            throw new PolicyFormatException(source, "action.mapping", "unknown mapping '" + mappingName
                    + "' (expected clip, tanh-squash or rescale)");
        }
        PolicyFile.Action action = new PolicyFile.Action(f.integer(act, "action.size", "size"),
                f.doubles(act, "action.low", "low"), f.doubles(act, "action.high", "high"),
                f.strings(act, "action.names", "names"), f.strings(act, "action.units", "units"), mapping);
        JsonNode layersNode = f.object(h, "network").get("layers");
        if (layersNode == null || !layersNode.isArray()) {
            throw new PolicyFormatException(source, "network.layers", "missing or not an array");
        }
        List<PolicyFile.Layer> layers = new ArrayList<>();
        for (int l = 0; l < layersNode.size(); l++) {
            JsonNode layer = layersNode.get(l);
            String p = "network.layers[" + l + "]";
            String activation = f.text(layer, p + ".activation", "activation");
            Activation a;
            try {
                a = Activation.parse(activation);
            } catch (IllegalArgumentException e) {
                throw new PolicyFormatException(source, p + ".activation", e.getMessage());
            }
            layers.add(new PolicyFile.Layer(f.integer(layer, p + ".in", "in"), f.integer(layer, p + ".out", "out"), a,
                    f.array(arrays, layer, p + ".weight", "weight"), f.array(arrays, layer, p + ".bias", "bias")));
        }
        JsonNode env = h.get("env");
        JsonNode algorithm = h.get("algorithm");
        JsonNode provenance = h.get("provenance");
        return new PolicyFile(env == null || env.isNull() ? null : env.asText(),
                algorithm == null || algorithm.isNull() ? null : algorithm.asText(), observation, action, layers,
                provenance instanceof ObjectNode o ? o : null, simToReal(h.get("sim_to_real"), f));
    }

    /** Format 2's {@code sim_to_real}; absent (format 1) or null means not recorded. */
    private static PolicyFile.SimToReal simToReal(JsonNode s, Fields f) throws PolicyFormatException {
        if (s == null || s.isNull()) {
            return null;
        }
        if (!s.isObject()) {
            throw new PolicyFormatException(f.source(), "sim_to_real", "not an object");
        }
        JsonNode period = s.get("control_period_s");
        double p = period == null || period.isNull() ? Double.NaN
                : f.number(s, "sim_to_real.control_period_s", "control_period_s");
        return new PolicyFile.SimToReal(p, f.integer(s, "sim_to_real.action_delay_steps", "action_delay_steps"),
                f.integer(s, "sim_to_real.observation_delay_steps", "observation_delay_steps"),
                f.doubles(s, "sim_to_real.observation_noise_std", "observation_noise_std"),
                f.integer(s, "sim_to_real.previous_actions", "previous_actions"),
                f.doubles(s, "sim_to_real.initial_action", "initial_action"));
    }

    /** Typed header access; every miss names the field. */
    private record Fields(String source) {
        String text(JsonNode node, String path, String key) throws PolicyFormatException {
            JsonNode v = node.get(key);
            if (v == null || !v.isTextual()) {
                throw new PolicyFormatException(source, path, "missing or not a string");
            }
            return v.asText();
        }

        JsonNode object(JsonNode node, String key) throws PolicyFormatException {
            JsonNode v = node.get(key);
            if (v == null || !v.isObject()) {
                throw new PolicyFormatException(source, key, "missing or not an object");
            }
            return v;
        }

        int integer(JsonNode node, String path, String key) throws PolicyFormatException {
            JsonNode v = node.get(key);
            if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
                throw new PolicyFormatException(source, path, "missing or not an integer");
            }
            return v.asInt();
        }

        double number(JsonNode node, String path, String key) throws PolicyFormatException {
            JsonNode v = node.get(key);
            if (v == null || !v.isNumber()) {
                throw new PolicyFormatException(source, path, "missing or not a number");
            }
            return v.asDouble();
        }

        double[] doubles(JsonNode node, String path, String key) throws PolicyFormatException {
            JsonNode v = node.get(key);
            if (v == null || !v.isArray()) {
                throw new PolicyFormatException(source, path, "missing or not an array of numbers");
            }
            double[] out = new double[v.size()];
            for (int i = 0; i < out.length; i++) {
                if (!v.get(i).isNumber()) {
                    throw new PolicyFormatException(source, path + "[" + i + "]", "not a number");
                }
                out[i] = v.get(i).asDouble();
            }
            return out;
        }

        List<String> strings(JsonNode node, String path, String key) throws PolicyFormatException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isArray()) {
                throw new PolicyFormatException(source, path, "not an array of strings");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) {
                    throw new PolicyFormatException(source, path + "[" + i + "]", "not a string");
                }
                out.add(v.get(i).asText());
            }
            return List.copyOf(out);
        }

        float[] array(Map<String, float[]> arrays, JsonNode layer, String path, String key)
                throws PolicyFormatException {
            String name = text(layer, path, key);
            float[] v = arrays.get(name);
            if (v == null) {
                throw new PolicyFormatException(source, path, "names array '" + name + "', which the file lacks");
            }
            return v;
        }
    }
}
