package dev.actuate.cli;

import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.RobotConfigLoader;
import dev.actuate.policy.PolicyFile;
import dev.actuate.policy.PolicyWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code actuate convert}: any model Actuate reads (a policy file, a run directory, a training checkpoint or a
 * model file of the format before the policy file) to a policy file, optionally naming its signals after a robot.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Write a model, run directory or checkpoint as a policy file (the format the controller reads)")
public final class ConvertCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "RUN_DIR|MODEL|NAME", description = "Model, checkpoint or run directory, or a shipped agent's name")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Policy file to write (atomically)")
    Path out;

    @Option(names = "--robot", paramLabel = "FILE",
            description = "Robot config: checks the sizes and records its signal names and units in the policy")
    Path robot;

    @Override
    public Integer call() throws Exception {
        PolicyFile p = ModelControllers.readPolicy(model);
        if (robot != null) {
            RobotConfig cfg = RobotConfigLoader.load(robot);
            PolicyFile named = p.withSignals(cfg);
            named.checkRobot(model.toString(), cfg, robot.toString());
            p = named;
        }
        PolicyWriter.write(p, out);
        System.out.printf("wrote %s: policy format %d, %s for %s, %d observations -> %d actions (%s)%n", out,
                PolicyFile.FORMAT_VERSION, p.algorithm(), p.envId(), p.observation().size(), p.action().size(),
                PolicyFile.mappingName(p.action().mapping()));
        return 0;
    }
}
