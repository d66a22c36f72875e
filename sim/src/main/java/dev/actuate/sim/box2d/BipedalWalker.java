package dev.actuate.sim.box2d;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.Renderable;
import dev.actuate.sim.StepInfo;
import dev.actuate.sim.StepResult;
import org.jbox2d.callbacks.ContactImpulse;
import org.jbox2d.callbacks.ContactListener;
import org.jbox2d.callbacks.RayCastCallback;
import org.jbox2d.collision.Manifold;
import org.jbox2d.collision.shapes.PolygonShape;
import org.jbox2d.common.Vec2;
import org.jbox2d.dynamics.Body;
import org.jbox2d.dynamics.BodyDef;
import org.jbox2d.dynamics.BodyType;
import org.jbox2d.dynamics.Fixture;
import org.jbox2d.dynamics.FixtureDef;
import org.jbox2d.dynamics.World;
import org.jbox2d.dynamics.contacts.Contact;
import org.jbox2d.dynamics.joints.RevoluteJoint;
import org.jbox2d.dynamics.joints.RevoluteJointDef;

import java.awt.Graphics2D;

/**
 * Gymnasium's {@code BipedalWalker-v3} and {@code BipedalWalkerHardcore-v3} on JBox2D: a
 * four-joint walker on random terrain, observed through joint states, ground contacts and ten
 * lidar rays. Constants, terrain, reward and termination follow the reference (Gymnasium 1.4 on
 * pybox2d 2.3.10), and so does the sequence of generator draws (terrain, clouds, then the push).
 *
 * <p>Replayed against recorded reference episodes (docs/fidelity.md), it agrees to float32
 * rounding for the first 50+ steps. That needed four corrections, all in Actuate's code:
 * <ul>
 *   <li>each joint's reference angle is the bodies' angle difference at creation, as pybox2d's
 *       {@code revoluteJointDef(bodyA=, bodyB=)} sets it (hips start at 0, not at the legs' tilt);</li>
 *   <li>JBox2D 2.2.1.1 creates contacts disabled, so the time-of-impact pass skipped a foot's new
 *       contact and the foot sank into the ground for a step ({@link Box2dWorldPool});</li>
 *   <li>JBox2D overstates the inertia of the hull polygon ({@link PolygonMass});</li>
 *   <li>JBox2D solves a flat foot's two contact points as one only below condition number 100,
 *       Box2D 2.3 below 1000, so feet pivoted on a corner ({@link Box2d23Solver}).</li>
 * </ul>
 * Before them the reference's heuristic gait walked every seed to the end; now it trips on most,
 * as on the reference. Observations are rounded to float32, as the reference returns them.
 */
public final class BipedalWalker extends AbstractEnv implements Renderable {
    public static final String ID = "BipedalWalker-v3";
    public static final String HARDCORE_ID = "BipedalWalkerHardcore-v3";

    public static final int FPS = Box2dSettings.FPS;
    public static final double SCALE = Box2dSettings.SCALE;
    public static final double MOTORS_TORQUE = 80;
    public static final double SPEED_HIP = 4;
    public static final double SPEED_KNEE = 6;
    public static final double LIDAR_RANGE = 160 / SCALE;
    public static final double INITIAL_RANDOM = 5;
    public static final double LEG_DOWN = -8 / SCALE;
    public static final double LEG_W = 8 / SCALE;
    public static final double LEG_H = 34 / SCALE;
    public static final double VIEWPORT_W = Box2dSettings.VIEWPORT_W;
    public static final double VIEWPORT_H = Box2dSettings.VIEWPORT_H;
    public static final int LIDAR_RAYS = 10;
    static final double[][] HULL_POLY = {{-30, 9}, {6, 9}, {34, 1}, {34, -8}, {-30, -8}};

    /** Ray directions, fixed, so computed once (StrictMath: identical on every JVM). */
    private static final double[] LIDAR_DX = new double[LIDAR_RAYS];
    private static final double[] LIDAR_DY = new double[LIDAR_RAYS];

    static {
        for (int i = 0; i < LIDAR_RAYS; i++) {
            LIDAR_DX[i] = StrictMath.sin(1.5 * i / 10.0) * LIDAR_RANGE;
            LIDAR_DY[i] = -StrictMath.cos(1.5 * i / 10.0) * LIDAR_RANGE;
        }
    }

