package dev.actuate.runtime;

import dev.actuate.hw.Signal;
import dev.actuate.hw.config.AdapterType;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.SafetyConfig;
import dev.actuate.hw.mqtt.Frame;
import dev.actuate.hw.mqtt.FrameCodec;
import dev.actuate.hw.mqtt.FrameType;
import dev.actuate.hw.mqtt.NativeMqttAdapter;
import dev.actuate.hw.testing.Await;
import dev.actuate.hw.testing.MosquittoProcess;
import dev.actuate.runtime.safety.EStop;
import dev.actuate.runtime.safety.SafetyCounters;
import dev.actuate.runtime.safety.SafetyEvent;
import dev.actuate.runtime.safety.SafetyLayer;
import dev.actuate.runtime.safety.SafetySettings;
import dev.actuate.sim.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import dev.actuate.hw.config.MqttSettings;
import dev.actuate.hw.config.MqttVersion;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The control loop over a real Mosquitto with the native adapter and a fake robot: watchdog on a
 * stopped state stream, fuzzed payloads, broker killed and restarted. Waits poll with generous
 * deadlines; nothing asserts wall-clock speed.
 */
@Tag("mosquitto")
class MosquittoRuntimeTest {
    private static final double HZ = 50;
    private static final double[] SAFE = {-0.25, -0.25};
    private MosquittoProcess broker;
    private Set<Thread> threadsBefore;

    @BeforeEach
    void startBroker() {
        assumeTrue(MosquittoProcess.availableOrFail(), "mosquitto is not installed");
        threadsBefore = new HashSet<>(Thread.getAllStackTraces().keySet());
        broker = MosquittoProcess.start();
    }

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private RobotConfig config(String id) {
        return config(id, 100);
    }

    private RobotConfig config(String id, double watchdogMs) {
        return new RobotConfig(id, broker.url(), AdapterType.NATIVE, PayloadFormat.BINARY, null, null, HZ,
                List.of(new Signal("a", "", -10, 10), new Signal("b", "", -10, 10), new Signal("c", "", -10, 10)),
                List.of(new Signal("u", "", -1, 1), new Signal("v", "", -1, 1)), List.of(), List.of(), null,
                new SafetyConfig(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, watchdogMs, SAFE, 0));
    }

    /** Loop at 50 Hz sending 0.5 while states are fresh. */
    static final class Rig implements AutoCloseable {
        final NativeMqttAdapter adapter;
        final SafetyCounters counters = new SafetyCounters();
        final RecordingAdapter recorder;
        final ControlLoop loop;
        final List<Long> writeNanos = new java.util.concurrent.CopyOnWriteArrayList<>();

        Rig(RobotConfig cfg) {
            adapter = new NativeMqttAdapter(cfg);
            recorder = new RecordingAdapter(adapter) {
            };
            Policy p = (obs, action) -> Arrays.fill(action, 0.5f);
            loop = ControlLoop.builder(new TimedAdapter(recorder, writeNanos), p,
                            new SafetyLayer(SafetySettings.of(cfg), 1 / HZ, counters, new EStop()))
                    .rateHz(HZ).localRoundTrip(false).build();
            adapter.configure();
            adapter.activate();
            loop.start();
        }

        @Override
        public void close() throws Exception {
            loop.stop();
            assertThat(loop.join(5000)).isTrue();
            adapter.deactivate();
            adapter.close();
        }
    }

    @Test
    void watchdogFiresWhenTheStateStreamStops() throws Exception {
        // States every 10 ms against a 2 s watchdog: only a stalled stream trips it, not a descheduled test
        // machine (a 100 ms watchdog tripped here under a load average of 10 while states still flowed).
        try (FrameRobot robot = new FrameRobot(broker.url(), "wd", 3, 10); Rig rig = new Rig(config("wd", 2000))) {
            await("policy commands at the robot", () -> Arrays.equals(robot.lastCommand(), new double[] {0.5, 0.5}));
            // Cycles before the first state count as AWAITING_STATE, not WATCHDOG.
            long before = rig.counters.get(SafetyEvent.WATCHDOG);
            Thread.sleep(300);
            assertThat(rig.counters.get(SafetyEvent.WATCHDOG)).as("no watchdog while states flow").isEqualTo(before);
            robot.publishing(false);
            await("watchdog", () -> rig.counters.get(SafetyEvent.WATCHDOG) > before);
            await("safe action at the robot", () -> Arrays.equals(robot.lastCommand(), SAFE));
            robot.publishing(true);
            await("policy commands again", () -> Arrays.equals(robot.lastCommand(), new double[] {0.5, 0.5}));
            assertThat(rig.loop.stopReason()).isEqualTo(ControlLoop.StopReason.NOT_STOPPED);
        }
        assertNoThreadLeak();
    }

