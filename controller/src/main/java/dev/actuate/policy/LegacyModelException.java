package dev.actuate.policy;

/**
 * A model or checkpoint file in Actuate's training format (the model format before the policy file), which
 * the controller does not read: the message says how to convert it.
 */
public final class LegacyModelException extends PolicyFormatException {
    public LegacyModelException(String source) {
        super(source, null, "a training model/checkpoint file (Actuate's model format before policy format "
                + PolicyFile.FORMAT_VERSION + "), not a policy file; convert it with `actuate convert --model "
                + source + " --out POLICY.actuate` (eval, render and run in the full `actuate` command convert"
                + " it on the fly)");
    }
}
