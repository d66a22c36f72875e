package dev.actuate.algo;

import dev.actuate.sim.wrappers.SimToReal;

import java.util.List;

/**
 * PPO hyperparameters. Defaults are Stable-Baselines3's; per-env values live in
 * {@code configs/ppo/<env-id>.yaml} with snake_case keys ({@code gae_lambda}). Names follow the
 * paper and CleanRL ({@code clipCoef} is SB3's {@code clip_range}).
 *
 * @param nTimesteps     total env steps of a run (the CLI's {@code --steps} overrides)
 * @param nEnvs          parallel envs (the CLI's {@code --envs} overrides)
 * @param nSteps         steps per env per rollout
 * @param batchSize      minibatch size; a rollout smaller than this is one minibatch, as in SB3
 * @param nEpochs        passes over the rollout per update
 * @param learningRate   Adam step size (annealed linearly to 0 when {@code annealLr})
 * @param annealLr       linear learning-rate annealing
 * @param gamma          discount
 * @param gaeLambda      GAE(lambda)
 * @param clipCoef       surrogate clipping epsilon
 * @param clipVloss      also clip the value loss around the old values with {@code clipCoef}
 * @param normAdv        normalise advantages per minibatch
 * @param entCoef        entropy bonus coefficient
 * @param vfCoef         value-loss coefficient
 * @param maxGradNorm    global gradient-norm clip for each network
 * @param targetKl       stop the epochs of an update early when approx-KL exceeds 1.5 times this; null disables
 * @param normObs        normalise observations with running statistics (saved with the model)
 * @param normReward     scale rewards by the running std of the discounted return
 * @param clipObs        clip normalised observations to +-this
 * @param clipReward     clip scaled rewards to +-this
 * @param hiddenSizes    hidden layer widths of both the policy and the value network
 * @param activation     hidden activation, tanh or relu
 * @param orthoInit      orthogonal init (gain sqrt 2, policy head 0.01, value head 1), else PyTorch's default (as SB3)
 * @param logStdInit     initial log-std (with gSDE, of every entry of its log-std matrix)
 * @param checkpointEvery iterations between checkpoints
 * @param useSde         generalised state-dependent exploration (gSDE): noise = last hidden layer times an
 *                       exploration matrix per env, redrawn at each rollout's start
 * @param sdeSampleFreq  with gSDE, also redraw every this many steps of a rollout; -1 only at its start
 * @param fullStd        with gSDE, one log-std per latent feature and action (else one per feature)
 * @param useExpln       with gSDE, SB3's {@code expln} instead of {@code exp} for the std
 * @param annealClip     anneal {@code clipCoef} linearly to 0 over the run, as the learning rate (the Zoo's
 *                       {@code clip_range: lin_x})
 * @param simToReal       sim-to-real aids applied to the training envs ({@code sim_to_real:}; docs/sim-to-real.md)
 */
