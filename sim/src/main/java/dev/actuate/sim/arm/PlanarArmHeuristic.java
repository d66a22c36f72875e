package dev.actuate.sim.arm;

import dev.actuate.sim.Controller;

/**
 * Reaches {@link PlanarArm}'s target from the observation alone: inverse kinematics gives the joint
 * angles that put the fingertip on the target, then a PD law on each joint drives there, saturated
 * at the joint's torque limit. Of the two IK solutions (elbow one way or the other) it takes the
 * one inside the joint limits that is nearer the current pose. Stateless.
 */
public final class PlanarArmHeuristic implements Controller {
    /** Proportional gains, N m/rad. */
    static final double[] KP = {100.0, 60.0};
    /** Derivative gains, N m s/rad. */
    static final double[] KD = {20.0, 4.0};

    @Override
    public double[] act(double[] obs) {
        double q1 = obs[0];
        double q2 = obs[1];
        double[] goal = nearestSolution(obs[4], obs[5], q1, q2);
        double[] action = new double[2];
        double[] q = {q1, q2};
        double[] dq = {obs[2], obs[3]};
        for (int j = 0; j < 2; j++) {
            double tau = KP[j] * (goal[j] - q[j]) - KD[j] * dq[j];
            action[j] = Math.max(-1, Math.min(1, tau / PlanarArm.JOINTS.get(j).torqueLimit()));
        }
        return action;
    }

    /**
     * Joint angles {q1, q2} that put the fingertip at (x, y), with the elbow angle's sign given by
     * {@code elbowSign} (+1 or -1). A target out of reach gives the nearest pose along its ray: the
     * elbow is clamped to its limit (too near) or straightened (too far). q1 is wrapped to [-pi, pi].
     */
    public static double[] inverseKinematics(double x, double y, double elbowSign) {
        double l1 = PlanarArm.L1;
        double l2 = PlanarArm.L2;
        double c2 = (x * x + y * y - l1 * l1 - l2 * l2) / (2 * l1 * l2);
        double c2min = Math.cos(PlanarArm.JOINTS.get(1).positionMax());
        c2 = Math.max(c2min, Math.min(1.0, c2));
        double q2 = Math.copySign(Math.acos(c2), elbowSign);
        double q1 = Math.atan2(y, x) - Math.atan2(l2 * Math.sin(q2), l1 + l2 * Math.cos(q2));
        return new double[] {wrap(q1), q2};
    }

    /** The IK solution inside the shoulder limits nearest (q1, q2); if neither is inside, the nearer one clamped. */
    static double[] nearestSolution(double x, double y, double q1, double q2) {
        ArmJoint shoulder = PlanarArm.JOINTS.get(0);
        double[] best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (double sign : new double[] {1, -1}) {
            double[] s = inverseKinematics(x, y, sign);
            boolean inside = s[0] >= shoulder.positionMin() && s[0] <= shoulder.positionMax();
            s[0] = Math.max(shoulder.positionMin(), Math.min(shoulder.positionMax(), s[0]));
            // Outside solutions rank after every inside one.
            double cost = Math.abs(s[0] - q1) + Math.abs(s[1] - q2) + (inside ? 0 : 100);
            if (cost < bestCost) {
                bestCost = cost;
                best = s;
            }
        }
        return best;
    }

    private static double wrap(double a) {
        return Math.atan2(Math.sin(a), Math.cos(a));
    }
}
