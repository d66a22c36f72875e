package dev.actuate.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The plain-Java ONNX reader against SB3's own exports and predictions (recorded in the fixtures). */
class OnnxImportTest {
    @ParameterizedTest
    @CsvSource({Sb3Fixtures.PPO + ",clip", Sb3Fixtures.SAC + ",rescale-tanh"})
    void matchesTheGraphOutputAndSb3Predict(String fixture, String mapping) throws IOException {
        JsonNode d = Sb3Fixtures.data(fixture);
        float[][] obs = Sb3Fixtures.floats(d.get("observations"));
        float[][] onnxAction = Sb3Fixtures.floats(d.get("onnx_action"));
        float[][] sb3 = Sb3Fixtures.floats(d.get("sb3_predict"));
        assertThat(obs.length).isEqualTo(64);

        OnnxNetwork net = OnnxNetwork.load(Sb3Fixtures.onnx(fixture), "action");
        OnnxPolicy raw = new OnnxPolicy(net, ActionMapping.NONE, null, null);
        OnnxPolicy mapped = new OnnxPolicy(OnnxNetwork.load(Sb3Fixtures.onnx(fixture), null),
                ActionMapping.parse("--action-mapping", mapping), Sb3Fixtures.doubles(d.get("action_low")),
                Sb3Fixtures.doubles(d.get("action_high")));
        float[] a = new float[net.outputSize()];
        float[] m = new float[net.outputSize()];
        for (int i = 0; i < obs.length; i++) {
            raw.act(obs[i], a);
            mapped.act(obs[i], m);
            for (int j = 0; j < a.length; j++) {
                assertThat((double) a[j]).as("%s obs %d action %d (onnx_action)", fixture, i, j)
                        .isCloseTo(onnxAction[i][j], within(1e-5));
                assertThat((double) m[j]).as("%s obs %d action %d (sb3_predict)", fixture, i, j)
                        .isCloseTo(sb3[i][j], within(1e-5));
            }
        }
    }

    @Test
    void mappingsAreSb3s() {
        // The fixtures' actions all lie inside their bounds (and SAC's box is [-1, 1]), so check the maps here.
        assertThat(ActionMapping.CLIP.apply(2.5, -2, 2)).isEqualTo(2.0);
        assertThat(ActionMapping.CLIP.apply(-0.3, -2, 2)).isEqualTo(-0.3);
        assertThat(ActionMapping.RESCALE_TANH.apply(0.5, -2, 2)).isEqualTo(1.0);
        assertThat(ActionMapping.RESCALE_TANH.apply(-1, 0, 10)).isEqualTo(0.0);
        assertThat(ActionMapping.RESCALE_TANH.apply(1.7, 0, 10)).isEqualTo(10.0); // out of [-1, 1]: clipped first
        assertThat(ActionMapping.NONE.apply(7, 0, 1)).isEqualTo(7.0);
    }

    @Test
    void runsOnlyTheOpsOnTheActionPath() throws IOException {
        // SB3's graphs compute the log-std branch only to feed Shape/Expand: it is shaped, not run, and the
        // Expand to the shape the mean already has, the Flatten and the float Cast share their input's buffer.
        OnnxNetwork sac = OnnxNetwork.load(Sb3Fixtures.onnx(Sb3Fixtures.SAC), null);
        assertThat(sac.opsRun()).containsExactly("Gemm", "Relu", "Gemm", "Relu", "Gemm", "Tanh");
        assertThat(sac.inputSize()).isEqualTo(8);
        assertThat(sac.outputSize()).isEqualTo(2);
        assertThat(sac.opset()).isEqualTo(17);
        OnnxNetwork ppo = OnnxNetwork.load(Sb3Fixtures.onnx(Sb3Fixtures.PPO), null);
        assertThat(ppo.outputName()).isEqualTo("action");
        assertThat(ppo.opsRun()).containsExactly("Gemm", "Tanh", "Gemm", "Tanh", "Gemm");
        assertThat(ppo.opset()).isEqualTo(13);
    }

    @Test
    void anotherOutputNeedsItsOwnOps() throws IOException {
        // PPO's value head is plain Gemm/Tanh and compiles; log_prob needs ReduceSum, which the reader names.
        OnnxNetwork value = OnnxNetwork.load(Sb3Fixtures.onnx(Sb3Fixtures.PPO), "value");
        assertThat(value.outputSize()).isEqualTo(1);
        assertThat(value.opsRun()).containsExactly("Gemm", "Tanh", "Gemm", "Tanh", "Gemm");
        assertThatThrownBy(() -> OnnxNetwork.load(Sb3Fixtures.onnx(Sb3Fixtures.PPO), "log_prob"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("sb3-ppo-Pendulum-v1.onnx")
                .hasMessageContaining("unsupported op ReduceSum")
                .hasMessageContaining("/policy/ReduceSum");
        assertThatThrownBy(() -> OnnxNetwork.load(Sb3Fixtures.onnx(Sb3Fixtures.PPO), "mean"))
                .hasMessageContaining("no graph output 'mean'")
                .hasMessageContaining("[action, value, log_prob]");
    }

    @Test
    void truncatedFileIsRejectedNamingTheFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        byte[] bytes = Files.readAllBytes(Sb3Fixtures.onnx(Sb3Fixtures.SAC));
        Path cut = tmp.resolve("cut.onnx");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> OnnxNetwork.load(cut, null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("not a readable ONNX model");
    }

    @Test
    void actIsAllocationFree() throws IOException {
        OnnxPolicy p = new OnnxPolicy(OnnxNetwork.load(Sb3Fixtures.onnx(Sb3Fixtures.SAC), null),
                ActionMapping.RESCALE_TANH, new double[] {-1, -1}, new double[] {1, 1});
        float[] obs = new float[8];
        float[] act = new float[2];
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) { // warm up: the JIT's own first calls may allocate
            obs[i & 7] = i * 1e-4f;
            p.act(obs, act);
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 10_000; i++) {
            obs[i & 7] = i * 1e-4f;
            p.act(obs, act);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(allocated).as("bytes allocated by 10000 act calls").isLessThan(1024);
    }

    @Test
    void unknownMappingAndMissingBoundsAreClearErrors() throws IOException {
        assertThatThrownBy(() -> ActionMapping.parse("--action-mapping", "squash"))
                .hasMessageContaining("--action-mapping").hasMessageContaining("squash");
        OnnxNetwork net = OnnxNetwork.load(Sb3Fixtures.onnx(Sb3Fixtures.SAC), null);
        assertThatThrownBy(() -> new OnnxPolicy(net, ActionMapping.CLIP, null, null))
                .hasMessageContaining("needs the action bounds");
        assertThatThrownBy(() -> new OnnxPolicy(net, ActionMapping.CLIP, new double[] {-1}, new double[] {1}))
                .hasMessageContaining("2 elements");
        assertThat(List.of(ActionMapping.values())).hasSize(3);
    }
}
