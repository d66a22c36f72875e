package dev.actuate.cli;

import dev.actuate.algo.PolicyExport;
import dev.actuate.policy.PolicyFile;
import dev.actuate.policy.PolicyReader;
import dev.actuate.policy.PolicyWriter;
import dev.actuate.runtime.LoadedModel;
import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;
import dev.actuate.train.Checkpoint;
import dev.actuate.train.LoadedModels;
import dev.actuate.train.RunDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a trained policy (a policy file, or a run directory holding {@code model.actuate} or, while training
 * runs, {@code checkpoint.actuate}) as a deterministic plain-Java {@link LoadedModel} (the control loop's
 * allocation-free policy) or, built on it, a sim {@link Controller} for eval and render. Policy files go through
 * {@link PolicyReader}; training's checkpoints and model files of the format before the policy file are
 * exported by {@link PolicyExport} and then read back by the same reader. No ND4J at run time.
 */
public final class ModelControllers {
    private ModelControllers() {
    }

    /**
     * The model file of a run directory ({@code model.actuate}, else the latest checkpoint), the file itself, or,
     * when no such path exists, the shipped agent of that name ({@link ShippedAgents}).
     */
    public static Path resolve(Path modelOrRunDir) throws IOException {
        modelOrRunDir = ShippedAgents.resolveModel(modelOrRunDir);
        if (Files.isDirectory(modelOrRunDir)) {
            Path model = modelOrRunDir.resolve(RunDir.MODEL);
            if (Files.isRegularFile(model)) {
                return model;
            }
            Path checkpoint = modelOrRunDir.resolve(RunDir.CHECKPOINT);
            if (Files.isRegularFile(checkpoint)) {
                return checkpoint;
            }
            throw new IOException(modelOrRunDir + ": run directory holds neither " + RunDir.MODEL + " nor "
                    + RunDir.CHECKPOINT);
        }
        return modelOrRunDir;
    }

    /**
     * The policy file of a model, run directory or checkpoint. Training files (checkpoints, and model files
     * written before the policy format) are exported in memory and read back through {@link PolicyReader}.
     */
    public static PolicyFile readPolicy(Path modelOrRunDir) throws IOException {
        Path file = resolve(modelOrRunDir);
        if (PolicyReader.isLegacyModel(file)) {
            PolicyFile p = PolicyExport.fromCheckpoint(Checkpoint.read(file));
            return PolicyReader.fromBytes(PolicyWriter.toBytes(p), file.toString());
        }
        return PolicyReader.read(file);
    }

    /** The env id the model was trained on; for a shipped agent's name, its card's env. */
    public static String envId(Path modelOrRunDir) {
        try {
            String fromCard = ShippedAgents.cardEnv(modelOrRunDir);
            if (fromCard != null) {
                return fromCard;
            }
            String id = readPolicy(modelOrRunDir).envId();
            if (id == null) {
                throw new IllegalArgumentException(modelOrRunDir + ": the policy names no env; give --env");
            }
            return id;
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The model as an allocation-free run-time {@link dev.actuate.runtime.Policy}, with the file's own bounds. */
    public static LoadedModel loadModel(Path modelOrRunDir) {
        return loadModel(modelOrRunDir, null);
    }

    /** Like {@link #loadModel(Path)}, checked against {@code env}'s sizes; {@code env} null skips the check. */
    public static LoadedModel loadModel(Path modelOrRunDir, Env env) {
        try {
            Path file = resolve(modelOrRunDir);
            PolicyFile p = readPolicy(file);
            // A policy with previous actions in its input takes the state alone and appends them itself.
            if (env != null && (p.stateSize() != env.observationSpace().dim()
                    || p.action().size() != env.actionSpace().dim())) {
                throw new IOException(file + ": policy for " + p.envId() + " has " + p.stateSize()
                        + " observations and " + p.action().size() + " actions; env " + env.id() + " has "
                        + env.observationSpace().dim() + " and " + env.actionSpace().dim());
            }
            return p.toModel(file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The deterministic policy as a sim {@link Controller} (eval, render): {@link LoadedModel}'s math on doubles. */
    public static Controller load(Path modelOrRunDir, Env env) {
        return LoadedModels.asController(loadModel(modelOrRunDir, env));
    }
}
