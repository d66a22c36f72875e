package dev.actuate.cli;

import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.RobotConfigLoader;
import dev.actuate.hw.mqtt.ControllerStatus;
import dev.actuate.hw.testing.MosquittoProcess;
import org.junit.jupiter.api.Tag;
import dev.actuate.hw.mqtt.NativeMqttAdapter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code actuate run} refuses a robot another controller drives, and replaces it with {@code --takeover}. */
class RunOwnershipTest {
    // Over Mosquitto, the reference broker: Moquette 0.17 can lose a session loop under load (docs/broker.md),
    // and the restart that mends it refuses connects for a moment, which this test would read as a failure.
    @Test
    @Tag("mosquitto")
    void secondControllerIsRefusedUnlessItTakesOver() throws Exception {
        Path yaml = Path.of("..", "configs", "robots", "lander.yaml");
        org.junit.jupiter.api.Assumptions.assumeTrue(MosquittoProcess.availableOrFail(), "mosquitto is not installed");
        try (MosquittoProcess broker = MosquittoProcess.start()) {
            RobotConfig cfg = RobotConfigLoader.load(yaml).withBroker(broker.url());
            try (NativeMqttAdapter first = new NativeMqttAdapter(cfg)) {
                first.configure();
                first.activate();
                String hex = ControllerStatus.hex(first.session());
                int[] code = new int[1];
                String[] io = CliCapture.run(code, "run", "--controller", "zero", "--robot", yaml.toString(), "--broker", broker.url(),
                        "--duration", "0.3");
                assertThat(code[0]).as(io[0] + io[1]).isEqualTo(2);
                assertThat(io[1]).contains("actuate run: robot lander is already driven by controller session " + hex)
                        .contains("--takeover");
                assertThat(first.lifecycleState()).isEqualTo(LifecycleState.ACTIVE);

                io = CliCapture.run(code, "run", "--controller", "zero", "--robot", yaml.toString(), "--broker", broker.url(),
                        "--duration", "0.3", "--takeover");
                assertThat(code[0]).as(io[0] + io[1]).isZero();
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (first.lifecycleState() != LifecycleState.ERROR && System.nanoTime() < deadline) {
                    Thread.sleep(10); // the takeover reaches the first controller asynchronously
                }
                assertThat(first.lifecycleState()).isEqualTo(LifecycleState.ERROR);
                assertThat(first.takenOverBy()).isNotZero().isNotEqualTo(first.session());
            }
        }
    }
}
