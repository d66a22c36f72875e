package dev.actuate.mosquitto;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LocalMosquittoTest {

    @Test
    @Tag("mosquitto")
    void startsKillsAndRestartsOnTheSamePort() throws Exception {
        assumeTrue(LocalMosquitto.availableOrFail(), "mosquitto not installed");
        Path dir;
        try (LocalMosquitto broker = LocalMosquitto.start()) {
            dir = broker.dir();
            int port = broker.port();
            assertThat(broker.url()).isEqualTo("tcp://127.0.0.1:" + port);
            assertThat(Files.readString(broker.config())).contains("listener " + port + " 127.0.0.1\n")
                    .contains("set_tcp_nodelay true\n").contains("persistence false\n").contains("allow_anonymous true\n");
            assertThat(broker.isAlive()).isTrue();
            connect(port);

            broker.kill();
            assertThat(broker.isAlive()).isFalse();
            assertThatThrownBy(() -> connect(port)).isInstanceOf(ConnectException.class);

            long firstPid = broker.pid();
            broker.restart();
            assertThat(broker.isAlive()).isTrue();
            assertThat(broker.port()).isEqualTo(port);
            assertThat(broker.pid()).isNotEqualTo(firstPid);
            connect(port);
            assertThatThrownBy(broker::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("still running");
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    @Tag("mosquitto")
    void writesTheCallersLinesAfterItsOwnAndCanWriteFilesFirst() throws Exception {
        assumeTrue(LocalMosquitto.availableOrFail(), "mosquitto not installed");
        try (LocalMosquitto broker = LocalMosquitto.start(LocalMosquitto.requireExecutable(), dir -> {
            Files.writeString(dir.resolve("acl"), "topic readwrite #\n");
            return "allow_anonymous true\nacl_file " + dir.resolve("acl"); // no trailing newline: the launcher adds it
        })) {
            assertThat(Files.readString(broker.config())).endsWith("max_queued_messages 100000\nallow_anonymous true\nacl_file "
                    + broker.dir().resolve("acl") + "\n");
            connect(broker.port());
        }
    }

    @Test
    void aMissingExecutableIsNamedInTheError() {
        Path missing = Path.of("/nonexistent/actuate/mosquitto");
        assertThatThrownBy(() -> LocalMosquitto.start(missing, dir -> "allow_anonymous true\n"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(missing.toString());
    }

    @Test
    @Tag("mosquitto")
    void aBrokerThatDoesNotStartIsReportedWithItsLogAndLeavesNoFolder() {
        assumeTrue(LocalMosquitto.availableOrFail(), "mosquitto not installed");
        Path exe = LocalMosquitto.requireExecutable();
        Path[] dir = new Path[1];
        assertThatThrownBy(() -> LocalMosquitto.start(exe, d -> {
            dir[0] = d;
            return "no_such_option true\n";
        })).isInstanceOf(UncheckedIOException.class).hasMessageContaining(exe.toString()).hasMessageContaining("no_such_option");
        assertThat(dir[0]).doesNotExist();
    }

    private static void connect(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        }
    }
}
