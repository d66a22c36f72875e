package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.PayloadFormat;

/**
 * Encoding by the configured {@link PayloadFormat}; decoding accepts either form, told apart by
 * the first byte ({@code 0xA2}, or {@code 0xA1} for version 1, binary; {@code '{'}, {@code '['} or
 * whitespace JSON), so a script can publish JSON to a robot that speaks binary.
 */
public final class Frames {
    private Frames() {
    }

    public static byte[] encode(Frame f, PayloadFormat format) {
        return format == PayloadFormat.JSON ? JsonFrameCodec.encode(f) : FrameCodec.encode(f);
    }

    public static void decode(byte[] in, Frame out) throws FrameException {
        if (in.length > 0 && (in[0] == '{' || in[0] == '[' || in[0] == ' ' || in[0] == '\n' || in[0] == '\t' || in[0] == '\r')) {
            JsonFrameCodec.decode(in, in.length, out);
        } else {
            FrameCodec.decode(in, in.length, out);
        }
    }
}
