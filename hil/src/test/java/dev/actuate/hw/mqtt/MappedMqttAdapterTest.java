package dev.actuate.hw.mqtt;

import dev.actuate.hw.StateSample;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.RobotConfigLoader;
import dev.actuate.hw.config.TopicBinding;
import dev.actuate.hw.config.ValueFormat;
import dev.actuate.hw.mqtt.FrameException.Reason;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.actuate.hw.mqtt.MqttTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MappedMqttAdapterTest {
    private static final TopicBinding PLAIN = new TopicBinding("p", "dev/p", ValueFormat.PLAIN, null, 0.01, -1);
    private static final TopicBinding JSON = new TopicBinding("q", "dev/q", ValueFormat.JSON, "data.pos", 2, 0.5);

    @Test
    void plainAndJsonStatesApplyScaleAndOffset() throws Exception {
        assertThat(BindingCodec.decodeState(PLAIN, " 250\n".getBytes())).isCloseTo(1.5, within(1e-12));
        assertThat(BindingCodec.decodeState(JSON, "{\"data\":{\"pos\":1.25},\"x\":1}".getBytes())).isEqualTo(3.0);
    }

    @Test
    void commandEncodingInvertsTheMatchingStateBinding() throws Exception {
        // A device echoing a command back as a sensor value: command scale/offset then the inverse state map.
        TopicBinding cmd = new TopicBinding("u", "dev/u", ValueFormat.JSON, "set.torque", 100, 7);
        TopicBinding echo = new TopicBinding("u", "dev/u", ValueFormat.JSON, "set.torque", 0.01, -0.07);
        for (double v : new double[] {-1, -0.123, 0, 0.5, 1}) {
            byte[] p = BindingCodec.encodeCommand(cmd, v);
            assertThat(new String(p, StandardCharsets.UTF_8)).startsWith("{\"set\":{\"torque\":");
            assertThat(BindingCodec.decodeState(echo, p)).isCloseTo(v, within(1e-12));
        }
        TopicBinding plain = new TopicBinding("u", "dev/u", ValueFormat.PLAIN, null, 2, 1);
        assertThat(new String(BindingCodec.encodeCommand(plain, 0.25), StandardCharsets.UTF_8)).isEqualTo("1.5");
    }

    @Test
    void badPayloadsAreRejectedWithReason() {
        for (String bad : new String[] {"", "abc", "1.2.3", "{\"v\":1}"}) {
            FrameException e = assertThrows(FrameException.class, () -> BindingCodec.decodeState(PLAIN, bad.getBytes()));
            assertThat(e.reason()).isEqualTo(Reason.BAD_VALUE);
            assertThat(e.getMessage()).contains("p:");
        }
        for (String bad : new String[] {"", "{", "{\"data\":{}}", "{\"data\":{\"pos\":\"1\"}}", "[1]", "{\"data\":3}"}) {
            FrameException e = assertThrows(FrameException.class, () -> BindingCodec.decodeState(JSON, bad.getBytes()));
            assertThat(e.reason()).isEqualTo(Reason.BAD_VALUE);
        }
    }

    @Test
    void loopbackDeviceThroughEmbeddedBrokerRoundTripsCommandsAndCountsBadPayloads() throws Exception {
        String yaml = """
                robot: dev1
                broker: %s
                adapter: mapped
                rate_hz: 50
                signals:
                  state:
                    - {name: pos, topic: dev1/echo, format: json, field: cmd.value, scale: 0.5, offset: -0.5}
                    - {name: temp, topic: dev1/temp, scale: 0.1}
                  command:
                    - {name: torque, min: -1, max: 1, topic: dev1/echo, format: json, field: cmd.value, scale: 2, offset: 1}
                """;
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0)) {
            RobotConfig c = new RobotConfigLoader(k -> null).parse(yaml.formatted(broker.url()), null);
            try (MappedMqttAdapter a = new MappedMqttAdapter(c);
                 MqttTestSupport.Probe probe = new MqttTestSupport.Probe(broker.url(), "probe-map")) {
                a.configure();
                a.activate();
                a.write(new double[] {0.75}, 0, 0);
                await("echoed command", () -> a.messagesReceived() == 1);
                StateSample s = new StateSample(2);
                assertThat(a.read(s)).isTrue();
                assertThat(s.values[0]).isCloseTo(0.75, within(1e-12));

                probe.publish("dev1/temp", "215".getBytes());
                probe.publish("dev1/temp", "hot".getBytes());
                probe.publish("dev1/echo", "{\"cmd\":{}}".getBytes());
                await("sensor and rejects", () -> a.messagesReceived() == 2 && a.rejectedPayloads() == 2);
                assertThat(a.read(s)).isTrue();
                assertThat(s.values[1]).isCloseTo(21.5, within(1e-12));
                assertThat(s.values[0]).isCloseTo(0.75, within(1e-12));
            }
        }
    }
}
