package dev.actuate.hw.config;

/** Payload of one mapped-adapter topic. */
public enum ValueFormat {
    /** The payload is a decimal number as UTF-8 text, e.g. {@code 1.25}. */
    PLAIN,
    /** The payload is a JSON object; the value sits at a dotted field path, e.g. {@code data.position}. */
    JSON
}