    private final boolean hardcore;
    private final double endX;
    private final Box2dSettings.Solvers solvers = new Box2dSettings.Solvers();
    private World world;
    private WalkerTerrain terrain;
    private Body hull;
    /** Upper 0, lower 0, upper 1, lower 1 (the reference's {@code legs}). */
    private final Body[] legs = new Body[4];
    /** Hip 0, knee 0, hip 1, knee 1 (the reference's {@code joints}). */
    private final RevoluteJoint[] joints = new RevoluteJoint[4];
    private final boolean[] lowerLegContact = new boolean[2];
    private boolean gameOver;
    private double prevShaping;
    private boolean hasPrevShaping;

    private final Lidar lidar = new Lidar();
    private final double[] lidarFraction = new double[LIDAR_RAYS];
    private final float[] lidarP1 = new float[2];
    private final float[] lidarHit = new float[2 * LIDAR_RAYS];
    private final Vec2 rayFrom = new Vec2();
    private final Vec2 rayTo = new Vec2();

    public BipedalWalker(boolean hardcore) {
        super(hardcore ? HARDCORE_ID : ID, observationBox(), Box.uniform(4, -1, 1));
        this.hardcore = hardcore;
        this.endX = (WalkerTerrain.TERRAIN_LENGTH - WalkerTerrain.TERRAIN_GRASS) * WalkerTerrain.TERRAIN_STEP;
    }

    /**
     * The reference's bounds, as float32 like Gymnasium declares them: angles within pi, rates
     * within 5 (five times the rated speed), contacts in [0, 5], lidar in [-1, 1].
     */
    private static Box observationBox() {
        float pi = (float) Math.PI;
        double[] high = {pi, 5, 5, 5, pi, 5, pi, 5, 5, pi, 5, pi, 5, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        double[] low = new double[24];
        for (int i = 0; i < 24; i++) {
            low[i] = -high[i];
        }
        low[8] = 0;
        low[13] = 0;
        return new Box(low, high);
    }

    public boolean hardcore() {
        return hardcore;
    }

    @Override
    protected double[] doReset() {
        world = Box2dSettings.newWorld(0, -10, solvers);
        world.setContactListener(new ContactDetector());
        gameOver = false;
        hasPrevShaping = false;
        lowerLegContact[0] = false;
        lowerLegContact[1] = false;
        terrain = WalkerTerrain.generate(rng, hardcore);
        terrain.build(world);
        buildWalker();
        return advance(new double[4]).observation();
    }

    private void buildWalker() {
        double initX = WalkerTerrain.TERRAIN_STEP * WalkerTerrain.TERRAIN_STARTPAD / 2;
        double initY = WalkerTerrain.TERRAIN_HEIGHT + 2 * LEG_H;

        Vec2[] hullVerts = new Vec2[HULL_POLY.length];
        for (int k = 0; k < hullVerts.length; k++) {
            hullVerts[k] = new Vec2((float) (HULL_POLY[k][0] / SCALE), (float) (HULL_POLY[k][1] / SCALE));
        }
        PolygonShape hullShape = new PolygonShape();
        hullShape.set(hullVerts, hullVerts.length);
        hull = world.createBody(dynamicAt(initX, initY, 0));
        hull.createFixture(walkerFixture(hullShape, 5.0f, 0.1f));
        PolygonMass.reset(hull);
        hull.applyForceToCenter(new Vec2((float) rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM), 0));

        PolygonShape upperShape = new PolygonShape();
        upperShape.setAsBox((float) (LEG_W / 2), (float) (LEG_H / 2));
        PolygonShape lowerShape = new PolygonShape();
        lowerShape.setAsBox((float) (0.8 * LEG_W / 2), (float) (LEG_H / 2));
        // Box2D's default friction 0.2: the reference sets none for the legs.
        FixtureDef upperFd = walkerFixture(upperShape, 1.0f, 0.2f);
        FixtureDef lowerFd = walkerFixture(lowerShape, 1.0f, 0.2f);
        for (int side = 0; side < 2; side++) {
            int i = side == 0 ? -1 : 1;
            Body upper = world.createBody(dynamicAt(initX, initY - LEG_H / 2 - LEG_DOWN, i * 0.05));
            upper.createFixture(upperFd);
            PolygonMass.reset(upper);
            joints[2 * side] = joint(hull, upper, LEG_DOWN, LEG_H / 2, i, -0.8f, 1.1f);
            legs[2 * side] = upper;

            Body lower = world.createBody(dynamicAt(initX, initY - LEG_H * 3 / 2 - LEG_DOWN, i * 0.05));
            lower.createFixture(lowerFd);
            PolygonMass.reset(lower);
            joints[2 * side + 1] = joint(upper, lower, -LEG_H / 2, LEG_H / 2, 1, -1.6f, -0.1f);
            legs[2 * side + 1] = lower;
        }
    }

