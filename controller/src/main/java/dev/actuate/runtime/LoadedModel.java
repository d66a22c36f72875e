package dev.actuate.runtime;

import dev.actuate.nn.infer.FloatMlp;

/**
 * A trained deterministic policy, as {@code ModelControllers.loadModel} reads it from a model file:
 * observation normalisation with the saved statistics, the network on float arrays
 * ({@link FloatMlp}), and the algorithm's map from network output to an action in the env's box.
 * {@link #act(float[], float[])} is the control loop's allocation-free path;
 * {@link #act(double[], double[])} is the same math for eval and render. Holds scratch buffers: one
 * instance per thread (each control loop loads its own).
 *
 * <p>A policy trained with previous actions in its observation ({@code sim_to_real.previous_actions} k) takes the
 * state alone and appends the last k actions itself, most recent first, as the training wrapper did: the commands
 * the control loop reports through {@link #commandSent} (what actually went out, after the safety layer), or, where
 * nothing reports them (eval and render in the simulator), its own actions clipped into the box. Every slot holds
 * the initial action after {@link #reset()}.
 */
public final class LoadedModel implements Policy {
    /** How the network's first {@code actionSize} outputs become an action. */
    public enum OutputMap {
        /** PPO's Gaussian mean, clipped into the box. */
        CLIP,
        /** SAC: {@code tanh(mean)} in [-1, 1], mapped linearly onto the box. */
        SQUASH_TO_BOX,
        /** TD3/DDPG: a tanh actor's output in [-1, 1], mapped linearly onto the box. */
        SCALE_TO_BOX
    }

    private final String envId;
    private final String source;
    private final FloatMlp net;
    private final OutputMap outputMap;
    private final double[] mean;
    private final double[] var;
    private final double eps;
    private final double[] invStd;
    private final double clip;
    private final double[] low;
    private final double[] high;
    private final float[] in;
    private final float[] netOut;
    private final int actionSize;
    private final int stateSize;
    private final int previousActions;
    /** Actions appended to the state, most recent first; {@code previousActions * actionSize} values. */
    private final double[] past;
    /** The last action sent (or, until the loop reports one, chosen), which becomes {@code past[0]} next time. */
    private final double[] lastSent;
    private final double[] initialAction;

    /**
     * @param mean observation means, or null when the model does not normalise observations
     * @param var  observation variances (with {@code mean}), normalised as RunningMeanStd does
     */
    public LoadedModel(String envId, String source, FloatMlp net, OutputMap outputMap, double[] mean, double[] var,
                       double clip, double eps, double[] low, double[] high) {
        this(envId, source, net, outputMap, mean, var, clip, eps, low, high, 0, null);
    }

    /**
     * @param previousActions how many previous actions follow the state in the network's input
     * @param initialAction   the action in every previous-action slot at an episode's start; null for zeros
     */
    public LoadedModel(String envId, String source, FloatMlp net, OutputMap outputMap, double[] mean, double[] var,
                       double clip, double eps, double[] low, double[] high, int previousActions,
                       double[] initialAction) {
        this.envId = envId;
        this.source = source;
        this.net = net;
        this.outputMap = outputMap;
        this.mean = mean;
        this.var = var;
        this.eps = eps;
        this.clip = clip;
        if (var != null) {
            invStd = new double[var.length];
            for (int i = 0; i < var.length; i++) {
                invStd[i] = 1.0 / Math.sqrt(var[i] + eps);
            }
        } else {
            invStd = null;
        }
        if (low.length != high.length) {
            throw new IllegalArgumentException("model " + source + ": " + low.length + " lower and " + high.length
                    + " upper action bounds");
        }
        this.low = low.clone();
        this.high = high.clone();
        this.actionSize = low.length;
        if (net.outputSize() < actionSize) {
            throw new IllegalArgumentException("model " + source + ": network has " + net.outputSize()
                    + " outputs, fewer than the " + actionSize + " actions of " + envId);
        }
        in = new float[net.inputSize()];
        netOut = new float[net.outputSize()];
        this.previousActions = previousActions;
        this.stateSize = net.inputSize() - previousActions * actionSize;
        if (previousActions < 0 || stateSize <= 0) {
            throw new IllegalArgumentException("model " + source + ": " + previousActions + " previous actions of "
                    + actionSize + " do not fit the network's " + net.inputSize() + " inputs");
        }
        if (initialAction != null && initialAction.length != actionSize) {
            throw new IllegalArgumentException("model " + source + ": initial action has " + initialAction.length
                    + " values, expected " + actionSize);
        }
        this.initialAction = initialAction == null ? new double[actionSize] : initialAction.clone();
        for (int i = 0; i < actionSize; i++) {
            this.initialAction[i] = Math.max(this.low[i], Math.min(this.high[i], this.initialAction[i]));
        }
        past = new double[previousActions * actionSize];
        lastSent = new double[actionSize];
        reset();
    }

