package dev.actuate.algo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.nn.Activation;
import dev.actuate.nn.AdamOptimizer;
import dev.actuate.nn.Init;
import dev.actuate.nn.Lanes;
import dev.actuate.nn.Mlp;
import dev.actuate.nn.NdArrays;
import dev.actuate.nn.Parameterized;
import dev.actuate.nn.Polyak;
import dev.actuate.nn.RowHalves;
import dev.actuate.sim.Rng;
import dev.actuate.io.AtomicFiles;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ConfigYaml;
import dev.actuate.train.ReplayBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Pieces SAC, TD3 and DDPG share: network shapes, moving batches into ND4J, the critics' and the actor's
 * optimiser steps on the {@link Lanes}, and checkpoint parts.
 */
final class OffPolicyParts {
    private OffPolicyParts() {
    }

    /**
     * An MLP as SB3 builds the off-policy nets: ReLU (or tanh) hidden layers and PyTorch's default
     * {@code nn.Linear} init ({@link Init#torchDefault()}: weights and biases {@code U(-1/sqrt(in), 1/sqrt(in))}),
     * since SB3's off-policy policies never re-initialise their layers (only {@code ActorCriticPolicy} does).
     */
    static Mlp.Builder net(int in, int out, List<Integer> hidden, String activation, Activation output) {
        return Mlp.builder(in, out).hidden(hidden.stream().mapToInt(Integer::intValue).toArray())
                .activation(Activation.parse(activation)).outputActivation(output)
                .hiddenInit(Init.torchDefault()).outputInit(Init.torchDefault());
    }