    private static BodyDef dynamicAt(double x, double y, double angle) {
        BodyDef bd = new BodyDef();
        bd.type = BodyType.DYNAMIC;
        bd.position.set((float) x, (float) y);
        bd.angle = (float) angle;
        return bd;
    }

    /** Walker parts are category 0x20 and collide only with the ground (0x01). */
    private static FixtureDef walkerFixture(PolygonShape shape, float density, float friction) {
        FixtureDef fd = new FixtureDef();
        fd.shape = shape;
        fd.density = density;
        fd.friction = friction;
        fd.restitution = 0;
        fd.filter.categoryBits = 0x0020;
        fd.filter.maskBits = 0x0001;
        return fd;
    }

    private RevoluteJoint joint(Body a, Body b, double anchorAy, double anchorBy, float speed, float lower, float upper) {
        RevoluteJointDef rjd = new RevoluteJointDef();
        rjd.bodyA = a;
        rjd.bodyB = b;
        rjd.localAnchorA.set(0, (float) anchorAy);
        rjd.localAnchorB.set(0, (float) anchorBy);
        // pybox2d's revoluteJointDef(bodyA=, bodyB=) sets referenceAngle to the bodies' current
        // angle difference, so each joint angle starts at 0 (hips: the legs' +-0.05 tilt).
        rjd.referenceAngle = b.getAngle() - a.getAngle();
        rjd.enableMotor = true;
        rjd.enableLimit = true;
        rjd.maxMotorTorque = (float) MOTORS_TORQUE;
        rjd.motorSpeed = speed;
        rjd.lowerAngle = lower;
        rjd.upperAngle = upper;
        return (RevoluteJoint) world.createJoint(rjd);
    }

    @Override
    protected StepResult doStep(double[] action) {
        return advance(action);
    }

