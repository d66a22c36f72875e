package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actuate.hw.robot.MqttRobot;
import dev.actuate.hw.robot.RobotOptions;
import dev.actuate.hw.testing.MosquittoProcess;
import dev.actuate.policy.PolicyReader;
import dev.actuate.runtime.PolicyEvaluation;
import dev.actuate.sim.Envs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The robot bundle end to end: {@code actuate package} builds it, it is unpacked into a clean directory and
 * started there as its own JVM through {@code bin/actuate-controller}, and it flies the simulated lander
 * (lock-stepped, over a private Mosquitto) with the returns of in-process evaluation of the same seeds.
 */
class RobotBundleTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String ENV = "LunarLanderContinuous-v3";
    private static final List<String> BANNED = List.of("nd4j", "javacpp", "openblas", "jbox2d", "moquette", "netty",
            "actuate-sim", "actuate-training", "actuate-hil", "actuate-cli", "actuate-test-support");

    @TempDir
    Path dir;

    @Test
    void bundleHoldsOnlyTheControllerClassPathAndIsSmall() throws Exception {
        Path bundle = dir.resolve("b");
        assertThat(Actuate.run("package", "--model", model().toString(), "--robot", robotYaml().toString(),
                "--out", bundle.toString())).isZero();
        List<String> jars;
        try (Stream<Path> s = Files.list(bundle.resolve("lib"))) {
            jars = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).anyMatch(j -> j.startsWith("actuate-controller-"))
                .anyMatch(j -> j.startsWith("actuate-hardware-adapters-"))
                .anyMatch(j -> j.startsWith("org.eclipse.paho.client.mqttv3-"))
                .anyMatch(j -> j.startsWith("org.eclipse.paho.mqttv5.client-"));
        for (String j : jars) {
            assertThat(BANNED).as(j).noneMatch(b -> j.toLowerCase(Locale.ROOT).contains(b));
        }
        assertThat(RobotBundle.treeSize(bundle)).as("bundle bytes").isLessThan(10_000_000L);
        assertThat(bundle.resolve("bin/actuate-controller")).isExecutable();
        // Both launchers start the JVM with the real-time settings (fixed, pre-touched heap; ParallelGC).
        assertThat(Files.readString(bundle.resolve("bin/actuate-controller")))
                .contains("${ACTUATE_JAVA_OPTS:--XX:+UseParallelGC -Xms256m -Xmx256m -XX:+AlwaysPreTouch}");
        assertThat(Files.readString(bundle.resolve("bin/actuate-controller.bat")))
                .contains("set ACTUATE_JAVA_OPTS=-XX:+UseParallelGC -Xms256m -Xmx256m -XX:+AlwaysPreTouch");
        assertThat(bundle.resolve("policy/ppo-LunarLanderContinuous-v3.actuate")).exists();
        assertThat(bundle.resolve("robot/lander.yaml")).hasSameTextualContentAs(robotYaml());
        JsonNode manifest = new ObjectMapper().readTree(bundle.resolve("bundle.json").toFile());
        assertThat(manifest.get("policy").get("env").asText()).isEqualTo(ENV);
        assertThat(manifest.get("files").size()).isEqualTo(jars.size() + 6); // + 2 scripts, unit, policy, robot, README

        // The systemd unit runs the manifest's command from the bundle's directory, under SCHED_FIFO, and does
        // not restart a controller that stopped.
        Map<String, String> service = unitSection(bundle.resolve(RobotBundle.UNIT), "Service");
        assertThat(service).containsEntry("WorkingDirectory", "/opt/actuate/%i")
                .containsEntry("ExecStart", "/opt/actuate/%i/" + manifest.get("run").asText())
                .containsEntry("CPUSchedulingPolicy", "fifo")
                .containsEntry("CPUSchedulingPriority", "10")
                .containsEntry("KillSignal", "SIGTERM")
                .containsEntry("Restart", "no");
        assertThat(manifest.get("run").asText()).startsWith("bin/actuate-controller run --model policy/")
                .endsWith(" --robot robot/lander.yaml");
        assertThat(unitSection(bundle.resolve(RobotBundle.UNIT), "Install")).containsEntry("WantedBy", "multi-user.target");

        // An existing bundle is never overwritten.
        assertThatThrownBy(() -> RobotBundle.build(model(), robotYaml(), bundle, false))
                .hasMessageContaining("exists");
    }

    @Test
    @Tag("mosquitto")
    void bundleStartedFromACleanDirectoryFliesTheLanderWithTheInProcessReturns() throws Exception {
        assumeTrue(MosquittoProcess.availableOrFail(), "mosquitto is not installed");
        Path build = dir.resolve("build");
        assertThat(Actuate.run("package", "--model", model().toString(), "--robot", robotYaml().toString(),
                "--out", build.resolve("lander-bundle").toString(), "--archive")).isZero();
        // The robot host: a clean directory with only the unpacked archive (so the archive's modes are tested too).
        Path host = Files.createDirectories(dir.resolve("robot-host"));
        run(host, 60, "tar", "xzf", build.resolve("lander-bundle.tar.gz").toString());
        Path bundle = host.resolve("lander-bundle");

        int episodes = 2;
        long seed = 7;
        double[] inProcess = PolicyEvaluation.evaluate(Envs.make(ENV), PolicyReader.load(model()), seed, episodes);
        try (MosquittoProcess broker = MosquittoProcess.start();
             MqttRobot robot = new MqttRobot(Envs.make(ENV), RobotOptions.of(broker.url(), "lander", 50)
                     .withLockstep(true).withEpisodes(episodes, seed))) {
            FutureTask<MqttRobot.Result> robotRun = new FutureTask<>(robot::run);
            Thread t = new Thread(robotRun, "bundle-test-robot");
            t.setDaemon(true);
            t.start();
            // The robot's episode count is authoritative: the controller's --episodes counts episode ends it
            // sees, and its latest-value state slot can merge a terminal state with the next reset. So the
            // controller runs until the robot is done and is then stopped as a service would be (SIGTERM).
            Process controller = start(bundle, bundle.resolve("bin/actuate-controller").toString(), "run",
                    "--model", "policy/ppo-LunarLanderContinuous-v3.actuate", "--robot", "robot/lander.yaml",
                    "--broker", broker.url(), "--trigger", "state", "--json");
            MqttRobot.Result r;
            try {
                r = robotRun.get(120, TimeUnit.SECONDS);
            } finally {
                // SIGTERM through the handle (Process.destroy would also close our end of its output).
                controller.toHandle().destroy();
            }
            String out = output(controller, bundle, 30);
            double[] robotReturns = r.episodeReturns().stream().mapToDouble(Double::doubleValue).toArray();
            assertThat(robotReturns).as(out).containsExactly(inProcess, within(1e-6));
            assertThat(r.stepsWithoutFreshCommand()).isZero();
            assertThat(r.commandsRejected()).isZero();

            String[] lines = out.strip().split("\n");
            JsonNode json;
            try {
                json = new ObjectMapper().readTree(lines[lines.length - 1]);
            } catch (IOException e) {
                throw new AssertionError("last line is not JSON:\n" + out, e);
            }
            assertThat(json.get("stopped").asText()).as(out).isEqualTo("REQUESTED");
            assertThat(json.get("cycles").asLong()).as(out).isGreaterThanOrEqualTo(r.steps());
            assertThat(json.get("safety_events").get("NAN_STATE").asLong()).isZero();
            assertThat(json.get("safety_events").get("NAN_ACTION").asLong()).isZero();
        }
    }

    /** The keys of one section of a systemd unit file (comments and blank lines skipped; a repeated key fails). */
    private static Map<String, String> unitSection(Path unit, String section) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        String current = null;
        for (String line : Files.readAllLines(unit)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (l.startsWith("[")) {
                current = l.substring(1, l.length() - 1);
            } else if (section.equals(current)) {
                int eq = l.indexOf('=');
                assertThat(eq).as(l).isPositive();
                assertThat(keys.put(l.substring(0, eq), l.substring(eq + 1))).as("repeated " + l).isNull();
            }
        }
        return keys;
    }

    private static Path model() {
        return ROOT.resolve("models/ppo-LunarLanderContinuous-v3.actuate");
    }

    private static Path robotYaml() {
        return ROOT.resolve("configs/robots/lander.yaml");
    }

    /** Runs a process in {@code cwd} with this JVM as JAVA_HOME; returns its output, failing on a non-zero exit. */
    private static String run(Path cwd, int timeoutSeconds, String... command) throws IOException, InterruptedException {
        Process p = start(cwd, command);
        String out = output(p, cwd, timeoutSeconds);
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    /** Starts a process in {@code cwd}, output and errors into {@code cwd/../NAME.out} (a file: no pipe to fill). */
    private static Process start(Path cwd, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(outputFile(cwd).toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start();
    }

    private static Path outputFile(Path cwd) {
        return cwd.toAbsolutePath().getParent().resolve(cwd.getFileName() + ".out");
    }

    /** Waits for {@code p} to end and returns its output; fails (with the output so far) after the timeout. */
    private static String output(Process p, Path cwd, int timeoutSeconds) throws InterruptedException, IOException {
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(outputFile(cwd), StandardCharsets.UTF_8);
        if (!done) {
            throw new AssertionError(p.info().commandLine().orElse("process") + " did not finish in "
                    + timeoutSeconds + " s:\n" + out);
        }
        return out;
    }
}
