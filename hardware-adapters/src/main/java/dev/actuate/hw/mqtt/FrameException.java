package dev.actuate.hw.mqtt;

/** A payload that is not a valid frame; {@link #reason()} says why. Malformed input never throws anything else. */
public final class FrameException extends Exception {
    /** Why a payload was rejected. */
    public enum Reason {
        /** Shorter than the fixed header, or than the header plus the values it announces. */
        TRUNCATED,
        /** First byte is not the magic/version byte this codec speaks. */
        BAD_VERSION,
        /** Unknown frame type, or not the type the receiver expects. */
        BAD_TYPE,
        /** Unknown flag bits or a non-zero reserved byte. */
        BAD_FLAGS,
        /** Bytes after the last value, or a value count the receiver cannot take. */
        BAD_LENGTH,
        /** The JSON form is not valid JSON or lacks / mistypes a field. */
        BAD_JSON,
        /** A mapped-topic payload is not a number (plain) or lacks the bound JSON field. */
        BAD_VALUE
    }

    private final Reason reason;

    public FrameException(Reason reason, String message) {
        super(reason + ": " + message, null, false, false); // no stack trace: rejects are counted, not debugged
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
