package dev.actuate.hw.config;

/** Which hardware adapter a robot config selects. */
public enum AdapterType {
    /** Actuate's own wire protocol (docs/protocol.md) on {@code actuate/<robot>/...}. */
    NATIVE,
    /** Third-party device: one topic per signal, see {@link TopicBinding}. */
    MAPPED
}
