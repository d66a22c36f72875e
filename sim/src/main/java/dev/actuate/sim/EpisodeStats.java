package dev.actuate.sim;

/** Undiscounted return and length of a finished episode, as RecordEpisodeStatistics reports them. */
public record EpisodeStats(double episodeReturn, int length, double seconds) {
}
