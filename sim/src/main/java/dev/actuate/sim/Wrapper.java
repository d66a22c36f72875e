package dev.actuate.sim;

/** Delegates everything to the wrapped env; subclasses override what they change. */
public abstract class Wrapper implements Env {
    protected final Env env;

    protected Wrapper(Env env) {
        this.env = env;
    }

    public Env inner() {
        return env;
    }

    @Override
    public String id() {
        return env.id();
    }

    @Override
    public Box observationSpace() {
        return env.observationSpace();
    }

    @Override
    public Box actionSpace() {
        return env.actionSpace();
    }

    @Override
    public ResetResult reset(long seed) {
        return env.reset(seed);
    }

    @Override
    public ResetResult reset() {
        return env.reset();
    }

    @Override
    public StepResult step(double[] action) {
        return env.step(action);
    }

    @Override
    public Env unwrapped() {
        return env.unwrapped();
    }

    /** The first wrapper of the given type in this chain, or null. */
    public static <T extends Env> T find(Env env, Class<T> type) {
        Env e = env;
        while (true) {
            if (type.isInstance(e)) {
                return type.cast(e);
            }
            if (e instanceof Wrapper w) {
                e = w.env;
            } else {
                return null;
            }
        }
    }

    @Override
    public void close() {
        env.close();
    }
}
