package dev.actuate.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** PLACEHOLDER: Evaluate a controller or trained model */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a controller or trained model (not implemented yet)")
public final class EvalCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("actuate eval: not implemented yet");
        return 2;
    }
}
