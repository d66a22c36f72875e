package dev.actuate.sim.box2d;

import org.jbox2d.collision.shapes.PolygonShape;
import org.jbox2d.common.Transform;
import org.jbox2d.common.Vec2;
import org.jbox2d.dynamics.Body;
import org.jbox2d.dynamics.Fixture;
import org.jbox2d.dynamics.joints.RevoluteJoint;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;

/**
 * Java2D drawing of {@link BipedalWalker}, in the reference's colours: a 20 m wide window that
 * scrolls with the hull, parallax clouds, terrain, the lidar rays, the walker (lower legs turn
 * green while touching the ground) and an arc at each joint sized by its motor torque.
 */
final class WalkerView {
    private static final Color SKY = new Color(215, 215, 255);
    private static final Color GROUND = new Color(102, 153, 76);
    private static final Color GRASS_A = new Color(76, 255, 76);
    private static final Color GRASS_B = new Color(76, 204, 76);
    private static final Color BLOCK_FILL = Color.WHITE;
    private static final Color BLOCK_EDGE = new Color(153, 153, 153);
    private static final Color LIDAR = new Color(255, 0, 0, 140);
    private static final Color HULL_FILL = new Color(127, 51, 229);
    private static final Color HULL_EDGE = new Color(76, 76, 127);
    private static final Color CONTACT_FILL = new Color(60, 200, 60);
    private static final Color TORQUE_POS = new Color(230, 120, 0);
    private static final Color TORQUE_NEG = new Color(0, 120, 230);

    private WalkerView() {
    }

    static void draw(Graphics2D g, int width, int height, BipedalWalker env, WalkerTerrain terrain, Body hull,
                     Body[] legs, RevoluteJoint[] joints, float[] lidarP1, float[] lidarHit) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(SKY);
        g.fillRect(0, 0, width, height);
        if (terrain == null) {
            return; // never reset: nothing to show
        }
        double scroll = hull.getPosition().x - BipedalWalker.VIEWPORT_W / BipedalWalker.SCALE / 5;
        double viewW = BipedalWalker.VIEWPORT_W / BipedalWalker.SCALE;
        Projection p = new Projection(scroll, width / viewW, height / (BipedalWalker.VIEWPORT_H / BipedalWalker.SCALE), height);

        // Clouds move at half speed, as in the reference.
        g.setColor(Color.WHITE);
        for (int c = 0; c < terrain.clouds.length; c++) {
            if (terrain.cloudX2[c] < scroll / 2 || terrain.cloudX1[c] > scroll / 2 + viewW) {
                continue;
            }
            Path2D.Double path = new Path2D.Double();
            double[] v = terrain.clouds[c];
            for (int k = 0; k < 5; k++) {
                double sx = (v[2 * k] - scroll / 2) * p.sx;
                double sy = p.y(v[2 * k + 1]);
                if (k == 0) {
                    path.moveTo(sx, sy);
                } else {
                    path.lineTo(sx, sy);
                }
            }
            path.closePath();
            g.fill(path);
        }

        double[] tx = terrain.x;
        double[] ty = terrain.y;
        g.setStroke(new BasicStroke(Math.max(1f, (float) p.sx / 20f)));
        for (int i = 0; i + 1 < tx.length; i++) {
            if (tx[i + 1] < scroll || tx[i] > scroll + viewW) {
                continue;
            }
            Path2D.Double ground = new Path2D.Double();
            ground.moveTo(p.x(tx[i]), p.y(ty[i]));
            ground.lineTo(p.x(tx[i + 1]), p.y(ty[i + 1]));
            ground.lineTo(p.x(tx[i + 1]), p.y(0));
            ground.lineTo(p.x(tx[i]), p.y(0));
            ground.closePath();
            g.setColor(GROUND);
            g.fill(ground);
            g.setColor(i % 2 == 0 ? GRASS_A : GRASS_B);
            g.draw(new Line2D.Double(p.x(tx[i]), p.y(ty[i]), p.x(tx[i + 1]), p.y(ty[i + 1])));
        }
        for (double[] o : terrain.obstacles) {
            Path2D.Double block = new Path2D.Double();
            block.moveTo(p.x(o[0]), p.y(o[1]));
            for (int k = 1; k < 4; k++) {
                block.lineTo(p.x(o[2 * k]), p.y(o[2 * k + 1]));
            }
            block.closePath();
            g.setColor(BLOCK_FILL);
            g.fill(block);
            g.setColor(BLOCK_EDGE);
            g.draw(block);
        }

