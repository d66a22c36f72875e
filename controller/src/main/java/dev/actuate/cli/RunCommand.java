package dev.actuate.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** PLACEHOLDER: Run a trained policy against a robot */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a trained policy against a robot (not implemented yet)")
public final class RunCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("actuate run: not implemented yet");
        return 2;
    }
}
