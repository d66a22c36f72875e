package dev.actuate.sim.classic;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.Renderable;
import dev.actuate.sim.StepInfo;
import dev.actuate.sim.StepResult;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;

/** Gymnasium's {@code Pendulum-v1}: swing up and balance a torque-limited pendulum. */
public final class Pendulum extends AbstractEnv implements Renderable {
    public static final String ID = "Pendulum-v1";
    public static final double MAX_SPEED = 8.0;
    public static final double MAX_TORQUE = 2.0;
    public static final double DT = 0.05;
    public static final double G = 10.0;
    public static final double M = 1.0;
    public static final double L = 1.0;

    private double th;
    private double thdot;
    private double lastU;

    public Pendulum() {
        super(ID, new Box(new double[] {-1, -1, -MAX_SPEED}, new double[] {1, 1, MAX_SPEED}),
                Box.uniform(1, -MAX_TORQUE, MAX_TORQUE));
    }

    @Override
    protected double[] doReset() {
        th = rng.uniform(-Math.PI, Math.PI);
        thdot = rng.uniform(-1.0, 1.0);
        lastU = 0;
        return observation();
    }

    @Override
    protected StepResult doStep(double[] action) {
        double u = clip(action[0], -MAX_TORQUE, MAX_TORQUE);
        lastU = u;
        double cost = sq(angleNormalize(th)) + 0.1 * thdot * thdot + 0.001 * u * u;
        double newThdot = thdot + (3.0 * G / (2.0 * L) * Math.sin(th) + 3.0 / (M * L * L) * u) * DT;
        newThdot = clip(newThdot, -MAX_SPEED, MAX_SPEED);
        th = th + newThdot * DT;
        thdot = newThdot;
        return new StepResult(observation(), -cost, false, false, StepInfo.EMPTY);
    }

    /** Wraps an angle into [-pi, pi), as the reference's {@code angle_normalize}. */
    public static double angleNormalize(double x) {
        return ((x + Math.PI) % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI) - Math.PI;
    }

    private static double sq(double x) {
        return x * x;
    }

    private double[] observation() {
        return new double[] {Math.cos(th), Math.sin(th), thdot};
    }

    /** Angle from upright, radians. */
    public double theta() {
        return th;
    }

    public double thetaDot() {
        return thdot;
    }

    @Override
    public void draw(Graphics2D g, int width, int height) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double cx = width / 2.0;
        double cy = height / 2.0;
        double r = Math.min(width, height) * 0.4;
        double x = cx + r * Math.sin(th);
        double y = cy - r * Math.cos(th);
        g.setStroke(new BasicStroke((float) (r * 0.1), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.setColor(new Color(204, 77, 77));
        g.drawLine((int) cx, (int) cy, (int) x, (int) y);
        g.setColor(Color.BLACK);
        int d = (int) (r * 0.1);
        g.fillOval((int) cx - d / 2, (int) cy - d / 2, d, d);
        // Torque arrow: length proportional to the last applied torque.
        g.setColor(new Color(30, 120, 200));
        g.setStroke(new BasicStroke(3f));
        int arc = (int) (r * 0.5);
        g.drawArc((int) cx - arc / 2, (int) cy - arc / 2, arc, arc, 90, (int) (-lastU / MAX_TORQUE * 150));
    }

    @Override
    public double controlPeriodSeconds() {
        return DT;
    }
}
