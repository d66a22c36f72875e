package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LanesTest {
    @Test
    void eachTaskRunsOnceAndBothFinishBeforeRunReturns() {
        try (Lanes lanes = new Lanes(2)) {
            int[] sums = new int[2];
            for (int round = 0; round < 2_000; round++) {
                // Plain ints: run() must publish the worker's writes to the caller.
                lanes.run(2, i -> sums[i] += i + 1);
            }
            assertThat(sums).containsExactly(2_000, 4_000);
            if (CpuKernels.ENABLED) {
                assertThat(CpuKernels.blasThreads()).isEqualTo(1); // each lane's cblas call stays on its thread
            }
        }
        try (Lanes one = new Lanes(1)) {
            AtomicReference<Thread> t = new AtomicReference<>();
            one.run(2, i -> t.set(Thread.currentThread()));
            assertThat(t.get()).isSameAs(Thread.currentThread());
        }
    }

    /** A worker that takes task 1 runs it on its own thread; task 0 here waits until it has started. */
    @Test
    void theWorkerRunsTheSecondTaskWhenItTakesIt() {
        try (Lanes lanes = new Lanes(2)) {
            Thread[] ran = new Thread[2];
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            lanes.run(2, i -> {
                ran[i] = Thread.currentThread();
                if (i == 1) {
                    started.countDown();
                } else {
                    try {
                        assertThat(started.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            assertThat(ran[0]).isSameAs(Thread.currentThread());
            assertThat(ran[1]).isNotSameAs(Thread.currentThread()).isNotNull();
            assertThat(lanes.stolen()).isZero();
        }
    }

    @Test
    void aFailureOnEitherLaneReachesTheCallerAndTheLanesStayUsable() {
        try (Lanes lanes = new Lanes(2)) {
            assertThatThrownBy(() -> lanes.run(2, i -> {
                if (i == 1) {
                    throw new IllegalStateException("worker failed");
                }
            })).hasMessage("worker failed");
            assertThatThrownBy(() -> lanes.run(2, i -> {
                if (i == 0) {
                    throw new IllegalArgumentException("caller failed");
                }
            })).hasMessage("caller failed");
            int[] n = new int[1];
            lanes.run(2, i -> {
                synchronized (n) {
                    n[0]++;
                }
            });
            assertThat(n[0]).isEqualTo(2);
        }
        assertThatThrownBy(() -> new Lanes(3)).hasMessageContaining("1 or 2");
    }

    /** Adam is elementwise: its step split in two element ranges on two threads equals the whole step. */
    @Test
    void adamStepSplitAcrossLanesEqualsTheWholeStep() {
        Mlp.Builder b = Mlp.builder(5, 3).hidden(32).activation(Activation.RELU); // 291 params: an uneven split
        Mlp whole = b.build(new Rng(4));
        Mlp split = b.build(new Rng(4));
        AdamOptimizer wholeAdam = new AdamOptimizer(1e-2, whole);
        AdamOptimizer splitAdam = new AdamOptimizer(1e-2, split);
        Rng g = new Rng(9);
        try (Lanes lanes = new Lanes(2)) {
            for (int step = 0; step < 5; step++) {
                for (int i = 0; i < whole.numParams(); i++) {
                    double v = g.nextGaussian();
                    whole.gradients().putScalar(0, i, v);
                    split.gradients().putScalar(0, i, v);
                }
                wholeAdam.step();
                splitAdam.step(lanes);
            }
        }
        assertThat(split.getParams()).containsExactly(whole.getParams());
        assertThat(splitAdam.state().dup().data().asFloat()).containsExactly(wholeAdam.state().dup().data().asFloat());
        assertThat(splitAdam.iteration()).isEqualTo(5);
    }

    /**
     * Two critic-sized networks trained concurrently, each on its own thread calling cblas at the same time as
     * the other, end bit-identical to the same steps on one thread: the OpenBLAS build is safe to call from two
     * threads and neither lane's result depends on the other.
     */
    @Test
    void concurrentTrainingOfTwoNetworksIsBitIdenticalToSequential() {
        float[][] one = trainPair(1);
        float[][] two = trainPair(2);
        assertThat(two[0]).containsExactly(one[0]);
        assertThat(two[1]).containsExactly(one[1]);
        assertThat(two[2]).containsExactly(one[2]);
        assertThat(two[3]).containsExactly(one[3]);
    }

    private static float[][] trainPair(int threads) {
        Rng rng = new Rng(7);
        Mlp.Builder b = Mlp.builder(10, 1).hidden(256, 256).activation(Activation.RELU);
        Mlp[] nets = {b.build(rng), b.build(rng)};
        AdamOptimizer adam = new AdamOptimizer(1e-3, nets[0], nets[1]);
        int batch = 256;
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.zeros(DataType.FLOAT, batch, 10);
        INDArray[] dOut = {Nd4j.zeros(DataType.FLOAT, batch, 1), Nd4j.zeros(DataType.FLOAT, batch, 1)};
        x.assign(Nd4j.rand(DataType.FLOAT, batch, 10).subi(0.5));
        dOut[0].assign(Nd4j.rand(DataType.FLOAT, batch, 1).subi(0.5));
        dOut[1].assign(Nd4j.rand(DataType.FLOAT, batch, 1).subi(0.5));
        float[][] inputGrads = new float[2][];
        try (Lanes lanes = new Lanes(threads)) {
            for (int step = 0; step < 20; step++) {
                lanes.run(2, i -> {
                    nets[i].forward(x);
                    nets[i].backward(dOut[i]);
                    inputGrads[i] = nets[i].inputGradient().dup().data().asFloat();
                });
                adam.step(lanes);
            }
        }
        return new float[][] {nets[0].getParams(), nets[1].getParams(), concat(inputGrads[0], inputGrads[1]),
                adam.state().dup().data().asFloat()};
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = new float[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
