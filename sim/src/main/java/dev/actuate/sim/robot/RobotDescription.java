package dev.actuate.sim.robot;

import java.nio.file.Path;
import java.util.List;

/**
 * A robot YAML with a {@code model:} section, as the simulator sees it: the robot's name and rate,
 * the names and limits of its state and command signals (the ones its hardware adapter uses), the
 * model, the task and the domain randomisation. Loaded by {@link RobotDescriptionLoader}; the
 * hardware side of the same file is {@code RobotConfigLoader}'s.
 *
 * @param file   where it was loaded from
 * @param rateHz the control rate; one env step is {@code 1 / rateHz} seconds
 */
public record RobotDescription(Path file, String name, double rateHz, List<SignalRange> states,
        List<SignalRange> commands, Model model, Task task, Randomization randomization) {
    public RobotDescription {
        states = List.copyOf(states);
        commands = List.copyOf(commands);
    }

    /** A signal's name, unit and limits as the hardware section declares them. */
    public record SignalRange(String name, String unit, double min, double max) {
    }

    public List<String> stateNames() {
        return states.stream().map(SignalRange::name).toList();
    }

    public List<String> stateUnits() {
        return states.stream().map(SignalRange::unit).toList();
    }

    public List<String> commandNames() {
        return commands.stream().map(SignalRange::name).toList();
    }

    public List<String> commandUnits() {
        return commands.stream().map(SignalRange::unit).toList();
    }

    /** The same robot with other randomisation (a training config's override). */
    public RobotDescription withRandomization(Randomization r) {
        return new RobotDescription(file, name, rateHz, states, commands, model, task, r);
    }
}
