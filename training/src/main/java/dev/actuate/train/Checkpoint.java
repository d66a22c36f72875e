package dev.actuate.train;

import dev.actuate.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * One binary file holding a model or a training checkpoint: a JSON header (provenance, algorithm,
 * env id, network shapes, normaliser statistics, RNG states, counters; whatever the writer puts in
 * it) and named float and double arrays (parameters, optimiser state, statistics).
 *
 * <p>Layout, big-endian: 8-byte magic {@code ACTUATE\x1A}, int format version, int header length,
 * UTF-8 JSON header, int array count, then per array its name (modified UTF-8), a type byte
 * (1 float, 2 double), int length and the values; finally the CRC32 of everything before it as a
 * long. A missing, foreign, truncated or corrupted file is an {@link IOException} naming the file.
 */
public final class Checkpoint {
    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = {'A', 'C', 'T', 'U', 'A', 'T', 'E', 0x1A};
    private static final byte FLOAT = 1;
    private static final byte DOUBLE = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode header;
    private final Map<String, float[]> floats = new LinkedHashMap<>();
    private final Map<String, double[]> doubles = new LinkedHashMap<>();
    private final String source;

    public Checkpoint() {
        this(JSON.createObjectNode(), "<in memory>");
    }

    private Checkpoint(ObjectNode header, String source) {
        this.header = header;
        this.source = source;
    }

    public static ObjectMapper json() {
        return JSON;
    }

    /** The mutable JSON header. */
    public ObjectNode header() {
        return header;
    }

    /** Where this checkpoint was read from, for error messages. */
    public String source() {
        return source;
    }

    public Checkpoint put(String name, float[] values) {
        checkName(name);
        floats.put(name, values.clone());
        return this;
    }

    public Checkpoint put(String name, double[] values) {
        checkName(name);
        doubles.put(name, values.clone());
        return this;
    }

    public boolean has(String name) {
        return floats.containsKey(name) || doubles.containsKey(name);
    }

    public Set<String> floatNames() {
        return floats.keySet();
    }

    /** The named float array, of the expected length (negative to accept any). */
    public float[] floats(String name, int expectedLength) throws IOException {
        float[] v = floats.get(name);
        if (v == null) {
            throw new IOException(source + ": missing float array '" + name + "'");
        }
        checkLength(name, v.length, expectedLength);
        return v.clone();
    }

    public double[] doubles(String name, int expectedLength) throws IOException {
        double[] v = doubles.get(name);
        if (v == null) {
            throw new IOException(source + ": missing double array '" + name + "'");
        }
        checkLength(name, v.length, expectedLength);
        return v.clone();
    }

    /** A required header field. */
    public JsonNode field(String name) throws IOException {
        JsonNode n = header.get(name);
        if (n == null || n.isNull()) {
            throw new IOException(source + ": header lacks '" + name + "'");
        }
        return n;
    }

    /** The largest layer width a model file may declare: far above any trained here, far below int overflow. */
    public static final int MAX_LAYER_SIZE = 1 << 16;

    /**
     * A required header field holding a network's layer sizes: at least input and output, each a whole number
     * from 1 to {@link #MAX_LAYER_SIZE}. A bad value is an error naming the file and the field.
     */
    public int[] layerSizes(String name) throws IOException {
        JsonNode n = field(name);
        String expected = "a list of at least 2 layer sizes, each a whole number from 1 to " + MAX_LAYER_SIZE;
        if (!n.isArray() || n.size() < 2) {
            throw new IOException(source + ": header field '" + name + "' must be " + expected + ", got " + n);
        }
        int[] sizes = new int[n.size()];
        for (int i = 0; i < sizes.length; i++) {
            JsonNode v = n.get(i);
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1 || v.asInt() > MAX_LAYER_SIZE) {
                throw new IOException(source + ": header field '" + name + "' must be " + expected + "; entry " + i
                        + " is " + v);
            }
            sizes[i] = v.asInt();
        }
        return sizes;
    }

    private void checkLength(String name, int actual, int expected) throws IOException {
        if (expected >= 0 && actual != expected) {
            throw new IOException(source + ": array '" + name + "' has " + actual + " values, expected " + expected
                    + " (does the model match this env and network shape?)");
        }
    }

    private void checkName(String name) {
        if (has(name)) {
            throw new IllegalArgumentException("array '" + name + "' already stored");
        }
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            byte[] h = JSON.writeValueAsBytes(header);
            out.writeInt(h.length);
            out.write(h);
            out.writeInt(floats.size() + doubles.size());
            for (Map.Entry<String, float[]> e : floats.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeByte(FLOAT);
                out.writeInt(e.getValue().length);
                for (float f : e.getValue()) {
                    out.writeFloat(f);
                }
            }
            for (Map.Entry<String, double[]> e : doubles.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeByte(DOUBLE);
                out.writeInt(e.getValue().length);
                for (double d : e.getValue()) {
                    out.writeDouble(d);
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

    /** Writes atomically (temp file, then rename). */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, toBytes());
    }

    public static Checkpoint read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "model/checkpoint file does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, expected a model/checkpoint file");
        }
        return fromBytes(Files.readAllBytes(file), file.toString());
    }

    public static Checkpoint fromBytes(byte[] data, String source) throws IOException {
        if (data.length < MAGIC.length + 4 || !Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
            throw new IOException(source + ": not an Actuate model/checkpoint file (bad magic or too short)");
        }
        if (data.length < MAGIC.length + 4 + 4 + 4 + 8) {
            throw new IOException(source + ": truncated model/checkpoint file (" + data.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        long stored = java.nio.ByteBuffer.wrap(data, data.length - 8, 8).getLong();
        if (stored != crc.getValue()) {
            throw new IOException(source + ": corrupt or truncated model/checkpoint file (CRC32 mismatch)");
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, MAGIC.length, data.length - 8 - MAGIC.length));
            int version = in.readInt();
            if (version < 1 || version > FORMAT_VERSION) {
                throw new IOException(source + ": format version " + version + " is not supported (this build reads "
                        + "up to " + FORMAT_VERSION + ")");
            }
            int headerLength = in.readInt();
            if (headerLength < 0 || headerLength > data.length) {
                throw new IOException(source + ": corrupt header length " + headerLength);
            }
            byte[] h = in.readNBytes(headerLength);
            JsonNode node;
            try {
                node = JSON.readTree(new String(h, StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new IOException(source + ": corrupt JSON header: " + e.getOriginalMessage(), e);
            }
            if (!(node instanceof ObjectNode obj)) {
                throw new IOException(source + ": JSON header is not an object");
            }
            Checkpoint cp = new Checkpoint(obj, source);
            int count = in.readInt();
            for (int k = 0; k < count; k++) {
                String name = in.readUTF();
                byte type = in.readByte();
                int n = in.readInt();
                if (n < 0 || n > data.length) {
                    throw new IOException(source + ": corrupt length " + n + " for array '" + name + "'");
                }
                if (type == FLOAT) {
                    float[] v = new float[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = in.readFloat();
                    }
                    cp.floats.put(name, v);
                } else if (type == DOUBLE) {
                    double[] v = new double[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = in.readDouble();
                    }
                    cp.doubles.put(name, v);
                } else {
                    throw new IOException(source + ": unknown array type " + type + " for '" + name + "'");
                }
            }
            return cp;
        } catch (EOFException e) {
            throw new IOException(source + ": truncated model/checkpoint file", e);
        }
    }
}
