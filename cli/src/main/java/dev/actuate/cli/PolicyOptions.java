package dev.actuate.cli;

import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --env}, {@code --controller} and {@code --model} options shared by eval and render. */
final class PolicyOptions {
    @Option(names = "--env", paramLabel = "ID", description = "Environment id (see `actuate envs`); optional with --model.")
    String env;

    @Option(names = "--controller", paramLabel = "NAME",
            description = "Built-in controller instead of a model: " + BuiltInControllers.HELP + "; default heuristic.")
    String controller;

    @Option(names = "--model", paramLabel = "PATH|NAME",
            description = "A trained model file or run directory, an .onnx policy, or a shipped agent's name (`actuate zoo`).")
    Path model;

    @Mixin
    OnnxOptions onnx;

    /** The env id to use: --env, else the model's own. */
    String envId() {
        if (env != null) {
            Envs.spec(env);
            return env;
        }
        if (model != null) {
            String id = OnnxOptions.isOnnx(model) ? OnnxOptions.envId(model) : ModelControllers.envId(model);
            if (id != null) {
                return id;
            }
        }
        throw new IllegalArgumentException("--env is required (or --model, whose env is used)");
    }

    /** A short name for the policy in reports. */
    String label() {
        return model != null ? "model " + model : kind();
    }

    private String kind() {
        return controller == null ? "heuristic" : controller;
    }

    /** The controller for {@code env}; a random one draws from {@code seed}. */
    Controller build(Env env, long seed) {
        if (model != null) {
            if (controller != null) {
                throw new IllegalArgumentException("give either --controller or --model, not both");
            }
            return OnnxOptions.isOnnx(model)
                    ? OnnxOptions.controller(onnx.load(model, env.observationSpace(), env.actionSpace()))
                    : ModelControllers.load(model, env);
        }
        return BuiltInControllers.controller(kind(), env, seed);
    }
}
