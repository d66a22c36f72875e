package dev.actuate.runtime.safety;

/** Clips each command component into its signal's [min, max]. */
public final class ActionClip {
    private final double[] min;
    private final double[] max;

    public ActionClip(double[] min, double[] max) {
        if (min.length != max.length) {
            throw new IllegalArgumentException("min has " + min.length + " entries, max " + max.length);
        }
        for (int i = 0; i < min.length; i++) {
            if (!(min[i] <= max[i])) {
                throw new IllegalArgumentException("limit " + i + ": min " + min[i] + " > max " + max[i]);
            }
        }
        this.min = min.clone();
        this.max = max.clone();
    }

    /** Clips in place; returns whether any component changed. */
    public boolean apply(double[] a) {
        boolean clipped = false;
        for (int i = 0; i < a.length; i++) {
            double v = a[i];
            if (v < min[i]) {
                a[i] = min[i];
                clipped = true;
            } else if (v > max[i]) {
                a[i] = max[i];
                clipped = true;
            }
        }
        return clipped;
    }
}
