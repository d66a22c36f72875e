package dev.actuate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code actuate package}: a robot bundle (controller jars, policy, robot YAML, start scripts); see {@link RobotBundle}. */
@Command(name = "package", mixinStandardHelpOptions = true,
        description = "Build a robot bundle: the controller and its few jars, the policy, the robot config and"
                + " bin/actuate-controller (any Java 17 JVM, any OS/CPU)")
public final class PackageCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "RUN_DIR|MODEL|NAME", description = "Policy file, model or run directory, or a shipped agent's name")
    Path model;

    @Option(names = "--robot", required = true, paramLabel = "FILE", description = "Robot config, e.g. configs/robots/lander.yaml")
    Path robot;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Bundle directory to create (must not exist or be empty)")
    Path out;

    @Option(names = "--archive", description = "Also write DIR.tar.gz")
    boolean archive;

    @Option(names = "--json", description = "Print one JSON object as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        RobotBundle.Result r = RobotBundle.build(model, robot, out, archive);
        System.out.printf(Locale.ROOT, "robot bundle %s: %.2f MB in %d jars + policy + robot config%n", r.dir(),
                r.bytes() / 1e6, r.jars().size());
        if (r.archive() != null) {
            System.out.printf(Locale.ROOT, "archive %s: %.2f MB%n", r.archive(), r.archiveBytes() / 1e6);
        }
        System.out.println("on the robot: cd " + r.dir().getFileName() + " && bin/actuate-controller run --model policy/"
                + r.policy().getFileName() + " --robot robot/" + r.robot().getFileName());
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = m.createObjectNode();
            o.put("bundle", r.dir().toString());
            o.put("bytes", r.bytes());
            o.put("jars", r.jars().size());
            o.put("archive", r.archive() == null ? null : r.archive().toString());
            o.put("archive_bytes", r.archiveBytes());
            System.out.println(m.writeValueAsString(o));
        }
        return 0;
    }
}
