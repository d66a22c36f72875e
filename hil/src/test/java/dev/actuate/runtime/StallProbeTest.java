package dev.actuate.runtime;

import dev.actuate.hw.robot.LatencyStats;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The slowest round trips are blamed on GC before scheduling, and on the broker only when neither overlaps. */
class StallProbeTest {
    // Far before the probe starts, so nothing it records itself while the test runs can overlap.
    private static final long T = 1_000_000_000L;

    @Test
    void slowRoundTripsAreAttributedByOverlap() {
        try (StallProbe probe = new StallProbe()) {
            probe.gcPause(T + 10_000, T + 25_000, "PS Scavenge, Allocation Failure");
            probe.lateWakeUp(T + 12_000, 8_000);      // overlaps the GC pause too: GC wins
            probe.lateWakeUp(T + 100_000, 6_000);
            List<StallProbe.SlowCycle> c = probe.explain(List.of(
                    new LatencyStats.Sample(T + 5_000, 20_000, 1_000),      // [5, 25] ms: GC
                    new LatencyStats.Sample(T + 98_000, 9_000, 2_000),      // [98, 107] ms: late wake-up only
                    new LatencyStats.Sample(T + 200_000, 5_000, 3_500),     // nothing overlaps
                    new LatencyStats.Sample(T + 300_000, 4_000, Long.MIN_VALUE)));
            assertThat(c).extracting(StallProbe.SlowCycle::cause).containsExactly("GC", "scheduling", "broker", "broker");
            assertThat(c.get(0).detail()).contains("pause of 15 ms").contains("PS Scavenge");
            assertThat(c.get(1).detail()).contains("woke 6.0 ms late");
            assertThat(c.get(2).detail()).contains("state leg incl. controller wake-up 1.50 ms, command leg 3.50 ms");
            assertThat(c.get(3).ms()).isEqualTo(4.0);
        }
    }

    /** Pauses "since" an instant are decided by when they started, however late their notification came. */
    @Test
    void pausesAreCountedByTheirStartTime() {
        // An hour ahead: no real collection during the test starts after these instants.
        long f = dev.actuate.hw.mqtt.MicroClock.nowMicros() + 3_600_000_000L;
        try (StallProbe probe = new StallProbe()) {
            probe.gcPause(f + 1_000, f + 19_000, "PS MarkSweep, System.gc()"); // a settling collection
            probe.gcPause(f + 30_000_000, f + 30_001_000, "PS Scavenge, Allocation Failure");
            assertThat(probe.gcPausesStartingAfter(f + 20_000)).isEqualTo(1);
            assertThat(probe.gcPausesStartingAfter(f)).isEqualTo(2);
            assertThat(probe.gcPausesStartingAfter(f + 40_000_000)).isZero();
        }
    }
}
