package dev.actuate.algo;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * Where an off-policy step's time goes, per phase, on the learner thread: its CPU time (steady on a shared
 * machine, where wall time is not) and wall time between consecutive {@link #mark}s. Only
 * {@link OffPolicyProfile} attaches one; the trainers skip the marks when none is attached.
 */
final class StepProfile {
    enum Phase {
        /** Action selection, env step, replay insert and the loop's bookkeeping. */
        ACT_ENV,
        /** Replay sampling (and gSDE's noise draw). */
        SAMPLE,
        /** Critic step: target actions, the critics' passes, their Adam step and the target critics' Polyak update. */
        CRITIC,
        /** Actor step's passes: the actor and, through the critics, dQ/da; without its Adam step. */
        ACTOR,
        /** The halves' gradient sum, the actor's Adam step and (TD3, DDPG) the target actor's Polyak update. */
        ACTOR_ADAM,
        /** SAC's temperature step. */
        TEMPERATURE
    }

    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final long[] cpu = new long[Phase.values().length];
    private final long[] wall = new long[Phase.values().length];
    private long lastCpu;
    private long lastWall;

    /** Zeroes the totals and starts timing from now. */
    void reset() {
        java.util.Arrays.fill(cpu, 0);
        java.util.Arrays.fill(wall, 0);
        lastCpu = mx.getCurrentThreadCpuTime();
        lastWall = System.nanoTime();
    }

    /** Charges the time since the previous mark to {@code phase}. */
    void mark(Phase phase) {
        long c = mx.getCurrentThreadCpuTime();
        long w = System.nanoTime();
        cpu[phase.ordinal()] += c - lastCpu;
        wall[phase.ordinal()] += w - lastWall;
        lastCpu = c;
        lastWall = w;
    }

    /** One line per phase: learner-thread CPU and wall ms per env step. */
    String report(long steps) {
        StringBuilder sb = new StringBuilder();
        double cpuSum = 0;
        double wallSum = 0;
        for (Phase p : Phase.values()) {
            double c = cpu[p.ordinal()] / 1e6 / steps;
            double w = wall[p.ordinal()] / 1e6 / steps;
            cpuSum += c;
            wallSum += w;
            sb.append(String.format(Locale.ROOT, "  %-12s cpu %7.3f ms  wall %7.3f ms%n", p, c, w));
        }
        sb.append(String.format(Locale.ROOT, "  %-12s cpu %7.3f ms  wall %7.3f ms%n", "total", cpuSum, wallSum));
        return sb.toString();
    }
}
