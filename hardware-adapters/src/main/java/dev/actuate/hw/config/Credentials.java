package dev.actuate.hw.config;

/**
 * MQTT username and password. {@link #toString()} masks the password so a config or an options
 * object can be logged safely.
 */
public record Credentials(String username, String password) {
    public Credentials {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("username is blank");
        }
        if (password == null) {
            throw new IllegalArgumentException("password for user " + username + " is missing");
        }
    }

    /**
     * Whether a client's user name and password (as sent in CONNECT) are these; the password is compared in
     * constant time, so the time taken does not tell how much of it was right.
     */
    public boolean matches(String user, byte[] pw) {
        return username.equals(user) && pw != null
                && java.security.MessageDigest.isEqual(password.getBytes(java.nio.charset.StandardCharsets.UTF_8), pw);
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=****]";
    }
}
