package dev.actuate.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** PLACEHOLDER: Render an episode to an animated GIF */
@Command(name = "render", mixinStandardHelpOptions = true, description = "Render an episode to an animated GIF (not implemented yet)")
public final class RenderCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("actuate render: not implemented yet");
        return 2;
    }
}
