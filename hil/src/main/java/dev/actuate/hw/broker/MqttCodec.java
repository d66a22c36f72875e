package dev.actuate.hw.broker;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The MQTT 3.1.1 / 5 wire format the broker needs: framing, the field types, MQTT 5 properties.
 * Decoding reads one complete packet ({@link In}); encoding writes into a {@link ByteBuffer} the
 * caller sends. Anything that breaks the protocol throws {@link ProtocolException} with the MQTT 5
 * reason code to close with.
 */
final class MqttCodec {
    static final int CONNECT = 1, CONNACK = 2, PUBLISH = 3, PUBACK = 4, PUBREC = 5, PUBREL = 6, PUBCOMP = 7,
            SUBSCRIBE = 8, SUBACK = 9, UNSUBSCRIBE = 10, UNSUBACK = 11, PINGREQ = 12, PINGRESP = 13, DISCONNECT = 14,
            AUTH = 15;

    /** MQTT 5 reason codes the broker sends. */
    static final int RC_SUCCESS = 0x00, RC_DISCONNECT_WITH_WILL = 0x04, RC_NO_SUBSCRIPTION = 0x11,
            RC_UNSPECIFIED = 0x80, RC_MALFORMED = 0x81, RC_PROTOCOL_ERROR = 0x82, RC_UNSUPPORTED_VERSION = 0x84,
            RC_BAD_CREDENTIALS = 0x86, RC_NOT_AUTHORIZED = 0x87, RC_BAD_AUTH_METHOD = 0x8C, RC_KEEP_ALIVE_TIMEOUT = 0x8D,
            RC_TAKEN_OVER = 0x8E, RC_FILTER_INVALID = 0x8F, RC_TOPIC_INVALID = 0x90, RC_PACKET_TOO_LARGE = 0x95,
            RC_QUOTA_EXCEEDED = 0x97, RC_QOS_NOT_SUPPORTED = 0x9B, RC_SHARED_NOT_SUPPORTED = 0x9E,
            RC_TOPIC_ALIAS_INVALID = 0x94;

    /** MQTT 5 property identifiers the broker reads or writes. */
    static final int P_PAYLOAD_FORMAT = 0x01, P_MESSAGE_EXPIRY = 0x02, P_CONTENT_TYPE = 0x03, P_RESPONSE_TOPIC = 0x08,
            P_CORRELATION_DATA = 0x09, P_SUBSCRIPTION_ID = 0x0B, P_SESSION_EXPIRY = 0x11, P_ASSIGNED_CLIENT_ID = 0x12,
            P_AUTH_METHOD = 0x15, P_REASON_STRING = 0x1F, P_RECEIVE_MAXIMUM = 0x21, P_TOPIC_ALIAS_MAXIMUM = 0x22,
            P_TOPIC_ALIAS = 0x23, P_MAXIMUM_QOS = 0x24, P_USER_PROPERTY = 0x26, P_MAXIMUM_PACKET_SIZE = 0x27,
            P_SUBSCRIPTION_IDS_AVAILABLE = 0x29, P_SHARED_AVAILABLE = 0x2A;

    private MqttCodec() {
    }

    /** Input that breaks the protocol; {@code reason} is the MQTT 5 reason code for the DISCONNECT. */
    static final class ProtocolException extends Exception {
        final int reason;

