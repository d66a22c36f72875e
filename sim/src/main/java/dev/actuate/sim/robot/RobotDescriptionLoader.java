package dev.actuate.sim.robot;

import dev.actuate.sim.robot.Model.Body;
import dev.actuate.sim.robot.Model.Joint;
import dev.actuate.sim.robot.Model.JointType;
import dev.actuate.sim.robot.Model.Sensor;
import dev.actuate.sim.robot.Model.SensorType;
import dev.actuate.sim.robot.Model.Shape;
import dev.actuate.sim.robot.RobotDescription.SignalRange;
import dev.actuate.sim.robot.Task.ActionTerm;
import dev.actuate.sim.robot.Task.ActionType;
import dev.actuate.sim.robot.Task.ObservationTerm;
import dev.actuate.sim.robot.Task.RewardTerm;
import dev.actuate.sim.robot.Task.RewardType;
import dev.actuate.sim.robot.Task.TargetReading;
import dev.actuate.sim.robot.Task.Termination;
import dev.actuate.sim.robot.Task.TerminationType;
import dev.actuate.sim.robot.Task.Transform;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a robot YAML's simulation side ({@code model:}, {@code task:}, {@code randomize:}) and the
 * names and limits of its signals, and checks them against each other: every observation term is
 * bound to a state signal and every action term to a command signal, in the signals' order, so
 * the policy trained in simulation reads and writes exactly what the hardware adapter carries.
 * Errors name the file, the field path and the reason. The hardware keys (broker, topics, safety)
 * are {@code RobotConfigLoader}'s to validate; only their names are known here.
 */
public final class RobotDescriptionLoader {
    /** The hardware section's keys (checked in detail by RobotConfigLoader) and the simulation ones. */
    private static final Set<String> TOP = Set.of("robot", "broker", "adapter", "payload", "rate_hz", "env", "auth",
            "tls", "signals", "safety", "model", "task", "randomize");
    private static final Set<String> MODEL = Set.of("gravity", "velocity_iterations", "position_iterations", "bodies",
            "joints", "sensors");
    private static final Set<String> BODY = Set.of("name", "shape", "position", "angle", "density", "mass", "friction",
            "restitution", "group", "fixed", "linear_damping", "angular_damping");
    private static final Set<String> JOINT = Set.of("name", "type", "parent", "child", "anchor", "axis", "limits",
            "motor", "damping", "friction");
    private static final Set<String> TASK = Set.of("observations", "actions", "rewards", "terminations", "target",
            "success", "max_episode_steps", "reward_threshold", "reset", "settle_steps");
    /** Default JBox2D solver iterations: the built-in Box2D envs' (Gymnasium's 6*30 and 2*30). */
    private static final int VELOCITY_ITERATIONS = 180;
    private static final int POSITION_ITERATIONS = 60;

    private RobotDescriptionLoader() {
    }

    /** Whether an env argument names a robot YAML file rather than a registered id. */
    public static boolean isDescriptionPath(String envArg) {
        return envArg.endsWith(".yaml") || envArg.endsWith(".yml");
    }

    public static RobotDescription load(Path file) {
        return load(file, 0);
    }

