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

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=****]";
    }
}
