package dev.actuate.nn.infer;

import dev.actuate.nn.Activation;

import java.util.Arrays;

/**
 * Plain-Java float inference copy of an {@code Mlp}, for the run-time control loop: {@link #act} allocates
 * nothing and needs no ND4J. Built from the flat parameter layout of {@code Mlp} ({@code W0, b0, W1, b1, ...},
 * each {@code W} row-major {@code [in, out]}), either from a live network ({@code FloatMlps.of} on the training
 * side) or from a policy file's arrays.
 *
 * <p>Weights are stored transposed ({@code [out][in]}) so each output is one contiguous dot product.
 * Immutable after construction except for private scratch, so one instance must not be shared by threads.
 */
public final class FloatMlp {
    private final int[] sizes;
    private final Activation hidden;
    private final Activation output;
    private final float[][] wt;
    private final float[][] bias;
    private final float[] bufA;
    private final float[] bufB;

    public FloatMlp(int[] sizes, Activation hidden, Activation output, float[] flatParams) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least input and output sizes, got " + Arrays.toString(sizes));
        }
        long expected = 0;
        int widest = 0;
        for (int l = 0; l < sizes.length; l++) {
            if (sizes[l] <= 0) {
                throw new IllegalArgumentException("layer sizes must be positive, got " + Arrays.toString(sizes));
            }
            widest = Math.max(widest, sizes[l]);
            if (l + 1 < sizes.length) {
                expected += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
            }
        }
        if (flatParams.length != expected) {
            throw new IllegalArgumentException("MLP " + Arrays.toString(sizes) + " needs " + expected
                    + " parameters, got " + flatParams.length);
        }
        this.sizes = sizes.clone();
        this.hidden = hidden;
        this.output = output;
        int layers = sizes.length - 1;
        wt = new float[layers][];
        bias = new float[layers][];
        int off = 0;
        for (int l = 0; l < layers; l++) {
            int ni = sizes[l];
            int no = sizes[l + 1];
            float[] t = new float[ni * no];
            for (int i = 0; i < ni; i++) {
                for (int j = 0; j < no; j++) {
                    t[j * ni + i] = flatParams[off + i * no + j];
                }
            }
            wt[l] = t;
            off += ni * no;
            bias[l] = Arrays.copyOfRange(flatParams, off, off + no);
            off += no;
        }
        bufA = new float[widest];
        bufB = new float[widest];
    }

    /** Layer sizes, input first. */
    public int[] sizes() {
        return sizes.clone();
    }

    public Activation hiddenActivation() {
        return hidden;
    }

    public Activation outputActivation() {
        return output;
    }

    /** A copy of the parameters in the constructor's flat layout ({@code W0, b0, W1, b1, ...}, each W {@code [in, out]}). */
    public float[] params() {
        int n = 0;
        for (int l = 0; l < wt.length; l++) {
            n += wt[l].length + bias[l].length;
        }
        float[] flat = new float[n];
        int off = 0;
        for (int l = 0; l < wt.length; l++) {
            int ni = sizes[l];
            int no = sizes[l + 1];
            for (int i = 0; i < ni; i++) {
                for (int j = 0; j < no; j++) {
                    flat[off + i * no + j] = wt[l][j * ni + i];
                }
            }
            off += ni * no;
            System.arraycopy(bias[l], 0, flat, off, no);
            off += no;
        }
        return flat;
    }

    public int inputSize() {
        return sizes[0];
    }

    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    /** {@code out[0..outputSize) = net(obs[0..inputSize))}; allocation-free. */
    public void act(float[] obs, float[] out) {
        if (obs.length < sizes[0] || out.length < sizes[sizes.length - 1]) {
            throw new IllegalArgumentException("act: obs needs " + sizes[0] + " and out " + sizes[sizes.length - 1]
                    + " elements, got " + obs.length + " and " + out.length);
        }
        float[] in = obs;
        int layers = wt.length;
        for (int l = 0; l < layers; l++) {
            boolean last = l == layers - 1;
            float[] dst = last ? out : (l % 2 == 0 ? bufA : bufB);
            layer(wt[l], bias[l], in, sizes[l], sizes[l + 1], dst, last ? output : hidden);
            in = dst;
        }
    }

    private static void layer(float[] wt, float[] b, float[] x, int ni, int no, float[] y, Activation act) {
        for (int j = 0; j < no; j++) {
            int row = j * ni;
            // Four accumulators break the add dependency chain (the JIT keeps FP order, so no auto-vectorising).
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = 0;
            for (; i + 3 < ni; i += 4) {
                s0 += wt[row + i] * x[i];
                s1 += wt[row + i + 1] * x[i + 1];
                s2 += wt[row + i + 2] * x[i + 2];
                s3 += wt[row + i + 3] * x[i + 3];
            }
            for (; i < ni; i++) {
                s0 += wt[row + i] * x[i];
            }
            float z = b[j] + ((s0 + s1) + (s2 + s3));
            y[j] = switch (act) {
                case TANH -> tanh(z);
                case RELU -> z > 0f ? z : 0f;
                case IDENTITY -> z;
            };
        }
    }

    /**
     * Fast tanh for inference: Eigen's [13/6] rational approximation evaluated in double for {@code |x| <= 7}
     * and {@code 1 - 2 / (exp(2|x|) + 1)} beyond (where the rational fit ends; {@code Math.exp} is a JIT
     * intrinsic). Absolute error below 1e-7 over all floats (about 5.5e-8, of which 3e-8 is the final
     * rounding to float). {@code Math.tanh} is not an intrinsic on JDK 17 and is several times slower.
     */
    public static float tanh(float xf) {
        double x = xf;
        double ax = Math.abs(x);
        if (ax < 0.0004) {
            return xf; // also returns NaN for NaN
        }
        if (ax > 7.0) {
            double t = 1.0 - 2.0 / (Math.exp(2.0 * ax) + 1.0);
            return (float) (x > 0 ? t : -t);
        }
        double x2 = x * x;
        double p = -2.76076847742355e-16;
        p = p * x2 + 2.00018790482477e-13;
        p = p * x2 - 8.60467152213735e-11;
        p = p * x2 + 5.12229709037114e-08;
        p = p * x2 + 1.48572235717979e-05;
        p = p * x2 + 6.37261928875436e-04;
        p = p * x2 + 4.89352455891786e-03;
        p = p * x;
        double q = 1.19825839466702e-06;
        q = q * x2 + 1.18534705686654e-04;
        q = q * x2 + 2.26843463243900e-03;
        q = q * x2 + 4.89352518554385e-03;
        return (float) (p / q);
    }
}
