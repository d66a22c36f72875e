package dev.actuate.hw.mqtt;

import dev.actuate.hw.StateSample;
import dev.actuate.hw.config.PayloadFormat;
import dev.actuate.hw.testing.MosquittoProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Episode boundaries survive a reader that is behind: frames that arrive between two reads are
 * folded (rewards and steps summed) but a start or terminal frame is queued, never overwritten.
 * The robot's terminal state and the next episode's first state arrive about 1 ms apart, so a
 * periodic controller used to see only the second.
 */
class NativeMqttAdapterBoundaryTest {
    private static byte[] state(long seq, float reward, boolean start, boolean terminated, double x) {
        Frame f = new Frame(3);
        f.type = FrameType.STATE;
        f.sequence = seq;
        f.sentMicros = MicroClock.nowMicros();
        f.reward = reward;
        f.episodeStart = start;
        f.terminated = terminated;
        f.setValues(new double[] {x, 0, 0});
        return FrameCodec.encode(f);
    }

    @Test
    void boundariesArriveBetweenTwoReadsAndAreAllReadInOrder() throws Exception {
        try (MosquittoProcess broker = MqttTestSupport.mosquitto();
             NativeMqttAdapter adapter = new NativeMqttAdapter(MqttTestSupport.config("fold", broker.url(), PayloadFormat.BINARY, null));
             MqttTestSupport.Probe robot = new MqttTestSupport.Probe(broker.url(), "fold-robot")) {
            adapter.configure();
            adapter.activate();
            String topic = new Topics("fold").state();
            // Episode 1: a mid-episode tail (its start was missed), then its terminal state folding
            // two steps; episode 2: start, two steps, terminal, episode 3: start and one step.
            robot.publish(topic, state(0, 1f, false, false, 0));
            robot.publish(topic, state(1, 2f, false, true, 1));
            robot.publish(topic, state(2, 0f, true, false, 2));
            robot.publish(topic, state(3, 3f, false, false, 3));
            robot.publish(topic, state(4, 4f, false, true, 4));
            robot.publish(topic, state(5, 0f, true, false, 5));
            robot.publish(topic, state(6, 5f, false, false, 6));
            MqttTestSupport.await("7 frames", () -> adapter.framesReceived() == 7);

            StateSample s = new StateSample(3);
            assertThat(adapter.read(s)).isTrue();
            assertSample(s, 1, 3f, 2, false, true, true);
            assertThat(adapter.read(s)).isTrue();
            assertSample(s, 2, 0f, 0, true, false, true);
            assertThat(adapter.read(s)).isTrue();
            assertSample(s, 4, 7f, 2, false, true, true);
            assertThat(adapter.read(s)).isTrue();
            assertSample(s, 5, 0f, 0, true, false, true);
            assertThat(adapter.read(s)).isTrue();
            assertSample(s, 6, 5f, 1, false, false, false);
            assertThat(s.values[0]).isEqualTo(6.0);
            // Nothing new: the newest state again, not fresh.
            assertThat(adapter.read(s)).isFalse();
            assertThat(s.sequence).isEqualTo(6);
            assertThat(adapter.boundariesDropped()).isZero();

            // A republished state (same sequence, as a lock-step robot does while it waits) is fresh
            // again for the loop, but no further step, reward or boundary.
            robot.publish(topic, state(6, 5f, false, false, 6));
            robot.publish(topic, state(6, 5f, false, false, 6));
            MqttTestSupport.await("9 frames", () -> adapter.framesReceived() == 9);
            assertThat(adapter.read(s)).isTrue();
            assertSample(s, 6, 0f, 0, false, false, false);
            assertThat(adapter.read(s)).isFalse();
        }
    }

    private static byte[] state(long seq, long episode, long step, boolean start, boolean terminated) {
        Frame f = new Frame(3);
        f.type = FrameType.STATE;
        f.sequence = seq;
        f.sentMicros = MicroClock.nowMicros();
        f.reward = 1f;
        f.episode = episode;
        f.step = step;
        f.episodeStart = start;
        f.terminated = terminated;
        f.setValues(new double[] {seq, 0, 0});
        return FrameCodec.encode(f);
    }

    @Test
    void framesAndEpisodeEndsLostInTransportAreCountedFromEpisodeAndStep() throws Exception {
        try (MosquittoProcess broker = MqttTestSupport.mosquitto();
             NativeMqttAdapter adapter = new NativeMqttAdapter(MqttTestSupport.config("lost", broker.url(), PayloadFormat.BINARY, null));
             MqttTestSupport.Probe robot = new MqttTestSupport.Probe(broker.url(), "lost-robot")) {
            adapter.configure();
            adapter.activate();
            String topic = new Topics("lost").state();
            StateSample s = new StateSample(3);
            robot.publish(topic, state(0, 4, 0, true, false));
            robot.publish(topic, state(1, 4, 1, false, false));
            robot.publish(topic, state(3, 4, 3, false, false));  // step 2 lost
            MqttTestSupport.await("3 frames", () -> adapter.framesReceived() == 3);
            while (adapter.read(s)) {
                // drain
            }
            assertThat(adapter.framesLost()).isEqualTo(1);
            // Episode 4's terminal and episode 5's start and first step never arrive.
            robot.publish(topic, state(9, 5, 2, false, false));
            MqttTestSupport.await("4 frames", () -> adapter.framesReceived() == 4);
            assertThat(adapter.read(s)).isTrue();
            assertThat(s.episodeStart).as("the first frame seen of episode 5 starts it for the loop").isTrue();
            assertThat(s.steps).isEqualTo(1);
            assertThat(adapter.framesLost()).isEqualTo(1 + 2);
            assertThat(adapter.episodeEndsLost()).isEqualTo(1);
        }
    }

    private static void assertSample(StateSample s, long seq, float reward, int steps, boolean start, boolean terminated,
            boolean more) {
        assertThat(s.sequence).as("sequence").isEqualTo(seq);
        assertThat(s.reward).as("reward of %d", seq).isEqualTo(reward);
        assertThat(s.steps).as("steps of %d", seq).isEqualTo(steps);
        assertThat(s.episodeStart).as("start of %d", seq).isEqualTo(start);
        assertThat(s.terminated).as("terminated of %d", seq).isEqualTo(terminated);
        assertThat(s.more).as("more after %d", seq).isEqualTo(more);
    }
}
