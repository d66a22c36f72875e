package dev.actuate.distributed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.io.AtomicFiles;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs trials as Spark tasks and writes each one's run directory under {@code out/trials/<name>/} on the
 * driver as it arrives, with {@code result.json} last (its presence marks the trial finished for
 * {@code --resume}).
 *
 * <p>Each trial is its own one-task job: Spark retries a task whose executor dies (up to
 * {@code spark.task.maxFailures}, 2 here), and a job that still fails aborts alone, so its trial is reported
 * with the error while the others go on. A trial's own exception (bad config, divergence) is deterministic,
 * so it is caught inside the task and reported without a retry.
 */
public final class SparkTrials {
    public static final String TRIALS = "trials";
    public static final String RESULT = "result.json";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SparkTrials() {
    }

    /** The Spark configuration for {@code master}: no UI, loopback for local masters, one BLAS thread per task. */
    public static SparkConf conf(String master, String appName) {
        SparkConf c = new SparkConf().setMaster(master).setAppName(appName)
                .set("spark.ui.enabled", "false")
                .set("spark.task.maxFailures", "2")
                .set("spark.executorEnv.OMP_NUM_THREADS", "1")
                // Trials are whole training runs: never start a speculative second copy of one.
                .set("spark.speculation", "false");
        if (master.startsWith("local") || master.contains("//127.0.0.1") || master.contains("//localhost")) {
            c.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        return c;
    }

    /** Runs the trials not finished yet on {@code master}; returns every trial's result in the given order. */
    public static List<TrialResult> run(String master, List<Trial> trials, Path out, boolean resume, PrintStream log)
            throws IOException {
        if (master == null) {
            return run((JavaSparkContext) null, trials, out, resume, log);
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf(master, "actuate sweep"))) {
            return run(sc, trials, out, resume, log);
        }
    }

