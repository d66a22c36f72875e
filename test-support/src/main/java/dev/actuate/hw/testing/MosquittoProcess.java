package dev.actuate.hw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Mosquitto broker for tests (and benchmarks): its own process on a free loopback port
 * with a generated config in a temporary folder, optionally with a password file
 * ({@code mosquitto_passwd -b}). It can be killed and restarted on the same port to rehearse a
 * broker failure.
 *
 * <p>Lives in main code, not test code, so the controller module's tests can use it without a
 * test-jar. Typical use in a JUnit test:
 * <pre>{@code
 * assumeTrue(MosquittoProcess.availableOrFail(), "mosquitto not installed");
 * try (MosquittoProcess broker = MosquittoProcess.start()) {
 *     ... broker.url() ...
 * }
 * }</pre>
 * Tests using it should be tagged {@code @Tag("mosquitto")}.
 */
public final class MosquittoProcess implements AutoCloseable {
    /** Set to 1 (as CI does) to turn a missing Mosquitto into a failure instead of a skip. */
    public static final String REQUIRE_ENV = "ACTUATE_REQUIRE_MOSQUITTO";
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/mosquitto"), Path.of("/usr/local/sbin/mosquitto"),
            Path.of("/usr/bin/mosquitto"), Path.of("/usr/local/bin/mosquitto"), Path.of("/opt/homebrew/sbin/mosquitto"));

    private final Path executable;
    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private final boolean tls;
    private Process process;

    /** Password of the generated {@link #truststore()}; a test fixture, not a secret. */
    public static final String TRUSTSTORE_PASSWORD = "actuate-test";

    /** How clients authenticate to a TLS broker. */
    private enum Tls { NONE, SERVER, MUTUAL }

    private MosquittoProcess(Path executable, Path dir, int port, Map<String, String> users, String acl, Tls tlsMode,
            String extraConfig) throws IOException {
        this.tls = tlsMode != Tls.NONE;
        this.executable = executable;
        this.dir = dir;
        this.port = port;
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
        StringBuilder c = new StringBuilder();
        c.append("listener ").append(port).append(" 127.0.0.1\n");
        if (tls) {
            generateCertificates(dir);
            c.append("cafile ").append(dir.resolve("ca.crt")).append('\n');
            c.append("certfile ").append(dir.resolve("server.crt")).append('\n');
            c.append("keyfile ").append(dir.resolve("server.key")).append('\n');
            if (tlsMode == Tls.MUTUAL) {
                // Clients must present a certificate signed by the test CA; its CN becomes the username.
                c.append("require_certificate true\n").append("use_identity_as_username true\n");
            }
        }
        c.append("persistence false\n");
        // Mosquitto leaves Nagle's algorithm on by default: a small command then waits for the ACK of
        // the previous packet, about one control period at 100-1000 Hz (measured: round trip ~= period).
        c.append("set_tcp_nodelay true\n");
        // Mosquitto drops root privileges to user "mosquitto", who could not read this folder.
        c.append("user ").append(System.getProperty("user.name")).append('\n');
        c.append("max_queued_messages 100000\n");
        if (!users.isEmpty()) {
            Path pw = dir.resolve("passwords");
            Files.writeString(pw, "");
            for (Map.Entry<String, String> u : users.entrySet()) {
                run(List.of(passwdTool(executable).toString(), "-b", pw.toString(), u.getKey(), u.getValue()));
            }
            c.append("allow_anonymous false\n").append("password_file ").append(pw).append('\n');
        } else {
            c.append("allow_anonymous ").append(tlsMode == Tls.MUTUAL ? "false" : "true").append('\n');
        }
        if (acl != null) {
            Path aclFile = dir.resolve("acl");
            Files.writeString(aclFile, acl);
            c.append("acl_file ").append(aclFile).append('\n');
        }
        c.append(extraConfig);
        Files.writeString(config, c.toString());
    }

    /** The Mosquitto executable, or null when none is installed. */
    public static Path executable() {
        for (Path p : CANDIDATES) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(d, "mosquitto");
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /**
     * Whether Mosquitto can be started here. When it cannot and {@value #REQUIRE_ENV}=1, throws
     * with a clear message instead of returning false (so CI never silently skips).
     */
    public static boolean availableOrFail() {
        if (executable() != null) {
            return true;
        }
        if ("1".equals(System.getenv(REQUIRE_ENV))) {
            throw new IllegalStateException("Mosquitto is required (" + REQUIRE_ENV + "=1) but no mosquitto executable was found in "
                    + CANDIDATES + " or on PATH; install it with: apt-get install -y mosquitto mosquitto-clients");
        }
        return false;
    }

    /** An anonymous broker on a free port, started and accepting connections. */
    public static MosquittoProcess start() {
        return start(null, null);
    }

    /** A broker that accepts only {@code username}/{@code password}. */
    public static MosquittoProcess start(String username, String password) {
        return start(username, password, false);
    }

    /**
     * A broker with several users (name to password) and a Mosquitto ACL file
     * ({@code user NAME} / {@code topic readwrite|read|write PATTERN} lines, {@code %u} = the user).
     */
    public static MosquittoProcess startWithAcl(Map<String, String> users, String acl) {
        return start(new LinkedHashMap<>(users), acl, Tls.NONE);
    }

    /**
     * A TLS broker that requires a client certificate signed by its test CA ({@code require_certificate
     * true}); the certificate's CN is the client's username. Make client keystores with
     * {@link #clientKeystore(String)}.
     */
    public static MosquittoProcess startMutualTls() {
        return start(Map.of(), null, Tls.MUTUAL);
    }

    /**
     * A TLS broker ({@code ssl://}) with a throw-away CA and a server certificate for 127.0.0.1,
     * made with {@code openssl}; {@link #truststore()} holds the CA for clients. Needs openssl and keytool.
     */
    public static MosquittoProcess startTls(String username, String password) {
        return start(username, password, true);
    }

    private static MosquittoProcess start(String username, String password, boolean tls) {
        return start(username == null ? Map.of() : Map.of(username, password), null, tls ? Tls.SERVER : Tls.NONE);
    }

    /**
     * An anonymous broker with extra {@code mosquitto.conf} lines (e.g. {@code queue_qos0_messages true},
     * which queues QoS 0 messages for offline clients whose session persists).
     */
    public static MosquittoProcess startWithConfig(String extraLines) {
        return start(Map.of(), null, Tls.NONE, extraLines.endsWith("\n") ? extraLines : extraLines + "\n");
    }

    private static MosquittoProcess start(Map<String, String> users, String acl, Tls tls) {
        return start(users, acl, tls, "");
    }

    private static MosquittoProcess start(Map<String, String> users, String acl, Tls tls, String extraConfig) {
        Path exe = executable();
        if (exe == null) {
            throw new IllegalStateException("no mosquitto executable found; install mosquitto");
        }
        try {
            MosquittoProcess m = new MosquittoProcess(exe, Files.createTempDirectory("actuate-mosquitto"), freePort(),
                    users, acl, tls, extraConfig);
            m.launch();
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start mosquitto: " + e.getMessage(), e);
        }
    }

    private static Path passwdTool(Path mosquitto) {
        for (Path p : List.of(mosquitto.resolveSibling("mosquitto_passwd"), Path.of("/usr/bin/mosquitto_passwd"),
                Path.of("/usr/local/bin/mosquitto_passwd"))) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("mosquitto_passwd not found next to " + mosquitto + " or in /usr/bin");
    }

    private static void run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                // The command line holds a password: name only the tool.
                throw new IOException(Path.of(cmd.get(0)).getFileName() + " failed: "
                        + new String(p.getInputStream().readAllBytes()).trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(executable.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("mosquitto exited with " + process.exitValue() + "; log:\n" + logText());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        process.destroyForcibly();
        throw new IOException("mosquitto did not accept connections on port " + port + " within 10 s; log:\n" + logText());
    }

    /** {@code tcp://127.0.0.1:<port>}, or {@code ssl://...} for a TLS broker. */
    public String url() {
        return (tls ? "ssl" : "tcp") + "://127.0.0.1:" + port;
    }

    /** PKCS12 truststore with the test CA (TLS brokers only), password {@link #TRUSTSTORE_PASSWORD}. */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /**
     * A PKCS12 keystore (password {@link #TRUSTSTORE_PASSWORD}) with a new client key and a
     * certificate for {@code commonName} signed by this broker's test CA (TLS brokers only).
     */
    public Path clientKeystore(String commonName) {
        if (!tls) {
            throw new IllegalStateException("clientKeystore needs a TLS broker");
        }
        String d = dir.toString();
        String n = commonName.replaceAll("[^A-Za-z0-9_-]", "_");
        try {
            run(List.of("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + commonName,
                    "-keyout", d + "/" + n + ".key", "-out", d + "/" + n + ".csr"));
            run(List.of("openssl", "x509", "-req", "-in", d + "/" + n + ".csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
                    "-CAcreateserial", "-days", "2", "-out", d + "/" + n + ".crt"));
            run(List.of("openssl", "pkcs12", "-export", "-in", d + "/" + n + ".crt", "-inkey", d + "/" + n + ".key",
                    "-name", n, "-out", d + "/" + n + ".p12", "-passout", "pass:" + TRUSTSTORE_PASSWORD));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a client certificate: " + e.getMessage(), e);
        }
        return dir.resolve(n + ".p12");
    }

    private static void generateCertificates(Path dir) throws IOException {
        String d = dir.toString();
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=actuate-test-ca",
                "-keyout", d + "/ca.key", "-out", d + "/ca.crt"));
        run(List.of("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                "-keyout", d + "/server.key", "-out", d + "/server.csr"));
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(List.of("openssl", "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", d + "/san.ext", "-out", d + "/server.crt"));
        run(List.of("keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", d + "/ca.crt", "-keystore",
                d + "/truststore.p12", "-storetype", "PKCS12", "-storepass", TRUSTSTORE_PASSWORD));
    }

    public int port() {
        return port;
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
            throw new UncheckedIOException(e);
        }
    }

    /** What the broker logged so far. */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Stops the broker and deletes its folder. */
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
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // A leftover temp folder is harmless.
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "MosquittoProcess[" + url() + "]";
    }
}
