package dev.actuate.onnx;

import java.util.SplittableRandom;

/** Seeded uniform draws for the ONNX tests (the controller module has no simulator and so no sim Rng). */
final class TestRng {
    private final SplittableRandom random;

    TestRng(long seed) {
        random = new SplittableRandom(seed);
    }

    double uniform(double low, double high) {
        return low + (high - low) * random.nextDouble();
    }
}
