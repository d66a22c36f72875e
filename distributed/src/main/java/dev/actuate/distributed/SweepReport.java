package dev.actuate.distributed;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sweep's summary: per trial (config, seed, eval mean/std, wall time) and per config (the per-seed scores,
 * their mean and Student-t 95 % interval), and the best config by mean score. Written as {@code report.json}
 * and {@code report.md}.
 */
public record SweepReport(String algo, String env, String master, double sweepSeconds, List<TrialResult> trials,
                          List<ConfigSummary> configs, int best) {
    public static final String JSON_FILE = "report.json";
    public static final String MD_FILE = "report.md";

    /** A config's seeds and final eval means (failed trials left out, counted in {@code failed}). */
    public record ConfigSummary(int index, Map<String, Object> config, List<Long> seeds, double[] scores,
                                Stats.Interval ci, int failed) {
    }

    public static SweepReport of(String master, double sweepSeconds, List<TrialResult> results) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("a sweep report needs at least one trial");
        }
        TreeMap<Integer, List<TrialResult>> byConfig = new TreeMap<>();
        for (TrialResult r : results) {
            byConfig.computeIfAbsent(r.trial().configIndex(), k -> new ArrayList<>()).add(r);
        }
        List<ConfigSummary> configs = new ArrayList<>();
        int best = -1;
        double bestMean = Double.NEGATIVE_INFINITY;
        for (Map.Entry<Integer, List<TrialResult>> e : byConfig.entrySet()) {
            List<TrialResult> ok = e.getValue().stream().filter(TrialResult::ok).toList();
            double[] scores = ok.stream().mapToDouble(TrialResult::evalMean).toArray();
            ConfigSummary s = new ConfigSummary(e.getKey(), e.getValue().get(0).trial().overridesView(),
                    ok.stream().map(r -> r.trial().seed()).toList(), scores, Stats.ci95(scores),
                    e.getValue().size() - ok.size());
            configs.add(s);
            if (scores.length > 0 && s.ci().mean() > bestMean) {
                bestMean = s.ci().mean();
                best = configs.size() - 1;
            }
        }
        Trial first = results.get(0).trial();
        return new SweepReport(first.algo(), first.env(), master, sweepSeconds, List.copyOf(results),
                List.copyOf(configs), best);
    }

    public ObjectNode toJson() {
        ObjectNode o = SparkTrials.JSON.createObjectNode();
        o.put("algo", algo).put("env", env).put("master", master).put("sweep_seconds", sweepSeconds);
        ArrayNode ts = o.putArray("trials");
        for (TrialResult r : trials) {
            ts.add(SparkTrials.toJson(r));
        }
        ArrayNode cs = o.putArray("configs");
        for (ConfigSummary c : configs) {
            ObjectNode n = cs.addObject();
            n.put("index", c.index());
            n.set("config", SparkTrials.JSON.valueToTree(c.config()));
            n.set("seeds", SparkTrials.JSON.valueToTree(c.seeds()));
            n.set("scores", SparkTrials.JSON.valueToTree(c.scores()));
            putCi(n, c.ci());
            n.put("failed", c.failed());
        }
        if (best >= 0) {
            o.put("best_config_index", configs.get(best).index());
            o.set("best_config", SparkTrials.JSON.valueToTree(configs.get(best).config()));
        } else {
            o.putNull("best_config_index");
        }
        return o;
    }

    static void putCi(ObjectNode n, Stats.Interval ci) {
        n.put("mean", ci.mean());
        ArrayNode a = n.putArray("ci95");
        a.add(ci.lo());
        a.add(ci.hi());
    }

    public String toMarkdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Sweep: ").append(algo).append(" on ").append(env).append("\n\n");
        b.append(String.format(Locale.ROOT, "%d trials on `%s` in %.1f s. Scores are the mean return of the final "
                + "evaluation; intervals are Student-t 95 %% over seeds.%n%n", trials.size(), master, sweepSeconds));
        if (best >= 0) {
            ConfigSummary c = configs.get(best);
            b.append(String.format(Locale.ROOT, "**Best config:** %d `%s`: %.2f [%.2f, %.2f] over %d seeds.%n%n",
                    c.index(), c.config(), c.ci().mean(), c.ci().lo(), c.ci().hi(), c.scores().length));
        } else {
            b.append("**No trial finished.**\n\n");
        }
        b.append("## Configs\n\n| config | values | seeds | per-seed score | mean | 95 % CI | failed |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (ConfigSummary c : configs) {
            StringBuilder per = new StringBuilder();
            for (double s : c.scores()) {
                per.append(per.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", s));
            }
            b.append(String.format(Locale.ROOT, "| %d | `%s` | %s | %s | %.2f | [%.2f, %.2f] | %d |%n", c.index(),
                    c.config(), c.seeds(), per, c.ci().mean(), c.ci().lo(), c.ci().hi(), c.failed()));
        }
        b.append("\n## Trials\n\n| trial | config | seed | eval mean | eval std | steps | wall s | ran on | error |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (TrialResult r : trials) {
            Trial t = r.trial();
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f | %d | %.1f | %s | %s |%n", t.name(),
                    t.configIndex(), t.seed(), r.evalMean(), r.evalStd(), r.globalStep(), r.wallSeconds(),
                    r.executor(), r.ok() ? "" : r.error().replace('|', '/')));
        }
        return b.toString();
    }

    public void write(Path out) throws IOException {
        AtomicFiles.writeString(out.resolve(JSON_FILE), SparkTrials.JSON.writeValueAsString(toJson()) + "\n");
        AtomicFiles.writeString(out.resolve(MD_FILE), toMarkdown());
    }
}
