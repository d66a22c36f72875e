package dev.actuate.train;

import dev.actuate.sim.Rng;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Fixed-capacity ring buffer of transitions for off-policy learning, allocated once.
 *
 * <p>{@code terminated} and {@code truncated} are stored apart: the TD target bootstraps through a
 * truncation (the time limit is not part of the MDP) but not through a termination. With
 * same-step auto-reset, {@code nextObs} must be the final observation of a finished episode,
 * not the reset observation.
 */
public final class ReplayBuffer {
    private final int capacity;
    private final int obsDim;
    private final int actDim;
    private final float[] obs;
    private final float[] nextObs;
    private final float[] actions;
    private final float[] rewards;
    private final boolean[] terminated;
    private final boolean[] truncated;
    private int pos;
    private int size;

    public ReplayBuffer(int capacity, int obsDim, int actDim) {
        if (capacity <= 0 || obsDim <= 0 || actDim <= 0) {
            throw new IllegalArgumentException("capacity, obsDim and actDim must be positive: "
                    + capacity + ", " + obsDim + ", " + actDim);
        }
        this.capacity = capacity;
        this.obsDim = obsDim;
        this.actDim = actDim;
        this.obs = new float[Math.multiplyExact(capacity, obsDim)];
        this.nextObs = new float[Math.multiplyExact(capacity, obsDim)];
        this.actions = new float[Math.multiplyExact(capacity, actDim)];
        this.rewards = new float[capacity];
        this.terminated = new boolean[capacity];
        this.truncated = new boolean[capacity];
    }

    /** Preallocated destination of {@link #sample}; reuse one per learner. */
    public static final class Batch {
        public final int size;
        public final float[] obs;
        public final float[] nextObs;
        public final float[] actions;
        public final float[] rewards;
        /** 1 where the transition ended in a terminal state (no bootstrap), else 0. */
        public final float[] terminated;
        public final int[] indices;

        public Batch(int size, int obsDim, int actDim) {
            this.size = size;
            this.obs = new float[size * obsDim];
            this.nextObs = new float[size * obsDim];
            this.actions = new float[size * actDim];
            this.rewards = new float[size];
            this.terminated = new float[size];
            this.indices = new int[size];
        }
    }

    public Batch newBatch(int batchSize) {
        return new Batch(batchSize, obsDim, actDim);
    }

    public void add(double[] o, double[] a, double r, double[] nextO, boolean term, boolean trunc) {
        checkLength("obs", o.length, obsDim);
        checkLength("action", a.length, actDim);
        checkLength("nextObs", nextO.length, obsDim);
        int ob = pos * obsDim;
        for (int i = 0; i < obsDim; i++) {
            obs[ob + i] = (float) o[i];
            nextObs[ob + i] = (float) nextO[i];
        }
        int ab = pos * actDim;
        for (int i = 0; i < actDim; i++) {
            actions[ab + i] = (float) a[i];
        }
        rewards[pos] = (float) r;
        terminated[pos] = term;
        truncated[pos] = trunc;
        pos = (pos + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    private static void checkLength(String what, int got, int want) {
        if (got != want) {
            throw new IllegalArgumentException("replay buffer: " + what + " has length " + got + ", expected " + want);
        }
    }

    /** Uniform sampling with replacement into {@code batch}; allocates nothing. */
    public void sample(Rng rng, Batch batch) {
        if (size == 0) {
            throw new IllegalStateException("replay buffer is empty");
        }
        for (int b = 0; b < batch.size; b++) {
            int idx = rng.nextInt(size);
            batch.indices[b] = idx;
            System.arraycopy(obs, idx * obsDim, batch.obs, b * obsDim, obsDim);
            System.arraycopy(nextObs, idx * obsDim, batch.nextObs, b * obsDim, obsDim);
            System.arraycopy(actions, idx * actDim, batch.actions, b * actDim, actDim);
            batch.rewards[b] = rewards[idx];
            batch.terminated[b] = terminated[idx] ? 1f : 0f;
        }
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public boolean truncated(int index) {
        return truncated[index];
    }

    public boolean terminated(int index) {
        return terminated[index];
    }

    /** Writes the filled part of the buffer, for checkpoints that must resume exactly. */
    public void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(capacity);
        out.writeInt(obsDim);
        out.writeInt(actDim);
        out.writeInt(pos);
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < obsDim; j++) {
                out.writeFloat(obs[i * obsDim + j]);
                out.writeFloat(nextObs[i * obsDim + j]);
            }
            for (int j = 0; j < actDim; j++) {
                out.writeFloat(actions[i * actDim + j]);
            }
            out.writeFloat(rewards[i]);
            out.writeByte((terminated[i] ? 1 : 0) | (truncated[i] ? 2 : 0));
        }
    }

    /** Reads what {@link #writeTo} wrote into this buffer, which must have the same shape. */
    public void readFrom(DataInputStream in) throws IOException {
        int c = in.readInt();
        int od = in.readInt();
        int ad = in.readInt();
        if (c != capacity || od != obsDim || ad != actDim) {
            throw new IOException("replay buffer shape mismatch: saved capacity/obs/act " + c + "/" + od + "/" + ad
                    + ", expected " + capacity + "/" + obsDim + "/" + actDim);
        }
        int p = in.readInt();
        int s = in.readInt();
        if (s < 0 || s > capacity || p < 0 || p >= capacity) {
            throw new IOException("replay buffer header is corrupt: pos " + p + ", size " + s);
        }
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < obsDim; j++) {
                obs[i * obsDim + j] = in.readFloat();
                nextObs[i * obsDim + j] = in.readFloat();
            }
            for (int j = 0; j < actDim; j++) {
                actions[i * actDim + j] = in.readFloat();
            }
            rewards[i] = in.readFloat();
            int flags = in.readByte();
            terminated[i] = (flags & 1) != 0;
            truncated[i] = (flags & 2) != 0;
        }
        pos = p;
        size = s;
    }
}
