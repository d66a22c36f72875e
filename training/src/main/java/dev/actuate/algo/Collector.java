package dev.actuate.algo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.sim.Box;
import dev.actuate.sim.Envs;
import dev.actuate.sim.EpisodeStats;
import dev.actuate.sim.Rng;
import dev.actuate.sim.VectorEnv;
import dev.actuate.sim.VectorStep;
import dev.actuate.sim.wrappers.SimToReal;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.ReplayBuffer;

import java.io.IOException;
import java.util.List;

/**
 * The experience side of an off-policy learner: one env (a one-env {@link VectorEnv}, for same-step
 * auto-reset and exact snapshots) stepped with actions in the learner's {@code [-1, 1]^A} scale, which
 * are mapped affinely onto the env's action box (SB3's {@code unscale_action}). Each transition goes into
 * the replay buffer with the scaled action and, when the episode ended, the final observation (not the
 * reset one) as next observation, with terminated and truncated apart.
 *
 * <p>Keeps the last 100 training episodes for the progress bar and metrics, and saves and restores all of
 * its state in checkpoints.
 */
public final class Collector implements AutoCloseable {
    private final VectorEnv envs;
    private final Box box;
    private final int obsDim;
    private final int actDim;
    private final double[][] envAction;
    private final RecentEpisodes recent = new RecentEpisodes();
    private double[] obs;
    private long episodes;

    public Collector(String envId, long seed) {
        this(envId, seed, SimToReal.NONE);
    }

    /** With the training config's sim-to-real aids wrapped around the env. */
    public Collector(String envId, long seed, SimToReal simToReal) {
        Envs.spec(envId);
        this.envs = new VectorEnv(() -> simToReal.wrap(Envs.make(envId)), 1);
        this.box = envs.actionSpace();
        this.obsDim = envs.observationSpace().dim();
        this.actDim = box.dim();
        for (int i = 0; i < actDim; i++) {
            if (!Double.isFinite(box.low(i)) || !Double.isFinite(box.high(i))) {
                throw new IllegalArgumentException(envId + ": off-policy learners need a bounded action box, got " + box);
            }
        }
        this.envAction = new double[][] {new double[actDim]};
        this.obs = envs.reset(seed)[0];
    }

    public int observationSize() {
        return obsDim;
    }

    public int actionSize() {
        return actDim;
    }

    /** The current observation (do not modify). */
    public double[] observation() {
        return obs;
    }

    /** Maps {@code a in [-1, 1]^A} onto the box: {@code low + (a + 1) / 2 * (high - low)}. */
    public static void toEnvAction(Box box, double[] a, double[] out) {
        for (int i = 0; i < a.length; i++) {
            double c = Math.max(-1.0, Math.min(1.0, a[i]));
            out[i] = box.low(i) + 0.5 * (c + 1.0) * (box.high(i) - box.low(i));
        }
    }

    /** A uniform random action in {@code [-1, 1]^A} (the warm-up policy). */
    public void randomAction(Rng rng, double[] out) {
        for (int i = 0; i < actDim; i++) {
            out[i] = rng.uniform(-1.0, 1.0);
        }
    }

    /**
     * Steps the env with {@code action} (in [-1, 1]) and stores the transition. Returns true when the
     * episode ended on this step (the env has already been reset).
     */
    public boolean step(double[] action, ReplayBuffer replay) {
        toEnvAction(box, action, envAction[0]);
        VectorStep st = envs.step(envAction);
        boolean done = st.done(0);
        double[] next = done ? st.finalObservations()[0] : st.observations()[0];
        replay.add(obs, action, st.rewards()[0], next, st.terminated()[0], st.truncated()[0]);
        obs = st.observations()[0];
        EpisodeStats ep = st.episodes()[0];
        if (ep != null) {
            episodes++;
            recent.add(ep.episodeReturn(), ep.length());
        }
        return done;
    }

    /** Mean return of the last 100 training episodes, NaN before any. */
    public double meanReturn() {
        return recent.meanReturn();
    }

    public double meanLength() {
        return recent.meanLength();
    }

    public long episodes() {
        return episodes;
    }

    /** Adds the env state and episode records to a checkpoint. */
    public void save(Checkpoint cp) {
        ObjectNode h = cp.header();
        VectorEnv.EnvState s = envs.snapshot().envs().get(0);
        TrainingCheckpoint.putEnvState(cp, h.putObject("env_state"), "env.", s, actDim);
        h.put("episodes", episodes);
        cp.put("recent_episodes", recent.toArray());
    }

    /** Restores what {@link #save} wrote. */
    public void restore(Checkpoint cp) throws IOException {
        VectorEnv.EnvState s = TrainingCheckpoint.envState(cp, cp.field("env_state"), "env.", obsDim, actDim);
        obs = envs.restore(new VectorEnv.State(List.of(s)))[0];
        episodes = cp.field("episodes").asLong();
        recent.load(cp.doubles("recent_episodes", -1));
    }

    @Override
    public void close() {
        envs.close();
    }
}
