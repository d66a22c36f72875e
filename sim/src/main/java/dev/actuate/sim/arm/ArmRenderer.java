package dev.actuate.sim.arm;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;

/** Draws {@link PlanarArm} top-down, scaled to fit any canvas: reach, target, links, joint torques. */
final class ArmRenderer {
    private static final Color BACKGROUND = Color.WHITE;
    private static final Color REACH = new Color(225, 230, 238);
    private static final Color TARGET = new Color(214, 60, 60);
    private static final Color LINK1 = new Color(70, 110, 170);
    private static final Color LINK2 = new Color(110, 150, 205);
    private static final Color JOINT = new Color(40, 40, 40);
    private static final Color TORQUE_POS = new Color(30, 150, 80);
    private static final Color TORQUE_NEG = new Color(230, 130, 20);

    private ArmRenderer() {
    }

    static void draw(PlanarArm arm, Graphics2D g, int width, int height) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, width, height);
        double reach = PlanarArm.L1 + PlanarArm.L2;
        double s = Math.min(width, height) / (2 * (reach + 0.2)); // pixels per metre
        double cx = width / 2.0;
        double cy = height / 2.0;

        // Reachable annulus.
        g.setColor(REACH);
        g.setStroke(new BasicStroke((float) ((reach - PlanarArm.REACH_MIN) * s)));
        double mid = (reach + PlanarArm.REACH_MIN) / 2 * s;
        g.draw(new Ellipse2D.Double(cx - mid, cy - mid, 2 * mid, 2 * mid));
        if (!arm.hasWorld()) {
            return;
        }

        double tx = cx + arm.targetX() * s;
        double ty = cy - arm.targetY() * s;
        double tr = Math.max(3, PlanarArm.SUCCESS_RADIUS * s);
        g.setColor(TARGET);
        g.fill(new Ellipse2D.Double(tx - tr, ty - tr, 2 * tr, 2 * tr));
        g.setStroke(new BasicStroke(1.5f));
        g.draw(new Ellipse2D.Double(tx - 2.5 * tr, ty - 2.5 * tr, 5 * tr, 5 * tr));

        double[] elbow = arm.bodyElbow();
        double[] tip = arm.bodyFingertip();
        double ex = cx + elbow[0] * s;
        double ey = cy - elbow[1] * s;
        double fx = cx + tip[0] * s;
        double fy = cy - tip[1] * s;
        float w = (float) Math.max(2, PlanarArm.LINK_WIDTH * s);
        g.setStroke(new BasicStroke(w, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.setColor(LINK1);
        g.draw(new Line2D.Double(cx, cy, ex, ey));
        g.setColor(LINK2);
        g.draw(new Line2D.Double(ex, ey, fx, fy));

        // Base: a square under the shoulder.
        double b = 2.2 * w;
        g.setColor(Color.GRAY);
        g.fill(new java.awt.geom.Rectangle2D.Double(cx - b / 2, cy - b / 2, b, b));
        double jr = 0.7 * w;
        g.setColor(JOINT);
        g.fill(new Ellipse2D.Double(cx - jr, cy - jr, 2 * jr, 2 * jr));
        g.fill(new Ellipse2D.Double(ex - jr, ey - jr, 2 * jr, 2 * jr));
        double fr = 0.45 * w;
        g.setColor(Color.BLACK);
        g.fill(new Ellipse2D.Double(fx - fr, fy - fr, 2 * fr, 2 * fr));

        // Joint torques: an arc around each joint, as long as |torque| / limit times 270 degrees,
        // counter-clockwise for positive torque, starting on the link the joint drives.
        double link1Deg = Math.toDegrees(Math.atan2(elbow[1], elbow[0]));
        double link2Deg = Math.toDegrees(Math.atan2(tip[1] - elbow[1], tip[0] - elbow[0]));
        double arcR = 0.18 * s;
        torqueArc(g, cx, cy, arcR, link1Deg, arm.commandedTorque(0) / PlanarArm.JOINTS.get(0).torqueLimit(), w);
        torqueArc(g, ex, ey, arcR * 0.8, link2Deg, arm.commandedTorque(1) / PlanarArm.JOINTS.get(1).torqueLimit(), w);

        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, height / 30)));
        double dist = Math.hypot(arm.targetX() - tip[0], arm.targetY() - tip[1]);
        g.drawString(String.format("distance %.3f m", dist), (float) (0.02 * width), (float) (height - 0.03 * height));
    }

    private static void torqueArc(Graphics2D g, double x, double y, double r, double startDeg, double frac, float w) {
        double extent = Math.max(-1, Math.min(1, frac)) * 270;
        if (Math.abs(extent) < 1) {
            return;
        }
        g.setColor(extent > 0 ? TORQUE_POS : TORQUE_NEG);
        g.setStroke(new BasicStroke(Math.max(1.5f, w * 0.35f), BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
        // Java2D arcs run counter-clockwise on screen for positive extents, as world torques do.
        g.draw(new Arc2D.Double(x - r, y - r, 2 * r, 2 * r, startDeg, extent, Arc2D.OPEN));
        double end = Math.toRadians(startDeg + extent);
        double px = x + r * Math.cos(end);
        double py = y - r * Math.sin(end);
        // Tangent in the direction of travel (screen y points down).
        double dir = Math.signum(extent);
        double txn = -Math.sin(end) * dir;
        double tyn = -Math.cos(end) * dir;
        double head = Math.max(4, w * 0.9);
        Path2D.Double arrow = new Path2D.Double();
        arrow.moveTo(px + txn * head, py + tyn * head);
        arrow.lineTo(px - tyn * head * 0.6, py + txn * head * 0.6);
        arrow.lineTo(px + tyn * head * 0.6, py - txn * head * 0.6);
        arrow.closePath();
        g.fill(arrow);
    }
}
