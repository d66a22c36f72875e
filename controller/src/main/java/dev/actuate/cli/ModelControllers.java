package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actuate.algo.Ddpg;
import dev.actuate.algo.OffPolicyModels;
import dev.actuate.algo.Ppo;
import dev.actuate.algo.Sac;
import dev.actuate.algo.Td3;
import dev.actuate.nn.Activation;
import dev.actuate.nn.infer.FloatMlp;
import dev.actuate.sim.Box;
import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.RunDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a trained model (a {@code model.actuate} or {@code checkpoint.actuate} file, or a run
 * directory holding one) as a deterministic plain-Java {@link Controller}: observation
 * normalisation with the saved statistics, the policy network on float arrays, and the action
 * clipped into the env's box. No ND4J at run time.
 */
public final class ModelControllers {
    private ModelControllers() {
    }

    /** The model file of a run directory ({@code model.actuate}, else the latest checkpoint), or the file itself. */
    public static Path resolve(Path modelOrRunDir) throws IOException {
        if (Files.isDirectory(modelOrRunDir)) {
            Path model = modelOrRunDir.resolve(RunDir.MODEL);
            if (Files.isRegularFile(model)) {
                return model;
            }
            Path checkpoint = modelOrRunDir.resolve(RunDir.CHECKPOINT);
            if (Files.isRegularFile(checkpoint)) {
                return checkpoint;
            }
            throw new IOException(modelOrRunDir + ": run directory holds neither " + RunDir.MODEL + " nor "
                    + RunDir.CHECKPOINT);
        }
        return modelOrRunDir;
    }

    /** The env id the model was trained on. */
    public static String envId(Path modelOrRunDir) {
        try {
            return Checkpoint.read(resolve(modelOrRunDir)).field("env").asText();
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Returns the deterministic policy of the model, with its observation normaliser applied. */
    public static Controller load(Path modelOrRunDir, Env env) {
        try {
            Path file = resolve(modelOrRunDir);
            Checkpoint cp = Checkpoint.read(file);
            String algorithm = cp.field("algorithm").asText();
            return switch (algorithm) {
                case Ppo.ALGORITHM -> gaussianMean(cp, env);
                case Sac.ALGORITHM, Td3.ALGORITHM, Ddpg.ALGORITHM -> OffPolicyModels.controller(cp, env);
                default -> throw new IOException(file + ": unsupported algorithm '" + algorithm + "'");
            };
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** PPO: the Gaussian policy's mean. */
    private static Controller gaussianMean(Checkpoint cp, Env env) throws IOException {
        int obsDim = cp.field("obs_dim").asInt();
        int actDim = cp.field("act_dim").asInt();
        if (obsDim != env.observationSpace().dim() || actDim != env.actionSpace().dim()) {
            throw new IOException(cp.source() + ": model for " + cp.field("env").asText() + " has " + obsDim
                    + " observations and " + actDim + " actions; env " + env.id() + " has "
                    + env.observationSpace().dim() + " and " + env.actionSpace().dim());
        }
        JsonNode sizesNode = cp.field("policy_sizes");
        int[] sizes = new int[sizesNode.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = sizesNode.get(i).asInt();
        }
        if (sizes.length < 2 || sizes[0] != obsDim || sizes[sizes.length - 1] != actDim) {
            throw new IOException(cp.source() + ": policy_sizes " + java.util.Arrays.toString(sizes)
                    + " do not match obs_dim " + obsDim + " and act_dim " + actDim);
        }
        Activation act;
        try {
            act = Activation.parse(cp.field("activation").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(cp.source() + ": " + e.getMessage(), e);
        }
        long n = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            n += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        FloatMlp net = new FloatMlp(sizes, act, Activation.IDENTITY, cp.floats(Ppo.POLICY_MEAN, (int) n));
        boolean normObs = cp.field("norm_obs").asBoolean();
        double[] mean = normObs ? cp.doubles(Ppo.OBS_MEAN, obsDim) : null;
        double[] var = normObs ? cp.doubles(Ppo.OBS_VAR, obsDim) : null;
        double clip = cp.field("clip_obs").asDouble();
        double eps = cp.field("obs_epsilon").asDouble();
        return new PolicyController(net, mean, var, clip, eps, env.actionSpace());
    }

    /** Normalise, run the float network, clip into the box. One instance per control loop (scratch buffers). */
    static final class PolicyController implements Controller {
        private final FloatMlp net;
        private final double[] mean;
        private final double[] invStd;
        private final double clip;
        private final Box box;
        private final float[] in;
        private final float[] out;

        PolicyController(FloatMlp net, double[] mean, double[] var, double clip, double eps, Box box) {
            this.net = net;
            this.mean = mean;
            this.clip = clip;
            this.box = box;
            if (var != null) {
                invStd = new double[var.length];
                for (int i = 0; i < var.length; i++) {
                    invStd[i] = 1.0 / Math.sqrt(var[i] + eps);
                }
            } else {
                invStd = null;
            }
            in = new float[net.inputSize()];
            out = new float[net.outputSize()];
        }

        @Override
        public double[] act(double[] observation) {
            if (observation.length != in.length) {
                throw new IllegalArgumentException("observation has length " + observation.length
                        + ", the policy expects " + in.length);
            }
            for (int i = 0; i < in.length; i++) {
                double o = observation[i];
                if (mean != null) {
                    // RunningMeanStd.normalize's formula, so training and run time agree.
                    o = Math.max(-clip, Math.min(clip, (o - mean[i]) * invStd[i]));
                }
                in[i] = (float) o;
            }
            net.act(in, out);
            double[] a = new double[out.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = out[i];
            }
            return box.clip(a);
        }
    }
}
