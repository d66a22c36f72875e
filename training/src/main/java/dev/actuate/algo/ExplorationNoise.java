package dev.actuate.algo;

import dev.actuate.sim.Rng;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.OrnsteinUhlenbeckNoise;

import java.io.IOException;

/** A deterministic actor's exploration noise (TD3, DDPG): added in the [-1, 1] scale, then clipped to it. */
final class ExplorationNoise {
    private final NoiseType type;
    private final double std;
    private final OrnsteinUhlenbeckNoise ou;
    private final double[] sample;

    ExplorationNoise(NoiseType type, double std, int actDim) {
        this.type = type;
        this.std = std;
        this.ou = type == NoiseType.ORNSTEIN_UHLENBECK ? new OrnsteinUhlenbeckNoise(actDim, std) : null;
        this.sample = new double[actDim];
    }

    void addTo(double[] action, Rng rng) {
        switch (type) {
            case NONE -> {
                return;
            }
            case NORMAL -> {
                for (int i = 0; i < sample.length; i++) {
                    sample[i] = std * rng.nextGaussian();
                }
            }
            case ORNSTEIN_UHLENBECK -> ou.sample(rng, sample);
        }
        for (int i = 0; i < action.length; i++) {
            action[i] = Math.max(-1.0, Math.min(1.0, action[i] + sample[i]));
        }
    }

    /** At the end of every episode (SB3 resets the noise process then). */
    void reset() {
        if (ou != null) {
            ou.reset();
        }
    }

    void save(Checkpoint cp) {
        if (ou != null) {
            cp.put("ou_noise_state", ou.state());
        }
    }

    void restore(Checkpoint cp) throws IOException {
        if (ou != null) {
            ou.setState(cp.doubles("ou_noise_state", ou.dim()));
        }
    }
}
