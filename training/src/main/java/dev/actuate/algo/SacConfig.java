package dev.actuate.algo;

import dev.actuate.sim.wrappers.SimToReal;

import java.util.List;

/**
 * SAC hyperparameters. Defaults are Stable-Baselines3's; per-env values live in
 * {@code configs/sac/<env-id>.yaml} with snake_case keys.
 *
 * @param nTimesteps           total env steps (the CLI's {@code --steps} overrides)
 * @param bufferSize           replay buffer capacity
 * @param learningStarts       uniform random steps before learning starts (warm-up)
 * @param batchSize            transitions per gradient step
 * @param learningRate         Adam step size of actor, critics and temperature
 * @param annealLr             decay the learning rate linearly to 0 over the run (the Zoo's {@code lin_})
 * @param gamma                discount
 * @param tau                  Polyak coefficient of the target critics
 * @param trainFreq            collect this many steps (or episodes) between training phases
 * @param trainFreqUnit        {@code step} or {@code episode}
 * @param gradientSteps        gradient steps per training phase; -1 = as many as env steps collected
 * @param entCoef              fixed entropy temperature alpha; null tunes it automatically ("auto")
 * @param entCoefInit          initial alpha when tuned automatically
 * @param targetEntropy        entropy target of the automatic tuning; null means -|A|
 * @param targetUpdateInterval gradient steps between Polyak updates
 * @param hiddenSizes          hidden widths of the actor and of each critic
 * @param activation           hidden activation, relu or tanh
 * @param checkpointEvery      env steps between checkpoints
 * @param logInterval          env steps between metrics rows
 * @param saveReplayBuffer     store the replay buffer with each checkpoint (exact resume; can be large)
 * @param useSde               generalised state-dependent exploration (gSDE, {@link SacSde}): a mean-only actor,
 *                             a {@code [latent, actions]} log-std and noise {@code latent W}, W redrawn at each
 *                             rollout's start
 * @param sdeSampleFreq        with gSDE, also redraw every this many steps of a rollout; -1 only at its start
 * @param useSdeAtWarmup       with gSDE, explore with it instead of uniform actions during the warm-up
 * @param logStdInit           with gSDE, the initial log-std (SB3's SAC: -3)
 * @param fullStd              with gSDE, one log-std per latent feature and action (else one per feature)
 * @param useExpln             with gSDE, SB3's {@code expln} instead of {@code exp} for the std
 * @param clipMean             with gSDE, clip the mean to +-this before the tanh (SB3: 2; 0 disables)
 * @param simToReal            sim-to-real aids applied to the training envs ({@code sim_to_real:}; docs/sim-to-real.md)
 */
