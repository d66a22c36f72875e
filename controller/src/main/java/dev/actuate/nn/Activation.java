package dev.actuate.nn;

/** Element-wise activation of a network layer (training's {@code Mlp} and run time's {@code FloatMlp}). */
public enum Activation {
    TANH,
    RELU,
    /** No activation: the layer is affine (the usual choice for output layers). */
    IDENTITY;

    /** The activation of one value, in double precision (reference and test use). */
    public double apply(double z) {
        return switch (this) {
            case TANH -> Math.tanh(z);
            case RELU -> z > 0 ? z : 0.0;
            case IDENTITY -> z;
        };
    }

    /** Parses a config name case-insensitively ("tanh", "relu", "identity"/"linear"). */
    public static Activation parse(String name) {
        String n = name.trim().toUpperCase(java.util.Locale.ROOT);
        if (n.equals("LINEAR")) {
            return IDENTITY;
        }
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown activation '" + name + "' (expected tanh, relu or identity)");
        }
    }
}
