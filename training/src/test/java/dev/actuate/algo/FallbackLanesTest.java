package dev.actuate.algo;

import dev.actuate.nn.CpuKernels;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Off the CPU fast path (ND4J's own ops and Adam updater, as on a backend without OpenBLAS), twin-critic training
 * on two learner threads is repeatable and equals one thread. It was neither: the critic step took ND4J's Adam
 * step over both critics on lane 0 while lane 1 was still writing critic 1's gradients. The fast path is fixed
 * for the JVM's life when {@link CpuKernels} loads, so the runs happen in a child JVM with it off.
 */
class FallbackLanesTest {
    @Test
    void twinCriticRunsOffTheFastPathAreRepeatableOnTwoThreads() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx512m", "-Dactuate.noCpuKernels=true", "-cp",
                System.getProperty("java.class.path"), Child.class.getName()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).contains("fast path off");
        String[] sac = field(text, "sac");
        String[] td3 = field(text, "td3");
        assertThat(sac).as(text).hasSize(3).containsOnly(sac[0]); // 1 thread, 2 threads, 2 threads again
        assertThat(td3).as(text).hasSize(3).containsOnly(td3[0]);
    }

    private static String[] field(String text, String name) {
        return Arrays.stream(text.split("\n")).filter(l -> l.startsWith(name + " ")).map(l -> l.split(" ")[2])
                .toArray(String[]::new);
    }

    /** Trains SAC and TD3 briefly on 1, 2 and again 2 learner threads and prints a hash of their parameters. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            System.out.println(CpuKernels.ENABLED ? "fast path on" : "fast path off");
            for (int threads : new int[] {1, 2, 2}) {
                try (Sac s = new Sac(SacTest.tiny(300), "Pendulum-v1", 3, threads)) {
                    s.train(null, null, null);
                    System.out.println("sac " + threads + " " + hash(s.actor().params().dup().data().asFloat(),
                            s.qf().params().dup().data().asFloat()));
                }
                try (Td3 t = new Td3(Td3Test.tiny(300, 2, NoiseType.NORMAL), "Pendulum-v1", 3, threads)) {
                    t.train(null, null, null);
                    System.out.println("td3 " + threads + " " + hash(t.actor().params().dup().data().asFloat(),
                            t.qf().params().dup().data().asFloat()));
                }
            }
        }

        private static String hash(float[] a, float[] b) {
            return Integer.toHexString(Arrays.hashCode(a)) + Integer.toHexString(Arrays.hashCode(b));
        }
    }
}
