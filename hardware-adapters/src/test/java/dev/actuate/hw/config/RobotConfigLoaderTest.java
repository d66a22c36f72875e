package dev.actuate.hw.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RobotConfigLoaderTest {
    private static final Path ROBOTS = Path.of("..", "configs", "robots");

    private static final String MINIMAL = """
            robot: r1
            broker: tcp://localhost:1883
            rate_hz: 100
            signals:
              state: [{name: a}]
              command: [{name: u, min: -2, max: 2}]
            """;

    @Test
    void loadsShippedLanderAndArmConfigs() {
        RobotConfig lander = RobotConfigLoader.load(ROBOTS.resolve("lander.yaml"));
        assertThat(lander.id()).isEqualTo("lander");
        assertThat(lander.envId()).isEqualTo("LunarLanderContinuous-v3");
        assertThat(lander.stateSignals()).hasSize(8);
        assertThat(lander.commandSignals()).hasSize(2);
        assertThat(lander.safety().safeAction()).containsExactly(0, 0);
        assertThat(lander.periodNanos()).isEqualTo(20_000_000L);

        RobotConfig arm = RobotConfigLoader.load(ROBOTS.resolve("arm.yaml"));
        assertThat(arm.stateSignals()).extracting(s -> s.name()).containsExactly("joint1/position",
                "joint2/position", "joint1/velocity", "joint2/velocity", "target/x", "target/y", "target/dx", "target/dy");
        assertThat(arm.commandSignals()).extracting(s -> s.name()).containsExactly("joint1/torque", "joint2/torque");
        assertThat(arm.safety().maxRatePerSecond()).containsExactly(20, 20);
        assertThat(arm.safety().startupRampSeconds()).isEqualTo(0.5);
        assertThat(arm.commandSignals().get(0).unit()).isEqualTo("1");
    }

    @Test
    void loadsShippedMappedArmConfigWithItsBindings() {
        RobotConfig c = RobotConfigLoader.load(ROBOTS.resolve("arm-mapped.yaml"));
        assertThat(c.adapter()).isEqualTo(AdapterType.MAPPED);
        assertThat(c.stateBindings()).hasSize(3);
        assertThat(c.commandBindings()).hasSize(2);
        TopicBinding enc = c.stateBindings().get(0);
        assertThat(enc.format()).isEqualTo(ValueFormat.PLAIN);
        assertThat(4096 * enc.scale()).isCloseTo(2 * Math.PI, org.assertj.core.api.Assertions.within(1e-12));
        TopicBinding j2 = c.stateBindings().get(1);
        assertThat(j2.topic()).isEqualTo(c.stateBindings().get(2).topic());
        assertThat(j2.field()).isEqualTo("data.position_deg");
        assertThat(90 * j2.scale() + j2.offset()).isCloseTo(0, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(c.commandBindings().get(1).field()).isEqualTo("cmd.current_a");
        assertThat(c.commandBindings().get(0).scale()).isEqualTo(20000);
    }

    @Test
    void defaultsApplyWhenOptionalBlocksAreAbsent() {
        RobotConfig c = new RobotConfigLoader(k -> null).parse(MINIMAL, null);
        assertThat(c.adapter()).isEqualTo(AdapterType.NATIVE);
        assertThat(c.payload()).isEqualTo(PayloadFormat.BINARY);
        assertThat(c.credentials()).isNull();
        assertThat(c.safety().watchdogTimeoutMs()).isEqualTo(SafetyConfig.DEFAULT_WATCHDOG_MS);
        assertThat(c.safety().maxRatePerSecond()).containsExactly(Double.POSITIVE_INFINITY);
        assertThat(c.stateSignals().get(0).min()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void passwordComesFromEnvironmentAndIsMaskedInToString() {
        String yaml = MINIMAL + "auth: {username: bob, password_env: PW}\n";
        RobotConfig c = new RobotConfigLoader(Map.of("PW", "hunter2")::get).parse(yaml, null);
        assertThat(c.credentials().password()).isEqualTo("hunter2");
        assertThat(c.toString()).doesNotContain("hunter2").contains("bob");
        assertThatThrownBy(() -> new RobotConfigLoader(k -> null).parse(yaml, null))
                .hasMessageContaining("auth.password_env").hasMessageContaining("PW");
    }

    @Test
    void tlsTruststoreResolvesAgainstConfigFolder() {
        String yaml = MINIMAL.replace("tcp://", "ssl://") + "tls: {truststore: ca.p12, truststore_password_env: TPW}\n";
        RobotConfig c = new RobotConfigLoader(Map.of("TPW", "s3cret")::get).parse(yaml, Path.of("/etc/robots"));
        assertThat(c.tls().truststore()).isEqualTo(Path.of("/etc/robots/ca.p12"));
        assertThat(c.tls().truststorePassword()).isEqualTo("s3cret");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void passwordsComeFromFilesRelativeToTheConfig(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mqtt.pw"), "pa55 word\n");
        Files.writeString(dir.resolve("key.pw"), "k3y-pass");
        String yaml = MINIMAL.replace("tcp://", "ssl://") + """
                auth: {username: bob, password_file: mqtt.pw}
                tls: {truststore: ca.p12, keystore: client.p12, keystore_password_file: key.pw}
                """;
        RobotConfig c = new RobotConfigLoader(k -> null).parse(yaml, dir);
        assertThat(c.credentials().password()).isEqualTo("pa55 word");
        assertThat(c.tls().keystore()).isEqualTo(dir.resolve("client.p12"));
        assertThat(c.tls().keystorePassword()).isEqualTo("k3y-pass");
        assertThat(c.toString()).doesNotContain("pa55").doesNotContain("k3y-pass");
        assertThatThrownBy(() -> new RobotConfigLoader(k -> null).parse(
                MINIMAL + "auth: {username: bob, password_file: nope.pw}\n", dir))
                .hasMessageContaining("auth.password_file").hasMessageContaining("nope.pw");
        assertThatThrownBy(() -> new RobotConfigLoader(k -> null).parse(
                MINIMAL + "tls: {keystore: client.p12}\n", dir)).hasMessageContaining("tls.keystore");
    }

    @Test
    void passwordsWrittenInTheConfigAreRefusedWithoutEchoingThem() {
        RobotConfigLoader l = new RobotConfigLoader(k -> null);
        for (String yaml : new String[] {MINIMAL + "auth: {username: bob, password: hunter2}\n",
                MINIMAL + "tls: {truststore: ca.p12, truststore_password: hunter2}\n"}) {
            assertThatThrownBy(() -> l.parse(yaml, null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("_file").hasMessageContaining("_env")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        }
    }

    @Test
    void errorsNameTheKey() {
        RobotConfigLoader l = new RobotConfigLoader(k -> null);
        assertThatThrownBy(() -> l.parse(MINIMAL.replace("rate_hz: 100", "rate_hz: fast"), null))
                .hasMessageContaining("rate_hz").hasMessageContaining("fast");
        assertThatThrownBy(() -> l.parse(MINIMAL + "safty: {}\n", null)).hasMessageContaining("safty: unknown key");
        assertThatThrownBy(() -> l.parse(MINIMAL + "safety: {safe_action: [0, 1]}\n", null))
                .hasMessageContaining("safety.safe_action").hasMessageContaining("2 entries");
        assertThatThrownBy(() -> l.parse(MINIMAL + "safety: {safe_action: 5}\n", null))
                .hasMessageContaining("safety.safe_action[0]").hasMessageContaining("outside the limits of u");
        assertThatThrownBy(() -> l.parse(MINIMAL + "safety: {watchdog_ms: -1}\n", null))
                .hasMessageContaining("safety.watchdog_ms");
        assertThatThrownBy(() -> l.parse(MINIMAL.replace("{name: u, min: -2, max: 2}", "{name: u}"), null))
                .hasMessageContaining("signals.command[u]").hasMessageContaining("min and max");
        assertThatThrownBy(() -> l.parse(MINIMAL.replace("adapter", "x") + "adapter: mapped\n", null))
                .hasMessageContaining("signals.state[a].topic");
        assertThatThrownBy(() -> l.parse(MINIMAL + "adapter: serial\n", null))
                .hasMessageContaining("adapter").hasMessageContaining("native, mapped");
        assertThatThrownBy(() -> l.parse(MINIMAL.replace("tcp://", "http://"), null)).hasMessageContaining("broker");
        assertThatThrownBy(() -> l.parse("robot: [1\n", null)).hasMessageContaining("invalid YAML");
    }

    @Test
    void stateOutOfRangeIsSafeByDefaultClampPerSignalAndValidatedWithFileAndField(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        RobotConfigLoader l = new RobotConfigLoader(k -> null);
        String two = MINIMAL.replace("state: [{name: a}]",
                "state: [{name: a, min: -1, max: 1}, {name: b, min: 0, max: 5, out_of_range: clamp}]");
        RobotConfig c = l.parse(two, null);
        assertThat(c.stateSignals()).extracting(s -> s.outOfRange())
                .containsExactly(dev.actuate.hw.OutOfRange.SAFE, dev.actuate.hw.OutOfRange.CLAMP);
        Path bad = dir.resolve("bad-robot.yaml");
        java.nio.file.Files.writeString(bad, two.replace("out_of_range: clamp", "out_of_range: ignore"));
        assertThatThrownBy(() -> l.read(bad)).hasMessageContaining("bad-robot.yaml")
                .hasMessageContaining("signals.state[b].out_of_range").hasMessageContaining("'ignore' is not one of safe, clamp");
        assertThatThrownBy(() -> l.parse(MINIMAL.replace("{name: u, min: -2, max: 2}", "{name: u, min: -2, max: 2, out_of_range: clamp}"), null))
                .hasMessageContaining("signals.command[u].out_of_range").hasMessageContaining("only for state signals");
    }

    @Test
    void fileErrorsNameTheFile() {
        assertThatThrownBy(() -> RobotConfigLoader.load(Path.of("no/such.yaml")))
                .hasMessageContaining("no/such.yaml").hasMessageContaining("does not exist");
    }

    @Test
    void mappedBindingsParse() {
        String yaml = """
                robot: dev
                broker: tcp://h:1
                adapter: mapped
                rate_hz: 10
                signals:
                  state:
                    - {name: pos, topic: dev/pos, format: json, field: data.value, scale: 0.001, offset: 1}
                  command:
                    - {name: torque, min: -1, max: 1, topic: dev/cmd, scale: 100}
                """;
        RobotConfig c = new RobotConfigLoader(k -> null).parse(yaml, null);
        assertThat(c.stateBindings()).containsExactly(new TopicBinding("pos", "dev/pos", ValueFormat.JSON, "data.value", 0.001, 1));
        assertThat(c.commandBindings()).containsExactly(new TopicBinding("torque", "dev/cmd", ValueFormat.PLAIN, null, 100, 0));
        assertThatThrownBy(() -> new RobotConfigLoader(k -> null).parse(yaml.replace("scale: 100", "scale: 0"), null))
                .hasMessageContaining("signals.command[torque]").hasMessageContaining("scale");
        assertThatThrownBy(() -> new RobotConfigLoader(k -> null).parse(yaml.replace("dev/cmd", "dev/#"), null))
                .hasMessageContaining("wildcards");
    }

    @Test
    void aRobotDescriptionIsItsOwnEnvAndItsSimulationSectionsAreLeftToTheSimulator() {
        Path file = ROBOTS.resolve("cartpole.yaml");
        RobotConfig c = RobotConfigLoader.load(file);
        assertThat(c.envId()).isEqualTo(file.toString());
        assertThat(c.stateSignals()).extracting(s -> s.name()).containsExactly("cart/position", "cart/velocity",
                "pole/cos", "pole/sin", "pole/velocity");
        assertThat(c.commandSignals()).extracting(s -> s.name()).containsExactly("cart/force");
        RobotConfigLoader l = new RobotConfigLoader(k -> null);
        // Parsed from text there is no file to name, so the env stays unset.
        assertThat(l.parse(MINIMAL + "model: {}\n", null).envId()).isNull();
        assertThatThrownBy(() -> l.parse(MINIMAL + "env: Pendulum-v1\nmodel: {}\n", null))
                .hasMessageContaining("env: give env").hasMessageContaining("not both");
    }

    @Test
    void mqttSectionSelectsTheVersionAndExpiries() {
        RobotConfigLoader l = new RobotConfigLoader(k -> null);
        MqttSettings d = l.parse(MINIMAL, null).mqtt();
        assertThat(d.version()).isEqualTo(MqttVersion.V5);
        assertThat(d.versionFixed()).as("no version given: may fall back to 3.1.1").isFalse();
        assertThat(d.messageExpiryPeriods()).isEqualTo(3);
        assertThat(d.sessionExpirySeconds()).isZero();
        // 3 periods at 100 Hz are 30 ms: MQTT counts whole seconds, so 1 s.
        assertThat(l.parse(MINIMAL, null).commandExpirySeconds()).isEqualTo(1);

        RobotConfig v5 = l.parse(MINIMAL + "mqtt: {version: 5, message_expiry_periods: 250, session_expiry_s: 30}\n", null);
        assertThat(v5.mqtt()).isEqualTo(new MqttSettings(MqttVersion.V5, true, 250, 30));
        assertThat(v5.commandExpirySeconds()).as("250 periods at 100 Hz = 2.5 s, rounded up").isEqualTo(3);
        assertThat(l.parse(MINIMAL + "mqtt: {version: '5.0'}\n", null).mqtt().version()).isEqualTo(MqttVersion.V5);
        assertThat(l.parse(MINIMAL + "mqtt: {message_expiry_periods: 0}\n", null).commandExpirySeconds()).as("never").isZero();

        RobotConfig v3 = l.parse(MINIMAL + "mqtt:\n  version: 3.1.1\n", null);
        assertThat(v3.mqtt().version()).isEqualTo(MqttVersion.V3_1_1);
        assertThat(v3.mqtt().versionFixed()).isTrue();
        assertThat(v3.commandExpirySeconds()).as("robots still drop stale commands").isEqualTo(1);
    }

    @Test
    void badMqttSettingsNameTheFileAndTheField(@TempDir Path dir) throws Exception {
        Map<String, String> bad = Map.of(
                "mqtt: {version: 4}", "mqtt.version: '4' is not one of 5, 3.1.1",
                "mqtt: {versoin: 5}", "mqtt.versoin: unknown key",
                "mqtt: {message_expiry_periods: -1}", "mqtt.message_expiry_periods: -1 is out of range",
                "mqtt: {message_expiry_periods: 1.5}", "mqtt.message_expiry_periods: expected a whole number",
                "mqtt: {session_expiry_s: 4294967296}", "mqtt.session_expiry_s: must be in [0, 4294967295]",
                "mqtt: {session_expiry_s: soon}", "mqtt.session_expiry_s: expected a whole number",
                "mqtt: {version: 3.1.1, session_expiry_s: 10}", "mqtt.session_expiry_s: needs version 5",
                "mqtt: {version: 3.1.1, message_expiry_periods: 3}", "mqtt.message_expiry_periods: the broker cannot expire",
                "mqtt: 5", "mqtt: expected a mapping");
        int i = 0;
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Path f = dir.resolve("robot" + i++ + ".yaml");
            Files.writeString(f, MINIMAL + e.getKey() + "\n");
            assertThatThrownBy(() -> RobotConfigLoader.load(f)).as(e.getKey()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(f.toString()).hasMessageContaining(e.getValue());
        }
    }
}
