package dev.actuate.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Takes the JIT compiler threads out of real-time scheduling. Started under {@code chrt -f} (or a systemd unit's
 * {@code CPUSchedulingPolicy=fifo}), every thread of the JVM is {@code SCHED_FIFO} at one priority, and a FIFO
 * thread is never preempted by a peer of its own priority: a compilation of 20-60 ms keeps its CPU while the
 * loop's, the robot's and the broker's threads queue for the other one. Measured on the 2-core VM (HotSpot 17):
 * fresh connections at the start of a control run deoptimise code warmed on earlier ones, the recompilations
 * come in a burst, and round trips of 1.4-4.7 ms sat on it; with the compiler threads under {@code SCHED_OTHER}
 * they were gone, since any real-time thread preempts them (docs/runtime.md). Java has no call for a thread's
 * scheduling policy, so this asks {@code chrt} (util-linux) for each thread found in {@code /proc/self/task}.
 */
final class JitThreads {
    private static final Logger LOG = LoggerFactory.getLogger(JitThreads.class);
    static final int SCHED_OTHER = 0;
    static final int SCHED_FIFO = 1;
    static final int SCHED_RR = 2;
    /** HotSpot 17's compiler and code-sweeper threads, as Linux truncates their names (15 characters). */
    private static final List<String> NAMES = List.of("C1 CompilerThre", "C2 CompilerThre", "Sweeper thread");
    private static final Path TASKS = Path.of("/proc/self/task");
    private static volatile boolean warned;

    private JitThreads() {
    }

    /**
     * Puts every real-time compiler thread of this JVM under {@code SCHED_OTHER}; returns how many it moved. Does
     * nothing off Linux or when they are not real-time (the usual case: a few reads of {@code /proc}), or with
     * {@code -Dactuate.keepJitRealTime=true} (to measure the difference).
     */
    static int demote() {
        if (Boolean.getBoolean("actuate.keepJitRealTime") || !Files.isDirectory(TASKS)) {
            return 0;
        }
        int moved = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String comm;
                int policy;
                try {
                    comm = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
                    if (!NAMES.contains(comm)) {
                        continue;
                    }
                    policy = policyOf(Files.readString(task.resolve("stat"), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                if ((policy == SCHED_FIFO || policy == SCHED_RR) && toOther(task.getFileName().toString(), comm)) {
                    moved++;
                }
            }
        } catch (IOException e) {
            return moved;
        }
        if (moved > 0) {
            LOG.info("real-time JVM: {} JIT compiler thread(s) moved to SCHED_OTHER, so no compilation holds a CPU "
                    + "against the control loop", moved);
        }
        return moved;
    }

    /** The scheduling policy in a {@code /proc/.../stat} line: field 41, counted after the parenthesised name. */
    static int policyOf(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc stat line: " + stat);
        }
        // Fields from 3 (state) on follow the name; the policy is field 41.
        String[] f = stat.substring(close + 1).strip().split(" +");
        if (f.length < 39) {
            throw new IllegalArgumentException("stat line has " + (f.length + 2) + " fields, the policy is field 41");
        }
        return Integer.parseInt(f[38]);
    }

    private static boolean toOther(String tid, String comm) {
        try {
            Process p = new ProcessBuilder("chrt", "--other", "--pid", "0", tid).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                warnOnce("chrt could not move " + comm + " (thread " + tid + "): " + out);
                return false;
            }
            return true;
        } catch (IOException e) {
            warnOnce("chrt (util-linux) not found: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void warnOnce(String why) {
        if (!warned) {
            warned = true;
            LOG.warn("real-time JVM, but its JIT compiler threads stay real-time ({}); a compilation can then hold a "
                    + "CPU against the control loop for tens of milliseconds", why);
        }
    }
}
