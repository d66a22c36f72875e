package dev.actuate.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs one {@code actuate} command in this JVM and captures what it prints. */
final class CliCapture {
    private CliCapture() {
    }

    /**
     * The command's stdout and stderr, {@code [out, err]}; its exit code goes to {@code code[0]}. Synchronized:
     * System.out and System.err are swapped for the call, one call at a time.
     */
    static synchronized String[] run(int[] code, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code[0] = Actuate.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String[] {o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    }
}
