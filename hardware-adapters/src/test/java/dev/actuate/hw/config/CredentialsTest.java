package dev.actuate.hw.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialsTest {
    private final Credentials c = new Credentials("robot1", "s3cret-ü");

    @Test
    void matchesOnlyTheSameUserAndTheSamePasswordBytes() {
        assertThat(c.matches("robot1", "s3cret-ü".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(c.matches("robot1", "s3cret-u".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(c.matches("robot1", "s3cret-ü!".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(c.matches("robot2", "s3cret-ü".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(c.matches(null, "s3cret-ü".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(c.matches("robot1", null)).isFalse();
        assertThat(c.matches("robot1", new byte[0])).isFalse();
    }

    @Test
    void toStringMasksThePassword() {
        assertThat(c.toString()).contains("robot1").doesNotContain("s3cret");
    }
}
