package dev.actuate.sim.robot;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.Renderable;
import dev.actuate.sim.StepInfo;
import dev.actuate.sim.StepResult;
import dev.actuate.sim.box2d.Box2dSettings;
import dev.actuate.sim.robot.Model.JointType;
import dev.actuate.sim.robot.RobotDescription.SignalRange;
import org.jbox2d.collision.AABB;
import org.jbox2d.collision.shapes.PolygonShape;
import org.jbox2d.collision.shapes.Shape;
import org.jbox2d.collision.shapes.ShapeType;
import org.jbox2d.common.Vec2;
import org.jbox2d.dynamics.Body;
import org.jbox2d.dynamics.BodyDef;
import org.jbox2d.dynamics.BodyType;
import org.jbox2d.dynamics.Fixture;
import org.jbox2d.dynamics.FixtureDef;
import org.jbox2d.dynamics.World;
import org.jbox2d.dynamics.contacts.ContactEdge;
import org.jbox2d.dynamics.joints.Joint;
import org.jbox2d.dynamics.joints.PrismaticJoint;
import org.jbox2d.dynamics.joints.PrismaticJointDef;
import org.jbox2d.dynamics.joints.RevoluteJoint;
import org.jbox2d.dynamics.joints.RevoluteJointDef;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.util.Arrays;
import java.util.List;

/**
 * The environment a {@link RobotDescription} describes, on JBox2D.
 *
 * <p><b>Reset.</b> Draws, in this order from the env's generator: the domain-randomisation factors
 * (entry by entry, item by item), each listed joint's position, each listed root body's pose
 * offset, and the target. Then it builds the robot in an empty world (the first reset's new one,
 * later ones emptied by {@link Box2dSettings#clear}, which behaves as a new world and costs a small
 * fraction of one): bodies in model order, each child placed by its joint's position from its parent
 * (forward kinematics of the declared tree, at rest), joints in model order. Then
 * {@code settle_steps} zero-action steps.
 *
 * <p><b>Step.</b> Actions are clipped to their command signal's limits and scaled: torques and
 * forces are applied to the two bodies of their joint as an equal and opposite pair (true effort
 * control, as on hardware), velocity targets drive the joint motor up to its max effort. Each joint
 * adds viscous damping (explicit, from the joint speed before the sub-step) and Coulomb friction (the
 * motor holding zero speed with the friction as its cap). Joint limits are JBox2D limits plus the
 * speculative limit of {@code PlanarArm} (Box2D 2.4's): a step that would carry a limited joint past
 * a limit is split into five sub-steps on which the motor holds the joint to the speed that lands on
 * the limit. One step lasts {@code 1 / rate_hz}.
 *
 * <p><b>Observation</b>: one value per state signal, clipped to the signal's limits; the
 * observation space is those limits. The action space is the command signals' limits.
 */
public final class DescribedEnv extends AbstractEnv implements Renderable {
    /** Torque (N m) or force (N) cap of the speculative limit's motor: far above any drive. */
    private static final float LIMIT_MOTOR_EFFORT = 1.0e4f;
    private static final int LIMIT_SUBSTEPS = 5;

    private final RobotDescription description;
    private final Model model;
    private final Task task;
    private final Randomization randomization;
    private final double dt;
    private final int nBodies;
    private final int nJoints;
    // Per-episode randomisation factors, 1 when not randomised.
    private final double[] massFactor;
    private final double[] lengthFactor;
    private final double[] frictionFactor;
    private final double[] motorFactor;
    private final double[] dampingFactor;
    /** The terms and joints resolved to arrays, so the step loop does no name lookups and allocates nothing. */
    private final Bindings bind;
    private final int[] parent;
    private final int[] child;
    private final int targetBody;
    // Per-episode joint constants (the description's, times the randomisation factors).
    private final double[] dampingCoefficient;
    private final double[] velocityMotorCap;
    // Joint positions and speeds, read from the physics once after each (sub-)step.
    private final double[] jointQ;
    private final double[] jointW;
    // Per-step scratch.
    private final double[] jointEffort;
    private final double[] jointVelocityTarget;
    private final double[] bodyTorque;
    private final double[] actionScaled;
    private final double[] siteScratchX;
    private final double[] siteScratchY;
    private final double[] siteScratchA;
    private final Vec2 forceScratch = new Vec2();
    private final Vec2 reactionScratch = new Vec2();
    private final double[] zeroAction;
    // The last step's outcome: the observation the step returns a copy of, reward, flags.
    private final double[] observation;
    private double reward;
    private boolean terminated;
    private boolean success;
    /** The site's distance to the target after the last step or reset, when a term reads it. */
    private double targetDistance;
    private final double[][] anchorA;
    private final double[][] anchorB;
    private final double[][] axisA;
    private final double[] referenceAngle;
    private final double[] rotAngle;
    private final double[] rotCos;
    private final double[] rotSin;

