package dev.actuate.policy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.hw.Signal;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.nn.Activation;
import dev.actuate.nn.infer.FloatMlp;
import dev.actuate.runtime.LoadedModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything a robot needs to run a trained deterministic policy, and where it came from: the content of
 * one policy file (format {@value #FORMAT_VERSION}, layout in {@link PolicyWriter}). Immutable once built;
 * {@link #validate(String)} is the one set of checks, run by the writer before writing and by the reader
 * after reading.
 *
 * @param envId       the env the policy was trained on (may be null for policies from elsewhere)
 * @param algorithm   the training algorithm, e.g. {@code ppo} (informational)
 * @param observation observation size, optional signal names and units, optional normalisation
 * @param action      action size, bounds, optional signal names and units, and the network-output mapping
 * @param layers      the MLP, input to output
 * @param provenance  free-form JSON: config, seed, version, commit, steps (never control flow)
 * @param simToReal   what the training envs assumed and added (control period, delays, noise, previous actions);
 *                    null when not recorded (format 1 files, policies from elsewhere)
 */
public record PolicyFile(String envId, String algorithm, Observation observation, Action action, List<Layer> layers,
                         ObjectNode provenance, SimToReal simToReal) {
    /**
     * Format 2 added {@code sim_to_real}. The reader reads every version up to this one (a format 1 file has no
     * sim-to-real record) and refuses newer ones; the writer writes this one.
     */
    public static final int FORMAT_VERSION = 2;

    public PolicyFile {
        layers = List.copyOf(layers);
        provenance = provenance == null ? JsonNodeFactory.instance.objectNode() : provenance.deepCopy();
    }

    /** A policy with no sim-to-real record. */
    public PolicyFile(String envId, String algorithm, Observation observation, Action action, List<Layer> layers,
                      ObjectNode provenance) {
        this(envId, algorithm, observation, action, layers, provenance, null);
    }

    /**
     * The sim-to-real aids the policy was trained with and the control period its env assumed. Only
     * {@code previousActions} changes what the deployed controller computes: the network's input is the robot's
     * state followed by the last {@code previousActions} commands sent, most recent first ({@code initialAction} in
     * every slot at an episode's start). The rest is recorded so that deployment can be checked against it.
     *
     * @param controlPeriodSeconds  seconds per env step the policy was trained at; NaN when the env has none
     * @param actionDelaySteps      control steps between choosing and applying an action in training
     * @param observationDelaySteps control steps by which training observations lagged the env's state
     * @param observationNoiseStd   Gaussian std added to each state component in training (empty: none)
     * @param previousActions       how many previous actions follow the state in the network's input
     * @param initialAction         the action assumed before an episode's first one, one per action component
     */
    public record SimToReal(double controlPeriodSeconds, int actionDelaySteps, int observationDelaySteps,
                            double[] observationNoiseStd, int previousActions, double[] initialAction) {
        public SimToReal {
            observationNoiseStd = observationNoiseStd == null ? new double[0] : observationNoiseStd.clone();
            initialAction = initialAction == null ? null : initialAction.clone();
        }

        /** The control rate in Hz, NaN when the period is unknown. */
        public double controlRateHz() {
            return controlPeriodSeconds > 0 ? 1.0 / controlPeriodSeconds : Double.NaN;
        }

        @Override
        public double[] observationNoiseStd() {
            return observationNoiseStd.clone();
        }

        @Override
        public double[] initialAction() {
            return initialAction == null ? null : initialAction.clone();
        }
    }

    /** Previous actions appended to the state in the network's input (0 when not recorded). */
    public int previousActions() {
        return simToReal == null ? 0 : simToReal.previousActions();
    }

    /** The robot state's size: the network's input less the appended previous actions. */
    public int stateSize() {
        return observation.size() - previousActions() * action.size();
    }

    /** The control rate the policy was trained at, NaN when unknown. */
    public double trainingRateHz() {
        return simToReal == null ? Double.NaN : simToReal.controlRateHz();
    }

    /**
     * Observation normalisation as RunningMeanStd does it: {@code clip((o - mean) / sqrt(var + epsilon), -clip, clip)}.
     */
    public record Normalization(double[] mean, double[] var, double epsilon, double clip) {
    }

    /** @param names signal names, or null when unknown; {@code units} likewise */
    public record Observation(int size, List<String> names, List<String> units, Normalization normalization) {
    }

    /**
     * @param low     lower bound per action, the box the mapping targets
     * @param mapping how the network's first {@code size} outputs become an action
     */
    public record Action(int size, double[] low, double[] high, List<String> names, List<String> units,
                         LoadedModel.OutputMap mapping) {
    }

    /** A dense layer {@code y = act(x W + b)}, {@code weight} row-major {@code [in][out]}. */
    public record Layer(int in, int out, Activation activation, float[] weight, float[] bias) {
    }

    /** The file-format name of a mapping: {@code clip}, {@code tanh-squash} or {@code rescale}. */
    public static String mappingName(LoadedModel.OutputMap m) {
        return switch (m) {
            case CLIP -> "clip";
            case SQUASH_TO_BOX -> "tanh-squash";
            case SCALE_TO_BOX -> "rescale";
        };
    }

    /** Inverse of {@link #mappingName}; null when unknown. */
    public static LoadedModel.OutputMap mapping(String name) {
        return switch (name) {
            case "clip" -> LoadedModel.OutputMap.CLIP;
            case "tanh-squash" -> LoadedModel.OutputMap.SQUASH_TO_BOX;
            case "rescale" -> LoadedModel.OutputMap.SCALE_TO_BOX;
            default -> null;
        };
    }

    /** Every consistency check of the format; {@code source} names the file in the error. */
    public void validate(String source) throws PolicyFormatException {
        if (observation == null) {
            throw new PolicyFormatException(source, "observation", "missing");
        }
        if (action == null) {
            throw new PolicyFormatException(source, "action", "missing");
        }
        if (observation.size() <= 0) {
            throw new PolicyFormatException(source, "observation.size", "must be positive, got " + observation.size());
        }
        if (action.size() <= 0) {
            throw new PolicyFormatException(source, "action.size", "must be positive, got " + action.size());
        }
        checkNames(source, "observation.names", observation.names(), observation.size());
        checkNames(source, "observation.units", observation.units(), observation.size());
        checkNames(source, "action.names", action.names(), action.size());
        checkNames(source, "action.units", action.units(), action.size());
        Normalization n = observation.normalization();
        if (n != null) {
            checkLength(source, "observation.normalization.mean", n.mean(), observation.size());
            checkLength(source, "observation.normalization.var", n.var(), observation.size());
            for (int i = 0; i < n.var().length; i++) {
                if (!(n.var()[i] >= 0) || !Double.isFinite(n.mean()[i]) || Double.isInfinite(n.var()[i])) {
                    throw new PolicyFormatException(source, "observation.normalization", "mean/var[" + i
                            + "] = " + n.mean()[i] + "/" + n.var()[i] + " is not a finite mean and variance");
                }
            }
            if (!(n.epsilon() >= 0) || !(n.clip() > 0)) {
                throw new PolicyFormatException(source, "observation.normalization", "epsilon " + n.epsilon()
                        + " must be >= 0 and clip " + n.clip() + " > 0");
            }
        }
        checkLength(source, "action.low", action.low(), action.size());
        checkLength(source, "action.high", action.high(), action.size());
        for (int i = 0; i < action.size(); i++) {
            if (!Double.isFinite(action.low()[i]) || !Double.isFinite(action.high()[i])
                    || !(action.low()[i] <= action.high()[i])) {
                throw new PolicyFormatException(source, "action.low/high", "bounds [" + action.low()[i] + ", "
                        + action.high()[i] + "] of action " + i + " are not finite with low <= high");
            }
        }
        if (action.mapping() == null) {
            throw new PolicyFormatException(source, "action.mapping", "missing (expected clip, tanh-squash or rescale)");
        }
        if (layers.isEmpty()) {
            throw new PolicyFormatException(source, "network.layers", "no layers");
        }
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            String f = "network.layers[" + l + "]";
            int expectedIn = l == 0 ? observation.size() : layers.get(l - 1).out();
            if (layer.in() != expectedIn) {
                throw new PolicyFormatException(source, f + ".in", layer.in() + " inputs, expected " + expectedIn
                        + (l == 0 ? " (observation.size)" : " (the previous layer's outputs)"));
            }
            if (layer.out() <= 0) {
                throw new PolicyFormatException(source, f + ".out", "must be positive, got " + layer.out());
            }
            if (layer.activation() == null) {
                throw new PolicyFormatException(source, f + ".activation", "missing");
            }
            if (l < layers.size() - 1 && layer.activation() != layers.get(0).activation()) {
                throw new PolicyFormatException(source, f + ".activation", "hidden layers must share one activation"
                        + " (layer 0 has " + name(layers.get(0).activation()) + ", this one " + name(layer.activation()) + ")");
            }
            checkLength(source, f + ".weight", layer.weight(), (long) layer.in() * layer.out());
            checkLength(source, f + ".bias", layer.bias(), layer.out());
        }
        if (simToReal != null) {
            validateSimToReal(source);
        }
        int outputs = layers.get(layers.size() - 1).out();
        if (outputs < action.size()) {
            throw new PolicyFormatException(source, "network.layers[" + (layers.size() - 1) + "].out", "the network has "
                    + outputs + " outputs, fewer than action.size " + action.size());
        }
    }

    private void validateSimToReal(String source) throws PolicyFormatException {
        SimToReal s = simToReal;
        double period = s.controlPeriodSeconds();
        if (!Double.isNaN(period) && !(period > 0 && Double.isFinite(period))) {
            throw new PolicyFormatException(source, "sim_to_real.control_period_s", "must be positive or null, got "
                    + period);
        }
        if (s.actionDelaySteps() < 0 || s.observationDelaySteps() < 0 || s.previousActions() < 0) {
            throw new PolicyFormatException(source, "sim_to_real", "delays and previous_actions must be >= 0, got "
                    + s.actionDelaySteps() + ", " + s.observationDelaySteps() + ", " + s.previousActions());
        }
        if ((long) s.previousActions() * action.size() >= observation.size()) {
            throw new PolicyFormatException(source, "sim_to_real.previous_actions", s.previousActions()
                    + " previous actions of " + action.size() + " leave no room for the state in observation.size "
                    + observation.size());
        }
        double[] std = s.observationNoiseStd();
        if (std.length != 0 && std.length != stateSize()) {
            throw new PolicyFormatException(source, "sim_to_real.observation_noise_std", std.length
                    + " values, expected 0 or the state size " + stateSize());
        }
        for (int i = 0; i < std.length; i++) {
            if (!(std[i] >= 0) || Double.isInfinite(std[i])) {
                throw new PolicyFormatException(source, "sim_to_real.observation_noise_std[" + i + "]",
                        "must be a finite std >= 0, got " + std[i]);
            }
        }
        checkLength(source, "sim_to_real.initial_action", s.initialAction(), action.size());
        for (int i = 0; i < action.size(); i++) {
            if (!Double.isFinite(s.initialAction()[i])) {
                throw new PolicyFormatException(source, "sim_to_real.initial_action[" + i + "]", "not finite");
            }
        }
    }

    /**
     * Checks this policy against a robot description: sizes must agree, and where both name their signals the
     * names must agree too (the robot's order is the policy's input order).
     */
    public void checkRobot(String source, RobotConfig robot, String robotFile) throws PolicyFormatException {
        if (robot.stateSignals().size() != stateSize()) {
            throw new PolicyFormatException(source, "observation.size", observation.size() + " observations ("
                    + (previousActions() > 0 ? stateSize() + " state values and " + previousActions()
                    + " previous actions), but " : "") + robotFile + " (signals.state) has "
                    + robot.stateSignals().size() + " state signals");
        }
        if (robot.commandSignals().size() != action.size()) {
            throw new PolicyFormatException(source, "action.size", action.size() + " actions, but " + robotFile
                    + " (signals.command) has " + robot.commandSignals().size() + " command signals");
        }
        checkSignalNames(source, "observation.names", observation.names() == null ? null
                : observation.names().subList(0, stateSize()), robot.stateSignals(), robotFile, "signals.state");
        checkSignalNames(source, "action.names", action.names(), robot.commandSignals(), robotFile, "signals.command");
    }

    /**
     * A copy whose signal names and units are the robot's (they were unknown at training time). Appended previous
     * actions are named after the command signal and how many steps back they are, e.g. {@code joint1/torque@t-1}.
     */
    public PolicyFile withSignals(RobotConfig robot) {
        List<String> obsNames = names(robot.stateSignals());
        List<String> obsUnits = units(robot.stateSignals());
        List<String> cmdNames = names(robot.commandSignals());
        List<String> cmdUnits = units(robot.commandSignals());
        for (int k = 1; k <= previousActions(); k++) {
            for (int i = 0; i < cmdNames.size(); i++) {
                obsNames.add(cmdNames.get(i) + "@t-" + k);
                obsUnits.add(cmdUnits.get(i));
            }
        }
        return new PolicyFile(envId, algorithm,
                new Observation(observation.size(), obsNames, obsUnits, observation.normalization()),
                new Action(action.size(), action.low(), action.high(), cmdNames, cmdUnits, action.mapping()),
                layers, provenance, simToReal);
    }

    /** The run-time policy: {@link FloatMlp} plus normalisation and output mapping (validate first). */
    public LoadedModel toModel(String source) {
        int[] sizes = new int[layers.size() + 1];
        sizes[0] = observation.size();
        long n = 0;
        for (int l = 0; l < layers.size(); l++) {
            sizes[l + 1] = layers.get(l).out();
            n += (long) layers.get(l).in() * layers.get(l).out() + layers.get(l).out();
        }
        float[] flat = new float[(int) n];
        int off = 0;
        for (Layer layer : layers) {
            System.arraycopy(layer.weight(), 0, flat, off, layer.weight().length);
            off += layer.weight().length;
            System.arraycopy(layer.bias(), 0, flat, off, layer.bias().length);
            off += layer.bias().length;
        }
        Activation hidden = layers.size() > 1 ? layers.get(0).activation() : Activation.IDENTITY;
        Activation output = layers.get(layers.size() - 1).activation();
        FloatMlp net = new FloatMlp(sizes, hidden, output, flat);
        Normalization norm = observation.normalization();
        return new LoadedModel(envId, source, net, action.mapping(), norm == null ? null : norm.mean(),
                norm == null ? null : norm.var(), norm == null ? 0 : norm.clip(), norm == null ? 0 : norm.epsilon(),
                action.low(), action.high(), previousActions(),
                simToReal == null ? null : simToReal.initialAction());
    }

    static String name(Activation a) {
        return a.name().toLowerCase(Locale.ROOT);
    }

    private static void checkSignalNames(String source, String field, List<String> ours, List<Signal> robot,
                                         String robotFile, String robotField) throws PolicyFormatException {
        if (ours == null) {
            return;
        }
        List<String> theirs = names(robot);
        if (!ours.equals(theirs)) {
            throw new PolicyFormatException(source, field, ours + " differ from " + robotFile + " (" + robotField
                    + ") " + theirs);
        }
    }

    private static List<String> names(List<Signal> signals) {
        List<String> out = new ArrayList<>();
        for (Signal s : signals) {
            out.add(s.name());
        }
        return out;
    }

    private static List<String> units(List<Signal> signals) {
        List<String> out = new ArrayList<>();
        for (Signal s : signals) {
            out.add(s.unit() == null ? "" : s.unit());
        }
        return out;
    }

    private static void checkNames(String source, String field, List<String> names, int size)
            throws PolicyFormatException {
        if (names != null && names.size() != size) {
            throw new PolicyFormatException(source, field, names.size() + " entries, expected " + size);
        }
    }

    private static void checkLength(String source, String field, double[] v, int n) throws PolicyFormatException {
        if (v == null) {
            throw new PolicyFormatException(source, field, "missing");
        }
        if (v.length != n) {
            throw new PolicyFormatException(source, field, v.length + " values, expected " + n);
        }
    }

    private static void checkLength(String source, String field, float[] v, long n) throws PolicyFormatException {
        if (v == null) {
            throw new PolicyFormatException(source, field, "missing");
        }
        if (v.length != n) {
            throw new PolicyFormatException(source, field, v.length + " values, expected " + n);
        }
    }

    /**
     * A warning when the loop rate differs from the control rate the policy was trained at (its env's step), else
     * null (also when the policy records no rate). A policy's dynamics, and delays counted in steps, hold only at
     * the rate it was trained at.
     */
    public String rateWarning(double loopHz, String loopSource) {
        double trained = trainingRateHz();
        if (Double.isNaN(trained) || Math.abs(loopHz - trained) <= 1e-6 * trained) {
            return null;
        }
        return String.format(Locale.ROOT, "warning: the loop runs at %s Hz (from %s) but the policy was trained at %s Hz"
                + " (a %s s control period on %s); its behaviour, and any delays counted in control steps, assume %s Hz",
                num(loopHz), loopSource, num(trained), num(simToReal().controlPeriodSeconds()), envId, num(trained));
    }

    private static String num(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
