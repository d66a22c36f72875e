package dev.actuate.hw.mqtt;

import dev.actuate.hw.mqtt.FrameException.Reason;

/**
 * The binary form of a native-protocol frame (docs/protocol.md): a 54-byte little-endian header
 * (version 2) then {@code count} float32 values. Version 1 frames (42-byte header, no session,
 * episode or step) still decode, with those 0. Encoding and decoding work on caller-owned arrays and
 * {@link Frame}s and allocate nothing; decoding validates every byte it relies on and throws only
 * {@link FrameException}.
 *
 * <pre>
 * off size field
 *   0   1  magic/version  0xA2 (high nibble 0xA = Actuate, low nibble = version 2; 0xA1 = version 1)
 *   1   1  type           1 STATE, 2 COMMAND
 *   2   1  flags          bit0 episode start, bit1 terminated, bit2 truncated; others 0
 *   3   1  reserved       0
 *   4   8  sequence       u64
 *  12   8  sent time      i64 microseconds since the Unix epoch
 *  20   8  echo sequence  i64, -1 = none
 *  28   8  echo time      i64 microseconds, -1 = none
 *  36   4  reward         f32
 *  40   2  count          u16
 *  42   4  session        u32, COMMAND: the sending controller's session (0 = none); STATE: 0   (v2 only)
 *  46   4  episode        u32, STATE: the robot's episode counter; COMMAND: 0                 (v2 only)
 *  50   4  step           u32, STATE: steps taken in this episode, 0 at its first state      (v2 only)
 *  54  4n  values         f32 x count   (v1: from offset 42)
 * </pre>
 */
public final class FrameCodec {
    public static final int MAGIC_VERSION = 0xA2;
    /** Version 1 had no session field; still decoded. */
    public static final int MAGIC_VERSION_1 = 0xA1;
    public static final int HEADER_BYTES = 54;
    public static final int HEADER_BYTES_V1 = 42;
    /** Largest count a frame may carry; keeps a frame under 64 KiB. */
    public static final int MAX_VALUES = 16_000;

    static final int FLAG_EPISODE_START = 1;
    static final int FLAG_TERMINATED = 2;
    static final int FLAG_TRUNCATED = 4;

    private FrameCodec() {
    }

    /** Encoded size of a frame with {@code count} values. */
    public static int size(int count) {
        return HEADER_BYTES + 4 * count;
    }

    /**
     * Writes {@code f} into {@code out} from offset 0.
     *
     * @return the number of bytes written
     */
    public static int encode(Frame f, byte[] out) {
        int n = size(f.count);
        if (out.length < n) {
            throw new IllegalArgumentException("buffer of " + out.length + " bytes is too small for " + n);
        }
        out[0] = (byte) MAGIC_VERSION;
        out[1] = (byte) f.type.code;
        out[2] = (byte) ((f.episodeStart ? FLAG_EPISODE_START : 0) | (f.terminated ? FLAG_TERMINATED : 0)
                | (f.truncated ? FLAG_TRUNCATED : 0));
        out[3] = 0;
        putLong(out, 4, f.sequence);
        putLong(out, 12, f.sentMicros);
        putLong(out, 20, f.echoSequence);
        putLong(out, 28, f.echoMicros);
        putInt(out, 36, Float.floatToRawIntBits(f.reward));
        out[40] = (byte) f.count;
        out[41] = (byte) (f.count >>> 8);
        putInt(out, 42, (int) f.session);
        putInt(out, 46, (int) f.episode);
        putInt(out, 50, (int) f.step);
        for (int i = 0, o = HEADER_BYTES; i < f.count; i++, o += 4) {
            putInt(out, o, Float.floatToRawIntBits((float) f.values[i]));
        }
        return n;
    }

    /** A new array holding the encoded frame (for publishing: the MQTT client keeps the array). */
    public static byte[] encode(Frame f) {
        byte[] out = new byte[size(f.count)];
        encode(f, out);
        return out;
    }

    /** Decodes {@code in[0, length)} into {@code out}. On failure {@code out} may be partly overwritten. */
    public static void decode(byte[] in, int length, Frame out) throws FrameException {
        int magic = length > 0 ? in[0] & 0xFF : MAGIC_VERSION;
        int header = magic == MAGIC_VERSION_1 ? HEADER_BYTES_V1 : HEADER_BYTES;
        if (length < header) {
            throw new FrameException(Reason.TRUNCATED, length + " bytes, the header alone is " + header);
        }
        if (magic != MAGIC_VERSION && magic != MAGIC_VERSION_1) {
            throw new FrameException(Reason.BAD_VERSION, String.format("first byte 0x%02X, expected 0x%02X (or 0x%02X, version 1)",
                    magic, MAGIC_VERSION, MAGIC_VERSION_1));
        }
        FrameType type = FrameType.ofCode(in[1] & 0xFF);
        if (type == null) {
            throw new FrameException(Reason.BAD_TYPE, "type byte " + (in[1] & 0xFF));
        }
        int flags = in[2] & 0xFF;
        if ((flags & ~(FLAG_EPISODE_START | FLAG_TERMINATED | FLAG_TRUNCATED)) != 0 || in[3] != 0) {
            throw new FrameException(Reason.BAD_FLAGS, "flags 0x" + Integer.toHexString(flags) + ", reserved " + in[3]);
        }
        int count = (in[40] & 0xFF) | (in[41] & 0xFF) << 8;
        int expected = header + 4 * count;
        if (length < expected) {
            throw new FrameException(Reason.TRUNCATED, length + " bytes for " + count + " values, need " + expected);
        }
        if (length > expected) {
            throw new FrameException(Reason.BAD_LENGTH, (length - expected) + " trailing bytes after " + count + " values");
        }
        if (count > out.values.length) {
            throw new FrameException(Reason.BAD_LENGTH, count + " values, receiver takes at most " + out.values.length);
        }
        out.type = type;
        out.episodeStart = (flags & FLAG_EPISODE_START) != 0;
        out.terminated = (flags & FLAG_TERMINATED) != 0;
        out.truncated = (flags & FLAG_TRUNCATED) != 0;
        out.sequence = getLong(in, 4);
        out.sentMicros = getLong(in, 12);
        out.echoSequence = getLong(in, 20);
        out.echoMicros = getLong(in, 28);
        out.reward = Float.intBitsToFloat(getInt(in, 36));
        boolean v2 = header == HEADER_BYTES;
        out.session = v2 ? getInt(in, 42) & 0xFFFFFFFFL : 0;
        out.episode = v2 ? getInt(in, 46) & 0xFFFFFFFFL : 0;
        out.step = v2 ? getInt(in, 50) & 0xFFFFFFFFL : 0;
        out.count = count;
        // NaN/Inf values decode as they are: the runtime's safety layer guards them.
        for (int i = 0, o = header; i < count; i++, o += 4) {
            out.values[i] = Float.intBitsToFloat(getInt(in, o));
        }
    }

    public static void decode(byte[] in, Frame out) throws FrameException {
        decode(in, in.length, out);
    }

    private static void putLong(byte[] b, int o, long v) {
        putInt(b, o, (int) v);
        putInt(b, o + 4, (int) (v >>> 32));
    }

    private static void putInt(byte[] b, int o, int v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >>> 8);
        b[o + 2] = (byte) (v >>> 16);
        b[o + 3] = (byte) (v >>> 24);
    }

    private static long getLong(byte[] b, int o) {
        return (getInt(b, o) & 0xFFFFFFFFL) | ((long) getInt(b, o + 4) << 32);
    }

    private static int getInt(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
    }
}