    @Test
    void tenThousandFuzzedPayloadsAreRejectedAndCountedWhileTheLoopRuns() throws Exception {
        try (FrameRobot robot = new FrameRobot(broker.url(), "fz", 3, 10); Rig rig = new Rig(config("fz"))) {
            await("policy commands at the robot", () -> Arrays.equals(robot.lastCommand(), new double[] {0.5, 0.5}));
            Rng rng = new Rng(2024);
            for (int i = 0; i < 10_000; i++) {
                robot.publishRaw(fuzz(rng, i));
                if (i % 500 == 0) {
                    Thread.sleep(1); // let QoS 0 drain rather than overflow the client's queue
                }
            }
            await("10000 rejections", () -> rig.adapter.rejectedFrames() >= 10_000);
            assertThat(rig.adapter.rejectedFrames()).isEqualTo(10_000);
            long cycles = rig.loop.metrics().cycles();
            await("loop still cycling", () -> rig.loop.metrics().cycles() > cycles + 10);
            rig.recorder.commands.clear();
            await("fresh policy commands", () -> rig.recorder.commands.size() > 5);
            assertThat(rig.recorder.commands.get(rig.recorder.commands.size() - 1)).containsExactly(0.5, 0.5);
            assertThat(rig.loop.stopReason()).isEqualTo(ControlLoop.StopReason.NOT_STOPPED);
        }
        assertNoThreadLeak();
    }

    /** Random bytes, truncated frames, wrong version or type, wrong value count, JSON garbage. */
    private static byte[] fuzz(Rng rng, int i) {
        Frame f = new Frame(5);
        f.type = FrameType.STATE;
        f.count = 3;
        byte[] valid = FrameCodec.encode(f);
        switch (i % 6) {
            case 0: {
                byte[] b = new byte[(int) (rng.uniform(0, 80))];
                for (int k = 0; k < b.length; k++) {
                    b[k] = (byte) rng.uniform(-128, 128);
                }
                if (b.length > 0 && ((b[0] & 0xFF) == FrameCodec.MAGIC_VERSION || (b[0] & 0xFF) == FrameCodec.MAGIC_VERSION_1)) {
                    b[0] = 0; // keep it invalid
                }
                return b;
            }
            case 1:
                return Arrays.copyOf(valid, (int) rng.uniform(0, valid.length - 1));
            case 2:
                valid[0] = (byte) 0xA3; // a version this receiver does not speak
                return valid;
            case 3:
                valid[1] = 2; // a COMMAND on the state topic
                return valid;
            case 4:
                f.count = 5;
                return FrameCodec.encode(f);
            default:
                return ("{\"v\":1,\"type\":\"state\",\"values\":[1,2," + i + "").getBytes(StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void brokerKilledAndRestartedSafeActionThenReconnectAndResume(MqttVersion version) throws Exception {
        try (FrameRobot robot = new FrameRobot(broker.url(), "kr", 3, 10);
             Rig rig = new Rig(config("kr").withMqtt(MqttSettings.of(version)))) {
            await("policy commands at the robot", () -> Arrays.equals(robot.lastCommand(), new double[] {0.5, 0.5}));
            long killNanos = System.nanoTime();
            broker.kill();
            await("link down seen by the loop", () -> rig.counters.get(SafetyEvent.DISCONNECTED) > 0);
            // The first safe command after the kill, in loop cycles: at most two periods after the
            // adapter saw the link drop (it cannot be sooner than the drop is noticed). The DISCONNECTED count
            // rises inside the cycle, before that cycle's write: wait for the write rather than read once.
            await("a safe command after the kill", () -> safeAfter(rig, killNanos)[1] >= 0);
            int[] at = safeAfter(rig, killNanos);
            int firstAfterKill = at[0];
            int firstSafe = at[1];
            assertThat(firstSafe - firstAfterKill).as("cycles from the kill to the safe action").isLessThanOrEqualTo(2);
            broker.restart();
            await("adapter reconnected", () -> rig.adapter.connected() && rig.adapter.reconnects() >= 1);
            await("policy commands again at the robot", () -> Arrays.equals(robot.lastCommand(), new double[] {0.5, 0.5}));
            assertThat(rig.loop.stopReason()).isEqualTo(ControlLoop.StopReason.NOT_STOPPED);
        }
        assertNoThreadLeak();
    }

    /** The index of the first write after {@code killNanos} and of the first safe command from there (-1: none yet). */
    private static int[] safeAfter(Rig rig, long killNanos) {
        int n = Math.min(rig.writeNanos.size(), rig.recorder.commands.size());
        int firstAfterKill = -1;
        for (int k = 0; k < n; k++) {
            if (rig.writeNanos.get(k) >= killNanos && firstAfterKill < 0) {
                firstAfterKill = k;
            }
            if (firstAfterKill >= 0 && Arrays.equals(rig.recorder.commands.get(k), SAFE)) {
                return new int[] {firstAfterKill, k};
            }
        }
        return new int[] {firstAfterKill, -1};
    }

    private void assertNoThreadLeak() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!leaked().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(leaked()).as("threads started by the run and still alive").isEmpty();
    }

    private Set<String> leaked() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !threadsBefore.contains(t))
                .filter(t -> !t.getName().startsWith("process reaper")) // JDK's pooled reaper for the mosquitto process
                // The fake robot uses Paho's automatic reconnect, whose timer thread Paho never ends;
                // the controller side (our own reconnect logic) is what must not leak.
                .filter(t -> !t.getName().contains("test-robot"))
                .map(Thread::getName).collect(Collectors.toSet());
    }

    static void await(String what, BooleanSupplier condition) {
        Await.until(what, 20, condition);
    }
}
