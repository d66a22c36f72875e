package dev.actuate.algo;

/**
 * When an off-policy learner trains, as in Stable-Baselines3: it collects {@code trainFreq} env steps (or
 * episodes), then, once past {@code learningStarts}, runs {@code gradientSteps} updates (-1: as many as
 * the steps just collected), at a learning rate optionally decayed linearly to 0 over the run.
 */
public record OffPolicySchedule(long nTimesteps, long learningStarts, int trainFreq, TrainFreqUnit trainFreqUnit,
                                int gradientSteps, double learningRate, boolean annealLr) {

    /** True when a collection phase of {@code steps} steps and {@code episodes} finished episodes is complete. */
    public boolean rolloutDone(long steps, long episodes) {
        return trainFreqUnit == TrainFreqUnit.STEP ? steps >= trainFreq : episodes >= trainFreq;
    }

    /** Whether to train after a completed phase ending at {@code globalStep} (SB3: strictly past the warm-up). */
    public boolean learning(long globalStep) {
        return globalStep > learningStarts;
    }

    /** Updates to run after a phase of {@code steps} env steps. */
    public long gradientSteps(long steps) {
        return gradientSteps < 0 ? steps : gradientSteps;
    }

    /** The learning rate at {@code globalStep}: constant, or SB3's linear schedule in the remaining progress. */
    public double learningRate(long globalStep) {
        if (!annealLr) {
            return learningRate;
        }
        return learningRate * Math.max(0.0, 1.0 - (double) globalStep / nTimesteps);
    }
}
