package dev.actuate.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** PLACEHOLDER: Print the ND4J backend, BLAS threads and devices */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Print the ND4J backend, BLAS threads and devices (not implemented yet)")
public final class InfoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("actuate info: not implemented yet");
        return 2;
    }
}
