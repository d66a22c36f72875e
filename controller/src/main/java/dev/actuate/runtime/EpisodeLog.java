package dev.actuate.runtime;

import dev.actuate.hw.StateSample;

import java.util.Arrays;

/**
 * Episode returns as reported by a simulated robot (reward and done flags in each state sample),
 * in preallocated arrays so the control thread does not allocate. Episodes beyond the capacity are
 * counted but their returns are not kept.
 */
public final class EpisodeLog {
    private final double[] returns;
    private final int[] lengths;
    private volatile int completed;
    private double currentReturn;
    private int currentLength;

    public EpisodeLog(int capacity) {
        returns = new double[capacity];
        lengths = new int[capacity];
    }

    /**
     * Accounts one new state sample; call once per fresh sample, on the control thread. A sample may
     * stand for several steps ({@link StateSample#steps}, rewards summed). A start without a finished
     * step begins an episode (a robot that restarted mid-episode drops the partial one rather than
     * reporting it); a sample that ends an episode and also starts the next (the in-process
     * simulator's) adds its step to the episode it ends.
     */
    public void onSample(StateSample s) {
        boolean done = s.terminated || s.truncated;
        if (s.episodeStart && !done) {
            currentReturn = 0;
            currentLength = 0;
        }
        currentReturn += s.reward;
        currentLength += s.steps;
        if (done) {
            int k = completed;
            if (k < returns.length) {
                returns[k] = currentReturn;
                lengths[k] = currentLength;
            }
            currentReturn = 0;
            currentLength = 0;
            completed = k + 1;
        }
    }

    public int completed() {
        return completed;
    }

    /** Returns of the completed episodes (up to the capacity). */
    public double[] returns() {
        return Arrays.copyOf(returns, Math.min(completed, returns.length));
    }

    public int[] lengths() {
        return Arrays.copyOf(lengths, Math.min(completed, lengths.length));
    }
}
