package dev.actuate.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.io.AtomicFiles;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes a {@link PolicyFile}; the only writer of the format. Layout, big-endian:
 * <pre>
 *   magic          8 bytes  0x89 'A' 'C' 'T' 'P' 'O' 'L' '\n'
 *   format_version int32    {@value PolicyFile#FORMAT_VERSION}
 *   header length  int32, then that many bytes of UTF-8 JSON (below)
 *   array count    int32, then per array: name length int32, UTF-8 name, value count int32, float32 values
 *   checksum       int64    CRC32 of every byte before it
 * </pre>
 * The JSON header describes the policy completely; arrays hold only the layer parameters and are named
 * by the header ({@code network.layers[i].weight}, row-major {@code [in][out]}, and {@code .bias}):
 * <pre>
 * {"format": "actuate-policy", "format_version": 1, "env": "...", "algorithm": "ppo",
 *  "observation": {"size": 8, "names": [...] | null, "units": [...] | null,
 *                  "normalization": {"mean": [...], "var": [...], "epsilon": 1e-8, "clip": 10.0} | null},
 *  "action": {"size": 2, "low": [...], "high": [...], "names": ..., "units": ...,
 *             "mapping": "clip" | "tanh-squash" | "rescale"},
 *  "network": {"layers": [{"in": 8, "out": 64, "activation": "tanh|relu|identity",
 *                          "weight": "layers.0.weight", "bias": "layers.0.bias"}, ...]},
 *  "sim_to_real": {"control_period_s": 0.05 | null, "action_delay_steps": 0, "observation_delay_steps": 0,
 *                  "observation_noise_std": [...], "previous_actions": 0, "initial_action": [...]} | null,
 *  "provenance": {...}}
 * </pre>
 * {@code sim_to_real} (format 2) says what the training envs assumed and added; with {@code previous_actions} k,
 * {@code observation.size} is the state size plus k times {@code action.size} (see {@link PolicyFile.SimToReal}).
 * Statistics and bounds are JSON doubles (Jackson writes the shortest string that reads back exactly).
 */
public final class PolicyWriter {
    static final byte[] MAGIC = {(byte) 0x89, 'A', 'C', 'T', 'P', 'O', 'L', '\n'};
    static final String FORMAT = "actuate-policy";
    static final ObjectMapper JSON = new ObjectMapper();

    private PolicyWriter() {
    }

    /** The file's bytes; validates first, so an invalid policy is never written. */
    public static byte[] toBytes(PolicyFile p) throws PolicyFormatException {
        p.validate("<policy being written>");
        ObjectNode h = JSON.createObjectNode();
        h.put("format", FORMAT);
        h.put("format_version", PolicyFile.FORMAT_VERSION);
        h.put("env", p.envId());
        h.put("algorithm", p.algorithm());
        ObjectNode obs = h.putObject("observation");
        obs.put("size", p.observation().size());
        putStrings(obs, "names", p.observation().names());
        putStrings(obs, "units", p.observation().units());
        PolicyFile.Normalization n = p.observation().normalization();
        if (n == null) {
            obs.putNull("normalization");
        } else {
            ObjectNode norm = obs.putObject("normalization");
            putDoubles(norm, "mean", n.mean());
            putDoubles(norm, "var", n.var());
            norm.put("epsilon", n.epsilon());
            norm.put("clip", n.clip());
        }
        ObjectNode act = h.putObject("action");
        act.put("size", p.action().size());
        putDoubles(act, "low", p.action().low());
        putDoubles(act, "high", p.action().high());
        putStrings(act, "names", p.action().names());
        putStrings(act, "units", p.action().units());
        act.put("mapping", PolicyFile.mappingName(p.action().mapping()));
        ArrayNode layers = h.putObject("network").putArray("layers");
        Map<String, float[]> arrays = new LinkedHashMap<>();
        for (int l = 0; l < p.layers().size(); l++) {
            PolicyFile.Layer layer = p.layers().get(l);
            ObjectNode o = layers.addObject();
            o.put("in", layer.in());
            o.put("out", layer.out());
            o.put("activation", PolicyFile.name(layer.activation()));
            String w = "layers." + l + ".weight";
            String b = "layers." + l + ".bias";
            o.put("weight", w);
            o.put("bias", b);
            arrays.put(w, layer.weight());
            arrays.put(b, layer.bias());
        }
        PolicyFile.SimToReal s = p.simToReal();
        if (s == null) {
            h.putNull("sim_to_real");
        } else {
            ObjectNode o = h.putObject("sim_to_real");
            if (Double.isNaN(s.controlPeriodSeconds())) {
                o.putNull("control_period_s");
            } else {
                o.put("control_period_s", s.controlPeriodSeconds());
            }
            o.put("action_delay_steps", s.actionDelaySteps());
            o.put("observation_delay_steps", s.observationDelaySteps());
            putDoubles(o, "observation_noise_std", s.observationNoiseStd());
            o.put("previous_actions", s.previousActions());
            putDoubles(o, "initial_action", s.initialAction());
        }
        h.set("provenance", p.provenance());
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(PolicyFile.FORMAT_VERSION);
            byte[] header = JSON.writeValueAsBytes(h);
            out.writeInt(header.length);
            out.write(header);
            out.writeInt(arrays.size());
            for (Map.Entry<String, float[]> e : arrays.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeInt(name.length);
                out.write(name);
                out.writeInt(e.getValue().length);
                for (float f : e.getValue()) {
                    out.writeFloat(f);
                }
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e); // in-memory streams do not fail
        }
    }

    /** Writes atomically: a temp file beside the target, then a rename. */
    public static void write(PolicyFile p, Path file) throws IOException {
        AtomicFiles.write(file, toBytes(p));
    }

    private static void putDoubles(ObjectNode o, String key, double[] v) {
        ArrayNode a = o.putArray(key);
        for (double d : v) {
            a.add(d);
        }
    }

    private static void putStrings(ObjectNode o, String key, List<String> v) {
        if (v == null) {
            o.putNull(key);
            return;
        }
        ArrayNode a = o.putArray(key);
        v.forEach(a::add);
    }
}
