package dev.actuate.sim.box2d;

import dev.actuate.sim.AbstractEnv;
import dev.actuate.sim.Box;
import dev.actuate.sim.Renderable;
import dev.actuate.sim.StepInfo;
import dev.actuate.sim.StepResult;

import org.jbox2d.callbacks.ContactImpulse;
import org.jbox2d.callbacks.ContactListener;
import org.jbox2d.collision.Manifold;
import org.jbox2d.collision.shapes.EdgeShape;
import org.jbox2d.collision.shapes.PolygonShape;
import org.jbox2d.common.Transform;
import org.jbox2d.common.Vec2;
import org.jbox2d.dynamics.Body;
import org.jbox2d.dynamics.BodyDef;
import org.jbox2d.dynamics.BodyType;
import org.jbox2d.dynamics.FixtureDef;
import org.jbox2d.dynamics.World;
import org.jbox2d.dynamics.contacts.Contact;
import org.jbox2d.dynamics.joints.RevoluteJointDef;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;

/**
 * Gymnasium's {@code LunarLanderContinuous-v3} on JBox2D: land on the pad between the flags
 * with a throttleable main engine and two side engines.
 *
 * <p>Faithful to the reference step for step: a fresh world per reset, the same terrain, bodies,
 * joints, initial push, engine impulse points and directions, observation, shaping reward and
 * termination rules (crash or leaving the screen: -100; lander asleep: +100), and the same
 * sequence of generator draws (twelve heights in one call, the push, the wind phases, two
 * dispersions per step), so a recorded reference episode replays here (docs/fidelity.md). Three
 * corrections make JBox2D 2.2.1.1 behave as the reference's Box2D 2.3, all in Actuate's code: the
 * legs' joint reference angle is their initial tilt, as pybox2d sets it; new contacts start
 * enabled ({@link Box2dWorldPool}); the body's inertia uses Box2D 2.3's formula
 * ({@link PolygonMass}). The contact solver also gets Box2D 2.3's two-point threshold
 * ({@link Box2d23Solver}). The seeds differ from Gymnasium's (Actuate's generator is not numpy's).
 * The returned observation is rounded to float32 (as the reference returns it) and clipped into
 * the declared v3 bounds, which the reference declares but does not enforce; the reward is computed
 * from the unclipped state, as in the reference.
 */
public final class LunarLander extends AbstractEnv implements Renderable {
    public static final String ID = "LunarLanderContinuous-v3";

    public static final int FPS = Box2dSettings.FPS;
    public static final double SCALE = Box2dSettings.SCALE;
    public static final double MAIN_ENGINE_POWER = 13.0;
    public static final double SIDE_ENGINE_POWER = 0.6;
    public static final double INITIAL_RANDOM = 1000.0;
    public static final double LEG_AWAY = 20;
    public static final double LEG_DOWN = 18;
    public static final double LEG_W = 2;
    public static final double LEG_H = 8;
    public static final double LEG_SPRING_TORQUE = 40;
    public static final double SIDE_ENGINE_HEIGHT = 14.0;
    public static final double SIDE_ENGINE_AWAY = 12.0;
    public static final double MAIN_ENGINE_Y_LOCATION = 4.0;
    /** Lander outline in pixels, as the reference's {@code LANDER_POLY}. */
    private static final double[][] LANDER_POLY = {{-14, 17}, {-17, 0}, {-17, -10}, {17, -10}, {17, 0}, {14, 17}};

    /** World width and height in metres. */
    public static final double W = Box2dSettings.VIEWPORT_W / SCALE;
    public static final double H = Box2dSettings.VIEWPORT_H / SCALE;
    public static final int CHUNKS = 11;
    public static final double HELIPAD_Y = H / 4;

    private static final int CATEGORY_GROUND = 0x0001;
    private static final int CATEGORY_LANDER = 0x0010;
    private static final int CATEGORY_LEG = 0x0020;
    private static final double TWO_PI_F32 = (float) (2 * Math.PI);
    private static final Box OBSERVATION_SPACE = new Box(
            new double[] {-2.5, -2.5, -10, -10, -TWO_PI_F32, -10, 0, 0},
            new double[] {2.5, 2.5, 10, 10, TWO_PI_F32, 10, 1, 1});

