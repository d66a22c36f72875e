package dev.actuate.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.RobotConfigLoader;
import dev.actuate.nn.Activation;
import dev.actuate.runtime.LoadedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Format 2's {@code sim_to_real} record: round trip, format 1 compatibility, checks, and the deployed layout. */
class PolicySimToRealTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * State of 1, one action in [-10, 10], {@code previous} previous actions: a linear net
     * {@code a = s + 10 a(t-1) + 100 a(t-2)} (identity output, clip mapping), so every input is visible in the action.
     */
    static PolicyFile linear(int previous, PolicyFile.SimToReal s) {
        int in = 1 + previous;
        float[] w = new float[in];
        for (int i = 0; i < in; i++) {
            w[i] = (float) Math.pow(10, i);
        }
        return new PolicyFile("Toy-v0", "sac", new PolicyFile.Observation(in, null, null, null),
                new PolicyFile.Action(1, new double[] {-1000}, new double[] {1000}, null, null, LoadedModel.OutputMap.CLIP),
                List.of(new PolicyFile.Layer(in, 1, Activation.IDENTITY, w, new float[] {0})), null, s);
    }

    static PolicyFile.SimToReal aids(int previous, double initial) {
        return new PolicyFile.SimToReal(0.02, 1, 2, new double[] {0.05}, previous, new double[] {initial});
    }

    @Test
    void roundTripKeepsTheRecordAndWritesFormat2() throws Exception {
        PolicyFile p = linear(2, aids(2, 0.5));
        Path f = dir.resolve("p.actuate");
        PolicyWriter.write(p, f);
        byte[] data = Files.readAllBytes(f);
        assertThat(ByteBuffer.wrap(data, 8, 4).getInt()).isEqualTo(2);
        assertThat(header(data).get("format_version").asInt()).isEqualTo(2);
        PolicyFile back = PolicyReader.read(f);
        PolicyFile.SimToReal s = back.simToReal();
        assertThat(s.controlPeriodSeconds()).isEqualTo(0.02);
        assertThat(back.trainingRateHz()).isEqualTo(50.0);
        assertThat(s.actionDelaySteps()).isEqualTo(1);
        assertThat(s.observationDelaySteps()).isEqualTo(2);
        assertThat(s.observationNoiseStd()).containsExactly(0.05);
        assertThat(s.previousActions()).isEqualTo(2);
        assertThat(s.initialAction()).containsExactly(0.5);
        assertThat(back.stateSize()).isEqualTo(1);
        assertThat(PolicyWriter.toBytes(back)).isEqualTo(data);
        // An env without a time step records no period: null in the file, NaN in memory.
        PolicyFile noRate = linear(0, new PolicyFile.SimToReal(Double.NaN, 0, 0, new double[0], 0, new double[] {0}));
        PolicyFile back2 = PolicyReader.fromBytes(PolicyWriter.toBytes(noRate), "n.actuate");
        assertThat(header(PolicyWriter.toBytes(noRate)).get("sim_to_real").get("control_period_s").isNull()).isTrue();
        assertThat(back2.trainingRateHz()).isNaN();
    }

    /** A format 1 file (no sim_to_real) still reads: nothing recorded, the state is the whole input. */
    @Test
    void format1FilesStillReadWithNothingRecorded() throws Exception {
        byte[] v2 = PolicyWriter.toBytes(linear(0, null));
        byte[] v1 = rewrite(v2, h -> {
            h.remove("sim_to_real");
            h.put("format_version", 1);
        }, 1);
        PolicyFile p = PolicyReader.fromBytes(v1, "v1.actuate");
        assertThat(p.simToReal()).isNull();
        assertThat(p.previousActions()).isZero();
        assertThat(p.stateSize()).isEqualTo(1);
        assertThat(p.trainingRateHz()).isNaN();
        // The shipped lander policy was written in format 1 and stays readable.
        Path shipped = Path.of("..").toAbsolutePath().normalize().resolve("models/ppo-LunarLanderContinuous-v3.actuate");
        byte[] data = Files.readAllBytes(shipped);
        assertThat(ByteBuffer.wrap(data, 8, 4).getInt()).isEqualTo(1);
        assertThat(PolicyReader.read(shipped).simToReal()).isNull();
    }

    @Test
    void badRecordsNameTheField() throws Exception {
        byte[] ok = PolicyWriter.toBytes(linear(2, aids(2, 0.5)));
        assertError(ok, h -> h.with("sim_to_real").put("previous_actions", 5), "sim_to_real.previous_actions");
        assertError(ok, h -> h.with("sim_to_real").putArray("initial_action"), "sim_to_real.initial_action");
        assertError(ok, h -> h.with("sim_to_real").put("control_period_s", -1), "sim_to_real.control_period_s");
        assertError(ok, h -> h.with("sim_to_real").put("action_delay_steps", "one"), "sim_to_real.action_delay_steps");
        assertError(ok, h -> h.with("sim_to_real").putArray("observation_noise_std").add(0.1).add(0.2),
                "sim_to_real.observation_noise_std");
        assertError(ok, h -> h.put("sim_to_real", 3), "sim_to_real");
    }

    @Test
    void theModelAppendsTheCommandsSentMostRecentFirst() {
        LoadedModel m = linear(2, aids(2, 0.5)).toModel("toy");
        assertThat(m.observationSize()).isEqualTo(1);
        assertThat(m.previousActions()).isEqualTo(2);
        float[] a = new float[1];
        // Episode start: both slots hold the initial action.
        m.act(new float[] {1}, a);
        assertThat(a[0]).isEqualTo(56);
        // The loop reports what actually went out (the safety layer may have changed it).
        m.commandSent(new double[] {2});
        m.act(new float[] {1}, a);
        assertThat(a[0]).isEqualTo(71);
        m.commandSent(new double[] {3});
        m.act(new float[] {0}, a);
        assertThat(a[0]).isEqualTo(230);
        // Without a report (eval in the simulator) the model's own action is used: 10 * 230 + 100 * 3.
        m.act(new float[] {0}, a);
        assertThat(a[0]).isEqualTo(1000); // 10 * 230 + 100 * 3 = 2600, clipped into the box
        // A new episode starts from the initial action again, on the double path too.
        m.reset();
        double[] d = new double[1];
        m.act(new double[] {1}, d);
        assertThat(d[0]).isEqualTo(56);
        assertThatThrownBy(() -> m.act(new float[] {1, 2, 3}, a)).hasMessageContaining("maps 1 observations");
    }

    @Test
    void theRobotProvidesOnlyTheStateAndNamesTheAppendedActions() throws Exception {
        PolicyFile p = linear(2, aids(2, 0));
        RobotConfig one = robot("[{name: pos, unit: m}]");
        p.checkRobot("p.actuate", one, "one.yaml");
        PolicyFile named = p.withSignals(one);
        assertThat(named.observation().names()).containsExactly("pos", "u@t-1", "u@t-2");
        assertThat(named.observation().units()).containsExactly("m", "N", "N");
        assertThat(named.simToReal().previousActions()).isEqualTo(2);
        named.checkRobot("p.actuate", one, "one.yaml");
        RobotConfig three = robot("[{name: pos}, {name: a}, {name: b}]");
        assertThatThrownBy(() -> p.checkRobot("p.actuate", three, "three.yaml"))
                .hasMessageContaining("'observation.size'").hasMessageContaining("1 state values and 2 previous actions")
                .hasMessageContaining("three.yaml");
    }

    private static RobotConfig robot(String state) {
        return new RobotConfigLoader(k -> null).parse("""
                robot: r1
                broker: tcp://localhost:1883
                rate_hz: 50
                signals:
                  state: %s
                  command: [{name: u, unit: N, min: -1000, max: 1000}]
                """.formatted(state), null);
    }

    private static ObjectNode header(byte[] data) throws Exception {
        int n = ByteBuffer.wrap(data, 12, 4).getInt();
        return (ObjectNode) JSON.readTree(new String(data, 16, n, StandardCharsets.UTF_8));
    }

    /** The file with an edited header, format version {@code version} and a valid checksum. */
    private static byte[] rewrite(byte[] data, Consumer<ObjectNode> edit, int version) throws Exception {
        int n = ByteBuffer.wrap(data, 12, 4).getInt();
        ObjectNode h = header(data);
        edit.accept(h);
        byte[] header = JSON.writeValueAsBytes(h);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(data, 0, 8);
        out.writeInt(version);
        out.writeInt(header.length);
        out.write(header);
        out.write(data, 16 + n, data.length - 8 - 16 - n);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        return bytes.toByteArray();
    }

    private static void assertError(byte[] ok, Consumer<ObjectNode> edit, String field) throws Exception {
        byte[] edited = rewrite(ok, edit, PolicyFile.FORMAT_VERSION);
        assertThatThrownBy(() -> PolicyReader.fromBytes(edited, "edited.actuate")).as(field)
                .isInstanceOf(PolicyFormatException.class).hasMessageContaining("edited.actuate")
                .hasMessageContaining("'" + field);
    }
}
