package dev.actuate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every algorithm trains in a JVM whose 1 MB young generation collects garbage every few hundred microseconds.
 * ND4J frees an array's native buffer when the garbage collector finds its Java object unreachable, so a
 * temporary that ND4J (or Actuate) builds for one native call can be freed while that call still reads it. The
 * trainer then dies with a SIGSEGV (seen in {@code sd::DataBuffer::primary()} from {@code addiRowVector}, once
 * in 91 minutes of SAC on the walker). Under this pressure the same defect kills SAC and TRPO within seconds,
 * so the test fails when one comes back on a training path.
 */
class NativeMemoryGcTest {
    private static final long WAIT_SECONDS = 600; // a bound for a loaded CI machine, not a speed target

    /** Child JVM: trains each algorithm briefly on Pendulum, printing each start, and exits 0 only if all do. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String offPolicy = "learning_starts: 100\nbatch_size: 64\nhidden_sizes: [64, 64]\n";
        List<String[]> runs = List.of(
                new String[] {"sac", offPolicy, "4000"},
                new String[] {"td3", offPolicy, "2500"},
                new String[] {"ddpg", offPolicy, "2500"},
                new String[] {"ppo", "n_envs: 2\nn_steps: 256\nbatch_size: 64\nn_epochs: 4\n", "4096"},
                new String[] {"trpo", "n_envs: 2\nn_steps: 256\nuse_sde: true\nsde_sample_freq: 4\n", "4096"},
                new String[] {"a2c", "n_envs: 8\nn_steps: 8\nuse_rms_prop: true\nuse_sde: true\nnorm_obs: true\n"
                        + "norm_reward: true\n", "8000"});
        for (String[] run : runs) {
            Path cfg = dir.resolve(run[0] + ".yaml");
            Files.writeString(cfg, run[1]);
            System.out.println("start " + run[0]);
            System.out.flush();
            int rc = Actuate.run("train", "--algo", run[0], "--env", "Pendulum-v1", "--config", cfg.toString(),
                    "--steps", run[2], "--seed", "3", "--out", dir.resolve(run[0]).toString(), "--quiet");
            if (rc != 0) {
                System.out.println("train " + run[0] + " exited " + rc);
                System.exit(rc);
            }
            System.out.println("done " + run[0]);
        }
        System.exit(0);
    }

    @Test
    void everyAlgorithmTrainsWhileTheYoungGenerationIsCollectedConstantly(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        Path log = dir.resolve("child.log");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-Xmn1m", "-XX:+UseParallelGC",
                "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"), "-Djava.awt.headless=true", "-cp", cp,
                NativeMemoryGcTest.class.getName(), dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process child = pb.start();
        try {
            assertThat(child.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("child finished").isTrue();
        } finally {
            child.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as("child exit status; its output:\n%s", out).isZero();
        for (String algo : List.of("sac", "td3", "ddpg", "ppo", "trpo", "a2c")) {
            assertThat(out).contains("done " + algo);
            assertThat(dir.resolve(algo).resolve("model.actuate")).isRegularFile();
        }
    }
}
