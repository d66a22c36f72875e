package dev.actuate.sim.box2d;

import org.jbox2d.collision.shapes.MassData;
import org.jbox2d.collision.shapes.PolygonShape;
import org.jbox2d.collision.shapes.ShapeType;
import org.jbox2d.common.Vec2;
import org.jbox2d.dynamics.Body;
import org.jbox2d.dynamics.Fixture;

/**
 * A body's mass, centre and rotational inertia computed as C++ Box2D 2.3 computes them.
 *
 * <p>JBox2D 2.2.1.1's {@code PolygonShape.computeMass} integrates the inertia about the mean of
 * the vertices, then moves it to the body origin by adding {@code mass * |centroid|^2} without
 * first removing {@code mass * |centroid - mean|^2}. Wherever the vertex mean is not the centroid
 * the inertia comes out too large: about their centres of mass, the walker's hull by 3.7% and the
 * lander's body by 0.3% (boxes are unaffected). Box2D 2.3 subtracts that term. {@link #reset}
 * recomputes the mass data from the body's polygon fixtures with Box2D 2.3's formula and float32
 * operation order, and sets it on the body, so JBox2D itself is unchanged.
 */
final class PolygonMass {
    private PolygonMass() {
    }

    /** Recomputes {@code body}'s mass data as Box2D 2.3's {@code b2Body::ResetMassData} does. */
    static void reset(Body body) {
        float mass = 0f;
        float inertia = 0f;
        float cx = 0f;
        float cy = 0f;
        float[] md = new float[4];
        for (Fixture f = body.getFixtureList(); f != null; f = f.getNext()) {
            if (f.getDensity() == 0f) {
                continue;
            }
            if (f.getType() != ShapeType.POLYGON) {
                throw new IllegalArgumentException("PolygonMass: only polygon fixtures are supported, got " + f.getType());
            }
            polygonMass((PolygonShape) f.getShape(), f.getDensity(), md);
            mass += md[0];
            cx += md[0] * md[1];
            cy += md[0] * md[2];
            inertia += md[3];
        }
        if (mass > 0f) {
            float inv = 1f / mass;
            cx *= inv;
            cy *= inv;
        }
        MassData data = new MassData();
        data.mass = mass;
        data.center.set(cx, cy);
        data.I = inertia; // about the body origin; setMassData moves it to the centre as Box2D does
        body.setMassData(data);
    }

    /** Box2D 2.3's {@code b2PolygonShape::ComputeMass}: out = {mass, centre x, centre y, I about origin}. */
    static void polygonMass(PolygonShape shape, float density, float[] out) {
        int n = shape.getVertexCount();
        Vec2[] v = shape.getVertices();
        float sx = 0f;
        float sy = 0f;
        for (int i = 0; i < n; i++) {
            sx += v[i].x;
            sy += v[i].y;
        }
        float invN = 1f / n;
        sx *= invN;
        sy *= invN;
        final float kInv3 = 1f / 3f;
        float area = 0f;
        float cx = 0f;
        float cy = 0f;
        float inertia = 0f;
        for (int i = 0; i < n; i++) {
            Vec2 p2 = i + 1 < n ? v[i + 1] : v[0];
            float ex1 = v[i].x - sx;
            float ey1 = v[i].y - sy;
            float ex2 = p2.x - sx;
            float ey2 = p2.y - sy;
            float d = ex1 * ey2 - ey1 * ex2;
            float triangleArea = 0.5f * d;
            area += triangleArea;
            float w = triangleArea * kInv3;
            cx += w * (ex1 + ex2);
            cy += w * (ey1 + ey2);
            float intx2 = ex1 * ex1 + ex2 * ex1 + ex2 * ex2;
            float inty2 = ey1 * ey1 + ey2 * ey1 + ey2 * ey2;
            inertia += (0.25f * kInv3 * d) * (intx2 + inty2);
        }
        float mass = density * area;
        float invArea = 1f / area;
        cx *= invArea;
        cy *= invArea;
        float mcx = cx + sx;
        float mcy = cy + sy;
        float i0 = density * inertia;
        i0 += mass * ((mcx * mcx + mcy * mcy) - (cx * cx + cy * cy));
        out[0] = mass;
        out[1] = mcx;
        out[2] = mcy;
        out[3] = i0;
    }
}
