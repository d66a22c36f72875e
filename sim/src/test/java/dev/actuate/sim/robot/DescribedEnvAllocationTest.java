package dev.actuate.sim.robot;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Rng;
import dev.actuate.sim.arm.PlanarArm;
import dev.actuate.sim.box2d.Box2dSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a described robot's step and reset allocate, counted by the JVM for this thread
 * ({@code ThreadMXBean#getCurrentThreadAllocatedBytes}): a deterministic property of the code, not
 * a timing. Each measured run repeats a warm-up run exactly (same seed, same actions), so no
 * branch, class or constant is met for the first time inside the measurement. The interpreter
 * and C1 count exactly the bytes the code allocates; C2's deoptimisations add a few hundred bytes
 * now and then (seen: 0 to 1,032 over 10,000 steps), so each figure is the least of three runs,
 * per step, and an allocation in every step (16 bytes at the least) stands far above it.
 */
class DescribedEnvAllocationTest {
    private static final com.sun.management.ThreadMXBean THREAD =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int STEPS = 10_000;

    @BeforeAll
    static void allocationCountingIsOn() {
        assertThat(THREAD.isThreadAllocatedMemorySupported()).as("this JVM counts allocated bytes per thread").isTrue();
        assertThat(THREAD.isThreadAllocatedMemoryEnabled()).as("per-thread allocation counting enabled").isTrue();
    }

    private static DescribedEnv described(String file) {
        return new DescribedEnv(RobotDescriptionLoader.load(Path.of("..", "configs", "robots", file)));
    }

    private static double[][] actions(Env env, long seed) {
        Rng rng = new Rng(seed);
        double[][] a = new double[STEPS][];
        for (int i = 0; i < STEPS; i++) {
            a[i] = env.actionSpace().sample(rng);
        }
        return a;
    }

    /** One step of an env under test, returning what the step hands out (null for none). */
    private interface Stepper {
        Object step(double[] action);
    }

    /** Where results go, so that the JIT cannot drop their allocation (escape analysis). */
    private static final Object[] KEEP = new Object[64];

    /**
     * Bytes per step that {@code stepper} allocates over {@code actions} after {@code reset}: the
     * least of three runs after a warm-up run of the same episode, the reset not counted.
     */
    private static double bytesPerStep(Runnable reset, Stepper stepper, double[][] actions) {
        long least = Long.MAX_VALUE;
        for (int run = 0; run < 4; run++) {
            reset.run();
            long before = THREAD.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < actions.length; i++) {
                KEEP[i & 63] = stepper.step(actions[i]);
            }
            long bytes = THREAD.getCurrentThreadAllocatedBytes() - before;
            if (run > 0) {
                least = Math.min(least, bytes);
            }
        }
        return (double) least / STEPS;
    }

    @ParameterizedTest
    @ValueSource(strings = {"planar-arm.yaml", "cartpole.yaml", "arm3.yaml", "balancer.yaml"})
    void theStepItselfAllocatesNothing(String file) {
        // The physics, the observation, reward, termination and success terms: every term was bound
        // to arrays when the env was built, and scratch vectors are the env's own.
        DescribedEnv env = described(file);
        double[][] actions = actions(env, 11);
        double perStep = bytesPerStep(() -> env.reset(5), a -> {
            env.advance(a);
            return null;
        }, actions);
        assertThat(perStep).as("%s: bytes allocated per step", file).isLessThan(0.5);
    }

    @Test
    void theDescribedArmAllocatesPerStepExactlyWhatTheJavaArmDoes() {
        // Through the Env contract both allocate only what it hands out or keeps: the returned
        // observation and StepResult, and AbstractEnv's copy of the action (for snapshots).
        AbstractEnv describedArm = described("planar-arm.yaml");
        AbstractEnv javaArm = new PlanarArm();
        double[][] actions = actions(javaArm, 12);
        double described = bytesPerStep(() -> describedArm.reset(6), describedArm::step, actions);
        double java = bytesPerStep(() -> javaArm.reset(6), javaArm::step, actions);
        assertThat(java).as("the Java arm's bytes per step").isGreaterThan(16);
        assertThat(Math.round(described)).as("described arm's bytes per step (Java arm: %.2f)", java)
                .isEqualTo(Math.round(java));
    }

    @Test
    void aResetRebuildsTheBodiesWithoutBuildingANewWorld() {
        // A new JBox2D world preallocates its islands' contact constraints (hundreds of kilobytes);
        // a reset empties the env's world and builds only the bodies, joints and fixtures.
        Box2dSettings.Solvers solvers = new Box2dSettings.Solvers();
        Box2dSettings.newWorld(0, 0, solvers); // warm-up
        long before = THREAD.getCurrentThreadAllocatedBytes();
        Box2dSettings.newWorld(0, 0, solvers);
        long newWorld = THREAD.getCurrentThreadAllocatedBytes() - before;
        for (String file : new String[] {"planar-arm.yaml", "cartpole.yaml", "arm3.yaml"}) {
            DescribedEnv env = described(file);
            env.reset(1);
            env.reset(2); // warm-up: the world exists and has been emptied once
            before = THREAD.getCurrentThreadAllocatedBytes();
            env.reset(2);
            long reset = THREAD.getCurrentThreadAllocatedBytes() - before;
            assertThat(reset).as("%s: bytes per reset (a new world alone: %d)", file, newWorld).isLessThan(newWorld / 10);
        }
    }
}
