package dev.actuate.nn;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.ref.Reference;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Fast paths for small float32 networks on the CPU backend, with exact ND4J fallbacks elsewhere (CUDA, DOUBLE
 * gradient checks, non-dense views).
 *
 * <p><b>Why.</b> Profiling SAC at 256x256 / batch 256 (JFR, {@code jdk.NativeMethodSample}) showed about 15 %
 * of a step in ND4J's {@code relu_bp} custom op (~0.28 ms per [256, 256] call, ten calls per step) and every
 * gemm paying the {@code Mmul} custom-op dispatch. {@link #gemm} calls OpenBLAS's {@code cblas_sgemm} on the
 * buffers' addresses directly (the same library ND4J's Mmul ends in); the activation backward passes are
 * plain Java loops over the native buffers.
 *
 * <p><b>Pitfall.</b> {@code view.data().addressPointer()} already includes the view's offset; adding
 * {@code offset()} again writes out of bounds (see the ND4J fast-path notes).
 */
public final class CpuKernels {
    /** True on ND4J's native CPU backend with OpenBLAS loadable; the fast paths apply only then. */
    public static final boolean ENABLED = detect();

    private CpuKernels() {
    }

    private static boolean detect() {
        if (Boolean.getBoolean("actuate.noCpuKernels")) {
            return false;
        }
        try {
            if (!Nd4j.getBackend().getClass().getName().equals("org.nd4j.linalg.cpu.nativecpu.CpuBackend")) {
                return false;
            }
            Class.forName("org.bytedeco.openblas.global.openblas_nolapack");
            return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Sets the OpenBLAS that {@link #gemm} calls to one thread (no-op off the fast path). The bundled OpenBLAS
     * 0.3.19 is a pthreads build (no libgomp), safe to call from several Java threads at once; with more
     * than one BLAS thread each such call would also wake its own busy-waiting BLAS threads.
     */
    public static void singleThreadedBlas() {
        if (ENABLED && openblas_nolapack.blas_get_num_threads() != 1) {
            openblas_nolapack.blas_set_num_threads(1);
        }
    }

    /** The OpenBLAS thread count {@link #gemm} runs with (-1 off the fast path). */
    static int blasThreads() {
        return ENABLED ? openblas_nolapack.blas_get_num_threads() : -1;
    }

    /** Whether {@code a} is a float32, c-order, row-contiguous 2-D array (a dense matrix, possibly a view). */
    static boolean dense(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.rank() == 2 && a.ordering() == 'c'
                && a.stride(1) == 1 && (a.rows() == 1 || a.stride(0) == a.columns());
    }

    /**
     * {@code c = alpha op(a) op(b) + beta c}, as {@code Nd4j.gemm(a, b, c, transA, transB, alpha, beta)}; through
     * {@code cblas_sgemm} when enabled and all three are dense float matrices, else through ND4J.
     */
    public static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha,
                            double beta) {
        if (!ENABLED || !dense(a) || !dense(b) || !dense(c)) {
            Nd4j.gemm(a, b, c, transA, transB, alpha, beta);
            return;
        }
        int m = (int) (transA ? a.columns() : a.rows());
        int k = (int) (transA ? a.rows() : a.columns());
        int kb = (int) (transB ? b.columns() : b.rows());
        int n = (int) (transB ? b.rows() : b.columns());
        if (k != kb || c.rows() != m || c.columns() != n) {
            throw new IllegalArgumentException("gemm shapes do not match: [" + m + ", " + k + "] x [" + kb + ", " + n
                    + "] -> " + java.util.Arrays.toString(c.shape()));
        }
        int lda = (int) a.columns();
        int ldb = (int) b.columns();
        if (n == 1) {
            // A matrix-vector product (an output layer of width 1, its weight gradient): sgemv skips the
            // packing sgemm does, several times faster at these sizes. op(b) is a column: stride ldb, or 1
            // when b is stored as the row b^T.
            openblas_nolapack.cblas_sgemv(openblas_nolapack.CblasRowMajor,
                    transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, (int) a.rows(), lda,
                    (float) alpha, floats(a), lda, floats(b), transB ? 1 : ldb, (float) beta, floats(c),
                    (int) c.columns());
            fence(a, b, c);
            return;
        }
        if (m == 1) {
            // c^T = op(b)^T op(a)^T: the bias gradient ones^T dz and batch-1 forwards. op(a) is a row: stride 1,
            // or lda when a is stored as the column a^T.
            openblas_nolapack.cblas_sgemv(openblas_nolapack.CblasRowMajor,
                    transB ? openblas_nolapack.CblasNoTrans : openblas_nolapack.CblasTrans, (int) b.rows(), ldb,
                    (float) alpha, floats(b), ldb, floats(a), transA ? lda : 1, (float) beta, floats(c), 1);
            fence(a, b, c);
            return;
        }
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                m, n, k, (float) alpha, floats(a), lda, floats(b), ldb, (float) beta,
                floats(c), (int) c.columns());
        fence(a, b, c);
    }

    /**
     * Keeps the arrays reachable up to here. BLAS reads raw addresses, which do not keep them alive: a caller's
     * temporary (a view made for the call) could otherwise be collected, and its native buffer freed, while
     * BLAS still runs.
     */
    private static void fence(INDArray a, INDArray b, INDArray c) {
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(b);
        Reference.reachabilityFence(c);
    }

    /** The array's first element as a FloatPointer; {@code addressPointer()} already includes a view's offset. */
    private static FloatPointer floats(INDArray a) {
        Pointer p = a.data().addressPointer();
        return p instanceof FloatPointer f ? f : new FloatPointer(p);
    }

    /**
     * A float view of a dense array's native memory (for the Java loops), exactly {@code length()} elements
     * from the array's first element; null when not applicable. Built from {@code addressPointer()}, which
     * includes a view's offset: {@code data().asNio()} does not (it starts at the whole buffer's base).
     */
    static FloatBuffer buffer(INDArray a) {
        if (!ENABLED || a.dataType() != DataType.FLOAT || a.ordering() != 'c' || a.isEmpty()
                || (a.length() > 1 && a.elementWiseStride() != 1) || a.length() > Integer.MAX_VALUE) {
            return null;
        }
        long n = a.length();
        FloatPointer f = new FloatPointer(a.data().addressPointer());
        f.position(0).limit(n).capacity(n);
        return f.asBuffer(); // JavaCPP buffers are in native byte order
    }

    /**
     * ReLU backward: {@code dz = z > 0 ? dA : 0} (as ND4J's relu_bp), over {@code n} elements. Bulk copies into
     * the heap scratch arrays (each at least n long) and a loop over them: element access on the direct
     * buffers was measured at ~4 ns per element, no faster than relu_bp; bulk copies plus a loop the JIT
     * vectorises take a fraction of that.
     */
    static void reluBackward(FloatBuffer z, FloatBuffer dA, FloatBuffer dz, int n, float[] zs, float[] ds) {
        z.get(0, zs, 0, n);
        dA.get(0, ds, 0, n);
        for (int i = 0; i < n; i++) {
            // Branch-free z > 0 (the signs are random, so a branch mispredicts half the time): for non-NaN z,
            // z > 0 exactly when its bits are a positive int; keep is all ones then, else zero (-0 included).
            int zi = Float.floatToRawIntBits(zs[i]);
            int keep = ~((zi >> 31) | ((zi - 1) >> 31));
            ds[i] = Float.intBitsToFloat(Float.floatToRawIntBits(ds[i]) & keep);
        }
        dz.put(0, ds, 0, n);
    }

    /**
     * Hidden ReLU layer after its gemm: {@code a = max(z + bias, 0)} (bias row-broadcast), for a
     * {@code [rows, cols]} layer; scratch arrays at least {@code rows * cols} (and {@code cols}) long. The
     * biased pre-activation is not stored: the backward pass masks by {@code a > 0}, which is {@code z > 0}.
     */
    static void biasRelu(FloatBuffer z, FloatBuffer bias, FloatBuffer a, int rows, int cols, float[] zs, float[] as,
                         float[] bs) {
        int n = rows * cols;
        z.get(0, zs, 0, n);
        bias.get(0, bs, 0, cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                float v = zs[o + j] + bs[j];
                as[o + j] = Math.max(v, 0f);
            }
        }
        a.put(0, as, 0, n);
    }

    /** {@code a += b} over {@code n} elements (bulk copies and a loop, as above); scratch arrays at least n long. */
    static void addInto(FloatBuffer a, FloatBuffer b, int n, float[] as, float[] bs) {
        a.get(0, as, 0, n);
        b.get(0, bs, 0, n);
        for (int i = 0; i < n; i++) {
            as[i] += bs[i];
        }
        a.put(0, as, 0, n);
    }

    /** Tanh backward from the activation: {@code dz = dA (1 - a^2)}, over {@code n} elements (as above). */
    static void tanhBackward(FloatBuffer a, FloatBuffer dA, FloatBuffer dz, int n, float[] as, float[] ds) {
        a.get(0, as, 0, n);
        dA.get(0, ds, 0, n);
        for (int i = 0; i < n; i++) {
            float t = as[i];
            ds[i] = ds[i] * (1f - t * t);
        }
        dz.put(0, ds, 0, n);
    }
}
