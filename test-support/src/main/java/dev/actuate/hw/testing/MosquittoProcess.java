package dev.actuate.hw.testing;

import dev.actuate.mosquitto.LocalMosquitto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private Mosquitto broker for tests: a {@link LocalMosquitto} (its own process on a free loopback
 * port, killed and restarted on the same port to rehearse a broker failure) with the tests'
 * fixtures in its folder: a password file ({@code mosquitto_passwd -b}), an ACL, or a throw-away
 * TLS CA with a server certificate, truststore and client keystores.
 *
 * <p>Lives in main code, not test code, so other modules' tests can use it without a test-jar;
 * they depend on it at test scope only. Typical use in a JUnit test:
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
    public static final String REQUIRE_ENV = LocalMosquitto.REQUIRE_ENV;

    /** Password of the generated {@link #truststore()}; a test fixture, not a secret. */
    public static final String TRUSTSTORE_PASSWORD = "actuate-test";

    /** How clients authenticate to a TLS broker. */
    private enum Tls { NONE, SERVER, MUTUAL }

    private final LocalMosquitto broker;
    private final boolean tls;

    private MosquittoProcess(LocalMosquitto broker, boolean tls) {
        this.broker = broker;
        this.tls = tls;
    }

    /** The Mosquitto executable, or null when none is installed. */
    public static Path executable() {
        return LocalMosquitto.executable();
    }

    /**
     * Whether Mosquitto can be started here. When it cannot and {@value #REQUIRE_ENV}=1, throws
     * with a clear message instead of returning false (so CI never silently skips).
     */
    public static boolean availableOrFail() {
        return LocalMosquitto.availableOrFail();
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
        Path exe = LocalMosquitto.requireExecutable();
        LocalMosquitto broker = LocalMosquitto.start(exe, dir -> fixtureConfig(dir, exe, users, acl, tls) + extraConfig);
        return new MosquittoProcess(broker, tls != Tls.NONE);
    }

    /** Writes the fixtures (certificates, password file, ACL) into {@code dir}; returns the config lines naming them. */
    private static String fixtureConfig(Path dir, Path mosquitto, Map<String, String> users, String acl, Tls tlsMode)
            throws IOException {
        StringBuilder c = new StringBuilder();
        if (tlsMode != Tls.NONE) {
            generateCertificates(dir);
            c.append("cafile ").append(dir.resolve("ca.crt")).append('\n');
            c.append("certfile ").append(dir.resolve("server.crt")).append('\n');
            c.append("keyfile ").append(dir.resolve("server.key")).append('\n');
            if (tlsMode == Tls.MUTUAL) {
                // Clients must present a certificate signed by the test CA; its CN becomes the username.
                c.append("require_certificate true\n").append("use_identity_as_username true\n");
            }
        }
        if (!users.isEmpty()) {
            Path pw = dir.resolve("passwords");
            Files.writeString(pw, "");
            for (Map.Entry<String, String> u : users.entrySet()) {
                run(List.of(passwdTool(mosquitto).toString(), "-b", pw.toString(), u.getKey(), u.getValue()));
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
        return c.toString();
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

    /** {@code tcp://127.0.0.1:<port>}, or {@code ssl://...} for a TLS broker. */
    public String url() {
        return (tls ? "ssl" : "tcp") + "://127.0.0.1:" + broker.port();
    }

    /** PKCS12 truststore with the test CA (TLS brokers only), password {@link #TRUSTSTORE_PASSWORD}. */
    public Path truststore() {
        return broker.dir().resolve("truststore.p12");
    }

    /**
     * A PKCS12 keystore (password {@link #TRUSTSTORE_PASSWORD}) with a new client key and a
     * certificate for {@code commonName} signed by this broker's test CA (TLS brokers only).
     */
    public Path clientKeystore(String commonName) {
        if (!tls) {
            throw new IllegalStateException("clientKeystore needs a TLS broker");
        }
        Path dir = broker.dir();
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
        return broker.port();
    }

    public boolean isAlive() {
        return broker.isAlive();
    }

    /** Kills the broker with SIGKILL, as a crash would: clients see their connection drop. */
    public void kill() {
        broker.kill();
    }

    /** Starts the broker again on the same port and config after {@link #kill()}. */
    public void restart() {
        broker.restart();
    }

    /** What the broker logged so far. */
    public String logText() {
        return broker.logText();
    }

    /** Stops the broker and deletes its folder. */
    @Override
    public void close() {
        broker.close();
    }

    @Override
    public String toString() {
        return "MosquittoProcess[" + url() + "]";
    }
}
