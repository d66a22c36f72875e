package dev.actuate.runtime;

import dev.actuate.hw.testing.MosquittoProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ctrl-C on real {@code actuate run} and {@code actuate robot} processes (the built classpath,
 * a Mosquitto broker): the controller leaves the safe action as the last command on the wire,
 * prints its summary and writes its metrics; the robot prints its summary. Exit status 130 is the
 * JVM's for SIGINT. Waits poll conditions with generous deadlines; nothing asserts timing.
 */
@Tag("mosquitto")
class SignalShutdownTest {
    private MosquittoProcess broker;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void startBroker() {
        assumeTrue(MosquittoProcess.availableOrFail(), "mosquitto is not installed");
        broker = MosquittoProcess.start();
    }

    @AfterEach
    void stop() {
        for (Process p : started) {
            p.destroyForcibly();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static Path repoRoot() {
        Path root = Path.of("").toAbsolutePath().getParent();
        if (!Files.exists(root.resolve("configs/robots/lander.yaml"))) {
            fail("expected the repository root above " + Path.of("").toAbsolutePath());
        }
        return root;
    }

    /** Starts {@code actuate <args>} in a new JVM on this test's classpath, output to {@code log}. */
    private Process actuate(Path log, String... args) throws IOException {
        String cp = System.getProperty("java.class.path");
        if (!cp.contains("classes")) {
            fail("the test classpath does not list the built classes: " + cp);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", cp, "dev.actuate.cli.Actuate"));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).directory(repoRoot().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    /** SIGINT; SIGTERM instead where this environment starts children with SIGINT ignored (the JVM then cannot catch it). */
    private static int interrupt(Process p) throws Exception {
        String status = Files.readString(Path.of("/proc", Long.toString(p.pid()), "status"));
        long ignored = status.lines().filter(l -> l.startsWith("SigIgn:")).map(l -> Long.parseUnsignedLong(l.substring(7).trim(), 16))
                .findFirst().orElse(0L);
        String sig = (ignored & (1L << 1)) != 0 ? "-TERM" : "-INT";
        Process kill = new ProcessBuilder("kill", sig, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            fail("the process did not exit within 60 s of " + sig);
        }
        return sig.equals("-INT") ? 130 : 143;
    }

    private static void await(String what, BooleanSupplier condition, Path log) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + "; output:\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    @Test
    void sigintOnRunSendsTheSafeActionLastPrintsTheSummaryAndWritesMetrics(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("run.log");
        Path csv = dir.resolve("metrics.csv");
        try (FrameRobot robot = new FrameRobot(broker.url(), "lander", 8, 20)) {
            Process run = actuate(log, "run", "--controller", "heuristic", "--robot", "configs/robots/lander.yaml",
                    "--broker", broker.url(), "--duration", "0", "--episodes", "1000000", "--metrics-csv", csv.toString());
            // An all-zero lander state: the heuristic's command is not the safe [0, 0].
            await("the controller driving", () -> robot.lastCommand() != null && !Arrays.equals(robot.lastCommand(), new double[] {0, 0}), log);
            double[] driving = robot.lastCommand();
            int expected = interrupt(run);
            String out = Files.readString(log);
            assertThat(run.exitValue()).as(out).isEqualTo(expected);
            assertThat(robot.lastCommand()).as("last command (was %s while driving); output:%n%s", Arrays.toString(driving), out)
                    .containsExactly(0.0, 0.0);
            assertThat(out).contains("stopping on signal").contains("safety events").contains("stopped: REQUESTED")
                    .contains("state frames:").contains("metrics written to");
            assertThat(Files.readString(csv)).contains("cycles,");
            assertThat(retainedControllerStatus(broker.url(), "lander")).startsWith("offline ");
        }
    }

    private static String retainedControllerStatus(String url, String robotId) throws Exception {
        org.eclipse.paho.client.mqttv3.MqttAsyncClient c = new org.eclipse.paho.client.mqttv3.MqttAsyncClient(url,
                "status-probe-" + System.nanoTime(), new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        try {
            c.connect().waitForCompletion(10_000);
            java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
            c.subscribe(new dev.actuate.hw.mqtt.Topics(robotId).controllerStatus(), 1,
                    (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8))).waitForCompletion(10_000);
            String s = got.poll(10, TimeUnit.SECONDS);
            c.disconnect().waitForCompletion(5000);
            return s;
        } finally {
            c.close(true);
        }
    }

    @Test
    void sigintOnRobotPrintsItsSummary(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("robot.log");
        Process robot = actuate(log, "robot", "--env", "Pendulum-v1", "--broker", broker.url(), "--id", "sigpend",
                "--status-every", "0.2");
        await("the robot's status line", () -> read(log).contains("robot sigpend: connected"), log);
        int expected = interrupt(robot);
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(robot.exitValue()).as(out).isEqualTo(expected);
        assertThat(out).contains("robot sigpend: 0 episodes");
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static {
        // File.pathSeparator is ':' here; the test shells out to kill and reads /proc: Linux only.
        assert File.pathSeparatorChar == ':';
    }
}
