package dev.actuate.distributed;

import dev.actuate.cli.Actuate;

/**
 * The {@code actuate} command with {@code sweep}, {@code study} and {@code dtrain} added: the entry point of this
 * module's jar, which {@code scripts/actuate} runs for those three commands (the plain CLI jar carries no Spark).
 */
public final class ActuateDistributed {
    private ActuateDistributed() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return Actuate.run(new Object[] {new SweepCommand(), new StudyCommand(), new DtrainCommand()}, args);
    }
}