    /** The env the model was trained on. */
    public String envId() {
        return envId;
    }

    /** The model file it was read from. */
    public String source() {
        return source;
    }

    // Read-only views for exporters (ONNX); arrays are copies.

    public FloatMlp network() {
        return net;
    }

    public OutputMap outputMap() {
        return outputMap;
    }

    /** Observation means, or null when the model does not normalise observations. */
    public double[] observationMean() {
        return mean == null ? null : mean.clone();
    }

    /** Observation variances, or null when the model does not normalise observations. */
    public double[] observationVariance() {
        return var == null ? null : var.clone();
    }

    /** The epsilon added to the variance before the square root. */
    public double observationEpsilon() {
        return eps;
    }

    /** Normalised observations are clipped to {@code [-clip, clip]}. */
    public double observationClip() {
        return clip;
    }

    public double[] actionLow() {
        return low.clone();
    }

    public double[] actionHigh() {
        return high.clone();
    }

    /** What the caller passes to {@code act}: the state, without the previous actions the model appends. */
    public int observationSize() {
        return stateSize;
    }

    /** Previous actions the model appends to the state (0 for most policies). */
    public int previousActions() {
        return previousActions;
    }

    /** Starts an episode: every previous-action slot holds the initial action. */
    @Override
    public void reset() {
        for (int k = 0; k < previousActions; k++) {
            System.arraycopy(initialAction, 0, past, k * actionSize, actionSize);
        }
        System.arraycopy(initialAction, 0, lastSent, 0, actionSize);
    }

    /** The command that actually went out; it is the previous action the next {@code act} appends. */
    @Override
    public void commandSent(double[] command) {
        if (previousActions > 0) {
            System.arraycopy(command, 0, lastSent, 0, actionSize);
        }
    }

    public int actionSize() {
        return actionSize;
    }

    /** The run-time path: no allocation. */
    @Override
    public void act(float[] observation, float[] action) {
        checkSizes(observation.length, action.length);
        for (int i = 0; i < stateSize; i++) {
            in[i] = normalized(i, observation[i]);
        }
        appendPast();
        net.act(in, netOut);
        for (int i = 0; i < actionSize; i++) {
            action[i] = (float) toAction(i, netOut[i]);
            lastSent[i] = action[i];
        }
    }

    /** The same policy on doubles (eval, render); no allocation either. */
    public void act(double[] observation, double[] action) {
        checkSizes(observation.length, action.length);
        for (int i = 0; i < stateSize; i++) {
            in[i] = normalized(i, observation[i]);
        }
        appendPast();
        net.act(in, netOut);
        for (int i = 0; i < actionSize; i++) {
            action[i] = toAction(i, netOut[i]);
            lastSent[i] = action[i];
        }
    }

    /** Shifts the history by one step (the last action sent becomes the most recent) and appends it to the input. */
    private void appendPast() {
        if (previousActions == 0) {
            return;
        }
        System.arraycopy(past, 0, past, actionSize, (previousActions - 1) * actionSize);
        for (int i = 0; i < actionSize; i++) {
            past[i] = Math.max(low[i], Math.min(high[i], lastSent[i]));
        }
        for (int j = 0; j < past.length; j++) {
            in[stateSize + j] = normalized(stateSize + j, past[j]);
        }
    }

    /** RunningMeanStd.normalize's formula, so training and run time agree. */
    private float normalized(int i, double o) {
        if (mean != null) {
            o = Math.max(-clip, Math.min(clip, (o - mean[i]) * invStd[i]));
        }
        return (float) o;
    }

    private double toAction(int i, double y) {
        return switch (outputMap) {
            case CLIP -> Math.max(low[i], Math.min(high[i], y));
            case SQUASH_TO_BOX -> toBox(i, Math.tanh(y));
            case SCALE_TO_BOX -> toBox(i, y);
        };
    }

    /** The off-policy trainers' map from [-1, 1] onto the box (Collector.toEnvAction). */
    private double toBox(int i, double a) {
        double c = Math.max(-1.0, Math.min(1.0, a));
        return low[i] + 0.5 * (c + 1.0) * (high[i] - low[i]);
    }

    private void checkSizes(int nObs, int nAct) {
        if (nObs != stateSize || nAct != actionSize) {
            throw new IllegalArgumentException("model " + source + " maps " + stateSize + " observations to "
                    + actionSize + " actions, got arrays of " + nObs + " and " + nAct);
        }
    }
}
