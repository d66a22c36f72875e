package dev.actuate.cli;

import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.config.TlsConfig;
import dev.actuate.hw.robot.MqttRobot;
import dev.actuate.hw.robot.RobotOptions;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@code actuate robot}: a simulator env playing a robot over MQTT (the robot side of HIL). */
@Command(name = "robot", mixinStandardHelpOptions = true,
        description = "Run a simulated robot as an MQTT device speaking Actuate's native protocol (docs/protocol.md).")
public final class RobotCommand implements Callable<Integer> {
    @Option(names = "--env", required = true, description = "Env id, e.g. LunarLanderContinuous-v3, or a robot YAML path")
    String envId;

    @Option(names = "--broker", defaultValue = "tcp://127.0.0.1:1883", description = "Broker URL (default ${DEFAULT-VALUE})")
    String broker;

    @Option(names = "--id", description = "Robot id: topics are actuate/<id>/... (default: a robot YAML's robot:)")
    String id;

    @Option(names = "--lockstep", description = "Wait for the command answering each state before stepping (exact HIL comparisons)")
    boolean lockstep;

    @Option(names = "--rate-hz", description = "Real-time step rate (default: the env's, 50 Hz for Box2D envs, a robot YAML's rate_hz)")
    Double rateHz;

    @Option(names = "--seed", defaultValue = "0", description = "Episode i resets with seed + i (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--episodes", defaultValue = "0", description = "Episodes to run; 0 runs until Ctrl-C (default ${DEFAULT-VALUE})")
    int episodes;

    @Option(names = "--latency-ms", defaultValue = "0", description = "Delay before a received command takes effect")
    double latencyMs;

    @Option(names = "--jitter-ms", defaultValue = "0", description = "Plus a uniform random delay in [0, X) ms")
    double jitterMs;

    @Option(names = "--noise", defaultValue = "0", description = "Gaussian sigma added to published observations")
    double noise;

    @Option(names = "--injection-seed", defaultValue = "0", description = "Seed of the latency-jitter and noise generator")
    long injectionSeed;

    @Option(names = "--json-frames", description = "Publish the JSON form of frames instead of binary")
    boolean jsonFrames;

    @Option(names = "--status-every", paramLabel = "S", defaultValue = "5",
            description = "Print a one-line status every S seconds; 0 = never (default ${DEFAULT-VALUE})")
    double statusEvery;

    @Option(names = "--username", description = "MQTT username (password from --password-env or --password-file)")
    String username;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the MQTT password")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File whose first line is the MQTT password")
    Path passwordFile;

    @Option(names = "--truststore", description = "PKCS12/JKS truststore for ssl:// brokers")
    Path truststore;

    @Option(names = "--truststore-password-env", paramLabel = "VAR", description = "Environment variable holding the truststore password")
    String truststorePasswordEnv;

    @Option(names = "--keystore", description = "PKCS12/JKS keystore with this robot's client certificate (mutual TLS)")
    Path keystore;

    @Option(names = "--keystore-password-env", paramLabel = "VAR", description = "Environment variable holding the keystore password")
    String keystorePasswordEnv;

    @Option(names = "--keystore-password-file", paramLabel = "FILE", description = "File whose first line is the keystore password")
    Path keystorePasswordFile;

    @Option(names = "--mqtt-version", paramLabel = "5|3.1.1",
            description = "MQTT version (default: 5, falling back to 3.1.1 on a broker without it, such as `actuate broker`)")
    String mqttVersion;

    @Override
    public Integer call() {
        dev.actuate.sim.robot.RobotDescription described = Envs.description(envId);
        if (id == null && described == null) {
            throw new IllegalArgumentException("--id is required (only a robot YAML names its robot)");
        }
        String id = this.id != null ? this.id : described.name();
        Env env = Envs.make(envId);
        double rate = rateHz != null ? rateHz : RobotOptions.defaultRateHz(envId);
        RobotOptions o = RobotOptions.of(broker, id, rate).withLockstep(lockstep).withEpisodes(episodes, seed)
                .withInjection(latencyMs, jitterMs, noise, injectionSeed)
                .withPayload(jsonFrames ? PayloadFormat.JSON : PayloadFormat.BINARY)
                .withAuth(credentials(), tls());
        if (mqttVersion != null) {
            dev.actuate.hw.config.MqttVersion v = dev.actuate.hw.config.MqttVersion.parse(mqttVersion);
            if (v == null) {
                throw new IllegalArgumentException("--mqtt-version: '" + mqttVersion + "' is not one of 5, 3.1.1");
            }
            o = o.withMqtt(dev.actuate.hw.config.MqttSettings.of(v));
        }
        if (!(statusEvery >= 0) || Double.isInfinite(statusEvery)) {
            throw new IllegalArgumentException("--status-every: must be a number of seconds >= 0, got " + statusEvery);
        }
        MqttRobot robot = new MqttRobot(env, o);
        // Ctrl-C / SIGTERM: stop the episodes, then let this thread disconnect and print the summary.
        CountDownLatch reported = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            robot.stop();
            try {
                reported.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "actuate-robot-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        ScheduledExecutorService status = null;
        if (statusEvery > 0) {
            status = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "actuate-robot-status");
                t.setDaemon(true);
                return t;
            });
            long ms = Math.max(1, (long) (statusEvery * 1000));
            status.scheduleAtFixedRate(() -> System.out.println(robot.statusLine()), ms, ms, TimeUnit.MILLISECONDS);
        }
        try {
            MqttRobot.Result r;
            try {
                r = robot.run();
            } finally {
                if (status != null) {
                    status.shutdownNow();
                }
                robot.close();
                env.close();
            }
            System.out.printf(Locale.ROOT, "robot %s: %d episodes, mean return %.2f, %d steps, %d commands (%d rejected: %d non-finite,"
                            + " %d from another controller session), %d steps without a fresh command, round trip %s%n", id,
                    r.episodeReturns().size(), r.meanReturn(), r.steps(), r.commandsReceived(), r.commandsRejected(),
                    r.commandsNonFinite(), r.commandsFromOtherSessions(), r.stepsWithoutFreshCommand(), r.roundTrip());
            return 0;
        } finally {
            System.out.flush();
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook is running and now returns.
            }
        }
    }

    private Credentials credentials() {
        String pw = Secrets.read("--password", passwordEnv, passwordFile);
        if (username == null && pw == null) {
            return null;
        }
        if (username == null || pw == null) {
            throw new IllegalArgumentException("--username needs --password-env or --password-file, and they need --username");
        }
        return new Credentials(username, pw);
    }

    private TlsConfig tls() {
        if (truststore == null && keystore == null) {
            return null;
        }
        String keyPw = Secrets.read("--keystore-password", keystorePasswordEnv, keystorePasswordFile);
        if (keystore != null && keyPw == null) {
            throw new IllegalArgumentException("--keystore needs --keystore-password-env or --keystore-password-file");
        }
        return new TlsConfig(truststore, Secrets.read("--truststore-password", truststorePasswordEnv, null), keystore, keyPw);
    }
}
