package dev.actuate.algo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.nn.Mlp;
import dev.actuate.sim.wrappers.SimToReal;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.Provenance;
import dev.actuate.train.ReplayBuffer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Model files of SAC, TD3 and DDPG, and checkpoint checks they share. The model holds the actor's flat
 * parameters ({@value #ACTOR}) and its shape; {@link PolicyExport} turns it into the deterministic policy.
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

    /** The model file an off-policy trainer writes: the actor's parameters and shape, and provenance; turned into the deployable policy by {@link PolicyExport}. */
    static Checkpoint model(String algorithm, String envId, int obsDim, int actDim, Mlp actor,
                            String activation, long globalStep, Provenance provenance, SimToReal simToReal) {
        Checkpoint cp = PolicyExport.newModel(algorithm, envId, obsDim, actDim, PolicyExport.ACTOR_SIZES,
                actor.sizes());
        ObjectNode h = cp.header();
        h.put("activation", activation);
        h.put("global_step", globalStep);
        h.set("provenance", provenance.toJson());
        PolicyExport.putSimToReal(cp, simToReal);
        cp.put(ACTOR, actor.getParams());
        return cp;
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