    private World world;
    /** This env's contact solvers (Box2D 2.3's two-point threshold), reused by every world it builds. */
    private final dev.actuate.sim.box2d.Box2dSettings.Solvers solvers = new dev.actuate.sim.box2d.Box2dSettings.Solvers();
    private Body[] bodies;
    private Joint[] joints;
    /** {@link #joints} by kind: a joint's entry is in one of the two, null in the other. */
    private RevoluteJoint[] revoluteJoints;
    private PrismaticJoint[] prismaticJoints;
    private double targetX;
    private double targetY;
    /** The target site's position after the last step or reset (see {@link #updateSite()}). */
    private double siteX;
    private double siteY;
    private double[] viewBox;

    public DescribedEnv(RobotDescription description) {
        this(description, description.file().toString());
    }

    public DescribedEnv(RobotDescription description, String id) {
        super(id, observationBox(description), actionBox(description));
        this.description = description;
        this.model = description.model();
        this.task = description.task();
        this.randomization = description.randomization();
        this.dt = 1.0 / description.rateHz();
        nBodies = model.bodies().size();
        nJoints = model.joints().size();
        massFactor = ones(nBodies);
        lengthFactor = ones(nBodies);
        frictionFactor = ones(nBodies);
        motorFactor = ones(nJoints);
        dampingFactor = ones(nJoints);
        bind = new Bindings(model, task);
        parent = bind.parent;
        child = bind.child;
        targetBody = bind.targetBody;
        dampingCoefficient = new double[nJoints];
        velocityMotorCap = new double[nJoints];
        jointQ = new double[nJoints];
        jointW = new double[nJoints];
        jointEffort = new double[nJoints];
        jointVelocityTarget = new double[nJoints];
        bodyTorque = new double[nBodies];
        actionScaled = new double[task.actions().size()];
        zeroAction = new double[task.actions().size()];
        observation = new double[task.observations().size()];
        siteScratchX = new double[nBodies];
        siteScratchY = new double[nBodies];
        siteScratchA = new double[nBodies];
        anchorA = new double[nJoints][];
        anchorB = new double[nJoints][];
        axisA = new double[nJoints][];
        referenceAngle = new double[nJoints];
        rotAngle = new double[nBodies];
        Arrays.fill(rotAngle, Double.NaN);
        rotCos = new double[nBodies];
        rotSin = new double[nBodies];
    }

    private static Box observationBox(RobotDescription d) {
        return bounds(d.states());
    }

    private static Box actionBox(RobotDescription d) {
        return bounds(d.commands());
    }

    private static Box bounds(List<SignalRange> signals) {
        double[] lo = new double[signals.size()];
        double[] hi = new double[signals.size()];
        for (int i = 0; i < lo.length; i++) {
            lo[i] = signals.get(i).min();
            hi[i] = signals.get(i).max();
        }
        return new Box(lo, hi);
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        Arrays.fill(v, 1.0);
        return v;
    }

    public RobotDescription description() {
        return description;
    }

    // ---------------------------------------------------------------- reset

