package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.RobotConfigLoader;
import dev.actuate.hw.Signal;
import dev.actuate.runtime.LoadedModel;
import dev.actuate.onnx.OnnxPolicy;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/**
 * {@code actuate predict}: a policy's deterministic actions for observations from a file, one per
 * line, as JSON arrays (JSON lines) or comma-separated numbers (CSV, an optional header line).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Print a policy's deterministic actions for observations read from a JSON-lines or CSV file")
public final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "RUN_DIR|MODEL|NAME|FILE.onnx",
            description = "Trained model or run directory (actions in its env's bounds), or an .onnx policy")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "Observations: one JSON array per line, or CSV rows")
    Path input;

    @Mixin
    OnnxOptions onnx;

    @Option(names = "--env", paramLabel = "ID", description = "ONNX with --action-mapping: take the action bounds from this env")
    String env;

    @Option(names = "--robot", paramLabel = "FILE",
            description = "ONNX with --action-mapping: take the action bounds from this robot config's command signals")
    Path robot;

    @Option(names = "--json", description = "Print {\"actions\": [[...], ...]} as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<double[]> rows = readObservations(input);
        List<double[]> actions = new ArrayList<>();
        if (OnnxOptions.isOnnx(model)) {
            double[][] bounds = onnx.mapping == null ? new double[2][] : bounds();
            OnnxPolicy p = onnx.load(model, bounds[0], bounds[1], false);
            for (int r = 0; r < rows.size(); r++) {
                checkWidth(r, rows.get(r), p.observationSize());
                double[] a = new double[p.actionSize()];
                p.act(rows.get(r), a);
                actions.add(a);
            }
        } else {
            if (onnx.mapping != null || onnx.output != null) {
                throw new IllegalArgumentException("--action-mapping and --onnx-output apply to .onnx models; " + model
                        + " maps its output onto its env's bounds itself");
            }
            LoadedModel m = ModelControllers.loadModel(model);
            for (int r = 0; r < rows.size(); r++) {
                checkWidth(r, rows.get(r), m.observationSize());
                double[] a = new double[m.actionSize()];
                m.act(rows.get(r), a);
                actions.add(a);
            }
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode o = om.createObjectNode();
        ArrayNode all = o.putArray("actions");
        for (double[] a : actions) {
            ArrayNode row = all.addArray();
            StringJoiner line = new StringJoiner(",");
            for (double v : a) {
                row.add((float) v); // the policy computes in float: print the float's shortest form
                line.add(Float.toString((float) v));
            }
            if (!json) {
                System.out.println(line);
            }
        }
        if (json) {
            System.out.println(om.writeValueAsString(o));
        }
        System.out.flush();
        return 0;
    }

    private double[][] bounds() throws IOException {
        if ((env == null) == (robot == null)) {
            throw new IllegalArgumentException("--action-mapping " + onnx.mapping
                    + " needs the action bounds: give --env or --robot (one of them)");
        }
        if (robot != null) {
            RobotConfig cfg = RobotConfigLoader.load(robot);
            return new double[][] {cfg.commandSignals().stream().mapToDouble(Signal::min).toArray(),
                    cfg.commandSignals().stream().mapToDouble(Signal::max).toArray()};
        }
        try (Env e = Envs.make(env)) {
            return new double[][] {e.actionSpace().low(), e.actionSpace().high()};
        }
    }

    private void checkWidth(int row, double[] obs, int expected) {
        if (obs.length != expected) {
            throw new IllegalArgumentException(input + ": observation " + (row + 1) + " has " + obs.length
                    + " values; the policy takes " + expected);
        }
    }

    /** JSON lines if the first non-blank line starts with '[', else CSV (a first line that is not numeric is a header). */
    static List<double[]> readObservations(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        boolean jsonLines = lines.stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                .map(l -> l.startsWith("[")).orElse(false);
        ObjectMapper om = new ObjectMapper();
        List<double[]> rows = new ArrayList<>();
        boolean first = true;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty()) {
                continue;
            }
            String where = file + " line " + (i + 1);
            if (jsonLines) {
                JsonNode n;
                try {
                    n = om.readTree(l);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException(where + ": not a JSON array of numbers (" + e.getOriginalMessage() + ")");
                }
                if (n == null || !n.isArray()) {
                    throw new IllegalArgumentException(where + ": expected a JSON array of numbers");
                }
                double[] row = new double[n.size()];
                for (int j = 0; j < row.length; j++) {
                    if (!n.get(j).isNumber()) {
                        throw new IllegalArgumentException(where + ": element " + j + " is not a number: " + n.get(j));
                    }
                    row[j] = n.get(j).asDouble();
                }
                rows.add(row);
            } else {
                String[] cells = l.split(",");
                double[] row = new double[cells.length];
                try {
                    for (int j = 0; j < cells.length; j++) {
                        row[j] = Double.parseDouble(cells[j].strip());
                    }
                } catch (NumberFormatException e) {
                    if (first) {
                        first = false;
                        continue; // a header
                    }
                    throw new IllegalArgumentException(where + ": not a row of numbers: " + l);
                }
                rows.add(row);
            }
            first = false;
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + ": no observations");
        }
        return rows;
    }
}
