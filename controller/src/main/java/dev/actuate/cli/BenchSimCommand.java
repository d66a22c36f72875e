package dev.actuate.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** PLACEHOLDER: Benchmark simulator step rates */
@Command(name = "sim", mixinStandardHelpOptions = true, description = "Benchmark simulator step rates (not implemented yet)")
public final class BenchSimCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("actuate sim: not implemented yet");
        return 2;
    }
}
