package dev.actuate.hw.mqtt;

import dev.actuate.hw.config.TlsConfig;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
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
     * {@code .jks} file), or the JVM's default trust when no truststore is set, and presenting the
     * client certificate in {@code tls.keystore()} when one is set (mutual TLS).
     */
    public static NoDelaySslSocketFactory forConfig(TlsConfig tls) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            TrustManager[] trust = null;
            KeyManager[] keys = null;
            if (tls != null && tls.truststore() != null) {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load("tls.truststore", tls.truststore(), tls.truststorePassword()));
                trust = tmf.getTrustManagers();
            }
            if (tls != null && tls.keystore() != null) {
                if (tls.keystorePassword() == null) {
                    throw new IllegalArgumentException("tls.keystore: " + tls.keystore() + " needs a keystore password");
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                try {
                    kmf.init(load("tls.keystore", tls.keystore(), tls.keystorePassword()), tls.keystorePassword().toCharArray());
                } catch (GeneralSecurityException e) {
                    throw new IllegalArgumentException("tls.keystore: cannot use the key in " + tls.keystore() + ": "
                            + e.getMessage(), e);
                }
                keys = kmf.getKeyManagers();
            }
            ctx.init(keys, trust, null);
            return new NoDelaySslSocketFactory(ctx.getSocketFactory());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS: cannot set up a TLS context: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String key, Path file, String password) {
        try {
            KeyStore ks = KeyStore.getInstance(file.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, password == null ? null : password.toCharArray());
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            // The message names the file, never the password.
            throw new IllegalArgumentException(key + ": cannot load " + file + ": " + e.getMessage(), e);
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
