package dev.actuate.hw.robot;

import dev.actuate.hw.Signal;
import dev.actuate.hw.LifecycleState;
import dev.actuate.hw.config.AdapterType;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.mqtt.ControllerStatus;
import dev.actuate.hw.mqtt.EmbeddedBroker;
import dev.actuate.hw.mqtt.MicroClock;
import dev.actuate.hw.mqtt.Frame;
import dev.actuate.hw.mqtt.FrameType;
import dev.actuate.hw.mqtt.Frames;
import dev.actuate.hw.mqtt.NativeMqttAdapter;
import dev.actuate.hw.mqtt.Topics;
import dev.actuate.hw.testing.Await;
import dev.actuate.sim.Envs;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The simulated robot never dies on input, echoes the command it applied, and obeys only the
 * controller session that owns it. Waits poll conditions with generous deadlines; no timing asserts.
 */
class MqttRobotSafetyTest {
    /** Moquette here; {@code ...ActuateBrokerTest} hides {@code startBroker} to run every test over ActuateBroker. */
    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    static void await(String what, BooleanSupplier condition) {
        Await.until(what, 30, condition);
    }

    /** A bare Paho client: records STATE frames and retained statuses, publishes raw commands. */
    static final class Client implements AutoCloseable {
        final MqttAsyncClient c;
        final Topics topics;
        final BlockingQueue<Frame> states = new LinkedBlockingQueue<>();

        Client(String robotId) throws Exception {
            topics = new Topics(robotId);
            c = new MqttAsyncClient(broker.url(), "test-" + robotId + "-" + System.nanoTime(), new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            o.setMaxInflight(10_000);
            c.connect(o).waitForCompletion(10_000);
        }

        Client watchStates() throws Exception {
            c.subscribe(topics.state(), 0, (t, m) -> {
                Frame f = new Frame(8);
                Frames.decode(m.getPayload(), f);
                states.add(f);
            }).waitForCompletion(10_000);
            return this;
        }

        /** The retained controller status as a fresh subscriber sees it. */
        String retainedControllerStatus() throws Exception {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            c.subscribe(topics.controllerStatus(), 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)))
                    .waitForCompletion(10_000);
            String s = got.poll(10, TimeUnit.SECONDS);
            c.unsubscribe(topics.controllerStatus()).waitForCompletion(10_000);
            return s;
        }

        void command(long seq, long session, double... values) throws Exception {
            command(seq, session, Frame.NONE, values);
        }

        /** {@code echoMicros}: the robot-clock send time of the state this command answers. */
        void command(long seq, long session, long echoMicros, double... values) throws Exception {
            Frame f = new Frame(values.length);
            f.echoSequence = echoMicros == Frame.NONE ? Frame.NONE : seq;
            f.echoMicros = echoMicros;
            f.type = FrameType.COMMAND;
            f.sequence = seq;
            f.sentMicros = 1;
            f.session = session;
            f.setValues(values);
            c.publish(topics.command(), Frames.encode(f, PayloadFormat.BINARY), 0, false);
        }

