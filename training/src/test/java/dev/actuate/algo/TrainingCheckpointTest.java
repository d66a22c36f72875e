package dev.actuate.algo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.sim.EnvSnapshot;
import dev.actuate.sim.VectorEnv;
import dev.actuate.train.Checkpoint;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingCheckpointTest {
    @Test
    void envStatesRoundTripThroughCheckpointBytesUnderTheirPrefixes() throws Exception {
        VectorEnv.EnvState a = new VectorEnv.EnvState(new EnvSnapshot(0x1234_5678_9abcL,
                List.of(new double[] {0.5, -1.0}, new double[] {1e-9, 0.25}, new double[] {-0.75, 1.0})),
                new double[] {0.1, -0.2, 0.3}, -17.125, 3);
        VectorEnv.EnvState b = new VectorEnv.EnvState(new EnvSnapshot(-42L, List.of()), new double[] {1, 2, 3}, 0.0, 0);
        Checkpoint cp = new Checkpoint();
        TrainingCheckpoint.putEnvState(cp, cp.header().putObject("first"), "env.0.", a, 2);
        TrainingCheckpoint.putEnvState(cp, cp.header().putObject("second"), "env.1.", b, 2);
        Checkpoint back = Checkpoint.fromBytes(cp.toBytes(), "mem");

        VectorEnv.EnvState a2 = TrainingCheckpoint.envState(back, back.field("first"), "env.0.", 3, 2);
        assertThat(a2.snapshot().rngStateAtReset()).isEqualTo(0x1234_5678_9abcL);
        assertThat(a2.snapshot().actions()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(a2.snapshot().actions().get(i)).containsExactly(a.snapshot().actions().get(i));
        }
        assertThat(a2.observation()).containsExactly(0.1, -0.2, 0.3);
        assertThat(a2.episodeReturn()).isEqualTo(-17.125);
        assertThat(a2.episodeLength()).isEqualTo(3);
        VectorEnv.EnvState b2 = TrainingCheckpoint.envState(back, back.field("second"), "env.1.", 3, 2);
        assertThat(b2.snapshot().rngStateAtReset()).isEqualTo(-42L);
        assertThat(b2.snapshot().actions()).isEmpty();
        assertThat(b2.observation()).containsExactly(1, 2, 3);

        // A header that claims more actions than the array holds is an error naming the array.
        ((ObjectNode) back.header().get("first")).put("actions", 4);
        assertThatThrownBy(() -> TrainingCheckpoint.envState(back, back.field("first"), "env.0.", 3, 2))
                .hasMessageContaining("env.0.actions");
    }
}
