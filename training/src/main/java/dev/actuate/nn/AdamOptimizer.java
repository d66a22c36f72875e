package dev.actuate.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Adam over one or more {@link Parameterized} modules through ND4J's {@link AdamUpdater}, with global-norm
 * gradient clipping over all of them (as SB3's {@code clip_grad_norm_} over all parameters).
 *
 * <p>Typical step: {@code backward(...)}, {@link #clipGradNorm(double)}, {@link #step()}.
 *
 * <p><b>ND4J's Adam</b> (t = iteration + 1): {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
 * {@code update = lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)}. This differs from PyTorch only in where
 * {@code eps} enters (PyTorch adds it to the bias-corrected {@code sqrt(v_hat)}); it matters only while
 * {@code v} is tiny.
 *
 * <p><b>Pitfall.</b> ND4J writes the update into the gradient array, so after {@link #step()} each module's
 * {@link Parameterized#gradients()} holds the applied update, not the gradient.
 *
 * <p><b>Checkpointing.</b> {@link #state()} (first moments then second moments, per module, in order) and
 * {@link #iteration()} are the whole optimiser state; restore with {@code state().assign(saved)} and
 * {@link #setIteration(int)}.
 */
public final class AdamOptimizer {
    private final Parameterized[] modules;
    private final AdamUpdater[] updaters;
    private final Adam config;
    private final INDArray state;
    /** Per module, the Java float step when the CPU fast path applies (else null entries); see FloatAdam. */
    private final FloatAdam[] fast;
    /** Heap scratch for FloatAdam per lane: gradient, m, v, params, each as long as the largest fast module. */
    private final float[][][] scratch;
    private int iteration;

    /** Adam with PyTorch's defaults {@code b1 = 0.9, b2 = 0.999, eps = 1e-8}. */
    public AdamOptimizer(double learningRate, Parameterized... modules) {
        this(learningRate, 0.9, 0.999, 1e-8, modules);
    }

    public AdamOptimizer(double learningRate, double beta1, double beta2, double epsilon, Parameterized... modules) {
        if (modules.length == 0) {
            throw new IllegalArgumentException("AdamOptimizer needs at least one module");
        }
        checkLr(learningRate);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("Adam epsilon must be > 0, got " + epsilon);
        }
        this.modules = modules.clone();
        this.config = new Adam(learningRate, beta1, beta2, epsilon);
        DataType dt = modules[0].params().dataType();
        long total = 0;
        for (Parameterized m : modules) {
            if (m.params().dataType() != dt) {
                throw new IllegalArgumentException("AdamOptimizer modules must share one data type");
            }
            total += m.numParams();
        }
        state = Nd4j.zeros(dt, 1, 2 * total);
        updaters = new AdamUpdater[modules.length];
        long off = 0;
        for (int i = 0; i < modules.length; i++) {
            long p = modules[i].numParams();
            INDArray view = state.get(NDArrayIndex.point(0), NDArrayIndex.interval(off, off + 2 * p)).reshape(1, 2 * p);
            updaters[i] = new AdamUpdater(config);
            updaters[i].setStateViewArray(view, new long[] {1, p}, 'c', true);
            off += 2 * p;
        }
        fast = new FloatAdam[modules.length];
        int largest = 0;
        off = 0;
        for (int i = 0; i < modules.length; i++) {
            long p = modules[i].numParams();
            // The same halves ND4J's updater views: m then v.
            INDArray m = state.get(NDArrayIndex.point(0), NDArrayIndex.interval(off, off + p)).reshape(1, p);
            INDArray v = state.get(NDArrayIndex.point(0), NDArrayIndex.interval(off + p, off + 2 * p)).reshape(1, p);
            off += 2 * p;
            java.nio.FloatBuffer pb = CpuKernels.buffer(modules[i].params());
            java.nio.FloatBuffer gb = CpuKernels.buffer(modules[i].gradients());
            java.nio.FloatBuffer mb = CpuKernels.buffer(m);
            java.nio.FloatBuffer vb = CpuKernels.buffer(v);
            if (pb != null && gb != null && mb != null && vb != null && p <= Integer.MAX_VALUE) {
                fast[i] = new FloatAdam(pb, gb, mb, vb, (int) p);
                largest = Math.max(largest, (int) p);
            }
        }
        scratch = new float[][][] {new float[4][largest], new float[4][(largest + 1) / 2]};
    }

    /**
     * Scales all gradients so that their global L2 norm is at most {@code maxNorm} (SB3's rule: multiply by
     * {@code maxNorm / (norm + 1e-6)} when that is below 1). Returns the norm before clipping.
     */
    public double clipGradNorm(double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max gradient norm must be > 0, got " + maxNorm);
        }
        return clipGlobalNorm(maxNorm, modules);
    }

    /** {@link #clipGradNorm} over any modules (shared with {@link RmsPropOptimizer}). */
    static double clipGlobalNorm(double maxNorm, Parameterized... modules) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max gradient norm must be > 0, got " + maxNorm);
        }
        double sq = 0;
        for (Parameterized m : modules) {
            double n = m.gradients().norm2Number().doubleValue();
            sq += n * n;
        }
        double norm = Math.sqrt(sq);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1.0) {
            for (Parameterized m : modules) {
                m.gradients().muli(coef);
            }
        }
        return norm;
    }

    /** One Adam step on every module; afterwards the gradient arrays hold the applied updates. */
    public void step() {
        for (int i = 0; i < modules.length; i++) {
            INDArray g = modules[i].gradients();
            if (fast[i] != null) {
                fast[i].step(iteration, 0, fast[i].n, scratch[0]);
            } else {
                updaters[i].applyUpdater(g, iteration, 0);
                modules[i].params().subi(g);
            }
        }
        iteration++;
    }

    /**
     * The same step with each module's elements split between the lanes' threads. Adam is elementwise, so
     * the result is bit-identical to {@link #step()}.
     */
    public void step(Lanes lanes) {
        lanes.run(2, lane -> stepPart(lane, 2));
        endStep();
    }

    /**
     * Part {@code part} of {@code parts} (1 or 2) of one step: elements {@code [n part / parts, n (part + 1) /
     * parts)} of each Java-loop module, and the ND4J-updater modules in part 0. The parts may run on different
     * threads at once; {@link #endStep()} follows once all have run. For a {@link TwinCritic} of two equal
     * networks, part c of 2 is exactly critic c's parameters, so a thread that just did critic c's backward
     * pass can take its Adam step too.
     */
    public void stepPart(int part, int parts) {
        if (parts < 1 || parts > 2 || part < 0 || part >= parts) {
            throw new IllegalArgumentException("Adam step part " + part + " of " + parts);
        }
        for (int i = 0; i < modules.length; i++) {
            if (fast[i] != null) {
                int n = fast[i].n;
                int from = (int) ((long) n * part / parts);
                int to = (int) ((long) n * (part + 1) / parts);
                fast[i].step(iteration, from, to, scratch[part]);
            } else if (part == 0) {
                INDArray g = modules[i].gradients();
                updaters[i].applyUpdater(g, iteration, 0);
                modules[i].params().subi(g);
            }
        }
    }

    /**
     * Whether every module takes the Java elementwise step, so that part {@code p} of {@link #stepPart} touches
     * only elements {@code [n p / parts, n (p + 1) / parts)} of each module (else part 0 also runs ND4J's
     * updater over whole modules).
     */
    public boolean splitsByElements() {
        for (FloatAdam f : fast) {
            if (f == null) {
                return false;
            }
        }
        return true;
    }

    /** Ends a step taken by {@link #stepPart} (the bias correction counts steps). */
    public void endStep() {
        iteration++;
    }

    /**
     * The same step as ND4J's {@code adam_updater} kernel, in float, as a Java loop over bulk copies of the
     * module's native buffers (CPU backend, float32, dense arrays only). Profiling SAC at 256x256 showed the
     * ND4J op at ~6 ns per parameter (~0.8 ms for the twin critics' 135k parameters); this loop is several
     * times faster. {@code CpuKernelsTest} checks it against {@link AdamUpdater}.
     */
    private final class FloatAdam {
        private final java.nio.FloatBuffer p;
        private final java.nio.FloatBuffer g;
        private final java.nio.FloatBuffer m;
        private final java.nio.FloatBuffer v;
        private final int n;

        FloatAdam(java.nio.FloatBuffer p, java.nio.FloatBuffer g, java.nio.FloatBuffer m, java.nio.FloatBuffer v,
                  int n) {
            this.p = p;
            this.g = g;
            this.m = m;
            this.v = v;
            this.n = n;
        }

        /** Steps elements {@code [from, to)}, with {@code s} as the gradient, m, v and param scratch. */
        void step(int iter, int from, int to, float[][] s) {
            float[] gs = s[0];
            float[] ms = s[1];
            float[] vs = s[2];
            float[] ps = s[3];
            float b1 = (float) config.getBeta1();
            float b2 = (float) config.getBeta2();
            float eps = (float) config.getEpsilon();
            float lr = (float) config.getLearningRate();
            float b1t = (float) Math.pow(b1, iter + 1);
            float b2t = (float) Math.pow(b2, iter + 1);
            float stepSize = (float) (lr * Math.sqrt(1.0 - b2t) / (1.0 - b1t));
            if (Float.isNaN(stepSize) || Float.isInfinite(stepSize) || stepSize == 0f) {
                // ND4J's kernel does this (so a zero learning rate still moves by ~eps-sized steps); kept so
                // both paths give the same results.
                stepSize = eps;
            }
            float c1 = 1f - b1;
            float c2 = 1f - b2;
            int n = to - from;
            g.get(from, gs, 0, n);
            m.get(from, ms, 0, n);
            v.get(from, vs, 0, n);
            p.get(from, ps, 0, n);
            for (int k = 0; k < n; k++) {
                float gk = gs[k];
                float mk = b1 * ms[k] + gk * c1;
                float vk = b2 * vs[k] + gk * gk * c2;
                float up = (mk * stepSize) / ((float) Math.sqrt(vk) + eps);
                ms[k] = mk;
                vs[k] = vk;
                gs[k] = up;
                ps[k] -= up;
            }
            g.put(from, gs, 0, n);
            m.put(from, ms, 0, n);
            v.put(from, vs, 0, n);
            p.put(from, ps, 0, n);
        }
    }

    /** Whether module {@code i} steps through the Java float loop rather than ND4J's updater (tests). */
    boolean usesFloatLoop(int i) {
        return fast[i] != null;
    }

    public double learningRate() {
        return config.getLearningRate();
    }

    /** Sets the learning rate for later steps (linear annealing calls this before each update). */
    public void setLearningRate(double lr) {
        checkLr(lr);
        config.setLearningRate(lr);
    }

    /** Steps taken so far (ND4J's bias correction uses {@code iteration + 1}). */
    public int iteration() {
        return iteration;
    }

    public void setIteration(int iteration) {
        if (iteration < 0) {
            throw new IllegalArgumentException("Adam iteration must be >= 0, got " + iteration);
        }
        this.iteration = iteration;
    }

    /** The moment estimates: a live {@code [1, 2 * totalParams]} array (per module: m then v). */
    public INDArray state() {
        return state;
    }

    private static void checkLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
    }
}
