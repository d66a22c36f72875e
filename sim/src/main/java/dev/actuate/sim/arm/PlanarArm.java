package dev.actuate.sim.arm;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.Renderable;
import dev.actuate.sim.StepInfo;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.box2d.Box2dSettings;
import org.jbox2d.collision.shapes.PolygonShape;
import org.jbox2d.common.Vec2;
import org.jbox2d.dynamics.Body;
import org.jbox2d.dynamics.BodyDef;
import org.jbox2d.dynamics.BodyType;
import org.jbox2d.dynamics.FixtureDef;
import org.jbox2d.dynamics.World;
import org.jbox2d.dynamics.joints.RevoluteJoint;
import org.jbox2d.dynamics.joints.RevoluteJointDef;

import java.awt.Graphics2D;
import java.util.List;

/**
 * {@code PlanarArm-v0}: a two-link arm on JBox2D that reaches random targets, with the joint-level
 * interface a real arm exposes over MQTT ({@code joint1/position}, {@code joint1/velocity},
 * {@code joint1/torque}, ...; see {@link #JOINTS}).
 *
 * <p><b>Plant.</b> A static base at the origin; link 1 (1.0 m, 2.0 kg) and link 2 (0.8 m, 1.0 kg),
 * slender boxes, joined by revolute joints whose position limits are JBox2D joint limits. The arm
 * lies flat (top-down view), so gravity is zero, as in Gymnasium's Reacher: the task is pure
 * reaching, and the torque a link needs does not depend on its pose. The links never collide with
 * each other or the base (a real arm stacks them at different heights).
 *
 * <p><b>Action.</b> Box(-1, 1, 2), clipped, scaled to joint torques by {@link ArmJoint#torqueLimit()}
 * (20 and 10 N m). This is true torque control: the commanded torque is applied to the bodies
 * directly (link 1 gets tau1 - tau2, link 2 gets tau2), not through BipedalWalker's
 * motor-speed trick, so {@code joint1/torque} means what it says on hardware. On top of the
 * command each joint has viscous damping (explicit, from the joint speed before the step) and a
 * small Coulomb friction (a JBox2D joint motor at speed zero with the friction as its torque cap).
 *
 * <p><b>Observation</b> (8): {@code [q1, q2, dq1, dq2, target_x, target_y, dx, dy]}, joint angles in
 * rad, joint speeds in rad/s, positions in m, and {@code (dx, dy)} the vector from the fingertip to
 * the target. The joint-level part comes first, so a hardware adapter fills indices 0..3 from its
 * signals. Bounds are finite and never left: angles are clipped to the limits widened by
 * {@link #LIMIT_TOLERANCE} (the joint solver lets a limit be overshot by about a degree); speeds are
 * clipped to {@link ArmJoint#velocityLimit()} (4 pi rad/s, which the damping keeps the arm under in
 * practice). The fingertip is the forward kinematics of the measured joint angles, as it would be on
 * hardware that only has encoders.
 *
 * <p><b>Reward</b>, as Reacher's: {@code -|fingertip - target| - 0.01 * sum(a^2)} per step, with the
 * clipped action. {@link StepInfo#success()} holds on steps where the fingertip is within
 * {@link #SUCCESS_RADIUS} (5 cm). The env never terminates: a reaching episode runs to its time
 * limit, {@link #MAX_EPISODE_STEPS} = 200 (4 s), so a policy learns to hold the target as well as to
 * reach it.
 *
 * <p><b>Reset.</b> A fresh world; joint angles uniform within the limits less 0.1 rad, at rest; the
 * target uniform by area over the reachable annulus (radius {@link #TARGET_RADIUS_MIN} to
 * {@link #TARGET_RADIUS_MAX}, polar angle within the shoulder limits, so every target has an
 * inverse-kinematics solution inside the limits). Then one zero-action step, as every Box2D env here.
 *
 * <p><b>Threshold.</b> {@link #REWARD_THRESHOLD} = -100, on the return of a 200-step episode,
 * measured with this code over seeds 0..999: {@link PlanarArmHeuristic} (IK + PD) has mean return
 * -52, median -40, and 84% of its episodes reach -100 or better (the rest are targets on the far
 * side of the shoulder's range, reached only after a long swing; the fingertip still ends within
 * 5 cm in all 1000). Uniform random actions have mean return -347, and 2.7% of their episodes reach -100.
 * {@code PlanarArmTest} checks both sides.
 *
 * <p><b>Joint limits.</b> JBox2D 2.2 enforces a limit only once the angle is past it, so a joint
 * arriving at speed overshoots for a step. Steps that would cross a limit are therefore split into
 * sub-steps with a speculative limit (see {@code speculativeLimit}); the angle then stays within
 * about 0.015 rad of its limit, inside Box2D's own angular slop (2 degrees).
 */
