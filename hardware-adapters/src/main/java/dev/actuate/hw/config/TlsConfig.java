package dev.actuate.hw.config;

import java.nio.file.Path;

/**
 * TLS settings for an {@code ssl://} broker: a truststore (PKCS12 or JKS) holding the broker's CA
 * and, for mutual TLS, a keystore holding this client's certificate and private key. A null
 * truststore means the JVM's default trust; a null keystore means no client certificate.
 * {@link #toString()} masks both passwords.
 */
public record TlsConfig(Path truststore, String truststorePassword, Path keystore, String keystorePassword) {
    /** Server authentication only (no client certificate). */
    public TlsConfig(Path truststore, String truststorePassword) {
        this(truststore, truststorePassword, null, null);
    }

    @Override
    public String toString() {
        return "TlsConfig[truststore=" + truststore + ", truststorePassword=" + mask(truststorePassword)
                + ", keystore=" + keystore + ", keystorePassword=" + mask(keystorePassword) + "]";
    }

    private static String mask(String secret) {
        return secret == null ? "null" : "****";
    }
}
