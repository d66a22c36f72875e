package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DemoCommandTest {
    @Test
    void jsonLastLineHasTheReportKeys() throws Exception {
        int[] rc = new int[1];
        String out = RunCommandTest.capture(() -> rc[0] = Actuate.run("demo", "--env", "Pendulum-v1", "--controller", "zero",
                "--episodes", "1", "--rate", "500", "--json"));
        assertThat(rc[0]).as(out).isZero();
        String[] lines = out.strip().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        for (String k : new String[] {"mqtt_mean_return", "inprocess_mean_return", "round_trip_p50_ms", "round_trip_p99_ms",
                "missed_deadlines", "rate_hz"}) {
            assertThat(j.has(k)).as(k).isTrue();
        }
        assertThat(j.get("mqtt_mean_return").asDouble()).isEqualTo(j.get("inprocess_mean_return").asDouble());
        assertThat(j.get("rate_hz").asDouble()).isEqualTo(500.0);
        assertThat(out).contains("mean return: MQTT");
        // The human output says what the two counts mean, one line each.
        assertThat(out).contains("missed deadlines: cycles the loop could not run on time")
                .contains("safety events: cycles where the safety layer sent the safe action");
        assertThat(j.get("trigger").asText()).isEqualTo("state");
        assertThat(j.get("policy").asText()).isEqualTo("zero");
        assertThat(j.get("round_trip_p999_ms").asDouble()).isBetween(j.get("round_trip_p99_ms").asDouble(),
                j.get("round_trip_max_ms").asDouble());
        // Counts by kind, only the kinds that fired; holding the safe action before the robot's first state is not one.
        JsonNode events = j.get("safety_events");
        assertThat(events.isObject()).isTrue();
        events.fields().forEachRemaining(e -> assertThat(e.getValue().asLong()).as(e.getKey()).isPositive());
        assertThat(events.has("awaiting_state")).isFalse();
        assertThat(j.get("awaiting_state_cycles").asLong()).isNotNegative();
        assertThat(j.get("warmup_episodes").asInt()).isEqualTo(1);
        assertThat(out).contains("warm-up: 1 episode over MQTT first, not measured");
        assertThat(j.get("slowest_round_trips").size()).isEqualTo(5);
        assertThat(out).contains("slowest round trips (");
    }

    @Test
    void actuatesOwnEmbeddedBrokerGivesTheSameReturnsAsInProcess() throws Exception {
        int[] rc = new int[1];
        String out = RunCommandTest.capture(() -> rc[0] = Actuate.run("demo", "--env", "Pendulum-v1", "--controller", "zero",
                "--episodes", "1", "--rate", "500", "--warmup", "0", "--embedded-broker", "actuate", "--json"));
        assertThat(rc[0]).as(out).isZero();
        assertThat(out).contains("broker: embedded (actuate)");
        String[] lines = out.strip().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(j.get("mqtt_mean_return").asDouble()).isEqualTo(j.get("inprocess_mean_return").asDouble());
    }

    @Test
    void withoutAShippedModelTheHeuristicIsUsedAndSaidSo() throws Exception {
        // No models/ppo-Pendulum-v1.actuate is shipped, so the demo must fall back and say so.
        int[] rc = new int[1];
        String out = RunCommandTest.capture(() -> rc[0] = Actuate.run("demo", "--env", "Pendulum-v1", "--episodes", "1",
                "--trigger", "periodic", "--rate", "1000", "--json"));
        assertThat(rc[0]).as(out).isZero();
        String[] lines = out.strip().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(j.get("policy").asText()).isEqualTo("heuristic");
        assertThat(j.get("trigger").asText()).isEqualTo("periodic");
        assertThat(out).contains("no trained model at models/ppo-Pendulum-v1.actuate");
        assertThat(j.get("mqtt_mean_return").asDouble()).isEqualTo(j.get("inprocess_mean_return").asDouble());
        assertThat(Actuate.run("demo", "--controller", "zero", "--model", "x.actuate")).isEqualTo(2);
        assertThat(Actuate.run("demo", "--trigger", "sometimes")).isEqualTo(2);
    }
}
