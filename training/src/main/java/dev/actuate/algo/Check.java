package dev.actuate.algo;

import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.wrappers.SimToReal;

import java.nio.file.Path;
import java.util.List;

/** Validation of config values; messages name the YAML key. */
final class Check {
    private Check() {
    }

    static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + v);
        }
    }

    static void nonNegative(String key, long v) {
        if (v < 0) {
            throw new IllegalArgumentException(key + " must be >= 0, got " + v);
        }
    }

    static void range(String key, double v, double lo, double hi, boolean loInclusive) {
        boolean ok = (loInclusive ? v >= lo : v > lo) && v <= hi;
        if (!ok) {
            throw new IllegalArgumentException(key + " must be in " + (loInclusive ? "[" : "(") + lo + ", " + hi
                    + "], got " + v);
        }
    }

    static void gradientSteps(int v) {
        if (v == 0 || v < -1) {
            throw new IllegalArgumentException("gradient_steps must be positive, or -1 for as many as env steps"
                    + " collected, got " + v);
        }
    }

    static List<Integer> hidden(List<Integer> hiddenSizes) {
        if (hiddenSizes == null || hiddenSizes.isEmpty()) {
            throw new IllegalArgumentException("hidden_sizes must list at least one layer width, e.g. [256, 256]");
        }
        for (Integer h : hiddenSizes) {
            if (h == null || h <= 0 || h > 65536) {
                throw new IllegalArgumentException("hidden_sizes must be positive widths, got " + hiddenSizes);
            }
        }
        return List.copyOf(hiddenSizes);
    }

    static void activation(String activation) {
        if (!"tanh".equals(activation) && !"relu".equals(activation)) {
            throw new IllegalArgumentException("activation must be tanh or relu, got '" + activation + "'");
        }
    }

    static void logEvery(long checkpointEvery, long logInterval) {
        positive("checkpoint_every", checkpointEvery);
        positive("log_interval", logInterval);
    }

    /**
     * The keys SAC, TD3 and DDPG share, in their configs' order: run length, replay buffer and batch, the
     * optimiser's step, discount, Polyak coefficient and the collect/train schedule.
     */
    static void offPolicy(long nTimesteps, int bufferSize, long learningStarts, int batchSize, double learningRate,
                          double gamma, double tau, int trainFreq, TrainFreqUnit trainFreqUnit, int gradientSteps) {
        positive("n_timesteps", nTimesteps);
        positive("buffer_size", bufferSize);
        nonNegative("learning_starts", learningStarts);
        positive("batch_size", batchSize);
        range("learning_rate", learningRate, 0, 1, false);
        range("gamma", gamma, 0, 1, true);
        range("tau", tau, 0, 1, false);
        positive("train_freq", trainFreq);
        notNull("train_freq_unit", trainFreqUnit);
        gradientSteps(gradientSteps);
    }

    /** TD3's and DDPG's exploration noise. */
    static void noise(NoiseType noiseType, double noiseStd) {
        notNull("noise_type", noiseType);
        range("noise_std", noiseStd, 0, 10, true);
    }

    static <T> T notNull(String key, T v) {
        if (v == null) {
            throw new IllegalArgumentException(key + " must be set");
        }
        return v;
    }

    /** The checks of {@code sim_to_real} that need the env (lengths per component), naming the config file. */
    static void simToRealFits(Path configFile, String envId, SimToReal s) {
        if (s.isNone()) {
            return;
        }
        try (Env env = Envs.make(envId)) {
            s.checkFits(env);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((configFile == null ? "config" : configFile.toString()) + ": sim_to_real: "
                    + e.getMessage(), e);
        }
    }
}
