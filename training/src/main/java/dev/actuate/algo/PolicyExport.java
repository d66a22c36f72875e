package dev.actuate.algo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.nn.Activation;
import dev.actuate.policy.PolicyFile;
import dev.actuate.policy.PolicyReader;
import dev.actuate.policy.PolicyWriter;
import dev.actuate.runtime.LoadedModel;
import dev.actuate.sim.Box;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.train.Checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * From training's model/checkpoint files to the deployable policy file: the one place that knows how each
 * algorithm's deterministic policy is built. PPO: the Gaussian mean, clipped into the box, with the observation
 * normaliser. SAC: {@code tanh} of the first half of the actor's output, rescaled onto the box. TD3/DDPG: the tanh
 * actor's output rescaled onto the box. The trainers write {@code model.actuate} through {@link #write};
 * {@code actuate convert} and the CLI's reading of older files and checkpoints use {@link #fromCheckpoint}.
 */
public final class PolicyExport {
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
        Box box;
        // A robot description knows its signals: the policy file records them, and `actuate run` checks
        // them against the robot config it is deployed to.
        dev.actuate.sim.robot.RobotDescription described;
        try (Env env = Envs.make(envId)) {
            if (env.observationSpace().dim() != obsDim || env.actionSpace().dim() != actDim) {
                throw new IOException(cp.source() + ": model for " + envId + " has " + obsDim + " observations and "
                        + actDim + " actions; the env has " + env.observationSpace().dim() + " and "
                        + env.actionSpace().dim());
            }
            box = env.actionSpace();
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
            case Ppo.ALGORITHM -> {
                sizes = sizes(cp, "policy_sizes");
                params = cp.floats(Ppo.POLICY_MEAN, -1);
                output = Activation.IDENTITY;
                mapping = LoadedModel.OutputMap.CLIP;
                if (cp.field("norm_obs").asBoolean()) {
                    norm = new PolicyFile.Normalization(cp.doubles(Ppo.OBS_MEAN, obsDim), cp.doubles(Ppo.OBS_VAR, obsDim),
                            cp.field("obs_epsilon").asDouble(), cp.field("clip_obs").asDouble());
                }
            }
            case Sac.ALGORITHM -> {
                sizes = sizes(cp, "actor_sizes");
                params = cp.floats(OffPolicyModels.ACTOR, -1);
                output = Activation.IDENTITY;
                mapping = LoadedModel.OutputMap.SQUASH_TO_BOX;
            }
            case Td3.ALGORITHM, Ddpg.ALGORITHM -> {
                sizes = sizes(cp, "actor_sizes");
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
        return new PolicyFile(envId, algorithm,
                new PolicyFile.Observation(obsDim, described == null ? null : described.stateNames(),
                        described == null ? null : described.stateUnits(), norm),
                new PolicyFile.Action(actDim, box.low(), box.high(), described == null ? null : described.commandNames(),
                        described == null ? null : described.commandUnits(), mapping), layers, provenance);
    }

    private static int[] sizes(Checkpoint cp, String field) throws IOException {
        JsonNode s = cp.field(field);
        int[] sizes = new int[s.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = s.get(i).asInt();
        }
        return sizes;
    }
}
