package dev.actuate.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** PLACEHOLDER: List registered environments */
@Command(name = "envs", mixinStandardHelpOptions = true, description = "List registered environments (not implemented yet)")
public final class EnvsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("actuate envs: not implemented yet");
        return 2;
    }
}
