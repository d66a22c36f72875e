package dev.actuate.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** PLACEHOLDER: Train a policy */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a policy (not implemented yet)")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("actuate train: not implemented yet");
        return 2;
    }
}
