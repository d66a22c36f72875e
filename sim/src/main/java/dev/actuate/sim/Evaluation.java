package dev.actuate.sim;

import java.util.Arrays;

/**
 * Runs whole episodes of a {@link Controller} on an env, as SB3's {@code evaluate_policy}: episode
 * i starts from {@code reset(seed + i)} and runs until terminated or truncated.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * Per-episode returns and lengths; standard deviation is the population one, as numpy's default.
     * {@code finalSuccessSteps[i]}: how many consecutive steps at the end of episode i had the env's
     * success flag ({@link StepInfo#success()}), e.g. how long a pole was held upright at the end.
     */
    public record Result(double[] returns, int[] lengths, boolean[] terminated, int[] finalSuccessSteps) {
        public Result {
            returns = returns.clone();
            lengths = lengths.clone();
            terminated = terminated.clone();
            finalSuccessSteps = finalSuccessSteps.clone();
        }

        public Result(double[] returns, int[] lengths, boolean[] terminated) {
            this(returns, lengths, terminated, new int[returns.length]);
        }

        /** Fraction of episodes whose last {@code steps} steps all had the success flag. */
        public double heldRate(int steps) {
            return Arrays.stream(finalSuccessSteps).filter(n -> n >= steps).count() / (double) finalSuccessSteps.length;
        }

        @Override
        public int[] finalSuccessSteps() {
            return finalSuccessSteps.clone();
        }

        public int episodes() {
            return returns.length;
        }

        public double meanReturn() {
            return Arrays.stream(returns).average().orElse(Double.NaN);
        }

        public double stdReturn() {
            double m = meanReturn();
            return Math.sqrt(Arrays.stream(returns).map(r -> (r - m) * (r - m)).average().orElse(Double.NaN));
        }

        public double meanLength() {
            return Arrays.stream(lengths).average().orElse(Double.NaN);
        }

        /** Fraction of episodes whose return reached {@code threshold}. */
        public double successRate(double threshold) {
            return Arrays.stream(returns).filter(r -> r >= threshold).count() / (double) returns.length;
        }

        @Override
        public double[] returns() {
            return returns.clone();
        }

        @Override
        public int[] lengths() {
            return lengths.clone();
        }

        @Override
        public boolean[] terminated() {
            return terminated.clone();
        }
    }

    /** The env must end its episodes (e.g. it has a {@code TimeLimit}, as {@link Envs#make} gives). */
    public static Result run(Env env, Controller controller, int episodes, long seed) {
        if (episodes <= 0) {
            throw new IllegalArgumentException("episodes must be positive, got " + episodes);
        }
        double[] returns = new double[episodes];
        int[] lengths = new int[episodes];
        boolean[] terminated = new boolean[episodes];
        int[] held = new int[episodes];
        for (int e = 0; e < episodes; e++) {
            controller.reset();
            double[] obs = env.reset(seed + e).observation();
            double ret = 0;
            int len = 0;
            int run = 0;
            StepResult r;
            do {
                r = env.step(controller.act(obs));
                obs = r.observation();
                ret += r.reward();
                len++;
                run = r.info().success() ? run + 1 : 0;
            } while (!r.done());
            held[e] = run;
            returns[e] = ret;
            lengths[e] = len;
            terminated[e] = r.terminated();
        }
        return new Result(returns, lengths, terminated, held);
    }
}
