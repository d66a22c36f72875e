package dev.actuate.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** PLACEHOLDER: Train or load a policy and run it over MQTT against the simulated robot */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Train or load a policy and run it over MQTT against the simulated robot (not implemented yet)")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("actuate demo: not implemented yet");
        return 2;
    }
}
