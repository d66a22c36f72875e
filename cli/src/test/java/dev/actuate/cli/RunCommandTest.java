package dev.actuate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RunCommandTest {
    static String capture(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void inProcessRunReportsEpisodesAndWritesCsv(@TempDir Path dir) {
        Path csv = dir.resolve("m.csv");
        int[] rc = new int[1];
        String out = capture(() -> rc[0] = Actuate.run("run", "--controller", "zero", "--env", "Pendulum-v1",
                "--episodes", "1", "--duration", "0", "--rate", "2000", "--metrics-csv", csv.toString()));
        assertThat(rc[0]).as(out).isZero();
        assertThat(out).contains("episodes 1, mean return").contains("round_trip").contains("stopped: MAX_EPISODES");
        assertThat(Files.exists(csv)).isTrue();
    }

    @Test
    void badArgumentsGiveOneClearLine() {
        assertThat(Actuate.run("run", "--controller", "zero")).isEqualTo(2);
        assertThat(Actuate.run("run", "--controller", "nope", "--env", "Pendulum-v1")).isEqualTo(2);
        assertThat(Actuate.run("run", "--robot", "no/such/robot.yaml")).isEqualTo(2);
    }
}
