package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actuate.algo.OffPolicyModels;
import dev.actuate.algo.Ppo;
import dev.actuate.algo.Sac;
import dev.actuate.algo.Td3;
import dev.actuate.nn.Activation;
import dev.actuate.nn.infer.FloatMlp;
import dev.actuate.runtime.LoadedModel;
import dev.actuate.sim.Box;
import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.RunDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a trained model (a {@code model.actuate} or {@code checkpoint.actuate} file, or a run
 * directory holding one) as a deterministic plain-Java {@link LoadedModel} (the control loop's
 * allocation-free policy) or, built on it, a sim {@link Controller} for eval and render. No ND4J
 * at run time.
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

    /**
     * The model as an allocation-free run-time {@link dev.actuate.runtime.Policy}; the action box is
     * the action space of the env the model was trained on.
     */
    public static LoadedModel loadModel(Path modelOrRunDir) {
        return loadModel(modelOrRunDir, null);
    }

    /**
     * Like {@link #loadModel(Path)}, checked against {@code env} (sizes) and clipped into its action
     * space; {@code env} null means the model's own env.
     */
    public static LoadedModel loadModel(Path modelOrRunDir, Env env) {
        try {
            Path file = resolve(modelOrRunDir);
            Checkpoint cp = Checkpoint.read(file);
            String algorithm = cp.field("algorithm").asText();
            return switch (algorithm) {
                case Ppo.ALGORITHM -> gaussianMean(cp, env);
                case Sac.ALGORITHM, Td3.ALGORITHM, Td3.DDPG -> OffPolicyModels.controller(cp, env);
                default -> throw new IOException(file + ": unsupported algorithm '" + algorithm + "'");
            };
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The deterministic policy as a sim {@link Controller} (eval, render): {@link LoadedModel}'s math on doubles. */
    public static Controller load(Path modelOrRunDir, Env env) {
        return loadModel(modelOrRunDir, env).asController();
    }

    /** PPO: the Gaussian policy's mean. */
    private static LoadedModel gaussianMean(Checkpoint cp, Env given) throws IOException {
        int obsDim = cp.field("obs_dim").asInt();
        int actDim = cp.field("act_dim").asInt();
        String modelEnv = cp.field("env").asText();
        Env env = given;
        if (env == null) {
            try {
                env = Envs.make(modelEnv);
            } catch (IllegalArgumentException e) {
                throw new IOException(cp.source() + ": " + e.getMessage(), e);
            }
        }
        Box box;
        try {
            if (obsDim != env.observationSpace().dim() || actDim != env.actionSpace().dim()) {
                throw new IOException(cp.source() + ": model for " + modelEnv + " has " + obsDim
                        + " observations and " + actDim + " actions; env " + env.id() + " has "
                        + env.observationSpace().dim() + " and " + env.actionSpace().dim());
            }
            box = env.actionSpace();
        } finally {
            if (given == null) {
                env.close();
            }
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
        return new LoadedModel(modelEnv, cp.source().toString(), net, LoadedModel.OutputMap.CLIP, mean, var, clip, eps,
                box);
    }
}
