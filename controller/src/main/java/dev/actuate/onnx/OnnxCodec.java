package dev.actuate.onnx;

import dev.actuate.onnx.OnnxModel.Attribute;
import dev.actuate.onnx.OnnxModel.Graph;
import dev.actuate.onnx.OnnxModel.Node;
import dev.actuate.onnx.OnnxModel.OpsetId;
import dev.actuate.onnx.OnnxModel.Tensor;
import dev.actuate.onnx.OnnxModel.ValueInfo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@link OnnxModel} in the protobuf wire format, with the field numbers of
 * {@code onnx.proto} (the only place that knows them), so no protobuf library is needed.
 */
public final class OnnxCodec {
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LEN = 2;
    private static final int FIXED32 = 5;

    private OnnxCodec() {
    }

    /** Reads an .onnx file; a malformed one gets an {@link IOException} naming the file and the message it broke in. */
    public static OnnxModel read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return parse(bytes);
        } catch (MalformedException e) {
            throw new IOException(file + ": not a readable ONNX model (" + e.getMessage() + ")", e);
        }
    }

    /** Parses a serialised {@code ModelProto}. */
    public static OnnxModel parse(byte[] bytes) {
        Reader r = new Reader(bytes, 0, bytes.length, "ModelProto");
        long ir = 0;
        List<OpsetId> opsets = new ArrayList<>();
        String producer = "";
        String producerVersion = "";
        Graph graph = null;
        Map<String, String> meta = new LinkedHashMap<>();
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> ir = r.varint(tag);
                case 2 -> producer = r.string(tag);
                case 3 -> producerVersion = r.string(tag);
                case 7 -> graph = graph(r.message(tag, "GraphProto"));
                case 8 -> opsets.add(opset(r.message(tag, "OperatorSetIdProto")));
                case 14 -> {
                    Reader e = r.message(tag, "StringStringEntryProto");
                    String k = "";
                    String v = "";
                    while (e.more()) {
                        int t = e.tag();
                        switch (t >>> 3) {
                            case 1 -> k = e.string(t);
                            case 2 -> v = e.string(t);
                            default -> e.skip(t);
                        }
                    }
                    meta.put(k, v);
                }
                default -> r.skip(tag);
            }
        }
        if (graph == null) {
            throw new MalformedException("ModelProto has no graph");
        }
        return new OnnxModel(ir, opsets, producer, producerVersion, graph, meta);
    }

    private static OpsetId opset(Reader r) {
        String domain = "";
        long version = 0;
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> domain = r.string(tag);
                case 2 -> version = r.varint(tag);
                default -> r.skip(tag);
            }
        }
        return new OpsetId(domain, version);
    }

    private static Graph graph(Reader r) {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        List<Tensor> init = new ArrayList<>();
        List<ValueInfo> in = new ArrayList<>();
        List<ValueInfo> out = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> nodes.add(node(r.message(tag, "NodeProto")));
                case 2 -> name = r.string(tag);
                case 5 -> init.add(tensor(r.message(tag, "TensorProto")));
                case 11 -> in.add(valueInfo(r.message(tag, "ValueInfoProto")));
                case 12 -> out.add(valueInfo(r.message(tag, "ValueInfoProto")));
                default -> r.skip(tag);
            }
        }
        return new Graph(name, nodes, init, in, out);
    }

    private static Node node(Reader r) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        List<Attribute> attrs = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> in.add(r.string(tag));
                case 2 -> out.add(r.string(tag));
                case 3 -> name = r.string(tag);
                case 4 -> op = r.string(tag);
                case 5 -> attrs.add(attribute(r.message(tag, "AttributeProto")));
                case 7 -> domain = r.string(tag);
                default -> r.skip(tag);
            }
        }
        return new Node(name, op, domain, in, out, attrs);
    }

    private static Attribute attribute(Reader r) {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        byte[] s = null;
        Tensor t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> name = r.string(tag);
                case 2 -> f = r.fixed32Float(tag);
                case 3 -> i = r.varint(tag);
                case 4 -> s = r.bytes(tag);
                case 5 -> t = tensor(r.message(tag, "TensorProto"));
                case 7 -> r.floats(tag, floats);
                case 8 -> r.varints(tag, ints);
                case 20 -> type = (int) r.varint(tag);
                default -> r.skip(tag);
            }
        }
        return new Attribute(name, type, f, i, s, t, floats.toArray(), ints.toArray());
    }

    private static Tensor tensor(Reader r) {
        LongList dims = new LongList();
        int type = 0;
        String name = "";
        FloatList floatData = new FloatList();
        LongList longData = new LongList();
        List<Double> doubleData = new ArrayList<>();
        byte[] raw = null;
        boolean external = false;
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> r.varints(tag, dims);
                case 2 -> type = (int) r.varint(tag);
                case 4 -> r.floats(tag, floatData);
                case 5, 7 -> r.varints(tag, longData); // int32_data, int64_data
                case 8 -> name = r.string(tag);
                case 9 -> raw = r.bytes(tag);
                case 10 -> r.doubles(tag, doubleData);
                case 13 -> {
                    external = true;
                    r.skip(tag);
                }
                default -> r.skip(tag);
            }
        }
        long[] d = dims.toArray();
        long n = 1;
        for (long x : d) {
            n *= x;
        }
        if (external) {
            throw new MalformedException("tensor '" + name + "' keeps its data in an external file (not supported)");
        }
        float[] fl = null;
        long[] lo = null;
        if (type == OnnxModel.FLOAT || type == OnnxModel.DOUBLE) {
            if (raw != null) {
                ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                int width = type == OnnxModel.FLOAT ? 4 : 8;
                checkCount(name, raw.length / width, n, raw.length % width);
                fl = new float[raw.length / width];
                for (int k = 0; k < fl.length; k++) {
                    fl[k] = type == OnnxModel.FLOAT ? b.getFloat() : (float) b.getDouble();
                }
            } else if (type == OnnxModel.FLOAT) {
                fl = floatData.toArray();
                checkCount(name, fl.length, n, 0);
            } else {
                fl = new float[doubleData.size()];
                for (int k = 0; k < fl.length; k++) {
                    fl[k] = doubleData.get(k).floatValue();
                }
                checkCount(name, fl.length, n, 0);
            }
        } else if (type == OnnxModel.INT64 || type == OnnxModel.INT32) {
            if (raw != null) {
                ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                int width = type == OnnxModel.INT64 ? 8 : 4;
                checkCount(name, raw.length / width, n, raw.length % width);
                lo = new long[raw.length / width];
                for (int k = 0; k < lo.length; k++) {
                    lo[k] = type == OnnxModel.INT64 ? b.getLong() : b.getInt();
                }
            } else {
                lo = longData.toArray();
                if (type == OnnxModel.INT32) {
                    for (int k = 0; k < lo.length; k++) {
                        lo[k] = (int) lo[k]; // int32_data is sign-extended to 64 bits on the wire
                    }
                }
                checkCount(name, lo.length, n, 0);
            }
        }
        return new Tensor(name, d, type, fl, lo);
    }

    private static void checkCount(String name, long got, long expected, int trailing) {
        if (got != expected || trailing != 0) {
            throw new MalformedException("tensor '" + name + "' has " + got + " elements, its dims say " + expected);
        }
    }

    private static ValueInfo valueInfo(Reader r) {
        String name = "";
        int elem = 0;
        long[] dims = null;
        while (r.more()) {
            int tag = r.tag();
            if (tag >>> 3 == 1) {
                name = r.string(tag);
            } else if (tag >>> 3 == 2) {
                Reader type = r.message(tag, "TypeProto");
                while (type.more()) {
                    int t = type.tag();
                    if (t >>> 3 == 1) { // tensor_type
                        Reader tt = type.message(t, "TypeProto.Tensor");
                        while (tt.more()) {
                            int u = tt.tag();
                            if (u >>> 3 == 1) {
                                elem = (int) tt.varint(u);
                            } else if (u >>> 3 == 2) {
                                dims = shape(tt.message(u, "TensorShapeProto"));
                            } else {
                                tt.skip(u);
                            }
                        }
                    } else {
                        type.skip(t);
                    }
                }
            } else {
                r.skip(tag);
            }
        }
        return new ValueInfo(name, elem, dims);
    }

    private static long[] shape(Reader r) {
        LongList dims = new LongList();
        while (r.more()) {
            int tag = r.tag();
            if (tag >>> 3 == 1) {
                Reader d = r.message(tag, "TensorShapeProto.Dimension");
                long v = -1;
                while (d.more()) {
                    int t = d.tag();
                    if (t >>> 3 == 1) {
                        v = d.varint(t);
                    } else {
                        d.skip(t);
                    }
                }
                dims.add(v);
            } else {
                r.skip(tag);
            }
        }
        return dims.toArray();
    }

    // ---------------------------------------------------------------- writing

    /** Serialises a model as a {@code ModelProto}, tensor data as {@code raw_data} (what PyTorch writes). */
    public static byte[] serialize(OnnxModel m) {
        return serialize(m, true);
    }

    /** @param rawData false writes {@code float_data}/{@code int64_data} instead (other exporters do; tests read both) */
    static byte[] serialize(OnnxModel m, boolean rawData) {
        Writer w = new Writer(rawData);
        w.varint(1, m.irVersion());
        w.string(2, m.producerName());
        w.string(3, m.producerVersion());
        w.message(7, graph(w, m.graph()));
        for (OpsetId o : m.opsets()) {
            Writer ow = w.child();
            ow.string(1, o.domain());
            ow.varint(2, o.version());
            w.message(8, ow);
        }
        for (Map.Entry<String, String> e : m.metadata().entrySet()) {
            Writer ew = w.child();
            ew.string(1, e.getKey());
            ew.string(2, e.getValue());
            w.message(14, ew);
        }
        return w.toByteArray();
    }

    private static Writer graph(Writer parent, Graph g) {
        Writer w = parent.child();
        for (Node n : g.nodes()) {
            Writer nw = w.child();
            for (String s : n.inputs()) {
                nw.stringAlways(1, s);
            }
            for (String s : n.outputs()) {
                nw.stringAlways(2, s);
            }
            nw.string(3, n.name());
            nw.string(4, n.opType());
            for (Attribute a : n.attributes()) {
                nw.message(5, attribute(nw, a));
            }
            nw.string(7, n.domain());
            w.message(1, nw);
        }
        w.string(2, g.name());
        for (Tensor t : g.initializers()) {
            w.message(5, tensor(w, t));
        }
        for (ValueInfo v : g.inputs()) {
            w.message(11, valueInfo(w, v));
        }
        for (ValueInfo v : g.outputs()) {
            w.message(12, valueInfo(w, v));
        }
        return w;
    }

    private static Writer attribute(Writer parent, Attribute a) {
        Writer w = parent.child();
        w.string(1, a.name());
        switch (a.type()) {
            case Attribute.ATTR_FLOAT -> w.fixed32Always(2, a.f());
            case Attribute.ATTR_INT -> w.varintAlways(3, a.i());
            case Attribute.ATTR_STRING -> w.bytes(4, a.s());
            case Attribute.ATTR_TENSOR -> w.message(5, tensor(w, a.t()));
            case Attribute.ATTR_FLOATS -> w.packedFloats(7, a.floats());
            case Attribute.ATTR_INTS -> w.packedVarints(8, a.ints());
            default -> throw new IllegalArgumentException("attribute " + a.name() + ": cannot write type " + a.type());
        }
        w.varint(20, a.type());
        return w;
    }

    private static Writer tensor(Writer parent, Tensor t) {
        Writer w = parent.child();
        w.packedVarints(1, t.dims());
        w.varint(2, t.dataType());
        w.string(8, t.name());
        if (!w.rawData && t.dataType() == OnnxModel.FLOAT) {
            w.packedFloats(4, t.floats());
        } else if (!w.rawData && t.dataType() == OnnxModel.INT64) {
            w.packedVarints(7, t.longs());
        } else if (t.dataType() == OnnxModel.FLOAT) {
            ByteBuffer b = ByteBuffer.allocate(4 * t.floats().length).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : t.floats()) {
                b.putFloat(f);
            }
            w.bytes(9, b.array());
        } else if (t.dataType() == OnnxModel.INT64) {
            ByteBuffer b = ByteBuffer.allocate(8 * t.longs().length).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : t.longs()) {
                b.putLong(v);
            }
            w.bytes(9, b.array());
        } else {
            throw new IllegalArgumentException("tensor " + t.name() + ": cannot write data type " + t.dataType());
        }
        return w;
    }

    private static Writer valueInfo(Writer parent, ValueInfo v) {
        Writer w = parent.child();
        w.string(1, v.name());
        Writer tensorType = w.child();
        tensorType.varint(1, v.elemType());
        if (v.dims() != null) {
            Writer shape = w.child();
            for (long d : v.dims()) {
                Writer dim = w.child();
                if (d >= 0) {
                    dim.varintAlways(1, d);
                } else {
                    dim.string(2, "batch");
                }
                shape.message(1, dim);
            }
            tensorType.message(2, shape);
        }
        Writer type = w.child();
        type.message(1, tensorType);
        w.message(2, type);
        return w;
    }

    // ---------------------------------------------------------------- wire format

    /** A malformed message; {@link #read} turns it into an IOException naming the file. */
    static final class MalformedException extends IllegalArgumentException {
        MalformedException(String message) {
            super(message);
        }
    }

    /** A bounded view of a message's bytes. */
    private static final class Reader {
        private final byte[] buf;
        private final int end;
        private final String message;
        private int pos;

        Reader(byte[] buf, int start, int end, String message) {
            this.buf = buf;
            this.pos = start;
            this.end = end;
            this.message = message;
        }

        boolean more() {
            return pos < end;
        }

        int tag() {
            long t = rawVarint();
            if (t <= 0 || t > Integer.MAX_VALUE) {
                throw bad("invalid field tag " + t);
            }
            return (int) t;
        }

        long rawVarint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw bad("truncated varint");
                }
                byte b = buf[pos++];
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw bad("varint longer than 10 bytes");
        }

        long varint(int tag) {
            expect(tag, VARINT);
            return rawVarint();
        }

        float fixed32Float(int tag) {
            expect(tag, FIXED32);
            return Float.intBitsToFloat(fixed32());
        }

        private int fixed32() {
            need(4);
            int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
            pos += 4;
            return v;
        }

        private long fixed64() {
            long lo = fixed32() & 0xffffffffL;
            long hi = fixed32() & 0xffffffffL;
            return lo | hi << 32;
        }

        private int length() {
            long n = rawVarint();
            if (n < 0 || n > end - pos) {
                throw bad("length " + n + " runs past the end of the message");
            }
            return (int) n;
        }

        byte[] bytes(int tag) {
            expect(tag, LEN);
            int n = length();
            byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return b;
        }

        String string(int tag) {
            return new String(bytes(tag), StandardCharsets.UTF_8);
        }

        Reader message(int tag, String name) {
            expect(tag, LEN);
            int n = length();
            Reader r = new Reader(buf, pos, pos + n, name);
            pos += n;
            return r;
        }

        /** A repeated float, packed or not. */
        void floats(int tag, FloatList out) {
            if ((tag & 7) == FIXED32) {
                out.add(Float.intBitsToFloat(fixed32()));
                return;
            }
            expect(tag, LEN);
            int n = length();
            if (n % 4 != 0) {
                throw bad("packed floats of " + n + " bytes");
            }
            int stop = pos + n;
            while (pos < stop) {
                out.add(Float.intBitsToFloat(fixed32()));
            }
        }

        void doubles(int tag, List<Double> out) {
            if ((tag & 7) == FIXED64) {
                out.add(Double.longBitsToDouble(fixed64()));
                return;
            }
            expect(tag, LEN);
            int n = length();
            if (n % 8 != 0) {
                throw bad("packed doubles of " + n + " bytes");
            }
            int stop = pos + n;
            while (pos < stop) {
                out.add(Double.longBitsToDouble(fixed64()));
            }
        }

        /** A repeated varint, packed or not. */
        void varints(int tag, LongList out) {
            if ((tag & 7) == VARINT) {
                out.add(rawVarint());
                return;
            }
            expect(tag, LEN);
            int n = length();
            Reader inner = new Reader(buf, pos, pos + n, message);
            while (inner.more()) {
                out.add(inner.rawVarint());
            }
            pos += n;
        }

        void skip(int tag) {
            switch (tag & 7) {
                case VARINT -> rawVarint();
                case FIXED64 -> {
                    need(8);
                    pos += 8;
                }
                case LEN -> {
                    int n = length(); // not "pos += length()": that reads pos before length() moves it
                    pos += n;
                }
                case FIXED32 -> {
                    need(4);
                    pos += 4;
                }
                default -> throw bad("unsupported wire type " + (tag & 7) + " in field " + (tag >>> 3));
            }
        }

        private void need(int n) {
            if (end - pos < n) {
                throw bad("truncated");
            }
        }

        private void expect(int tag, int wireType) {
            if ((tag & 7) != wireType) {
                throw bad("field " + (tag >>> 3) + " has wire type " + (tag & 7) + ", expected " + wireType);
            }
        }

        private MalformedException bad(String what) {
            return new MalformedException(message + ": " + what + " at byte " + pos);
        }
    }

    private static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final boolean rawData;

        Writer(boolean rawData) {
            this.rawData = rawData;
        }

        Writer child() {
            return new Writer(rawData);
        }

        void rawVarint(long v) {
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        void tag(int field, int wireType) {
            rawVarint((long) field << 3 | wireType);
        }

        /** Proto3 leaves zero scalars out. */
        void varint(int field, long v) {
            if (v != 0) {
                varintAlways(field, v);
            }
        }

        void varintAlways(int field, long v) {
            tag(field, VARINT);
            rawVarint(v);
        }

        void fixed32Always(int field, float f) {
            tag(field, FIXED32);
            int b = Float.floatToRawIntBits(f);
            out.write(b);
            out.write(b >>> 8);
            out.write(b >>> 16);
            out.write(b >>> 24);
        }

        void string(int field, String s) {
            if (s != null && !s.isEmpty()) {
                stringAlways(field, s);
            }
        }

        /** Repeated strings keep empty entries (an empty node input means "omitted", by position). */
        void stringAlways(int field, String s) {
            bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(int field, byte[] b) {
            tag(field, LEN);
            rawVarint(b.length);
            out.writeBytes(b);
        }

        void message(int field, Writer w) {
            bytes(field, w.toByteArray());
        }

        void packedVarints(int field, long[] vs) {
            if (vs == null || vs.length == 0) {
                return;
            }
            Writer p = child();
            for (long v : vs) {
                p.rawVarint(v);
            }
            bytes(field, p.toByteArray());
        }

        void packedFloats(int field, float[] fs) {
            if (fs == null || fs.length == 0) {
                return;
            }
            ByteBuffer b = ByteBuffer.allocate(4 * fs.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : fs) {
                b.putFloat(f);
            }
            bytes(field, b.array());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    private static final class FloatList {
        private float[] a = new float[16];
        private int n;

        void add(float v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, 2 * n);
            }
            a[n++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    private static final class LongList {
        private long[] a = new long[8];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, 2 * n);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
