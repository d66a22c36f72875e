package dev.actuate.algo;

import dev.actuate.sim.wrappers.SimToReal;

import java.util.List;

/**
 * TD3 hyperparameters (Fujimoto et al., 2018). Defaults are Stable-Baselines3's; per-env values live in
 * {@code configs/td3/<env-id>.yaml}.
 *
 * @param nTimesteps        total env steps (the CLI's {@code --steps} overrides)
 * @param bufferSize        replay buffer capacity
 * @param learningStarts    uniform random steps before learning starts
 * @param batchSize         transitions per gradient step
 * @param learningRate      Adam step size of actor and critics
 * @param annealLr          decay the learning rate linearly to 0 over the run
 * @param gamma             discount
 * @param tau               Polyak coefficient of the target networks
 * @param trainFreq         collect this many steps (or episodes) between training phases
 * @param trainFreqUnit     {@code step} or {@code episode}
 * @param gradientSteps     gradient steps per training phase; -1 = as many as env steps collected
 * @param policyDelay       critic updates per actor (and target) update
 * @param targetPolicyNoise std of the target policy smoothing noise
 * @param targetNoiseClip   the smoothing noise is clipped to +-this
 * @param noiseType         exploration noise: none, normal or ornstein_uhlenbeck
 * @param noiseStd          exploration noise std (sigma), in the [-1, 1] action scale
 * @param hiddenSizes       hidden widths of the actor and of each critic
 * @param activation        hidden activation, relu or tanh
 * @param checkpointEvery   env steps between checkpoints
 * @param logInterval       env steps between metrics rows
 * @param saveReplayBuffer  store the replay buffer with each checkpoint (exact resume)
 * @param simToReal         sim-to-real aids applied to the training envs ({@code sim_to_real:}; docs/sim-to-real.md)
 */
public record Td3Config(
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
        int policyDelay,
        double targetPolicyNoise,
        double targetNoiseClip,
        NoiseType noiseType,
        double noiseStd,
        List<Integer> hiddenSizes,
        String activation,
        long checkpointEvery,
        long logInterval,
        boolean saveReplayBuffer,
        SimToReal simToReal) {

    public Td3Config {
        simToReal = simToReal == null ? SimToReal.NONE : simToReal;
        Check.offPolicy(nTimesteps, bufferSize, learningStarts, batchSize, learningRate, gamma, tau, trainFreq,
                trainFreqUnit, gradientSteps);
        Check.positive("policy_delay", policyDelay);
        Check.range("target_policy_noise", targetPolicyNoise, 0, 10, true);
        Check.range("target_noise_clip", targetNoiseClip, 0, 10, true);
        Check.noise(noiseType, noiseStd);
        hiddenSizes = Check.hidden(hiddenSizes);
        Check.activation(activation);
        Check.logEvery(checkpointEvery, logInterval);
    }

    /** Without sim-to-real aids (the form before {@code sim_to_real} existed). */
    public Td3Config(long nTimesteps, int bufferSize, long learningStarts, int batchSize, double learningRate,
            boolean annealLr, double gamma, double tau, int trainFreq, TrainFreqUnit trainFreqUnit, int gradientSteps,
            int policyDelay, double targetPolicyNoise, double targetNoiseClip, NoiseType noiseType, double noiseStd,
            List<Integer> hiddenSizes, String activation, long checkpointEvery, long logInterval,
            boolean saveReplayBuffer) {
        this(nTimesteps, bufferSize, learningStarts, batchSize, learningRate, annealLr, gamma, tau, trainFreq,
                trainFreqUnit, gradientSteps, policyDelay, targetPolicyNoise, targetNoiseClip, noiseType, noiseStd,
                hiddenSizes, activation, checkpointEvery, logInterval, saveReplayBuffer, SimToReal.NONE);
    }

    /** The same config with other sim-to-real aids. */
    public Td3Config withSimToReal(SimToReal s) {
        return new Td3Config(nTimesteps, bufferSize, learningStarts, batchSize, learningRate, annealLr, gamma, tau,
                trainFreq, trainFreqUnit, gradientSteps, policyDelay, targetPolicyNoise, targetNoiseClip, noiseType,
                noiseStd, hiddenSizes, activation, checkpointEvery, logInterval, saveReplayBuffer, s);
    }

    /** Stable-Baselines3's TD3 defaults: [400, 300] ReLU, batch 256, lr 1e-3, Gaussian noise 0.1. */
    public static Td3Config defaults() {
        return new Td3Config(1_000_000, 1_000_000, 100, 256, 1e-3, false, 0.99, 0.005, 1, TrainFreqUnit.STEP, 1,
                2, 0.2, 0.5, NoiseType.NORMAL, 0.1, List.of(400, 300), "relu", 50_000, 1_000, true);
    }

    public Td3Config withTimesteps(long n) {
        return new Td3Config(n, bufferSize, learningStarts, batchSize, learningRate, annealLr, gamma, tau, trainFreq,
                trainFreqUnit, gradientSteps, policyDelay, targetPolicyNoise, targetNoiseClip, noiseType, noiseStd,
                hiddenSizes, activation, checkpointEvery, logInterval, saveReplayBuffer, simToReal);
    }

    public Td3Config withNetwork(List<Integer> hidden, int batch) {
        return new Td3Config(nTimesteps, bufferSize, learningStarts, batch, learningRate, annealLr, gamma, tau,
                trainFreq, trainFreqUnit, gradientSteps, policyDelay, targetPolicyNoise, targetNoiseClip, noiseType,
                noiseStd, hidden, activation, checkpointEvery, logInterval, saveReplayBuffer, simToReal);
    }

    public OffPolicySchedule schedule() {
        return new OffPolicySchedule(nTimesteps, learningStarts, trainFreq, trainFreqUnit, gradientSteps, learningRate,
                annealLr);
    }
}
