package dev.actuate.train;

import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A training run's directory: {@code config.yaml} (resolved), {@code provenance.json},
 * {@code metrics.csv}, {@code curve.png}, {@code checkpoint.actuate} (latest, for resume) and
 * {@code model.actuate} (final policy). Everything except the appended metrics is written
 * atomically.
 */
public final class RunDir {
    public static final String CONFIG = "config.yaml";
    public static final String PROVENANCE = "provenance.json";
    public static final String METRICS = "metrics.csv";
    public static final String CURVE = "curve.png";
    public static final String CHECKPOINT = "checkpoint.actuate";
    public static final String MODEL = "model.actuate";

    private final Path dir;

    private RunDir(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens {@code dir} for a new run (refusing to overwrite a run already there) or, with
     * {@code resume}, for continuing the run whose checkpoint it holds.
     */
    public static RunDir open(Path dir, boolean resume) throws IOException {
        RunDir run = new RunDir(dir);
        if (resume) {
            if (!Files.exists(run.checkpoint())) {
                throw new IOException(run.checkpoint() + ": no checkpoint to resume from (train without --resume first)");
            }
        } else if (Files.exists(run.checkpoint()) || Files.exists(run.model())) {
            throw new IOException(dir + ": already holds a run; pass --resume to continue it or --out to choose "
                    + "another directory");
        }
        Files.createDirectories(dir);
        if (resume) {
            run.removeStaleTempFiles();
        }
        return run;
    }

    /** Deletes temp files that a killed run left mid-write ({@link AtomicFiles} names them {@code .NAME*.tmp}). */
    private void removeStaleTempFiles() throws IOException {
        try (var files = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    public Path dir() {
        return dir;
    }

    public Path checkpoint() {
        return dir.resolve(CHECKPOINT);
    }

    public Path model() {
        return dir.resolve(MODEL);
    }

    public Path metricsFile() {
        return dir.resolve(METRICS);
    }

    public Path curve() {
        return dir.resolve(CURVE);
    }

    public void writeConfig(Record config) throws IOException {
        AtomicFiles.writeString(dir.resolve(CONFIG), ConfigYaml.toYaml(config));
    }

    public void writeProvenance(Provenance provenance) throws IOException {
        byte[] json = Checkpoint.json().copy().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsBytes(provenance.toJson());
        AtomicFiles.write(dir.resolve(PROVENANCE), json);
    }

    /** Opens {@code metrics.csv}; see {@link MetricsCsv#MetricsCsv(Path, List, long)}. */
    public MetricsCsv metrics(List<String> columns, long keepThroughIteration) throws IOException {
        return new MetricsCsv(metricsFile(), columns, keepThroughIteration);
    }

    /** Redraws {@code curve.png} from {@code metrics.csv}'s {@code global_step} and {@code mean_return}. */
    public void refreshCurve(String title, Double threshold) throws IOException {
        LearningCurve.write(curve(), title, MetricsCsv.readPoints(metricsFile(), "global_step", "mean_return"), threshold);
    }
}