    /**
     * Constructor arguments of the reference ({@code gravity}, {@code enable_wind},
     * {@code wind_power}, {@code turbulence_power}), validated.
     */
    public record Options(boolean enableWind, double windPower, double turbulencePower, double gravity) {
        public static final Options DEFAULT = new Options(false, 15.0, 1.5, -10.0);

        public Options {
            if (!(gravity > -12.0 && gravity < 0.0)) {
                throw new IllegalArgumentException("LunarLander options: gravity must be in (-12, 0), got " + gravity);
            }
            if (!Double.isFinite(windPower)) {
                throw new IllegalArgumentException("LunarLander options: windPower must be finite, got " + windPower);
            }
            if (!Double.isFinite(turbulencePower)) {
                throw new IllegalArgumentException("LunarLander options: turbulencePower must be finite, got "
                        + turbulencePower);
            }
        }

        /** The defaults with wind and turbulence switched on. */
        public static Options windy() {
            return new Options(true, DEFAULT.windPower, DEFAULT.turbulencePower, DEFAULT.gravity);
        }
    }

    private final Options options;
    private final ContactListener contactDetector = new ContactDetector();

    private final Box2dSettings.Solvers solvers = new Box2dSettings.Solvers();
    private World world;
    private Body lander;
    private final Body[] legs = new Body[2];
    private final boolean[] legContact = new boolean[2];
    private boolean gameOver;
    private boolean hasPrevShaping;
    private double prevShaping;
    private int windIdx;
    private int torqueIdx;
    private double lastMainPower;
    private double lastSidePower;
    private double lastSideDirection;
    private final double[] terrainX = new double[CHUNKS];
    private final double[] terrainY = new double[CHUNKS];

    // Reused temporaries: the step allocates only its observation and result.
    private final Vec2 tmpVec = new Vec2();
    private final Vec2 tmpPoint = new Vec2();

    public LunarLander() {
        this(Options.DEFAULT);
    }

    public LunarLander(Options options) {
        super(ID, OBSERVATION_SPACE, Box.uniform(2, -1, 1));
        if (options == null) {
            throw new IllegalArgumentException("LunarLander options must not be null");
        }
        this.options = options;
    }

    public Options options() {
        return options;
    }

    @Override
    protected double[] doReset() {
        // A fresh world every episode: reusing one carries broad-phase and pool state across
        // episodes, which breaks seeded determinism (Gymnasium issue #728).
        world = Box2dSettings.newWorld(0, options.gravity(), solvers);
        world.setContactListener(contactDetector);
        gameOver = false;
        hasPrevShaping = false;
        legContact[0] = false;
        legContact[1] = false;
        lastMainPower = 0;
        lastSidePower = 0;
        lastSideDirection = 0;

        buildTerrain();
        buildLander();
        if (options.enableWind()) {
            // v3 draws the wind and turbulence phases per episode, in [-9999, 9999).
            windIdx = rng.integers(-9999, 9999);
            torqueIdx = rng.integers(-9999, 9999);
        }
        buildLegs();
        // As the reference: one zero-action step; its observation starts the episode.
        return advance(0.0, 0.0).observation();
    }

    private void buildTerrain() {
        double[] height = rng.uniform(0, H / 2, CHUNKS + 1); // one call, as the reference
        for (int i = 0; i < CHUNKS; i++) {
            terrainX[i] = W / (CHUNKS - 1) * i;
        }
        for (int i = CHUNKS / 2 - 2; i <= CHUNKS / 2 + 2; i++) {
            height[i] = HELIPAD_Y;
        }
        for (int i = 0; i < CHUNKS; i++) {
            // i - 1 = -1 wraps to the last height, as Python's negative index does.
            double prev = height[i == 0 ? height.length - 1 : i - 1];
            terrainY[i] = 0.33 * (prev + height[i] + height[i + 1]);
        }

        Body moon = world.createBody(new BodyDef());
        EdgeShape bottom = new EdgeShape();
        bottom.set(new Vec2(0, 0), new Vec2((float) W, 0));
        FixtureDef bottomDef = new FixtureDef(); // reference defaults: friction 0.2, density 0
        bottomDef.shape = bottom;
        moon.createFixture(bottomDef);
        for (int i = 0; i < CHUNKS - 1; i++) {
            EdgeShape edge = new EdgeShape();
            edge.set(new Vec2((float) terrainX[i], (float) terrainY[i]),
                    new Vec2((float) terrainX[i + 1], (float) terrainY[i + 1]));
            FixtureDef fd = new FixtureDef();
            fd.shape = edge;
            fd.density = 0;
            fd.friction = 0.1f;
            moon.createFixture(fd);
        }
    }

