package dev.actuate.nn;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.IntToDoubleFunction;

/** Small shared array helpers: Polyak averaging and copies between INDArrays and Java arrays. */
public final class NdArrays {
    private NdArrays() {
    }

    /** In place: {@code target = (1 - tau) * target + tau * source}. Two ops, no temporaries. */
    public static void polyak(INDArray target, INDArray source, double tau) {
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("Polyak tau must be in [0, 1], got " + tau);
        }
        if (target.length() != source.length()) {
            throw new IllegalArgumentException("Polyak: lengths differ, " + target.length() + " vs " + source.length());
        }
        if (tau == 1.0) {
            target.assign(source);
            return;
        }
        target.muli(1.0 - tau);
        Nd4j.getBlasWrapper().level1().axpy(target.length(), tau, source, target);
    }

    /** Polyak update of a whole module. */
    public static void polyak(Parameterized target, Parameterized source, double tau) {
        polyak(target.params(), source.params(), tau);
    }

    /** Copies {@code src} (any shape, read in c-order) into {@code dst[0..length)}; allocation-free. */
    public static void toDoubles(INDArray src, double[] dst) {
        toDoubles(src, dst, 0);
    }

    /** Copies {@code src} (any shape, read in c-order) into {@code dst[off..off + length)}; allocation-free. */
    public static void toDoubles(INDArray src, double[] dst, int off) {
        long n = src.length();
        if (dst.length - off < n) {
            throw new IllegalArgumentException("destination has " + dst.length + " elements, need " + n);
        }
        if (isDense(src)) {
            // A view's data() already starts at the view's offset (ND4J wraps it), so index from 0.
            DataBuffer data = src.data();
            for (int i = 0; i < n; i++) {
                dst[off + i] = data.getDouble(i);
            }
        } else {
            INDArray m = src.reshape(src.length());
            for (int i = 0; i < n; i++) {
                dst[off + i] = m.getDouble(i);
            }
        }
    }

    /** Copies {@code src[0..length)} into {@code dst} (c-order); allocation-free for dense destinations. */
    public static void fromDoubles(double[] src, INDArray dst) {
        long n = dst.length();
        if (src.length < n) {
            throw new IllegalArgumentException("source has " + src.length + " elements, need " + n);
        }
        if (isDense(dst)) {
            DataBuffer data = dst.data();
            for (int i = 0; i < n; i++) {
                data.put(i, src[i]);
            }
        } else {
            putEach(dst, i -> src[i]);
        }
    }

    /**
     * Copies {@code src[0..length)} into {@code dst} (c-order): batches of observations, which the env side keeps
     * as floats; allocation-free for dense destinations. A float stored into a float or double array keeps its value.
     */
    public static void fromFloats(float[] src, INDArray dst) {
        long n = dst.length();
        if (src.length < n) {
            throw new IllegalArgumentException("source has " + src.length + " elements, need " + n);
        }
        if (isDense(dst)) {
            DataBuffer data = dst.data();
            for (int i = 0; i < n; i++) {
                data.put(i, src[i]);
            }
        } else {
            putEach(dst, i -> src[i]);
        }
    }

    /** Element by element in c-order, for destinations that are not dense (views); a float passes through exactly. */
    private static void putEach(INDArray dst, IntToDoubleFunction src) {
        long n = dst.length();
        long cols = dst.rank() == 2 ? dst.columns() : n;
        for (int i = 0; i < n; i++) {
            if (dst.rank() == 2) {
                dst.putScalar(i / cols, i % cols, src.applyAsDouble(i));
            } else {
                dst.putScalar(i, src.applyAsDouble(i));
            }
        }
    }

    private static boolean isDense(INDArray a) {
        return a.ordering() == 'c' && a.elementWiseStride() == 1 && !a.isEmpty();
    }
}
