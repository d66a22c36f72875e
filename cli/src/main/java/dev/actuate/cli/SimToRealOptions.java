package dev.actuate.cli;

import dev.actuate.policy.PolicyFile;
import dev.actuate.sim.Env;
import dev.actuate.sim.wrappers.SimToReal;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Evaluation under sim-to-real perturbations: {@code --action-delay}, {@code --observation-delay},
 * {@code --observation-noise}, or {@code --as-trained} for those recorded in the policy file. Previous actions
 * are not an option here: a policy trained with them appends them itself.
 */
final class SimToRealOptions {
    @Option(names = "--action-delay", paramLabel = "STEPS",
            description = "Apply each action this many control steps late (default: 0, or the policy's with --as-trained).")
    Integer actionDelay;

    @Option(names = "--observation-delay", paramLabel = "STEPS",
            description = "Show observations this many control steps late (default: 0, or the policy's with --as-trained).")
    Integer observationDelay;

    @Option(names = "--observation-noise", paramLabel = "STD",
            description = "Gaussian std added to every observation component (default: 0, or the policy's with --as-trained).")
    Double observationNoise;

    @Option(names = "--as-trained",
            description = "Apply the delays and noise recorded in the policy file (its sim_to_real), as in training.")
    boolean asTrained;

    /** The aids to apply to the eval env; {@code model} may be null (a built-in controller). */
    SimToReal resolve(Path model) throws IOException {
        PolicyFile.SimToReal rec = null;
        if (model != null && !OnnxOptions.isOnnx(model)) {
            rec = ModelControllers.readPolicy(model).simToReal();
        } else if (asTrained) {
            throw new IllegalArgumentException("--as-trained needs --model with an Actuate policy file (an .onnx file records no aids)");
        }
        boolean useRec = asTrained && rec != null;
        int ad = actionDelay != null ? actionDelay : useRec ? rec.actionDelaySteps() : 0;
        int od = observationDelay != null ? observationDelay : useRec ? rec.observationDelaySteps() : 0;
        List<Double> noise;
        if (observationNoise != null) {
            noise = List.of(observationNoise);
        } else if (useRec) {
            noise = java.util.Arrays.stream(rec.observationNoiseStd()).boxed().toList();
        } else {
            noise = List.of();
        }
        List<Double> init = rec == null || rec.initialAction() == null ? List.of()
                : java.util.Arrays.stream(rec.initialAction()).boxed().toList();
        try {
            return new SimToReal(ad, od, noise, 0, init);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--action-delay/--observation-delay/--observation-noise: "
                    + e.getMessage(), e);
        }
    }

    /** {@code env} with the aids (unchanged when there are none). */
    static Env wrap(Env env, SimToReal aids) {
        return aids.isNone() ? env : aids.wrap(env);
    }
}