    @Override
    protected double[] doReset() {
        drawRandomization();
        double[] q = new double[nJoints];
        for (Task.JointReset r : task.reset().joints()) {
            q[model.jointIndex(r.joint())] = rng.uniform(r.position()[0], r.position()[1]);
        }
        double[] px = new double[nBodies];
        double[] py = new double[nBodies];
        double[] pa = new double[nBodies];
        for (int b = 0; b < nBodies; b++) {
            Model.Body body = model.bodies().get(b);
            px[b] = body.x();
            py[b] = body.y();
            pa[b] = body.angle();
        }
        for (Task.BodyReset r : task.reset().bodies()) {
            int b = model.bodyIndex(r.body());
            px[b] += rng.uniform(r.x()[0], r.x()[1]);
            py[b] += rng.uniform(r.y()[0], r.y()[1]);
            pa[b] += rng.uniform(r.angle()[0], r.angle()[1]);
        }
        Task.Target t = task.target();
        if (t != null) {
            double[] ta = t.a();
            double[] tb = t.b();
            if (t.annulus()) {
                // Uniform by area: the radius's square is uniform.
                double r = Math.sqrt(rng.uniform(ta[0] * ta[0], ta[1] * ta[1]));
                double theta = rng.uniform(tb[0], tb[1]);
                targetX = r * Math.cos(theta);
                targetY = r * Math.sin(theta);
            } else {
                targetX = rng.uniform(ta[0], ta[1]);
                targetY = rng.uniform(tb[0], tb[1]);
            }
        }
        for (int j = 0; j < nJoints; j++) {
            dampingCoefficient[j] = bind.damping[j] * dampingFactor[j];
            velocityMotorCap[j] = bind.maxEffort[j] * motorFactor[j];
        }
        jointGeometry();
        placeBodies(q, px, py, pa);
        buildWorld(px, py, pa);
        viewBox = null;
        readJoints();
        if (task.settleSteps() == 0) {
            updateSite();
            observe();
        }
        for (int s = 0; s < task.settleSteps(); s++) {
            advance(zeroAction);
        }
        return observation.clone();
    }

    private void drawRandomization() {
        Arrays.fill(massFactor, 1.0);
        Arrays.fill(lengthFactor, 1.0);
        Arrays.fill(frictionFactor, 1.0);
        Arrays.fill(motorFactor, 1.0);
        Arrays.fill(dampingFactor, 1.0);
        for (Randomization.Entry e : randomization.entries()) {
            for (String name : e.targets()) {
                double f = rng.uniform(e.low(), e.high());
                switch (e.parameter()) {
                    case MASS -> massFactor[model.bodyIndex(name)] *= f;
                    case LENGTH -> lengthFactor[model.bodyIndex(name)] *= f;
                    case FRICTION -> frictionFactor[model.bodyIndex(name)] *= f;
                    case MOTOR -> motorFactor[model.jointIndex(name)] *= f;
                    case DAMPING -> dampingFactor[model.jointIndex(name)] *= f;
                    default -> throw new AssertionError(e.parameter());
                }
            }
        }
    }

    /** Joint {@code j}'s anchor in its parent's frame (local coordinates, scaled with the parent's length). */
    private double[] localAnchor(int j, int body) {
        Model.Joint spec = model.joints().get(j);
        Model.Body b = model.bodies().get(body);
        double dx = spec.anchorX() - b.x();
        double dy = spec.anchorY() - b.y();
        double c = Math.cos(-b.angle());
        double s = Math.sin(-b.angle());
        double f = lengthFactor[body];
        return new double[] {(c * dx - s * dy) * f, (s * dx + c * dy) * f};
    }

    /** Forward kinematics of the tree: each child from its parent's pose and the joint position. */
    private void placeBodies(double[] q, double[] px, double[] py, double[] pa) {
        for (int j = 0; j < nJoints; j++) {
            placeChild(j, q, px, py, pa);
        }
    }

    /** Places joint {@code j}'s child from its parent's pose; cos/sin are cached per body angle (trig dominates). */
    private void placeChild(int j, double[] q, double[] px, double[] py, double[] pa) {
        int a = parent[j];
        int b = child[j];
        double[] la = anchorA[j];
        double[] lb = anchorB[j];
        rotation(a, pa[a]);
        double ca = rotCos[a];
        double sa = rotSin[a];
        double ax = la[0];
        double ay = la[1];
        if (!bind.revolute[j]) {
            double[] axis = axisA[j];
            ax += axis[0] * q[j];
            ay += axis[1] * q[j];
            pa[b] = pa[a] + referenceAngle[j];
        } else {
            pa[b] = pa[a] + referenceAngle[j] + q[j];
        }
        double wx = px[a] + (ca * ax - sa * ay);
        double wy = py[a] + (sa * ax + ca * ay);
        if (lb[0] == 0 && lb[1] == 0) { // the child's origin is the joint (the usual convention)
            px[b] = wx;
            py[b] = wy;
            return;
        }
        rotation(b, pa[b]);
        px[b] = wx - (rotCos[b] * lb[0] - rotSin[b] * lb[1]);
        py[b] = wy - (rotSin[b] * lb[0] + rotCos[b] * lb[1]);
    }

