package dev.actuate.sim;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A fixed set of threads that run one index range each, for {@link VectorEnv}: the caller runs
 * block 0 and worker c runs block c. A vector step of cheap envs takes microseconds, so an
 * executor's park/unpark per step would cost as much as the work; workers and the caller spin
 * briefly before parking, which keeps hand-offs fast while stepping and idle threads asleep between
 * bursts (a trainer's gradient step).
 */
final class BlockWorkers implements AutoCloseable {
    /** A waiting thread busy-spins this long, then parks. */
    private static final long SPIN_NANOS = Long.getLong("actuate.vector.spinNanos", 2_000);

    private final int n;
    private final int threads;
    private final Supplier<String> name;
    private final Thread[] workers;
    private final Throwable[] failures;
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile long generation;
    private volatile IntConsumer task;
    private volatile Thread caller;
    private volatile boolean closed;

    BlockWorkers(int n, int threads, Supplier<String> name) {
        this.n = n;
        this.threads = threads;
        this.name = name;
        this.failures = new Throwable[threads];
        this.workers = new Thread[threads - 1];
        for (int c = 1; c < threads; c++) {
            int block = c;
            Thread t = new Thread(() -> loop(block), "vector-env-" + c);
            t.setDaemon(true);
            workers[c - 1] = t;
            t.start();
        }
    }

    /**
     * One wait iteration. The spin is short on purpose: measured on an oversubscribed 2-core host,
     * longer spins (and yielding) starved the very thread being waited on and were 5-50x slower
     * than parking, whose wake-up the scheduler favours.
     */
    private void pause(long since) {
        if (System.nanoTime() - since < SPIN_NANOS) {
            Thread.onSpinWait();
        } else {
            LockSupport.park(this);
        }
    }

    private void runBlock(int c, IntConsumer body) {
        for (int i = c * n / threads, to = (c + 1) * n / threads; i < to; i++) {
            body.accept(i);
        }
    }

    private void loop(int c) {
        long seen = 0;
        while (true) {
            long spinStart = System.nanoTime();
            while (generation == seen && !closed) {
                pause(spinStart);
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                runBlock(c, task);
            } catch (Throwable e) {
                failures[c] = e;
            }
            if (remaining.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    /** Runs {@code body} over all indices and returns when every block is done, rethrowing the first failure. */
    void run(IntConsumer body) {
        if (closed) {
            throw new IllegalStateException("VectorEnv(" + name.get() + ") is closed");
        }
        caller = Thread.currentThread();
        task = body;
        remaining.set(threads - 1);
        generation++; // publishes task and caller to the workers
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
        try {
            runBlock(0, body);
        } catch (Throwable e) {
            failures[0] = e;
        }
        // Wait for every block even after a failure, so no env is still stepping when we return.
        long spinStart = System.nanoTime();
        while (remaining.get() > 0) {
            pause(spinStart);
        }
        Throwable first = null;
        for (int c = 0; c < threads; c++) {
            if (first == null) {
                first = failures[c];
            }
            failures[c] = null;
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new IllegalStateException("VectorEnv(" + name.get() + "): env step failed", first);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
    }
}
