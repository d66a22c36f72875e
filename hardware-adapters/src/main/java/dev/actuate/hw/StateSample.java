package dev.actuate.hw;

/**
 * A preallocated holder that {@link HardwareInterface#read} fills, so the control loop allocates
 * nothing. Timestamps are microseconds since the epoch as stamped by the sender (the robot) and
 * by the receiver; {@code sequence} is the sender's frame counter.
 */
public final class StateSample {
    public final double[] values;
    public long sequence = -1;
    public long sentMicros;
    public long receivedMicros;
    /** Set when the robot reports an episode boundary (HIL): the state is a fresh reset. */
    public boolean episodeStart;
    /** Reward and done flags the simulated robot reports in HIL; a real robot leaves them 0/false. */
    public double reward;
    public boolean terminated;
    public boolean truncated;
    /**
     * Env steps this sample accounts for: 1 for an ordinary state, 0 for a reset (an episode's first
     * state), more when an adapter folded several frames that arrived between two reads into one
     * (their rewards are then summed in {@link #reward}).
     */
    public int steps = 1;
    /**
     * Set by an adapter that holds further unread samples behind this one (episode boundaries are
     * queued, never overwritten): the reader should account this sample and read again.
     */
    public boolean more;

    public StateSample(int size) {
        this.values = new double[size];
    }

    public void copyFrom(StateSample o) {
        System.arraycopy(o.values, 0, values, 0, values.length);
        sequence = o.sequence;
        sentMicros = o.sentMicros;
        receivedMicros = o.receivedMicros;
        episodeStart = o.episodeStart;
        reward = o.reward;
        terminated = o.terminated;
        truncated = o.truncated;
        steps = o.steps;
        more = o.more;
    }
}
