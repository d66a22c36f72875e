package dev.actuate.cli;

import picocli.CommandLine.Command;

/** {@code actuate bench sim|train|hil}. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (sim, train, hil)",
        subcommands = {BenchSimCommand.class, BenchTrainCommand.class, BenchHilCommand.class})
public final class BenchCommand {
}
