package dev.actuate.sim.wrappers;

import java.util.Arrays;

/**
 * Running per-dimension mean and (population) variance, merged batch by batch with the parallel
 * algorithm of Chan et al., as Gymnasium's {@code RunningMeanStd}.
 *
 * <p>One deliberate difference: the initial count is 0, not 1e-4, so after any sequence of updates
 * {@link #mean()} and {@link #var()} equal the exact sample moments of everything seen. Before the
 * first update the mean is 0 and the variance 1, so normalising is the identity.
 *
 * <p>Not thread-safe. A trainer with a {@code VectorEnv} updates one instance from the whole batch
 * on its own thread (deterministic); evaluation envs share the same instance, frozen. Its whole
 * state is {@link #state()}, a plain record that serialises with any JSON or binary writer.
 */
public final class RunningMeanStd {
    private final double[] mean;
    private final double[] var;
    private double count;

    /** The complete statistics, for saving beside a policy. */
    public record State(double[] mean, double[] var, double count) {
        public State {
            if (mean == null || var == null) {
                throw new IllegalArgumentException("RunningMeanStd state: mean and var are required");
            }
            if (mean.length != var.length) {
                throw new IllegalArgumentException("RunningMeanStd state: mean has length " + mean.length
                        + " but var has length " + var.length);
            }
            if (!(count >= 0) || Double.isInfinite(count)) {
                throw new IllegalArgumentException("RunningMeanStd state: count must be finite and >= 0, got " + count);
            }
            for (int i = 0; i < var.length; i++) {
                if (!Double.isFinite(mean[i])) {
                    throw new IllegalArgumentException("RunningMeanStd state: mean[" + i + "] is " + mean[i]);
                }
                if (!(var[i] >= 0) || Double.isInfinite(var[i])) {
                    throw new IllegalArgumentException("RunningMeanStd state: var[" + i + "] is " + var[i]);
                }
            }
            mean = mean.clone();
            var = var.clone();
        }

        @Override
        public double[] mean() {
            return mean.clone();
        }

        @Override
        public double[] var() {
            return var.clone();
        }
    }

    public RunningMeanStd(int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("RunningMeanStd dimension must be positive, got " + dim);
        }
        mean = new double[dim];
        var = new double[dim];
        Arrays.fill(var, 1.0);
    }

    public static RunningMeanStd fromState(State s) {
        RunningMeanStd r = new RunningMeanStd(s.mean().length);
        r.load(s);
        return r;
    }

    public int dim() {
        return mean.length;
    }

    public double[] mean() {
        return mean.clone();
    }

    public double[] var() {
        return var.clone();
    }

    public double count() {
        return count;
    }

    public State state() {
        return new State(mean, var, count);
    }

    /** Replaces these statistics by {@code s}, which must have the same dimension. */
    public void load(State s) {
        if (s.mean().length != mean.length) {
            throw new IllegalArgumentException("RunningMeanStd state has dimension " + s.mean().length
                    + ", expected " + mean.length);
        }
        System.arraycopy(s.mean(), 0, mean, 0, mean.length);
        System.arraycopy(s.var(), 0, var, 0, var.length);
        count = s.count();
    }

    /** Adds one sample. */
    public void update(double[] x) {
        checkDim(x);
        // A batch of one: batch mean x, batch variance 0.
        merge(x, null, 1.0);
    }

    /** Adds a batch of samples (rows). */
    public void update(double[][] batch) {
        int n = batch.length;
        if (n == 0) {
            return;
        }
        double[] bMean = new double[mean.length];
        double[] bVar = new double[mean.length];
        for (double[] row : batch) {
            checkDim(row);
            for (int i = 0; i < bMean.length; i++) {
                bMean[i] += row[i];
            }
        }
        for (int i = 0; i < bMean.length; i++) {
            bMean[i] /= n;
        }
        // Two-pass variance: exact for the batch, no cancellation.
        for (double[] row : batch) {
            for (int i = 0; i < bVar.length; i++) {
                double d = row[i] - bMean[i];
                bVar[i] += d * d;
            }
        }
        for (int i = 0; i < bVar.length; i++) {
            bVar[i] /= n;
        }
        merge(bMean, bVar, n);
    }

    private void merge(double[] bMean, double[] bVar, double bCount) {
        double tot = count + bCount;
        for (int i = 0; i < mean.length; i++) {
            double delta = bMean[i] - mean[i];
            double m2 = var[i] * count + (bVar == null ? 0.0 : bVar[i] * bCount) + delta * delta * count * bCount / tot;
            mean[i] += delta * bCount / tot;
            var[i] = m2 / tot;
        }
        count = tot;
    }

    /** {@code clip((x - mean) / sqrt(var + epsilon), -clip, clip)} into {@code out}; returns {@code out}. */
    public double[] normalize(double[] x, double epsilon, double clip, double[] out) {
        checkDim(x);
        for (int i = 0; i < mean.length; i++) {
            double z = (x[i] - mean[i]) / Math.sqrt(var[i] + epsilon);
            out[i] = Math.max(-clip, Math.min(clip, z));
        }
        return out;
    }

    private void checkDim(double[] x) {
        if (x.length != mean.length) {
            throw new IllegalArgumentException("RunningMeanStd: sample has length " + x.length + ", expected " + mean.length);
        }
    }
}
