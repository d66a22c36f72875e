package dev.actuate.algo;

import dev.actuate.sim.wrappers.SimToReal;

import java.util.List;

/**
 * A2C hyperparameters. Defaults are Stable-Baselines3's A2C; per-env values live in {@code configs/a2c/<env-id>.yaml}
 * with snake_case keys. The rollout keys mean what they mean for PPO ({@link PpoConfig}), whose rollout machinery
 * A2C uses: with {@code gaeLambda} 1 the advantages are the n-step returns minus the values.
 *
 * @param nTimesteps     total env steps of a run (the CLI's {@code --steps} overrides)
 * @param nEnvs          parallel envs (the CLI's {@code --envs} overrides)
 * @param nSteps         steps per env per rollout (the n of the n-step returns)
 * @param learningRate   optimiser step size (annealed linearly to 0 when {@code annealLr}, the Zoo's {@code lin_})
 * @param annealLr       linear learning-rate annealing, as SB3's schedule: the rate times the fraction of
 *                        {@code nTimesteps} still to collect after each rollout (the last update runs at 0)
 * @param gamma          discount
 * @param gaeLambda      GAE(lambda); 1 gives plain n-step returns
 * @param entCoef        entropy bonus coefficient
 * @param vfCoef         value-loss coefficient
 * @param maxGradNorm    global gradient-norm clip over both networks
 * @param useRmsProp     RMSprop (SB3's default), else Adam (eps 1e-5)
 * @param rmsPropEps     RMSprop's epsilon (alpha is 0.99, as SB3)
 * @param normAdv        normalise advantages over the rollout (SB3's A2C: off)
 * @param normObs        normalise observations with running statistics (saved with the model)
 * @param normReward     scale rewards by the running std of the discounted return
 * @param clipObs        clip normalised observations to +-this
 * @param clipReward     clip scaled rewards to +-this
 * @param hiddenSizes    hidden layer widths of both the policy and the value network
 * @param activation     hidden activation, tanh or relu
 * @param orthoInit      orthogonal init (gain sqrt 2, policy head 0.01, value head 1), else PyTorch's default (as SB3)
 * @param logStdInit     initial log-std
 * @param checkpointEvery iterations between checkpoints (A2C's iterations are short)
 * @param useSde         gSDE exploration, as PPO's
 * @param sdeSampleFreq  with gSDE, also redraw every this many steps; -1 only at each rollout's start
 * @param fullStd        with gSDE, one log-std per latent feature and action
 * @param useExpln       with gSDE, SB3's {@code expln}
 * @param simToReal      sim-to-real aids applied to the training envs ({@code sim_to_real:})
 */
