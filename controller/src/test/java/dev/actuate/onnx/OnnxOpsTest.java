package dev.actuate.onnx;

import dev.actuate.onnx.OnnxModel.Attribute;
import dev.actuate.onnx.OnnxModel.Node;
import dev.actuate.onnx.OnnxModel.Tensor;
import dev.actuate.onnx.OnnxModel.ValueInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Each supported op against ONNX Runtime on small hand-built graphs (random weights and inputs), both
 * tensor encodings ({@code raw_data} and {@code float_data}/{@code int64_data}), and the errors for what
 * is not supported.
 */
class OnnxOpsTest {
    /** A graph under construction; node k outputs {@code tK}. */
    private static final class G {
        final List<Node> nodes = new ArrayList<>();
        final List<Tensor> inits = new ArrayList<>();
        final TestRng rng = new TestRng(3);

        String op(String type, List<String> in, Attribute... attrs) {
            String out = "t" + nodes.size();
            nodes.add(new Node("n" + nodes.size(), type, "", in, List.of(out), List.of(attrs)));
            return out;
        }

        String op(String type, String... in) {
            return op(type, List.of(in));
        }

        String rand(String name, double scale, long... dims) {
            float[] v = new float[(int) Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rng.uniform(-scale, scale);
            }
            inits.add(Tensor.ofFloats(name, dims, v));
            return name;
        }

        String scalar(String name, float v) {
            inits.add(Tensor.ofFloats(name, new long[0], new float[] {v}));
            return name;
        }

        String longs(String name, long... v) {
            inits.add(Tensor.ofLongs(name, new long[] {v.length}, v));
            return name;
        }

        OnnxModel model(int inputSize, String output, int opset) {
            OnnxModel.Graph g = new OnnxModel.Graph("test", nodes, inits,
                    List.of(new ValueInfo("x", OnnxModel.FLOAT, new long[] {-1, inputSize})),
                    List.of(new ValueInfo(output, OnnxModel.FLOAT, null)));
            return new OnnxModel(opset >= 13 ? 7 : 4, List.of(new OnnxModel.OpsetId("", opset)), "test", "", g, Map.of());
        }
    }

    /** Runs {@code m} on 50 random inputs with ONNX Runtime and with the importer, in both encodings. */
    private static void matchesOnnxRuntime(OnnxModel m, int inputSize, String output) throws Exception {
        TestRng rng = new TestRng(9);
        for (boolean raw : new boolean[] {true, false}) {
            byte[] bytes = OnnxCodec.serialize(m, raw);
            OnnxNetwork net = OnnxNetwork.compile(OnnxCodec.parse(bytes), output, "test");
            try (OrtRunner ort = new OrtRunner(bytes, "x", output)) {
                float[] x = new float[inputSize];
                for (int k = 0; k < 50; k++) {
                    for (int i = 0; i < inputSize; i++) {
                        x[i] = (float) rng.uniform(-2, 2);
                    }
                    float[] expected = ort.runOne(x);
                    float[] got = new float[net.outputSize()];
                    net.run(x, got);
                    assertThat(got.length).isEqualTo(expected.length);
                    for (int i = 0; i < got.length; i++) {
                        assertThat((double) got[i]).as("element %d, input %d, raw_data %s", i, k, raw)
                                .isCloseTo(expected[i], within(1e-5 * Math.max(1, Math.abs(expected[i]))));
                    }
                }
            }
        }
    }

    @Test
    void elementwiseOpsAndMatMul() throws Exception {
        G g = new G();
        String t1 = g.op("Add", g.op("MatMul", "x", g.rand("w", 1, 4, 3)), g.rand("b", 1, 3));
        String t2 = g.op("Div", g.op("Sub", g.op("Sigmoid", t1), g.scalar("half", 0.5f)), g.rand("d", 2, 3));
        String t3 = g.op("Log", g.op("Sqrt", g.op("Add", g.op("Mul", t2, t2), g.scalar("one", 1f))));
        String t4 = g.op("Exp", g.op("Neg", g.op("Abs", t1)));
        String t5 = g.op("Min", g.op("Max", t3, t4), g.rand("c", 1, 1, 3));
        String t6 = g.op("Pow", t5, g.scalar("two", 2f));
        String t7 = g.op("Clip", List.of(g.op("Sub", t6, g.scalar("q", 0.1f)), "", g.scalar("max", 0.3f)));
        String out = g.op("Relu", g.op("Tanh", g.op("Mul", t7, g.scalar("k", 9f))));
        matchesOnnxRuntime(g.model(4, out, 13), 4, out);
        assertThat(OnnxNetwork.compile(g.model(4, out, 13), out, "test").opsRun()).hasSize(g.nodes.size());
    }

    @Test
    void shapeOpsAndBroadcastCopies() throws Exception {
        G g = new G();
        String r = g.op("Reshape", "x", g.longs("shape", 0, 2, -1));                 // [1, 2, 3]
        String u = g.op("Unsqueeze", r, g.longs("ax1", 1));                          // [1, 1, 2, 3]
        String s = g.op("Squeeze", u, g.longs("ax1b", 1));                           // [1, 2, 3]
        String e = g.op("Expand", s, g.longs("to", 2, 1, 1));                        // [2, 2, 3]: copies
        String m = g.op("Mul", e, g.rand("w", 1, 3));
        String f = g.op("Flatten", List.of(g.op("Identity", m)), Attribute.ofInt("axis", 1));   // [2, 6]
        String c = g.op("Cast", List.of(f), Attribute.ofInt("to", OnnxModel.FLOAT));
        String ones = g.op("ConstantOfShape", List.of(g.op("Shape", "x")),
                Attribute.ofTensor("value", Tensor.ofFloats("", new long[] {1}, new float[] {1.5f})));  // [1, 6]
        String k = g.op("Constant", List.of(), Attribute.ofTensor("value",
                Tensor.ofFloats("", new long[] {6}, new float[] {1, 2, 3, 4, 5, 6})));
        String out = g.op("Add", g.op("Add", c, ones), k);
        matchesOnnxRuntime(g.model(6, out, 13), 6, out);
        // Only the broadcast copy, the arithmetic: reshapes share buffers, constants are folded.
        assertThat(OnnxNetwork.compile(g.model(6, out, 13), out, "test").opsRun())
                .containsExactly("Expand", "Mul", "Add", "Add");
    }

