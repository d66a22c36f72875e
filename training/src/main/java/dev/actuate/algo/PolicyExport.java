package dev.actuate.algo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.nn.Activation;
import dev.actuate.policy.PolicyFile;
import dev.actuate.policy.PolicyReader;
import dev.actuate.policy.PolicyWriter;
import dev.actuate.runtime.LoadedModel;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.wrappers.SimToReal;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * From training's model/checkpoint files to the deployable policy file: the one place that knows how each
 * algorithm's deterministic policy is built. PPO: the Gaussian mean, clipped into the box, with the observation
 * normaliser. SAC: {@code tanh} of the first half of the actor's output (with gSDE, of its clipped mean), rescaled
 * onto the box. TD3/DDPG: the tanh
 * actor's output rescaled onto the box. The trainers write {@code model.actuate} through {@link #write};
 * {@code actuate convert} and the CLI's reading of older files and checkpoints use {@link #fromCheckpoint}.
 */
public final class PolicyExport {
    static final String SIM_TO_REAL = "sim_to_real";
    /** The header key of the exported network's layer sizes: PPO's engine's policy mean network. */
    static final String POLICY_SIZES = "policy_sizes";
    /** The same for the off-policy actors. */
    static final String ACTOR_SIZES = "actor_sizes";

    private PolicyExport() {
    }

    /** Writes the deployable policy of a trainer's model (atomic). */
    public static void write(Checkpoint model, Path file) throws IOException {
        PolicyWriter.write(fromCheckpoint(model), file);
    }

    /**
     * The run-time policy of a model or checkpoint, through the policy file's bytes so that the reader's checks
     * apply exactly as they do to a file.
     */
    public static LoadedModel model(Checkpoint cp) throws IOException {
        return PolicyReader.fromBytes(PolicyWriter.toBytes(fromCheckpoint(cp)), cp.source()).toModel(cp.source());
    }

    /** The policy of a model or checkpoint file of any algorithm; the action bounds come from its env. */
    public static PolicyFile fromCheckpoint(Checkpoint cp) throws IOException {
        String algorithm = cp.field("algorithm").asText();
        int obsDim = cp.field("obs_dim").asInt();
        int actDim = cp.field("act_dim").asInt();
        String envId = cp.field("env").asText();
        SimToReal aids = simToReal(cp);
        Box box;
        PolicyFile.SimToReal recorded;
        // A robot description knows its signals: the policy file records them, and `actuate run` checks
        // them against the robot config it is deployed to.
        dev.actuate.sim.robot.RobotDescription described;
        try (Env env = aids.wrap(Envs.make(envId))) {
            if (env.observationSpace().dim() != obsDim || env.actionSpace().dim() != actDim) {
                throw new IOException(cp.source() + ": model for " + envId + " has " + obsDim + " observations and "
                        + actDim + " actions; the env" + (aids.isNone() ? "" : " with its sim_to_real aids") + " has "
                        + env.observationSpace().dim() + " and " + env.actionSpace().dim());
            }
            box = env.actionSpace();
            int stateDim = obsDim - aids.previousActions() * actDim;
            recorded = new PolicyFile.SimToReal(AbstractEnv.controlPeriodSeconds(env), aids.actionDelay(),
                    aids.observationDelay(), aids.observationNoise().isEmpty() ? new double[0] : aids.noiseStd(stateDim),
                    aids.previousActions(), aids.initialAction(actDim));
            described = Envs.description(envId);
        } catch (IllegalArgumentException e) {
            throw new IOException(cp.source() + ": " + e.getMessage(), e);
        }
        Activation hidden;
        try {
            hidden = Activation.parse(cp.field("activation").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(cp.source() + ": " + e.getMessage(), e);
        }
        PolicyFile.Normalization norm = null;
        int[] sizes;
        float[] params;
        Activation output;
        LoadedModel.OutputMap mapping;
        switch (algorithm) {
            case Ppo.ALGORITHM, Trpo.ALGORITHM, A2c.ALGORITHM -> { // TRPO's and A2C's model files are PPO's
                sizes = sizes(cp, POLICY_SIZES);
                params = cp.floats(Ppo.POLICY_MEAN, -1);
                output = Activation.IDENTITY;
                mapping = LoadedModel.OutputMap.CLIP;
                if (cp.field("norm_obs").asBoolean()) {
                    norm = new PolicyFile.Normalization(cp.doubles(Ppo.OBS_MEAN, obsDim), cp.doubles(Ppo.OBS_VAR, obsDim),
                            cp.field("obs_epsilon").asDouble(), cp.field("clip_obs").asDouble());
                }
            }
            case Sac.ALGORITHM -> {
                sizes = sizes(cp, ACTOR_SIZES);
                params = cp.floats(OffPolicyModels.ACTOR, -1);
                output = Activation.IDENTITY;
                mapping = LoadedModel.OutputMap.SQUASH_TO_BOX;
            }
            case Td3.ALGORITHM, Td3.DDPG -> {
                sizes = sizes(cp, ACTOR_SIZES);
                params = cp.floats(OffPolicyModels.ACTOR, -1);
                output = Activation.TANH;
                mapping = LoadedModel.OutputMap.SCALE_TO_BOX;
            }
            default -> throw new IOException(cp.source() + ": unsupported algorithm '" + algorithm + "'");
        }
        if (sizes.length < 2 || sizes[0] != obsDim || sizes[sizes.length - 1] < actDim) {
            throw new IOException(cp.source() + ": network sizes " + Arrays.toString(sizes) + " do not fit "
                    + obsDim + " observations and " + actDim + " actions");
        }
        List<PolicyFile.Layer> layers = new ArrayList<>();
        long expected = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            expected += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        if (params.length != expected) {
            throw new IOException(cp.source() + ": network " + Arrays.toString(sizes) + " needs " + expected
                    + " parameters, the file has " + params.length);
        }
        int off = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            float[] w = Arrays.copyOfRange(params, off, off + in * out);
            off += in * out;
            float[] b = Arrays.copyOfRange(params, off, off + out);
            off += out;
            layers.add(new PolicyFile.Layer(in, out, l + 2 == sizes.length ? output : hidden, w, b));
        }
        double clipMean = Sac.ALGORITHM.equals(algorithm) ? cp.header().path("clip_mean").asDouble(0.0) : 0.0;
        if (clipMean > 0) {
            if (hidden != Activation.RELU) {
                throw new IOException(cp.source() + ": clip_mean " + clipMean + " needs ReLU hidden layers to be"
                        + " expressed in the policy file; this actor's are " + hidden);
            }
            clipOutput(layers, (float) clipMean);
        }
        ObjectNode provenance = Checkpoint.json().createObjectNode();
        JsonNode p = cp.header().get("provenance");
        if (p instanceof ObjectNode o) {
            provenance.setAll(o);
        }
        JsonNode step = cp.header().get("global_step");
        if (step != null) {
            provenance.put("global_step", step.asLong());
        }
        provenance.put("exported_from", cp.header().path("kind").asText("model"));
        // Names only when the observation is the state alone (previous actions append unnamed inputs).
        boolean stateNames = described != null && described.stateNames().size() == obsDim;
        return new PolicyFile(envId, algorithm,
                new PolicyFile.Observation(obsDim, stateNames ? described.stateNames() : null,
                        stateNames ? described.stateUnits() : null, norm),
                new PolicyFile.Action(actDim, box.low(), box.high(), described == null ? null : described.commandNames(),
                        described == null ? null : described.commandUnits(), mapping), layers, provenance, recorded);
    }

