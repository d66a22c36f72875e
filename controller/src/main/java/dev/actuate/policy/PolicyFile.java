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
 */
public record PolicyFile(String envId, String algorithm, Observation observation, Action action, List<Layer> layers,
                         ObjectNode provenance) {
    public static final int FORMAT_VERSION = 1;

    public PolicyFile {
        layers = List.copyOf(layers);
        provenance = provenance == null ? JsonNodeFactory.instance.objectNode() : provenance.deepCopy();
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
        int outputs = layers.get(layers.size() - 1).out();
        if (outputs < action.size()) {
            throw new PolicyFormatException(source, "network.layers[" + (layers.size() - 1) + "].out", "the network has "
                    + outputs + " outputs, fewer than action.size " + action.size());
        }
    }

    /**
     * Checks this policy against a robot description: sizes must agree, and where both name their signals the
     * names must agree too (the robot's order is the policy's input order).
     */
    public void checkRobot(String source, RobotConfig robot, String robotFile) throws PolicyFormatException {
        if (robot.stateSignals().size() != observation.size()) {
            throw new PolicyFormatException(source, "observation.size", observation.size() + " observations, but "
                    + robotFile + " (signals.state) has " + robot.stateSignals().size() + " state signals");
        }
        if (robot.commandSignals().size() != action.size()) {
            throw new PolicyFormatException(source, "action.size", action.size() + " actions, but " + robotFile
                    + " (signals.command) has " + robot.commandSignals().size() + " command signals");
        }
        checkSignalNames(source, "observation.names", observation.names(), robot.stateSignals(), robotFile, "signals.state");
        checkSignalNames(source, "action.names", action.names(), robot.commandSignals(), robotFile, "signals.command");
    }

    /** A copy whose signal names and units are the robot's (they were unknown at training time). */
    public PolicyFile withSignals(RobotConfig robot) {
        return new PolicyFile(envId, algorithm,
                new Observation(observation.size(), names(robot.stateSignals()), units(robot.stateSignals()),
                        observation.normalization()),
                new Action(action.size(), action.low(), action.high(), names(robot.commandSignals()),
                        units(robot.commandSignals()), action.mapping()),
                layers, provenance);
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
                action.low(), action.high());
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
}
