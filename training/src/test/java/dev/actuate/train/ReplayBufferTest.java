package dev.actuate.train;

import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplayBufferTest {
    private static void fill(ReplayBuffer rb, int n) {
        for (int i = 0; i < n; i++) {
            rb.add(new double[] {i, -i}, new double[] {i * 0.5}, i, new double[] {i + 1, -i - 1}, i % 7 == 0, i % 5 == 0);
        }
    }

    @Test
    void samplesAreConsistentTransitions() {
        ReplayBuffer rb = new ReplayBuffer(100, 2, 1);
        fill(rb, 50);
        ReplayBuffer.Batch b = rb.newBatch(64);
        rb.sample(new Rng(1), b);
        for (int k = 0; k < 64; k++) {
            int i = b.indices[k];
            assertThat(i).isBetween(0, 49);
            assertThat(b.obs[2 * k]).isEqualTo((float) i);
            assertThat(b.nextObs[2 * k + 1]).isEqualTo((float) (-i - 1));
            assertThat(b.actions[k]).isEqualTo(i * 0.5f);
            assertThat(b.rewards[k]).isEqualTo((float) i);
            // Truncation is kept apart: only termination stops the bootstrap.
            assertThat(b.terminated[k]).isEqualTo(i % 7 == 0 ? 1f : 0f);
            assertThat(rb.truncated(i)).isEqualTo(i % 5 == 0);
        }
    }

    @Test
    void ringOverwritesOldestAndCapsSize() {
        ReplayBuffer rb = new ReplayBuffer(10, 2, 1);
        fill(rb, 25);
        assertThat(rb.size()).isEqualTo(10);
        ReplayBuffer.Batch b = rb.newBatch(200);
        rb.sample(new Rng(3), b);
        for (int k = 0; k < 200; k++) {
            assertThat(b.rewards[k]).isGreaterThanOrEqualTo(15f); // entries 15..24 survive
        }
    }

    @Test
    void samplingIsSeededAndAllocationFree() {
        ReplayBuffer rb = new ReplayBuffer(1000, 2, 1);
        fill(rb, 1000);
        ReplayBuffer.Batch a = rb.newBatch(256);
        ReplayBuffer.Batch c = rb.newBatch(256);
        rb.sample(new Rng(9), a);
        rb.sample(new Rng(9), c);
        assertThat(a.indices).containsExactly(c.indices);

        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Rng rng = new Rng(2);
        for (int i = 0; i < 2000; i++) {
            rb.sample(rng, a); // warm up the JIT
        }
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 2000; i++) {
            rb.sample(rng, a);
        }
        long after = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        assertThat(after - before).isZero();
    }

    @Test
    void saveLoadRoundTripContinuesIdentically() throws IOException {
        ReplayBuffer rb = new ReplayBuffer(20, 2, 1);
        fill(rb, 27);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        rb.writeTo(new DataOutputStream(bytes));
        ReplayBuffer copy = new ReplayBuffer(20, 2, 1);
        copy.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(copy.size()).isEqualTo(rb.size());
        fill(rb, 3);
        fill(copy, 3);
        ReplayBuffer.Batch x = rb.newBatch(50);
        ReplayBuffer.Batch y = copy.newBatch(50);
        rb.sample(new Rng(4), x);
        copy.sample(new Rng(4), y);
        assertThat(y.obs).containsExactly(x.obs);
        assertThat(y.rewards).containsExactly(x.rewards);
        assertThat(y.terminated).containsExactly(x.terminated);

        ReplayBuffer wrong = new ReplayBuffer(20, 3, 1);
        assertThatThrownBy(() -> wrong.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
                .isInstanceOf(IOException.class).hasMessageContaining("shape mismatch");
    }

    @Test
    void tdTargetBootstrapsThroughTruncationNotTermination() {
        float[] r = {1f, 1f};
        float[] term = {1f, 0f}; // second transition was truncated: terminated flag 0
        float[] next = {10f, 10f};
        float[] y = new float[2];
        TdTarget.compute(r, term, next, 0.9, y);
        assertThat(y[0]).isEqualTo(1f);
        assertThat(y[1]).isEqualTo(10f);
    }

    @Test
    void rejectsWrongShapes() {
        ReplayBuffer rb = new ReplayBuffer(5, 2, 1);
        assertThatThrownBy(() -> rb.add(new double[3], new double[1], 0, new double[2], false, false))
                .hasMessageContaining("obs has length 3");
        assertThatThrownBy(() -> rb.sample(new Rng(0), rb.newBatch(1))).isInstanceOf(IllegalStateException.class);
    }
}
