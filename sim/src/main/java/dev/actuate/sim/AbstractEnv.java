package dev.actuate.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Base of every concrete environment. It enforces the call order, validates actions, owns the
 * seeded generator and records what {@link #snapshot()} needs; subclasses write only the
 * physics in {@link #doReset()} and {@link #doStep(double[])}.
 */
public abstract class AbstractEnv implements Env {
    /** The env's only source of randomness: reset draws and per-step noise come from here. */
    protected Rng rng = new Rng(0);

    private final String id;
    private final Box observationSpace;
    private final Box actionSpace;
    private boolean seeded;
    private boolean needsReset = true;
    private long rngStateAtReset;
    private final List<double[]> actionsSinceReset = new ArrayList<>();

    protected AbstractEnv(String id, Box observationSpace, Box actionSpace) {
        this.id = id;
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
    }

    /**
     * Replaces the generator, so that a test can serve a recorded reference episode's draws; the
     * replacement is then re-seeded by {@link #reset(long)} like the original.
     */
    void replaceRng(Rng replacement) {
        rng = replacement;
    }

    /** Builds the episode's initial state from {@link #rng} and returns the first observation. */
    protected abstract double[] doReset();

    /** Advances one step; {@code action} has the right length and no NaN, but is not clipped. */
    protected abstract StepResult doStep(double[] action);

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Box observationSpace() {
        return observationSpace;
    }

    @Override
    public final Box actionSpace() {
        return actionSpace;
    }

    @Override
    public final ResetResult reset(long seed) {
        rng.setSeed(seed);
        seeded = true;
        return startEpisode();
    }

    @Override
    public final ResetResult reset() {
        if (!seeded) {
            // As Gymnasium: an env never seeded draws its seed from entropy.
            rng.setSeed(System.nanoTime() ^ Thread.currentThread().getId());
            seeded = true;
        }
        return startEpisode();
    }

    private ResetResult startEpisode() {
        rngStateAtReset = rng.state();
        actionsSinceReset.clear();
        double[] obs = doReset();
        needsReset = false;
        return new ResetResult(obs);
    }

    @Override
    public final StepResult step(double[] action) {
        if (needsReset) {
            throw new IllegalStateException(id + ": step() called before reset() or after the episode ended;"
                    + " call reset() first");
        }
        validateAction(id, actionSpace, action);
        actionsSinceReset.add(action.clone());
        StepResult r = doStep(action);
        if (r.terminated() || r.truncated()) {
            needsReset = true;
        }
        return r;
    }

    /** Shared action check, also used by wrappers that change the action space. */
    public static void validateAction(String envId, Box space, double[] action) {
        if (action == null) {
            throw new IllegalArgumentException(envId + ": action is null");
        }
        if (action.length != space.dim()) {
            throw new IllegalArgumentException(envId + ": action has length " + action.length
                    + ", expected " + space.dim());
        }
        for (int i = 0; i < action.length; i++) {
            if (Double.isNaN(action[i])) {
                throw new IllegalArgumentException(envId + ": action[" + i + "] is NaN");
            }
        }
    }

    /** Exact current state, for checkpoints; see {@link EnvSnapshot}. */
    public EnvSnapshot snapshot() {
        if (needsReset) {
            throw new IllegalStateException(id + ": no episode in progress to snapshot");
        }
        return new EnvSnapshot(rngStateAtReset, actionsSinceReset);
    }

    /** Restores a {@link #snapshot()} by replaying its actions from the recorded reset. */
    public double[] restore(EnvSnapshot snapshot) {
        rng.setState(snapshot.rngStateAtReset());
        seeded = true;
        double[] obs = startEpisode().observation();
        for (double[] a : snapshot.actions()) {
            StepResult r = step(a);
            obs = r.observation();
            if (r.done()) {
                throw new IllegalStateException(id + ": snapshot replay ended the episode early");
            }
        }
        return obs;
    }

    /**
     * Simulated seconds one step advances: the control period a controller deployed from this env should run
     * at. NaN when the env has no physical time step (then no rate is recorded with its policies).
     */
    public double controlPeriodSeconds() {
        return Double.NaN;
    }

    /** The control period of any env: its innermost {@link AbstractEnv}'s, else NaN. */
    public static double controlPeriodSeconds(Env env) {
        return env.unwrapped() instanceof AbstractEnv a ? a.controlPeriodSeconds() : Double.NaN;
    }

    /**
     * The env's generator, for wrappers whose draws must follow the env's seed (observation noise), so that one
     * seed reproduces the run and a checkpoint's replay reproduces the draws.
     */
    public Rng rng() {
        return rng;
    }

    /**
     * Prepares a replay of a snapshot through the whole wrapper chain: the next {@link #reset()} starts the episode
     * the snapshot started from. Used by {@link VectorEnv#restore} so stateful wrappers are rebuilt too.
     */
    void rewindTo(long rngStateAtReset) {
        rng.setState(rngStateAtReset);
        seeded = true;
        needsReset = true;
    }

    /** Number of steps taken in the current episode. */
    public int elapsedSteps() {
        return actionsSinceReset.size();
    }

    protected static double clip(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }
}
