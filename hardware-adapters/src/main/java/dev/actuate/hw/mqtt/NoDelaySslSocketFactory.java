package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.TlsConfig;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * TLS sockets with {@code TCP_NODELAY}. Paho requires an {@link SSLSocketFactory} for
 * {@code ssl://} URLs, so this wraps one rather than a plain factory.
 */
public final class NoDelaySslSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;

    public NoDelaySslSocketFactory(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    /**
     * A factory trusting the CA certificates in {@code tls.truststore()} (PKCS12, or JKS for a
     * {@code .jks} file), or the JVM's default trust when no truststore is set.
     */
    public static NoDelaySslSocketFactory forConfig(TlsConfig tls) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            if (tls == null || tls.truststore() == null) {
                ctx.init(null, null, null);
            } else {
                String type = tls.truststore().toString().endsWith(".jks") ? "JKS" : "PKCS12";
                KeyStore ks = KeyStore.getInstance(type);
                char[] pw = tls.truststorePassword() == null ? null : tls.truststorePassword().toCharArray();
                try (InputStream in = Files.newInputStream(tls.truststore())) {
                    ks.load(in, pw);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                ctx.init(null, tmf.getTrustManagers(), null);
            }
            return new NoDelaySslSocketFactory(ctx.getSocketFactory());
        } catch (IOException | GeneralSecurityException e) {
            // The message names the file, never the password.
            throw new IllegalArgumentException("tls.truststore: cannot load " + tls.truststore() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return NoDelaySocketFactory.noDelay(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return NoDelaySocketFactory.noDelay(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return NoDelaySocketFactory.noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return NoDelaySocketFactory.noDelay(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return NoDelaySocketFactory.noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return NoDelaySocketFactory.noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }
}
