package dev.actuate.distributed;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on 127.0.0.1 for tests: a master and workers, each its own JVM on this test's
 * class path and JVM flags (the executors are JVMs the workers start), on free ports, logging into {@code dir}.
 * {@link #close} kills every JVM it started, executors included.
 */
final class LoopbackCluster implements AutoCloseable {
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final String url;

    private LoopbackCluster(Path dir, String url) {
        this.dir = dir;
        this.url = url;
    }

    /** Starts a master and {@code workers} workers of one core and 1 GB each; returns once all are registered. */
    static LoopbackCluster start(Path dir, int workers) throws Exception {
        int masterPort = freePort();
        int masterUi = freePort();
        LoopbackCluster c = new LoopbackCluster(dir, "spark://127.0.0.1:" + masterPort);
        try {
            c.daemon(dir.resolve("master.log"), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUi));
            for (int w = 0; w < workers; w++) {
                c.workers.add(c.daemon(dir.resolve("worker" + w + ".log"), "org.apache.spark.deploy.worker.Worker",
                        "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port",
                        String.valueOf(freePort()), "--work-dir",
                        Files.createDirectories(dir.resolve("work" + w)).toString(), c.url));
            }
            c.awaitWorkers(masterUi, workers);
            return c;
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
    }

    /** The master's URL, {@code spark://127.0.0.1:PORT}. */
    String url() {
        return url;
    }

    /** Worker {@code i}'s daemon JVM (its executor is a child process of it). */
    Process worker(int i) {
        return workers.get(i);
    }

    /**
     * What a driver needs besides the master URL to run on this cluster: executors on this test's class path, one
     * core and 768 MB each, one per worker.
     */
    Map<String, String> driverSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("spark.executor.extraClassPath", classPath());
        s.put("spark.executor.memory", "768m");
        s.put("spark.executor.cores", "1");
        s.put("spark.cores.max", String.valueOf(workers.size()));
        return s;
    }

    private static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A Spark daemon on this test's class path and JVM flags, logging to {@code log}. */
    private Process daemon(Path log, String mainClass, String... args) throws IOException {
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
        cmd.add(classPath());
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

    /** Waits until the master's JSON status page reports {@code count} alive workers. */
    private void awaitWorkers(int webUiPort, int count) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + webUiPort + "/json/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = "";
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new AssertionError("a Spark daemon exited; logs in " + dir);
                }
            }
            try {
                last = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
                if (new ObjectMapper().readTree(last).path("aliveworkers").asInt() >= count) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(300);
        }
        throw new AssertionError("fewer than " + count + " workers alive after 120 s: " + last);
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
