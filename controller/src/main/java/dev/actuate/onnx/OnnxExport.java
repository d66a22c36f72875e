package dev.actuate.onnx;

import dev.actuate.nn.Activation;
import dev.actuate.nn.infer.FloatMlp;
import dev.actuate.onnx.OnnxModel.Attribute;
import dev.actuate.onnx.OnnxModel.Node;
import dev.actuate.onnx.OnnxModel.Tensor;
import dev.actuate.onnx.OnnxModel.ValueInfo;
import dev.actuate.runtime.LoadedModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a deterministic Actuate policy as a standard ONNX graph (opset {@value #OPSET}): input
 * {@value #INPUT} {@code [batch, obs]}, output {@value #OUTPUT} {@code [batch, act]} in the action
 * box. The graph is observation normalisation with the saved statistics and clip ({@code Sub},
 * {@code Mul}, {@code Clip}), the MLP ({@code Gemm} + {@code Tanh}/{@code Relu}) and the output map
 * ({@code Min}/{@code Max} clip, or {@code Tanh}, {@code Clip} to [-1, 1], {@code Mul}, {@code Add}
 * onto the box). See docs/onnx.md.
 */
public final class OnnxExport {
    public static final int OPSET = 13;
    /** ONNX IR version 7 goes with opset 13 (ONNX 1.8). */
    public static final long IR_VERSION = 7;
    public static final String INPUT = "observation";
    public static final String OUTPUT = "action";
    /** Metadata keys; {@link #MAPPING_KEY} tells Actuate's importer the graph already maps onto the box. */
    public static final String ENV_KEY = "actuate.env_id";
    public static final String MAPPING_KEY = "actuate.action_mapping";

    /** How the network's first {@code actionSize} outputs become an action in {@code [low, high]}. */
    public enum OutputMap {
        /** Clipped into the box. */
        CLIP,
        /** {@code tanh}, then linearly from [-1, 1] onto the box. */
        TANH_TO_BOX,
        /** Already in [-1, 1] (a tanh output layer): linearly onto the box. */
        TO_BOX
    }

    /**
     * What the export needs to know about a policy, independent of the model file it came from.
     *
     * @param params     the MLP's flat parameters ({@code W0, b0, ...}, each W {@code [in, out]})
     * @param obsMean    observation means, or null without normalisation (then {@code obsVar} is null too)
     * @param actionSize how many of the network's outputs are the action (SAC's actor also outputs log-stds)
     */
    public record PolicySpec(String envId, int[] sizes, Activation hidden, Activation output, float[] params,
                             double[] obsMean, double[] obsVar, double obsEpsilon, double obsClip, OutputMap outputMap,
                             int actionSize, double[] low, double[] high) {
        public PolicySpec {
            if (sizes.length < 2 || actionSize <= 0 || actionSize > sizes[sizes.length - 1]) {
                throw new IllegalArgumentException("sizes " + Arrays.toString(sizes) + " cannot give " + actionSize + " actions");
            }
            if (low.length != actionSize || high.length != actionSize) {
                throw new IllegalArgumentException("action bounds have " + low.length + "/" + high.length
                        + " entries for " + actionSize + " actions");
            }
            if ((obsMean == null) != (obsVar == null)
                    || obsMean != null && (obsMean.length != sizes[0] || obsVar.length != sizes[0])) {
                throw new IllegalArgumentException("observation statistics do not match the " + sizes[0] + " inputs");
            }
            if (outputMap != OutputMap.CLIP) {
                for (int i = 0; i < actionSize; i++) {
                    if (!Double.isFinite(low[i]) || !Double.isFinite(high[i])) {
                        throw new IllegalArgumentException("action " + i + " has bounds [" + low[i] + ", " + high[i]
                                + "]; mapping onto the box needs finite bounds");
                    }
                }
            }
        }
    }

    private OnnxExport() {
    }

    /**
     * The one place that reads a loaded model for export: re-point this at another policy
     * representation and the graph building below stays as it is.
     */
    public static PolicySpec describe(LoadedModel m) {
        FloatMlp net = m.network();
        OutputMap map = switch (m.outputMap()) {
            case CLIP -> OutputMap.CLIP;
            case SQUASH_TO_BOX -> OutputMap.TANH_TO_BOX;
            case SCALE_TO_BOX -> OutputMap.TO_BOX;
        };
        return new PolicySpec(m.envId(), net.sizes(), net.hiddenActivation(), net.outputActivation(), net.params(),
                m.observationMean(), m.observationVariance(), m.observationEpsilon(), m.observationClip(), map,
                m.actionSize(), m.actionLow(), m.actionHigh());
    }

    /** The policy as an ONNX model. */
    public static OnnxModel toOnnx(PolicySpec p) {
        Graph g = new Graph();
        int[] sizes = p.sizes();
        int nObs = sizes[0];
        int nAct = p.actionSize();
        String x = INPUT;
        if (p.obsMean() != null) {
            float[] mean = new float[nObs];
            float[] invStd = new float[nObs];
            for (int i = 0; i < nObs; i++) {
                mean[i] = (float) p.obsMean()[i];
                invStd[i] = (float) (1.0 / Math.sqrt(p.obsVar()[i] + p.obsEpsilon()));
            }
            x = g.op("Sub", "obs_centered", List.of(x, g.init("obs_mean", mean, nObs)));
            x = g.op("Mul", "obs_scaled", List.of(x, g.init("obs_inv_std", invStd, nObs)));
            float c = (float) p.obsClip();
            x = g.op("Clip", "obs_normalized", List.of(x, g.scalar("obs_clip_min", -c), g.scalar("obs_clip_max", c)));
        }
        int layers = sizes.length - 1;
        int off = 0;
        for (int l = 0; l < layers; l++) {
            int ni = sizes[l];
            int no = sizes[l + 1];
            boolean last = l == layers - 1;
            int keep = last ? nAct : no; // SAC's actor: the mean half only
            float[] w = new float[ni * keep];
            for (int i = 0; i < ni; i++) {
                System.arraycopy(p.params(), off + i * no, w, i * keep, keep);
            }
            off += ni * no;
            float[] b = Arrays.copyOfRange(p.params(), off, off + keep);
            off += no;
            String wName = g.init("layer" + l + ".weight", w, ni, keep);
            String bName = g.init("layer" + l + ".bias", b, keep);
            x = g.op("Gemm", "layer" + l + ".linear", List.of(x, wName, bName));
            Activation a = last ? p.output() : p.hidden();
            if (a != Activation.IDENTITY) {
                x = g.op(a == Activation.TANH ? "Tanh" : "Relu", "layer" + l + "." + a.name().toLowerCase(), List.of(x));
            }
        }
        if (off != p.params().length) {
            throw new IllegalArgumentException("MLP " + Arrays.toString(sizes) + " has " + off + " parameters, got "
                    + p.params().length);
        }
        float[] low = toFloats(p.low());
        float[] high = toFloats(p.high());
        switch (p.outputMap()) {
            case CLIP -> {
                x = g.op("Min", "action_below_high", List.of(x, g.init("action_high", high, nAct)));
                x = g.op("Max", OUTPUT, List.of(x, g.init("action_low", low, nAct)));
            }
            case TANH_TO_BOX, TO_BOX -> {
                if (p.outputMap() == OutputMap.TANH_TO_BOX) {
                    x = g.op("Tanh", "action_tanh", List.of(x));
                }
                x = g.op("Clip", "action_unit", List.of(x, g.scalar("unit_min", -1f), g.scalar("unit_max", 1f)));
                float[] half = new float[nAct];
                float[] mid = new float[nAct];
                for (int i = 0; i < nAct; i++) {
                    half[i] = (float) (0.5 * (p.high()[i] - p.low()[i]));
                    mid[i] = (float) (0.5 * (p.high()[i] + p.low()[i]));
                }
                x = g.op("Mul", "action_scaled", List.of(x, g.init("action_half_range", half, nAct)));
                x = g.op("Add", OUTPUT, List.of(x, g.init("action_mid", mid, nAct)));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(ENV_KEY, p.envId());
        meta.put(MAPPING_KEY, ActionMapping.NONE.flag());
        OnnxModel.Graph graph = new OnnxModel.Graph("actuate_policy", g.nodes, g.inits,
                List.of(new ValueInfo(INPUT, OnnxModel.FLOAT, new long[] {-1, nObs})),
                List.of(new ValueInfo(OUTPUT, OnnxModel.FLOAT, new long[] {-1, nAct})));
        return new OnnxModel(IR_VERSION, List.of(new OnnxModel.OpsetId("", OPSET)), "actuate", "1", graph, meta);
    }

    /** {@link #describe} then {@link #toOnnx}, serialised. */
    public static byte[] export(LoadedModel m) {
        return OnnxCodec.serialize(toOnnx(describe(m)));
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** Nodes and initializers under construction. */
    private static final class Graph {
        final List<Node> nodes = new ArrayList<>();
        final List<Tensor> inits = new ArrayList<>();

        String op(String type, String out, List<String> in) {
            nodes.add(new Node(out, type, "", in, List.of(out), List.<Attribute>of()));
            return out;
        }

        String init(String name, float[] data, long... dims) {
            inits.add(Tensor.ofFloats(name, dims, data));
            return name;
        }

        String scalar(String name, float v) {
            inits.add(Tensor.ofFloats(name, new long[0], new float[] {v}));
            return name;
        }
    }
}
