package dev.actuate.distributed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.algo.Algorithm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code actuate study}: one config trained with many seeds; the mean final score with its 95 % interval. */
@Command(name = "study", mixinStandardHelpOptions = true, description = {
        "Train one algorithm/env/config with seeds 0..N-1 (each a Spark task) and report the final evaluation's",
        "mean with a Student-t 95% confidence interval over seeds. Run directories go under DIR/trials/."})
public final class StudyCommand implements Callable<Integer> {
    @Option(names = "--algo", required = true, description = "Algorithm: ppo, sac, td3 or ddpg")
    String algo;

    @Option(names = "--env", required = true, description = "Env id, e.g. Pendulum-v1")
    String env;

    @Option(names = "--config", description = "Config YAML (default configs/<algo>/<env>.yaml, else built-in defaults)")
    Path config;

    @Option(names = "--seeds", defaultValue = "4", description = "Number of seeds, 0..N-1 (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--steps", description = "Total env steps per seed (overrides the config's n_timesteps)")
    Long steps;

    @Option(names = "--eval-episodes", defaultValue = "10", description = "Final evaluation episodes (default: ${DEFAULT-VALUE})")
    int evalEpisodes;

    @Option(names = "--master", description = "Spark master URL (default: spark.master when spark-submit set it, "
            + "else local[*], embedded)")
    String master;

    @Option(names = "--out", paramLabel = "DIR", description = "Study directory (default runs/study-<algo>-<env>)")
    Path out;

    @Option(names = "--resume", description = "Skip the seeds DIR already holds finished")
    boolean resume;

    @Option(names = "--threads-per-trial", paramLabel = "N", description = "Cores each seed's run may keep busy "
            + "(learner threads, at most 2, for SAC/TD3/DDPG; env threads for PPO). Default: an executor's cores "
            + "divided by its concurrent trials")
    Integer threadsPerTrial;

    @Option(names = "--json", description = "Print {\"seeds\":[...],\"scores\":[...],\"mean\":...,\"ci95\":[lo,hi]} as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (seeds < 2) {
            throw new IllegalArgumentException("--seeds must be at least 2 for an interval, got " + seeds);
        }
        if (threadsPerTrial != null && threadsPerTrial < 1) {
            throw new IllegalArgumentException("--threads-per-trial must be positive, got " + threadsPerTrial);
        }
        if (steps != null && steps <= 0) {
            throw new IllegalArgumentException("--steps must be positive, got " + steps);
        }
        master = Sweeps.master(master);
        Algorithm a = Algorithm.parse(algo);
        List<Long> seedList = new ArrayList<>();
        for (long s = 0; s < seeds; s++) {
            seedList.add(s);
        }
        SweepSpec spec = SweepSpec.study(a, env, config, steps, seedList, evalEpisodes, threadsPerTrial);
        Path dir = out != null ? out : Path.of("runs", "study-" + a.id() + "-" + env);
        SweepReport r = Sweeps.runAndReport(master, spec.trials(), dir, resume);
        SweepReport.ConfigSummary c = r.configs().get(0);
        System.out.printf(Locale.ROOT, "%s on %s, %d seeds%s: final eval %.2f ± %.2f (95%% CI [%.2f, %.2f])%n", a.id(),
                env, c.scores().length, c.failed() > 0 ? " (" + c.failed() + " failed)" : "", c.ci().mean(),
                (c.ci().hi() - c.ci().lo()) / 2, c.ci().lo(), c.ci().hi());
        System.out.println("report: " + dir.resolve(SweepReport.MD_FILE));
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = m.createObjectNode();
            o.set("seeds", m.valueToTree(c.seeds()));
            o.set("scores", m.valueToTree(c.scores()));
            SweepReport.putCi(o, c.ci());
            System.out.println(m.writeValueAsString(o));
        }
        return c.failed() == 0 ? 0 : 1;
    }
}