public record PpoConfig(
        long nTimesteps,
        int nEnvs,
        int nSteps,
        int batchSize,
        int nEpochs,
        double learningRate,
        boolean annealLr,
        double gamma,
        double gaeLambda,
        double clipCoef,
        boolean clipVloss,
        boolean normAdv,
        double entCoef,
        double vfCoef,
        double maxGradNorm,
        Double targetKl,
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
        boolean annealClip,
        SimToReal simToReal) implements OnPolicyTrainer.Config<PpoConfig> {

    public PpoConfig {
        simToReal = simToReal == null ? SimToReal.NONE : simToReal;
        Check.positive("n_timesteps", nTimesteps);
        Check.positive("n_envs", nEnvs);
        Check.positive("n_steps", nSteps);
        Check.positive("batch_size", batchSize);
        Check.positive("n_epochs", nEpochs);
        Check.positive("checkpoint_every", checkpointEvery);
        Check.range("learning_rate", learningRate, 0, 1, false);
        Check.range("gamma", gamma, 0, 1, true);
        Check.range("gae_lambda", gaeLambda, 0, 1, true);
        Check.range("clip_coef", clipCoef, 0, 1, false);
        Check.range("ent_coef", entCoef, 0, 1, true);
        Check.range("vf_coef", vfCoef, 0, 100, false);
        Check.range("max_grad_norm", maxGradNorm, 0, 1e6, false);
        Check.range("clip_obs", clipObs, 0, 1e9, false);
        Check.range("clip_reward", clipReward, 0, 1e9, false);
        Check.range("log_std_init", logStdInit, -20, 2, true);
        if (sdeSampleFreq != -1 && sdeSampleFreq <= 0) {
            throw new IllegalArgumentException("sde_sample_freq must be -1 (only at each rollout's start) or a"
                    + " positive number of steps, got " + sdeSampleFreq);
        }
        if (targetKl != null) {
            Check.range("target_kl", targetKl, 0, 1e3, false);
        }
        hiddenSizes = Check.hidden(hiddenSizes);
        Check.activation(activation);
    }

    /** Without sim-to-real aids (the form before {@code sim_to_real} existed). */
    public PpoConfig(long nTimesteps, int nEnvs, int nSteps, int batchSize, int nEpochs, double learningRate,
            boolean annealLr, double gamma, double gaeLambda, double clipCoef, boolean clipVloss, boolean normAdv,
            double entCoef, double vfCoef, double maxGradNorm, Double targetKl, boolean normObs, boolean normReward,
            double clipObs, double clipReward, List<Integer> hiddenSizes, String activation, boolean orthoInit,
            double logStdInit, int checkpointEvery) {
        this(nTimesteps, nEnvs, nSteps, batchSize, nEpochs, learningRate, annealLr, gamma, gaeLambda, clipCoef,
                clipVloss, normAdv, entCoef, vfCoef, maxGradNorm, targetKl, normObs, normReward, clipObs, clipReward,
                hiddenSizes, activation, orthoInit, logStdInit, checkpointEvery, false, -1, true, false, false, SimToReal.NONE);
    }

    /** The same config with other sim-to-real aids. */
    public PpoConfig withSimToReal(SimToReal s) {
        return new PpoConfig(nTimesteps, nEnvs, nSteps, batchSize, nEpochs, learningRate, annealLr, gamma, gaeLambda,
                clipCoef, clipVloss, normAdv, entCoef, vfCoef, maxGradNorm, targetKl, normObs, normReward, clipObs,
                clipReward, hiddenSizes, activation, orthoInit, logStdInit, checkpointEvery, useSde, sdeSampleFreq, fullStd,
                useExpln, annealClip, s);
    }

    /** Stable-Baselines3's PPO defaults with [64, 64] tanh nets; 1M steps. */
    public static PpoConfig defaults() {
        return new PpoConfig(1_000_000, 1, 2048, 64, 10, 3e-4, false, 0.99, 0.95, 0.2, false, true,
                0.0, 0.5, 0.5, null, false, false, 10.0, 10.0, List.of(64, 64), "tanh", true, 0.0, 10,
                false, -1, true, false, false, SimToReal.NONE);
    }

    /** Env steps collected per iteration, over all envs. */
    public int rolloutSize() {
        return nEnvs * nSteps;
    }

    /** Iterations needed to cover {@code nTimesteps} (the last rollout may overshoot, as in SB3). */
    public long iterations() {
        return (nTimesteps + rolloutSize() - 1) / rolloutSize();
    }

    public PpoConfig withTimesteps(long n) {
        return new PpoConfig(n, nEnvs, nSteps, batchSize, nEpochs, learningRate, annealLr, gamma, gaeLambda,
                clipCoef, clipVloss, normAdv, entCoef, vfCoef, maxGradNorm, targetKl, normObs, normReward, clipObs,
                clipReward, hiddenSizes, activation, orthoInit, logStdInit, checkpointEvery, useSde, sdeSampleFreq,
                fullStd, useExpln, annealClip, simToReal);
    }

    /** The same config with other hidden widths for both networks (benchmarks). */
    public PpoConfig withHiddenSizes(List<Integer> hidden) {
        return new PpoConfig(nTimesteps, nEnvs, nSteps, batchSize, nEpochs, learningRate, annealLr, gamma, gaeLambda,
                clipCoef, clipVloss, normAdv, entCoef, vfCoef, maxGradNorm, targetKl, normObs, normReward, clipObs,
                clipReward, hidden, activation, orthoInit, logStdInit, checkpointEvery, useSde, sdeSampleFreq, fullStd,
                useExpln, annealClip, simToReal);
    }

    public PpoConfig withEnvs(int n) {
        return new PpoConfig(nTimesteps, n, nSteps, batchSize, nEpochs, learningRate, annealLr, gamma, gaeLambda,
                clipCoef, clipVloss, normAdv, entCoef, vfCoef, maxGradNorm, targetKl, normObs, normReward, clipObs,
                clipReward, hiddenSizes, activation, orthoInit, logStdInit, checkpointEvery, useSde, sdeSampleFreq,
                fullStd, useExpln, annealClip, simToReal);
    }
}
