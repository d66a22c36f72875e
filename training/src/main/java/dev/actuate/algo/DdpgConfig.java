package dev.actuate.algo;

import dev.actuate.sim.wrappers.SimToReal;

import java.util.List;

/**
 * DDPG hyperparameters (Lillicrap et al., 2016, as in Stable-Baselines3: one critic, no target smoothing,
 * actor updated every critic update); it trains as {@link Td3#ddpg}. Per-env values live in
 * {@code configs/ddpg/<env-id>.yaml}.
 *
 * @param nTimesteps       total env steps (the CLI's {@code --steps} overrides)
 * @param bufferSize       replay buffer capacity
 * @param learningStarts   uniform random steps before learning starts
 * @param batchSize        transitions per gradient step
 * @param learningRate     Adam step size of actor and critic
 * @param annealLr         decay the learning rate linearly to 0 over the run
 * @param gamma            discount
 * @param tau              Polyak coefficient of the target networks
 * @param trainFreq        collect this many steps (or episodes) between training phases
 * @param trainFreqUnit    {@code step} or {@code episode}
 * @param gradientSteps    gradient steps per training phase; -1 = as many as env steps collected
 * @param noiseType        exploration noise: none, normal or ornstein_uhlenbeck
 * @param noiseStd         exploration noise std (sigma), in the [-1, 1] action scale
 * @param hiddenSizes      hidden widths of the actor and the critic
 * @param activation       hidden activation, relu or tanh
 * @param checkpointEvery  env steps between checkpoints
 * @param logInterval      env steps between metrics rows
 * @param saveReplayBuffer store the replay buffer with each checkpoint (exact resume)
 * @param simToReal        sim-to-real aids applied to the training envs ({@code sim_to_real:}; docs/sim-to-real.md)
 */
public record DdpgConfig(
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
        NoiseType noiseType,
        double noiseStd,
        List<Integer> hiddenSizes,
        String activation,
        long checkpointEvery,
        long logInterval,
        boolean saveReplayBuffer,
        SimToReal simToReal) {

    public DdpgConfig {
        simToReal = simToReal == null ? SimToReal.NONE : simToReal;
        Check.offPolicy(nTimesteps, bufferSize, learningStarts, batchSize, learningRate, gamma, tau, trainFreq,
                trainFreqUnit, gradientSteps);
        Check.noise(noiseType, noiseStd);
        hiddenSizes = Check.hidden(hiddenSizes);
        Check.activation(activation);
        Check.logEvery(checkpointEvery, logInterval);
    }

    /** Without sim-to-real aids (the form before {@code sim_to_real} existed). */
    public DdpgConfig(long nTimesteps, int bufferSize, long learningStarts, int batchSize, double learningRate,
            boolean annealLr, double gamma, double tau, int trainFreq, TrainFreqUnit trainFreqUnit, int gradientSteps,
            NoiseType noiseType, double noiseStd, List<Integer> hiddenSizes, String activation, long checkpointEvery,
            long logInterval, boolean saveReplayBuffer) {
        this(nTimesteps, bufferSize, learningStarts, batchSize, learningRate, annealLr, gamma, tau, trainFreq,
                trainFreqUnit, gradientSteps, noiseType, noiseStd, hiddenSizes, activation, checkpointEvery,
                logInterval, saveReplayBuffer, SimToReal.NONE);
    }

    /** The same config with other sim-to-real aids. */
    public DdpgConfig withSimToReal(SimToReal s) {
        return new DdpgConfig(nTimesteps, bufferSize, learningStarts, batchSize, learningRate, annealLr, gamma, tau,
                trainFreq, trainFreqUnit, gradientSteps, noiseType, noiseStd, hiddenSizes, activation,
                checkpointEvery, logInterval, saveReplayBuffer, s);
    }

    /** Stable-Baselines3's DDPG defaults: [400, 300] ReLU, batch 256, lr 1e-3, Gaussian noise 0.1. */
    public static DdpgConfig defaults() {
        return new DdpgConfig(1_000_000, 1_000_000, 100, 256, 1e-3, false, 0.99, 0.005, 1, TrainFreqUnit.STEP, 1,
                NoiseType.NORMAL, 0.1, List.of(400, 300), "relu", 50_000, 1_000, true);
    }

    public DdpgConfig withTimesteps(long n) {
        return new DdpgConfig(n, bufferSize, learningStarts, batchSize, learningRate, annealLr, gamma, tau, trainFreq,
                trainFreqUnit, gradientSteps, noiseType, noiseStd, hiddenSizes, activation, checkpointEvery,
                logInterval, saveReplayBuffer, simToReal);
    }

    public DdpgConfig withNetwork(List<Integer> hidden, int batch) {
        return new DdpgConfig(nTimesteps, bufferSize, learningStarts, batch, learningRate, annealLr, gamma, tau,
                trainFreq, trainFreqUnit, gradientSteps, noiseType, noiseStd, hidden, activation, checkpointEvery,
                logInterval, saveReplayBuffer, simToReal);
    }

    /** The TD3 configuration that is this DDPG (as SB3): policy delay 1, no target policy smoothing. */
    public Td3Config toTd3() {
        return new Td3Config(nTimesteps, bufferSize, learningStarts, batchSize, learningRate, annealLr, gamma, tau,
                trainFreq, trainFreqUnit, gradientSteps, 1, 0.0, 0.0, noiseType, noiseStd, hiddenSizes, activation,
                checkpointEvery, logInterval, saveReplayBuffer).withSimToReal(simToReal);
    }

    public OffPolicySchedule schedule() {
        return new OffPolicySchedule(nTimesteps, learningStarts, trainFreq, trainFreqUnit, gradientSteps, learningRate,
                annealLr);
    }
}
