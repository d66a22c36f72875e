package dev.actuate.runtime;

import dev.actuate.sim.Box;
import dev.actuate.sim.Env;
import dev.actuate.sim.StepResult;

/**
 * Evaluates a {@link Policy} directly on an env, in-process, with exactly the numerics of the
 * control loop (observation cast to float, action back to double, clipped to the action space) and
 * the robots' seeding convention (episode {@code k} reset with {@code seed + k}), so its returns
 * are what a lock-stepped HIL run of the same policy should reproduce.
 */
public final class PolicyEvaluation {
    private PolicyEvaluation() {
    }

    public static double[] evaluate(Env env, Policy policy, long seed, int episodes) {
        Box space = env.actionSpace();
        int nObs = env.observationSpace().dim();
        float[] obs = new float[nObs];
        float[] act = new float[space.dim()];
        double[] action = new double[space.dim()];
        double[] returns = new double[episodes];
        for (int k = 0; k < episodes; k++) {
            double[] o = env.reset(seed + k).observation();
            policy.reset();
            double ret = 0;
            while (true) {
                for (int i = 0; i < nObs; i++) {
                    obs[i] = (float) o[i];
                }
                policy.act(obs, act);
                for (int i = 0; i < action.length; i++) {
                    action[i] = act[i];
                }
                space.clip(action);
                StepResult r = env.step(action);
                ret += r.reward();
                if (r.done()) {
                    break;
                }
                o = r.observation();
            }
            returns[k] = ret;
        }
        return returns;
    }

    public static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return x.length == 0 ? Double.NaN : s / x.length;
    }
}