public final class PlanarArm extends AbstractEnv implements Renderable {
    public static final String ID = "PlanarArm-v0";
    public static final int MAX_EPISODE_STEPS = 200;
    public static final double REWARD_THRESHOLD = -100.0;

    public static final double FPS = 50;
    public static final double DT = 1.0 / FPS;
    public static final int VELOCITY_ITERATIONS = Box2dSettings.VELOCITY_ITERATIONS;
    public static final int POSITION_ITERATIONS = Box2dSettings.POSITION_ITERATIONS;

    /** Link lengths (joint to joint, elbow to fingertip), m. */
    public static final double L1 = 1.0;
    public static final double L2 = 0.8;
    public static final double LINK_WIDTH = 0.08;
    public static final double M1 = 2.0;
    public static final double M2 = 1.0;

    /** Shoulder and elbow, in observation and action order. */
    public static final List<ArmJoint> JOINTS = List.of(
            new ArmJoint("joint1", -0.9 * Math.PI, 0.9 * Math.PI, 4 * Math.PI, 20.0, 2.0, 0.05),
            new ArmJoint("joint2", -5.0 / 6.0 * Math.PI, 5.0 / 6.0 * Math.PI, 4 * Math.PI, 10.0, 1.0, 0.05));

    /** Slack of the angle observation bounds past the joint limits, rad. */
    public static final double LIMIT_TOLERANCE = 0.05;
    public static final double SUCCESS_RADIUS = 0.05;
    public static final double CONTROL_COST = 0.01;
    /** Inner edge of the reachable annulus given the elbow limit. */
    public static final double REACH_MIN = Math.sqrt(L1 * L1 + L2 * L2
            + 2 * L1 * L2 * Math.cos(JOINTS.get(1).positionMax()));
    public static final double TARGET_RADIUS_MIN = REACH_MIN + 0.05;
    public static final double TARGET_RADIUS_MAX = L1 + L2 - 0.05;
    private static final double INITIAL_MARGIN = 0.1;
    /** Torque cap of the speculative limit's motor, N m: far above the drives' 20 and 10. */
    private static final float LIMIT_MOTOR_TORQUE = 1.0e4f;
    /** Sub-steps of a step on which a joint reaches a limit. */
    private static final int LIMIT_SUBSTEPS = 5;

    private final Box2dSettings.Solvers solvers = new Box2dSettings.Solvers();
    private World world;
    private Body link1;
    private Body link2;
    private RevoluteJoint shoulder;
    private RevoluteJoint elbow;
    private double targetX;
    private double targetY;
    private final double[] commandedTorque = new double[2];

    public PlanarArm() {
        super(ID, observationBox(), Box.uniform(2, -1, 1));
    }

    private static Box observationBox() {
        ArmJoint j1 = JOINTS.get(0);
        ArmJoint j2 = JOINTS.get(1);
        double reach = L1 + L2;
        return new Box(
                new double[] {j1.positionMin() - LIMIT_TOLERANCE, j2.positionMin() - LIMIT_TOLERANCE,
                        -j1.velocityLimit(), -j2.velocityLimit(), -reach, -reach, -2 * reach, -2 * reach},
                new double[] {j1.positionMax() + LIMIT_TOLERANCE, j2.positionMax() + LIMIT_TOLERANCE,
                        j1.velocityLimit(), j2.velocityLimit(), reach, reach, 2 * reach, 2 * reach});
    }

    /** Fingertip position {x, y} for joint angles (q1, q2), m. */
    public static double[] forwardKinematics(double q1, double q2) {
        return new double[] {fingertipX(q1, q2), fingertipY(q1, q2)};
    }

    public static double fingertipX(double q1, double q2) {
        return L1 * Math.cos(q1) + L2 * Math.cos(q1 + q2);
    }

    public static double fingertipY(double q1, double q2) {
        return L1 * Math.sin(q1) + L2 * Math.sin(q1 + q2);
    }

