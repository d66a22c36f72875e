package dev.actuate.algo;

/** Exploration noise added to a deterministic actor's action (TD3, DDPG), in the [-1, 1] action scale. */
public enum NoiseType {
    NONE,
    /** Independent Gaussian noise, std {@code noise_std}. */
    NORMAL,
    /** Temporally correlated {@link dev.actuate.train.OrnsteinUhlenbeckNoise}, sigma {@code noise_std}. */
    ORNSTEIN_UHLENBECK
}
