package dev.actuate.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;

/**
 * One network's passes over a batch as two fixed halves of its rows, {@code [0, batch/2)} and
 * {@code [batch/2, batch)}, each on its own {@link Mlp#sharingParams sharer} of the network, so the two
 * {@link Lanes} can run one half each: this is how the actor's passes use both cores. Half 0's backward pass
 * writes the network's own gradient vector and half 1's a vector of its own; {@link #sumGradients} then adds
 * half 1's into the network's.
 *
 * <p><b>Exactness.</b> The split is fixed by the batch size, never by the thread count, and each gradient
 * element is {@code g0 + g1} whichever thread adds it, so results are bit-identical for one and two
 * threads. Against one pass over the whole batch the weight gradients are summed in another order (two
 * half-batch sums, then their sum), so they differ from it in the last bits.
 */
public final class RowHalves {
    private final Mlp net;
    private final Mlp[] half;
    private final int batch;
    private final FloatBuffer sum;
    private final FloatBuffer addend;
    /** Heap scratch per part for the fast sum: destination, addend. */
    private final float[][][] scratch;

    /** @param batch the batch size the halves split (at least 2) */
    public RowHalves(Mlp net, int batch) {
        if (batch < 2) {
            throw new IllegalArgumentException("a batch split in two halves needs at least 2 rows, got " + batch);
        }
        this.net = net;
        this.batch = batch;
        this.half = new Mlp[] {net.sharingParams(net.gradients()), net.sharingParams(null)};
        this.sum = CpuKernels.buffer(net.gradients());
        this.addend = CpuKernels.buffer(half[1].gradients());
        int n = (int) net.numParams();
        this.scratch = sum != null && addend != null
                ? new float[][][] {{new float[(n + 1) / 2], new float[(n + 1) / 2]}, {new float[(n + 1) / 2],
                        new float[(n + 1) / 2]}}
                : null;
    }

    /** The network whose halves these are. */
    public Mlp net() {
        return net;
    }

    /** Half {@code h}'s network (0 or 1). */
    public Mlp half(int h) {
        return half[h];
    }

    /** First row of half {@code h}. */
    public int from(int h) {
        return h == 0 ? 0 : batch / 2;
    }

    /** Rows in half {@code h}. */
    public int rows(int h) {
        return h == 0 ? batch / 2 : batch - batch / 2;
    }

    /** Views of the two halves' rows of a {@code [batch, n]} array (build once, reuse every step). */
    public INDArray[] split(INDArray a) {
        if (a.rank() != 2 || a.rows() != batch) {
            throw new IllegalArgumentException("expected a [" + batch + ", n] array, got "
                    + java.util.Arrays.toString(a.shape()));
        }
        INDArray[] v = new INDArray[2];
        for (int h = 0; h < 2; h++) {
            v[h] = a.get(NDArrayIndex.interval(from(h), from(h) + rows(h)), NDArrayIndex.all());
        }
        return v;
    }

    /**
     * Part {@code part} of {@code parts} (1 or 2) of the gradient sum after both halves' backward passes: the
     * network's gradients {@code +=} half 1's over elements {@code [n part / parts, n (part + 1) / parts)},
     * the element ranges {@link AdamOptimizer#stepPart} uses for a one-module optimiser, so a lane can sum its
     * range and take its part of the Adam step.
     */
    public void sumGradients(int part, int parts) {
        int n = (int) net.numParams();
        int from = (int) ((long) n * part / parts);
        int to = (int) ((long) n * (part + 1) / parts);
        if (from == to) {
            return;
        }
        if (scratch == null) {
            net.gradients().get(NDArrayIndex.point(0), NDArrayIndex.interval(from, to))
                    .addi(half[1].gradients().get(NDArrayIndex.point(0), NDArrayIndex.interval(from, to)));
            return;
        }
        // Bulk copies and a loop the JIT vectorises (element access on the direct buffers is several times slower).
        int chunk = scratch[0][0].length;
        float[] d = scratch[parts == 1 ? 0 : part][0];
        float[] s = scratch[parts == 1 ? 0 : part][1];
        for (int lo = from; lo < to; lo += chunk) {
            int len = Math.min(chunk, to - lo);
            sum.get(lo, d, 0, len);
            addend.get(lo, s, 0, len);
            for (int i = 0; i < len; i++) {
                d[i] += s[i];
            }
            sum.put(lo, d, 0, len);
        }
    }
}
