package dev.actuate.sim;

/**
 * SplitMix64 random generator whose whole state is one {@code long}.
 *
 * <p>Chosen over {@link java.util.SplittableRandom} because checkpoints must save and restore
 * the exact generator state, and because Gaussian draws here keep no cached second value, so
 * {@link #state()} alone determines every future draw.
 *
 * <p>Environments draw only through the methods named after numpy's {@code Generator}
 * ({@link #uniform(double, double)}, {@link #uniform(double, double, int)}, {@link #integers},
 * {@link #random()}), one call where the Gymnasium reference makes one call. The stream differs
 * from numpy's, but the sequence of calls is the reference's, so a test can serve a recorded
 * Gymnasium episode's draws in place of this generator (the class is open for that).
 */
public class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    public Rng(long seed) {
        setSeed(seed);
    }

    /** Re-seeds; the seed is mixed so that nearby seeds give unrelated streams. */
    public void setSeed(long seed) {
        this.state = mix(seed ^ 0x5DEECE66DL);
    }

    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
    }

    public long nextLong() {
        return mix(state += GOLDEN);
    }

    /**
     * Skips {@code n} calls of {@link #nextLong()} in O(1) (SplitMix64's state moves by a constant per draw), so
     * several machines can each take their own positions of one stream; a Gaussian is two draws.
     */
    public void advance(long n) {
        state += n * GOLDEN;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** numpy's {@code uniform(low, high)}: one value in [low, high). */
    public double uniform(double low, double high) {
        return low + (high - low) * nextDouble();
    }

    /** numpy's {@code uniform(low, high, size=n)}: n values in one call. */
    public double[] uniform(double low, double high, int size) {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = uniform(low, high);
        }
        return out;
    }

    /** numpy's {@code random()}: uniform in [0, 1). */
    public double random() {
        return nextDouble();
    }

    /**
     * numpy's {@code integers(low, high)}: uniform in [low, high), high excluded. A one-value range
     * draws nothing, as numpy's does.
     */
    public int integers(int low, int high) {
        if (high <= low) {
            throw new IllegalArgumentException("integers: high " + high + " must exceed low " + low);
        }
        return high - low == 1 ? low : low + nextInt(high - low);
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
    }

    /** Standard normal by Box-Muller; uses two uniforms and caches nothing. */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** A new generator whose stream is independent of this one's continuation. */
    public Rng split() {
        Rng r = new Rng(0);
        r.state = mix(nextLong() ^ 0xD1B54A32D192ED03L);
        return r;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