    private static RobotDescription load(Path file, int depth) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("robot description " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read robot description " + file + ": " + e.getMessage());
        }
        Object root = yaml(text, file);
        if (root instanceof Map<?, ?> m && m.containsKey("base")) {
            return variant(new Node(file.toString(), "", root), file, depth);
        }
        return parse(text, file);
    }

    /**
     * A variant: {@code base:} names another robot description (relative to this file) and
     * {@code randomize:} replaces its domain randomisation, so a training run can use randomised
     * dynamics (and be evaluated on them) without copying the robot.
     */
    private static RobotDescription variant(Node top, Path file, int depth) {
        top.checkKeys(Set.of("base", "randomize"));
        if (depth > 8) {
            throw top.get("base").error("more than 8 levels of base: (a cycle?)");
        }
        Path base = Path.of(top.get("base").string());
        Path dir = file.toAbsolutePath().getParent();
        if (!base.isAbsolute() && file.getParent() != null) {
            base = file.getParent().resolve(base).normalize();
        } else if (!base.isAbsolute() && dir != null) {
            base = dir.resolve(base).normalize();
        }
        RobotDescription d = load(base, depth + 1);
        Randomization r = top.has("randomize") ? randomization(top.get("randomize"), d.model()) : Randomization.NONE;
        return new RobotDescription(file, d.name(), d.rateHz(), d.states(), d.commands(), d.model(), d.task(), r);
    }

    private static Object yaml(String text, Path file) {
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new IllegalArgumentException(file + ": invalid YAML: " + e.getMessage());
        }
    }

    public static RobotDescription parse(String yamlText, Path file) {
        Object root = yaml(yamlText, file);
        Node top = new Node(file.toString(), "", root).checkKeys(TOP);
        String name = top.get("robot").string();
        double rate = top.get("rate_hz").positive();
        if (!top.has("model")) {
            throw top.get("model").error("is required to simulate this robot (the file has only the hardware side)");
        }
        Node signals = top.get("signals");
        List<SignalRange> states = signals(signals.get("state"), false);
        List<SignalRange> commands = signals(signals.get("command"), true);
        Model model = model(top.get("model"));
        Task task = task(top.get("task"), model, states, commands);
        Randomization rnd = top.has("randomize") ? randomization(top.get("randomize"), model) : Randomization.NONE;
        return new RobotDescription(file, name, rate, states, commands, model, task, rnd);
    }

    private static List<SignalRange> signals(Node list, boolean command) {
        List<SignalRange> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Node s : list.list()) {
            String n = s.get("name").string();
            Node named = s.renamed(list.path() + "[" + n + "]");
            double min = named.get("min").number(Double.NEGATIVE_INFINITY);
            double max = named.get("max").number(Double.POSITIVE_INFINITY);
            if (command && !(Double.isFinite(min) && Double.isFinite(max))) {
                throw named.error("command signals need finite min and max (they bound the action)");
            }
            if (!(min <= max)) {
                throw named.error("min " + min + " > max " + max);
            }
            if (!seen.add(n)) {
                throw named.error("duplicate signal name");
            }
            String unit = named.get("unit").text();
            out.add(new SignalRange(n, unit == null ? "" : unit, min, max));
        }
        return out;
    }

    // ---- model ----

    private static Model model(Node m) {
        m.checkKeys(MODEL);
        double[] gravity = m.get("gravity").vector(2, new double[] {0, -9.81});
        int vel = m.get("velocity_iterations").integer(VELOCITY_ITERATIONS);
        int pos = m.get("position_iterations").integer(POSITION_ITERATIONS);
        if (vel < 1 || pos < 1) {
            throw m.error("velocity_iterations and position_iterations must be at least 1");
        }
        List<Body> bodies = new ArrayList<>();
        Map<String, Body> byName = new HashMap<>();
        for (Node b : m.get("bodies").list()) {
            Body body = body(b.renamed(b.path()));
            if (byName.put(body.name(), body) != null) {
                throw b.error("duplicate body name '" + body.name() + "'");
            }
            bodies.add(body);
        }
        if (bodies.isEmpty()) {
            throw m.get("bodies").error("at least one body is required");
        }
        List<Joint> joints = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        Set<String> jointNames = new HashSet<>();
        if (m.has("joints")) {
            for (Node j : m.get("joints").list()) {
                Joint joint = joint(j, byName);
                Node jn = j.renamed("model.joints[" + joint.name() + "]");
                if (!jointNames.add(joint.name())) {
                    throw jn.error("duplicate joint name");
                }
                // The bodies form a tree placed joint by joint at reset (see DescribedEnv): a parent
                // not yet placed is a root; a child must not have been placed before.
                placed.add(joint.bodyA());
                if (placed.contains(joint.bodyB()) && !joint.bodyB().equals(joint.bodyA())) {
                    throw jn.get("child").error("body '" + joint.bodyB() + "' is already placed by an earlier joint"
                            + " or is a parent above it; joints must form a tree, parents declared first");
                }
                placed.add(joint.bodyB());
                joints.add(joint);
            }
        }
        List<Sensor> sensors = new ArrayList<>();
        Set<String> sensorNames = new HashSet<>();
        if (m.has("sensors")) {
            for (Node s : m.get("sensors").list()) {
                String n = s.get("name").string();
                Node sn = s.renamed("model.sensors[" + n + "]").checkKeys(Set.of("name", "type", "joint", "body"));
                if (!sensorNames.add(n)) {
                    throw sn.error("duplicate sensor name");
                }
                SensorType type = sn.get("type").enumValue(SensorType.class);
                String target;
                if (type.onJoint()) {
                    target = sn.get("joint").string();
                    if (!jointNames.contains(target)) {
                        throw sn.get("joint").error("references missing joint '" + target + "'");
                    }
                } else {
                    target = sn.get("body").string();
                    if (!byName.containsKey(target)) {
                        throw sn.get("body").error("references missing body '" + target + "'");
                    }
                }
                sensors.add(new Sensor(n, type, target));
            }
        }
        return new Model(gravity, vel, pos, bodies, joints, sensors);
    }

    private static Body body(Node b) {
        String name = b.get("name").string();
        Node n = b.renamed("model.bodies[" + name + "]").checkKeys(BODY);
        boolean fixed = n.get("fixed").bool(false);
        Shape shape = n.has("shape") ? shape(n.get("shape")) : null;
        if (shape == null && !fixed) {
            throw n.get("shape").error("is required for a moving body");
        }
        double[] position = n.get("position").vector(2, new double[] {0, 0});
        double density = Double.NaN;
        double mass = Double.NaN;
        if (n.has("density") && n.has("mass")) {
            throw n.error("give density or mass, not both");
        }
        if (n.has("mass")) {
            mass = n.get("mass").positive();
        } else if (n.has("density")) {
            density = n.get("density").positive();
        } else if (!fixed) {
            throw n.error("a moving body needs density (kg/m^2) or mass (kg)");
        } else {
            density = 1;
        }
        double friction = n.get("friction").nonNegative(0.2);
        double restitution = n.get("restitution").nonNegative(0);
        return new Body(name, shape, position[0], position[1], n.get("angle").number(0), density, mass, friction,
                restitution, n.get("group").integer(0), fixed, n.get("linear_damping").nonNegative(0),
                n.get("angular_damping").nonNegative(0));
    }

    private static Shape shape(Node s) {
        String type = s.get("type").string();
        double[] c = s.get("center").vector(2, new double[] {0, 0});
        switch (type) {
            case "box" -> {
                s.checkKeys(Set.of("type", "size", "center", "angle"));
                double[] size = s.get("size").vector(2);
                if (!(size[0] > 0 && size[1] > 0)) {
                    throw s.get("size").error("width and height must be positive");
                }
                return new Model.BoxShape(size[0], size[1], c[0], c[1], s.get("angle").number(0));
            }
            case "circle" -> {
                s.checkKeys(Set.of("type", "radius", "center"));
                return new Model.CircleShape(s.get("radius").positive(), c[0], c[1]);
            }
            case "polygon" -> {
                s.checkKeys(Set.of("type", "vertices"));
                List<Node> vs = s.get("vertices").list();
                if (vs.size() < 3 || vs.size() > 8) {
                    throw s.get("vertices").error("a polygon needs 3 to 8 vertices (JBox2D), got " + vs.size());
                }
                double[] v = new double[2 * vs.size()];
                for (int i = 0; i < vs.size(); i++) {
                    double[] p = vs.get(i).vector(2);
                    v[2 * i] = p[0];
                    v[2 * i + 1] = p[1];
                }
                Model.PolygonShape poly = new Model.PolygonShape(v);
                if (!(poly.area() > 0)) {
                    throw s.get("vertices").error("vertices must run counter-clockwise around a positive area");
                }
                return poly;
            }
            default -> throw s.get("type").error("'" + type + "' is not one of box, circle, polygon");
        }
    }

    private static Joint joint(Node j, Map<String, Body> bodies) {
        String name = j.get("name").string();
        Node n = j.renamed("model.joints[" + name + "]").checkKeys(JOINT);
        JointType type = n.get("type").enumValue(JointType.class);
        String a = n.get("parent").string();
        String b = n.get("child").string();
        if (!bodies.containsKey(a)) {
            throw n.get("parent").error("references missing body '" + a + "'");
        }
        if (!bodies.containsKey(b)) {
            throw n.get("child").error("references missing body '" + b + "'");
        }
        if (a.equals(b)) {
            throw n.get("child").error("a joint needs two different bodies");
        }
        if (bodies.get(b).fixed()) {
            throw n.get("child").error("body '" + b + "' is fixed; the child of a joint must move");
        }
        double[] anchor = n.get("anchor").vector(2, new double[] {bodies.get(b).x(), bodies.get(b).y()});
        double[] axis = {1, 0};
        if (type == JointType.PRISMATIC) {
            axis = n.get("axis").vector(2, axis);
            double len = Math.hypot(axis[0], axis[1]);
            if (!(len > 0)) {
                throw n.get("axis").error("must be a non-zero direction");
            }
            axis = new double[] {axis[0] / len, axis[1] / len};
        } else if (n.has("axis")) {
            throw n.get("axis").error("only a prismatic joint has an axis");
        }
        double lower = Double.NEGATIVE_INFINITY;
        double upper = Double.POSITIVE_INFINITY;
        if (n.has("limits")) {
            double[] r = n.get("limits").vector(2);
            if (!(r[0] < r[1])) {
                throw n.get("limits").error("limit out of order: lower " + r[0] + " must be below upper " + r[1]);
            }
            if (r[0] > 0 || r[1] < 0) {
                throw n.get("limits").error("must contain 0, the reference pose the bodies are declared in");
            }
            lower = r[0];
            upper = r[1];
        }
        double effort = 0;
        double speed = Double.POSITIVE_INFINITY;
        if (n.has("motor")) {
            Node m = n.get("motor");
            String effortKey = type == JointType.REVOLUTE ? "max_torque" : "max_force";
            m.checkKeys(Set.of(effortKey, "max_speed"));
            effort = m.get(effortKey).positive();
            speed = m.has("max_speed") ? m.get("max_speed").positive() : speed;
        }
        return new Joint(name, type, a, b, anchor[0], anchor[1], axis[0], axis[1], lower, upper, effort, speed,
                n.get("damping").nonNegative(0), n.get("friction").nonNegative(0));
    }

    // ---- task ----

    private static Task task(Node t, Model model, List<SignalRange> states, List<SignalRange> commands) {
        if (t.isNull()) {
            throw t.error("is required: the observation, action and reward of the simulated robot");
        }
        t.checkKeys(TASK);
        Task.Target target = t.has("target") ? target(t.get("target"), model) : null;

        List<ObservationTerm> obs = new ArrayList<>();
        List<Node> obsNodes = t.get("observations").list();
        for (int i = 0; i < obsNodes.size(); i++) {
            Node o = obsNodes.get(i);
            o.checkKeys(Set.of("signal", "sensor", "target", "transform"));
            if (!o.has("signal")) {
                throw o.get("signal").error("every observation term must name the state signal it fills");
            }
            String signal = o.get("signal").string();
            SignalRange s = bind(o.get("signal"), signal, i, states, "signals.state", "task.observations");
            Transform tr = o.get("transform").enumValue(Transform.class, Transform.NONE);
            if (o.has("sensor") == o.has("target")) {
                throw o.error("give exactly one of sensor (a model sensor's name) and target (x, y, dx, dy, distance)");
            }
            String sensor = null;
            TargetReading reading = null;
            if (o.has("sensor")) {
                sensor = o.get("sensor").string();
                if (model.sensorIndex(sensor) < 0) {
                    throw o.get("sensor").error("references missing sensor '" + sensor + "' (model.sensors)");
                }
            } else {
                reading = o.get("target").enumValue(TargetReading.class);
                if (target == null) {
                    throw o.get("target").error("the task has no target");
                }
            }
            obs.add(new ObservationTerm(signal, sensor, reading, tr, s.min(), s.max()));
        }
        missing(t.get("observations"), states, obsNodes.size(), "signals.state");

        List<ActionTerm> acts = new ArrayList<>();
        List<Node> actNodes = t.get("actions").list();
        for (int i = 0; i < actNodes.size(); i++) {
            Node a = actNodes.get(i);
            a.checkKeys(Set.of("signal", "joint", "type", "scale"));
            if (!a.has("signal")) {
                throw a.get("signal").error("every action term must name the command signal it drives");
            }
            String signal = a.get("signal").string();
            SignalRange s = bind(a.get("signal"), signal, i, commands, "signals.command", "task.actions");
            String jn = a.get("joint").string();
            int j = model.jointIndex(jn);
            if (j < 0) {
                throw a.get("joint").error("references missing joint '" + jn + "'");
            }
            Joint joint = model.joints().get(j);
            ActionType type = a.get("type").enumValue(ActionType.class);
            if (type == ActionType.TORQUE && joint.type() != JointType.REVOLUTE
                    || type == ActionType.FORCE && joint.type() != JointType.PRISMATIC) {
                throw a.get("type").error(type.name().toLowerCase() + " does not apply to the "
                        + joint.type().name().toLowerCase() + " joint '" + jn + "' (torque: revolute, force: prismatic)");
            }
            double dflt = type == ActionType.VELOCITY ? joint.maxSpeed() : joint.maxEffort();
            if (!a.has("scale") && !(dflt > 0 && Double.isFinite(dflt))) {
                throw a.error("joint '" + jn + "' has no motor " + (type == ActionType.VELOCITY ? "max_speed" : "max effort")
                        + " to scale the action by; give the joint a motor or the term a scale");
            }
            if (type == ActionType.VELOCITY && !(joint.maxEffort() > 0)) {
                throw a.error("a velocity target needs a motor with a max torque or force on joint '" + jn + "'");
            }
            acts.add(new ActionTerm(signal, jn, type, s.min(), s.max(), a.has("scale") ? a.get("scale").positive() : dflt));
        }
        missing(t.get("actions"), commands, actNodes.size(), "signals.command");

        List<RewardTerm> rewards = new ArrayList<>();
        for (Node r : t.get("rewards").list()) {
            r.checkKeys(Set.of("type", "weight", "joint", "body", "target", "radius"));
            RewardType type = r.get("type").enumValue(RewardType.class);
            String joint = null;
            String body = null;
            switch (type) {
                case POSE_ERROR, JOINT_VELOCITY -> joint = jointRef(r.get("joint"), model);
                case UPRIGHT -> body = bodyRef(r.get("body"), model);
                case TARGET_DISTANCE, TARGET_WITHIN -> {
                    if (target == null) {
                        throw r.get("type").error(type.name().toLowerCase(java.util.Locale.ROOT) + " needs task.target");
                    }
                }
                default -> {
                }
            }
            if (type != RewardType.TARGET_WITHIN && r.has("radius")) {
                throw r.get("radius").error("only a target_within term has a radius");
            }
            double param = type == RewardType.TARGET_WITHIN ? r.get("radius").positive() : r.get("target").number(0);
            rewards.add(new RewardTerm(type, r.get("weight").number(), joint, body, param));
        }

        List<Termination> terms = new ArrayList<>();
        if (t.has("terminations")) {
            for (Node x : t.get("terminations").list()) {
                x.checkKeys(Set.of("type", "body", "joint", "min", "max"));
                TerminationType type = x.get("type").enumValue(TerminationType.class);
                switch (type) {
                    case BODY_ANGLE -> terms.add(new Termination(type, bodyRef(x.get("body"), model), null, Double.NaN,
                            x.get("max").positive()));
                    case JOINT_POSITION -> {
                        double lo = x.get("min").number(Double.NEGATIVE_INFINITY);
                        double hi = x.get("max").number(Double.POSITIVE_INFINITY);
                        if (!(lo < hi)) {
                            throw x.error("min " + lo + " must be below max " + hi);
                        }
                        terms.add(new Termination(type, null, jointRef(x.get("joint"), model), lo, hi));
                    }
                    case BODY_BELOW -> terms.add(new Termination(type, bodyRef(x.get("body"), model), null,
                            x.get("min").number(), Double.NaN));
                    case CONTACT -> terms.add(new Termination(type, bodyRef(x.get("body"), model), null, Double.NaN,
                            Double.NaN));
                    default -> throw new AssertionError(type);
                }
            }
        }

        Task.Success success = null;
        if (t.has("success")) {
            Node s = t.get("success").checkKeys(Set.of("target_within", "upright", "within_deg"));
            if (s.has("target_within")) {
                if (target == null) {
                    throw s.get("target_within").error("the task has no target");
                }
                success = new Task.Success(s.get("target_within").positive(), null, Double.NaN);
            } else {
                success = new Task.Success(Double.NaN, bodyRef(s.get("upright"), model),
                        Math.toRadians(s.get("within_deg").positive()));
            }
        }

        int maxSteps = t.get("max_episode_steps").integer(-1);
        if (maxSteps < 1) {
            throw t.get("max_episode_steps").error("is required and must be a positive integer");
        }
        double threshold = t.get("reward_threshold").number();
        int settle = t.get("settle_steps").integer(0);
        if (settle < 0) {
            throw t.get("settle_steps").error("must not be negative");
        }
        Task.Reset reset = reset(t.get("reset"), model);
        return new Task(obs, acts, rewards, terms, target, success, maxSteps, threshold, reset, settle);
    }

    /** The term at {@code i} must carry the i-th signal: the policy's input and output order is the adapter's. */
    private static SignalRange bind(Node at, String signal, int i, List<SignalRange> signals, String signalsKey,
            String termsKey) {
        int k = -1;
        for (int s = 0; s < signals.size(); s++) {
            if (signals.get(s).name().equals(signal)) {
                k = s;
            }
        }
        if (k < 0) {
            throw at.error("'" + signal + "' is not a signal in " + signalsKey + " (" + names(signals) + ")");
        }
        if (k != i) {
            throw at.error("'" + signal + "' is " + signalsKey + "[" + k + "] but this is term " + i + "; "
                    + termsKey + " must follow the order of " + signalsKey + " (" + names(signals) + ")");
        }
        return signals.get(k);
    }

    private static void missing(Node terms, List<SignalRange> signals, int n, String signalsKey) {
        if (n < signals.size()) {
            throw terms.error("has no term for " + signalsKey + "[" + signals.get(n).name() + "]; every signal must be"
                    + " simulated, in the signals' order");
        }
    }

    private static String names(List<SignalRange> signals) {
        List<String> n = new ArrayList<>();
        signals.forEach(s -> n.add(s.name()));
        return String.join(", ", n);
    }

    private static String jointRef(Node n, Model model) {
        String name = n.string();
        if (model.jointIndex(name) < 0) {
            throw n.error("references missing joint '" + name + "'");
        }
        return name;
    }

    private static String bodyRef(Node n, Model model) {
        String name = n.string();
        if (model.bodyIndex(name) < 0) {
            throw n.error("references missing body '" + name + "'");
        }
        return name;
    }

    private static Task.Target target(Node t, Model model) {
        t.checkKeys(Set.of("body", "site", "radius", "angle", "x", "y"));
        String body = bodyRef(t.get("body"), model);
        double[] site = t.get("site").vector(2, new double[] {0, 0});
        boolean annulus = t.has("radius");
        if (annulus) {
            if (t.has("x") || t.has("y")) {
                throw t.error("give radius and angle (an annulus) or x and y (a rectangle), not both");
            }
            double[] r = t.get("radius").range();
            if (r[0] < 0) {
                throw t.get("radius").error("must not be negative");
            }
            return new Task.Target(body, site[0], site[1], true, r, t.get("angle").range());
        }
        return new Task.Target(body, site[0], site[1], false, t.get("x").range(), t.get("y").range());
    }

    private static Task.Reset reset(Node r, Model model) {
        if (r.isNull()) {
            return new Task.Reset(List.of(), List.of());
        }
        r.checkKeys(Set.of("joints", "bodies"));
        List<Task.JointReset> joints = new ArrayList<>();
        if (r.has("joints")) {
            Node jm = r.get("joints");
            for (String name : jm.map().keySet()) {
                if (model.jointIndex(name) < 0) {
                    throw jm.get(name).error("references missing joint '" + name + "'");
                }
            }
            for (Joint j : model.joints()) { // draws in model order
                if (jm.has(j.name())) {
                    double[] range = jm.get(j.name()).range();
                    if (range[0] < j.lower() || range[1] > j.upper()) {
                        throw jm.get(j.name()).error("range [" + range[0] + ", " + range[1] + "] leaves the joint limits ["
                                + j.lower() + ", " + j.upper() + "]");
                    }
                    joints.add(new Task.JointReset(j.name(), range));
                }
            }
        }
        List<Task.BodyReset> bodies = new ArrayList<>();
        if (r.has("bodies")) {
            Node bm = r.get("bodies");
            Set<String> children = new HashSet<>();
            model.joints().forEach(j -> children.add(j.bodyB()));
            for (String name : bm.map().keySet()) {
                if (model.bodyIndex(name) < 0) {
                    throw bm.get(name).error("references missing body '" + name + "'");
                }
                if (children.contains(name)) {
                    throw bm.get(name).error("body '" + name + "' is placed by its joint; draw the joint's position instead");
                }
            }
            for (Body b : model.bodies()) {
                if (bm.has(b.name())) {
                    Node e = bm.get(b.name()).checkKeys(Set.of("x", "y", "angle"));
                    double[] zero = {0, 0};
                    bodies.add(new Task.BodyReset(b.name(), e.has("x") ? e.get("x").range() : zero,
                            e.has("y") ? e.get("y").range() : zero, e.has("angle") ? e.get("angle").range() : zero));
                }
            }
        }
        return new Task.Reset(joints, bodies);
    }

    // ---- randomisation ----

    /** A {@code randomize:} list (from a robot YAML or a training config) against a model. */
    static Randomization randomization(Node list, Model model) {
        List<Randomization.Entry> entries = new ArrayList<>();
        for (Node e : list.list()) {
            e.checkKeys(Set.of("param", "bodies", "joints", "scale"));
            Randomization.Parameter p = e.get("param").enumValue(Randomization.Parameter.class);
            String key = p.onJoints() ? "joints" : "bodies";
            String other = p.onJoints() ? "bodies" : "joints";
            if (e.has(other)) {
                throw e.get(other).error(p.name().toLowerCase() + " applies to " + key);
            }
            List<String> targets = new ArrayList<>();
            if (e.has(key)) {
                for (Node t : e.get(key).list()) {
                    String n = t.string();
                    if (p.onJoints() ? model.jointIndex(n) < 0 : model.bodyIndex(n) < 0) {
                        throw t.error("references missing " + (p.onJoints() ? "joint" : "body") + " '" + n + "'");
                    }
                    targets.add(n);
                }
            } else if (p.onJoints()) {
                model.joints().forEach(j -> targets.add(j.name()));
            } else {
                model.bodies().stream().filter(b -> !b.fixed()).forEach(b -> targets.add(b.name()));
            }
            double[] s = e.get("scale").range();
            if (!(s[0] > 0)) {
                throw e.get("scale").error("factors must be positive");
            }
            entries.add(new Randomization.Entry(p, targets, s[0], s[1]));
        }
        return new Randomization(entries);
    }

    /** Parses a {@code randomize:} list given as YAML-loaded objects (a training config's), for this model. */
    public static Randomization randomization(Object yamlList, String source, Model model) {
        return randomization(new Node(source, "randomize", yamlList), model);
    }
}
