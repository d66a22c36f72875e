package dev.actuate.algo;

/** What an off-policy {@code train_freq} counts: env steps, or finished episodes (the Zoo's {@code [1, "episode"]}). */
public enum TrainFreqUnit {
    STEP,
    EPISODE
}
