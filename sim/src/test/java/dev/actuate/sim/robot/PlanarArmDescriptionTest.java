package dev.actuate.sim.robot;

import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Rng;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.arm.PlanarArm;
import dev.actuate.sim.arm.PlanarArmHeuristic;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in PlanarArm-v0 expressed as a robot description ({@code configs/robots/planar-arm.yaml})
 * behaves as the Java env, step by step and bit for bit: observations, rewards, success flags and
 * episode ends, over random episodes (which drive the joints into their limits) and IK + PD
 * heuristic episodes (which reach and hold targets). The world is built in the same order with the
 * same float values, and the fingertip is forward kinematics of the measured joint angles in both.
 */
class PlanarArmDescriptionTest {
    static final String FILE = Path.of("..", "configs", "robots", "planar-arm.yaml").toString();

    @Test
    void describedArmMatchesTheJavaEnvStepByStep() {
        try (Env described = Envs.make(FILE); Env java = Envs.make(PlanarArm.ID)) {
            assertThat(described.observationSpace().dim()).isEqualTo(java.observationSpace().dim());
            assertThat(described.actionSpace()).isEqualTo(java.actionSpace());
            assertThat(Envs.spec(FILE).maxEpisodeSteps()).isEqualTo(PlanarArm.MAX_EPISODE_STEPS);
            assertThat(Envs.spec(FILE).rewardThreshold()).isEqualTo(PlanarArm.REWARD_THRESHOLD);
            int limitHits = 0;
            int successes = 0;
            for (long seed = 0; seed < 6; seed++) {
                Rng actions = new Rng(100 + seed);
                double[] a = described.reset(seed).observation();
                double[] b = java.reset(seed).observation();
                assertSame(a, b, "seed " + seed + " reset");
                // Half the episodes random (limits get hit hard), half the IK + PD heuristic (success).
                PlanarArmHeuristic heuristic = new PlanarArmHeuristic();
                boolean random = seed % 2 == 0;
                for (int t = 0; ; t++) {
                    double[] act = random ? described.actionSpace().sample(actions) : heuristic.act(b);
                    StepResult ra = described.step(act);
                    StepResult rb = java.step(act);
                    assertSame(ra.observation(), rb.observation(), "seed " + seed + " step " + t);
                    assertThat(ra.reward()).as("seed %d step %d reward", seed, t).isEqualTo(rb.reward());
                    assertThat(ra.terminated()).isEqualTo(rb.terminated());
                    assertThat(ra.truncated()).isEqualTo(rb.truncated());
                    assertThat(ra.info().success()).isEqualTo(rb.info().success());
                    successes += ra.info().success() ? 1 : 0;
                    for (int j = 0; j < 2; j++) {
                        double q = Math.abs(rb.observation()[j]);
                        limitHits += q > PlanarArm.JOINTS.get(j).positionMax() - 0.02 ? 1 : 0;
                    }
                    b = rb.observation();
                    if (ra.done()) {
                        assertThat(rb.done()).isTrue();
                        break;
                    }
                }
            }
            // The comparison covered the speculative limit and on-target holding, not only free motion.
            assertThat(limitHits).isPositive();
            assertThat(successes).isPositive();
        }
    }

    private static void assertSame(double[] described, double[] java, String where) {
        assertThat(described).as(where).containsExactly(java);
    }
}
