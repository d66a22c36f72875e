package dev.actuate.train;

/**
 * The one-step TD target shared by SAC, TD3 and DDPG:
 * {@code y = r + gamma * (1 - terminated) * nextValue}. Truncated transitions bootstrap
 * because {@code terminated} is 0 for them.
 */
public final class TdTarget {
    private TdTarget() {
    }

    public static void compute(float[] rewards, float[] terminated, float[] nextValue, double gamma, float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (rewards[i] + gamma * (1.0 - terminated[i]) * nextValue[i]);
        }
    }
}
