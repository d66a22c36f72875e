package dev.actuate.sim.box2d;

import dev.actuate.sim.Controller;

/**
 * The reference's walking gait ({@code BipedalWalkerHeuristics}): a three-state machine that lifts
 * one leg forward, puts it down and pushes off with it, then swaps legs, with PD control of hip
 * and knee targets plus terms that keep the hull level and damp vertical bounce. It has no notion
 * of balance, so it walks normal terrain slowly and fails on hardcore obstacles.
 */
public final class BipedalWalkerHeuristic implements Controller {
    private static final int STAY_ON_ONE_LEG = 1;
    private static final int PUT_OTHER_DOWN = 2;
    private static final int PUSH_OFF = 3;
    /** Faster than this and the walker falls forward. */
    private static final double SPEED = 0.29;
    private static final double SUPPORT_KNEE_ANGLE = 0.1;
    /** Stands for the reference's {@code None}: no target for that joint. */
    private static final double NONE = Double.NaN;

    private int state;
    private int movingLeg;
    private int supportingLeg;
    private double supportingKneeAngle;
    private boolean started;

    public BipedalWalkerHeuristic() {
        reset();
    }

    @Override
    public void reset() {
        state = STAY_ON_ONE_LEG;
        movingLeg = 0;
        supportingLeg = 1;
        supportingKneeAngle = SUPPORT_KNEE_ANGLE;
        started = false;
    }

    /**
     * The reference's loop starts with an all-zero action and applies the gait only to the
     * observations that steps return, never to the reset observation; so does this.
     */
    @Override
    public double[] act(double[] s) {
        if (!started) {
            started = true;
            return new double[4];
        }
        int movingBase = 4 + 5 * movingLeg;
        int supportingBase = 4 + 5 * supportingLeg;
        double[] hipTarg = {NONE, NONE};
        double[] kneeTarg = {NONE, NONE};

        if (state == STAY_ON_ONE_LEG) {
            hipTarg[movingLeg] = 1.1;
            kneeTarg[movingLeg] = -0.6;
            supportingKneeAngle += 0.03;
            if (s[2] > SPEED) {
                supportingKneeAngle += 0.03;
            }
            supportingKneeAngle = Math.min(supportingKneeAngle, SUPPORT_KNEE_ANGLE);
            kneeTarg[supportingLeg] = supportingKneeAngle;
            if (s[supportingBase] < 0.10) { // supporting leg is behind
                state = PUT_OTHER_DOWN;
            }
        }
        if (state == PUT_OTHER_DOWN) {
            hipTarg[movingLeg] = 0.1;
            kneeTarg[movingLeg] = SUPPORT_KNEE_ANGLE;
            kneeTarg[supportingLeg] = supportingKneeAngle;
            if (s[movingBase + 4] != 0) { // moving leg touches the ground
                state = PUSH_OFF;
                supportingKneeAngle = Math.min(s[movingBase + 2], SUPPORT_KNEE_ANGLE);
            }
        }
        if (state == PUSH_OFF) {
            kneeTarg[movingLeg] = supportingKneeAngle;
            kneeTarg[supportingLeg] = 1.0;
            if (s[supportingBase + 2] > 0.88 || s[2] > 1.2 * SPEED) {
                state = STAY_ON_ONE_LEG;
                movingLeg = 1 - movingLeg;
                supportingLeg = 1 - movingLeg;
            }
        }

        double[] hipTodo = new double[2];
        double[] kneeTodo = new double[2];
        for (int leg = 0; leg < 2; leg++) {
            int b = 4 + 5 * leg;
            if (isSet(hipTarg[leg])) {
                hipTodo[leg] = 0.9 * (hipTarg[leg] - s[b]) - 0.25 * s[b + 1];
            }
            if (isSet(kneeTarg[leg])) {
                kneeTodo[leg] = 4.0 * (kneeTarg[leg] - s[b + 2]) - 0.25 * s[b + 3];
            }
            hipTodo[leg] -= 0.9 * (0 - s[0]) - 1.5 * s[1]; // PD to keep the hull level
            kneeTodo[leg] -= 15.0 * s[3]; // vertical speed, to damp oscillations
        }
        return new double[] {
            clip1(0.5 * hipTodo[0]), clip1(0.5 * kneeTodo[0]), clip1(0.5 * hipTodo[1]), clip1(0.5 * kneeTodo[1])};
    }

    /** The reference tests targets by truthiness, so a target of exactly 0 counts as none. */
    private static boolean isSet(double target) {
        return !Double.isNaN(target) && target != 0.0;
    }

    private static double clip1(double x) {
        return Math.max(-1.0, Math.min(1.0, x));
    }
}
