package dev.actuate.sim.wrappers;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Env;
import dev.actuate.sim.ResetResult;
import dev.actuate.sim.Rng;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.Wrapper;

/**
 * Sensor noise: adds independent zero-mean Gaussian noise with a per-component standard deviation to every
 * observation (reset and step). The draws come from the env's own seeded generator ({@link AbstractEnv#rng()}),
 * so one seed reproduces them and a checkpoint's replay draws them again; components with std 0 draw nothing.
 * Bounds of the observation space are not enforced, as a real sensor's noise is not.
 */
public final class ObservationNoise extends Wrapper {
    private final double[] std;
    private final Rng rng;

    public ObservationNoise(Env env, double[] std) {
        super(env);
        int dim = env.observationSpace().dim();
        if (std.length != dim) {
            throw new IllegalArgumentException(env.id() + ": ObservationNoise has " + std.length
                    + " standard deviations, the observation has " + dim + " components");
        }
        for (int i = 0; i < dim; i++) {
            if (!(std[i] >= 0) || Double.isInfinite(std[i])) {
                throw new IllegalArgumentException(env.id() + ": ObservationNoise std[" + i + "] must be finite and"
                        + " >= 0, got " + std[i]);
            }
        }
        if (!(env.unwrapped() instanceof AbstractEnv base)) {
            throw new IllegalArgumentException(env.id() + ": ObservationNoise needs an env built on AbstractEnv"
                    + " (its seeded generator drives the noise)");
        }
        this.std = std.clone();
        this.rng = base.rng();
    }

    /** The same std for every one of the env's observation components. */
    public static double[] uniform(Env env, double std) {
        double[] s = new double[env.observationSpace().dim()];
        java.util.Arrays.fill(s, std);
        return s;
    }

    public double[] std() {
        return std.clone();
    }

    @Override
    public ResetResult reset(long seed) {
        ResetResult r = env.reset(seed);
        return new ResetResult(noisy(r.observation()), r.info());
    }

    @Override
    public ResetResult reset() {
        ResetResult r = env.reset();
        return new ResetResult(noisy(r.observation()), r.info());
    }

    @Override
    public StepResult step(double[] action) {
        StepResult r = env.step(action);
        return r.withObservation(noisy(r.observation()));
    }

    private double[] noisy(double[] obs) {
        double[] out = obs.clone();
        for (int i = 0; i < out.length; i++) {
            if (std[i] > 0) {
                out[i] += std[i] * rng.nextGaussian();
            }
        }
        return out;
    }
}
