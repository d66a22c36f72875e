/**
 * Robot configuration: the immutable, validated {@link dev.actuate.hw.config.RobotConfig} loaded
 * from {@code configs/robots/<name>.yaml} by {@link dev.actuate.hw.config.RobotConfigLoader}, with
 * its safety block, credentials, TLS settings and (for the mapped adapter) per-signal topic bindings.
 */
package dev.actuate.hw.config;
