package dev.actuate.train;

import dev.actuate.sim.Rng;

/**
 * Ornstein-Uhlenbeck exploration noise, as Stable-Baselines3's {@code OrnsteinUhlenbeckActionNoise}:
 * {@code x += theta (mu - x) dt + sigma sqrt(dt) N(0, 1)} per dimension, starting at 0 and reset to 0 at the
 * start of every episode. Its temporal correlation helps momentum tasks like MountainCar.
 */
public final class OrnsteinUhlenbeckNoise {
    private final double mu;
    private final double sigma;
    private final double theta;
    private final double dt;
    private final double[] x;

    /** SB3's defaults: mean 0, theta 0.15, dt 0.01. */
    public OrnsteinUhlenbeckNoise(int dim, double sigma) {
        this(dim, 0.0, sigma, 0.15, 1e-2);
    }

    public OrnsteinUhlenbeckNoise(int dim, double mu, double sigma, double theta, double dt) {
        if (dim <= 0) {
            throw new IllegalArgumentException("OU noise dimension must be positive, got " + dim);
        }
        if (!(sigma >= 0) || !(theta >= 0) || !(dt > 0) || !Double.isFinite(mu)) {
            throw new IllegalArgumentException("OU noise needs sigma >= 0, theta >= 0, dt > 0 and finite mu; got sigma "
                    + sigma + ", theta " + theta + ", dt " + dt + ", mu " + mu);
        }
        this.mu = mu;
        this.sigma = sigma;
        this.theta = theta;
        this.dt = dt;
        this.x = new double[dim];
    }

    /** Advances the process one step and writes it to {@code out[0..dim)}. */
    public void sample(Rng rng, double[] out) {
        double s = sigma * Math.sqrt(dt);
        for (int i = 0; i < x.length; i++) {
            x[i] += theta * (mu - x[i]) * dt + s * rng.nextGaussian();
            out[i] = x[i];
        }
    }

    public void reset() {
        java.util.Arrays.fill(x, 0.0);
    }

    /** The process state (a copy), for checkpoints. */
    public double[] state() {
        return x.clone();
    }

    public void setState(double[] state) {
        if (state.length != x.length) {
            throw new IllegalArgumentException("OU noise state has " + state.length + " values, expected " + x.length);
        }
        System.arraycopy(state, 0, x, 0, x.length);
    }

    public int dim() {
        return x.length;
    }
}