    private void rotation(int body, double angle) {
        if (rotAngle[body] != angle) { // NaN at first: always computed once
            rotAngle[body] = angle;
            rotCos[body] = Math.cos(angle);
            rotSin[body] = Math.sin(angle);
        }
    }

    /** Per-episode joint geometry (anchors scale with the randomised lengths). */
    private void jointGeometry() {
        for (int j = 0; j < nJoints; j++) {
            anchorA[j] = localAnchor(j, parent[j]);
            anchorB[j] = localAnchor(j, child[j]);
            referenceAngle[j] = model.bodies().get(child[j]).angle() - model.bodies().get(parent[j]).angle();
            axisA[j] = localAxis(j);
        }
    }

    /** A prismatic joint's axis in its parent's frame. */
    private double[] localAxis(int j) {
        Model.Joint spec = model.joints().get(j);
        double angle = model.bodies().get(parent[j]).angle();
        double c = Math.cos(-angle);
        double s = Math.sin(-angle);
        return new double[] {c * spec.axisX() - s * spec.axisY(), s * spec.axisX() + c * spec.axisY()};
    }

    private void buildWorld(double[] px, double[] py, double[] pa) {
        double[] g = model.gravity();
        if (world == null) {
            world = Box2dSettings.newWorld(g[0], g[1], solvers);
        } else {
            Box2dSettings.clear(world); // the same bodies in the same order: as a new world, without building one
        }
        // Actuated bodies must never freeze: sleeping would zero small velocities near a set point.
        world.setAllowSleep(false);
        bodies = new Body[nBodies];
        for (int b = 0; b < nBodies; b++) {
            bodies[b] = createBody(b, px[b], py[b], pa[b]);
        }
        joints = new Joint[nJoints];
        revoluteJoints = new RevoluteJoint[nJoints];
        prismaticJoints = new PrismaticJoint[nJoints];
        for (int j = 0; j < nJoints; j++) {
            joints[j] = createJoint(j);
            if (joints[j] instanceof RevoluteJoint r) {
                revoluteJoints[j] = r;
            } else {
                prismaticJoints[j] = (PrismaticJoint) joints[j];
            }
        }
    }

    private Body createBody(int index, double x, double y, double angle) {
        Model.Body spec = model.bodies().get(index);
        BodyDef def = new BodyDef();
        def.type = spec.fixed() ? BodyType.STATIC : BodyType.DYNAMIC;
        def.position.set((float) x, (float) y);
        def.angle = (float) angle;
        def.linearDamping = (float) spec.linearDamping();
        def.angularDamping = (float) spec.angularDamping();
        Body body = world.createBody(def);
        if (spec.shape() != null) {
            double f = lengthFactor[index];
            Shape shape;
            if (spec.shape() instanceof Model.BoxShape bx) {
                PolygonShape p = new PolygonShape();
                p.setAsBox((float) (bx.width() * f / 2), (float) (bx.height() * f / 2),
                        new Vec2((float) (bx.cx() * f), (float) (bx.cy() * f)), (float) bx.angle());
                shape = p;
            } else if (spec.shape() instanceof Model.CircleShape c) {
                org.jbox2d.collision.shapes.CircleShape cs = new org.jbox2d.collision.shapes.CircleShape();
                cs.m_radius = (float) (c.radius() * f);
                cs.m_p.set((float) (c.cx() * f), (float) (c.cy() * f));
                shape = cs;
            } else {
                double[] v = ((Model.PolygonShape) spec.shape()).vertices();
                Vec2[] vs = new Vec2[v.length / 2];
                for (int i = 0; i < vs.length; i++) {
                    vs[i] = new Vec2((float) (v[2 * i] * f), (float) (v[2 * i + 1] * f));
                }
                PolygonShape p = new PolygonShape();
                p.set(vs, vs.length);
                shape = p;
            }
            double area = spec.shape().area() * f * f;
            double density = Double.isNaN(spec.mass()) ? spec.density() * massFactor[index]
                    : spec.mass() * massFactor[index] / area;
            FixtureDef fd = new FixtureDef();
            fd.shape = shape;
            fd.density = (float) density;
            fd.friction = (float) (spec.friction() * frictionFactor[index]);
            fd.restitution = (float) spec.restitution();
            fd.filter.groupIndex = spec.group();
            body.createFixture(fd);
        }
        return body;
    }

