package dev.actuate.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The part of ONNX's {@code ModelProto} that policy graphs use, as immutable records. Fields this
 * reader does not model (sparse tensors, subgraphs, training info, functions) are skipped on read;
 * a node that needs them fails when it is evaluated, naming the op and node.
 */
public record OnnxModel(long irVersion, List<OpsetId> opsets, String producerName, String producerVersion,
                        Graph graph, Map<String, String> metadata) {
    /** ONNX {@code TensorProto.DataType} codes used here. */
    public static final int FLOAT = 1;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int DOUBLE = 11;

    public OnnxModel {
        opsets = List.copyOf(opsets);
        metadata = Map.copyOf(metadata);
    }

    /** The default ({@code ai.onnx}) opset version, or -1 when the model declares none. */
    public long defaultOpset() {
        for (OpsetId o : opsets) {
            if (o.domain().isEmpty() || o.domain().equals("ai.onnx")) {
                return o.version();
            }
        }
        return -1;
    }

    public record OpsetId(String domain, long version) {
    }

    public record Graph(String name, List<Node> nodes, List<Tensor> initializers, List<ValueInfo> inputs,
                        List<ValueInfo> outputs) {
        public Graph {
            nodes = List.copyOf(nodes);
            initializers = List.copyOf(initializers);
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }

    public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       List<Attribute> attributes) {
        public Node {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            attributes = List.copyOf(attributes);
        }

        /** The attribute called {@code name}, or null. */
        public Attribute attribute(String attrName) {
            for (Attribute a : attributes) {
                if (a.name().equals(attrName)) {
                    return a;
                }
            }
            return null;
        }

        /** How errors name this node: its name, else its first output. */
        public String label() {
            String id = name.isEmpty() ? (outputs.isEmpty() ? "?" : "output " + outputs.get(0)) : name;
            return opType + " node '" + id + "'";
        }
    }

    /**
     * One attribute; only the value field matching {@link #type} is meaningful ({@code ATTR_*} codes
     * are ONNX's {@code AttributeProto.AttributeType}).
     */
    public record Attribute(String name, int type, float f, long i, byte[] s, Tensor t, float[] floats, long[] ints) {
        public static final int ATTR_FLOAT = 1;
        public static final int ATTR_INT = 2;
        public static final int ATTR_STRING = 3;
        public static final int ATTR_TENSOR = 4;
        public static final int ATTR_FLOATS = 6;
        public static final int ATTR_INTS = 7;

        public static Attribute ofInt(String name, long v) {
            return new Attribute(name, ATTR_INT, 0, v, null, null, null, null);
        }

        public static Attribute ofFloat(String name, float v) {
            return new Attribute(name, ATTR_FLOAT, v, 0, null, null, null, null);
        }

        public static Attribute ofTensor(String name, Tensor t) {
            return new Attribute(name, ATTR_TENSOR, 0, 0, null, t, null, null);
        }
    }

    /**
     * A dense tensor: {@code floats} for FLOAT/DOUBLE data (doubles narrowed), {@code longs} for
     * INT32/INT64 data; the other is null. Other element types keep neither and fail when used.
     */
    public record Tensor(String name, long[] dims, int dataType, float[] floats, long[] longs) {
        public static Tensor ofFloats(String name, long[] dims, float[] data) {
            return new Tensor(name, dims, FLOAT, data, null);
        }

        public static Tensor ofLongs(String name, long[] dims, long[] data) {
            return new Tensor(name, dims, INT64, null, data);
        }

        public long elementCount() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return "Tensor[" + name + " " + Arrays.toString(dims) + " type " + dataType + "]";
        }
    }

    /**
     * A graph input or output: element type and shape, a dimension being -1 when symbolic (e.g. a
     * dynamic batch) or unknown; {@code dims} is null when the shape is not given.
     */
    public record ValueInfo(String name, int elemType, long[] dims) {
    }
}
