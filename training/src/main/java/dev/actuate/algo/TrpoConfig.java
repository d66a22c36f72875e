package dev.actuate.algo;

import dev.actuate.sim.wrappers.SimToReal;

import java.util.List;

/**
 * TRPO hyperparameters. Defaults are sb3-contrib's TRPO; per-env values live in {@code configs/trpo/<env-id>.yaml}
 * with snake_case keys. The rollout keys mean what they mean for PPO ({@link PpoConfig}), whose rollout machinery
 * TRPO uses.
 *
 * @param nTimesteps      total env steps of a run (the CLI's {@code --steps} overrides)
 * @param nEnvs           parallel envs (the CLI's {@code --envs} overrides)
 * @param nSteps          steps per env per rollout
 * @param batchSize       the critic's minibatch size
 * @param learningRate    the critic's Adam step size
 * @param gamma           discount
 * @param gaeLambda       GAE(lambda)
 * @param targetKl        the trust region: an accepted policy step keeps KL(new || old), averaged over the rows and
 *                        the action dimensions (sb3-contrib's measure), below this
 * @param cgMaxSteps      conjugate-gradient iterations (fixed; fewer only when the residual vanishes)
 * @param cgDamping       damping added to the Fisher ({@code (F + damping I) x = g}) for a stable solve
 * @param lineSearchShrinkingFactor the backtracking factor on the step
 * @param lineSearchMaxIter         steps tried before the update is rejected
 * @param nCriticUpdates  passes of the critic over the rollout per update
 * @param subSamplingFactor the policy step (gradient, Fisher-vector products, line search) sees every this-many-th
 *                        row of the shuffled rollout, as sb3-contrib's {@code sub_sampling_factor} (1: all rows,
 *                        unshuffled); the critic always fits the whole rollout
 * @param normAdv         normalise advantages over the rollout
 * @param normObs         normalise observations with running statistics (saved with the model)
 * @param normReward      scale rewards by the running std of the discounted return
 * @param clipObs         clip normalised observations to +-this
 * @param clipReward      clip scaled rewards to +-this
 * @param hiddenSizes     hidden layer widths of both the policy and the value network
 * @param activation      hidden activation, tanh or relu
 * @param orthoInit       orthogonal init (gain sqrt 2, policy head 0.01, value head 1), else PyTorch's default (as SB3)
 * @param logStdInit      initial log-std
 * @param checkpointEvery iterations between checkpoints
 * @param useSde          gSDE exploration, as PPO's; the Fisher then covers the per-state log-sigma (latent held
 *                        constant, as SB3)
 * @param sdeSampleFreq   with gSDE, also redraw every this many steps; -1 only at each rollout's start
 * @param fullStd         with gSDE, one log-std per latent feature and action
 * @param useExpln        with gSDE, SB3's {@code expln}
 * @param simToReal       sim-to-real aids applied to the training envs ({@code sim_to_real:})
 */
