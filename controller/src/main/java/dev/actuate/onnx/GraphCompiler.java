package dev.actuate.onnx;

import dev.actuate.nn.infer.FloatMlp;
import dev.actuate.onnx.OnnxModel.Attribute;
import dev.actuate.onnx.OnnxModel.Node;
import dev.actuate.onnx.OnnxModel.Tensor;
import dev.actuate.onnx.OnnxModel.ValueInfo;
import dev.actuate.onnx.OnnxNetwork.Step;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles one output of an ONNX graph for a batch of one observation.
 *
 * <ol>
 *   <li>The nodes the output depends on (through any input) are taken in graph order.</li>
 *   <li>Each gets static shapes; a node whose inputs are all constant is evaluated now (constant
 *       folding, by the same step code that would run later), {@code Shape} is always constant, and
 *       reshaping ops ({@code Identity}, {@code Flatten}, {@code Reshape}, float {@code Cast}, ...) share
 *       their input's buffer.</li>
 *   <li>Only nodes whose <em>values</em> the output needs become run-time steps: SB3's exports
 *       compute the log-std branch just to feed a {@code Shape}, so that branch is shaped, not run.</li>
 * </ol>
 * An op outside the supported set fails with its type and node name.
 */
final class GraphCompiler {
    /** Ops this compiler knows (shapes and, where they can run on the observation's path, steps). */
    static final Set<String> SUPPORTED = Set.of("Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min",
            "Tanh", "Relu", "Sigmoid", "Exp", "Log", "Neg", "Sqrt", "Abs", "Clip", "Identity", "Cast", "Flatten",
            "Reshape", "Squeeze", "Unsqueeze", "Expand", "Constant", "ConstantOfShape", "Shape");

    /** A value at compile time: a shape, and data that is either constant or a run-time buffer. */
    private static final class Val {
        final int[] shape;
        final float[] data;   // float constant or run-time buffer; null for int64 constants
        final long[] longs;   // int64 constant
        final boolean constant;

        Val(int[] shape, float[] data, long[] longs, boolean constant) {
            this.shape = shape;
            this.data = data;
            this.longs = longs;
            this.constant = constant;
        }

        static Val buffer(int[] shape) {
            return new Val(shape, new float[numel(shape)], null, false);
        }

        static Val floats(int[] shape, float[] data) {
            return new Val(shape, data, null, true);
        }

        static Val longs(int[] shape, long[] data) {
            return new Val(shape, null, data, true);
        }

        int size() {
            return numel(shape);
        }
    }

    /** A compiled node: its step (null when folded or aliasing) and the run-time values it reads. */
    private record Compiled(Node node, Step step, List<String> reads) {
    }

    private final Map<String, Val> values = new HashMap<>();
    private final Map<String, Compiled> producers = new HashMap<>();
    private final List<Compiled> order = new ArrayList<>();
    private final long opset;

    private GraphCompiler(long opset) {
        this.opset = opset;
    }

