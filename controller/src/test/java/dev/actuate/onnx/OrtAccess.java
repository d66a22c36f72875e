package dev.actuate.onnx;

import java.nio.file.Path;

/** Test helpers of this package for tests elsewhere (the CLI's). */
public final class OrtAccess {
    private OrtAccess() {
    }

    /** Runs an Actuate export with ONNX Runtime. */
    public static float[][] run(byte[] model, float[][] obs) throws Exception {
        return OrtRunner.run(model, OnnxExport.INPUT, OnnxExport.OUTPUT, obs);
    }

    /** The repository root. */
    public static Path repoRoot() {
        return Sb3Fixtures.repoRoot();
    }

    /** The SB3 fixture directory (fails when missing). */
    public static Path fixtures() {
        return Sb3Fixtures.dir();
    }
}
