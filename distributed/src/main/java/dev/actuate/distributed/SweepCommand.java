package dev.actuate.distributed;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code actuate sweep}: a grid or random search over config keys × seeds, each trial a Spark task. */
@Command(name = "sweep", mixinStandardHelpOptions = true, description = {
        "Search config keys x seeds for one algorithm and env; every trial trains and evaluates in a Spark task",
        "and its run directory is written under DIR/trials/<name>/. DIR/report.md and report.json summarise."})
public final class SweepCommand implements Callable<Integer> {
    @Option(names = "--spec", required = true, description = "Sweep YAML (see configs/sweeps/)")
    Path spec;

    @Option(names = "--master", description = "Spark master URL (default: spark.master when spark-submit set it, "
            + "else local[*], embedded)")
    String master;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Sweep directory")
    Path out;

    @Option(names = "--resume", description = "Skip the trials DIR already holds finished")
    boolean resume;

    @Option(names = "--sequential", description = "Run the trials one after another in this JVM without Spark "
            + "(the baseline for measuring a sweep's speed-up)")
    boolean sequential;

    @Option(names = "--threads-per-trial", paramLabel = "N", description = "Cores each trial may keep busy (learner "
            + "threads, at most 2, for SAC/TD3/DDPG; env threads for PPO); overrides the spec's threads_per_trial. "
            + "Default: on Spark, an executor's cores divided by its concurrent trials; with --sequential, the "
            + "trainer's defaults")
    Integer threadsPerTrial;

    @Option(names = "--json", description = "Print the report as one JSON object on the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        master = Sweeps.master(master);
        SweepSpec s = SweepSpec.load(spec);
        if (threadsPerTrial != null && threadsPerTrial < 1) {
            throw new IllegalArgumentException("--threads-per-trial must be positive, got " + threadsPerTrial);
        }
        List<Trial> trials = threadsPerTrial == null ? s.trials()
                : s.trials().stream().map(t -> t.withThreads(threadsPerTrial)).toList();
        System.err.printf("sweep: %d configs x %d seeds = %d trials of %s on %s, master %s%n", s.configs().size(),
                s.seeds().size(), trials.size(), s.algorithm().id(), s.env(), sequential ? "none (sequential)" : master);
        SweepReport r = Sweeps.runAndReport(sequential ? null : master, trials, out, resume);
        System.out.print(r.toMarkdown());
        System.out.println("report: " + out.resolve(SweepReport.MD_FILE));
        if (json) {
            System.out.println(SparkTrials.JSON.copy().disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(r.toJson()));
        }
        return r.trials().stream().allMatch(TrialResult::ok) ? 0 : 1;
    }
}
