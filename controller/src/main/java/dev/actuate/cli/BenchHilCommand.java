package dev.actuate.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** PLACEHOLDER: Benchmark hardware-in-the-loop latency */
@Command(name = "hil", mixinStandardHelpOptions = true, description = "Benchmark hardware-in-the-loop latency (not implemented yet)")
public final class BenchHilCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("actuate hil: not implemented yet");
        return 2;
    }
}
