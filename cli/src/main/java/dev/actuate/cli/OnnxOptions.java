package dev.actuate.cli;

import dev.actuate.onnx.ActionMapping;
import dev.actuate.onnx.OnnxCodec;
import dev.actuate.onnx.OnnxExport;
import dev.actuate.onnx.OnnxModel;
import dev.actuate.onnx.OnnxNetwork;
import dev.actuate.onnx.OnnxPolicy;
import dev.actuate.sim.Box;
import dev.actuate.sim.Controller;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code --onnx-output} and {@code --action-mapping}, and loading an {@code .onnx} model with them
 * (for run, eval, render and predict).
 */
final class OnnxOptions {
    @Option(names = "--onnx-output", paramLabel = "NAME",
            description = "ONNX model: the graph output to run (default: action, else the graph's first output)")
    String output;

    @Option(names = "--action-mapping", paramLabel = "clip|rescale-tanh|none",
            description = "ONNX model: how its output becomes an action in the bounds: clip (SB3 PPO/A2C), rescale-tanh "
                    + "(SB3 SAC/TD3/DDPG: [-1, 1] onto the bounds) or none (default: none for Actuate's own exports)")
    String mapping;

    /** Whether {@code model} names an ONNX file (by its extension). */
    static boolean isOnnx(Path model) {
        return model != null && model.getFileName() != null
                && model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /** The env an Actuate-exported ONNX file records, or null. */
    static String envId(Path onnx) {
        try {
            return OnnxCodec.read(onnx).metadata().get(OnnxExport.ENV_KEY);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The ONNX model as a policy acting in {@code [low, high]}.
     *
     * @param actuating true when the actions drive an env or robot: then a mapping is required unless the
     *                  file says it maps onto the bounds itself (Actuate's exports); false (predict) means raw
     */
    OnnxPolicy load(Path file, double[] low, double[] high, boolean actuating) {
        return load(file, low, high, actuating, -1);
    }

    /** @param observationSize the env's or robot's, checked against the graph's input; -1 for none */
    private OnnxPolicy load(Path file, double[] low, double[] high, boolean actuating, int observationSize) {
        try {
            OnnxModel m = OnnxCodec.read(file);
            ActionMapping map;
            if (mapping != null) {
                map = ActionMapping.parse("--action-mapping", mapping);
            } else if (m.metadata().containsKey(OnnxExport.MAPPING_KEY)) {
                map = ActionMapping.parse(file + ": metadata " + OnnxExport.MAPPING_KEY, m.metadata().get(OnnxExport.MAPPING_KEY));
            } else if (actuating) {
                throw new IllegalArgumentException(file + ": --action-mapping is required for an ONNX policy not exported "
                        + "by Actuate: clip for SB3 PPO/A2C, rescale-tanh for SB3 SAC/TD3/DDPG, none if the graph "
                        + "already outputs actions in the bounds");
            } else {
                map = ActionMapping.NONE;
            }
            OnnxNetwork net = OnnxNetwork.compile(m, output, file.toString());
            if (observationSize >= 0 && (net.inputSize() != observationSize || low != null && net.outputSize() != low.length)) {
                throw new IllegalArgumentException(file + ": ONNX output '" + net.outputName() + "' maps " + net.inputSize()
                        + " observations to " + net.outputSize() + " values; the env has " + observationSize
                        + " observations and " + (low == null ? "?" : low.length) + " actions");
            }
            return new OnnxPolicy(net, map, map.needsBounds() ? low : null, map.needsBounds() ? high : null);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** As {@link #load}, bounded by an env's action space and checked against its sizes. */
    OnnxPolicy load(Path file, Box observation, Box action) {
        return load(file, observation, action.low(), action.high());
    }

    /** As {@link #load}, checked against the env's observation size and the bounds' action size. */
    OnnxPolicy load(Path file, Box observation, double[] low, double[] high) {
        return load(file, low, high, true, observation.dim());
    }

    /** An ONNX policy as a sim {@link Controller} (eval, render); allocates the returned action. */
    static Controller controller(OnnxPolicy p) {
        return obs -> {
            double[] a = new double[p.actionSize()];
            p.act(obs, a);
            return a;
        };
    }
}
