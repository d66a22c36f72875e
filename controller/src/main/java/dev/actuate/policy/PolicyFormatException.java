package dev.actuate.policy;

import java.io.IOException;

/** A policy file that cannot be used, with the file and the field at fault in the message. */
public class PolicyFormatException extends IOException {
    private final String source;
    private final String field;

    public PolicyFormatException(String source, String field, String message) {
        this(source, field, message, null);
    }

    public PolicyFormatException(String source, String field, String message, Throwable cause) {
        super(source + (field == null ? "" : ": field '" + field + "'") + ": " + message, cause);
        this.source = source;
        this.field = field;
    }

    /** The file (or other source) at fault. */
    public String source() {
        return source;
    }

    /** The field at fault (e.g. {@code action.low}), or null for the container (magic, version, checksum). */
    public String field() {
        return field;
    }
}
