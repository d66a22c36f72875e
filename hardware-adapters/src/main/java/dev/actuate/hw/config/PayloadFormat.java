package dev.actuate.hw.config;

/** Encoding of native-protocol frames: compact binary (default) or the JSON form for debugging. */
public enum PayloadFormat {
    BINARY, JSON
}
