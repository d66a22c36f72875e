package dev.actuate.sim;

import java.util.List;

/**
 * Serves a recorded episode's numpy draws, in order, in place of an env's own generator. Any call
 * whose method or arguments differ from the next recorded draw fails at once, naming the step and
 * the draw: matching the reference's draw sequence is part of being the same MDP.
 */
final class ReplayRng extends Rng {
    private List<RecordedEpisode.Draw> draws = List.of();
    private String phase = "before reset";
    private int next;

    ReplayRng() {
        super(0);
    }

    /** Serves {@code phaseDraws} next, for the phase named {@code phase} ("reset", "step 12"). */
    void serve(String phase, List<RecordedEpisode.Draw> phaseDraws) {
        this.phase = phase;
        this.draws = phaseDraws;
        this.next = 0;
    }

    /** Fails if the env made fewer draws in this phase than the reference. */
    void assertAllServed() {
        if (next < draws.size()) {
            throw new ReplayMismatch(phase + ": env made " + next + " draws, recording has " + draws.size()
                    + " (next recorded: " + draws.get(next).describe() + ")");
        }
    }

    /** Thrown at the first draw (or draw count) that differs from the recording. */
    static final class ReplayMismatch extends AssertionError {
        ReplayMismatch(String message) {
            super(message);
        }
    }

    private RecordedEpisode.Draw take(String call, double[] args, int size) {
        RecordedEpisode.Draw asked = new RecordedEpisode.Draw(call, args, size, new double[0]);
        if (next >= draws.size()) {
            throw new ReplayMismatch(phase + ", draw " + (next + 1) + ": env asked " + asked.describe()
                    + ", recording has no more draws (" + draws.size() + ")");
        }
        RecordedEpisode.Draw d = draws.get(next);
        boolean same = d.call().equals(call) && d.size() == size && d.args().length == args.length;
        for (int i = 0; same && i < args.length; i++) {
            // The reference's float64 arguments, e.g. H / 2 = 6.666666666666667, must match exactly.
            same = Double.compare(d.args()[i], args[i]) == 0;
        }
        if (!same) {
            throw new ReplayMismatch(phase + ", draw " + (next + 1) + ": env asked " + asked.describe()
                    + ", recording has " + d.describe());
        }
        next++;
        return d;
    }

    @Override
    public void setSeed(long seed) {
        // The recording fixes every draw; the seed only identifies it.
    }

    @Override
    public double uniform(double low, double high) {
        return take("uniform", new double[] {low, high}, 0).result()[0];
    }

    @Override
    public double[] uniform(double low, double high, int size) {
        return take("uniform", new double[] {low, high}, size).result().clone();
    }

    @Override
    public double random() {
        return take("random", new double[0], 0).result()[0];
    }

    @Override
    public int integers(int low, int high) {
        return (int) take("integers", new double[] {low, high}, 0).result()[0];
    }

    @Override
    public double nextDouble() {
        throw noNumpyName("nextDouble()");
    }

    @Override
    public long nextLong() {
        throw noNumpyName("nextLong()");
    }

    @Override
    public int nextInt(int bound) {
        throw noNumpyName("nextInt(" + bound + ")");
    }

    @Override
    public double nextGaussian() {
        throw noNumpyName("nextGaussian()");
    }

    private ReplayMismatch noNumpyName(String call) {
        return new ReplayMismatch(phase + ", draw " + (next + 1) + ": env called Rng." + call
                + ", which has no numpy counterpart; envs must draw through uniform/integers/random");
    }
}
