package dev.actuate.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.RobotConfigLoader;
import dev.actuate.nn.Activation;
import dev.actuate.runtime.LoadedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PolicyReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * 2 observations -> 3 ReLU units -> 2 outputs. Hidden: h0 = relu(x0), h1 = relu(x1), h2 = relu(-x0 - x1 + 1);
     * outputs: y0 = h0 - h1 + 0.5, y1 = 2 h2 - 1.
     */
    static PolicyFile tiny(LoadedModel.OutputMap mapping, PolicyFile.Normalization norm) {
        float[] w0 = {1, 0, -1, 0, 1, -1}; // row-major [in=2][out=3]
        float[] b0 = {0, 0, 1};
        float[] w1 = {1, 0, -1, 0, 0, 2};  // [in=3][out=2]
        float[] b1 = {0.5f, -1};
        ObjectNode prov = JSON.createObjectNode().put("seed", 7).put("gitCommit", "abc");
        return new PolicyFile("Toy-v0", "ppo",
                new PolicyFile.Observation(2, List.of("pos", "vel"), List.of("m", "m/s"), norm),
                new PolicyFile.Action(2, new double[] {-1, 0}, new double[] {1, 4}, List.of("u0", "u1"), List.of("N", "N"),
                        mapping),
                List.of(new PolicyFile.Layer(2, 3, Activation.RELU, w0, b0),
                        new PolicyFile.Layer(3, 2, Activation.IDENTITY, w1, b1)),
                prov);
    }

    private static double[] net(double x0, double x1) {
        double h0 = Math.max(0, x0);
        double h1 = Math.max(0, x1);
        double h2 = Math.max(0, -x0 - x1 + 1);
        return new double[] {h0 - h1 + 0.5, 2 * h2 - 1};
    }

    private Path write(PolicyFile p) throws Exception {
        Path f = dir.resolve("p.actuate");
        PolicyWriter.write(p, f);
        return f;
    }

    @Test
    void roundTripKeepsEveryField() throws Exception {
        PolicyFile p = tiny(LoadedModel.OutputMap.CLIP, new PolicyFile.Normalization(new double[] {0.1, -0.2},
                new double[] {4.0, 0.25}, 1e-8, 5.0));
        PolicyFile back = PolicyReader.read(write(p));
        assertThat(back.envId()).isEqualTo("Toy-v0");
        assertThat(back.algorithm()).isEqualTo("ppo");
        assertThat(back.observation().size()).isEqualTo(2);
        assertThat(back.observation().names()).containsExactly("pos", "vel");
        assertThat(back.observation().units()).containsExactly("m", "m/s");
        assertThat(back.observation().normalization().mean()).containsExactly(0.1, -0.2);
        assertThat(back.observation().normalization().var()).containsExactly(4.0, 0.25);
        assertThat(back.observation().normalization().epsilon()).isEqualTo(1e-8);
        assertThat(back.observation().normalization().clip()).isEqualTo(5.0);
        assertThat(back.action().low()).containsExactly(-1, 0);
        assertThat(back.action().high()).containsExactly(1, 4);
        assertThat(back.action().names()).containsExactly("u0", "u1");
        assertThat(back.action().units()).containsExactly("N", "N");
        assertThat(back.action().mapping()).isEqualTo(LoadedModel.OutputMap.CLIP);
        assertThat(back.layers()).hasSize(2);
        for (int l = 0; l < 2; l++) {
            assertThat(back.layers().get(l).activation()).isEqualTo(p.layers().get(l).activation());
            assertThat(back.layers().get(l).weight()).containsExactly(p.layers().get(l).weight());
            assertThat(back.layers().get(l).bias()).containsExactly(p.layers().get(l).bias());
        }
        assertThat(back.provenance().get("seed").asInt()).isEqualTo(7);
        assertThat(back.provenance().get("gitCommit").asText()).isEqualTo("abc");
        // Writing what was read gives the same bytes: nothing is lost or reordered.
        assertThat(PolicyWriter.toBytes(back)).isEqualTo(Files.readAllBytes(dir.resolve("p.actuate")));
    }

    @Test
    void actionsFollowTheDocumentedMappings() throws Exception {
        double[][] inputs = {{0.3, -0.4}, {2, 0.5}, {-1, -3}, {0.1, 0.2}};
        for (LoadedModel.OutputMap m : LoadedModel.OutputMap.values()) {
            LoadedModel model = PolicyReader.load(write(tiny(m, null)));
            double[] low = {-1, 0};
            double[] high = {1, 4};
            for (double[] x : inputs) {
                double[] y = net(x[0], x[1]);
                double[] a = new double[2];
                model.act(x, a);
                for (int i = 0; i < 2; i++) {
                    double expected = switch (m) {
                        case CLIP -> Math.max(low[i], Math.min(high[i], y[i]));
                        case SQUASH_TO_BOX -> low[i] + 0.5 * (Math.tanh(y[i]) + 1) * (high[i] - low[i]);
                        case SCALE_TO_BOX -> low[i] + 0.5 * (Math.max(-1, Math.min(1, y[i])) + 1) * (high[i] - low[i]);
                    };
                    assertThat(a[i]).as("%s action %d at %s", m, i, Arrays.toString(x)).isCloseTo(expected, within(1e-6));
                }
            }
        }
    }

    @Test
    void observationsAreNormalisedAndClippedWithTheSavedStatistics() throws Exception {
        PolicyFile.Normalization norm = new PolicyFile.Normalization(new double[] {1, -1}, new double[] {4, 0.25}, 0, 3);
        LoadedModel model = PolicyReader.load(write(tiny(LoadedModel.OutputMap.CLIP, norm)));
        double[] obs = {2, 5}; // normalised: (2-1)/2 = 0.5, (5+1)/0.5 = 12 -> clipped to 3
        double[] y = net(0.5, 3);
        double[] a = new double[2];
        model.act(obs, a);
        assertThat(a[0]).isCloseTo(Math.max(-1, Math.min(1, y[0])), within(1e-6));
        assertThat(a[1]).isCloseTo(Math.max(0, Math.min(4, y[1])), within(1e-6));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 8, 20, 100, -1})
    void truncatedFilesAreRejectedNamingTheFile(int keep) throws Exception {
        byte[] full = PolicyWriter.toBytes(tiny(LoadedModel.OutputMap.CLIP, null));
        Path f = dir.resolve("cut.actuate");
        Files.write(f, Arrays.copyOf(full, keep < 0 ? full.length + keep : keep));
        assertThatThrownBy(() -> PolicyReader.read(f)).isInstanceOf(PolicyFormatException.class)
                .hasMessageContaining("cut.actuate")
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("truncated", "magic"));
    }

    @Test
    void aFlippedByteIsCaughtByTheChecksum() throws Exception {
        byte[] data = PolicyWriter.toBytes(tiny(LoadedModel.OutputMap.CLIP, null));
        data[data.length - 20] ^= 0x40; // inside the last bias
        assertThatThrownBy(() -> PolicyReader.fromBytes(data, "flip.actuate"))
                .isInstanceOf(PolicyFormatException.class).hasMessageContaining("flip.actuate")
                .hasMessageContaining("'checksum'");
    }

    @Test
    void foreignFilesAreRejectedByMagic() throws Exception {
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "hello, this is not a policy at all");
        assertThatThrownBy(() -> PolicyReader.read(f)).isInstanceOf(PolicyFormatException.class)
                .hasMessageContaining("notes.txt").hasMessageContaining("'magic'");
        assertThatThrownBy(() -> PolicyReader.read(dir)).hasMessageContaining("directory");
        assertThatThrownBy(() -> PolicyReader.read(dir.resolve("none.actuate"))).hasMessageContaining("none.actuate");
    }

    @Test
    void oldTrainingModelFilesSayHowToConvert() throws Exception {
        Path f = dir.resolve("old.actuate");
        byte[] legacy = new byte[64];
        System.arraycopy(new byte[] {'A', 'C', 'T', 'U', 'A', 'T', 'E', 0x1A}, 0, legacy, 0, 8);
        Files.write(f, legacy);
        assertThat(PolicyReader.isLegacyModel(f)).isTrue();
        assertThatThrownBy(() -> PolicyReader.read(f)).isInstanceOf(LegacyModelException.class)
                .hasMessageContaining("old.actuate").hasMessageContaining("actuate convert --model");
    }

    @Test
    void newerFormatVersionsAreRejected() throws Exception {
        byte[] data = PolicyWriter.toBytes(tiny(LoadedModel.OutputMap.CLIP, null));
        ByteBuffer.wrap(data).putInt(8, PolicyFile.FORMAT_VERSION + 1);
        resealChecksum(data);
        assertThatThrownBy(() -> PolicyReader.fromBytes(data, "v2.actuate")).isInstanceOf(PolicyFormatException.class)
                .hasMessageContaining("v2.actuate").hasMessageContaining("'format_version'")
                .hasMessageContaining("newer");
    }

    @Test
    void inconsistentHeadersNameTheField() throws Exception {
        assertHeaderError(h -> ((ArrayNode) h.with("action").get("low")).remove(1), "action.low");
        assertHeaderError(h -> h.with("action").put("mapping", "sigmoid"), "action.mapping");
        assertHeaderError(h -> h.with("observation").put("size", 3).putNull("names").putNull("units"),
                "network.layers[0].in");
        assertHeaderError(h -> h.with("observation").put("size", "two"), "observation.size");
        assertHeaderError(h -> h.remove("observation"), "observation");
        assertHeaderError(h -> ((ObjectNode) h.with("network").get("layers").get(1)).put("out", 1), "network.layers[1]");
        assertHeaderError(h -> ((ObjectNode) h.with("network").get("layers").get(0)).put("activation", "gelu"),
                "network.layers[0].activation");
        assertHeaderError(h -> ((ObjectNode) h.with("network").get("layers").get(0)).put("weight", "nope"),
                "network.layers[0].weight");
        assertHeaderError(h -> ((ArrayNode) h.with("observation").get("names")).add("extra"), "observation.names");
        assertHeaderError(h -> h.put("format", "onnx"), "format");
    }

    @Test
    void sizesMustAgreeWithTheRobotConfig() throws Exception {
        Path f = write(tiny(LoadedModel.OutputMap.CLIP, null));
        RobotConfig three = robot("[{name: pos}, {name: vel}, {name: acc}]", "[{name: u0, min: -1, max: 1}, {name: u1, min: 0, max: 4}]");
        assertThatThrownBy(() -> PolicyReader.load(f, three, Path.of("robots/three.yaml")))
                .isInstanceOf(PolicyFormatException.class).hasMessageContaining("p.actuate")
                .hasMessageContaining("'observation.size'").hasMessageContaining("robots/three.yaml");
        RobotConfig oneCommand = robot("[{name: pos}, {name: vel}]", "[{name: u0, min: -1, max: 1}]");
        assertThatThrownBy(() -> PolicyReader.load(f, oneCommand, Path.of("one.yaml")))
                .hasMessageContaining("'action.size'").hasMessageContaining("one.yaml");
        RobotConfig renamed = robot("[{name: vel}, {name: pos}]", "[{name: u0, min: -1, max: 1}, {name: u1, min: 0, max: 4}]");
        assertThatThrownBy(() -> PolicyReader.load(f, renamed, Path.of("swapped.yaml")))
                .hasMessageContaining("'observation.names'").hasMessageContaining("swapped.yaml");
        RobotConfig ok = robot("[{name: pos}, {name: vel}]", "[{name: u0, min: -1, max: 1}, {name: u1, min: 0, max: 4}]");
        assertThat(PolicyReader.load(f, ok, Path.of("ok.yaml")).actionSize()).isEqualTo(2);
    }

    @Test
    void theWriterRefusesAnInvalidPolicy() {
        PolicyFile p = tiny(LoadedModel.OutputMap.CLIP, null);
        PolicyFile bad = new PolicyFile(p.envId(), p.algorithm(), p.observation(),
                new PolicyFile.Action(2, new double[] {1, 0}, new double[] {-1, 4}, null, null, LoadedModel.OutputMap.CLIP),
                p.layers(), p.provenance());
        assertThatThrownBy(() -> PolicyWriter.write(bad, dir.resolve("bad.actuate")))
                .hasMessageContaining("action.low/high");
        assertThat(dir.resolve("bad.actuate")).doesNotExist();
    }

    @Test
    void theShippedLanderPolicyIsInThisFormatAndFitsTheLanderRobot() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path model = root.resolve("models/ppo-LunarLanderContinuous-v3.actuate");
        Path robot = root.resolve("configs/robots/lander.yaml");
        LoadedModel m = PolicyReader.load(model, RobotConfigLoader.load(robot), robot);
        assertThat(m.envId()).isEqualTo("LunarLanderContinuous-v3");
        assertThat(m.observationSize()).isEqualTo(8);
        assertThat(m.actionSize()).isEqualTo(2);
        PolicyFile p = PolicyReader.read(model);
        assertThat(p.action().names()).containsExactly("engine/main", "engine/lateral");
        assertThat(p.provenance().get("gitCommit").asText()).hasSize(40);
    }

    private static RobotConfig robot(String state, String command) {
        return new RobotConfigLoader(k -> null).parse("""
                robot: r1
                broker: tcp://localhost:1883
                rate_hz: 100
                signals:
                  state: %s
                  command: %s
                """.formatted(state, command), null);
    }

    /** Rewrites the JSON header of a valid file (keeping the checksum valid) and expects the reader to name the field. */
    private void assertHeaderError(Consumer<ObjectNode> edit, String field) throws Exception {
        byte[] data = PolicyWriter.toBytes(tiny(LoadedModel.OutputMap.CLIP, null));
        int headerLength = ByteBuffer.wrap(data, 12, 4).getInt();
        ObjectNode h = (ObjectNode) JSON.readTree(new String(data, 16, headerLength, StandardCharsets.UTF_8));
        edit.accept(h);
        byte[] header = JSON.writeValueAsBytes(h);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(data, 0, 12);
        out.writeInt(header.length);
        out.write(header);
        out.write(data, 16 + headerLength, data.length - 8 - 16 - headerLength);
        out.writeLong(0);
        byte[] edited = bytes.toByteArray();
        resealChecksum(edited);
        assertThatThrownBy(() -> PolicyReader.fromBytes(edited, "edited.actuate"))
                .as(field).isInstanceOf(PolicyFormatException.class)
                .hasMessageContaining("edited.actuate").hasMessageContaining("'" + field);
    }

    private static void resealChecksum(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        ByteBuffer.wrap(data).putLong(data.length - 8, crc.getValue());
    }
}
