package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The Gaussian policy's Fisher-vector product, in double precision, against independent constructions. */
class FisherVectorProductTest {
    private static final int OBS = 3;
    private static final int ACT = 2;
    private static final int BATCH = 7;

    private static GaussianPolicy policy(Activation act, long seed) {
        Rng rng = new Rng(seed);
        GaussianPolicy pi = new GaussianPolicy(Mlp.builder(OBS, ACT).hidden(5, 4).activation(act)
                .hiddenInit(Init.xavierUniform()).outputInit(Init.orthogonal(1.0)).dataType(DataType.DOUBLE), -0.3, rng);
        // Random biases and unequal log-stds, so no block of the Fisher is trivially uniform.
        pi.params().addi(MlpTest.random(rng, DataType.DOUBLE, 1, (int) pi.params().length(), 0.1));
        return pi;
    }

    private static INDArray obs(long seed) {
        return MlpTest.random(new Rng(seed), DataType.DOUBLE, BATCH, OBS, 1.0);
    }

    private static double[] randomVector(Rng rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] fvp(GaussianPolicy pi, INDArray x, double[] v) {
        double[] out = new double[v.length];
        pi.fisherVectorProduct(x, v, out);
        return out;
    }

    /** Gradient w.r.t. the parameters of mean_i KL(old_i || pi(x_i)). */
    private static double[] klGradient(GaussianPolicy pi, INDArray x, double[] meanOld, double[] logStdOld) {
        double[] mean = new double[BATCH * ACT];
        NdArrays.toDoubles(pi.forward(x), mean);
        double[] ls = new double[ACT];
        pi.logStd(ls);
        double[] dMean = new double[BATCH * ACT];
        double[] dLogStd = new double[ACT];
        for (int i = 0; i < BATCH; i++) {
            DiagGaussian.addKlGrad(meanOld, logStdOld, 0, mean, ls, 0, i * ACT, ACT, 1.0 / BATCH, dMean, dLogStd, 0);
        }
        INDArray dm = Nd4j.zeros(DataType.DOUBLE, BATCH, ACT);
        NdArrays.fromDoubles(dMean, dm);
        pi.backward(dm, dLogStd);
        double[] g = new double[(int) pi.params().length()];
        NdArrays.toDoubles(pi.gradients(), g);
        return g;
    }

    @Test
    void klGradientMatchesFiniteDifferencesOfKl() {
        Rng rng = new Rng(5);
        double[] mOld = randomVector(rng, ACT);
        double[] lsOld = randomVector(rng, ACT);
        double[] mNew = randomVector(rng, ACT);
        double[] lsNew = randomVector(rng, ACT);
        double[] dm = new double[ACT];
        double[] dls = new double[ACT];
        DiagGaussian.addKlGrad(mOld, lsOld, 0, mNew, lsNew, 0, 0, ACT, 1.0, dm, dls, 0);
        double h = 1e-6;
        for (int j = 0; j < ACT; j++) {
            double[] p = mNew.clone();
            double[] q = mNew.clone();
            p[j] += h;
            q[j] -= h;
            double fd = (DiagGaussian.kl(mOld, lsOld, 0, p, lsNew, 0, 0, ACT) - DiagGaussian.kl(mOld, lsOld, 0, q, lsNew, 0, 0, ACT)) / (2 * h);
            assertThat(dm[j]).isCloseTo(fd, within(1e-7 * (1 + Math.abs(fd))));
            p = lsNew.clone();
            q = lsNew.clone();
            p[j] += h;
            q[j] -= h;
            fd = (DiagGaussian.kl(mOld, lsOld, 0, mNew, p, 0, 0, ACT) - DiagGaussian.kl(mOld, lsOld, 0, mNew, q, 0, 0, ACT)) / (2 * h);
            assertThat(dls[j]).isCloseTo(fd, within(1e-7 * (1 + Math.abs(fd))));
        }
        assertThat(DiagGaussian.kl(mOld, lsOld, 0, mOld, lsOld, 0, 0, ACT)).isCloseTo(0.0, within(1e-15));
    }

