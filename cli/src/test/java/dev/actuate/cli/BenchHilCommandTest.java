package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code actuate bench hil}: the warm-up is not a measured case, and each case reports its tail, its slowest
 * round trips with their cause, and the robot's timer.
 */
class BenchHilCommandTest {
    @Test
    void warmUpIsNotReportedAndEachCaseHasItsTailItsWorstCasesAndTheRobotsTickLateness() throws Exception {
        int[] code = new int[1];
        String[] out = CliCapture.run(code, "bench", "hil", "--rates", "200", "--triggers", "state", "--seconds", "1",
                "--warmup-seconds", "0.5", "--no-mosquitto", "--embedded-brokers", "moquette", "--json");
        assertThat(code[0]).as(out[1]).isZero();
        assertThat(out[0]).contains("warm-up: 0.5 s over embedded first, not measured");
        String[] lines = out[0].trim().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(j.get("warmup_seconds_per_broker").asDouble()).isEqualTo(0.5);
        JsonNode cases = j.get("round_trip");
        assertThat(cases).hasSize(1); // the warm-up case is discarded
        JsonNode c = cases.get(0);
        assertThat(c.get("broker").asText()).isEqualTo("embedded");
        assertThat(c.get("round_trips").asLong()).isPositive();
        assertThat(c.get("p999_ms").asDouble()).isBetween(c.get("p99_ms").asDouble(), c.get("max_ms").asDouble());
        // One lateness sample per robot tick; a count over half a period can only be some of them.
        assertThat(c.get("robot_tick_late_max_ms").asDouble()).isGreaterThanOrEqualTo(c.get("robot_tick_late_p99_ms").asDouble());
        assertThat(c.get("robot_ticks_late_over_half_period").asLong()).isBetween(0L, c.get("robot_steps").asLong());
        assertThat(c.get("process_cpu_ms_per_s").asDouble()).isPositive();
        // The worst case and its cause: the five slowest round trips, slowest first, each blamed on one cause.
        JsonNode slow = c.get("slowest_round_trips");
        assertThat(slow).hasSize(5);
        assertThat(slow.get(0).get("ms").asDouble()).isEqualTo(c.get("max_ms").asDouble());
        for (int i = 0; i < slow.size(); i++) {
            assertThat(slow.get(i).get("cause").asText()).isIn("GC", "scheduling", "broker");
            if (i > 0) {
                assertThat(slow.get(i).get("ms").asDouble()).isLessThanOrEqualTo(slow.get(i - 1).get("ms").asDouble());
            }
        }
        assertThat(out[0]).contains("slowest round trips (");
        // The case's misses are the ones inside it: the teardown (robot stopped, loop still waiting for states)
        // used to add ~10 state timeouts after the case's end. Each one counted has its time inside the case.
        JsonNode missedAt = c.get("missed_deadlines_at_s");
        assertThat(missedAt.size()).isEqualTo(c.get("state_timeouts").asInt());
        for (JsonNode at : missedAt) {
            assertThat(at.asDouble()).isBetween(0.0, 1.5);
        }
        assertThat(c.get("case_start_monotonic_s").asDouble()).isPositive();
    }

    @Test
    void actuatesOwnBrokerIsACaseOverMqtt5WithTheContextSwitchesOfItsOneThread() throws Exception {
        int[] code = new int[1];
        String[] out = CliCapture.run(code, "bench", "hil", "--rates", "200", "--triggers", "state", "--seconds", "1",
                "--warmup-seconds", "0", "--no-mosquitto", "--embedded-brokers", "actuate", "--json");
        assertThat(code[0]).as(out[1]).isZero();
        String[] lines = out[0].trim().split("\n");
        JsonNode c = new ObjectMapper().readTree(lines[lines.length - 1]).get("round_trip").get(0);
        assertThat(c.get("broker").asText()).isEqualTo("embedded-actuate");
        assertThat(c.get("mqtt_version").asText()).isEqualTo("5");
        assertThat(c.get("round_trips").asLong()).isPositive();
        if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/task"))) {
            // Its one thread sleeps in the selector between messages: at least one switch per second's work.
            assertThat(c.get("broker_context_switches_per_s").asLong()).isPositive();
            assertThat(c.get("jvm_context_switches_per_s").asLong()).isGreaterThan(c.get("broker_context_switches_per_s").asLong());
        }
    }

    /** As root with tracefs: the case's trace is saved and every missed deadline gets exactly one cause. */
    @Test
    void aKernelTraceNamesACauseForEveryMissAndIsSaved(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path instances = java.nio.file.Path.of(dev.actuate.runtime.KernelTrace.DEFAULT_ROOT, "instances");
        org.assertj.core.api.Assumptions.assumeThat(java.nio.file.Files.isWritable(instances))
                .as("tracefs instances writable (root, tracefs mounted)").isTrue();
        int[] code = new int[1];
        String[] out = CliCapture.run(code, "bench", "hil", "--rates", "200", "--triggers", "state", "--seconds", "1",
                "--warmup-seconds", "0", "--no-mosquitto", "--embedded-brokers", "actuate", "--kernel-trace",
                dir.toString(), "--json");
        assertThat(code[0]).as(out[1]).isZero();
        String[] lines = out[0].trim().split("\n");
        JsonNode c = new ObjectMapper().readTree(lines[lines.length - 1]).get("round_trip").get(0);
        JsonNode k = c.get("kernel_trace");
        assertThat(java.nio.file.Path.of(k.get("file").asText())).exists().hasParent(dir);
        assertThat(k.get("events").asLong()).isPositive();
        assertThat(k.get("events_lost").asLong()).isZero();
        int sum = 0;
        for (String cause : java.util.List.of("timer_interrupt_late", "vcpu_not_running", "not_preempted", "cpu_busy",
                "unattributed")) {
            sum += k.get("missed_deadline_causes").get(cause).asInt();
        }
        // Every miss the case counts has a time and a cause (the trace starts before the set-up counts are read).
        assertThat(sum).isEqualTo(c.get("missed_deadlines_at_s").size()).isEqualTo(k.get("missed_deadlines").size())
                .isEqualTo(c.get("state_timeouts").asInt());
        assertThat(k.get("stolen_ms").asDouble()).isNotNegative();
        assertThat(out[0]).contains("kernel trace (");
        // The tracing instance is gone.
        try (var s = java.nio.file.Files.list(instances)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("actuate-bench-"));
        }
    }

    @Test
    void aKernelTraceWithoutTracefsIsRefusedBeforeAnyCase(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        int[] code = new int[1];
        String[] out = CliCapture.run(code, "bench", "hil", "--no-mosquitto", "--kernel-trace", dir.toString(),
                "--tracefs", dir.resolve("none").toString());
        assertThat(code[0]).isNotZero();
        assertThat(out[0] + out[1]).contains("--tracefs").contains(dir.resolve("none").toString()).contains("no tracefs")
                .doesNotContain("round trip p50");
    }

    @Test
    void anUnknownEmbeddedBrokerIsRefusedByName() {
        int[] code = new int[1];
        String[] out = CliCapture.run(code, "bench", "hil", "--embedded-brokers", "mosca", "--no-mosquitto");
        assertThat(code[0]).isNotZero();
        assertThat(out[0] + out[1]).contains("--embedded-brokers").contains("mosca");
    }

    @Test
    void aNegativeWarmUpIsRefusedByName() {
        int[] code = new int[1];
        String[] out = CliCapture.run(code, "bench", "hil", "--warmup-seconds", "-1", "--no-mosquitto");
        assertThat(code[0]).isNotZero();
        assertThat(out[0] + out[1]).contains("--warmup-seconds");
    }
}
