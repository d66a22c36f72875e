package dev.actuate.sim.box2d;

import dev.actuate.sim.Rng;
import dev.actuate.sim.StepResult;

/**
 * Single-thread steps/s of the raw lander with uniform random actions, resets included (as the
 * Gymnasium figure in the spec). Not a unit test: run it on a quiet machine with
 * <pre>
 * mvn -o -q -B -pl sim test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp sim/target/classes:sim/target/test-classes:$(cat sim/target/cp.txt) \
 *     dev.actuate.sim.box2d.LunarLanderSpeedCheck [seconds]
 * </pre>
 */
public final class LunarLanderSpeedCheck {
    private LunarLanderSpeedCheck() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        LunarLander env = new LunarLander();
        Rng rng = new Rng(1);
        double[] action = new double[2];
        env.reset(0);
        // Three rounds; the first includes JIT warm-up.
        for (int round = 0; round < 3; round++) {
            long steps = 0;
            long episodes = 0;
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                for (int k = 0; k < 1000; k++) {
                    action[0] = rng.uniform(-1, 1);
                    action[1] = rng.uniform(-1, 1);
                    StepResult r = env.step(action);
                    steps++;
                    if (r.done()) {
                        env.reset();
                        episodes++;
                    }
                }
            }
            double dt = (System.nanoTime() - t0) / 1e9;
            System.out.printf("round %d: %.0f steps/s (%d steps, %d episodes)%n", round, steps / dt, steps, episodes);
        }
    }
}
