package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.io.AtomicFiles;
import dev.actuate.policy.PolicyFile;
import dev.actuate.policy.PolicyReader;
import dev.actuate.train.RunDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code actuate ship}: a trained agent into {@code models/} as {@code <name>.actuate} with its card
 * ({@link ModelCard}), from a run directory's model, config, provenance, {@code eval.json} and {@code train.json}.
 */
@Command(name = "ship", mixinStandardHelpOptions = true, description = {
        "Ship a trained agent into models/ with its card (actuate zoo lists them).",
        "Copies RUN_DIR/model.actuate to models/<name>.actuate and writes models/<name>.card.json from the run's",
        "eval.json (the last line of `actuate eval --json`), train.json ({\"wall_s\", \"command\"}),",
        "config.yaml and provenance.json. A policy file instead of a run directory takes its config and",
        "provenance from the file (give --eval, and --train-json when known)."})
public final class ShipCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "RUN_DIR|MODEL", description = "Run directory (or a policy file)")
    Path source;

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "The agent's name, e.g. sac-Pendulum-v1 (letters, digits, '.', '_', '-')")
    String name;

    @Option(names = "--models", paramLabel = "DIR", description = "Where to ship (default: the clone's models/)")
    Path models;

    @Option(names = "--eval", paramLabel = "FILE", description = "Evaluation JSON (default: RUN_DIR/eval.json)")
    Path evalFile;

    @Option(names = "--train-json", paramLabel = "FILE", description = "Training record (default: RUN_DIR/train.json)")
    Path trainFile;

    @Option(names = "--force", description = "Replace an agent already shipped under this name")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (!ShippedAgents.validName(name)) {
            throw new IllegalArgumentException("--name '" + name + "': use letters, digits, '.', '_' and '-' (a file "
                    + "stem, without " + ShippedAgents.EXTENSION + ")");
        }
        boolean runDir = Files.isDirectory(source);
        if (!runDir && !Files.isRegularFile(source)) {
            throw new IllegalArgumentException(source + ": no such run directory or policy file");
        }
        Path model = runDir ? source.resolve(RunDir.MODEL) : source;
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException(source + ": holds no " + RunDir.MODEL + " (has training finished?)");
        }
        PolicyFile policy = PolicyReader.read(model);
        JsonNode provenance = runDir ? JsonFiles.readObject(source.resolve(RunDir.PROVENANCE)) : policy.provenance();
        JsonNode config = runDir ? readConfig(source.resolve(RunDir.CONFIG)) : provenance.path("config");
        String provenanceSource = runDir ? source.resolve(RunDir.PROVENANCE).toString() : model + " (provenance)";
        String algo = JsonFiles.text(provenanceSource, provenance, "algorithm");
        String env = JsonFiles.text(provenanceSource, provenance, "envId");
        long seed = provenance.path("seed").asLong();
        JsonNode step = policy.provenance().get("global_step");
        if (step == null || !step.isNumber()) {
            throw new IOException(model + ": its provenance has no global_step (the steps trained)");
        }

        Path evalPath = evalFile != null ? evalFile : runDir ? source.resolve(ResultsReport.EVAL) : null;
        if (evalPath == null || !Files.isRegularFile(evalPath)) {
            throw new IllegalArgumentException((evalPath == null ? "--eval is required for a policy file"
                    : evalPath + ": no evaluation") + " (write the last line of `actuate eval --model " + source
                    + " --episodes 100 --seed 1000 --json` there)");
        }
        ObjectNode eval = (ObjectNode) JsonFiles.readObject(evalPath);
        Path trainPath = trainFile != null ? trainFile : runDir ? source.resolve(ResultsReport.TRAIN) : null;
        String trainCommand = null;
        Double wall = null;
        if (trainPath != null && Files.isRegularFile(trainPath)) {
            JsonNode t = JsonFiles.readObject(trainPath);
            trainCommand = JsonFiles.text(trainPath, t, "command");
            wall = t.path("wall_s").isNumber() ? t.get("wall_s").asDouble() : null;
        } else if (trainFile != null) {
            throw new IllegalArgumentException("--train-json " + trainFile + ": no such file");
        } else {
            System.err.println("actuate ship: no " + ResultsReport.TRAIN + " in " + source
                    + ": the card will have no training command");
        }

        String evalEnv = eval.path("env").asText(env);
        String evalCommand = "actuate eval --model " + name + (evalEnv.equals(env) ? "" : " --env " + evalEnv)
                + " --episodes " + JsonFiles.number(evalPath, eval, "episodes").asInt()
                + " --seed " + JsonFiles.number(evalPath, eval, "seed").asLong()
                + (eval.path("hold_steps").isNumber() ? " --hold " + eval.get("hold_steps").asInt() : "") + " --json";
        ModelCard card = new ModelCard(name, algo, env, seed, step.asLong(),
                JsonFiles.number(evalPath, eval, "mean_return").asDouble(),
                JsonFiles.number(evalPath, eval, "std_return").asDouble(),
                ResultsReport.successRate(evalPath, eval),
                JsonFiles.number(evalPath, eval, "episodes").asInt(),
                JsonFiles.number(evalPath, eval, "seed").asLong(), evalCommand, trainCommand, wall, eval, config, provenance);

        Path dir = models != null ? models : ShippedAgents.modelsDir() != null ? ShippedAgents.modelsDir()
                : ShippedAgents.MODELS;
        Files.createDirectories(dir);
        Path target = dir.resolve(name + ShippedAgents.EXTENSION);
        boolean same = Files.exists(target) && Files.isSameFile(target, model);
        if (Files.exists(target) && !same && !force) {
            throw new IllegalArgumentException(target + ": an agent is already shipped under this name; --force "
                    + "replaces it");
        }
        if (!same) {
            AtomicFiles.write(target, Files.readAllBytes(model));
        }
        card.write(dir.resolve(name + ModelCard.SUFFIX));
        System.out.printf(Locale.ROOT, "shipped %s: %s on %s, seed %d, %d steps, return %.2f ± %.2f over %d episodes"
                        + " -> %s%n", name, algo, env, seed, card.steps(), card.meanReturn(), card.stdReturn(),
                card.episodes(), target);
        return 0;
    }

    private static JsonNode readConfig(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": missing");
        }
        try {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            return JSON.valueToTree(doc == null ? java.util.Map.of() : doc);
        } catch (YAMLException e) {
            throw new IOException(file + ": not valid YAML: " + e.getMessage(), e);
        }
    }
}