public record A2cConfig(
        long nTimesteps,
        int nEnvs,
        int nSteps,
        double learningRate,
        boolean annealLr,
        double gamma,
        double gaeLambda,
        double entCoef,
        double vfCoef,
        double maxGradNorm,
        boolean useRmsProp,
        double rmsPropEps,
        boolean normAdv,
        boolean normObs,
        boolean normReward,
        double clipObs,
        double clipReward,
        List<Integer> hiddenSizes,
        String activation,
        boolean orthoInit,
        double logStdInit,
        int checkpointEvery,
        boolean useSde,
        int sdeSampleFreq,
        boolean fullStd,
        boolean useExpln,
        SimToReal simToReal) implements OnPolicyTrainer.Config<A2cConfig> {

    public A2cConfig {
        simToReal = simToReal == null ? SimToReal.NONE : simToReal;
        hiddenSizes = hiddenSizes == null ? null : List.copyOf(hiddenSizes);
        if (!(rmsPropEps > 0 && rmsPropEps <= 1)) {
            throw new IllegalArgumentException("rms_prop_eps must be in (0, 1], got " + rmsPropEps);
        }
        // Validates the shared keys with PpoConfig's messages (the fields are not assigned yet: use the parameters).
        rollout(nTimesteps, nEnvs, nSteps, learningRate, annealLr, gamma, gaeLambda, entCoef, vfCoef, maxGradNorm,
                normAdv, normObs, normReward, clipObs, clipReward, hiddenSizes, activation, orthoInit, logStdInit,
                checkpointEvery, useSde, sdeSampleFreq, fullStd, useExpln, simToReal);
    }

    /** Stable-Baselines3's A2C defaults with [64, 64] tanh nets; 1M steps. */
    public static A2cConfig defaults() {
        return new A2cConfig(1_000_000, 1, 5, 7e-4, false, 0.99, 1.0, 0.0, 0.5, 0.5, true, 1e-5, false, false,
                false, 10.0, 10.0, List.of(64, 64), "tanh", true, 0.0, 500, false, -1, true, false, SimToReal.NONE);
    }

    /** The rollout engine's config: one minibatch of the whole rollout, one epoch. */
    PpoConfig rollout() {
        return rollout(nTimesteps, nEnvs, nSteps, learningRate, annealLr, gamma, gaeLambda, entCoef, vfCoef,
                maxGradNorm, normAdv, normObs, normReward, clipObs, clipReward, hiddenSizes, activation, orthoInit,
                logStdInit, checkpointEvery, useSde, sdeSampleFreq, fullStd, useExpln, simToReal);
    }

    private static PpoConfig rollout(long nTimesteps, int nEnvs, int nSteps, double learningRate, boolean annealLr,
            double gamma, double gaeLambda, double entCoef, double vfCoef, double maxGradNorm, boolean normAdv,
            boolean normObs, boolean normReward, double clipObs, double clipReward, List<Integer> hiddenSizes,
            String activation, boolean orthoInit, double logStdInit, int checkpointEvery, boolean useSde,
            int sdeSampleFreq, boolean fullStd, boolean useExpln, SimToReal simToReal) {
        return new PpoConfig(nTimesteps, nEnvs, nSteps, nEnvs * nSteps, 1, learningRate, annealLr, gamma, gaeLambda,
                0.2, false, normAdv, entCoef, vfCoef, maxGradNorm, null, normObs, normReward, clipObs, clipReward,
                hiddenSizes, activation, orthoInit, logStdInit, checkpointEvery, useSde, sdeSampleFreq, fullStd,
                useExpln, false, simToReal);
    }

    public int rolloutSize() {
        return nEnvs * nSteps;
    }

    public long iterations() {
        return (nTimesteps + rolloutSize() - 1) / rolloutSize();
    }

    public A2cConfig withTimesteps(long n) {
        return new A2cConfig(n, nEnvs, nSteps, learningRate, annealLr, gamma, gaeLambda, entCoef, vfCoef, maxGradNorm,
                useRmsProp, rmsPropEps, normAdv, normObs, normReward, clipObs, clipReward, hiddenSizes, activation,
                orthoInit, logStdInit, checkpointEvery, useSde, sdeSampleFreq, fullStd, useExpln, simToReal);
    }

    /** The same config with other hidden layer widths (the bench's {@code --net}). */
    public A2cConfig withHiddenSizes(List<Integer> sizes) {
        return new A2cConfig(nTimesteps, nEnvs, nSteps, learningRate, annealLr, gamma, gaeLambda, entCoef, vfCoef,
                maxGradNorm, useRmsProp, rmsPropEps, normAdv, normObs, normReward, clipObs, clipReward, sizes,
                activation, orthoInit, logStdInit, checkpointEvery, useSde, sdeSampleFreq, fullStd, useExpln,
                simToReal);
    }

    public A2cConfig withEnvs(int n) {
        return new A2cConfig(nTimesteps, n, nSteps, learningRate, annealLr, gamma, gaeLambda, entCoef, vfCoef,
                maxGradNorm, useRmsProp, rmsPropEps, normAdv, normObs, normReward, clipObs, clipReward, hiddenSizes,
                activation, orthoInit, logStdInit, checkpointEvery, useSde, sdeSampleFreq, fullStd, useExpln,
                simToReal);
    }
}