public record TrpoConfig(
        long nTimesteps,
        int nEnvs,
        int nSteps,
        int batchSize,
        double learningRate,
        double gamma,
        double gaeLambda,
        double targetKl,
        int cgMaxSteps,
        double cgDamping,
        double lineSearchShrinkingFactor,
        int lineSearchMaxIter,
        int nCriticUpdates,
        int subSamplingFactor,
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
        SimToReal simToReal) implements OnPolicyTrainer.Config<TrpoConfig> {

    public TrpoConfig {
        simToReal = simToReal == null ? SimToReal.NONE : simToReal;
        hiddenSizes = hiddenSizes == null ? null : List.copyOf(hiddenSizes);
        Check.positive("cg_max_steps", cgMaxSteps);
        Check.positive("line_search_max_iter", lineSearchMaxIter);
        Check.positive("n_critic_updates", nCriticUpdates);
        Check.positive("sub_sampling_factor", subSamplingFactor);
        if (subSamplingFactor > 1 && (long) nEnvs * nSteps < 2L * subSamplingFactor) {
            // Advantage normalisation over the sub-sample needs two rows (sb3-contrib asserts the same of the rollout).
            throw new IllegalArgumentException("sub_sampling_factor " + subSamplingFactor + " leaves fewer than 2 of the "
                    + (long) nEnvs * nSteps + " rollout rows (n_envs x n_steps)");
        }
        if (!(targetKl > 0 && targetKl <= 10)) {
            throw new IllegalArgumentException("target_kl must be in (0, 10], got " + targetKl);
        }
        if (!(cgDamping >= 0 && cgDamping <= 1e3)) {
            throw new IllegalArgumentException("cg_damping must be in [0, 1000], got " + cgDamping);
        }
        if (!(lineSearchShrinkingFactor > 0 && lineSearchShrinkingFactor < 1)) {
            throw new IllegalArgumentException("line_search_shrinking_factor must be in (0, 1), got "
                    + lineSearchShrinkingFactor);
        }
        // Validates the shared keys with PpoConfig's messages (the fields are not assigned yet: use the parameters).
        new PpoConfig(nTimesteps, nEnvs, nSteps, batchSize, 1, learningRate, false, gamma, gaeLambda, 0.2,
                false, normAdv, 0.0, 1.0, 0.5, null, normObs, normReward, clipObs, clipReward, hiddenSizes,
                activation, orthoInit, logStdInit, checkpointEvery, useSde, sdeSampleFreq, fullStd, useExpln, false,
                simToReal);
    }

    /** sb3-contrib's TRPO defaults with [64, 64] tanh nets; 1M steps. */
    public static TrpoConfig defaults() {
        return new TrpoConfig(1_000_000, 1, 2048, 128, 1e-3, 0.99, 0.95, 0.01, 15, 0.1, 0.8, 10, 10, 1, true,
                false, false, 10.0, 10.0, List.of(64, 64), "tanh", true, 0.0, 10, false, -1, true, false, SimToReal.NONE);
    }

    /** The rollout engine's config: PPO's keys that TRPO shares; the rest are unused there. */
    PpoConfig rollout() {
        return new PpoConfig(nTimesteps, nEnvs, nSteps, batchSize, 1, learningRate, false, gamma, gaeLambda, 0.2,
                false, normAdv, 0.0, 1.0, 0.5, null, normObs, normReward, clipObs, clipReward, hiddenSizes,
                activation, orthoInit, logStdInit, checkpointEvery, useSde, sdeSampleFreq, fullStd, useExpln, false,
                simToReal);
    }

    public int rolloutSize() {
        return nEnvs * nSteps;
    }

    public long iterations() {
        return (nTimesteps + rolloutSize() - 1) / rolloutSize();
    }

    public TrpoConfig withTimesteps(long n) {
        return new TrpoConfig(n, nEnvs, nSteps, batchSize, learningRate, gamma, gaeLambda, targetKl, cgMaxSteps,
                cgDamping, lineSearchShrinkingFactor, lineSearchMaxIter, nCriticUpdates, subSamplingFactor, normAdv,
                normObs, normReward, clipObs, clipReward, hiddenSizes, activation, orthoInit, logStdInit, checkpointEvery,
                useSde, sdeSampleFreq, fullStd, useExpln, simToReal);
    }

    public TrpoConfig withEnvs(int n) {
        return new TrpoConfig(nTimesteps, n, nSteps, batchSize, learningRate, gamma, gaeLambda, targetKl, cgMaxSteps,
                cgDamping, lineSearchShrinkingFactor, lineSearchMaxIter, nCriticUpdates, subSamplingFactor, normAdv,
                normObs, normReward, clipObs, clipReward, hiddenSizes, activation, orthoInit, logStdInit, checkpointEvery,
                useSde, sdeSampleFreq, fullStd, useExpln, simToReal);
    }

    /** The same config with other hidden layer widths (the bench's {@code --net}). */
    public TrpoConfig withHiddenSizes(List<Integer> sizes) {
        return new TrpoConfig(nTimesteps, nEnvs, nSteps, batchSize, learningRate, gamma, gaeLambda, targetKl, cgMaxSteps,
                cgDamping, lineSearchShrinkingFactor, lineSearchMaxIter, nCriticUpdates, subSamplingFactor, normAdv,
                normObs, normReward, clipObs, clipReward, sizes, activation, orthoInit, logStdInit, checkpointEvery,
                useSde, sdeSampleFreq, fullStd, useExpln, simToReal);
    }
}
