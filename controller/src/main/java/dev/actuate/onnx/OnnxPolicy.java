package dev.actuate.onnx;

import dev.actuate.runtime.Policy;

import java.util.Arrays;

/**
 * An ONNX graph's output as the control loop's {@link Policy}: the compiled {@link OnnxNetwork},
 * then the {@link ActionMapping} onto the action bounds. Allocation-free; one instance per thread.
 */
public final class OnnxPolicy implements Policy {
    private final OnnxNetwork net;
    private final ActionMapping mapping;
    private final double[] low;
    private final double[] high;
    private final float[] obs;
    private final float[] raw;

    /**
     * @param low  action lower bounds (null only with {@link ActionMapping#NONE})
     * @param high action upper bounds, as many as the output has elements
     */
    public OnnxPolicy(OnnxNetwork net, ActionMapping mapping, double[] low, double[] high) {
        this.net = net;
        this.mapping = mapping;
        if (mapping.needsBounds()) {
            if (low == null || high == null) {
                throw new IllegalArgumentException("--action-mapping " + mapping.flag()
                        + " needs the action bounds (from --env or the robot config)");
            }
            if (low.length != net.outputSize() || high.length != net.outputSize()) {
                throw new IllegalArgumentException("ONNX output '" + net.outputName() + "' has " + net.outputSize()
                        + " elements but the action bounds have " + low.length);
            }
            for (int i = 0; i < low.length; i++) {
                if (!(low[i] <= high[i])) {
                    throw new IllegalArgumentException("action bound " + i + ": low " + low[i] + " > high " + high[i]);
                }
                if (mapping == ActionMapping.RESCALE_TANH && !(Double.isFinite(low[i]) && Double.isFinite(high[i]))) {
                    throw new IllegalArgumentException("--action-mapping rescale-tanh needs finite action bounds, action "
                            + i + " has [" + low[i] + ", " + high[i] + "]");
                }
            }
        }
        this.low = low == null ? null : low.clone();
        this.high = high == null ? null : high.clone();
        this.obs = new float[net.inputSize()];
        this.raw = new float[net.outputSize()];
    }

    public int observationSize() {
        return net.inputSize();
    }

    public int actionSize() {
        return net.outputSize();
    }

    public OnnxNetwork network() {
        return net;
    }

    public ActionMapping mapping() {
        return mapping;
    }

    @Override
    public void act(float[] observation, float[] action) {
        checkSizes(observation.length, action.length);
        net.run(observation, raw);
        for (int i = 0; i < raw.length; i++) {
            action[i] = (float) map(i, raw[i]);
        }
    }

    /** The same on doubles (eval, render, predict); allocation-free as well. */
    public void act(double[] observation, double[] action) {
        checkSizes(observation.length, action.length);
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) observation[i];
        }
        net.run(obs, raw);
        for (int i = 0; i < raw.length; i++) {
            action[i] = map(i, raw[i]);
        }
    }

    private double map(int i, float y) {
        return mapping == ActionMapping.NONE ? y : mapping.apply(y, low[i], high[i]);
    }

    private void checkSizes(int nObs, int nAct) {
        if (nObs != obs.length || nAct != raw.length) {
            throw new IllegalArgumentException("ONNX policy maps " + obs.length + " observations to " + raw.length
                    + " actions, got arrays of " + nObs + " and " + nAct);
        }
    }

    @Override
    public String toString() {
        return "OnnxPolicy[output " + net.outputName() + ", mapping " + mapping.flag()
                + (low == null ? "" : ", low " + Arrays.toString(low) + ", high " + Arrays.toString(high)) + "]";
    }
}