    static OnnxNetwork compile(OnnxModel model, String outputName) {
        OnnxModel.Graph g = model.graph();
        if (g.outputs().isEmpty()) {
            throw new IllegalArgumentException("graph has no outputs");
        }
        String out = outputName;
        if (out == null) {
            out = g.outputs().stream().anyMatch(o -> o.name().equals("action")) ? "action" : g.outputs().get(0).name();
        } else {
            String wanted = out;
            if (g.outputs().stream().noneMatch(o -> o.name().equals(wanted))) {
                throw new IllegalArgumentException("no graph output '" + out + "' (outputs: "
                        + g.outputs().stream().map(ValueInfo::name).toList() + ")");
            }
        }
        if (model.defaultOpset() < 0) {
            throw new IllegalArgumentException("the model imports no default-domain (ai.onnx) opset");
        }
        GraphCompiler c = new GraphCompiler(model.defaultOpset());
        for (OnnxModel.OpsetId o : model.opsets()) {
            if (!o.domain().isEmpty() && !o.domain().equals("ai.onnx")) {
                continue; // other domains are only a problem if one of their nodes is on the path
            }
            if (o.version() < 7 || o.version() > 22) {
                throw new IllegalArgumentException("opset " + o.version() + " is outside the supported 7..22");
            }
        }
        Set<String> initNames = new HashSet<>();
        for (Tensor t : g.initializers()) {
            initNames.add(t.name());
            c.values.put(t.name(), constant(t, "initializer '" + t.name() + "'"));
        }
        List<ValueInfo> realInputs = g.inputs().stream().filter(v -> !initNames.contains(v.name())).toList();
        if (realInputs.size() != 1) {
            throw new IllegalArgumentException("expected one graph input (the observation), found "
                    + realInputs.stream().map(ValueInfo::name).toList());
        }
        ValueInfo in = realInputs.get(0);
        if (in.elemType() != OnnxModel.FLOAT) {
            throw new IllegalArgumentException("input '" + in.name() + "' has element type " + in.elemType()
                    + "; only float (1) observations are supported");
        }
        if (in.dims() == null || in.dims().length == 0 || in.dims().length > 2) {
            throw new IllegalArgumentException("input '" + in.name() + "' must have shape [batch, n] or [n], got "
                    + (in.dims() == null ? "no shape" : Arrays.toString(in.dims())));
        }
        int[] inShape = new int[in.dims().length];
        for (int i = 0; i < inShape.length; i++) {
            long d = in.dims()[i];
            if (d < 0 && i == 0 && inShape.length == 2) {
                inShape[i] = 1; // the dynamic batch: one observation per call
            } else if (d <= 0 || d > 1 << 24) {
                throw new IllegalArgumentException("input '" + in.name() + "' dimension " + i + " is " + d
                        + " (shape " + Arrays.toString(in.dims()) + "); the observation size must be fixed");
            } else {
                inShape[i] = (int) d;
            }
        }
        if (inShape.length == 2 && inShape[0] != 1) {
            throw new IllegalArgumentException("input '" + in.name() + "' has a fixed batch of " + inShape[0]
                    + "; expected a dynamic batch or 1");
        }
        Val input = Val.buffer(inShape);
        c.values.put(in.name(), input);

        for (Node n : c.needed(g.nodes(), out)) {
            c.node(n);
        }
        Val result = c.values.get(out);
        if (result == null) {
            throw new IllegalArgumentException("output '" + out + "' is not produced by any node");
        }
        List<Step> steps = new ArrayList<>();
        List<String> ops = new ArrayList<>();
        Set<Compiled> run = c.demanded(out);
        for (Compiled cn : c.order) {
            if (run.contains(cn) && cn.step() != null) {
                steps.add(cn.step());
                ops.add(cn.node().opType());
            }
        }
        float[] outData = result.data;
        if (outData == null) {
            throw new IllegalArgumentException("output '" + out + "' is an int64 tensor; a policy output must be float");
        }
        return new OnnxNetwork(out, input.data, outData, steps, ops, c.opset);
    }

