package dev.actuate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** One set of built-in controller names, accepted and listed alike by eval, render, run and demo. */
class BuiltInControllersTest {
    @TempDir
    Path dir;

    /** Exit code and stdout + stderr of one in-process command line. */
    private static Object[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        try {
            int rc = Actuate.run(args);
            return new Object[] {rc, bytes.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private String[] command(String name, String controller) {
        return switch (name) {
            case "eval" -> new String[] {"eval", "--env", "Pendulum-v1", "--controller", controller, "--episodes", "1"};
            case "render" -> new String[] {"render", "--env", "Pendulum-v1", "--controller", controller, "--every", "50",
                    "--width", "64", "--height", "64", "--out", dir.resolve(controller + ".gif").toString()};
            case "run" -> new String[] {"run", "--env", "Pendulum-v1", "--controller", controller, "--duration", "0",
                    "--episodes", "1", "--rate", "2000"};
            case "demo" -> new String[] {"demo", "--env", "Pendulum-v1", "--controller", controller, "--episodes", "1"};
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Test
    void everyCommandTakesEveryBuiltInNameAndListsThemInHelp() {
        assertThat(BuiltInControllers.NAMES).containsExactly("heuristic", "random", "zero");
        for (String cmd : new String[] {"eval", "render", "run", "demo"}) {
            Object[] help = run(cmd, "--help");
            for (String name : BuiltInControllers.NAMES) {
                assertThat((String) help[1]).as(cmd + " --help").contains(name);
            }
            for (String name : BuiltInControllers.NAMES) {
                if (cmd.equals("demo") && !name.equals("random")) {
                    continue; // demo's heuristic and zero runs are in DemoCommandTest; one demo here is enough
                }
                Object[] r = run(command(cmd, name));
                assertThat(r[0]).as(cmd + " --controller " + name + "\n" + r[1]).isEqualTo(0);
            }
            Object[] bad = run(command(cmd, "nope"));
            assertThat(bad[0]).as(cmd + " --controller nope").isEqualTo(2);
            assertThat((String) bad[1]).as(cmd).contains("unknown controller 'nope'")
                    .contains("heuristic, random, zero");
        }
    }
}