    private void buildLander() {
        BodyDef bd = new BodyDef();
        bd.type = BodyType.DYNAMIC;
        bd.position.set((float) (W / 2), (float) H);
        bd.angle = 0;
        lander = world.createBody(bd);
        Vec2[] verts = new Vec2[LANDER_POLY.length];
        for (int i = 0; i < verts.length; i++) {
            verts[i] = new Vec2((float) (LANDER_POLY[i][0] / SCALE), (float) (LANDER_POLY[i][1] / SCALE));
        }
        PolygonShape poly = new PolygonShape();
        poly.set(verts, verts.length);
        FixtureDef fd = new FixtureDef();
        fd.shape = poly;
        fd.density = 5.0f;
        fd.friction = 0.1f;
        fd.restitution = 0.0f;
        fd.filter.categoryBits = CATEGORY_LANDER;
        fd.filter.maskBits = CATEGORY_GROUND;
        lander.createFixture(fd);
        PolygonMass.reset(lander);
        double fx = rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM);
        double fy = rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM);
        lander.applyForceToCenter(new Vec2((float) fx, (float) fy));
    }

    private void buildLegs() {
        for (int k = 0; k < 2; k++) {
            int i = k == 0 ? -1 : +1;
            BodyDef bd = new BodyDef();
            bd.type = BodyType.DYNAMIC;
            bd.position.set((float) (W / 2 - i * LEG_AWAY / SCALE), (float) H);
            bd.angle = (float) (i * 0.05);
            Body leg = world.createBody(bd);
            PolygonShape box = new PolygonShape();
            box.setAsBox((float) (LEG_W / SCALE), (float) (LEG_H / SCALE));
            FixtureDef fd = new FixtureDef(); // friction left at the default 0.2, as the reference
            fd.shape = box;
            fd.density = 1.0f;
            fd.restitution = 0.0f;
            fd.filter.categoryBits = CATEGORY_LEG;
            fd.filter.maskBits = CATEGORY_GROUND;
            leg.createFixture(fd);
            PolygonMass.reset(leg);

            RevoluteJointDef rjd = new RevoluteJointDef();
            rjd.bodyA = lander;
            rjd.bodyB = leg;
            // pybox2d's revoluteJointDef(bodyA=, bodyB=) sets referenceAngle to the bodies' angle
            // difference (the leg's +-0.05 tilt), so the limits are relative to the built pose.
            rjd.referenceAngle = leg.getAngle() - lander.getAngle();
            rjd.localAnchorA.set(0, 0);
            rjd.localAnchorB.set((float) (i * LEG_AWAY / SCALE), (float) (LEG_DOWN / SCALE));
            rjd.enableMotor = true;
            rjd.enableLimit = true;
            rjd.maxMotorTorque = (float) LEG_SPRING_TORQUE;
            rjd.motorSpeed = (float) (0.3 * i);
            if (i == -1) {
                rjd.lowerAngle = (float) (0.9 - 0.5);
                rjd.upperAngle = 0.9f;
            } else {
                rjd.lowerAngle = -0.9f;
                rjd.upperAngle = (float) (-0.9 + 0.5);
            }
            world.createJoint(rjd);
            legs[k] = leg;
        }
    }

    @Override
    protected StepResult doStep(double[] action) {
        if (world == null) {
            throw new IllegalStateException(ID + ": step() after close(); call reset() first");
        }
        // The reference clips in float64 (np.clip(...).astype(np.float64)); no float32 rounding.
        return advance(clip(action[0], -1, 1), clip(action[1], -1, 1));
    }

    private StepResult advance(double a0, double a1) {
        if (options.enableWind() && !(legContact[0] || legContact[1])) {
            // tanh(sin(2k t) + sin(pi k t)) with k = 0.01: bounded and never periodic.
            double windMag = Math.tanh(Math.sin(0.02 * windIdx) + Math.sin(Math.PI * 0.01 * windIdx))
                    * options.windPower();
            windIdx++;
            lander.applyForceToCenter(tmpVec.set((float) windMag, 0f));
            double torqueMag = Math.tanh(Math.sin(0.02 * torqueIdx) + Math.sin(Math.PI * 0.01 * torqueIdx))
                    * options.turbulencePower();
            torqueIdx++;
            lander.applyTorque((float) torqueMag);
        }

        double angle = lander.getAngle();
        double tipX = Math.sin(angle);
        double tipY = Math.cos(angle);
        double sideX = -tipY;
        double sideY = tipX;
        double disp0 = rng.uniform(-1.0, 1.0) / SCALE;
        double disp1 = rng.uniform(-1.0, 1.0) / SCALE;
        Vec2 pos = lander.getPosition();

        double mPower = 0.0;
        if (a0 > 0.0) {
            mPower = (Math.min(a0, 1.0) + 1.0) * 0.5; // 0.5..1.0
            double ox = tipX * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * disp0) + sideX * disp1;
            double oy = -tipY * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * disp0) - sideY * disp1;
            tmpPoint.set((float) (pos.x + ox), (float) (pos.y + oy));
            tmpVec.set((float) (-ox * MAIN_ENGINE_POWER * mPower), (float) (-oy * MAIN_ENGINE_POWER * mPower));
            lander.applyLinearImpulse(tmpVec, tmpPoint);
        }

        double sPower = 0.0;
        double direction = 0.0;
        if (Math.abs(a1) > 0.5) {
            direction = Math.signum(a1);
            sPower = Math.min(Math.abs(a1), 1.0); // > 0.5 here, so clip(|a1|, 0.5, 1) is just the min
            double lever = 3 * disp1 + direction * SIDE_ENGINE_AWAY / SCALE;
            double ox = tipX * disp0 + sideX * lever;
            double oy = -tipY * disp0 - sideY * lever;
            // 17 along tip.x but SIDE_ENGINE_HEIGHT along tip.y: the reference's quirk, kept on purpose.
            tmpPoint.set((float) (pos.x + ox - tipX * 17 / SCALE), (float) (pos.y + oy + tipY * SIDE_ENGINE_HEIGHT / SCALE));
            tmpVec.set((float) (-ox * SIDE_ENGINE_POWER * sPower), (float) (-oy * SIDE_ENGINE_POWER * sPower));
            lander.applyLinearImpulse(tmpVec, tmpPoint);
        }
        lastMainPower = mPower;
        lastSidePower = sPower;
        lastSideDirection = direction;

        Box2dSettings.step(world);

        pos = lander.getPosition();
        Vec2 vel = lander.getLinearVelocity();
        double s0 = (pos.x - W / 2) / (W / 2);
        double s1 = (pos.y - (HELIPAD_Y + LEG_DOWN / SCALE)) / (H / 2);
        double s2 = vel.x * (W / 2) / FPS;
        double s3 = vel.y * (H / 2) / FPS;
        double s4 = lander.getAngle();
        double s5 = 20.0 * lander.getAngularVelocity() / FPS;
        double s6 = legContact[0] ? 1.0 : 0.0;
        double s7 = legContact[1] ? 1.0 : 0.0;

        double shaping = -100 * Math.sqrt(s0 * s0 + s1 * s1)
                - 100 * Math.sqrt(s2 * s2 + s3 * s3)
                - 100 * Math.abs(s4)
                + 10 * s6 + 10 * s7; // losing leg contact after landing costs the points back
        double reward = hasPrevShaping ? shaping - prevShaping : 0.0;
        prevShaping = shaping;
        hasPrevShaping = true;
        reward -= mPower * 0.30;
        reward -= sPower * 0.03;

        boolean terminated = false;
        boolean rest = false;
        if (gameOver || Math.abs(s0) >= 1.0) {
            terminated = true;
            reward = -100;
        }
        if (!lander.isAwake()) {
            terminated = true;
            rest = true;
            reward = +100;
        }

        double[] obs = {s0, s1, s2, s3, s4, s5, s6, s7};
        for (int i = 0; i < obs.length; i++) {
            obs[i] = Math.max(OBSERVATION_SPACE.low(i), Math.min(OBSERVATION_SPACE.high(i), (float) obs[i]));
        }
        return new StepResult(obs, reward, terminated, false, rest ? StepInfo.SUCCESS : StepInfo.EMPTY);
    }

    @Override
    public void close() {
        world = null;
        lander = null;
        legs[0] = null;
        legs[1] = null;
    }

    /** The reference's ContactDetector: hull contact ends the game; legs track ground contact. */
    private final class ContactDetector implements ContactListener {
        @Override
        public void beginContact(Contact contact) {
            Body a = contact.getFixtureA().getBody();
            Body b = contact.getFixtureB().getBody();
            if (a == lander || b == lander) {
                gameOver = true;
            }
            for (int k = 0; k < 2; k++) {
                if (a == legs[k] || b == legs[k]) {
                    legContact[k] = true;
                }
            }
        }

        @Override
        public void endContact(Contact contact) {
            Body a = contact.getFixtureA().getBody();
            Body b = contact.getFixtureB().getBody();
            for (int k = 0; k < 2; k++) {
                if (a == legs[k] || b == legs[k]) {
                    legContact[k] = false;
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

    // ---- read-only state for renderers and tests ----

    private Body requireLander() {
        if (lander == null) {
            throw new IllegalStateException(ID + ": no episode in progress; call reset() first");
        }
        return lander;
    }

    /** Lander body origin, metres. */
    public double landerX() {
        return requireLander().getPosition().x;
    }

    public double landerY() {
        return requireLander().getPosition().y;
    }

    public double landerAngle() {
        return requireLander().getAngle();
    }

    public double landerVx() {
        return requireLander().getLinearVelocity().x;
    }

    public double landerVy() {
        return requireLander().getLinearVelocity().y;
    }

    public double landerOmega() {
        return requireLander().getAngularVelocity();
    }

    /** Whether the lander body is awake; asleep means it came to rest (the +100 ending). */
    public boolean landerAwake() {
        return requireLander().isAwake();
    }

    /** Ground contact of leg 0 (left, i = -1) or 1 (right, i = +1). */
    public boolean legContact(int leg) {
        return legContact[leg];
    }

    /** Whether the hull has touched the ground this episode. */
    public boolean crashed() {
        return gameOver;
    }

    /** Main engine power of the last step: 0 when off, else in [0.5, 1]. */
    public double lastMainPower() {
        return lastMainPower;
    }

    /** Side engine power of the last step: 0 when off, else in [0.5, 1]. */
    public double lastSidePower() {
        return lastSidePower;
    }

    /** Side engine direction of the last step: -1, 0 or +1 (the sign of the action). */
    public double lastSideDirection() {
        return lastSideDirection;
    }

    /** Terrain vertices (x, smoothed y) of the current episode, metres; copies. */
    public double[] terrainX() {
        return terrainX.clone();
    }

    public double[] terrainY() {
        return terrainY.clone();
    }

    // ---- rendering ----

    private static final Color SKY = Color.BLACK;
    private static final Color GROUND = Color.WHITE;
    private static final Color BODY_FILL = new Color(128, 102, 230);
    private static final Color BODY_EDGE = new Color(77, 77, 128);
    private static final Color LEG_CONTACT_FILL = new Color(80, 200, 120);
    private static final Color FLAG = new Color(204, 204, 0);
    private static final Color FLAME = new Color(255, 140, 30);

    @Override
    public void draw(Graphics2D g, int width, int height) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        double sx = width / W;
        double sy = height / H;
        g.setColor(GROUND);
        g.fillRect(0, 0, width, height);
        if (lander == null) {
            return;
        }
        // Sky: everything above the terrain line, as the reference's sky polygons.
        Path2D.Double sky = new Path2D.Double();
        sky.moveTo(0, 0);
        for (int i = 0; i < CHUNKS; i++) {
            sky.lineTo(terrainX[i] * sx, height - terrainY[i] * sy);
        }
        sky.lineTo(width, 0);
        sky.closePath();
        g.setColor(SKY);
        g.fill(sky);

        // Flags at the pad edges: pole 50 px and pennant 25 px in the reference's 600x400 frame.
        double px = sx / SCALE;
        double py = sy / SCALE;
        for (int k = -1; k <= 1; k += 2) {
            double x = (W / 2 + k * W / (CHUNKS - 1)) * sx;
            double y1 = height - HELIPAD_Y * sy;
            double y2 = y1 - 50 * py;
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke(1f));
            g.draw(new java.awt.geom.Line2D.Double(x, y1, x, y2));
            Path2D.Double flag = new Path2D.Double();
            flag.moveTo(x, y2);
            flag.lineTo(x, y2 + 10 * py);
            flag.lineTo(x + 25 * px, y2 + 5 * py);
            flag.closePath();
            g.setColor(FLAG);
            g.fill(flag);
        }

        drawFlames(g, sx, sy, height);
        drawBody(g, lander, BODY_FILL, sx, sy, height);
        for (int k = 0; k < 2; k++) {
            drawBody(g, legs[k], legContact[k] ? LEG_CONTACT_FILL : BODY_FILL, sx, sy, height);
        }
    }

    private void drawBody(Graphics2D g, Body body, Color fill, double sx, double sy, int height) {
        PolygonShape shape = (PolygonShape) body.getFixtureList().getShape();
        Transform xf = body.getTransform();
        Path2D.Double path = new Path2D.Double();
        Vec2 v = new Vec2();
        for (int i = 0; i < shape.getVertexCount(); i++) {
            Transform.mulToOut(xf, shape.getVertex(i), v);
            if (i == 0) {
                path.moveTo(v.x * sx, height - v.y * sy);
            } else {
                path.lineTo(v.x * sx, height - v.y * sy);
            }
        }
        path.closePath();
        g.setColor(fill);
        g.fill(path);
        g.setColor(BODY_EDGE);
        g.setStroke(new BasicStroke(1.5f));
        g.draw(path);
    }

    /** Flames out of the engine nozzles, their length proportional to the last step's power. */
    private void drawFlames(Graphics2D g, double sx, double sy, int height) {
        double angle = lander.getAngle();
        double tipX = Math.sin(angle);
        double tipY = Math.cos(angle);
        // Body axes: down = (tip.x, -tip.y), right = (tip.y, tip.x).
        double downX = tipX;
        double downY = -tipY;
        double rightX = tipY;
        double rightY = tipX;
        double x = lander.getPosition().x;
        double y = lander.getPosition().y;
        g.setColor(FLAME);
        if (lastMainPower > 0) {
            // From the bottom of the hull, pointing down the hull's axis.
            double nx = x + downX * 10 / SCALE;
            double ny = y + downY * 10 / SCALE;
            double len = lastMainPower * 40 / SCALE;
            fillFlame(g, nx, ny, downX, downY, rightX, rightY, len, 7 / SCALE, sx, sy, height);
        }
        if (lastSidePower > 0) {
            // At the reference's (undispersed) application point; exhaust leaves along (ox, oy),
            // which is -direction times the hull's x axis.
            double ox = -lastSideDirection * rightX * SIDE_ENGINE_AWAY / SCALE;
            double oy = -lastSideDirection * rightY * SIDE_ENGINE_AWAY / SCALE;
            double nx = x + ox - tipX * 17 / SCALE;
            double ny = y + oy + tipY * SIDE_ENGINE_HEIGHT / SCALE;
            double len = lastSidePower * 20 / SCALE;
            fillFlame(g, nx, ny, -lastSideDirection * rightX, -lastSideDirection * rightY, downX, downY,
                    len, 3 / SCALE, sx, sy, height);
        }
    }

    private static void fillFlame(Graphics2D g, double x, double y, double dx, double dy, double wx, double wy,
            double len, double halfWidth, double sx, double sy, int height) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo((x + wx * halfWidth) * sx, height - (y + wy * halfWidth) * sy);
        p.lineTo((x - wx * halfWidth) * sx, height - (y - wy * halfWidth) * sy);
        p.lineTo((x + dx * len) * sx, height - (y + dy * len) * sy);
        p.closePath();
        g.fill(p);
    }

    @Override
    public double controlPeriodSeconds() {
        return 1.0 / FPS;
    }
}
