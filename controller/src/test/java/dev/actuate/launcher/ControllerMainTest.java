package dev.actuate.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The robot launcher's checks, before any connection: one clear line naming the file and field. */
class ControllerMainTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path MODEL = ROOT.resolve("models/ppo-LunarLanderContinuous-v3.actuate");
    private static final Path LANDER = ROOT.resolve("configs/robots/lander.yaml");

    @TempDir
    Path dir;

    @Test
    void checkAcceptsTheShippedPolicyOnTheLanderRobot() {
        String[] out = new String[1];
        String err = capture(true, () -> out[0] = capture(false,
                () -> assertThat(ControllerMain.run("check", "--model", MODEL.toString(), "--robot", LANDER.toString()))
                        .isZero()));
        assertThat(out[0]).contains("ok:").contains("fits robot lander").contains("8 state signals -> 2 commands");
        assertThat(err).isEmpty();
    }

    @Test
    void mismatchedRobotsAndOldFilesAreOneClearLine() throws Exception {
        Path arm = ROOT.resolve("configs/robots/arm.yaml");
        Path small = dir.resolve("small.yaml");
        Files.writeString(small, Files.readString(LANDER)
                .replace("    - {name: engine/lateral, unit: \"\", min: -1, max: 1}\n", "")
                .replace("safe_action: [0, 0]", "safe_action: [0]"));
        String err = capture(true, () -> assertThat(ControllerMain.run("run", "--model", MODEL.toString(), "--robot",
                small.toString())).isEqualTo(2));
        assertThat(err).contains("ppo-LunarLanderContinuous-v3.actuate").contains("'action.size'").contains("small.yaml");

        // Same sizes, other signal names: the policy records the lander's names.
        String err2 = capture(true, () -> assertThat(ControllerMain.run("check", "--model", MODEL.toString(),
                "--robot", arm.toString())).isEqualTo(2));
        assertThat(err2).satisfiesAnyOf(e -> assertThat(e).contains("'observation.names'"),
                e -> assertThat(e).contains("'observation.size'"));

        Path old = dir.resolve("old.actuate");
        byte[] legacy = new byte[64];
        System.arraycopy(new byte[] {'A', 'C', 'T', 'U', 'A', 'T', 'E', 0x1A}, 0, legacy, 0, 8);
        Files.write(old, legacy);
        String err3 = capture(true, () -> assertThat(ControllerMain.run("check", "--model", old.toString(),
                "--robot", LANDER.toString())).isEqualTo(2));
        assertThat(err3).contains("old.actuate").contains("actuate convert");
    }

    private static String capture(boolean stderr, Runnable r) {
        PrintStream old = stderr ? System.err : System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(buf, true, StandardCharsets.UTF_8);
        if (stderr) {
            System.setErr(p);
        } else {
            System.setOut(p);
        }
        try {
            r.run();
        } finally {
            if (stderr) {
                System.setErr(old);
            } else {
                System.setOut(old);
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
