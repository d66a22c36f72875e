package dev.actuate.cli;

import dev.actuate.nn.Backends;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** The single command-line entry point, {@code scripts/actuate}. */
@Command(name = "actuate", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Continuous-control training, deployment and hardware-in-the-loop.",
        subcommands = {EnvsCommand.class, EvalCommand.class, RenderCommand.class, BenchCommand.class,
                TrainCommand.class, InfoCommand.class, RunCommand.class, RobotCommand.class, BrokerCommand.class,
                DemoCommand.class, ExportCommand.class, PredictCommand.class, ConvertCommand.class,
                PackageCommand.class, ReportCommand.class, ShipCommand.class, ZooCommand.class,
                CommandLine.HelpCommand.class})
public final class Actuate {
    @Option(names = "--plugin", paramLabel = "JAR", description = {"A jar of Java envs (registered through"
            + " ServiceLoader as dev.actuate.sim.EnvProvider); repeatable, before the command.",
            "The ACTUATE_PLUGINS environment variable lists more, separated by ':'."})
    List<Path> plugins = List.of();

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code; tests call this instead of {@link #main}. */
    public static int run(String... args) {
        return run(new Object[0], args);
    }

    /**
     * Like {@link #run(String...)} with more subcommands: the {@code distributed} module adds {@code sweep} and
     * {@code study} this way, so Spark stays off this module's class path.
     */
    public static int run(Object[] extraSubcommands, String... args) {
        CommandLine cl = new CommandLine(new Actuate());
        for (Object sub : extraSubcommands) {
            cl.addSubcommand(sub);
        }
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            // Bad input is reported as one clear line, not a stack trace.
            if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                    || ex instanceof java.io.IOException) {
                cmd.getErr().println("actuate " + cmd.getCommandName() + ": " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        if (args.length > 0 && (args[0].equals("train") || args[0].equals("bench"))) {
            // Training starts ND4J; on the CUDA backend an unsupported or missing GPU would crash natively
            // or fail obscurely, so check first (a class lookup only on the CPU backend).
            try {
                Backends.checkGpuSupported();
            } catch (IllegalStateException e) {
                cl.getErr().println("actuate " + args[0] + ": " + e.getMessage());
                return 3;
            }
        }
        // Plug-ins register their envs after parsing and before any command runs, so all commands see them.
        CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
        cl.setExecutionStrategy(parsed -> {
            Actuate top = parsed.commandSpec().commandLine().getCommand();
            try {
                Plugins.load(Plugins.parse(System.getenv(Plugins.ENVIRONMENT_VARIABLE)), Plugins.ENVIRONMENT_VARIABLE);
                Plugins.load(top.plugins, "--plugin");
            } catch (IllegalArgumentException e) {
                cl.getErr().println("actuate: " + e.getMessage());
                return 2;
            }
            return runLast.execute(parsed);
        });
        return cl.execute(args);
    }
}
