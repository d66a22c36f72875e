package dev.actuate.nn;

import dev.actuate.nn.infer.FloatMlp;

/** The training-side bridge to run-time inference: a plain-Java copy of a live {@link Mlp}. */
public final class FloatMlps {
    private FloatMlps() {
    }

    /** Copies a network's current parameters. */
    public static FloatMlp of(Mlp net) {
        return new FloatMlp(net.sizes(), net.hiddenActivation(), net.outputActivation(), net.getParams());
    }
}
