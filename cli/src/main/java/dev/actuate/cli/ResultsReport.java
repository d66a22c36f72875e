package dev.actuate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.train.LearningCurve;
import dev.actuate.train.MetricsCsv;
import dev.actuate.train.RunDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The results report behind {@code actuate report}: run directories named {@code <algo>-<env>-s<seed>} grouped
 * into (algorithm, env) cells, each seed's evaluation ({@code eval.json}) and training record
 * ({@code train.json}), compared with the targets; rendered as markdown plus one learning-curve PNG per cell.
 * Everything is sorted and carries no time stamp, so the same runs give the same bytes.
 */
final class ResultsReport {
    /** A run directory's name: algorithm, env (a robot YAML by its file name) and seed. */
    static final Pattern RUN_NAME = Pattern.compile("([a-z0-9]+)-(.+)-s(\\d+)");
    /** The last line of {@code actuate eval --model RUN --json}, written by the results script. */
    static final String EVAL = "eval.json";
    /** {@code {"wall_s": seconds, "command": "actuate train ..."}}, written by the results script. */
    static final String TRAIN = "train.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultsReport() {
    }

    /** A deterministic evaluation's figures, from {@code eval.json}. */
    record Eval(double meanReturn, double stdReturn, double successRate, int episodes, Long seed) {
    }

    /**
     * One run directory: its evaluation, training time and command (null when the files are missing), the steps
     * its metrics reached (null without metrics) and its learning curve (global_step, mean_return).
     */
    record Run(String name, String algo, String env, int seed, Eval eval, Double wallS, String command, Long steps,
               List<double[]> curve, String commit, String machine, Double loadAverage) {
    }

    /** A cell: its target (null when the targets file has none) and its runs, by seed. */
    record Cell(String algo, String env, ZooTargets.Cell target, List<Run> runs) {
        String key() {
            return algo + "-" + env;
        }

        List<Run> evaluated() {
            return runs.stream().filter(r -> r.eval() != null).toList();
        }

        Double meanReturn() {
            List<Run> e = evaluated();
            return e.isEmpty() ? null : e.stream().mapToDouble(r -> r.eval().meanReturn()).sum() / e.size();
        }

        Double meanSuccessRate() {
            List<Run> e = evaluated();
            return e.isEmpty() ? null : e.stream().mapToDouble(r -> r.eval().successRate()).sum() / e.size();
        }

        /** {@code met}, {@code missed}, {@code not run}, {@code not evaluated} (runs, none with an evaluation) or {@code no target}. */
        String verdict() {
            if (evaluated().isEmpty()) {
                return runs.isEmpty() ? "not run" : "not evaluated";
            }
            if (target == null || (target.zooReturn() == null && target.successRate() == null)) {
                return "no target";
            }
            return margin() >= 0 ? "met" : "missed";
        }

        /** How many evaluated seeds reach the target on their own (return, or success rate); 0 without one. */
        int seedsReaching() {
            if (target == null) {
                return 0;
            }
            if (target.successRate() != null) {
                return (int) evaluated().stream().filter(r -> r.eval().successRate() >= target.successRate()).count();
            }
            return target.zooReturn() == null ? 0
                    : (int) evaluated().stream().filter(r -> r.eval().meanReturn() >= target.zooReturn()).count();
        }

        /** The seeds' mean minus the target (return, or success rate), null without both. */
        Double margin() {
            if (target == null || evaluated().isEmpty()) {
                return null;
            }
            if (target.successRate() != null) {
                return meanSuccessRate() - target.successRate();
            }
            return target.zooReturn() == null ? null : meanReturn() - target.zooReturn();
        }
    }

    /** The run directories under {@code root}, sorted by name; an error when there are none. */
    static List<Run> readRuns(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": no such runs directory (train and evaluate runs into it first, e.g. "
                    + "with scripts/reproduce-results.sh)");
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(Files::isDirectory).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        List<Run> runs = new ArrayList<>();
        for (Path d : dirs) {
            Matcher m = RUN_NAME.matcher(d.getFileName().toString());
            if (!m.matches()) {
                System.err.println("actuate report: skipping " + d + ": not named <algo>-<env>-s<seed>");
                continue;
            }
            runs.add(readRun(d, m.group(1), m.group(2), Integer.parseInt(m.group(3))));
        }
        if (runs.isEmpty()) {
            throw new IOException(root + ": holds no run directories named <algo>-<env>-s<seed> (e.g. "
                    + "sac-Pendulum-v1-s0); scripts/reproduce-results.sh writes them");
        }
        return runs;
    }

    /**
     * An evaluation's success rate: with {@code --hold K} the env's own success condition (for the arm, the
     * fingertip within tolerance on the last K steps), else {@code success_rate}, which is only
     * return >= threshold. The report and the model cards both count success this way.
     */
    static double successRate(Path evalFile, JsonNode eval) throws IOException {
        return JsonFiles.number(evalFile, eval, eval.has("held_rate") ? "held_rate" : "success_rate").asDouble();
    }

    private static Run readRun(Path dir, String algo, String env, int seed) throws IOException {
        Eval eval = null;
        Path evalFile = dir.resolve(EVAL);
        if (Files.isRegularFile(evalFile)) {
            JsonNode o = JsonFiles.readObject(evalFile);
            JsonNode evalSeed = o.get("seed");
            eval = new Eval(JsonFiles.number(evalFile, o, "mean_return").asDouble(),
                    JsonFiles.number(evalFile, o, "std_return").asDouble(),
                    successRate(evalFile, o),
                    (int) JsonFiles.number(evalFile, o, "episodes").asDouble(),
                    evalSeed != null && evalSeed.isNumber() ? evalSeed.asLong() : null);
        }
        Double wall = null;
        String command = null;
        String machine = null;
        Double load = null;
        Path trainFile = dir.resolve(TRAIN);
        if (Files.isRegularFile(trainFile)) {
            JsonNode o = JsonFiles.readObject(trainFile);
            wall = JsonFiles.number(trainFile, o, "wall_s").asDouble();
            JsonNode c = o.get("command");
            if (c == null || !c.isTextual()) {
                throw new IOException(trainFile + ": field 'command' is missing or not a string");
            }
            command = c.asText();
            // Optional: where it ran and how busy that machine was when the run started.
            machine = o.path("machine").isTextual() ? o.get("machine").asText() : null;
            load = o.path("load_avg").isNumber() ? o.get("load_avg").asDouble() : null;
        }
        Path metrics = dir.resolve(RunDir.METRICS);
        Long steps = null;
        List<double[]> curve = List.of();
        if (Files.isRegularFile(metrics)) {
            try {
                List<double[]> rows = MetricsCsv.readPoints(metrics, "iteration", "global_step");
                steps = rows.isEmpty() ? null : (long) rows.get(rows.size() - 1)[1];
                curve = MetricsCsv.readPoints(metrics, "global_step", "mean_return");
            } catch (NumberFormatException e) {
                throw new IOException(metrics + ": malformed number: " + e.getMessage(), e);
            }
        }
        String commit = null;
        Path provenance = dir.resolve(RunDir.PROVENANCE);
        if (Files.isRegularFile(provenance)) {
            JsonNode c = JsonFiles.readObject(provenance).get("gitCommit");
            commit = c != null && c.isTextual() ? shortCommit(c.asText()) : null;
        }
        return new Run(dir.getFileName().toString(), algo, env, seed, eval, wall, command, steps, curve, commit, machine,
                load);
    }

    /** The cells: the targets' in their order (with or without runs), then cells with runs but no target, sorted. */
    static List<Cell> cells(List<Run> runs, ZooTargets targets) {
        Map<String, List<Run>> byCell = new TreeMap<>();
        for (Run r : runs) {
            byCell.computeIfAbsent(r.algo() + "-" + r.env(), k -> new ArrayList<>()).add(r);
        }
        byCell.values().forEach(l -> l.sort(Comparator.comparingInt(Run::seed)));
        Map<String, Cell> cells = new LinkedHashMap<>();
        for (ZooTargets.Cell t : targets == null ? List.<ZooTargets.Cell>of() : targets.cells()) {
            String env = dev.actuate.sim.Envs.fileName(t.env());
            cells.put(t.key(), new Cell(t.algo(), env, t, byCell.getOrDefault(t.key(), List.of())));
        }
        for (Map.Entry<String, List<Run>> e : byCell.entrySet()) {
            if (!cells.containsKey(e.getKey())) {
                Run first = e.getValue().get(0);
                cells.put(e.getKey(), new Cell(first.algo(), first.env(), null, e.getValue()));
            }
        }
        return List.copyOf(cells.values());
    }

    /**
     * The mean of several learning curves: on every step any of them logged within the range all of them cover,
     * each curve linearly interpolated there. Seeds of one config log at the same steps, so this is then the
     * plain mean of their rows.
     */
    static List<double[]> meanCurve(List<List<double[]>> curves) {
        List<double[]> out = new ArrayList<>();
        if (curves.isEmpty() || curves.stream().anyMatch(List::isEmpty)) {
            return out;
        }
        double from = curves.stream().mapToDouble(c -> c.get(0)[0]).max().orElseThrow();
        double to = curves.stream().mapToDouble(c -> c.get(c.size() - 1)[0]).min().orElseThrow();
        TreeSet<Double> grid = new TreeSet<>();
        for (List<double[]> c : curves) {
            for (double[] p : c) {
                if (p[0] >= from && p[0] <= to) {
                    grid.add(p[0]);
                }
            }
        }
        for (double x : grid) {
            double sum = 0;
            for (List<double[]> c : curves) {
                sum += interpolate(c, x);
            }
            out.add(new double[] {x, sum / curves.size()});
        }
        return out;
    }

    /** {@code curve} at {@code x}, within its range, linearly between its points. */
    private static double interpolate(List<double[]> curve, double x) {
        for (int i = 0; i < curve.size(); i++) {
            double[] p = curve.get(i);
            if (p[0] == x) {
                return p[1];
            }
            if (p[0] > x) {
                double[] q = curve.get(i - 1);
                return q[1] + (p[1] - q[1]) * (x - q[0]) / (p[0] - q[0]);
            }
        }
        return curve.get(curve.size() - 1)[1];
    }

    /** The PNG of a cell's curves (each seed and their mean), or false when no seed logged a return. */
    static boolean writeCurve(Cell cell, Path png) throws IOException {
        List<LearningCurve.Series> series = new ArrayList<>();
        List<List<double[]>> curves = new ArrayList<>();
        for (Run r : cell.runs()) {
            if (!r.curve().isEmpty()) {
                series.add(new LearningCurve.Series("seed " + r.seed(), r.curve(), false));
                curves.add(r.curve());
            }
        }
        if (series.isEmpty()) {
            return false;
        }
        if (curves.size() > 1) {
            series.add(new LearningCurve.Series("mean of " + curves.size() + " seeds", meanCurve(curves), true));
        }
        Double zoo = cell.target() == null ? null : cell.target().zooReturn();
        String title = cell.algo() + " on " + cell.env() + ": training mean return (stochastic policy)"
                + (zoo != null ? "; dashed: the Zoo's " + ret(zoo) : "");
        Files.createDirectories(png.toAbsolutePath().getParent());
        LearningCurve.writeSeries(png, title, series, zoo);
        return true;
    }

    /**
     * The markdown: a generated introduction, the cells' table, the runs' table, {@code notes} verbatim (when
     * given) and the curves; {@code curves} maps a cell's key to its PNG's link.
     */
    static String markdown(List<Cell> cells, String command, String root, String notes, Map<String, String> curves) {
        TreeSet<Integer> seedSet = new TreeSet<>();
        int mostSeeds = 0;
        for (Cell c : cells) {
            c.runs().forEach(r -> seedSet.add(r.seed()));
            mostSeeds = Math.max(mostSeeds, c.evaluated().size());
        }
        List<Integer> seeds = List.copyOf(seedSet);
        StringBuilder md = new StringBuilder();
        md.append("# Results\n\n");
        md.append("<!-- Generated by `").append(command).append("`; regenerate it rather than editing it. -->\n\n");
        md.append("Trained agents against the RL Baselines3 Zoo's published results (Stable-Baselines3 on PyTorch, one "
                + "trained agent per cell). Generated by `").append(command).append("` from the run directories under `")
                .append(root).append("` (`<algo>-<env>-s<seed>`, each written by `actuate train` and evaluated with "
                + "`actuate eval --model RUN --json`; `scripts/reproduce-results.sh` produces them). A seed's score is "
                + "the deterministic policy's mean ± std return over its evaluation's episodes; \"mean\" is the mean of "
                + "the seeds' scores. A cell has met its target when that mean is at or above the Zoo's figure or, "
                + "where the target is a success rate, when the seeds' mean success rate is at or above it; the "
                + "difference is shown either way. A missed cell also says how many seeds reach the figure alone "
                + "(the Zoo's figure is one run). A run evaluated with `--hold K` counts as a success an episode "
                + "whose last K steps all met the env's success condition (for the arm, `--hold 1`: the fingertip "
                + "ends within 5 cm of the target); otherwise success is a return at or above the env's threshold.");
        TreeSet<String> machines = new TreeSet<>();
        double loadLo = Double.POSITIVE_INFINITY;
        double loadHi = Double.NEGATIVE_INFINITY;
        for (Cell c : cells) {
            for (Run r : c.runs()) {
                if (r.machine() != null) {
                    machines.add(r.machine());
                }
                if (r.loadAverage() != null) {
                    loadLo = Math.min(loadLo, r.loadAverage());
                    loadHi = Math.max(loadHi, r.loadAverage());
                }
            }
        }
        if (!machines.isEmpty()) {
            md.append(" Trained on ").append(String.join("; ", machines)).append('.');
        }
        if (loadLo <= loadHi) {
            md.append(String.format(Locale.ROOT, " The machine's 1-minute load average when a run started: %.1f to %.1f"
                    + " (wall times grow with it).", loadLo, loadHi));
        }
        md.append("\n\n## Cells\n\n");
        StringJoiner header = new StringJoiner(" | ", "| ", " |\n");
        header.add("algo").add("env").add("Zoo (SB3)").add("budget (steps)").add("steps trained");
        seeds.forEach(s -> header.add("seed " + s));
        header.add("mean").add("train wall time per seed").add("verdict").add("curve");
        md.append(header);
        md.append("|---".repeat(9 + seeds.size())).append("|\n");
        for (Cell c : cells) {
            StringJoiner row = new StringJoiner(" | ", "| ", " |\n");
            ZooTargets.Cell t = c.target();
            row.add(c.algo()).add(c.env());
            row.add(t == null ? "—" : t.successRate() != null ? "goal: success rate ≥ " + rate(t.successRate())
                    : t.zooReturn() == null ? "no figure" : ret(t.zooReturn()));
            row.add(t == null || t.steps() == null ? "—" : steps(t.steps()));
            row.add(joinDistinct(c.runs().stream().map(r -> r.steps() == null ? "—" : steps(r.steps())).toList()));
            for (int s : seeds) {
                Run r = c.runs().stream().filter(x -> x.seed() == s).findFirst().orElse(null);
                row.add(r == null ? "—" : r.eval() == null ? "not evaluated" : score(r.eval(), t));
            }
            row.add(c.evaluated().isEmpty() ? "—" : t != null && t.successRate() != null
                    ? "success " + rate(c.meanSuccessRate()) + ", return " + ret(c.meanReturn())
                    : ret(c.meanReturn()));
            row.add(c.runs().isEmpty() ? "—"
                    : String.join(" / ", c.runs().stream().map(r -> r.wallS() == null ? "—" : wall(r.wallS())).toList()));
            row.add(verdictText(c, mostSeeds));
            String link = curves.get(c.key());
            row.add(link == null ? "—" : "[png](" + link + ")");
            md.append(row);
        }
        md.append("\n## Runs\n\n");
        md.append("| run | steps trained | return (mean ± std) | success rate | evaluation | train wall time | commit "
                + "| train command |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Cell c : cells) {
            for (Run r : c.runs()) {
                StringJoiner row = new StringJoiner(" | ", "| ", " |\n");
                row.add(r.name()).add(r.steps() == null ? "—" : steps(r.steps()));
                if (r.eval() == null) {
                    row.add("not evaluated").add("—").add("—");
                } else {
                    row.add(ret(r.eval().meanReturn()) + " ± " + ret(r.eval().stdReturn()))
                            .add(rate(r.eval().successRate()))
                            .add(r.eval().episodes() + " episodes" + (r.eval().seed() == null ? ""
                                    : " from seed " + r.eval().seed()));
                }
                row.add(r.wallS() == null ? "—" : wall(r.wallS())).add(r.commit() == null ? "—" : "`" + r.commit() + "`")
                        .add(r.command() == null ? "—" : "`" + r.command().replace("|", "\\|") + "`");
                md.append(row);
            }
        }
        if (notes != null && !notes.isBlank()) {
            md.append('\n').append(notes.strip()).append('\n');
        }
        if (!curves.isEmpty()) {
            md.append("\n## Curves\n\nTraining-time mean episode return (the stochastic policy) against env steps, each "
                    + "seed and the mean over seeds; the dashed line is the Zoo's figure.\n");
            for (Cell c : cells) {
                String link = curves.get(c.key());
                if (link != null) {
                    md.append("\n### ").append(c.algo()).append(" on ").append(c.env()).append("\n\n![")
                            .append(c.key()).append("](").append(link).append(")\n");
                }
            }
        }
        return md.toString();
    }

    /** The {@code --json} summary: one object per cell, in the report's order. */
    static ObjectNode json(List<Cell> cells, Path out, int runs) {
        ObjectNode o = JSON.createObjectNode();
        o.put("out", out.toString()).put("runs", runs);
        ArrayNode list = o.putArray("cells");
        for (Cell c : cells) {
            ObjectNode j = list.addObject();
            j.put("algo", c.algo()).put("env", c.env());
            ArrayNode s = j.putArray("seeds");
            c.evaluated().forEach(r -> s.add(r.seed()));
            j.put("mean_return", c.meanReturn()).put("mean_success_rate", c.meanSuccessRate());
            ZooTargets.Cell t = c.target();
            j.put("zoo_return", t == null ? null : t.zooReturn()).put("budget_steps", t == null ? null : t.steps())
                    .put("success_rate_goal", t == null ? null : t.successRate());
            j.put("verdict", c.verdict()).put("margin", c.margin()).put("seeds_reaching", c.seedsReaching());
        }
        return o;
    }

    private static String verdictText(Cell c, int mostSeeds) {
        String v = c.verdict();
        Double m = c.margin();
        String seedsNote = c.evaluated().size() < mostSeeds
                ? " (" + c.evaluated().size() + " of " + mostSeeds + " seeds)" : "";
        boolean success = c.target() != null && c.target().successRate() != null;
        String margin = m == null ? "" : String.format(Locale.ROOT, success ? "%+.2f" : "%+.1f", m);
        String by = m == null ? "" : " (" + margin + ")";
        // A missed cell says how many seeds reach the figure alone: the Zoo's figure is one run, so a mean can
        // miss it while single seeds reach it.
        String reaching = " (" + margin + "; " + c.seedsReaching() + " of " + c.evaluated().size() + " seeds reach it)";
        return switch (v) {
            case "met" -> "met" + by + seedsNote;
            case "missed" -> "**missed**" + reaching + seedsNote;
            case "no target" -> v + seedsNote;
            default -> v;
        };
    }

    private static String score(Eval e, ZooTargets.Cell t) {
        String s = ret(e.meanReturn()) + " ± " + ret(e.stdReturn());
        return t != null && t.successRate() != null ? s + " (success " + rate(e.successRate()) + ")" : s;
    }

    /** The one value when all are equal, else all of them in order. */
    private static String joinDistinct(List<String> values) {
        if (values.isEmpty()) {
            return "—";
        }
        return values.stream().distinct().count() == 1 ? values.get(0) : String.join(" / ", values);
    }

    static String ret(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String rate(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String steps(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** e.g. {@code 45s}, {@code 12m05s}, {@code 2h03m}. */
    static String wall(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    private static String shortCommit(String c) {
        return c.length() >= 7 && c.substring(0, 7).matches("[0-9a-f]{7}")
                ? c.substring(0, 7) + (c.endsWith("-dirty") ? "-dirty" : "") : c;
    }
}