    @Override
    protected double[] doReset() {
        ArmJoint j1 = JOINTS.get(0);
        ArmJoint j2 = JOINTS.get(1);
        double q1 = rng.uniform(j1.positionMin() + INITIAL_MARGIN, j1.positionMax() - INITIAL_MARGIN);
        double q2 = rng.uniform(j2.positionMin() + INITIAL_MARGIN, j2.positionMax() - INITIAL_MARGIN);
        // Uniform by area: the radius's square is uniform.
        double r = Math.sqrt(rng.uniform(TARGET_RADIUS_MIN * TARGET_RADIUS_MIN, TARGET_RADIUS_MAX * TARGET_RADIUS_MAX));
        double theta = rng.uniform(j1.positionMin(), j1.positionMax());
        targetX = r * Math.cos(theta);
        targetY = r * Math.sin(theta);
        buildWorld(q1, q2);
        return doStep(new double[2]).observation();
    }

    private void buildWorld(double q1, double q2) {
        world = Box2dSettings.newWorld(0, 0, solvers);
        // Actuated bodies must never freeze; sleeping would zero small velocities near the target.
        world.setAllowSleep(false);
        BodyDef baseDef = new BodyDef();
        baseDef.type = BodyType.STATIC;
        Body base = world.createBody(baseDef);
        link1 = createLink(L1, M1, 0, 0, q1);
        link2 = createLink(L2, M2, L1 * Math.cos(q1), L1 * Math.sin(q1), q1 + q2);
        shoulder = createJoint(base, new Vec2(0, 0), link1, JOINTS.get(0));
        elbow = createJoint(link1, new Vec2((float) L1, 0), link2, JOINTS.get(1));
    }

    /** A link whose body origin is its proximal joint and whose local x axis runs along it. */
    private Body createLink(double length, double mass, double x, double y, double angle) {
        BodyDef def = new BodyDef();
        def.type = BodyType.DYNAMIC;
        def.position.set((float) x, (float) y);
        def.angle = (float) angle;
        Body body = world.createBody(def);
        PolygonShape shape = new PolygonShape();
        shape.setAsBox((float) (length / 2), (float) (LINK_WIDTH / 2), new Vec2((float) (length / 2), 0), 0);
        FixtureDef fd = new FixtureDef();
        fd.shape = shape;
        fd.density = (float) (mass / (length * LINK_WIDTH));
        fd.filter.groupIndex = -1; // same negative group: the arm never collides with itself
        body.createFixture(fd);
        return body;
    }

    private RevoluteJoint createJoint(Body a, Vec2 anchorA, Body b, ArmJoint spec) {
        RevoluteJointDef def = new RevoluteJointDef();
        def.bodyA = a;
        def.bodyB = b;
        def.localAnchorA.set(anchorA);
        def.localAnchorB.set(0, 0);
        // Reference angle 0: the joint angle is b's angle minus a's, so q is measured from the
        // straight arm whatever pose the episode starts in.
        def.referenceAngle = 0;
        def.enableLimit = true;
        def.lowerAngle = (float) spec.positionMin();
        def.upperAngle = (float) spec.positionMax();
        // Coulomb friction: a motor holding zero speed with at most the friction torque.
        def.enableMotor = true;
        def.motorSpeed = 0;
        def.maxMotorTorque = (float) spec.friction();
        return (RevoluteJoint) world.createJoint(def);
    }

    @Override
    protected StepResult doStep(double[] action) {
        double ctrl = 0;
        for (int j = 0; j < 2; j++) {
            double a = clip(action[j], -1, 1);
            ctrl += a * a;
            commandedTorque[j] = a * JOINTS.get(j).torqueLimit();
        }
        // A step that would carry a joint past a limit is split into sub-steps: stopping one link
        // jolts the other, and the finer steps keep that jolt from overshooting the other limit.
        boolean nearLimit = wouldCross(shoulder, JOINTS.get(0), DT) || wouldCross(elbow, JOINTS.get(1), DT);
        int substeps = nearLimit ? LIMIT_SUBSTEPS : 1;
        double h = DT / substeps;
        for (int k = 0; k < substeps; k++) {
            speculativeLimit(shoulder, JOINTS.get(0), h);
            speculativeLimit(elbow, JOINTS.get(1), h);
            double tau1 = commandedTorque[0] - JOINTS.get(0).damping() * shoulder.getJointSpeed();
            double tau2 = commandedTorque[1] - JOINTS.get(1).damping() * elbow.getJointSpeed();
            // Joint torques act in equal and opposite pairs: the elbow's reaction falls on link 1.
            link1.applyTorque((float) (tau1 - tau2));
            link2.applyTorque((float) tau2);
            world.step((float) h, VELOCITY_ITERATIONS, POSITION_ITERATIONS);
        }

        double[] obs = observation();
        double dist = Math.hypot(obs[6], obs[7]);
        double reward = -dist - CONTROL_COST * ctrl;
        return new StepResult(obs, reward, false, false, dist < SUCCESS_RADIUS ? StepInfo.SUCCESS : StepInfo.EMPTY);
    }