public record SacConfig(
        long nTimesteps,
        int bufferSize,
        long learningStarts,
        int batchSize,
        double learningRate,
        boolean annealLr,
        double gamma,
        double tau,
        int trainFreq,
        TrainFreqUnit trainFreqUnit,
        int gradientSteps,
        Double entCoef,
        double entCoefInit,
        Double targetEntropy,
        int targetUpdateInterval,
        List<Integer> hiddenSizes,
        String activation,
        long checkpointEvery,
        long logInterval,
        boolean saveReplayBuffer,
        boolean useSde,
        int sdeSampleFreq,
        boolean useSdeAtWarmup,
        double logStdInit,
        boolean fullStd,
        boolean useExpln,
        double clipMean,
        SimToReal simToReal) {

    public SacConfig {
        simToReal = simToReal == null ? SimToReal.NONE : simToReal;
        Check.offPolicy(nTimesteps, bufferSize, learningStarts, batchSize, learningRate, gamma, tau, trainFreq,
                trainFreqUnit, gradientSteps);
        if (entCoef != null) {
            Check.range("ent_coef", entCoef, 0, 1e3, true);
        }
        Check.range("ent_coef_init", entCoefInit, 0, 1e3, false);
        if (targetEntropy != null && !Double.isFinite(targetEntropy)) {
            throw new IllegalArgumentException("target_entropy must be finite, got " + targetEntropy);
        }
        Check.positive("target_update_interval", targetUpdateInterval);
        hiddenSizes = Check.hidden(hiddenSizes);
        Check.activation(activation);
        Check.logEvery(checkpointEvery, logInterval);
        if (sdeSampleFreq != -1 && sdeSampleFreq <= 0) {
            throw new IllegalArgumentException("sde_sample_freq must be -1 (only at each rollout's start) or a"
                    + " positive number of steps, got " + sdeSampleFreq);
        }
        Check.range("log_std_init", logStdInit, -20, 2, true);
        Check.range("clip_mean", clipMean, 0, 1e3, true);
        if (useSde && clipMean > 0 && !"relu".equals(activation)) {
            // The deployed policy expresses the mean clip with ReLU layers (PolicyExport).
            throw new IllegalArgumentException("use_sde with clip_mean > 0 needs activation relu, got '" + activation
                    + "' (or set clip_mean: 0)");
        }
    }

    /** Without gSDE (its settings at SB3's defaults) and without sim-to-real aids. */
    public SacConfig(long nTimesteps, int bufferSize, long learningStarts, int batchSize, double learningRate,
            boolean annealLr, double gamma, double tau, int trainFreq, TrainFreqUnit trainFreqUnit, int gradientSteps,
            Double entCoef, double entCoefInit, Double targetEntropy, int targetUpdateInterval,
            List<Integer> hiddenSizes, String activation, long checkpointEvery, long logInterval,
            boolean saveReplayBuffer) {
        this(nTimesteps, bufferSize, learningStarts, batchSize, learningRate, annealLr, gamma, tau, trainFreq,
                trainFreqUnit, gradientSteps, entCoef, entCoefInit, targetEntropy, targetUpdateInterval, hiddenSizes,
                activation, checkpointEvery, logInterval, saveReplayBuffer, false, -1, false, -3.0, true, false, 2.0,
                SimToReal.NONE);
    }

    /** The same config with other sim-to-real aids. */
    public SacConfig withSimToReal(SimToReal s) {
        return new SacConfig(nTimesteps, bufferSize, learningStarts, batchSize, learningRate, annealLr, gamma, tau,
                trainFreq, trainFreqUnit, gradientSteps, entCoef, entCoefInit, targetEntropy, targetUpdateInterval,
                hiddenSizes, activation, checkpointEvery, logInterval, saveReplayBuffer, useSde, sdeSampleFreq, useSdeAtWarmup,
                logStdInit, fullStd, useExpln, clipMean, s);
    }

    /** Stable-Baselines3's SAC defaults: [256, 256] ReLU, batch 256, lr 3e-4, auto alpha; 1M steps. */
    public static SacConfig defaults() {
        return new SacConfig(1_000_000, 1_000_000, 100, 256, 3e-4, false, 0.99, 0.005, 1, TrainFreqUnit.STEP, 1,
                null, 1.0, null, 1, List.of(256, 256), "relu", 50_000, 1_000, true);
    }

    public SacConfig withTimesteps(long n) {
        return new SacConfig(n, bufferSize, learningStarts, batchSize, learningRate, annealLr, gamma, tau, trainFreq,
                trainFreqUnit, gradientSteps, entCoef, entCoefInit, targetEntropy, targetUpdateInterval, hiddenSizes,
                activation, checkpointEvery, logInterval, saveReplayBuffer, useSde, sdeSampleFreq, useSdeAtWarmup,
                logStdInit, fullStd, useExpln, clipMean, simToReal);
    }

    /** The same config with other network widths and batch size (benchmarks, fast tests). */
    public SacConfig withNetwork(List<Integer> hidden, int batch) {
        return new SacConfig(nTimesteps, bufferSize, learningStarts, batch, learningRate, annealLr, gamma, tau,
                trainFreq, trainFreqUnit, gradientSteps, entCoef, entCoefInit, targetEntropy, targetUpdateInterval,
                hidden, activation, checkpointEvery, logInterval, saveReplayBuffer, useSde, sdeSampleFreq,
                useSdeAtWarmup, logStdInit, fullStd, useExpln, clipMean, simToReal);
    }

    public OffPolicySchedule schedule() {
        return new OffPolicySchedule(nTimesteps, learningStarts, trainFreq, trainFreqUnit, gradientSteps, learningRate,
                annealLr);
    }
}
