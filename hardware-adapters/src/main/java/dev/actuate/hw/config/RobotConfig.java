package dev.actuate.hw.config;

import dev.actuate.hw.Signal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A robot as {@code configs/robots/<name>.yaml} describes it; loaded and validated by
 * {@link RobotConfigLoader}. Immutable.
 *
 * @param id             robot id, the {@code <robot>} in {@code actuate/<robot>/...} topics
 * @param broker         broker URL, {@code tcp://host:port} or {@code ssl://host:port}
 * @param adapter        native protocol or mapped topics
 * @param payload        frame encoding for the native adapter
 * @param credentials    username/password, or null for anonymous
 * @param tls            TLS settings, or null (required when the URL is {@code ssl://})
 * @param rateHz         control-loop rate
 * @param stateSignals   observation signals, in policy-input order
 * @param commandSignals command signals, in policy-output order; their limits are what the safety layer clips to
 * @param stateBindings  mapped adapter: one binding per state signal, same order (empty for native)
 * @param commandBindings mapped adapter: one binding per command signal, same order (empty for native)
 * @param envId          sim env id the robot corresponds to (HIL, in-process comparison), or null
 * @param safety         safety-layer settings
 * @param mqtt           MQTT version and expiries (the {@code mqtt:} section; defaults when absent)
 */
public record RobotConfig(String id, String broker, AdapterType adapter, PayloadFormat payload,
        Credentials credentials, TlsConfig tls, double rateHz, List<Signal> stateSignals,
        List<Signal> commandSignals, List<TopicBinding> stateBindings, List<TopicBinding> commandBindings,
        String envId, SafetyConfig safety, MqttSettings mqtt) {

    /** With the default MQTT settings ({@link MqttSettings#defaults()}). */
    public RobotConfig(String id, String broker, AdapterType adapter, PayloadFormat payload,
            Credentials credentials, TlsConfig tls, double rateHz, List<Signal> stateSignals,
            List<Signal> commandSignals, List<TopicBinding> stateBindings, List<TopicBinding> commandBindings,
            String envId, SafetyConfig safety) {
        this(id, broker, adapter, payload, credentials, tls, rateHz, stateSignals, commandSignals, stateBindings,
                commandBindings, envId, safety, null);
    }

    public RobotConfig {
        if (id == null || !id.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("robot: id '" + id + "' must be non-empty and use only letters, digits, '_', '.', '-'");
        }
        if (broker == null || !(broker.startsWith("tcp://") || broker.startsWith("ssl://"))) {
            throw new IllegalArgumentException("broker: '" + broker + "' must start with tcp:// or ssl://");
        }
        if (adapter == null || payload == null) {
            throw new IllegalArgumentException("adapter and payload must be set");
        }
        if (!(rateHz > 0) || rateHz > 100_000) {
            throw new IllegalArgumentException("rate_hz: must be in (0, 100000], got " + rateHz);
        }
        stateSignals = List.copyOf(stateSignals);
        commandSignals = List.copyOf(commandSignals);
        stateBindings = List.copyOf(stateBindings);
        commandBindings = List.copyOf(commandBindings);
        if (stateSignals.isEmpty()) {
            throw new IllegalArgumentException("signals.state: at least one state signal is required");
        }
        if (commandSignals.isEmpty()) {
            throw new IllegalArgumentException("signals.command: at least one command signal is required");
        }
        unique("signals.state", stateSignals);
        unique("signals.command", commandSignals);
        if (adapter == AdapterType.MAPPED) {
            checkBindings("signals.state", stateSignals, stateBindings);
            checkBindings("signals.command", commandSignals, commandBindings);
        } else if (!stateBindings.isEmpty() || !commandBindings.isEmpty()) {
            throw new IllegalArgumentException("signals: topic bindings are only allowed with adapter: mapped");
        }
        if (safety == null) {
            safety = SafetyConfig.defaults(commandSignals.size());
        }
        if (safety.safeAction().length != commandSignals.size()) {
            throw new IllegalArgumentException("safety.safe_action: has " + safety.safeAction().length
                    + " entries but the robot has " + commandSignals.size() + " command signals");
        }
        double[] safe = safety.safeAction();
        for (int i = 0; i < safe.length; i++) {
            Signal s = commandSignals.get(i);
            if (safe[i] < s.min() || safe[i] > s.max()) {
                throw new IllegalArgumentException("safety.safe_action[" + i + "]: " + safe[i] + " is outside the limits of "
                        + s.name() + " [" + s.min() + ", " + s.max() + "]");
            }
        }
        if (mqtt == null) {
            mqtt = MqttSettings.defaults();
        }
        if (broker.startsWith("ssl://") && tls == null) {
            tls = new TlsConfig(null, null);
        }
    }

    /** The same config with another broker URL (command-line override). */
    public RobotConfig withBroker(String url) {
        return new RobotConfig(id, url, adapter, payload, credentials, url.startsWith("ssl://") ? tls : null, rateHz,
                stateSignals, commandSignals, stateBindings, commandBindings, envId, safety, mqtt);
    }

    /** The same config with another robot id (command-line override). */
    public RobotConfig withId(String robotId) {
        return new RobotConfig(robotId, broker, adapter, payload, credentials, tls, rateHz, stateSignals,
                commandSignals, stateBindings, commandBindings, envId, safety, mqtt);
    }

    /** The same config with another rate. */
    public RobotConfig withRateHz(double hz) {
        return new RobotConfig(id, broker, adapter, payload, credentials, tls, hz, stateSignals,
                commandSignals, stateBindings, commandBindings, envId, safety, mqtt);
    }

    /** The same config with other MQTT settings. */
    public RobotConfig withMqtt(MqttSettings settings) {
        return new RobotConfig(id, broker, adapter, payload, credentials, tls, rateHz, stateSignals,
                commandSignals, stateBindings, commandBindings, envId, safety, settings);
    }

    /** How long a command stays valid, in whole seconds (MQTT's message expiry unit); 0 = never. */
    public long commandExpirySeconds() {
        return mqtt.commandExpirySeconds(rateHz);
    }

    /** Control period in nanoseconds. */
    public long periodNanos() {
        return Math.round(1e9 / rateHz);
    }

    private static void unique(String key, List<Signal> signals) {
        Set<String> seen = new HashSet<>();
        for (Signal s : signals) {
            if (!seen.add(s.name())) {
                throw new IllegalArgumentException(key + ": duplicate signal name '" + s.name() + "'");
            }
        }
    }

    private static void checkBindings(String key, List<Signal> signals, List<TopicBinding> bindings) {
        if (bindings.size() != signals.size()) {
            throw new IllegalArgumentException(key + ": adapter mapped needs a topic for every signal ("
                    + bindings.size() + " bindings for " + signals.size() + " signals)");
        }
        for (int i = 0; i < signals.size(); i++) {
            if (!signals.get(i).name().equals(bindings.get(i).signal())) {
                throw new IllegalArgumentException(key + "[" + i + "]: binding for '" + bindings.get(i).signal()
                        + "' does not match signal '" + signals.get(i).name() + "'");
            }
        }
    }
}
