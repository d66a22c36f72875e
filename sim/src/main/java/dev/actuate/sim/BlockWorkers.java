package dev.actuate.sim;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A fixed set of threads that run an index range in parallel, for {@link VectorEnv}. The range is
 * split into one contiguous block per thread; the caller is thread 0 and daemon worker c prefers
 * block c. Results never depend on which thread runs an index, so any schedule is deterministic.
 *
 * <p><b>Work stealing.</b> Each thread takes indices from the front of its own block, then from the
 * back of the others' blocks. So a worker that wakes late (parked, or preempted on a loaded host)
 * never stalls the caller: the caller steps that block itself and waits only for the indices
 * already in flight. A vector step is thus never much slower than stepping inline.
 *
 * <p><b>Waiting.</b> A waiting thread spins (with {@link Thread#onSpinWait()}) for at most
 * {@link #SPIN_NANOS} and then parks. Unpark latency on a VM is tens of microseconds, as long as a
 * lander block, so workers stay hot between back-to-back steps; the bound keeps an idle worker from
 * burning a core on a loaded host (unbounded spinning was measured 5-50x slower there). A worker
 * whose recent gaps between steps exceeded the bound (a trainer that computes between steps) parks
 * at once instead of spinning in vain.
 *
 * <p><b>Inline fallback.</b> Handing work over costs about a microsecond even when hot, so envs
 * that step in nanoseconds (pendulum, mountain car) gain nothing from threads. The caller keeps a
 * running mean of the time per index and runs everything inline while
 * {@code meanNanosPerIndex * n} is below {@code minParallelNanos} (default {@link #MIN_PARALLEL_NANOS},
 * with hysteresis: back to threads above the threshold, inline below half of it).
 */
final class BlockWorkers implements AutoCloseable {
    /** Longest busy-wait before parking. */
    static final long SPIN_NANOS = Long.getLong("actuate.vector.spinNanos", 50_000);
    /** Busy-wait of a worker whose recent gaps between steps were longer than {@link #SPIN_NANOS}. */
    static final long SHORT_SPIN_NANOS = 2_000;
    /** Work per call (estimated) below which the indices run inline on the caller. */
    static final long MIN_PARALLEL_NANOS = Long.getLong("actuate.vector.minParallelNanos", 20_000);
    /** Counters of different blocks sit a cache line apart (in longs). */
    private static final int PAD = 16;
    private static final int INDEX_BITS = 16;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    /** Largest {@code n}: front and back of a block are 16-bit fields of its counter. */
    static final int MAX_INDICES = (int) INDEX_MASK;

    private final int n;
    private final int threads;
    private final long minParallelNanos;
    private final Supplier<String> name;
    private final int[] blockStart;
    /**
     * Per block: {@code generation << 32 | back << 16 | front}; indices {@code [front, back)} are
     * unclaimed. The generation tag makes a claim by a thread still working on an older call fail.
     */
    private final AtomicLongArray blocks;
    /** Indices finished in the current call. */
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicIntegerArray workerParked;
    private final Thread[] workers;
    private final Throwable[] failures;
    private volatile long generation;
    private volatile long publishedAt;
    private volatile IntConsumer task;
    private volatile Thread caller;
    private volatile boolean callerParked;
    private volatile boolean closed;
    /** Caller-only: running mean of nanoseconds per index, negative before the first measurement. */
    private double nanosPerIndex = -1;
    private boolean parallel = true;

    BlockWorkers(int n, int threads, Supplier<String> name) {
        this(n, threads, name, MIN_PARALLEL_NANOS);
    }

    /** {@code minParallelNanos} 0 always uses the threads (tests of the parallel path). */
    BlockWorkers(int n, int threads, Supplier<String> name, long minParallelNanos) {
        if (n > MAX_INDICES) {
            throw new IllegalArgumentException("VectorEnv(" + name.get() + "): at most " + MAX_INDICES
                    + " envs with several threads, got " + n);
        }
        this.n = n;
        this.threads = threads;
        this.name = name;
        this.minParallelNanos = minParallelNanos;
        this.blockStart = new int[threads + 1];
        for (int c = 0; c <= threads; c++) {
            blockStart[c] = (int) ((long) c * n / threads);
        }
        this.blocks = new AtomicLongArray(threads * PAD);
        this.workerParked = new AtomicIntegerArray(threads * PAD);
        this.failures = new Throwable[threads];
        this.workers = new Thread[threads - 1];
        for (int c = 1; c < threads; c++) {
            int self = c;
            Thread t = new Thread(() -> loop(self), "vector-env-" + c);
            t.setDaemon(true);
            workers[c - 1] = t;
            t.start();
        }
    }

    /** Whether the last {@link #run} used the worker threads (for tests). */
    boolean parallel() {
        return parallel;
    }

    /** Runs {@code body} over all indices and returns when every index is done, rethrowing the first failure. */
    void run(IntConsumer body) {
        if (closed) {
            throw new IllegalStateException("VectorEnv(" + name.get() + ") is closed");
        }
        if (nanosPerIndex >= 0) {
            double work = nanosPerIndex * n;
            parallel = parallel ? work >= minParallelNanos / 2.0 : work >= minParallelNanos;
        }
        if (!parallel) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            record(System.nanoTime() - t0, n);
            return;
        }
        long g = generation + 1;
        for (int c = 0; c < threads; c++) {
            blocks.set(c * PAD, pack(g, blockStart[c], blockStart[c + 1]));
        }
        done.set(0);
        caller = Thread.currentThread();
        task = body;
        long t0 = System.nanoTime();
        publishedAt = t0;
        generation = g; // publishes the counters, task and caller to the workers
        for (int c = 1; c < threads; c++) {
            if (workerParked.get(c * PAD) != 0) {
                LockSupport.unpark(workers[c - 1]);
            }
        }
        int mine = claim(0, g, body);
        long t1 = System.nanoTime();
        if (mine > 0) {
            record(t1 - t0, mine);
        }
        // Every index is claimed now; wait for those still running on workers.
        if (done.addAndGet(mine) < n) {
            while (done.get() < n && System.nanoTime() - t1 < SPIN_NANOS) {
                Thread.onSpinWait();
            }
            callerParked = true;
            while (done.get() < n) {
                LockSupport.park(this);
            }
            callerParked = false;
        }
        if (mine == 0) {
            // The workers took every index (they steal from the caller's block too), so the caller
            // timed nothing; estimate the per-index cost from the whole call, or the inline/parallel
            // choice would never get a measurement.
            record((System.nanoTime() - t0) * threads, n);
        }
        rethrowFailure();
    }

    private void record(long nanos, int count) {
        double x = (double) nanos / count;
        nanosPerIndex = nanosPerIndex < 0 ? x : nanosPerIndex + (x - nanosPerIndex) / 8;
    }

    private static long pack(long generation, int front, int back) {
        return (generation & 0xFFFF_FFFFL) << 32 | (long) back << INDEX_BITS | front;
    }

    /**
     * Runs unclaimed indices of call {@code g}: the front of block {@code self}, then the back of
     * the other blocks. Returns how many it ran; a failure is kept and the rest still run, so
     * every index is accounted for.
     */
    private int claim(int self, long g, IntConsumer body) {
        long tag = g & 0xFFFF_FFFFL;
        int count = 0;
        for (int k = 0; k < threads; k++) {
            int slot = ((self + k) % threads) * PAD;
            boolean own = k == 0;
            while (true) {
                long v = blocks.get(slot);
                if (v >>> 32 != tag) {
                    return count; // a newer call: this thread is late, and has run nothing of it
                }
                int front = (int) (v & INDEX_MASK);
                int back = (int) (v >>> INDEX_BITS & INDEX_MASK);
                if (front >= back) {
                    break;
                }
                int i = own ? front : back - 1;
                long next = own ? pack(g, front + 1, back) : pack(g, front, back - 1);
                if (!blocks.compareAndSet(slot, v, next)) {
                    continue;
                }
                try {
                    body.accept(i);
                } catch (Throwable e) {
                    if (failures[self] == null) {
                        failures[self] = e;
                    }
                }
                count++;
            }
        }
        return count;
    }

    private void loop(int self) {
        long seen = 0;
        long gapMean = 0;
        int parkedSlot = self * PAD;
        while (true) {
            long waitStart = System.nanoTime();
            long spin = gapMean <= SPIN_NANOS ? SPIN_NANOS : SHORT_SPIN_NANOS;
            long g;
            while ((g = generation) == seen && !closed) {
                if (System.nanoTime() - waitStart < spin) {
                    Thread.onSpinWait();
                } else {
                    workerParked.set(parkedSlot, 1);
                    if (generation == seen && !closed) { // re-check: the caller unparks only parked workers
                        LockSupport.park(this);
                    }
                    workerParked.set(parkedSlot, 0);
                }
            }
            if (closed) {
                return;
            }
            // The caller's own gap between calls, not our wake-up latency; capped so one long pause
            // (a trainer's update) is forgotten after a few quick steps.
            long gap = Math.min(Math.max(publishedAt - waitStart, 0), 4 * SPIN_NANOS);
            gapMean += (gap - gapMean) / 4;
            seen = g;
            int count = claim(self, g, task);
            if (count > 0 && done.addAndGet(count) == n && callerParked) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void rethrowFailure() {
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
