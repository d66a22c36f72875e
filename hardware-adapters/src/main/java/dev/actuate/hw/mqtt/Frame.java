package dev.actuate.hw.mqtt;

import java.util.Arrays;

/**
 * One native-protocol frame, mutable and preallocated so that decoding and encoding allocate
 * nothing. {@code values} holds {@link #count} entries (float32 on the wire, widened to double).
 */
public final class Frame {
    /** Sequence / timestamp value meaning "nothing to echo". */
    public static final long NONE = -1;

    public FrameType type = FrameType.STATE;
    public boolean episodeStart;
    public boolean terminated;
    public boolean truncated;
    /** Sender's frame counter, incremented per frame sent on this topic. */
    public long sequence;
    /** Sender's wall clock when it sent the frame, microseconds since the Unix epoch. */
    public long sentMicros;
    /** COMMAND: sequence of the STATE it answers. STATE: sequence of the last COMMAND applied. {@link #NONE} if none. */
    public long echoSequence = NONE;
    /** The {@code sentMicros} of the echoed frame, or {@link #NONE}. */
    public long echoMicros = NONE;
    /** HIL reward of the step that produced this state; 0 for real robots and for commands. */
    public float reward;
    /**
     * COMMAND: the sending controller's session id (unsigned 32 bits), so a robot can obey only the
     * controller that owns it; 0 = none (version 1 frames, scripts). STATE: 0.
     */
    public long session;
    /** STATE: the robot's episode counter (unsigned 32 bits; 0 for a robot without episodes). COMMAND: 0. */
    public long episode;
    /** STATE: steps taken in this episode, 0 at its first state (unsigned 32 bits). COMMAND: 0. */
    public long step;
    public int count;
    public final double[] values;

    /** A frame that can hold up to {@code capacity} values. */
    public Frame(int capacity) {
        if (capacity < 0 || capacity > FrameCodec.MAX_VALUES) {
            throw new IllegalArgumentException("capacity " + capacity + " outside [0, " + FrameCodec.MAX_VALUES + "]");
        }
        values = new double[capacity];
    }

    public int capacity() {
        return values.length;
    }

    /** Copies {@code src} into the values and sets {@link #count}. */
    public Frame setValues(double[] src) {
        if (src.length > values.length) {
            throw new IllegalArgumentException(src.length + " values exceed the frame capacity " + values.length);
        }
        System.arraycopy(src, 0, values, 0, src.length);
        count = src.length;
        return this;
    }

    public void copyFrom(Frame o) {
        if (o.count > values.length) {
            throw new IllegalArgumentException(o.count + " values exceed the frame capacity " + values.length);
        }
        type = o.type;
        episodeStart = o.episodeStart;
        terminated = o.terminated;
        truncated = o.truncated;
        sequence = o.sequence;
        sentMicros = o.sentMicros;
        echoSequence = o.echoSequence;
        echoMicros = o.echoMicros;
        reward = o.reward;
        session = o.session;
        episode = o.episode;
        step = o.step;
        count = o.count;
        System.arraycopy(o.values, 0, values, 0, o.count);
    }

    @Override
    public String toString() {
        return "Frame[" + type + " seq=" + sequence + " t=" + sentMicros + " echo=" + echoSequence + "@" + echoMicros
                + " reward=" + reward + (session != 0 ? " session=" + Long.toHexString(session) : "")
                + " episode=" + episode + " step=" + step + (episodeStart ? " start" : "") + (terminated ? " terminated" : "")
                + (truncated ? " truncated" : "") + " values=" + Arrays.toString(Arrays.copyOf(values, count)) + "]";
    }
}