    private Joint createJoint(int j) {
        Model.Joint spec = model.joints().get(j);
        int a = parent[j];
        int b = child[j];
        double[] la = anchorA[j];
        double[] lb = anchorB[j];
        float ref = (float) referenceAngle[j];
        if (spec.type() == JointType.REVOLUTE) {
            RevoluteJointDef def = new RevoluteJointDef();
            def.bodyA = bodies[a];
            def.bodyB = bodies[b];
            def.localAnchorA.set((float) la[0], (float) la[1]);
            def.localAnchorB.set((float) lb[0], (float) lb[1]);
            def.referenceAngle = ref;
            def.enableLimit = spec.limited();
            if (spec.limited()) {
                def.lowerAngle = (float) spec.lower();
                def.upperAngle = (float) spec.upper();
            }
            def.enableMotor = true;
            def.motorSpeed = 0;
            def.maxMotorTorque = (float) spec.friction();
            return world.createJoint(def);
        }
        PrismaticJointDef def = new PrismaticJointDef();
        def.bodyA = bodies[a];
        def.bodyB = bodies[b];
        def.localAnchorA.set((float) la[0], (float) la[1]);
        def.localAnchorB.set((float) lb[0], (float) lb[1]);
        double[] axis = axisA[j];
        def.localAxisA.set((float) axis[0], (float) axis[1]);
        def.localAxisA.normalize();
        def.referenceAngle = ref;
        def.enableLimit = spec.limited();
        if (spec.limited()) {
            def.lowerTranslation = (float) spec.lower();
            def.upperTranslation = (float) spec.upper();
        }
        def.enableMotor = true;
        def.motorSpeed = 0;
        def.maxMotorForce = (float) spec.friction();
        return world.createJoint(def);
    }

    // ---------------------------------------------------------------- step

    @Override
    protected StepResult doStep(double[] action) {
        advance(action);
        return new StepResult(observation.clone(), reward, terminated, false,
                success ? StepInfo.SUCCESS : StepInfo.EMPTY);
    }

    /**
     * One step: the physics, then the observation into {@link #observation}, the reward and the
     * flags. Allocates nothing (every term was resolved into {@link #bind} at construction);
     * {@link #doStep} adds only the copy of the observation and the result the contract returns.
     */
    void advance(double[] action) {
        Bindings b = bind;
        Arrays.fill(jointEffort, 0);
        Arrays.fill(jointVelocityTarget, Double.NaN);
        double ctrl = 0;
        for (int k = 0; k < b.actionJoint.length; k++) {
            double a = clip(action[k], b.actionMin[k], b.actionMax[k]);
            ctrl += a * a;
            int j = b.actionJoint[k];
            if (b.actionVelocity[k]) {
                jointVelocityTarget[j] = a * b.actionScale[k];
                actionScaled[k] = jointVelocityTarget[j];
            } else {
                jointEffort[j] += a * b.actionScale[k] * motorFactor[j];
                actionScaled[k] = jointEffort[j];
            }
        }
        // A step that would carry a joint past a limit is split into sub-steps: stopping one link
        // jolts the others, and the finer steps keep that jolt from overshooting another limit.
        boolean nearLimit = false;
        for (int j = 0; j < nJoints; j++) {
            nearLimit |= wouldCross(j, dt);
        }
        int substeps = nearLimit ? LIMIT_SUBSTEPS : 1;
        double h = dt / substeps;
        for (int s = 0; s < substeps; s++) {
            for (int j = 0; j < nJoints; j++) {
                setMotor(j, h);
            }
            Arrays.fill(bodyTorque, 0);
            for (int j = 0; j < nJoints; j++) {
                double effort = jointEffort[j] - dampingCoefficient[j] * jointW[j];
                if (b.revolute[j]) {
                    // Joint torques act in equal and opposite pairs on the joint's two bodies.
                    bodyTorque[child[j]] += effort;
                    bodyTorque[parent[j]] -= effort;
                } else if (effort != 0) {
                    Body pa = bodies[parent[j]];
                    Body ch = bodies[child[j]];
                    Vec2 f = forceScratch;
                    pa.getWorldVectorToOut(prismaticJoints[j].getLocalAxisA(), f);
                    f.set(f.x * (float) effort, f.y * (float) effort);
                    ch.applyForceToCenter(f);
                    reactionScratch.set(-f.x, -f.y);
                    pa.applyForce(reactionScratch, ch.getWorldCenter());
                }
            }
            for (int d : b.dynamicBodies) {
                bodies[d].applyTorque((float) bodyTorque[d]);
            }
            world.step((float) h, model.velocityIterations(), model.positionIterations());
            readJoints();
        }

        updateSite();
        observe();
        double r = 0;
        for (int i = 0; i < b.rewardType.length; i++) {
            r += b.rewardWeight[i] * rewardValue(i, ctrl);
        }
        reward = r;
        boolean end = false;
        for (int i = 0; i < b.terminationType.length; i++) {
            end |= terminates(i);
        }
        terminated = end;
        success = success();
    }

