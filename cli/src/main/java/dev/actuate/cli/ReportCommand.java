package dev.actuate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actuate.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code actuate report}: the results page (markdown and one learning-curve PNG per cell) from run directories. */
@Command(name = "report", mixinStandardHelpOptions = true, description = {
        "Write the results page (markdown and curves) from run directories against the Zoo's targets.",
        "Run directories are named <algo>-<env>-s<seed> (config.yaml, provenance.json, metrics.csv from",
        "`actuate train`; eval.json and train.json from scripts/reproduce-results.sh). It holds",
        "a table per (algo, env) cell against the targets, a table per run, and one PNG of each cell's",
        "learning curves in a folder beside the markdown (docs/results.md -> docs/results/<algo>-<env>.png)."})
public final class ReportCommand implements Callable<Integer> {
    static final Path DEFAULT_TARGETS = Path.of("configs", "zoo-targets.yaml");

    @Parameters(index = "0", paramLabel = "RUNS_ROOT", description = "Directory holding the run directories")
    Path root;

    @Option(names = "--out", required = true, paramLabel = "FILE.md", description = "Markdown to write (atomically)")
    Path out;

    @Option(names = "--targets", paramLabel = "FILE",
            description = "Targets per cell (default: the clone's configs/zoo-targets.yaml, when there is one)")
    Path targets;

    @Option(names = "--notes", paramLabel = "FILE.md",
            description = "Hand-written notes inserted verbatim after the tables, so they survive regeneration")
    Path notes;

    @Option(names = "--json", description = "Print one JSON object (the cells' verdicts) as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!out.getFileName().toString().endsWith(".md")) {
            throw new IllegalArgumentException("--out must name a .md file, got " + out);
        }
        Path targetsFile = targets != null ? targets : DefaultConfigs.findFile(DEFAULT_TARGETS);
        if (targets != null && !Files.isRegularFile(targets)) {
            throw new IllegalArgumentException("--targets " + targets + ": no such file");
        }
        if (notes != null && !Files.isRegularFile(notes)) {
            throw new IllegalArgumentException("--notes " + notes + ": no such file");
        }
        ZooTargets t = targetsFile == null ? null : ZooTargets.read(targetsFile);
        List<ResultsReport.Run> runs = ResultsReport.readRuns(root);
        List<ResultsReport.Cell> cells = ResultsReport.cells(runs, t);
        // The PNGs go into a folder named after the markdown, beside it; links are relative to the markdown.
        String stem = out.getFileName().toString().replaceFirst("\\.md$", "");
        Path pngDir = out.resolveSibling(stem);
        Map<String, String> curves = new TreeMap<>();
        for (ResultsReport.Cell c : cells) {
            if (ResultsReport.writeCurve(c, pngDir.resolve(c.key() + ".png"))) {
                curves.put(c.key(), stem + "/" + c.key() + ".png");
            }
        }
        String command = "actuate report " + root + " --out " + out
                + (targets != null ? " --targets " + targets : targetsFile != null ? " --targets " + DEFAULT_TARGETS : "")
                + (notes != null ? " --notes " + notes : "");
        String md = ResultsReport.markdown(cells, command, root.toString(),
                notes == null ? null : Files.readString(notes), curves);
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        AtomicFiles.writeString(out, md);
        long met = cells.stream().filter(c -> c.verdict().equals("met")).count();
        long missed = cells.stream().filter(c -> c.verdict().equals("missed")).count();
        long notRun = cells.stream().filter(c -> c.verdict().equals("not run")).count();
        System.out.printf("wrote %s: %d runs in %d cells (%d met, %d missed, %d not run), %d curves in %s%n", out,
                runs.size(), cells.size(), met, missed, notRun, curves.size(), pngDir);
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(ResultsReport.json(cells, out, runs.size())));
        }
        return 0;
    }
}
