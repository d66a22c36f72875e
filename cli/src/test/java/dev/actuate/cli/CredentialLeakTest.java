package dev.actuate.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.mqtt.EmbeddedBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `actuate run` against a password-protected broker, with the password in a file: the password
 * appears in none of stdout, stderr, the log, the metrics CSV or the error of a rejected login.
 */
class CredentialLeakTest {
    private static final String SECRET = "Zq81-s3cret-pw";

    @Test
    void thePasswordAppearsInNoOutputLogMetricsOrError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("good.pw"), SECRET + "\n");
        Files.writeString(dir.resolve("bad.pw"), SECRET + "-wrong\n");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        ch.qos.logback.classic.Level level = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.DEBUG); // every line any library logs, not just warnings
        List<String> outputs = new ArrayList<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0, new Credentials("ops", SECRET))) {
            for (String pw : new String[] {"good.pw", "bad.pw"}) {
                Path robot = dir.resolve(pw + ".yaml");
                Files.writeString(robot, """
                        robot: leak
                        broker: %s
                        rate_hz: 50
                        env: Pendulum-v1
                        auth: {username: ops, password_file: %s}
                        signals:
                          state: [{name: cos}, {name: sin}, {name: thdot}]
                          command: [{name: torque, min: -2, max: 2}]
                        """.formatted(broker.url(), pw));
                Path csv = dir.resolve(pw + ".csv");
                int[] code = new int[1];
                String[] io = CliCapture.run(code, "run", "--robot", robot.toString(), "--controller", "zero", "--duration", "1",
                        "--metrics-csv", csv.toString());
                assertThat(code[0]).as(io[0] + io[1]).isEqualTo(pw.equals("good.pw") ? 0 : 2);
                outputs.add(io[0]);
                outputs.add(io[1]);
                if (Files.exists(csv)) {
                    outputs.add(Files.readString(csv));
                }
            }
        } finally {
            root.detachAppender(logs);
            root.setLevel(level);
        }
        for (ILoggingEvent e : List.copyOf(logs.list)) {
            outputs.add(e.getFormattedMessage());
            for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                outputs.add(t.getMessage());
            }
        }
        String all = String.join("\n", outputs);
        assertThat(all).contains("rejected credentials for user ops").contains("round_trip");
        assertThat(all).doesNotContain(SECRET);
    }
}
