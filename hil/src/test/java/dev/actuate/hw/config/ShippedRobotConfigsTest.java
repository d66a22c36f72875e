package dev.actuate.hw.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped robot configs against the simulated envs they describe (here because hardware-adapters has no simulator). */
class ShippedRobotConfigsTest {
    private static final Path ROBOTS = Path.of("..", "configs", "robots");

    @Test
    void shippedConfigsMatchTheirEnvsDimensions() throws Exception {
        try (var files = java.nio.file.Files.list(ROBOTS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                if (java.nio.file.Files.readString(f).contains("\nbase:")) {
                    continue; // a simulation variant of another robot file (randomised dynamics), not a robot config
                }
                RobotConfig c = RobotConfigLoader.load(f);
                if (c.envId() == null) {
                    continue;
                }
                try (dev.actuate.sim.Env env = dev.actuate.sim.Envs.make(c.envId())) {
                    assertThat(c.stateSignals()).as(f + " state signals").hasSize(env.observationSpace().dim());
                    assertThat(c.commandSignals()).as(f + " command signals").hasSize(env.actionSpace().dim());
                    for (int i = 0; i < env.actionSpace().dim(); i++) {
                        assertThat(c.commandSignals().get(i).min()).isEqualTo(env.actionSpace().low(i));
                        assertThat(c.commandSignals().get(i).max()).isEqualTo(env.actionSpace().high(i));
                    }
                }
            }
        }
    }
}
