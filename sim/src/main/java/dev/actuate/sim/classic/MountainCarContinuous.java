package dev.actuate.sim.classic;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.Renderable;
import dev.actuate.sim.StepInfo;
import dev.actuate.sim.StepResult;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;

/** Gymnasium's {@code MountainCarContinuous-v0}: drive an underpowered car up a hill. */
public final class MountainCarContinuous extends AbstractEnv implements Renderable {
    public static final String ID = "MountainCarContinuous-v0";
    public static final double MIN_POSITION = -1.2;
    public static final double MAX_POSITION = 0.6;
    public static final double MAX_SPEED = 0.07;
    public static final double GOAL_POSITION = 0.45;
    public static final double GOAL_VELOCITY = 0.0;
    public static final double POWER = 0.0015;

    private double position;
    private double velocity;

    public MountainCarContinuous() {
        super(ID, new Box(new double[] {MIN_POSITION, -MAX_SPEED}, new double[] {MAX_POSITION, MAX_SPEED}),
                Box.uniform(1, -1.0, 1.0));
    }

    @Override
    protected double[] doReset() {
        position = rng.uniform(-0.6, -0.4);
        velocity = 0.0;
        return new double[] {position, velocity};
    }

    @Override
    protected StepResult doStep(double[] action) {
        double force = clip(action[0], -1.0, 1.0);
        velocity += force * POWER - 0.0025 * Math.cos(3 * position);
        velocity = clip(velocity, -MAX_SPEED, MAX_SPEED);
        position += velocity;
        position = clip(position, MIN_POSITION, MAX_POSITION);
        if (position == MIN_POSITION && velocity < 0) {
            velocity = 0;
        }
        boolean terminated = position >= GOAL_POSITION && velocity >= GOAL_VELOCITY;
        // The reference charges the unclipped action.
        double reward = (terminated ? 100.0 : 0.0) - 0.1 * action[0] * action[0];
        return new StepResult(new double[] {position, velocity}, reward, terminated, false,
                terminated ? StepInfo.SUCCESS : StepInfo.EMPTY);
    }

    public static double height(double x) {
        return Math.sin(3 * x) * 0.45 + 0.55;
    }

    @Override
    public void draw(Graphics2D g, int width, int height) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double scale = width / (MAX_POSITION - MIN_POSITION);
        Path2D.Double hill = new Path2D.Double();
        for (int i = 0; i <= 100; i++) {
            double x = MIN_POSITION + i * (MAX_POSITION - MIN_POSITION) / 100;
            double px = (x - MIN_POSITION) * scale;
            double py = height - height(x) * scale * 0.8;
            if (i == 0) {
                hill.moveTo(px, py);
            } else {
                hill.lineTo(px, py);
            }
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(2f));
        g.draw(hill);
        double fx = (GOAL_POSITION - MIN_POSITION) * scale;
        double fy = height - height(GOAL_POSITION) * scale * 0.8;
        g.setColor(new Color(204, 204, 0));
        g.fillRect((int) fx, (int) fy - 40, 20, 10);
        g.setColor(Color.BLACK);
        g.drawLine((int) fx, (int) fy, (int) fx, (int) fy - 40);
        double cx = (position - MIN_POSITION) * scale;
        double cy = height - height(position) * scale * 0.8;
        g.setColor(new Color(60, 60, 200));
        g.fillOval((int) cx - 12, (int) cy - 20, 24, 20);
    }
}
