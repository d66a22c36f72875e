package dev.actuate.mosquitto;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Mosquitto broker: its own child process on a free loopback port, with a generated
 * {@code mosquitto.conf} in a temporary folder that {@link #close()} deletes. It can be killed and
 * restarted on the same port and config, as a broker crash and recovery.
 *
 * <p>The config always holds the listener on 127.0.0.1, {@code persistence false},
 * {@code set_tcp_nodelay true}, {@code user} = the current user and a deep message queue. {@link #start()}
 * adds {@code allow_anonymous true}; {@link #start(Path, ExtraConfig)} adds whatever the caller writes
 * (authentication, TLS, broker options), after writing any files it needs into the broker's folder.
 * <pre>{@code
 * if (LocalMosquitto.availableOrFail()) {
 *     try (LocalMosquitto broker = LocalMosquitto.start()) {
 *         ... broker.url() ...
 *     }
 * }
 * }</pre>
 */
public final class LocalMosquitto implements AutoCloseable {
    /** Set to 1 (as CI does) to turn a missing Mosquitto into a failure of {@link #availableOrFail()}. */
    public static final String REQUIRE_ENV = "ACTUATE_REQUIRE_MOSQUITTO";
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/mosquitto"), Path.of("/usr/local/sbin/mosquitto"),
            Path.of("/usr/bin/mosquitto"), Path.of("/usr/local/bin/mosquitto"), Path.of("/opt/homebrew/sbin/mosquitto"));
    private static final long START_TIMEOUT_S = 10;

    /** The caller's part of {@code mosquitto.conf}. */
    @FunctionalInterface
    public interface ExtraConfig {
        /**
         * Whole config lines, appended after the launcher's own. {@code dir} is the broker's new, empty
         * folder: files the lines name (password file, ACL, certificates) can be written there first.
         */
        String lines(Path dir) throws IOException;
    }

    private final Path executable;
    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private Process process;

    private LocalMosquitto(Path executable, Path dir, int port) {
        this.executable = executable;
        this.dir = dir;
        this.port = port;
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
    }

    /** The Mosquitto executable (the usual install paths, then PATH), or null when none is installed. */
    public static Path executable() {
        for (Path p : CANDIDATES) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path p = Path.of(d, "mosquitto");
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** {@link #executable()}, or an {@link IllegalStateException} that says where it was looked for. */
    public static Path requireExecutable() {
        Path exe = executable();
        if (exe == null) {
            throw new IllegalStateException(notFound());
        }
        return exe;
    }

    /**
     * Whether Mosquitto can be started here. When it cannot and {@value #REQUIRE_ENV}=1, throws with a
     * clear message instead of returning false (so CI never silently skips).
     */
    public static boolean availableOrFail() {
        if (executable() != null) {
            return true;
        }
        if ("1".equals(System.getenv(REQUIRE_ENV))) {
            throw new IllegalStateException("Mosquitto is required (" + REQUIRE_ENV + "=1) but " + notFound());
        }
        return false;
    }

    private static String notFound() {
        return "no mosquitto executable was found in " + CANDIDATES
                + " or on PATH; install it with: apt-get install -y mosquitto mosquitto-clients";
    }

    /** An anonymous broker on a free port, started and accepting connections. */
    public static LocalMosquitto start() {
        return start(requireExecutable(), dir -> "allow_anonymous true\n");
    }

    /**
     * A broker run by {@code executable} with the caller's config lines, started and accepting connections
     * on a free port. Throws {@link IllegalStateException} when {@code executable} cannot be run, and
     * {@link UncheckedIOException} (with the broker's log) when it does not start; its folder is then deleted.
     */
    public static LocalMosquitto start(Path executable, ExtraConfig extra) {
        if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
            throw new IllegalStateException("mosquitto executable " + executable + " does not exist or is not executable");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("actuate-mosquitto");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for mosquitto: " + e.getMessage(), e);
        }
        try {
            LocalMosquitto m = new LocalMosquitto(executable, dir, freePort());
            m.writeConfig(extra.lines(dir));
            m.launch();
            return m;
        } catch (IOException e) {
            deleteTree(dir);
            throw new UncheckedIOException("cannot start mosquitto: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    private void writeConfig(String extraLines) throws IOException {
        StringBuilder c = new StringBuilder();
        c.append("listener ").append(port).append(" 127.0.0.1\n");
        c.append("persistence false\n");
        // Mosquitto leaves Nagle's algorithm on by default: a small command then waits for the ACK of
        // the previous packet, about one control period at 100-1000 Hz (measured: round trip ~= period).
        c.append("set_tcp_nodelay true\n");
        // Mosquitto drops root privileges to user "mosquitto", who could not read this folder.
        c.append("user ").append(System.getProperty("user.name")).append('\n');
        c.append("max_queued_messages 100000\n");
        c.append(extraLines);
        if (!extraLines.isEmpty() && !extraLines.endsWith("\n")) {
            c.append('\n');
        }
        Files.writeString(config, c.toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(executable.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        try {
            while (System.nanoTime() < deadline) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return;
                } catch (IOException notYet) {
                    // Not listening yet: wait a little, or stop if it exited.
                }
                if (process.waitFor(20, TimeUnit.MILLISECONDS)) {
                    throw new IOException(executable + " exited with " + process.exitValue() + "; its log:\n" + logText());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new InterruptedIOException("interrupted while " + executable + " started");
        }
        kill();
        throw new IOException(executable + " did not accept connections on port " + port + " within " + START_TIMEOUT_S
                + " s; its log:\n" + logText());
    }

    /** {@code tcp://127.0.0.1:<port>}. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The broker's temporary folder (config, log and the caller's files); deleted by {@link #close()}. */
    public Path dir() {
        return dir;
    }

    /** The generated {@code mosquitto.conf}. */
    public Path config() {
        return config;
    }

    /** The process id of the running broker (a new one after {@link #restart()}). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Kills the broker with SIGKILL, as a crash would: clients see their connection drop. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the broker again on the same port and config after {@link #kill()}. */
    public void restart() {
        if (isAlive()) {
            throw new IllegalStateException("mosquitto on port " + port + " is still running");
        }
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart mosquitto: " + e.getMessage(), e);
        }
    }

    /** What the broker logged so far (over all its starts). */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 5 s) and deletes its folder. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // A leftover temp folder is harmless.
        }
    }

    @Override
    public String toString() {
        return "LocalMosquitto[" + url() + "]";
    }
}
