package dev.actuate.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** PLACEHOLDER: Run a simulated robot as an MQTT device */
@Command(name = "robot", mixinStandardHelpOptions = true, description = "Run a simulated robot as an MQTT device (not implemented yet)")
public final class RobotCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("actuate robot: not implemented yet");
        return 2;
    }
}
