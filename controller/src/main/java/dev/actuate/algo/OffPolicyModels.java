package dev.actuate.algo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.nn.Activation;
import dev.actuate.nn.Mlp;
import dev.actuate.nn.infer.FloatMlp;
import dev.actuate.sim.Box;
import dev.actuate.runtime.LoadedModel;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.Provenance;
import dev.actuate.train.ReplayBuffer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Model files of SAC, TD3 and DDPG as run-time controllers, and checkpoint checks they share. The model
 * holds the actor's flat parameters ({@value #ACTOR}) and its shape; the deterministic policy is
 * {@code tanh(mean)} for SAC (the first half of the actor's output) and the tanh actor's output for TD3 and
 * DDPG, mapped from {@code [-1, 1]} onto the env's action box.
 */
public final class OffPolicyModels {
    public static final String ACTOR = "actor";
    /** Algorithms whose model files this class reads. */
    public static final Set<String> ALGORITHMS = Set.of(Sac.ALGORITHM, Td3.ALGORITHM, Td3.DDPG);

    private OffPolicyModels() {
    }

    /** Whether {@code cp} is a model or checkpoint of SAC, TD3 or DDPG. */
    public static boolean handles(Checkpoint cp) {
        JsonNode a = cp.header().get("algorithm");
        return a != null && ALGORITHMS.contains(a.asText());
    }

    /**
     * The deterministic policy of a model or checkpoint file, for {@code env} (which must match its
     * shapes; null means the model's own env).
     */
    public static LoadedModel controller(Checkpoint cp, Env given) throws IOException {
        String algorithm = cp.field("algorithm").asText();
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IOException(cp.source() + ": algorithm '" + algorithm + "' is not one of " + ALGORITHMS);
        }
        int obsDim = cp.field("obs_dim").asInt();
        int actDim = cp.field("act_dim").asInt();
        String modelEnv = cp.field("env").asText();
        Box box;
        Env env = given;
        if (env == null) {
            try {
                env = Envs.make(modelEnv);
            } catch (IllegalArgumentException e) {
                throw new IOException(cp.source() + ": " + e.getMessage(), e);
            }
        }
        try {
            if (obsDim != env.observationSpace().dim() || actDim != env.actionSpace().dim()) {
                throw new IOException(cp.source() + ": model is for obs/action sizes " + obsDim + "/" + actDim
                        + " (env " + modelEnv + "), but " + env.id() + " has " + env.observationSpace().dim() + "/"
                        + env.actionSpace().dim());
            }
            box = env.actionSpace();
        } finally {
            if (given == null) {
                env.close();
            }
        }
        JsonNode s = cp.field("actor_sizes");
        int[] sizes = new int[s.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = s.get(i).asInt();
        }
        boolean sac = Sac.ALGORITHM.equals(algorithm);
        int expectedOut = sac ? 2 * actDim : actDim;
        if (sizes.length < 2 || sizes[0] != obsDim || sizes[sizes.length - 1] != expectedOut) {
            throw new IOException(cp.source() + ": actor_sizes " + s + " do not fit obs " + obsDim + " and action "
                    + actDim);
        }
        Activation hidden;
        try {
            hidden = Activation.parse(cp.field("activation").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(cp.source() + ": " + e.getMessage(), e);
        }
        FloatMlp net;
        try {
            net = new FloatMlp(sizes, hidden, sac ? Activation.IDENTITY : Activation.TANH, cp.floats(ACTOR, -1));
        } catch (IllegalArgumentException e) {
            throw new IOException(cp.source() + ": " + e.getMessage(), e);
        }
        return new LoadedModel(modelEnv, cp.source().toString(), net,
                sac ? LoadedModel.OutputMap.SQUASH_TO_BOX : LoadedModel.OutputMap.SCALE_TO_BOX,
                null, null, 0, 0, box);
    }

    /** The model file an off-policy trainer writes: the actor's parameters and shape, and provenance; read by {@link #controller}. */
    static Checkpoint model(String algorithm, String envId, int obsDim, int actDim, Mlp actor,
                            String activation, long globalStep, Provenance provenance) {
        Checkpoint cp = new Checkpoint();
        ObjectNode h = cp.header();
        h.put("kind", "model");
        h.put("algorithm", algorithm);
        h.put("env", envId);
        h.put("obs_dim", obsDim);
        h.put("act_dim", actDim);
        ArrayNode sizes = h.putArray("actor_sizes");
        for (int s : actor.sizes()) {
            sizes.add(s);
        }
        h.put("activation", activation);
        h.put("global_step", globalStep);
        h.set("provenance", provenance.toJson());
        cp.put(ACTOR, actor.getParams());
        return cp;
    }

    static void requireCheckpoint(Checkpoint cp, String algorithm, Path file) throws IOException {
        String kind = cp.field("kind").asText();
        String algo = cp.field("algorithm").asText();
        if (!"checkpoint".equals(kind) || !algorithm.equals(algo)) {
            throw new IOException(file + ": not a " + algorithm.toUpperCase(java.util.Locale.ROOT)
                    + " training checkpoint (kind " + kind + ", algorithm " + algo + ")");
        }
    }

    /**
     * Loads the checkpoint's replay buffer; a checkpoint saved without one (save_replay_buffer: false)
     * resumes with an empty buffer, which is not an exact continuation, so say so.
     */
    static void restoreReplay(Checkpoint cp, Path file, ReplayBuffer replay, long globalStep) throws IOException {
        JsonNode name = cp.header().get("replay_file");
        if (name == null || name.isNull()) {
            System.err.println("warning: " + file + " holds no replay buffer (save_replay_buffer: false); resuming"
                    + " with an empty one, so the continuation is not exact");
            return;
        }
        OffPolicyParts.readReplay(file, name.asText(), replay, globalStep);
    }
}
