package dev.actuate.sim.robot;

import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Rng;
import dev.actuate.sim.StepResult;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * Thread CPU time per step of envs by id or robot YAML path (random actions, resets included), in
 * interleaved rounds; the best of rounds 2..6 is reported. CPU time rather than wall time, so a
 * machine shared with other work still gives a usable comparison. Not a unit test: run from the
 * repository root with
 * <pre>
 * mvn -o -q -B -pl sim test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp sim/target/classes:sim/target/test-classes:$(cat sim/target/cp.txt) \
 *     dev.actuate.sim.robot.DescribedEnvSpeedCheck PlanarArm-v0 configs/robots/planar-arm.yaml
 * </pre>
 */
public final class DescribedEnvSpeedCheck {
    private DescribedEnvSpeedCheck() {
    }

    public static void main(String[] ids) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Env[] envs = new Env[ids.length];
        double[] best = new double[ids.length];
        for (int i = 0; i < ids.length; i++) {
            envs[i] = Envs.make(ids[i]);
            best[i] = Double.POSITIVE_INFINITY;
        }
        int steps = 20_000;
        for (int round = 0; round < 6; round++) {
            for (int i = 0; i < ids.length; i++) {
                Env env = envs[i];
                Rng rng = new Rng(round);
                env.reset(round);
                long t0 = cpu.getCurrentThreadCpuTime();
                for (int k = 0; k < steps; k++) {
                    StepResult r = env.step(env.actionSpace().sample(rng));
                    if (r.done()) {
                        env.reset();
                    }
                }
                double us = (cpu.getCurrentThreadCpuTime() - t0) / 1e3 / steps;
                if (round > 0) { // round 0 warms up the JIT
                    best[i] = Math.min(best[i], us);
                }
            }
        }
        for (int i = 0; i < ids.length; i++) {
            System.out.printf(Locale.ROOT, "%-40s %7.2f us CPU per step (%,.0f steps/s)%n", ids[i], best[i], 1e6 / best[i]);
        }
    }
}
