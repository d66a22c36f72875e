package dev.actuate.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actuate.hw.HardwareInterface;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.RobotConfigLoader;
import dev.actuate.hw.mqtt.MappedMqttAdapter;
import dev.actuate.hw.mqtt.MqttAdapters;
import dev.actuate.hw.testing.MosquittoProcess;
import dev.actuate.runtime.safety.EStop;
import dev.actuate.runtime.safety.SafetyCounters;
import dev.actuate.runtime.safety.SafetyLayer;
import dev.actuate.runtime.safety.SafetySettings;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A third-party device on a real Mosquitto, reached through the mapped adapter built by
 * {@link MqttAdapters#create} from a YAML file: per-sensor topics in (plain number; JSON field with
 * scale and offset), per-actuator topics out, bad payloads rejected and counted while the loop runs.
 */
@Tag("mosquitto")
class MappedDeviceMosquittoTest {
    private static final String YAML = """
            robot: dev3p
            broker: %s
            adapter: mapped
            rate_hz: 50
            signals:
              state:
                - {name: j1/position, topic: dev3p/j1/pos, format: plain, scale: 0.001}
                - {name: j2/position, topic: dev3p/j2/status, format: json, field: data.pos, scale: 2, offset: 0.5}
              command:
                - {name: j1/torque, min: -1, max: 1, topic: dev3p/j1/set, format: plain, scale: 1000}
                - {name: j2/torque, min: -1, max: 1, topic: dev3p/j2/cmd, format: json, field: cmd.value, scale: 10, offset: 1}
            safety:
              watchdog_ms: 5000
              safe_action: [0, 0]
            """;

    @Test
    void deviceSensorsDriveTheLoopAndItsActuatorsGetScaledCommands(@TempDir Path dir) throws Exception {
        assumeTrue(MosquittoProcess.availableOrFail(), "mosquitto is not installed");
        try (MosquittoProcess broker = MosquittoProcess.start()) {
            Path file = dir.resolve("dev3p.yaml");
            Files.writeString(file, YAML.formatted(broker.url()));
            RobotConfig cfg = RobotConfigLoader.load(file);
            float[] lastObs = new float[2];
            Policy policy = (obs, action) -> {
                synchronized (lastObs) {
                    System.arraycopy(obs, 0, lastObs, 0, 2);
                }
                action[0] = obs[0];
                action[1] = obs[1] - 0.2f;
            };
            HardwareInterface hw = MqttAdapters.create(cfg);
            assertThat(hw).isInstanceOf(MappedMqttAdapter.class);
            MappedMqttAdapter mapped = (MappedMqttAdapter) hw;
            ControlLoop loop = ControlLoop.builder(hw, policy, new SafetyLayer(SafetySettings.of(cfg), 1 / 50.0,
                    new SafetyCounters(), new EStop())).rateHz(50).localRoundTrip(false)
                    .trigger(ControlLoop.Trigger.STATE).build();
            double[] j1Set = {Double.NaN};
            double[] j2Cmd = {Double.NaN};
            MqttAsyncClient device = new MqttAsyncClient(broker.url(), "fake-device", new MemoryPersistence());
            try {
                MqttConnectOptions o = new MqttConnectOptions();
                o.setCleanSession(true);
                device.connect(o).waitForCompletion(10_000);
                ObjectMapper om = new ObjectMapper();
                device.subscribe("dev3p/j1/set", 0, (t, m) -> j1Set[0] = Double.parseDouble(
                        new String(m.getPayload(), StandardCharsets.UTF_8))).waitForCompletion(10_000);
                device.subscribe("dev3p/j2/cmd", 0, (t, m) -> j2Cmd[0] = om.readTree(m.getPayload())
                        .get("cmd").get("value").asDouble()).waitForCompletion(10_000);
                hw.configure();
                hw.activate();
                loop.start();

                // 250 milli-units -> 0.25; JSON 0.1 -> 0.1 * 2 + 0.5 = 0.7. Republished until seen (QoS 0).
                publishUntil(device, () -> near(j1Set[0], 250) && near(j2Cmd[0], (0.7f - 0.2f) * 10 + 1),
                        "dev3p/j1/pos", "250", "dev3p/j2/status", "{\"data\":{\"pos\":0.1,\"temp\":40}}");
                synchronized (lastObs) {
                    assertThat(lastObs[0]).isCloseTo(0.25f, within(1e-6f));
                    assertThat(lastObs[1]).isCloseTo(0.7f, within(1e-6f));
                }
                assertThat(mapped.rejectedPayloads()).isZero();

                for (String[] bad : new String[][] {{"dev3p/j1/pos", "abc"}, {"dev3p/j1/pos", ""},
                        {"dev3p/j2/status", "{\"data\":{}}"}, {"dev3p/j2/status", "{\"data\":{\"pos\":\"1\"}}"},
                        {"dev3p/j2/status", "not json"}}) {
                    device.publish(bad[0], bad[1].getBytes(StandardCharsets.UTF_8), 0, false);
                }
                await("5 rejected payloads", () -> mapped.rejectedPayloads() == 5);
                // Still running, and the state is unchanged by the rejected payloads: a new good value goes through.
                assertThat(loop.stopReason()).isEqualTo(ControlLoop.StopReason.NOT_STOPPED);
                publishUntil(device, () -> near(j1Set[0], -500), "dev3p/j1/pos", "-500");
                assertThat(j2Cmd[0]).isCloseTo((0.7f - 0.2f) * 10 + 1, within(1e-4));
                assertThat(mapped.rejectedPayloads()).isEqualTo(5);
            } finally {
                loop.stop();
                loop.join(5000);
                hw.close();
                if (device.isConnected()) {
                    device.disconnect().waitForCompletion(5000);
                }
                device.close();
            }
        }
    }

    private static boolean near(double v, double expected) {
        return Math.abs(v - expected) < 1e-3;
    }

    /** Publishes topic/payload pairs every 20 ms until the condition holds (generous deadline, no timing asserted). */
    private static void publishUntil(MqttAsyncClient c, BooleanSupplier done, String... topicPayload) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("device never received the expected commands");
            }
            for (int i = 0; i < topicPayload.length; i += 2) {
                c.publish(topicPayload[i], topicPayload[i + 1].getBytes(StandardCharsets.UTF_8), 0, false);
            }
            Thread.sleep(20);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
