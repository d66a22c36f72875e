package dev.actuate.cli;

import dev.actuate.nn.infer.FloatMlp;
import dev.actuate.runtime.Policy;
import dev.actuate.sim.Box;

/**
 * A trained deterministic policy, loaded by {@link ModelControllers#loadModel}: observation
 * normalisation with the saved statistics, the network on float arrays ({@link FloatMlp}), the
 * action clipped into the env's box. {@link #act(float[], float[])} is the control loop's
 * allocation-free path; {@link #act(double[], double[])} is the same math for eval and render.
 * Holds scratch buffers: one instance per thread (each control loop loads its own).
 */
public final class LoadedModel implements Policy {
    private final String envId;
    private final String source;
    private final FloatMlp net;
    private final double[] mean;
    private final double[] invStd;
    private final double clip;
    private final double[] low;
    private final double[] high;
    private final float[] in;
    private final float[] out;

    /** @param mean observation means, or null when the model does not normalise observations */
    LoadedModel(String envId, String source, FloatMlp net, double[] mean, double[] var, double clip, double eps, Box box) {
        this.envId = envId;
        this.source = source;
        this.net = net;
        this.mean = mean;
        this.clip = clip;
        if (var != null) {
            invStd = new double[var.length];
            for (int i = 0; i < var.length; i++) {
                invStd[i] = 1.0 / Math.sqrt(var[i] + eps);
            }
        } else {
            invStd = null;
        }
        this.low = box.low();
        this.high = box.high();
        in = new float[net.inputSize()];
        out = new float[net.outputSize()];
    }

    /** The env the model was trained on. */
    public String envId() {
        return envId;
    }

    /** The model file it was read from. */
    public String source() {
        return source;
    }

    public int observationSize() {
        return in.length;
    }

    public int actionSize() {
        return out.length;
    }

    /** The run-time path: no allocation. */
    @Override
    public void act(float[] observation, float[] action) {
        checkSizes(observation.length, action.length);
        for (int i = 0; i < in.length; i++) {
            in[i] = normalized(i, observation[i]);
        }
        net.act(in, out);
        for (int i = 0; i < out.length; i++) {
            action[i] = (float) clipped(i, out[i]);
        }
    }

    /** The same policy on doubles (eval, render); no allocation either. */
    public void act(double[] observation, double[] action) {
        checkSizes(observation.length, action.length);
        for (int i = 0; i < in.length; i++) {
            in[i] = normalized(i, observation[i]);
        }
        net.act(in, out);
        for (int i = 0; i < out.length; i++) {
            action[i] = clipped(i, out[i]);
        }
    }

    /** RunningMeanStd.normalize's formula, so training and run time agree. */
    private float normalized(int i, double o) {
        if (mean != null) {
            o = Math.max(-clip, Math.min(clip, (o - mean[i]) * invStd[i]));
        }
        return (float) o;
    }

    private double clipped(int i, double a) {
        return Math.max(low[i], Math.min(high[i], a));
    }

    private void checkSizes(int nObs, int nAct) {
        if (nObs != in.length || nAct != out.length) {
            throw new IllegalArgumentException("model " + source + " maps " + in.length + " observations to "
                    + out.length + " actions, got arrays of " + nObs + " and " + nAct);
        }
    }
}
