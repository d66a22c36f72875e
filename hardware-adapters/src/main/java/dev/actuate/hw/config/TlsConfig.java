package dev.actuate.hw.config;

import java.nio.file.Path;

/**
 * TLS settings for an {@code ssl://} broker: a truststore (PKCS12 or JKS) holding the broker's CA.
 * A null truststore means the JVM's default trust. {@link #toString()} masks the password.
 */
public record TlsConfig(Path truststore, String truststorePassword) {
    @Override
    public String toString() {
        return "TlsConfig[truststore=" + truststore + ", truststorePassword="
                + (truststorePassword == null ? "null" : "****") + "]";
    }
}
