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

    /** Accounts one new state sample; call once per fresh sample, on the control thread. */
    public void onSample(StateSample s) {
        if (s.episodeStart && !s.terminated && !s.truncated) {
            // A reset without a finished step: the session's first state, or a robot that restarted
            // mid-episode; no reward to add, and a partial episode is dropped rather than reported.
            currentReturn = 0;
            currentLength = 0;
            return;
        }
        currentReturn += s.reward;
        currentLength++;
        if (s.terminated || s.truncated) {
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
