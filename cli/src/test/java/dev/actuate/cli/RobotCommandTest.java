package dev.actuate.cli;

import dev.actuate.hw.Signal;
import dev.actuate.hw.StateSample;
import dev.actuate.hw.config.AdapterType;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.mqtt.EmbeddedBroker;
import dev.actuate.hw.mqtt.NativeMqttAdapter;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RobotCommandTest {
    @Test
    void unreachableBrokerIsOneClearLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int[] code = new int[1];
        String[] io = CliCapture.run(code, "robot", "--env", "Pendulum-v1", "--id", "p", "--broker", "tcp://127.0.0.1:" + port);
        assertThat(code[0]).isEqualTo(2);
        assertThat(io[1]).contains("actuate robot: MQTT broker tcp://127.0.0.1:" + port + " is unreachable");
    }

    @Test
    void mqttVersionIsCheckedAndAVersion5RobotFailsClearlyOnTheEmbeddedBroker() {
        int[] code = new int[1];
        String[] io = CliCapture.run(code, "robot", "--env", "Pendulum-v1", "--id", "p", "--mqtt-version", "4");
        assertThat(code[0]).isEqualTo(2);
        assertThat(io[1]).contains("--mqtt-version: '4' is not one of 5, 3.1.1");
        // Moquette speaks only MQTT 3.1.1: a robot told to speak 5 says so, naming the broker and the fix.
        try (dev.actuate.hw.mqtt.EmbeddedBroker broker = dev.actuate.hw.mqtt.EmbeddedBroker.start("127.0.0.1", 0)) {
            io = CliCapture.run(code, "robot", "--env", "Pendulum-v1", "--id", "p", "--broker", broker.url(),
                    "--mqtt-version", "5");
            assertThat(code[0]).isEqualTo(2);
            assertThat(io[1]).contains("MQTT broker " + broker.url() + " does not speak MQTT 5").contains("version: 3.1.1");
        }
    }

    @Test
    void unknownEnvAndMissingPasswordVariableAreClearErrors() {
        int[] code = new int[1];
        String[] io = CliCapture.run(code, "robot", "--env", "Nope-v0", "--id", "p");
        assertThat(code[0]).isEqualTo(2);
        assertThat(io[1]).contains("unknown env id 'Nope-v0'");
        io = CliCapture.run(code, "robot", "--env", "Pendulum-v1", "--id", "p", "--username", "u", "--password-env",
                "ACTUATE_TEST_SURELY_UNSET_VAR");
        assertThat(code[0]).isEqualTo(2);
        assertThat(io[1]).contains("--password-env: environment variable ACTUATE_TEST_SURELY_UNSET_VAR is not set");
    }

    @Test
    void passwordsComeFromAFileOrTheEnvironmentNeverAnArgument(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        int[] code = new int[1];
        String[] io = CliCapture.run(code, "robot", "--env", "Pendulum-v1", "--id", "p", "--username", "u",
                "--password", "hunter2");
        assertThat(code[0]).isEqualTo(2);
        assertThat(io[1]).contains("--password");
        io = CliCapture.run(code, "robot", "--env", "Pendulum-v1", "--id", "p", "--username", "u",
                "--password-file", dir.resolve("missing.pw").toString());
        assertThat(code[0]).isEqualTo(2);
        assertThat(io[1]).contains("--password-file: " + dir.resolve("missing.pw") + " does not exist");
        io = CliCapture.run(code, "robot", "--env", "Pendulum-v1", "--id", "p", "--keystore", dir.resolve("c.p12").toString());
        assertThat(code[0]).isEqualTo(2);
        assertThat(io[1]).contains("--keystore needs --keystore-password-env or --keystore-password-file");
    }

    @Test
    void lockStepRobotCommandPlaysAnEpisodeAgainstAController() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0);
             NativeMqttAdapter ctl = new NativeMqttAdapter(new RobotConfig("cli", broker.url(), AdapterType.NATIVE,
                     PayloadFormat.BINARY, null, null, 20,
                     List.of(new Signal("cos", "", -1, 1), new Signal("sin", "", -1, 1), new Signal("thdot", "", -8, 8)),
                     List.of(new Signal("torque", "", -2, 2)), List.of(), List.of(), "Pendulum-v1", null))) {
            ctl.configure();
            ctl.activate();
            int[] code = new int[1];
            Future<String[]> robot = pool.submit(() -> CliCapture.run(code, "robot", "--env", "Pendulum-v1", "--id", "cli",
                    "--broker", broker.url(), "--lockstep", "--episodes", "1", "--seed", "5"));
            StateSample s = new StateSample(3);
            long answered = -1;
            while (!robot.isDone()) {
                if (ctl.read(s) && s.sequence != answered) {
                    ctl.write(new double[] {0.0}, s.sequence, s.sentMicros);
                    answered = s.sequence;
                } else {
                    Thread.sleep(0, 200_000);
                }
            }
            String[] io = robot.get(60, TimeUnit.SECONDS);
            assertThat(code[0]).as(io[1]).isZero();
            assertThat(io[0]).contains("robot cli: 1 episodes").contains("200 steps").contains("(0 rejected: 0 non-finite, 0 from another controller session)");
        } finally {
            pool.shutdownNow();
        }
    }
}
