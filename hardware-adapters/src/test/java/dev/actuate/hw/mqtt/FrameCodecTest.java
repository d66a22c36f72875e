package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.mqtt.FrameException.Reason;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrameCodecTest {
    private static Frame sample() {
        Frame f = new Frame(8);
        f.type = FrameType.COMMAND;
        f.sequence = 0x0102030405060708L;
        f.sentMicros = 1_700_000_000_123_456L;
        f.echoSequence = 41;
        f.echoMicros = 1_700_000_000_100_000L;
        f.reward = -1.5f;
        f.episodeStart = true;
        f.truncated = true;
        f.session = 0xFEDCBA98L;
        f.episode = 0xFFFFFFFEL;
        f.step = 123_456;
        f.setValues(new double[] {0.25, -1, Double.NaN, Double.POSITIVE_INFINITY, 3.0e30});
        return f;
    }

    private static void assertSame(Frame a, Frame b) {
        assertThat(b.type).isEqualTo(a.type);
        assertThat(b.sequence).isEqualTo(a.sequence);
        assertThat(b.sentMicros).isEqualTo(a.sentMicros);
        assertThat(b.echoSequence).isEqualTo(a.echoSequence);
        assertThat(b.echoMicros).isEqualTo(a.echoMicros);
        assertThat(b.reward).isEqualTo(a.reward);
        assertThat(b.episodeStart).isEqualTo(a.episodeStart);
        assertThat(b.terminated).isEqualTo(a.terminated);
        assertThat(b.truncated).isEqualTo(a.truncated);
        assertThat(b.session).isEqualTo(a.session);
        assertThat(b.episode).isEqualTo(a.episode);
        assertThat(b.step).isEqualTo(a.step);
        assertThat(b.count).isEqualTo(a.count);
        for (int i = 0; i < a.count; i++) {
            assertThat(Double.valueOf(b.values[i])).as("value %d", i).isEqualTo(Double.valueOf((float) a.values[i]));
        }
    }

    @Test
    void binaryRoundTripKeepsEveryFieldAndNonFiniteValues() throws Exception {
        Frame a = sample();
        byte[] bytes = FrameCodec.encode(a);
        assertThat(bytes).hasSize(54 + 4 * 5);
        Frame b = new Frame(8);
        FrameCodec.decode(bytes, b);
        assertSame(a, b);
        assertThat(Double.isNaN(b.values[2])).isTrue();
    }

    @Test
    void jsonRoundTripKeepsEveryField() throws Exception {
        Frame a = sample();
        a.values[4] = 0.1; // float-representable check below uses the float value
        byte[] json = JsonFrameCodec.encode(a);
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"type\":\"command\"").contains("\"NaN\"");
        Frame b = new Frame(8);
        Frames.decode(json, b);
        assertSame(a, b);
    }

    @Test
    void layoutIsLittleEndianAsDocumented() throws Exception {
        Frame f = new Frame(2);
        f.type = FrameType.STATE;
        f.sequence = 1;
        f.sentMicros = 2;
        f.echoSequence = -1;
        f.echoMicros = -1;
        f.reward = 1.0f;
        f.terminated = true;
        f.episode = 3;
        f.step = 200;
        f.setValues(new double[] {1.0, -2.0});
        // The example frame of docs/protocol.md.
        String hex = "a2010200" + "0100000000000000" + "0200000000000000" + "ffffffffffffffff"
                + "ffffffffffffffff" + "0000803f" + "0200" + "00000000" + "03000000" + "c8000000" + "0000803f" + "000000c0";
        assertThat(HexFormat.of().formatHex(FrameCodec.encode(f))).isEqualTo(hex);
        Frame g = new Frame(2);
        FrameCodec.decode(HexFormat.of().parseHex(hex), g);
        assertSame(f, g);
    }

    @Test
    void versionOneFramesStillDecodeWithoutSession() throws Exception {
        // The same example in version 1: no session field, values right after the count.
        String v1 = "a1010200" + "0100000000000000" + "0200000000000000" + "ffffffffffffffff"
                + "ffffffffffffffff" + "0000803f" + "0200" + "0000803f" + "000000c0";
        Frame g = new Frame(2);
        g.session = 7;
        g.episode = 7;
        g.step = 7;
        FrameCodec.decode(HexFormat.of().parseHex(v1), g);
        assertThat(g.session).isZero();
        assertThat(g.episode).isZero();
        assertThat(g.step).isZero();
        assertThat(g.terminated).isTrue();
        assertThat(g.count).isEqualTo(2);
        assertThat(g.values[1]).isEqualTo(-2.0);
        FrameException e = assertThrows(FrameException.class, () -> FrameCodec.decode(HexFormat.of().parseHex(v1 + "00"), g));
        assertThat(e.reason()).isEqualTo(Reason.BAD_LENGTH);
        Frame j = new Frame(2);
        Frames.decode("{\"v\":1,\"type\":\"command\",\"seq\":3,\"t_us\":0,\"values\":[0.5]}".getBytes(), j);
        assertThat(j.session).isZero();
        assertThat(j.values[0]).isEqualTo(0.5);
    }

    @Test
    void everyTruncationIsRejectedAsTruncated() {
        byte[] full = FrameCodec.encode(sample());
        Frame out = new Frame(8);
        for (int len = 0; len < full.length; len++) {
            int n = len;
            FrameException e = assertThrows(FrameException.class, () -> FrameCodec.decode(full, n, out), "length " + len);
            // A cut inside the magic byte region still reports truncation: length is checked first.
            assertThat(e.reason()).as("length %d", len).isEqualTo(Reason.TRUNCATED);
        }
    }

    @Test
    void wrongVersionTypeFlagsTrailingBytesAndCapacityAreRejected() {
        byte[] good = FrameCodec.encode(sample());
        assertReason(mutate(good, 0, 0xA3), Reason.BAD_VERSION, 8);
        assertReason(mutate(good, 0, 0x00), Reason.BAD_VERSION, 8);
        assertReason(mutate(good, 1, 3), Reason.BAD_TYPE, 8);
        assertReason(mutate(good, 2, 0x08), Reason.BAD_FLAGS, 8);
        assertReason(mutate(good, 3, 1), Reason.BAD_FLAGS, 8);
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertReason(trailing, Reason.BAD_LENGTH, 8);
        assertReason(good, Reason.BAD_LENGTH, 4); // 5 values into a 4-value receiver
    }

    @Test
    void badJsonIsRejectedWithReason() {
        assertReason("{".getBytes(), Reason.BAD_JSON, 4);
        assertReason("[1,2]".getBytes(), Reason.BAD_JSON, 4);
        assertReason("{\"v\":3,\"type\":\"state\",\"seq\":1,\"t_us\":1,\"values\":[]}".getBytes(), Reason.BAD_VERSION, 4);
        assertReason("{\"v\":1,\"type\":\"nope\",\"seq\":1,\"t_us\":1,\"values\":[]}".getBytes(), Reason.BAD_TYPE, 4);
        assertReason("{\"v\":1,\"type\":\"state\",\"t_us\":1,\"values\":[]}".getBytes(), Reason.BAD_JSON, 4);
        assertReason("{\"v\":1,\"type\":\"state\",\"seq\":1,\"t_us\":1,\"values\":[\"x\"]}".getBytes(), Reason.BAD_JSON, 4);
        assertReason("{\"v\":1,\"type\":\"state\",\"seq\":1,\"t_us\":1,\"values\":[1,2,3]}".getBytes(), Reason.BAD_LENGTH, 2);
    }

    @Test
    void jsonFromScriptsDecodesWithDefaults() throws Exception {
        Frame f = new Frame(4);
        Frames.decode(" {\"v\":1,\"type\":\"state\",\"seq\":9,\"t_us\":5,\"values\":[1.5,NaN]}".getBytes(), f);
        assertThat(f.sequence).isEqualTo(9);
        assertThat(f.echoSequence).isEqualTo(Frame.NONE);
        assertThat(f.count).isEqualTo(2);
        assertThat(f.values[0]).isEqualTo(1.5);
        assertThat(f.values[1]).isNaN();
    }

    @Test
    void tenThousandRandomAndMutatedPayloadsOnlyEverThrowFrameException() {
        SplittableRandom rnd = new SplittableRandom(42);
        byte[] good = FrameCodec.encode(sample());
        byte[] goodJson = JsonFrameCodec.encode(sample());
        Frame out = new Frame(8);
        int rejected = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] p;
            switch (i % 4) {
                case 0 -> {
                    p = new byte[rnd.nextInt(120)];
                    rnd.nextBytes(p);
                }
                case 1 -> {
                    p = good.clone();
                    for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                        p[rnd.nextInt(p.length)] = (byte) rnd.nextInt(256);
                    }
                    p = java.util.Arrays.copyOf(p, Math.max(0, p.length + rnd.nextInt(9) - 4));
                }
                case 2 -> {
                    p = goodJson.clone();
                    for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                        p[rnd.nextInt(p.length)] = (byte) (32 + rnd.nextInt(95));
                    }
                }
                default -> {
                    p = new byte[rnd.nextInt(80)];
                    rnd.nextBytes(p);
                    if (p.length > 0) {
                        p[0] = (byte) (rnd.nextBoolean() ? '{' : (rnd.nextBoolean() ? 0xA1 : 0xA2));
                    }
                }
            }
            try {
                Frames.decode(p, out);
            } catch (FrameException e) {
                rejected++;
                assertThat(e.reason()).isNotNull();
            }
        }
        // Most mutations must be caught; a few (a flipped value byte) are still valid frames.
        assertThat(rejected).isGreaterThan(7_000);
    }

    @Test
    void formatSelectsEncoding() throws Exception {
        Frame a = sample();
        assertThat(Frames.encode(a, PayloadFormat.BINARY)[0]).isEqualTo((byte) 0xA2);
        assertThat(Frames.encode(a, PayloadFormat.JSON)[0]).isEqualTo((byte) '{');
    }

    @Test
    void encodeRejectsSmallBuffer() {
        assertThatThrownBy(() -> FrameCodec.encode(sample(), new byte[10])).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] mutate(byte[] b, int at, int value) {
        byte[] c = b.clone();
        c[at] = (byte) value;
        return c;
    }

    private static void assertReason(byte[] payload, Reason reason, int capacity) {
        FrameException e = assertThrows(FrameException.class, () -> Frames.decode(payload, new Frame(capacity)));
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    }
}