    @Test
    void jvpMatchesFiniteDifferencesOfTheOutput() {
        for (Activation act : Activation.values()) {
            GaussianPolicy pi = policy(act, 1);
            Mlp net = pi.meanNet();
            INDArray x = obs(2);
            INDArray v = MlpTest.random(new Rng(3), DataType.DOUBLE, 1, (int) net.numParams(), 1.0);
            net.forward(x);
            INDArray jv = net.jvp(v).dup();
            double h = 1e-6;
            INDArray p0 = net.params().dup();
            net.params().assign(p0.add(v.mul(h)));
            INDArray plus = net.forward(x).dup();
            net.params().assign(p0.sub(v.mul(h)));
            INDArray minus = net.forward(x).dup();
            net.params().assign(p0);
            INDArray fd = plus.sub(minus).divi(2 * h);
            assertThat(jv.sub(fd).amaxNumber().doubleValue()).as(act.name()).isLessThan(1e-7);
        }
    }

    /**
     * jvp keeps the views of the last direction array: switching arrays, and writing a new vector into the same
     * array, must both give the product of the vector now there. Float (the CPU fast path) and double (the
     * prebuilt-op path).
     */
    @Test
    void jvpIsLinearAcrossDirectionArraysAndInPlaceWrites() {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            Mlp net = Mlp.builder(OBS, ACT).hidden(8, 8).activation(Activation.TANH).dataType(dt).build(new Rng(4));
            INDArray x = obs(3).castTo(dt);
            int n = (int) net.numParams();
            INDArray a = MlpTest.random(new Rng(5), dt, 1, n, 1.0);
            INDArray b = MlpTest.random(new Rng(6), dt, 1, n, 1.0);
            net.forward(x);
            INDArray ja = net.jvp(a).dup();
            INDArray jb = net.jvp(b).dup();
            a.addi(b); // a now holds a + b, written into the array jvp saw first
            INDArray jab = net.jvp(a).dup();
            double tol = dt == DataType.FLOAT ? 1e-4 : 1e-12;
            assertThat(jab.sub(ja.add(jb)).amaxNumber().doubleValue()).as(dt.name()).isLessThan(tol);
            assertThat(ja.sub(jb).amaxNumber().doubleValue()).as(dt.name()).isGreaterThan(1e-3);
        }
    }

    @Test
    void matchesFiniteDifferenceHessianVectorProductOfTheMeanKl() {
        GaussianPolicy pi = policy(Activation.TANH, 7);
        INDArray x = obs(8);
        int n = (int) pi.params().length();
        double[] meanOld = new double[BATCH * ACT];
        NdArrays.toDoubles(pi.forward(x), meanOld);
        double[] lsOld = new double[ACT];
        pi.logStd(lsOld);
        double[] theta = new double[n];
        NdArrays.toDoubles(pi.params(), theta);
        double[] v = randomVector(new Rng(9), n);

        double eps = 1e-5;
        double[] shifted = new double[n];
        for (int i = 0; i < n; i++) {
            shifted[i] = theta[i] + eps * v[i];
        }
        NdArrays.fromDoubles(shifted, pi.params());
        double[] gPlus = klGradient(pi, x, meanOld, lsOld);
        for (int i = 0; i < n; i++) {
            shifted[i] = theta[i] - eps * v[i];
        }
        NdArrays.fromDoubles(shifted, pi.params());
        double[] gMinus = klGradient(pi, x, meanOld, lsOld);
        NdArrays.fromDoubles(theta, pi.params());

        double[] fv = fvp(pi, x, v);
        double scale = 0;
        for (double f : fv) {
            scale = Math.max(scale, Math.abs(f));
        }
        for (int i = 0; i < n; i++) {
            double hv = (gPlus[i] - gMinus[i]) / (2 * eps);
            assertThat(fv[i]).as("component %d", i).isCloseTo(hv, within(1e-6 * scale));
        }
    }

    @Test
    void matchesAnExplicitJacobianTransposeMJacobian() {
        GaussianPolicy pi = policy(Activation.RELU, 11);
        INDArray x = obs(12);
        int n = (int) pi.params().length();
        int p = (int) pi.meanNet().numParams();
        double[] theta = new double[n];
        NdArrays.toDoubles(pi.params(), theta);
        double[] ls = new double[ACT];
        pi.logStd(ls);
        // J of every row's mean by central differences, one parameter at a time: [BATCH * ACT][p].
        double[][] jac = new double[BATCH * ACT][p];
        double h = 1e-6;
        double[] plus = new double[BATCH * ACT];
        double[] minus = new double[BATCH * ACT];
        for (int k = 0; k < p; k++) {
            double[] t = theta.clone();
            t[k] += h;
            NdArrays.fromDoubles(t, pi.params());
            NdArrays.toDoubles(pi.forward(x), plus);
            t[k] -= 2 * h;
            NdArrays.fromDoubles(t, pi.params());
            NdArrays.toDoubles(pi.forward(x), minus);
            for (int r = 0; r < BATCH * ACT; r++) {
                jac[r][k] = (plus[r] - minus[r]) / (2 * h);
            }
        }
        NdArrays.fromDoubles(theta, pi.params());
        // F = mean_i J_i^T M J_i: M = 1/sigma^2 on the means; the log-std rows are the identity with M = 2.
        double[][] fisher = new double[n][n];
        for (int r = 0; r < BATCH * ACT; r++) {
            double m = Math.exp(-2 * ls[r % ACT]) / BATCH;
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < p; b++) {
                    fisher[a][b] += jac[r][a] * m * jac[r][b];
                }
            }
        }
        for (int j = 0; j < ACT; j++) {
            fisher[p + j][p + j] = 2.0;
        }
        double[] v = randomVector(new Rng(13), n);
        double[] fv = fvp(pi, x, v);
        for (int a = 0; a < n; a++) {
            double expected = 0;
            for (int b = 0; b < n; b++) {
                expected += fisher[a][b] * v[b];
            }
            assertThat(fv[a]).as("component %d", a).isCloseTo(expected, within(1e-6 * (1 + Math.abs(expected))));
        }
    }

    /**
     * gSDE: row i's log-std is {@code log sigma_i} of the latent features, held constant (as SB3's detached
     * latent), so J is the mean's Jacobian on the network parameters and log-sigma's on the log-std parameters;
     * both built here by central differences.
     */
    @Test
    void gsdeMatchesAnExplicitJacobianTransposeMJacobian() {
        for (boolean fullStd : new boolean[] {true, false}) {
            Rng rng = new Rng(31);
            StateDependentNoise sde = new StateDependentNoise(4, ACT, fullStd, false);
            GaussianPolicy pi = new GaussianPolicy(Mlp.builder(OBS, ACT).hidden(5, 4).activation(Activation.TANH)
                    .hiddenInit(Init.xavierUniform()).outputInit(Init.orthogonal(1.0)).dataType(DataType.DOUBLE), -0.5,
                    sde, rng);
            pi.params().addi(MlpTest.random(rng, DataType.DOUBLE, 1, (int) pi.params().length(), 0.1));
            INDArray x = obs(32);
            int n = (int) pi.params().length();
            int p = (int) pi.meanNet().numParams();
            double[] theta = new double[n];
            NdArrays.toDoubles(pi.params(), theta);
            double[] logSigma = new double[BATCH * ACT];
            pi.forward(x);
            pi.logStdRows(BATCH, logSigma);
            double[][] jac = new double[2 * BATCH * ACT][n]; // rows: means, then log-sigmas
            double h = 1e-6;
            double[] plus = new double[BATCH * ACT];
            double[] minus = new double[BATCH * ACT];
            for (int k = 0; k < n; k++) {
                boolean net = k < p;
                double[] t = theta.clone();
                t[k] += h;
                NdArrays.fromDoubles(t, pi.params());
                NdArrays.toDoubles(pi.forward(x), plus);
                double[] sPlus = new double[BATCH * ACT];
                pi.logStdRows(BATCH, sPlus);
                t[k] -= 2 * h;
                NdArrays.fromDoubles(t, pi.params());
                NdArrays.toDoubles(pi.forward(x), minus);
                double[] sMinus = new double[BATCH * ACT];
                pi.logStdRows(BATCH, sMinus);
                for (int r = 0; r < BATCH * ACT; r++) {
                    if (net) {
                        jac[r][k] = (plus[r] - minus[r]) / (2 * h); // the latent path of log-sigma is held constant
                    } else {
                        jac[BATCH * ACT + r][k] = (sPlus[r] - sMinus[r]) / (2 * h);
                    }
                }
            }
            NdArrays.fromDoubles(theta, pi.params());
            double[] v = randomVector(new Rng(33), n);
            double[] fv = fvp(pi, x, v);
            for (int a = 0; a < n; a++) {
                double expected = 0;
                for (int r = 0; r < 2 * BATCH * ACT; r++) {
                    double m = r < BATCH * ACT ? Math.exp(-2 * logSigma[r]) : 2.0;
                    double jr = 0;
                    for (int b = 0; b < n; b++) {
                        jr += jac[r][b] * v[b];
                    }
                    expected += jac[r][a] * m * jr / BATCH;
                }
                assertThat(fv[a]).as("fullStd %s component %d", fullStd, a)
                        .isCloseTo(expected, within(1e-6 * (1 + Math.abs(expected))));
            }
            double[] u = randomVector(new Rng(34), n);
            assertThat(dot(u, fvp(pi, x, v))).isCloseTo(dot(v, fvp(pi, x, u)), within(1e-9));
            assertThat(dot(v, fv)).isGreaterThanOrEqualTo(0.0);
        }
    }

    @Test
    void isSymmetricAndPositiveSemiDefinite() {
        GaussianPolicy pi = policy(Activation.TANH, 21);
        INDArray x = obs(22);
        int n = (int) pi.params().length();
        Rng rng = new Rng(23);
        for (int trial = 0; trial < 20; trial++) {
            double[] u = randomVector(rng, n);
            double[] v = randomVector(rng, n);
            double uFv = dot(u, fvp(pi, x, v));
            double vFu = dot(v, fvp(pi, x, u));
            assertThat(uFv).isCloseTo(vFu, within(1e-10 * (1 + Math.abs(uFv))));
            assertThat(dot(v, fvp(pi, x, v))).isGreaterThanOrEqualTo(0.0);
        }
    }

    /**
     * The float network's product (through the CPU fast path where it is enabled: cblas gemms and the Java
     * activation loops on preallocated tangent buffers) agrees with the double network's at the same parameters,
     * for both hidden activations and with gSDE; one prepared forward serves repeated products exactly.
     */
    @Test
    void floatProductMatchesTheDoubleOneAndRepeatsExactly() {
        for (Activation act : new Activation[] {Activation.TANH, Activation.RELU}) {
            for (boolean gsde : new boolean[] {false, true}) {
                Rng rng = new Rng(41);
                double[] theta = null;
                double[][] results = new double[2][];
                INDArray xd = obs(42);
                for (DataType dt : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
                    Mlp.Builder b = Mlp.builder(OBS, ACT).hidden(5, 4).activation(act).hiddenInit(Init.xavierUniform())
                            .outputInit(Init.orthogonal(1.0)).dataType(dt);
                    GaussianPolicy pi = gsde
                            ? new GaussianPolicy(b, -0.5, new StateDependentNoise(4, ACT, true, false), new Rng(1))
                            : new GaussianPolicy(b, -0.3, new Rng(1));
                    if (theta == null) {
                        theta = new double[(int) pi.params().length()];
                        for (int i = 0; i < theta.length; i++) {
                            theta[i] = 0.5 * rng.nextGaussian();
                        }
                    }
                    NdArrays.fromDoubles(theta, pi.params());
                    double[] v = randomVector(new Rng(43), theta.length);
                    pi.prepareFisher(xd.castTo(dt));
                    double[] first = new double[v.length];
                    pi.fisherVectorProduct(v, first);
                    double[] again = new double[v.length];
                    pi.fisherVectorProduct(randomVector(new Rng(44), v.length), again); // another direction between
                    pi.fisherVectorProduct(v, again);
                    assertThat(again).as("%s gsde %s %s repeat", act, gsde, dt).containsExactly(first);
                    results[dt == DataType.DOUBLE ? 0 : 1] = first;
                }
                double scale = 0;
                for (double f : results[0]) {
                    scale = Math.max(scale, Math.abs(f));
                }
                for (int i = 0; i < results[0].length; i++) {
                    assertThat(results[1][i]).as("%s gsde %s component %d", act, gsde, i)
                            .isCloseTo(results[0][i], within(1e-4 * scale));
                }
            }
        }
    }

    /** A product after another forward pass would use that pass's activations: refused. */
    @Test
    void productNeedsPrepareAfterAnyForwardPass() {
        GaussianPolicy pi = policy(Activation.TANH, 51);
        INDArray x = obs(52);
        double[] v = randomVector(new Rng(53), (int) pi.params().length());
        double[] out = new double[v.length];
        pi.prepareFisher(x);
        pi.fisherVectorProduct(v, out);
        pi.forward(obs(54));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pi.fisherVectorProduct(v, out))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("prepareFisher");
    }
}