    /** One physics step; reset's zero-action step has no previous shaping, so its reward is 0. */
    private StepResult advance(double[] action) {
        for (int j = 0; j < 4; j++) {
            double speed = (j % 2 == 0) ? SPEED_HIP : SPEED_KNEE;
            joints[j].setMotorSpeed((float) (speed * Math.signum(action[j])));
            joints[j].setMaxMotorTorque((float) (MOTORS_TORQUE * clip(Math.abs(action[j]), 0, 1)));
        }
        Box2dSettings.step(world);

        Vec2 pos = hull.getPosition();
        Vec2 vel = hull.getLinearVelocity();
        castLidar(pos);

        double angle = hull.getAngle();
        double[] s = new double[24];
        s[0] = angle;
        s[1] = 2.0 * hull.getAngularVelocity() / FPS;
        s[2] = 0.3 * vel.x * (VIEWPORT_W / SCALE) / FPS;
        s[3] = 0.3 * vel.y * (VIEWPORT_H / SCALE) / FPS;
        for (int side = 0; side < 2; side++) {
            int b = 4 + 5 * side;
            s[b] = joints[2 * side].getJointAngle();
            s[b + 1] = joints[2 * side].getJointSpeed() / SPEED_HIP;
            s[b + 2] = joints[2 * side + 1].getJointAngle() + 1.0;
            s[b + 3] = joints[2 * side + 1].getJointSpeed() / SPEED_KNEE;
            s[b + 4] = lowerLegContact[side] ? 1.0 : 0.0;
        }
        System.arraycopy(lidarFraction, 0, s, 14, LIDAR_RAYS);
        // Gymnasium declares these bounds but does not enforce them; only the hull angle and the
        // joint and hull rates can leave them, and only in violent falls. Clipping keeps every
        // observation inside the declared space, which normalisers and checks rely on.
        observationSpace().clip(s);
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) s[i]; // the reference returns np.float32
        }

        double x = pos.x;
        double shaping = 130 * x / SCALE - 5.0 * Math.abs(angle);
        double reward = 0;
        if (hasPrevShaping) {
            reward = shaping - prevShaping;
        }
        prevShaping = shaping;
        hasPrevShaping = true;
        for (int j = 0; j < 4; j++) {
            reward -= 0.00035 * MOTORS_TORQUE * clip(Math.abs(action[j]), 0, 1);
        }

        boolean terminated = false;
        boolean success = false;
        if (gameOver || x < 0) {
            reward = -100;
            terminated = true;
        }
        if (x > endX) {
            terminated = true;
            success = !gameOver;
        }
        return new StepResult(s, reward, terminated, false, success ? StepInfo.SUCCESS : StepInfo.EMPTY);
    }

    private void castLidar(Vec2 pos) {
        lidarP1[0] = pos.x;
        lidarP1[1] = pos.y;
        rayFrom.set(pos);
        for (int i = 0; i < LIDAR_RAYS; i++) {
            float endX = (float) (pos.x + LIDAR_DX[i]);
            float endY = (float) (pos.y + LIDAR_DY[i]);
            lidar.fraction = 1.0f;
            lidar.hitX = endX;
            lidar.hitY = endY;
            rayTo.set(endX, endY);
            world.raycast(lidar, rayFrom, rayTo);
            lidarFraction[i] = lidar.fraction;
            lidarHit[2 * i] = lidar.hitX;
            lidarHit[2 * i + 1] = lidar.hitY;
        }
    }

    /** Keeps the nearest terrain hit: returning the fraction clips the ray to it. */
    private static final class Lidar implements RayCastCallback {
        float fraction;
        float hitX;
        float hitY;

        @Override
        public float reportFixture(Fixture fixture, Vec2 point, Vec2 normal, float f) {
            if ((fixture.getFilterData().categoryBits & 1) == 0) {
                return -1;
            }
            hitX = point.x;
            hitY = point.y;
            fraction = f;
            return f;
        }
    }

    /**
     * As the reference: any hull contact ends the episode; a lower leg's flag follows its last
     * begin or end event (so it drops when it leaves one of two touching terrain pieces).
     */
    private final class ContactDetector implements ContactListener {
        @Override
        public void beginContact(Contact contact) {
            Body a = contact.getFixtureA().getBody();
            Body b = contact.getFixtureB().getBody();
            if (a == hull || b == hull) {
                gameOver = true;
            }
            setLegContacts(a, b, true);
        }

        @Override
        public void endContact(Contact contact) {
            setLegContacts(contact.getFixtureA().getBody(), contact.getFixtureB().getBody(), false);
        }

        private void setLegContacts(Body a, Body b, boolean value) {
            for (int side = 0; side < 2; side++) {
                Body lower = legs[2 * side + 1];
                if (lower == a || lower == b) {
                    lowerLegContact[side] = value;
                }
            }
        }

        @Override
        public void preSolve(Contact contact, Manifold oldManifold) {
        }

        @Override
        public void postSolve(Contact contact, ContactImpulse impulse) {
        }
    }

    // ---- read-only state for tests and rendering ----

    public double hullX() {
        return hull.getPosition().x;
    }

    public double hullY() {
        return hull.getPosition().y;
    }

    public double hullAngle() {
        return hull.getAngle();
    }

    /** Whether lower leg {@code side} (0 or 1) touches the ground. */
    public boolean groundContact(int side) {
        return lowerLegContact[side];
    }

    /** Lidar ray {@code i}'s fraction of {@link #LIDAR_RANGE} to the nearest terrain, 1 if none. */
    public double lidarFraction(int i) {
        return lidarFraction[i];
    }

    /** The terrain surface heights, one per {@code TERRAIN_STEP}. */
    public double[] terrainHeights() {
        return terrain.y.clone();
    }

    /** Number of hardcore obstacle blocks (stumps, stair steps, pit walls); 0 on normal terrain. */
    public int obstacleCount() {
        return terrain.obstacles.size();
    }

    /** Torque applied by joint {@code j} (hip 0, knee 0, hip 1, knee 1) in the last step, N m. */
    public double motorTorque(int j) {
        return joints[j].getMotorTorque(FPS);
    }

    @Override
    public void draw(Graphics2D g, int width, int height) {
        WalkerView.draw(g, width, height, this, terrain, hull, legs, joints, lidarP1, lidarHit);
    }

    @Override
    public double controlPeriodSeconds() {
        return 1.0 / FPS;
    }
}
