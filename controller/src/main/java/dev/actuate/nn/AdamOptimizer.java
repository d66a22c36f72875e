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
    }

    /**
     * Scales all gradients so that their global L2 norm is at most {@code maxNorm} (SB3's rule: multiply by
     * {@code maxNorm / (norm + 1e-6)} when that is below 1). Returns the norm before clipping.
     */
    public double clipGradNorm(double maxNorm) {
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
            updaters[i].applyUpdater(g, iteration, 0);
            modules[i].params().subi(g);
        }
        iteration++;
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
