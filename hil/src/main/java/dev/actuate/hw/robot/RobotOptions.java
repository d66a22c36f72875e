package dev.actuate.hw.robot;

import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.config.MqttSettings;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.config.TlsConfig;

/**
 * How {@link MqttRobot} plays its env.
 *
 * @param rateHz      real-time step rate (ignored in lock-step)
 * @param lockstep    wait for the command answering the newest state before each step
 * @param seed        episode i resets with {@code seed + i}
 * @param episodes    episodes to run; 0 runs until stopped
 * @param latencyMs   fixed delay added before a received command takes effect
 * @param jitterMs    plus a uniform random delay in [0, jitterMs)
 * @param noiseSigma  Gaussian noise added to each published observation value (not to the env)
 * @param noiseSeed   seeds the latency-jitter and noise generator
 * @param mqtt        MQTT version, and the command expiry the robot enforces: a command answering a
 *                    state older than {@code mqtt.commandExpirySeconds(rateHz)} is dropped (any version)
 */
public record RobotOptions(String brokerUrl, String robotId, double rateHz, boolean lockstep, long seed, int episodes,
        double latencyMs, double jitterMs, double noiseSigma, long noiseSeed, PayloadFormat payload,
        Credentials credentials, TlsConfig tls, MqttSettings mqtt) {
    /** With the default MQTT settings (5, falling back to 3.1.1; commands expire after 3 periods, at least 1 s). */
    public RobotOptions(String brokerUrl, String robotId, double rateHz, boolean lockstep, long seed, int episodes,
            double latencyMs, double jitterMs, double noiseSigma, long noiseSeed, PayloadFormat payload,
            Credentials credentials, TlsConfig tls) {
        this(brokerUrl, robotId, rateHz, lockstep, seed, episodes, latencyMs, jitterMs, noiseSigma, noiseSeed, payload,
                credentials, tls, null);
    }

    public RobotOptions {
        if (mqtt == null) {
            mqtt = MqttSettings.defaults();
        }
        if (!(rateHz > 0)) {
            throw new IllegalArgumentException("rate: must be > 0 Hz, got " + rateHz);
        }
        if (episodes < 0) {
            throw new IllegalArgumentException("episodes: must be >= 0, got " + episodes);
        }
        if (!(latencyMs >= 0) || !(jitterMs >= 0) || !(noiseSigma >= 0)) {
            throw new IllegalArgumentException("latency, jitter and noise must be >= 0");
        }
    }

    /** Real time, seed 0, forever, no injection, binary frames, anonymous. */
    public static RobotOptions of(String brokerUrl, String robotId, double rateHz) {
        return new RobotOptions(brokerUrl, robotId, rateHz, false, 0, 0, 0, 0, 0, 0, PayloadFormat.BINARY, null, null);
    }

    public RobotOptions withLockstep(boolean v) {
        return new RobotOptions(brokerUrl, robotId, rateHz, v, seed, episodes, latencyMs, jitterMs, noiseSigma, noiseSeed, payload, credentials, tls, mqtt);
    }

    public RobotOptions withEpisodes(int n, long firstSeed) {
        return new RobotOptions(brokerUrl, robotId, rateHz, lockstep, firstSeed, n, latencyMs, jitterMs, noiseSigma, noiseSeed, payload, credentials, tls, mqtt);
    }

    public RobotOptions withInjection(double latency, double jitter, double noise, long injectionSeed) {
        return new RobotOptions(brokerUrl, robotId, rateHz, lockstep, seed, episodes, latency, jitter, noise, injectionSeed, payload, credentials, tls, mqtt);
    }

    public RobotOptions withAuth(Credentials c, TlsConfig t) {
        return new RobotOptions(brokerUrl, robotId, rateHz, lockstep, seed, episodes, latencyMs, jitterMs, noiseSigma, noiseSeed, payload, c, t, mqtt);
    }

    public RobotOptions withPayload(PayloadFormat p) {
        return new RobotOptions(brokerUrl, robotId, rateHz, lockstep, seed, episodes, latencyMs, jitterMs, noiseSigma, noiseSeed, p, credentials, tls, mqtt);
    }

    public RobotOptions withMqtt(MqttSettings settings) {
        return new RobotOptions(brokerUrl, robotId, rateHz, lockstep, seed, episodes, latencyMs, jitterMs, noiseSigma, noiseSeed, payload, credentials, tls, settings);
    }

    /**
     * The real-time rate of an env: a robot description's {@code rate_hz}; for registered envs, Box2D
     * envs and the arm step at 50 Hz, Pendulum at 20 Hz (dt 0.05).
     */
    public static double defaultRateHz(String envId) {
        dev.actuate.sim.robot.RobotDescription d = dev.actuate.sim.Envs.description(envId);
        if (d != null) {
            return d.rateHz();
        }
        return envId.startsWith("Pendulum") ? 20 : 50;
    }
}