    /**
     * With {@code sc} null, runs the trials one after another in this JVM without Spark (the baseline that
     * {@code actuate sweep --sequential} measures against).
     */
    public static List<TrialResult> run(JavaSparkContext sc, List<Trial> trials, Path out, boolean resume,
                                        PrintStream log) throws IOException {
        Path dir = out.resolve(TRIALS);
        Map<String, TrialResult> done = new LinkedHashMap<>();
        for (Trial t : trials) {
            Path result = dir.resolve(t.name()).resolve(RESULT);
            if (Files.isRegularFile(result)) {
                if (!resume) {
                    throw new IOException(out + ": already holds a sweep (" + result + "); pass --resume to finish "
                            + "it or --out to choose another directory");
                }
                TrialResult r = readResult(result, t);
                if (r.ok()) {
                    done.put(t.name(), r);
                }
            }
        }
        List<Trial> todo = trials.stream().filter(t -> !done.containsKey(t.name())).toList();
        if (sc != null && todo.stream().anyMatch(t -> t.threads() == null)) {
            TrialThreads tt = threads(sc);
            log.printf("sweep: %d thread%s per trial (%s)%n", tt.perTrial(), tt.perTrial() == 1 ? "" : "s", tt.reason());
            todo = todo.stream().map(t -> t.threads() != null ? t : t.withThreads(tt.perTrial())).toList();
        }
        if (!done.isEmpty()) {
            log.printf("sweep: %d of %d trials already finished in %s; running %d%n", done.size(), trials.size(), out,
                    todo.size());
        }
        int[] failed = {0};
        java.util.function.Consumer<TrialResult> record = r -> {
            try {
                write(dir.resolve(r.trial().name()), r);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            done.put(r.trial().name(), r.withoutFiles());
            if (!r.ok()) {
                failed[0]++;
            }
            log.printf("sweep: %s %s; %d/%d done, %d running, %d failed%n", r.trial().name(),
                    r.ok() ? String.format(java.util.Locale.ROOT, "eval %.1f ± %.1f in %.1f s", r.evalMean(),
                            r.evalStd(), r.wallSeconds()) : "FAILED: " + r.error(),
                    done.size(), trials.size(), sc == null ? 0 : Math.max(running(sc), 0), failed[0]);
        };
        try {
            if (sc == null) {
                for (Trial t : todo) {
                    record.accept(TrialRunner.run(t));
                }
            } else {
                runOnSpark(sc, todo, record);
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        List<TrialResult> results = new ArrayList<>();
        for (Trial t : trials) {
            results.add(done.get(t.name()));
        }
        return results;
    }

    /** The driver's choice of cores per trial for {@code sc}'s master and configuration. */
    static TrialThreads threads(JavaSparkContext sc) {
        Map<String, String> conf = new java.util.HashMap<>();
        for (scala.Tuple2<String, String> kv : sc.getConf().getAll()) {
            conf.put(kv._1(), kv._2());
        }
        return TrialThreads.decide(sc.master(), conf, Runtime.getRuntime().availableProcessors());
    }

    private static final java.util.Map<JavaSparkContext, AtomicInteger> RUNNING =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private static int running(JavaSparkContext sc) {
        AtomicInteger n = RUNNING.get(sc);
        return n == null ? 0 : n.get();
    }

    /** Each trial a one-task job, submitted at once; results recorded in the order they finish. */
    private static void runOnSpark(JavaSparkContext sc, List<Trial> todo, java.util.function.Consumer<TrialResult> record)
            throws IOException {
        RUNNING.computeIfAbsent(sc, k -> {
            AtomicInteger n = new AtomicInteger();
            k.sc().addSparkListener(new SparkListener() {
                @Override
                public void onTaskStart(SparkListenerTaskStart e) {
                    n.incrementAndGet();
                }

                @Override
                public void onTaskEnd(SparkListenerTaskEnd e) {
                    n.decrementAndGet();
                }
            });
            return n;
        });
        Map<Trial, JavaFutureAction<List<TrialResult>>> jobs = new LinkedHashMap<>();
        for (Trial t : todo) {
            sc.setJobDescription("trial " + t.name());
            jobs.put(t, sc.parallelize(List.of(t), 1).map(TrialRunner::run).collectAsync());
        }
        while (!jobs.isEmpty()) {
            List<Trial> finished = jobs.entrySet().stream().filter(e -> e.getValue().isDone()).map(Map.Entry::getKey)
                    .toList();
            for (Trial t : finished) {
                record.accept(outcome(t, jobs.remove(t)));
            }
            if (finished.isEmpty()) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for trials", e);
                }
            }
        }
    }

    /** The job's result, or the trial reported failed with the reason Spark gave up on it (retries spent). */
    private static TrialResult outcome(Trial t, JavaFutureAction<List<TrialResult>> job) {
        try {
            return job.get().get(0);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return TrialResult.failed(t, Double.NaN, "spark", "Spark gave up on the task: " + firstLine(cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return TrialResult.failed(t, Double.NaN, "spark", "interrupted");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The run directory's files, then {@code result.json}; each written atomically. */
    static void write(Path runDir, TrialResult r) throws IOException {
        Files.createDirectories(runDir);
        for (Map.Entry<String, byte[]> f : r.files().entrySet()) {
            AtomicFiles.write(runDir.resolve(f.getKey()), f.getValue());
        }
        AtomicFiles.writeString(runDir.resolve(RESULT), JSON.writeValueAsString(toJson(r)) + "\n");
    }

    static ObjectNode toJson(TrialResult r) {
        ObjectNode o = JSON.createObjectNode();
        Trial t = r.trial();
        o.put("name", t.name()).put("config_index", t.configIndex()).put("algo", t.algo()).put("env", t.env())
                .put("seed", t.seed());
        o.set("config", JSON.valueToTree(t.overridesView()));
        o.put("ok", r.ok());
        if (r.ok()) {
            o.put("eval_mean", r.evalMean()).put("eval_std", r.evalStd());
            ArrayNode rs = o.putArray("eval_returns");
            for (double x : r.returns()) {
                rs.add(x);
            }
        } else {
            o.put("error", r.error());
        }
        // The cores the driver gave the trial (null: the trainer's defaults) and the threads it then used.
        if (t.threads() == null) {
            o.putNull("threads_per_trial");
        } else {
            o.put("threads_per_trial", t.threads());
        }
        if (r.ok()) {
            o.put("learner_threads", r.learnerThreads()).put("env_threads", r.envThreads());
        }
        o.put("eval_episodes", t.evalEpisodes()).put("eval_seed", t.evalSeed()).put("global_step", r.globalStep())
                .put("wall_seconds", r.wallSeconds()).put("executor", r.executor()).put("result_bytes", r.fileBytes());
        return o;
    }

    static TrialResult readResult(Path file, Trial t) throws IOException {
        com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(file.toFile());
        if (!n.path("ok").asBoolean(false)) {
            return TrialResult.failed(t, n.path("wall_seconds").asDouble(Double.NaN), n.path("executor").asText(),
                    n.path("error").asText());
        }
        double[] returns = new double[n.path("eval_returns").size()];
        for (int i = 0; i < returns.length; i++) {
            returns[i] = n.path("eval_returns").get(i).asDouble();
        }
        return new TrialResult(t, returns, n.path("eval_mean").asDouble(), n.path("eval_std").asDouble(),
                n.path("wall_seconds").asDouble(), n.path("global_step").asLong(), n.path("learner_threads").asInt(),
                n.path("env_threads").asInt(), n.path("executor").asText(), new TreeMap<>(), null);
    }
}