    /**
     * A new model file with the header fields every trainer writes first and {@link #fromCheckpoint} reads: kind,
     * algorithm, env, observation and action sizes, and the exported network's layer sizes under {@code sizesKey}
     * ({@link #POLICY_SIZES} or {@link #ACTOR_SIZES}). The trainer adds its own fields and arrays after these.
     */
    static Checkpoint newModel(String algorithm, String envId, int obsDim, int actDim, String sizesKey, int[] sizes) {
        Checkpoint cp = new Checkpoint();
        ObjectNode h = cp.header();
        h.put("kind", "model");
        h.put("algorithm", algorithm);
        h.put("env", envId);
        h.put("obs_dim", obsDim);
        h.put("act_dim", actDim);
        ArrayNode layers = h.putArray(sizesKey);
        for (int s : sizes) {
            layers.add(s);
        }
        return cp;
    }

    /** Records a trainer's sim-to-real aids in its model/checkpoint header ({@code sim_to_real}). */
    static void putSimToReal(Checkpoint cp, SimToReal s) {
        cp.header().set(SIM_TO_REAL, Checkpoint.json().valueToTree(ConfigYaml.toMap(s)));
    }

    /** The aids a model was trained with; none for files written before they were recorded. */
    public static SimToReal simToReal(Checkpoint cp) throws IOException {
        JsonNode n = cp.header().get(SIM_TO_REAL);
        if (n == null || n.isNull()) {
            return SimToReal.NONE;
        }
        try {
            Map<String, Object> values = Checkpoint.json().convertValue(n, new TypeReference<Map<String, Object>>() { });
            return ConfigYaml.bind(values, SimToReal.NONE, cp.source() + " (" + SIM_TO_REAL + ")");
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Appends SB3's Hardtanh on the mean (gSDE's {@code clip_mean}) as two exact layers:
     * {@code clip(z, -c, c) = relu(z + c) - relu(z - c) - c}. The last layer {@code z = xW + b} becomes
     * {@code relu(x [W W] + [b + c, b - c])}, followed by an affine {@code [I; -I]} with bias {@code -c}.
     */
    static void clipOutput(List<PolicyFile.Layer> layers, float c) {
        PolicyFile.Layer last = layers.remove(layers.size() - 1);
        int in = last.in();
        int out = last.out();
        float[] w = new float[in * 2 * out];
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < out; j++) {
                w[i * 2 * out + j] = last.weight()[i * out + j];
                w[i * 2 * out + out + j] = last.weight()[i * out + j];
            }
        }
        float[] b = new float[2 * out];
        for (int j = 0; j < out; j++) {
            b[j] = last.bias()[j] + c;
            b[out + j] = last.bias()[j] - c;
        }
        layers.add(new PolicyFile.Layer(in, 2 * out, Activation.RELU, w, b));
        float[] sel = new float[2 * out * out];
        float[] bias = new float[out];
        for (int j = 0; j < out; j++) {
            sel[j * out + j] = 1f;
            sel[(out + j) * out + j] = -1f;
            bias[j] = -c;
        }
        layers.add(new PolicyFile.Layer(2 * out, out, last.activation(), sel, bias));
    }

    private static int[] sizes(Checkpoint cp, String field) throws IOException {
        return cp.layerSizes(field);
    }
}
