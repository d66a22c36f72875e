package dev.actuate.launcher;

import dev.actuate.hw.config.RobotConfig;
import dev.actuate.hw.config.RobotConfigLoader;
import dev.actuate.policy.PolicyFile;
import dev.actuate.policy.PolicyReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code actuate-controller check}: reads the policy and the robot YAML and checks they fit, without connecting. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check that a policy file and a robot config fit each other (no connection is made)")
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "POLICY", description = "Policy file (.actuate)")
    Path model;

    @Option(names = "--robot", required = true, paramLabel = "FILE", description = "Robot config YAML")
    Path robot;

    @Override
    public Integer call() throws Exception {
        RobotConfig cfg = RobotConfigLoader.load(robot);
        PolicyFile p = PolicyReader.read(model);
        p.checkRobot(model.toString(), cfg, robot.toString());
        p.toModel(model.toString());
        System.out.printf(Locale.ROOT, "ok: %s (%s, env %s) fits robot %s: %d state signals -> %d commands (%s),"
                        + " %.0f Hz, broker %s%n", model, p.algorithm(), p.envId(), cfg.id(), p.observation().size(),
                p.action().size(), PolicyFile.mappingName(p.action().mapping()), cfg.rateHz(), cfg.broker());
        return 0;
    }
}
