package dev.actuate.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** PLACEHOLDER: Run the embedded MQTT broker */
@Command(name = "broker", mixinStandardHelpOptions = true, description = "Run the embedded MQTT broker (not implemented yet)")
public final class BrokerCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("actuate broker: not implemented yet");
        return 2;
    }
}
