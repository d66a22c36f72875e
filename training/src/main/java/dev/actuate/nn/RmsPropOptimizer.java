package dev.actuate.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * RMSprop as PyTorch's {@code torch.optim.RMSprop} without momentum, centring or weight decay (SB3's A2C uses it
 * with {@code alpha = 0.99, eps = 1e-5}): {@code v = alpha v + (1 - alpha) g^2},
 * {@code theta -= lr * g / (sqrt(v) + eps)}, {@code v} starting at 0 and {@code eps} outside the root. Global
 * gradient-norm clipping as {@link AdamOptimizer#clipGradNorm}.
 *
 * <p>{@link #state()} (the square averages, per module in order) is the whole optimiser state.
 */
public final class RmsPropOptimizer {
    private final Parameterized[] modules;
    private final INDArray[] square;
    private final INDArray state;
    private final double alpha;
    private final double epsilon;
    private double learningRate;

    public RmsPropOptimizer(double learningRate, double alpha, double epsilon, Parameterized... modules) {
        if (modules.length == 0) {
            throw new IllegalArgumentException("RmsPropOptimizer needs at least one module");
        }
        if (!(alpha >= 0 && alpha < 1)) {
            throw new IllegalArgumentException("RMSprop alpha must be in [0, 1), got " + alpha);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("RMSprop epsilon must be > 0, got " + epsilon);
        }
        setLearningRate(learningRate);
        this.modules = modules.clone();
        this.alpha = alpha;
        this.epsilon = epsilon;
        DataType dt = modules[0].params().dataType();
        long total = 0;
        for (Parameterized m : modules) {
            total += m.numParams();
        }
        state = Nd4j.zeros(dt, 1, total);
        square = new INDArray[modules.length];
        long off = 0;
        for (int i = 0; i < modules.length; i++) {
            long p = modules[i].numParams();
            square[i] = state.get(NDArrayIndex.point(0), NDArrayIndex.interval(off, off + p)).reshape(1, p);
            off += p;
        }
    }

    /** Scales all gradients to a global L2 norm of at most {@code maxNorm}; returns the norm before. */
    public double clipGradNorm(double maxNorm) {
        return AdamOptimizer.clipGlobalNorm(maxNorm, modules);
    }

    /** One step on every module from its current gradients (left unchanged). */
    public void step() {
        for (int i = 0; i < modules.length; i++) {
            INDArray g = modules[i].gradients();
            square[i].muli(alpha).addi(g.mul(g).muli(1 - alpha));
            INDArray denom = Transforms.sqrt(square[i], true).addi(epsilon);
            modules[i].params().subi(g.div(denom).muli(learningRate));
        }
    }

    public double learningRate() {
        return learningRate;
    }

    /** Sets the learning rate for later steps (linear annealing calls this before each update). */
    public void setLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
        learningRate = lr;
    }

    /** The square averages: a live {@code [1, totalParams]} array. */
    public INDArray state() {
        return state;
    }
}
