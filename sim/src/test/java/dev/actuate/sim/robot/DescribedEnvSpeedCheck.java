package dev.actuate.sim.robot;

import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Rng;
import dev.actuate.sim.StepResult;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * Thread CPU time per step of envs by id or robot YAML path (random actions, resets included, as
 * {@code actuate bench sim} steps them), in interleaved rounds of 20,000 steps after two warm-up
 * rounds. The env that goes first changes every round (the first of a round measured up to 2%
 * faster on the shared VM), and each env's time is also divided by the first env's in the same
 * round; the medians of both are reported. CPU time rather than wall time, so a machine shared with
 * other work still gives a usable comparison. Not a unit test: run from the repository root with
 * <pre>
 * mvn -o -q -B -pl sim test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx1g -XX:+UseParallelGC -cp sim/target/classes:sim/target/test-classes:$(cat sim/target/cp.txt) \
 *     dev.actuate.sim.robot.DescribedEnvSpeedCheck PlanarArm-v0 configs/robots/planar-arm.yaml
 * </pre>
 * {@code -Drounds=N} sets the number of measured rounds (default 15).
 */
public final class DescribedEnvSpeedCheck {
    private DescribedEnvSpeedCheck() {
    }

    public static void main(String[] ids) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        int n = ids.length;
        int rounds = Integer.getInteger("rounds", 15);
        int steps = 20_000;
        Env[] envs = new Env[n];
        Rng[] rngs = new Rng[n];
        for (int i = 0; i < n; i++) {
            envs[i] = Envs.make(ids[i]);
            rngs[i] = new Rng(i);
            envs[i].reset(i);
        }
        double[][] us = new double[n][rounds];
        for (int round = -2; round < rounds; round++) { // two warm-up rounds for the JIT
            for (int k = 0; k < n; k++) {
                int i = Math.floorMod(round + k, n);
                Env env = envs[i];
                long t0 = cpu.getCurrentThreadCpuTime();
                for (int s = 0; s < steps; s++) {
                    StepResult r = env.step(env.actionSpace().sample(rngs[i]));
                    if (r.done()) {
                        env.reset();
                    }
                }
                if (round >= 0) {
                    us[i][round] = (cpu.getCurrentThreadCpuTime() - t0) / 1e3 / steps;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = us[i][r] / us[0][r];
            }
            double median = median(us[i]);
            System.out.printf(Locale.ROOT, "%-40s %7.2f us CPU per step (median of %d; %,.0f steps/s), x%.3f of %s%n",
                    ids[i], median, rounds, 1e6 / median, median(ratio), ids[0]);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
