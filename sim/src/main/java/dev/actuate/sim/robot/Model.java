package dev.actuate.sim.robot;

import java.util.List;

/**
 * The physics of a described robot: planar JBox2D bodies joined by revolute or prismatic joints,
 * and the scalar sensors the task can observe. Validated by {@link RobotDescriptionLoader}; every
 * position is in metres in the reference pose (every joint at 0), every angle in radians.
 *
 * @param gravity             {x, y}, m/s^2
 * @param velocityIterations  JBox2D solver velocity iterations per step
 * @param positionIterations  JBox2D solver position iterations per step
 * @param bodies              in creation order
 * @param joints              in creation order; each joint's {@code bodyA} is a root or the {@code bodyB}
 *                            of an earlier joint, so the reset can place the bodies joint by joint
 * @param sensors             named scalar sensors
 */
public record Model(double[] gravity, int velocityIterations, int positionIterations, List<Body> bodies,
        List<Joint> joints, List<Sensor> sensors) {
    public Model {
        gravity = gravity.clone();
        bodies = List.copyOf(bodies);
        joints = List.copyOf(joints);
        sensors = List.copyOf(sensors);
    }

    @Override
    public double[] gravity() {
        return gravity.clone();
    }

    public int bodyIndex(String name) {
        for (int i = 0; i < bodies.size(); i++) {
            if (bodies.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public int jointIndex(String name) {
        for (int i = 0; i < joints.size(); i++) {
            if (joints.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public int sensorIndex(String name) {
        for (int i = 0; i < sensors.size(); i++) {
            if (sensors.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** A body's collision shape, in the body's own frame (origin = the body's position). */
    public sealed interface Shape permits BoxShape, CircleShape, PolygonShape {
        /** Area, m^2, for turning a mass into a density. */
        double area();
    }

    /** A rectangle {@code width x height} centred at {@code (cx, cy)}, turned by {@code angle}. */
    public record BoxShape(double width, double height, double cx, double cy, double angle) implements Shape {
        @Override
        public double area() {
            return width * height;
        }
    }

    public record CircleShape(double radius, double cx, double cy) implements Shape {
        @Override
        public double area() {
            return Math.PI * radius * radius;
        }
    }

    /** A convex polygon, 3 to 8 vertices counter-clockwise, {@code {x0, y0, x1, y1, ...}}. */
    public record PolygonShape(double[] vertices) implements Shape {
        public PolygonShape {
            vertices = vertices.clone();
        }

        @Override
        public double[] vertices() {
            return vertices.clone();
        }

        @Override
        public double area() {
            double a = 0;
            int n = vertices.length / 2;
            for (int i = 0; i < n; i++) {
                int j = (i + 1) % n;
                a += vertices[2 * i] * vertices[2 * j + 1] - vertices[2 * j] * vertices[2 * i + 1];
            }
            return a / 2;
        }
    }

    /**
     * @param shape      null only for a fixed body without collision (a mounting point)
     * @param density    kg/m^2, or NaN when {@code mass} is given
     * @param mass       kg, or NaN when {@code density} is given
     * @param group      JBox2D collision group: bodies sharing a negative group never collide
     * @param fixed      a static body (the world, a rail, a base)
     */
    public record Body(String name, Shape shape, double x, double y, double angle, double density, double mass,
            double friction, double restitution, int group, boolean fixed, double linearDamping,
            double angularDamping) {
    }

    public enum JointType { REVOLUTE, PRISMATIC }

    /**
     * @param anchor     the joint point in world coordinates in the reference pose
     * @param axis       prismatic: the slide direction in world coordinates in the reference pose (unit)
     * @param lower      limit, rad or m (-inf when unlimited)
     * @param upper      limit, rad or m (+inf when unlimited)
     * @param maxEffort  the motor's max torque (N m) or force (N)
     * @param maxSpeed   the motor's max speed (rad/s or m/s), the scale of velocity targets
     * @param damping    viscous damping, N m s/rad or N s/m
     * @param friction   Coulomb friction, N m or N (a motor holding zero speed with this cap)
     */
    public record Joint(String name, JointType type, String bodyA, String bodyB, double anchorX, double anchorY,
            double axisX, double axisY, double lower, double upper, double maxEffort, double maxSpeed,
            double damping, double friction) {
        public boolean limited() {
            return Double.isFinite(lower) || Double.isFinite(upper);
        }
    }

    /** What a scalar sensor reads. */
    public enum SensorType {
        JOINT_POSITION, JOINT_VELOCITY, BODY_X, BODY_Y, BODY_ANGLE, BODY_VX, BODY_VY, BODY_ANGULAR_VELOCITY, CONTACT;

        boolean onJoint() {
            return this == JOINT_POSITION || this == JOINT_VELOCITY;
        }
    }

    /** A named scalar sensor on a joint or body ({@code target} is the joint's or body's name). */
    public record Sensor(String name, SensorType type, String target) {
    }
}
