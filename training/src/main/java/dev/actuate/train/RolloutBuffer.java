package dev.actuate.train;

import java.util.Arrays;

/**
 * On-policy storage for {@code nSteps} steps of {@code nEnvs} envs, allocated once, with GAE(lambda)
 * computed backwards.
 *
 * <p>Episode ends are stored as {@code terminated} and {@code truncated} separately: a terminated
 * step bootstraps with 0, a truncated one with the value of its final observation (the observation
 * the env returned before the vector env reset it), and neither passes advantage back across the
 * episode boundary. Row {@code t * nEnvs + e} holds env {@code e} at step {@code t}.
 */
public final class RolloutBuffer {
    private final int nSteps;
    private final int nEnvs;
    private final int obsDim;
    private final int actDim;

    private final float[] observations;
    private final double[] actions;
    private final double[] logProbs;
    private final double[] rewards;
    private final double[] values;
    private final boolean[] terminated;
    private final boolean[] truncated;
    private final double[] finalValues;
    private final double[] advantages;
    private final double[] returns;
    private int step;

    public RolloutBuffer(int nSteps, int nEnvs, int obsDim, int actDim) {
        if (nSteps <= 0 || nEnvs <= 0 || obsDim <= 0 || actDim <= 0) {
            throw new IllegalArgumentException("RolloutBuffer sizes must be positive: nSteps=" + nSteps
                    + " nEnvs=" + nEnvs + " obsDim=" + obsDim + " actDim=" + actDim);
        }
        this.nSteps = nSteps;
        this.nEnvs = nEnvs;
        this.obsDim = obsDim;
        this.actDim = actDim;
        int n = nSteps * nEnvs;
        observations = new float[n * obsDim];
        actions = new double[n * actDim];
        logProbs = new double[n];
        rewards = new double[n];
        values = new double[n];
        terminated = new boolean[n];
        truncated = new boolean[n];
        finalValues = new double[n];
        advantages = new double[n];
        returns = new double[n];
    }

    public void clear() {
        step = 0;
    }

    public boolean full() {
        return step == nSteps;
    }

    public int size() {
        return nSteps * nEnvs;
    }

    public int nSteps() {
        return nSteps;
    }

    public int nEnvs() {
        return nEnvs;
    }

    /**
     * Stores one vector step. {@code obs} is the observation the actions were taken in;
     * {@code finalValues[e]} is V(final observation) where env {@code e} was truncated, else ignored.
     */
    public void add(float[] obs, double[] act, double[] logProb, double[] reward, double[] value,
                    boolean[] term, boolean[] trunc, double[] finalValue) {
        if (step >= nSteps) {
            throw new IllegalStateException("RolloutBuffer is full (" + nSteps + " steps); call clear()");
        }
        int base = step * nEnvs;
        System.arraycopy(obs, 0, observations, base * obsDim, nEnvs * obsDim);
        System.arraycopy(act, 0, actions, base * actDim, nEnvs * actDim);
        for (int e = 0; e < nEnvs; e++) {
            int i = base + e;
            logProbs[i] = logProb[e];
            rewards[i] = reward[e];
            values[i] = value[e];
            terminated[i] = term[e];
            truncated[i] = trunc[e] && !term[e];
            finalValues[i] = truncated[i] ? finalValue[e] : 0.0;
            if (truncated[i] && !Double.isFinite(finalValue[e])) {
                throw new IllegalArgumentException("env " + e + " truncated at step " + step
                        + " without a finite final-observation value: " + finalValue[e]);
            }
        }
        step++;
    }

    /**
     * GAE(lambda) backwards over the rollout; {@code lastValues[e]} is V of each env's observation
     * after the last stored step. Returns are advantages + values (the value targets).
     */
    public void computeReturnsAndAdvantages(double[] lastValues, double gamma, double gaeLambda) {
        if (!full()) {
            throw new IllegalStateException("RolloutBuffer holds " + step + " of " + nSteps + " steps");
        }
        for (int t = nSteps - 1; t >= 0; t--) {
            for (int e = 0; e < nEnvs; e++) {
                int i = t * nEnvs + e;
                double nextValue;
                double nextAdvantage;
                if (terminated[i]) {
                    nextValue = 0.0;
                    nextAdvantage = 0.0;
                } else if (truncated[i]) {
                    nextValue = finalValues[i];
                    nextAdvantage = 0.0;
                } else if (t == nSteps - 1) {
                    nextValue = lastValues[e];
                    nextAdvantage = 0.0;
                } else {
                    nextValue = values[i + nEnvs];
                    nextAdvantage = advantages[i + nEnvs];
                }
                double delta = rewards[i] + gamma * nextValue - values[i];
                advantages[i] = delta + gamma * gaeLambda * nextAdvantage;
                returns[i] = advantages[i] + values[i];
            }
        }
    }

    /** Copies the rows {@code idx[from..to)} into row-major minibatch arrays. */
    public void gather(int[] idx, int from, int to, float[] obsOut, double[] actOut, double[] logProbOut,
                       double[] advOut, double[] retOut, double[] valueOut) {
        for (int k = from; k < to; k++) {
            int i = idx[k];
            int r = k - from;
            System.arraycopy(observations, i * obsDim, obsOut, r * obsDim, obsDim);
            System.arraycopy(actions, i * actDim, actOut, r * actDim, actDim);
            logProbOut[r] = logProbs[i];
            advOut[r] = advantages[i];
            retOut[r] = returns[i];
            valueOut[r] = values[i];
        }
    }

    public double[] advantages() {
        return advantages;
    }

    public double[] returns() {
        return returns;
    }

    public double[] values() {
        return values;
    }

    /** Fraction of variance of the returns explained by the values: 1 is perfect, <= 0 is useless. */
    public double explainedVariance() {
        double varY = variance(returns);
        if (varY == 0) {
            return Double.NaN;
        }
        double[] diff = new double[returns.length];
        for (int i = 0; i < diff.length; i++) {
            diff[i] = returns[i] - values[i];
        }
        return 1.0 - variance(diff) / varY;
    }

    private static double variance(double[] x) {
        double mean = Arrays.stream(x).average().orElse(0);
        double s = 0;
        for (double v : x) {
            s += (v - mean) * (v - mean);
        }
        return s / x.length;
    }
}
