package dev.actuate.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Records the Linux scheduler and high-resolution timers with ftrace while a bench case runs, for
 * {@link SchedTrace} to name the cause of each missed deadline. It uses a tracing instance of its own, so a
 * tracer someone else runs is left alone, on the {@code mono} clock (CLOCK_MONOTONIC, the clock of
 * {@code System.nanoTime}), and keeps the oldest events when the buffer fills so that a case's start is
 * whole. Needs root and tracefs (usually mounted at {@value #DEFAULT_ROOT}).
 */
public final class KernelTrace implements AutoCloseable {
    public static final String DEFAULT_ROOT = "/sys/kernel/tracing";
    static final List<String> EVENTS = List.of("sched/sched_switch", "sched/sched_wakeup", "sched/sched_stat_runtime",
            "timer/hrtimer_start", "timer/hrtimer_expire_entry");

    private final Path dir;
    private boolean on;

    private KernelTrace(Path dir) {
        this.dir = dir;
    }

    /**
     * Checks that tracefs is mounted at {@code root} and that this process may create instances there.
     *
     * @throws IOException naming the path and what is missing
     */
    public static void requireTracefs(Path root) throws IOException {
        Path instances = root.resolve("instances");
        if (!Files.isDirectory(instances)) {
            throw new IOException(root + ": no tracefs here (no instances/ directory); as root: mount -t tracefs nodev "
                    + root);
        }
        if (!Files.isWritable(instances)) {
            throw new IOException(instances + ": cannot create a tracing instance (needs root)");
        }
    }

    /**
     * Creates the instance {@code <prefix>-<this pid>} and starts tracing into a buffer of {@code bufferKbPerCpu}
     * KiB per CPU.
     *
     * @throws IOException naming the path when tracefs is missing or the instance cannot be made (not root)
     */
    public static KernelTrace start(Path root, String prefix, int bufferKbPerCpu) throws IOException {
        requireTracefs(root);
        removeStale(root.resolve("instances"), prefix);
        Path dir = root.resolve("instances").resolve(prefix + "-" + ProcessHandle.current().pid());
        try {
            Files.createDirectory(dir);
        } catch (AccessDeniedException e) {
            throw new IOException(dir + ": cannot create a tracing instance (needs root)", e);
        }
        KernelTrace t = new KernelTrace(dir);
        try {
            t.write("tracing_on", "0");
            t.write("trace_clock", "mono");
            t.write("buffer_size_kb", Integer.toString(bufferKbPerCpu));
            t.write("options/overwrite", "0");
            for (String e : EVENTS) {
                t.write("events/" + e + "/enable", "1");
            }
            t.write("tracing_on", "1");
            t.on = true;
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /**
     * Removes instances {@code <prefix>-<pid>} whose process is gone: a bench killed mid-case leaves its
     * instance, and with it a buffer of hundreds of MB of kernel memory, until someone removes it.
     */
    static void removeStale(Path instances, String prefix) throws IOException {
        try (Stream<Path> all = Files.list(instances)) {
            for (Path p : all.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix + "-") && n.substring(prefix.length() + 1).matches("\\d+")
                        && ProcessHandle.of(Long.parseLong(n.substring(prefix.length() + 1))).isEmpty()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Stops tracing and copies the trace, as text, to {@code file} (through a temporary file, then a rename). */
    public void stopAndSave(Path file) throws IOException {
        write("tracing_on", "0");
        on = false;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.copy(dir.resolve("trace"), tmp, StandardCopyOption.REPLACE_EXISTING);
        // Written back now, not by kernel workers during the next case: under a non-preemptible kernel their
        // writeback delayed real-time threads by up to 0.6 ms (seen in these traces).
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Events the buffer had no room for, over every CPU (from {@code per_cpu/cpu*}/stats). */
    public long eventsLost() throws IOException {
        long lost = 0;
        try (Stream<Path> cpus = Files.list(dir.resolve("per_cpu"))) {
            for (Path cpu : cpus.toList()) {
                for (String line : Files.readAllLines(cpu.resolve("stats"), StandardCharsets.UTF_8)) {
                    if (line.startsWith("overrun:") || line.startsWith("dropped events:")) {
                        lost += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
            }
        }
        return lost;
    }

    private void write(String file, String value) throws IOException {
        Path p = dir.resolve(file);
        try {
            Files.writeString(p, value, StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new IOException(p + ": not in this kernel's tracefs (needs the sched and timer trace events)", e);
        }
    }

    /** Stops tracing if it still runs and removes the instance, which frees its buffer. */
    @Override
    public void close() throws IOException {
        if (on) {
            write("tracing_on", "0");
            on = false;
        }
        Files.deleteIfExists(dir);
    }
}
