package dev.actuate.cli;

import dev.actuate.onnx.OnnxExport;
import dev.actuate.runtime.LoadedModel;
import dev.actuate.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code actuate export}: a trained model's deterministic policy as a standard ONNX graph (docs/onnx.md). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a trained model's deterministic policy as ONNX (normalisation, layers, output mapping)")
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "RUN_DIR|MODEL|NAME", description = "Trained model or run directory, or a shipped agent's name")
    Path model;

    @Option(names = "--format", defaultValue = "onnx", paramLabel = "onnx", description = "Output format (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--out", required = true, paramLabel = "FILE.onnx", description = "File to write (atomically)")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!"onnx".equalsIgnoreCase(format)) {
            throw new IllegalArgumentException("--format: only onnx is supported, got '" + format + "'");
        }
        if (OnnxOptions.isOnnx(model)) {
            throw new IllegalArgumentException("--model " + model + " is already an ONNX file");
        }
        LoadedModel m = ModelControllers.loadModel(model);
        AtomicFiles.write(out, OnnxExport.export(m));
        System.out.printf(Locale.ROOT, "wrote %s: %s policy for %s, opset %d, input '%s' [batch, %d], output '%s' [batch, %d]%n",
                out, m.outputMap(), m.envId(), OnnxExport.OPSET, OnnxExport.INPUT, m.observationSize(), OnnxExport.OUTPUT,
                m.actionSize());
        return 0;
    }
}