        ProtocolException(int reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    static ProtocolException malformed(String what) {
        return new ProtocolException(RC_MALFORMED, what);
    }

    /**
     * The total length (fixed header included) of the packet starting at {@code b.position()}, or -1
     * while its fixed header is incomplete. A remaining length over {@code maxRemaining} throws.
     */
    static int frameLength(ByteBuffer b, int maxRemaining) throws ProtocolException {
        int p = b.position();
        int value = 0;
        for (int i = 0; i < 4; i++) {
            if (p + 1 + i >= b.limit()) {
                return -1;
            }
            int digit = b.get(p + 1 + i) & 0xFF;
            value |= (digit & 0x7F) << (7 * i);
            if ((digit & 0x80) == 0) {
                if (value > maxRemaining) {
                    throw new ProtocolException(RC_PACKET_TOO_LARGE, "packet of " + value + " bytes is over the broker's "
                            + maxRemaining + "-byte limit");
                }
                return 1 + i + 1 + value;
            }
        }
        throw malformed("remaining length longer than 4 bytes");
    }

    static int varIntSize(int v) {
        return v < 128 ? 1 : v < 16_384 ? 2 : v < 2_097_152 ? 3 : 4;
    }

    static void putVarInt(ByteBuffer b, int v) {
        do {
            int digit = v & 0x7F;
            v >>>= 7;
            b.put((byte) (v > 0 ? digit | 0x80 : digit));
        } while (v > 0);
    }

    static void putUtf8(ByteBuffer b, byte[] utf8) {
        b.putShort((short) utf8.length);
        b.put(utf8);
    }

    /** A reader over one packet's variable header and payload; reused (the broker is single-threaded). */
    static final class In {
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
        private ByteBuffer b;
        private int end;
        /** The block being read (set by {@link #props}), to name in errors; prefixed only when one is thrown. */
        private String where;

        private String context(String what) {
            return where == null ? what : where + " " + what;
        }

        void reset(ByteBuffer buffer, int start, int end) {
            b = buffer;
            b.position(start);
            this.end = end;
        }

        int remaining() {
            return end - b.position();
        }

        private void need(int n, String what) throws ProtocolException {
            if (remaining() < n) {
                throw malformed(context(what) + " runs past the end of the packet");
            }
        }

        int u8(String what) throws ProtocolException {
            need(1, what);
            return b.get() & 0xFF;
        }

        int u16(String what) throws ProtocolException {
            need(2, what);
            return b.getShort() & 0xFFFF;
        }

        long u32(String what) throws ProtocolException {
            need(4, what);
            return b.getInt() & 0xFFFFFFFFL;
        }

        int varInt(String what) throws ProtocolException {
            int value = 0;
            for (int i = 0; i < 4; i++) {
                int digit = u8(what);
                value |= (digit & 0x7F) << (7 * i);
                if ((digit & 0x80) == 0) {
                    return value;
                }
            }
            throw malformed(context(what) + ": variable byte integer longer than 4 bytes");
        }

        byte[] binary(String what) throws ProtocolException {
            int n = u16(what);
            need(n, what);
            byte[] out = new byte[n];
            b.get(out);
            return out;
        }

        /** A UTF-8 string: well-formed and free of U+0000, as MQTT requires. */
        String utf8(String what) throws ProtocolException {
            int n = u16(what);
            need(n, what);
            ByteBuffer slice = b.slice();
            slice.limit(n);
            b.position(b.position() + n);
            String s;
            try {
                CharBuffer cb = utf8.reset().decode(slice);
                s = cb.toString();
            } catch (CharacterCodingException e) {
                throw malformed(context(what) + " is not valid UTF-8");
            }
            if (s.indexOf('\0') >= 0) {
                throw malformed(context(what) + " contains U+0000");
            }
            return s;
        }

        /**
         * Whether the next field is a string with exactly these UTF-8 bytes; if so it is consumed, otherwise
         * nothing is. Compares in place, so a repeated topic costs no decoding and no allocation.
         */
        boolean nextStringIs(byte[] utf8) {
            int p = b.position();
            int n = utf8.length;
            if (end - p < 2 + n || (b.getShort(p) & 0xFFFF) != n) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (b.get(p + 2 + i) != utf8[i]) {
                    return false;
                }
            }
            b.position(p + 2 + n);
            return true;
        }

        byte[] rest() {
            byte[] out = new byte[remaining()];
            b.get(out);
            return out;
        }

        /**
         * Reads an MQTT 5 property block. Every defined property is parsed by its type (so none is
         * misread); the ones a forwarded PUBLISH carries on are copied raw into {@link Props#forward}.
         * An undefined identifier cannot be skipped (its length is unknown), so it is malformed.
         */
        Props props(String where) throws ProtocolException {
            this.where = where;
            try {
                return readProps(where);
            } finally {
                this.where = null;
            }
        }

        private Props readProps(String where) throws ProtocolException {
            Props p = new Props();
            int len = varInt("property length");
            need(len, "properties");
            int stop = b.position() + len;
            ByteArrayOutputStream forward = null;
            while (b.position() < stop) {
                int start = b.position();
                int id = varInt("property id");
                switch (id) {
                    case P_PAYLOAD_FORMAT, 0x17, 0x19, P_MAXIMUM_QOS, 0x25, 0x28, P_SUBSCRIPTION_IDS_AVAILABLE,
                            P_SHARED_AVAILABLE -> u8("property");
                    case P_MESSAGE_EXPIRY -> p.messageExpiry = u32("message expiry");
                    case P_SESSION_EXPIRY -> p.sessionExpiry = u32("session expiry");
                    case 0x18 -> p.willDelay = u32("will delay");
                    case P_MAXIMUM_PACKET_SIZE -> {
                        p.maximumPacketSize = u32("maximum packet size");
                        if (p.maximumPacketSize == 0) {
                            throw new ProtocolException(RC_PROTOCOL_ERROR, "maximum packet size 0");
                        }
                    }
                    case 0x13 -> u16("property");
                    case P_RECEIVE_MAXIMUM -> {
                        p.receiveMaximum = u16("receive maximum");
                        if (p.receiveMaximum == 0) {
                            throw new ProtocolException(RC_PROTOCOL_ERROR, "receive maximum 0");
                        }
                    }
                    case P_TOPIC_ALIAS_MAXIMUM -> u16("property");
                    case P_TOPIC_ALIAS -> p.topicAlias = u16("topic alias");
                    case P_SUBSCRIPTION_ID -> varInt("subscription identifier");
                    case P_CONTENT_TYPE, P_RESPONSE_TOPIC, P_ASSIGNED_CLIENT_ID, 0x1A, 0x1C, P_REASON_STRING ->
                            utf8("property");
                    case P_AUTH_METHOD -> p.authMethod = utf8("authentication method");
                    case P_CORRELATION_DATA, 0x16 -> binary("property");
                    case P_USER_PROPERTY -> {
                        utf8("user property name");
                        utf8("user property value");
                    }
                    default -> throw malformed(where + ": unknown property id 0x" + Integer.toHexString(id));
                }
                if (b.position() > stop) {
                    throw malformed(where + ": a property runs past the property length");
                }
                if (id == P_PAYLOAD_FORMAT || id == P_CONTENT_TYPE || id == P_RESPONSE_TOPIC || id == P_CORRELATION_DATA
                        || id == P_USER_PROPERTY) {
                    if (forward == null) {
                        forward = new ByteArrayOutputStream();
                    }
                    forward.write(b.array(), b.arrayOffset() + start, b.position() - start);
                }
            }
            p.forward = forward == null ? NO_BYTES : forward.toByteArray();
            return p;
        }
    }

    static final byte[] NO_BYTES = new byte[0];

    /** The MQTT 5 properties the broker acts on; -1 / null where absent. */
    static final class Props {
        long messageExpiry = -1;
        long sessionExpiry = -1;
        long willDelay = -1;
        long maximumPacketSize = -1;
        int receiveMaximum = -1;
        int topicAlias = -1;
        String authMethod;
        /** Raw payload format, content type, response topic, correlation data and user properties, in order. */
        byte[] forward = NO_BYTES;
    }
}