    /** The nodes {@code out} depends on, in graph order. */
    private List<Node> needed(List<Node> nodes, String out) {
        Map<String, Node> producer = new HashMap<>();
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    producer.put(o, n);
                }
            }
        }
        Set<Node> need = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(out));
        while (!todo.isEmpty()) {
            Node n = producer.get(todo.pop());
            if (n != null && need.add(n)) {
                for (String i : n.inputs()) {
                    if (!i.isEmpty()) {
                        todo.push(i);
                    }
                }
            }
        }
        return nodes.stream().filter(need::contains).toList();
    }

    /** The compiled nodes whose steps must run for {@code out}'s value. */
    private Set<Compiled> demanded(String out) {
        Set<Compiled> run = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(out));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            Val v = values.get(name);
            Compiled cn = producers.get(name);
            if (v == null || v.constant || cn == null || !run.add(cn)) {
                continue;
            }
            todo.addAll(cn.reads());
        }
        return run;
    }

    // ---------------------------------------------------------------- nodes

    private void node(Node n) {
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            throw unsupported(n, "domain '" + n.domain() + "'");
        }
        if (!SUPPORTED.contains(n.opType())) {
            throw new IllegalArgumentException("unsupported op " + n.opType() + " in node '" + nodeName(n)
                    + "' (supported: " + new java.util.TreeSet<>(SUPPORTED) + ")");
        }
        List<Val> in = new ArrayList<>();
        for (String name : n.inputs()) {
            if (name.isEmpty()) {
                in.add(null); // an omitted optional input
                continue;
            }
            Val v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException(n.label() + " reads '" + name
                        + "', which no earlier node, initializer or input produces (graph not in topological order?)");
            }
            in.add(v);
        }
        Result r = switch (n.opType()) {
            case "Gemm" -> gemm(n, in);
            case "MatMul" -> matMul(n, in);
            case "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min" -> binary(n, in);
            case "Tanh", "Relu", "Sigmoid", "Exp", "Log", "Neg", "Sqrt", "Abs" -> unary(n, in.get(0), n.opType(), 0, 0);
            case "Clip" -> clip(n, in);
            case "Identity" -> alias(in.get(0), in.get(0).shape);
            case "Cast" -> cast(n, in.get(0));
            case "Flatten" -> flatten(n, in.get(0));
            case "Reshape" -> reshape(n, in);
            case "Squeeze", "Unsqueeze" -> squeeze(n, in);
            case "Expand" -> expand(n, in);
            case "Constant" -> new Result(constantNode(n), null);
            case "ConstantOfShape" -> new Result(constantOfShape(n, in), null);
            case "Shape" -> new Result(shape(n, in.get(0)), null);
            default -> throw new IllegalStateException("unreachable: " + n.opType());
        };
        if (n.outputs().isEmpty()) {
            throw unsupported(n, "no outputs");
        }
        if (r.step != null && r.out.constant) {
            r.step.run(); // constant folding: the step's inputs are all constant
        }
        List<String> reads = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            Val v = in.get(i);
            if (v != null && !v.constant && !n.opType().equals("Shape")) {
                reads.add(n.inputs().get(i));
            }
        }
        Compiled cn = new Compiled(n, r.out.constant ? null : r.step, reads);
        order.add(cn);
        values.put(n.outputs().get(0), r.out);
        producers.put(n.outputs().get(0), cn);
        for (int i = 1; i < n.outputs().size(); i++) {
            if (!n.outputs().get(i).isEmpty()) {
                throw unsupported(n, "a second output ('" + n.outputs().get(i) + "')");
            }
        }
    }

    /** A node's value, and the step computing it (null when none is needed). */
    private record Result(Val out, Step step) {
    }

    private static Result alias(Val in, int[] shape) {
        if (numel(shape) != in.size()) {
            throw new IllegalStateException("alias of " + in.size() + " elements as " + Arrays.toString(shape));
        }
        return new Result(new Val(shape, in.data, in.longs, in.constant), null);
    }

    private Result gemm(Node n, List<Val> in) {
        Val a = floatInput(n, in, 0);
        Val b = floatInput(n, in, 1);
        Val c = in.size() > 2 ? in.get(2) : null;
        float alpha = floatAttr(n, "alpha", 1f);
        float beta = floatAttr(n, "beta", 1f);
        boolean ta = intAttr(n, "transA", 0) != 0;
        boolean tb = intAttr(n, "transB", 0) != 0;
        if (a.shape.length != 2 || b.shape.length != 2) {
            throw unsupported(n, "inputs of shapes " + Arrays.toString(a.shape) + " and " + Arrays.toString(b.shape)
                    + " (Gemm needs 2-D A and B)");
        }
        int m = ta ? a.shape[1] : a.shape[0];
        int k = ta ? a.shape[0] : a.shape[1];
        int kb = tb ? b.shape[1] : b.shape[0];
        int nn = tb ? b.shape[0] : b.shape[1];
        if (k != kb) {
            throw unsupported(n, "inner sizes " + k + " and " + kb + " that disagree");
        }
        if (ta && m != 1 && !a.constant) {
            throw unsupported(n, "transA=1 on a computed input with more than one row");
        }
        return matmulStep(n, a, b, tb, m, k, nn, alpha, c, beta, new int[] {m, nn});
    }

    private Result matMul(Node n, List<Val> in) {
        Val a = floatInput(n, in, 0);
        Val b = floatInput(n, in, 1);
        if (b.shape.length != 2 || a.shape.length < 1 || a.shape.length > 2) {
            throw unsupported(n, "inputs of shapes " + Arrays.toString(a.shape) + " and " + Arrays.toString(b.shape)
                    + " (only [m, k] or [k] times a 2-D [k, n] is supported)");
        }
        int k = a.shape[a.shape.length - 1];
        int m = a.shape.length == 2 ? a.shape[0] : 1;
        if (k != b.shape[0]) {
            throw unsupported(n, "inner sizes " + k + " and " + b.shape[0] + " that disagree");
        }
        int[] outShape = a.shape.length == 2 ? new int[] {m, b.shape[1]} : new int[] {b.shape[1]};
        return matmulStep(n, a, b, false, m, k, b.shape[1], 1f, null, 0f, outShape);
    }

    /**
     * {@code Y[m, n] = alpha * sum_k A[m, k] B[k, n] + beta * C}; a constant B is packed once as
     * {@code [n][k]} so each output is one contiguous dot product.
     */
    private Result matmulStep(Node n, Val a, Val b, boolean bTransposed, int m, int k, int nOut, float alpha,
                              Val c, float beta, int[] outShape) {
        if (!b.constant) {
            throw unsupported(n, "a computed second (weight) input; only constant weights are supported");
        }
        float[] bt = new float[nOut * k];
        for (int j = 0; j < nOut; j++) {
            for (int i = 0; i < k; i++) {
                float w = bTransposed ? b.data[j * k + i] : b.data[i * nOut + j];
                bt[j * k + i] = alpha * w;
            }
        }
        float[] bias = new float[m * nOut];
        float[] cData = null;
        int[] cIndex = null;
        if (c != null) {
            requireFloat(n, c, 2);
            int[] cShape = broadcast(n, c.shape, new int[] {m, nOut});
            if (!Arrays.equals(cShape, new int[] {m, nOut})) {
                throw unsupported(n, "C of shape " + Arrays.toString(c.shape) + " that does not broadcast to ["
                        + m + ", " + nOut + "]");
            }
            cIndex = indexMap(c.shape, cShape);
            if (c.constant) {
                for (int i = 0; i < bias.length; i++) {
                    bias[i] = beta * c.data[cIndex[i]];
                }
                cIndex = null;
            } else {
                cData = c.data;
            }
        }
        Val out = new Val(outShape, new float[m * nOut], null, a.constant && (c == null || c.constant));
        float[] x = a.data;
        float[] y = out.data;
        // A's rows are contiguous unless transA=1 with m > 1 (constant only): make a row-major copy then.
        boolean ta = intAttr(n, "transA", 0) != 0 && m > 1;
        float[] aRows = ta ? new float[m * k] : x;
        float[] cd = cData;
        int[] ci = cIndex;
        Step s = () -> {
            if (ta) {
                for (int r = 0; r < m; r++) {
                    for (int i = 0; i < k; i++) {
                        aRows[r * k + i] = x[i * m + r];
                    }
                }
            }
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < nOut; j++) {
                    float z = bias[r * nOut + j] + dot(bt, j * k, aRows, r * k, k);
                    if (cd != null) {
                        z += beta * cd[ci[r * nOut + j]];
                    }
                    y[r * nOut + j] = z;
                }
            }
        };
        return new Result(out, s);
    }

    /** Four accumulators break the add dependency chain (as in FloatMlp). */
    private static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += w[wOff + i] * x[xOff + i];
            s1 += w[wOff + i + 1] * x[xOff + i + 1];
            s2 += w[wOff + i + 2] * x[xOff + i + 2];
            s3 += w[wOff + i + 3] * x[xOff + i + 3];
        }
        for (; i < n; i++) {
            s0 += w[wOff + i] * x[xOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private Result binary(Node n, List<Val> in) {
        Val a = floatInput(n, in, 0);
        Val b = floatInput(n, in, 1);
        int[] shape = broadcast(n, a.shape, b.shape);
        Val out = new Val(shape, new float[numel(shape)], null, a.constant && b.constant);
        float[] x = a.data;
        float[] z = b.data;
        float[] y = out.data;
        int size = y.length;
        int[] ia = Arrays.equals(a.shape, shape) ? null : indexMap(a.shape, shape);
        int[] ib = Arrays.equals(b.shape, shape) ? null : indexMap(b.shape, shape);
        int op = List.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min").indexOf(n.opType()); // an int switch per element
        Step s = () -> {
            for (int i = 0; i < size; i++) {
                float u = x[ia == null ? i : ia[i]];
                float v = z[ib == null ? i : ib[i]];
                y[i] = switch (op) {
                    case 0 -> u + v;
                    case 1 -> u - v;
                    case 2 -> u * v;
                    case 3 -> u / v;
                    case 4 -> (float) Math.pow(u, v);
                    case 5 -> Math.max(u, v);
                    default -> Math.min(u, v);
                };
            }
        };
        return new Result(out, s);
    }

    private static final List<String> UNARY = List.of("Tanh", "Relu", "Sigmoid", "Exp", "Log", "Neg", "Sqrt", "Abs", "Clip");

    private Result unary(Node n, Val a, String opName, float lo, float hi) {
        requireFloat(n, a, 0);
        int op = UNARY.indexOf(opName);
        Val out = new Val(a.shape, new float[a.size()], null, a.constant);
        float[] x = a.data;
        float[] y = out.data;
        Step s = () -> {
            for (int i = 0; i < y.length; i++) {
                float v = x[i];
                y[i] = switch (op) {
                    case 0 -> FloatMlp.tanh(v);
                    case 1 -> v < 0f ? 0f : v; // Relu; NaN passes through for the safety layer to see
                    case 2 -> (float) (1.0 / (1.0 + Math.exp(-v)));
                    case 3 -> (float) Math.exp(v);
                    case 4 -> (float) Math.log(v);
                    case 5 -> -v;
                    case 6 -> (float) Math.sqrt(v);
                    case 7 -> Math.abs(v);
                    default -> Math.min(hi, Math.max(lo, v)); // Clip
                };
            }
        };
        return new Result(out, s);
    }

    private Result clip(Node n, List<Val> in) {
        float lo = Float.NEGATIVE_INFINITY;
        float hi = Float.POSITIVE_INFINITY;
        if (opset < 11) {
            lo = floatAttr(n, "min", lo);
            hi = floatAttr(n, "max", hi);
        } else {
            if (in.size() > 1 && in.get(1) != null) {
                lo = scalar(n, in.get(1), "min");
            }
            if (in.size() > 2 && in.get(2) != null) {
                hi = scalar(n, in.get(2), "max");
            }
        }
        return unary(n, in.get(0), "Clip", lo, hi);
    }

    private static float scalar(Node n, Val v, String what) {
        if (!v.constant || v.data == null || v.size() != 1) {
            throw unsupported(n, what + " that is not a constant float scalar");
        }
        return v.data[0];
    }

    private Result cast(Node n, Val a) {
        long to = intAttr(n, "to", -1);
        if (to == OnnxModel.FLOAT && a.data != null) {
            return alias(a, a.shape);
        }
        if (a.constant && a.longs != null && to == OnnxModel.FLOAT) {
            float[] f = new float[a.longs.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = a.longs[i];
            }
            return new Result(Val.floats(a.shape, f), null);
        }
        if (a.constant && (to == OnnxModel.INT64 || to == OnnxModel.INT32)) {
            long[] l = new long[a.size()];
            for (int i = 0; i < l.length; i++) {
                l[i] = a.longs != null ? a.longs[i] : (long) a.data[i];
            }
            return new Result(Val.longs(a.shape, l), null);
        }
        throw unsupported(n, "a cast to element type " + to + " (only float is computed)");
    }

    private Result flatten(Node n, Val a) {
        int axis = (int) intAttr(n, "axis", 1);
        int r = a.shape.length;
        if (axis < 0) {
            axis += r;
        }
        if (axis < 0 || axis > r) {
            throw unsupported(n, "axis " + intAttr(n, "axis", 1) + " for rank " + r);
        }
        int outer = numel(Arrays.copyOfRange(a.shape, 0, axis));
        return alias(a, new int[] {outer, a.size() / Math.max(outer, 1)});
    }

    private Result reshape(Node n, List<Val> in) {
        Val a = in.get(0);
        Val s = in.size() > 1 ? in.get(1) : null; // opsets >= 5 (all supported ones) take the shape as an input
        if (s == null || !s.constant || s.longs == null) {
            throw unsupported(n, "a shape input that is not a constant int64 tensor");
        }
        long[] target = s.longs;
        boolean allowZero = intAttr(n, "allowzero", 0) != 0;
        int[] shape = new int[target.length];
        int infer = -1;
        int known = 1;
        for (int i = 0; i < target.length; i++) {
            long t = target[i];
            if (t == -1) {
                if (infer >= 0) {
                    throw unsupported(n, "two -1 entries in shape " + Arrays.toString(target));
                }
                infer = i;
                continue;
            }
            if (t == 0 && !allowZero) {
                if (i >= a.shape.length) {
                    throw unsupported(n, "shape " + Arrays.toString(target) + " copying a dimension the input lacks");
                }
                t = a.shape[i];
            }
            if (t < 0) {
                throw unsupported(n, "shape " + Arrays.toString(target));
            }
            shape[i] = (int) t;
            known *= (int) t;
        }
        if (infer >= 0) {
            if (known == 0 || a.size() % known != 0) {
                throw unsupported(n, "shape " + Arrays.toString(target) + " for " + a.size() + " elements");
            }
            shape[infer] = a.size() / known;
        }
        if (numel(shape) != a.size()) {
            throw unsupported(n, "shape " + Arrays.toString(target) + " for input shape " + Arrays.toString(a.shape));
        }
        return alias(a, shape);
    }

    private Result squeeze(Node n, List<Val> in) {
        Val a = in.get(0);
        long[] axes;
        if (opset >= 13) {
            Val ax = in.size() > 1 ? in.get(1) : null;
            if (ax != null && (!ax.constant || ax.longs == null)) {
                throw unsupported(n, "axes that are not a constant int64 tensor");
            }
            axes = ax == null ? null : ax.longs;
        } else {
            axes = n.attribute("axes") == null ? null : longsAttr(n, "axes");
        }
        List<Integer> dims = new ArrayList<>();
        for (int d : a.shape) {
            dims.add(d);
        }
        if (n.opType().equals("Squeeze")) {
            int r = a.shape.length;
            Set<Integer> drop = new HashSet<>();
            if (axes == null) {
                for (int i = 0; i < r; i++) {
                    if (a.shape[i] == 1) {
                        drop.add(i);
                    }
                }
            } else {
                for (long x : axes) {
                    int i = (int) (x < 0 ? x + r : x);
                    if (i < 0 || i >= r || a.shape[i] != 1) {
                        throw unsupported(n, "axis " + x + " of shape " + Arrays.toString(a.shape));
                    }
                    drop.add(i);
                }
            }
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < r; i++) {
                if (!drop.contains(i)) {
                    kept.add(a.shape[i]);
                }
            }
            return alias(a, kept.stream().mapToInt(Integer::intValue).toArray());
        }
        if (axes == null) {
            throw unsupported(n, "no axes");
        }
        int r = a.shape.length + axes.length;
        long[] sorted = axes.clone();
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = sorted[i] < 0 ? sorted[i] + r : sorted[i];
        }
        Arrays.sort(sorted);
        for (long x : sorted) {
            if (x < 0 || x > dims.size()) {
                throw unsupported(n, "axes " + Arrays.toString(axes) + " for shape " + Arrays.toString(a.shape));
            }
            dims.add((int) x, 1);
        }
        return alias(a, dims.stream().mapToInt(Integer::intValue).toArray());
    }

    private Result expand(Node n, List<Val> in) {
        Val a = floatInput(n, in, 0);
        Val s = in.get(1);
        if (s == null || !s.constant || s.longs == null) {
            throw unsupported(n, "a shape input that is not a constant int64 tensor");
        }
        int[] target = new int[s.longs.length];
        for (int i = 0; i < target.length; i++) {
            target[i] = (int) s.longs[i];
        }
        int[] shape = broadcast(n, a.shape, target);
        if (numel(shape) == a.size()) {
            return alias(a, shape); // same elements, same order: nothing to copy
        }
        Val out = new Val(shape, new float[numel(shape)], null, a.constant);
        int[] idx = indexMap(a.shape, shape);
        float[] x = a.data;
        float[] y = out.data;
        return new Result(out, () -> {
            for (int i = 0; i < y.length; i++) {
                y[i] = x[idx[i]];
            }
        });
    }

    private static Val constantNode(Node n) {
        if (n.attributes().size() != 1) {
            throw unsupported(n, "attributes " + n.attributes().stream().map(Attribute::name).toList());
        }
        Attribute a = n.attributes().get(0);
        return switch (a.name()) {
            case "value" -> {
                if (a.t() == null) {
                    throw unsupported(n, "a value attribute without a tensor");
                }
                yield constant(a.t(), n.label());
            }
            case "value_float" -> Val.floats(new int[0], new float[] {a.f()});
            case "value_floats" -> Val.floats(new int[] {a.floats().length}, a.floats().clone());
            case "value_int" -> Val.longs(new int[0], new long[] {a.i()});
            case "value_ints" -> Val.longs(new int[] {a.ints().length}, a.ints().clone());
            default -> throw unsupported(n, "attribute " + a.name());
        };
    }

    private static Val constantOfShape(Node n, List<Val> in) {
        Val s = in.get(0);
        if (s == null || !s.constant || s.longs == null) {
            throw unsupported(n, "a shape input that is not a constant int64 tensor");
        }
        int[] shape = new int[s.longs.length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = (int) s.longs[i];
        }
        Attribute v = n.attribute("value");
        if (v != null && v.t() != null && v.t().longs() != null) {
            long[] l = new long[numel(shape)];
            Arrays.fill(l, v.t().longs()[0]);
            return Val.longs(shape, l);
        }
        float[] f = new float[numel(shape)];
        if (v != null && v.t() != null && v.t().floats() != null) {
            Arrays.fill(f, v.t().floats()[0]);
        }
        return Val.floats(shape, f);
    }

    private Val shape(Node n, Val a) {
        int r = a.shape.length;
        int start = (int) intAttr(n, "start", 0);
        int end = (int) intAttr(n, "end", r);
        start = Math.max(0, Math.min(r, start < 0 ? start + r : start));
        end = Math.max(start, Math.min(r, end < 0 ? end + r : end));
        long[] l = new long[end - start];
        for (int i = start; i < end; i++) {
            l[i - start] = a.shape[i];
        }
        return Val.longs(new int[] {l.length}, l);
    }

    // ---------------------------------------------------------------- helpers

    private static Val constant(Tensor t, String what) {
        int[] shape = new int[t.dims().length];
        for (int i = 0; i < shape.length; i++) {
            if (t.dims()[i] < 0 || t.dims()[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(what + ": dimension " + t.dims()[i]);
            }
            shape[i] = (int) t.dims()[i];
        }
        if (t.floats() != null) {
            return Val.floats(shape, t.floats());
        }
        if (t.longs() != null) {
            return Val.longs(shape, t.longs());
        }
        return new Val(shape, null, null, true); // an element type only an op that reads it will reject
    }

    private static Val floatInput(Node n, List<Val> in, int i) {
        if (in.size() <= i || in.get(i) == null) {
            throw unsupported(n, "input " + i + " missing");
        }
        requireFloat(n, in.get(i), i);
        return in.get(i);
    }

    private static void requireFloat(Node n, Val v, int i) {
        if (v.data == null) {
            throw unsupported(n, "a non-float input " + i + " ('" + n.inputs().get(i) + "')");
        }
    }

    static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > 1 << 26) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " is too large");
        }
        return (int) n;
    }

    /** Numpy broadcasting of two shapes. */
    private static int[] broadcast(Node n, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw unsupported(n, "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " that do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** For each element of {@code to} (row-major), the index of the element of {@code from} broadcast onto it. */
    private static int[] indexMap(int[] from, int[] to) {
        int size = numel(to);
        int[] map = new int[size];
        int r = to.length;
        int off = r - from.length;
        int[] idx = new int[r];
        for (int flat = 0; flat < size; flat++) {
            int src = 0;
            for (int d = off; d < r; d++) {
                int fd = from[d - off];
                src = src * fd + (fd == 1 ? 0 : idx[d]);
            }
            map[flat] = src;
            for (int d = r - 1; d >= 0; d--) {
                if (++idx[d] < to[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return map;
    }

    private static float floatAttr(Node n, String name, float dflt) {
        Attribute a = n.attribute(name);
        return a == null ? dflt : a.f();
    }

    private static long intAttr(Node n, String name, long dflt) {
        Attribute a = n.attribute(name);
        return a == null ? dflt : a.i();
    }

    private static long[] longsAttr(Node n, String name) {
        Attribute a = n.attribute(name);
        if (a == null || a.ints() == null) {
            throw unsupported(n, "no '" + name + "' attribute");
        }
        return a.ints();
    }

    private static String nodeName(Node n) {
        return n.name().isEmpty() ? "(unnamed, output " + (n.outputs().isEmpty() ? "?" : n.outputs().get(0)) + ")" : n.name();
    }

    private static IllegalArgumentException unsupported(Node n, String what) {
        return new IllegalArgumentException(n.opType() + " node '" + nodeName(n) + "': unsupported " + what);
    }
}
