package dev.actuate.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class JitThreadsTest {
    /** A thread's stat line (Linux 6.18) with a real-time policy, its name holding the characters that break naive parsing. */
    private static final String FIFO_STAT = "31643 (C2 (x) Thre) R 31641 31641 13568 0 -1 4194304 100 0 0 0 0 0 0 0 -6 0"
            + " 1 0 5534153 3133440 412 18446744073709551615 94229889822720 94229889842601 140728147371728 0 0 0 0 0 0"
            + " 0 0 0 17 1 5 1 0 0 0 94229889858608 94229889860224 94229928873984 140728147372574 140728147372594"
            + " 140728147372594 140728147374059 0";

    @Test
    void readsThePolicyAfterTheParenthesisedName() {
        assertThat(JitThreads.policyOf(FIFO_STAT)).isEqualTo(JitThreads.SCHED_FIFO);
        assertThat(JitThreads.policyOf(FIFO_STAT.replace(" 17 1 5 1 ", " 17 1 0 0 "))).isEqualTo(JitThreads.SCHED_OTHER);
        assertThatThrownBy(() -> JitThreads.policyOf("31643 (x) R 1 2 3")).hasMessageContaining("field 41");
        assertThatThrownBy(() -> JitThreads.policyOf("garbage")).hasMessageContaining("not a /proc stat line");
    }

    @Test
    void thisJvmIsNotRealTimeSoNothingMoves() {
        assertThat(JitThreads.demote()).isZero();
    }

    /**
     * A JVM started under {@code chrt -f 1}: its compiler threads leave real-time scheduling, its other threads
     * stay. Needs Linux and the right to use SCHED_FIFO (root or CAP_SYS_NICE), as a robot's service has.
     */
    @Test
    void aRealTimeJvmMovesOnlyItsCompilerThreads() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "not Linux");
        assumeTrue(exitCode(List.of("chrt", "-f", "1", "true")) == 0, "SCHED_FIFO not permitted here (or no chrt)");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder("chrt", "-f", "1", java, "-cp", System.getProperty("java.class.path"),
                Child.class.getName()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        List<String> compilers = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("thread ")) {
                String[] f = line.split("\\|");
                boolean compiler = f[1].startsWith("C1 CompilerThre") || f[1].startsWith("C2 CompilerThre");
                if (compiler) {
                    compilers.add(f[1]);
                    assertThat(f[2]).as(line + "\n" + out).isEqualTo("before=1");
                    assertThat(f[3]).as(line + "\n" + out).isEqualTo("after=0");
                } else if (!f[1].equals("Sweeper thread")) {
                    assertThat(f[3]).as("every other thread stays real-time: " + line + "\n" + out).isIn("after=1", "after=gone");
                }
            }
        }
        assertThat(compilers).as(out).isNotEmpty();
        assertThat(out).contains("moved=" + (out.contains("Sweeper thread|before=1") ? compilers.size() + 1 : compilers.size()));
    }

    private static int exitCode(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The real-time JVM of the test: each thread's policy before and after {@link JitThreads#demote()}. */
    public static final class Child {
        public static void main(String[] args) throws IOException {
            List<String[]> before = policies();
            int moved = JitThreads.demote();
            List<String[]> after = policies();
            System.out.println("moved=" + moved);
            for (String[] b : before) {
                String a = after.stream().filter(x -> x[0].equals(b[0])).map(x -> x[2]).findFirst().orElse("gone");
                System.out.println("thread |" + b[1] + "|before=" + b[2] + "|after=" + a);
            }
        }

        private static List<String[]> policies() throws IOException {
            List<String[]> out = new ArrayList<>();
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : tasks.toList()) {
                    try {
                        String comm = Files.readString(t.resolve("comm")).strip();
                        int policy = JitThreads.policyOf(Files.readString(t.resolve("stat")));
                        out.add(new String[] {t.getFileName().toString(), comm, Integer.toString(policy)});
                    } catch (IOException e) {
                        // ended meanwhile
                    }
                }
            }
            return out;
        }
    }
}