    @Test
    void gemmAttributesAndConstantFolding() throws Exception {
        G g = new G();
        String t = g.op("Gemm", List.of("x", g.rand("b1", 1, 3, 4), g.rand("c1", 1, 3)),
                Attribute.ofFloat("alpha", 0.5f), Attribute.ofFloat("beta", 2f), Attribute.ofInt("transB", 1));
        String u = g.op("Gemm", t, g.rand("b2", 1, 3, 2), g.rand("c2", 1, 1, 2));
        // A constant-only Gemm with transA (folded at load time) feeding a MatMul.
        String k = g.op("Gemm", List.of(g.rand("a3", 1, 3, 2), g.rand("b3", 1, 3, 2)), Attribute.ofInt("transA", 1));
        String out = g.op("MatMul", u, k);
        matchesOnnxRuntime(g.model(4, out, 13), 4, out);
        assertThat(OnnxNetwork.compile(g.model(4, out, 13), out, "test").opsRun())
                .containsExactly("Gemm", "Gemm", "MatMul");
    }

    @Test
    void opset9AttributesForClipAndUnsqueeze() throws Exception {
        G g = new G();
        String c = g.op("Clip", List.of("x"), Attribute.ofFloat("min", -0.5f), Attribute.ofFloat("max", 1f));
        String u = g.op("Unsqueeze", List.of(c), new Attribute("axes", Attribute.ATTR_INTS, 0, 0, null, null, null,
                new long[] {0}));
        String out = g.op("Squeeze", List.of(u), new Attribute("axes", Attribute.ATTR_INTS, 0, 0, null, null, null,
                new long[] {0}));
        matchesOnnxRuntime(g.model(5, out, 9), 5, out);
    }

    @Test
    void unsupportedGraphsAreNamed() {
        G g = new G();
        String out = g.op("Softmax", g.op("Relu", "x"));
        assertThatThrownBy(() -> OnnxNetwork.compile(g.model(3, out, 13), out, "policy.onnx"))
                .hasMessageContaining("policy.onnx").hasMessageContaining("unsupported op Softmax in node 'n1'");

        G dyn = new G();
        String mm = dyn.op("MatMul", "x", dyn.op("Reshape", "x", dyn.longs("s", 3, 1)));
        assertThatThrownBy(() -> OnnxNetwork.compile(dyn.model(3, mm, 13), mm, "p.onnx"))
                .hasMessageContaining("MatMul node 'n1'").hasMessageContaining("computed second (weight) input");

        G two = new G();
        String sum = two.op("Add", "x", "y");
        OnnxModel m = two.model(3, sum, 13);
        OnnxModel twoInputs = new OnnxModel(7, m.opsets(), "", "", new OnnxModel.Graph("g", m.graph().nodes(),
                m.graph().initializers(), List.of(m.graph().inputs().get(0), new ValueInfo("y", OnnxModel.FLOAT,
                new long[] {-1, 3})), m.graph().outputs()), Map.of());
        assertThatThrownBy(() -> OnnxNetwork.compile(twoInputs, null, "p.onnx"))
                .hasMessageContaining("expected one graph input").hasMessageContaining("[x, y]");

        OnnxModel intInput = new OnnxModel(7, m.opsets(), "", "", new OnnxModel.Graph("g", List.of(), List.of(),
                List.of(new ValueInfo("x", OnnxModel.INT64, new long[] {-1, 3})),
                List.of(new ValueInfo("x", OnnxModel.INT64, null))), Map.of());
        assertThatThrownBy(() -> OnnxNetwork.compile(intInput, null, "p.onnx"))
                .hasMessageContaining("only float");
    }

    @Test
    void codecRoundTripKeepsEverything() {
        G g = new G();
        String out = g.op("Gemm", List.of("x", g.rand("w", 1, 2, 2), g.longs("i", -3, 1L << 40)),
                Attribute.ofFloat("alpha", 0.25f), Attribute.ofInt("transB", 1));
        OnnxModel m = g.model(2, out, 13);
        for (boolean raw : new boolean[] {true, false}) {
            OnnxModel back = OnnxCodec.parse(OnnxCodec.serialize(m, raw));
            assertThat(back.defaultOpset()).isEqualTo(13);
            assertThat(back.graph().nodes()).hasSize(1);
            Node n = back.graph().nodes().get(0);
            assertThat(n.opType()).isEqualTo("Gemm");
            assertThat(n.inputs()).containsExactly("x", "w", "i");
            assertThat(n.attribute("alpha").f()).isEqualTo(0.25f);
            assertThat(n.attribute("transB").i()).isEqualTo(1);
            assertThat(back.graph().initializers().get(0).floats()).containsExactly(g.inits.get(0).floats());
            assertThat(back.graph().initializers().get(1).longs()).containsExactly(-3, 1L << 40);
            assertThat(back.graph().inputs().get(0).dims()).containsExactly(-1, 2);
        }
    }
}