        g.setColor(LIDAR);
        g.setStroke(new BasicStroke(1f));
        for (int i = 0; i < BipedalWalker.LIDAR_RAYS; i++) {
            g.draw(new Line2D.Double(p.x(lidarP1[0]), p.y(lidarP1[1]), p.x(lidarHit[2 * i]), p.y(lidarHit[2 * i + 1])));
        }

        for (int k = 0; k < 4; k++) {
            int i = k < 2 ? -1 : 1; // the reference colours each side by its index -1 / +1
            boolean lower = k % 2 == 1;
            Color fill = lower && env.groundContact(k / 2) ? CONTACT_FILL
                    : new Color(153 - i * 25, 76 - i * 25, 127 - i * 25);
            drawBody(g, p, legs[k], fill, new Color(102 - i * 25, 51 - i * 25, 76 - i * 25));
        }
        drawBody(g, p, hull, HULL_FILL, HULL_EDGE);

        // Motor torque: an arc around each joint, its sweep proportional to torque / max torque.
        g.setStroke(new BasicStroke(Math.max(1.5f, (float) p.sx / 10f)));
        Vec2 anchor = new Vec2();
        double r = 9 / BipedalWalker.SCALE * p.sx;
        for (RevoluteJoint j : joints) {
            double t = j.getMotorTorque(BipedalWalker.FPS) / BipedalWalker.MOTORS_TORQUE;
            j.getAnchorB(anchor);
            g.setColor(t >= 0 ? TORQUE_POS : TORQUE_NEG);
            g.draw(new Arc2D.Double(p.x(anchor.x) - r, p.y(anchor.y) - r, 2 * r, 2 * r, 90,
                    Math.max(-1, Math.min(1, t)) * 300, Arc2D.OPEN));
        }

        // Start flag, as the reference.
        double fx = p.x(WalkerTerrain.TERRAIN_STEP * 3);
        double fy1 = p.y(WalkerTerrain.TERRAIN_HEIGHT);
        double fy2 = fy1 - 50 * p.sy / BipedalWalker.SCALE;
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.draw(new Line2D.Double(fx, fy1, fx, fy2));
        Path2D.Double flag = new Path2D.Double();
        flag.moveTo(fx, fy2);
        flag.lineTo(fx, fy2 + 10 * p.sy / BipedalWalker.SCALE);
        flag.lineTo(fx + 25 * p.sx / BipedalWalker.SCALE, fy2 + 5 * p.sy / BipedalWalker.SCALE);
        flag.closePath();
        g.setColor(new Color(230, 51, 0));
        g.fill(flag);
        g.setColor(Color.BLACK);
        g.draw(flag);
    }

    private static void drawBody(Graphics2D g, Projection p, Body body, Color fill, Color edge) {
        Transform xf = body.getTransform();
        Vec2 w = new Vec2();
        for (Fixture f = body.getFixtureList(); f != null; f = f.getNext()) {
            PolygonShape shape = (PolygonShape) f.getShape();
            Path2D.Double path = new Path2D.Double();
            for (int k = 0; k < shape.getVertexCount(); k++) {
                Transform.mulToOut(xf, shape.getVertex(k), w);
                if (k == 0) {
                    path.moveTo(p.x(w.x), p.y(w.y));
                } else {
                    path.lineTo(p.x(w.x), p.y(w.y));
                }
            }
            path.closePath();
            g.setColor(fill);
            g.fill(path);
            g.setColor(edge);
            g.setStroke(new BasicStroke(1f));
            g.draw(path);
        }
    }

    /** World metres to canvas pixels; y grows downwards on the canvas. */
    private record Projection(double scroll, double sx, double sy, int height) {
        double x(double wx) {
            return (wx - scroll) * sx;
        }

        double y(double wy) {
            return height - wy * sy;
        }
    }
}
