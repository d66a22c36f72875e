package dev.actuate.algo;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Where one on-policy update's time went, for {@code actuate bench train} (never for control flow): CPU time of
 * the training thread, which runs the whole update (one BLAS thread, in the caller), so a shared machine's load
 * moves it far less than wall time. PPO fills
 * {@code updateMs} and {@code epochs}; TRPO fills the rest: the policy step ({@code policyMs}: gradient, conjugate
 * gradient, line search) and the critic's passes ({@code criticMs}); fields an algorithm does not have are NaN
 * or 0.
 *
 * @param updateMs         the whole update after the rollout
 * @param epochs           PPO: passes over the rollout done (early stopping can cut them)
 * @param policyMs         TRPO: the policy step
 * @param criticMs         TRPO: the value network's passes
 * @param cgIterations     TRPO: conjugate-gradient iterations (one Fisher-vector product each)
 * @param fvpCalls         TRPO: Fisher-vector products (CG's and the step-size one)
 * @param fvpMs            TRPO: time in those products (the Fisher's one forward pass included)
 * @param lineSearchMs     TRPO: the line search's forward passes and KL
 * @param lineSearchTrials TRPO: steps the line search measured
 * @param policyBatch      TRPO: rows the policy step used (the rollout, or its sub-sample)
 */
public record UpdateCost(double updateMs, int epochs, double policyMs, double criticMs, int cgIterations,
                         int fvpCalls, double fvpMs, double lineSearchMs, int lineSearchTrials, int policyBatch) {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The calling thread's CPU time in nanoseconds (wall time where the JVM cannot measure it). */
    static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    static UpdateCost ppo(double updateMs, int epochs) {
        return new UpdateCost(updateMs, epochs, Double.NaN, Double.NaN, 0, 0, Double.NaN, Double.NaN, 0, 0);
    }
}
