package dev.actuate.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LoopMetricsTest {
    @Test
    void percentilesAndAtomicCsv(@TempDir Path dir) throws Exception {
        LoopMetrics m = new LoopMetrics();
        for (int i = 1; i <= 100; i++) {
            m.recordCycle(i * 1000L, 5000);
            m.recordRoundTrip(i * 10_000L);
        }
        m.recordOverrun(-5, 2);
        m.recordStateAge(LoopMetrics.MAX_NANOS * 5); // clamped, not thrown
        LoopMetrics.Summary pe = m.summary("period_error");
        assertThat(pe.count()).isEqualTo(100);
        assertThat(pe.p50Micros()).isCloseTo(50, within(0.1));
        assertThat(pe.p99Micros()).isCloseTo(99, within(0.1));
        assertThat(pe.maxMicros()).isCloseTo(100, within(0.1));
        assertThat(m.summary("round_trip").p99Micros()).isCloseTo(990, within(1.0));
        assertThat(m.overruns()).isEqualTo(1);
        assertThat(m.missedCycles()).isEqualTo(2);
        assertThat(m.cycles()).isEqualTo(100);

        Path csv = dir.resolve("sub/metrics.csv");
        m.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("metric,count,p50_us,p99_us,max_us,mean_us");
        assertThat(lines).anyMatch(l -> l.startsWith("period_error,100,50.0"));
        assertThat(lines).contains("missed_cycles,2,,,,");
        try (var files = Files.list(csv.getParent())) {
            assertThat(files.count()).as("no temp file left").isEqualTo(1);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.print(new PrintStream(out, true));
        assertThat(out.toString()).contains("round_trip").contains("overruns 1, missed cycles 2");
    }

    /** Rewriting goes through the atomic writer: the old file is replaced whole, readable by all, no temp left. */
    @Test
    void rewritingTheCsvReplacesItWholeAndAFailedWriteNamesTheFile(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("metrics.csv");
        LoopMetrics m = new LoopMetrics();
        m.recordCycle(1000, 5000);
        m.writeCsv(csv);
        m.recordCycle(2000, 5000);
        m.writeCsv(csv);
        assertThat(Files.readAllLines(csv)).contains("cycles,2,,,,");
        // The hand-made temp file before had owner-only rights, which the rename carried over.
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(csv)))
                .isEqualTo("rw-r--r--");
        try (var files = Files.list(dir)) {
            assertThat(files.count()).as("no temp file left").isEqualTo(1);
        }
        Path blocked = Files.writeString(dir.resolve("not-a-dir"), "x").resolve("metrics.csv");
        assertThatThrownBy(() -> m.writeCsv(blocked)).isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining(blocked.toString());
        assertThat(Files.readAllLines(csv)).contains("cycles,2,,,,");
    }

    @Test
    void keepsTheTimesOfTheLatestStateTimeoutsOldestFirst() {
        LoopMetrics m = new LoopMetrics();
        assertThat(m.recentStateTimeoutNanos()).isEmpty();
        m.recordStateTimeout(5);
        m.recordStateTimeout(9);
        assertThat(m.recentStateTimeoutNanos()).containsExactly(5, 9);
        for (long t = 10; t < 310; t++) { // 302 in all: the ring keeps the latest 256
            m.recordStateTimeout(t * 10);
        }
        long[] times = m.recentStateTimeoutNanos();
        assertThat(times).hasSize(256);
        assertThat(times[0]).isEqualTo(540);
        assertThat(times[255]).isEqualTo(3090);
        assertThat(m.stateTimeouts()).isEqualTo(302);
        assertThat(m.missedCycles()).isEqualTo(302);
    }
}
