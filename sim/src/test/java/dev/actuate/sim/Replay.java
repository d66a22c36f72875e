package dev.actuate.sim;

import dev.actuate.sim.box2d.LunarLander;
import dev.actuate.sim.wrappers.TimeLimit;

/**
 * Replays a recorded Gymnasium episode open loop: the env gets the recorded draws in place of its
 * generator ({@link ReplayRng}), is reset, and is fed the recorded actions; observation, reward and
 * flags are compared at every step.
 */
final class Replay {
    /** An observation component further off than this counts as diverged. */
    static final double OBS_TOLERANCE = 1e-4;

    private Replay() {
    }

    /**
     * What a replay found. Step 0 is the reset observation, step k the k-th {@code step()}.
     *
     * @param obsError         largest |obs difference| at each step both runs reached
     * @param rewardError      |reward difference| at each step (0 at step 0)
     * @param firstDivergence  first step with an observation error above {@link #OBS_TOLERANCE}, or -1
     * @param firstFlagMismatch first step whose terminated/truncated differ, or -1
     * @param replayedLength   steps the replay took (ends where either run ends)
     * @param replayedReturn   sum of the replay's rewards
     * @param drawMismatch     the first draw that differed from the recording, or null
     */
    record Result(RecordedEpisode episode, double[] obsError, double[] rewardError, int firstDivergence,
                  int firstFlagMismatch, int replayedLength, double replayedReturn, String drawMismatch) {
        /** Observation error at step k, NaN if the replay did not reach it. */
        double errorAt(int k) {
            return k < obsError.length ? obsError[k] : Double.NaN;
        }

        /** Largest observation error over steps [0, k), over what was reached. */
        double maxErrorBefore(int k) {
            double m = 0;
            for (int i = 0; i < Math.min(k, obsError.length); i++) {
                m = Math.max(m, obsError[i]);
            }
            return m;
        }

        /** Largest reward error over steps before {@code k}. */
        double maxRewardErrorBefore(int k) {
            double m = 0;
            for (int i = 0; i < Math.min(k, rewardError.length); i++) {
                m = Math.max(m, rewardError[i]);
            }
            return m;
        }
    }

    /** The env the recording was made with, unwrapped, so its generator can be replaced. */
    static AbstractEnv makeEnv(RecordedEpisode ep) {
        Env env = ep.env().equals(LunarLander.ID) && ep.enableWind()
                ? new LunarLander(LunarLander.Options.windy()) : Envs.makeRaw(ep.env());
        return (AbstractEnv) env;
    }

    static Result run(RecordedEpisode ep) {
        AbstractEnv raw = makeEnv(ep);
        ReplayRng rng = new ReplayRng();
        raw.replaceRng(rng);
        int n = ep.steps().size();
        double[] obsErr = new double[n + 1];
        double[] rewErr = new double[n + 1];
        int firstDiv = -1;
        int firstFlag = -1;
        double ret = 0;
        int k = 0;
        String mismatch = null;
        try (Env env = new TimeLimit(raw, Envs.spec(ep.env()).maxEpisodeSteps())) {
            rng.serve("reset", ep.resetDraws());
            double[] obs = env.reset(ep.seed()).observation();
            rng.assertAllServed();
            obsErr[0] = maxAbsDiff(obs, ep.resetObs());
            if (obsErr[0] > OBS_TOLERANCE) {
                firstDiv = 0;
            }
            while (k < n) {
                RecordedEpisode.Step rec = ep.steps().get(k);
                k++;
                rng.serve("step " + k, rec.draws());
                StepResult r = env.step(rec.action());
                rng.assertAllServed();
                obsErr[k] = maxAbsDiff(r.observation(), rec.obs());
                rewErr[k] = Math.abs(r.reward() - rec.reward());
                ret += r.reward();
                if (firstDiv < 0 && obsErr[k] > OBS_TOLERANCE) {
                    firstDiv = k;
                }
                if (firstFlag < 0 && (r.terminated() != rec.terminated() || r.truncated() != rec.truncated())) {
                    firstFlag = k;
                }
                if (r.done()) {
                    break;
                }
            }
        } catch (ReplayRng.ReplayMismatch e) {
            mismatch = e.getMessage();
        }
        return new Result(ep, java.util.Arrays.copyOf(obsErr, k + 1), java.util.Arrays.copyOf(rewErr, k + 1),
                firstDiv, firstFlag, k, ret, mismatch);
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new AssertionError("observation length " + a.length + ", recording has " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
