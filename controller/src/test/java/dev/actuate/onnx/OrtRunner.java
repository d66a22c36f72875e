package dev.actuate.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.Map;

/** Runs an ONNX model with ONNX Runtime (the reference implementation), a batch at a time. */
final class OrtRunner {
    private OrtRunner() {
    }

    /** The graph's {@code output} for each row of {@code obs} (one batch, input name {@code input}). */
    static float[][] run(byte[] model, String input, String output, float[][] obs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int n = obs.length;
        int d = obs[0].length;
        FloatBuffer buf = FloatBuffer.allocate(n * d);
        for (float[] row : obs) {
            buf.put(row);
        }
        buf.flip();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, buf, new long[] {n, d});
             OrtSession.Result r = s.run(Map.of(input, t))) {
            return (float[][]) r.get(output).orElseThrow().getValue();
        }
    }
}
