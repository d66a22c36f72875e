package dev.actuate.sim.classic;

import dev.actuate.sim.Controller;

/**
 * Swing-up by energy pumping, then PD balance near upright.
 *
 * <p>The dynamics are {@code thdd = a sin(th) + b u} with {@code a = 3g/(2l) = 15} and
 * {@code b = 3/(m l^2) = 3}. The energy {@code E = thd^2/2 + a (cos th - 1)} is 0 upright at rest
 * and changes as {@code dE/dt = b u thd}, so torque along the velocity raises it toward 0.
 * Inside the capture region the linearised system {@code thdd = a th + b u} is stabilised by
 * {@code u = -(KP th + KD thd)}.
 */
public final class PendulumHeuristic implements Controller {
    private static final double A = 3 * Pendulum.G / (2 * Pendulum.L);
    private static final double KP = 10.0;
    private static final double KD = 2.0;
    private static final double K_ENERGY = 0.5;
    /** Balance when within this angle of upright and not spinning too fast to catch. */
    private static final double CAPTURE_COS = Math.cos(0.6);
    private static final double CAPTURE_SPEED = 4.0;

    @Override
    public double[] act(double[] observation) {
        double c = observation[0];
        double s = observation[1];
        double thd = observation[2];
        double th = Math.atan2(s, c);
        double u;
        if (c > CAPTURE_COS && Math.abs(thd) < CAPTURE_SPEED) {
            u = -(KP * th + KD * thd);
        } else {
            double energy = 0.5 * thd * thd + A * (c - 1);
            // At rest at the bottom the velocity gives no direction: kick to start the swing.
            u = Math.abs(thd) < 1e-3 ? Pendulum.MAX_TORQUE : K_ENERGY * thd * -energy;
        }
        return new double[] {Math.max(-Pendulum.MAX_TORQUE, Math.min(Pendulum.MAX_TORQUE, u))};
    }
}
