package dev.actuate.distributed;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and two workers, each its own JVM, the executors
 * JVMs the workers start. A small sweep runs through it; when the first trial is in, one worker and its
 * executor are killed ({@code kill -9}) while that executor trains, and every trial must still finish, the
 * lost one on a second attempt.
 */
@Tag("cluster")
class StandaloneClusterTest {
    @TempDir
    Path dir;

    private LoopbackCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void sweepSurvivesAKilledWorker() throws Exception {
        cluster = LoopbackCluster.start(dir, 2);
        String url = cluster.url();
        List<Process> workers = List.of(cluster.worker(0), cluster.worker(1));

        Files.writeString(dir.resolve("base.yaml"), """
                learning_starts: 100
                batch_size: 32
                buffer_size: 5000
                hidden_sizes: [32, 32]
                """);
        Path spec = dir.resolve("sweep.yaml");
        Files.writeString(spec, """
                algo: sac
                env: Pendulum-v1
                config: base.yaml
                steps: 2500
                seeds: 4
                eval_episodes: 2
                """);
        List<Trial> trials = SweepSpec.load(spec).trials();
        CountDownLatch firstDone = new CountDownLatch(1);
        StringBuilder progress = new StringBuilder();
        PrintStream log = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (progress) {
                    progress.append((char) b);
                    System.err.write(b);
                    if (progress.indexOf("1/4 done") >= 0) {
                        firstDone.countDown();
                    }
                }
            }
        }, true, StandardCharsets.UTF_8);

        org.apache.spark.SparkConf conf = SparkTrials.conf(url, "actuate standalone test");
        cluster.driverSettings().forEach(conf::set);
        List<TrialResult> results;
        Path out = dir.resolve("sweep");
        Thread killer = new Thread(() -> {
            try {
                if (firstDone.await(5, TimeUnit.MINUTES)) {
                    // Both executors are busy: one with the second-to-last queued trial. Kill worker 0 and the
                    // executor JVM it started, as a machine failure would.
                    Process victim = workers.get(0);
                    victim.descendants().forEach(ProcessHandle::destroyForcibly);
                    victim.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            // Both executors registered before the first task, so the kill always hits a busy one.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (sc.sc().getExecutorIds().size() < 2) {
                assertThat(System.nanoTime()).as("two executors within 120 s").isLessThan(deadline);
                Thread.sleep(200);
            }
            results = SparkTrials.run(sc, trials, out, false, log);
        }
        killer.join();

        assertThat(workers.get(0).isAlive()).isFalse();
        assertThat(results).hasSize(4);
        for (TrialResult r : results) {
            assertThat(r.ok()).as(r.trial().name() + ": " + r.error()).isTrue();
            assertThat(out.resolve("trials").resolve(r.trial().name()).resolve("model.actuate")).isRegularFile();
        }
        // The killed executor's trial ran again elsewhere: some trial finished on a second attempt.
        assertThat(results).anyMatch(r -> !r.executor().endsWith("attempt 0"));
    }
}
