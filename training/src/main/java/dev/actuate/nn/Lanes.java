package dev.actuate.nn;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs independent pieces of one training step on one or two threads: with two, {@code task(1)} runs on a
 * persistent worker thread while {@code task(0)} runs on the caller, which then waits for it (or runs it
 * itself when the worker has not started it: on a busy machine the worker may not be scheduled). Off-policy
 * learners use it for the twin critics (each lane owns one network's buffers, so the pieces share nothing
 * they write) and for element ranges of Adam's elementwise step.
 *
 * <p><b>Why two Java threads rather than BLAS threads.</b> OpenMP BLAS threads busy-wait between calls; on
 * a 2-core machine that is shared they made small-net steps 2-5x slower (docs/benchmarks.md). Here each
 * thread makes its own single-threaded cblas call (two lanes set OpenBLAS to one thread), and a lane
 * waiting for the other spins only briefly before parking.
 *
 * <p><b>Exactness.</b> A task's result must not depend on which thread runs it or on the other lane:
 * results are then bit-identical for one and two threads ({@code LanesTest} and the algorithms' tests
 * check this).
 *
 * <p>Not reentrant; one caller thread at a time. {@link #close} stops the worker.
 */
public final class Lanes implements AutoCloseable {
    /** Spin this long for the other lane before parking: a handoff is then a few microseconds. */
    private static final long SPIN_NANOS = 50_000;

    private final int threads;
    private final Thread worker;
    private volatile IntConsumer task;
    /** Bumped by the caller to hand the worker a task; the worker sets {@code done} to the same value. */
    private volatile long posted;
    private volatile long done;
    /** The last ticket whose task 1 someone (worker or caller) has taken. */
    private final AtomicLong claimed = new AtomicLong();
    private long stolen;
    private volatile Throwable failure;
    private volatile boolean closed;
    private volatile Thread caller;

    /** @param threads 1 (everything on the caller, in lane order) or 2 */
    public Lanes(int threads) {
        if (threads != 1 && threads != 2) {
            throw new IllegalArgumentException("learner threads must be 1 or 2, got " + threads);
        }
        this.threads = threads;
        if (threads == 2) {
            CpuKernels.singleThreadedBlas();
            worker = new Thread(this::work, "actuate-learner-lane");
            worker.setDaemon(true);
            worker.start();
        } else {
            worker = null;
        }
    }

    /** Two threads when the machine has at least two cores, unless {@code -Dactuate.learnerThreads} says. */
    public static int defaultThreads() {
        Integer p = Integer.getInteger("actuate.learnerThreads");
        if (p != null) {
            return p;
        }
        return Runtime.getRuntime().availableProcessors() >= 2 ? 2 : 1;
    }

    /**
     * The learner threads for a run that may keep {@code cores} cores busy: {@link #defaultThreads()} when null,
     * else 1 or 2 (lanes use at most two).
     */
    public static int forCores(Integer cores) {
        if (cores == null) {
            return defaultThreads();
        }
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be positive, got " + cores);
        }
        return Math.min(2, cores);
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task(0)}, ..., {@code task(n - 1)} for {@code n} of 1 or 2 and returns when all have finished.
     * With two threads and {@code n = 2}, {@code task(1)} is offered to the worker while {@code task(0)} runs
     * here; if the worker has not taken it by then (descheduled on a busy machine), this thread runs it too,
     * so a late worker never costs more than running both here. Otherwise all run here, in order.
     */
    public void run(int n, IntConsumer task) {
        if (n < 1 || n > 2) {
            throw new IllegalArgumentException("lanes run 1 or 2 tasks, got " + n);
        }
        if (worker == null || n == 1) {
            for (int i = 0; i < n; i++) {
                task.accept(i);
            }
            return;
        }
        if (closed) {
            throw new IllegalStateException("lanes closed");
        }
        caller = Thread.currentThread();
        this.task = task;
        long ticket = posted + 1;
        posted = ticket;
        LockSupport.unpark(worker);
        Throwable mine = null;
        try {
            task.accept(0);
        } catch (Throwable t) {
            mine = t;
        }
        if (claimed.compareAndSet(ticket - 1, ticket)) {
            // The worker has not started task 1: run it here rather than wait for the worker to be scheduled.
            stolen++;
            try {
                task.accept(1);
            } catch (Throwable t) {
                mine = mine != null ? mine : t;
            }
        } else {
            awaitDone(ticket);
        }
        this.task = null;
        Throwable theirs = failure;
        failure = null;
        if (mine != null) {
            rethrow(mine);
        }
        if (theirs != null) {
            rethrow(theirs);
        }
    }

    /** How many second tasks the calling thread ran itself because the worker had not taken them (tests). */
    long stolen() {
        return stolen;
    }

    private void awaitDone(long ticket) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (done != ticket) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 100_000);
            }
        }
    }

    private void work() {
        long seen = 0;
        while (!closed) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (posted == seen && !closed) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = posted;
            // Only the claimant of a ticket runs its task 1; a ticket the caller took is skipped.
            if (!claimed.compareAndSet(seen - 1, seen)) {
                continue;
            }
            IntConsumer t = task;
            try {
                t.accept(1);
            } catch (Throwable e) {
                failure = e;
            }
            done = seen;
            Thread c = caller;
            if (c != null) {
                LockSupport.unpark(c);
            }
        }
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    @Override
    public void close() {
        closed = true;
        if (worker != null) {
            LockSupport.unpark(worker);
        }
    }
}