        @Override
        public void close() throws Exception {
            c.disconnect().waitForCompletion(5000);
            c.close(true);
        }
    }

    @Test
    void nonFiniteCommandIsRejectedCountedAndNeverApplied() throws Exception {
        String id = "nan-" + Long.toHexString(System.nanoTime() & 0xFFFFFL);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (MqttRobot robot = new MqttRobot(Envs.make("Pendulum-v1"), RobotOptions.of(broker.url(), id, 100).withEpisodes(1, 0));
             Client ctl = new Client(id).watchStates()) {
            Future<MqttRobot.Result> run = pool.submit(robot::run);
            await("robot connected", robot::connected);
            // 200 steps at 100 Hz: the episode lasts 2 s after this first command, ample for the rest.
            ctl.command(5, 0, 1.0);
            // The robot fills the echo fields of its STATE frames with the command it applied.
            await("a state echoing command 5", () -> ctl.states.stream().anyMatch(f -> f.echoSequence == 5));
            ctl.command(6, 0, Double.NaN);
            ctl.command(7, 0, Double.POSITIVE_INFINITY);
            await("both rejected", () -> robot.commandsRejected() == 2);
            MqttRobot.Result r = run.get(60, TimeUnit.SECONDS); // old code: env.step(NaN) threw here
            assertThat(r.commandsNonFinite()).isEqualTo(2);
            assertThat(r.episodeLengths()).containsExactly(200);
            assertThat(ctl.states).noneMatch(f -> f.echoSequence == 6 || f.echoSequence == 7);
            // Each STATE carries the episode counter and the step index.
            assertThat(ctl.states).anyMatch(f -> f.episodeStart && f.episode == 0 && f.step == 0);
            // The robot's run can return before the last (QoS 0) state reaches this client: wait for it.
            await("the truncated state of step 200", () -> ctl.states.stream()
                    .anyMatch(f -> f.truncated && f.episode == 0 && f.step == 200));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCommandAnsweringAStateOlderThanTheExpiryIsDroppedAndCounted() throws Exception {
        String id = "old-" + Long.toHexString(System.nanoTime() & 0xFFFFFL);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        // 3 periods at 100 Hz, rounded up to MQTT's whole seconds: 1 s. The embedded broker speaks 3.1.1, so
        // the robot's own check is all that stands between it and a late command.
        RobotOptions o = RobotOptions.of(broker.url(), id, 100).withEpisodes(1, 0)
                .withMqtt(dev.actuate.hw.config.MqttSettings.v311());
        try (MqttRobot robot = new MqttRobot(Envs.make("Pendulum-v1"), o);
             Client ctl = new Client(id).watchStates()) {
            Future<MqttRobot.Result> run = pool.submit(robot::run);
            await("robot connected", robot::connected);
            ctl.command(5, 0, 1.0); // no echo (a script): never stale
            await("a state echoing command 5", () -> ctl.states.stream().anyMatch(f -> f.echoSequence == 5));
            long now = MicroClock.nowMicros();
            ctl.command(6, 0, now - 5_000_000L, 1.0); // answers a state sent 5 s ago
            ctl.command(7, 0, now, -1.0);             // answers a fresh one
            await("a state echoing command 7", () -> ctl.states.stream().anyMatch(f -> f.echoSequence == 7));
            assertThat(robot.commandsExpired()).isEqualTo(1);
            assertThat(robot.commandsRejected()).isEqualTo(1);
            MqttRobot.Result r = run.get(60, TimeUnit.SECONDS);
            assertThat(r.commandsReceived()).isEqualTo(2);
            assertThat(ctl.states).noneMatch(f -> f.echoSequence == 6);
        } finally {
            pool.shutdownNow();
        }
    }

    private static RobotConfig pendulum(String id) {
        return new RobotConfig(id, broker.url(), AdapterType.NATIVE, PayloadFormat.BINARY, null, null, 20,
                List.of(new Signal("cos", "", -1, 1), new Signal("sin", "", -1, 1), new Signal("thdot", "", -8, 8)),
                List.of(new Signal("torque", "", -2, 2)), List.of(), List.of(), "Pendulum-v1", null);
    }

    @Test
    void oneControllerOwnsTheRobotUntilTakenOverAndTheReplacedOneLeavesTheStatusAlone() throws Exception {
        String id = "own-" + Long.toHexString(System.nanoTime() & 0xFFFFFL);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (MqttRobot robot = new MqttRobot(Envs.make("Pendulum-v1"), RobotOptions.of(broker.url(), id, 50));
             Client probe = new Client(id);
             NativeMqttAdapter first = new NativeMqttAdapter(pendulum(id));
             NativeMqttAdapter second = new NativeMqttAdapter(pendulum(id));
             NativeMqttAdapter third = new NativeMqttAdapter(pendulum(id))) {
            pool.submit(robot::run);
            await("robot connected", robot::connected);
            first.configure();
            first.activate();
            String firstHex = ControllerStatus.hex(first.session());
            await("robot follows the first controller", () -> robot.ownerSession() == first.session());
            first.write(new double[] {0.5}, -1, -1);
            await("first controller's command accepted", () -> robot.commandsReceived() >= 1);

            // A second controller for the same robot is refused, naming the owner and the way out.
            second.configure();
            assertThatThrownBy(second::activate).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(firstHex).hasMessageContaining("--takeover");
            assertThat(first.lifecycleState()).isEqualTo(LifecycleState.ACTIVE);
            assertThat(probe.retainedControllerStatus()).isEqualTo("online " + firstHex);

            // With takeover it replaces the first, which stops.
            third.takeover(true);
            third.configure();
            third.activate();
            String thirdHex = ControllerStatus.hex(third.session());
            await("robot follows the new controller", () -> robot.ownerSession() == third.session());
            await("first controller stops", () -> first.lifecycleState() == LifecycleState.ERROR);
            assertThat(first.takenOverBy()).isEqualTo(third.session());

            // The robot obeys only the owner's session.
            long before = robot.commandsReceived();
            probe.command(100, first.session(), 2.0);
            await("the old session's command rejected", () -> robot.commandsFromOtherSessions() == 1);
            third.write(new double[] {0.25}, -1, -1);
            await("the owner's command accepted", () -> robot.commandsReceived() > before);

            // The replaced controller exits without marking the robot's controller offline.
            first.close();
            assertThat(probe.retainedControllerStatus()).isEqualTo("online " + thirdHex);
            third.close();
            assertThat(probe.retainedControllerStatus()).isEqualTo("offline " + thirdHex);
            robot.stop();
        } finally {
            pool.shutdownNow();
        }
    }
}