    /** Refreshes {@link #jointQ} and {@link #jointW} from the physics (after a build or a world step). */
    private void readJoints() {
        for (int j = 0; j < nJoints; j++) {
            jointQ[j] = jointPosition(j);
            jointW[j] = jointSpeed(j);
        }
    }

    private boolean wouldCross(int j, double step) {
        if (!bind.limited[j]) {
            return false;
        }
        double next = jointQ[j] + jointW[j] * step;
        return next > bind.upper[j] || next < bind.lower[j];
    }

    /**
     * JBox2D 2.2's limit acts only once the joint is past it, so a joint arriving at speed w
     * overshoots by up to w*h for a step. On a (sub-)step that would cross a limit the motor holds
     * the joint to exactly the speed that lands on it (Box2D 2.4's speculative limit); otherwise
     * the motor is the velocity target or the joint's friction.
     */
    private void setMotor(int j, double h) {
        Bindings b = bind;
        double q = jointQ[j];
        double w = jointW[j];
        double next = q + w * h;
        double speed;
        double cap;
        if (b.limited[j] && w > 0 && next > b.upper[j]) {
            speed = Math.max(0, (b.upper[j] - q) / h);
            cap = LIMIT_MOTOR_EFFORT;
        } else if (b.limited[j] && w < 0 && next < b.lower[j]) {
            speed = Math.min(0, (b.lower[j] - q) / h);
            cap = LIMIT_MOTOR_EFFORT;
        } else if (!Double.isNaN(jointVelocityTarget[j])) {
            speed = jointVelocityTarget[j];
            cap = velocityMotorCap[j];
        } else {
            speed = 0;
            cap = b.friction[j];
        }
        RevoluteJoint r = revoluteJoints[j];
        if (r != null) {
            r.setMotorSpeed((float) speed);
            r.setMaxMotorTorque((float) cap);
        } else {
            PrismaticJoint p = prismaticJoints[j];
            p.setMotorSpeed((float) speed);
            p.setMaxMotorForce((float) cap);
        }
    }

    /** Joint {@code j}'s position from the physics (use {@link #jointQ} inside a step). */
    private double jointPosition(int j) {
        RevoluteJoint r = revoluteJoints[j];
        return r != null ? r.getJointAngle() : prismaticJoints[j].getJointTranslation();
    }

    /** Joint {@code j}'s speed from the physics (use {@link #jointW} inside a step). */
    private double jointSpeed(int j) {
        RevoluteJoint r = revoluteJoints[j];
        return r != null ? r.getJointSpeed() : prismaticJoints[j].getJointSpeed();
    }

    private double sensor(Model.SensorType type, int i) {
        return switch (type) {
            case JOINT_POSITION -> jointQ[i];
            case JOINT_VELOCITY -> jointW[i];
            case BODY_X -> bodies[i].getPosition().x;
            case BODY_Y -> bodies[i].getPosition().y;
            case BODY_ANGLE -> bodies[i].getAngle();
            case BODY_VX -> bodies[i].getLinearVelocity().x;
            case BODY_VY -> bodies[i].getLinearVelocity().y;
            case BODY_ANGULAR_VELOCITY -> bodies[i].getAngularVelocity();
            case CONTACT -> touching(bodies[i]) ? 1 : 0;
        };
    }

