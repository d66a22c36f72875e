package dev.actuate.algo;

import java.util.ArrayDeque;

/**
 * The last {@value #WINDOW} finished training episodes' returns and lengths, as SB3's {@code ep_info_buffer}: what
 * the progress bar and the {@code mean_return} and {@code mean_length} metrics average, and what a checkpoint
 * carries as {@code recent_episodes} (return, length pairs, oldest first). Shared by PPO's engine and the
 * off-policy {@link Collector}.
 */
final class RecentEpisodes {
    static final int WINDOW = 100;
    private final ArrayDeque<double[]> episodes = new ArrayDeque<>();

    /** Adds a finished episode, dropping the oldest beyond the window. */
    void add(double episodeReturn, int length) {
        episodes.addLast(new double[] {episodeReturn, length});
        if (episodes.size() > WINDOW) {
            episodes.removeFirst();
        }
    }

    /** Mean return over the window, NaN before any episode. */
    double meanReturn() {
        return episodes.stream().mapToDouble(e -> e[0]).average().orElse(Double.NaN);
    }

    /** Mean length over the window, NaN before any episode. */
    double meanLength() {
        return episodes.stream().mapToDouble(e -> e[1]).average().orElse(Double.NaN);
    }

    /** The window as return, length pairs, oldest first (the checkpoint's {@code recent_episodes}). */
    double[] toArray() {
        double[] flat = new double[2 * episodes.size()];
        int k = 0;
        for (double[] e : episodes) {
            flat[k++] = e[0];
            flat[k++] = e[1];
        }
        return flat;
    }

    /** Replaces the window with what {@link #toArray} wrote. */
    void load(double[] pairs) {
        episodes.clear();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            episodes.addLast(new double[] {pairs[i], pairs[i + 1]});
        }
    }
}
