package dev.actuate.runtime;

/**
 * The check that a policy drives only the robot it was trained for. Matching sizes are not enough: the
 * lander's policy and the arm both have 8 states and 2 commands, so sizes alone let one drive the other.
 */
public final class EnvMatch {
    /** The command-line flag that turns the refusal into a logged warning. */
    public static final String OVERRIDE_FLAG = "--allow-env-mismatch";

    private EnvMatch() {
    }

    /**
     * Compares the env a policy was trained on with the robot's. Returns null when they agree or the robot
     * names no env; a warning to log when they differ and {@code allowMismatch}; otherwise throws.
     *
     * @param policyEnv    the env recorded in the policy file
     * @param policySource the policy file, for messages
     * @param robotEnv     the env the robot description names, or null
     * @param robotSource  the robot description (a YAML file or an in-process env), for messages
     */
    public static String check(String policyEnv, String policySource, String robotEnv, String robotSource,
                               boolean allowMismatch) {
        if (robotEnv == null || robotEnv.equals(policyEnv)) {
            return null;
        }
        String what = "policy " + policySource + " was trained on " + policyEnv + ", but robot " + robotSource
                + " is " + robotEnv;
        if (!allowMismatch) {
            throw new IllegalArgumentException(what + "; refusing to drive it with a policy for another env ("
                    + OVERRIDE_FLAG + " overrides)");
        }
        return what + "; running anyway (" + OVERRIDE_FLAG + ")";
    }
}