    private static boolean wouldCross(RevoluteJoint joint, ArmJoint spec, double h) {
        double next = joint.getJointAngle() + joint.getJointSpeed() * h;
        return next > spec.positionMax() || next < spec.positionMin();
    }

    /**
     * JBox2D 2.2's joint limit acts only once the angle is already past it, so a joint arriving at
     * speed w overshoots by up to w*h for a step (0.15 rad at 8 rad/s, h = 1/50). Box2D 2.4 fixed
     * this with a speculative limit that lets the joint approach no faster than (limit - angle)/h.
     * This emulates it with the joint motor: on a (sub-)step that would cross a limit, the motor
     * holds the joint speed to exactly the speed that lands on the limit, with a torque cap far
     * above any in play (the hard stop's reaction). Otherwise the motor is the joint's friction.
     */
    private static void speculativeLimit(RevoluteJoint joint, ArmJoint spec, double h) {
        double q = joint.getJointAngle();
        double w = joint.getJointSpeed();
        double next = q + w * h;
        if (w > 0 && next > spec.positionMax()) {
            joint.setMotorSpeed((float) Math.max(0, (spec.positionMax() - q) / h));
            joint.setMaxMotorTorque(LIMIT_MOTOR_TORQUE);
        } else if (w < 0 && next < spec.positionMin()) {
            joint.setMotorSpeed((float) Math.min(0, (spec.positionMin() - q) / h));
            joint.setMaxMotorTorque(LIMIT_MOTOR_TORQUE);
        } else {
            joint.setMotorSpeed(0);
            joint.setMaxMotorTorque((float) spec.friction());
        }
    }

    private double[] observation() {
        ArmJoint j1 = JOINTS.get(0);
        ArmJoint j2 = JOINTS.get(1);
        double q1 = clip(shoulder.getJointAngle(), j1.positionMin() - LIMIT_TOLERANCE, j1.positionMax() + LIMIT_TOLERANCE);
        double q2 = clip(elbow.getJointAngle(), j2.positionMin() - LIMIT_TOLERANCE, j2.positionMax() + LIMIT_TOLERANCE);
        double dq1 = clip(shoulder.getJointSpeed(), -j1.velocityLimit(), j1.velocityLimit());
        double dq2 = clip(elbow.getJointSpeed(), -j2.velocityLimit(), j2.velocityLimit());
        double dx = targetX - fingertipX(q1, q2);
        double dy = targetY - fingertipY(q1, q2);
        return new double[] {q1, q2, dq1, dq2, targetX, targetY, dx, dy};
    }

    /** Unclipped joint angle from the physics, rad; index 0 shoulder, 1 elbow. */
    public double jointPosition(int joint) {
        return jointOf(joint).getJointAngle();
    }

    /** Unclipped joint speed from the physics, rad/s. */
    public double jointVelocity(int joint) {
        return jointOf(joint).getJointSpeed();
    }

    /** Torque commanded on the last step (action times the torque limit), N m. */
    public double commandedTorque(int joint) {
        return commandedTorque[joint];
    }

    /** Fingertip as the Box2D body geometry places it (link 2's far end), m. */
    public double[] bodyFingertip() {
        Vec2 p = link2.getWorldPoint(new Vec2((float) L2, 0));
        return new double[] {p.x, p.y};
    }

    public double targetX() {
        return targetX;
    }

    public double targetY() {
        return targetY;
    }

    private RevoluteJoint jointOf(int joint) {
        if (world == null) {
            throw new IllegalStateException(ID + ": no world yet; call reset() first");
        }
        return switch (joint) {
            case 0 -> shoulder;
            case 1 -> elbow;
            default -> throw new IllegalArgumentException(ID + ": joint index " + joint + " out of range [0, 1]");
        };
    }

    @Override
    public void draw(Graphics2D g, int width, int height) {
        ArmRenderer.draw(this, g, width, height);
    }

    /** Elbow position as the Box2D bodies place it, m. */
    double[] bodyElbow() {
        Vec2 p = link2.getPosition();
        return new double[] {p.x, p.y};
    }

    boolean hasWorld() {
        return world != null;
    }

    @Override
    public double controlPeriodSeconds() {
        return DT;
    }
}
