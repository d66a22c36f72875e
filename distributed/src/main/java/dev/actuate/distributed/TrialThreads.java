package dev.actuate.distributed;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many cores one trial may keep busy when T trials run at once on an executor of C cores: max(1, C / T).
 * Decided on the driver from the master and Spark's configuration, and sent with each trial, which then uses
 * min(2, it) learner threads (off-policy) or min(n_envs, it) env threads (on-policy). Without it every trial
 * took the one-trial defaults (two learner threads on a 2+ core machine), so two concurrent trials on two
 * cores ran four busy threads and each took about twice as long as alone.
 *
 * @param perTrial        the cores each trial may use
 * @param concurrentTasks T: tasks one executor runs at once
 * @param executorCores   C: the cores those tasks share, or 0 when Spark's configuration does not say
 * @param reason          how the figures were found, for the sweep's log
 */
public record TrialThreads(int perTrial, int concurrentTasks, int executorCores, String reason) {
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\*|\\d+)(?:\\s*,\\s*\\d+)?]");
    private static final Pattern LOCAL_CLUSTER =
            Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*\\d+\\s*]");

    public TrialThreads {
        if (perTrial < 1) {
            throw new IllegalArgumentException("threads per trial must be positive, got " + perTrial);
        }
    }

    /**
     * @param master       the Spark master URL
     * @param conf         Spark's configuration ({@code spark.task.cpus}, {@code spark.executor.cores} are read)
     * @param machineCores this machine's cores: the executor's for embedded masters
     */
    public static TrialThreads decide(String master, Map<String, String> conf, int machineCores) {
        int taskCpus = positive(conf.getOrDefault("spark.task.cpus", "1"), "spark.task.cpus");
        if (master.equals("local")) {
            return of(1, machineCores, master + ": one task at a time on this machine's " + machineCores + " cores");
        }
        Matcher m = LOCAL.matcher(master);
        if (m.matches()) {
            int slots = m.group(1).equals("*") ? machineCores : positive(m.group(1), "the master's thread count");
            int tasks = Math.max(1, slots / taskCpus);
            return of(tasks, machineCores, master + ": " + tasks + " concurrent tasks on this machine's "
                    + machineCores + " cores");
        }
        Matcher lc = LOCAL_CLUSTER.matcher(master);
        if (lc.matches()) {
            // Every executor of a local cluster runs on this machine: all their tasks share its cores.
            int executors = positive(lc.group(1), "the local cluster's executors");
            int cores = positive(lc.group(2), "the local cluster's cores per executor");
            int tasks = executors * Math.max(1, cores / taskCpus);
            return of(tasks, machineCores, master + ": " + tasks + " concurrent tasks on this machine's "
                    + machineCores + " cores");
        }
        String executorCores = conf.get("spark.executor.cores");
        if (executorCores == null) {
            // The executor's size is the cluster's business (a standalone worker gives it all its cores);
            // spark.task.cpus is what Spark reserves for each task.
            return new TrialThreads(taskCpus, 0, 0, master + ": spark.executor.cores not set; spark.task.cpus = "
                    + taskCpus + " per task");
        }
        int cores = positive(executorCores, "spark.executor.cores");
        int tasks = Math.max(1, cores / taskCpus);
        return of(tasks, cores, master + ": " + tasks + " concurrent tasks per executor (spark.executor.cores = "
                + cores + ", spark.task.cpus = " + taskCpus + ")");
    }

    private static TrialThreads of(int tasks, int cores, String reason) {
        return new TrialThreads(Math.max(1, cores / tasks), tasks, cores, reason);
    }

    private static int positive(String v, String what) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + ": expected a positive integer, got '" + v + "'");
    }
}
