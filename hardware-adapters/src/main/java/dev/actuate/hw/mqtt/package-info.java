/**
 * MQTT hardware adapters: Actuate's native wire protocol ({@link dev.actuate.hw.mqtt.FrameCodec},
 * {@link dev.actuate.hw.mqtt.JsonFrameCodec}, docs/protocol.md) spoken by
 * {@link dev.actuate.hw.mqtt.NativeMqttAdapter}, per-signal topics for third-party devices in
 * {@link dev.actuate.hw.mqtt.MappedMqttAdapter}, the Paho plumbing they share
 * ({@link dev.actuate.hw.mqtt.MqttLink}). The embedded broker ({@code EmbeddedBroker}, same package)
 * lives in the {@code hil} module, so the deployable controller carries no broker.
 */
package dev.actuate.hw.mqtt;
