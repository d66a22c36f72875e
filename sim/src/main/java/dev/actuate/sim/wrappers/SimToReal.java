package dev.actuate.sim.wrappers;

import dev.actuate.sim.Env;

import java.io.Serializable;
import java.util.List;

/**
 * The sim-to-real aids of a training config ({@code sim_to_real:} in YAML), validated, and the one place that
 * stacks their wrappers: {@code env -> ActionDelay -> ObservationNoise -> ObservationDelay -> PreviousActions}.
 * Noise is added to what the sensor measures, then delayed with it; the appended previous actions are the
 * controller's own commands, so they are neither noisy nor delayed.
 *
 * @param actionDelay      control steps between choosing an action and the env applying it (0 = none)
 * @param observationDelay control steps between the env's state and the observation the policy sees (0 = none)
 * @param observationNoise Gaussian std added to each observation component: empty for none, one value for every
 *                         component, or one per component
 * @param previousActions  how many previous actions to append to the observation (0 = none)
 * @param initialAction    the action in force before an episode's first one (delay and previous-action slots):
 *                         empty for zeros, else one value per action component, in the env's action units
 */
public record SimToReal(int actionDelay, int observationDelay, List<Double> observationNoise, int previousActions,
                        List<Double> initialAction) implements Serializable {
    /** No aid: the env as registered. */
    public static final SimToReal NONE = new SimToReal(0, 0, List.of(), 0, List.of());

    /** Longest delay or history accepted; more is almost certainly a units mistake (seconds vs steps). */
    public static final int MAX_STEPS = 1000;

    public SimToReal {
        steps("action_delay", actionDelay);
        steps("observation_delay", observationDelay);
        steps("previous_actions", previousActions);
        observationNoise = observationNoise == null ? List.of() : List.copyOf(observationNoise);
        initialAction = initialAction == null ? List.of() : List.copyOf(initialAction);
        for (int i = 0; i < observationNoise.size(); i++) {
            Double s = observationNoise.get(i);
            if (s == null || !(s >= 0) || s.isInfinite()) {
                throw new IllegalArgumentException("observation_noise[" + i + "] must be a finite std >= 0, got " + s);
            }
        }
        for (int i = 0; i < initialAction.size(); i++) {
            Double a = initialAction.get(i);
            if (a == null || !Double.isFinite(a)) {
                throw new IllegalArgumentException("initial_action[" + i + "] must be a finite number, got " + a);
            }
        }
    }

    private static void steps(String key, int v) {
        if (v < 0 || v > MAX_STEPS) {
            throw new IllegalArgumentException(key + " must be a whole number of control steps in [0, " + MAX_STEPS
                    + "], got " + v);
        }
    }

    public boolean isNone() {
        return actionDelay == 0 && observationDelay == 0 && previousActions == 0
                && observationNoise.stream().allMatch(s -> s == 0);
    }

    /** Checks the lengths against {@code env}; the message names the field. */
    public void checkFits(Env env) {
        int obs = env.observationSpace().dim();
        int act = env.actionSpace().dim();
        if (observationNoise.size() > 1 && observationNoise.size() != obs) {
            throw new IllegalArgumentException("observation_noise has " + observationNoise.size() + " values, "
                    + env.id() + " observes " + obs + " components (give one value for all, or one per component)");
        }
        if (!initialAction.isEmpty() && initialAction.size() != act) {
            throw new IllegalArgumentException("initial_action has " + initialAction.size() + " values, " + env.id()
                    + " acts with " + act);
        }
    }

    /** Per-component noise std for an observation of {@code dim} components. */
    public double[] noiseStd(int dim) {
        double[] s = new double[dim];
        for (int i = 0; i < dim; i++) {
            s[i] = observationNoise.isEmpty() ? 0 : observationNoise.get(observationNoise.size() == 1 ? 0 : i);
        }
        return s;
    }

    /** The initial action for {@code dim} action components (zeros when not given). */
    public double[] initialAction(int dim) {
        double[] a = new double[dim];
        for (int i = 0; i < dim && i < initialAction.size(); i++) {
            a[i] = initialAction.get(i);
        }
        return a;
    }

    /** {@code env} with the configured wrappers (none when all are off). */
    public Env wrap(Env env) {
        checkFits(env);
        double[] init = initialAction(env.actionSpace().dim());
        Env e = env;
        if (actionDelay > 0) {
            e = new ActionDelay(e, actionDelay, init);
        }
        double[] std = noiseStd(e.observationSpace().dim());
        if (java.util.Arrays.stream(std).anyMatch(s -> s > 0)) {
            e = new ObservationNoise(e, std);
        }
        if (observationDelay > 0) {
            e = new ObservationDelay(e, observationDelay);
        }
        if (previousActions > 0) {
            e = new PreviousActions(e, previousActions, init);
        }
        return e;
    }
}
