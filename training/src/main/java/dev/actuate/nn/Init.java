package dev.actuate.nn;

import dev.actuate.sim.Rng;

/**
 * Weight initialisation of one {@link Mlp} layer. Biases start at zero (as SB3's orthogonal init and CleanRL),
 * except with {@link #torchDefault()}, PyTorch's own {@code nn.Linear} init.
 *
 * <p>Weights are generated in Java doubles from an {@link Rng}, so the same seed gives the same
 * parameters on every backend and data type.
 *
 * @param kind which scheme
 * @param gain scale: orthogonal init gives {@code W^T W = gain^2 I} (tall W) or {@code W W^T = gain^2 I}
 *             (wide W); Xavier-uniform draws from {@code U(-a, a)}, {@code a = gain * sqrt(6 / (in + out))};
 *             PyTorch's default ignores it
 */
public record Init(Kind kind, double gain) {
    public enum Kind { ORTHOGONAL, XAVIER_UNIFORM, TORCH_DEFAULT }

    public Init {
        if (kind == null) {
            throw new IllegalArgumentException("init kind must not be null");
        }
        if (!(gain >= 0) || Double.isInfinite(gain)) {
            throw new IllegalArgumentException("init gain must be finite and >= 0, got " + gain);
        }
    }

    public static Init orthogonal(double gain) {
        return new Init(Kind.ORTHOGONAL, gain);
    }

    public static Init xavierUniform() {
        return new Init(Kind.XAVIER_UNIFORM, 1.0);
    }

    /**
     * PyTorch's {@code nn.Linear.reset_parameters}: weights {@code kaiming_uniform_(a = sqrt 5)}, which is
     * {@code U(-1/sqrt(in), 1/sqrt(in))}, and biases from the same range. SB3 keeps it when {@code ortho_init} is
     * off (the Zoo's A2C configs and PPO's MountainCarContinuous), so those configs start from it.
     */
    public static Init torchDefault() {
        return new Init(Kind.TORCH_DEFAULT, 1.0);
    }

    /**
     * A layer's {@code fanOut} biases, drawn after its {@link #weights}: zeros, or with {@link #torchDefault()}
     * {@code U(-1/sqrt(in), 1/sqrt(in))}.
     */
    public double[] biases(int fanIn, int fanOut, Rng rng) {
        double[] b = new double[fanOut];
        if (kind == Kind.TORCH_DEFAULT) {
            double a = 1.0 / Math.sqrt(fanIn);
            for (int i = 0; i < fanOut; i++) {
                b[i] = rng.uniform(-a, a);
            }
        }
        return b;
    }

    /**
     * Returns a {@code fanIn x fanOut} weight matrix, row-major (the layout {@link Mlp} uses: {@code y = x W}).
     */
    public double[] weights(int fanIn, int fanOut, Rng rng) {
        if (fanIn <= 0 || fanOut <= 0) {
            throw new IllegalArgumentException("layer sizes must be positive, got " + fanIn + "x" + fanOut);
        }
        double[] w = new double[fanIn * fanOut];
        switch (kind) {
            case XAVIER_UNIFORM -> {
                double a = gain * Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < w.length; i++) {
                    w[i] = rng.uniform(-a, a);
                }
            }
            case TORCH_DEFAULT -> {
                double a = 1.0 / Math.sqrt(fanIn);
                for (int i = 0; i < w.length; i++) {
                    w[i] = rng.uniform(-a, a);
                }
            }
            case ORTHOGONAL -> orthogonal(w, fanIn, fanOut, rng);
        }
        return w;
    }

    /**
     * Orthonormalises the columns of a tall Gaussian matrix by modified Gram-Schmidt, applied twice for
     * double-precision orthogonality. Gram-Schmidt is QR with a positive diagonal of R, which is the
     * sign convention torch.nn.init.orthogonal_ uses, so the distribution is Haar.
     */
    private void orthogonal(double[] w, int fanIn, int fanOut, Rng rng) {
        int rows = Math.max(fanIn, fanOut);
        int cols = Math.min(fanIn, fanOut);
        double[][] q = new double[cols][rows]; // column-major: q[c] is column c
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                q[c][r] = rng.nextGaussian();
            }
        }
        for (int c = 0; c < cols; c++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < c; k++) {
                    double dot = 0;
                    for (int r = 0; r < rows; r++) {
                        dot += q[k][r] * q[c][r];
                    }
                    for (int r = 0; r < rows; r++) {
                        q[c][r] -= dot * q[k][r];
                    }
                }
            }
            double norm = 0;
            for (int r = 0; r < rows; r++) {
                norm += q[c][r] * q[c][r];
            }
            norm = Math.sqrt(norm);
            if (norm < 1e-12) {
                throw new IllegalStateException("orthogonal init: degenerate Gaussian draw");
            }
            for (int r = 0; r < rows; r++) {
                q[c][r] /= norm;
            }
        }
        // Tall (fanIn >= fanOut): W[i][j] = q[j][i]. Wide: W = Q^T, W[i][j] = q[i][j].
        for (int i = 0; i < fanIn; i++) {
            for (int j = 0; j < fanOut; j++) {
                w[i * fanOut + j] = gain * (fanIn >= fanOut ? q[j][i] : q[i][j]);
            }
        }
    }
}