    private static boolean touching(Body b) {
        for (ContactEdge e = b.getContactList(); e != null; e = e.next) {
            if (e.contact.isTouching()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The target site's world position: forward kinematics of the measured joint positions from the
     * root body's pose, as hardware with only joint encoders computes its fingertip (and as
     * PlanarArm-v0 does), rather than JBox2D's body pose, which drifts from the joints by the
     * solver's slop. Also the site's distance to the target, when a term reads it.
     */
    private void updateSite() {
        if (targetBody >= 0) {
            // Only the root's pose is read from the physics; the chain's joints place the rest.
            int root = bind.siteRoot;
            siteScratchX[root] = bodies[root].getPosition().x;
            siteScratchY[root] = bodies[root].getPosition().y;
            siteScratchA[root] = bodies[root].getAngle();
            for (int j : bind.siteChain) {
                placeChild(j, jointQ, siteScratchX, siteScratchY, siteScratchA);
            }
            Task.Target t = task.target();
            double f = lengthFactor[targetBody];
            double sx = t.siteX() * f;
            double sy = t.siteY() * f;
            rotation(targetBody, siteScratchA[targetBody]);
            double c = rotCos[targetBody];
            double s = rotSin[targetBody];
            siteX = siteScratchX[targetBody] + (c * sx - s * sy);
            siteY = siteScratchY[targetBody] + (s * sx + c * sy);
        }
        if (bind.needsDistance) {
            targetDistance = Math.hypot(targetX - siteX, targetY - siteY);
        }
    }

    /** Fills {@link #observation}: each term's reading, transformed and clipped to its signal's limits. */
    private void observe() {
        Bindings b = bind;
        for (int i = 0; i < observation.length; i++) {
            double v;
            Model.SensorType sensor = b.obsSensor[i];
            if (sensor != null) {
                v = sensor(sensor, b.obsIndex[i]);
            } else {
                v = switch (b.obsTarget[i]) {
                    case X -> targetX;
                    case Y -> targetY;
                    case DX -> targetX - siteX;
                    case DY -> targetY - siteY;
                    case DISTANCE -> targetDistance;
                };
            }
            v = switch (b.obsTransform[i]) {
                case NONE -> v;
                case WRAP -> wrap(v);
                case SIN -> Math.sin(v);
                case COS -> Math.cos(v);
            };
            observation[i] = clip(v, b.obsMin[i], b.obsMax[i]);
        }
    }

    /** An angle into [-pi, pi). */
    static double wrap(double a) {
        return a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
    }

    private double rewardValue(int i, double ctrl) {
        int k = bind.rewardIndex[i];
        return switch (bind.rewardType[i]) {
            case TARGET_DISTANCE -> targetDistance;
            case TARGET_WITHIN -> targetDistance <= bind.rewardTarget[i] ? 1 : 0;
            case POSE_ERROR -> {
                double e = jointQ[k] - bind.rewardTarget[i];
                yield e * e;
            }
            case JOINT_VELOCITY -> jointW[k] * jointW[k];
            case UPRIGHT -> Math.cos(bodies[k].getAngle());
            case CONTROL -> ctrl;
            case ALIVE -> 1;
        };
    }

    private boolean terminates(int i) {
        int k = bind.terminationIndex[i];
        return switch (bind.terminationType[i]) {
            case BODY_ANGLE -> Math.abs(wrap(bodies[k].getAngle())) > bind.terminationMax[i];
            case JOINT_POSITION -> jointQ[k] < bind.terminationMin[i] || jointQ[k] > bind.terminationMax[i];
            case BODY_BELOW -> bodies[k].getPosition().y < bind.terminationMin[i];
            case CONTACT -> touching(bodies[k]);
        };
    }

    private boolean success() {
        Bindings b = bind;
        if (!b.hasSuccess) {
            return false;
        }
        if (b.successBody >= 0) {
            return Math.abs(wrap(bodies[b.successBody].getAngle())) <= b.successAngle;
        }
        return targetDistance < b.successRadius;
    }

    // ---------------------------------------------------------------- inspection (tests, rendering)

    /** Joint {@code j}'s position from the physics (rad or m), in model order. */
    public double jointPositionOf(int j) {
        requireWorld();
        return jointPosition(j);
    }

    /** The mass JBox2D gave body {@code b} this episode, kg. */
    public double bodyMass(int b) {
        requireWorld();
        return bodies[b].getMass();
    }

    /** Joint {@code j}'s motor strength factor this episode (1 when not randomised). */
    public double motorFactor(int j) {
        return motorFactor[j];
    }

    /** The last step's commanded effort or velocity target per action term (N m, N, rad/s or m/s). */
    public double commanded(int k) {
        return actionScaled[k];
    }

    public double targetX() {
        return targetX;
    }

    public double targetY() {
        return targetY;
    }

    /** JBox2D's contacts in the world now (touching or only overlapping bounding boxes). */
    int contactCount() {
        requireWorld();
        return world.getContactCount();
    }

    private void requireWorld() {
        if (world == null) {
            throw new IllegalStateException(id() + ": no world yet; call reset() first");
        }
    }

    @Override
    public void draw(Graphics2D g, int width, int height) {
        g.setColor(new Color(250, 250, 245));
        g.fillRect(0, 0, width, height);
        if (world == null) {
            return;
        }
        if (viewBox == null) {
            viewBox = extent();
        }
        double scale = Math.min(width / (viewBox[2] - viewBox[0]), height / (viewBox[3] - viewBox[1]));
        double ox = width / 2.0 - scale * (viewBox[0] + viewBox[2]) / 2;
        double oy = height / 2.0 + scale * (viewBox[1] + viewBox[3]) / 2;
        g.setStroke(new BasicStroke(1.5f));
        for (Body b = world.getBodyList(); b != null; b = b.getNext()) {
            Color fill = b.getType() == BodyType.STATIC ? new Color(150, 150, 150) : new Color(70, 110, 180);
            for (Fixture f = b.getFixtureList(); f != null; f = f.getNext()) {
                java.awt.Shape s = toScreen(b, f.getShape(), scale, ox, oy);
                g.setColor(fill);
                g.fill(s);
                g.setColor(fill.darker());
                g.draw(s);
            }
        }
        if (task.target() != null) {
            double r = 0.04 * scale;
            g.setColor(new Color(210, 60, 50));
            g.fill(new Ellipse2D.Double(ox + scale * targetX - r, oy - scale * targetY - r, 2 * r, 2 * r));
        }
    }

    private static java.awt.Shape toScreen(Body b, Shape shape, double scale, double ox, double oy) {
        if (shape.getType() == ShapeType.CIRCLE) {
            org.jbox2d.collision.shapes.CircleShape c = (org.jbox2d.collision.shapes.CircleShape) shape;
            Vec2 p = b.getWorldPoint(c.m_p);
            double r = c.m_radius * scale;
            return new Ellipse2D.Double(ox + scale * p.x - r, oy - scale * p.y - r, 2 * r, 2 * r);
        }
        PolygonShape poly = (PolygonShape) shape;
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < poly.getVertexCount(); i++) {
            Vec2 p = b.getWorldPoint(poly.getVertex(i));
            if (i == 0) {
                path.moveTo(ox + scale * p.x, oy - scale * p.y);
            } else {
                path.lineTo(ox + scale * p.x, oy - scale * p.y);
            }
        }
        path.closePath();
        return path;
    }

    /**
     * A view that holds the robot wherever its joints take it: centred on the first body (the
     * base, rail or ground), as wide as the moving bodies can reach (the distance of the free ones
     * from it, plus every moving body's size, plus the prismatic joints' travel along x and y), at
     * most 20 m.
     */
    private double[] extent() {
        Vec2 c = bodies[0].getPosition();
        boolean[] isChild = new boolean[nBodies];
        for (int j = 0; j < nJoints; j++) {
            isChild[child[j]] = true;
        }
        double far = 0;
        double reach = 0.15;
        for (int b = 0; b < nBodies; b++) {
            if (model.bodies().get(b).fixed()) {
                continue;
            }
            Vec2 p = bodies[b].getPosition();
            if (!isChild[b]) {
                far = Math.max(far, Math.hypot(p.x - c.x, p.y - c.y));
            }
            for (Fixture f = bodies[b].getFixtureList(); f != null; f = f.getNext()) {
                AABB box = f.getAABB(0);
                double rx = Math.max(Math.abs(box.lowerBound.x - p.x), Math.abs(box.upperBound.x - p.x));
                double ry = Math.max(Math.abs(box.lowerBound.y - p.y), Math.abs(box.upperBound.y - p.y));
                reach += Math.hypot(rx, ry);
            }
        }
        double hx = far + reach;
        double hy = far + reach;
        for (Model.Joint j : model.joints()) {
            if (j.type() == JointType.PRISMATIC && j.limited()) {
                double travel = Math.max(Math.abs(j.lower()), Math.abs(j.upper()));
                hx += travel * Math.abs(j.axisX());
                hy += travel * Math.abs(j.axisY());
            }
        }
        if (task.target() != null) {
            hx = Math.max(hx, Math.abs(targetX - c.x) + 0.15);
            hy = Math.max(hy, Math.abs(targetY - c.y) + 0.15);
        }
        hx = Math.min(10, hx);
        hy = Math.min(10, hy);
        return new double[] {c.x - hx, c.y - hy, c.x + hx, c.y + hy};
    }
}
