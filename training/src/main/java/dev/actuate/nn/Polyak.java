package dev.actuate.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;

/**
 * The target-network update {@code target = (1 - tau) target + tau source} of one module, split by elements so
 * the two {@link Lanes} can share it ({@link #updatePart}). On the CPU fast path it is one Java loop over bulk
 * copies (float arithmetic without fused multiply-adds, so every element rounds the same on any thread and
 * for any split); elsewhere the same two ND4J ops as {@link NdArrays#polyak} over the part's range.
 */
public final class Polyak {
    private final INDArray target;
    private final INDArray source;
    private final FloatBuffer t;
    private final FloatBuffer s;
    private final int n;
    /** Heap scratch per part: target, source. */
    private final float[][][] scratch;

    public Polyak(Parameterized target, Parameterized source) {
        if (target.numParams() != source.numParams()) {
            throw new IllegalArgumentException("Polyak: sizes differ, " + target.numParams() + " vs "
                    + source.numParams());
        }
        this.target = target.params();
        this.source = source.params();
        this.t = CpuKernels.buffer(this.target);
        this.s = CpuKernels.buffer(this.source);
        this.n = (int) target.numParams();
        int half = (n + 1) / 2;
        this.scratch = t != null && s != null
                ? new float[][][] {{new float[half], new float[half]}, {new float[half], new float[half]}}
                : null;
    }

    /** Elements {@code [n part / parts, n (part + 1) / parts)} of the update, for {@code parts} of 1 or 2. */
    public void updatePart(double tau, int part, int parts) {
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("Polyak tau must be in [0, 1], got " + tau);
        }
        if (parts < 1 || parts > 2 || part < 0 || part >= parts) {
            throw new IllegalArgumentException("Polyak part " + part + " of " + parts);
        }
        int from = (int) ((long) n * part / parts);
        int to = (int) ((long) n * (part + 1) / parts);
        if (from == to) {
            return;
        }
        if (scratch == null) {
            INDArray tv = target.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, to));
            INDArray sv = source.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, to));
            tv.muli(1.0 - tau).addi(sv.mul(tau));
            return;
        }
        float keep = (float) (1.0 - tau);
        float take = (float) tau;
        float[] ts = scratch[part][0];
        float[] ss = scratch[part][1];
        int chunk = ts.length;
        for (int lo = from; lo < to; lo += chunk) {
            int len = Math.min(chunk, to - lo);
            t.get(lo, ts, 0, len);
            s.get(lo, ss, 0, len);
            for (int i = 0; i < len; i++) {
                ts[i] = keep * ts[i] + take * ss[i];
            }
            t.put(lo, ts, 0, len);
        }
    }
}
