package dev.actuate.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.Map;

/** Runs an ONNX model with ONNX Runtime (the reference implementation). */
final class OrtRunner implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String input;
    private final String output;

    OrtRunner(byte[] model, String input, String output) throws OrtException {
        this.session = env.createSession(model, new OrtSession.SessionOptions());
        this.input = input;
        this.output = output;
    }

    /** The output for a batch of {@code obs} rows ({@code [n, d]} input), one flattened row each. */
    float[][] run(float[][] obs) throws OrtException {
        int n = obs.length;
        int d = obs[0].length;
        FloatBuffer buf = FloatBuffer.allocate(n * d);
        for (float[] row : obs) {
            buf.put(row);
        }
        buf.flip();
        try (OnnxTensor t = OnnxTensor.createTensor(env, buf, new long[] {n, d});
             OrtSession.Result r = session.run(Map.of(input, t))) {
            FloatBuffer out = ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer();
            int per = out.remaining() / n;
            float[][] rows = new float[n][per];
            for (float[] row : rows) {
                out.get(row);
            }
            return rows;
        }
    }

    /** The output for one observation ({@code [1, d]} input), flattened. */
    float[] runOne(float[] obs) throws OrtException {
        return run(new float[][] {obs})[0];
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    /** The graph's {@code output} for each row of {@code obs}. */
    static float[][] run(byte[] model, String input, String output, float[][] obs) throws OrtException {
        try (OrtRunner r = new OrtRunner(model, input, output)) {
            return r.run(obs);
        }
    }
}
