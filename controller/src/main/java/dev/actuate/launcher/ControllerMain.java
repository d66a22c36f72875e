package dev.actuate.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code actuate-controller}: the deployable controller's command line (run, check). */
@Command(name = "actuate-controller", mixinStandardHelpOptions = true, versionProvider = ControllerMain.Version.class,
        description = "Runs a trained policy on a robot over MQTT, behind the safety layer (plain Java, no training stack).",
        subcommands = {RunRobotCommand.class, CheckCommand.class, CommandLine.HelpCommand.class})
public final class ControllerMain {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new ControllerMain());
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            // Bad input (policy, robot YAML, broker) is one clear line, not a stack trace.
            if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                    || ex instanceof java.io.IOException) {
                cmd.getErr().println("actuate-controller " + cmd.getCommandName() + ": " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ControllerMain.class.getPackage().getImplementationVersion();
            return new String[] {"actuate-controller " + (v == null ? "dev" : v)};
        }
    }
}
