package dev.actuate.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** PLACEHOLDER: Benchmark training throughput */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Benchmark training throughput (not implemented yet)")
public final class BenchTrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("actuate train: not implemented yet");
        return 2;
    }
}
