package dev.actuate.onnx;

import java.util.Locale;

/** How a graph's output becomes an action in the box {@code [low, high]}. */
public enum ActionMapping {
    /** The output as it is (e.g. Actuate's own exports, which map to the box inside the graph). */
    NONE("none"),
    /** Clipped into the box: SB3's {@code predict} for unsquashed policies (PPO, A2C). */
    CLIP("clip"),
    /** A tanh output in [-1, 1] mapped linearly onto the box: SB3's {@code unscale_action} (SAC, TD3, DDPG). */
    RESCALE_TANH("rescale-tanh");

    private final String flag;

    ActionMapping(String flag) {
        this.flag = flag;
    }

    /** The command-line spelling. */
    public String flag() {
        return flag;
    }

    /** Parses {@code none}, {@code clip} or {@code rescale-tanh}; {@code what} names the flag or field in errors. */
    public static ActionMapping parse(String what, String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        for (ActionMapping m : values()) {
            if (m.flag.equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException(what + ": unknown action mapping '" + s + "' (expected clip, rescale-tanh or none)");
    }

    /** Whether the mapping needs the action bounds. */
    public boolean needsBounds() {
        return this != NONE;
    }

    /** Maps one output value {@code y} for an action with bounds {@code [low, high]}. */
    public double apply(double y, double low, double high) {
        return switch (this) {
            case NONE -> y;
            case CLIP -> Math.max(low, Math.min(high, y));
            case RESCALE_TANH -> low + 0.5 * (Math.max(-1.0, Math.min(1.0, y)) + 1.0) * (high - low);
        };
    }
}
