package dev.actuate.distributed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The driver side shared by {@code sweep} and {@code study}: run the trials, then write the report. */
final class Sweeps {
    private Sweeps() {
    }

    /** The master to use: the one given, else spark-submit's ({@code spark.master}), else embedded {@code local[*]}. */
    static String master(String given) {
        return given != null ? given : System.getProperty("spark.master", "local[*]");
    }

    /** {@code master} null runs the trials one after another in this JVM, without Spark. */
    static SweepReport runAndReport(String master, List<Trial> trials, Path out, boolean resume) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IOException(out + ": --out is a file, not a directory");
        }
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        List<TrialResult> results = SparkTrials.run(master, trials, out, resume, System.err);
        SweepReport r = SweepReport.of(master == null ? "sequential (no Spark)" : master, (System.nanoTime() - t0) / 1e9, results);
        r.write(out);
        ReportCurves.write(out, r);
        return r;
    }
}