    /** Writes rows {@code [obs | act]} of a batch into the dense critic input {@code dst [batch, O + A]}. */
    static void concat(float[] obs, int obsDim, double[] act, int actDim, int batch, INDArray dst) {
        DataBuffer data = dst.data();
        int w = obsDim + actDim;
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < obsDim; j++) {
                data.put((long) r * w + j, obs[r * obsDim + j]);
            }
            for (int j = 0; j < actDim; j++) {
                data.put((long) r * w + obsDim + j, (float) act[r * actDim + j]);
            }
        }
    }

    /** The same with float actions (replay-buffer actions). */
    static void concat(float[] obs, int obsDim, float[] act, int actDim, int batch, INDArray dst) {
        DataBuffer data = dst.data();
        int w = obsDim + actDim;
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < obsDim; j++) {
                data.put((long) r * w + j, obs[r * obsDim + j]);
            }
            for (int j = 0; j < actDim; j++) {
                data.put((long) r * w + obsDim + j, act[r * actDim + j]);
            }
        }
    }

    /** Columns {@code [from, from + cols)} of a dense {@code [batch, width]} array into {@code out}, row-major. */
    static void columns(INDArray src, int from, int cols, double[] out) {
        columns(src, from, cols, out, 0);
    }

    /** The same into {@code out} from element {@code outOff} on. */
    static void columns(INDArray src, int from, int cols, double[] out, int outOff) {
        DataBuffer data = src.data();
        long off = src.offset();
        long w = src.columns();
        int batch = (int) src.rows();
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < cols; j++) {
                out[outOff + r * cols + j] = data.getDouble(off + r * w + from + j);
            }
        }
    }

    static INDArray zeros(int rows, int cols) {
        return Nd4j.zeros(DataType.FLOAT, rows, cols);
    }

    // ---------------------------------------------------------------- optimiser steps on the lanes

    /**
     * The critics' step from their output gradients {@code dQ[c]}: critic c's backward pass and its part of the
     * Adam step on lane c, and with a {@code polyak} (null: none) its part of the target critics' Polyak update.
     * Part c of the critics' vector is exactly critic c's parameters, and both updates are elementwise in plain
     * float arithmetic, so the bits are the same on either thread. An optimiser that cannot split by elements
     * (ND4J's updater: off the CPU fast path) steps every critic in its part 0, so it waits for all the backward
     * passes: run inside the lanes, it read critic 1's gradients while lane 1 was still writing them, and twin-critic
     * runs there were neither repeatable nor right.
     */
    static void criticStep(Lanes lanes, Mlp[] q, double[][] dQ, INDArray[] dQNd, AdamOptimizer optimizer,
                           Polyak polyak, double tau) {
        int critics = q.length;
        boolean split = optimizer.splitsByElements();
        lanes.run(critics, c -> {
            NdArrays.fromDoubles(dQ[c], dQNd[c]);
            q[c].backward(dQNd[c]);
            if (split) {
                optimizer.stepPart(c, critics);
                if (polyak != null) {
                    polyak.updatePart(tau, c, critics);
                }
            }
        });
        if (split) {
            optimizer.endStep();
            return;
        }
        optimizer.step();
        if (polyak != null) {
            lanes.run(critics, c -> polyak.updatePart(tau, c, critics));
        }
    }

    /**
     * The actor's step after both row halves' backward passes: the halves' gradient sum, the Adam step and with a
     * {@code polyak} (null: none) the target actor's Polyak update, each split by elements between the lanes (a
     * lane takes its element range of each, in that order; elementwise, so the same for one and two threads).
     * An optimiser that cannot split by elements takes its own step between the split sum and the split update.
     */
    static void actorStep(Lanes lanes, RowHalves halves, AdamOptimizer optimizer, Polyak polyak, double tau) {
        if (optimizer.splitsByElements()) {
            lanes.run(2, h -> {
                halves.sumGradients(h, 2);
                optimizer.stepPart(h, 2);
                if (polyak != null) {
                    polyak.updatePart(tau, h, 2);
                }
            });
            optimizer.endStep();
        } else {
            lanes.run(2, h -> halves.sumGradients(h, 2));
            optimizer.step(lanes);
            if (polyak != null) {
                lanes.run(2, h -> polyak.updatePart(tau, h, 2));
            }
        }
    }

    // ---------------------------------------------------------------- checkpoint parts

    static float[] floats(Parameterized m) {
        return m.params().dup().castTo(DataType.FLOAT).data().asFloat();
    }

    static void load(Checkpoint cp, String name, Parameterized m) throws IOException {
        float[] v = cp.floats(name, (int) m.numParams());
        m.params().assign(Nd4j.createFromArray(v).reshape(1, v.length).castTo(m.params().dataType()));
    }

    static void saveAdam(Checkpoint cp, String name, AdamOptimizer opt) {
        cp.put(name + ".state", opt.state().dup().data().asFloat());
        cp.header().put(name + ".iteration", opt.iteration());
    }

    static void loadAdam(Checkpoint cp, String name, AdamOptimizer opt) throws IOException {
        float[] s = cp.floats(name + ".state", (int) opt.state().length());
        opt.state().assign(Nd4j.createFromArray(s).reshape(1, s.length));
        opt.setIteration(cp.field(name + ".iteration").asInt());
    }

    static void saveRng(Checkpoint cp, String name, Rng rng) {
        cp.header().put(name, rng.state());
    }

    static void loadRng(Checkpoint cp, String name, Rng rng) throws IOException {
        rng.setState(cp.field(name).asLong());
    }

    // ---------------------------------------------------------------- checkpoint header and files

    /**
     * Turns {@code model} (an {@link OffPolicyModels#model} file) into a training checkpoint: puts kind,
     * config, seed and updates, in that order, and returns the header for the algorithm's own counters.
     */
    static ObjectNode checkpointHeader(Checkpoint model, Record cfg, long seed, long updates) {
        ObjectNode h = model.header();
        h.put("kind", "checkpoint");
        h.set("config", Checkpoint.json().valueToTree(ConfigYaml.toMap(cfg)));
        h.put("seed", seed);
        h.put("updates", updates);
        return h;
    }

    /** The rollout counters and the generator state, which follow the algorithm's own counters in the header. */
    static void saveCounters(Checkpoint cp, long rolloutSteps, long rolloutEpisodes, long logRows, Rng rng) {
        ObjectNode h = cp.header();
        h.put("rollout_steps", rolloutSteps);
        h.put("rollout_episodes", rolloutEpisodes);
        h.put("log_rows", logRows);
        saveRng(cp, "rng_state", rng);
    }

    /**
     * Writes {@code cp} atomically to {@code file}, with the replay buffer beside it when {@code saveReplay}
     * (named in the header as {@code replay_file}), then deletes older checkpoints' replay files.
     */
    static void writeCheckpoint(Path file, Checkpoint cp, boolean saveReplay, ReplayBuffer replay, long globalStep)
            throws IOException {
        String replayFile = saveReplay ? writeReplay(file, replay, globalStep) : null;
        if (replayFile != null) {
            cp.header().put("replay_file", replayFile);
        }
        cp.write(file);
        deleteOtherReplays(file, replayFile);
    }

    // ---------------------------------------------------------------- replay buffer files

    /**
     * Writes the replay buffer next to {@code checkpoint} as {@code <checkpoint>.replay-<step>.bin} (atomic)
     * and returns its file name, for the checkpoint header. Written before the checkpoint that names it, so
     * a crash in between leaves the previous pair intact.
     */
    static String writeReplay(Path checkpoint, ReplayBuffer replay, long globalStep) throws IOException {
        String name = checkpoint.getFileName() + ".replay-" + globalStep + ".bin";
        Path file = checkpoint.toAbsolutePath().resolveSibling(name);
        AtomicFiles.write(file, out -> {
            DataOutputStream d = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
            d.writeLong(globalStep);
            replay.writeTo(d);
            d.flush();
        });
        return name;
    }

    /** Deletes replay files of {@code checkpoint} other than {@code keep} (older checkpoints' buffers). */
    static void deleteOtherReplays(Path checkpoint, String keep) throws IOException {
        Path dir = checkpoint.toAbsolutePath().getParent();
        String prefix = checkpoint.getFileName() + ".replay-";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*.bin")) {
            for (Path f : files) {
                if (!f.getFileName().toString().equals(keep)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    static void readReplay(Path checkpoint, String name, ReplayBuffer replay, long globalStep) throws IOException {
        Path file = checkpoint.toAbsolutePath().resolveSibling(name);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "the checkpoint's replay buffer file is missing");
        }
        try (InputStream in = Files.newInputStream(file)) {
            DataInputStream d = new DataInputStream(new BufferedInputStream(in, 1 << 16));
            long step = d.readLong();
            if (step != globalStep) {
                throw new IOException(file + ": replay buffer is from step " + step + ", checkpoint from " + globalStep);
            }
            replay.readFrom(d);
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": truncated replay buffer file", e);
        } catch (IOException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(file.toString()) ? e
                    : new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
