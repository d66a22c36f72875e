package dev.actuate.hw.sim;

import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.StateSample;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.StepResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimAdapterTest {
    @Test
    void lifecycleGatesCommands() {
        SimAdapter a = new SimAdapter(Envs.make("Pendulum-v1"), 7);
        assertThat(a.lifecycleState()).isEqualTo(LifecycleState.UNCONFIGURED);
        assertThatThrownBy(() -> a.activate()).isInstanceOf(IllegalStateException.class).hasMessageContaining("UNCONFIGURED");
        assertThatThrownBy(() -> a.write(new double[] {0}, 0, 0)).isInstanceOf(IllegalStateException.class);
        a.configure();
        assertThatThrownBy(() -> a.write(new double[] {0}, 0, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("INACTIVE");
        a.activate();
        assertThat(a.lifecycleState()).isEqualTo(LifecycleState.ACTIVE);
        assertThatThrownBy(() -> a.write(new double[] {0, 0}, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length 2");
        a.deactivate();
        assertThatThrownBy(() -> a.write(new double[] {0}, 0, 0)).isInstanceOf(IllegalStateException.class);
        a.fail();
        assertThat(a.lifecycleState()).isEqualTo(LifecycleState.ERROR);
        a.configure();
        assertThat(a.lifecycleState()).isEqualTo(LifecycleState.INACTIVE);
        a.close();
        assertThat(a.commandSignals()).hasSize(1);
        assertThat(a.commandSignals().get(0).max()).isEqualTo(2.0);
        assertThat(a.stateSignals()).hasSize(3);
    }

    @Test
    void stepsOnWriteExactlyLikeTheEnvAndAutoResetsWithSeedPlusEpisode() {
        long seed = 42;
        SimAdapter a = new SimAdapter(Envs.make("Pendulum-v1"), seed);
        Env ref = Envs.make("Pendulum-v1");
        a.configure();
        a.activate();
        StateSample s = new StateSample(3);
        assertThat(a.read(s)).isTrue();
        assertThat(s.episodeStart).isTrue();
        assertThat(s.values).containsExactly(ref.reset(seed).observation());
        assertThat(a.read(s)).as("no new state before a command").isFalse();

        double ret = 0;
        for (int t = 0; t < 200; t++) {
            double[] u = {Math.sin(t * 0.1)};
            a.write(u, s.sequence, s.sentMicros);
            StepResult r = ref.step(u);
            ret += r.reward();
            assertThat(a.read(s)).isTrue();
            assertThat(s.reward).isEqualTo(r.reward());
            assertThat(s.truncated).isEqualTo(r.truncated());
            if (t < 199) {
                assertThat(s.values).containsExactly(r.observation());
                assertThat(s.episodeStart).isFalse();
            }
        }
        assertThat(ret).isFinite();
        // Pendulum's time limit is 200: the last sample is the reset of episode 1.
        assertThat(s.truncated).isTrue();
        assertThat(s.episodeStart).isTrue();
        assertThat(a.episode()).isEqualTo(1);
        assertThat(s.values).containsExactly(ref.reset(seed + 1).observation());
        assertThat(s.sequence).isEqualTo(200);
    }

    @Test
    void commandAnsweringAnOldStateIsIgnored() {
        SimAdapter a = new SimAdapter(Envs.make("Pendulum-v1"), 1);
        a.configure();
        a.activate();
        StateSample s = new StateSample(3);
        a.read(s);
        long seq0 = s.sequence;
        a.write(new double[] {1}, seq0, s.sentMicros);
        a.write(new double[] {1}, seq0, s.sentMicros);
        assertThat(a.steps()).isEqualTo(1);
        assertThat(a.ignoredCommands()).isEqualTo(1);
    }
}
