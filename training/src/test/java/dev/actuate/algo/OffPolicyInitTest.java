package dev.actuate.algo;

import dev.actuate.nn.Mlp;
import dev.actuate.nn.TwinCritic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SAC, TD3 and DDPG start from PyTorch's {@code nn.Linear} init, as SB3's off-policy policies do (they never
 * re-initialise their layers): every weight and bias uniform in {@code ±1/sqrt(fan_in)}. Xavier-uniform weights
 * with zero biases, which Actuate drew before, fail both checks.
 */
class OffPolicyInitTest {

    /** Every layer's weights and biases lie in ±1/sqrt(fan_in) and fill that range. */
    static void assertTorchDefault(Mlp net, String name) {
        for (int l = 0; l < net.numLayers(); l++) {
            float[] w = net.weight(l).dup().data().asFloat();
            float[] b = net.bias(l).dup().data().asFloat();
            int fanIn = w.length / b.length;
            double bound = 1.0 / Math.sqrt(fanIn);
            assertThat(maxAbs(w)).as("%s layer %d weights", name, l).isLessThanOrEqualTo(bound)
                    .isGreaterThan((w.length >= 32 ? 0.9 : 0.5) * bound);
            assertThat(maxAbs(b)).as("%s layer %d biases", name, l).isLessThanOrEqualTo(bound)
                    .isGreaterThan((b.length >= 16 ? 0.7 : 0.0) * bound);
            assertThat(b).as("%s layer %d biases are drawn, not zero", name, l).isNotEqualTo(new float[b.length]);
        }
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void td3ActorAndBothCriticsStartFromPyTorchsLinearInit() throws Exception {
        try (Td3 td3 = new Td3(Td3Test.tiny(100, 2, NoiseType.NORMAL), Td3Test.PENDULUM, 3)) {
            assertTorchDefault(td3.actor(), "actor");
            TwinCritic qf = (TwinCritic) td3.qf();
            assertTorchDefault(qf.q1(), "q1");
            assertTorchDefault(qf.q2(), "q2");
        }
    }

    @Test
    void ddpgCriticStartsFromPyTorchsLinearInit() throws Exception {
        DdpgConfig c = new DdpgConfig(250, 10_000, 64, 32, 1e-3, false, 0.98, 0.005, 1, TrainFreqUnit.STEP, 1,
                NoiseType.NORMAL, 0.1, List.of(16, 16), "relu", 1_000_000, 1_000, true);
        try (Td3 d = Td3.ddpg(c, Td3Test.PENDULUM, 4)) {
            assertTorchDefault(d.actor(), "actor");
            assertTorchDefault((Mlp) d.qf(), "q");
        }
    }

    @Test
    void sacActorHeadsAndCriticsStartFromPyTorchsLinearInit() throws Exception {
        try (Sac sac = new Sac(SacTest.tiny(100), SacTest.PENDULUM, 5)) {
            assertTorchDefault(sac.actor(), "actor (mean and log-std heads)");
            assertTorchDefault(sac.qf().q1(), "q1");
            assertTorchDefault(sac.qf().q2(), "q2");
        }
    }
}
