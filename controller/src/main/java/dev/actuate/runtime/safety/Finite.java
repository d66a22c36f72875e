package dev.actuate.runtime.safety;

/** NaN/Inf guard. */
public final class Finite {
    private Finite() {
    }

    public static boolean all(double[] x) {
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    public static boolean all(float[] x) {
        for (float v : x) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
