package dev.actuate.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One output of an ONNX graph, compiled for a single observation into a fixed list of steps over
 * preallocated float buffers: {@link #run} allocates nothing. Only the subgraph the output needs is
 * compiled; what does not depend on the observation (shapes, constants) is folded at load time, so
 * only the ops on the observation-to-output path run (see {@link GraphCompiler}).
 *
 * <p>Holds its buffers: one instance per thread.
 */
public final class OnnxNetwork {
    /** One compiled operation: reads its input buffers, writes its output buffer. */
    interface Step {
        void run();
    }

    private final String outputName;
    private final float[] input;
    private final float[] output;
    private final Step[] steps;
    private final List<String> opsRun;
    private final long opset;

    OnnxNetwork(String outputName, float[] input, float[] output, List<Step> steps, List<String> opsRun,
                long opset) {
        this.outputName = outputName;
        this.input = input;
        this.output = output;
        this.steps = steps.toArray(new Step[0]);
        this.opsRun = List.copyOf(opsRun);
        this.opset = opset;
    }

    /**
     * Reads {@code file} and compiles the output called {@code outputName} (null: {@code action}
     * if the graph has one, else its first output).
     */
    public static OnnxNetwork load(Path file, String outputName) throws IOException {
        OnnxModel m = OnnxCodec.read(file);
        try {
            return GraphCompiler.compile(m, outputName);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Compiles an in-memory model; errors name {@code source}. */
    public static OnnxNetwork compile(OnnxModel m, String outputName, String source) {
        try {
            return GraphCompiler.compile(m, outputName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** {@code out[0..outputSize) = graph(observation[0..inputSize))}; allocation-free. */
    public void run(float[] observation, float[] out) {
        if (observation.length != input.length || out.length != output.length) {
            throw new IllegalArgumentException("ONNX output '" + outputName + "' maps " + input.length + " inputs to "
                    + output.length + " outputs, got arrays of " + observation.length + " and " + out.length);
        }
        System.arraycopy(observation, 0, input, 0, input.length);
        for (Step s : steps) {
            s.run();
        }
        System.arraycopy(output, 0, out, 0, output.length);
    }

    public int inputSize() {
        return input.length;
    }

    public int outputSize() {
        return output.length;
    }

    public String outputName() {
        return outputName;
    }

    /** The op types that run per call, in order (folded and aliasing ops excluded). */
    public List<String> opsRun() {
        return opsRun;
    }

    /** The model's default-domain opset. */
    public long opset() {
        return opset;
    }
}
