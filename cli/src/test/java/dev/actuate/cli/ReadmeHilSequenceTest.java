package dev.actuate.cli;

import dev.actuate.hw.mqtt.EmbeddedBroker;
import dev.actuate.hw.robot.MqttRobot;
import dev.actuate.hw.robot.RobotOptions;
import dev.actuate.sim.Envs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's deployment sequence, in one JVM: the embedded broker ({@code actuate broker}), the
 * lander robot in real time at 50 Hz ({@code actuate robot --env LunarLanderContinuous-v3 --id lander})
 * and {@code actuate run --model models/ppo-LunarLanderContinuous-v3.actuate --robot
 * configs/robots/lander.yaml --episodes 2 --duration 0} with the default periodic trigger. The
 * robot publishes an episode's terminal state and the next episode's first state about 1 ms apart;
 * before boundaries were queued, the controller's latest-value slot kept only the second and this
 * run never ended. The returns the controller reports must be the robot's own.
 */
class ReadmeHilSequenceTest {
    @Test
    void runWithTheDefaultPeriodicTriggerCountsBothEpisodesWithTheRobotsReturns() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path model = root.resolve("models/ppo-LunarLanderContinuous-v3.actuate");
        Path robotYaml = root.resolve("configs/robots/lander.yaml");
        if (!Files.exists(model) || !Files.exists(robotYaml)) {
            fail("the shipped model and robot config are missing under " + root);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0);
             MqttRobot robot = new MqttRobot(Envs.make("LunarLanderContinuous-v3"),
                     RobotOptions.of(broker.url(), "lander", RobotOptions.defaultRateHz("LunarLanderContinuous-v3")))) {
            Future<MqttRobot.Result> robotRun = pool.submit(robot::run);
            int[] rc = new int[1];
            Future<String> run = pool.submit(() -> RunCommandTest.capture(() -> rc[0] = Actuate.run("run", "--model", model.toString(),
                    "--robot", robotYaml.toString(), "--broker", broker.url(), "--episodes", "2", "--duration", "0")));
            String out;
            try {
                out = run.get(300, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail("actuate run did not finish 2 episodes within 300 s (episode boundaries lost?)");
                return;
            }
            robot.stop();
            MqttRobot.Result r = robotRun.get(60, TimeUnit.SECONDS);
            assertThat(rc[0]).as(out).isZero();
            assertThat(out).contains("periodic trigger").contains("stopped: MAX_EPISODES");
            Matcher m = Pattern.compile("episodes 2, mean return (-?[0-9.]+), returns \\[(-?[0-9.]+), (-?[0-9.]+)]").matcher(out);
            assertThat(m.find()).as(out).isTrue();
            assertThat(r.episodeReturns()).as(out).hasSizeGreaterThanOrEqualTo(2);
            // Rewards travel as float32 and the report rounds to 0.01.
            assertThat(Double.parseDouble(m.group(2))).isCloseTo(r.episodeReturns().get(0), within(0.02));
            assertThat(Double.parseDouble(m.group(3))).isCloseTo(r.episodeReturns().get(1), within(0.02));
        } finally {
            pool.shutdownNow();
        }
    }
}
