package dev.actuate.cli;

import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.mqtt.EmbeddedBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code actuate broker}: runs an embedded MQTT broker (Moquette or Actuate's own, docs/broker.md) until interrupted. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the embedded MQTT broker (Moquette, MQTT 3.1.1; or Actuate's own, MQTT 3.1.1 and 5) until Ctrl-C.")
public final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "1883", description = "TCP port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all interfaces)")
    String host;

    @Option(names = "--username", description = "Require this username (password from --password-env or --password-file)")
    String username;

    @Option(names = "--password-env", paramLabel = "VAR",
            description = "Environment variable holding the password (never passed on the command line)")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File whose first line is the password")
    java.nio.file.Path passwordFile;

    @Option(names = "--embedded-broker", paramLabel = "moquette|actuate",
            description = "Which broker: actuate (Actuate's single-threaded broker, MQTT 3.1.1 and 5, the default) or moquette"
                    + " (Moquette 0.17, MQTT 3.1.1)")
    String impl = "actuate";

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedBroker.Impl which = EmbeddedBroker.Impl.parse("--embedded-broker", impl);
        Credentials creds = null;
        String pw = Secrets.read("--password", passwordEnv, passwordFile);
        if (username != null || pw != null) {
            if (username == null || pw == null) {
                throw new IllegalArgumentException("--username needs --password-env or --password-file, and they need --username");
            }
            creds = new Credentials(username, pw);
        }
        EmbeddedBroker broker = EmbeddedBroker.start(host, port, creds, which);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stop.countDown();
        }, "actuate-broker-shutdown"));
        System.out.println("actuate broker (" + which.label() + "): listening on " + broker.url()
                + (creds == null ? " (anonymous)" : " (user " + creds.username() + ")") + "; Ctrl-C to stop");
        System.out.flush();
        stop.await();
        return 0;
    }
}
