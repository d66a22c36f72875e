package dev.actuate.distributed;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
class StandaloneClusterTest {
    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopCluster() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A Spark daemon on this test's class path and JVM flags, logging to {@code log}. */
    private Process start(Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-Dio.netty")
                    || a.startsWith("-Djdk.reflect")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        Path sparkHome = Files.createDirectories(dir.resolve("spark-home/jars"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // The worker builds executor command lines from SPARK_HOME (an empty jars/ here: the class path comes
        // from spark.executor.extraClassPath) and needs the Scala version it cannot find in a jar-only setup.
        pb.environment().put("SPARK_HOME", sparkHome.getParent().toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Waits until the master's JSON status page reports {@code workers} alive workers. */
    private static void awaitWorkers(int webUiPort, int workers, List<Process> daemons, Path dir) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + webUiPort + "/json/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = "";
        while (System.nanoTime() < deadline) {
            for (Process p : daemons) {
                if (!p.isAlive()) {
                    throw new AssertionError("a Spark daemon exited; logs in " + dir);
                }
            }
            try {
                last = http.send(java.net.http.HttpRequest.newBuilder(uri).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                if (new com.fasterxml.jackson.databind.ObjectMapper().readTree(last).path("aliveworkers").asInt()
                        >= workers) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(300);
        }
        throw new AssertionError("fewer than " + workers + " workers alive after 120 s: " + last);
    }

    @Test
    void sweepSurvivesAKilledWorker() throws Exception {
        int masterPort = freePort();
        String url = "spark://127.0.0.1:" + masterPort;
        Path masterLog = dir.resolve("master.log");
        int masterUi = freePort();
        start(masterLog, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(masterPort), "--webui-port", String.valueOf(masterUi));
        List<Process> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            Path log = dir.resolve("worker" + w + ".log");
            Process worker = start(log, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                    "--memory", "1g", "--webui-port", String.valueOf(freePort()), "--work-dir",
                    Files.createDirectories(dir.resolve("work" + w)).toString(), url);
            workers.add(worker);
        }
        awaitWorkers(masterUi, 2, processes, dir);

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

        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        org.apache.spark.SparkConf conf = SparkTrials.conf(url, "actuate standalone test")
                .set("spark.executor.extraClassPath", classPath)
                .set("spark.executor.memory", "768m")
                .set("spark.executor.cores", "1")
                .set("spark.cores.max", "2");
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
