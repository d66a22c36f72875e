package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A fully connected network {@code in -> hidden... -> out} on ND4J with a hand-written backward pass.
 *
 * <p><b>Parameters.</b> One flat row vector; each layer's weight {@code W[l]} (shape {@code [n_l, n_{l+1}]},
 * c-order, so {@code y = x W + b}) and bias {@code b[l]} ({@code [1, n_{l+1}]}) are views into it, laid out
 * as {@code W0, b0, W1, b1, ...}. Model files and {@link dev.actuate.nn.infer.FloatMlp} rely on this layout.
 * The flat gradient vector has the same layout.
 *
 * <p><b>Buffers.</b> Activations, pre-activations and deltas are allocated once per distinct batch size (on
 * first use) and reused, so a training step allocates no new arrays. {@link #forward} returns a buffer owned
 * by this network: it stays valid until the next {@code forward} with the same batch size. The input passed
 * to {@code forward} is kept by reference for the backward pass: do not modify it in between.
 *
 * <p><b>Precision.</b> {@link DataType#FLOAT} for training, {@link DataType#DOUBLE} for gradient checks.
 * Inputs must have the network's data type.
 *
 * <p>Not thread-safe.
 */
public final class Mlp implements Parameterized {
    private final int[] sizes;
    private final Activation hiddenActivation;
    private final Activation outputActivation;
    private final DataType dataType;
    private final INDArray params;
    private final INDArray grads;
    private final INDArray[] w;
    private final INDArray[] b;
    private final INDArray[] gw;
    private final INDArray[] gb;
    private final Map<Integer, Buffers> buffersByBatch = new HashMap<>();
    private Buffers current;
    private INDArray lastInput;
    /** The first layer's delta from the last backward pass, for the lazily computed input gradient. */
    private INDArray lastDz0;
    private boolean inputGradValid;
    private long forwards;
    /** Float views of the biases for the Java forward pass (CPU float only; null entries otherwise). */
    private final java.nio.FloatBuffer[] biasNio;
    private final float[] biasScratch;

    private Mlp(Builder cfg, Rng rng, INDArray paramsView, INDArray gradsView) {
        this.sizes = cfg.sizes();
        this.hiddenActivation = cfg.hiddenActivation;
        this.outputActivation = cfg.outputActivation;
        this.dataType = cfg.dataType;
        int n = cfg.numParams();
        if (paramsView == null) {
            params = Nd4j.zeros(dataType, 1, n);
            grads = Nd4j.zeros(dataType, 1, n);
        } else {
            checkFlat("params", paramsView, n, dataType);
            checkFlat("gradients", gradsView, n, dataType);
            params = paramsView;
            grads = gradsView;
        }
        int layers = sizes.length - 1;
        w = new INDArray[layers];
        b = new INDArray[layers];
        gw = new INDArray[layers];
        gb = new INDArray[layers];
        double[] init = new double[n];
        long off = 0;
        for (int l = 0; l < layers; l++) {
            int ni = sizes[l];
            int no = sizes[l + 1];
            w[l] = flatView(params, off, ni, no);
            gw[l] = flatView(grads, off, ni, no);
            Init scheme = l == layers - 1 ? cfg.outputInit : cfg.hiddenInit;
            double[] wl = scheme.weights(ni, no, rng);
            System.arraycopy(wl, 0, init, (int) off, wl.length);
            off += (long) ni * no;
            b[l] = flatView(params, off, 1, no);
            gb[l] = flatView(grads, off, 1, no);
            double[] bl = scheme.biases(ni, no, rng);
            System.arraycopy(bl, 0, init, (int) off, no);
            off += no;
        }
        params.assign(Nd4j.createFromArray(init).reshape(1, n).castTo(dataType));
        grads.assign(0);
        biasNio = new java.nio.FloatBuffer[layers];
        int widest = 0;
        for (int l = 0; l < layers; l++) {
            biasNio[l] = CpuKernels.buffer(b[l]);
            widest = Math.max(widest, sizes[l + 1]);
        }
        biasScratch = new float[widest];
    }

    /**
     * A network over {@code source}'s parameter arrays (the same memory, so it sees every update) with its own
     * work buffers and, unless {@code gradsView} is given, its own gradient vector.
     */
    private Mlp(Mlp source, INDArray gradsView) {
        this.sizes = source.sizes;
        this.hiddenActivation = source.hiddenActivation;
        this.outputActivation = source.outputActivation;
        this.dataType = source.dataType;
        this.params = source.params;
        int n = (int) source.params.length();
        if (gradsView == null) {
            grads = Nd4j.zeros(dataType, 1, n);
        } else {
            checkFlat("gradients", gradsView, n, dataType);
            grads = gradsView;
        }
        int layers = sizes.length - 1;
        w = source.w;
        b = source.b;
        gw = new INDArray[layers];
        gb = new INDArray[layers];
        long off = 0;
        for (int l = 0; l < layers; l++) {
            off += (long) sizes[l] * sizes[l + 1];
            gw[l] = flatView(grads, off - (long) sizes[l] * sizes[l + 1], sizes[l], sizes[l + 1]);
            gb[l] = flatView(grads, off, 1, sizes[l + 1]);
            off += sizes[l + 1];
        }
        biasNio = new java.nio.FloatBuffer[layers];
        for (int l = 0; l < layers; l++) {
            biasNio[l] = CpuKernels.buffer(b[l]);
        }
        biasScratch = new float[source.biasScratch.length];
    }

    /**
     * A network that shares this one's parameters (not a copy: it sees every update) but has its own work
     * buffers, so its passes may run on another thread at the same time as this network's or another
     * sharer's; for the two halves of a batch ({@link RowHalves}). Its backward pass writes {@code gradsView}
     * ({@code [1, numParams()]}, for example this network's own gradient vector) or, when that is null, a
     * gradient vector of its own.
     */
    public Mlp sharingParams(INDArray gradsView) {
        return new Mlp(this, gradsView);
    }

    private static void checkFlat(String what, INDArray a, long n, DataType dt) {
        if (a == null || a.rank() != 2 || a.rows() != 1 || a.columns() != n) {
            throw new IllegalArgumentException("Mlp " + what + " view must be a [1, " + n + "] row vector, got "
                    + (a == null ? "null" : Arrays.toString(a.shape())));
        }
        if (a.dataType() != dt) {
            throw new IllegalArgumentException("Mlp " + what + " view has data type " + a.dataType() + ", expected " + dt);
        }
        if (a.ordering() != 'c' || a.elementWiseStride() != 1) {
            throw new IllegalArgumentException("Mlp " + what + " view must be contiguous");
        }
    }

    private static INDArray flatView(INDArray flat, long off, int rows, int cols) {
        INDArray v = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(off, off + (long) rows * cols))
                .reshape('c', rows, cols);
        if (!v.isView() && flat.length() != (long) rows * cols) {
            throw new IllegalStateException("ND4J returned a copy instead of a view of the flat parameters");
        }
        return v;
    }

    public static Builder builder(int inputSize, int outputSize) {
        return new Builder(inputSize, outputSize);
    }

    /** Network configuration; reusable (build several nets of the same shape, e.g. a target copy). */
    public static final class Builder {
        private final int inputSize;
        private final int outputSize;
        private int[] hidden = {64, 64};
        private Activation hiddenActivation = Activation.TANH;
        private Activation outputActivation = Activation.IDENTITY;
        private Init hiddenInit = Init.orthogonal(Math.sqrt(2));
        private Init outputInit = Init.orthogonal(1.0);
        private DataType dataType = DataType.FLOAT;

        private Builder(int inputSize, int outputSize) {
            if (inputSize <= 0 || outputSize <= 0) {
                throw new IllegalArgumentException("Mlp input and output sizes must be positive, got "
                        + inputSize + " -> " + outputSize);
            }
            this.inputSize = inputSize;
            this.outputSize = outputSize;
        }

        /** Hidden layer widths (default 64, 64); none gives a single affine layer. */
        public Builder hidden(int... sizes) {
            for (int s : sizes) {
                if (s <= 0) {
                    throw new IllegalArgumentException("hidden layer sizes must be positive, got " + Arrays.toString(sizes));
                }
            }
            this.hidden = sizes.clone();
            return this;
        }

        /** Activation of every hidden layer (default tanh). */
        public Builder activation(Activation a) {
            this.hiddenActivation = java.util.Objects.requireNonNull(a, "activation");
            return this;
        }

        /** Activation of the output layer (default identity). */
        public Builder outputActivation(Activation a) {
            this.outputActivation = java.util.Objects.requireNonNull(a, "outputActivation");
            return this;
        }

        /** Init of hidden layers (default orthogonal, gain sqrt 2, as SB3). */
        public Builder hiddenInit(Init init) {
            this.hiddenInit = java.util.Objects.requireNonNull(init, "hiddenInit");
            return this;
        }

        /** Init of the output layer (default orthogonal, gain 1; SB3 uses 0.01 for policy means). */
        public Builder outputInit(Init init) {
            this.outputInit = java.util.Objects.requireNonNull(init, "outputInit");
            return this;
        }

        /** FLOAT (default) for training, DOUBLE for gradient checks. */
        public Builder dataType(DataType dt) {
            if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
                throw new IllegalArgumentException("Mlp data type must be FLOAT or DOUBLE, got " + dt);
            }
            this.dataType = dt;
            return this;
        }

        public int inputSize() {
            return inputSize;
        }

        public int outputSize() {
            return outputSize;
        }

        public DataType dataType() {
            return dataType;
        }

        /** All layer sizes, input first, output last. */
        public int[] sizes() {
            int[] s = new int[hidden.length + 2];
            s[0] = inputSize;
            System.arraycopy(hidden, 0, s, 1, hidden.length);
            s[s.length - 1] = outputSize;
            return s;
        }

        /** The number of parameters the built network will have. */
        public int numParams() {
            int[] s = sizes();
            long n = 0;
            for (int l = 0; l + 1 < s.length; l++) {
                n += (long) s[l] * s[l + 1] + s[l + 1];
            }
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Mlp too large: " + n + " parameters");
            }
            return (int) n;
        }

        /** Builds a network owning its parameter and gradient vectors, initialised from {@code rng}. */
        public Mlp build(Rng rng) {
            return new Mlp(this, rng, null, null);
        }

        /**
         * Builds a network whose parameters and gradients are the given {@code [1, numParams()]} contiguous
         * views (for example slices of a larger module's flat vectors, so one optimiser covers both).
         */
        public Mlp build(Rng rng, INDArray paramsView, INDArray gradientsView) {
            return new Mlp(this, rng, paramsView, gradientsView);
        }
    }

    // ---------------------------------------------------------------- forward / backward

    /**
     * Forward pass of a {@code [batch, in]} input; returns the {@code [batch, out]} output buffer owned by
     * this network (overwritten by the next forward with the same batch size).
     */
    public INDArray forward(INDArray x) {
        if (x.rank() != 2 || x.columns() != sizes[0]) {
            throw new IllegalArgumentException("Mlp input must be [batch, " + sizes[0] + "], got "
                    + Arrays.toString(x.shape()));
        }
        if (x.dataType() != dataType) {
            throw new IllegalArgumentException("Mlp input has data type " + x.dataType() + ", network is " + dataType);
        }
        Buffers buf = buffers((int) x.rows());
        current = buf;
        forwards++;
        lastInput = x;
        lastDz0 = null;
        inputGradValid = false;
        INDArray in = x;
        for (int l = 0; l < w.length; l++) {
            CpuKernels.gemm(in, w[l], buf.z[l], false, false, 1.0, 0.0);
            if (hiddenActivation == Activation.RELU && buf.zNio[l] != null && biasNio[l] != null) {
                // CPU float hidden ReLU layer: bias and activation in one Java pass instead of two ND4J ops.
                CpuKernels.biasRelu(buf.zNio[l], biasNio[l], buf.aNio[l], buf.batch, sizes[l + 1], buf.scratchA,
                        buf.scratchB, biasScratch);
            } else {
                addBias(buf, buf.z[l], b[l], buf.biasAdd[l]);
                if (buf.actFwd[l] != null) {
                    Nd4j.getExecutioner().exec(buf.actFwd[l]);
                }
            }
            in = buf.a[l];
        }
        return buf.a[w.length - 1];
    }

    /**
     * {@code z += bias} row-broadcast over a batch: on the CPU fast path (no {@code op}) the rank-1 product
     * {@code ones^T bias} accumulated into z by BLAS, which rounds exactly as an elementwise add; elsewhere the
     * broadcast op {@link #biasAddOp} built once for these arrays.
     *
     * <p>Why not ND4J's {@code addiRowVector}: it builds a temporary broadcast op whose native buffer the
     * garbage collector can free while the native call still reads it, a SIGSEGV in
     * {@code sd::DataBuffer::primary()}. It happened once in a 91-minute SAC run; with a 1 MB young generation
     * SAC and TRPO crashed within seconds. A prebuilt op survived 3 million calls there.
     */
    private static void addBias(Buffers buf, INDArray z, INDArray bias, Op op) {
        if (op == null) {
            CpuKernels.gemm(buf.ones, bias, z, true, false, 1.0, 1.0);
        } else {
            Nd4j.getExecutioner().exec(op);
        }
    }

    /** The op {@link #addBias} runs for {@code z += bias}: none on the CPU fast path, else a broadcast add. */
    private static Op biasAddOp(INDArray z, INDArray bias) {
        return CpuKernels.ENABLED && CpuKernels.dense(z) && CpuKernels.dense(bias) ? null
                : new BroadcastAddOp(z, bias, z, 1);
    }

    /** How many forward passes this network has run: tells a caller whether its forward is still the last. */
    public long forwardCount() {
        return forwards;
    }

    /**
     * The last hidden layer's activations of the last {@link #forward} ({@code [batch, sizes[-2]]}, the input
     * for a network without hidden layers): the latent features of state-dependent exploration. A buffer
     * owned by this network, valid until the next forward.
     */
    public INDArray lastHidden() {
        if (current == null) {
            throw new IllegalStateException("lastHidden() needs a forward pass first");
        }
        return w.length == 1 ? lastInput : current.a[w.length - 2];
    }

    /**
     * Forward-mode derivative (the R-op) of the last {@link #forward}'s output along a parameter direction:
     * {@code J v}, {@code [batch, out]}, with {@code J = dOutput/dParams} and {@code direction} laid out as
     * {@link #params()}. Touches neither the parameters, the gradients nor the forward pass's activations (so
     * {@link #backward} may follow, and several products may share one forward). Returns a buffer owned by this
     * network, overwritten by the next {@code jvp} at this batch size; allocation-free on the CPU fast path once
     * a direction array has been seen (its per-layer views are kept).
     */
    public INDArray jvp(INDArray direction) {
        Buffers buf = current;
        if (buf == null) {
            throw new IllegalStateException("jvp needs a forward pass first");
        }
        checkFlat("direction", direction, numParams(), dataType);
        buf.ensureTangents();
        buf.bindDirection(direction);
        INDArray in = lastInput;
        INDArray rIn = null; // tangent of the layer input; zero for the network input
        for (int l = 0; l < w.length; l++) {
            // z = in W + b, so dz = in dW + db + d(in) W.
            INDArray rz = buf.rz[l];
            CpuKernels.gemm(in, buf.dirW[l], rz, false, false, 1.0, 0.0);
            if (rIn != null) {
                CpuKernels.gemm(rIn, w[l], rz, false, false, 1.0, 1.0);
            }
            addBias(buf, rz, buf.dirB[l], buf.dirBiasAdd[l]);
            Activation act = l == w.length - 1 ? outputActivation : hiddenActivation;
            INDArray a = buf.a[l];
            if (act != Activation.IDENTITY && buf.zNio[l] != null && buf.rzNio[l] != null) {
                // CPU float hidden layer: the activation's derivative times the tangent, as its backward loop.
                int n = buf.batch * sizes[l + 1];
                if (act == Activation.RELU) {
                    // The mask reads the activation (a > 0 exactly where z > 0): the fused forward keeps only a.
                    CpuKernels.reluBackward(buf.aNio[l], buf.rzNio[l], buf.rzNio[l], n, buf.scratchA, buf.scratchB);
                } else {
                    CpuKernels.tanhBackward(buf.aNio[l], buf.rzNio[l], buf.rzNio[l], n, buf.scratchA, buf.scratchB);
                }
            } else {
                switch (act) {
                    case TANH -> rz.muli(a.mul(a).rsubi(1.0));
                    case RELU -> rz.muli(a.gt(0.0).castTo(dataType));
                    case IDENTITY -> { }
                }
            }
            rIn = rz;
            in = a;
        }
        return rIn;
    }

    /** Backward pass of the last {@link #forward}: overwrites the gradients with dLoss/dParams. */
    public void backward(INDArray dOut) {
        backward(dOut, false);
    }

    /**
     * Backward pass of the last {@link #forward} given {@code dOut = dLoss/dOutput} ({@code [batch, out]}).
     *
     * @param accumulate add to the gradients instead of overwriting them (to sum the losses of several
     *                   heads or forward passes: forward A, backward(dA, false), forward B, backward(dB, true))
     */
    public void backward(INDArray dOut, boolean accumulate) {
        backward(requireForward(dOut), dOut, accumulate, null);
    }

    /**
     * Backward pass of the last {@link #forward} for a loss that reads the last hidden layer's activations
     * ({@link #lastHidden}) as well as the output: {@code dLastHidden = dLoss/dLastHidden} ({@code [batch,
     * sizes[-2]]}) is added to what flows back from the output layer. SAC's gSDE head needs it: its noise and
     * variance read the latent features (SB3's {@code learn_features=True}). Overwrites the gradients.
     */
    public void backward(INDArray dOut, INDArray dLastHidden) {
        if (w.length < 2) {
            throw new IllegalStateException("backward with dLastHidden needs a hidden layer");
        }
        Buffers buf = requireForward(dOut);
        int h = sizes[sizes.length - 2];
        if (dLastHidden.rank() != 2 || dLastHidden.rows() != buf.batch || dLastHidden.columns() != h
                || dLastHidden.dataType() != dataType) {
            throw new IllegalArgumentException("dLastHidden must be " + dataType + " [" + buf.batch + ", " + h
                    + "], got " + dLastHidden.dataType() + " " + Arrays.toString(dLastHidden.shape()));
        }
        backward(buf, dOut, false, dLastHidden);
    }

    private void backward(Buffers buf, INDArray dOut, boolean accumulate, INDArray dLastHidden) {
        double beta = accumulate ? 1.0 : 0.0;
        int last = w.length - 1;
        INDArray dA = dOut;
        for (int l = last; l >= 0; l--) {
            INDArray dz = delta(buf, l, dA);
            INDArray in = l == 0 ? lastInput : buf.a[l - 1];
            CpuKernels.gemm(in, dz, gw[l], true, false, 1.0, beta);
            // Bias gradient as ones^T dz: one gemm, which also accumulates via beta.
            CpuKernels.gemm(buf.ones, dz, gb[l], false, false, 1.0, beta);
            if (l > 0) {
                CpuKernels.gemm(dz, w[l], buf.dA[l - 1], false, true, 1.0, 0.0);
                dA = buf.dA[l - 1];
                if (l == last && dLastHidden != null) {
                    addLastHiddenGradient(buf, l - 1, dLastHidden);
                }
            } else {
                lastDz0 = dz;
            }
        }
        inputGradValid = false;
    }

    /**
     * {@code dA[l] += g}. On the CPU float path a Java loop on the buffers' memory: no ND4J op is built per call on
     * the training path (see {@link #delta}); the caller's array's view is kept while the caller reuses it.
     */
    private void addLastHiddenGradient(Buffers buf, int l, INDArray g) {
        if (buf.zNio[l] != null) {
            if (buf.lastHiddenGrad != g) {
                buf.lastHiddenGradNio = CpuKernels.buffer(g);
                buf.lastHiddenGrad = g;
            }
            if (buf.lastHiddenGradNio != null) {
                CpuKernels.addInto(buf.dANio[l], buf.lastHiddenGradNio, buf.batch * sizes[l + 1], buf.scratchA,
                        buf.scratchB);
                return;
            }
        }
        buf.dA[l].addi(g);
    }

    /**
     * dLoss/dInput only, for the last {@link #forward}: leaves the parameter gradients untouched and skips
     * the weight-gradient work. This is how an actor's gradient flows through a critic (dQ/da) without
     * changing the critic's gradients or optimiser state. Returns a {@code [batch, in]} buffer owned by
     * this network.
     */
    public INDArray backwardInput(INDArray dOut) {
        Buffers buf = requireForward(dOut);
        INDArray dA = dOut;
        for (int l = w.length - 1; l >= 0; l--) {
            INDArray dz = delta(buf, l, dA);
            if (l > 0) {
                CpuKernels.gemm(dz, w[l], buf.dA[l - 1], false, true, 1.0, 0.0);
                dA = buf.dA[l - 1];
            } else {
                lastDz0 = dz;
            }
        }
        CpuKernels.gemm(lastDz0, w[0], buf.dX, false, true, 1.0, 0.0);
        inputGradValid = true;
        return buf.dX;
    }

    /**
     * dLoss/dInput ({@code [batch, in]}) of the last backward pass. Computed on first request from the
     * current first-layer weights, so call it before the optimiser changes the parameters.
     */
    public INDArray inputGradient() {
        if (lastDz0 == null) {
            throw new IllegalStateException("inputGradient() needs a backward pass after the last forward");
        }
        if (!inputGradValid) {
            CpuKernels.gemm(lastDz0, w[0], current.dX, false, true, 1.0, 0.0);
            inputGradValid = true;
        }
        return current.dX;
    }

    private Buffers requireForward(INDArray dOut) {
        Buffers buf = current;
        if (buf == null) {
            throw new IllegalStateException("backward needs a forward pass first");
        }
        if (dOut.rank() != 2 || dOut.rows() != buf.batch || dOut.columns() != sizes[sizes.length - 1]) {
            throw new IllegalArgumentException("dOut must be [" + buf.batch + ", " + sizes[sizes.length - 1]
                    + "] (the last forward's batch), got " + Arrays.toString(dOut.shape()));
        }
        if (dOut.dataType() != dataType) {
            throw new IllegalArgumentException("dOut has data type " + dOut.dataType() + ", network is " + dataType);
        }
        return buf;
    }

    /** dLoss/dz of layer l from dLoss/da of that layer. */
    private INDArray delta(Buffers buf, int l, INDArray dA) {
        Activation act = l == w.length - 1 ? outputActivation : hiddenActivation;
        if (act == Activation.IDENTITY) {
            return dA;
        }
        if (l == w.length - 1) {
            // dOut is the caller's array: the op is bound to the last one seen (callers reuse one buffer), as
            // building an op per call leaves its native buffers to the garbage collector mid-call (addBias).
            if (buf.outBwdDOut != dA) {
                buf.outBwd = backwardOp(act, buf.z[l], dA, buf.dz[l]);
                buf.outBwdDOut = dA;
            }
            exec(buf.outBwd);
        } else if (buf.zNio[l] != null) {
            // CPU float: a Java loop beats ND4J's relu_bp / tanh_bp ops several times over (see CpuKernels).
            int n = buf.batch * sizes[l + 1];
            if (act == Activation.RELU) {
                // a = max(z, 0) > 0 exactly where z > 0 (the forward pass stores only a on this path).
                CpuKernels.reluBackward(buf.aNio[l], buf.dANio[l], buf.dzNio[l], n, buf.scratchA, buf.scratchB);
            } else {
                CpuKernels.tanhBackward(buf.aNio[l], buf.dANio[l], buf.dzNio[l], n, buf.scratchA, buf.scratchB);
            }
        } else {
            exec(buf.actBwd[l]);
        }
        return buf.dz[l];
    }

    private static void exec(Object op) {
        if (op instanceof CustomOp c) {
            Nd4j.getExecutioner().exec(c);
        } else {
            Nd4j.getExecutioner().exec((Op) op);
        }
    }

    private static Object backwardOp(Activation act, INDArray z, INDArray dA, INDArray dz) {
        return switch (act) {
            case TANH -> new TanhDerivative(z, dA, dz);
            case RELU -> new RectifiedLinearDerivative(z, dA, dz);
            case IDENTITY -> throw new IllegalStateException("identity has no backward op");
        };
    }

    private Buffers buffers(int batch) {
        if (current != null && current.batch == batch) {
            return current;
        }
        Buffers buf = buffersByBatch.get(batch);
        if (buf == null) {
            buf = new Buffers(batch);
            buffersByBatch.put(batch, buf);
        }
        return buf;
    }

    /** Per-batch-size work arrays and the op objects bound to them. */
    private final class Buffers {
        final int batch;
        final INDArray[] z;
        final INDArray[] a;
        final INDArray[] dA;
        final INDArray[] dz;
        final Op[] actFwd;
        /** z[l] += b[l] as an op bound to these arrays, off the CPU fast path (null on it; see {@link #addBias}). */
        final Op[] biasAdd;
        final Object[] actBwd;
        final INDArray ones;
        final INDArray dX;
        /** Float views of z, a, dA, dz of hidden layers for the Java backward loops; null off the CPU fast path. */
        final java.nio.FloatBuffer[] zNio;
        final java.nio.FloatBuffer[] aNio;
        final java.nio.FloatBuffer[] dANio;
        final java.nio.FloatBuffer[] dzNio;
        /** Heap scratch for those loops, batch x the widest hidden layer (empty off the fast path). */
        final float[] scratchA;
        final float[] scratchB;
        /** The output layer's activation backward op and the caller's dOut array it is bound to. */
        INDArray outBwdDOut;
        Object outBwd;
        /** The last {@code dLastHidden} array given to {@link #backward(INDArray, INDArray)} and its float view. */
        INDArray lastHiddenGrad;
        java.nio.FloatBuffer lastHiddenGradNio;
        /** Tangents of each layer's pre-activation for {@link #jvp}, and their float views; made on first use. */
        INDArray[] rz;
        java.nio.FloatBuffer[] rzNio;
        /**
         * The last {@link #jvp} direction's per-layer views and, off the CPU fast path, its bias-add ops: a caller
         * reuses one direction array (writing each new vector into it), so they are built once, not per product.
         */
        INDArray direction;
        INDArray[] dirW;
        INDArray[] dirB;
        Op[] dirBiasAdd;

        Buffers(int batch) {
            this.batch = batch;
            int layers = w.length;
            z = new INDArray[layers];
            a = new INDArray[layers];
            dA = new INDArray[layers];
            dz = new INDArray[layers];
            actFwd = new Op[layers];
            biasAdd = new Op[layers];
            actBwd = new Object[layers];
            zNio = new java.nio.FloatBuffer[layers];
            aNio = new java.nio.FloatBuffer[layers];
            dANio = new java.nio.FloatBuffer[layers];
            dzNio = new java.nio.FloatBuffer[layers];
            for (int l = 0; l < layers; l++) {
                int n = sizes[l + 1];
                Activation act = l == layers - 1 ? outputActivation : hiddenActivation;
                z[l] = Nd4j.zeros(dataType, batch, n);
                biasAdd[l] = biasAddOp(z[l], b[l]);
                if (act == Activation.IDENTITY) {
                    a[l] = z[l];
                } else {
                    a[l] = Nd4j.zeros(dataType, batch, n);
                    actFwd[l] = act == Activation.TANH ? new Tanh(z[l], a[l]) : new RectifiedLinear(z[l], a[l], 0.0);
                    dz[l] = Nd4j.zeros(dataType, batch, n);
                }
                if (l < layers - 1) {
                    dA[l] = Nd4j.zeros(dataType, batch, n);
                    if (act != Activation.IDENTITY) {
                        actBwd[l] = backwardOp(act, z[l], dA[l], dz[l]);
                        zNio[l] = CpuKernels.buffer(z[l]);
                        aNio[l] = CpuKernels.buffer(a[l]);
                        dANio[l] = CpuKernels.buffer(dA[l]);
                        dzNio[l] = CpuKernels.buffer(dz[l]);
                        if (zNio[l] == null || aNio[l] == null || dANio[l] == null || dzNio[l] == null) {
                            zNio[l] = null;
                        }
                    }
                }
            }
            int widest = 0;
            for (int l = 0; l < layers - 1; l++) {
                if (zNio[l] != null) {
                    widest = Math.max(widest, sizes[l + 1]);
                }
            }
            scratchA = new float[batch * widest];
            scratchB = new float[batch * widest];
            ones = Nd4j.ones(dataType, 1, batch);
            dX = Nd4j.zeros(dataType, batch, sizes[0]);
        }

        void bindDirection(INDArray d) {
            if (d == direction) {
                return;
            }
            int layers = w.length;
            dirW = new INDArray[layers];
            dirB = new INDArray[layers];
            dirBiasAdd = new Op[layers];
            long off = 0;
            for (int l = 0; l < layers; l++) {
                int ni = sizes[l];
                int no = sizes[l + 1];
                dirW[l] = flatView(d, off, ni, no);
                off += (long) ni * no;
                dirB[l] = flatView(d, off, 1, no);
                off += no;
                dirBiasAdd[l] = biasAddOp(rz[l], dirB[l]);
            }
            direction = d;
        }

        void ensureTangents() {
            if (rz != null) {
                return;
            }
            rz = new INDArray[w.length];
            rzNio = new java.nio.FloatBuffer[w.length];
            for (int l = 0; l < w.length; l++) {
                rz[l] = Nd4j.zeros(dataType, batch, sizes[l + 1]);
                rzNio[l] = CpuKernels.buffer(rz[l]);
            }
        }
    }

    // ---------------------------------------------------------------- parameters

    @Override
    public INDArray params() {
        return params;
    }

    @Override
    public INDArray gradients() {
        return grads;
    }

    @Override
    public long numParams() {
        return params.length();
    }

    /** Weight of layer l, {@code [n_l, n_{l+1}]}, a view into {@link #params()}. */
    public INDArray weight(int layer) {
        return w[layer];
    }

    public INDArray bias(int layer) {
        return b[layer];
    }

    public INDArray weightGradient(int layer) {
        return gw[layer];
    }

    public INDArray biasGradient(int layer) {
        return gb[layer];
    }

    public int numLayers() {
        return w.length;
    }

    /** All layer sizes, input first, output last (a copy). */
    public int[] sizes() {
        return sizes.clone();
    }

    public int inputSize() {
        return sizes[0];
    }

    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    public Activation hiddenActivation() {
        return hiddenActivation;
    }

    public Activation outputActivation() {
        return outputActivation;
    }

    public DataType dataType() {
        return dataType;
    }

    public void zeroGradients() {
        grads.assign(0);
    }

    /** Copies another network's parameters (same sizes) into this one; e.g. to initialise a target net. */
    public void copyParamsFrom(Mlp source) {
        checkSameShape(source);
        params.assign(source.params);
    }

    /** In place: {@code this = (1 - tau) * this + tau * source} (the target-network update). */
    public void polyakUpdate(Mlp source, double tau) {
        checkSameShape(source);
        NdArrays.polyak(params, source.params, tau);
    }

    private void checkSameShape(Mlp other) {
        if (!Arrays.equals(sizes, other.sizes)) {
            throw new IllegalArgumentException("Mlp shapes differ: " + Arrays.toString(sizes) + " vs "
                    + Arrays.toString(other.sizes));
        }
    }

    /** The parameters as float32 in the flat layout (for model files). */
    public float[] getParams() {
        return params.dup().castTo(DataType.FLOAT).data().asFloat();
    }

    /** Sets the parameters from the flat layout; the length must equal {@link #numParams()}. */
    public void setParams(float[] values) {
        if (values.length != params.length()) {
            throw new IllegalArgumentException("Mlp " + Arrays.toString(sizes) + " has " + params.length()
                    + " parameters, got " + values.length);
        }
        params.assign(Nd4j.createFromArray(values).reshape(1, values.length).castTo(dataType));
    }
}
