package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.Credentials;
import dev.actuate.hw.config.TlsConfig;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttLinkTest {
    @Test
    void socketFactoriesDisableNagle() throws Exception {
        try (Socket s = new NoDelaySocketFactory().createSocket()) {
            assertThat(s.getTcpNoDelay()).isTrue();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        try (Socket s = new NoDelaySslSocketFactory(ctx.getSocketFactory()).createSocket()) {
            assertThat(s.getTcpNoDelay()).isTrue();
        }
    }

    @Test
    void optionsNeverPrintPasswords() {
        MqttLinkOptions o = MqttLinkOptions.of("ssl://h:8883", "c1", new Credentials("bob", "s3cr3t"),
                new TlsConfig(Path.of("ca.p12"), "storepw"), null);
        assertThat(o.toString()).contains("bob").contains("ca.p12").doesNotContain("s3cr3t").doesNotContain("storepw");
    }

    @Test
    void unreachableBrokerIsAClearErrorAndLeavesNoThreads() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String url = "tcp://127.0.0.1:" + port;
        MqttLink link = new MqttLink(MqttLinkOptions.of(url, "unreach-" + port, new Credentials("bob", "pw"), null, null), List.of());
        assertThatThrownBy(link::start).isInstanceOf(MqttConnectException.class)
                .hasMessageContaining("unreachable").hasMessageContaining(url).hasMessageContaining("user bob")
                .satisfies(e -> assertThat(((MqttConnectException) e).kind()).isEqualTo(MqttConnectException.Kind.UNREACHABLE));
        link.close();
        MqttTestSupport.await("no client threads", () -> MqttTestSupport.threadsNamedContaining("unreach-" + port) == 0);
    }

    @Test
    void badTruststoreNamesTheFile() {
        assertThatThrownBy(() -> NoDelaySslSocketFactory.forConfig(new TlsConfig(Path.of("/no/such/ca.p12"), "zebra-pass")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/no/such/ca.p12")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("zebra-pass"));
        assertThatThrownBy(() -> NoDelaySslSocketFactory.forConfig(new TlsConfig(null, null, Path.of("/no/such/client.p12"), "k3y-pass")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls.keystore")
                .hasMessageContaining("/no/such/client.p12")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("k3y-pass"));
        assertThatThrownBy(() -> NoDelaySslSocketFactory.forConfig(new TlsConfig(null, null, Path.of("client.p12"), null)))
                .hasMessageContaining("needs a keystore password");
    }
}
