package dev.actuate.sim.robot;

import java.util.List;

/**
 * What the described robot is asked to do: the observation (one term per state signal, in the
 * signals' order), the action (one term per command signal), the weighted reward terms, the
 * termination conditions, the episode length and the reset distribution. Validated by
 * {@link RobotDescriptionLoader}.
 *
 * @param target          a point to reach, or null
 * @param success         the per-step success condition ({@code StepInfo.success}), or null
 * @param maxEpisodeSteps the time limit
 * @param rewardThreshold the return at which an episode counts as solved
 * @param settleSteps     zero-action steps after each reset (as the built-in Box2D envs take one)
 */
public record Task(List<ObservationTerm> observations, List<ActionTerm> actions, List<RewardTerm> rewards,
        List<Termination> terminations, Target target, Success success, int maxEpisodeSteps,
        double rewardThreshold, Reset reset, int settleSteps) {
    public Task {
        observations = List.copyOf(observations);
        actions = List.copyOf(actions);
        rewards = List.copyOf(rewards);
        terminations = List.copyOf(terminations);
    }

    /** How an observation term turns a reading into the signal's value. */
    public enum Transform { NONE, WRAP, SIN, COS }

    /** Target-derived readings (the target is task state, not a sensor). */
    public enum TargetReading { X, Y, DX, DY, DISTANCE }

    /**
     * One observation entry, bound to a state signal. Exactly one of {@code sensor} and
     * {@code targetReading} is set. The value is clipped to the signal's [min, max].
     */
    public record ObservationTerm(String signal, String sensor, TargetReading targetReading, Transform transform,
            double min, double max) {
    }

    public enum ActionType { TORQUE, FORCE, VELOCITY }

    /**
     * One action entry, bound to a command signal: the action is clipped to the signal's
     * [min, max] and multiplied by {@code scale} (default: the motor's max effort, or its max
     * speed for velocity targets) to give N m, N, rad/s or m/s.
     */
    public record ActionTerm(String signal, String joint, ActionType type, double min, double max, double scale) {
    }

    public enum RewardType { TARGET_DISTANCE, TARGET_WITHIN, POSE_ERROR, UPRIGHT, CONTROL, ALIVE, JOINT_VELOCITY }

    /**
     * A weighted reward term; the step reward is the sum of {@code weight * value}:
     * target_distance |site - target| (m); target_within 1 while |site - target| is at most the term's
     * radius, else 0 (a reach bonus: near the target -|d| barely changes, the bonus makes the last
     * centimetres worth holding); pose_error (q - target)^2 of a joint; upright cos of a body's angle;
     * control sum of the squared clipped actions; alive 1; joint_velocity dq^2.
     *
     * @param target pose_error's joint angle; target_within's radius (m)
     */
    public record RewardTerm(RewardType type, double weight, String joint, String body, double target) {
    }

    public enum TerminationType { BODY_ANGLE, JOINT_POSITION, BODY_BELOW, CONTACT }

    /**
     * Ends the episode ({@code terminated}): body_angle |angle| > max; joint_position outside
     * [min, max]; body_below the body's y under min; contact the body touching anything.
     */
    public record Termination(TerminationType type, String body, String joint, double min, double max) {
    }

    /**
     * A point to reach, drawn at each reset and tracked by a site on a body.
     *
     * @param annulus  true: the target is drawn uniformly by area in radius {@code a} and polar angle
     *                 {@code b} around the origin; false: x in {@code a}, y in {@code b}
     */
    public record Target(String body, double siteX, double siteY, boolean annulus, double[] a, double[] b) {
        public Target {
            a = a.clone();
            b = b.clone();
        }

        @Override
        public double[] a() {
            return a.clone();
        }

        @Override
        public double[] b() {
            return b.clone();
        }
    }

    /** Per-step success: the site within {@code radius} of the target, or a body within {@code angle} of upright. */
    public record Success(double targetRadius, String uprightBody, double uprightAngle) {
    }

    /**
     * The reset distribution: each listed joint's position uniform in its range (joints at rest),
     * each listed root body's pose offset uniform in its ranges; draws in model order.
     */
    public record Reset(List<JointReset> joints, List<BodyReset> bodies) {
        public Reset {
            joints = List.copyOf(joints);
            bodies = List.copyOf(bodies);
        }
    }

    public record JointReset(String joint, double[] position) {
    }

    public record BodyReset(String body, double[] x, double[] y, double[] angle) {
    }
}
