package dev.actuate.train;

import dev.actuate.io.AtomicFiles;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A training run's directory: {@code config.yaml} (resolved), {@code provenance.json},
 * {@code metrics.csv}, {@code curve.png}, {@code checkpoint.actuate} (latest, for resume) and
 * {@code model.actuate} (final policy). Everything except the appended metrics is written
 * atomically.
 *
 * <p>An open run directory is locked ({@code .lock}, an OS file lock holding the owner's pid), so a second
 * training into it is refused; the OS drops the lock when its holder dies, even by {@code kill -9}. Close it
 * to release the lock.
 */
public final class RunDir implements AutoCloseable {
    public static final String CONFIG = "config.yaml";
    public static final String PROVENANCE = "provenance.json";
    public static final String METRICS = "metrics.csv";
    public static final String CURVE = "curve.png";
    public static final String CHECKPOINT = "checkpoint.actuate";
    public static final String MODEL = "model.actuate";
    public static final String LOCK = ".lock";
    /** The files written through {@link AtomicFiles}; their temp files are {@code .<name>*.tmp}. */
    private static final List<String> ATOMIC = List.of(CONFIG, PROVENANCE, METRICS, CURVE, CHECKPOINT, MODEL);

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private RunDir(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens and locks {@code dir} for a new run (refusing to overwrite a run already there) or, with
     * {@code resume}, for continuing the run whose checkpoint it holds; then removes temp files that
     * interrupted writes (a crash or {@code kill -9}) left behind.
     */
    public static RunDir open(Path dir, boolean resume) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir + ": --out is a file, not a directory; give a directory for the run");
        }
        if (resume && !Files.exists(dir.resolve(CHECKPOINT))) {
            throw new IOException(dir.resolve(CHECKPOINT) + ": no checkpoint to resume from (train without --resume "
                    + "first)");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException(dir + ": cannot create the run directory: " + e, e);
        }
        RunDir run = lock(dir);
        try {
            if (!resume && (Files.exists(run.checkpoint()) || Files.exists(run.model()))) {
                throw new IOException(dir + ": already holds a run; pass --resume to continue it or --out to choose "
                        + "another directory");
            }
            for (Path stale : run.removeStaleTempFiles()) {
                System.err.println("actuate: removed " + stale + " (left by an interrupted write)");
            }
            return run;
        } catch (IOException | RuntimeException e) {
            run.close();
            throw e;
        }
    }

    /** Takes the directory's lock or explains who holds it. */
    private static RunDir lock(Path dir) throws IOException {
        Path file = dir.resolve(LOCK);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM
        } catch (IOException e) {
            ch.close();
            throw new IOException(file + ": cannot lock the run directory: " + e, e);
        }
        if (lock == null) {
            String holder;
            try {
                holder = Files.readString(file, StandardCharsets.UTF_8).trim();
            } finally {
                ch.close();
            }
            throw new IOException(dir + ": another training is writing to this run directory (pid "
                    + (holder.isEmpty() ? "unknown" : holder) + ", lock " + file + "); wait for it or choose another "
                    + "--out");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        AtomicFiles.makeReadable(file);
        return new RunDir(dir, ch, lock);
    }

    /**
     * Deletes {@code .<file>*.tmp} temp files of this directory's atomic writes (replay buffers included:
     * theirs start with {@code .checkpoint.actuate}). Safe only under the lock: no write of ours is in flight.
     */
    List<Path> removeStaleTempFiles() throws IOException {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (ATOMIC.stream().anyMatch(a -> name.startsWith("." + a)) && Files.isRegularFile(f)) {
                    Files.deleteIfExists(f);
                    removed.add(f);
                }
            }
        }
        return removed;
    }

    /** Releases the lock; the {@code .lock} file stays (deleting it would race with the next holder). */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            lockChannel.close();
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
